import ACDCore
import Foundation

/// One finding of the checker.
package struct FlowProblem: Sendable, Equatable, CustomStringConvertible {
    package enum Severity: String, Sendable { case error, warning }
    package var severity: Severity
    package var location: InputError

    package init(severity: Severity, location: InputError) {
        self.severity = severity
        self.location = location
    }

    package var description: String {
        let l = location
        let place = l.line > 0 ? "\(l.file):\(l.line):\(l.column)" : l.file
        return l.field.isEmpty
            ? "\(place): \(severity.rawValue): \(l.message)"
            : "\(place): \(severity.rawValue): \(l.field): \(l.message)"
    }
}

/// Checks a flow set without running it (docs/flows.md, "The checker"). Every rule reports where the problem is;
/// the checker reads everything it can and reports all it finds rather than stopping at the first.
package struct FlowChecker {
    package private(set) var problems: [FlowProblem] = []
    /// What was read: flows, their nodes and scripted test calls (for the summary line).
    package private(set) var flows = 0
    package private(set) var nodes = 0
    package private(set) var tests = 0
    /// Flows whose files could not be read: references to them are not reported again as unknown.
    var brokenFlows: Set<String> = []

    /// What the scenario beside the flows says, when there is one.
    struct ScenarioFacts {
        var queues: [String: Location] = [:]
        /// Queues by the intents they declare they serve.
        var servedBy: [String: [String]] = [:]
        var calendars: Set<String> = []
        var intents: Set<String> = []
        /// Caller attributes and their values (`attributes:` in the scenario).
        var attributes: [String: [String]] = [:]
        var entries: [(flow: Reference, intents: [String])] = []
    }

    package init() {}

    /// Checks a flow set: a folder (its `scenario.yaml`, if any, and its flows) or a single flow file.
    package static func check(path: String) -> [FlowProblem] { checked(path: path).problems }

    /// The checker after checking `path`: its problems and what it read.
    package static func checked(path: String) -> FlowChecker {
        var checker = FlowChecker()
        checker.run(path: path)
        return checker
    }

    /// `3 flows, 41 nodes, 12 test calls: no errors, 1 warning`.
    package var summary: String {
        let errors = problems.filter { $0.severity == .error }.count
        let warnings = problems.count - errors
        func n(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        let found = [
            errors == 0 ? "no errors" : n(errors, "error"), warnings == 0 ? "no warnings" : n(warnings, "warning"),
        ]
        return "\(n(flows, "flow")), \(n(nodes, "node")), \(n(tests, "test call")): " + found.joined(separator: ", ")
    }

    mutating func error(_ e: InputError) { problems.append(FlowProblem(severity: .error, location: e)) }
    mutating func warning(_ e: InputError) { problems.append(FlowProblem(severity: .warning, location: e)) }

    mutating func run(path: String) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            error(InputError(file: path, line: 0, column: 0, field: "", message: "no such file or folder"))
            return
        }
        var flowPaths: [String] = []
        var facts: ScenarioFacts?
        if isDirectory.boolValue {
            let scenario = (path as NSString).appendingPathComponent("scenario.yaml")
            if FileManager.default.fileExists(atPath: scenario) { facts = readScenario(scenario) }
            let folder = (path as NSString).appendingPathComponent("flows")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            flowPaths = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { (folder as NSString).appendingPathComponent($0) }
            if flowPaths.isEmpty {
                error(InputError(file: path, line: 0, column: 0, field: "", message: "no flow files in \(folder)"))
            }
        } else {
            flowPaths = [path]
        }
        var documents: [FlowDocument] = []
        for file in flowPaths {
            var errors: [InputError] = []
            let (document, name) = FlowDocument.loadRecovering(path: file, errors: &errors)
            errors.forEach { self.error($0) }
            if let document { documents.append(document) } else if let name { brokenFlows.insert(name) }
        }
        flows = documents.count
        nodes = documents.reduce(0) { $0 + $1.nodes.count }
        tests = documents.reduce(0) { $0 + $1.tests.count }
        var byName: [String: FlowDocument] = [:]
        for document in documents {
            if byName[document.name] != nil {
                error(document.location.error("a flow named '\(document.name)' is already defined"))
            }
            byName[document.name] = document
        }
        for document in documents { checkDocument(document, flows: byName, facts: facts) }
        if let facts { checkEntries(facts, flows: byName) }
        problems.sort {
            ($0.location.file, $0.location.line, $0.location.column)
                < ($1.location.file, $1.location.line, $1.location.column)
        }
    }

    // MARK: The scenario's side

    mutating func readScenario(_ path: String) -> ScenarioFacts? {
        let root: YAMLValue
        do { root = try YAMLValue.load(path: path) } catch {
            self.error(error)
            return nil
        }
        var facts = ScenarioFacts()
        do {
            for queue in try root["queues"]?.items() ?? [] {
                let name = try queue.required("name").string()
                facts.queues[name] = Location(queue)
                for intent in try queue["intents"]?.items() ?? [] {
                    facts.servedBy[try intent.string(), default: []].append(name)
                }
            }
            for attribute in try root["attributes"]?.entries() ?? [] {
                facts.attributes[attribute.key] = try attribute.value.items().map { v throws(InputError) in
                    try v.string()
                }
            }
            for entry in try root["calendars"]?.entries() ?? [] {
                facts.calendars.insert(entry.key)
                checkCalendar(entry.value, name: entry.key)
            }
            for entry in try root["entries"]?.items() ?? [] {
                let flow = try entry.required("flow")
                var names: [String] = []
                var total = 0.0
                let mix = try entry.required("intents")
                for share in try mix.entries() {
                    names.append(share.key)
                    facts.intents.insert(share.key)
                    total += try share.value.share()
                }
                if abs(total - 1) > 1e-9 {
                    error(mix.error("the intent shares add up to \(String(format: "%g", total * 100))%, not 100%"))
                }
                facts.entries.append((Reference(name: try flow.string(), location: Location(flow)), names))
            }
        } catch {
            self.error(error)
        }
        return facts
    }

    /// Overlapping ranges are errors; a gap between two ranges of one day is a warning (often a lunch closure, but
    /// on a 24/7 rota a hole in cover).
    mutating func checkCalendar(_ value: YAMLValue, name: String) {
        if value["timezone"] == nil { error(value.error("calendar '\(name)' has no time zone")) }
        guard let open = value["open"], let entries = try? open.entries() else { return }
        var byDay = Array(repeating: [(Double, Double, YAMLValue)](), count: 7)
        for entry in entries {
            guard let days = try? ScenarioReader.days(entry.keyValue) else {
                error(
                    entry.keyValue.error("unknown days '\(entry.key)': use mon, tue, ..., ranges like mon-fri, or all"))
                continue
            }
            let ranges = entry.value.isSequence ? ((try? entry.value.items()) ?? []) : [entry.value]
            for range in ranges {
                guard let text = try? range.string(), let (from, to) = ScenarioReader.openRange(text) else {
                    error(range.error("expected opening hours as HH:MM-HH:MM (start before end)"))
                    continue
                }
                for d in days { byDay[d].append((from, to, range)) }
            }
        }
        for (d, ranges) in byDay.enumerated() {
            let sorted = ranges.sorted { $0.0 < $1.0 }
            for (a, b) in zip(sorted, sorted.dropFirst()) {
                if b.0 < a.1 {
                    error(b.2.error("calendar '\(name)': \(Weekday.names[d]) hours overlap another range of that day"))
                } else if b.0 > a.1 {
                    warning(
                        b.2.error(
                            "calendar '\(name)': \(Weekday.names[d]) is closed between \(clock(a.1)) and \(clock(b.0))")
                    )
                }
            }
        }
    }

    func clock(_ seconds: Double) -> String { Quantity.clockText(seconds) }

    mutating func checkEntries(_ facts: ScenarioFacts, flows: [String: FlowDocument]) {
        for entry in facts.entries {
            guard let document = flows[entry.flow.name] else {
                if brokenFlows.contains(entry.flow.name) { continue }
                error(
                    entry.flow.location.error(
                        "unknown flow '\(entry.flow.name)'. Known: \(flows.keys.sorted().joined(separator: ", "))."))
                continue
            }
            // Intents that can never reach a queue that serves them (not judged through nodes that could not be read).
            guard document.brokenNodes.isEmpty else { continue }
            for intent in entry.intents {
                guard let serving = facts.servedBy[intent], !serving.isEmpty else {
                    warnUnserved(intent, entry: entry.flow, document: document, facts: facts, flows: flows)
                    continue
                }
                let reached = queuesReached(from: document, intent: intent, flows: flows)
                if reached.isDisjoint(with: serving) {
                    error(
                        entry.flow.location.error(
                            "callers with intent '\(intent)' can never reach a queue that serves it (\(serving.joined(separator: ", "))) through flow '\(document.name)'"
                        ))
                }
            }
        }
    }

    /// An intent that reaches queues when queues declare the intents they serve, but none lists it: its callers are
    /// answered where they land (counted as `no_queue_serves`), which a planner should know.
    mutating func warnUnserved(
        _ intent: String, entry: Reference, document: FlowDocument, facts: ScenarioFacts, flows: [String: FlowDocument]
    ) {
        guard !facts.servedBy.isEmpty else { return }
        let reached = queuesReached(from: document, intent: intent, flows: flows)
        guard !reached.isEmpty else { return }
        warning(
            entry.location.error(
                "no queue serves intent '\(intent)' (no queue lists it in 'intents'), yet its callers reach "
                    + "\(reached.sorted().joined(separator: ", ")) through flow '\(document.name)': they are answered "
                    + "there with nowhere to transfer them (counted as no_queue_serves)"))
    }

    /// Queues a caller with `intent` can reach: menus only through options listing the intent (or catch-all options
    /// when none does) and `exhausted`; speech only through its own intent, confusions and `exhausted`.
    func queuesReached(from document: FlowDocument, intent: String, flows: [String: FlowDocument]) -> Set<String> {
        var seen = Set<String>()
        var reached = Set<String>()
        var stack = [(document, document.start.name)]
        while let (doc, id) = stack.popLast() {
            guard seen.insert("\(doc.name)/\(id)").inserted, let node = doc.node(id) else { continue }
            var next: [String] = []
            switch node.kind {
            case .queue(let q): reached.insert(q.name)
            case .menu(let m):
                let listing = m.options.filter { $0.intents.contains { $0.name == intent } }
                let chosen = listing.isEmpty ? m.options.filter(\.intents.isEmpty) : listing
                next = chosen.map(\.next.name) + [m.exhausted.name]
            case .speech(let s):
                let names = [intent] + (s.confusion[intent].map { Array($0.keys) } ?? [])
                next = s.routes.filter { names.contains($0.intent.name) }.map(\.next.name) + [s.exhausted.name]
            case .branch(let cases, let otherwise):
                next =
                    cases.filter { $0.intents.isEmpty || $0.intents.contains { $0.name == intent } }.map(\.next.name)
                    + [otherwise.name]
            case .call(let flow, let after):
                if let callee = flows[flow.name] {
                    stack.append((callee, callee.start.name))
                    // What follows the call counts if the callee can return.
                    if callee.nodes.contains(where: { if case .return = $0.kind { true } else { false } }) {
                        next = [after.name]
                    }
                }
            default: next = node.successors.map(\.name)
            }
            for n in next { stack.append((doc, n)) }
        }
        return reached
    }

    // MARK: One flow

    mutating func checkDocument(_ doc: FlowDocument, flows: [String: FlowDocument], facts: ScenarioFacts?) {
        if doc.timeZone == nil {
            error(doc.location.error("flow '\(doc.name)' has no time zone (timezone: Europe/London)"))
        }
        let ids = Set(doc.nodes.map(\.id))
        func checkReference(_ r: Reference) {
            if !ids.contains(r.name) {
                let hint = closest(r.name, among: Array(ids)).map { " Did you mean '\($0)'?" } ?? ""
                error(r.location.error("unknown node '\(r.name)'.\(hint)"))
            }
        }
        checkReference(doc.start)
        for node in doc.nodes where !doc.brokenNodes.contains(node.id) {
            node.successors.forEach(checkReference)
            checkNode(node, in: doc, flows: flows, facts: facts)
        }
        // Reachability needs every node's exits: judged once the broken nodes are mended.
        if doc.brokenNodes.isEmpty { checkGraph(doc) }
    }

    mutating func checkNode(
        _ node: FlowNode, in doc: FlowDocument, flows: [String: FlowDocument], facts: ScenarioFacts?
    ) {
        func checkAttribute(_ v: AttributeValue) {
            guard let facts else { return }
            guard let values = facts.attributes[v.attribute.name] else {
                error(v.attribute.location.error("unknown caller attribute '\(v.attribute.name)'"))
                return
            }
            if !values.contains(v.value.name) {
                error(
                    v.value.location.error(
                        "'\(v.value.name)' is not a value of '\(v.attribute.name)': one of \(values.joined(separator: ", "))"
                    ))
            }
        }
        func checkIntent(_ r: Reference) {
            guard let facts, !facts.intents.isEmpty, !facts.intents.contains(r.name) else { return }
            let hint = closest(r.name, among: Array(facts.intents)).map { " Did you mean '\($0)'?" } ?? ""
            error(r.location.error("unknown intent '\(r.name)'.\(hint)"))
        }
        switch node.kind {
        case .play(let prompt, _, _):
            checkPrompt(prompt, doc)
        case .menu(let menu):
            checkPrompt(menu.prompt, doc)
            menu.repeatPrompt.map { checkPrompt($0, doc) }
            menu.noInput.map { checkPrompt($0, doc) }
            menu.noMatch.map { checkPrompt($0, doc) }
            if menu.noInput == nil {
                error(
                    menu.location.error("the menu has no 'no_input' handling (a prompt for callers who press nothing)"))
            }
            if menu.noMatch == nil {
                error(menu.location.error("the menu has no 'no_match' handling (a prompt for an invalid key)"))
            }
            for option in menu.options {
                option.intents.forEach(checkIntent)
                for other in menu.options where other.key != option.key && other.key.hasPrefix(option.key) {
                    error(
                        other.location.error(
                            "key '\(other.key)' starts with key '\(option.key)': callers pressing \(option.key) are routed before they can finish"
                        ))
                }
            }
        case .speech(let speech):
            checkPrompt(speech.prompt, doc)
            speech.repeatPrompt.map { checkPrompt($0, doc) }
            speech.noMatch.map { checkPrompt($0, doc) }
            if speech.noMatch == nil { error(speech.location.error("the speech menu has no 'no_match' handling")) }
            var claimed: [String: String] = [:]
            for route in speech.routes {
                checkIntent(route.intent)
                for phrase in route.phrases {
                    if let owner = claimed[phrase], owner != route.intent.name {
                        error(
                            route.intent.location.error(
                                "the phrase '\(phrase)' is claimed by intents '\(owner)' and '\(route.intent.name)'"))
                    }
                    claimed[phrase] = route.intent.name
                }
            }
            let names = Set(speech.routes.map(\.intent.name))
            for (intent, row) in speech.confusion.sorted(by: { $0.key < $1.key }) {
                let location = speech.confusionLocation ?? speech.location
                let total = row.values.reduce(0, +) + (names.contains(intent) ? speech.recognition : 0)
                if total > 1 + 1e-9 {
                    error(
                        location.error(
                            "recognition and confusion for '\(intent)' add up to \(String(format: "%g", total * 100))%, over 100%"
                        ))
                }
                for other in row.keys.sorted() where !names.contains(other) {
                    error(location.error("confusion names '\(other)', which this speech menu does not route"))
                }
            }
        case .hours(let calendar, _, _):
            if let facts, !facts.calendars.contains(calendar.name) {
                error(
                    calendar.location.error(
                        "unknown calendar '\(calendar.name)'. Known: \(facts.calendars.sorted().joined(separator: ", "))."
                    ))
            }
        case .signpost(let message, _, _):
            checkPrompt(message, doc)
        case .branch(let cases, _):
            for c in cases {
                c.intents.forEach(checkIntent)
                c.when.forEach(checkAttribute)
            }
        case .set(let values, _):
            values.forEach(checkAttribute)
        case .queue(let queue):
            if let facts, facts.queues[queue.name] == nil {
                let hint = closest(queue.name, among: Array(facts.queues.keys)).map { " Did you mean '\($0)'?" } ?? ""
                error(queue.location.error("unknown queue '\(queue.name)'.\(hint)"))
            }
        case .call(let flow, _):
            if flows[flow.name] == nil && !brokenFlows.contains(flow.name) {
                error(
                    flow.location.error(
                        "unknown flow '\(flow.name)'. Known: \(flows.keys.sorted().joined(separator: ", "))."))
            }
        case .selfService, .transfer, .hangup, .return:
            break
        }
    }

    mutating func checkPrompt(_ prompt: Prompt, _ doc: FlowDocument) {
        let seconds: Double
        if let text = prompt.text {
            seconds = Double(text.split(whereSeparator: \.isWhitespace).count) / doc.wordsPerMinute * 60
        } else {
            let folder = URL(fileURLWithPath: doc.file).deletingLastPathComponent()
            let audio = prompt.audio ?? ""
            let path = audio.hasPrefix("/") ? audio : folder.appendingPathComponent(audio).path
            do {
                seconds = try PromptAudio.info(path: path).seconds
            } catch {
                self.error(prompt.location.error("audio prompt '\(audio)': \(error.reason)"))
                return
            }
        }
        if seconds > doc.longPrompt {
            warning(
                prompt.location.error(
                    String(format: "the prompt lasts %.0f s, over the flow's %.0f s", seconds, doc.longPrompt)))
        }
    }

    // MARK: The graph

    /// Unreachable nodes, nodes with no way out, and loops nothing bounds.
    mutating func checkGraph(_ doc: FlowDocument) {
        let edges = Self.edges(doc)
        let reachable = Self.reachable(doc, edges: edges)
        for (n, node) in doc.nodes.enumerated() where !reachable.contains(n) {
            error(node.location.error("node '\(node.id)' cannot be reached from the start ('\(doc.start.name)')"))
        }
        func ends(_ node: FlowNode) -> Bool {
            switch node.kind {
            case .queue, .transfer, .hangup, .return: true
            default: false
            }
        }
        var canEnd = Set(doc.nodes.indices.filter { ends(doc.nodes[$0]) })
        var changed = true
        while changed {
            changed = false
            for n in doc.nodes.indices where !canEnd.contains(n) && edges[n].contains(where: canEnd.contains) {
                canEnd.insert(n)
                changed = true
            }
        }
        for (n, node) in doc.nodes.enumerated() where reachable.contains(n) && !canEnd.contains(n) {
            error(node.location.error("node '\(node.id)' has no way out: no path from it ends the call"))
        }
        for component in stronglyConnected(edges) {
            let cyclic = component.count > 1 || edges[component[0]].contains(component[0])
            guard cyclic, component.contains(where: reachable.contains) else { continue }
            let bounded = component.contains { n in
                switch doc.nodes[n].kind {
                case .menu, .speech, .selfService, .signpost: true
                default: false
                }
            }
            if !bounded {
                let names = component.sorted().map { doc.nodes[$0].id }
                error(
                    doc.nodes[component.min()!].location.error(
                        "the loop \(names.joined(separator: " -> ")) -> \(names[0]) has no menu, retry count or caller choice to end it"
                    ))
            }
        }
    }

    /// Per node of the document, the nodes its successors name (names that are no node are left out: they are
    /// reported as unknown).
    static func edges(_ doc: FlowDocument) -> [[Int]] {
        let index = Dictionary(doc.nodes.map(\.id).enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return doc.nodes.map { $0.successors.compactMap { index[$0.name] } }
    }

    /// The nodes of the document a caller can reach from its start, by the document's own edges (a sub-flow call
    /// goes on to its `next`; the called flow is walked as its own document). This is the walk the checker reports
    /// unreachable nodes from: it reads the document, not the compiled program, because the compiler compiles only
    /// what it reaches and so cannot name what it never reached. `FlowWalkTests` checks that it and the compiled
    /// program (``FlowProgram/reach(flow:)``) agree on every bundled flow set.
    package static func reachable(_ doc: FlowDocument, edges: [[Int]]? = nil) -> Set<Int> {
        let edges = edges ?? Self.edges(doc)
        var reachable = Set<Int>()
        var stack = doc.nodes.firstIndex { $0.id == doc.start.name }.map { [$0] } ?? []
        while let n = stack.popLast() {
            guard reachable.insert(n).inserted else { continue }
            for m in edges[n] where !reachable.contains(m) { stack.append(m) }
        }
        return reachable
    }

    /// Tarjan's strongly connected components, without recursion.
    func stronglyConnected(_ edges: [[Int]]) -> [[Int]] {
        var index = Array(repeating: -1, count: edges.count)
        var low = Array(repeating: 0, count: edges.count)
        var onStack = Array(repeating: false, count: edges.count)
        var stack: [Int] = []
        var components: [[Int]] = []
        var counter = 0
        for root in edges.indices where index[root] < 0 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = counter
            low[root] = counter
            counter += 1
            stack.append(root)
            onStack[root] = true
            while let (v, i) = work.last {
                if i < edges[v].count {
                    work[work.count - 1].edge += 1
                    let w = edges[v][i]
                    if index[w] < 0 {
                        index[w] = counter
                        low[w] = counter
                        counter += 1
                        stack.append(w)
                        onStack[w] = true
                        work.append((w, 0))
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                } else {
                    work.removeLast()
                    if let parent = work.last { low[parent.node] = min(low[parent.node], low[v]) }
                    if low[v] == index[v] {
                        var component: [Int] = []
                        while let w = stack.popLast() {
                            onStack[w] = false
                            component.append(w)
                            if w == v { break }
                        }
                        components.append(component)
                    }
                }
            }
        }
        return components
    }
}
