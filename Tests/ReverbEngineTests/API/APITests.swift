import Foundation
import PusherClient
import Testing
@testable import ReverbEngine

@Suite("HTTP API over loopback")
struct APITests {
    @Test("GET /up answers without a signature")
    func health() async throws {
        try await TestServer.with() { server in
            let response = try await server.raw("GET /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(response.status == 200)
            #expect(response.body == #"{"health":"OK"}"#)
            #expect(response.header("Content-Length") == "15")
            #expect(response.header("Content-Type") == "application/json")
        }
    }

    @Test("POST events delivers to subscribers, excludes socket_id, answers {} (Content-Length 2)")
    func events() async throws {
        try await TestServer.with() { server in
            let a = try await server.connect()
            let b = try await server.connect()
            _ = try await a.subscribe("test-channel")
            _ = try await b.subscribe("test-channel")
            let body =
                #"{"name":"NewEvent","channel":"test-channel","data":"{\"some\":\"data\"}","socket_id":"\#(a.socketID)"}"#
            let response = try await server.api("POST", "/apps/123456/events", body: body)
            #expect(response.status == 200)
            #expect(response.body == "{}")
            #expect(response.header("Content-Length") == "2")
            #expect(await b.receive() == #"{"event":"NewEvent","data":"{\"some\":\"data\"}","channel":"test-channel"}"#)
            #expect(await a.expectSilence() == nil)
        }
    }

    @Test("info=user_count,subscription_count reports per channel kind")
    func eventsInfo() async throws {
        try await TestServer.with() { server in
            let a = try await server.connect()
            _ = try await a.subscribe("presence-test-channel-one", channelData: #"{"user_id":1}"#)
            _ = try await a.subscribe("test-channel-two")
            let body =
                #"{"name":"E","channels":["presence-test-channel-one","test-channel-two","unknown"],"data":"{}","info":"user_count,subscription_count"}"#
            let response = try await server.api("POST", "/apps/123456/events", body: body)
            #expect(
                response.body
                    == #"{"channels":{"presence-test-channel-one":{"user_count":1},"test-channel-two":{"subscription_count":1},"unknown":{}}}"#
            )
        }
    }

    @Test("batch_events: {\"batch\":{}} without info, one object per item with it, batch member order")
    func batch() async throws {
        try await TestServer.with() { server in
            let a = try await server.connect()
            _ = try await a.subscribe("presence-one", channelData: #"{"user_id":1}"#)
            _ = try await a.subscribe("two")
            let plain = try await server.api(
                "POST", "/apps/123456/batch_events", body: #"{"batch":[{"name":"E","channel":"two","data":"x"}]}"#)
            #expect(plain.body == #"{"batch":{}}"#)
            #expect(plain.header("Content-Length") == "12")
            #expect(await a.receive() == #"{"event":"E","channel":"two","data":"x"}"#)
            let withInfo = try await server.api(
                "POST", "/apps/123456/batch_events",
                body:
                    #"{"batch":[{"name":"E","channel":"presence-one","data":"x","info":"user_count"},{"name":"E","channel":"two","data":"y"}]}"#
            )
            #expect(withInfo.body == #"{"batch":[{"user_count":1},{}]}"#)
        }
    }

    @Test("GET channels lists occupied channels with prefix filter and info; none is {\"channels\":{}}")
    func channels() async throws {
        try await TestServer.with() { server in
            #expect(try await server.api("GET", "/apps/123456/channels").body == #"{"channels":{}}"#)
            let a = try await server.connect()
            _ = try await a.subscribe("test-channel-one")
            _ = try await a.subscribe("presence-test-channel-two", channelData: #"{"user_id":1}"#)
            let all = try await server.api("GET", "/apps/123456/channels", query: [("info", "user_count")])
            #expect(all.body == #"{"channels":{"presence-test-channel-two":{"user_count":1},"test-channel-one":{}}}"#)
            let filtered = try await server.api(
                "GET", "/apps/123456/channels", query: [("filter_by_prefix", "presence-")])
            #expect(filtered.body == #"{"channels":{"presence-test-channel-two":{}}}"#)
        }
    }

    @Test("GET channel shows occupancy and only the requested attributes, cache included")
    func channel() async throws {
        try await TestServer.with() { server in
            #expect(try await server.api("GET", "/apps/123456/channels/nothing").body == #"{"occupied":false}"#)
            let a = try await server.connect()
            let b = try await server.connect()
            _ = try await a.subscribe("test-channel")
            _ = try await b.subscribe("test-channel")
            let info = [("info", "user_count,subscription_count,cache")]
            #expect(
                try await server.api("GET", "/apps/123456/channels/test-channel", query: info).body
                    == #"{"occupied":true,"subscription_count":2}"#)
            _ = try await a.subscribe("cache-c")
            _ = await a.receive()
            try server.server.publish(
                PublishRequest(appID: "123456", channels: ["cache-c"], event: "E", data: #"{"some":"data"}"#))
            #expect(
                try await server.api("GET", "/apps/123456/channels/cache-c", query: info).body
                    == #"{"occupied":true,"subscription_count":1,"cache":{"event":"E","data":"{\"some\":\"data\"}","channel":"cache-c"}}"#
            )
            _ = try await a.subscribe("presence-p", channelData: #"{"user_id":1}"#)
            _ = try await b.subscribe("presence-p", channelData: #"{"user_id":1}"#)
            #expect(
                try await server.api("GET", "/apps/123456/channels/presence-p", query: info).body
                    == #"{"occupied":true,"user_count":1}"#)
        }
    }

    @Test("GET users: unique ids in join order; 400 for non-presence, 404 for unoccupied")
    func users() async throws {
        try await TestServer.with() { server in
            let sockets = [try await server.connect(), try await server.connect(), try await server.connect()]
            for (socket, id) in zip(sockets, [3, 2, 3]) {
                _ = try await socket.subscribe("presence-u", channelData: #"{"user_id":\#(id)}"#)
            }
            let response = try await server.api("GET", "/apps/123456/channels/presence-u/users")
            #expect(response.body == #"{"users":[{"id":3},{"id":2}]}"#)
            #expect(try await server.api("GET", "/apps/123456/channels/public/users").status == 400)
            #expect(try await server.api("GET", "/apps/123456/channels/presence-none/users").status == 404)
        }
    }

    @Test("GET connections counts open sockets")
    func connections() async throws {
        try await TestServer.with() { server in
            let a = try await server.connect()
            _ = try await server.connect()
            _ = try await a.subscribe("x")
            _ = try await a.subscribe("y")
            let response = try await server.api("GET", "/apps/123456/connections")
            #expect(response.body == #"{"connections":2}"#)
            #expect(response.header("Content-Length") == "17")
        }
    }

    @Test("POST terminate_connections closes the user's sockets")
    func terminate() async throws {
        try await TestServer.with() { server in
            let a = try await server.connect()
            _ = try await a.subscribe("presence-t", channelData: #"{"user_id":456}"#)
            let response = try await server.api("POST", "/apps/123456/users/456/terminate_connections", body: "{}")
            #expect(response.status == 200)
            #expect(response.body == "{}")
            #expect(await a.receive()?.contains("4009") == true)
            guard case .close(let code, _)? = await a.client.receive() else { Issue.record("expected a close"); return }
            #expect(code == 4009)
        }
    }

    @Test(
        "errors: 401 says which check failed, 404 unknown app, 405 with Allow, 422 names the field, 413, 400 bad JSON")
    func errors() async throws {
        try await TestServer.with() { server in
            let unsigned = try await server.raw(
                "GET /apps/123456/channels HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(unsigned.status == 401)
            #expect(unsigned.body.contains("auth_key"))
            let stale = try await server.api(
                "GET", "/apps/123456/channels", timestamp: Int(Date().timeIntervalSince1970) - 4000)
            #expect(stale.status == 401)
            #expect(stale.body.contains("auth_timestamp"))
            var wrongSecret = Fixtures.main
            wrongSecret.secret = "wrong"
            let forged = try await server.api("GET", "/apps/123456/channels", app: wrongSecret)
            #expect(forged.status == 401)
            #expect(forged.body == "Authentication signature invalid: auth_signature does not match the request.")
            #expect(try await server.api("GET", "/apps/999/channels").status == 404)
            let wrongMethod = try await server.api("GET", "/apps/123456/events")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "POST")
            let missingData = try await server.api("POST", "/apps/123456/events", body: #"{"name":"E","channel":"c"}"#)
            #expect(missingData.status == 422)
            #expect(missingData.body == #"{"data":["The data field is required."]}"#)
            let numericSocket = try await server.api(
                "POST", "/apps/123456/events", body: #"{"name":"E","channel":"c","data":"x","socket_id":1}"#)
            #expect(numericSocket.status == 422)
            #expect(numericSocket.body.contains("socket_id"))
            let notJSON = try await server.api("POST", "/apps/123456/events", body: "nope")
            #expect(notJSON.status == 400)
            let huge = String(repeating: "x", count: 11_000)
            let tooLarge = try await server.api(
                "POST", "/apps/123456/events", body: #"{"name":"E","channel":"c","data":"\#(huge)"}"#)
            #expect(tooLarge.status == 413)
            #expect(try await server.raw("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 404)
        }
    }

    @Test("a larger max_request_size accepts a 150 KB body, delivered whole to every subscriber")
    func largeBody() async throws {
        try await TestServer.with(maxRequestSize: 200_000) { server in
            let subscribers = [try await server.connect(), try await server.connect()]
            for subscriber in subscribers { _ = try await subscriber.subscribe("c") }
            for size in [100, 300, 150_000] {
                let data = String(repeating: "x", count: size)
                let response = try await server.api(
                    "POST", "/apps/123456/events", body: #"{"name":"E","channel":"c","data":"\#(data)"}"#)
                #expect(response.status == 200)
                for subscriber in subscribers {
                    #expect(await subscriber.receive() == #"{"event":"E","data":"\#(data)","channel":"c"}"#)
                }
            }
        }
    }

    @Test("with a path prefix, routes and sockets live under it and signatures are over the unprefixed path")
    func pathPrefix() async throws {
        try await TestServer.with(path: "ws") { server in
            let response = try await server.api(
                "POST", "/ws/apps/123456/events", body: #"{"name":"E","channel":"c","data":"x"}"#,
                signedPath: "/apps/123456/events")
            #expect(response.status == 200)
            #expect(
                try await server.api("POST", "/apps/123456/events", body: #"{"name":"E","channel":"c","data":"x"}"#)
                    .status
                    == 404)
            #expect(try await server.raw("GET /ws/up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 200)
            let client = try await server.open(path: "/ws/app/reverb-key")
            #expect(await client.receiveText()?.contains("connection_established") == true)
        }
    }

    @Test("keep-alive and pipelining: two requests on one connection get two responses in order")
    func keepAlive() async throws {
        try await TestServer.with() { server in
            let client = try await RawHTTPClient.connect(port: server.port)
            try await client.send("GET /up HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await client.readResponse()?.status == 200)
            #expect(await client.readResponse()?.status == 404)
            try await client.send("GET /up HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await client.readResponse()?.status == 200)
            #expect(!client.isClosed)
            await client.close()
        }
    }
}
