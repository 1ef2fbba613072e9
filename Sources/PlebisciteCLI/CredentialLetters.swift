import ArgumentParser
import ElectionProtocol
import ElectionRecord
import Forensics
import Foundation
import QRCode
import Ristretto

/// One letter per voter, for distribution: the precinct, short instructions in Ukrainian, Russian
/// and English, the credential, and a QR code of the booth link with the credential in the URL
/// fragment (`#c=...`: a browser never sends it to the server). Print-ready HTML, one letter a page.
struct CredentialLetters {
    struct Letter: Equatable {
        var voterId: String
        var precinct: String
        var credential: String
        /// The credential's public key (hex), as the printed-letters list names it.
        var publicCredential: String
    }

    /// Why letters cannot be made.
    enum Problem: Error, CustomStringConvertible {
        case emptyRoll(String)
        case badLine(file: String, line: Int, reason: String)

        var description: String {
            switch self {
            case .emptyRoll(let f): "\(f) holds no credential: no letters to write"
            case .badLine(let f, let line, let reason): "\(f) line \(line): \(reason)"
            }
        }
    }

    let manifest: Manifest
    /// The manifest hash, printed as the election's fingerprint for the voter to compare.
    let manifestHash: Digest
    let boothURL: String
    /// In manifest precinct order, then by voter id.
    var letters: [Letter]

