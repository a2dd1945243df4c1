/// Checks of the engine's bookkeeping, in the spirit of swift-collections' `Heap+Invariants`: every call is in
/// exactly one place, and agents' states add up. Tests call it after every command; it costs a pass over all calls
/// and agents, so the engine never calls it on its own.
extension Engine {
    /// The broken invariants, as sentences; empty when the engine is consistent.
    package mutating func invariantViolations() -> [String] {
        var out: [String] = []
        checkCalls(into: &out)
        checkAgents(into: &out)
        return out
    }

    private func checkCalls(into out: inout [String]) {
        // Live entries in the rings, per call slot.
        var inRing = [Int](repeating: 0, count: calls.count)
        var liveWaiting = [Int](repeating: 0, count: queueCount)
        for q in 0..<queueCount {
            for ring in ringBase[q]..<(ringBase[q] + priorityClasses[q]) {
                var live = 0
                let r = waiting[ring]
                for i in 0..<r.count {
                    let (slot, generation) = r[i]
                    let c = Int(slot)
                    guard calls[c].generation == generation, calls[c].state == .waiting else { continue }
                    if Int(calls[c].queue) != q {
                        out.append("call slot \(c) waits in queue \(q)'s ring but is in \(calls[c].queue)")
                    }
                    inRing[c] += 1
                    live += 1
                }
                if live != ringCount[ring] {
                    out.append("ring \(ring) counts \(ringCount[ring]) calls but holds \(live)")
                }
                liveWaiting[q] += live
            }
            if liveWaiting[q] != waitingCount[q] {
                out.append("queue \(q) counts \(waitingCount[q]) waiting calls but holds \(liveWaiting[q])")
            }
        }
        var talkingTo = [Int](repeating: 0, count: calls.count)
        for agent in agents where agent.call >= 0 { talkingTo[Int(agent.call)] += 1 }
        let free = Set(freeCalls.map(Int.init))
        for (c, slot) in calls.enumerated() {
            let places =
                inRing[c] + talkingTo[c] + (slot.state == .inFlow || slot.state == .scheduled ? 1 : 0)
                + (slot.state == .free ? 1 : 0)
            if places != 1 { out.append("call slot \(c) (\(slot.state)) is in \(places) places") }
            if (slot.state == .free) != free.contains(c) {
                out.append("call slot \(c) is \(slot.state) but the free list disagrees")
            }
            if slot.state == .answered && (slot.agent < 0 || agents[Int(slot.agent)].call != Int32(c)) {
                out.append("call slot \(c) is answered but its agent is not on it")
            }
        }
    }

    private func checkAgents(into out: inout [String]) {
        for g in 0..<groupCount {
            var idle = 0
            var onShift = 0
            for agent in agents where Int(agent.group) == g {
                if agent.activity == .idle { idle += 1 }
                if agent.activity != .offShift { onShift += 1 }
                if (agent.activity == .talking || agent.activity == .ringing) != (agent.call >= 0) {
                    out.append("an agent of group \(g) is \(agent.activity) with call \(agent.call)")
                }
            }
            var listed = 0
            var a = groups[g].idleHead
            while a >= 0 && listed <= agents.count {
                if agents[Int(a)].activity != .idle {
                    out.append("agent \(a) is on group \(g)'s idle list while \(agents[Int(a)].activity)")
                }
                listed += 1
                a = agents[Int(a)].next
            }
            if idle != groups[g].idleCount || listed != idle {
                out.append("group \(g): \(idle) idle agents, idle count \(groups[g].idleCount), \(listed) listed")
            }
            if onShift != groups[g].onShift {
                out.append(
                    "group \(g): \(onShift) agents on shift or logged in, but the group counts \(groups[g].onShift)")
            }
        }
    }
}
