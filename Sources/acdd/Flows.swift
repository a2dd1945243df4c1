import ACDCore
import ACDReports
import ArgumentParser
import Foundation
import IVRFlows
import SIPFront

struct Flows: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check IVR/EVR flows, run their scripted test calls, and draw them.",
        subcommands: [FlowsCheck.self, FlowsTest.self, FlowsGraph.self, FlowsPrompts.self, FlowsListen.self])
}

struct FlowsCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a flow set without running it.",
        discussion: """
            PATH is a flow-set folder (scenario.yaml and flows/) or one flow file. Prints each problem as \
            FILE:LINE:COLUMN: error|warning: FIELD: MESSAGE (a node with a mistake is skipped and the rest checked, \
            so every mistake shows at once), then a summary line: flows, nodes, test calls, errors and warnings. \
            Exit status 2 when there is an error, 0 otherwise (warnings alone do not fail). The rules are listed in \
            docs/flows.md.
            """)

    @Argument(help: "A flow-set folder or a flow file.")
    var path: String

    @Option(name: .shortAndLong, help: "Output: text or json.")
    var format: CheckFormat = .text

    func run() throws {
        let checker = FlowChecker.checked(path: path)
        let problems = checker.problems
        switch format {
        case .text:
            for problem in problems { print(problem) }
            print(checker.summary)
        case .json:
            let list = problems.map { p in
                ProblemJSON(
                    file: p.location.file, line: p.location.line, column: p.location.column, field: p.location.field,
                    severity: p.severity.rawValue, message: p.location.message)
            }
            print(try flowsJSON(list))
        }
        if problems.contains(where: { $0.severity == .error }) { throw ExitCode(2) }
    }
}

/// One problem of `flows check --format json`.
private struct ProblemJSON: Encodable {
    var file: String
    var line: Int
    var column: Int
    var field: String
    var severity: String
    var message: String
}

/// A flow set, or exit status 2 with the located error.
func loadFlowSet(_ path: String) throws -> FlowSet {
    do {
        return try FlowSet.load(path: path)
    } catch {
        throw failInput(error)
    }
}

/// The `flows` commands' JSON: pretty, keys sorted and as the types name them (camelCase).
private func flowsJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct FlowsTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the scripted test calls written in flow files, and report coverage.",
        discussion: """
            Each test call (a flow's `tests:`, docs/flows.md) is walked through its flow with its inputs deciding \
            every choice. Every call is run and reported: ok, or FAIL with what differed and the path it took. Then \
            a summary, and which nodes and transitions no passing call reaches. Exit status 1 when any call failed, \
            2 on a broken flow file.
            """)

    @Argument(help: "A flow-set folder or a flow file.")
    var path: String

    func run() throws {
        let report = FlowTestReport(set: try loadFlowSet(path))
        guard !report.results.isEmpty else {
            print("no test calls in \(path): add a 'tests:' list to a flow (docs/flows.md)")
            return
        }
        for (flow, result) in report.results {
            guard let failure = result.failure else {
                print("ok   \(flow): \(result.test.name)")
                continue
            }
            print("FAIL \(flow): \(result.test.name) (\(result.test.location.file):\(result.test.location.line))")
            print("  \(failure)")
            print("  path taken: \(result.path.joined(separator: " -> ")) => \(result.outcome)")
        }
        let failed = report.failures.count
        let passed = report.results.count - failed
        let covered = report.nodes.count - report.missedNodes.count
        let taken = report.transitions.count - report.missedTransitions.count
        print(
            "\n\(passed) of \(report.results.count) test call(s) passed\(failed > 0 ? ", \(failed) failed" : ""). "
                + "Coverage (passing calls): \(covered)/\(report.nodes.count) nodes, "
                + "\(taken)/\(report.transitions.count) transitions.")
        if !report.missedNodes.isEmpty {
            print("Nodes no test reaches:\n  " + report.missedNodes.joined(separator: "\n  "))
        }
        if !report.missedTransitions.isEmpty {
            print("Transitions no test takes:\n  " + report.missedTransitions.joined(separator: "\n  "))
        }
        if failed > 0 { throw ExitCode(1) }
    }
}

