import ACDCore
import Testing

/// A small deterministic generator for the fuzz test (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Sends one random command, good or bad, to a live engine.
final class Fuzzer {
    let live: LiveEngine
    let clock: ManualClock
    var rng: SplitMix
    var calls: [CallID] = []
    let names = ["ann", "bob", "cy", "di"]
    let inputs: [CallerInput] = [.key("1"), .key("2"), .key("7"), .silence, .phrase("satisfied"), .phrase("continue")]

    init(live: LiveEngine, clock: ManualClock, seed: UInt64) {
        self.live = live
        self.clock = clock
        rng = SplitMix(state: seed)
    }

    func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    func number(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
    var someCall: CallID { calls.isEmpty ? CallID(rawValue: 1) : pick(calls) }

    func step() async throws {
        switch number(0...11) {
        case 0, 1:
            let target: CallRequest.Target =
                number(0...1) == 0 ? .entry(EntryID(number(0...1))) : .queue(QueueID(number(0...2)))
            let caller: CallerKind = number(0...1) == 0 ? .external : .modelled
            calls.append(try await live.place(CallRequest(target: target, caller: caller)).id)
            if calls.count > 500 { calls.removeFirst(250) }
        case 2, 3: _ = try await live.input(pick(inputs), call: someCall)
        case 4: try await live.hangUp(call: someCall)
        case 5: _ = try await live.logIn(agent: pick(names), group: GroupID(number(0...2)))
        case 6: try await live.ready(agent: pick(names))
        case 7: try await live.notReady(agent: pick(names), reason: "break")
        case 8: try await live.endTalk(agent: pick(names))
        case 9: try await live.endWrapUp(agent: pick(names))
        case 10: try await live.logOut(agent: pick(names))
        default: await clock.advance(by: Double(number(0...120)))
        }
    }
}

@Suite("Live engine: random commands")
struct LiveFuzzTests {
    /// Random commands, good and bad, against a centre with simulated and external agents and the model's own
    /// callers, with time moving on between them: no command traps, every refusal is a ``LiveError``, and after every
    /// command each call is in exactly one place and the agents' states add up.
    @Test("20,000 random commands keep every invariant", arguments: [UInt64(1), 2, 3])
    func randomCommands(seed: UInt64) async throws {
        let clock = ManualClock()
        let model = LiveModels.centre(simulatedAgents: 3, callsPerHour: 60)
        let live = LiveEngine(
            model: model, seed: seed, clock: clock, options: EngineOptions(arrivals: true, endless: true))
        await live.start()
        let fuzzer = Fuzzer(live: live, clock: clock, seed: seed)
        var accepted = 0
        var refused: Set<String> = []
        for _ in 0..<20_000 {
            do {
                try await fuzzer.step()
                accepted += 1
            } catch {
                guard let live = error as? LiveError else {
                    Issue.record("an error that is not a LiveError: \(error)")
                    return
                }
                refused.insert(live.code.rawValue)
            }
            let violations = await live.invariantViolations()
            try #require(violations == [])
        }
        let records = await live.stopAndCollect()
        #expect(accepted > 5_000)
        #expect(refused.count >= 5)  // many kinds of refusal were exercised
        #expect(Set(records.map(\.id)).count == records.count)  // one record per call
        #expect(records.count > 2_000)
    }
}
