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
        #expect(dot.contains("\"main:main-menu\" -> \"main:housing-speech\";"))
        #expect(dot.contains("\"main:closed\" -> \"main:closed/message\";"))
        #expect(dot.contains("\"main:closed/message\" -> \"main:goodbye\";"))
        #expect(dot.contains("\"main:pay\" -> \"main:pay/self-served\";"))
        #expect(!dot.contains("cluster_1"))  // the called flow is drawn inside main, not on its own
        let mermaid = FlowGraph(set: Self.set).mermaid()
        #expect(mermaid.hasPrefix("flowchart LR"))
        #expect(mermaid.components(separatedBy: " --> ").count - 1 == dot.components(separatedBy: " -> ").count - 1)
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
        #expect(dot.contains(String(format: "\"main:main-menu\" -> \"main:pay\" [label=\"%.0f\"", toPay)))
        // The busiest edge is drawn 10 wide.
        #expect(dot.contains("penwidth=10.0"))
    }
}
