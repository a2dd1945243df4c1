import ACDCore
import ACDReports
import Foundation
import IVRFlows
import Testing

@Suite("Flow graphs")
struct FlowGraphTests {
    static let set = try! FlowSet.load(path: repositoryRoot.appendingPathComponent("examples/ivr").path)

    @Test("dot and mermaid hold every node and transition of the flow, called flows inside their caller")
    func structure() {
        let dot = FlowGraph(set: Self.set).dot()
        #expect(dot.hasPrefix("digraph flows {"))
        #expect(dot.contains("\"main:main-menu\" -> \"main:housing-speech\" [label=\"3\"];"))
        #expect(dot.contains("\"main:closed\" -> \"main:closed/message\";"))
        #expect(dot.contains("\"main:closed/message\" -> \"main:goodbye\";"))
        #expect(dot.contains("\"main:pay\" -> \"main:pay/self-served\" [label=\"completed\"];"))
        #expect(!dot.contains("cluster_1"))  // the called flow is drawn inside main, not on its own
        let mermaid = FlowGraph(set: Self.set).mermaid()
        #expect(mermaid.hasPrefix("flowchart LR"))
        let links = mermaid.components(separatedBy: " --> ").count + mermaid.components(separatedBy: " -->|").count - 2
        #expect(links == dot.components(separatedBy: " -> ").count - 1)
    }

    @Test("with results, edges carry the simulated calls and widths by traffic")
    func traffic() throws {
        let scenario = try Scenario.load(path: repositoryRoot.appendingPathComponent("examples/ivr/scenario.yaml").path)
        let summary = ReplicationRunner(model: scenario.model, seed: 1, threads: 2).summarize(replications: 2)
        let json = try SimulationReport(scenario: scenario, summary: summary, seed: 1).json()
        let traffic = try FlowGraph.Traffic.read(json: Data(json.utf8))
        let menu = try #require(summary.nodes.first { $0.name == "main-menu" })
        let toPay = try #require(menu.exits.first { $0.to == "pay" }).count.mean
        #expect(traffic.edges["main: main-menu -> pay"] == toPay)
        let dot = FlowGraph(set: Self.set, traffic: traffic).dot()
        #expect(dot.contains(String(format: "\"main:main-menu\" -> \"main:pay\" [label=\"2: %.0f\"", toPay)))
        // Queue nodes carry the queue's ASA and abandonment from the results.
        let asa = summary.queues[0].asa.mean
        let abandon = summary.queues[0].abandonment.mean * 100
        #expect(
            dot.contains(String(format: "council-tax\\nqueue: council-tax\\nASA %.0f s, %.1f%% abandon", asa, abandon)))
        // The busiest edge is drawn 10 wide.
        #expect(dot.contains("penwidth=10.0"))
    }

    @Test("edges say what takes a caller along them; queue nodes name their queue")
    func edgeLabels() {
        let dot = FlowGraph(set: Self.set).dot()
        #expect(dot.contains("\"main:main-menu\" -> \"main:council-tax\" [label=\"1, no choice\"];"))
        #expect(dot.contains("\"main:opening-hours\" -> \"main:closed\" [label=\"closed\"];"))
        #expect(dot.contains("\"main:opening-hours\" -> \"main:main-menu\" [label=\"open\"];"))
        #expect(dot.contains("\"main:pay\" -> \"main:council-tax\" [label=\"failed\"];"))
        #expect(dot.contains("\"main:bins-online\" -> \"main:council-tax\" [label=\"not satisfied\"];"))
        #expect(dot.contains("\"main:housing-speech\" -> \"main:housing\" [label=\"housing, not understood\"];"))
        #expect(dot.contains("\"main:welcome\" -> \"main:opening-hours\";"))
        #expect(dot.contains("[label=\"housing\\nqueue: housing\", shape=cylinder]"))
        #expect(FlowGraph(set: Self.set).mermaid().contains("-->|1, no choice|"))
    }
}
