import CompressNIO
import Foundation
import NIOCore
import ZIPFoundation

/// Why an input file cannot be analysed at all (row-level problems are reported, not thrown).
public enum ForensicsInputError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(String)
    case corruptGzip
    case empty
    case notUTF8(line: Int)
    case missingColumns([String], available: [String])
    case unknownPreset(String)
    case noUsableRows(excluded: Int)
    case badMapping(String)
    /// A zip archive that does not hold exactly one CSV file (the names of those it holds).
    case zipContents([String])
    case corruptZip(String)
    /// Roles no column could be given, and the header seen.
    case unrecognized([String], available: [String])

    public var description: String {
        switch self {
        case .unreadable(let m): "cannot read the input: \(m)"
        case .corruptGzip: "the file starts like gzip but does not decompress"
        case .empty: "the file is empty or holds only a header"
        case .notUTF8(let line): "line \(line) is not UTF-8 text (convert the file to UTF-8)"
        case .missingColumns(let cols, let available):
            "no column named \(cols.joined(separator: ", ")); the header has: \(available.prefix(20).joined(separator: " | "))"
        case .unknownPreset(let p): "unknown preset '\(p)' (known: \(Preset.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .noUsableRows(let n): "no usable row: all \(n) data rows were excluded (see the reasons above)"
        case .badMapping(let m): "column mapping: \(m)"
        case .zipContents(let names):
            names.isEmpty
                ? "the zip archive holds no .csv file"
                : "the zip archive holds \(names.count) .csv files (\(names.prefix(5).joined(separator: ", "))): unpack the one to analyse"
        case .corruptZip(let m): "the zip archive cannot be read: \(m)"
        case .unrecognized(let roles, let available):
            "no column could be given these roles: \(roles.joined(separator: "; ")); the header has: \(available.prefix(40).joined(separator: " | "))"
        }
    }
}

/// File bytes, gunzipped when they start with the gzip magic number, or the one CSV of a zip archive.
enum InputBytes {
    static func read(path: String) throws(ForensicsInputError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable("no readable file at \(path)") }
        return try decode(Array(data))
    }

    static func decode(_ bytes: [UInt8]) throws(ForensicsInputError) -> [UInt8] {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return try unzip(bytes) }
        guard bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else { return bytes }
        // The trailer's last 4 bytes hold the uncompressed size mod 2^32: a truncated or corrupt
        // stream that the decompressor does not reject still fails this check.
        guard bytes.count >= 18 else { throw .corruptGzip }
        let n = bytes.count
        let expected = UInt32(bytes[n - 4]) | UInt32(bytes[n - 3]) << 8 | UInt32(bytes[n - 2]) << 16 | UInt32(bytes[n - 1]) << 24
        var buffer = ByteBuffer(bytes: bytes)
        let out: [UInt8]
        do {
            var decompressed = try buffer.decompress(with: .gzip(), maxSize: 4 << 30)
            out = decompressed.readBytes(length: decompressed.readableBytes) ?? []
        } catch {
            throw .corruptGzip
        }
        guard UInt32(truncatingIfNeeded: out.count) == expected else { throw .corruptGzip }
        return out
    }

    /// The one `.csv` (or `.csv.gz`) file of a zip archive, its checksum checked (ZIPFoundation).
    static func unzip(_ bytes: [UInt8]) throws(ForensicsInputError) -> [UInt8] {
        let archive: Archive
        do { archive = try Archive(data: Data(bytes), accessMode: .read) } catch { throw .corruptZip("\(error)") }
        let csvs = archive.filter { e in
            let name = e.path.lowercased()
            return e.type == .file && !name.hasPrefix("__macosx/") && (name.hasSuffix(".csv") || name.hasSuffix(".csv.gz"))
        }
        guard csvs.count == 1, let entry = csvs.first else { throw .zipContents(csvs.map(\.path)) }
        var out = [UInt8]()
        do { _ = try archive.extract(entry) { chunk in out += chunk } } catch { throw .corruptZip("\(entry.path): \(error)") }
        return entry.path.lowercased().hasSuffix(".gz") ? try decode(out) : out
    }
}

