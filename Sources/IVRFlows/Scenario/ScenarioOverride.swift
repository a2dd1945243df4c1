import Foundation
import Yams

/// A `--set PATH=VALUE` change to a scenario, applied to its parsed YAML before it is read, so every check of the
/// file applies to the changed value too (docs/scenario.md, "Changing a scenario from the command line").
///
/// PATH is dotted keys; a list element is chosen by position (`queues[0]`), by its `name` (`queues[council-tax]`),
/// or appended (`shifts[+]`). VALUE is YAML: `300s`, `{ exponential: 5m }`, `[10, 12, 14]`.
///
/// `flow[NAME].PATH` changes a flow file the scenario reads instead (NAME is the flow's `flow:` name; `flow[*]`
/// changes every flow): `flow[council-tax].nodes.menu.hang_up=1%`, `flow[*].patience.exponential=50m`.
package struct ScenarioOverride: Sendable, Equatable {
    package enum Selector: Sendable, Equatable {
        case key(String)
        case index(Int)
        case name(String)
        case append
    }

    package var text: String
    package var path: [Selector]
    package var value: String

    /// Parses `PATH=VALUE`; a malformed one is an ``InputError`` located at the option.
    package init(_ text: String) throws(InputError) {
        self.text = text
        func fail(_ message: String) -> InputError {
            InputError(file: "--set \(text)", line: 0, column: 0, field: "", message: message)
        }
        guard let equals = text.firstIndex(of: "=") else {
            throw fail("expected PATH=VALUE, e.g. queues[0].patience.exponential=300s")
        }
        let pathText = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        value = String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        guard !pathText.isEmpty else { throw fail("the path before '=' is empty") }
        var selectors: [Selector] = []
        var rest = Substring(pathText)
        while !rest.isEmpty {
            if rest.first == "." {
                rest = rest.dropFirst()
                continue
            }
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]") else { throw fail("a '[' without its ']'") }
                let inside = String(rest[rest.index(after: rest.startIndex)..<close]).trimmingCharacters(
                    in: .whitespaces)
                if inside == "+" {
                    selectors.append(.append)
                } else if let n = Int(inside) {
                    selectors.append(.index(n))
                } else if !inside.isEmpty {
                    selectors.append(.name(inside))
                } else {
                    throw fail("empty brackets: use [0], [a name] or [+]")
                }
                rest = rest[rest.index(after: close)...]
                continue
            }
            let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
            selectors.append(.key(String(rest[..<end])))
            rest = rest[end...]
        }
        path = selectors
    }

    /// The flow this change is to (`*` for every flow), or `nil` for a change to the scenario file.
    package var flow: String? {
        guard path.count > 1, path[0] == .key("flow") else { return nil }
        switch path[1] {
        case .name(let name): return name
        default: return nil
        }
    }

    /// Whether this is a change to the flow named `name`.
    package func applies(toFlow name: String) -> Bool { flow == "*" || flow == name }

    /// The change as made to a flow file: the path after `flow[NAME]`.
    var withinFlow: ScenarioOverride {
        var inner = self
        inner.path = Array(path.dropFirst(2))
        return inner
    }

    /// Whether `flow[*]` reaches a flow: those without the field's parent (a flow with no `patience` for
    /// `flow[*].patience.exponential`) are left alone.
    func reaches(_ root: Node) -> Bool {
        flow != "*" || current(in: root, dropLast: 1) != nil
    }

    /// The value at this change's path in `root` as it stands (`nil` when there is none, or the path appends).
    package func current(in root: Node, dropLast: Int = 0) -> Node? {
        var node = root
        for selector in (flow == nil ? path[...] : path.dropFirst(2)).dropLast(dropLast) {
            switch selector {
            case .key(let key):
                guard let next = node.mapping?[key] else { return nil }
                node = next
            case .index(let i):
                guard let items = node.sequence, items.indices.contains(i) else { return nil }
                node = items[i]
            case .name(let name):
                guard let next = node.sequence?.first(where: { $0.mapping?["name"]?.string == name }) else {
                    return nil
                }
                node = next
            case .append: return nil
            }
        }
        return node
    }

    /// The YAML tree with the change made, and the field path (with positions) it changed.
    func apply(to root: Node) throws(InputError) -> (Node, String) {
        let newValue: Node
        do {
            newValue = try Yams.compose(yaml: value) ?? Node("", Tag(.null))
        } catch {
            newValue = Node(value)
        }
        var resolved = ""
        let node = try set(root, at: path[...], to: newValue, resolved: &resolved)
        return (node, resolved)
    }

    private func fail(_ message: String, at field: String) -> InputError {
        InputError(file: "--set \(text)", line: 0, column: 0, field: field, message: message)
    }

    private func set(
        _ node: Node, at path: ArraySlice<Selector>, to value: Node, resolved: inout String
    ) throws(InputError)
        -> Node
    {
        guard let first = path.first else { return value }
        let here = resolved
        switch first {
        case .key(let key):
            guard var mapping = node.mapping else {
                throw fail("'\(key)' is a field, but this is not a mapping of fields", at: here)
            }
            resolved = here.isEmpty ? key : "\(here).\(key)"
            if path.count > 1 && mapping[key] == nil {
                let known = Array(mapping.keys.compactMap(\.string))
                let hint = closest(key, among: known).map { " Did you mean '\($0)'?" } ?? ""
                throw fail("no field '\(key)' here.\(hint)", at: here)
            }
            mapping[key] = try set(
                mapping[key] ?? Node("", Tag(.null)), at: path.dropFirst(), to: value, resolved: &resolved)
            return .mapping(mapping)
        case .index(let i):
            guard var sequence = node.sequence else { throw fail("this is not a list", at: here) }
            guard sequence.indices.contains(i) else {
                throw fail("there is no [\(i)]: the list has \(sequence.count) items", at: here)
            }
            resolved = "\(here)[\(i)]"
            sequence[i] = try set(sequence[i], at: path.dropFirst(), to: value, resolved: &resolved)
            return .sequence(sequence)
        case .name(let name):
            guard var sequence = node.sequence else { throw fail("this is not a list", at: here) }
            guard let i = sequence.firstIndex(where: { $0.mapping?["name"]?.string == name }) else {
                let names = sequence.compactMap { $0.mapping?["name"]?.string }
                let hint = closest(name, among: names).map { " Did you mean '\($0)'?" } ?? ""
                throw fail("no item named '\(name)'.\(hint)", at: here)
            }
            resolved = "\(here)[\(i)]"
            sequence[i] = try set(sequence[i], at: path.dropFirst(), to: value, resolved: &resolved)
            return .sequence(sequence)
        case .append:
            guard var sequence = node.sequence else { throw fail("this is not a list", at: here) }
            sequence.append(Node("", Tag(.null)))
            resolved = "\(here)[\(sequence.count - 1)]"
            sequence[sequence.count - 1] = try set(
                Node("", Tag(.null)), at: path.dropFirst(), to: value, resolved: &resolved)
            return .sequence(sequence)
        }
    }
}
