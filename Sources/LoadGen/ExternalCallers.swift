import ACDCore
import Foundation
import Synchronization

/// Callers who behave as the scenario's caller model says, through the API: callgen places them as `external`
/// callers, follows the daemon's events, and at each `call.prompted` answers with the key or phrase the caller model
/// draws for their type (``FlowProgram/move(atStep:intent:at:deadline:draws:)``) after the time they take, or hangs
/// up; in a queue they hang up when their patience (the queue's distribution) runs out, unless answered first.
///
/// Only calls it placed (``claim(_:)``) are driven; their events may come before the reply that names them, so a
/// call's early events wait for its claim. Each call draws from its own stream, so the same events give the same
/// moves whatever the order calls interleave in.
package final class ExternalCallers: Sendable {
    /// What callgen did and saw, by its own count.
    package struct Tally: Sendable, Codable, Equatable {
        package var calls = 0
        package var inputs = 0
        package var hangUps = 0
        /// Inputs or hang-ups that came after the call had moved on (the daemon answered 404 or 409).
        package var late = 0
        package var failed = 0
        /// Why the daemon's event stream ended early, if it did (the callers were no longer driven after).
        package var streamError: String?
        /// Claimed calls that ended, by outcome.
        package var outcomes: [String: Int] = [:]
        /// Claimed calls not ended yet.
        package var inSystem = 0
    }

    /// An action due at an engine time.
    package struct Due: Sendable, Equatable {
        package enum Action: Sendable, Equatable {
            case input(CallerInput)
            case hangUp
        }
        package var call: CallID
        /// The engine time of the event it was planned at, and the time it is due.
        package var planned: Double
        package var time: Double
        package var action: Action
        /// The call's token when it was planned: the action is void once the call has moved on
        /// (``ExternalCallers/whileInIVR``: while the call has not reached a queue).
        package var token: UInt64
    }

    package static let whileInIVR = UInt64.max

    private struct Call {
        var draws: RandomStream
        var deadline = Double.infinity
        var token: UInt64 = 0
        var inQueue = false
        /// An agent's phone rang with the call: a `call.queued` that follows (no answer) keeps the patience running.
        var rang = false
    }

    private struct State {
        var calls: [CallID: Call] = [:]
        var early: [CallID: [LiveEvent]] = [:]
        var earlyOrder: [(call: CallID, at: ContinuousClock.Instant)] = []
        var tally = Tally()
    }

    let program: FlowProgram
    let steps: [String: Int]
    let seed: UInt64
    private let state = Mutex(State())
    private let work: AsyncStream<Due>
    private let workIn: AsyncStream<Due>.Continuation

    package init(model: CentreModel, seed: UInt64) {
        program = FlowProgram(model: model)
        self.seed = seed
        var steps: [String: Int] = [:]
        for (f, flow) in model.flows.enumerated() {
            for (s, step) in flow.steps.enumerated() {
                steps["\(flow.name)/\(step.name)"] = program.step(flow: f, local: s)
            }
        }
        self.steps = steps
        (work, workIn) = AsyncStream.makeStream(of: Due.self)
    }

    /// Drives the claimed calls from the daemon's `events` until ``stop()``: each due action is sent when its engine
    /// time comes (its distance from the event it was planned at, divided by `speed`), if it still stands.
    package func drive(_ events: AsyncThrowingStream<LiveEvent, any Error>, target: any CallTarget, speed: Double) async
    {
        await withDiscardingTaskGroup { group in
            group.addTask {
                do {
                    for try await event in events { self.schedule(self.handle(event)) }
                } catch {
                    self.state.withLock { s in
                        s.tally.failed += 1
                        s.tally.streamError = "\(error)"
                    }
                }
            }
            for await due in work {
                group.addTask {
                    try? await Task.sleep(for: .seconds(max(0, (due.time - due.planned) / speed)))
                    guard !Task.isCancelled, self.stands(due) else { return }
                    let reply = await target.send("POST", due.path, body: due.body)
                    self.sent(due, error: reply.error)
                }
            }
            group.cancelAll()
        }
    }

    /// Ends ``drive(_:target:speed:)``: actions not yet sent are dropped.
    package func stop() { workIn.finish() }

    /// Claims call `id` and schedules what its early events made due.
    package func take(_ id: CallID) { schedule(claim(id)) }

    private func schedule(_ dues: [Due]) {
        for due in dues { workIn.yield(due) }
    }

    package var tally: Tally { state.withLock { $0.tally } }

    /// Takes call `id` (placed by callgen) under its wing; returns what its early events make due.
    package func claim(_ id: CallID) -> [Due] {
        state.withLock { s in
            s.tally.calls += 1
            s.tally.inSystem += 1
            let stream = RandomStream(
                seed: seed, replication: 0, purpose: .callerChoice, index: Int(truncatingIfNeeded: id.rawValue))
            s.calls[id] = Call(draws: stream)
            return (s.early.removeValue(forKey: id) ?? []).flatMap { handle($0, in: &s) }
        }
    }

    /// What `event` makes due; events of calls not (yet) claimed are kept a few seconds for their claim.
    package func handle(_ event: LiveEvent) -> [Due] {
        state.withLock { s in
            guard let id = event.call else { return [] }
            guard s.calls[id] != nil else {
                let now = ContinuousClock.now
                if s.early[id] == nil { s.earlyOrder.append((id, now)) }
                s.early[id, default: []].append(event)
                while let first = s.earlyOrder.first, now - first.at > .seconds(5) {
                    s.early[first.call] = nil
                    s.earlyOrder.removeFirst()
                }
                return []
            }
            return handle(event, in: &s)
        }
    }

    /// Whether `due` still stands (the call has not moved on since it was planned).
    package func stands(_ due: Due) -> Bool {
        state.withLock { s in
            guard let call = s.calls[due.call] else { return false }
            return due.token == Self.whileInIVR ? !call.inQueue : call.token == due.token
        }
    }

    /// Counts what the daemon answered to a sent action.
    package func sent(_ due: Due, error: String?) {
        state.withLock { s in
            switch error {
            case nil:
                if case .hangUp = due.action { s.tally.hangUps += 1 } else { s.tally.inputs += 1 }
            case "http-404", "http-409": s.tally.late += 1
            default: s.tally.failed += 1
            }
        }
    }

    private func handle(_ event: LiveEvent, in s: inout State) -> [Due] {
        guard let id = event.call, var call = s.calls[id] else { return [] }
        var due: [Due] = []
        switch event.type {
        case .callArrived:
            if let entry = event.entry, let e = program.model.entries.firstIndex(where: { $0.name == entry }) {
                call.deadline = program.ivrDeadline(entry: e, at: event.time, draws: &call.draws)
                if call.deadline.isFinite {
                    due.append(
                        Due(
                            call: id, planned: event.time, time: call.deadline, action: .hangUp,
                            token: Self.whileInIVR))
                }
            }
        case .callPrompted:
            call.token += 1
            guard let name = event.step, let step = steps[name] else { break }
            let intent = event.intent.flatMap { program.model.intents.firstIndex(of: $0) } ?? 0
            let move = program.move(
                atStep: step, intent: intent, at: event.time, deadline: call.deadline, draws: &call.draws)
            // A hang-up at the end of their IVR patience is the deadline's own, planned on arrival.
            if move.input == nil && event.time + move.after >= call.deadline { break }
            let action = move.input.map { Due.Action.input($0) } ?? .hangUp
            due.append(
                Due(call: id, planned: event.time, time: event.time + move.after, action: action, token: call.token))
        case .callQueued:
            if call.rang {
                call.rang = false
                break
            }
            call.token += 1
            call.inQueue = true
            let patience = event.queue.flatMap { q in program.model.queues.first { $0.name == q }?.patience }
            if let wait = patience?.sample(&call.draws), wait.isFinite {
                due.append(
                    Due(call: id, planned: event.time, time: event.time + wait, action: .hangUp, token: call.token))
            }
        case .callAnswered:
            call.token += 1
            call.rang = false
        case .callRinging:
            call.rang = true
        case .callEnded:
            s.calls[id] = nil
            s.tally.inSystem -= 1
            s.tally.outcomes[event.outcome?.rawValue ?? "unknown", default: 0] += 1
            return []
        case .agentState, .callPlaying:
            break
        }
        s.calls[id] = call
        return due
    }
}

extension ExternalCallers.Due {
    package var path: String {
        switch action {
        case .input: "/v1/calls/\(call.rawValue)/input"
        case .hangUp: "/v1/calls/\(call.rawValue)/hangup"
        }
    }

    package var body: [UInt8] {
        switch action {
        case .input(.key(let digits)): Array(#"{"digits":"\#(digits)"}"#.utf8)
        case .input(.phrase(let phrase)):
            Array((try? JSONSerialization.data(withJSONObject: ["phrase": phrase])) ?? Data(#"{"silence":true}"#.utf8))
        case .input(.silence): Array(#"{"silence":true}"#.utf8)
        case .hangUp: Array("{}".utf8)
        }
    }
}
