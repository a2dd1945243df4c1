/// The model's flows as flat arrays: steps of every flow in one array (a flow's steps from `flowBase[f]`), routing
/// targets and cumulative weights in side arrays, calendars as one array of open flags.
struct FlowPlan: Sendable {
    /// Plain data, so reading one copies no reference (durations live in `durations`).
    struct Step: Sendable {
        var hangUp: Double
        var kind: Kind
        /// route and hours: first exit counter.
        var branchBase: Int32 = 0
        /// route: first target in `targets`.
        var targetBase: Int32 = 0
        var branchCount: Int32 = 0
        /// route: first cumulative weight in `cumulative` (rows of `branchCount` per intent);
        /// hours: first flag in `open`.
        var tableBase: Int32 = 0
        /// hours: steps when open and closed; queue: the queue; finish: the outcome's raw value.
        var first: Int32 = 0
        var second: Int32 = 0
        var flow: Int32 = 0
        /// The global index of the first step of this step's node.
        var node: Int32 = 0

        enum Kind: UInt8, Sendable { case route, hours, relabel, queue, finish }
    }

    var steps: ContiguousArray<Step> = []
    var durations: ContiguousArray<Distribution> = []
    /// Per step, what a live caller's input picks there (steps where the caller decides).
    var inputs: ContiguousArray<StepInput?> = []
    /// Per step, an external caller's time there when it is not drawn (`FlowStep.heardDuration`).
    var heardDurations: ContiguousArray<Double?> = []
    var callBacks: ContiguousArray<CallBack?> = []
    var repeatWindow: ContiguousArray<Double> = []
    var flowBase: ContiguousArray<Int> = []
    var targets: ContiguousArray<Int32> = []
    var cumulative: ContiguousArray<Double> = []
    var open: ContiguousArray<Bool> = []
    var relabel: ContiguousArray<Int32> = []
    /// Exit counters per step: one per route target, two (open, closed) per hours step.
    var exitCount = 0
    var entryFlow: ContiguousArray<Int> = []
    var entryIntentCumulative: ContiguousArray<Double> = []
    var flowPatience: ContiguousArray<Distribution?> = []
    var intentCount = 0

    init(model: CentreModel) {
        intentCount = model.intents.count
        // One allocation for a table only the live engine reads (the benchmark check counts mallocs).
        heardDurations.reserveCapacity(model.flows.reduce(0) { $0 + $1.steps.count })
        for (f, flow) in model.flows.enumerated() {
            let base = steps.count
            flowBase.append(base)
            flowPatience.append(flow.patience)
            repeatWindow.append(flow.repeatWindow)
            for step in flow.steps {
                var compiled = Step(hangUp: step.hangUp, kind: .finish, flow: Int32(f))
                compiled.node = Int32(base + (step.node ?? (steps.count - base)))
                durations.append(step.duration)
                callBacks.append(step.callBack)
                inputs.append(step.input)
                heardDurations.append(step.heardDuration)
                switch step.action {
                case .route(let to, let weights):
                    compiled.kind = .route
                    compiled.branchBase = Int32(exitCount)
                    compiled.branchCount = Int32(to.count)
                    compiled.targetBase = Int32(targets.count)
                    compiled.tableBase = Int32(cumulative.count)
                    targets.append(contentsOf: to.map { Int32(base + $0) })
                    exitCount += to.count
                    for row in weights {
                        let total = row.reduce(0, +)
                        var running = 0.0
                        for (i, w) in row.enumerated() {
                            running += w
                            cumulative.append(i == row.count - 1 ? 1 : running / total)
                        }
                    }
                case .hours(let flags, let whenOpen, let whenClosed):
                    compiled.kind = .hours
                    compiled.branchBase = Int32(exitCount)
                    compiled.branchCount = 2
                    exitCount += 2
                    compiled.tableBase = Int32(open.count)
                    open.append(contentsOf: flags)
                    compiled.first = Int32(base + whenOpen)
                    compiled.second = Int32(base + whenClosed)
                case .relabel(let map, let next):
                    compiled.kind = .relabel
                    compiled.branchBase = Int32(exitCount)
                    compiled.branchCount = 1
                    exitCount += 1
                    compiled.tableBase = Int32(relabel.count)
                    relabel.append(contentsOf: map.map { Int32($0) })
                    compiled.first = Int32(base + next)
                case .queue(let q):
                    compiled.kind = .queue
                    compiled.first = Int32(q)
                    compiled.second = Int32(step.callPriority)
                case .finish(let outcome):
                    compiled.kind = .finish
                    compiled.first = Int32(outcome.rawValue)
                }
                steps.append(compiled)
            }
        }
        for entry in model.entries {
            entryFlow.append(flowBase[entry.flow] + model.flows[entry.flow].entry)
            let total = entry.intentMix.reduce(0, +)
            var running = 0.0
            for (k, share) in entry.intentMix.enumerated() {
                running += share
                entryIntentCumulative.append(k == entry.intentMix.count - 1 ? 1 : running / total)
            }
        }
    }
}

