import ElectionRecord
import Foundation
import GRDB

/// The durable outbox of a mobile device that collects ballots without a network: each ballot
/// is committed to disk (SQLite, WAL, synchronous=FULL) before the voter gets a slip, and stays
/// until the board answered it with a receipt or a typed refusal, which the outbox keeps too.
/// An outbox belongs to one election and one device and says so.
public final class Outbox: @unchecked Sendable {
    /// Whose outbox this is.
    public struct Owner: Sendable, Equatable {
        public var electionId: String
        public var manifestHash: Digest
        public var deviceId: String

        public init(electionId: String, manifestHash: Digest, deviceId: String) {
            self.electionId = electionId
            self.manifestHash = manifestHash
            self.deviceId = deviceId
        }
    }

    /// Where a ballot stands.
    public enum Status: String, Sendable, Codable {
        /// On the device only.
        case pending
        /// On the board, with the receipt kept.
        case cast
        /// The board refused it, with this code and message; or the device found the stored ballot
        /// unusable (code `corruptedBallot`: it does not decode, or not to its ballot hash).
        case refused
    }

    /// The refusal code of a stored ballot the device cannot send as collected.
    public static let corruptedBallot = "corruptedBallot"

    /// One collected ballot.
    public struct Item: Sendable {
        public var number: Int
        public var ballotHash: Digest
        public var trackingCode: String
        /// The ballot's canonical JSON, as it will be sent.
        public var ballot: [UInt8]
        public var collectedAt: Date
        public var status: Status
        /// The log index, once cast.
        public var seq: Int?
        /// The board's receipt (JSON), once cast.
        public var receipt: [UInt8]?
        public var refusalCode: String?
        public var refusalMessage: String?
    }

    /// Why an outbox cannot be used.
    public enum OutboxError: Error, Equatable, CustomStringConvertible {
        case otherElection(found: String, expected: String)
        case otherDevice(found: String, expected: String)
        case otherManifest(electionId: String)
        case corrupted(String)
        case notAnOutbox(String)
        case io(String)

        public var description: String {
            switch self {
            case .otherElection(let f, let e): "this outbox belongs to election \(f), not \(e)"
            case .otherDevice(let f, let e): "this outbox belongs to device \(f), not \(e)"
            case .otherManifest(let id): "this outbox was made under another manifest of election \(id)"
            case .corrupted(let m): "the outbox is corrupted: \(m); keep the file for inspection and do not delete it"
            case .notAnOutbox(let m): "not a Plebiscite outbox: \(m)"
            case .io(let m): "the outbox cannot be read or written: \(m)"
            }
        }
    }

    public let path: String
    public let owner: Owner
    private let queue: DatabaseQueue

