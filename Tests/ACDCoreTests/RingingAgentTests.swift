import ACDCore
import Foundation
import Testing

/// Agents on telephones (the SIP front's agents): a call offered to them rings their phone first; talk starts at their
/// answer, and a phone not answered sends the call back to the head of its queue.
@Suite("Live engine: agents whose phones ring")
struct RingingAgentTests {
    @Test("the call rings the agent's phone; the wait runs on until the answer, and talk starts there")
    func ringThenAnswer() async throws {
        let (live, clock) = await startedLive()
        let ann = try await live.logIn(agent: "ann", group: GroupID(0), rings: true)
        try await live.ready(agent: "ann")
        await clock.advance(to: 2)
        let call = try await live.place(CallRequest(target: .queue(QueueID(0))))
        #expect(call.location == .ringing(QueueID(0), ann))
        #expect(await live.snapshot().agents.first?.state == .ringing)
        #expect(await live.snapshot().queues[0].agents.ringing == 1)
        await clock.advance(to: 9)
        try await live.connect(agent: "ann")
        #expect(await live.location(of: call.id) == .talking(QueueID(0), ann))
        #expect(await live.snapshot().queues[0].today.asa == 7)
        await clock.advance(to: 69)
        try await live.endTalk(agent: "ann")
        await clock.advance(to: 75)
        try await live.endWrapUp(agent: "ann")
        #expect(await live.invariantViolations().isEmpty)
        let records = await live.stopAndCollect()
        let r = try #require(records.first)
        #expect(records.count == 1 && r.outcome == .answered && r.agent == ann)
        #expect(r.queueEntry == 2 && r.endOfWait == 9 && r.talkEnd == 69 && r.wrapUpEnd == 75)
    }

    @Test("no answer: the agent goes not ready (no-answer) and the call keeps its place at the head of the queue")
    func ringNoAnswer() async throws {
        let (live, clock) = await startedLive()
        let first = try await live.place(CallRequest(target: .queue(QueueID(0))))
        await clock.advance(to: 1)
        let second = try await live.place(CallRequest(target: .queue(QueueID(0))))
        let ann = try await live.logIn(agent: "ann", group: GroupID(0), rings: true)
        let bob = try await live.logIn(agent: "bob", group: GroupID(0), rings: true)
        await clock.advance(to: 2)
        try await live.ready(agent: "ann")
        #expect(await live.location(of: first.id) == .ringing(QueueID(0), ann))
        #expect(await live.snapshot().queues[0].waiting == 1)
        await clock.advance(to: 17)
        try await live.ringNoAnswer(agent: "ann", reason: "no-answer")
        #expect(await live.location(of: first.id) == .waiting(QueueID(0)))
        #expect(await live.snapshot().queues[0].waiting == 2)
        let annNow = try #require(await live.snapshot().agents.first { $0.id == ann })
        #expect(annNow.state == .notReady && annNow.reason == "no-answer" && annNow.since == 17)
        await clock.advance(to: 20)
        try await live.ready(agent: "bob")
        // The first caller, not the second, rings bob: they kept their place.
        #expect(await live.location(of: first.id) == .ringing(QueueID(0), bob))
        #expect(await live.location(of: second.id) == .waiting(QueueID(0)))
        await clock.advance(to: 25)
        try await live.connect(agent: "bob")
        #expect(await live.invariantViolations().isEmpty)
        #expect(await live.snapshot().queues[0].today.asa == 25)
        // Ringing or not, the offered count is one per caller.
        #expect(await live.snapshot().queues[0].today.offered == 2)
        let records = await live.stopAndCollect()
        let r = try #require(records.first { $0.id == first.id })
        #expect(r.endOfWait == 25 && r.agent == bob)
    }

    @Test("a ring not answered goes at once to another ready agent; a caller who hangs up while it rings abandons")
    func ringElsewhereAndAbandon() async throws {
        let (live, clock) = await startedLive()
        let ann = try await live.logIn(agent: "ann", group: GroupID(0), rings: true)
        let bob = try await live.logIn(agent: "bob", group: GroupID(0), rings: true)
        try await live.ready(agent: "ann")
        try await live.ready(agent: "bob")
        let call = try await live.place(CallRequest(target: .queue(QueueID(0))))
        #expect(call.location == .ringing(QueueID(0), ann))  // the longest idle first
        await clock.advance(to: 15)
        try await live.ringNoAnswer(agent: "ann", reason: "busy")
        #expect(await live.location(of: call.id) == .ringing(QueueID(0), bob))
        let next = try await live.place(CallRequest(target: .queue(QueueID(0))))
        await clock.advance(to: 21)
        try await live.hangUp(call: call.id)
        // bob is free again and takes the next caller.
        #expect(await live.location(of: next.id) == .ringing(QueueID(0), bob))
        #expect(await live.snapshot().queues[0].today.abandoned == 1)
        #expect(await live.invariantViolations().isEmpty)
        let records = await live.stopAndCollect()
        let r = try #require(records.first { $0.id == call.id })
        #expect(r.outcome == .abandoned && r.endOfWait == 21 && r.agent == nil)
    }

    @Test("answering or refusing a call needs a ringing phone; an agent of the API never rings")
    func ringCommandsNeedRinging() async throws {
        let (live, _) = await startedLive()
        _ = try await live.logIn(agent: "ann", group: GroupID(0), rings: true)
        _ = try await live.logIn(agent: "cat", group: GroupID(0))
        try await live.ready(agent: "cat")
        let call = try await live.place(CallRequest(target: .queue(QueueID(0))))
        #expect(call.location == .talking(QueueID(0), try await live.agent(named: "cat")))
        for body in [{ try await live.connect(agent: "ann") }, { try await live.ringNoAnswer(agent: "cat", reason: "x") }] {
            do {
                try await body()
                Issue.record("a ring command was taken with no phone ringing")
            } catch let error as LiveError {
                #expect(error.code == .wrongState)
            }
        }
    }
}
