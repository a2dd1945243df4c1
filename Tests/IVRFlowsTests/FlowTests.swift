import ACDCore
import Foundation
import IVRFlows
import Testing

/// Where callers of each intent end up in a compiled flow, worked out by pushing probability mass through its steps
/// (no hang-ups, calendars taken in interval 0): an independent check of what the engine simulates.
func absorption(_ flow: CallFlow, intents: Int, interval: Int = 0) -> [[Int: Double]] {
    struct State: Hashable {
        var step: Int
        var type: Int
    }
    return (0..<intents).map { k in
        var mass = [State(step: flow.entry, type: k): 1.0]
        var absorbed: [Int: Double] = [:]
        for _ in 0..<100_000 where !mass.isEmpty {
            var next: [State: Double] = [:]
            for (state, m) in mass {
                switch flow.steps[state.step].action {
                case .route(let targets, let weights):
                    let total = weights[state.type].reduce(0, +)
                    for (t, w) in zip(targets, weights[state.type]) where w > 0 {
                        next[State(step: t, type: state.type), default: 0] += m * w / total
                    }
                case .hours(let open, let whenOpen, let whenClosed):
                    next[State(step: open[interval] ? whenOpen : whenClosed, type: state.type), default: 0] += m
                case .relabel(let map, let after):
                    next[State(step: after, type: map[state.type]), default: 0] += m
                case .queue, .finish:
                    absorbed[state.step, default: 0] += m
                }
            }
            mass = next.filter { $0.value > 1e-15 }
        }
        return absorbed
    }
}

func within4SE(_ count: Double, of total: Double, expected p: Double) -> Bool {
    abs(count / total - p) <= 4 * (p * (1 - p) / total).squareRoot() + 1e-12
}

@Suite("Flow files")
struct FlowTests {
    static let ivrFolder = repositoryRoot.appendingPathComponent("examples/ivr")