/// What the flows did in one replication, counted for callers who dialled after the warm-up.
package struct FlowTallies: Sendable {
    /// Per node, indexed by the global index of the node's first step (all flows' steps in model order); other
    /// steps' entries stay empty.
    package var steps: [StepTally]
    /// Per step, exits by transition (route targets in order; for hours steps, open then closed).
    package var exits: [Int]
    /// First exit counter of each step, and how many it has.
    package var exitBase: [Int]
    package var exitWidth: [Int]
    /// Per entry: callers, and how their time in the flow ended (indexed by `FlowOutcome.rawValue`).
    package var callers: [Int]
    package var outcomes: [[Int]]
    package var timeInFlow: [Double]
    package var flowTimes: [WaitHistogram]
    /// Per entry: callers who were calling again (repeat calls), and contained callers (self-served, deflected)
    /// who will call again within the flow's repeat window.
    package var repeatCallers: [Int]
    /// Per entry: callers answered at a queue that does not serve their intent (and transferred).
    package var misrouted: [Int]
    package var selfServedCallingBack: [Int]
    package var deflectedCallingBack: [Int]
    /// Calls arriving at each queue from flows, by intent: `[queue][intent]`.
    package var queueArrivalsByIntent: [[Int]]
    /// Per caller type (the intent a caller ends the flow with), in one flat array of ``typeStride`` counters a
    /// type: how their time in the flow ended (by `FlowOutcome.rawValue`), then how many of the contained ones call
    /// again within the repeat window. A queue's deflection is read from the types it serves.
    package var typeCounts: [Int]
    package static let typeStride = FlowOutcome.allCases.count + 1

    /// Type `k`'s flow endings, indexed by `FlowOutcome.rawValue`.
    package func typeOutcomes(_ k: Int) -> ArraySlice<Int> {
        typeCounts[(k * Self.typeStride)..<(k * Self.typeStride + FlowOutcome.allCases.count)]
    }

    /// Type `k`'s contained callers who call again within the repeat window.
    package func typeCallingBack(_ k: Int) -> Int { typeCounts[k * Self.typeStride + FlowOutcome.allCases.count] }

    /// Every type's flow endings, a row a type.
    package var typeOutcomeRows: [[Int]] { (0..<typeCounts.count / Self.typeStride).map { Array(typeOutcomes($0)) } }

    init(model: CentreModel, plan: FlowPlan) {
        steps = Array(repeating: StepTally(), count: plan.steps.count)
        exits = Array(repeating: 0, count: plan.exitCount)
        exitBase = plan.steps.map { Int($0.branchBase) }
        exitWidth = plan.steps.map {
            $0.kind == .route || $0.kind == .hours || $0.kind == .relabel ? Int($0.branchCount) : 0
        }
        callers = Array(repeating: 0, count: model.entries.count)
        outcomes = Array(repeating: Array(repeating: 0, count: FlowOutcome.allCases.count), count: model.entries.count)
        timeInFlow = Array(repeating: 0, count: model.entries.count)
        flowTimes = Array(repeating: WaitHistogram(), count: model.entries.count)
        repeatCallers = Array(repeating: 0, count: model.entries.count)
        misrouted = Array(repeating: 0, count: model.entries.count)
        selfServedCallingBack = Array(repeating: 0, count: model.entries.count)
        deflectedCallingBack = Array(repeating: 0, count: model.entries.count)
        queueArrivalsByIntent = Array(
            repeating: Array(repeating: 0, count: model.intents.count), count: model.queues.count)
        typeCounts = Array(repeating: 0, count: model.intents.count * Self.typeStride)
    }
}

