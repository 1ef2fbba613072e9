import BoardClient
import ElectionProtocol
import ElectionRecord
import ElectionRules
import ElectionVerifier
import Foundation
import PlebisciteCrypto
import Ristretto

/// A complete simulated referendum on the embedded (file) record: three regions, all three
/// channels, re-votes that override coerced ballots (remotely, or in person at a station, which is
/// final under the `stationFinal` rule), Benaloh challenges, voters added to the roll during the
/// election, credentials taken from voters and revoked in person, a hamlet whose small cells are
/// merged before decryption, 3 trustees with threshold 2 and one trustee absent at decryption.
/// Used by `plebiscite demo` and the tests.
public struct DemoScenario: Sendable {
    public var voters: Int
    public var seed: UInt64
    public var workers: Int
    public var showProgress: Bool
    /// Share of voters coerced into a mobile "yes" who later re-vote remotely.
    public var revoteRate = 0.04
    /// Share of voters who challenge (spoil) a first encryption before casting.
    public var challengeRate = 0.02
    /// Share of voters whose letter is taken by someone who votes with it; each gets a fresh
    /// credential at a station (at least one voter).
    public var takenRate = 0.004
    /// Share of the roll added by an amendment on the second day (at least one voter).
    public var lateRate = 0.005
    /// Tally per voting day (the demo votes over three days); nil: per (precinct, channel).
    public var tallyDays: TallyDays?

    public init(voters: Int = 2000, seed: UInt64 = 1, workers: Int = Parallel.cores, showProgress: Bool = false) {
        self.voters = voters
        self.seed = seed
        self.workers = workers
        self.showProgress = showProgress
    }

    /// What the demo did and found.
    public struct Outcome: Sendable {
        public var directory: RecordDirectory
        public var result: ElectionResult
        public var report: VerificationReport
        /// The decrypted counts equal the choices the simulated voters made (last ballot each).
        public var matchesIntent: Bool
        public var ballotsCast: Int
        public var revotes: Int
        public var challenges: Int
        /// Coerced ballots overridden in person at a station (final under `stationFinal`).
        public var stationOverrides: Int
        /// Credentials revoked and replaced in person.
        public var revocations: Int
        /// Voters added by amendment.
        public var addedVoters: Int
        /// Ballots the board refused as the rules say (a revoked credential, a ballot after a final one).
        public var refusedAsExpected: Int
        /// Decrypted aggregates that merge small cells.
        public var mergedAggregates: Int
        /// Ballots collected offline by the hills' mobile device, and its uploads.
        public var offlineBallots: Int
        public var offlineUploads: Int
        public var absentTrustee: Int
        public var timings: [(String, Double)]
    }

    /// One simulated action, in time order.
    struct Action {
        enum Step {
            case cast, spoil
            case amend(CredentialAmendment)
            case revoke(CredentialRevocation)
        }
        var time: Date
        var step: Step = .cast
        /// The credential used: an index into the plan's `credentials`.
        var voter: Int
        var precinct: String
        var channel: Channel
        var device: String?
        var choices: [String: [Int]]
        /// The board must refuse this ballot, with this code.
        var refusal: RefusalCode? = nil
        /// Collected by the offline device: kept in its outbox, uploaded at its next upload.
        var offline = false

        var spoil: Bool { if case .spoil = step { true } else { false } }
        var isBallot: Bool {
            switch step {
            case .cast, .spoil: true
            default: false
            }
        }
    }

    /// Everything decided before the board sees anything: keys, manifest, the trustees' commitments
    /// and shares, credentials, the simulated voters' actions and their encrypted ballots.
    struct Plan {
        var trustees: [Trustee]
        var boardKey: Ed25519.SigningKey
        var manifest: Manifest
        var manifestBytes: [UInt8]
        var commitments: [TrusteeCommitment]
        var secretShares: [Scalar]
        var context: ElectionContext
        var lists: [CredentialList]
        /// Every credential handed out: from the roll, by amendment, as a replacement.
        var issued: [CredentialAuthority.Issued]
        var actions: [Action]
        /// Each ballot action's encryption (nil for roll changes).
        var encrypted: [(EncryptedBallot, BallotSecrets)?]
        /// Per (precinct, channel) of each voter's counted ballot, what that voter chose.
        var intent: [Int: (cell: String, choices: [String: [Int]])]
        var revotes: Int
        var challenges: Int
        var stationOverrides: Int
        var revocations: Int
        var addedVoters: Int
        var opens: Date
        var closes: Date
        /// Trustee left out of decryption (1-based).
        let absent = 2

