import ElectionRecord
import Foundation

/// The list of eligible voters the credential authority works from: CSV "voter_id,precinct".
public struct VoterRoll: Sendable {
    public struct Voter: Sendable, Equatable {
        public var id: String
        public var precinct: String
        public init(id: String, precinct: String) {
            self.id = id
            self.precinct = precinct
        }
    }

    /// Why a roll was refused; names the line.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case badHeader(String)
        case badLine(line: Int, reason: String)

        public var description: String {
            switch self {
            case .empty: "the voter roll is empty"
            case .badHeader(let h): "the first line must be 'voter_id,precinct', found '\(h)'"
            case .badLine(let line, let reason): "line \(line): \(reason)"
            }
        }
    }

    public var voters: [Voter]

    public init(voters: [Voter]) { self.voters = voters }

    /// Parses the CSV and checks it against the manifest: known precincts, unique ids.
    public init(csv: String, manifest: Manifest) throws(ParseError) {
        var lines = csv.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { throw .empty }
        let h = header.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "")
        guard h == "voter_id,precinct" else { throw .badHeader(header) }
        let known = Set(manifest.precincts.map(\.id))
        var seen = Set<String>()
        var voters = [Voter]()
        for (i, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard fields.count == 2 else { throw .badLine(line: i + 1, reason: "expected 2 fields, found \(fields.count)") }
            guard !fields[0].isEmpty else { throw .badLine(line: i + 1, reason: "empty voter id") }
            guard known.contains(fields[1]) else { throw .badLine(line: i + 1, reason: "unknown precinct '\(fields[1])'") }
            guard seen.insert(fields[0]).inserted else { throw .badLine(line: i + 1, reason: "voter id '\(fields[0])' appears twice") }
            voters.append(Voter(id: fields[0], precinct: fields[1]))
        }
        guard !voters.isEmpty else { throw .empty }
        self.voters = voters
    }
}
