import ElectionRecord
import Foundation
import PlebisciteCrypto
import Ristretto
import Testing

@testable import ElectionProtocol

/// A small election set up through the real protocol steps, in a temporary record directory.
final class Fixture {
    let dir: RecordDirectory
    let trustees: [Trustee]
    let authority = CredentialAuthority(signingKey: Ed25519.SigningKey())
    let boardKey = Ed25519.SigningKey()
    let stationKey = Ed25519.SigningKey()
    let manifest: Manifest
    let manifestBytes: [UInt8]
    let manifestHash: Digest
    /// The record's board: every entry goes through the acceptance rules.
    /// (Released by `releaseBoard()`: it holds the record's lock while it lives.)
    var board: FileBoard!
    var commitments: [TrusteeCommitment] = []
    var secretShares: [Scalar] = []
    var context: ElectionContext!
    var registry = CredentialRegistry()
    var credentials: [String: [VoterCredential]] = [:]
    let opens = Date(timeIntervalSince1970: 1_800_000_000)
    var closes: Date { opens.addingTimeInterval(86_400) }

    static let yesNo = Question(id: "ref", text: "Yes or no?", options: ["yes", "no"], minSelections: 1, maxSelections: 1)
    static let pick = Question(id: "pick", text: "Pick up to two", options: ["a", "b", "c"], minSelections: 0, maxSelections: 2)

