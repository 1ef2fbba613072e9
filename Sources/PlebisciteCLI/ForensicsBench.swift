import ArgumentParser
import Forensics
import Foundation

extension PlebisciteCommand {
    /// `plebiscite bench forensics`: the whole analysis of a data set, timed per step.
    struct ForensicsBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forensics", abstract: "Time the whole forensic analysis (import included) and each test's share.")

        @Argument(help: "Results file.") var file = "../shared/data/forensics/russia-2020-constitutional-vote.csv.gz"
        @Option(help: "Column preset.") var preset: Preset = .russia
        @Option(help: "Monte Carlo draws.") var draws = 1000
        @Flag(help: "Print the figures as JSON.") var json = false
        @OptionGroup var workers: WorkerOptions

        struct Report: Codable {
            var file: String
            var stations: Int
            var draws: Int
            var workers: Int
            var totalSeconds: Double
            var steps: [ForensicsReport.Timing]
            var sharePercent: [String: Double]
        }

        func run() throws {
            BenchOutput.warnIfDebug("run `swift build -c release` for real figures")
            let start = Date()
            let table: StationTable
            do { table = try StationTable.load(path: file, mapping: preset.mapping) } catch { throw ValidationError("\(file): \(error)") }
            var options = ForensicsOptions()
            options.draws = draws
            options.workers = workers.count
            let r = ForensicsAnalysis.run(table, source: file, options: options, importSeconds: Date().timeIntervalSince(start))
            let total = Date().timeIntervalSince(start)
            let report = Report(
                file: file, stations: r.stations, draws: draws, workers: workers.count, totalSeconds: total, steps: r.timings,
                sharePercent: Dictionary(r.timings.map { ($0.step, $0.seconds / total * 100) }, uniquingKeysWith: +))
            if json {
                print(String(decoding: try JSONEncoder().encode(report), as: UTF8.self))
                return
            }
            print(
                String(
                    format: "Forensics of %@: %d stations, %d draws, %d threads: %.2f s in all", file, r.stations, draws, workers.count,
                    total))
            for t in r.timings {
                print(
                    "  " + t.step.padding(toLength: 36, withPad: " ", startingAt: 0)
                        + String(format: "%6.2f s  %5.1f%%", t.seconds, t.seconds / total * 100))
            }
        }
    }
}