struct FlowsGraph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a flow set as Graphviz dot or Mermaid, optionally with simulated traffic.",
        discussion: """
            Examples:
              acdd flows graph examples/ivr --format mermaid
              acdd simulate examples/ivr --format json > results.json
              acdd flows graph examples/ivr --results results.json | dot -Tsvg > flow.svg
            """)

    @Argument(help: "A flow-set folder or a flow file.")
    var path: String

    @Option(name: .shortAndLong, help: "Output: dot or mermaid.")
    var format: GraphFormat = .dot

    @Option(help: ArgumentHelp("Results of `acdd simulate --format json` to draw traffic from.", valueName: "file"))
    var results: String?

    func run() throws {
        let set = try loadFlowSet(path)
        var traffic: FlowGraph.Traffic?
        if let results {
            guard let data = FileManager.default.contents(atPath: results) else {
                throw failInput(
                    InputError(file: results, line: 0, column: 0, field: "", message: "cannot read the file"))
            }
            do {
                traffic = try FlowGraph.Traffic.read(json: data)
            } catch {
                throw failInput(InputError(file: results, line: 0, column: 0, field: "", message: "\(error)"))
            }
        }
        let graph = FlowGraph(set: set, traffic: traffic)
        print(format == .dot ? graph.dot() : graph.mermaid(), terminator: "")
    }
}

enum GraphFormat: String, ExpressibleByArgument, CaseIterable {
    case dot, mermaid
}

struct FlowsPrompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompts",
        abstract: "List a flow set's text prompts with their timing, and record them with espeak-ng (--speak).",
        discussion: """
            Every prompt given as text, once each: where it is written (FILE:LINE), its words, the seconds the \
            engine gives it, and whether it has a recording. A recording is prompts/spoken-HASH.wav beside the \
            flow file, named by the voice, the flow's speaking rate and the text (docs/flows.md, "Prompts"). \
            With one, the engine times the step by the recording's length and a SIP caller hears it; without, \
            the engine times it at the flow's words_per_minute and the daemon speaks it at start.
            --speak writes the missing recordings with espeak-ng (voice en-gb, at the flow's speaking rate; \
            --force rewrites them all). Each file is written whole or not at all. Changing a prompt's text makes a \
            new file; old ones are listed with --format json under "unused" and can be deleted.
            """)

    @Argument(help: "A flow-set folder (scenario.yaml and flows/).")
    var path: String

    @Flag(help: "Record the text prompts that have no recording yet, with espeak-ng.")
    var speak = false

    @Flag(help: "With --speak: record every text prompt again.")
    var force = false

    @Option(name: .shortAndLong, help: "Output: text (a table) or json.")
    var format: CheckFormat = .text

    struct Row: Encodable {
        var file: String
        var line: Int
        var text: String
        var words: Int
        var estimatedSeconds: Double
        var recordedSeconds: Double?
        var recording: String
        var written: Bool
    }

    struct Report: Encodable {
        var prompts: [Row]
        var recorded: Int
        var written: Int
        var unused: [String]
    }

    func run() throws {
        let scenario = try loadScenario(path, overrides: [])
        var seen = Set<String>()
        var prompts: [StepPrompt] = []
        for flow in scenario.flowPrompts {
            for case let prompt? in flow {
                guard let recording = prompt.spokenPath, seen.insert(recording).inserted else { continue }
                prompts.append(prompt)
            }
        }
        prompts.sort { ($0.prompt.location.file, $0.prompt.location.line) < ($1.prompt.location.file, $1.prompt.location.line) }
        if speak && !PhoneAudio.canSpeak {
            throw ValidationError("espeak-ng is not installed: apt-get install espeak-ng")
        }
        let todo = prompts.filter { force || !FileManager.default.fileExists(atPath: $0.spokenPath!) }
        if speak && !todo.isEmpty {
            FileHandle.standardError.write(Data("recording \(todo.count) text prompts with espeak-ng\n".utf8))
        }
        var rows: [Row] = []
        var written = 0
        let terminal = isatty(2) != 0
        for prompt in prompts {
            let text = prompt.prompt.text ?? ""
            let recording = prompt.spokenPath!
            var didWrite = false
            if speak && (force || !FileManager.default.fileExists(atPath: recording)) {
                try Self.record(text, to: recording, wordsPerMinute: prompt.wordsPerMinute)
                written += 1
                didWrite = true
                if terminal {
                    FileHandle.standardError.write(Data("\r  \(written)/\(todo.count)".utf8))
                }
            }
            let words = text.split(whereSeparator: { $0.isWhitespace }).count
            let seconds = FileManager.default.fileExists(atPath: recording)
                ? try? PromptAudio.info(path: recording).seconds : nil
            rows.append(
                Row(
                    file: prompt.prompt.location.file, line: prompt.prompt.location.line, text: text, words: words,
                    estimatedSeconds: Double(words) / prompt.wordsPerMinute * 60, recordedSeconds: seconds,
                    recording: recording, written: didWrite))
        }
        if terminal && written > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        let folders = Set(prompts.map { URL(fileURLWithPath: $0.spokenPath!).deletingLastPathComponent().path })
        var unused: [String] = []
        for folder in folders.sorted() {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for name in names.sorted() where name.hasPrefix("spoken-") && name.hasSuffix(".wav") {
                let file = URL(fileURLWithPath: folder).appendingPathComponent(name).path
                if !seen.contains(file) { unused.append(file) }
            }
        }
        let recorded = rows.filter { $0.recordedSeconds != nil }.count
        switch format {
        case .json:
            print(try flowsJSON(Report(prompts: rows, recorded: recorded, written: written, unused: unused)))
        case .text:
            let base = FileManager.default.currentDirectoryPath + "/"
            print("| where | words | estimate s | recorded s | text |")
            print("|---|---:|---:|---:|---|")
            for row in rows {
                let file = row.file.hasPrefix(base) ? String(row.file.dropFirst(base.count)) : row.file
                let text = row.text.count > 60 ? String(row.text.prefix(57)) + "..." : row.text
                let recordedText = row.recordedSeconds.map { String(format: "%.2f", $0) } ?? "none"
                print(
                    "| \(file):\(row.line) | \(row.words) | \(String(format: "%.2f", row.estimatedSeconds)) | "
                        + "\(recordedText) | \(text.replacingOccurrences(of: "|", with: "\\|")) |")
            }
            let estimate = rows.reduce(0) { $0 + $1.estimatedSeconds }
            let heard = rows.compactMap(\.recordedSeconds).reduce(0, +)
            print(
                "\(rows.count) text prompts, \(recorded) recorded (\(written) written now); estimates total "
                    + String(format: "%.1f s", estimate)
                    + (recorded > 0 ? String(format: ", recordings %.1f s", heard) : "")
                    + (unused.isEmpty ? "" : "; \(unused.count) recordings no prompt uses (--format json lists them)"))
        }
    }

    /// espeak-ng into a scratch file beside the recording, then renamed over it: a file is whole or absent.
    static func record(_ text: String, to path: String, wordsPerMinute: Double) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let scratch = folder.appendingPathComponent(".\(UUID().uuidString).wav.part").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        do {
            try PhoneAudio.speak(text, to: scratch, wordsPerMinute: wordsPerMinute, voice: SpokenPrompt.voice)
        } catch {
            throw ValidationError("\(path): \(error.reason)")
        }
        guard rename(scratch, path) == 0 else {
            throw ValidationError("\(path): cannot be written (\(String(cString: strerror(errno))))")
        }
    }
}

