import CSodium
import Foundation

/// Small, typed wrappers over the libsodium calls the appliance uses.
enum Sodium {
    static func randomBytes(_ count: Int) -> [UInt8] {
        StageSubCrypto.ensureInitialised()
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    static let nonceBytes = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    static let tagBytes = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    /// XChaCha20-Poly1305: nonce ‖ ciphertext ‖ tag.
    static func seal(_ message: [UInt8], key: DatabaseKey, associatedData: [UInt8]) -> [UInt8] {
        let nonce = randomBytes(nonceBytes)
        var out = [UInt8](repeating: 0, count: message.count + tagBytes)
        var outLength: UInt64 = 0
        key.withUnsafeBytes { k in
            _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                &out, &outLength, message, UInt64(message.count), associatedData, UInt64(associatedData.count), nil, nonce,
                k.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return nonce + out
    }

    /// Opens what `seal` made; nil when the key, the associated data or the bytes are not the ones sealed.
    static func open(_ sealed: [UInt8], key: DatabaseKey, associatedData: [UInt8]) -> [UInt8]? {
        guard sealed.count >= nonceBytes + tagBytes else { return nil }
        let nonce = Array(sealed[..<nonceBytes])
        let cipher = Array(sealed[nonceBytes...])
        var out = [UInt8](repeating: 0, count: cipher.count - tagBytes)
        var outLength: UInt64 = 0
        let rc = key.withUnsafeBytes { k in
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                &out, &outLength, nil, cipher, UInt64(cipher.count), associatedData, UInt64(associatedData.count), nonce,
                k.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return rc == 0 ? out : nil
    }

    /// A subkey of `master` for one purpose (`context` is exactly 8 characters).
    static func deriveKey(from master: DatabaseKey, id: UInt64, context: String) -> DatabaseKey {
        precondition(context.utf8.count == 8)
        var sub = [UInt8](repeating: 0, count: DatabaseKey.byteCount)
        defer { sodium_memzero(&sub, sub.count) }
        master.withUnsafeBytes { m in
            _ = crypto_kdf_derive_from_key(&sub, sub.count, id, context, m.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return try! DatabaseKey(bytes: sub)
    }

    /// A key from a passphrase (Argon2id, moderate limits: about a second and 256 MiB on a small box).
    static func deriveKey(fromPassphrase passphrase: String, salt: [UInt8], opsLimit: UInt64, memLimit: Int) throws(StoreError) -> DatabaseKey {
        var out = [UInt8](repeating: 0, count: DatabaseKey.byteCount)
        defer { sodium_memzero(&out, out.count) }
        let bytes = Array(passphrase.utf8)
        let rc = crypto_pwhash(&out, UInt64(out.count), bytes, UInt64(bytes.count), salt, opsLimit, memLimit,
                               crypto_pwhash_ALG_ARGON2ID13)
        guard rc == 0 else { throw StoreError(.io, "not enough memory to derive a key from the passphrase") }
        return try DatabaseKey(bytes: out)
    }

    static let passphraseSaltBytes = Int(crypto_pwhash_SALTBYTES)
    static let passphraseOpsLimit = UInt64(crypto_pwhash_OPSLIMIT_MODERATE)
    static let passphraseMemLimit = Int(crypto_pwhash_MEMLIMIT_MODERATE)

    static func sha256(_ data: some DataProtocol) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        let bytes = Array(data)
        crypto_hash_sha256(&digest, bytes, UInt64(bytes.count))
        return digest
    }

    /// 256 random bits as URL-safe base64 (43 characters): answer tokens, session tokens, API keys.
    static func urlSafeToken() -> String {
        Data(randomBytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Lowercase hexadecimal (by table: `String(format:)` per byte showed up in request profiles).
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Argon2id password hashes in libsodium's self-describing string format.
public enum PasswordHash {
    /// Hashes `password` with Argon2id (interactive limits, about 0.1 s).
    public static func make(_ password: String) throws(StoreError) -> String {
        StageSubCrypto.ensureInitialised()
        var out = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let length = UInt64(password.utf8.count)
        let rc = password.withCString { c in
            crypto_pwhash_str(&out, c, length, UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE), Int(crypto_pwhash_MEMLIMIT_INTERACTIVE))
        }
        guard rc == 0 else { throw StoreError(.io, "not enough memory to hash a password") }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches `hash` (constant time in the password).
    public static func verify(_ password: String, against hash: String) -> Bool {
        StageSubCrypto.ensureInitialised()
        let length = UInt64(password.utf8.count)
        return password.withCString { c in crypto_pwhash_str_verify(hash, c, length) == 0 }
    }

    /// A new password a person can type: 20 characters from an alphabet without look-alikes.
    public static func generatePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var result = ""
        for (i, byte) in Sodium.randomBytes(64).enumerated() where result.filter({ $0 != "-" }).count < 20 {
            // Rejection sampling keeps every character equally likely.
            guard Int(byte) < 256 - 256 % alphabet.count else { continue }
            result.append(alphabet[Int(byte) % alphabet.count])
            if result.count % 6 == 5 && i < 63 { result.append("-") }
        }
        return result.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }
}
