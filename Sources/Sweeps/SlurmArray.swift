import Foundation

/// A sweep's shards as a Slurm job array: one array task per shard, each running `acdd sweep SPEC --shards N
/// --shard $SLURM_ARRAY_TASK_ID --out FOLDER`. The script is written beside the results so it can be read, edited and
/// resubmitted by hand (`sbatch --array=3 FOLDER/sweep.sbatch` reruns shard 3 alone).
package struct SlurmArray: Sendable {
    /// The acdd binary, the sweep file and the results folder, all absolute (array tasks start elsewhere).
    package var acdd: String
    package var spec: String
    package var folder: String
    package var shards: Int
    /// acdd options every shard gets (`-r 10`, `--seed 7`, `--threads 2`); one starting `${` is left to the shell
    /// (`${SLURM_CPUS_PER_TASK:-1}`).
    package var options: [String]
    /// Extra `#SBATCH` options (`--partition=short`, `--cpus-per-task=4`).
    package var sbatch: [String]

    package init(acdd: String, spec: String, folder: String, shards: Int, options: [String], sbatch: [String]) {
        self.acdd = acdd
        self.spec = spec
        self.folder = folder
        self.shards = shards
        self.options = options
        self.sbatch = sbatch
    }

    package var scriptPath: String { (folder as NSString).appendingPathComponent("sweep.sbatch") }

    /// Single-quoted for the shell.
    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    package func script() -> String {
        var lines = [
            "#!/bin/bash",
            "# Written by acdd sweep --slurm: one array task per shard (docs/sweeps.md).",
            "#SBATCH --job-name=acdd-sweep",
            "#SBATCH --array=0-\(shards - 1)",
            "#SBATCH --output=\(folder)/slurm-%a.out",
        ]
        lines += sbatch.map { "#SBATCH \($0)" }
        let command =
            [acdd, "sweep", spec, "--shards", String(shards), "--shard", "\"$SLURM_ARRAY_TASK_ID\"", "--out"]
            .enumerated().map { $0.offset == 6 ? $0.element : Self.quoted($0.element) }
            + [Self.quoted(folder)] + options.map { $0.hasPrefix("${") ? "\"\($0)\"" : Self.quoted($0) }
        lines.append("exec " + command.joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the script and submits it; the job id.
    package func submit() throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try script().write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let (status, output) = try Self.run("sbatch", ["--parsable", scriptPath])
        guard status == 0, let id = output.split(separator: ";").first.map(String.init), !id.isEmpty else {
            throw SweepError.shards("sbatch failed (exit \(status)): \(output)")
        }
        return id.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether any task of the job is still pending or running (by `squeue`).
    package static func isActive(job: String) throws -> Bool {
        let (status, output) = try run("squeue", ["-h", "-j", job, "-o", "%i"])
        // squeue exits non-zero for a job id it has forgotten: the job is over.
        return status == 0 && !output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Progress files: each shard writes how many of its tasks are done (`shard-I-of-N.progress`), so a waiting
/// process can draw one bar for the whole array.
package enum ShardProgress {
    package static func fileName(shard: Int, of shards: Int) -> String { "shard-\(shard)-of-\(shards).progress" }

    package static func write(_ done: Int, shard: Int, of shards: Int, folder: String) {
        let url = URL(fileURLWithPath: folder).appendingPathComponent(fileName(shard: shard, of: shards))
        try? Data("\(done)\n".utf8).write(to: url, options: .atomic)
    }

    /// Tasks done over all shards, as their progress files say.
    package static func total(shards: Int, folder: String) -> Int {
        (0..<shards).reduce(0) { sum, s in
            let path = (folder as NSString).appendingPathComponent(fileName(shard: s, of: shards))
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return sum + (Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
        }
    }

    /// The shard count of the results in `folder` (`shard-I-of-N.json`); `nil` when there are none, or of two counts.
    package static func shardCount(folder: String) -> Int? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let counts = Set(
            names.compactMap { name -> Int? in
                guard name.hasPrefix("shard-"), name.hasSuffix(".json"), let of = name.range(of: "-of-") else {
                    return nil
                }
                return Int(name[of.upperBound...].dropLast(5))
            })
        return counts.count == 1 ? counts.first : nil
    }

    /// The shard results in `folder` for a sweep of `shards` shards.
    package static func results(shards: Int, folder: String) throws -> [ShardResult] {
        try (0..<shards).compactMap { s in
            let path = (folder as NSString).appendingPathComponent(ShardResult.fileName(shard: s, of: shards))
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return try JSONDecoder().decode(ShardResult.self, from: data)
        }
    }
}
