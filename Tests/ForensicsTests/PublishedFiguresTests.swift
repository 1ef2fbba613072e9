import Foundation
import Testing

@testable import Forensics

/// The analyses of the two shared data sets, run once per test process (1,000 draws, seed 1).
enum SharedAnalyses {
    static let dataDir = "../shared/data/forensics"

    static let russiaResult = Result { () throws(ForensicsInputError) in try analyse("russia-2020-constitutional-vote.csv.gz", .russia) }
    static let canadaResult = Result { () throws(ForensicsInputError) in try analyse("canada-2011-federal.csv.gz", .canada) }
    static var russia: ForensicsReport { get throws { try russiaResult.get() } }
    static var canada: ForensicsReport { get throws { try canadaResult.get() } }

    static func analyse(_ file: String, _ preset: Preset) throws(ForensicsInputError) -> ForensicsReport {
        let table = try StationTable.load(path: "\(dataDir)/\(file)", mapping: preset.mapping)
        var options = ForensicsOptions()
        options.pollShare = 0.2
        options.pollSize = 1600
        return ForensicsAnalysis.run(table, source: file, options: options)
    }
}

@Suite("Published figures on the shared data")
struct PublishedFiguresTests {
    @Test("Russia 2020: integer-percentage excess within 150 of the published 3,611, null sd about 115, z about 31")
    func russiaIntegers() throws {
        let r = try SharedAnalyses.russia.integerPercentages
        #expect(r.draws == 1000)
        #expect(abs(r.excess - 3611) <= 150, "excess \(r.excess)")
        #expect(r.nullSD > 95 && r.nullSD < 135, "null sd \(r.nullSD)")
        #expect(r.z > 27 && r.z < 36, "z \(r.z)")
        #expect(r.empiricalP <= 1.0 / 1001 + 1e-12)
        #expect(r.stationsTested > 90_000)
    }

    @Test("Russia 2020: Shpilkin's reference peak near 42-43% turnout with 64-65% yes, anomalous votes above 20 million")
    func russiaShpilkin() throws {
        let s = try #require(try SharedAnalyses.russia.shpilkin)
        #expect(s.referenceTurnout > 0.415 && s.referenceTurnout < 0.435, "reference \(s.referenceTurnout)")
        #expect(s.referenceShare > 0.635 && s.referenceShare < 0.655, "share \(s.referenceShare)")
        #expect(s.anomalousVotes > 20_000_000)
        #expect(s.anomalousMin > 20_000_000 && s.anomalousMin <= s.anomalousVotes && s.anomalousVotes <= s.anomalousMax)
    }

