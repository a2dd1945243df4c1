import ACDCore
import Foundation
import IVRFlows
import Yams

/// A sweep file (docs/sweeps.md): a base scenario, what-ifs (a list, a grid, or both) and how many replications of
/// each. Every what-if is compared with the base on common random numbers.
package struct SweepSpec: Sendable {
    package struct WhatIf: Sendable, Codable, Equatable {
        package var name: String
        /// Another scenario file instead of the base's (absolute path), if any.
        package var scenario: String?
        /// `--set` changes, applied after the base's own.
        package var sets: [String]
    }

    package var file: String
    /// The base scenario (absolute path).
    package var scenario: String
    /// `--set` changes every run gets, the base included.
    package var baseSets: [String]
    package var seed: UInt64?
    package var replications: Int?
    package var metrics: [QueueMetric]
    /// The queues the table shows (all queues together by default; CSV, JSON and the database have every queue).
    package var queues: [String]
    /// The what-ifs, the base first.
    package var whatIfs: [WhatIf]

    package static let defaultMetrics: [QueueMetric] = [.offered, .answered, .asa, .serviceLevel, .abandonment]

    /// Reads a sweep file; every mistake is located (`file:line:column: field: message`).
    package static func load(path: String) throws(InputError) -> SweepSpec {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        let root = try YAMLValue.load(path: path)
        try root.expectKeys(
            ["scenario", "set", "seed", "replications", "metrics", "queues", "whatifs", "grid"], required: ["scenario"])
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ v: YAMLValue) throws(InputError) -> String {
            let text = try v.string()
            let full = text.hasPrefix("/") ? text : folder.appendingPathComponent(text).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: full) else { throw v.error("no scenario at \(full)") }
            return full
        }
        let scenario = try resolve(try root.required("scenario"))
        let metrics = try root["metrics"].map { v throws(InputError) in try readMetrics(v) } ?? defaultMetrics
        var whatIfs = [WhatIf(name: "base", scenario: nil, sets: [])]
        for item in try root["whatifs"]?.items() ?? [] {
            try item.expectKeys(["name", "set", "scenario"])
            let sets = try readSets(item["set"])
            let other = try item["scenario"].map { v throws(InputError) in try resolve(v) }
            guard !sets.isEmpty || other != nil else {
                throw item.error("a what-if needs 'set' changes or a 'scenario'")
            }
            let name = try item["name"]?.string() ?? sets.joined(separator: ", ")
            whatIfs.append(WhatIf(name: name, scenario: other, sets: sets))
        }
        if let grid = root["grid"] { whatIfs += try readGrid(grid) }
        guard whatIfs.count > 1 else { throw root.error("the sweep has no what-if: give 'whatifs' or 'grid'") }
        let replications = try root["replications"]?.int()
        if let r = replications, r < 2, let v = root["replications"] { throw v.error("at least 2 replications") }
        let seed = try root["seed"].map { v throws(InputError) in UInt64(try v.nonNegativeInt()) }
        return SweepSpec(
            file: path, scenario: scenario, baseSets: try readSets(root["set"]), seed: seed, replications: replications,
            metrics: metrics,
            queues: try root["queues"]?.items().map { v throws(InputError) in try v.string() }
                ?? [Summary.allQueues], whatIfs: whatIfs)
    }

    static func readSets(_ value: YAMLValue?) throws(InputError) -> [String] {
        guard let value else { return [] }
        let texts = value.isSequence ? try value.items() : [value]
        var sets: [String] = []
        for v in texts {
            let text = try v.string()
            do { _ = try ScenarioOverride(text) } catch { throw v.error(error.message) }
            sets.append(text)
        }
        return sets
    }

    static func readMetrics(_ value: YAMLValue) throws(InputError) -> [QueueMetric] {
        var metrics: [QueueMetric] = []
        for v in try value.items() {
            let name = try v.string()
            guard let metric = QueueMetric(rawValue: name) else {
                let names = QueueMetric.allCases.map(\.rawValue).joined(separator: ", ")
                throw v.error("unknown metric '\(name)'; the metrics: \(names)")
            }
            metrics.append(metric)
        }
        return metrics
    }

    /// `grid: [{ set: PATH, values: [...] }, ...]`: every combination of the values, the first axis slowest.
    static func readGrid(_ value: YAMLValue) throws(InputError) -> [WhatIf] {
        var combinations: [(name: [String], sets: [String])] = [([], [])]
        for axis in try value.items() {
            try axis.expectKeys(["name", "set", "values", "labels"], required: ["set", "values"])
            let path = try axis.required("set").string()
            // The label in what-if names: the axis's name, else the path's last two fields.
            let label = try axis["name"]?.string() ?? path.split(separator: ".").suffix(2).joined(separator: ".")
            let values = try axis.required("values").items()
            guard !values.isEmpty else { throw try axis.required("values").error("list at least one value") }
            var sets: [String] = []
            for v in values {
                // A scalar as written; a list or mapping (a shift to add) as flow-style YAML.
                let text: String
                if let scalar = v.node.scalar {
                    text = scalar.string
                } else {
                    do {
                        text = try Yams.serialize(node: v.node, sortKeys: false).replacingOccurrences(
                            of: "\n", with: " "
                        )
                        .trimmingCharacters(in: .whitespaces)
                    } catch { throw v.error("cannot write this value back as YAML: \(error)") }
                }
                do { _ = try ScenarioOverride("\(path)=\(text)") } catch { throw v.error(error.message) }
                sets.append(text)
            }
            // Labels name the values in what-if names (`+1`, `+2`); the values themselves by default.
            var labels = sets
            if let list = axis["labels"] {
                labels = try list.items().map { v throws(InputError) in try v.string() }
                guard labels.count == sets.count else {
                    throw list.error("\(labels.count) labels for \(sets.count) values: give one label per value")
                }
            }
            combinations = combinations.flatMap { prefix in
                zip(sets, labels).map { (prefix.name + ["\(label) \($1)"], prefix.sets + ["\(path)=\($0)"]) }
            }
        }
        return combinations.map { WhatIf(name: $0.name.joined(separator: ", "), scenario: nil, sets: $0.sets) }
    }
}
