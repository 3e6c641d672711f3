import Foundation
import PusherClient
import Testing
@testable import ReverbEngine

@Suite("TLS")
struct TLSTests {
    /// A self-signed certificate made with the openssl command line for this test.
    func makeCertificate() throws -> ServerConfiguration.TLSFiles {
        let directory = NSTemporaryDirectory() + "reverb-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
        return ServerConfiguration.TLSFiles(
            certificateChainPath: directory + "/cert.pem", privateKeyPath: directory + "/key.pem")
    }

    @Test("with a certificate the one port speaks HTTPS (and so WSS); plain HTTP no longer gets through")
    func servesTLS() async throws {
        let configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, tls: try makeCertificate(), apps: [Fixtures.main])
        let server = try ReverbServer(configuration: configuration, threads: 1)
        let port = try await server.start()
        try await TestServer.stopping(server) {
            let secure = try await RawHTTPClient.connect(port: port, tls: true)
            try await secure.send("GET /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let response = try #require(await secure.readResponse())
            #expect(response.status == 200)
            #expect(response.body == #"{"health":"OK"}"#)
            let plain = try await RawHTTPClient.connect(port: port)
            try await plain.send("GET /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await plain.readResponse(timeout: .seconds(2))?.status != 200)
            #expect(server.snapshot().tlsEnabled)
        }
    }
}
