import Synchronization

/// How far a run has gone, as its worker threads go: replications finished and simulated time covered, summed over
/// every replication (and, for a search such as staffing, over every simulation it makes). A progress display reads
/// it from another thread; nothing on the engine's path waits for it.
///
/// With a meter, each replication's engine runs in steps of ``step`` simulated seconds
/// (``SimulatedClock/run(_:step:covered:)``) and adds each step's time here: the events and their order are those of
/// an unmetered run, so the results are the same, bit for bit.
package final class RunMeter: Sendable {
    /// Simulated seconds between updates (a day by default).
    package let step: Double
    private let finishedCount = Atomic<Int>(0)
    private let startedCount = Atomic<Int>(0)
    /// Whole simulated seconds covered.
    private let covered = Atomic<Int>(0)

    package init(step: Double = 86_400) {
        precondition(step > 0)
        self.step = step
    }

    /// Replications finished so far.
    package var replications: Int { finishedCount.load(ordering: .relaxed) }
    /// Replications started so far (finished or running).
    package var started: Int { startedCount.load(ordering: .relaxed) }
    /// Simulated seconds covered so far, over every replication.
    package var simulatedSeconds: Double { Double(covered.load(ordering: .relaxed)) }

    func start() { startedCount.wrappingAdd(1, ordering: .relaxed) }
    func finish() { finishedCount.wrappingAdd(1, ordering: .relaxed) }
    func add(seconds: Double) { covered.wrappingAdd(Int(seconds.rounded()), ordering: .relaxed) }
}
