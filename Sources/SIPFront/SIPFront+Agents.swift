import ACDCore
import CSIPStack
import Foundation
import Logging
import ACDServer
import Synchronization

/// Agents on SIP phones (`--sip-agents`): a phone REGISTERs (digest-authenticated by the stack) and its agent is
/// logged in, not ready. A call the engine offers such an agent rings their phone (`call.ringing`); the answer
/// connects the talk in the engine and bridges the two calls' RTP; a phone not answered within the ring time, busy or
/// gone makes the agent not ready (`no-answer`, `busy`, `unregistered`) and the call goes back to the head of its
/// queue. Either side's BYE ends the talk; the group's wrap-up follows, then the agent is ready again.
extension SIPFront {
    /// The clock of the stack's ticks, in milliseconds.
    static func monotonicMilliseconds() -> UInt64 { sipstack_now_ms() }

    /// A REGISTER the stack verified (its thread): the first registers the agent and logs them in.
    func registered(user: String, contact: String, expires: UInt32, remote: String) -> Int32 {
        guard configuration.agents.agents[user] != nil else { return 403 }
        if contact.isEmpty { return 0 }  // a query: nothing changes
        if expires == 0 {
            let was = table.withLock { $0.registrations.removeValue(forKey: user) != nil }
            if was {
                logger.info("SIP agent unregistered", metadata: ["agent": "\(user)", "remote": "\(remote)"])
                registrar.yield { await self.unregistered(agent: user) }
            }
            return 0
        }
        let until = Self.monotonicMilliseconds() + UInt64(expires) * 1000
        let first = table.withLock { t -> Bool in
            let first = t.registrations[user] == nil
            t.registrations[user] = Registration(contact: contact, remote: remote, expires: until)
            return first
        }
        if first {
            logger.info(
                "SIP agent registered",
                metadata: ["agent": "\(user)", "contact": "\(contact)", "remote": "\(remote)", "expires": "\(expires)"])
            registrar.yield { await self.logIn(agent: user) }
        }
        return 0
    }

    func logIn(agent name: String) async {
        guard let agent = configuration.agents.agents[name] else { return }
        do {
            _ = try await daemon.engine.logIn(agent: name, group: agent.group, rings: true)
        } catch {
            // Still logged in from before (the phone re-registered after its registration lapsed mid-call).
            logger.notice("SIP agent not logged in again", metadata: ["agent": "\(name)", "why": "\(error)"])
        }
    }

    /// The phone is gone: a ring in progress goes unanswered and the agent is logged out (an agent still talking or
    /// in wrap-up is logged out when that ends).
    func unregistered(agent name: String) async {
        let ringing = table.withLock { t in t.agentLegs.first { $0.value.agent == name && !$0.value.answered } }
        if let (id, leg) = ringing, endAgentLeg(id) {
            await notAnswered(agent: name, call: leg.call, reason: "unregistered")
        }
        try? await daemon.engine.logOut(agent: name)
    }

    /// The engine's events for agents on phones (the engine's queue): offers ring phones, a caller's end hangs up the
    /// agent's leg, and a wrap-up is timed.
    func agentEvents(_ events: [LiveEvent], hangUps: inout [UInt64]) {
        let book = configuration.agents
        for event in events {
            switch event.type {
            case .callRinging:
                guard let call = event.call, let name = event.agent, book.agents[name] != nil else { continue }
                offer(call, to: name)
            case .callEnded:
                guard let call = event.call else { continue }
                let id = table.withLock { t -> UInt64? in
                    guard let id = t.agentLegByCall.removeValue(forKey: call), var leg = t.agentLegs[id], !leg.ending
                    else { return nil }
                    leg.ending = true
                    t.agentLegs[id] = leg
                    return id
                }
                if let id { hangUps.append(id) }
            case .agentState:
                guard event.state == .wrapUp, let name = event.agent, let agent = book.agents[name] else { continue }
                let token = table.withLock { t -> Int in
                    t.wrapUps[name, default: 0] += 1
                    return t.wrapUps[name]!
                }
                Task {
                    if agent.wrapUp > 0 { try? await Task.sleep(for: .seconds(agent.wrapUp)) }
                    guard self.table.withLock({ $0.wrapUps[name] == token }) else { return }
                    try? await self.daemon.engine.endWrapUp(agent: name)
                    if self.table.withLock({ $0.registrations[name] == nil }) {
                        try? await self.daemon.engine.logOut(agent: name)
                    }
                }
            default:
                continue
            }
        }
    }

