import BoardAPI
import BoardService
import BoardStorage
import BoardStoragePostgres
import BoardTestSupport
import ElectionProtocol
import ElectionRecord
import ElectionRules
import ElectionVerifier
import Foundation
import Ristretto
import Testing
import TransparencyLog

/// Where a test posts entries: a board service on a store (two servers sharing it), or the file
/// board. Both answer a post with the entry's index, or the first one's when it is there already.
protocol EntrySink: AnyObject {
    func post(_ payload: EntryPayload, at time: Date) async throws -> Int
    func close(at time: Date) async throws
    /// The log's size and the number of stored tree heads.
    func sizes() async throws -> (entries: Int, heads: Int)
    func record() async throws -> LoadedRecord
}

/// Two board servers on one store; posts alternate between them.
final class BoardSink: EntrySink {
    let servers: [BoardService]
    let clock: SimulatedClock
    let id: String
    var turn = 0

    init(store: any BoardStore, boardKey: Ed25519.SigningKey, manifestBytes: [UInt8], clock: SimulatedClock) async throws {
        self.clock = clock
        servers = [
            BoardService(store: store, boardKey: boardKey, clock: { clock.now }),
            BoardService(store: store, boardKey: boardKey, treeBlock: 2, clock: { clock.now }),
        ]
        id = try await servers[0].createElection(manifestBytes: manifestBytes)
    }

    private var next: BoardService {
        turn += 1
        return servers[turn % 2]
    }

    func post(_ payload: EntryPayload, at time: Date) async throws -> Int {
        clock.set(time)
        switch payload {
        case .ballot(let b): return try await next.cast(id, b).index
        case .spoiledBallot(let s): return try await next.spoil(id, s)
        default: return try await next.publish(id, payload)
        }
    }

    func close(at time: Date) async throws {
        clock.set(time)
        _ = try await next.close(id)
    }

    func sizes() async throws -> (entries: Int, heads: Int) {
        (try await servers[0].status(id).entries, try await servers[1].storedTreeHeads(id).count)
    }

    func record() async throws -> LoadedRecord {
        let e = try await servers[0].export(id)
        var r = LoadedRecord.parse(manifestBytes: e.manifest, log: Array(e.log.map { $0 + [10] }.joined()))
        r.treeHeads = e.heads
        return r
    }
}

/// The file board in a temporary directory, opened afresh for every step as the commands do.
final class FileSink: EntrySink {
    let dir: RecordDirectory
    let boardKey: Ed25519.SigningKey

    init(manifestBytes: [UInt8], boardKey: Ed25519.SigningKey, at time: Date) throws {
        dir = RecordDirectory(URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-repost-\(UUID().uuidString)"))
        self.boardKey = boardKey
        _ = try FileBoard.create(at: dir, manifestBytes: manifestBytes, at: time, durable: false)
    }

    deinit { try? FileManager.default.removeItem(at: dir.url) }

    func post(_ payload: EntryPayload, at time: Date) async throws -> Int {
        let board = try FileBoard(directory: dir, durable: false)
        switch payload {
        case .ballot(let b): return try board.cast(b, at: time).seq
        case .spoiledBallot(let s): return try board.spoil(s, at: time).seq
        default: return try board.submit(payload, at: time, workers: 2).seq
        }
    }

    func close(at time: Date) async throws { try FileBoard(directory: dir, durable: false).close(at: time, boardKey: boardKey) }

    func sizes() async throws -> (entries: Int, heads: Int) {
        let r = try LoadedRecord.load(dir)
        return (r.entries.count, r.treeHeads.count)
    }

    func record() async throws -> LoadedRecord { try LoadedRecord.load(dir) }
}

/// Every entry kind posted again in every later phase, under both counting rules, on every store:
/// the identical entry gets its first index, appends nothing and signs no new head (PROTOCOL.md
/// 6.4), and the record verifies.
@Suite("Posting again: the first receipt, in every phase, under both counting rules, on every store")
struct RepostTests {
    enum Backend: String, CaseIterable, Sendable { case file, sqlite, postgres }

