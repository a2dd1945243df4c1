import ACDCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

extension Daemon {
    /// The HTTP application: routes under `/v1`, `/metrics`, `/healthz`, `/readyz` and the wallboard at `/`, with
    /// problem+json errors and, when a token is set, bearer-token checks. Its services are the daemon's.
    package func application(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: DaemonContext.self)
        router.add(middleware: ProblemMiddleware())
        if let token = configuration.token { router.add(middleware: TokenMiddleware(token: Array(token.utf8))) }
        let v1 = router.group("v1")
        addCallRoutes(to: v1)
        addAgentRoutes(to: v1)
        addQueueRoutes(to: v1)
        addEventRoutes(to: v1)
        addSystemRoutes(to: router)
        return Application(
            router: router,
            server: .http1(additionalChannelHandlers: [BodyLimitHandler(limit: DaemonContext.bodyLimit)]),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "acdd"),
            services: services, onServerRunning: onServerRunning, logger: logger)
    }

    func addSystemRoutes(to router: Router<DaemonContext>) {
        router.get("healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("readyz") { _, _ -> Response in
            let ready = await self.engine.fault == nil && !self.stopping
            return Response(
                status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: ready ? "ready\n" : "not ready\n")))
        }
        router.get("metrics") { _, _ -> Response in
            await self.updateMetrics()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: self.metrics.exposition())))
        }
        router.get("/") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Wallboard.page)))
        }
        router.get("agent") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: AgentPage.page(groups: self.model.groups))))
        }
    }

    func updateMetrics() async {
        let snapshot = await engine.snapshot()
        metrics.update(
            totals: await engine.totals(), entries: await engine.entryTotals(), snapshot: snapshot,
            groups: await engine.agentsByGroup())
    }
}
