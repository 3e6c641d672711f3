import Foundation
/// Matches an `Origin` header against an app's `allowed_origins` (host-only globs, Reverb's rules).
package enum OriginPolicy {
    /// True when `origin` (a full `Origin` header value, or nil when absent) is allowed by `patterns`.
    package static func allows(_ origin: String?, patterns: [String]) -> Bool {
        if patterns.contains("*") { return true }
        guard let origin, let host = host(of: origin) else { return false }
        return patterns.contains { glob($0, matches: host) }
    }

    /// The host part of an origin: `https://app.test:8443` becomes `app.test`.
    static func host(of origin: String) -> String? {
        var rest = Substring(origin)
        if let schemeEnd = rest.range(of: "://") { rest = rest[schemeEnd.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            return String(rest[rest.index(after: rest.startIndex)..<close])
        }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : String(rest)
    }

    /// `*` matches any run of characters, everything else itself.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let pattern = Array(pattern.utf8)
        let text = Array(text.utf8)
        var p = 0
        var t = 0
        var star: Int?
        var mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = t
                p += 1
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let starIndex = star {
                p = starIndex + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
