import ACDCore
import Foundation

extension ScenarioReader {
    static let flowKeys = ["calendars", "callers", "attributes", "flows", "entries"]

    /// Reads calendars, caller behaviour, flow files and entries, and compiles the flows the entries use.
    mutating func readFlows(
        into model: inout CentreModel, queueNames: [String: Int], context period: PeriodContext, startDate: String?
    ) throws(InputError) -> (
        nodes: [[String]], prompts: [[StepPrompt?]], documents: [FlowDocument], intents: [String], typeIntent: [Int]
    ) {
        guard let entriesValue = root["entries"] else {
            for key in ["calendars", "callers", "attributes", "flows"] where root[key] != nil {
                throw root[key]!.error("'\(key)' has no effect without 'entries' (the numbers callers dial)")
            }
            return ([], [], [], [], [])
        }
        let calendars = try readCalendars(root["calendars"], period: period, startDate: startDate)
        let callers = try readCallers(root["callers"])
        let documents = try loadFlowDocuments(root["flows"])
        var byName: [String: FlowDocument] = [:]
        for document in documents {
            if byName[document.name] != nil {
                throw document.location.error("a flow named '\(document.name)' is already defined")
            }
            byName[document.name] = document
        }
        // Entries name their flow and intent mix; the model's intents are all intents named, in order of appearance.
        struct RawEntry {
            var name: String
            var flow: Reference
            var volumes: [Double]
            var mix: [(String, Double)]
            /// Per attribute, the share of each value (absent: all callers have the attribute's first value).
            var attributeShares: [String: [String: Double]]
        }
        // Caller attributes and their values, in file order.
        var attributeNames: [String] = []
        var attributeValues: [String: [String]] = [:]
        for attribute in try root["attributes"]?.entries() ?? [] {
            let values = try attribute.value.items().map { v throws(InputError) in try v.string() }
            guard !values.isEmpty, Set(values).count == values.count else {
                throw attribute.value.error("an attribute needs a list of distinct values, e.g. [en, pl]")
            }
            attributeNames.append(attribute.key)
            attributeValues[attribute.key] = values
        }
        var raw: [RawEntry] = []
        var intents: [String] = []
        for value in try entriesValue.items() {
            try value.expectKeys(
                ["name", "flow", "arrivals", "intents", "attributes", "number"],
                required: ["name", "flow", "arrivals", "intents"])
            var shares: [String: [String: Double]] = [:]
            for attribute in try value["attributes"]?.entries() ?? [] {
                guard let values = attributeValues[attribute.key] else {
                    throw attribute.keyValue.error(
                        "unknown caller attribute '\(attribute.key)': declare it under 'attributes:' at the top level")
                }
                var row: [String: Double] = [:]
                for share in try attribute.value.entries() {
                    guard values.contains(share.key) else {
                        throw share.keyValue.error(
                            "'\(share.key)' is not a value of '\(attribute.key)': one of \(values.joined(separator: ", "))"
                        )
                    }
                    row[share.key] = try share.value.share()
                }
                if row.values.reduce(0, +) <= 0 { throw attribute.value.error("the shares are all zero") }
                shares[attribute.key] = row
            }
            var mix: [(String, Double)] = []
            for entry in try value.required("intents").entries() {
                mix.append((entry.key, try entry.value.share()))
                if !intents.contains(entry.key) { intents.append(entry.key) }
            }
            if mix.reduce(0, { $0 + $1.1 }) <= 0 {
                throw try value.required("intents").error("the intent shares are all zero")
            }
            let flowValue = try value.required("flow")
            if let numberValue = value["number"] {
                let number = try numberValue.string()
                let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.+")
                guard !number.isEmpty, number.count <= 64, number.allSatisfy({ allowed.contains($0) }) else {
                    throw numberValue.error(
                        "an entry's number is what callers dial (sip:NUMBER@host): 1 to 64 letters, digits, - _ . +")
                }
                if let other = entryNumbers.firstIndex(of: number) {
                    throw numberValue.error("number '\(number)' is already the number of entry \(other + 1)")
                }
                entryNumbers.append(number)
            } else {
                entryNumbers.append(nil)
            }
            raw.append(
                RawEntry(
                    name: try value.required("name").string(),
                    flow: Reference(name: try flowValue.string(), location: Location(flowValue)),
                    volumes: try readArrivals(try value.required("arrivals"), context: period), mix: mix,
                    attributeShares: shares))
        }
        // Caller types: every intent with every combination of attribute values.
        var combinations: [[String: String]] = [[:]]
        for name in attributeNames {
            combinations = combinations.flatMap { c in attributeValues[name]!.map { c.merging([name: $0]) { $1 } } }
        }
        guard intents.count * combinations.count <= 4096 else {
            throw root.error("\(intents.count) intents and these attributes make over 4,096 kinds of caller")
        }
        var types: [CallerType] = []
        for k in intents.indices {
            for c in combinations { types.append(CallerType(intent: k, attributes: c)) }
        }
        var context = FlowContext(
            queues: queueNames, intents: intents, calendars: calendars, callers: callers,
            intervalLength: period.interval, intervalCount: period.count, documents: byName)
        context.types = types
        context.attributes = attributeValues
        var compiled: [String: Int] = [:]
        var nodes: [[String]] = []
        var prompts: [[StepPrompt?]] = []
        var optionsSetBy: [Int: FlowNode] = [:]
        for entry in raw {
            guard let document = byName[entry.flow.name] else {
                throw entry.flow.location.error(
                    "unknown flow '\(entry.flow.name)'. Known: \(byName.keys.sorted().joined(separator: ", ")).")
            }
            if compiled[document.name] == nil {
                let result = try FlowCompiler.compile(document, context: context)
                // Queue nodes set their queue's callback offer and announcement (the same everywhere) and its
                // priority classes.
                for (q, node) in result.queueNodes {
                    model.queues[q].priorityClasses = max(model.queues[q].priorityClasses, node.callPriority + 1)
                    guard node.callback != nil || node.announcement != nil else { continue }
                    if let earlier = optionsSetBy[q],
                        earlier.callback != node.callback || earlier.announcement != node.announcement
                    {
                        throw node.location.error(
                            "queue '\(model.queues[q].name)' already has other callback or announcement options, set at \(earlier.location.file):\(earlier.location.line)"
                        )
                    }
                    optionsSetBy[q] = node
                    model.queues[q].callback = node.callback
                    model.queues[q].announcement = node.announcement
                }
                compiled[document.name] = model.flows.count
                model.flows.append(result.flow)
                nodes.append(result.stepNodes)
                prompts.append(result.stepPrompts)
            }
            let mix = types.map { type -> Double in
                var share = entry.mix.first { $0.0 == intents[type.intent] }?.1 ?? 0
                for name in attributeNames {
                    let value = type.attributes[name]!
                    if let row = entry.attributeShares[name] {
                        share *= (row[value] ?? 0) / row.values.reduce(0, +)
                    } else if value != attributeValues[name]![0] {
                        share = 0
                    }
                }
                return share
            }
            model.entries.append(
                Entry(name: entry.name, volumes: entry.volumes, flow: compiled[document.name]!, intentMix: mix))
        }
        model.intents = types.map { type in
            type.attributes.isEmpty
                ? intents[type.intent]
                : "\(intents[type.intent]) ["
                    + attributeNames.map { "\($0)=\(type.attributes[$0]!)" }.joined(separator: ", ") + "]"
        }
        // Which intents each queue serves (for misroutes): names resolved now that the intents are known.
        for (q, value) in try root.required("queues").items().enumerated() {
            guard let list = value["intents"] else { continue }
            for item in try list.items() {
                let name = try item.string()
                guard let k = intents.firstIndex(of: name) else {
                    let hint = closest(name, among: intents).map { " Did you mean '\($0)'?" } ?? ""
                    throw item.error(
                        "unknown intent '\(name)'.\(hint) The entries' intents: \(intents.joined(separator: ", ")).")
                }
                model.queues[q].serves += types.indices.filter { types[$0].intent == k }
            }
        }
        return (nodes, prompts, documents, intents, types.map(\.intent))
    }

