import ACDCore
import ACDStore
import Foundation
import Hummingbird
import IVRFlows
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization

/// How `acdd serve` runs.
package struct DaemonConfiguration: Sendable {
    package var scenarioPath: String
    package var host = "127.0.0.1"
    package var port = 8080
    /// Engine seconds per real second.
    package var speed = 1.0
    /// The SQLite file for call records; `nil` keeps none.
    package var database: String?
    package var token: String?
    package var seed: UInt64?
    /// The engine time to start at; `nil`: the model's week at today's weekday and time of day.
    package var start: Double?
    package var recordBuffer = 65_536
    package var eventBuffer = 10_000
    /// Most calls in the system before new ones get 503 (each takes about 200 bytes of engine state).
    package var maxCalls = 500_000
    /// A record batch is committed after this many records or this many real seconds, whichever comes first.
    package var batchRecords = 1_000
    package var batchSeconds = 1.0

    package init(scenarioPath: String) { self.scenarioPath = scenarioPath }

    /// Anything but loopback needs a token.
    package var isLoopback: Bool { Self.isLoopback(host) }

    /// Whether a listening address is this machine's loopback.
    package static func isLoopback(_ host: String) -> Bool { ["127.0.0.1", "::1", "localhost"].contains(host) }
}

/// Everything one running daemon shares between its routes and services: the live engine (the only door to the
/// routing engine), the scenario it was built from, the event hub, the metrics and the record writer.
package final class Daemon: Sendable {
    package let configuration: DaemonConfiguration
    package let engine: LiveEngine
    package let hub: EventHub
    let metrics: DaemonMetrics
    package let writer: RecordWriter
    let logger: Logger
    package let names: Names
    /// Telephone fronts (SIPFront): their services, run between the record writer and the engine, and the calls they
    /// carry, which the call view and the `calls` rows name by channel.
    private let fronts = Mutex<[any Service]>([])
    package let channels: ChannelRegistry
    private let taps: EventTaps
    /// The real date the daemon started, and the engine's day then.
    let startDate = Date()
    let startDay: Int
    private let state: Mutex<State>

    struct State {
        var scenario: Scenario
        var checks: [FlowProblem]
        var stopping = false
        var reloads = 0
    }

    /// A served scenario's names, for requests that name things.
    package struct Names: Sendable {
        package let entries: [String: EntryID]
        let queues: [String: QueueID]
        let groups: [String: GroupID]
        let intents: [String: Int]

        init(_ model: CentreModel) {
            entries = Dictionary(model.entries.enumerated().map { ($1.name, EntryID($0)) }) { a, _ in a }
            queues = Dictionary(model.queues.enumerated().map { ($1.name, QueueID($0)) }) { a, _ in a }
            groups = Dictionary(model.groups.enumerated().map { ($1.name, GroupID($0)) }) { a, _ in a }
            intents = Dictionary(model.intents.enumerated().map { ($1, $0) }) { a, _ in a }
        }
    }

    /// Loads and checks the scenario, opens the database (recovering calls a killed daemon left in flight) and
    /// builds the engine on `clock` (a wall clock at the configured speed by default).
    package init(
        configuration: DaemonConfiguration, clock: (any LiveClock)? = nil, logger: Logger = Logger(label: "acdd")
    ) throws {
        self.configuration = configuration
        self.logger = logger
        let scenario = try Scenario.load(path: configuration.scenarioPath)
        let checks = FlowChecker.check(path: configuration.scenarioPath)
        let model = scenario.model
        let hub = EventHub(capacity: configuration.eventBuffer)
        self.hub = hub
        let arrivals = ArrivalTap()
        let taps = EventTaps()
        self.taps = taps
        let start = configuration.start ?? Self.alignedStart(scenario: scenario)
        startDay = clock.map { Int($0.now() / 86400) } ?? Int(start / 86400)
        engine = LiveEngine(
            model: model, seed: configuration.seed ?? scenario.seed,
            clock: clock ?? WallClock(speed: configuration.speed, origin: start),
            recordBuffer: configuration.recordBuffer, label: "acdd.engine",
            events: {
                hub.publish($0)
                arrivals.writer?.noteArrivals($0)
                taps.deliver($0)
            })
        metrics = DaemonMetrics(model: model)
        names = Names(model)
        let store = try configuration.database.map {
            try CallStore(
                path: $0, model: model, scenario: scenario.name, file: scenario.file,
                seed: configuration.seed ?? scenario.seed, parameters: ["speed": String(configuration.speed)])
        }
        for recovery in store?.recovered ?? [] {
            logger.warning(
                "calls in flight when an earlier run stopped uncleanly are recorded as lost",
                metadata: ["run": "\(recovery.run)", "calls": "\(recovery.calls)"])
        }
        let channels = ChannelRegistry()
        self.channels = channels
        writer = RecordWriter(
            engine: engine, store: store, metrics: metrics, hub: hub, batchRecords: configuration.batchRecords,
            batchSeconds: configuration.batchSeconds, logger: logger, channels: channels)
        state = Mutex(State(scenario: scenario, checks: checks))
        arrivals.writer = writer
    }

    /// The engine time of now's weekday and time of day in the model's first week (a model that starts on a Monday
    /// starts a Thursday 09:00 daemon at day 3, 09:00).
    static func alignedStart(scenario: Scenario, now: Date = Date()) -> Double {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let parts = calendar.dateComponents([.weekday, .hour, .minute, .second], from: now)
        let weekday = ((parts.weekday ?? 2) + 5) % 7  // Monday 0
        let day = (weekday - scenario.startWeekday + 7) % 7
        let seconds = (parts.hour ?? 0) * 3600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0)
        return Double(day * 86400 + seconds)
    }

    package var scenario: Scenario { state.withLock { $0.scenario } }
    var checks: [FlowProblem] { state.withLock { $0.checks } }
    package var model: CentreModel { engine.model }
    package var stopping: Bool { state.withLock { $0.stopping } }
    func beginStopping() { state.withLock { $0.stopping = true } }
    var reloads: Int { state.withLock { $0.reloads } }

    /// Keeps the reloaded scenario and its checks; returns how many reloads there have been.
    func recordReload(scenario: Scenario, checks: [FlowProblem]) -> Int {
        state.withLock { s in
            s.scenario = scenario
            s.checks = checks
            s.reloads += 1
            return s.reloads
        }
    }

    /// The services that run with the HTTP server, in start order (they stop in reverse: new calls are refused
    /// first, then the engine ends the calls in flight as records, then the writer commits them and closes).
    var services: [any Service] { [writer, engine] + fronts.withLock { $0 } + [StopGate(daemon: self)] }

    /// Adds a telephone front before the daemon runs: its service is told to stop right after new API calls are
    /// refused and before the engine ends the calls in flight (whose ends it still sees, to hang them up); `events`
    /// sees every engine event batch.
    package func attach(front: any Service, events: @escaping @Sendable ([LiveEvent]) -> Void) {
        fronts.withLock { $0.append(front) }
        taps.add(events)
    }

    /// Adds a front's own figures to `/metrics`: `make` creates them in the daemon's Prometheus registry and returns
    /// what brings them up to date, which runs before every scrape.
    package func addMetrics(_ make: (PrometheusCollectorRegistry) -> @Sendable () -> Void) {
        metrics.extend(make)
    }
}

