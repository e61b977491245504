/// Byte-level helpers for text falcopack reads and writes in bulk (repository indexes, repodata, the release
/// page), where String searching and escaping cost more than the work around them.
extension Array where Element == UInt8 {
    /// Where `needle` first occurs at or after `start`, or nil; an empty needle is never found.
    public func firstIndex(of needle: [UInt8], from start: Int = 0) -> Int? {
        guard let first = needle.first, start >= 0, start + needle.count <= count else { return nil }
        return withUnsafeBufferPointer { buffer -> Int? in
            var index = start
            while index <= buffer.count - needle.count {
                if buffer[index] == first && buffer[index..<(index + needle.count)].elementsEqual(needle) { return index }
                index += 1
            }
            return nil
        }
    }

    /// Appends `text` with `&`, `<`, `>` and `"` as entities, as XML and HTML both take it.
    public mutating func appendEscapingMarkup(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): append(contentsOf: "&quot;".utf8)
            default: append(byte)
            }
        }
    }
}
