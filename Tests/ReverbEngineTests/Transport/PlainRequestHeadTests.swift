import NIOCore
import NIOHTTP1
import Testing

@testable import ReverbEngine

@Suite("The fast path's request head scanner")
struct PlainRequestHeadTests {
    private func scan(_ text: String) -> PlainRequestHead.Scan {
        PlainRequestHead.scan(ByteBuffer(string: text))
    }

    private func head(_ text: String) -> (PlainRequestHead, Int)? {
        guard case .head(let head, let length) = scan(text) else { return nil }
        return (head, length)
    }

    private func isUnsupported(_ text: String) -> Bool {
        if case .unsupported = scan(text) { return true }
        return false
    }

    private func isIncomplete(_ text: String) -> Bool {
        if case .incomplete = scan(text) { return true }
        return false
    }

    @Test("a signed publish as Laravel sends it")
    func publish() throws {
        let text =
            "POST /apps/1/events?auth_key=k&auth_signature=abc HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 42\r\nConnection: close\r\n\r\n{\"name\":"
        let (parsed, length) = try #require(head(text))
        #expect(length == text.utf8.count - "{\"name\":".utf8.count)
        #expect(parsed.head.method == .POST)
        #expect(parsed.head.uri == "/apps/1/events?auth_key=k&auth_signature=abc")
        #expect(parsed.head.version == .http1_1)
        #expect(parsed.contentLength == 42 && parsed.hasContentLength)
        #expect(!parsed.isKeepAlive)
        #expect(!parsed.hasUpgrade && parsed.origin == nil)
        // Counted as NIO's pipeline counts the same head against `max_request_size`.
        let headers: HTTPHeaders = [
            "Host": "127.0.0.1", "Content-Type": "application/json", "Content-Length": "42", "Connection": "close",
        ]
        let parsedByNIO = HTTPRequestHead(version: .http1_1, method: .POST, uri: parsed.head.uri, headers: headers)
        #expect(parsed.size == HTTPRequestHandler.size(of: parsedByNIO))
    }

    @Test("a WebSocket handshake")
    func handshake() throws {
        let text =
            "GET /app/key?protocol=7 HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==  \r\nSec-WebSocket-Version: 13\r\nOrigin: http://a.test\r\n\r\n"
        let (parsed, _) = try #require(head(text))
        #expect(parsed.hasUpgrade && parsed.upgradesToWebSocket && parsed.connectionUpgrade)
        #expect(parsed.webSocketKey == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(parsed.webSocketVersion13)
        #expect(parsed.origin == "http://a.test")
        #expect(!parsed.hasContentLength)
        #expect(WebSocketAccept.value(for: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test("repeated handshake headers are not taken")
    func repeatedHeaders() throws {
        let text =
            "GET /app/key HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: a\r\n"
            + "Sec-WebSocket-Key: b\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13\r\n\r\n"
        let (parsed, _) = try #require(head(text))
        #expect(parsed.webSocketKey == nil)
        #expect(!parsed.webSocketVersion13)
    }

    @Test("prefixes of a plain head wait for more bytes")
    func prefixes() {
        let text = "GET /up HTTP/1.1\r\nHost: x\r\n\r\n"
        for end in 0..<text.utf8.count {
            let prefix = String(decoding: Array(text.utf8)[..<end], as: UTF8.self)
            #expect(isIncomplete(prefix), "\(end)")
        }
        #expect(head(text) != nil)
    }

    @Test(
        "everything unusual goes to NIO's parser",
        arguments: [
            "PUT /apps/1/events HTTP/1.1\r\n\r\n",
            "CONNECT example.com:443 HTTP/1.1\r\n\r\n",
            "get /up HTTP/1.1\r\n\r\n",
            "GET http://host/up HTTP/1.1\r\n\r\n",
            "GET /up HTTP/2.0\r\n\r\n",
            "GET /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST /up HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
            "POST /up HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
            "POST /up HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "POST /up HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
            "GET /up HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
            "GET /up HTTP/1.1\r\nBad Name: x\r\n\r\n",
            "GET /up HTTP/1.1\r\n: x\r\n\r\n",
            "GET /up HTTP/1.1\nHost: x\n\n",
            "GET /up HTTP/1.1\r\nHost: x\u{7F}\r\n\r\n",
            "GET /up HTTP/1.1\r\nHost: é\r\n\r\n",
            "GET /a b HTTP/1.1\r\n\r\n",
            "\u{16}\u{03}\u{01}\u{02}\u{00}",
        ])
    func unsupported(text: String) {
        #expect(isUnsupported(text))
    }

    @Test("handshake keys: every base64 of 16 bytes is valid, and nothing else")
    func handshakeKeys() {
        for _ in 0..<200 {
            let key = WebSocketAccept.base64((0..<16).map { _ in UInt8.random(in: 0...255) })
            #expect(HandshakeCheck.isValidKey(key), "\(key)")
        }
        #expect(HandshakeCheck.isValidKey(" dGhlIHNhbXBsZSBub25jZQ== "))
        for key in [
            "", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ===", "dGhlIHNhbXBsZSBub25j*Q==",
            "dGhlIHNhbXBsZSBub25jZQ",
        ] {
            #expect(!HandshakeCheck.isValidKey(key), "\(key)")
        }
        #expect(WebSocketAccept.base64(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(WebSocketAccept.base64(Array("fooba".utf8)) == "Zm9vYmE=")
        #expect(WebSocketAccept.base64(Array("foob".utf8)) == "Zm9vYg==")
    }

    @Test("a head longer than the scanner's limit goes to NIO's parser")
    func tooLong() {
        let text = "GET /up HTTP/1.1\r\nX-Long: " + String(repeating: "a", count: PlainRequestHead.maximumLength)
        #expect(isUnsupported(text))
    }
}
