import BoardAPI
import BoardStorage
import ElectionProtocol
import ElectionRecord
import ElectionRules
import Foundation
import PlebisciteCrypto
import Ristretto
import TransparencyLog

/// The recount at the close, read from the store a page at a time.
extension BoardService {
    /// The tally of the counted ballots (each credential's last, none revoked; small cells merged)
    /// of the log `ledger` folds, read from the store a page at a time in two passes: where each
    /// credential last voted (the credential alone is decoded), then the sums page by page. Memory:
    /// one page and one position per credential, never every ballot.
    func recount(_ id: String, ledger: RecordLedger) async throws(BoardError) -> EncryptedTally {
        let (size, manifest, revoked) = (ledger.size, ledger.manifest, ledger.registry.revoked)
        var last = [Element: Int]()
        try await forEachStoredPage(id, size: size) { lines throws(BoardError) in
            for line in lines {
                let voter = try Self.decodeStored(BallotCredential.self, line)
                if let credential = voter.credential { last[credential] = voter.seq }
            }
        }
        var tally = EncryptedTally(cells: [])
        try await forEachStoredPage(id, size: size) { lines throws(BoardError) in
            var counted = [CountingRule.Cast]()
            for line in lines {
                let entry = try Self.decodeStored(LogEntry.self, line)
                if case .ballot(let b) = entry.payload, last[b.credential] == entry.seq, !revoked.contains(b.credential) {
                    counted.append((entry.seq, entry.at, b))
                }
            }
            tally = CountingRule.merge(
                tally, CountingRule.aggregate(manifest: manifest, counted: counted, workers: Parallel.cores), manifest: manifest)
        }
        return CountingRule.mergingSmallCells(tally, manifest: manifest)
    }

    /// A log line read only as far as a ballot's credential: no ciphertext or proof is decoded.
    struct BallotCredential: Decodable {
        var seq: Int
        var credential: Element?

        enum CodingKeys: String, CodingKey { case seq, kind, data, credential }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            seq = try c.decode(Int.self, forKey: .seq)
            credential =
                try c.decode(String.self, forKey: .kind) == "ballot"
                ? try c.nestedContainer(keyedBy: CodingKeys.self, forKey: .data).decode(Element.self, forKey: .credential) : nil
        }
    }

    /// A stored line decoded; a line that does not decode is the store's fault.
    static func decodeStored<T: Decodable>(_ type: T.Type, _ line: [UInt8]) throws(BoardError) -> T {
        do { return try RecordCoding.decode(T.self, from: line) } catch { throw .storage("a stored line does not decode: \(error)") }
    }

    /// Calls `body` with each page of the first `size` stored lines, in log order.
    func forEachStoredPage(
        _ id: String, size: Int, _ body: ([[UInt8]]) throws(BoardError) -> Void
    ) async throws(BoardError) {
        for start in stride(from: 0, to: size, by: Self.pageSize) {
            do { try body(try await store.lines(electionId: id, range: start..<min(size, start + Self.pageSize))) } catch let e
                as BoardError
            { throw e } catch { throw .storage("\(error)") }
        }
    }
}
