import DeviceOutbox
import ElectionRecord
import Foundation
import GRDB
import Testing

/// An outbox file is exchanged and stored on devices: whatever it holds, opening and listing it
/// either works or names the problem as a typed error; a value of the wrong type never traps.
@Suite("Outbox files written by something else")
struct OutboxFileTests {
    let path = NSTemporaryDirectory() + "plebiscite-outbox-\(UUID().uuidString).sqlite"
    let owner = Outbox.Owner(electionId: "e1", manifestHash: Digest.of("m") { _ in }, deviceId: "mob1")

    static func isCorrupted(_ error: any Error) -> Bool {
        if case .corrupted = error as? Outbox.OutboxError { return true }
        return false
    }

    /// An outbox holding one ballot, then `sql` run on its file by plain SQLite.
    func outbox(then sql: String) throws {
        _ = try Outbox(path: path, owner: owner).add(
            ballotHash: try Digest(bytes: [UInt8](repeating: 7, count: 32)), ballot: Array("{}".utf8), at: Date())
        try DatabaseQueue(path: path).write { try $0.execute(sql: sql) }
    }

    func removeFiles() { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }

    @Test("A time stored as text, a NULL tracking code, a NULL device: corrupted, named")
    func mistypedColumns() throws {
        defer { removeFiles() }
        try outbox(then: "UPDATE ballots SET collected_at = 'yesterday'")
        #expect { try Outbox(path: path, owner: owner).items() } throws: { Self.isCorrupted($0) }

        removeFiles()
        try outbox(
            then: """
                DROP TABLE ballots;
                CREATE TABLE ballots (number INTEGER PRIMARY KEY, ballot_hash TEXT, tracking_code TEXT, ballot BLOB,
                    collected_at REAL, status TEXT, seq INTEGER, receipt BLOB, refusal_code TEXT, refusal_message TEXT);
                INSERT INTO ballots (ballot_hash, tracking_code, ballot, collected_at, status)
                    VALUES ('\(String(repeating: "07", count: 32))', NULL, x'7b7d', 0, 'pending');
                """)
        #expect { try Outbox(path: path, owner: owner).items() } throws: { Self.isCorrupted($0) }
        #expect(try Outbox(path: path, owner: owner).counts() == [.pending: 1], "what can be read still is")

        removeFiles()
        try outbox(
            then: """
                DROP TABLE outbox_owner;
                CREATE TABLE outbox_owner (id INTEGER PRIMARY KEY, election TEXT, manifest_hash TEXT, device TEXT);
                INSERT INTO outbox_owner VALUES (1, 'e1', '\(owner.manifestHash.hex)', NULL);
                """)
        #expect { try Outbox.owner(at: path) } throws: { Self.isCorrupted($0) }
    }

    @Test("A stored ballot that does not decode, or not to its hash, is a CorruptedBallot that says which")
    func collectedBallot() throws {
        defer { removeFiles() }
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("VerifierTests/Golden/log.jsonl")
        let ballot = try #require(
            try String(contentsOf: golden, encoding: .utf8).split(separator: "\n").lazy.compactMap { line -> EncryptedBallot? in
                guard case .ballot(let b) = try? RecordCoding.decode(LogEntry.self, from: Array(line.utf8)).payload else { return nil }
                return b
            }.first)
        let context = Digest.of("context") { _ in }
        let box = try Outbox(path: path, owner: owner)
        let good = try box.add(ballotHash: ballot.hash(contextHash: context), ballot: try RecordCoding.encode(ballot), at: Date())
        let otherHash = try box.add(
            ballotHash: try Digest(bytes: [UInt8](repeating: 1, count: 32)), ballot: try RecordCoding.encode(ballot), at: Date())
        let garbage = try box.add(ballotHash: try Digest(bytes: [UInt8](repeating: 2, count: 32)), ballot: [0xFF, 0x00], at: Date())
        let items = Dictionary(uniqueKeysWithValues: try box.items().map { ($0.number, $0) })
        #expect(try items[good]?.collectedBallot(contextHash: context) == ballot)
        #expect { try items[otherHash]?.collectedBallot(contextHash: context) } throws: {
            ($0 as? Outbox.CorruptedBallot)?.description == "the stored ballot does not hash to its tracking code"
        }
        #expect { try items[garbage]?.collectedBallot(contextHash: context) } throws: {
            ($0 as? Outbox.CorruptedBallot)?.description.hasPrefix("the stored ballot does not decode") == true
        }
    }
}
