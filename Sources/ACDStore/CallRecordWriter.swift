import ACDCore

/// Writes call records as `calls` rows (or rows of a table with the same columns), with their IVR paths interned in
/// `ivr_paths`. Reuses its statements; the caller holds the transaction.
final class CallRecordWriter {
    private let db: SQLiteDatabase
    private let model: CentreModel
    private let row: SQLiteDatabase.Statement
    private let pathRow: SQLiteDatabase.Statement
    private let pathID: SQLiteDatabase.Statement
    private var paths: [[Int32]: Int] = [:]

    init(_ db: SQLiteDatabase, model: CentreModel, table: String = "calls") throws {
        self.db = db
        self.model = model
        let places = Array(repeating: "?", count: 20).joined(separator: ",")
        row = try db.prepare("INSERT INTO \(table) VALUES (\(places))")
        pathRow = try db.prepare("INSERT OR IGNORE INTO ivr_paths (path) VALUES (?)")
        pathID = try db.prepare("SELECT id FROM ivr_paths WHERE path = ?")
    }

    /// - Parameter agents: the names agents go by (the daemon's), else their numbers.
    /// - Parameter channels: calls that came in on another channel than `channel`.
    /// - Parameter tried: per call, the agents whose phones rang with it unanswered (`a,b`).
    func write(
        _ records: some Sequence<CallRecord>, run: Int, agents: [AgentID: String] = [:],
        channels: [CallID: String] = [:], channel: String = "model", tried: [CallID: String] = [:]
    ) throws {
        for r in records {
            var values = Self.values(of: r, run: run, model: model)
            values.append(channels[r.id] ?? channel)
            values.append(tried[r.id])
            if let agent = r.agent, let name = agents[agent] { values[9] = name }
            if !r.path.isEmpty { values[6] = try pathNumber(r.path) }
            try row.run(values)
        }
    }

    private func pathNumber(_ path: [Int32]) throws -> Int? {
        if let known = paths[path] { return known }
        let text = path.map(model.flowNodeName).joined(separator: " > ")
        try pathRow.run([text])
        let id = try pathID.rows([text]).first?.first as? Int
        paths[path] = id
        return id
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
}
