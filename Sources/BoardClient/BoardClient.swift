import AsyncHTTPClient
import BoardAPI
import ElectionRecord
import Foundation
import NIOCore
import NIOHTTP1
import Ristretto
import TransparencyLog

/// Why a call to the board did not give the documented answer.
public enum BoardClientError: Error, Sendable, CustomStringConvertible {
    /// The board refused, with its typed error (code, status, failed checks).
    case refused(BoardError)
    /// The board could not be reached, or the connection broke before an answer.
    case unreachable(String)
    /// The board answered something that is not the documented response.
    case badResponse(String)
    /// What the board sent does not check out (a receipt, a proof, a downloaded log).
    case untrustworthy(String)

    public var description: String {
        switch self {
        case .refused(let e): "the board refused: \(e.code): \(e.message)"
        case .unreachable(let m): "the board cannot be reached: \(m)"
        case .badResponse(let m): "the board's answer is not as documented: \(m)"
        case .untrustworthy(let m): "the board's answer does not check out: \(m)"
        }
    }

    /// Worth trying again: the board was unreachable or its storage was (code storageUnavailable).
    public var isTransient: Bool {
        switch self {
        case .unreachable: true
        case .refused(let e): e.knownCode == .storageUnavailable || e.knownCode == .rateLimited || e.status == 429 || e.status == 503
        default: false
        }
    }
}

/// Where an election lives: a board's base URL and the election id, written as one URL
/// `http://HOST:PORT/elections/ID`.
public struct ElectionLocation: Sendable, Equatable, CustomStringConvertible {
    public var board: String
    public var electionId: String

    public init(board: String, electionId: String) {
        self.board = board.hasSuffix("/") ? String(board.dropLast()) : board
        self.electionId = electionId
    }

    /// Parses `http(s)://HOST[:PORT][/PREFIX]/elections/ID`; nil for anything else (a directory, say).
    public init?(url: String) {
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), let range = url.range(of: "/elections/", options: .backwards)
        else { return nil }
        let id = url[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !id.isEmpty, !id.contains("/") else { return nil }
        self.init(board: String(url[..<range.lowerBound]), electionId: id)
    }

    public var description: String { "\(board)/elections/\(electionId)" }
}

/// A client of the board's HTTP API (Sources/BoardServer/openapi.yaml, served at /openapi.yaml).
/// Every call either returns the documented answer or throws a `BoardClientError` that says what
/// went wrong.
public final class BoardClient: Sendable {
    public let board: String
    private let http: HTTPClient
    private let timeout: TimeAmount
    /// Heads whose signature this client checked: the receipts of one batch share a head.
    let verifiedHeads = VerifiedTreeHeads()

    /// A client of the board at `board` (http://HOST:PORT). It shares the process-wide HTTP client
    /// (up to 8 connections per board), so there is nothing to shut down.
    public init(board: String, timeout: TimeAmount = .seconds(60)) {
        self.board = board.hasSuffix("/") ? String(board.dropLast()) : board
        http = HTTPClient.shared
        self.timeout = timeout
    }

    /// Largest answer read (a whole page of entries fits).
    static let answerLimit = 256 << 20

    /// Sends one request and returns the body of a 2xx answer; a refusal comes back as `.refused`.
    /// A GET (it changes nothing) is sent again: once when the board was unreachable, up to
    /// `getRetries` times when it answered a transient refusal (busy, storage unavailable, rate
    /// limited), after the wait its Retry-After asks for (at most a minute) or a growing pause.
    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, token: String? = nil) async throws(BoardClientError)
        -> [UInt8]
    {
        var attempt = 0
        while true {
            do { return try await sendOnce(method, path, body: body, token: token) } catch {
                // Unreachable is tried once more (a connection the server had closed); a busy board several times.
                let retries = if case .unreachable = error.error { 1 } else { Self.getRetries }
                guard method == .GET, error.error.isTransient, attempt < retries else { throw error.error }
                attempt += 1
                let pause = error.retryAfter.map { min($0, 60) } ?? (0.1 * Double(1 << min(attempt, 5)))
                try? await Task.sleep(nanoseconds: UInt64(pause * 1e9))
            }
        }
    }

    /// Times a GET is sent again after a transient failure.
    static let getRetries = 5

    /// A failed request and the wait the board asked for.
    struct Failure: Error {
        var error: BoardClientError
        var retryAfter: Double?
    }

    private func sendOnce(_ method: HTTPMethod, _ path: String, body: [UInt8]?, token: String?) async throws(Failure) -> [UInt8] {
        var request = HTTPClientRequest(url: board + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let status: Int
        let retryAfter: Double?
        var bytes: [UInt8]
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = Int(response.status.code)
            retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
            var buffer = try await response.body.collect(upTo: Self.answerLimit)
            bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            throw Failure(error: .unreachable("\(method) \(path): \(error)"))
        }
        guard (200..<300).contains(status) else { throw Failure(error: Self.refusal(status: status, body: bytes), retryAfter: retryAfter) }
        return bytes
    }

    /// What a non-2xx answer says: the board's typed refusal, or else its status.
    public static func refusal(status: Int, body: [UInt8]) -> BoardClientError {
        if let e = try? RecordCoding.decode(BoardError.self, from: body) { return .refused(e) }
        return .refused(
            BoardError(
                code: status == 429 ? "rateLimited" : "httpStatus\(status)", status: status,
                message: String(decoding: body.prefix(200), as: UTF8.self)))
    }

    /// Sends and decodes the documented answer.
    func call<T: Decodable>(
        _ type: T.Type, _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, token: String? = nil
    ) async throws(BoardClientError) -> T {
        let bytes = try await send(method, path, body: body, token: token)
        do { return try RecordCoding.decode(T.self, from: bytes) } catch {
            throw .badResponse("\(method) \(path): \(error)")
        }
    }

    static func encode(_ value: some Encodable) throws(BoardClientError) -> [UInt8] {
        do { return try RecordCoding.encode(value) } catch { throw .badResponse("cannot encode the request: \(error)") }
    }

    static func path(_ id: String) -> String {
        "/elections/" + (id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id)
    }
}

