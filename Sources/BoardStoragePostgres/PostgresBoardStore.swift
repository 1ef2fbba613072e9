import BoardStorage
import ElectionRecord
import Foundation
import Logging
import NIOCore
import PostgresNIO
import TransparencyLog

/// The board's log on PostgreSQL. Several board servers may share one database: an append locks
/// its election's row (SELECT ... FOR UPDATE) for the transaction, reads the tail, inserts and
/// commits, so lines stay strictly ordered and gap-free; `append` returns after the commit.
public final class PostgresBoardStore: BoardStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger = Logger(label: "plebiscite.board.postgres")

    /// Connects (the client runs until `close`) and creates the tables if needed.
    public init(
        host: String, port: Int, username: String, password: String?, database: String, connectTimeout: Duration = .seconds(10)
    ) async throws(BoardStoreError) {
        var config = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable)
        config.options.maximumConnections = 16
        config.options.connectTimeout = connectTimeout
        var poolLogger = Logger(label: "plebiscite.board.postgres.pool")
        poolLogger.logLevel = .error
        let client = PostgresClient(configuration: config, backgroundLogger: poolLogger)
        self.client = client
        runner = Task { await client.run() }
        let logger = self.logger
        do {
            // The pool retries failed connections for ever: bound the first contact.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await Self.prepare(client, logger: logger) }
                group.addTask {
                    try await Task.sleep(for: connectTimeout)
                    throw BoardStoreError.backend("no answer from PostgreSQL at \(host):\(port) within \(connectTimeout)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let e as BoardStoreError {
            runner.cancel()
            throw e
        } catch {
            runner.cancel()
            throw .backend("cannot prepare the database \(database) on \(host):\(port): \(String(reflecting: error))")
        }
    }

    static func prepare(_ client: PostgresClient, logger: Logger) async throws {
        for statement in [
            "CREATE TABLE IF NOT EXISTS elections (id TEXT PRIMARY KEY, manifest BYTEA NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS entries (election TEXT NOT NULL REFERENCES elections(id), seq BIGINT NOT NULL,
            hash BYTEA NOT NULL, at DOUBLE PRECISION NOT NULL, line BYTEA NOT NULL, ballot_hash BYTEA, PRIMARY KEY (election, seq))
            """,
            "CREATE UNIQUE INDEX IF NOT EXISTS entries_ballot ON entries(election, ballot_hash) WHERE ballot_hash IS NOT NULL",
            """
            CREATE TABLE IF NOT EXISTS tree_heads (election TEXT NOT NULL REFERENCES elections(id), position BIGINT NOT NULL,
            head BYTEA NOT NULL, PRIMARY KEY (election, position))
            """,
        ] {
            try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }

    deinit { runner.cancel() }

    /// Stops the connection pool.
    public func close() { runner.cancel() }

    private func run<T>(_ body: () async throws -> T) async throws(BoardStoreError) -> T {
        do { return try await body() } catch let e as BoardStoreError { throw e } catch { throw .backend(String(reflecting: error)) }
    }

    static func bytes(_ b: ByteBuffer) -> [UInt8] { b.getBytes(at: b.readerIndex, length: b.readableBytes) ?? [] }

    public func createElection(id: String, manifest: [UInt8]) async throws(BoardStoreError) {
        try await run {
            let rows = try await client.query(
                "INSERT INTO elections (id, manifest) VALUES (\(id), \(ByteBuffer(bytes: manifest))) ON CONFLICT DO NOTHING RETURNING id",
                logger: logger)
            var inserted = false
            for try await _ in rows { inserted = true }
            if !inserted { throw BoardStoreError.electionExists(id) }
        }
    }

    public func manifest(electionId: String) async throws(BoardStoreError) -> [UInt8] {
        try await run {
            for try await m in try await client.query("SELECT manifest FROM elections WHERE id = \(electionId)", logger: logger).decode(
                ByteBuffer.self)
            {
                return Self.bytes(m)
            }
            throw BoardStoreError.unknownElection(electionId)
        }
    }

    public func elections() async throws(BoardStoreError) -> [String] {
        try await run {
            var out = [String]()
            for try await id in try await client.query("SELECT id FROM elections ORDER BY id", logger: logger).decode(String.self) {
                out.append(id)
            }
            return out
        }
    }

    static func tail(_ connection: PostgresConnection, _ election: String, lock: Bool, logger: Logger) async throws -> LogTail {
        let check: PostgresQuery =
            lock ? "SELECT id FROM elections WHERE id = \(election) FOR UPDATE" : "SELECT id FROM elections WHERE id = \(election)"
        var exists = false
        for try await _ in try await connection.query(check, logger: logger) { exists = true }
        guard exists else { throw BoardStoreError.unknownElection(election) }
        for try await (seq, hash, at) in try await connection.query(
            "SELECT seq, hash, at FROM entries WHERE election = \(election) ORDER BY seq DESC LIMIT 1", logger: logger
        ).decode((Int64, ByteBuffer, Double).self) {
            return LogTail(count: Int(seq) + 1, lastHash: try Digest(bytes: bytes(hash)), lastTime: Date(timeIntervalSince1970: at))
        }
        return LogTail(count: 0, lastHash: .zero, lastTime: nil)
    }

    public func appendBatch(electionId: String, _ makeLines: @Sendable (LogTail) throws -> [StoredLine]) async throws -> Int {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            let first = try await Self.tail(connection, electionId, lock: true, logger: logger)
            var tail = first
            for stored in try makeLines(first) {
                let entry = try stored.entry(continuing: tail)
                let hash = ByteBuffer(bytes: ProtocolHashes.entryHash(stored.line).bytes)
                let ballot = stored.ballotHash.map { ByteBuffer(bytes: $0.bytes) }
                try await connection.query(
                    """
                    INSERT INTO entries (election, seq, hash, at, line, ballot_hash)
                    VALUES (\(electionId), \(Int64(tail.count)), \(hash), \(entry.at.timeIntervalSince1970), \(ByteBuffer(bytes: stored.line)), \(ballot))
                    """, logger: logger)
                tail = tail.advanced(by: stored, entry: entry)
            }
            return first.count
        }
    }

    public func tail(electionId: String) async throws(BoardStoreError) -> LogTail {
        let logger = self.logger
        return try await run { try await client.withConnection { try await Self.tail($0, electionId, lock: false, logger: logger) } }
    }

    public func lines(electionId: String, range: Range<Int>) async throws(BoardStoreError) -> [[UInt8]] {
        let tail = try await tail(electionId: electionId)
        guard range.lowerBound >= 0, range.upperBound <= tail.count else { throw .outOfRange(requested: range, size: tail.count) }
        return try await run {
            var out = [[UInt8]]()
            out.reserveCapacity(range.count)
            for try await line in try await client.query(
                "SELECT line FROM entries WHERE election = \(electionId) AND seq >= \(Int64(range.lowerBound)) AND seq < \(Int64(range.upperBound)) ORDER BY seq",
                logger: logger
            ).decode(ByteBuffer.self) { out.append(Self.bytes(line)) }
            return out
        }
    }

    public func sequence(electionId: String, ballotHash: Digest) async throws(BoardStoreError) -> Int? {
        try await run {
            for try await seq in try await client.query(
                "SELECT seq FROM entries WHERE election = \(electionId) AND ballot_hash = \(ByteBuffer(bytes: ballotHash.bytes))",
                logger: logger
            ).decode(Int64.self) { return Int(seq) }
            return nil
        }
    }

    public func saveTreeHead(electionId: String, _ head: SignedTreeHead) async throws(BoardStoreError) {
        let logger = self.logger
        try await run {
            let encoded = ByteBuffer(bytes: try RecordCoding.encode(head))
            try await client.withTransaction(logger: logger) { connection in
                _ = try await Self.tail(connection, electionId, lock: true, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO tree_heads (election, position, head)
                    SELECT \(electionId), COALESCE(MAX(position) + 1, 0), \(encoded) FROM tree_heads WHERE election = \(electionId)
                    """, logger: logger)
            }
        }
    }

    public func treeHeads(electionId: String) async throws(BoardStoreError) -> [SignedTreeHead] {
        _ = try await tail(electionId: electionId)
        return try await run {
            var out = [SignedTreeHead]()
            for try await head in try await client.query(
                "SELECT head FROM tree_heads WHERE election = \(electionId) ORDER BY position", logger: logger
            ).decode(ByteBuffer.self) { out.append(try RecordCoding.decode(SignedTreeHead.self, from: Self.bytes(head))) }
            return out
        }
    }
}
