import ACDCore
import Foundation
import IVRFlows
import Testing

/// An intent no queue serves: 15% of callers want "other", the menu sends them on to billing (its catch-all), and
/// no queue lists "other". The checker warns; the run counts them at billing as `no_queue_serves`.
@Suite("Intents no queue serves")
struct UnservedIntentTests {
    static func folder() throws -> String {
        let scenario = """
            interval: 1h
            period: { duration: 100h }
            calendars: { always: { timezone: UTC, open: { all: "00:00-24:00" } } }
            entries:
              - { name: main, flow: main, arrivals: 60/h, intents: { billing: 55%, repairs: 30%, other: 15% } }
            queues:
              - { name: billing, intents: [billing], handle_time: { exponential: 180s } }
              - { name: repairs, intents: [repairs], handle_time: { exponential: 180s } }
            groups:
              - { name: desk, skills: [billing, repairs], agents: 6 }
            """
        let flow = """
            flow: main
            timezone: UTC
            start: menu
            nodes:
              menu:
                menu:
                  prompt: "For billing press 1. For repairs press 2. For anything else press 3."
                  options:
                    "1": { intents: [billing], next: billing }
                    "2": { intents: [repairs], next: repairs }
                    "3": { next: billing }
                  no_input: "Sorry, I did not hear a choice."
                  no_match: "Sorry, that is not one of the options."
                  exhausted: billing
              billing: { queue: billing }
              repairs: { queue: repairs }
            """
        return try scenarioFolder(["scenario.yaml": scenario, "flows/main.yaml": flow])
    }

    @Test("flows check warns of the intent, naming the queue its callers reach")
    func checkerFlagsIt() throws {
        let problems = FlowChecker.check(path: try Self.folder())
        let warnings = problems.filter { $0.severity == .warning }.map(\.location.message)
        #expect(warnings.contains { $0.contains("no queue serves intent 'other'") && $0.contains("billing") })
        #expect(!problems.contains { $0.severity == .error }, "\(problems.map(\.location.description))")
        #expect(!warnings.contains { $0.contains("intent 'billing'") || $0.contains("intent 'repairs'") })
    }

    @Test("the run counts them where they are answered, apart from the misrouted")
    func runCountsThem() throws {
        let model = try Scenario.load(path: try Self.folder()).model
        let summary = ReplicationRunner(model: model, seed: 5, threads: 2).summarize(replications: 3)
        let billing = summary.queues[0]
        // 15% of about 6,000 callers; nearly all reach billing (a few press a wrong key into repairs) and are
        // answered where they land (six agents, ample), each counted once as no_queue_serves.
        let other = billing[.unserved].mean
        #expect(other > 700 && other < 1100, "no_queue_serves at billing: \(other)")
        #expect(summary.queues[1][.unserved].mean < other / 20)
        // Billing callers who pressed 2 by mistake are misrouted, not unserved; the two counts never overlap.
        #expect(billing[.misrouted].mean + other <= billing.answered.mean)
        for q in 0..<2 {
            let arrivals = summary.results.map { Double($0.flows.queueArrivalsByIntent[q][2]) }
            #expect(abs(summary.queues[q][.unserved].mean - arrivals.reduce(0, +) / 3) < 1e-9)
        }
    }
}