    /// Rings the agent's phone with `call`, the caller's codec offered first; unanswered after the ring time, the
    /// call goes back to its queue.
    func offer(_ call: CallID, to name: String) {
        let dialled = table.withLock { t -> UInt64? in
            guard let phone = t.registrations[name] else { return nil }
            let alaw = t.byCall[call].flatMap { t.legs[$0]?.alaw } ?? false
            var id: UInt64 = 0
            withStack { id = sipstack_dial($0, phone.contact, "acdd", alaw ? 1 : 0) }
            guard id != 0 else { return nil }
            t.agentLegs[id] = AgentLeg(agent: name, call: call)
            t.agentLegByCall[call] = id
            return id
        }
        guard let id = dialled else {
            Task { await self.notAnswered(agent: name, call: call, reason: "unregistered") }
            return
        }
        logger.debug("SIP agent's phone rings", metadata: ["agent": "\(name)", "call": "\(call.rawValue)"])
        let ring = configuration.agents.ringTime
        Task {
            try? await Task.sleep(for: .seconds(ring))
            let unanswered = self.table.withLock { t in t.agentLegs[id].map { !$0.answered && !$0.ending } ?? false }
            guard unanswered, self.endAgentLeg(id) else { return }
            await self.notAnswered(agent: name, call: call, reason: "no-answer")
        }
    }

    /// Ends a call to an agent's phone from acdd's side (CANCEL while it rings, BYE once answered). False when it
    /// had already ended.
    @discardableResult
    func endAgentLeg(_ id: UInt64) -> Bool {
        let ended = table.withLock { t -> Bool in
            guard var leg = t.agentLegs[id], !leg.ending else { return false }
            leg.ending = true
            t.agentLegs[id] = leg
            return true
        }
        if ended { withStack { sipstack_hangup($0, id) } }
        return ended
    }

    /// The phone did not take the call: the agent goes not ready with `reason`, the call back to its queue's head.
    func notAnswered(agent name: String, call: CallID, reason: String) async {
        daemon.channels.noteTried(call, agent: name)
        do {
            try await daemon.engine.ringNoAnswer(agent: name, reason: reason)
            logger.info(
                "SIP agent did not answer", metadata: ["agent": "\(name)", "call": "\(call.rawValue)", "why": "\(reason)"])
        } catch {
            // The offer had ended already (the caller hung up while it rang).
        }
    }

    /// The agent's phone answered (the stack's thread): talk starts in the engine, and the two calls' media meet.
    func agentAnswered(id: UInt64) {
        let found = table.withLock { t -> (AgentLeg, UInt64?)? in
            guard var leg = t.agentLegs[id], !leg.ending else { return nil }
            leg.answered = true
            t.agentLegs[id] = leg
            return (leg, t.byCall[leg.call])
        }
        guard let (leg, callerLeg) = found else { return }
        Task {
            do {
                try await self.daemon.engine.connect(agent: leg.agent)
            } catch {
                // The offer ended as the phone was answered (the caller hung up): the agent's phone hangs up.
                self.endAgentLeg(id)
                return
            }
            self.daemon.channels.noteAnswered(leg.call, agent: leg.agent)
            guard let callerLeg else { return }
            let up = self.table.withLock { t -> Bool in
                guard var leg = t.legs[callerLeg], case .talking = leg.mode else { return false }
                leg.mode = .bridged
                leg.audio = nil
                t.legs[callerLeg] = leg
                return true
            }
            if up { self.withStack { sipstack_bridge($0, callerLeg, id) } }
        }
    }

    /// A call to an agent's phone ended from the phone's side (or failed).
    func agentLegClosed(_ leg: AgentLeg, why: Int32, status: UInt16) {
        guard !leg.ending, why != Int32(SIPSTACK_END_LOCAL.rawValue) else { return }
        if !leg.answered {
            let reason = [486, 600, 603].contains(status) ? "busy" : "no-answer"
            Task { await self.notAnswered(agent: leg.agent, call: leg.call, reason: reason) }
        } else {
            // The agent hung up: the talk ends, the caller hears the BYE. A phone that vanished (no RTP from it for
            // the RTP timeout) also ends the talk, and its agent is made not ready (`phone-lost`) after it, so no
            // call is offered to a phone that may be gone; ready from the API or the agent page brings them back.
            let lost = why == Int32(SIPSTACK_END_RTP_TIMEOUT.rawValue)
            Task {
                try? await self.daemon.engine.endTalk(agent: leg.agent)
                if lost {
                    logger.warning("SIP agent's phone sent no RTP: the call ended", metadata: ["agent": "\(leg.agent)"])
                    try? await self.daemon.engine.notReady(agent: leg.agent, reason: "phone-lost")
                }
            }
        }
    }
}
