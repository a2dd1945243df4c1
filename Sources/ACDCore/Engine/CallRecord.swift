/// What happened to one call, from dialling to its end: one record per call, written when the call has ended.
///
/// The simulator (`acdd simulate --records`) and the live engine write the same records, so a live day and a simulated
/// day share one schema. Times are seconds from the engine's start; absent ones are `nil`.
package struct CallRecord: Sendable, Equatable, Hashable, Codable {
    package enum Outcome: String, Sendable, Codable, CaseIterable {
        /// Answered by an agent (talk and wrap-up over).
        case answered
        /// Hung up while waiting in a queue.
        case abandoned
        /// Hung up in a queue within the short-abandon threshold.
        case shortAbandoned = "short-abandoned"
        /// Found the queue full (its capacity) and heard busy.
        case blocked
        /// Completed their task in the IVR.
        case selfServed = "self-served"
        /// Satisfied by a message and hung up.
        case deflected
        /// Sent on to another number outside the centre.
        case transferred
        /// Called when the line was closed.
        case closed
        /// Hung up in the IVR.
        case hungUp = "hung-up"
        /// Still in the system when the engine stopped.
        case shutdown
        /// In the system when the daemon died; recorded on the next start.
        case lost
    }

    package var id: CallID
    /// The call's number in dialling order, from 0, within one run.
    package var serial: Int
    package var entry: EntryID?
    /// The caller type (intent with attributes) the call ended with, as an index into the model's intents.
    package var intent: Int?
    /// IVR nodes visited, in order, as global step indices of the nodes' first steps (``Engine/nodeName(_:)``).
    package var path: [Int32]
    /// The queue the call ended in; `firstQueue` is the queue it was first offered to, when it was transferred.
    package var queue: QueueID?
    package var firstQueue: QueueID?
    package var agent: AgentID?
    package var arrival: Double
    package var ivrExit: Double?
    /// When the call joined its (last) queue.
    package var queueEntry: Double?
    /// When the caller was answered, or hung up, or the call otherwise ended.
    package var endOfWait: Double
    /// Answered calls: when the talk ended.
    package var talkEnd: Double?
    package var wrapUpEnd: Double?
    package var outcome: Outcome
    /// 0 for a first call, 1 for a first redial, ...
    package var attempt: Int

    package init(
        id: CallID, serial: Int, entry: EntryID?, intent: Int?, path: [Int32], queue: QueueID?, firstQueue: QueueID?,
        agent: AgentID?, arrival: Double, ivrExit: Double?, queueEntry: Double?, endOfWait: Double, talkEnd: Double?,
        wrapUpEnd: Double?, outcome: Outcome, attempt: Int
    ) {
        (self.id, self.serial, self.entry, self.intent, self.path) = (id, serial, entry, intent, path)
        (self.queue, self.firstQueue, self.agent) = (queue, firstQueue, agent)
        (self.arrival, self.ivrExit, self.queueEntry, self.endOfWait) = (arrival, ivrExit, queueEntry, endOfWait)
        (self.talkEnd, self.wrapUpEnd, self.outcome, self.attempt) = (talkEnd, wrapUpEnd, outcome, attempt)
    }
}
