/// What happened to one offered call; the engine appends these when ``Engine/recordsCalls`` is on.
package struct CallRecord: Sendable, Equatable, Hashable {
    package enum Outcome: UInt8, Sendable {
        case answered
        case abandoned
        case shortAbandoned
    }

    /// The call's number in offer order, from 0, within one replication.
    package var serial: Int
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
