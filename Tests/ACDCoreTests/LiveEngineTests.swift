import ACDCore
import Foundation
import Testing

/// A live engine on a manual clock with the small centre, started.
func startedLive(_ model: CentreModel = LiveModels.centre()) async -> (LiveEngine, ManualClock) {
    let clock = ManualClock()
    let live = LiveEngine(model: model, seed: 7, clock: clock)
    await live.start()
    return (live, clock)
}

extension LiveEngine {
    /// Stops the engine and returns every record it wrote.
    func stopAndCollect() async -> [CallRecord] {
        shutdown()
        var out: [CallRecord] = []
        for await record in records { out.append(record) }
        return out
    }
}

@Suite("Live engine: calls and agents by command")
struct LiveEngineTests {
    @Test("a caller keys through the IVR, queues and is answered by an agent who logged in; every time recorded")
    func answeredCall() async throws {
        let (live, clock) = await startedLive()
        _ = try await live.logIn(agent: "ann", group: GroupID(0))
        let placed = try await live.place(CallRequest(target: .entry(EntryID(0)), intent: 0))
        #expect(placed.location == .ivr(node: "main/greeting", awaitingInput: false))
        await clock.advance(to: 5)
        #expect(await live.location(of: placed.id) == .ivr(node: "main/menu", awaitingInput: true))
        #expect(try await live.input(.key("1"), call: placed.id) == .waiting(QueueID(0)))  // ann is not ready yet
        await clock.advance(to: 12)
        try await live.ready(agent: "ann")
        let ann = try await live.agent(named: "ann")
        #expect(await live.location(of: placed.id) == .talking(QueueID(0), ann))
        await clock.advance(to: 112)
        try await live.endTalk(agent: "ann")
        #expect(await live.snapshot().agents.first?.state == .wrapUp)
        await clock.advance(to: 130)
        try await live.endWrapUp(agent: "ann")
        #expect(await live.snapshot().agents.first?.state == .idle)
        let records = await live.stopAndCollect()
        #expect(records.count == 1)
        let r = try #require(records.first)
        #expect(r.id == placed.id && r.outcome == .answered && r.entry == EntryID(0) && r.intent == 0)
        #expect(r.path.map(live.model.flowNodeName) == ["main/greeting", "main/menu", "main/to-billing"])
        #expect(r.queue == QueueID(0) && r.firstQueue == nil && r.agent == ann)
        #expect(r.arrival == 0 && r.ivrExit == 5 && r.queueEntry == 5 && r.endOfWait == 12)
        #expect(r.talkEnd == 112 && r.wrapUpEnd == 130)
    }

    @Test("abandon, deflection, a closed line and a full queue each end as their own record")
    func otherOutcomes() async throws {
        let (live, clock) = await startedLive()
        let waiting = try await live.place(CallRequest(target: .entry(EntryID(0)), intent: 1))
        await clock.advance(to: 5)
        #expect(try await live.input(.key("2"), call: waiting.id) == .waiting(QueueID(1)))
        await clock.advance(to: 35)
        try await live.hangUp(call: waiting.id)
        let deflected = try await live.place(CallRequest(target: .entry(EntryID(0))))
        await clock.advance(to: 40)
        #expect(try await live.input(.silence, call: deflected.id) == .ivr(node: "main/website", awaitingInput: true))
        #expect(try await live.input(.phrase("satisfied"), call: deflected.id) == .ended)
        let closed = try await live.place(CallRequest(target: .entry(EntryID(0))))
        await clock.advance(to: 45)
        #expect(try await live.input(.key("9"), call: closed.id) == .ended)
        // billing holds 50 calls: the 51st hears busy.
        var ids: [CallID] = []
        for _ in 0..<51 { ids.append(try await live.place(CallRequest(target: .queue(QueueID(0)))).id) }
        #expect(await live.location(of: ids[50]) == nil)
        #expect(await live.snapshot().queues[0].waiting == 50)
        #expect(await live.snapshot().queues[0].today.blocked == 1)
        let records = await live.stopAndCollect()
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
        #expect(byID[waiting.id]?.outcome == .abandoned && byID[waiting.id]?.endOfWait == 35)
        #expect(byID[waiting.id]?.queueEntry == 5)
        #expect(byID[deflected.id]?.outcome == .deflected && byID[deflected.id]?.endOfWait == 40)
        #expect(byID[closed.id]?.outcome == .closed)
        #expect(byID[ids[50]]?.outcome == .blocked)
        #expect(records.filter { $0.outcome == .shutdown }.count == 50)
    }

