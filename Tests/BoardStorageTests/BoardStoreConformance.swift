import BoardStorage
import ElectionRecord
import Foundation
import Ristretto
import Testing
import TransparencyLog

/// The behaviour every BoardStore driver must show; each driver's tests run all of it.
enum BoardStoreConformance {
    /// A valid log line for the tail (a manifest reference: the payload does not matter to the store).
    static func line(_ tail: LogTail, note: String) throws -> [UInt8] {
        let at = max(Date(timeIntervalSince1970: 1_800_000_000), tail.lastTime ?? .distantPast)
        let entry = LogEntry(
            seq: tail.count, prev: tail.lastHash, at: at,
            payload: .manifest(ManifestReference(electionId: note, manifestHash: .zero)))
        return try RecordCoding.encode(entry)
    }

    static func checkChain(_ lines: [[UInt8]]) throws {
        let record = LoadedRecord.parse(manifestBytes: [], log: Array(lines.map { $0 + [10] }.joined()))
        #expect(record.problems.isEmpty)
        var prev = Digest.zero
        for (i, e) in record.entries.enumerated() {
            #expect(e.entry.seq == i)
            #expect(e.entry.prev == prev)
            prev = e.hash
        }
    }

    static func run(_ store: any BoardStore, reopen: () async throws -> any BoardStore) async throws {
        let id = "election-\(UUID().uuidString.prefix(8))"
        try await store.createElection(id: id, manifest: Array("{\"exact\":  \"bytes\"}".utf8))
        await #expect(throws: BoardStoreError.electionExists(id)) { try await store.createElection(id: id, manifest: []) }
        #expect(try await store.manifest(electionId: id) == Array("{\"exact\":  \"bytes\"}".utf8))
        await #expect(throws: BoardStoreError.unknownElection("nope")) { try await store.tail(electionId: "nope") }
        #expect(try await store.elections().contains(id))
        #expect(try await store.tail(electionId: id) == LogTail(count: 0, lastHash: .zero, lastTime: nil))

        // Sequential appends.
        for i in 0..<20 {
            let seq = try await store.append(electionId: id) { tail in StoredLine(line: try line(tail, note: "s\(i)")) }
            #expect(seq == i)
        }
        // Concurrent appends from many tasks: strictly ordered and gap-free.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for t in 0..<8 {
                group.addTask {
                    var last = -1
                    for i in 0..<25 {
                        last = try await store.append(electionId: id) { tail in StoredLine(line: try line(tail, note: "c\(t)-\(i)")) }
                    }
                    return last
                }
            }
            for try await _ in group {}
        }
        let tail = try await store.tail(electionId: id)
        #expect(tail.count == 220)
        let all = try await store.lines(electionId: id, range: 0..<220)
        #expect(all.count == 220)
        try checkChain(all)
        #expect(tail.lastHash == ProtocolHashes.entryHash(all[219]))

        // A line that names the wrong position is refused and changes nothing.
        await #expect(throws: (any Error).self) {
            try await store.append(electionId: id) { tail in
                var stale = tail
                stale.count -= 1
                return StoredLine(line: try line(stale, note: "stale"))
            }
        }
        #expect(try await store.tail(electionId: id).count == 220)
        await #expect(throws: BoardStoreError.outOfRange(requested: 200..<221, size: 220)) {
            try await store.lines(electionId: id, range: 200..<221)
        }

        // Ballot hashes make casting idempotent: the store finds the stored one; a second is refused.
        let ballotHash = try Digest(bytes: Array(repeating: 7, count: 32))
        let seq = try await store.append(electionId: id) { tail in StoredLine(line: try line(tail, note: "ballot"), ballotHash: ballotHash)
        }
        #expect(try await store.sequences(electionId: id, ballotHashes: [ballotHash, Digest.zero]) == [ballotHash: seq])
        #expect(try await store.sequences(electionId: id, ballotHashes: []) == [:])
        // A second line under a stored ballot hash is refused with a case of its own, not a backend failure.
        await #expect(throws: BoardStoreError.ballotTaken) {
            try await store.append(electionId: id) { tail in StoredLine(line: try line(tail, note: "again"), ballotHash: ballotHash) }
        }

        // Tree heads keep their order.
        let key = Ed25519.SigningKey()
        var tree = MerkleTree()
        for l in try await store.lines(electionId: id, range: 0..<221) { tree.append(leafHash: MerkleHash.leaf(l)) }
        var smaller = MerkleTree()
        for l in try await store.lines(electionId: id, range: 0..<220) { smaller.append(leafHash: MerkleHash.leaf(l)) }
        let head1 = SignedTreeHead.sign(smaller, key: key, lastEntryAt: Date(timeIntervalSince1970: 1_800_000_000))
        let head2 = SignedTreeHead.sign(tree, key: key, lastEntryAt: Date(timeIntervalSince1970: 1_800_000_100))
        #expect(try await store.saveTreeHead(electionId: id, head1))
        #expect(try await store.saveTreeHead(electionId: id, head2))
        // Stored heads only grow: a head no larger than the last stored one (a re-post, or a server
        // whose view was behind) is not stored.
        #expect(try await store.saveTreeHead(electionId: id, head2) == false)
        #expect(try await store.saveTreeHead(electionId: id, head1) == false)
        #expect(try await store.treeHeads(electionId: id) == [head1, head2])

        // Another store on the same database sees everything: nothing was only in memory.
        let again = try await reopen()
        #expect(try await again.tail(electionId: id).count == 221)
        #expect(try await again.lines(electionId: id, range: 0..<221) == all + [try await store.lines(electionId: id, range: 220..<221)[0]])
        #expect(try await again.treeHeads(electionId: id) == [head1, head2])
        #expect(try await again.manifest(electionId: id) == Array("{\"exact\":  \"bytes\"}".utf8))

        // Group commit: several lines in one transaction, all or none.
        let batchId = "batch-\(UUID().uuidString.prefix(8))"
        try await store.createElection(id: batchId, manifest: [])
        let first = try await store.appendBatch(electionId: batchId) { tail in
            var lines = [StoredLine]()
            var t = tail
            for i in 0..<5 {
                let stored = StoredLine(line: try line(t, note: "b\(i)"))
                lines.append(stored)
                t = t.advanced(by: stored, header: try stored.header(continuing: t))
            }
            return lines
        }
        #expect(first == 0)
        await #expect(throws: (any Error).self) {
            _ = try await store.appendBatch(electionId: batchId) { tail in
                // The second line repeats the first one's position: the whole batch is refused.
                [StoredLine(line: try line(tail, note: "x0")), StoredLine(line: try line(tail, note: "x1"))]
            }
        }
        let batchLines = try await again.lines(electionId: batchId, range: 0..<5)
        try checkChain(batchLines)
        #expect(try await again.tail(electionId: batchId).count == 5)

        // Tracking codes name hash prefixes: found through the index, bytewise, up to the all-0xFF edge.
        let prefixId = "prefix-\(UUID().uuidString.prefix(8))"
        try await store.createElection(id: prefixId, manifest: [])
        let hashes = try [[0x12, 0x34, 0x00], [0x12, 0x34, 0xFF], [0x12, 0x35, 0x00], [0xFF, 0xFF, 0xFF], [0x12, 0x33, 0xFF]].map {
            try Digest(bytes: $0 + Array(repeating: 0x5A, count: 29))
        }
        for (i, h) in hashes.enumerated() {
            _ = try await store.append(electionId: prefixId) { tail in StoredLine(line: try line(tail, note: "h\(i)"), ballotHash: h) }
        }
        func found(_ prefix: [UInt8], limit: Int = 10) async throws -> [Int] {
            try await again.ballots(electionId: prefixId, hashPrefix: prefix, limit: limit).map(\.seq)
        }
        #expect(try await found([0x12, 0x34]) == [0, 1])
        #expect(try await found([0x12, 0x34], limit: 1) == [0])
        #expect(try await found([0x12]) == [0, 1, 2, 4])
        #expect(try await found([0xFF, 0xFF]) == [3])
        #expect(try await found(hashes[2].bytes) == [2])
        #expect(try await found([0x12, 0x36]) == [])
        #expect(try await again.ballots(electionId: prefixId, hashPrefix: [0x12, 0x35], limit: 5).map(\.ballotHash) == [hashes[2]])
    }
}

@Suite("SQLite board store")
struct SQLiteBoardStoreTests {
    @Test("Passes the shared board-store suite")
    func conformance() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("board.sqlite").path
        let store = try SQLiteBoardStore(path: path)
        try await BoardStoreConformance.run(store, reopen: { try SQLiteBoardStore(path: path) })
        // WAL, and every commit synced to disk before it returns.
        let settings = try store.durabilitySettings()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == 2)
    }

    @Test("A path that cannot be opened gives a clear error")
    func badPath() {
        #expect(throws: BoardStoreError.self) { try SQLiteBoardStore(path: "/nonexistent-dir/board.sqlite") }
    }
}
