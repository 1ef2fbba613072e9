import ElectionProtocol
import ElectionRecord
import Foundation
import Testing

/// Manifest texts in one language or several (PROTOCOL.md 2): both forms read, written back as
/// read, and checked by check 1.2 (manifestWellFormed).
@Suite("Manifest texts per language")
struct LocalizedTextTests {
    @Test("A map of languages and a plain string both read; each is written back in its own form; the hash is over the bytes")
    func forms() throws {
        var manifest = try Fixture().manifest
        let plain = try RecordCoding.encode(manifest)
        manifest.title = LocalizedText(["uk": "Референдум", "ru": "Референдум", "en": "Referendum"])
        manifest.questions[0].options[0] = LocalizedText(["uk": "так", "en": "yes"])
        manifest.regions[0].name = LocalizedText(["ru": "Север", "uk": "Північ"])
        let mapped = try RecordCoding.encode(manifest)
        let text = String(decoding: mapped, as: UTF8.self)
        #expect(text.contains(#""title":{"en":"Referendum","ru":"Референдум","uk":"Референдум"}"#), "\(text.prefix(300))")
        let read = try RecordCoding.decodeStrict(Manifest.self, from: mapped)
        #expect(read == manifest)
        #expect(try RecordCoding.encode(read) == mapped)
        #expect(read.title.text == "Referendum" && read.title.text(in: "uk") == "Референдум" && read.title.text(in: "de") == "Referendum")
        // Without English, the smallest tag's text stands for the text in one-language output.
        #expect(read.regions[0].name.text == "Север")
        #expect(read.problems().isEmpty, "\(read.problems())")
        #expect(ProtocolHashes.manifestHash(mapped) != ProtocolHashes.manifestHash(plain))
        // Plain strings keep their exact old form.
        #expect(try RecordCoding.encode(RecordCoding.decodeStrict(Manifest.self, from: plain)) == plain)
    }

    @Test("Check 1.2 names each bad map: an empty one, a key that is no language tag, an empty text")
    func problems() throws {
        var manifest = try Fixture().manifest
        manifest.title = LocalizedText([:])
        manifest.questions[0].text = LocalizedText(["EN": "Question", "uk": ""])
        manifest.questions[0].options[1] = LocalizedText(["en-GB-oxford": "no", "x": "n"])
        let problems = manifest.problems()
        let q = manifest.questions[0].id
        #expect(problems.contains("the title has an empty map of languages"))
        #expect(problems.contains("question \(q): \"EN\" is not a language tag"))
        #expect(problems.contains("question \(q) has an empty uk text"))
        #expect(problems.contains("question \(q) option 1: \"x\" is not a language tag"))
        #expect(!problems.contains { $0.contains("en-GB-oxford") })
        // A text that is neither a string nor a map of strings is not a manifest.
        var numbered = try Fixture().manifest
        numbered.title = LocalizedText(["en": "PLACEHOLDER"])
        let bad = String(decoding: try RecordCoding.encode(numbered), as: UTF8.self).replacingOccurrences(of: #""PLACEHOLDER""#, with: "1")
        #expect(bad.contains(#""title":{"en":1}"#))
        #expect(throws: (any Error).self) { try RecordCoding.decodeStrict(Manifest.self, from: Array(bad.utf8)) }
    }
}
