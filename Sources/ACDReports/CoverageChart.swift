import ACDCore
import IVRFlows

/// A week of a rota: the agents needed against those scheduled on the phones, per interval (the shift planner's
/// coverage chart).
package enum CoverageChart {
    /// An SVG chart of `needed` and `scheduled` over the intervals of a week, Monday 00:00 first.
    package static func svg(title: String, needed: [Int], scheduled: [Int], perDay: Int) -> String {
        let ticks = (0..<7).map { ($0 * perDay, Weekday.label($0)) }
        var chart = SVGChart(
            title: title, yLabel: "agents", xTicks: ticks,
            series: [
                .init(
                    name: "needed", colour: "#d62728", values: needed.map { Estimate([Double($0)]) }, steps: true,
                    band: false),
                .init(
                    name: "scheduled", colour: "#1f77b4", values: scheduled.map { Estimate([Double($0)]) },
                    steps: true, band: false),
            ])
        chart.width = 720
        return chart.render()
    }
}
