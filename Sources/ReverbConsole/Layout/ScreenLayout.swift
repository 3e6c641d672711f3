/// Where everything goes for a terminal size: pure, so every size can be tested. Large terminals get
/// all five panes; small ones only the focused pane; tiny ones a one-line notice; 0×0 nothing at all.
public struct ScreenLayout: Hashable, Sendable {
    /// How much of the console fits.
    public enum Mode: Hashable, Sendable {
        /// Nothing can be drawn.
        case empty
        /// Only a "terminal too small" line.
        case tooSmall
        /// Header, the focused pane, flash and hints.
        case compact
        /// Header meters, all five panes, flash and hints.
        case full
    }

    /// The smallest terminal that shows all five panes.
    public static let fullMinimum = (width: 60, height: 16)
    /// The smallest terminal that shows a pane at all.
    public static let compactMinimum = (width: 20, height: 5)

    public let mode: Mode
    public let header: Rect
    public let flash: Rect
    public let hints: Rect
    public let apps: Rect
    public let channels: Rect
    public let presence: Rect
    public let connections: Rect
    public let stream: Rect

    public init(width: Int, height: Int, focus: PaneID) {
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        var panes: [PaneID: Rect] = [:]
        if screen.isEmpty {
            mode = .empty
            (header, flash, hints) = (.zero, .zero, .zero)
        } else if width < Self.compactMinimum.width || height < Self.compactMinimum.height {
            mode = .tooSmall
            (header, flash, hints) = (screen.splitTop(1).top, .zero, .zero)
        } else {
            let full = width >= Self.fullMinimum.width && height >= Self.fullMinimum.height
            mode = full ? .full : .compact
            let (headerRect, belowHeader) = screen.splitTop(full && height >= 20 ? 2 : 1)
            header = headerRect
            let footerRows = height >= 8 ? 2 : 1
            let body = belowHeader.splitTop(belowHeader.height - footerRows).top
            let footer = belowHeader.splitTop(belowHeader.height - footerRows).rest
            if footerRows == 2 {
                (flash, hints) = footer.splitTop(1)
            } else {
                (flash, hints) = (.zero, footer)
            }
            if full {
                let topHeight = max(5, body.height * 3 / 10)
                let connectionsHeight = max(4, body.height / 4)
                let (top, rest) = body.splitTop(topHeight)
                let (connections, stream) = rest.splitTop(connectionsHeight)
                let (apps, afterApps) = top.splitLeft(max(18, width * 22 / 100))
                let (channels, presence) = afterApps.splitLeft(afterApps.width - width * 30 / 100)
                panes = [
                    .apps: apps, .channels: channels, .presence: presence, .connections: connections, .stream: stream,
                ]
            } else {
                panes = [focus: body]
            }
        }
        apps = panes[.apps] ?? .zero
        channels = panes[.channels] ?? .zero
        presence = panes[.presence] ?? .zero
        connections = panes[.connections] ?? .zero
        stream = panes[.stream] ?? .zero
    }

    /// The rectangle of a pane (empty when the pane is not shown).
    public func rect(of pane: PaneID) -> Rect {
        switch pane {
        case .apps: apps
        case .channels: channels
        case .presence: presence
        case .connections: connections
        case .stream: stream
        }
    }

    /// How many table rows a pane shows: its height less the borders and the column header.
    public func visibleRows(of pane: PaneID) -> Int {
        max(0, rect(of: pane).height - 3)
    }

    /// The pane under a cell, if any.
    public func pane(atX x: Int, y: Int) -> PaneID? {
        PaneID.allCases.first { rect(of: $0).contains(x: x, y: y) }
    }
}
