import ACDCore
import ACDReports
import Foundation
import IVRFlows
import Testing

/// `simulate --format json` writes ``SimulationResults``: it decodes back into the same types, intervals streamed by
/// hand read the same as `JSONEncoder` would write them, and the figures are the summary's.
@Suite("Results as JSON")
struct ResultsJSONTests {
    static func report() throws -> SimulationReport {
        let scenario = try Scenario.load(path: repositoryRoot.appendingPathComponent("examples/ivr").path)
        let summary = ReplicationRunner(model: scenario.model, seed: 4, threads: 2).summarize(replications: 3)
        return SimulationReport(scenario: scenario, summary: summary, seed: 4)
    }

    @Test("the streamed document with intervals decodes, each row as JSONEncoder would have written it")
    func streamedIntervals() throws {
        let report = try Self.report()
        let text = try report.json(intervals: true)
        let results = try SimulationResults.decoder.decode(SimulationResults.self, from: Data(text.utf8))
        let model = report.summary.model
        #expect(results.queues.count == model.queues.count + 1)
        #expect(results.queues.last?.intervals == nil)  // All queues: whole-run figures only
        for (q, queue) in results.queues.dropLast().enumerated() {
            let rows = try #require(queue.intervals)
            #expect(rows.count == model.intervalCount)
            let expected = report.intervalsOf(queue: q)
            for i in [0, 17, 20, rows.count - 1] {
                let viaEncoder = try SimulationResults.decoder.decode(
                    SimulationResults.IntervalResult.self, from: SimulationResults.encoder.encode(expected[i]))
                #expect(rows[i].label == viaEncoder.label && rows[i].interval == i)
                #expect(rows[i].metrics == viaEncoder.metrics)
                #expect(rows[i].metrics["offered"]?.mean == report.summary.intervalMetrics(queue: q)[i][0].mean)
            }
        }
        #expect(results.groups.allSatisfy { $0.intervals?.count == model.intervalCount })
        #expect(results.queues[0].intervals?[20].label == "2020-03-02 Mon 10:00")
    }

    @Test("whole-run figures decode to the summary's estimates, targets and verdicts")
    func wholeRun() throws {
        let report = try Self.report()
        let results = try SimulationResults.decoder.decode(
            SimulationResults.self, from: Data(try report.json().utf8))
        let queue = report.summary.queues[0]
        let asa = try #require(results.queues[0].metrics["asa"])
        #expect(asa.mean == queue.asa.mean && asa.halfWidth == queue.asa.halfWidth)
        #expect(asa.target == 180 && asa.verdict == queue.asaVerdict?.label)
        #expect(results.queues[0].intervals == nil)
        #expect(results.entries?.first?.callers.mean == report.summary.entries[0].callers.mean)
        #expect(results.centre?.first?.figure == "Gross calls received")
        #expect(results.nodes?.count == report.summary.nodes.count)
    }
}
