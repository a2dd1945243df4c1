import Foundation

/// A centre's own call, read from its records: the same fields as a `calls` row (docs/database.md), with times in
/// seconds since 1970 (UTC). The importer turns them into seconds from the import's origin.
package struct ImportedCall: Sendable, Equatable {
    /// The call's id in the source (Asterisk's uniqueid).
    package var source: String
    package var entry: String?
    package var queue: String
    /// The queue the caller was first in, when they moved between queues (set when it differs from `queue`).
    package var firstQueue: String?
    package var agent: String?
    package var arrival: Double
    package var queueEntry: Double
    /// Answered, or left the queue.
    package var endOfWait: Double
    package var talkEnd: Double?
    /// `answered`, `abandoned`, `timed-out` (the queue's time limit put the caller out), `keyed-out` (the caller
    /// pressed a key to leave), `blocked` (no agent to queue for).
    package var outcome: String
    /// Agents whose phones rang with the call unanswered, in order.
    package var agentsTried: [String]

    package init(
        source: String, entry: String?, queue: String, firstQueue: String?, agent: String?, arrival: Double,
        queueEntry: Double, endOfWait: Double, talkEnd: Double?, outcome: String, agentsTried: [String]
    ) {
        (self.source, self.entry, self.queue, self.firstQueue, self.agent) = (source, entry, queue, firstQueue, agent)
        (self.arrival, self.queueEntry, self.endOfWait, self.talkEnd) = (arrival, queueEntry, endOfWait, talkEnd)
        (self.outcome, self.agentsTried) = (outcome, agentsTried)
    }
}

/// What went wrong on one line of a source file, located as `file:line: field: message`.
package struct RecordProblem: Error, Sendable, Equatable, CustomStringConvertible {
    package var file: String
    package var line: Int
    package var field: String
    package var message: String
    package var description: String { "\(file):\(line): \(field): \(message)" }
}

/// What an import read: the calls, the lines it skipped (each a located problem; the import fails on the first
/// unless `keepGoing`), the events it knows but does not need, the ones it does not know, and the calls still in
/// a queue when the file ends (not imported).
package struct RecordImport: Sendable {
    package var calls: [ImportedCall] = []
    package var lines = 0
    package var problems: [RecordProblem] = []
    package var agentEvents = 0
    package var unknownEvents: [String: Int] = [:]
    package var unfinished = 0
}