        var setupTime: Date { opens.addingTimeInterval(-7 * 86_400) }
    }

    /// Builds the plan; `lap` records how long each part took.
    func plan(lap: (String) -> Void) throws -> Plan {
        var rng = SeededGenerator(seed: seed)

        // Setup: keys for trustees, authority, devices and board; the manifest.
        let trustees = (1...3).map { Trustee(id: "trustee-\($0)") }
        let authority = CredentialAuthority(signingKey: Ed25519.SigningKey())
        let boardKey = Ed25519.SigningKey()
        let regionSpecs: [(id: String, name: String, precincts: Int, yes: Double, turnout: Double)] = [
            ("north", "Northern Region", 3, 0.58, 0.74),
            ("coast", "Coastal Region", 3, 0.44, 0.66),
            ("hills", "Hill Country", 3, 0.63, 0.79),
        ]
        let q1 = Question(
            id: "amendment", text: "Do you approve the proposed constitutional amendment?",
            options: ["yes", "no", "blank"], minSelections: 1, maxSelections: 1)
        let q2 = Question(
            id: "assembly", text: "Should the Hill Country elect its own assembly?",
            options: ["yes", "no"], minSelections: 0, maxSelections: 1)
        var regions = [Region]()
        var deviceKeys = [String: Ed25519.SigningKey]()
        var devices = [DeviceDescriptor]()
        for r in regionSpecs {
            let precincts = (1...r.precincts).map { i in
                Precinct(
                    id: "\(r.id)-\(i)", name: r.id == "hills" && i == 3 ? "Hill Country hamlet" : "\(r.name) precinct \(i)",
                    questions: r.id == "hills" ? [q1.id, q2.id] : [q1.id])
            }
            regions.append(Region(id: r.id, name: LocalizedText(r.name), precincts: precincts))
            for p in precincts {
                let key = Ed25519.SigningKey()
                deviceKeys["station-\(p.id)"] = key
                devices.append(DeviceDescriptor(id: "station-\(p.id)", channel: .station, signingKey: key.publicKey))
            }
            let key = Ed25519.SigningKey()
            deviceKeys["mobile-\(r.id)"] = key
            devices.append(DeviceDescriptor(id: "mobile-\(r.id)", channel: .mobile, signingKey: key.publicKey))
        }
        let opens = Date(timeIntervalSince1970: 1_780_293_600)  // 2026-06-01T06:00:00Z
        let closes = opens.addingTimeInterval(2 * 86_400 + 14 * 3_600)  // three voting days
        var manifest = Manifest(
            electionId: "demo-referendum-\(seed)", title: "Demo referendum on the constitutional amendment",
            questions: [q1, q2], regions: regions, channels: [.station, .mobile, .remote],
            window: VotingWindow(opens: opens, closes: closes),
            trustees: trustees.enumerated().map { i, t in
                TrusteeDescriptor(id: t.id, index: i + 1, signingKey: t.signingKey.publicKey, exchangeKey: t.exchangeKey.publicKey)
            },
            threshold: 2, credentialAuthority: authority.signingKey.publicKey, devices: devices, boardKey: boardKey.publicKey,
            countingRule: .stationFinal, minimumCell: Manifest.recommendedMinimumCell)
        manifest.tallyDays = tallyDays
        let manifestBytes = try RecordCoding.encode(manifest, pretty: true)
        let manifestHash = ProtocolHashes.manifestHash(manifestBytes)

        // Key ceremony: every trustee commits, then checks the shares sent to it.
        let commitments = try trustees.map { try $0.commit(manifest: manifest, manifestHash: manifestHash) }
        var secretShares = [Scalar]()
        for t in trustees {
            switch try t.receiveShares(manifest: manifest, manifestHash: manifestHash, commitments: commitments) {
            case .accepted(let s): secretShares.append(s)
            case .complaints(let cs): throw CeremonyError.ceremonyFailed(cheaters: cs.map(\.accused))
            }
        }
        let context = ElectionContext(manifest: manifest, manifestHash: manifestHash, commitments: commitments.map(\.commitments))
        lap("key ceremony")

        // Credentials from a voter roll: about one voter in a hundred lives in the hamlet (hills-3).
        let hamlet = "hills-3"
        let townPrecincts = manifest.precincts.map(\.id).filter { $0 != hamlet }
        func precinct(ofVoter i: Int) -> String { i % 97 == 50 ? hamlet : townPrecincts[i % townPrecincts.count] }
        let roll = VoterRoll(voters: (0..<voters).map { VoterRoll.Voter(id: "voter-\($0)", precinct: precinct(ofVoter: $0)) })
        let (lists, firstIssued) = authority.issue(roll: roll, manifest: manifest, manifestHash: manifestHash)
        var issued = firstIssued
        // Late registrations: an amendment on the second morning.
        let late = VoterRoll(
            voters: (0..<max(1, Int(Double(voters) * lateRate))).map {
                VoterRoll.Voter(id: "late-\($0)", precinct: townPrecincts[($0 * 5) % townPrecincts.count])
            })
        let (amendments, added) = authority.amend(adding: late.voters, manifest: manifest, manifestHash: manifestHash)
        let amendedAt = opens.addingTimeInterval(86_400)
        issued += added
        lap("credentials")

        // Simulated voting: who votes, how, when; some coerced then overriding, some challenging,
        // some robbed of their letter.
        let window = closes.timeIntervalSince(opens)
        var actions = amendments.map {
            Action(time: amendedAt, step: .amend($0), voter: -1, precinct: $0.precinct, channel: .station, device: nil, choices: [:])
        }
        var revotes = 0, challenges = 0, stationOverrides = 0, revocations = 0
        var intent = [Int: (cell: String, choices: [String: [Int]])]()
        let taken = Set((0..<max(1, Int(Double(voters) * takenRate))).map { ($0 * 37 + 11) % max(1, voters) })
        for v in issued.indices {
            let voter = issued[v]
            let region = regionSpecs.first { voter.precinct.hasPrefix($0.id + "-") }!
            guard rng.chance(region.turnout) || taken.contains(v) else { continue }
            func choose() -> [String: [Int]] {
                let x = Double.random(in: 0..<1, using: &rng)
                var c = [q1.id: [x < 0.04 ? 2 : (x < 0.04 + region.yes * 0.96 ? 0 : 1)]]
                if region.id == "hills" { c[q2.id] = rng.chance(0.1) ? [] : [rng.chance(0.55) ? 0 : 1] }
                return c
            }
            let r = Double.random(in: 0..<1, using: &rng)
            let channel: Channel = r < 0.7 ? .station : (r < 0.85 ? .mobile : .remote)
            let station = "station-\(voter.precinct)", mobile = "mobile-\(region.id)"
            let device: String? = channel == .station ? station : channel == .mobile ? mobile : nil
            let earliest = v >= firstIssued.count ? amendedAt.timeIntervalSince(opens) + 60 : 0
            let t = earliest + Double.random(in: 0..<(window * 0.9 - earliest), using: &rng)
            let choice = choose()
            func act(
                _ time: Double, _ ch: Channel, _ dev: String?, _ choices: [String: [Int]], as who: Int? = nil, step: Action.Step = .cast,
                refusal: RefusalCode? = nil
            ) {
                actions.append(
                    Action(
                        time: opens + time, step: step, voter: who ?? v, precinct: voter.precinct, channel: ch, device: dev,
                        choices: choices, refusal: refusal))
            }
            if taken.contains(v) {
                // The letter was taken: someone votes with it from afar; the voter goes to a station,
                // is identified, and gets a fresh credential; the taker's next try is refused.
                revocations += 1
                var forced = choice
                forced[q1.id] = [0]
                let at = min(t, window * 0.5)
                act(at, .remote, nil, forced)
                let (revocation, fresh) = authority.revoke(
                    voter.credential.publicKey, voterId: voter.voterId, precinct: voter.precinct, manifest: manifest,
                    manifestHash: manifestHash)
                issued.append(fresh)
                let replacement = issued.count - 1
                act(at + 3_600, .station, nil, [:], as: -1, step: .revoke(revocation))
                act(at + 3_720, .station, station, choice, as: replacement)
                act(at + 7_200, .remote, nil, forced, refusal: .revokedCredential)
                intent[replacement] = ("\(voter.precinct)/station", choice)
                continue
            }
            if rng.chance(revoteRate) {
                // Coerced at home by a mobile team; overridden later in private from the web booth or,
                // every other time, in person at a station: final, so the team's return visit is refused.
                revotes += 1
                var coerced = choice
                coerced[q1.id] = [0]
                act(t, .mobile, mobile, coerced)
                let later = t + Double.random(in: 600..<(window * 0.05), using: &rng)
                if revotes % 2 == 0 {
                    stationOverrides += 1
                    act(later, .station, station, choice)
                    act(later + 1_800, .mobile, mobile, coerced, refusal: .finalBallotCast)
                    intent[v] = ("\(voter.precinct)/station", choice)
                } else {
                    act(later, .remote, nil, choice)
                    intent[v] = ("\(voter.precinct)/remote", choice)
                }
                continue
            }
            if rng.chance(challengeRate) {
                challenges += 1
                act(t, channel, device, choice, step: .spoil)
            }
            act(t + 120, channel, device, choice)
            // The hills' mobile team has no network: its plain ballots wait in the device's outbox.
            if channel == .mobile, region.id == "hills", actions.last!.isBallot, !actions.dropLast().contains(where: { $0.voter == v }) {
                actions[actions.count - 1].offline = true
            }
            intent[v] = ("\(voter.precinct)/\(channel.rawValue)", choice)
        }
        actions.sort { $0.time < $1.time }
        for i in actions.indices { actions[i].time = Date(timeIntervalSince1970: actions[i].time.timeIntervalSince1970.rounded(.down)) }

        // Devices encrypt (in parallel: they are separate machines).
        let encryptor = BallotEncryptor(context: context)
        let encryptBar = ProgressBar("encrypting ballots", total: actions.count, enabled: showProgress)
        let credentials = issued.map(\.credential)
        let keys = deviceKeys
        let encrypted = Parallel.map(actions, workers: workers) { a -> (EncryptedBallot, BallotSecrets)? in
            defer { encryptBar.advance() }
            guard a.isBallot else { return nil }
            return try! encryptor.encrypt(
                precinct: a.precinct, channel: a.channel, credential: credentials[a.voter],
                device: a.device.map { ($0, keys[$0]!) }, choices: a.choices)
        }
        encryptBar.finish()
        lap("encryption")

        return Plan(
            trustees: trustees, boardKey: boardKey, manifest: manifest, manifestBytes: manifestBytes, commitments: commitments,
            secretShares: secretShares, context: context, lists: lists, issued: issued, actions: actions, encrypted: encrypted,
            intent: intent, revotes: revotes, challenges: challenges, stationOverrides: stationOverrides, revocations: revocations,
            addedVoters: added.count, opens: opens, closes: closes)
    }

