import BoardAPI
import BoardService
import ElectionRecord
import Foundation
import Hummingbird
import NIOCore
import ZIPFoundation

/// The observers' API: GET /elections/ID/status (counts, phase, result), GET
/// /elections/ID/verification (the server's own verifier run, per phase), GET
/// /elections/ID/forensics.html (the forensics of the verified result) and GET
/// /elections/ID/record.zip (the record as files, for `plebiscite verify DIR`).
func addObserverRoutes(to router: Router<BoardRequestContext>, service: BoardService, reports: VerificationReports) {
    router.get("/elections/:id/status") { _, context in
        let id = try context.parameters.require("id")
        return jsonResponse(try await call { () async throws(BoardError) in try await service.status(id) })
    }
    router.get("/elections/:id/verification") { _, context in
        let id = try context.parameters.require("id")
        return jsonResponse(try await call { () async throws(BoardError) in try await reports.answer(id) })
    }
    router.get("/elections/:id/forensics.html") { _, context in
        let id = try context.parameters.require("id")
        guard let html = await reports.forensics(id) else {
            throw fail(.notFound, "no forensics of election \(id) yet: they follow the verifier's run on a decrypted record")
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-cache",
                // The report is static: inline styles and SVG, no script.
                .contentSecurityPolicy:
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
    router.get("/elections/:id/record.zip") { _, context in
        let id = try context.parameters.require("id")
        let (manifest, lines, heads) = try await call { () async throws(BoardError) in try await service.export(id) }
        let files = RecordFiles(manifestBytes: manifest, lines: lines, treeHeads: heads)
        let zip: Data
        do { zip = try recordArchive(id, files) } catch { throw fail(.serverFailed, "cannot zip the record: \(error)") }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(id)-record.zip\"",
                .cacheControl: "no-cache",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: zip)))
    }
}

/// The record's files in one zip, under a folder named after the election (deflated).
func recordArchive(_ id: String, _ files: RecordFiles) throws -> Data {
    let archive = try Archive(accessMode: .create)
    for (name, bytes) in [("manifest.json", files.manifestBytes), ("log.jsonl", files.log), ("treeheads.jsonl", files.treeHeadsBytes)] {
        let data = Data(bytes)
        try archive.addEntry(
            with: "\(id)/\(name)", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
        ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
    }
    guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
    return data
}
