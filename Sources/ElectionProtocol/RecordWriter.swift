import ElectionRecord
import Foundation
import Ristretto
import TransparencyLog

/// Appends entries to log.jsonl, keeping the hash chain. Not thread-safe: one writer per record.
final class RecordWriter {
    let directory: RecordDirectory
    private let handle: FileHandle
    private(set) var count: Int
    private(set) var lastHash: Digest
    /// The time of the last entry: the board's clock never goes backwards (check 1.3).
    private(set) var lastTime: Date?
    /// The Merkle tree over the log lines (RFC 9162; each leaf is a line's exact bytes); nil until
    /// a tree head is signed when the writer resumed from a summary rather than the entries.
    private var tree: MerkleTree? = MerkleTree()
    /// The log file's length in bytes after the last append.
    private(set) var endOffset: UInt64 = 0
    /// Whether each append is flushed to stable storage before returning (fsync).
    var durable: Bool

    /// Creates a new record directory with the manifest's exact bytes and an empty log (its first
    /// entry, the manifest reference, goes through the acceptance rules like every other).
    static func create(at dir: RecordDirectory, manifestBytes: [UInt8], durable: Bool = true) throws -> RecordWriter {
        let fm = FileManager.default
        try fm.createDirectory(at: dir.url, withIntermediateDirectories: true)
        guard !fm.fileExists(atPath: dir.logURL.path) else {
            throw RecordError.io("\(dir.logURL.path) already exists: refusing to overwrite a record")
        }
        try Data(manifestBytes).write(to: dir.manifestURL)
        fm.createFile(atPath: dir.logURL.path, contents: nil)
        return try RecordWriter(dir, durable: durable)
    }

    /// Opens a record's log for appending; `lockExclusively`, then `resume` after what it holds.
    init(_ dir: RecordDirectory, durable: Bool = true) throws {
        directory = dir
        handle = try FileHandle.forWritingRecord(dir.logURL, create: false)
        endOffset = try handle.seekToEnd()
        count = 0
        lastHash = .zero
        self.durable = durable
    }

    deinit { try? handle.close() }

    /// Takes an exclusive lock on the log (flock), held until this writer is released, so that
    /// two processes never append to one record at once. Waits up to `timeout` for another
    /// holder, then says so rather than waiting for ever.
    func lockExclusively(timeout: TimeInterval = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while flock(handle.fileDescriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK, Date() < deadline else {
                throw RecordError.io(
                    errno == EWOULDBLOCK
                        ? "\(directory.logURL.path) is being written by another process: tried for \(Int(timeout)) s"
                        : "cannot lock \(directory.logURL.path): \(String(cString: strerror(errno)))")
            }
            usleep(20_000)
        }
        endOffset = try handle.seekToEnd()  // another process may have appended since the file was opened
    }

    /// Continues after `existing` (read under the lock): the count, the last hash and time, the tree.
    func resume(after existing: [RecordedEntry]) {
        resume(count: existing.count, lastHash: existing.last?.hash ?? .zero, lastTime: existing.last?.entry.at)
        tree = MerkleTree()
        for e in existing { tree?.append(leafHash: MerkleHash.leaf(e.line)) }
    }

    /// Continues after a log summarised as its count, last hash and time (the tree is built from
    /// the log's lines when a head is signed).
    func resume(count: Int, lastHash: Digest, lastTime: Date?) {
        self.count = count
        self.lastHash = lastHash
        self.lastTime = lastTime
        tree = nil
    }

    /// The time an entry appended at `time` gets: never before the previous entry.
    func effectiveTime(_ time: Date) -> Date { max(time, lastTime ?? time) }

    /// Appends one entry and returns it with its hash; durable on return when `durable` is set.
    /// The entry's time is `effectiveTime(time)`.
    @discardableResult
    func append(_ payload: EntryPayload, at time: Date) throws -> RecordedEntry {
        let entry = LogEntry(seq: count, prev: lastHash, at: effectiveTime(time), payload: payload)
        let line = try RecordCoding.encode(entry)
        try handle.write(contentsOf: Data(line + [UInt8(ascii: "\n")]))
        if durable { try handle.synchronize() }
        endOffset += UInt64(line.count + 1)
        count += 1
        tree?.append(leafHash: MerkleHash.leaf(line))
        lastTime = entry.at
        let recorded = RecordedEntry(entry: entry, line: line)
        lastHash = recorded.hash
        return recorded
    }

    /// Signs the current tree head with the board key, timed at the last entry (PROTOCOL.md 5),
    /// and appends it to treeheads.jsonl unless the last head there is as large (heads only grow).
    @discardableResult
    func signTreeHead(boardKey: Ed25519.SigningKey) throws -> SignedTreeHead {
        try handle.synchronize()
        if tree == nil {
            var built = MerkleTree()
            let log = try Data(contentsOf: directory.logURL)
            for line in log.split(separator: UInt8(ascii: "\n")) { built.append(leafHash: MerkleHash.leaf(Array(line))) }
            tree = built
        }
        let head = SignedTreeHead.sign(tree!, key: boardKey, lastEntryAt: lastTime)
        let url = directory.treeHeadsURL
        if let last = try? RecordIndex.lastLine(of: url), let stored = try? RecordCoding.decode(SignedTreeHead.self, from: last),
            stored.size >= head.size
        {
            return stored.size == head.size ? stored : head
        }
        let h = try FileHandle.forWritingRecord(url, create: true)
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: Data(try RecordCoding.encode(head) + [UInt8(ascii: "\n")]))
        try h.synchronize()
        return head
    }

    /// Flushes everything written so far to stable storage.
    func synchronize() throws { try handle.synchronize() }
}
