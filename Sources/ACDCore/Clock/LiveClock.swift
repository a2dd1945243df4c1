import Dispatch
import Synchronization

/// The time a ``LiveEngine`` runs by: simulated seconds from the start of the model's period, and one wake-up armed
/// for the next event.
package protocol LiveClock: AnyObject, Sendable {
    /// Simulated seconds now.
    func now() -> Double
    /// Calls `wake` once simulated time reaches `time`, replacing any wake-up armed before; `nil` disarms.
    func arm(at time: Double?, _ wake: @escaping @Sendable () async -> Void)
    /// Disarms for good (the engine has stopped).
    func stop()
}

/// The wall clock: one simulated second takes `1 / speed` real seconds. One `DispatchSourceTimer` fires when the next
/// event is due; a late timer never reorders events, because the engine processes every event due by then in order.
package final class WallClock: LiveClock, @unchecked Sendable {
    package let speed: Double
    private let startNanos: UInt64
    private let origin: Double
    private let timerQueue = DispatchQueue(label: "acd.wallclock.timer")
    private let state = Mutex<(timer: (any DispatchSourceTimer)?, wake: (@Sendable () async -> Void)?)>((nil, nil))

    /// - Parameters:
    ///   - speed: simulated seconds per real second (1 for real time, 60 for a minute a second).
    ///   - origin: the simulated time now.
    package init(speed: Double = 1, origin: Double = 0) {
        self.speed = speed > 0 && speed.isFinite ? speed : 1
        self.origin = origin
        startNanos = DispatchTime.now().uptimeNanoseconds
    }

    package func now() -> Double {
        origin + Double(DispatchTime.now().uptimeNanoseconds - startNanos) / 1e9 * speed
    }

    package func arm(at time: Double?, _ wake: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            state.timer?.cancel()
            state.timer = nil
            state.wake = wake
            guard let time else { return }
            let delay = max(0, (time - now()) / speed)
            let timer = DispatchSource.makeTimerSource(queue: timerQueue)
            timer.setEventHandler { Task { await wake() } }
            timer.schedule(deadline: .now() + delay, leeway: .microseconds(50))
            state.timer = timer
            timer.resume()
        }
    }

    package func stop() {
        state.withLock { state in
            state.timer?.cancel()
            state.timer = nil
            state.wake = nil
        }
    }
}

/// A clock moved by hand, in the manner of swift-nio's embedded event loop: tests advance it and the engine wakes
/// for every armed event on the way, deterministically.
package final class ManualClock: LiveClock, @unchecked Sendable {
    private let state = Mutex<(now: Double, deadline: Double?, wake: (@Sendable () async -> Void)?)>((0, nil, nil))

    package init(now: Double = 0) { state.withLock { $0.now = now } }

    package func now() -> Double { state.withLock { $0.now } }

    package func arm(at time: Double?, _ wake: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            state.deadline = time
            state.wake = wake
        }
    }

    package func stop() { state.withLock { $0 = ($0.now, nil, nil) } }

    /// Moves time to `time` (never back) and wakes the engine if an event falls due; the engine processes all events
    /// up to `time` before this returns.
    package func advance(to time: Double) async {
        let wake: (@Sendable () async -> Void)? = state.withLock { state in
            state.now = max(state.now, time)
            guard let deadline = state.deadline, deadline <= state.now else { return nil }
            state.deadline = nil
            return state.wake
        }
        await wake?()
    }

    package func advance(by seconds: Double) async { await advance(to: now() + seconds) }
}
