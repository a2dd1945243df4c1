import ACDCore
import Foundation

extension Scenario {
    /// The scenario with the calls of a volume file in place of its own: each column names an entry or a queue, and
    /// the lines it names offer the file's calls on the file's days (and intervals); every other line and day offers
    /// none. A daily row is spread over the day in the shape of the scenario's own calls on that line that day; an
    /// interval row (a file with a `time` column) sets that interval's calls. Rows outside the period are ignored.
    package func replacingVolumes(with table: VolumeTable) throws(InputError) -> Scenario {
        guard let startDay = startDate.flatMap(Quantity.day) else {
            throw InputError(
                file: file, line: 0, column: 0, field: "period.start",
                message: "a volume file needs the scenario's period to start on a date")
        }
        var lines: [(queue: Int?, entry: Int?)] = []
        for (k, name) in table.columns.enumerated() {
            let queue = model.queues.firstIndex { $0.name == name }
            let entry = model.entries.firstIndex { $0.name == name }
            guard queue != nil || entry != nil else {
                let names = model.entries.map(\.name) + model.queues.map(\.name)
                let hint = closest(name, among: names).map { " Did you mean '\($0)'?" } ?? ""
                throw InputError(
                    file: table.path, line: 1, column: table.headerColumn(k), field: name,
                    message: "no entry or queue '\(name)'.\(hint) Lines: \(names.joined(separator: ", ")).")
            }
            lines.append(entry != nil ? (nil, entry) : (queue, nil))
        }
        var out = self
        for q in out.model.queues.indices {
            out.model.queues[q].volumes = Array(repeating: 0, count: model.intervalCount)
        }
        for e in out.model.entries.indices {
            out.model.entries[e].volumes = Array(repeating: 0, count: model.intervalCount)
        }
        for row in table.rows {
            for (k, line) in lines.enumerated() {
                let own = line.entry.map { model.entries[$0].volumes } ?? model.queues[line.queue!].volumes
                guard let slots = try slots(row, value: row.values[k], own: own, startDay: startDay, table, k) else {
                    continue
                }
                for (i, v) in slots {
                    if let e = line.entry {
                        out.model.entries[e].volumes[i] = v
                    } else {
                        out.model.queues[line.queue!].volumes[i] = v
                    }
                }
            }
        }
        return out
    }

    /// The intervals a row's value goes to, with their calls; `nil` when the row lies outside the period.
    private func slots(
        _ row: VolumeTable.Row, value: Double, own: [Double], startDay: Int, _ table: VolumeTable, _ k: Int
    ) throws(InputError) -> [(Int, Double)]? {
        let perDay = Int((86400 / model.intervalLength).rounded())
        let first = (row.day - startDay) * perDay
        guard first >= 0, first < model.intervalCount else { return nil }
        if let time = row.time {
            let slot = time / model.intervalLength
            guard slot == slot.rounded(.down) else {
                throw InputError(
                    file: table.path, line: row.line, column: row.starts[1], field: "time",
                    message: "\(Quantity.clockText(time)) does not start an interval of the scenario's "
                        + "\(Int(model.intervalLength / 60)) minutes")
            }
            return first + Int(slot) < model.intervalCount ? [(first + Int(slot), value)] : nil
        }
        let day = first..<min(first + perDay, model.intervalCount)
        let total = day.reduce(0) { $0 + own[$1] }
        guard value == 0 || total > 0 else {
            throw InputError(
                file: table.path, line: row.line, column: row.starts[k + (table.hasTime ? 2 : 1)],
                field: table.columns[k],
                message: "the scenario gives '\(table.columns[k])' no calls on \(Quantity.dateText(day: row.day)) to "
                    + "shape \(String(format: "%g", value)) calls by; give that day per interval (a 'time' column)")
        }
        return day.map { ($0, total > 0 ? value * own[$0] / total : 0) }
    }
}
