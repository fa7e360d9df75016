import Foundation

/// The appliance's master key: 32 random bytes in a file of their own (mode 0600), never inside a database.
/// It wraps every orchestra's data key and derives the registry's key and the key for secrets.
public enum MasterKey {
    /// Reads the key file. Accepts the 32 raw bytes `init` writes, or 64 hex digits (for systemd credentials
    /// and secret stores that prefer text). Refuses a file others can read or write, naming the fix.
    public static func load(from file: URL) throws(StoreError) -> DatabaseKey {
        let path = file.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.fileMissing, "no key file at \(path) (run `stagesub init`, or pass --key-file / STAGESUB_KEY_FILE)")
        }
        var info = stat()
        guard stat(path, &info) == 0 else { throw StoreError(.io, "cannot read the key file \(path)") }
        if info.st_mode & 0o077 != 0 {
            let mode = String(info.st_mode & 0o777, radix: 8)
            throw StoreError(.invalidKey, "the key file \(path) is open to other users (mode \(mode)); fix it with: chmod 600 \(path)")
        }
        guard var data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.io, "cannot read the key file \(path) (permission denied)")
        }
        defer { data.resetBytes(in: 0..<data.count) }
        if data.count == DatabaseKey.byteCount {
            return try DatabaseKey(bytes: data)
        }
        let text = String(decoding: data, as: UTF8.self)
        do {
            return try DatabaseKey(hex: text)
        } catch {
            throw StoreError(.invalidKey, "the key file \(path) holds neither 32 bytes nor 64 hex digits")
        }
    }

    /// Writes a new random key to `file` (mode 0600); fails if the file exists.
    public static func create(at file: URL) throws(StoreError) -> DatabaseKey {
        let key = DatabaseKey.random()
        try key.withUnsafeBytes { (bytes) throws(StoreError) in
            try writeNewFile(at: file, bytes: Array(bytes))
        }
        return key
    }

    /// The registry's own key.
    static func registryKey(_ master: DatabaseKey) -> DatabaseKey {
        Sodium.deriveKey(from: master, id: 1, context: "SSREGSTR")
    }

    /// The key that seals secrets kept in the registry (SMTP passwords, API tokens).
    static func secretsKey(_ master: DatabaseKey) -> DatabaseKey {
        Sodium.deriveKey(from: master, id: 2, context: "SSSECRET")
    }

    /// Creates `file` with `bytes`, mode 0600, durably; fails if it exists.
    static func writeNewFile(at file: URL, bytes: [UInt8]) throws(StoreError) {
        let fd = open(file.path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw StoreError(.fileExists, "\(file.path) already exists") }
            throw StoreError(.io, "cannot create \(file.path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            unlink(file.path)
            throw StoreError(.io, "cannot write \(file.path): \(String(cString: strerror(errno)))")
        }
    }
}
