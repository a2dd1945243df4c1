import ACDCore
import Foundation
import Hummingbird
import IVRFlows
import Logging
import NIOCore
import NIOFoundationCompat

extension Daemon {
    func addQueueRoutes(to router: RouterGroup<DaemonContext>) {
        router.get("queues") { request, _ in
            guard let text = request.uri.queryParameters.get("day") else { return await self.queuesView() }
            guard let d = Int(text), d >= 0, let view = await self.queuesView(day: d) else {
                throw Problem(
                    .unprocessableContent, code: "bad-value",
                    "day is an engine day number that is kept (today's, or "
                        + "one of the last 31)", field: "day")
            }
            return view
        }
        router.get("queues/:name/intervals") { request, context in
            try await self.intervals(request, queue: context.parameters.get("name") ?? "")
        }
        router.get("flows") { _, _ in self.flowsView() }
        router.post("reload") { request, context in
            _ = try await request.decodeBody(EmptyBody.self, context: context)
            return try await self.reload()
        }
    }

    func queuesView() async -> QueuesView { view(of: await engine.snapshot()) }

    /// Day `d`'s figures (engine day number) with the queues' state now.
    func queuesView(day d: Int) async -> QueuesView? { await engine.snapshot(day: d).map(view) }

    private func view(of s: LiveSnapshot) -> QueuesView {
        return QueuesView(
            time: s.time, day: s.day, weekday: Weekday.label(scenario.startWeekday + s.day), clock: clockLabel(s.time),
            queues: s.queues, entries: s.entries, recordsDropped: s.recordsDropped)
    }

    /// The daemon's day `d` as a date: day 0 is the day it started on.
    func date(ofDay d: Int) -> String {
        let started = Calendar(identifier: .gregorian).startOfDay(for: startDate)
        let date = started.addingTimeInterval(Double(d - startDay) * 86400 + 43200)
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = .current
        return f.string(from: date)
    }

    private func intervals(_ request: Request, queue name: String) async throws -> IntervalsView {
        guard let q = names.queues[name] else {
            throw Problem(
                .notFound, code: "unknown-queue",
                "no queue '\(name)'; queues: \(model.queues.map(\.name).joined(separator: ", "))")
        }
        let today = await engine.day
        var d = today
        if let text = request.uri.queryParameters.get("date") {
            let known = (0...today).map { ($0, date(ofDay: $0)) }
            guard let match = known.first(where: { $0.1 == String(text) }) else {
                throw Problem(
                    .unprocessableContent, code: "bad-value",
                    "date is YYYY-MM-DD between \(date(ofDay: max(0, today - 31))) and \(date(ofDay: today))",
                    field: "date")
            }
            d = match.0
        }
        guard let day = await engine.day(d) else {
            throw Problem(.notFound, code: "day-not-kept", "day \(date(ofDay: d)) is no longer kept (31 days are)")
        }
        let length = model.intervalLength
        let queue = model.queues[q.index]
        let rows = day.queues[q.index].enumerated().map { i, tally in
            let m = QueueMetrics(tally: tally, definitions: model.definitions)
            return IntervalView(
                interval: i, start: clockLabel(Double(i) * length), offered: tally.offered, answered: tally.answered,
                abandoned: tally.abandoned, blocked: tally.blocked, asa: m.asa.isFinite ? m.asa : 0,
                abandonment: m.abandonment.isFinite ? m.abandonment : 0,
                serviceLevel: m.serviceLevel.isFinite ? m.serviceLevel : 0)
        }
        return IntervalsView(queue: queue.name, day: d, date: date(ofDay: d), intervals: rows)
    }

    func flowsView() -> FlowsView {
        let scenario = scenario
        return FlowsView(
            scenario: scenario.name, file: scenario.file, flows: scenario.model.flows.map(\.name),
            entries: scenario.model.entries.map(\.name), checks: checks.map(FlowCheckView.init), reloads: reloads)
    }
}

/// `POST /v1/reload` and SIGHUP: the answer.
package struct ReloadView: Codable, Sendable, ResponseEncodable {
    var applied: Bool
    var reloads: Int
    var checks: [FlowCheckView]
    var message: String
}

extension Daemon {
    /// Reads and checks the scenario and its flows again. A set with errors is refused (422, with the checker's
    /// located errors) and the old one keeps serving; a good one is applied to new calls, while calls in progress
    /// finish on the flows they started on.
    package func reload() async throws -> ReloadView {
        let path = configuration.scenarioPath
        let checks = FlowChecker.check(path: path)
        let errors = checks.filter { $0.severity == .error }
        let scenario: Scenario
        do {
            guard errors.isEmpty else { throw errors[0].location }
            scenario = try Scenario.load(path: path)
        } catch let error as InputError {
            let list = errors.isEmpty ? [FlowProblem(severity: .error, location: error)] : errors
            logger.error("reload refused; the old flows keep serving", metadata: ["first": "\(list[0])"])
            throw ReloadRefused(checks: list.map(FlowCheckView.init))
        }
        do {
            try await engine.reload(model: scenario.model)
        } catch {
            throw Problem(.conflict, code: "reload-refused", error.message)
        }
        let count = recordReload(scenario: scenario, checks: checks)
        logger.info("reloaded", metadata: ["reloads": "\(count)"])
        return ReloadView(
            applied: true, reloads: count, checks: checks.map(FlowCheckView.init),
            message: "new calls take the reloaded flows; calls in progress finish on the flows they started on")
    }
}

/// A refused reload: 422 with every error the checker found.
struct ReloadRefused: Error, HTTPResponseError {
    var checks: [FlowCheckView]
    var status: HTTPResponse.Status { .unprocessableContent }

    struct Body: Encodable {
        var type = "urn:acdd:problem:reload-refused"
        var title = "Unprocessable Content"
        var status = 422
        var code = "reload-refused"
        var detail: String
        var field: String?
        var checks: [FlowCheckView]
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let first = checks.first.map { "\($0.file):\($0.line):\($0.column): \($0.field): \($0.message)" } ?? ""
        let body = Body(
            detail: "the flows have \(checks.count) error(s); the old ones keep serving. First: \(first)",
            field: checks.first?.field, checks: checks)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: status, headers: [.contentType: "application/problem+json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: try encoder.encode(body))))
    }
}
