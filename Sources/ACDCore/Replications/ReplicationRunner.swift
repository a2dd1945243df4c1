import Dispatch
import Foundation
import Synchronization

/// Runs replications of a model in parallel, each on its own engine and random streams, and collects their results
/// in replication order, so the numbers do not depend on the thread count.
package struct ReplicationRunner: Sendable {
    package var model: CentreModel
    package var seed: UInt64
    /// Worker threads; defaults to the number of active processors.
    package var threads: Int

    package init(model: CentreModel, seed: UInt64, threads: Int? = nil) {
        self.model = model
        self.seed = seed
        self.threads = max(1, threads ?? ProcessInfoCores.active)
    }

    /// Runs replications `range` and returns their results in order. `progress` is called (from worker threads)
    /// with the number finished so far; `meter`, when given, also follows the simulated time within replications.
    package func run(
        replications range: Range<Int>, meter: RunMeter? = nil, progress: (@Sendable (Int) -> Void)? = nil
    ) -> [ReplicationResult] {
        let slots = Mutex<[ReplicationResult?]>(Array(repeating: nil, count: range.count))
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let model = self.model
        let seed = self.seed
        let workers = min(threads, range.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard k < range.count else { return }
                let replication = range.lowerBound + k
                let fresh = Engine(model: model, seed: seed, replication: replication)
                let engine: Engine
                if let meter {
                    meter.start()
                    engine = SimulatedClock().run(fresh, step: meter.step) { meter.add(seconds: $0) }
                    meter.finish()
                } else {
                    engine = SimulatedClock().run(fresh)
                }
                let result = ReplicationResult(engine: engine, replication: replication)
                slots.withLock { $0[k] = result }
                let finished = done.wrappingAdd(1, ordering: .relaxed).newValue
                progress?(finished)
            }
        }
        return slots.withLock { $0.map { $0! } }
    }

    /// Runs `replications`, or with a goal, keeps adding batches until every targeted metric's 95% half-width meets
    /// the goal (or `maxReplications` is reached).
    package func summarize(
        replications: Int, goal: PrecisionGoal? = nil, maxReplications: Int = 1000, meter: RunMeter? = nil,
        progress: (@Sendable (Int) -> Void)? = nil
    ) -> Summary {
        var results = run(replications: 0..<replications, meter: meter, progress: progress)
        var summary = Summary(model: model, results: results)
        guard let goal, summary.fault == nil else { return summary }
        while !summary.meets(goal) && results.count < maxReplications {
            let batch = min(max(threads, results.count / 2, 2), maxReplications - results.count)
            let start = results.count
            results += run(replications: start..<(start + batch), meter: meter) { progress?(start + $0) }
            summary = Summary(model: model, results: results)
        }
        return summary
    }
}

/// The processor count, read once.
package enum ProcessInfoCores {
    package static let active: Int = ProcessInfo.processInfo.activeProcessorCount
}