    /// Opens the outbox at `path` for `owner`, creating it when there is none. An outbox of another
    /// election, manifest or device, a file that is not an outbox, and a damaged one are refused.
    public init(path: String, owner: Owner) throws(OutboxError) {
        self.path = path
        self.owner = owner
        let exists = FileManager.default.fileExists(atPath: path)
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch { throw .notAnOutbox("\(path): \(error)") }
        do {
            try queue.writeWithoutTransaction { db in
                if exists {
                    let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                    guard check == ["ok"] else { throw OutboxError.corrupted(check.prefix(3).joined(separator: "; ")) }
                }
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try queue.write { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                if exists, !tables.isEmpty, !tables.contains("outbox_owner") {
                    throw OutboxError.notAnOutbox("\(path) is another SQLite database")
                }
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS outbox_owner (
                            id INTEGER PRIMARY KEY CHECK (id = 1), election TEXT NOT NULL, manifest_hash TEXT NOT NULL, device TEXT NOT NULL);
                        CREATE TABLE IF NOT EXISTS ballots (
                            number INTEGER PRIMARY KEY, ballot_hash TEXT NOT NULL UNIQUE, tracking_code TEXT NOT NULL,
                            ballot BLOB NOT NULL, collected_at REAL NOT NULL,
                            status TEXT NOT NULL CHECK (status IN ('pending', 'cast', 'refused')),
                            seq INTEGER, receipt BLOB, refusal_code TEXT, refusal_message TEXT);
                        """)
                if let found = try Self.storedOwner(db) {
                    guard found.electionId == owner.electionId else {
                        throw OutboxError.otherElection(found: found.electionId, expected: owner.electionId)
                    }
                    guard found.deviceId == owner.deviceId else {
                        throw OutboxError.otherDevice(found: found.deviceId, expected: owner.deviceId)
                    }
                    guard found.manifestHash == owner.manifestHash else { throw OutboxError.otherManifest(electionId: found.electionId) }
                } else {
                    try db.execute(
                        sql: "INSERT INTO outbox_owner (id, election, manifest_hash, device) VALUES (1, ?, ?, ?)",
                        arguments: [owner.electionId, owner.manifestHash.hex, owner.deviceId])
                }
            }
        } catch let e as OutboxError { throw e } catch let e as DatabaseError
            where e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB
        {
            throw .corrupted("\(e.message ?? "\(e)")")
        } catch let e as RowDecodingError { throw .corrupted("\(e)") } catch { throw .io("\(error)") }
    }

    /// The owner recorded in an outbox file, without opening it for a device (for `device upload`).
    public static func owner(at path: String) throws(OutboxError) -> Owner {
        guard FileManager.default.fileExists(atPath: path) else { throw .io("no outbox at \(path)") }
        do {
            let q = try DatabaseQueue(
                path: path,
                configuration: {
                    var c = Configuration(); c.readonly = true; return c
                }())
            return try q.read { db in
                guard try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'").contains("outbox_owner"),
                    let found = try storedOwner(db)
                else { throw OutboxError.notAnOutbox("\(path) has no owner") }
                return found
            }
        } catch let e as OutboxError { throw e } catch let e as DatabaseError
            where e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB
        {
            throw .corrupted("\(e.message ?? "\(e)")")
        } catch let e as RowDecodingError { throw .corrupted("\(e)") } catch { throw .io("\(error)") }
    }

    /// The owner row of an open outbox, if it has one.
    private static func storedOwner(_ db: Database) throws -> Owner? {
        guard let row = try Row.fetchOne(db, sql: "SELECT election, manifest_hash, device FROM outbox_owner") else { return nil }
        let hash: String = try row.decode(forColumn: "manifest_hash")
        guard let digest = try? Digest(hex: hash) else { throw OutboxError.corrupted("its manifest hash \(hash.prefix(80)) is not hex") }
        return Owner(electionId: try row.decode(forColumn: "election"), manifestHash: digest, deviceId: try row.decode(forColumn: "device"))
    }

    private func run<T>(_ body: () throws -> T) throws(OutboxError) -> T {
        do { return try body() } catch let e as OutboxError { throw e } catch let e as DatabaseError
            where e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB
        {
            throw .corrupted("\(e.message ?? "\(e)")")
        } catch let e as RowDecodingError { throw .corrupted("\(e)") } catch { throw .io("\(error)") }
    }

    /// Keeps a collected ballot (committed to disk when this returns). Returns its number.
    @discardableResult
    public func add(ballotHash: Digest, ballot: [UInt8], at time: Date) throws(OutboxError) -> Int {
        try run {
            try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO ballots (ballot_hash, tracking_code, ballot, collected_at, status) VALUES (?, ?, ?, ?, 'pending')",
                    arguments: [ballotHash.hex, ProtocolHashes.trackingCode(ballotHash), Data(ballot), time.timeIntervalSince1970])
                return Int(db.lastInsertedRowID)
            }
        }
    }

    /// The board's receipt for a ballot.
    public func markCast(_ number: Int, seq: Int, receipt: [UInt8]) throws(OutboxError) {
        try run {
            try queue.write { db in
                try db.execute(
                    sql:
                        "UPDATE ballots SET status = 'cast', seq = ?, receipt = ?, refusal_code = NULL, refusal_message = NULL WHERE number = ?",
                    arguments: [seq, Data(receipt), number])
            }
        }
    }

    /// The board's typed refusal of a ballot.
    public func markRefused(_ number: Int, code: String, message: String) throws(OutboxError) {
        try run {
            try queue.write { db in
                try db.execute(
                    sql: "UPDATE ballots SET status = 'refused', refusal_code = ?, refusal_message = ? WHERE number = ?",
                    arguments: [code, message, number])
            }
        }
    }

    /// Every ballot, or those with `status`, in the order collected.
    public func items(_ status: Status? = nil) throws(OutboxError) -> [Item] {
        try run {
            try queue.read { db in
                let rows =
                    if let status {
                        try Row.fetchAll(db, sql: "SELECT * FROM ballots WHERE status = ? ORDER BY number", arguments: [status.rawValue])
                    } else {
                        try Row.fetchAll(db, sql: "SELECT * FROM ballots ORDER BY number")
                    }
                return try rows.map(Self.item)
            }
        }
    }

    /// A stored row as an item; a value of the wrong type or a NULL where the schema has none
    /// (a file written by something else) is a corrupted outbox, never a trap.
    private static func item(_ r: Row) throws -> Item {
        let number: Int = try r.decode(forColumn: "number")
        let hash: String = try r.decode(forColumn: "ballot_hash"), status: String = try r.decode(forColumn: "status")
        guard let digest = try? Digest(hex: hash), let st = Status(rawValue: status) else {
            throw OutboxError.corrupted("ballot \(number) has a malformed hash or status")
        }
        return Item(
            number: number, ballotHash: digest, trackingCode: try r.decode(forColumn: "tracking_code"),
            ballot: Array(try r.decode(Data.self, forColumn: "ballot")),
            collectedAt: Date(timeIntervalSince1970: try r.decode(forColumn: "collected_at")), status: st,
            seq: try r.decode(forColumn: "seq"), receipt: try r.decode(Data?.self, forColumn: "receipt").map(Array.init),
            refusalCode: try r.decode(forColumn: "refusal_code"), refusalMessage: try r.decode(forColumn: "refusal_message"))
    }

    /// How many ballots stand at each status.
    public func counts() throws(OutboxError) -> [Status: Int] {
        try run {
            try queue.read { db in
                var out = [Status: Int]()
                for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM ballots GROUP BY status") {
                    if let s = Status(rawValue: try row.decode(String.self, forColumn: "status")) {
                        out[s] = try row.decode(forColumn: "n")
                    }
                }
                return out
            }
        }
    }
}
