import ACDCore
import Foundation
import IVRFlows
import Logging

/// What every engine step of a scenario sounds like on the telephone, loaded once when the front starts: each
/// step's prompt as 8 kHz audio (its recording; for a text prompt the recording `flows prompts --speak` made, or
/// espeak-ng's speech made now, or a quiet tone where espeak-ng is missing), music on hold and the agent's
/// "connected" announcement.
package struct PromptLibrary: Sendable {
    /// By global step index (all flows' steps in model order, as engine events number them).
    package var steps: [StepPrompt?] = []
    package var audio: [PhoneAudio?] = []
    /// What each step takes from the caller, if it waits for input.
    package var inputs: [StepInput?] = []
    /// Global step index by the name events give (`flow/step`).
    package var stepIndex: [String: Int] = [:]
    package var hold: PhoneAudio
    package var connected: PhoneAudio
    /// Text prompts spoken now because no recording was found (`flows prompts --speak` makes them once).
    package var spokenNow = 0
    package var placeholders = 0

    package init(scenario: Scenario, holdMusic: String?, logger: Logger) throws(PromptAudio.ReadError) {
        let model = scenario.model
        var base = 0
        for (f, flow) in model.flows.enumerated() {
            for j in flow.steps.indices {
                stepIndex[model.flowNodeName(Int32(base + j))] = base + j
                steps.append(f < scenario.flowPrompts.count ? scenario.flowPrompts[f][j] : nil)
                inputs.append(flow.steps[j].input)
            }
            base += flow.steps.count
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "acdd-prompts-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let canSpeak = PhoneAudio.canSpeak
        var cache: [String: PhoneAudio] = [:]
        var spoken = 0
        var placeholders = 0
        func load(_ prompt: StepPrompt) throws(PromptAudio.ReadError) -> PhoneAudio {
            if let path = prompt.audioPath {
                if let known = cache[path] { return known }
                let audio = try PhoneAudio.read(path: path)
                cache[path] = audio
                return audio
            }
            let text = prompt.prompt.text ?? ""
            let recorded = SpokenPrompt.path(text: text, folder: prompt.folder, wordsPerMinute: prompt.wordsPerMinute)
            if let known = cache[recorded] { return known }
            let audio: PhoneAudio
            if FileManager.default.fileExists(atPath: recorded) {
                audio = try PhoneAudio.read(path: recorded)
            } else if canSpeak {
                try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
                let path = scratch.appendingPathComponent("\(cache.count).wav").path
                try PhoneAudio.speak(text, to: path, wordsPerMinute: prompt.wordsPerMinute)
                audio = try PhoneAudio.read(path: path)
                spoken += 1
            } else {
                let words = text.split(whereSeparator: { $0.isWhitespace }).count
                audio = PhoneAudio.placeholder(seconds: Double(words) / prompt.wordsPerMinute * 60)
                placeholders += 1
            }
            cache[recorded] = audio
            return audio
        }
        for step in steps { audio.append(try step.map { s throws(PromptAudio.ReadError) in try load(s) }) }
        hold = try holdMusic.map { p throws(PromptAudio.ReadError) in try PhoneAudio.read(path: p) } ?? .chime()
        let connectedText = "You are through to an adviser."
        if canSpeak {
            try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let path = scratch.appendingPathComponent("connected.wav").path
            try PhoneAudio.speak(connectedText, to: path, wordsPerMinute: 160)
            connected = try PhoneAudio.read(path: path)
        } else {
            connected = .placeholder(seconds: 1.5)
        }
        spokenNow = spoken
        self.placeholders = placeholders
        if spoken > 0 {
            logger.notice(
                "text prompts spoken with espeak-ng at start; `acdd flows prompts FLOWSET --speak` records them once",
                metadata: ["prompts": "\(spoken)"])
        }
        if placeholders > 0 {
            logger.warning(
                "espeak-ng is not installed: text prompts play as a quiet tone (apt-get install espeak-ng)",
                metadata: ["prompts": "\(placeholders)"])
        }
    }
}
