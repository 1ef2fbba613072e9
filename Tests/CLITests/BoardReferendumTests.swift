import ArgumentParser
import BoardAPI
import BoardClient
import BoardServer
import BoardService
import BoardStorage
import BoardTestSupport
import ElectionProtocol
import ElectionRecord
import ElectionVerifier
import Foundation
import Ristretto
import TestVectors
import Testing
import TransparencyLog

@testable import PlebisciteCLI

/// The same referendum as the step-by-step test, but every party works against a live board over
/// HTTP: `--record http://127.0.0.1:PORT/elections/ID`, tokens from election creation, receipts
/// checked by the voter's client, a monitor that keeps heads, and verification of the downloaded record.
@Suite("Referendum through a live board with the CLI")
struct BoardReferendumTests {
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-board-cli-\(UUID().uuidString)").path

    func run(_ args: [String]) async throws { try await CLIRunner.run(args) }
    func refusal(_ args: [String]) async -> String? { await CLIRunner.refusal(args) }

    /// A board server in this process, on a free port, with a clock the test moves.
    func startBoard(_ path: String, key: Ed25519.SigningKey, secret: [UInt8], clock: SimulatedClock) async throws -> (
        RunningBoard, BoardServerConfiguration
    ) {
        let service = BoardService(store: try SQLiteBoardStore(path: path), boardKey: key) { clock.now }
        var config = BoardServerConfiguration(tokenSecret: secret, operatorToken: "operator-token-for-tests")
        config.port = 0
        config.rateLimit = nil
        return (try await RunningBoard.start(service: service, configuration: config), config)
    }

