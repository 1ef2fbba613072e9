import BoardService
import BoardStorage
import BoardStoragePostgres
import BoardTestSupport
import ElectionRecord
import ElectionRules
import ElectionVerifier
import Foundation
import Ristretto
import Testing

@testable import BoardAPI
@testable import ElectionProtocol

/// The invariant of docs/ARCHITECTURE.md: every log prefix the board acknowledged verifies. Random
/// operation sequences from concurrent clients on two board servers sharing one store, hostile and
/// honest, in every phase; after each round the record verifies, every refusal carries one of the
/// documented codes, and the decrypted result is what the simulated voters chose.
@Suite("The board accepts exactly what the verifier accepts")
struct AcceptanceModelTests {
    @Test("SQLite: random concurrent operations; every acknowledged prefix verifies", arguments: [1, 2, 3] as [UInt64])
    func sqlite(_ seed: UInt64) async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteBoardStore(path: dir.appendingPathComponent("board.sqlite").path)
        try await AcceptanceModel(seed: seed, store: store).run()
    }

    @Test("PostgreSQL: random concurrent operations; every acknowledged prefix verifies", arguments: [11, 12] as [UInt64])
    func postgres(_ seed: UInt64) async throws {
        let db = "plebiscite_model_\(UUID().uuidString.prefix(8).lowercased())"
        let server = try await PostgresTestServer.createDatabase(db)
        let store = try await server.store(db)
        defer { store.close() }
        try await AcceptanceModel(seed: seed, store: store).run()
    }
}

/// One run of the model: an election of 3 trustees (k = 2), 3 precincts and 12 voters.
final class AcceptanceModel: @unchecked Sendable {
    let id = "model"
    var rng: SeededGenerator
    let servers: [BoardService]
    let clock: SimulatedClock
    let boardKey = Ed25519.SigningKey()
    let trustees = (1...3).map { Trustee(id: "t\($0)") }
    let authority = CredentialAuthority(signingKey: Ed25519.SigningKey())
    let opens = Date(timeIntervalSince1970: 1_900_000_000)
    let manifest: Manifest
    let manifestBytes: [UInt8]
    let manifestHash: Digest
    /// What each credential's counted ballot says (yes = 0, no = 1), as the voters intend it.
    var intent = [Int: Int]()
    var refusals = [String: Int]()
    var rounds = 0

    init(seed: UInt64, store: any BoardStore) {
        rng = SeededGenerator(seed: seed)
        clock = SimulatedClock(opens.addingTimeInterval(-3600))
        let clock = self.clock
        // b's tree forgets all but its last blocks of 2 leaves: its proofs read the store.
        servers = [
            BoardService(store: store, boardKey: boardKey, clock: { clock.now }),
            BoardService(store: store, boardKey: boardKey, treeBlock: 2, clock: { clock.now }),
        ]
        let q = Question(id: "ref", text: "Approve?", options: ["yes", "no"], minSelections: 1, maxSelections: 1)
        manifest = Manifest(
            electionId: id, title: "Model", questions: [q],
            regions: [
                Region(
                    id: "r", name: "R", precincts: (1...3).map { Precinct(id: "p\($0)", name: "P\($0)", questions: ["ref"]) })
            ],
            channels: [.remote], window: VotingWindow(opens: opens, closes: opens.addingTimeInterval(86_400)),
            trustees: trustees.enumerated().map {
                TrusteeDescriptor(id: $1.id, index: $0 + 1, signingKey: $1.signingKey.publicKey, exchangeKey: $1.exchangeKey.publicKey)
            },
            threshold: 2, credentialAuthority: authority.signingKey.publicKey, devices: [], boardKey: boardKey.publicKey)
        manifestBytes = try! RecordCoding.encode(manifest, pretty: true)
        manifestHash = ProtocolHashes.manifestHash(manifestBytes)
    }

    var server: BoardService { servers[Int.random(in: 0..<2, using: &rng)] }

    /// An operation's outcome: the entry's index, or the board's typed refusal.
    typealias Outcome = Result<Int, BoardError>

