import ACDCore
import ACDReports
import ACDStore
import Foundation
import IVRFlows

/// Calls to replay exactly as they were: the CSV `callgen --arrivals-only` writes, or the first calls of a run in an
/// acdd database (`simulate --db --records`, or a day `acdd serve` recorded). In time order, checked against the model.
package enum RecordedCalls {
    /// The columns of the arrivals CSV; `seconds` (engine seconds from the period's start) and `entry` or `queue` are
    /// the ones replay reads.
    package static let header = ["serial", "date", "time", "seconds", "entry", "queue", "intent"]

    /// The arrivals CSV of `calls`, RFC 4180.
    package static func csv(_ calls: [PlannedCall], scenario: Scenario) -> String {
        var out = header.joined(separator: ",") + "\n"
        for c in calls {
            let (entry, queue): (String, String) =
                switch c.target {
                case .entry(let e): (e, "")
                case .queue(let q): ("", q)
                }
            // The time as printed, to the millisecond, so date, time and seconds agree when read back.
            let t = (c.time * 1000).rounded() / 1000
            let fields = [
                String(c.serial), scenario.dateLabel(seconds: t),
                Quantity.clockText(t.truncatingRemainder(dividingBy: 86400), seconds: true), String(format: "%.3f", t),
                entry, queue, c.intent ?? "",
            ]
            out += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// The calls of an arrivals CSV; errors name the file, line and column.
    package static func read(csv path: String, model: CentreModel) throws(InputError) -> [PlannedCall] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw InputError(file: path, line: 0, column: 0, field: "", message: "cannot read the calls file") }
        return try parse(csv: text, path: path, model: model)
    }

    package static func parse(csv text: String, path: String, model: CentreModel) throws(InputError) -> [PlannedCall] {
        let records = csvRecords(text)
        guard let head = records.first else {
            throw InputError(file: path, line: 1, column: 1, field: "", message: "the calls file is empty")
        }
        func column(_ name: String) throws(InputError) -> Int {
            guard let k = head.fields.firstIndex(of: name) else {
                throw InputError(
                    file: path, line: 1, column: 1, field: name,
                    message: "the header has no column '\(name)' (it needs seconds, entry, queue and intent)")
            }
            return k
        }
        let (seconds, entry, queue, intent) = (
            try column("seconds"), try column("entry"), try column("queue"),
            try column("intent")
        )
        var calls: [PlannedCall] = []
        for record in records.dropFirst() {
            func fail(_ k: Int, _ message: String) -> InputError {
                let col = record.fields[..<min(k, record.fields.count)].reduce(1) { $0 + csvField($1).count + 1 }
                return InputError(file: path, line: record.line, column: col, field: head.fields[k], message: message)
            }
            guard record.closed else { throw fail(0, "a quoted field is not closed") }
            guard record.fields.count == head.fields.count else {
                throw InputError(
                    file: path, line: record.line, column: 1, field: "",
                    message: "\(record.fields.count) fields where the header has \(head.fields.count)")
            }
            guard let t = Double(record.fields[seconds]), t.isFinite, t >= 0 else {
                throw fail(seconds, "expected engine seconds, 0 or more, found '\(record.fields[seconds])'")
            }
            if let last = calls.last, t < last.time {
                throw fail(seconds, "calls must come in time order: \(t) is before \(last.time) on the line above")
            }
            let call = try plannedCall(
                time: t, entry: record.fields[entry], queue: record.fields[queue], intent: record.fields[intent],
                serial: calls.count, model: model
            ) { k, message throws(InputError) in
                throw fail([entry, queue, intent][k], message)
            }
            calls.append(call)
        }
        return calls
    }

    /// The first calls (not redials) of run `run` (the last run if `nil`) in an acdd database, in time order.
    package static func read(database path: String, run: Int?, model: CentreModel) throws(InputError) -> [PlannedCall] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(file: path, line: 0, column: 0, field: "", message: "no such database")
        }
        do {
            return try readRows(database: path, run: run, model: model)
        } catch let error as InputError {
            throw error
        } catch {
            let text = "\(error)"
            let message = text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
            throw InputError(file: path, line: 0, column: 0, field: "", message: message)
        }
    }

    private static func readRows(database path: String, run: Int?, model: CentreModel) throws -> [PlannedCall] {
        let db = try SQLiteDatabase(path: path)
        guard let id = try run ?? db.integer("SELECT max(run_id) FROM calls") else {
            throw InputError(file: path, line: 0, column: 0, field: "", message: "the database holds no call records")
        }
        let rows = try db.prepare(
            """
            SELECT arrival, entry, CASE WHEN entry IS NULL THEN coalesce(first_queue, queue) END, intent FROM calls
            WHERE run_id = ? AND replication = 0 AND attempt = 0 ORDER BY arrival, serial
            """
        ).rows([id])
        guard !rows.isEmpty else {
            throw InputError(file: path, line: 0, column: 0, field: "", message: "run \(id) has no call records")
        }
        var calls: [PlannedCall] = []
        for row in rows {
            let time = row[0] as? Double ?? 0
            calls.append(
                try plannedCall(
                    time: time, entry: row[1] as? String ?? "", queue: row[2] as? String ?? "",
                    intent: row[3] as? String ?? "", serial: calls.count, model: model
                ) { _, message throws(InputError) in
                    throw InputError(file: path, line: 0, column: 0, field: "calls", message: "run \(id): \(message)")
                })
        }
        return calls
    }

    /// A call from its fields; `fail(k, message)` reports a bad entry (0), queue (1) or intent (2).
    private static func plannedCall(
        time: Double, entry: String, queue: String, intent: String, serial: Int, model: CentreModel,
        fail: (Int, String) throws(InputError) -> Never
    ) throws(InputError) -> PlannedCall {
        let target: PlannedCall.Target
        let source: Int
        switch (entry.isEmpty, queue.isEmpty) {
        case (false, true):
            guard let e = model.entries.firstIndex(where: { $0.name == entry }) else {
                try fail(0, "no entry '\(entry)' in the scenario")
            }
            (target, source) = (.entry(entry), model.queues.count + e)
        case (true, false):
            guard let q = model.queues.firstIndex(where: { $0.name == queue }) else {
                try fail(1, "no queue '\(queue)' in the scenario")
            }
            (target, source) = (.queue(queue), q)
        default:
            try fail(0, "give an entry or a queue, not both or neither")
        }
        if !intent.isEmpty, !model.intents.contains(intent) {
            try fail(2, "no caller type '\(intent)' in the scenario")
        }
        return PlannedCall(
            time: time, target: target, intent: intent.isEmpty ? nil : intent, source: source,
            serial: serial)
    }
}
