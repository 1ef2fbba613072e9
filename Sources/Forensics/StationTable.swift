import Foundation

/// One polling station's (or precinct's) figures, as the tests use them.
public struct Station: Sendable, Equatable {
    /// Line of the input where the station's (first) row is.
    public var line: Int
    public var id: String
    /// Registered voters V.
    public var registered: Int
    /// Ballots cast (found in the boxes) B: the turnout numerator and the share denominator.
    public var ballots: Int
    /// Votes for the leader L.
    public var leader: Int
    /// Stratum values, one per stratum column (region, channel, day...).
    public var strata: [String]

    public init(line: Int, id: String, registered: Int, ballots: Int, leader: Int, strata: [String] = []) {
        self.line = line
        self.id = id
        self.registered = registered
        self.ballots = ballots
        self.leader = leader
        self.strata = strata
    }

    public var turnout: Double { registered > 0 ? Double(ballots) / Double(registered) : 0 }
    public var share: Double { ballots > 0 ? Double(leader) / Double(ballots) : 0 }
    public var others: Int { ballots - leader }
}

/// A row left out of the analysis and why.
public struct ExcludedRow: Sendable, Equatable, Codable {
    public var line: Int
    public var reason: String
}

/// Which columns hold what: for wide files (one row a station).
public struct ColumnMapping: Sendable, Codable, Equatable {
    public var registered: String
    public var ballots: String
    public var leader: String
    public var id: [String]?
    public var strata: [String]?
    /// "," ";" or "\t"; guessed from the header when absent.
    public var delimiter: String?
    /// Long format: rows are (station, candidate); `candidate` names the column that says whose votes `leader` counts.
    public var candidate: String?
    /// Long format: which candidate is the leader; the national winner when absent.
    public var leaderName: String?
    /// Rows whose `statusColumn` is not `statusOK` are excluded (merged or void polls).
    public var statusColumn: String?
    public var statusOK: String?

    public init(
        registered: String, ballots: String, leader: String, id: [String]? = nil, strata: [String]? = nil,
        delimiter: String? = nil, candidate: String? = nil, leaderName: String? = nil, statusColumn: String? = nil,
        statusOK: String? = nil
    ) {
        self.registered = registered
        self.ballots = ballots
        self.leader = leader
        self.id = id
        self.strata = strata
        self.delimiter = delimiter
        self.candidate = candidate
        self.leaderName = leaderName
        self.statusColumn = statusColumn
        self.statusOK = statusOK
    }
}

/// Built-in mappings for known data sets.
public enum Preset: String, CaseIterable, Sendable {
    /// Russian commission protocols (Shpilkin's collection): one row a station.
    case russia
    /// Elections Canada poll-by-poll results, long format; leader = the national winner.
    case canada
    /// Plebiscite's own precinct results (`plebiscite results RECORD --csv`).
    case plebiscite

    public var mapping: ColumnMapping {
        switch self {
        case .russia:
            ColumnMapping(
                registered: "Число участников голосования, включенных в список",
                ballots: "Число бюллетеней, содержащихся в ящиках", leader: "ДА", id: ["region", "tik", "uik"],
                strata: ["region"])
        case .canada:
            ColumnMapping(
                registered: "electors", ballots: "total_votes", leader: "votes", id: ["district_number", "poll_number"],
                strata: ["province"], candidate: "party", statusColumn: "status", statusOK: "ok")
        case .plebiscite:
            ColumnMapping(
                registered: "registered", ballots: "ballots", leader: "yes", id: ["precinct"], strata: ["region"])
        }
    }
}

/// The stations of a data set, the rows excluded, and the strata names.
public struct StationTable: Sendable {
    public var stations: [Station]
    public var excluded: [ExcludedRow]
    public var strataNames: [String]
    public var leaderName: String
    public var dataRows: Int

    public init(
        stations: [Station], excluded: [ExcludedRow] = [], strataNames: [String] = [], leaderName: String = "leader", dataRows: Int? = nil
    ) {
        self.stations = stations
        self.excluded = excluded
        self.strataNames = strataNames
        self.leaderName = leaderName
        self.dataRows = dataRows ?? stations.count
    }

    /// Reads a CSV (plain or gzip) with a mapping.
    public static func load(path: String, mapping: ColumnMapping) throws(ForensicsInputError) -> StationTable {
        try parse(InputBytes.read(path: path), mapping: mapping)
    }