    /// Whether the decrypted counts equal the simulated voters' final choices: each result cell
    /// (a (precinct, channel) cell or a merged aggregate) against the choices of the voters whose
    /// counted ballot lies in it.
    /// Whether the decrypted cells hold exactly the simulated voters' final choices. With a tally per
    /// day, a voter's cell takes the day of the board's time on the counted ballot (an offline
    /// ballot's is its upload's), read from the record in `dir`.
    func matchesIntent(_ plan: Plan, _ result: ElectionResult, record dir: RecordDirectory) throws -> Bool {
        var dayOf = [Element: String]()
        if let tallyDays = plan.manifest.tallyDays {
            for e in try LoadedRecord.load(dir).entries {
                if case .ballot(let b) = e.entry.payload { dayOf[b.credential] = tallyDays.day(of: e.entry.at) }
            }
        }
        var expected = [String: [String: [Int]]]()
        for (v, (precinctChannel, choice)) in plan.intent {
            let cell = precinctChannel + (dayOf[plan.issued[v].credential.publicKey].map { "/\($0)" } ?? "")
            for (q, selected) in choice {
                var counts = expected[cell, default: [:]][q, default: Array(repeating: 0, count: plan.manifest.question(q)!.options.count)]
                for o in selected { counts[o] += 1 }
                expected[cell, default: [:]][q] = counts
            }
        }
        var seen = Set<String>()
        for cell in result.cells {
            var sums = [String: [Int]]()
            for m in cell.cells {
                let key = m.label
                seen.insert(key)
                for (q, counts) in expected[key] ?? [:] {
                    sums[q] = zip(sums[q] ?? Array(repeating: 0, count: counts.count), counts).map { $0 + $1 }
                }
            }
            for q in cell.questions where (sums[q.question] ?? Array(repeating: 0, count: q.counts.count)) != q.counts { return false }
        }
        return Set(expected.keys).isSubset(of: seen)
    }

