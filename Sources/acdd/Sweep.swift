import ACDCore
import ArgumentParser
import CLISupport
import Foundation
import IVRFlows
import Sweeps

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run many what-ifs against a base on common random numbers; shard them, or run them on Slurm.",
        discussion: """
            SPEC is a sweep file (docs/sweeps.md): a base scenario and what-ifs (a list of --set changes or \
            scenarios, and/or a grid of values). Each what-if is compared with the base as compare does: the paired \
            difference of every metric with its 95% interval, in one table.

              acdd sweep sweep.yaml                                   # all on this machine
              acdd sweep sweep.yaml --shards 8 --shard 3 --out runs/  # one shard (a cluster task)
              acdd sweep merge runs/                                  # the shards merged, bit for bit one run
              acdd sweep sweep.yaml --slurm --shards 8 --out runs/    # a Slurm array, waited for, merged

            A shard's failure is named with the command that reruns it alone. Results: --format table, csv or json; \
            --db FILE writes a SQLite database.
            """,
        subcommands: [SweepRun.self, SweepMerge.self], defaultSubcommand: SweepRun.self)
}

/// Output options shared by a sweep's run and its merge.
struct SweepOutput: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp("Write the results to a new SQLite database.", valueName: "file"))
    var db: String?

    @Option(help: "Queues the table shows (repeatable; default: the sweep file's, else all queues together).")
    var queue: [String] = []

    func emit(_ result: SweepResult, spec: SweepSpec) throws {
        if let db { try result.writeDatabase(path: db) }
        switch format {
        case .table: print(result.table(queues: queue.isEmpty ? spec.queues : queue), terminator: "")
        case .csv: print(result.csv(), terminator: "")
        case .json: print(try jsonText(result))
        }
    }
}

