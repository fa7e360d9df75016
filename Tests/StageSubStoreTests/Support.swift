import CSodium
import Foundation
import GRDB
@testable import StageSubStore

/// A folder of its own for one test, removed when the test is done.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("stagesub-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Every regular file in the folder, by name.
    func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    /// The SHA-256 of every regular file under the folder, by relative path.
    func fingerprint() throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: url.path)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path(relative), isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = try sha256(ofFileAt: path(relative))
            }
        }
        return result
    }

    /// The names of the files in the folder whose bytes contain `needle`.
    func filesContaining(_ needle: String) throws -> [String] {
        let bytes = Data(needle.utf8)
        return try fileNames().filter { name in
            let data = try Data(contentsOf: URL(fileURLWithPath: path(name)))
            return data.range(of: bytes) != nil
        }
    }
}

func sha256(ofFileAt path: String) throws -> String {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var digest = [UInt8](repeating: 0, count: 32)
    data.withUnsafeBytes { bytes in
        _ = crypto_hash_sha256(&digest, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }
    return digest.map { String(format: "%02x", $0) }.joined()
}

/// Flips one bit of the byte at `offset` in the file at `path`.
func flipByte(at offset: Int, inFileAt path: String) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(offset))
    let byte = try handle.read(upToCount: 1)![0]
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: [byte ^ 0x20])
}

/// Reads `count` bytes at `offset`.
func readBytes(at offset: Int, count: Int, fromFileAt path: String) throws -> Data {
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(offset))
    return try handle.read(upToCount: count) ?? Data()
}

/// Writes `data` at `offset`.
func writeBytes(_ data: Data, at offset: Int, toFileAt path: String) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: data)
}

/// A built executable of this package (they sit next to the test bundle).
func builtExecutable(_ name: String) -> URL {
    let candidates = [
        Bundle.main.bundleURL.deletingLastPathComponent(),
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        Bundle.main.bundleURL,
    ]
    for folder in candidates {
        let url = folder.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return candidates[0].appendingPathComponent(name)
}

/// A plain (unsealed) SQLite database through the platform VFS, for control experiments.
func openPlainDatabase(at path: String) throws -> DatabaseQueue {
    try DatabaseQueue(path: "file:\(path)?vfs=unix")
}