    /// Checks that an action's outcome is the one planned: a receipt, or the planned refusal.
    static func expect(_ action: Action, _ outcome: Result<Void, any Error>) throws -> Bool {
        switch (outcome, action.refusal) {
        case (.success, nil): return false
        case (.failure(let e), nil): throw e
        case (.success, .some(let code)): throw DemoError.notRefused(code)
        case (.failure(let e), .some(let code)):
            let got =
                (e as? Refusal)?.code.rawValue ?? (e as? BoardClientError).flatMap { if case .refused(let b) = $0 { b.code } else { nil } }
            guard got == code.rawValue else { throw e }
            return true
        }
    }

    /// Runs the referendum straight on a record directory (no server): the board's checks run in
    /// this process through FileBoard, the acceptance rules in front of the record files.
    public func run(at dir: RecordDirectory) throws -> Outcome {
        let stopwatch = Stopwatch()
        let lap = stopwatch.lap
        let plan = try plan(lap: lap)
        let manifest = plan.manifest, context = plan.context, trustees = plan.trustees, boardKey = plan.boardKey
        let secretShares = plan.secretShares, closes = plan.closes
        let board = try FileBoard.create(at: dir, manifestBytes: plan.manifestBytes, at: plan.setupTime, durable: false)
        var boardTime = plan.setupTime
        func tick() -> Date {
            boardTime += 60
            return boardTime
        }
        for c in plan.commitments { try board.submit(.trusteeCommitment(c), at: tick(), workers: workers) }
        try board.submit(
            .keyCeremony(
                KeyCeremonyResult(jointKey: context.jointKey, verificationKeys: context.verificationKeys, contextHash: context.contextHash)),
            at: tick())
        for l in plan.lists { try board.submit(.credentialList(l), at: tick()) }
        let actions = plan.actions, encrypted = plan.encrypted

        // The board checks and appends, in time order; casts between challenges and roll changes
        // go in parallel batches.
        let castBar = ProgressBar("casting ballots", total: actions.count, enabled: showProgress)
        var batch = [(Action, EncryptedBallot)]()
        var cast = 0, refused = 0
        func flush() throws {
            let results = board.castBatch(batch.map { ($0.1, $0.0.time) }, workers: workers)
            for ((a, _), r) in zip(batch, results) where try Self.expect(a, r.map { _ in () }) { refused += 1 }
            cast += batch.count
            castBar.advance(by: batch.count)
            batch.removeAll()
        }
        let team = try OfflineTeam(directory: dir, manifest: manifest, manifestHash: context.manifestHash, opens: plan.opens)
        func upload(at time: Date) throws {
            try flush()
            for (item, ballot) in try team.startUpload(at: time) {
                try team.outbox.markCast(item.number, seq: try board.cast(ballot, at: time).seq, receipt: [])
                cast += 1
            }
        }
        for (a, sealed) in zip(actions, encrypted) {
            if team.due(at: a.time) { try upload(at: a.time) }
            switch a.step {
            case .cast where a.offline:
                try team.collect(sealed!.0, hash: sealed!.0.hash(contextHash: context.contextHash), at: a.time)
                castBar.advance()
            case .cast:
                batch.append((a, sealed!.0))
                if batch.count >= 512 { try flush() }
            case .spoil:
                try flush()
                _ = try board.spoil(SpoiledBallot(ballot: sealed!.0, reveals: sealed!.1.reveals), at: a.time)
                castBar.advance()
            case .amend(let amendment):
                try flush()
                try board.submit(.credentialAmendment(amendment), at: a.time)
            case .revoke(let revocation):
                try flush()
                try board.submit(.credentialRevocation(revocation), at: a.time)
            }
        }
        try upload(at: closes.addingTimeInterval(-60))
        castBar.finish()
        lap("casting (board checks)")

        // Close, tally, decrypt with trustees 1 and 3 (trustee 2 absent), combine: each through the rules.
        try board.close(at: closes, boardKey: boardKey)
        var state = try RecordState(LoadedRecord.load(dir))
        let tally = try Tallier.tally(state, workers: workers)
        try board.submit(.tally(tally), at: closes.addingTimeInterval(600), workers: workers)
        lap("tally")
        let absent = plan.absent
        for (i, t) in trustees.enumerated() where i + 1 != absent {
            let shares = try t.decrypt(tally: tally, secretShare: secretShares[i], context: context, workers: workers)
            try board.submit(.decryptionShares(shares), at: closes.addingTimeInterval(3_600 + Double(i)), workers: workers)
        }
        state = try RecordState(LoadedRecord.load(dir))
        let (result, _) = try Tallier.combine(state, context: context, workers: workers)
        try board.submit(.result(result), at: closes.addingTimeInterval(7_200), workers: workers)
        try board.signTreeHead(boardKey: boardKey)
        lap("decryption")

        let report = RecordVerifier.verify(try LoadedRecord.load(dir), workers: workers)
        lap("verification")
        return plan.outcome(
            directory: dir, result: result, report: report, matchesIntent: try matchesIntent(plan, result, record: dir),
            ballotsCast: cast - refused,
            refused: refused, offline: team, timings: stopwatch.laps)
    }
}

