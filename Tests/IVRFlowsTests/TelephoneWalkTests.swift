import ACDCore
import Foundation
import IVRFlows
import Synchronization
import Testing

/// callgen over SIP walks the flow from the caller's end of the line (``FlowProgram/telephoneStep``), seeing nothing
/// of the daemon's state. The walk is only right if the engine takes a telephone caller where the walk says: checked
/// here against the live engine on the Leeds flows (opening hours, keypad and speech menus, self-service, signposts,
/// timed prompts, hang-ups), step by step.
@Suite struct TelephoneWalkTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("a telephone caller's own walk of the Leeds flows is where the live engine takes them, at every step")
    func walkAgreesWithTheEngine() async throws {
        let scenario = try Scenario.load(path: Self.root.appendingPathComponent("flows/leeds").path)
        let model = scenario.model
        let program = FlowProgram(model: model)
        let clock = ManualClock()
        let live = LiveEngine(model: model, seed: 3, clock: clock)
        await live.start()
        var now = 4 * 86400.0 + 7.5 * 3600  // Tuesday 5 November 2019 from 07:30: closed, then open from 08:00
        await clock.advance(to: now)
        var disagreements: [String] = []
        var ends: [String: Int] = [:]
        var inputs = 0
        var spoken = 0
        var hangUps = 0
        for i in 0..<420 {
            now += 90
            await clock.advance(to: now)
            let e = i % model.entries.count
            var draws = RandomStream(seed: 5, replication: 0, purpose: .callerChoice, index: i)
            var intent = program.drawCaller(entry: e, at: now, draws: &draws).intent
            let deadline = program.ivrDeadline(entry: e, at: now, draws: &draws)
            let call = try await live.place(
                CallRequest(target: .entry(EntryID(e)), intent: intent, caller: .telephone)
            ).id
            var step = program.entryStep(flow: model.entries[e].flow)
            var node = -1
            walking: for _ in 0..<1000 {
                let s = program.telephoneStep(
                    at: step, intent: &intent, at: now, deadline: deadline, node: node, draws: &draws)
                if s.startsVisit { node = s.node }
                let location = await live.location(of: call)
                switch s.end {
                case .queue(let q)?:
                    ends["queued", default: 0] += 1
                    switch location {
                    case .waiting(let w)? where w.index == q: break
                    case .talking(let w, _)? where w.index == q: break
                    default:
                        disagreements.append("call \(i): walk queued in \(q), engine at \(String(describing: location))")
                    }
                    break walking
                case .finish(let outcome)?:
                    ends[outcome, default: 0] += 1
                    if location != nil && location != .ended {
                        disagreements.append("call \(i): walk ended \(outcome), engine at \(String(describing: location))")
                    }
                    break walking
                case nil: break
                }
                let waits = s.input != nil || s.hangsUp
                if waits || s.after > 0 {
                    let expected = CallLocation.ivr(node: program.nodeName(node), awaitingInput: s.input != nil)
                    if location != expected && !(s.hangsUp && location?.awaiting == true) {
                        disagreements.append(
                            "call \(i): walk at \(expected), engine at \(String(describing: location))")
                        break walking
                    }
                }
                now += s.after
                await clock.advance(to: now)
                if s.hangsUp {
                    hangUps += 1
                    try await live.hangUp(call: call)
                    ends["hung-up", default: 0] += 1
                    break walking
                }
                if let input = s.input {
                    inputs += 1
                    if s.kind == .speech, case .phrase = input { spoken += 1 }
                    _ = try await live.input(input, call: call)
                }
                step = s.next!
            }
        }
        await live.shutdown()
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        // The walks went everywhere a telephone caller goes: queues, the flows' own ends, hang-ups, keys and speech.
        #expect(ends["queued", default: 0] > 100, "\(ends)")
        #expect(ends.keys.filter { $0 != "queued" && $0 != "hung-up" }.count >= 2, "\(ends)")
        #expect(hangUps > 0)
        #expect(inputs > 300)
        #expect(spoken > 10)
    }

    @Test("a telephone caller's key tells the engine what they want; an API caller keeps the type drawn for them")
    func telephoneCallersTypeFollowsTheirKeys() async throws {
        let scenario = try Scenario.load(path: Self.root.appendingPathComponent("flows/leeds").path)
        let seen = Mutex<[CallID: String]>([:])
        let clock = ManualClock()
        let live = LiveEngine(model: scenario.model, seed: 3, clock: clock) { events in
            seen.withLock { s in
                for e in events where e.step == "council-tax/pay" { if let c = e.call { s[c] = e.intent } }
            }
        }
        await live.start()
        var now = 4 * 86400.0 + 10 * 3600  // Tuesday 5 November 2019, 10:00: the Council Tax line is open
        await clock.advance(to: now)
        var phones: [CallID] = []
        var api: [CallID] = []
        for i in 0..<80 {
            let kind: CallerKind = i % 2 == 0 ? .telephone : .external
            let call = try await live.place(CallRequest(target: .entry(EntryID(0)), caller: kind)).id
            for _ in 0..<200 where await live.location(of: call) != .ivr(node: "council-tax/menu", awaitingInput: true) {
                now += 1
                await clock.advance(to: now)
            }
            _ = try await live.input(.key("1"), call: call)  // to pay by card: a prompted step that shows the type
            if kind == .telephone { phones.append(call) } else { api.append(call) }
        }
        await live.shutdown()
        let types = seen.withLock { $0 }
        #expect(phones.allSatisfy { types[$0] == "pay" }, "\(phones.map { types[$0] ?? "-" })")
        // An API caller's type is drawn from the line's mix (25% pay) and kept.
        #expect(api.filter { types[$0] == "pay" }.count < 30, "\(api.map { types[$0] ?? "-" })")
        #expect(api.allSatisfy { types[$0] != nil })
    }
}

extension CallLocation {
    fileprivate var awaiting: Bool {
        if case .ivr(_, true) = self { return true }
        return false
    }
}
