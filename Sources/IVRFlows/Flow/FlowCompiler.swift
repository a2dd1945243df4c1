import ACDCore
import Foundation

/// How callers behave in menus; set per scenario (`callers:`), documented in docs/flows.md.
package struct CallerBehaviour: Sendable, Equatable {
    /// Share of menu attempts where the caller presses another listed option than the one for their intent.
    package var wrongKey = 0.02
    /// Share of menu attempts where the caller presses nothing before the timeout.
    package var noInput = 0.03
    /// Seconds from the end of a menu prompt to the key press.
    package var keyTime = 2.0
    /// Seconds a caller takes to say what they want at a speech prompt.
    package var utteranceTime = 3.0
    /// Share of speech attempts where the caller says nothing usable.
    package var speechNoInput = 0.02
    /// Share of callers who cut a prompt short where barge-in is allowed (they act after `keyTime`).
    package var bargeIn = 0.0

    package init() {}
}

/// A kind of caller: an intent and values of the scenario's attributes (language, vulnerability, ...). The engine
/// routes on caller types; a `set` node moves a caller from one type to another.
package struct CallerType: Sendable, Equatable {
    package var intent: Int
    package var attributes: [String: String]

    package init(intent: Int, attributes: [String: String] = [:]) {
        self.intent = intent
        self.attributes = attributes
    }
}

/// What flows are compiled against: the scenario's queues, intents, calendars and callers.
package struct FlowContext: Sendable {
    package var queues: [String: Int]
    /// Intents by name.
    package var intents: [String]
    /// Caller types (the engine's "intents"): every intent with every combination of attribute values.
    package var types: [CallerType]
    /// Each attribute's possible values.
    package var attributes: [String: [String]] = [:]
    /// Open flags per interval of the period, by calendar name.
    package var calendars: [String: [Bool]]
    package var callers: CallerBehaviour
    package var intervalLength: Double
    package var intervalCount: Int
    /// All flow files of the set, by flow name (for sub-flow calls).
    package var documents: [String: FlowDocument]

    package init(
        queues: [String: Int], intents: [String], calendars: [String: [Bool]], callers: CallerBehaviour,
        intervalLength: Double, intervalCount: Int, documents: [String: FlowDocument]
    ) {
        self.queues = queues
        self.intents = intents
        self.types = intents.indices.map { CallerType(intent: $0) }
        self.calendars = calendars
        self.callers = callers
        self.intervalLength = intervalLength
        self.intervalCount = intervalCount
        self.documents = documents
    }
}

/// A flow compiled for the engine, with the node each step belongs to (for per-node figures).
package struct CompiledFlow: Sendable {
    package var flow: CallFlow
    /// Per step: the node path it belongs to (`main-menu`, or `closed/message` inside a called flow).
    package var stepNodes: [String]
    /// Queue nodes by queue: the options they set on the queue, and where.
    package var queueNodes: [(queue: Int, node: FlowNode)] = []
    /// Per step: what a caller on the telephone hears there (`nil`: nothing of the flow's own).
    package var stepPrompts: [StepPrompt?] = []
}

/// What one compiled step plays to a caller who hears the flow (SIPFront): its prompt, where the flow file is (audio
/// paths are relative to it), and for steps that take input whether a key may cut the prompt short and how long the
/// step waits after it.
package struct StepPrompt: Sendable, Equatable {
    package var prompt: Prompt
    /// The folder of the flow file the prompt was written in.
    package var folder: String
    package var bargeIn: Bool
    /// The flow's speaking rate, for prompts given as text.
    package var wordsPerMinute: Double
    /// Seconds a menu waits for a key after its prompt; `nil` at steps that take no keys.
    package var timeout: Double?

    /// The prompt's audio file, if it has one, as a path.
    package var audioPath: String? { prompt.audio.map { Self.resolve($0, folder: folder) } }

    /// The recording `acdd flows prompts --speak` makes of a text prompt (it may not exist yet).
    package var spokenPath: String? {
        prompt.text.map { SpokenPrompt.path(text: $0, folder: folder, wordsPerMinute: wordsPerMinute) }
    }

    /// An audio path as a flow file gives it: absolute, or relative to the flow file's folder.
    package static func resolve(_ audio: String, folder: String) -> String {
        audio.hasPrefix("/") ? audio : URL(fileURLWithPath: folder).appendingPathComponent(audio).path
    }
}