extension DemoScenario.Plan {
    /// What the run did and found, with the plan's figures.
    func outcome(
        directory: RecordDirectory, result: ElectionResult, report: VerificationReport, matchesIntent: Bool, ballotsCast: Int,
        refused: Int, offline: OfflineTeam, timings: [(String, Double)]
    ) -> DemoScenario.Outcome {
        DemoScenario.Outcome(
            directory: directory, result: result, report: report, matchesIntent: matchesIntent, ballotsCast: ballotsCast,
            revotes: revotes, challenges: challenges, stationOverrides: stationOverrides, revocations: revocations,
            addedVoters: addedVoters, refusedAsExpected: refused, mergedAggregates: result.cells.count { $0.members != nil },
            offlineBallots: offline.collected, offlineUploads: offline.uploads, absentTrustee: absent, timings: timings)
    }
}

/// The demo's own failures: the board did not do what the rules say.
enum DemoError: Error, CustomStringConvertible {
    case notRefused(RefusalCode)

    var description: String {
        switch self {
        case .notRefused(let code): "the board accepted a ballot it must refuse with \(code.rawValue)"
        }
    }
}

/// Times the steps of a run: each `lap` records the time since the previous one.
final class Stopwatch {
    private(set) var laps = [(String, Double)]()
    private var start = Date()

    func lap(_ name: String) {
        let now = Date()
        laps.append((name, now.timeIntervalSince(start)))
        start = now
    }
}
