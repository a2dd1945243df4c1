/// The database's schema as numbered migrations, recorded in `PRAGMA user_version`: a file written by any earlier
/// version is brought up to date when it is opened, each step in its own transaction. docs/database.md describes the
/// tables.
package enum Schema {
    package static let migrations: [String] = [
        // 1: simulation runs and their results, and call records.
        """
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
        """,
        // 2: the daemon: runs say how they ran; calls in flight at the last commit; per-interval figures per day.
        """
        ALTER TABLE runs ADD COLUMN mode TEXT NOT NULL DEFAULT 'simulate';
        ALTER TABLE runs ADD COLUMN last_commit REAL;
        CREATE TABLE open_calls (
            run_id INTEGER NOT NULL REFERENCES runs(id), call_id INTEGER NOT NULL, entry TEXT, queue TEXT,
            arrival REAL NOT NULL, PRIMARY KEY (run_id, call_id));
        CREATE TABLE interval_stats (
            run_id INTEGER NOT NULL REFERENCES runs(id), day INTEGER NOT NULL, interval INTEGER NOT NULL,
            start REAL NOT NULL, queue TEXT NOT NULL, offered INTEGER NOT NULL, answered INTEGER NOT NULL,
            abandoned INTEGER NOT NULL, short_abandoned INTEGER NOT NULL, blocked INTEGER NOT NULL,
            answered_within_threshold INTEGER NOT NULL, wait_answered REAL NOT NULL, talk REAL NOT NULL,
            PRIMARY KEY (run_id, day, interval, queue));
        CREATE INDEX calls_run_arrival ON calls(run_id, arrival);
        CREATE INDEX calls_run_outcome ON calls(run_id, outcome, queue);
        """,
        // 3: what planners query of a long run: daily and monthly figures, the flows and the centre's totals.
        """
        CREATE TABLE span_results (
            run_id INTEGER NOT NULL REFERENCES runs(id), span TEXT NOT NULL, start TEXT NOT NULL,
            first_interval INTEGER NOT NULL, queue TEXT NOT NULL, metric TEXT NOT NULL, mean REAL, half_width REAL);
        CREATE INDEX span_results_run ON span_results(run_id, span, queue, metric);
        CREATE TABLE group_span_results (
            run_id INTEGER NOT NULL REFERENCES runs(id), span TEXT NOT NULL, start TEXT NOT NULL,
            agent_group TEXT NOT NULL, scheduled_hours REAL, occupancy REAL, occupancy_half_width REAL,
            overtime_hours REAL);
        CREATE TABLE centre_results (
            run_id INTEGER NOT NULL REFERENCES runs(id), figure TEXT NOT NULL, unit TEXT NOT NULL, mean REAL,
            half_width REAL, published REAL);
        CREATE TABLE entry_results (
            run_id INTEGER NOT NULL REFERENCES runs(id), entry TEXT NOT NULL, flow TEXT NOT NULL,
            metric TEXT NOT NULL, mean REAL, half_width REAL);
        CREATE TABLE node_results (
            run_id INTEGER NOT NULL REFERENCES runs(id), flow TEXT NOT NULL, node TEXT NOT NULL, visits REAL,
            visits_half_width REAL, hang_up_share REAL, mean_time_s REAL, p90_time_s REAL);
        """,
        // 4: how each call came in: `model` (the simulator's callers), `api` (the daemon's HTTP API), `sip`.
        """
        ALTER TABLE calls ADD COLUMN channel TEXT NOT NULL DEFAULT 'model';
        UPDATE calls SET channel = 'api' WHERE run_id IN (SELECT id FROM runs WHERE mode = 'live');
        """,
        // 5: agents whose SIP phones rang with the call and did not take it, in order (comma-separated; NULL: none).
        """
        ALTER TABLE calls ADD COLUMN agents_tried TEXT;
        """,
    ]

    /// Brings the file to the newest version.
    static func migrate(_ db: SQLiteDatabase) throws {
        let version = try db.integer("PRAGMA user_version") ?? 0
        guard version <= migrations.count else {
            throw SQLiteDatabase.StoreError(
                message: "\(db.path): schema version \(version) is newer than this acdd knows (\(migrations.count))")
        }
        for (index, sql) in migrations.enumerated().dropFirst(version) {
            try db.transaction {
                try db.execute(sql)
                try db.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}
