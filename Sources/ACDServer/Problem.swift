import ACDCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

/// An error the API reports as an `application/problem+json` body (RFC 9457): a status, a stable code, a sentence a
/// person can act on, and the request field at fault when there is one.
struct Problem: Error, HTTPResponseError, Codable, Sendable {
    /// A URI naming the kind of problem: `urn:acdd:problem:CODE`.
    var type: String
    var title: String
    /// The HTTP status, repeated in the body.
    var statusCode: Int
    var detail: String
    /// The JSON path of the request field at fault (`entry`, `groups[0]`), or the query parameter.
    var field: String?
    var code: String
    /// Seconds to wait before trying again (503).
    var retryAfter: Int?

    init(_ status: HTTPResponse.Status, code: String, _ detail: String, field: String? = nil, retryAfter: Int? = nil) {
        type = "urn:acdd:problem:\(code)"
        title = status.reasonPhrase
        statusCode = status.code
        self.detail = detail
        self.field = field
        self.code = code
        self.retryAfter = retryAfter
    }

    var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    enum CodingKeys: String, CodingKey {
        case type, title, detail, field, code, retryAfter
        case statusCode = "status"
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: HTTPResponse.Status(code: statusCode), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(data: try encoder.encode(self))))
    }

    /// A refused engine command: unknown ids are 404, wrong states 409, bad values 422, a stopping engine 503.
    init(_ error: LiveError, field: String? = nil) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .unknownCall, .unknownAgent: .notFound
            case .unknownEntry, .unknownQueue, .unknownGroup, .unknownIntent:
                field == nil ? .notFound : .unprocessableContent
            case .wrongState, .notInIVR: .conflict
            case .inputNotUnderstood, .badValue: .unprocessableContent
            case .shuttingDown, .overloaded: .serviceUnavailable
            }
        self.init(
            status, code: error.code.rawValue, error.message, field: field,
            retryAfter: status == .serviceUnavailable ? 1 : nil)
    }
}

/// Every error leaves as problem+json: Hummingbird's own (no route, body too large) and anything unexpected (500,
/// with the detail logged rather than shown).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            let code: String =
                switch error.status {
                case .notFound: "not-found"
                case .contentTooLarge: "body-too-large"
                case .methodNotAllowed: "method-not-allowed"
                case .unauthorized: "unauthorized"
                default: "http-\(error.status.code)"
                }
            throw Problem(error.status, code: code, error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw error
        } catch is CancellationError {
            throw Problem(.serviceUnavailable, code: "shutting-down", "the daemon is stopping", retryAfter: 1)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            throw Problem(.internalServerError, code: "internal", "the request failed inside the daemon; see its log")
        }
    }
}