    /// A scenario around one flow file, with no hang-ups and always open, so outcomes follow the flow's
    /// probabilities exactly.
    static func scenario(flow: String, intents: String, queues: [String] = ["council-tax", "housing"], extra: String = "")
        throws -> Scenario
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flowtest-\(UUID())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("flows"), withIntermediateDirectories: true)
        try flow.write(to: folder.appendingPathComponent("flows/main.yaml"), atomically: true, encoding: .utf8)
        let queueText = queues.map { "  - { name: \($0), handle_time: { exponential: 5m } }" }.joined(separator: "\n")
        let text = """
            interval: 1h
            period: { duration: 200h }
            calendars:
              always: { timezone: UTC, open: { all: "00:00-24:00" } }
            callers: { wrong_key: 5%, no_input: 10%, key_time: 2s, utterance_time: 3s, speech_no_input: 5% }
            \(extra)
            entries:
              - { name: line, flow: main, arrivals: 300/h, intents: \(intents) }
            queues:
            \(queueText)
            groups:
              - { name: all, skills: [\(queues.joined(separator: ", "))], agents: 200 }
            """
        let path = folder.appendingPathComponent("scenario.yaml")
        try text.write(to: path, atomically: true, encoding: .utf8)
        return try Scenario.load(path: path.path)
    }

    @Test("end to end: deflection and arrivals per queue match the flow's probabilities")
    func endToEnd() throws {
        let flow = try String(contentsOf: Self.ivrFolder.appendingPathComponent("flows/main.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "patience: { exponential: 10m }\n", with: "")
            .replacingOccurrences(of: "    hang_up: 1%\n", with: "")
            .replacingOccurrences(of: "    call_back: { share: 15%, after: { exponential: 2d } }\n", with: "")
            .replacingOccurrences(of: "    call_back: { share: 5%, after: { exponential: 1d } }\n", with: "")
            .replacingOccurrences(of: "hours: weekdays", with: "hours: always")
            .replacingOccurrences(of: "    call: closed-message\n", with: "    hangup: closed\n")
            .replacingOccurrences(of: "    next: goodbye\n  goodbye:\n    hangup: closed\n", with: "")
        let scenario = try Self.scenario(flow: flow, intents: "{ council-tax: 45%, pay: 20%, housing: 25%, bins: 10% }")
        let model = scenario.model
        let mix = [0.45, 0.2, 0.25, 0.1]
        let ends = absorption(model.flows[0], intents: 4)
        func expected(_ absorbs: (FlowStep.Action) -> Bool) -> Double {
            (0..<4).reduce(0.0) { sum, k in
                sum + mix[k] * ends[k].filter { absorbs(model.flows[0].steps[$0.key].action) }.values.reduce(0, +)
            }
        }
        #expect(model.flows[0].steps.allSatisfy { $0.hangUp == 0 && $0.callBack == nil })
        let result = ReplicationRunner(model: model, seed: 17, threads: 2).run(replications: 0..<1)[0]
        let callers = Double(result.flows.callers[0])
        #expect(callers > 50_000)
        let outcomes = result.flows.outcomes[0]
        let deflected = Double(outcomes[Int(FlowOutcome.selfServed.rawValue)] + outcomes[Int(FlowOutcome.deflected.rawValue)])
        let pDeflected = expected { $0 == .finish(.selfServed) || $0 == .finish(.deflected) }
        #expect(pDeflected > 0.1)
        #expect(within4SE(deflected, of: callers, expected: pDeflected), "deflected \(deflected / callers) vs \(pDeflected)")
        for q in 0..<2 {
            let p = expected { $0 == .queue(q) }
            #expect(within4SE(Double(result.queueTotals[q].offered), of: callers, expected: p))
        }
        // Speech confusion: housing callers reaching council tax through the speech menu, as the flow implies.
        let housing = 2
        let pMisrouted = ends[housing].filter { model.flows[0].steps[$0.key].action == .queue(0) }.values.reduce(0, +)
        let misrouted = Double(result.flows.queueArrivalsByIntent[0][housing])
        #expect(pMisrouted > 0.02)
        #expect(within4SE(misrouted, of: callers, expected: mix[housing] * pMisrouted))
    }

    @Test("a menu unrolls its retries: callers who never press a key reach 'exhausted' after every attempt")
    func retryExhaustion() throws {
        let flow = """
            flow: main
            timezone: UTC
            words_per_minute: 60
            start: menu
            nodes:
              menu:
                menu:
                  prompt: "one two three four five"
                  repeat_prompt: "one two"
                  options: { "1": { intents: [council-tax], next: ct } }
                  timeout: 6s
                  retries: 2
                  no_input: "sorry"
                  no_match: "sorry"
                  exhausted: fallback
              ct: { queue: council-tax }
              fallback: { queue: housing }
            """
        let scenario = try Self.scenario(
            flow: flow, intents: "{ council-tax: 100% }",
            extra: "")
        let steps = scenario.model.flows[0].steps
        #expect(steps.filter { $0.name.hasPrefix("menu#") && !$0.name.contains("/") }.count == 2)  // attempts 2 and 3
        // Durations: 5 words at 60 wpm is 5 s, plus the 2 s key time; repeats use the short prompt.
        #expect(steps[0].duration == .deterministic(7))
        #expect(steps.first { $0.name == "menu#2" }?.duration == .deterministic(4))
        #expect(steps.first { $0.name == "menu#1/no-input" }?.duration == .deterministic(4 + 1))
        // P(exhausted) = P(no valid key on all three attempts) = (0.10 + 0)^3 with no wrong key possible (one option).
        let ends = absorption(scenario.model.flows[0], intents: 1)
        let fallback = steps.firstIndex { $0.name == "fallback" }!
        #expect(abs(ends[0][fallback]! - pow(0.10, 3)) < 1e-12)
        let result = ReplicationRunner(model: scenario.model, seed: 4, threads: 1).run(replications: 0..<1)[0]
        let callers = Double(result.flows.callers[0])
        #expect(within4SE(Double(result.queueTotals[1].offered), of: callers, expected: 0.001))
    }

    @Test("sub-flows return to the node after the call, once per call site")
    func subFlowReturn() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("subflow-\(UUID())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("flows"), withIntermediateDirectories: true)
        try """
            flow: shared
            timezone: UTC
            start: hello
            nodes:
              hello: { play: "hello there", next: done }
              done: { return: true }
            """.write(to: folder.appendingPathComponent("flows/shared.yaml"), atomically: true, encoding: .utf8)
        let main = """
            flow: main
            timezone: UTC
            start: first
            nodes:
              first: { call: shared, next: second }
              second: { call: shared, next: end }
              end: { queue: council-tax }
            """
        try main.write(to: folder.appendingPathComponent("flows/main.yaml"), atomically: true, encoding: .utf8)
        let text = """
            interval: 1h
            period: { duration: 10h }
            entries: [{ name: line, flow: main, arrivals: 100/h, intents: { council-tax: 1 } }]
            queues: [{ name: council-tax, handle_time: { exponential: 5m } }]
            groups: [{ name: all, skills: [council-tax], agents: 20 }]
            """
        try text.write(to: folder.appendingPathComponent("scenario.yaml"), atomically: true, encoding: .utf8)
        let scenario = try Scenario.load(path: folder.appendingPathComponent("scenario.yaml").path)
        let names = scenario.model.flows[0].steps.map(\.name)
        #expect(names.contains("first/hello") && names.contains("second/hello"))
        let result = ReplicationRunner(model: scenario.model, seed: 1, threads: 1).run(replications: 0..<1)[0]
        #expect(result.flows.outcomes[0][Int(FlowOutcome.queued.rawValue)] == result.flows.callers[0])
        // Two plays of two words at 150 wpm: 0.8 s each.
        #expect(abs(result.flows.timeInFlow[0] / Double(result.flows.callers[0]) - 1.6) < 1e-9)
    }

    @Test("calendars follow local time through a daylight-saving change, bank holidays and midnight")
    func calendarEdges() throws {
        // Europe/London moved to BST at 01:00 UTC on 29 March 2020. The timeline starts at local midnight on
        // Saturday 28 March; an 08:00-18:00 local window opens at 08:00 UTC on Saturday and 07:00 UTC on Sunday.
        let text = """
            interval: 1h
            period: { start: 2020-03-28, days: 3 }
            calendars:
              london: { timezone: Europe/London, open: { all: "08:00-18:00" } }
              night: { timezone: UTC, open: { all: ["00:00-02:00", "22:00-24:00"] } }
              weekdays: { timezone: UTC, open: { mon-fri: "09:00-17:00" }, holidays: [2020-03-30] }
            entries: [{ name: line, flow: main, arrivals: 1/h, intents: { x: 1 } }]
            flows: [main.yaml]
            queues: [{ name: q, handle_time: { exponential: 5m } }]
            groups: [{ name: g, skills: [q], agents: 1 }]
            """
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("calendar-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            flow: main
            timezone: Europe/London
            start: a
            nodes:
              a: { hours: london, open: b, closed: b }
              b: { hours: night, open: c, closed: c }
              c: { hours: weekdays, open: q, closed: q }
              q: { queue: q }
            """.write(to: folder.appendingPathComponent("main.yaml"), atomically: true, encoding: .utf8)
        try text.write(to: folder.appendingPathComponent("scenario.yaml"), atomically: true, encoding: .utf8)
        let scenario = try Scenario.load(path: folder.appendingPathComponent("scenario.yaml").path)
        func flags(_ step: String) -> [Bool] {
            guard case .hours(let open, _, _) = scenario.model.flows[0].steps.first(where: { $0.name == step })!.action
            else { return [] }
            return open
        }
        let london = flags("a")
        // Hours from the start (local midnight Saturday, which is 00:00 UTC in GMT).
        #expect(london[7] == false && london[8] == true && london[17] == true && london[18] == false)
        // Sunday after the change: local 08:00 is 07:00 UTC, i.e. hour 24 + 7 = 31 from the start.
        #expect(london[30] == false && london[31] == true && london[40] == true && london[41] == false)
        let night = flags("b")
        #expect(night[0] && night[1] && !night[2] && !night[21] && night[22] && night[23] && night[24])
        let weekdays = flags("c")
        #expect(!weekdays[10])  // Saturday
        #expect(!weekdays[48 + 10])  // Monday 30 March is a holiday
    }

    @Test("broken flow references are located errors")
    func brokenReferences() throws {
        let flow = """
            flow: main
            timezone: UTC
            start: menu
            nodes:
              menu:
                menu:
                  prompt: "press one"
                  options: { "1": { intents: [council-tx], next: ct } }
                  exhausted: ct
              ct: { queue: council-tax }
            """
        let error = #expect(throws: InputError.self) {
            try Self.scenario(flow: flow, intents: "{ council-tax: 100% }")
        }
        #expect(error?.message.hasPrefix("unknown intent 'council-tx'. Did you mean 'council-tax'?") == true)
        #expect(error?.line == 8)
        let badQueue = flow.replacingOccurrences(of: "queue: council-tax", with: "queue: council-tac")
        let queueError = #expect(throws: InputError.self) {
            try Self.scenario(flow: badQueue, intents: "{ council-tx: 100% }")
        }
        #expect(queueError?.message.hasPrefix("unknown queue 'council-tac'. Did you mean 'council-tax'?") == true)
    }
}

@Suite("Flow node options")
struct FlowNodeOptionTests {
    @Test("hang_up on a node loses that share of its visits")
    func nodeHangUp() throws {
        let flow = """
            flow: main
            timezone: UTC
            start: hold
            nodes:
              hold: { play: "please hold while we check your details", hang_up: 20%, next: ct }
              ct: { queue: council-tax }
            """
        let scenario = try FlowTests.scenario(flow: flow, intents: "{ council-tax: 100% }")
        #expect(scenario.model.flows[0].steps[0].hangUp == 0.2)
        let flows = ReplicationRunner(model: scenario.model, seed: 3, threads: 1).run(replications: 0..<1)[0].flows
        let visits = Double(flows.steps[0].visits)
        #expect(within4SE(Double(flows.steps[0].hangUps), of: visits, expected: 0.2))
    }

    @Test("hang_up is refused on nodes that end the flow")
    func hangUpOnEnd() {
        let flow = """
            flow: main
            timezone: UTC
            start: ct
            nodes:
              ct: { queue: council-tax, hang_up: 5% }
            """
        let error = #expect(throws: InputError.self) { try FlowDocument.parse(flow, file: "f.yaml") }
        #expect(error?.description.hasPrefix("f.yaml:5:29: nodes.ct.hang_up: unknown field 'hang_up'") == true)
    }
}

@Suite("Caller attributes")
struct CallerAttributeTests {
    static let flow = """
        flow: main
        timezone: UTC
        start: route
        nodes:
          route:
            branch:
              - { when: { vulnerable: "yes" }, next: priority }
              - { intents: [housing], when: { language: pl }, next: interpreter }
            otherwise: ask
          ask:
            menu:
              prompt: "For help in Polish press 9, otherwise press 1."
              options:
                "1": { intents: [council-tax, housing], next: normal }
                "9": { next: polish }
              no_input: "Sorry?"
              no_match: "Sorry?"
              exhausted: normal
          polish: { set: { language: pl }, next: route }
          interpreter: { queue: housing }
          priority: { queue: housing }
          normal: { queue: council-tax }
        tests:
          - { name: vulnerable, at: mon 10:00, attributes: { vulnerable: "yes" }, path: [route, priority], outcome: queued housing }
          - name: asks for Polish, then goes to an interpreter
            at: mon 10:00
            intent: housing
            attributes: { vulnerable: "no", language: en }
            inputs: ["9"]
            path: [route, ask, polish, route, interpreter]
            outcome: queued housing
        """

    static func scenario() throws -> Scenario {
        try FlowTests.scenario(
            flow: flow, intents: "{ council-tax: 60%, housing: 40% }",
            extra: """
                attributes: { language: [en, pl], vulnerable: ["no", "yes"] }
                """
        ).withEntryAttributes()
    }

    @Test("intents times attribute values make the caller types, mixed by the entry's shares")
    func types() throws {
        let scenario = try Self.scenario()
        #expect(scenario.model.intents.count == 2 * 2 * 2)
        #expect(scenario.model.intents[0] == "council-tax [language=en, vulnerable=no]")
        let mix = scenario.model.entries[0].intentMix
        // housing, Polish, not vulnerable: 0.4 * 0.2 * 0.95
        let k = scenario.model.intents.firstIndex(of: "housing [language=pl, vulnerable=no]")!
        #expect(abs(mix[k] - 0.4 * 0.2 * 0.95) < 1e-12)
        #expect(abs(mix.reduce(0, +) - 1) < 1e-12)
    }

    @Test("branches test attributes and set changes them, as the absorption probabilities say")
    func routing() throws {
        let scenario = try Self.scenario()
        let model = scenario.model
        let ends = absorption(model.flows[0], intents: model.intents.count)
        let housingQueue = model.flows[0].steps.indices.filter { model.flows[0].steps[$0].action == .queue(1) }
        let p = model.entries[0].intentMix.enumerated().reduce(0.0) { sum, e in
            sum + e.element * housingQueue.reduce(0.0) { $0 + (ends[e.offset][$1] ?? 0) }
        }
        // Vulnerable (5%) all; Polish housing callers not vulnerable (0.4*0.2*0.95); and English housing callers who
        // press 9 (wrong key 5% spread over one other option) become Polish and reach the interpreter.
        #expect(p > 0.05 + 0.4 * 0.2 * 0.95)
        let result = ReplicationRunner(model: model, seed: 8, threads: 2).run(replications: 0..<1)[0]
        let callers = Double(result.flows.callers[0])
        #expect(within4SE(Double(result.queueTotals[1].offered), of: callers, expected: p))
    }

    @Test("scripted calls carry attributes through set and branch")
    func scripted() throws {
        let set = try FlowSet(documents: [FlowDocument.parse(Self.flow)], calendars: [:])
        let main = set.documents[0]
        for test in main.tests {
            let result = FlowTestRunner(flows: set.byName, calendars: [:]).run(test, in: main)
            #expect(result.failure == nil, "\(test.name): \(result.failure ?? "")")
        }
    }

    @Test("unknown attributes and values are located errors")
    func errors() throws {
        let bad = Self.flow.replacingOccurrences(of: "polish: { set: { language: pl }", with: "polish: { set: { language: de }")
        let error = #expect(throws: InputError.self) {
            try FlowTests.scenario(
                flow: bad, intents: "{ council-tax: 60%, housing: 40% }",
                extra: "attributes: { language: [en, pl], vulnerable: [\"no\", \"yes\"] }")
        }
        #expect(error?.message == "'de' is not a value of 'language': one of en, pl")
        #expect(error?.line == 19)
    }
}

extension Scenario {
    /// The attribute shares of the test scenario's entry are set here (the shared helper writes none).
    func withEntryAttributes() throws -> Scenario {
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(
            of: "intents: { council-tax: 60%, housing: 40% } }",
            with: "intents: { council-tax: 60%, housing: 40% }, attributes: { language: { en: 80%, pl: 20% }, vulnerable: { \"no\": 95%, \"yes\": 5% } } }")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return try Scenario.load(path: file)
    }
}

@Suite("Queue node options")
struct QueueNodeOptionTests {
    @Test("priority, callback and announcement on a queue node reach the engine's queue")
    func options() throws {
        let flow = """
            flow: main
            timezone: UTC
            start: menu
            nodes:
              menu:
                menu:
                  prompt: "press 1 or 2"
                  options: { "1": { intents: [council-tax], next: ct }, "2": { intents: [housing], next: urgent } }
                  no_input: "Sorry?"
                  no_match: "Sorry?"
                  exhausted: ct
              ct:
                queue: council-tax
                callback: { after: 2m, accept: 30%, dial_time: 15s }
                announce: { kind: expected_wait, duration: 10s }
              urgent: { queue: council-tax, priority: 2, callback: { after: 2m, accept: 30%, dial_time: 15s }, announce: { kind: expected_wait, duration: 10s } }
            """
        let scenario = try FlowTests.scenario(flow: flow, intents: "{ council-tax: 60%, housing: 40% }")
        let queue = scenario.model.queues[0]
        #expect(queue.priorityClasses == 3)
        #expect(queue.callback == CallbackOffer(after: 120, accept: 0.3, dialTime: 15))
        #expect(queue.announcement == Announcement(kind: .expectedWait, duration: 10))
        let urgent = try #require(scenario.model.flows[0].steps.first { $0.name == "urgent" })
        #expect(urgent.callPriority == 2)
        let conflicting = flow.replacingOccurrences(of: "announce: { kind: expected_wait, duration: 10s } }", with: "announce: position }")
        let error = #expect(throws: InputError.self) {
            try FlowTests.scenario(flow: conflicting, intents: "{ council-tax: 60%, housing: 40% }")
        }
        #expect(error?.message.hasPrefix("queue 'council-tax' already has other callback or announcement options") == true)
    }
}

@Suite("Flow nodes: transfer and recorded prompts")
struct FlowPromptTests {
    @Test("a recorded prompt's length comes from the audio file; transfer ends the call as transferred")
    func audioPromptAndTransfer() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audio-\(UUID())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("flows/prompts"), withIntermediateDirectories: true)
        try PromptAudio.writeTone(path: folder.appendingPathComponent("flows/prompts/closed.wav").path, seconds: 6.5)
        let flow = """
            flow: main
            timezone: UTC
            start: message
            nodes:
              message: { play: { audio: prompts/closed.wav }, next: out }
              out: { transfer: "out-of-hours service" }
            """
        try flow.write(to: folder.appendingPathComponent("flows/main.yaml"), atomically: true, encoding: .utf8)
        let text = """
            interval: 1h
            period: { duration: 10h }
            entries: [{ name: line, flow: main, arrivals: 60/h, intents: { x: 1 } }]
            queues: [{ name: q, handle_time: { exponential: 5m } }]
            groups: [{ name: g, skills: [q], agents: 1 }]
            """
        try text.write(to: folder.appendingPathComponent("scenario.yaml"), atomically: true, encoding: .utf8)
        let scenario = try Scenario.load(path: folder.appendingPathComponent("scenario.yaml").path)
        #expect(scenario.model.flows[0].steps[0].duration == .deterministic(6.5))
        let flows = ReplicationRunner(model: scenario.model, seed: 1, threads: 1).run(replications: 0..<1)[0].flows
        #expect(flows.outcomes[0][Int(FlowOutcome.transferred.rawValue)] == flows.callers[0])
        #expect(abs(flows.timeInFlow[0] - 6.5 * Double(flows.callers[0])) < 1e-6)
        #expect(FlowChecker.check(path: folder.path).isEmpty)
    }
}

@Suite("Barge-in")
struct BargeInTests {
    @Test("callers who barge in cut prompts short only where barge-in is allowed")
    func bargeIn() throws {
        let flow = """
            flow: main
            timezone: UTC
            words_per_minute: 60
            start: a
            nodes:
              a: { play: "one two three four five six seven eight nine ten", next: b }
              b: { play: "one two three four five six seven eight nine ten", barge_in: false, next: q }
              q: { queue: council-tax }
            """
        let scenario = try FlowTests.scenario(
            flow: flow, intents: "{ council-tax: 100% }"
        )
        // The helper's callers have no barge-in share: both prompts last 10 s.
        #expect(scenario.model.flows[0].steps[0].duration == .deterministic(10))
        let text = try String(contentsOfFile: scenario.file, encoding: .utf8)
            .replacingOccurrences(of: "speech_no_input: 5% }", with: "speech_no_input: 5%, barge_in: 40% }")
        try text.write(toFile: scenario.file, atomically: true, encoding: .utf8)
        let barging = try Scenario.load(path: scenario.file)
        let a = barging.model.flows[0].steps[0].duration
        #expect(abs(a.mean - (0.4 * 2 + 0.6 * 10)) < 1e-12)  // key time 2 s
        #expect(barging.model.flows[0].steps[1].duration == .deterministic(10))
        let flows = ReplicationRunner(model: barging.model, seed: 2, threads: 1).run(replications: 0..<1)[0].flows
        let visits = Double(flows.steps[0].visits)
        let early = (Double(flows.steps[0].time) - 10 * visits) / (2 - 10)
        #expect(within4SE(early, of: visits, expected: 0.4))
    }
}
