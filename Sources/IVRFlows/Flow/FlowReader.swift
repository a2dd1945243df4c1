import ACDCore
import Foundation

extension FlowDocument {
    /// Reads a flow file; every mistake is an ``InputError`` with its file, line, column and field.
    package static func load(path: String) throws(InputError) -> FlowDocument {
        try FlowReader.read(try YAMLValue.load(path: path))
    }

    /// Reads a flow file as far as it can, for the checker: a node (or the tests) with a mistake is recorded in
    /// `errors` and stands as a placeholder in ``brokenNodes``, so the rest is still read and checked. `nil` when
    /// the file cannot be read at all (`errors` says why); `name` is then the flow's name if the file gives one.
    package static func loadRecovering(path: String, errors: inout [InputError]) -> (FlowDocument?, name: String?) {
        let root: YAMLValue
        do { root = try YAMLValue.loadRecovering(path: path, errors: &errors) } catch {
            errors.append(error)
            return (nil, nil)
        }
        do {
            return (try FlowReader.read(root, errors: &errors), nil)
        } catch {
            errors.append(error)
            return (nil, try? root["flow"]?.string())
        }
    }

    package static func parse(_ text: String, file: String = "<flow>") throws(InputError) -> FlowDocument {
        try FlowReader.read(try YAMLValue.parse(text, file: file))
    }
}

/// Turns a parsed flow file into a ``FlowDocument``; the checker (FlowChecker) judges the graph afterwards.
enum FlowReader {
    static let topKeys = [
        "flow", "timezone", "words_per_minute", "long_prompt", "patience", "repeat_window", "start", "nodes", "tests",
    ]
    static let kinds = [
        "play", "menu", "speech", "hours", "self_service", "signpost", "branch", "set", "queue", "transfer",
        "hangup", "call", "return",
    ]

    static func attributeValues(_ value: YAMLValue) throws(InputError) -> [AttributeValue] {
        try value.entries().map { e throws(InputError) in
            AttributeValue(
                attribute: Reference(name: e.key, location: Location(e.keyValue)),
                value: Reference(name: try e.value.string(), location: Location(e.value)))
        }
    }

    /// Reads a flow; the first mistake anywhere is thrown.
    static func read(_ root: YAMLValue) throws(InputError) -> FlowDocument {
        var errors: [InputError] = []
        let document = try read(root, errors: &errors)
        if let first = errors.first { throw first }
        return document
    }

    /// Reads a flow; a mistake inside a node or the tests goes into `errors` and the rest is read on (the node
    /// becomes a placeholder listed in ``FlowDocument/brokenNodes``); one in the flow's own fields is thrown.
    static func read(_ root: YAMLValue, errors: inout [InputError]) throws(InputError) -> FlowDocument {
        try root.expectKeys(topKeys, required: ["flow", "start", "nodes"])
        let name = try root.required("flow").string()
        let wpm = try root["words_per_minute"]?.double() ?? 150
        if wpm <= 0, let w = root["words_per_minute"] { throw w.error("the speaking rate must be positive") }
        var nodes: [FlowNode] = []
        var broken = Set<String>()
        let nodesValue = try root.required("nodes")
        for entry in try nodesValue.entries() {
            do {
                nodes.append(try readNode(id: entry.key, entry.value, keyValue: entry.keyValue))
            } catch {
                errors.append(error)
                broken.insert(entry.key)
                nodes.append(
                    FlowNode(id: entry.key, kind: .hangup(outcome: .hungUp), location: Location(entry.keyValue)))
            }
        }
        if nodes.isEmpty { throw nodesValue.error("a flow needs at least one node") }
        var tests: [FlowTestCall] = []
        do { tests = try readTests(root["tests"]) } catch { errors.append(error) }
        var document = FlowDocument(
            name: name, file: root.file, timeZone: try root["timezone"]?.string(), wordsPerMinute: wpm,
            longPrompt: try root["long_prompt"]?.duration() ?? 60, patience: try root["patience"]?.distribution(),
            start: try reference(root.required("start")), nodes: nodes, location: Location(root), tests: tests)
        document.brokenNodes = broken
        if let window = root["repeat_window"] { document.repeatWindow = try window.duration() }
        return document
    }

