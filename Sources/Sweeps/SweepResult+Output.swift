import ACDCore
import ACDReports
import ACDStore
import Foundation
import IVRFlows

extension SweepResult {
    static func format(_ value: Double, _ metric: QueueMetric) -> String {
        if metric.isShare { return String(format: "%.2f%%", value * 100) }
        if metric == .offered || metric == .answered || metric == .abandoned { return String(format: "%.0f", value) }
        return String(format: "%.1f", value)
    }

    static func formatDifference(_ row: Row) -> String {
        let scale = row.metric.isShare ? 100.0 : 1
        let digits = row.metric.isShare ? 2 : [.offered, .answered, .abandoned].contains(row.metric) ? 0 : 1
        let d = String(format: "%+.\(digits)f", row.difference * scale)
        let h = String(format: "%.\(digits)f", row.halfWidth * scale)
        return "\(d) ±\(h)\(row.real ? "" : " ~")"
    }

    /// One line per what-if and shown queue: each metric's value and its difference from the base with its 95%
    /// interval; `~` marks a difference within the noise. The base's own values head the table.
    package func table(queues shown: [String]) -> String {
        let header = ["#", "What-if", "Queue"] + metrics.map(\.rawValue)
        var table = TextTable(header: header)
        table.leftAligned = [1, 2]
        var lookup: [String: Row] = [:]
        for row in rows { lookup["\(row.whatIf)|\(row.queue)|\(row.metric.rawValue)"] = row }
        for queue in shown {
            // The base's values, from what-if 1's rows (every row carries the base beside it).
            let base = metrics.map { m in lookup["1|\(queue)|\(m.rawValue)"].map { Self.format($0.base, m) } }
            guard base.contains(where: { $0 != nil }) else { continue }
            table.add(["0", whatIfs[0].name, queue] + base.map { $0 ?? "" })
        }
        for w in whatIfs.indices.dropFirst() {
            for queue in shown {
                let cells = metrics.map { m in
                    lookup["\(w)|\(queue)|\(m.rawValue)"].map {
                        "\(Self.format($0.value, m)) \(Self.formatDifference($0))"
                    }
                        ?? ""
                }
                table.add([String(w), whatIfs[w].name, queue] + cells)
            }
        }
        var out = "\(whatIfs.count - 1) what-ifs against the base, \(replications) replications each, seed \(seed), "
        out += "common random numbers\n\n" + table.render()
        out +=
            "\nEach cell: the what-if's value, then its difference from the base with the 95% interval of the paired "
        out += "differences; ~ marks a difference within the noise.\n"
        return out
    }

    package func csv() -> String {
        var out = "whatif,name,queue,metric,base,value,difference,half_width,real\n"
        for row in rows {
            out += "\(row.whatIf),\(csvField(whatIfs[row.whatIf].name)),\(csvField(row.queue)),\(row.metric.rawValue),"
            out += "\(row.base),\(row.value),\(row.difference),\(row.halfWidth),\(row.real)\n"
        }
        return out
    }

    /// Writes the sweep to a new SQLite database at `path`: built beside it and renamed into place, so a failed write
    /// leaves no half-written file (docs/sweeps.md lists the tables).
    package func writeDatabase(path: String) throws {
        let temporary = path + ".partial"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let db = try SQLiteDatabase(path: temporary)
            try db.execute(
                """
                CREATE TABLE sweep (seed INTEGER, replications INTEGER, what_ifs INTEGER);
                CREATE TABLE sweep_whatifs (whatif INTEGER PRIMARY KEY, name TEXT, scenario TEXT, sets TEXT);
                CREATE TABLE sweep_results (whatif INTEGER, queue TEXT, metric TEXT, base REAL, value REAL,
                    difference REAL, half_width REAL, real INTEGER);
                CREATE TABLE sweep_replications (whatif INTEGER, replication INTEGER, queue TEXT, metric TEXT,
                    value REAL);
                """)
            try db.transaction {
                try db.prepare("INSERT INTO sweep VALUES (?, ?, ?)").run([seed, replications, whatIfs.count - 1])
                let w = try db.prepare("INSERT INTO sweep_whatifs VALUES (?, ?, ?, ?)")
                for (i, whatIf) in whatIfs.enumerated() {
                    try w.run([i, whatIf.name, whatIf.scenario, whatIf.sets.joined(separator: "\n")])
                }
                let r = try db.prepare("INSERT INTO sweep_results VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                for row in rows {
                    try r.run([
                        row.whatIf, row.queue, row.metric.rawValue, row.base, row.value, row.difference, row.halfWidth,
                        row.real ? 1 : 0,
                    ])
                }
                let v = try db.prepare("INSERT INTO sweep_replications VALUES (?, ?, ?, ?, ?)")
                for (w, replications) in values.enumerated() {
                    for (k, queues) in replications.enumerated() {
                        for (q, figures) in queues.enumerated() {
                            for (m, value) in figures.enumerated() {
                                try v.run([w, k, self.queues[q], metrics[m].rawValue, value])
                            }
                        }
                    }
                }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}
