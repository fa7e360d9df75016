import Foundation

/// What a backup says about itself. Stored in the clear at the front of the file and authenticated: the
/// backup's key is sealed with these exact bytes as associated data, so an edited manifest opens nothing.
public struct BackupManifest: Codable, Sendable, Equatable {
    public var formatVersion: Int
    public var slug: String
    public var name: String
    public var appVersion: String
    public var schemaVersion: Int
    public var createdAt: Date
    public var pageSize: Int
    public var pageCount: Int
    public var databaseBytes: Int
    /// SHA-256 of the sealed database bytes that follow the header.
    public var sha256: String
}

/// The backup file format (`.stagesub-backup`), one file per backup:
///
///     "SSBACKUP" ‖ version (u32) ‖ manifest length (u32) ‖ manifest JSON ‖ keys length (u32) ‖ keys JSON ‖ database
///
/// The database is a sealed SQLite file with a random key of its own. The keys JSON holds that key sealed
/// with the master key and, when a passphrase was given, sealed again with a key derived from the
/// passphrase (Argon2id), so the backup can be restored on an appliance with another master key.
enum BackupFile {
    static let magic = Array("SSBACKUP".utf8)
    static let version: UInt32 = 1
    static let fileExtension = "stagesub-backup"

    struct Keys: Codable {
        struct Passphrase: Codable {
            var salt: String
            var opsLimit: UInt64
            var memLimit: Int
            var sealedKey: String
        }
        var master: String
        var passphrase: Passphrase?
    }

    static func associatedData(_ manifestBytes: [UInt8]) -> [UInt8] { Array("SSBK1".utf8) + manifestBytes }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// The header bytes for `manifest`, sealing `key` for the master key and, optionally, a passphrase.
    static func header(manifest: BackupManifest, key: DatabaseKey, master: DatabaseKey, passphrase: String?) throws(StoreError) -> [UInt8] {
        let manifestBytes: [UInt8]
        do { manifestBytes = Array(try encoder().encode(manifest)) } catch { throw StoreError(.io, "cannot encode the manifest") }
        let ad = associatedData(manifestBytes)
        let keyBytes = key.withUnsafeBytes { Array($0) }
        var keys = Keys(master: Data(Sodium.seal(keyBytes, key: master, associatedData: ad)).base64EncodedString())
        if let passphrase {
            let salt = Sodium.randomBytes(Sodium.passphraseSaltBytes)
            let derived = try Sodium.deriveKey(fromPassphrase: passphrase, salt: salt, opsLimit: Sodium.passphraseOpsLimit,
                                               memLimit: Sodium.passphraseMemLimit)
            keys.passphrase = .init(salt: Data(salt).base64EncodedString(), opsLimit: Sodium.passphraseOpsLimit,
                                    memLimit: Sodium.passphraseMemLimit,
                                    sealedKey: Data(Sodium.seal(keyBytes, key: derived, associatedData: ad)).base64EncodedString())
        }
        let keysBytes: [UInt8]
        do { keysBytes = Array(try encoder().encode(keys)) } catch { throw StoreError(.io, "cannot encode the keys") }
        return magic + be32(version) + be32(UInt32(manifestBytes.count)) + manifestBytes + be32(UInt32(keysBytes.count)) + keysBytes
    }

    /// A parsed header: the manifest, its exact bytes, the key blocks, and where the database starts.
    struct Header {
        var manifest: BackupManifest
        var manifestBytes: [UInt8]
        var keys: Keys
        var databaseOffset: Int
    }

    static func readHeader(from handle: FileHandle, path: String) throws(StoreError) -> Header {
        func read(_ count: Int) throws(StoreError) -> [UInt8] {
            guard let data = try? handle.read(upToCount: count), data.count == count else {
                throw StoreError(.damaged, "\(path) is truncated or not a StageSub backup")
            }
            return [UInt8](data)
        }
        guard try read(8) == magic else { throw StoreError(.notSealed, "\(path) is not a StageSub backup") }
        let fileVersion = u32(try read(4))
        guard fileVersion == version else {
            throw StoreError(.conflict, "\(path) is a backup of format \(fileVersion); this StageSub reads format \(version)")
        }
        let manifestLength = Int(u32(try read(4)))
        guard manifestLength < 1 << 20 else { throw StoreError(.damaged, "\(path) has a damaged header") }
        let manifestBytes = try read(manifestLength)
        let keysLength = Int(u32(try read(4)))
        guard keysLength < 1 << 20 else { throw StoreError(.damaged, "\(path) has a damaged header") }
        let keysBytes = try read(keysLength)
        do {
            let manifest = try decoder().decode(BackupManifest.self, from: Data(manifestBytes))
            let keys = try decoder().decode(Keys.self, from: Data(keysBytes))
            return Header(manifest: manifest, manifestBytes: manifestBytes, keys: keys,
                          databaseOffset: 8 + 4 + 4 + manifestLength + 4 + keysLength)
        } catch {
            throw StoreError(.damaged, "\(path) has a damaged header")
        }
    }

    /// Opens the backup's key with the master key, or else with the passphrase.
    static func openKey(_ header: Header, master: DatabaseKey, passphrase: String?, path: String) throws(StoreError) -> DatabaseKey {
        let ad = associatedData(header.manifestBytes)
        if let sealed = Data(base64Encoded: header.keys.master), let bytes = Sodium.open([UInt8](sealed), key: master, associatedData: ad) {
            return try DatabaseKey(bytes: bytes)
        }
        guard let block = header.keys.passphrase else {
            throw StoreError(.wrongKey, "\(path) was made on an appliance with another master key (or its header was altered), and it has no passphrase; it cannot be restored here")
        }
        guard let passphrase else {
            throw StoreError(.wrongKey, "\(path) was made on an appliance with another master key; give the passphrase it was made with: --passphrase-file F")
        }
        guard let salt = Data(base64Encoded: block.salt), let sealed = Data(base64Encoded: block.sealedKey) else {
            throw StoreError(.damaged, "\(path) has a damaged header")
        }
        let derived = try Sodium.deriveKey(fromPassphrase: passphrase, salt: [UInt8](salt), opsLimit: block.opsLimit, memLimit: block.memLimit)
        guard let bytes = Sodium.open([UInt8](sealed), key: derived, associatedData: ad) else {
            throw StoreError(.wrongKey, "the passphrase does not open \(path) (or its header was altered)")
        }
        return try DatabaseKey(bytes: bytes)
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    static func u32(_ bytes: [UInt8]) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
