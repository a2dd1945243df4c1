import Foundation

/// A call-records export as CSV or TSV, read by a column map (`acdd records import --format csv --map ...`,
/// docs/records.md). Each row is one call; the map says which column holds what:
///
/// - `arrival`: when the call came in: a timestamp (`2019-11-05 08:01:02`, ISO 8601, or seconds since 1970), or,
///   with `date` mapped, a time of day (`8:01:02`) on that row's date;
/// - `date`: the row's date (`2019-11-05` by default; `date=Column:dd/MM/yyyy` names another pattern);
/// - `queue_entry`, `answered` (service start), `ended` (service end, or the hang-up): timestamps or times of day like
///   `arrival`;
/// - `ivr`, `wait`, `talk`: durations instead (seconds, or `H:MM:SS`): arrival to queue entry, queue entry to the
///   answer or the hang-up, the answer to the end;
/// - `queue`, `entry`, `agent`, `id`: text;
/// - `outcome`: a column of codes, translated by the map (`outcome=Result:AGENT=answered,HANG=abandoned`); without
///   it, a call with an answer time, a talk time or an agent is answered and any other abandoned;
/// - `skip`: rows that are not calls (`skip=Type:TEST,PHANTOM`): a row whose column holds one of the values is
///   skipped and counted.
///
/// Times of day and dates are read in the import's time zone. A bad row is a located problem (`file:line: column:
/// what`); the import stops at the first unless it keeps going.
package enum CSVRecords {
    /// A column map, from `--map` options.
    package struct ColumnMap: Sendable, Equatable {
        /// Field to column header.
        package var columns: [String: String] = [:]
        /// The date column's pattern (DateFormatter's), when not `yyyy-MM-dd`.
        package var datePattern = "yyyy-MM-dd"
        /// Outcome codes to outcomes.
        package var outcomes: [String: String] = [:]
        /// Values of the skip column that mark rows that are not calls.
        package var skipValues: Set<String> = []

        package static let fields = [
            "id", "arrival", "date", "queue_entry", "answered", "ended", "ivr", "wait", "talk", "queue", "entry",
            "agent", "outcome", "skip",
        ]
        package static let outcomeNames: Set<String> = ["answered", "abandoned", "timed-out", "keyed-out", "blocked"]

        /// Reads `field=Column` options (and `field=Column:...` for date, outcome and skip).
        package init(options: [String]) throws(RecordProblem) {
            func bad(_ option: String, _ message: String) -> RecordProblem {
                RecordProblem(file: "--map", line: 0, field: option, message: message)
            }
            for option in options {
                for part in Self.split(option) {
                    guard let eq = part.firstIndex(of: "=") else {
                        throw bad(part, "give FIELD=COLUMN (fields: \(Self.fields.joined(separator: ", ")))")
                    }
                    let field = part[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
                    var column = String(part[part.index(after: eq)...])
                    var extra: String?
                    if ["date", "outcome", "skip"].contains(field), let colon = column.lastIndex(of: ":") {
                        extra = String(column[column.index(after: colon)...])
                        column = String(column[..<colon])
                    }
                    guard Self.fields.contains(field) else {
                        throw bad(part, "'\(field)' is not a field; the fields are \(Self.fields.joined(separator: ", "))")
                    }
                    guard !column.isEmpty else { throw bad(part, "no column named for \(field)") }
                    guard columns[field] == nil else { throw bad(part, "\(field) is mapped twice") }
                    columns[field] = column
                    switch field {
                    case "date": if let extra { datePattern = extra }
                    case "outcome":
                        for pair in (extra ?? "").split(separator: ",") {
                            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                            guard kv.count == 2, Self.outcomeNames.contains(kv[1]) else {
                                throw bad(
                                    part,
                                    "an outcome code is CODE=OUTCOME, OUTCOME one of "
                                        + Self.outcomeNames.sorted().joined(separator: ", ") + ", not '\(pair)'")
                            }
                            outcomes[kv[0]] = kv[1]
                        }
                    case "skip":
                        guard let extra, !extra.isEmpty else {
                            throw bad(part, "skip=COLUMN:VALUE,VALUE names the values that mark rows that are not calls")
                        }
                        skipValues = Set(extra.split(separator: ",").map(String.init))
                    default: break
                    }
                }
            }
            guard columns["arrival"] != nil else { throw bad("arrival", "map the arrival column: arrival=COLUMN") }
            guard columns["queue"] != nil else { throw bad("queue", "map the queue column: queue=COLUMN") }
        }

        /// One `--map` option may hold several mappings, separated by commas (`arrival=Start,queue=Queue`) or
        /// semicolons. A piece without `=` stays with the mapping before it (a skip list's values), and so does
        /// `CODE=OUTCOME` after an outcome mapping; any other `X=Y` is a mapping of its own (and X must be a field).
        static func split(_ option: String) -> [String] {
            var parts: [String] = []
            for piece in option.split(whereSeparator: { $0 == "," || $0 == ";" }).map(String.init) {
                let kv = piece.split(separator: "=", maxSplits: 1).map(String.init)
                let code = kv.count == 2 && outcomeNames.contains(kv[1]) && parts.last?.hasPrefix("outcome=") == true
                if kv.count == 2 && !code || parts.isEmpty {
                    parts.append(piece)
                } else {
                    parts[parts.count - 1] += "," + piece
                }
            }
            return parts
        }
    }

    /// Reads `path` by `map`, times in `zone`.
    package static func read(
        path: String, map: ColumnMap, zone: TimeZone, delimiter: Character? = nil, keepGoing: Bool
    ) throws(RecordProblem) -> RecordImport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecordProblem(file: path, line: 0, field: "", message: "cannot read the file")
        }
        return try parse(
            String(decoding: data, as: UTF8.self), file: path, map: map, zone: zone, delimiter: delimiter,
            keepGoing: keepGoing)
    }

    package static func parse(
        _ text: String, file: String, map: ColumnMap, zone: TimeZone, delimiter: Character? = nil, keepGoing: Bool
    ) throws(RecordProblem) -> RecordImport {
        var rows = Self.rows(text, delimiter: delimiter ?? guessDelimiter(text))
        var result = RecordImport()
        guard let header = rows.first else {
            throw RecordProblem(file: file, line: 1, field: "", message: "the file is empty: it needs a header row")
        }
        rows.removeFirst()
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var index: [String: Int] = [:]
        for (field, column) in map.columns {
            guard let i = names.firstIndex(of: column) else {
                throw RecordProblem(
                    file: file, line: header.line, field: column,
                    message: "no such column for \(field); the header has " + names.map { "'\($0)'" }.joined(
                        separator: ", "))
            }
            index[field] = i
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let dates = DateFormatter()
        dates.locale = Locale(identifier: "en_US_POSIX")
        dates.timeZone = zone
        dates.dateFormat = map.datePattern
        var skipped = 0
        for row in rows {
            if row.fields.count == 1 && row.fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            result.lines += 1
            func value(_ field: String) -> String? {
                guard let i = index[field], i < row.fields.count else { return nil }
                let v = row.fields[i].trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            if let v = value("skip"), map.skipValues.contains(v) {
                skipped += 1
                continue
            }
            do throws(RecordProblem) {
                func problem(_ field: String, _ message: String) -> RecordProblem {
                    RecordProblem(file: file, line: row.line, field: map.columns[field] ?? field, message: message)
                }
                guard row.fields.count == names.count else {
                    throw RecordProblem(
                        file: file, line: row.line, field: "",
                        message: "\(row.fields.count) fields where the header has \(names.count)")
                }
                var day: Date?
                if let d = value("date") {
                    guard let parsed = dates.date(from: d) else {
                        throw problem("date", "'\(d)' is not a date like \(map.datePattern)")
                    }
                    day = calendar.startOfDay(for: parsed)
                }
                func time(_ field: String) throws(RecordProblem) -> Double? {
                    guard let v = value(field) else { return nil }
                    if let day, let s = Self.clock(v) {
                        guard s < 86400 else { throw problem(field, "'\(v)' is not a time of day: past 23:59:59") }
                        return day.timeIntervalSince1970 + s
                    }
                    if let t = Self.timestamp(v, calendar: calendar) { return t }
                    throw problem(
                        field,
                        "'\(v)' is not " + (day != nil ? "a time of day (H:MM:SS) or " : "") + "a timestamp "
                            + "(YYYY-MM-DD HH:MM:SS, ISO 8601 or seconds since 1970)")
                }
                func duration(_ field: String) throws(RecordProblem) -> Double? {
                    guard let v = value(field) else { return nil }
                    guard let s = Double(v) ?? Self.clock(v), s >= 0, s.isFinite else {
                        throw problem(field, "'\(v)' is not a duration (seconds, or H:MM:SS)")
                    }
                    return s
                }
                guard let arrival = try time("arrival") else { throw problem("arrival", "no arrival time") }
                guard let queue = value("queue") else { throw problem("queue", "no queue") }
                let ivr = try duration("ivr")
                let queueEntry = try time("queue_entry") ?? ivr.map { arrival + $0 } ?? arrival
                let answered = try time("answered")
                let agent = value("agent")
                let outcome: String
                if let code = value("outcome") {
                    if let known = map.outcomes[code] {
                        outcome = known
                    } else if map.outcomes.isEmpty && ColumnMap.outcomeNames.contains(code.lowercased()) {
                        outcome = code.lowercased()
                    } else {
                        throw problem(
                            "outcome",
                            "code '\(code)' is not in the map" + (map.outcomes.isEmpty
                                ? " (give outcome=COLUMN:CODE=answered,CODE=abandoned,...)"
                                : " (it knows " + map.outcomes.keys.sorted().joined(separator: ", ") + ")"))
                    }
                } else {
                    outcome = answered != nil || agent != nil || value("talk") != nil ? "answered" : "abandoned"
                }
                let wait = try duration("wait")
                let talk = try duration("talk")
                let ended = try time("ended")
                var endOfWait = answered ?? wait.map { queueEntry + $0 }
                if endOfWait == nil && outcome != "answered" { endOfWait = ended }
                guard let endOfWait else {
                    throw problem(
                        outcome == "answered" ? "answered" : "wait",
                        "no end of the wait: map answered (the answer's time) or wait (seconds in the queue)")
                }
                guard queueEntry >= arrival, endOfWait >= queueEntry else {
                    throw problem(
                        endOfWait < queueEntry ? (answered != nil ? "answered" : "wait") : "queue_entry",
                        "times out of order: arrival, queue entry and the end of the wait must not go back")
                }
                var talkEnd: Double?
                if outcome == "answered" {
                    talkEnd = ended ?? talk.map { endOfWait + $0 }
                    if let t = talkEnd, t < endOfWait { throw problem("ended", "the call ends before it is answered") }
                }
                result.calls.append(
                    ImportedCall(
                        source: value("id") ?? "line \(row.line)", entry: value("entry"), queue: queue, firstQueue: nil,
                        agent: outcome == "answered" ? agent : nil, arrival: arrival, queueEntry: queueEntry,
                        endOfWait: endOfWait, talkEnd: talkEnd, outcome: outcome, agentsTried: []))
            } catch {
                guard keepGoing else { throw error }
                result.problems.append(error)
            }
        }
        if skipped > 0 { result.unknownEvents["rows skipped by the map's skip rule"] = skipped }
        return result
    }

    /// `H:MM:SS`, `HH:MM` or `H:MM:SS.fff` as seconds.
    static func clock(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let h = Int(parts[0]), let m = Int(parts[1]), h >= 0,
            (0..<60).contains(m)
        else { return nil }
        let s = parts.count == 3 ? Double(parts[2]) : 0
        guard let s, (0..<61).contains(s) else { return nil }
        return Double(h * 3600 + m * 60) + s
    }

    /// `YYYY-MM-DD HH:MM:SS` (or with `T`, fractions and a zone: ISO 8601), in `calendar`'s zone when it names
    /// none; or seconds since 1970.
    static func timestamp(_ text: String, calendar: Calendar) -> Double? {
        if let s = Double(text), s > 1e8 { return s }
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = iso.date(from: text) { return d.timeIntervalSince1970 }
        iso.formatOptions = [.withInternetDateTime]
        if let d = iso.date(from: text) { return d.timeIntervalSince1970 }
        let pieces = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard pieces.count == 2 else { return nil }
        let ymd = pieces[0].split(separator: "-")
        guard ymd.count == 3, let y = Int(ymd[0]), let mo = Int(ymd[1]), let d = Int(ymd[2]),
            let seconds = clock(String(pieces[1]))
        else { return nil }
        guard let day = calendar.date(from: DateComponents(year: y, month: mo, day: d)) else { return nil }
        return day.timeIntervalSince1970 + seconds
    }

    static func guessDelimiter(_ text: String) -> Character {
        let first = text.prefix { $0 != "\n" }
        return first.contains("\t") && !first.contains(",") ? "\t" : (first.contains(";") && !first.contains(",") ? ";" : ",")
    }

    /// RFC 4180 rows: quoted fields may hold the delimiter, doubled quotes and line breaks; each row keeps the line
    /// it starts on.
    static func rows(_ text: String, delimiter: Character) -> [(line: Int, fields: [String])] {
        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var start = 1
        var iterator = text.makeIterator()
        var pending: Character?
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true
            case delimiter:
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                fields.append(field)
                rows.append((start, fields))
                fields = []
                field = ""
                line += 1
                start = line
            default: field.append(c)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append((start, fields))
        }
        return rows
    }
}
