import BoardAPI
import Hummingbird
import NIOCore

/// What /booth/hash answers: the booth hash and every file's digest, so anyone can compare the
/// files they fetched with the hash a manifest pins.
struct BoothListing: Codable, Sendable {
    struct File: Codable, Sendable {
        var name: String
        var sha256: String
        var bytes: Int
    }

    var boothHash: String
    var files: [File]
}

/// GET /booth/hash, GET /booth/FILE (the booth's files exactly as loaded at start), and the pages:
/// GET /elections/ID/vote (voting), GET /elections/ID/track/CODE (tracking a ballot), GET
/// /elections/ID/ (the observers' page) and GET / (the board's elections).
func addBoothRoutes(to router: Router<BoardRequestContext>, booth: BoothAssets?) {
    @Sendable func assets() throws -> BoothAssets {
        guard let booth else { throw fail(.notFound, "this board serves no booth (start plebiscite serve with --booth DIR)") }
        return booth
    }
    router.get("/booth/hash") { _, _ in
        let booth = try assets()
        return jsonResponse(
            BoothListing(
                boothHash: booth.hash,
                files: booth.assets.keys.sorted().map {
                    BoothListing.File(name: $0, sha256: booth.assets[$0]!.sha256, bytes: booth.assets[$0]!.bytes.count)
                }))
    }
    /// A page of the booth, under the strict Content-Security-Policy.
    @Sendable func page(_ name: String) throws -> Response {
        guard let page = try assets().assets[name] else { throw fail(.notFound, "the booth has no \(name)") }
        return Response(
            status: .ok,
            headers: [
                .contentType: page.contentType, .cacheControl: "no-cache", .contentSecurityPolicy: BoothAssets.contentSecurityPolicy,
                .init("Referrer-Policy")!: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: page.bytes)))
    }
    router.get("/elections/:id/vote") { _, _ in try page("vote.html") }
    router.get("/elections/:id/track/:code") { _, _ in try page("track.html") }
    router.get("/elections/:id") { _, _ in try page("election.html") }
    router.get("/") { _, _ in try page("index.html") }
    router.get("/booth/:file") { _, context in
        let name = context.parameters.get("file") ?? ""
        guard let asset = try assets().assets[name] else { throw fail(.notFound, "no booth file named \(name)") }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
