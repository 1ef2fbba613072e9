import ArgumentParser
import ElectionRecord
import ElectionVerifier
import Foundation

extension PlebisciteCommand {
    /// `plebiscite verify RECORD`: check a whole record; exit 0 only if every check passes.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an election record: every check of docs/PROTOCOL.md section 7.",
            discussion: "Exits 0 only when every applicable check passes; 1 when any fails; 2 when the record cannot be read.")

        @Argument(help: "The record directory (holding manifest.json and log.jsonl).") var record: String
        @Flag(help: "Print the full report as JSON.") var json = false
        @Flag(help: "List every check, not only failed ones.") var verbose = false
        @OptionGroup var workers: WorkerOptions

        func run() throws {
            let dir = RecordDirectory(path: record)
            guard FileManager.default.fileExists(atPath: dir.logURL.path) else {
                throw ValidationError("\(record) is not a record: no log.jsonl in it")
            }
            let report = RecordVerifier.verify(directory: dir, workers: workers.count)
            if json {
                print(String(decoding: try RecordCoding.encode(report, pretty: true), as: UTF8.self))
            } else {
                if let summary = report.result, let data = try? Data(contentsOf: dir.manifestURL),
                    let manifest = try? RecordCoding.decode(Manifest.self, from: Array(data))
                {
                    print(ResultPrinter.results(summary, manifest: manifest))
                }
                print(ResultPrinter.report(report, verbose: verbose))
            }
            if !report.ok { throw ExitCode(1) }
        }
    }

    /// `plebiscite results RECORD`: print the verified results.
    struct Results: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a record and print its results per region, channel and total.")

        @Argument(help: "The record directory.") var record: String
        @Flag(help: "Print precinct rows as CSV (the input of `plebiscite forensics --preset plebiscite`).") var csv = false
        @OptionGroup var workers: WorkerOptions

        func run() throws {
            let dir = RecordDirectory(path: record)
            let report = RecordVerifier.verify(directory: dir, workers: workers.count)
            guard report.ok else {
                print(ResultPrinter.report(report))
                throw ExitCode(1)
            }
            guard let summary = report.result else {
                print("No result yet: the record is in phase '\(report.phase)'.")
                return
            }
            let manifest = try RecordCoding.decode(Manifest.self, from: Array(try Data(contentsOf: dir.manifestURL)))
            if csv {
                print(ResultsCSV.csv(summary, manifest: manifest), terminator: "")
            } else {
                print(ResultPrinter.results(summary, manifest: manifest))
            }
        }
    }
}
