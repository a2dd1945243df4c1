import ACDCore
import ACDServer
import ArgumentParser
import CLISupport
import Foundation
import IVRFlows
import LoadGen
import SIPFront

/// `callgen --sip`: the scenario's calls as SIP calls, and the summary measured from the callers' side.
extension CallGen {
    func runSIP(_ loaded: Scenario, source: CallSource, uri: String) async throws {
        let (host, port) = try Self.sipAddress(uri, option: "--sip")
        let (localHost, localPort) = try Self.sipAddress(sipLocal, option: "--sip-local")
        var options = SIPCallers.Options(host: host, port: port)
        options.localHost = localHost
        options.localPort = localPort
        options.speed = speed
        options.seed = seed ?? loaded.seed
        let client = try target.map { HTTPTarget(base: $0, token: try tokenFile.map(readToken), connections: 4) }
        var daemon: QueuesView?
        if let client { daemon = try await DaemonClock.read(client) }
        let now = try daemon?.time ?? dayWindow(loaded)?.lowerBound ?? 0
        options.start = now
        let window = try replayWindow(loaded, from: now)
        let calls = plannedCalls(source, in: window)
        let model = loaded.model
        var skipped = 0
        let planned = calls.compactMap { call -> SIPCallers.Planned? in
            guard case .entry(let name) = call.target, let e = model.entries.firstIndex(where: { $0.name == name })
            else {
                skipped += 1
                return nil
            }
            return SIPCallers.Planned(
                time: call.time - now, entry: e, intent: call.intent.flatMap { model.intents.firstIndex(of: $0) })
        }
        let callers: SIPCallers
        do {
            callers = try SIPCallers(scenario: loaded, plan: planned, options: options)
        } catch {
            throw sipFailure("\(error)")
        }
        let last = planned.last.map { $0.time / speed } ?? 0
        FileHandle.standardError.write(
            Data(
                String(
                    format: "callgen: %d SIP calls to %@ over %.0f s at speed %g%@\n", planned.count, uri, last,
                    speed, skipped > 0 ? " (\(skipped) calls to queues skipped: a telephone dials entries)" : ""
                ).utf8))
        let progress = ProgressLine(label: "calls ended", total: planned.count)
        var summary: SIPCallers.Summary
        do {
            summary = try await callers.run(drain: try parseDuration(drain)) { done, _ in progress.update(done) }
        } catch {
            progress.finish()
            throw sipFailure("\(error)")
        }
        progress.finish()
        summary.skipped = skipped
        if let sipLog { try SIPReport.writeCSV(summary.records, to: sipLog) }
        var queues: [Report.QueueLine] = []
        if let client {
            let day = daemon.map { max(Int(window.lowerBound / 86400), $0.day) }
            let after = try? await DaemonClock.queues(client, day: day)
            await client.shutdown()
            let predicted = try prediction(loaded, source: source, from: now, day: day)
            queues = Report.lines(after, predicted: predicted)
        }
        SIPReport(summary: summary, model: model, queues: queues).print(format: format)
    }

    /// `sip:HOST:PORT` (or `HOST:PORT`) as a host and a port (5060 when not given).
    static func sipAddress(_ text: String, option: String) throws -> (String, Int) {
        var rest = Substring(text)
        if rest.hasPrefix("sip:") { rest = rest.dropFirst(4) }
        if let at = rest.firstIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let semi = rest.firstIndex(of: ";") { rest = rest[..<semi] }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 2, !parts[0].isEmpty else {
            throw ValidationError("\(option) \(text): give sip:HOST:PORT, e.g. sip:127.0.0.1:5060")
        }
        guard parts.count == 2 else { return (String(parts[0]), 5060) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else {
            throw ValidationError("\(option) \(text): the port must be a number from 1 to 65535")
        }
        return (String(parts[0]), port)
    }
}

/// Says why on stderr; callgen exits 3 (the far end or this machine, not the input, is at fault).
func sipFailure(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("callgen: \(message)\n".utf8))
    return ExitCode(3)
}

/// The summary of a SIP run, per entry, from the callers' side; with `--target`, the daemon's queues beside it.
struct SIPReport: Encodable {
    struct EntryLine: Encodable {
        var entry: String
        var calls = 0
        /// Answered by the far end (the IVR picked up), and the INVITE-to-answer time.
        var connected = 0
        var setupP50: Double?
        var setupMax: Double?
        var refused: [String: Int] = [:]
        var failed = 0
        /// Where the callers' walks ended, and what happened.
        var outcomes: [String: Int] = [:]
        var queued = 0
        var answered = 0
        var abandoned = 0
        /// Engine seconds from reaching the queue to an agent's answer: mean and 90th percentile.
        var waitMean: Double?
        var waitP90: Double?
        /// The commonest sequences of inputs (keys, phrases, `-` for silence), most first.
        var paths: [PathCount] = []
    }
    struct PathCount: Encodable {
        var inputs: String
        var calls: Int
    }

