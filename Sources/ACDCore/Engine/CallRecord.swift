/// What happened to one offered call; the engine appends these when ``Engine/recordsCalls`` is on.
package struct CallRecord: Sendable, Equatable, Hashable {
    package enum Outcome: UInt8, Sendable {
        case answered
        case abandoned
        case shortAbandoned
        /// Left an IVR/EVR flow without reaching a queue (self-served, deflected, transferred, closed, hung up).
        case leftFlow
    }

    /// The call's number in offer order, from 0, within one replication.
    package var serial: Int
    /// The queue, or -1 for a caller who left a flow without queueing.
    package var queue: Int
    package var arrival: Double
    package var outcome: Outcome
    /// When the caller was answered or hung up.
    package var endOfWait: Double
    /// The agent who answered, or -1.
    package var agent: Int
    /// When the talk ended (answered calls), or `endOfWait`.
    package var talkEnd: Double
    /// 0 for a first call, 1 for a first redial, ...
    package var attempt: Int
}
