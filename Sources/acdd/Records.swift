import ACDStore
import ArgumentParser
import CallRecords
import Foundation

/// `acdd records`: a centre's own call records into the `calls` schema (docs/records.md).
struct Records: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A centre's own call records: import them into the calls schema.",
        subcommands: [Import.self])

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case asteriskQueueLog = "asterisk-queue-log"
        case connectCTR = "connect-ctr"
        case csv
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a call-records file as rows of the calls table (docs/records.md).",
            discussion: """
                Each call becomes one row of the same `calls` table that `acdd serve` and `acdd simulate --records` \
                write, in a run of mode `import`, so one query compares a real day, a live day and a simulated day. \
                Times are seconds from the origin: midnight, in --timezone, of the day of the first call.

                A bad line is reported as FILE:LINE: FIELD: what is wrong, and nothing is written; with \
                --keep-going the rest are imported and the skipped lines are counted by reason. The import is one \
                transaction: it is written whole or not at all.

                Formats: asterisk-queue-log (Asterisk's app_queue queue_log), and csv: a CSV or TSV export with a \
                header row, read by a column map (--map FIELD=COLUMN, fields: id, arrival, date, queue_entry, \
                answered, ended, ivr, wait, talk, queue, entry, agent, outcome, skip; docs/records.md). connect-ctr \
                is not built yet.

                Examples:
                  acdd records import /var/log/asterisk/queue_log --db records.db --timezone Europe/London
                  acdd records import calls.csv --format csv --db records.db --timezone Europe/London \
                    --map 'date=Date:dd/MM/yyyy,arrival=Start,queue=Queue,wait=Wait,talk=Talk,agent=Agent' \
                    --map 'outcome=Result:AGENT=answered,HANG=abandoned' --map 'skip=Type:TEST'
                """)

        @Argument(help: ArgumentHelp("The records file.", valueName: "file"))
        var file: String

        @Option(help: "The file's format: asterisk-queue-log, connect-ctr or csv.")
        var format: Format = .asteriskQueueLog

        @Option(help: ArgumentHelp("The SQLite file to add the run to (made if missing).", valueName: "path"))
        var db: String

        @Option(help: ArgumentHelp("The centre's time zone: the origin is midnight there.", valueName: "zone"))
        var timezone = "UTC"

        @Option(
            help: ArgumentHelp(
                "With --format csv: which column holds what (FIELD=COLUMN, several per option by commas; repeatable).",
                valueName: "map"))
        var map: [String] = []

        @Option(help: "With --format csv: the field separator (default: tab or ; if the header has them and no comma).")
        var delimiter: String?

        @Flag(help: "Import the good lines and count the bad ones, rather than stopping at the first.")
        var keepGoing = false

        func run() throws {
            guard format != .connectCTR else {
                FileHandle.standardError.write(
                    Data("error: --format \(format.rawValue) is not built yet; asterisk-queue-log and csv are\n".utf8))
                throw ExitCode(2)
            }
            guard let zone = TimeZone(identifier: timezone) else {
                FileHandle.standardError.write(Data("error: --timezone '\(timezone)' is not a time zone (e.g. Europe/London)\n".utf8))
                throw ExitCode(2)
            }
            let started = Date()
            let read: RecordImport
            do {
                switch format {
                case .csv:
                    guard !map.isEmpty else {
                        FileHandle.standardError.write(
                            Data("error: --format csv needs --map: at least arrival=COLUMN and queue=COLUMN\n".utf8))
                        throw ExitCode(2)
                    }
                    guard delimiter == nil || delimiter!.count == 1 || delimiter == "\\t" else {
                        FileHandle.standardError.write(Data("error: --delimiter is one character (or \\t)\n".utf8))
                        throw ExitCode(2)
                    }
                    let separator: Character? = delimiter.map { $0 == "\\t" ? "\t" : Character($0) }
                    read = try CSVRecords.read(
                        path: file, map: try CSVRecords.ColumnMap(options: map), zone: zone, delimiter: separator,
                        keepGoing: keepGoing)
                default:
                    read = try QueueLog.read(path: file, keepGoing: keepGoing)
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\nnothing was imported (--keep-going imports the good lines)\n".utf8))
                throw ExitCode(2)
            }
            guard let first = read.calls.map(\.arrival).min() else {
                FileHandle.standardError.write(Data("error: \(file): no call in \(read.lines) lines\n".utf8))
                throw ExitCode(2)
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let origin = calendar.startOfDay(for: Date(timeIntervalSince1970: first)).timeIntervalSince1970
            let originText = ISO8601DateFormatter.string(
                from: Date(timeIntervalSince1970: origin), timeZone: zone,
                formatOptions: [.withInternetDateTime])
            let run: Int
            do {
                run = try RunStore(path: db).storeImport(
                    name: (file as NSString).lastPathComponent, file: file,
                    channel: format == .csv ? "csv" : "asterisk",
                    parameters: [
                        "format": format.rawValue, "origin": originText, "timezone": timezone,
                        "lines": String(read.lines), "skipped": String(read.problems.count),
                    ], calls: read.calls, origin: origin)
            } catch {
                FileHandle.standardError.write(Data("error: \(db): \(error)\n".utf8))
                throw ExitCode(1)
            }
            let outcomes = Dictionary(grouping: read.calls, by: \.outcome).mapValues(\.count)
            print("imported \(read.calls.count) calls from \(read.lines) lines of \(file) as run \(run) in \(db) "
                  + "(origin \(originText), \(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
            print("outcomes: " + outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            if read.agentEvents > 0 { print("agent events read (not imported yet): \(read.agentEvents)") }
            if read.unfinished > 0 { print("calls still in a queue when the file ends (not imported): \(read.unfinished)") }
            if !read.unknownEvents.isEmpty {
                print((format == .csv ? "rows not imported: " : "events not known (skipped): ")
                    + read.unknownEvents.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if !read.problems.isEmpty {
                print("lines skipped: \(read.problems.count)")
                let reasons = Dictionary(grouping: read.problems) { "\($0.field): " + Self.reason($0.message) }
                for (reason, list) in reasons.sorted(by: { $0.value.count > $1.value.count }) {
                    print("  \(list.count) × \(reason) (first: line \(list[0].line))")
                }
            }
        }

        /// A problem's message without the call's id and the value, to count alike ones together.
        static func reason(_ message: String) -> String {
            message.replacingOccurrences(of: #"call \S+"#, with: "call …", options: .regularExpression)
                .replacingOccurrences(of: #"'[^']*'"#, with: "'…'", options: .regularExpression)
        }
    }
}