    func attempt(_ op: @Sendable () async throws(BoardError) -> Int) async -> Outcome {
        do { return .success(try await op()) } catch { return .failure(error) }
    }

    /// Runs operations at once (several clients), then checks each outcome.
    func concurrently(_ ops: [(name: String, op: @Sendable () async throws(BoardError) -> Int)]) async -> [Outcome] {
        await withTaskGroup(of: (Int, Outcome).self) { group in
            for (i, o) in ops.enumerated() { group.addTask { (i, await self.attempt(o.op)) } }
            var outcomes = [Outcome?](repeating: nil, count: ops.count)
            for await (i, r) in group { outcomes[i] = r }
            let all = outcomes.map { $0! }
            for (o, r) in zip(ops, all) {
                if case .failure(let e) = r {
                    refusals[e.code, default: 0] += 1
                    #expect(RefusalCode(rawValue: e.code) != nil, "\(o.name): refused with an undocumented code: \(e)")
                }
            }
            return all
        }
    }

    func expectSuccess(_ r: Outcome, _ what: String) {
        if case .failure(let e) = r { Issue.record("\(what) refused: \(e)") }
    }

    func expectRefusal(_ r: Outcome, _ codes: Set<RefusalCode>, _ what: String) {
        switch r {
        case .success(let seq): Issue.record("\(what) accepted at \(seq), expected one of \(codes)")
        case .failure(let e): #expect(codes.map(\.rawValue).contains(e.code), "\(what): \(e)")
        }
    }

    /// The record as the board has acknowledged it so far verifies, with no failure.
    @discardableResult
    func verifies(_ when: String) async throws -> VerificationReport {
        let exported = try await servers[rounds % 2].export(id)
        rounds += 1
        let record = LoadedRecord.parse(manifestBytes: exported.manifest, log: Array(exported.log.map { $0 + [10] }.joined()))
        let v = RecordVerifier(manifestBytes: exported.manifest, workers: 2)
        v.reportLineProblems(record.problems)
        v.ingest(record.entries)
        v.ingest(treeHeads: exported.heads)
        let report = v.report()
        let ok = report.ok
        #expect(ok, "after \(when): \(report.failures.prefix(5))")
        return report
    }

    func state() async throws -> RecordState {
        let exported = try await servers[0].export(id)
        return try RecordState(LoadedRecord.parse(manifestBytes: exported.manifest, log: Array(exported.log.map { $0 + [10] }.joined())))
    }

