import Foundation

/// The text forms of quantities shared by scenario files, flow files and command-line options. Each returns `nil` for
/// text it cannot read; callers add their own range checks and messages.
package enum Quantity {
    /// Seconds from `180`, `180s`, `3m`, `3min`, `1.5h`, `2d` or `250ms` (finite; the sign is the caller's to check).
    package static func seconds(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let plain = Double(text) { return plain.isFinite ? plain : nil }
        // Longest unit first, so "min" is not read as "m".
        for (unit, factor) in [("min", 60.0), ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        where text.hasSuffix(unit) {
            if let number = Double(text.dropLast(unit.count).trimmingCharacters(in: .whitespaces)) {
                return (number * factor).isFinite ? number * factor : nil
            }
        }
        return nil
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
}
