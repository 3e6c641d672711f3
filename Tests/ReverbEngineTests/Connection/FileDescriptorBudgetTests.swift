#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import NIOEmbedded
import Testing

@testable import ReverbEngine

@Suite("The file-descriptor budget keeps a reserve free")
struct FileDescriptorBudgetTests {
    @Test("the reserve is at least 4, a hundredth of a large limit, at most 32")
    func reserve() {
        #expect(FileDescriptorBudget.reserve(limit: 40) == 4)
        #expect(FileDescriptorBudget.reserve(limit: 1_024) == 10)
        #expect(FileDescriptorBudget.reserve(limit: 20_000) == 32)
        #expect(FileDescriptorBudget.reserve(limit: 1_048_576) == 32)
    }

    @Test("the count of open descriptors follows opens and closes")
    func countsDescriptors() throws {
        // Other tests open and close descriptors concurrently: retry until one quiet measurement.
        var matched = false
        for _ in 0..<20 where !matched {
            let before = try #require(FileDescriptorBudget.openDescriptorCount())
            let opened = (0..<3).map { _ in open("/dev/null", O_RDONLY) }
            let during = try #require(FileDescriptorBudget.openDescriptorCount())
            opened.forEach { _ = close($0) }
            let after = try #require(FileDescriptorBudget.openDescriptorCount())
            matched = during == before + 3 && after == before
        }
        #expect(matched)
    }

    @Test("a socket that would eat into the reserve is refused, and its close gives the room back")
    func refusesNearTheLimit() async throws {
        let budget = FileDescriptorBudget()
        let limit = FileDescriptorBudget.openFileLimit()
        let open = try #require(FileDescriptorBudget.openDescriptorCount())
        let room = limit - open - FileDescriptorBudget.reserve(limit: limit)
        try #require(room > 0 && room < 100_000, "this test needs a finite open-file limit")
        // Embedded channels hold no descriptor, so the budget counts them exactly as the sockets they stand for.
        var channels: [EmbeddedChannel] = []
        var refused: EmbeddedChannel?
        for _ in 0..<(room + 100) where refused == nil {
            let channel = EmbeddedChannel()
            if budget.admit(channel) { channels.append(channel) } else { refused = channel }
        }
        let last = try #require(refused, "no socket was refused up to the limit")
        // Other suites open and close sockets meanwhile, so the point of refusal moves by a few.
        #expect(abs(channels.count - room) <= 50, "admitted \(channels.count) with room for \(room)")
        #expect(!budget.hasRoom(forMore: 1))
        for channel in channels + [last] {
            try await channel.close()
            channel.embeddedEventLoop.run()
        }
        #expect(budget.hasRoom(forMore: 1))
    }
}
