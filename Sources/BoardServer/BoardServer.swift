import BoardAPI
import BoardService
import BoardStorage
import ElectionRecord
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
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
    /// A connection that sends nothing (no request, or no next part of one) for this long is closed.
    public var idleTimeout: Duration = .seconds(30)
    /// A request body must arrive whole within this time (408 requestTimeout otherwise).
    public var bodyTimeout: Duration = .seconds(30)
    /// Per-client rate limit: burst size and sustained requests per second (nil: none).
    public var rateLimit: (burst: Int, perSecond: Double)? = (burst: 2_000, perSecond: 1_000)
    /// The booth's files, served under /booth/ (nil: this board serves no booth).
    public var booth: BoothAssets?
    /// Serve HTTPS with this certificate and key (nil: plain HTTP, for a proxy in front or tests).
    /// Every answer then carries HSTS.
    public var tls: TLSConfiguration?
    /// Reads that cost real work (building a record.zip, a page of more than `heavyPage` entries):
    /// at most `running` at once and `waiting` queued; beyond, 503 busy with Retry-After.
    public var heavyReads: (running: Int, waiting: Int) = (running: 2, waiting: 32)
    /// Bytes per second all downloads of record.zip share (nil: no bound): anonymous readers on
    /// fast links cannot take the processors the voters' casts need.
    public var archiveBytesPerSecond: Int? = 32 << 20
    /// Connections one client address may hold open at once; a further one is closed on arrival
    /// (nil: no cap). Behind a proxy every client has the proxy's address: raise it or cap there.
    public var connectionsPerClient: Int? = 256

    /// Pages of entries longer than this count as heavy reads.
    static let heavyPage = 1_000

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

extension BoardErrorCode {
    /// The HTTP status of each code: the one place codes meet statuses.
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .malformed: .badRequest
        case .unsupportedMediaType: .unsupportedMediaType
        case .bodyTooLarge: .contentTooLarge
        case .requestTimeout: .requestTimeout
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound, .unknownElection, .unknownBallot: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .rateLimited: .tooManyRequests
        case .storageUnavailable, .busy: .serviceUnavailable
        case .serverFailed: .internalServerError
        case .electionExists, .electionClosed, .outsideWindow, .notOpenYet, .spoiledBallot, .duplicateBallot, .wrongPhase, .windowOpen,
            .ceremonyFailed, .conflictingEntry, .revokedCredential, .finalBallotCast:
            .conflict
        case .wrongElection, .invalidBallotStyle, .invalidChannelOrDevice, .invalidCredential, .invalidSignature, .invalidProof,
            .invalidReveal, .selectionInClear, .invalidEntry:
            .unprocessableContent
        }
    }
}

/// A BoardError as an HTTP response: {"code", "status", "message", "checks"} with the code's status.
struct BoardHTTPError: HTTPResponseError {
    let error: BoardError
    let status: HTTPResponse.Status
    var headers: HTTPFields = [:]

    init(error: BoardError, headers: HTTPFields = [:]) {
        status = error.knownCode?.httpStatus ?? .internalServerError
        var e = error
        e.status = status.code
        self.error = e
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var r = jsonResponse(error, status: status)
        r.headers.append(contentsOf: headers)
        return r
    }
}

func fail(_ code: BoardErrorCode, _ message: String, headers: HTTPFields = [:]) -> BoardHTTPError {
    BoardHTTPError(error: BoardError(code, message), headers: headers)
}

func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
    let bytes = (try? RecordCoding.encode(value)) ?? Array("{}".utf8)
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}

