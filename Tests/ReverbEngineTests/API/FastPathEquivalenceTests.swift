import Foundation
import PusherClient
import Testing

@testable import ReverbEngine

/// `HTTPFastPath` answers plain requests itself and hands everything else to NIO's HTTP pipeline; both must give
/// the same answer. The absolute form of the same target (`http://host/path`, which HTTP/1.1 servers must accept and
/// the fast path's scanner leaves to NIO) sends the same request down NIO's path.
@Suite("HTTP fast path and NIO's pipeline answer alike")
struct FastPathEquivalenceTests {
    private func compare(_ head: String, body: String = "", server: TestServer) async throws {
        let fast = try await server.raw(head + "\r\n" + body)
        let slow = try await server.raw(
            head.replacingOccurrences(of: #"^(\w+) /"#, with: "$1 http://127.0.0.1/", options: .regularExpression)
                + "\r\n" + body)
        #expect(fast.status == slow.status, "\(head)")
        #expect(fast.body == slow.body, "\(head)")
        for name in ["Content-Type", "Content-Length", "Cache-Control", "Connection", "Allow", "Upgrade"] {
            #expect(fast.header(name) == slow.header(name), "\(name) for \(head)")
        }
    }

    @Test("health, unknown paths, socket path without upgrade, HTTP/1.0, signed and badly signed publishes")
    func sameAnswers() async throws {
        try await TestServer.with() { server in
            try await compare("GET /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n", server: server)
            try await compare("GET /up HTTP/1.0\r\nHost: x\r\n", server: server)
            try await compare("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n", server: server)
            try await compare(
                "GET /app/\(Fixtures.main.key) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n", server: server)
            try await compare(
                "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n", server: server)
            let body = #"{"name":"e","channel":"c","data":"{}"}"#
            let app = Fixtures.main
            let target = PusherSigning.signedTarget(
                method: "POST", path: "/apps/\(app.id)/events", body: body, key: app.key, secret: app.secret)
            let head =
                "POST \(target) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n"
            try await compare(head, body: body, server: server)
            try await compare(
                head.replacingOccurrences(of: "auth_signature=", with: "auth_signature=0"), body: body, server: server)
            try await compare(
                "POST /apps/\(app.id)/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n",
                body: "{}",
                server: server)
        }
    }

    @Test("a publish split over many writes and two kept-alive requests in one write are answered in order")
    func splitAndPipelined() async throws {
        try await TestServer.with() { server in
            let client = try await RawHTTPClient.connect(port: server.port)
            for byte in "GET /up HTTP/1.1\r\nHost: x\r\n\r\n".utf8 {
                try await client.send(String(decoding: [byte], as: UTF8.self))
            }
            let first = await client.readResponse()
            #expect(first?.status == 200)
            #expect(first?.header("Connection") == "keep-alive")
            try await client.send(
                "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\nGET /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await client.readResponse()?.status == 404)
            let last = await client.readResponse()
            #expect(last?.status == 200)
            #expect(last?.header("Connection") == "close")
            await client.close()
        }
    }
}
