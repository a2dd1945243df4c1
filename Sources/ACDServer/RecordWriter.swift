import ACDCore
import ACDStore
import Logging
import ServiceLifecycle
import Synchronization

/// The one writer of the daemon's database: it reads the engine's record stream, feeds the wait and handle-time
/// histograms, and commits a batch (records, calls now in flight, finished intervals) at most every
/// `batchSeconds` or every `batchRecords` records, each batch one transaction. It ends when the engine's stream
/// ends (after the engine has recorded the calls in flight at shutdown), with a last commit.
package final class RecordWriter: Service, Sendable {
    private let engine: LiveEngine
    private let store: Mutex<CallStore?>
    private let metrics: DaemonMetrics
    private let hub: EventHub
    private let batchRecords: Int
    private let batchSeconds: Double
    private let logger: Logger
    private let pending = Mutex(Pending())

    private struct Pending {
        var records: [CallRecord] = []
        var arrivals: [CallStore.Arrival] = []
        /// The next interval (counted from the engine's start) whose row has not been written.
        var nextInterval: Int?
        var written = 0
        var commits = 0
        var failures = 0
    }

    private let channels: ChannelRegistry

    init(
        engine: LiveEngine, store: sending CallStore?, metrics: DaemonMetrics, hub: EventHub, batchRecords: Int,
        batchSeconds: Double, logger: Logger, channels: ChannelRegistry = ChannelRegistry()
    ) {
        self.channels = channels
        self.engine = engine
        self.store = Mutex(store)
        self.metrics = metrics
        self.hub = hub
        self.batchRecords = batchRecords
        self.batchSeconds = batchSeconds
        self.logger = logger
    }

    /// Records committed so far, and commits made.
    package var progress: (records: Int, commits: Int) { pending.withLock { ($0.written, $0.commits) } }
    package var runID: Int? { store.withLock { $0?.run } }

    package func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { [self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(batchSeconds))
                    await commit()
                }
            }
            for await record in engine.records {
                metrics.record(record)
                let full = pending.withLock { p in
                    p.records.append(record)
                    return p.records.count >= batchRecords
                }
                if full { await commit() }
            }
            group.cancelAll()
        }
        await commit(final: true)
        hub.close()
    }

    /// Notes the calls that arrived (the engine's events, on its queue): they are open until their record is
    /// committed.
    func noteArrivals(_ events: [LiveEvent]) {
        let arrivals = events.compactMap { e -> CallStore.Arrival? in
            guard e.type == .callArrived, let call = e.call else { return nil }
            return CallStore.Arrival(call: call, entry: e.entry, queue: e.queue, time: e.time)
        }
        guard !arrivals.isEmpty else { return }
        pending.withLock { $0.arrivals += arrivals }
    }

    /// Commits what has come in, with the arrivals and the interval rows due.
    package func commit(final: Bool = false) async {
        let (records, arrivals) = pending.withLock { p in
            defer {
                p.records = []
                p.arrivals = []
            }
            return (p.records, p.arrivals)
        }
        guard store.withLock({ $0 != nil }) else {
            pending.withLock { $0.written += records.count }
            return
        }
        var batch = CallStore.Batch()
        batch.records = records
        batch.time = await engine.now
        batch.arrivals = arrivals
        batch.agentNames = await engine.agentNamesByID
        for r in records {
            guard let leg = channels.take(r.id) else { continue }
            batch.channels[r.id] = leg.channel
            if !leg.tried.isEmpty { batch.tried[r.id] = leg.tried.joined(separator: ",") }
        }
        batch.intervals = await intervalRows(now: batch.time, final: final)
        do {
            try store.withLock { store in
                try store?.commit(batch)
                if final { try store?.close() }
            }
            pending.withLock { p in
                p.written += records.count
                p.commits += 1
            }
        } catch {
            pending.withLock { p in
                p.failures += 1
                p.records = records + p.records  // kept for the next commit; nothing is lost
                p.arrivals = arrivals + p.arrivals
            }
            logger.error("cannot write call records", metadata: ["error": "\(error)"])
        }
    }

    /// Rows for every interval that has ended since the last commit (at the end, the running one too). When a day
    /// begins, the day before yesterday is written again whole: its figures have settled (calls that arrived late
    /// in it have ended).
    private func intervalRows(now: Double, final: Bool) async -> [CallStore.IntervalRow] {
        let length = engine.model.intervalLength
        let perDay = Int((86400 / length).rounded())
        guard perDay > 0, Double(perDay) * length == 86400 else { return [] }
        let current = Int(now / length)
        let last = final ? current + 1 : current
        let first = pending.withLock { p in
            defer { p.nextInterval = max(p.nextInterval ?? current, last) }
            return p.nextInterval ?? current
        }
        var wanted = Array(first..<max(first, last))
        for d in (first / perDay)..<(current / perDay) where d - 1 >= 0 {
            wanted += ((d - 1) * perDay)..<(d * perDay)
        }
        var rows: [CallStore.IntervalRow] = []
        for (d, intervals) in Dictionary(grouping: wanted, by: { $0 / perDay }).sorted(by: { $0.key < $1.key }) {
            guard let day = await engine.day(d) else { continue }
            for n in Set(intervals).sorted() {
                for (q, tallies) in day.queues.enumerated() where n % perDay < tallies.count {
                    rows.append(
                        CallStore.IntervalRow(
                            day: d, interval: n % perDay, start: Double(n) * length, queue: QueueID(q),
                            tally: tallies[n % perDay]))
                }
            }
        }
        return rows
    }
}
