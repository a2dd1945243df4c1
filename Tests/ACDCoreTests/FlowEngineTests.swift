import ACDCore
import Testing

/// Callers in compiled IVR/EVR flows. Shares are checked against the flow's probabilities with four binomial
/// standard errors (a correct engine fails such a check with probability about 6e-5); durations that are
/// deterministic are checked exactly.
@Suite("Flows in the engine")
struct FlowEngineTests {
    /// Intents: 0 council tax, 1 housing, 2 pay. Queues: 0 council tax, 1 housing.
    /// greeting (10 s) -> menu (6 s; by intent) -> ct queue | housing queue | pay (self-service, 90 s, 70% done).
    static func centre(hours: Int = 200, callsPerHour: Double = 300, agents: Int = 40) -> CentreModel {
        let steps = [
            FlowStep(name: "greeting", duration: .deterministic(10), action: .route(targets: [1], weights: [[1], [1], [1]])),
            FlowStep(
                name: "menu", duration: .deterministic(6),
                action: .route(
                    targets: [2, 3, 4],
                    weights: [[0.9, 0.06, 0.04], [0.1, 0.85, 0.05], [0.05, 0, 0.95]])),
            FlowStep(name: "ct-queue", action: .queue(0)),
            FlowStep(name: "housing-queue", action: .queue(1)),
            FlowStep(
                name: "pay", duration: .deterministic(90),
                action: .route(targets: [5, 2], weights: [[0.7, 0.3], [0.7, 0.3], [0.7, 0.3]])),
            FlowStep(name: "paid", action: .finish(.selfServed)),
        ]
        let queue = { (name: String) in
            Queue(name: name, volumes: Array(repeating: 0, count: hours), handleTime: .exponential(mean: 240))
        }
        return CentreModel(
            queues: [queue("council-tax"), queue("housing")],
            groups: [
                AgentGroup(
                    name: "all", skills: [Skill(queue: 0), Skill(queue: 1)], rota: .constant(agents, intervals: hours))
            ],
            intervalLength: 3600, intervalCount: hours,
            intents: ["council-tax", "housing", "pay"], flows: [CallFlow(name: "main", steps: steps)],
            entries: [
                Entry(
                    name: "0113", volumes: Array(repeating: callsPerHour, count: hours), flow: 0,
                    intentMix: [0.5, 0.3, 0.2])
            ])
    }

    func within4SE(_ count: Int, of total: Int, expected p: Double) -> Bool {
        let share = Double(count) / Double(total)
        return abs(share - p) <= 4 * (p * (1 - p) / Double(total)).squareRoot()
    }

