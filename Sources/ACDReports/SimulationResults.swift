import ACDCore
import Foundation
import IVRFlows

/// The results of a scenario run as `acdd simulate --format json` writes them (docs/results.md): plain Codable values,
/// so any reader (`flows graph --results`, a test, a notebook) decodes the same types.
package struct SimulationResults: Codable, Sendable {
    package var scenario: String
    package var file: String
    package var seed: UInt64
    package var replications: Int
    package var definitions: Definitions
    package var timing: Timing?
    package var queues: [QueueResult]
    package var groups: [GroupResult]
    /// The centre's totals, every call counted once, beside the published ones (docs/metrics.md, "Centre totals").
    package var centre: [CentreFigure]?
    package var entries: [EntryResult]?
    package var nodes: [NodeResult]?
    package var queueArrivalsByIntent: [QueueIntents]?

    package struct Definitions: Codable, Sendable {
        package var serviceLevel: String
        package var abandonment: String
        package var shortAbandonS: Double
    }

    package struct Timing: Codable, Sendable {
        package var elapsedS: Double
        package var calls: Int
        package var callsPerSecond: Double
    }

    /// An estimate over replications: its mean and the half-width of its 95% interval (absent when not finite), with
    /// the target and verdict where the metric has one.
    package struct Figure: Codable, Sendable, Equatable {
        package var mean: Double?
        package var halfWidth: Double?
        package var target: Double?
        package var verdict: String?

        package init(_ e: Estimate, target: Double? = nil, verdict: Verdict? = nil) {
            mean = e.mean.isFinite ? e.mean : nil
            halfWidth = e.halfWidth.isFinite ? e.halfWidth : nil
            self.target = target
            self.verdict = verdict?.label
        }
    }

    package struct QueueResult: Codable, Sendable {
        package var name: String
        /// By metric name (docs/metrics.md).
        package var metrics: [String: Figure]
        package var published: Published?
        package var serviceLevelWithinS: Double?
        package var intervals: [IntervalResult]?
    }

    package struct Published: Codable, Sendable {
        package var label: String
        package var asaS: Double?
        package var abandonment: Double?
    }

    package struct IntervalResult: Codable, Sendable {
        package var interval: Int
        package var label: String
        package var metrics: [String: Figure]
    }

    package struct GroupResult: Codable, Sendable {
        package var name: String
        package var scheduledHours: Double
        package var occupancy: Figure
        package var overtimeHours: Figure
        package var answered: Figure
        package var intervals: [GroupInterval]?
    }

    package struct GroupInterval: Codable, Sendable {
        package var interval: Int
        package var occupancy: Figure
    }

    package struct CentreFigure: Codable, Sendable {
        package var figure: String
        package var unit: String
        package var simulated: Figure
        package var published: Double?
    }

    package struct EntryResult: Codable, Sendable {
        package var name: String
        package var flow: String
        package var callers: Figure
        package var outcomeShares: [String: Figure]
        package var containment: Figure
        package var deflection: Figure
        package var trueContainment: Figure
        package var trueDeflection: Figure
        package var repeatShare: Figure
        package var misrouteRate: Figure
        package var abandonedInIvr: Figure
        package var meanTimeS: Figure
        package var p90TimeS: Figure
    }

    package struct NodeResult: Codable, Sendable {
        package var flow: String
        package var node: String
        package var visits: Figure
        package var hangUpShare: Figure
        package var meanTimeS: Figure
        package var p90TimeS: Figure
        package var exits: [Exit]
    }

    package struct Exit: Codable, Sendable {
        package var to: String
        package var count: Figure
    }

    package struct QueueIntents: Codable, Sendable {
        package var queue: String
        package var intents: [String: Figure]
    }

    /// The encoder and decoder of the format: snake_case keys, sorted.
    package static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    package static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

extension SimulationReport {
    /// The results without per-interval figures (``intervalsOf(queue:)`` and ``intervalsOf(group:)`` give those).
    package func results() -> SimulationResults {
        let definitions = summary.model.definitions
        var out = SimulationResults(
            scenario: scenario.name, file: scenario.file, seed: seed, replications: summary.replications,
            definitions: .init(
                serviceLevel: definitions.serviceLevel.rawValue, abandonment: definitions.abandonment.rawValue,
                shortAbandonS: definitions.shortAbandonThreshold),
            queues: (summary.queues + [summary.total]).enumerated().map { q, queue in queueResult(q, queue) },
            groups: summary.groups.map { group in
                .init(
                    name: group.name, scheduledHours: group.scheduledHours, occupancy: .init(group.occupancy),
                    overtimeHours: .init(group.overtimeHours), answered: .init(group.answered))
            })
        if let elapsed {
            let calls = summary.results.reduce(0) { $0 + $1.calls }
            out.timing = .init(elapsedS: elapsed, calls: calls, callsPerSecond: Double(calls) / elapsed)
        }
        guard !summary.model.entries.isEmpty || scenario.published != nil else { return out }
        out.centre = CalibrationReport.centreRows(summary: summary, published: scenario.published).map { row in
            .init(
                figure: row.figure.trimmingCharacters(in: .whitespaces), unit: row.unit.rawValue,
                simulated: .init(row.simulated), published: row.published)
        }
        guard !summary.model.entries.isEmpty else { return out }
        out.entries = summary.entries.map(entryResult)
        out.nodes = summary.nodes.map { n in
            .init(
                flow: n.flow, node: n.name, visits: .init(n.visits), hangUpShare: .init(n.hangUpShare),
                meanTimeS: .init(n.meanTime), p90TimeS: .init(n.p90Time),
                exits: n.exits.map { .init(to: $0.to, count: .init($0.count)) })
        }
        let (names, arrivals) = arrivalsByIntent()
        out.queueArrivalsByIntent = arrivals.enumerated().map { q, row in
            .init(
                queue: summary.model.queues[q].name,
                intents: Dictionary(uniqueKeysWithValues: row.enumerated().map { (names[$0], .init($1)) }))
        }
        return out
    }

    private func queueResult(_ q: Int, _ queue: QueueSummary) -> SimulationResults.QueueResult {
        var result = SimulationResults.QueueResult(
            name: queue.name, metrics: figures(queue.estimates, queue.targets),
            serviceLevelWithinS: queue.targets.serviceLevel?.threshold)
        if q < summary.model.queues.count, let p = summary.model.queues[q].published {
            result.published = .init(label: p.label, asaS: p.asa, abandonment: p.abandonment)
        }
        return result
    }

    private func entryResult(_ e: EntrySummary) -> SimulationResults.EntryResult {
        .init(
            name: e.name, flow: e.flow, callers: .init(e.callers),
            outcomeShares: Dictionary(
                uniqueKeysWithValues: FlowOutcome.allCases.map { ($0.description, .init(e.share($0))) }),
            containment: .init(e.containment), deflection: .init(e.deflection),
            trueContainment: .init(e.trueContainment), trueDeflection: .init(e.trueDeflection),
            repeatShare: .init(e.repeatShare), misrouteRate: .init(e.misrouteRate),
            abandonedInIvr: .init(e.abandonedInFlow), meanTimeS: .init(e.meanTime), p90TimeS: .init(e.p90Time))
    }

    /// Each metric's figure by name, with its target and verdict where it has one; per interval, only the metrics
    /// kept per interval.
    func figures(
        _ estimates: [Estimate], _ targets: Targets, perInterval: Bool = false
    ) -> [String: SimulationResults.Figure] {
        var out: [String: SimulationResults.Figure] = [:]
        for (metric, e) in zip(QueueMetric.allCases, estimates) where !perInterval || metric.isPerInterval {
            out[metric.rawValue] = .init(e, target: targets.value(of: metric), verdict: targets.verdict(metric, e))
        }
        return out
    }

    /// Queue `q`'s figures in each interval of the period.
    package func intervalsOf(queue q: Int) -> [SimulationResults.IntervalResult] {
        let targets = summary.queues[q].targets
        return summary.intervalMetrics(queue: q).enumerated().map { i, estimates in
            .init(
                interval: i, label: scenario.intervalLabel(i), metrics: figures(estimates, targets, perInterval: true))
        }
    }

    /// Queue `q`'s figures in each interval as the stream writes them: ``intervalsOf(queue:)`` without a dictionary
    /// per row.
    func intervalLines(queue q: Int) -> [IntervalLine] {
        let targets = summary.queues[q].targets
        let order = QueueMetric.allCases.enumerated().filter { $0.element.isPerInterval }
            .sorted { $0.element.rawValue < $1.element.rawValue }
        return summary.intervalMetrics(queue: q).enumerated().map { i, estimates in
            IntervalLine(
                interval: i, label: scenario.intervalLabel(i),
                figures: order.map { k, metric in
                    (
                        metric.rawValue,
                        .init(
                            estimates[k], target: targets.value(of: metric),
                            verdict: targets.verdict(metric, estimates[k]))
                    )
                })
        }
    }

    /// Group `g`'s occupancy in each interval of the period.
    package func intervalsOf(group g: Int) -> [SimulationResults.GroupInterval] {
        summary.intervalOccupancy(group: g).enumerated().map { .init(interval: $0, occupancy: .init($1)) }
    }

    /// Writes the JSON document to `out` as it is built: the whole-run figures first, then each queue's and group's
    /// intervals one line each, so a year's intervals never sit in memory as one tree.
    package func writeJSON(intervals: Bool, to out: (Data) -> Void) throws {
        let encoder = SimulationResults.encoder
        let results = results()
        guard intervals else {
            encoder.outputFormatting.insert(.prettyPrinted)
            out(try encoder.encode(results) + Data("\n".utf8))
            return
        }
        // The document with empty queues and groups, cut open at their brackets so they can follow with their
        // intervals: keys are sorted, so other keys may lie between and after them.
        var head = results
        head.queues = []
        head.groups = []
        let text = String(decoding: try encoder.encode(head), as: UTF8.self)
        let groups = text.range(of: "\"groups\":[]")!
        let queues = text.range(of: "\"queues\":[]")!
        let groupsOpen = text.index(before: groups.upperBound)
        let queuesOpen = text.index(before: queues.upperBound)
        out(Data(text[..<groupsOpen].utf8) + Data("\n".utf8))
        try writeArray(results.groups, encoder: encoder, to: out) { g in intervalsOf(group: g) }
        out(Data(text[groupsOpen..<queuesOpen].utf8) + Data("\n".utf8))
        try writeArray(results.queues, encoder: encoder, to: out) { q in
            q < summary.queues.count ? intervalLines(queue: q) : nil
        }
        out(Data(text[queuesOpen...].utf8) + Data("\n".utf8))
    }

    /// Each element, then its intervals one per line inside it.
    private func writeArray<Element: Encodable, Interval: JSONLine>(
        _ elements: [Element], encoder: JSONEncoder, to out: (Data) -> Void, intervals: (Int) -> [Interval]?
    ) throws {
        for (k, element) in elements.enumerated() {
            var data = try encoder.encode(element)
            if let rows = intervals(k) {
                data.removeLast()  // "}"
                data += Data(",\"intervals\":[\n".utf8)
                out(data)
                var text = ""
                for (i, row) in rows.enumerated() {
                    row.appendJSON(to: &text)
                    text += i + 1 < rows.count ? ",\n" : "\n"
                    if text.utf8.count >= 1 << 16 {
                        out(Data(text.utf8))
                        text = ""
                    }
                }
                out(Data(text.utf8))
                data = Data("]}".utf8)
            }
            out(data + Data((k + 1 < elements.count ? ",\n" : "\n").utf8))
        }
    }
}

/// A value written as one line of JSON by hand: the per-interval rows of a year are too many for `JSONEncoder`
/// (140,000 of them for Leeds). The text is what ``SimulationResults/encoder`` would write, keys sorted; a test
/// decodes both and compares.
package protocol JSONLine: Encodable {
    func appendJSON(to text: inout String)
}

extension SimulationResults.Figure {
    func appendJSON(to text: inout String) {
        var first = true
        func field(_ key: String, _ value: String) {
            text += first ? "{\"" : ",\""
            text += key
            text += "\":"
            text += value
            first = false
        }
        if let halfWidth { field("half_width", String(halfWidth)) }
        if let mean { field("mean", String(mean)) }
        if let target { field("target", String(target)) }
        if let verdict { field("verdict", "\"\(verdict)\"") }
        text += first ? "{}" : "}"
    }
}

/// A queue's interval as the stream writes it: an ``SimulationResults/IntervalResult`` with its figures in key order.
struct IntervalLine: JSONLine {
    var interval: Int
    var label: String
    var figures: [(key: String, figure: SimulationResults.Figure)]

    func encode(to encoder: any Encoder) throws {
        let metrics = Dictionary(uniqueKeysWithValues: figures.map { ($0.key, $0.figure) })
        try SimulationResults.IntervalResult(interval: interval, label: label, metrics: metrics).encode(to: encoder)
    }

    func appendJSON(to text: inout String) {
        text += "{\"interval\":\(interval),\"label\":"
        text += jsonString(label)
        text += ",\"metrics\":{"
        for (k, field) in figures.enumerated() {
            text += k == 0 ? "\"" : ",\""
            text += field.key
            text += "\":"
            field.figure.appendJSON(to: &text)
        }
        text += "}}"
    }
}

extension SimulationResults.GroupInterval: JSONLine {
    package func appendJSON(to text: inout String) {
        text += "{\"interval\":\(interval),\"occupancy\":"
        occupancy.appendJSON(to: &text)
        text += "}"
    }
}

/// A JSON string literal.
func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
