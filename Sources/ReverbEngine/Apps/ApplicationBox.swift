/// One app's settings behind a reference: every socket's handler and handle point at the app's one copy instead of
/// each holding the whole value (about 170 bytes) inline, which is a good part of an idle connection's memory.
package final class ApplicationBox: Sendable {
    package let value: Application

    package init(_ value: Application) {
        self.value = value
    }
}
