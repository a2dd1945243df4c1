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
            guard parts.count == 2 else { throw atValue.error("expected 'mon 09:00' or '2020-03-06 09:00', found '\(at)'") }
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

/// Runs scripted calls through flow documents, deterministically: the inputs decide every choice.
package struct FlowTestRunner {
    package var flows: [String: FlowDocument]
    package var calendars: [String: CalendarRules]

    package init(flows: [String: FlowDocument], calendars: [String: CalendarRules]) {
        self.flows = flows
        self.calendars = calendars
    }

    package func run(_ test: FlowTestCall, in document: FlowDocument) -> FlowTestResult {
        var path: [String] = []
        var transitions: [String] = []
        var inputs = test.inputs[...]
        var stack: [(document: FlowDocument, prefix: String, next: String)] = []
        var document = document
        var prefix = ""
        var current = document.start.name
        var outcome = "hung-up"
        var failure: String?
        var attributes = test.attributes
        func take() -> String? { inputs.popFirst() }
        var steps = 0
        walk: while steps < 10_000 {
            steps += 1
            guard let node = document.node(current) else {
                failure = "the flow names a node '\(current)' that does not exist"
                break
            }
            let here = prefix + node.id
            if case .return = node.kind {
                guard let frame = stack.popLast() else {
                    failure = "'return' outside a called flow"
                    break
                }
                (document, prefix, current) = (frame.document, frame.prefix, frame.next)
                continue
            }
            if let last = path.last { transitions.append("\(last) -> \(here)") }
            path.append(here)
            var next: String?
            switch node.kind {
            case .play(_, _, let n): next = n.name
            case .menu(let menu):
                for _ in 0...menu.retries {
                    guard let key = take() else {
                        failure = "the script has no input left for the menu '\(here)'"
                        break walk
                    }
                    if let option = menu.options.first(where: { $0.key == key }) {
                        next = option.next.name
                        break
                    }
                }
                if next == nil { next = menu.exhausted.name }
            case .speech(let speech):
                for _ in 0...speech.retries {
                    guard let said = take() else {
                        failure = "the script has no input left for the speech menu '\(here)'"
                        break walk
                    }
                    if let route = speech.routes.first(where: { $0.intent.name == said }) {
                        next = route.next.name
                        break
                    }
                }
                if next == nil { next = speech.exhausted.name }
            case .hours(let calendar, let open, let closed):
                guard let rules = calendars[calendar.name] else {
                    failure = "unknown calendar '\(calendar.name)'"
                    break walk
                }
                next = rules.isOpen(weekday: test.weekday, seconds: test.time, date: test.date) ? open.name : closed.name
            case .selfService(_, _, _, let completed, let failed):
                guard let answer = take(), answer == "done" || answer == "failed" else {
                    failure = "the self-service node '\(here)' needs the input 'done' or 'failed'"
                    break walk
                }
                if answer == "done" {
                    guard let completed else {
                        outcome = "self-served"
                        transitions.append("\(here) -> \(here)/self-served")
                        break walk
                    }
                    next = completed.name
                } else {
                    next = failed.name
                }
            case .signpost(_, _, let otherwise):
                guard let answer = take(), answer == "satisfied" || answer == "continue" else {
                    failure = "the signpost '\(here)' needs the input 'satisfied' or 'continue'"
                    break walk
                }
                if answer == "satisfied" {
                    outcome = "deflected"
                    transitions.append("\(here) -> \(here)/deflected")
                    break walk
                }
                next = otherwise.name
            case .branch(let cases, let otherwise):
                next = cases.first { c in
                    let intentOK = c.intents.isEmpty || c.intents.contains { $0.name == test.intent }
                    let whenOK = c.when.allSatisfy { attributes[$0.attribute.name] == $0.value.name }
                    let timeOK = c.timeOfDay.map { w in
                        w.from <= w.to ? (w.from <= test.time && test.time < w.to) : (test.time >= w.from || test.time < w.to)
                    } ?? true
                    return intentOK && whenOK && timeOK
                }?.next.name ?? otherwise.name
            case .set(let values, let after):
                for v in values { attributes[v.attribute.name] = v.value.name }
                next = after.name
            case .queue(let queue):
                outcome = "queued \(queue.name)"
                break walk
            case .transfer:
                outcome = "transferred"
                break walk
            case .hangup(let o):
                outcome = o.description
                break walk
            case .call(let flow, let after):
                guard let callee = flows[flow.name] else {
                    failure = "unknown flow '\(flow.name)'"
                    break walk
                }
                stack.append((document, prefix, after.name))
                document = callee
                prefix = "\(here)/"
                next = callee.start.name
            case .return:
                break
            }
            current = next ?? current
        }
        if failure == nil {
            if path != test.path {
                let at = zip(path, test.path).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                    ?? min(path.count, test.path.count)
                let expected = at < test.path.count ? "'\(test.path[at])'" : "the end"
                let took = at < path.count ? "'\(path[at])'" : "the end"
                failure = "step \(at + 1): expected \(expected), took \(took)"
            } else if outcome != test.outcome {
                failure = "expected the outcome '\(test.outcome)', got '\(outcome)'"
            } else if !inputs.isEmpty {
                failure = "\(inputs.count) input(s) left unused: \(inputs.joined(separator: ", "))"
            }
        }
        return FlowTestResult(test: test, path: path, outcome: outcome, transitions: transitions, failure: failure)
    }
}

/// A flow-set folder (or a single flow file) read for testing and drawing: its flows and its scenario's calendars.
package struct FlowSet: Sendable {
    package var documents: [FlowDocument]
    package var calendars: [String: CalendarRules]

    package init(documents: [FlowDocument], calendars: [String: CalendarRules]) {
        self.documents = documents
        self.calendars = calendars
    }

    package static func load(path: String) throws(InputError) -> FlowSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(file: path, line: 0, column: 0, field: "", message: "no such file or folder")
        }
        guard isDirectory.boolValue else { return FlowSet(documents: [try FlowDocument.load(path: path)], calendars: [:]) }
        var calendars: [String: CalendarRules] = [:]
        let scenario = (path as NSString).appendingPathComponent("scenario.yaml")
        if FileManager.default.fileExists(atPath: scenario) {
            calendars = try ScenarioReader.calendarRules(try YAMLValue.load(path: scenario)["calendars"])
        }
        let folder = (path as NSString).appendingPathComponent("flows")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var documents: [FlowDocument] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            documents.append(try FlowDocument.load(path: (folder as NSString).appendingPathComponent(name)))
        }
        return FlowSet(documents: documents, calendars: calendars)
    }

    package var byName: [String: FlowDocument] {
        Dictionary(documents.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every node path and transition a call could take, for coverage: called flows appear under their call node.
    package func graph(of document: FlowDocument, prefix: String = "", depth: Int = 0) -> (nodes: [String], transitions: [String]) {
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
