import Foundation

/// The one JSON form the project writes: sorted keys, no escaped slashes, ISO 8601 seconds.
public enum RecordCoding {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    /// Encodes a value in the canonical form (by hand for `CanonicalJSONWritable` values, same bytes).
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> [UInt8] {
        if !pretty, let v = value as? any CanonicalJSONWritable, let bytes = CanonicalJSON.encode(v) { return bytes }
        return Array(try encoder(pretty: pretty).encode(value))
    }

    /// Decodes, turning Foundation's errors into one sentence that names the field path. A
    /// `CanonicalJSONReadable` type in its canonical layout is read by hand; anything else by Foundation.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some DataProtocol) throws(RecordError) -> T {
        if let fast = T.self as? any CanonicalJSONReadable.Type,
            let value = bytes.withContiguousStorageIfAvailable({ CanonicalJSON.decode(fast, from: $0) }) ?? nil
        {
            return value as! T
        }
        do {
            return try decoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .malformed(describe(error))
        } catch {
            throw .malformed("\(error)")
        }
    }

    /// Decodes a value of the record (a log line, a tree head, the manifest, a request body)
    /// strictly (PROTOCOL.md 5.1): the text is strict JSON (`StrictJSON`) and means exactly its
    /// value's canonical encoding, whatever its key order and whitespace: no unknown field, no
    /// null, every value in its canonical form (lowercase hex, instants `YYYY-MM-DDTHH:MM:SSZ`).
    /// A text that is the canonical encoding byte for byte (what Plebiscite writes) costs one encoding.
    public static func decodeStrict<T: Codable>(_ type: T.Type, from bytes: [UInt8]) throws(RecordError) -> T {
        let value: T
        do { value = try decode(T.self, from: bytes) } catch {
            // Say first what makes the text not strict JSON, if anything does.
            do { _ = try StrictJSON.parse(bytes) } catch let problem { throw .malformed("\(problem)") }
            throw error
        }
        let canonical: [UInt8]
        do { canonical = try encode(value) } catch { throw .malformed("cannot encode the value read: \(error)") }
        if canonical == bytes { return value }
        do {
            let mine = try StrictJSON.parse(bytes)
            if let d = mine.difference(from: try StrictJSON.parse(canonical)) { throw RecordError.malformed(d) }
        } catch let e as RecordError { throw e } catch { throw .malformed("\(error)") }
        return value
    }

    /// A readable account of a decoding error: what was wrong and at which field path.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .dataCorrupted(let c):
            let underlying = (c.underlyingError as NSError?).map { " (\($0.localizedDescription))" } ?? ""
            return "invalid value at \(path(c.codingPath)): \(c.debugDescription)\(c.codingPath.isEmpty ? underlying : "")"
        case .keyNotFound(let key, let c): return "missing field \(path(c.codingPath + [key]))"
        case .typeMismatch(let type, let c): return "wrong type at \(path(c.codingPath)): expected \(type)"
        case .valueNotFound(let type, let c): return "null at \(path(c.codingPath)): expected \(type)"
        @unknown default: return "\(error)"
        }
    }
}

/// Why a record file could not be read.
public enum RecordError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case io(String)

    public var description: String {
        switch self {
        case .malformed(let m): m
        case .io(let m): m
        }
    }
}
