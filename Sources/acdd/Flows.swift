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
            FILE:LINE:COLUMN: error|warning: FIELD: MESSAGE (a node with a mistake is skipped and the rest checked, \
            so every mistake shows at once), then a summary line: flows, nodes, test calls, errors and warnings. \
            Exit status 2 when there is an error, 0 otherwise (warnings alone do not fail). The rules are listed in \
            docs/flows.md.
            """)

    @Argument(help: "A flow-set folder or a flow file.")
    var path: String

    @Option(name: .shortAndLong, help: "Output: text or json.")
    var format: CheckFormat = .text

    func run() throws {
        let checker = FlowChecker.checked(path: path)
        let problems = checker.problems
        switch format {
        case .text:
            for problem in problems { print(problem) }
            print(checker.summary)
        case .json:
            let list = problems.map { p in
                ProblemJSON(
                    file: p.location.file, line: p.location.line, column: p.location.column, field: p.location.field,
                    severity: p.severity.rawValue, message: p.location.message)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(list), as: UTF8.self))
        }
        if problems.contains(where: { $0.severity == .error }) { throw ExitCode(2) }
    }
}

/// One problem of `flows check --format json`.
private struct ProblemJSON: Encodable {
    var file: String
    var line: Int
    var column: Int
    var field: String
    var severity: String
    var message: String
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
            every choice. Every call is run and reported: ok, or FAIL with what differed and the path it took. Then \
            a summary, and which nodes and transitions no passing call reaches. Exit status 1 when any call failed, \
            2 on a broken flow file.
            """)

    @Argument(help: "A flow-set folder or a flow file.")
    var path: String

    func run() throws {
        let report = FlowTestReport(set: try loadFlowSet(path))
        guard !report.results.isEmpty else {
            print("no test calls in \(path): add a 'tests:' list to a flow (docs/flows.md)")
            return
        }
        for (flow, result) in report.results {
            guard let failure = result.failure else {
                print("ok   \(flow): \(result.test.name)")
                continue
            }
            print("FAIL \(flow): \(result.test.name) (\(result.test.location.file):\(result.test.location.line))")
            print("  \(failure)")
            print("  path taken: \(result.path.joined(separator: " -> ")) => \(result.outcome)")
        }
        let failed = report.failures.count
        let passed = report.results.count - failed
        let covered = report.nodes.count - report.missedNodes.count
        let taken = report.transitions.count - report.missedTransitions.count
        print(
            "\n\(passed) of \(report.results.count) test call(s) passed\(failed > 0 ? ", \(failed) failed" : ""). "
                + "Coverage (passing calls): \(covered)/\(report.nodes.count) nodes, "
                + "\(taken)/\(report.transitions.count) transitions.")
        if !report.missedNodes.isEmpty {
            print("Nodes no test reaches:\n  " + report.missedNodes.joined(separator: "\n  "))
        }
        if !report.missedTransitions.isEmpty {
            print("Transitions no test takes:\n  " + report.missedTransitions.joined(separator: "\n  "))
        }
        if failed > 0 { throw ExitCode(1) }
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
                throw failInput(
                    InputError(file: results, line: 0, column: 0, field: "", message: "cannot read the file"))
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
