import ReverbConsole
import Testing

@Suite struct LayoutTests {
    @Test func fullLayoutTilesTheScreen() {
        let layout = ScreenLayout(width: 120, height: 40, focus: .stream)
        #expect(layout.mode == .full)
        #expect(layout.header == Rect(x: 0, y: 0, width: 120, height: 2))
        #expect(layout.apps == Rect(x: 0, y: 2, width: 26, height: 10))
        #expect(layout.channels == Rect(x: 26, y: 2, width: 58, height: 10))
        #expect(layout.presence == Rect(x: 84, y: 2, width: 36, height: 10))
        #expect(layout.connections == Rect(x: 0, y: 12, width: 120, height: 9))
        #expect(layout.stream == Rect(x: 0, y: 21, width: 120, height: 17))
        #expect(layout.flash == Rect(x: 0, y: 38, width: 120, height: 1))
        #expect(layout.hints == Rect(x: 0, y: 39, width: 120, height: 1))
    }

    @Test func eightyByTwentyFour() {
        let layout = ScreenLayout(width: 80, height: 24, focus: .apps)
        #expect(layout.mode == .full)
        #expect(layout.apps.height == 6)
        #expect(layout.connections.height == 5)
        #expect(layout.stream.height == 9)
        #expect(layout.visibleRows(of: .stream) == 6)
    }

    @Test(arguments: [(40, 10), (59, 30), (100, 15), (20, 5)])
    func smallTerminalsShowOnlyTheFocusedPane(width: Int, height: Int) {
        let layout = ScreenLayout(width: width, height: height, focus: .presence)
        #expect(layout.mode == .compact)
        #expect(layout.header.height == 1)
        #expect(!layout.presence.isEmpty)
        for pane in PaneID.allCases where pane != .presence { #expect(layout.rect(of: pane).isEmpty) }
        #expect(layout.presence.maxY <= height - 1)
    }

    @Test func tinyAndEmptyTerminals() {
        #expect(ScreenLayout(width: 19, height: 10, focus: .apps).mode == .tooSmall)
        #expect(ScreenLayout(width: 50, height: 4, focus: .apps).mode == .tooSmall)
        #expect(ScreenLayout(width: 0, height: 0, focus: .apps).mode == .empty)
        #expect(ScreenLayout(width: 80, height: 0, focus: .apps).mode == .empty)
    }

    @Test func paneUnderAPoint() {
        let layout = ScreenLayout(width: 120, height: 40, focus: .apps)
        #expect(layout.pane(atX: 0, y: 2) == .apps)
        #expect(layout.pane(atX: 100, y: 5) == .presence)
        #expect(layout.pane(atX: 60, y: 30) == .stream)
        #expect(layout.pane(atX: 60, y: 0) == nil)
    }

    @Test func viewportKeepsTheSelectionVisible() {
        #expect(Viewport.top(selected: 0, rowCount: 100, visibleRows: 10) == 0)
        #expect(Viewport.top(selected: 25, rowCount: 100, visibleRows: 10) == 16)
        #expect(Viewport.top(selected: nil, rowCount: 100, visibleRows: 10) == 90)
        #expect(Viewport.top(selected: 3, rowCount: 5, visibleRows: 10) == 0)
        #expect(Viewport.top(selected: 3, rowCount: 5, visibleRows: 0) == 0)
    }

    @Test func columnsDropByPriorityAndShareSpareWidth() {
        let columns = [
            TableColumn("A", width: 4, flex: 1),
            TableColumn("B", width: 4, dropPriority: 2),
            TableColumn("C", width: 4, flex: 1, dropPriority: 1),
        ]
        #expect(TableColumn.widths(for: columns, available: 20) == [7, 4, 7])
        #expect(TableColumn.widths(for: columns, available: 10) == [4, 0, 5])
        #expect(TableColumn.widths(for: columns, available: 3) == [3, 0, 0])
        #expect(TableColumn.widths(for: columns, available: 0) == [0, 0, 0])
    }
}
