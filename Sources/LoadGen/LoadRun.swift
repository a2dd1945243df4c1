import Foundation
import Histogram
import Synchronization

/// One request of a run, due `at` real seconds after the run's start.
package struct Send: Sendable {
    package var at: Double
    package var method: String
    package var path: String
    package var body: [UInt8]?

    package init(at: Double, method: String, path: String, body: [UInt8]?) {
        (self.at, self.method, self.path, self.body) = (at, method, path, body)
    }
}

/// Sends requests at their times whatever the replies (open loop): a slow target shows as latency, not as a lower
/// rate. Latency runs from when a request was due to its reply (so a late send counts against the target, the
/// correction for coordinated omission). At most `maxInFlight` requests wait for replies; a request due while that
/// many wait is not sent and counts as the error `client-backlog`, so memory stays bounded.
package final class LoadRun: Sendable {
    package struct Figures: Sendable, Codable, Equatable {
        package var sent = 0
        package var ok = 0
        package var errors: [String: Int] = [:]
        package var elapsed = 0.0
        package var requestedRate = 0.0
        package var achievedRate = 0.0
        package var latency = Latency()
    }

    /// Milliseconds.
    package struct Latency: Sendable, Codable, Equatable {
        package var p50 = 0.0
        package var p90 = 0.0
        package var p99 = 0.0
        package var p999 = 0.0
        package var max = 0.0
    }

    private struct State {
        var sent = 0
        var ok = 0
        var inFlight = 0
        var errors: [String: Int] = [:]
        var micros = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    let target: any CallTarget
    let maxInFlight: Int
    private let state = Mutex(State())
    /// Called with each reply of a request that succeeded (callgen reads call ids from them).
    let onReply: (@Sendable (Int, Reply) -> Void)?

    package init(target: any CallTarget, maxInFlight: Int = 20_000, onReply: (@Sendable (Int, Reply) -> Void)? = nil) {
        self.target = target
        self.maxInFlight = maxInFlight
        self.onReply = onReply
    }

    /// Sends `sends` (in time order) and returns the figures; stops early, with the figures so far, when the task is
    /// cancelled (Ctrl-C). `progress` is called about once a second.
    package func run(_ sends: [Send], progress: (@Sendable (Figures, _ inFlight: Int) -> Void)? = nil) async -> Figures
    {
        let start = ContinuousClock.now
        let last = sends.last?.at ?? 0
        await withDiscardingTaskGroup { group in
            var i = 0
            var nextReport = 1.0
            while i < sends.count, !Task.isCancelled {
                let now = (ContinuousClock.now - start).seconds
                if now >= nextReport, let progress {
                    progress(figures(elapsed: now, requested: sends.count, span: last), inFlight)
                    nextReport += 1
                }
                if sends[i].at > now {
                    let wait = min(sends[i].at - now, nextReport - now)
                    try? await Task.sleep(for: .seconds(max(wait, 0)))
                    continue
                }
                while i < sends.count, sends[i].at <= now {
                    let send = sends[i]
                    let index = i
                    i += 1
                    let admitted = state.withLock { s in
                        s.sent += 1
                        guard s.inFlight < maxInFlight else {
                            s.errors["client-backlog", default: 0] += 1
                            return false
                        }
                        s.inFlight += 1
                        return true
                    }
                    guard admitted else { continue }
                    group.addTask { [self] in
                        let reply = await target.send(send.method, send.path, body: send.body)
                        let due = start + .seconds(send.at)
                        let latency = (ContinuousClock.now - due).seconds
                        record(reply, latency: latency)
                        if reply.error == nil { onReply?(index, reply) }
                    }
                }
            }
        }
        let elapsed = (ContinuousClock.now - start).seconds
        return figures(elapsed: elapsed, requested: sends.count, span: last)
    }

    private func record(_ reply: Reply, latency: Double) {
        state.withLock { s in
            s.inFlight -= 1
            if let error = reply.error {
                s.errors[error, default: 0] += 1
            } else {
                s.ok += 1
            }
            _ = s.micros.record(UInt64(max(0, latency * 1e6)))
        }
    }

    package var inFlight: Int { state.withLock { $0.inFlight } }

    private func figures(elapsed: Double, requested: Int, span: Double) -> Figures {
        state.withLock { s in
            var f = Figures()
            f.sent = s.sent
            f.ok = s.ok
            f.errors = s.errors
            f.elapsed = elapsed
            f.requestedRate = span > 0 ? Double(requested) / span : 0
            f.achievedRate = elapsed > 0 ? Double(s.sent) / elapsed : 0
            func ms(_ p: Double) -> Double {
                s.micros.totalCount == 0 ? 0 : Double(s.micros.valueAtPercentile(p)) / 1000
            }
            f.latency = Latency(p50: ms(50), p90: ms(90), p99: ms(99), p999: ms(99.9), max: Double(s.micros.max) / 1000)
            return f
        }
    }
}
