import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// The request context: bodies over 64 KB are refused with 413 (at once, by ``BodyLimitHandler``, when the length is
/// declared; by the route's read otherwise).
package struct DaemonContext: RequestContext {
    package static let bodyLimit = 64 * 1024
    package var coreContext: CoreRequestContextStorage
    package init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
    package var maxUploadSize: Int { Self.bodyLimit }
}

/// A request body the API takes: its fields are listed so that a misspelt or unknown one is refused by name.
protocol RequestBody: Decodable {
    static var fields: Set<String> { get }
}

extension Request {
    /// Decodes the JSON body as `T`, refusing (problem+json, naming the field) a body over the limit, malformed
    /// JSON, a body that is not an object, an unknown field, a missing field or a value of the wrong type. An empty
    /// body reads as `{}`.
    func decodeBody<T: RequestBody>(_: T.Type, context: DaemonContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem(
                .contentTooLarge, code: "body-too-large", "the body is over \(context.maxUploadSize / 1024) KB")
        }
        let data = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer: buffer)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw Problem(.badRequest, code: "malformed-json", "the body is not valid JSON: \(Self.reason(error))")
        }
        guard let fields = object as? [String: Any] else {
            throw Problem(.badRequest, code: "malformed-json", "the body must be a JSON object")
        }
        if let unknown = fields.keys.sorted().first(where: { !T.fields.contains($0) }) {
            let known = T.fields.sorted().joined(separator: ", ")
            throw Problem(
                .unprocessableContent, code: "unknown-field",
                "unknown field '\(unknown)'; this request takes \(known.isEmpty ? "no fields" : known)",
                field: unknown)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Problem(decoding: error)
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
    }
}

extension Problem {
    /// A field missing or of the wrong type.
    init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            self.init(.unprocessableContent, code: "missing-field", "field '\(field)' is required", field: field)
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            self.init(
                .unprocessableContent, code: "wrong-type", "field '\(field)' must be \(Self.describe(type))",
                field: field)
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            self.init(
                .unprocessableContent, code: "bad-value", "field '\(field)': \(context.debugDescription)", field: field)
        @unknown default:
            self.init(.unprocessableContent, code: "bad-value", "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String].Type: "a list of strings"
        default: "\(type)"
        }
    }
}

/// With a token, every request but `/healthz` must carry `Authorization: Bearer TOKEN` (or `?access_token=TOKEN`),
/// compared in constant time, or gets 401.
package struct TokenMiddleware: RouterMiddleware {
    package typealias Context = DaemonContext
    let token: [UInt8]

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.uri.path == "/healthz" { return try await next(request, context) }
        // A browser's EventSource cannot set headers: the wallboard passes the token as `access_token` (RFC 6750).
        let given =
            request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? Array($0.utf8.dropFirst(7)) : nil }
            ?? request.uri.queryParameters.get("access_token").map { Array($0.utf8) }
        guard let given, Self.equal(given, token) else {
            throw Problem(.unauthorized, code: "unauthorized", "this daemon needs 'Authorization: Bearer TOKEN'")
        }
        return try await next(request, context)
    }

    /// Equal byte strings, in time that depends only on their lengths.
    package static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }
}
