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
}
