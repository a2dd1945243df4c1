import ACDCore
import Foundation

/// A scripted test call written in a flow file: when it rings, who calls, what they press or say, and the path and
/// outcome the flow must give.
package struct FlowTestCall: Sendable {
    package var name: String
    /// Day of the week (0 = Monday) and seconds from midnight, local time.
    package var weekday: Int
    package var time: Double
    /// `YYYY-MM-DD` when the test names a date (holidays then apply).
    package var date: String?
    package var intent: String?
    /// Caller attributes at the start of the call (`language: pl`).
    package var attributes: [String: String] = [:]
    /// One per decision: a key for a menu ("" for no input), an intent for speech ("" for nothing recognised),
    /// `done`/`failed` for self-service, `satisfied`/`continue` for a signpost.
    package var inputs: [String]
    package var path: [String]
    /// `queued QUEUE`, `self-served`, `deflected`, `transferred`, `closed` or `hung-up`.
    package var outcome: String
    package var location: Location

    init(
        name: String, weekday: Int, time: Double, date: String?, intent: String?, inputs: [String], path: [String],
        outcome: String, attributes: [String: String], location: Location
    ) {
        self.name = name
        self.weekday = weekday
        self.time = time
        self.date = date
        self.intent = intent
        self.inputs = inputs
        self.path = path
        self.outcome = outcome
        self.attributes = attributes
        self.location = location
    }
}

extension FlowReader {
    static func readTests(_ value: YAMLValue?) throws(InputError) -> [FlowTestCall] {
        guard let value else { return [] }
        var out: [FlowTestCall] = []
        for item in try value.items() {
            try item.expectKeys(
                ["name", "at", "intent", "attributes", "inputs", "path", "outcome"],
                required: ["name", "at", "path", "outcome"])
            let atValue = try item.required("at")
            let at = try atValue.string()
            // "mon 09:00" or "2020-03-06 09:00"
            let parts = at.split(separator: " ").map(String.init)
            guard parts.count == 2 else {
                throw atValue.error("expected 'mon 09:00' or '2020-03-06 09:00', found '\(at)'")
            }
            guard let time = Quantity.clock(parts[1]), time < 86400 else {
                throw atValue.error("expected a time as HH:MM, found '\(parts[1])'")
            }
            var weekday: Int
            var date: String?
            if let d = Weekday.names.firstIndex(of: parts[0].lowercased()) {
                weekday = d
            } else {
                guard let day = Quantity.day(parts[0]) else {
                    throw atValue.error("expected a day name or a date YYYY-MM-DD, found '\(parts[0])'")
                }
                weekday = Weekday.of(day: day)
                date = parts[0]
            }
            var attributes: [String: String] = [:]
            for a in try item["attributes"]?.entries() ?? [] { attributes[a.key] = try a.value.string() }
            out.append(
                FlowTestCall(
                    name: try item.required("name").string(), weekday: weekday, time: time,
                    date: date, intent: try item["intent"]?.string(),
                    inputs: try item["inputs"]?.items().map { v throws(InputError) in try v.string() } ?? [],
                    path: try item.required("path").items().map { v throws(InputError) in try v.string() },
                    outcome: try item.required("outcome").string(), attributes: attributes, location: Location(item)))
        }
        return out
    }
}

/// Opening hours as written: ranges per weekday, holidays, and the time zone they are in.
package struct CalendarRules: Sendable {
    package var timeZone: TimeZone
    package var windows: [[(from: Double, to: Double)]]
    package var holidays: Set<String>
    /// The first and last dates the calendar opens on (`YYYY-MM-DD`, inclusive): a line that opens or closes for
    /// good during the period.
    package var from: String?
    package var until: String?

    package init(timeZone: TimeZone, windows: [[(from: Double, to: Double)]], holidays: Set<String>) {
        self.timeZone = timeZone
        self.windows = windows
        self.holidays = holidays
    }

    package func isOpen(weekday: Int, seconds: Double, date: String?) -> Bool {
        if let date {
            if holidays.contains(date) { return false }
            if let from, date < from { return false }
            if let until, date > until { return false }
        }
        return windows[weekday].contains { $0.from <= seconds && seconds < $0.to }
    }
}

