import ACDCore
import ACDReports
import Foundation
import IVRFlows

extension FitResult {
    static func format(_ value: Double, _ unit: FitSpec.Unit) -> String {
        switch unit {
        case .seconds: String(format: "%.0f s", value)
        case .share: String(format: "%.2f%%", value * 100)
        case .number: String(format: "%.4g", value)
        }
    }

    static func format(_ value: Double, figureUnit unit: String) -> String {
        switch unit {
        case "calls": value.formatted(.number.precision(.fractionLength(0)).grouping(.automatic))
        case "share": String(format: "%.2f%%", value * 100)
        default: String(format: "%.1f s", value)
        }
    }

    func parameterRows() -> [[String]] {
        parameters.map { p in
            let interval = p.interval.map {
                "\(Self.format($0.lowerBound, p.unit))-\(Self.format($0.upperBound, p.unit))"
            }
            let note =
                !p.identified
                ? "no figure moves it: left at its start" : p.atBound.map { "at its \($0) bound" } ?? ""
            return [
                p.name, Self.format(p.start, p.unit), Self.format(p.fitted, p.unit), interval ?? "",
                "\(Self.format(p.lower, p.unit))-\(Self.format(p.upper, p.unit))", note,
            ]
        }
    }

    func figureRows() -> [[String]] {
        figures.map { f in
            func shown(_ e: Estimate) -> String { Self.format(e.mean, figureUnit: f.unit) }
            func off(_ e: Estimate) -> String {
                let d = e.mean - f.published
                return f.unit == "share"
                    ? String(format: "%+.2f pts", d * 100)
                    : String(format: "%+.1f%%", 100 * d / max(abs(f.published), 1e-9))
            }
            let tolerance =
                f.unit == "share"
                ? String(format: "±%.2f pts", f.tolerance * 100)
                : String(format: "±%.1f%%", 100 * f.tolerance / max(abs(f.published), 1e-9))
            return [
                f.figure, Self.format(f.published, figureUnit: f.unit), shown(f.before), off(f.before), shown(f.after),
                off(f.after), tolerance, f.withinAfter ? "yes" : "no",
                f.movable ? "" : "no parameter moves it",
            ]
        }
    }

    static let parameterHeader = ["Parameter", "Start", "Fitted", "95% interval", "Bounds", "Note"]
    static let figureHeader = [
        "Figure", "Published", "Before", "Off", "After", "Off", "Tolerance", "Within", "Note",
    ]

    /// The terminal report: parameters, figures before and after, and the `--set` list.
    package func table(scenarioArgument: String) -> String {
        var out = "\(method)\n"
        out += "\(evaluations) evaluations of \(replications) replications (seed \(seed)), \(Int(seconds)) s; "
        out += "stopped: \(stopped).\n"
        out += String(
            format: "Cost (sum of squared misses in tolerances): %.2f before, %.2f after.\n\n", costBefore, costAfter)
        var p = TextTable(header: Self.parameterHeader)
        parameterRows().forEach { p.add($0) }
        out += p.render() + "\n"
        var f = TextTable(header: Self.figureHeader)
        figureRows().forEach { f.add($0) }
        out += f.render()
        let within = figures.filter(\.withinAfter).count
        out += "\n\(within) of \(figures.count) figures within their tolerance after the fit "
        out += "(\(figures.filter(\.withinBefore).count) before).\n"
        out += "\nThe fitted scenario:\n  acdd simulate \(scenarioArgument)"
        out += sets.map { " \\\n    --set '\($0)'" }.joined() + "\n"
        return out
    }

    /// The same as Markdown tables, to paste into a README.
    package func markdown() -> String {
        func table(_ header: [String], _ rows: [[String]]) -> String {
            var out = "| " + header.joined(separator: " | ") + " |\n"
            // The name and the note read left; the figures right.
            out +=
                "|" + header.indices.map { $0 == 0 || $0 == header.count - 1 ? "---" : "---:" }.joined(separator: "|")
            out += "|\n"
            for row in rows {
                out += "| " + row.map { $0.replacingOccurrences(of: "|", with: "/") }.joined(separator: " | ") + " |\n"
            }
            return out
        }
        return table(Self.parameterHeader, parameterRows()) + "\n" + table(Self.figureHeader, figureRows())
    }
}
