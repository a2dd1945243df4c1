/// A queue callers wait in: its arrivals, its handle time, its callers' patience and its targets.
package struct Queue: Sendable, Equatable {
    package var name: String
    /// Higher is served first when an agent could take calls from several queues at the same skill level.
    package var priority: Int
    /// Expected calls offered in each interval of the period (a non-homogeneous Poisson process, constant rate
    /// within each interval). Its count equals the model's interval count.
    package var volumes: [Double]
    /// Talk time (including hold) of an answered call.
    package var handleTime: Distribution
    /// How long a caller waits before hanging up; `nil` means callers never abandon.
    package var patience: Distribution?
    package var targets: Targets
    /// How an arriving call picks among idle agents.
    package var strategy: RoutingStrategy
    /// What abandoned callers do next.
    package var redial: Redial?
    /// Intents (indices into the model's intents) this queue serves; empty means any. A caller from a flow whose
    /// intent the queue does not serve is misrouted: the agent spends `misrouteHandle` on it and transfers it to the
    /// first queue that does serve it.
    package var serves: [Int] = []
    /// The agent's time to deal with and transfer a misrouted call.
    package var misrouteHandle: Distribution = .deterministic(60)
    /// Call priorities used in this queue (0 ..< classes); higher is served first, first come first served within.
    package var priorityClasses = 1
    /// A callback offered to waiting callers, if any.
    package var callback: CallbackOffer?
    /// What callers are told on joining the queue, if anything.
    package var announcement: Announcement?
    /// Figures published for this queue (to show beside the simulated ones), if any.
    package var published: PublishedFigures?
    /// Calls that may wait at once, as real ACDs bound a queue (Asterisk's `maxlen`); callers beyond it hear busy
    /// and are counted as blocked. `Int.max` for no bound.
    package var capacity = Queue.defaultCapacity

    /// The capacity of a queue whose scenario sets none: far above any real centre's queue, small enough that an
    /// overloaded run keeps its memory (about 200 bytes a waiting call).
    package static let defaultCapacity = 10_000

    package init(
        name: String, priority: Int = 0, volumes: [Double], handleTime: Distribution,
        patience: Distribution? = nil, targets: Targets = Targets(), strategy: RoutingStrategy = .longestIdle,
        redial: Redial? = nil
    ) {
        self.name = name
        self.priority = priority
        self.volumes = volumes
        self.handleTime = handleTime
        self.patience = patience
        self.targets = targets
        self.strategy = strategy
        self.redial = redial
    }
}

/// A queue's targets. Any may be absent; a metric without a target is reported without a verdict.
package struct Targets: Sendable, Equatable {
    /// Average speed of answer, seconds.
    package var asa: Double?
    /// Abandoned share, a fraction (0.08 for 8%), on the basis the model's ``MetricDefinitions`` chooses.
    package var abandonment: Double?
    /// Service level: at least `share` of calls answered within `threshold` seconds.
    package var serviceLevel: ServiceLevelTarget?
    /// Deflection: at least this share (a fraction) of the callers whose intents the queue serves are self-served or
    /// signposted by the IVR.
    package var deflection: Double?
    /// The threshold used to report a service level when no target sets one (20 s unless overridden).
    package var serviceLevelThresholdOverride: Double?
    /// The service-level threshold of this queue: the target's, else the override, else 20 s.
    package var serviceLevelThreshold: Double { serviceLevel?.threshold ?? serviceLevelThresholdOverride ?? 20 }

    package init(asa: Double? = nil, abandonment: Double? = nil, serviceLevel: ServiceLevelTarget? = nil) {
        self.asa = asa
        self.abandonment = abandonment
        self.serviceLevel = serviceLevel
    }
}

package struct ServiceLevelTarget: Sendable, Equatable {
    /// Seconds.
    package var threshold: Double
    /// A fraction (0.8 for 80%).
    package var share: Double

    package init(threshold: Double, share: Double) {
        self.threshold = threshold
        self.share = share
    }
}

/// Abandoned callers who call again: each does so with `probability`, after a delay drawn from `delay`,
/// as a new offered call, at most `maxAttempts` times per original call.
package struct Redial: Sendable, Equatable {
    package var probability: Double
    package var delay: Distribution
    package var maxAttempts: Int

    package init(probability: Double, delay: Distribution, maxAttempts: Int = 3) {
        self.probability = probability
        self.delay = delay
        self.maxAttempts = maxAttempts
    }
}

/// A queue's published figures, e.g. from an annual report: shown beside the simulation, never used by it.
package struct PublishedFigures: Sendable, Equatable {
    /// What the figures are, e.g. "2019-20".
    package var label: String
    package var asa: Double?
    package var abandonment: Double?

    package init(label: String, asa: Double? = nil, abandonment: Double? = nil) {
        self.label = label
        self.asa = asa
        self.abandonment = abandonment
    }
}

/// Callers waiting long, or far back in the queue, are offered a callback: those who accept keep their place but no
/// longer hang up; when their turn comes an agent calls them back, which takes `dialTime` more.
package struct CallbackOffer: Sendable, Equatable {
    /// Offer after this many seconds of waiting (`nil`: not by time).
    package var after: Double?
    /// Offer on joining at this position or further back, 1 being the front (`nil`: not by position).
    package var position: Int?
    package var accept: Double
    package var dialTime: Double

    package init(after: Double? = nil, position: Int? = nil, accept: Double, dialTime: Double = 20) {
        self.after = after
        self.position = position
        self.accept = accept
        self.dialTime = dialTime
    }
}

/// An announcement on joining the queue. Callers told their position or expected wait who would not wait that long
/// hang up after hearing it (balking), instead of waiting and abandoning later.
package struct Announcement: Sendable, Equatable {
    package enum Kind: String, Sendable {
        case position
        case expectedWait = "expected_wait"
    }
    package var kind: Kind
    /// How long the announcement lasts.
    package var duration: Double

    package init(kind: Kind, duration: Double = 8) {
        self.kind = kind
        self.duration = duration
    }
}

/// How an arriving call chooses among the idle agents of the best skill level for its queue.
package enum RoutingStrategy: String, Sendable, CaseIterable, Equatable {
    /// The agent idle the longest (the ACD default; fair in occupancy).
    case longestIdle = "longest-idle"
    /// Agents in turn, after the last one this queue used.
    case roundRobin = "round-robin"
    /// The agent who has answered the fewest calls so far; ties go to the longest idle.
    case fewestCalls = "fewest-calls"
    /// The agent with the least talk time so far; ties go to the longest idle.
    case leastTalkTime = "least-talk-time"
    /// Any idle agent, uniformly at random (from the routing stream).
    case random = "random"
}
