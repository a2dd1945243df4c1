import ACDCore
import ACDReports
import ArgumentParser
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
        let shrink = try parseShare(shrinkage, option: "--shrinkage")
        guard shrink < 1 else { throw ValidationError("--shrinkage must be below 100%") }
        let seed = self.seed ?? scenario.seed
        let count = replications ?? max(2, scenario.replications)
        let progress = Progress(total: count, label: "replications")
        let summary = ReplicationRunner(model: scenario.model, seed: seed, threads: threads)
            .summarize(replications: count, progress: { progress.update($0) })
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
