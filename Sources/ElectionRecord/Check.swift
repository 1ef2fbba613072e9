/// The numbered verification checks of docs/PROTOCOL.md section 7. Every failure the verifier
/// or the board reports names one of these.
public enum Check: String, CaseIterable, Codable, Sendable, Comparable {
    case logStructure = "1.1"
    case hashChain = "1.2"
    case entryOrder = "1.3"
    case treeHeads = "1.4"
    case manifestHash = "2.1"
    case manifestWellFormed = "2.2"
    case trusteeSignature = "3.1"
    case trusteeCommitments = "3.2"
    case coefficientProofs = "3.3"
    case complaints = "3.4"
    case jointKey = "4.1"
    case verificationKeys = "4.2"
    case contextHash = "4.3"
    case credentialListSignature = "5.1"
    case credentialListContents = "5.2"
    case credentialAmendments = "5.3"
    case credentialRevocations = "5.4"
    case ballotElection = "6.1"
    case ballotStyle = "6.2"
    case ballotChannel = "6.3"
    case ballotCredential = "6.4"
    case ballotSignature = "6.5"
    case selectionProofs = "6.6"
    case countProofs = "6.7"
    case ballotWindow = "6.8"
    case ballotUnique = "6.9"
    case stationFinal = "6.10"
    case selectionNotInClear = "6.11"
    case spoiledWellFormed = "7.1"
    case spoiledReveal = "7.2"
    case closeMarker = "8.1"
    case supersede = "8.2"
    case tallyAggregates = "9.1"
    case smallCells = "9.2"
    case decryptionShareProofs = "10.1"
    case decryptionThreshold = "10.2"
    case decryptedCounts = "11.1"
    case resultTotals = "11.2"

    /// The check's title, as in docs/PROTOCOL.md.
    public var title: String {
        switch self {
        case .logStructure: "every log line is a well-formed entry"
        case .hashChain: "sequence numbers run 0, 1, 2... and each entry names the hash of the one before"
        case .entryOrder: "entries follow the phase order of the protocol"
        case .treeHeads: "every signed tree head is signed by the board and is the Merkle root of that many entries"
        case .manifestHash: "manifest.json hashes to the manifest hash in entry 0"
        case .manifestWellFormed: "the manifest is well-formed"
        case .trusteeSignature: "each trustee commitment is signed by that trustee's key"
        case .trusteeCommitments: "one commitment entry per trustee, k non-identity commitments each, one share per trustee"
        case .coefficientProofs: "every coefficient commitment has a valid proof of knowledge"
        case .complaints: "no valid complaint: a valid one names a cheating trustee and fails the ceremony"
        case .jointKey: "the joint key is the sum of the constant-term commitments"
        case .verificationKeys: "each trustee verification key is computed from the commitments"
        case .contextHash: "the context hash binds manifest hash, joint key and commitments"
        case .credentialListSignature: "each credential list is signed by the credential authority"
        case .credentialListContents:
            "one list per precinct, sorted, unique, valid non-identity credentials, no credential in two precincts"
        case .credentialAmendments:
            "each amendment is signed by the credential authority, before the close, and adds sorted credentials listed nowhere yet"
        case .credentialRevocations:
            "each revocation is signed by the credential authority, before the close, revokes a listed credential of its precinct once, and lists a fresh replacement there"
        case .ballotElection: "the ballot names this election"
        case .ballotStyle: "the ballot's precinct exists and its answers match the precinct's questions and options"
        case .ballotChannel: "the channel is allowed; device ballots name a known device of that channel with a valid signature"
        case .ballotCredential: "the credential is listed for the ballot's precinct and not revoked"
        case .ballotSignature: "the credential's signature on the ballot hash is valid"
        case .selectionProofs: "every encrypted selection has a valid 0/1 proof"
        case .countProofs: "every answer's number of selections has a valid [min, max] proof"
        case .ballotWindow: "the ballot was received inside the voting window and before the close marker"
        case .ballotUnique: "no ballot hash appears twice and no spoiled ballot is cast"
        case .stationFinal: "under stationFinal, no ballot follows a station ballot of the same credential"
        case .selectionNotInClear: "no selection ciphertext has the identity as its first component (a nonce of 0 publishes the vote)"
        case .spoiledWellFormed: "each spoiled ballot is a well-formed ballot"
        case .spoiledReveal: "each spoiled ballot's revealed values and nonces reproduce its ciphertexts"
        case .closeMarker: "exactly one close marker, signed by the board, not before the window closes"
        case .supersede:
            "the last ballot per credential counts, none of a revoked credential; counted ballots never exceed credentials per precinct"
        case .tallyAggregates: "the encrypted tally equals the sums recomputed from the counted ballots"
        case .smallCells: "cells with fewer counted ballots than minimumCell are merged as section 6.3 says"
        case .decryptionShareProofs: "every decryption share is signed and has a valid proof against its trustee's verification key"
        case .decryptionThreshold: "at least k trustees published complete, valid decryption shares"
        case .decryptedCounts: "the published counts are what the shares decrypt the tally to"
        case .resultTotals: "precinct, region, channel and total results and turnout add up from the counts"
        }
    }

    public static func < (a: Check, b: Check) -> Bool {
        let pa = a.rawValue.split(separator: ".").compactMap { Int($0) }
        let pb = b.rawValue.split(separator: ".").compactMap { Int($0) }
        return pa.lexicographicallyPrecedes(pb)
    }
}

/// One failed check, with the log entry (sequence number) it concerns when there is one.
public struct CheckFailure: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public var check: Check
    public var entry: Int?
    public var message: String

    public init(_ check: Check, entry: Int? = nil, _ message: String) {
        self.check = check
        self.entry = entry
        self.message = message
    }

    public var description: String {
        "check \(check.rawValue)" + (entry.map { " (entry \($0))" } ?? "") + ": \(message)"
    }
}
