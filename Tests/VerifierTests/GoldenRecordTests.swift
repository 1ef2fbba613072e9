import ElectionRecord
import ElectionVerifier
import Foundation
import Ristretto
import TestVectors
import Testing
import TransparencyLog

/// The golden records of protocol version 2 (Tests/VerifierTests/Golden and Golden2, each made once
/// by the demo and never regenerated) and the protocol's known answers, as the verifier reads them;
/// GoldenV1, the first golden record of version 1 (proofs without commitments), is refused as such.
@Suite("Golden record and known answers (verifier)")
struct GoldenRecordTests {
    struct Expected: Decodable {
        var phase: String
        var entries: Int
        var ballots: Int
        var countedBallots: Int
        var supersededBallots: Int
        var revokedBallots: Int
        var spoiledBallots: Int
        var result: ResultSummary
    }

    static func golden(_ name: String = "Golden") throws -> (RecordDirectory, Expected) {
        let dir = try #require(Bundle.module.url(forResource: name, withExtension: nil))
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        return (RecordDirectory(dir), expected)
    }

    @Test("While voting, the counts are those that would count now: re-votes superseded, revoked apart", arguments: ["Golden", "Golden2"])
    func countsWhileVoting(_ name: String) throws {
        let (dir, expected) = try Self.golden(name)
        let record = try LoadedRecord.load(dir)
        // The record up to its close: every ballot is in, nothing tallied yet.
        let close = try #require(record.entries.firstIndex { if case .close = $0.entry.payload { true } else { false } })
        let log: [UInt8] = record.entries[..<close].flatMap { $0.line + [UInt8(0x0A)] }
        let manifest = Array(try Data(contentsOf: dir.manifestURL))
        let report = RecordVerifier.verify(LoadedRecord.parse(manifestBytes: manifest, log: log, workers: 1), workers: 2)
        #expect(report.ok && report.phase == "voting", "\(report.failures.prefix(3))")
        let s = report.statistics
        let figures: [Int] = [s.ballots, s.countedBallots, s.supersededBallots, s.revokedBallots]
        let expectedFigures: [Int] = [expected.ballots, expected.countedBallots, expected.supersededBallots, expected.revokedBallots]
        #expect(figures == expectedFigures)
        #expect(s.supersededBallots > 0)
    }

    @Test("The golden records verify, with their expected figures and results", arguments: ["Golden", "Golden2"])
    func verifies(_ name: String) throws {
        let (dir, expected) = try Self.golden(name)
        let report = RecordVerifier.verify(directory: dir, workers: 2)
        #expect(report.ok, "\(report.failures.prefix(5))")
        #expect(report.phase == expected.phase)
        let s = report.statistics
        let figures: [Int] = [s.entries, s.ballots, s.countedBallots, s.supersededBallots, s.revokedBallots, s.spoiledBallots]
        let expectedFigures: [Int] = [
            expected.entries, expected.ballots, expected.countedBallots, expected.supersededBallots, expected.revokedBallots,
            expected.spoiledBallots,
        ]
        #expect(figures == expectedFigures)
        #expect(report.result == expected.result)
        // Every check that applies ran. Nothing to look at: the complaint check (no complaint).
        #expect(report.checks.filter { $0.status == .notYetApplicable }.map(\.check) == ["3.4"])
        // Every ballot is counted, superseded or of a revoked credential, never two of these.
        #expect(s.countedBallots + s.supersededBallots + s.revokedBallots == s.ballots)
        if name == "Golden2" {
            let record = try LoadedRecord.load(dir)
            let tally = record.entries.compactMap { if case .tally(let t) = $0.entry.payload { t } else { nil } }.first
            #expect(tally?.cells.contains { $0.members != nil } == true, "Golden2 has merged aggregates")
            #expect(report.result?.precincts.contains { $0.ballotsMergedOut != nil } == true)
        }
        #expect(expected.spoiledBallots > 0 && expected.supersededBallots > 0, "the record holds every kind of entry")
    }

