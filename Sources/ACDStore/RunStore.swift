import ACDCore
import ACDReports
import CSQLite
import Foundation
import IVRFlows

/// Writes simulation runs into a SQLite file (docs/database.md), so runs can be compared later with any SQLite tool.
/// Each run is written in one transaction: a failure leaves the file as it was.
package final class RunStore {
    package struct StoreError: Error, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }

    private var db: OpaquePointer?
    package let path: String

    static let schema = """
        CREATE TABLE IF NOT EXISTS runs (
            id INTEGER PRIMARY KEY, started TEXT NOT NULL, scenario TEXT NOT NULL, file TEXT NOT NULL,
            seed INTEGER NOT NULL, replications INTEGER NOT NULL, interval_seconds REAL NOT NULL,
            intervals INTEGER NOT NULL, parameters TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS queue_results (
            run_id INTEGER NOT NULL REFERENCES runs(id), queue TEXT NOT NULL, metric TEXT NOT NULL,
            mean REAL, half_width REAL, target REAL, verdict TEXT);
        CREATE TABLE IF NOT EXISTS interval_results (
            run_id INTEGER NOT NULL REFERENCES runs(id), queue TEXT NOT NULL, interval INTEGER NOT NULL,
            label TEXT NOT NULL, metric TEXT NOT NULL, mean REAL, half_width REAL);
        CREATE TABLE IF NOT EXISTS group_results (
            run_id INTEGER NOT NULL REFERENCES runs(id), agent_group TEXT NOT NULL, interval INTEGER,
            scheduled_hours REAL, occupancy REAL, occupancy_half_width REAL, overtime_hours REAL);
        CREATE INDEX IF NOT EXISTS interval_results_run ON interval_results(run_id, queue, metric);
        CREATE TABLE IF NOT EXISTS calls (
            run_id INTEGER NOT NULL REFERENCES runs(id), replication INTEGER NOT NULL, call_id INTEGER NOT NULL,
            serial INTEGER NOT NULL, entry TEXT, intent TEXT, ivr_path INTEGER REFERENCES ivr_paths(id),
            queue TEXT, first_queue TEXT,
            agent TEXT, arrival REAL NOT NULL, ivr_exit REAL, queue_entry REAL, end_of_wait REAL NOT NULL,
            talk_end REAL, wrap_up_end REAL, outcome TEXT NOT NULL, attempt INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS calls_run_queue ON calls(run_id, queue, arrival);
        CREATE TABLE IF NOT EXISTS ivr_paths (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
        """

    package init(path: String) throws {
        self.path = path
        guard sqlite3_open(path, &db) == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            db = nil
            throw StoreError(message: "\(path): cannot open as SQLite: \(message)")
        }
        try execute(Self.schema)
    }

    deinit { sqlite3_close(db) }

    private func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw StoreError(message: "\(path): \(message)")
        }
    }

    /// A prepared statement reused for many rows.
    private final class Statement {
        let handle: OpaquePointer
        init(_ db: OpaquePointer?, _ sql: String, path: String) throws {
            var handle: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &handle, nil) == SQLITE_OK, let handle else {
                throw StoreError(message: "\(path): \(String(cString: sqlite3_errmsg(db)))")
            }
            self.handle = handle
        }
        deinit { sqlite3_finalize(handle) }

        /// Runs a query returning one integer.
        func integer(_ values: [Any?], path: String) throws -> Int {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            for (i, value) in values.enumerated() {
                if let text = value as? String { sqlite3_bind_text(handle, Int32(i + 1), text, -1, transient) }
            }
            guard sqlite3_step(handle) == SQLITE_ROW else {
                throw StoreError(message: "\(path): \(String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))")
            }
            return Int(sqlite3_column_int64(handle, 0))
        }

        func run(_ values: [Any?], path: String) throws {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            for (i, value) in values.enumerated() {
                let index = Int32(i + 1)
                switch value {
                case let v as Int: sqlite3_bind_int64(handle, index, Int64(v))
                case let v as UInt64: sqlite3_bind_int64(handle, index, Int64(bitPattern: v))
                case let v as Double where v.isFinite: sqlite3_bind_double(handle, index, v)
                case let v as String: sqlite3_bind_text(handle, index, v, -1, transient)
                default: sqlite3_bind_null(handle, index)
                }
            }
            guard sqlite3_step(handle) == SQLITE_DONE else {
                throw StoreError(message: "\(path): \(String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))")
            }
        }
    }

    /// Stores one run: its scenario, seed and parameters, and its results per queue, per interval and per group.
    /// Returns the run's id.
    /// With `records`, also every call of one replication (the `calls` table, the same records the live daemon
    /// writes): `records` hands batches of them to the closure it is given, in the same transaction.
    @discardableResult
    package func store(
        scenario: Scenario, summary: Summary, seed: UInt64, parameters: [String: String],
        records: ((_ write: ([CallRecord]) throws -> Void) throws -> Void)? = nil
    ) throws -> Int {
        try execute("BEGIN IMMEDIATE")
        do {
            let id = try write(scenario: scenario, summary: summary, seed: seed, parameters: parameters)
            if let records {
                let places = Array(repeating: "?", count: 18).joined(separator: ",")
                let row = try Statement(db, "INSERT INTO calls VALUES (\(places))", path: path)
                let pathRow = try Statement(db, "INSERT OR IGNORE INTO ivr_paths (path) VALUES (?)", path: path)
                let pathID = try Statement(db, "SELECT id FROM ivr_paths WHERE path = ?", path: path)
                let model = summary.model
                var paths: [[Int32]: Int] = [:]
                try records { batch in
                    for r in batch {
                        var values = Self.values(of: r, run: id, model: model)
                        if !r.path.isEmpty {
                            if paths[r.path] == nil {
                                let text = r.path.map(model.flowNodeName).joined(separator: " > ")
                                try pathRow.run([text], path: path)
                                paths[r.path] = try pathID.integer([text], path: path)
                            }
                            values[6] = paths[r.path]
                        }
                        try row.run(values, path: path)
                    }
                }
            }
            try execute("COMMIT")
            return id
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// A call record as a `calls` row: names for queues, entries and intents; the IVR path is filled in by the caller
    /// (an id into `ivr_paths`).
    static func values(of r: CallRecord, run: Int, model: CentreModel) -> [Any?] {
        [
            run, 0, r.id.rawValue, r.serial, r.entry.map { model.entries[$0.index].name },
            r.intent.map { model.intents[$0] }, nil, r.queue.map { model.queues[$0.index].name },
            r.firstQueue.map { model.queues[$0.index].name }, r.agent.map { String($0.rawValue) }, r.arrival,
            r.ivrExit, r.queueEntry, r.endOfWait, r.talkEnd, r.wrapUpEnd, r.outcome.rawValue, r.attempt,
        ]
    }

    private func write(scenario: Scenario, summary: Summary, seed: UInt64, parameters: [String: String]) throws -> Int {
        let model = summary.model
        let json = String(
            decoding: try JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys]), as: UTF8.self)
        let started = ISO8601DateFormatter().string(from: Date())
        try Statement(
            db,
            "INSERT INTO runs (started, scenario, file, seed, replications, interval_seconds, intervals, parameters) VALUES (?,?,?,?,?,?,?,?)",
            path: path
        ).run(
            [started, scenario.name, scenario.file, seed, summary.replications, model.intervalLength,
             model.intervalCount, json], path: path)
        let id = Int(sqlite3_last_insert_rowid(db))
        let queueRow = try Statement(
            db, "INSERT INTO queue_results VALUES (?,?,?,?,?,?,?)", path: path)
        for queue in summary.queues + [summary.total] {
            for metric in QueueMetric.allCases {
                let e = queue[metric]
                try queueRow.run(
                    [id, queue.name, metric.rawValue, e.mean, e.halfWidth, queue.targets.value(of: metric),
                     queue.targets.verdict(metric, e)?.label], path: path)
            }
        }
        let intervalRow = try Statement(db, "INSERT INTO interval_results VALUES (?,?,?,?,?,?,?)", path: path)
        for (q, queue) in summary.queues.enumerated() {
            for (i, estimates) in summary.intervalMetrics(queue: q).enumerated() {
                let label = scenario.intervalLabel(i)
                for (metric, e) in zip(QueueMetric.allCases, estimates) where metric.isPerInterval {
                    try intervalRow.run([id, queue.name, i, label, metric.rawValue, e.mean, e.halfWidth], path: path)
                }
            }
        }
        let groupRow = try Statement(db, "INSERT INTO group_results VALUES (?,?,?,?,?,?,?)", path: path)
        for (g, group) in summary.groups.enumerated() {
            try groupRow.run(
                [id, group.name, nil, group.scheduledHours, group.occupancy.mean, group.occupancy.halfWidth,
                 group.overtimeHours.mean], path: path)
            for (i, occupancy) in summary.intervalOccupancy(group: g).enumerated() {
                let scheduled = model.staffedSeconds(group: g, interval: i) / 3600
                let overtime = summary.results.reduce(0.0) { $0 + $1.groupIntervals[g * model.intervalCount + i].overtime }
                    / Double(summary.replications) / 3600
                try groupRow.run([id, group.name, i, scheduled, occupancy.mean, occupancy.halfWidth, overtime], path: path)
            }
        }
        return id
    }
}
