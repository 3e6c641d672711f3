import Foundation

/// How `reverb-tui attach` proves it holds an app's secret, in the style of Pusher's API signatures: an
/// HMAC-SHA256 with the app secret over `GET\n/console\n` and the sorted query (`app_id`, `auth_nonce`,
/// `auth_timestamp`, `auth_version`). The timestamp must be within `window` seconds of the server clock and a
/// signature is accepted once (see docs/console.md).
public enum ConsoleStreamSignature {
    /// The route after the server's path prefix.
    public static let route = "/console"
    /// Seconds a signed request stays valid; also how long a used signature is remembered.
    public static let window = 300

    /// Why a console stream request was refused.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missing(String)
        case unknownApp(String)
        case staleTimestamp(offsetSeconds: Int, window: Int)
        case replayed
        case signatureMismatch(appID: String)

        public var description: String {
            switch self {
            case .missing(let name): "the \(name) query parameter is missing"
            case .unknownApp(let id): "no app with id \(id) on this server"
            case .staleTimestamp(let offset, let window):
                "auth_timestamp is \(offset) s away from the server clock (at most \(window) s allowed)"
            case .replayed: "this signature was already used; sign a new request"
            case .signatureMismatch(let id): "auth_signature does not match: wrong secret for app \(id)"
            }
        }
    }

    /// The query string of a signed request (without `?`), as the attach client sends it.
    public static func signedQuery(
        appID: String, secret: String, timestamp: Int = Int(Date().timeIntervalSince1970),
        nonce: String = UUID().uuidString.lowercased()
    ) -> String {
        let query = [
            ("app_id", appID), ("auth_nonce", nonce), ("auth_timestamp", String(timestamp)), ("auth_version", "1.0"),
        ]
        let signature = HMACSigner.hexSignature(
            of: APISignature.stringToSign(method: "GET", path: route, query: query), secret: secret)
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let encoded = query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }
        return (encoded + ["auth_signature=\(signature)"]).joined(separator: "&")
    }

    /// Checks a request's query against the apps; returns the app it names. With `consume`, a good signature is
    /// remembered so the same request cannot be replayed.
    static func verify(
        query: [(name: String, value: String)], directory: ApplicationDirectory, now: Date = Date(),
        consume: Bool
    ) throws(Failure) -> Application {
        func value(_ name: String) -> String? { query.last(where: { $0.name == name })?.value }
        guard let appID = value("app_id"), !appID.isEmpty else { throw .missing("app_id") }
        guard let signature = value("auth_signature") else { throw .missing("auth_signature") }
        guard let timestampText = value("auth_timestamp") else { throw .missing("auth_timestamp") }
        guard value("auth_nonce") != nil else { throw .missing("auth_nonce") }
        guard let app = directory.app(id: appID) else { throw .unknownApp(appID) }
        let offset = Int(abs(now.timeIntervalSince1970 - (Double(timestampText) ?? 0)))
        guard offset <= window else { throw .staleTimestamp(offsetSeconds: offset, window: window) }
        let expected = HMACSigner.hexSignature(
            of: APISignature.stringToSign(method: "GET", path: route, query: query), secret: app.secret)
        guard HMACSigner.constantTimeEquals(signature, expected) else { throw .signatureMismatch(appID: appID) }
        guard ConsoleStreamReplayGuard.shared.admit(signature, now: now, consume: consume) else { throw .replayed }
        return app
    }
}
