import ElectionRecord
import ElectionRules
import ElectionVerifier
import Foundation
import Ristretto
import Testing

@testable import ElectionProtocol

/// Rules of PROTOCOL.md applied alike by the file board, by opening a record, and by the verifier.
@Suite("Stated rules: the file board and the verifier agree")
struct StatedRulesTests {
    @Test("A ballot with nonce 0 (its vote in clear) is refused with selectionInClear (6.11); written in by hand it fails 6.11 alone")
    func ballotInClear() throws {
        let f = try Fixture()
        try f.setUp()
        let clear = try f.ballotInClear("p1", voter: 0, choices: ["ref": [1]])
        // Its proofs and signature hold: only the new check stands between it and the board.
        #expect(clear.answers[0].selections.allSatisfy { $0.ciphertext.alpha.isIdentity })
        let t = f.opens.addingTimeInterval(60)
        #expect(throws: Refusal.self) { try f.board.cast(clear, at: t) }
        do { _ = try f.board.cast(clear, at: t) } catch let r as Refusal {
            #expect(r.code == .selectionInClear)
            #expect(r.failures.map(\.check) == [.selectionNotInClear, .selectionNotInClear])
        }
        // The encryptor never draws nonce 0.
        for v in 0..<3 {
            #expect(
                try f.ballot("p1", voter: v, choices: ["ref": [0]]).0.answers[0].selections.allSatisfy { !$0.ciphertext.alpha.isIdentity })
        }
        f.releaseBoard()
        try f.appendUnchecked(.ballot(clear), at: t)
        let report = RecordVerifier.verify(try LoadedRecord.load(f.dir), workers: 2)
        #expect(Set(report.failures.map(\.check)) == [.selectionNotInClear])
    }

    @Test(
        "Opening a record decides every entry: a log the rules refuse is refused on open with its check; an index of another version is rebuilt"
    )
    func openingDecides() throws {
        let f = try Fixture()
        try f.setUp()
        let t = f.opens.addingTimeInterval(60)
        _ = try f.board.cast(try f.ballot("p1", voter: 0, choices: ["ref": [0]]).0, at: t)
        f.releaseBoard()
        let indexDir = f.dir.url.appendingPathComponent(".index")
        // An index written before versions (no "version" in ledger.json): rebuilt, and the record opens.
        let ledgerURL = indexDir.appendingPathComponent("ledger.json")
        var ledger = try JSONSerialization.jsonObject(with: Data(contentsOf: ledgerURL)) as! [String: Any]
        #expect(ledger["version"] as? Int == RecordIndex.version)
        ledger.removeValue(forKey: "version")
        try JSONSerialization.data(withJSONObject: ledger).write(to: ledgerURL)
        var board: FileBoard? = try FileBoard(directory: f.dir, durable: false)
        #expect(board?.rebuiltIndex == true)
        board = nil
        #expect(try FileBoard(directory: f.dir, durable: false).rebuiltIndex == false)

        // A ballot the rules refuse, appended by hand (a second ballot with the same hash: 6.9).
        let (again, _) = try f.ballot("p1", voter: 1, choices: ["ref": [1]])
        try f.appendUnchecked(.ballot(again), at: t)
        try f.appendUnchecked(.ballot(again), at: t)
        do {
            _ = try FileBoard(directory: f.dir, durable: false)
            Issue.record("a log that fails 6.9 was opened")
        } catch let e as RecordError {
            #expect("\(e)".contains("check 6.9"), "\(e)")
        }
        // And a line whose bytes were changed (a signature's digit): refused with 6.5 when the index is rebuilt.
        try FileManager.default.removeItem(at: indexDir)
        var lines = try String(contentsOf: f.dir.logURL, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.removeLast()  // the repeated ballot
        let i = lines.count - 1
        let response = try #require(lines[i].range(of: "\"response\":\""))
        var line = lines[i]
        let digit = line.index(response.upperBound, offsetBy: 2)
        line.replaceSubrange(digit...digit, with: line[digit] == "0" ? "1" : "0")
        lines[i] = line
        try (lines.joined(separator: "\n") + "\n").write(to: f.dir.logURL, atomically: true, encoding: .utf8)
        do {
            _ = try FileBoard(directory: f.dir, durable: false)
            Issue.record("a log with a forged signature was opened")
        } catch let e as RecordError {
            #expect("\(e)".contains("check 6.5"), "\(e)")
        }
    }
}
