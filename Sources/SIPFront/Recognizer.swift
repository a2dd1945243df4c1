import CPocketSphinx
import Foundation
import IVRFlows

/// A speech step's recogniser: PocketSphinx (Debian's 5prealpha, the en-us acoustic model and CMU dictionary) with a
/// JSGF grammar of the step's phrases, so it can only hear one of them. Telephone audio (8 kHz) is brought to the
/// model's 16 kHz with libsamplerate first. Not thread-safe: one per thread or per call.
package final class Recognizer {
    package static let model = "/usr/share/pocketsphinx/model/en-us/en-us"
    package static let dictionary = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"

    /// Per label (a route of the step), its phrases as the grammar holds them (lower case, no punctuation).
    package let phrases: [[String]]
    /// Words of the step's phrases that the dictionary lacks; phrases with them are left out of the grammar.
    package let unknownWords: [String]
    private let decoder: OpaquePointer

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// `labels[i]`: what the caller may say for label `i` (an intent's name and its phrases).
    package init(labels: [[String]]) throws(Failure) {
        guard FileManager.default.fileExists(atPath: Self.model) else {
            throw Failure(description: "no acoustic model at \(Self.model): apt-get install pocketsphinx-en-us")
        }
        // Dither with a fixed seed: measured 82.6% and 78.0% on the Leeds speech steps against 75.7% and 68.2%
        // without (acdd flows listen flows/leeds), and the same figures on every run.
        let args: [String] = [
            "-hmm", Self.model, "-dict", Self.dictionary, "-logfn", "/dev/null", "-samprate", "16000",
            "-dither", "yes", "-seed", "4733",
        ]
        var cargs = args.map { strdup($0) }
        defer { cargs.forEach { free($0) } }
        let config = cargs.withUnsafeMutableBufferPointer { buf in
            cmd_ln_parse_r(nil, ps_args(), Int32(buf.count), buf.baseAddress, 1)
        }
        guard let config, let decoder = ps_init(config) else {
            throw Failure(description: "PocketSphinx could not start with \(Self.model)")
        }
        _ = cmd_ln_free_r(config)
        self.decoder = decoder
        var unknown: [String] = []
        var kept: [[String]] = []
        for label in labels {
            var mine: [String] = []
            for phrase in label {
                let words = Self.words(phrase)
                let missing = words.filter { w in w.withCString { ps_lookup_word(decoder, $0) } == nil }
                if words.isEmpty { continue }
                if missing.isEmpty { mine.append(words.joined(separator: " ")) } else { unknown += missing }
            }
            kept.append(mine)
        }
        phrases = kept
        unknownWords = Array(Set(unknown)).sorted()
        let alternatives = Array(Set(kept.flatMap { $0 })).sorted()
        // From here every stored property is set, so a throw runs deinit, which frees the decoder.
        guard !alternatives.isEmpty else {
            throw Failure(description: "no phrase of the step has all its words in the dictionary")
        }
        let grammar = "#JSGF V1.0;\ngrammar step;\npublic <phrase> = \(alternatives.joined(separator: " | "));\n"
        guard ps_set_jsgf_string(decoder, "step", grammar) == 0, ps_set_search(decoder, "step") == 0 else {
            throw Failure(description: "PocketSphinx refused the step's grammar")
        }
    }

    deinit { ps_free(decoder) }

    /// A phrase as the grammar and the dictionary spell it: lower case words of letters and apostrophes.
    package static func words(_ phrase: String) -> [String] {
        phrase.lowercased().split { !($0.isLetter || $0 == "'") }.map(String.init)
    }

    /// What the caller said, from 8 kHz audio: the label whose phrase the recogniser heard, and the phrase; `nil`
    /// when it heard none (silence).
    package func recognize(_ audio: [Int16]) -> (label: Int, phrase: String)? {
        let floats = audio.map { Float($0) / 32768 }
        guard let wide = try? PhoneAudio.resample(floats, from: PhoneAudio.sampleRate, to: 16000, path: "call audio")
        else { return nil }
        let samples = wide.map { Int16(max(-1, min(1, $0)) * 32767) }
        guard ps_start_utt(decoder) == 0 else { return nil }
        samples.withUnsafeBufferPointer { all in
            var at = 0
            while at < all.count {  // in blocks, as a call's audio comes
                let n = min(512, all.count - at)
                _ = ps_process_raw(decoder, all.baseAddress! + at, n, 0, 0)
                at += n
            }
        }
        _ = ps_end_utt(decoder)
        var score: Int32 = 0
        guard let hyp = ps_get_hyp(decoder, &score) else { return nil }
        let heard = String(cString: hyp).trimmingCharacters(in: .whitespaces)
        guard !heard.isEmpty, let label = phrases.firstIndex(where: { $0.contains(heard) }) else { return nil }
        return (label, heard)
    }
}
