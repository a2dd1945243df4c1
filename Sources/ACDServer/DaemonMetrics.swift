import ACDCore
import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics (`/metrics`), each with help text so `promtool check metrics` passes. The code
/// counts through swift-metrics types (`Counter`, `Recorder`, `Timer`) over swift-prometheus handlers in the
/// daemon's own registry (so several daemons in one test process do not share counters).
///
/// Counters follow the engine's running totals: each scrape adds what has happened since the last one, so they
/// agree exactly with `GET /v1/queues`. Histograms take each finished call's wait and handle time as its record is
/// written.
final class DaemonMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let queueCounters: [[CoreMetrics.Counter]]
    private let entryCounters: [[CoreMetrics.Counter]]
    private let waiting: [CoreMetrics.Recorder]
    private let longestWait: [CoreMetrics.Recorder]
    private let agents: [[CoreMetrics.Recorder]]
    private let waitTime: [CoreMetrics.Timer]
    private let handleTime: [CoreMetrics.Timer]
    private let dropped: CoreMetrics.Counter
    private let residentMemory: CoreMetrics.Recorder
    private let seen = Mutex(Seen())
    /// Figures other parts of the daemon (the SIP front) keep in this registry, brought up to date before each scrape.
    private let extensions = Mutex<[@Sendable () -> Void]>([])

    private struct Seen {
        var queues: [[Int]] = []
        var entries: [[Int]] = []
        var dropped = 0
    }

    static let queueFigures = ["offered", "answered", "abandoned", "misrouted", "blocked"]
    static let entryFigures = ["offered", "deflected", "self_served", "queued", "hung_up", "closed", "transferred"]

    init(model: CentreModel) {
        let r = registry
        func counter(_ name: String, _ help: String, _ labels: [(String, String)]) -> CoreMetrics.Counter {
            let d = MetricNameDescriptor(namespace: "acd", metricName: name, unitName: "total", helpText: help)
            return CoreMetrics.Counter(
                label: d.name, dimensions: labels, handler: r.makeCounter(descriptor: d, labels: labels))
        }
        func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [(String, String)]) -> Recorder {
            let d = MetricNameDescriptor(namespace: "acd", metricName: name, unitName: unit, helpText: help)
            return Recorder(
                label: d.name, dimensions: labels, aggregate: false, handler: r.makeGauge(descriptor: d, labels: labels)
            )
        }
        func histogram(_ name: String, _ help: String, _ labels: [(String, String)]) -> CoreMetrics.Timer {
            let d = MetricNameDescriptor(namespace: "acd", metricName: name, unitName: "seconds", helpText: help)
            let buckets: [Duration] = [5, 10, 20, 30, 60, 120, 180, 300, 600, 1200, 3600].map { .seconds($0) }
            return CoreMetrics.Timer(
                label: d.name, dimensions: labels,
                handler: r.makeDurationHistogram(descriptor: d, labels: labels, buckets: buckets))
        }
        let queues = model.queues.map { [("queue", $0.name)] }
        let entries = model.entries.map { [("entry", $0.name)] }
        queueCounters = queues.map { labels in
            Self.queueFigures.map { figure in
                counter(
                    "queue_calls_\(figure)", "Calls \(figure.replacingOccurrences(of: "_", with: " ")) at the queue.",
                    labels)
            }
        }
        entryCounters = entries.map { labels in
            Self.entryFigures.map { figure in
                counter(
                    "entry_calls_\(figure)",
                    figure == "offered" ? "Calls that dialled the entry." : "Callers whose IVR visit ended \(figure).",
                    labels)
            }
        }
        waiting = queues.map { gauge("queue_calls_waiting", "", "Calls waiting in the queue now.", $0) }
        longestWait = queues.map {
            gauge("queue_longest_wait", "seconds", "Seconds the longest-waiting call has waited.", $0)
        }
        agents = model.groups.map { group in
            AgentActivity.allCases.map {
                gauge(
                    "agents", "", "Agents of the group by state.", [("group", group.name), ("state", $0.description)])
            }
        }
        waitTime = queues.map { histogram("queue_wait", "Wait in the queue of finished calls, answered or not.", $0) }
        handleTime = queues.map { histogram("queue_handle", "Talk and wrap-up time of answered calls.", $0) }
        dropped = counter("records_dropped", "Call records the writer could not keep up with.", [])
        let memory = MetricNameDescriptor(
            namespace: "process", metricName: "resident_memory", unitName: "bytes",
            helpText: "Resident memory of the acdd process.")
        residentMemory = Recorder(
            label: memory.name, dimensions: [], aggregate: false, handler: r.makeGauge(descriptor: memory, labels: []))
        seen.withLock { s in
            s.queues = queues.map { _ in Array(repeating: 0, count: Self.queueFigures.count) }
            s.entries = entries.map { _ in Array(repeating: 0, count: Self.entryFigures.count) }
        }
    }

    /// A finished call's wait and handle time.
    func record(_ record: CallRecord) {
        guard let q = record.queue, let entered = record.queueEntry else { return }
        waitTime[q.index].recordSeconds(max(0, record.endOfWait - entered))
        if record.outcome == .answered, let end = record.wrapUpEnd ?? record.talkEnd {
            handleTime[q.index].recordSeconds(max(0, end - record.endOfWait))
        }
    }

    /// Brings counters and gauges to the engine's figures now.
    func update(totals: [QueueTally], entries: [[Int]], snapshot: LiveSnapshot, groups: [[Int]]) {
        let queueNow = totals.map {
            [$0.offered, $0.answered, $0.abandoned + $0.shortAbandoned, $0.misrouted, $0.blocked]
        }
        let entryNow = entries.map { o in
            func n(_ outcome: FlowOutcome) -> Int { o[Int(outcome.rawValue)] }
            return [
                o.reduce(0, +), n(.deflected), n(.selfServed), n(.queued), n(.hungUp), n(.closed), n(.transferred),
            ]
        }
        let deltas = seen.withLock { s in
            defer {
                s.queues = queueNow
                s.entries = entryNow
                s.dropped = snapshot.recordsDropped
            }
            return (
                zip(queueNow, s.queues).map { zip($0, $1).map { $0 - $1 } },
                zip(entryNow, s.entries).map { zip($0, $1).map { $0 - $1 } }, snapshot.recordsDropped - s.dropped
            )
        }
        for (q, row) in deltas.0.enumerated() {
            for (i, d) in row.enumerated() where d > 0 { queueCounters[q][i].increment(by: d) }
        }
        for (e, row) in deltas.1.enumerated() {
            for (i, d) in row.enumerated() where d > 0 { entryCounters[e][i].increment(by: d) }
        }
        if deltas.2 > 0 { dropped.increment(by: deltas.2) }
        for queue in snapshot.queues {
            waiting[queue.id.index].record(queue.waiting)
            longestWait[queue.id.index].record(queue.longestWait)
        }
        for (g, counts) in groups.enumerated() {
            for (i, n) in counts.enumerated() { agents[g][i].record(n) }
        }
        if let bytes = Self.residentBytes() { residentMemory.record(bytes) }
    }

    /// This process's resident memory, from /proc/self/statm (Linux).
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Adds metrics kept elsewhere: `make` creates them in the registry and returns what updates them, which runs
    /// before every scrape.
    func extend(_ make: (PrometheusCollectorRegistry) -> @Sendable () -> Void) {
        let update = make(registry)
        extensions.withLock { $0.append(update) }
    }

    /// The Prometheus text.
    func exposition() -> String {
        for update in extensions.withLock({ $0 }) { update() }
        return registry.emitToString()
    }
}
