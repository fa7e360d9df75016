// SQLite's speedtest1 with the sealed VFS linked in (scripts/speedtest1 builds it; never part of the product).
//
// speedtest1.c is compiled with -Dmain=speedtest1_main. With SPEEDTEST_SEALED=1 in the environment this
// registers the sealed VFS (use it with --vfs sealed), gives the database file named last on the command line
// a fixed benchmark key, and asks every connection for the 40 reserved bytes, as the store does. At exit it
// prints how many pages were sealed and opened. With SPEEDTEST_AEAD_COST=1 it only prints what one
// XChaCha20-Poly1305 operation on a 4 KiB page costs here (a separate run, so it never counts in the CPU
// time of a benchmark run); the script multiplies the two for the crypto floor.
#include "sealed_vfs.h"
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

// Microseconds per seal of a 4 KiB page, as sealed_vfs.c calls it (open costs the same within a few %).
static double seal_cost(void) {
    static unsigned char page[4096], out[4096], key[32], nonce[24], tag[16], aad[24];
    const int n = 20000;
    double t0 = now();
    for (int i = 0; i < n; i++) {
        crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out, tag, NULL, page, sizeof page - 40, aad, sizeof aad,
                                                            NULL, nonce, key);
        page[0] = out[0];
    }
    return (now() - t0) / n * 1e6;
}

static void report(void) {
    fprintf(stderr, "sealedvfs: pages sealed %llu, opened %llu\n", (unsigned long long)sealedvfs_aead_operations(0),
            (unsigned long long)sealedvfs_aead_operations(1));
}

int main(int argc, char **argv) {
    if (getenv("SPEEDTEST_AEAD_COST")) {
        if (sodium_init() < 0) return 1;
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
        sqlite3_auto_extension((void (*)(void))prepare);
        atexit(report);
    }
    return speedtest1_main(argc, argv);
}
