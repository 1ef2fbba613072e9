import ElectionRecord
import Foundation
import Ristretto
import TransparencyLog

/// The answer to creating an election: the tokens for its administrator and trustees.
public struct ElectionCreated: Codable, Sendable {
    public var electionId: String
    public var adminToken: String
    /// Trustee index (as a string) to that trustee's token.
    public var trusteeTokens: [String: String]

    public init(electionId: String, adminToken: String, trusteeTokens: [String: String]) {
        self.electionId = electionId
        self.adminToken = adminToken
        self.trusteeTokens = trusteeTokens
    }
}

/// The log index at which an entry was appended.
public struct IndexResponse: Codable, Sendable {
    public var index: Int
    public init(index: Int) { self.index = index }
}

/// An RFC 9162 proof: hex node hashes.
public struct ProofResponse: Codable, Sendable {
    public var proof: [String]
    public init(proof: [String]) { self.proof = proof }
}

/// Log lines from index `start` on, each exactly as stored (the Merkle leaves).
public struct EntriesResponse: Codable, Sendable {
    public var start: Int
    public var entries: [String]
    public init(start: Int, entries: [String]) {
        self.start = start
        self.entries = entries
    }
}

/// Who the board is: its tree-head signing key and its elections.
public struct BoardInfo: Codable, Sendable {
    public var boardKey: Ed25519.PublicKey
    public var elections: [String]
    public init(boardKey: Ed25519.PublicKey, elections: [String]) {
        self.boardKey = boardKey
        self.elections = elections
    }
}

/// Every tree head the board signed and stored for an election (at close and result), oldest first.
public struct TreeHeadsResponse: Codable, Sendable {
    public var treeHeads: [SignedTreeHead]
    public init(treeHeads: [SignedTreeHead]) { self.treeHeads = treeHeads }
}

/// What the booth needs to encrypt a ballot for one credential: the public values of the election
/// and the ballot of the credential's precinct (GET /elections/ID/booth?credential=HEX).
public struct BoothBallot: Codable, Sendable, Equatable {
    public struct QuestionStyle: Codable, Sendable, Equatable {
        public var id: String
        public var text: LocalizedText
        public var options: [LocalizedText]
        public var minSelections: Int
        public var maxSelections: Int

        public init(_ q: Question) {
            (id, text, options, minSelections, maxSelections) = (q.id, q.text, q.options, q.minSelections, q.maxSelections)
        }
    }

    public var electionId: String
    public var title: LocalizedText
    public var contextHash: Digest
    public var jointKey: Element
    /// The board's tree-head key, against which the booth checks the receipt at once.
    public var boardKey: Ed25519.PublicKey
    public var opens: Date
    public var closes: Date
    public var precinct: String
    public var precinctName: LocalizedText
    /// The precinct's questions in ballot order.
    public var questions: [QuestionStyle]

    public init(context: ElectionContext, precinct: Precinct) {
        let m = context.manifest
        electionId = m.electionId
        title = m.title
        contextHash = context.contextHash
        jointKey = context.jointKey
        boardKey = m.boardKey
        opens = m.window.opens
        closes = m.window.closes
        self.precinct = precinct.id
        precinctName = precinct.name
        questions = precinct.questions.compactMap { m.question($0).map(QuestionStyle.init) }
    }
}
