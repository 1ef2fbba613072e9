import ElectionProtocol
import ElectionRecord
import Foundation
import Ristretto
import Testing

/// Check 1.1's strict reading (PROTOCOL.md 5.1): texts that two JSON readers could read two ways
/// are refused, with a reason; texts that only differ in key order, whitespace or escapes are read.
@Suite("Strict JSON (check 1.1)")
struct StrictJSONTests {
    @Test(
        "Refused, with a reason that names the problem",
        arguments: [
            ("\u{FEFF}{\"a\":1}", "byte-order mark"),
            ("{\"a\":1}\r", "carriage return"),
            ("{\"a\":\r1}", "carriage return"),
            ("{\"a\":1,\"a\":2}", "duplicate key \"a\""),
            ("{\"b\":{\"a\":1,\"a\":1}}", "duplicate key \"a\""),
            ("{\"a\":22.0}", "not a plain integer"),
            ("{\"a\":2.2e1}", "not a plain integer"),
            ("{\"a\":22e0}", "not a plain integer"),
            ("{\"a\":22E0}", "not a plain integer"),
            ("{\"a\":022}", "leading zero"),
            ("{\"a\":-0}", "-0"),
            ("{\"a\":\"x\ty\"}", "control character"),
            ("{\"a\":\"\\ud800\"}", "lone surrogate"),
            ("{\"a\":\"\\ud800\\u0041\"}", "lone surrogate"),
            ("{\"a\":\"\\q\"}", "unknown escape"),
            ("{\"a\":1} x", "text after"),
            ("{\"a\":1", "end of the text"),
            ("{a:1}", "key must be a string"),
            (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "nested deeper"),
        ])
    func refused(_ text: String, _ reason: String) {
        #expect(throws: StrictJSON.Problem.self) { try StrictJSON.parse(Array(text.utf8)) }
        do {
            _ = try StrictJSON.parse(Array(text.utf8))
        } catch {
            #expect(error.message.contains(reason), "\(text): \(error)")
        }
    }

    @Test("Key order, whitespace and escapes do not change the meaning; integers keep their sign")
    func sameMeaning() throws {
        let a = try StrictJSON.parse(Array("{\"a\":[1,-2,0],\"b\":\"é\",\"c\":{\"d\":null,\"e\":true}}".utf8))
        let b = try StrictJSON.parse(Array("{ \"c\" : {\"e\":true ,\"d\":null},\n\t\"b\":\"\\u00e9\", \"a\":[ 1, -2, 0 ] }".utf8))
        #expect(a == b)
        #expect(a.difference(from: b) == nil)
        let c = try StrictJSON.parse(Array("{\"a\":[1,2,0],\"b\":\"é\",\"c\":{\"d\":null,\"e\":true}}".utf8))
        #expect(a.difference(from: c)?.contains(".a[1]") == true)
    }

    /// A ballot line of a real record, and its object.
    static func ballotLine() throws -> [UInt8] {
        let f = try Fixture()
        try f.setUp()
        _ = try f.board.cast(try f.ballot("p2", voter: 0, choices: ["ref": [1], "pick": [0]]).0, at: f.opens.addingTimeInterval(5))
        return try #require(LoadedRecord.load(f.dir).entries.last?.line)
    }

    static func json(_ object: Any) throws -> [UInt8] { Array(try JSONSerialization.data(withJSONObject: object)) }

    @Test("A log line is read only if it means exactly its canonical encoding")
    func logLines() throws {
        let line = try Self.ballotLine()
        let entry = try RecordCoding.decodeStrict(LogEntry.self, from: line)
        // Another key order and whitespace: the same entry.
        var object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        let spaced = Array(try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]))
        #expect(try RecordCoding.decodeStrict(LogEntry.self, from: spaced) == entry)

        func refused(_ bytes: [UInt8], _ reason: String) {
            #expect(throws: RecordError.self) { try RecordCoding.decodeStrict(LogEntry.self, from: bytes) }
            do { _ = try RecordCoding.decodeStrict(LogEntry.self, from: bytes) } catch {
                #expect("\(error)".contains(reason), "expected \(reason): \(error)")
            }
        }
        let text = String(decoding: line, as: UTF8.self)
        // Two credentials in one ballot: a reader that keeps the first and one that keeps the last disagree.
        refused(
            Array(
                text.replacingOccurrences(of: "\"credential\":", with: "\"credential\":\"\(Element.random().hex)\",\"credential\":").utf8),
            "duplicate key \"credential\"")
        refused(Array(text.replacingOccurrences(of: "\"seq\":", with: "\"seq\":-0,\"x\":").utf8), "-0")
        refused(Array(text.replacingOccurrences(of: "\"prev\"", with: "\"extra\":1,\"prev\"").utf8), "unknown field .extra")
        refused([0xEF, 0xBB, 0xBF] + line, "byte-order mark")
        refused(line + [0x0D], "carriage return")
        let seq = try #require(object["seq"] as? Int)
        refused(Array(text.replacingOccurrences(of: "\"seq\":\(seq)", with: "\"seq\":\(seq).0").utf8), "not a plain integer")
        refused(Array(text.replacingOccurrences(of: "\"seq\":\(seq)", with: "\"seq\":\(seq)e0").utf8), "not a plain integer")
        let at = try #require(object["at"] as? String)
        for other in [at.replacingOccurrences(of: "Z", with: ".000Z"), at.replacingOccurrences(of: "Z", with: "+00:00"), at.lowercased()] {
            object["at"] = other
            let bytes = try Self.json(object)
            #expect(throws: RecordError.self, "instant \(other)") { try RecordCoding.decodeStrict(LogEntry.self, from: bytes) }
        }
        object["at"] = at
        var data = try #require(object["data"] as? [String: Any])
        data["credential"] = (data["credential"] as! String).uppercased()
        object["data"] = data
        refused(try Self.json(object), ".data.credential")
        data["credential"] = (data["credential"] as! String).lowercased()
        data["device"] = NSNull()
        object["data"] = data
        refused(try Self.json(object), "null")
    }
}
