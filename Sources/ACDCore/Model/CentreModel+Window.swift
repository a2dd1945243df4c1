extension CentreModel {
    /// The same centre over intervals `range` of the period only (a day of a year, say): volumes, rotas and
    /// calendars cut to the window, which becomes the whole period.
    package func window(_ range: Range<Int>) -> CentreModel {
        precondition(
            range.lowerBound >= 0 && range.upperBound <= intervalCount && !range.isEmpty, "window outside the period")
        var cut = self
        cut.intervalCount = range.count
        cut.warmup = 0
        for q in cut.queues.indices { cut.queues[q].volumes = Array(queues[q].volumes[range]) }
        for e in cut.entries.indices { cut.entries[e].volumes = Array(entries[e].volumes[range]) }
        for g in cut.groups.indices { cut.groups[g].rota = Rota(headcount: Array(groups[g].rota.headcount[range])) }
        for f in cut.flows.indices {
            for s in cut.flows[f].steps.indices {
                if case .hours(let open, let whenOpen, let whenClosed) = cut.flows[f].steps[s].action {
                    cut.flows[f].steps[s].action = .hours(
                        open: Array(open[range]), whenOpen: whenOpen, whenClosed: whenClosed)
                }
            }
        }
        return cut
    }
}
