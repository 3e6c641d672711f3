/// One column of a table pane: its heading, the narrowest useful width, how it shares spare width,
/// and which columns go first when the pane is narrow.
public struct TableColumn: Hashable, Sendable {
    public var title: String
    public var minWidth: Int
    /// Share of the spare width; 0 keeps the column at `minWidth`.
    public var flex: Int
    /// Higher values are dropped first when the columns do not fit.
    public var dropPriority: Int
    public var isRightAligned: Bool

    public init(_ title: String, width: Int, flex: Int = 0, dropPriority: Int = 0, rightAligned: Bool = false) {
        self.title = title
        self.minWidth = width
        self.flex = flex
        self.dropPriority = dropPriority
        self.isRightAligned = rightAligned
    }

    /// Widths for `columns` in `available` cells with one space between columns; a dropped column gets 0.
    public static func widths(for columns: [TableColumn], available: Int) -> [Int] {
        guard available > 0, !columns.isEmpty else { return Array(repeating: 0, count: columns.count) }
        var included = Array(repeating: true, count: columns.count)
        func used() -> Int {
            let shown = columns.indices.filter { included[$0] }
            return shown.reduce(0) { $0 + columns[$1].minWidth } + max(0, shown.count - 1)
        }
        while used() > available, included.filter({ $0 }).count > 1 {
            let victim = columns.indices.filter { included[$0] }.max {
                (columns[$0].dropPriority, $0) < (columns[$1].dropPriority, $1)
            }
            if let victim { included[victim] = false }
        }
        var widths = columns.indices.map { included[$0] ? columns[$0].minWidth : 0 }
        var spare = available - used()
        if spare < 0, let only = included.firstIndex(of: true) {
            widths[only] = available
            spare = 0
        }
        let flexible = columns.indices.filter { included[$0] && columns[$0].flex > 0 }
        let totalFlex = flexible.reduce(0) { $0 + columns[$1].flex }
        if totalFlex > 0, spare > 0 {
            var given = 0
            for index in flexible {
                let share = spare * columns[index].flex / totalFlex
                widths[index] += share
                given += share
            }
            if let last = flexible.last { widths[last] += spare - given }
        }
        return widths
    }
}
