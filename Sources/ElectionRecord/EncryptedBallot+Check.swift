import PlebisciteCrypto
import Ristretto

/// The published credentials: which precinct each belongs to, which are revoked, and how many
/// voters each precinct has (listed credentials less revoked ones: a replacement stands for the
/// voter whose credential it replaced).
public struct CredentialRegistry: Sendable {
    public private(set) var precinctOf: [Element: String] = [:]
    public private(set) var counts: [String: Int] = [:]
    /// Revoked credentials (never counted; no ballot may follow the revocation).
    public private(set) var revoked: Set<Element> = []

    public init() {}

    /// Adds a precinct's list; returns credentials that were already registered.
    @discardableResult
    public mutating func add(_ list: CredentialList) -> [Element] { add(list.credentials, to: list.precinct) }

    /// Adds credentials to a precinct (a list or an amendment); returns those already registered,
    /// which are not added again.
    @discardableResult
    public mutating func add(_ credentials: [Element], to precinct: String) -> [Element] {
        var clashes = [Element]()
        for c in credentials {
            if precinctOf[c] != nil { clashes.append(c) } else { precinctOf[c] = precinct }
        }
        counts[precinct, default: 0] += credentials.count - clashes.count
        return clashes
    }

    /// Revokes a credential and registers its replacement in the same precinct.
    public mutating func revoke(_ r: CredentialRevocation) {
        guard let precinct = precinctOf[r.revoked], !revoked.contains(r.revoked) else { return }
        revoked.insert(r.revoked)
        counts[precinct, default: 0] -= 1
        add([r.replacement], to: precinct)
    }
}

extension EncryptedBallot {
    /// The ballot hash, which is the ballot id (PROTOCOL.md 4.7).
    public func hash(contextHash: Digest) -> Digest { ProtocolHashes.ballotHash(contextHash: contextHash, self) }

    /// Checks 6.1 to 6.7 on this ballot alone: everything the verifier checks for a single ballot
    /// except its position in the log. Returns every failure found (empty when valid).
    ///
    /// Complexity: one hash per proof, one decoding per point (commitments, ciphertexts, the
    /// credential), two encodings per question, and one multi-scalar multiplication over all the
    /// points (PROTOCOL.md 8.4); should it fail, one more per proof to name the failing ones.
    public func check(in context: ElectionContext, credentials: CredentialRegistry, hash ballotHash: Digest? = nil) -> [CheckFailure] {
        var batch = ProofBatch()
        let (failures, deferred) = check(in: context, credentials: credentials, hash: ballotHash, equationsInto: &batch)
        return batch.holds() ? failures : failures + deferred.failures()
    }

    /// Checks 6.1 to 6.7 as `check(in:credentials:hash:)` does, except the proofs' equations, which
    /// it adds to `batch` (shared by many ballots: PROTOCOL.md 8.4). Returns the failures found and
    /// the proofs whose equations were added: should the batch not hold, they name the failing ones.
    public func check(
        in context: ElectionContext, credentials: CredentialRegistry, hash ballotHash: Digest?, equationsInto batch: inout ProofBatch
    ) -> (failures: [CheckFailure], deferred: DeferredProofs) {
        var failures = [CheckFailure]()
        let manifest = context.manifest
        if electionId != manifest.electionId {
            failures.append(CheckFailure(.ballotElection, "ballot is for election \(electionId), not \(manifest.electionId)"))
        }
        let ballotHash = ballotHash ?? hash(contextHash: context.contextHash)

        // 6.3: channel and device.
        if !manifest.channels.contains(channel) {
            failures.append(CheckFailure(.ballotChannel, "channel \(channel.rawValue) is not allowed in this election"))
        }
        if channel == .remote {
            if device != nil || deviceSignature != nil {
                failures.append(CheckFailure(.ballotChannel, "remote ballots carry no device and no device signature"))
            }
        } else if let deviceId = device {
            if let d = manifest.device(deviceId) {
                if d.channel != channel {
                    failures.append(
                        CheckFailure(.ballotChannel, "device \(deviceId) is a \(d.channel.rawValue) device, not \(channel.rawValue)"))
                }
                let message = ProtocolHashes.deviceMessage(ballotHash: ballotHash)
                if !(deviceSignature.map { d.signingKey.isValidSignature($0.bytes, for: message) } ?? false) {
                    failures.append(CheckFailure(.ballotChannel, "device signature of \(deviceId) is missing or invalid"))
                }
            } else {
                failures.append(CheckFailure(.ballotChannel, "unknown device \(deviceId)"))
            }
        } else {
            failures.append(CheckFailure(.ballotChannel, "\(channel.rawValue) ballots must name their device"))
        }

        // 6.4 and 6.5: credential and signature.
        if credentials.precinctOf[credential] != precinct {
            let actual = credentials.precinctOf[credential].map { "precinct \($0)" } ?? "no precinct"
            failures.append(
                CheckFailure(.ballotCredential, "credential \(credential.hex.prefix(16))... belongs to \(actual), not \(precinct)"))
        }
        // 6.5, 6.6 and 6.7: the credential's signature and the proofs. Their hashes are checked
        // one by one; their equations all together, as one batch (PROTOCOL.md 8.4). Should the
        // batch not hold, each proof is checked in a batch of its own, so every failing one is named.
        var deferred = DeferredProofs()
        func check(_ code: Check, _ what: String, _ body: @escaping DeferredProofs.Body) {
            do {
                try body(&batch)
                deferred.items.append((code, what, body))
            } catch {
                failures.append(CheckFailure(code, "\(what) fails (\(error))"))
            }
        }
        let contextHash = context.contextHash
        check(.ballotSignature, "credential signature") { [signature, credential] (batch: inout ProofBatch) throws(ProofError) in
            try signature.check(message: ballotHash.bytes, key: credential, context: contextHash.bytes, into: &batch)
        }
        // 6.2: ballot style, then 6.6 and 6.7 proofs.
        style: do {
            guard let p = manifest.precinct(precinct) else {
                failures.append(CheckFailure(.ballotStyle, "unknown precinct \(precinct)"))
                break style
            }
            guard answers.map(\.question) == p.questions else {
                failures.append(
                    CheckFailure(
                        .ballotStyle, "answers \(answers.map(\.question)) do not match precinct \(precinct)'s questions \(p.questions)"))
                break style
            }
            let key = context.jointKey
            for answer in answers {
                guard let q = manifest.question(answer.question), answer.selections.count == q.options.count else {
                    failures.append(CheckFailure(.ballotStyle, "question \(answer.question) needs one selection per option"))
                    continue
                }
                for (i, s) in answer.selections.enumerated() {
                    // 6.11: alpha = r*B is the identity only for r = 0, and then beta = v*B shows the vote.
                    if s.ciphertext.alpha.isIdentity {
                        failures.append(
                            CheckFailure(
                                .selectionNotInClear,
                                "question \(q.id) option \(i): the ciphertext's first component is the identity (nonce 0)"
                            ))
                    }
                    let ctx = ProtocolHashes.selectionContext(
                        contextHash: contextHash, credential: credential, question: q.id, option: i)
                    check(.selectionProofs, "question \(q.id) option \(i): 0/1 proof") { (batch: inout ProofBatch) throws(ProofError) in
                        try s.proof.check(ciphertext: s.ciphertext, key: key, lower: 0, upper: 1, context: ctx, into: &batch)
                    }
                }
                let ctx = ProtocolHashes.countContext(contextHash: contextHash, credential: credential, question: q.id)
                let parts = answer.selections.map(\.ciphertext)
                // The selections' points are in the batch already (unless a proof failed before them).
                var summed = CiphertextSum()
                for part in parts { summed.add(part, decodedIn: batch) }
                let sum = summed.value
                check(.countProofs, "question \(q.id): selection-count proof") { (batch: inout ProofBatch) throws(ProofError) in
                    try answer.countProof.check(
                        ciphertext: sum, parts: parts, key: key, lower: q.minSelections, upper: q.maxSelections, context: ctx,
                        into: &batch)
                }
            }
        }
        return (failures, deferred)
    }
}

