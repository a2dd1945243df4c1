/// Two runs of (nearly) the same centre compared replication by replication.
///
/// Both runs use the same seed and replication numbers, so each replication of B sees the same arrivals, handle times
/// and patience as the same replication of A wherever the models agree (common random numbers). The difference of a
/// metric is then estimated from the per-replication differences (a paired t interval), which is much narrower than
/// the two runs' own intervals would suggest: a planner can tell a real change from noise with few replications.
package struct Comparison: Sendable {
    package struct Row: Sendable {
        package var queue: String
        package var metric: QueueMetric
        package var a: Estimate
        package var b: Estimate
        /// B − A, from paired differences.
        package var difference: Estimate
        /// The metric's target in A and in B, and the verdict on each side (`nil` without a target).
        package var targetA: Double?
        package var targetB: Double?
        package var verdictA: Verdict?
        package var verdictB: Verdict?
        /// Whether the 95% interval of the difference excludes zero.
        package var isReal: Bool { difference.halfWidth.isFinite && (difference.lower > 0 || difference.upper < 0) }
        /// Both sides gave the same value in every replication.
        package var isUnchanged: Bool { difference.mean == 0 && difference.halfWidth == 0 }
        /// The verdict against the target turned (met to missed or back).
        package var verdictChanged: Bool { verdictA?.met != verdictB?.met }
    }

    package var rows: [Row]
    package var replications: Int

    /// Compares the queues the two summaries share (matched by name), and all queues together, on `metrics`.
    package init(a: Summary, b: Summary, metrics: [QueueMetric]) {
        precondition(a.replications == b.replications, "compare runs with the same replications")
        replications = a.replications
        var pairs: [(name: String, a: [QueueMetrics], b: [QueueMetrics], ta: Targets, tb: Targets)] = []
        for (qa, queue) in a.model.queues.enumerated() {
            guard let qb = b.model.queues.firstIndex(where: { $0.name == queue.name }) else { continue }
            pairs.append(
                (
                    queue.name, a.results.map { $0.queueMetrics(qa, model: a.model) },
                    b.results.map { $0.queueMetrics(qb, model: b.model) }, queue.targets, b.model.queues[qb].targets
                ))
        }
        pairs.append(
            (
                Summary.allQueues, a.results.map { $0.totalMetrics(model: a.model) },
                b.results.map { $0.totalMetrics(model: b.model) }, Targets(), Targets()
            ))
        rows = pairs.flatMap { pair in
            metrics.map { metric in
                let xa = pair.a.map { $0[metric] }
                let xb = pair.b.map { $0[metric] }
                let (ea, eb) = (Estimate(xa), Estimate(xb))
                return Row(
                    queue: pair.name, metric: metric, a: ea, b: eb, difference: Estimate(zip(xb, xa).map { $0 - $1 }),
                    targetA: pair.ta.value(of: metric), targetB: pair.tb.value(of: metric),
                    verdictA: pair.ta.verdict(metric, ea), verdictB: pair.tb.verdict(metric, eb))
            }
        }
    }
}
