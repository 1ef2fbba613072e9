/// A JSON text read strictly (PROTOCOL.md 5.1), so that two verifiers never read one text two
/// ways: UTF-8 without a byte-order mark, no carriage return, no duplicate key in an object,
/// numbers only as plain integers (no fraction, exponent, leading zero or `-0`), nesting at most
/// `maxDepth` deep. Values are compared by meaning: key order, whitespace and string escapes aside.
public indirect enum StrictJSON: Equatable, Sendable {
    case object([String: StrictJSON])
    case array([StrictJSON])
    case string(String)
    /// A plain integer, as its digits (with a leading `-` when negative).
    case integer(String)
    case bool(Bool)
    case null

    /// Why a text is not strict JSON: what is wrong and the byte offset where it was found.
    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "\(message) (at byte \(offset))" }
    }

    public static let maxDepth = 64

    /// Parses `bytes` strictly. Complexity: O(n).
    public static func parse(_ bytes: [UInt8]) throws(Problem) -> StrictJSON {
        var p = Parser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw Problem(message: "a byte-order mark", offset: 0) }
        p.skipSpace()
        let value = try p.value(depth: 0)
        try p.skipSpaceChecked()
        guard p.at == bytes.count else { throw Problem(message: "text after the JSON value", offset: p.at) }
        return value
    }

    /// The first way this value differs from `canonical` (what the type's canonical encoding
    /// gives), as a sentence naming the field path; nil when they mean the same.
    public func difference(from canonical: StrictJSON, path: String = "") -> String? {
        let here = path.isEmpty ? "the top level" : path
        switch (self, canonical) {
        case (.object(let mine), .object(let theirs)):
            for key in mine.keys.sorted() {
                guard let other = theirs[key] else {
                    return mine[key] == .null
                        ? "\(path).\(key) is null: an optional field is left out, never null" : "unknown field \(path).\(key)"
                }
                if let d = mine[key]!.difference(from: other, path: "\(path).\(key)") { return d }
            }
            if let missing = theirs.keys.sorted().first(where: { mine[$0] == nil }) { return "missing field \(path).\(missing)" }
            return nil
        case (.array(let mine), .array(let theirs)):
            guard mine.count == theirs.count else { return "\(here) has \(mine.count) elements, its value \(theirs.count)" }
            for (i, (a, b)) in zip(mine, theirs).enumerated() {
                if let d = a.difference(from: b, path: "\(path)[\(i)]") { return d }
            }
            return nil
        default:
            return self == canonical ? nil : "\(here) is \(self.text), which is not the canonical form \(canonical.text)"
        }
    }

    /// A short rendering of a scalar, for messages.
    var text: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string(let s): "\"\(s.prefix(80))\""
        case .integer(let digits): digits
        case .bool(let b): "\(b)"
        case .null: "null"
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var at = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func fail(_ message: String) -> Problem { Problem(message: message, offset: at) }

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x09 { at += 1 }
        }

        mutating func skipSpaceChecked() throws(Problem) {
            skipSpace()
            if at < bytes.count, bytes[at] == 0x0D { throw fail("a carriage return (lines end with LF alone)") }
        }

        mutating func value(depth: Int) throws(Problem) -> StrictJSON {
            guard depth < StrictJSON.maxDepth else { throw fail("nested deeper than \(StrictJSON.maxDepth) levels") }
            try skipSpaceChecked()
            guard at < bytes.count else { throw fail("unexpected end of the text") }
            switch bytes[at] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try integer()
            default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[at])))'")
            }
        }

        mutating func literal(_ word: String, _ value: StrictJSON) throws(Problem) -> StrictJSON {
            let w = Array(word.utf8)
            guard bytes.count - at >= w.count, Array(bytes[at..<at + w.count]) == w else { throw fail("not JSON") }
            at += w.count
            return value
        }

        mutating func object(depth: Int) throws(Problem) -> StrictJSON {
            at += 1
            var members = [String: StrictJSON]()
            try skipSpaceChecked()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") {
                at += 1
                return .object(members)
            }
            while true {
                try skipSpaceChecked()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw fail("an object key must be a string") }
                let keyOffset = at
                let key = try string()
                try skipSpaceChecked()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw fail("':' expected after a key") }
                at += 1
                let v = try value(depth: depth + 1)
                guard members.updateValue(v, forKey: key) == nil else {
                    throw Problem(message: "duplicate key \"\(key)\"", offset: keyOffset)
                }
                try skipSpaceChecked()
                guard at < bytes.count else { throw fail("unexpected end of the text") }
                if bytes[at] == UInt8(ascii: ",") {
                    at += 1
                } else if bytes[at] == UInt8(ascii: "}") {
                    at += 1
                    return .object(members)
                } else {
                    throw fail("',' or '}' expected")
                }
            }
        }

        mutating func array(depth: Int) throws(Problem) -> StrictJSON {
            at += 1
            var elements = [StrictJSON]()
            try skipSpaceChecked()
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") {
                at += 1
                return .array(elements)
            }
            while true {
                elements.append(try value(depth: depth + 1))
                try skipSpaceChecked()
                guard at < bytes.count else { throw fail("unexpected end of the text") }
                if bytes[at] == UInt8(ascii: ",") {
                    at += 1
                } else if bytes[at] == UInt8(ascii: "]") {
                    at += 1
                    return .array(elements)
                } else {
                    throw fail("',' or ']' expected")
                }
            }
        }

        mutating func integer() throws(Problem) -> StrictJSON {
            let start = at
            if bytes[at] == UInt8(ascii: "-") { at += 1 }
            let digitsStart = at
            while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) { at += 1 }
            let digits = at - digitsStart
            guard digits > 0 else { throw fail("a number without digits") }
            if at < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[at]) {
                throw Problem(message: "a number that is not a plain integer (no fraction or exponent)", offset: start)
            }
            if digits > 1, bytes[digitsStart] == UInt8(ascii: "0") {
                throw Problem(message: "an integer with a leading zero", offset: start)
            }
            let text = String(decoding: bytes[start..<at], as: UTF8.self)
            if text == "-0" { throw Problem(message: "-0 (zero has no sign)", offset: start) }
            return .integer(text)
        }

        /// A string, from its opening quote: raw control characters are refused here, escapes are
        /// resolved by the canonical reader's own `unescape` (one decoder of JSON escapes).
        mutating func string() throws(Problem) -> String {
            at += 1
            let start = at
            while true {
                guard at < bytes.count else { throw fail("a string without its closing quote") }
                let c = bytes[at]
                if c == UInt8(ascii: "\"") { break }
                guard c >= 0x20 else { throw fail(c == 0x0D ? "a carriage return in a string" : "a control character in a string") }
                at += c == UInt8(ascii: "\\") ? 2 : 1
            }
            let body = bytes[start..<at]
            at += 1
            do {
                return try body.withUnsafeBufferPointer { buffer throws(CanonicalJSON.NotCanonical) in
                    try CanonicalJSON.Reader.unescape(buffer)
                }
            } catch {
                throw Problem(message: "a string with an unknown escape, a lone surrogate or bytes that are not UTF-8", offset: start)
            }
        }
    }
}
