import ACDCore
import Hummingbird

/// `POST /v1/agents/{id}/login`: the agent's group (one; its skills decide the queues it answers).
struct LoginBody: RequestBody {
    static let fields: Set<String> = ["group", "groups"]
    var group: String?
    var groups: [String]?
}

struct NotReadyBody: RequestBody {
    static let fields: Set<String> = ["reason"]
    var reason: String?
}

extension Daemon {
    func addAgentRoutes(to router: RouterGroup<DaemonContext>) {
        router.get("agents") { _, _ in AgentsView(agents: await self.agentViews()) }
        router.post("agents/:id/login") { request, context in
            let body = try await request.decodeBody(LoginBody.self, context: context)
            let name = try Self.agentName(context)
            let group = try self.group(of: body)
            try await self.agentCommand { _ = try await self.engine.logIn(agent: name, group: group) }
            return try await self.agentView(name)
        }
        router.post("agents/:id/not-ready") { request, context in
            let body = try await request.decodeBody(NotReadyBody.self, context: context)
            let name = try Self.agentName(context)
            let reason = body.reason ?? "unspecified"
            guard reason.count <= 200 else {
                throw Problem(
                    .unprocessableContent, code: "bad-value", "a reason has at most 200 characters", field: "reason")
            }
            try await self.agentCommand { try await self.engine.notReady(agent: name, reason: reason) }
            return try await self.agentView(name)
        }
        let plain: [(String, @Sendable (LiveEngine, String) async throws -> Void)] = [
            ("ready", { try await $0.ready(agent: $1) }),
            ("end-talk", { try await $0.endTalk(agent: $1) }),
            ("end-wrap-up", { try await $0.endWrapUp(agent: $1) }),
            ("logout", { try await $0.logOut(agent: $1) }),
        ]
        for (path, action) in plain {
            router.post("agents/:id/\(path)") { request, context in
                _ = try await request.decodeBody(EmptyBody.self, context: context)
                let name = try Self.agentName(context)
                try await self.agentCommand { try await action(self.engine, name) }
                return try await self.agentView(name)
            }
        }
    }

    static func agentName(_ context: DaemonContext) throws -> String {
        guard let name = context.parameters.get("id"), !name.isEmpty, name.count <= 64 else {
            throw Problem(.unprocessableContent, code: "bad-value", "an agent id has 1 to 64 characters", field: "id")
        }
        return name
    }

    private func group(of body: LoginBody) throws -> GroupID {
        let given = (body.group.map { [$0] } ?? []) + (body.groups ?? [])
        guard given.count == 1, let name = given.first else {
            throw Problem(
                .unprocessableContent, code: "bad-value",
                "give one group ('group' or 'groups' with one name): an agent answers the queues its group's "
                    + "skills name",
                field: body.groups != nil ? "groups" : "group")
        }
        guard let g = names.groups[name] else {
            throw Problem(
                .unprocessableContent, code: "unknown-group",
                "no group '\(name)'; groups: \(model.groups.map(\.name).joined(separator: ", "))",
                field: body.groups != nil ? "groups[0]" : "group")
        }
        return g
    }

    private func agentCommand(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as LiveError {
            throw Problem(error)
        }
    }

    private func agentViews() async -> [AgentView] {
        let snapshot = await engine.snapshot()
        return snapshot.agents.map(view)
    }

    private func view(_ agent: LiveAgent) -> AgentView {
        AgentView(
            id: agentLabel(agent), group: agent.group, state: agent.state, since: agent.since, call: agent.call,
            reason: agent.reason, external: agent.name != nil)
    }

    private func agentView(_ name: String) async throws -> AgentView {
        let snapshot = await engine.snapshot()
        guard let agent = snapshot.agents.first(where: { $0.name == name }) else {
            throw Problem(.notFound, code: "unknown-agent", "no agent '\(name)' has logged in")
        }
        return view(agent)
    }
}
