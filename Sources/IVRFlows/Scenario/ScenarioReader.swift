import ACDCore
import Foundation
import Yams

/// Turns a parsed scenario file into a ``Scenario``, checking every field as it goes.
struct ScenarioReader {
    let root: YAMLValue
    var warnings: [InputError] = []
    /// `--set flow[NAME].…` changes, made to the flow files as they are read.
    var flowOverrides: [ScenarioOverride] = []
    /// The fields those changes set, for blaming an error on the change that caused it.
    var flowChanges: [(field: String, override: ScenarioOverride)] = []
    /// The flow files' YAML as written (before `--set` changes), in reading order, for a fit's start values.
    var flowRoots: [(name: String, node: Node)] = []
    /// Per entry, the number callers dial for it (`number:`), if it has one.
    var entryNumbers: [String?] = []

    init(root: YAMLValue) { self.root = root }

    static let topKeys =
        [
            "name", "interval", "period", "warmup", "seed", "replications", "definitions", "queues", "groups",
            "published", "fit",
        ] + flowKeys

    mutating func read() throws(InputError) -> Scenario {
        // Top-level keys starting with `x-` are the author's own: anchors for YAML aliases, notes. They are ignored.
        let extensions = try root.entries().map(\.key).filter { $0.hasPrefix("x-") }
        try root.expectKeys(Self.topKeys + extensions, required: ["interval", "period", "queues", "groups"])
        let name =
            try root["name"]?.string() ?? URL(fileURLWithPath: root.file).deletingPathExtension().lastPathComponent
        let interval = try readInterval()
        let (intervalCount, startWeekday, startDate) = try readPeriod(try root.required("period"), interval: interval)
        let warmup = try root["warmup"]?.duration() ?? 0
        if warmup >= Double(intervalCount) * interval, let w = root["warmup"] {
            throw w.error("the warm-up is as long as the period: nothing would be counted")
        }
        let seed = try root["seed"].map { v throws(InputError) in UInt64(try v.nonNegativeInt()) } ?? 1
        let replications = try root["replications"]?.int() ?? 10
        if replications < 1, let r = root["replications"] { throw r.error("at least one replication is needed") }
        let definitions = try readDefinitions(root["definitions"])

        let context = PeriodContext(
            interval: interval, count: intervalCount, startWeekday: startWeekday,
            startDay: startDate.flatMap(Quantity.day),
            scenarioFile: root.file, periodValue: try root.required("period"))
        let queueValues = try root.required("queues").items()
        let (queues, queueNames) = try readQueues(queueValues, context: context)
        var (groups, groupNames) = try readGroups(queues: queueNames, context: context)
        try addOverflowTiers(queueValues, queues: queues, to: &groups, groupNames: groupNames)
        try checkAnswered(queueValues, queues: queues, groups: groups, intervalCount: intervalCount)
        var model = CentreModel(
            queues: queues, groups: groups, intervalLength: interval, intervalCount: intervalCount, warmup: warmup,
            definitions: definitions)
        let flows = try readFlows(into: &model, queueNames: queueNames, context: context, startDate: startDate)
        if let problem = model.problems().first { throw root.error(problem) }
        var scenario = Scenario(
            name: name, file: root.file, model: model, seed: seed, replications: replications,
            startWeekday: startWeekday, startDate: startDate, warnings: warnings, flowNodes: flows.nodes,
            flowDocuments: flows.documents, intents: flows.intents, typeIntent: flows.typeIntent)
        scenario.flowPrompts = flows.prompts
        scenario.entryNumbers = entryNumbers
        scenario.published = try root["published"].map { v throws(InputError) in try readPublished(v) }
        scenario.fit = try root["fit"].map { v throws(InputError) in try readFit(v, flowNodes: flowRoots) }
        return scenario
    }

