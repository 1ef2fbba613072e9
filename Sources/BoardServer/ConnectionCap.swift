import Foundation
import NIOCore

/// The connections each client address holds open, against a cap.
final class ConnectionCounts: @unchecked Sendable {
    private let limit: Int
    private let lock = NSLock()
    private var open: [String: Int] = [:]

    init(limit: Int) { self.limit = limit }

    /// Counts one more connection from `client`; false (and not counted) when it has `limit` already.
    func enter(_ client: String) -> Bool {
        lock.withLock {
            let n = open[client, default: 0]
            guard n < limit else { return false }
            open[client] = n + 1
            return true
        }
    }

    func leave(_ client: String) {
        lock.withLock {
            let n = open[client, default: 1] - 1
            open[client] = n > 0 ? n : nil
        }
    }

    /// Connections open now from `client`.
    func count(_ client: String) -> Int { lock.withLock { open[client, default: 0] } }
}

/// Closes a connection on arrival when its client already holds the cap: one client cannot fill
/// the server's descriptors with idle connections.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let counts: ConnectionCounts
    private var client: String?

    init(counts: ConnectionCounts) { self.counts = counts }

    func handlerAdded(context: ChannelHandlerContext) {
        let key = context.channel.remoteAddress?.ipAddress ?? "local"
        if counts.enter(key) { client = key } else { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let client { counts.leave(client) }
        client = nil
    }
}