    func run() async throws {
        let a = servers[0], b = servers[1], id = self.id
        #expect(try await a.createElection(manifestBytes: manifestBytes) == id)

        // Key ceremony: every commitment posted twice at once (a client's retry), the same index back.
        let commitments = try trustees.map { try $0.commit(manifest: manifest, manifestHash: manifestHash) }
        let posted = await concurrently(
            commitments.flatMap { c in
                [
                    (
                        "commitment \(c.trustee)",
                        { @Sendable () async throws(BoardError) in try await a.publish(id, .trusteeCommitment(c)) }
                    ),
                    (
                        "commitment \(c.trustee) again",
                        { @Sendable () async throws(BoardError) in try await b.publish(id, .trusteeCommitment(c)) }
                    ),
                ]
            } + [
                (
                    "a tally before the ceremony",
                    { @Sendable () async throws(BoardError) in try await a.publish(id, .tally(EncryptedTally(cells: []))) }
                )
            ])
        for i in 0..<3 {
            expectSuccess(posted[2 * i], "commitment")
            #expect(try posted[2 * i].get() == posted[2 * i + 1].get(), "a re-posted commitment gets its first index")
        }
        expectRefusal(posted[6], [.wrongPhase], "a tally before the ceremony")
        let other = try trustees[0].commit(manifest: manifest, manifestHash: manifestHash)
        expectRefusal(
            await attempt { @Sendable () async throws(BoardError) in try await b.publish(id, .trusteeCommitment(other)) },
            [.conflictingEntry], "a second commitment")
        try await verifies("commitments")

        var secretShares = [Scalar]()
        for t in trustees {
            guard case .accepted(let s) = try t.receiveShares(manifest: manifest, manifestHash: manifestHash, commitments: commitments)
            else {
                Issue.record("the honest ceremony failed")
                return
            }
            secretShares.append(s)
        }
        let context = ElectionContext(manifest: manifest, manifestHash: manifestHash, commitments: commitments.map(\.commitments))
        let ceremony = KeyCeremonyResult(
            jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash)
        var forged = ceremony
        forged.jointKey = forged.jointKey + .generator
        let finished = await concurrently([
            ("ceremony", { @Sendable () async throws(BoardError) in try await a.publish(id, .keyCeremony(ceremony)) }),
            ("ceremony again", { @Sendable () async throws(BoardError) in try await b.publish(id, .keyCeremony(ceremony)) }),
        ])
        expectSuccess(finished[0], "the ceremony")
        #expect(try finished[0].get() == finished[1].get())
        expectRefusal(
            await attempt { @Sendable [forged] () async throws(BoardError) in try await a.publish(id, .keyCeremony(forged)) },
            [.conflictingEntry, .invalidEntry], "a forged ceremony")
        try await verifies("the key ceremony")

        // Credentials: each list twice at once; a list that repeats another precinct's credential is refused.
        let roll = VoterRoll(voters: (0..<12).map { VoterRoll.Voter(id: "v\($0)", precinct: "p\($0 % 3 + 1)") })
        let (lists, firstIssued) = authority.issue(roll: roll, manifest: manifest, manifestHash: manifestHash)
        var issued = firstIssued
        var clash = lists[2].credentials + [lists[0].credentials[0]]
        clash.sort { $0.hex < $1.hex }
        let clashing = CredentialList(
            precinct: "p3", credentials: clash,
            signature: authority.signingKey.signature(
                for: ProtocolHashes.credentialListMessage(manifestHash: manifestHash, precinct: "p3", credentials: clash)))
        let listed = await concurrently(
            lists.prefix(2).flatMap { l in
                [
                    ("list \(l.precinct)", { @Sendable () async throws(BoardError) in try await a.publish(id, .credentialList(l)) }),
                    ("list \(l.precinct) again", { @Sendable () async throws(BoardError) in try await b.publish(id, .credentialList(l)) }),
                ]
            })
        for i in 0..<2 { #expect(try listed[2 * i].get() == listed[2 * i + 1].get()) }
        // Once p1's list is in, a p3 list that repeats one of its credentials is refused (5.2).
        expectRefusal(
            await attempt { @Sendable () async throws(BoardError) in try await a.publish(id, .credentialList(clashing)) }, [.invalidEntry],
            "a credential in two precincts")
        expectSuccess(
            await attempt { @Sendable () async throws(BoardError) in try await b.publish(id, .credentialList(lists[2])) }, "list p3")
        try await verifies("the credential lists")

        // Roll changes: an amendment posted twice at once; one that repeats a listed credential refused.
        let (amendments, added) = authority.amend(
            adding: [VoterRoll.Voter(id: "late0", precinct: "p1"), VoterRoll.Voter(id: "late1", precinct: "p2")], manifest: manifest,
            manifestHash: manifestHash)
        issued += added
        let amended = await concurrently(
            amendments.flatMap { m in
                [
                    ("amend \(m.precinct)", { @Sendable () async throws(BoardError) in try await a.publish(id, .credentialAmendment(m)) }),
                    (
                        "amend \(m.precinct) again",
                        { @Sendable () async throws(BoardError) in try await b.publish(id, .credentialAmendment(m)) }
                    ),
                ]
            })
        for i in amendments.indices { #expect(try amended[2 * i].get() == amended[2 * i + 1].get(), "a re-posted amendment is there once") }
        let repeated = [issued[0].credential.publicKey]
        let repeating = CredentialAmendment(
            precinct: "p3", credentials: repeated,
            signature: authority.signingKey.signature(
                for: ProtocolHashes.credentialAmendmentMessage(manifestHash: manifestHash, precinct: "p3", credentials: repeated)))
        expectRefusal(
            await attempt { @Sendable () async throws(BoardError) in try await a.publish(id, .credentialAmendment(repeating)) },
            [.invalidEntry], "an amendment listing a credential twice")
        try await verifies("the amendments")

        // Voting: rounds of random operations from concurrent clients.
        clock.set(opens.addingTimeInterval(60))
        let encryptor = BallotEncryptor(context: context)
        var revoked = Set<Int>()
        func ballot(_ v: Int, _ choice: Int) throws -> (EncryptedBallot, BallotSecrets) {
            try encryptor.encrypt(
                precinct: issued[v].precinct, channel: .remote, credential: issued[v].credential, choices: ["ref": [choice]])
        }
        for round in 0..<6 {
            var ops = [(name: String, op: @Sendable () async throws(BoardError) -> Int)]()
            var checks = [([Outcome]) -> Void]()
            // Distinct voters within a round: the log order of one voter's concurrent ballots is the race's.
            for v in Array(issued.indices).filter({ !revoked.contains($0) }).shuffled(using: &rng).prefix(4) {
                let choice = Int.random(in: 0..<2, using: &rng)
                let (bal, secrets) = try ballot(v, choice)
                let spoiled = SpoiledBallot(ballot: bal, reveals: secrets.reveals)
                let s1 = server, s2 = server, base = ops.count
                // Every run revokes at least once: the first operation of the first round.
                let pick = Int.random(in: 0..<8, using: &rng)
                switch round == 0 && ops.isEmpty ? 7 : pick {
                case 7:  // a revocation posted twice, racing a ballot of the revoked credential
                    let (revocation, fresh) = authority.revoke(
                        issued[v].credential.publicKey, voterId: issued[v].voterId, precinct: issued[v].precinct, manifest: manifest,
                        manifestHash: manifestHash)
                    issued.append(fresh)
                    revoked.insert(v)
                    intent[v] = nil
                    ops += [
                        (
                            "revoke \(v)",
                            { @Sendable () async throws(BoardError) in try await s1.publish(id, .credentialRevocation(revocation)) }
                        ),
                        (
                            "revoke \(v) again",
                            { @Sendable () async throws(BoardError) in try await s2.publish(id, .credentialRevocation(revocation)) }
                        ),
                        ("cast \(v) while revoked", { @Sendable () async throws(BoardError) in try await s1.cast(id, bal).index }),
                    ]
                    checks.append { r in
                        self.expectSuccess(r[base], "a revocation")
                        #expect((try? r[base].get()) == (try? r[base + 1].get()), "a re-posted revocation is there once")
                        // The ballot lands before the revocation (then it never counts) or is refused.
                        if case .success(let seq) = r[base + 2] {
                            #expect(seq < (try? r[base].get()) ?? .max, "a ballot accepted after its credential's revocation")
                        } else {
                            self.expectRefusal(r[base + 2], [.revokedCredential], "a ballot of a revoked credential")
                        }
                    }
                case 0, 1:  // a cast (or a re-vote), sent twice at once by a retrying client
                    intent[v] = choice
                    ops += [
                        ("cast \(v)", { @Sendable () async throws(BoardError) in try await s1.cast(id, bal).index }),
                        ("cast \(v) again", { @Sendable () async throws(BoardError) in try await s2.cast(id, bal).index }),
                    ]
                    checks.append { r in
                        self.expectSuccess(r[base], "a cast")
                        #expect((try? r[base].get()) == (try? r[base + 1].get()), "a retried cast gets its first receipt")
                    }
                case 2:  // the same challenged ballot cast and spoiled at once
                    ops += [
                        ("cast \(v) while spoiled", { @Sendable () async throws(BoardError) in try await s1.cast(id, bal).index }),
                        ("spoil \(v) while cast", { @Sendable () async throws(BoardError) in try await s2.spoil(id, spoiled) }),
                    ]
                    checks.append { r in
                        switch (r[base], r[base + 1]) {
                        case (.success, .failure(let e)):
                            self.intent[v] = choice
                            #expect(e.code == RefusalCode.duplicateBallot.rawValue, "spoiling a cast ballot: \(e)")
                        case (.failure(let e), .success):
                            #expect(e.code == RefusalCode.spoiledBallot.rawValue, "casting a spoiled ballot: \(e)")
                        default: Issue.record("cast and spoil of one ballot: \(r[base]), \(r[base + 1]); exactly one may succeed")
                        }
                    }
                case 3:  // a double spoil: both get the first index
                    ops += [
                        ("spoil \(v)", { @Sendable () async throws(BoardError) in try await s1.spoil(id, spoiled) }),
                        ("spoil \(v) again", { @Sendable () async throws(BoardError) in try await s2.spoil(id, spoiled) }),
                    ]
                    checks.append { r in
                        self.expectSuccess(r[base], "a spoil")
                        #expect((try? r[base].get()) == (try? r[base + 1].get()), "a spoiled ballot posted twice is there once")
                    }
                case 4:  // a forged signature
                    var bad = bal
                    bad.signature.response += .one
                    ops.append(("forged \(v)", { @Sendable [bad] () async throws(BoardError) in try await s1.cast(id, bad).index }))
                    checks.append { r in self.expectRefusal(r[base], [.invalidSignature], "a forged ballot") }
                case 5:  // an early close
                    ops.append(("early close", { @Sendable () async throws(BoardError) in try await s1.close(id).size }))
                    checks.append { r in self.expectRefusal(r[base], [.windowOpen], "a close before the window ends") }
                default:  // entries of a later phase
                    ops.append(
                        (
                            "early tally",
                            { @Sendable () async throws(BoardError) in try await s1.publish(id, .tally(EncryptedTally(cells: []))) }
                        ))
                    checks.append { r in self.expectRefusal(r[base], [.wrongPhase], "a tally while voting") }
                }
            }
            let outcomes = await concurrently(ops)
            for c in checks { c(outcomes) }
            clock.set(opens.addingTimeInterval(Double(120 + 60 * round)))
            try await verifies("voting round \(round)")
        }

        // Close: twice at once; a ballot racing the close is refused.
        clock.set(opens.addingTimeInterval(86_400))
        let late = try ballot(0, 0).0
        let closing = await concurrently([
            ("close", { @Sendable () async throws(BoardError) in try await a.close(id).size }),
            ("close again", { @Sendable () async throws(BoardError) in try await b.close(id).size }),
            ("a late ballot", { @Sendable () async throws(BoardError) in try await a.cast(id, late).index }),
        ])
        #expect(closing.prefix(2).filter { (try? $0.get()) != nil }.count == 1, "one close marker: \(closing)")
        for r in closing.prefix(2) where (try? r.get()) == nil { expectRefusal(r, [.electionClosed], "a second close") }
        expectRefusal(closing[2], [.outsideWindow, .electionClosed], "a ballot after the window")
        try await verifies("the close")

        // Tally: right twice at once, wrong refused.
        let tally = try Tallier.tally(try await state(), workers: 2)
        var wrongTally = tally
        wrongTally.cells[0].ballots += 1
        let tallied = await concurrently([
            ("tally", { @Sendable () async throws(BoardError) in try await a.publish(id, .tally(tally)) }),
            ("tally again", { @Sendable () async throws(BoardError) in try await b.publish(id, .tally(tally)) }),
            ("a wrong tally", { @Sendable [wrongTally] () async throws(BoardError) in try await a.publish(id, .tally(wrongTally)) }),
        ])
        expectSuccess(tallied[0], "the tally")
        #expect(try tallied[0].get() == tallied[1].get())
        expectRefusal(tallied[2], [.invalidEntry], "a wrong tally")
        try await verifies("the tally")

        // Decryption: present trustees post their shares twice; one posts a conflicting set, one a bad set first.
        var present = [1, 2, 3].filter { _ in Bool.random(using: &rng) }
        while present.count < 2 { present = Array(Set(present + [Int.random(in: 1...3, using: &rng)])).sorted() }
        var shareSets = [Int: DecryptionShares]()
        var ops = [(name: String, op: @Sendable () async throws(BoardError) -> Int)]()
        for j in present {
            let shares = try trustees[j - 1].decrypt(tally: tally, secretShare: secretShares[j - 1], context: context)
            shareSets[j] = shares
            ops += [
                ("shares \(j)", { @Sendable () async throws(BoardError) in try await a.publish(id, .decryptionShares(shares)) }),
                ("shares \(j) again", { @Sendable () async throws(BoardError) in try await b.publish(id, .decryptionShares(shares)) }),
            ]
        }
        let first = present[0]
        var bad = try trustees[first - 1].decrypt(tally: tally, secretShare: secretShares[(first) % 3], context: context)
        bad.partials[0].share = bad.partials[0].share + .generator
        let decrypted = await concurrently(ops)
        for i in present.indices {
            expectSuccess(decrypted[2 * i], "shares")
            #expect(try decrypted[2 * i].get() == decrypted[2 * i + 1].get(), "a retried share set is there once")
        }
        let conflicting = try trustees[first - 1].decrypt(tally: tally, secretShare: secretShares[first - 1], context: context)
        expectRefusal(
            await attempt { @Sendable () async throws(BoardError) in try await a.publish(id, .decryptionShares(conflicting)) },
            [.conflictingEntry], "a second share set")
        expectRefusal(
            await attempt { @Sendable [bad] () async throws(BoardError) in try await b.publish(id, .decryptionShares(bad)) },
            [.invalidEntry, .conflictingEntry], "a bad share set")
        try await verifies("the decryption shares")

        // Result: right twice at once; wrong counts, a trustee without shares, refused; no shares after.
        let (result, rejected) = try Tallier.combine(try await state(), context: context, workers: 2)
        #expect(rejected.isEmpty)
        var wrongCounts = result
        wrongCounts.cells[0].questions[0].counts[0] += 1
        let absent = [1, 2, 3].first { !present.contains($0) }
        var absentTrustee = result
        if let absent { absentTrustee.trustees = [present[0], absent] }
        let published = await concurrently([
            ("result", { @Sendable () async throws(BoardError) in try await a.publish(id, .result(result)) }),
            ("result again", { @Sendable () async throws(BoardError) in try await b.publish(id, .result(result)) }),
            ("wrong counts", { @Sendable [wrongCounts] () async throws(BoardError) in try await a.publish(id, .result(wrongCounts)) }),
        ])
        expectSuccess(published[0], "the result")
        #expect(try published[0].get() == published[1].get())
        expectRefusal(published[2], [.invalidEntry, .conflictingEntry], "a result with wrong counts")
        if absent != nil {
            expectRefusal(
                await attempt { @Sendable [absentTrustee] () async throws(BoardError) in try await a.publish(id, .result(absentTrustee)) },
                [.invalidEntry, .conflictingEntry], "a result naming a trustee without shares")
        }
        if let absent {
            let late = try trustees[absent - 1].decrypt(tally: tally, secretShare: secretShares[absent - 1], context: context)
            expectRefusal(
                await attempt { @Sendable () async throws(BoardError) in try await b.publish(id, .decryptionShares(late)) }, [.wrongPhase],
                "shares after the result")
        }
        if let again = shareSets[first] {
            #expect(
                try await b.publish(id, .decryptionShares(again)) == decrypted[0].get(), "a retry after the result gets its first index")
        }
        let report = try await verifies("the result")
        let counts = report.result?.total.questions.first?.counts
        let expected = [intent.values.filter { $0 == 0 }.count, intent.values.filter { $0 == 1 }.count]
        #expect(counts == expected, "decrypted \(String(describing: counts)), the voters chose \(expected)")
        #expect(refusals.values.reduce(0, +) > 0)
    }
}
