/// The flow walk of a live (external) caller: one step at a time, waiting at steps where the caller decides for the
/// input that comes by command. Each move is ``FlowPlan/follow(_:intent:branch:interval:)``, the same the simulator's
/// walk in ``Engine/enterFlow(entry:at:intent:repeating:)`` makes.
extension Engine {
    /// An external caller dials entry `e` as type `intent` at `t`; `hearsWhole`: a telephone caller.
    /// `infersIntent`: the type is a guess (drawn from the entry's mix) that the caller's choices replace.
    mutating func enterFlowExternally(
        entry e: Int, intent: Int, hearsWhole: Bool = false, infersIntent: Bool = false, at t: Double
    ) -> Int32 {
        let c = allocateCall()
        let counted = t >= warmup
        if counted { flowTallies.callers[e] &+= 1 }
        calls.withUnsafeMutableBufferPointer { slots in
            slots[Int(c)].state = .inFlow
            slots[Int(c)].external = true
            slots[Int(c)].hearsWhole = hearsWhole
            slots[Int(c)].infersIntent = infersIntent
            slots[Int(c)].entry = Int16(e)
            slots[Int(c)].intent = Int16(intent)
            slots[Int(c)].arrival = t
            slots[Int(c)].dialled = t
            slots[Int(c)].counted = counted
            slots[Int(c)].hangingUp = false
            slots[Int(c)].node = -1
            slots[Int(c)].serial = nextSerial
        }
        nextSerial &+= 1
        arrive(call: c, atStep: flowPlan.entryFlow[e], at: t)
        return c
    }

    /// The caller reaches `start`: on through steps that take no time and need no input, until a step where they
    /// decide (wait for input), a step that takes time (an event brings them back), or the end of the flow.
    mutating func arrive(call c: Int32, atStep start: Int, at t: Double) {
        var step = start
        var taken = 0
        while taken < 10_000 {  // a loop no retry count bounds: the caller gives up
            taken += 1
            enterNode(call: c, step: step, at: t)
            let plan = flowPlan.steps[step]
            calls[Int(c)].step = Int32(step)
            if plan.kind == .queue || plan.kind == .finish {
                endExternalWalk(call: c, hungUp: false, at: t)
                return
            }
            if flowPlan.inputs[step] != nil {
                calls[Int(c)].awaitingInput = true
                notePrompt(call: c, step: step, at: t)
                return
            }
            let whole = calls[Int(c)].hearsWhole ? flowPlan.heardDurations[step] : nil
            let duration = whole ?? flowPlan.durations[step].sample(&flowStream)
            if duration > 0 {
                notePrompt(call: c, step: step, at: t, kind: .callPlaying)
                calendar.schedule(.flowAdvance, at: t + duration, subject: c, tag: calls[Int(c)].generation)
                return
            }
            step = move(call: c, from: step, branch: nil, at: t)
        }
        endExternalWalk(call: c, hungUp: true, at: t)
    }

    /// A timed step of an external caller is over: on from it.
    mutating func passStep(call c: Int32, generation: UInt32, at t: Double) {
        let slot = calls[Int(c)]
        guard slot.generation == generation, slot.state == .inFlow, !slot.awaitingInput else { return }
        let next = move(call: c, from: Int(slot.step), branch: nil, at: t)
        arrive(call: c, atStep: next, at: t)
    }

    /// The caller's input at the step where they decide: on by the target it picks.
    mutating func takeInput(call c: Int32, branch: Int, at t: Double) {
        calls[Int(c)].awaitingInput = false
        let next = move(call: c, from: Int(calls[Int(c)].step), branch: branch, at: t)
        arrive(call: c, atStep: next, at: t)
    }

    /// One move from `step` by `branch` (`nil`: the caller model draws it), counted; returns the next step.
    mutating func move(call c: Int32, from step: Int, branch: Int?, at t: Double) -> Int {
        var intent = Int(calls[Int(c)].intent)
        let plan = flowPlan.steps[step]
        let chosen =
            branch ?? (plan.kind == .route ? flowPlan.drawBranch(step, intent: intent, u: flowStream.uniform()) : 0)
        // A telephone caller's choice says what they want (their type is a guess until it does).
        if branch != nil, calls[Int(c)].infersIntent,
            let inferred = flowPlan.intentChoosing(
                step, branch: chosen, current: intent, intents: model.intents.count)
        {
            intent = inferred
        }
        let (next, exit) = flowPlan.follow(step, intent: &intent, branch: chosen, interval: intervalIndex(t))
        calls[Int(c)].intent = Int16(intent)
        if calls[Int(c)].counted && exit >= 0 { flowTallies.exits[exit] &+= 1 }
        return next
    }

    /// Counts a visit when the caller enters a node (a node's first step, or a step of another node).
    mutating func enterNode(call c: Int32, step: Int, at t: Double) {
        let slot = calls[Int(c)]
        guard flowPlan.startsVisit(step, inNode: Int(slot.node)) else { return }
        let node = flowPlan.node(of: step)
        if slot.counted {
            if slot.node >= 0 { countNodeTime(Int(slot.node), t - slot.nodeSince) }
            flowTallies.steps[node].visits &+= 1
        }
        if recording { callPaths[Int(c)].append(Int32(node)) }
        calls[Int(c)].node = Int32(node)
        calls[Int(c)].nodeSince = t
    }

    /// The external caller's time in the flow is over, at its current step or by hanging up: counted, then into the
    /// queue or out as ``leaveFlow(call:at:)`` does for every caller.
    mutating func endExternalWalk(call c: Int32, hungUp: Bool, at t: Double) {
        let slot = calls[Int(c)]
        if slot.counted {
            if slot.node >= 0 { countNodeTime(Int(slot.node), t - slot.nodeSince) }
            if hungUp && slot.node >= 0 { flowTallies.steps[Int(slot.node)].hangUps &+= 1 }
            countFlowEnd(
                entry: Int(slot.entry), step: Int(slot.step), intent: Int(slot.intent), hungUp: hungUp,
                seconds: t - slot.dialled)
        }
        calls[Int(c)].hangingUp = hungUp
        calls[Int(c)].awaitingInput = false
        leaveFlow(call: c, at: t)
    }
}
