import ACDCore
import Foundation

/// A volume CSV: calls per day, or per interval, for each of its columns (entries or queues).
///
/// ```
/// date,main,covid              date,time,main,covid
/// 2019-11-01,5120,0            2019-11-01,08:00,212,0
/// ```
/// Read by a scenario's `arrivals: { daily: { file: volumes.csv, column: NAME }, shape: ... }` and by `callgen
/// --volumes` (docs/scenario.md, "Volume files"). Errors name the file, line and column.
package struct VolumeTable: Sendable, Equatable {
    package struct Row: Sendable, Equatable {
        /// 1-based line in the file.
        package var line: Int
        /// Days since 1970-01-01.
        package var day: Int
        /// Seconds from midnight of the interval the row gives (files with a `time` column).
        package var time: Double?
        package var values: [Double]
        /// The 1-based character column where each field of the line starts (`date` first).
        package var starts: [Int]
    }

    package var path: String
    /// The value columns (after `date`, and `time` if there is one), in file order.
    package var columns: [String]
    package var hasTime: Bool
    package var rows: [Row]

    /// The 1-based character column where value column `k` starts in the header.
    package func headerColumn(_ k: Int) -> Int {
        let before = (hasTime ? ["date", "time"] : ["date"]) + columns[..<k]
        return before.reduce(1) { $0 + csvField($1).count + 1 }
    }

    package static func read(path: String) throws(InputError) -> VolumeTable {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw InputError(file: path, line: 0, column: 0, field: "", message: "cannot read the volume file")
        }
        return try parse(text, path: path)
    }

    package static func parse(_ text: String, path: String) throws(InputError) -> VolumeTable {
        func fail(_ line: Int, _ col: Int, _ field: String, _ message: String) -> InputError {
            InputError(file: path, line: line, column: col, field: field, message: message)
        }
        let records = csvRecords(text)
        guard let header = records.first, header.fields != [""] else {
            throw fail(1, 1, "", "the volume file is empty")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard names.first == "date" else { throw fail(1, 1, "date", "the first column must be 'date'") }
        let hasTime = names.count > 1 && names[1] == "time"
        let first = hasTime ? 2 : 1
        var table = VolumeTable(path: path, columns: Array(names[first...]), hasTime: hasTime, rows: [])
        guard !table.columns.isEmpty else { throw fail(1, 1, "", "the header names no columns") }
        if let k = table.columns.indices.first(where: { table.columns[$0].isEmpty }) {
            throw fail(1, table.headerColumn(k), "", "column \(k + first + 1) has no name")
        }
        if let k = table.columns.indices.first(where: { table.columns[..<$0].contains(table.columns[$0]) }) {
            throw fail(1, table.headerColumn(k), table.columns[k], "the column '\(table.columns[k])' is given twice")
        }
        var seen: Set<[Double]> = []
        for record in records.dropFirst() {
            guard record.closed else { throw fail(record.line, 1, "", "a quoted field is not closed") }
            let row = try parseRow(record.fields, number: record.line, names: names, first: first, fail: fail)
            guard seen.insert([Double(row.day), row.time ?? -1]).inserted else {
                throw fail(record.line, 1, "date", "\(record.fields[0]) is given twice")
            }
            table.rows.append(row)
        }
        return table
    }

    private static func parseRow(
        _ fields: [String], number: Int, names: [String], first: Int, fail: (Int, Int, String, String) -> InputError
    ) throws(InputError) -> Row {
        guard fields.count == names.count else {
            throw fail(number, 1, "", "\(fields.count) fields where the header has \(names.count)")
        }
        let starts = fields.indices.map { k in fields[..<k].reduce(1) { $0 + csvField($1).count + 1 } }
        func start(_ k: Int) -> Int { starts[k] }
        let dateText = fields[0].trimmingCharacters(in: .whitespaces)
        guard let day = Quantity.day(dateText) else {
            throw fail(number, 1, "date", "expected a date as YYYY-MM-DD, found '\(dateText)'")
        }
        var time: Double?
        if first == 2 {
            let text = fields[1].trimmingCharacters(in: .whitespaces)
            guard let t = Quantity.clock(text), t < 86400 else {
                throw fail(number, start(1), "time", "expected a time as HH:MM from 00:00 to 23:59, found '\(text)'")
            }
            time = t
        }
        var values: [Double] = []
        for k in first..<fields.count {
            let cell = fields[k].trimmingCharacters(in: .whitespaces)
            guard let v = Double(cell), v.isFinite, v >= 0 else {
                throw fail(number, start(k), names[k], "expected calls as a number, 0 or more, found '\(cell)'")
            }
            values.append(v)
        }
        return Row(line: number, day: day, time: time, values: values, starts: starts)
    }
}

/// A scenario's `arrivals: { daily: { file, column } }`: one column of a daily volume file.
enum VolumeFile {
    /// Calls per day of the period from the column `daily.column` of the file `daily.file`.
    static func column(_ daily: YAMLValue, context: PeriodContext, days: Int) throws(InputError) -> [Double] {
        try daily.expectKeys(["file", "column"], required: ["file", "column"])
        let fileValue = try daily.required("file")
        let name = try fileValue.string()
        let column = try daily.required("column").string()
        guard let startDay = context.startDay else {
            throw fileValue.error("a volume file needs the period's start date: add 'start: YYYY-MM-DD' to 'period'")
        }
        let directory = (context.scenarioFile as NSString).deletingLastPathComponent
        let path = name.hasPrefix("/") || directory.isEmpty ? name : directory + "/" + name
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw fileValue.error("cannot read the volume file '\(path)'")
        }
        let table = try VolumeTable.read(path: path)
        guard !table.hasTime else {
            throw InputError(
                file: path, line: 1, column: 6, field: "time",
                message: "a scenario's daily volume file has one row per date, without a 'time' column")
        }
        guard let c = table.columns.firstIndex(of: column) else {
            let hint = closest(column, among: table.columns).map { " Did you mean '\($0)'?" } ?? ""
            throw try daily.required("column").error(
                "'\(path)' has no column '\(column)'.\(hint) Columns: \(table.columns.joined(separator: ", ")).")
        }
        var volumes = Array(repeating: Double.nan, count: days)
        for row in table.rows where (0..<days).contains(row.day - startDay) {
            volumes[row.day - startDay] = row.values[c]
        }
        if let missing = volumes.firstIndex(where: \.isNaN) {
            let count = volumes.filter(\.isNaN).count
            throw fileValue.error(
                "'\(path)' has no row for \(Quantity.dateText(day: startDay + missing))"
                    + (count > 1 ? " and \(count - 1) more day(s) of the period" : ""))
        }
        return volumes
    }
}
