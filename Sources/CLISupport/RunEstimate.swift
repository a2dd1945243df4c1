import ACDCore
import Foundation

/// What a simulation will cost, before it starts: the arrivals it draws (the scenario's expected calls, per
/// replication and in all) and, at a rate measured on this project's benchmarks, about how long it will take.
package struct RunEstimate: Sendable, Equatable {
    /// Expected arrivals of one replication: the scenario's volumes over every queue and entry (redials and repeat
    /// calls come on top).
    package var arrivalsPerReplication: Double
    package var replications: Int
    package var threads: Int
    /// Simulated days of one replication.
    package var days: Double

    /// Calls a second one thread simulates, for the estimate: the slow end of what Benchmarks/README.md measures
    /// (the Leeds year with its IVR and EVR flows at 1.9 million, a 5-step menu at 2.3 million, a plain queue at 4).
    package static let callsPerSecondPerThread = 1.5e6
    /// Runs estimated to take longer than this are announced on stderr before they start.
    package static let announceAbove = 60.0

    package init(model: CentreModel, replications: Int, threads: Int) {
        arrivalsPerReplication =
            model.queues.reduce(0) { $0 + $1.volumes.reduce(0, +) }
            + model.entries.reduce(0) { $0 + $1.volumes.reduce(0, +) }
        self.replications = replications
        self.threads = max(1, threads)
        days = model.horizon / 86_400
    }

    package var arrivals: Double { arrivalsPerReplication * Double(replications) }

    /// Seconds of wall-clock time, about: replications run in parallel, one per thread.
    package var seconds: Double {
        let parallel = Double(min(threads, max(1, replications)))
        // A replication runs on one thread: fewer replications than threads leave threads idle.
        return arrivals / (Self.callsPerSecondPerThread * parallel)
    }

    /// Simulated seconds over every replication (what a ``RunMeter`` counts up to).
    package var simulatedSeconds: Double { days * 86_400 * Double(replications) }

    /// The announcement for a long run, or `nil` when the run is expected to take under ``announceAbove`` seconds.
    /// `shorten` lists the options that make this command's run shorter.
    package func announcement(command: String, shorten: [String]) -> String? {
        guard seconds > Self.announceAbove else { return nil }
        let perReplication =
            replications > 1 ? " (\(replications) replications of \(Self.count(arrivalsPerReplication)))" : ""
        var text =
            "\(command): this run simulates about \(Self.count(arrivals)) arrivals\(perReplication) over "
            + "\(ProgressLine.grouped(Int(days.rounded()))) day\(Int(days.rounded()) == 1 ? "" : "s"); at about "
            + "\(Self.count(Self.callsPerSecondPerThread)) calls a second on each of "
            + "\(min(threads, max(1, replications))) thread\(min(threads, replications) == 1 ? "" : "s") it will take "
            + "about \(Duration.seconds(seconds).spoken)."
        if !shorten.isEmpty { text += " To shorten it: " + shorten.joined(separator: ", ") + "." }
        return text
    }

    /// 31.5 billion, 2.4 million, 12,300.
    package static func count(_ x: Double) -> String {
        switch x {
        case 1e9...: String(format: "%.1f billion", x / 1e9)
        case 1e6...: String(format: "%.1f million", x / 1e6)
        default: ProgressLine.grouped(Int(x.rounded()))
        }
    }
}
