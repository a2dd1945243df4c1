import ACDCore
import ACDReports
import ACDStore
import ArgumentParser
import CLISupport
import Foundation
import IVRFlows

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario and report each queue against its targets.",
        discussion: """
            SCENARIO is a scenario file (docs/scenario.md) or a folder holding scenario.yaml. Replications run in \
            parallel on all cores; the same seed gives the same numbers whatever the thread count.

            Examples:
              acdd simulate examples/single-queue.yaml
              acdd simulate examples/single-queue.yaml --replications 50 --format csv > results.csv
              acdd simulate examples/two-skills.yaml --precision 0.02      # add replications until ±2%
              acdd simulate examples/single-queue.yaml --precision asa=2 --precision share=0.5
            """)

    @Argument(help: "The scenario file, or a folder with scenario.yaml.")
    var scenario: String

    @Option(name: .shortAndLong, help: "Replications to run (default: the scenario's, else 10).")
    var replications: Int?

    @Option(name: .shortAndLong, help: "Seed of the random streams (default: the scenario's, else 1).")
    var seed: UInt64?

    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?

    @Option(name: .shortAndLong, help: "Output: table, json or csv.")
    var format: OutputFormat = .table

    @Flag(help: "With json or csv: add per-interval figures.")
    var intervals = false

    @Option(
        parsing: .singleValue,
        help: ArgumentHelp(
            "With the table: also show queues (every metric), groups, flows (entries and nodes), intents, or all. "
                + "Repeatable, or comma-separated.", valueName: "part"))
    var detail: [String] = []

    @Option(
        help: ArgumentHelp(
            "Simulate only this day of the period (YYYY-MM-DD or its number from 0), or days FIRST..LAST, from "
                + "midnight with empty queues.", valueName: "day"))
    var day: String?

    @Option(
        parsing: .singleValue,
        help: ArgumentHelp(
            "Keep adding replications until every targeted metric is this precise: a fraction of its mean (0.05), "
                + "or absolute with asa=SECONDS and share=PERCENTAGE-POINTS. Repeatable.",
            valueName: "goal"))
    var precision: [String] = []

    @Option(help: "Most replications --precision may run.")
    var maxReplications = 1000

    @Option(
        help: ArgumentHelp(
            "Run one replication on the wall clock at this speed (simulated seconds per real second) instead of "
                + "in simulated time; the daemon's clock.", valueName: "speed"))
    var wallClock: Double?

    @Option(
        help: ArgumentHelp("Also store the run and its per-interval results in this SQLite file.", valueName: "file"))
    var db: String?

    @Flag(help: "With --db: also store every call of replication 0 (the calls table, docs/database.md).")
    var records = false

    @Flag(
        inversion: .prefixedNo,
        help: ArgumentHelp(
            "With --db: store per-interval figures too (default: only for periods of up to 31 days; daily and "
                + "monthly figures are always stored)."))
    var dbIntervals: Bool?

    @Option(help: ArgumentHelp("Also write a self-contained HTML page with plots.", valueName: "file"))
    var html: String?

    @Flag(help: "Print the time taken and simulated calls per second on the table.")
    var timing = false

    @Option(
        name: .customLong("set"), parsing: .singleValue,
        help: ArgumentHelp(
            "Change a scenario value, e.g. queues[council-tax].patience.exponential=5m or "
                + "groups[0].agents=30. Repeatable; docs/scenario.md lists the path forms.", valueName: "path=value"))
    var overrides: [String] = []

    func validate() throws {
        if let replications, replications < 1 { throw ValidationError("--replications must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let wallClock, !(wallClock > 0) { throw ValidationError("--wall-clock takes a positive speed") }
        _ = try parsedGoal()
        _ = try parsedDetail()
    }

    func parsedDetail() throws -> Set<ReportDetail> {
        var parts = Set<ReportDetail>()
        for item in detail.flatMap({ $0.split(separator: ",") }).map(String.init) {
            if item == "all" {
                parts.formUnion(ReportDetail.allCases)
            } else if let part = ReportDetail(rawValue: item) {
                parts.insert(part)
            } else {
                let known = ReportDetail.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--detail \(item): not a part of the table; use \(known) or all")
            }
        }
        return parts
    }

    func parsedGoal() throws -> PrecisionGoal? {
        guard !precision.isEmpty else { return nil }
        var goal = PrecisionGoal()
        for item in precision {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 1, let relative = Double(parts[0]), relative > 0 {
                goal.relative = relative
            } else if parts.count == 2, let value = Double(parts[1].replacingOccurrences(of: "%", with: "")), value > 0
            {
                switch parts[0] {
                case "asa": goal.asaSeconds = value
                case "share": goal.sharePoints = value
                default: throw ValidationError("--precision \(item): use a fraction, asa=SECONDS or share=POINTS")
                }
            } else {
                throw ValidationError("--precision \(item): use a fraction such as 0.05, asa=SECONDS or share=POINTS")
            }
        }
        return goal
    }

    func run() throws {
        var scenario = try loadScenario(self.scenario, overrides: overrides)
        if let day {
            scenario = scenario.window(days: try scenario.days(option: day))
        }
        scenario.warnings.forEach(warn)
        let seed = self.seed ?? scenario.seed
        let start = Date()
        let summary: Summary
        let goal = try parsedGoal()
        if let speed = wallClock {
            summary = runOnWallClock(scenario, seed: seed, speed: speed)
        } else {
            let runner = ReplicationRunner(model: scenario.model, seed: seed, threads: threads)
            let count = max(replications ?? scenario.replications, goal == nil ? 1 : 2)
            let estimate = RunEstimate(model: scenario.model, replications: count, threads: runner.threads)
            announce(
                estimate.announcement(
                    command: "simulate",
                    shorten: [
                        "fewer replications (--replications 1 takes 1/\(count) of it)",
                        "one day or a few (--day YYYY-MM-DD or --day FIRST..LAST)", "a shorter period in the scenario",
                    ] + (goal == nil ? [] : ["a looser --precision"])))
            let meter = RunMeter()
            let progress = ProgressLine(
                label: "simulate: replications", total: goal == nil ? count : nil, meter: meter,
                simulatedTotal: goal == nil ? estimate.simulatedSeconds : nil)
            summary = runner.summarize(
                replications: count, goal: goal, maxReplications: maxReplications, meter: meter)
            progress.finish()
        }
        let elapsed = Date().timeIntervalSince(start)
        if let (replication, fault) = summary.fault {
            let queue = scenario.model.queues[fault.queue.index].name
            let message =
                "error: replication \(replication) stopped at \(formatTime(fault.time)): \(fault.calls) calls in the "
                + "system at once, most of them waiting in queue '\(queue)'. The queues grow without limit: give "
                + "'\(queue)' a capacity (docs/scenario.md) or agents. Nothing was written.\n"
            FileHandle.standardError.write(Data(message.utf8))
            throw ExitCode(2)
        }
        if let db {
            do {
                var parameters = ["replications": String(summary.replications), "seed": String(seed)]
                for (k, change) in overrides.enumerated() { parameters["set.\(k)"] = change }
                let id = try RunStore(path: db).store(
                    scenario: scenario, summary: summary, seed: seed, parameters: parameters, intervals: dbIntervals,
                    records: records ? { write in try Self.replay(scenario.model, seed: seed, into: write) } : nil)
                FileHandle.standardError.write(Data("stored as run \(id) in \(db)\n".utf8))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        let report = SimulationReport(scenario: scenario, summary: summary, seed: seed, elapsed: timing ? elapsed : nil)
        if let html {
            do {
                try HTMLReport(report: report).render().write(toFile: html, atomically: true, encoding: .utf8)
            } catch {
                FileHandle.standardError.write(Data("error: \(html): \(error.localizedDescription)\n".utf8))
                throw ExitCode(1)
            }
        }
        try write(report)
        if let goal, wallClock == nil { try Self.checkPrecision(summary, goal: goal) }
    }

    /// The results on standard output in the chosen format; JSON is streamed as it is built.
    private func write(_ report: SimulationReport) throws {
        switch format {
        case .table: print(report.table(detail: try parsedDetail()), terminator: "")
        case .csv: print(report.csv(intervals: intervals), terminator: "")
        case .json:
            var buffer = Data()
            try report.writeJSON(intervals: intervals) { data in
                buffer += data
                if buffer.count >= 1 << 20 {
                    FileHandle.standardOutput.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            FileHandle.standardOutput.write(buffer)
        }
    }

    /// Exit status 3 (after the results) when `--precision` stopped at `--max-replications` short of its goal,
    /// naming the metrics still short.
    static func checkPrecision(_ summary: Summary, goal: PrecisionGoal) throws {
        let short = summary.shortfalls(of: goal)
        guard !short.isEmpty else { return }
        let names = short.map { s -> String in
            let share = s.metric.isShare
            let width =
                share
                ? String(format: "±%.2f points", 100 * s.estimate.halfWidth)
                : String(format: "±%.1f s", s.estimate.halfWidth)
            let wanted = share ? String(format: "±%.2f", 100 * s.goal) : String(format: "±%.1f", s.goal)
            return "\(s.queue) \(s.metric.rawValue) \(width) (goal \(wanted))"
        }
        FileHandle.standardError.write(
            Data(
                ("warning: --precision was not reached in \(summary.replications) replications (--max-replications); "
                    + "still short: \(names.joined(separator: ", ")). Exit status 3.\n").utf8))
        throw ExitCode(3)
    }

    /// Runs replication 0 again with call records on (the same numbers as in the summary), a day at a time, and
    /// hands the records to `write` in batches, so memory holds a day's records at most.
    static func replay(_ model: CentreModel, seed: UInt64, into write: ([CallRecord]) throws -> Void) throws {
        var engine = Engine(model: model, seed: seed, replication: 0)
        engine.recordsCalls = true
        while let next = engine.nextEventTime {
            engine.advance(through: next + 86400)
            try write(engine.drainRecords())
        }
    }

    private func runOnWallClock(_ scenario: Scenario, seed: UInt64, speed: Double) -> Summary {
        // The live engine on the wall clock, with the model's own callers and the period's end: the same engine and
        // the same outcomes as the simulated clock, spread out in real time.
        let live = LiveEngine(
            model: scenario.model, seed: seed, clock: WallClock(speed: speed), options: EngineOptions(),
            recordBuffer: 1)
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        Task {
            await live.start()
            await live.waitUntilStopped()
            if let engine = await live.finishedEngine() {
                box.result = ReplicationResult(engine: engine, replication: 0)
            }
            done.signal()
        }
        done.wait()
        return Summary(model: scenario.model, results: [box.result!])
    }
}

/// Seconds from the start of the period as `day D HH:MM:SS`.
func formatTime(_ seconds: Double) -> String {
    let s = Int(seconds)
    return String(format: "day %d %02d:%02d:%02d (t = %d s)", s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60, s)
}

private final class ResultBox: @unchecked Sendable {
    var result: ReplicationResult?
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}