    /// Flow files: the listed paths (relative to the scenario), or every `.yaml` in a `flows/` folder beside it.
    mutating func loadFlowDocuments(_ value: YAMLValue?) throws(InputError) -> [FlowDocument] {
        let folder = URL(fileURLWithPath: root.file).deletingLastPathComponent()
        var paths: [(String, YAMLValue?)] = []
        if let value {
            for item in try value.items() {
                let relative = try item.string()
                paths.append((relative.hasPrefix("/") ? relative : folder.appendingPathComponent(relative).path, item))
            }
        } else {
            let flowsFolder = folder.appendingPathComponent("flows")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: flowsFolder.path)) ?? []
            paths = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map {
                (flowsFolder.appendingPathComponent($0).path, nil)
            }
        }
        if paths.isEmpty { throw root.error("entries need flows: list them under 'flows:' or put them in flows/") }
        var documents: [FlowDocument] = []
        for (path, item) in paths {
            if let item, !FileManager.default.fileExists(atPath: path) { throw item.error("no flow file at \(path)") }
            documents.append(try loadFlow(path: path))
        }
        for override in flowOverrides where override.flow != "*" {
            guard documents.contains(where: { override.applies(toFlow: $0.name) }) else {
                let hint = closest(override.flow ?? "", among: documents.map(\.name)).map { " Did you mean '\($0)'?" }
                throw InputError(
                    file: "--set \(override.text)", line: 0, column: 0, field: "flow",
                    message: "the scenario reads no flow named '\(override.flow ?? "")'.\(hint ?? "")")
            }
        }
        return documents
    }

    /// Reads a flow file with the `--set flow[NAME].…` changes to it made.
    mutating func loadFlow(path: String) throws(InputError) -> FlowDocument {
        let original = try YAMLValue.load(path: path)
        let name = try? original["flow"]?.string()
        if let name { flowRoots.append((name, original.node)) }
        let changes = flowOverrides.filter { name != nil && $0.applies(toFlow: name!) && $0.reaches(original.node) }
        guard !changes.isEmpty else { return try FlowReader.read(original) }
        var node = original.node
        for override in changes {
            let (next, field) = try override.withinFlow.apply(to: node)
            node = next
            flowChanges.append((field, override))
        }
        return try FlowReader.read(YAMLValue(node: node, path: "", file: path))
    }

    func readCallers(_ value: YAMLValue?) throws(InputError) -> CallerBehaviour {
        var callers = CallerBehaviour()
        guard let value else { return callers }
        try value.expectKeys(["wrong_key", "no_input", "key_time", "utterance_time", "speech_no_input", "barge_in"])
        if let v = value["barge_in"] { callers.bargeIn = try v.share() }
        if let v = value["wrong_key"] { callers.wrongKey = try v.share() }
        if let v = value["no_input"] { callers.noInput = try v.share() }
        if callers.wrongKey + callers.noInput > 1 { throw value.error("wrong_key and no_input add up to over 100%") }
        if let v = value["key_time"] { callers.keyTime = try v.duration() }
        if let v = value["utterance_time"] { callers.utteranceTime = try v.duration() }
        if let v = value["speech_no_input"] { callers.speechNoInput = try v.share() }
        return callers
    }

    /// Calendars as written: per-weekday opening ranges, holidays and a time zone.
    static func calendarRules(_ value: YAMLValue?) throws(InputError) -> [String: CalendarRules] {
        var out: [String: CalendarRules] = [:]
        guard let value else { return out }
        for entry in try value.entries() {
            let cal = entry.value
            try cal.expectKeys(["timezone", "open", "holidays", "from", "until"], required: ["timezone", "open"])
            let zoneValue = try cal.required("timezone")
            guard let zone = TimeZone(identifier: try zoneValue.string()) else {
                throw zoneValue.error(
                    "unknown time zone '\(try zoneValue.string())' (use a name such as Europe/London)")
            }
            var windows = Array(repeating: [(from: Double, to: Double)](), count: 7)
            for day in try cal.required("open").entries() {
                let days = try ScenarioReader.days(day.keyValue)
                let ranges = day.value.isSequence ? try day.value.items() : [day.value]
                for range in ranges {
                    let text = try range.string()
                    guard let (from, to) = ScenarioReader.openRange(text) else {
                        throw range.error("expected opening hours as HH:MM-HH:MM (start before end), found '\(text)'")
                    }
                    for d in days {
                        for w in windows[d] where from < w.to && w.from < to {
                            throw range.error("\(Weekday.names[d]) \(text) overlaps hours already given for that day")
                        }
                        windows[d].append((from, to))
                    }
                }
            }
            var holidays = Set<String>()
            if let list = cal["holidays"] {
                for item in try list.items() { holidays.insert(try item.date().text) }
            }
            var rules = CalendarRules(timeZone: zone, windows: windows, holidays: holidays)
            for key in ["from", "until"] {
                guard let text = try cal[key]?.date().text else { continue }
                if key == "from" { rules.from = text } else { rules.until = text }
            }
            if let from = rules.from, let until = rules.until, until < from, let v = cal["until"] {
                throw v.error("'until' (\(until)) comes before 'from' (\(from))")
            }
            out[entry.key] = rules
        }
        return out
    }

    /// Calendars as open flags per interval. The period's timeline starts at midnight of its start date in each
    /// calendar's own time zone, so opening hours follow local clocks through daylight-saving changes.
    func readCalendars(
        _ value: YAMLValue?, period: PeriodContext, startDate: String?
    ) throws(InputError)
        -> [String: [Bool]]
    {
        var out: [String: [Bool]] = [:]
        for (name, rules) in try Self.calendarRules(value) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = rules.timeZone
            let start =
                startDate.flatMap { text -> Date? in
                    let p = text.split(separator: "-").compactMap { Int($0) }
                    return calendar.date(from: DateComponents(year: p[0], month: p[1], day: p[2]))
                } ?? calendar.date(from: DateComponents(year: 2024, month: 1, day: 1))!
            out[name] = (0..<period.count).map { n in
                let instant = start.addingTimeInterval(Double(n) * period.interval)
                let c = calendar.dateComponents(
                    [.year, .month, .day, .weekday, .hour, .minute, .second], from: instant)
                let date = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
                let weekday = (c.weekday! + 5) % 7  // Foundation: 1 = Sunday; ours: 0 = Monday
                let seconds = Double(c.hour! * 3600 + c.minute! * 60 + c.second!)
                return rules.isOpen(weekday: weekday, seconds: seconds, date: date)
            }
        }
        return out
    }
}
