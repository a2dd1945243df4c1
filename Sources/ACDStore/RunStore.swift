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
    var database: SQLiteDatabase { db }

    package init(path: String) throws {
        db = try SQLiteDatabase(path: path)
        try Schema.migrate(db)
    }

    /// Stores one run: its scenario, seed and parameters; its results per queue, per day and per month; its flows
    /// and centre totals; per interval too when `intervals` is set (by default, when the period is at most 31 days).
    /// Returns the run's id.
    /// With `records`, also every call of one replication (the `calls` table, the same records the live daemon
    /// writes): `records` hands batches of them to the closure it is given, in the same transaction.
    @discardableResult
    package func store(
        scenario: Scenario, summary: Summary, seed: UInt64, parameters: [String: String], intervals: Bool? = nil,
        records: ((_ write: ([CallRecord]) throws -> Void) throws -> Void)? = nil
    ) throws -> Int {
        try db.transaction {
            let id = try writeRun(scenario: scenario, summary: summary, seed: seed, parameters: parameters)
            try writeQueues(summary, run: id)
            try writeSpans(scenario, summary, run: id)
            try writeFlows(scenario, summary, run: id)
            if intervals ?? (summary.model.horizon <= 31 * 86400) { try writeIntervals(scenario, summary, run: id) }
            if let records {
                let writer = try CallRecordWriter(db, model: summary.model)
                try records { batch in try writer.write(batch, run: id) }
            }
            return id
        }
    }

    private func writeRun(
        scenario: Scenario, summary: Summary, seed: UInt64, parameters: [String: String]
    ) throws
        -> Int
    {
        let json = String(decoding: try JSONEncoder.sorted.encode(parameters), as: UTF8.self)
        let started = ISO8601DateFormatter().string(from: Date())
        try db.prepare(
            "INSERT INTO runs (started, scenario, file, seed, replications, interval_seconds, intervals, parameters) "
                + "VALUES (?,?,?,?,?,?,?,?)"
        ).run([
            started, scenario.name, scenario.file, seed, summary.replications, summary.model.intervalLength,
            summary.model.intervalCount, json,
        ])
        return db.lastInsertedRow
    }

    private func writeQueues(_ summary: Summary, run id: Int) throws {
        let queueRow = try db.prepare("INSERT INTO queue_results VALUES (?,?,?,?,?,?,?)")
        for queue in summary.queues + [summary.total] {
            for metric in QueueMetric.allCases {
                let e = queue[metric]
                try queueRow.run(
                    [
                        id, queue.name, metric.rawValue, e.mean, e.halfWidth, queue.targets.value(of: metric),
                        queue.targets.verdict(metric, e)?.label,
                    ])
            }
        }
        let groupRow = try db.prepare("INSERT INTO group_results VALUES (?,?,?,?,?,?,?)")
        for group in summary.groups {
            try groupRow.run(
                [
                    id, group.name, nil, group.scheduledHours, group.occupancy.mean, group.occupancy.halfWidth,
                    group.overtimeHours.mean,
                ])
        }
    }

    /// Each queue's and group's figures per day and per month of the period.
    private func writeSpans(_ scenario: Scenario, _ summary: Summary, run id: Int) throws {
        let queueRow = try db.prepare("INSERT INTO span_results VALUES (?,?,?,?,?,?,?,?)")
        let groupRow = try db.prepare("INSERT INTO group_span_results VALUES (?,?,?,?,?,?,?,?)")
        for kind in [ReportSpan.Kind.day, .month] {
            let spans = scenario.spans(kind)
            let ranges = spans.map(\.intervals)
            for (q, queue) in summary.queues.enumerated() {
                for (span, estimates) in zip(spans, summary.spanMetrics(queue: q, spans: ranges)) {
                    for (metric, e) in zip(QueueMetric.allCases, estimates) where metric.isPerInterval {
                        try queueRow.run(
                            [
                                id, kind.rawValue, span.label, span.intervals.lowerBound, queue.name, metric.rawValue,
                                e.mean, e.halfWidth,
                            ])
                    }
                }
            }
            for (g, group) in summary.groups.enumerated() {
                for (span, f) in zip(spans, summary.spanFigures(group: g, spans: ranges)) {
                    try groupRow.run(
                        [
                            id, kind.rawValue, span.label, group.name, f.hours, f.occupancy.mean, f.occupancy.halfWidth,
                            f.overtime,
                        ])
                }
            }
        }
    }

    /// The centre's totals, and each entry's and node's IVR figures.
    private func writeFlows(_ scenario: Scenario, _ summary: Summary, run id: Int) throws {
        let centreRow = try db.prepare("INSERT INTO centre_results VALUES (?,?,?,?,?,?)")
        for row in CalibrationReport.centreRows(summary: summary, published: scenario.published) {
            try centreRow.run(
                [
                    id, row.figure.trimmingCharacters(in: .whitespaces), row.unit.rawValue, row.simulated.mean,
                    row.simulated.halfWidth, row.published,
                ])
        }
        guard !summary.model.entries.isEmpty else { return }
        let entryRow = try db.prepare("INSERT INTO entry_results VALUES (?,?,?,?,?,?)")
        for e in summary.entries {
            for (metric, value) in e.figures {
                try entryRow.run([id, e.name, e.flow, metric, value.mean, value.halfWidth])
            }
        }
        let nodeRow = try db.prepare("INSERT INTO node_results VALUES (?,?,?,?,?,?,?,?)")
        for n in summary.nodes {
            try nodeRow.run(
                [
                    id, n.flow, n.name, n.visits.mean, n.visits.halfWidth, n.hangUpShare.mean, n.meanTime.mean,
                    n.p90Time.mean,
                ])
        }
    }

    /// Every queue's and group's figures per interval.
    private func writeIntervals(_ scenario: Scenario, _ summary: Summary, run id: Int) throws {
        let model = summary.model
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
        let each = (0..<model.intervalCount).map { $0..<($0 + 1) }
        for (g, group) in summary.groups.enumerated() {
            for (i, f) in summary.spanFigures(group: g, spans: each).enumerated() {
                try groupRow.run([id, group.name, i, f.hours, f.occupancy.mean, f.occupancy.halfWidth, f.overtime])
            }
        }
    }
}

extension JSONEncoder {
    /// Compact, keys sorted.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