    /// The interval length, which must divide a day into whole intervals of a minute or more.
    func readInterval() throws(InputError) -> Double {
        let intervalValue = try root.required("interval")
        let interval = try intervalValue.positiveDuration()
        guard (86400 / interval).rounded() == 86400 / interval, interval >= 60 else {
            throw intervalValue.error("the interval must divide a day into whole intervals (15m, 30m, 1h, ...)")
        }
        return interval
    }

    /// The queues, at least one, with distinct names; and their indices by name.
    func readQueues(
        _ values: [YAMLValue], context: PeriodContext
    ) throws(InputError) -> ([Queue], [String: Int]) {
        guard !values.isEmpty else { throw try root.required("queues").error("the scenario has no queue") }
        var names: [String: Int] = [:]
        var queues: [Queue] = []
        for value in values {
            let queue = try readQueue(value, context: context)
            if names[queue.name] != nil {
                throw try value.required("name").error("a queue named '\(queue.name)' is already defined")
            }
            names[queue.name] = queues.count
            queues.append(queue)
        }
        return (queues, names)
    }

    /// The agent groups, with distinct names; and their indices by name.
    func readGroups(
        queues: [String: Int], context: PeriodContext
    ) throws(InputError) -> ([AgentGroup], [String: Int]) {
        var names: [String: Int] = [:]
        var groups: [AgentGroup] = []
        for value in try root.required("groups").items() {
            let group = try readGroup(value, queues: queues, context: context)
            if names[group.name] != nil {
                throw try value.required("name").error("a group named '\(group.name)' is already defined")
            }
            names[group.name] = groups.count
            groups.append(group)
        }
        return (groups, names)
    }

    /// Overflow tiers are written on the queue but belong to the groups they widen to: each becomes a skill of its
    /// group, on that queue, after the tier's wait.
    func addOverflowTiers(
        _ queueValues: [YAMLValue], queues: [Queue], to groups: inout [AgentGroup], groupNames: [String: Int]
    ) throws(InputError) {
        for (q, value) in queueValues.enumerated() {
            guard let overflow = value["overflow"] else { continue }
            for tier in try overflow.items() {
                try tier.expectKeys(["group", "after", "level"], required: ["group", "after"])
                let groupValue = try tier.required("group")
                let groupName = try groupValue.string()
                guard let g = groupNames[groupName] else {
                    throw groupValue.error(unknown("group", groupName, among: Array(groupNames.keys)))
                }
                if groups[g].skills.contains(where: { $0.queue == q }) {
                    throw groupValue.error("group '\(groupName)' already answers queue '\(queues[q].name)'")
                }
                let after = try tier.required("after").positiveDuration()
                let level = try tier["level"]?.int() ?? 1
                if level < 1, let l = tier["level"] { throw l.error("levels start at 1 (the best)") }
                groups[g].skills.append(Skill(queue: q, level: level, delay: after))
            }
        }
    }

    /// Every queue has a group that answers it (an error otherwise), and a warning where calls arrive with nobody
    /// of those groups on shift.
    mutating func checkAnswered(
        _ queueValues: [YAMLValue], queues: [Queue], groups: [AgentGroup], intervalCount: Int
    ) throws(InputError) {
        for (q, queue) in queues.enumerated() {
            let servers = groups.filter { $0.skills.contains { $0.queue == q } }
            if servers.isEmpty {
                throw try queueValues[q].required("name").error(
                    "no group answers queue '\(queue.name)': add it to a group's skills or an overflow tier")
            }
            let unstaffed = (0..<intervalCount).filter { i in
                queue.volumes[i] > 0 && servers.allSatisfy { $0.rota.headcount[i] == 0 && !$0.external }
            }
            if let first = unstaffed.first {
                warnings.append(
                    try queueValues[q].required("name").error(
                        "calls arrive in \(unstaffed.count) interval(s) with nobody on shift to answer them (the first is interval \(first))"
                    ))
            }
        }
    }

