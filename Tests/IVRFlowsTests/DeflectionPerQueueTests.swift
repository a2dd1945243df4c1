import ACDCore
import ACDReports
import ACDStore
import Foundation
import IVRFlows
import Testing

/// Two lines, each with one intent and its own queue: the billing line offers self-service (70% complete it), the
/// repairs line a signpost (40% satisfied). A queue's deflection then equals its line's contained share, caller for
/// caller, in every replication: an exact check against the per-entry tallies, which are counted apart.
@Suite("Deflection per queue")
struct DeflectionPerQueueTests {
    static func folder() throws -> String {
        let scenario = """
            interval: 1h
            period: { duration: 50h }
            entries:
              - { name: billing line, flow: billing, arrivals: 40/h, intents: { billing: 100% } }
              - { name: repairs line, flow: repairs, arrivals: 30/h, intents: { repairs: 100% } }
            queues:
              - name: billing
                intents: [billing]
                handle_time: { exponential: 180s }
                targets: { asa: 60s, deflection: 60% }
              - name: repairs
                intents: [repairs]
                handle_time: { exponential: 180s }
                targets: { deflection: 50% }
            groups:
              - { name: desk, skills: [billing, repairs], agents: 4 }
            """
        let billing = """
            flow: billing
            timezone: UTC
            start: pay
            nodes:
              pay:
                self_service: { task: pay a bill, duration: { exponential: 60s }, completion: 70% }
                failed: billing
              billing: { queue: billing }
            """
        let repairs = """
            flow: repairs
            timezone: UTC
            start: online
            nodes:
              online:
                signpost: { text: "Report a repair online at any time." }
                satisfied: 40%
                otherwise: repairs
              repairs: { queue: repairs }
            """
        return try scenarioFolder([
            "scenario.yaml": scenario, "flows/billing.yaml": billing, "flows/repairs.yaml": repairs,
        ])
    }

    static func run() throws -> (Scenario, Summary) {
        let scenario = try Scenario.load(path: try folder())
        let summary = ReplicationRunner(model: scenario.model, seed: 11, threads: 2).summarize(replications: 4)
        return (scenario, summary)
    }

    @Test("a queue's IVR callers and deflection are its line's, replication by replication")
    func equalsTheLinesFigures() throws {
        let (scenario, summary) = try Self.run()
        let model = scenario.model
        for result in summary.results {
            for (q, e) in [(0, 0), (1, 1)] {
                let metrics = result.queueMetrics(q, model: model)
                let outcomes = result.flows.outcomes[e]
                let contained =
                    outcomes[Int(FlowOutcome.selfServed.rawValue)] + outcomes[Int(FlowOutcome.deflected.rawValue)]
                #expect(metrics.ivrCallers == Double(result.flows.callers[e]))
                #expect(metrics.deflection == Double(contained) / Double(result.flows.callers[e]))
                let callingBack = result.flows.selfServedCallingBack[e] + result.flows.deflectedCallingBack[e]
                #expect(
                    metrics.trueDeflection
                        == Double(contained - callingBack) / Double(result.flows.callers[e]))
            }
        }
        // The shares the flows state, within the run's interval; all queues together count both lines.
        let billing = summary.queues[0][.deflection]
        let repairs = summary.queues[1][.deflection]
        #expect(billing.contains(0.7), "billing \(billing.mean) ±\(billing.halfWidth)")
        #expect(repairs.contains(0.4), "repairs \(repairs.mean) ±\(repairs.halfWidth)")
        let callers = summary.results.map { Double($0.flows.callers.reduce(0, +)) }
        #expect(summary.total[.ivrCallers].mean == callers.reduce(0, +) / Double(callers.count))
    }

    @Test("the deflection target gives a verdict, in the table, CSV, JSON and the database")
    func targetAndOutputs() throws {
        let (scenario, summary) = try Self.run()
        #expect(summary.queues[0].targets.deflection == 0.6)
        #expect(summary.queues[0].targets.verdict(.deflection, summary.queues[0][.deflection])?.met == true)
        #expect(summary.queues[1].targets.verdict(.deflection, summary.queues[1][.deflection])?.met == false)
        let report = SimulationReport(scenario: scenario, summary: summary, seed: 11)
        let table = report.table()
        #expect(table.contains("Deflection %") && table.contains("Deflection target"))
        #expect(table.contains("≥60% met") && table.contains("≥50% missed"))
        let csv = report.csv()
        #expect(csv.contains("billing,deflection,\(summary.queues[0][.deflection].mean),"))
        #expect(csv.contains(",0.6,met\n") && csv.contains(",0.5,missed\n"))
        let json = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        let queues = json?["queues"] as? [[String: Any]]
        let metrics = queues?.first?["metrics"] as? [String: Any]
        let deflection = metrics?["deflection"] as? [String: Any]
        #expect(deflection?["target"] as? Double == 0.6)
        #expect(deflection?["verdict"] as? String == "met")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("deflection-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try RunStore(path: path).store(scenario: scenario, summary: summary, seed: 11, parameters: [:])
        let db = try SQLiteDatabase(path: path)
        let stored = try db.prepare(
            "SELECT mean, target, verdict FROM queue_results WHERE queue = 'repairs' AND metric = 'deflection'"
        ).rows([])
        #expect(stored.count == 1)
        #expect(stored.first?[0] as? Double == summary.queues[1][.deflection].mean)
        #expect(stored.first?[1] as? Double == 0.5)
        #expect(stored.first?[2] as? String == "missed")
    }

    @Test("the live snapshot gives each queue today's IVR callers and deflection, against its target")
    func liveSnapshot() async throws {
        let model = try Scenario.load(path: try Self.folder()).model
        let clock = ManualClock()
        let live = LiveEngine(model: model, seed: 3, clock: clock, options: EngineOptions(), recordBuffer: 1 << 16)
        await live.start()
        await clock.advance(to: 20 * 3600)
        let snapshot = await live.snapshot()
        await live.shutdown()
        for (q, e) in [(0, 0), (1, 1)] {
            let today = snapshot.queues[q].today
            let entry = snapshot.entries[e]
            #expect(entry.callers > 300)
            #expect(today.ivrCallers == entry.callers)
            #expect(today.deflection == entry.deflection)
        }
        #expect(snapshot.queues[0].today.targets.deflection == 0.6)
        #expect(snapshot.queues[0].today.deflectionMet == (snapshot.queues[0].today.deflection >= 0.6))
        #expect(snapshot.queues[1].today.deflectionMet == false)
    }
}