    @Test("deflection and per-queue arrivals by intent match the flow's probabilities")
    func sharesMatchProbabilities() {
        let model = Self.centre()
        #expect(model.problems().isEmpty)
        let result = ReplicationRunner(model: model, seed: 21, threads: 2).run(replications: 0..<1)[0]
        let flows = result.flows
        let callers = flows.callers[0]
        #expect(callers > 50_000)
        // Self-served: intent pay (0.2) picks pay with 0.95; ct 0.5*0.04; housing 0.3*0.05; then 70% complete.
        let reachPay = 0.5 * 0.04 + 0.3 * 0.05 + 0.2 * 0.95
        let selfServed = flows.outcomes[0][Int(FlowOutcome.selfServed.rawValue)]
        #expect(within4SE(selfServed, of: callers, expected: reachPay * 0.7))
        let queued = flows.outcomes[0][Int(FlowOutcome.queued.rawValue)]
        #expect(queued + selfServed == callers)
        // Arrivals at the housing queue by intent: ct callers misrouted 6%, housing callers 85%, pay callers never.
        let housing = flows.queueArrivalsByIntent[1]
        #expect(within4SE(housing[0], of: callers, expected: 0.5 * 0.06))
        #expect(within4SE(housing[1], of: callers, expected: 0.3 * 0.85))
        #expect(housing[2] == 0)
        // Council tax receives the pay callers who did not complete (30%) as well.
        let ctFromPay = reachPay * 0.3
        let councilTax = flows.queueArrivalsByIntent[0]
        #expect(within4SE(councilTax[2], of: callers, expected: 0.2 * (0.05 + 0.95 * 0.3)))
        #expect(
            within4SE(councilTax.reduce(0, +), of: callers, expected: 0.5 * 0.9 + 0.3 * 0.1 + 0.2 * 0.05 + ctFromPay))
        // The queues count what the flow sent them.
        #expect(result.queueTotals[0].offered == councilTax.reduce(0, +))
        #expect(result.queueTotals[1].offered == housing.reduce(0, +))
        // Exits by transition add up to visits.
        #expect(flows.steps[1].visits == callers)
        #expect(flows.exits[flows.exitBase[1]..<(flows.exitBase[1] + 3)].reduce(0, +) == callers)
    }

    @Test("time in the flow follows the path's step durations")
    func timeInFlow() {
        let result = ReplicationRunner(model: Self.centre(hours: 20), seed: 3, threads: 1).run(replications: 0..<1)[0]
        let flows = result.flows
        let callers = Double(flows.callers[0])
        // Every caller spends 16 s in greeting and menu; those who reach pay spend 90 s more.
        let payVisits = Double(flows.steps[4].visits)
        #expect(abs(flows.timeInFlow[0] - (16 * callers + 90 * payVisits)) < 1e-6 * flows.timeInFlow[0])
        #expect(flows.steps[0].time == 10 * callers)
        #expect(flows.steps[4].times.percentile(90) == 90)
    }

    @Test("the calendar sends callers to the closed message outside opening hours")
    func hours() {
        var model = Self.centre(hours: 24)
        let open = (0..<24).map { (8..<18).contains($0) }
        model.flows[0].steps.append(FlowStep(name: "closed", duration: .deterministic(20), action: .finish(.closed)))
        model.flows[0].steps.append(FlowStep(name: "hours", action: .hours(open: open, whenOpen: 0, whenClosed: 6)))
        model.flows[0].entry = 7
        let result = ReplicationRunner(model: model, seed: 5, threads: 1).run(replications: 0..<1)[0]
        let flows = result.flows
        let closed = flows.outcomes[0][Int(FlowOutcome.closed.rawValue)]
        #expect(closed == flows.exits[flows.exitBase[7] + 1])
        #expect(within4SE(closed, of: flows.callers[0], expected: 14.0 / 24))
        var engine = Engine(model: model, seed: 5, replication: 0)
        engine.recordsCalls = true
        engine.runToCompletion()
        // Only callers who dialled between 08:00 and 18:00 reach a queue, 16 s later (greeting and menu), or 106 s
        // later by way of the pay step.
        let queued = engine.drainRecords().compactMap(\.queueEntry)
        #expect(!queued.isEmpty)
        #expect(queued.allSatisfy { (8 * 3600 + 16..<18 * 3600 + 106).contains($0) })
    }

    @Test("callers hang up in the IVR at the stated rate, and when their IVR patience runs out")
    func hangUps() {
        var model = Self.centre(hours: 100)
        model.flows[0].steps[1].hangUp = 0.1
        let flows = ReplicationRunner(model: model, seed: 9, threads: 1).run(replications: 0..<1)[0].flows
        #expect(within4SE(flows.steps[1].hangUps, of: flows.steps[1].visits, expected: 0.1))
        #expect(flows.outcomes[0][Int(FlowOutcome.hungUp.rawValue)] == flows.steps[1].hangUps)

        var impatient = Self.centre(hours: 20)
        impatient.flows[0].patience = .deterministic(12)  // runs out during the menu (10 s greeting + 6 s)
        let late = ReplicationRunner(model: impatient, seed: 9, threads: 1).run(replications: 0..<1)[0].flows
        #expect(late.outcomes[0][Int(FlowOutcome.hungUp.rawValue)] == late.callers[0])
        #expect(abs(late.timeInFlow[0] - 12 * Double(late.callers[0])) < 1e-6 * late.timeInFlow[0])
        #expect(late.steps[1].hangUps == late.callers[0])
    }

    @Test("a loop that takes no time cannot hang the engine")
    func zeroTimeLoop() {
        var model = Self.centre(hours: 2, callsPerHour: 10)
        model.flows[0].steps[0] = FlowStep(name: "spin", action: .route(targets: [0], weights: [[1], [1], [1]]))
        let flows = ReplicationRunner(model: model, seed: 1, threads: 1).run(replications: 0..<1)[0].flows
        #expect(flows.outcomes[0][Int(FlowOutcome.hungUp.rawValue)] == flows.callers[0])
        #expect(flows.steps[0].visits == 10_000 * flows.callers[0])
    }

    @Test("a model's flows are checked before a run")
    func problems() {
        var model = Self.centre(hours: 2)
        model.flows[0].steps[1].action = .route(targets: [2, 9], weights: [[1, 1], [1], [0, 0]])
        model.flows[0].steps[2].action = .queue(5)
        let problems = model.problems()
        #expect(problems.contains("flow main, step menu: no step #9"))
        #expect(problems.contains("flow main, step menu: bad weights for intent #1"))
        #expect(problems.contains("flow main, step menu: intent #2 has nowhere to go"))
        #expect(problems.contains("flow main, step ct-queue: no queue #5"))
    }
}