    /// The centre's published figures: `published: { label: 2019-20, gross_calls: 1374774, ... }`.
    func readPublished(_ value: YAMLValue) throws(InputError) -> PublishedTotals {
        try value.expectKeys(
            [
                "label", "gross_calls", "answered_by_ivr", "answered_by_staff", "abandoned", "asa", "abandonment",
                "staff_fte",
            ],
            required: ["label"])
        func count(_ key: String) throws(InputError) -> Double? {
            guard let v = value[key] else { return nil }
            let n = try v.double()
            guard n >= 0 else { throw v.error("a count cannot be negative") }
            return n
        }
        return PublishedTotals(
            label: try value.required("label").string(), grossCalls: try count("gross_calls"),
            answeredByIVR: try count("answered_by_ivr"), answeredByStaff: try count("answered_by_staff"),
            abandoned: try count("abandoned"), asa: try value["asa"]?.duration(),
            abandonment: try value["abandonment"]?.share(), staffFTE: try count("staff_fte"))
    }

    // MARK: Period

    func readPeriod(_ value: YAMLValue, interval: Double) throws(InputError) -> (Int, Int, String?) {
        try value.expectKeys(["start", "days", "duration"])
        var weekday = 0
        var date: String?
        if let start = value["start"] {
            let (text, day) = try start.date()
            weekday = Weekday.of(day: day)
            date = text
        }
        let seconds: Double
        let source: YAMLValue
        switch (value["days"], value["duration"]) {
        case (let days?, nil):
            let n = try days.int()
            guard n >= 1 else { throw days.error("the period needs at least one day") }
            seconds = Double(n) * 86400
            source = days
        case (nil, let duration?):
            seconds = try duration.positiveDuration()
            source = duration
        case (.some, .some):
            throw value.error("give either 'days' or 'duration', not both")
        case (nil, nil):
            throw value.error("the period needs 'days' or 'duration'")
        }
        let count = seconds / interval
        guard count.rounded() == count else {
            throw source.error(
                "the period (\(seconds) s) is not a whole number of \(Int(interval / 60))-minute intervals")
        }
        guard count <= 2_000_000 else { throw source.error("the period has more than 2,000,000 intervals") }
        return (Int(count), weekday, date)
    }

    func readDefinitions(_ value: YAMLValue?) throws(InputError) -> MetricDefinitions {
        var definitions = MetricDefinitions()
        guard let value else { return definitions }
        try value.expectKeys(["service_level", "abandonment", "short_abandon"])
        if let sl = value["service_level"] { definitions.serviceLevel = try choice(sl) }
        if let ab = value["abandonment"] { definitions.abandonment = try choice(ab) }
        if let short = value["short_abandon"] { definitions.shortAbandonThreshold = try short.duration() }
        return definitions
    }

