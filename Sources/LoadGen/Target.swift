import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What one request came to: its latency, and the error kind if it failed (`http-503`, `refused`, `timeout`, ...).
package struct Reply: Sendable {
    package var seconds: Double
    package var error: String?
    package var body: [UInt8] = []
}

/// Where calls go.
package protocol CallTarget: Sendable {
    /// Sends one request: `POST path` with a JSON body, or `GET path` without one.
    func send(_ method: String, _ path: String, body: [UInt8]?) async -> Reply
    func shutdown() async
}

/// A daemon over HTTP, through a pool of keep-alive connections (async-http-client).
package final class HTTPTarget: CallTarget {
    package let base: String
    package let token: String?
    let client: HTTPClient
    let timeout: TimeAmount

    package init(base: String, token: String?, connections: Int = 64, timeout: Double = 10) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.token = token
        self.timeout = .milliseconds(Int64(timeout * 1000))
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(3), read: self.timeout)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    package func send(_ method: String, _ path: String, body: [UInt8]?) async -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = HTTPMethod(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let start = ContinuousClock.now
        do {
            let response = try await client.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: 1 << 24)
            let seconds = (ContinuousClock.now - start).seconds
            let ok = (200..<300).contains(Int(response.status.code))
            return Reply(seconds: seconds, error: ok ? nil : "http-\(response.status.code)", body: Array(buffer: bytes))
        } catch {
            return Reply(seconds: (ContinuousClock.now - start).seconds, error: Self.kind(of: error))
        }
    }

    static func kind(of error: any Error) -> String {
        let text = String(describing: error).lowercased()
        if text.contains("refused") { return "refused" }
        if text.contains("timeout") || text.contains("deadline") { return "timeout" }
        if text.contains("remoteconnectionclosed") || text.contains("reset") { return "connection-closed" }
        return "network"
    }

    package func shutdown() async { try? await client.shutdown() }
}

/// Takes every call at once and answers nothing: callgen's own top rate.
package struct NullTarget: CallTarget {
    package init() {}
    package func send(_ method: String, _ path: String, body: [UInt8]?) async -> Reply { Reply(seconds: 0) }
    package func shutdown() async {}
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
