import Foundation
import Yams

/// A scenario's `fit:` block (docs/fitting.md): the free parameters, each a `--set` path with bounds, and the
/// published figures to match, with weights and tolerances. `acdd calibrate --fit` searches the parameters.
package struct FitSpec: Sendable {
    /// How a parameter's value is written back into YAML.
    package enum Unit: String, Sendable, Codable {
        case seconds, share, number

        /// The kind of `text`: `45m` seconds, `2%` a share, `0.3` a number.
        static func of(_ text: String) -> Unit? {
            let text = text.trimmingCharacters(in: .whitespaces)
            if text.hasSuffix("%") { return Quantity.share(text) == nil ? nil : .share }
            if Double(text) != nil { return .number }
            return Quantity.seconds(text) == nil ? nil : .seconds
        }

        /// The value of `text` in this unit: seconds, a fraction, or the number.
        func value(_ text: String) -> Double? {
            switch self {
            case .seconds: Quantity.seconds(text)
            case .share: Quantity.share(text)
            case .number: Double(text.trimmingCharacters(in: .whitespaces))
            }
        }

        var kind: String {
            switch self {
            case .seconds: "a duration"
            case .share: "a share"
            case .number: "a number"
            }
        }

        /// `value` as YAML for a `--set`: `2712.4s`, `1.25%`, `0.3`.
        package func text(_ value: Double) -> String {
            switch self {
            case .seconds: String(format: "%.1fs", value)
            case .share: String(format: "%.3f%%", value * 100)
            case .number: String(format: "%.6g", value)
            }
        }
    }

    package struct Parameter: Sendable {
        package var name: String
        /// The `--set` path (without `=VALUE`).
        package var path: String
        package var lower: Double
        package var upper: Double
        package var start: Double
        package var unit: Unit
        package var location: Location
        /// Where the start came from: `start:`, or the `set:` path whose value it is.
        package var startLocation: Location

        /// The `--set` that gives this parameter `value`.
        package func override(_ value: Double) -> String { "\(path)=\(unit.text(value))" }
    }

    package struct Figure: Sendable {
        /// A figure as `acdd calibrate` names it: `Abandoned`, `Digital Services: ASA`.
        package var name: String
        package var weight: Double
        /// Counts and times: a share of the published figure; shares: points (0.005 is half a point). `nil`: the
        /// default for the figure's kind (1% of a count, 5% of a time, half a point of a share).
        package var tolerance: Double?
        package var location: Location
    }

    package var parameters: [Parameter]
    /// `nil`: every published figure (the staff FTE aside, which counts work the model does not simulate).
    package var figures: [Figure]?
    /// Replications per evaluation (`nil`: the scenario's).
    package var replications: Int?
    package var maxEvaluations: Int
    package var location: Location

    /// Every parameter's start must lie within its bounds before a fit can start there.
    package func checkStarts() throws(InputError) {
        for p in parameters where !(p.lower...p.upper).contains(p.start) {
            throw p.startLocation.error(
                "the start, \(p.unit.text(p.start)), lies outside \(p.unit.text(p.lower))-\(p.unit.text(p.upper))")
        }
    }
}

extension ScenarioReader {
    /// Reads `fit:`. A parameter's start is its value in the scenario (or flow file) unless `start:` gives one.
    func readFit(_ value: YAMLValue, flowNodes: [(name: String, node: Node)]) throws(InputError) -> FitSpec {
        try value.expectKeys(["parameters", "figures", "replications", "max_evaluations"], required: ["parameters"])
        var parameters: [FitSpec.Parameter] = []
        for item in try value.required("parameters").items() {
            let parameter = try readFitParameter(item, flowNodes: flowNodes)
            if parameters.contains(where: { $0.path == parameter.path }) {
                throw item.error("the path '\(parameter.path)' is already a parameter")
            }
            parameters.append(parameter)
        }
        if parameters.isEmpty { throw try value.required("parameters").error("list at least one parameter") }
        var figures: [FitSpec.Figure]?
        if let list = value["figures"] {
            figures = []
            for item in try list.items() {
                try item.expectKeys(["figure", "weight", "tolerance"], required: ["figure"])
                let weight = try item["weight"]?.double() ?? 1
                if weight <= 0, let w = item["weight"] { throw w.error("a weight must be above 0") }
                let tolerance = try item["tolerance"]?.share()
                if tolerance == 0, let t = item["tolerance"] { throw t.error("a tolerance must be above 0") }
                figures?.append(
                    FitSpec.Figure(
                        name: try item.required("figure").string(), weight: weight, tolerance: tolerance,
                        location: Location(item)))
            }
        }
        let replications = try value["replications"]?.int()
        if let r = replications, r < 2, let v = value["replications"] {
            throw v.error("at least 2 replications, for the uncertainty")
        }
        let maxEvaluations = try value["max_evaluations"]?.int() ?? 60
        if maxEvaluations < 2 * parameters.count + 2, let v = value["max_evaluations"] {
            throw v.error("\(parameters.count) parameters need at least \(2 * parameters.count + 2) evaluations")
        }
        return FitSpec(
            parameters: parameters, figures: figures, replications: replications,
            maxEvaluations: max(maxEvaluations, 2 * parameters.count + 2), location: Location(value))
    }

    func readFitParameter(
        _ item: YAMLValue, flowNodes: [(name: String, node: Node)]
    ) throws(InputError) -> FitSpec.Parameter {
        try item.expectKeys(["name", "set", "from", "to", "start"], required: ["set", "from", "to"])
        let setValue = try item.required("set")
        let path = try setValue.string()
        let change: ScenarioOverride
        do { change = try ScenarioOverride(path + "=0") } catch { throw setValue.error(error.message) }
        let fromValue = try item.required("from")
        let fromText = try fromValue.string()
        guard let unit = FitSpec.Unit.of(fromText), let lower = unit.value(fromText) else {
            throw fromValue.error("expected a duration (45m), a share (2%) or a number, found '\(fromText)'")
        }
        func read(_ v: YAMLValue) throws(InputError) -> Double {
            let text = try v.string()
            guard FitSpec.Unit.of(text) == unit || (unit == .seconds && FitSpec.Unit.of(text) == .number),
                let x = unit.value(text)
            else {
                throw v.error(
                    "expected \(unit.kind) like 'from', found '\(text)'"
                )
            }
            return x
        }
        let upper = try read(try item.required("to"))
        guard lower < upper else { throw try item.required("to").error("'to' must be above 'from'") }
        let start: Double
        if let s = item["start"] {
            start = try read(s)
        } else {
            // A flow change starts from the first flow (in reading order) that has the field.
            let roots =
                change.flow == nil ? [root.node] : flowNodes.filter { change.applies(toFlow: $0.name) }.map(\.node)
            guard let current = roots.lazy.compactMap({ change.current(in: $0)?.scalar?.string }).first,
                let value = unit.value(current)
            else { throw setValue.error("the scenario has no value at '\(path)' to start from: give 'start'") }
            start = value
        }
        // A start outside the bounds is the fit's problem only (checked by `checkStarts`): the scenario may still be
        // simulated with any value.
        return FitSpec.Parameter(
            name: try item["name"]?.string() ?? path, path: path, lower: lower, upper: upper, start: start, unit: unit,
            location: Location(item), startLocation: Location(item["start"] ?? setValue))
    }
}
