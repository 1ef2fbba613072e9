import Foundation

/// Settings of one forensic analysis.
public struct ForensicsOptions: Sendable {
    public var draws = 1000
    public var seed: UInt64 = 1
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    public var pollShare: Double?
    public var pollSize: Int?
    public var pollMargin: Double?
    public var pollDesignEffect = 1.0
    public var shpilkinWindow = 0.05
    /// Bootstrap replicates of the Klimek model fit (0: the point estimate alone).
    public var modelReplicates = 100

    public init() {}
}

/// Every figure of an analysis: pooled, per stratum, with timings. This is what `--json` prints.
public struct ForensicsReport: Codable, Sendable {
    public struct StratumSummary: Codable, Sendable {
        public var stratum: String
        public var stations: Int
        public var ballots: Int
        public var meanTurnout: Double
        public var leaderShare: Double
        public var correlation: Double
        public var cornerFraction: Double
        public var integer: IntegerPercentTest.StratumResult?
        public var shpilkinReferenceTurnout: Double?
        public var shpilkinReferenceShare: Double?
        public var shpilkinAnomalousVotes: Int?
        public var secondDigitP: Double?
        public var lastDigitP: Double?
        public var notes: [String]
    }

    public struct Timing: Codable, Sendable {
        public var step: String
        public var seconds: Double
    }

    public var source: String
    public var leader: String
    /// The columns taken for each role: registered (V), ballots (the turnout numerator B),
    /// counted (the share denominator C) and leader (L).
    public var roles: [RoleColumns]
    public var dataRows: Int
    public var stations: Int
    public var excludedRows: Int
    /// The first 1,000 excluded rows with their line and reason.
    public var excluded: [ExcludedRow]
    public var fingerprint: Fingerprint.Result
    /// The Klimek model fitted to the share histogram; nil with fewer than `KlimekModel.minimumStations`.
    public var model: KlimekModel.Result?
    public var integerPercentages: IntegerPercentTest.Result
    public var shpilkin: ShpilkinEstimate.Result?
    public var digits: [DigitTests.Result]
    public var poll: PollComparison.Result?
    public var strata: [StratumSummary]
    public var notes: [Note]
    public var timings: [Timing]
    public var totalSeconds: Double
}

public enum ForensicsAnalysis {
    /// Runs every test on the table, pooled and per stratum.
    public static func run(
        _ table: StationTable, source: String, options: ForensicsOptions, importSeconds: Double = 0,
        progress: (@Sendable () -> Void)? = nil
    ) -> ForensicsReport {
        var timings = [ForensicsReport.Timing(step: "import", seconds: importSeconds)]
        var clock = Date()
        func lap(_ step: String) {
            let now = Date()
            timings.append(.init(step: step, seconds: now.timeIntervalSince(clock)))
            clock = now
        }
        var notes = [ForensicsReport.Note]()
        let stations = table.stations
        let fingerprint = Fingerprint.run(stations)
        lap("fingerprint")
        let model = KlimekModel.run(stations, bootstrap: options.modelReplicates, seed: options.seed, workers: options.workers)
        if model == nil {
            notes.append(.modelNeedsStations)
        }
        lap("Klimek model (\(options.modelReplicates) replicates)")
        let integer = IntegerPercentTest.run(table, draws: options.draws, seed: options.seed, workers: options.workers, progress: progress)
        if integer.stationsTested < 100 {
            notes.append(.fewIntegerStations(integer.stationsTested))
        }
        lap("integer percentages (\(options.draws) draws)")
        let shpilkin = ShpilkinEstimate.run(stations, window: options.shpilkinWindow)
        if shpilkin == nil { notes.append(.shpilkinNeedsStations(have: stations.count)) }
        lap("Shpilkin estimate")
        var digits = [DigitTests.Result]()
        let leaderCounts = stations.map(\.leader), otherCounts = stations.map(\.others)
        let counted = stations.map(\.counted), shares = stations.map(\.share)
        let nulls = [
            DigitTests.BinomialNull(trials: counted, probabilities: shares),
            DigitTests.BinomialNull(trials: counted, probabilities: shares.map { 1 - $0 }),
        ]
        for ((values, name), null) in zip([(leaderCounts, "leader votes"), (otherCounts, "other votes")], nulls) {
            if let r = DigitTests.secondDigit(values, variable: name, seed: options.seed, null: null) {
                digits.append(r)
            } else {
                notes.append(.secondDigitNeedsCounts(variable: name))
            }
            if let r = DigitTests.lastDigit(values, variable: name, seed: options.seed, null: null) {
                digits.append(r)
            } else {
                notes.append(.lastDigitNeedsCounts(variable: name))
            }
        }
        lap("digit tests")
        var poll: PollComparison.Result?
        if let share = options.pollShare {
            poll = PollComparison.run(
                reportedShare: fingerprint.leaderShare, pollShare: share, size: options.pollSize, margin: options.pollMargin,
                designEffect: options.pollDesignEffect)
            if poll == nil { notes.append(.pollNeedsShare) }
        }
        // Per stratum: the same tests on each group's stations.
        var strata = [ForensicsReport.StratumSummary]()
        let integerByName = Dictionary(integer.strata.map { ($0.stratum, $0) }, uniquingKeysWith: { a, _ in a })
        for (c, column) in table.strataNames.enumerated() {
            let groups = Dictionary(grouping: stations) { c < $0.strata.count ? $0.strata[c] : "" }
            for (value, members) in groups.sorted(by: { $0.key < $1.key }) {
                let name = "\(column)=\(value)"
                let f = Fingerprint.run(members)
                let sh = ShpilkinEstimate.run(members, window: options.shpilkinWindow)
                let null = DigitTests.BinomialNull(trials: members.map(\.counted), probabilities: members.map(\.share))
                let d2 = DigitTests.secondDigit(members.map(\.leader), variable: "leader votes", seed: options.seed, null: null)
                let dl = DigitTests.lastDigit(members.map(\.leader), variable: "leader votes", seed: options.seed, null: null)
                var stratumNotes = [String]()
                if sh == nil { stratumNotes.append("Shpilkin: fewer than 200 stations") }
                if d2 == nil { stratumNotes.append("2BL: fewer than 50 counts >= 10") }
                if dl == nil { stratumNotes.append("last digit: fewer than 50 counts >= 100") }
                if members.count < 50 { stratumNotes.append("fingerprint: fewer than 50 stations") }
                strata.append(
                    .init(
                        stratum: name, stations: members.count, ballots: f.ballots, meanTurnout: f.meanTurnout, leaderShare: f.leaderShare,
                        correlation: f.correlation, cornerFraction: f.cornerFraction, integer: integerByName[name],
                        shpilkinReferenceTurnout: sh?.referenceTurnout, shpilkinReferenceShare: sh?.referenceShare,
                        shpilkinAnomalousVotes: sh?.anomalousVotes, secondDigitP: d2?.pValue, lastDigitP: dl?.pValue, notes: stratumNotes))
            }
        }
        lap("strata")
        return ForensicsReport(
            source: source, leader: table.leaderName, roles: table.roles, dataRows: table.dataRows, stations: stations.count,
            excludedRows: table.excluded.count, excluded: Array(table.excluded.prefix(1000)), fingerprint: fingerprint,
            model: model, integerPercentages: integer, shpilkin: shpilkin, digits: digits, poll: poll, strata: strata, notes: notes,
            timings: timings, totalSeconds: timings.reduce(0) { $0 + $1.seconds })
    }
}

