import ElectionRecord
import PlebisciteCrypto
import Ristretto

/// Why a voter's choices could not be encrypted; each case names the question or option.
public enum BallotError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownPrecinct(String)
    case channelNotAllowed(Channel)
    case deviceRequired(Channel)
    case unknownQuestion(String)
    case missingAnswer(question: String)
    case invalidOption(question: String, option: Int)
    case duplicateSelection(question: String, option: Int)
    case selectionCount(question: String, selected: Int, min: Int, max: Int)

    public var description: String {
        switch self {
        case .unknownPrecinct(let p): "unknown precinct \(p)"
        case .channelNotAllowed(let c): "channel \(c.rawValue) is not allowed in this election"
        case .deviceRequired(let c): "\(c.rawValue) ballots must be submitted by a device"
        case .unknownQuestion(let q): "question \(q) is not on this precinct's ballot"
        case .missingAnswer(let q): "no answer for question \(q)"
        case .invalidOption(let q, let o): "question \(q) has no option \(o)"
        case .duplicateSelection(let q, let o): "question \(q): option \(o) selected twice"
        case .selectionCount(let q, let n, let lo, let hi): "question \(q): \(n) selected, allowed \(lo) to \(hi)"
        }
    }
}

/// The nonces and values behind an encrypted ballot, kept by the device until the voter casts
/// (then erased) or challenges (then published in the spoiled ballot).
public struct BallotSecrets: Sendable {
    public var reveals: [[RevealedSelection]]
}

/// Encrypts a voter's choices into a signed ballot (SPEC 7). Runs on the voter's device.
public struct BallotEncryptor: Sendable {
    public let context: ElectionContext

    public init(context: ElectionContext) { self.context = context }

    /// Encrypts `choices` (question id -> selected option indices) for `precinct`.
    ///
    /// Cost for an option: 5 fixed-base and 3 variable-base multiplications; for a question,
    /// 2(max-min+1) fixed-base and (max-min+1) variable-base; 1 fixed-base for the signature.
    public func encrypt(
        precinct: String, channel: Channel, credential: VoterCredential,
        device: (id: String, key: Ed25519.SigningKey)? = nil, choices: [String: [Int]]
    ) throws(BallotError) -> (ballot: EncryptedBallot, secrets: BallotSecrets) {
        let manifest = context.manifest
        guard let p = manifest.precinct(precinct) else { throw .unknownPrecinct(precinct) }
        guard manifest.channels.contains(channel) else { throw .channelNotAllowed(channel) }
        if channel != .remote && device == nil { throw .deviceRequired(channel) }
        for q in choices.keys where !p.questions.contains(q) { throw .unknownQuestion(q) }
        let key = context.jointKey
        var answers = [EncryptedAnswer]()
        var reveals = [[RevealedSelection]]()
        for qid in p.questions {
            guard let q = manifest.question(qid) else { throw .unknownQuestion(qid) }
            guard let selected = choices[qid] else { throw .missingAnswer(question: qid) }
            var values = [Int](repeating: 0, count: q.options.count)
            for o in selected {
                guard o >= 0 && o < q.options.count else { throw .invalidOption(question: qid, option: o) }
                guard values[o] == 0 else { throw .duplicateSelection(question: qid, option: o) }
                values[o] = 1
            }
            guard selected.count >= q.minSelections && selected.count <= q.maxSelections else {
                throw .selectionCount(question: qid, selected: selected.count, min: q.minSelections, max: q.maxSelections)
            }
            var selections = [EncryptedSelection]()
            var revealed = [RevealedSelection]()
            var nonceSum = Scalar.zero
            var sum = Ciphertext.zero
            for (i, v) in values.enumerated() {
                // Never 0 (check 6.11: alpha would be the identity and beta the vote in clear).
                let r = Scalar.randomNonZero()
                let ct = Ciphertext.encrypt(bit: UInt8(v), nonce: r, key: key)
                let ctx = ProtocolHashes.selectionContext(
                    contextHash: context.contextHash, credential: credential.publicKey, question: qid, option: i)
                let proof = RangeProof.prove(value: v, nonce: r, ciphertext: ct, key: key, lower: 0, upper: 1, context: ctx)
                selections.append(EncryptedSelection(ciphertext: ct, proof: proof))
                revealed.append(RevealedSelection(value: v, nonce: r))
                nonceSum += r
                sum += ct
            }
            let ctx = ProtocolHashes.countContext(contextHash: context.contextHash, credential: credential.publicKey, question: qid)
            let countProof = RangeProof.prove(
                value: selected.count, nonce: nonceSum, ciphertext: sum, key: key,
                lower: q.minSelections, upper: q.maxSelections, context: ctx)
            answers.append(EncryptedAnswer(question: qid, selections: selections, countProof: countProof))
            reveals.append(revealed)
        }
        var ballot = EncryptedBallot(
            electionId: manifest.electionId, precinct: precinct, channel: channel, credential: credential.publicKey,
            device: device?.id, answers: answers,
            signature: SchnorrSignature(commitment: .identity, response: .zero), deviceSignature: nil)
        let hash = ballot.hash(contextHash: context.contextHash)
        ballot.signature = SchnorrSignature.sign(
            message: hash.bytes, secret: credential.secret, key: credential.publicKey, context: context.contextHash.bytes)
        if let device {
            ballot.deviceSignature = HexBytes(device.key.signature(for: ProtocolHashes.deviceMessage(ballotHash: hash)))
        }
        return (ballot, BallotSecrets(reveals: reveals))
    }
}
