import Foundation

/// Debian's headless Chromium, for printing HTML to PDF (results, credential letters).
enum Chromium {
    /// The browser's path, if one is installed.
    static var path: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Prints `html` to a PDF at `out` (A4, no header or footer). The page loads nothing from the network.
    static func printToPDF(html: String, to out: String) throws {
        guard let browser = path else {
            throw StepFailure("PDF needs headless Chromium: install Debian's chromium (apt-get install chromium fonts-dejavu-core)")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("plebiscite-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let page = work.appendingPathComponent("page.html")
        try Data(html.utf8).write(to: page)
        let target = URL(fileURLWithPath: out).standardizedFileURL
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(work.path)/profile",
            "--print-to-pdf=\(target.path)", page.absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let size = (try? FileManager.default.attributesOfItem(atPath: target.path)[.size] as? Int) ?? 0
        guard process.terminationStatus == 0, size > 0 else {
            throw StepFailure("Chromium could not print \(out) (exit status \(process.terminationStatus))")
        }
    }
}