    @Test("Russia 2020: the fingerprint is smeared towards 100%/100% and the official totals are reproduced")
    func russiaFingerprint() throws {
        let r = try SharedAnalyses.russia
        #expect(r.fingerprint.cornerFraction > 0.05)
        #expect(r.fingerprint.turnoutPeaks >= 2)
        #expect(r.fingerprint.correlation > 0.5)
        // Official: yes 57,747,288. The file holds the stations (no e-voting), so compare the yes total there.
        let table = try StationTable.load(
            path: "\(SharedAnalyses.dataDir)/russia-2020-constitutional-vote.csv.gz", mapping: Preset.russia.mapping)
        #expect(table.stations.reduce(0) { $0 + $1.leader } > 50_000_000)
        #expect(r.strata.count > 80)
        #expect(r.strata.contains { ($0.integer?.z ?? 0) > 10 })
        // What a journalist reads: a conclusion on top; strata from the most anomalous, every flagged one marked;
        // no negative anomalous votes, none against a reference that is itself at 90% turnout or more.
        #expect(r.conclusion.hasPrefix("Conclusion: these results carry statistical fingerprints of falsification"), "\(r.conclusion)")
        #expect(r.html.contains("id=\"conclusion\"") && r.summary.contains(r.conclusion))
        let ordered = r.strataByAnomaly
        let flagged = ordered.count(where: \.isFlagged)
        #expect(flagged > 10 && ordered.prefix(flagged).allSatisfy(\.isFlagged))
        #expect(r.html.components(separatedBy: "<tr class=\"flagged\">").count - 1 == flagged, "every flagged stratum is listed and marked")
        #expect(r.strata.allSatisfy { ($0.anomalousVotes ?? 0) >= 0 && ($0.hasHonestReference || $0.anomalousVotes == nil) })
        let chechnya = try #require(r.strata.first { $0.stratum == "region=Чеченская Республика" })
        #expect(chechnya.isFlagged && chechnya.anomalousVotes == nil, "at 99% turnout there is no honest reference")
        #expect(try #require(ordered.firstIndex { $0.stratum == chechnya.stratum }) < 10, "among the most anomalous")
        // The 2020 protocol has no valid-ballot row: the model reads the ballots in the boxes, and says so;
        // the report shows its profile over alpha, one row per alpha.
        let model = try #require(r.model)
        #expect(model.figures.contains("no valid-ballot figure") && model.profile.count == 15)
        #expect(r.html.contains("Best fit at each alpha") && r.html.components(separatedBy: "<tr><td>").count - 1 >= 15)
        // The report in Ukrainian and Russian: the same rows and flags, its own words, decimal commas, no English
        // sentence left (the data's own names, such as the stratum column, stay as the file gives them).
        let uk = ["Висновок: ці результати мають статистичні відбитки фальсифікації", "Криміналістика виборів", "За групами", "Тести цифр"]
        let ru = [
            "Вывод: эти результаты несут статистические отпечатки фальсификации", "Криминалистика выборов", "По группам", "Тесты цифр",
        ]
        for (language, words) in [(DocumentLanguage.uk, uk), (.ru, ru)] {
            let html = r.html(language)
            #expect(html.contains("<html lang=\"\(language.rawValue)\">") && words.allSatisfy(html.contains), "\(language)")
            #expect(html.components(separatedBy: "<tr class=\"flagged\">").count - 1 == flagged)
            #expect(r.conclusion(language).hasPrefix(words[0]) && html.contains(r.conclusion(language)))
            #expect(r.conclusion(language).range(of: #"\d,\d%"#, options: .regularExpression) != nil, "decimal commas")
            let text = html.replacingOccurrences(of: #"<style>.*?</style>|<[^>]+>"#, with: " ", options: .regularExpression)
            let english = [
                "Conclusion", "stations", "turnout", "Turnout", "Digit", "stratum", "ballots", "Best fit", "reference", "model",
                "whole", "Note", "Computed", "observed", "expected", "leader", "share", "draws", "distance", "Fair", "needs",
            ]
            #expect(english.filter { text.contains($0) }.isEmpty, "\(language): \(english.filter { text.contains($0) })")
        }
    }

    @Test("Canada 2011: no significant integer excess (z below 2.5) and one compact fingerprint")
    func canada() throws {
        let r = try SharedAnalyses.canada
        #expect(r.leader == "Conservative")
        #expect(r.integerPercentages.z < 2.5, "z \(r.integerPercentages.z)")
        #expect(abs(r.integerPercentages.excess) < 400)
        #expect(r.fingerprint.cornerFraction < 0.01)
        #expect(r.fingerprint.turnoutPeaks == 1)
        #expect(abs(r.fingerprint.correlation) < 0.3)
        #expect(r.excluded.allSatisfy { !$0.reason.isEmpty })
        #expect(r.strata.count == 13, "one stratum per province and territory")
        #expect(!r.conclusion.contains("more stations than chance allows") && !r.conclusion.contains("exceed 90%"), "\(r.conclusion)")
        // The Klimek model needs no stuffing for Canada.
        let model = try #require(try SharedAnalyses.canada.model)
        #expect(model.fit.incremental <= 0.05 && model.fit.extreme == 0, "\(model.verdict)")
        #expect(!model.atGridEdge.contains("alpha"), "alpha plays no part without stuffing")
    }

    @Test("The poll comparison puts a 78% reported share far outside a 20% poll of 1,600")
    func poll() throws {
        let p = try #require(try SharedAnalyses.russia.poll)
        #expect(p.z > 50)
        #expect(p.interval999[1] < 0.25)
        let near = try #require(PollComparison.run(reportedShare: 0.52, pollShare: 0.5, size: nil, margin: 0.03))
        #expect(near.pollSize == 1067)
        #expect(abs(near.z) < 2)
    }
}

@Suite("The russia preset on federal elections it was not written for")
struct RussianProtocolTests {
    /// Kobak's integer-percentage excess as published, for each station file of the shared data.
    static let published: [(file: String, leader: String, excess: Double)] = [
        ("russia-2012-presidential.csv.gz", "Путин Владимир Владимирович", 1_160),
        ("russia-2016-duma.csv.gz", "4. Всероссийская политическая партия \"ЕДИНАЯ РОССИЯ\"", 1_502),
        ("russia-2021-duma.csv.gz", "5. Всероссийская политическая партия \"ЕДИНАЯ РОССИЯ\"", 1_310),
    ]

