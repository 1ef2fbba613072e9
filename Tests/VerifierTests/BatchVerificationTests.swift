import ElectionRecord
import ElectionRules
import ElectionVerifier
import Ristretto
import Testing

/// The verifier checks the proofs' equations of a run of ballots as one batch (PROTOCOL.md 8.4).
/// Its verdicts must be those of checking each ballot alone, failure by failure, whatever the
/// run holds: a batch that accepts what the single check refuses is a defect.
@Suite("Batch verification across ballots: the verdicts of one ballot at a time")
struct BatchVerificationTests {
    /// The acceptance rules' ledger of the whole demo record, and its entries' payloads.
    static let demo: (ledger: RecordLedger, payloads: [EntryPayload]) = {
        let record = DemoRecord.record()
        let manifest = try! RecordCoding.decode(Manifest.self, from: record.manifestBytes)
        let ledger = RecordLedger(
            manifest: manifest, manifestHash: ProtocolHashes.manifestHash(record.manifestBytes), entries: record.entries,
            indexesBallots: false)
        return (ledger, record.entries.map(\.entry.payload))
    }()

    /// The failures of each payload, checked as one run and one by one.
    func verdicts(_ payloads: [EntryPayload]) -> (run: [[CheckFailure]], alone: [[CheckFailure]]) {
        let ledger = Self.demo.ledger
        return (ledger.prechecks(payloads).map(\.failures), payloads.map { ledger.precheck($0).failures })
    }

    @Test("Every ballot and spoiled ballot of the demo record, with the entries between them, in one run: no failure, as one by one")
    func honestRun() throws {
        let payloads = Self.demo.payloads.filter {
            switch $0 {
            case .tally, .result, .decryptionShares: false  // need a recount or the tally: not part of a run of ballots
            default: true
            }
        }
        #expect(payloads.filter { if case .ballot = $0 { true } else { false } }.count > 10)
        let (run, alone) = verdicts(payloads)
        #expect(run == alone)
        #expect(run.allSatisfy { $0.isEmpty })
    }

    @Test("Ballots tampered in a proof's equation among honest ones: exactly they fail, with the checks and messages of one by one")
    func tamperedAmongHonest() throws {
        let ballots = Self.demo.payloads.compactMap { if case .ballot(let b) = $0 { b } else { nil } }
        let spoiled = try #require(Self.demo.payloads.compactMap { if case .spoiledBallot(let s) = $0 { s } else { nil } }.first)
        var selection = ballots[2], signature = ballots[5], count = ballots[9], twice = ballots[12], badSpoiled = spoiled
        selection.answers[0].selections[1].proof.responses[0] += .one
        signature.signature.response += .one
        count.answers[0].countProof.responses[0] += .one
        twice.answers[0].selections[0].proof.responses[1] += .one
        twice.signature.response += .one
        badSpoiled.ballot.answers[0].selections[0].proof.responses[0] += .one
        var payloads = ballots.prefix(16).map { EntryPayload.ballot($0) }
        payloads[2] = .ballot(selection)
        payloads[5] = .ballot(signature)
        payloads[9] = .ballot(count)
        payloads[12] = .ballot(twice)
        payloads.insert(.spoiledBallot(badSpoiled), at: 14)
        let (run, alone) = verdicts(payloads)
        #expect(run == alone)
        let failed = run.enumerated().filter { !$0.element.isEmpty }.map(\.offset)
        #expect(failed == [2, 5, 9, 12, 14])
        // A changed proof changes the ballot hash too, so the credential's signature (6.5) and a
        // device's (6.3) no longer fit it; a changed signature touches nothing else.
        #expect(run[2].contains { $0.check == .selectionProofs && $0.message.contains("commitmentMismatch") })
        #expect(run[5].map(\.check) == [.ballotSignature])
        #expect(run[9].contains { $0.check == .countProofs } && !run[9].contains { $0.check == .selectionProofs })
        #expect(Set(run[12].map(\.check)).isSuperset(of: [.ballotSignature, .selectionProofs]))
        #expect(!run[14].isEmpty && run[14].allSatisfy { $0.check == .spoiledWellFormed })
        #expect(run[14].contains { $0.message.hasPrefix("6.6:") })
    }

    @Test("The recount from the points verification decoded equals the recount from the ciphertexts; failing ballots give none")
    func recountFromPoints() throws {
        let record = DemoRecord.record()
        let cast = record.entries.compactMap { e -> CountingRule.Cast? in
            if case .ballot(let b) = e.entry.payload { (e.entry.seq, e.entry.at, b) } else { nil }
        }
        let prechecks = Self.demo.ledger.prechecks(cast.map { .ballot($0.ballot) })
        let points = Dictionary(uniqueKeysWithValues: zip(cast, prechecks).compactMap { c, p in p.selectionPoints.map { (c.seq, $0) } })
        #expect(points.count == cast.count)
        let manifest = Self.demo.ledger.manifest
        let fromPoints = CountingRule.aggregate(manifest: manifest, counted: cast, workers: 2, points: points)
        #expect(fromPoints == CountingRule.aggregate(manifest: manifest, counted: cast, workers: 2))
        #expect(fromPoints.cells.count > 1)
        // A ballot that fails keeps no points (its recount, were it counted, decodes).
        var bad = cast[0].ballot
        bad.answers[0].selections[0].proof.responses[0] += .one
        #expect(Self.demo.ledger.prechecks([.ballot(bad)])[0].selectionPoints == nil)
    }

    @Test("A whole record with one ballot changed in its equations: the verifier names that entry alone")
    func recordWithOneBadBallot() throws {
        let lines = DemoRecord.lines.log
        let index = try #require(lines.indices.filter { Surgery.object(lines[$0])["kind"] as? String == "ballot" }.dropFirst(8).first)
        var object = Surgery.object(lines[index])
        var data = object["data"] as! [String: Any]
        var signature = data["signature"] as! [String: Any]
        let response = try Scalar(hex: signature["response"] as! String)
        signature["response"] = (response + .one).hex
        data["signature"] = signature
        object["data"] = data
        let tampered = Surgery.rechain(lines, replacing: index, with: Surgery.line(object))
        let report = RecordVerifier.verify(DemoRecord.record(lines: tampered), workers: 2)
        #expect(!report.ok)
        #expect(report.failures.filter { $0.check == .ballotSignature }.map(\.entry) == [index])
        #expect(report.failures.allSatisfy { $0.entry == index || $0.check != .selectionProofs && $0.check != .countProofs })
    }
}
