import ElectionRecord
import Foundation
import TransparencyLog

/// Why the store refused or failed an operation.
public enum BoardStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownElection(String)
    case electionExists(String)
    case outOfRange(requested: Range<Int>, size: Int)
    /// The tail is not where the caller built its lines for: another writer appended first.
    case tailMoved
    /// A line of the batch carries a ballot hash already stored (the unique index refused it):
    /// another writer stored that ballot or its spoiled twin first. Nothing of the batch is stored.
    case ballotTaken
    /// The database failed or could not be reached: nothing is known of a duplicate.
    case backend(String)

    public var description: String {
        switch self {
        case .unknownElection(let id): "no election \(id) on this board"
        case .electionExists(let id): "election \(id) already exists"
        case .outOfRange(let r, let size): "entries \(r.lowerBound)..<\(r.upperBound) requested, the log has \(size)"
        case .tailMoved: "another writer appended first"
        case .ballotTaken: "a ballot of the batch is stored already"
        case .backend(let m): "storage failed: \(m)"
        }
    }
}

/// The tail of a log, which the next entry's line must name.
public struct LogTail: Sendable, Equatable {
    /// The next sequence number.
    public var count: Int
    /// The hash of the last line (zero for an empty log).
    public var lastHash: Digest
    /// The time of the last entry, for the monotonic board clock.
    public var lastTime: Date?

    public init(count: Int, lastHash: Digest, lastTime: Date?) {
        self.count = count
        self.lastHash = lastHash
        self.lastTime = lastTime
    }
}

/// One stored line with its hash and, for ballots, the ballot hash that makes casting idempotent.
public struct StoredLine: Sendable, Equatable {
    public var line: [UInt8]
    public var ballotHash: Digest?

    public init(line: [UInt8], ballotHash: Digest? = nil) {
        self.line = line
        self.ballotHash = ballotHash
    }
}

extension StoredLine {
    /// The line's header, once it is checked to continue `tail` (the right seq and prev): every
    /// driver runs this inside its exclusive section before inserting. The payload is not decoded
    /// here: the board checked it before building the line.
    public func header(continuing tail: LogTail) throws -> LogEntryHeader {
        let header = try RecordCoding.decode(LogEntryHeader.self, from: line)
        guard header.seq == tail.count, header.prev == tail.lastHash else {
            throw BoardStoreError.backend(
                "line names seq \(header.seq) and prev \(header.prev), the tail is \(tail.count) / \(tail.lastHash)")
        }
        return header
    }
}

extension LogTail {
    /// The tail after `line` (with `header`) is appended.
    public func advanced(by line: StoredLine, header: LogEntryHeader) -> LogTail {
        LogTail(count: count + 1, lastHash: ProtocolHashes.entryHash(line.line), lastTime: header.at)
    }
}

/// The board's append-only log of one or more elections.
///
/// Appends are strictly ordered and gap-free per election, also with several board servers on
/// one database: `append` runs `makeLine` inside the store's exclusive section for that election,
/// with the current tail, so the line names the right sequence number and previous hash. It
/// returns only once the line is durably stored.
public protocol BoardStore: Sendable {
    /// Registers an election with the exact bytes of its manifest.
    func createElection(id: String, manifest: [UInt8]) async throws(BoardStoreError)
    /// The exact manifest bytes.
    func manifest(electionId: String) async throws(BoardStoreError) -> [UInt8]
    /// Elections on this board.
    func elections() async throws(BoardStoreError) -> [String]
    /// Appends the lines that `makeLines` builds from the current tail, in one transaction (one
    /// flush to disk for all: group commit); returns the first one's sequence number. Each line must
    /// continue the one before it. (`makeLines` may escape: a driver may give up waiting on a call
    /// that outlives it.)
    func appendBatch(electionId: String, _ makeLines: @escaping @Sendable (LogTail) throws -> [StoredLine]) async throws -> Int
    /// The current tail.
    func tail(electionId: String) async throws(BoardStoreError) -> LogTail
    /// Lines in a range of sequence numbers.
    func lines(electionId: String, range: Range<Int>) async throws(BoardStoreError) -> [[UInt8]]
    /// Where the ballots (cast or spoiled) stored under these ballot hashes are, by hash: one
    /// look-up of the unique index for a whole batch.
    func sequences(electionId: String, ballotHashes: [Digest]) async throws(BoardStoreError) -> [Digest: Int]
    /// The ballots (cast or spoiled) whose hash starts with `prefix` (1 to 32 bytes), in log
    /// order, at most `limit`: a tracking code names a hash prefix. Uses the ballot hash index.
    func ballots(electionId: String, hashPrefix prefix: [UInt8], limit: Int) async throws(BoardStoreError) -> [(
        seq: Int, ballotHash: Digest
    )]
    /// Stores a signed tree head, unless a stored head is as large or larger (then it returns false):
    /// stored heads only grow, in size and so in time, whichever server signs them and in whatever
    /// order they arrive (PROTOCOL.md 5: a head's time is its last entry's).
    @discardableResult
    func saveTreeHead(electionId: String, _ head: SignedTreeHead) async throws(BoardStoreError) -> Bool
    /// Every signed tree head, in the order they were signed.
    func treeHeads(electionId: String) async throws(BoardStoreError) -> [SignedTreeHead]
}

extension BoardStore {
    /// The bounds of the hashes that start with `prefix`: [prefix + zeros, upper), upper nil when
    /// the prefix is all 0xFF (no hash is above it). Stores compare hashes bytewise.
    public static func hashRange(_ prefix: [UInt8]) -> (lower: [UInt8], upper: [UInt8]?) {
        let lower = prefix + [UInt8](repeating: 0, count: 32 - prefix.count)
        var upper = prefix
        while let last = upper.last, last == 0xFF { upper.removeLast() }
        guard !upper.isEmpty else { return (lower, nil) }
        upper[upper.count - 1] += 1
        return (lower, upper)
    }

    /// Appends the line that `makeLine` builds from the current tail; returns its sequence number.
    public func append(electionId: String, _ makeLine: @escaping @Sendable (LogTail) throws -> StoredLine) async throws -> Int {
        try await appendBatch(electionId: electionId) { [try makeLine($0)] }
    }
}
