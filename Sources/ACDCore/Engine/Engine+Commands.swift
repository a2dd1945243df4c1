/// Commands from outside the model, as the live engine takes them: calls placed at entries or queues, callers'
/// input and hang-ups, and external agents' log-ins, states and ends of talk and wrap-up.
///
/// Every command is checked before it changes anything and throws a ``LiveError`` instead of trapping, so one bad
/// request never stops the engine. Each applies at `t`, which must not lie before ``now`` (the owner advances the
/// engine to `t` first).
extension Engine {
    // MARK: Calls

    /// Places a call and returns its id; it is routed at once (into the flow, or to an idle agent or the queue).
    package mutating func placeCall(_ request: CallRequest, at t: Double) throws(LiveError) -> CallID {
        let time = max(t, now)
        if let intent = request.intent, !(0..<max(model.intents.count, 1)).contains(intent) {
            throw LiveError(.unknownIntent, "no caller type #\(intent); the model has \(model.intents.count)")
        }
        let c: Int32
        switch request.target {
        case .entry(let e):
            guard model.entries.indices.contains(e.index) else {
                throw LiveError(.unknownEntry, "no entry #\(e.rawValue); the model has \(model.entries.count)")
            }
            let mark = events.count
            if request.caller != .modelled {
                c = enterFlowExternally(
                    entry: e.index, intent: request.intent ?? drawIntent(entry: e.index),
                    hearsWhole: request.caller == .telephone,
                    infersIntent: request.caller == .telephone && request.intent == nil, at: time)
            } else {
                c = enterFlow(entry: e.index, at: time, intent: request.intent, repeating: false)
            }
            // Its arrival comes before whatever the call met at once (a queue, an agent, the end of the flow).
            if reportsEvents {
                events.insert(
                    EngineEvent(
                        time: time, kind: .callArrived, call: CallID(slot: c, generation: calls[Int(c)].generation),
                        entry: e),
                    at: mark)
            }
        case .queue(let q):
            guard model.queues.indices.contains(q.index) else {
                throw LiveError(.unknownQueue, "no queue #\(q.rawValue); the model has \(model.queues.count)")
            }
            guard (0..<priorityClasses[q.index]).contains(request.priority) else {
                throw LiveError(
                    .badValue,
                    "queue \(model.queues[q.index].name) has priority classes 0 to \(priorityClasses[q.index] - 1)")
            }
            c = allocateCall()
            let i = q.index
            calls[Int(c)].priority = UInt8(request.priority)
            calls[Int(c)].external = request.caller != .modelled
            calls[Int(c)].intent = Int16(request.intent ?? -1)
            if reportsEvents {
                events.append(
                    EngineEvent(
                        time: time, kind: .callArrived, call: CallID(slot: c, generation: calls[Int(c)].generation),
                        queue: q))
            }
            let (talk, patience) = drawWork(queue: i, external: request.caller != .modelled)
            enter(call: c, queue: i, at: time, talk: talk, patience: patience, attempt: 0)
        }
        return CallID(slot: c, generation: calls[Int(c)].generation)
    }

    /// The slot of a call still in the system, or `unknownCall`.
    func slot(of call: CallID) throws(LiveError) -> Int32 {
        let c = call.slot
        guard c >= 0, Int(c) < calls.count, calls[Int(c)].generation == call.generation,
            calls[Int(c)].state != .free, calls[Int(c)].state != .scheduled
        else { throw LiveError(.unknownCall, "no call \(call.rawValue) in the system (it may have ended)") }
        return c
    }

    /// A live caller presses keys, says something or stays silent at the IVR step waiting for them.
    package mutating func input(_ input: CallerInput, call: CallID, at t: Double) throws(LiveError) {
        let c = try slot(of: call)
        let slot = calls[Int(c)]
        guard slot.state == .inFlow, slot.external, slot.awaitingInput else {
            let why =
                slot.state != .inFlow
                ? "it has left the IVR"
                : slot.external
                    ? "its IVR step is still playing"
                    : "its caller follows the caller model (place it with caller: external)"
            throw LiveError(.notInIVR, "call \(call.rawValue) is not waiting for input: \(why)")
        }
        let step = Int(slot.step)
        guard let spec = flowPlan.inputs[step], let branch = spec.target(for: input) else {
            let expected = flowPlan.inputs[step]?.expected ?? "no input"
            throw LiveError(.inputNotUnderstood, "\(nodeName(Int32(step))) takes \(expected), not \(input)")
        }
        takeInput(call: c, branch: branch, at: max(t, now))
    }

