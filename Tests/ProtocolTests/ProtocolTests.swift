import ElectionRecord
import ElectionRules
import Foundation
import PlebisciteCrypto
import Ristretto
import Testing

@testable import ElectionProtocol

@Suite("Key ceremony")
struct CeremonyTests {
    @Test(
        "k of n ceremony yields shares whose verification keys match, for several (k, n)",
        arguments: [(1, 1), (2, 3), (3, 5), (4, 7), (17, 32)])
    func honest(_ kn: (Int, Int)) throws {
        let f = try Fixture(trustees: kn.1, threshold: kn.0)
        try f.setUp(votersPerPrecinct: 1)
        for (i, s) in f.secretShares.enumerated() { #expect(Element.base(s) == f.context.verificationKeys[i]) }
        // Any k shares interpolate to the secret behind the joint key.
        let indices = (1...kn.0).map { UInt64($0) }
        var x = Scalar.zero
        for i in indices { x += ThresholdSharing.lagrangeCoefficient(for: i, among: indices) * f.secretShares[Int(i) - 1] }
        #expect(Element.base(x) == f.context.jointKey)
    }

    @Test("A dealer who sends a bad share is named by a checkable complaint")
    func cheatingDealer() throws {
        let f = try Fixture()
        let honest0 = try f.trustees[0].commit(manifest: f.manifest, manifestHash: f.manifestHash)
        let cheat = try f.trustees[1].commit(manifest: f.manifest, manifestHash: f.manifestHash, corruptShareFor: 3)
        let honest2 = try f.trustees[2].commit(manifest: f.manifest, manifestHash: f.manifestHash)
        let all = [honest0, cheat, honest2]
        guard
            case .complaints(let complaints) = try f.trustees[2].receiveShares(
                manifest: f.manifest, manifestHash: f.manifestHash, commitments: all)
        else {
            Issue.record("trustee 3 should complain")
            return
        }
        #expect(complaints.count == 1)
        let c = complaints[0]
        #expect(c.accused == 2 && c.accuser == 3)
        #expect(c.verdict(manifest: f.manifest, manifestHash: f.manifestHash, accusedCommitments: cheat.commitments) == .dealerCheated(2))
        // A complaint against an honest dealer, or a forged one, is unfounded.
        guard case .accepted = try f.trustees[0].receiveShares(manifest: f.manifest, manifestHash: f.manifestHash, commitments: all) else {
            Issue.record("trustee 1 got good shares")
            return
        }
        var forged = c
        forged.accused = 1
        if case .dealerCheated = forged.verdict(manifest: f.manifest, manifestHash: f.manifestHash, accusedCommitments: honest0.commitments)
        {
            Issue.record("a complaint re-aimed at an honest trustee must not hold")
        }
    }

    @Test("Commitment checks catch a bad signature, a bad proof and a wrong count")
    func commitmentChecks() throws {
        let f = try Fixture()
        let c = try f.trustees[0].commit(manifest: f.manifest, manifestHash: f.manifestHash)
        #expect(c.check(manifest: f.manifest, manifestHash: f.manifestHash).isEmpty)
        var bad = c
        bad.commitments[1] = Element.random()
        let checks = Set(bad.check(manifest: f.manifest, manifestHash: f.manifestHash).map(\.check))
        #expect(checks == [.trusteeSignature, .coefficientProofs])
        bad = c
        bad.commitments.removeLast()
        #expect(bad.check(manifest: f.manifest, manifestHash: f.manifestHash).contains { $0.check == .trusteeCommitments })
        // Proofs do not transfer to another election's manifest.
        #expect(c.check(manifest: f.manifest, manifestHash: ProtocolHashes.manifestHash([1])).contains { $0.check == .coefficientProofs })
    }
}

@Suite("Credentials and voter roll")
struct CredentialTests {
    @Test("Credential strings round-trip, tolerate case and dashes, and catch typos")
    func credentialStrings() throws {
        let c = VoterCredential.generate(electionId: "e")
        #expect(c.text.count == 26)
        let parsed = try VoterCredential(text: c.text.lowercased().replacingOccurrences(of: "-", with: " "), electionId: "e")
        #expect(parsed.publicKey == c.publicKey)
        // A different election derives a different secret from the same string.
        #expect(try VoterCredential(text: c.text, electionId: "other").publicKey != c.publicKey)
        var chars = Array(c.text)
        let i = chars.firstIndex { $0 != "-" }!
        chars[i] = chars[i] == "A" ? "B" : "A"
        #expect(throws: VoterCredential.ParseError.self) { try VoterCredential(text: String(chars), electionId: "e") }
        #expect(throws: VoterCredential.ParseError.wrongLength(5)) { try VoterCredential(text: "ABCDE", electionId: "e") }
        #expect(throws: VoterCredential.ParseError.invalidCharacter("U")) {
            try VoterCredential(text: "UUUUU-UUUUU-UUUUU-UUUUU-UU", electionId: "e")
        }
    }