/// Turns a flow document (and the flows it calls) into engine steps.
package struct FlowCompiler {
    let context: FlowContext
    private var steps: [FlowStep] = []
    private var stepNodes: [String] = []
    private var stepPrompts: [Int: StepPrompt] = [:]
    /// Per step, the first step of its node.
    private var stepHeads: [Int] = []
    private var instances: [String: Int] = [:]
    private var work: [(index: Int, node: FlowNode, scope: Scope)] = []
    private var promptCache: [String: Double] = [:]
    private var queueNodes: [(queue: Int, node: FlowNode)] = []

    struct Scope {
        var document: FlowDocument
        /// Node path prefix inside called flows.
        var prefix: String
        /// Where `return` goes, inside a called flow.
        var returnTo: Int?
        var depth: Int

        /// The folder of the flow file: prompt paths are relative to it.
        var folder: String { URL(fileURLWithPath: document.file).deletingLastPathComponent().path }
    }

    package init(context: FlowContext) { self.context = context }

    package static func compile(_ document: FlowDocument, context: FlowContext) throws(InputError) -> CompiledFlow {
        var compiler = FlowCompiler(context: context)
        let scope = Scope(document: document, prefix: "", returnTo: nil, depth: 0)
        let entry = try compiler.index(of: document.start, in: scope)
        while let item = compiler.work.popLast() { try compiler.build(item.index, item.node, item.scope) }
        for j in compiler.steps.indices { compiler.steps[j].node = compiler.stepHeads[j] }
        return CompiledFlow(
            flow: {
                var flow = CallFlow(
                    name: document.name, steps: compiler.steps, entry: entry, patience: document.patience)
                flow.repeatWindow = document.repeatWindow
                return flow
            }(),
            stepNodes: compiler.stepNodes, queueNodes: compiler.queueNodes,
            stepPrompts: compiler.steps.indices.map { compiler.stepPrompts[$0] })
    }

    // MARK: Node instances

    /// The first step of the node a reference names, reserving it (and queueing it to be built) on first use.
    private mutating func index(of reference: Reference, in scope: Scope) throws(InputError) -> Int {
        guard let node = scope.document.node(reference.name) else {
            let names = scope.document.nodes.map(\.id)
            let hint = closest(reference.name, among: names).map { " Did you mean '\($0)'?" } ?? ""
            throw reference.location.error("unknown node '\(reference.name)' in flow '\(scope.document.name)'.\(hint)")
        }
        if case .return = node.kind {
            guard let back = scope.returnTo else {
                throw node.location.error("'return' in a flow that is not called from another (\(scope.document.name))")
            }
            return back
        }
        let key = "\(scope.prefix)\(node.id)"
        if let existing = instances[key] { return existing }
        let i = reserve(key)
        instances[key] = i
        work.append((i, node, scope))
        return i
    }

    private mutating func reserve(_ name: String) -> Int {
        steps.append(FlowStep(name: name, action: .finish(.closed)))
        stepNodes.append(name)
        stepHeads.append(steps.count - 1)
        return steps.count - 1
    }

    private var intentCount: Int { context.types.count }

    /// The caller type `k` with its attributes changed, or a located error for an unknown attribute or value.
    private func type(_ k: Int, setting values: [AttributeValue]) throws(InputError) -> Int {
        var attributes = context.types[k].attributes
        for v in values {
            try checkAttribute(v)
            attributes[v.attribute.name] = v.value.name
        }
        return context.types.firstIndex { $0.intent == context.types[k].intent && $0.attributes == attributes } ?? k
    }

    private func checkAttribute(_ v: AttributeValue) throws(InputError) {
        guard let values = context.attributes[v.attribute.name] else {
            let known = context.attributes.keys.sorted()
            throw v.attribute.location.error(
                "unknown caller attribute '\(v.attribute.name)'. "
                    + (known.isEmpty
                        ? "The scenario defines none (attributes:)." : "Known: \(known.joined(separator: ", ")).")
            )
        }
        guard values.contains(v.value.name) else {
            throw v.value.location.error(
                "'\(v.value.name)' is not a value of '\(v.attribute.name)': one of \(values.joined(separator: ", "))")
        }
    }

    private func every(_ weights: [Double]) -> [[Double]] {
        Array(repeating: weights, count: intentCount)
    }

    private func intentIndex(_ reference: Reference) throws(InputError) -> Int {
        guard let k = context.intents.firstIndex(of: reference.name) else {
            let hint = closest(reference.name, among: context.intents).map { " Did you mean '\($0)'?" } ?? ""
            throw reference.location.error(
                "unknown intent '\(reference.name)'.\(hint) The scenario's intents: \(context.intents.joined(separator: ", "))."
            )
        }
        return k
    }

    // MARK: Building

    private mutating func build(_ i: Int, _ node: FlowNode, _ scope: Scope) throws(InputError) {
        let name = "\(scope.prefix)\(node.id)"
        func go(_ r: Reference) throws(InputError) -> Int { try index(of: r, in: scope) }
        switch node.kind {
        case .play(let prompt, let bargeIn, let next):
            stepPrompts[i] = heard(prompt, scope, bargeIn: bargeIn)
            let seconds = try duration(prompt, scope)
            steps[i] = FlowStep(
                name: name, duration: promptTime(seconds, bargeIn: bargeIn, extra: 0),
                action: .route(targets: [try go(next)], weights: every([1])))
            if bargeIn { steps[i].heardDuration = seconds }
        case .menu(let menu):
            try buildMenu(i, name, menu, scope)
        case .speech(let speech):
            try buildSpeech(i, name, speech, scope)
        case .hours(let calendar, let open, let closed):
            guard let flags = context.calendars[calendar.name] else {
                let hint = closest(calendar.name, among: Array(context.calendars.keys)).map { " Did you mean '\($0)'?" }
                throw calendar.location.error(
                    "unknown calendar '\(calendar.name)'.\(hint ?? "") Known: \(context.calendars.keys.sorted().joined(separator: ", "))."
                )
            }
            steps[i] = FlowStep(
                name: name, action: .hours(open: flags, whenOpen: try go(open), whenClosed: try go(closed)))
        case .selfService(_, let time, let completion, let completed, let failed):
            let done = try completed.map { r throws(InputError) in try go(r) } ?? finish(i, name, .selfServed)
            if completed == nil { steps[done].callBack = node.callBack }
            steps[i] = FlowStep(
                name: name, duration: time,
                action: .route(targets: [done, try go(failed)], weights: every([completion, 1 - completion])))
            steps[i].input = StepInput(kind: .choice, labels: [["done"], ["failed"]])
        case .signpost(let message, let satisfied, let otherwise):
            let deflected = finish(i, name, .deflected)
            steps[deflected].callBack = node.callBack
            steps[i] = FlowStep(
                name: name, duration: .deterministic(try duration(message, scope)),
                action: .route(targets: [deflected, try go(otherwise)], weights: every([satisfied, 1 - satisfied])))
            steps[i].input = StepInput(kind: .choice, labels: [["satisfied"], ["continue"]])
            stepPrompts[i] = heard(message, scope, bargeIn: true)
        case .branch(let cases, let otherwise):
            try buildBranch(i, name, cases, otherwise, scope)
        case .set(let values, let next):
            let map = try (0..<intentCount).map { k throws(InputError) in try type(k, setting: values) }
            steps[i] = FlowStep(name: name, action: .relabel(map: map, next: try go(next)))
        case .queue(let queue):
            guard let q = context.queues[queue.name] else {
                let hint = closest(queue.name, among: Array(context.queues.keys)).map { " Did you mean '\($0)'?" } ?? ""
                throw queue.location.error(
                    "unknown queue '\(queue.name)'.\(hint) Known: \(context.queues.keys.sorted().joined(separator: ", "))."
                )
            }
            steps[i] = FlowStep(name: name, action: .queue(q))
            steps[i].callPriority = node.callPriority
            queueNodes.append((q, node))
        case .transfer:
            steps[i] = FlowStep(name: name, action: .finish(.transferred))
        case .hangup(let outcome):
            steps[i] = FlowStep(name: name, action: .finish(outcome))
        case .call(let flow, let next):
            guard let callee = context.documents[flow.name] else {
                throw flow.location.error(
                    "unknown flow '\(flow.name)'. Known: \(context.documents.keys.sorted().joined(separator: ", ")).")
            }
            guard scope.depth < 16 else {
                throw node.location.error("sub-flows call each other more than 16 deep: a call loop?")
            }
            let after = try go(next)
            let inner = Scope(document: callee, prefix: "\(name)/", returnTo: after, depth: scope.depth + 1)
            let start = try index(of: callee.start, in: inner)
            steps[i] = FlowStep(name: name, action: .route(targets: [start], weights: every([1])))
        case .return:
            break  // never instantiated: references to it resolve to the caller's next step
        }
        steps[i].hangUp = node.hangUp
    }

    private mutating func finish(_ head: Int, _ name: String, _ outcome: FlowOutcome) -> Int {
        let j = extra(head, name, "/\(outcome)")
        steps[j] = FlowStep(name: "\(name)/\(outcome)", action: .finish(outcome))
        return j
    }

    /// Steps of one node beyond its first (`head`): counted with the node.
    private mutating func extra(_ head: Int, _ name: String, _ suffix: String) -> Int {
        let j = reserve("\(name)\(suffix)")
        stepNodes[j] = name
        stepHeads[j] = head
        return j
    }

    private mutating func buildMenu(_ i: Int, _ name: String, _ menu: Menu, _ scope: Scope) throws(InputError) {
        let callers = context.callers
        let exhausted = try index(of: menu.exhausted, in: scope)
        let optionTargets = try menu.options.map { o throws(InputError) in try index(of: o.next, in: scope) }
        let optionIntents = try menu.options.map { o throws(InputError) in
            Set(try o.intents.map { r throws(InputError) in try intentIndex(r) })
        }
        let catchAll = menu.options.indices.filter { menu.options[$0].intents.isEmpty }
        // Per intent: weights over [options..., no input, no match].
        var weights: [[Double]] = []
        for k in 0..<intentCount {
            var row = Array(repeating: 0.0, count: menu.options.count + 2)
            row[menu.options.count] = callers.noInput
            let matching = menu.options.indices.filter { optionIntents[$0].contains(context.types[k].intent) }
            let chosen = matching.isEmpty ? catchAll : matching
            if chosen.isEmpty {
                row[menu.options.count + 1] = 1 - callers.noInput
            } else {
                let others = menu.options.indices.filter { !chosen.contains($0) }
                let wrong = others.isEmpty ? 0 : callers.wrongKey
                for o in chosen { row[o] = (1 - callers.noInput - wrong) / Double(chosen.count) }
                for o in others { row[o] = wrong / Double(others.count) }
            }
            weights.append(row)
        }
        let first = promptTime(try duration(menu.prompt, scope), bargeIn: menu.bargeIn, extra: callers.keyTime)
        let again =
            try menu.repeatPrompt.map { p throws(InputError) in
                promptTime(try duration(p, scope), bargeIn: menu.bargeIn, extra: callers.keyTime)
            } ?? first
        let noInput =
            max(0, menu.timeout - callers.keyTime)
            + (try menu.noInput.map { p throws(InputError) in try duration(p, scope) } ?? 0)
        let noMatch = try menu.noMatch.map { p throws(InputError) in try duration(p, scope) } ?? 0
        let n = menu.options.count
        let input = StepInput(
            kind: .keys, labels: menu.options.map { [$0.key] } + [[], []], silence: n, noMatch: n + 1)
        let attemptPrompt = attempts(
            menu.prompt, menu.repeatPrompt, retries: menu.retries, scope, bargeIn: menu.bargeIn, timeout: menu.timeout)
        unroll(
            i, name, attempts: menu.retries + 1, exhausted: exhausted, input: input,
            failures: [("no-input", noInput), ("no-match", noMatch)],
            prompts: (attemptPrompt, [menu.noInput, menu.noMatch].map { $0.map { heard($0, scope, bargeIn: false) } })
        ) { a, failures in
            (a == 0 ? first : again, .route(targets: optionTargets + failures, weights: weights))
        }
    }

    /// Unrolls a menu's or speech menu's attempts: the first attempt is the node's own step `i`, and each attempt has
    /// failure steps (no input, no match) that play their prompt and lead to the next attempt, or after the last to
    /// `exhausted`. `attempt` gives an attempt's duration and action from its number and its failure steps.
    private mutating func unroll(
        _ i: Int, _ name: String, attempts: Int, exhausted: Int, input: StepInput,
        failures: [(suffix: String, seconds: Double)],
        prompts: (attempt: (Int) -> StepPrompt, failures: [StepPrompt?]),
        attempt: (_ a: Int, _ failureSteps: [Int]) -> (Distribution, FlowStep.Action)
    ) {
        var attemptSteps = [i]
        for a in 1..<max(attempts, 1) { attemptSteps.append(extra(i, name, "#\(a + 1)")) }
        for a in 0..<attempts {
            let after = a + 1 < attempts ? attemptSteps[a + 1] : exhausted
            var failureSteps: [Int] = []
            for (f, failure) in failures.enumerated() {
                let j = extra(i, name, "#\(a + 1)/\(failure.suffix)")
                stepPrompts[j] = prompts.failures[f]
                steps[j] = FlowStep(
                    name: "\(name)#\(a + 1)/\(failure.suffix)", duration: .deterministic(failure.seconds),
                    action: .route(targets: [after], weights: every([1])))
                failureSteps.append(j)
            }
            let (duration, action) = attempt(a, failureSteps)
            steps[attemptSteps[a]] = FlowStep(
                name: a == 0 ? name : "\(name)#\(a + 1)", duration: duration, action: action)
            steps[attemptSteps[a]].input = input
            stepPrompts[attemptSteps[a]] = prompts.attempt(a)
        }
    }

    private mutating func buildSpeech(_ i: Int, _ name: String, _ speech: Speech, _ scope: Scope) throws(InputError) {
        let callers = context.callers
        let exhausted = try index(of: speech.exhausted, in: scope)
        let targets = try speech.routes.map { r throws(InputError) in try index(of: r.next, in: scope) }
        let routeIntents = try speech.routes.map { r throws(InputError) in try intentIndex(r.intent) }
        var weights: [[Double]] = []
        for k in 0..<intentCount {
            var row = Array(repeating: 0.0, count: speech.routes.count + 1)
            let heard = 1 - callers.speechNoInput
            let intent = context.types[k].intent
            if let own = routeIntents.firstIndex(of: intent) { row[own] = heard * speech.recognition }
            for (other, share) in speech.confusion[context.intents[intent]] ?? [:] {
                if let j = speech.routes.firstIndex(where: { $0.intent.name == other }) { row[j] += heard * share }
            }
            row[speech.routes.count] = max(0, 1 - row.reduce(0, +))
            weights.append(row)
        }
        let first = Distribution.deterministic(try duration(speech.prompt, scope) + callers.utteranceTime)
        let again =
            try speech.repeatPrompt.map { p throws(InputError) in
                Distribution.deterministic(try duration(p, scope) + callers.utteranceTime)
            } ?? first
        let noMatch = try speech.noMatch.map { p throws(InputError) in try duration(p, scope) } ?? 0
        let n = speech.routes.count
        let labels = speech.routes.map { [$0.intent.name] + $0.phrases } + [[]]
        let input = StepInput(kind: .speech, labels: labels, silence: n, noMatch: n)
        let attemptPrompt = attempts(speech.prompt, speech.repeatPrompt, retries: speech.retries, scope, bargeIn: true)
        unroll(
            i, name, attempts: speech.retries + 1, exhausted: exhausted, input: input, failures: [("no-match", noMatch)],
            prompts: (attemptPrompt, [speech.noMatch.map { heard($0, scope, bargeIn: false) }])
        ) { a, failures in
            (a == 0 ? first : again, .route(targets: targets + failures, weights: weights))
        }
    }

    private mutating func buildBranch(
        _ i: Int, _ name: String, _ cases: [BranchCase], _ otherwise: Reference, _ scope: Scope
    ) throws(InputError) {
        // A chain: each case tests its time window (a calendar step), then its intents (a routing step).
        var next = try index(of: otherwise, in: scope)
        for (c, branch) in cases.enumerated().reversed() {
            let target = try index(of: branch.next, in: scope)
            var entry = target
            if !branch.intents.isEmpty || !branch.when.isEmpty {
                let wanted = Set(try branch.intents.map { r throws(InputError) in try intentIndex(r) })
                for v in branch.when { try checkAttribute(v) }
                let types = context.types
                let matches = { (k: Int) -> Bool in
                    let type = types[k]
                    return (wanted.isEmpty || wanted.contains(type.intent))
                        && branch.when.allSatisfy { type.attributes[$0.attribute.name] == $0.value.name }
                }
                let j = c == 0 && branch.timeOfDay == nil ? i : extra(i, name, "/case\(c + 1)-caller")
                steps[j] = FlowStep(
                    name: steps[j].name,
                    action: .route(
                        targets: [target, next], weights: (0..<intentCount).map { matches($0) ? [1, 0] : [0, 1] }))
                entry = j
            }
            if let window = branch.timeOfDay {
                let j = c == 0 ? i : extra(i, name, "/case\(c + 1)-time")
                let flags = (0..<context.intervalCount).map { n in
                    let seconds = (Double(n) * context.intervalLength).truncatingRemainder(dividingBy: 86400)
                    return window.from <= window.to
                        ? (window.from <= seconds && seconds < window.to)
                        : (seconds >= window.from || seconds < window.to)
                }
                steps[j] = FlowStep(name: steps[j].name, action: .hours(open: flags, whenOpen: entry, whenClosed: next))
                entry = j
            }
            next = entry
        }
        if cases.isEmpty || next != i {
            steps[i] = FlowStep(name: name, action: .route(targets: [next], weights: every([1])))
        }
    }

    // MARK: Prompts

    /// What a caller hears at attempt `a` (from 0) of a menu or speech step: the prompt, then the repeat prompt if any.
    private func attempts(
        _ prompt: Prompt, _ repeatPrompt: Prompt?, retries: Int, _ scope: Scope, bargeIn: Bool, timeout: Double? = nil
    ) -> (Int) -> StepPrompt {
        let first = heard(prompt, scope, bargeIn: bargeIn, timeout: timeout)
        let again = heard(repeatPrompt ?? prompt, scope, bargeIn: bargeIn, timeout: timeout)
        return { a in a == 0 ? first : again }
    }

    /// What a caller on the telephone hears at a step that plays `prompt`.
    private func heard(_ prompt: Prompt, _ scope: Scope, bargeIn: Bool, timeout: Double? = nil) -> StepPrompt {
        StepPrompt(
            prompt: prompt, folder: scope.folder,
            bargeIn: bargeIn, wordsPerMinute: scope.document.wordsPerMinute, timeout: timeout)
    }

    /// A prompt's time plus `extra`; where barge-in is allowed, the callers' barge-in share act after `keyTime`
    /// instead of hearing the prompt out.
    private func promptTime(_ seconds: Double, bargeIn: Bool, extra: Double) -> Distribution {
        let share = context.callers.bargeIn
        let full = seconds + extra
        let early = min(full, context.callers.keyTime + extra)
        guard bargeIn, share > 0, early < full else { return .deterministic(full) }
        return .histogram(HistogramTable(bins: [(early, early, share), (full, full, 1 - share)]))
    }

    /// A prompt's length: audio read with libsndfile (relative to the flow file); text by its recording when
    /// `acdd flows prompts --speak` has made one, else at the flow's speaking rate.
    private mutating func duration(_ prompt: Prompt, _ scope: Scope) throws(InputError) -> Double {
        let folder = scope.folder
        if let text = prompt.text {
            let recorded = SpokenPrompt.path(text: text, folder: folder, wordsPerMinute: scope.document.wordsPerMinute)
            if let known = promptCache[recorded] { return known }
            if FileManager.default.fileExists(atPath: recorded) {
                do {
                    let seconds = try PromptAudio.info(path: recorded).seconds
                    promptCache[recorded] = seconds
                    return seconds
                } catch {
                    throw prompt.location.error("the recording of this text prompt, \(recorded): \(error.reason)")
                }
            }
            let words = text.split(whereSeparator: { $0.isWhitespace }).count
            return Double(words) / scope.document.wordsPerMinute * 60
        }
        let audio = prompt.audio ?? ""
        let path = StepPrompt.resolve(audio, folder: folder)
        if let known = promptCache[path] { return known }
        do {
            let seconds = try PromptAudio.info(path: path).seconds
            promptCache[path] = seconds
            return seconds
        } catch {
            throw prompt.location.error("audio prompt '\(audio)': \(error.reason)")
        }
    }
}