    @Test("Create, ceremony, credentials, votes with challenge and re-vote, monitor, close, tally, decrypt, verify over HTTP")
    func referendumOverHTTP() async throws {
        let p = try CLIRunner.workspace(dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let clock = SimulatedClock(now)
        let boardKey = Ed25519.SigningKey()
        let secret = Sodium.randomBytes(32)
        let (board, config) = try await startBoard("\(dir)/board.sqlite", key: boardKey, secret: secret, clock: clock)
        let url = "\(board.url)/elections/http-cli"
        let rec = ["--record", url]

        try await CLIRunner.initParties(dir, passphrase: p)
        let iso = ISO8601DateFormatter()
        let spec = """
            {"electionId": "http-cli", "title": "Referendum over HTTP",
             "questions": [{"id": "ref", "text": "Approve?", "options": ["yes", "no"], "minSelections": 1, "maxSelections": 1}],
             "regions": [{"id": "r1", "name": "Region 1", "precincts": [{"id": "p1", "name": "P1", "questions": ["ref"]}]},
                         {"id": "r2", "name": "Region 2", "precincts": [{"id": "p2", "name": "P2", "questions": ["ref"]}]}],
             "channels": ["remote"],
             "window": {"opens": "\(iso.string(from: now.addingTimeInterval(60)))", "closes": "\(iso.string(from: now.addingTimeInterval(86_400)))"},
             "threshold": 2, "trustees": ["t1/t1.pub.json", "t2/t2.pub.json", "t3/t3.pub.json"],
             "authority": "ca/authority.pub.json"}
            """
        try spec.write(toFile: "\(dir)/spec.json", atomically: true, encoding: .utf8)

        // Creating needs the operator token; the manifest gets the board's own key.
        #expect(await refusal(["election", "create", "--spec", "\(dir)/spec.json"] + rec + p)?.contains("--token") == true)
        #expect(
            await refusal(["election", "create", "--spec", "\(dir)/spec.json", "--token", "wrong"] + rec + p)?.contains("unauthorized")
                == true)
        try await run(
            ["election", "create", "--spec", "\(dir)/spec.json", "--token", config.operatorToken, "--tokens-out", "\(dir)/tokens.json"]
                + rec + p)
        let tokens = try RecordCoding.decode(
            ElectionCreated.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/tokens.json"))))
        let admin = ["--token", tokens.adminToken]
        func trustee(_ i: Int) -> [String] { ["--token", tokens.trusteeTokens[String(i)] ?? ""] }

        // Ceremony: each trustee posts its commitment with its own token; another trustee's token is forbidden.
        #expect(
            await refusal(["trustee", "commit", "--key", "\(dir)/t1/t1.key.json", "--out", "\(dir)/t1/wrong.json"] + rec + p + trustee(2))?
                .contains("forbidden") == true)
        for (i, t) in ["t1", "t2", "t3"].enumerated() {
            try await run(
                ["trustee", "commit", "--key", "\(dir)/\(t)/\(t).key.json", "--out", "\(dir)/\(t)/c.json"] + rec + p + trustee(i + 1))
        }
        for t in ["t1", "t2", "t3"] { try await run(["trustee", "accept", "--key", "\(dir)/\(t)/\(t).key.json"] + rec + p) }
        try await run(["election", "finish-ceremony"] + rec + admin)

        let creds = try await CLIRunner.issueCredentials(dir, record: rec, passphrase: p)
        try await run(["publish", "\(dir)/lists.json"] + rec + admin)

        // A monitor starts watching.
        let monitorState = "\(dir)/monitor.json"
        try await run(["monitor", url, "--state", monitorState])
        // Redirected to a file, as `plebiscite monitor URL --interval 60 > m.log`: each check's line is
        // in the file while the monitor keeps running (standard output is line-buffered).
        let watcher = try ChildProcess(
            [BoardCrashTests.executable, "monitor", url, "--interval", "60", "--state", "\(dir)/monitor-child.json"],
            outputPath: "\(dir)/monitor.log")
        defer {
            watcher.kill(SIGKILL)
            _ = watcher.wait()
        }
        #expect(try await watcher.waitForLine(startingWith: "OK ").contains("http-cli has"))

        func vote(_ i: Int, _ answer: String, extra: [String] = []) async throws {
            try await run(["vote", "--credential", creds[i][2], "--precinct", creds[i][1], "--answer", "ref=\(answer)"] + extra + rec + p)
        }
        #expect(
            await refusal(["vote", "--credential", creds[0][2], "--precinct", "p1", "--answer", "ref=yes"] + rec + p)?.contains(
                "notOpenYet") == true)
        clock.set(now.addingTimeInterval(120))
        try await vote(0, "yes", extra: ["--receipt-out", "\(dir)/receipt.json"])
        try await vote(1, "no", extra: ["--challenge"])
        // The challenged ballot opened from the board, as on the voter's second device.
        let onBoard = try RecordState(try await BoardClient(board: board.url).record("http-cli").loaded)
        let boardContextHash = try onBoard.context().contextHash
        let challenged = try #require(
            onBoard.entries.lazy.compactMap { e -> String? in
                guard case .spoiledBallot(let s) = e.entry.payload else { return nil }
                return ProtocolHashes.trackingCode(s.ballot.hash(contextHash: boardContextHash))
            }.first)
        let found = try await PlebisciteCommand.Audit.find(try #require(BallotReference(challenged)), try RecordOptions.parse(rec))
        let opened = found.0.opened(in: found.2, credentials: found.3)
        #expect(found.3 == nil, "over HTTP only the record up to the key ceremony is read")
        #expect(opened.failures.isEmpty && opened.answers.map { $0.selected.map(\.text) } == [["no"]])
        #expect(await CLIRunner.exitStatus(["audit", challenged] + rec) == 0)
        try await vote(2, "yes", extra: ["--receipt-out", "\(dir)/replaced.json"])
        try await vote(2, "no")  // re-vote: this one counts
        try await vote(3, "0")
        // Receipts checked later against the board: voter 0's ballot counts, voter 2's first was replaced.
        try await run(["receipt", "check", "\(dir)/receipt.json", "--record", url, "--out", "\(dir)/track0.json"])
        try await run(["receipt", "check", "\(dir)/replaced.json", "--record", url, "--out", "\(dir)/track2.json"])
        let tracked = try ["track0", "track2"].map {
            try RecordCoding.decode(BallotTrack.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\($0).json"))))
        }
        #expect(tracked.map(\.status) == [.counts, .superseded])
        var forged = try RecordCoding.decode(
            BoardReceipt.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/receipt.json"))))
        forged.treeHead.root = String(repeating: "0", count: 64)
        try Files.write(forged, to: "\(dir)/forged.json")
        #expect(
            await refusal(["receipt", "check", "\(dir)/forged.json", "--record", url])?.contains("not signed by the board key") == true)
        let receipt = try RecordCoding.decode(
            BoardReceipt.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/receipt.json"))))
        #expect(receipt.treeHead.verify(boardKey: boardKey.publicKey))
        #expect(
            await refusal(["vote", "--credential", creds[4][2], "--precinct", "p2", "--answer", "ref=yes"] + rec + p)?.contains(
                "votes in precinct p1, not p2") == true)
        try await run(["monitor", url, "--state", monitorState])

        // Close: only with the admin token, only after the window.
        #expect(await refusal(["close"] + rec + trustee(1))?.contains("unauthorized") == true)
        #expect(await refusal(["close"] + rec + admin)?.contains("windowOpen") == true)
        clock.set(now.addingTimeInterval(86_400))
        try await run(["close"] + rec + admin)
        #expect(
            await refusal(["vote", "--credential", creds[4][2], "--precinct", "p1", "--answer", "ref=yes"] + rec + p)?.contains(
                "electionClosed") == true)
        try await run(["tally"] + rec + admin)
        for (i, t) in [(1, "t1"), (3, "t3")] {
            try await run(
                ["trustee", "decrypt", "--key", "\(dir)/\(t)/\(t).key.json", "--out", "\(dir)/\(t)/shares.json"] + rec + p + trustee(i))
        }
        try await run(["combine"] + rec + admin)
        try await run(["monitor", url, "--state", monitorState])

        // Verify over HTTP, writing the record out; the copy verifies on its own too.
        try await run(["verify", url, "--out", "\(dir)/copy"])
        let report = RecordVerifier.verify(directory: RecordDirectory(path: "\(dir)/copy"), workers: 2)
        #expect(report.ok, "\(report.failures)")
        #expect(report.statistics.spoiledBallots == 1)
        let total = try #require(report.result?.total)
        #expect(total.ballots == 4)
        #expect(total.questions.first?.counts == [2, 2])
        #expect(await refusal(["export", url, "--out", "\(dir)/copy"])?.contains("refusing to overwrite") == true)

        // A second board with the same key and the same election but another history: the monitor
        // that watched the first board calls it out, and so does a fresh monitor comparing heads.
        clock.set(now.addingTimeInterval(90_000))
        let clock2 = SimulatedClock(now.addingTimeInterval(30))
        let (forked, forkConfig) = try await startBoard("\(dir)/forked.sqlite", key: boardKey, secret: secret, clock: clock2)
        let client = BoardClient(board: forked.url)
        let manifest = try await BoardClient(board: board.url).manifest("http-cli")
        _ = try await client.createElection(manifestBytes: manifest, operatorToken: forkConfig.operatorToken)
        let forkedURL = "\(forked.url)/elections/http-cli"
        #expect(await refusal(["monitor", forkedURL, "--state", monitorState]) == "exit 1")
        #expect(await refusal(["monitor", forkedURL, "--state", "\(dir)/fresh.json", "--compare", monitorState]) == "exit 1")
        let watched = try RecordCoding.decode(MonitorState.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: monitorState))))
        #expect(watched.heads.count == 3)

        await forked.stop()
        await board.stop()
    }

    @Test("A monitor names two heads of one size with different roots, a shrinking log and a forged head")
    func monitorAlarms() async throws {
        let key = Ed25519.SigningKey()
        var a = MerkleTree(), b = MerkleTree()
        for i in 0..<5 {
            a.append(leafHash: MerkleHash.leaf(Array("entry \(i)".utf8)))
            b.append(leafHash: MerkleHash.leaf(Array(i == 3 ? "rewritten".utf8 : "entry \(i)".utf8)))
        }
        let t = Date()
        let headA = SignedTreeHead.sign(a, key: key, lastEntryAt: t),
            headB = SignedTreeHead.sign(b, key: key, lastEntryAt: t.addingTimeInterval(1))
        let tree = a
        var monitor = HeadMonitor(state: MonitorState(election: "e", manifestHash: .zero, boardKey: key.publicKey)) { m, n in
            try tree.consistencyProof(from: m, to: n)
        }
        try await monitor.observe(headA)
        await #expect(throws: MonitorAlarm.forkedRoots(headB, headA)) { try await monitor.compare(headB) }
        var small = MerkleTree()
        small.append(leafHash: MerkleHash.leaf(Array("entry 0".utf8)))
        let smaller = SignedTreeHead.sign(small, key: key, lastEntryAt: t.addingTimeInterval(2))
        await #expect(throws: MonitorAlarm.logShrank(earlier: headA, later: smaller)) { try await monitor.observe(smaller) }
        let forged = SignedTreeHead.sign(b, key: Ed25519.SigningKey(), lastEntryAt: t.addingTimeInterval(3))
        await #expect(throws: MonitorAlarm.badSignature(forged)) { try await monitor.observe(forged) }
        // A grown log with a valid proof is accepted and kept.
        a.append(leafHash: MerkleHash.leaf(Array("entry 5".utf8)))
        let grownTree = a
        var grownMonitor = HeadMonitor(state: monitor.state) { m, n in try grownTree.consistencyProof(from: m, to: n) }
        try await grownMonitor.observe(SignedTreeHead.sign(a, key: key, lastEntryAt: t.addingTimeInterval(4)))
        #expect(grownMonitor.state.heads.count == 2)
        // ... and one whose prefix was rewritten is not.
        b.append(leafHash: MerkleHash.leaf(Array("entry 5".utf8)))
        let rewritten = SignedTreeHead.sign(b, key: key, lastEntryAt: t.addingTimeInterval(5))
        var fooled = HeadMonitor(state: monitor.state) { m, n in try grownTree.consistencyProof(from: m, to: n) }
        await #expect {
            try await fooled.observe(rewritten)
        } throws: { error in
            if case .inconsistent = error as? MonitorAlarm { true } else { false }
        }
    }
}