    /// One of an enumeration's values by its name, or an error listing them.
    func choice<T: RawRepresentable & CaseIterable>(_ value: YAMLValue) throws(InputError) -> T
    where T.RawValue == String {
        let text = try value.string()
        guard let parsed = T(rawValue: text) else {
            throw value.error("unknown basis '\(text)'; one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }

    // MARK: Queues

    static let queueKeys = [
        "name", "priority", "arrivals", "handle_time", "patience", "targets", "service_level_threshold", "strategy",
        "redial", "overflow", "intents", "misroute_handle", "published", "capacity",
    ]

    func readQueue(_ value: YAMLValue, context: PeriodContext) throws(InputError) -> Queue {
        try value.expectKeys(Self.queueKeys, required: ["name", "handle_time"])
        let name = try value.required("name").string()
        guard !name.isEmpty else { throw try value.required("name").error("a queue needs a name") }
        let priority = try value["priority"]?.int() ?? 0
        // Without arrivals of its own, a queue receives calls only from flows.
        let volumes =
            try value["arrivals"].map { v throws(InputError) in try readArrivals(v, context: context) }
            ?? Array(repeating: 0, count: context.count)
        let handle = try value.required("handle_time").distribution()
        let patience = try value["patience"]?.distribution()
        var targets = try readTargets(value["targets"])
        if let threshold = value["service_level_threshold"] {
            let seconds = try threshold.duration()
            if let sl = targets.serviceLevel, sl.threshold != seconds {
                throw threshold.error("the service-level target already sets a threshold of \(sl.threshold) s")
            }
            if targets.serviceLevel == nil { targets.serviceLevelThresholdOverride = seconds }
        }
        var strategy = RoutingStrategy.longestIdle
        if let s = value["strategy"] {
            let text = try s.string()
            guard let parsed = RoutingStrategy(rawValue: text) else {
                throw s.error(unknown("strategy", text, among: RoutingStrategy.allCases.map(\.rawValue)))
            }
            strategy = parsed
        }
        var redial: Redial?
        if let r = value["redial"] {
            try r.expectKeys(["probability", "delay", "max_attempts"], required: ["probability", "delay"])
            let attempts = try r["max_attempts"]?.int() ?? 3
            if attempts < 1, let a = r["max_attempts"] { throw a.error("at least one attempt") }
            redial = Redial(
                probability: try r.required("probability").share(), delay: try r.required("delay").distribution(),
                maxAttempts: attempts)
        }
        if let overflow = value["overflow"] { _ = try overflow.items() }
        if let intents = value["intents"] {
            for item in try intents.items() { _ = try item.string() }  // resolved with the entries' intents
        }
        var queue = Queue(
            name: name, priority: priority, volumes: volumes, handleTime: handle, patience: patience,
            targets: targets, strategy: strategy, redial: redial)
        if let misroute = value["misroute_handle"] { queue.misrouteHandle = try misroute.distribution() }
        if let capacity = value["capacity"] { queue.capacity = try readCapacity(capacity) }
        if let published = value["published"] {
            try published.expectKeys(["label", "asa", "abandonment"], required: ["label"])
            queue.published = PublishedFigures(
                label: try published.required("label").string(), asa: try published["asa"]?.duration(),
                abandonment: try published["abandonment"]?.share())
        }
        return queue
    }

    func readTargets(_ value: YAMLValue?) throws(InputError) -> Targets {
        var targets = Targets()
        guard let value else { return targets }
        try value.expectKeys(["asa", "abandonment", "service_level", "deflection"])
        targets.asa = try value["asa"]?.duration()
        targets.abandonment = try value["abandonment"]?.share()
        targets.deflection = try value["deflection"]?.share()
        if let sl = value["service_level"] {
            try sl.expectKeys(["share", "within"], required: ["share", "within"])
            targets.serviceLevel = ServiceLevelTarget(
                threshold: try sl.required("within").duration(), share: try sl.required("share").share())
        }
        return targets
    }

    /// Expected calls per interval from one of the arrival forms.
    func readArrivals(_ value: YAMLValue, context: PeriodContext) throws(InputError) -> [Double] {
        if !value.isMapping {
            let rate = try readRate(value)
            return Array(repeating: rate * context.interval, count: context.count)
        }
        try value.expectKeys(["rate", "per_interval", "daily", "shape"])
        if let rate = value["rate"] {
            if value["per_interval"] != nil || value["daily"] != nil {
                throw value.error("give one of 'rate', 'per_interval' or 'daily'")
            }
            return Array(repeating: try readRate(rate) * context.interval, count: context.count)
        }
        if let list = value["per_interval"] {
            if value["daily"] != nil { throw value.error("give one of 'rate', 'per_interval' or 'daily'") }
            return try readPerInterval(list, count: context.count)
        }
        guard let daily = value["daily"] else {
            throw value.error("the arrivals need 'rate', 'per_interval' or 'daily' with 'shape'")
        }
        let perDay = context.perDay
        let days = context.count / perDay + (context.count % perDay == 0 ? 0 : 1)
        let dayVolumes = try readDaily(daily, days: days, context: context)
        let shapes = try readShapes(value["shape"], perDay: perDay)
        for day in 0..<days where dayVolumes[day] > 0 {
            let weekday = context.weekday(ofInterval: day * perDay)
            if shapes[weekday] == nil, let shapeValue = value["shape"] {
                throw shapeValue.error("calls arrive on \(Weekday.names[weekday])days but no shape is given for them")
            }
        }
        return (0..<context.count).map { i in
            let volume = dayVolumes[i / perDay]
            return volume > 0 ? volume * shapes[context.weekday(ofInterval: i)]![i % perDay] : 0
        }
    }

    /// `per_interval`: one volume for every interval of the period, none negative.
    func readPerInterval(_ list: YAMLValue, count: Int) throws(InputError) -> [Double] {
        let items = try list.items()
        guard items.count == count else {
            throw list.error("\(items.count) volumes for a period of \(count) intervals: give one per interval")
        }
        return try items.map { item throws(InputError) in
            let v = try item.double()
            guard v >= 0 else { throw item.error("a call volume cannot be negative, found \(v)") }
            return v
        }
    }

    /// Calls per day of the period, from `daily`: a weekly pattern, one number, or a column of a volume file.
    func readDaily(_ daily: YAMLValue, days: Int, context: PeriodContext) throws(InputError) -> [Double] {
        if daily.isMapping, daily["file"] != nil || daily["column"] != nil {
            return try VolumeFile.column(daily, context: context, days: days)
        }
        if daily.isMapping {
            try daily.expectKeys(Weekday.names)
            var week = Array(repeating: 0.0, count: 7)
            for (d, day) in Weekday.names.enumerated() {
                if let v = daily[day] {
                    week[d] = try v.double()
                    guard week[d] >= 0 else { throw v.error("a call volume cannot be negative") }
                }
            }
            return (0..<days).map { week[context.weekday(ofInterval: $0 * context.perDay)] }
        }
        let v = try daily.double()
        guard v >= 0 else { throw daily.error("a call volume cannot be negative") }
        return Array(repeating: v, count: days)
    }

    /// The intraday shape per weekday: one list for every day, or lists per weekday (`mon-fri: [...]`,
    /// `sat-sun: [...]`, a weekday without one is `nil`); none given is a uniform day.
    func readShapes(_ shapeValue: YAMLValue?, perDay: Int) throws(InputError) -> [[Double]?] {
        guard let shapeValue else {
            return Array(repeating: Array(repeating: 1.0 / Double(perDay), count: perDay), count: 7)
        }
        guard shapeValue.isMapping else {
            return Array(repeating: try readShape(shapeValue, perDay: perDay), count: 7)
        }
        var shapes: [[Double]?] = Array(repeating: nil, count: 7)
        for entry in try shapeValue.entries() {
            let weights = try readShape(entry.value, perDay: perDay)
            for d in try readDays(entry.keyValue) {
                if shapes[d] != nil { throw entry.keyValue.error("\(Weekday.names[d]) already has a shape") }
                shapes[d] = weights
            }
        }
        return shapes
    }

    /// Intraday weights, one per interval of the day, normalised to sum to 1.
    func readShape(_ value: YAMLValue, perDay: Int) throws(InputError) -> [Double] {
        let items = try value.items()
        guard items.count == perDay else {
            throw value.error("\(items.count) weights for a day of \(perDay) intervals: give one per interval")
        }
        let shape = try items.map { item throws(InputError) in
            let v = try item.double()
            guard v >= 0 else { throw item.error("a weight cannot be negative") }
            return v
        }
        let sum = shape.reduce(0, +)
        guard sum > 0 else { throw value.error("the weights sum to zero") }
        return shape.map { $0 / sum }
    }

    /// A rate such as `120/h`, `2/m`, `0.5/s` or `2880/d`, in calls per second.
    func readRate(_ value: YAMLValue) throws(InputError) -> Double {
        guard let rate = Quantity.rate(try value.string()) else {
            throw value.error("expected a rate such as 120/h (calls per s, m, h or d), found \(value.kindName)")
        }
        guard rate >= 0 else { throw value.error("a rate cannot be negative, found \(value.kindName)") }
        return rate
    }

    /// A queue's capacity: calls that may wait at once (`unlimited` for no bound).
    func readCapacity(_ value: YAMLValue) throws(InputError) -> Int {
        if !value.isMapping && !value.isSequence, (try? value.string()) == "unlimited" { return Int.max }
        let calls = try value.int()
        guard calls >= 1 else { throw value.error("a queue holds at least 1 call ('unlimited' for no bound)") }
        return calls
    }

    // MARK: Groups

    func readGroup(_ value: YAMLValue, queues: [String: Int], context: PeriodContext) throws(InputError) -> AgentGroup {
        try value.expectKeys(
            ["name", "skills", "wrap_up", "agents", "clear_queue_at_close"], required: ["name", "skills", "agents"])
        let name = try value.required("name").string()
        let skillsValue = try value.required("skills")
        var skills: [Skill] = []
        if skillsValue.isSequence {
            for item in try skillsValue.items() {
                let queueName = try item.string()
                guard let q = queues[queueName] else {
                    throw item.error(unknown("queue", queueName, among: Array(queues.keys)))
                }
                skills.append(Skill(queue: q))
            }
        } else {
            for entry in try skillsValue.entries() {
                guard let q = queues[entry.key] else {
                    throw entry.keyValue.error(unknown("queue", entry.key, among: Array(queues.keys)))
                }
                let level = try entry.value.int()
                guard level >= 1 else { throw entry.value.error("levels start at 1 (the best)") }
                skills.append(Skill(queue: q, level: level))
            }
        }
        let wrapUp = try value["wrap_up"]?.distribution() ?? .deterministic(0)
        let agents = try value.required("agents")
        // `agents: external`: people who log in to the live daemon, not a rota.
        let external = !agents.isMapping && !agents.isSequence && (try? agents.string()) == "external"
        let rota = external ? .constant(0, intervals: context.count) : try readRota(agents, context: context)
        let clears = try value["clear_queue_at_close"]?.bool() ?? false
        var group = AgentGroup(name: name, skills: skills, wrapUp: wrapUp, rota: rota, clearsQueueAtClose: clears)
        group.external = external
        return group
    }

    func readRota(_ value: YAMLValue, context: PeriodContext) throws(InputError) -> Rota {
        if !value.isMapping {
            return .constant(try value.nonNegativeInt(), intervals: context.count)
        }
        try value.expectKeys(["per_interval", "shifts"])
        switch (value["per_interval"], value["shifts"]) {
        case (let list?, nil):
            let items = try list.items()
            guard items.count == context.count else {
                throw list.error(
                    "the rota covers \(items.count) intervals but the period has \(context.count): give one headcount per interval"
                )
            }
            return Rota(headcount: try items.map { item throws(InputError) in try item.nonNegativeInt() })
        case (nil, let shifts?):
            var headcount = Array(repeating: 0, count: context.count)
            for shift in try shifts.items() {
                try shift.expectKeys(["days", "from", "to", "agents", "dates"], required: ["from", "to", "agents"])
                let days = try readDays(shift["days"])
                let dates = try context.dayRange(shift["dates"])
                let from = try readClock(try shift.required("from"), context: context)
                let to = try readClock(try shift.required("to"), context: context)
                let agents = try shift.required("agents").nonNegativeInt()
                guard from != to else { throw try shift.required("to").error("the shift ends when it starts") }
                // A shift that ends before it starts runs past midnight into the next day.
                let length = to > from ? to - from : to + context.perDay - from
                for i in 0..<context.count where i % context.perDay == 0 {
                    guard days.contains(context.weekday(ofInterval: i)), dates.contains(i / context.perDay) else {
                        continue
                    }
                    for k in 0..<length where i + from + k < context.count {
                        headcount[i + from + k] += agents
                    }
                }
            }
            return Rota(headcount: headcount)
        case (.some, .some):
            throw value.error("give either 'per_interval' or 'shifts', not both")
        case (nil, nil):
            throw value.error("the agents need a number, 'per_interval' or 'shifts'")
        }
    }

    /// `mon-fri`, `all`, `sat`, or a list of day names.
    static func days(_ value: YAMLValue?) throws(InputError) -> Set<Int> {
        guard let value else { return Set(0..<7) }
        let words: [String]
        if value.isSequence {
            words = try value.items().map { v throws(InputError) in try v.string() }
        } else {
            words = [try value.string()]
        }
        var days = Set<Int>()
        for word in words.map({ $0.lowercased() }) {
            if word == "all" || word == "every day" {
                days.formUnion(0..<7)
            } else if let dash = word.firstIndex(of: "-") {
                guard let a = Weekday.names.firstIndex(of: String(word[..<dash])),
                    let b = Weekday.names.firstIndex(of: String(word[word.index(after: dash)...]))
                else { throw value.error("expected day names such as mon-fri, found '\(word)'") }
                var d = a
                while true {
                    days.insert(d)
                    if d == b { break }
                    d = (d + 1) % 7
                }
            } else if let d = Weekday.names.firstIndex(of: word) {
                days.insert(d)
            } else {
                throw value.error(
                    "unknown day '\(word)': use mon, tue, wed, thu, fri, sat, sun, ranges like mon-fri, or all")
            }
        }
        return days
    }

    func readDays(_ value: YAMLValue?) throws(InputError) -> Set<Int> { try Self.days(value) }

    /// `HH:MM-HH:MM` as seconds from midnight, start before end; `nil` if malformed.
    static func openRange(_ text: String) -> (Double, Double)? {
        let parts = text.split(separator: "-").map(String.init)
        guard parts.count == 2, let from = Quantity.clock(parts[0]), let to = Quantity.clock(parts[1]), from < to
        else { return nil }
        return (from, to)
    }

    /// `HH:MM` as an interval index within the day (24:00 allowed); must fall on an interval boundary.
    func readClock(_ value: YAMLValue, context: PeriodContext) throws(InputError) -> Int {
        let seconds = try FlowReader.clock(value)
        let text = try value.string()
        let index = seconds / context.interval
        guard index.rounded() == index else {
            throw value.error("\(text) is not on a \(Int(context.interval / 60))-minute interval boundary")
        }
        return Int(index) % (context.perDay + 1)
    }

    func unknown(_ kind: String, _ name: String, among names: [String]) -> String {
        let hint = closest(name, among: names).map { " Did you mean '\($0)'?" } ?? ""
        return "unknown \(kind) '\(name)'.\(hint) Known: \(names.sorted().joined(separator: ", "))."
    }
}

struct PeriodContext {
    let interval: Double
    let count: Int
    let startWeekday: Int
    /// The period's first day, counted from 1970-01-01, when the period names its start.
    let startDay: Int?
    let scenarioFile: String
    let periodValue: YAMLValue

    var perDay: Int { Int(86400 / interval) }

    func weekday(ofInterval i: Int) -> Int { (startWeekday + i / perDay) % 7 }
}

extension PeriodContext {
    /// The period's day number of a `YYYY-MM-DD` date (0 = the first day; may fall outside the period).
    func dayIndex(_ value: YAMLValue) throws(InputError) -> Int {
        let day = try value.date().day
        guard let startDay else {
            throw value.error("dates need the period's start date: add 'start: YYYY-MM-DD' to 'period'")
        }
        return day - startDay
    }

    /// Days of the period from `{ from: YYYY-MM-DD, to: YYYY-MM-DD }` (both inclusive, either optional); every day
    /// without a value.
    func dayRange(_ value: YAMLValue?) throws(InputError) -> ClosedRange<Int> {
        guard let value else { return Int.min...Int.max }
        try value.expectKeys(["from", "to"])
        let from = try value["from"].map { v throws(InputError) in try dayIndex(v) } ?? Int.min
        let to = try value["to"].map { v throws(InputError) in try dayIndex(v) } ?? Int.max
        guard from <= to else { throw value.error("'to' comes before 'from'") }
        return from...to
    }
}