    public static func parse(_ raw: [UInt8], mapping: ColumnMapping) throws(ForensicsInputError) -> StationTable {
        let bytes = try InputBytes.decode(raw)
        var delimiter: UInt8?
        if let d = mapping.delimiter {
            guard d.utf8.count == 1 || d == "\\t" else { throw .badMapping("the delimiter must be one character") }
            delimiter = d == "\\t" ? 9 : d.utf8.first
        }
        let table = try CSVTable.parse(bytes, delimiter: delimiter)
        guard !table.rows.isEmpty else { throw .empty }
        // Canada's province is derived from the district number (its first two digits).
        let derivedProvince = mapping.strata?.contains("province") == true && table.column("province") == nil
        var wanted = [mapping.registered, mapping.ballots, mapping.leader] + (mapping.id ?? [])
        wanted += (mapping.strata ?? []).filter { !($0 == "province" && derivedProvince) }
        if let c = mapping.candidate { wanted.append(c) }
        if let s = mapping.statusColumn { wanted.append(s) }
        if derivedProvince { wanted.append("district_number") }
        var seenNames = Set<String>()
        let missing = wanted.filter { table.column($0) == nil && seenNames.insert($0).inserted }
        guard missing.isEmpty else { throw .missingColumns(missing, available: table.header) }
        let col = { (name: String) in table.column(name)! }
        let iV = col(mapping.registered), iB = col(mapping.ballots), iL = col(mapping.leader)
        let idCols = (mapping.id ?? []).map(col)
        let strataNames = mapping.strata ?? []
        var excluded = [ExcludedRow]()

        func integer(_ row: [Substring], _ i: Int, _ name: String, line: Int) -> Int? {
            guard i < row.count else {
                excluded.append(ExcludedRow(line: line, reason: "missing field '\(name)'"))
                return nil
            }
            let text = row[i].trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else {
                excluded.append(ExcludedRow(line: line, reason: "empty '\(name)'"))
                return nil
            }
            guard let v = Int(text) else {
                excluded.append(ExcludedRow(line: line, reason: "'\(name)' is not a whole number: '\(text.prefix(30))'"))
                return nil
            }
            guard v >= 0 else {
                excluded.append(ExcludedRow(line: line, reason: "negative '\(name)': \(v)"))
                return nil
            }
            guard v <= 1_000_000_000 else {
                excluded.append(ExcludedRow(line: line, reason: "'\(name)' is implausibly large: \(v)"))
                return nil
            }
            return v
        }
        func stratum(_ row: [Substring], _ name: String) -> String {
            if name == "province" && derivedProvince {
                let d = table.column("district_number").flatMap { $0 < row.count ? String(row[$0].prefix(2)) : nil } ?? ""
                return Self.canadianProvinces[d] ?? d
            }
            guard let i = table.column(name), i < row.count else { return "" }
            return String(row[i])
        }

        var stations = [Station]()
        var leaderName = mapping.leader
        if let candidateColumn = mapping.candidate {
            // Long format: one row per (station, candidate); the station's ballots and electors repeat.
            let iC = col(candidateColumn)
            let iS = mapping.statusColumn.map(col)
            var usable = [(row: [Substring], line: Int)]()
            for (row, line) in zip(table.rows, table.lines) {
                if let iS, let ok = mapping.statusOK {
                    let status = iS < row.count ? String(row[iS]) : ""
                    if status != ok {
                        excluded.append(ExcludedRow(line: line, reason: "status '\(status.prefix(40))'"))
                        continue
                    }
                }
                usable.append((row, line))
            }
            var totals = [String: Int]()
            for (row, _) in usable where iC < row.count && iL < row.count {
                totals[String(row[iC]), default: 0] += Int(row[iL].trimmingCharacters(in: .whitespaces)) ?? 0
            }
            leaderName = mapping.leaderName ?? totals.max { $0.value < $1.value }?.key ?? ""
            var order = [String]()
            var groups = [String: (registered: Int, ballots: Int, leader: Int, line: Int, strata: [String], bad: Bool)]()
            for (row, line) in usable {
                let key = idCols.map { $0 < row.count ? String(row[$0]) : "" }.joined(separator: "/")
                guard let v = integer(row, iV, mapping.registered, line: line), let b = integer(row, iB, mapping.ballots, line: line),
                    let votes = integer(row, iL, mapping.leader, line: line)
                else {
                    if groups[key] == nil { order.append(key) }
                    groups[key, default: (0, 0, 0, line, [], false)].bad = true
                    continue
                }
                if groups[key] == nil {
                    order.append(key)
                    groups[key] = (v, b, 0, line, strataNames.map { stratum(row, $0) }, false)
                }
                if iC < row.count, String(row[iC]) == leaderName { groups[key]!.leader += votes }
            }
            for key in order {
                let g = groups[key]!
                if g.bad { continue }
                stations.append(
                    Station(line: g.line, id: key, registered: g.registered, ballots: g.ballots, leader: g.leader, strata: g.strata))
            }
        } else {
            for (row, line) in zip(table.rows, table.lines) {
                guard let v = integer(row, iV, mapping.registered, line: line), let b = integer(row, iB, mapping.ballots, line: line),
                    let l = integer(row, iL, mapping.leader, line: line)
                else { continue }
                let id = idCols.isEmpty ? "line \(line)" : idCols.map { $0 < row.count ? String(row[$0]) : "" }.joined(separator: "/")
                stations.append(
                    Station(line: line, id: id, registered: v, ballots: b, leader: l, strata: strataNames.map { stratum(row, $0) }))
            }
        }
        // Impossible values: reported and excluded.
        var kept = [Station]()
        kept.reserveCapacity(stations.count)
        for s in stations {
            if s.ballots > s.registered {
                excluded.append(ExcludedRow(line: s.line, reason: "ballots \(s.ballots) exceed registered voters \(s.registered)"))
            } else if s.leader > s.ballots {
                excluded.append(ExcludedRow(line: s.line, reason: "leader votes \(s.leader) exceed ballots \(s.ballots)"))
            } else if s.registered == 0 {
                excluded.append(ExcludedRow(line: s.line, reason: "no registered voters"))
            } else {
                kept.append(s)
            }
        }
        guard !kept.isEmpty else { throw .noUsableRows(excluded: table.rows.count) }
        excluded.sort { $0.line < $1.line }
        return StationTable(
            stations: kept, excluded: excluded, strataNames: strataNames, leaderName: leaderName, dataRows: table.rows.count)
    }

    static let canadianProvinces: [String: String] = [
        "10": "Newfoundland and Labrador", "11": "Prince Edward Island", "12": "Nova Scotia", "13": "New Brunswick",
        "24": "Quebec", "35": "Ontario", "46": "Manitoba", "47": "Saskatchewan", "48": "Alberta", "59": "British Columbia",
        "60": "Yukon", "61": "Northwest Territories", "62": "Nunavut",
    ]
}
