import BoardAPI
import BoardStorage
import ElectionProtocol
import ElectionRecord
import ElectionRules
import Foundation
import PlebisciteCrypto
import Ristretto
import TransparencyLog

/// The bulletin board's logic on any BoardStore: it checks everything the verifier would check
/// for an entry before appending it, serves receipts, tree heads and proofs, and keeps a cache
/// of each election's state that it brings up to date from the store before every append, so
/// several board servers can share one database.
public actor BoardService {
    /// Reached only through `appendAtTail` for appends: nothing else writes the log.
    let store: any BoardStore
    public nonisolated let boardKey: Ed25519.SigningKey
    let clock: @Sendable () -> Date
    var elections: [String: ElectionCache] = [:]
    /// Ballots checked and waiting for their election's next group commit.
    var pending: [String: [PendingBallot]] = [:]
    var flushing: Set<String> = []

    /// What the board needs from an election's log so far to check and place the next entry: the
    /// acceptance rules' ledger (setup, phase, spoiled hashes, tally, share sets) and the tree, but
    /// neither the lines nor the ballots (they stay in the store, whose unique index on ballot
    /// hashes, cast or spoiled, finds a ballot posted again and refuses a second line for one).
    struct ElectionCache {
        var ledger: RecordLedger
        var tree: MerkleTree
        /// Each credential's latest cast ballot (where it is), for telling a tracked ballot that
        /// counts from one superseded. Memory: one entry per voter who cast.
        var latestBallot: [Element: Int] = [:]
        /// Ballots and spoiled ballots per precinct and channel, for observers (counts only).
        var counts: [String: [Channel: ElectionStatus.Count]] = [:]

        var manifest: Manifest { ledger.manifest }
        var lastHash: Digest { ledger.lastHash }
        var lastTime: Date? { ledger.lastTime }

        /// The head of the cached tree, signed: timed at its last entry (PROTOCOL.md 5), so any
        /// server signs the same head for the same log.
        func signedHead(_ key: Ed25519.SigningKey) -> SignedTreeHead { SignedTreeHead.sign(tree, key: key, lastEntryAt: lastTime) }

        mutating func absorb(_ e: RecordedEntry) {
            tree.append(leafHash: MerkleHash.leaf(e.line))
            ledger.fold(e)
            switch e.entry.payload {
            case .ballot(let b):
                latestBallot[b.credential] = e.entry.seq
                counts[b.precinct, default: [:]][b.channel, default: .init(precinct: b.precinct, channel: b.channel)].ballots += 1
            case .spoiledBallot(let s):
                let b = s.ballot
                counts[b.precinct, default: [:]][b.channel, default: .init(precinct: b.precinct, channel: b.channel)].spoiled += 1
            default: break
            }
        }
    }

    /// The cached trees forget hashes inside blocks of `treeBlock` leaves (a power of two, at least
    /// the largest batch) once two blocks behind the end: a batch's receipts never need the store,
    /// older proofs read one block from it.
    let treeBlock: Int

    public init(
        store: any BoardStore, boardKey: Ed25519.SigningKey, treeBlock: Int = 1024, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.treeBlock = treeBlock
        self.store = store
        self.boardKey = boardKey
        self.clock = clock
    }

    func now() -> Date { Date(timeIntervalSince1970: clock().timeIntervalSince1970.rounded(.down)) }

    // MARK: - Elections

    /// Publishes a manifest (exact bytes); its board key must be this board's.
    public func createElection(manifestBytes: [UInt8]) async throws(BoardError) -> String {
        let manifest: Manifest
        do { manifest = try RecordCoding.decodeStrict(Manifest.self, from: manifestBytes) } catch { throw .malformed("manifest: \(error)") }
        let problems = manifest.problems()
        guard problems.isEmpty else { throw .invalidEntry(problems.map { CheckFailure(.manifestWellFormed, $0) }) }
        guard manifest.boardKey == boardKey.publicKey else {
            throw .invalidEntry([CheckFailure(.manifestWellFormed, "the manifest names another board key")])
        }
        do {
            try await store.createElection(id: manifest.electionId, manifest: manifestBytes)
        } catch .electionExists(let id) {
            throw BoardError(.electionExists, "election \(id) already exists")
        } catch { throw .storage("\(error)") }
        let ref = ManifestReference(electionId: manifest.electionId, manifestHash: ProtocolHashes.manifestHash(manifestBytes))
        _ = try await commitEntry(manifest.electionId, .manifest(ref), Precheck())
        return manifest.electionId
    }

    /// Brings the cache up to the store's tail (entries appended by other board servers). The cache
    /// is changed in place after each await, so concurrent calls never put back an older copy.
    func synced(_ id: String) async throws(BoardError) -> ElectionCache {
        if elections[id] == nil {
            let bytes = try await manifest(id)
            guard let m = try? RecordCoding.decode(Manifest.self, from: bytes) else {
                throw .storage("stored manifest of \(id) does not decode")
            }
            if elections[id] == nil {
                elections[id] = ElectionCache(
                    ledger: RecordLedger(manifest: m, manifestHash: ProtocolHashes.manifestHash(bytes), indexesBallots: false),
                    tree: MerkleTree(blockSize: treeBlock))
            }
        }
        let tail: LogTail
        do { tail = try await store.tail(electionId: id) } catch { throw .storage("\(error)") }
        let start = elections[id]!.tree.size
        if tail.count > start {
            let lines: [[UInt8]]
            do { lines = try await store.lines(electionId: id, range: start..<tail.count) } catch { throw .storage("\(error)") }
            for (offset, line) in lines.enumerated() where start + offset == elections[id]!.tree.size {
                elections[id]!.absorb(RecordedEntry(entry: try Self.decodeStored(LogEntry.self, line), line: line))
            }
        }
        return elections[id]!
    }

    /// Appends the payloads that `choose` picks from the cache, in one store transaction at the
    /// board's clock (`choose` gets that time too, and may refuse). `choose` also gets where the
    /// store holds `ballotHashes` (its unique index, asked once per try), so the rules find a ballot
    /// posted again before any rule of its position. The first try trusts the cache without reading
    /// the store's tail: the store appends only if its tail is still where the cache ends. When
    /// another board server appended first (the tail moved, or it stored one of these ballots), it
    /// catches up and asks `choose` again, so what `choose` checked is what the entries follow.
    /// Entry times never go back: each is at least the time of the entry before it. A storage
    /// failure is never taken for a duplicate: it is answered as `storageUnavailable`. Returns what
    /// `choose` decided and the appended entries.
    func appendAtTail<Decision>(
        _ id: String, ballotHashes: [Digest] = [],
        _ choose: (ElectionCache, Date, KnownBallots) throws(BoardError) -> (Decision, [(payload: EntryPayload, ballotHash: Digest?)])
    ) async throws(BoardError) -> (Decision, [RecordedEntry]) {
        for attempt in 0..<8 {
            var stored = [Digest: Int]()
            if !ballotHashes.isEmpty {
                do { stored = try await store.sequences(electionId: id, ballotHashes: ballotHashes) } catch { throw .storage("\(error)") }
            }
            let decision: Decision
            let entries: [RecordedEntry]
            let payloads: [(payload: EntryPayload, ballotHash: Digest?)]
            let expected: Int
            // The cache's copy lives only in this block: held while the entries are absorbed below,
            // it would make the absorb copy the cache's dictionaries whole (O(ballots) per commit).
            do {
                let cache: ElectionCache
                let caughtUp: Bool
                // A ballot stored beyond the cache's end: catch up, so that the ledger tells a spoiled one.
                if attempt == 0, let cached = elections[id], stored.values.allSatisfy({ $0 < cached.tree.size }) {
                    (cache, caughtUp) = (cached, false)
                } else {
                    (cache, caughtUp) = (try await synced(id), true)
                }
                let known = KnownBallots(
                    stored.reduce(into: [:]) {
                        $0[$1.key] = BallotSighting(seq: $1.value, spoiled: cache.ledger.spoiled[$1.key] == $1.value)
                    })
                let time = max(now(), cache.lastTime ?? .distantPast)
                // A cache that may be behind decides only what an append confirms (the store appends
                // only at the tail the cache ends at); a refusal, or nothing to append, is decided
                // again on the caught-up log.
                do { (decision, payloads) = try choose(cache, time, known) } catch  where !caughtUp { continue }
                if payloads.isEmpty {
                    if caughtUp { return (decision, []) }
                    continue
                }
                var made = [RecordedEntry]()
                var prev = cache.lastHash
                for (offset, p) in payloads.enumerated() {
                    let entry = LogEntry(seq: cache.tree.size + offset, prev: prev, at: time, payload: p.payload)
                    do { made.append(RecordedEntry(entry: entry, line: try RecordCoding.encode(entry))) } catch {
                        throw .malformed("cannot encode the entry: \(error)")
                    }
                    prev = made[offset].hash
                }
                (entries, expected) = (made, cache.tree.size)
            }
            let lines = zip(entries, payloads).map { StoredLine(line: $0.line, ballotHash: $1.ballotHash) }
            do {
                _ = try await store.appendBatch(electionId: id) { tail in
                    guard tail.count == expected else { throw BoardStoreError.tailMoved }
                    return lines
                }
            } catch BoardStoreError.tailMoved {
                continue  // another board server appended: catch up and choose again
            } catch BoardStoreError.ballotTaken {
                continue  // another board server stored one of these ballots: ask the index again
            } catch { throw .storage("\(error)") }
            // Absorb unless a concurrent sync already read these lines back from the store.
            for e in entries where elections[id]?.tree.size == e.entry.seq { elections[id]?.absorb(e) }
            return (decision, entries)
        }
        throw .storage("the log kept moving: too many concurrent appends, try again")
    }

    /// The payloads to append for `payload` at `time` by the acceptance rules, as `appendAtTail`'s
    /// `choose` wants them: the entry's index and the entry, or the index of the same entry already
    /// there and nothing; a refusal throws.
    static func decided(
        _ cache: ElectionCache, _ payload: EntryPayload, _ pre: Precheck, at time: Date, ballots: KnownBallots
    ) throws(BoardError) -> (Int, [(payload: EntryPayload, ballotHash: Digest?)]) {
        switch cache.ledger.decide(payload, pre, at: time, ballots: ballots) {
        case .append: return (cache.tree.size, [(payload, pre.ballotHash)])
        case .alreadyThere(let seq, _): return (seq, [])
        case .refuse(let r): throw .refused(r)
        }
    }

    /// Appends `payload`, whose expensive checks gave `pre`, if the rules accept it at the tail.
    /// Returns its index, or that of the same entry posted before (`appended` false).
    func commitEntry(_ id: String, _ payload: EntryPayload, _ pre: Precheck) async throws(BoardError) -> (seq: Int, appended: Bool) {
        let (seq, entries) = try await appendAtTail(id, ballotHashes: pre.ballotHash.map { [$0] } ?? []) {
            cache, time, known throws(BoardError) in
            try Self.decided(cache, payload, pre, at: time, ballots: known)
        }
        return (seq, !entries.isEmpty)
    }

    /// The ledger as of the store's tail.
    func syncedLedger(_ id: String) async throws(BoardError) -> RecordLedger { try await synced(id).ledger }

    // MARK: - Entries from the administrator and trustees

    /// Publishes a trustee commitment, complaint, key-ceremony result, credential list, tally,
    /// decryption shares or result, by the acceptance rules (PROTOCOL.md 6.4): its expensive checks
    /// run in the caller's task against the caught-up log, the decision inside the append at the
    /// tail. The same entry posted again gets its first index and appends nothing.
    public nonisolated func publish(_ id: String, _ payload: EntryPayload) async throws(BoardError) -> Int {
        switch payload {
        case .trusteeCommitment, .complaint, .keyCeremony, .credentialList, .credentialAmendment, .credentialRevocation, .tally,
            .decryptionShares, .result:
            break
        case .manifest, .ballot, .spoiledBallot, .close:
            throw .malformed("\(payload.kind) entries are not published this way")
        }
        let ledger = try await syncedLedger(id)
        var recount: EncryptedTally?
        // Once closed, no ballot can follow: a recount of the log as it is now holds at the tail.
        if case .tally = payload, ledger.close != nil { recount = try await self.recount(id, ledger: ledger) }
        let pre = ledger.precheck(payload, recount: recount, workers: Parallel.cores)
        let (seq, appended) = try await commitEntry(id, payload, pre)
        // The result's head is signed once: a re-post appends nothing and signs nothing.
        if case .result = payload, appended { _ = try await signTreeHead(id) }
        return seq
    }

    // MARK: - Setup as clients see it

    /// The trustees' indices (1...n), for telling whose token a request carries.
    public func trusteeIndices(_ id: String) async throws(BoardError) -> [Int] {
        if let cache = elections[id] { return cache.manifest.trustees.map(\.index).sorted() }
        return try await synced(id).manifest.trustees.map(\.index).sorted()
    }

    /// The public values a client needs to encrypt and the board needs to check, once set up.
    public func context(_ id: String) async throws(BoardError) -> (ElectionContext, CredentialRegistry) {
        let ledger = try await syncedLedger(id)
        guard let c = ledger.context else { throw .wrongPhase("the key ceremony is not finished") }
        return (c, ledger.registry)
    }

    // MARK: - Close

    /// Appends the close marker, signed over the entry it follows and its time, both from the log
    /// it is appended to; refused before the window ends or when closed. Signs and stores a tree head.
    public func close(_ id: String) async throws(BoardError) -> SignedTreeHead {
        _ = try await appendAtTail(id) { cache, time, known throws(BoardError) in
            let signature = boardKey.signature(
                for: ProtocolHashes.closeMessage(
                    manifestHash: cache.ledger.manifestHash, previous: cache.lastHash, closedAt: Int64(time.timeIntervalSince1970)))
            return try Self.decided(cache, .close(CloseMarker(closedAt: time, signature: signature)), Precheck(), at: time, ballots: known)
        }
        return try await signTreeHead(id)
    }

    // MARK: - Status and entries (tree heads and proofs: BoardService+Proofs)

    /// What observers see of the election now (counts, never contents).
    public func status(_ id: String) async throws(BoardError) -> ElectionStatus {
        let cache = try await synced(id)
        let ledger = cache.ledger
        return ElectionStatus(
            electionId: id, phase: ledger.stage, entries: cache.tree.size, credentials: ledger.registry.counts,
            counts: cache.counts.keys.sorted().flatMap { p in cache.counts[p]!.keys.sorted().map { cache.counts[p]![$0]! } },
            result: ledger.result?.value.summary, questions: ledger.result?.value.questionScopes(manifest: cache.manifest),
            boardTime: now())
    }

    /// Lines read from the store at a time.
    public static let pageSize = 10_000

    /// The manifest's exact published bytes.
    public func manifest(_ id: String) async throws(BoardError) -> [UInt8] {
        do { return try await store.manifest(electionId: id) } catch .unknownElection { throw .unknownElection(id) } catch {
            throw .storage("\(error)")
        }
    }

    /// The heads signed and stored so far (at close and result), oldest first.
    public func storedTreeHeads(_ id: String) async throws(BoardError) -> [SignedTreeHead] {
        _ = try await synced(id)
        do { return try await store.treeHeads(electionId: id) } catch { throw .storage("\(error)") }
    }

    /// The elections on this board.
    public func elections() async throws(BoardError) -> [String] {
        do { return try await store.elections() } catch { throw .storage("\(error)") }
    }

    /// Entries in a range, as their exact lines.
    public func entries(_ id: String, range: Range<Int>) async throws(BoardError) -> [String] {
        try await lines(id, range: range).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The whole record as files: manifest bytes, log lines, stored tree heads.
    /// Complexity: the whole log in memory; `snapshot` and `lines` read it a page at a time.
    public func export(_ id: String) async throws(BoardError) -> (manifest: [UInt8], log: [[UInt8]], heads: [SignedTreeHead]) {
        let s = try await snapshot(id)
        var log = [[UInt8]]()
        try await forEachStoredPage(id, size: s.size) { page throws(BoardError) in log += page }
        return (s.manifest, log, s.heads)
    }

    /// What a record taken now consists of: the manifest, the stored heads and the log's size. The
    /// heads are read before the size, so each covers a prefix of the first `size` lines (another
    /// server may append and sign in between). The lines follow with `lines(_:range:)`.
    public func snapshot(_ id: String) async throws(BoardError) -> (manifest: [UInt8], heads: [SignedTreeHead], size: Int) {
        let manifest = try await manifest(id)
        let heads: [SignedTreeHead]
        do { heads = try await store.treeHeads(electionId: id) } catch { throw .storage("\(error)") }
        let size = try await synced(id).tree.size
        return (manifest, heads.filter { $0.size <= size }, size)
    }

    /// Stored lines in a range of at most `pageSize`, as bytes: the exact published lines.
    public func lines(_ id: String, range: Range<Int>) async throws(BoardError) -> [[UInt8]] {
        let size = try await synced(id).tree.size
        guard range.lowerBound >= 0, range.upperBound <= size, range.count <= Self.pageSize else {
            throw .malformed(
                "entries \(range.lowerBound)..<\(range.upperBound): the log has \(size), at most \(Self.pageSize) per request")
        }
        do { return try await store.lines(electionId: id, range: range) } catch { throw .storage("\(error)") }
    }
}
