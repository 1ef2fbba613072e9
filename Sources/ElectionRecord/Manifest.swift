import Foundation
import Ristretto

/// How a ballot reached the board.
public enum Channel: String, Codable, Sendable, CaseIterable, Comparable {
    case station, mobile, remote
    public static func < (a: Channel, b: Channel) -> Bool { a.rawValue < b.rawValue }
}

/// A question on the ballot with its options and how many may be selected.
public struct Question: Codable, Sendable, Equatable {
    public var id: String
    public var text: LocalizedText
    public var options: [LocalizedText]
    public var minSelections: Int
    public var maxSelections: Int
    /// What it takes for the question's proposal to pass, when the law sets more than a plurality.
    public var passing: PassingRule?

    public init(
        id: String, text: LocalizedText, options: [LocalizedText], minSelections: Int, maxSelections: Int, passing: PassingRule? = nil
    ) {
        self.id = id
        self.text = text
        self.options = options
        self.minSelections = minSelections
        self.maxSelections = maxSelections
        self.passing = passing
    }
}

/// When a question's proposal passes: its option's share of the selections, and quorums of
/// turnout and of the electorate (each in parts per million; absent means no such condition).
/// Outcomes are read from the verified result; the verifier does not check them.
public struct PassingRule: Codable, Sendable, Equatable {
    /// The option that approves the proposal (for example "yes").
    public var option: String
    /// Its share of the question's selections must be at least this (500001: more than half).
    public var minSharePPM: Int?
    /// Counted ballots over voters must be at least this.
    public var minTurnoutPPM: Int?
    /// The option's votes over all voters must be at least this.
    public var minElectoratePPM: Int?

    public init(option: String, minSharePPM: Int? = nil, minTurnoutPPM: Int? = nil, minElectoratePPM: Int? = nil) {
        self.option = option
        self.minSharePPM = minSharePPM
        self.minTurnoutPPM = minTurnoutPPM
        self.minElectoratePPM = minElectoratePPM
    }
}

/// A polling precinct and the questions on its ballot (its ballot style).
public struct Precinct: Codable, Sendable, Equatable {
    public var id: String
    public var name: LocalizedText
    public var questions: [String]

    public init(id: String, name: LocalizedText, questions: [String]) {
        self.id = id
        self.name = name
        self.questions = questions
    }
}

/// A region grouping precincts, for results.
public struct Region: Codable, Sendable, Equatable {
    public var id: String
    public var name: LocalizedText
    public var precincts: [Precinct]

    public init(id: String, name: LocalizedText, precincts: [Precinct]) {
        self.id = id
        self.name = name
        self.precincts = precincts
    }
}

/// A trustee's public identity: Ed25519 signing key and X25519 exchange key for key shares.
public struct TrusteeDescriptor: Codable, Sendable, Equatable {
    public var id: String
    public var index: Int
    public var signingKey: Ed25519.PublicKey
    public var exchangeKey: HexBytes

    public init(id: String, index: Int, signingKey: Ed25519.PublicKey, exchangeKey: [UInt8]) {
        self.id = id
        self.index = index
        self.signingKey = signingKey
        self.exchangeKey = HexBytes(exchangeKey)
    }
}

/// A voting device (station or mobile) and its Ed25519 key.
public struct DeviceDescriptor: Codable, Sendable, Equatable {
    public var id: String
    public var channel: Channel
    public var signingKey: Ed25519.PublicKey

    public init(id: String, channel: Channel, signingKey: Ed25519.PublicKey) {
        self.id = id
        self.channel = channel
        self.signingKey = signingKey
    }
}

/// The voting window; may span days.
public struct VotingWindow: Codable, Sendable, Equatable {
    public var opens: Date
    public var closes: Date

    public init(opens: Date, closes: Date) {
        self.opens = opens
        self.closes = closes
    }

    public func contains(_ instant: Date) -> Bool { instant >= opens && instant < closes }
}

/// How ballots are grouped by voting day: the local date of the entry's time at a fixed offset from UTC.
public struct TallyDays: Codable, Sendable, Equatable {
    /// Minutes east of UTC of the election's local time (180 for Moscow, 120 for Kyiv in winter).
    public var utcOffsetMinutes: Int

    /// The offsets in use on Earth, UTC-12:00 to UTC+14:00.
    public static let offsets = -720...840

    public init(utcOffsetMinutes: Int) { self.utcOffsetMinutes = utcOffsetMinutes }