/// One flow node's visits, hang-ups during it, and time spent in it per visit.
package struct StepTally: Sendable {
    package var visits = 0
    package var hangUps = 0
    /// Total seconds callers spent in the step.
    package var time = 0.0
    package var times = WaitHistogram()
}

extension FlowPlan {
    /// Where a caller of type `intent` goes from `step`, and the exit counter of that transition: on a route step to
    /// target `branch`, on an hours step by the calendar in `interval`, on a relabelling step to its next step with
    /// the caller's new type. This is the flow interpreter: simulated callers, live callers and scripted test calls
    /// all move through flows by it. Queue and finish steps lead nowhere (exit -1).
    @inline(__always)
    func follow(_ step: Int, intent: inout Int, branch: Int, interval: Int) -> (next: Int, exit: Int) {
        let plan = steps[step]
        switch plan.kind {
        case .route:
            return (Int(targets[Int(plan.targetBase) + branch]), Int(plan.branchBase) + branch)
        case .hours:
            let isOpen = open[Int(plan.tableBase) + interval]
            return (Int(isOpen ? plan.first : plan.second), Int(plan.branchBase) + (isOpen ? 0 : 1))
        case .relabel:
            intent = Int(relabel[Int(plan.tableBase) + intent])
            return (Int(plan.first), Int(plan.branchBase))
        case .queue, .finish:
            return (step, -1)
        }
    }

    /// Every step `step` can lead to, whatever the caller, the calendar or the draws: all of a route step's targets,
    /// both sides of an hours step, a relabelling step's next; none from a queue or finish step. The ways ``follow``
    /// can take, for walking a whole flow (``FlowProgram/reach(flow:)``).
    func successors(of step: Int) -> [Int] {
        let plan = steps[step]
        switch plan.kind {
        case .route: return (0..<Int(plan.branchCount)).map { Int(targets[Int(plan.targetBase) + $0]) }
        case .hours: return [Int(plan.first), Int(plan.second)]
        case .relabel: return [Int(plan.first)]
        case .queue, .finish: return []
        }
    }

    /// What a telephone caller's choice of `branch` at route step `step` says about their type: `current` if
    /// callers of that type take the branch at least half as often as the type likeliest to take it (a shared
    /// option, a step every type answers alike), else that likeliest type; `nil` where nothing changes.
    func intentChoosing(_ step: Int, branch: Int, current: Int, intents: Int) -> Int? {
        let plan = steps[step]
        guard plan.kind == .route, branch < Int(plan.branchCount), intents > 0 else { return nil }
        let width = Int(plan.branchCount)
        func share(_ i: Int) -> Double {
            let row = Int(plan.tableBase) + i * width
            guard row + width <= cumulative.count else { return 0 }
            return cumulative[row + branch] - (branch > 0 ? cumulative[row + branch - 1] : 0)
        }
        var best = 0
        for i in 1..<intents where share(i) > share(best) { best = i }
        guard share(best) > 0, !(0..<intents).contains(current) || share(current) < share(best) / 2 else { return nil }
        return best
    }

    /// The caller model's choice at route step `step` for a caller of type `intent`: the branch that the uniform draw
    /// `u` falls in by the step's weights.
    @inline(__always)
    func drawBranch(_ step: Int, intent: Int, u: Double) -> Int {
        let plan = steps[step]
        let width = Int(plan.branchCount)
        let row = Int(plan.tableBase) + intent * width
        var i = 0
        while i < width - 1 && cumulative[row + i] < u { i += 1 }
        return i
    }

