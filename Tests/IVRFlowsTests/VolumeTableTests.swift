import ACDCore
import Foundation
import IVRFlows
import Testing

/// Volume CSVs (daily or per interval) as `callgen --volumes` reads them, and the scenario they make.
@Suite("Volume files")
struct VolumeTableTests {
    /// Two lines over two days of 6-hour intervals: a queue `q` (shape 1:1:1:1) and an entry `main` (shape 0:1:3:0).
    static let scenario = """
        interval: 6h
        period: { start: 2020-03-23, days: 2 }
        calendars: { always: { timezone: UTC, open: { all: "00:00-24:00" } } }
        entries:
          - name: main
            flow: main
            arrivals: { per_interval: [0, 10, 30, 0, 0, 20, 60, 0] }
            intents: { billing: 100% }
        queues:
          - { name: q, arrivals: { per_interval: [5, 5, 5, 5, 5, 5, 5, 5] }, handle_time: { exponential: 60s } }
          - { name: "C/Tax, Benefits", intents: [billing], handle_time: { exponential: 60s } }
        groups:
          - name: g
            skills: [q, "C/Tax, Benefits"]
            agents: { shifts: [{ days: all, from: "00:00", to: "24:00", agents: 5 }] }
        """

    static let flow = """
        flow: main
        start: billing
        nodes:
          billing:
            queue: "C/Tax, Benefits"
        """

    func loaded() throws -> Scenario {
        try Scenario.load(path: scenarioFolder(["scenario.yaml": Self.scenario, "flows/main.yaml": Self.flow]))
    }

    @Test("a daily file: dates, columns (quoted names too) and values, with their lines")
    func daily() throws {
        let table = try VolumeTable.parse(
            "date,q,\"C/Tax, Benefits\"\r\n2020-03-23,100,7.5\r\n\r\n2020-03-24,0,1\r\n", path: "v.csv")
        #expect(table.columns == ["q", "C/Tax, Benefits"])
        #expect(!table.hasTime)
        #expect(table.rows.map(\.line) == [2, 4])
        #expect(table.rows.map(\.day) == [Quantity.day("2020-03-23")!, Quantity.day("2020-03-24")!])
        #expect(table.rows.map(\.values) == [[100, 7.5], [0, 1]])
        #expect(table.rows[0].starts == [1, 12, 16])
        #expect(table.headerColumn(1) == 8)
    }

    @Test("an interval file has a time column")
    func intervals() throws {
        let table = try VolumeTable.parse("date,time,q\n2020-03-23,06:00,12\n2020-03-23,18:00,3\n", path: "v.csv")
        #expect(table.hasTime)
        #expect(table.rows.map(\.time) == [6 * 3600, 18 * 3600])
        #expect(table.rows.map(\.values) == [[12], [3]])
    }

    @Test(
        "a malformed file gets its file, line, column and field",
        arguments: [
            ("", "v.csv:1:1: the volume file is empty"),
            ("day,q\n", "v.csv:1:1: date: the first column must be 'date'"),
            ("date\n", "v.csv:1:1: the header names no columns"),
            ("date,q,,r\n", "v.csv:1:8: column 3 has no name"),
            ("date,q,q\n", "v.csv:1:8: q: the column 'q' is given twice"),
            ("date,q\n2020-03-23,1,2\n", "v.csv:2:1: 3 fields where the header has 2"),
            ("date,q\n2020-03-32,1\n", "v.csv:2:1: date: expected a date as YYYY-MM-DD, found '2020-03-32'"),
            ("date,q\n2020-03-23,-1\n", "v.csv:2:12: q: expected calls as a number, 0 or more, found '-1'"),
            ("date,q,r\n2020-03-23,1,x\n", "v.csv:2:14: r: expected calls as a number, 0 or more, found 'x'"),
            ("date,time,q\n2020-03-23,25:00,1\n", "v.csv:2:12: time: expected a time as HH:MM from 00:00 to 23:59"),
            ("date,q\n2020-03-23,1\n2020-03-23,2\n", "v.csv:3:1: date: 2020-03-23 is given twice"),
            ("date,q\n2020-03-23,\"1\n", "v.csv:2:1: a quoted field is not closed"),
        ])
    func errors(text: String, expected: String) {
        do {
            let table = try VolumeTable.parse(text, path: "v.csv")
            Issue.record("no error for \(text): \(table)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test("a daily row is spread in the shape of the line's own calls that day; lines and days not given offer none")
    func dailyReplacesVolumes() throws {
        let s = try loaded()
        let table = try VolumeTable.parse("date,main\n2020-03-24,400\n2020-03-25,9\n", path: "v.csv")
        let replaced = try s.replacingVolumes(with: table)
        #expect(replaced.model.entries[0].volumes == [0, 0, 0, 0, 0, 100, 300, 0])
        #expect(replaced.model.queues[0].volumes == Array(repeating: 0, count: 8))
        #expect(replaced.model.problems().isEmpty)
    }

    @Test("an interval row sets that interval's calls, by the queue's name")
    func intervalReplacesVolumes() throws {
        let s = try loaded()
        let table = try VolumeTable.parse(
            "date,time,q,main\n2020-03-23,12:00,7,0\n2020-03-24,18:00,2,5\n", path: "v.csv")
        let replaced = try s.replacingVolumes(with: table)
        #expect(replaced.model.queues[0].volumes == [0, 0, 7, 0, 0, 0, 0, 2])
        #expect(replaced.model.entries[0].volumes == [0, 0, 0, 0, 0, 0, 0, 5])
    }

    @Test(
        "a column that names no line, a time off the intervals, or a day with no shape is refused where it stands",
        arguments: [
            ("date,qq\n2020-03-23,1\n", "v.csv:1:6: qq: no entry or queue 'qq'. Did you mean 'q'?"),
            (
                "date,time,q\n2020-03-23,07:00,1\n",
                "v.csv:2:12: time: 07:00 does not start an interval of the scenario's 360 minutes"
            ),
            (
                "date,\"C/Tax, Benefits\"\n2020-03-23,4\n",
                "v.csv:2:12: C/Tax, Benefits: the scenario gives 'C/Tax, Benefits' no calls on 2020-03-23 "
                    + "to shape 4 calls by"
            ),
        ])
    func replacingErrors(text: String, expected: String) throws {
        let s = try loaded()
        let table = try VolumeTable.parse(text, path: "v.csv")
        #expect {
            _ = try s.replacingVolumes(with: table)
        } throws: { error in
            (error as? InputError)?.description.hasPrefix(expected) == true
        }
    }
}