    static func reference(_ value: YAMLValue) throws(InputError) -> Reference {
        let name = try value.string()
        guard !name.isEmpty else { throw value.error("expected a name") }
        return Reference(name: name, location: Location(value))
    }

    static func prompt(_ value: YAMLValue) throws(InputError) -> Prompt {
        if !value.isMapping { return Prompt(text: try value.string(), audio: nil, location: Location(value)) }
        try value.expectKeys(["text", "audio"])
        let text = try value["text"]?.string()
        let audio = try value["audio"]?.string()
        guard (text == nil) != (audio == nil) else { throw value.error("a prompt is either 'text' or 'audio'") }
        return Prompt(text: text, audio: audio, location: Location(value))
    }

    /// A node: its one kind (what it does, read by ``readKind(_:body:node:)``) and the options every node or a queue
    /// node may add.
    static func readNode(id: String, _ value: YAMLValue, keyValue: YAMLValue) throws(InputError) -> FlowNode {
        let kind = try nodeKind(value)
        var node = FlowNode(
            id: id, kind: try readKind(kind, body: try value.required(kind), node: value), location: Location(keyValue))
        if let hangUp = value["hang_up"] { node.hangUp = try hangUp.share() }
        if kind == "queue" {
            if let p = value["priority"] {
                node.callPriority = try p.int()
                guard (0...15).contains(node.callPriority) else { throw p.error("a call priority is from 0 to 15") }
            }
            node.callback = try value["callback"].map { v throws(InputError) in try readCallbackOffer(v) }
            node.announcement = try value["announce"].map { v throws(InputError) in try readAnnouncement(v) }
        }
        if let callBack = value["call_back"] {
            try callBack.expectKeys(["share", "after"], required: ["share", "after"])
            node.callBack = CallBack(
                share: try callBack.required("share").share(), delay: try callBack.required("after").distribution())
        }
        return node
    }

    /// The one key of a node that names its kind; none, or more than one, is an error.
    static func nodeKind(_ value: YAMLValue) throws(InputError) -> String {
        let entries = try value.entries()
        let present = entries.map(\.key).filter { kinds.contains($0) }
        guard present.count == 1, let kind = present.first else {
            if present.isEmpty {
                let unknown =
                    entries.first.map { e in
                        closest(e.key, among: kinds).map { " ('\(e.key)': did you mean '\($0)'?)" } ?? ""
                    } ?? ""
                throw value.error("a node needs one kind: \(kinds.joined(separator: ", "))\(unknown)")
            }
            throw value.error("a node has one kind, found \(present.joined(separator: " and "))")
        }
        return kind
    }

    /// What a node of `kind` does, from its `body` (the value under the kind's key) and the `node`'s other keys, which
    /// are checked against what that kind allows first.
    static func readKind(_ kind: String, body: YAMLValue, node value: YAMLValue) throws(InputError) -> FlowNode.Kind {
        func allow(_ keys: [String], required: [String] = []) throws(InputError) {
            let ends = ["queue", "transfer", "hangup", "return"].contains(kind)
            try value.expectKeys([kind] + keys + (ends ? [] : ["hang_up"]), required: required)
        }
        func next(_ key: String = "next") throws(InputError) -> Reference { try reference(value.required(key)) }
        switch kind {
        case "play":
            try allow(["barge_in", "next"], required: ["next"])
            let bargeIn = try value["barge_in"]?.bool() ?? true
            return .play(prompt: try prompt(body), bargeIn: bargeIn, next: try next())
        case "menu":
            try allow([])
            return .menu(try readMenu(body))
        case "speech":
            try allow([])
            return .speech(try readSpeech(body))
        case "hours":
            try allow(["open", "closed"], required: ["open", "closed"])
            return .hours(calendar: try reference(body), open: try next("open"), closed: try next("closed"))
        case "self_service":
            try allow(["completed", "failed", "call_back"], required: ["failed"])
            try body.expectKeys(["task", "duration", "completion"], required: ["task", "duration", "completion"])
            return .selfService(
                task: try body.required("task").string(), duration: try body.required("duration").distribution(),
                completion: try body.required("completion").share(),
                completed: try value["completed"].map { v throws(InputError) in try reference(v) },
                failed: try next("failed"))
        case "signpost":
            try allow(["satisfied", "otherwise", "call_back"], required: ["satisfied", "otherwise"])
            return .signpost(
                message: try prompt(body), satisfied: try value.required("satisfied").share(),
                otherwise: try next("otherwise"))
        case "branch":
            try allow(["otherwise"], required: ["otherwise"])
            let cases = try body.items().map { item throws(InputError) in try readBranchCase(item) }
            return .branch(cases: cases, otherwise: try next("otherwise"))
        case "set":
            try allow(["next"], required: ["next"])
            let values = try attributeValues(body)
            if values.isEmpty { throw body.error("set at least one attribute, e.g. { vulnerable: yes }") }
            return .set(values: values, next: try next())
        case "queue":
            try allow(["priority", "callback", "announce"])
            return .queue(queue: try reference(body))
        case "transfer":
            try allow([])
            return .transfer(destination: try body.string())
        case "hangup":
            try allow([])
            return .hangup(outcome: try hangUpOutcome(body))
        case "call":
            try allow(["next"], required: ["next"])
            return .call(flow: try reference(body), next: try next())
        default:  // "return"
            try allow([])
            return .return
        }
    }

