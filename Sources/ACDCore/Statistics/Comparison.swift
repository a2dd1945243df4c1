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
        /// Whether the 95% interval of the difference excludes zero.
        package var isReal: Bool { difference.halfWidth.isFinite && (difference.lower > 0 || difference.upper < 0) }
    }

    package var rows: [Row]
    package var replications: Int

    /// Compares the queues the two summaries share (matched by name) on `metrics`.
    package init(a: Summary, b: Summary, metrics: [QueueMetric]) {
        precondition(a.replications == b.replications, "compare runs with the same replications")
        replications = a.replications
        var rows: [Row] = []
        var pairs: [(String, (ReplicationResult) -> QueueMetrics, (ReplicationResult) -> QueueMetrics)] = []
        for (qa, queue) in a.model.queues.enumerated() {
            guard let qb = b.model.queues.firstIndex(where: { $0.name == queue.name }) else { continue }
            pairs.append(
                (queue.name, { $0.queueMetrics(qa, model: a.model) }, { $0.queueMetrics(qb, model: b.model) }))
        }
        for (name, metricsA, metricsB) in pairs {
            let valuesA = a.results.map(metricsA)
            let valuesB = b.results.map(metricsB)
            for metric in metrics {
                let xa = valuesA.map { $0[metric] }
                let xb = valuesB.map { $0[metric] }
                rows.append(
                    Row(
                        queue: name, metric: metric, a: Estimate(xa), b: Estimate(xb),
                        difference: Estimate(zip(xb, xa).map { $0 - $1 })))
            }
        }
        self.rows = rows
    }
}
