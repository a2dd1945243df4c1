extension CallRecord.Outcome {
    /// The record outcome of a caller who left a flow without queueing.
    init(_ outcome: FlowOutcome) {
        switch outcome {
        case .queued, .hungUp: self = .hungUp
        case .selfServed: self = .selfServed
        case .deflected: self = .deflected
        case .transferred: self = .transferred
        case .closed: self = .closed
        }
    }
}

extension Engine {
    /// The record of call `c` as it ends now with `outcome`; `endOfWait` is when it was answered or ended.
    func record(of c: Int32, outcome: CallRecord.Outcome, at endOfWait: Double) -> CallRecord {
        let slot = calls[Int(c)]
        let queued = slot.state == .waiting || slot.state == .answered
        return CallRecord(
            id: CallID(slot: c, generation: slot.generation), serial: slot.serial,
            entry: slot.entry >= 0 ? EntryID(Int(slot.entry)) : nil,
            intent: slot.intent >= 0 ? Int(slot.intent) : nil,
            path: recordsCalls ? callPaths[Int(c)] : [],
            queue: queued ? QueueID(Int(slot.queue)) : nil,
            firstQueue: slot.firstQueue >= 0 ? QueueID(Int(slot.firstQueue)) : nil,
            agent: slot.agent >= 0 ? AgentID(Int(slot.agent)) : nil,
            arrival: slot.dialled, ivrExit: slot.ivrExit >= 0 ? slot.ivrExit : nil,
            queueEntry: queued ? slot.arrival : nil, endOfWait: endOfWait, talkEnd: nil, wrapUpEnd: nil,
            outcome: outcome, attempt: Int(slot.attempt))
    }

    /// The record of an answered call whose talk ends now: written at once when its wrap-up time is known
    /// (`wrapUp`), or kept with the agent until they end their wrap-up (external agents, `nil`).
    mutating func recordAnswered(call c: Int32, agent a: Int, wrapUp: Double?, at t: Double) {
        var finished = record(of: c, outcome: .answered, at: agents[a].busySince)
        finished.talkEnd = t
        if let wrapUp {
            finished.wrapUpEnd = t + wrapUp
            emit(finished)
        } else {
            wrapUpRecords[a] = finished
        }
    }

    /// Turns call records on (for every call from now) or off.
    package mutating func setRecording(_ on: Bool) {
        recording = on
        if on {
            if callPaths.count < calls.count { callPaths += Array(repeating: [], count: calls.count - callPaths.count) }
            if wrapUpRecords.count < agents.count {
                wrapUpRecords += Array(repeating: nil, count: agents.count - wrapUpRecords.count)
            }
        }
    }

    /// The name of a flow node as records give it (a global step index): `flow/node`.
    package func nodeName(_ step: Int32) -> String { model.flowNodeName(step) }
}

extension CentreModel {
    /// The name of a flow step given by its global index (all flows' steps in model order), as call records give
    /// IVR paths: `flow/node`.
    package func flowNodeName(_ step: Int32) -> String {
        var base = 0
        for flow in flows {
            if Int(step) < base + flow.steps.count { return "\(flow.name)/\(flow.steps[Int(step) - base].name)" }
            base += flow.steps.count
        }
        return "step#\(step)"
    }
}
