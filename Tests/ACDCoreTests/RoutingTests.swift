import ACDCore
import Testing

/// Routing order with scripted calls and fixed talk times, so every answer time and agent is known in advance.
/// Agents are numbered group by group in model order, from 0.
@Suite("Routing")
struct RoutingTests {
    func group(_ name: String, _ skills: [Skill], agents: Int, intervals: Int = 4) -> AgentGroup {
        AgentGroup(name: name, skills: skills, rota: .constant(agents, intervals: intervals))
    }

    @Test("an arriving call goes to the longest-idle agent")
    func longestIdle() {
        let model = Models.scripted(queues: [("q", 0)], groups: [group("g", [Skill(queue: 0)], agents: 3)])
        var engine = Engine(model: model, seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 0, talk: 100)
        engine.inject(queue: 0, at: 1, talk: 50)
        engine.inject(queue: 0, at: 2, talk: 10)  // its agent is free first, at 12
        engine.inject(queue: 0, at: 200, talk: 10)
        let records = engine.finishedRecords()
        #expect(Set(records[0...2].map(\.agent)).count == 3)
        #expect(records[3].agent == records[2].agent)
        #expect(records.allSatisfy { $0.endOfWait == $0.arrival })
    }

    @Test("the best skill level wins over idle time")
    func bestSkillLevelFirst() {
        let model = Models.scripted(
            queues: [("q", 0)],
            groups: [group("backup", [Skill(queue: 0, level: 2)], agents: 1), group("main", [Skill(queue: 0)], agents: 1)])
        var engine = Engine(model: model, seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 10, talk: 100)
        engine.inject(queue: 0, at: 11, talk: 100)
        let records = engine.finishedRecords()
        #expect(records[0].agent == AgentID(1))  // "main", level 1
        #expect(records[1].agent == AgentID(0))  // "backup" only once main is busy
    }

    @Test("a freed agent takes the highest-priority queue, then the longest-waiting call")
    func priorityThenLongestWaiting() {
        let model = Models.scripted(
            queues: [("low", 1), ("high", 5)], groups: [group("g", [Skill(queue: 0), Skill(queue: 1)], agents: 1)])
        var engine = Engine(model: model, seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 0, talk: 100)
        engine.inject(queue: 0, at: 10, talk: 60)  // low, waits longest
        engine.inject(queue: 1, at: 20, talk: 60)  // high
        engine.inject(queue: 1, at: 30, talk: 60)  // high
        let records = engine.finishedRecords()
        #expect(records.map(\.endOfWait) == [0, 220, 100, 160])
    }

    @Test("a freed agent serves its best skill level before a higher-priority queue")
    func skillLevelBeforePriority() {
        let model = Models.scripted(
            queues: [("own", 1), ("urgent-elsewhere", 9)],
            groups: [group("g", [Skill(queue: 0, level: 1), Skill(queue: 1, level: 2)], agents: 1)])
        var engine = Engine(model: model, seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 0, talk: 100)
        engine.inject(queue: 1, at: 10, talk: 60)
        engine.inject(queue: 0, at: 20, talk: 60)
        let records = engine.finishedRecords()
        #expect(records[2].endOfWait == 100)
        #expect(records[1].endOfWait == 160)
    }

    @Test("an overflow tier takes a call only after its delay")
    func overflowAfterDelay() {
        let model = Models.scripted(
            queues: [("q", 0), ("other", 0)],
            groups: [
                group("own", [Skill(queue: 0)], agents: 1),
                group("overflow", [Skill(queue: 1), Skill(queue: 0, level: 2, delay: 30)], agents: 1),
            ])
        var engine = Engine(model: model, seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 0, talk: 1000)  // occupies the own agent
        engine.inject(queue: 1, at: 5, talk: 15)  // overflow agent busy until 20
        engine.inject(queue: 0, at: 10, talk: 10)  // may overflow from 40
        let records = engine.finishedRecords()
        #expect(records[2].endOfWait == 40)
        #expect(records[2].agent == AgentID(1))
    }

    @Test("strategies choose differently where they should")
    func strategies() {
        func run(_ strategy: RoutingStrategy, _ calls: [(Double, Double)]) -> [Int] {
            let model = Models.scripted(
                queues: [("q", 0)], groups: [group("g", [Skill(queue: 0)], agents: 2)], strategy: strategy)
            var engine = Engine(model: model, seed: 3, replication: 0)
            engine.recordsCalls = true
            for (at, talk) in calls { engine.inject(queue: 0, at: at, talk: talk) }
            return engine.finishedRecords().map { $0.agent?.index ?? -1 }
        }
        // After these calls agent X (first chosen) talked 100 s once and agent Y 1 s twice; at 200 Y has been idle
        // the longest (since 4), X has the fewest calls, Y the least talk time.
        let script: [(Double, Double)] = [(0, 100), (1, 1), (3, 1), (200, 5)]
        let longest = run(.longestIdle, script)
        let x = longest[0]
        let y = longest[1]
        #expect(longest[3] == y)
        #expect(run(.fewestCalls, script)[3] == x)
        #expect(run(.leastTalkTime, script)[3] == y)
        // Round-robin takes agents in turn by number, whoever has been idle longer: at 200 the agent of the third call
        // has been idle since 6 and the other only since 100, yet it is the other's turn.
        let turns: [(Double, Double)] = [(0, 100), (1, 1), (5, 1), (200, 1)]
        #expect(run(.roundRobin, turns) == [0, 1, 1, 0])
        let idle = run(.longestIdle, turns)
        #expect(idle[3] == idle[2])
        // Random is reproducible for a seed and uses both agents.
        let many = (0..<40).map { (Double($0) * 10, 1.0) }
        let random = run(.random, many)
        #expect(random == run(.random, many))
        #expect(Set(random) == [0, 1])
    }

