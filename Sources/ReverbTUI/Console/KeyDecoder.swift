import CNcursesShim
import ReverbConsole

/// Turns what the shim read (a character or a translated function key) into a `Key`.
/// Pure: the reading itself is `NcursesScreen`'s.
struct KeyDecoder {
    /// A character read from the terminal; nil for codes that mean nothing to the console.
    func character(_ code: UInt32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(UnicodeScalar(UInt8(code) + 96)))
        case 0, 28...31: return nil
        default:
            guard let scalar = UnicodeScalar(code) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// A function key from the shim's `REVERB_FN_*` codes; mouse events are read separately.
    func functionKey(_ code: UInt32) -> Key? {
        switch Int(code) {
        case REVERB_FN_UP: .up
        case REVERB_FN_DOWN: .down
        case REVERB_FN_LEFT: .left
        case REVERB_FN_RIGHT: .right
        case REVERB_FN_HOME: .home
        case REVERB_FN_END: .end
        case REVERB_FN_PAGE_UP: .pageUp
        case REVERB_FN_PAGE_DOWN: .pageDown
        case REVERB_FN_BACK_TAB: .backTab
        case REVERB_FN_BACKSPACE: .backspace
        case REVERB_FN_DELETE: .delete
        case REVERB_FN_ENTER: .enter
        case REVERB_FN_RESIZE: .resize
        default: nil
        }
    }

    /// A mouse event from the shim's `REVERB_MOUSE_*` button codes.
    func mouse(button: Int32, x: Int32, y: Int32) -> Key? {
        let kind: MouseEvent.Button
        switch Int(button) {
        case REVERB_MOUSE_PRESS: kind = .press
        case REVERB_MOUSE_WHEEL_UP: kind = .wheelUp
        case REVERB_MOUSE_WHEEL_DOWN: kind = .wheelDown
        default: return nil
        }
        return .mouse(MouseEvent(button: kind, x: Int(x), y: Int(y)))
    }
}
