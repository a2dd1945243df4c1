/// What the live engine shows of itself at one moment: cheap enough to take ten times a second. `Codable`, so the
/// daemon's API, its wallboard and its metrics read the same values.
package struct LiveSnapshot: Sendable, Codable, Equatable {
    /// Simulated seconds from the start of the model's period, and the day number (from 0).
    package var time: Double
    package var day: Int
    package var queues: [LiveQueue]
    package var entries: [LiveEntry]
    package var agents: [LiveAgent]
    /// Calls in the system (empty unless asked for).
    package var calls: [LiveCall]
    /// Records the stream's buffer was too full to take (see ``LiveEngine/records``).
    package var recordsDropped: Int
}

/// One queue now and today, against its targets.
package struct LiveQueue: Sendable, Codable, Equatable {
    package var id: QueueID
    package var name: String
    package var waiting: Int
    /// Seconds the longest-waiting call has waited.
    package var longestWait: Double
    /// Agents of the groups that answer the queue, by state.
    package var agents: AgentCounts
    package var today: QueueDay
}

/// Agents by state.
package struct AgentCounts: Sendable, Codable, Equatable {
    package var ready = 0
    package var talking = 0
    package var wrapUp = 0
    package var notReady = 0
    package var loggedOut = 0
    /// Agents on telephones whose phone rings with a call.
    package var ringing = 0

    package init() {}

    mutating func add(_ counts: [Int]) {
        ready += counts[Int(AgentActivity.idle.rawValue)]
        talking += counts[Int(AgentActivity.talking.rawValue)]
        wrapUp += counts[Int(AgentActivity.wrapUp.rawValue)]
        notReady += counts[Int(AgentActivity.notReady.rawValue)]
        loggedOut += counts[Int(AgentActivity.offShift.rawValue)]
        ringing += counts[Int(AgentActivity.ringing.rawValue)]
    }
}

/// A queue's figures for a day so far, with the model's definitions, and whether each meets its target.
package struct QueueDay: Sendable, Codable, Equatable {
    package var offered: Int
    package var answered: Int
    package var abandoned: Int
    package var blocked: Int
    /// Average speed of answer, seconds.
    package var asa: Double
    /// Shares, as fractions.
    package var abandonment: Double
    package var serviceLevel: Double
    package var targets: QueueTargets
    /// Callers of the intents the queue serves who finished the IVR today, and the share of them the IVR self-served
    /// or signposted (docs/metrics.md, "Deflection per queue").
    package var ivrCallers: Int
    package var deflection: Double
    /// `nil` where the queue has no such target (or nothing was offered yet).
    package var asaMet: Bool?
    package var abandonmentMet: Bool?
    package var serviceLevelMet: Bool?
    package var deflectionMet: Bool?

    /// - Parameter ivr: IVR outcomes of the callers whose intents the queue serves (`FlowOutcome.rawValue` order).
    init(tally: QueueTally, queue: Queue, definitions: MetricDefinitions, ivr: [Int]) {
        let m = QueueMetrics(tally: tally, definitions: definitions)
        offered = tally.offered
        answered = tally.answered
        abandoned = tally.abandoned
        blocked = tally.blocked
        asa = m.asa
        abandonment = m.abandonment
        serviceLevel = m.serviceLevel
        targets = QueueTargets(queue.targets)
        let any = tally.offered > 0
        asaMet = queue.targets.asa.flatMap { any ? m.asa <= $0 : nil }
        abandonmentMet = queue.targets.abandonment.flatMap { any ? m.abandonment <= $0 : nil }
        serviceLevelMet = queue.targets.serviceLevel.flatMap { any ? m.serviceLevel >= $0.share : nil }
        ivrCallers = ivr.reduce(0, +)
        let contained = ivr[Int(FlowOutcome.selfServed.rawValue)] + ivr[Int(FlowOutcome.deflected.rawValue)]
        deflection = ivrCallers > 0 ? Double(contained) / Double(ivrCallers) : 0
        deflectionMet = queue.targets.deflection.flatMap { ivrCallers > 0 ? deflection >= $0 : nil }
    }
}

/// A queue's targets as plain numbers.
package struct QueueTargets: Sendable, Codable, Equatable {
    package var asa: Double?
    package var abandonment: Double?
    package var serviceLevel: Double?
    package var serviceLevelThreshold: Double
    package var deflection: Double?

    init(_ targets: Targets) {
        deflection = targets.deflection
        asa = targets.asa
        abandonment = targets.abandonment
        serviceLevel = targets.serviceLevel?.share
        serviceLevelThreshold = targets.serviceLevelThreshold
    }
}

/// One entry (a number callers dial) today: how its callers' time in the IVR ended.
package struct LiveEntry: Sendable, Codable, Equatable {
    package var id: EntryID
    package var name: String
    package var callers: Int
    package var queued: Int
    package var selfServed: Int
    package var deflected: Int
    package var transferred: Int
    package var closed: Int
    package var hungUp: Int
    /// Self-served and deflected over callers.
    package var deflection: Double
}

package struct LiveAgent: Sendable, Codable, Equatable {
    package var id: AgentID
    /// The name the agent logged in with (external agents).
    package var name: String?
    package var group: String
    package var state: AgentActivity
    package var since: Double
    package var call: CallID?
    package var reason: String?
}

package struct LiveCall: Sendable, Codable, Equatable {
    package var id: CallID
    package var location: CallLocation
    package var dialled: Double
}

/// One finished day of the live engine: per queue, per interval of the day, its tallies; per entry, its outcomes.
package struct LiveDay: Sendable, Codable, Equatable {
    package var day: Int
    /// `[queue][interval of the day]`.
    package var queues: [[QueueTally]]
    /// `[entry][FlowOutcome.rawValue]`.
    package var entryOutcomes: [[Int]]
    /// `[caller type][FlowOutcome.rawValue]`.
    package var typeOutcomes: [[Int]]
}
