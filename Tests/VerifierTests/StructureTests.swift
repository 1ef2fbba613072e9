import ElectionRecord
import ElectionVerifier
import Foundation
import Testing

@Suite("Verifier on damaged records and partial records")
struct StructureTests {
    let lines = DemoRecord.lines.log

    func failures(_ record: LoadedRecord) -> [CheckFailure] {
        RecordVerifier.verify(record, workers: 2).failures
    }

    @Test("A changed manifest.json fails check 2.1")
    func manifestChanged() {
        var manifest = DemoRecord.lines.manifest
        manifest.append(UInt8(ascii: " "))
        #expect(failures(DemoRecord.record(manifest: manifest)).contains { $0.check == .manifestHash && $0.entry == 0 })
    }

    @Test("A manifest that is not JSON fails check 2.2 and nothing crashes")
    func manifestGarbage() {
        let f = failures(DemoRecord.record(manifest: Array("{\"electionId\": 3".utf8)))
        #expect(f.contains { $0.check == .manifestWellFormed })
    }

    @Test("Garbage, truncated and empty lines fail check 1.1 with their line numbers")
    func badLines() {
        var damaged = lines
        damaged[5] = Array("{not json".utf8)
        damaged[7] = Array(damaged[7].prefix(40))
        let f = failures(DemoRecord.record(lines: damaged))
        #expect(f.contains { $0.check == .logStructure && $0.message.contains("line 6") })
        #expect(f.contains { $0.check == .logStructure && $0.message.contains("line 8") })
        // Missing lines also break the chain where they were.
        #expect(f.contains { $0.check == .hashChain })
        let truncated = LoadedRecord.parse(
            manifestBytes: DemoRecord.lines.manifest, log: Array(lines.map { $0 + [10] }.joined().dropLast(1)))
        #expect(truncated.problems.contains { $0.message.contains("no newline") })
    }

