import ElectionRecord
import PlebisciteCrypto
import Ristretto

/// The administrator's description of an election (`plebiscite election create --spec`): the
/// manifest's own fields, with the trustees', the credential authority's and the devices' public
/// files named by path; `manifest(...)` makes the manifest once those files are read.
public struct ElectionSpec: Codable, Sendable, Equatable {
    public var electionId: String
    public var title: LocalizedText
    public var questions: [Question]
    public var regions: [Region]
    public var channels: [Channel]
    public var window: VotingWindow
    public var threshold: Int
    /// The trustees' `.pub.json` files; trustee indices follow this order (1, 2, ...).
    public var trustees: [String]
    /// The credential authority's `.pub.json` file (`authority` in specs written before the
    /// field had the manifest's name; still read, and written back under the name it was read by).
    public var credentialAuthority: String
    /// The devices' `.pub.json` files.
    public var devices: [String]?
    /// `lastBallot` (the default) or `stationFinal`.
    public var countingRule: CountingRule.Kind?
    /// The fewest ballots a decrypted aggregate covers; 10 when not given (1 turns merging off).
    public var minimumCell: Int?
    /// The booth hash `plebiscite serve --booth` prints, pinned in the manifest.
    public var boothHash: Digest?
    /// Tally per voting day at this offset from UTC (`{"utcOffsetMinutes": 180}`); absent: per (precinct, channel).
    public var tallyDays: TallyDays?

    /// Whether the spec gave `credentialAuthority` under its older name.
    private var olderAuthorityName = false

    /// The manifest this spec describes, given the keys its files hold (trustees and devices in
    /// the spec's order). Whether it is a valid election is `Manifest.problems()`'s to say.
    public func manifest(
        trustees: [TrusteeDescriptor], credentialAuthority: Ed25519.PublicKey, devices: [DeviceDescriptor],
        boardKey: Ed25519.PublicKey
    ) -> Manifest {
        var manifest = Manifest(
            electionId: electionId, title: title, questions: questions, regions: regions, channels: channels, window: window,
            trustees: trustees, threshold: threshold, credentialAuthority: credentialAuthority, devices: devices,
            boardKey: boardKey, countingRule: countingRule, minimumCell: minimumCell ?? Manifest.recommendedMinimumCell)
        manifest.boothHash = boothHash
        manifest.tallyDays = tallyDays
        return manifest
    }
}

extension ElectionSpec {
    private enum CodingKeys: String, CodingKey {
        case electionId, title, questions, regions, channels, window, threshold, trustees, credentialAuthority, authority, devices
        case countingRule, minimumCell, boothHash, tallyDays
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        electionId = try c.decode(String.self, forKey: .electionId)
        title = try c.decode(LocalizedText.self, forKey: .title)
        questions = try c.decode([Question].self, forKey: .questions)
        regions = try c.decode([Region].self, forKey: .regions)
        channels = try c.decode([Channel].self, forKey: .channels)
        window = try c.decode(VotingWindow.self, forKey: .window)
        threshold = try c.decode(Int.self, forKey: .threshold)
        trustees = try c.decode([String].self, forKey: .trustees)
        switch (try c.decodeIfPresent(String.self, forKey: .credentialAuthority), try c.decodeIfPresent(String.self, forKey: .authority)) {
        case (let path?, nil): credentialAuthority = path
        case (nil, let path?): (credentialAuthority, olderAuthorityName) = (path, true)
        case (nil, nil):
            throw DecodingError.keyNotFound(
                CodingKeys.credentialAuthority, .init(codingPath: c.codingPath, debugDescription: "the credential authority's .pub.json"))
        case (_?, _?):
            throw DecodingError.dataCorruptedError(
                forKey: .authority, in: c, debugDescription: "authority is the older name of credentialAuthority: give one of them")
        }
        devices = try c.decodeIfPresent([String].self, forKey: .devices)
        countingRule = try c.decodeIfPresent(CountingRule.Kind.self, forKey: .countingRule)
        minimumCell = try c.decodeIfPresent(Int.self, forKey: .minimumCell)
        boothHash = try c.decodeIfPresent(Digest.self, forKey: .boothHash)
        tallyDays = try c.decodeIfPresent(TallyDays.self, forKey: .tallyDays)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(electionId, forKey: .electionId)
        try c.encode(title, forKey: .title)
        try c.encode(questions, forKey: .questions)
        try c.encode(regions, forKey: .regions)
        try c.encode(channels, forKey: .channels)
        try c.encode(window, forKey: .window)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(trustees, forKey: .trustees)
        try c.encode(credentialAuthority, forKey: olderAuthorityName ? .authority : .credentialAuthority)
        try c.encodeIfPresent(devices, forKey: .devices)
        try c.encodeIfPresent(countingRule, forKey: .countingRule)
        try c.encodeIfPresent(minimumCell, forKey: .minimumCell)
        try c.encodeIfPresent(boothHash, forKey: .boothHash)
        try c.encodeIfPresent(tallyDays, forKey: .tallyDays)
    }
}
