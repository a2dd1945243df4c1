import Dispatch
import ServiceLifecycle

/// The live engine: the one owner of an ``Engine`` running on a clock, taking commands at any moment.
///
/// An actor whose executor is a serial `DispatchQueue` (``DispatchQueueExecutor``): every command, timer wake-up and
/// snapshot runs there, one at a time, so the engine needs no lock. For every command it advances the engine to
/// the clock's now, applies the command, hands finished calls to ``records`` and re-arms the clock's one timer for
/// the next event. It starts empty or with the model's own callers, runs with no end date (the period repeats, see
/// ``EngineOptions``), keeps today's and the last days' figures, and stops gracefully: calls still in the system end
/// as records with outcome `shutdown`. As a swift-service-lifecycle `Service` it runs until the service group shuts
/// down.
package actor LiveEngine: Service {
    private nonisolated let executor: DispatchQueueExecutor
    package nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    package nonisolated let model: CentreModel
    /// Every finished call, once, in the order calls end. The buffer holds `recordBuffer` records; when the reader
    /// falls that far behind, newer records are dropped and counted in ``recordsDropped`` (a daemon refuses new calls
    /// before that, watching ``recordBufferFree``).
    package nonisolated let records: AsyncStream<CallRecord>
    private let recordSink: AsyncStream<CallRecord>.Continuation
    /// Where events go, in order, on the engine's queue, as they happen (the daemon's event hub).
    private let eventSink: (@Sendable ([LiveEvent]) -> Void)?
    private var nextEventID = 1
    private var engine: Engine
    private let clock: any LiveClock
    private var phase = Phase.created
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []
    private let keepDays: Int

    package private(set) var recordsDropped = 0
    package private(set) var recordBufferFree: Int
    package private(set) var commandsApplied = 0
    /// Why the engine stopped by itself, if it did.
    package private(set) var fault: EngineFault?

    private var agentByName: [String: AgentID] = [:]
    private var agentNames: [AgentID: String] = [:]
    private var notReadyReasons: [AgentID: String] = [:]
    private let intervalsPerDay: Int
    private let cycleDays: Int
    /// The day the clock is in (from 0), the finished days kept, and the IVR outcomes (``outcomeCounts``) at the
    /// start of today and of yesterday.
    package private(set) var day = 0
    private var history: [LiveDay] = []
    private var outcomesAtDayStart: [[Int]]
    private var outcomesAtYesterdayStart: [[Int]]
    /// Per queue, the tallies of the days whose intervals have been reset.
    private var archivedTotals: [QueueTally]

    enum Phase { case created, running, stopped }

    /// - Parameters:
    ///   - options: `endless` for a daemon (the default here); `arrivals` to let the model's own callers in too.
    ///   - recordBuffer: records the stream holds before dropping.
    ///   - keepDays: finished days kept for ``day(_:)``.
    package init(
        model: CentreModel, seed: UInt64, clock: any LiveClock,
        options: EngineOptions = EngineOptions(arrivals: false, endless: true), recordBuffer: Int = 65_536,
        keepDays: Int = 31, label: String = "acd.live", events: (@Sendable ([LiveEvent]) -> Void)? = nil
    ) {
        eventSink = events
        executor = DispatchQueueExecutor(label: label)
        self.model = model
        self.clock = clock
        var engine = Engine(model: model, seed: seed, replication: 0, options: options)
        engine.recordsCalls = true
        engine.reportsEvents = events != nil
        self.engine = engine
        (records, recordSink) = AsyncStream.makeStream(
            of: CallRecord.self, bufferingPolicy: .bufferingOldest(recordBuffer))
        recordBufferFree = recordBuffer
        self.keepDays = keepDays
        let perDay = 86400 / model.intervalLength
        intervalsPerDay = perDay == perDay.rounded() ? Int(perDay) : 0
        cycleDays = intervalsPerDay > 0 ? engine.cycle / intervalsPerDay : 0
        let zero = Array(
            repeating: Array(repeating: 0, count: FlowOutcome.allCases.count),
            count: model.entries.count + model.intents.count)
        outcomesAtDayStart = zero
        outcomesAtYesterdayStart = zero
        archivedTotals = Array(repeating: QueueTally(), count: model.queues.count)
    }

    // MARK: Running

    /// Starts the engine at the clock's now: arms the timer for the first event.
    package func start() {
        guard phase == .created else { return }
        phase = .running
        day = Int(clock.now() / 86400)
        tick()
    }

    /// Runs until the service group shuts down (gracefully: calls in flight end as `shutdown` records), the task is
    /// cancelled, or a simulation's period ends.
    package func run() async throws {
        start()
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await self.waitUntilStopped()
            } onCancel: {
                Task { await self.shutdown() }
            }
        } onGracefulShutdown: {
            Task { await self.shutdown() }
        }
    }

    /// Returns once the engine has stopped.
    package func waitUntilStopped() async {
        if phase == .stopped { return }
        await withCheckedContinuation { stopWaiters.append($0) }
    }

    /// Stops taking commands, ends every call in the system as a record with outcome `shutdown`, and finishes
    /// ``records``.
    package func shutdown() {
        guard phase == .running || phase == .created else { return }
        if phase == .running { catchUp() }
        let t = max(engine.now, clock.now())
        for record in engine.recordsOfCallsInFlight(outcome: .shutdown, at: t) { deliver(record) }
        stop()
    }

    private func stop() {
        phase = .stopped
        clock.stop()
        recordSink.finish()
        for waiter in stopWaiters { waiter.resume() }
        stopWaiters = []
    }

    /// The clock's wake-up: processes every event due, then re-arms.
    package func tick() {
        guard phase == .running else { return }
        catchUp()
        if !engine.endless && engine.nextEventTime == nil {
            stop()  // a simulation's period has ended
            return
        }
        rearm()
    }

    /// The engine itself, once stopped (a simulation paced on the wall clock hands it back for its results).
    package func finishedEngine() -> Engine? { phase == .stopped ? engine : nil }

    private func rearm() {
        clock.arm(at: engine.nextEventTime) { [weak self] in await self?.tick() }
    }

    /// Advances the engine to the clock's now, day by day, rolling the days over on the way; delivers records.
    private func catchUp() {
        let now = clock.now()
        while Double(day + 1) * 86400 <= now {
            engine.advance(through: Double(day + 1) * 86400)
            day += 1
            rollOver()
        }
        engine.advance(through: now)
        deliverRecords()
        if let fault = engine.fault { failGrowth(fault) }
    }

    /// Only queues without a capacity get here; the engine has emptied its calendar. The engine stops with the fault.
    private func failGrowth(_ fault: EngineFault) {
        self.fault = fault
        stop()
    }

    private func deliverRecords() {
        if let eventSink, !engine.events.isEmpty { eventSink(engine.drainEvents().map(named)) }
        guard !engine.records.isEmpty else { return }
        for record in engine.drainRecords() { deliver(record) }
    }

    /// An engine event with names for the API, numbered.
    private func named(_ event: EngineEvent) -> LiveEvent {
        defer { nextEventID += 1 }
        let type: LiveEvent.Kind =
            switch event.kind {
            case .callArrived: .callArrived
            case .callQueued: .callQueued
            case .callAnswered: .callAnswered
            case .callRinging: .callRinging
            case .callEnded: .callEnded
            case .agentState: .agentState
            case .callPrompted: .callPrompted
            case .callPlaying: .callPlaying
            }
        return LiveEvent(
            id: nextEventID, type: type, time: event.time, call: event.call,
            entry: event.entry.map { model.entries[$0.index].name },
            queue: event.queue.map { model.queues[$0.index].name }, agent: event.agent.map(agentName),
            state: event.activity, outcome: event.outcome, step: event.step.map(engine.nodeName),
            expects: event.step.flatMap { engine.flowPlan.inputs[Int($0)]?.kind },
            intent: event.intent.map { engine.model.intents[Int($0)] })
    }

    /// The name an agent goes by: the one they logged in with, or `group/number` for an agent of the rota.
    package func agentName(_ id: AgentID) -> String {
        if let name = agentNames[id] { return name }
        let group = engine.agentState(id).map { model.groups[$0.group.index].name } ?? "agent"
        return "\(group)/\(id.rawValue)"
    }

    private func deliver(_ record: CallRecord) {
        switch recordSink.yield(record) {
        case .enqueued(let remaining): recordBufferFree = remaining
        case .dropped: recordsDropped += 1
        case .terminated: recordsDropped += 1
        @unknown default: recordsDropped += 1
        }
    }

    // MARK: Commands

    /// Brings the engine to now before a command; refuses commands once stopping.
    private func prepare() throws(LiveError) -> Double {
        guard phase == .running else {
            throw LiveError(.shuttingDown, phase == .created ? "the engine has not started" : "the engine has stopped")
        }
        catchUp()
        guard phase == .running else {
            throw LiveError(.shuttingDown, "the engine has stopped: \(fault.map(\.description) ?? "")")
        }
        return max(clock.now(), engine.now)
    }

    /// Runs one command: the engine advanced to now, the command applied at now, records delivered, the timer
    /// re-armed. A refused command changes nothing.
    private func command<T>(_ body: (inout Engine, Double) throws(LiveError) -> T) throws(LiveError) -> T {
        let t = try prepare()
        defer {
            deliverRecords()
            rearm()
        }
        let result = try body(&engine, t)
        commandsApplied += 1
        return result
    }

    /// Places a call; returns its id and where it is now. Refused (`overloaded`) while fewer than `reserve` records
    /// fit in the record stream, or while `maxCalls` calls are in the system.
    package func place(
        _ request: CallRequest, reserve: Int = 0, maxCalls: Int = .max
    ) throws(LiveError) -> (id: CallID, location: CallLocation) {
        guard recordBufferFree >= reserve else {
            throw LiveError(.overloaded, "call records are not being written fast enough; try again")
        }
        guard engine.callsInUse < maxCalls else {
            throw LiveError(.overloaded, "\(engine.callsInUse) calls are in the system, the most this daemon takes")
        }
        return try command { engine, t throws(LiveError) in
            let id = try engine.placeCall(request, at: t)
            return (id, engine.location(of: id) ?? .ended)
        }
    }

    /// A caller's key, phrase or silence; returns where the call is now.
    package func input(_ input: CallerInput, call: CallID) throws(LiveError) -> CallLocation {
        try command { engine, t throws(LiveError) in
            try engine.input(input, call: call, at: t)
            return engine.location(of: call) ?? .ended
        }
    }

    package func hangUp(call: CallID) throws(LiveError) {
        try command { engine, t throws(LiveError) in try engine.hangUp(call: call, at: t) }
    }

    /// Where a call is, or `nil` once it has ended.
    package func location(of call: CallID) -> CallLocation? { engine.location(of: call) }

    // MARK: Agents

    /// Logs an external agent in to `group` (not ready), creating the agent on first log-in under `name`.
    /// `rings`: the agent is on a telephone (the SIP front), so offered calls ring first (``connect(agent:)``,
    /// ``ringNoAnswer(agent:reason:)``); fixed at the agent's first log-in.
    package func logIn(agent name: String, group: GroupID, rings: Bool = false) throws(LiveError) -> AgentID {
        guard !name.isEmpty, name.count <= 64 else { throw LiveError(.badValue, "an agent id has 1 to 64 characters") }
        let known = agentByName[name]
        let id = try command { engine, t throws(LiveError) in
            let id: AgentID
            if let known {
                let group0 = engine.agentState(known)?.group
                guard group0 == group else {
                    throw LiveError(
                        .badValue, "agent \(name) belongs to group #\(group0?.rawValue ?? -1), not #\(group.rawValue)")
                }
                id = known
            } else {
                id = try engine.addExternalAgent(group: group, rings: rings)
            }
            try engine.logIn(agent: id, at: t)
            return id
        }
        agentByName[name] = id
        agentNames[id] = name
        return id
    }

    /// The id of an agent by the name they logged in with.
    package func agent(named name: String) throws(LiveError) -> AgentID {
        guard let id = agentByName[name] else { throw LiveError(.unknownAgent, "no agent '\(name)' has logged in") }
        return id
    }

    package func ready(agent name: String) throws(LiveError) {
        let id = try agent(named: name)
        try command { engine, t throws(LiveError) in try engine.ready(agent: id, at: t) }
        notReadyReasons[id] = nil
    }

    package func notReady(agent name: String, reason: String) throws(LiveError) {
        let id = try agent(named: name)
        try command { engine, t throws(LiveError) in try engine.notReady(agent: id, at: t) }
        notReadyReasons[id] = reason
    }

    package func endTalk(agent name: String) throws(LiveError) {
        let id = try agent(named: name)
        try command { engine, t throws(LiveError) in try engine.endTalk(agent: id, at: t) }
    }

    /// An agent on a telephone answered the call their phone rang with.
    package func connect(agent name: String) throws(LiveError) {
        let id = try agent(named: name)
        try command { engine, t throws(LiveError) in try engine.connect(agent: id, at: t) }
    }

    /// An agent's phone did not answer (`reason`: `no-answer`, `busy`, `unregistered`): not ready with the reason;
    /// the call goes back to the head of its queue.
    package func ringNoAnswer(agent name: String, reason: String) throws(LiveError) {
        let id = try agent(named: name)
        try command { engine, t throws(LiveError) in try engine.ringNoAnswer(agent: id, at: t) }
        notReadyReasons[id] = reason
    }

    package func endWrapUp(agent name: String) throws(LiveError) {
        let id = try agent(named: name)
        try command { engine, t throws(LiveError) in try engine.endWrapUp(agent: id, at: t) }
    }

    package func logOut(agent name: String) throws(LiveError) {
        let id = try agent(named: name)
        try command { engine, t throws(LiveError) in try engine.logOut(agent: id, at: t) }
        notReadyReasons[id] = nil
    }

    // MARK: Reading

    /// The engine's state now; `calls` lists every call in the system too.
    package func snapshot(calls: Bool = false) -> LiveSnapshot {
        if phase == .running { catchUp() }
        let t = phase == .running ? max(clock.now(), engine.now) : engine.now
        let inFlight = calls ? engine.callsInFlight() : []
        return LiveSnapshot(
            time: t, day: day, queues: queueSnapshots(at: t), entries: entrySnapshots(), agents: agentSnapshots(),
            calls: inFlight.map { LiveCall(id: $0.id, location: $0.location, dialled: $0.dialled) },
            recordsDropped: recordsDropped)
    }

    private func queueSnapshots(at t: Double) -> [LiveQueue] {
        let byGroup = engine.agentsByActivity()
        let today = todayTallies()
        let todayTypes = since(outcomesAtDayStart, outcomeCounts).dropFirst(model.entries.count)
        return model.queues.indices.map { q in
            let id = QueueID(q)
            var counts = AgentCounts()
            for g in Set(engine.groupsServing(queue: id)) { counts.add(byGroup[g.index]) }
            return LiveQueue(
                id: id, name: model.queues[q].name, waiting: engine.waitingCalls(queue: id),
                longestWait: engine.longestWait(queue: id, at: t), agents: counts,
                today: QueueDay(
                    tally: today[q], queue: model.queues[q], definitions: model.definitions,
                    ivr: ivrOutcomes(queue: q, types: todayTypes)))
        }
    }

    /// How IVR visits ended so far: a row per entry, then a row per caller type (`FlowOutcome.rawValue` columns).
    private var outcomeCounts: [[Int]] { engine.flowTallies.outcomes + engine.flowTallies.typeOutcomeRows }

    /// `end - start`, row by row.
    private func since(_ start: [[Int]], _ end: [[Int]]) -> [[Int]] {
        zip(end, start).map { zip($0, $1).map { $0 - $1 } }
    }

    /// The outcomes of the caller types queue `q` serves (all when it lists none), from per-type rows.
    private func ivrOutcomes(queue q: Int, types: ArraySlice<[Int]>) -> [Int] {
        let serves = model.queues[q].serves
        var sum = Array(repeating: 0, count: FlowOutcome.allCases.count)
        for (k, row) in zip(types.indices, types) where serves.isEmpty || serves.contains(k - types.startIndex) {
            for o in row.indices { sum[o] += row[o] }
        }
        return sum
    }

    /// Today's tallies per queue, summed over today's intervals.
    private func todayTallies() -> [QueueTally] { engine.queueTotals(intervals: dayRange(day)) }

    /// The intervals of the period that day `d` uses (empty when the interval does not divide a day).
    private func dayRange(_ d: Int) -> Range<Int> {
        guard cycleDays > 0 else { return 0..<0 }
        let start = (d % cycleDays) * intervalsPerDay
        return start..<(start + intervalsPerDay)
    }

    private func entrySnapshots() -> [LiveEntry] {
        entrySnapshots(outcomes: Array(since(outcomesAtDayStart, outcomeCounts).prefix(model.entries.count)))
    }

    /// Per entry, its figures from its outcomes (`[entry][FlowOutcome.rawValue]`).
    private func entrySnapshots(outcomes: [[Int]]) -> [LiveEntry] {
        model.entries.indices.map { e in
            let o = outcomes[e]
            func n(_ outcome: FlowOutcome) -> Int { o[Int(outcome.rawValue)] }
            let callers = o.reduce(0, +)
            let contained = n(.selfServed) + n(.deflected)
            return LiveEntry(
                id: EntryID(e), name: model.entries[e].name, callers: callers, queued: n(.queued),
                selfServed: n(.selfServed), deflected: n(.deflected), transferred: n(.transferred), closed: n(.closed),
                hungUp: n(.hungUp), deflection: callers > 0 ? Double(contained) / Double(callers) : 0)
        }
    }

    private func agentSnapshots() -> [LiveAgent] {
        (0..<engine.agentCount).compactMap { a in
            let id = AgentID(a)
            guard let state = engine.agentState(id) else { return nil }
            return LiveAgent(
                id: id, name: agentNames[id], group: model.groups[state.group.index].name, state: state.activity,
                since: state.since, call: state.call, reason: state.activity == .notReady ? notReadyReasons[id] : nil)
        }
    }

    /// A day's per-interval tallies: today's and yesterday's from the engine (still settling: calls that arrived
    /// then may still be waiting), earlier ones from the kept days; `nil` for a day not kept.
    package func day(_ d: Int) -> LiveDay? {
        if phase == .running { catchUp() }
        if d == day || (d == day - 1 && cycleDays > 1) {
            let start = d == day ? outcomesAtDayStart : outcomesAtYesterdayStart
            let end = d == day ? outcomeCounts : outcomesAtDayStart
            return liveDay(d, queues: engine.queueTallies(intervals: dayRange(d)), outcomes: since(start, end))
        }
        return history.first { $0.day == d }
    }

    /// The snapshot with day `d`'s figures (a kept day, or today or yesterday) in place of today's; `nil` for a day
    /// not kept.
    package func snapshot(day d: Int) -> LiveSnapshot? {
        guard let figures = day(d) else { return nil }
        var s = snapshot()
        s.day = d
        for q in s.queues.indices {
            var total = QueueTally()
            for tally in figures.queues[q] { total.add(tally) }
            s.queues[q].today = QueueDay(
                tally: total, queue: model.queues[q], definitions: model.definitions,
                ivr: ivrOutcomes(queue: q, types: figures.typeOutcomes[...]))
        }
        s.entries = entrySnapshots(outcomes: figures.entryOutcomes)
        return s
    }

    /// The days kept, oldest first.
    package var keptDays: [Int] { history.map(\.day) }

    /// A new day has begun: the day before yesterday is final (its calls have long ended), so it is kept and its
    /// intervals start again from zero for when the period comes round to them.
    private func rollOver() {
        let lag = cycleDays > 1 ? 2 : 1
        let finished = day - lag
        let entryNow = outcomeCounts
        if finished >= 0 && cycleDays > 0 {
            let start = lag == 2 ? outcomesAtYesterdayStart : outcomesAtDayStart
            let end = lag == 2 ? outcomesAtDayStart : entryNow
            let queues = engine.queueTallies(intervals: dayRange(finished))
            engine.resetQueueTallies(intervals: dayRange(finished))
            for q in queues.indices { for tally in queues[q] { archivedTotals[q].add(tally) } }
            history.append(liveDay(finished, queues: queues, outcomes: since(start, end)))
            if history.count > keepDays { history.removeFirst(history.count - keepDays) }
        }
        outcomesAtYesterdayStart = outcomesAtDayStart
        outcomesAtDayStart = entryNow
    }

    /// A day's figures from its queue tallies and its ``outcomeCounts`` rows.
    private func liveDay(_ d: Int, queues: [[QueueTally]], outcomes: [[Int]]) -> LiveDay {
        let entries = model.entries.count
        return LiveDay(
            day: d, queues: queues, entryOutcomes: Array(outcomes.prefix(entries)),
            typeOutcomes: Array(outcomes.dropFirst(entries)))
    }

    /// Per entry, how callers' IVR visits ended since the start (indexed by `FlowOutcome.rawValue`).
    package func entryTotals() -> [[Int]] {
        if phase == .running { catchUp() }
        return engine.flowTallies.outcomes
    }

    /// Per group, agents by state (indexed by `AgentActivity.rawValue`).
    package func agentsByGroup() -> [[Int]] { engine.agentsByActivity() }

    /// The names of external agents, by id.
    package var agentNamesByID: [AgentID: String] { agentNames }

    /// The engine's time now.
    package var now: Double { phase == .running ? max(clock.now(), engine.now) : engine.now }

    /// Takes the flows of `newModel` for new calls; calls in progress finish on the flows they started on. Refused
    /// (nothing changes) when anything but the flows differs.
    package func reload(model newModel: CentreModel) throws(LiveError) {
        try command { engine, _ throws(LiveError) in try engine.reloadFlows(from: newModel) }
    }

    /// The engine's invariants (tests call this after every command).
    package func invariantViolations() -> [String] { engine.invariantViolations() }

    /// The running totals per queue since the start (for counters).
    package func totals() -> [QueueTally] {
        zip(archivedTotals, engine.queueTotals(intervals: 0..<model.intervalCount)).map { archived, live in
            var total = archived
            total.add(live)
            return total
        }
    }
}
