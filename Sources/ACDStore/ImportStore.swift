import CallRecords
import Foundation

extension RunStore {
    /// Stores a centre's own records as a run of mode `import` (its `parameters` say the format, the file, the origin
    /// and the time zone) with its calls in order of arrival, times as seconds from `origin` (seconds since 1970), in
    /// one transaction: a failure leaves the file as it was. Returns the run's id.
    @discardableResult
    package func storeImport(
        name: String, file: String, channel: String, parameters: [String: String], calls: [ImportedCall],
        origin: Double
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
            let ordered = calls.indices.sorted { (calls[$0].arrival, $0) < (calls[$1].arrival, $1) }
            for (serial, i) in ordered.enumerated() {
                let c = calls[i]
                try insert.run([
                    run, serial, serial, c.entry, c.queue, c.firstQueue, c.agent, c.arrival - origin,
                    c.queueEntry - origin, c.queueEntry - origin, c.endOfWait - origin, c.talkEnd.map { $0 - origin },
                    c.outcome, channel, c.agentsTried.isEmpty ? nil : c.agentsTried.joined(separator: ","),
                ])
            }
            return run
        }
    }
}
