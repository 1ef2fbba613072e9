import ElectionRecord
import ElectionRules
import Foundation
import Ristretto

/// What the file-based board keeps beside a record, so that a step costs the same whatever the
/// number of ballots: the log stays the record, and this cache is rebuilt from it whenever the
/// two disagree (a crash between the two writes, a log copied in by hand).
///
///     REC/.index/ledger.json   the rules' ledger after some entry (RecordLedger.Snapshot) and the
///                              log's length in bytes then; rewritten after every entry but ballots
///     REC/.index/ballots.idx   one fixed-size record per ballot and spoiled ballot, in log order:
///                              appended after each
struct RecordIndex {
    /// One ballot or spoiled ballot as the index keeps it.
    struct Ballot: Equatable {
        var spoiled: Bool
        /// A ballot that is final for its credential (a station ballot under `stationFinal`).
        var final: Bool = false
        var seq: Int
        /// The log's length in bytes once this entry's line was written.
        var logEnd: UInt64
        var at: Date
        var ballotHash: Digest
        /// The credential's 32 bytes (not decoded: reading the index stays cheap).
        var credential: Digest
        var entryHash: Digest

        /// kind (1: bit 0 spoiled, bit 1 final) + seq (8) + logEnd (8) + at (8, Unix seconds) + three 32-byte values, little-endian.
        static let size = 121

        var bytes: [UInt8] {
            var out = [(spoiled ? 1 : 0) | (final ? 2 : 0)] as [UInt8]
            for v in [UInt64(seq), logEnd, UInt64(bitPattern: Int64(at.timeIntervalSince1970))] {
                withUnsafeBytes(of: v.littleEndian) { out += $0 }
            }
            return out + ballotHash.bytes + credential.bytes + entryHash.bytes
        }

        init(
            spoiled: Bool, final: Bool = false, seq: Int, logEnd: UInt64, at: Date, ballotHash: Digest, credential: Digest,
            entryHash: Digest
        ) {
            self.spoiled = spoiled
            self.final = final
            self.seq = seq
            self.logEnd = logEnd
            self.at = at
            self.ballotHash = ballotHash
            self.credential = credential
            self.entryHash = entryHash
        }

