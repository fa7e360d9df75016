import Foundation
import GRDBSQLite
import SealedVFS
import Testing

/// XChaCha20-Poly1305 through OpenSSL's libcrypto (aead.c): the same sealed bytes as libsodium's, so either
/// opens what the other sealed, and the format does not change.
@Suite("The AEAD implementations agree")
struct AEADTests {
    typealias V = SealedVFSTests

    init() {
        #expect(sealedvfs_register(0) == 0)
    }

    @Test("OpenSSL is used on Debian 12, and a database sealed by either implementation opens with the other")
    func implementationsAgree() throws {
        #expect(String(cString: sealedvfs_aead_name()) == "openssl")
        #expect(sealedvfs_aead_select("rot13") == Int32(SEALEDVFS_NOTFOUND.rawValue))  // and nothing changes
        #expect(String(cString: sealedvfs_aead_name()) == "openssl")
        // Other tests run meanwhile under whichever is selected: they pass only if the two agree.
        defer { #expect(sealedvfs_aead_select("openssl") == 0) }
        for (writer, reader) in [("libsodium", "openssl"), ("openssl", "libsodium")] {
            let path = try V.folder().appendingPathComponent("\(writer).db").path
            #expect(sealedvfs_aead_select(writer) == 0)
            let db = V.makeWAL(at: path)
            var sql = "BEGIN;"
            var expected: [Int: String] = [:]
            for id in 0..<200 {
                expected[id] = V.value(id, round: 0)
                sql += "INSERT INTO t VALUES (\(id), '\(expected[id]!)');"
            }
            #expect(V.exec(db, sql + "COMMIT") == SQLITE_OK, "\(V.message(db))")
            sqlite3_close(db)  // checkpointed into the database file

            #expect(sealedvfs_aead_select(reader) == 0)
            let (rc, report) = V.verify(path)
            #expect(rc == 0 && report.bad_pages == 0, "sealed by \(writer), opened by \(reader)")
            let (orc, again) = V.open(path)
            #expect(orc == SQLITE_OK)
            #expect(V.rows(again) == expected, "sealed by \(writer), read by \(reader)")
            sqlite3_close(again)
        }
    }
}
