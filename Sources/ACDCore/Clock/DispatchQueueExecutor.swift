import Dispatch

/// A serial executor that runs an actor's jobs on a `DispatchQueue`, so the live engine is driven by Dispatch (Linux
/// Dispatch has no `DispatchSerialQueue` to hand to an actor directly). `checkIsolated` lets the runtime confirm that
/// code is on the queue, in the manner of swift-nio's `NIOLoopBound`.
package final class DispatchQueueExecutor: SerialExecutor, @unchecked Sendable {
    package let queue: DispatchQueue

    package init(label: String) { queue = DispatchQueue(label: label) }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    package func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    package func checkIsolated() { dispatchPrecondition(condition: .onQueue(queue)) }
}
