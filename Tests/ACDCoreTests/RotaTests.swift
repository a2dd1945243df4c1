import ACDCore
import Testing

@Suite("Rota and shift changes")
struct RotaTests {
    func model(headcount: [Int], length: Double = 100) -> CentreModel {
        Models.scripted(
            queues: [("q", 0)],
            groups: [AgentGroup(name: "g", skills: [Skill(queue: 0)], rota: Rota(headcount: headcount))],
            intervals: headcount.count, length: length)
    }

    @Test("an agent whose shift ends mid-call finishes it, and the extra time is overtime")
    func finishesCallThenLeaves() {
        var engine = Engine(model: model(headcount: [1, 0, 0]), seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 50, talk: 120)  // ends at 170, 70 s after the shift
        engine.inject(queue: 0, at: 150, talk: 10, patience: 100)  // nobody will take it
        let records = engine.finishedRecords()
        #expect(records[0].outcome == .answered && records[0].talkEnd == 170)
        #expect(records[1].outcome == .abandoned && records[1].endOfWait == 250)
        let result = ReplicationResult(engine: engine, replication: 0)
        #expect(result.groupTotals[0].overtime == 70)
        #expect(result.groupIntervals[1].overtime == 70)  // counted in the interval where the shift ended
    }

    @Test("agents coming on shift take waiting calls at once")
    func startOfShiftTakesWaitingCalls() {
        var engine = Engine(model: model(headcount: [0, 2, 2]), seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 10, talk: 30)
        engine.inject(queue: 0, at: 20, talk: 30)
        engine.inject(queue: 0, at: 30, talk: 30)
        let records = engine.finishedRecords()
        #expect(records.map(\.endOfWait) == [100, 100, 130])
    }

    @Test("a rise in headcount cancels departures still pending")
    func riseCancelsDepartures() {
        // 1 agent, off in interval 1, back in interval 2; busy across both boundaries: never leaves, no overtime.
        var engine = Engine(model: model(headcount: [1, 0, 1, 1]), seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 90, talk: 150)  // ends at 240
        engine.inject(queue: 0, at: 230, talk: 10)
        let records = engine.finishedRecords()
        #expect(records[1].endOfWait == 240)
        #expect(ReplicationResult(engine: engine, replication: 0).groupTotals[0].overtime == 0)
    }

    @Test("idle agents leave at once when headcount falls, busy ones after their call")
    func idleLeaveFirst() {
        var engine = Engine(model: model(headcount: [3, 1, 1]), seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 95, talk: 20)  // one busy across the boundary, two idle
        engine.inject(queue: 0, at: 101, talk: 10)  // both idle agents have left: waits for the busy one, until 115
        engine.inject(queue: 0, at: 102, talk: 10)  // then until 125
        let records = engine.finishedRecords()
        #expect(records.map(\.endOfWait) == [95, 115, 125])
        #expect(ReplicationResult(engine: engine, replication: 0).groupTotals[0].overtime == 0)
    }

    @Test("occupancy counts busy time inside each interval")
    func busyTimeSplitsAcrossIntervals() {
        var engine = Engine(model: model(headcount: [1, 1, 1]), seed: 1, replication: 0)
        engine.inject(queue: 0, at: 80, talk: 40)
        engine.runToCompletion()
        let result = ReplicationResult(engine: engine, replication: 0)
        #expect(result.groupIntervals.map(\.busy) == [20, 20, 0])
    }
}
