import ACDServer
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// acdd's daemon in callgen's own process, on a loopback port with no database: a target for CI and for trying a
/// scenario without starting acdd.
final class InProcess: Sendable {
    let base: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    private init(base: String, group: ServiceGroup, running: Task<Void, any Error>) {
        (self.base, self.group, self.running) = (base, group, running)
    }

    /// Starts the daemon at engine time `start` (or now's weekday and time) and returns once it listens.
    static func start(scenario: String, speed: Double, start: Double?) async throws -> InProcess {
        var configuration = DaemonConfiguration(scenarioPath: scenario)
        configuration.port = 0
        configuration.speed = speed
        configuration.start = start
        var logger = Logger(label: "callgen.acdd")
        logger.logLevel = .warning
        let daemon = try Daemon(configuration: configuration, logger: logger)
        let port = Mutex(0)
        let app = daemon.application { channel in port.withLock { $0 = channel.localAddress?.port ?? 0 } }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let running = Task { try await group.run() }
        for _ in 0..<500 where port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        guard port.withLock({ $0 }) > 0 else {
            await group.triggerGracefulShutdown()
            throw DaemonClock.Failure(description: "callgen: the in-process daemon did not start")
        }
        return InProcess(base: "http://127.0.0.1:\(port.withLock { $0 })", group: group, running: running)
    }

    /// Stops the daemon gracefully and waits for it.
    func finish() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }

    /// Stops it without waiting (an error on the way).
    func stop() {
        let group = group
        Task { await group.triggerGracefulShutdown() }
    }
}
