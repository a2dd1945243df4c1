import ACDCore
import ArgumentParser
import Foundation
import IVRFlows

@main
struct CallGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callgen",
        abstract: "The load generator: the calls a scenario offers, one per line, as CSV.",
        discussion: """
            Writes every call offered in one replication of SCENARIO: its number, queue, arrival time (seconds from \
            the start of the period; "-" as the queue for a caller who left an IVR flow without queueing), attempt (0 for a first call, 1+ for redials), and what became of it in that \
            replication. Lines come in the order in which the waits ended (answered or abandoned). Arrivals come from the same random streams as `acdd simulate`, so they do not change when \
            only staffing changes. Exit status 2 on a bad scenario.
            """)

    @Argument(help: "The scenario file, or a folder with scenario.yaml.")
    var scenario: String

    @Option(help: "Which replication's streams to use.")
    var replication = 0

    @Option(name: .shortAndLong, help: "Seed (default: the scenario's).")
    var seed: UInt64?

    func run() throws {
        let loaded: Scenario
        do {
            loaded = try Scenario.load(path: scenario)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var engine = Engine(model: loaded.model, seed: seed ?? loaded.seed, replication: replication)
        engine.recordsCalls = true
        var out = "serial,queue,arrival_s,attempt,outcome,wait_s,agent,talk_end_s\n"
        let names = loaded.model.queues.map { $0.name.contains(",") ? "\"\($0.name)\"" : $0.name }
        let flushAt = 1 << 20
        while engine.nextEventTime != nil {
            engine.advance(through: (engine.nextEventTime ?? 0) + 3600)
            for r in engine.drainRecords().sorted(by: { $0.serial < $1.serial }) {
                out += "\(r.serial),\(r.queue.map { names[$0.index] } ?? "-"),\(r.arrival),\(r.attempt),"
                out += "\(r.outcome.rawValue),\(r.endOfWait - (r.queueEntry ?? r.arrival)),"
                out += "\(r.agent.map { String($0.rawValue) } ?? "-"),\(r.talkEnd.map { String($0) } ?? "-")\n"
            }
            if out.utf8.count > flushAt {
                FileHandle.standardOutput.write(Data(out.utf8))
                out = ""
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
