import ACDCore
import Hummingbird

/// `POST /v1/calls`.
struct PlaceCallBody: RequestBody {
    static let fields: Set<String> = ["entry", "queue", "intent", "caller", "priority"]
    var entry: String?
    var queue: String?
    /// A caller type of the model; drawn from the entry's mix when absent.
    var intent: String?
    /// `external` (the default: the client sends its keys and hang-up) or `modelled` (the caller model decides).
    var caller: String?
    var priority: Int?
}

/// `POST /v1/calls/{id}/input`: exactly one of them.
struct InputBody: RequestBody {
    static let fields: Set<String> = ["digits", "phrase", "silence"]
    var digits: String?
    var phrase: String?
    var silence: Bool?
}

struct EmptyBody: RequestBody {
    static let fields: Set<String> = []
}

extension Daemon {
    func addCallRoutes(to router: RouterGroup<DaemonContext>) {
        router.post("calls") { request, context in try await self.placeCall(request, context) }
        router.get("calls") { request, _ in try await self.listCalls(request) }
        router.get("calls/:id") { _, context in try await self.call(try Self.callID(context)) }
        router.post("calls/:id/input") { request, context in
            let body = try await request.decodeBody(InputBody.self, context: context)
            return try await self.input(body, call: try Self.callID(context))
        }
        router.post("calls/:id/hangup") { request, context in
            _ = try await request.decodeBody(EmptyBody.self, context: context)
            let id = try Self.callID(context)
            do {
                try await self.engine.hangUp(call: id)
            } catch let error as LiveError {
                throw Problem(error)
            }
            return try await self.call(id)
        }
    }

    static func callID(_ context: DaemonContext) throws -> CallID {
        guard let text = context.parameters.get("id"), let raw = UInt64(text) else {
            throw Problem(.notFound, code: "unknown-call", "a call id is a whole number", field: "id")
        }
        return CallID(rawValue: raw)
    }

    private func placeCall(_ request: Request, _ context: DaemonContext) async throws -> EditedResponse<CallView> {
        let body = try await request.decodeBody(PlaceCallBody.self, context: context)
        let callRequest = try callRequest(body)
        if stopping {
            throw Problem(.serviceUnavailable, code: "shutting-down", "the daemon is stopping", retryAfter: 1)
        }
        do {
            let (id, location) = try await engine.place(
                callRequest, reserve: 1024, maxCalls: configuration.maxCalls)
            let view = CallView(id: id, location: location, model: model) { _ in "" }
            return EditedResponse(status: .created, headers: [.location: "/v1/calls/\(id.rawValue)"], response: view)
        } catch {
            throw Problem(error)
        }
    }

    private func callRequest(_ body: PlaceCallBody) throws -> CallRequest {
        let target: CallRequest.Target
        switch (body.entry, body.queue) {
        case (let entry?, nil):
            guard let e = names.entries[entry] else {
                throw Problem(
                    .unprocessableContent, code: "unknown-entry",
                    "no entry '\(entry)'; entries: \(model.entries.map(\.name).joined(separator: ", "))",
                    field: "entry")
            }
            target = .entry(e)
        case (nil, let queue?):
            guard let q = names.queues[queue] else {
                throw Problem(
                    .unprocessableContent, code: "unknown-queue",
                    "no queue '\(queue)'; queues: \(model.queues.map(\.name).joined(separator: ", "))", field: "queue")
            }
            target = .queue(q)
        default:
            throw Problem(
                .unprocessableContent, code: "bad-value", "give exactly one of 'entry' and 'queue'", field: "entry")
        }
        var intent: Int?
        if let name = body.intent {
            guard let k = names.intents[name] else {
                throw Problem(
                    .unprocessableContent, code: "unknown-intent",
                    "no caller type '\(name)'; the model has \(model.intents.joined(separator: ", "))", field: "intent")
            }
            intent = k
        }
        guard let caller = CallerKind(rawValue: body.caller ?? "external"), caller != .telephone else {
            throw Problem(
                .unprocessableContent, code: "bad-value", "caller is 'external' or 'modelled'", field: "caller")
        }
        let priority = body.priority ?? 0
        guard (0...9).contains(priority) else {
            throw Problem(.unprocessableContent, code: "bad-value", "priority is 0 to 9", field: "priority")
        }
        return CallRequest(target: target, intent: intent, caller: caller, priority: priority)
    }

