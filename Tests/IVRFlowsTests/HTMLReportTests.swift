import ACDCore
import ACDReports
import Foundation
import IVRFlows
import Testing

@Suite("HTML report")
struct HTMLReportTests {
    @Test("one self-contained page: a chart per queue and figure, nothing fetched from elsewhere")
    func selfContained() throws {
        let scenario = try Scenario.load(path: repositoryRoot.appendingPathComponent("examples/ivr/scenario.yaml").path)
        let summary = ReplicationRunner(model: scenario.model, seed: 1, threads: 2).summarize(replications: 3)
        let html = HTMLReport(report: SimulationReport(scenario: scenario, summary: summary, seed: 1)).render()
        #expect(html.hasPrefix("<!doctype html>"))
        // Per queue: ASA, abandonment, calls waiting, waiting-time distribution; then the staffing chart.
        #expect(html.components(separatedBy: "<svg ").count - 1 == 4 * scenario.model.queues.count + 1)
        #expect(html.contains("target 180"))
        #expect(html.contains("<h2>IVR and EVR flows</h2>"))
        // Self-contained: no scripts, no links or sources, no URL but the SVG namespace.
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src="))
        let urls = html.components(separatedBy: "http").count - 1
        #expect(urls == html.components(separatedBy: "http://www.w3.org/2000/svg").count - 1)
    }

    /// examples/ivr opens Monday to Friday 08:00-18:00 (Friday 6 March is a holiday): its queues are offered nothing
    /// at other times, whatever the flows' totals, so nobody is needed then; a Monday morning needs agents.
    @Test("agents needed come from each interval's own offered calls")
    func neededFromEachIntervalsLoad() throws {
        let scenario = try Scenario.load(path: repositoryRoot.appendingPathComponent("examples/ivr/scenario.yaml").path)
        let summary = ReplicationRunner(model: scenario.model, seed: 1, threads: 2).summarize(replications: 3)
        let report = HTMLReport(report: SimulationReport(scenario: scenario, summary: summary, seed: 1))
        let perDay = 48
        #expect(report.agentsNeeded(interval: 20) > 5)  // Monday 10:00
        for day in [4, 5, 6] {  // the holiday, Saturday, Sunday
            for i in day * perDay..<(day + 1) * perDay {
                #expect(report.agentsNeeded(interval: i) == 0, "interval \(i)")
            }
        }
        for i in 0..<16 { #expect(report.agentsNeeded(interval: i) == 0) }  // Monday before 08:00
    }
}

/// A period longer than two weeks is drawn day by day, with weeks, a monthly table and typical days.
@Suite("HTML report over a long period")
struct HTMLLongPeriodTests {
    @Test(
        "60 days from 2020-01-27: daily charts with month ticks, a table per month, a typical day per weekday and month"
    )
    func daily() throws {
        let text = """
            name: two months
            interval: 1h
            period: { start: 2020-01-27, days: 60 }
            queues:
              - name: q
                arrivals: { daily: { mon: 200, tue: 200, wed: 200, thu: 200, fri: 200 }, shape: [0,0,0,0,0,0,0,0,1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,0] }
                handle_time: { exponential: 4m }
                patience: { exponential: 5m }
                targets: { asa: 60s, abandonment: 5% }
            groups:
              - { name: g, skills: [q], agents: { shifts: [{ days: mon-fri, from: "08:00", to: "18:00", agents: 7 }] } }
            """
        let scenario = try Scenario.parse(text)
        let summary = ReplicationRunner(model: scenario.model, seed: 2, threads: 2).summarize(replications: 2)
        let html = HTMLReport(report: SimulationReport(scenario: scenario, summary: summary, seed: 2)).render()
        #expect(html.contains("2020-01-27 to 2020-03-26, 60 days"))
        #expect(html.contains("<h2>Day by day</h2>") && !html.contains("Interval by interval"))
        // Month ticks, the year under the first.
        #expect(html.contains(">Jan</text>") && html.contains(">2020</text>") && html.contains(">Feb</text>"))
        #expect(html.contains(">Mar</text>"))
        // The monthly table: January (5 days), February, March (26 days), each against both targets.
        #expect(html.contains("<td>q</td><td>2020-01</td>") && html.contains("<td>2020-03</td>"))
        #expect(html.components(separatedBy: "<td>q</td><td>20").count - 1 == 3)
        // A typical day for each weekday and each month.
        for weekday in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
            #expect(html.contains("<figcaption>\(weekday) ("))
        }
        #expect(html.contains("<figcaption>2020-02 (29 days)</figcaption>"))
        // Weekend days have nothing offered: ASA leaves a gap (two runs a week), not a zero.
        #expect(html.contains("ASA, day") && html.contains("ASA, week"))
        #expect(html.utf8.count < 400_000)
    }

    @Test("without dates, a long period is cut into days and 4-week blocks, labelled as such")
    func undated() throws {
        let text = """
            interval: 1h
            period: { days: 30 }
            queues:
              - { name: q, arrivals: 10/h, handle_time: { exponential: 4m }, targets: { asa: 60s } }
            groups:
              - { name: g, skills: [q], agents: 2 }
            """
        let scenario = try Scenario.parse(text)
        let summary = ReplicationRunner(model: scenario.model, seed: 2, threads: 2).summarize(replications: 2)
        let html = HTMLReport(report: SimulationReport(scenario: scenario, summary: summary, seed: 2)).render()
        #expect(html.contains("day 1 to day 30, 30 days"))
        #expect(html.contains(">weeks 1-4</text>") && html.contains(">weeks 5-8</text>"))
        #expect(html.contains("<td>q</td><td>weeks 1-4</td>") && !html.contains(">Apr"))
    }
}
