import ACDCore
import ACDReports
import ACDServer
import ArgumentParser
import CLISupport
import Foundation
import IVRFlows
import LoadGen

@main
struct CallGen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callgen",
        abstract:
            "The load generator: replays a scenario's calls against acdd, open loop, and sums up against targets.",
        discussion: """
            Calls come from the simulator's own arrival generator (same seed, same callers: times, and for entries the \
            caller types), from a volume CSV through the same generator (--volumes), or exactly as recorded (--calls, \
            --db). With --target, callgen asks the daemon for its clock, plans the calls from then (for --hours, or \
            --day), and sends each at its time divided by --speed, whatever the replies (open loop: a slow daemon \
            shows as latency, not as a lower rate).

            Callers are `external` by default: callgen follows the daemon's events and, at each prompt, sends the key \
            or phrase the caller model draws for the caller's type after the time they take, and hangs up for them \
            when their IVR or queue patience runs out. Each action lands late by its HTTP latency times --speed, so \
            keep that small against the flow's timings (3 ms at 1440x is 4 engine seconds). --callers modelled leaves \
            all of it to the daemon's caller model.

            At the end (or on Ctrl-C) it prints the achieved rate, latency percentiles and errors by kind, the \
            callers' outcomes by callgen's count, and per queue the daemon's figures against targets.

            --rate R sends R requests a second for --duration instead (to --endpoint calls, or healthz for the HTTP \
            stack alone), or for --soak with the daemon's memory each minute; --null sends nowhere (callgen's own top \
            rate). --arrivals-only prints the planned calls as CSV and sends nothing. Formats: docs/callgen.md.

            Examples:
              acdd serve flows/leeds --speed 60 --start 'mon 08:00' &
              callgen flows/leeds --target http://127.0.0.1:8080 --speed 60 --hours 10
              callgen flows/leeds --arrivals-only --day 0 > monday.csv
              callgen flows/leeds --target http://127.0.0.1:8080 --speed 60 --calls monday.csv
              callgen flows/leeds --target http://127.0.0.1:8080 --rate 500 --soak 10m --callers modelled
            """)

    @Argument(help: "The scenario file, or a folder with scenario.yaml.")
    var scenario = "flows/leeds"

    @Option(help: "The daemon's base URL.")
    var target: String?

    @Flag(help: "Send to a null target (measures callgen itself).")
    var null = false

    @Option(help: "A file whose first line is the daemon's bearer token.")
    var tokenFile: String?

    @Option(help: "Engine seconds per real second; match the daemon's --speed.")
    var speed = 1.0

    @Option(help: "Engine hours of calls to replay from the daemon's now (default 24; recorded calls: all of them).")
    var hours: Double?

    @Option(
        help: """
            A day of the period (YYYY-MM-DD or its number from 0), or a range of days FIRST..LAST: with a target, \
            replay those days' calls (from the daemon's now, if it is within them: start acdd with --start 'DATE \
            HH:MM'); with --arrivals-only, the days to print (default: --hours from day 0).
            """)
    var day: String?

    @Option(
        help: """
            A volume CSV (date[,time],LINE...: calls per day or per interval for each named entry or queue, \
            docs/scenario.md): replay its calls instead of the scenario's; lines and days it does not give offer none.
            """)
    var volumes: String?

    @Option(
        name: .customLong("calls"), help: "Replay exactly the calls of an arrivals CSV (as --arrivals-only writes it).")
    var callsFile: String?

    @Option(help: "Replay exactly the first calls of a run in an acdd database (simulate --db --records, or serve).")
    var db: String?

    @Option(help: "With --db: the run to replay (default: the last one with call records).")
    var run: Int?

    @Option(help: "Ramp-up: reach the full rate over this many real seconds (calls are thinned before that).")
    var ramp = 0.0

    @Option(
        help: """
            external: callgen answers each caller's prompts with the keys or phrases the caller model draws, and hangs \
            up for them when their patience runs out (through the API); modelled: the daemon's caller model does it.
            """)
    var callers = CallerKind.external

    @Option(
        help: """
            Replications of the simulator's prediction beside the daemon's figures (0: none). With n, the 95% \
            interval for one run is distribution-free; 39 makes it the replications' range.
            """)
    var predict = 39

    @Option(help: "After the last call is sent, drive callers still in the system for at most this long, e.g. 30s.")
    var drain = "30s"

    @Flag(help: "Serve the scenario in this process (acdd's daemon on a loopback port) and replay against it.")
    var inProcess = false

    @Option(help: "Steady mode: requests a second (instead of the scenario's calls).")
    var rate: Double?

    @Option(help: "Steady mode: how long, e.g. 30s, 10m.")
    var duration = "30s"

    @Option(
        help: """
            Steady mode as a soak: run --rate for this long (e.g. 10m) in one-minute windows, and report the daemon's \
            resident memory and the latency of each window, start against end.
            """)
    var soak: String?

    @Option(help: "Steady mode: calls (POST /v1/calls) or healthz (GET /healthz).")
    var endpoint = Endpoint.calls

    @Option(help: "Stop after this many calls.")
    var maxCalls: Int?

    @Option(help: "Keep-alive connections in the pool.")
    var connections = 64

    @Option(name: .shortAndLong, help: "Seed (default: the scenario's).")
    var seed: UInt64?

    @Option(name: .shortAndLong, help: "Summary as a table or json.")
    var format = Format.table

    @Option(
        help: """
            Place the calls over SIP to this system (sip:HOST:PORT): acdd's SIP front end or any PBX or IVR. Each \
            call dials its entry's number; the caller walks the flow from their end, pressing keys (RFC 4733), saying \
            phrases (espeak-ng), waiting with their patience and hanging up; the summary is measured from their side \
            (docs/callgen.md). With --target too, the daemon's clock and figures.
            """)
    var sip: String?

    @Option(help: "With --sip: the address callgen's SIP side listens on (HOST:PORT; RTP uses ports 30000-39999).")
    var sipLocal = "127.0.0.1:5070"

    @Option(help: "With --sip: write one CSV line per call (what the caller did and saw) to this file.")
    var sipLog: String?

    @Flag(help: "Print the planned calls as CSV (time order) and send nothing.")
    var arrivalsOnly = false

    enum Endpoint: String, ExpressibleByArgument { case calls, healthz }
    enum CallerKind: String, ExpressibleByArgument { case external, modelled }
    enum Format: String, ExpressibleByArgument { case table, json }

    func run() async throws {
        do {
            try await runChecked()
        } catch let error as InputError {
            FileHandle.standardError.write(Data("callgen: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func runChecked() async throws {
        let loaded = try Scenario.load(path: scenario)
        guard speed > 0, speed.isFinite, (hours ?? 1) > 0 else {
            throw ValidationError("--speed and --hours must be positive")
        }
        guard soak == nil || rate != nil else { throw ValidationError("--soak runs at a steady --rate: give one") }
        guard [callsFile, db, volumes].compactMap({ $0 }).count <= 1 else {
            throw ValidationError("give at most one of --calls, --db and --volumes")
        }
        let source = try callSource(loaded)
        if arrivalsOnly {
            let window = try dayWindow(loaded) ?? 0..<(hours ?? 24) * 3600
            let out = RecordedCalls.csv(plannedCalls(source, in: window), scenario: loaded)
            FileHandle.standardOutput.write(Data(out.utf8))
            return
        }
        if let sip {
            try await runSIP(loaded, source: source, uri: sip)
            return
        }
        guard target != nil || null || inProcess else {
            throw ValidationError("give --target URL, --in-process, --null or --arrivals-only")
        }
        if inProcess {
            let start = try dayWindow(loaded)?.lowerBound
            let local = try await InProcess.start(scenario: scenario, speed: speed, start: start)
            defer { local.stop() }
            try await replay(
                loaded, source: source, against: HTTPTarget(base: local.base, token: nil, connections: connections))
            await local.finish()
            return
        }
        let token = try tokenFile.map(readToken)
        let client: any CallTarget =
            null ? NullTarget() : HTTPTarget(base: target!, token: token, connections: connections)
        try await replay(loaded, source: source, against: client)
    }

    /// Plans the calls from the target's clock, sends them, and prints the summary.
    private func replay(_ loaded: Scenario, source: CallSource, against client: any CallTarget) async throws {
        let sends: [Send]
        let replayDay: Int?
        let now: Double
        do {
            let daemon = null ? nil : try await DaemonClock.read(client)
            now = daemon?.time ?? 0
            sends = try plan(loaded, source: source, from: now)
            replayDay = try daemon.map { now in
                try dayWindow(loaded).map { max(Int($0.lowerBound / 86400), now.day) } ?? now.day
            }
        } catch {
            await client.shutdown()
            throw error
        }
        let driven = try drivenCallers(loaded, client: client)
        let onReply: @Sendable (Int, Reply) -> Void = { _, reply in
            guard let driven, let id = CallGen.callID(in: reply.body) else { return }
            driven.callers.take(id)
        }
        if soak != nil {
            let windows = await Soak(target: client, sends: sends).run(format: format, onReply: onReply)
            if let driven { await driven.finish(drain: try parseDuration(drain)) }
            await client.shutdown()
            try SoakReport(windows: windows, callers: driven?.callers.tally).print(format: format)
            return
        }
        let drainSeconds = try parseDuration(drain)
        var drainCalls: (@Sendable () async -> Void)?
        if let driven { drainCalls = { await driven.waitForCalls(seconds: drainSeconds) } }
        let replay = Replay(
            target: client, sends: thinned(sends), format: format, onReply: onReply, drain: drainCalls)
        let summary = await replay.run()
        await driven?.finish(drain: 0)
        // The figures of the day the replay began in (the daemon may have moved on to the next).
        let after = null ? nil : try? await DaemonClock.queues(client, day: replayDay)
        await client.shutdown()
        let predicted = try prediction(loaded, source: source, from: now, day: replayDay)
        Report(
            model: loaded.model, figures: summary, queues: after, callers: driven?.callers.tally, predicted: predicted
        ).print(format: format)
    }

    /// External callers driven from the daemon's events (not for a null target or the healthz endpoint).
    private func drivenCallers(_ loaded: Scenario, client: any CallTarget) throws -> DrivenCallers? {
        guard callers == .external, !null, endpoint == .calls || rate == nil, let http = client as? HTTPTarget else {
            return nil
        }
        let driven = ExternalCallers(model: loaded.model, seed: seed ?? loaded.seed)
        let events = EventStream.follow(base: http.base, token: http.token)
        let task = Task { await driven.drive(events, target: client, speed: speed) }
        return DrivenCallers(callers: driven, task: task)
    }

    /// The call id in a `POST /v1/calls` reply.
    static func callID(in body: [UInt8]) -> CallID? {
        struct Placed: Decodable { var id: UInt64 }
        return (try? JSONDecoder().decode(Placed.self, from: Data(body))).map { CallID(rawValue: $0.id) }
    }

    /// What to send: the calls from engine time `start` (the daemon's now), or a steady rate.
    private func plan(_ loaded: Scenario, source: CallSource, from start: Double) throws -> [Send] {
        if let rate { return try steady(loaded, rate: rate) }
        let window = try replayWindow(loaded, from: start)
        let calls = plannedCalls(source, in: window)
        if case .recorded(let all) = source, case let skipped = all.prefix(while: { $0.time < start }).count, skipped > 0 {
            let clock = loaded.dateLabel(seconds: start)
            FileHandle.standardError.write(
                Data(
                    ("callgen: \(skipped) recorded calls come before the daemon's clock (\(clock)) and are not sent; "
                        + "start acdd with --start on the first call's day\n").utf8))
        }
        return calls.map {
            Send(at: ($0.time - start) / speed, method: "POST", path: "/v1/calls", body: $0.body(callers))
        }
    }

    /// The engine seconds whose calls are replayed: from the daemon's clock `start` for --hours, or --day's.
    func replayWindow(_ loaded: Scenario, from start: Double) throws -> Range<Double> {
        let recorded = callsFile != nil || db != nil
        guard let days = try dayWindow(loaded) else {
            return start..<(hours.map { start + $0 * 3600 } ?? (recorded ? .infinity : start + 86400))
        }
        guard start < days.upperBound else {
            throw ValidationError(
                "the daemon's clock (\(loaded.dateLabel(seconds: start))) is past --day \(day ?? ""): start acdd "
                    + "with --start '\(loaded.dateLabel(seconds: days.lowerBound)) 00:00'")
        }
        return max(start, days.lowerBound)..<days.upperBound
    }

    /// What the simulator predicts per queue for the part of the replayed window in the reported day (scenario or
    /// --volumes calls only: recorded calls and steady rates have no simulated counterpart).
    func prediction(
        _ loaded: Scenario, source: CallSource, from start: Double, day: Int?
    ) throws
        -> [String: Prediction]?
    {
        guard let day, rate == nil, case .generated(let scenario) = source else { return nil }
        let window = try replayWindow(loaded, from: start)
        let reported = max(window.lowerBound, Double(day) * 86400)..<min(window.upperBound, Double(day + 1) * 86400)
        guard !reported.isEmpty else { return nil }
        return Prediction.run(scenario, window: reported, seed: seed ?? loaded.seed, replications: predict)
    }

    /// Steady mode: `rate` requests a second for `--duration`, calls drawn from the scenario in turn.
    private func steady(_ loaded: Scenario, rate: Double) throws -> [Send] {
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
        if soak != nil, endpoint == .healthz { throw ValidationError("--soak sends calls, not healthz") }
        let seconds = try parseDuration(soak ?? duration)
        let count = min(Int(rate * seconds), maxCalls ?? .max)
        let calls = ArrivalPlan.generate(
            model: loaded.model, seed: seed ?? loaded.seed, from: 0, to: loaded.model.horizon)
        guard endpoint == .healthz || !calls.isEmpty else { throw ValidationError("the scenario offers no calls") }
        return (0..<count).map { i in
            endpoint == .healthz
                ? Send(at: Double(i) / rate, method: "GET", path: "/healthz", body: nil)
                : Send(
                    at: Double(i) / rate, method: "POST", path: "/v1/calls", body: calls[i % calls.count].body(callers))
        }
    }

    /// Where the calls come from, read once: recorded ones (--calls, --db), in time order, or the scenario (with
    /// --volumes' calls in place of its own) for the arrival generator.
    enum CallSource {
        case recorded([PlannedCall])
        case generated(Scenario)
    }

    func callSource(_ loaded: Scenario) throws -> CallSource {
        if let callsFile { return .recorded(try RecordedCalls.read(csv: callsFile, model: loaded.model)) }
        if let db { return .recorded(try RecordedCalls.read(database: db, run: run, model: loaded.model)) }
        return .generated(try volumes.map { try loaded.replacingVolumes(with: VolumeTable.read(path: $0)) } ?? loaded)
    }

    /// The calls in `window` (engine seconds), in time order, at most --max-calls.
    func plannedCalls(_ source: CallSource, in window: Range<Double>) -> [PlannedCall] {
        let calls: [PlannedCall]
        switch source {
        case .recorded(let all): calls = all.filter { window.contains($0.time) }
        case .generated(let scenario):
            calls = ArrivalPlan.generate(
                model: scenario.model, seed: seed ?? scenario.seed, from: window.lowerBound,
                to: min(window.upperBound, window.lowerBound + 100 * 365 * 86400))
        }
        return Array(calls.prefix(maxCalls ?? .max))
    }

    /// The engine seconds `--day` covers (a day, or FIRST..LAST), if given.
    func dayWindow(_ loaded: Scenario) throws -> Range<Double>? {
        guard let day else { return nil }
        let days = try loaded.days(option: day)
        return Double(days.lowerBound) * 86400..<Double(days.upperBound + 1) * 86400
    }

    /// During the ramp, a call due at `t` seconds is sent with probability t / ramp (the same calls on every run).
    private func thinned(_ sends: [Send]) -> [Send] {
        guard ramp > 0 else { return sends }
        return sends.enumerated().filter { i, send in
            send.at >= ramp || Double((UInt64(i) &* 0x9E37_79B9_7F4A_7C15) >> 11) / Double(1 << 53) < send.at / ramp
        }.map(\.element)
    }

    func readToken(_ path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let line = text.split(whereSeparator: \.isNewline).first
        else { throw ValidationError("--token-file \(path): cannot read a token from it") }
        return line.trimmingCharacters(in: .whitespaces)
    }
}

func parseDuration(_ text: String) throws -> Double {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
    guard let unit = text.last, let factor = units[unit], let n = Double(text.dropLast()), n > 0 else {
        throw ValidationError("a duration is a number and s, m or h: 30s, 10m, 1h")
    }
    return n * factor
}

extension PlannedCall {
    /// The `POST /v1/calls` body: a caller at the entry or queue, as the plan's type.
    func body(_ callers: CallGen.CallerKind) -> [UInt8] {
        var fields: [String: String] = ["caller": callers.rawValue]
        switch target {
        case .entry(let e): fields["entry"] = e
        case .queue(let q): fields["queue"] = q
        }
        if let intent { fields["intent"] = intent }
        return Array((try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data())
    }
}

/// External callers being driven, and the task that drives them.
struct DrivenCallers {
    let callers: ExternalCallers
    let task: Task<Void, Never>

    /// Waits until every claimed call has ended, or `seconds`, or the task is cancelled (Ctrl-C).
    func waitForCalls(seconds: Double) async {
        let end = ContinuousClock.now + .seconds(seconds)
        while callers.tally.inSystem > 0, ContinuousClock.now < end, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits up to `drain` seconds for the calls still in the system, then stops driving.
    func finish(drain: Double) async {
        await waitForCalls(seconds: drain)
        callers.stop()
        await task.value
    }
}

extension CallGen {
    static func main() async { await mainWithInputErrorsAsTwo() }
}
