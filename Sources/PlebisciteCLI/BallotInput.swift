import ArgumentParser
import ElectionProtocol
import ElectionRecord
import Foundation
import Ristretto

/// What a voter types or scans, read the same way by `vote` and `device collect`.
enum BallotInput {
    /// The choices of `QUESTION=OPTION[,OPTION...]` answers, by option name or number.
    static func choices(_ answers: [String], manifest: Manifest) throws -> [String: [Int]] {
        var choices = [String: [Int]]()
        for a in answers {
            let parts = a.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, let q = manifest.question(parts[0]) else {
                throw ValidationError(
                    "'\(a)' is not QUESTION=OPTION with a question of this election (\(manifest.questions.map(\.id).joined(separator: ", ")))"
                )
            }
            choices[q.id] = try parts[1].split(separator: ",").map { o in
                if let i = q.options.firstIndex(where: { $0.allTexts.contains(String(o)) }) { return i }
                if let i = Int(o), i >= 0, i < q.options.count { return i }
                // "yes" for "Yes": case aside, when it names one option only.
                let loose = q.options.indices.filter { q.options[$0].allTexts.contains { $0.lowercased() == o.lowercased() } }
                if loose.count == 1 { return loose[0] }
                throw ValidationError("question \(q.id) has no option '\(o)' (options: \(q.options.map(\.text).joined(separator: ", ")))")
            }
        }
        return choices
    }

    /// A credential as typed, or scanned from a letter's QR code (the booth link, `...#c=CREDENTIAL`),
    /// checked against the published lists: on one, of `precinct` when given, not revoked. Returns
    /// it with its precinct: the list it is on says which (`precinct` is then only a check).
    static func credential(
        _ input: String, precinct: String?, manifest: Manifest, registry: CredentialRegistry
    ) throws -> (VoterCredential, precinct: String) {
        let text = input.range(of: "#c=").map { String(input[$0.upperBound...]) } ?? input
        let cred: VoterCredential
        do { cred = try VoterCredential(text: text, electionId: manifest.electionId) } catch {
            throw ValidationError("credential: \(error)")
        }
        // A credential is only ever on one list: say which, or that it belongs to no list of this election.
        if !registry.precinctOf.isEmpty {
            guard let home = registry.precinctOf[cred.publicKey] else {
                throw StepFailure(
                    "this credential is on no credential list of election \(manifest.electionId): is it from another election, or mistyped?"
                )
            }
            guard precinct == nil || home == precinct else {
                throw StepFailure("this credential votes in precinct \(home), not \(precinct ?? "")")
            }
            guard !registry.revoked.contains(cred.publicKey) else {
                throw StepFailure("revokedCredential: this credential was revoked and replaced; vote with the replacement")
            }
            return (cred, home)
        }
        guard let precinct else {
            throw StepFailure("no credential list is published yet to tell this credential's precinct: give --precinct")
        }
        return (cred, precinct)
    }

    /// A device's signing key, opened with its passphrase.
    static func deviceKey(_ path: String, passphrase: PassphraseOptions) throws -> (id: String, key: Ed25519.SigningKey) {
        let file = try KeyFile<SigningSecret, PublicIdentity>.load(path, kind: "device")
        return (file.id, try Ed25519.SigningKey(seed: try file.open(passphrase: try passphrase.passphrase(), path: path).seed.bytes))
    }
}
