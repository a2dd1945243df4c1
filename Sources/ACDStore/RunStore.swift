import ACDCore
import ACDReports
import CSQLite
import Foundation
import IVRFlows

/// Writes simulation runs into a SQLite file (docs/database.md), so runs can be compared later with any SQLite tool.
/// Each run is written in one transaction: a failure leaves the file as it was.
package final class RunStore {
    package typealias StoreError = SQLiteDatabase.StoreError

    private let db: SQLiteDatabase
    package var path: String { db.path }

    package init(path: String) throws {
        db = try SQLiteDatabase(path: path)
        try Schema.migrate(db)
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
        try db.transaction {
            let id = try write(scenario: scenario, summary: summary, seed: seed, parameters: parameters)
            if let records {
                let writer = try CallRecordWriter(db, model: summary.model)
                try records { batch in try writer.write(batch, run: id) }
            }
            return id
        }
    }

    private func write(scenario: Scenario, summary: Summary, seed: UInt64, parameters: [String: String]) throws -> Int {
        let model = summary.model
        let json = String(
            decoding: try JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys]), as: UTF8.self)
        let started = ISO8601DateFormatter().string(from: Date())
        try db.prepare(
            "INSERT INTO runs (started, scenario, file, seed, replications, interval_seconds, intervals, parameters) "
                + "VALUES (?,?,?,?,?,?,?,?)"
        ).run([
            started, scenario.name, scenario.file, seed, summary.replications, model.intervalLength,
            model.intervalCount, json,
        ])
        let id = db.lastInsertedRow
        let queueRow = try db.prepare("INSERT INTO queue_results VALUES (?,?,?,?,?,?,?)")
        for queue in summary.queues + [summary.total] {
            for metric in QueueMetric.allCases {
                let e = queue[metric]
                try queueRow.run(
                    [id, queue.name, metric.rawValue, e.mean, e.halfWidth, queue.targets.value(of: metric),
                     queue.targets.verdict(metric, e)?.label])
            }
        }
        let intervalRow = try db.prepare("INSERT INTO interval_results VALUES (?,?,?,?,?,?,?)")
        for (q, queue) in summary.queues.enumerated() {
            for (i, estimates) in summary.intervalMetrics(queue: q).enumerated() {
                let label = scenario.intervalLabel(i)
                for (metric, e) in zip(QueueMetric.allCases, estimates) where metric.isPerInterval {
                    try intervalRow.run([id, queue.name, i, label, metric.rawValue, e.mean, e.halfWidth])
                }
            }
        }
        let groupRow = try db.prepare("INSERT INTO group_results VALUES (?,?,?,?,?,?,?)")
        for (g, group) in summary.groups.enumerated() {
            try groupRow.run(
                [id, group.name, nil, group.scheduledHours, group.occupancy.mean, group.occupancy.halfWidth,
                 group.overtimeHours.mean])
            for (i, occupancy) in summary.intervalOccupancy(group: g).enumerated() {
                let scheduled = model.staffedSeconds(group: g, interval: i) / 3600
                let overtime = summary.results.reduce(0.0) { $0 + $1.groupIntervals[g * model.intervalCount + i].overtime }
                    / Double(summary.replications) / 3600
                try groupRow.run([id, group.name, i, scheduled, occupancy.mean, occupancy.halfWidth, overtime])
            }
        }
        return id
    }
}
