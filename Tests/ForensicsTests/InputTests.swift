import Foundation
import Testing
import ZIPFoundation

@testable import Forensics

@Suite("Bad input gets clear errors, never a crash or a silent NaN")
struct InputTests {
    let mapping = ColumnMapping(registered: "V", ballots: "B", leader: "L", id: ["id"], strata: ["region"])

    @Test("Counts too large to be votes never overflow the totals that choose a leader (fuzzing finding, long and wide tables)")
    func hugeCountsDoNotOverflow() throws {
        let big = String(Int.max)
        let long = "id,cand,V,B,L\n1,A,100,50,\(big)\n2,A,100,50,\(big)\n3,A,100,60,30\n3,B,100,60,20\n"
        let table = try StationTable.parse(
            Array(long.utf8), mapping: ColumnMapping(registered: ["V"], ballots: ["B"], leader: ["L"], id: ["id"], candidate: "cand"))
        #expect(table.leaderName == "A")
        #expect(table.stations.map(\.id) == ["3"] && table.stations.first?.leader == 30)
        #expect(table.excluded.filter { $0.reason.contains("implausibly large") }.count == 2)
        // The recognised (wide) table's leader: the huge column counts as nothing.
        let wide = try CSVTable.parse(Array("A,B\n\(big),1\n\(big),1\n".utf8))
        #expect(try RussianProtocol.leader(among: ["A", "B"], named: nil, table: wide) == "B")
    }

    func parse(_ text: String, _ m: ColumnMapping? = nil) throws(ForensicsInputError) -> StationTable {
        try StationTable.parse(Array(text.utf8), mapping: m ?? mapping)
    }

    @Test("Empty files and header-only files")
    func empty() {
        #expect(throws: ForensicsInputError.empty) { try parse("") }
        #expect(throws: ForensicsInputError.empty) { try parse("id,region,V,B,L\n") }
    }

    @Test("A wrong delimiter or a mapping that names no column says which columns exist")
    func missingColumns() {
        #expect {
            try parse("id;region;V;B;L\n1;a;100;50;20\n", ColumnMapping(registered: "V", ballots: "B", leader: "L", delimiter: ","))
        } throws: { e in
            guard case .missingColumns(let cols, let available)? = e as? ForensicsInputError else { return false }
            return cols == ["registered: 'V'", "ballots: 'B'", "leader: 'L'"] && available == ["id;region;V;B;L"]
        }
        #expect { try parse("id,region,V,B,L\n1,a,100,50,20\n", ColumnMapping(registered: "voters", ballots: "B", leader: "L")) } throws: {
            e in
            guard case .missingColumns(let cols, _)? = e as? ForensicsInputError else { return false }
            return cols == ["registered: 'voters'"]
        }
        // The right delimiter is guessed from the header.
        #expect((try? parse("id;region;V;B;L\n1;a;100;50;20\n"))?.stations.count == 1)
    }

    @Test("Text that is not UTF-8 is refused with its line")
    func encoding() {
        var bytes = Array("id,region,V,B,L\n1,a,100,50,20\n2,".utf8)
        bytes += [0xC9, 0x74, 0xE9]  // Latin-1 "Été"
        bytes += Array(",100,50,20\n".utf8)
        #expect(throws: ForensicsInputError.notUTF8(line: 3)) { try StationTable.parse(bytes, mapping: mapping) }
    }

    @Test("Impossible, missing, negative, non-numeric and huge values are excluded with their line")
    func badRows() throws {
        let csv = """
            id,region,V,B,L
            1,a,100,50,20
            2,a,100,150,20
            3,a,100,50,60
            4,a,,50,20
            5,a,-100,50,20
            6,a,1e3,50,20
            7,a,99999999999999999999,50,20
            8,a,100,50
            9,"quoted, region",200,100,40
            """
        let t = try parse(csv)
        #expect(t.stations.map(\.id) == ["1", "9"])
        #expect(t.stations[1].strata == ["quoted, region"])
        let reasons = Dictionary(uniqueKeysWithValues: t.excluded.map { ($0.line, $0.reason) })
        #expect(reasons[3]?.contains("exceed registered") == true)
        #expect(reasons[4]?.contains("leader votes 60 exceed counted ballots 50") == true)
        #expect(reasons[5]?.contains("empty 'V'") == true)
        #expect(reasons[6]?.contains("negative") == true)
        #expect(reasons[7]?.contains("not a whole number") == true)
        #expect(reasons[8]?.contains("not a whole number") == true)
        #expect(reasons[9]?.contains("missing field 'L'") == true)
    }

    @Test("Only bad rows: a clear error")
    func noUsableRows() {
        #expect(throws: ForensicsInputError.noUsableRows(excluded: 2)) { try parse("id,region,V,B,L\n1,a,10,20,5\n2,a,x,1,1\n") }
    }

    @Test("A corrupt gzip file is named as such")
    func corruptGzip() throws {
        #expect(throws: ForensicsInputError.corruptGzip) { try StationTable.parse([0x1f, 0x8b, 8, 0, 1, 2, 3, 4], mapping: mapping) }
        // A real gzip file cut short.
        let whole = Array(try Data(contentsOf: URL(fileURLWithPath: "\(SharedAnalyses.dataDir)/canada-2011-federal.csv.gz")))
        #expect(throws: ForensicsInputError.corruptGzip) { try StationTable.parse(Array(whole.prefix(whole.count / 2)), mapping: mapping) }
    }

    @Test("A single station: every test says it needs more data, and no figure is NaN")
    func singleStation() throws {
        let t = try parse("id,region,V,B,L\n1,a,1000,600,300\n")
        let r = ForensicsAnalysis.run(
            t, source: "one",
            options: {
                var o = ForensicsOptions(); o.draws = 20; return o
            }())
        #expect(r.shpilkin == nil)
        #expect(r.digits.isEmpty)
        #expect(r.notes.count >= 4)
        #expect(r.fingerprint.verdict.contains("too few stations"))
        #expect(r.integerPercentages.verdict.contains("needs more data: 1 stations qualify"))
        // No conclusion where there is no data: no "no significant excess" and no empty heading.
        #expect(!r.summary.contains("no significant") && !r.summary.contains("0 of 0 stations"))
        #expect(r.summary.contains("4. Digit tests: needs more data") && r.html.contains("Needs more data: at least 50 counts"))
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        #expect(!json.contains("NaN") && !json.contains("nan"))
        #expect(!r.summary.contains("nan"))
    }
}