    @Test("Voter roll errors name the line")
    func rollErrors() throws {
        let f = try Fixture()
        #expect(throws: VoterRoll.ParseError.empty) { try VoterRoll(csv: "", manifest: f.manifest) }
        #expect(throws: VoterRoll.ParseError.badHeader("id;precinct")) { try VoterRoll(csv: "id;precinct\n", manifest: f.manifest) }
        #expect(throws: VoterRoll.ParseError.badLine(line: 3, reason: "unknown precinct 'p9'")) {
            try VoterRoll(csv: "voter_id,precinct\na,p1\nb,p9\n", manifest: f.manifest)
        }
        #expect(throws: VoterRoll.ParseError.badLine(line: 3, reason: "voter id 'a' appears twice")) {
            try VoterRoll(csv: "voter_id,precinct\na,p1\na,p2\n", manifest: f.manifest)
        }
        let roll = try VoterRoll(csv: "voter_id,precinct\r\na,p1\r\nb,p2\r\n", manifest: f.manifest)
        #expect(roll.voters == [.init(id: "a", precinct: "p1"), .init(id: "b", precinct: "p2")])
    }

    @Test("Published lists are sorted, signed and check clean")
    func lists() throws {
        let f = try Fixture()
        try f.setUp()
        let state = try RecordState(LoadedRecord.load(f.dir))
        #expect(state.credentialLists.count == 2)
        for l in state.credentialLists {
            #expect(l.check(manifest: f.manifest, manifestHash: f.manifestHash).isEmpty)
            #expect(l.credentials.count == 4)
        }
    }
}

