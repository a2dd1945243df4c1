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
        #expect(scenario.entryNumbers == ["3001", "3002"])
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
            #expect(error.description.contains("scenario.yaml:14:13: entries[1].number: "), "\(error)")
        }
    }
}
