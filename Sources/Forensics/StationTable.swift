import Foundation

/// One polling station's (or precinct's) figures, as the tests use them.
public struct Station: Sendable, Equatable {
    /// Line of the input where the station's (first) row is.
    public var line: Int
    public var id: String
    /// Registered voters V.
    public var registered: Int
    /// Ballots cast B (issued to voters, or found in the boxes): the turnout numerator.
    public var ballots: Int
    /// Ballots counted C (valid plus invalid, or found in the boxes): the share denominator.
    public var counted: Int
    /// Votes for the leader L.
    public var leader: Int
    /// Valid ballots, when the file has that row: the Klimek model's turnout numerator and share
    /// denominator, as in the authors' code.
    public var valid: Int?
    /// Stratum values, one per stratum column (region, channel, day...).
    public var strata: [String]

    public init(
        line: Int, id: String, registered: Int, ballots: Int, counted: Int? = nil, leader: Int, valid: Int? = nil,
        strata: [String] = []
    ) {
        self.line = line
        self.id = id
        self.registered = registered
        self.ballots = ballots
        self.counted = counted ?? ballots
        self.leader = leader
        self.valid = valid
        self.strata = strata
    }

    /// B / V.
    public var turnout: Double { registered > 0 ? Double(ballots) / Double(registered) : 0 }
    /// L / C.
    public var share: Double { counted > 0 ? Double(leader) / Double(counted) : 0 }
    /// C - L.
    public var others: Int { counted - leader }
}

/// The columns a role was read from (added up when several).
public struct RoleColumns: Sendable, Equatable, Codable {
    public var role: String
    public var columns: [String]
}

/// A row left out of the analysis and why.
public struct ExcludedRow: Sendable, Equatable, Codable {
    public var line: Int
    public var reason: String
}

