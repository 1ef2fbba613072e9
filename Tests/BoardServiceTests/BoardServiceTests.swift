import BoardService
import BoardStorage
import ElectionRecord
import ElectionVerifier
import Foundation
import Ristretto
import Testing
import TransparencyLog

@testable import BoardAPI
@testable import ElectionProtocol

@Suite("Board service on SQLite: a referendum through two board servers sharing one store")
struct BoardServiceTests {
    @Test("Setup, casting rules with stable codes, receipts with inclusion proofs, close, tally, decryption, export that verifies")
    func referendum() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-board-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteBoardStore(path: dir.appendingPathComponent("board.sqlite").path)
        let boardKey = Ed25519.SigningKey()
        let opens = Date(timeIntervalSince1970: 1_900_000_000)
        let clock = SimulatedClock(opens.addingTimeInterval(-3600))
        // Two board servers on one database; b's tree forgets all but its last two blocks of 2 leaves,
        // so its receipts for earlier ballots and its proofs read leaves back from the store.
        let a = BoardService(store: store, boardKey: boardKey, clock: { clock.now })
        let b = BoardService(store: store, boardKey: boardKey, treeBlock: 2, clock: { clock.now })

        let trustees = (1...3).map { Trustee(id: "t\($0)") }
        let authority = CredentialAuthority(signingKey: Ed25519.SigningKey())
        let q = Question(id: "ref", text: "Approve?", options: ["yes", "no"], minSelections: 1, maxSelections: 1)
        let manifest = Manifest(
            electionId: "board-test", title: "Board test", questions: [q],
            regions: [Region(id: "r", name: "R", precincts: [Precinct(id: "p1", name: "P1", questions: ["ref"])])],
            channels: [.remote], window: VotingWindow(opens: opens, closes: opens.addingTimeInterval(86_400)),
            trustees: trustees.enumerated().map {
                TrusteeDescriptor(id: $1.id, index: $0 + 1, signingKey: $1.signingKey.publicKey, exchangeKey: $1.exchangeKey.publicKey)
            },
            threshold: 2, credentialAuthority: authority.signingKey.publicKey, devices: [], boardKey: boardKey.publicKey)
        let manifestBytes = try RecordCoding.encode(manifest, pretty: true)
        let hash = ProtocolHashes.manifestHash(manifestBytes)
        #expect(try await a.createElection(manifestBytes: manifestBytes) == "board-test")
        await #expect { _ = try await b.createElection(manifestBytes: manifestBytes) } throws: {
            ($0 as? BoardError)?.code == "electionExists"
        }

        // Key ceremony through alternating servers.
        let commitments = try trustees.map { try $0.commit(manifest: manifest, manifestHash: hash) }
        for (i, c) in commitments.enumerated() { _ = try await (i % 2 == 0 ? a : b).publish("board-test", .trusteeCommitment(c)) }
        // The same commitment again (a retry) gets its first index; another from that trustee is refused.
        #expect(try await a.publish("board-test", .trusteeCommitment(commitments[0])) == 1)
        await #expect {
            _ = try await a.publish("board-test", .trusteeCommitment(try trustees[0].commit(manifest: manifest, manifestHash: hash)))
        } throws: {
            ($0 as? BoardError)?.code == "conflictingEntry"
        }
        var shares = [Scalar]()
        for t in trustees {
            guard case .accepted(let s) = try t.receiveShares(manifest: manifest, manifestHash: hash, commitments: commitments) else {
                throw CeremonyError.ceremonyFailed(cheaters: [])
            }
            shares.append(s)
        }
        let context = ElectionContext(manifest: manifest, manifestHash: hash, commitments: commitments.map(\.commitments))
        let (lists, issued) = authority.issue(
            roll: VoterRoll(voters: (0..<6).map { .init(id: "v\($0)", precinct: "p1") }), manifest: manifest, manifestHash: hash)
        await #expect { _ = try await a.publish("board-test", .credentialList(lists[0])) } throws: {
            ($0 as? BoardError)?.code == "wrongPhase"
        }
        _ = try await b.publish(
            "board-test",
            .keyCeremony(
                KeyCeremonyResult(jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash))
        )
        _ = try await a.publish("board-test", .credentialList(lists[0]))

        let encryptor = BallotEncryptor(context: context)
        func ballot(_ v: Int, _ choice: Int) throws -> (EncryptedBallot, BallotSecrets) {
            try encryptor.encrypt(precinct: "p1", channel: .remote, credential: issued[v].credential, choices: ["ref": [choice]])
        }
        let (early, _) = try ballot(0, 0)
        await #expect { _ = try await a.cast("board-test", early) } throws: { ($0 as? BoardError)?.code == "notOpenYet" }

        clock.set(opens.addingTimeInterval(60))
        var receipts = [BoardReceipt]()
        for v in 0..<5 {
            let (bal, _) = try ballot(v, v % 2)
            let r = try await (v % 2 == 0 ? a : b).cast("board-test", bal)
            let h = bal.hash(contextHash: context.contextHash)
            #expect(r.problem(boardKey: boardKey.publicKey, ballotHash: h, contextHash: context.contextHash) == nil)
            let bytes = try RecordCoding.encode(bal)
            #expect(r.problem(boardKey: boardKey.publicKey, ballotHash: h, ballotBytes: bytes) == nil)
            let receiptBytes = try #require(CanonicalJSON.encode(r))
            #expect(receiptBytes == Array(try RecordCoding.encoder().encode(r)))
            #expect(try RecordCoding.decode(BoardReceipt.self, from: receiptBytes) == r)
            #expect(
                try r.line
                    == String(decoding: RecordCoding.encode(RecordCoding.decode(LogEntry.self, from: Array(r.line.utf8))), as: UTF8.self))
            #expect(
                r.problem(boardKey: Ed25519.SigningKey().publicKey, ballotHash: h, contextHash: context.contextHash)
                    == .badTreeHeadSignature)
            #expect(r.problem(boardKey: boardKey.publicKey, ballotHash: .zero, contextHash: context.contextHash) == .otherBallot)
            var moved = r
            moved.index += 1
            #expect(moved.problem(boardKey: boardKey.publicKey, ballotHash: h, contextHash: context.contextHash) == .badInclusionProof)
            #expect(moved.problem(boardKey: boardKey.publicKey, ballotHash: h, ballotBytes: bytes) == .badInclusionProof)
            if let last = receipts.last {
                // Another ballot's line with its own valid proof, presented as this ballot's.
                var swapped = last
                swapped.ballotHash = h
                #expect(
                    swapped.problem(boardKey: boardKey.publicKey, ballotHash: h, contextHash: context.contextHash)
                        == .lineHoldsAnotherBallot)
                #expect(swapped.problem(boardKey: boardKey.publicKey, ballotHash: h, ballotBytes: bytes) == .lineHoldsAnotherBallot)
            }
            receipts.append(r)
        }
        // Idempotent: the same ballot on the other server gets the same index.
        let (again, _) = try ballot(5, 1)
        let r1 = try await a.cast("board-test", again)
        let r2 = try await b.cast("board-test", again)
        #expect(r1.index == r2.index)
        // A re-vote supersedes; a bad proof is refused with its code; a spoiled ballot cannot be cast.
        _ = try await a.cast("board-test", try ballot(0, 1).0)
        var bad = try ballot(1, 0).0
        bad.signature.response += .one
        await #expect { _ = try await a.cast("board-test", bad) } throws: {
            ($0 as? BoardError)?.code == "invalidSignature"
        }
        let (challenged, secrets) = try ballot(2, 0)
        _ = try await b.spoil("board-test", SpoiledBallot(ballot: challenged, reveals: secrets.reveals))
        await #expect { _ = try await a.cast("board-test", challenged) } throws: { ($0 as? BoardError)?.code == "spoiledBallot" }

        // Consistency between the first receipt's head and the latest.
        let latest = try await b.currentTreeHead("board-test")
        let first = receipts[0].treeHead
        let proof = try await a.consistencyProof("board-test", from: first.size, to: latest.size).map { try Hex.decode($0) }
        try MerkleProof.verifyConsistency(
            oldSize: first.size, newSize: latest.size, oldRoot: first.rootBytes, newRoot: latest.rootBytes, proof: proof)
        for r in receipts {
            // The same proofs from the server that forgot: every size, every receipt cast again.
            #expect(
                try await b.consistencyProof("board-test", from: r.treeHead.size, to: latest.size)
                    == a.consistencyProof("board-test", from: r.treeHead.size, to: latest.size))
            let ballotAgain = try RecordCoding.decode(LogEntry.self, from: Array(r.line.utf8))
            guard case .ballot(let cast) = ballotAgain.payload else { continue }
            let again = try await b.cast("board-test", cast)
            #expect(again.index == r.index)
            #expect(again.problem(boardKey: boardKey.publicKey, ballotHash: r.ballotHash, contextHash: context.contextHash) == nil)
        }

        // Close: refused early, then at the end of the window; no ballot after.
        await #expect { _ = try await a.close("board-test") } throws: { ($0 as? BoardError)?.code == "windowOpen" }
        clock.set(opens.addingTimeInterval(86_400))
        _ = try await b.close("board-test")
        await #expect { _ = try await a.cast("board-test", try ballot(4, 0).0) } throws: { ($0 as? BoardError)?.code == "electionClosed" }

        // Tally, decryption by trustees 1 and 3, result: all checked by the board.
        var exported = try await a.export("board-test")
        var state = try RecordState(
            LoadedRecord.parse(manifestBytes: exported.manifest, log: Array(exported.log.map { $0 + [10] }.joined())))
        let tally = try Tallier.tally(state, workers: 2)
        var wrong = tally
        wrong.cells[0].ballots += 1
        await #expect { _ = try await a.publish("board-test", .tally(wrong)) } throws: {
            ($0 as? BoardError)?.code == "invalidEntry"
        }
        _ = try await a.publish("board-test", .tally(tally))
        for i in [0, 2] {
            _ = try await b.publish(
                "board-test", .decryptionShares(try trustees[i].decrypt(tally: tally, secretShare: shares[i], context: context)))
        }
        exported = try await b.export("board-test")
        state = try RecordState(LoadedRecord.parse(manifestBytes: exported.manifest, log: Array(exported.log.map { $0 + [10] }.joined())))
        let (result, _) = try Tallier.combine(state, context: context, workers: 2)
        _ = try await a.publish("board-test", .result(result))
        #expect(result.summary.total.questions[0].counts == [2, 4])  // v0 re-voted no

        // The exported record verifies, tree heads included.
        exported = try await a.export("board-test")
        var record = LoadedRecord.parse(manifestBytes: exported.manifest, log: Array(exported.log.map { $0 + [10] }.joined()))
        record.treeHeads = exported.heads
        let report = RecordVerifier.verify(record, workers: 2)
        #expect(report.ok, "\(report.failures)")
        #expect(exported.heads.count == 2)
        #expect(report.checks.first { $0.check == "1.4" }?.status == .passed)
        await #expect { _ = try await a.entries("nope", range: 0..<1) } throws: { ($0 as? BoardError)?.code == "unknownElection" }
    }

    @Test("Receipts are written by hand as JSONEncoder writes them and read back, whatever their strings hold")
    func receiptCoding() throws {
        let key = Ed25519.SigningKey()
        var tree = MerkleTree()
        for i in 0..<5 { tree.append(leafHash: MerkleHash.leaf([UInt8(i)])) }
        let head = SignedTreeHead.sign(tree, key: key, lastEntryAt: Date(timeIntervalSince1970: 1_800_000_000.123))
        for line in [#"{"at":"x","data":{"q":"a \" b \\ c"}}"#, "tab\t and \u{1} and é 😀 / \n", ""] {
            let r = BoardReceipt(
                ballotHash: ProtocolHashes.entryHash(Array(line.utf8)), trackingCode: "ABCD-EFGH", index: 3, line: line, treeHead: head,
                inclusionProof: try tree.inclusionProof(index: 3, size: 5).map(Hex.encode))
            let bytes = try #require(CanonicalJSON.encode(r))
            #expect(bytes == Array(try RecordCoding.encoder().encode(r)))
            #expect(try RecordCoding.decode(BoardReceipt.self, from: bytes) == r)
            #expect(bytes.withUnsafeBufferPointer { CanonicalJSON.decode(BoardReceipt.self, from: $0) } == r)
            // Pretty-printed, it is read by Foundation: the same receipt.
            let pretty = try RecordCoding.encode(r, pretty: true)
            #expect(pretty.withUnsafeBufferPointer { CanonicalJSON.decode(BoardReceipt.self, from: $0) } == nil)
            #expect(try RecordCoding.decode(BoardReceipt.self, from: pretty) == r)
        }
    }

    @Test("The client's byte-exact receipt line check accepts only the canonical line of its own ballot")
    func ballotLineMatch() throws {
        let ballot = Array(#"{"credential":"ab","precinct":"p1"}"#.utf8)
        let prev = String(repeating: "0a", count: 32)
        func line(
            at: String = "2026-11-25T10:00:00Z", data: [UInt8] = ballot, kind: String = "ballot", prev: String = prev, seq: String = "7"
        )
            -> [UInt8]
        {
            Array(#"{"at":"\#(at)","data":"#.utf8) + data + Array(#","kind":"\#(kind)","prev":"\#(prev)","seq":\#(seq)}"#.utf8)
        }
        #expect(BoardReceipt.ballotLineProblem(line(), ballotBytes: ballot, index: 7) == nil)
        // The line is decodable JSON of the same fields.
        #expect(BoardReceipt.ballotLineProblem(line(seq: "8"), ballotBytes: ballot, index: 7) == .lineNotAtIndex)
        #expect(BoardReceipt.ballotLineProblem(line(seq: "70"), ballotBytes: ballot, index: 7) == .lineNotAtIndex)
        #expect(
            BoardReceipt.ballotLineProblem(line(data: Array(#"{"credential":"ac","precinct":"p1"}"#.utf8)), ballotBytes: ballot, index: 7)
                == .lineHoldsAnotherBallot)
        #expect(BoardReceipt.ballotLineProblem(line(kind: "spoiledBallot"), ballotBytes: ballot, index: 7) == .lineHoldsAnotherBallot)
        #expect(BoardReceipt.ballotLineProblem(line(prev: "0A" + prev.dropFirst(2)), ballotBytes: ballot, index: 7) == .lineNotAtIndex)
        #expect(BoardReceipt.ballotLineProblem(line(prev: String(prev.dropLast(2))), ballotBytes: ballot, index: 7) == .lineNotAtIndex)
        // A time with an escaped quote would make a parser read other fields: refused.
        #expect(BoardReceipt.ballotLineProblem(line(at: #"x\"#), ballotBytes: ballot, index: 7) == .lineNotAtIndex)
        // Extra bytes, an extra field or whitespace are not the canonical line.
        #expect(BoardReceipt.ballotLineProblem(line() + [0x20], ballotBytes: ballot, index: 7) == .lineNotAtIndex)
        #expect(
            BoardReceipt.ballotLineProblem(
                Array(#"{"at":"t","data":"#.utf8) + ballot + Array(#","extra":1,"kind":"ballot","prev":"\#(prev)","seq":7}"#.utf8),
                ballotBytes: ballot, index: 7) == .lineHoldsAnotherBallot)
        #expect(BoardReceipt.ballotLineProblem(Array(" ".utf8) + line(), ballotBytes: ballot, index: 7) == .lineNotAtIndex)
    }
}

@Suite("Board service: stationFinal inside one group commit")
struct StationFinalBatchTests {
    @Test("A credential's station and remote ballots sent at once: nothing is appended after the station ballot")
    func racingFinal() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-final-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteBoardStore(path: dir.appendingPathComponent("board.sqlite").path)
        let boardKey = Ed25519.SigningKey(), stationKey = Ed25519.SigningKey()
        let opens = Date(timeIntervalSince1970: 1_900_000_000)
        let clock = SimulatedClock(opens.addingTimeInterval(-3600))
        let board = BoardService(store: store, boardKey: boardKey, clock: { clock.now })
        let trustees = [Trustee(id: "t1")]
        let authority = CredentialAuthority(signingKey: Ed25519.SigningKey())
        let q = Question(id: "ref", text: "Approve?", options: ["yes", "no"], minSelections: 1, maxSelections: 1)
        let manifest = Manifest(
            electionId: "final", title: "Final", questions: [q],
            regions: [Region(id: "r", name: "R", precincts: [Precinct(id: "p1", name: "P1", questions: ["ref"])])],
            channels: [.station, .remote], window: VotingWindow(opens: opens, closes: opens.addingTimeInterval(86_400)),
            trustees: [
                TrusteeDescriptor(
                    id: "t1", index: 1, signingKey: trustees[0].signingKey.publicKey, exchangeKey: trustees[0].exchangeKey.publicKey)
            ],
            threshold: 1, credentialAuthority: authority.signingKey.publicKey,
            devices: [DeviceDescriptor(id: "s1", channel: .station, signingKey: stationKey.publicKey)], boardKey: boardKey.publicKey,
            countingRule: .stationFinal)
        let bytes = try RecordCoding.encode(manifest, pretty: true)
        let hash = ProtocolHashes.manifestHash(bytes)
        _ = try await board.createElection(manifestBytes: bytes)
        let commitments = try trustees.map { try $0.commit(manifest: manifest, manifestHash: hash) }
        _ = try await board.publish("final", .trusteeCommitment(commitments[0]))
        let context = ElectionContext(manifest: manifest, manifestHash: hash, commitments: commitments.map(\.commitments))
        _ = try await board.publish(
            "final",
            .keyCeremony(
                KeyCeremonyResult(jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash))
        )
        let (lists, issued) = authority.issue(
            roll: VoterRoll(voters: (0..<16).map { .init(id: "v\($0)", precinct: "p1") }), manifest: manifest, manifestHash: hash)
        _ = try await board.publish("final", .credentialList(lists[0]))
        clock.set(opens.addingTimeInterval(60))
        let encryptor = BallotEncryptor(context: context)
        // Each voter sends a station ballot and then two remote ones, all at once: every group commit
        // decides several of one credential's ballots against the same ledger.
        var ballots = [(Int, Channel, EncryptedBallot)]()
        for v in issued.indices {
            ballots.append(
                (
                    v, .station,
                    try encryptor.encrypt(
                        precinct: "p1", channel: .station, credential: issued[v].credential, device: ("s1", stationKey),
                        choices: ["ref": [1]]
                    ).0
                ))
            for _ in 0..<2 {
                ballots.append(
                    (
                        v, .remote,
                        try encryptor.encrypt(precinct: "p1", channel: .remote, credential: issued[v].credential, choices: ["ref": [0]]).0
                    ))
            }
        }
        let outcomes = await withTaskGroup(of: (Int, Channel, Result<Int, BoardError>).self) { group in
            for (v, ch, b) in ballots {
                group.addTask {
                    do throws(BoardError) { return (v, ch, .success(try await board.cast("final", b).index)) } catch {
                        return (v, ch, .failure(error))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for v in issued.indices {
            let mine = outcomes.filter { $0.0 == v }
            let station = try #require(try mine.first { $0.1 == .station }?.2.get())
            for (_, ch, r) in mine where ch == .remote {
                switch r {
                case .success(let seq): #expect(seq < station, "voter \(v): a remote ballot appended after the final station ballot")
                case .failure(let e): #expect(e.code == "finalBallotCast", "voter \(v): \(e)")
                }
            }
        }
        #expect(outcomes.contains { if case .failure = $0.2 { true } else { false } }, "some remote ballot came after its station ballot")
        let exported = try await board.export("final")
        let record = LoadedRecord.parse(manifestBytes: exported.manifest, log: Array(exported.log.map { $0 + [10] }.joined()))
        let report = RecordVerifier.verify(record, workers: 2)
        #expect(report.ok, "\(report.failures.prefix(3))")
    }
}
