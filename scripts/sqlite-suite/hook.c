// Compiled into SQLite's testfixture only (scripts/sqlite-suite/run), never into the product.
//
// With SEALEDVFS_SUITE_KEY (64 hex digits) in the environment, the sealed VFS becomes SQLite's default VFS,
// every database file gets that key, and every new connection asks for the 40 reserved bytes, as the store
// does. Without it the same binary is the plain baseline, so the two runs differ only by the VFS.
// SEALEDVFS_SUITE_NAMES=sqlite: side files under SQLite's names (see below).
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

static int suite_connection(sqlite3 *db, char **err, const void *api) {
    sealedvfs_prepare_connection(db);  // ignored by SQLite on a file that already has pages
    return SQLITE_OK;
}

// SQLITE_EXTRA_INIT: runs at the end of every sqlite3_initialize (the suite shuts SQLite down and up again).
int sealedvfs_suite_init(const char *unused) {
    const char *hex = getenv("SEALEDVFS_SUITE_KEY");
    size_t got = 0;
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
