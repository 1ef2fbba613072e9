import ElectionRecord
import ElectionRules
import ElectionVerifier
import Foundation
import Ristretto
import Testing

/// Changes every field of one entry of every kind in a demo record and shows the verifier
/// rejects the record with the check number that guards that field.
@Suite("Verifier rejects every tampered field")
struct TamperTests {
    static let elementFields: Set<String> = [
        "alpha", "beta", "credential", "credentials", "commitment", "commitments", "jointKey", "verificationKeys", "share", "revoked", "replacement",
    ]
    static let scalarFields: Set<String> = ["challenge", "challenges", "response", "responses", "nonce"]
    static let digestFields: Set<String> = ["prev", "manifestHash", "contextHash", "tallyHash"]

    /// The check that guards a field of an entry kind (PROTOCOL.md 7).
    static func expectedChecks(kind: String, path: [Surgery.Step]) -> Set<Check> {
        let keys = path.compactMap { if case .key(let k) = $0 { k } else { nil } }
        let first = keys.first ?? ""
        if first == "seq" || first == "prev" { return [.hashChain] }
        if first == "kind" { return [.logStructure] }
        if first == "at" { return kind == "ballot" ? [.ballotWindow, .entryOrder] : [.entryOrder, .closeMarker] }
        let field = keys.dropFirst().first ?? ""
        let leaf = keys.last ?? ""
        switch kind {
        case "manifest": return [.manifestHash]
        case "trusteeCommitment":
            if field == "commitments" {
                return path.last.map { if case .index = $0 { true } else { false } } == true ? [.coefficientProofs] : [.trusteeCommitments]
            }
            if field == "proofs" { return leaf == "proofs" ? [.trusteeCommitments] : [.coefficientProofs] }
            if field == "shares" { return [.trusteeSignature, .trusteeCommitments] }
            return [.trusteeSignature]
        case "keyCeremony":
            return field == "jointKey" ? [.jointKey] : field == "verificationKeys" ? [.verificationKeys] : [.contextHash]
        case "credentialList": return [.credentialListSignature]
        case "credentialAmendment": return [.credentialAmendments]
        case "credentialRevocation": return [.credentialRevocations]
        case "ballot":
            switch field {
            case "electionId": return [.ballotElection]
            case "precinct": return [.ballotStyle, .ballotCredential]
            case "channel", "device", "deviceSignature": return [.ballotChannel]
            case "credential": return [.ballotCredential]
            case "signature": return [.ballotSignature]
            default:
                if keys.contains("countProof") { return [.countProofs] }
                if keys.contains("selections") && keys.count > 3 { return [.selectionProofs] }
                return [.ballotStyle]
            }
        case "spoiledBallot": return keys.contains("reveals") ? [.spoiledReveal] : [.spoiledWellFormed]
        case "close": return [.closeMarker]
        // Which cells an aggregate covers is 9.2's; its counts and sums are 9.1's.
        case "tally": return ["precinct", "channel", "day"].contains(leaf) ? [.smallCells] : [.tallyAggregates]
        case "decryptionShares": return [.decryptionShareProofs]
        case "result":
            if field == "summary" { return [.resultTotals] }
            if field == "trustees" { return [.decryptionThreshold] }
            return [.decryptedCounts]
        default: return []
        }
    }

    /// A changed value of the same type, so the entry still parses and the semantic check is what fails.
    static func mutate(_ value: Any, key: String) -> Any {
        if let s = value as? String {
            if key == "channel" { return s == "station" ? "remote" : "station" }
            if Self.elementFields.contains(key) { return Element.random().hex }
            if Self.scalarFields.contains(key) { return Scalar.random().hex }
            if Self.digestFields.contains(key) { return Hex.encode(Sodium.randomBytes(32)) }
            if key == "at" || key == "closedAt" || key == "opens" || key == "closes" { return "1999-01-01T00:00:00Z" }
            if s.count >= 2, s.count % 2 == 0, (try? Hex.decode(s)) != nil {
                var bytes = try! Hex.decode(s)
                bytes[0] ^= 1
                return Hex.encode(bytes)
            }
            return s + "x"
        }
        if let n = value as? Int { return n + 1 }
        return value
    }

    struct Case: CustomStringConvertible, Sendable {
        var index: Int
        var kind: String
        var label: String
        var description: String { "entry \(index) (\(kind)) \(label)" }
    }

    /// One representative entry of every kind, plus a station ballot and a remote ballot.
    static let targets: [Int] = {
        var chosen = [Int]()
        var seen = Set<String>()
        for (i, line) in DemoRecord.lines.log.enumerated() {
            let o = Surgery.object(line)
            var kind = o["kind"] as! String
            if kind == "ballot" { kind += ((o["data"] as! [String: Any])["channel"] as! String) }
            if seen.insert(kind).inserted { chosen.append(i) }
        }
        return chosen
    }()

