import CallRecords
import Foundation
import Testing

/// CSV and TSV exports read by a column map, each call's fields checked against the rows written here by hand.
@Suite struct CSVRecordsTests {
    static let london = TimeZone(identifier: "Europe/London")!

    /// 5 November 2019 (GMT) and 5 July 2019 (BST, UTC+1), midnight in London, as seconds since 1970.
    static let november5 = 1_572_912_000.0
    static let july5 = 1_562_281_200.0

    @Test("a date column and times of day, durations in seconds or H:MM:SS, outcome codes and a skip rule")
    func separateDateAndTimes() throws {
        let text = """
            Call ID,Date,Start,Queue,Wait,Talk,Agent,Result,Type
            A1,05/11/2019,8:00:05,Housing,0:00:42,312,ann,AGENT,CALL
            A2,05/11/2019,8:01:00,Housing,95,,,HANG,CALL
            A3,05/07/2019,8:01:30,"Council Tax, Benefits",12,0:03:00,bob,AGENT,CALL
            T1,05/11/2019,8:02:00,Housing,0,0,,HANG,TEST
            """
        let map = try CSVRecords.ColumnMap(options: [
            "date=Date:dd/MM/yyyy,arrival=Start,queue=Queue,wait=Wait,talk=Talk,agent=Agent,id=Call ID",
            "outcome=Result:AGENT=answered,HANG=abandoned", "skip=Type:TEST",
        ])
        let read = try CSVRecords.parse(text, file: "calls.csv", map: map, zone: Self.london, keepGoing: false)
        #expect(read.lines == 4)
        #expect(read.problems.isEmpty)
        #expect(read.unknownEvents == ["rows skipped by the map's skip rule": 1])
        let n = Self.november5
        #expect(
            read.calls == [
                ImportedCall(
                    source: "A1", entry: nil, queue: "Housing", firstQueue: nil, agent: "ann", arrival: n + 28805,
                    queueEntry: n + 28805, endOfWait: n + 28847, talkEnd: n + 29159, outcome: "answered",
                    agentsTried: []),
                ImportedCall(
                    source: "A2", entry: nil, queue: "Housing", firstQueue: nil, agent: nil, arrival: n + 28860,
                    queueEntry: n + 28860, endOfWait: n + 28955, talkEnd: nil, outcome: "abandoned", agentsTried: []),
                // Summer time: 08:01:30 in London is 07:01:30 UTC.
                ImportedCall(
                    source: "A3", entry: nil, queue: "Council Tax, Benefits", firstQueue: nil, agent: "bob",
                    arrival: Self.july5 + 28890, queueEntry: Self.july5 + 28890, endOfWait: Self.july5 + 28902,
                    talkEnd: Self.july5 + 29082, outcome: "answered", agentsTried: []),
            ])
    }

    @Test("a TSV of timestamps: IVR exit and answer times, the end of the call, and the outcome inferred")
    func timestampsInATSV() throws {
        let text = [
            "id\tline\tcalled\tjoined\tpicked up\thung up\tteam\tadviser",
            "1\t2001\t2019-11-05 09:00:00\t2019-11-05 09:01:10\t2019-11-05 09:03:00\t2019-11-05 09:10:00\tctax\tann",
            "2\t2001\t2019-11-05T09:05:00Z\t2019-11-05T09:05:30Z\t\t2019-11-05T09:07:00Z\tctax\t",
        ].joined(separator: "\n")
        let map = try CSVRecords.ColumnMap(options: [
            "id=id,entry=line,arrival=called,queue_entry=joined,answered=picked up,ended=hung up,queue=team,agent=adviser"
        ])
        let read = try CSVRecords.parse(text, file: "calls.tsv", map: map, zone: Self.london, keepGoing: false)
        let n = Self.november5
        #expect(
            read.calls == [
                ImportedCall(
                    source: "1", entry: "2001", queue: "ctax", firstQueue: nil, agent: "ann", arrival: n + 32400,
                    queueEntry: n + 32470, endOfWait: n + 32580, talkEnd: n + 33000, outcome: "answered",
                    agentsTried: []),
                ImportedCall(
                    source: "2", entry: "2001", queue: "ctax", firstQueue: nil, agent: nil, arrival: n + 32700,
                    queueEntry: n + 32730, endOfWait: n + 32820, talkEnd: nil, outcome: "abandoned", agentsTried: []),
            ])
    }

    @Test("bad rows are located by line and column, and --keep-going counts them")
    func badRows() throws {
        let text = """
            Start,Queue,Wait,Result
            2019-11-05 08:00:00,Housing,10,answered
            2019-11-05 08:00:00,Housing,-3,abandoned
            yesterday,Housing,10,answered
            2019-11-05 08:00:00,Housing,10,maybe
            2019-11-05 08:00:00,Housing
            """
        let map = try CSVRecords.ColumnMap(options: ["arrival=Start,queue=Queue,wait=Wait,outcome=Result"])
        #expect(throws: RecordProblem.self) {
            try CSVRecords.parse(text, file: "x.csv", map: map, zone: Self.london, keepGoing: false)
        }
        let read = try CSVRecords.parse(text, file: "x.csv", map: map, zone: Self.london, keepGoing: true)
        #expect(read.calls.count == 1)
        #expect(
            read.problems.map(\.description) == [
                "x.csv:3: Wait: '-3' is not a duration (seconds, or H:MM:SS)",
                "x.csv:4: Start: 'yesterday' is not a timestamp (YYYY-MM-DD HH:MM:SS, ISO 8601 or seconds since 1970)",
                "x.csv:5: Result: code 'maybe' is not in the map (give outcome=COLUMN:CODE=answered,CODE=abandoned,...)",
                "x.csv:6: : 2 fields where the header has 4",
            ])
        // A column the map names that the header lacks stops the import at once, whatever --keep-going says.
        let wrong = try CSVRecords.ColumnMap(options: ["arrival=Begin,queue=Queue"])
        #expect {
            try CSVRecords.parse(text, file: "x.csv", map: wrong, zone: Self.london, keepGoing: true)
        } throws: { error in
            (error as? RecordProblem)?.description
                == "x.csv:1: Begin: no such column for arrival; the header has 'Start', 'Queue', 'Wait', 'Result'"
        }
        #expect(throws: RecordProblem.self) { try CSVRecords.ColumnMap(options: ["arrival=Start"]) }
        #expect(throws: RecordProblem.self) { try CSVRecords.ColumnMap(options: ["arrival=Start,queue=Q,colour=C"]) }
    }
}
