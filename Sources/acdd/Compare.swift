import ACDCore
import ACDReports
import ArgumentParser
import Foundation
import IVRFlows

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two scenarios with common random numbers: is a change real or noise?",
        discussion: """
            Runs A and B with the same seed and replications, so both see the same callers wherever they agree, and \
            reports per queue B − A with a 95% confidence interval from the paired differences. A difference whose \
            interval excludes zero is real; otherwise it is within the noise.

            B is a second scenario file, or A changed with --set (the changes apply to B only):
              acdd compare flows/leeds --set 'groups[0].agents.shifts[+]={ days: mon-fri, from: "08:00", to: "10:00", agents: 10 }'
              acdd compare before.yaml after.yaml --replications 40 --format csv
            """)

    @Argument(help: "Scenario A (a file, or a folder with scenario.yaml).")
    var a: String

    @Argument(help: "Scenario B; omit it to compare A with A changed by --set.")
    var b: String?

    @Option(
        name: .customLong("set"), parsing: .singleValue,
        help: ArgumentHelp("A change to B (repeatable), as for simulate --set.", valueName: "path=value"))
    var overrides: [String] = []

    @Option(name: .shortAndLong, help: "Replications of each (default: A's scenario, else 10).")
    var replications: Int?

    @Option(name: .shortAndLong, help: "Seed shared by both (default: A's scenario).")
    var seed: UInt64?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(name: .shortAndLong, help: "Output: table, json or csv.")
    var format: OutputFormat = .table

    func validate() throws {
        if b == nil && overrides.isEmpty { throw ValidationError("give scenario B, or changes to A with --set") }
        if let replications, replications < 2 { throw ValidationError("--replications must be at least 2") }
    }

    func run() throws {
        let scenarioA = try loadScenario(a, overrides: [])
        let scenarioB = try loadScenario(b ?? a, overrides: overrides)
        (scenarioA.warnings + scenarioB.warnings).forEach(warn)
        let seed = self.seed ?? scenarioA.seed
        let count = replications ?? max(scenarioA.replications, 2)
        let summaryA = ReplicationRunner(model: scenarioA.model, seed: seed, threads: threads).summarize(replications: count)
        let summaryB = ReplicationRunner(model: scenarioB.model, seed: seed, threads: threads).summarize(replications: count)
        let metrics: [QueueMetric] = [.offered, .answered, .asa, .serviceLevel, .abandonment, .meanWait, .p90]
        let comparison = Comparison(a: summaryA, b: summaryB, metrics: metrics)
        let labelB = b ?? "A with \(overrides.joined(separator: ", "))"
        switch format {
        case .table:
            print("A: \(scenarioA.name)\nB: \(labelB)\n\(count) replications each, seed \(seed), common random numbers\n")
            var table = TextTable(header: ["Queue", "Metric", "A", "B", "B − A (95% CI)", "Real?"])
            for row in comparison.rows {
                let share = row.metric.isShare
                let scale = share ? 100.0 : 1
                let digits = share ? "%.2f" : (row.metric == .offered || row.metric == .answered ? "%.0f" : "%.1f")
                func f(_ x: Double) -> String { String(format: digits, x * scale) }
                let unit = share ? " pts" : ""
                table.add([
                    row.queue, row.metric.rawValue, f(row.a.mean), f(row.b.mean),
                    "\(row.difference.mean >= 0 ? "+" : "")\(f(row.difference.mean)) ±\(f(row.difference.halfWidth))\(unit)",
                    row.isReal ? "yes" : "no (noise)",
                ])
            }
            print(table.render(), terminator: "")
        case .csv:
            print("queue,metric,a_mean,b_mean,difference,half_width,real")
            for row in comparison.rows {
                print(
                    "\(csvField(row.queue)),\(row.metric.rawValue),\(row.a.mean),\(row.b.mean),\(row.difference.mean),"
                        + "\(row.difference.halfWidth),\(row.isReal)")
            }
        case .json:
            let rows = comparison.rows.map { row -> [String: Any] in
                [
                    "queue": row.queue, "metric": row.metric.rawValue, "a": row.a.mean, "b": row.b.mean,
                    "difference": row.difference.mean, "half_width": row.difference.halfWidth, "real": row.isReal,
                ]
            }
            let object: [String: Any] = [
                "a": scenarioA.name, "b": labelB, "replications": count, "seed": seed, "rows": rows,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