    @Test("The untouched demo record verifies, with every kind of entry present")
    func baseline() {
        let report = RecordVerifier.verify(DemoRecord.record(), workers: 2)
        #expect(report.ok, "\(report.failures)")
        let kinds = Set(DemoRecord.lines.log.map { Surgery.object($0)["kind"] as! String })
        #expect(
            kinds == [
                "manifest", "trusteeCommitment", "keyCeremony", "credentialList", "credentialAmendment", "credentialRevocation", "ballot",
                "spoiledBallot", "close", "tally", "decryptionShares", "result",
            ])
        #expect(report.statistics.spoiledBallots > 0)
        #expect(report.statistics.countedBallots < report.statistics.ballots, "some re-votes superseded earlier ballots")
        // Per voting day: every tally cell has its day, and the result has one scope per day of the window.
        let tally = DemoRecord.lines.log.map(Surgery.object).first { $0["kind"] as! String == "tally" }!
        let cells = (tally["data"] as! [String: Any])["cells"] as! [[String: Any]]
        #expect(cells.allSatisfy { ($0["day"] as? String)?.hasPrefix("2026-06-0") == true })
        #expect(report.result?.days?.map(\.id) == ["2026-06-01", "2026-06-02", "2026-06-03"])
        #expect(report.result?.days?.reduce(0) { $0 + $1.ballots } == report.result?.total.ballots)
    }

    @Test("Every field of every kind of entry is guarded by its check", arguments: TamperTests.targets)
    func tamperEveryField(_ index: Int) throws {
        let lines = DemoRecord.lines.log
        let original = Surgery.object(lines[index])
        let kind = original["kind"] as! String
        let board = BoardDecision(prefix: Array(lines[..<index]))
        #expect(!board.refuses(lines[index], at: index), "the untouched entry \(index) is accepted after its prefix")
        var tested = 0
        for (path, isArray) in Surgery.paths(original) {
            let lastKey = path.reversed().compactMap { if case .key(let k) = $0 { k } else { nil } }.first ?? ""
            let firstKey = path.compactMap { if case .key(let k) = $0 { k } else { nil } }.first ?? ""
            let mutated: Any
            if isArray {
                let array = Surgery.get(original, path[...]) as! [Any]
                guard !array.isEmpty else { continue }
                mutated = Surgery.set(original, path[...]) { _ in Array(array.dropLast()) }
            } else {
                let before = Surgery.get(original, path[...])
                let after = Self.mutate(before, key: lastKey)
                guard "\(after)" != "\(before)" else { continue }
                mutated = Surgery.set(original, path[...]) { _ in after }
            }
            var expected = Self.expectedChecks(kind: kind, path: path)
            if isArray, kind == "ballot" || kind == "spoiledBallot" {
                expected.formUnion([.ballotStyle, .spoiledWellFormed, .spoiledReveal])
            }
            if isArray, kind == "tally" || kind == "result" || kind == "decryptionShares" {
                expected.formUnion([
                    .tallyAggregates, .smallCells, .decryptedCounts, .decryptionShareProofs, .decryptionThreshold, .resultTotals,
                ])
            }
            let tampered = Surgery.rechain(lines, replacing: index, with: Surgery.line(mutated as! [String: Any]))
            let report = RecordVerifier.verify(DemoRecord.record(lines: tampered), workers: 2)
            let path = path.map(\.description).joined()
            #expect(!report.ok, "entry \(index) \(kind) \(path): tampering went unnoticed")
            let found = Set(report.failures.map(\.check))
            #expect(
                !found.isDisjoint(with: expected),
                "entry \(index) \(kind) \(path): expected one of \(expected.map(\.rawValue).sorted()), got \(report.failures.prefix(4))")
            // The same change posted to the board (which sets seq, prev and the time itself) is refused.
            if !["seq", "prev", "at", "kind"].contains(firstKey) {
                #expect(
                    board.refuses(Surgery.line(mutated as! [String: Any]), at: index),
                    "entry \(index) \(kind) \(path): the board accepts it")
            }
            tested += 1
        }
        #expect(tested >= 3)
    }
}

/// The board's decision on an entry posted after a prefix of the demo record: the acceptance
/// rules' ledger of that prefix, and the recount of its ballots.
struct BoardDecision {
    let ledger: RecordLedger
    let ballots: [CountingRule.Cast]

    init(prefix: [[UInt8]]) {
        let record = DemoRecord.record(lines: prefix)
        let manifest = try! RecordCoding.decode(Manifest.self, from: record.manifestBytes)
        ledger = RecordLedger(
            manifest: manifest, manifestHash: ProtocolHashes.manifestHash(record.manifestBytes), entries: record.entries,
            indexesBallots: true)
        ballots = record.entries.compactMap { if case .ballot(let b) = $0.entry.payload { ($0.entry.seq, $0.entry.at, b) } else { nil } }
    }

