import Foundation

/// A volume profile: a CSV file of calls per day, one row per date and one column per line (entry or queue), read by
/// `arrivals: { daily: { file: volumes.csv, column: NAME }, shape: ... }` (docs/scenario.md, "Volume files").
///
/// ```
/// date,main,covid
/// 2019-11-01,5120,0
/// ```
/// Every day of the period needs a row; rows outside the period are ignored. Errors name the CSV file, line and column.
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
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw fileValue.error("cannot read the volume file '\(path)'")
        }
        func fail(_ line: Int, _ col: Int, _ field: String, _ message: String) -> InputError {
            InputError(file: path, line: line, column: col, field: field, message: message)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        guard let header = lines.first, !header.isEmpty else { throw fail(1, 1, "", "the volume file is empty") }
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard names.first == "date" else { throw fail(1, 1, "date", "the first column must be 'date'") }
        guard let c = names.firstIndex(of: column) else {
            let hint = closest(column, among: Array(names.dropFirst())).map { " Did you mean '\($0)'?" } ?? ""
            throw try daily.required("column").error(
                "'\(path)' has no column '\(column)'.\(hint) Columns: \(names.dropFirst().joined(separator: ", ")).")
        }
        // Column positions of each field, for errors.
        func columnStart(_ fields: [Substring], _ k: Int) -> Int { fields[..<k].reduce(1) { $0 + $1.count + 1 } }
        var volumes = Array(repeating: Double.nan, count: days)
        for (n, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == names.count else {
                throw fail(n + 1, 1, "", "\(fields.count) fields where the header has \(names.count)")
            }
            let dateText = fields[0].trimmingCharacters(in: .whitespaces)
            guard let day = Quantity.day(dateText) else {
                throw fail(n + 1, 1, "date", "expected a date as YYYY-MM-DD, found '\(dateText)'")
            }
            let index = day - startDay
            guard index >= 0 && index < days else { continue }
            guard volumes[index].isNaN else { throw fail(n + 1, 1, "date", "\(dateText) is given twice") }
            let cell = fields[c].trimmingCharacters(in: .whitespaces)
            guard let v = Double(cell), v.isFinite, v >= 0 else {
                throw fail(n + 1, columnStart(fields, c), column, "expected calls as a number, 0 or more, found '\(cell)'")
            }
            volumes[index] = v
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
