import ACDCore
import Foundation
import IVRFlows

/// What `acdd simulate` predicts for one queue over the replayed window, for ASA and abandonment: the mean over n
/// replications, the 95% interval for one run, and the range of all n replications.
///
/// The intervals are distribution-free (order statistics): a run of the same model is exchangeable with the n
/// replications, so it falls between the k-th smallest and the k-th largest of them with probability
/// (n + 1 - 2k) / (n + 1). That holds for skewed figures too (the ASA of a queue where two callers of thirty are
/// answered), where mean ± a multiple of the standard deviation does not. With the default 39 replications the 95%
/// interval is their range; `range` covers (n - 1) / (n + 1) of runs.
struct Prediction: Encodable {
    var replications: Int
    var asa: Double
    var asaInterval: [Double]
    var asaRange: [Double]
    var abandonment: Double
    var abandonmentInterval: [Double]
    var abandonmentRange: [Double]

    init(_ values: [QueueMetrics]) {
        replications = values.count
        (asa, asaInterval, asaRange) = Self.figures(values.map(\.asa))
        (abandonment, abandonmentInterval, abandonmentRange) = Self.figures(values.map(\.abandonment))
    }

    /// The mean, the 95% interval for one more run (the widest k with coverage of at least 95%; the range when n is
    /// below 39), and the range.
    static func figures(_ values: [Double]) -> (Double, [Double], [Double]) {
        let sorted = values.sorted()
        let n = sorted.count
        let k = max(1, (1...max(1, n / 2)).last { Double(n + 1 - 2 * $0) / Double(n + 1) >= 0.95 } ?? 1)
        let mean = sorted.reduce(0, +) / Double(max(1, n))
        return (mean, [sorted[k - 1], sorted[n - k]], [sorted[0], sorted[n - 1]])
    }

    /// The simulator's prediction per queue for the intervals of `window` (engine seconds within the period), from
    /// empty queues at its start; `nil` when the window is not within the period.
    static func run(
        _ scenario: Scenario, window: Range<Double>, seed: UInt64, replications: Int
    )
        -> [String: Prediction]?
    {
        let model = scenario.model
        let first = Int(window.lowerBound / model.intervalLength)
        let last = Int((window.upperBound / model.intervalLength).rounded(.up))
        guard first >= 0, first < last, last <= model.intervalCount, replications > 0 else { return nil }
        let cut = model.window(first..<last)
        let summary = ReplicationRunner(model: cut, seed: seed, threads: nil).summarize(replications: replications)
        guard summary.fault == nil else { return nil }
        return Dictionary(
            uniqueKeysWithValues: cut.queues.indices.map { q in
                (
                    cut.queues[q].name,
                    Prediction(summary.results.map { $0.queueMetrics(q, model: cut) })
                )
            })
    }
}