    init(
        trustees n: Int = 3, threshold k: Int = 2, votersPerPrecinct: Int = 4, electionId: String = "test-election",
        countingRule: CountingRule.Kind? = nil, minimumCell: Int? = nil
    ) throws {
        dir = RecordDirectory(URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-test-\(UUID().uuidString)"))
        trustees = (1...n).map { Trustee(id: "t\($0)") }
        manifest = Manifest(
            electionId: electionId, title: "Test", questions: [Fixture.yesNo, Fixture.pick],
            regions: [
                Region(id: "r1", name: "R1", precincts: [Precinct(id: "p1", name: "P1", questions: ["ref"])]),
                Region(id: "r2", name: "R2", precincts: [Precinct(id: "p2", name: "P2", questions: ["ref", "pick"])]),
            ],
            channels: [.station, .remote],
            window: VotingWindow(opens: opens, closes: opens.addingTimeInterval(86_400)),
            trustees: trustees.enumerated().map {
                TrusteeDescriptor(id: $1.id, index: $0 + 1, signingKey: $1.signingKey.publicKey, exchangeKey: $1.exchangeKey.publicKey)
            },
            threshold: k, credentialAuthority: authority.signingKey.publicKey,
            devices: [DeviceDescriptor(id: "st1", channel: .station, signingKey: stationKey.publicKey)],
            boardKey: boardKey.publicKey, countingRule: countingRule, minimumCell: minimumCell)
        manifestBytes = try RecordCoding.encode(manifest, pretty: true)
        manifestHash = ProtocolHashes.manifestHash(manifestBytes)
        board = try FileBoard.create(at: dir, manifestBytes: manifestBytes, at: opens.addingTimeInterval(-3600), durable: false)
        _ = votersPerPrecinct
    }

    deinit { try? FileManager.default.removeItem(at: dir.url) }

    /// Runs the honest ceremony and issues credentials.
    func setUp(votersPerPrecinct: Int = 4) throws {
        commitments = try trustees.map { try $0.commit(manifest: manifest, manifestHash: manifestHash) }
        for c in commitments { try board.submit(.trusteeCommitment(c), at: opens.addingTimeInterval(-3000)) }
        for t in trustees {
            guard case .accepted(let s) = try t.receiveShares(manifest: manifest, manifestHash: manifestHash, commitments: commitments)
            else {
                throw CeremonyError.ceremonyFailed(cheaters: [])
            }
            secretShares.append(s)
        }
        context = ElectionContext(manifest: manifest, manifestHash: manifestHash, commitments: commitments.map(\.commitments))
        try board.submit(
            .keyCeremony(
                KeyCeremonyResult(jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash)),
            at: opens.addingTimeInterval(-2000))
        let roll = VoterRoll(
            voters: ["p1", "p2"].flatMap { p in (0..<votersPerPrecinct).map { VoterRoll.Voter(id: "\(p)-v\($0)", precinct: p) } })
        let (lists, issued) = authority.issue(roll: roll, manifest: manifest, manifestHash: manifestHash)
        for l in lists {
            try board.submit(.credentialList(l), at: opens.addingTimeInterval(-1000))
            registry.add(l)
        }
        for i in issued { credentials[i.precinct, default: []].append(i.credential) }
    }

    func box() throws -> FileBoard { board }

    /// Releases the fixture's board and its lock on the record.
    func releaseBoard() { board = nil }

    /// Appends an entry to log.jsonl without the rules, as a dishonest operator might (the board
    /// must be released first).
    func appendUnchecked(_ payload: EntryPayload, at time: Date) throws {
        let last = try #require(try LoadedRecord.load(dir).entries.last)
        let entry = LogEntry(seq: last.entry.seq + 1, prev: last.hash, at: time, payload: payload)
        let log = try FileHandle(forWritingTo: dir.logURL)
        defer { try? log.close() }
        try log.seekToEnd()
        try log.write(contentsOf: Data(try RecordCoding.encode(entry) + [UInt8(ascii: "\n")]))
    }

    /// A ballot whose selections all have nonce 0 (alpha the identity): its proofs and signature
    /// are valid, and its ciphertexts show the vote in clear.
    func ballotInClear(_ precinct: String, voter: Int, choices: [String: [Int]]) throws -> EncryptedBallot {
        let credential = credentials[precinct]![voter]
        let key = context.jointKey
        let answers = manifest.precinct(precinct)!.questions.map { qid -> EncryptedAnswer in
            let q = manifest.question(qid)!
            let values = q.options.indices.map { choices[qid, default: []].contains($0) ? 1 : 0 }
            var sum = Ciphertext.zero
            let selections = values.enumerated().map { i, v -> EncryptedSelection in
                let ct = Ciphertext.encrypt(bit: UInt8(v), nonce: .zero, key: key)
                sum += ct
                let ctx = ProtocolHashes.selectionContext(
                    contextHash: context.contextHash, credential: credential.publicKey, question: qid, option: i)
                return EncryptedSelection(
                    ciphertext: ct,
                    proof: RangeProof.prove(value: v, nonce: .zero, ciphertext: ct, key: key, lower: 0, upper: 1, context: ctx))
            }
            let ctx = ProtocolHashes.countContext(contextHash: context.contextHash, credential: credential.publicKey, question: qid)
            return EncryptedAnswer(
                question: qid, selections: selections,
                countProof: RangeProof.prove(
                    value: values.reduce(0, +), nonce: .zero, ciphertext: sum, key: key, lower: q.minSelections, upper: q.maxSelections,
                    context: ctx))
        }
        var ballot = EncryptedBallot(
            electionId: manifest.electionId, precinct: precinct, channel: .remote, credential: credential.publicKey, device: nil,
            answers: answers, signature: SchnorrSignature(commitment: .identity, response: .zero), deviceSignature: nil)
        ballot.signature = SchnorrSignature.sign(
            message: ballot.hash(contextHash: context.contextHash).bytes, secret: credential.secret, key: credential.publicKey,
            context: context.contextHash.bytes)
        return ballot
    }

    func ballot(_ precinct: String, voter: Int, choices: [String: [Int]], channel: Channel = .remote) throws -> (
        EncryptedBallot, BallotSecrets
    ) {
        let device: (String, Ed25519.SigningKey)? = channel == .station ? ("st1", stationKey) : nil
        return try BallotEncryptor(context: context).encrypt(
            precinct: precinct, channel: channel, credential: credentials[precinct]![voter], device: device, choices: choices)
    }
}