        /// The record at `offset` of `raw` (nil if it is not one).
        init?(_ raw: UnsafeRawBufferPointer, at offset: Int) {
            guard offset + Self.size <= raw.count, raw[offset] <= 2 else { return nil }
            func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + at, as: UInt64.self)) }
            func digest(_ at: Int) -> Digest? { try? Digest(bytes: Array(raw[(offset + at)..<(offset + at + 32)])) }
            guard let h = digest(25), let c = digest(57), let e = digest(89), u64(1) < UInt64(Int.max) else { return nil }
            self.init(
                spoiled: raw[offset] == 1, final: raw[offset] == 2, seq: Int(u64(1)), logEnd: u64(9),
                at: Date(timeIntervalSince1970: Double(Int64(bitPattern: u64(17)))), ballotHash: h, credential: c, entryHash: e)
        }
    }

    /// The index's ballots as the file holds them, with their ballot hashes in a table: the ballot
    /// index the acceptance rules consult (check 6.9, a re-post's first receipt).
    /// Complexity: O(1) per hash look-up; building it hashes every record once (O(n)).
    struct Ballots: BallotIndex {
        private(set) var raw: [UInt8]
        private var byHash: [Digest: BallotSighting] = [:]

        var count: Int { raw.count / Ballot.size }

        init(raw: [UInt8]) {
            self.raw = raw
            for i in 0..<count { if let b = ballot(i) { note(b) } }
        }

        /// Record `i`, decoded.
        func ballot(_ i: Int) -> Ballot? { raw.withUnsafeBytes { Ballot($0, at: i * Ballot.size) } }

        mutating func append(_ b: Ballot) {
            raw += b.bytes
            note(b)
        }

        private mutating func note(_ b: Ballot) {
            if byHash[b.ballotHash] == nil { byHash[b.ballotHash] = BallotSighting(seq: b.seq, spoiled: b.spoiled) }
        }

        func sighting(of ballotHash: Digest) -> BallotSighting? { byHash[ballotHash] }

        /// The record of the first entry stored under this ballot hash.
        func first(_ ballotHash: Digest) -> Ballot? {
            guard let seq = byHash[ballotHash]?.seq else { return nil }
            // Records are in log order: a binary search by seq.
            var (lo, hi) = (0, count - 1)
            while lo <= hi {
                let mid = (lo + hi) / 2
                guard let b = ballot(mid) else { return nil }
                if b.seq == seq { return b }
                if b.seq < seq { lo = mid + 1 } else { hi = mid - 1 }
            }
            return nil
        }

        /// The first (or, `reverse`, the last) cast ballot whose 32 bytes at `field` are `value`.
        private func find(field: Int, _ value: Digest, reverse: Bool) -> Ballot? {
            raw.withUnsafeBytes { r -> Ballot? in
                let target = value.bytes
                let n = count
                for k in 0..<n {
                    let i = reverse ? n - 1 - k : k
                    guard r[i * Ballot.size] & 1 == 0 else { continue }  // cast ballots only
                    if memcmp(r.baseAddress! + i * Ballot.size + field, target, 32) == 0 { return Ballot(r, at: i * Ballot.size) }
                }
                return nil
            }
        }

        /// The latest cast ballot of this credential (whose 32 bytes are `credential`).
        func latest(of credential: Digest) -> Ballot? { find(field: 57, credential, reverse: true) }
    }

    /// The ledger file: a snapshot and the log length it covers, and the version of the index's
    /// format: an index of another version (or none: before versions) is rebuilt from the log.
    struct LedgerFile: Codable {
        var version: Int?
        var logEnd: UInt64
        var ledger: RecordLedger.Snapshot
    }

    /// The format of ledger.json and ballots.idx this code writes. 2: versioned, and every entry
    /// of the log decided by the acceptance rules when the index is built.
    static let version = 2

    let folder: URL
    var ledgerURL: URL { folder.appendingPathComponent("ledger.json") }
    var ballotsURL: URL { folder.appendingPathComponent("ballots.idx") }

    init(_ record: RecordDirectory) { folder = record.url.appendingPathComponent(".index") }

    /// The saved snapshot, if there is one that reads.
    func ledger() -> LedgerFile? {
        guard let data = FileManager.default.contents(atPath: ledgerURL.path) else { return nil }
        return try? RecordCoding.decoder().decode(LedgerFile.self, from: data)
    }

    /// The indexed ballots, in order; nil if the file is missing or not whole records.
    func ballots() -> Ballots? {
        guard let data = FileManager.default.contents(atPath: ballotsURL.path), data.count % Ballot.size == 0 else { return nil }
        return Ballots(raw: [UInt8](data))
    }

    /// Replaces the snapshot (written aside, then renamed: never half a file).
    func save(_ snapshot: RecordLedger.Snapshot, logEnd: UInt64) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(try RecordCoding.encode(LedgerFile(version: Self.version, logEnd: logEnd, ledger: snapshot))).write(
            to: ledgerURL, options: .atomic)
    }

    /// Appends ballots to the index.
    func append(_ ballots: [Ballot]) throws { try append(raw: ballots.flatMap(\.bytes)) }

    /// Appends whole records to the index.
    func append(raw: [UInt8]) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let h = try FileHandle.forWritingRecord(ballotsURL, create: true)
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: Data(raw))
    }

    /// Starts the index afresh with these whole records.
    func reset(raw: [UInt8]) throws {
        try? FileManager.default.removeItem(at: ballotsURL)
        try append(raw: raw)
    }

    /// The last line of the log file (without its newline), read from the end.
    static func lastLine(of url: URL) throws -> [UInt8]? {
        guard let h = FileHandle(forReadingAtPath: url.path) else { throw RecordError.io("cannot read \(url.path)") }
        defer { try? h.close() }
        let end = try h.seekToEnd()
        guard end > 0 else { return nil }
        var tail = [UInt8]()
        var position = end
        while position > 0 {
            let step = min(position, 65_536)
            position -= step
            try h.seek(toOffset: position)
            let chunk = [UInt8](try h.read(upToCount: Int(step)) ?? Data())
            tail = chunk + tail
            // The line ends with "\n"; the one before it ends the line before.
            if let cut = tail.dropLast().lastIndex(of: UInt8(ascii: "\n")) { return Array(tail[(cut + 1)..<(tail.count - 1)]) }
        }
        return tail.last == UInt8(ascii: "\n") ? Array(tail.dropLast()) : tail
    }
}