/// Asterisk's `queue_log` (app_queue), as Asterisk writes it: `time|callid|queue|agent|event|data1|...`, the time in
/// seconds since 1970 (an integer or with a fraction), one call's events under its uniqueid
/// (https://docs.asterisk.org/Operation/Logging/Queue-Logs/). Each ENTERQUEUE begins a call in a queue, and it ends
/// with the first of:
///
/// | event | outcome | end of wait | talk end |
/// |---|---|---|---|
/// | CONNECT, then COMPLETECALLER, COMPLETEAGENT, TRANSFER, BLINDTRANSFER or ATTENDEDTRANSFER | answered | the CONNECT | the completing event |
/// | ABANDON | abandoned | the event | |
/// | EXITWITHTIMEOUT | timed-out | the event | |
/// | EXITWITHKEY | keyed-out | the event | |
/// | EXITEMPTY | blocked | the event | |
/// | JOINEMPTY, JOINUNAVAIL (no ENTERQUEUE) | blocked | the event | |
///
/// A DID event before the ENTERQUEUE names the number dialled (the entry) and its time is the arrival; without one
/// the arrival is the ENTERQUEUE. RINGNOANSWER names an agent tried. A caller who enters another queue after
/// leaving one (a transfer to a queue) is a second call with `firstQueue` set. Agent events (ADDMEMBER,
/// REMOVEMEMBER, PAUSE, UNPAUSE, AGENTLOGIN, ...) and QUEUESTART, CONFIGRELOAD are counted and kept for agent
/// hours (not yet imported); events it does not know are counted by name.
package enum QueueLog {
    static let agentEvents: Set<String> = [
        "ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL", "AGENTLOGIN", "AGENTLOGOFF",
        "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF", "QUEUESTART", "CONFIGRELOAD", "PENALTY", "SYSCOMPAT",
        "AGENTDUMP",
    ]

    struct Open {
        var entry: String?
        var arrival: Double?
        var queue: String?
        var queueEntry = 0.0
        var connected: Double?
        var agent: String?
        var tried: [String] = []
        var firstQueue: String?
    }

    /// Reads a file a block at a time (a 10-million-line log is not held in memory whole).
    package static func read(path: String, keepGoing: Bool) throws(RecordProblem) -> RecordImport {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RecordProblem(file: path, line: 0, field: "file", message: "cannot be read")
        }
        defer { try? handle.close() }
        var parser = Parser(file: path, keepGoing: keepGoing)
        var pending: [UInt8] = []
        while true {
            let block: Data
            do {
                block = try handle.read(upToCount: 1 << 22) ?? Data()
            } catch {
                throw RecordProblem(file: path, line: parser.lineNumber, field: "file", message: "\(error)")
            }
            if block.isEmpty { break }
            pending.append(contentsOf: block)
            var start = 0
            while let end = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                try parser.consume(String(decoding: pending[start..<end], as: UTF8.self)[...])
                start = end + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { try parser.consume(String(decoding: pending, as: UTF8.self)[...]) }
        return parser.finish()
    }

    /// Reads the text of a queue_log. Without `keepGoing` the first bad line is thrown.
    package static func parse(_ text: String, file: String, keepGoing: Bool) throws(RecordProblem) -> RecordImport {
        var parser = Parser(file: file, keepGoing: keepGoing)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { try parser.consume(line) }
        return parser.finish()
    }

    struct Parser {
        let file: String
        let keepGoing: Bool
        var result = RecordImport()
        var open: [String: Open] = [:]
        var lineNumber = 0

        init(file: String, keepGoing: Bool) {
            self.file = file
            self.keepGoing = keepGoing
        }

        mutating func finish() -> RecordImport {
            result.unfinished = open.values.filter { $0.queue != nil }.count
            return result
        }

        /// One line (without its newline).
        mutating func consume(_ rawLine: Substring) throws(RecordProblem) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty { return }
            result.lines += 1
            let (file, keepGoing, lineNumber) = (self.file, self.keepGoing, self.lineNumber)
            var problems: [RecordProblem] = []
            defer { result.problems += problems }
            func problem(_ field: String, _ message: String) throws(RecordProblem) {
                let p = RecordProblem(file: file, line: lineNumber, field: field, message: message)
                guard keepGoing else { throw p }
                problems.append(p)
            }
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            guard fields.count >= 5 else {
                try problem("line", "has \(fields.count) fields; a queue_log line has time|callid|queue|agent|event|data...")
                return
            }
            guard let time = Double(fields[0]), time.isFinite, time >= 0 else {
                try problem("time", "'\(fields[0].prefix(40))' is not a time in seconds since 1970")
                return
            }
            let callID = String(fields[1]), queue = String(fields[2]), agent = String(fields[3]), event = String(fields[4])
            let data = Array(fields.dropFirst(5))
            func number(_ i: Int, _ name: String) throws(RecordProblem) -> Double? {
                guard i < data.count, let value = Double(data[i]), value >= 0 else {
                    try problem("data\(i + 1)", "\(event) needs \(name) in seconds; it has '\(i < data.count ? data[i].prefix(40) : "")'")
                    return nil
                }
                return value
            }
            if agentEvents.contains(event) {
                result.agentEvents += 1
                return
            }
            switch event {
            case "DID":
                var call = open[callID] ?? Open()
                call.entry = data.first.map(String.init)
                call.arrival = call.arrival ?? time
                open[callID] = call
            case "ENTERQUEUE":
                var call = open[callID] ?? Open()
                if call.queue != nil {
                    try problem("event", "ENTERQUEUE for call \(callID) while it is still in queue \(call.queue!)")
                    return
                }
                call.queue = queue
                call.queueEntry = time
                call.arrival = call.arrival ?? time
                call.connected = nil
                call.agent = nil
                call.tried = []
                open[callID] = call
            case "RINGNOANSWER", "RINGCANCELED":
                guard var call = open[callID], call.queue != nil else {
                    try problem("callid", "\(event) for call \(callID), which is in no queue")
                    return
                }
                if !agent.isEmpty, agent != "NONE" { call.tried.append(agent) }
                open[callID] = call
            case "CONNECT":
                guard var call = open[callID], call.queue != nil else {
                    try problem("callid", "CONNECT for call \(callID), which is in no queue (no ENTERQUEUE before it)")
                    return
                }
                guard (try number(0, "the hold time")) != nil else { return }
                call.connected = time
                call.agent = agent
                open[callID] = call
            case "COMPLETECALLER", "COMPLETEAGENT", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER":
                guard let call = open[callID], let inQueue = call.queue, let connected = call.connected else {
                    try problem("callid", "\(event) for call \(callID), which no agent answered (no CONNECT before it)")
                    return
                }
                result.calls.append(QueueLog.finish(call, callID, inQueue, outcome: "answered", waitEnd: connected, talkEnd: time))
                open[callID] = QueueLog.leftQueue(call, inQueue)
            case "ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY":
                guard let call = open[callID], let inQueue = call.queue else {
                    try problem("callid", "\(event) for call \(callID), which is in no queue")
                    return
                }
                if call.connected != nil {
                    try problem("event", "\(event) for call \(callID) after an agent answered it")
                    return
                }
                let outcome =
                    switch event {
                    case "ABANDON": "abandoned"
                    case "EXITWITHTIMEOUT": "timed-out"
                    case "EXITWITHKEY": "keyed-out"
                    default: "blocked"
                    }
                result.calls.append(QueueLog.finish(call, callID, inQueue, outcome: outcome, waitEnd: time, talkEnd: nil))
                open[callID] = QueueLog.leftQueue(call, inQueue)
            case "JOINEMPTY", "JOINUNAVAIL":
                var call = open[callID] ?? Open()
                call.arrival = call.arrival ?? time
                call.queueEntry = time
                result.calls.append(QueueLog.finish(call, callID, queue, outcome: "blocked", waitEnd: time, talkEnd: nil))
                open[callID] = QueueLog.leftQueue(call, queue)
            default:
                result.unknownEvents[event, default: 0] += 1
            }
        }
    }

    static func finish(
        _ call: Open, _ callID: String, _ queue: String, outcome: String, waitEnd: Double, talkEnd: Double?
    ) -> ImportedCall {
        ImportedCall(
            source: callID, entry: call.entry, queue: queue,
            firstQueue: call.firstQueue.flatMap { $0 == queue ? nil : $0 }, agent: talkEnd == nil ? nil : call.agent,
            arrival: call.arrival ?? call.queueEntry, queueEntry: call.queueEntry, endOfWait: waitEnd,
            talkEnd: talkEnd, outcome: outcome, agentsTried: call.tried)
    }

    /// After a call leaves a queue its uniqueid may enter another: that is a new call, which keeps the first queue.
    static func leftQueue(_ call: Open, _ queue: String) -> Open {
        var next = Open()
        next.entry = call.entry
        next.firstQueue = call.firstQueue ?? queue
        return next
    }
}
