import ArgumentParser
import BoardClient
import ElectionRecord
import ElectionVerifier
import Forensics
import Foundation
import RecordForensics

extension PlebisciteCommand {
    /// `plebiscite verify RECORD`: check a whole record; exit 0 only if every check passes.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an election record: every check of docs/PROTOCOL.md section 7.",
            discussion: "Exits 0 only when every applicable check passes; 1 when any fails; 2 when the record cannot be read.")

        @Argument(help: "The record: a directory (manifest.json, log.jsonl) or a board's election URL http://HOST:PORT/elections/ID.")
        var record: String
        @Option(help: "With a board URL: also write the downloaded record to this directory.") var out: String?
        @Flag(help: "Print the full report as JSON.") var json = false
        @Flag(help: "List every check, not only failed ones.") var verbose = false
        @OptionGroup var workers: WorkerOptions

        func run() async throws {
            let loaded: LoadedRecord
            do { loaded = try await loadRecord(record, exportTo: out) } catch  where !(error is ValidationError) {
                // Unreadable (no record there, a board that cannot be reached) is not invalid: exit 2, as the help says.
                Terminal.error("Error: \(error)")
                throw ExitCode(2)
            }
            let report = RecordVerifier.verify(loaded, workers: workers.count)
            if json {
                print(String(decoding: try RecordCoding.encode(report, pretty: true), as: UTF8.self))
            } else {
                if report.result != nil, let manifest = try? RecordCoding.decode(Manifest.self, from: loaded.manifestBytes),
                    let result = loaded.entries.reversed().lazy.compactMap({ e -> ElectionResult? in
                        if case .result(let r) = e.entry.payload { r } else { nil }
                    }).first
                {
                    print(ResultPrinter.results(result, manifest: manifest))
                }
                print(ResultPrinter.report(report, verbose: verbose))
            }
            if !report.ok { throw ExitCode(1) }
        }
    }

    /// `plebiscite results RECORD`: print the verified results.
    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a record and publish its official results.",
            discussion: """
                Every question's outcome (majority, tie, or the manifest's passing rule), counts for every option and for
                empty answers, per region, precinct and channel with turnout, merged cells marked, the verifier's verdict
                and the record's final signed tree head, in English, Ukrainian or Russian (--lang; the manifest's texts in
                that language where it has them). --format pdf prints the HTML with headless Chromium.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, html, pdf, csv, json }

        @Argument(help: "The record directory, or a board's election URL.") var record: String
        @Option(help: "text, html, pdf, csv or json.") var format = Format.text
        @Option(help: "Write to this file (required for pdf; default: standard output).") var out: String?
        @Flag(help: "Print precinct rows as CSV (the input of `plebiscite forensics --preset plebiscite`).") var csv = false
        @Option(help: "The document's language (en, uk or ru): its words and the manifest's texts in it.") var lang = DocumentLanguage.en
        @OptionGroup var workers: WorkerOptions

        func validate() throws {
            if format == .pdf && out == nil { throw ValidationError("--format pdf needs --out FILE.pdf") }
            if csv && format != .text { throw ValidationError("--csv is the forensics input; it does not go with --format") }
        }

        func run() async throws {
            let loaded = try await loadRecord(record, exportTo: nil)
            let report = RecordVerifier.verify(loaded, workers: workers.count)
            guard report.ok else {
                print(ResultPrinter.report(report))
                throw ExitCode(1)
            }
            guard let summary = report.result else {
                print("No result yet: the record is in phase '\(report.phase)'.")
                return
            }
            let manifest = try RecordCoding.decode(Manifest.self, from: loaded.manifestBytes)
            if csv {
                print(ResultsCSV.csv(summary, manifest: manifest), terminator: "")
                return
            }
            let results = try OfficialResults.build(record: loaded, manifest: manifest, report: report, language: lang)
            let text: String
            switch format {
            case .text: text = results.text
            case .html: text = results.html
            case .csv: text = results.csv
            case .json: text = String(decoding: try RecordCoding.encode(results, pretty: true), as: UTF8.self) + "\n"
            case .pdf:
                try Chromium.printToPDF(html: results.html, to: out!)
                print("Official results printed to \(out!).")
                return
            }
            if let out {
                do { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                    throw StepFailure("cannot write \(out): \(error.localizedDescription)")
                }
                print("Official results written to \(out).")
            } else {
                print(text, terminator: "")
            }
        }
    }
}

/// Reads a record from a directory, or downloads it from a board (optionally writing it to `exportTo`).
func loadRecord(_ record: String, exportTo: String?) async throws -> LoadedRecord {
    if let loc = ElectionLocation(url: record) {
        let downloaded = try await BoardClient(board: loc.board).record(loc.electionId)
        if let exportTo {
            do { try downloaded.write(to: RecordDirectory(path: exportTo)) } catch { throw StepFailure("\(exportTo): \(error)") }
        }
        return downloaded.loaded
    }
    if exportTo != nil { throw ValidationError("--out goes with a board URL") }
    let dir = RecordDirectory(path: record)
    guard FileManager.default.fileExists(atPath: dir.logURL.path) else {
        throw StepFailure("\(record) is not a record: no log.jsonl in it (or give a board URL http://HOST:PORT/elections/ID)")
    }
    do { return try LoadedRecord.load(dir) } catch { throw StepFailure("\(error)") }
}
