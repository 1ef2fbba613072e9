import CompressNIO
import Foundation
import NIOCore
import Testing

@testable import Forensics

/// The HTML report, rendered by a real headless Chromium, shows the plots.
@Suite("HTML report in a real browser")
struct ReportRenderingTests {
    /// Finds Debian's chromium (installed by scripts/install-deps).
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    @Test("The Canada report renders with its heat map, histograms and curves")
    func screenshot() throws {
        let browser = try #require(Self.chromium, "chromium is not installed: run scripts/install-deps --test")
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("plebiscite-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("report.html"), png = dir.appendingPathComponent("shot.png")
        let report = try SharedAnalyses.canada.html
        #expect(report.components(separatedBy: "<svg").count - 1 >= 8)
        try Data(report.utf8).write(to: html)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1100,2400",
            "--user-data-dir=\(dir.appendingPathComponent("profile").path)", "--screenshot=\(png.path)", html.absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let image = try PNGImage(data: Array(try Data(contentsOf: png)))
        #expect(image.width == 1100 && image.height == 2400)
        // Not blank: a good part of the page is drawn, and the plots' colours are there.
        let stats = image.colourStatistics()
        #expect(stats.nonWhiteFraction > 0.05, "non-white \(stats.nonWhiteFraction)")
        #expect(stats.bluePixels > 20_000, "histogram bars \(stats.bluePixels)")
        #expect(stats.heatMapPixels > 2_000, "heat-map cells \(stats.heatMapPixels)")
    }
}

/// Just enough PNG decoding (8-bit RGB or RGBA, non-interlaced) to look at a screenshot.
struct PNGImage {
    var width = 0, height = 0, channels = 0
    var pixels = [UInt8]()

    init(data: [UInt8]) throws {
        guard data.count > 8, data[0] == 0x89, data[1] == 0x50 else { throw CocoaError(.fileReadCorruptFile) }
        var i = 8
        var idat = [UInt8]()
        while i + 8 <= data.count {
            let length = Int(data[i]) << 24 | Int(data[i + 1]) << 16 | Int(data[i + 2]) << 8 | Int(data[i + 3])
            let type = String(decoding: data[(i + 4)..<(i + 8)], as: UTF8.self)
            let body = Array(data[(i + 8)..<(i + 8 + length)])
            if type == "IHDR" {
                width = Int(body[0]) << 24 | Int(body[1]) << 16 | Int(body[2]) << 8 | Int(body[3])
                height = Int(body[4]) << 24 | Int(body[5]) << 16 | Int(body[6]) << 8 | Int(body[7])
                guard body[8] == 8, body[12] == 0 else { throw CocoaError(.fileReadCorruptFile) }
                channels = body[9] == 6 ? 4 : body[9] == 2 ? 3 : 0
                guard channels > 0 else { throw CocoaError(.fileReadCorruptFile) }
            } else if type == "IDAT" {
                idat += body
            }
            i += 12 + length
        }
        var buffer = ByteBuffer(bytes: idat)
        var raw = try buffer.decompress(with: .zlib())
        let bytes = raw.readBytes(length: raw.readableBytes) ?? []
        let stride = width * channels
        pixels = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let filter = bytes[y * (stride + 1)]
            for x in 0..<stride {
                let v = bytes[y * (stride + 1) + 1 + x]
                let a = x >= channels ? Int(pixels[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(pixels[(y - 1) * stride + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: predictor = 0
                }
                pixels[y * stride + x] = UInt8(truncatingIfNeeded: Int(v) + predictor)
            }
        }
    }

    func colourStatistics() -> (nonWhiteFraction: Double, bluePixels: Int, heatMapPixels: Int) {
        var nonWhite = 0, blue = 0, heat = 0
        for p in 0..<(width * height) {
            let r = Int(pixels[p * channels]), g = Int(pixels[p * channels + 1]), b = Int(pixels[p * channels + 2])
            if r < 245 || g < 245 || b < 245 { nonWhite += 1 }
            if abs(r - 0x7a) < 12 && abs(g - 0xa6) < 12 && abs(b - 0xd6) < 12 { blue += 1 }
            // Viridis-like cells: dark purple to green to yellow, strongly coloured.
            if (r < 110 && b > 60 && g < 200 && abs(r - b) > 30) || (g > 140 && r < 140 && b < 150 && g - r > 40) { heat += 1 }
        }
        return (Double(nonWhite) / Double(width * height), blue, heat)
    }
}
