import Foundation
import PlebisciteCrypto
import Ristretto

/// A value whose canonical JSON (RecordCoding's form: sorted keys, no whitespace) is written and
/// read by hand, for the board's hot path (a ballot, its log line, its receipt).
///
/// Writing gives exactly the bytes `JSONEncoder` gives in that form. Reading accepts only the
/// canonical layout (the fields in sorted order, nothing else, no whitespace): anything else
/// throws `NotCanonical`, and `RecordCoding.decode` then falls back to Foundation's decoder,
/// which reads any JSON and explains what is wrong. So where both read, they read the same
/// value; tests check both directions on random and mutated values.
public typealias CanonicalJSONCodable = CanonicalJSONReadable & CanonicalJSONWritable

/// A value written by hand in canonical JSON (see `CanonicalJSONCodable`).
public protocol CanonicalJSONWritable {
    /// Writes the value; throws `Unsupported` for a value left to `JSONEncoder`.
    func write(to json: inout CanonicalJSON.Writer) throws(CanonicalJSON.Unsupported)
}

/// A value read by hand from canonical JSON (see `CanonicalJSONCodable`).
public protocol CanonicalJSONReadable {
    /// Reads the value from its canonical layout.
    init(reading json: inout CanonicalJSON.Reader) throws(CanonicalJSON.NotCanonical)
}

/// The hand-written writer and reader of RecordCoding's JSON form.
public enum CanonicalJSON {
    /// The value has a form this writer leaves to `JSONEncoder` (a date with a fraction of a second, say).
    public struct Unsupported: Error {}
    /// The bytes are not in the canonical layout this reader accepts (they may still be valid JSON).
    public struct NotCanonical: Error {}

    /// The canonical bytes of `value`; nil when the writer leaves it to `JSONEncoder`.
    public static func encode(_ value: some CanonicalJSONWritable) -> [UInt8]? {
        var w = Writer()
        do { try value.write(to: &w) } catch { return nil }
        return w.bytes
    }

    /// The value in `bytes` if they are exactly one canonical value; nil otherwise.
    public static func decode<T: CanonicalJSONReadable>(_ type: T.Type, from bytes: UnsafeBufferPointer<UInt8>) -> T? {
        var r = Reader(bytes)
        guard let value = try? T(reading: &r), r.atEnd else { return nil }
        return value
    }

    /// Appends JSON text.
    public struct Writer {
        public private(set) var bytes: [UInt8] = []

        public init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

        /// Literal JSON text (punctuation and keys), as written.
        public mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        /// JSON text already in canonical form (a nested value's bytes).
        public mutating func raw(bytes more: some Collection<UInt8>) { bytes.append(contentsOf: more) }

        /// A string, escaped as `JSONEncoder` escapes it: quote, backslash, and control characters
        /// (\b \t \n \f \r, the others as \u00xx); slashes and non-ASCII as they are.
        public mutating func string(_ s: String) {
            bytes.append(UInt8(ascii: "\""))
            for c in s.utf8 {
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), c]
                case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
                case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case 0x0a: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case 0x0c: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
                case 0x0d: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case 0..<0x20: bytes += Array("\\u00".utf8) + [Self.hexDigits[Int(c >> 4)], Self.hexDigits[Int(c & 0xf)]]
                default: bytes.append(c)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        /// A hex-coded value (element, scalar, digest, bytes) as a string.
        public mutating func hex(_ value: some HexCodable) {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: value.hex.utf8)
            bytes.append(UInt8(ascii: "\""))
        }

        public mutating func int(_ v: Int) { bytes.append(contentsOf: String(v).utf8) }

        /// An ISO 8601 time in whole seconds (UTC), as the `.iso8601` strategy writes it. Earlier
        /// than 1970 or with a fraction of a second: `Unsupported`.
        public mutating func date(_ d: Date) throws(Unsupported) {
            let t = d.timeIntervalSince1970
            guard t >= 0, t < 253_402_300_800, t.rounded(.down) == t else { throw Unsupported() }
            var seconds = time_t(t)
            var parts = tm()
            guard gmtime_r(&seconds, &parts) != nil else { throw Unsupported() }
            func digits(_ v: Int32, _ n: Int) {
                let start = bytes.count
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n))
                var v = Int(v)
                for i in stride(from: start + n - 1, through: start, by: -1) {
                    bytes[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
            }
            bytes.append(UInt8(ascii: "\""))
            digits(parts.tm_year + 1900, 4)
            bytes.append(UInt8(ascii: "-"))
            digits(parts.tm_mon + 1, 2)
            bytes.append(UInt8(ascii: "-"))
            digits(parts.tm_mday, 2)
            bytes.append(UInt8(ascii: "T"))
            digits(parts.tm_hour, 2)
            bytes.append(UInt8(ascii: ":"))
            digits(parts.tm_min, 2)
            bytes.append(UInt8(ascii: ":"))
            digits(parts.tm_sec, 2)
            raw("Z\"")
        }

