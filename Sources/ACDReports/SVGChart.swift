import ACDCore
import Foundation

/// A line chart as inline SVG: evenly spaced points, labelled axes with units, a legend, 95% bands, and an optional
/// dashed target. Coordinates are written to one decimal, so a year of daily points stays small.
struct SVGChart {
    struct Series {
        var name: String
        var colour: String
        var values: [Estimate]
        /// Drawn as steps (a rota's headcount) rather than a line.
        var steps = false
        /// Where each value sits on the x axis (point indices, fractions allowed); `nil` for 0, 1, 2...
        var positions: [Double]? = nil
        /// A thin, pale line without a band: the detail behind a bolder series.
        var faint = false
        /// Draw the 95% band.
        var band = true
    }

    var title: String
    /// The y axis's quantity and unit: `ASA (s)`.
    var yLabel: String
    /// Labels under chosen points: `(index, text)`; a line break puts a second line under the first.
    var xTicks: [(Int, String)]
    var series: [Series]
    var target: Double?
    /// The highest value the axis need show (100 for a percentage): bands above it are cut.
    var ceiling: Double?
    var width = 470.0
    var height = 230.0

    private let left = 56.0
    private let right = 12.0
    private let top = 26.0
    private let bottom = 46.0

    init(title: String, yLabel: String, xTicks: [(Int, String)], series: [Series], target: Double? = nil) {
        self.title = title
        self.yLabel = yLabel
        self.xTicks = xTicks
        self.series = series
        self.target = target
    }

    /// Points on the x axis: the longest series without positions.
    var count: Int { max(series.filter { $0.positions == nil }.map(\.values.count).max() ?? 0, 1) }

    var yMax: Double {
        let highest = series.flatMap { s in
            s.values.map { s.band && !s.faint && $0.halfWidth.isFinite ? $0.upper : $0.mean }
        }.filter(\.isFinite)
        let top = Self.niceCeiling(max(highest.max() ?? 0, target ?? 0, 1e-9) * 1.05)
        return ceiling.map { min($0, top) } ?? top
    }

    func x(_ i: Double) -> Double { left + (width - left - right) * (count == 1 ? 0.5 : i / Double(count - 1)) }
    func y(_ v: Double, _ top: Double) -> Double {
        let plot = height - self.top - bottom
        return self.top + plot * (1 - min(max(v, 0), top) / top)
    }

    func render() -> String {
        let high = yMax
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        svg += "role=\"img\" aria-label=\"\(escapeHTML(title))\" font-family=\"system-ui, sans-serif\">"
        svg += axes(high)
        for s in series { svg += draw(s, high) }
        if let target {
            let ty = f(y(target, high))
            svg += "<line x1=\"\(f(left))\" y1=\"\(ty)\" x2=\"\(f(width - right))\" y2=\"\(ty)\" stroke=\"#2ca02c\" "
            svg += "stroke-dasharray=\"5,4\"/><text x=\"\(f(width - right - 2))\" y=\"\(f(y(target, high) - 3))\" "
            svg += "font-size=\"10\" text-anchor=\"end\" fill=\"#2ca02c\">target \(String(format: "%g", target))</text>"
        }
        svg += legend()
        return "<figure><figcaption>\(escapeHTML(title))</figcaption>\(svg)</svg></figure>\n"
    }