    @Test("A line two readers could read two ways fails check 1.1: duplicate keys, non-integral numbers, other instants, unknown fields")
    func ambiguousLines() throws {
        let index = try #require(lines.firstIndex { String(decoding: $0, as: UTF8.self).contains("\"kind\":\"ballot\"") })
        let text = String(decoding: lines[index], as: UTF8.self)
        let seq = "\"seq\":\(index)"
        let variants = [
            text.replacingOccurrences(
                of: "\"credential\":", with: "\"credential\":\"\(String(repeating: "0", count: 64))\",\"credential\":"),
            text.replacingOccurrences(of: seq, with: seq + ".0"),
            text.replacingOccurrences(of: seq, with: seq + "e0"),
            text.replacingOccurrences(of: "Z\",\"data\"", with: ".5Z\",\"data\""),
            text.replacingOccurrences(of: "\"kind\":", with: "\"note\":\"x\",\"kind\":"),
        ]
        for v in variants {
            #expect(v != text)
            let record = DemoRecord.record(lines: Surgery.rechain(lines, replacing: index, with: Array(v.utf8)))
            let found = failures(record)
            #expect(
                found.contains { $0.check == .logStructure && $0.message.contains("line \(index + 1)") },
                "\(v.prefix(60)): \(found.prefix(3))")
        }
    }

    @Test("Checks that could not run are not reported as passed: 4.x without every commitment, 11.x without k share sets")
    func onlyChecksThatRan() {
        let kinds = lines.map { Surgery.object($0)["kind"] as! String }
        let firstCommitment = kinds.firstIndex(of: "trusteeCommitment")!
        let ceremony = kinds.firstIndex(of: "keyCeremony")!
        var cut = Array(lines[...ceremony])
        cut.remove(at: firstCommitment)
        let report = RecordVerifier.verify(DemoRecord.record(lines: cut), workers: 2)
        for c in ["4.1", "4.2", "4.3"] {
            #expect(report.checks.first { $0.check == c }?.status != .passed, "\(c) did not run")
        }
        let firstShares = kinds.firstIndex(of: "decryptionShares")!
        let result = kinds.firstIndex(of: "result")!
        var noShares = Array(lines[..<firstShares])
        noShares.append(lines[result])
        let after = RecordVerifier.verify(DemoRecord.record(lines: noShares), workers: 2)
        #expect(after.checks.first { $0.check == "10.2" }?.status == .failed)
        for c in ["11.1", "11.2"] { #expect(after.checks.first { $0.check == c }?.status != .passed, "\(c) did not run") }
    }

    @Test("A deleted entry, a duplicated ballot and swapped entries break the chain (1.2) and more")
    func chainBreaks() throws {
        let ballotIndex = lines.firstIndex { Surgery.object($0)["kind"] as? String == "ballot" }!
        var deleted = lines
        deleted.remove(at: ballotIndex)
        #expect(failures(DemoRecord.record(lines: deleted)).contains { $0.check == .hashChain && $0.entry == ballotIndex + 1 })

        // Appending a copy of a ballot, re-chained so only the semantic rule can catch it.
        var dup = lines
        var copy = Surgery.object(lines[ballotIndex])
        copy["seq"] = ballotIndex + 1
        dup.insert(Surgery.line(copy), at: ballotIndex + 1)
        for i in (ballotIndex + 2)..<dup.count {
            var o = Surgery.object(dup[i])
            o["seq"] = i
            dup[i] = Surgery.line(o)
        }
        dup = Surgery.rechain(dup, replacing: ballotIndex + 1, with: dup[ballotIndex + 1])
        #expect(failures(DemoRecord.record(lines: dup)).contains { $0.check == .ballotUnique && $0.entry == ballotIndex + 1 })

        var swapped = lines
        swapped.swapAt(1, 2)
        #expect(failures(DemoRecord.record(lines: swapped)).contains { $0.check == .hashChain })
    }

    @Test("Every failure is reported, not only the first")
    func allFailures() {
        let ballots = lines.indices.filter { Surgery.object(lines[$0])["kind"] as? String == "ballot" }
        var damaged = lines
        for i in ballots.prefix(2) {
            let o = Surgery.set(Surgery.object(damaged[i]), [.key("data"), .key("electionId")][...]) { _ in "another-election" }
            damaged = Surgery.rechain(damaged, replacing: i, with: Surgery.line(o as! [String: Any]))
        }
        let f = failures(DemoRecord.record(lines: damaged)).filter { $0.check == .ballotElection }
        #expect(Set(f.compactMap(\.entry)) == Set(ballots.prefix(2)))
    }

    @Test("Incremental verification while voting is open agrees with one pass")
    func incremental() {
        let record = DemoRecord.record()
        let closeIndex = record.entries.firstIndex { if case .close = $0.entry.payload { true } else { false } }!
        let v = RecordVerifier(manifestBytes: record.manifestBytes, workers: 2)
        v.ingest(Array(record.entries[..<(closeIndex - 2)]))
        let during = v.report()
        #expect(during.ok)
        #expect(during.phase == "voting")
        #expect(during.checks.first { $0.check == "9.1" }?.status == .notYetApplicable)
        v.ingest(Array(record.entries[(closeIndex - 2)...]))
        let after = v.report()
        #expect(after.ok)
        #expect(after.phase == "decrypted")
        #expect(after.result == RecordVerifier.verify(record, workers: 1).result)
        #expect(after.result != nil)
    }

    @Test("A missing record directory is a clear 1.1 failure")
    func missing() {
        let report = RecordVerifier.verify(directory: RecordDirectory(path: "/nonexistent/plebiscite"), workers: 1)
        #expect(!report.ok)
        #expect(report.failures.first?.check == .logStructure)
        #expect(report.failures.first?.message.contains("manifest.json") == true)
    }

    @Test(
        "A hostile manifest (threshold 0, negative and duplicate trustee indices) is reported, not trapped on",
        arguments: [
            ["threshold": 0], ["threshold": -3], ["trusteeIndex": -1], ["trusteeIndex": 1], ["maxSelections": 1_000_000_000],
        ])
    func hostileManifest(_ change: [String: Int]) throws {
        var m = try JSONSerialization.jsonObject(with: Data(DemoRecord.lines.manifest)) as! [String: Any]
        if let k = change["threshold"] { m["threshold"] = k }
        if let i = change["trusteeIndex"] {
            var trustees = m["trustees"] as! [[String: Any]]
            trustees[1]["index"] = i
            m["trustees"] = trustees
        }
        if let x = change["maxSelections"] {
            var questions = m["questions"] as! [[String: Any]]
            questions[0]["maxSelections"] = x
            m["questions"] = questions
        }
        let bytes = Array(try JSONSerialization.data(withJSONObject: m, options: [.sortedKeys]))
        let f = failures(DemoRecord.record(manifest: bytes))
        #expect(f.contains { $0.check == .manifestWellFormed })
        #expect(f.contains { $0.check == .manifestHash })
    }

    @Test("A tally with an impossible ballot count fails 9.1 and the counts are not trusted", arguments: [-5, Int.max, 1 << 50])
    func hostileTallyCount(_ ballots: Int) throws {
        let index = lines.firstIndex { Surgery.object($0)["kind"] as? String == "tally" }!
        let o = Surgery.set(Surgery.object(lines[index]), [.key("data"), .key("cells"), .index(0), .key("ballots")][...]) { _ in ballots }
        let f = failures(DemoRecord.record(lines: Surgery.rechain(lines, replacing: index, with: Surgery.line(o as! [String: Any]))))
        #expect(f.contains { $0.check == .tallyAggregates && $0.entry == index })
        // The shares name the true tally's hash, so they no longer count (10.1, 10.2): no result is trusted.
        #expect(f.contains { $0.check == .decryptionThreshold || $0.check == .decryptedCounts })
    }

    @Test("A share set missing partials fails 10.1 and 10.2")
    func shortShares() throws {
        let index = lines.firstIndex { Surgery.object($0)["kind"] as? String == "decryptionShares" }!
        let o = Surgery.set(Surgery.object(lines[index]), [.key("data"), .key("partials")][...]) { ($0 as! [Any]).dropLast(2).map { $0 } }
        let f = failures(DemoRecord.record(lines: Surgery.rechain(lines, replacing: index, with: Surgery.line(o as! [String: Any]))))
        #expect(f.contains { $0.check == .decryptionShareProofs && $0.entry == index && $0.message.contains("shares for") })
        #expect(f.contains { $0.check == .decryptionThreshold })
    }

    @Test("Signed tree heads (1.4): the demo's heads verify; a rewritten log, a forged head or a truncated log fail")
    func treeHeads() throws {
        let heads = DemoRecord.lines.heads
        #expect(heads.count == 2, "one head at the close, one after the result")
        #expect(heads.last?.size == lines.count)
        let clean = RecordVerifier.verify(DemoRecord.record(heads: heads), workers: 2)
        #expect(clean.ok)
        #expect(clean.checks.first { $0.check == "1.4" }?.itemsChecked == 2)

        // History rewritten consistently (every prev re-linked) is still caught by the heads.
        let index = lines.firstIndex { Surgery.object($0)["kind"] as? String == "ballot" }!
        let o = Surgery.set(Surgery.object(lines[index]), [.key("at")][...]) { _ in "2026-06-01T07:00:01Z" }
        let rewritten = Surgery.rechain(lines, replacing: index, with: Surgery.line(o as! [String: Any]))
        #expect(
            failures(DemoRecord.record(lines: rewritten, heads: heads)).contains {
                $0.check == .treeHeads && $0.message.contains("rewritten")
            })

        var forged = heads[0]
        forged.timestamp += 1
        #expect(failures(DemoRecord.record(heads: [forged])).contains { $0.check == .treeHeads && $0.message.contains("not signed") })

        let truncated = Array(lines.prefix(lines.count - 3))
        #expect(
            failures(DemoRecord.record(lines: truncated, heads: heads)).contains {
                $0.check == .treeHeads && $0.message.contains("but the log has")
            })
        #expect(failures(DemoRecord.record(heads: heads.reversed())).contains { $0.check == .treeHeads && $0.message.contains("grow") })
    }
}
