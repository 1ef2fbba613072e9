import ElectionRecord
import ElectionRules
import ElectionVerifier
import Foundation
import PlebisciteCrypto
import Ristretto
import Testing

@testable import ElectionProtocol

/// Roll changes, the stationFinal rule and the small-cell merge, through the file-based board (the
/// acceptance rules) and then the verifier.
@Suite("Roll changes, in-person override, small cells")
struct RollChangeTests {
    /// The refusal code `body` throws, if it throws a refusal.
    func refusal(_ body: () throws -> Any) -> RefusalCode? {
        do {
            _ = try body()
            return nil
        } catch let r as Refusal { return r.code } catch { return nil }
    }

    func verify(_ f: Fixture) throws -> VerificationReport {
        RecordVerifier.verify(try LoadedRecord.load(f.dir), workers: 2)
    }

    @Test("Amendments add voters; a credential listed twice, a repeat and a change after the close are each told apart")
    func amendments() throws {
        let f = try Fixture()
        try f.setUp()
        let t = f.opens.addingTimeInterval(60)
        let (amendments, added) = f.authority.amend(
            adding: [VoterRoll.Voter(id: "late", precinct: "p1")], manifest: f.manifest, manifestHash: f.manifestHash)
        let first = try f.board.submit(.credentialAmendment(amendments[0]), at: t)
        #expect(first.appended)
        let again = try f.board.submit(.credentialAmendment(amendments[0]), at: t)
        #expect(!again.appended && again.seq == first.seq, "the same amendment posted again gets its first index")
        // A credential already listed, in another precinct.
        let listed = [f.credentials["p1"]![0].publicKey]
        let clash = CredentialAmendment(
            precinct: "p2", credentials: listed,
            signature: f.authority.signingKey.signature(
                for: ProtocolHashes.credentialAmendmentMessage(manifestHash: f.manifestHash, precinct: "p2", credentials: listed)))
        #expect(refusal { try f.board.submit(.credentialAmendment(clash), at: t) } == .invalidEntry)
        // Signed by someone else.
        var forged = amendments[0]
        forged.credentials = [Element.random()]
        #expect(refusal { try f.board.submit(.credentialAmendment(forged), at: t) } == .invalidEntry)
        // The added voter votes and counts.
        let ballot = try BallotEncryptor(context: f.context).encrypt(
            precinct: "p1", channel: .remote, credential: added[0].credential, choices: ["ref": [1]])
        _ = try f.board.cast(ballot.0, at: t.addingTimeInterval(60))
        try f.board.close(at: f.closes, boardKey: f.boardKey)
        #expect(refusal { try f.board.submit(.credentialAmendment(amendments[0]), at: f.closes) } == nil, "a repeat stays a repeat")
        let late = f.authority.amend(
            adding: [VoterRoll.Voter(id: "later", precinct: "p2")], manifest: f.manifest, manifestHash: f.manifestHash)
        #expect(refusal { try f.board.submit(.credentialAmendment(late.amendments[0]), at: f.closes) } == .electionClosed)
        let tally = try #require(try f.board.recount(workers: 2))
        #expect(tally.cells.map(\.ballots) == [1])
        let report = try verify(f)
        #expect(report.ok, "\(report.failures)")
        #expect(report.checks.first { $0.check == "5.3" }?.status == .passed)
    }