/// The engine's event batches for the fronts attached before the engine starts.
private final class EventTaps: @unchecked Sendable {
    /// Appended to only before the engine starts (``Daemon/attach(front:events:)``).
    private var sinks: [@Sendable ([LiveEvent]) -> Void] = []
    func add(_ sink: @escaping @Sendable ([LiveEvent]) -> Void) { sinks.append(sink) }
    func deliver(_ events: [LiveEvent]) { for sink in sinks { sink(events) } }
}

/// The channel of each call a telephone front placed, with what identifies it there, for the call view and the
/// `calls` rows (`channel`: `sip`, else `api` for an external caller and `model` for the model's own).
package final class ChannelRegistry: Sendable {
    package struct Leg: Sendable, Codable, Equatable {
        package var channel: String
        package var callID: String
        package var remote: String
        package var codec: String?
        /// Agents whose phones rang with the call without taking it, in order; then the one who answered.
        package var tried: [String] = []
        package var answeredBy: String?

        package init(channel: String, callID: String, remote: String, codec: String? = nil) {
            self.channel = channel
            self.callID = callID
            self.remote = remote
            self.codec = codec
        }
    }

    private let legs = Mutex<[CallID: Leg]>([:])

    package func register(_ call: CallID, _ leg: Leg) { legs.withLock { $0[call] = leg } }
    package func leg(of call: CallID) -> Leg? { legs.withLock { $0[call] } }
    /// An agent's phone rang with the call and did not take it (a call of the API gets a leg for this).
    package func noteTried(_ call: CallID, agent: String) {
        legs.withLock { $0[call, default: Leg(channel: "api", callID: "", remote: "")].tried.append(agent) }
    }
    package func noteAnswered(_ call: CallID, agent: String) {
        legs.withLock { $0[call, default: Leg(channel: "api", callID: "", remote: "")].answeredBy = agent }
    }
    /// The leg of a call whose record is being written: forgotten after.
    func take(_ call: CallID) -> Leg? { legs.withLock { $0.removeValue(forKey: call) } }
}

/// Turns new calls away (503) as soon as the daemon is asked to stop.
struct StopGate: Service {
    let daemon: Daemon

    func run() async throws {
        try? await gracefulShutdown()
        daemon.beginStopping()
    }
}

/// Hands the engine's events to the record writer, which is built after the engine.
private final class ArrivalTap: @unchecked Sendable {
    /// Set once, before the engine starts.
    var writer: RecordWriter?
}
