import Foundation
import Ristretto
import TransparencyLog

/// The on-disk layout of an election record (docs/PROTOCOL.md section 5):
///
///     RECORD/manifest.json   the manifest, exact published bytes
///     RECORD/log.jsonl       one entry per line, hash-chained
public struct RecordDirectory: Sendable {
    public let url: URL
    public var manifestURL: URL { url.appendingPathComponent("manifest.json") }
    public var logURL: URL { url.appendingPathComponent("log.jsonl") }
    /// The board's signed tree heads over the log, one JSON object per line (optional).
    public var treeHeadsURL: URL { url.appendingPathComponent("treeheads.jsonl") }

    public init(_ url: URL) { self.url = url }
    public init(path: String) { self.init(URL(fileURLWithPath: path)) }
}

/// One line of log.jsonl that could not be read as an entry.
public struct LineProblem: Error, Sendable, Equatable {
    public var line: Int
    public var message: String
}

/// A record as read from disk: manifest bytes, the entries that parsed, and the lines that did not.
public struct LoadedRecord: Sendable {
    public var manifestBytes: [UInt8]
    public var entries: [RecordedEntry]
    public var problems: [LineProblem]
    /// Signed tree heads from treeheads.jsonl, and lines of it that could not be read.
    public var treeHeads: [SignedTreeHead] = []
    public var treeHeadProblems: [LineProblem] = []

    /// Reads a record directory. Unreadable lines are collected, not fatal, so that a verifier can
    /// report every problem; a missing file is an error.
    public static func load(_ dir: RecordDirectory) throws(RecordError) -> LoadedRecord {
        let manifest: Data
        let log: Data
        do { manifest = try Data(contentsOf: dir.manifestURL) } catch {
            throw .io("cannot read \(dir.manifestURL.path): \(error.localizedDescription)")
        }
        do { log = try Data(contentsOf: dir.logURL) } catch {
            throw .io("cannot read \(dir.logURL.path): \(error.localizedDescription)")
        }
        var record = parse(manifestBytes: Array(manifest), log: Array(log))
        if let heads = FileManager.default.contents(atPath: dir.treeHeadsURL.path) {
            for (i, line) in heads.split(separator: UInt8(ascii: "\n")).enumerated() {
                do { record.treeHeads.append(try RecordCoding.decodeStrict(SignedTreeHead.self, from: Array(line))) } catch {
                    record.treeHeadProblems.append(LineProblem(line: i + 1, message: "\(error)"))
                }
            }
        }
        return record
    }

    /// Splits log bytes into lines and decodes them on `workers` threads.
    public static func parse(manifestBytes: [UInt8], log: [UInt8], workers: Int = Parallel.cores) -> LoadedRecord {
        let lines = log.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let decoded = Parallel.map(Array(lines.enumerated()), workers: workers) { (i, raw) -> Result<RecordedEntry, LineProblem>? in
            if raw.isEmpty {
                return i == lines.count - 1 ? nil : .failure(LineProblem(line: i + 1, message: "empty line"))
            }
            let line = Array(raw)
            do {
                return .success(RecordedEntry(entry: try RecordCoding.decodeStrict(LogEntry.self, from: line), line: line))
            } catch {
                return .failure(LineProblem(line: i + 1, message: "\(error)"))
            }
        }
        var entries = [RecordedEntry]()
        var problems = [LineProblem]()
        entries.reserveCapacity(decoded.count)
        for d in decoded {
            switch d {
            case .success(let e): entries.append(e)
            case .failure(let p): problems.append(p)
            case nil: break
            }
        }
        if let last = lines.last, !last.isEmpty {
            problems.append(LineProblem(line: lines.count, message: "last line has no newline (truncated write?)"))
        }
        return LoadedRecord(manifestBytes: manifestBytes, entries: entries, problems: problems)
    }
}

/// Appends entries to log.jsonl, keeping the hash chain. Not thread-safe: one writer per record.
public final class RecordWriter {
    public let directory: RecordDirectory
    private let handle: FileHandle
    public private(set) var count: Int
    public private(set) var lastHash: Digest
    /// The time of the last entry: the board's clock never goes backwards (check 1.3).
    public private(set) var lastTime: Date?
    /// The Merkle tree over the log lines (RFC 9162; each leaf is a line's exact bytes); nil until
    /// a tree head is signed when the writer resumed from a summary rather than the entries.
    private var tree: MerkleTree? = MerkleTree()
    /// The log file's length in bytes after the last append.
    public private(set) var endOffset: UInt64 = 0
    /// Whether each append is flushed to stable storage before returning (fsync).
    public var durable: Bool

