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
        switch c {
        case .station: pick("polling station", "виборча дільниця", "избирательный участок")
        case .mobile: pick("mobile ballot box", "переносна скринька", "переносной ящик")
        case .remote: pick("online", "онлайн", "онлайн")
        }
    }

    /// A quoted option or name, as each language quotes.
    func quoted(_ s: String) -> String { self == .en ? s : "«\(s)»" }
}
