import ArgumentParser
import BoardAPI
import ElectionProtocol
import ElectionRecord
import ElectionVerifier
import Forensics
import Foundation
import RecordForensics
import Testing

@testable import PlebisciteCLI

/// A whole referendum run through the step commands, as trustees, authority, voters and
/// administrator would run them from files on their own machines.
@Suite("Step-by-step referendum through the CLI")
struct StepByStepTests {
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-cli-\(UUID().uuidString)").path

    func run(_ args: [String]) async throws { try await CLIRunner.run(args) }
    func refusal(_ args: [String]) async -> String? { await CLIRunner.refusal(args) }

    @Test("Keys, ceremony, credentials, votes with challenge and re-vote, close, tally, decryption by 2 of 3, verify")
    func fullReferendum() async throws {
        let p = try CLIRunner.workspace(dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rec = ["--record", "\(dir)/record"]

        try await CLIRunner.initParties(dir, passphrase: p)
        try await run(["device", "init", "--id", "st1", "--channel", "station", "--out", "\(dir)/dev"] + p)
        #expect(await refusal(["trustee", "init", "--id", "t1", "--out", "\(dir)/t1"] + p)?.contains("refusing to overwrite") == true)

        // The window runs from yesterday to the day after tomorrow: setup happens now, as it would.
        let iso = ISO8601DateFormatter()
        let now = Date()
        let opens = iso.string(from: now.addingTimeInterval(-86_400)), closes = iso.string(from: now.addingTimeInterval(2 * 86_400))
        let afterClose = iso.string(from: now.addingTimeInterval(3 * 86_400))
        let spec = """
            {"electionId": "cli-test", "title": "CLI referendum",
             "questions": [{"id": "ref", "text": "Approve?", "options": ["yes", "no"], "minSelections": 1, "maxSelections": 1}],
             "regions": [{"id": "r1", "name": "Region 1", "precincts": [{"id": "p1", "name": "P1", "questions": ["ref"]}]},
                         {"id": "r2", "name": "Region 2", "precincts": [{"id": "p2", "name": "P2", "questions": ["ref"]}]}],
             "channels": ["station", "remote"],
             "window": {"opens": "\(opens)", "closes": "\(closes)"},
             "threshold": 2, "trustees": ["t1/t1.pub.json", "t2/t2.pub.json", "t3/t3.pub.json"],
             "credentialAuthority": "ca/authority.pub.json", "devices": ["dev/st1.pub.json"]}
            """
        // A typo in the spec (`device` for `devices`) is named, not silently dropped; a missing field is not "malformed JSON".
        try spec.replacingOccurrences(of: "\"devices\"", with: "\"device\"").write(
            toFile: "\(dir)/typo.json", atomically: true, encoding: .utf8)
        let typo = await refusal(["election", "create", "--spec", "\(dir)/typo.json", "--board-key", "\(dir)/typo.key.json"] + rec + p)
        #expect(typo?.contains("unknown field .device") == true, "\(typo ?? "accepted")")
        try spec.replacingOccurrences(of: "\"title\": \"CLI referendum\",", with: "").write(
            toFile: "\(dir)/missing.json", atomically: true, encoding: .utf8)
        let missing = await refusal(["election", "create", "--spec", "\(dir)/missing.json", "--board-key", "\(dir)/m.key.json"] + rec + p)
        #expect(missing?.contains("missing field .title") == true && missing?.contains("malformed") == false, "\(missing ?? "accepted")")
        try spec.write(toFile: "\(dir)/spec.json", atomically: true, encoding: .utf8)
        try await run(["election", "create", "--spec", "\(dir)/spec.json", "--board-key", "\(dir)/board.key.json"] + rec + p)
        // Keys: a short passphrase is refused; a device is station or mobile, never remote (a command-line mistake, 64).
        try "short pass\n".write(toFile: "\(dir)/short", atomically: true, encoding: .utf8)
        #expect(
            await refusal([
                "device", "init", "--id", "st9", "--channel", "mobile", "--out", "\(dir)/dev", "--passphrase-file", "\(dir)/short",
            ])?
            .contains("at least 12 characters") == true)
        #expect(await CLIRunner.exitStatus(["device", "init", "--id", "st9", "--channel", "remote", "--out", "\(dir)/dev"] + p) == 64)

        for t in ["t1", "t2", "t3"] {
            try await run(["trustee", "commit", "--key", "\(dir)/\(t)/\(t).key.json", "--out", "\(dir)/\(t)/commit.json"] + rec + p)
        }
        // Committing again before the first commitment is published would replace what may have been sent out.
        let again = ["trustee", "commit", "--key", "\(dir)/t1/t1.key.json", "--out", "\(dir)/t1/commit.json"] + rec + p
        #expect(await refusal(again)?.contains("not yet in the record") == true)
        let sent = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/t1/commit.json"))
        try await run(again + ["--force"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/t1/commit.json")) != sent)
        #expect(await refusal(["election", "finish-ceremony"] + rec)?.contains("no commitment from trustee(s) [1, 2, 3]") == true)
        for t in ["t1", "t2", "t3"] { try await run(["publish", "\(dir)/\(t)/commit.json"] + rec) }
        // A retry of the same file appends nothing.
        let lines = try String(contentsOfFile: "\(dir)/record/log.jsonl", encoding: .utf8).count { $0 == "\n" }
        try await run(["publish", "\(dir)/t1/commit.json"] + rec)
        #expect(try String(contentsOfFile: "\(dir)/record/log.jsonl", encoding: .utf8).count { $0 == "\n" } == lines)
        for t in ["t1", "t2", "t3"] { try await run(["trustee", "accept", "--key", "\(dir)/\(t)/\(t).key.json"] + rec + p) }
        try await run(["election", "finish-ceremony"] + rec)

        let creds = try await CLIRunner.issueCredentials(dir, record: rec, passphrase: p)
        try await run(["publish", "\(dir)/lists.json"] + rec)
        #expect(creds.count == 6)
        // Issuing again would overwrite the credentials already issued.
        #expect(
            await refusal(
                [
                    "authority", "issue", "--key", "\(dir)/ca/authority.key.json", "--roll", "\(dir)/roll.csv", "--credentials-out",
                    "\(dir)/creds.csv", "--lists-out", "\(dir)/lists2.json",
                ] + rec + p)?.contains("refusing to overwrite issued credentials") == true)
        // Letters: one per voter, each QR code the booth link with that voter's credential in its fragment.
        let booth = "https://vote.example/elections/cli-test/vote"
        try await run(
            [
                "authority", "letters", "--credentials", "\(dir)/creds.csv", "--booth-url", booth, "--out", "\(dir)/letters.html", "--pdf",
                "\(dir)/letters.pdf",
            ] + rec)
        let letters = try String(contentsOfFile: "\(dir)/letters.html", encoding: .utf8)
        #expect(creds.allSatisfy { letters.contains($0[2]) })
        #expect(letters.contains("Виборча дільниця") && letters.contains("Избирательный участок") && letters.contains("Precinct"))
        let decoded = try CLIRunner.qrCodes(inPDF: "\(dir)/letters.pdf", work: "\(dir)/pages")
        let byPrecinct = creds.sorted { ($0[1], $0[0]) < ($1[1], $1[0]) }
        #expect(decoded == byPrecinct.map { "\(booth)#c=\($0[2])" }, "every letter's QR code, in precinct order, is its voter's link")
        // No letters for an empty roll; the secrets destroyed only once the letters are written.
        try "voter_id,precinct,credential\n".write(toFile: "\(dir)/none.csv", atomically: true, encoding: .utf8)
        #expect(
            await refusal(
                ["authority", "letters", "--credentials", "\(dir)/none.csv", "--booth-url", booth, "--out", "\(dir)/l2.html"] + rec)?
                .contains("no letters") == true)
        try FileManager.default.copyItem(atPath: "\(dir)/creds.csv", toPath: "\(dir)/copy.csv")
        try await run(
            [
                "authority", "letters", "--credentials", "\(dir)/copy.csv", "--booth-url", booth, "--out", "\(dir)/l3.html",
                "--destroy-secrets", "--reprint",
            ]
                + rec)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/copy.csv") && FileManager.default.fileExists(atPath: "\(dir)/l3.html"))

        // Roll changes: a late voter added by amendment; v5's letter was taken, so v5 gets a fresh credential.
        try "voter_id,precinct\nlate1,p1\n".write(toFile: "\(dir)/added.csv", atomically: true, encoding: .utf8)
        let authorityKey = ["--key", "\(dir)/ca/authority.key.json", "--credentials-out", "\(dir)/creds.csv"]
        try await run(
            ["authority", "amend", "--roll", "\(dir)/added.csv", "--amendments-out", "\(dir)/amend.json"] + authorityKey + rec + p)
        #expect(
            await refusal(
                ["authority", "amend", "--roll", "\(dir)/added.csv", "--amendments-out", "\(dir)/a2.json"] + authorityKey + rec + p)?
                .contains("already holds a credential") == true)
        try await run(["publish", "\(dir)/amend.json"] + rec)
        try await run(["authority", "revoke", "--voter", "v5", "--revocation-out", "\(dir)/revoke.json"] + authorityKey + rec + p)
        try await run(["publish", "\(dir)/revoke.json"] + rec)
        #expect(
            await refusal(["authority", "revoke", "--voter", "nobody", "--revocation-out", "\(dir)/r2.json"] + authorityKey + rec + p)?
                .contains("not in the register") == true)
        let rows = try String(contentsOfFile: "\(dir)/creds.csv", encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",").map(String.init)
        }
        let added = try #require(rows.first { $0[0] == "late1" }), fresh = try #require(rows.last { $0[0] == "v5" })
        #expect(fresh[2] != creds[5][2])
        // Letters again: only the late voter's and v5's replacement; a third run has nothing left to print.
        try await run(["authority", "letters", "--credentials", "\(dir)/creds.csv", "--booth-url", booth, "--out", "\(dir)/l4.html"] + rec)
        let reprinted = try String(contentsOfFile: "\(dir)/l4.html", encoding: .utf8)
        #expect(reprinted.contains(added[2]) && reprinted.contains(fresh[2]))
        #expect(creds.allSatisfy { !reprinted.contains($0[2]) }, "no letter printed before comes out again")
        #expect(reprinted.components(separatedBy: "<article class=\"letter\">").count - 1 == 2)
        #expect(
            await refusal(
                ["authority", "letters", "--credentials", "\(dir)/creds.csv", "--booth-url", booth, "--out", "\(dir)/l5.html"] + rec)?
                .contains("already printed") == true)
        #expect(
            await refusal(["vote", "--credential", creds[5][2], "--precinct", "p2", "--answer", "ref=yes"] + rec + p)?.contains(
                "revoked") == true)

        // A credential of another election is on no list of this one, and says so.
        let stranger = VoterCredential.generate(electionId: "another-election").text
        #expect(
            await refusal(["vote", "--credential", stranger, "--precinct", "p1", "--answer", "ref=yes"] + rec + p)?.contains(
                "on no credential list of election cli-test") == true)

        func vote(_ i: Int, _ answer: String, extra: [String] = []) async throws {
            try await run(["vote", "--credential", creds[i][2], "--precinct", creds[i][1], "--answer", "ref=\(answer)"] + extra + rec + p)
        }
        try await vote(0, "yes", extra: ["--channel", "station", "--device-key", "\(dir)/dev/st1.key.json"])
        try await vote(1, "no", extra: ["--challenge"])
        try await vote(2, "yes", extra: ["--receipt-out", "\(dir)/first.json"])
        // The challenged ballot, opened away from the booth that made it: what it contained, checked.
        let state = try RecordState(directory: RecordDirectory(path: "\(dir)/record"))
        let contextHash = try state.context().contextHash
        let codes = state.entries.compactMap { e -> (spoiled: Bool, code: String)? in
            switch e.entry.payload {
            case .spoiledBallot(let s): (true, ProtocolHashes.trackingCode(s.ballot.hash(contextHash: contextHash)))
            case .ballot(let b): (false, ProtocolHashes.trackingCode(b.hash(contextHash: contextHash)))
            default: nil
            }
        }
        let challenged = try #require(codes.first { $0.spoiled }?.code)
        let found = try await PlebisciteCommand.Audit.find(
            try #require(BallotReference(challenged)), try RecordOptions.parse(["--record", "\(dir)/record"]))
        let opened = found.0.opened(in: found.2, credentials: found.3)
        #expect(opened.failures.isEmpty && opened.answers.map { $0.selected.map(\.text) } == [["no"]])
        #expect(
            PlebisciteCommand.Audit.describe(opened, index: found.1, language: nil, fullRecord: true).contains("Approve?: no"))
        #expect(await CLIRunner.exitStatus(["audit", challenged] + rec) == 0)
        let castCode = try #require(codes.last { !$0.spoiled }?.code)
        #expect(await refusal(["audit", castCode] + rec)?.contains("was cast, not challenged") == true)
        #expect(await refusal(["audit", "0000-0000-0000-0000"] + rec)?.contains("no ballot with code") == true)
        try await vote(2, "no", extra: ["--receipt-out", "\(dir)/revote.json"])  // re-vote: this one counts
        let revote = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/revote.json"))) as? [String: Any])
        #expect(revote["supersedes"] as? Int != nil, "the re-vote's receipt names the ballot it supersedes")
        // Both receipts checked against the record directory: the first replaced by the re-vote, which counts.
        func receiptStatus(_ file: String) async throws -> (BallotTrack.Status, Int?) {
            let check = try PlebisciteCommand.ReceiptCommand.Check.parse(["\(dir)/\(file)", "--record", "\(dir)/record"])
            let state = try RecordState(directory: RecordDirectory(path: "\(dir)/record"))
            return try PlebisciteCommand.ReceiptCommand.Check.check(try check.named(), in: state, record: "\(dir)/record")
        }
        let first = try await receiptStatus("first.json"), second = try await receiptStatus("revote.json")
        #expect(first.0 == .superseded && first.1 == revote["seq"] as? Int)
        #expect(second.0 == .counts && second.1 == nil)
        #expect(await CLIRunner.exitStatus(["receipt", "check", "\(dir)/first.json", "--record", "\(dir)/record"]) == 0)
        // A receipt whose entry hash the record does not hold: refused, naming the entry.
        var altered = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/first.json"))) as? [String: Any])
        altered["entryHash"] = String(repeating: "ab", count: 32)
        try JSONSerialization.data(withJSONObject: altered).write(to: URL(fileURLWithPath: "\(dir)/altered.json"))
        #expect(
            await refusal(["receipt", "check", "\(dir)/altered.json", "--record", "\(dir)/record"])?.contains(
                "is not the entry of the receipt") == true)
        try await vote(3, "0")
        // No --precinct: the credential's list says p1; an option in other case ("NO") is the option "no".
        try await run(["vote", "--credential", added[2], "--answer", "ref=NO"] + rec + p)
        try await run(["vote", "--credential", fresh[2], "--precinct", "p2", "--answer", "ref=no"] + rec + p)
        // Refusals with clear messages, and nothing stored.
        let before = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/record/log.jsonl"))
        #expect(
            await refusal(["vote", "--credential", "ABCDE-FGHJK", "--precinct", "p1", "--answer", "ref=yes"] + rec)?.contains("credential")
                == true)
        #expect(
            await refusal(["vote", "--credential", creds[4][2], "--precinct", "p1", "--answer", "ref=maybe"] + rec)?.contains(
                "no option 'maybe'")
                == true)
        #expect(
            await refusal(["vote", "--credential", creds[4][2], "--precinct", "p2", "--answer", "ref=yes"] + rec)?.contains(
                "votes in precinct p1, not p2")
                == true)
        // --at moves the record's clock only in a declared simulation.
        let late = ["vote", "--credential", creds[4][2], "--precinct", "p1", "--answer", "ref=yes", "--at", afterClose] + rec
        #expect(await refusal(late)?.contains("--simulate") == true)
        #expect(await CLIRunner.exitStatus(late) == 64)
        #expect(await refusal(late + ["--simulate"])?.contains("outsideWindow") == true)
        #expect(await CLIRunner.exitStatus(late + ["--simulate"]) == 1, "a refusal exits 1, without the usage text")
        #expect(await refusal(["close", "--board-key", "\(dir)/board.key.json"] + rec + p)?.contains("window") == true)
        #expect(
            await refusal(["close", "--board-key", "\(dir)/board.key.json", "--passphrase-file", "\(dir)/roll.csv"] + rec)?.contains(
                "wrong passphrase") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/record/log.jsonl")) == before)

        try await run(["close", "--board-key", "\(dir)/board.key.json", "--at", closes, "--simulate"] + rec + p)
        #expect(
            await refusal(["vote", "--credential", creds[4][2], "--precinct", "p1", "--answer", "ref=yes"] + rec)?.contains(
                "electionClosed")
                == true)
        try await run(["tally"] + rec)
        for t in ["t1", "t3"] {
            try await run(["trustee", "decrypt", "--key", "\(dir)/\(t)/\(t).key.json", "--out", "\(dir)/\(t)/shares.json"] + rec + p)
            try await run(["publish", "\(dir)/\(t)/shares.json"] + rec)
        }
        try await run(["combine"] + rec)
        // The administrator signs the final head with the board key: the result lies under a signed head.
        try await run(["combine", "--board-key", "\(dir)/board.key.json"] + rec + p)
        let final = try LoadedRecord.load(RecordDirectory(path: "\(dir)/record"))
        #expect(final.treeHeads.last?.size == final.entries.count, "the last head covers every entry, the result included")
        if case .result = final.entries.last?.entry.payload {} else { Issue.record("the record ends with its result, posted once") }

        let report = RecordVerifier.verify(directory: RecordDirectory(path: "\(dir)/record"), workers: 2)
        #expect(report.ok, "\(report.failures)")
        #expect(report.statistics.spoiledBallots == 1)
        let total = try #require(report.result?.total)
        #expect(total.ballots == 6)
        #expect(total.questions.first?.counts == [2, 4])
        #expect(total.credentials == 7, "six voters and one added; v5 counted once")
        #expect(await refusal(["results", "\(dir)/nothing-here"])?.contains("not a record") == true)
        #expect(await CLIRunner.exitStatus(["verify", "\(dir)/nothing-here"]) == 2, "verify exits 2 when the record cannot be read")
        #expect(await CLIRunner.exitStatus(["verify", "\(dir)/record"]) == 0)
        #expect(report.statistics.supersededBallots == 1)
    }
}

