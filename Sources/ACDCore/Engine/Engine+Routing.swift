extension Engine {
    // MARK: An arriving call looks for an agent

    /// The idle agent an arriving call to `q` goes to, or -1: among groups that serve `q` without delay, the best
    /// skill level with an idle agent wins, and the queue's strategy picks among that level's idle agents.
    mutating func idleAgent(forQueue q: Int) -> Int {
        var e = eligibilityStart[q]
        let end = eligibilityStart[q + 1]
        let strategy = queueStrategy[q]
        while e < end {
            let level = eligibility[e].level
            var levelEnd = e
            var idleAtLevel = 0
            while levelEnd < end && eligibility[levelEnd].level == level {
                let skill = eligibility[levelEnd]
                if skill.delay == 0 { idleAtLevel += groups[skill.group].idleCount }
                levelEnd += 1
            }
            if idleAtLevel > 0 {
                let a: Int
                if strategy == .longestIdle {
                    a = longestIdle(from: e, to: levelEnd)
                } else {
                    a = scanIdle(from: e, to: levelEnd, idleCount: idleAtLevel, queue: q, strategy: strategy)
                }
                removeIdle(agent: a)
                return a
            }
            e = levelEnd
        }
        return -1
    }

    /// The idle agent of `group` that an overflowing call of queue `q` goes to (the group has one).
    mutating func chooseIdle(inGroup g: Int, queue q: Int) -> Int {
        let a: Int
        let strategy = queueStrategy[q]
        if strategy == .longestIdle {
            a = Int(groups[g].idleHead)
        } else {
            a = scanIdle(group: g, idleCount: groups[g].idleCount, queue: q, strategy: strategy)
        }
        removeIdle(agent: a)
        return a
    }

    func longestIdle(from start: Int, to end: Int) -> Int {
        var best = -1
        var bestSince = Double.infinity
        var e = start
        while e < end {
            let skill = eligibility[e]
            e += 1
            guard skill.delay == 0 else { continue }
            let head = groups[skill.group].idleHead
            if head >= 0 && agents[Int(head)].idleSince < bestSince {
                best = Int(head)
                bestSince = agents[Int(head)].idleSince
            }
        }
        return best
    }

    /// Strategies other than longest-idle look at every idle agent of the level; idle lists are in idle order, so
    /// ties go to the longest idle.
    mutating func scanIdle(from start: Int, to end: Int, idleCount: Int, queue q: Int, strategy: RoutingStrategy)
        -> Int
    {
        var chooser = IdleChooser(strategy: strategy, cursor: roundRobinCursor[q], agentCount: agents.count)
        if strategy == .random { chooser.target = routingStream.below(idleCount) }
        var e = start
        while e < end {
            let skill = eligibility[e]
            e += 1
            guard skill.delay == 0 else { continue }
            var a = groups[skill.group].idleHead
            while a >= 0 {
                chooser.consider(Int(a), agents[Int(a)])
                a = agents[Int(a)].next
            }
        }
        if strategy == .roundRobin { roundRobinCursor[q] = chooser.best }
        return chooser.best
    }

    mutating func scanIdle(group g: Int, idleCount: Int, queue q: Int, strategy: RoutingStrategy) -> Int {
        var chooser = IdleChooser(strategy: strategy, cursor: roundRobinCursor[q], agentCount: agents.count)
        if strategy == .random { chooser.target = routingStream.below(idleCount) }
        var a = groups[g].idleHead
        while a >= 0 {
            chooser.consider(Int(a), agents[Int(a)])
            a = agents[Int(a)].next
        }
        if strategy == .roundRobin { roundRobinCursor[q] = chooser.best }
        return chooser.best
    }

    // MARK: A freed agent looks for a call

    /// The call a free agent of group `g` takes, or -1: its best skill level first, then the highest-priority
    /// queue, then the longest-waiting call. Overflow skills count only calls that have waited their delay: of those,
    /// the highest priority class first, then the longest waiting.
    mutating func nextCall(forGroup g: Int, at t: Double) -> Int32 {
        var s = groupSkillStart[g]
        let end = groupSkillStart[g + 1]
        while s < end {
            let level = groupSkills[s].level
            var bestQueue = -1
            var bestRing = -1
            var bestPriority = Int.min
            var bestArrival = Double.infinity
            while s < end && groupSkills[s].level == level {
                let skill = groupSkills[s]
                s += 1
                let q = skill.queue
                guard waitingCount[q] > 0 else { continue }
                let ring = skill.delay == 0 ? headRing(queue: q) : eligibleRing(queue: q, waited: skill.delay, at: t)
                guard ring >= 0 else { continue }
                let arrival = calls[Int(waiting[ring].first.unsafelyUnwrapped.call)].arrival
                let priority = queuePriority[q]
                if priority > bestPriority || (priority == bestPriority && arrival < bestArrival) {
                    bestQueue = q
                    bestRing = ring
                    bestPriority = priority
                    bestArrival = arrival
                }
            }
            if bestQueue >= 0 { return pop(ring: bestRing, queue: bestQueue) }
        }
        return -1
    }

    /// The ring of queue `q`'s next call for a group that may answer only calls that have waited `delay`: its highest
    /// priority class whose longest-waiting call has (within a class, calls wait in arrival order), or -1.
    @inline(__always)
    mutating func eligibleRing(queue q: Int, waited delay: Double, at t: Double) -> Int {
        var ring = ringBase[q] + priorityClasses[q] - 1
        while ring >= ringBase[q] {
            if ringCount[ring] > 0 && calls[Int(liveFirst(ring: ring))].arrival + delay <= t { return ring }
            ring -= 1
        }
        return -1
    }

    /// The first live call of a ring that counts one, dropping entries of calls that have left from its front.
    @inline(__always)
    mutating func liveFirst(ring: Int) -> Int32 {
        while let (c, generation) = waiting[ring].first {
            let slot = calls[Int(c)]
            if slot.generation == generation && slot.state == .waiting { return c }
            waiting[ring].removeFirst()
        }
        preconditionFailure("ring \(ring) counts waiting calls but holds none")
    }

    /// The ring holding the queue's next call (its highest priority class with a live call), dropping entries of
    /// calls that have left from the front of that ring. The queue must have a waiting call.
    @inline(__always)
    mutating func headRing(queue q: Int) -> Int {
        var ring = ringBase[q] + priorityClasses[q] - 1
        while ringCount[ring] == 0 { ring -= 1 }
        _ = liveFirst(ring: ring)
        return ring
    }

    /// The next call of a queue that has one (highest priority, then longest waiting).
    mutating func liveHead(queue q: Int) -> Int32 {
        waiting[headRing(queue: q)].first.unsafelyUnwrapped.call
    }

    mutating func popHead(queue q: Int) -> Int32 { pop(ring: headRing(queue: q), queue: q) }

    /// Takes the first call of `ring` (one of queue `q`'s, its front live) out of the queue.
    @inline(__always)
    mutating func pop(ring: Int, queue q: Int) -> Int32 {
        let c = waiting[ring].first.unsafelyUnwrapped.call
        waiting[ring].removeFirst()
        ringCount[ring] &-= 1
        waitingCount[q] &-= 1
        return c
    }

    // MARK: Idle list

    mutating func makeIdle(agent a: Int, at t: Double) {
        let g = Int(agents[a].group)
        let tail = groups[g].idleTail
        agents[a].activity = .idle
        agents[a].idleSince = t
        agents[a].since = t
        agents[a].previous = tail
        agents[a].next = -1
        if tail >= 0 { agents[Int(tail)].next = Int32(a) } else { groups[g].idleHead = Int32(a) }
        groups[g].idleTail = Int32(a)
        groups[g].idleCount &+= 1
        noteAgent(a, at: t)
    }

    mutating func removeIdle(agent a: Int) {
        let g = Int(agents[a].group)
        let previous = agents[a].previous
        let next = agents[a].next
        if previous >= 0 { agents[Int(previous)].next = next } else { groups[g].idleHead = next }
        if next >= 0 { agents[Int(next)].previous = previous } else { groups[g].idleTail = previous }
        agents[a].previous = -1
        agents[a].next = -1
        groups[g].idleCount &-= 1
    }

    // MARK: Rota

    /// Applies the headcount of the interval starting now: new agents start (and take waiting calls), surplus idle
    /// agents leave, and busy ones owed to the rota leave when they have finished their call and wrap-up.
    mutating func changeRota(at t: Double) {
        let interval = rotaChanges[nextRotaChange]
        rotaInterval = interval
        nextRotaChange += 1
        for g in 0..<groupCount {
            let target = model.groups[g].rota.headcount[interval]
            var difference = target - (groups[g].onShift - groups[g].pendingDepartures)
            if difference > 0 {
                let cancelled = min(difference, groups[g].pendingDepartures)
                groups[g].pendingDepartures -= cancelled
                departureRequests[g].removeLast(cancelled)
                difference -= cancelled
                for _ in 0..<difference {
                    let a = Int(groups[g].offShiftHead)
                    groups[g].offShiftHead = agents[a].next
                    agents[a].next = -1
                    groups[g].onShift += 1
                    agentAvailable(agent: a, at: t)
                }
            } else if difference < 0 {
                var surplus = -difference
                while surplus > 0 && groups[g].idleCount > 0 {
                    let a = Int(groups[g].idleHead)
                    removeIdle(agent: a)
                    goOffShift(agent: a, group: g)
                    surplus -= 1
                }
                groups[g].pendingDepartures += surplus
                departureRequests[g].append(contentsOf: repeatElement(t, count: surplus))
            }
        }
        if nextRotaChange == rotaChanges.count && endless {
            // The period starts again.
            nextRotaChange = 0
            rotaTurnStart += Double(cycle) * intervalLength
        }
        if nextRotaChange < rotaChanges.count {
            let at = rotaTurnStart + Double(rotaChanges[nextRotaChange]) * intervalLength
            calendar.schedule(.rotaChange, at: at, subject: 0)
        }
    }

    /// An agent whose shift has ended finishes: the time since the shift ended is overtime.
    mutating func leave(agent a: Int, group g: Int, at t: Double) {
        let requested = departureRequests[g].removeFirst()
        groups[g].pendingDepartures -= 1
        if requested >= warmup && requested < horizon {
            groupTallies[g * intervalCount + intervalIndex(requested)].overtime += t - requested
        }
        goOffShift(agent: a, group: g)
    }

    mutating func goOffShift(agent a: Int, group g: Int) {
        agents[a].activity = .offShift
        agents[a].since = now
        agents[a].next = groups[g].offShiftHead
        groups[g].offShiftHead = Int32(a)
        groups[g].onShift -= 1
        noteAgent(a, at: now)
    }
}

/// Picks one idle agent under a strategy other than longest-idle, looking at candidates in idle order.

struct IdleChooser {
    let strategy: RoutingStrategy
    let cursor: Int
    let agentCount: Int
    var target = 0
    var seen = 0
    var best = -1
    var bestKey = Double.infinity

    init(strategy: RoutingStrategy, cursor: Int, agentCount: Int) {
        self.strategy = strategy
        self.cursor = cursor
        self.agentCount = agentCount
    }

    mutating func consider(_ a: Int, _ agent: AgentState) {
        let key: Double
        switch strategy {
        case .longestIdle: key = agent.idleSince
        case .roundRobin: key = Double((a - cursor - 1 + 2 * agentCount) % agentCount)
        case .fewestCalls: key = Double(agent.callsAnswered)
        case .leastTalkTime: key = agent.talkTime
        case .random:
            if seen == target { best = a }
            seen += 1
            return
        }
        if key < bestKey {
            best = a
            bestKey = key
        }
    }
}