/// The request body's bytes: exactly JSON (`application/json`, optionally `; charset=utf-8`), at
/// most `limit` bytes, all of it within `deadline`; or a typed refusal.
func readJSONBody(_ request: Request, limit: Int, deadline: Duration) async throws -> [UInt8] {
    guard let type = request.headers[.contentType], isJSON(type) else {
        throw fail(.unsupportedMediaType, "send JSON with Content-Type: application/json")
    }
    let body = request.body
    return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
        group.addTask {
            do {
                var buffer = try await body.collect(upTo: limit)
                return buffer.readBytes(length: buffer.readableBytes) ?? []
            } catch {
                throw fail(.bodyTooLarge, "the body exceeds \(limit) bytes")
            }
        }
        group.addTask {
            try await Task.sleep(for: deadline)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let bytes = first else {
            throw fail(.requestTimeout, "the body did not arrive within \(deadline)", headers: [.connection: "close"])
        }
        return bytes
    }
}

/// Whether a Content-Type names JSON exactly: the media type `application/json` (any case) with
/// no parameter but `charset=utf-8`.
func isJSON(_ contentType: String) -> Bool {
    let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    guard parts.first == "application/json" else { return false }
    return parts.dropFirst().allSatisfy { $0.replacingOccurrences(of: "\"", with: "") == "charset=utf-8" }
}

func decode<T: Codable>(_ type: T.Type, _ bytes: [UInt8], what: String) throws -> T {
    do { return try RecordCoding.decodeStrict(T.self, from: bytes) } catch { throw fail(.malformed, "\(what): \(error)") }
}

/// Runs a service call, turning its errors into HTTP errors.
func call<T: Sendable>(_ body: () async throws(BoardError) -> T) async throws -> T {
    do { return try await body() } catch { throw BoardHTTPError(error: error) }
}

/// The bearer token of a request: `Authorization: Bearer TOKEN`, the scheme in any case.
func bearerToken(_ request: Request) -> String {
    guard let value = request.headers[.authorization] else { return "" }
    let parts = value.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else { return "" }
    return parts[1].trimmingCharacters(in: .whitespaces)
}

/// Which of `accept` the request's bearer token is (compared in constant time), or 401.
@discardableResult
func authorize(_ request: Request, accept: [String], what: String) throws -> Int {
    let given = Array(bearerToken(request).utf8)
    var match: Int?
    for (i, token) in accept.enumerated() where Sodium.constantTimeEqual(Array(token.utf8), given) { match = match ?? i }
    guard let match else { throw fail(.unauthorized, "\(what) needs a valid bearer token") }
    return match
}

/// The board's HTTP API (Sources/BoardServer/openapi.yaml, also served at /openapi.yaml).
public func buildRouter(
    service: BoardService, configuration config: BoardServerConfiguration, metrics: BoardMetrics = BoardMetrics(),
    reports: VerificationReports? = nil
) -> Router<BoardRequestContext> {
    buildRouter(
        service: service, configuration: config, metrics: metrics, reports: reports,
        heavyReads: HeavyReads(running: config.heavyReads.running, waiting: config.heavyReads.waiting))
}