@Suite("Flows in the engine: step layout")
struct FlowLayoutTests {
    @Test("routes after an hours step reach the right targets")
    func routeAfterHours() {
        // hours -> route(a|b by intent) -> a: queue 0, b: finish. Intent 0 always to a, intent 1 always to b.
        let steps = [
            FlowStep(name: "hours", action: .hours(open: [true], whenOpen: 1, whenClosed: 3)),
            FlowStep(name: "menu", action: .route(targets: [2, 3], weights: [[1, 0], [0, 1]])),
            FlowStep(name: "queue", action: .queue(0)),
            FlowStep(name: "done", action: .finish(.selfServed)),
        ]
        let model = CentreModel(
            queues: [Queue(name: "q", volumes: [0], handleTime: .deterministic(60))],
            groups: [AgentGroup(name: "g", skills: [Skill(queue: 0)], rota: .constant(50, intervals: 1))],
            intervalLength: 3600, intervalCount: 1, intents: ["x", "y"], flows: [CallFlow(name: "f", steps: steps)],
            entries: [Entry(name: "e", volumes: [1000], flow: 0, intentMix: [1, 1])])
        #expect(model.problems().isEmpty)
        let result = ReplicationRunner(model: model, seed: 2, threads: 1).run(replications: 0..<1)[0]
        let flows = result.flows
        #expect(flows.queueArrivalsByIntent[0][1] == 0)
        #expect(flows.queueArrivalsByIntent[0][0] == result.queueTotals[0].offered)
        #expect(flows.outcomes[0][Int(FlowOutcome.selfServed.rawValue)] + result.queueTotals[0].offered == flows.callers[0])
        #expect(flows.exits[flows.exitBase[1]] == result.queueTotals[0].offered)
    }
}

@Suite("Misroutes")
struct MisrouteTests {
    @Test("a caller answered at the wrong queue is transferred after the misroute handle time")
    func transfer() {
        // Queue 0 serves intent 0, queue 1 serves intent 1; the flow sends 20% of intent-1 callers to queue 0.
        let steps = [
            FlowStep(name: "menu", action: .route(targets: [1, 2], weights: [[1, 0], [0.2, 0.8]])),
            FlowStep(name: "q0", action: .queue(0)),
            FlowStep(name: "q1", action: .queue(1)),
        ]
        var q0 = Queue(name: "a", volumes: [0], handleTime: .deterministic(100))
        q0.serves = [0]
        q0.misrouteHandle = .deterministic(30)
        var q1 = Queue(name: "b", volumes: [0], handleTime: .deterministic(200))
        q1.serves = [1]
        let model = CentreModel(
            queues: [q0, q1],
            groups: [AgentGroup(name: "g", skills: [Skill(queue: 0), Skill(queue: 1)], rota: .constant(500, intervals: 1))],
            intervalLength: 36_000, intervalCount: 1, intents: ["a", "b"], flows: [CallFlow(name: "f", steps: steps)],
            entries: [Entry(name: "e", volumes: [20_000], flow: 0, intentMix: [0.5, 0.5])])
        var engine = Engine(model: model, seed: 6, replication: 0)
        engine.recordsCalls = true
        engine.runToCompletion()
        let result = ReplicationResult(engine: engine, replication: 0)
        let misrouted = result.flows.queueArrivalsByIntent[0][1]
        #expect(misrouted > 1000)
        #expect(result.queueTotals[0].misrouted == misrouted)  // all answered (no patience), all transferred
        #expect(result.queueTotals[1].offered == result.flows.queueArrivalsByIntent[1][1] + misrouted)
        // Each misrouted caller: a 30 s transfer at queue a, then a normal call at queue b; one record with one id.
        let records = engine.drainRecords()
        #expect(Set(records.map(\.id)).count == records.count)
        let transferred = records.filter { $0.firstQueue != nil }
        #expect(transferred.count == misrouted)
        #expect(transferred.allSatisfy { r in
            r.firstQueue == QueueID(0) && r.queue == QueueID(1) && r.outcome == .answered
                && abs((r.talkEnd ?? 0) - r.endOfWait - 200) < 1e-9 && (r.queueEntry ?? 0) >= (r.ivrExit ?? .infinity) + 30
        })
        let p = Double(misrouted) / Double(result.flows.callers[0])
        #expect(abs(p - 0.1) <= 4 * (0.1 * 0.9 / Double(result.flows.callers[0])).squareRoot())
    }
}

