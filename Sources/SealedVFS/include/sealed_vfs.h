// SealedVFS: an encrypting SQLite VFS over the system SQLite and libsodium.
//
// Every database page is sealed with XChaCha20-Poly1305: a fresh random 24-byte nonce and the 16-byte tag
// live in the 40 reserved bytes at the end of the page (a checkpoint copies an unchanged page's sealed bytes
// from its WAL frame, nonce included, to the database file). The associated data binds a format tag, the file
// id (bytes 0-15 of page 1, random per file) and the page number. Page 1 keeps bytes 0-23 in plaintext
// (file id, page size, versions, reserve) and binds bytes 16-23 too. WAL frames and rollback-journal
// records carry sealed page images, in files named `<db>-swal` and `<db>-sjournal` so that stock SQLite
// never mistakes them for its own; temp files and statement journals are kept in memory only. Faults are
// reported through sqlite3_log with the file and the byte offset.
//
// This header deliberately does not include <sqlite3.h>: Swift code talks to SQLite through GRDB's own
// module, and handles cross this boundary as `void *`.
#ifndef SEALED_VFS_H
#define SEALED_VFS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Bytes in a key.
#define SEALEDVFS_KEY_BYTES 32
/// Reserved bytes every sealed page carries: nonce (24) and tag (16).
#define SEALEDVFS_RESERVE_BYTES 40
/// The name the VFS is registered under.
#define SEALEDVFS_NAME "sealed"
/// Format version 2 of the side files: a sealed database's WAL is `<db>-swal` and its rollback journal
/// `<db>-sjournal`, names stock SQLite never looks for, so a stock client opening a sealed file can neither
/// delete its log nor play back its journal. Version 1 (`-wal`, `-journal`; same bytes) is renamed on open.
#define SEALEDVFS_SIDE_FORMAT 2
/// The suffix of a sealed database's WAL (SQLite asks for `-wal`; the VFS stores it under this name).
#define SEALEDVFS_WAL_SUFFIX "-swal"
/// The suffix of a sealed database's rollback journal (SQLite asks for `-journal`).
#define SEALEDVFS_JOURNAL_SUFFIX "-sjournal"

/// Result codes of this API. Every failure is negative: SQLite's result codes never are, so a code of one can
/// never be read as the other's (SQLite's 23 is SQLITE_AUTH, "authorization denied"; this API's AUTH is a
/// page that does not authenticate). What the VFS hands to SQLite itself are SQLite's codes.
typedef enum {
    SEALEDVFS_OK = 0,
    SEALEDVFS_ERROR = -1,       ///< a SQLite or system call failed
    SEALEDVFS_NOMEM = -2,       ///< out of memory
    SEALEDVFS_NOTFOUND = -3,    ///< no key registered for that path / no such implementation
    SEALEDVFS_CANTOPEN = -4,    ///< the file cannot be opened
    SEALEDVFS_NOTSEALED = -5,   ///< the file is not a sealed database (plain SQLite or not SQLite at all)
    SEALEDVFS_AUTH = -6,        ///< a page failed authentication (wrong key or damaged file)
} sealedvfs_rc;

/// Registers the VFS under the name "sealed", as SQLite's default VFS when `make_default` is non-zero.
/// Idempotent and thread-safe. Initialises libsodium. Returns SEALEDVFS_OK or SEALEDVFS_ERROR.
int sealedvfs_register(int make_default);

/// Registers (or replaces) the key for the database at `path`. The path is canonicalised the same way
/// SQLite canonicalises it before opening, so relative paths work. WAL and journal files of that database
/// use the same key. The key bytes are copied; the caller may wipe its own copy.
int sealedvfs_key_set(const char *path, const uint8_t key[SEALEDVFS_KEY_BYTES]);

/// Forgets the key of the database at `path` and wipes it. Connections already open keep working.
/// Returns SEALEDVFS_OK, or SEALEDVFS_NOTFOUND when no key was registered.
int sealedvfs_key_remove(const char *path);

/// Prepares a freshly opened connection (`sqlite3 *`, passed as `void *`): asks for 40 reserved bytes per
/// page on a database that has not been written yet. Must run before the first write (before switching to
/// WAL). Returns SEALEDVFS_OK or SEALEDVFS_ERROR.
int sealedvfs_prepare_connection(void *db);

