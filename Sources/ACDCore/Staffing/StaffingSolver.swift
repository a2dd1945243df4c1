/// Finds, per interval and agent group, the fewest agents that meet every queue's targets, by simulation.
///
/// Each queue is judged by its targets (ASA, abandonment, service level) per interval, on the mean over replications
/// with fixed seeds (so every candidate rota sees the same callers). A queue belongs to its primary group: the group
/// that answers it at the best skill level (the first such group). A (group, interval) cell is met when every queue
/// of the group with calls in the interval meets its targets there.
///
/// Start: for each cell, the sum of the Erlang A staffing of its queues, taken as an upper bound; cells it does not
/// satisfy are doubled until they are (bounded). Then all cells are bisected together: each round puts every
/// unresolved cell at the middle of its bracket, simulates once, and narrows each bracket by whether the cell was met.
/// About log2(agents) simulations in all. Pooling (one group for several queues, overflow) lets cells fall below the
/// Erlang sum; groups that are no queue's first choice (pure overflow) keep their rota; queues spilling over interval
/// boundaries are accounted for because every round simulates the whole period.
package struct StaffingSolver: Sendable {
    package var model: CentreModel
    package var seed: UInt64
    package var replications: Int
    package var threads: Int?
    /// Follows every simulation's replications and simulated time, for a progress display.
    package var meter: RunMeter?
    package var pattern: Pattern
    /// What must hold besides each cell's own figures (``Meet``).
    package var meet: Meet
    /// For a weekly rota, the blocks (whole days, in order) that each get their own weekly pattern, by day.
    package private(set) var blockOfDay: [Int]
    package private(set) var blockCount: Int

    /// What one headcount decision covers.
    package enum Pattern: Sendable, Equatable {
        /// Every interval of the period on its own.
        case interval
        /// A weekly rota: one headcount per weekday and time of day, repeated every week of the period (or of each
        /// block). Targets are judged on the calls of all the weeks together. A group stays off the rota before its
        /// first and after its last day in the scenario's rota (a team that starts or stops during the period).
        case weekly(startWeekday: Int)
    }

    /// Where targets must hold. A cell always meets its targets on its own calls (for a weekly cell, those of all its
    /// weeks); this adds a finer or coarser check whose misses count against the cells involved.
    package enum Meet: Sendable, Equatable {
        /// Only each cell on its own calls.
        case cells
        /// Also every interval of the period (the mean over replications): a weekly cell is missed when any of its
        /// intervals is.
        case intervals
        /// Also every span (a day, a month) on the calls of the span: where a queue misses in a span, the cells of
        /// the span's intervals that miss are missed. Meeting every cell already meets every span that is a union
        /// of whole cells' calls, as a month of a monthly block is.
        case spans([Range<Int>])
    }

    /// `blocks` (interval ranges of whole days, in order, covering the period) give each block of a weekly rota
    /// its own pattern; by default the whole period is one block.
    package init(
        model: CentreModel, seed: UInt64, replications: Int = 10, threads: Int? = nil, pattern: Pattern = .interval,
        blocks: [Range<Int>]? = nil, meet: Meet = .cells
    ) {
        self.model = model
        self.seed = seed
        self.replications = replications
        self.threads = threads
        self.pattern = pattern
        self.meet = meet
        let perDay = max(1, Int((86400 / model.intervalLength).rounded()))
        let days = (model.intervalCount + perDay - 1) / perDay
        var blockOfDay = Array(repeating: 0, count: days)
        for (b, block) in (blocks ?? []).enumerated() {
            for d in (block.lowerBound / perDay)..<((block.upperBound + perDay - 1) / perDay) where d < days {
                blockOfDay[d] = b
            }
        }
        self.blockOfDay = blockOfDay
        blockCount = max(1, blocks?.count ?? 1)
    }

    var perDay: Int { Int((86400 / model.intervalLength).rounded()) }

    /// Decisions per week of a weekly rota.
    package var weekCells: Int { 7 * perDay }

    /// Decisions per group: intervals of the period, or of a week per block.
    package var cellCount: Int {
        switch pattern {
        case .interval: model.intervalCount
        case .weekly: blockCount * weekCells
        }
    }

    /// The decision interval `i` of the period follows; for a weekly rota, 0 is Monday 00:00 of the first block.
    package func cell(ofInterval i: Int) -> Int {
        switch pattern {
        case .interval: return i
        case .weekly(let startWeekday):
            let day = i / perDay
            return blockOfDay[day] * weekCells + ((startWeekday + day) % 7) * perDay + i % perDay
        }
    }

    /// Per group and decision cell, whether the team works then: for a weekly rota, whether the scenario's rota has
    /// anyone in some interval of the cell (so the search keeps each team's hours and never staffs a closed line's
    /// evening); always, for a per-interval rota.
    package var openCells: [[Bool]] {
        model.groups.map { group in
            guard case .weekly = pattern else { return Array(repeating: true, count: cellCount) }
            var open = Array(repeating: false, count: cellCount)
            for i in 0..<model.intervalCount where group.rota.headcount[i] > 0 { open[cell(ofInterval: i)] = true }
            return open
        }
    }

    /// Per group, whether it may be on the rota in each interval (always, for a per-interval rota).
    package var active: [[Bool]] {
        model.groups.map { group in
            guard case .weekly = pattern else { return Array(repeating: true, count: model.intervalCount) }
            let days = group.rota.headcount.indices.filter { group.rota.headcount[$0] > 0 }.map { $0 / perDay }
            guard let first = days.first, let last = days.last else {
                return Array(repeating: false, count: model.intervalCount)
            }
            return (0..<model.intervalCount).map { (first...last).contains($0 / perDay) }
        }
    }

    /// The headcount per interval of the period from one per decision.
    package func expand(_ cells: [[Int]]) -> [[Int]] {
        let active = self.active
        return cells.indices.map { g in
            (0..<model.intervalCount).map { i in active[g][i] ? cells[g][cell(ofInterval: i)] : 0 }
        }
    }

    package struct Answer: Sendable {
        /// Headcount per group and interval of the period.
        package var rota: [[Int]]
        /// Headcount per group and decision (``cellCount``): the same as `rota` for a per-interval rota, the weekly
        /// pattern otherwise.
        package var cells: [[Int]]
        /// The Erlang A starting point, per group and interval.
        package var erlang: [[Int]]
        /// Simulations run.
        package var simulations: Int
        /// The final rota's summary.
        package var summary: Summary
        /// Cells that still miss a target at the cap (none when the answer meets every target).
        package var unmet: [(group: Int, interval: Int)]
    }

    /// The group that answers each queue first-hand (best level, then lowest index), or -1.
    package var primaryGroup: [Int] {
        model.queues.indices.map { q in
            var best = -1
            var bestLevel = Int.max
            for (g, group) in model.groups.enumerated() {
                for skill in group.skills where skill.queue == q && skill.delay == 0 && skill.level < bestLevel {
                    best = g
                    bestLevel = skill.level
                }
            }
            return best
        }
    }

    /// Erlang A staffing per queue and interval, added up per primary group.
    package func erlangStart() -> [[Int]] {
        erlangStart(volumes: model.queues.map(\.volumes))
    }

    /// Calls offered to each queue in each interval: the queues' own arrivals, or, when flows feed the queues, the
    /// mean offered calls of a simulation of the scenario as it stands (so IVR deflection, transfers and redials
    /// count).
    package func offeredVolumes() -> [[Double]] {
        guard !model.entries.isEmpty else { return model.queues.map(\.volumes) }
        let summary = ReplicationRunner(model: model, seed: seed, threads: threads).summarize(
            replications: replications, meter: meter)
        let n = model.intervalCount
        return model.queues.indices.map { q in
            (0..<n).map { i in
                summary.results.reduce(0.0) { $0 + Double($1.queueIntervals[q * n + i].offered) }
                    / Double(summary.results.count)
            }
        }
    }

    /// Erlang A staffing per decision for the given calls per queue and interval, added up per primary group.
    package func erlangStart(volumes: [[Double]]) -> [[Int]] {
        let primary = primaryGroup
        let cells = cellCount
        var start = Array(repeating: Array(repeating: 0, count: cells), count: model.groups.count)
        for (q, queue) in model.queues.enumerated() where primary[q] >= 0 {
            let wrap = model.groups[primary[q]].wrapUp.mean
            let goal = StaffingGoal(
                asa: queue.targets.asa, abandonment: queue.targets.abandonment, serviceLevel: queue.targets.serviceLevel
            )
            // Calls per decision: the mean over the intervals it covers that have calls.
            var volume = Array(repeating: 0.0, count: cells)
            var count = Array(repeating: 0, count: cells)
            for i in 0..<model.intervalCount where volumes[q][i] > 0 {
                volume[cell(ofInterval: i)] += volumes[q][i]
                count[cell(ofInterval: i)] += 1
            }
            for i in 0..<cells where count[i] > 0 {
                let traffic = Traffic(
                    arrivalRate: volume[i] / Double(count[i]) / model.intervalLength,
                    meanHandleTime: queue.handleTime.mean + wrap,
                    meanPatience: queue.patience?.mean)
                let agents =
                    goal.asa == nil && goal.abandonment == nil && goal.serviceLevel == nil
                    ? Int((traffic.offeredLoad / 0.85).rounded(.up))
                    : (staff(traffic, goal: goal)?.agents ?? Int(traffic.offeredLoad.rounded(.up)) * 2)
                start[primary[q]][i] += agents
            }
        }
        return start
    }

    /// Whether each (group, decision) cell meets its queues' targets under `cells`, and the figures.
    package func evaluate(_ cells: [[Int]]) -> (met: [[Bool]], summary: Summary) {
        var candidate = model
        let rota = expand(cells)
        for g in candidate.groups.indices { candidate.groups[g].rota = Rota(headcount: rota[g]) }
        let summary = ReplicationRunner(model: candidate, seed: seed, threads: threads).summarize(
            replications: replications, meter: meter)
        return (met(summary), summary)
    }

    /// Which cells meet their primary queues' targets in `summary`, at the cells' own grain and at ``meet``'s.
    package func met(_ summary: Summary) -> [[Bool]] {
        let primary = primaryGroup
        let open = openCells
        let active = self.active
        let n = model.intervalCount
        var met = Array(repeating: Array(repeating: true, count: cellCount), count: model.groups.count)
        for q in model.queues.indices where primary[q] >= 0 {
            let targets = model.queues[q].targets
            let intervalMissed = summary.intervalsMissing(queue: q)
            var missed = Array(repeating: false, count: cellCount)
            if case .weekly = pattern {
                // Each weekly cell is judged on the calls of all its intervals and replications together.
                // Only the intervals in which the group is on the rota's days count: a team that starts mid-block
                // answers for its cells from its first day.
                var pooled = Array(repeating: QueueTally(), count: cellCount)
                for result in summary.results {
                    for i in 0..<n where active[primary[q]][i] {
                        pooled[cell(ofInterval: i)].add(result.queueIntervals[q * n + i])
                    }
                }
                for c in 0..<cellCount where pooled[c].offered > 0 {
                    missed[c] = targets.missed(by: QueueMetrics(tally: pooled[c], definitions: model.definitions))
                }
            } else {
                for i in 0..<n where intervalMissed[i] { missed[i] = true }
            }
            switch meet {
            case .cells: break
            case .intervals:
                for i in 0..<n where intervalMissed[i] && active[primary[q]][i] { missed[cell(ofInterval: i)] = true }
            case .spans(let spans):
                for span in spans where summary.pooledMissing(queue: q, span: span) {
                    for i in span where intervalMissed[i] && active[primary[q]][i] {
                        missed[cell(ofInterval: i)] = true
                    }
                }
            }
            for c in 0..<cellCount where missed[c] && open[primary[q]][c] { met[primary[q]][c] = false }
        }
        return met
    }

    package func solve(cap: Int = 100_000) -> Answer {
        var erlang = erlangStart(volumes: offeredVolumes())
        var simulations = model.entries.isEmpty ? 0 : 1
        let groups = model.groups.count
        let n = cellCount
        // Groups that are nobody's first choice (pure overflow) keep the rota they have (per decision, their
        // largest headcount).
        let primaries = Set(primaryGroup)
        for g in 0..<groups where !primaries.contains(g) {
            var current = Array(repeating: 0, count: n)
            for i in 0..<model.intervalCount {
                current[cell(ofInterval: i)] = max(current[cell(ofInterval: i)], model.groups[g].rota.headcount[i])
            }
            erlang[g] = current
        }
        let open = openCells
        for g in 0..<groups { for c in 0..<n where !open[g][c] { erlang[g][c] = 0 } }
        var high = erlang
        var low = Array(repeating: Array(repeating: 0, count: n), count: groups)
        for g in 0..<groups where !primaries.contains(g) { low[g] = high[g].map { max(0, $0 - 1) } }
        // Make sure the upper bounds are met: double cells that are not.
        var (met, summary) = evaluate(high)
        simulations += 1
        for _ in 0..<12 {
            var grew = false
            for g in 0..<groups {
                for i in 0..<n where !met[g][i] && high[g][i] < cap {
                    low[g][i] = high[g][i]
                    high[g][i] = min(cap, max(1, high[g][i] * 2))
                    grew = true
                }
            }
            guard grew else { break }
            (met, summary) = evaluate(high)
            simulations += 1
        }
        // Bisect every cell at once.
        while (0..<groups).contains(where: { g in (0..<n).contains { high[g][$0] - low[g][$0] > 1 } }) {
            var trial = high
            for g in 0..<groups {
                for i in 0..<n where high[g][i] - low[g][i] > 1 { trial[g][i] = (low[g][i] + high[g][i]) / 2 }
            }
            let (trialMet, _) = evaluate(trial)
            simulations += 1
            for g in 0..<groups {
                for i in 0..<n where high[g][i] - low[g][i] > 1 {
                    if trialMet[g][i] { high[g][i] = trial[g][i] } else { low[g][i] = trial[g][i] }
                }
            }
        }
        // Cells bisected together can push calls into each other's intervals: repair what the final rota misses,
        // an agent at a time, until every cell is met.
        (met, summary) = evaluate(high)
        simulations += 1
        for _ in 0..<50 {
            var added = false
            for g in 0..<groups {
                for i in 0..<n where !met[g][i] && high[g][i] < cap {
                    high[g][i] += 1
                    added = true
                }
            }
            guard added else { break }
            (met, summary) = evaluate(high)
            simulations += 1
        }
        var unmet: [(Int, Int)] = []
        for g in 0..<groups { for i in 0..<n where !met[g][i] { unmet.append((g, i)) } }
        return Answer(
            rota: expand(high), cells: high, erlang: erlang, simulations: simulations, summary: summary, unmet: unmet)
    }
}