/// Which columns hold what: for wide files (one row a station). A role is one column or the sum
/// of several (in a mapping file, a string or an array of strings).
public struct ColumnMapping: Sendable, Codable, Equatable {
    public var registered: [String]
    /// The turnout numerator (ballots issued or cast).
    public var ballots: [String]
    /// The share denominator (valid plus invalid ballots); the ballots when absent.
    public var counted: [String]?
    public var leader: [String]
    /// Valid ballots, if the file has them (the Klimek model's figures); optional.
    public var valid: [String]?
    /// Recognise the roles from the header by their meaning (`russianProtocol`), instead of by name.
    public var recognize: String?
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
        registered: [String], ballots: [String], counted: [String]? = nil, leader: [String], valid: [String]? = nil, id: [String]? = nil,
        strata: [String]? = nil,
        delimiter: String? = nil, candidate: String? = nil, leaderName: String? = nil, statusColumn: String? = nil,
        statusOK: String? = nil, recognize: String? = nil
    ) {
        self.registered = registered
        self.valid = valid
        self.ballots = ballots
        self.counted = counted
        self.leader = leader
        self.recognize = recognize
        self.id = id
        self.strata = strata
        self.delimiter = delimiter
        self.candidate = candidate
        self.leaderName = leaderName
        self.statusColumn = statusColumn
        self.statusOK = statusOK
    }

    /// One column per role.
    public init(
        registered: String, ballots: String, leader: String, id: [String]? = nil, strata: [String]? = nil, delimiter: String? = nil,
        candidate: String? = nil, leaderName: String? = nil, statusColumn: String? = nil, statusOK: String? = nil
    ) {
        self.init(
            registered: [registered], ballots: [ballots], leader: [leader], id: id, strata: strata, delimiter: delimiter,
            candidate: candidate, leaderName: leaderName, statusColumn: statusColumn, statusOK: statusOK)
    }

    enum CodingKeys: String, CodingKey {
        case registered, ballots, counted, leader, valid, recognize, id, strata, delimiter, candidate, leaderName, statusColumn, statusOK
    }

    /// A role: a column's name, or the names of the columns to add up.
    static func columns(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [String]? {
        guard c.contains(key) else { return nil }
        if let one = try? c.decode(String.self, forKey: key) { return [one] }
        let many = try c.decode([String].self, forKey: key)
        guard !many.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(key.stringValue) names no column")
        }
        return many
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let recognizing = try c.decodeIfPresent(String.self, forKey: .recognize)
        recognize = recognizing
        func required(_ key: CodingKeys) throws -> [String] {
            if let v = try Self.columns(c, key) { return v }
            if recognizing != nil { return [] }
            throw DecodingError.keyNotFound(
                key, .init(codingPath: [key], debugDescription: "the mapping names no \(key.stringValue) column"))
        }
        registered = try required(.registered)
        ballots = try required(.ballots)
        counted = try Self.columns(c, .counted)
        leader = try Self.columns(c, .leader) ?? []
        valid = try Self.columns(c, .valid)
        id = try c.decodeIfPresent([String].self, forKey: .id)
        strata = try c.decodeIfPresent([String].self, forKey: .strata)
        delimiter = try c.decodeIfPresent(String.self, forKey: .delimiter)
        candidate = try c.decodeIfPresent(String.self, forKey: .candidate)
        leaderName = try c.decodeIfPresent(String.self, forKey: .leaderName)
        statusColumn = try c.decodeIfPresent(String.self, forKey: .statusColumn)
        statusOK = try c.decodeIfPresent(String.self, forKey: .statusOK)
        if leader.isEmpty && recognizing == nil {
            throw DecodingError.keyNotFound(
                CodingKeys.leader, .init(codingPath: [], debugDescription: "the mapping names no leader column"))
        }
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
            ColumnMapping(registered: [], ballots: [], leader: [], strata: ["region"], recognize: RussianProtocol.name)
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
    /// Which columns were taken for each role.
    public var roles: [RoleColumns]

    public init(
        stations: [Station], excluded: [ExcludedRow] = [], strataNames: [String] = [], leaderName: String = "leader", dataRows: Int? = nil,
        roles: [RoleColumns] = []
    ) {
        self.stations = stations
        self.excluded = excluded
        self.strataNames = strataNames
        self.leaderName = leaderName
        self.dataRows = dataRows ?? stations.count
        self.roles = roles
    }

    /// The largest count a field may hold: a station with more is implausible (its row is
    /// excluded), and sums of such counts over any table cannot overflow.
    static let largestCount = 1_000_000_000

    /// A field's whole number if it is a plausible count (0 to `largestCount`), else nil: for the
    /// totals that choose a leader, which skip what the rows' checks exclude.
    static func plausibleCount(_ field: Substring) -> Int? {
        guard let v = Int(field.trimmingCharacters(in: .whitespaces)), (0...largestCount).contains(v) else { return nil }
        return v
    }

    /// Reads a CSV (plain or gzip) with a mapping.
    public static func load(path: String, mapping: ColumnMapping) throws(ForensicsInputError) -> StationTable {
        try parse(InputBytes.read(path: path), mapping: mapping)
    }

    public static func parse(_ raw: [UInt8], mapping given: ColumnMapping) throws(ForensicsInputError) -> StationTable {
        let bytes = try InputBytes.decode(raw)
        var delimiter: UInt8?
        if let d = given.delimiter {
            guard d.utf8.count == 1 || d == "\\t" else { throw .badMapping("the delimiter must be one character") }
            delimiter = d == "\\t" ? 9 : d.utf8.first
        }
        let table = try CSVTable.parse(bytes, delimiter: delimiter)
        guard !table.rows.isEmpty else { throw .empty }
        var mapping = given
        var candidates = [String]()
        if given.recognize == RussianProtocol.name {
            (mapping, candidates) = try RussianProtocol.recognize(table.header, mapping: given)
        } else if let r = given.recognize {
            throw .badMapping("unknown recognizer '\(r)' (known: \(RussianProtocol.name))")
        }
        // Canada's province is derived from the district number (its first two digits).
        let derivedProvince = mapping.strata?.contains("province") == true && table.column("province") == nil
        let roleColumns: [(role: String, names: [String])] = [
            ("registered", mapping.registered), ("ballots", mapping.ballots), ("counted", mapping.counted ?? []),
            ("valid", mapping.valid ?? []), ("leader", mapping.leader.isEmpty ? candidates : mapping.leader),
        ]
        var missing = [String]()
        for (role, names) in roleColumns {
            for n in names where table.column(n) == nil { missing.append("\(role): '\(n)'") }
        }
        var others = (mapping.id ?? []) + (mapping.strata ?? []).filter { !($0 == "province" && derivedProvince) }
        if let c = mapping.candidate { others.append(c) }
        if let s = mapping.statusColumn { others.append(s) }
        if derivedProvince { others.append("district_number") }
        var seenNames = Set<String>()
        for n in others where table.column(n) == nil && seenNames.insert(n).inserted { missing.append("'\(n)'") }
        guard missing.isEmpty else { throw .missingColumns(missing, available: table.header) }
        let col = { (name: String) in table.column(name)! }
        let iV = mapping.registered.map(col), iB = mapping.ballots.map(col), iC = (mapping.counted ?? mapping.ballots).map(col)
        let iValid = mapping.valid.map { $0.map(col) }
        let idCols = (mapping.id ?? []).map(col)
        let strataNames = mapping.strata ?? []
        var excluded = [ExcludedRow]()

        func integer(_ row: [Substring], _ i: Int, line: Int) -> Int? {
            let name = table.header[i]
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
            guard v <= Self.largestCount else {
                excluded.append(ExcludedRow(line: line, reason: "'\(name)' is implausibly large: \(v)"))
                return nil
            }
            return v
        }
        /// The sum of a role's columns in a row (nil, with the reason kept, if one is not a count).
        func sum(_ row: [Substring], _ columns: [Int], line: Int) -> Int? {
            var total = 0
            for i in columns {
                guard let v = integer(row, i, line: line) else { return nil }
                total += v
            }
            return total
        }
        /// The valid ballots of a row when the mapping names them; false when they are not a count.
        func validSum(_ row: [Substring], line: Int, into valid: inout Int?) -> Bool {
            guard let iValid else { return true }
            valid = sum(row, iValid, line: line)
            return valid != nil
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
        var leaderName = mapping.leader.joined(separator: " + ")
        var leaderColumns = mapping.leader
        if let candidateColumn = mapping.candidate {
            // Long format: one row per (station, candidate); the station's ballots and electors repeat.
            let iCand = col(candidateColumn)
            let iL = col(mapping.leader[0])
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
            for (row, _) in usable where iCand < row.count && iL < row.count {
                totals[String(row[iCand]), default: 0] += Self.plausibleCount(row[iL]) ?? 0
            }
            leaderName = mapping.leaderName ?? totals.max { $0.value < $1.value }?.key ?? ""
            var order = [String]()
            var groups = [
                String: (registered: Int, ballots: Int, counted: Int, valid: Int?, leader: Int, line: Int, strata: [String], bad: Bool)
            ]()
            for (row, line) in usable {
                let key = idCols.map { $0 < row.count ? String(row[$0]) : "" }.joined(separator: "/")
                var valid: Int?
                guard let v = sum(row, iV, line: line), let b = sum(row, iB, line: line), let c = sum(row, iC, line: line),
                    let votes = integer(row, iL, line: line), validSum(row, line: line, into: &valid)
                else {
                    if groups[key] == nil { order.append(key) }
                    groups[key, default: (0, 0, 0, nil, 0, line, [], false)].bad = true
                    continue
                }
                if groups[key] == nil {
                    order.append(key)
                    groups[key] = (v, b, c, valid, 0, line, strataNames.map { stratum(row, $0) }, false)
                }
                if iCand < row.count, String(row[iCand]) == leaderName { groups[key]!.leader += votes }
            }
            for key in order {
                let g = groups[key]!
                if g.bad { continue }
                stations.append(
                    Station(
                        line: g.line, id: key, registered: g.registered, ballots: g.ballots, counted: g.counted, leader: g.leader,
                        valid: g.valid, strata: g.strata))
            }
        } else {
            if mapping.leader.isEmpty {
                // Recognised candidates: the leader is the one with the most votes over all rows, or the one named.
                let chosen = try RussianProtocol.leader(among: candidates, named: mapping.leaderName, table: table)
                leaderColumns = [chosen]
                leaderName = chosen
            }
            let iL = leaderColumns.map(col)
            for (row, line) in zip(table.rows, table.lines) {
                var valid: Int?
                guard let v = sum(row, iV, line: line), let b = sum(row, iB, line: line), let c = sum(row, iC, line: line),
                    let l = sum(row, iL, line: line), validSum(row, line: line, into: &valid)
                else { continue }
                let id = idCols.isEmpty ? "line \(line)" : idCols.map { $0 < row.count ? String(row[$0]) : "" }.joined(separator: "/")
                stations.append(
                    Station(
                        line: line, id: id, registered: v, ballots: b, counted: c, leader: l, valid: valid,
                        strata: strataNames.map { stratum(row, $0) }))
            }
        }
        let roles =
            [
                RoleColumns(role: "registered", columns: mapping.registered), RoleColumns(role: "ballots", columns: mapping.ballots),
                RoleColumns(role: "counted", columns: mapping.counted ?? mapping.ballots),
                RoleColumns(role: "leader", columns: leaderColumns),
            ] + (mapping.valid.map { [RoleColumns(role: "valid", columns: $0)] } ?? [])
        // Impossible values: reported and excluded.
        var kept = [Station]()
        kept.reserveCapacity(stations.count)
        for s in stations {
            if s.ballots > s.registered {
                excluded.append(ExcludedRow(line: s.line, reason: "ballots \(s.ballots) exceed registered voters \(s.registered)"))
            } else if s.leader > s.counted {
                excluded.append(ExcludedRow(line: s.line, reason: "leader votes \(s.leader) exceed counted ballots \(s.counted)"))
            } else if let valid = s.valid, s.leader > valid {
                excluded.append(ExcludedRow(line: s.line, reason: "leader votes \(s.leader) exceed valid ballots \(valid)"))
            } else if s.registered == 0 {
                excluded.append(ExcludedRow(line: s.line, reason: "no registered voters"))
            } else {
                kept.append(s)
            }
        }
        guard !kept.isEmpty else { throw .noUsableRows(excluded: table.rows.count) }
        excluded.sort { $0.line < $1.line }
        return StationTable(
            stations: kept, excluded: excluded, strataNames: strataNames, leaderName: leaderName, dataRows: table.rows.count,
            roles: roles)
    }

    static let canadianProvinces: [String: String] = [
        "10": "Newfoundland and Labrador", "11": "Prince Edward Island", "12": "Nova Scotia", "13": "New Brunswick",
        "24": "Quebec", "35": "Ontario", "46": "Manitoba", "47": "Saskatchewan", "48": "Alberta", "59": "British Columbia",
        "60": "Yukon", "61": "Northwest Territories", "62": "Nunavut",
    ]
}
