import ACDCore
import ACDServer
import ACDStore
import Foundation
import HummingbirdTesting
import IVRFlows
import LoadGen
import NIOCore
import Synchronization
import Testing

/// callgen's parts: the arrival plan against the simulator and the Poisson profile, and a run against a daemon on a
/// loopback port that accounts for every call.
@Suite struct LoadGenTests {
    static let examples = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../examples").path

    /// The plan's first calls are the simulator's, to the bit: the same generator, seed and replication.
    @Test func planRepeatsTheSimulatorsArrivals() throws {
        let scenario = try Scenario.load(path: "\(Self.examples)/two-skills.yaml")
        let model = scenario.model
        var engine = Engine(model: model, seed: 11, replication: 0)
        engine.recordsCalls = true
        engine.runToCompletion()
        let simulated = engine.drainRecords().filter { $0.attempt == 0 }.map(\.arrival).sorted()
        let planned = ArrivalPlan.generate(model: model, seed: 11, from: 0, to: model.horizon)
        #expect(planned.count > 1000)
        #expect(planned.map(\.time) == simulated)
        #expect(planned.map(\.time) == planned.map(\.time).sorted())
        #expect(planned.map(\.serial) == Array(0..<planned.count))
        // A window is the same calls, not a new draw.
        let window = ArrivalPlan.generate(model: model, seed: 11, from: 10 * 3600, to: 12 * 3600)
        #expect(window.map(\.time) == planned.filter { $0.time >= 10 * 3600 && $0.time < 12 * 3600 }.map(\.time))
    }

    /// Calls per interval lie within Poisson bounds of the entry's profile (5 standard deviations per interval, 4 for
    /// the week), and every caller type is one of the model's.
    @Test func arrivalsFollowTheProfile() throws {
        let scenario = try Scenario.load(path: "\(Self.examples)/ivr")
        let model = scenario.model
        let plan = ArrivalPlan.generate(model: model, seed: 3, from: 0, to: model.horizon)
        var counts = Array(repeating: 0, count: model.intervalCount)
        for call in plan { counts[Int(call.time / model.intervalLength)] += 1 }
        let expected = model.entries[0].volumes
        for (n, mean) in zip(counts, expected) {
            #expect(abs(Double(n) - mean) <= 5 * mean.squareRoot() + 1, "interval count \(n) against mean \(mean)")
        }
        let total = expected.reduce(0, +)
        #expect(abs(Double(plan.count) - total) <= 4 * total.squareRoot())
        #expect(plan.allSatisfy { $0.intent.map(model.intents.contains) == true })
        #expect(plan.allSatisfy { $0.target == .entry("main number") })
    }

    /// The arrivals CSV reads back as the same calls, to the millisecond it prints, in time order; names with commas
    /// survive their quotes.
    @Test func arrivalsCSVReplaysExactly() throws {
        let scenario = try Scenario.load(path: "\(Self.examples)/ivr")
        let plan = ArrivalPlan.generate(model: scenario.model, seed: 8, from: 86400, to: 2 * 86400)
        let text = RecordedCalls.csv(plan, scenario: scenario)
        #expect(text.hasPrefix("serial,date,time,seconds,entry,queue,intent\n0,2020-03-03,"))
        let read = try RecordedCalls.parse(csv: text, path: "calls.csv", model: scenario.model)
        #expect(read.count == plan.count && plan.count > 1000)
        #expect(read.map(\.target) == plan.map(\.target))
        #expect(read.map(\.intent) == plan.map(\.intent))
        #expect(zip(read, plan).allSatisfy { abs($0.time - $1.time) <= 0.0005 })
        #expect(read.map(\.time) == read.map(\.time).sorted())
        #expect(read.map(\.time) == plan.map { ($0.time * 1000).rounded() / 1000 })
    }

