import ACDCore
import ACDReports
import ArgumentParser
import CLISupport
import Fitting
import Foundation
import IVRFlows

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a simulated period with the published figures it was calibrated to.",
        discussion: """
            Runs the scenario and prints every published figure (the scenario's top-level `published:` and each \
            queue's `published:`) beside the simulated one, with its 95% interval, the difference, whether the \
            published figure lies inside the interval, and the definition used to count it (docs/metrics.md, \
            "Centre totals"). --format markdown gives the table flows/leeds/README.md shows.

            Example: acdd calibrate flows/leeds --format markdown

            --fit searches the free parameters of the scenario's `fit:` block (docs/fitting.md) so the simulated \
            figures match the published ones: bounded Levenberg-Marquardt on common random numbers. It reports each \
            fitted value with its 95% interval, every figure before and after, and the --set list that makes the \
            fitted scenario. -r sets the replications of each evaluation (default: the fit block's, else the \
            scenario's).

            Example: acdd calibrate flows/leeds --fit
            """)

    @Argument(help: "The scenario file, or a folder with scenario.yaml.")
    var scenario: String

    @Option(name: .shortAndLong, help: "Replications (default: the scenario's).")
    var replications: Int?

    @Option(name: .shortAndLong, help: "Seed (default: the scenario's).")
    var seed: UInt64?

    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?

    @Option(help: "Share of paid time off the phones, for the rota's FTE; the same default as staff.")
    var shrinkage = FTEDefaults.shrinkage

    @Option(help: "Paid hours per FTE per week.")
    var weeklyHours = FTEDefaults.weeklyHours

    @Option(
        name: .customLong("set"), parsing: .singleValue,
        help: ArgumentHelp("A change, as for simulate.", valueName: "path=value"))
    var overrides: [String] = []

    @Flag(help: "Fit the parameters of the scenario's fit: block to its published figures.")
    var fit = false

    @Option(help: "With --fit: the most evaluations (default: the fit block's max_evaluations, else 60).")
    var maxEvaluations: Int?

    @Option(name: .shortAndLong, help: "Output: table, markdown, csv or json.")
    var format: CalibrationFormat = .table

    enum CalibrationFormat: String, ExpressibleByArgument, CaseIterable { case table, markdown, csv, json }

    func validate() throws {
        if let replications, replications < 2 {
            throw ValidationError("--replications must be at least 2 for intervals")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let scenario = try loadScenario(self.scenario, overrides: overrides)
        scenario.warnings.forEach(warn)
        if fit { return try runFit(scenario) }
        let shrink = try parseShare(shrinkage, option: "--shrinkage")
        guard shrink < 1 else { throw ValidationError("--shrinkage must be below 100%") }
        let seed = self.seed ?? scenario.seed
        let count = replications ?? max(2, scenario.replications)
        let runner = ReplicationRunner(model: scenario.model, seed: seed, threads: threads)
        let estimate = RunEstimate(model: scenario.model, replications: count, threads: runner.threads)
        announce(
            estimate.announcement(
                command: "calibrate", shorten: ["fewer replications (--replications 2 takes 2/\(count) of it)"]))
        let meter = RunMeter()
        let progress = ProgressLine(
            label: "calibrate: replications", total: count, meter: meter, simulatedTotal: estimate.simulatedSeconds)
        let summary = runner.summarize(replications: count, meter: meter)
        progress.finish()
        let report = CalibrationReport(
            scenario: scenario, summary: summary, seed: seed, shrinkage: shrink, weeklyHours: weeklyHours)
        switch format {
        case .table:
            let published = ["published", report.label].compactMap { $0 }.joined(separator: " ")
            print("\(scenario.name): \(published) against \(count) simulated replications, seed \(seed)\n")
            print(report.table(), terminator: "")
            print("\nDefinitions of each figure: --format markdown, or docs/metrics.md (\"Centre totals\").")
        case .markdown: print(report.markdown(), terminator: "")
        case .csv: print(report.csv(), terminator: "")
        case .json: print(try report.json(), terminator: "")
        }
    }
}

extension Calibrate {
    func runFit(_ scenario: Scenario) throws {
        guard var spec = scenario.fit else {
            throw ValidationError("\(scenario.file) has no fit: block (docs/fitting.md)")
        }
        if let maxEvaluations { spec.maxEvaluations = max(maxEvaluations, 2 * spec.parameters.count + 2) }
        guard format != .csv else { throw ValidationError("--fit writes table, markdown or json") }
        // Each was read by loadScenario already.
        let changes = overrides.compactMap { try? ScenarioOverride($0) }
        var problem = FitProblem(
            path: self.scenario, overrides: changes, spec: spec, seed: seed ?? scenario.seed,
            replications: replications ?? spec.replications ?? max(2, scenario.replications), threads: threads)
        let meter = RunMeter()
        problem.meter = meter
        let estimate = RunEstimate(
            model: scenario.model, replications: problem.replications * spec.maxEvaluations,
            threads: min(threads ?? ProcessInfoCores.active, problem.replications))
        announce(
            estimate.announcement(
                command: "calibrate --fit (at most \(spec.maxEvaluations) evaluations)",
                shorten: [
                    "fewer replications per evaluation (fit: replications:)", "fewer evaluations (--max-evaluations)",
                ]))
        let progress = ProgressLine(label: "calibrate --fit: evaluations", total: spec.maxEvaluations, meter: meter)
        let result: FitResult
        do throws(InputError) {
            result = try Fitter(problem: problem).run { done, _, _ in progress.update(done) }
        } catch {
            progress.finish()
            throw failInput(error)
        }
        progress.finish()
        let argument = ([self.scenario] + overrides.map { "--set '\($0)'" }).joined(separator: " ")
        switch format {
        case .table: print(result.table(scenarioArgument: argument), terminator: "")
        case .markdown: print(result.markdown(), terminator: "")
        case .json: print(try jsonText(result))
        case .csv: break
        }
    }
}