/// The router with the given bound on heavy reads (tests hold its slots).
func buildRouter(
    service: BoardService, configuration config: BoardServerConfiguration, metrics: BoardMetrics, reports: VerificationReports?,
    heavyReads: HeavyReads
) -> Router<BoardRequestContext> {
    let reports = reports ?? VerificationReports(service: service)
    let router = Router(context: BoardRequestContext.self)
    let table = RouteTable()
    router.add(middleware: SecurityHeadersMiddleware(hsts: config.tls != nil))
    router.add(middleware: RouteErrorsMiddleware(table: table))
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    if let limit = config.rateLimit {
        router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(burst: limit.burst, perSecond: limit.perSecond)))
    }
    let limit = config.bodyLimit
    /// A request's JSON body under this server's size limit and deadline.
    @Sendable func jsonBody(_ request: Request) async throws -> [UInt8] {
        try await readJSONBody(request, limit: limit, deadline: config.bodyTimeout)
    }
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
    addBoothRoutes(to: router, booth: config.booth)
    addObserverRoutes(
        to: router, service: service, reports: reports, archives: RecordArchives(builds: heavyReads),
        budget: config.archiveBytesPerSecond.map(ByteBudget.init(bytesPerSecond:)))
    router.post("/elections") { request, _ in
        try authorize(request, accept: [config.operatorToken], what: "creating an election")
        let bytes = try await jsonBody(request)
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
    router.get("/elections/:id/booth") { request, context in
        let id = try context.parameters.require("id")
        guard let text = request.uri.queryParameters.get("credential"), text == text.lowercased(),
            let credential = try? Element(hex: text, allowIdentity: false)
        else {
            throw fail(.malformed, "credential must be the 64 lowercase hex digits of the credential's public key")
        }
        let (electionContext, registry) = try await call { () async throws(BoardError) in try await service.context(id) }
        guard let precinctId = registry.precinctOf[credential], let precinct = electionContext.manifest.precinct(precinctId) else {
            throw fail(.invalidCredential, "this credential is on no list of election \(id): check the letter, or ask the commission")
        }
        if registry.revoked.contains(credential) {
            throw fail(.revokedCredential, "this credential was revoked; its replacement was handed to the voter in person")
        }
        return jsonResponse(BoothBallot(context: electionContext, precinct: precinct))
    }
    router.post("/elections/:id/entries") { request, context in
        let id = try context.parameters.require("id")
        // Who is asking, before the body is read: the administrator, or trustee i for its own entries.
        let indices = try await call { () async throws(BoardError) in try await service.trusteeIndices(id) }
        let role = try authorize(
            request, accept: [config.adminToken(id)] + indices.map { config.trusteeToken(id, index: $0) }, what: "publishing an entry")
        let payload = try decode(EntryPayload.self, try await jsonBody(request), what: "entry")
        if role > 0 {
            let trustee = indices[role - 1]
            let own: Bool =
                switch payload {
                case .trusteeCommitment(let c): c.trustee == trustee
                case .complaint(let c): c.accuser == trustee
                case .decryptionShares(let d): d.trustee == trustee
                default: false
                }
            guard own else { throw fail(.forbidden, "trustee \(trustee)'s token publishes only its own commitment, complaint and shares") }
        }
        let index = try await call { () async throws(BoardError) in try await service.publish(id, payload) }
        // A new phase gets the server's own verifier run (the tally and the result end phases).
        switch payload {
        case .tally, .result, .keyCeremony: await reports.refresh(id)
        default: break
        }
        context.logger.info("entry published", metadata: ["election": "\(id)", "kind": "\(payload.kind)", "index": "\(index)"])
        return jsonResponse(IndexResponse(index: index), status: .created)
    }
    router.post("/elections/:id/ballots") { request, context in
        let id = try context.parameters.require("id")
        do {
            let ballot = try decode(EncryptedBallot.self, try await jsonBody(request), what: "ballot")
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
    router.get("/elections/:id/ballots/:ballot") { request, context in
        let id = try context.parameters.require("id")
        let text = try context.parameters.require("ballot")
        guard let reference = BallotReference(text) else {
            throw fail(.malformed, "name the ballot by its tracking code (16 characters, as on the receipt) or its 64-digit hash")
        }
        var since: Int?
        if let value = request.uri.queryParameters.get("since") {
            guard let n = Int(value), n >= 0 else { throw fail(.malformed, "since must be the size of the receipt's tree head") }
            since = n
        }
        return jsonResponse(try await call { () async throws(BoardError) in try await service.track(id, reference, since: since) })
    }
    router.post("/elections/:id/spoiled") { request, context in
        let id = try context.parameters.require("id")
        let spoiled = try decode(SpoiledBallot.self, try await jsonBody(request), what: "spoiled ballot")
        let index = try await call { () async throws(BoardError) in try await service.spoil(id, spoiled) }
        return jsonResponse(IndexResponse(index: index), status: .created)
    }
    router.post("/elections/:id/close") { request, context in
        let id = try context.parameters.require("id")
        try authorize(request, accept: [config.adminToken(id)], what: "closing the election")
        let head = try await call { () async throws(BoardError) in try await service.close(id) }
        await reports.refresh(id)
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
            throw fail(.malformed, "give ?from=SIZE&to=SIZE")
        }
        let proof = try await call { () async throws(BoardError) in try await service.consistencyProof(id, from: from, to: to) }
        return jsonResponse(ProofResponse(proof: proof))
    }
    router.get("/elections/:id/entries") { request, context in
        let id = try context.parameters.require("id")
        guard let start = request.uri.queryParameters.get("start", as: Int.self),
            let end = request.uri.queryParameters.get("end", as: Int.self),
            start <= end
        else { throw fail(.malformed, "give ?start=INDEX&end=INDEX with start <= end") }
        @Sendable func page() async throws -> Response {
            jsonResponse(
                EntriesResponse(
                    start: start,
                    entries: try await call { () async throws(BoardError) in try await service.entries(id, range: start..<end) }
                ))
        }
        guard end - start > BoardServerConfiguration.heavyPage else { return try await page() }
        guard let response = try await heavyReads.run(page) else {
            throw fail(
                .busy, "the board is serving other long reads; try again in a few seconds, or ask for fewer entries",
                headers: [.retryAfter: "\(busyRetrySeconds)"])
        }
        return response
    }
    table.set(router.routes.map { ("\($0.path)", $0.method.rawValue) })
    return router
}

/// The routes of the router, for telling an unknown path (404) from a known path asked with
/// another method (405). Set once, before the server starts.
final class RouteTable: @unchecked Sendable {
    private var routes: [(segments: [Substring], method: String)] = []

    func set(_ list: [(path: String, method: String)]) {
        routes = list.map { ($0.path.split(separator: "/"), $0.method) }
    }

    /// The methods of the routes whose pattern matches `path` (a capture, ":name" or "{name}", matches any one segment).
    func methods(for path: String) -> [String] {
        let parts = path.split(separator: "/")
        return routes.filter { r in
            r.segments.count == parts.count && zip(r.segments, parts).allSatisfy { $0.hasPrefix(":") || $0.hasPrefix("{") || $0 == $1 }
        }.map(\.method).sorted()
    }
}

/// Unknown routes and methods answered as every other error: JSON with a code (404 notFound,
/// 405 methodNotAllowed with the Allow header).
struct RouteErrorsMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do { return try await next(request, context) } catch let e as HTTPError where e.status == .notFound {
            let methods = table.methods(for: request.uri.path)
            if methods.isEmpty { throw fail(.notFound, "no route \(request.uri.path) on this board (see /openapi.yaml)") }
            throw fail(
                .methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path): use \(methods.joined(separator: " or "))",
                headers: [.allow: methods.joined(separator: ", ")])
        }
    }
}

