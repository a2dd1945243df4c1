import ACDCore

/// A stretch of the period that reports add up: a day, a week, a month or a season.
package struct ReportSpan: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable { case day, week, month, season }

    package var kind: Kind
    /// `2019-11-01` for a day or the week starting then, `2019-11` for a month; `day 3`, `week 2`, `weeks 5-8` on
    /// a scenario without dates.
    package var label: String
    /// The model's intervals it covers.
    package var intervals: Range<Int>

    package init(kind: Kind, label: String, intervals: Range<Int>) {
        self.kind = kind
        self.label = label
        self.intervals = intervals
    }
}

extension Scenario {
    /// The period cut into days, weeks (7 days from the start), months (calendar months where the scenario has
    /// dates, else 4-week blocks) or seasons (winter December-February, spring March-May, summer June-August,
    /// autumn September-November, labelled `2019-12..2020-02`; 13-week blocks without dates); the last may be short.
    /// Empty when the interval does not divide a day.
    package func spans(_ kind: ReportSpan.Kind) -> [ReportSpan] {
        let perDay = Int((86400 / model.intervalLength).rounded())
        guard perDay > 0, Double(perDay) * model.intervalLength == 86400 else { return [] }
        let days = (model.intervalCount + perDay - 1) / perDay
        let start = startDate.flatMap(Quantity.day)
        var out: [ReportSpan] = []
        func add(_ label: String, _ firstDay: Int, _ endDay: Int) {
            let range = (firstDay * perDay)..<min(endDay * perDay, model.intervalCount)
            out.append(ReportSpan(kind: kind, label: label, intervals: range))
        }
        switch kind {
        case .season: return seasons()
        case .day:
            for d in 0..<days { add(start.map { Quantity.dateText(day: $0 + d) } ?? "day \(d + 1)", d, d + 1) }
        case .week:
            for d in stride(from: 0, to: days, by: 7) {
                add(start.map { Quantity.dateText(day: $0 + d) } ?? "week \(d / 7 + 1)", d, d + 7)
            }
        case .month:
            guard let start else {
                for d in stride(from: 0, to: days, by: 28) {
                    add("weeks \(d / 7 + 1)-\(d / 7 + 4)", d, d + 28)
                }
                return out
            }
            var first = 0
            while first < days {
                let month = String(Quantity.dateText(day: start + first).prefix(7))
                var end = first + 1
                while end < days && Quantity.dateText(day: start + end).hasPrefix(month) { end += 1 }
                add(month, first, end)
                first = end
            }
        }
        return out
    }
}

extension Scenario {
    /// Consecutive months of the same season joined; 13-week blocks on a scenario without dates.
    private func seasons() -> [ReportSpan] {
        let months = spans(.month)
        guard startDate != nil else {
            return stride(from: 0, to: months.count, by: 3).map { k in
                let last = months[min(k + 2, months.count - 1)]
                return ReportSpan(
                    kind: .season, label: "weeks \(k / 3 * 13 + 1)-\(k / 3 * 13 + 13)",
                    intervals: months[k].intervals.lowerBound..<last.intervals.upperBound)
            }
        }
        func season(_ label: String) -> Int { ((Int(label.suffix(2)) ?? 1) % 12) / 3 }
        var out: [ReportSpan] = []
        for month in months {
            if let last = out.last, season(String(last.label.suffix(7))) == season(month.label),
                last.intervals.upperBound == month.intervals.lowerBound
            {
                let first = String(last.label.prefix(7))
                out[out.count - 1] = ReportSpan(
                    kind: .season, label: "\(first)..\(month.label)",
                    intervals: last.intervals.lowerBound..<month.intervals.upperBound)
            } else {
                out.append(ReportSpan(kind: .season, label: month.label, intervals: month.intervals))
            }
        }
        return out
    }
}