    /// One case of a branch: the intents, attribute values or time of day it matches, and where it goes.
    static func readBranchCase(_ item: YAMLValue) throws(InputError) -> BranchCase {
        try item.expectKeys(["intents", "between", "when", "next"], required: ["next"])
        let intents =
            try item["intents"].map { v throws(InputError) in
                try v.items().map { i throws(InputError) in try reference(i) }
            } ?? []
        var window: (Double, Double)?
        if let between = item["between"] {
            let bounds = try between.items()
            guard bounds.count == 2 else { throw between.error("between takes [\"HH:MM\", \"HH:MM\"]") }
            window = (try clock(bounds[0]), try clock(bounds[1]))
        }
        let when = try item["when"].map { v throws(InputError) in try attributeValues(v) } ?? []
        if intents.isEmpty && window == nil && when.isEmpty {
            throw item.error("a case needs 'intents', 'when' or 'between'")
        }
        return BranchCase(
            intents: intents, when: when, timeOfDay: window, next: try reference(item.required("next")),
            location: Location(item))
    }

    /// How a hang-up node classifies the call.
    static func hangUpOutcome(_ body: YAMLValue) throws(InputError) -> FlowOutcome {
        let word = try body.string()
        let outcomes: [String: FlowOutcome] = [
            "self-served": .selfServed, "deflected": .deflected, "transferred": .transferred, "closed": .closed,
        ]
        guard let outcome = outcomes[word] else {
            throw body.error(
                "a hang-up is classified: one of \(outcomes.keys.sorted().joined(separator: ", ")), found '\(word)'")
        }
        return outcome
    }

    /// A queue node's callback offer: after a wait or at a position, the share who accept, the time to dial back.
    static func readCallbackOffer(_ c: YAMLValue) throws(InputError) -> CallbackOffer {
        try c.expectKeys(["after", "position", "accept", "dial_time"], required: ["accept"])
        let after = try c["after"]?.positiveDuration()
        let position = try c["position"]?.int()
        if after == nil && position == nil { throw c.error("a callback offer needs 'after' or 'position'") }
        if let position, position < 1, let v = c["position"] {
            throw v.error("positions start at 1, the front")
        }
        return CallbackOffer(
            after: after, position: position, accept: try c.required("accept").share(),
            dialTime: try c["dial_time"]?.duration() ?? 20)
    }

    /// A queue node's announcement while the caller waits: its kind, and how long it takes.
    static func readAnnouncement(_ a: YAMLValue) throws(InputError) -> Announcement {
        let kindValue = a.isMapping ? try a.required("kind") : a
        if a.isMapping { try a.expectKeys(["kind", "duration"], required: ["kind"]) }
        guard let kind = Announcement.Kind(rawValue: try kindValue.string()) else {
            throw kindValue.error("announce 'position' or 'expected_wait', found \(kindValue.kindName)")
        }
        return Announcement(kind: kind, duration: try a["duration"]?.duration() ?? 8)
    }

