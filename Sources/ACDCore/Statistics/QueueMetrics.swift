/// The figures reported for one queue over some span of time (an interval, or the whole run), as defined in
/// docs/metrics.md.
package struct QueueMetrics: Sendable, Equatable {
    package var offered = 0.0
    package var answered = 0.0
    package var abandoned = 0.0
    package var shortAbandoned = 0.0
    package var redials = 0.0
    package var misrouted = 0.0
    package var unserved = 0.0
    package var callbacks = 0.0
    package var balked = 0.0
    /// Callers who found the queue full (its capacity) and heard busy; not part of `offered`.
    package var blocked = 0.0
    /// Average speed of answer: mean wait of answered calls, seconds.
    package var asa = 0.0
    /// Mean wait of all callers who waited or were answered (answered and abandoned), seconds.
    package var meanWait = 0.0
    /// Share answered within the threshold, on the chosen basis (0...1).
    package var serviceLevel = 0.0
    /// Share abandoned (short abandons excluded), on the chosen basis (0...1).
    package var abandonment = 0.0
    /// Mean talk plus wrap-up of answered calls, seconds.
    package var averageHandleTime = 0.0
    /// Callers of the intents the queue serves who finished the IVR (docs/metrics.md, "Deflection per queue").
    package var ivrCallers = 0.0
    /// Of those, the share the IVR self-served or deflected (signposted), and that share net of those who call again
    /// within the flow's repeat window.
    package var deflection = 0.0
    package var trueDeflection = 0.0
    package var p50 = 0.0
    package var p90 = 0.0
    package var p95 = 0.0
    package var p99 = 0.0
    package var maxWait = 0.0

    package init() {}

    /// The metrics of a tally under the model's definitions; percentiles come from `histogram` when given.
    package init(tally t: QueueTally, definitions: MetricDefinitions, histogram: WaitHistogram? = nil) {
        offered = Double(t.offered)
        answered = Double(t.answered)
        abandoned = Double(t.abandoned)
        shortAbandoned = Double(t.shortAbandoned)
        redials = Double(t.redials)
        misrouted = Double(t.misrouted)
        unserved = Double(t.unserved)
        callbacks = Double(t.callbacksMade)
        balked = Double(t.balked)
        blocked = Double(t.blocked)
        asa = t.answered > 0 ? t.waitAnswered / Double(t.answered) : 0
        let finished = t.answered + t.abandoned + t.shortAbandoned
        meanWait = finished > 0 ? (t.waitAnswered + t.waitAbandoned) / Double(finished) : 0
        let slBase: Int
        switch definitions.serviceLevel {
        case .answered: slBase = t.answered
        case .offered: slBase = t.answered + t.abandoned + t.shortAbandoned
        case .offeredLessShortAbandons: slBase = t.answered + t.abandoned
        }
        serviceLevel = slBase > 0 ? Double(t.answeredWithinThreshold) / Double(slBase) : 1
        let abandonBase: Int
        switch definitions.abandonment {
        case .offered: abandonBase = t.answered + t.abandoned + t.shortAbandoned
        case .queued: abandonBase = t.queued
        case .offeredLessShortAbandons: abandonBase = t.answered + t.abandoned
        }
        abandonment = abandonBase > 0 ? Double(t.abandoned) / Double(abandonBase) : 0
        averageHandleTime = t.answered > 0 ? (t.talk + t.wrapUp) / Double(t.answered) : 0
        maxWait = t.maxWait
        if let histogram {
            p50 = histogram.percentile(50)
            p90 = histogram.percentile(90)
            p95 = histogram.percentile(95)
            p99 = histogram.percentile(99)
        }
    }

    /// Adds the IVR figures of the caller types in `types` (all of them when `nil`) from a replication's flows.
    package mutating func addDeflection(_ flows: FlowTallies, types: [Int]?) {
        var callers = 0
        var contained = 0
        var callingBack = 0
        for k in types ?? Array(0..<flows.typeCounts.count / FlowTallies.typeStride) {
            let o = flows.typeOutcomes(k)
            callers += o.reduce(0, +)
            contained += o[o.startIndex + Int(FlowOutcome.selfServed.rawValue)]
            contained += o[o.startIndex + Int(FlowOutcome.deflected.rawValue)]
            callingBack += flows.typeCallingBack(k)
        }
        ivrCallers = Double(callers)
        deflection = callers > 0 ? Double(contained) / Double(callers) : 0
        trueDeflection = callers > 0 ? Double(contained - callingBack) / Double(callers) : 0
    }

    /// The value of one metric.
    package subscript(_ metric: QueueMetric) -> Double {
        switch metric {
        case .offered: offered
        case .answered: answered
        case .abandoned: abandoned
        case .shortAbandoned: shortAbandoned
        case .redials: redials
        case .misrouted: misrouted
        case .unserved: unserved
        case .callbacks: callbacks
        case .balked: balked
        case .blocked: blocked
        case .asa: asa
        case .meanWait: meanWait
        case .serviceLevel: serviceLevel
        case .abandonment: abandonment
        case .averageHandleTime: averageHandleTime
        case .ivrCallers: ivrCallers
        case .deflection: deflection
        case .trueDeflection: trueDeflection
        case .p50: p50
        case .p90: p90
        case .p95: p95
        case .p99: p99
        case .maxWait: maxWait
        }
    }
}

/// The metrics of ``QueueMetrics`` by their report names, in report order.
package enum QueueMetric: String, Sendable, CaseIterable, Codable {
    case offered
    case answered
    case abandoned
    case shortAbandoned = "short_abandoned"
    case redials
    case misrouted
    case unserved = "no_queue_serves"
    case callbacks
    case balked
    case blocked
    case asa
    case meanWait = "mean_wait"
    case serviceLevel = "service_level"
    case abandonment
    case averageHandleTime = "aht"
    case ivrCallers = "ivr_callers"
    case deflection
    case trueDeflection = "true_deflection"
    case p50 = "p50_wait"
    case p90 = "p90_wait"
    case p95 = "p95_wait"
    case p99 = "p99_wait"
    case maxWait = "max_wait"

    /// Whether the metric is reported per interval too (wait percentiles and the IVR figures are kept for the whole
    /// run only).
    package var isPerInterval: Bool {
        ![.p50, .p90, .p95, .p99, .ivrCallers, .deflection, .trueDeflection].contains(self)
    }

    /// Whether the value is a share (0...1) rather than a count or seconds.
    package var isShare: Bool { [.serviceLevel, .abandonment, .deflection, .trueDeflection].contains(self) }
}