/// A CSV table parsed from bytes (RFC 4180 quoting), with 1-based line numbers per row.
struct CSVTable {
    var header: [String]
    var rows: [[Substring]]
    var lines: [Int]
    var delimiter: UInt8

    /// Parses UTF-8 CSV. The delimiter is guessed from the header (comma, semicolon, tab) unless given.
    static func parse(_ bytes: [UInt8], delimiter given: UInt8? = nil) throws(ForensicsInputError) -> CSVTable {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        guard let text = String(validating: bytes[start...], as: UTF8.self) else {
            // Find the first bad line to name it.
            var line = 1
            var i = start
            var lineStart = start
            while i < bytes.count {
                if bytes[i] == 10 {
                    if String(validating: bytes[lineStart..<i], as: UTF8.self) == nil { throw .notUTF8(line: line) }
                    line += 1
                    lineStart = i + 1
                }
                i += 1
            }
            throw .notUTF8(line: line)
        }
        let firstLine = text.prefix { $0 != "\n" }
        let delimiter =
            given
            ?? [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")].max { a, b in
                firstLine.utf8.filter { $0 == a }.count < firstLine.utf8.filter { $0 == b }.count
            }!
        var rows = [[Substring]]()
        var lines = [Int]()
        var fields = [Substring]()
        let utf8 = text.utf8
        var i = utf8.startIndex
        var line = 1
        var rowLine = 1
        var field = ""
        var quotedField = false
        var fieldStart = i
        func endField(_ end: String.Index) {
            if quotedField {
                fields.append(Substring(field))
            } else {
                fields.append(text[fieldStart..<end])
            }
            field = ""
            quotedField = false
        }
        while i < utf8.endIndex {
            let c = utf8[i]
            if c == UInt8(ascii: "\"") && text[fieldStart..<i].isEmpty {
                // Quoted field: read to the closing quote, "" is a literal quote.
                quotedField = true
                var j = utf8.index(after: i)
                var segment = j
                while j < utf8.endIndex {
                    if utf8[j] == UInt8(ascii: "\"") {
                        let next = utf8.index(after: j)
                        field += text[segment..<j]
                        if next < utf8.endIndex && utf8[next] == UInt8(ascii: "\"") {
                            field += "\""
                            j = utf8.index(after: next)
                            segment = j
                            continue
                        }
                        j = next
                        break
                    }
                    if utf8[j] == 10 { line += 1 }
                    j = utf8.index(after: j)
                }
                i = j
                continue
            }
            if c == delimiter {
                endField(i)
                i = utf8.index(after: i)
                fieldStart = i
                continue
            }
            if c == 10 || c == 13 {
                endField(i)
                if !(fields.count == 1 && fields[0].isEmpty) {
                    rows.append(fields)
                    lines.append(rowLine)
                }
                fields = []
                if c == 13, utf8.index(after: i) < utf8.endIndex, utf8[utf8.index(after: i)] == 10 { i = utf8.index(after: i) }
                i = utf8.index(after: i)
                line += 1
                rowLine = line
                fieldStart = i
                continue
            }
            i = utf8.index(after: i)
        }
        if fieldStart < utf8.endIndex || !fields.isEmpty || quotedField {
            endField(utf8.endIndex)
            if !(fields.count == 1 && fields[0].isEmpty) {
                rows.append(fields)
                lines.append(rowLine)
            }
        }
        guard let header = rows.first else { throw .empty }
        return CSVTable(
            header: header.map { $0.trimmingCharacters(in: .whitespaces) }, rows: Array(rows.dropFirst()),
            lines: Array(lines.dropFirst()), delimiter: delimiter)
    }

    /// The index of a column by exact name, or by a unique case-insensitive prefix.
    func column(_ name: String) -> Int? {
        if let i = header.firstIndex(of: name) { return i }
        let lower = name.lowercased()
        let matches = header.indices.filter { header[$0].lowercased().hasPrefix(lower) }
        return matches.count == 1 ? matches[0] : nil
    }
}
