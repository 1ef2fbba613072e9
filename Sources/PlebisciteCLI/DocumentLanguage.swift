import ArgumentParser
import ElectionRecord
import Foundation

/// The language of an official document (the results): the manifest's texts in it, and the
/// document's own words (`OfficialResults+Wording.swift`). Ukrainian, Russian and English, the
/// languages of the credential letters and the booth.
enum DocumentLanguage: String, CaseIterable, Codable, ExpressibleByArgument {
    case en, uk, ru

    /// A manifest text in this language (its default text when it has none in it).
    func text(_ t: LocalizedText) -> String { t.text(in: rawValue) }

    /// A percentage with `digits` decimals, with the decimal comma in Ukrainian and Russian.
    func percent(_ value: Double, digits: Int) -> String {
        let s = String(format: "%.\(digits)f%%", value)
        return self == .en ? s : s.replacingOccurrences(of: ".", with: ",")
    }

    /// How a channel is named.
    func channel(_ c: Channel) -> String {
        switch (self, c) {
        case (.en, .station): "polling station"
        case (.en, .mobile): "mobile ballot box"
        case (.en, .remote): "online"
        case (.uk, .station): "виборча дільниця"
        case (.uk, .mobile): "переносна скринька"
        case (.uk, .remote): "онлайн"
        case (.ru, .station): "избирательный участок"
        case (.ru, .mobile): "переносной ящик"
        case (.ru, .remote): "онлайн"
        }
    }

    /// A quoted option or name, as each language quotes.
    func quoted(_ s: String) -> String { self == .en ? s : "«\(s)»" }
}
