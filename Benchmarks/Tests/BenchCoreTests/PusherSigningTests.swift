import BenchCore
import Testing

/// Vectors from Pusher's published documentation (private channel, HTTP API), cross-checked with Python's hmac.
@Suite struct PusherSigningTests {
    @Test func privateChannelAuthMatchesPusherDocs() {
        let auth = PusherSigning.channelAuth(
            socketID: "1234.1234",
            channel: "private-foobar",
            key: "278d425bdf160c739803",
            secret: "7ad3773142a6692b25b8"
        )
        #expect(auth == "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4")
    }

    @Test func presenceAuthSignsChannelData() {
        let auth = PusherSigning.channelAuth(
            socketID: "1234.1234",
            channel: "presence-foobar",
            channelData: #"{"user_id":10,"user_info":{"name":"Mr. Channels"}}"#,
            key: "278d425bdf160c739803",
            secret: "7ad3773142a6692b25b8"
        )
        #expect(auth == "278d425bdf160c739803:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80")
    }

    @Test func apiQueryMatchesPusherDocs() {
        let body = Array(#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#.utf8)
        #expect(PusherSigning.md5Hex(body) == "ec365a775a4cd0599faeb73354201b6f")
        let query = PusherSigning.signedQuery(
            method: "POST",
            path: "/apps/3/events",
            body: body,
            key: "278d425bdf160c739803",
            secret: "7ad3773142a6692b25b8",
            timestamp: 1_353_088_179
        )
        #expect(
            query == "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0"
                + "&body_md5=ec365a775a4cd0599faeb73354201b6f"
                + "&auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"
        )
    }

    @Test func extraParamsAreSortedIntoTheSignedString() {
        let query = PusherSigning.signedQuery(
            method: "GET", path: "/apps/1/channels", params: [("info", "user_count")], body: [],
            key: "k", secret: "s", timestamp: 10
        )
        #expect(query.hasPrefix("auth_key=k&auth_timestamp=10&auth_version=1.0&info=user_count&auth_signature="))
        let expected = PusherSigning.hmacHex(
            "GET\n/apps/1/channels\nauth_key=k&auth_timestamp=10&auth_version=1.0&info=user_count",
            secret: "s"
        )
        #expect(query.hasSuffix(expected))
    }
}
