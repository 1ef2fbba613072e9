import ElectionProtocol
import ElectionRecord
import Foundation
import PlebisciteCrypto
import Ristretto
import Testing

/// The hand-written canonical JSON (ballots, ballot lines, line headers) against Foundation's
/// coders: the same bytes written, the same values read, and nothing read that Foundation would
/// read differently.
@Suite("Canonical JSON by hand")
struct CanonicalJSONTests {
    /// Strings that need every kind of escape, and some that need none.
    static let awkward = [
        "p1", "", "quote \" and backslash \\", "slash / stays", "tab\tnew\nline\rcr", "\u{0}\u{1}\u{8}\u{c}\u{1f}\u{7f}",
        "é ü 中文 😀", "\u{2028}\u{feff}",
    ]

    /// Ballots of both kinds (with and without a device), with awkward strings in every string field.
    static func ballots() throws -> [EncryptedBallot] {
        let f = try Fixture()
        try f.setUp()
        let plain = try f.ballot("p1", voter: 0, choices: ["ref": [1]]).0
        let station = try f.ballot("p2", voter: 1, choices: ["ref": [0], "pick": [1, 2]], channel: .station).0
        var out = [plain, station]
        for s in awkward {
            var b = station
            b.electionId = s
            b.precinct = s
            b.device = s
            b.answers[0].question = s
            out.append(b)
        }
        return out
    }

    static func foundationBytes(_ value: some Encodable) throws -> [UInt8] { Array(try RecordCoding.encoder().encode(value)) }