    /// The caller hangs up, wherever the call is: in the IVR (a live caller), waiting, or talking.
    package mutating func hangUp(call: CallID, at t: Double) throws(LiveError) {
        let c = try slot(of: call)
        let slot = calls[Int(c)]
        let time = max(t, now)
        switch slot.state {
        case .inFlow:
            guard slot.external else {
                throw LiveError(.wrongState, "call \(call.rawValue) follows the caller model through the IVR")
            }
            endExternalWalk(call: c, hungUp: true, at: time)
        case .waiting:
            calls[Int(c)].callback = false
            abandon(call: c, generation: slot.generation, at: time)
        case .answered:
            let a = Int(slot.agent)
            agents[a].epoch &+= 1  // the talk-end event already scheduled no longer applies
            calls[Int(c)].talk = time - agents[a].busySince
            endTalk(agent: a, at: time)
        case .ringing:
            // The caller gives up while an agent's phone rings: an abandon, and the agent is free for the next call.
            let a = Int(slot.agent)
            agents[a].call = -1
            calls[Int(c)].agent = -1
            calls[Int(c)].callback = false
            putBack(call: c)  // abandon() takes it out of its queue's counts again
            abandon(call: c, generation: slot.generation, at: time)
            agentAvailable(agent: a, at: time)
        case .free, .scheduled:
            throw LiveError(.unknownCall, "no call \(call.rawValue) in the system")
        }
    }

    /// Where a call is now, or `nil` if it has ended.
    package func location(of call: CallID) -> CallLocation? {
        guard let c = try? slot(of: call) else { return nil }
        return location(slot: c)
    }

    func location(slot c: Int32) -> CallLocation {
        let slot = calls[Int(c)]
        switch slot.state {
        case .inFlow:
            return .ivr(node: nodeName(Int32(flowPlan.node(of: Int(slot.step)))), awaitingInput: slot.awaitingInput)
        case .waiting: return .waiting(QueueID(Int(slot.queue)))
        case .answered: return .talking(QueueID(Int(slot.queue)), AgentID(Int(slot.agent)))
        case .ringing: return .ringing(QueueID(Int(slot.queue)), AgentID(Int(slot.agent)))
        case .free, .scheduled: return .ended
        }
    }

    // MARK: External agents

    /// A new external agent of `group`, logged out; `rings`: on a telephone, so offered calls ring first.
    package mutating func addExternalAgent(group: GroupID, rings: Bool = false) throws(LiveError) -> AgentID {
        guard model.groups.indices.contains(group.index) else {
            throw LiveError(.unknownGroup, "no group #\(group.rawValue); the model has \(model.groups.count)")
        }
        guard model.groups[group.index].external else {
            throw LiveError(
                .wrongState, "group \(model.groups[group.index].name) is staffed by its rota, not by agents who log in")
        }
        var agent = AgentState(group: group.rawValue, next: -1)
        agent.external = true
        agent.rings = rings
        agent.since = now
        agents.append(agent)
        if recording { wrapUpRecords.append(nil) }
        return AgentID(agents.count - 1)
    }

    func externalAgent(_ agent: AgentID, _ allowed: Set<AgentActivity>, _ action: String) throws(LiveError) -> Int {
        guard agents.indices.contains(agent.index) else {
            throw LiveError(.unknownAgent, "no agent #\(agent.rawValue)")
        }
        let a = agent.index
        guard agents[a].external else {
            throw LiveError(.wrongState, "agent #\(agent.rawValue) is simulated from the rota and takes no commands")
        }
        guard allowed.contains(agents[a].activity) else {
            throw LiveError(
                .wrongState, "agent #\(agent.rawValue) cannot \(action) while \(agents[a].activity)")
        }
        return a
    }

    /// Logs the agent in, not ready.
    package mutating func logIn(agent: AgentID, at t: Double) throws(LiveError) {
        let a = try externalAgent(agent, [.offShift], "log in")
        groups[Int(agents[a].group)].onShift += 1
        agents[a].activity = .notReady
        agents[a].since = max(t, now)
        noteAgent(a, at: agents[a].since)
    }

    /// The agent is ready: takes the longest-waiting call they may answer, or waits idle.
    package mutating func ready(agent: AgentID, at t: Double) throws(LiveError) {
        let a = try externalAgent(agent, [.notReady], "become ready")
        agentAvailable(agent: a, at: max(t, now))
    }

    /// The agent stops taking calls (from ready, or ending their wrap-up).
    package mutating func notReady(agent: AgentID, at t: Double) throws(LiveError) {
        let a = try externalAgent(agent, [.idle, .wrapUp], "go not ready")
        let time = max(t, now)
        if agents[a].activity == .idle {
            removeIdle(agent: a)
        } else {
            finishWrapUp(agent: a, at: time)
        }
        agents[a].activity = .notReady
        agents[a].since = time
        noteAgent(a, at: time)
    }

    /// The agent ends the talk: the call ends (or is transferred, if misrouted) and the agent goes into wrap-up.
    package mutating func endTalk(agent: AgentID, at t: Double) throws(LiveError) {
        let a = try externalAgent(agent, [.talking], "end a talk")
        endTalk(agent: a, at: max(t, now))
    }

