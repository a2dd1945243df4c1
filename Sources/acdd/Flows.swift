import ACDCore
import ACDReports
import ArgumentParser
import Foundation
import IVRFlows

struct Flows: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check IVR/EVR flows, run their scripted test calls, and draw them.",
        subcommands: [FlowsCheck.self, FlowsTest.self, FlowsGraph.self])
}

struct FlowsCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a flow set without running it.",
        discussion: """
            PATH is a flow-set folder (scenario.yaml and flows/) or one flow file. Prints each problem as \
            FILE:LINE:COLUMN: error|warning: FIELD: MESSAGE, and nothing for a good set. Exit status 2 when there is \
            an error, 0 otherwise (warnings alone do not fail). The rules are listed in docs/flows.md.
            """)

    @Argument(help: "A flow-set folder or a flow file.")
    var path: String

    @Option(name: .shortAndLong, help: "Output: text or json.")
    var format: CheckFormat = .text

    func run() throws {
        let problems = FlowChecker.check(path: path)
        switch format {
        case .text:
            for problem in problems { print(problem) }
        case .json:
            let list = problems.map { p -> [String: Any] in
                [
                    "file": p.location.file, "line": p.location.line, "column": p.location.column,
                    "field": p.location.field, "severity": p.severity.rawValue, "message": p.location.message,
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: list, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
        if problems.contains(where: { $0.severity == .error }) { throw ExitCode(2) }
    }
}

/// A flow set, or exit status 2 with the located error.
func loadFlowSet(_ path: String) throws -> FlowSet {
    do {
        return try FlowSet.load(path: path)
    } catch {
        throw failInput(error)
    }
}

enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct FlowsTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the scripted test calls written in flow files, and report coverage.",
        discussion: """
            Each test call (a flow's `tests:`, docs/flows.md) is walked through its flow with its inputs deciding \
            every choice. The run stops at the first call whose path or outcome differs, printing the path it took, \
            and exits 1. Otherwise it reports which nodes and transitions no test reaches. Exit status 2 on a broken \
            flow file.
            """)

    @Argument(help: "A flow-set folder or a flow file.")
    var path: String

    func run() throws {
        let set = try loadFlowSet(path)
        let runner = set.testRunner
        var reachedNodes = Set<String>()
        var reachedTransitions = Set<String>()
        var allNodes: [String] = []
        var allTransitions: [String] = []
        var count = 0
        for document in set.documents {
            let graph = set.graph(of: document)
            if !document.tests.isEmpty {
                allNodes += graph.nodes.map { "\(document.name): \($0)" }
                allTransitions += graph.transitions.map { "\(document.name): \($0)" }
            }
            for test in document.tests {
                let result = runner.run(test, in: document)
                count += 1
                if let failure = result.failure {
                    print("FAIL \(document.name): \(test.name) (\(test.location.file):\(test.location.line))")
                    print("  \(failure)")
                    print("  path taken: \(result.path.joined(separator: " -> ")) => \(result.outcome)")
                    throw ExitCode(1)
                }
                print("ok   \(document.name): \(test.name)")
                reachedNodes.formUnion(result.path.map { "\(document.name): \($0)" })
                reachedTransitions.formUnion(result.transitions.map { "\(document.name): \($0)" })
                reachedNodes.formUnion(
                    result.transitions.compactMap { $0.components(separatedBy: " -> ").last }.map { "\(document.name): \($0)" })
            }
        }
        guard count > 0 else {
            print("no test calls in \(path): add a 'tests:' list to a flow (docs/flows.md)")
            return
        }
        let missedNodes = allNodes.filter { !reachedNodes.contains($0) }
        let missedTransitions = allTransitions.filter { !reachedTransitions.contains($0) }
        print(
            "\n\(count) test call(s) passed. Coverage: \(allNodes.count - missedNodes.count)/\(allNodes.count) nodes, "
                + "\(allTransitions.count - missedTransitions.count)/\(allTransitions.count) transitions.")
        if !missedNodes.isEmpty { print("Nodes no test reaches:\n  " + missedNodes.joined(separator: "\n  ")) }
        if !missedTransitions.isEmpty {
            print("Transitions no test takes:\n  " + missedTransitions.joined(separator: "\n  "))
        }
    }
}

struct FlowsGraph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a flow set as Graphviz dot or Mermaid, optionally with simulated traffic.",
        discussion: """
            Examples:
              acdd flows graph examples/ivr --format mermaid
              acdd simulate examples/ivr --format json > results.json
              acdd flows graph examples/ivr --results results.json | dot -Tsvg > flow.svg
            """)

    @Argument(help: "A flow-set folder or a flow file.")
    var path: String

    @Option(name: .shortAndLong, help: "Output: dot or mermaid.")
    var format: GraphFormat = .dot

    @Option(help: ArgumentHelp("Results of `acdd simulate --format json` to draw traffic from.", valueName: "file"))
    var results: String?

    func run() throws {
        let set = try loadFlowSet(path)
        var traffic: FlowGraph.Traffic?
        if let results {
            guard let data = FileManager.default.contents(atPath: results) else {
                throw failInput(InputError(file: results, line: 0, column: 0, field: "", message: "cannot read the file"))
            }
            do {
                traffic = try FlowGraph.Traffic.read(json: data)
            } catch {
                throw failInput(InputError(file: results, line: 0, column: 0, field: "", message: "\(error)"))
            }
        }
        let graph = FlowGraph(set: set, traffic: traffic)
        print(format == .dot ? graph.dot() : graph.mermaid(), terminator: "")
    }
}

enum GraphFormat: String, ExpressibleByArgument, CaseIterable {
    case dot, mermaid
}
