import Foundation

/// `orchestra.key`: the orchestra's data key, sealed with the master key. The associated data binds the
/// orchestra's slug and its database's file id, so a key file belongs to exactly one database file.
enum OrchestraKeyFile {
    static let magic = Array("SSK1".utf8)

    static func associatedData(slug: String, fileId: [UInt8]) -> [UInt8] { magic + Array(slug.utf8) + [0] + fileId }

    /// Writes the key file atomically (temporary file, fsync, rename).
    static func write(_ dataKey: DatabaseKey, slug: String, fileId: [UInt8], master: DatabaseKey, to url: URL) throws(StoreError) {
        let sealed = dataKey.withUnsafeBytes { bytes in
            Sodium.seal(Array(bytes), key: master, associatedData: associatedData(slug: slug, fileId: fileId))
        }
        try AtomicFile.write(magic + sealed, to: url)
    }

    /// Reads and opens the key file for the database whose file id is `fileId`.
    static func read(from url: URL, slug: String, fileId: [UInt8], master: DatabaseKey) throws(StoreError) -> DatabaseKey {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw StoreError(.fileMissing, "the orchestra \(slug) has no key file at \(url.path)")
        }
        let bytes = [UInt8](data)
        guard bytes.starts(with: magic) else { throw StoreError(.invalidKey, "\(url.path) is not an orchestra key file") }
        guard var key = Sodium.open(Array(bytes.dropFirst(magic.count)), key: master,
                                    associatedData: associatedData(slug: slug, fileId: fileId)) else {
            throw StoreError(.wrongKey, """
                the key of orchestra \(slug) does not open with this appliance's master key \
                (it was made on an appliance with another master key, or for another copy of the database); \
                move orchestras between appliances with `stagesub backup \(slug) --passphrase-file F` and `stagesub restore`
                """)
        }
        defer { for i in key.indices { key[i] = 0 } }
        return try DatabaseKey(bytes: key)
    }
}

/// Durable whole-file replacement: write a sibling, fsync it, rename it over the target, fsync the folder.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to url: URL, mode: mode_t = 0o600) throws(StoreError) {
        let temporary = url.path + ".tmp-\(getpid())"
        unlink(temporary)
        try MasterKey.writeNewFile(at: URL(fileURLWithPath: temporary), bytes: bytes)
        guard rename(temporary, url.path) == 0 else {
            unlink(temporary)
            throw StoreError(.io, "cannot replace \(url.path): \(String(cString: strerror(errno)))")
        }
        try SealedDatabase.fsync(path: url.deletingLastPathComponent().path)
    }
}
