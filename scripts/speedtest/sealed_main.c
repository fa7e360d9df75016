// SQLite's speedtest1 with the sealed VFS linked in (scripts/speedtest1 builds it; never part of the product).
//
// speedtest1.c is compiled with -Dmain=speedtest1_main. With SPEEDTEST_SEALED=1 in the environment this
// registers the sealed VFS (use it with --vfs sealed), gives the database file named last on the command line
// a fixed benchmark key, and asks every connection for the 40 reserved bytes, as the store does. At exit it
// prints how many pages were sealed and opened, and how many reads the read cache answered (no decryption).
// SPEEDTEST_READ_CACHE_KIB sets the read cache's budget. With SPEEDTEST_AEAD_COST=1 it only prints what one
// XChaCha20-Poly1305 operation on a 4 KiB page costs here (a separate run, so it never counts in the CPU
// time of a benchmark run); the script multiplies the two for the crypto floor.
#include "sealed_vfs.h"
#include "../../Sources/SealedVFS/aead.h"  // the VFS's own AEAD, to time it (this file links aead.c)
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int speedtest1_main(int argc, char **argv);

static int prepare(sqlite3 *db, char **err, const void *api) {
    sealedvfs_prepare_connection(db);
    return SQLITE_OK;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

// Microseconds per seal of a 4 KiB page through the VFS's AEAD (open costs the same within a few %).
static double seal_cost(void) {
    static unsigned char page[4096], out[4096], key[32], nonce[24], tag[16], aad[24];
    const int n = 20000;
    double t0 = now();
    for (int i = 0; i < n; i++) {
        sv_aead_seal(out, tag, page, sizeof page - 40, aad, sizeof aad, nonce, key);
        page[0] = out[0];
    }
    return (now() - t0) / n * 1e6;
}

static void report(void) {
    fprintf(stderr, "sealedvfs: pages sealed %llu, opened %llu, read cache hits %llu, aead %s\n",
            (unsigned long long)sealedvfs_aead_operations(0), (unsigned long long)sealedvfs_aead_operations(1),
            (unsigned long long)sealedvfs_read_cache_hits(), sealedvfs_aead_name());
}

int main(int argc, char **argv) {
    if (getenv("SPEEDTEST_AEAD_COST")) {
        if (sodium_init() < 0) return 1;
        sv_aead_init();
        if (getenv("SPEEDTEST_AEAD") && !sv_aead_select(getenv("SPEEDTEST_AEAD"))) return 1;
        seal_cost();  // warm up
        printf("%.3f\n", seal_cost());
        return 0;
    }
    if (getenv("SPEEDTEST_SEALED")) {
        static const uint8_t key[SEALEDVFS_KEY_BYTES] = {0x5e, 0xa1, 0xed};
        if (sealedvfs_register(0) != SEALEDVFS_OK || sealedvfs_key_set(argv[argc - 1], key) != SEALEDVFS_OK) {
            fprintf(stderr, "cannot register the sealed VFS\n");
            return 1;
        }
        // SPEEDTEST_READ_CACHE_KIB: the read cache's budget per connection (default: the VFS's own; 0: off).
        if (getenv("SPEEDTEST_READ_CACHE_KIB")) sealedvfs_read_cache_set((size_t)strtoul(getenv("SPEEDTEST_READ_CACHE_KIB"), NULL, 10));
        // SPEEDTEST_AEAD=libsodium|openssl: which implementation seals and opens (default: the VFS's choice).
        if (getenv("SPEEDTEST_AEAD") && sealedvfs_aead_select(getenv("SPEEDTEST_AEAD")) != SEALEDVFS_OK) return 1;
        sqlite3_auto_extension((void (*)(void))prepare);
        atexit(report);
    }
    return speedtest1_main(argc, argv);
}
