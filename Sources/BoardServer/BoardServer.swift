import BoardAPI
import BoardService
import BoardStorage
import ElectionRecord
import Foundation
import Hummingbird
import Logging
import NIOCore
import PlebisciteCrypto
import Ristretto
import TransparencyLog

/// Settings of one board server.
public struct BoardServerConfiguration: Sendable {
    /// Secret from which election tokens derive, shared by every server of one board.
    public var tokenSecret: [UInt8]
    /// Token the operator uses to create elections.
    public var operatorToken: String
    /// Largest accepted request body.
    public var bodyLimit = 1 << 20
    public var host = "127.0.0.1"
    public var port = 8080
    /// Per-client rate limit: burst size and sustained requests per second (nil: none).
    public var rateLimit: (burst: Int, perSecond: Double)? = (burst: 2_000, perSecond: 1_000)

    public init(tokenSecret: [UInt8], operatorToken: String) {
        self.tokenSecret = tokenSecret
        self.operatorToken = operatorToken
    }

    /// The administrator's token for an election (H32("admin-token", secret, election id), hex).
    public func adminToken(_ electionId: String) -> String {
        Digest.of("admin-token") { t in
            t.append(bytes: tokenSecret)
            t.append(electionId)
        }.hex
    }

    /// Trustee `index`'s token for an election.
    public func trusteeToken(_ electionId: String, index: Int) -> String {
        Digest.of("trustee-token") { t in
            t.append(bytes: tokenSecret)
            t.append(electionId)
            t.append(index)
        }.hex
    }
}

/// A BoardError as an HTTP response: {"code", "message", "checks"} with its status.
struct BoardHTTPError: HTTPResponseError {
    let error: BoardError
    var status: HTTPResponse.Status { .init(code: error.status) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        jsonResponse(error, status: status)
    }
}

func fail(_ code: String, _ status: Int, _ message: String) -> BoardHTTPError {
    BoardHTTPError(error: BoardError(code: code, status: status, message: message))
}

func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
    let bytes = (try? RecordCoding.encode(value)) ?? Array("{}".utf8)
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}

/// The request body's bytes: JSON content type and at most `limit` bytes, or a typed refusal.
func jsonBody(_ request: Request, limit: Int) async throws -> [UInt8] {
    guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/json") else {
        throw fail("unsupportedMediaType", 415, "send JSON with Content-Type: application/json")
    }
    do {
        var buffer = try await request.body.collect(upTo: limit)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    } catch {
        throw fail("bodyTooLarge", 413, "the body exceeds \(limit) bytes")
    }
}

func decode<T: Codable>(_ type: T.Type, _ bytes: [UInt8], what: String) throws -> T {
    do { return try RecordCoding.decodeStrict(T.self, from: bytes) } catch { throw fail("malformed", 400, "\(what): \(error)") }
}

/// Runs a service call, turning its errors into HTTP errors.
func call<T: Sendable>(_ body: () async throws(BoardError) -> T) async throws -> T {
    do { return try await body() } catch { throw BoardHTTPError(error: error) }
}

/// Checks a bearer token in constant time against any of the accepted ones.
func authorize(_ request: Request, accept: [String], what: String) throws {
    let given = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
    guard accept.contains(where: { Sodium.constantTimeEqual(Array($0.utf8), Array(given.utf8)) }) else {
        throw fail("unauthorized", 401, "\(what) needs a valid bearer token")
    }
}

