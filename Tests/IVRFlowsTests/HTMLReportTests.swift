import ACDCore
import ACDReports
import Foundation
import IVRFlows
import Testing

@Suite("HTML report")
struct HTMLReportTests {
    @Test("one self-contained page: a chart per queue and figure, nothing fetched from elsewhere")
    func selfContained() throws {
        let scenario = try Scenario.load(path: repositoryRoot.appendingPathComponent("examples/ivr/scenario.yaml").path)
        let summary = ReplicationRunner(model: scenario.model, seed: 1, threads: 2).summarize(replications: 3)
        let html = HTMLReport(report: SimulationReport(scenario: scenario, summary: summary, seed: 1)).render()
        #expect(html.hasPrefix("<!doctype html>"))
        // Per queue: ASA, abandonment, calls waiting, waiting-time distribution; then the staffing chart.
        #expect(html.components(separatedBy: "<svg ").count - 1 == 4 * scenario.model.queues.count + 1)
        #expect(html.contains("target 180"))
        #expect(html.contains("<h2>IVR and EVR flows</h2>"))
        // Self-contained: no scripts, no links or sources, no URL but the SVG namespace.
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src="))
        let urls = html.components(separatedBy: "http").count - 1
        #expect(urls == html.components(separatedBy: "http://www.w3.org/2000/svg").count - 1)
    }

    /// examples/ivr opens Monday to Friday 08:00-18:00 (Friday 6 March is a holiday): its queues are offered nothing
    /// at other times, whatever the flows' totals, so nobody is needed then; a Monday morning needs agents.
    @Test("agents needed come from each interval's own offered calls")
    func neededFromEachIntervalsLoad() throws {
        let scenario = try Scenario.load(path: repositoryRoot.appendingPathComponent("examples/ivr/scenario.yaml").path)
        let summary = ReplicationRunner(model: scenario.model, seed: 1, threads: 2).summarize(replications: 3)
        let report = HTMLReport(report: SimulationReport(scenario: scenario, summary: summary, seed: 1))
        let perDay = 48
        #expect(report.agentsNeeded(interval: 20) > 5)  // Monday 10:00
        for day in [4, 5, 6] {  // the holiday, Saturday, Sunday
            for i in day * perDay..<(day + 1) * perDay {
                #expect(report.agentsNeeded(interval: i) == 0, "interval \(i)")
            }
        }
        for i in 0..<16 { #expect(report.agentsNeeded(interval: i) == 0) }  // Monday before 08:00
    }
}