    private func input(_ body: InputBody, call: CallID) async throws -> CallView {
        let given = [
            body.digits.map { CallerInput.key($0) }, body.phrase.map { .phrase($0) },
            body.silence == true ? CallerInput.silence : nil,
        ].compactMap { $0 }
        guard given.count == 1, let input = given.first else {
            throw Problem(
                .unprocessableContent, code: "bad-value", "give exactly one of 'digits', 'phrase' and 'silence': true",
                field: "digits")
        }
        if case .key(let digits) = input, digits.isEmpty || !digits.allSatisfy({ "0123456789*#".contains($0) }) {
            throw Problem(.unprocessableContent, code: "bad-value", "digits are 0-9, * and #", field: "digits")
        }
        do {
            let location = try await engine.input(input, call: call)
            return try await view(of: call, location: location)
        } catch let error as LiveError {
            let field: String? = error.code == .inputNotUnderstood ? (body.digits != nil ? "digits" : "phrase") : nil
            throw Problem(error, field: field)
        }
    }

    private func view(of call: CallID, location: CallLocation) async throws -> CallView {
        var view = CallView(id: call, location: location, model: model) { _ in "" }
        switch location {
        case .talking(_, let a), .ringing(_, let a): view.agent = await engine.agentName(a)
        default: break
        }
        return view
    }

    /// A call's state and its kept events; an ended call while its events are kept.
    private func call(_ id: CallID) async throws -> CallView {
        let history = hub.kept(call: id)
        if let location = await engine.location(of: id) {
            var view = try await view(of: id, location: location)
            view.history = history
            if let arrived = history.first(where: { $0.type == .callArrived }) { view.dialled = arrived.time }
            view.sip = channels.leg(of: id)
            view.channel = view.sip?.channel ?? "api"
            view.summarise(history, now: await engine.now)
            return view
        }
        // Gone from the engine: ended. An external agent's call has no record (nor outcome) until their wrap-up ends.
        guard let last = history.last else {
            throw Problem(.notFound, code: "unknown-call", "no call \(id.rawValue) in the system or in recent events")
        }
        let ended = history.last(where: { $0.type == .callEnded })
        var view = CallView(id: id, location: .ended, model: model) { _ in "" }
        view.outcome = ended?.outcome
        view.queue = ended?.queue ?? history.last(where: { $0.queue != nil })?.queue
        view.agent = ended?.agent ?? history.last(where: { $0.type == .callAnswered })?.agent
        view.dialled = history.first(where: { $0.type == .callArrived })?.time
        view.history = history
        view.summarise(history, now: (ended ?? last).time)
        return view
    }

    private func listCalls(_ request: Request) async throws -> CallsView {
        let state = request.uri.queryParameters.get("state")
        let states = ["ivr", "waiting", "ringing", "talking"]
        if let state, !states.contains(state) {
            throw Problem(
                .unprocessableContent, code: "bad-value", "state is one of \(states.joined(separator: ", "))",
                field: "state")
        }
        let snapshot = await engine.snapshot(calls: true)
        var views: [CallView] = []
        for call in snapshot.calls {
            var view = CallView(id: call.id, location: call.location, model: model) { _ in "" }
            guard state == nil || view.state == state else { continue }
            switch call.location {
            case .talking(_, let a), .ringing(_, let a):
                view.agent = snapshot.agents.first { $0.id == a }.map(agentLabel)
            default: break
            }
            view.dialled = call.dialled
            views.append(view)
        }
        return CallsView(calls: views)
    }

    func agentLabel(_ agent: LiveAgent) -> String { agent.name ?? "\(agent.group)/\(agent.id.rawValue)" }
}