    /// The local dates of the window, from the opening's to that of its last second, in order.
    public func days(of window: VotingWindow) -> [String] {
        let first = dayNumber(of: window.opens), last = dayNumber(of: window.closes.addingTimeInterval(-1))
        guard first <= last else { return [] }
        return (first...last).map(Self.civilDate)
    }

    /// Days since 1970-01-01 of an instant's local date.
    func dayNumber(of instant: Date) -> Int {
        let seconds = Int(instant.timeIntervalSince1970.rounded()) + utcOffsetMinutes * 60
        return seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
    }

    /// The local date of an instant, `YYYY-MM-DD` (proleptic Gregorian; instants are whole seconds).
    public func day(of instant: Date) -> String { Self.civilDate(dayNumber(of: instant)) }

    /// `YYYY-MM-DD` of a day number.
    static func civilDate(_ days: Int) -> String {
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}

/// Everything fixed before the election: published once, hashed over its exact bytes.
public struct Manifest: Codable, Sendable, Equatable {
    public var version: Int
    public var electionId: String
    public var title: LocalizedText
    public var questions: [Question]
    public var regions: [Region]
    public var channels: [Channel]
    public var window: VotingWindow
    public var trustees: [TrusteeDescriptor]
    public var threshold: Int
    public var credentialAuthority: Ed25519.PublicKey
    public var devices: [DeviceDescriptor]
    public var boardKey: Ed25519.PublicKey
    /// Which ballot of a credential counts (absent: `lastBallot`).
    public var countingRule: CountingRule.Kind?
    /// The fewest counted ballots a decrypted aggregate may cover (section 6.3). Absent: 1, no
    /// merging, as in records made before the rule; `election init` writes 10 unless told otherwise.
    public var minimumCell: Int?
    /// The booth the voters' browsers must run: the booth hash `plebiscite serve --booth` prints
    /// (SHA-256 over its files' listing); the booth refuses to run other code. Absent: not pinned.
    public var boothHash: Digest?
    /// Tally per voting day (PROTOCOL.md 6.3): cells are (precinct, channel, day), the day the
    /// local date of the counted ballot's entry. Absent: one cell per (precinct, channel).
    public var tallyDays: TallyDays?

    /// The protocol version this code writes and reads (PROTOCOL.md 1): 2, proofs with commitments.
    public static let protocolVersion = 2

    /// What `election init` writes when not told otherwise.
    public static let recommendedMinimumCell = 10

    /// The counting rule in force.
    public var rule: CountingRule.Kind { countingRule ?? .lastBallot }
    /// The minimum cell size in force.
    public var cellMinimum: Int { minimumCell ?? 1 }
    /// The voting day of a ballot whose entry has time `at`, when the tally is per day.
    public func tallyDay(_ at: Date) -> String? { tallyDays?.day(of: at) }

    public init(
        electionId: String, title: LocalizedText, questions: [Question], regions: [Region], channels: [Channel],
        window: VotingWindow, trustees: [TrusteeDescriptor], threshold: Int,
        credentialAuthority: Ed25519.PublicKey, devices: [DeviceDescriptor], boardKey: Ed25519.PublicKey,
        countingRule: CountingRule.Kind? = nil, minimumCell: Int? = nil
    ) {
        version = Manifest.protocolVersion
        self.electionId = electionId
        self.title = title
        self.questions = questions
        self.regions = regions
        self.channels = channels
        self.window = window
        self.trustees = trustees
        self.threshold = threshold
        self.credentialAuthority = credentialAuthority
        self.devices = devices
        self.boardKey = boardKey
        self.countingRule = countingRule
        self.minimumCell = minimumCell
    }

    /// All precincts in region order.
    public var precincts: [Precinct] { regions.flatMap(\.precincts) }

    public func question(_ id: String) -> Question? { questions.first { $0.id == id } }
    public func precinct(_ id: String) -> Precinct? { precincts.first { $0.id == id } }
    public func device(_ id: String) -> DeviceDescriptor? { devices.first { $0.id == id } }
    public func trustee(index: Int) -> TrusteeDescriptor? { trustees.first { $0.index == index } }

    /// The region that holds a precinct.
    public func region(ofPrecinct id: String) -> Region? { regions.first { $0.precincts.contains { $0.id == id } } }

    /// The election id grammar `[a-z0-9][a-z0-9-]{0,63}`: safe in a URL path, a file name and a log.
    public static func isValidElectionId(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        func allowed(_ b: UInt8) -> Bool { (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) }
        guard let first = bytes.first, allowed(first), bytes.count <= 64 else { return false }
        return bytes.dropFirst().allSatisfy { allowed($0) || $0 == UInt8(ascii: "-") }
    }

