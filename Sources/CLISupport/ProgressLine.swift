import ACDCore
import Dispatch
import Foundation
import Synchronization

/// One line of progress on stderr for a long command (simulate, staff, calibrate, sweep): a bar when the total is
/// known, the count done, the simulated days covered when a ``RunMeter`` follows the run, the time taken and, once
/// there is something to go on, the time left.
///
/// Drawn only when stderr is a terminal, and only once the run has taken ``delay`` (default 2 s): a run of a few
/// seconds prints nothing, a redirected or piped stderr never gets a progress line. A timer redraws it four times a
/// second from the counts the run keeps (``update(_:)`` or the meter); the run itself never waits for the display.
/// (`@unchecked`: the only non-Sendable part is the Dispatch timer, which is thread-safe to cancel.)
package final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let total: Int?
    private let meter: RunMeter?
    /// Simulated seconds the whole run covers, when known: the bar then follows simulated time.
    private let simulatedTotal: Double?
    private let started = ContinuousClock.now
    /// What ``update(_:)`` reported; -1 until it is called, when the count is the meter's replications.
    private let done = Atomic<Int>(-1)
    private let drawn = Atomic<Bool>(false)
    private let timer: (any DispatchSourceTimer)?
    private let lock = Mutex(())

    /// `total` counts what ``update(_:)`` reports (replications, evaluations), or, if it is never called, the
    /// meter's finished replications; `nil` when the run does not know it.
    package init(
        label: String, total: Int? = nil, meter: RunMeter? = nil, simulatedTotal: Double? = nil,
        delay: Duration = .seconds(2), enabled: Bool = isatty(2) == 1
    ) {
        self.label = label
        self.total = total
        self.meter = meter
        self.simulatedTotal = simulatedTotal
        guard enabled else {
            timer = nil
            return
        }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        self.timer = timer
        let delayMilliseconds = Int(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)
        timer.schedule(deadline: .now() + .milliseconds(delayMilliseconds), repeating: .milliseconds(250))
        timer.setEventHandler { [weak self] in self?.draw() }
        timer.resume()
    }

    /// Reports how many of `total` are done.
    package func update(_ count: Int) {
        done.store(count, ordering: .relaxed)
    }

    /// Stops the timer and clears the line, if one was drawn.
    package func finish() {
        guard let timer else { return }
        timer.cancel()
        lock.withLock { _ in
            if drawn.load(ordering: .relaxed) { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            drawn.store(false, ordering: .relaxed)
        }
    }

    deinit { timer?.cancel() }

    private var count: Int {
        let reported = done.load(ordering: .relaxed)
        return reported >= 0 ? reported : meter?.replications ?? 0
    }

    private func draw() {
        let line = Self.line(
            label: label, done: count, total: total,
            simulated: meter?.simulatedSeconds, simulatedTotal: simulatedTotal,
            elapsed: (ContinuousClock.now - started).seconds)
        lock.withLock { _ in
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
            drawn.store(true, ordering: .relaxed)
        }
    }

    /// The text of the line: `label [#####.....] 3/10 · 412 of 3,650 simulated days · 1m 05s, about 2m 40s left`.
    package static func line(
        label: String, done: Int, total: Int?, simulated: Double?, simulatedTotal: Double?, elapsed: Double
    ) -> String {
        var fraction: Double?
        if let simulated, let simulatedTotal, simulatedTotal > 0 {
            fraction = min(1, simulated / simulatedTotal)
        } else if let total, total > 0 {
            fraction = min(1, Double(done) / Double(total))
        }
        var parts: [String] = []
        var head = label
        if let fraction {
            let width = 24
            let filled = Int((fraction * Double(width)).rounded(.down))
            head += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
        }
        head += total.map { " \(done)/\($0)" } ?? " \(done)"
        parts.append(head)
        if let simulated {
            let days = Self.grouped(Int((simulated / 86_400).rounded(.down)))
            parts.append(
                simulatedTotal.map { "\(days) of \(Self.grouped(Int(($0 / 86_400).rounded()))) simulated days" }
                    ?? "\(days) simulated days")
        }
        var time = Duration.seconds(elapsed).spoken
        if let fraction, fraction > 0, elapsed >= 2 {
            time += ", about \(Duration.seconds(elapsed * (1 - fraction) / fraction).spoken) left"
        }
        parts.append(time)
        return parts.joined(separator: " · ")
    }

    /// 1234567 as "1,234,567".
    package static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}

extension Duration {
    /// Seconds as a `Double`.
    package var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// "45 s", "3m 05s", "4 h 23 min", "2 days 6 h": how a person says a duration.
    package var spoken: String {
        let s = max(0, Int(seconds.rounded()))
        switch s {
        case ..<60: return "\(s) s"
        case ..<3600: return String(format: "%dm %02ds", s / 60, s % 60)
        case ..<172_800: return "\(s / 3600) h \((s % 3600) / 60) min"
        default: return "\(s / 86_400) days \((s % 86_400) / 3600) h"
        }
    }
}