        /// An array, each element written by `each`.
        public mutating func array<T>(_ xs: [T], _ each: (inout Writer, T) throws(Unsupported) -> Void) throws(Unsupported) {
            bytes.append(UInt8(ascii: "["))
            for (i, x) in xs.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                try each(&self, x)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        /// An array of hex-coded values.
        public mutating func hexArray(_ xs: [some HexCodable]) {
            bytes.append(UInt8(ascii: "["))
            for (i, x) in xs.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                hex(x)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        static let hexDigits = Array("0123456789abcdef".utf8)
    }

    /// Reads canonical JSON text from a buffer the caller keeps alive while reading.
    public struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        /// The position of the next byte to read.
        public private(set) var position: Int

        public init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
            self.bytes = bytes
            self.position = position
        }

        public var atEnd: Bool { position == bytes.count }

        /// Consumes `text` exactly.
        public mutating func expect(_ text: StaticString) throws(NotCanonical) {
            guard take(text) else { throw NotCanonical() }
        }

        /// Consumes `text` if it comes next.
        public mutating func take(_ text: StaticString) -> Bool {
            let n = text.utf8CodeUnitCount
            guard bytes.count - position >= n else { return false }
            let matches = text.withUTF8Buffer { t in
                memcmp(bytes.baseAddress! + position, t.baseAddress!, n) == 0
            }
            if matches { position += n }
            return matches
        }

        /// A string, with any JSON escape; its text must be valid UTF-8 with no control character.
        public mutating func string() throws(NotCanonical) -> String {
            let (start, end, escaped) = try stringSpan()
            let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if !escaped {
                guard let s = String(validating: text, as: UTF8.self) else { throw NotCanonical() }
                return s
            }
            return try Self.unescape(text)
        }

        /// A hex-coded value, decoded as its `init(hex:)` decodes it.
        public mutating func hex<T: HexCodable>(_ type: T.Type) throws(NotCanonical) -> T {
            let (start, end, escaped) = try stringSpan()
            guard !escaped, let value = try? T(hex: String(decoding: bytes[start..<end], as: UTF8.self)) else { throw NotCanonical() }
            return value
        }

        /// An array of hex-coded values.
        public mutating func hexArray<T: HexCodable>(_ type: T.Type) throws(NotCanonical) -> [T] {
            try array { (r: inout Reader) throws(NotCanonical) in try r.hex(T.self) }
        }

        /// A group element, validated by the own decoding, which keeps what verification needs to
        /// decode it again cheaply (`Element(received:)`); it accepts what `Element(hex:)` accepts.
        public mutating func hex(_ type: Element.Type) throws(NotCanonical) -> Element {
            let (start, end, escaped) = try stringSpan()
            guard !escaped, let raw = try? Hex.decode(utf8: UnsafeBufferPointer(rebasing: bytes[start..<end])),
                let value = try? Element(received: raw)
            else {
                throw NotCanonical()
            }
            return value
        }

        /// An array of group elements, each read as `hex(Element.self)` reads one.
        public mutating func hexArray(_ type: Element.Type) throws(NotCanonical) -> [Element] {
            try array { (r: inout Reader) throws(NotCanonical) in try r.hex(Element.self) }
        }