    @Test(
        "Roles recognised by meaning; the integer-percentage excess within two null sd of the published figure",
        arguments: RussianProtocolTests.published.indices)
    func federal(_ i: Int) throws {
        let (file, leader, excess) = Self.published[i]
        let table = try StationTable.load(path: "\(SharedAnalyses.dataDir)/\(file)", mapping: Preset.russia.mapping)
        #expect(table.leaderName == leader, "the national winner leads")
        let roles = Dictionary(uniqueKeysWithValues: table.roles.map { ($0.role, $0.columns) })
        #expect(roles["registered"]?.count == 1 && roles["registered"]?[0].contains("в список избирателей") == true)
        #expect(
            roles["ballots"]?.count == 3 && roles["ballots"]!.allSatisfy { $0.contains("выданных") },
            "issued early, at and outside the station")
        #expect(roles["counted"]?.count == 2 && roles["counted"]!.allSatisfy { $0.contains("действительных") }, "valid plus invalid")
        #expect(table.stations.count > 95_000)
        let r = IntegerPercentTest.run(table, draws: 1_000, seed: 1, workers: ProcessInfo.processInfo.activeProcessorCount)
        #expect(r.nullSD > 100 && r.nullSD < 135, "null sd \(r.nullSD)")
        #expect(abs(r.excess - excess) <= 2 * r.nullSD, "\(file): excess \(r.excess), published \(excess), null sd \(r.nullSD)")
        // The Klimek model needs stuffing to explain every one of these files: a large f_i whose whole
        // interval is far from 0, and a distance to the observed histogram far below the fair model's.
        let model = try #require(KlimekModel.run(table.stations, bootstrap: 50, seed: 1, workers: 2))
        #expect(model.incrementalInterval.low > 0.3 && model.fit.incremental < 0.65, "\(file): \(model.verdict)")
        #expect(model.distance < model.fairDistance / 2, "\(file): \(model.verdict)")
        #expect(roles["valid"]?.count == 1 && model.figures.contains("valid ballots"), "the Klimek fit reads valid ballots, as its authors")
        if i == 0 {
            // 2012: Klimek et al. report alpha about 1.5, f_i about 0.39 and f_e about 0.021. The share histogram
            // hardly tells alpha apart (the profile is flat from 1.5 to 4, f_e rising with alpha), so the best
            // point is not theirs; at their alpha the fit gives their f_i and f_e, and that point explains
            // nearly all that the best one explains over the fair model.
            let atPublished = try #require(model.profile.first { $0.alpha == 1.5 })
            #expect(abs(atPublished.incremental - 0.39) <= 0.05 && abs(atPublished.extreme - 0.021) <= 0.01, "\(atPublished)")
            let explained = (model.fairDistance - atPublished.distance) / (model.fairDistance - model.distance)
            #expect(explained >= 0.98, "alpha 1.5 explains \(explained) of the best fit's gain")
            #expect(abs(model.fit.incremental - 0.39) <= 0.12 && model.plausibleAlphas.count >= 3, "\(model.verdict)")
            // Their alpha lies within the bootstrap's tolerance of the best distance: the data cannot tell it apart.
            #expect(model.plausibleAlphas.contains(1.5), "\(model.verdict)")
            #expect(model.verdict.contains("alpha is not told apart"))
        }
    }

