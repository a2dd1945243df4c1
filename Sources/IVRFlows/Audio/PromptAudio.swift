import CSndFile
import Foundation

/// Reads prompt recordings (WAV, FLAC, OGG and whatever else libsndfile opens) for their duration.
package enum PromptAudio {
    /// What a recording is: its length and format, from its header.
    package struct Info: Sendable, Equatable {
        package var seconds: Double
        package var sampleRate: Int
        package var channels: Int
        package var frames: Int
    }

    package struct ReadError: Error, CustomStringConvertible, Sendable {
        package var path: String
        package var reason: String
        package var description: String { "\(path): \(reason)" }

        package init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// The length of a recording, in seconds.
    package static func info(path: String) throws(ReadError) -> Info {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ReadError(path: path, reason: "no such audio file")
        }
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            let reason = String(cString: sf_strerror(nil))
            throw ReadError(path: path, reason: "not readable as audio (\(reason))")
        }
        sf_close(file)
        guard info.samplerate > 0 else { throw ReadError(path: path, reason: "the file has no sample rate") }
        return Info(
            seconds: Double(info.frames) / Double(info.samplerate), sampleRate: Int(info.samplerate),
            channels: Int(info.channels), frames: Int(info.frames))
    }

    /// Writes a mono 16-bit PCM WAV of silence (and a quiet tone, so it is not all zeros) lasting `seconds`:
    /// placeholder prompts for a new flow, and test fixtures.
    package static func writeTone(path: String, seconds: Double, sampleRate: Int = 8000) throws(ReadError) {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = 1
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        guard let file = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw ReadError(path: path, reason: "cannot write (\(String(cString: sf_strerror(nil))))")
        }
        defer { sf_close(file) }
        let frames = Int((seconds * Double(sampleRate)).rounded())
        var samples = [Int16](repeating: 0, count: frames)
        for i in 0..<frames { samples[i] = Int16(1000 * sin(2 * Double.pi * 440 * Double(i) / Double(sampleRate))) }
        let written = samples.withUnsafeMutableBufferPointer { sf_write_short(file, $0.baseAddress, sf_count_t(frames)) }
        guard written == frames else { throw ReadError(path: path, reason: "wrote \(written) of \(frames) frames") }
    }
}
