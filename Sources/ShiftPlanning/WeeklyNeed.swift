import Foundation
import IVRFlows

/// Agents needed per interval of a week, read from CSV: `weekday,time,agents`, optionally with `group` and `block`
/// columns, as `acdd staff --format csv` writes a weekly rota (other columns are ignored). Each (block, group) is
/// one week to cover.
package struct WeeklyNeed: Sendable {
    package var block: String
    package var group: String
    /// Agents per interval of the week, Monday 00:00 first.
    package var need: [Int]

    package static func load(path: String, intervalLength: Double) throws(InputError) -> [WeeklyNeed] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw InputError(file: path, line: 0, column: 0, field: "", message: "cannot read the file") }
        return try parse(text, file: path, intervalLength: intervalLength)
    }

    package static func parse(_ text: String, file: String, intervalLength: Double) throws(InputError) -> [WeeklyNeed] {
        let records = csvRecords(text)
        guard let header = records.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw InputError(file: file, line: 1, column: 1, field: "", message: "the file is empty")
        }
        func column(_ name: String) throws(InputError) -> Int {
            guard let c = header.firstIndex(of: name) else {
                throw InputError(
                    file: file, line: 1, column: 1, field: "",
                    message: "no '\(name)' column; expected weekday,time,agents (and optionally group, block)")
            }
            return c
        }
        let (weekday, time, agents) = (try column("weekday"), try column("time"), try column("agents"))
        let group = header.firstIndex(of: "group")
        let block = header.firstIndex(of: "block")
        let perDay = Int((86400 / intervalLength).rounded())
        var out: [WeeklyNeed] = []
        for record in records.dropFirst() {
            func fail(_ c: Int, _ message: String) -> InputError {
                InputError(file: file, line: record.line, column: 1, field: header[c], message: message)
            }
            guard record.fields.count == header.count else {
                throw InputError(
                    file: file, line: record.line, column: 1, field: "",
                    message: "\(record.fields.count) fields where the header has \(header.count)")
            }
            let f = record.fields
            guard let day = Weekday.names.firstIndex(of: String(f[weekday].lowercased().prefix(3))) else {
                throw fail(weekday, "expected a weekday (Mon ... Sun), found '\(f[weekday])'")
            }
            guard let seconds = Quantity.clock(f[time]), seconds < 86400,
                seconds.truncatingRemainder(dividingBy: intervalLength) == 0
            else {
                throw fail(
                    time,
                    "expected the start of an interval as HH:MM (every \(Int(intervalLength / 60)) min), "
                        + "found '\(f[time])'")
            }
            guard let n = Int(f[agents]), n >= 0 else {
                throw fail(agents, "expected a whole number of agents, found '\(f[agents])'")
            }
            let key = (block.map { f[$0] } ?? "", group.map { f[$0] } ?? "")
            if out.last.map({ ($0.block, $0.group) != key }) ?? true {
                out.append(WeeklyNeed(block: key.0, group: key.1, need: Array(repeating: 0, count: 7 * perDay)))
            }
            out[out.count - 1].need[day * perDay + Int(seconds / intervalLength)] = n
        }
        return out
    }
}
