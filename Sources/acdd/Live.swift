import ACDCore
import ArgumentParser
import Foundation
import IVRFlows

struct Live: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario on the live engine against the wall clock, with no end date, and report each day.",
        discussion: """
            The live engine is what the daemon runs: the same routing engine as `simulate`, owned by one actor on the \
            wall clock, taking commands at any moment and rolling its days over. Here it runs the scenario's own \
            callers (the caller model) at --speed simulated seconds per real second for --days days, past the \
            scenario's period if need be (the period repeats by whole weeks). At each day's end it prints the day: \
            per queue offered, answered, abandoned, blocked, ASA and abandonment against target, the calls in the \
            system, and the process's resident memory. Ctrl-C stops it: calls in flight end as `shutdown` records.

            Example: acdd live flows/leeds --speed 10000 --days 7
            """)

    @Argument(help: "The scenario file, or a folder with scenario.yaml.")
    var scenario: String

    @Option(help: "Simulated seconds per real second.")
    var speed = 3600.0

    @Option(help: "Days to run.")
    var days = 1

    @Option(name: .shortAndLong, help: "Seed (default: the scenario's).")
    var seed: UInt64?

    @Option(name: .shortAndLong, help: "Output: table (a line per queue and day) or json (a line per day).")
    var format = LiveFormat.table

    func run() async throws {
        let loaded = try loadScenario(scenario, overrides: [])
        guard speed > 0 && speed.isFinite, days >= 1 else {
            throw ValidationError("--speed must be positive and --days at least 1")
        }
        let live = LiveEngine(
            model: loaded.model, seed: seed ?? loaded.seed, clock: WallClock(speed: speed),
            options: EngineOptions(arrivals: true, endless: true))
        let drain = Task { () -> Int in
            var count = 0
            for await _ in live.records { count += 1 }
            return count
        }
        await live.start()
        let started = Date()
        for day in 0..<days {
            let end = Double(day + 1) * 86400
            // Wake just after the day's end, when the engine has rolled over to the next day.
            let wait = max(0, end / speed - Date().timeIntervalSince(started)) + 0.01
            try await Task.sleep(for: .seconds(wait))
            guard let figures = await live.day(day) else { continue }
            let snapshot = await live.snapshot()
            report(day: figures, snapshot: snapshot, model: loaded.model)
        }
        await live.shutdown()
        let records = await drain.value
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        FileHandle.standardError.write(Data("live: \(days) day(s) in \(seconds) s, \(records) call records\n".utf8))
    }

    func report(day figures: LiveDay, snapshot: LiveSnapshot, model: CentreModel) {
        let rss = residentMemory()
        let inSystem = snapshot.queues.map(\.waiting).reduce(0, +)
        switch format {
        case .json:
            struct Line: Encodable {
                var day: Int
                var queues: [QueueTally]
                var waitingNow: Int
                var residentBytes: Int
            }
            let totals = figures.queues.map { $0.reduce(into: QueueTally()) { $0.add($1) } }
            let line = Line(day: figures.day, queues: totals, waitingNow: inSystem, residentBytes: rss)
            let data = (try? JSONEncoder().encode(line)) ?? Data()
            print(String(decoding: data, as: UTF8.self))
        case .table:
            print("day \(figures.day): \(inSystem) waiting at its end, resident memory \(rss / 1_048_576) MB")
            for (q, intervals) in figures.queues.enumerated() {
                let t = intervals.reduce(into: QueueTally()) { $0.add($1) }
                let m = QueueMetrics(tally: t, definitions: model.definitions)
                let name = model.queues[q].name.padding(toLength: 28, withPad: " ", startingAt: 0)
                let share = String(format: "%.1f", m.abandonment * 100)
                print(
                    "  \(name) offered \(t.offered)  answered \(t.answered)  abandoned \(t.abandoned)"
                        + "  blocked \(t.blocked)  ASA \(Int(m.asa)) s  abandonment \(share)%")
            }
        }
    }
}

enum LiveFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// The process's resident memory in bytes (Linux), or 0 where it cannot be read.
func residentMemory() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
