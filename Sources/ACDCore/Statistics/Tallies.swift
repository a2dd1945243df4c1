import Foundation
import Histogram

/// Counts and sums for one queue in one interval of one replication. Calls are attributed to the interval in which
/// they arrived (the industry's "offered interval" convention).
package struct QueueTally: Sendable, Equatable, Codable {
    package var offered = 0
    /// Calls that found no idle agent and waited.
    package var queued = 0
    package var answered = 0
    /// Abandons that waited at least the short-abandon threshold.
    package var abandoned = 0
    /// Abandons that hung up within the short-abandon threshold.
    package var shortAbandoned = 0
    /// Answered within the queue's service-level threshold.
    package var answeredWithinThreshold = 0
    /// Abandoned (not short) within the service-level threshold: some definitions exclude them.
    package var abandonedWithinThreshold = 0
    /// Offered calls that were redials of an abandoned call.
    package var redials = 0
    /// Offered calls that found the queue at its capacity and heard busy (not counted as offered).
    package var blocked = 0
    /// Answered calls whose caller wanted another queue's service (transferred by the agent).
    package var misrouted = 0
    /// Answered calls whose caller's intent no queue serves: answered where they landed, with nowhere to transfer.
    package var unserved = 0
    /// Callers who accepted a callback offer, and callbacks made (answered calls that were callbacks).
    package var callbacksAccepted = 0
    package var callbacksMade = 0
    /// Abandoned callers who hung up on hearing the announcement (included in `abandoned`/`shortAbandoned`).
    package var balked = 0
    /// Sum of the waits of answered calls, seconds.
    package var waitAnswered = 0.0
    /// Sum of the waits of abandoned calls (short ones included), seconds.
    package var waitAbandoned = 0.0
    /// Sum of talk times of answered calls, seconds.
    package var talk = 0.0
    /// Sum of wrap-up times of answered calls, seconds.
    package var wrapUp = 0.0
    /// Longest wait of an answered call.
    package var maxWait = 0.0

    package init() {}

    package mutating func add(_ other: QueueTally) {
        offered += other.offered
        queued += other.queued
        answered += other.answered
        abandoned += other.abandoned
        shortAbandoned += other.shortAbandoned
        answeredWithinThreshold += other.answeredWithinThreshold
        abandonedWithinThreshold += other.abandonedWithinThreshold
        redials += other.redials
        blocked += other.blocked
        misrouted += other.misrouted
        unserved += other.unserved
        callbacksAccepted += other.callbacksAccepted
        callbacksMade += other.callbacksMade
        balked += other.balked
        waitAnswered += other.waitAnswered
        waitAbandoned += other.waitAbandoned
        talk += other.talk
        wrapUp += other.wrapUp
        maxWait = max(maxWait, other.maxWait)
    }
}

/// Time accounting for one agent group in one interval of one replication.
package struct GroupTally: Sendable, Equatable {
    /// Seconds agents spent talking or in wrap-up inside the interval.
    package var busy = 0.0
    /// Seconds agents stayed past the end of their shift to finish a call, counted in the interval where the shift
    /// ended.
    package var overtime = 0.0
    package var answered = 0

    package init() {}

    package mutating func add(_ other: GroupTally) {
        busy += other.busy
        overtime += other.overtime
        answered += other.answered
    }
}

/// Waiting times of answered calls for one queue, in milliseconds, with two significant digits (1% resolution).
package struct WaitHistogram: Sendable {
    package var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 7 * 86_400_000, numberOfSignificantValueDigits: .two)

    package init() {}

    package mutating func record(seconds: Double) {
        let ms = UInt64(min(max(seconds, 0) * 1000, 7 * 86_400_000))
        _ = histogram.record(ms)
    }

    /// The value at a percentile (0...100), seconds. Zero when nothing was recorded.
    package func percentile(_ p: Double) -> Double {
        histogram.totalCount == 0 ? 0 : Double(histogram.valueAtPercentile(p)) / 1000
    }

    package var count: UInt64 { histogram.totalCount }

    /// Adds another histogram's counts (for "all queues" figures).
    package mutating func add(_ other: WaitHistogram) { histogram.add(other.histogram) }
}
