import ACDCore
import Foundation
import IVRFlows

/// A sweep laid out as tasks: task `t` is replication `t % replications` of what-if `t / replications` (the base is
/// what-if 0). A shard is a contiguous run of tasks, so it loads few scenarios; every task's seed and replication
/// number are fixed, so a task gives the same figures whichever shard runs it.
package struct SweepPlan: Sendable {
    package var spec: SweepSpec
    package var seed: UInt64
    package var replications: Int
    /// The base scenario's queue names, then all queues together: the rows every task reports.
    package var queues: [String]
    /// Identifies the plan (spec, seed, replications) so shards of different sweeps are never merged.
    package var fingerprint: String
    /// The base scenario's model, for estimating the sweep's size before it runs.
    package var baseModel: CentreModel

    package var taskCount: Int { spec.whatIfs.count * replications }

    /// The plan of `spec`, with the base scenario's seed and replications unless given.
    package init(spec: SweepSpec, seed: UInt64? = nil, replications: Int? = nil) throws(InputError) {
        let base = try Scenario.load(path: spec.scenario, overrides: try Self.overrides(spec.baseSets))
        self.spec = spec
        self.seed = seed ?? spec.seed ?? base.seed
        self.replications = replications ?? spec.replications ?? max(2, base.replications)
        queues = base.model.queues.map(\.name) + [Summary.allQueues]
        baseModel = base.model
        var text = "\(spec.scenario)\n\(spec.baseSets)\n\(self.seed)\n\(self.replications)\n\(spec.metrics)\n"
        for w in spec.whatIfs { text += "\(w.name)|\(w.scenario ?? "")|\(w.sets)\n" }
        fingerprint = Self.hash(text)
    }

    static func overrides(_ texts: [String]) throws(InputError) -> [ScenarioOverride] {
        var out: [ScenarioOverride] = []
        for text in texts { out.append(try ScenarioOverride(text)) }
        return out
    }

    /// FNV-1a, 64 bits, as hex: the same on every machine (Swift's `Hasher` is seeded per process).
    static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return String(h, radix: 16)
    }

    /// The tasks of shard `shard` (from 0) of `shards`: contiguous, sizes differing by at most one.
    package func tasks(shard: Int, of shards: Int) -> Range<Int> {
        let n = taskCount
        return (shard * n / shards)..<((shard + 1) * n / shards)
    }

    /// The scenario of what-if `w`, with the base's changes and its own.
    func scenario(_ w: Int) throws(InputError) -> Scenario {
        let whatIf = spec.whatIfs[w]
        return try Scenario.load(
            path: whatIf.scenario ?? spec.scenario, overrides: try Self.overrides(spec.baseSets + whatIf.sets))
    }

    /// Runs shard `shard` of `shards`: each what-if it touches is loaded once and its replications run on all
    /// cores. `progress` gets the number of tasks done; `meter` follows the simulated time. A what-if that cannot be
    /// read stops the shard with an error naming it.
    package func run(
        shard: Int, of shards: Int, threads: Int? = nil, meter: RunMeter? = nil,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws(SweepError) -> ShardResult {
        let range = tasks(shard: shard, of: shards)
        var values: [[[Double?]]] = []
        var w = range.lowerBound / max(1, replications)
        while w * replications < range.upperBound {
            let first = max(range.lowerBound, w * replications) - w * replications
            let last = min(range.upperBound, (w + 1) * replications) - w * replications
            let scenario: Scenario
            do { scenario = try self.scenario(w) } catch {
                throw SweepError.whatIf(index: w, name: spec.whatIfs[w].name, error: error)
            }
            let done = values.count
            let results = ReplicationRunner(model: scenario.model, seed: seed, threads: threads)
                .run(replications: first..<last, meter: meter) { progress?(done + $0) }
            values += results.map { figures($0, model: scenario.model) }
            w += 1
        }
        return ShardResult(
            fingerprint: fingerprint, spec: spec.file, seed: seed, replications: replications, shard: shard,
            shards: shards, firstTask: range.lowerBound, queues: queues,
            metrics: spec.metrics, values: values)
    }

    /// One replication's figures: for each of the plan's queues (matched by name; `nil` where the what-if has no
    /// such queue), each metric.
    func figures(_ result: ReplicationResult, model: CentreModel) -> [[Double?]] {
        queues.map { name in
            let metrics: QueueMetrics?
            if name == Summary.allQueues {
                metrics = result.totalMetrics(model: model)
            } else {
                metrics = model.queues.firstIndex { $0.name == name }.map { result.queueMetrics($0, model: model) }
            }
            return spec.metrics.map { metric in metrics.map { $0[metric] } }
        }
    }
}

/// Why a sweep could not finish.
package enum SweepError: Error, CustomStringConvertible {
    case whatIf(index: Int, name: String, error: InputError)
    case shards(String)

    package var description: String {
        switch self {
        case .whatIf(let index, let name, let error): "what-if \(index) (\(name)): \(error)"
        case .shards(let message): message
        }
    }
}