struct FlowsListen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Measure how well the speech steps' recogniser hears their phrases (espeak-ng into PocketSphinx).",
        discussion: """
            For every speech step, each phrase is spoken by espeak-ng in several voices and speeds, brought to \
            telephone audio (8 kHz), and heard by the recogniser a SIP caller meets: PocketSphinx with a grammar of \
            the step's phrases (docs/sip.md, "Speech"). Prints per step the measured recognition and confusion in \
            the flow file's own format, to paste over the modelled ones, and the table of what was said against \
            what was heard. Words the dictionary lacks are listed: their phrases cannot be heard. Synthetic \
            voices are easier to hear than callers on real lines, so treat the figures as an upper bound.
            """)

    @Argument(help: "A flow-set folder (scenario.yaml and flows/).")
    var path: String

    @Option(help: "espeak-ng voices, comma-separated.")
    var voices = "en-gb,en-us,en-gb+f3,en-us+m3"

    @Option(help: "Speaking rates in words per minute, comma-separated.")
    var speeds = "140,170,200"

    @Option(name: .shortAndLong, help: "Output: text or json.")
    var format: CheckFormat = .text

    struct StepResult: Encodable {
        var step: String
        var file: String
        var line: Int
        var intents: [String]
        var utterances: Int
        /// counts[said][heard]: heard is an intent index, or intents.count for nothing heard.
        var counts: [[Int]]
        var recognition: Double
        var confusion: [String: [String: Double]]
        var unknownWords: [String]
    }

    func run() throws {
        let scenario = try loadScenario(path, overrides: [])
        guard PhoneAudio.canSpeak else { throw ValidationError("espeak-ng is not installed: apt-get install espeak-ng") }
        let voiceList = voices.split(separator: ",").map(String.init)
        let speedList = speeds.split(separator: ",").compactMap { Double($0) }
        guard !voiceList.isEmpty, !speedList.isEmpty else { throw ValidationError("--voices and --speeds need a value") }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("acdd-listen-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for voice in voiceList {  // a voice espeak-ng lacks is named now, not as a scratch file's failure later
            do {
                try PhoneAudio.speak(
                    "test", to: scratch.appendingPathComponent("voice.wav").path, wordsPerMinute: 160, voice: voice)
            } catch {
                throw ValidationError("--voices: espeak-ng cannot speak with voice '\(voice)' (espeak-ng --voices lists them)")
            }
        }
        var results: [StepResult] = []
        let terminal = isatty(2) != 0
        for (f, flow) in scenario.model.flows.enumerated() {
            var seen = Set<Int>()
            for (s, step) in flow.steps.enumerated() {
                guard let input = step.input, input.kind == .speech, seen.insert(step.node ?? s).inserted else { continue }
                let routes = Array(input.labels.prefix { !$0.isEmpty })
                let recognizer: Recognizer
                do { recognizer = try Recognizer(labels: routes) } catch { throw ValidationError("\(flow.name)/\(step.name): \(error)") }
                let intents = routes.map { $0[0] }
                var counts = Array(repeating: Array(repeating: 0, count: intents.count + 1), count: intents.count)
                var done = 0
                let total = routes.reduce(0) { $0 + max($1.count - 1, 1) } * voiceList.count * speedList.count
                for (r, labels) in routes.enumerated() {
                    for phrase in labels.count > 1 ? Array(labels.dropFirst()) : labels {
                        for voice in voiceList {
                            for speed in speedList {
                                let file = scratch.appendingPathComponent("u.wav").path
                                try PhoneAudio.speak(phrase, to: file, wordsPerMinute: speed, voice: voice)
                                let heard = recognizer.recognize(try PhoneAudio.read(path: file).samples)
                                counts[r][heard?.label ?? intents.count] += 1
                                done += 1
                                if terminal {
                                    FileHandle.standardError.write(Data("\r\(flow.name)/\(step.name): \(done)/\(total)".utf8))
                                }
                            }
                        }
                    }
                }
                if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
                let said = counts.map { $0.reduce(0, +) }
                let right = (0..<intents.count).reduce(0) { $0 + counts[$1][$1] }
                var confusion: [String: [String: Double]] = [:]
                for a in intents.indices {
                    for b in intents.indices where a != b && counts[a][b] > 0 {
                        confusion[intents[a], default: [:]][intents[b]] = Double(counts[a][b]) / Double(said[a])
                    }
                }
                let location = scenario.flowPrompts[f][s]?.prompt.location
                results.append(
                    StepResult(
                        step: "\(flow.name)/\(flow.steps[step.node ?? s].name)", file: location?.file ?? "",
                        line: location?.line ?? 0, intents: intents, utterances: said.reduce(0, +), counts: counts,
                        recognition: Double(right) / Double(max(said.reduce(0, +), 1)), confusion: confusion,
                        unknownWords: recognizer.unknownWords))
            }
        }
        switch format {
        case .json:
            print(try flowsJSON(results))
        case .text:
            if results.isEmpty { print("no speech steps") }
            let base = FileManager.default.currentDirectoryPath + "/"
            func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
            for r in results {
                let file = r.file.hasPrefix(base) ? String(r.file.dropFirst(base.count)) : r.file
                print("\(r.step) (\(file):\(r.line)): \(r.utterances) utterances, \(voiceList.count) voices x \(speedList.count) speeds")
                let pairs = r.confusion.keys.sorted().map { a in
                    "\(a): { " + r.confusion[a]!.keys.sorted().map { "\($0): \(percent(r.confusion[a]![$0]!))" }
                        .joined(separator: ", ") + " }"
                }
                print("  measured:  recognition: \(percent(r.recognition))" + (pairs.isEmpty ? "" : ", confusion: { \(pairs.joined(separator: ", ")) }"))
                print("  | said \\ heard | " + r.intents.joined(separator: " | ") + " | nothing |")
                print("  |---|" + String(repeating: "---:|", count: r.intents.count + 1))
                for (a, row) in r.counts.enumerated() {
                    print("  | \(r.intents[a]) | " + row.map(String.init).joined(separator: " | ") + " |")
                }
                if !r.unknownWords.isEmpty {
                    print("  not in the dictionary (their phrases cannot be heard): " + r.unknownWords.joined(separator: ", "))
                }
            }
        }
    }
}
