/// Everything the engine needs to simulate one contact centre over one period.
package struct CentreModel: Sendable, Equatable {
    package var queues: [Queue]
    package var groups: [AgentGroup]
    /// Seconds per interval (900, 1800, 3600).
    package var intervalLength: Double
    /// Intervals in the period; every queue's volumes and every rota cover exactly this many.
    package var intervalCount: Int
    /// Calls arriving before this many seconds are simulated but not counted (steady-state runs).
    package var warmup: Double
    package var definitions: MetricDefinitions
    /// Callers' intents (what they call about), by name; flows route on them and entries mix them.
    package var intents: [String]
    /// IVR and EVR flows.
    package var flows: [CallFlow]
    /// Numbers callers dial that lead into a flow (in addition to queues' own arrivals).
    package var entries: [Entry]

    package init(
        queues: [Queue], groups: [AgentGroup], intervalLength: Double, intervalCount: Int, warmup: Double = 0,
        definitions: MetricDefinitions = MetricDefinitions(), intents: [String] = [], flows: [CallFlow] = [],
        entries: [Entry] = []
    ) {
        self.intents = intents
        self.flows = flows
        self.entries = entries
        self.queues = queues
        self.groups = groups
        self.intervalLength = intervalLength
        self.intervalCount = intervalCount
        self.warmup = warmup
        self.definitions = definitions
    }

    /// Seconds from the start of the period to its end.
    package var horizon: Double { intervalLength * Double(intervalCount) }

    /// Problems that would make a run meaningless, as sentences; empty when the model is sound.
    /// File formats check their own input first and report locations; this is the engine's last line of defence.
    package func problems() -> [String] {
        var out: [String] = []
        if intervalLength <= 0 { out.append("interval length must be positive") }
        if intervalCount <= 0 { out.append("the period must hold at least one interval") }
        if queues.isEmpty { out.append("the model has no queue") }
        for queue in queues {
            if queue.volumes.count != intervalCount {
                out.append(
                    "queue \(queue.name): \(queue.volumes.count) interval volumes for a period of \(intervalCount)")
            }
            if queue.capacity < 1 { out.append("queue \(queue.name): the capacity must be at least 1 call") }
            if queue.priorityClasses < 1 || queue.priorityClasses > 16 {
                out.append("queue \(queue.name): between 1 and 16 priority classes")
            }
            if queue.volumes.contains(where: { !($0 >= 0) || !$0.isFinite }) {
                out.append("queue \(queue.name): volumes must be finite and not negative")
            }
        }
        for group in groups {
            if group.rota.headcount.count != intervalCount {
                out.append(
                    "group \(group.name): rota has \(group.rota.headcount.count) intervals for a period of \(intervalCount)")
            }
            if group.rota.headcount.contains(where: { $0 < 0 }) { out.append("group \(group.name): negative headcount") }
            for skill in group.skills where !queues.indices.contains(skill.queue) {
                out.append("group \(group.name): skill names queue #\(skill.queue), which does not exist")
            }
        }
        for flow in flows {
            out += flow.problems(intents: intents.count, queues: queues.count, intervals: intervalCount)
        }
        for entry in entries {
            if !flows.indices.contains(entry.flow) { out.append("entry \(entry.name): no flow #\(entry.flow)") }
            if entry.volumes.count != intervalCount {
                out.append("entry \(entry.name): \(entry.volumes.count) interval volumes for a period of \(intervalCount)")
            }
            if entry.volumes.contains(where: { !($0 >= 0) || !$0.isFinite }) {
                out.append("entry \(entry.name): volumes must be finite and not negative")
            }
            if entry.intentMix.count != intents.count || entry.intentMix.contains(where: { !($0 >= 0) })
                || entry.intentMix.reduce(0, +) <= 0
            {
                out.append("entry \(entry.name): the intent mix needs one non-negative share per intent, not all zero")
            }
        }
        return out
    }
}

/// The definitions the industry disagrees on; a scenario chooses (docs/metrics.md defines each).
package struct MetricDefinitions: Sendable, Equatable {
    package enum ServiceLevelBasis: String, Sendable, CaseIterable {
        /// Answered within the threshold / answered.
        case answered
        /// Answered within the threshold / offered.
        case offered
        /// Answered within the threshold / (offered - short abandons).
        case offeredLessShortAbandons = "offered-less-short-abandons"
    }

    package enum AbandonmentBasis: String, Sendable, CaseIterable {
        /// Abandoned (not short) / offered.
        case offered
        /// Abandoned (not short) / calls that had to queue.
        case queued
        /// Abandoned (not short) / (offered - short abandons).
        case offeredLessShortAbandons = "offered-less-short-abandons"
    }

    package var serviceLevel: ServiceLevelBasis
    package var abandonment: AbandonmentBasis
    /// Callers who hang up within this many seconds are short abandons: reported, not counted as abandoned.
    package var shortAbandonThreshold: Double

    package init(
        serviceLevel: ServiceLevelBasis = .answered, abandonment: AbandonmentBasis = .offered,
        shortAbandonThreshold: Double = 0
    ) {
        self.serviceLevel = serviceLevel
        self.abandonment = abandonment
        self.shortAbandonThreshold = shortAbandonThreshold
    }
}
