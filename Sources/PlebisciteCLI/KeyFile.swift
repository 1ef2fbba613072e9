import ArgumentParser
import ElectionProtocol
import ElectionRecord
import Foundation
import Ristretto

/// A secret kept encrypted at rest under a passphrase (Argon2id + XSalsa20-Poly1305), with its
/// public part in clear: trustee, authority, device and board keys.
struct KeyFile<Secret: Codable, Public: Codable>: Codable {
    var kind: String
    var id: String
    var publicPart: Public
    var sealed: PassphraseSeal.Sealed

    static func create(kind: String, id: String, publicPart: Public, secret: Secret, passphrase: String) throws -> KeyFile {
        var plain = try RecordCoding.encode(secret)
        defer { Sodium.zero(&plain) }
        return KeyFile(kind: kind, id: id, publicPart: publicPart, sealed: try PassphraseSeal.seal(plain, passphrase: passphrase))
    }

    static func load(_ path: String, kind: String) throws -> KeyFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw StepFailure("cannot read key file \(path): \(error.localizedDescription)")
        }
        let file: KeyFile
        do { file = try RecordCoding.decode(KeyFile.self, from: Array(data)) } catch {
            throw StepFailure("\(path) is not a \(kind) key file: \(error)")
        }
        guard file.kind == kind else { throw StepFailure("\(path) holds a \(file.kind) key, not a \(kind) key") }
        return file
    }

    func open(passphrase: String, path: String) throws -> Secret {
        do {
            var plain = try PassphraseSeal.open(sealed, passphrase: passphrase)
            defer { Sodium.zero(&plain) }
            return try RecordCoding.decode(Secret.self, from: plain)
        } catch PassphraseSeal.Failure.wrongPassphraseOrCorrupted {
            throw StepFailure("wrong passphrase for \(path) (or the file was altered)")
        } catch {
            throw StepFailure("cannot open \(path): \(error)")
        }
    }

    func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(try RecordCoding.encode(self, pretty: true)).write(to: url, options: .atomic)
        chmod(path, 0o600)
    }
}

/// Where a passphrase comes from: a file, the PLEBISCITE_PASSPHRASE variable, or the terminal.
struct PassphraseOptions: ParsableArguments {
    @Option(help: "File whose first line is the passphrase (default: $PLEBISCITE_PASSPHRASE, else ask).")
    var passphraseFile: String?

    func passphrase(confirm: Bool = false) throws -> String {
        if let f = passphraseFile {
            guard let text = try? String(contentsOfFile: f, encoding: .utf8) else { throw StepFailure("cannot read \(f)") }
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            guard !line.isEmpty else { throw StepFailure("\(f) holds no passphrase") }
            return try checked(line, new: confirm)
        }
        if let env = ProcessInfo.processInfo.environment["PLEBISCITE_PASSPHRASE"], !env.isEmpty { return try checked(env, new: confirm) }
        guard isatty(0) == 1, let p = getpass("Passphrase: ").map({ String(cString: $0) }), !p.isEmpty else {
            throw ValidationError("no passphrase: use --passphrase-file or set PLEBISCITE_PASSPHRASE")
        }
        if confirm {
            guard let again = getpass("Again: ").map({ String(cString: $0) }), again == p else {
                throw ValidationError("the passphrases differ")
            }
        }
        return try checked(p, new: confirm)
    }

    /// Shortest passphrase that protects a new key file.
    static let minimumLength = 12

    /// A passphrase for a new key file must have at least `minimumLength` characters.
    func checked(_ passphrase: String, new: Bool) throws -> String {
        guard !new || passphrase.count >= Self.minimumLength else {
            throw StepFailure(
                "a passphrase protecting a key has at least \(Self.minimumLength) characters; this one has \(passphrase.count)")
        }
        return passphrase
    }
}

/// The secrets behind a trustee key file; the share appears once the ceremony succeeded.
struct TrusteeSecret: Codable {
    var signingSeed: HexBytes
    var exchangeSecret: HexBytes
    var secretShare: Scalar?
    var manifestHash: Digest?
}

/// The secret behind an Ed25519 key file (authority, device, board).
struct SigningSecret: Codable {
    var seed: HexBytes
}

/// The public part of a device key file.
struct DevicePublic: Codable {
    var channel: Channel
    var signingKey: Ed25519.PublicKey
}

/// Reads and writes JSON files for the step commands, with errors that name the file.
enum Files {
    /// Reads a JSON file strictly (PROTOCOL.md 5.1): an unknown field (a typo such as `device`
    /// for `devices`), a duplicate key or a null is refused and named, not silently dropped.
    static func read<T: Codable>(_ type: T.Type, _ path: String, what: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else { throw StepFailure("cannot read \(what) \(path)") }
        do { return try RecordCoding.decodeStrict(T.self, from: Array(data)) } catch {
            throw StepFailure("\(path) is not a valid \(what): \(error)")
        }
    }

    static func write<T: Encodable>(_ value: T, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(try RecordCoding.encode(value, pretty: true)).write(to: url, options: .atomic)
    }

    /// An instant as the record writes it, YYYY-MM-DDTHH:MM:SSZ.
    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// "now" to the second, or an ISO 8601 instant given with --at.
    static func instant(_ text: String?) throws -> Date {
        guard let text else { return Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }
        guard let d = ISO8601DateFormatter().date(from: text) else {
            throw ValidationError("'\(text)' is not an ISO 8601 instant such as 2026-06-01T08:00:00Z")
        }
        return d
    }
}

/// The shareable public file every `init` command writes beside its key file.
struct PublicIdentity: Codable {
    var kind: String
    var id: String
    var signingKey: Ed25519.PublicKey
    var exchangeKey: HexBytes?
    var channel: Channel?
}
