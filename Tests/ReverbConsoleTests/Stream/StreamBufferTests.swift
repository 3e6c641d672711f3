import ReverbConsole
import ReverbEngine
import Testing

@Suite struct StreamBufferTests {
    func event(_ kind: EngineEvent.Kind, channel: String? = nil) -> EngineEvent {
        EngineEvent(kind: kind, time: Fixtures.now, appID: "1", channel: channel)
    }

    @Test func evictsTheOldestRowsAndKeepsTheFilteredViewInStep() {
        var buffer = StreamBuffer(capacity: 3)
        buffer.filter = StreamFilter(text: "room")
        buffer.append(contentsOf: [
            event(.subscribed, channel: "room-1"), event(.ping), event(.subscribed, channel: "room-2"),
        ])
        #expect(buffer.visibleCount == 2)
        buffer.append(contentsOf: [event(.subscribed, channel: "room-3")])
        #expect(buffer.totalCount == 3)
        #expect(buffer.evicted == 1)
        #expect(buffer.visibleRows().map(\.channel) == ["room-2", "room-3"])
        buffer.append(contentsOf: [event(.ping), event(.ping)])
        #expect(buffer.visibleRows().map(\.channel) == ["room-3"])
        buffer.filter = StreamFilter()
        #expect(buffer.visibleCount == 3)
        #expect(buffer.visibleRow(0)?.channel == "room-3")
        #expect(buffer.visibleRow(3) == nil)
    }

    @Test func filterMatchesEveryTextField() {
        let row = EngineEvent(
            kind: .error, time: Fixtures.now, appID: "1", socketID: "11.22", channel: "private-x",
            event: "pusher:error",
            payload: #"{"msg":"Needle"}"#, code: 4009, detail: "unauthorized"
        )
        for needle in ["ERROR", "11.22", "private", "pusher:", "needle", "4009", "unauth"] {
            #expect(StreamFilter(text: needle).matches(row), "\(needle)")
        }
        #expect(!StreamFilter(text: "absent").matches(row))
        #expect(!StreamFilter(hiddenCategories: [.error]).matches(row))
    }

    @Test func categoriesCoverEveryKind() {
        #expect(StreamCategory(.apiMessage) == .api)
        #expect(StreamCategory(.prune) == .ping)
        #expect(StreamCategory(.channelVacated) == .occupancy)
        #expect(Set(EngineEvent.Kind.allCases.map(StreamCategory.init)) == Set(StreamCategory.allCases))
    }

    @Test func pauseHoldsRowsBackAndCountsOverflow() {
        var state = ConsoleState(streamCapacity: 2)
        state.pause()
        state.ingest([event(.ping), event(.ping), event(.ping)])
        #expect(state.stream.totalCount == 0)
        #expect(state.pending.count == 2)
        state.ringDropped = 5
        #expect(state.droppedRows == 6)
        state.resume()
        #expect(state.stream.totalCount == 2)
        #expect(state.pending.isEmpty)
    }
}
