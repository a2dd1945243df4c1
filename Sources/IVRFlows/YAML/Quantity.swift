import Foundation

/// The text forms of quantities shared by scenario files, flow files and command-line options. Each returns `nil` for
/// text it cannot read; callers add their own range checks and messages.
package enum Quantity {
    /// Seconds from `180`, `180s`, `3m`, `3min`, `1.5h`, `2d` or `250ms`, or a sum of such parts without signs,
    /// `1h30m` (finite; the sign is the caller's to check).
    package static func seconds(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let plain = Double(text) { return plain.isFinite ? plain : nil }
        if let sum = compoundSeconds(text) { return sum }
        // Longest unit first, so "min" is not read as "m".
        for (unit, factor) in [("min", 60.0), ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        where text.hasSuffix(unit) {
            if let number = Double(text.dropLast(unit.count).trimmingCharacters(in: .whitespaces)) {
                return (number * factor).isFinite ? number * factor : nil
            }
        }
        return nil
    }

    /// `1h30m`, `2h 15m 10s`: two or more unsigned parts, each with its unit, largest first.
    private static func compoundSeconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("d", 86400), ("h", 3600), ("min", 60), ("m", 60), ("s", 1)]
        var rest = Substring(text.replacingOccurrences(of: " ", with: ""))
        var total = 0.0
        var parts = 0
        var lastFactor = Double.infinity
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, factor) = units.first(where: { rest.hasPrefix($0.0) }), factor < lastFactor else {
                return nil
            }
            rest = rest.dropFirst(unit.count)
            total += value * factor
            lastFactor = factor
            parts += 1
        }
        return parts >= 2 && total.isFinite ? total : nil
    }

    /// Calls per second from `120/h`, `2/m`, `0.5/s` or `2880/d` (finite; the sign is the caller's to check).
    package static func rate(_ text: String) -> Double? {
        let parts = text.replacingOccurrences(of: " ", with: "").split(separator: "/")
        let units: [String: Double] = ["s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400]
        guard parts.count == 2, let count = Double(parts[0]), count.isFinite, let unit = units[String(parts[1])] else {
            return nil
        }
        return count / unit
    }

    /// A fraction from `8%` or `0.08` (the range is the caller's to check).
    package static func share(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("%") { return Double(text.dropLast().trimmingCharacters(in: .whitespaces)).map { $0 / 100 } }
        return Double(text)
    }

    /// Seconds from midnight from `HH:MM`, 00:00 to 24:00.
    package static func clock(_ text: String) -> Double? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0...24).contains(parts[0]), (0..<60).contains(parts[1]),
            parts[0] * 60 + parts[1] <= 1440
        else { return nil }
        return Double(parts[0] * 3600 + parts[1] * 60)
    }

    /// Days since 1970-01-01 from a proleptic Gregorian `YYYY-MM-DD` (the day must exist in its month).
    package static func day(_ text: String) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1
        else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= lengths[m - 1] else { return nil }
        // Howard Hinnant's days_from_civil.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// `YYYY-MM-DD` of a day counted from 1970-01-01 (the inverse of ``day(_:)``).
    package static func dateText(day z0: Int) -> String {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// `HH:MM` (or `HH:MM:SS`) of seconds from midnight, 00:00 to 24:00 (the inverse of ``clock(_:)``).
    package static func clockText(_ seconds: Double, seconds withSeconds: Bool = false) -> String {
        let s = Int(seconds.rounded(.down))
        return withSeconds
            ? String(format: "%02d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60)
            : String(format: "%02d:%02d", s / 3600, s % 3600 / 60)
    }
}