    let entries: [EntryLine]
    let skipped: Int
    let cutOff: Int
    let queues: [Report.QueueLine]

    init(summary: SIPCallers.Summary, model: CentreModel, queues: [Report.QueueLine]) {
        skipped = summary.skipped
        cutOff = summary.cutOff
        self.queues = queues
        var lines: [EntryLine] = []
        for entry in model.entries {
            let records = summary.records.filter { $0.entry == entry.name }
            guard !records.isEmpty else { continue }
            var line = EntryLine(entry: entry.name)
            line.calls = records.count
            let setups = records.compactMap(\.setup).sorted()
            line.connected = setups.count
            line.setupP50 = setups.isEmpty ? nil : setups[setups.count / 2]
            line.setupMax = setups.last
            for r in records {
                line.outcomes[r.outcome, default: 0] += 1
                if r.outcome == "refused" { line.refused[r.status.map(String.init) ?? "?", default: 0] += 1 }
                if r.outcome == "failed" { line.failed += 1 }
                if r.walk.hasPrefix("queued ") || r.outcome == "answered" { line.queued += 1 }
            }
            line.answered = line.outcomes["answered"] ?? 0
            line.abandoned = line.outcomes["abandoned"] ?? 0
            let waits = records.filter { $0.outcome == "answered" }.compactMap(\.waited).sorted()
            if !waits.isEmpty {
                line.waitMean = waits.reduce(0, +) / Double(waits.count)
                line.waitP90 = waits[min(waits.count - 1, Int(0.9 * Double(waits.count)))]
            }
            var counts: [String: Int] = [:]
            for r in records where r.setup != nil { counts[r.inputs.joined(separator: " "), default: 0] += 1 }
            line.paths = counts.map { PathCount(inputs: $0.key.isEmpty ? "(none)" : $0.key, calls: $0.value) }
                .sorted { ($0.calls, $1.inputs) > ($1.calls, $0.inputs) }.prefix(5).map { $0 }
            lines.append(line)
        }
        entries = lines
    }

    func print(format: CallGen.Format) {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            FileHandle.standardOutput.write(((try? encoder.encode(self)) ?? Data()) + Data("\n".utf8))
        case .table:
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    var text: String {
        var out = "callers' side, per entry (waits in engine seconds):\n"
        out += "entry | calls | connected | setup ms p50 (max) | refused | queued | answered | abandoned | "
        out += "wait mean s | wait p90 s | other outcomes\n"
        out += "---|---:|---:|---:|---|---:|---:|---:|---:|---:|---\n"
        for e in entries {
            let setup = e.setupP50.map { String(format: "%.0f (%.0f)", 1000 * $0, 1000 * (e.setupMax ?? $0)) } ?? "-"
            let refused = e.refused.isEmpty ? "0" : e.refused.sorted { $0.key < $1.key }.map { "\($1)×\($0)" }
                .joined(separator: " ")
            let other = e.outcomes.filter { !["answered", "abandoned"].contains($0.key) }.sorted { $0.key < $1.key }
                .map { "\($0) \($1)" }.joined(separator: ", ")
            out += "\(e.entry) | \(e.calls) | \(e.connected) | \(setup) | \(refused) | \(e.queued) | \(e.answered) | "
            out += "\(e.abandoned) | \(e.waitMean.map { String(format: "%.1f", $0) } ?? "-") | "
            out += "\(e.waitP90.map { String(format: "%.1f", $0) } ?? "-") | \(other.isEmpty ? "-" : other)\n"
        }
        out += "\ncommonest inputs per entry (keys; \"phrases\"; - for silence):\n"
        for e in entries {
            out += "  \(e.entry): " + e.paths.map { "\($0.inputs) ×\($0.calls)" }.joined(separator: ", ") + "\n"
        }
        if skipped > 0 { out += "\(skipped) planned calls to queues were not placed (a telephone dials entries)\n" }
        if cutOff > 0 { out += "\(cutOff) calls were still up at the end of the drain and were cut off\n" }
        if !queues.isEmpty { out += "\nthe daemon's figures:\n" + Report.table(queues) }
        return out
    }

    /// One line per call: what the caller did and saw.
    static func writeCSV(_ records: [SIPCallers.Record], to path: String) throws {
        func quoted(_ s: String) -> String {
            s.contains(where: { ",\"\n".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = "index,entry,from,planned,inputs,path,walk,outcome,status,setup,waited\n"
        for r in records {
            let fields = [
                String(r.index), r.entry, r.from, String(format: "%.3f", r.planned), r.inputs.joined(separator: " "),
                r.path.joined(separator: " > "), r.walk, r.outcome, r.status.map(String.init) ?? "",
                r.setup.map { String(format: "%.3f", $0) } ?? "", r.waited.map { String(format: "%.3f", $0) } ?? "",
            ]
            out += fields.map(quoted).joined(separator: ",") + "\n"
        }
        do {
            try out.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw sipFailure("--sip-log \(path): cannot write it: \(error.localizedDescription)")
        }
    }
}
