import Foundation

/// A manifest text (title, question, option, region or precinct name): one plain string, or one
/// text per language as a JSON object from language tag to text (PROTOCOL.md 2). Either form is
/// written back as it was read; the manifest hash is over the published bytes anyway.
public struct LocalizedText: Sendable, Hashable, Codable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// Language tag to text; nil for a plain string.
    public let byLanguage: [String: String]?
    /// The text for commands and reports that show one language: the plain string, else English,
    /// else the text of the smallest language tag.
    public let text: String

    public init(_ text: String) {
        self.text = text
        byLanguage = nil
    }

    /// One text per language; `texts` must not be empty (an empty map reads as the empty string).
    public init(_ texts: [String: String]) {
        byLanguage = texts
        text = texts["en"] ?? texts.keys.min().flatMap { texts[$0] } ?? ""
    }

    public init(stringLiteral value: String) { self.init(value) }

    public var description: String { text }

    /// The text in `language`, falling back to `text`.
    public func text(in language: String) -> String { byLanguage?[language] ?? text }

    /// Every text it holds (each language's, or the one string).
    public var allTexts: [String] { byLanguage.map { m in m.keys.sorted().map { m[$0]! } } ?? [text] }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            self.init(s)
        } else {
            self.init(try c.decode([String: String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let byLanguage { try c.encode(byLanguage) } else { try c.encode(text) }
    }

    /// What is wrong with it, named by `what`: an empty map, a key that is not a language tag
    /// (`^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$`), an empty text.
    public func problems(_ what: String) -> [String] {
        guard let byLanguage else { return [] }
        if byLanguage.isEmpty { return ["\(what) has an empty map of languages"] }
        var out = [String]()
        for (tag, text) in byLanguage.sorted(by: { $0.key < $1.key }) {
            if !Self.isLanguageTag(tag) { out.append("\(what): \"\(tag)\" is not a language tag") }
            if text.isEmpty { out.append("\(what) has an empty \(tag) text") }
        }
        return out
    }

    static func isLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLowercase }) else {
            return false
        }
        return parts.dropFirst().allSatisfy { p in (1...8).contains(p.count) && p.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }
}
