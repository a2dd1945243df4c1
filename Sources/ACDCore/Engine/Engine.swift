import Foundation

/// The discrete-event simulation of one replication of a contact centre.
///
/// All state lives in flat arrays indexed by integer ids: calls in recycled slots, agents, groups, queues. Processing
/// an event allocates nothing once the arrays have grown to the run's peak. The engine does not know what time it
/// is outside of its calendar: a ``SimulatedClock`` runs it event after event, a ``WallClock`` paces it against real
/// time. Both call the same ``advance(through:)``.
package struct Engine: Sendable {
    // MARK: Static model, flattened
    /// The model; a reload (``reloadFlows(from:)``) adds flows to it.
    package internal(set) var model: CentreModel
    /// How many times flows were reloaded.
    package internal(set) var reloads = 0
    let intervalLength: Double
    let intervalCount: Int
    let horizon: Double
    let warmup: Double
    let shortAbandonThreshold: Double
    let queueCount: Int
    let groupCount: Int
    /// Live engines run with no end date: time past the period wraps round to its start (``cycle``).
    package let endless: Bool
    /// Intervals of one turn of the period: the whole period for a simulation; for an endless engine the period cut
    /// to whole weeks (or whole days, if shorter than a week), so weekdays stay weekdays as it repeats.
    package let cycle: Int
    var queueCapacity: ContiguousArray<Int>
    /// Call slots at most: beyond it the run stops with ``fault`` (only queues without capacity can get there).
    var maxCallSlots: Int
    /// Why the run stopped early, if it did.
    package internal(set) var fault: EngineFault?

    var queueHandle: ContiguousArray<Distribution>
    var queuePatience: ContiguousArray<Distribution>
    var queueHasPatience: ContiguousArray<Bool>
    var queuePriority: ContiguousArray<Int>
    var queueStrategy: ContiguousArray<RoutingStrategy>
    var queueThreshold: ContiguousArray<Double>
    var queueRedial: ContiguousArray<Redial?>
    /// `[queue * intents + intent]`: whether the queue serves the intent (all true for a queue serving any).
    var queueServes: ContiguousArray<Bool>
    var queueMisrouteHandle: ContiguousArray<Distribution>
    /// Per intent, the first queue that serves it by name (-1: none does).
    var intentQueue: ContiguousArray<Int>
    /// The model's own callers: each queue's and entry's arrival process.
    var arrivals: ArrivalProcess
    /// Groups that may answer each queue, `eligibility[eligibilityStart[q] ..< eligibilityStart[q + 1]]`, best level
    /// first.
    var eligibility: ContiguousArray<Eligibility>
    var eligibilityStart: ContiguousArray<Int>
    /// Queues each group answers, `groupSkills[groupSkillStart[g] ..< groupSkillStart[g + 1]]`, best level first,
    /// then by queue priority; `Skill.queue` holds the queue.
    var groupSkills: ContiguousArray<Skill>
    var groupSkillStart: ContiguousArray<Int>
    var groupWrapUp: ContiguousArray<Distribution>
    /// Intervals at which some group's headcount changes.
    var rotaChanges: ContiguousArray<Int>
    /// The model's flows flattened (Engine+Flow.swift).
    var flowPlan: FlowPlan

    // MARK: Dynamic state
    package internal(set) var now: Double = 0
    package internal(set) var eventsProcessed = 0
    var calendar = EventCalendar()
    var agents: ContiguousArray<AgentState>
    var groups: ContiguousArray<GroupState>
    var calls: ContiguousArray<CallSlot> = []
    var freeCalls: ContiguousArray<Int32> = []
    /// Waiting calls, one ring per queue and priority class: `waiting[ringBase[q] + class]`.
    var waiting: ContiguousArray<CallRing>
    var ringBase: ContiguousArray<Int>
    var priorityClasses: ContiguousArray<Int>
    /// Live waiting calls per ring (the rings may also hold entries of calls that have gone).
    var ringCount: ContiguousArray<Int>
    /// Live waiting calls per queue.
    var waitingCount: ContiguousArray<Int>
    var queueCallback: ContiguousArray<CallbackOffer?>
    var queueAnnouncement: ContiguousArray<Announcement?>
    /// Mean talk plus wrap-up per queue, for expected-wait announcements.
    var queueMeanWork: ContiguousArray<Double>
    var roundRobinCursor: ContiguousArray<Int>
    var nextRotaChange = 0
    /// Start of the current turn of the period (endless engines), and the rota interval in force.
    var rotaTurnStart = 0.0
    var rotaInterval = -1
    var nextSerial = 0
    var departureRequests: [[Double]]

    // MARK: Random streams
    var serviceStreams: ContiguousArray<RandomStream>
    var patienceStreams: ContiguousArray<RandomStream>
    /// Per group, so a change to one team's work does not reshuffle another's wrap-up times.
    var wrapUpStreams: ContiguousArray<RandomStream>
    /// Per queue, likewise.
    var redialStreams: ContiguousArray<RandomStream>
    var routingStream: RandomStream
    /// Step durations, hang-ups and routing choices inside flows.
    var flowStream: RandomStream
    /// Intents and IVR patience of callers, per entry.
    var callerStreams: ContiguousArray<RandomStream>

    // MARK: Results
    package internal(set) var queueTallies: ContiguousArray<QueueTally>
    package internal(set) var groupTallies: ContiguousArray<GroupTally>
    package internal(set) var waitHistograms: [WaitHistogram]
    package internal(set) var flowTallies: FlowTallies
    /// When on, every offered call leaves a ``CallRecord`` in ``records`` (drain it with ``drainRecords()``).
    package var recordsCalls: Bool {
        get { recording }
        set { setRecording(newValue) }
    }
    var recording = false
    package internal(set) var records: [CallRecord] = []
    /// Calls' and agents' moments, while recording (``drainEvents()``).
    var events: [EngineEvent] = []
    /// When on, calls' and agents' moments are kept as ``EngineEvent``s (drain them with ``drainEvents()``).
    package var reportsEvents = false
    /// Per call slot, the IVR nodes visited (only while ``recordsCalls`` is on).
    var callPaths: [[Int32]] = []
    /// Per agent, the record of a call whose wrap-up is still running (external agents end it by command).
    var wrapUpRecords: [CallRecord?] = []

    /// Builds a replication's engine. The model must have no ``CentreModel/problems()``.
    package init(model: CentreModel, seed: UInt64, replication: Int, options: EngineOptions = EngineOptions()) {
        precondition(model.problems().isEmpty, "invalid model: \(model.problems().joined(separator: "; "))")
        self.model = model
        intervalLength = model.intervalLength
        intervalCount = model.intervalCount
        endless = options.endless
        cycle = options.endless ? EngineOptions.cycle(of: model) : model.intervalCount
        horizon = options.endless ? .infinity : model.horizon
        warmup = options.endless ? 0 : model.warmup
        queueCapacity = ContiguousArray(model.queues.map(\.capacity))
        maxCallSlots = options.maxCallSlots
        shortAbandonThreshold = model.definitions.shortAbandonThreshold
        queueCount = model.queues.count
        groupCount = model.groups.count

        queueHandle = ContiguousArray(model.queues.map(\.handleTime))
        queuePatience = ContiguousArray(model.queues.map { $0.patience ?? .deterministic(.infinity) })
        queueHasPatience = ContiguousArray(model.queues.map { $0.patience != nil })
        queuePriority = ContiguousArray(model.queues.map(\.priority))
        queueStrategy = ContiguousArray(model.queues.map(\.strategy))
        queueThreshold = ContiguousArray(model.queues.map(\.targets.serviceLevelThreshold))
        queueRedial = ContiguousArray(model.queues.map(\.redial))
        (queueServes, intentQueue) = Self.intentRouting(model)
        queueMisrouteHandle = ContiguousArray(model.queues.map(\.misrouteHandle))
        flowPlan = FlowPlan(model: model)
        flowTallies = FlowTallies(model: model, plan: flowPlan)

        (eligibility, eligibilityStart) = Self.eligibilityTable(model)
        (groupSkills, groupSkillStart) = Self.skillTable(model)
        groupWrapUp = ContiguousArray(model.groups.map(\.wrapUp))
        rotaChanges = Self.changeIntervals(model, cycle: cycle)
        (agents, groups) = Self.offShiftAgents(model)
        departureRequests = Array(repeating: [], count: model.groups.count)
        priorityClasses = ContiguousArray(model.queues.map { max(1, $0.priorityClasses) })
        let rings: Int
        (ringBase, rings) = Self.ringLayout(priorityClasses)
        waiting = ContiguousArray(repeating: CallRing(), count: rings)
        ringCount = ContiguousArray(repeating: 0, count: rings)
        waitingCount = ContiguousArray(repeating: 0, count: model.queues.count)
        queueCallback = ContiguousArray(model.queues.map(\.callback))
        queueAnnouncement = ContiguousArray(model.queues.map(\.announcement))
        queueMeanWork = Self.meanWork(model)
        roundRobinCursor = ContiguousArray(repeating: -1, count: model.queues.count)

        arrivals = ArrivalProcess(model: model, seed: seed, replication: replication, cycle: cycle, endless: endless)
        func streams(_ purpose: StreamPurpose, _ count: Int) -> ContiguousArray<RandomStream> {
            ContiguousArray((0..<count).map {
                RandomStream(seed: seed, replication: replication, purpose: purpose, index: $0)
            })
        }
        serviceStreams = streams(.service, model.queues.count)
        patienceStreams = streams(.patience, model.queues.count)
        wrapUpStreams = streams(.wrapUp, model.groups.count)
        redialStreams = streams(.redial, model.queues.count)
        routingStream = RandomStream(seed: seed, replication: replication, purpose: .routing)
        flowStream = RandomStream(seed: seed, replication: replication, purpose: .flow)
        callerStreams = streams(.callerChoice, model.entries.count)

        queueTallies = ContiguousArray(repeating: QueueTally(), count: model.queues.count * model.intervalCount)
        groupTallies = ContiguousArray(repeating: GroupTally(), count: model.groups.count * model.intervalCount)
        waitHistograms = Array(repeating: WaitHistogram(), count: model.queues.count)
        start(arrivals: options.arrivals)
    }

    /// Schedules the first events: every source's first arrival (unless arrivals come by command) and the rota.
    private mutating func start(arrivals: Bool) {
        for g in model.groups.indices where model.groups[g].external {
            // External agents join by command; the rota's head count does not apply to them.
            precondition(model.groups[g].rota.peak == 0, "group \(model.groups[g].name): external agents have no rota")
        }
        if arrivals {
            for source in 0..<(queueCount + model.entries.count) {
                scheduleNextArrival(source: source, after: 0)
            }
        }
        if !rotaChanges.isEmpty { calendar.schedule(.rotaChange, at: 0, subject: 0) }
    }

    /// Per queue and intent, whether the queue serves the intent (a queue that names none serves all); per intent,
    /// the first queue that names it (-1 if none does), where a misrouted call of that intent belongs.
    static func intentRouting(_ model: CentreModel) -> (ContiguousArray<Bool>, ContiguousArray<Int>) {
        let intentCount = model.intents.count
        let serves = ContiguousArray(model.queues.flatMap { queue in
            (0..<intentCount).map { queue.serves.isEmpty || queue.serves.contains($0) }
        })
        let home = ContiguousArray((0..<intentCount).map { k in
            model.queues.firstIndex { $0.serves.contains(k) } ?? -1
        })
        return (serves, home)
    }

    /// Per queue, the groups that may answer it (``eligibilityStart`` gives each queue's range), by skill level and
    /// then group.
    static func eligibilityTable(_ model: CentreModel) -> (ContiguousArray<Eligibility>, ContiguousArray<Int>) {
        var byQueue = Array(repeating: [(group: Int, skill: Skill)](), count: model.queues.count)
        for (g, group) in model.groups.enumerated() {
            for skill in group.skills { byQueue[skill.queue].append((g, skill)) }
        }
        var table: ContiguousArray<Eligibility> = []
        var start: ContiguousArray<Int> = [0]
        for entries in byQueue {
            let sorted = entries.sorted { ($0.skill.level, $0.group) < ($1.skill.level, $1.group) }
            for entry in sorted {
                table.append(Eligibility(group: entry.group, level: entry.skill.level, delay: entry.skill.delay))
            }
            start.append(table.count)
        }
        return (table, start)
    }

    /// Per group, the queues it answers in the order it looks at them (skill level, then queue priority, highest
    /// first, then queue); ``groupSkillStart`` gives each group's range.
    static func skillTable(_ model: CentreModel) -> (ContiguousArray<Skill>, ContiguousArray<Int>) {
        var table: ContiguousArray<Skill> = []
        var start: ContiguousArray<Int> = [0]
        for group in model.groups {
            let sorted = group.skills.sorted {
                ($0.level, -model.queues[$0.queue].priority, $0.queue)
                    < ($1.level, -model.queues[$1.queue].priority, $1.queue)
            }
            table.append(contentsOf: sorted)
            start.append(table.count)
        }
        return (table, start)
    }

    /// The intervals of the cycle where some group's head count changes (the first always).
    static func changeIntervals(_ model: CentreModel, cycle: Int) -> ContiguousArray<Int> {
        ContiguousArray((0..<cycle).filter { i in
            i == 0 || model.groups.contains { $0.rota.headcount[i] != $0.rota.headcount[i - 1] }
        })
    }

    /// Every group's agents, as many as its rota's peak, all off shift: each group's off-shift list holds its own.
    static func offShiftAgents(_ model: CentreModel) -> (ContiguousArray<AgentState>, ContiguousArray<GroupState>) {
        var agents: ContiguousArray<AgentState> = []
        var groups: ContiguousArray<GroupState> = []
        for (g, group) in model.groups.enumerated() {
            var state = GroupState()
            for _ in 0..<group.rota.peak {
                let a = Int32(agents.count)
                agents.append(AgentState(group: Int32(g), next: state.offShiftHead))
                state.offShiftHead = a
            }
            groups.append(state)
        }
        return (agents, groups)
    }

    /// Where each queue's rings (one per priority class) start in ``waiting``, and how many rings there are.
    static func ringLayout(_ priorityClasses: ContiguousArray<Int>) -> (ContiguousArray<Int>, Int) {
        var base: ContiguousArray<Int> = []
        var rings = 0
        for classes in priorityClasses {
            base.append(rings)
            rings += classes
        }
        return (base, rings)
    }

    /// Per queue, the mean work a call brings: its handle time and the mean wrap-up of the groups that answer it.
    static func meanWork(_ model: CentreModel) -> ContiguousArray<Double> {
        ContiguousArray(model.queues.indices.map { q in
            let groups = model.groups.filter { $0.skills.contains { $0.queue == q } }
            let wrap = groups.isEmpty ? 0 : groups.map(\.wrapUp.mean).reduce(0, +) / Double(groups.count)
            return model.queues[q].handleTime.mean + wrap
        })
    }

    // MARK: Running

    /// The time of the next pending event; `nil` once the run is over.
    package var nextEventTime: Double? { calendar.nextTime }

    /// Processes every event due at or before `time`, in order, and leaves ``now`` at the last one processed.
    package mutating func advance(through time: Double) {
        while let next = calendar.nextTime, next <= time {
            let event = calendar.popNext().unsafelyUnwrapped
            process(event)
        }
    }

    /// Processes events until none is left.
    package mutating func runToCompletion() {
        while let event = calendar.popNext() { process(event) }
    }

    mutating func process(_ event: Event) {
        now = event.time
        eventsProcessed &+= 1
        switch event.kind {
        case .arrival: arrive(source: Int(event.subject), at: event.time)
        case .abandon: abandon(call: event.subject, generation: event.tag, at: event.time)
        case .talkEnd:
            // A talk cut short by the caller leaves its scheduled end behind: the agent's epoch has moved on.
            if agents[Int(event.subject)].epoch == event.tag { endTalk(agent: Int(event.subject), at: event.time) }
        case .wrapUpEnd: agentFinished(agent: Int(event.subject), at: event.time)
        case .overflow: overflow(call: event.subject, generation: event.tag, at: event.time)
        case .rotaChange: changeRota(at: event.time)
        case .redial: offer(queue: Int(event.subject), at: event.time, attempt: Int(event.tag))
        case .injected: admit(call: event.subject, at: event.time)
        case .flowStep: leaveFlow(call: event.subject, generation: event.tag, at: event.time)
        case .repeatCall: enterFlow(entry: Int(event.subject), at: event.time, intent: Int(event.tag))
        case .callbackOffer: offerCallback(call: event.subject, generation: event.tag, at: event.time)
        case .flowAdvance: passStep(call: event.subject, generation: event.tag, at: event.time)
        }
    }

    /// Hands over the call records gathered so far and forgets them.
    package mutating func drainRecords() -> [CallRecord] {
        defer { records.removeAll(keepingCapacity: true) }
        return records
    }

    // MARK: Arrivals

    /// Schedules the source's next arrival after `time` (``ArrivalProcess/next(source:after:)``).
    @inline(__always)
    mutating func scheduleNextArrival(source q: Int, after time: Double) {
        if let at = arrivals.next(source: q, after: time) { calendar.schedule(.arrival, at: at, subject: Int32(q)) }
    }

    /// The next caller of an arrival source: a queue's own arrivals, or a number leading into a flow.
    mutating func arrive(source: Int, at t: Double) {
        scheduleNextArrival(source: source, after: t)
        if source < queueCount {
            offer(queue: source, at: t, attempt: 0)
        } else {
            enterFlow(entry: source - queueCount, at: t)
        }
    }

    /// The interval of the period that time `t` falls in: times past a simulation's end count in its last interval;
    /// an endless engine's go round the period again.
    @inline(__always)
    package func intervalIndex(_ t: Double) -> Int { periodInterval(Int(t / intervalLength)) }

    /// The interval of the period that the `n`-th interval from the start falls in (see ``intervalIndex(_:)``).
    @inline(__always)
    func periodInterval(_ n: Int) -> Int {
        if n < cycle { return n }
        return endless ? n % cycle : intervalCount - 1
    }

    /// Schedules a call straight into queue `q` at time `t` (a scripted call in a test), with its talk time and
    /// patience given rather than drawn. Commands from outside go through ``placeCall(_:at:)`` instead.
    package mutating func inject(
        queue q: Int, at t: Double, talk: Double, patience: Double = .infinity, priority: Int = 0
    ) {
        let c = allocateCall()
        calls[Int(c)].queue = Int32(q)
        calls[Int(c)].talk = talk
        calls[Int(c)].patience = patience
        calls[Int(c)].attempt = 0
        calls[Int(c)].priority = UInt8(clamping: priority)
        calls[Int(c)].state = .scheduled
        calendar.schedule(.injected, at: t, subject: c, tag: calls[Int(c)].generation)
    }

    mutating func admit(call c: Int32, at t: Double) {
        let q = Int(calls[Int(c)].queue)
        enter(call: c, queue: q, at: t, talk: calls[Int(c)].talk, patience: calls[Int(c)].patience, attempt: 0)
    }

    /// A call from the model's arrivals (or a redial) joins queue `q`, with its talk time and patience drawn now.
    mutating func offer(queue q: Int, at t: Double, attempt: Int) {
        let talk: Double
        let patience: Double
        if attempt == 0 {
            (talk, patience) = drawWork(queue: q, external: false)
        } else {
            talk = queueHandle[q].sample(&redialStreams[q])
            patience = queueHasPatience[q] ? queuePatience[q].sample(&redialStreams[q]) : .infinity
        }
        enter(call: allocateCall(), queue: q, at: t, talk: talk, patience: patience, attempt: attempt)
    }

    /// A first offer's talk time and patience at queue `q`, drawn in that order from the queue's streams. A live
    /// (external) caller's patience is their own: they hang up by command, so they never abandon by themselves.
    @inline(__always)
    mutating func drawWork(queue q: Int, external: Bool) -> (talk: Double, patience: Double) {
        let talk = queueHandle[q].sample(&serviceStreams[q])
        let patience =
            queueHasPatience[q] && !external ? queuePatience[q].sample(&patienceStreams[q]) : .infinity
        return (talk, patience)
    }

    /// The call joins queue `q`: answered at once by an idle agent, or queued with its patience running.
    @inline(__always)
    mutating func enter(
        call c: Int32, queue q: Int, at t: Double, talk: Double, patience: Double, attempt: Int, keepSerial: Bool = false
    ) {
        let interval = intervalIndex(t)
        let counted = t >= warmup
        calls.withUnsafeMutableBufferPointer { slots in
            slots[Int(c)].queue = Int32(q)
            slots[Int(c)].interval = Int32(interval)
            slots[Int(c)].arrival = t
            slots[Int(c)].talk = talk
            slots[Int(c)].counted = counted
            slots[Int(c)].attempt = UInt8(truncatingIfNeeded: attempt)
            // A caller from a flow keeps the number it got on dialling; a transferred caller keeps its number too.
            if slots[Int(c)].state != .inFlow && !keepSerial {
                slots[Int(c)].serial = nextSerial
                slots[Int(c)].dialled = t
                nextSerial &+= 1
            }
            slots[Int(c)].state = .waiting
        }
        let agent = idleAgent(forQueue: q)
        if agent < 0 && waitingCount[q] >= queueCapacity[q] {
            block(call: c, queue: q, at: t)
            return
        }
        if counted {
            queueTallies[q * intervalCount + interval].offered &+= 1
            if attempt > 0 { queueTallies[q * intervalCount + interval].redials &+= 1 }
        }
        note(.callQueued, call: c, at: t)
        if agent >= 0 {
            answer(call: c, agent: agent, at: t)
            return
        }
        if counted { queueTallies[q * intervalCount + interval].queued &+= 1 }
        let generation = calls[Int(c)].generation
        let position = waitingCount[q]  // callers ahead
        let ring = ringBase[q] + min(Int(calls[Int(c)].priority), priorityClasses[q] - 1)
        waiting[ring].push(call: c, generation: generation)
        ringCount[ring] &+= 1
        waitingCount[q] &+= 1
        var patience = patience
        if let announcement = queueAnnouncement[q] {
            // Callers told they will wait longer than they would hang up after hearing it.
            if patience < expectedWait(queue: q, position: position) {
                patience = min(patience, announcement.duration)
                calls[Int(c)].balking = true
            }
        }
        if patience.isFinite {
            calendar.schedule(.abandon, at: t + patience, subject: c, tag: generation)
        }
        if let offer = queueCallback[q], !calls[Int(c)].balking {
            if let k = offer.position, position + 1 >= k {
                calendar.schedule(.callbackOffer, at: t, subject: c, tag: generation)
            } else if let after = offer.after, after < patience {
                calendar.schedule(.callbackOffer, at: t + after, subject: c, tag: generation)
            }
        }
        var e = eligibilityStart[q]
        let end = eligibilityStart[q + 1]
        while e < end {
            let skill = eligibility[e]
            if skill.delay > 0 && skill.delay < patience {
                calendar.schedule(.overflow, at: t + skill.delay, subject: c, tag: generation)
            }
            e += 1
        }
    }

    mutating func allocateCall() -> Int32 {
        if let c = freeCalls.popLast() {
            calls.withUnsafeMutableBufferPointer { slots in
                slots[Int(c)].generation &+= 1
                slots[Int(c)].intent = -1
                slots[Int(c)].entry = -1
                slots[Int(c)].misrouted = false
                slots[Int(c)].priority = 0
                slots[Int(c)].callback = false
                slots[Int(c)].balking = false
                slots[Int(c)].external = false
                slots[Int(c)].firstQueue = -1
                slots[Int(c)].agent = -1
                slots[Int(c)].ivrExit = -1
            }
            if recordsCalls { callPaths[Int(c)].removeAll(keepingCapacity: true) }
            return c
        }
        if calls.count >= maxCallSlots { growthFault() }
        calls.append(CallSlot())
        if recordsCalls { callPaths.append([]) }
        return Int32(calls.count - 1)
    }

    /// More calls are in the system at once than any queue capacity allows: stop the run, naming the fullest queue.
    mutating func growthFault() {
        guard fault == nil else { return }
        let q = waitingCount.indices.max { waitingCount[$0] < waitingCount[$1] } ?? 0
        fault = EngineFault(queue: QueueID(q), time: now, calls: calls.count)
        calendar.storage.removeAll()
    }

    /// The queue is full: the caller hears busy, is counted as blocked and the call ends.
    mutating func block(call c: Int32, queue q: Int, at t: Double) {
        let slot = calls[Int(c)]
        if slot.counted { queueTallies[q * intervalCount + Int(slot.interval)].blocked &+= 1 }
        if recordsCalls { emit(record(of: c, outcome: .blocked, at: t)) }
        releaseCall(c)
    }

    @inline(__always)
    mutating func releaseCall(_ c: Int32) {
        calls[Int(c)].state = .free
        freeCalls.append(c)
    }

    // MARK: Answer, talk, wrap-up

    /// Agent `a` takes call `c`: at once, or, for an agent on a telephone, once their phone is answered.
    @inline(__always)
    mutating func answer(call c: Int32, agent a: Int, at t: Double) {
        if agents[a].rings {
            ring(call: c, agent: a, at: t)
            return
        }
        connect(call: c, agent: a, at: t)
    }

    /// Offers call `c` to agent `a` on a telephone: the agent's phone rings (the front dials it on the
    /// `callRinging` event); the caller still waits. ``connect(agent:at:)`` or ``ringNoAnswer(agent:at:)`` follows.
    mutating func ring(call c: Int32, agent a: Int, at t: Double) {
        calls[Int(c)].state = .ringing
        calls[Int(c)].agent = Int32(a)
        agents[a].activity = .ringing
        agents[a].call = c
        agents[a].since = t
        note(.callRinging, call: c, at: t)
        noteAgent(a, at: t)
    }

    /// The agent talks to the caller from `t`: the wait ends here.
    mutating func connect(call c: Int32, agent a: Int, at t: Double) {
        var slot = calls[Int(c)]
        let q = Int(slot.queue)
        let wait = t - slot.arrival
        calls[Int(c)].state = .answered
        if slot.callback {
            slot.talk += queueCallback[q]?.dialTime ?? 0
            calls[Int(c)].talk = slot.talk
            if slot.counted { queueTallies[q * intervalCount + Int(slot.interval)].callbacksMade &+= 1 }
        }
        let wrongQueue = slot.intent >= 0 && !queueServes[q * intentQueue.count + Int(slot.intent)]
        if wrongQueue && intentQueue[Int(slot.intent)] >= 0 {
            // The wrong queue: the agent finds out, deals with it briefly and transfers the caller.
            slot.talk = queueMisrouteHandle[q].sample(&serviceStreams[q])
            calls[Int(c)].talk = slot.talk
            calls[Int(c)].misrouted = true
            if slot.counted { queueTallies[q * intervalCount + Int(slot.interval)].misrouted &+= 1 }
            if slot.counted && slot.entry >= 0 { flowTallies.misrouted[Int(slot.entry)] &+= 1 }
        } else if wrongQueue && slot.counted {
            // No queue serves the caller's intent: answered here, with nowhere to transfer them; counted so.
            queueTallies[q * intervalCount + Int(slot.interval)].unserved &+= 1
        }
        calls[Int(c)].agent = Int32(a)
        let (external, epoch) = agents.withUnsafeMutableBufferPointer { agents in
            agents[a].activity = .talking
            agents[a].call = c
            agents[a].busySince = t
            agents[a].since = t
            agents[a].epoch &+= 1
            return (agents[a].external, agents[a].epoch)
        }
        if !external { calendar.schedule(.talkEnd, at: t + slot.talk, subject: Int32(a), tag: epoch) }
        if reportsEvents {
            note(.callAnswered, call: c, at: t)
            noteAgent(a, at: t)
        }
        if slot.counted {
            let index = q * intervalCount + Int(slot.interval)
            queueTallies.withUnsafeMutableBufferPointer { tallies in
                tallies[index].answered &+= 1
                tallies[index].waitAnswered += wait
                if wait <= queueThreshold[q] { tallies[index].answeredWithinThreshold &+= 1 }
                if wait > tallies[index].maxWait { tallies[index].maxWait = wait }
            }
            waitHistograms[q].record(seconds: wait)
        }
    }

    /// The agent's talk ends (by the drawn talk time, or on an external agent's command): the call ends or, if it was
    /// misrouted, goes on to its right queue; the agent goes into wrap-up.
    mutating func endTalk(agent a: Int, at t: Double) {
        let c = agents[a].call
        let slot = calls[Int(c)]
        let g = Int(agents[a].group)
        let external = agents[a].external
        let wrap = external ? 0 : groupWrapUp[g].sample(&wrapUpStreams[g])
        // An external agent's talk lasts until they end it.
        let talk = external ? t - agents[a].busySince : slot.talk
        agents.withUnsafeMutableBufferPointer { agents in
            agents[a].callsAnswered &+= 1
            agents[a].talkTime += talk
            agents[a].call = -1
            agents[a].since = t
        }
        if slot.counted {
            let index = Int(slot.queue) * intervalCount + Int(slot.interval)
            queueTallies[index].talk += talk
            queueTallies[index].wrapUp += wrap
            groupTallies[g * intervalCount + Int(slot.interval)].answered &+= 1
        }
        if slot.misrouted {
            transfer(call: c, at: t)
        } else {
            if recording { recordAnswered(call: c, agent: a, wrapUp: external ? nil : wrap, at: t) }
            releaseCall(c)
        }
        if external {
            agents[a].activity = .wrapUp
            noteAgent(a, at: t)
        } else if wrap > 0 {
            agents[a].activity = .wrapUp
            noteAgent(a, at: t)
            calendar.schedule(.wrapUpEnd, at: t + wrap, subject: Int32(a))
        } else {
            agentFinished(agent: a, at: t)
        }
    }

    /// A waiting caller is offered a callback; those who accept keep their place and stop abandoning.
    mutating func offerCallback(call c: Int32, generation: UInt32, at t: Double) {
        let slot = calls[Int(c)]
        guard slot.generation == generation, slot.state == .waiting, !slot.callback,
            let offer = queueCallback[Int(slot.queue)]
        else { return }
        guard patienceStreams[Int(slot.queue)].uniform() < offer.accept else { return }
        calls[Int(c)].callback = true
        if slot.counted {
            queueTallies[Int(slot.queue) * intervalCount + Int(slot.interval)].callbacksAccepted &+= 1
        }
    }

    /// What an expected-wait announcement would tell a caller with `position` callers ahead: the work ahead of them
    /// shared among the agents on shift who answer the queue first-hand.
    func expectedWait(queue q: Int, position: Int) -> Double {
        var agents = 0
        var e = eligibilityStart[q]
        while e < eligibilityStart[q + 1] {
            let tier = eligibility[e]
            if tier.delay == 0 { agents += groups[tier.group].onShift - groups[tier.group].pendingDepartures }
            e += 1
        }
        return Double(position + 1) * queueMeanWork[q] / Double(max(agents, 1))
    }

    /// A misrouted caller, transferred by the agent, joins the queue that serves their intent as a new offer there.
    mutating func transfer(call c: Int32, at t: Double) {
        let q = intentQueue[Int(calls[Int(c)].intent)]
        if calls[Int(c)].firstQueue < 0 { calls[Int(c)].firstQueue = Int16(calls[Int(c)].queue) }
        calls[Int(c)].agent = -1
        calls[Int(c)].misrouted = false
        calls[Int(c)].callback = false  // a callback taken at the wrong queue has been made
        calls[Int(c)].balking = false
        let (talk, patience) = drawWork(queue: q, external: calls[Int(c)].external)
        enter(call: c, queue: q, at: t, talk: talk, patience: patience, attempt: 0, keepSerial: true)
    }

    /// The agent has finished a call and its wrap-up: count the busy time, then leave, take a call, or go idle.
    mutating func agentFinished(agent a: Int, at t: Double) {
        addBusyTime(group: Int(agents[a].group), from: agents[a].busySince, to: t)
        agentAvailable(agent: a, at: t)
    }

    mutating func agentAvailable(agent a: Int, at t: Double) {
        let g = Int(agents[a].group)
        if groups[g].pendingDepartures > 0 {
            // At closing time (nobody left on the rota) an agent who clears the queue takes the next waiting call.
            if model.groups[g].clearsQueueAtClose && rotaInterval >= 0
                && model.groups[g].rota.headcount[rotaInterval] == 0
            {
                let c = nextCall(forGroup: g, at: t)
                if c >= 0 {
                    answer(call: c, agent: a, at: t)
                    return
                }
            }
            leave(agent: a, group: g, at: t)
            return
        }
        let c = nextCall(forGroup: g, at: t)
        if c >= 0 {
            answer(call: c, agent: a, at: t)
        } else {
            makeIdle(agent: a, at: t)
        }
    }

    /// Adds `[from, to)` to the group's busy time, split over intervals and clipped to the counted part of the period.
    mutating func addBusyTime(group g: Int, from: Double, to: Double) {
        var start = max(from, warmup)
        let stop = min(to, horizon)
        guard start < stop else { return }
        var n = Int(start / intervalLength)
        while start < stop {
            let end = min(Double(n + 1) * intervalLength, stop)
            groupTallies[g * intervalCount + periodInterval(n)].busy += end - start
            start = end
            n += 1
        }
    }

    // MARK: Abandonment and overflow

    mutating func abandon(call c: Int32, generation: UInt32, at t: Double) {
        let slot = calls[Int(c)]
        guard slot.generation == generation, slot.state == .waiting, !slot.callback else { return }
        let q = Int(slot.queue)
        waitingCount[q] &-= 1
        ringCount[ringBase[q] + min(Int(slot.priority), priorityClasses[q] - 1)] &-= 1
        let wait = t - slot.arrival
        let short = wait < shortAbandonThreshold
        if slot.counted {
            let index = q * intervalCount + Int(slot.interval)
            if slot.balking { queueTallies[index].balked &+= 1 }
            queueTallies.withUnsafeMutableBufferPointer { tallies in
                if short {
                    tallies[index].shortAbandoned &+= 1
                } else {
                    tallies[index].abandoned &+= 1
                    if wait <= queueThreshold[q] { tallies[index].abandonedWithinThreshold &+= 1 }
                }
                tallies[index].waitAbandoned += wait
            }
        }
        if recordsCalls { emit(record(of: c, outcome: short ? .shortAbandoned : .abandoned, at: t)) }
        releaseCall(c)
        if !slot.external, let redial = queueRedial[q], Int(slot.attempt) < redial.maxAttempts {
            if redialStreams[q].uniform() < redial.probability {
                let at = t + redial.delay.sample(&redialStreams[q])
                if at < horizon {
                    calendar.schedule(.redial, at: at, subject: Int32(q), tag: UInt32(slot.attempt) + 1)
                }
            }
        }
    }

    /// A waiting call has become eligible for an overflow group: if that group has an idle agent, it takes the
    /// queue's next call among those that have waited the delay (the highest class that has one, then the longest
    /// waiting; the call itself, or one of its class that came before it, if no higher-class call has waited as
    /// long).
    mutating func overflow(call c: Int32, generation: UInt32, at t: Double) {
        let slot = calls[Int(c)]
        guard slot.generation == generation, slot.state == .waiting else { return }
        let q = Int(slot.queue)
        var e = eligibilityStart[q]
        let end = eligibilityStart[q + 1]
        while e < end {
            let skill = eligibility[e]
            let g = skill.group
            e += 1
            guard skill.delay > 0, slot.arrival + skill.delay == t, groups[g].idleCount > 0 else { continue }
            let ring = eligibleRing(queue: q, waited: skill.delay, at: t)
            let a = chooseIdle(inGroup: g, queue: q)
            answer(call: pop(ring: ring, queue: q), agent: a, at: t)
            return
        }
    }
}