/// The outcome of authenticating every page of a sealed database file.
typedef struct {
    uint32_t page_size;       ///< from the plaintext header
    uint32_t page_count;      ///< pages authenticated or attempted
    uint32_t bad_pages;       ///< pages that failed authentication
    uint32_t first_bad_page;  ///< 1-based number of the first failing page, 0 when none
} sealedvfs_verify_report;

/// Reads the database file at `path` directly (not its WAL) and authenticates every page with `key`.
/// Returns SEALEDVFS_OK when every page is authentic, SEALEDVFS_AUTH when at least one is not (see the
/// report), SEALEDVFS_NOTSEALED when the header is not that of a sealed database, SEALEDVFS_CANTOPEN
/// when the file cannot be read.
int sealedvfs_verify_file(const char *path, const uint8_t key[SEALEDVFS_KEY_BYTES],
                          sealedvfs_verify_report *report);

/// How many files SQLite has opened without a name (temp databases, sorts, statement journals) since the
/// process started; each was kept in memory. For tests that need to prove a path was exercised.
uint64_t sealedvfs_memory_files_opened(void);

/// How many page writes to a database file, since the process started, wrote the sealed bytes of the WAL
/// frame the page had just been read and authenticated from (a checkpoint copying an unchanged page back)
/// instead of sealing the page again. For tests and benchmarks.
uint64_t sealedvfs_pages_reused(void);

/// How many pages this process has sealed (`opened` 0) or tried to open (`opened` 1) with
/// XChaCha20-Poly1305 since it started: benchmarks multiply them by the cost of one operation.
uint64_t sealedvfs_aead_operations(int opened);

/// The read cache's budget per connection, in KiB, unless sealedvfs_read_cache_set says otherwise: sealed
/// and opened copies of the pages a connection last authenticated, so that a page SQLite's own cache let go
/// is not decrypted again when it is read back unchanged (docs/storage.md, "Read cache").
#define SEALEDVFS_READ_CACHE_DEFAULT_KIB 16384

/// Sets the read cache's budget (KiB) for every database file opened from now on; 0 turns it off. Files
/// already open keep theirs.
void sealedvfs_read_cache_set(size_t kib);

/// `sqlite3_file_control(db, "main", SEALEDVFS_FCNTL_READ_CACHE, &info)`: one connection's read cache. A
/// `budget_kib` of 0 or more sets its budget (wiping what it holds); -1 leaves it. On return every field
/// describes the cache. (An opcode far from SQLite's own, which stop below 100.)
#define SEALEDVFS_FCNTL_READ_CACHE 0x5ea1ed01

/// What SEALEDVFS_FCNTL_READ_CACHE reads and sets.
typedef struct {
    int64_t budget_kib;  ///< in: a new budget, or -1; out: the budget
    uint64_t hits;       ///< page reads answered without a decryption since the connection opened
    uint64_t misses;     ///< page reads the cache could not answer (each one decryption)
    uint64_t entries;    ///< pages held now
} sealedvfs_read_cache_info;

/// How many page reads, since the process started, a read cache answered without a decryption: the bytes
/// read were identical to sealed bytes the connection had authenticated or sealed at that place.
uint64_t sealedvfs_read_cache_hits(void);

/// Which implementation computes XChaCha20-Poly1305: "openssl" (OpenSSL's libcrypto for ChaCha20-Poly1305,
/// libsodium's HChaCha20 for the subkey) when, at registration, it gave libsodium's bytes on a known page;
/// "libsodium" otherwise. The sealed bytes are the same either way.
const char *sealedvfs_aead_name(void);

/// Switches the implementation ("libsodium" or "openssl"; the latter only when it gives the same bytes), for
/// every page sealed or opened from now on. For tests and benchmarks. Returns SEALEDVFS_OK or
/// SEALEDVFS_NOTFOUND. Call after sealedvfs_register.
int sealedvfs_aead_select(const char *name);

/// Wipes `len` bytes at `p` in a way the compiler cannot elide.
void sealedvfs_wipe(void *p, size_t len);

#ifdef __cplusplus
}
#endif

#endif
