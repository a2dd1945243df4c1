import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Refuses a request body over the limit at once, on the connection itself, and closes the connection.
///
/// A route's `collect(upTo:)` alone answers 413 only once the limit has arrived, and the server then drains the rest
/// of the body to keep the connection: a client that declares 5 MB and waits for `100 Continue` (curl does, for a
/// second; others for good) gets no answer, and one that sends gigabytes is read to the end. This handler sits
/// between the HTTP decoder and the application:
/// - a declared `Content-Length` over the limit gets 413 before any body is read, without the request reaching the
///   routes, and the connection is closed;
/// - a body without a declared length (chunked) that grows past the limit is passed on only up to the limit's first
///   overrun, so the route's own `collect(upTo:)` answers 413; the connection closes when that answer is written
///   (or at once, if the route had already answered); nothing more is read.
final class BodyLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let limit: Int
    private var received = 0
    /// The current request went over the limit: nothing more of it is passed on.
    private var over = false
    /// The application has written the end of its answer to the current request.
    private var answered = false
    /// A request refused here: its remaining parts are dropped.
    private var refused = false

    init(limit: Int) { self.limit = limit }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            received = 0
            over = false
            answered = false
            if let declared = head.headerFields[.contentLength].flatMap({ Int($0) }), declared > limit {
                refused = true
                refuse(context: context)
                return
            }
            refused = false
            context.fireChannelRead(data)
        case .body(let buffer):
            if refused || over { return }
            received += buffer.readableBytes
            if received > limit {
                over = true
                if answered { context.close(promise: nil) }
            }
            context.fireChannelRead(data)
        case .end:
            if refused || over { return }
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            answered = true
            if over {
                let written = context.eventLoop.makePromise(of: Void.self)
                written.futureResult.whenComplete { _ in context.close(promise: nil) }
                written.futureResult.cascade(to: promise)
                context.write(data, promise: written)
                return
            }
        }
        context.write(data, promise: promise)
    }

    /// Writes the API's 413 problem (docs/api.md) and closes the connection once it is out.
    private func refuse(context: ChannelHandlerContext) {
        let problem = Problem(
            .contentTooLarge, code: "body-too-large", "the body is over \(limit / 1024) KB")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(problem)) ?? Data()
        let head = HTTPResponse(
            status: .contentTooLarge,
            headerFields: [
                .contentType: "application/problem+json", .contentLength: String(body.count), .connection: "close",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
