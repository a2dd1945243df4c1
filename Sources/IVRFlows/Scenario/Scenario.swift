import ACDCore
import Foundation

/// A scenario file: a contact-centre model and how to run it (docs/scenario.md).
package struct Scenario: Sendable {
    package var name: String
    package var file: String
    package var model: CentreModel
    package var seed: UInt64
    package var replications: Int
    /// Day of the week of the period's first day, 0 = Monday.
    package var startWeekday: Int
    /// The period's first day as written (`2020-01-06`), if given.
    package var startDate: String?
    /// Things that are allowed but probably not meant, located like errors.
    package var warnings: [InputError]
    /// Per compiled flow (in model order), the node each engine step belongs to.
    package var flowNodes: [[String]] = []
    /// Per compiled flow (in model order), what each engine step plays to a caller on the telephone.
    package var flowPrompts: [[StepPrompt?]] = []
    /// Per entry, the number callers dial for it over SIP (`number:`), if the scenario gives one.
    package var entryNumbers: [String?] = []
    /// The flow files read for this scenario.
    package var flowDocuments: [FlowDocument] = []
    /// Callers' intents by name; the model's "intents" are caller types (intent and attribute values), and
    /// `typeIntent` gives each type's intent.
    package var intents: [String] = []
    package var typeIntent: [Int] = []
    /// Centre-wide published figures (top-level `published:`), for `acdd calibrate`.
    package var published: PublishedTotals?
    /// The `fit:` block, for `acdd calibrate --fit`.
    package var fit: FitSpec?

    /// The scenario file a path names: the path itself, or `scenario.yaml` inside it when it is a folder (a flow set).
    package static func file(at path: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return (path as NSString).appendingPathComponent("scenario.yaml")
        }
        return path
    }

    /// Reads and checks a scenario file, or a flow-set folder's `scenario.yaml`. Every problem is an ``InputError``
    /// naming the file, line, column and field.
    package static func load(path: String) throws(InputError) -> Scenario {
        let path = file(at: path)
        var reader = ScenarioReader(root: try YAMLValue.load(path: path))
        return try reader.read()
    }

    /// Reads a scenario with `--set` changes applied. An error in a changed value names the `--set` it came from.
    package static func load(path: String, overrides: [ScenarioOverride]) throws(InputError) -> Scenario {
        guard !overrides.isEmpty else { return try load(path: path) }
        let path = file(at: path)
        let original = try YAMLValue.load(path: path)
        var node = original.node
        var changed: [(field: String, override: ScenarioOverride)] = []
        for override in overrides where override.flow == nil {
            let (next, field) = try override.apply(to: node)
            node = next
            changed.append((field, override))
        }
        var reader = ScenarioReader(root: YAMLValue(node: node, path: "", file: path))
        reader.flowOverrides = overrides.filter { $0.flow != nil }
        do {
            return try reader.read()
        } catch {
            // Blame the change when the problem lies in what it set.
            if let (_, override) = (changed + reader.flowChanges).last(where: {
                error.field == $0.field || error.field.hasPrefix($0.field + ".")
                    || error.field.hasPrefix($0.field + "[")
            }) {
                throw InputError(
                    file: "--set \(override.text)", line: 0, column: 0, field: error.field, message: error.message)
            }
            throw error
        }
    }

    /// Parses scenario text (tests, `--set`).
    package static func parse(_ text: String, file: String = "<scenario>") throws(InputError) -> Scenario {
        var reader = ScenarioReader(root: try YAMLValue.parse(text, file: file))
        return try reader.read()
    }

    /// A readable label for interval `i`: `Mon 08:30` (with the day number when the period is over a week).
    /// The date of the period's moment `seconds` (from the start date, `YYYY-MM-DD`), or `day N` without a date.
    package func dateLabel(seconds: Double) -> String {
        let day = Int(seconds / 86400)
        guard let start = startDate.flatMap(Quantity.day) else { return "day \(day + 1)" }
        return Quantity.dateText(day: start + day)
    }

    /// The period's day number (from 0) of a date `YYYY-MM-DD`, or a day number given as such; `nil` when it is
    /// neither, or outside the period.
    package func periodDay(_ text: String) -> Int? {
        let days = Int((model.horizon / 86400).rounded(.up))
        if let n = Int(text) { return (0..<days).contains(n) ? n : nil }
        guard let start = startDate.flatMap(Quantity.day), let day = Quantity.day(text) else { return nil }
        return (0..<days).contains(day - start) ? day - start : nil
    }

    /// The period's days a day (see ``periodDay(_:)``) or a range `FIRST..LAST` of them names; `nil` when either end
    /// is not a day of the period or they are out of order.
    package func periodDays(_ text: String) -> ClosedRange<Int>? {
        let parts = text.components(separatedBy: "..")
        guard parts.count <= 2, let first = periodDay(parts[0]), let last = periodDay(parts[parts.count - 1]),
            first <= last
        else { return nil }
        return first...last
    }

    /// The scenario over `days` of its period only, from midnight with empty queues: volumes, rotas and calendars
    /// cut to those days, dates and weekdays moved with them. Published figures (for the whole period) are dropped.
    package func window(days: ClosedRange<Int>) -> Scenario {
        let perDay = Int((86400 / model.intervalLength).rounded())
        var cut = self
        cut.model = model.window(days.lowerBound * perDay..<min((days.upperBound + 1) * perDay, model.intervalCount))
        cut.startDate = startDate.flatMap(Quantity.day).map { Quantity.dateText(day: $0 + days.lowerBound) }
        cut.startWeekday = (startWeekday + days.lowerBound) % 7
        cut.published = nil
        for q in cut.model.queues.indices { cut.model.queues[q].published = nil }
        let label = [days.lowerBound, days.upperBound].map { dateLabel(seconds: Double($0) * 86400) }
        cut.name += days.count == 1 ? " (\(label[0]))" : " (\(label[0])..\(label[1]))"
        return cut
    }

    package func intervalLabel(_ i: Int) -> String {
        let seconds = Int(Double(i) * model.intervalLength)
        let day = seconds / 86400
        let minutes = (seconds % 86400) / 60
        let weekday = Weekday.names[(startWeekday + day) % 7].capitalized
        let clock = String(format: "%02d:%02d", minutes / 60, minutes % 60)
        if let start = startDate.flatMap(Quantity.day) {
            return "\(Quantity.dateText(day: start + day)) \(weekday) \(clock)"
        }
        return model.horizon > 7 * 86400 ? "day \(day + 1) \(weekday) \(clock)" : "\(weekday) \(clock)"
    }
}

package enum Weekday {
    /// As scenarios write them; ``label(_:)`` gives `Mon`.
    package static let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// `Mon` for weekday `d` (0 = Monday).
    package static func label(_ d: Int) -> String { names[d % 7].capitalized }

    /// 0 = Monday, for a day counted from 1970-01-01 (a Thursday), as ``Quantity/day(_:)`` gives it.
    static func of(day: Int) -> Int { ((day + 3) % 7 + 7) % 7 }
}

/// A centre's published figures for a year or period: the calibration targets `acdd calibrate` compares with.
/// Never used by the simulation.
package struct PublishedTotals: Sendable, Equatable {
    package var label: String
    package var grossCalls: Double?
    package var answeredByIVR: Double?
    package var answeredByStaff: Double?
    package var abandoned: Double?
    /// All queues together.
    package var asa: Double?
    package var abandonment: Double?
    /// Average staff in full-time equivalents (all work, not only calls).
    package var staffFTE: Double?
}
