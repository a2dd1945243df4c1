import ACDCore
import Foundation

/// The daemon's database: one `runs` row for each time the daemon starts (mode `live`), every finished call in
/// `calls` (the schema `acdd simulate --records` writes), per-interval figures in `interval_stats`, and the calls in
/// flight at the last commit in `open_calls`.
///
/// The file is in WAL mode and each ``commit(_:)`` is one transaction, so a daemon killed at any moment leaves a
/// consistent file that has every committed batch. On the next start, the calls that were in flight at the last
/// commit become records with outcome `lost` (``recovered``): their id, entry or queue and arrival are known, and
/// their wait ends at the last commit.
package final class CallStore {
    package typealias StoreError = SQLiteDatabase.StoreError

    /// One commit: finished calls, calls that arrived since the last commit, and interval rows (written again,
    /// replacing, as a day's figures settle).
    package struct Batch: Sendable {
        package var records: [CallRecord] = []
        /// Calls that arrived (they stay in `open_calls` until their record is committed).
        package var arrivals: [Arrival] = []
        package var intervals: [IntervalRow] = []
        /// Engine time of the commit.
        package var time: Double = 0
        package var agentNames: [AgentID: String] = [:]
        /// Calls that came in by telephone (`sip`); the rest came through the API.
        package var channels: [CallID: String] = [:]
        /// Calls offered to agents' phones that did not take them: the agents, comma-separated.
        package var tried: [CallID: String] = [:]

        package init() {}
    }

    /// A call that has arrived: its id, where it arrived (an entry's or a queue's name) and when.
    package struct Arrival: Sendable, Equatable {
        package var call: CallID
        package var entry: String?
        package var queue: String?
        package var time: Double

        package init(call: CallID, entry: String?, queue: String?, time: Double) {
            (self.call, self.entry, self.queue, self.time) = (call, entry, queue, time)
        }
    }

    /// One queue's figures over one interval of one day.
    package struct IntervalRow: Sendable, Equatable {
        package var day: Int
        package var interval: Int
        package var start: Double
        package var queue: QueueID
        package var tally: QueueTally

        package init(day: Int, interval: Int, start: Double, queue: QueueID, tally: QueueTally) {
            (self.day, self.interval, self.start, self.queue, self.tally) = (day, interval, start, queue, tally)
        }
    }

    /// Calls found in flight from an earlier run that did not stop cleanly, now recorded as `lost`.
    package struct Recovery: Sendable, Equatable {
        package var run: Int
        package var calls: Int

        package init(run: Int, calls: Int) { (self.run, self.calls) = (run, calls) }
    }

    private let db: SQLiteDatabase
    private let model: CentreModel
    private let records: CallRecordWriter
    private let opened: SQLiteDatabase.Statement
    private let closed: SQLiteDatabase.Statement
    private let intervalRow: SQLiteDatabase.Statement
    /// This start's row in `runs`.
    package let run: Int
    package let recovered: [Recovery]
    package var path: String { db.path }

    /// Opens (or creates) the file, brings its schema up to date, recovers calls left in flight by a killed daemon,
    /// and starts a run.
    package init(
        path: String, model: CentreModel, scenario: String, file: String, seed: UInt64,
        parameters: [String: String] = [:]
    ) throws {
        db = try SQLiteDatabase(path: path)
        try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
        try Schema.migrate(db)
        self.model = model
        recovered = try Self.recoverLost(db)
        records = try CallRecordWriter(db, model: model)
        opened = try db.prepare("INSERT OR REPLACE INTO open_calls VALUES (?,?,?,?,?)")
        closed = try db.prepare("DELETE FROM open_calls WHERE run_id = ? AND call_id = ?")
        intervalRow = try db.prepare("INSERT OR REPLACE INTO interval_stats VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
        let json = String(
            decoding: try JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys]), as: UTF8.self)
        try db.prepare(
            "INSERT INTO runs (started, scenario, file, seed, replications, interval_seconds, intervals, parameters, "
                + "mode) VALUES (?,?,?,?,1,?,?,?,'live')"
        ).run([
            ISO8601DateFormatter().string(from: Date()), scenario, file, seed, model.intervalLength,
            model.intervalCount, json,
        ])
        run = db.lastInsertedRow
    }

    /// Calls left in `open_calls` by runs that died become `lost` records (their wait ending at the run's last
    /// commit); returns how many, per run.
    private static func recoverLost(_ db: SQLiteDatabase) throws -> [Recovery] {
        let runs = try db.prepare("SELECT run_id, count(*) FROM open_calls GROUP BY run_id ORDER BY run_id").rows([])
        guard !runs.isEmpty else { return [] }
        try db.transaction {
            try db.execute(
                """
                INSERT INTO calls (run_id, replication, call_id, serial, entry, queue, arrival, end_of_wait, outcome,
                    attempt, channel)
                SELECT o.run_id, 0, o.call_id, -1, o.entry, o.queue, o.arrival,
                    max(o.arrival, coalesce(r.last_commit, o.arrival)), 'lost', 0, 'api'
                FROM open_calls o JOIN runs r ON r.id = o.run_id;
                DELETE FROM open_calls;
                """)
        }
        return runs.map { Recovery(run: $0[0] as? Int ?? 0, calls: $0[1] as? Int ?? 0) }
    }

    /// Writes one batch in one transaction: the new arrivals into `open_calls`, the records (taking their calls out
    /// of `open_calls`), the interval rows and the commit time. `open_calls` is then every call that has arrived and
    /// has no committed record.
    package func commit(_ batch: Batch) throws {
        try db.transaction {
            for a in batch.arrivals { try opened.run([run, a.call.rawValue, a.entry, a.queue, a.time]) }
            try records.write(
                batch.records, run: run, agents: batch.agentNames, channels: batch.channels, channel: "api",
                tried: batch.tried)
            for r in batch.records { try closed.run([run, r.id.rawValue]) }
            for row in batch.intervals { try write(row) }
            try db.prepare("UPDATE runs SET last_commit = ? WHERE id = ?").run([batch.time, run])
        }
    }

    private func write(_ row: IntervalRow) throws {
        let t = row.tally
        try intervalRow.run([
            run, row.day, row.interval, row.start, model.queues[row.queue.index].name, t.offered, t.answered,
            t.abandoned, t.shortAbandoned, t.blocked, t.answeredWithinThreshold, t.waitAnswered, t.talk,
        ])
    }

    /// The run ended cleanly: nothing is in flight.
    package func close() throws {
        try db.execute("DELETE FROM open_calls WHERE run_id = \(run)")
    }
}