    @Test("A revoked credential's ballots never count, later ones are refused; its replacement votes; the voter counts once")
    func revocation() throws {
        let f = try Fixture()
        try f.setUp()
        let t = f.opens.addingTimeInterval(60)
        let taken = f.credentials["p1"]![0]
        // Someone votes with the taken credential; the voter is then identified at a station.
        _ = try f.board.cast(try f.ballot("p1", voter: 0, choices: ["ref": [0]]).0, at: t)
        let (revocation, fresh) = f.authority.revoke(
            taken.publicKey, voterId: "p1-v0", precinct: "p1", manifest: f.manifest, manifestHash: f.manifestHash)
        let placed = try f.board.submit(.credentialRevocation(revocation), at: t.addingTimeInterval(60))
        #expect(try f.board.submit(.credentialRevocation(revocation), at: t.addingTimeInterval(60)).seq == placed.seq)
        #expect(
            refusal { try f.board.cast(try f.ballot("p1", voter: 0, choices: ["ref": [0]]).0, at: t.addingTimeInterval(120)) }
                == .revokedCredential)
        let spoil = try f.ballot("p1", voter: 0, choices: ["ref": [0]])
        #expect(
            refusal { try f.board.spoil(SpoiledBallot(ballot: spoil.0, reveals: spoil.1.reveals), at: t.addingTimeInterval(120)) }
                == .revokedCredential)
        // A second revocation of it, a revocation of a credential on no list, one naming a listed replacement.
        let twice = f.authority.revoke(
            taken.publicKey, voterId: "p1-v0", precinct: "p1", manifest: f.manifest, manifestHash: f.manifestHash)
        #expect(
            refusal { try f.board.submit(.credentialRevocation(twice.revocation), at: t.addingTimeInterval(120)) } == .revokedCredential)
        let unknown = f.authority.revoke(Element.random(), voterId: "x", precinct: "p1", manifest: f.manifest, manifestHash: f.manifestHash)
        #expect(refusal { try f.board.submit(.credentialRevocation(unknown.revocation), at: t.addingTimeInterval(120)) } == .invalidEntry)
        let other = f.credentials["p1"]![1].publicKey, listedAlready = f.credentials["p1"]![2].publicKey
        let reuse = CredentialRevocation(
            precinct: "p1", revoked: other, replacement: listedAlready,
            signature: f.authority.signingKey.signature(
                for: ProtocolHashes.credentialRevocationMessage(
                    manifestHash: f.manifestHash, precinct: "p1", revoked: other, replacement: listedAlready)))
        #expect(refusal { try f.board.submit(.credentialRevocation(reuse), at: t.addingTimeInterval(120)) } == .invalidEntry)
        // The replacement votes, in the same precinct.
        let own = try BallotEncryptor(context: f.context).encrypt(
            precinct: "p1", channel: .station, credential: fresh.credential, device: ("st1", f.stationKey), choices: ["ref": [1]])
        _ = try f.board.cast(own.0, at: t.addingTimeInterval(180))
        try f.board.close(at: f.closes, boardKey: f.boardKey)
        #expect(refusal { try f.board.submit(.credentialRevocation(twice.revocation), at: f.closes) } == .electionClosed)
        // One counted ballot (the replacement's), the voter once among p1's four.
        let tally = try #require(try f.board.recount(workers: 2))
        #expect(tally.cells.map { "\($0.precinct)/\($0.channel.rawValue)/\($0.ballots)" } == ["p1/station/1"])
        let state = try RecordState(directory: f.dir)
        #expect(state.registry.counts["p1"] == 4 && state.registry.revoked == [taken.publicKey])
        try f.board.submit(.tally(tally), at: f.closes, workers: 2)
        let report = try verify(f)
        #expect(report.ok, "\(report.failures)")
        #expect(report.statistics.countedBallots == 1 && report.statistics.ballots == 2)
    }

    @Test("Under stationFinal a station ballot is final, also after the board restarts; under lastBallot it is not")
    func stationFinal() throws {
        for rule in [CountingRule.Kind.stationFinal, .lastBallot] {
            let f = try Fixture(countingRule: rule)
            try f.setUp()
            let t = f.opens.addingTimeInterval(60)
            _ = try f.board.cast(try f.ballot("p1", voter: 0, choices: ["ref": [0]]).0, at: t)  // coerced, from home
            _ = try f.board.cast(try f.ballot("p1", voter: 0, choices: ["ref": [1]], channel: .station).0, at: t.addingTimeInterval(60))
            // A challenge still works after the final ballot: it is never counted.
            let audit = try f.ballot("p1", voter: 0, choices: ["ref": [0]], channel: .station)
            _ = try f.board.spoil(SpoiledBallot(ballot: audit.0, reveals: audit.1.reveals), at: t.addingTimeInterval(90))
            // The board reopens the record from its index (the ledger snapshot and ballots.idx).
            f.releaseBoard()
            f.board = try FileBoard(directory: f.dir, durable: false)
            #expect(!f.board.rebuiltIndex)
            let back = try f.ballot("p1", voter: 0, choices: ["ref": [0]])
            let again = try f.ballot("p1", voter: 0, choices: ["ref": [0]], channel: .station)
            if rule == .stationFinal {
                #expect(refusal { try f.board.cast(back.0, at: t.addingTimeInterval(120)) } == .finalBallotCast)
                #expect(refusal { try f.board.cast(again.0, at: t.addingTimeInterval(120)) } == .finalBallotCast)
            } else {
                _ = try f.board.cast(back.0, at: t.addingTimeInterval(120))
            }
            try f.board.close(at: f.closes, boardKey: f.boardKey)
            let report = try verify(f)
            #expect(report.ok, "\(rule): \(report.failures)")
            #expect(report.checks.first { $0.check == "6.10" }?.status == (rule == .stationFinal ? .passed : .notYetApplicable))
        }
    }

    @Test("A ballot after a final one, written into a log by hand, fails 6.10 alone")
    func stationFinalInALog() throws {
        let f = try Fixture(countingRule: .stationFinal)
        try f.setUp()
        let t = f.opens.addingTimeInterval(60)
        _ = try f.board.cast(try f.ballot("p1", voter: 0, choices: ["ref": [1]], channel: .station).0, at: t)
        f.releaseBoard()
        // Appended without the rules, as a board operator might.
        try f.appendUnchecked(.ballot(try f.ballot("p1", voter: 0, choices: ["ref": [0]]).0), at: t.addingTimeInterval(60))
        let report = try verify(f)
        #expect(Set(report.failures.map(\.check)) == [.stationFinal])
    }

    /// A tally of single cells with these ballot counts (every sum the encryption of 1 with nonce 0).
    static func tally(_ cells: [(String, Channel, Int)], manifest: Manifest) -> EncryptedTally {
        EncryptedTally(
            cells: cells.map { p, ch, n in
                TallyCell(
                    precinct: p, channel: ch, ballots: n,
                    questions: manifest.precinct(p)!.questions.map { q in
                        QuestionSums(
                            question: q,
                            sums: Array(
                                repeating: Ciphertext(alpha: .identity, beta: .generator), count: manifest.question(q)!.options.count))
                    })
            })
    }

    @Test("Small cells merge as PROTOCOL.md 6.3 says: within the precinct first, then the region")
    func smallCells() throws {
        let q = Question(id: "ref", text: "?", options: ["yes", "no"], minSelections: 1, maxSelections: 1)
        func precincts(_ ids: [String]) -> [Precinct] { ids.map { Precinct(id: $0, name: LocalizedText($0), questions: ["ref"]) } }
        var manifest = try Fixture().manifest
        manifest.questions = [q]
        manifest.regions = [
            Region(id: "r1", name: "R1", precincts: precincts(["a", "b", "c"])),
            Region(id: "r2", name: "R2", precincts: precincts(["d", "e", "f"])),
        ]
        manifest.channels = [.station, .mobile, .remote]
        manifest.minimumCell = 10
        let raw = Self.tally(
            [
                ("a", .station, 50), ("a", .mobile, 20), ("a", .remote, 3),  // remote joins the smaller large cell, mobile
                ("b", .station, 6), ("b", .mobile, 5),  // two small cells reach 10 together
                ("c", .station, 40),
                ("d", .station, 4), ("e", .remote, 3), ("f", .station, 30), ("f", .mobile, 12),  // d and e, then f's smallest
            ], manifest: manifest)
        let merged = CountingRule.mergingSmallCells(raw, manifest: manifest)
        func describe(_ c: TallyCell) -> String {
            c.cells.map { "\($0.precinct)/\($0.channel.rawValue)" }.joined(separator: "+") + "=\(c.ballots)"
        }
        #expect(
            merged.cells.map(describe) == [
                "a/station=50", "a/mobile+a/remote=23", "b/station+b/mobile=11", "c/station=40", "d/station+e/remote+f/mobile=19",
                "f/station=30",
            ])
        // Sums add up: 23 ballots of "1" give 2 * B... each member's sums, once per member.
        let am = merged.cells[1]
        #expect(am.members?.count == 2 && am.precinct == "a" && am.channel == .mobile)
        #expect(am.questions[0].sums[0].beta == Element.generator + Element.generator)
        // Nothing changes at 1, nor when no cell is small.
        manifest.minimumCell = 1
        #expect(CountingRule.mergingSmallCells(raw, manifest: manifest) == raw)
        // A region that never reaches the minimum is one aggregate.
        manifest.minimumCell = 1_000
        #expect(CountingRule.mergingSmallCells(raw, manifest: manifest).cells.map(\.ballots) == [124, 49])
        // A manifest must not ask for less than 1.
        manifest.minimumCell = 0
        #expect(manifest.problems().contains { $0.contains("minimumCell") })
    }

    @Test("A small cell's ballots are merged before decryption and the result says so, per scope")
    func mergedResult() throws {
        let f = try Fixture(minimumCell: 3)
        try f.setUp()
        let t = f.opens.addingTimeInterval(60)
        // p1: 3 remote ballots, 1 station ballot; p2: 2 remote ballots.
        for v in 0..<3 { _ = try f.board.cast(try f.ballot("p1", voter: v, choices: ["ref": [v % 2]]).0, at: t) }
        _ = try f.board.cast(try f.ballot("p1", voter: 3, choices: ["ref": [0]], channel: .station).0, at: t)
        for v in 0..<2 { _ = try f.board.cast(try f.ballot("p2", voter: v, choices: ["ref": [1], "pick": [0]]).0, at: t) }
        try f.board.close(at: f.closes, boardKey: f.boardKey)
        let tally = try #require(try f.board.recount(workers: 2))
        // p1's station cell (1) joins its remote cell (3); p2 (2 ballots) is alone in its region.
        #expect(
            tally.cells.map { "\($0.precinct)/\($0.channel.rawValue)/\($0.ballots)/\($0.members?.count ?? 1)" } == [
                "p1/station/4/2", "p2/remote/2/1",
            ])
        try f.board.submit(.tally(tally), at: f.closes, workers: 2)
        for j in 0..<2 {
            let shares = try f.trustees[j].decrypt(tally: tally, secretShare: f.secretShares[j], context: f.context)
            try f.board.submit(.decryptionShares(shares), at: f.closes, workers: 2)
        }
        let (result, _) = try Tallier.combine(try RecordState(directory: f.dir), context: f.context, workers: 2)
        try f.board.submit(.result(result), at: f.closes, workers: 2)
        let s = result.summary
        #expect(s.precincts[0].questions[0].counts == [3, 1] && s.precincts[0].ballotsMergedOut == nil)
        // The station channel's one ballot is in an aggregate reaching beyond the channel: no counts of its own.
        #expect(s.channels[0].ballots == 1 && s.channels[0].questions.isEmpty && s.channels[0].ballotsMergedOut == 1)
        #expect(s.channels[1].ballots == 5 && s.channels[1].questions[0].counts == [0, 2] && s.channels[1].ballotsMergedOut == 3)
        #expect(s.total.questions[0].counts == [3, 3])
        let report = try verify(f)
        #expect(report.ok, "\(report.failures)")
        #expect(report.checks.first { $0.check == "9.2" }?.status == .passed)
    }
}
