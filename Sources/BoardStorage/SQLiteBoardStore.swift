import ElectionRecord
import Foundation
import GRDB
import TransparencyLog

/// The embedded default: one SQLite file in WAL mode with synchronous=FULL, so a line is on disk
/// when `append` returns and a crash after that loses nothing.
public final class SQLiteBoardStore: BoardStore {
    private let pool: DatabasePool

    /// Opens (creating if needed) the database file at `path`.
    public init(path: String) throws(BoardStoreError) {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try pool.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS elections (id TEXT PRIMARY KEY, manifest BLOB NOT NULL);
                        CREATE TABLE IF NOT EXISTS entries (
                            election TEXT NOT NULL REFERENCES elections(id), seq INTEGER NOT NULL, hash BLOB NOT NULL,
                            at REAL NOT NULL, line BLOB NOT NULL, ballot_hash BLOB, PRIMARY KEY (election, seq));
                        CREATE UNIQUE INDEX IF NOT EXISTS entries_ballot ON entries(election, ballot_hash) WHERE ballot_hash IS NOT NULL;
                        CREATE TABLE IF NOT EXISTS tree_heads (
                            election TEXT NOT NULL REFERENCES elections(id), position INTEGER NOT NULL, head BLOB NOT NULL,
                            PRIMARY KEY (election, position));
                        """)
            }
        } catch {
            throw .backend("cannot open \(path): \(error)")
        }
    }

    /// SQLite's journal mode ("wal") and synchronous level (2 = FULL), for checks and reports.
    public func durabilitySettings() throws(BoardStoreError) -> (journalMode: String, synchronous: Int) {
        try run {
            try pool.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
            }
        }
    }

    private func run<T>(_ body: () throws -> T) throws(BoardStoreError) -> T {
        do { return try body() } catch let e as BoardStoreError { throw e } catch { throw .backend("\(error)") }
    }

    public func createElection(id: String, manifest: [UInt8]) async throws(BoardStoreError) {
        try run {
            try pool.write { db in
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM elections WHERE id = ?", arguments: [id]) == true {
                    throw BoardStoreError.electionExists(id)
                }
                try db.execute(sql: "INSERT INTO elections (id, manifest) VALUES (?, ?)", arguments: [id, Data(manifest)])
            }
        }
    }

    public func manifest(electionId: String) async throws(BoardStoreError) -> [UInt8] {
        try run {
            guard
                let data = try pool.read({ db in
                    try Data.fetchOne(db, sql: "SELECT manifest FROM elections WHERE id = ?", arguments: [electionId])
                })
            else { throw BoardStoreError.unknownElection(electionId) }
            return Array(data)
        }
    }

    public func elections() async throws(BoardStoreError) -> [String] {
        try run { try pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM elections ORDER BY id") } }
    }

    static func tail(_ db: Database, _ election: String) throws -> LogTail {
        guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM elections WHERE id = ?"), arguments: [election]) == true else {
            throw BoardStoreError.unknownElection(election)
        }
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT seq, hash, at FROM entries WHERE election = ? ORDER BY seq DESC LIMIT 1"),
                arguments: [election])
        else { return LogTail(count: 0, lastHash: .zero, lastTime: nil) }
        let seq: Int = row["seq"]
        let hash: Data = row["hash"]
        let at: Double = row["at"]
        return LogTail(count: seq + 1, lastHash: try Digest(bytes: Array(hash)), lastTime: Date(timeIntervalSince1970: at))
    }

    /// GRDB serialises writes; the transaction holds SQLite's write lock from reading the tail to the
    /// last insert. It runs on GRDB's writer queue, so no task thread waits for the disk.
    public func appendBatch(electionId: String, _ makeLines: @escaping @Sendable (LogTail) throws -> [StoredLine]) async throws -> Int {
        do { return try await appendLocked(electionId: electionId, makeLines) } catch let e as DatabaseError
            where e.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && (e.message ?? "").contains("ballot_hash")
        { throw BoardStoreError.ballotTaken }
    }

    private func appendLocked(electionId: String, _ makeLines: @escaping @Sendable (LogTail) throws -> [StoredLine]) async throws -> Int {
        try await pool.write { db in
            let first = try Self.tail(db, electionId)
            var tail = first
            let insert = try db.cachedStatement(
                sql: "INSERT INTO entries (election, seq, hash, at, line, ballot_hash) VALUES (?, ?, ?, ?, ?, ?)")
            for stored in try makeLines(first) {
                let entry = try stored.header(continuing: tail)
                let next = tail.advanced(by: stored, header: entry)
                try insert.execute(
                    arguments: [
                        electionId, tail.count, Data(next.lastHash.bytes), entry.at.timeIntervalSince1970, Data(stored.line),
                        stored.ballotHash.map { Data($0.bytes) },
                    ])
                tail = next
            }
            return first.count
        }
    }

    public func tail(electionId: String) async throws(BoardStoreError) -> LogTail {
        try run { try pool.read { db in try Self.tail(db, electionId) } }
    }

    public func lines(electionId: String, range: Range<Int>) async throws(BoardStoreError) -> [[UInt8]] {
        try run {
            try pool.read { db in
                let tail = try Self.tail(db, electionId)
                guard range.lowerBound >= 0, range.upperBound <= tail.count else {
                    throw BoardStoreError.outOfRange(requested: range, size: tail.count)
                }
                return try Data.fetchAll(
                    db, sql: "SELECT line FROM entries WHERE election = ? AND seq >= ? AND seq < ? ORDER BY seq",
                    arguments: [electionId, range.lowerBound, range.upperBound]
                ).map(Array.init)
            }
        }
    }

    public func sequences(electionId: String, ballotHashes: [Digest]) async throws(BoardStoreError) -> [Digest: Int] {
        guard !ballotHashes.isEmpty else { return [:] }
        return try run {
            try pool.read { db in
                var found = [Digest: Int]()
                // SQLite binds at most 32,766 parameters: batches are far smaller, but stay safe.
                for chunk in stride(from: 0, to: ballotHashes.count, by: 1_000).map({
                    ballotHashes[$0..<min($0 + 1_000, ballotHashes.count)]
                }) {
                    let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                    for row in try Row.fetchAll(
                        db, sql: "SELECT seq, ballot_hash FROM entries WHERE election = ? AND ballot_hash IN (\(marks))",
                        arguments: StatementArguments([electionId] + chunk.map { Data($0.bytes) }))
                    {
                        if let hash = try? Digest(bytes: Array(row["ballot_hash"] as Data)) { found[hash] = row["seq"] }
                    }
                }
                return found
            }
        }
    }

    public func ballots(electionId: String, hashPrefix prefix: [UInt8], limit: Int) async throws(BoardStoreError) -> [(
        seq: Int, ballotHash: Digest
    )] {
        let (lower, upper) = Self.hashRange(prefix)
        return try run {
            try pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT seq, ballot_hash FROM entries WHERE election = ? AND ballot_hash >= ?"
                        + (upper == nil ? "" : " AND ballot_hash < ?") + " ORDER BY seq LIMIT ?",
                    arguments: StatementArguments([electionId, Data(lower)] + (upper.map { [Data($0)] } ?? []) + [limit])
                ).compactMap { row in
                    (try? Digest(bytes: Array(row["ballot_hash"] as Data))).map { (seq: row["seq"], ballotHash: $0) }
                }
            }
        }
    }

    public func saveTreeHead(electionId: String, _ head: SignedTreeHead) async throws(BoardStoreError) -> Bool {
        try run {
            try pool.write { db in
                _ = try Self.tail(db, electionId)
                if let last = try Data.fetchOne(
                    db, sql: "SELECT head FROM tree_heads WHERE election = ? ORDER BY position DESC LIMIT 1", arguments: [electionId]),
                    try RecordCoding.decode(SignedTreeHead.self, from: Array(last)).size >= head.size
                {
                    return false
                }
                let next =
                    try Int.fetchOne(
                        db, sql: "SELECT COALESCE(MAX(position) + 1, 0) FROM tree_heads WHERE election = ?", arguments: [electionId]) ?? 0
                try db.execute(
                    sql: "INSERT INTO tree_heads (election, position, head) VALUES (?, ?, ?)",
                    arguments: [electionId, next, Data(try RecordCoding.encode(head))])
                return true
            }
        }
    }

    public func treeHeads(electionId: String) async throws(BoardStoreError) -> [SignedTreeHead] {
        try run {
            try pool.read { db in
                _ = try Self.tail(db, electionId)
                return try Data.fetchAll(
                    db, sql: "SELECT head FROM tree_heads WHERE election = ? ORDER BY position", arguments: [electionId]
                )
                .map { try RecordCoding.decode(SignedTreeHead.self, from: Array($0)) }
            }
        }
    }
}