    @Test("patience, short abandons and the threshold")
    func abandonment() {
        var model = Models.scripted(queues: [("q", 0)], groups: [group("g", [Skill(queue: 0)], agents: 1)])
        model.definitions.shortAbandonThreshold = 5
        var engine = Engine(model: model, seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 0, talk: 1000)
        engine.inject(queue: 0, at: 1, talk: 60, patience: 3)
        engine.inject(queue: 0, at: 2, talk: 60, patience: 10)
        engine.inject(queue: 0, at: 3, talk: 60, patience: 5000)
        let records = engine.finishedRecords()
        #expect(records.map(\.outcome) == [.answered, .shortAbandoned, .abandoned, .answered])
        #expect(records[2].endOfWait == 12)
        #expect(records[3].endOfWait == 1000)
        let total = ReplicationResult(engine: engine, replication: 0).queueTotals[0]
        #expect(total.offered == 4 && total.answered == 2 && total.abandoned == 1 && total.shortAbandoned == 1)
        let metrics = QueueMetrics(tally: total, definitions: model.definitions)
        #expect(metrics.abandonment == 0.25)  // short abandons count in the base of "offered" but not as abandoned
    }
}

/// An overflow tier with priority classes: a group that may answer a call only once it has waited the tier's delay
/// takes, of the calls that have, the highest class first, then the longest waiting; never a call that has not.
@Suite("Overflow tiers with priority classes")
struct OverflowPriorityTests {
    /// One queue with two priority classes, answered only by one agent of an overflow group after 60 s, talk 100 s.
    static func model() -> CentreModel {
        var queue = Queue(name: "q", volumes: [0, 0], handleTime: .deterministic(100))
        queue.priorityClasses = 2
        let back = AgentGroup(
            name: "back", skills: [Skill(queue: 0, level: 2, delay: 60)], rota: .constant(1, intervals: 2))
        return CentreModel(queues: [queue], groups: [back], intervalLength: 3600, intervalCount: 2)
    }

    /// Places calls `(time, class)` into the queue and returns each call's wait, in the order placed.
    static func waits(_ calls: [(time: Double, priority: Int)]) throws -> [Double] {
        var engine = Engine(model: model(), seed: 1, replication: 0, options: EngineOptions(arrivals: false))
        engine.recordsCalls = true
        var ids: [CallID] = []
        for call in calls {
            engine.advance(through: call.time)
            ids.append(
                try engine.placeCall(
                    CallRequest(target: .queue(QueueID(0)), priority: call.priority), at: call.time))
        }
        engine.advance(through: 7000)
        let records = engine.drainRecords()
        return try ids.map { id in
            let record = try #require(records.first { $0.id == id })
            return record.endOfWait - (record.queueEntry ?? record.arrival)
        }
    }

    @Test("when a low-class call reaches the delay, it is the one answered, not a higher-class call that has not")
    func theCallThatReachedTheDelay() throws {
        // L (class 0) at 0, H (class 1) at 30: at 60 L has waited 60 and H 30, so the agent takes L; H waits for the
        // agent to finish at 160.
        let w = try Self.waits([(0, 0), (30, 1)])
        #expect(w == [60, 130])
    }

    @Test("a freed agent takes a lower-class call past the delay when the higher class has none that is")
    func aFreedAgentLooksPastTheHighestClass() throws {
        // X at 0 is answered at 60 (busy until 160); L at 10 is past the delay at 70 but the agent is busy; H (class
        // 1) comes at 150. At 160 L has waited 150 and H 10: the agent takes L, then H at 260.
        #expect(try Self.waits([(0, 0), (10, 0), (150, 1)]) == [60, 150, 110])
    }

    @Test("of several calls past the delay, the higher class goes first")
    func higherClassFirstAmongEligible() throws {
        // X at 0 answered at 60 (busy until 160). L (class 0) at 20 and H (class 1) at 40 are both past the delay at
        // 160: H first (wait 120), then L at 260 (wait 240).
        #expect(try Self.waits([(0, 0), (20, 0), (40, 1)]) == [60, 240, 120])
    }
}
