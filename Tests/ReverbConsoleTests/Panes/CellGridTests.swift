import ReverbConsole
import Testing

@Suite struct CellGridTests {
    @Test func writesClipsAndMarksTruncation() {
        var grid = CellGrid(width: 8, height: 2)
        #expect(grid.write("hello", x: 1, y: 0, role: .title) == 5)
        #expect(grid.write("truncated", x: 0, y: 1, role: .text, limit: 5) == 5)
        #expect(grid.lines() == [" hello", "trun…"])
        #expect(grid.roleCodes(row: 0) == ".ttttt..")
    }

    @Test func ignoresWritesOutsideTheGrid() {
        var grid = CellGrid(width: 3, height: 1)
        grid.write("abc", x: 5, y: 0, role: .text)
        grid.write("abc", x: 0, y: 4, role: .text)
        grid.write("abcdef", x: -2, y: 0, role: .text)
        grid[9, 9] = Cell("x")
        #expect(grid.lines() == ["cd…"])
    }

    @Test func zeroSizedGridAcceptsEverything() {
        var grid = CellGrid(width: 0, height: 0)
        grid.write("abc", x: 0, y: 0, role: .text)
        grid.fill(Rect(x: 0, y: 0, width: 4, height: 4), role: .border)
        grid.paint(Rect(x: 0, y: 0, width: 4, height: 4), role: .selected)
        #expect(grid.lines().isEmpty)
    }

    @Test func replacesControlAndWideCharacters() {
        var grid = CellGrid(width: 6, height: 1)
        grid.write("a\tb漢🙂é", x: 0, y: 0, role: .text)
        #expect(grid.lines() == ["a·b??é"])
    }

    @Test func resetReusesAndResizes() {
        var grid = CellGrid(width: 2, height: 1)
        grid.write("ab", x: 0, y: 0, role: .text)
        grid.reset(width: 2, height: 1)
        #expect(grid.lines() == [""])
        grid.reset(width: 3, height: 2)
        #expect(grid.lines() == ["", ""])
        #expect(grid == CellGrid(width: 3, height: 2))
    }

    @Test func paintChangesRolesNotCharacters() {
        var grid = CellGrid(width: 4, height: 1)
        grid.write("abcd", x: 0, y: 0, role: .text)
        grid.paint(Rect(x: 1, y: 0, width: 2, height: 1), role: .selected)
        #expect(grid.lines() == ["abcd"])
        #expect(grid.roleCodes(row: 0) == ".SS.")
    }
}