    /// The branch a scripted or live caller takes where nobody asks them anything (a branch on the caller's type, a
    /// single way on): the most likely one for their type.
    func likeliestBranch(_ step: Int, intent: Int) -> Int {
        let plan = steps[step]
        let width = Int(plan.branchCount)
        let row = Int(plan.tableBase) + intent * width
        var best = 0
        var bestWeight = -1.0
        var previous = 0.0
        for i in 0..<width {
            let weight = cumulative[row + i] - previous
            previous = cumulative[row + i]
            if weight > bestWeight {
                best = i
                bestWeight = weight
            }
        }
        return best
    }

    /// The node (first step) a step belongs to.
    @inline(__always)
    func node(of step: Int) -> Int { Int(steps[step].node) }

    /// Whether reaching `step` while in node `node` (-1: none yet) is a new visit: the node's first step, or another
    /// node's step (retries of a menu use its later steps and stay in the visit).
    @inline(__always)
    func startsVisit(_ step: Int, inNode node: Int) -> Bool {
        let head = Int(steps[step].node)
        return step == head || head != node
    }

    /// The caller type at entry `e` that the uniform draw `u` falls in by the entry's mix.
    @inline(__always)
    func intent(entry e: Int, u: Double) -> Int {
        let base = e * intentCount
        var intent = 0
        while intent < intentCount - 1 && entryIntentCumulative[base + intent] < u { intent += 1 }
        return intent
    }
}

extension Engine {
    /// A caller dials entry `e`: draws an intent and an IVR patience, walks the flow, and is scheduled to leave it.
    ///
    /// A caller's path through a flow depends only on their own draws and on the clock (calendars), never on other
    /// callers, so the whole path is worked out now, each step at the time the caller would reach it, and one event
    /// is scheduled for when the caller leaves the flow (into a queue or out). The tallies are those a step-by-step
    /// walk would give; the calendar holds one event per caller instead of one per step. Each move is
    /// ``FlowPlan/follow(_:intent:branch:interval:)``, the same the live walk (Engine+LiveFlow.swift) makes.
    @discardableResult
    mutating func enterFlow(entry e: Int, at t: Double, intent given: Int? = nil, repeating: Bool = true) -> Int32 {
        let c = allocateCall()
        var intent = given ?? drawIntent(entry: e)
        var step = flowPlan.entryFlow[e]
        let flow = Int(flowPlan.steps[step].flow)
        let deadline = t + (flowPlan.flowPatience[flow]?.sample(&callerStreams[e]) ?? .infinity)
        let counted = t >= warmup
        if counted {
            flowTallies.callers[e] &+= 1
            if given != nil && repeating { flowTallies.repeatCallers[e] &+= 1 }
        }

        var clock = t
        var hungUp = false
        var taken = 0
        var node = -1
        var nodeStart = t
        walk: while true {
            if taken == 10_000 {  // a loop no retry count bounds: the caller gives up
                hungUp = true
                break
            }
            taken += 1
            let plan = flowPlan.steps[step]
            if flowPlan.startsVisit(step, inNode: node) {
                if counted && node >= 0 { countNodeTime(node, clock - nodeStart) }
                node = Int(plan.node)
                nodeStart = clock
                if counted { flowTallies.steps[node].visits &+= 1 }
                if recording { callPaths[Int(c)].append(Int32(node)) }
            }
            let duration = flowPlan.durations[step].sample(&flowStream)
            let hangsUp = plan.hangUp > 0 && flowStream.uniform() < plan.hangUp
            let spent = deadline < clock + duration ? deadline - clock : duration
            clock += spent
            if hangsUp || spent < duration {
                if counted { flowTallies.steps[node].hangUps &+= 1 }
                hungUp = true
                break
            }
            if plan.kind == .queue || plan.kind == .finish { break walk }
            let branch = plan.kind == .route ? flowPlan.drawBranch(step, intent: intent, u: flowStream.uniform()) : 0
            let (next, exit) = flowPlan.follow(step, intent: &intent, branch: branch, interval: intervalIndex(clock))
            if counted { flowTallies.exits[exit] &+= 1 }
            step = next
        }
        if counted && node >= 0 { countNodeTime(node, clock - nodeStart) }
        if counted { countFlowEnd(entry: e, step: step, intent: intent, hungUp: hungUp, seconds: clock - t) }
        calls.withUnsafeMutableBufferPointer { slots in
            slots[Int(c)].state = .inFlow
            slots[Int(c)].entry = Int16(e)
            slots[Int(c)].intent = Int16(intent)
            slots[Int(c)].arrival = t
            slots[Int(c)].dialled = t
            slots[Int(c)].counted = counted
            slots[Int(c)].step = Int32(step)
            slots[Int(c)].hangingUp = hungUp
            slots[Int(c)].serial = nextSerial
        }
        nextSerial &+= 1
        if clock > t {
            calendar.schedule(.flowStep, at: clock, subject: c, tag: calls[Int(c)].generation)
        } else {
            leaveFlow(call: c, at: t)
        }
        return c
    }