    @Test("every command refuses bad input with a typed error and changes nothing")
    func typedErrors() async throws {
        let (live, clock) = await startedLive(LiveModels.centre(simulatedAgents: 2))
        func code(_ body: () async throws -> Void) async -> LiveError.Code? {
            do {
                try await body()
                return nil
            } catch let error as LiveError {
                return error.code
            } catch {
                return nil
            }
        }
        let ghost = CallID(rawValue: 12_345)
        #expect(await code { try await live.hangUp(call: ghost) } == .unknownCall)
        #expect(await code { _ = try await live.input(.key("1"), call: ghost) } == .unknownCall)
        #expect(await code { try await live.ready(agent: "nobody") } == .unknownAgent)
        #expect(await code { _ = try await live.place(CallRequest(target: .entry(EntryID(3)))) } == .unknownEntry)
        #expect(await code { _ = try await live.place(CallRequest(target: .queue(QueueID(-1)))) } == .unknownQueue)
        #expect(
            await code { _ = try await live.place(CallRequest(target: .queue(QueueID(1)), priority: 2)) } == .badValue)
        #expect(
            await code { _ = try await live.place(CallRequest(target: .entry(EntryID(0)), intent: 9)) }
                == .unknownIntent)
        #expect(await code { _ = try await live.logIn(agent: "bo", group: GroupID(5)) } == .unknownGroup)
        #expect(await code { _ = try await live.logIn(agent: "bo", group: GroupID(1)) } == .wrongState)  // rota team
        _ = try await live.logIn(agent: "ann", group: GroupID(0))
        #expect(await code { _ = try await live.logIn(agent: "ann", group: GroupID(0)) } == .wrongState)
        #expect(await code { try await live.endTalk(agent: "ann") } == .wrongState)  // not ready, not talking
        #expect(await code { try await live.endWrapUp(agent: "ann") } == .wrongState)
        let call = try await live.place(CallRequest(target: .entry(EntryID(0))))
        #expect(await code { _ = try await live.input(.key("1"), call: call.id) } == .notInIVR)  // greeting playing
        await clock.advance(to: 5)
        #expect(await code { _ = try await live.input(.phrase("billing"), call: call.id) } == .inputNotUnderstood)
        let modelled = try await live.place(CallRequest(target: .entry(EntryID(0)), caller: .modelled))
        #expect(await code { _ = try await live.input(.key("1"), call: modelled.id) } == .notInIVR)
        #expect(await code { try await live.hangUp(call: modelled.id) } == .wrongState)
        #expect(await live.invariantViolations() == [])
        #expect(await live.commandsApplied == 3)
        _ = await live.stopAndCollect()
        #expect(await code { _ = try await live.place(CallRequest(target: .queue(QueueID(0)))) } == .shuttingDown)
    }

    @Test("a daemon's limits: too few free records, or too many calls, refuse new calls with overloaded")
    func overloaded() async throws {
        let clock = ManualClock()
        let live = LiveEngine(model: LiveModels.centre(), seed: 7, clock: clock, recordBuffer: 6)
        await live.start()
        let queue = CallRequest(target: .queue(QueueID(0)))
        for _ in 0..<3 {
            let call = try await live.place(queue, reserve: 4, maxCalls: 3)
            try await live.hangUp(call: call.id)  // a record each; nobody reads them
        }
        #expect(await live.recordBufferFree == 3)
        await #expect(throws: LiveError.self) { try await live.place(queue, reserve: 4) }
        do {
            _ = try await live.place(queue, reserve: 4)
        } catch {
            #expect(error.code == .overloaded)
        }
        _ = try await live.place(queue, reserve: 3, maxCalls: 2)
        _ = try await live.place(queue, maxCalls: 2)
        do {
            _ = try await live.place(queue, maxCalls: 2)
            Issue.record("a third call in the system was taken with maxCalls 2")
        } catch {
            #expect(error.code == .overloaded)
        }
        #expect(await live.snapshot(calls: true).calls.count == 2)
    }

    @Test("shutdown ends every call in flight as a record with outcome shutdown")
    func shutdownRecords() async throws {
        let (live, clock) = await startedLive()
        _ = try await live.logIn(agent: "ann", group: GroupID(0))
        try await live.ready(agent: "ann")
        let talking = try await live.place(CallRequest(target: .queue(QueueID(0))))
        let waiting = try await live.place(CallRequest(target: .queue(QueueID(1))))
        let inIVR = try await live.place(CallRequest(target: .entry(EntryID(0))))
        await clock.advance(to: 30)
        let records = await live.stopAndCollect()
        #expect(Set(records.map(\.id)) == [talking.id, waiting.id, inIVR.id])
        #expect(records.allSatisfy { $0.outcome == .shutdown && $0.endOfWait == 30 })
        #expect(records.first { $0.id == talking.id }?.agent != nil)
    }
}

@Suite("Live engine on the wall clock")
struct LiveWallClockTests {
    @Test("a call placed while nothing else is scheduled is routed within the command")
    func routedAtOnce() async throws {
        let live = LiveEngine(model: LiveModels.centre(), seed: 1, clock: WallClock(speed: 1))
        await live.start()
        _ = try await live.logIn(agent: "ann", group: GroupID(0))
        try await live.ready(agent: "ann")
        let started = ContinuousClock.now
        let placed = try await live.place(CallRequest(target: .queue(QueueID(0))))
        let took = ContinuousClock.now - started
        #expect(placed.location == .talking(QueueID(0), try await live.agent(named: "ann")))
        print("place → routed: \(took)")
        _ = await live.stopAndCollect()
    }

    @Test("an idle engine wakes for its next event: a 5 s greeting at 100x ends after 50 ms")
    func wakesOnTime() async throws {
        let live = LiveEngine(model: LiveModels.centre(), seed: 1, clock: WallClock(speed: 100))
        await live.start()
        let placed = try await live.place(CallRequest(target: .entry(EntryID(0))))
        #expect(placed.location == .ivr(node: "main/greeting", awaitingInput: false))
        try await Task.sleep(for: .milliseconds(400))  // 40 simulated seconds: the wake-up at 5 s has come
        #expect(await live.location(of: placed.id) == .ivr(node: "main/menu", awaitingInput: true))
        _ = await live.stopAndCollect()
    }
}