@Suite("Ballots and casting rules")
struct CastingTests {
    @Test("Encryption refuses invalid choices with a typed error")
    func choiceErrors() throws {
        let f = try Fixture()
        try f.setUp()
        #expect(throws: BallotError.missingAnswer(question: "ref")) { try f.ballot("p1", voter: 0, choices: [:]) }
        #expect(throws: BallotError.selectionCount(question: "ref", selected: 2, min: 1, max: 1)) {
            try f.ballot("p1", voter: 0, choices: ["ref": [0, 1]])
        }
        #expect(throws: BallotError.invalidOption(question: "ref", option: 5)) { try f.ballot("p1", voter: 0, choices: ["ref": [5]]) }
        #expect(throws: BallotError.duplicateSelection(question: "pick", option: 1)) {
            try f.ballot("p2", voter: 0, choices: ["ref": [0], "pick": [1, 1]])
        }
        #expect(throws: BallotError.unknownQuestion("pick")) { try f.ballot("p1", voter: 0, choices: ["ref": [0], "pick": [1]]) }
        #expect(throws: BallotError.unknownPrecinct("p9")) {
            try BallotEncryptor(context: f.context).encrypt(
                precinct: "p9", channel: .remote, credential: f.credentials["p1"]![0], choices: [:])
        }
        #expect(throws: BallotError.deviceRequired(.station)) {
            try BallotEncryptor(context: f.context).encrypt(
                precinct: "p1", channel: .station, credential: f.credentials["p1"]![0], choices: ["ref": [0]])
        }
    }

    @Test("A valid ballot is accepted once; the same ballot again returns the same receipt")
    func castAndIdempotence() throws {
        let f = try Fixture()
        try f.setUp()
        let box = try f.box()
        let (b, _) = try f.ballot("p2", voter: 1, choices: ["ref": [1], "pick": [0, 2]], channel: .station)
        let r1 = try box.cast(b, at: f.opens.addingTimeInterval(10))
        let r2 = try box.cast(b, at: f.opens.addingTimeInterval(20))
        #expect(r1 == r2)
        #expect(r1.trackingCode.count == 19)
        #expect(try RecordState(LoadedRecord.load(f.dir)).ballots.count == 1)
    }

    @Test(
        "The board refuses with the right reason",
        arguments: ["window", "closed", "credential", "precinct", "signature", "proof", "election", "spoiled", "device"])
    func rejections(_ kind: String) throws {
        let f = try Fixture()
        try f.setUp()
        let box = try f.box()
        let inWindow = f.opens.addingTimeInterval(100)
        var (b, secrets) = try f.ballot("p1", voter: 0, choices: ["ref": [0]])
        var at = inWindow
        let expected: RefusalCode
        switch kind {
        case "window":
            at = f.closes.addingTimeInterval(1)
            expected = .outsideWindow
        case "closed":
            try box.close(at: f.closes, boardKey: f.boardKey)
            expected = .electionClosed
        case "credential":
            b.credential = f.credentials["p2"]![0].publicKey
            expected = .invalidCredential
        case "precinct":
            b.precinct = "p2"  // p2's ballot has two questions: the style check (6.2) fails first
            expected = .invalidBallotStyle
        case "signature":
            b.signature.response += .one
            expected = .invalidSignature
        case "proof":
            // A voter's own device producing a bad proof still signs the ballot: re-sign it.
            b.answers[0].selections[0].proof.responses[0] += .one
            let credential = f.credentials["p1"]![0]
            b.signature = SchnorrSignature.sign(
                message: b.hash(contextHash: f.context.contextHash).bytes, secret: credential.secret,
                key: credential.publicKey, context: f.context.contextHash.bytes)
            expected = .invalidProof
        case "election":
            let other = try Fixture(electionId: "other-election")
            try other.setUp()
            (b, _) = try other.ballot("p1", voter: 0, choices: ["ref": [0]])
            expected = .wrongElection
        case "spoiled":
            _ = try box.spoil(SpoiledBallot(ballot: b, reveals: secrets.reveals), at: inWindow)
            expected = .spoiledBallot
        default:
            (b, secrets) = try f.ballot("p1", voter: 0, choices: ["ref": [0]], channel: .station)
            b.deviceSignature = HexBytes(Array(repeating: 0, count: 64))
            expected = .invalidChannelOrDevice
        }
        let before = try Data(contentsOf: f.dir.logURL)
        do {
            _ = try box.cast(b, at: at)
            Issue.record("\(kind): the ballot should be refused")
        } catch {
            #expect((error as? Refusal)?.code == expected, "\(kind): \(error)")
        }
        #expect(try Data(contentsOf: f.dir.logURL) == before, "a refused ballot changes nothing")
    }

    @Test("A spoiled ballot's reveal reproduces the choice; a false reveal is refused")
    func benaloh() throws {
        let f = try Fixture()
        try f.setUp()
        let box = try f.box()
        let (b, secrets) = try f.ballot("p2", voter: 0, choices: ["ref": [1], "close": [], "pick": [2]].filter { $0.key != "close" })
        let spoiled = SpoiledBallot(ballot: b, reveals: secrets.reveals)
        #expect(spoiled.revealedChoices == [[1], [2]])
        var lie = spoiled
        lie.reveals[0][0].value = 1
        lie.reveals[0][1].value = 0
        #expect(throws: Refusal.self) { try box.spoil(lie, at: f.opens.addingTimeInterval(5)) }
        _ = try box.spoil(spoiled, at: f.opens.addingTimeInterval(5))
    }

    @Test("Two writers on one record directory take turns: every ballot is appended once and the chain holds")
    func twoWriters() async throws {
        let f = try Fixture()
        try f.setUp(votersPerPrecinct: 6)
        f.releaseBoard()
        let ballots = try (0..<6).flatMap { v in
            try ["p1", "p2"].map { p in try f.ballot(p, voter: v, choices: p == "p1" ? ["ref": [v % 2]] : ["ref": [0], "pick": [1]]).0 }
        }
        let dir = f.dir, opens = f.opens
        try await withThrowingTaskGroup(of: Void.self) { group in
            for half in [ballots.prefix(6), ballots.suffix(6)] {
                group.addTask {
                    for b in half {
                        // Each cast opens the record afresh, as a separate `plebiscite vote` process does.
                        let board = try FileBoard(directory: dir, durable: false)
                        _ = try board.cast(b, at: opens.addingTimeInterval(60))
                    }
                }
            }
            try await group.waitForAll()
        }
        let state = try RecordState(LoadedRecord.load(dir))
        #expect(state.ballots.count == 12)
        let record = try LoadedRecord.load(dir)
        #expect(record.problems.isEmpty)
        var prev = Digest.zero
        for (i, e) in record.entries.enumerated() {
            #expect(e.entry.seq == i && e.entry.prev == prev, "the chain holds at \(i)")
            prev = e.hash
        }
    }

    @Test("A child process started while a writer holds the log inherits neither its descriptor nor its lock (close-on-exec)")
    func lockNotInherited() throws {
        let f = try Fixture()
        try f.setUp()
        f.releaseBoard()
        // posix_spawn without closing descriptors, as the test support's ChildProcess starts
        // chromedriver or PostgreSQL for a test running in parallel.
        var pid: pid_t = 0
        do {
            let board = try FileBoard(directory: f.dir, durable: false)
            let words: [String] = ["/bin/sleep", "60"]
            let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            #expect(posix_spawn(&pid, "/bin/sleep", nil, nil, argv, nil) == 0)
            withExtendedLifetime(board) {}
        }
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let targets = fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)") }
        #expect(!targets.contains(f.dir.logURL.path), "the child holds the log open: \(targets)")
        // The writer is gone, so the lock is free at once (it would wait for the child otherwise).
        let next = try FileBoard(directory: f.dir, durable: false)
        withExtendedLifetime(next) {}
    }

    @Test("A close marker is accepted only at or after the window's end, its closedAt its own time, signed over the entry before")
    func closeRules() throws {
        let f = try Fixture()
        try f.setUp()
        let ledger = f.board.ledger
        func marker(_ at: Date, closedAt: Date? = nil, previous: Digest? = nil) -> EntryPayload {
            let closedAt = closedAt ?? at
            let message = ProtocolHashes.closeMessage(
                manifestHash: f.manifestHash, previous: previous ?? ledger.lastHash, closedAt: Int64(closedAt.timeIntervalSince1970))
            return .close(CloseMarker(closedAt: closedAt, signature: f.boardKey.signature(for: message)))
        }
        func refusal(_ p: EntryPayload, at: Date) -> Refusal? {
            if case .refuse(let r) = ledger.admit(p, at: at, ballots: ledger).0 { r } else { nil }
        }
        #expect(ledger.admit(marker(f.closes), at: f.closes, ballots: ledger).0 == .append)
        #expect(refusal(marker(f.closes.addingTimeInterval(-1)), at: f.closes.addingTimeInterval(-1))?.code == .windowOpen)
        #expect(refusal(marker(f.closes, closedAt: f.closes.addingTimeInterval(60)), at: f.closes)?.failures.first?.check == .closeMarker)
        #expect(refusal(marker(f.closes, previous: .zero), at: f.closes)?.code == .invalidEntry)
        try f.board.close(at: f.closes, boardKey: f.boardKey)
        #expect(throws: Refusal.self) { try f.board.close(at: f.closes.addingTimeInterval(10), boardKey: f.boardKey) }
    }

    @Test("The rules' state beside the record: a reopened board reads it instead of the log, and rebuilds it when the two disagree")
    func recordIndex() throws {
        let f = try Fixture()
        try f.setUp()
        let (first, _) = try f.ballot("p1", voter: 0, choices: ["ref": [0]])
        let (challenged, secrets) = try f.ballot("p1", voter: 1, choices: ["ref": [1]])
        let r1 = try f.board.cast(first, at: f.opens.addingTimeInterval(10))
        _ = try f.board.spoil(SpoiledBallot(ballot: challenged, reveals: secrets.reveals), at: f.opens.addingTimeInterval(20))
        let snapshot = f.board.ledger.snapshot
        f.releaseBoard()

        func reopened() throws -> FileBoard { try FileBoard(directory: f.dir, durable: false) }
        func expectSameDecisions(_ board: FileBoard) throws {
            #expect(try board.cast(first, at: f.opens.addingTimeInterval(30)) == r1, "a ballot cast again gets its first receipt")
            #expect(throws: Refusal.self) { try board.cast(challenged, at: f.opens.addingTimeInterval(30)) }
            #expect(throws: Refusal.self) {
                let (b, s) = try f.ballot("p1", voter: 0, choices: ["ref": [0]])
                _ = b
                try board.spoil(SpoiledBallot(ballot: first, reveals: s.reveals), at: f.opens.addingTimeInterval(30))
            }
            #expect(try RecordCoding.encode(board.ledger.snapshot) == RecordCoding.encode(snapshot))
        }
        // Each board holds the record's lock while it lives: release one before opening the next.
        var board: FileBoard? = try reopened()
        #expect(board?.rebuiltIndex == false, "the index matched the log")
        try expectSameDecisions(board!)
        board = nil
        board = try reopened()  // (the refusals above appended nothing)
        #expect(board?.rebuiltIndex == false)
        board = nil

        // A lost index, or a log line the index does not know (a crash between the two writes): rebuilt from the log.
        try FileManager.default.removeItem(at: f.dir.url.appendingPathComponent(".index/ballots.idx"))
        board = try reopened()
        #expect(board?.rebuiltIndex == true)
        try expectSameDecisions(board!)
        let re = try board!.cast(try f.ballot("p1", voter: 0, choices: ["ref": [1]]).0, at: f.opens.addingTimeInterval(40))
        #expect(re.supersedes == r1.seq, "the re-vote names the ballot it supersedes")
        board = nil
        let index = try Data(contentsOf: f.dir.url.appendingPathComponent(".index/ballots.idx"))
        try index.dropLast(121).write(to: f.dir.url.appendingPathComponent(".index/ballots.idx"))
        board = try reopened()
        #expect(board?.rebuiltIndex == true, "an index one ballot short of the log is rebuilt")
        #expect(try board!.cast(first, at: f.opens.addingTimeInterval(50)).seq == r1.seq)
    }

    @Test("Closing is refused before the window ends")
    func closeEarly() throws {
        let f = try Fixture()
        try f.setUp()
        #expect(throws: Refusal.self) { try f.box().close(at: f.opens.addingTimeInterval(10), boardKey: f.boardKey) }
    }
}