@Suite("Repeat calls")
struct RepeatCallTests {
    @Test("contained callers call again at the stated share, with their intent, and true containment nets them")
    func callBacks() {
        // Intent 0 is self-served; 30% of them call back after exactly 1 or 10 days (50/50); the window is 7 days.
        var finish = FlowStep(name: "done", action: .finish(.selfServed))
        finish.callBack = CallBack(share: 0.3, delay: .empirical(EmpiricalTable(values: [86_400, 864_000])))
        let steps = [
            FlowStep(name: "menu", action: .route(targets: [1, 2], weights: [[1, 0], [0, 1]])),
            finish,
            FlowStep(name: "queue", action: .queue(0)),
        ]
        let days = 30
        let model = CentreModel(
            queues: [Queue(name: "q", volumes: Array(repeating: 0, count: days), handleTime: .deterministic(60))],
            groups: [AgentGroup(name: "g", skills: [Skill(queue: 0)], rota: .constant(20, intervals: days))],
            intervalLength: 86_400, intervalCount: days, intents: ["self", "agent"],
            flows: [CallFlow(name: "f", steps: steps)],
            entries: [Entry(name: "e", volumes: Array(repeating: 2000, count: days), flow: 0, intentMix: [0.5, 0.5])])
        let flows = ReplicationRunner(model: model, seed: 12, threads: 1).run(replications: 0..<1)[0].flows
        let selfServed = flows.outcomes[0][Int(FlowOutcome.selfServed.rawValue)]
        // Callbacks within the window: half of the 30% (the 1-day ones).
        let within = Double(flows.selfServedCallingBack[0])
        let p = 0.15
        #expect(abs(within / Double(selfServed) - p) <= 4 * (p * (1 - p) / Double(selfServed)).squareRoot())
        // Repeat callers are intent 0 only: the agent queue sees exactly the intent-1 callers.
        #expect(flows.queueArrivalsByIntent[0][0] == 0)
        #expect(flows.repeatCallers[0] > 0)
        #expect(flows.callers[0] - flows.repeatCallers[0] > 50_000)
        let summary = Summary(model: model, results: ReplicationRunner(model: model, seed: 12, threads: 1).run(replications: 0..<1))
        let entry = summary.entries[0]
        #expect(abs(entry.trueContainment.mean - (entry.containment.mean - within / Double(flows.callers[0]))) < 1e-12)
    }
}

@Suite("Misroutes and callbacks together")
struct MisrouteCallbackTests {
    @Test("a callback accepted at the wrong queue is not counted again after the transfer")
    func callbackThenTransfer() {
        let steps = [FlowStep(name: "wrong", action: .queue(0))]
        var q0 = Queue(name: "a", volumes: [0], handleTime: .deterministic(100), patience: .deterministic(10_000))
        q0.serves = [0]
        q0.callback = CallbackOffer(after: 1, accept: 1, dialTime: 10)
        var q1 = Queue(name: "b", volumes: [0], handleTime: .deterministic(50))
        q1.serves = [1]
        let model = CentreModel(
            queues: [q0, q1],
            groups: [AgentGroup(name: "g", skills: [Skill(queue: 0), Skill(queue: 1)], rota: .constant(2, intervals: 1))],
            intervalLength: 3600, intervalCount: 1, intents: ["a", "b"], flows: [CallFlow(name: "f", steps: steps)],
            entries: [Entry(name: "e", volumes: [200], flow: 0, intentMix: [0, 1])])
        let result = ReplicationRunner(model: model, seed: 1, threads: 1).run(replications: 0..<1)[0]
        #expect(result.queueTotals[0].callbacksAccepted > 0)
        #expect(result.queueTotals[0].callbacksMade == result.queueTotals[0].callbacksAccepted)
        #expect(result.queueTotals[1].callbacksMade == 0)
        #expect(result.queueTotals[1].offered == result.queueTotals[0].misrouted)
    }
}
