import Foundation
import IVRFlows
import Testing

/// `flows check` reports every mistake of a set at once, and `flows test` runs every scripted call.
@Suite("Flow tools go on past the first mistake")
struct FlowToolsRecoveryTests {
    static let scenario = """
        interval: 1h
        period: { days: 1 }
        entries:
          - { name: main, flow: front, arrivals: 60/h, intents: { billing: 60%, repairs: 40% } }
        queues:
          - { name: billing, intents: [billing], handle_time: { exponential: 180s } }
          - { name: repairs, intents: [repairs], handle_time: { exponential: 180s } }
        groups:
          - { name: desk, skills: [billing, repairs], agents: 6 }
        """

    static func errors(_ flow: String) throws -> (messages: [String], checker: FlowChecker) {
        let folder = try scenarioFolder(["scenario.yaml": scenario, "flows/front.yaml": flow])
        let checker = FlowChecker.checked(path: folder)
        let messages = checker.problems.filter { $0.severity == .error }
            .map { "\($0.location.line): \($0.location.message)" }
        return (messages, checker)
    }

    @Test("a key written twice is reported on its second line, and the flow's other mistakes all show")
    func duplicateKey() throws {
        let (messages, checker) = try Self.errors(
            """
            flow: front
            timezone: UTC
            start: menu
            nodes:
              menu:
                menu:
                  prompt: "For billing press 1. For repairs press 2."
                  options:
                    "1": { intents: [billing], next: billing }
                    "1": { intents: [repairs], next: repairs }
                    "3": { next: nowhere }
                  no_input: "Sorry."
                  no_match: "Sorry."
                  exhausted: billing
              billing: { queue: billing }
              repairs: { queue: repiars }
              extra: { play: { text: "hi" }, next: gone }
            """)
        #expect(messages.contains { $0.hasPrefix("10: the key '1' appears twice in one mapping (first on line 9)") })
        #expect(messages.contains { $0.hasPrefix("11: unknown node 'nowhere'") })
        #expect(messages.contains { $0.hasPrefix("16: unknown queue 'repiars'") })
        #expect(messages.contains { $0.hasPrefix("17: unknown node 'gone'") })
        #expect(!messages.contains { $0.contains("unknown flow 'front'") }, "\(messages)")
        #expect(checker.flows == 1 && checker.nodes == 4)
    }

    @Test("a node that cannot be read is reported and skipped; the rest is checked without false alarms")
    func brokenNode() throws {
        let (messages, checker) = try Self.errors(
            """
            flow: front
            timezone: UTC
            start: menu
            nodes:
              menu:
                menu:
                  prompt: "For billing press 1. For repairs press 2."
                  options:
                    "1": { intents: [billing], next: billing }
                    "2": { intents: [repairs], next: repairs }
                  no_input: "Sorry."
                  no_match: "Sorry."
                  exhausted: billing
                  retries: lots
              billing: { queue: biling }
              repairs: { plya: { text: "One moment." }, next: billing }
            tests:
              - { name: a caller, at: mon 09:00, inputs: ["1"], path: [menu, billing], outcome: queued billing }
            """)
        #expect(messages.count == 3, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("14: ") })  // retries: lots
        #expect(messages.contains { $0.hasPrefix("15: unknown queue 'biling'") })
        #expect(messages.contains { $0.hasPrefix("16: a node needs one kind") })
        #expect(!messages.contains { $0.contains("cannot be reached") || $0.contains("can never reach") })
        #expect(checker.summary == "1 flow, 3 nodes, 1 test call: 3 errors, no warnings")
    }

    @Test("a good set gets a one-line summary")
    func summary() throws {
        let checker = FlowChecker.checked(path: repositoryRoot.appendingPathComponent("examples/ivr").path)
        #expect(checker.summary == "2 flows, 12 nodes, 8 test calls: no errors, no warnings")
    }

    @Test("flows test runs every call: two failing calls around a passing one are all reported")
    func everyTestRuns() throws {
        let flow = """
            flow: front
            timezone: UTC
            start: menu
            nodes:
              menu:
                menu:
                  prompt: "For billing press 1. For repairs press 2."
                  options:
                    "1": { intents: [billing], next: billing }
                    "2": { intents: [repairs], next: repairs }
                  no_input: "Sorry."
                  no_match: "Sorry."
                  exhausted: billing
              billing: { queue: billing }
              repairs: { queue: repairs }
            tests:
              - { name: wrong outcome, at: mon 09:00, inputs: ["1"], path: [menu, billing], outcome: queued repairs }
              - { name: repairs, at: mon 09:00, inputs: ["2"], path: [menu, repairs], outcome: queued repairs }
              - { name: wrong path, at: mon 09:00, inputs: ["2"], path: [menu, billing], outcome: queued billing }
            """
        let folder = try scenarioFolder(["scenario.yaml": Self.scenario, "flows/front.yaml": flow])
        let report = FlowTestReport(set: try FlowSet.load(path: folder))
        #expect(report.results.map(\.result.test.name) == ["wrong outcome", "repairs", "wrong path"])
        #expect(report.failures.map(\.result.test.name) == ["wrong outcome", "wrong path"])
        #expect(report.results[1].result.failure == nil)
        #expect(report.failures[1].result.failure == "step 2: expected 'billing', took 'repairs'")
        // Coverage counts the passing call only: the billing queue node is reached by no passing call.
        #expect(report.missedNodes == ["front: billing"])
    }
}