    private func axes(_ high: Double) -> String {
        let base = f(y(0, high))
        var svg = "<line x1=\"\(f(left))\" y1=\"\(base)\" x2=\"\(f(width - right))\" y2=\"\(base)\" stroke=\"#888\"/>"
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(base)\" stroke=\"#888\"/>"
        for k in 0...4 {
            let v = high * Double(k) / 4
            let vy = f(y(v, high))
            svg += "<line x1=\"\(f(left))\" y1=\"\(vy)\" x2=\"\(f(width - right))\" y2=\"\(vy)\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(f(left - 4))\" y=\"\(f(y(v, high) + 3.5))\" font-size=\"10\" text-anchor=\"end\">"
            svg += "\(Self.number(v))</text>"
        }
        svg += "<text x=\"12\" y=\"\(f(top + (height - top - bottom) / 2))\" font-size=\"10\" text-anchor=\"middle\" "
        svg += "transform=\"rotate(-90 12 \(f(top + (height - top - bottom) / 2)))\">\(escapeHTML(yLabel))</text>"
        for (i, text) in xTicks {
            let tx = f(x(Double(i)))
            svg += "<line x1=\"\(tx)\" y1=\"\(base)\" x2=\"\(tx)\" y2=\"\(f(y(0, high) + 4))\" stroke=\"#888\"/>"
            // A second line (after a line break) sits under the first: `Jan` over `2020`.
            for (k, line) in text.split(separator: "\n").enumerated() {
                svg += "<text x=\"\(tx)\" y=\"\(f(height - bottom + 16 + 12 * Double(k)))\" font-size=\"10\" "
                svg += "text-anchor=\"middle\">\(escapeHTML(String(line)))</text>"
            }
        }
        return svg
    }

    /// The series as polylines (broken where a value is missing: not finite), over its 95% band.
    private func draw(_ s: Series, _ high: Double) -> String {
        var svg = ""
        let at = s.positions ?? s.values.indices.map(Double.init)
        for run in runs(s.values) {
            let banded = s.band && !s.faint && run.count > 1 && run.contains { s.values[$0].halfWidth > 0 }
            if banded {
                let upper = run.map { "\(f(x(at[$0]))),\(f(y(finite(s.values[$0].upper), high)))" }
                let lower = run.reversed().map { "\(f(x(at[$0]))),\(f(y(finite(s.values[$0].lower), high)))" }
                svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(s.colour)\" "
                svg += "fill-opacity=\"0.15\"/>"
            }
            var points: [String] = []
            for i in run {
                let py = f(y(s.values[i].mean, high))
                if s.steps {
                    points.append("\(f(x(max(0, at[i] - 0.5)))),\(py)")
                    points.append("\(f(x(min(at[i] + 0.5, Double(count - 1))))),\(py)")
                } else {
                    points.append("\(f(x(at[i]))),\(py)")
                }
            }
            let style = s.faint ? "stroke-width=\"0.8\" stroke-opacity=\"0.35\"" : "stroke-width=\"1.8\""
            svg +=
                "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(s.colour)\" \(style)/>"
        }
        return svg
    }

    /// Runs of consecutive indices whose means are finite.
    private func runs(_ values: [Estimate]) -> [[Int]] {
        var out: [[Int]] = []
        var current: [Int] = []
        for (i, e) in values.enumerated() {
            if e.mean.isFinite {
                current.append(i)
            } else if !current.isEmpty {
                out.append(current)
                current = []
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    private func legend() -> String {
        var svg = ""
        var offset = left
        for s in series {
            let opacity = s.faint ? " fill-opacity=\"0.35\"" : ""
            svg += "<rect x=\"\(f(offset))\" y=\"8\" width=\"14\" height=\"3\" fill=\"\(s.colour)\"\(opacity)/>"
            svg += "<text x=\"\(f(offset + 18))\" y=\"13\" font-size=\"10\">\(escapeHTML(s.name))</text>"
            offset += 26 + Double(s.name.count) * 5.6
        }
        return svg
    }

    private func finite(_ v: Double) -> Double { v.isFinite ? v : 0 }
    private func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `v`: round axis ends.
    static func niceCeiling(_ v: Double) -> Double {
        let power = pow(10, floor(log10(v)))
        for step in [1.0, 2, 2.5, 5, 10] where step * power >= v { return step * power }
        return 10 * power
    }

    /// An axis value: `12.5`, `250`, `20k`.
    static func number(_ v: Double) -> String {
        if v >= 10_000 {
            return String(format: v.truncatingRemainder(dividingBy: 1000) == 0 ? "%.0fk" : "%.1fk", v / 1000)
        }
        return v == v.rounded() ? String(format: "%.0f", v) : String(format: "%g", (v * 100).rounded() / 100)
    }
}

package func escapeHTML(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
