import ACDCore
import Foundation
import IVRFlows
import Testing

/// What the telephone front plays at each step comes from the compiler, one prompt per step as the flow wrote it.
@Suite struct StepPromptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("each step of the SIP checks' flows carries its own prompt, barge-in and timeout")
    func promptsByStep() throws {
        let scenario = try Scenario.load(path: Self.root.appendingPathComponent("tests/sip/centre").path)
        #expect(scenario.entryNumbers == ["3001", "3002", "3003"])
        let flow = try #require(scenario.model.flows.firstIndex { $0.name == "main" })
        let steps = scenario.model.flows[flow].steps
        let prompts = scenario.flowPrompts[flow]
        #expect(prompts.count == steps.count)
        func prompt(_ name: String) throws -> StepPrompt? {
            prompts[try #require(steps.firstIndex { $0.name == name }, "no step \(name)")]
        }
        let welcome = try #require(try prompt("welcome"))
        #expect(welcome.prompt.audio == "prompts/welcome.wav" && !welcome.bargeIn && welcome.timeout == nil)
        #expect(welcome.audioPath?.hasSuffix("tests/sip/centre/flows/prompts/welcome.wav") == true)
        let menu = try #require(try prompt("menu"))
        #expect(menu.prompt.audio == "prompts/menu.wav" && menu.bargeIn && menu.timeout == 4)
        // The second attempt replays the prompt (no repeat_prompt); its failure steps play their own texts.
        #expect(try prompt("menu#2")?.prompt.audio == "prompts/menu.wav")
        #expect(try prompt("menu#1/no-input")?.prompt.text == "Sorry, I did not hear a choice.")
        #expect(try prompt("menu#1/no-match")?.prompt.text == "Sorry, that is not one of the options.")
        #expect(try prompt("menu#2/no-input")?.bargeIn == false)
        // Queue steps play nothing of the flow's own.
        #expect(try prompt("sales") == nil)
    }

    @Test("an entry's number must be dialable and unique")
    func badNumbers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("numbers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let centre = try String(
            contentsOf: Self.root.appendingPathComponent("tests/sip/centre/scenario.yaml"), encoding: .utf8)
        try FileManager.default.copyItem(
            at: Self.root.appendingPathComponent("tests/sip/centre/flows"), to: folder.appendingPathComponent("flows"))
        for (from, to, message) in [
            (#"number: "3002""#, #"number: "3001""#, "number '3001' is already the number of entry 1"),
            (#"number: "3002""#, #"number: "30 02""#, "an entry's number is what callers dial"),
        ] {
            let path = folder.appendingPathComponent("scenario.yaml").path
            try centre.replacingOccurrences(of: from, with: to).write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(throws: InputError.self) { try Scenario.load(path: path) }
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.contains("scenario.yaml:15:13: entries[1].number: "), "\(error)")
        }
    }

    @Test("a text prompt with a recording (acdd flows prompts --speak) is timed by the recording, not by its words")
    func recordedTextPrompt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spoken-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["scenario.yaml", "flows"] {
            try FileManager.default.copyItem(
                at: Self.root.appendingPathComponent("tests/sip/centre/\(name)"), to: folder.appendingPathComponent(name))
        }
        func noMatch() throws -> (seconds: Double, prompt: StepPrompt) {
            let scenario = try Scenario.load(path: folder.path)
            let flow = try #require(scenario.model.flows.firstIndex { $0.name == "main" })
            let step = try #require(scenario.model.flows[flow].steps.firstIndex { $0.name == "menu#1/no-match" })
            return (scenario.model.flows[flow].steps[step].duration.mean, try #require(scenario.flowPrompts[flow][step]))
        }
        let estimated = try noMatch()
        // The no-match step plays "Sorry, that is not one of the options.": 8 words at the flow's rate.
        #expect(abs(estimated.seconds - 8 / estimated.prompt.wordsPerMinute * 60) < 1e-9)
        let recording = try #require(estimated.prompt.spokenPath)
        #expect(recording.hasPrefix(folder.appendingPathComponent("flows/prompts/spoken-").path))
        // A recording of exactly 1.25 s: 10,000 frames of 16-bit mono at 8 kHz.
        try Self.silentWAV(frames: 10_000, rate: 8000).write(to: URL(fileURLWithPath: recording))
        #expect(abs(try noMatch().seconds - 1.25) < 1e-9)
        // A recording that is not audio is an error at the prompt, naming the file.
        try Data("not a wav".utf8).write(to: URL(fileURLWithPath: recording))
        let error = try #require(throws: InputError.self) { try noMatch() }
        #expect(error.description.contains("main.yaml:18:"), "\(error)")
        #expect(error.description.contains("the recording of this text prompt, \(recording)"), "\(error)")
    }

    /// A canonical 44-byte-header WAV of silence.
    static func silentWAV(frames: Int, rate: Int) -> Data {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
        func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8((v >> (8 * $0)) & 0xff) } }
        let bytes = frames * 2
        var d: [UInt8] = Array("RIFF".utf8) + le32(36 + bytes) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
        d += le32(rate) + le32(rate * 2) + le16(2) + le16(16) + Array("data".utf8) + le32(bytes)
        d += [UInt8](repeating: 0, count: bytes)
        return Data(d)
    }

    @Test("a caller on the telephone hears a play step whole; an API caller is cut short by the caller model's barge-in")
    func telephoneCallersHearPromptsWhole() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("barge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(
            at: Self.root.appendingPathComponent("tests/sip/centre/flows"), to: folder.appendingPathComponent("flows"))
        let centre = try String(
            contentsOf: Self.root.appendingPathComponent("tests/sip/centre/scenario.yaml"), encoding: .utf8)
        // Every modelled caller barges in on the greeting (1.877 s of audio) after 0.5 s.
        try centre.replacingOccurrences(
            of: "interval: 1h", with: "interval: 1h\ncallers: { barge_in: 100%, key_time: 0.5s }"
        ).write(to: folder.appendingPathComponent("scenario.yaml"), atomically: true, encoding: .utf8)
        let main = folder.appendingPathComponent("flows/main.yaml")
        try String(contentsOf: main, encoding: .utf8).replacingOccurrences(of: "barge_in: false", with: "barge_in: true")
            .write(to: main, atomically: true, encoding: .utf8)
        let scenario = try Scenario.load(path: folder.path)
        let clock = ManualClock()
        let live = LiveEngine(model: scenario.model, seed: 1, clock: clock)
        await live.start()
        await clock.advance(to: 36000)
        let api = try await live.place(CallRequest(target: .entry(EntryID(0)), caller: .external)).id
        let phone = try await live.place(CallRequest(target: .entry(EntryID(0)), caller: .telephone)).id
        await clock.advance(by: 1)
        #expect(await live.location(of: api) == .ivr(node: "main/menu", awaitingInput: true))
        #expect(await live.location(of: phone) == .ivr(node: "main/welcome", awaitingInput: false))
        await clock.advance(by: 0.9)
        #expect(await live.location(of: phone) == .ivr(node: "main/menu", awaitingInput: true))
        await live.shutdown()
    }
}