    @Test(
        "Protocol rows worded as in 2007-2008 (plural lists), reordered or abbreviated are recognised by their stems",
        arguments: [
            [
                "Число избирателей, внесенных в списки избирателей",
                "Число избирательных бюллетеней, выданных избирателям, проголосовавшим досрочно",
                "Число избирательных бюллетеней, выданных избирателям в помещении для голосования",
                "Число избирательных бюллетеней, выданных избирателям вне помещения для голосования",
                "Число бюллетеней в стационарных ящиках", "Число недействительных избирательных бюллетеней",
                "Число действительных избирательных бюллетеней",
            ],
            [
                "Число внесенных в список избирателей", "Число выданных досрочно избирательных бюллетеней",
                "Число выданных в помещении бюллетеней", "Число выданных вне помещения бюллетеней", "Число бюллетеней в ящиках",
                "Число недействительных бюллетеней", "Число действительных бюллетеней",
            ],
            [
                "Чис. изб., внес. в списки", "Кол-во бюл., выд. досрочно", "Кол-во бюл., выд. в помещении",
                "Кол-во бюл., выд. вне помещения",
                "Кол-во бюл. в стац. ящиках", "Кол-во недейств. бюл.", "Кол-во действ. бюл.",
            ],
        ])
    func wordings(_ rows: [String]) throws {
        let header = (["region", "tik", "uik"] + rows + ["Единая Россия", "КПРФ"]).map { "\"\($0)\"" }.joined(separator: ",")
        let table = try StationTable.parse(
            Array((header + "\nr,t,1,1000,100,400,50,540,10,540,300,240\nr,t,2,800,0,500,0,500,0,500,450,50\n").utf8),
            mapping: Preset.russia.mapping)
        let roles = Dictionary(uniqueKeysWithValues: table.roles.map { ($0.role, $0.columns) })
        #expect(roles["registered"] == [rows[0]])
        #expect(roles["ballots"] == Array(rows[1...3]), "issued early, inside and outside")
        #expect(roles["counted"] == [rows[6], rows[5]] || roles["counted"] == [rows[5], rows[6]], "valid plus invalid")
        #expect(table.leaderName == "Единая Россия" && table.stations.map(\.registered) == [1000, 800])
        #expect(table.stations.map(\.ballots) == [550, 500] && table.stations.map(\.counted) == [550, 500])
    }

