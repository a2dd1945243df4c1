import ACDCore
import CSIPStack
import Foundation
import IVRFlows
import Synchronization

/// Callers on the telephone, placed by callgen over SIP against acdd or any other PBX or IVR (`callgen --sip`).
///
/// Each planned call is an INVITE to its entry's number, sent at its time divided by the speed. Once the far end
/// answers, the caller walks the scenario's flow from their end of the line (``FlowProgram/telephoneStep``): they
/// spend each step's drawn time, then press the key their type leads to (RFC 4733), say the phrase (espeak-ng audio
/// in the RTP stream) or stay silent, or hang up when their IVR patience ends. Where the flow puts them in a queue,
/// they wait with the queue's patience and hang up when it runs out. An agent's answer is heard as the far end's
/// audio starting a new talkspurt (the RTP marker bit) or coming from a new source (a new SSRC): acdd marks both a
/// modelled agent's answer and the bridge to an agent's phone, and PBXes that bridge a caller to an agent change the
/// source. The far end's BYE ends the call. Everything is measured from the caller's side.
///
/// Threads: the SIP stack's thread runs every handler and the 20 ms beat that dials, acts and sends audio; one lock
/// guards the callers. Each caller draws from their own stream, so the same plan gives the same moves.
package final class SIPCallers: @unchecked Sendable {
    /// A call to place: engine seconds from the run's start, the entry, and the caller's type if the plan gives one.
    package struct Planned: Sendable {
        package var time: Double
        package var entry: Int
        package var intent: Int?
        package init(time: Double, entry: Int, intent: Int?) {
            self.time = time
            self.entry = entry
            self.intent = intent
        }
    }

    package struct Options: Sendable {
        /// The far end: every entry's number is dialled as `sip:NUMBER@host:port`.
        package var host: String
        package var port: Int
        /// Where callgen's own SIP and RTP listen.
        package var localHost = "127.0.0.1"
        package var localPort = 5070
        package var rtpPorts = 30000..<40000
        package var speed = 1.0
        package var seed: UInt64 = 1
        /// The engine time of the run's start (the far end's clock when the first call's time is counted from).
        package var start = 0.0
        package init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// One call as the caller saw it.
    package struct Record: Sendable, Codable, Equatable {
        package var index: Int
        package var entry: String
        package var from: String
        /// The engine time it was planned for.
        package var planned: Double
        /// The IVR nodes the caller's walk entered (`flow/node`), as the daemon records them.
        package var path: [String] = []
        /// Keys sent (RFC 4733) and phrases said, in order (`1`, `"council tax"`).
        package var inputs: [String] = []
        /// Where the caller's walk ended: `queued QUEUE`, an outcome of the flow (`deflected`, ...), or `hung-up`.
        package var walk = ""
        /// What happened, from the caller's side: answered (by an agent), abandoned (hung up in the queue),
        /// hung-up (in the IVR), ended (the far end hung up where the flow ends the call), ended-in-ivr or
        /// ended-in-queue (the far end hung up where the walk did not expect it), refused, failed.
        package var outcome = ""
        /// The SIP status of a refusal.
        package var status: Int?
        /// Wall seconds from the INVITE to the far end's answer.
        package var setup: Double?
        /// Engine seconds from the walk's reaching the queue to an agent's answer or the caller's hang-up.
        package var waited: Double?
    }

    package struct Summary: Sendable, Codable {
        package var records: [Record]
        /// Calls not placed: the plan's calls to a queue rather than an entry (a telephone dials entries).
        package var skipped: Int
        /// Calls still up when the run stopped waiting (hung up then).
        package var cutOff: Int
    }

    private enum Phase {
        case dialling
        /// In the flow: the step being spent, due (stack ms) when its time is over.
        case walking(TelephoneStep, due: UInt64)
        /// Saying a phrase: the walk goes on once it has been said and the far end has had `Self.heardAfter` of
        /// quiet to notice the end (`resume`, stack ms, is set when the last of it is sent).
        case speaking(resume: UInt64?)
        /// The far end ends the call here (the flow's end): waiting for its BYE.
        case ending
        /// In a queue since engine time `since`, hanging up at `patience` (stack ms).
        case queued(since: Double, patience: UInt64)
        case talking
    }

    private struct Caller {
        var record: Record
        var handle: OpaquePointer?
        var draws: RandomStream
        var intent = 0
        var deadline = Double.infinity
        var step = 0
        var node = -1
        var phase = Phase.dialling
        var dialled: UInt64 = 0
        var heard = false
        var keys: [Character] = []
        var speech: [Int16] = []
        var spoken = 0
        var hangingUp = false
    }

    private struct State {
        var callers: [UInt64: Caller] = [:]
        var next = 0
        var done: [Record] = []
        var origin: UInt64?
    }

    /// Milliseconds of quiet after a phrase before the walk goes on: an IVR's endpointer waits for the caller to stop
    /// (acdd's waits 0.7 s, docs/sip.md), and the recogniser then takes a moment.
    static let heardAfter: UInt64 = 800

    let program: FlowProgram
    let scenario: Scenario
    let options: Options
    let plan: [Planned]
    let numbers: [String]
    /// Each phrase a caller may say, spoken once by espeak-ng at 8 kHz.
    let phrases: [String: [Int16]]
    private let state = Mutex(State())
    private let stack = Mutex<SIPFront.StackPointer?>(nil)
    
    package init(scenario: Scenario, plan: [Planned], options: Options) throws(SIPError) {
        self.scenario = scenario
        program = FlowProgram(model: scenario.model)
        self.options = options
        self.plan = plan
        numbers = scenario.model.entries.enumerated().map { e, entry in
            (e < scenario.entryNumbers.count ? scenario.entryNumbers[e] : nil)
                ?? (entry.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? entry.name)
        }
        phrases = try Self.speakPhrases(scenario.model)
    }

    /// Every phrase of every speech step, spoken by espeak-ng (en-gb, 160 words a minute).
    private static func speakPhrases(_ model: CentreModel) throws(SIPError) -> [String: [Int16]] {
        var texts = Set<String>()
        for flow in model.flows {
            for step in flow.steps {
                guard let input = step.input, input.kind == .speech else { continue }
                for labels in input.labels { if let first = labels.first { texts.insert(first) } }
                texts.insert("mumble")
            }
        }
        guard !texts.isEmpty else { return [:] }
        guard PhoneAudio.canSpeak else {
            throw SIPError(message: "the flows have speech steps and callers speak with espeak-ng: apt-get install espeak-ng")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callgen-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var spoken: [String: [Int16]] = [:]
        for (i, text) in texts.sorted().enumerated() {
            let path = folder.appendingPathComponent("\(i).wav").path
            do {
                try PhoneAudio.speak(text, to: path, wordsPerMinute: 160)
                spoken[text] = try PhoneAudio.read(path: path).samples
            } catch {
                throw SIPError(message: "cannot speak '\(text)': \(error)")
            }
        }
        return spoken
    }

    /// Places every planned call and waits until each has ended, or `drain` seconds after the last was placed
    /// (calls still up then are hung up and counted as cut off). `progress` is called about once a second with the
    /// calls ended so far.
    package func run(drain: Double, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws(SIPError) -> Summary {
        try start()
        let placed = plan.count
        let last = (plan.last?.time ?? 0) / options.speed
        let started = ContinuousClock.now
        var reported = ContinuousClock.now
        while true {
            let (done, next, active) = state.withLock { ($0.done.count, $0.next, $0.callers.count) }
            if done == placed { break }
            if ContinuousClock.now - reported > .seconds(1) {
                progress?(done, placed)
                reported = ContinuousClock.now
            }
            if next == placed && active > 0, ContinuousClock.now - started > .seconds(last + drain) { break }
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let cut = state.withLock { $0.callers.count }
        if let s = stack.withLock({ p -> SIPFront.StackPointer? in
            let s = p
            p = nil
            return s
        }) {
            sipstack_stop(s.raw)
        }
        let records = state.withLock { s -> [Record] in
            for (_, var caller) in s.callers {
                caller.record.outcome = "cut-off"
                s.done.append(caller.record)
            }
            s.callers = [:]
            return s.done.sorted { $0.index < $1.index }
        }
        return Summary(records: records, skipped: 0, cutOff: cut)
    }

    private func start() throws(SIPError) {
        var config = sipstack_config()
        let host = strdup(options.localHost)
        defer { free(host) }
        config.host = UnsafePointer(host)
        config.port = UInt16(options.localPort)
        config.rtp_min_port = UInt16(options.rtpPorts.lowerBound)
        config.rtp_max_port = UInt16(options.rtpPorts.upperBound)
        config.rtp_timeout_ms = 0
        var handlers = sipstack_handlers()
        handlers.arg = Unmanaged.passUnretained(self).toOpaque()
        // callgen takes no calls and no registrations.
        handlers.invite = { _, _, _, _, _, _, _ in 403 }
        handlers.digit = { _, _, _, _ in }
        handlers.credential = { _, _, _ in -1 }
        handlers.registered = { _, _, _, _, _ in 403 }
        handlers.closed = { arg, id, why, status in
            Unmanaged<SIPCallers>.fromOpaque(arg!).takeUnretainedValue().closed(id: id, why: why, status: status)
        }
        handlers.answered = { arg, id in
            Unmanaged<SIPCallers>.fromOpaque(arg!).takeUnretainedValue().answered(id: id)
        }
        handlers.source = { arg, id, _, marker, changed in
            Unmanaged<SIPCallers>.fromOpaque(arg!).takeUnretainedValue().source(
                id: id, marker: marker != 0, changed: changed != 0)
        }
        handlers.tick = { arg, now in Unmanaged<SIPCallers>.fromOpaque(arg!).takeUnretainedValue().tick(now: now) }
        var started: OpaquePointer?
        var reason = [CChar](repeating: 0, count: 256)
        let err = sipstack_start(&started, &config, &handlers, &reason, reason.count)
        guard err == 0, let started else {
            throw SIPError(
                message: "callgen's SIP side: "
                    + String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        stack.withLock { $0 = SIPFront.StackPointer(raw: started) }
    }

    /// The engine time at stack time `now` (ms).
    private func engineTime(_ now: UInt64, origin: UInt64) -> Double {
        options.start + Double(now &- origin) / 1000 * options.speed
    }

    private func wall(after engineSeconds: Double, from now: UInt64) -> UInt64 {
        now + UInt64(max(0, (engineSeconds / options.speed * 1000).rounded()))
    }

    // MARK: The stack's thread

    private func tick(now: UInt64) {
        guard let st = stack.withLock({ $0?.raw }) else { return }
        var hangUps: [UInt64] = []
        state.withLock { s in
            let origin = s.origin ?? now
            s.origin = origin
            // Dial the calls that are due.
            while s.next < plan.count, wall(after: plan[s.next].time, from: origin) <= now {
                let call = plan[s.next]
                let index = s.next
                s.next += 1
                let from = "callgen\(index)"
                let uri = "sip:\(numbers[call.entry])@\(options.host):\(options.port)"
                let id = sipstack_dial(st, uri, from, 0)
                guard id != 0 else {
                    s.done.append(
                        Record(
                            index: index, entry: scenario.model.entries[call.entry].name, from: from,
                            planned: options.start + call.time, outcome: "failed"))
                    continue
                }
                var draws = RandomStream(seed: options.seed, replication: 0, purpose: .callerChoice, index: index)
                let record = Record(
                    index: index, entry: scenario.model.entries[call.entry].name, from: from,
                    planned: options.start + call.time)
                var caller = Caller(record: record, draws: draws)
                let drawn = program.drawCaller(entry: call.entry, at: record.planned, draws: &draws)
                caller.draws = draws
                caller.intent = call.intent ?? drawn.intent
                caller.step = program.entryStep(flow: scenario.model.entries[call.entry].flow)
                caller.dialled = now
                s.callers[id] = caller
            }
            for (id, var caller) in s.callers {
                guard caller.handle != nil, !caller.hangingUp else { continue }
                switch caller.phase {
                case .walking(let step, let due) where now >= due:
                    act(step, caller: &caller, now: now, origin: origin)
                case .speaking(let resume?) where now >= resume:
                    walk(&caller, now: now, origin: origin)
                case .queued(_, let patience) where now >= patience:
                    caller.record.outcome = "abandoned"
                    if case .queued(let since, _) = caller.phase {
                        caller.record.waited = engineTime(now, origin: origin) - since
                    }
                    caller.hangingUp = true
                default: break
                }
                if caller.hangingUp {
                    hangUps.append(id)
                } else {
                    send(&caller, now: now)
                }
                s.callers[id] = caller
            }
        }
        for id in hangUps { sipstack_hangup(st, id) }
    }

    /// The caller's time at a step is over: they act, and the walk goes on to the next step that takes time.
    private func act(_ step: TelephoneStep, caller: inout Caller, now: UInt64, origin: UInt64) {
        if step.hangsUp {
            caller.record.walk = "hung-up"
            caller.record.outcome = "hung-up"
            caller.hangingUp = true
            return
        }
        switch step.input {
        case .key(let digits)?:
            caller.keys += Array(digits)
            caller.record.inputs.append(digits)
        case .phrase(let phrase)?:
            if step.kind == .choice {
                // A telephone caller chooses by key: 1 for the first outcome, any other for the second.
                let key: Character = step.branch == 0 ? "1" : "2"
                caller.keys.append(key)
                caller.record.inputs.append(String(key))
            } else {
                caller.speech = phrases[phrase] ?? phrases["mumble"] ?? []
                caller.spoken = 0
                caller.record.inputs.append("\"\(phrase)\"")
                if let next = step.next {
                    caller.step = next
                    caller.phase = .speaking(resume: nil)
                }
                return
            }
        case .silence?, nil:
            if step.input != nil { caller.record.inputs.append("-") }
        }
        guard let next = step.next else { return }
        caller.step = next
        walk(&caller, now: now, origin: origin)
    }

    /// From the caller's current step: steps that take no time are passed at once; the first that takes time (or
    /// waits for the caller) is spent; a queue or the flow's end stops the walk.
    private func walk(_ caller: inout Caller, now: UInt64, origin: UInt64) {
        let t = engineTime(now, origin: origin)
        for _ in 0..<10_000 {
            let step = program.telephoneStep(
                at: caller.step, intent: &caller.intent, at: t, deadline: caller.deadline, node: caller.node,
                draws: &caller.draws)
            if step.startsVisit {
                caller.record.path.append(program.nodeName(step.node))
                caller.node = step.node
            }
            switch step.end {
            case .queue(let q)?:
                let queue = scenario.model.queues[q]
                caller.record.walk = "queued \(queue.name)"
                let patience = queue.patience?.sample(&caller.draws) ?? .infinity
                caller.phase = .queued(
                    since: t, patience: patience.isFinite ? wall(after: patience, from: now) : .max)
                return
            case .finish(let outcome)?:
                caller.record.walk = outcome
                caller.phase = .ending
                return
            case nil: break
            }
            if step.after > 0 || step.input != nil || step.hangsUp || step.next == nil {
                caller.phase = .walking(step, due: wall(after: step.after, from: now))
                return
            }
            caller.step = step.next!
        }
        caller.record.walk = "loops"
        caller.hangingUp = true
    }

    /// One 20 ms frame to the far end: a key's event, the phrase being said, or silence.
    private func send(_ caller: inout Caller, now: UInt64) {
        guard let handle = caller.handle else { return }
        if let key = caller.keys.first, sipstack_send_digit(handle, CChar(bitPattern: key.asciiValue ?? 0)) == 0 {
            caller.keys.removeFirst()
        }
        withUnsafeTemporaryAllocation(of: Int16.self, capacity: 160) { frame in
            frame.initialize(repeating: 0)
            if caller.spoken < caller.speech.count {
                let n = min(160, caller.speech.count - caller.spoken)
                for i in 0..<n { frame[i] = caller.speech[caller.spoken + i] }
                caller.spoken += n
                if caller.spoken == caller.speech.count, case .speaking(nil) = caller.phase {
                    caller.phase = .speaking(resume: now + Self.heardAfter)
                }
            }
            _ = sipstack_send(handle, frame.baseAddress)
        }
    }

    private func answered(id: UInt64) {
        let now = sipstack_now_ms()
        state.withLock { s in
            guard var caller = s.callers[id], let origin = s.origin else { return }
            caller.record.setup = Double(now - caller.dialled) / 1000
            caller.handle = handleOf(id)
            let t = engineTime(now, origin: origin)
            let entry = scenario.model.entries.firstIndex { $0.name == caller.record.entry } ?? 0
            caller.deadline = program.ivrDeadline(entry: entry, at: t, draws: &caller.draws)
            walk(&caller, now: now, origin: origin)
            s.callers[id] = caller
        }
    }

    /// The far end's audio began a talkspurt or came from a new source: after the first packet, that is an agent's
    /// answer.
    private func source(id: UInt64, marker: Bool, changed: Bool) {
        let now = sipstack_now_ms()
        state.withLock { s in
            guard var caller = s.callers[id], let origin = s.origin else { return }
            defer { s.callers[id] = caller }
            guard caller.heard else {
                caller.heard = true
                return
            }
            guard marker || changed else { return }
            // Answered before the caller's walk reached the queue (the far end heard the phrase sooner than the
            // walk allowed for): the walk goes on to where it ends.
            if case .speaking = caller.phase { walk(&caller, now: now, origin: origin) }
            switch caller.phase {
            case .queued(let since, _):
                caller.record.waited = engineTime(now, origin: origin) - since
            case .walking, .speaking, .ending:
                caller.record.waited = 0
            case .dialling, .talking: return
            }
            caller.phase = .talking
            caller.record.outcome = "answered"
            caller.keys = []
            caller.speech = []
        }
    }

    private func closed(id: UInt64, why: Int32, status: UInt16) {
        state.withLock { s in
            guard var caller = s.callers.removeValue(forKey: id) else { return }
            if caller.record.outcome.isEmpty {
                switch (caller.phase, Int(why)) {
                case (.dialling, Int(SIPSTACK_END_REFUSED.rawValue)):
                    caller.record.outcome = "refused"
                    caller.record.status = Int(status)
                case (.dialling, _): caller.record.outcome = "failed"
                case (.ending, _): caller.record.outcome = "ended"
                case (.walking, _), (.speaking, _): caller.record.outcome = "ended-in-ivr"
                case (.queued, _): caller.record.outcome = "ended-in-queue"
                case (.talking, _): caller.record.outcome = "answered"
                }
            }
            s.done.append(caller.record)
        }
    }

    /// The stack's call for `id`, kept by the stack while the call lasts.
    private func handleOf(_ id: UInt64) -> OpaquePointer? {
        guard let st = stack.withLock({ $0?.raw }) else { return nil }
        return sipstack_call(st, id)
    }
}