    /// Reads the authority's credentials CSV (voter_id,precinct,credential), checking every
    /// credential's checksum and precinct; the last credential of a voter replaces earlier ones.
    init(manifest: Manifest, manifestHash: Digest, boothURL: String, credentialsCSV text: String, file: String) throws(Problem) {
        self.manifest = manifest
        self.manifestHash = manifestHash
        self.boothURL = boothURL
        let rows = text.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = rows.first, header.replacingOccurrences(of: " ", with: "") == "voter_id,precinct,credential" else {
            throw .badLine(file: file, line: 1, reason: "the header must be voter_id,precinct,credential")
        }
        var latest = [String: Letter]()
        for (i, row) in rows.enumerated().dropFirst() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 3, !f[0].isEmpty else { throw .badLine(file: file, line: i + 1, reason: "expected 3 fields") }
            guard manifest.precinct(f[1]) != nil else { throw .badLine(file: file, line: i + 1, reason: "unknown precinct \(f[1])") }
            let credential: VoterCredential
            do { credential = try VoterCredential(text: f[2], electionId: manifest.electionId) } catch {
                throw .badLine(file: file, line: i + 1, reason: "\(error)")
            }
            latest[f[0]] = Letter(voterId: f[0], precinct: f[1], credential: f[2], publicCredential: credential.publicKey.hex)
        }
        guard !latest.isEmpty else { throw .emptyRoll(file) }
        let order = Dictionary(uniqueKeysWithValues: manifest.precincts.enumerated().map { ($1.id, $0) })
        letters = latest.values.sorted { (order[$0.precinct]!, $0.voterId) < (order[$1.precinct]!, $1.voterId) }
    }

    /// The booth link a letter's QR code holds.
    func link(_ letter: Letter) -> String { "\(boothURL)#c=\(letter.credential)" }

    /// The instructions, per language, for this election's counting rule.
    func instructions(precinct: String) -> [(lang: String, title: String, lines: [String])] {
        let final = manifest.rule == .stationFinal
        return [
            (
                "uk", "Ваш ключ для голосування",
                [
                    "Виборча дільниця: \(precinct).",
                    "Нікому не показуйте цей лист: будь-хто з цим ключем може проголосувати замість вас.",
                    "Щоб проголосувати онлайн, відскануйте код або відкрийте адресу кабіни й введіть ключ.",
                    final
                        ? "Ви можете проголосувати знову; бюлетень, поданий на виборчій дільниці, є остаточним."
                        : "Ви можете проголосувати знову: враховується лише ваш останній бюлетень.",
                    "Якщо лист загубився або його забрали, прийдіть на дільницю з документом, що посвідчує особу: вам видадуть новий ключ.",
                ]
            ),
            (
                "ru", "Ваш ключ для голосования",
                [
                    "Избирательный участок: \(precinct).",
                    "Никому не показывайте это письмо: любой, у кого есть этот ключ, может проголосовать вместо вас.",
                    "Чтобы проголосовать онлайн, отсканируйте код или откройте адрес кабины и введите ключ.",
                    final
                        ? "Вы можете проголосовать повторно; бюллетень, поданный на избирательном участке, окончательный."
                        : "Вы можете проголосовать повторно: учитывается только ваш последний бюллетень.",
                    "Если письмо потеряно или его забрали, придите на участок с документом, удостоверяющим личность: вам выдадут новый ключ.",
                ]
            ),
            (
                "en", "Your voting credential",
                [
                    "Precinct: \(precinct).",
                    "Show this letter to no one: anyone who holds the credential can vote in your name.",
                    "To vote online, scan the code or open the booth address and type the credential.",
                    final
                        ? "You may vote again; a ballot cast at a polling station is final."
                        : "You may vote again: only your last ballot counts.",
                    "If this letter was lost or taken from you, go to a polling station with your identity document: your credential will be replaced.",
                ]
            ),
        ]
    }

    /// The letters as one print-ready HTML page (A4, one letter a page; no script, nothing loaded).
    func html() throws -> String {
        let e = HTML.escape
        var body = ""
        for l in letters {
            let precinct = manifest.precinct(l.precinct).map { "\($0.name) (\($0.id))" } ?? l.precinct
            let qr = try QRCode(link(l)).svg(size: 220, label: "booth link with the credential")
            body +=
                "<article class=\"letter\">\n<header><h1>\(e(manifest.title.text))</h1><p>\(e(precinct)) · \(e(l.voterId))</p></header>\n"
            body +=
                "<div class=\"code\"><div class=\"qr\">\(qr)</div><p class=\"credential\">\(e(l.credential))</p><p class=\"booth\">\(e(boothURL))</p>"
                + "<p class=\"fingerprint\">Відбиток виборів · Отпечаток выборов · Election fingerprint: <b>\(manifestHash.fingerprint)</b></p></div>\n"
            for part in instructions(precinct: precinct) {
                body += "<section lang=\"\(part.lang)\"><h2>\(e(part.title)): \(e(manifest.title.text(in: part.lang)))</h2>"
                body += part.lines.map { "<p>\(e($0))</p>" }.joined() + "</section>\n"
            }
            body += "</article>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="uk"><head><meta charset="utf-8"><title>\(e(manifest.title.text)): листи з ключами · письма с ключами · credential letters</title>
            <style>
            @page { size: A4; margin: 14mm; }
            body { font-family: "DejaVu Sans", sans-serif; color: #000; margin: 0; }
            .letter { page-break-after: always; break-after: page; }
            .letter:last-child { page-break-after: auto; break-after: auto; }
            header h1 { font-size: 15pt; margin: 0 0 2mm; } header p { margin: 0 0 4mm; font-size: 11pt; }
            .code { text-align: center; margin: 2mm 0 4mm; }
            .credential { font-family: "DejaVu Sans Mono", monospace; font-size: 17pt; letter-spacing: 1px; margin: 2mm 0; }
            .booth { font-size: 9pt; margin: 0; overflow-wrap: anywhere; }
            section h2 { font-size: 11pt; margin: 3mm 0 1mm; } section p { font-size: 9.5pt; margin: 0 0 1mm; }
            </style></head><body>
            \(body)</body></html>

            """
    }
}

extension PlebisciteCommand.AuthorityCommand {
    /// `plebiscite authority letters`: the letters that carry the credentials to the voters.
    struct Letters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one credential letter per voter, sorted by precinct: print-ready HTML, and PDF with --pdf.",
            discussion: """
                Each letter holds the precinct, instructions in Ukrainian, Russian and English, the credential, and a QR code of
                the booth link with the credential in the URL fragment. --destroy-secrets then overwrites and deletes the
                credentials file (only once every letter is written): the authority keeps no way to vote with them.
                Letters already printed are not printed again: each run lists the public credentials it printed in
                letters-printed.csv beside the credentials file, so after `authority amend` or `authority revoke` only the new
                voters' and the replaced credentials' letters come out (--reprint prints every one again). A voter's last
                credential in the file replaces earlier ones (a revoked credential's replacement, not the revoked one).
                """)
        @OptionGroup var record: RecordOptions
        @Option(help: "The secret credentials (CSV voter_id,precinct,credential).") var credentials = "credentials.csv"
        @Option(help: "The booth's address (default: the board's /elections/ID/vote when --record is a board URL).") var boothUrl: String?
        @Option(help: "Where to write the letters (HTML).") var out = "letters.html"
        @Option(help: "Also print them to this PDF with headless Chromium.") var pdf: String?
        @Flag(help: "Overwrite and delete the credentials file once the letters are written.") var destroySecrets = false
        @Flag(help: "Print every letter, also those letters-printed.csv lists as printed.") var reprint = false

        func run() async throws {
            let state = try await record.setupState()
            let booth: String
            if let boothUrl {
                booth = boothUrl
            } else if let loc = record.location {
                booth = "\(loc.board)/elections/\(loc.electionId)/vote"
            } else {
                throw ValidationError("give --booth-url (the record is a directory, so the booth's address is not known)")
            }
            guard let text = try? String(contentsOfFile: credentials, encoding: .utf8) else {
                throw StepFailure("cannot read \(credentials) as UTF-8 text")
            }
            var letters: CredentialLetters
            do {
                letters = try CredentialLetters(
                    manifest: state.manifest, manifestHash: state.manifestHash, boothURL: booth, credentialsCSV: text, file: credentials)
            } catch {
                throw StepFailure("\(error)")
            }
            // Public credentials, to skip letters already printed (unless --reprint).
            let ledger = PrintedLetters(besides: credentials)
            let printed = reprint ? [] : try ledger.publicCredentials()
            let all = letters.letters.count
            letters.letters.removeAll { printed.contains($0.publicCredential) }
            let skipped = all - letters.letters.count
            let listed = "listed in \(ledger.path); --reprint prints them again"
            guard !letters.letters.isEmpty else {
                throw StepFailure("no letters to write: every credential in \(credentials) was already printed (\(listed))")
            }
            let html = try letters.html()
            do { try Data(html.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                throw StepFailure("cannot write \(out): \(error.localizedDescription)")
            }
            chmod(out, 0o600)
            if let pdf {
                try Chromium.printToPDF(html: html, to: pdf)
                chmod(pdf, 0o600)
            }
            try ledger.add(letters.letters, to: out)
            print(
                "Wrote \(letters.letters.count) letters in \(Set(letters.letters.map(\.precinct)).count) precincts to \(out)"
                    + (pdf.map { " and \($0)" } ?? "") + (skipped == 0 ? "" : "; skipped \(skipped) already printed (\(listed))") + ".")
            if destroySecrets {
                try SecretFile.destroy(credentials)
                print(
                    "Overwrote and deleted \(credentials): the letters are now the only copies of the credentials. \(out)"
                        + (pdf.map { " and \($0)" } ?? "")
                        + " hold every one of them: print, seal and hand them out, then destroy these files too (`shred -u`).")
            }
        }
    }
}

/// The public list of letters printed so far (letters-printed.csv beside the credentials file:
/// voter_id,precinct,public_credential,letters_file), so a later run prints only new letters.
struct PrintedLetters {
    let path: String

    init(besides credentials: String) {
        path = URL(fileURLWithPath: credentials).deletingLastPathComponent().appendingPathComponent("letters-printed.csv").path
    }

    /// The public credentials (hex) already printed; none when the list does not exist yet.
    func publicCredentials() throws -> Set<String> {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw StepFailure("cannot read \(path) as UTF-8 text") }
        var keys = Set<String>()
        for (i, row) in text.split(whereSeparator: \.isNewline).enumerated().dropFirst() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 4, f[2].count == 64 else {
                throw StepFailure("\(path) line \(i + 1): expected voter_id,precinct,public_credential,letters_file")
            }
            keys.insert(String(f[2]))
        }
        return keys
    }

    /// Adds the letters just written to `file`.
    func add(_ letters: [CredentialLetters.Letter], to file: String) throws {
        let name = file.replacingOccurrences(of: ",", with: " ")
        let header = FileManager.default.fileExists(atPath: path) ? "" : "voter_id,precinct,public_credential,letters_file\n"
        try AuthorityFiles.append(
            header + letters.map { "\($0.voterId),\($0.precinct),\($0.publicCredential),\(name)\n" }.joined(), to: path)
    }
}

/// Destroying a file of secrets: its bytes overwritten with random ones and flushed, then unlinked.
/// (On copy-on-write or journalling file systems and SSDs old blocks may survive; keep secrets on
/// an encrypted volume as well.)
enum SecretFile {
    static func destroy(_ path: String) throws {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw StepFailure("cannot open \(path) to destroy it") }
        do {
            let size = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            var left = size
            while left > 0 {
                let n = min(left, 1 << 16)
                try handle.write(contentsOf: Data(Sodium.randomBytes(n)))
                left -= n
            }
            try handle.synchronize()
            try handle.close()
            try FileManager.default.removeItem(atPath: path)
        } catch { throw StepFailure("could not destroy \(path): \(error.localizedDescription)") }
    }
}
