import CallRecords
import Testing

/// Asterisk's queue_log read into calls, each field checked against the lines written here by hand in Asterisk's own
/// layout (docs.asterisk.org, "Queue Logs").
@Suite struct QueueLogTests {
    static let log = """
        1700000000|NONE|NONE|NONE|QUEUESTART|
        1700000100|NONE|ctax|PJSIP/201|ADDMEMBER|
        1700003600.25|1700003600.1|NONE|NONE|DID|01132224444
        1700003601|1700003600.1|ctax|NONE|ENTERQUEUE||01130000001|1
        1700003610|1700003600.1|ctax|PJSIP/202|RINGNOANSWER|15000
        1700003631|1700003600.1|ctax|PJSIP/201|CONNECT|30|1700003631.5|2
        1700003751|1700003600.1|ctax|PJSIP/201|COMPLETECALLER|30|120|1
        1700003700|1700003700.2|ctax|NONE|ENTERQUEUE||01130000002|1
        1700003745|1700003700.2|ctax|NONE|ABANDON|1|1|45
        1700003800|1700003800.3|housing|NONE|ENTERQUEUE||01130000003|1
        1700003900|1700003800.3|housing|NONE|EXITWITHKEY|0|1|1|100
        1700003905|1700003800.3|ctax|NONE|ENTERQUEUE||01130000003|1
        1700003910|1700003800.3|ctax|PJSIP/201|CONNECT|5|1700003910.5|1
        1700004010|1700003800.3|ctax|PJSIP/201|TRANSFER|2000|internal|5|100|1
        1700004100|1700004100.4|housing|NONE|ENTERQUEUE||01130000004|1
        1700004400|1700004100.4|housing|NONE|EXITWITHTIMEOUT|1|1|300
        1700004500|1700004500.5|housing|NONE|JOINEMPTY|1|1|1
        1700004600|1700004600.6|ctax|NONE|ENTERQUEUE||01130000006|1
        1700004601|NONE|ctax|PJSIP/201|PAUSE|lunch
        1700004602|1700004602.7|ctax|NONE|SOMETHINGNEW|x
        """

    @Test func callsAsAsteriskWroteThem() throws {
        let read = try QueueLog.parse(Self.log, file: "queue_log", keepGoing: false)
        #expect(read.lines == 20)
        #expect(read.problems.isEmpty)
        #expect(read.agentEvents == 3)
        #expect(read.unknownEvents == ["SOMETHINGNEW": 1])
        #expect(read.unfinished == 1)
        let calls = read.calls
        // In the order of the lines that end them (the importer sorts by arrival when it writes).
        #expect(calls.map(\.outcome) == ["answered", "abandoned", "keyed-out", "answered", "timed-out", "blocked"])
        func call(_ source: String, _ queue: String) throws -> ImportedCall {
            try #require(calls.first { $0.source == source && $0.queue == queue })
        }
        let answered = try call("1700003600.1", "ctax")
        #expect(answered.entry == "01132224444")
        #expect(answered.arrival == 1_700_003_600.25)
        #expect(answered.queueEntry == 1_700_003_601)
        #expect(answered.endOfWait == 1_700_003_631)
        #expect(answered.talkEnd == 1_700_003_751)
        #expect(answered.agent == "PJSIP/201")
        #expect(answered.agentsTried == ["PJSIP/202"])
        #expect(answered.firstQueue == nil)
        let abandoned = try call("1700003700.2", "ctax")
        #expect(abandoned.arrival == 1_700_003_700 && abandoned.endOfWait == 1_700_003_745)
        #expect(abandoned.agent == nil && abandoned.talkEnd == nil && abandoned.entry == nil)
        // One uniqueid in two queues: keyed out of housing, then answered in ctax (first queue housing).
        let keyed = try call("1700003800.3", "housing")
        #expect(keyed.outcome == "keyed-out" && keyed.endOfWait == 1_700_003_900)
        let moved = try call("1700003800.3", "ctax")
        #expect(moved.firstQueue == "housing")
        #expect(moved.arrival == 1_700_003_905 && moved.endOfWait == 1_700_003_910)
        #expect(moved.talkEnd == 1_700_004_010)
        let timedOut = try call("1700004100.4", "housing")
        #expect(timedOut.endOfWait - timedOut.queueEntry == 300)
        let blocked = try call("1700004500.5", "housing")
        #expect(blocked.arrival == 1_700_004_500 && blocked.endOfWait == 1_700_004_500)
    }

    @Test(arguments: [
        ("1700000000|x|q|NONE", "queue_log:1: line: has 4 fields"),
        ("17000x0000|x|q|NONE|ENTERQUEUE", "queue_log:1: time: '17000x0000' is not a time"),
        ("1700000000|x|q|PJSIP/1|CONNECT|3", "queue_log:1: callid: CONNECT for call x, which is in no queue"),
        ("1700000000|x|q|NONE|ENTERQUEUE\n1700000009|x|q|PJSIP/1|CONNECT|soon",
         "queue_log:2: data1: CONNECT needs the hold time in seconds; it has 'soon'"),
        ("1700000000|x|q|NONE|ENTERQUEUE\n1700000009|x|q|NONE|COMPLETECALLER|3|4|1",
         "queue_log:2: callid: COMPLETECALLER for call x, which no agent answered"),
    ])
    func badLinesAreLocated(_ text: String, _ expected: String) {
        #expect {
            _ = try QueueLog.parse(text, file: "queue_log", keepGoing: false)
        } throws: { error in
            "\(error)".hasPrefix(expected)
        }
    }

    @Test func keepGoingCountsTheBadLines() throws {
        let text = Self.log + "\nnot a line\n1700005000|y|ctax|PJSIP/9|CONNECT|1\n"
        let read = try QueueLog.parse(text, file: "queue_log", keepGoing: true)
        #expect(read.calls.count == 6)
        #expect(read.problems.map(\.line) == [21, 22])
        #expect(read.problems.map(\.field) == ["line", "callid"])
    }
}