    @Test(
        "Every entry posted so far, posted again after each step", arguments: Backend.allCases,
        [CountingRule.Kind.lastBallot, .stationFinal])
    func repostEverywhere(_ backend: Backend, _ rule: CountingRule.Kind) async throws {
        let boardKey = Ed25519.SigningKey(), stationKey = Ed25519.SigningKey()
        let opens = Date(timeIntervalSince1970: 1_900_000_000)
        let closes = opens.addingTimeInterval(86_400)
        let trustees = (1...3).map { Trustee(id: "t\($0)") }
        let authority = CredentialAuthority(signingKey: Ed25519.SigningKey())
        let q = Question(id: "ref", text: "Approve?", options: ["yes", "no"], minSelections: 1, maxSelections: 1)
        let manifest = Manifest(
            electionId: "repost", title: "Repost", questions: [q],
            regions: [Region(id: "r", name: "R", precincts: [Precinct(id: "p1", name: "P1", questions: ["ref"])])],
            channels: [.station, .remote], window: VotingWindow(opens: opens, closes: closes),
            trustees: trustees.enumerated().map {
                TrusteeDescriptor(id: $1.id, index: $0 + 1, signingKey: $1.signingKey.publicKey, exchangeKey: $1.exchangeKey.publicKey)
            },
            threshold: 2, credentialAuthority: authority.signingKey.publicKey,
            devices: [DeviceDescriptor(id: "s1", channel: .station, signingKey: stationKey.publicKey)], boardKey: boardKey.publicKey,
            countingRule: rule)
        let bytes = try RecordCoding.encode(manifest, pretty: true)
        let hash = ProtocolHashes.manifestHash(bytes)
        let before = opens.addingTimeInterval(-3600)
        let clock = SimulatedClock(before)
        let sink: any EntrySink
        var cleanup: () -> Void = {}
        switch backend {
        case .file: sink = try FileSink(manifestBytes: bytes, boardKey: boardKey, at: before)
        case .sqlite:
            let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-repost-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            cleanup = { try? FileManager.default.removeItem(at: dir) }
            let store = try SQLiteBoardStore(path: dir.appendingPathComponent("board.sqlite").path)
            sink = try await BoardSink(store: store, boardKey: boardKey, manifestBytes: bytes, clock: clock)
        case .postgres:
            let db = "plebiscite_repost_\(UUID().uuidString.prefix(8).lowercased())"
            let store = try await PostgresTestServer.createDatabase(db).store(db)
            cleanup = { store.close() }
            sink = try await BoardSink(store: store, boardKey: boardKey, manifestBytes: bytes, clock: clock)
        }
        defer { cleanup() }

        var posted = [(payload: EntryPayload, seq: Int)]()
        var now = before
        /// Posts an entry, then every entry so far again: each gets its first index, nothing grows.
        func post(_ payload: EntryPayload) async throws {
            posted.append((payload, try await sink.post(payload, at: now)))
            try await everyAgain()
        }
        func everyAgain() async throws {
            let (size, heads) = try await sink.sizes()
            for (payload, seq) in posted {
                let again = try await sink.post(payload, at: now)
                #expect(again == seq, "\(backend) \(rule): \(payload.kind) at \(seq) posted again got \(again)")
            }
            let after = try await sink.sizes()
            #expect(after.entries == size && after.heads == heads, "\(backend) \(rule): posting again appended or signed")
        }

        let commitments = try trustees.map { try $0.commit(manifest: manifest, manifestHash: hash) }
        for c in commitments { try await post(.trusteeCommitment(c)) }
        let context = ElectionContext(manifest: manifest, manifestHash: hash, commitments: commitments.map(\.commitments))
        let shares = try trustees.map { t -> Scalar in
            guard case .accepted(let s) = try t.receiveShares(manifest: manifest, manifestHash: hash, commitments: commitments) else {
                throw CeremonyError.ceremonyFailed(cheaters: [])
            }
            return s
        }
        try await post(
            .keyCeremony(
                KeyCeremonyResult(jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash))
        )
        let (lists, issued) = authority.issue(
            roll: VoterRoll(voters: (0..<5).map { .init(id: "v\($0)", precinct: "p1") }), manifest: manifest, manifestHash: hash)
        try await post(.credentialList(lists[0]))
        let (amendments, added) = authority.amend(adding: [.init(id: "v5", precinct: "p1")], manifest: manifest, manifestHash: hash)
        try await post(.credentialAmendment(amendments[0]))
        let (revocation, replacement) = authority.revoke(
            issued[4].credential.publicKey, voterId: "v4", precinct: "p1", manifest: manifest, manifestHash: hash)

        now = opens.addingTimeInterval(60)
        let encryptor = BallotEncryptor(context: context)
        let credentials = issued.map(\.credential) + added.map(\.credential)
        func ballot(_ v: Int, _ choice: Int, _ channel: Channel = .remote) throws -> (EncryptedBallot, BallotSecrets) {
            try encryptor.encrypt(
                precinct: "p1", channel: channel, credential: credentials[v], device: channel == .station ? ("s1", stationKey) : nil,
                choices: ["ref": [choice]])
        }
        // A final station ballot (under stationFinal); a re-vote; a challenge, then the real ballot;
        // a ballot of a credential revoked afterwards, and one of its replacement.
        try await post(.ballot(try ballot(0, 0, .station).0))
        try await post(.ballot(try ballot(1, 0).0))
        try await post(.ballot(try ballot(1, 1).0))
        let (challenged, secrets) = try ballot(2, 1)
        try await post(.spoiledBallot(SpoiledBallot(ballot: challenged, reveals: secrets.reveals)))
        try await post(.ballot(try ballot(2, 1).0))
        try await post(.ballot(try ballot(4, 0).0))
        try await post(.credentialRevocation(revocation))
        try await post(
            .ballot(try encryptor.encrypt(precinct: "p1", channel: .remote, credential: replacement.credential, choices: ["ref": [1]]).0))
        try await post(.ballot(try ballot(5, 1).0))

        now = closes.addingTimeInterval(60)
        try await sink.close(at: now)
        try await everyAgain()
        let state = try RecordState(try await sink.record())
        let tally = try Tallier.tally(state, workers: 2)
        try await post(.tally(tally))
        for (i, t) in trustees.enumerated() {
            try await post(.decryptionShares(try t.decrypt(tally: tally, secretShare: shares[i], context: context)))
        }
        let (result, _) = try Tallier.combine(try RecordState(try await sink.record()), context: context, workers: 2)
        try await post(.result(result))

        let record = try await sink.record()
        let report = RecordVerifier.verify(record, workers: 2)
        #expect(report.ok, "\(backend) \(rule): \(report.failures.prefix(3))")
        #expect(report.phase == "decrypted")
        #expect(report.statistics.revokedBallots == 1 && report.statistics.supersededBallots == 1)
    }
}
