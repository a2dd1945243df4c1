import Foundation

/// Results over all replications: per queue and per group, each metric with its 95% confidence interval, and the
/// verdict against each target.
package struct Summary: Sendable {
    package let model: CentreModel
    package let results: [ReplicationResult]
    package let queues: [QueueSummary]
    /// All queues together.
    package let total: QueueSummary
    package let groups: [GroupSummary]

    package var replications: Int { results.count }
    /// The name of the row of all queues together.
    package static let allQueues = "All queues"
    /// The first replication that stopped early, and why: its figures are meaningless.
    package var fault: (replication: Int, fault: EngineFault)? {
        results.lazy.compactMap { r in r.fault.map { (r.replication, $0) } }.first
    }

    package init(model: CentreModel, results: [ReplicationResult]) {
        self.model = model
        self.results = results
        queues = model.queues.indices.map { q in
            QueueSummary(
                name: model.queues[q].name, targets: model.queues[q].targets,
                perReplication: results.map { $0.queueMetrics(q, model: model) })
        }
        total = QueueSummary(
            name: Self.allQueues, targets: Targets(), perReplication: results.map { $0.totalMetrics(model: model) })
        groups = model.groups.indices.map { g in
            GroupSummary(model: model, group: g, results: results)
        }
    }

    /// Metrics of queue `q` in each interval, each an estimate over replications.
    package func intervalMetrics(queue q: Int) -> [[Estimate]] {
        let n = model.intervalCount
        return (0..<n).map { i in
            let values = results.map {
                QueueMetrics(tally: $0.queueIntervals[q * n + i], definitions: model.definitions)
            }
            return QueueMetric.allCases.map { metric in Estimate(values.map { $0[metric] }) }
        }
    }

    /// Metrics of queue `q` over each span of intervals (a day, a month), each an estimate over replications.
    package func spanMetrics(queue q: Int, spans: [Range<Int>]) -> [[Estimate]] {
        let n = model.intervalCount
        return spans.map { span in
            let values = results.map { result in
                var tally = QueueTally()
                for i in span { tally.add(result.queueIntervals[q * n + i]) }
                return QueueMetrics(tally: tally, definitions: model.definitions)
            }
            return QueueMetric.allCases.map { metric in Estimate(values.map { $0[metric] }) }
        }
    }

    /// Group `g` over each span of intervals: agent-hours on the rota, occupancy, and overtime hours (mean over
    /// replications).
    package func spanFigures(
        group g: Int, spans: [Range<Int>]
    ) -> [(hours: Double, occupancy: Estimate, overtime: Double)] {
        let n = model.intervalCount
        return spans.map { span in
            let staffed = span.reduce(0.0) { $0 + model.staffedSeconds(group: g, interval: $1) }
            var overtime = 0.0
            let occupancy = Estimate(
                results.map { result in
                    var tally = GroupTally()
                    for i in span { tally.add(result.groupIntervals[g * n + i]) }
                    overtime += tally.overtime
                    return GroupSummary.occupancy(busy: tally.busy, staffed: staffed, overtime: tally.overtime)
                })
            return (staffed / 3600, occupancy, overtime / Double(max(1, replications)) / 3600)
        }
    }

    /// Occupancy of group `g` in each interval.
    package func intervalOccupancy(group g: Int) -> [Estimate] {
        spanFigures(group: g, spans: (0..<model.intervalCount).map { $0..<($0 + 1) }).map(\.occupancy)
    }

    /// Whether every targeted metric of every queue has a half-width within the goal.
    package func meets(_ goal: PrecisionGoal) -> Bool { replications >= 2 && shortfalls(of: goal).isEmpty }

    /// The targeted metrics whose half-width is wider than the goal, in queue order.
    package func shortfalls(of goal: PrecisionGoal) -> [PrecisionShortfall] {
        var out: [PrecisionShortfall] = []
        for queue in queues {
            let t = queue.targets
            let share = goal.sharePoints.map { $0 / 100 }
            let checks: [(QueueMetric, Bool, Double?)] = [
                (.asa, t.asa != nil, goal.asaSeconds), (.abandonment, t.abandonment != nil, share),
                (.serviceLevel, t.serviceLevel != nil, share),
            ]
            for (metric, targeted, absolute) in checks where targeted {
                let estimate = queue[metric]
                guard !goal.accepts(estimate, absolute: absolute) else { continue }
                let wanted = absolute ?? (goal.relative ?? 0) * abs(estimate.mean)
                out.append(PrecisionShortfall(queue: queue.name, metric: metric, estimate: estimate, goal: wanted))
            }
        }
        return out
    }
}

/// A targeted metric still less precise than `--precision` asks: its half-width against the goal's.
package struct PrecisionShortfall: Sendable, Equatable {
    package var queue: String
    package var metric: QueueMetric
    package var estimate: Estimate
    package var goal: Double
}

