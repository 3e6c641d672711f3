/// The kinds of modal, one key scope each.
public enum ModalKind: String, CaseIterable, Hashable, Sendable {
    case help, detail, kickPicker, confirm, inject, filter

    /// Modals whose unbound printable keys are typed into a text field.
    public var acceptsText: Bool { self == .inject || self == .filter }
}
