import ArgumentParser
import ElectionRecord
import ElectionVerifier
import Forensics
import Foundation
import RecordForensics

extension Preset: ExpressibleByArgument {}

/// Precinct rows of a record directory, verified first (ResultsCSV makes the rows).
extension ResultsCSV {
    /// Verifies a record and returns its precinct rows; refuses an invalid or undecrypted record.
    static func fromRecord(_ path: String, workers: Int) throws -> [UInt8] { try fromRecordWithLeader(path, workers: workers).csv }

    /// The precinct rows and the leader (see `leader`).
    static func fromRecordWithLeader(_ path: String, workers: Int, byChannel: Bool = false) throws -> (
        csv: [UInt8], leader: String?, perDay: Bool
    ) {
        let dir = RecordDirectory(path: path)
        let record = try LoadedRecord.load(dir)
        let report = RecordVerifier.verify(record, workers: workers)
        guard report.ok else { throw StepFailure("the record \(path) does not verify: run `plebiscite verify \(path)`") }
        guard let summary = report.result else { throw StepFailure("the record \(path) has no result yet (phase: \(report.phase))") }
        let manifest = try RecordCoding.decode(Manifest.self, from: record.manifestBytes)
        if byChannel {
            let result = record.entries.reversed().lazy.compactMap { e -> ElectionResult? in
                if case .result(let r) = e.entry.payload { r } else { nil }
            }.first
            let rows = result.map { channelCSV($0, summary: summary, manifest: manifest) } ?? ""
            guard rows.split(separator: "\n").count > 1 else {
                throw StepFailure(
                    "no (precinct, channel) cell of \(path) has counts of its own: every one was merged (minimumCell \(manifest.cellMinimum))"
                )
            }
            return (Array(rows.utf8), leader(summary, manifest: manifest), manifest.tallyDays != nil)
        }
        guard summary.precincts.contains(where: { $0.ballotsMergedOut == nil && $0.ballots > 0 }) else {
            throw StepFailure(
                "no precinct of \(path) has counts of its own: small cells were merged across precincts (minimumCell \(manifest.cellMinimum)), so there are no precinct-level figures to test"
            )
        }
        return (Array(csv(summary, manifest: manifest).utf8), leader(summary, manifest: manifest), false)
    }

}