@Suite("Forensics on Plebiscite's own results")
struct OwnResultsForensicsTests {
    @Test(
        "A record tallied per voting day, through the board: cells per (precinct, channel, day), day scopes that add up, verified; the forensics take channel and day as strata"
    )
    func perDayRecord() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-days-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var scenario = DemoScenario(voters: 900, seed: 11, workers: 2)
        scenario.tallyDays = TallyDays(utcOffsetMinutes: 120)
        let outcome = try await scenario.runOnBoard(at: RecordDirectory(dir), open: nil)
        #expect(outcome.report.ok, "\(outcome.report.failures)")
        #expect(outcome.matchesIntent, "each (precinct, channel, day) cell holds its voters' final choices")
        let days = ["2026-06-01", "2026-06-02", "2026-06-03"]
        let members = outcome.result.cells.flatMap(\.cells)
        #expect(Set(members.compactMap(\.day)) == Set(days) && members.allSatisfy { $0.day != nil })
        let summary = outcome.result.summary
        let perDay = try #require(summary.days)
        #expect(perDay.map(\.id) == days)
        #expect(perDay.reduce(0) { $0 + $1.ballots } == summary.total.ballots)
        #expect(perDay.allSatisfy { $0.credentials == summary.total.credentials })
        let unmerged = outcome.result.cells.filter { $0.members == nil }
        #expect(unmerged.count > 10, "enough (precinct, channel, day) cells of their own to test")
        // The forensics: one unit per unmerged cell, strata per channel and per day.
        let (csv, _, tallied) = try ResultsCSV.fromRecordWithLeader(dir.path, workers: 2, byChannel: true)
        let rows = String(decoding: csv, as: UTF8.self).split(separator: "\n")
        #expect(tallied && rows.first?.hasPrefix("precinct,region,channel,day,registered,ballots,") == true)
        #expect(rows.count == 1 + unmerged.count)
        let report = dir.appendingPathComponent("cells.html").path
        try await CLIRunner.run(["forensics", dir.path, "--by-channel", "--draws", "50", "--report", report])
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("day=2026-06-01") && html.contains("day=2026-06-03") && html.contains("channel=station"))
    }

    @Test("A demo record's verified precinct results feed the forensics, which say what needs more data")
    func demoRecordForensics() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-forensics-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try DemoScenario(voters: 120, seed: 5, workers: 2).run(at: RecordDirectory(dir))
        let report = dir.appendingPathComponent("report.html").path
        var command = try PlebisciteCommand.parseAsRoot(["forensics", dir.path, "--draws", "50", "--report", report])
        try command.run()
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("<svg"))
        #expect(html.contains("Needs more data"))
        // The CSV export that the `plebiscite` preset reads.
        let csv = try ResultsCSV.fromRecord(dir.path, workers: 2)
        let lines = String(decoding: csv, as: UTF8.self).split(separator: "\n")
        #expect(lines.first == "precinct,region,registered,ballots,yes,no,blank,assembly:yes,assembly:no")
        // One row per precinct whose counts are its own (not merged with another's small cells).
        let summary = try #require(RecordVerifier.verify(directory: RecordDirectory(dir), workers: 2).result)
        let own = summary.precincts.filter { $0.ballotsMergedOut == nil }
        #expect(lines.count == 1 + own.count && own.count < summary.precincts.count)
        #expect(lines.dropFirst().map { String($0.split(separator: ",")[0]) } == own.map(\.id))
        // Refused inputs get clear messages.
        #expect(throws: (any Error).self) { _ = try PlebisciteCommand.parseAsRoot(["forensics", dir.path, "--registered", "x"]) }
        var missing = try PlebisciteCommand.parseAsRoot([
            "forensics", "\(dir.path)/log.jsonl", "--registered", "a", "--ballots", "b", "--leader", "c",
        ])
        #expect(throws: (any Error).self) { try missing.run() }
        #expect(throws: (any Error).self) {
            _ = try PlebisciteCommand.parseAsRoot(["forensics", dir.path, "--poll-share", "1.5", "--poll-size", "10"])
        }
    }
}

