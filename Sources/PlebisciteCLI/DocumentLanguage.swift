import ArgumentParser
import ElectionRecord
import Forensics
import Foundation

/// The document language as a command-line option, with what the CLI's documents need of it:
/// the manifest's texts, channel names and quotation marks.
extension DocumentLanguage: ExpressibleByArgument {
    /// A manifest text in this language (its default text when it has none in it).
    func text(_ t: LocalizedText) -> String { t.text(in: rawValue) }

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
