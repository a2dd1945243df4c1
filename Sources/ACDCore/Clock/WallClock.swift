import Dispatch
import Foundation

/// Runs an engine against the wall clock: one simulated second takes `1 / speed` real seconds.
///
/// A serial `DispatchQueue` owns the engine; a `DispatchSourceTimer` fires when the next event is due. On each firing
/// the clock processes every event whose simulated time has come (``Engine/advance(through:)``), so a late timer
/// never reorders events: outcomes are the same as under ``SimulatedClock``, only spread out in real time.
package final class WallClock: EngineClock, @unchecked Sendable {
    package let speed: Double
    package let queue: DispatchQueue
    // Touched only on `queue`.
    private var engine: Engine?
    private var timer: (any DispatchSourceTimer)?
    private var startWall: UInt64 = 0
    private var finished: (@Sendable (consuming Engine) -> Void)?

    /// - Parameter speed: simulated seconds per real second (1 for real time, 60 for a minute a second).
    package init(speed: Double = 1, label: String = "acd.wallclock") {
        precondition(speed > 0, "speed must be positive")
        self.speed = speed
        self.queue = DispatchQueue(label: label)
    }

    package func run(_ engine: consuming Engine, finished: @escaping @Sendable (consuming Engine) -> Void) {
        let box = EngineBox(engine)
        queue.async {
            self.engine = box.take()
            self.finished = finished
            self.startWall = DispatchTime.now().uptimeNanoseconds
            let timer = DispatchSource.makeTimerSource(queue: self.queue)
            timer.setEventHandler { [unowned self] in self.tick() }
            self.timer = timer
            timer.resume()
            self.tick()
        }
    }

    /// The simulated time now, by the wall clock. Call on ``queue``.
    package var simulatedNow: Double {
        Double(DispatchTime.now().uptimeNanoseconds - startWall) / 1e9 * speed
    }

    /// Runs `body` on the clock's queue with the engine, for reading live state (the daemon's metrics).
    package func withEngine<T: Sendable>(_ body: @escaping @Sendable (inout Engine) -> T) async -> T? {
        await withCheckedContinuation { continuation in
            queue.async {
                guard self.engine != nil else { return continuation.resume(returning: nil) }
                continuation.resume(returning: body(&self.engine!))
            }
        }
    }

    private func tick() {
        guard engine != nil else { return }
        engine!.advance(through: simulatedNow)
        if let next = engine!.nextEventTime {
            let delay = max(0, (next - simulatedNow) / speed)
            timer?.schedule(deadline: .now() + delay, leeway: .microseconds(100))
        } else {
            let done = engine!
            engine = nil
            timer?.cancel()
            timer = nil
            let callback = finished
            finished = nil
            callback?(done)
        }
    }
}

/// Moves a non-`Sendable`-checked value into the clock's queue exactly once.
private final class EngineBox: @unchecked Sendable {
    private var engine: Engine?
    init(_ engine: consuming Engine) { self.engine = engine }
    func take() -> Engine {
        defer { engine = nil }
        return engine!
    }
}
