import ACDCore
import ACDServer
import ArgumentParser
import Foundation
import Hummingbird
import IVRFlows
import Logging
import SIPFront
import ServiceLifecycle
import UnixSignals

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run the ACD daemon: calls arrive over HTTP, pass the IVR, queue and reach agents; every call recorded.",
        discussion: """
            The live engine (the same routing engine as `simulate`) runs on the wall clock at --speed engine seconds \
            per real second. Calls come in through the HTTP API under /v1 (docs/api.md, docs/openapi.yaml); agents \
            are the scenario's rota, plus anyone who logs in through the API. Every finished call is written to \
            --db (SQLite, docs/database.md). The wallboard is at /, Prometheus metrics at /metrics.

            SIGTERM or SIGINT: new calls get 503, calls in flight end as records (outcome `shutdown`), the records \
            are committed, and acdd exits 0. SIGHUP or POST /v1/reload reads and checks the flows again: a set with \
            errors is refused and the old one keeps serving.

            Bound to anything but loopback, acdd needs --token-file: every request but /healthz must then carry \
            `Authorization: Bearer TOKEN`.

            With --sip HOST:PORT acdd also answers the telephone (UDP and TCP): a call to sip:NUMBER@HOST:PORT, where \
            NUMBER is an entry's `number:` or its name, walks that entry's flow like an API call; the caller hears \
            the prompts over RTP (PCMU or PCMA), presses keys (RFC 4733 or in-band tones), waits to music on hold \
            and is answered by the model's agents. Unknown numbers get 404; calls over --max-calls, or while \
            stopping, 503. See docs/sip.md.

            With --sip-agents FILE agents answer on SIP phones: each phone REGISTERs with its agent's name and \
            password (digest), logging the agent in, not ready; ready and not ready come from the API. A call \
            offered to the agent rings their phone; on answer acdd bridges the caller and the agent (RTP relayed, \
            PCMU and PCMA converted). Unanswered after the ring time, busy or unregistered: the agent goes not ready \
            and the call goes back to the head of its queue.

            Example: acdd serve flows/leeds --speed 60 --db acdd.sqlite
                     acdd serve flows/leeds --sip 127.0.0.1:5060
                     acdd serve tests/sip/centre --sip 127.0.0.1:5060 --sip-agents tests/sip/agents.yaml
            """)

    @Argument(help: "The scenario file, or a folder with scenario.yaml.")
    var scenario = "flows/leeds"

    @Option(help: "Address and port to listen on (port 0 picks a free one, printed at start).")
    var listen = "127.0.0.1:8080"

    @Option(help: "Engine seconds per real second (60 serves a simulated hour in a minute).")
    var speed = 1.0

    @Option(help: "SQLite file for call records.")
    var db = "acdd.sqlite"

    @Option(help: "A file whose first line is the bearer token clients must send.")
    var tokenFile: String?

    @Option(
        help:
            "Engine start: 'DAY HH:MM' of the model's first week or 'YYYY-MM-DD HH:MM'; default: now's weekday, time."
    )
    var start: String?

    @Option(name: .shortAndLong, help: "Seed (default: the scenario's).")
    var seed: UInt64?

    @Option(help: "Most calls in the system; beyond it new calls get 503 (about 200 bytes of engine state each).")
    var maxCalls = 500_000

    @Option(help: "Answer SIP calls on HOST:PORT (UDP and TCP), e.g. 127.0.0.1:5060. Off unless given.")
    var sip: String?

    @Option(help: "Hang up an answered SIP call after this many seconds without RTP from the caller (0: never).")
    var sipRtpTimeout = 30.0

    @Option(help: "Seconds a SIP call rings before acdd answers it.")
    var sipRing = 0.0

    @Option(help: "Music on hold for SIP callers: an audio file (default: a generated chime).")
    var sipHold: String?

    @Option(help: "Agents who may register SIP phones: a YAML file of names, groups and passwords (docs/sip.md).")
    var sipAgents: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(help: "text or json (a JSON object a line).")
    var logFormat = "text"

    func run() async throws {
        let level = try parseLevel()
        let json = logFormat == "json"
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format is text or json") }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "acdd")
        logger.logLevel = level
        var configuration = DaemonConfiguration(scenarioPath: scenario)
        (configuration.host, configuration.port) = try parseListen()
        guard speed > 0, speed.isFinite else { throw ValidationError("--speed must be positive") }
        configuration.speed = speed
        configuration.database = db
        configuration.seed = seed
        guard maxCalls > 0 else { throw ValidationError("--max-calls must be positive") }
        configuration.maxCalls = maxCalls
        configuration.start = try start.map(parseStart)
        if let tokenFile { configuration.token = try readToken(tokenFile) }
        if !configuration.isLoopback && configuration.token == nil {
            throw ValidationError("acdd binds to \(configuration.host), not loopback: give --token-file")
        }
        let daemon: Daemon
        do {
            daemon = try Daemon(configuration: configuration, logger: logger)
        } catch let error as InputError {
            throw failInput(error)
        }
        var front: SIPFront?
        if sipAgents != nil && sip == nil { throw ValidationError("--sip-agents needs --sip HOST:PORT") }
        var agentBook = SIPAgentBook()
        if let sipAgents {
            do {
                agentBook = try SIPAgentBook.load(path: sipAgents, model: daemon.scenario.model)
            } catch {
                throw failInput(error)
            }
        }
        if let sip {
            guard let (sipHost, sipPort) = Self.hostPort(sip), sipPort > 0 else {
                throw ValidationError("--sip is HOST:PORT, e.g. 127.0.0.1:5060")
            }
            if !DaemonConfiguration.isLoopback(sipHost) && configuration.token == nil {
                throw ValidationError("--sip binds to \(sipHost), not loopback: give --token-file")
            }
            guard sipRtpTimeout >= 0, sipRtpTimeout.isFinite else {
                throw ValidationError("--sip-rtp-timeout is seconds, 0 or more")
            }
            var sipConfiguration = SIPConfiguration()
            (sipConfiguration.host, sipConfiguration.port) = (sipHost, sipPort)
            sipConfiguration.rtpTimeout = sipRtpTimeout
            sipConfiguration.holdMusic = sipHold
            guard sipRing >= 0, sipRing <= 60 else { throw ValidationError("--sip-ring is 0 to 60 seconds") }
            sipConfiguration.ring = sipRing
            sipConfiguration.agents = agentBook
            do {
                let sipFront = try SIPFront(daemon: daemon, configuration: sipConfiguration, logger: logger)
                try sipFront.start()
                front = sipFront
            } catch {
                throw ValidationError("--sip: \(error)")
            }
            FileHandle.standardOutput.write(Data("answering SIP on sip:\(sipHost):\(sipPort) (udp, tcp)\n".utf8))
        }
        let (host, fixedPort, served, speed) = (configuration.host, configuration.port, logger, speed)
        let app = daemon.application { channel in
            let port = channel.localAddress?.port ?? fixedPort
            served.info("acdd serving", metadata: ["address": "http://\(host):\(port)", "speed": "\(speed)"])
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [app, ReloadOnHangUp(daemon: daemon, logger: logger)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        front?.stop()
        let (records, commits) = daemon.writer.progress
        logger.info("acdd stopped", metadata: ["records": "\(records)", "commits": "\(commits)"])
    }

    private func parseLevel() throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level is one of trace, debug, info, notice, warning, error, critical")
        }
        return level
    }

    static func hostPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        return (String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }

    private func parseListen() throws -> (String, Int) {
        guard let address = Self.hostPort(listen) else {
            throw ValidationError("--listen is HOST:PORT, e.g. 127.0.0.1:8080")
        }
        return address
    }

    /// `mon 08:00` (the model's first week) or `2020-03-23 08:00` (a date of the period) as engine seconds.
    private func parseStart(_ text: String) throws -> Double {
        let usage = "--start is 'DAY HH:MM' or 'YYYY-MM-DD HH:MM', e.g. 'mon 08:00'"
        let parts = text.lowercased().split(separator: " ")
        let hm = parts.count == 2 ? parts[1].split(separator: ":").compactMap { Int($0) } : []
        guard hm.count == 2, (0..<24).contains(hm[0]), (0..<60).contains(hm[1]) else { throw ValidationError(usage) }
        let scenario = try loadScenario(scenario, overrides: [])
        let day: Int
        if let weekday = Weekday.names.firstIndex(of: String(parts[0].prefix(3))) {
            day = (weekday - scenario.startWeekday + 7) % 7
        } else if let date = scenario.periodDay(String(parts[0])) {
            day = date
        } else {
            throw ValidationError("\(usage); a date must lie in the scenario's period")
        }
        return Double(day * 86400 + hm[0] * 3600 + hm[1] * 60)
    }

    private func readToken(_ path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("--token-file \(path): cannot read it")
        }
        let token =
            text.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        guard token.count >= 16 else {
            throw ValidationError("--token-file \(path): the token must have at least 16 characters")
        }
        return token
    }
}

/// SIGHUP reloads the flows (as `POST /v1/reload`).
struct ReloadOnHangUp: Service {
    let daemon: Daemon
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                do {
                    _ = try await daemon.reload()
                } catch {
                    logger.error("SIGHUP reload refused", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}

/// One JSON object a line on stderr.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = [
            "time": ISO8601DateFormatter().string(from: Date()), "level": event.level.rawValue, "label": label,
            "message": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = value.description
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}
