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
        var seq: Int
        /// The log's length in bytes once this entry's line was written.
        var logEnd: UInt64
        var at: Date
        var ballotHash: Digest
        /// The credential's 32 bytes (not decoded: reading the index stays cheap).
        var credential: Digest
        var entryHash: Digest

        /// kind (1) + seq (8) + logEnd (8) + at (8, Unix seconds) + three 32-byte values, little-endian.
        static let size = 121

        var bytes: [UInt8] {
            var out = [spoiled ? 1 : 0] as [UInt8]
            for v in [UInt64(seq), logEnd, UInt64(bitPattern: Int64(at.timeIntervalSince1970))] {
                withUnsafeBytes(of: v.littleEndian) { out += $0 }
            }
            return out + ballotHash.bytes + credential.bytes + entryHash.bytes
        }

        init(spoiled: Bool, seq: Int, logEnd: UInt64, at: Date, ballotHash: Digest, credential: Digest, entryHash: Digest) {
            self.spoiled = spoiled
            self.seq = seq
            self.logEnd = logEnd
            self.at = at
            self.ballotHash = ballotHash
            self.credential = credential
            self.entryHash = entryHash
        }

        init?(_ b: ArraySlice<UInt8>) {
            guard b.count == Self.size, b.first! <= 1 else { return nil }
            func u64(_ offset: Int) -> UInt64 {
                b.dropFirst(offset).prefix(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
            }
            func digest(_ offset: Int) -> Digest? { try? Digest(bytes: Array(b.dropFirst(offset).prefix(32))) }
            guard let h = digest(25), let c = digest(57), let e = digest(89), u64(1) < UInt64(Int.max) else { return nil }
            self.init(
                spoiled: b.first! == 1, seq: Int(u64(1)), logEnd: u64(9),
                at: Date(timeIntervalSince1970: Double(Int64(bitPattern: u64(17)))),
                ballotHash: h, credential: c, entryHash: e)
        }
    }

    /// The ledger file: a snapshot and the log length it covers.
    struct LedgerFile: Codable {
        var logEnd: UInt64
        var ledger: RecordLedger.Snapshot
    }

    let folder: URL
    var ledgerURL: URL { folder.appendingPathComponent("ledger.json") }
    var ballotsURL: URL { folder.appendingPathComponent("ballots.idx") }

    init(_ record: RecordDirectory) { folder = record.url.appendingPathComponent(".index") }

    /// The saved snapshot, if there is one that reads.
    func ledger() -> LedgerFile? {
        guard let data = FileManager.default.contents(atPath: ledgerURL.path) else { return nil }
        return try? RecordCoding.decoder().decode(LedgerFile.self, from: data)
    }

    /// Every indexed ballot, in order; nil if the file is missing or not whole records.
    func ballots() -> [Ballot]? {
        guard let data = FileManager.default.contents(atPath: ballotsURL.path), data.count % Ballot.size == 0 else { return nil }
        let bytes = [UInt8](data)
        var out = [Ballot]()
        out.reserveCapacity(bytes.count / Ballot.size)
        for start in stride(from: 0, to: bytes.count, by: Ballot.size) {
            guard let b = Ballot(bytes[start..<start + Ballot.size]) else { return nil }
            out.append(b)
        }
        return out
    }

    /// Replaces the snapshot (written aside, then renamed: never half a file).
    func save(_ snapshot: RecordLedger.Snapshot, logEnd: UInt64) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(try RecordCoding.encode(LedgerFile(logEnd: logEnd, ledger: snapshot))).write(to: ledgerURL, options: .atomic)
    }

    /// Appends ballots to the index.
    func append(_ ballots: [Ballot]) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: ballotsURL.path) {
            FileManager.default.createFile(atPath: ballotsURL.path, contents: nil)
        }
        guard let h = FileHandle(forWritingAtPath: ballotsURL.path) else { throw RecordError.io("cannot open \(ballotsURL.path)") }
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: Data(ballots.flatMap(\.bytes)))
    }

    /// Starts the index afresh with `ballots`.
    func reset(ballots: [Ballot]) throws {
        try? FileManager.default.removeItem(at: ballotsURL)
        try append(ballots)
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
