import ACDCore
import Foundation
import IVRFlows

/// What `acdd simulate` predicts for one queue over the replayed window: the mean over replications and the 95%
/// interval for one run (one more replication falls within mean ± h·√(n + 1), h the half-width of the mean's 95%
/// confidence interval over n replications), for ASA and abandonment.
struct Prediction: Encodable {
    var asa: Double
    var asaInterval: [Double]
    var abandonment: Double
    var abandonmentInterval: [Double]
    var replications: Int

    init(_ queue: QueueSummary) {
        func interval(_ e: Estimate) -> [Double] {
            let width = e.halfWidth * Double(e.replications + 1).squareRoot()
            return [max(0, e.mean - width), e.mean + width]
        }
        (asa, asaInterval) = (queue.asa.mean, interval(queue.asa))
        (abandonment, abandonmentInterval) = (queue.abandonment.mean, interval(queue.abandonment))
        replications = queue.asa.replications
    }

    /// The simulator's prediction per queue for the intervals of `window` (engine seconds within the period), from
    /// empty queues at its start; `nil` when the window is not within the period.
    static func run(
        _ scenario: Scenario, window: Range<Double>, seed: UInt64, replications: Int = 20
    )
        -> [String: Prediction]?
    {
        let model = scenario.model
        let first = Int(window.lowerBound / model.intervalLength)
        let last = Int((window.upperBound / model.intervalLength).rounded(.up))
        guard first >= 0, first < last, last <= model.intervalCount else { return nil }
        let summary = ReplicationRunner(model: model.window(first..<last), seed: seed, threads: nil)
            .summarize(replications: replications)
        guard summary.fault == nil else { return nil }
        return Dictionary(uniqueKeysWithValues: summary.queues.map { ($0.name, Prediction($0)) })
    }
}
