import Foundation
import PlebisciteCrypto
import Ristretto

/// First log entry: binds the record to the exact bytes of manifest.json.
public struct ManifestReference: Codable, Sendable, Equatable {
    public var electionId: String
    public var manifestHash: Digest

    public init(electionId: String, manifestHash: Digest) {
        self.electionId = electionId
        self.manifestHash = manifestHash
    }
}

/// A key share sealed to its recipient: box(share || dealer's Ed25519 signature on it).
public struct SealedShare: Codable, Sendable, Equatable {
    public var recipient: Int
    public var box: HexBytes

    public init(recipient: Int, box: [UInt8]) {
        self.recipient = recipient
        self.box = HexBytes(box)
    }
}

/// Trustee i's key-ceremony publication: Feldman commitments with proofs of knowledge,
/// and one sealed share per trustee, signed with i's Ed25519 key.
public struct TrusteeCommitment: Codable, Sendable, Equatable {
    public var trustee: Int
    public var commitments: [Element]
    public var proofs: [SchnorrProof]
    public var shares: [SealedShare]
    public var signature: HexBytes

    public init(trustee: Int, commitments: [Element], proofs: [SchnorrProof], shares: [SealedShare], signature: [UInt8]) {
        self.trustee = trustee
        self.commitments = commitments
        self.proofs = proofs
        self.shares = shares
        self.signature = HexBytes(signature)
    }
}

/// Trustee j's public complaint that dealer i sent a share that does not match i's commitments.
/// It reveals the share with i's signature on it, so anyone can check who cheated.
public struct Complaint: Codable, Sendable, Equatable {
    public var accuser: Int
    public var accused: Int
    public var share: Scalar
    public var shareSignature: HexBytes
    public var signature: HexBytes

    public init(accuser: Int, accused: Int, share: Scalar, shareSignature: [UInt8], signature: [UInt8]) {
        self.accuser = accuser
        self.accused = accused
        self.share = share
        self.shareSignature = HexBytes(shareSignature)
        self.signature = HexBytes(signature)
    }
}

/// The ceremony's public outcome: joint key, per-trustee verification keys, context hash.
public struct KeyCeremonyResult: Codable, Sendable, Equatable {
    public var jointKey: Element
    public var verificationKeys: [Element]
    public var contextHash: Digest

    public init(jointKey: Element, verificationKeys: [Element], contextHash: Digest) {
        self.jointKey = jointKey
        self.verificationKeys = verificationKeys
        self.contextHash = contextHash
    }
}

/// One precinct's sorted public credentials, signed by the credential authority.
public struct CredentialList: Codable, Sendable, Equatable {
    public var precinct: String
    public var credentials: [Element]
    public var signature: HexBytes

    public init(precinct: String, credentials: [Element], signature: [UInt8]) {
        self.precinct = precinct
        self.credentials = credentials
        self.signature = HexBytes(signature)
    }
}

/// Credentials added to a precinct's list during the election, signed by the credential authority.
public struct CredentialAmendment: Codable, Sendable, Equatable {
    public var precinct: String
    public var credentials: [Element]
    public var signature: HexBytes

    public init(precinct: String, credentials: [Element], signature: [UInt8]) {
        self.precinct = precinct
        self.credentials = credentials
        self.signature = HexBytes(signature)
    }
}

/// A credential revoked (its letter lost or taken) and a fresh one for the same voter in the same
/// precinct, issued in person and signed by the credential authority.
public struct CredentialRevocation: Codable, Sendable, Equatable {
    public var precinct: String
    public var revoked: Element
    public var replacement: Element
    public var signature: HexBytes

    public init(precinct: String, revoked: Element, replacement: Element, signature: [UInt8]) {
        self.precinct = precinct
        self.revoked = revoked
        self.replacement = replacement
        self.signature = HexBytes(signature)
    }
}

/// One option's encrypted selection with its 0/1 proof.
public struct EncryptedSelection: Codable, Sendable, Equatable {
    public var ciphertext: Ciphertext
    public var proof: RangeProof