/// The result of running one scripted call.
package struct FlowTestResult: Sendable {
    package var test: FlowTestCall
    package var path: [String]
    package var outcome: String
    /// Transitions taken, as "from -> to" node paths.
    package var transitions: [String]
    /// Why the call did not go as scripted; `nil` when it did.
    package var failure: String?
}

/// Runs scripted calls through flows as the engine runs them: each flow is compiled exactly as for a simulation, and
/// the call moves by the engine's own flow interpreter (``FlowProgram``), the inputs deciding every choice. So a
/// scripted call tests what `acdd simulate` and the live daemon run, not a second reading of the flow file.
///
/// Calendars are laid over one week from Monday 00:00 in minutes, the test's local time; a test that names a date
/// gets that date's week, with holidays and `from`/`until` dates applied.
package struct FlowTestRunner {
    package var flows: [String: FlowDocument]
    package var calendars: [String: CalendarRules]
    /// Caller attributes the scenario declares (others are gathered from the flows and tests).
    package var attributes: [(name: String, values: [String])] = []

    package init(flows: [String: FlowDocument], calendars: [String: CalendarRules]) {
        self.flows = flows
        self.calendars = calendars
    }

    /// The intent a test without one has: no option, route or branch names it.
    static let noIntent = "(no intent)"

    package func run(_ test: FlowTestCall, in document: FlowDocument) -> FlowTestResult {
        var result = FlowTestResult(test: test, path: [], outcome: "hung-up", transitions: [], failure: nil)
        let program: FlowProgram
        let types: [CallerType]
        let intents: [String]
        do {
            (program, types, intents) = try compile(document, test: test)
        } catch {
            result.failure = "the flow does not compile: \(error)"
            return result
        }
        let intent = intents.firstIndex(of: test.intent ?? Self.noIntent) ?? intents.count - 1
        var attributes: [String: String] = [:]
        for (name, values) in attributeValues(test) { attributes[name] = test.attributes[name] ?? values[0] }
        let type = types.firstIndex { $0.intent == intent && $0.attributes == attributes } ?? 0
        let interval = test.weekday * 1440 + Int(test.time / 60)
        let walk = program.script(flow: 0, type: type, interval: interval, inputs: test.inputs)
        result.path = walk.path.map(program.stepName)
        result.transitions = walk.transitions.map { "\(program.stepName($0.from)) -> \(program.stepName($0.to))" }
        if let outcome = walk.outcomeStep, let last = walk.path.last {
            result.transitions.append("\(program.stepName(last)) -> \(program.stepName(outcome))")
        }
        if let failure = walk.failure {
            result.failure = failure
            return result
        }
        if let end = walk.end { result.outcome = program.outcome(at: end) }
        if result.path != test.path {
            let at =
                zip(result.path, test.path).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(result.path.count, test.path.count)
            let expected = at < test.path.count ? "'\(test.path[at])'" : "the end"
            let took = at < result.path.count ? "'\(result.path[at])'" : "the end"
            result.failure = "step \(at + 1): expected \(expected), took \(took)"
        } else if result.outcome != test.outcome {
            result.failure = "expected the outcome '\(test.outcome)', got '\(result.outcome)'"
        } else if !walk.unusedInputs.isEmpty {
            result.failure =
                "\(walk.unusedInputs.count) input(s) left unused: \(walk.unusedInputs.joined(separator: ", "))"
        }
        return result
    }

    /// The flow compiled for the test's week, with the queues, intents and caller types its flows name.
    func compile(
        _ document: FlowDocument, test: FlowTestCall
    ) throws(InputError)
        -> (FlowProgram, [CallerType], [String])
    {
        var queues: [String] = []
        var intents: [String] = []
        for flow in flows.values.sorted(by: { $0.name < $1.name }) + [document] {
            for node in flow.nodes { gather(node, queues: &queues, intents: &intents) }
        }
        if let intent = test.intent, !intents.contains(intent) { intents.append(intent) }
        intents.append(Self.noIntent)
        var combinations: [[String: String]] = [[:]]
        for (name, values) in attributeValues(test) {
            combinations = combinations.flatMap { c in values.map { c.merging([name: $0]) { $1 } } }
        }
        var types: [CallerType] = []
        for k in intents.indices { for c in combinations { types.append(CallerType(intent: k, attributes: c)) } }
        var context = FlowContext(
            queues: Dictionary(uniqueKeysWithValues: queues.enumerated().map { ($1, $0) }), intents: intents,
            calendars: weekCalendars(test), callers: CallerBehaviour(), intervalLength: 60, intervalCount: 7 * 1440,
            documents: flows.merging([document.name: document]) { a, _ in a })
        context.types = types
        context.attributes = Dictionary(uniqueKeysWithValues: attributeValues(test))
        let compiled = try FlowCompiler.compile(document, context: context)
        let model = CentreModel(
            queues: queues.map { Queue(name: $0, volumes: [], handleTime: .deterministic(0)) }, groups: [],
            intervalLength: 60, intervalCount: 7 * 1440, intents: types.map { intents[$0.intent] },
            flows: [compiled.flow])
        return (FlowProgram(model: model), types, intents)
    }

    /// Queue and intent names a node mentions.
    func gather(_ node: FlowNode, queues: inout [String], intents: inout [String]) {
        func add(_ name: String, _ list: inout [String]) { if !list.contains(name) { list.append(name) } }
        switch node.kind {
        case .queue(let q): add(q.name, &queues)
        case .menu(let menu): for o in menu.options { for i in o.intents { add(i.name, &intents) } }
        case .speech(let speech):
            for r in speech.routes { add(r.intent.name, &intents) }
            for (a, row) in speech.confusion {
                add(a, &intents)
                for b in row.keys { add(b, &intents) }
            }
        case .branch(let cases, _): for c in cases { for i in c.intents { add(i.name, &intents) } }
        default: break
        }
    }

    /// Every caller attribute with its values: the scenario's, then those the flows set or test and the test gives.
    func attributeValues(_ test: FlowTestCall) -> [(String, [String])] {
        var out = attributes.map { ($0.name, $0.values) }
        func add(_ name: String, _ value: String) {
            if let i = out.firstIndex(where: { $0.0 == name }) {
                if !out[i].1.contains(value) { out[i].1.append(value) }
            } else {
                out.append((name, [value]))
            }
        }
        for flow in flows.values.sorted(by: { $0.name < $1.name }) {
            for node in flow.nodes {
                if case .set(let values, _) = node.kind { for v in values { add(v.attribute.name, v.value.name) } }
                if case .branch(let cases, _) = node.kind {
                    for c in cases { for v in c.when { add(v.attribute.name, v.value.name) } }
                }
            }
        }
        for (name, value) in test.attributes.sorted(by: { $0.key < $1.key }) { add(name, value) }
        return out
    }

    /// Each calendar's open flags over the test's week, minute by minute from Monday 00:00 local time.
    func weekCalendars(_ test: FlowTestCall) -> [String: [Bool]] {
        var dates: [String?] = Array(repeating: nil, count: 7)
        if let date = test.date, let day = Quantity.day(date) {
            for d in 0..<7 { dates[d] = Quantity.dateText(day: day - test.weekday + d) }
        }
        return calendars.mapValues { rules in
            (0..<(7 * 1440)).map { n in
                rules.isOpen(weekday: n / 1440, seconds: Double(n % 1440 * 60), date: dates[n / 1440])
            }
        }
    }
}

