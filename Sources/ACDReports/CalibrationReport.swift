import ACDCore
import Foundation
import IVRFlows

/// Published figures beside the simulated ones, each with its 95% interval and the definition used to compute it
/// (`acdd calibrate`). Rows come from the scenario's top-level `published:` and each queue's `published:`.
package struct CalibrationReport: Sendable {
    package enum Unit: String, Sendable { case calls, share, seconds, fte }

    package struct Row: Sendable {
        package var figure: String
        package var published: Double?
        package var simulated: Estimate
        package var unit: Unit
        package var definition: String
        /// How far the published figure may be from the true value by its rounding: half a unit of its last digit
        /// for a figure the report printed (7% is 6.5% to 7.5%), 0 for one computed here from published counts.
        package var rounding = 0.0
        /// The figure in each replication, where it comes from replications (for a fit's uncertainty).
        package var perReplication: [Double] = []

        /// Simulated minus published, as a fraction of published (counts, FTE) or in the figure's own unit
        /// (seconds; percentage points for shares).
        package var difference: Double? {
            guard let published else { return nil }
            switch unit {
            case .calls, .fte: return published == 0 ? nil : (simulated.mean - published) / published
            case .share, .seconds: return simulated.mean - published
            }
        }

        /// Whether the published figure lies inside the simulated 95% interval (widened by its rounding).
        package var withinInterval: Bool? {
            guard let published else { return nil }
            return abs(simulated.mean - published) <= simulated.halfWidth + rounding
        }

        /// Half a unit of the last digit `value` is given to, as it was written: 0.07 (7%) ±0.005, 0.073 ±0.0005,
        /// 481 s ±0.5, 12.5 s ±0.05. Counts are exact.
        package static func printedRounding(_ value: Double, _ unit: Unit) -> Double {
            guard unit == .share || unit == .seconds else { return 0 }
            // Shares are written in percent: the step is in percent too.
            let written = unit == .share ? value * 100 : value
            var step = 1.0
            while step > 1e-6 && abs(written / step - (written / step).rounded()) > 1e-6 { step /= 10 }
            return (unit == .share ? step / 100 : step) / 2
        }
    }

    /// A row of a figure the report printed (its rounding allowed for).
    static func printed(
        _ figure: String, _ published: Double?, _ simulated: Estimate, _ unit: Unit, _ definition: String
    ) -> Row {
        Row(
            figure: figure, published: published, simulated: simulated, unit: unit, definition: definition,
            rounding: published.map { Row.printedRounding($0, unit) } ?? 0)
    }

    package var scenario: String
    /// The published figures' label (`2019-20`), if they have one.
    package var label: String?
    package var replications: Int
    package var seed: UInt64
    package var rows: [Row]

    /// - Parameters:
    ///   - shrinkage: share of paid time off the phones, for the rota's FTE.
    ///   - weeklyHours: paid hours per FTE per week.
    package init(scenario: Scenario, summary: Summary, seed: UInt64, shrinkage: Double, weeklyHours: Double) {
        let model = scenario.model
        let published = scenario.published
        self.scenario = scenario.name
        label = published?.label ?? model.queues.compactMap(\.published?.label).first
        replications = summary.replications
        self.seed = seed
        var rows = Self.centreRows(summary: summary, published: published)
        for (q, queue) in summary.queues.enumerated() {
            let figures = model.queues[q].published
            let metrics = summary.results.map { $0.queueMetrics(q, model: model) }
            var asa = Self.printed(
                "\(queue.name): ASA", figures?.asa, queue.asa, .seconds, "mean wait of calls answered at this queue")
            asa.perReplication = metrics.map { $0[.asa] }
            var abandoned = Self.printed(
                "\(queue.name): abandoned", figures?.abandonment, queue.abandonment, .share,
                "abandoned / calls offered to this queue")
            abandoned.perReplication = metrics.map { $0[.abandonment] }
            rows += [asa, abandoned]
        }
        let rule = FullTimeEquivalent(weeklyHours: weeklyHours, shrinkage: shrinkage)
        let fte = rule.ofRota(model)
        rows.append(
            Row(
                figure: "Staff FTE", published: published?.staffFTE,
                simulated: Estimate(mean: fte, halfWidth: 0, replications: summary.replications), unit: .fte,
                definition: "the rota's \(rule.basis(periodSeconds: model.horizon)): call handling only; "
                    + "the published FTE also covers email and admin"))
        self.rows = rows
    }

    /// The centre's figures, every call counted once, beside the published ones: gross calls, answered by the IVR
    /// and by staff, abandoned, and the all-queues abandonment and ASA.
    package static func centreRows(summary: Summary, published: PublishedTotals?) -> [Row] {
        let model = summary.model
        let totals = summary.results.map { CentreTotals(result: $0, model: model) }
        func row(
            _ figure: String, _ published: Double?, _ unit: Unit, _ definition: String,
            printed: Bool = false, _ f: (CentreTotals) -> Double
        ) -> Row {
            var row = Row(
                figure: figure, published: published, simulated: Estimate(totals.map(f)), unit: unit,
                definition: definition, rounding: printed ? published.map { Row.printedRounding($0, unit) } ?? 0 : 0)
            row.perReplication = totals.map(f)
            return row
        }
        func ratio(_ a: Double?, _ b: Double?) -> Double? {
            guard let a, let b, b > 0 else { return nil }
            return a / b
        }
        let reachingStaff = (published?.answeredByStaff).flatMap { s in published?.abandoned.map { s + $0 } }
        var rows = [
            row(
                "Gross calls received", published?.grossCalls, .calls,
                "every call dialled into a line (each repeat call counts); transfers are not new calls", \.grossCalls),
            row(
                "Answered by IVR/EVR", published?.answeredByIVR, .calls,
                "self-served, satisfied by a signpost, or told the line is closed "
                    + "(out of hours, bank holidays, closed lines)", \.answeredByIVR),
            row(
                "Answered by staff", published?.answeredByStaff, .calls,
                "answered by an agent; a misrouted call counts once, where it is finally answered", \.answeredByStaff),
            row(
                "Abandoned", published?.abandoned, .calls,
                "hung up in the IVR/EVR or while queuing (short abandons included)", \.abandoned),
            row("  of which in the IVR/EVR", nil, .calls, "hung up before reaching a queue", \.abandonedInIVR),
            row("  of which in a queue", nil, .calls, "hung up while waiting for an agent", \.abandonedInQueue),
            row(
                "Abandoned / gross calls", ratio(published?.abandoned, published?.grossCalls), .share,
                "from the published counts; not the report's 7%"
            ) { $0.abandoned / max(1, $0.grossCalls) },
            row(
                "Abandoned / calls reaching staff", ratio(published?.abandoned, reachingStaff), .share,
                "from the published counts; not the report's 7% either"
            ) { $0.abandoned / max(1, $0.answeredByStaff + $0.abandoned) },
            row(
                "All queues: abandoned", published?.abandonment, .share,
                "abandoned in a queue / calls offered to the queues "
                    + "(the reading that makes the report's 7% agree with its counts)", printed: true
            ) { $0.abandonedInQueue / max(1, $0.offeredToQueues) },
        ]
        var asa = Self.printed(
            "All queues: ASA", published?.asa, summary.total.asa, .seconds, "mean wait of answered calls, all queues")
        asa.perReplication = summary.results.map { $0.totalMetrics(model: model)[.asa] }
        rows.append(asa)
        return rows
    }

    static func format(_ value: Double, _ unit: Unit) -> String {
        switch unit {
        case .calls: return value.formatted(.number.precision(.fractionLength(0)).grouping(.automatic))
        case .share: return String(format: "%.1f%%", value * 100)
        case .seconds: return String(format: "%.0f s", value)
        case .fte: return String(format: "%.1f", value)
        }
    }

    static func formatHalfWidth(_ value: Double, _ unit: Unit) -> String {
        switch unit {
        case .calls: return "±" + value.formatted(.number.precision(.fractionLength(0)).grouping(.automatic))
        case .share: return String(format: "±%.2f", value * 100)
        case .seconds: return String(format: "±%.1f", value)
        case .fte: return value == 0 ? "(rota)" : String(format: "±%.1f", value)
        }
    }

    static func formatDifference(_ row: Row) -> String {
        guard let d = row.difference else { return "" }
        switch row.unit {
        case .calls, .fte: return String(format: "%+.1f%%", d * 100)
        case .share: return String(format: "%+.1f pts", d * 100)
        case .seconds: return String(format: "%+.0f s", d)
        }
    }

    /// A Markdown table, to paste into a README.
    package func markdown() -> String {
        var out =
            "| figure | \(["published", label].compactMap { $0 }.joined(separator: " ")) "
            + "| simulated | 95% CI | difference | in CI | definition used |\n"
        out += "|---|---:|---:|---:|---:|:---:|---|\n"
        for row in rows {
            let published = row.published.map { Self.format($0, row.unit) } ?? ""
            let inside = row.withinInterval.map { $0 ? "yes" : "no" } ?? ""
            out +=
                "| \(row.figure.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "|", with: "/")) "
                + "| \(published) | \(Self.format(row.simulated.mean, row.unit)) "
                + "| \(Self.formatHalfWidth(row.simulated.halfWidth, row.unit)) | \(Self.formatDifference(row)) "
                + "| \(inside) | \(row.definition) |\n"
        }
        return out
    }

    /// A terminal table (without the definitions, which `--format markdown` adds).
    package func table() -> String {
        var table = TextTable(header: [
            "Figure", ["Published", label].compactMap { $0 }.joined(separator: " "), "Simulated", "95% CI",
            "Difference", "In CI",
        ])
        for row in rows {
            table.add([
                row.figure, row.published.map { Self.format($0, row.unit) } ?? "",
                Self.format(row.simulated.mean, row.unit),
                Self.formatHalfWidth(row.simulated.halfWidth, row.unit), Self.formatDifference(row),
                row.withinInterval.map { $0 ? "yes" : "no" } ?? "",
            ])
        }
        return table.render()
    }

    package func csv() -> String {
        var out = "figure,unit,published,simulated,half_width,definition\n"
        for row in rows {
            let published = row.published.map { String($0) } ?? ""
            out +=
                "\(csvField(row.figure.trimmingCharacters(in: .whitespaces))),\(row.unit.rawValue),\(published),"
                + "\(row.simulated.mean),\(row.simulated.halfWidth),\(csvField(row.definition))\n"
        }
        return out
    }

    /// The JSON `calibrate --format json` writes: the run, and each row with its figure, unit, published and simulated
    /// values, half-width and definition.
    package func json() throws -> String {
        struct RowJSON: Encodable {
            var figure: String
            var unit: String
            var published: Double?
            var simulated: Double
            var halfWidth: Double
            var definition: String
        }
        struct Document: Encodable {
            var scenario: String
            var label: String?
            var replications: Int
            var seed: UInt64
            var rows: [RowJSON]
        }
        let document = Document(
            scenario: scenario, label: label, replications: replications, seed: seed,
            rows: rows.map { row in
                RowJSON(
                    figure: row.figure.trimmingCharacters(in: .whitespaces), unit: row.unit.rawValue,
                    published: row.published, simulated: row.simulated.mean, halfWidth: row.simulated.halfWidth,
                    definition: row.definition)
            })
        let encoder = SimulationResults.encoder
        encoder.outputFormatting.insert(.prettyPrinted)
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
