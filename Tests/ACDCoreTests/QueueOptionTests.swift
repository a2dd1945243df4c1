import ACDCore
import Testing

@Suite("Queue options: priorities, callbacks, announcements")
struct QueueOptionTests {
    func model(_ configure: (inout Queue) -> Void) -> CentreModel {
        var model = Models.scripted(
            queues: [("q", 0)], groups: [AgentGroup(name: "g", skills: [Skill(queue: 0)], rota: .constant(1, intervals: 4))])
        configure(&model.queues[0])
        return model
    }

    @Test("higher-priority calls are answered first, first come first served within a priority")
    func priorities() {
        var engine = Engine(model: model { $0.priorityClasses = 3 }, seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 0, talk: 100)
        engine.inject(queue: 0, at: 1, talk: 10, priority: 0)
        engine.inject(queue: 0, at: 2, talk: 10, priority: 2)
        engine.inject(queue: 0, at: 3, talk: 10, priority: 1)
        engine.inject(queue: 0, at: 4, talk: 10, priority: 2)
        let records = engine.finishedRecords()
        #expect(records.map(\.endOfWait) == [0, 130, 100, 120, 110])
    }

    @Test("callers who accept a callback keep their place, never abandon, and take the dial time more")
    func callbacks() {
        let offer = CallbackOffer(after: 10, accept: 1, dialTime: 25)
        var engine = Engine(model: model { $0.callback = offer }, seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 0, talk: 1000)
        engine.inject(queue: 0, at: 1, talk: 60, patience: 30)  // accepts at 11, would have abandoned at 31
        engine.inject(queue: 0, at: 2, talk: 60, patience: 5)  // hangs up before the offer
        let records = engine.finishedRecords()
        #expect(records[1].outcome == .answered && records[1].endOfWait == 1000 && records[1].talkEnd == 1085)
        #expect(records[2].outcome == .abandoned && records[2].endOfWait == 7)
        let total = ReplicationResult(engine: engine, replication: 0).queueTotals[0]
        #expect(total.callbacksAccepted == 1 && total.callbacksMade == 1)
    }

    @Test("a callback offered by position goes to callers joining that far back")
    func callbackByPosition() {
        let offer = CallbackOffer(position: 3, accept: 1)
        var engine = Engine(model: model { $0.callback = offer }, seed: 1, replication: 0)
        engine.inject(queue: 0, at: 0, talk: 1000)
        for i in 1...4 { engine.inject(queue: 0, at: Double(i), talk: 10, patience: 50) }
        engine.runToCompletion()
        let total = ReplicationResult(engine: engine, replication: 0).queueTotals[0]
        #expect(total.callbacksAccepted == 2)  // positions 3 and 4
        #expect(total.abandoned == 2 && total.answered == 3)
    }

    @Test("callers told of a wait longer than their patience hang up after the announcement")
    func announcementBalking() {
        let announcement = Announcement(kind: .expectedWait, duration: 8)
        var engine = Engine(model: model { $0.announcement = announcement }, seed: 1, replication: 0)
        engine.recordsCalls = true
        engine.inject(queue: 0, at: 0, talk: 1000)
        engine.inject(queue: 0, at: 1, talk: 60, patience: 50)  // expected wait (0 ahead + 1) x 60 s mean work = 60 s > 50
        engine.inject(queue: 0, at: 2, talk: 60, patience: 5000)  // would wait
        let records = engine.finishedRecords()
        #expect(records[1].outcome == .abandoned && records[1].endOfWait == 9)
        #expect(records[2].outcome == .answered)
        #expect(ReplicationResult(engine: engine, replication: 0).queueTotals[0].balked == 1)
    }
}
