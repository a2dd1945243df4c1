import ACDCore
import ACDServer
import Foundation
import HTTPTypes
import IVRFlows
import LoadGen
import Testing

/// callgen's external callers: the caller model's moves sent through the API, on a manual clock so every move lands
/// at its engine time.
@Suite struct ExternalCallerTests {
    /// Every route target of a keypad step has an input that takes it back to that target.
    @Test func inputsTakeTheirTargets() {
        let keys = StepInput(kind: .keys, labels: [["1"], ["2", "two"], [], []], silence: 2, noMatch: 3)
        #expect(keys.input(for: 0) == .key("1"))
        #expect(keys.input(for: 1) == .key("2"))
        #expect(keys.input(for: 2) == .silence)
        #expect(keys.input(for: 3) == .key("0"))
        for b in 0..<4 { #expect(keys.input(for: b).flatMap(keys.target) == b) }
        let speech = StepInput(kind: .speech, labels: [["council tax"], []], silence: nil, noMatch: 1)
        #expect(speech.input(for: 0) == .phrase("council tax"))
        #expect(speech.input(for: 1).flatMap(speech.target) == 1)
        #expect(StepInput(kind: .keys, labels: [["1"], []]).input(for: 1) == nil)
    }

    /// 150 external callers dial the test centre over half an hour; callgen's callers answer their prompts and hang
    /// up as the caller model says, each action sent at its engine time. Every call ends, the IVR's outcomes and
    /// abandonment are all exercised, and callgen's count of outcomes is the daemon's, call for call.
    @Test func callersDrivenThroughTheAPI() async throws {
        let daemon = try TestDaemon()
        let model = daemon.daemon.engine.model
        let plan = ArrivalPlan.generate(model: model, seed: 4, from: 9 * 3600, to: 10 * 3600).prefix(150)
        let callers = ExternalCallers(model: model, seed: 4)
        let decoder = JSONDecoder()
        try await daemon.run { client in
            var due: [ExternalCallers.Due] = []
            var lastEvent = 0
            /// Hands the daemon's new events to the callers and keeps what they make due.
            func collect() async throws {
                let text = try await client.get("/v1/events?follow=false&after=\(lastEvent)").text
                for line in text.split(separator: "\n") where line.hasPrefix("data: ") {
                    let event = try decoder.decode(LiveEvent.self, from: Data(line.dropFirst(6).utf8))
                    lastEvent = event.id
                    due += callers.handle(event)
                }
            }
            var calls = plan[...]
            while !calls.isEmpty || !due.isEmpty {
                let nextCall = calls.first?.time ?? .infinity
                due.sort { ($0.time, $0.call.rawValue) < ($1.time, $1.call.rawValue) }
                let nextDue = due.first?.time ?? .infinity
                guard min(nextCall, nextDue) < 14 * 3600 else { break }
                await daemon.clock.advance(to: min(nextCall, nextDue))
                if nextCall <= nextDue, let call = calls.popFirst() {
                    let body = #"{"entry": "main number", "intent": "\#(call.intent!)"}"#
                    let id = try #require(try await client.post("/v1/calls", body).json["id"] as? Int)
                    try await collect()
                    due += callers.claim(CallID(rawValue: UInt64(id)))
                } else {
                    let action = due.removeFirst()
                    if callers.stands(action) {
                        let reply = try await client.post(action.path, String(decoding: action.body, as: UTF8.self))
                        callers.sent(action, error: reply.status.code < 300 ? nil : "http-\(reply.status.code)")
                    }
                }
                try await collect()
            }
            await daemon.clock.advance(to: 14 * 3600)
            try await collect()
        }
        let tally = callers.tally
        #expect(tally.calls == 150)
        #expect(tally.inSystem == 0)
        #expect(tally.failed == 0 && tally.late == 0)
        #expect(tally.inputs >= 150)
        let rows = try daemon.rows("SELECT outcome, count(*) FROM calls GROUP BY outcome")
        let daemonCounts = Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as! String, $0[1] as! Int) })
        #expect(daemonCounts == tally.outcomes)
        #expect(tally.outcomes.values.reduce(0, +) == 150)
        for outcome in ["answered", "abandoned", "deflected", "self-served", "hung-up"] {
            #expect(tally.outcomes[outcome, default: 0] > 0, "no \(outcome) calls: \(tally.outcomes)")
        }
        #expect(tally.hangUps >= (tally.outcomes["abandoned"] ?? 0) + (tally.outcomes["hung-up"] ?? 0))
    }
}
