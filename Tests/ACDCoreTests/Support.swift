import ACDCore

/// Builders for small models used across the tests.
enum Models {
    /// One queue, one group, constant rate over `hours` one-hour intervals.
    static func single(
        agents: Int, callsPerHour: Double, handle: Distribution, patience: Distribution? = nil, hours: Int,
        warmup: Double = 0, wrapUp: Distribution = .deterministic(0), strategy: RoutingStrategy = .longestIdle,
        redial: Redial? = nil, definitions: MetricDefinitions = MetricDefinitions(), threshold: Double = 20
    ) -> CentreModel {
        CentreModel(
            queues: [
                Queue(
                    name: "q", volumes: Array(repeating: callsPerHour, count: hours), handleTime: handle,
                    patience: patience,
                    targets: Targets(serviceLevel: ServiceLevelTarget(threshold: threshold, share: 0.8)),
                    strategy: strategy, redial: redial)
            ],
            groups: [
                AgentGroup(
                    name: "g", skills: [Skill(queue: 0)], wrapUp: wrapUp, rota: .constant(agents, intervals: hours))
            ],
            intervalLength: 3600, intervalCount: hours, warmup: warmup, definitions: definitions)
    }

    /// A model with no arrivals of its own, for injected calls: `queues` queues and the given groups.
    static func scripted(
        queues: [(name: String, priority: Int)], groups: [AgentGroup], intervals: Int = 4, length: Double = 3600,
        strategy: RoutingStrategy = .longestIdle
    ) -> CentreModel {
        CentreModel(
            queues: queues.map {
                Queue(
                    name: $0.name, priority: $0.priority, volumes: Array(repeating: 0, count: intervals),
                    handleTime: .deterministic(60), strategy: strategy)
            },
            groups: groups, intervalLength: length, intervalCount: intervals)
    }
}

extension Engine {
    /// Runs to the end and returns the call records sorted by call serial.
    mutating func finishedRecords() -> [CallRecord] {
        runToCompletion()
        return drainRecords().sorted { $0.serial < $1.serial }
    }
}

/// The two-sided 99.7% normal quantile over the 95% one: comparisons against exact values use the 99.7% interval,
/// i.e. 1.5 times the reported 95% half-width, so that the ~30 independent comparisons of the suite pass together with
/// probability above 90% for a correct engine (Bonferroni), rather than about 20% at 95% each.
let bonferroniWidening = 2.9677 / 1.9600
