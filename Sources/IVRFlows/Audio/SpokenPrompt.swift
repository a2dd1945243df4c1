import Foundation

/// Where the recording of a text prompt lives once `acdd flows prompts --speak` has made it:
/// `prompts/spoken-HASH.wav` beside the flow file, named by a hash of the voice, the speaking rate and the text, so a
/// changed text gets a new file and an unchanged one keeps its recording.
package enum SpokenPrompt {
    package static let voice = "en-gb"

    package static func path(text: String, folder: String, wordsPerMinute: Double) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bits: stable across runs and machines
        for byte in "\(voice)|\(Int(wordsPerMinute.rounded()))|\(text)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let name = "spoken-" + String(hash, radix: 16).leftPadded(to: 16) + ".wav"
        return URL(fileURLWithPath: folder).appendingPathComponent("prompts").appendingPathComponent(name).path
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
