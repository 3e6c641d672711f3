import Crypto
import NIOCore
import NIOHTTP1
import Testing

@testable import ReverbEngine

/// The API path's byte-level shortcuts give exactly what the general code gives (docs/benchmarks.md, section k).
@Suite("API hot path")
struct APIHotPathTests {
    @Test(
        "a prepared HMAC key signs like HMAC-SHA256",
        arguments: ["", "s", "reverb-secret", String(repeating: "k", count: 64), String(repeating: "é", count: 70)])
    func preparedKey(secret: String) {
        let key = HMACKey(secret: secret)
        for message in ["", "POST\n/apps/1/events\nauth_key=a", String(repeating: "x", count: 300)] {
            let expected = HMACSigner.hexSignature(of: message, secret: secret)
            #expect(key.hexSignature(of: Array(message.utf8)) == expected)
            #expect(key.hexSignature(of: Array(message.utf8)) == expected, "the prepared state is not consumed")
        }
    }

    @Test("queries split on bytes decode as before")
    func query() {
        let pairs = HTTPRequest.parseQuery("a=1&b=x+y%20z&&c&=v&d=%zz&e=caf%C3%A9&a=2")
        #expect(pairs.map(\.name) == ["a", "b", "c", "", "d", "e", "a"])
        #expect(pairs.map(\.value) == ["1", "x y z", "", "v", "%zz", "café", "2"])
        #expect(HTTPRequest.parseQuery("").isEmpty)
        let request = HTTPRequest(
            head: HTTPRequestHead(version: .http1_1, method: .POST, uri: "/apps/1/ev%65nts+x?auth_key=k&body_md5=m"),
            body: ByteBuffer())
        #expect(request.path == "/apps/1/events+x")
        #expect(request.queryValue("auth_key") == "k" && request.queryValue("body_md5") == "m")
        let bare = HTTPRequest(head: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/up"), body: ByteBuffer())
        #expect(bare.path == "/up" && bare.query.isEmpty)
        let empty = HTTPRequest(head: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/up?"), body: ByteBuffer())
        #expect(empty.path == "/up" && empty.query.isEmpty)
    }

    @Test("routes match without splitting into strings")
    func routes() {
        func route(_ path: String) -> String? {
            APIRouter.match(path).map { "\($0.0) \($0.1)" }
        }
        #expect(route("/apps/1/events") == "events 1")
        #expect(route("/apps/1/batch_events") == "batchEvents 1")
        #expect(route("/apps/1/channels/presence-a/users") == "channelUsers(\"presence-a\") 1")
        #expect(route("/apps/1/users/u/terminate_connections") == "terminateUser(\"u\") 1")
        #expect(route("/users/u/terminate_connections") == "terminateUser(\"u\") ")
        #expect(route("/up") == "health ")
        #expect(route("/app/key") == "socket ")
        for path in ["", "/", "up", "/apps/1/events/", "/apps/1/channels/", "/apps/1/channels/a/users/x", "/app/"] {
            #expect(route(path) == nil, "\(path)")
        }
        #expect(APIRouter.routeTemplate(path: "/ws/apps/1/events", prefix: "/ws") == "/apps/{id}/events")
    }

    @Test(
        "keep-alive read from the scanned Connection tokens as NIO reads it",
        arguments: [
            ("1.1", nil), ("1.1", "close"), ("1.1", "keep-alive"), ("1.0", nil), ("1.0", "Keep-Alive"),
            ("1.0", "close"), ("1.1", "Upgrade, close"), ("1.1", " keep-alive , keep-alive"), ("1.1", "te"),
            ("1.0", "keep-alive, close"),
        ] as [(String, String?)])
    func keepAlive(version: String, connection: String?) throws {
        let text =
            "GET /up HTTP/\(version)\r\nHost: x\r\n" + (connection.map { "Connection: \($0)\r\n" } ?? "") + "\r\n"
        guard case .head(let parsed, _) = PlainRequestHead.scan(ByteBuffer(string: text)) else {
            Issue.record("not scanned: \(text)")
            return
        }
        var parsedByNIO = HTTPRequestHead(version: parsed.head.version, method: .GET, uri: "/up")
        if let connection { parsedByNIO.headers.add(name: "Connection", value: connection) }
        #expect(parsed.isKeepAlive == parsedByNIO.isKeepAlive)
    }
}

@Suite("Connection hot path")
struct ConnectionHotPathTests {
    @Test("connection_established written straight is what envelope writes")
    func established() {
        for socketID in ["1.2", "123456789.987654321", SocketID.random()] {
            let expected = ServerMessage.envelope(
                event: "pusher:connection_established",
                data: "{\"socket_id\":\(socketID.jsonQuoted),\"activity_timeout\":30}", channel: nil)
            #expect(ServerMessage.connectionEstablished(socketID: socketID, activityTimeout: 30) == expected)
        }
        let odd = ServerMessage.connectionEstablished(socketID: "a\"b", activityTimeout: 5)
        #expect(String(buffer: odd).contains(#"\\\"b"#))
    }

    @Test("pooled socket ids are valid and do not repeat")
    func socketIDs() {
        let ids = (0..<1000).map { _ in SocketID.random() }
        #expect(ids.allSatisfy(SocketID.isValid))
        #expect(Set(ids).count == ids.count)
        let parts = ids.flatMap { $0.split(separator: ".").map { Int($0)! } }
        #expect(parts.allSatisfy { (1...1_000_000_000).contains($0) })
        #expect(Set(parts.map { $0 % 10 }).count == 10)
    }

    @Test("socket routes read on the bytes")
    func socketRoute() {
        let route = SocketRoute(routePrefix: "/ws")
        #expect(route.key("/ws/app/my-key?protocol=7") == "my-key")
        #expect(route.key("/ws/app/my%20key") == "my key")
        #expect(route.key("http://h:1/ws/app/k?x") == "k")
        for uri in ["/ws/app/", "/ws/app/a/b", "/app/k", "/ws/apps/k", "/ws/app/?k"] {
            #expect(route.key(uri) == nil, "\(uri)")
        }
    }
}
