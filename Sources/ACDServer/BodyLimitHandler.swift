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
///   (or at once, if the route had already answered); nothing more is passed on;
/// - a request under the limit that asks `Expect: 100-continue` gets its `100 Continue` at once.
///
/// "Closed" is a lingering close, as web servers do it: the answer is written, the output side is shut (the client
/// reads the 413 and then end of file at once), and whatever the client was still sending is read and dropped for up to
/// `linger`, so its kernel does not get a reset that could destroy the 413 before the client has read it.
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
    /// The answer is out and the output shut: every further byte read is dropped until the connection closes.
    private var closing = false
    let linger: TimeAmount

    init(limit: Int, linger: TimeAmount = .seconds(2)) {
        self.limit = limit
        self.linger = linger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if closing { return }
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
            // A client that waits for leave to send (curl does, for a second, on large or chunked bodies) gets it at
            // once: the body will be read.
            if head.headerFields[.expect]?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
            context.fireChannelRead(data)
        case .body(let buffer):
            if refused || over { return }
            received += buffer.readableBytes
            if received > limit {
                over = true
                if answered { lingeringClose(context: context) }
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
                context.write(data, promise: written)
                written.futureResult.cascade(to: promise)
                context.flush()
                lingeringClose(context: context)
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
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        lingeringClose(context: context)
    }

    /// Shuts the output once what is written has gone (writes complete in order), drops all further input, and closes
    /// the connection when the client closes its side or after `linger`, whichever comes first.
    private func lingeringClose(context: ChannelHandlerContext) {
        if closing { return }
        closing = true
        context.close(mode: .output, promise: nil)
        let channel = context.channel
        channel.eventLoop.scheduleTask(in: linger) { channel.close(promise: nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if closing, let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
