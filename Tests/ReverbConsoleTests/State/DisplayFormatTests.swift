import Foundation
import ReverbConsole
import Testing

@Suite struct DisplayFormatTests {
    @Test func durations() {
        #expect(DisplayFormat.duration(-3) == "0s")
        #expect(DisplayFormat.duration(59) == "59s")
        #expect(DisplayFormat.duration(192) == "3m12s")
        #expect(DisplayFormat.duration(3723) == "1h02m")
        #expect(DisplayFormat.duration(183_600) == "2d03h")
        #expect(DisplayFormat.uptime(3723) == "01:02:03")
        #expect(DisplayFormat.uptime(90_061) == "1d 01:01:01")
    }

    @Test func numbers() {
        #expect(DisplayFormat.count(999) == "999")
        #expect(DisplayFormat.count(1250) == "1.3k")
        #expect(DisplayFormat.count(34_000) == "34k")
        #expect(DisplayFormat.count(1_500_000) == "1.5M")
        #expect(DisplayFormat.rate(0) == "0")
        #expect(DisplayFormat.rate(3.46) == "3.5")
        #expect(DisplayFormat.rate(1234) == "1.2k")
        #expect(DisplayFormat.bytes(24_536_678) == "23.4 MB")
        #expect(DisplayFormat.bytes(2048) == "2 KB")
    }

    @Test func clockUsesTheGivenOffset() {
        let date = Date(timeIntervalSince1970: 1_800_000_000.123)
        #expect(DisplayFormat.clock(date, offsetSeconds: 0) == "08:00:00.123")
        #expect(DisplayFormat.clock(date, offsetSeconds: -9 * 3600) == "23:00:00.123")
    }

    @Test func textFieldEditing() {
        var field = TextField("ac")
        field.moveLeft()
        field.insert("b")
        #expect(field.text == "abc")
        #expect(field.cursor == 2)
        field.moveToStart()
        field.deleteBackward()
        field.deleteForward()
        #expect(field.text == "bc")
        field.moveToEnd()
        field.deleteBackward()
        #expect(field.text == "b")
        field.clear()
        #expect(field.text.isEmpty && field.cursor == 0)
    }
}
