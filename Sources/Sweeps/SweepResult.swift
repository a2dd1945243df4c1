import ACDCore
import Foundation
import IVRFlows

/// One shard's per-replication figures (`shard-I-of-N.json`): for each of its tasks, each queue, each metric.
package struct ShardResult: Codable, Sendable, Equatable {
    package var fingerprint: String
    /// The sweep file (absolute), seed and replications, so `acdd sweep merge FOLDER` needs nothing else.
    package var spec: String
    package var seed: UInt64
    package var replications: Int
    package var shard: Int
    package var shards: Int
    package var firstTask: Int
    package var queues: [String]
    package var metrics: [QueueMetric]
    /// Task (from `firstTask`) → queue → metric; `nil` where a what-if has no such queue.
    package var values: [[[Double?]]]

    package static func fileName(shard: Int, of shards: Int) -> String { "shard-\(shard)-of-\(shards).json" }

    /// Writes the shard to `folder` atomically (a temporary file renamed), so a reader never sees half of one.
    package func write(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let url = URL(fileURLWithPath: folder).appendingPathComponent(Self.fileName(shard: shard, of: shards))
        try encoder.encode(self).write(to: url, options: .atomic)
    }
}

/// A sweep's answer: every what-if against the base, per queue and metric, from paired differences over the same
/// replications (common random numbers), as `acdd compare` gives them.
package struct SweepResult: Codable, Sendable, Equatable {
    package struct Row: Codable, Sendable, Equatable {
        package var whatIf: Int
        package var queue: String
        package var metric: QueueMetric
        package var base: Double
        package var value: Double
        package var difference: Double
        package var halfWidth: Double
        /// The 95% interval of the difference excludes zero.
        package var real: Bool
    }

    package var whatIfs: [SweepSpec.WhatIf]
    package var seed: UInt64
    package var replications: Int
    package var queues: [String]
    package var metrics: [QueueMetric]
    package var rows: [Row]
    /// What-if → replication → queue → metric: every figure the rows come from (the database keeps them).
    package var values: [[[[Double?]]]]

    /// Combines shards into the result. Every task must be present exactly once; a missing shard is an error that
    /// names it and the command that reruns it alone.
    package static func merge(
        _ shards: [ShardResult], plan: SweepPlan, rerun: (Int, Int) -> String
    ) throws(SweepError)
        -> SweepResult
    {
        let n = plan.taskCount
        var tasks = [[[Double?]]?](repeating: nil, count: n)
        for shard in shards {
            guard shard.fingerprint == plan.fingerprint else {
                throw .shards("shard \(shard.shard) of \(shard.shards) belongs to another sweep (or other settings)")
            }
            for (k, value) in shard.values.enumerated() where shard.firstTask + k < n {
                tasks[shard.firstTask + k] = value
            }
        }
        let total = shards.first?.shards ?? 1
        let missing = (0..<total).filter { s in plan.tasks(shard: s, of: total).contains { tasks[$0] == nil } }
        if !missing.isEmpty || tasks.contains(where: { $0 == nil }) {
            let lines = missing.map { "  shard \($0) of \(total): no result; rerun it alone: \(rerun($0, total))" }
            throw .shards("\(missing.count) of \(total) shards have no result:\n" + lines.joined(separator: "\n"))
        }
        let r = plan.replications
        let values = plan.spec.whatIfs.indices.map { w in (0..<r).map { tasks[w * r + $0]! } }
        return SweepResult(
            whatIfs: plan.spec.whatIfs, seed: plan.seed, replications: r, queues: plan.queues,
            metrics: plan.spec.metrics, rows: rows(values, queues: plan.queues, metrics: plan.spec.metrics),
            values: values)
    }

    static func rows(_ values: [[[[Double?]]]], queues: [String], metrics: [QueueMetric]) -> [Row] {
        var rows: [Row] = []
        for w in values.indices.dropFirst() {
            for (q, queue) in queues.enumerated() {
                for (m, metric) in metrics.enumerated() {
                    let pairs = zip(values[0], values[w]).compactMap { a, b in
                        a[q][m].flatMap { x in b[q][m].map { (x, $0) } }
                    }
                    guard pairs.count >= 2 else { continue }
                    let difference = Estimate(pairs.map { $0.1 - $0.0 })
                    rows.append(
                        Row(
                            whatIf: w, queue: queue, metric: metric, base: Estimate(pairs.map(\.0)).mean,
                            value: Estimate(pairs.map(\.1)).mean, difference: difference.mean,
                            halfWidth: difference.halfWidth,
                            real: difference.halfWidth.isFinite && (difference.lower > 0 || difference.upper < 0)))
                }
            }
        }
        return rows
    }
}
