import Foundation
import IVRFlows
import Testing

@Suite("Prompt audio")
struct PromptAudioTests {
    @Test("a WAV written with libsndfile reads back with its duration", arguments: [0.5, 3.25, 12.0])
    func roundTrip(seconds: Double) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prompt-\(UUID()).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PromptAudio.writeTone(path: path, seconds: seconds, sampleRate: 8000)
        let info = try PromptAudio.info(path: path)
        #expect(info.seconds == seconds)
        #expect(info.sampleRate == 8000 && info.channels == 1)
    }

    @Test("missing and unreadable files are errors, not crashes")
    func badFiles() throws {
        #expect(throws: PromptAudio.ReadError.self) { try PromptAudio.info(path: "/nonexistent/greeting.wav") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-audio-\(UUID()).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("this is not a RIFF file".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: PromptAudio.ReadError.self) { try PromptAudio.info(path: path) }
        #expect(error?.reason.hasPrefix("not readable as audio") == true)
    }
}
