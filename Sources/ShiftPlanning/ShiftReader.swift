import Foundation
import IVRFlows

/// Reads a shift file (docs/shifts.md). Every mistake is an ``InputError`` naming the file, line, field and what is
/// wrong.
package enum ShiftReader {
    package static func load(path: String) throws(InputError) -> ShiftRules {
        try read(YAMLValue.load(path: path))
    }

    package static func parse(_ text: String, file: String) throws(InputError) -> ShiftRules {
        try read(YAMLValue.parse(text, file: file))
    }

    static func read(_ root: YAMLValue) throws(InputError) -> ShiftRules {
        try root.expectKeys(
            ["full_time_hours", "cost_per_fte", "cost_per_hour", "absence", "solver", "patterns"],
            required: ["patterns"])
        var rules = ShiftRules(patterns: [], file: root.file)
        if let v = root["full_time_hours"] { rules.fullTimeHours = try positive(v) }
        if let v = root["cost_per_fte"] { rules.costPerFTE = try positive(v) }
        if let v = root["cost_per_hour"] { rules.costPerHour = try positive(v) }
        if let v = root["absence"] {
            rules.absence = try v.share()
            guard rules.absence < 1 else { throw v.error("absence must be below 100%") }
        }
        if let solver = root["solver"] {
            try solver.expectKeys(["time_limit", "nodes", "gap"])
            if let v = solver["nodes"] {
                rules.nodeLimit = try v.int()
                guard rules.nodeLimit > 0 else { throw v.error("the node limit must be above zero") }
            }
            if let v = solver["time_limit"] {
                rules.timeLimit = try v.duration()
                guard rules.timeLimit > 0 else { throw v.error("the time limit must be above zero") }
            }
            if let v = solver["gap"] { rules.gap = try v.share() }
        }
        let list = try root.required("patterns")
        let items = try list.items()
        guard !items.isEmpty else { throw list.error("list at least one shift pattern") }
        for item in items {
            let pattern = try readPattern(item)
            if rules.patterns.contains(where: { $0.name == pattern.name }) {
                throw try item.required("name").error("a second pattern named '\(pattern.name)'")
            }
            rules.patterns.append(pattern)
        }
        return rules
    }

    static func positive(_ v: YAMLValue) throws(InputError) -> Double {
        let value = try v.double()
        guard value > 0 else { throw v.error("must be above zero, found \(value)") }
        return value
    }

    static func readPattern(_ item: YAMLValue) throws(InputError) -> ShiftPattern {
        try item.expectKeys(
            [
                "name", "groups", "length", "starts", "days", "breaks", "contracted_hours", "cost_per_hour", "share",
            ], required: ["name", "length", "starts", "days"])
        let lengthValue = try item.required("length")
        let length = try lengthValue.duration()
        guard length > 0, length <= 86400 else { throw lengthValue.error("a shift lasts more than 0 and at most 24h") }
        let (earliest, latest, step) = try readStarts(item.required("starts"))
        var pattern = ShiftPattern(
            name: try item.required("name").string(), length: length, earliestStart: earliest,
            latestStart: latest, startStep: step, days: try readDays(item.required("days")))
        if let v = item["groups"] { pattern.groups = try v.items().map { v throws(InputError) in try v.string() } }
        if let v = item["breaks"] {
            pattern.breaks = try v.items().map { b throws(InputError) in try readBreak(b, shift: length) }
        }
        if let v = item["cost_per_hour"] { pattern.costPerHour = try positive(v) }
        if let share = item["share"] {
            try share.expectKeys(["at_most", "at_least"])
            pattern.atMostShare = try share["at_most"]?.share()
            pattern.atLeastShare = try share["at_least"]?.share()
        }
        if let v = item["contracted_hours"] {
            let hours = try positive(v)
            guard abs(hours - pattern.weeklyHours) < 0.01 else {
                throw v.error(
                    "\(pattern.days.count) days of \(hoursText(pattern.paidSeconds / 3600)) paid come to "
                        + "\(hoursText(pattern.weeklyHours)) a week, not the contracted \(hoursText(hours))")
            }
            pattern.contractedHours = hours
        }
        return pattern
    }

    static func hoursText(_ h: Double) -> String { "\(h.formatted(digits: 2))h" }

    static func readStarts(_ v: YAMLValue) throws(InputError) -> (Double, Double, Double) {
        try v.expectKeys(["from", "to", "every"], required: ["from"])
        func clock(_ value: YAMLValue) throws(InputError) -> Double {
            guard let seconds = Quantity.clock(try value.string()), seconds < 86400 else {
                throw value.error("expected a time of day as HH:MM before 24:00, found \(value.kindName)")
            }
            return seconds
        }
        let from = try clock(v.required("from"))
        let to = try v["to"].map { x throws(InputError) in try clock(x) } ?? from
        guard to >= from else { throw try v.required("to").error("the latest start comes before the earliest") }
        var step = 1800.0
        if let e = v["every"] {
            step = try e.duration()
            guard step >= 60 else { throw e.error("starts are at least a minute apart") }
        }
        return (from, to, step)
    }

    static func readDays(_ v: YAMLValue) throws(InputError) -> ShiftPattern.Days {
        if !v.isMapping, !v.isSequence, let n = try? v.int() {
            guard (1...7).contains(n) else { throw v.error("days a week lie between 1 and 7, found \(n)") }
            return .consecutive(n)
        }
        if v.isMapping {
            try v.expectKeys(["count", "of"], required: ["count", "of"])
            let countValue = try v.required("count")
            let days = try weekdays(v.required("of"))
            let n = try countValue.int()
            guard (1...days.count).contains(n) else {
                throw countValue.error("a count of days between 1 and the \(days.count) listed, found \(n)")
            }
            guard !ShiftPattern.Days.within(count: n, days: days).sets.isEmpty else {
                throw countValue.error("no \(n) days in a row among those listed")
            }
            return .within(count: n, days: days)
        }
        return .fixed(try weekdays(v))
    }

    static func weekdays(_ v: YAMLValue) throws(InputError) -> [Int] {
        let names = try v.items().map { d throws(InputError) -> Int in
            let text = try d.string().lowercased()
            guard let index = Weekday.names.firstIndex(of: String(text.prefix(3))), text.count >= 3 else {
                throw d.error("expected a weekday (mon ... sun), found \(d.kindName)")
            }
            return index
        }
        guard !names.isEmpty, Set(names).count == names.count else {
            throw v.error("list each working day once, or give a count of consecutive days (5)")
        }
        return names.sorted()
    }

    static func readBreak(_ v: YAMLValue, shift: Double) throws(InputError) -> ShiftBreak {
        try v.expectKeys(["name", "length", "paid", "earliest", "latest", "every"], required: ["length", "earliest"])
        let length = try v.required("length").duration()
        guard length > 0 else { throw try v.required("length").error("a break lasts more than zero") }
        let earliest = try v.required("earliest").duration()
        let latest = try v["latest"]?.duration() ?? earliest
        guard latest >= earliest else { throw try v.required("latest").error("latest comes before earliest") }
        guard latest + length <= shift else {
            throw (v["latest"] ?? v["earliest"]!).error("the break would end after the shift")
        }
        var step = 900.0
        if let e = v["every"] {
            step = try e.duration()
            guard step >= 60 else { throw e.error("break starts are at least a minute apart") }
        }
        return ShiftBreak(
            name: try v["name"]?.string() ?? "break", length: length, paid: try v["paid"]?.bool() ?? true,
            earliest: earliest, latest: latest, step: step)
    }
}

extension Double {
    /// The number with at most `digits` decimals, trailing zeros dropped: `7.5`, `37`.
    package func formatted(digits: Int) -> String {
        var text = String(format: "%.\(digits)f", self)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