/// A flow-set folder (or a single flow file) read for testing and drawing: its flows and its scenario's calendars.
package struct FlowSet: Sendable {
    package var documents: [FlowDocument]
    package var calendars: [String: CalendarRules]
    /// Caller attributes the scenario declares, in its order.
    package var attributes: [(name: String, values: [String])] = []

    package init(documents: [FlowDocument], calendars: [String: CalendarRules]) {
        self.documents = documents
        self.calendars = calendars
    }

    package static func load(path: String) throws(InputError) -> FlowSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(file: path, line: 0, column: 0, field: "", message: "no such file or folder")
        }
        guard isDirectory.boolValue else {
            return FlowSet(documents: [try FlowDocument.load(path: path)], calendars: [:])
        }
        var calendars: [String: CalendarRules] = [:]
        var attributes: [(name: String, values: [String])] = []
        let scenario = (path as NSString).appendingPathComponent("scenario.yaml")
        if FileManager.default.fileExists(atPath: scenario) {
            let root = try YAMLValue.load(path: scenario)
            calendars = try ScenarioReader.calendarRules(root["calendars"])
            for attribute in try root["attributes"]?.entries() ?? [] {
                attributes.append(
                    (attribute.key, try attribute.value.items().map { v throws(InputError) in try v.string() }))
            }
        }
        let folder = (path as NSString).appendingPathComponent("flows")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var documents: [FlowDocument] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            documents.append(try FlowDocument.load(path: (folder as NSString).appendingPathComponent(name)))
        }
        var set = FlowSet(documents: documents, calendars: calendars)
        set.attributes = attributes
        return set
    }

    /// A runner for the set's scripted calls.
    package var testRunner: FlowTestRunner {
        var runner = FlowTestRunner(flows: byName, calendars: calendars)
        runner.attributes = attributes
        return runner
    }

    package var byName: [String: FlowDocument] {
        Dictionary(documents.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every node path and transition a call could take, for coverage: called flows appear under their call node.
    package func graph(
        of document: FlowDocument, prefix: String = "", depth: Int = 0
    ) -> (nodes: [String], transitions: [String]) {
        var nodes: [String] = []
        var transitions: [String] = []
        let flows = byName
        for node in document.nodes {
            if case .return = node.kind { continue }
            nodes.append(prefix + node.id)
            var targets = node.successors
            if case .call(let flow, let after) = node.kind, let callee = flows[flow.name], depth < 16 {
                let inner = graph(of: callee, prefix: "\(prefix)\(node.id)/", depth: depth + 1)
                nodes += inner.nodes
                transitions += inner.transitions
                transitions.append("\(prefix)\(node.id) -> \(prefix)\(node.id)/\(callee.start.name)")
                // Returns in the callee lead to the call's next node.
                for returning in callee.nodes {
                    for target in returning.successors {
                        if case .return = callee.node(target.name)?.kind {
                            transitions.append("\(prefix)\(node.id)/\(returning.id) -> \(prefix)\(after.name)")
                        }
                    }
                }
                targets = []
            }
            for target in targets {
                if case .return = document.node(target.name)?.kind { continue }
                transitions.append("\(prefix)\(node.id) -> \(prefix)\(target.name)")
            }
            // Outcomes a node ends in by itself.
            var ending: String?
            if case .selfService(_, _, _, nil, _) = node.kind { ending = "self-served" }
            if case .signpost = node.kind { ending = "deflected" }
            if let ending {
                nodes.append("\(prefix)\(node.id)/\(ending)")
                transitions.append("\(prefix)\(node.id) -> \(prefix)\(node.id)/\(ending)")
            }
        }
        return (nodes, Array(Set(transitions)).sorted())
    }
}

/// Every scripted call of a flow set run, each reported, and what they covered together (`acdd flows test`).
package struct FlowTestReport: Sendable {
    /// Per flow with tests, in file order: each call's result.
    package var results: [(flow: String, result: FlowTestResult)] = []
    package var nodes: [String] = []
    package var transitions: [String] = []
    package var missedNodes: [String] = []
    package var missedTransitions: [String] = []

    package var failures: [(flow: String, result: FlowTestResult)] { results.filter { $0.result.failure != nil } }

    /// Runs every test call of `set`: a failing call does not stop the others.
    package init(set: FlowSet) {
        let runner = set.testRunner
        var reachedNodes = Set<String>()
        var reachedTransitions = Set<String>()
        for document in set.documents where !document.tests.isEmpty {
            let graph = set.graph(of: document)
            nodes += graph.nodes.map { "\(document.name): \($0)" }
            transitions += graph.transitions.map { "\(document.name): \($0)" }
            for test in document.tests {
                let result = runner.run(test, in: document)
                results.append((document.name, result))
                guard result.failure == nil else { continue }
                reachedNodes.formUnion(result.path.map { "\(document.name): \($0)" })
                reachedTransitions.formUnion(result.transitions.map { "\(document.name): \($0)" })
                reachedNodes.formUnion(
                    result.transitions.compactMap { $0.components(separatedBy: " -> ").last }
                        .map { "\(document.name): \($0)" })
            }
        }
        missedNodes = nodes.filter { !reachedNodes.contains($0) }
        missedTransitions = transitions.filter { !reachedTransitions.contains($0) }
    }
}