@Suite("Official results of a record")
struct OfficialResultsTests {
    @Test("Outcomes, empty answers, merged cells, verdict and head in every format; forensics lead with the winner")
    func formats() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-results-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try DemoScenario(voters: 300, seed: 6, workers: 2).run(at: RecordDirectory(dir))
        let record = try LoadedRecord.load(RecordDirectory(dir))
        let manifest = try RecordCoding.decode(Manifest.self, from: record.manifestBytes)
        let report = RecordVerifier.verify(record, workers: 2)
        let results = try OfficialResults.build(record: record, manifest: manifest, report: report)
        #expect(results.questions.map(\.id) == ["amendment", "assembly"])
        #expect(results.finalTreeHead?.size == record.entries.count && results.verdict.valid)
        #expect(!results.mergedAggregates.isEmpty, "300 voters in 9 precincts leave small cells")
        for q in results.questions {
            let total = try #require(q.rows.first)
            let counts = try #require(total.counts)
            let top = try #require(counts.max())
            #expect(Set(q.outcome.leaders) == Set(q.options.indices.filter { counts[$0] == top }.map { q.options[$0].text }))
            #expect(["majority", "plurality", "tie"].contains(q.outcome.kind))
            for r in q.rows {
                // Every ballot that carried the question is an option's or empty.
                if let c = r.counts, let answered = r.answered, let empty = r.empty { #expect(c.reduce(0, +) + empty == answered) }
                #expect((r.counts == nil) == (r.answered == nil))
            }
        }
        // The assembly question allows no answer: some ballots leave it empty, and only Hill Country asks it.
        let assembly = results.questions[1]
        #expect(assembly.emptyCounted && (assembly.rows[0].empty ?? 0) > 0)
        #expect(assembly.rows.filter { $0.scope == .region }.map(\.id) == ["hills"])
        // Its voters, ballots and turnout are Hill Country's, not the whole election's; its counts add up to its ballots.
        let hills = Set(try #require(manifest.regions.first { $0.id == "hills" }).precincts.map(\.id))
        let assemblyTotal = assembly.rows[0], amendmentTotal = results.questions[0].rows[0]
        let hillsVoters = results.questions[0].rows.filter { $0.scope == .precinct && hills.contains($0.id) }.reduce(0) { $0 + $1.voters }
        #expect(assemblyTotal.voters == hillsVoters && assemblyTotal.voters < amendmentTotal.voters)
        #expect(assemblyTotal.ballots < amendmentTotal.ballots)
        for r in results.questions.flatMap(\.rows) { #expect(r.ballots == (r.answered ?? 0) + (r.mergedOut ?? 0), "\(r.scope) \(r.id)") }
        #expect(results.text.contains(results.questions[0].outcome.statement) && results.text.contains("Final signed tree head"))
        #expect(
            results.csv.split(separator: "\n").first == "question,scope,id,name,voters,ballots,turnout_ppm,answered,option,votes,merged_out"
        )
        #expect(results.csv.contains(",(empty),"))
        #expect(results.html.contains("<table>") && !results.html.contains("<script"))
        // In Ukrainian and Russian: the document's words, the manifest's texts and decimal commas; no English left.
        for (lang, words) in [
            (DocumentLanguage.uk, ["Офіційні результати", "Усього", "Перевірка: ДІЙСНИЙ", "Правило підрахунку"]),
            (.ru, ["Официальные результаты", "Всего", "Проверка: ДЕЙСТВИТЕЛЕН", "Правило подсчёта"]),
        ] {
            let local = try OfficialResults.build(record: record, manifest: manifest, report: report, language: lang)
            let html = local.html
            #expect(html.contains("<html lang=\"\(lang.rawValue)\">") && words.allSatisfy(html.contains))
            #expect(words.allSatisfy { local.text.contains($0) || local.text.contains($0.uppercased()) })
            #expect(html.contains(manifest.questions[0].text.text(in: lang.rawValue)) && html.contains(lang.channel(.station)))
            for english in ["Total", "Scope", "Ballots", "Verifier", "Counting rule", "Merged cells", "Channel", "Majority", "Most votes"] {
                #expect(!html.contains(english) && !local.text.contains(english), "\(lang): \(english)")
            }
            #expect(local.questions.map(\.outcome.kind) == results.questions.map(\.outcome.kind))
            #expect(local.text.range(of: #"\d,\d%"#, options: .regularExpression) != nil, "percentages with a decimal comma")
        }
        var rejectedUK = manifest.questions[0]
        rejectedUK.passing = PassingRule(option: "yes", minSharePPM: 900_000)
        let judgedUK = OfficialResults.outcome(rejectedUK, total: results.questions[0].rows[0], language: .uk)
        #expect(judgedUK.statement.hasPrefix("Не схвалено: ") && judgedUK.statement.contains("потрібно 90,00%"))
        // A passing rule the total does not meet.
        var strict = manifest.questions[0]
        strict.passing = PassingRule(option: "yes", minSharePPM: 900_000, minTurnoutPPM: 500_000)
        let judged = OfficialResults.outcome(strict, total: results.questions[0].rows[0])
        #expect(judged.kind == "rejected" && judged.statement.contains("90.00% needed"))
        strict.passing = PassingRule(option: "yes", minSharePPM: 0)
        #expect(OfficialResults.outcome(strict, total: results.questions[0].rows[0]).kind == "approved")
        strict.passing = PassingRule(option: "maybe")
        #expect(Manifest.problemsOf(question: strict).contains { $0.contains("not one of its options") })
        // The forensics of the record lead with the winner of the first question.
        let (_, leader, _) = try ResultsCSV.fromRecordWithLeader(dir.path, workers: 2)
        #expect(leader == results.questions[0].outcome.leaders.first)
        // Per channel: one unit per unmerged (precinct, channel) cell, the channel a stratum.
        let (cells, _, perDay) = try ResultsCSV.fromRecordWithLeader(dir.path, workers: 2, byChannel: true)
        let rows = String(decoding: cells, as: UTF8.self).split(separator: "\n")
        #expect(!perDay, "this record tallies per (precinct, channel)")
        #expect(rows.first == "precinct,region,channel,registered,ballots,yes,no,blank,assembly:yes,assembly:no")
        let single = try #require(record.entries.compactMap { if case .result(let r) = $0.entry.payload { r } else { nil } }.first)
            .cells.filter { $0.members == nil }
        #expect(
            rows.count == 1 + single.count
                && rows.dropFirst().allSatisfy { ["station", "mobile", "remote"].contains(String($0.split(separator: ",")[2])) })
        let report2 = dir.appendingPathComponent("channels.html").path
        try await CLIRunner.run(["forensics", dir.path, "--by-channel", "--draws", "50", "--report", report2])
        #expect(try String(contentsOfFile: report2, encoding: .utf8).contains("channel=station"))
        #expect(throws: (any Error).self) {
            _ = try PlebisciteCommand.parseAsRoot(["forensics", dir.path, "--by-channel", "--preset", "russia"])
        }
        // Through the command: JSON round-trips, PDF comes from Chromium when it is installed.
        let json = dir.appendingPathComponent("results.json").path
        var command = try #require(
            try PlebisciteCommand.parseAsRoot(["results", dir.path, "--format", "json", "--out", json]) as? any AsyncParsableCommand)
        try await command.run()
        let decoded = try JSONDecoder().decode(OfficialResults.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        #expect(decoded.questions.map(\.outcome.statement) == results.questions.map(\.outcome.statement))
        #expect(throws: (any Error).self) { _ = try PlebisciteCommand.parseAsRoot(["results", dir.path, "--format", "pdf"]) }
        if Chromium.path != nil {
            let pdf = dir.appendingPathComponent("results.pdf").path
            command = try #require(
                try PlebisciteCommand.parseAsRoot(["results", dir.path, "--format", "pdf", "--out", pdf]) as? any AsyncParsableCommand)
            try await command.run()
            #expect(try Data(contentsOf: URL(fileURLWithPath: pdf)).prefix(4) == Data("%PDF".utf8))
            // Words wrap whole: no line of the PDF ends inside a word ("regi|on"); a hash may break anywhere.
            let lines = try CLIRunner.tool("pdftotext", [pdf, "-"]).split(whereSeparator: \.isNewline).map(String.init)
            func words(_ s: String) -> [String] { s.split { !$0.isLetter && !$0.isNumber }.map(String.init) }
            let vocabulary = Set(words(results.html.replacingOccurrences(of: #"<[^>]+>"#, with: " ", options: .regularExpression)))
            let broken = zip(lines, lines.dropFirst()).compactMap { a, b -> String? in
                guard let x = words(a).last, let y = words(b).first, !vocabulary.contains(x) || !vocabulary.contains(y),
                    vocabulary.contains(x + y), !(x + y).allSatisfy(\.isHexDigit)
                else { return nil }
                return "\(x)|\(y)"
            }
            #expect(lines.count > 20 && broken.isEmpty, "words broken across lines: \(broken)")
        }
    }
}
