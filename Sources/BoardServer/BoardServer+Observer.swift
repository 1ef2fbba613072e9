import BoardAPI
import BoardService
import ElectionRecord
import Forensics
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The observers' API: GET /elections/ID/status (counts, phase, result), GET
/// /elections/ID/verification (the server's own verifier run, per phase), GET
/// /elections/ID/forensics.html (the forensics of the verified result) and GET
/// /elections/ID/record.zip (the record as files, for `plebiscite verify DIR`).
func addObserverRoutes(
    to router: Router<BoardRequestContext>, service: BoardService, reports: VerificationReports, archives: RecordArchives,
    budget: ByteBudget?
) {
    router.get("/elections/:id/status") { _, context in
        let id = try context.parameters.require("id")
        return jsonResponse(try await call { () async throws(BoardError) in try await service.status(id) })
    }
    router.get("/elections/:id/verification") { _, context in
        let id = try context.parameters.require("id")
        return jsonResponse(try await call { () async throws(BoardError) in try await reports.answer(id) })
    }
    router.get("/elections/:id/forensics.html") { request, context in
        let id = try context.parameters.require("id")
        // ?lang=uk|ru|en, as the observers' page links it; English otherwise.
        let language = request.uri.queryParameters.get("lang").flatMap(DocumentLanguage.init(rawValue:)) ?? .en
        guard let html = await reports.forensics(id, language: language) else {
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
        let opened: RecordArchives.Opened?
        do { opened = try await archives.open(id, service: service) } catch let e as BoardError { throw BoardHTTPError(error: e) } catch {
            throw fail(.serverFailed, "cannot zip the record: \(error)")
        }
        guard let opened else {
            throw fail(
                .busy, "the board is building other records' archives; try again in a few seconds",
                headers: [.retryAfter: "\(busyRetrySeconds)"])
        }
        let handle = opened.handle
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(id)-record.zip\"",
                .cacheControl: "no-cache", recordSizeField: "\(opened.size)",
            ],
            body: .init(contentLength: opened.bytes) { writer in
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 1 << 17), !chunk.isEmpty {
                    await budget?.spend(chunk.count)
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            })
    }
}

/// The header that says how many entries of the log a record.zip holds.
let recordSizeField = HTTPField.Name("Record-Size")!

/// The seconds a busy answer (503) asks the client to wait.
let busyRetrySeconds = 5
