import ACDCore
import Foundation
import IVRFlows
import Testing

/// An overflow tier behind a flow: one queue answered only by an overflow group after 60 s, callers in two
/// priority classes (the flow's queue nodes), 10 agents at about 10% occupancy. The documented rule answers no call
/// before it has waited 60 s, and with agents nearly always free every call is answered at exactly 60 s.
@Suite("Overflow tier behind a flow with priority classes")
struct OverflowFlowTests {
    @Test("every call is answered at exactly the tier's delay, whatever its class")
    func answeredAtTheDelay() throws {
        let scenario = """
            interval: 1h
            period: { duration: 200h }
            calendars: { always: { timezone: UTC, open: { all: "00:00-24:00" } } }
            entries:
              - { name: main, flow: main, arrivals: 12/h, intents: { vip: 50%, standard: 50% } }
            queues:
              - name: q
                intents: [vip, standard]
                handle_time: { exponential: 288s }
                overflow: [{ group: back, after: 60s, level: 2 }]
            groups:
              - { name: back, skills: {}, agents: 10 }
            """
        let flow = """
            flow: main
            start: route
            nodes:
              route: { branch: [{ intents: [vip], next: vip }], otherwise: standard }
              vip: { queue: q, priority: 1 }
              standard: { queue: q }
            """
        let model = try Scenario.load(path: scenarioFolder(["scenario.yaml": scenario, "flows/main.yaml": flow])).model
        #expect(model.queues[0].priorityClasses == 2)
        let summary = ReplicationRunner(model: model, seed: 3, threads: 2).summarize(replications: 2)
        let q = summary.queues[0]
        #expect(q.answered.mean > 2000)
        // Waits are (arrival + 60) - arrival in floating point: 60 to within rounding.
        #expect(abs(q.asa.mean - 60) < 1e-9)
        #expect(abs(q[.maxWait].mean - 60) < 1e-9)
        #expect(abs(q[.p50].mean - 60) < 1)
    }
}
