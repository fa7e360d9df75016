import Foundation

/// One server per data directory, and no file-replacing maintenance from the command line while it runs:
/// `stagesub serve` holds an exclusive `flock` on `<data>/.server.lock` for its lifetime (the kernel drops
/// it when the process dies, so a crash never leaves a stale lock).
public struct ServerLock: Sendable {
    let fd: Int32

    static func path(_ directory: DataDirectory) -> String { directory.root.appendingPathComponent(".server.lock").path }

    /// Takes the lock for a server, or says that another server runs on this directory.
    public static func acquire(_ directory: DataDirectory) throws(StoreError) -> ServerLock {
        let fd = open(path(directory), O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError(.io, "cannot open \(path(directory))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError(.busy, "a stagesub server is already running on \(directory.root.path)")
        }
        return ServerLock(fd: fd)
    }

    public func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Whether a server holds the lock on `directory` right now.
    public static func isHeld(_ directory: DataDirectory) -> Bool {
        let fd = open(path(directory), O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) != 0 { return true }
        flock(fd, LOCK_UN)
        return false
    }

    /// Refuses an operation that replaces orchestra files while a server runs on the directory.
    public static func refuseWhileServing(_ directory: DataDirectory, what: String, instead: String) throws(StoreError) {
        let fd = open(path(directory), O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) != 0 {
            throw StoreError(.busy, "the stagesub server is running on \(directory.root.path); \(what) would change files under it. "
                             + "Stop the server first (e.g. systemctl stop stagesub), or \(instead)")
        }
        flock(fd, LOCK_UN)
    }
}