extension BoardClient {
    /// The board's key and elections.
    public func info() async throws(BoardClientError) -> BoardInfo { try await call(BoardInfo.self, .GET, "/board") }

    /// Creates an election from the manifest's exact bytes (operator token); returns its tokens.
    public func createElection(manifestBytes: [UInt8], operatorToken: String) async throws(BoardClientError) -> ElectionCreated {
        try await call(ElectionCreated.self, .POST, "/elections", body: manifestBytes, token: operatorToken)
    }

    /// The manifest's exact published bytes.
    public func manifest(_ id: String) async throws(BoardClientError) -> [UInt8] {
        try await send(.GET, Self.path(id) + "/manifest")
    }

    /// Log lines `range`, exactly as stored; pages through the board's limit per request.
    public func lines(_ id: String, range: Range<Int>, page: Int = 5_000) async throws(BoardClientError) -> [[UInt8]] {
        var out = [[UInt8]]()
        out.reserveCapacity(range.count)
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(range.upperBound, start + page)
            let answer = try await call(EntriesResponse.self, .GET, Self.path(id) + "/entries?start=\(start)&end=\(end)")
            guard answer.start == start, answer.entries.count == end - start else {
                throw .badResponse("asked for entries \(start)..<\(end), got \(answer.entries.count) from \(answer.start)")
            }
            out += answer.entries.map { Array($0.utf8) }
            start = end
        }
        return out
    }

    /// What observers see of the election now: phase, counts, the result once decrypted.
    public func status(_ id: String) async throws(BoardClientError) -> ElectionStatus {
        try await call(ElectionStatus.self, .GET, Self.path(id) + "/status")
    }

    /// A freshly signed head of the election's log.
    public func treeHead(_ id: String) async throws(BoardClientError) -> SignedTreeHead {
        try await call(SignedTreeHead.self, .GET, Self.path(id) + "/tree-head")
    }

    /// The heads the board signed and stored (at close and result).
    public func storedTreeHeads(_ id: String) async throws(BoardClientError) -> [SignedTreeHead] {
        try await call(TreeHeadsResponse.self, .GET, Self.path(id) + "/tree-heads").treeHeads
    }

    /// The RFC 9162 consistency proof between two sizes.
    public func consistencyProof(_ id: String, from m: Int, to n: Int) async throws(BoardClientError) -> [[UInt8]] {
        let answer = try await call(ProofResponse.self, .GET, Self.path(id) + "/consistency?from=\(m)&to=\(n)")
        do { return try answer.proof.map { try Hex.decode($0, count: 32) } } catch {
            throw .badResponse("a consistency proof node is not 32 bytes of hex")
        }
    }

    /// Publishes a setup or post-close entry with the administrator's or a trustee's token.
    public func publish(_ id: String, _ payload: EntryPayload, token: String) async throws(BoardClientError) -> Int {
        try await call(IndexResponse.self, .POST, Self.path(id) + "/entries", body: try Self.encode(payload), token: token).index
    }

    /// Casts a ballot and returns the board's receipt, unchecked (see `castChecked`).
    public func cast(_ id: String, _ ballot: EncryptedBallot) async throws(BoardClientError) -> BoardReceipt {
        try await cast(id, ballotBytes: try Self.encode(ballot))
    }

    /// Casts a ballot given as its canonical JSON.
    func cast(_ id: String, ballotBytes: [UInt8]) async throws(BoardClientError) -> BoardReceipt {
        try await call(BoardReceipt.self, .POST, Self.path(id) + "/ballots", body: ballotBytes)
    }

    /// Casts a ballot, retrying transient failures (casting is idempotent), and checks the receipt
    /// at once: the board's signature on the head and the inclusion proof of this very ballot.
    public func castChecked(
        _ id: String, _ ballot: EncryptedBallot, boardKey: Ed25519.PublicKey, contextHash: Digest, retries: Int = 5
    ) async throws(BoardClientError) -> BoardReceipt {
        let bytes = try Self.encode(ballot)
        let hash = ballot.hash(contextHash: contextHash)
        var attempt = 0
        while true {
            let receipt: BoardReceipt
            do { receipt = try await cast(id, ballotBytes: bytes) } catch  where error.isTransient && attempt < retries {
                attempt += 1
                try? await Task.sleep(nanoseconds: UInt64(100_000_000) << min(attempt, 5))
                continue
            }
            try Self.check(
                receipt, ballotHash: hash, ballotBytes: bytes, boardKey: boardKey, contextHash: contextHash, heads: verifiedHeads)
            return receipt
        }
    }

    /// Checks the receipt of a ballot just cast, given its hash and the JSON sent. The byte-exact
    /// check holds for a board that writes canonical lines (this one does); any other line layout
    /// gets the decoding check, which needs no particular layout.
    public static func check(
        _ receipt: BoardReceipt, ballotHash hash: Digest, ballotBytes bytes: [UInt8], boardKey: Ed25519.PublicKey, contextHash: Digest,
        heads: VerifiedTreeHeads? = nil
    ) throws(BoardClientError) {
        if receipt.problem(boardKey: boardKey, ballotHash: hash, ballotBytes: bytes, heads: heads) != nil,
            let p = receipt.problem(boardKey: boardKey, ballotHash: hash, contextHash: contextHash)
        {
            throw .untrustworthy("the receipt fails its check: \(p.rawValue)")
        }
    }

    /// What became of a ballot (by hash or tracking code), checked: the answer's head signature and
    /// proofs, the line's ballot hash, the evidence for `superseded` or `revoked`, and, given the
    /// voter's receipt, that the board still holds the receipt's line and head (consistency proof).
    public func track(
        _ id: String, _ reference: BallotReference, receipt: BoardReceipt? = nil, boardKey: Ed25519.PublicKey
    ) async throws(BoardClientError) -> BallotTrack {
        let query = receipt.map { "?since=\($0.treeHead.size)" } ?? ""
        let answer = try await call(BallotTrack.self, .GET, Self.path(id) + "/ballots/\(reference)" + query)
        if let p = answer.problem(boardKey: boardKey, asked: reference, receipt: receipt) {
            throw .untrustworthy("the board's answer on ballot \(reference) fails its check: \(p.rawValue)")
        }
        return answer
    }

    /// Publishes a challenged ballot with its reveal.
    public func spoil(_ id: String, _ spoiled: SpoiledBallot) async throws(BoardClientError) -> Int {
        try await call(IndexResponse.self, .POST, Self.path(id) + "/spoiled", body: try Self.encode(spoiled)).index
    }

    /// Closes the election (administrator token); returns the signed head at the close.
    public func close(_ id: String, token: String) async throws(BoardClientError) -> SignedTreeHead {
        try await call(SignedTreeHead.self, .POST, Self.path(id) + "/close", body: Array("{}".utf8), token: token)
    }

    /// Downloads the whole record: the manifest, every line up to a freshly signed head, and the
    /// stored heads. The fresh head is added to the record's heads, so the verifier's check 1.4
    /// ties the downloaded log to the board's signature.
    public func record(_ id: String) async throws(BoardClientError) -> DownloadedRecord {
        let manifest = try await manifest(id)
        let head = try await treeHead(id)
        let lines = try await lines(id, range: 0..<head.size)
        var heads = (try await storedTreeHeads(id)).filter { $0.size <= head.size } + [head]
        heads.sort { ($0.size, $0.timestamp) < ($1.size, $1.timestamp) }
        return DownloadedRecord(manifestBytes: manifest, lines: lines, treeHeads: heads)
    }

    /// The record's first entries, up to the key ceremony's result: what a voter needs to encrypt,
    /// without the ballots cast so far. Nil while the ceremony is not finished.
    public func setupRecord(_ id: String) async throws(BoardClientError) -> DownloadedRecord? {
        let manifest = try await manifest(id)
        let size = try await treeHead(id).size
        var lines = [[UInt8]]()
        while lines.count < size {
            let page = try await self.lines(id, range: lines.count..<min(size, lines.count + 64))
            lines += page
            let ceremony = page.contains { line in
                if case .keyCeremony = (try? RecordCoding.decode(LogEntry.self, from: line))?.payload { true } else { false }
            }
            if ceremony { return DownloadedRecord(manifestBytes: manifest, lines: lines, treeHeads: []) }
        }
        return nil
    }
}

/// A record as the board served it, byte for byte, with the heads that vouch for it.
public typealias DownloadedRecord = RecordFiles
