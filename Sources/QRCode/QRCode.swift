import CQRencode

/// A QR code (ISO/IEC 18004) made by libqrencode: a square of modules, dark or light.
public struct QRCode: Sendable, Equatable {
    /// Modules per side (without the quiet zone).
    public let width: Int
    /// Row-major, `true` for a dark module.
    public let modules: [Bool]

    /// Why a text could not be encoded.
    public enum EncodingError: Error, Equatable, CustomStringConvertible {
        case tooLong(Int)
        case failed(String)

        public var description: String {
            switch self {
            case .tooLong(let n): "\(n) bytes do not fit in a QR code"
            case .failed(let m): "libqrencode could not encode the text: \(m)"
            }
        }
    }

    /// Encodes `text` as 8-bit data with error correction level M (15 % of the code may be damaged),
    /// in the smallest version that holds it.
    public init(_ text: String) throws(EncodingError) {
        let bytes = Array(text.utf8)
        guard bytes.count <= 2_331 else { throw .tooLong(bytes.count) }
        let made: (Int, [Bool])? = bytes.withUnsafeBufferPointer { buffer in
            guard let code = QRcode_encodeData(Int32(buffer.count), buffer.baseAddress, 0, QR_ECLEVEL_M) else { return nil }
            defer { QRcode_free(code) }
            let w = Int(code.pointee.width)
            return (w, (0..<(w * w)).map { code.pointee.data[$0] & 1 == 1 })
        }
        guard let (w, m) = made else { throw .failed("the text is not encodable (errno set by the library)") }
        width = w
        modules = m
    }

    public func isDark(row: Int, column: Int) -> Bool { modules[row * width + column] }

    /// The code as an SVG image, `size` units wide, with a quiet zone of 4 modules; dark modules
    /// as one path, so it prints crisp at any size.
    public func svg(size: Int = 200, label: String = "QR code") -> String {
        let side = width + 8
        var path = ""
        for r in 0..<width {
            var c = 0
            while c < width {
                guard isDark(row: r, column: c) else {
                    c += 1
                    continue
                }
                let start = c
                while c < width && isDark(row: r, column: c) { c += 1 }
                path += "M\(start + 4) \(r + 4)h\(c - start)v1h-\(c - start)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(label)" width="\(size)" height="\(size)" \
            viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges"><rect width="\(side)" height="\(side)" fill="#fff"/>\
            <path fill="#000" d="\(path)"/></svg>
            """
    }
}
