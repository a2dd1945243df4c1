import Foundation

extension RunStore {
    /// One imported call as `calls` columns: times are seconds from the run's origin (docs/database.md).
    package struct ImportedRow: Sendable {
        package var serial: Int
        package var entry: String?
        package var queue: String
        package var firstQueue: String?
        package var agent: String?
        package var arrival: Double
        package var queueEntry: Double
        package var endOfWait: Double
        package var talkEnd: Double?
        package var outcome: String
        package var agentsTried: String?

        package init(
            serial: Int, entry: String?, queue: String, firstQueue: String?, agent: String?, arrival: Double,
            queueEntry: Double, endOfWait: Double, talkEnd: Double?, outcome: String, agentsTried: String?
        ) {
            self.serial = serial
            self.entry = entry
            self.queue = queue
            self.firstQueue = firstQueue
            self.agent = agent
            self.arrival = arrival
            self.queueEntry = queueEntry
            self.endOfWait = endOfWait
            self.talkEnd = talkEnd
            self.outcome = outcome
            self.agentsTried = agentsTried
        }
    }

    /// Stores a centre's own records as a run of mode `import` (its `parameters` say the format, the file, the origin
    /// and the time zone) with its calls, in one transaction: a failure leaves the file as it was. Returns the run's
    /// id.
    @discardableResult
    package func storeImport(
        name: String, file: String, channel: String, parameters: [String: String], rows: [ImportedRow]
    ) throws -> Int {
        try database.transaction {
            let json = String(decoding: try JSONEncoder.sorted.encode(parameters), as: UTF8.self)
            try database.prepare(
                "INSERT INTO runs (started, scenario, file, seed, replications, interval_seconds, intervals, "
                    + "parameters, mode) VALUES (?,?,?,0,1,0,0,?,'import')"
            ).run([ISO8601DateFormatter().string(from: Date()), name, file, json])
            let run = database.lastInsertedRow
            let insert = try database.prepare(
                "INSERT INTO calls (run_id, replication, call_id, serial, entry, intent, ivr_path, queue, first_queue, "
                    + "agent, arrival, ivr_exit, queue_entry, end_of_wait, talk_end, wrap_up_end, outcome, attempt, "
                    + "channel, agents_tried) VALUES (?,0,?,?,?,NULL,NULL,?,?,?,?,?,?,?,?,NULL,?,1,?,?)")
            for (i, r) in rows.enumerated() {
                try insert.run([
                    run, i, r.serial, r.entry, r.queue, r.firstQueue, r.agent, r.arrival, r.queueEntry, r.queueEntry,
                    r.endOfWait, r.talkEnd, r.outcome, channel, r.agentsTried,
                ])
            }
            return run
        }
    }
}
