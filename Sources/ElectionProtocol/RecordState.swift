import ElectionRecord
import Foundation
import Ristretto

/// Why a record cannot be used for the next protocol step.
public enum StateError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(String)
    case wrongPhase(String)

    public var description: String {
        switch self {
        case .unreadable(let m): "the record cannot be read: \(m)"
        case .wrongPhase(let m): m
        }
    }
}

/// The protocol state a record holds, entry by entry, for the next step to build on.
/// It trusts the record's structure; `plebiscite verify` is what checks it.
public struct RecordState: Sendable {
    public var entries: [RecordedEntry]
    public var manifest: Manifest
    public var manifestHash: Digest
    public var commitments: [TrusteeCommitment] = []
    public var ceremony: KeyCeremonyResult?
    public var credentialLists: [CredentialList] = []
    /// Credentials by precinct from the lists, amendments and revocations, in log order.
    public var registry = CredentialRegistry()
    /// Ballots in log order, with sequence numbers.
    public var ballots: [CountingRule.Cast] = []
    public var close: (seq: Int, marker: CloseMarker)?
    public var tally: EncryptedTally?
    public var shares: [DecryptionShares] = []

    public init(_ record: LoadedRecord) throws(StateError) {
        if let p = record.problems.first { throw .unreadable("log line \(p.line): \(p.message)") }
        do { manifest = try RecordCoding.decodeStrict(Manifest.self, from: record.manifestBytes) } catch {
            throw .unreadable("manifest.json: \(error)")
        }
        if let problem = manifest.problems().first { throw .unreadable("manifest.json: \(problem)") }
        manifestHash = ProtocolHashes.manifestHash(record.manifestBytes)
        entries = record.entries
        for e in record.entries {
            switch e.entry.payload {
            case .manifest, .complaint, .spoiledBallot, .result: break
            case .trusteeCommitment(let c): commitments.append(c)
            case .keyCeremony(let k): ceremony = k
            case .credentialList(let l):
                credentialLists.append(l)
                registry.add(l)
            case .credentialAmendment(let a): registry.add(a.credentials, to: a.precinct)
            case .credentialRevocation(let r): registry.revoke(r)
            case .ballot(let b): ballots.append((e.entry.seq, e.entry.at, b))
            case .close(let m): close = (e.entry.seq, m)
            case .tally(let t): tally = t
            case .decryptionShares(let d): shares.append(d)
            }
        }
    }

    /// Loads and interprets a record directory.
    public init(directory: RecordDirectory) throws(StateError) {
        do { try self.init(LoadedRecord.load(directory)) } catch let e as StateError { throw e } catch {
            throw .unreadable("\(error)")
        }
    }

    /// The election context, once the key ceremony result is published.
    public func context() throws(StateError) -> ElectionContext {
        guard let k = ceremony else { throw .wrongPhase("the key ceremony is not finished: no keyCeremony entry") }
        guard k.verificationKeys.count == manifest.trustees.count else {
            throw .unreadable(
                "the key ceremony entry has \(k.verificationKeys.count) verification keys for \(manifest.trustees.count) trustees")
        }
        return ElectionContext(
            manifest: manifest, manifestHash: manifestHash, jointKey: k.jointKey, verificationKeys: k.verificationKeys,
            contextHash: k.contextHash)
    }
}
