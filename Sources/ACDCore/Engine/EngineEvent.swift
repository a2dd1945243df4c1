/// A moment in a call's or an agent's life, as the live engine reports it (the daemon's event stream). The engine
/// keeps them only while it records calls (``Engine/recordsCalls``); the simulator never pays for them.
package struct EngineEvent: Sendable, Equatable {
    package enum Kind: UInt8, Sendable {
        /// A call was placed (`call`, `entry` or `queue`).
        case callArrived
        /// A call joined a queue (`call`, `queue`).
        case callQueued
        /// An agent answered a call (`call`, `queue`, `agent`).
        case callAnswered
        /// A call is offered to an agent on a telephone, whose phone must ring (`call`, `queue`, `agent`).
        case callRinging
        /// A call ended (`call`, `outcome`; `queue` and `agent` when it had them).
        case callEnded
        /// An agent's state changed (`agent`, `activity`).
        case agentState
        /// An external caller is at a step that waits for their input (`call`, `entry`, `step`, `intent`).
        case callPrompted
        /// An external caller is at a step that plays for a time (`call`, `entry`, `step`, `intent`).
        case callPlaying
    }

    package var time: Double
    package var kind: Kind
    package var call: CallID?
    package var entry: EntryID?
    package var queue: QueueID?
    package var agent: AgentID?
    package var activity: AgentActivity?
    package var outcome: CallRecord.Outcome?
    /// The flow step (global index) a `callPrompted` caller is at, and their caller type there.
    package var step: Int32?
    package var intent: Int16?
}

extension Engine {
    /// Ends a call's record: kept for ``drainRecords()``, and reported as a `callEnded` event.
    mutating func emit(_ record: CallRecord) {
        records.append(record)
        guard reportsEvents else { return }
        let at = record.wrapUpEnd ?? record.talkEnd ?? record.endOfWait
        events.append(
            EngineEvent(
                time: max(at, now), kind: .callEnded, call: record.id, entry: record.entry, queue: record.queue,
                agent: record.agent, outcome: record.outcome))
    }

    /// Reports call `c`'s arrival, queueing or answer (while recording).
    @inline(__always)
    mutating func note(_ kind: EngineEvent.Kind, call c: Int32, at t: Double) {
        guard reportsEvents else { return }
        let slot = calls[Int(c)]
        let inQueue = kind != .callArrived || slot.state == .waiting || slot.state == .answered || slot.state == .ringing
        events.append(
            EngineEvent(
                time: t, kind: kind, call: CallID(slot: c, generation: slot.generation),
                entry: slot.entry >= 0 ? EntryID(Int(slot.entry)) : nil,
                queue: inQueue && slot.queue >= 0 ? QueueID(Int(slot.queue)) : nil,
                agent: (kind == .callAnswered || kind == .callRinging) && slot.agent >= 0 ? AgentID(Int(slot.agent)) : nil))
    }

    /// Reports that external caller `c` waits for input at `step`, or hears a timed step (`callPlaying`).
    mutating func notePrompt(call c: Int32, step: Int, at t: Double, kind: EngineEvent.Kind = .callPrompted) {
        guard reportsEvents else { return }
        let slot = calls[Int(c)]
        events.append(
            EngineEvent(
                time: t, kind: kind, call: CallID(slot: c, generation: slot.generation),
                entry: slot.entry >= 0 ? EntryID(Int(slot.entry)) : nil, step: Int32(step), intent: slot.intent))
    }

    /// Reports agent `a`'s state (while recording).
    @inline(__always)
    mutating func noteAgent(_ a: Int, at t: Double) {
        guard reportsEvents else { return }
        events.append(EngineEvent(time: t, kind: .agentState, agent: AgentID(a), activity: agents[a].activity))
    }

    /// Takes the events reported since the last call, in the order they happened.
    package mutating func drainEvents() -> [EngineEvent] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }
}
