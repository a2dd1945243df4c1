import ACDCore
import Foundation
import IVRFlows
import Testing

/// The parts a year-long model needs: a volume file, per-weekday shapes, dated shifts, calendars that open or close
/// for good, queues cleared at closing time, and centre totals that add up.
@Suite("Year models")
struct YearModelTests {
    /// Writes `files` into a fresh folder and returns its path.
    func folder(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("year-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir.path
    }

    func scenario(arrivals: String, extra: String = "", shifts: String = #"{ days: all, from: "00:00", to: "24:00", agents: 5 }"#) -> String {
        """
        interval: 6h
        period: { start: 2020-03-21, days: 4 }
        queues:
          - name: q
            arrivals: \(arrivals)
            handle_time: { exponential: 60s }
        groups:
          - name: g
            skills: [q]
            agents: { shifts: [\(shifts)] }
        \(extra)
        """
    }

    @Test("daily volumes come from a CSV column, spread by each weekday's shape")
    func volumeFile() throws {
        let dir = try folder([
            "volumes.csv": "date,main,other\n2020-03-20,1,1\n2020-03-21,100,0\n2020-03-22,200,0\n2020-03-23,300,0\n2020-03-24,400,0\n",
            "scenario.yaml": scenario(arrivals: "{ daily: { file: volumes.csv, column: main }, shape: { sat-sun: [1, 1, 1, 1], mon-fri: [0, 1, 3, 0] } }"),
        ])
        let s = try Scenario.load(path: dir)
        // Saturday 21 March, Sunday, then Monday and Tuesday with three quarters after noon.
        #expect(s.model.queues[0].volumes == [25, 25, 25, 25, 50, 50, 50, 50, 0, 75, 225, 0, 0, 100, 300, 0])
    }

    @Test(
        "a volume file's mistakes name the CSV file, line and column, or the missing day",
        arguments: [
            ("date,main\n2020-03-21,1\n2020-03-22,x\n2020-03-23,1\n2020-03-24,1\n", "volumes.csv:3:12: main: expected calls as a number, 0 or more, found 'x'"),
            ("date,main\n2020-03-21,1\n2020-03-23,1\n2020-03-24,1\n", "has no row for 2020-03-22"),
            ("date,main\n2020-03-21,1\n2020-02-30,1\n", "volumes.csv:3:1: date: expected a date as YYYY-MM-DD, found '2020-02-30'"),
            ("day,main\n", "volumes.csv:1:1: date: the first column must be 'date'"),
            ("date,mian\n", "has no column 'main'. Did you mean 'mian'?"),
            ("date,main\n2020-03-21,1,2\n", "volumes.csv:2:1: 3 fields where the header has 2"),
        ])
    func volumeFileErrors(csv: String, expected: String) throws {
        let dir = try folder([
            "volumes.csv": csv,
            "scenario.yaml": scenario(arrivals: "{ daily: { file: volumes.csv, column: main } }"),
        ])
        do {
            _ = try Scenario.load(path: dir)
            Issue.record("no error for \(csv)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test("a shift with dates runs only on those days; a calendar with until closes for good")
    func datedShiftsAndCalendars() throws {
        let s = try Scenario.parse(scenario(
            arrivals: "10/h",
            shifts: #"{ days: all, from: "06:00", to: "18:00", agents: 2 }, { days: all, from: "00:00", to: "24:00", agents: 3, dates: { from: 2020-03-23 } }"#))
        #expect(s.model.groups[0].rota.headcount == [0, 2, 2, 0, 0, 2, 2, 0, 3, 5, 5, 3, 3, 5, 5, 3])
        #expect(throws: InputError.self) {
            _ = try Scenario.parse(scenario(arrivals: "10/h", shifts: #"{ from: "06:00", to: "18:00", agents: 2, dates: { from: 2020-03-24, to: 2020-03-22 } }"#))
        }
        var rules = CalendarRules(
            timeZone: TimeZone(identifier: "UTC")!, windows: Array(repeating: [(0, 86400)], count: 7), holidays: [])
        rules.until = "2020-03-22"
        rules.from = "2020-01-01"
        #expect(rules.isOpen(weekday: 6, seconds: 100, date: "2020-03-22"))
        #expect(!rules.isOpen(weekday: 0, seconds: 100, date: "2020-03-23"))
        #expect(!rules.isOpen(weekday: 1, seconds: 100, date: "2019-12-31"))
    }

    @Test("agents who clear the queue at closing time answer everyone waiting, as overtime")
    func clearQueueAtClose() throws {
        func run(clear: Bool) throws -> (Summary, CentreModel) {
            let text = """
                interval: 1h
                period: { days: 1 }
                queues:
                  - name: q
                    arrivals: { per_interval: [\((["120"] + Array(repeating: "0", count: 23)).joined(separator: ", "))] }
                    handle_time: { exponential: 120s }
                groups:
                  - name: g
                    skills: [q]
                    clear_queue_at_close: \(clear)
                    agents: { per_interval: [2\(String(repeating: ", 0", count: 23))] }
                """
            let s = try Scenario.parse(text)
            return (ReplicationRunner(model: s.model, seed: 3, threads: 1).summarize(replications: 4), s.model)
        }
        let (left, _) = try run(clear: false)
        let (cleared, _) = try run(clear: true)
        // Twice the calls the two agents can take in the hour: without clearing, the rest are never answered.
        #expect(left.total.answered.mean < 70)
        #expect(cleared.total.answered.mean == cleared.total.offered.mean)
        #expect(cleared.groups[0].overtimeHours.mean > 0.5)
    }

    @Test("centre totals add up: gross = answered by IVR + answered by staff + abandoned")
    func centreTotals() throws {
        let s = try Scenario.load(path: repositoryRoot.appendingPathComponent("examples/ivr").path)
        let summary = ReplicationRunner(model: s.model, seed: 5, threads: 2).summarize(replications: 3)
        for result in summary.results {
            let t = CentreTotals(result: result, model: s.model)
            let accounted = t.answeredByIVR + t.answeredByStaff + t.abandoned
            // Calls still waiting when the period ends are the only ones not accounted for.
            #expect(accounted <= t.grossCalls)
            #expect(t.grossCalls - accounted < 0.002 * t.grossCalls)
            #expect(t.grossCalls > Double(result.flows.callers.reduce(0, +)) - 1)
        }
    }

    @Test("the Leeds model reads, its flows check clean, and its published year is there")
    func leeds() throws {
        let path = repositoryRoot.appendingPathComponent("flows/leeds").path
        let s = try Scenario.load(path: path)
        #expect(s.model.intervalCount == 366 * 48)
        #expect(s.model.entries.count == 8)
        #expect(s.published?.grossCalls == 1_374_774)
        #expect(FlowChecker.check(path: path).filter { $0.severity == .error }.isEmpty)
        // The volume file holds first calls; the published gross less the repeat calls the flows add.
        let first = s.model.entries.reduce(0.0) { $0 + $1.volumes.reduce(0, +) }
        #expect(abs(first - 1_361_274) < 0.5)
    }
}