    /// A new caller's type at entry `e`, drawn from the entry's mix.
    @inline(__always)
    mutating func drawIntent(entry e: Int) -> Int { flowPlan.intent(entry: e, u: callerStreams[e].uniform()) }

    /// Counts how a counted caller's time in the flow ended, at `step` (a queue or finish step) unless they hung up.
    mutating func countFlowEnd(entry e: Int, step: Int, intent: Int, hungUp: Bool, seconds: Double) {
        let outcome: FlowOutcome
        let plan = flowPlan.steps[step]
        if hungUp {
            outcome = .hungUp
        } else if plan.kind == .queue {
            outcome = .queued
            flowTallies.queueArrivalsByIntent[Int(plan.first)][intent] &+= 1
        } else {
            outcome = FlowOutcome(rawValue: UInt8(plan.first))!
        }
        flowTallies.outcomes[e][Int(outcome.rawValue)] &+= 1
        flowTallies.typeCounts[intent * FlowTallies.typeStride + Int(outcome.rawValue)] &+= 1
        flowTallies.timeInFlow[e] += seconds
        flowTallies.flowTimes[e].record(seconds: seconds)
    }

    @inline(__always)
    mutating func countNodeTime(_ node: Int, _ seconds: Double) {
        flowTallies.steps[node].time += seconds
        flowTallies.steps[node].times.record(seconds: seconds)
    }

    /// The caller's time in the flow is over: into the queue the flow chose, or out.
    mutating func leaveFlow(call c: Int32, generation: UInt32, at t: Double) {
        let slot = calls[Int(c)]
        guard slot.generation == generation, slot.state == .inFlow else { return }
        leaveFlow(call: c, at: t)
    }

    mutating func leaveFlow(call c: Int32, at t: Double) {
        let slot = calls[Int(c)]
        let plan = flowPlan.steps[Int(slot.step)]
        if !slot.hangingUp && plan.kind == .queue {
            let q = Int(plan.first)
            calls[Int(c)].ivrExit = t
            calls[Int(c)].priority = UInt8(clamping: plan.second)
            let (talk, patience) = drawWork(queue: q, external: slot.external)
            enter(call: c, queue: q, at: t, talk: talk, patience: patience, attempt: 0)
            return
        }
        if recordsCalls {
            let outcome = slot.hangingUp ? FlowOutcome.hungUp : FlowOutcome(rawValue: UInt8(plan.first))!
            calls[Int(c)].ivrExit = t
            emit(record(of: c, outcome: CallRecord.Outcome(outcome), at: t))
        }
        releaseCall(c)
        // Contained callers who call again later, as the flow states: a new caller into the same entry.
        if !slot.hangingUp && !slot.external, let callBack = flowPlan.callBacks[Int(slot.step)] {
            let e = Int(slot.entry)
            guard callerStreams[e].uniform() < callBack.share else { return }
            let delay = callBack.delay.sample(&callerStreams[e])
            if slot.counted && delay <= flowPlan.repeatWindow[Int(plan.flow)] {
                flowTallies.typeCounts[Int(slot.intent) * FlowTallies.typeStride + FlowOutcome.allCases.count] &+= 1
                if plan.first == Int32(FlowOutcome.selfServed.rawValue) {
                    flowTallies.selfServedCallingBack[e] &+= 1
                } else {
                    flowTallies.deflectedCallingBack[e] &+= 1
                }
            }
            if t + delay < horizon {
                calendar.schedule(.repeatCall, at: t + delay, subject: Int32(e), tag: UInt32(slot.intent))
            }
        }
    }
}