extension PlebisciteCommand {
    /// `plebiscite forensics FILE`: statistical tests for falsification on precinct-level results.
    struct ForensicsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forensics",
            abstract: "Test precinct-level results for the statistical fingerprints of falsification.",
            discussion: """
                FILE is a CSV (plain, gzip, or the one CSV in a zip) of one row per station, or a Plebiscite record directory.
                Name its columns with --preset (russia recognises any federal protocol's rows by meaning), --mapping FILE.json,
                or --registered/--ballots/--counted/--leader (repeat a flag to add up columns).
                Tests: turnout/share fingerprint, integer percentages with a binomial Monte Carlo null,
                Shpilkin's anomalous-vote estimate, second- and last-digit tests, and (with --poll-share)
                a comparison with an independent poll; each pooled and per stratum.
                """)

        @Argument(help: "Results CSV (.csv or .csv.gz) or a Plebiscite record directory.") var file: String
        @Option(help: "Column preset: russia, canada or plebiscite.") var preset: Preset?
        @Option(
            help:
                "JSON column mapping file (keys: registered, ballots, counted, valid, leader, id, strata, delimiter, candidate, leaderName, statusColumn, statusOK)."
        ) var mapping: String?
        @Option(help: "Column of registered voters (repeat to add up several).") var registered: [String] = []
        @Option(help: "Column of ballots cast or issued, the turnout numerator (repeat to add up several).") var ballots: [String] = []
        @Option(help: "Column of ballots counted (valid plus invalid), the share denominator (repeat to add up; default: the ballots).")
        var counted: [String] = []
        @Option(help: "Column of valid ballots, the Klimek model's turnout numerator and share denominator (repeat to add up; optional).")
        var valid: [String] = []
        @Option(help: "Column of the leader's votes.") var leader: String?
        @Option(help: "The leader, by its column's name (or a unique part of it): with the russia preset, instead of the national winner.")
        var leaderName: String?
        @Option(help: "Comma-separated stratum columns (region, channel, day...).") var strata: String?
        @Option(help: "Field delimiter (default: guessed from the header).") var delimiter: String?
        @Flag(
            help:
                "For a Plebiscite record: one unit per tally cell, (precinct, channel) or, when the record tallies per day, (precinct, channel, day), with channel (station, mobile, remote) and day as strata."
        )
        var byChannel = false
        @Flag(help: "Print every figure as JSON.") var json = false
        @Option(help: "Write an HTML report with the plots.") var report: String?
        @Option(help: "The HTML report's language: en, uk or ru (the terminal summary stays in English).") var lang = DocumentLanguage.en
        @Option(help: "Seed of the Monte Carlo draws.") var seed: UInt64 = 1
        @Option(help: "Monte Carlo draws for the integer-percentage null.") var draws = 1000
        @Option(help: "Bootstrap replicates of the Klimek model fit (0: the point estimate only).") var modelReplicates = 100
        @Option(help: "An independent poll's share for the leader (0 to 1).") var pollShare: Double?
        @Option(help: "The poll's sample size.") var pollSize: Int?
        @Option(help: "The poll's 95% margin of error (0 to 1), when the size is unknown.") var pollMargin: Double?
        @Option(help: "The poll's design effect (>= 1).") var pollDesignEffect = 1.0
        @OptionGroup var workers: WorkerOptions

        func validate() throws {
            if byChannel && (preset != nil && preset != .plebiscite || mapping != nil) {
                throw ValidationError("--by-channel goes with a Plebiscite record (its own columns)")
            }
            if draws < 1 || draws > 1_000_000 { throw ValidationError("--draws must be between 1 and 1,000,000") }
            if modelReplicates < 0 || modelReplicates > 100_000 {
                throw ValidationError("--model-replicates must be between 0 and 100,000")
            }
            if let p = pollShare, !(p > 0 && p < 1) { throw ValidationError("--poll-share must lie strictly between 0 and 1") }
            if pollShare != nil && pollSize == nil && pollMargin == nil {
                throw ValidationError("--poll-share needs --poll-size or --poll-margin")
            }
            if let n = pollSize, n < 1 { throw ValidationError("--poll-size must be positive") }
            if let m = pollMargin, !(m > 0 && m < 1) { throw ValidationError("--poll-margin must lie strictly between 0 and 1") }
            if pollDesignEffect < 1 { throw ValidationError("--poll-design-effect must be at least 1") }
            let manual = [!registered.isEmpty, !ballots.isEmpty, leader != nil].filter { $0 }.count
            if manual > 0 && manual < 3 { throw ValidationError("--registered, --ballots and --leader go together") }
            if !counted.isEmpty && manual == 0 { throw ValidationError("--counted goes with --registered, --ballots and --leader") }
            if !valid.isEmpty && manual == 0 { throw ValidationError("--valid goes with --registered, --ballots and --leader") }
            if [preset != nil, mapping != nil, manual == 3].filter({ $0 }).count > 1 {
                throw ValidationError("choose one of --preset, --mapping, or --registered/--ballots/--leader")
            }
        }

        func columnMapping(isRecord: Bool) throws -> ColumnMapping {
            var chosen: ColumnMapping?
            if let preset { chosen = preset.mapping }
            if let mapping { chosen = try Files.read(ColumnMapping.self, mapping, what: "column mapping") }
            if let leader, !registered.isEmpty, !ballots.isEmpty {
                chosen = ColumnMapping(
                    registered: registered, ballots: ballots, counted: counted.isEmpty ? nil : counted, leader: [leader],
                    valid: valid.isEmpty ? nil : valid,
                    strata: strata?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }, delimiter: delimiter)
            }
            if var m = chosen {
                if let leaderName { m.leaderName = leaderName }
                return m
            }
            if isRecord { return Preset.plebiscite.mapping }
            throw ValidationError(
                "say which columns hold what: --preset russia|canada|plebiscite, --mapping FILE, or --registered/--ballots/--leader")
        }

        func run() throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
                throw StepFailure("no file at \(file)")
            }
            var map = try columnMapping(isRecord: isDirectory.boolValue)
            if preset == nil, mapping == nil, let s = strata { map.strata = s.split(separator: ",").map(String.init) }
            let start = Date()
            let table: StationTable
            do {
                if isDirectory.boolValue {
                    let (csv, leader, perDay) = try ResultsCSV.fromRecordWithLeader(file, workers: workers.count, byChannel: byChannel)
                    if byChannel, preset == nil, mapping == nil {
                        map.id = ["precinct", "channel"] + (perDay ? ["day"] : [])
                        map.strata = ["region", "channel"] + (perDay ? ["day"] : [])
                    }
                    // The winner of the first question leads, as in the official results (unless named).
                    if let leader, preset == nil || preset == .plebiscite, mapping == nil, self.leader == nil { map.leader = [leader] }
                    table = try StationTable.parse(csv, mapping: map)
                } else {
                    table = try StationTable.load(path: file, mapping: map)
                }
            } catch let e as ForensicsInputError { throw StepFailure("\(file): \(e)") }  // the data's problem: one line, exit 1
            var options = ForensicsOptions()
            options.draws = draws
            options.modelReplicates = modelReplicates
            options.seed = seed
            options.workers = workers.count
            options.pollShare = pollShare
            options.pollSize = pollSize
            options.pollMargin = pollMargin
            options.pollDesignEffect = pollDesignEffect
            let bar = ProgressBar("Monte Carlo draws", total: draws, enabled: !json)
            let result = ForensicsAnalysis.run(
                table, source: URL(fileURLWithPath: file).lastPathComponent, options: options,
                importSeconds: Date().timeIntervalSince(start), progress: { bar.advance() })
            bar.finish()
            if let report {
                do { try Data(result.html(lang).utf8).write(to: URL(fileURLWithPath: report), options: .atomic) } catch {
                    throw StepFailure("cannot write \(report): \(error.localizedDescription)")
                }
            }
            if json {
                print(String(decoding: try RecordCoding.encode(result, pretty: true), as: UTF8.self))
            } else {
                print(result.summary)
                if let report { print("HTML report with the plots: \(report)") }
            }
        }
    }
}
