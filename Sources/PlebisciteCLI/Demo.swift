import ArgumentParser
import BoardServer
import ElectionRecord
import Foundation

extension PlebisciteCommand {
    /// `plebiscite demo`: a complete referendum, end to end, verified.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a complete simulated referendum through a board on loopback (embedded SQLite store) and verify it.",
            discussion: """
                Starts the board's HTTP server on a free loopback port over DIR/board.sqlite; trustees, administrator,
                devices and voters act as its clients (each receipt is checked at once). The record is then downloaded
                into DIR and verified. --direct skips the server and appends to the record files in this process.
                """)

        @Option(help: "Number of eligible voters.") var voters = 2000
        @Option(help: "Directory for the election record (must not hold one already).") var out = "demo-record"
        @Option(help: "Seed for the simulated voters' choices (cryptographic randomness is never seeded).") var seed: UInt64 = 1
        @Flag(help: "Replace an existing record in --out.") var force = false
        @Flag(help: "Tally per voting day (UTC+2): results and forensics per (precinct, channel, day).") var perDay = false
        @Flag(help: "No board server: the board's checks run in this process, appending to the record files.") var direct = false
        @Flag(help: "Stop before the close and keep the board serving the booth, printing its address and unused credentials.")
        var open = false
        @Option(help: "With --open: the booth's files (scripts/build-booth-wasm builds them).") var booth = ".build/booth/site"
        @OptionGroup var workers: WorkerOptions

        func validate() throws {
            if voters < 1 || voters > 10_000_000 { throw ValidationError("--voters must be between 1 and 10,000,000") }
            if open && direct { throw ValidationError("--open needs the board server: leave out --direct") }
        }

        func run() async throws {
            let dir = RecordDirectory(path: out)
            if FileManager.default.fileExists(atPath: dir.logURL.path) {
                guard force else { throw ValidationError("\(out) already holds a record; choose another --out or pass --force") }
                try FileManager.default.removeItem(at: dir.logURL)
                try? FileManager.default.removeItem(at: dir.manifestURL)
                try? FileManager.default.removeItem(at: dir.treeHeadsURL)
            }
            print(
                "Plebiscite demo: \(voters) voters, 3 regions, 9 precincts (one a hamlet), channels station/mobile/remote, 3 trustees (threshold 2), a station ballot is final (stationFinal), aggregates of at least 10 ballots\(perDay ? ", tallied per voting day" : "")."
            )
            let started = Date()
            var scenario = DemoScenario(voters: voters, seed: seed, workers: workers.count, showProgress: true)
            if perDay { scenario.tallyDays = TallyDays(utcOffsetMinutes: 120) }
            var assets: BoothAssets?
            if open {
                do { assets = try BoothAssets(directory: booth) } catch { throw StepFailure("--booth \(booth): \(error)") }
            }
            let outcome = try await direct ? scenario.run(at: dir) : scenario.runOnBoard(at: dir, open: assets)
            let manifest = try RecordCoding.decode(Manifest.self, from: Array(try Data(contentsOf: dir.manifestURL)))
            print(
                "Ballots cast: \(outcome.ballotsCast) (\(outcome.revotes) coerced ballots overridden by a later re-vote, \(outcome.stationOverrides) of them in person at a station; \(outcome.challenges) challenged and spoiled)."
            )
            print(
                "Roll: \(outcome.addedVoters) voters added by amendment; \(outcome.revocations) credentials taken from their voters, revoked and replaced in person. The board refused \(outcome.refusedAsExpected) ballots as the rules say (a revoked credential, a ballot after a final station ballot)."
            )
            print("Small cells: \(outcome.mergedAggregates) decrypted aggregate(s) merge cells of fewer than 10 ballots.")
            print(
                "Offline: the hills' mobile team collected \(outcome.offlineBallots) ballots without a network and uploaded its outbox \(outcome.offlineUploads) time(s)."
            )
            print(
                "Decrypted by trustees \(outcome.result.trustees.map(String.init).joined(separator: " and ")); trustee \(outcome.absentTrustee) was absent."
            )
            print(ResultPrinter.results(outcome.result, manifest: manifest))
            print("Decrypted counts equal the simulated voters' final choices: \(outcome.matchesIntent ? "yes" : "NO")")
            print(ResultPrinter.report(outcome.report))
            let steps = outcome.timings.map { String(format: "%@ %.2fs", $0.0, $0.1) }.joined(separator: ", ")
            print(String(format: "Record written to %@ (%.1f s: %@).", dir.url.path, Date().timeIntervalSince(started), steps))
            print("Check it yourself: plebiscite verify \(out)")
            if !outcome.report.ok || !outcome.matchesIntent { throw ExitCode(1) }
        }
    }
}
