import ACDCore
import Foundation
import IVRFlows
import Sweeps
import Testing

/// `acdd sweep`: shards merged give the unsharded result bit for bit; a missing shard is named and can be rerun
/// alone; a broken what-if fails only its shard, by name.
@Suite("Sweeps")
struct SweepTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples").path

    /// A sweep file over examples/two-skills.yaml in a temporary folder; `extra` adds what-ifs.
    static func spec(extra: String = "") throws -> SweepSpec {
        let text = """
            scenario: \(examples)/two-skills.yaml
            replications: 7
            metrics: [asa, abandonment]
            whatifs:
              - { name: more staff, set: ['groups[council-tax-team].agents.shifts[0].agents=26'] }
            \(extra)
            grid:
              - { name: patience, set: "queues[council-tax].patience.exponential", values: [120s, 300s] }
            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID()).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try SweepSpec.load(path: path)
    }

    static func rerun(_ s: Int, _ n: Int) -> String { "rerun \(s) of \(n)" }

    @Test("shards merged give the unsharded result, bit for bit, whatever the shard count")
    func shardsMergeToTheUnshardedResult() throws {
        let plan = try SweepPlan(spec: try Self.spec())
        #expect(plan.taskCount == 4 * 7)
        let whole = try SweepResult.merge([try plan.run(shard: 0, of: 1, threads: 2)], plan: plan, rerun: Self.rerun)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for shards in [2, 3, 5, 28] {
            // Shards run in reverse order, each with one thread: neither order nor threads may matter.
            let parts = try (0..<shards).reversed().map { try plan.run(shard: $0, of: shards, threads: 1) }
            let merged = try SweepResult.merge(parts, plan: plan, rerun: Self.rerun)
            #expect(merged == whole)
            #expect(try encoder.encode(merged) == encoder.encode(whole))
        }
        // Shards are contiguous and cover every task once.
        let covered = (0..<5).flatMap { Array(plan.tasks(shard: $0, of: 5)) }
        #expect(covered == Array(0..<28))
        // And the rows say something: more staff lowers council tax's ASA for real.
        let asa = try #require(whole.rows.first { $0.whatIf == 1 && $0.queue == "council-tax" && $0.metric == .asa })
        #expect(asa.real && asa.difference < 0)
    }

    @Test("a missing shard is named with the command that reruns it, and rerunning it alone completes the sweep")
    func missingShardIsNamed() throws {
        let plan = try SweepPlan(spec: try Self.spec())
        let parts = try [0, 2].map { try plan.run(shard: $0, of: 3, threads: 2) }
        #expect {
            try SweepResult.merge(parts, plan: plan, rerun: Self.rerun)
        } throws: { error in
            "\(error)" == "1 of 3 shards have no result:\n  shard 1 of 3: no result; rerun it alone: rerun 1 of 3"
        }
        let rerun = try plan.run(shard: 1, of: 3, threads: 2)
        let merged = try SweepResult.merge(parts + [rerun], plan: plan, rerun: Self.rerun)
        let whole = try SweepResult.merge([try plan.run(shard: 0, of: 1)], plan: plan, rerun: Self.rerun)
        #expect(merged == whole)
    }

    @Test("a shard of another sweep is refused")
    func otherSweepRefused() throws {
        let plan = try SweepPlan(spec: try Self.spec())
        let other = try SweepPlan(spec: try Self.spec(), seed: 99)
        let foreign = try other.run(shard: 0, of: 1, threads: 2)
        #expect(throws: SweepError.self) { try SweepResult.merge([foreign], plan: plan, rerun: Self.rerun) }
    }

    @Test("a what-if that cannot be read fails its own shard, by name; the other shards run")
    func brokenWhatIfFailsItsShard() throws {
        let spec = try Self.spec(extra: "  - { name: typo, set: ['queues[council-tx].patience.exponential=1m'] }")
        let plan = try SweepPlan(spec: spec)
        // What-ifs: base, more staff, typo, then the grid's two; 7 replications each, so shard 1 of 5 holds task 14.
        #expect(throws: Never.self) { try plan.run(shard: 0, of: 5, threads: 2) }
        #expect {
            try plan.run(shard: 2, of: 5, threads: 2)
        } throws: { error in
            "\(error)".hasPrefix("what-if 2 (typo): --set queues[council-tx].patience.exponential=1m: ")
                && "\(error)".hasSuffix("no item named 'council-tx'. Did you mean 'council-tax'?")
        }
    }

    /// A what-if may be another scenario file: the base with 26 agents written in a copy gives the same figures, bit
    /// for bit, as the same change made by `--set`.
    @Test("a what-if that is another scenario equals the same change made by --set")
    func scenarioWhatIf() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = try String(contentsOfFile: "\(Self.examples)/two-skills.yaml", encoding: .utf8)
        let changed = base.replacingOccurrences(of: "agents: 22 }", with: "agents: 26 }")
        #expect(changed != base)
        try changed.write(to: folder.appendingPathComponent("more.yaml"), atomically: true, encoding: .utf8)
        let text = """
            scenario: \(Self.examples)/two-skills.yaml
            replications: 5
            whatifs:
              - { name: a file, scenario: more.yaml }
              - { name: a change, set: ['groups[council-tax-team].agents.shifts[0].agents=26'] }
            """
        try text.write(to: folder.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        let plan = try SweepPlan(spec: try SweepSpec.load(path: folder.appendingPathComponent("s.yaml").path))
        let result = try SweepResult.merge([try plan.run(shard: 0, of: 1, threads: 2)], plan: plan, rerun: Self.rerun)
        #expect(result.values[1] == result.values[2])
        #expect(result.values[1] != result.values[0])
    }

    @Test("a sweep file's mistakes are located")
    func locatedErrors() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).yaml").path
        try "scenario: \(Self.examples)/two-skills.yaml\nmetrics: [asa, waits]\nwhatifs: [{ set: 'a=1' }]\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try SweepSpec.load(path: path)
        } throws: { error in
            "\(error)".hasSuffix(
                ":2:16: metrics[1]: unknown metric 'waits'; the metrics: "
                    + QueueMetric.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    @Test("the sbatch script runs one shard per array task, paths quoted, the task id from Slurm")
    func slurmScript() {
        let array = SlurmArray(
            acdd: "/opt/acdd/bin/acdd", spec: "/home/me/my sweep.yaml", folder: "/scratch/run 1", shards: 8,
            options: ["--seed", "7"], sbatch: ["--partition=short"])
        let script = array.script()
        #expect(script.contains("#SBATCH --array=0-7\n"))
        #expect(script.contains("#SBATCH --output=/scratch/run 1/slurm-%a.out\n"))
        #expect(script.contains("#SBATCH --partition=short\n"))
        #expect(
            script.hasSuffix(
                "exec '/opt/acdd/bin/acdd' 'sweep' '/home/me/my sweep.yaml' '--shards' '8' '--shard' "
                    + "\"$SLURM_ARRAY_TASK_ID\" '--out' '/scratch/run 1' '--seed' '7'\n"))
    }
}