    /// The agent on a telephone answers the call their phone rings with: talk starts now, and the caller's wait ends.
    package mutating func connect(agent: AgentID, at t: Double) throws(LiveError) {
        let a = try externalAgent(agent, [.ringing], "answer a call")
        connect(call: agents[a].call, agent: a, at: max(t, now))
    }

    /// The agent's phone was not answered in time, was busy, or is gone: the agent goes not ready, and the call goes
    /// back to the head of its queue, keeping its place (as app_queue's ring-no-answer with autopause). Another idle
    /// agent who may answer the queue takes it at once.
    package mutating func ringNoAnswer(agent: AgentID, at t: Double) throws(LiveError) {
        let a = try externalAgent(agent, [.ringing], "refuse a call")
        let time = max(t, now)
        let c = agents[a].call
        agents[a].call = -1
        agents[a].activity = .notReady
        agents[a].since = time
        noteAgent(a, at: time)
        calls[Int(c)].agent = -1
        putBack(call: c)
        note(.callQueued, call: c, at: time)
        let q = Int(calls[Int(c)].queue)
        let next = idleAgent(forQueue: q)
        if next >= 0 { answer(call: popHead(queue: q), agent: next, at: time) }
    }

    /// A call that rang an agent waits again, first in its queue's ring of its priority class.
    mutating func putBack(call c: Int32) {
        let q = Int(calls[Int(c)].queue)
        calls[Int(c)].state = .waiting
        let ring = ringBase[q] + min(Int(calls[Int(c)].priority), priorityClasses[q] - 1)
        waiting[ring].pushFront(call: c, generation: calls[Int(c)].generation)
        ringCount[ring] &+= 1
        waitingCount[q] &+= 1
    }

    /// The agent ends wrap-up and is ready for the next call.
    package mutating func endWrapUp(agent: AgentID, at t: Double) throws(LiveError) {
        let a = try externalAgent(agent, [.wrapUp], "end wrap-up")
        let time = max(t, now)
        finishWrapUp(agent: a, at: time)
        agentFinished(agent: a, at: time)
    }

    /// Logs the agent out (from ready or not ready).
    package mutating func logOut(agent: AgentID, at t: Double) throws(LiveError) {
        let a = try externalAgent(agent, [.idle, .notReady], "log out")
        if agents[a].activity == .idle { removeIdle(agent: a) }
        groups[Int(agents[a].group)].onShift -= 1
        agents[a].activity = .offShift
        agents[a].since = max(t, now)
        noteAgent(a, at: agents[a].since)
    }

    /// Writes the record of the call whose wrap-up ends now.
    mutating func finishWrapUp(agent a: Int, at t: Double) {
        guard recording, var finished = wrapUpRecords[a] else { return }
        finished.wrapUpEnd = t
        emit(finished)
        wrapUpRecords[a] = nil
    }

    /// What an agent is doing, since when, and the call they are on.
    package func agentState(
        _ agent: AgentID
    ) -> (activity: AgentActivity, since: Double, call: CallID?, group: GroupID)? {
        guard agents.indices.contains(agent.index) else { return nil }
        let state = agents[agent.index]
        let call = state.call >= 0 ? CallID(slot: state.call, generation: calls[Int(state.call)].generation) : nil
        return (state.activity, state.since, call, GroupID(Int(state.group)))
    }

    package var agentCount: Int { agents.count }
}

/// A call to place.
package struct CallRequest: Sendable, Equatable {
    package enum Target: Sendable, Equatable {
        /// A number that leads into a flow.
        case entry(EntryID)
        /// Straight into a queue.
        case queue(QueueID)
    }

    package var target: Target
    /// The caller type (an index into the model's intents); `nil`: drawn from the entry's mix.
    package var intent: Int?
    package var caller: CallerKind
    /// The priority class in the queue (queue calls).
    package var priority: Int

    package init(target: Target, intent: Int? = nil, caller: CallerKind = .external, priority: Int = 0) {
        self.target = target
        self.intent = intent
        self.caller = caller
        self.priority = priority
    }
}

/// Who decides what a caller does.
package enum CallerKind: String, Sendable, Equatable, Codable {
    /// A person or a load generator: keys, phrases and hang-ups come by command; they never give up by themselves.
    /// What they cannot say by command is drawn from the caller model: cutting a play step short (barge-in).
    case external
    /// A person on the telephone (the SIP front): as `external`, and they hear every prompt whole unless they act,
    /// so a play step lasts its prompt's length.
    case telephone
    /// The scenario's caller model: the caller's path, patience and hang-ups are drawn as in a simulation.
    case modelled
}

/// Where a call is.
package enum CallLocation: Sendable, Equatable, Codable {
    /// In the IVR at a node (as `flow/node`), waiting for the caller's input or not.
    case ivr(node: String, awaitingInput: Bool)
    case waiting(QueueID)
    case talking(QueueID, AgentID)
    /// Offered to an agent on a telephone whose phone rings; the caller still waits.
    case ringing(QueueID, AgentID)
    case ended
}