@Suite("Tally and threshold decryption")
struct TallyTests {
    @Test(
        "Re-votes supersede; any k of n trustees decrypt; a cheating share is rejected and named", arguments: [[1, 2], [2, 3], [1, 3]])
    func tallyAndDecrypt(_ present: [Int]) throws {
        let f = try Fixture()
        try f.setUp()
        let box = try f.box()
        var t = f.opens.addingTimeInterval(60)
        func cast(_ p: String, _ v: Int, _ c: [String: [Int]], _ ch: Channel = .remote) throws {
            t += 60
            _ = try box.cast(try f.ballot(p, voter: v, choices: c, channel: ch).0, at: t)
        }
        try cast("p1", 0, ["ref": [0]], .station)
        try cast("p1", 1, ["ref": [1]])
        try cast("p1", 0, ["ref": [1]])  // re-vote overrides the first
        try cast("p2", 0, ["ref": [0], "pick": [0, 1]])
        try cast("p2", 1, ["ref": [0], "pick": []], .station)
        try box.close(at: f.closes, boardKey: f.boardKey)
        var state = try RecordState(LoadedRecord.load(f.dir))
        let tally = try Tallier.tally(state, workers: 2)
        try f.board.submit(.tally(tally), at: f.closes.addingTimeInterval(10))
        for i in present {
            let shares = try f.trustees[i - 1].decrypt(tally: tally, secretShare: f.secretShares[i - 1], context: f.context)
            if i == present[0] {
                // This trustee also publishes a bad set first: it must be rejected and named.
                var bad = shares
                bad.partials[0].share = bad.partials[0].share + .generator
                #expect(bad.check(in: f.context, tally: tally, tallyHash: shares.tallyHash).contains { $0.check == .decryptionShareProofs })
            }
            try f.board.submit(.decryptionShares(shares), at: f.closes.addingTimeInterval(20))
        }
        state = try RecordState(LoadedRecord.load(f.dir))
        let (result, rejected) = try Tallier.combine(state, context: f.context, workers: 2)
        #expect(rejected.isEmpty)
        #expect(result.trustees == present)
        let total = result.summary.total
        #expect(total.ballots == 4)
        #expect(total.questions.first { $0.question == "ref" }?.counts == [2, 2])
        #expect(total.questions.first { $0.question == "pick" }?.counts == [1, 1, 0])
        #expect(result.summary.precincts.map(\.turnoutPPM) == [500_000, 500_000])
        #expect(result.summary.channels.first { $0.id == "station" }?.ballots == 1)
    }

