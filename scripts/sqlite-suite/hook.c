// Compiled into SQLite's testfixture only (scripts/sqlite-suite/run), never into the product.
//
// With SEALEDVFS_SUITE_KEY (64 hex digits) in the environment, the sealed VFS becomes SQLite's default VFS,
// every database file gets that key, and every new connection asks for the 40 reserved bytes, as the store
// does, for its main database and for every database it ATTACHes (see suite_attached_reserve). Without it the same binary is the plain baseline, so the two runs differ only by the VFS.
// SEALEDVFS_SUITE_NAMES=sqlite: side files under SQLite's names (see below). SEALEDVFS_SUITE_RESERVE_ONLY: the
// plain VFS, but with the reserve asked for as in the sealed run.
#define SEALEDVFS_TEST_HOOKS 1
#include "../../Sources/SealedVFS/sealed_vfs.c"
#include "../../Sources/SealedVFS/read_cache.c"
#include "../../Sources/SealedVFS/aead.c"
#include "../../Sources/SealedVFS/mem_file.c"

static unsigned char suite_key[SEALEDVFS_KEY_BYTES];
static int suite_on = 0;

int sealedvfs_test_key(unsigned char *out) {
    if (!suite_on) return 0;
    memcpy(out, suite_key, sizeof suite_key);
    return 1;
}

// SEALEDVFS_SUITE_NAMES=sqlite keeps SQLite's side-file names, which the suite reads and copies by name.
int sealedvfs_test_sqlite_names(void) {
    const char *v = getenv("SEALEDVFS_SUITE_NAMES");
    return v && strcmp(v, "sqlite") == 0;
}

// Whether SQLite's crash VFS (test6.c) is registered in this process: only the children crashsql and the
// crash tests start (as the default VFS or named by -vfs). It trashes unsynced writes sector by sector; see
// sealed_vfs.c, sv_write.
int sealedvfs_test_crash_vfs(void) { return sqlite3_vfs_find("crash") != NULL; }

// SQLITE_FCNTL_RESERVE_BYTES applies to one schema of a connection and only before its first write, and an
// ATTACH runs no hook of its own. Two callbacks do run before a statement begins a transaction on an attached
// file (newDatabase lays out page 1 then, from the reserve asked for): the authorizer, while the statement is
// prepared, and the SQLITE_TRACE_STMT trace, when it starts. Either asks for the reserve on every attached file
// database that has not asked yet: a database that has pages keeps its own (SQLite ignores the request), an
// in-memory one (no file name) is left alone. Both, because a test may replace one (`db auth ""` in savepoint,
// `db trace` elsewhere); a test that replaces both leaves its attached files without the reserve.
static void suite_attached_reserve(sqlite3 *db) {
    const char *name;
    for (int i = 2; (name = sqlite3_db_name(db, i)) != NULL; i++) {
        const char *file = sqlite3_db_filename(db, name);
        int reserve = -1;  // -1 asks for the reserve requested so far and changes nothing
        if (!file || !*file || sqlite3_file_control(db, name, SQLITE_FCNTL_RESERVE_BYTES, &reserve) != SQLITE_OK) continue;
        if (reserve < SEALEDVFS_RESERVE_BYTES) {
            reserve = SEALEDVFS_RESERVE_BYTES;
            sqlite3_file_control(db, name, SQLITE_FCNTL_RESERVE_BYTES, &reserve);
        }
    }
}

static int suite_authorizer(void *db, int action, const char *a, const char *b, const char *zdb, const char *trigger) {
    suite_attached_reserve(db);
    return SQLITE_OK;
}

static int suite_trace(unsigned type, void *db, void *stmt, void *sql) {
    suite_attached_reserve(db);
    return 0;
}

static int suite_connection(sqlite3 *db, char **err, const void *api) {
    sealedvfs_prepare_connection(db);  // ignored by SQLite on a file that already has pages
    if (!getenv("SEALEDVFS_SUITE_NO_ATTACH_RESERVE")) {
        sqlite3_set_authorizer(db, suite_authorizer, db);
        sqlite3_trace_v2(db, SQLITE_TRACE_STMT, suite_trace, db);
    }
    return SQLITE_OK;
}

// SQLITE_EXTRA_INIT: runs at the end of every sqlite3_initialize (the suite shuts SQLite down and up again).
int sealedvfs_suite_init(const char *unused) {
    const char *hex = getenv("SEALEDVFS_SUITE_KEY");
    size_t got = 0;
    // SEALEDVFS_SUITE_RESERVE_ONLY: the plain VFS with the same 40 reserved bytes on every database (a third
    // run, to tell what the reserve alone changes, such as page counts and b-tree layouts, from what the VFS does).
    if (!hex && getenv("SEALEDVFS_SUITE_RESERVE_ONLY")) return sqlite3_auto_extension((void (*)(void))suite_connection);
    if (!hex) return SQLITE_OK;
    if (sodium_init() < 0 || sodium_hex2bin(suite_key, sizeof suite_key, hex, strlen(hex), NULL, &got, NULL) != 0 ||
        got != sizeof suite_key) {
        fprintf(stderr, "SEALEDVFS_SUITE_KEY must be 64 hex digits\n");
        return SQLITE_ERROR;
    }
    suite_on = 1;
    if (sealedvfs_register(1) != SEALEDVFS_OK) return SQLITE_ERROR;
    return sqlite3_auto_extension((void (*)(void))suite_connection);
}
