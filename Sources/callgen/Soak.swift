import Foundation
import LoadGen

/// `--soak`: a steady rate in one-minute windows, with the daemon's resident memory (from its `/metrics`) before the
/// first and after each window, and each window's latency, so a leak or a slowdown shows between start and end.
struct Soak {
    struct Window: Encodable {
        var minute: Int
        /// The daemon's resident memory after the window (before the first, for minute 0), bytes.
        var residentBytes: Int?
        var figures: LoadRun.Figures?
    }

    let target: any CallTarget
    /// The whole soak's sends, due from 0.
    let sends: [Send]
    let window = 60.0

    /// Runs the windows one after the other; stops early (with the windows so far) on Ctrl-C.
    func run(format: CallGen.Format, onReply: (@Sendable (Int, Reply) -> Void)?) async -> [Window] {
        var windows = [Window(minute: 0, residentBytes: await Self.residentBytes(target), figures: nil)]
        let span = sends.last?.at ?? 0
        var start = 0.0
        while start <= span {
            let part = sends.filter { $0.at >= start && $0.at < start + window }.map {
                Send(at: $0.at - start, method: $0.method, path: $0.path, body: $0.body)
            }
            let figures = await Replay(target: target, sends: part, format: format, onReply: onReply).run()
            windows.append(
                Window(minute: windows.count, residentBytes: await Self.residentBytes(target), figures: figures))
            start += window
            if figures.sent < part.count { break }  // interrupted
        }
        return windows
    }

    /// `process_resident_memory_bytes` from the target's `/metrics`.
    static func residentBytes(_ target: any CallTarget) async -> Int? {
        let reply = await target.send("GET", "/metrics", body: nil)
        guard reply.error == nil else { return nil }
        let text = String(decoding: reply.body, as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("process_resident_memory_bytes ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) }
    }

    /// The table: one line per window, then start against end.
    static func text(_ windows: [Window]) -> String {
        func mb(_ bytes: Int?) -> String { bytes.map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "-" }
        var out = "\nminute | acdd RSS MB | sent | p50 ms | p99 ms | errors\n---:|---:|---:|---:|---:|---\n"
        for w in windows {
            guard let f = w.figures else {
                out += "0 | \(mb(w.residentBytes)) | | | |\n"
                continue
            }
            let errors = f.errors.sorted { $0.key < $1.key }.map { "\($0) \($1)" }.joined(separator: ", ")
            out += String(
                format: "%d | %@ | %d | %.2f | %.2f | %@\n", w.minute, mb(w.residentBytes), f.sent, f.latency.p50,
                f.latency.p99, errors.isEmpty ? "none" : errors)
        }
        let measured = windows.filter { $0.figures != nil }
        if let first = measured.first, let last = measured.last, let a = first.residentBytes,
            let b = last.residentBytes,
            a > 0
        {
            out += String(
                format: "start against end: RSS %@ -> %@ MB (%+.1f%%), p99 %.2f -> %.2f ms\n", mb(a), mb(b),
                100 * Double(b - a) / Double(a), first.figures!.latency.p99, last.figures!.latency.p99)
        }
        return out
    }
}