    @Test("Fewer than k valid shares: combination fails and says why")
    func notEnough() throws {
        let f = try Fixture()
        try f.setUp()
        let box = try f.box()
        _ = try box.cast(try f.ballot("p1", voter: 0, choices: ["ref": [0]]).0, at: f.opens.addingTimeInterval(9))
        try box.close(at: f.closes, boardKey: f.boardKey)
        var state = try RecordState(LoadedRecord.load(f.dir))
        let tally = try Tallier.tally(state, workers: 1)
        try f.board.submit(.tally(tally), at: f.closes)
        var shares = try f.trustees[0].decrypt(tally: tally, secretShare: f.secretShares[0], context: f.context)
        try f.board.submit(.decryptionShares(shares), at: f.closes)
        shares = try f.trustees[1].decrypt(tally: tally, secretShare: f.secretShares[0], context: f.context)  // wrong secret
        // The board refuses the bad set, naming the trustee; the record keeps one valid set.
        #expect {
            try f.board.submit(.decryptionShares(shares), at: f.closes)
        } throws: { error in
            guard let r = error as? Refusal else { return false }
            return r.code == .invalidEntry && r.failures.contains { $0.check == .decryptionShareProofs && $0.message.contains("trustee 2") }
        }
        state = try RecordState(LoadedRecord.load(f.dir))
        #expect {
            try Tallier.combine(state, context: f.context, workers: 1)
        } throws: { error in
            guard case .notEnoughValidShares(let valid, let need, _)? = error as? TallyError else { return false }
            return valid == [1] && need == 2
        }
    }

    @Test("Tallies of any split of the counted ballots merge into the tally of all of them, with or without days")
    func mergedTallies() throws {
        let f = try Fixture()
        try f.setUp(votersPerPrecinct: 4)
        var ballots = [CountingRule.Cast]()
        for (i, p) in ["p1", "p2", "p1", "p2", "p2", "p1", "p2", "p1"].enumerated() {
            let choices = p == "p1" ? ["ref": [i % 2]] : ["ref": [1 - i % 2], "pick": i % 3 == 0 ? [0, 2] : [1]]
            let ballot = try f.ballot(p, voter: i / 2, choices: choices, channel: i % 3 == 0 ? .station : .remote).0
            // Twelve hours apart: four voting days.
            ballots.append((i, f.manifest.window.opens.addingTimeInterval(Double(i) * 43_200), ballot))
        }
        var perDay = f.manifest
        perDay.tallyDays = TallyDays(utcOffsetMinutes: 180)
        for (m, cellCount) in [(f.manifest, 4), (perDay, 8)] {
            let whole = CountingRule.aggregate(manifest: m, counted: ballots)
            #expect(whole.cells.count == cellCount)
            #expect(whole.cells.allSatisfy { ($0.day != nil) == (m.tallyDays != nil) })
            for cut in 0...ballots.count {
                let merged = CountingRule.merge(
                    CountingRule.aggregate(manifest: m, counted: Array(ballots[..<cut])),
                    CountingRule.aggregate(manifest: m, counted: Array(ballots[cut...])), manifest: m)
                #expect(merged == whole, "split at \(cut)")
            }
            // In any order of the parts, and not equal to a tally missing a ballot.
            let parts = ballots.map { CountingRule.aggregate(manifest: m, counted: [$0]) }
            #expect(parts.reversed().reduce(EncryptedTally(cells: [])) { CountingRule.merge($0, $1, manifest: m) } == whole)
            #expect(parts.dropLast().reduce(EncryptedTally(cells: [])) { CountingRule.merge($0, $1, manifest: m) } != whole)
        }
    }
}