/// The board's HTTP API (docs/openapi.yaml, also served at /openapi.yaml).
public func buildRouter(
    service: BoardService, configuration config: BoardServerConfiguration, metrics: BoardMetrics = BoardMetrics()
) -> Router<BoardRequestContext> {
    let router = Router(context: BoardRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    if let limit = config.rateLimit {
        router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(burst: limit.burst, perSecond: limit.perSecond)))
    }
    let limit = config.bodyLimit
    router.get("/health") { _, _ in jsonResponse(["status": "ok"]) }
    router.get("/metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
    }
    router.get("/openapi.yaml") { _, _ in
        let text = Bundle.module.url(forResource: "openapi", withExtension: "yaml").flatMap { try? Data(contentsOf: $0) } ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: Array(text))))
    }
    router.post("/elections") { request, _ in
        try authorize(request, accept: [config.operatorToken], what: "creating an election")
        let bytes = try await jsonBody(request, limit: limit)
        let id = try await call { () async throws(BoardError) in try await service.createElection(manifestBytes: bytes) }
        let manifest = try decode(Manifest.self, bytes, what: "manifest")
        var trustees = [String: String]()
        for t in manifest.trustees { trustees[String(t.index)] = config.trusteeToken(id, index: t.index) }
        return jsonResponse(ElectionCreated(electionId: id, adminToken: config.adminToken(id), trusteeTokens: trustees), status: .created)
    }
    router.get("/elections/:id/manifest") { _, context in
        let id = try context.parameters.require("id")
        let manifest = try await call { () async throws(BoardError) in try await service.manifest(id) }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: manifest)))
    }
    router.post("/elections/:id/entries") { request, context in
        let id = try context.parameters.require("id")
        let payload = try decode(EntryPayload.self, try await jsonBody(request, limit: limit), what: "entry")
        var accepted = [config.adminToken(id)]
        switch payload {
        case .trusteeCommitment(let c): accepted.append(config.trusteeToken(id, index: c.trustee))
        case .complaint(let c): accepted.append(config.trusteeToken(id, index: c.accuser))
        case .decryptionShares(let d): accepted.append(config.trusteeToken(id, index: d.trustee))
        default: break
        }
        try authorize(request, accept: accepted, what: "publishing a \(payload.kind) entry")
        let index = try await call { () async throws(BoardError) in try await service.publish(id, payload) }
        context.logger.info("entry published", metadata: ["election": "\(id)", "kind": "\(payload.kind)", "index": "\(index)"])
        return jsonResponse(IndexResponse(index: index), status: .created)
    }
    router.post("/elections/:id/ballots") { request, context in
        let id = try context.parameters.require("id")
        do {
            let ballot = try decode(EncryptedBallot.self, try await jsonBody(request, limit: limit), what: "ballot")
            let receipt = try await call { () async throws(BoardError) in try await service.cast(id, ballot) }
            metrics.ballot(accepted: true, reason: nil)
            context.logger.info(
                "ballot accepted",
                metadata: [
                    "election": "\(id)", "index": "\(receipt.index)", "tracking": "\(receipt.trackingCode)", "channel": "\(ballot.channel)",
                ])
            return jsonResponse(receipt)
        } catch let e as BoardHTTPError {
            metrics.ballot(accepted: false, reason: e.error.code)
            context.logger.notice("ballot refused", metadata: ["election": "\(id)", "code": "\(e.error.code)"])
            throw e
        }
    }
    router.post("/elections/:id/spoiled") { request, context in
        let id = try context.parameters.require("id")
        let spoiled = try decode(SpoiledBallot.self, try await jsonBody(request, limit: limit), what: "spoiled ballot")
        let index = try await call { () async throws(BoardError) in try await service.spoil(id, spoiled) }
        return jsonResponse(IndexResponse(index: index), status: .created)
    }
    router.post("/elections/:id/close") { request, context in
        let id = try context.parameters.require("id")
        try authorize(request, accept: [config.adminToken(id)], what: "closing the election")
        let head = try await call { () async throws(BoardError) in try await service.close(id) }
        context.logger.notice("election closed", metadata: ["election": "\(id)", "size": "\(head.size)", "root": "\(head.root)"])
        return jsonResponse(head)
    }
    router.get("/elections/:id/tree-head") { _, context in
        let id = try context.parameters.require("id")
        return jsonResponse(try await call { () async throws(BoardError) in try await service.currentTreeHead(id) })
    }
    router.get("/elections/:id/tree-heads") { _, context in
        let id = try context.parameters.require("id")
        return jsonResponse(
            TreeHeadsResponse(treeHeads: try await call { () async throws(BoardError) in try await service.storedTreeHeads(id) }))
    }
    router.get("/board") { _, _ in
        jsonResponse(
            BoardInfo(
                boardKey: service.boardKey.publicKey,
                elections: try await call { () async throws(BoardError) in try await service.elections() }
            ))
    }
    router.get("/elections/:id/consistency") { request, context in
        let id = try context.parameters.require("id")
        guard let from = request.uri.queryParameters.get("from", as: Int.self), let to = request.uri.queryParameters.get("to", as: Int.self)
        else {
            throw fail("malformed", 400, "give ?from=SIZE&to=SIZE")
        }
        let proof = try await call { () async throws(BoardError) in try await service.consistencyProof(id, from: from, to: to) }
        return jsonResponse(ProofResponse(proof: proof))
    }
    router.get("/elections/:id/entries") { request, context in
        let id = try context.parameters.require("id")
        guard let start = request.uri.queryParameters.get("start", as: Int.self),
            let end = request.uri.queryParameters.get("end", as: Int.self),
            start <= end
        else { throw fail("malformed", 400, "give ?start=INDEX&end=INDEX with start <= end") }
        let lines = try await call { () async throws(BoardError) in try await service.entries(id, range: start..<end) }
        return jsonResponse(EntriesResponse(start: start, entries: lines))
    }
    return router
}

/// The application: the router on the configured address and port.
public func buildApplication(
    service: BoardService, configuration config: BoardServerConfiguration, metrics: BoardMetrics = BoardMetrics(),
    logger: Logger = Logger(label: "plebiscite.board"),
    onServerRunning: @escaping @Sendable (any NIOCore.Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(service: service, configuration: config, metrics: metrics),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "plebiscite-board"),
        onServerRunning: onServerRunning, logger: logger)
}

/// A board server running inside this process (demo, benchmark, tests), on the configured
/// address; port 0 picks a free one.
public final class RunningBoard: Sendable {
    /// The port it listens on.
    public let port: Int
    public let url: String
    private let task: Task<Void, any Error>

    private init(port: Int, host: String, task: Task<Void, any Error>) {
        self.port = port
        self.url = "http://\(host):\(port)"
        self.task = task
    }

    /// Starts the server and returns once it accepts connections.
    public static func start(
        service: BoardService, configuration: BoardServerConfiguration, metrics: BoardMetrics = BoardMetrics(),
        logger: Logger = Logger(label: "plebiscite.board")
    ) async throws -> RunningBoard {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(service: service, configuration: configuration, metrics: metrics, logger: logger) { channel in
            continuation.yield(channel.localAddress?.port ?? -1)
            continuation.finish()
        }
        let task = Task {
            defer { continuation.finish() }  // a server that cannot bind ends the wait too
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw BoardHTTPError(error: BoardError(code: "serverFailed", status: 500, message: "the board server did not start"))
        }
        return RunningBoard(port: port, host: configuration.host, task: task)
    }

    /// Stops the server (open requests are cut).
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