@Suite("Zip archives read directly")
struct ZipInputTests {
    /// A zip archive (deflated) holding `files`, in memory.
    static func zip(_ files: [(String, [UInt8])]) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, bytes) in files {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) {
                position, size in
                Data(bytes[Int(position)..<Int(position) + size])
            }
        }
        return Array(try #require(archive.data))
    }

    @Test("A national file zipped reads as the same stations as its .csv.gz; several, none or damaged say so")
    func zipped() throws {
        let gz = try Data(contentsOf: URL(fileURLWithPath: "\(SharedAnalyses.dataDir)/russia-2020-constitutional-vote.csv.gz"))
        let csv = try InputBytes.decode(Array(gz))
        let fromGz = try StationTable.parse(Array(gz), mapping: Preset.russia.mapping)
        let fromZip = try StationTable.parse(try Self.zip([("data/russia-2020.csv", csv)]), mapping: Preset.russia.mapping)
        #expect(fromZip.stations == fromGz.stations && fromZip.stations.count > 96_000)
        // A gzipped CSV inside the archive is read too.
        let nested = try StationTable.parse(try Self.zip([("russia-2020.csv.gz", Array(gz))]), mapping: Preset.russia.mapping)
        #expect(nested.stations.count == fromGz.stations.count)
        let small = Array("id,V,B,L\n1,100,50,20\n".utf8)
        #expect(throws: ForensicsInputError.zipContents(["a.csv", "b.csv"])) {
            _ = try InputBytes.decode(try Self.zip([("a.csv", small), ("b.csv", small), ("readme.txt", small)]))
        }
        #expect(throws: ForensicsInputError.zipContents([])) { _ = try InputBytes.decode(try Self.zip([("readme.txt", small)])) }
        let whole = try Self.zip([("a.csv", Array(repeating: UInt8(ascii: "1"), count: 10_000))])
        #expect { _ = try InputBytes.decode(Array(whole.prefix(whole.count / 2))) } throws: { e in
            if case .corruptZip = e as? ForensicsInputError { return true }
            return false
        }
    }
}