    @Test("Their lines are read strictly, and one changed byte in any entry is found", arguments: ["Golden", "Golden2"])
    func strictAndSealed(_ name: String) throws {
        let (dir, _) = try Self.golden(name)
        let record = try LoadedRecord.load(dir)
        #expect(record.problems.isEmpty && record.treeHeadProblems.isEmpty)
        let log = try Data(contentsOf: dir.logURL)
        for seq in stride(from: 1, to: record.entries.count, by: 7) {
            // Flip one hex digit in the middle of the entry's data.
            var lines = record.entries.map(\.line)
            let line = lines[seq]
            let middle = line.count / 2
            guard let at = (middle..<line.count).first(where: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[$0]) }) else {
                continue
            }
            lines[seq][at] = line[at] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
            let changed = LoadedRecord.parse(manifestBytes: record.manifestBytes, log: Array(lines.map { $0 + [10] }.joined()))
            let report = RecordVerifier.verify(changed, workers: 2)
            #expect(!report.ok, "a changed byte in entry \(seq) went unnoticed")
        }
        #expect(log.count > 100_000)
    }

    @Test("A record of protocol version 1 is refused, and the report says why: its proofs carry no commitments")
    func versionOneRefused() throws {
        let dir = try #require(Bundle.module.url(forResource: "GoldenV1", withExtension: nil))
        let report = RecordVerifier.verify(directory: RecordDirectory(dir), workers: 2)
        #expect(!report.ok)
        let manifestFailures = report.failures.filter { $0.check == .manifestWellFormed }
        #expect(manifestFailures.contains { $0.message.contains("manifest version 1: its ballots' proofs carry no commitments") })
        // Its ballots are not valid version 2 ballots either: each lacks the commitments.
        let line = try #require(
            String(decoding: try Data(contentsOf: dir.appendingPathComponent("log.jsonl")), as: UTF8.self)
                .split(separator: "\n").first { $0.contains(#""kind":"ballot""#) })
        #expect(throws: (any Error).self) { try RecordCoding.decodeStrict(LogEntry.self, from: Array(line.utf8)) }
    }

    @Test("The verifier's hashes reproduce the known answers")
    func knownAnswers() throws {
        let v = try TestVectors.protocolHashes()
        for c in v.cases("entryHash") {
            let line = Array(c.string("line").utf8)
            let entry = try RecordCoding.decodeStrict(LogEntry.self, from: line)
            #expect(RecordedEntry(entry: entry, line: line).hash.hex == c.expected["hash"])
            #expect(Hex.encode(MerkleHash.leaf(line)) != c.expected["hash"], "the Merkle leaf is not the entry hash")
        }
        for c in v.cases("manifestHash") {
            let bytes = try Hex.decode(c.string("bytes"))
            #expect(RecordVerifier(manifestBytes: bytes).report().failures.contains { $0.check == .manifestWellFormed })
            #expect(ProtocolHashes.manifestHash(bytes).hex == c.expected["hash"])
        }
        for c in v.cases("tallyHash") {
            let tally = try RecordCoding.decodeStrict(EncryptedTally.self, from: Array(c.string("tally").utf8))
            #expect(ProtocolHashes.tallyHash(contextHash: try Digest(hex: c.string("contextHash")), tally).hex == c.expected["hash"])
        }
        for c in v.cases("treeHeadMessage") {
            let message = SignedTreeHead.message(
                size: c.int("size"), root: try Hex.decode(c.string("root")), timestamp: Int64(c.int("timestamp")))
            #expect(Hex.encode(message) == c.expected["hash"])
        }
        for c in v.cases("ballotHash") {
            let ballot = try RecordCoding.decodeStrict(EncryptedBallot.self, from: Array(c.string("ballot").utf8))
            #expect(ballot.hash(contextHash: try Digest(hex: c.string("contextHash"))).hex == c.expected["hash"])
        }
    }
}