    static func fast<T: CanonicalJSONReadable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
        bytes.withUnsafeBufferPointer { CanonicalJSON.decode(T.self, from: $0) }
    }

    static func foundation<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
        try? RecordCoding.decoder().decode(T.self, from: Data(bytes))
    }

    @Test("Ballots and ballot lines are written byte for byte as JSONEncoder writes them, and read back")
    func writesFoundationsBytes() throws {
        let times = [0, 1, 951_782_400, 1_800_000_000, 4_107_542_399, 253_402_300_799].map { Date(timeIntervalSince1970: $0) }
        for (i, b) in try Self.ballots().enumerated() {
            let bytes = try #require(CanonicalJSON.encode(b))
            #expect(bytes == (try Self.foundationBytes(b)))
            #expect(Self.fast(EncryptedBallot.self, bytes) == b)
            for at in times {
                let entry = LogEntry(seq: i * 1_000_003, prev: ProtocolHashes.entryHash(bytes), at: at, payload: .ballot(b))
                let line = try #require(CanonicalJSON.encode(entry))
                #expect(line == (try Self.foundationBytes(entry)))
                #expect(Self.fast(LogEntry.self, line) == entry)
                #expect(Self.fast(LogEntryHeader.self, line) == Self.foundation(LogEntryHeader.self, line))
                #expect(Self.fast(LogEntryHeader.self, line)?.at == at)
            }
        }
    }

    @Test("What the writer leaves to Foundation still comes out in the canonical form")
    func leftToFoundation() throws {
        let b = try Self.ballots()[0]
        for at in [Date(timeIntervalSince1970: 1_800_000_000.5), Date(timeIntervalSince1970: -1)] {
            let entry = LogEntry(seq: 3, prev: .zero, at: at, payload: .ballot(b))
            #expect(CanonicalJSON.encode(entry) == nil)
            #expect(try RecordCoding.encode(entry) == (try Self.foundationBytes(entry)))
        }
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        let close = LogEntry(seq: 4, prev: .zero, at: t, payload: .close(CloseMarker(closedAt: t, signature: [1, 2])))
        #expect(CanonicalJSON.encode(close) == nil)
        #expect(try RecordCoding.decode(LogEntry.self, from: try RecordCoding.encode(close)) == close)
    }

    @Test("Headers of every kind of line read as Foundation reads them")
    func headersOfEveryKind() throws {
        let f = try Fixture()
        try f.setUp()
        let box = try f.box()
        _ = try box.cast(try f.ballot("p1", voter: 0, choices: ["ref": [1]]).0, at: f.opens.addingTimeInterval(5))
        let lines = try LoadedRecord.load(f.dir).entries.map(\.line)
        #expect(lines.count > 5)
        var readByHand = 0
        for line in lines {
            let slow = try #require(Self.foundation(LogEntryHeader.self, line))
            if let fast = Self.fast(LogEntryHeader.self, line) {
                #expect(fast == slow)
                readByHand += 1
            }
            #expect(try RecordCoding.decode(LogEntryHeader.self, from: line) == slow)
        }
        #expect(readByHand == lines.count)
    }

    @Test("Bytes out of the canonical layout go to Foundation, which reads them or says why not")
    func outOfLayout() throws {
        let b = try Self.ballots()[1]
        let text = String(decoding: try #require(CanonicalJSON.encode(b)), as: UTF8.self)
        let variants = [
            text.replacingOccurrences(of: ",", with: ", "),  // whitespace
            text.replacingOccurrences(of: #""precinct":"p2""#, with: #""precinct":"\u0070\u0032""#),  // escapes
            text.replacingOccurrences(of: #"{"answers":"#, with: #"{"extra":1,"answers":"#),  // unknown field
            text.replacingOccurrences(of: #""device":"st1","#, with: ""),  // optional field absent
        ]
        for v in variants {
            let bytes = Array(v.utf8)
            #expect(try RecordCoding.decode(EncryptedBallot.self, from: bytes) == Self.foundation(EncryptedBallot.self, bytes))
        }
        #expect(Self.fast(EncryptedBallot.self, Array(variants[0].utf8)) == nil)
        #expect(Self.fast(EncryptedBallot.self, Array(variants[1].utf8)) == b)  // a valid escape reads the same
        #expect(Self.fast(EncryptedBallot.self, Array(variants[2].utf8)) == nil)
        #expect(Self.fast(EncryptedBallot.self, Array(variants[3].utf8))?.device == nil)
        let broken = Array(text.dropLast().utf8)
        #expect(throws: RecordError.self) { try RecordCoding.decode(EncryptedBallot.self, from: broken) }
        #expect(Self.fast(EncryptedBallot.self, broken) == nil)
    }

    @Test("Whatever the hand-written reader accepts of mutated bytes, Foundation reads as the same value")
    func mutatedBytes() throws {
        var rng = SeededGenerator(seed: 9496)
        let ballots = try Self.ballots()
        let alphabet = Array(#"{}[]",:\ 0123456789abcdefuABCDEF-TZ.e+"#.utf8) + [0x00, 0x1f, 0x80, 0xc3, 0xff]
        var acceptedMutants = 0
        var checked = 0
        for round in 0..<3_000 {
            let b = ballots[round % ballots.count]
            let entry = LogEntry(seq: round, prev: .zero, at: Date(timeIntervalSince1970: 1_800_000_000), payload: .ballot(b))
            var bytes = try #require(round % 2 == 0 ? CanonicalJSON.encode(b) : CanonicalJSON.encode(entry))
            for _ in 0...(round % 3) {
                let i = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 4 {
                case 0: bytes[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: i)
                case 2: bytes.remove(at: i)
                default: bytes.swapAt(i, Int(rng.next() % UInt64(bytes.count)))
                }
            }
            if round % 2 == 0 {
                if let fast = Self.fast(EncryptedBallot.self, bytes) {
                    #expect(Self.foundation(EncryptedBallot.self, bytes) == fast)
                    acceptedMutants += 1
                }
            } else {
                if let fast = Self.fast(LogEntry.self, bytes) {
                    #expect(Self.foundation(LogEntry.self, bytes) == fast)
                    acceptedMutants += 1
                }
                if let fast = Self.fast(LogEntryHeader.self, bytes) {
                    #expect(Self.foundation(LogEntryHeader.self, bytes) == fast)
                    acceptedMutants += 1
                }
            }
            checked += 1
        }
        #expect(checked == 3_000)
        // Some mutations keep the layout (a hex digit changed within a scalar, say): the comparison above ran on them.
        #expect(acceptedMutants > 100)
    }

    @Test("Times: one day in every 89 up to 9999 and random seconds are written and read as Foundation does")
    func times() throws {
        var rng = SeededGenerator(seed: 1)
        var seconds = stride(from: 0, to: 253_402_300_800, by: 86_400 * 89).map { $0 }
        seconds += (0..<2_000).map { _ in Int(rng.next() % 253_402_300_800) }
        for s in seconds {
            let d = Date(timeIntervalSince1970: TimeInterval(s))
            var w = CanonicalJSON.Writer()
            try w.date(d)
            #expect(w.bytes == (try Self.foundationBytes(d)))
            let read = w.bytes.withUnsafeBufferPointer { buffer -> Date? in
                var r = CanonicalJSON.Reader(buffer)
                return try? r.date()
            }
            #expect(read == d)
        }
        for bad in ["2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:60Z", "2026-01-01 00:00:00Z"]
        {
            let read = Array("\"\(bad)\"".utf8).withUnsafeBufferPointer { buffer -> Date? in
                var r = CanonicalJSON.Reader(buffer)
                return try? r.date()
            }
            #expect(read == nil, "\(bad)")
        }
    }
}
