import ACDServer
import ArgumentParser
import Dispatch
import Foundation
import LoadGen

/// A run with progress on stderr (when it is a terminal) and Ctrl-C stopping it with a partial summary.
struct Replay {
    let target: any CallTarget
    let sends: [Send]
    let format: CallGen.Format
    /// Called with each successful reply (its send's index and the reply).
    var onReply: (@Sendable (Int, Reply) -> Void)? = nil
    /// Run after the last send unless interrupted (external callers still in the system); Ctrl-C cuts it short.
    var drain: (@Sendable () async -> Void)? = nil

    func run() async -> LoadRun.Figures {
        let load = LoadRun(target: target, onReply: onReply)
        let tty = isatty(2) == 1
        let total = sends.count
        let task = Task {
            await load.run(sends) { f, inFlight in
                guard tty else { return }
                let line = String(
                    format: "\r%d/%d sent, %.0f/s of %.0f/s, %d in flight, %d errors, p50 %.1f ms, p99 %.1f ms   ",
                    f.sent, total, f.achievedRate, f.requestedRate, inFlight, f.errors.values.reduce(0, +),
                    f.latency.p50, f.latency.p99)
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        let draining = Task {
            _ = await task.value
            guard !task.isCancelled, let drain else { return }
            if tty {
                FileHandle.standardError.write(
                    Data("\r\u{1B}[2Kcallgen: all sent; driving the callers still in the system".utf8))
            }
            await drain()
        }
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT)
        interrupt.setEventHandler {
            task.cancel()
            draining.cancel()
        }
        interrupt.resume()
        let figures = await task.value
        await draining.value
        interrupt.cancel()
        if tty { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        if task.isCancelled || draining.isCancelled {
            FileHandle.standardError.write(Data("callgen: interrupted; partial summary\n".utf8))
        }
        return figures
    }
}

/// The daemon's clock and figures, read over the API.
enum DaemonClock {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Today's figures, or engine day `day`'s.
    static func queues(_ target: any CallTarget, day: Int? = nil) async throws -> QueuesView {
        let reply = await target.send("GET", "/v1/queues" + (day.map { "?day=\($0)" } ?? ""), body: nil)
        if let error = reply.error { throw Failure(description: "callgen: GET /v1/queues failed: \(error)") }
        return try JSONDecoder().decode(QueuesView.self, from: Data(reply.body))
    }

    static func read(_ target: any CallTarget) async throws -> QueuesView {
        do {
            return try await queues(target)
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("\(failure.description) (is acdd serving there?)\n".utf8))
            throw ExitCode(3)
        }
    }
}
