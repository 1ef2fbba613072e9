import Foundation

extension ForensicsReport.StratumSummary {
    /// Flagged: whole-number percentages beyond chance (integer z > 3) or more than 5 % of its
    /// ballots from stations where both turnout and the leader's share exceed 90 %.
    public var isFlagged: Bool { (integer?.z ?? 0) > 3 || cornerFraction > 0.05 }

    /// Whether Shpilkin's reference lies where honest stations can be: a peak at 90 % turnout or
    /// more is itself in the anomalous zone, and the estimate against it means nothing.
    public var hasHonestReference: Bool { (shpilkinReferenceTurnout ?? 1) < 0.9 }

    /// Shpilkin's anomalous votes as a reader may take them: none when the estimate falls below
    /// the reference (a negative figure is the leader doing worse than the reference predicts),
    /// nil when there is no honest reference or too few stations.
    public var anomalousVotes: Int? { hasHonestReference ? shpilkinAnomalousVotes.map { max(0, $0) } : nil }
}

extension ForensicsReport {
    /// The strata from the most anomalous: flagged first, then by the share of ballots in the
    /// 90/90 corner, then by the integer-percentage z.
    public var strataByAnomaly: [StratumSummary] {
        strata.sorted { a, b in
            if a.isFlagged != b.isFlagged { return a.isFlagged }
            if a.cornerFraction != b.cornerFraction { return a.cornerFraction > b.cornerFraction }
            return (a.integer?.z ?? -.infinity) > (b.integer?.z ?? -.infinity)
        }
    }

    /// One paragraph a journalist can quote: what the tests found, with the main figures, and what
    /// such findings are and are not.
    public var conclusion: String {
        var found = [String]()
        var notFound = [String]()
        let i = integerPercentages
        if i.stationsTested >= IntegerPercentTest.minimumStations {
            if i.z > 3 {
                found.append(
                    String(
                        format: "%@ more stations than chance allows report whole-number percentages (z = %.1f)",
                        ShpilkinEstimate.grouped(Int(i.excess.rounded())), i.z))
            } else {
                notFound.append("an excess of whole-number percentages")
            }
        }
        if fingerprint.cornerFraction > 0.05 {
            found.append(
                String(
                    format: "%.1f%% of all ballots come from stations where both turnout and the leader's share exceed 90%%",
                    fingerprint.cornerFraction * 100))
        } else {
            notFound.append("a cluster of stations near 100% turnout and 100% for the leader")
        }
        if let m = model {
            if m.incrementalInterval.low > 0 {
                found.append(
                    String(
                        format: "the turnout and share distribution fits only with ballot stuffing at about %.0f%% of stations",
                        m.fit.incremental * 100))
            } else {
                notFound.append("stuffing in the fitted model")
            }
        }
        if let sh = shpilkin, sh.referenceTurnout < 0.9, sh.anomalousVotes > 0, sh.leaderVotes > 0 {
            found.append(
                String(
                    format: "Shpilkin's method counts about %@ of the leader's votes as anomalous (%.1f%%)",
                    ShpilkinEstimate.grouped(sh.anomalousVotes), Double(sh.anomalousVotes) * 100 / Double(sh.leaderVotes)))
        }
        let digitFailures = digits.filter { $0.pValue < 0.001 }
        if !digitFailures.isEmpty {
            found.append("digit tests reject honest counting for " + Set(digitFailures.map(\.variable)).sorted().joined(separator: " and "))
        }
        var s =
            found.isEmpty
            ? "Conclusion: none of the tests finds a statistical fingerprint of falsification in these \(ShpilkinEstimate.grouped(stations)) stations"
            : "Conclusion: these results carry statistical fingerprints of falsification: " + found.joined(separator: "; ")
        if !found.isEmpty && !notFound.isEmpty { s += ". Not found: " + notFound.joined(separator: ", ") }
        let flagged = strataByAnomaly.filter(\.isFlagged)
        if !flagged.isEmpty {
            s +=
                ". \(flagged.count) of \(strata.count) strata are flagged; the most anomalous: "
                + flagged.prefix(3).map {
                    String(
                        format: "%@ (turnout %.1f%%, leader %.1f%%, %.1f%% of ballots in the 90/90 corner)", $0.stratum,
                        $0.meanTurnout * 100, $0.leaderShare * 100, $0.cornerFraction * 100)
                }.joined(separator: ", ")
        }
        return s
            + ". These tests measure how unlikely the published figures are under honest counting; they do not show who changed what, and an unusual place may have reasons of its own."
    }
}
