import ACDCore
import Foundation
import IVRFlows
import Testing

/// The checker's reachability walk and the graph's walk (`flows graph`, flow coverage) read the flow documents; the
/// simulator, the live engine and scripted calls run the compiled program. docs/engine.md ("Two readers of the flow
/// documents") says why the document walks stay; these tests hold them to the compiled program on every bundled
/// flow set: the same nodes, and the same transitions, named alike.
@Suite("Flow walks agree")
struct FlowWalkTests {
    static let sets = ["flows/leeds", "examples/ivr", "Tests/ACDServerTests/Centre"]

    /// The node paths the checker finds reachable, with called flows under their call node (`call/inner`) and the
    /// outcomes a node ends in by itself (`node/self-served`, `node/deflected`), as the graph and coverage name them.
    static func checkerNodes(_ doc: FlowDocument, in set: FlowSet, prefix: String = "") -> Set<String> {
        var names = Set<String>()
        for n in FlowChecker.reachable(doc) {
            let node = doc.nodes[n]
            switch node.kind {
            case .return: continue
            case .call(let flow, _):
                if let callee = set.byName[flow.name] {
                    names.formUnion(checkerNodes(callee, in: set, prefix: "\(prefix)\(node.id)/"))
                }
            case .selfService(_, _, _, nil, _): names.insert("\(prefix)\(node.id)/self-served")
            case .signpost: names.insert("\(prefix)\(node.id)/deflected")
            default: break
            }
            names.insert(prefix + node.id)
        }
        return names
    }

    @Test("the checker's and the graph's walks reach what the compiled program reaches", arguments: sets)
    func agree(_ path: String) throws {
        let folder = repositoryRoot.appendingPathComponent(path).path
        let scenario = try Scenario.load(path: folder + "/scenario.yaml")
        let set = try FlowSet.load(path: folder)
        let program = FlowProgram(model: scenario.model)
        try #require(!scenario.model.flows.isEmpty)
        for (f, flow) in scenario.model.flows.enumerated() {
            let doc = try #require(set.byName[flow.name], "no document for compiled flow \(flow.name)")
            let reach = program.reach(flow: f)
            let compiledNodes = Set(reach.nodes.map(program.stepName))
            let compiledTransitions = Set(
                reach.transitions.map { "\(program.stepName($0.from)) -> \(program.stepName($0.to))" })
            let graph = set.graph(of: doc)
            #expect(compiledNodes.count > 3)
            #expect(Self.checkerNodes(doc, in: set) == compiledNodes, "\(path), \(flow.name): checker vs compiled")
            #expect(Set(graph.nodes) == compiledNodes, "\(path), \(flow.name): graph nodes vs compiled")
            #expect(
                Set(graph.transitions) == compiledTransitions, "\(path), \(flow.name): graph transitions vs compiled")
        }
    }

    /// On a flow with a node nothing leads to, the checker names that node, and the compiled program has every node
    /// but it: the two walks' difference is the node the checker reports.
    @Test("an unreachable node is the one the compiled program lacks")
    func unreachable() throws {
        let file = repositoryRoot.appendingPathComponent("Tests/IVRFlowsTests/Flows/unreachable-node.yaml").path
        let doc = try FlowDocument.load(path: file)
        let context = FlowContext(
            queues: ["council-tax": 0, "housing": 1], intents: ["council-tax", "housing"], calendars: [:],
            callers: CallerBehaviour(), intervalLength: 60, intervalCount: 1, documents: [doc.name: doc])
        let compiled = try FlowCompiler.compile(doc, context: context)
        let model = CentreModel(
            queues: ["council-tax", "housing"].map { Queue(name: $0, volumes: [], handleTime: .deterministic(0)) },
            groups: [], intervalLength: 60, intervalCount: 1, intents: context.intents, flows: [compiled.flow])
        let program = FlowProgram(model: model)
        let compiledNodes = Set(program.reach(flow: 0).nodes.map(program.stepName))
        let all = Set(doc.nodes.map(\.id))
        #expect(compiledNodes.isSubset(of: all))
        #expect(all.subtracting(compiledNodes) == ["orphan"])
        #expect(Self.checkerNodes(doc, in: FlowSet(documents: [doc], calendars: [:])) == compiledNodes)
        let problems = FlowChecker.check(path: file)
        #expect(problems.contains { "\($0)".contains("node 'orphan' cannot be reached") })
    }
}