    /// Whether the board refuses `line`'s payload as the entry at `seq` (at the original entry's
    /// time): a line that does not decode is refused by the request parser already.
    func refuses(_ line: [UInt8], at seq: Int) -> Bool {
        guard let entry = try? RecordCoding.decode(LogEntry.self, from: line) else { return true }
        let time = (try? RecordCoding.decode(LogEntry.self, from: DemoRecord.lines.log[seq]))?.at ?? entry.at
        let recount = CountingRule.tally(manifest: ledger.manifest, ballots: ballots, revoked: ledger.registry.revoked, workers: 2)
        let (decision, _) = ledger.admit(entry.payload, at: time, ballots: ledger, recount: recount, workers: 2)
        return decision != .append
    }
}

/// Rules PROTOCOL.md states that no single changed field reaches: each change fed to the board
/// (the acceptance rules after the record's prefix) and to the verifier, refused by both.
@Suite("Stated rules, refused by the board and the verifier alike")
struct StatedRuleTests {
    /// The record with line `index` replaced by `object`, the verifier's failed checks, and whether the board refuses it.
    static func fed(_ index: Int, _ object: [String: Any]) -> (failed: Set<Check>, boardRefuses: Bool) {
        let lines = DemoRecord.lines.log
        let tampered = Surgery.rechain(lines, replacing: index, with: Surgery.line(object))
        let report = RecordVerifier.verify(DemoRecord.record(lines: tampered), workers: 2)
        return (Set(report.failures.map(\.check)), BoardDecision(prefix: Array(lines[..<index])).refuses(Surgery.line(object), at: index))
    }

    @Test("A result naming its trustees in descending order fails 10.2 (6.3: ascending)")
    func resultTrusteesDescending() throws {
        let lines = DemoRecord.lines.log
        let index = try #require(lines.firstIndex { Surgery.object($0)["kind"] as? String == "result" })
        var entry = Surgery.object(lines[index])
        var data = entry["data"] as! [String: Any]
        let trustees = data["trustees"] as! [Any]
        try #require(trustees.count >= 2, "the demo's threshold names several trustees")
        data["trustees"] = Array(trustees.reversed())
        entry["data"] = data
        let (failed, refused) = Self.fed(index, entry)
        #expect(failed.contains(.decryptionThreshold), "\(failed)")
        #expect(refused)
    }

    @Test("A remote ballot carrying a device signature fails 6.3, although no hash covers that field")
    func remoteDeviceSignature() throws {
        let lines = DemoRecord.lines.log
        let index = try #require(
            lines.firstIndex {
                let o = Surgery.object($0)
                return o["kind"] as? String == "ballot" && (o["data"] as! [String: Any])["channel"] as? String == "remote"
            })
        var entry = Surgery.object(lines[index])
        var data = entry["data"] as! [String: Any]
        data["deviceSignature"] = String(repeating: "ab", count: 64)
        entry["data"] = data
        let (failed, refused) = Self.fed(index, entry)
        // (The close marker signs the hash of the entry before it, which rechaining changed: 8.1.)
        #expect(failed.subtracting([.closeMarker]) == [.ballotChannel], "\(failed)")
        #expect(refused)
    }
}

extension StatedRuleTests {
    @Test("Check 8.2 reads the published tally: a precinct counting more ballots than credentials fails it (and 9.1)")
    func moreBallotsThanCredentials() throws {
        let lines = DemoRecord.lines.log
        let index = try #require(lines.firstIndex { Surgery.object($0)["kind"] as? String == "tally" })
        var entry = Surgery.object(lines[index])
        var data = entry["data"] as! [String: Any]
        var cells = data["cells"] as! [[String: Any]]
        if var members = cells[0]["members"] as? [[String: Any]] {
            members[0]["ballots"] = 1_000_000
            cells[0]["members"] = members
        } else {
            cells[0]["ballots"] = 1_000_000
        }
        data["cells"] = cells
        entry["data"] = data
        let (failed, refused) = Self.fed(index, entry)
        #expect(failed.isSuperset(of: [.supersede, .tallyAggregates]), "\(failed)")
        #expect(refused)
    }

    @Test("A tree head in uppercase hex fails 1.4 (5.1 reads treeheads.jsonl strictly)")
    func uppercaseHead() throws {
        let record = DemoRecord.record(heads: DemoRecord.lines.heads)
        #expect(RecordVerifier.verify(record, workers: 2).ok)
        let dir = RecordDirectory(
            URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-heads-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: dir.url) }
        try RecordFiles(manifestBytes: record.manifestBytes, lines: DemoRecord.lines.log, treeHeads: DemoRecord.lines.heads).write(to: dir)
        var text = try String(contentsOf: dir.treeHeadsURL, encoding: .utf8)
        let root = try #require(DemoRecord.lines.heads.first?.root)
        text = text.replacingOccurrences(of: root, with: root.uppercased())
        try text.write(to: dir.treeHeadsURL, atomically: true, encoding: .utf8)
        let report = RecordVerifier.verify(try LoadedRecord.load(dir), workers: 2)
        #expect(!report.ok && report.failures.allSatisfy { $0.check == .treeHeads }, "\(report.failures.prefix(3))")
    }
}
