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

    init(model: CentreModel, plan: FlowPlan) {
        steps = Array(repeating: StepTally(), count: plan.steps.count)
        exits = Array(repeating: 0, count: plan.exitCount)
        exitBase = plan.steps.map { Int($0.branchBase) }
        exitWidth = plan.steps.map { $0.kind == .route || $0.kind == .hours || $0.kind == .relabel ? Int($0.branchCount) : 0 }
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

extension Engine {
    /// A caller dials entry `e`: draws an intent and an IVR patience, walks the flow, and is scheduled to leave it.
    ///
    /// A caller's path through a flow depends only on their own draws and on the clock (calendars), never on other
    /// callers, so the whole path is worked out now, each step at the time the caller would reach it, and one event
    /// is scheduled for when the caller leaves the flow (into a queue or out). The tallies are those a step-by-step
    /// walk would give; the calendar holds one event per caller instead of one per step.
    mutating func enterFlow(entry e: Int, at t: Double, intent repeatIntent: Int? = nil) {
        let c = allocateCall()
        let intentCount = flowPlan.intentCount
        var intent = 0
        if let repeatIntent {
            intent = repeatIntent
        } else {
            let u = callerStreams[e].uniform()
            let base = e * intentCount
            while intent < intentCount - 1 && flowPlan.entryIntentCumulative[base + intent] < u { intent += 1 }
        }
        var step = flowPlan.entryFlow[e]
        let flow = Int(flowPlan.steps[step].flow)
        let deadline = t + (flowPlan.flowPatience[flow]?.sample(&callerStreams[e]) ?? .infinity)
        let counted = t >= warmup
        if counted {
            flowTallies.callers[e] &+= 1
            if repeatIntent != nil { flowTallies.repeatCallers[e] &+= 1 }
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
            // Entering a node's first step is a new visit (retries of a menu use its later steps).
            if step == Int(plan.node) || Int(plan.node) != node {
                if counted && node >= 0 { countNodeTime(node, clock - nodeStart) }
                node = Int(plan.node)
                nodeStart = clock
                if counted { flowTallies.steps[node].visits &+= 1 }
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
            switch plan.kind {
            case .route:
                let width = Int(plan.branchCount)
                let row = Int(plan.tableBase) + intent * width
                let v = flowStream.uniform()
                var i = 0
                while i < width - 1 && flowPlan.cumulative[row + i] < v { i += 1 }
                if counted { flowTallies.exits[Int(plan.branchBase) + i] &+= 1 }
                step = Int(flowPlan.targets[Int(plan.targetBase) + i])
            case .hours:
                let isOpen = flowPlan.open[Int(plan.tableBase) + intervalIndex(clock)]
                if counted { flowTallies.exits[Int(plan.branchBase) + (isOpen ? 0 : 1)] &+= 1 }
                step = Int(isOpen ? plan.first : plan.second)
            case .relabel:
                if counted { flowTallies.exits[Int(plan.branchBase)] &+= 1 }
                intent = Int(flowPlan.relabel[Int(plan.tableBase) + intent])
                step = Int(plan.first)
            case .queue, .finish:
                break walk
            }
        }
        if counted && node >= 0 { countNodeTime(node, clock - nodeStart) }
        let outcome: FlowOutcome
        let plan = flowPlan.steps[step]
        if hungUp {
            outcome = .hungUp
        } else if plan.kind == .queue {
            outcome = .queued
            if counted { flowTallies.queueArrivalsByIntent[Int(plan.first)][intent] &+= 1 }
        } else {
            outcome = FlowOutcome(rawValue: UInt8(plan.first))!
        }
        if counted {
            flowTallies.outcomes[e][Int(outcome.rawValue)] &+= 1
            flowTallies.timeInFlow[e] += clock - t
            flowTallies.flowTimes[e].record(seconds: clock - t)
        }
        calls.withUnsafeMutableBufferPointer { slots in
            slots[Int(c)].state = .inFlow
            slots[Int(c)].entry = Int16(e)
            slots[Int(c)].intent = Int16(intent)
            slots[Int(c)].arrival = t
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
            calls[Int(c)].priority = UInt8(clamping: plan.second)
            let talk = queueHandle[q].sample(&serviceStreams[q])
            let patience = queueHasPatience[q] ? queuePatience[q].sample(&patienceStreams[q]) : .infinity
            enter(call: c, queue: q, at: t, talk: talk, patience: patience, attempt: 0)
            return
        }
        if recordsCalls {
            records.append(
                CallRecord(
                    serial: slot.serial, queue: -1, arrival: slot.arrival, outcome: .leftFlow, endOfWait: t,
                    agent: -1, talkEnd: t, attempt: 0))
        }
        releaseCall(c)
        // Contained callers who call again later, as the flow states: a new caller into the same entry.
        if !slot.hangingUp, let callBack = flowPlan.callBacks[Int(slot.step)] {
            let e = Int(slot.entry)
            guard callerStreams[e].uniform() < callBack.share else { return }
            let delay = callBack.delay.sample(&callerStreams[e])
            if slot.counted && delay <= flowPlan.repeatWindow[Int(plan.flow)] {
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
