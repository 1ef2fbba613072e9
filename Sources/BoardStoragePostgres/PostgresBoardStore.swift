import BoardStorage
import ElectionRecord
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization
import TransparencyLog

/// The board's log on PostgreSQL. Several board servers may share one database, and lines stay
/// strictly ordered and gap-free: an append either continues the tail this store appended last,
/// in one INSERT that the primary key (election, seq) refuses if another writer appended first,
/// or locks its election's row (SELECT ... FOR NO KEY UPDATE) for a transaction that reads the tail,
/// inserts and commits. (NO KEY UPDATE: the one-statement INSERTs' foreign-key checks share the
/// row instead of queueing behind it, so the two kinds of append wait on each other only where
/// they take the same sequence number, which they do in ascending order: no deadlock.) `append`
/// returns after the commit.
///
/// Every operation has a deadline: when the server goes away, PostgresNIO can leave a query that
/// was waiting (for a connection, or for the election's row lock) unanswered for ever, and one such
/// append would stall the board. Past the deadline the caller gets a clear error and may retry;
/// an append abandoned this way may still have committed, which the board finds when it next reads
/// the tail.
public final class PostgresBoardStore: BoardStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger = Logger(label: "plebiscite.board.postgres")
    private let deadline: Duration

    /// Connects (the client runs until `close`) and creates the tables if needed.
    public convenience init(
        host: String, port: Int, username: String, password: String?, database: String, connectTimeout: Duration = .seconds(10),
        deadline: Duration = .seconds(30)
    ) async throws(BoardStoreError) {
        try await self.init(
            PostgresLocation(host: host, port: port, username: username, password: password, database: database),
            connectTimeout: connectTimeout, deadline: deadline)
    }

    /// Connects to `location` (with its TLS mode), and creates the tables if needed.
    public init(_ location: PostgresLocation, connectTimeout: Duration = .seconds(10), deadline: Duration = .seconds(30))
        async throws(BoardStoreError)
    {
        self.deadline = deadline
        let (host, port) = (location.host, location.port)
        var config = PostgresClient.Configuration(
            host: host, port: port, username: location.username, password: location.password, database: location.database,
            tls: try location.clientTLS())
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
            throw .backend("cannot prepare the database \(location.database) on \(host):\(port): \(String(reflecting: error))")
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

    /// Runs `body` with the store's deadline; its errors become `BoardStoreError`s.
    private func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws(BoardStoreError) -> T {
        do { return try await Self.answer(within: deadline, body) } catch let e as BoardStoreError { throw e } catch let e
            as PostgresTransactionError
        {
            // Errors thrown by our own code inside a transaction (the tail moved, say) come back as they were.
            if let inner = e.closureError as? BoardStoreError { throw inner }
            throw .backend(String(reflecting: e))
        } catch { throw .backend(String(reflecting: error)) }
    }

    /// The answer of `body`, or `.backend` once `limit` has passed without one; `body` is then
    /// cancelled and left to end on its own.
    static func answer<T: Sendable>(within limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let first = FirstAnswer<T>()
        return try await withCheckedThrowingContinuation { reply in
            let timer = Task {
                do { try await Task.sleep(for: limit) } catch { return }  // cancelled: the answer came
                if first.settle(.failure(BoardStoreError.backend("PostgreSQL gave no answer within \(limit)")), reply) {
                    first.cancelWork()
                }
            }
            first.setWork(
                Task {
                    do { first.settle(.success(try await body()), reply) } catch { first.settle(.failure(error), reply) }
                    timer.cancel()
                })
        }
    }

    static func bytes(_ b: ByteBuffer) -> [UInt8] { b.getBytes(at: b.readerIndex, length: b.readableBytes) ?? [] }

    public func createElection(id: String, manifest: [UInt8]) async throws(BoardStoreError) {
        try await run { [self] in
            let rows = try await client.query(
                "INSERT INTO elections (id, manifest) VALUES (\(id), \(ByteBuffer(bytes: manifest))) ON CONFLICT DO NOTHING RETURNING id",
                logger: logger)
            var inserted = false
            for try await _ in rows { inserted = true }
            if !inserted { throw BoardStoreError.electionExists(id) }
        }
    }

    public func manifest(electionId: String) async throws(BoardStoreError) -> [UInt8] {
        try await run { [self] in
            for try await m in try await client.query("SELECT manifest FROM elections WHERE id = \(electionId)", logger: logger).decode(
                ByteBuffer.self)
            {
                return Self.bytes(m)
            }
            throw BoardStoreError.unknownElection(electionId)
        }
    }

    public func elections() async throws(BoardStoreError) -> [String] {
        try await run { [self] in
            var out = [String]()
            for try await id in try await client.query("SELECT id FROM elections ORDER BY id", logger: logger).decode(String.self) {
                out.append(id)
            }
            return out
        }
    }

    static func tail(_ connection: PostgresConnection, _ election: String, lock: Bool, logger: Logger) async throws -> LogTail {
        let check: PostgresQuery =
            lock ? "SELECT id FROM elections WHERE id = \(election) FOR NO KEY UPDATE" : "SELECT id FROM elections WHERE id = \(election)"
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

    /// Appends in one statement when this store knows its election's tail (it appended last) and
    /// has no other append of it running:
    /// the lines go in at the next sequence numbers, and the primary key on (election, seq) refuses
    /// them if another writer appended first; then, and when the tail is not known, it appends in
    /// a transaction that locks the election's row and reads the tail.
    public func appendBatch(electionId: String, _ makeLines: @escaping @Sendable (LogTail) throws -> [StoredLine]) async throws -> Int {
        let (client, logger) = (self.client, self.logger)
        let alone = appends.withLock { state in
            state.inFlight[electionId, default: 0] += 1
            return state.inFlight[electionId] == 1 ? state.knownTails[electionId] : nil
        }
        defer { appends.withLock { $0.inFlight[electionId]! -= 1 } }
        if let known = alone {
            do {
                let batch = try Batch(continuing: known, lines: try makeLines(known))
                try await run {
                    do { try await client.query(batch.query(electionId), logger: logger) } catch  where Self.sequenceTaken(error) {
                        throw BoardStoreError.tailMoved
                    } catch  where Self.ballotTaken(error) { throw BoardStoreError.ballotTaken }
                }
                remember(electionId, batch.tail)
                return known.count
            } catch BoardStoreError.tailMoved {
                // The known tail or the caller's is behind: the locked path settles which.
                appends.withLock { _ = $0.knownTails.removeValue(forKey: electionId) }
            }
        }
        let (first, tail) = try await run {
            // One-statement appends of other servers do not wait for the lock: when one takes the
            // sequence numbers first, read the tail again.
            for _ in 0..<16 {
                do {
                    return try await client.withTransaction(logger: logger) { connection in
                        let first = try await Self.tail(connection, electionId, lock: true, logger: logger)
                        let batch = try Batch(continuing: first, lines: try makeLines(first))
                        do { try await connection.query(batch.query(electionId), logger: logger) } catch  where Self.sequenceTaken(error) {
                            throw SequenceTaken()
                        } catch  where Self.ballotTaken(error) { throw BoardStoreError.ballotTaken }
                        return (first, batch.tail)
                    }
                } catch let e as PostgresTransactionError where e.closureError is SequenceTaken {}
            }
            throw BoardStoreError.backend("the log of \(electionId) kept moving under concurrent appends")
        }
        remember(electionId, tail)
        return first.count
    }

    /// Another writer inserted a line at one of the batch's sequence numbers.
    private struct SequenceTaken: Error {}

    private static func sequenceTaken(_ error: any Error) -> Bool { uniqueViolation(error, of: "entries_pkey") }

    /// The unique index on ballot hashes refused a line: that ballot (or its spoiled twin) is stored.
    private static func ballotTaken(_ error: any Error) -> Bool { uniqueViolation(error, of: "entries_ballot") }

    private static func uniqueViolation(_ error: any Error, of constraint: String) -> Bool {
        guard let e = error as? PSQLError else { return false }
        return e.serverInfo?[.sqlState] == "23505" && e.serverInfo?[.constraintName] == constraint
    }

    /// Per election: the tail after this store's last append, and how many appends are running.
    /// The one-statement append is for an append running alone: concurrent appends of one store
    /// take the lock in turn rather than race for the same sequence numbers.
    private let appends = Mutex<(knownTails: [String: LogTail], inFlight: [String: Int])>(([:], [:]))

    private func remember(_ election: String, _ tail: LogTail) {
        appends.withLock { state in
            if state.knownTails[election].map({ $0.count < tail.count }) ?? true { state.knownTails[election] = tail }
        }
    }

    /// Lines checked to continue a tail (each names the right seq and prev), as the arrays of one INSERT.
    struct Batch: Sendable {
        var seqs = [Int64](), hashes = [ByteBuffer](), times = [Double](), lines = [ByteBuffer](), ballots = [ByteBuffer]()
        /// The tail after the batch.
        var tail: LogTail

        init(continuing start: LogTail, lines stored: [StoredLine]) throws {
            tail = start
            for line in stored {
                let entry = try line.header(continuing: tail)
                let next = tail.advanced(by: line, header: entry)
                seqs.append(Int64(tail.count))
                hashes.append(ByteBuffer(bytes: next.lastHash.bytes))
                times.append(entry.at.timeIntervalSince1970)
                lines.append(ByteBuffer(bytes: line.line))
                ballots.append(ByteBuffer(bytes: line.ballotHash?.bytes ?? []))  // empty: no ballot (NULL)
                tail = next
            }
        }

        /// The whole batch in one statement: one round trip, not one per line.
        func query(_ election: String) -> PostgresQuery {
            """
            INSERT INTO entries (election, seq, hash, at, line, ballot_hash)
            SELECT \(election), s, h, a, l, NULLIF(b, ''::bytea)
            FROM UNNEST(\(seqs)::bigint[], \(hashes)::bytea[], \(times)::float8[], \(lines)::bytea[], \(ballots)::bytea[]) AS t(s, h, a, l, b)
            """
        }
    }

    public func tail(electionId: String) async throws(BoardStoreError) -> LogTail {
        let logger = self.logger
        return try await run { [client] in
            try await client.withConnection { try await Self.tail($0, electionId, lock: false, logger: logger) }
        }
    }

    public func lines(electionId: String, range: Range<Int>) async throws(BoardStoreError) -> [[UInt8]] {
        let tail = try await tail(electionId: electionId)
        guard range.lowerBound >= 0, range.upperBound <= tail.count else { throw .outOfRange(requested: range, size: tail.count) }
        return try await run { [self] in
            var out = [[UInt8]]()
            out.reserveCapacity(range.count)
            for try await line in try await client.query(
                "SELECT line FROM entries WHERE election = \(electionId) AND seq >= \(Int64(range.lowerBound)) AND seq < \(Int64(range.upperBound)) ORDER BY seq",
                logger: logger
            ).decode(ByteBuffer.self) { out.append(Self.bytes(line)) }
            return out
        }
    }

    public func sequences(electionId: String, ballotHashes: [Digest]) async throws(BoardStoreError) -> [Digest: Int] {
        guard !ballotHashes.isEmpty else { return [:] }
        let hashes = ballotHashes.map { ByteBuffer(bytes: $0.bytes) }
        return try await run { [self] in
            var found = [Digest: Int]()
            for try await (seq, hash) in try await client.query(
                "SELECT seq, ballot_hash FROM entries WHERE election = \(electionId) AND ballot_hash = ANY(\(hashes)::bytea[])",
                logger: logger
            ).decode((Int64, ByteBuffer).self) {
                if let digest = try? Digest(bytes: Self.bytes(hash)) { found[digest] = Int(seq) }
            }
            return found
        }
    }

    public func ballots(electionId: String, hashPrefix prefix: [UInt8], limit: Int) async throws(BoardStoreError) -> [(
        seq: Int, ballotHash: Digest
    )] {
        let (lower, upper) = Self.hashRange(prefix)
        // With no upper bound, every hash is below 33 bytes of 0xFF.
        let above = ByteBuffer(bytes: upper ?? [UInt8](repeating: 0xFF, count: 33))
        return try await run { [self] in
            var out = [(seq: Int, ballotHash: Digest)]()
            for try await (seq, hash) in try await client.query(
                """
                SELECT seq, ballot_hash FROM entries WHERE election = \(electionId) AND ballot_hash >= \(ByteBuffer(bytes: lower))
                AND ballot_hash < \(above) ORDER BY seq LIMIT \(limit)
                """, logger: logger
            ).decode((Int64, ByteBuffer).self) {
                if let digest = try? Digest(bytes: Array(buffer: hash)) { out.append((Int(seq), digest)) }
            }
            return out
        }
    }

    public func saveTreeHead(electionId: String, _ head: SignedTreeHead) async throws(BoardStoreError) -> Bool {
        let logger = self.logger
        return try await run { [self] in
            let encoded = ByteBuffer(bytes: try RecordCoding.encode(head))
            return try await client.withTransaction(logger: logger) { connection in
                // The election's row lock orders this with every other server's heads.
                _ = try await Self.tail(connection, electionId, lock: true, logger: logger)
                var lastSize = -1
                for try await last in try await connection.query(
                    "SELECT head FROM tree_heads WHERE election = \(electionId) ORDER BY position DESC LIMIT 1", logger: logger
                ).decode(ByteBuffer.self) { lastSize = try RecordCoding.decode(SignedTreeHead.self, from: Self.bytes(last)).size }
                if lastSize >= head.size { return false }
                try await connection.query(
                    """
                    INSERT INTO tree_heads (election, position, head)
                    SELECT \(electionId), COALESCE(MAX(position) + 1, 0), \(encoded) FROM tree_heads WHERE election = \(electionId)
                    """, logger: logger)
                return true
            }
        }
    }

    public func treeHeads(electionId: String) async throws(BoardStoreError) -> [SignedTreeHead] {
        _ = try await tail(electionId: electionId)
        return try await run { [self] in
            var out = [SignedTreeHead]()
            for try await head in try await client.query(
                "SELECT head FROM tree_heads WHERE election = \(electionId) ORDER BY position", logger: logger
            ).decode(ByteBuffer.self) { out.append(try RecordCoding.decode(SignedTreeHead.self, from: Self.bytes(head))) }
            return out
        }
    }
}

/// The first of several answers to one waiting caller; the others are dropped.
private final class FirstAnswer<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var settled = false
    private var work: Task<Void, Never>?

    /// Resumes `reply` with `result` unless it was already resumed; returns whether it did.
    @discardableResult
    func settle(_ result: Result<T, any Error>, _ reply: CheckedContinuation<T, any Error>) -> Bool {
        let first = lock.withLock {
            defer { settled = true }
            return !settled
        }
        if first { reply.resume(with: result) }
        return first
    }

    func setWork(_ task: Task<Void, Never>) { lock.withLock { work = task } }
    func cancelWork() { lock.withLock { work }?.cancel() }
}