    /// Creates a new record directory with the manifest's exact bytes and an empty log (its first
    /// entry, the manifest reference, goes through the acceptance rules like every other).
    public static func create(at dir: RecordDirectory, manifestBytes: [UInt8], durable: Bool = true) throws -> RecordWriter {
        let fm = FileManager.default
        try fm.createDirectory(at: dir.url, withIntermediateDirectories: true)
        guard !fm.fileExists(atPath: dir.logURL.path) else {
            throw RecordError.io("\(dir.logURL.path) already exists: refusing to overwrite a record")
        }
        try Data(manifestBytes).write(to: dir.manifestURL)
        fm.createFile(atPath: dir.logURL.path, contents: nil)
        return try RecordWriter(dir, durable: durable)
    }

    /// Writes a whole record as published elsewhere (a board's export), refusing to overwrite one.
    public static func export(to dir: RecordDirectory, manifestBytes: [UInt8], log: [UInt8], treeHeads: [SignedTreeHead]) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: dir.url, withIntermediateDirectories: true)
        guard !fm.fileExists(atPath: dir.logURL.path) else {
            throw RecordError.io("\(dir.logURL.path) already exists: refusing to overwrite a record")
        }
        try Data(manifestBytes).write(to: dir.manifestURL)
        try Data(RecordFiles.treeHeadLines(treeHeads)).write(to: dir.treeHeadsURL)
        try Data(log).write(to: dir.logURL)
    }

    /// Opens a record's log for appending; `lockExclusively`, then `resume` after what it holds.
    public init(_ dir: RecordDirectory, durable: Bool = true) throws {
        directory = dir
        guard let h = FileHandle(forWritingAtPath: dir.logURL.path) else {
            throw RecordError.io("cannot open \(dir.logURL.path) for writing")
        }
        handle = h
        endOffset = try handle.seekToEnd()
        count = 0
        lastHash = .zero
        self.durable = durable
    }

    deinit { try? handle.close() }

    /// Takes an exclusive lock on the log (flock), held until this writer is released, so that
    /// two processes never append to one record at once. Waits up to `timeout` for another
    /// holder, then says so rather than waiting for ever.
    public func lockExclusively(timeout: TimeInterval = 30) throws {
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
    public func resume(after existing: [RecordedEntry]) {
        resume(count: existing.count, lastHash: existing.last?.hash ?? .zero, lastTime: existing.last?.entry.at)
        tree = MerkleTree()
        for e in existing { tree?.append(leafHash: MerkleHash.leaf(e.line)) }
    }

    /// Continues after a log summarised as its count, last hash and time (the tree is built from
    /// the log's lines when a head is signed).
    public func resume(count: Int, lastHash: Digest, lastTime: Date?) {
        self.count = count
        self.lastHash = lastHash
        self.lastTime = lastTime
        tree = nil
    }

    /// The time an entry appended at `time` gets: never before the previous entry.
    public func effectiveTime(_ time: Date) -> Date { max(time, lastTime ?? time) }

    /// Appends one entry and returns it with its hash; durable on return when `durable` is set.
    /// The entry's time is `effectiveTime(time)`.
    @discardableResult
    public func append(_ payload: EntryPayload, at time: Date) throws -> RecordedEntry {
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

    /// Signs the current tree head with the board key and appends it to treeheads.jsonl.
    @discardableResult
    public func signTreeHead(boardKey: Ed25519.SigningKey, at time: Date = Date()) throws -> SignedTreeHead {
        try handle.synchronize()
        if tree == nil {
            var built = MerkleTree()
            let log = try Data(contentsOf: directory.logURL)
            for line in log.split(separator: UInt8(ascii: "\n")) { built.append(leafHash: MerkleHash.leaf(Array(line))) }
            tree = built
        }
        let head = SignedTreeHead.sign(tree!, key: boardKey, at: time)
        let url = directory.treeHeadsURL
        if !FileManager.default.fileExists(atPath: url.path) { FileManager.default.createFile(atPath: url.path, contents: nil) }
        guard let h = FileHandle(forWritingAtPath: url.path) else { throw RecordError.io("cannot open \(url.path)") }
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: Data(try RecordCoding.encode(head) + [UInt8(ascii: "\n")]))
        try h.synchronize()
        return head
    }

    /// Flushes everything written so far to stable storage.
    public func synchronize() throws { try handle.synchronize() }
}