extension ForensicsReport {
    /// The terminal summary: every test's figures, assumptions and verdict.
    public var summary: String {
        var s = "Election forensics: \(source)\n\(conclusion)\n\n"
        s += "  \(dataRows) data rows -> \(stations) stations analysed, \(excludedRows) rows excluded; leader: \(leader)\n"
        for r in roles {
            let cols = r.columns.map { $0.replacingOccurrences(of: "\n", with: " ") }
            s += "    \(r.role): \(cols.count > 1 ? "the sum of " : "")\(cols.joined(separator: " + "))\n"
        }
        for e in excluded.prefix(5) { s += "    excluded line \(e.line): \(e.reason)\n" }
        if excludedRows > 5 { s += "    ... \(excludedRows - 5) more (see --json)\n" }
        s += String(
            format: "  turnout %.2f%% (ballots over registered), leader share %.2f%% of counted ballots\n\n", fingerprint.meanTurnout * 100,
            fingerprint.leaderShare * 100)
        s += "1. Turnout/share fingerprint (Klimek et al. 2012)\n   \(fingerprint.verdict)\n"
        if let m = model {
            s += "   \(m.verdict)\n\n"
        } else {
            s += "   model fit: needs more data (at least \(KlimekModel.minimumStations) stations)\n\n"
        }
        let i = integerPercentages
        s += "2. Integer percentages (Kobak, Shpilkin & Pshenichnikov 2016), \(i.draws) binomial draws, seed \(i.seed)\n"
        if i.stationsTested >= IntegerPercentTest.minimumStations {
            s += String(
                format: "   %d of %d stations at whole percentages; null mean %.1f, sd %.1f; excess %.0f, z = %.1f, empirical p = %.4f\n",
                i.observed, i.stationsTested, i.nullMean, i.nullSD, i.excess, i.z, i.empiricalP)
        }
        s += "   \(i.verdict)\n\n"
        if let sh = shpilkin {
            s += "3. Shpilkin's anomalous-vote estimate\n   \(sh.verdict)\n\n"
        } else {
            s += "3. Shpilkin's anomalous-vote estimate: needs more data (at least 200 stations)\n\n"
        }
        s += "4. Digit tests" + (digits.isEmpty ? ": needs more data (at least 50 counts of 10 or more, and of 100 or more)\n" : "\n")
        for d in digits { s += "   \(d.verdict)\n" }
        if let p = poll { s += "\n5. Comparison with an independent poll\n   \(p.verdict)\n" }
        if !strata.isEmpty {
            let flagged = strataByAnomaly.filter(\.isFlagged)
            s += "\nStrata: \(strata.count); \(flagged.count) flagged (integer z > 3 or > 5% of ballots in the 90%/90% corner)"
            if flagged.count > 10 { s += ", the 10 most anomalous:" }
            for st in flagged.prefix(10) {
                s += String(
                    format: "\n   %@: %d stations, integer z = %.1f, corner %.1f%%", st.stratum, st.stations, st.integer?.z ?? 0,
                    st.cornerFraction * 100)
            }
            s += "\n"
        }
        for n in notes { s += "note: \(n.text(.en))\n" }
        s += "\nTime: " + timings.map { String(format: "%@ %.2fs", $0.step, $0.seconds) }.joined(separator: ", ")
        s += String(format: "; total %.2fs\n", totalSeconds)
        return s
    }
}
