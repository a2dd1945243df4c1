import ACDCore
import ACDServer
import CSIPStack
import Foundation
import IVRFlows
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization

/// How the telephone front listens.
package struct SIPConfiguration: Sendable {
    package var host = "127.0.0.1"
    package var port = 5060
    /// An answered call with no RTP from the caller for this long is hung up (0: never).
    package var rtpTimeout = 30.0
    package var rtpPorts: Range<Int> = 10_000..<20_000
    /// Music on hold: an audio file; a generated chime when absent.
    package var holdMusic: String?
    /// Seconds a call rings before acdd answers it and places it in the engine.
    package var ring = 0.0
    /// Agents who may register phones (`--sip-agents`); none: agents log in by the API only.
    package var agents = SIPAgentBook()

    package init() {}
}

/// acdd's telephone: SIP calls (libre, through CSIPStack) become engine calls like API calls, placed as external
/// callers at the entry they dial. The engine's events say what the caller hears: the prompt of the step they are
/// at, music on hold in the queue, a short announcement when a modelled agent answers; keys (RFC 4733 or in-band
/// tones) are the caller's input. The engine's BYE comes with the call's end; the caller's BYE or CANCEL is a
/// hang-up, as the API's.
///
/// Threads: the SIP stack's thread calls ``invite``, ``digit``, ``closed`` and ``tick``; the engine's queue calls
/// ``engineEvents(_:)``. One lock guards the call table; none of this is on the simulator's path.
package final class SIPFront: Service, @unchecked Sendable {
    let daemon: Daemon
    let configuration: SIPConfiguration
    let logger: Logger
    let library: PromptLibrary
    /// The daemon's speed, and the samples a prompt moves on by each 20 ms frame at it (160 at speed 1).
    let pace: Double
    let frames: Int
    /// Numbers callers dial, to entries: each entry's `number:` and its name.
    let numbers: [String: EntryID]
    /// Speech steps' recognisers, by global step.
    let listeners: [Int: Listener]

    /// A speech step's recogniser and the queue it runs on.
    final class Listener: @unchecked Sendable {
        let recognizer: Recognizer
        let labels: [[String]]
        let queue = DispatchQueue(label: "acdd.sip.recognizer")
        init(recognizer: Recognizer, labels: [[String]]) {
            self.recognizer = recognizer
            self.labels = labels
        }
    }
    let table = Mutex(Table())
    /// Registrations' log-ins and log-outs, one at a time in the order the REGISTERs came (a phone that unregisters
    /// and registers again must be logged out before it is logged in).
    let registrar: AsyncStream<@Sendable () async -> Void>.Continuation
    private let registrarJobs: AsyncStream<@Sendable () async -> Void>
    /// The second of the stack's clock when registrations were last checked for expiry.
    private let lastExpiryCheck = Atomic<UInt64>(0)
    /// The stack, from ``start()`` until ``stop()``. Commands are queued to it under this lock, so none can reach a
    /// stack that ``stop()`` is freeing.
    private let stack = Mutex<StackPointer?>(nil)

    struct StackPointer: @unchecked Sendable {
        let raw: OpaquePointer
    }

    /// Runs `body` with the stack unless it has stopped.
    func withStack(_ body: (OpaquePointer) -> Void) {
        stack.withLock { if let s = $0 { body(s.raw) } }
    }

    struct Table: Sendable {
        var legs: [UInt64: Leg] = [:]
        var byCall: [CallID: UInt64] = [:]
        /// Agents' phones by agent name: where to ring them, until when.
        var registrations: [String: Registration] = [:]
        /// Calls to agents' phones, by the stack's id; and the one ringing or talking for each caller's call.
        var agentLegs: [UInt64: AgentLeg] = [:]
        var agentLegByCall: [CallID: UInt64] = [:]
        /// Per agent, a count of wrap-ups begun: a wrap-up timer ends only its own.
        var wrapUps: [String: Int] = [:]
    }

    struct Registration: Sendable {
        var contact: String
        var remote: String
        /// Monotonic milliseconds (the stack's clock) when it lapses.
        var expires: UInt64
    }

    /// A call from acdd to an agent's phone, offering them `call`.
    struct AgentLeg: Sendable {
        var agent: String
        var call: CallID
        var answered = false
        /// Set when acdd ends the leg itself (the caller went, the ring timed out): its close is expected.
        var ending = false
    }

    enum Mode: Sendable {
        case ringing
        /// A timed step: its prompt plays until the engine moves the caller on.
        case playing
        /// A step waiting for the caller's input; `waitUntil` (ms) is set once its prompt has played.
        case prompted(input: StepInput, bargeIn: Bool, timeout: Double, waitUntil: UInt64?, sent: Bool)
        case queued
        case talking
        /// Talking to an agent on a SIP phone: the stack relays the two calls' media; the beat sends nothing.
        case bridged
        case ended
    }

    /// The stack's call, used only on the stack's thread (in ``tick(now:)``).
    struct Handle: @unchecked Sendable {
        let raw: OpaquePointer
    }

    struct Leg: Sendable {
        let handle: Handle
        /// The caller's codec is PCMA (else PCMU): an agent's phone is offered it first.
        var alaw = false
        var call: CallID?
        var lastEvent = 0
        var audio: PhoneAudio?
        var position = 0
        var loops = false
        var mode = Mode.ringing
        /// The global step the caller is at, once a prompt or input step is reached.
        var step: Int?
        /// At a speech step: the caller's audio since just before they began to speak, and the endpointer's state.
        var heard: [Int16] = []
        var speaking = false
        var quiet = 0
        /// The next frame marks a new talkspurt (RTP marker bit): a modelled agent has answered.
        var mark = false
    }

    package init(daemon: Daemon, configuration: SIPConfiguration, logger: Logger) throws(PromptAudio.ReadError) {
        self.daemon = daemon
        self.configuration = configuration
        self.logger = logger
        pace = max(1, daemon.configuration.speed)
        frames = Int((160 * pace).rounded())
        let scenario = daemon.scenario
        library = try PromptLibrary(scenario: scenario, holdMusic: configuration.holdMusic, logger: logger)
        var numbers: [String: EntryID] = [:]
        for (e, entry) in scenario.model.entries.enumerated() {
            numbers[entry.name] = EntryID(e)
            if e < scenario.entryNumbers.count, let number = scenario.entryNumbers[e] { numbers[number] = EntryID(e) }
        }
        self.numbers = numbers
        // One recogniser per speech step (its attempts share it), each with its own queue: recognition runs off the
        // SIP thread, one utterance at a time.
        var listeners: [Int: Listener] = [:]
        var byLabels: [[[String]]: Listener] = [:]
        for (step, input) in library.inputs.enumerated() {
            guard let input, input.kind == .speech else { continue }
            let routes = Array(input.labels.prefix { !$0.isEmpty })
            if let known = byLabels[routes] {
                listeners[step] = known
                continue
            }
            do {
                let listener = Listener(recognizer: try Recognizer(labels: routes), labels: routes)
                listeners[step] = listener
                byLabels[routes] = listener
            } catch {
                logger.warning(
                    "speech step will hear nothing (no-input after its timeout)", metadata: ["why": "\(error)"])
            }
        }
        self.listeners = listeners
        (registrarJobs, registrar) = AsyncStream<@Sendable () async -> Void>.makeStream()
        daemon.attach(front: self) { [weak self] events in self?.engineEvents(events) }
    }

    /// Starts listening; throws with the reason when the address cannot be bound.
    package func start() throws(SIPError) {
        var config = sipstack_config()
        let host = strdup(configuration.host)
        let realm = strdup(configuration.agents.realm)
        defer {
            free(host)
            free(realm)
        }
        config.host = UnsafePointer(host)
        config.realm = UnsafePointer(realm)
        config.max_expires = 3600
        config.min_expires = UInt32(configuration.agents.minExpires)
        config.lockout_failures = UInt32(configuration.agents.lockoutFailures)
        config.lockout_seconds = UInt32(configuration.agents.lockoutSeconds)
        config.port = UInt16(configuration.port)
        config.rtp_min_port = UInt16(configuration.rtpPorts.lowerBound)
        config.rtp_max_port = UInt16(configuration.rtpPorts.upperBound)
        config.rtp_timeout_ms = UInt32(configuration.rtpTimeout * 1000)
        var handlers = sipstack_handlers()
        handlers.arg = Unmanaged.passUnretained(self).toOpaque()
        handlers.invite = { arg, id, call, user, callID, remote, codec in
            Unmanaged<SIPFront>.fromOpaque(arg!).takeUnretainedValue().invite(
                id: id, handle: call!, user: String(cString: user!), callID: String(cString: callID!),
                remote: String(cString: remote!), codec: String(cString: codec!))
        }
        handlers.digit = { arg, id, digit, inband in
            Unmanaged<SIPFront>.fromOpaque(arg!).takeUnretainedValue().digit(
                id: id, key: Character(UnicodeScalar(UInt8(bitPattern: digit))), inband: inband != 0)
        }
        handlers.audio = { arg, id, samples, count in
            Unmanaged<SIPFront>.fromOpaque(arg!).takeUnretainedValue().audio(
                id: id, samples: UnsafeBufferPointer(start: samples, count: count))
        }
        handlers.closed = { arg, id, why, status in
            Unmanaged<SIPFront>.fromOpaque(arg!).takeUnretainedValue().closed(id: id, why: why, status: status)
        }
        handlers.credential = { arg, user, ha1 in
            let front = Unmanaged<SIPFront>.fromOpaque(arg!).takeUnretainedValue()
            guard let agent = front.configuration.agents.agents[String(cString: user!)] else { return -1 }
            for i in 0..<16 { ha1![i] = agent.ha1[i] }
            return 0
        }
        handlers.registered = { arg, user, contact, expires, remote in
            Unmanaged<SIPFront>.fromOpaque(arg!).takeUnretainedValue().registered(
                user: String(cString: user!), contact: String(cString: contact!), expires: expires,
                remote: String(cString: remote!))
        }
        handlers.answered = { arg, id in
            Unmanaged<SIPFront>.fromOpaque(arg!).takeUnretainedValue().agentAnswered(id: id)
        }
        handlers.tick = { arg, now in Unmanaged<SIPFront>.fromOpaque(arg!).takeUnretainedValue().tick(now: now) }
        var started: OpaquePointer?
        var reason = [CChar](repeating: 0, count: 256)
        let err = sipstack_start(&started, &config, &handlers, &reason, reason.count)
        guard err == 0, let started else {
            throw SIPError(message: String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        stack.withLock { $0 = StackPointer(raw: started) }
        let jobs = registrarJobs
        Task { for await job in jobs { await job() } }
        addMetrics()
        logger.info(
            "acdd answering SIP",
            metadata: [
                "address": "sip:\(configuration.host):\(configuration.port)", "transports": "udp, tcp",
                "entries": "\(numbers.count)", "agents": "\(configuration.agents.agents.count)",
            ])
    }

    /// Runs until the daemon is asked to stop; from then new INVITEs get 503. The stack keeps running while the
    /// engine ends the calls in flight (each end sends its BYE); ``stop()`` ends it once the daemon has stopped.
    package func run() async throws {
        try? await gracefulShutdown()
        withStack { sipstack_refuse($0, 503) }
    }

    /// After the daemon's services have stopped: the BYEs queued are sent, any call left is hung up, the stack ends.
    package func stop() {
        guard let stopping = stack.withLock({ s in defer { s = nil }; return s }) else { return }
        registrar.finish()
        sipstack_stop(stopping.raw)
    }

    /// The stack's figures in `/metrics`: its counters, the calls it holds and the 20 ms beat's lateness.
    private func addMetrics() {
        daemon.addMetrics { registry in
            func counter(_ name: String, _ help: String) -> Prometheus.Counter {
                registry.makeCounter(
                    descriptor: MetricNameDescriptor(namespace: "acd", metricName: name, unitName: "total", helpText: help))
            }
            let counters = [
                counter("sip_invites", "INVITEs that started a dialog."),
                counter("sip_invites_rejected", "INVITEs refused at once (4xx or 5xx)."),
                counter("sip_calls_answered", "SIP calls answered (200 OK sent)."),
                counter("sip_rtp_sent_packets", "RTP packets sent to callers."),
                counter("sip_rtp_ignored_packets", "RTP packets ignored: not from the address the caller's SDP gave."),
                counter("sip_registers", "REGISTER requests from agents' phones."),
                counter("sip_registers_refused", "REGISTERs refused for an unknown agent or a wrong password (403)."),
                counter("sip_rtp_relayed_packets", "RTP packets relayed between a caller and an agent's phone."),
                counter("sip_agent_calls", "Calls placed to agents' phones (offers)."),
                counter(
                    "sip_registers_locked_out",
                    "REGISTERs left unanswered: their address had too many refused in the lockout window."),
            ]
            let registered = registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "acd", metricName: "sip_agents_registered", unitName: "",
                    helpText: "Agents whose phones are registered now."))
            let calls = registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "acd", metricName: "sip_calls", unitName: "",
                    helpText: "SIP calls the front holds now, ringing or up."))
            /// Three gauges, `NAME_p50`, `_p99` and `_max` (seconds), with help text made by `help` from the word for
            /// each (median, 99th percentile, largest).
            func quantileGauges(_ name: String, _ help: (String) -> String) -> [Prometheus.Gauge] {
                [("p50", "median"), ("p99", "99th percentile"), ("max", "largest")].map { suffix, what in
                    registry.makeGauge(
                        descriptor: MetricNameDescriptor(
                            namespace: "acd", metricName: "\(name)_\(suffix)", unitName: "seconds", helpText: help(what)))
                }
            }
            let lateness = quantileGauges("sip_tick_lateness") {
                "How late the 20 ms media beat ran: the \($0) over its last 4096 beats (82 s)."
            }
            let n = Int(SIPSTACK_COUNTERS)
            let relay = quantileGauges("sip_relay_delay") {
                "How long a bridged call's RTP packet waited in acdd, from the kernel taking it in to acdd sending it "
                    + "on: the \($0) over the last 65536 packets relayed."
            }
            let seen = Mutex([UInt64](repeating: 0, count: n))
            return { [weak self] in
                guard let self else { return }
                var now = [UInt64](repeating: 0, count: n)
                var late = [Int64](repeating: 0, count: 4096)
                var kept = 0
                var delays = [Int64](repeating: 0, count: 65536)
                var relayed = 0
                self.withStack { s in
                    sipstack_counters(s, &now)
                    kept = sipstack_tick_lateness(s, &late, late.count)
                    relayed = sipstack_relay_delay(s, &delays, delays.count)
                }
                seen.withLock { before in
                    for i in 0..<n where now[i] > before[i] { counters[i].increment(by: Int64(now[i] - before[i])) }
                    before = zip(before, now).map { max($0, $1) }
                }
                let (legs, phones) = self.table.withLock { ($0.legs.count, $0.registrations.count) }
                calls.set(Double(legs))
                registered.set(Double(phones))
                Self.setQuantiles(relay, microseconds: delays.prefix(relayed))
                Self.setQuantiles(lateness, microseconds: late.prefix(kept))
            }
        }
    }

    /// Sets the p50, p99 and max gauges from samples in microseconds; leaves them as they were with no samples.
    private static func setQuantiles(_ gauges: [Prometheus.Gauge], microseconds samples: ArraySlice<Int64>) {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return }
        for (gauge, q) in zip(gauges, [0.5, 0.99, 1.0]) {
            gauge.set(Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) / 1e6)
        }
    }

    // MARK: The stack's thread

    private func invite(
        id: UInt64, handle: OpaquePointer, user: String, callID: String, remote: String, codec: String
    ) -> Int32 {
        guard !daemon.stopping else { return 503 }
        let dialled = user.removingPercentEncoding ?? user
        guard let entry = numbers[dialled] else {
            logger.info("SIP call to an unknown number", metadata: ["number": "\(dialled)", "remote": "\(remote)"])
            return 404
        }
        let full = table.withLock { t in
            guard t.legs.count < daemon.configuration.maxCalls else { return true }
            t.legs[id] = Leg(handle: Handle(raw: handle), alaw: codec == "PCMA")
            return false
        }
        if full { return 503 }
        Task { await self.place(id: id, entry: entry, callID: callID, remote: remote, codec: codec) }
        return 0
    }

    private func place(id: UInt64, entry: EntryID, callID: String, remote: String, codec: String) async {
        if configuration.ring > 0 {
            try? await Task.sleep(for: .seconds(configuration.ring))
            // A caller who gave up while it rang (CANCEL) never reaches the engine.
            guard table.withLock({ $0.legs[id] != nil }) else { return }
        }
        let request = CallRequest(target: .entry(entry), caller: .telephone)
        let call: CallID
        do {
            call = try await daemon.engine.place(request, reserve: 1024, maxCalls: daemon.configuration.maxCalls).0
        } catch {
            logger.notice("SIP call refused by the engine", metadata: ["error": "\(error)"])
            table.withLock { _ = $0.legs.removeValue(forKey: id) }
            withStack { sipstack_reject($0, id, 503) }
            return
        }
        daemon.channels.register(call, .init(channel: "sip", callID: callID, remote: remote, codec: codec))
        let history = daemon.hub.kept(call: call)
        let present = table.withLock { t -> Bool in
            guard var leg = t.legs[id] else { return false }
            leg.call = call
            for event in history { apply(event, to: &leg) }
            t.legs[id] = leg
            t.byCall[call] = id
            return true
        }
        guard present else {
            // The caller gave up while the call was being placed.
            try? await daemon.engine.hangUp(call: call)
            return
        }
        withStack { sipstack_answer($0, id) }
    }

    private func digit(id: UInt64, key: Character, inband: Bool) {
        let send: (CallID, CallerInput)? = table.withLock { t in
            guard var leg = t.legs[id], let call = leg.call,
                case .prompted(let input, let bargeIn, let timeout, let waitUntil, false) = leg.mode
            else { return nil }
            let playing = leg.audio.map { leg.position < $0.samples.count } ?? false
            if playing && !bargeIn { return nil }
            let given: CallerInput
            switch input.kind {
            case .keys: given = .key(String(key))
            case .choice: given = .phrase(key == "1" ? input.labels[0][0] : Self.goOn(input))
            case .speech: return nil
            }
            leg.mode = .prompted(input: input, bargeIn: bargeIn, timeout: timeout, waitUntil: waitUntil, sent: true)
            leg.audio = nil
            t.legs[id] = leg
            return (call, given)
        }
        guard let (call, input) = send else { return }
        logger.debug("SIP key", metadata: ["call": "\(call.rawValue)", "key": "\(key)", "inband": "\(inband)"])
        Task { _ = try? await self.daemon.engine.input(input, call: call) }
    }

    /// Speech is louder than this RMS (16-bit samples); a line's quiet is far below it.
    static let speechLevel = 500.0
    /// The caller has finished speaking after this much quiet (samples at 8 kHz: 0.7 s), or after 8 s of speech.
    static let endQuiet = 5600
    static let longest = 64_000
    static let preRoll = 1600

    /// The caller's audio (the stack's thread): at a speech step, an energy endpointer collects one utterance and
    /// hands it to the step's recogniser; what it hears goes to the engine as the phrase (nothing heard: no match).
    private func audio(id: UInt64, samples: UnsafeBufferPointer<Int16>) {
        guard !listeners.isEmpty, !samples.isEmpty else { return }
        var sumSquares = 0.0
        for s in samples { sumSquares += Double(s) * Double(s) }
        let loud = (sumSquares / Double(samples.count)).squareRoot() > Self.speechLevel
        let utterance: (CallID, [Int16], Listener)? = table.withLock { t in
            guard var leg = t.legs[id], let call = leg.call, let step = leg.step, let listener = listeners[step],
                case .prompted(let input, let bargeIn, let timeout, let waitUntil, false) = leg.mode
            else { return nil }
            let playing = leg.audio.map { leg.position < $0.samples.count } ?? false
            if playing && !bargeIn { return nil }
            leg.heard.append(contentsOf: samples)
            var done: (CallID, [Int16], Listener)?
            if !leg.speaking {
                if leg.heard.count > Self.preRoll { leg.heard.removeFirst(leg.heard.count - Self.preRoll) }
                if loud {
                    leg.speaking = true
                    leg.quiet = 0
                    if playing { leg.audio = nil }  // barge-in: the prompt stops
                }
            } else {
                leg.quiet = loud ? 0 : leg.quiet + samples.count
                if leg.quiet >= Self.endQuiet || leg.heard.count >= Self.longest {
                    leg.mode = .prompted(input: input, bargeIn: bargeIn, timeout: timeout, waitUntil: waitUntil, sent: true)
                    done = (call, leg.heard, listener)
                    leg.heard = []
                    leg.speaking = false
                }
            }
            t.legs[id] = leg
            return done
        }
        guard let (call, heard, listener) = utterance else { return }
        listener.queue.async {
            let result = listener.recognizer.recognize(heard)
            let phrase = result.map { listener.labels[$0.label][0] } ?? ""
            self.logger.debug(
                "SIP speech", metadata: ["call": "\(call.rawValue)", "heard": "\(result?.phrase ?? "nothing")"])
            Task { _ = try? await self.daemon.engine.input(.phrase(phrase), call: call) }
        }
    }

    private func closed(id: UInt64, why: Int32, status: UInt16) {
        if let leg = table.withLock({ t -> AgentLeg? in
            guard let leg = t.agentLegs.removeValue(forKey: id) else { return nil }
            if t.agentLegByCall[leg.call] == id { t.agentLegByCall[leg.call] = nil }
            return leg
        }) {
            agentLegClosed(leg, why: why, status: status)
            return
        }
        let call = table.withLock { t -> CallID? in
            guard let leg = t.legs.removeValue(forKey: id) else { return nil }
            if let call = leg.call { t.byCall[call] = nil }
            if case .ended = leg.mode { return nil }
            return leg.call
        }
        guard let call, why != Int32(SIPSTACK_END_LOCAL.rawValue) else { return }
        if why == Int32(SIPSTACK_END_RTP_TIMEOUT.rawValue) {
            logger.notice("SIP call ended: no RTP from the caller", metadata: ["call": "\(call.rawValue)"])
        }
        Task { try? await self.daemon.engine.hangUp(call: call) }
    }

    /// Every 20 ms: one frame to every answered call; prompts that have played start their step's wait. Once a
    /// second, registrations that have lapsed are dropped (their agents are logged out).
    private func tick(now: UInt64) {
        if now / 1000 != lastExpiryCheck.load(ordering: .relaxed) {
            lastExpiryCheck.store(now / 1000, ordering: .relaxed)
            let lapsed = table.withLock { t -> [String] in
                let gone = t.registrations.filter { $0.value.expires <= now }.map(\.key)
                for name in gone { t.registrations[name] = nil }
                return gone
            }
            for name in lapsed {
                logger.notice("SIP agent's registration lapsed", metadata: ["agent": "\(name)"])
                registrar.yield { await self.unregistered(agent: name) }
            }
        }
        var due: [(CallID, CallerInput)] = []
        withUnsafeTemporaryAllocation(of: Int16.self, capacity: 160) { frame in
            table.withLock { t in
                for (id, var leg) in t.legs where leg.call != nil {
                    if case .bridged = leg.mode { continue }
                    fill(frame, from: &leg)
                    if leg.mark {
                        sipstack_mark(leg.handle.raw)
                        leg.mark = false
                    }
                    if sipstack_send(leg.handle.raw, frame.baseAddress) != 0 { continue }
                    advance(&leg)
                    if case .prompted(let input, let bargeIn, let timeout, let waitUntil, false) = leg.mode {
                        let played = leg.audio.map { leg.position >= $0.samples.count } ?? true
                        if waitUntil == nil && played {
                            leg.mode = .prompted(
                                input: input, bargeIn: bargeIn, timeout: timeout,
                                waitUntil: now + UInt64(timeout * 1000 / pace), sent: false)
                        } else if let waitUntil, now >= waitUntil, !leg.speaking {
                            leg.mode = .prompted(
                                input: input, bargeIn: bargeIn, timeout: timeout, waitUntil: waitUntil, sent: true)
                            due.append((leg.call!, input.kind == .choice ? .phrase(Self.goOn(input)) : .silence))
                        }
                    }
                    t.legs[id] = leg
                }
            }
        }
        for (call, input) in due { Task { _ = try? await self.daemon.engine.input(input, call: call) } }
    }

    private func fill(_ frame: UnsafeMutableBufferPointer<Int16>, from leg: inout Leg) {
        guard let audio = leg.audio, !audio.samples.isEmpty else {
            frame.initialize(repeating: 0)
            return
        }
        var position = leg.position
        for i in 0..<160 {
            if position >= audio.samples.count {
                if leg.loops { position = 0 } else { frame[i] = 0; continue }
            }
            frame[i] = audio.samples[position]
            position += 1
        }
    }

    private func advance(_ leg: inout Leg) {
        guard let audio = leg.audio else { return }
        // At --speed S a prompt keeps the engine's pace: it plays S times as fast (one frame in S is heard), so the
        // step's wait begins when the engine's time for it has passed. Music on hold plays as it is.
        leg.position += leg.loops ? 160 : frames
        if leg.loops && leg.position >= audio.samples.count { leg.position -= audio.samples.count }
    }

    /// At a self-service or signpost step a telephone caller who presses nothing (or any key but 1) goes on as one
    /// who still needs a person: the step's second outcome (`failed`, `continue`).
    private static func goOn(_ input: StepInput) -> String {
        input.labels.count > 1 ? input.labels[1][0] : input.labels[0][0]
    }

    // MARK: The engine's queue

    private func engineEvents(_ events: [LiveEvent]) {
        var hangUps: [UInt64] = []
        if !configuration.agents.agents.isEmpty { agentEvents(events, hangUps: &hangUps) }
        table.withLock { t in
            for event in events {
                guard let call = event.call, let id = t.byCall[call], var leg = t.legs[id] else { continue }
                apply(event, to: &leg)
                if case .ended = leg.mode {
                    t.byCall[call] = nil
                    hangUps.append(id)
                }
                t.legs[id] = leg
            }
        }
        withStack { s in for id in hangUps { sipstack_hangup(s, id) } }
    }

    /// What an engine event changes for the caller: what they hear and what the front waits for.
    private func apply(_ event: LiveEvent, to leg: inout Leg) {
        guard event.id > leg.lastEvent else { return }
        leg.lastEvent = event.id
        switch event.type {
        case .callPlaying, .callPrompted:
            let step = event.step.flatMap { library.stepIndex[$0] }
            leg.step = step
            leg.heard = []
            leg.speaking = false
            leg.quiet = 0
            play(step.flatMap { library.audio[$0] }, on: &leg)
            if event.type == .callPlaying {
                leg.mode = .playing
            } else if let step, let input = library.inputs[step] {
                let prompt = library.steps[step]
                let timeout = prompt?.timeout ?? (input.kind == .speech ? 5 : 3)
                leg.mode = .prompted(
                    input: input, bargeIn: prompt?.bargeIn ?? true, timeout: timeout, waitUntil: nil, sent: false)
            }
        case .callQueued:
            play(library.hold, on: &leg, loops: true)
            leg.mode = .queued
        case .callAnswered:
            play(library.connected, on: &leg)
            leg.mark = true
            leg.mode = .talking
        case .callEnded:
            leg.audio = nil
            leg.mode = .ended
        case .callArrived, .agentState, .callRinging:
            break
        }
    }

    private func play(_ audio: PhoneAudio?, on leg: inout Leg, loops: Bool = false) {
        leg.audio = audio
        leg.position = 0
        leg.loops = loops
    }
}

package struct SIPError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