        /// An integer written as JSON writes one (no sign on zero, no leading zero, no fraction).
        public mutating func int() throws(NotCanonical) -> Int {
            let negative = take("-")
            let start = position
            var value = 0
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
                guard !o1, !o2 else { throw NotCanonical() }
                value = a
                position += 1
            }
            let count = position - start
            guard count > 0, count == 1 || bytes[start] != UInt8(ascii: "0"), !(negative && value == 0) else {
                throw NotCanonical()
            }
            return negative ? -value : value
        }

        /// A time written as "YYYY-MM-DDTHH:MM:SSZ", a real calendar date.
        public mutating func date() throws(NotCanonical) -> Date {
            let (start, end, escaped) = try stringSpan()
            guard !escaped, end - start == 20 else { throw NotCanonical() }
            let t = bytes[start..<end]
            func number(_ from: Int, _ count: Int) throws(NotCanonical) -> Int32 {
                var v: Int32 = 0
                for i in from..<from + count {
                    let c = t[start + i]
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) else { throw NotCanonical() }
                    v = v * 10 + Int32(c - UInt8(ascii: "0"))
                }
                return v
            }
            for (i, c) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "Z")] as [(Int, Unicode.Scalar)] {
                guard t[start + i] == UInt8(ascii: c) else { throw NotCanonical() }
            }
            let year = try number(0, 4)
            let month = try number(5, 2)
            let day = try number(8, 2)
            let hour = try number(11, 2)
            let minute = try number(14, 2)
            let second = try number(17, 2)
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let days: [Int32] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard year >= 1970, (1...12).contains(month), (1...days[Int(month - 1)]).contains(day), hour < 24, minute < 60,
                second < 60
            else { throw NotCanonical() }
            var parts = tm()
            parts.tm_year = year - 1900
            parts.tm_mon = month - 1
            parts.tm_mday = day
            parts.tm_hour = hour
            parts.tm_min = minute
            parts.tm_sec = second
            return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
        }

        /// An array, each element read by `each`.
        public mutating func array<T>(_ each: (inout Reader) throws(NotCanonical) -> T) throws(NotCanonical) -> [T] {
            try expect("[")
            var out = [T]()
            if take("]") { return out }
            repeat { out.append(try each(&self)) } while take(",")
            try expect("]")
            return out
        }

        /// Skips one JSON value (without whitespace), checking it is valid JSON; returns where it starts.
        @discardableResult
        public mutating func skipValue(depth: Int = 0) throws(NotCanonical) -> Int {
            let start = position
            guard position < bytes.count, depth < 64 else { throw NotCanonical() }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                let (s, e, escaped) = try stringSpan()
                if escaped {
                    _ = try Self.unescape(UnsafeBufferPointer(rebasing: bytes[s..<e]))
                } else if bytes[s..<e].contains(where: { $0 >= 0x80 }) {
                    guard String(validating: UnsafeBufferPointer(rebasing: bytes[s..<e]), as: UTF8.self) != nil else {
                        throw NotCanonical()
                    }
                }
            case UInt8(ascii: "{"):
                position += 1
                if take("}") { break }
                repeat {
                    _ = try string()
                    try expect(":")
                    try skipValue(depth: depth + 1)
                } while take(",")
                try expect("}")
            case UInt8(ascii: "["):
                position += 1
                if take("]") { break }
                repeat { try skipValue(depth: depth + 1) } while take(",")
                try expect("]")
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            case UInt8(ascii: "n"): try expect("null")
            default: _ = try int()  // the only numbers this layout has
            }
            return start
        }

        /// The span of the string that starts here (without its quotes), past its closing quote;
        /// whether it holds an escape. A control character or a missing quote: `NotCanonical`.
        mutating func stringSpan() throws(NotCanonical) -> (start: Int, end: Int, escaped: Bool) {
            try expect("\"")
            let start = position
            var escaped = false
            while position < bytes.count {
                let c = bytes[position]
                if c == UInt8(ascii: "\"") {
                    position += 1
                    return (start, position - 1, escaped)
                }
                guard c >= 0x20 else { throw NotCanonical() }
                if c == UInt8(ascii: "\\") {
                    escaped = true
                    position += 1
                }
                position += 1
            }
            throw NotCanonical()
        }

        /// The text of a string's body with its escapes resolved (a lone surrogate: `NotCanonical`).
        static func unescape(_ body: UnsafeBufferPointer<UInt8>) throws(NotCanonical) -> String {
            var out = [UInt8]()
            out.reserveCapacity(body.count)
            var i = 0
            func hex4() throws(NotCanonical) -> UInt32 {
                guard i + 4 <= body.count else { throw NotCanonical() }
                var v: UInt32 = 0
                for c in body[i..<i + 4] {
                    let d: UInt32
                    switch c {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                    case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                    default: throw NotCanonical()
                    }
                    v = v << 4 | d
                }
                i += 4
                return v
            }
            while i < body.count {
                let c = body[i]
                i += 1
                guard c == UInt8(ascii: "\\") else {
                    out.append(c)
                    continue
                }
                guard i < body.count else { throw NotCanonical() }
                let e = body[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard i + 2 <= body.count, body[i] == UInt8(ascii: "\\"), body[i + 1] == UInt8(ascii: "u") else {
                            throw NotCanonical()
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw NotCanonical() }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw NotCanonical()
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw NotCanonical() }
                    out.append(contentsOf: String(Character(scalar)).utf8)
                default: throw NotCanonical()
                }
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw NotCanonical() }
            return s
        }
    }
}
