import Foundation
import Hummingbird
import NIOCore

/// The board's request context: the basic one plus the client's address, for rate limits.
public struct BoardRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// A token bucket per client address: `burst` requests at once, refilled at `perSecond`.
final class RateLimiter: @unchecked Sendable {
    private let burst: Double
    private let perSecond: Double
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, last: TimeInterval)] = [:]

    init(burst: Int, perSecond: Double) {
        self.burst = Double(burst)
        self.perSecond = perSecond
    }

    /// Takes one token for `key`; false when the bucket is empty.
    func allow(_ key: String, now: TimeInterval = ProcessInfo.processInfo.systemUptime) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if buckets.count > 100_000 {
            // Forget clients whose bucket has refilled: bounded memory under many addresses.
            buckets = buckets.filter { min(burst, $0.value.tokens + (now - $0.value.last) * perSecond) < burst }
        }
        var b = buckets[key] ?? (burst, now)
        b.tokens = min(burst, b.tokens + (now - b.last) * perSecond)
        b.last = now
        guard b.tokens >= 1 else {
            buckets[key] = b
            return false
        }
        b.tokens -= 1
        buckets[key] = b
        return true
    }
}

/// Refuses a client's requests beyond its rate with 429 and the code "rateLimited".
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = BoardRequestContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let key = context.remoteAddress?.ipAddress ?? "local"
        guard limiter.allow(key) else {
            throw fail(.rateLimited, "too many requests from \(key); slow down")
        }
        return try await next(request, context)
    }
}
