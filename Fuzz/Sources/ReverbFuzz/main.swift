import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1

// One libFuzzer binary, one entry per parser; REVERB_FUZZ_TARGET picks the entry (scripts/fuzz sets it).
// To fuzz a new parser, link its source into Engine/ and add a line to `FuzzTargets.all`.

@_cdecl("LLVMFuzzerTestOneInput")
public func reverbFuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    FuzzTargets.selected(Array(bytes))
    return 0
}

/// libFuzzer's driver, the one its own `main` calls.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable target's `main` to `<module>_main`; this one hands over to libFuzzer.
@_cdecl("ReverbFuzz_main")
public func reverbFuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv) { data, size in
        guard let data else { return 0 }
        return reverbFuzzOne(UnsafeRawPointer(data), size)
    }
}

/// The fuzz entries by name.
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "json": json,
        "client-message": clientMessage,
        "http": http,
        "config": config,
        "dotenv": dotEnv,
        "ws-frames": webSocketFrames,
    ]

    static let selected: @Sendable ([UInt8]) -> Void = {
        let name = ProcessInfo.processInfo.environment["REVERB_FUZZ_TARGET"] ?? ""
        guard let target = all[name] else {
            FileHandle.standardError.write(
                Data("REVERB_FUZZ_TARGET must be one of: \(all.keys.sorted().joined(separator: ", "))\n".utf8))
            exit(2)
        }
        return target
    }()

    /// Any input: no crash; a parsed document writes back to text that parses to the same document.
    static func json(_ bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes: bytes) else { return }
        let again = try? JSONParser.parse(value.jsonText)
        precondition(again == value, "JSON round trip changed the document")
    }

    static func clientMessage(_ bytes: [UInt8]) {
        _ = try? ClientMessage.decode(String(decoding: bytes, as: UTF8.self))
    }

    /// Raw bytes through NIO's HTTP server pipeline into the engine's request model and handshake checks.
    static func http(_ bytes: [UInt8]) {
        // The fast path's own head scanner (HTTPFastPath) reads the same bytes first.
        if case .head(let plain, _) = PlainRequestHead.scan(ByteBuffer(bytes: bytes)) {
            _ = HTTPRequest(head: plain.head, body: ByteBuffer()).queryValue("auth_key")
            if let key = plain.webSocketKey { _ = HandshakeCheck.isValidKey(key) }
        }
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(RequestModelHandler())
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        } catch {
            return
        }
    }

    /// The JSON config file reader, through a real file as the server reads it.
    static func config(_ bytes: [UInt8]) {
        let path = NSTemporaryDirectory() + "reverb-fuzz-\(getpid()).json"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        var configuration = ServerConfiguration(apps: [])
        try? ConfigurationFile.apply(contentsOf: path, to: &configuration)
    }

    /// The `.env` parser, then every variable it produced through the configuration loader.
    static func dotEnv(_ bytes: [UInt8]) {
        let values = DotEnvFile.parse(String(decoding: bytes, as: UTF8.self), environment: ["HOME": "/root"])
        _ = try? ConfigurationLoader.load(
            flags: ConfigurationLoader.Flags(), environment: values, workingDirectory: "/nonexistent-reverb-fuzz")
    }
}

/// Builds the engine's view of each request NIO decodes.
final class RequestModelHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let request = HTTPRequest(head: head, body: ByteBuffer())
        _ = request.queryValue("auth_key")
        _ = HandshakeCheck.refusal(for: head)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
