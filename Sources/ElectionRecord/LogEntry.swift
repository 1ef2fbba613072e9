import Foundation

/// What a log entry carries. The JSON field "kind" names the case; "data" holds its value.
public enum EntryPayload: Sendable, Equatable {
    case manifest(ManifestReference)
    case trusteeCommitment(TrusteeCommitment)
    case complaint(Complaint)
    case keyCeremony(KeyCeremonyResult)
    case credentialList(CredentialList)
    case credentialAmendment(CredentialAmendment)
    case credentialRevocation(CredentialRevocation)
    case ballot(EncryptedBallot)
    case spoiledBallot(SpoiledBallot)
    case close(CloseMarker)
    case tally(EncryptedTally)
    case decryptionShares(DecryptionShares)
    case result(ElectionResult)

    /// The entry kind as written in the log.
    public var kind: String {
        switch self {
        case .manifest: "manifest"
        case .trusteeCommitment: "trusteeCommitment"
        case .complaint: "complaint"
        case .keyCeremony: "keyCeremony"
        case .credentialList: "credentialList"
        case .credentialAmendment: "credentialAmendment"
        case .credentialRevocation: "credentialRevocation"
        case .ballot: "ballot"
        case .spoiledBallot: "spoiledBallot"
        case .close: "close"
        case .tally: "tally"
        case .decryptionShares: "decryptionShares"
        case .result: "result"
        }
    }

    /// The protocol phase of this kind; entries must appear in non-decreasing phase (check 1.3).
    public var phase: Int {
        switch self {
        case .manifest: 0
        case .trusteeCommitment, .complaint: 1
        case .keyCeremony: 2
        case .credentialList: 3
        case .credentialAmendment, .credentialRevocation, .ballot, .spoiledBallot: 4
        case .close: 5
        case .tally: 6
        case .decryptionShares: 7
        case .result: 8
        }
    }
}

/// One line of log.jsonl: {"at":..., "data":..., "kind":..., "prev":..., "seq":...}.
/// What places an entry in the log (its sequence number, the previous hash, its time), read
/// from a line without decoding the payload: stores check it on every append.
public struct LogEntryHeader: Sendable, Equatable, Decodable {
    public var seq: Int
    public var prev: Digest
    public var at: Date

    enum CodingKeys: String, CodingKey { case seq, prev, at }
}

public struct LogEntry: Sendable, Equatable, Codable {
    public var seq: Int
    public var prev: Digest
    /// When the board appended the entry (whole seconds, ISO 8601 UTC).
    public var at: Date
    public var payload: EntryPayload

    public init(seq: Int, prev: Digest, at: Date, payload: EntryPayload) {
        self.seq = seq
        self.prev = prev
        self.at = at
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey { case seq, prev, at }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seq = try c.decode(Int.self, forKey: .seq)
        prev = try c.decode(Digest.self, forKey: .prev)
        at = try c.decode(Date.self, forKey: .at)
        payload = try EntryPayload(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
        try c.encode(prev, forKey: .prev)
        try c.encode(at, forKey: .at)
        try payload.encode(to: encoder)
    }
}

extension EntryPayload: Codable {
    enum CodingKeys: String, CodingKey { case kind, data }

    /// Decodes {"kind": ..., "data": ...}, the same fields a log line carries.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "manifest": self = .manifest(try c.decode(ManifestReference.self, forKey: .data))
        case "trusteeCommitment": self = .trusteeCommitment(try c.decode(TrusteeCommitment.self, forKey: .data))
        case "complaint": self = .complaint(try c.decode(Complaint.self, forKey: .data))
        case "keyCeremony": self = .keyCeremony(try c.decode(KeyCeremonyResult.self, forKey: .data))
        case "credentialList": self = .credentialList(try c.decode(CredentialList.self, forKey: .data))
        case "credentialAmendment": self = .credentialAmendment(try c.decode(CredentialAmendment.self, forKey: .data))
        case "credentialRevocation": self = .credentialRevocation(try c.decode(CredentialRevocation.self, forKey: .data))
        case "ballot": self = .ballot(try c.decode(EncryptedBallot.self, forKey: .data))
        case "spoiledBallot": self = .spoiledBallot(try c.decode(SpoiledBallot.self, forKey: .data))
        case "close": self = .close(try c.decode(CloseMarker.self, forKey: .data))
        case "tally": self = .tally(try c.decode(EncryptedTally.self, forKey: .data))
        case "decryptionShares": self = .decryptionShares(try c.decode(DecryptionShares.self, forKey: .data))
        case "result": self = .result(try c.decode(ElectionResult.self, forKey: .data))
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown entry kind \(kind)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        switch self {
        case .manifest(let v): try c.encode(v, forKey: .data)
        case .trusteeCommitment(let v): try c.encode(v, forKey: .data)
        case .complaint(let v): try c.encode(v, forKey: .data)
        case .keyCeremony(let v): try c.encode(v, forKey: .data)
        case .credentialList(let v): try c.encode(v, forKey: .data)
        case .credentialAmendment(let v): try c.encode(v, forKey: .data)
        case .credentialRevocation(let v): try c.encode(v, forKey: .data)
        case .ballot(let v): try c.encode(v, forKey: .data)
        case .spoiledBallot(let v): try c.encode(v, forKey: .data)
        case .close(let v): try c.encode(v, forKey: .data)
        case .tally(let v): try c.encode(v, forKey: .data)
        case .decryptionShares(let v): try c.encode(v, forKey: .data)
        case .result(let v): try c.encode(v, forKey: .data)
        }
    }
}

/// A log entry together with the exact bytes it was read from (or written as) and their hash.
public struct RecordedEntry: Sendable {
    public var entry: LogEntry
    public var line: [UInt8]
    public var hash: Digest

    public init(entry: LogEntry, line: [UInt8]) {
        self.entry = entry
        self.line = line
        hash = ProtocolHashes.entryHash(line)
    }
}