/// One queue's estimates.
package struct QueueSummary: Sendable {
    package let name: String
    package let targets: Targets
    /// Estimates in the order of ``QueueMetric/allCases``.
    package let estimates: [Estimate]

    init(name: String, targets: Targets, perReplication: [QueueMetrics]) {
        self.name = name
        self.targets = targets
        estimates = QueueMetric.allCases.map { metric in Estimate(perReplication.map { $0[metric] }) }
    }

    package subscript(_ metric: QueueMetric) -> Estimate {
        estimates[QueueMetric.allCases.firstIndex(of: metric)!]
    }

    package var offered: Estimate { self[.offered] }
    package var answered: Estimate { self[.answered] }
    package var abandoned: Estimate { self[.abandoned] }
    package var asa: Estimate { self[.asa] }
    package var serviceLevel: Estimate { self[.serviceLevel] }
    package var abandonment: Estimate { self[.abandonment] }

    package var asaVerdict: Verdict? { targets.verdict(.asa, asa) }
    package var abandonmentVerdict: Verdict? { targets.verdict(.abandonment, abandonment) }
    package var serviceLevelVerdict: Verdict? { targets.verdict(.serviceLevel, serviceLevel) }
}

extension Targets {
    /// The target of a metric, if it has one: ASA in seconds, abandonment and service level as shares.
    package func value(of metric: QueueMetric) -> Double? {
        switch metric {
        case .asa: asa
        case .abandonment: abandonment
        case .serviceLevel: serviceLevel?.share
        case .deflection: deflection
        default: nil
        }
    }

    /// An estimate of a metric against its target; `nil` when the metric has no target.
    package func verdict(_ metric: QueueMetric, _ estimate: Estimate) -> Verdict? {
        guard let target = value(of: metric) else { return nil }
        return Self.isFloor(metric) ? Verdict(estimate, atLeast: target) : Verdict(estimate, atMost: target)
    }

    /// Whether the target of `metric` is a floor (service level, deflection) rather than a ceiling.
    static func isFloor(_ metric: QueueMetric) -> Bool { metric == .serviceLevel || metric == .deflection }

    /// The target of `metric` as reports write it: `≤180s`, `≤8%`, `≥80%`.
    package static func text(_ metric: QueueMetric, _ value: Double) -> String {
        let bound = isFloor(metric) ? "≥" : "≤"
        return metric.isShare
            ? "\(bound)\(String(format: "%g", value * 100))%" : "\(bound)\(String(format: "%g", value))s"
    }

    /// The target of `metric` and the verdict on `estimate`: `≤180s missed?`; empty without a target.
    package func verdictText(_ metric: QueueMetric, _ estimate: Estimate) -> String {
        guard let value = value(of: metric), let verdict = verdict(metric, estimate) else { return "" }
        return "\(Self.text(metric, value)) \(verdict.label)"
    }
}

/// A metric against its target: met or missed by the mean, and whether the confidence interval agrees.
package struct Verdict: Sendable, Equatable {
    package var met: Bool
    /// False when the target lies inside the 95% interval: more replications could change the verdict.
    package var certain: Bool

    init(_ estimate: Estimate, atMost target: Double) {
        met = estimate.mean <= target
        certain = !estimate.contains(target)
    }

    init(_ estimate: Estimate, atLeast target: Double) {
        met = estimate.mean >= target
        certain = !estimate.contains(target)
    }

    package var label: String { (met ? "met" : "missed") + (certain ? "" : "?") }
}

/// One agent group's estimates.
package struct GroupSummary: Sendable {
    package let name: String
    /// Busy (talk and wrap-up) over staffed time including overtime.
    package let occupancy: Estimate
    /// Hours worked past the end of shifts to finish calls.
    package let overtimeHours: Estimate
    package let answered: Estimate
    /// Agent-hours on the rota over the counted part of the period.
    package let scheduledHours: Double

    init(model: CentreModel, group g: Int, results: [ReplicationResult]) {
        name = model.groups[g].name
        let staffed = (0..<model.intervalCount).reduce(0.0) { $0 + model.staffedSeconds(group: g, interval: $1) }
        scheduledHours = staffed / 3600
        occupancy = Estimate(
            results.map {
                GroupSummary.occupancy(
                    busy: $0.groupTotals[g].busy, staffed: staffed, overtime: $0.groupTotals[g].overtime)
            })
        overtimeHours = Estimate(results.map { $0.groupTotals[g].overtime / 3600 })
        answered = Estimate(results.map { Double($0.groupTotals[g].answered) })
    }

    static func occupancy(busy: Double, staffed: Double, overtime: Double) -> Double {
        let available = staffed + overtime
        return available > 0 ? min(1, busy / available) : 0
    }
}

extension CentreModel {
    /// Agent-seconds on the rota for a group in an interval, counting only the part after the warm-up.
    package func staffedSeconds(group g: Int, interval i: Int) -> Double {
        let start = max(Double(i) * intervalLength, warmup)
        let end = Double(i + 1) * intervalLength
        return end > start ? Double(groups[g].rota.headcount[i]) * (end - start) : 0
    }
}

/// How precise a run must be before it stops adding replications: either relative (a fraction of each metric's
/// mean) or absolute per kind of metric.
package struct PrecisionGoal: Sendable, Equatable {
    /// Half-width at most this fraction of the mean (0.05 for 5%).
    package var relative: Double?
    /// Half-width of ASA at most this many seconds.
    package var asaSeconds: Double?
    /// Half-width of abandonment and service level at most this many percentage points.
    package var sharePoints: Double?

    package init(relative: Double? = nil, asaSeconds: Double? = nil, sharePoints: Double? = nil) {
        self.relative = relative
        self.asaSeconds = asaSeconds
        self.sharePoints = sharePoints
    }

    func accepts(_ estimate: Estimate, absolute: Double?) -> Bool {
        if let absolute { return estimate.halfWidth <= absolute }
        if let relative { return estimate.halfWidth <= relative * abs(estimate.mean) || estimate.halfWidth == 0 }
        return true
    }
}