    /// A question's own problems beyond its options and selection bounds: its passing rule.
    public static func problemsOf(question q: Question) -> [String] {
        guard let p = q.passing else { return [] }
        var out = [String]()
        if !q.options.contains(where: { $0.text == p.option }) {
            out.append("question \(q.id): passing option \(p.option) is not one of its options")
        }
        for v in [p.minSharePPM, p.minTurnoutPPM, p.minElectoratePPM].compactMap({ $0 }) where v < 0 || v > 1_000_000 {
            out.append("question \(q.id): a passing threshold of \(v) ppm is not in 0...1000000")
        }
        return out
    }

    /// Structural problems, each a sentence; empty when the manifest is well-formed.
    public func problems() -> [String] {
        var out = [String]()
        if version == 1 {
            out.append(
                "manifest version 1: its ballots' proofs carry no commitments; this verifier reads version \(Manifest.protocolVersion) only (PROTOCOL.md 1, 8.4)"
            )
        } else if version != Manifest.protocolVersion {
            out.append("unsupported manifest version \(version): this verifier reads version \(Manifest.protocolVersion)")
        }
        if !Manifest.isValidElectionId(electionId) {
            out.append("electionId \"\(electionId.prefix(80))\" is not 1 to 64 of a-z, 0-9 and '-', starting with a letter or digit")
        }
        if questions.isEmpty { out.append("no questions") }
        func duplicates(_ ids: [String]) -> [String] {
            Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        }
        for d in duplicates(questions.map(\.id)) { out.append("duplicate question id \(d)") }
        for d in duplicates(regions.map(\.id)) { out.append("duplicate region id \(d)") }
        for d in duplicates(precincts.map(\.id)) { out.append("duplicate precinct id \(d)") }
        for d in duplicates(trustees.map(\.id)) { out.append("duplicate trustee id \(d)") }
        for d in duplicates(devices.map(\.id)) { out.append("duplicate device id \(d)") }
        for q in questions {
            if q.options.count < 1 || q.options.count > 64 { out.append("question \(q.id) must have 1 to 64 options") }
            if q.minSelections < 0 || q.minSelections > q.maxSelections || q.maxSelections > q.options.count {
                out.append("question \(q.id) needs 0 <= minSelections <= maxSelections <= options")
            }
            out += Manifest.problemsOf(question: q)
        }
        if precincts.isEmpty { out.append("no precincts") }
        out += title.problems("the title")
        for q in questions {
            out += q.text.problems("question \(q.id)")
            for (i, o) in q.options.enumerated() { out += o.problems("question \(q.id) option \(i)") }
        }
        for r in regions { out += r.name.problems("region \(r.id)") }
        for p in precincts { out += p.name.problems("precinct \(p.id)") }
        for p in precincts {
            if p.questions.isEmpty { out.append("precinct \(p.id) has no questions") }
            for q in p.questions where question(q) == nil { out.append("precinct \(p.id) names unknown question \(q)") }
        }
        if channels.isEmpty { out.append("no channels allowed") }
        if Set(channels).count != channels.count { out.append("a channel is listed twice") }
        for p in precincts where Set(p.questions).count != p.questions.count { out.append("precinct \(p.id) lists a question twice") }
        if window.opens >= window.closes { out.append("window opens at or after it closes") }
        let n = trustees.count
        if n < 1 || n > 255 { out.append("there must be 1 to 255 trustees, not \(n)") }
        if threshold < 1 || threshold > n { out.append("threshold \(threshold) must lie in 1...\(n)") }
        if Set(trustees.map(\.index)) != Set(1...max(n, 1)) { out.append("trustee indices must be exactly 1...\(n)") }
        for t in trustees where t.exchangeKey.bytes.count != 32 { out.append("trustee \(t.id) exchange key is not 32 bytes") }
        for d in devices where !channels.contains(d.channel) { out.append("device \(d.id) uses a channel not allowed") }
        for d in devices where d.channel == .remote { out.append("device \(d.id): remote ballots come from no device") }
        if let m = minimumCell, m < 1 || m > 1_000_000 { out.append("minimumCell \(m) must lie in 1...1000000") }
        if let d = tallyDays, !TallyDays.offsets.contains(d.utcOffsetMinutes) {
            out.append("tallyDays.utcOffsetMinutes \(d.utcOffsetMinutes) must lie in -720...840")
        }
        if tallyDays != nil, window.closes.timeIntervalSince(window.opens) > 366 * 86_400 {
            out.append("tallyDays needs a window of at most 366 days")
        }
        return out
    }
}
