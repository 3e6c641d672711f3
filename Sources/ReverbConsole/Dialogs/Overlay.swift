/// Geometry shared by dialogs and overlays.
public enum Overlay {
    /// The area an overlay may cover: everything between the header and the footer lines.
    public static func bodyArea(of layout: ScreenLayout, width: Int, height: Int) -> Rect {
        let top = layout.header.maxY
        let bottom = !layout.flash.isEmpty ? layout.flash.y : !layout.hints.isEmpty ? layout.hints.y : height
        return Rect(x: 0, y: top, width: width, height: bottom - top)
    }

    /// A centred dialog of `width` × `height` (clipped to `area`), cleared before drawing.
    public static func dialog(width: Int, height: Int, in area: Rect, grid: inout CellGrid) -> Rect {
        let rect = area.centered(width: width, height: height)
        grid.fill(rect, role: .dialog)
        return rect
    }

    /// Greedy word wrap to `width` columns.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
