import Foundation
import NIOCore
import NIOWebSocket
import PusherClient
import Testing
@testable import ReverbEngine

@Suite("WebSocket connections over loopback")
struct ConnectionTests {
    @Test("connection_established carries a Pusher socket id and the app's activity timeout; the 101 is correct")
    func established() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect()
            #expect(SocketID.isValid(connection.socketID))
            #expect(
                connection.established
                    == #"{"event":"pusher:connection_established","data":"{\"socket_id\":\"\#(connection.socketID)\",\"activity_timeout\":30}"}"#
            )
            #expect(connection.client.upgradeHeaders.contains { $0.name == "X-Powered-By" && $0.value == "reverb-tui" })
            await connection.close()
        }
    }

    @Test("an unknown app key gets 4001 and a close frame with 4001")
    func unknownKey() async throws {
        try await TestServer.with() { server in
            let client = try await server.open(key: "nope")
            #expect(
                await client.receive()
                    == .text(
                        #"{"event":"pusher:error","data":"{\"code\":4001,\"message\":\"Application does not exist\"}"}"#
                    ))
            #expect(await client.receive() == .close(code: 4001, reason: "Application does not exist"))
        }
    }

    @Test("a disallowed origin gets 4009 and a close; an allowed one connects")
    func origins() async throws {
        try await TestServer.with() { server in
            let refused = try await server.open(key: Fixtures.strict.key)
            #expect(
                await refused.receive()
                    == .text(#"{"event":"pusher:error","data":"{\"code\":4009,\"message\":\"Origin not allowed\"}"}"#))
            #expect(await refused.receive() == .close(code: 4009, reason: "Origin not allowed"))
            let allowed = try await server.connect(
                key: Fixtures.strict.key, headers: [("Origin", "https://docs.laravel.com")])
            #expect(SocketID.isValid(allowed.socketID))
        }
    }

    @Test("max_connections counts every open socket: the second gets 4004 and a close")
    func quota() async throws {
        try await TestServer.with() { server in
            let first = try await server.connect(key: Fixtures.limited.key)
            let second = try await server.open(key: Fixtures.limited.key)
            #expect(
                await second.receive()
                    == .text(
                        #"{"event":"pusher:error","data":"{\"code\":4004,\"message\":\"Application is over connection quota\"}"}"#
                    ))
            #expect(await second.receive() == .close(code: 4004, reason: "Application is over connection quota"))
            await first.close()
            // Once the first leaves, there is room again.
            var admitted = false
            for _ in 0..<50 where !admitted {
                let retry = try await server.open(key: Fixtures.limited.key)
                if case .text(let text)? = await retry.receive(), text.contains("connection_established") {
                    admitted = true
                }
                await retry.close()
                if !admitted { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(admitted)
        }
    }

    @Test("pusher:ping gets pusher:pong; a ping frame gets a pong frame with the same payload")
    func pings() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect()
            try await connection.send(#"{"event":"pusher:ping","data":{}}"#)
            #expect(await connection.receive() == #"{"event":"pusher:pong"}"#)
            try await connection.client.send(
                frame: WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "hi")))
            #expect(await connection.client.receive() == .pong(Array("hi".utf8)))
        }
    }

    @Test("invalid JSON and unknown pusher events get 4200 and the socket stays open")
    func invalidMessages() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect()
            let error4200 = #"{"event":"pusher:error","data":"{\"code\":4200,\"message\":\"Invalid message format\"}"}"#
            try await connection.send("not json")
            #expect(await connection.receive() == error4200)
            try await connection.send(#"{"event":"pusher:signin","data":{}}"#)
            #expect(await connection.receive() == error4200)
            try await connection.send(#"{"event":"pusher:ping"}"#)
            #expect(await connection.receive() == #"{"event":"pusher:pong"}"#)
        }
    }

    @Test("a message over max_message_size closes with 1009 and Reverb's reason")
    func oversize() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect(
                key: Fixtures.strict.key, headers: [("Origin", "http://laravel.com")])
            try await connection.send(#"{"event":"pusher:ping"}"#)
            #expect(await connection.client.receive() == .close(code: 1009, reason: "Maximum message size exceeded"))
        }
    }

    @Test(
        "a 10 100-byte message on the default 10 000 limit is refused; a 20 000-byte one on a 1 000 000 limit is fine")
    func sizeLimits() async throws {
        try await TestServer.with() { server in
            let small = try await server.connect()
            let padding = String(repeating: "x", count: 10_100)
            try await small.send(#"{"event":"pusher:subscribe","data":{"channel":"\#(padding)"}}"#)
            #expect(await small.client.receive() == .close(code: 1009, reason: "Maximum message size exceeded"))
            let large = try await server.connect(key: Fixtures.limited.key)
            let bigPadding = String(repeating: "y", count: 20_000)
            try await large.send(#"{"event":"pusher:ping","data":{"padding":"\#(bigPadding)"}}"#)
            #expect(await large.receive() == #"{"event":"pusher:pong"}"#)
        }
    }

    @Test("fragmented messages are joined; a continuation without a start is a protocol error")
    func fragments() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect()
            let text = #"{"event":"pusher:subscribe","data":{"channel":"fragmented"}}"#
            let middle = text.index(text.startIndex, offsetBy: 20)
            try await connection.client.send(
                frame: WebSocketFrame(fin: false, opcode: .text, data: ByteBuffer(string: String(text[..<middle]))))
            try await connection.client.send(
                frame: WebSocketFrame(
                    fin: true, opcode: .continuation, data: ByteBuffer(string: String(text[middle...]))))
            #expect(
                await connection.receive()
                    == #"{"event":"pusher_internal:subscription_succeeded","data":"{}","channel":"fragmented"}"#)
            try await connection.client.send(
                frame: WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(string: "x")))
            guard case .close(let code, _)? = await connection.client.receive() else {
                Issue.record("expected a close"); return
            }
            #expect(code == 1002)
        }
    }

    @Test("invalid UTF-8 in a text message closes with 1007")
    func invalidUTF8() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect()
            try await connection.client.send(
                frame: WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: [0x7B, 0xFF, 0xFE, 0x7D])))
            guard case .close(let code, _)? = await connection.client.receive() else {
                Issue.record("expected a close"); return
            }
            #expect(code == 1007)
        }
    }

    @Test("a client close frame is echoed")
    func closeEcho() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect()
            var payload = ByteBuffer()
            payload.writeInteger(UInt16(1000))
            try await connection.client.send(frame: WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))
            #expect(await connection.client.receive() == .close(code: 1000, reason: ""))
        }
    }

    @Test("keep-alive: an idle socket, subscribed or not, gets pusher:ping, then 4201 and a close")
    func keepAlive() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect(key: Fixtures.lively.key)
            #expect(await connection.receive(timeout: .seconds(3)) == #"{"event":"pusher:ping"}"#)
            #expect(
                await connection.receive(timeout: .seconds(3))
                    == #"{"event":"pusher:error","data":"{\"code\":4201,\"message\":\"Pong reply not received in time\"}"}"#
            )
            #expect(await connection.client.receive() == .close(code: 4201, reason: "Pong reply not received in time"))
        }
    }

    @Test("keep-alive: answering keeps the socket; after a control frame the server pings with ping frames")
    func keepAliveAnswered() async throws {
        // A pong timeout longer than the ping interval: an answered ping must bring the next one a ping interval
        // later, not at the pong deadline (and a loaded machine gets time to answer).
        try await TestServer.with(pongTimeout: 5) { server in
            let connection = try await server.connect(key: Fixtures.lively.key)
            #expect(await connection.receive(timeout: .seconds(3)) == #"{"event":"pusher:ping"}"#)
            try await connection.client.send(frame: WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()))
            #expect(await connection.client.receive(timeout: .seconds(3)) == .ping([]))
            try await connection.client.send(frame: WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()))
            #expect(await connection.client.receive(timeout: .seconds(3)) == .ping([]))
        }
    }

    @Test(
        "rate limit: the fourth message within the window gets 4301 (pings still answered); with terminate_on_limit the socket closes"
    )
    func rateLimit() async throws {
        try await TestServer.with() { server in
            let connection = try await server.connect(key: Fixtures.throttled.key)
            for index in 0..<3 {
                try await connection.send(#"{"event":"pusher:subscribe","data":{"channel":"limited-\#(index)"}}"#)
                #expect(await connection.receive()?.contains("subscription_succeeded") == true)
            }
            try await connection.send(#"{"event":"pusher:subscribe","data":{"channel":"limited-3"}}"#)
            #expect(
                await connection.receive()
                    == #"{"event":"pusher:error","data":"{\"code\":4301,\"message\":\"Rate limit exceeded\"}"}"#)
            try await connection.send(#"{"event":"pusher:ping"}"#)
            #expect(await connection.receive() == #"{"event":"pusher:pong"}"#)
            let severe = try await server.connect(key: Fixtures.severe.key)
            try await severe.send(#"{"event":"pusher:subscribe","data":{"channel":"limited"}}"#)
            #expect(await severe.receive()?.contains("subscription_succeeded") == true)
            try await severe.send(#"{"event":"pusher:subscribe","data":{"channel":"limited-again"}}"#)
            #expect(
                await severe.receive()
                    == #"{"event":"pusher:error","data":"{\"code\":4301,\"message\":\"Rate limit exceeded\"}"}"#)
            #expect(await severe.client.receive() == .close(code: 4301, reason: "Rate limit exceeded"))
        }
    }

    @Test("bad upgrades get clear HTTP errors")
    func badUpgrades() async throws {
        try await TestServer.with() { server in
            let plain = try await server.raw("GET /app/reverb-key HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(plain.status == 426)
            #expect(plain.body.contains("WebSocket"))
            let wrongVersion = try await server.raw(
                "GET /app/reverb-key HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n"
            )
            #expect(wrongVersion.status == 426)
            #expect(wrongVersion.header("Sec-WebSocket-Version") == "13")
            let noKey = try await server.raw(
                "GET /app/reverb-key HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"
            )
            #expect(noKey.status == 400)
            let elsewhere = try await server.raw(
                "GET /nowhere HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            )
            #expect(elsewhere.status == 404)
        }
    }

    @Test("stopping the server closes every socket with 4200 so clients reconnect elsewhere")
    func gracefulStop() async throws {
        let server = try await TestServer.start()
        let connection = try await server.connect()
        await server.stop()
        #expect(await connection.client.receive() == .close(code: 4200, reason: "Server shutting down"))
    }
}

@Suite("Slow clients")
struct SlowClientTests {
    @Test("a socket that stops reading is dropped once its unread output passes the limit; the others keep receiving")
    func dropsStalledReader() async throws {
        try await TestServer.with(writeBufferLimit: 1 << 20) { server in
            let ring = server.server.observe(capacity: 1_000)
            let stalled = try await server.connect()
            let healthy = try await server.connect()
            _ = try await stalled.subscribe("feed")
            _ = try await healthy.subscribe("feed")
            try await stalled.client.stopReading()
            let data = String(repeating: "x", count: 100_000)
            var delivered = 0
            for _ in 0..<200 {
                delivered += try server.server.publish(
                    PublishRequest(appID: Fixtures.main.id, channels: ["feed"], event: "E", data: data))
                _ = await healthy.receive()
            }
            #expect(delivered >= 200)
            var dropped = false
            for _ in 0..<100 where !dropped {
                try await Task.sleep(for: .milliseconds(50))
                dropped = server.server.snapshot().apps.first { $0.id == Fixtures.main.id }?.connections.count == 1
            }
            #expect(dropped)
            #expect(ring.drain().contains { $0.code == 4100 && $0.socketID == stalled.socketID })
            try server.server.publish(
                PublishRequest(appID: Fixtures.main.id, channels: ["feed"], event: "after", data: "1"))
            #expect(await healthy.receive() == #"{"event":"after","data":"1","channel":"feed"}"#)
        }
    }
}