struct SweepRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a sweep, or one shard of it.")

    @Argument(help: "The sweep file.")
    var spec: String

    @Option(name: .shortAndLong, help: "Replications of each what-if (default: the sweep file's, else the scenario's).")
    var replications: Int?

    @Option(name: .shortAndLong, help: "Seed (default: the sweep file's, else the scenario's).")
    var seed: UInt64?

    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?

    @Option(help: "Split the tasks (what-ifs × replications) into this many shards.")
    var shards: Int?

    @Option(help: "Run only this shard (from 0), writing its results to --out.")
    var shard: Int?

    @Option(help: ArgumentHelp("The folder for shard results (and the Slurm script).", valueName: "folder"))
    var out: String?

    @Flag(help: "Submit the shards as a Slurm job array (sbatch), wait for it, and merge.")
    var slurm = false

    @Option(parsing: .singleValue, help: ArgumentHelp("An extra #SBATCH option (repeatable).", valueName: "option"))
    var sbatch: [String] = []

    @OptionGroup var output: SweepOutput

    func validate() throws {
        if let shards, shards < 1 { throw ValidationError("--shards must be at least 1") }
        if let shard {
            guard let shards else { throw ValidationError("--shard needs --shards") }
            guard (0..<shards).contains(shard) else { throw ValidationError("--shard must be 0 to \(shards - 1)") }
            guard out != nil else { throw ValidationError("--shard writes its results to --out FOLDER: give one") }
        }
        if slurm && (out == nil || shard != nil) { throw ValidationError("--slurm needs --out FOLDER and no --shard") }
        if let replications, replications < 2 { throw ValidationError("--replications must be at least 2") }
    }

    func run() throws {
        let spec: SweepSpec
        let plan: SweepPlan
        do {
            spec = try SweepSpec.load(path: self.spec)
            plan = try SweepPlan(spec: spec, seed: seed, replications: replications)
        } catch { throw failInput(error) }
        if slurm { return try runOnSlurm(plan) }
        let count = shards ?? 1
        if let shard { return try runShard(plan, shard: shard, of: count) }
        let estimate = RunEstimate(
            model: plan.baseModel, replications: plan.taskCount, threads: threads ?? ProcessInfoCores.active)
        announce(
            estimate.announcement(
                command: "sweep (\(plan.spec.whatIfs.count) what-ifs of \(plan.replications) replications)",
                shorten: [
                    "fewer replications (--replications)", "fewer what-ifs",
                    "shards on several machines (--shards N --shard I, or --slurm; docs/sweeps.md)",
                ]))
        let meter = RunMeter()
        let progress = ProgressLine(
            label: "sweep: replications", total: plan.taskCount, meter: meter,
            simulatedTotal: estimate.simulatedSeconds)
        var results: [ShardResult] = []
        for s in 0..<count {
            let result = try runOrFail { () throws(SweepError) in
                try plan.run(shard: s, of: count, threads: threads, meter: meter)
            }
            if let out { try result.write(to: out) }
            results.append(result)
        }
        progress.finish()
        try output.emit(try merge(results, plan), spec: spec)
    }

    func runShard(_ plan: SweepPlan, shard: Int, of count: Int) throws {
        let folder = out!
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        ShardProgress.write(0, shard: shard, of: count, folder: folder)
        let result = try runOrFail { () throws(SweepError) in
            try plan.run(shard: shard, of: count, threads: threads) {
                ShardProgress.write($0, shard: shard, of: count, folder: folder)
            }
        }
        try result.write(to: folder)
        let tasks = plan.tasks(shard: shard, of: count)
        print("shard \(shard) of \(count): tasks \(tasks.lowerBound)-\(tasks.upperBound - 1) written to \(folder)")
    }

    func runOrFail(_ body: () throws(SweepError) -> ShardResult) throws -> ShardResult {
        do { return try body() } catch {
            if case .whatIf = error {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            throw ValidationError(error.description)
        }
    }

    func merge(_ results: [ShardResult], _ plan: SweepPlan) throws -> SweepResult {
        do {
            return try SweepResult.merge(results, plan: plan) { s, n in
                "acdd sweep \(spec) --shards \(n) --shard \(s) --out \(out ?? "FOLDER")"
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension SweepRun {
    /// Writes the sbatch array, submits it, draws one progress bar from the shards' progress files until the array
    /// is over, and merges.
    func runOnSlurm(_ plan: SweepPlan) throws {
        let folder = URL(fileURLWithPath: out!).standardizedFileURL.path
        let count = shards ?? 2
        var options: [String] = ["--seed", String(plan.seed), "--replications", String(plan.replications)]
        // Each array task uses the CPUs Slurm gave it, unless --threads says otherwise.
        options += ["--threads", threads.map(String.init) ?? "${SLURM_CPUS_PER_TASK:-1}"]
        let array = SlurmArray(
            acdd: Self.executable, spec: plan.spec.file, folder: folder, shards: count, options: options,
            sbatch: sbatch)
        // Results of an earlier run in the folder would hide a shard that fails this time.
        for s in 0..<count {
            for name in [ShardResult.fileName(shard: s, of: count), ShardProgress.fileName(shard: s, of: count)] {
                try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
            }
        }
        let job = try array.submit()
        FileHandle.standardError.write(Data("submitted job \(job): \(count) array tasks (\(array.scriptPath))\n".utf8))
        let progress = ProgressLine(label: "sweep: replications (job \(job))", total: plan.taskCount, delay: .zero)
        while try SlurmArray.isActive(job: job) {
            progress.update(ShardProgress.total(shards: count, folder: folder))
            Thread.sleep(forTimeInterval: 1)
        }
        progress.finish()
        let results = try ShardProgress.results(shards: count, folder: folder)
        let merged: SweepResult
        do {
            merged = try SweepResult.merge(results, plan: plan) { s, _ in
                let log = "\(folder)/slurm-\(s).out"
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                let last = text.split(separator: "\n").suffix(3).map { "      | \($0)" }.joined(separator: "\n")
                return "sbatch --array=\(s) \(array.scriptPath), then acdd sweep merge \(folder)\n"
                    + "    its log, \(log):\n" + (last.isEmpty ? "      | (empty)" : last)
            }
        } catch {
            FileHandle.standardError.write(Data("error: job \(job): \(error)\n".utf8))
            throw ExitCode(1)
        }
        try output.emit(merged, spec: plan.spec)
    }

    /// This program's own path, for the array tasks to run.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}

struct SweepMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine a sweep's shard results (shard-I-of-N.json in FOLDER) into its table and database.")

    @Argument(help: "The folder the shards wrote to (--out).")
    var folder: String

    @OptionGroup var output: SweepOutput

    func run() throws {
        guard let count = ShardProgress.shardCount(folder: folder) else {
            throw ValidationError("\(folder) has no shard results (shard-I-of-N.json), or results of two shard counts")
        }
        let results = try ShardProgress.results(shards: count, folder: folder)
        guard let first = results.first else { throw ValidationError("\(folder) has no shard results") }
        let spec: SweepSpec
        let plan: SweepPlan
        do {
            spec = try SweepSpec.load(path: first.spec)
            plan = try SweepPlan(spec: spec, seed: first.seed, replications: first.replications)
        } catch { throw failInput(error) }
        let merged: SweepResult
        do {
            merged = try SweepResult.merge(results, plan: plan) { s, n in
                "acdd sweep \(first.spec) --shards \(n) --shard \(s) --out \(folder)"
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        try output.emit(merged, spec: spec)
    }
}