    @Test("Without the valid-ballot row (the 2020 vote), the ballots in the boxes serve both; a file with no roles says which")
    func fallbacksAndRefusals() throws {
        let header =
            "region,tik,uik,\"Число участников голосования, включенных в список\",\"Число бюллетеней, содержащихся в ящиках\",Число недействительных бюллетеней,ДА,НЕТ\n"
        let table = try StationTable.parse(
            Array((header + "r,t,1,1000,600,5,400,195\nr,t,2,900,500,0,100,400\n").utf8), mapping: Preset.russia.mapping)
        #expect(
            table.roles.map(\.columns) == [
                ["Число участников голосования, включенных в список"], ["Число бюллетеней, содержащихся в ящиках"],
                ["Число бюллетеней, содержащихся в ящиках"], ["НЕТ"],
            ])
        #expect(table.leaderName == "НЕТ", "595 votes against 500: the national winner is НЕТ")
        #expect { try StationTable.parse(Array("region,uik,a,b\nr,1,2,3\n".utf8), mapping: Preset.russia.mapping) } throws: { e in
            guard case .unrecognized(let roles, let available) = e as? ForensicsInputError else { return false }
            return roles.count == 3 && roles[0].contains("registered") && available == ["region", "uik", "a", "b"]
        }
        // A role given as a sum in a mapping file; a non-numeric column in the sum names the column and line.
        let mapping = try JSONDecoder().decode(
            ColumnMapping.self, from: Data(#"{"registered": "V", "ballots": ["B1", "B2"], "counted": ["C"], "leader": "L"}"#.utf8))
        #expect(mapping.ballots == ["B1", "B2"] && mapping.counted == ["C"] && mapping.leader == ["L"])
        let summed = try StationTable.parse(Array("V,B1,B2,C,L\n200,50,60,100,40\n200,x,60,100,40\n".utf8), mapping: mapping)
        #expect(summed.stations.map(\.ballots) == [110] && summed.stations.map(\.counted) == [100])
        #expect(summed.excluded.first?.reason == "'B1' is not a whole number: 'x'" && summed.excluded.first?.line == 3)
        #expect(throws: (any Error).self) {
            _ = try JSONDecoder().decode(ColumnMapping.self, from: Data(#"{"registered": "V", "ballots": [], "leader": "L"}"#.utf8))
        }
        // Valid ballots, optional: kept per station for the Klimek model; a leader above them is excluded by name.
        let withValid = try JSONDecoder().decode(
            ColumnMapping.self, from: Data(#"{"registered": "V", "ballots": "B", "counted": ["W", "I"], "valid": "W", "leader": "L"}"#.utf8)
        )
        let validTable = try StationTable.parse(
            Array("V,B,W,I,L\n200,110,100,5,40\n200,110,30,5,35\n200,110,z,5,10\n".utf8), mapping: withValid)
        #expect(validTable.stations.map(\.valid) == [100] && validTable.stations.map(\.counted) == [105])
        #expect(validTable.roles.last == RoleColumns(role: "valid", columns: ["W"]))
        #expect(validTable.excluded.map(\.line) == [3, 4])
        #expect(validTable.excluded.map(\.reason) == ["leader votes 35 exceed valid ballots 30", "'W' is not a whole number: 'z'"])
        let figures = KlimekModel.figures(validTable.stations)
        #expect(figures.turnout == [0.5] && figures.share == [0.4] && figures.description.contains("valid ballots"))
        #expect(KlimekModel.figures(summed.stations).description.contains("no valid-ballot figure"))
    }
}

@Suite("Digit tests that hold on honest data")
struct DigitCorrectionTests {
    @Test("Canada 2011: against each station's own binomial no digit test flags it, and the output says so; Benford and uniform did")
    func canadaHonest() throws {
        let report = try SharedAnalyses.canada
        #expect(report.digits.count == 4)
        for d in report.digits {
            #expect(d.pValue > 0.01, "\(d.test) of \(d.variable): p = \(d.pValue)")
            #expect(d.test.contains("binomial null") && d.assumptions.contains("Corrected for count size"))
        }
        #expect(report.summary.contains("against a binomial null"))
        // The uncorrected tests on the same counts: small counts break Benford and the uniform last digit.
        let table = try StationTable.load(path: "\(SharedAnalyses.dataDir)/canada-2011-federal.csv.gz", mapping: Preset.canada.mapping)
        let leader = table.stations.map(\.leader), others = table.stations.map(\.others)
        let uncorrected = [
            DigitTests.secondDigit(leader, variable: "leader", seed: 1), DigitTests.lastDigit(leader, variable: "leader", seed: 1),
            DigitTests.secondDigit(others, variable: "others", seed: 1), DigitTests.lastDigit(others, variable: "others", seed: 1),
        ].compactMap { $0?.pValue }
        #expect(uncorrected.min()! < 0.001, "the uncorrected tests flag honest Canada: \(uncorrected)")
    }

    @Test("The binomial null reproduces digits of honest counts and flags invented ones")
    func nullOnSynthetic() {
        var rng = Xoshiro256(seed: 9, stream: 1)
        let n = (0..<4000).map { _ in 60 + Int(rng.next() % 900) }
        let p = n.map { _ in 0.3 + Double(rng.next() % 400) / 1000 }
        let honest = zip(n, p).map { Binomial.sample(n: $0, p: $1, using: &rng) }
        let null = DigitTests.BinomialNull(trials: n, probabilities: p)
        #expect((DigitTests.lastDigit(honest, variable: "x", seed: 2, null: null)?.pValue ?? 0) > 0.001)
        // Invented: every count rounded to end in 0 or 5.
        let invented = honest.map { $0 - $0 % 5 }
        #expect((DigitTests.lastDigit(invented, variable: "x", seed: 2, null: null)?.pValue ?? 1) < 1e-10)
    }
}