    public init(ciphertext: Ciphertext, proof: RangeProof) {
        self.ciphertext = ciphertext
        self.proof = proof
    }
}

/// One question's encrypted answers and the proof that the number of selections is allowed.
public struct EncryptedAnswer: Codable, Sendable, Equatable {
    public var question: String
    public var selections: [EncryptedSelection]
    public var countProof: RangeProof

    public init(question: String, selections: [EncryptedSelection], countProof: RangeProof) {
        self.question = question
        self.selections = selections
        self.countProof = countProof
    }

    /// The homomorphic sum of the selections: encrypts the number of options chosen.
    public var sum: Ciphertext {
        var sum = CiphertextSum()
        for s in selections { sum.add(s.ciphertext) }
        return sum.value
    }
}

/// A ballot as cast: encrypted answers, signed by the voter's credential and optionally by a device.
public struct EncryptedBallot: Codable, Sendable, Equatable {
    public var electionId: String
    public var precinct: String
    public var channel: Channel
    public var credential: Element
    public var device: String?
    public var answers: [EncryptedAnswer]
    public var signature: SchnorrSignature
    public var deviceSignature: HexBytes?

    public init(
        electionId: String, precinct: String, channel: Channel, credential: Element, device: String?,
        answers: [EncryptedAnswer], signature: SchnorrSignature, deviceSignature: [UInt8]?
    ) {
        self.electionId = electionId
        self.precinct = precinct
        self.channel = channel
        self.credential = credential
        self.device = device
        self.answers = answers
        self.signature = signature
        self.deviceSignature = deviceSignature.map(HexBytes.init)
    }
}

/// What the device reveals for a challenged ballot: per question, per option, the value and nonce.
public struct RevealedSelection: Codable, Sendable, Equatable {
    public var value: Int
    public var nonce: Scalar

    public init(value: Int, nonce: Scalar) {
        self.value = value
        self.nonce = nonce
    }
}

/// A challenged (Benaloh) ballot, published with its nonces; never counted.
public struct SpoiledBallot: Codable, Sendable, Equatable {
    public var ballot: EncryptedBallot
    public var reveals: [[RevealedSelection]]

    public init(ballot: EncryptedBallot, reveals: [[RevealedSelection]]) {
        self.ballot = ballot
        self.reveals = reveals
    }
}

/// The end of voting, signed by the board key.
public struct CloseMarker: Codable, Sendable, Equatable {
    public var closedAt: Date
    public var signature: HexBytes

    public init(closedAt: Date, signature: [UInt8]) {
        self.closedAt = closedAt
        self.signature = HexBytes(signature)
    }
}

/// Encrypted sums for one question in one tally cell: one ciphertext per option.
public struct QuestionSums: Codable, Sendable, Equatable {
    public var question: String
    public var sums: [Ciphertext]

    public init(question: String, sums: [Ciphertext]) {
        self.question = question
        self.sums = sums
    }
}

/// A (precinct, channel) cell, or (precinct, channel, day) with `tallyDays`, inside a merged
/// aggregate, with its counted ballots.
public struct CellMember: Codable, Sendable, Equatable, Hashable {
    public var precinct: String
    public var channel: Channel
    /// The voting day (`YYYY-MM-DD`), when the manifest tallies per day.
    public var day: String?
    public var ballots: Int

    public init(precinct: String, channel: Channel, day: String? = nil, ballots: Int) {
        self.precinct = precinct
        self.channel = channel
        self.day = day
        self.ballots = ballots
    }

    /// `precinct/channel[/day]`, for messages.
    public var label: String { CellKey(precinct: precinct, channel: channel, day: day).label }
}

/// What identifies a tally cell: its precinct, channel and (with `tallyDays`) voting day.
public struct CellKey: Hashable, Sendable {
    public var precinct: String
    public var channel: Channel
    public var day: String?

    public init(precinct: String, channel: Channel, day: String?) {
        self.precinct = precinct
        self.channel = channel
        self.day = day
    }

    public var label: String { "\(precinct)/\(channel.rawValue)" + (day.map { "/\($0)" } ?? "") }
}

