#if canImport(Glibc)
import Glibc
#endif
import CPebbleSpawn

/// Starts a detached POSIX thread named `name` (the kernel keeps its first 15 bytes, as `top`
/// and `/proc/<pid>/task/*/comm` show) that runs `body` and then ends.
///
/// Traps when no thread can be created (the process is out of threads or memory): for work that
/// can be refused instead, such as serving one more connection, use ``tryStartThread(name:_:)``.
package func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
    let result = tryStartThread(name: name, body)
    if result != 0 {
        fatalError("cannot start the thread \(name): \(ErrnoText.describe(result)); the process is out of threads or memory")
    }
}

/// Starts a detached POSIX thread named `name` that runs `body`; returns 0, or the errno value of
/// `pthread_create` (and then `body` never runs).
package func tryStartThread(name: String, _ body: @escaping @Sendable () -> Void) -> Int32 {
    let context = Unmanaged.passRetained(ThreadContext(name: name, body: body))
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    var thread = pthread_t()
    let result = pthread_create(&thread, &attributes, { raw in
        guard let raw else { return nil }
        let context = Unmanaged<ThreadContext>.fromOpaque(raw).takeRetainedValue()
        context.name.withCString { cpebble_set_thread_name($0) }
        context.body()
        return nil
    }, context.toOpaque())
    if result != 0 { context.release() }
    return result
}

/// What a new thread runs, passed through `pthread_create`'s opaque pointer.
private final class ThreadContext: Sendable {
    /// The thread's name.
    let name: String
    /// The thread's work.
    let body: @Sendable () -> Void

    /// A context for a thread named `name` running `body`.
    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}
