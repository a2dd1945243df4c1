import ACDCore
import ArgumentParser
import Foundation
import IVRFlows

struct Flows: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check IVR/EVR flows, run their scripted test calls, and draw them.",
        subcommands: [FlowsCheck.self])
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

enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
