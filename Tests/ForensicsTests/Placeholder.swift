import Foundation
import Testing
@testable import Forensics

@Test func scratchBoth() throws {
    for (file, preset) in [("russia-2020-constitutional-vote.csv.gz", Preset.russia)] {
        let t0 = Date()
        let table = try StationTable.load(path: "../shared/data/forensics/\(file)", mapping: preset.mapping)
        var o = ForensicsOptions()
        o.pollShare = 0.2
        o.pollSize = 1600
        let r = ForensicsAnalysis.run(table, source: file, options: o, importSeconds: Date().timeIntervalSince(t0))
        print(r.summary.split(separator: "\n").map { "SCRATCH " + $0 }.joined(separator: "\n"))
    }
}
