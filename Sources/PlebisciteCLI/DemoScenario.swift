import ElectionProtocol
import ElectionRecord
import ElectionVerifier
import Foundation
import PlebisciteCrypto
import Ristretto

/// A complete simulated referendum on the embedded (file) record: three regions, all three
/// channels, re-votes that override coerced ballots, Benaloh challenges, 3 trustees with
/// threshold 2 and one trustee absent at decryption. Used by `plebiscite demo` and the tests.
public struct DemoScenario: Sendable {
    public var voters: Int
    public var seed: UInt64
    public var workers: Int
    public var showProgress: Bool
    /// Share of voters coerced into a mobile "yes" who later re-vote remotely.
    public var revoteRate = 0.04
    /// Share of voters who challenge (spoil) a first encryption before casting.
    public var challengeRate = 0.02

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
        public var absentTrustee: Int
        public var timings: [(String, Double)]
    }

    /// One simulated voter action, in time order.
    struct Action {
        var time: Date
        var voter: Int
        var precinct: String
        var channel: Channel
        var device: String?
        var choices: [String: [Int]]
        var spoil: Bool
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
        var issued: [CredentialAuthority.Issued]
        var actions: [Action]
        var encrypted: [(EncryptedBallot, BallotSecrets)]
        var intent: [Int: [String: [Int]]]
        var revotes: Int
        var challenges: Int
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
            ("hills", "Hill Country", 2, 0.63, 0.79),
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
                Precinct(id: "\(r.id)-\(i)", name: "\(r.name) precinct \(i)", questions: r.id == "hills" ? [q1.id, q2.id] : [q1.id])
            }
            regions.append(Region(id: r.id, name: r.name, precincts: precincts))
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
        let manifest = Manifest(
            electionId: "demo-referendum-\(seed)", title: "Demo referendum on the constitutional amendment",
            questions: [q1, q2], regions: regions, channels: [.station, .mobile, .remote],
            window: VotingWindow(opens: opens, closes: closes),
            trustees: trustees.enumerated().map { i, t in
                TrusteeDescriptor(id: t.id, index: i + 1, signingKey: t.signingKey.publicKey, exchangeKey: t.exchangeKey.publicKey)
            },
            threshold: 2, credentialAuthority: authority.signingKey.publicKey, devices: devices, boardKey: boardKey.publicKey)
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

        // Credentials from a voter roll.
        let precinctIds = manifest.precincts.map(\.id)
        let roll = VoterRoll(voters: (0..<voters).map { VoterRoll.Voter(id: "voter-\($0)", precinct: precinctIds[$0 % precinctIds.count]) })
        let (lists, issued) = authority.issue(roll: roll, manifest: manifest, manifestHash: manifestHash)
        lap("credentials")

        // Simulated voting: who votes, how, when; some coerced then overriding, some challenging.
        let window = closes.timeIntervalSince(opens)
        var actions = [Action]()
        var revotes = 0, challenges = 0
        var intent = [Int: [String: [Int]]]()
        for (v, voter) in issued.enumerated() {
            let region = regionSpecs.first { voter.precinct.hasPrefix($0.id + "-") }!
            guard rng.chance(region.turnout) else { continue }
            func choose() -> [String: [Int]] {
                let x = Double.random(in: 0..<1, using: &rng)
                var c = [q1.id: [x < 0.04 ? 2 : (x < 0.04 + region.yes * 0.96 ? 0 : 1)]]
                if region.id == "hills" { c[q2.id] = rng.chance(0.1) ? [] : [rng.chance(0.55) ? 0 : 1] }
                return c
            }
            let r = Double.random(in: 0..<1, using: &rng)
            let channel: Channel = r < 0.7 ? .station : (r < 0.85 ? .mobile : .remote)
            let device: String? =
                channel == .station ? "station-\(voter.precinct)" : channel == .mobile ? "mobile-\(region.id)" : nil
            let t = Double.random(in: 0..<(window * 0.9), using: &rng)
            let choice = choose()
            if rng.chance(revoteRate) {
                // Coerced at home by a mobile team, overridden later in private from the web booth.
                revotes += 1
                var coerced = choice
                coerced[q1.id] = [0]
                actions.append(
                    Action(
                        time: opens + t, voter: v, precinct: voter.precinct, channel: .mobile, device: "mobile-\(region.id)",
                        choices: coerced, spoil: false))
                actions.append(
                    Action(
                        time: opens + t + Double.random(in: 600..<(window * 0.1), using: &rng), voter: v, precinct: voter.precinct,
                        channel: .remote, device: nil, choices: choice, spoil: false))
            } else {
                if rng.chance(challengeRate) {
                    challenges += 1
                    actions.append(
                        Action(
                            time: opens + t, voter: v, precinct: voter.precinct, channel: channel, device: device, choices: choice,
                            spoil: true))
                }
                actions.append(
                    Action(
                        time: opens + t + 120, voter: v, precinct: voter.precinct, channel: channel, device: device, choices: choice,
                        spoil: false))
            }
            intent[v] = choice
        }
        actions.sort { $0.time < $1.time }
        for i in actions.indices { actions[i].time = Date(timeIntervalSince1970: actions[i].time.timeIntervalSince1970.rounded(.down)) }

        // Devices encrypt (in parallel: they are separate machines).
        let encryptor = BallotEncryptor(context: context)
        let encryptBar = ProgressBar("encrypting ballots", total: actions.count, enabled: showProgress)
        let credentials = issued.map(\.credential)
        let keys = deviceKeys
        let encrypted = Parallel.map(actions, workers: workers) { a -> (EncryptedBallot, BallotSecrets) in
            defer { encryptBar.advance() }
            return try! encryptor.encrypt(
                precinct: a.precinct, channel: a.channel, credential: credentials[a.voter],
                device: a.device.map { ($0, keys[$0]!) }, choices: a.choices)
        }
        encryptBar.finish()
        lap("encryption")

        return Plan(
            trustees: trustees, boardKey: boardKey, manifest: manifest, manifestBytes: manifestBytes, commitments: commitments,
            secretShares: secretShares, context: context, lists: lists, issued: issued, actions: actions, encrypted: encrypted,
            intent: intent, revotes: revotes, challenges: challenges, opens: opens, closes: closes)
    }

    /// Whether the decrypted counts equal the simulated voters' final choices.
    func matchesIntent(_ plan: Plan, _ result: ElectionResult) -> Bool {
        let intent = plan.intent, issued = plan.issued, manifest = plan.manifest
        var expected = [String: [String: [Int]]]()
        for (v, choice) in intent {
            let p = issued[v].precinct
            for (q, selected) in choice {
                let n = manifest.question(q)!.options.count
                var counts = expected[p, default: [:]][q, default: Array(repeating: 0, count: n)]
                for o in selected { counts[o] += 1 }
                expected[p, default: [:]][q] = counts
            }
        }
        var matches = true
        for scope in result.summary.precincts {
            for q in scope.questions where expected[scope.id]?[q.question] ?? Array(repeating: 0, count: q.counts.count) != q.counts {
                matches = false
            }
        }
        return matches
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

        // The board checks and appends, in time order; casts between challenges go in parallel batches.
        let castBar = ProgressBar("casting ballots", total: actions.count, enabled: showProgress)
        var batch = [(EncryptedBallot, Date)]()
        var cast = 0
        func flush() throws {
            for r in board.castBatch(batch, workers: workers) { _ = try r.get() }
            cast += batch.count
            castBar.advance(by: batch.count)
            batch.removeAll()
        }
        for (a, (ballot, secrets)) in zip(actions, encrypted) {
            if a.spoil {
                try flush()
                _ = try board.spoil(SpoiledBallot(ballot: ballot, reveals: secrets.reveals), at: a.time)
                castBar.advance()
            } else {
                batch.append((ballot, a.time))
                if batch.count >= 512 { try flush() }
            }
        }
        try flush()
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
        try board.signTreeHead(boardKey: boardKey, at: closes.addingTimeInterval(7_200))
        lap("decryption")

        let report = RecordVerifier.verify(try LoadedRecord.load(dir), workers: workers)
        lap("verification")
        return Outcome(
            directory: dir, result: result, report: report, matchesIntent: matchesIntent(plan, result), ballotsCast: cast,
            revotes: plan.revotes, challenges: plan.challenges, absentTrustee: absent, timings: stopwatch.laps)
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