/// A ballot's proofs whose equations went into a batch (PROTOCOL.md 8.4), kept to name the
/// failing ones should the batch not hold.
public struct DeferredProofs {
    public typealias Body = (inout ProofBatch) throws(ProofError) -> Void
    var items: [(check: Check, what: String, body: Body)] = []

    /// Whether these equations hold in a batch of their own (one multi-scalar multiplication).
    public func hold() -> Bool {
        var batch = ProofBatch()
        do {
            for item in items { try item.body(&batch) }
        } catch { return false }
        return batch.holds()
    }

    /// Every proof whose equations fail, each checked in a batch of its own, with its check (6.5,
    /// 6.6 or 6.7); called when a batch holding them does not hold.
    public func failures() -> [CheckFailure] {
        var failures = [CheckFailure]()
        for item in items {
            var own = ProofBatch()
            do {
                try item.body(&own)
                if !own.holds() { throw ProofError.commitmentMismatch }
            } catch {
                failures.append(CheckFailure(item.check, "\(item.what) fails (\(error))"))
            }
        }
        // Only with probability 2^-128 does a batch fail while every proof holds alone.
        if failures.isEmpty, let first = items.first {
            failures.append(CheckFailure(first.check, "the ballot's proofs fail together, each holds alone"))
        }
        return failures
    }
}

extension SpoiledBallot {
    /// Check 7.2: the revealed values and nonces reproduce every ciphertext, and are allowed choices.
    public func checkReveal(in context: ElectionContext) -> [CheckFailure] {
        var failures = [CheckFailure]()
        guard reveals.count == ballot.answers.count else {
            return [CheckFailure(.spoiledReveal, "\(reveals.count) revealed answers for \(ballot.answers.count) questions")]
        }
        for (answer, reveal) in zip(ballot.answers, reveals) {
            guard reveal.count == answer.selections.count else {
                failures.append(CheckFailure(.spoiledReveal, "question \(answer.question): wrong number of revealed selections"))
                continue
            }
            for (i, (s, r)) in zip(answer.selections, reveal).enumerated() {
                guard r.value == 0 || r.value == 1 else {
                    failures.append(CheckFailure(.spoiledReveal, "question \(answer.question) option \(i): value \(r.value) is not 0 or 1"))
                    continue
                }
                if Ciphertext.encrypt(bit: UInt8(r.value), nonce: r.nonce, key: context.jointKey) != s.ciphertext {
                    failures.append(
                        CheckFailure(
                            .spoiledReveal, "question \(answer.question) option \(i): nonce and value do not reproduce the ciphertext"))
                }
            }
        }
        return failures
    }

    /// The plaintext choices the reveal shows, per question (option indices selected).
    public var revealedChoices: [[Int]] {
        reveals.map { $0.enumerated().filter { $0.element.value == 1 }.map(\.offset) }
    }
}
