import CSodium
import Foundation

/// A 32-byte key for a sealed database. Its bytes live in memory of its own, are wiped when the key is
/// released, and never appear in a description, a log or an error.
public final class DatabaseKey: @unchecked Sendable {
    /// Bytes in a key.
    public static let byteCount = 32

    // Written once in `init`, read-only afterwards: safe to share across threads.
    private let storage: UnsafeMutableRawBufferPointer

    private init(filling fill: (UnsafeMutableRawBufferPointer) -> Void) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.byteCount, alignment: 16)
        fill(storage)
    }

    /// A new key from the system's cryptographic random source.
    public static func random() -> DatabaseKey {
        StageSubCrypto.ensureInitialised()
        return DatabaseKey { randombytes_buf($0.baseAddress!, $0.count) }
    }

    /// A key made of exactly 32 bytes.
    public convenience init(bytes: some Collection<UInt8>) throws(StoreError) {
        guard bytes.count == Self.byteCount else {
            throw StoreError(.invalidKey, "a key is \(Self.byteCount) bytes, got \(bytes.count)")
        }
        self.init { buffer in buffer.copyBytes(from: bytes) }
    }

    /// A key written as 64 hexadecimal digits (surrounding whitespace ignored).
    public convenience init(hex: String) throws(StoreError) {
        let digits = Array(hex.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard digits.count == 2 * Self.byteCount else {
            throw StoreError(.invalidKey, "a key is \(2 * Self.byteCount) hexadecimal digits, got \(digits.count)")
        }
        var bytes = [UInt8](repeating: 0, count: Self.byteCount)
        defer { sodium_memzero(&bytes, bytes.count) }
        var decoded = 0
        let rc = digits.withUnsafeBufferPointer { hexDigits in
            sodium_hex2bin(&bytes, bytes.count, hexDigits.baseAddress!.withMemoryRebound(to: CChar.self, capacity: hexDigits.count) { $0 },
                           hexDigits.count, nil, &decoded, nil)
        }
        guard rc == 0, decoded == Self.byteCount else {
            throw StoreError(.invalidKey, "a key is \(2 * Self.byteCount) hexadecimal digits (0-9, a-f)")
        }
        try self.init(bytes: bytes)
    }

    deinit {
        sodium_memzero(storage.baseAddress, storage.count)
        storage.deallocate()
    }

    /// Lends the key's bytes to `body`. Do not let them escape.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(storage))
    }

    /// The key as 64 hexadecimal digits, for the operator's own tools (the `sqlite3` shell's `hexkey`).
    /// Never log it.
    public func unsafeHexDigits() -> String {
        storage.map { String(format: "%02x", $0) }.joined()
    }
}

extension DatabaseKey: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "DatabaseKey(redacted)" }
    public var debugDescription: String { "DatabaseKey(redacted)" }
}

extension DatabaseKey: Equatable {
    /// Constant-time comparison.
    public static func == (lhs: DatabaseKey, rhs: DatabaseKey) -> Bool {
        lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in sodium_memcmp(a.baseAddress, b.baseAddress, byteCount) == 0 } }
    }
}

/// libsodium's one-time initialisation.
enum StageSubCrypto {
    private static let initialised: Bool = sodium_init() >= 0

    static func ensureInitialised() {
        precondition(initialised, "libsodium could not be initialised")
    }
}