/// The application: the router on the configured address and port.
public func buildApplication(
    service: BoardService, configuration config: BoardServerConfiguration, metrics: BoardMetrics = BoardMetrics(),
    logger: Logger = Logger(label: "plebiscite.board"),
    onServerRunning: @escaping @Sendable (any NIOCore.Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let counts = config.connectionsPerClient.map(ConnectionCounts.init(limit:))
    let http: HTTPServerBuilder = .http1(
        configuration: .init(
            additionalChannelHandlers: counts.map { [ConnectionCapHandler(counts: $0)] } ?? [],
            idleTimeout: .nanoseconds(Int64(config.idleTimeout / .nanoseconds(1)))))
    var server = http
    if let tls = config.tls {
        // The builder's errors come when the server starts (a bad certificate or key): it then does not start.
        do { server = try .tls(http, tlsConfiguration: tls) } catch {
            server = HTTPServerBuilder { _ in throw error }
        }
    }
    return Application(
        router: buildRouter(service: service, configuration: config, metrics: metrics),
        server: server,
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

    private init(port: Int, host: String, scheme: String, task: Task<Void, any Error>) {
        self.port = port
        self.url = "\(scheme)://\(host):\(port)"
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
            throw fail(.serverFailed, "the board server did not start")
        }
        return RunningBoard(port: port, host: configuration.host, scheme: configuration.tls == nil ? "http" : "https", task: task)
    }

    /// Stops the server (open requests are cut).
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
