import ACDCore
import ACDServer
import Foundation
import LoadGen

/// The summary: the run's rate, latency and errors, and per queue the daemon's figures today against targets.
struct Report: Encodable {
    let figures: LoadRun.Figures
    let queues: [QueueLine]
    /// External callers as callgen drove and counted them.
    let callers: ExternalCallers.Tally?

    struct QueueLine: Encodable {
        var queue: String
        var offered: Int
        var answered: Int
        var abandoned: Int
        var waiting: Int
        var asa: Double
        var asaTarget: Double?
        var abandonment: Double
        var abandonmentTarget: Double?
        var meets: Bool?
        /// What `acdd simulate` predicts for the same window.
        var predicted: Prediction?
    }

    init(
        model: CentreModel, figures: LoadRun.Figures, queues: QueuesView?, callers: ExternalCallers.Tally?,
        predicted: [String: Prediction]?
    ) {
        self.figures = figures
        self.callers = callers
        self.queues = Self.lines(queues, predicted: predicted)
    }

    /// The daemon's figures per queue, with the simulator's prediction beside them.
    static func lines(_ queues: QueuesView?, predicted: [String: Prediction]?) -> [QueueLine] {
        (queues?.queues ?? []).map { q in
            let met = [q.today.asaMet, q.today.abandonmentMet].compactMap { $0 }
            return QueueLine(
                queue: q.name, offered: q.today.offered, answered: q.today.answered, abandoned: q.today.abandoned,
                waiting: q.waiting, asa: q.today.asa, asaTarget: q.today.targets.asa, abandonment: q.today.abandonment,
                abandonmentTarget: q.today.targets.abandonment, meets: met.isEmpty ? nil : !met.contains(false),
                predicted: predicted?[q.name])
        }
    }

    func print(format: CallGen.Format) {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = (try? encoder.encode(self)) ?? Data()
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        case .table:
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    var text: String {
        let f = figures
        var out = String(
            format: "sent %d in %.1f s: %.1f/s (requested %.1f/s), %d ok\n", f.sent, f.elapsed, f.achievedRate,
            f.requestedRate, f.ok)
        out += String(
            format: "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", f.latency.p50, f.latency.p90,
            f.latency.p99, f.latency.p999, f.latency.max)
        out +=
            "errors: "
            + (f.errors.isEmpty
                ? "none"
                : f.errors.sorted { $0.key < $1.key }.map { "\($0) \($1)" }
                    .joined(separator: ", ")) + "\n"
        if let c = callers {
            out += "callers (callgen's count): \(c.calls) placed, \(c.inputs) inputs, \(c.hangUps) hang-ups"
            out += c.late > 0 ? ", \(c.late) too late" : ""
            out += c.failed > 0 ? ", \(c.failed) failed" : ""
            let ended = c.outcomes.sorted { $0.key < $1.key }.map { "\($0) \($1)" }.joined(separator: ", ")
            out += "; ended: \(ended.isEmpty ? "none" : ended); still in the system: \(c.inSystem)\n"
            out += c.streamError.map { "the event stream failed, callers no longer driven after: \($0)\n" } ?? ""
        }
        return out + Self.table(queues)
    }

    /// The queue table: the daemon's figures against targets, and the simulator's intervals where predicted.
    static func table(_ queues: [QueueLine]) -> String {
        guard !queues.isEmpty else { return "" }
        var out = ""
        let simulated = queues.contains { $0.predicted != nil }
        out += "\nqueue | offered | answered | abandoned | waiting | ASA s (target) | abandoned % (target) | meets"
        out += simulated ? " | simulated ASA s (95% for a run) | simulated abandoned % (95%)\n" : "\n"
        out += "---|---:|---:|---:|---:|---:|---:|---" + (simulated ? "|---:|---:\n" : "\n")
        for q in queues {
            let asa = String(format: "%.0f", q.asa) + (q.asaTarget.map { String(format: " (%.0f)", $0) } ?? "")
            let ab =
                String(format: "%.1f", 100 * q.abandonment)
                + (q.abandonmentTarget.map { String(format: " (%.1f)", 100 * $0) } ?? "")
            let meets = q.meets.map { $0 ? "yes" : "no" } ?? "-"
            out +=
                "\(q.queue) | \(q.offered) | \(q.answered) | \(q.abandoned) | \(q.waiting) | \(asa) | \(ab) | \(meets)"
            if let p = q.predicted {
                out += String(
                    format: " | %.0f (%.0f-%.0f) | %.1f (%.1f-%.1f)", p.asa, p.asaInterval[0], p.asaInterval[1],
                    100 * p.abandonment, 100 * p.abandonmentInterval[0], 100 * p.abandonmentInterval[1])
            } else if simulated {
                out += " | - | -"
            }
            out += "\n"
        }
        return out
    }
}

/// The summary of a soak: its windows, and the external callers.
struct SoakReport: Encodable {
    let windows: [Soak.Window]
    let callers: ExternalCallers.Tally?

    func print(format: CallGen.Format) throws {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            FileHandle.standardOutput.write(try encoder.encode(self) + Data("\n".utf8))
        case .table:
            FileHandle.standardOutput.write(Data(Soak.text(windows).utf8))
        }
    }
}