    static func readMenu(_ body: YAMLValue) throws(InputError) -> Menu {
        try body.expectKeys(
            [
                "prompt", "repeat_prompt", "barge_in", "options", "timeout", "retries", "no_input", "no_match",
                "exhausted",
            ],
            required: ["prompt", "options", "exhausted"])
        var options: [Menu.Option] = []
        for entry in try body.required("options").entries() {
            guard !entry.key.isEmpty, entry.key.allSatisfy({ "0123456789*#".contains($0) }) else {
                throw entry.keyValue.error("a menu key is made of 0-9, * and #, found '\(entry.key)'")
            }
            try entry.value.expectKeys(["intents", "next"], required: ["next"])
            let intents =
                try entry.value["intents"].map { v throws(InputError) in
                    try v.items().map { i throws(InputError) in try reference(i) }
                } ?? []
            options.append(
                Menu.Option(
                    key: entry.key, intents: intents, next: try reference(entry.value.required("next")),
                    location: Location(entry.keyValue)))
        }
        let retries = try body["retries"]?.nonNegativeInt() ?? 2
        var menu = Menu(
            prompt: try prompt(body.required("prompt")),
            repeatPrompt: try body["repeat_prompt"].map { v throws(InputError) in try prompt(v) }, options: options,
            timeout: try body["timeout"]?.duration() ?? 5, retries: retries,
            noInput: try body["no_input"].map { v throws(InputError) in try prompt(v) },
            noMatch: try body["no_match"].map { v throws(InputError) in try prompt(v) },
            exhausted: try reference(body.required("exhausted")), location: Location(body))
        menu.bargeIn = try body["barge_in"]?.bool() ?? true
        return menu
    }

    static func readSpeech(_ body: YAMLValue) throws(InputError) -> Speech {
        try body.expectKeys(
            ["prompt", "repeat_prompt", "intents", "recognition", "confusion", "retries", "no_match", "exhausted"],
            required: ["prompt", "intents", "recognition", "exhausted"])
        var routes: [Speech.Route] = []
        for entry in try body.required("intents").entries() {
            let next: Reference
            var phrases: [String] = []
            if entry.value.isMapping {
                try entry.value.expectKeys(["next", "phrases"], required: ["next"])
                next = try reference(entry.value.required("next"))
                phrases =
                    try entry.value["phrases"].map { v throws(InputError) in
                        try v.items().map { p throws(InputError) in try p.string().lowercased() }
                    } ?? []
            } else {
                next = try reference(entry.value)
            }
            routes.append(
                Speech.Route(
                    intent: Reference(name: entry.key, location: Location(entry.keyValue)), next: next,
                    phrases: phrases))
        }
        var confusion: [String: [String: Double]] = [:]
        var confusionLocation: Location?
        if let c = body["confusion"] {
            confusionLocation = Location(c)
            for row in try c.entries() {
                var cells: [String: Double] = [:]
                for cell in try row.value.entries() { cells[cell.key] = try cell.value.share() }
                confusion[row.key] = cells
            }
        }
        return Speech(
            prompt: try prompt(body.required("prompt")),
            repeatPrompt: try body["repeat_prompt"].map { v throws(InputError) in try prompt(v) }, routes: routes,
            recognition: try body.required("recognition").share(), confusion: confusion,
            confusionLocation: confusionLocation, retries: try body["retries"]?.nonNegativeInt() ?? 1,
            noMatch: try body["no_match"].map { v throws(InputError) in try prompt(v) },
            exhausted: try reference(body.required("exhausted")), location: Location(body))
    }

    /// `HH:MM` as seconds from midnight (24:00 allowed).
    static func clock(_ value: YAMLValue) throws(InputError) -> Double {
        let text = try value.string()
        guard let seconds = Quantity.clock(text) else { throw value.error("expected a time as HH:MM, found '\(text)'") }
        return seconds
    }
}
