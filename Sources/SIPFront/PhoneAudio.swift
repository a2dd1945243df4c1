import CSampleRate
import CSndFile
import Foundation
import IVRFlows

/// Audio as a telephone call carries it: 8 kHz, mono, 16-bit. Files are read with libsndfile and converted with
/// libsamplerate; text is spoken with espeak-ng.
package final class PhoneAudio: Sendable {
    package static let sampleRate = 8000
    package let samples: [Int16]
    package var seconds: Double { Double(samples.count) / Double(Self.sampleRate) }

    package init(samples: [Int16]) { self.samples = samples }

    /// A recording in any format libsndfile reads, mixed to mono and resampled to 8 kHz (libsamplerate's medium
    /// quality sinc converter).
    package static func read(path: String) throws(PromptAudio.ReadError) -> PhoneAudio {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw PromptAudio.ReadError(path: path, reason: "not readable as audio (\(String(cString: sf_strerror(nil))))")
        }
        defer { sf_close(file) }
        let channels = Int(max(info.channels, 1))
        let frames = Int(info.frames)
        var interleaved = [Float](repeating: 0, count: frames * channels)
        let read = interleaved.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, sf_count_t(frames)) }
        var mono = [Float](repeating: 0, count: Int(read))
        for i in 0..<Int(read) {
            var sum: Float = 0
            for c in 0..<channels { sum += interleaved[i * channels + c] }
            mono[i] = sum / Float(channels)
        }
        let rate = Int(info.samplerate)
        guard rate > 0 else { throw PromptAudio.ReadError(path: path, reason: "the file has no sample rate") }
        let converted = rate == sampleRate ? mono : try resample(mono, from: rate, path: path)
        return PhoneAudio(samples: converted.map { Int16(max(-1, min(1, $0)) * 32767) })
    }

    /// `input` at `rate` converted to `target` Hz with libsamplerate's medium-quality sinc converter.
    static func resample(
        _ input: [Float], from rate: Int, to target: Int = sampleRate, path: String
    ) throws(PromptAudio.ReadError) -> [Float] {
        let ratio = Double(target) / Double(rate)
        var output = [Float](repeating: 0, count: Int((Double(input.count) * ratio).rounded(.up)) + 16)
        let (status, produced) = input.withUnsafeBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                var data = SRC_DATA()
                data.data_in = inp.baseAddress
                data.input_frames = inp.count
                data.data_out = out.baseAddress
                data.output_frames = out.count
                data.src_ratio = ratio
                data.end_of_input = 1
                let status = src_simple(&data, Int32(SRC_SINC_MEDIUM_QUALITY), 1)
                return (status, data.output_frames_gen)
            }
        }
        guard status == 0 else {
            throw PromptAudio.ReadError(path: path, reason: "resampling failed: \(String(cString: src_strerror(status)))")
        }
        return Array(output.prefix(produced))
    }

    /// `text` spoken by espeak-ng (British English by default) at `wordsPerMinute`, written to `path` as a WAV.
    package static func speak(
        _ text: String, to path: String, wordsPerMinute: Double, voice: String = "en-gb"
    ) throws(PromptAudio.ReadError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["espeak-ng", "-v", voice, "-s", String(Int(wordsPerMinute.rounded())), "-w", path, text]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw PromptAudio.ReadError(path: path, reason: "cannot run espeak-ng (\(error)); apt-get install espeak-ng")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let why = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw PromptAudio.ReadError(
                path: path, reason: "espeak-ng failed (\(process.terminationStatus)): \(why.prefix(200))")
        }
    }

    /// Whether espeak-ng can be run here.
    package static var canSpeak: Bool {
        ProcessInfo.processInfo.environment["PATH", default: "/usr/bin"].split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/espeak-ng")
        }
    }

    /// Music on hold when the flow set has none: a soft two-note chime every four seconds.
    package static func chime() -> PhoneAudio {
        var samples = [Int16](repeating: 0, count: 4 * sampleRate)
        for (start, hz) in [(0, 523.25), (Int(0.45 * Double(sampleRate)), 659.25)] {
            let length = Int(0.4 * Double(sampleRate))
            for i in 0..<length {
                let t = Double(i) / Double(sampleRate)
                let envelope = sin(Double.pi * Double(i) / Double(length))
                samples[start + i] = Int16(3000 * envelope * sin(2 * Double.pi * hz * t))
            }
        }
        return PhoneAudio(samples: samples)
    }

    /// A quiet 400 Hz tone of `seconds`: what a text prompt sounds like where espeak-ng is not installed.
    package static func placeholder(seconds: Double) -> PhoneAudio {
        let count = Int(seconds * Double(sampleRate))
        return PhoneAudio(
            samples: (0..<count).map { Int16(800 * sin(2 * Double.pi * 400 * Double($0) / Double(sampleRate))) })
    }
}