    @Test(
        arguments: [
            ("seconds,entry,queue,intent\n5,main number,,pay\n4,main number,,pay\n",
                "calls.csv:3:1: seconds: calls must come in time order: 4.0 is before 5.0"),
            ("seconds,entry,queue,intent\n5,main,,pay\n", "calls.csv:2:3: entry: no entry 'main' in the scenario"),
            ("seconds,entry,queue,intent\n5,,housing,nobody\n", "calls.csv:2:12: intent: no caller type 'nobody'"),
            ("seconds,entry,queue,intent\nsoon,,housing,\n", "calls.csv:2:1: seconds: expected engine seconds"),
            ("seconds,entry,queue\n", "calls.csv:1:1: intent: the header has no column 'intent'"),
            ("seconds,entry,queue,intent\n5,main number,housing,\n", "calls.csv:2:3: entry: give an entry or a queue"),
        ])
    func badCallsFile(text: String, expected: String) throws {
        let scenario = try Scenario.load(path: "\(Self.examples)/ivr")
        #expect {
            _ = try RecordedCalls.parse(csv: text, path: "calls.csv", model: scenario.model)
        } throws: { error in
            (error as? InputError)?.description.hasPrefix(expected) == true
        }
    }

    /// A simulated run's first calls, read back from its database, are the arrival generator's to the bit: the
    /// timestamps a replay sends are the ones the run had.
    @Test func databaseRunReplaysExactly() throws {
        let scenario = try Scenario.load(path: "\(Self.examples)/two-skills.yaml")
        let path = FileManager.default.temporaryDirectory.appending(path: "replay-\(UUID()).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = ReplicationRunner(model: scenario.model, seed: 11, threads: 1).summarize(replications: 1)
        try RunStore(path: path).store(scenario: scenario, summary: summary, seed: 11, parameters: [:]) { write in
            var engine = Engine(model: scenario.model, seed: 11, replication: 0)
            engine.recordsCalls = true
            engine.runToCompletion()
            try write(engine.drainRecords())
        }
        let replay = try RecordedCalls.read(database: path, run: nil, model: scenario.model)
        let planned = ArrivalPlan.generate(model: scenario.model, seed: 11, from: 0, to: scenario.model.horizon)
        #expect(replay.count == planned.count && replay.count > 1000)
        #expect(replay.map(\.time) == planned.map(\.time))
        #expect(replay.map(\.target) == planned.map(\.target))
        #expect(throws: (any Error).self) { try RecordedCalls.read(database: path, run: 2, model: scenario.model) }
    }

    /// callgen sends a planned burst to a daemon on a loopback port; after the engine has run on, every call it
    /// sent has ended exactly once, by the daemon's records, its events and callgen's own count.
    @Test func everyCallIsAccountedFor() async throws {
        let daemon = try TestDaemon()
        let port = Mutex(0)
        let ids = Mutex<[Int]>([])
        let stillThere = Mutex<Set<Int>>([])
        let app = daemon.daemon.application { channel in port.withLock { $0 = channel.localAddress?.port ?? 0 } }
        let plan = ArrivalPlan.generate(model: daemon.daemon.engine.model, seed: 5, from: 9 * 3600, to: 10 * 3600)
        let sent = plan.count
        try await app.test(.live) { client in
            let target = HTTPTarget(base: "http://127.0.0.1:\(port.withLock { $0 })", token: nil, connections: 8)
            let sends = plan.enumerated().map { i, call in
                Send(
                    at: Double(i) * 0.001, method: "POST", path: "/v1/calls",
                    body: Array(#"{"entry": "main number", "caller": "modelled", "intent": "\#(call.intent!)"}"#.utf8))
            }
            let run = LoadRun(target: target) { _, reply in
                let object = try? JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any]
                if let id = object?["id"] as? Int { ids.withLock { $0.append(id) } }
            }
            let figures = await run.run(sends)
            await target.shutdown()
            #expect(figures.sent == sent)
            #expect(figures.ok == sent)
            #expect(figures.errors.isEmpty)
            await daemon.clock.advance(by: 12 * 3600)
            let http = Client(client: client)
            let ended = try await http.get("/v1/events?follow=false").text
                .components(separatedBy: "\n").filter { $0.contains(#""type":"call.ended""#) }
            let endedIDs = Set(
                ended.compactMap { line in
                    (try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any])?["call"]
                        as? Int
                })
            let inSystem = try await http.get("/v1/calls").json["calls"] as? [[String: Any]] ?? []
            let stillIn = Set(inSystem.compactMap { $0["id"] as? Int })
            stillThere.withLock { $0 = stillIn }
            // Every call sent has ended once or is still in the system (callers who took a callback at a queue
            // nobody answers keep waiting), by the daemon's events.
            let ours = Set(ids.withLock { $0 })
            #expect(ours.isSubset(of: endedIDs.union(stillIn)))
            #expect(endedIDs.intersection(stillIn).isEmpty)
        }
        let ours = Set(ids.withLock { $0 })
        #expect(ours.count == sent)
        let rows = try daemon.rows("SELECT call_id, outcome FROM calls")
        let recorded = rows.filter { ours.contains($0[0] as? Int ?? -1) }
        #expect(recorded.count == sent)
        let outcomes = Dictionary(grouping: recorded.compactMap { $0[1] as? String }, by: { $0 }).mapValues(\.count)
        let known: Set<String> = [
            "answered", "abandoned", "short-abandoned", "self-served", "deflected", "hung-up", "shutdown",
        ]
        #expect(Set(outcomes.keys).isSubset(of: known), "\(outcomes)")
        #expect(outcomes.values.reduce(0, +) == sent)
        // Those still in the system when the daemon stopped are the `shutdown` records.
        let shutdown = Set(recorded.filter { $0[1] as? String == "shutdown" }.compactMap { $0[0] as? Int })
        #expect(shutdown == stillThere.withLock { $0 }.intersection(ours))
        #expect(shutdown.count < sent / 10)
    }
}