/// The aggregate for one (precinct, channel), or for several merged because they were small
/// (PROTOCOL.md 6.3): how many ballots counted and their encrypted sums.
public struct TallyCell: Codable, Sendable, Equatable {
    /// The cell's precinct, channel and day; of a merged aggregate, its first member's.
    public var precinct: String
    public var channel: Channel
    public var day: String?
    public var ballots: Int
    /// The cells of a merged aggregate, in manifest order (absent for a single cell).
    public var members: [CellMember]?
    public var questions: [QuestionSums]

    public init(
        precinct: String, channel: Channel, day: String? = nil, ballots: Int, members: [CellMember]? = nil, questions: [QuestionSums]
    ) {
        self.precinct = precinct
        self.channel = channel
        self.day = day
        self.ballots = ballots
        self.members = members
        self.questions = questions
    }

    public var key: CellKey { CellKey(precinct: precinct, channel: channel, day: day) }

    /// The cells this aggregate covers.
    public var cells: [CellMember] { members ?? [CellMember(precinct: precinct, channel: channel, day: day, ballots: ballots)] }
}

/// The encrypted tally: every cell, in (precinct, channel) order.
public struct EncryptedTally: Codable, Sendable, Equatable {
    public var cells: [TallyCell]

    public init(cells: [TallyCell]) { self.cells = cells }

    /// Every ciphertext in a fixed order: cell, question, option. Shares follow this order.
    public var ciphertexts: [Ciphertext] { cells.flatMap { $0.questions.flatMap(\.sums) } }
}

/// One partial decryption alpha^x_j of a tally ciphertext with its Chaum-Pedersen proof.
public struct PartialDecryption: Codable, Sendable, Equatable {
    public var share: Element
    public var proof: ChaumPedersenProof

    public init(share: Element, proof: ChaumPedersenProof) {
        self.share = share
        self.proof = proof
    }
}

/// Trustee j's decryption shares for every tally ciphertext, in tally order, signed.
public struct DecryptionShares: Codable, Sendable, Equatable {
    public var trustee: Int
    public var tallyHash: Digest
    public var partials: [PartialDecryption]
    public var signature: HexBytes

    public init(trustee: Int, tallyHash: Digest, partials: [PartialDecryption], signature: [UInt8]) {
        self.trustee = trustee
        self.tallyHash = tallyHash
        self.partials = partials
        self.signature = HexBytes(signature)
    }
}

/// Decrypted counts for one question in one tally cell.
public struct QuestionCounts: Codable, Sendable, Equatable {
    public var question: String
    public var counts: [Int]

    public init(question: String, counts: [Int]) {
        self.question = question
        self.counts = counts
    }
}

/// Decrypted counts for one tally cell (a (precinct, channel) cell or a merged aggregate).
public struct ResultCell: Codable, Sendable, Equatable {
    public var precinct: String
    public var channel: Channel
    public var day: String?
    public var ballots: Int
    /// The merged cells, as in the tally (absent for a single cell).
    public var members: [CellMember]?
    public var questions: [QuestionCounts]

    public init(
        precinct: String, channel: Channel, day: String? = nil, ballots: Int, members: [CellMember]? = nil,
        questions: [QuestionCounts]
    ) {
        self.precinct = precinct
        self.channel = channel
        self.day = day
        self.ballots = ballots
        self.members = members
        self.questions = questions
    }

    public var key: CellKey { CellKey(precinct: precinct, channel: channel, day: day) }

    /// The cells these counts cover.
    public var cells: [CellMember] { members ?? [CellMember(precinct: precinct, channel: channel, day: day, ballots: ballots)] }
}

/// The published result: which trustees decrypted, the cell counts, and the summaries.
public struct ElectionResult: Codable, Sendable, Equatable {
    public var trustees: [Int]
    public var cells: [ResultCell]
    public var summary: ResultSummary

    public init(trustees: [Int], cells: [ResultCell], summary: ResultSummary) {
        self.trustees = trustees
        self.cells = cells
        self.summary = summary
    }
}