extension BoardReferendumTests {
    @Test("demo --open stops before the close and keeps the board serving the booth, with unused credentials that work")
    func demoOpen() async throws {
        let site = try BoothScript.site()
        defer { try? FileManager.default.removeItem(atPath: site) }
        let out = NSTemporaryDirectory() + "demo-open-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let demo = Task { try await CLIRunner.run(["demo", "--voters", "60", "--out", out, "--open", "--booth", site, "--workers", "2"]) }
        defer { demo.cancel() }
        var info: OpenBoard?
        for _ in 0..<600 where info == nil {
            if let data = FileManager.default.contents(atPath: out + "/open.json") {
                info = try RecordCoding.decode(OpenBoard.self, from: Array(data))
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let open = try #require(info)
        #expect(!open.credentials.isEmpty)
        let client = BoardClient(board: open.board)
        let manifest = try RecordCoding.decode(Manifest.self, from: try await client.manifest(open.election))
        let status = try await client.status(open.election)
        #expect(status.phase == .voting, "before the close")
        // Each printed credential votes: its ballot is accepted by the board (the clock stands inside the window).
        let head = try await client.treeHead(open.election)
        let record = try await client.record(open.election)
        let state = try RecordState(record.loaded)
        let context = try state.context()
        for c in open.credentials.prefix(2) {
            let credential = try VoterCredential(text: c.credential, electionId: manifest.electionId)
            let ballot = try BallotEncryptor(context: context).encrypt(
                precinct: c.precinct, channel: .remote, credential: credential,
                choices: Dictionary(uniqueKeysWithValues: manifest.precinct(c.precinct)!.questions.map { q in (q, [0]) })
            ).ballot
            let receipt = try await client.castChecked(open.election, ballot, boardKey: manifest.boardKey, contextHash: context.contextHash)
            #expect(receipt.index >= head.size)
            #expect(c.vote.hasSuffix("#c=\(c.credential)"))
        }
        demo.cancel()
        await #expect(throws: (any Error).self) { try await demo.value }
    }
}
