import Foundation
import Yams

/// A node of a parsed YAML file together with its field path, so that every conversion failure can say where it is.
package struct YAMLValue {
    package let node: Node
    package let path: String
    package let file: String

    package init(node: Node, path: String, file: String) {
        self.node = node
        self.path = path
        self.file = file
    }

    /// Parses a whole document. Malformed YAML becomes an ``InputError`` at the parser's position.
    package static func parse(_ text: String, file: String) throws(InputError) -> YAMLValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw InputError(yamlError: error, file: file)
        } catch {
            throw InputError(file: file, line: 0, column: 0, field: "", message: "not valid YAML: \(error)")
        }
        guard let node else {
            throw InputError(file: file, line: 1, column: 1, field: "", message: "the file is empty")
        }
        return YAMLValue(node: node, path: "", file: file)
    }

    /// Reads and parses a file.
    package static func load(path: String) throws(InputError) -> YAMLValue {
        try parse(try text(path), file: path)
    }

    static func text(_ path: String) throws(InputError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, line: 0, column: 0, field: "", message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: path, line: 0, column: 0, field: "", message: "the file is not UTF-8 text")
        }
        return text
    }

    /// Reads a file as ``load(path:)`` does, but goes on past keys written twice in one mapping: each is reported in
    /// `errors` and its second occurrence (with the lines indented under it) is left out, so the checker can read
    /// the rest. Other mistakes are thrown.
    package static func loadRecovering(path: String, errors: inout [InputError]) throws(InputError) -> YAMLValue {
        var lines = try text(path).components(separatedBy: "\n")
        for _ in 0..<50 {
            let text = lines.joined(separator: "\n")
            let duplicate: (key: String, mark: Mark)
            do {
                return try parse(text, file: path)
            } catch {
                guard case .duplicatedKeysInMapping(let keys, let context)? = try? Self.yamlError(text),
                    let key = keys.first
                else { throw error }
                duplicate = (key, context.mark)
            }
            guard let second = Self.repeatLine(of: duplicate.key, after: duplicate.mark, in: lines) else {
                return try parse(text, file: path)
            }
            errors.append(
                InputError(
                    file: path, line: second + 1, column: duplicate.mark.column, field: "",
                    message: "the key '\(duplicate.key)' appears twice in one mapping (first on line "
                        + "\(duplicate.mark.line)); this one is left out while the rest is checked"))
            let indent = lines[second].prefix { $0 == " " }.count
            var end = second + 1
            while end < lines.count,
                lines[end].prefix(while: { $0 == " " }).count > indent
                    || lines[end].trimmingCharacters(in: .whitespaces).isEmpty
            {
                end += 1
            }
            for i in second..<end { lines[i] = "" }
        }
        return try parse(lines.joined(separator: "\n"), file: path)
    }

    /// The parser's own error for `text`, if composing it fails.
    private static func yamlError(_ text: String) throws -> YamlError? {
        do {
            _ = try Yams.compose(yaml: text)
            return nil
        } catch let error as YamlError {
            return error
        }
    }

    /// The 0-based line of the next line after `mark` that starts, at the mark's column, with `key:`.
    private static func repeatLine(of key: String, after mark: Mark, in lines: [String]) -> Int? {
        let column = mark.column - 1
        guard mark.line >= 1 else { return nil }
        for i in mark.line..<lines.count {
            let line = Array(lines[i])
            guard line.count > column, line.prefix(column).allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
            let rest = String(line[column...])
            for form in ["\(key):", "\"\(key)\":", "'\(key)':"] where rest.hasPrefix(form) { return i }
        }
        return nil
    }

    package var line: Int { (node.mark?.line ?? 0) }
    package var column: Int { (node.mark?.column ?? 0) }

    /// An error located at this value.
    package func error(_ message: String) -> InputError {
        InputError(file: file, line: line, column: column, field: path, message: message)
    }

    package var kindName: String {
        switch node {
        case .scalar(let s): s.string.isEmpty || s.string == "~" || s.string == "null" ? "nothing" : "'\(s.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    // MARK: Structure

    package var isMapping: Bool { node.mapping != nil }
    package var isSequence: Bool { node.sequence != nil }

    /// The keys and values of a mapping, in file order.
    package func entries() throws(InputError) -> [(key: String, keyValue: YAMLValue, value: YAMLValue)] {
        guard let mapping = node.mapping else { throw error("expected a mapping of fields, found \(kindName)") }
        var out: [(String, YAMLValue, YAMLValue)] = []
        var seen = Set<String>()
        for (key, value) in mapping {
            let name = key.string ?? ""
            let keyValue = YAMLValue(node: key, path: child(name), file: file)
            if !seen.insert(name).inserted { throw keyValue.error("the key '\(name)' appears twice") }
            out.append((name, keyValue, YAMLValue(node: value, path: child(name), file: file)))
        }
        return out
    }

    /// Checks that a mapping holds only `allowed` keys and has every key of `required`.
    package func expectKeys(_ allowed: [String], required: [String] = []) throws(InputError) {
        let entries = try entries()
        for entry in entries where !allowed.contains(entry.key) {
            let hint = closest(entry.key, among: allowed).map { " Did you mean '\($0)'?" } ?? ""
            throw entry.keyValue.error(
                "unknown field '\(entry.key)'.\(hint) Allowed here: \(allowed.joined(separator: ", ")).")
        }
        for key in required where !entries.contains(where: { $0.key == key }) {
            throw error("the field '\(key)' is missing")
        }
    }

    package subscript(_ key: String) -> YAMLValue? {
        guard let mapping = node.mapping else { return nil }
        for (k, v) in mapping where k.string == key { return YAMLValue(node: v, path: child(key), file: file) }
        return nil
    }

    package func required(_ key: String) throws(InputError) -> YAMLValue {
        guard isMapping else { throw error("expected a mapping of fields, found \(kindName)") }
        guard let value = self[key] else { throw error("the field '\(key)' is missing") }
        return value
    }

    package func items() throws(InputError) -> [YAMLValue] {
        guard let sequence = node.sequence else { throw error("expected a list, found \(kindName)") }
        return sequence.enumerated().map { YAMLValue(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Scalars

    package func string() throws(InputError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected text, found \(kindName)") }
        return scalar.string
    }

    package func bool() throws(InputError) -> Bool {
        guard case .scalar = node, let value = node.bool else {
            throw error("expected true or false, found \(kindName)")
        }
        return value
    }

    package func double() throws(InputError) -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string.replacingOccurrences(of: "_", with: ""))
        else { throw error("expected a number, found \(kindName)") }
        guard value.isFinite else { throw error("expected a finite number, found \(kindName)") }
        return value
    }

    package func int() throws(InputError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string.replacingOccurrences(of: "_", with: ""))
        else { throw error("expected a whole number, found \(kindName)") }
        return value
    }

    package func nonNegativeInt() throws(InputError) -> Int {
        let value = try int()
        guard value >= 0 else { throw error("must not be negative, found \(value)") }
        return value
    }

    /// A duration in seconds: a number (seconds) or a number with a unit, `90s`, `3m`, `1.5h`, `2d`.
    package func duration() throws(InputError) -> Double {
        guard let seconds = Quantity.seconds(try string()) else {
            throw error("expected a duration such as 180, 180s, 3m or 1.5h, found \(kindName)")
        }
        guard seconds >= 0 else { throw error("a duration cannot be negative, found \(kindName)") }
        return seconds
    }

    /// A calendar date, `YYYY-MM-DD`, as its text and its day counted from 1970-01-01.
    package func date() throws(InputError) -> (text: String, day: Int) {
        let text = try string()
        guard let day = Quantity.day(text) else { throw error("expected a date as YYYY-MM-DD, found '\(text)'") }
        return (text, day)
    }

    /// A share as a fraction: `8%` or `0.08`.
    package func share() throws(InputError) -> Double {
        guard let share = Quantity.share(try string()) else {
            throw error("expected a share such as 8% or 0.08, found \(kindName)")
        }
        guard (0...1).contains(share) else { throw error("a share must lie between 0% and 100%, found \(kindName)") }
        return share
    }
}

extension InputError {
    init(yamlError: YamlError, file: String) {
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            self.init(file: file, line: mark.line, column: mark.column, field: "", message: "not valid YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            self.init(
                file: file, line: context.mark.line, column: context.mark.column, field: "",
                message:
                    "\(duplicates.count == 1 ? "the key" : "the keys") \(keys) \(duplicates.count == 1 ? "appears" : "appear") twice in one mapping"
            )
        default:
            self.init(file: file, line: 0, column: 0, field: "", message: "not valid YAML: \(yamlError)")
        }
    }
}

/// The allowed word nearest to a misspelt one, when it is close enough to be a likely typo.
func closest(_ word: String, among candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
    let scored = candidates.map { ($0, distance(Array(word.lowercased()), Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
    return best.0
}
