import Testing

@testable import ReverbEngine

@Suite("Channel kinds")
struct ChannelKindTests {
    @Test func prefixes() {
        #expect(ChannelKind(channelName: "foo") == ChannelKind(access: .public))
        #expect(ChannelKind(channelName: "private-foo") == ChannelKind(access: .private))
        #expect(ChannelKind(channelName: "presence-foo") == ChannelKind(access: .presence))
        #expect(ChannelKind(channelName: "cache-foo") == ChannelKind(access: .public, isCache: true))
        #expect(ChannelKind(channelName: "private-cache-foo") == ChannelKind(access: .private, isCache: true))
        #expect(ChannelKind(channelName: "presence-cache-foo") == ChannelKind(access: .presence, isCache: true))
        #expect(ChannelKind(channelName: "private-encrypted-foo") == ChannelKind(access: .private, isEncrypted: true))
        #expect(
            ChannelKind(channelName: "private-encrypted-cache-foo")
                == ChannelKind(access: .private, isEncrypted: true, isCache: true))
        #expect(!ChannelKind(channelName: "foo").acceptsClientEvents)
        #expect(!ChannelKind(channelName: "private-encrypted-foo").acceptsClientEvents)
        #expect(ChannelKind(channelName: "presence-foo").acceptsClientEvents)
    }

    @Test func socketIDs() {
        #expect(SocketID.isValid(SocketID.random()))
        #expect(!SocketID.isValid("1.2.3"))
        #expect(!SocketID.isValid("a.1"))
    }
}
