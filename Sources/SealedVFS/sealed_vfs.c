// SealedVFS — see include/sealed_vfs.h for the format and the API.
//
// The shim sits between SQLite and the platform VFS ("root"). It recognises page images by where SQLite
// puts them (facts in shared/notes/sqlite-vfs-facts.md):
//   main database  full pages at (pgno-1) * pageSize; partial reads of page 1 at open
//   WAL            32-byte header, then frames of a 24-byte header + page image; recovery reads whole frames
//   journal        pgno (4) ‖ page image ‖ checksum (4), after a sector-sized header
// Anything that is not one of these shapes and would carry page content is refused (fail closed).
// Files SQLite opens without a name (temp databases, statement journals, VACUUM's copy) never reach disk:
// they live in memory.
//
// Pages handed to SQLite always have their 40 reserved bytes zeroed, so SQLite's own WAL and journal
// checksums (computed over the page as SQLite holds it) do not depend on the nonce a page was sealed with.
//
// A checkpoint copies pages from the WAL into the database; the sealed bytes a frame carries are written
// as they are when the page is unchanged, instead of being sealed again (see "Checkpoint reuse" below).
//
// Sections below, each with the SQLite behaviour it relies on (docs/storage.md, "What the VFS relies on"):
// "Unwritten pages" (zeros are never a sealed page), "Checkpoint reuse", "Read cache" (read_cache.c), "Page 1
// torn in the file" (intact in the WAL, or its old image in a hot rollback journal),
// "Page size changes", "Frames rewritten in place", "Side-file names" (format 2: <db>-swal, <db>-sjournal),
// "Under another shim". Every fault goes to sqlite3_log with the file and offset (sv_fault). The AEAD itself
// is in aead.c, the read cache's map in read_cache.c, the in-memory files in mem_file.c.

#include "sealed_vfs.h"
#include "aead.h"
#include "mem_file.h"
#include "read_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SV_NONCE_BYTES 24
#define SV_TAG_BYTES 16
#define SV_ID_BYTES 16
#define SV_WAL_HDR 32
#define SV_FRAME_HDR 24
#define SV_NONCE_POOL 128
#define SV_MAX_PAGE 65536
#define SV_MAX_HOLES 64

static const unsigned char sv_format_tag[4] = {'S', 'S', 'V', '1'};
static const unsigned char sv_sqlite_magic[16] = "SQLite format 3";

enum { SV_MAIN = 1, SV_WAL = 2, SV_JOURNAL = 3 };

// ---------------------------------------------------------------------------------------------------------
// Keys registered per canonical database path.

typedef struct SvKey {
    struct SvKey *next;
    char *path;
    unsigned char key[SEALEDVFS_KEY_BYTES];
} SvKey;

static pthread_mutex_t sv_mutex = PTHREAD_MUTEX_INITIALIZER;
static SvKey *sv_keys = NULL;
static sqlite3_vfs *sv_root = NULL;   // the VFS underneath (unix)
static sqlite3_vfs sv_vfs;            // ours, filled in by sealedvfs_register
static volatile int sv_registered = 0;  // set once, under sv_init_mutex
static uint64_t sv_memory_files = 0;    // files kept in memory, counted for tests
static uint64_t sv_pages_reused = 0;    // database page writes that reused a WAL frame's sealed bytes
static uint64_t sv_aead_ops[2] = {0, 0};  // pages sealed, pages opened (authentic or not): the crypto floor
static uint64_t sv_cache_hits = 0;        // page reads answered by a read cache (no decryption)
static size_t sv_read_cache_budget = (size_t)SEALEDVFS_READ_CACHE_DEFAULT_KIB * 1024;  // per connection, for new opens
static pthread_mutex_t sv_init_mutex = PTHREAD_MUTEX_INITIALIZER;  // registration only; never held in xOpen
static volatile uint32_t sv_fork_generation = 0;  // bumped in a forked child: nonce pools are refilled

static void sv_after_fork_child(void) { sv_fork_generation++; }

uint64_t sealedvfs_memory_files_opened(void) { return __atomic_load_n(&sv_memory_files, __ATOMIC_RELAXED); }

uint64_t sealedvfs_pages_reused(void) { return __atomic_load_n(&sv_pages_reused, __ATOMIC_RELAXED); }

uint64_t sealedvfs_aead_operations(int opened) { return __atomic_load_n(&sv_aead_ops[opened ? 1 : 0], __ATOMIC_RELAXED); }

const char *sealedvfs_aead_name(void) { return sv_aead_name(); }

int sealedvfs_aead_select(const char *name) { return sv_aead_select(name) ? SEALEDVFS_OK : SEALEDVFS_NOTFOUND; }

uint64_t sealedvfs_read_cache_hits(void) { return __atomic_load_n(&sv_cache_hits, __ATOMIC_RELAXED); }

void sealedvfs_read_cache_set(size_t kib) {
    __atomic_store_n(&sv_read_cache_budget, kib * 1024, __ATOMIC_RELAXED);
}

void sealedvfs_wipe(void *p, size_t len) { sodium_memzero(p, len); }

// Finds the key registered for `path` (already canonical). Copies it to `out`. Returns 1 when found.
static int sv_key_lookup(const char *path, unsigned char out[SEALEDVFS_KEY_BYTES]) {
    int found = 0;
    pthread_mutex_lock(&sv_mutex);
    for (SvKey *k = sv_keys; k; k = k->next) {
        if (strcmp(k->path, path) == 0) {
            memcpy(out, k->key, SEALEDVFS_KEY_BYTES);
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock(&sv_mutex);
#ifdef SEALEDVFS_TEST_HOOKS
    // SQLite's own test suite (scripts/sqlite-suite): one key for every file. Never in the product build.
    extern int sealedvfs_test_key(unsigned char *out);
    if (!found) found = sealedvfs_test_key(out);
#endif
    return found;
}

// Canonicalises `path` exactly as SQLite does before it calls xOpen. Caller frees the result.
static char *sv_canonical_path(const char *path) {
    if (!sv_root || !path) return NULL;
    int n = sv_root->mxPathname + 1;
    char *out = sqlite3_malloc(n);
    if (!out) return NULL;
    if (sv_root->xFullPathname(sv_root, path, n, out) != SQLITE_OK) {
        sqlite3_free(out);
        return NULL;
    }
    return out;
}

int sealedvfs_key_set(const char *path, const uint8_t key[SEALEDVFS_KEY_BYTES]) {
    if (!sv_registered) return SEALEDVFS_ERROR;
    char *full = sv_canonical_path(path);
    if (!full) return SEALEDVFS_ERROR;
    pthread_mutex_lock(&sv_mutex);
    SvKey *k;
    for (k = sv_keys; k; k = k->next) {
        if (strcmp(k->path, full) == 0) break;
    }
    if (k) {
        sqlite3_free(full);
    } else {
        k = calloc(1, sizeof(SvKey));
        if (!k) {
            pthread_mutex_unlock(&sv_mutex);
            sqlite3_free(full);
            return SEALEDVFS_NOMEM;
        }
        k->path = full;
        k->next = sv_keys;
        sv_keys = k;
    }
    memcpy(k->key, key, SEALEDVFS_KEY_BYTES);
    pthread_mutex_unlock(&sv_mutex);
    return SEALEDVFS_OK;
}

int sealedvfs_key_remove(const char *path) {
    if (!sv_registered) return SEALEDVFS_NOTFOUND;
    char *full = sv_canonical_path(path);
    if (!full) return SEALEDVFS_ERROR;
    int rc = SEALEDVFS_NOTFOUND;
    pthread_mutex_lock(&sv_mutex);
    for (SvKey **pp = &sv_keys; *pp; pp = &(*pp)->next) {
        SvKey *k = *pp;
        if (strcmp(k->path, full) == 0) {
            *pp = k->next;
            sodium_memzero(k->key, sizeof k->key);
            sqlite3_free(k->path);
            free(k);
            rc = SEALEDVFS_OK;
            break;
        }
    }
    pthread_mutex_unlock(&sv_mutex);
    sqlite3_free(full);
    return rc;
}

// ---------------------------------------------------------------------------------------------------------
// Sealing and opening one page image.

static uint32_t sv_get32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static int sv_is_page_size(sqlite3_int64 n) { return n >= 512 && n <= SV_MAX_PAGE && (n & (n - 1)) == 0; }

// The page size a page-1 header announces, or 0 when it is not a valid one.
static int sv_header_page_size(const unsigned char *h) {
    int v = (h[16] << 8) | h[17];
    if (v == 1) v = 65536;
    return sv_is_page_size(v) ? v : 0;
}

// Associated data: format tag ‖ file id ‖ page number (big-endian) [‖ header bytes 16-23 on page 1].
static size_t sv_aad(unsigned char *aad, const unsigned char *file_id, uint32_t pgno, const unsigned char *hdr) {
    memcpy(aad, sv_format_tag, 4);
    memcpy(aad + 4, file_id, SV_ID_BYTES);
    aad[20] = (unsigned char)(pgno >> 24);
    aad[21] = (unsigned char)(pgno >> 16);
    aad[22] = (unsigned char)(pgno >> 8);
    aad[23] = (unsigned char)pgno;
    if (hdr) {
        memcpy(aad + 24, hdr, 8);
        return 32;
    }
    return 24;
}

// Seals the plaintext page `src` into `dst` (distinct buffers).
static void sv_seal(const unsigned char *key, const unsigned char *file_id, const unsigned char *nonce,
                    const unsigned char *src, unsigned char *dst, int pgsz, uint32_t pgno) {
    unsigned char aad[32];
    size_t skip = 0, aadlen;
    if (pgno == 1) {
        memcpy(dst, file_id, SV_ID_BYTES);
        memcpy(dst + 16, src + 16, 8);
        skip = 24;
        aadlen = sv_aad(aad, file_id, pgno, dst + 16);
    } else {
        aadlen = sv_aad(aad, file_id, pgno, NULL);
    }
    unsigned char *n = dst + pgsz - SEALEDVFS_RESERVE_BYTES;
    unsigned char *tag = n + SV_NONCE_BYTES;
    memcpy(n, nonce, SV_NONCE_BYTES);
    __atomic_add_fetch(&sv_aead_ops[0], 1, __ATOMIC_RELAXED);
    sv_aead_seal(dst + skip, tag, src + skip, (size_t)(pgsz - SEALEDVFS_RESERVE_BYTES) - skip, aad, aadlen, n, key);
}

// Opens the sealed page `src` into `dst` (may be the same buffer). For page 1 the file id is taken from the
// page itself and must equal `*file_id` when `*has_id`; otherwise it is adopted. Returns 1 when authentic.
// On success the reserved bytes of `dst` are zero and page 1 carries SQLite's magic string again. On failure
// `dst` is untouched, unless `private_dst` (memory only the VFS reads, distinct from `src`): then it may hold
// unauthenticated bytes, which the caller wipes.
static int sv_open(const unsigned char *key, unsigned char *file_id, int *has_id, const unsigned char *src,
                   unsigned char *dst, int pgsz, uint32_t pgno, int private_dst) {
    unsigned char aad[32];
    size_t skip = 0, aadlen;
    unsigned char id[SV_ID_BYTES];
    if (pgno == 1) {
        if (src[20] != SEALEDVFS_RESERVE_BYTES) return 0;
        memcpy(id, src, SV_ID_BYTES);
        if (*has_id && sodium_memcmp(id, file_id, SV_ID_BYTES) != 0) return 0;
        skip = 24;
        aadlen = sv_aad(aad, id, pgno, src + 16);
    } else {
        if (!*has_id) return 0;
        aadlen = sv_aad(aad, file_id, pgno, NULL);
    }
    unsigned char nt[SEALEDVFS_RESERVE_BYTES];
    memcpy(nt, src + pgsz - SEALEDVFS_RESERVE_BYTES, SEALEDVFS_RESERVE_BYTES);
    __atomic_add_fetch(&sv_aead_ops[1], 1, __ATOMIC_RELAXED);
    size_t clen = (size_t)(pgsz - SEALEDVFS_RESERVE_BYTES) - skip;
    if (!(private_dst ? sv_aead_open_private(dst + skip, src + skip, clen, nt + SV_NONCE_BYTES, aad, aadlen, nt, key)
                      : sv_aead_open(dst + skip, src + skip, clen, nt + SV_NONCE_BYTES, aad, aadlen, nt, key))) {
        return 0;  // `dst` untouched unless private
    }
    if (pgno == 1) {
        if (dst != src) memcpy(dst + 16, src + 16, 8);
        memcpy(dst, sv_sqlite_magic, SV_ID_BYTES);
        if (!*has_id) {
            memcpy(file_id, id, SV_ID_BYTES);
            *has_id = 1;
        }
    }
    memset(dst + pgsz - SEALEDVFS_RESERVE_BYTES, 0, SEALEDVFS_RESERVE_BYTES);
    return 1;
}

// ---------------------------------------------------------------------------------------------------------
// Files.

typedef struct SvFile SvFile;
// A page of the new layout being gathered: its offset, which pieces have arrived, its bytes.
struct SvStaged {
    sqlite3_int64 off;
    int size;
    uint64_t have[2];
    unsigned char *page;
};

struct SvFile {
    sqlite3_file base;
    sqlite3_file *real;            // the root VFS's file, stored right after this struct
    int kind;                      // SV_MAIN, SV_WAL or SV_JOURNAL
    SvFile *db;                    // the main database this file belongs to (itself for SV_MAIN)
    unsigned char key[SEALEDVFS_KEY_BYTES];  // SV_MAIN only
    unsigned char file_id[SV_ID_BYTES];      // SV_MAIN only: bytes 0-15 of page 1
    int has_file_id;               // SV_MAIN only
    int header_ok;                 // SV_MAIN only: a page 1 with 40 reserved bytes was read or written
    int is_new;                    // SV_MAIN only: the file was empty when opened (a database being created)
    int page_size;                 // SV_MAIN: from page 1; SV_WAL: from the log header; 0 until known
    unsigned char *scratch;
    size_t scratch_size;
    unsigned char nonces[SV_NONCE_BYTES * SV_NONCE_POOL];
    int nonces_left;
    uint32_t nonces_generation;    // sv_fork_generation when the pool was filled
    sqlite3_int64 mark_off;        // WAL: offset of the last frame header written; journal: of the last pgno
    uint32_t mark_pgno;
    sqlite3_int64 image_end;       // journal: end of the last page image written (its checksum follows)
    sqlite3_int64 read_mark_off;   // journal: offset of the last 4-byte read
    uint32_t read_mark_pgno;
    // SV_MAIN only: the last page image this connection read and authenticated from its WAL, for
    // "Checkpoint reuse" below. `wal_page` holds wal_page_size sealed bytes, then their plaintext.
    unsigned char *wal_page;
    int wal_page_size;             // the size wal_page was allocated for (0: not allocated)
    uint32_t wal_page_pgno;        // 0: nothing held
    uint64_t wal_page_loc;         // nonzero: the page is the read cache's pair at this WAL location, not wal_page
    unsigned char wal_page_id[SV_ID_BYTES];  // the file id the sealed bytes were authenticated under
    const char *path;              // the file's name on disk, for fault messages (SQLite's or side_name)
    SvFile *next_main;             // SV_MAIN only: the list of open main files (Under another shim)
    char *side_name;               // SV_WAL, SV_JOURNAL: the name the file is stored under (format 2)
    // SV_MAIN only: byte ranges [start, end) this connection knows hold no sealed page because it made them
    // (see "Unwritten pages" below).
    sqlite3_int64 holes[SV_MAX_HOLES][2];
    int hole_count;
    sqlite3_int64 size_seen;       // SV_MAIN only: the largest file size this connection has seen or made
    int in_write;                  // SV_MAIN only: holds RESERVED or more (a rollback-mode write transaction)
    sqlite3_int64 tx_start;        // SV_MAIN only: the file's size when that transaction began, -1 when none
    unsigned char *tx_written;     // a bit per 512 bytes past tx_start this transaction wrote
    size_t tx_written_size;
    int tx_untracked;              // the bitmap could not grow: nothing past tx_start is trusted as unwritten
    int tx_pages;                  // pages this write transaction has written to the file
    // SV_MAIN only: pages of a new, larger page size being gathered from writes of the old one ("Page size
    // changes" below).
    struct SvStaged *staged;
    int staged_count, staged_cap;
    int relayout;                  // the page size a page 1 being gathered announces, 0 when none
    SvReadCache cache;             // SV_MAIN only: pages of the database and its WAL authenticated ("Read cache")
    // SV_WAL only: the first piece(s) of a page image SQLite split at a sync point ("WAL images in pieces").
    unsigned char *piece;
    sqlite3_int64 piece_off;       // the image's offset in the log, -1 when nothing is held
    int piece_have;                // bytes of it held, from its start
    // SV_WAL only: the page number this file last wrote into each frame header, by frame index, during the
    // connection's current WAL write lock ("Frames rewritten in place").
    uint32_t *frame_pgno;
    int frame_pgno_cap;
    uint32_t frame_pgno_locks;     // the main file's wal_write_locks when they were written
    uint32_t wal_write_locks;      // SV_MAIN only: times this connection took the WAL write lock
};

#define SV_ROUND8(n) (((n) + 7) & ~(size_t)7)

static const sqlite3_io_methods sv_io_methods;
static void sv_mains_remove(SvFile *p);
static int sv_read_relaid(SvFile *p, unsigned char *buf, int amt, sqlite3_int64 off, int layout);
static void sv_cache_written(SvFile *p, const unsigned char *sealed, const unsigned char *plain, int pgsz,
                             uint32_t pgno, sqlite3_int64 off);
static unsigned char *sv_cache_for_write(SvFile *p, const unsigned char *plain, int pgsz, uint32_t pgno,
                                         sqlite3_int64 off);
static char *sv_side_name(const char *name);
static uint64_t sv_cache_loc(int wal, sqlite3_int64 off);

static unsigned char *sv_scratch(SvFile *p, size_t n) {
    if (p->scratch_size < n) {
        unsigned char *s = sqlite3_realloc64(p->scratch, n);
        if (!s) return NULL;
        p->scratch = s;
        p->scratch_size = n;
    }
    return p->scratch;
}

// A fresh random nonce, drawn 128 at a time to keep system calls off the hot path.
static const unsigned char *sv_next_nonce(SvFile *p) {
    if (p->nonces_left == 0 || p->nonces_generation != sv_fork_generation) {
        // One 32-byte seed from the system CSPRNG, expanded by ChaCha20 (libsodium's deterministic
        // generator): libsodium asks the kernel for at most 256 bytes per call, 10 nonces.
        unsigned char seed[randombytes_SEEDBYTES];
        randombytes_buf(seed, sizeof seed);
        randombytes_buf_deterministic(p->nonces, sizeof p->nonces, seed);
        sodium_memzero(seed, sizeof seed);
        p->nonces_left = SV_NONCE_POOL;
        p->nonces_generation = sv_fork_generation;
    }
    p->nonces_left--;
    return p->nonces + (size_t)p->nonces_left * SV_NONCE_BYTES;
}

// Reports a fault through sqlite3_log (the server log), naming the file and the byte offset. Never a key
// or page content.
static void sv_fault(const SvFile *p, int rc, sqlite3_int64 off, const char *what) {
    sqlite3_log(rc, "sealedvfs: %s at offset %lld of %s", what, (long long)off, p->path ? p->path : "?");
#ifdef SEALEDVFS_TEST_HOOKS
    // Not under the crash VFS: its children's stderr is their error message, and it trashes writes on purpose.
    extern int sealedvfs_test_crash_vfs(void);
    if (getenv("SEALEDVFS_SUITE_LOG") && !sealedvfs_test_crash_vfs()) fprintf(stderr, "sealedvfs: %s at offset %lld of %s\n", what, (long long)off, p->path ? p->path : "?");
#endif
}

// A write the VFS will not make (it would put plaintext or an unsealable page on disk), logged.
static int sv_refuse(const SvFile *p, sqlite3_int64 off, const char *what) {
    sv_fault(p, SQLITE_IOERR_WRITE, off, what);
    return SQLITE_IOERR_WRITE;
}

static int sv_all_zero(const unsigned char *b, size_t n) {
    unsigned char acc = 0;
    for (size_t i = 0; i < n; i++) acc |= b[i];
    return acc == 0;
}

// ---------------------------------------------------------------------------------------------------------
// Unwritten pages.
//
// A sealed page is never all zeros and never missing: it always carries a tag. So a page that reads as
// zeros, or lies past the end of the file, is damage (a truncated file, a zeroed page), never a page of
// zeros handed to SQLite — except where no sealed page was ever written. SQLite meets such places when
// (docs/storage.md, "What the VFS relies on"):
// - a write transaction reads a page it appended to the file and did not write (rollback mode: the pager
//   reads any page up to its own database size, and a page it freed again may be left unwritten);
// - a write past the end of the file, or an xTruncate that grows it, leaves a hole of zeros inside it.
// The VFS trusts only what this connection did itself: it records those byte ranges ("holes") as it makes
// them and forgets each page of them the moment it writes a sealed page there. Another connection, or the
// same file after a reopen, sees the same zeros as damage: fail closed.

// Records [start, end) (end < 0: open-ended), merged with the ranges it touches.
static void sv_hole_add(SvFile *p, sqlite3_int64 start, sqlite3_int64 end) {
    if (end >= 0 && end <= start) return;
    for (int i = 0; i < p->hole_count; i++) {
        sqlite3_int64 a = p->holes[i][0], b = p->holes[i][1];
        if ((b >= 0 && b < start) || (end >= 0 && a > end)) continue;  // apart
        if (a < start) start = a;
        if (end >= 0 && (b < 0 || b > end)) end = b;
        p->hole_count--;
        p->holes[i][0] = p->holes[p->hole_count][0];
        p->holes[i][1] = p->holes[p->hole_count][1];
        i = -1;  // merged: look again
    }
    if (p->hole_count == SV_MAX_HOLES) return;  // not recorded: those zeros will read as damage (fail closed)
    p->holes[p->hole_count][0] = start;
    p->holes[p->hole_count][1] = end;
    p->hole_count++;
}

// Forgets [start, end): a sealed page was just written there.
static void sv_hole_fill(SvFile *p, sqlite3_int64 start, sqlite3_int64 end) {
    for (int i = 0; i < p->hole_count; i++) {
        sqlite3_int64 a = p->holes[i][0], b = p->holes[i][1];
        if ((b >= 0 && b <= start) || a >= end) continue;
        p->hole_count--;
        p->holes[i][0] = p->holes[p->hole_count][0];
        p->holes[i][1] = p->holes[p->hole_count][1];
        i--;
        sv_hole_add(p, a, start < a ? a : start);
        if (b < 0 || b > end) sv_hole_add(p, end, b);
    }
}

// A rollback-mode write transaction: everything past the file's size at its start is unwritten until it
// writes there. A bit per 512 bytes (the smallest page) records what it wrote, however scattered.
static void sv_tx_begin(SvFile *p, sqlite3_int64 size) {
    p->tx_start = size;
    p->tx_untracked = 0;
    p->tx_pages = 0;
    if (p->tx_written) memset(p->tx_written, 0, p->tx_written_size);
}

static void sv_tx_end(SvFile *p) { p->tx_start = -1; }

static void sv_tx_mark(SvFile *p, sqlite3_int64 off, sqlite3_int64 end) {
    if (p->tx_start < 0 || end <= p->tx_start) return;
    if (off < p->tx_start) off = p->tx_start;
    sqlite3_int64 first = (off - p->tx_start) / 512, last = (end - p->tx_start - 1) / 512;
    size_t need = (size_t)(last / 8) + 1;
    if (need > p->tx_written_size) {
        size_t size = p->tx_written_size ? p->tx_written_size : 1024;
        while (size < need) size *= 2;
        unsigned char *b = sqlite3_realloc64(p->tx_written, size);
        if (!b) {
            p->tx_untracked = 1;  // fail closed
            return;
        }
        memset(b + p->tx_written_size, 0, size - p->tx_written_size);
        p->tx_written = b;
        p->tx_written_size = size;
    }
    for (sqlite3_int64 u = first; u <= last; u++) p->tx_written[u / 8] |= (unsigned char)(1 << (u % 8));
}

static int sv_tx_unwritten(const SvFile *p, sqlite3_int64 off, sqlite3_int64 end) {
    if (p->tx_start < 0 || p->tx_untracked || off < p->tx_start) return 0;
    for (sqlite3_int64 u = (off - p->tx_start) / 512; u <= (end - p->tx_start - 1) / 512; u++) {
        if ((size_t)(u / 8) < p->tx_written_size && (p->tx_written[u / 8] & (1 << (u % 8)))) return 0;
    }
    return 1;
}

static int sv_in_hole(const SvFile *p, sqlite3_int64 start, sqlite3_int64 end) {
    if (sv_tx_unwritten(p, start, end)) return 1;
    for (int i = 0; i < p->hole_count; i++) {
        if (p->holes[i][0] <= start && (p->holes[i][1] < 0 || p->holes[i][1] >= end)) return 1;
    }
    return 0;
}

// ---------------------------------------------------------------------------------------------------------
// Checkpoint reuse.
//
// A checkpoint reads each page image from the WAL (sv_wal_read opens it: one decryption) and writes that
// very plaintext to the same page of the database file, which would seal it again (one encryption). But
// the frame's sealed bytes already are a sealing of that plaintext as that page of the database file: the
// associated data binds the format tag, the file id, the page number and, on page 1, header bytes 16-23,
// none of which depends on where the image lies, and a WAL frame is sealed with its database's key and
// file id. So the connection keeps the last page image it authenticated from its WAL, sealed and opened,
// and a database write of that page number whose plaintext is byte for byte the one authenticated writes
// the kept sealed bytes instead of sealing anew.
//
// Why this is exactly as safe as sealing:
// - Only bytes that authenticated are kept: they are copied from the very buffer sv_open_page checked,
//   never read from the file again, so a frame altered on disk after (or before) that read is never
//   written. A frame that fails authentication leaves nothing kept, and the read fails as before.
// - They are reused only for the same page number, page size and file id, and only when SQLite writes
//   exactly the plaintext they decrypt to (all of the page, reserved bytes included; page 1's bytes 16-23,
//   which are in the associated data, with it). Any difference, and the page is sealed afresh. The bytes
//   written are therefore the authentic ciphertext of exactly what SQLite writes; `verify` and every later
//   read check them like any other page.
// - The key cannot differ: a connection has one key for its database and WAL, fixed at open, and the file
//   id, once known, never changes for an open file.
// - The database page then carries the nonce its frame had rather than a new one. Both files hold the same
//   bytes for the same content under the same nonce, so nothing is encrypted twice under one nonce with
//   different content; what an observer learns (this frame became this page) the plaintext frame header's
//   page number already says.
// - The state belongs to one connection (its main file; its WAL file points at it), and SQLite never uses
//   one connection's files from two threads at once, so it needs no lock. It is one page (sealed and
//   plain, at most 2 x 64 KiB), wiped at close.

// Keeps the page image `pgno` just authenticated from the WAL: `sealed` as on disk, `plain` as opened.
static void sv_keep_wal_page(SvFile *db, const unsigned char *sealed, const unsigned char *plain, int pgsz,
                             uint32_t pgno) {
    if (db->wal_page_size != pgsz) {
        if (db->wal_page) {
            sodium_memzero(db->wal_page, 2 * (size_t)db->wal_page_size);
            sqlite3_free(db->wal_page);
        }
        db->wal_page = sqlite3_malloc64(2 * (sqlite3_uint64)pgsz);
        db->wal_page_size = db->wal_page ? pgsz : 0;
        if (!db->wal_page) return;  // no memory: nothing kept, pages are sealed as usual
    }
    memcpy(db->wal_page, sealed, (size_t)pgsz);
    memcpy(db->wal_page + pgsz, plain, (size_t)pgsz);
    memcpy(db->wal_page_id, db->file_id, SV_ID_BYTES);
    db->wal_page_pgno = pgno;
}

// The kept sealed bytes when they are a sealing of exactly `src` as page `pgno` of `db`, else NULL. When the
// read cache holds the page (wal_page_loc), its pair is the one kept: the same check, no copy.
static const unsigned char *sv_kept_wal_page(SvFile *db, const unsigned char *src, int pgsz, uint32_t pgno) {
    if (db->wal_page_loc) {
        if (db->wal_page_pgno != pgno || !db->has_file_id) return NULL;
        db->wal_page_pgno = 0;
        return sv_cache_sealing_of(&db->cache, db->wal_page_loc, pgno, db->file_id, src, pgsz);
    }
    if (db->wal_page_pgno != pgno || db->wal_page_size != pgsz || !db->has_file_id ||
        memcmp(db->wal_page_id, db->file_id, SV_ID_BYTES) != 0 || memcmp(db->wal_page + pgsz, src, (size_t)pgsz) != 0) {
        return NULL;
    }
    db->wal_page_pgno = 0;  // a checkpoint writes each page once
    return db->wal_page;
}

// Seals `src` as page `pgno` and writes it at `off` of `p`'s real file.
static int sv_write_sealed(SvFile *p, const unsigned char *src, int pgsz, uint32_t pgno, sqlite3_int64 off) {
    SvFile *db = p->db;
    if (pgno == 1) {
        if (src[20] != SEALEDVFS_RESERVE_BYTES || sv_header_page_size(src) != pgsz) {
            return sv_refuse(p, off, "page 1 without 40 reserved bytes, or not of its header's page size");
        }
        // SQLite rounds 512 up to 1024 when the reserve is asked for first, but writes 512-byte pages when
        // the page size was set first; it then refuses to open the file (usable size below 480).
        if (pgsz - SEALEDVFS_RESERVE_BYTES < 480) return sv_refuse(p, off, "512-byte pages leave too little room beside 40 reserved bytes");
        if (!db->has_file_id) {
            randombytes_buf(db->file_id, SV_ID_BYTES);
            db->has_file_id = 1;
        }
        db->header_ok = 1;
        db->page_size = pgsz;
        db->relayout = 0;
    } else if (!db->header_ok) {
        // Before page 1 is known, only a database being created may be written: a large VACUUM INTO spills
        // later pages before page 1. Its page 1 is still checked when it comes, so a file laid out without
        // the reserve never becomes a database; and every page is sealed either way.
        if (!db->is_new) return sv_refuse(p, off, "a page before any page 1 of an existing file");
        if (!db->has_file_id) {
            randombytes_buf(db->file_id, SV_ID_BYTES);
            db->has_file_id = 1;
        }
    }
    if (p->kind == SV_MAIN && db->wal_page_pgno) {
        uint64_t from = db->wal_page_loc;
        const unsigned char *kept = sv_kept_wal_page(db, src, pgsz, pgno);
        if (kept) {
            __atomic_add_fetch(&sv_pages_reused, 1, __ATOMIC_RELAXED);
            int rc = p->real->pMethods->xWrite(p->real, kept, pgsz, off);
            if (rc == SQLITE_OK) {
                // The same pair now lies in the database too, where SQLite reads the page after the checkpoint.
                if (from) sv_cache_move(&db->cache, from, sv_cache_loc(0, off));
                else sv_cache_written(p, kept, src, pgsz, pgno, off);
            }
            return rc;
        }
    }
    // Sealed straight into the read cache's slot when the page is to be held, else into scratch memory.
    unsigned char *slot = sv_cache_for_write(p, src, pgsz, pgno, off);
    unsigned char *out = slot ? slot : sv_scratch(p, (size_t)pgsz);
    if (!out) return SQLITE_IOERR_NOMEM;
    sv_seal(db->key, db->file_id, sv_next_nonce(p), src, out, pgsz, pgno);
    int rc = p->real->pMethods->xWrite(p->real, out, pgsz, off);
    if (slot && rc == SQLITE_OK) sv_cache_commit(&db->cache, sv_cache_loc(p->kind == SV_WAL, off), pgno, db->file_id, src);
    if (slot && rc != SQLITE_OK) sv_cache_drop(&db->cache, sv_cache_loc(p->kind == SV_WAL, off));
    return rc;
}

// Opens page `pgno` held in `src` into `dst`, recording what page 1 teaches about the database. `private_dst`
// as for sv_open.
static int sv_open_page_into(SvFile *p, const unsigned char *src, unsigned char *dst, int pgsz, uint32_t pgno,
                             int private_dst) {
    SvFile *db = p->db;
    if (pgno == 1 && sv_header_page_size(src) != pgsz) return 0;
    if (pgno != 1 && !db->has_file_id) {
        // A connection normally meets page 1 first; if not, the id is in the database file's first bytes.
        unsigned char h[24];
        if (db->real->pMethods->xRead(db->real, h, 24, 0) != SQLITE_OK || h[20] != SEALEDVFS_RESERVE_BYTES) return 0;
        memcpy(db->file_id, h, SV_ID_BYTES);
        db->has_file_id = 1;
    }
    if (!sv_open(db->key, db->file_id, &db->has_file_id, src, dst, pgsz, pgno, private_dst)) return 0;
    if (pgno == 1) {
        db->header_ok = 1;
        db->page_size = pgsz;
    }
    return 1;
}

static int sv_open_page(SvFile *p, const unsigned char *src, unsigned char *dst, int pgsz, uint32_t pgno) {
    return sv_open_page_into(p, src, dst, pgsz, pgno, 0);
}

// Read cache.
//
// SQLite's page cache is small by default (2 MB), so it reads the same pages again and again; the OS has
// them cached, and plain SQLite pays a copy, but each such read here costs a decryption (~4 us for 4 KiB).
// Each connection therefore keeps the last page images it authenticated (or sealed), keyed by where they lie
// (a database page's offset, or a WAL frame's), each as its sealed bytes and their opened plaintext,
// within a budget (SEALEDVFS_READ_CACHE_DEFAULT_KIB, sealedvfs_read_cache_set). Every read still reads
// the file; an entry answers it only when the bytes just read are byte for byte the sealed bytes it holds,
// under the same page number, page size and file id.
//
// Why this is exactly as safe as opening the page:
// - Opening is a function of the key, the associated data (format tag, file id, page number; on page 1
//   bytes 16-23, which are part of the bytes compared) and the sealed bytes. A connection's key never
//   changes; the file id and page number are compared. So a hit returns precisely what decrypting the
//   bytes on disk returns, and nothing when they do not authenticate: an entry is only made from bytes
//   that did (or that this connection sealed itself, from the plaintext it was given).
// - A page altered on disk (by an attacker, another connection or another process) differs from the held
//   bytes, misses, and is opened and checked as before: no coherence protocol is needed, and a stale entry
//   can never be served. A page put back with its old sealed bytes is authentic anyway (no freshness:
//   docs/storage.md), and opening it would give the same plaintext.
// - Memory then holds plaintext pages, as SQLite's own page cache does in the same process; the cache is
//   bounded, per connection (SQLite never uses one connection's files from two threads at once, so no
//   lock), and its plaintext halves are wiped with sodium_memzero when the connection closes.
// - Zeros, short reads and missing pages never reach it (Unwritten pages decides those first).
// - A page to be held is opened from the slot's copy of its sealed bytes into the slot's other half, which
//   only the VFS reads: unauthenticated bytes OpenSSL may leave there on a failure are wiped (sv_cache_drop)
//   and never reach SQLite's buffer, which stays untouched.
// - WAL frames this connection writes are held from the first write (the checkpoint reads them back); the
//   checkpoint's database write then moves the entry to the page's place in the database file, where the
//   same sealed bytes now lie.

static uint64_t sv_cache_loc(int wal, sqlite3_int64 off) { return ((uint64_t)off << 1) | (wal ? 1 : 0); }

// sv_open_page through the read cache: `loc` says where `src` was read (sv_cache_loc).
static int sv_open_page_cached(SvFile *p, uint64_t loc, const unsigned char *src, unsigned char *dst, int pgsz,
                               uint32_t pgno) {
    SvFile *db = p->db;
    if (db->has_file_id) {
        const unsigned char *plain = sv_cache_find(&db->cache, loc, pgno, db->file_id, src, pgsz);
        if (plain) {
            __atomic_add_fetch(&sv_cache_hits, 1, __ATOMIC_RELAXED);
            memcpy(dst, plain, (size_t)pgsz);
            if (pgno == 1) {  // what sv_open_page learns from page 1
                db->header_ok = 1;
                db->page_size = pgsz;
            }
            return 1;
        }
    }
    db->cache.misses++;
    unsigned char *slot = sv_cache_admit(&db->cache, loc) ? sv_cache_reserve(&db->cache, loc, pgsz) : NULL;
    if (!slot) return sv_open_page(p, src, dst, pgsz, pgno);
    // Opened from the slot's copy of the sealed bytes into its other half (the VFS's own memory, so the AEAD
    // may decrypt straight into it), then handed to SQLite: one copy fewer than opening in place and caching.
    memcpy(slot, src, (size_t)pgsz);
    if (!sv_open_page_into(p, slot, slot + pgsz, pgsz, pgno, 1)) {
        sv_cache_drop(&db->cache, loc);  // wipes what the failed opening left; `dst` untouched
        return 0;
    }
    memcpy(dst, slot + pgsz, (size_t)pgsz);
    sv_cache_commit(&db->cache, loc, pgno, db->file_id, NULL);
    return 1;
}

// Whether the read cache may hold `plain` (written as page `pgno` at `off` of `p`, the database or its WAL)
// beside its sealing: when it is exactly what opening the sealing gives (reserved bytes zero; page 1 with
// SQLite's magic string, as SQLite always writes it) and the place is one to hold. Drops what was held there
// otherwise.
static int sv_cache_takes_write(SvFile *p, const unsigned char *plain, int pgsz, uint32_t pgno, uint64_t loc) {
    static const unsigned char zeros[SEALEDVFS_RESERVE_BYTES];
    if (p->kind == SV_JOURNAL || !p->db->has_file_id) return 0;
    if (memcmp(plain + pgsz - SEALEDVFS_RESERVE_BYTES, zeros, SEALEDVFS_RESERVE_BYTES) != 0 ||
        (pgno == 1 && memcmp(plain, sv_sqlite_magic, SV_ID_BYTES) != 0)) {
        sv_cache_drop(&p->db->cache, loc);
        return 0;
    }
    // A WAL frame is held from its first write: the checkpoint that follows (this connection runs it, at
    // the autocheckpoint) reads it back, and so does the checksum pass over frames rewritten in place.
    return p->kind == SV_WAL || sv_cache_admit(&p->db->cache, loc);
}

// After `sealed` was written as page `pgno` at `off` of `p`: the read cache holds the pair when it may.
static void sv_cache_written(SvFile *p, const unsigned char *sealed, const unsigned char *plain, int pgsz,
                             uint32_t pgno, sqlite3_int64 off) {
    uint64_t loc = sv_cache_loc(p->kind == SV_WAL, off);
    if (sv_cache_takes_write(p, plain, pgsz, pgno, loc)) sv_cache_put(&p->db->cache, loc, pgno, p->db->file_id, sealed, plain, pgsz);
}

// Before `plain` is sealed and written as page `pgno` at `off` of `p`: the read cache's slot to seal it into
// when the cache may hold it (then sv_cache_commit after the write, or sv_cache_drop if it fails), else NULL.
static unsigned char *sv_cache_for_write(SvFile *p, const unsigned char *plain, int pgsz, uint32_t pgno,
                                         sqlite3_int64 off) {
    uint64_t loc = sv_cache_loc(p->kind == SV_WAL, off);
    return sv_cache_takes_write(p, plain, pgsz, pgno, loc) ? sv_cache_reserve(&p->db->cache, loc, pgsz) : NULL;
}

// A read that found no page, or only part of one, at `off`: zeros where this connection knows no sealed page
// was ever written (an empty file, or a hole it made: "Unwritten pages"), damage otherwise. A file cut
// short is never read as zeros: SQLite would take them for a page (in WAL mode it takes the database size
// from the log, not from the file).
static int sv_missing_page(SvFile *p, unsigned char *buf, int amt, sqlite3_int64 off) {
    sqlite3_int64 size = 0;
    memset(buf, 0, (size_t)amt);
    if (p->real->pMethods->xFileSize(p->real, &size) != SQLITE_OK) return SQLITE_IOERR_DATA;
    if (size <= off && (size == 0 || sv_in_hole(p, off, off + amt))) return SQLITE_IOERR_SHORT_READ;
    sv_fault(p, SQLITE_IOERR_DATA, off, size > off ? "a page cut short (file truncated?)" : "a page missing (file truncated?)");
    return SQLITE_IOERR_DATA;
}

// Page 1 failed authentication. Wrong key or damaged page 1? Page 2 tells (its file id is page 1's
// plaintext bytes 0-15): when it authenticates the key is right and page 1 is damaged (SQLITE_CORRUPT,
// "database disk image is malformed"); otherwise SQLITE_NOTADB, "file is not a database", as for any wrong
// key. A one-page database cannot tell the two apart and says NOTADB.
static int sv_page1_fault(SvFile *p, const unsigned char *h) {
    SvFile *db = p->db;
    int pgsz = sv_header_page_size(h);
    if (db == p && pgsz && h[20] == SEALEDVFS_RESERVE_BYTES) {
        unsigned char *page = sqlite3_malloc(pgsz);
        if (page) {
            unsigned char id[SV_ID_BYTES];
            int has_id = 1;
            memcpy(id, h, SV_ID_BYTES);
            int rc = p->real->pMethods->xRead(p->real, page, pgsz, pgsz);
            int ok = rc == SQLITE_OK && sv_open(db->key, id, &has_id, page, page, pgsz, 2, 0);
            sodium_memzero(page, (size_t)pgsz);
            sqlite3_free(page);
            if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;  // cannot tell: the I/O error it is
            if (ok) {
                sv_fault(p, SQLITE_CORRUPT, 0, "page 1 is damaged (page 2 authenticates: the key is right)");
                return SQLITE_CORRUPT;
            }
        }
    }
    sv_fault(p, SQLITE_NOTADB, 0, "page 1 does not authenticate (wrong key, or pages 1 and 2 damaged)");
    return SQLITE_NOTADB;
}

// The side file of main file `p` that SQLite names `<db><suffix>` ("-wal" or "-journal"), opened read-only
// through the root VFS under the name it is stored under (format 2); NULL when there is none. The root keeps
// the name pointer while the file is open: `*side` receives it, and sv_side_close frees both.
static sqlite3_file *sv_side_open(SvFile *p, const char *suffix, int kind_flag, char **side) {
    *side = NULL;
    if (p->db != p || !p->path) return NULL;
    char *sqlite_name = sqlite3_mprintf("%s%s", p->path, suffix);
    char *name = sqlite_name ? sv_side_name(sqlite_name) : NULL;
    sqlite3_free(sqlite_name);
    int exists = 0, flags = SQLITE_OPEN_READONLY | kind_flag;
    sqlite3_file *f = name ? sqlite3_malloc(sv_root->szOsFile) : NULL;
    if (f && sv_root->xAccess(sv_root, name, SQLITE_ACCESS_EXISTS, &exists) == SQLITE_OK && exists) {
        memset(f, 0, (size_t)sv_root->szOsFile);
        if (sv_root->xOpen(sv_root, name, f, flags, &flags) == SQLITE_OK) {
            *side = name;
            return f;
        }
    }
    sqlite3_free(f);
    sqlite3_free(name);
    return NULL;
}

static void sv_side_close(sqlite3_file *f, char *side) {
    if (f) {
        f->pMethods->xClose(f);
        sqlite3_free(f);
    }
    sqlite3_free(side);
}

// Page 1 torn in the file, intact in the WAL.
//
// A crash during a checkpoint can tear page 1 of the database file while the WAL still holds it whole
// (SQLite's walcrash-7 under the crash VFS). Plain SQLite opens such a database: it takes page 1 from the log.
// Here the file id, which every page's associated data names, is in page 1's first 16 bytes, so a torn page 1
// hid it. When page 1 of the file does not authenticate, the VFS looks in the WAL for the newest frame of
// page 1 that authenticates under this connection's key, with the file id that frame itself carries, and
// adopts that id and that page for the header SQLite reads at open. A wrong key authenticates no frame and
// the open fails as before; nothing is written. Returns 1 and fills `out` (pgsz bytes) when found.
static int sv_page1_from_wal(SvFile *p, unsigned char *out, int *out_pgsz) {
    SvFile *db = p->db;
    char *side = NULL;
    int found = 0;
    sqlite3_file *wal = sv_side_open(p, "-wal", SQLITE_OPEN_WAL, &side);
    unsigned char h[SV_WAL_HDR];
    sqlite3_int64 size = 0;
    if (wal && wal->pMethods->xRead(wal, h, SV_WAL_HDR, 0) == SQLITE_OK && wal->pMethods->xFileSize(wal, &size) == SQLITE_OK &&
        sv_is_page_size(sv_get32(h + 8))) {
        int pgsz = (int)sv_get32(h + 8);
        unsigned char *frame = sqlite3_malloc(pgsz + SV_FRAME_HDR);
        for (sqlite3_int64 off = SV_WAL_HDR; frame && off + SV_FRAME_HDR + pgsz <= size; off += SV_FRAME_HDR + pgsz) {
            if (wal->pMethods->xRead(wal, frame, SV_FRAME_HDR + pgsz, off) != SQLITE_OK) break;
            if (memcmp(frame + 8, h + 16, 8) != 0) break;  // another salt: the log ends here
            if (sv_get32(frame) != 1) continue;
            unsigned char id[SV_ID_BYTES];
            int has_id = 0;
            if (sv_open(db->key, id, &has_id, frame + SV_FRAME_HDR, frame + SV_FRAME_HDR, pgsz, 1, 0)) {
                memcpy(out, frame + SV_FRAME_HDR, (size_t)pgsz);
                memcpy(db->file_id, id, SV_ID_BYTES);
                db->has_file_id = 1;
                *out_pgsz = pgsz;
                found = 1;
            }
        }
        if (frame) {
            sodium_memzero(frame, (size_t)pgsz + SV_FRAME_HDR);
            sqlite3_free(frame);
        }
    }
    sv_side_close(wal, side);
    if (found) sv_fault(p, SQLITE_OK, 0, "page 1 does not authenticate; the WAL holds it whole, which is used");
    return found;
}

// Page 1 torn in the file, its old image in a hot rollback journal.
//
// Rollback mode overwrites page 1 in place once the journal holding its old image is synced, so a power loss
// can tear it (SQLite's crash2, 3, 4, 6 and 7 under the crash VFS). Plain SQLite reads the header (100 bytes
// at offset 0, before any lock: btree.c, sqlite3BtreeOpen; it takes only the page size and reserve from it),
// then finds the hot journal at its first lock and plays it back, which rewrites page 1. Here that header
// read failed authentication and ended the open first. So at that read, when a hot journal is beside the file
// and holds a record of page 1 that authenticates under this connection's key, the VFS answers the header
// read from that record and adopts its file id: SQLite then rolls back as plain SQLite does.
//
// Why this cannot be abused:
// - Only authenticated bytes are handed over (the page 1 the rollback is about to write back), and only the
//   header read: every other read of page 1 still reads the file. If SQLite does not roll back after all
//   (the journal is not hot), its full read of page 1 fails as before.
// - A wrong key authenticates no record, so nothing is handed over: the open fails at that read, before
//   SQLite has looked for the journal, and neither file is written. This matters: the rollback truncates the
//   file to the journal's original size before it reads the first record (pager.c, pager_playback), so
//   zeros (what a page 1 never written gets, below) would let a wrong key cut the file.
// - One journal needs no record: a first header saying the file was empty before the transaction (original
//   size 0, so no page is journaled; a new database whose first transaction wrote page 1 and was torn,
//   SQLite's crash4). The rollback then empties the file and writes nothing else, under any key, and SQLite
//   does the same beside an authentic page 1 (that header is SQLite's plaintext, never authenticated). So
//   the header read gets zeros, as for a page 1 never written: SQLite learns nothing from them, and the
//   database is new again. A wrong key meets the same, because the right key would: the file held nothing
//   committed, by the journal's word, and whoever can write that word can truncate the file themselves.
// - A record authenticates only if someone with the key wrote it for a file of that file id. A journal put
//   beside the file by someone who can write the folder (an old one of this file, or one of another file
//   under the same key) is a version of the data the key already vouches for: that person could put back
//   the whole old file, or the other file, just as well (no freshness: docs/storage.md). Where the torn
//   page 1 still shows its file id (the tear missed its first bytes), the record must carry the same.
// The journal is read as pager_playback reads it: headers at multiples of the sector size, each with the
// magic and a record count, records of pgno (4) ‖ page ‖ checksum (4).
static const unsigned char sv_journal_magic[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};

// Fills `out` with the header (`amt` bytes) of the page-1 record of `p`'s hot journal when one authenticates
// (its file id equal to `id`, unless `id` is NULL), adopting that record's file id, or with zeros when the
// journal's original size is 0; returns 1 then.
static int sv_page1_from_journal(SvFile *p, const unsigned char *id, unsigned char *out, int amt) {
    SvFile *db = p->db;
    char *side = NULL;
    int found = 0, present = 0, seen = 0;
    unsigned char magic[16];
    if (p->real->pMethods->xRead(p->real, magic, 16, 0) != SQLITE_OK || memcmp(magic, sv_sqlite_magic, 16) == 0) {
        return 0;  // a plain database (or unreadable): its journal is never this VFS's to play back
    }
    sqlite3_file *jf = sv_side_open(p, "-journal", SQLITE_OPEN_MAIN_JOURNAL, &side);
    unsigned char h[28];
    sqlite3_int64 size = 0;
    if (jf && jf->pMethods->xFileSize(jf, &size) == SQLITE_OK && jf->pMethods->xRead(jf, h, sizeof h, 0) == SQLITE_OK &&
        memcmp(h, sv_journal_magic, 8) == 0) {
        present = 1;
        uint32_t sector = sv_get32(h + 20), pgsz = sv_get32(h + 24);
        int valid = sector >= 32 && sector <= SV_MAX_PAGE && !(sector & (sector - 1)) && sv_is_page_size(pgsz);
        if (valid && sv_get32(h + 16) == 0) {  // the file was empty: the rollback empties it
            memset(out, 0, (size_t)amt);
            found = seen = 2;
        }
        unsigned char *page = valid && !seen ? sqlite3_malloc((int)pgsz) : NULL;
        sqlite3_int64 hdr = 0;  // offset of the segment header being read
        while (page && !seen && hdr + sector <= size) {
            unsigned char seg[12];
            if (jf->pMethods->xRead(jf, seg, sizeof seg, hdr) != SQLITE_OK || memcmp(seg, sv_journal_magic, 8) != 0) break;
            uint32_t n = sv_get32(seg + 8);
            sqlite3_int64 rec = hdr + sector, recsz = (sqlite3_int64)pgsz + 8;
            if (n == 0xffffffff && hdr == 0) n = (uint32_t)((size - rec) / recsz);  // a journal written without syncs
            for (uint32_t i = 0; i < n && rec + recsz <= size; i++, rec += recsz) {
                unsigned char no[4];
                if (jf->pMethods->xRead(jf, no, 4, rec) != SQLITE_OK || sv_get32(no) == 0) break;
                if (sv_get32(no) != 1) continue;
                seen = 1;  // a page is journaled once per transaction: this record decides
                unsigned char rid[SV_ID_BYTES];
                int has_id = id != NULL;
                if (id) memcpy(rid, id, SV_ID_BYTES);
                found = jf->pMethods->xRead(jf, page, (int)pgsz, rec + 4) == SQLITE_OK && sv_header_page_size(page) == (int)pgsz &&
                        sv_open(db->key, rid, &has_id, page, page, (int)pgsz, 1, 0);
                if (found) {
                    memcpy(out, page, (size_t)amt);
                    memcpy(db->file_id, rid, SV_ID_BYTES);
                    db->has_file_id = 1;
                    db->header_ok = 1;  // an authentic page 1: the rollback may write pages before it reaches page 1
                    db->page_size = (int)pgsz;
                }
                break;
            }
            hdr = rec + sector - 1 - (rec - 1) % sector;  // the next multiple of the sector size (journalHdrOffset)
        }
        if (page) {
            sodium_memzero(page, pgsz);
            sqlite3_free(page);
        }
    }
    sv_side_close(jf, side);
    if (found == 2) sv_fault(p, SQLITE_OK, 0, "page 1 does not authenticate; the hot journal empties the file (a new database)");
    else if (found) sv_fault(p, SQLITE_OK, 0, "page 1 does not authenticate; the hot journal holds it whole and rolls it back");
    else if (present) sv_fault(p, SQLITE_NOTADB, 0, "page 1 does not authenticate, nor the hot journal's page 1 (wrong key?)");
    return found;
}

// Page 1 read with another page size than its header announces (`pgsz`): a connection whose pager still has
// its default size because it opened before the file was created reads it once that way, then takes the
// size from the header and reads again. Plain SQLite hands over the first `amt` bytes of the file; so does
// this, authenticated: page 1 opened at its own size, and the whole pages after it that `amt` covers.
static int sv_read_resized_page1(SvFile *p, unsigned char *buf, int amt, int pgsz) {
    unsigned char *page = sv_scratch(p, (size_t)pgsz);
    if (!page) return SQLITE_IOERR_NOMEM;
    for (sqlite3_int64 o = 0; o < amt; o += pgsz) {
        int n = amt - o < pgsz ? (int)(amt - o) : pgsz;
        int rc = p->real->pMethods->xRead(p->real, page, pgsz, o);
        if (rc == SQLITE_IOERR_SHORT_READ && o > 0) {
            memset(buf + o, 0, (size_t)(amt - o));  // past the end, as plain SQLite would read it
            return SQLITE_IOERR_SHORT_READ;
        }
        if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) {  // an I/O error is that, never "damaged"
            memset(buf, 0, (size_t)amt);
            return rc;
        }
        if (rc != SQLITE_OK || !sv_open_page(p, page, page, pgsz, (uint32_t)(o / pgsz) + 1)) {
            memset(buf, 0, (size_t)amt);
            if (o == 0) return sv_page1_fault(p, page);
            sv_fault(p, SQLITE_IOERR_DATA, o, "a page does not authenticate");
            return SQLITE_IOERR_DATA;
        }
        memcpy(buf + o, page, (size_t)n);
    }
    return SQLITE_OK;
}

static int sv_main_read(SvFile *p, unsigned char *buf, int amt, sqlite3_int64 off) {
    if (sv_is_page_size(amt) && off % amt == 0) {
        int layout = p->relayout ? p->relayout : p->page_size;
        if (off > 0 && layout && layout != amt) return sv_read_relaid(p, buf, amt, off, layout);
        // A whole page, opened in place.
        int rc = p->real->pMethods->xRead(p->real, buf, amt, off);
        int sealed_header = buf[20] == SEALEDVFS_RESERVE_BYTES && sv_header_page_size(buf);
        sqlite3_int64 size = 0;
        if (rc == SQLITE_IOERR_SHORT_READ && off == 0 && !sealed_header &&
            p->real->pMethods->xFileSize(p->real, &size) == SQLITE_OK && size > 0) {
            // A file shorter than a page that does not start with a sealed header (a foreign file of a few
            // bytes): not a database, as plain SQLite says, rather than a sealed page cut short.
            memset(buf, 0, (size_t)amt);
            sv_fault(p, SQLITE_NOTADB, 0, "not a sealed database (no sealed header)");
            return SQLITE_NOTADB;
        }
        if (rc == SQLITE_IOERR_SHORT_READ && !(off == 0 && sealed_header && sv_header_page_size(buf) < amt)) {
            return sv_missing_page(p, buf, amt, off);
        }
        if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
        uint32_t pgno = (uint32_t)(off / amt) + 1;
        if (pgno == 1 && sv_header_page_size(buf) && sv_header_page_size(buf) != amt && buf[20] == SEALEDVFS_RESERVE_BYTES) {
            return sv_read_resized_page1(p, buf, amt, sv_header_page_size(buf));
        }
        if (!sv_open_page_cached(p, sv_cache_loc(0, off), buf, buf, amt, pgno)) {
            if (sv_all_zero(buf, (size_t)amt) && sv_in_hole(p, off, off + amt)) return SQLITE_OK;  // Unwritten pages
            unsigned char h[24];
            memcpy(h, buf, sizeof h);
            memset(buf, 0, (size_t)amt);
            if (pgno == 1) return sv_page1_fault(p, h);
            sv_fault(p, SQLITE_IOERR_DATA, off, "a page does not authenticate");
            return SQLITE_IOERR_DATA;
        }
        return SQLITE_OK;
    }
    // A slice of one page (SQLite reads parts of page 1 at open and at each transaction): read the whole
    // page, open it, copy the slice. The page size is taken from the header each time: another connection
    // may have changed it (VACUUM) since this one last looked.
    {
        unsigned char h[24];
        int rc = p->real->pMethods->xRead(p->real, h, 24, 0);
        if (rc == SQLITE_IOERR_SHORT_READ) {  // an empty file: no database yet
            memset(buf, 0, (size_t)amt);
            return rc;
        }
        if (rc != SQLITE_OK) return rc;
        if (sv_all_zero(h, sizeof h) && off == 0) {
            // A page 1 never written: a new database's first transaction spilled later pages and was
            // interrupted. SQLite learns nothing from zeros and rolls its hot journal back; without one,
            // its full read of page 1 that follows fails authentication as usual.
            memset(buf, 0, (size_t)amt);
            return SQLITE_OK;
        }
        int pgsz = sv_header_page_size(h);
        if (!pgsz || h[20] != SEALEDVFS_RESERVE_BYTES) {
            int walsz = 0;
            unsigned char *page = sv_scratch(p, SV_MAX_PAGE);
            if (off == 0 && page && sv_page1_from_wal(p, page, &walsz) && amt <= walsz) {  // Page 1 torn in the file
                memcpy(buf, page, (size_t)amt);
                return SQLITE_OK;
            }
            if (off == 0 && amt <= 100 && sv_page1_from_journal(p, NULL, buf, amt)) return SQLITE_OK;  // ... a hot journal
            return SQLITE_NOTADB;
        }
        p->page_size = pgsz;
    }
    int pgsz = p->page_size;
    sqlite3_int64 first = off / pgsz;
    if ((off + amt - 1) / pgsz != first) return SQLITE_IOERR_READ;
    unsigned char *page = sv_scratch(p, (size_t)pgsz);
    if (!page) return SQLITE_IOERR_NOMEM;
    int rc = p->real->pMethods->xRead(p->real, page, pgsz, first * pgsz);
    if (rc == SQLITE_IOERR_SHORT_READ) {
        if (first == 0) {
            memset(buf, 0, (size_t)amt);
            sv_fault(p, SQLITE_NOTADB, 0, "page 1 cut short");
            return SQLITE_NOTADB;
        }
        return sv_missing_page(p, buf, amt, off);
    }
    if (rc != SQLITE_OK) return rc;
    if (!sv_open_page_cached(p, sv_cache_loc(0, first * pgsz), page, page, pgsz, (uint32_t)first + 1)) {
        memset(buf, 0, (size_t)amt);
        int walsz = 0;
        if (first == 0 && off + amt <= pgsz) {
            unsigned char h[24];
            memcpy(h, page, sizeof h);
            unsigned char *whole = sqlite3_malloc(SV_MAX_PAGE);
            int ok = whole && sv_page1_from_wal(p, whole, &walsz) && off + amt <= walsz;  // Page 1 torn in the file
            if (ok) memcpy(buf, whole + off, (size_t)amt);
            if (whole) {
                sodium_memzero(whole, SV_MAX_PAGE);
                sqlite3_free(whole);
            }
            if (ok) return SQLITE_OK;
            if (off == 0 && amt <= 100 && sv_page1_from_journal(p, h, buf, amt)) return SQLITE_OK;  // ... a hot journal
            return sv_page1_fault(p, h);
        }
        if (first == 0) return sv_page1_fault(p, page);
#ifdef SEALEDVFS_TEST_HOOKS
        // SQLite's crash VFS (suite only) copies the whole file into memory when it opens it, 512 bytes at a
        // time, and serves every later read from that copy. A crash can leave all-zero pages past the end of
        // the database that SQLite itself never reads (savepoint4); refusing them would fail every open of the
        // child. They load as zeros here; the parent, which opens without the crash VFS, reads and checks
        // every page the database uses. Never in the product build.
        extern int sealedvfs_test_crash_vfs(void);
        if (sealedvfs_test_crash_vfs() && sv_all_zero(page, (size_t)pgsz)) return SQLITE_OK;  // buf is zeros
#endif
        sv_fault(p, SQLITE_IOERR_DATA, first * pgsz, "a page does not authenticate");
        return SQLITE_IOERR_DATA;
    }
    memcpy(buf, page + (off - first * pgsz), (size_t)amt);
    return SQLITE_OK;
}

// The start of a page image smaller than the log's page size: a connection whose pager has another page size
// (it opened before the file was created) reads page 1 from the log once that way (wal.c reads at most its
// own size of a frame). Opened whole at the log's page size, the first `amt` bytes returned.
static int sv_wal_read_slice(SvFile *p, unsigned char *buf, int amt, sqlite3_int64 off) {
    unsigned char h[SV_WAL_HDR];
    if (p->real->pMethods->xRead(p->real, h, SV_WAL_HDR, 0) != SQLITE_OK) return SQLITE_IOERR_READ;
    sqlite3_int64 pgsz = sv_get32(h + 8);
    if (!sv_is_page_size(pgsz) || amt >= pgsz || off < SV_WAL_HDR || (off - SV_WAL_HDR) % (pgsz + SV_FRAME_HDR) != SV_FRAME_HDR) {
        return SQLITE_IOERR_READ;
    }
    unsigned char *frame = sv_scratch(p, (size_t)pgsz + SV_FRAME_HDR);
    if (!frame) return SQLITE_IOERR_NOMEM;
    int rc = p->real->pMethods->xRead(p->real, frame, (int)pgsz + SV_FRAME_HDR, off - SV_FRAME_HDR);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) {
        memset(buf, 0, (size_t)amt);
        return rc;
    }
    if (rc != SQLITE_OK || !sv_open_page(p, frame + SV_FRAME_HDR, frame + SV_FRAME_HDR, (int)pgsz, sv_get32(frame))) {
        memset(buf, 0, (size_t)amt);
        sv_fault(p, SQLITE_IOERR_DATA, off, "a WAL frame does not authenticate");
        return SQLITE_IOERR_DATA;
    }
    memcpy(buf, frame + SV_FRAME_HDR, (size_t)amt);
    return SQLITE_OK;
}

// The log's page size from its header (read once per open file, kept up to date as the header is written),
// or 0 while the log has no header.
static int sv_wal_page_size(SvFile *p) {
    if (!p->page_size) {
        unsigned char h[SV_WAL_HDR];
        if (p->real->pMethods->xRead(p->real, h, SV_WAL_HDR, 0) == SQLITE_OK && sv_is_page_size(sv_get32(h + 8))) {
            p->page_size = (int)sv_get32(h + 8);
        }
    }
    return p->page_size;
}

static int sv_wal_read(SvFile *p, unsigned char *buf, int amt, sqlite3_int64 off) {
    int walsz = sv_wal_page_size(p);
    if (walsz && amt < walsz && amt > SV_WAL_HDR) return sv_wal_read_slice(p, buf, amt, off);
    if (off >= SV_WAL_HDR && sv_is_page_size(amt) && (off - SV_WAL_HDR) % (amt + SV_FRAME_HDR) == SV_FRAME_HDR) {
        // A page image: read its frame header along with it to learn the page number. A checkpoint reads
        // frames this way, so the image is kept for the database write that follows (Checkpoint reuse).
        p->db->wal_page_pgno = 0;
        unsigned char *frame = sv_scratch(p, (size_t)amt + SV_FRAME_HDR);
        if (!frame) return SQLITE_IOERR_NOMEM;
        int rc = p->real->pMethods->xRead(p->real, frame, amt + SV_FRAME_HDR, off - SV_FRAME_HDR);
        if (rc != SQLITE_OK) {
            memset(buf, 0, (size_t)amt);
            return rc == SQLITE_IOERR_SHORT_READ ? SQLITE_IOERR_DATA : rc;  // SQLite only reads frames it indexed
        }
        uint32_t pgno = sv_get32(frame);
        if (!sv_open_page_cached(p, sv_cache_loc(1, off), frame + SV_FRAME_HDR, buf, amt, pgno)) {
            memset(buf, 0, (size_t)amt);
            sv_fault(p, SQLITE_IOERR_DATA, off, "a WAL frame does not authenticate");
            return SQLITE_IOERR_DATA;
        }
        uint64_t loc = sv_cache_loc(1, off);
        if (sv_cache_holds(&p->db->cache, loc)) {
            p->db->wal_page_loc = loc;  // Checkpoint reuse takes the read cache's pair
            p->db->wal_page_pgno = pgno;
        } else {
            p->db->wal_page_loc = 0;
            sv_keep_wal_page(p->db, frame + SV_FRAME_HDR, buf, amt, pgno);
        }
        return SQLITE_OK;
    }
    if (off >= SV_WAL_HDR && sv_is_page_size(amt - SV_FRAME_HDR) && (off - SV_WAL_HDR) % amt == 0) {
        // A whole frame, as recovery and checksum rewriting read them. An unauthentic frame must end recovery
        // there, as a torn tail does after a crash. Zeroing its image is not enough: SQLite checksums the
        // plaintext, and a torn frame whose page was all zeros would still match. So its salt is changed as
        // well: recovery compares a frame's salt with the log header's before anything else and stops at
        // the first that differs, whatever the image (wal.c, walDecodeFrame).
        int rc = p->real->pMethods->xRead(p->real, buf, amt, off);
        if (rc != SQLITE_OK) return rc;
        int pgsz = amt - SV_FRAME_HDR;
        if (!sv_open_page_cached(p, sv_cache_loc(1, off + SV_FRAME_HDR), buf + SV_FRAME_HDR, buf + SV_FRAME_HDR, pgsz,
                                 sv_get32(buf))) {
            memset(buf + SV_FRAME_HDR, 0, (size_t)pgsz);
            buf[8] ^= 0xff;  // salt-1: never the header's
            sv_fault(p, SQLITE_IOERR_DATA, off, "a WAL frame does not authenticate; the log ends before it");
        }
        return SQLITE_OK;
    }
    if (amt <= SV_WAL_HDR) return p->real->pMethods->xRead(p->real, buf, amt, off);  // headers only
    return sv_wal_read_slice(p, buf, amt, off);
}

// WAL images in pieces.
//
// Without power-safe overwrite (a shim above this VFS, such as SQLite's devsym or testvfs, may take it away;
// this VFS reports it on its own files), SQLite pads a commit to the next sector boundary with copies of its
// commit frame and splits the copy that crosses the boundary: the part before it, a sync, the rest
// (wal.c, walWriteToLog; docs/storage.md, "What the VFS relies on"). A piece of an image cannot be sealed, so
// the VFS holds the pieces of one image in memory, in order from its start, and seals and writes the image
// when the last piece arrives. The sync in between finds that copy not yet on disk. Nothing is lost: the sync
// is there for the frames before the boundary, the commit frame among them, which are whole and written; the
// copy after it is padding, and a crash before its rest arrives leaves a torn tail that recovery ignores, as
// it would the torn copy. Pieces of frame headers (plaintext by design) are written as they come.

// Where the image containing `off` starts, or -1 when `off` is not inside a page image of the log.
static sqlite3_int64 sv_wal_image_start(int pgsz, sqlite3_int64 off) {
    if (!pgsz || off < SV_WAL_HDR) return -1;
    sqlite3_int64 in = (off - SV_WAL_HDR) % (pgsz + SV_FRAME_HDR);
    return in < SV_FRAME_HDR ? -1 : off - (in - SV_FRAME_HDR);
}

static int sv_wal_write(SvFile *p, const unsigned char *buf, int amt, sqlite3_int64 off);

static void sv_wal_piece_drop(SvFile *p) {
    if (p->piece) sodium_memzero(p->piece, (size_t)p->piece_have);
    p->piece_off = -1;
    p->piece_have = 0;
}

// A write of part of one page image at `off` (inside the image starting at `start`).
static int sv_wal_write_piece(SvFile *p, const unsigned char *buf, int amt, sqlite3_int64 off, sqlite3_int64 start) {
    int pgsz = p->page_size;
    if (off + amt > start + pgsz) return sv_refuse(p, off, "a write across WAL page images");
    if (off == start) {
        sv_wal_piece_drop(p);
        if (!p->piece && !(p->piece = sqlite3_malloc(SV_MAX_PAGE))) return SQLITE_IOERR_NOMEM;
        p->piece_off = start;
    } else if (p->piece_off != start || off != start + p->piece_have) {
        return sv_refuse(p, off, "a piece of a WAL page image out of order");
    }
    memcpy(p->piece + (off - start), buf, (size_t)amt);
    p->piece_have += amt;
    if (p->piece_have < pgsz) return SQLITE_OK;  // the rest follows (after a sync)
    int rc = sv_wal_write(p, p->piece, pgsz, start);
    sv_wal_piece_drop(p);
    return rc;
}

// Frames rewritten in place.
//
// A transaction that writes a page again which it already put in the log (after a spill, or at its commit)
// overwrites that frame's image in place, without its header, and fixes the checksums afterwards (wal.c,
// sqlite3WalFrames, walRewriteChecksums). The image is sealed under the page number in the header on disk.
// Rather than read those 4 bytes back for each such write, the WAL file remembers the page number it wrote
// into each frame header while the connection holds the WAL write lock: SQLite rewrites in place only frames
// of its own current write transaction, whose headers it wrote under that lock (a write lock of another
// round, or a log restarted from its header, forgets them all). Anything not remembered is read from disk as
// before. Were a remembered number ever wrong, the page would be sealed under another page number than its
// header names and fail authentication when read: an error, never another page's content.

// The page number of the frame whose header lies at `hdr_off`, as this file wrote it, or 0 when not known.
static uint32_t sv_frame_pgno(SvFile *p, sqlite3_int64 hdr_off, int pgsz) {
    if (p->frame_pgno_locks != p->db->wal_write_locks || hdr_off < SV_WAL_HDR) return 0;
    sqlite3_int64 i = (hdr_off - SV_WAL_HDR) / (pgsz + SV_FRAME_HDR);
    if ((hdr_off - SV_WAL_HDR) % (pgsz + SV_FRAME_HDR) != 0 || i >= p->frame_pgno_cap) return 0;
    return p->frame_pgno[i];
}

static void sv_frame_pgno_forget(SvFile *p) {
    if (p->frame_pgno) memset(p->frame_pgno, 0, (size_t)p->frame_pgno_cap * sizeof *p->frame_pgno);
}

// Remembers `pgno` as written into the frame header at `hdr_off` (best effort: without memory, nothing).
static void sv_frame_pgno_note(SvFile *p, sqlite3_int64 hdr_off, uint32_t pgno) {
    int pgsz = sv_wal_page_size(p);
    if (!pgsz || hdr_off < SV_WAL_HDR || (hdr_off - SV_WAL_HDR) % (pgsz + SV_FRAME_HDR) != 0) return;
    if (p->frame_pgno_locks != p->db->wal_write_locks) {
        sv_frame_pgno_forget(p);
        p->frame_pgno_locks = p->db->wal_write_locks;
    }
    sqlite3_int64 i = (hdr_off - SV_WAL_HDR) / (pgsz + SV_FRAME_HDR);
    if (i >= (1 << 24)) return;
    if (i >= p->frame_pgno_cap) {
        int cap = p->frame_pgno_cap ? p->frame_pgno_cap : 1024;
        while (cap <= i) cap *= 2;
        uint32_t *n = sqlite3_realloc64(p->frame_pgno, (sqlite3_uint64)cap * sizeof *n);
        if (!n) return;
        memset(n + p->frame_pgno_cap, 0, (size_t)(cap - p->frame_pgno_cap) * sizeof *n);
        p->frame_pgno = n;
        p->frame_pgno_cap = cap;
    }
    p->frame_pgno[i] = pgno;
}

static int sv_wal_write(SvFile *p, const unsigned char *buf, int amt, sqlite3_int64 off) {
    if (off >= SV_WAL_HDR && sv_is_page_size(amt) && (off - SV_WAL_HDR) % (amt + SV_FRAME_HDR) == SV_FRAME_HDR) {
        uint32_t pgno;
        if (p->mark_off == off - SV_FRAME_HDR) {
            pgno = p->mark_pgno;
        } else if (amt == p->page_size && (pgno = sv_frame_pgno(p, off - SV_FRAME_HDR, amt)) != 0) {
            // Frames rewritten in place: the header this file wrote there under the current write lock.
        } else {
            // A page rewritten in place within a transaction: its header is already on disk.
            unsigned char h[4];
            int rc = p->real->pMethods->xRead(p->real, h, 4, off - SV_FRAME_HDR);
            if (rc != SQLITE_OK) return SQLITE_IOERR_WRITE;
            pgno = sv_get32(h);
        }
        if (pgno == 0) return SQLITE_IOERR_WRITE;
        // SQLite checksums the page as it holds it; pages it got from this VFS have zero reserved bytes, and
        // recovery will see zeros there. A page with anything else (copied in from elsewhere) is refused.
        static const unsigned char zeros[SEALEDVFS_RESERVE_BYTES];
        if (memcmp(buf + amt - SEALEDVFS_RESERVE_BYTES, zeros, SEALEDVFS_RESERVE_BYTES) != 0) {
            return sv_refuse(p, off, "a page image whose reserved bytes are not zero");
        }
        return sv_write_sealed(p, buf, amt, pgno, off);
    }
    if (amt == SV_FRAME_HDR && off >= SV_WAL_HDR) {
        p->mark_off = off;
        p->mark_pgno = sv_get32(buf);
        int rc = p->real->pMethods->xWrite(p->real, buf, amt, off);
        if (rc == SQLITE_OK) {
            sv_frame_pgno_note(p, off, p->mark_pgno);
        } else {
            sv_frame_pgno_forget(p);  // the header on disk is unknown
        }
        return rc;
    }
    if (off == 0 && amt == SV_WAL_HDR) {
        sv_frame_pgno_forget(p);  // a new log: its frames follow
        if (sv_is_page_size(sv_get32(buf + 8))) p->page_size = (int)sv_get32(buf + 8);
        return p->real->pMethods->xWrite(p->real, buf, amt, off);
    }
    int pgsz = sv_wal_page_size(p);
    sqlite3_int64 start = sv_wal_image_start(pgsz, off);
    if (start >= 0 && amt < pgsz) return sv_wal_write_piece(p, buf, amt, off, start);  // WAL images in pieces
    if (start < 0 && pgsz && off >= SV_WAL_HDR && sv_wal_image_start(pgsz, off + amt - 1) < 0 &&
        (off - SV_WAL_HDR) / (pgsz + SV_FRAME_HDR) == (off + amt - 1 - SV_WAL_HDR) / (pgsz + SV_FRAME_HDR)) {
        return p->real->pMethods->xWrite(p->real, buf, amt, off);  // a piece of one frame header: plaintext
    }
    return sv_refuse(p, off, "a write that is not a whole page image");  // it would be plaintext on disk
}

static int sv_journal_read(SvFile *p, unsigned char *buf, int amt, sqlite3_int64 off) {
    if (sv_is_page_size(amt) && p->read_mark_off >= 0 && off == p->read_mark_off + 4) {
        int rc = p->real->pMethods->xRead(p->real, buf, amt, off);
        if (rc != SQLITE_OK) return rc;
        if (!sv_open_page(p, buf, buf, amt, p->read_mark_pgno)) {
            memset(buf, 0, (size_t)amt);
            sv_fault(p, SQLITE_IOERR_DATA, off, "a journal record does not authenticate; rollback stopped");
            return SQLITE_IOERR_DATA;  // never roll back with data that is not authentic
        }
        return SQLITE_OK;
    }
    int rc = p->real->pMethods->xRead(p->real, buf, amt, off);
    if (amt == 4 && rc == SQLITE_OK) {
        p->read_mark_off = off;
        p->read_mark_pgno = sv_get32(buf);
    } else {
        p->read_mark_off = -1;
    }
    return rc;
}

static int sv_journal_write(SvFile *p, const unsigned char *buf, int amt, sqlite3_int64 off) {
    // The page number SQLite writes before a super-journal name is that of the lock-byte page, which never
    // holds data: a name of 512, 1024… bytes after it is not a page image.
    if (sv_is_page_size(amt) && p->mark_off >= 0 && off == p->mark_off + 4 &&
        p->mark_pgno != (uint32_t)(0x40000000 / amt) + 1) {
        p->mark_off = -1;
        p->image_end = off + amt;
        return sv_write_sealed(p, buf, amt, p->mark_pgno, off);
    }
    if (amt == 4 && off != p->image_end) {  // a page number (the checksum follows an image directly)
        p->mark_off = off;
        p->mark_pgno = sv_get32(buf);
    } else {
        p->mark_off = -1;
    }
    return p->real->pMethods->xWrite(p->real, buf, amt, off);
}

// Seals and writes one whole page of the file's layout, keeping Unwritten pages up to date.
static int sv_main_write_page(SvFile *p, const unsigned char *buf, int pgsz, sqlite3_int64 off) {
    if (off > p->size_seen) {
        // Past the end of the file as last seen: a write beyond the end leaves a hole (Unwritten pages).
        sqlite3_int64 size = 0;
        if (p->real->pMethods->xFileSize(p->real, &size) != SQLITE_OK) return SQLITE_IOERR_WRITE;
        if (off > size) sv_hole_add(p, size, off);
    }
    int rc = sv_write_sealed(p, buf, pgsz, (uint32_t)(off / pgsz) + 1, off);
    if (rc == SQLITE_OK) {
        sv_hole_fill(p, off, off + pgsz);
        sv_tx_mark(p, off, off + pgsz);
        p->tx_pages++;
        if (off + pgsz > p->size_seen) p->size_seen = off + pgsz;
    }
    return rc;
}

// Page size changes.
//
// `PRAGMA page_size=N; VACUUM` (rollback mode) and an online backup between databases of different page
// sizes lay the file out anew through the destination's pager, which still has the old page size
// (backup.c, backupOnePage): each old-size page it writes holds a slice of the new layout, and page 1's
// header already names the new size. Sealing is per page of the layout, so the VFS re-cuts the writes:
// - a write larger than the layout's page size holds several whole pages: each is sealed on its own;
// - a smaller one is a piece of one page: the pieces are gathered (the pager writes them in page order)
//   and the page is sealed when the last arrives. Nothing is written until then, so a page is never half
//   sealed; a sync with a page still incomplete is an error.
// The layout's page size is the one page 1 announced when last written or read (p->page_size), or the one
// in the page 1 being written.

// The page being gathered at `page_off`, or NULL.
static struct SvStaged *sv_staged_find(SvFile *p, sqlite3_int64 page_off) {
    for (int i = 0; i < p->staged_count; i++) {
        if (p->staged[i].off == page_off) return &p->staged[i];
    }
    return NULL;
}

static void sv_staged_drop(SvFile *p, struct SvStaged *st) {
    sodium_memzero(st->page, (size_t)st->size);
    sqlite3_free(st->page);
    *st = p->staged[--p->staged_count];
}

static int sv_main_write_piece(SvFile *p, const unsigned char *buf, int amt, sqlite3_int64 off, int layout) {
    sqlite3_int64 page_off = off - off % layout;
    int pieces = layout / amt, index = (int)((off - page_off) / amt);
    if (pieces > 128) return sv_refuse(p, off, "a page-size change by more than 128 times");
    struct SvStaged *st = sv_staged_find(p, page_off);
    if (st && st->size != layout) {
        sv_staged_drop(p, st);
        st = NULL;
    }
    if (!st) {
        // Spilled pages can come out of order: any number of pages may be gathering at once.
        if (p->staged_count == p->staged_cap) {
            int cap = p->staged_cap ? 2 * p->staged_cap : 8;
            struct SvStaged *a = sqlite3_realloc64(p->staged, (sqlite3_uint64)cap * sizeof *a);
            if (!a) return SQLITE_IOERR_NOMEM;
            p->staged = a;
            p->staged_cap = cap;
        }
        st = &p->staged[p->staged_count];
        st->page = sqlite3_malloc(layout);
        if (!st->page) return SQLITE_IOERR_NOMEM;
        st->off = page_off;
        st->size = layout;
        st->have[0] = st->have[1] = 0;
        p->staged_count++;
    }
    memcpy(st->page + (off - page_off), buf, (size_t)amt);
    st->have[index / 64] |= (uint64_t)1 << (index % 64);
    if (__builtin_popcountll(st->have[0]) + __builtin_popcountll(st->have[1]) < pieces) return SQLITE_OK;
    int rc = sv_main_write_page(p, st->page, layout, page_off);
    sv_staged_drop(p, st);
    return rc;
}

// A whole-page read of `amt` bytes where the file's layout has pages of `layout` bytes (a page-size change
// is under way, or just happened and this pager has not caught up). Smaller pages: each opened in turn.
// Larger: a piece still being gathered is handed back from there; else the larger page, opened whole; else
// the page as it was before the change (not yet overwritten). Every byte returned was authenticated.
static int sv_read_relaid(SvFile *p, unsigned char *buf, int amt, sqlite3_int64 off, int layout) {
    unsigned char *page = sv_scratch(p, (size_t)(layout > amt ? layout : amt));
    if (!page) return SQLITE_IOERR_NOMEM;
    if (layout < amt) {
        for (int o = 0; o < amt; o += layout) {
            int rc = p->real->pMethods->xRead(p->real, page, layout, off + o);
            if (rc == SQLITE_IOERR_SHORT_READ) return sv_missing_page(p, buf, amt, off);
            if (rc != SQLITE_OK) return rc;
            if (!sv_open_page(p, page, page, layout, (uint32_t)((off + o) / layout) + 1)) {
                memset(buf, 0, (size_t)amt);
                sv_fault(p, SQLITE_IOERR_DATA, off + o, "a page does not authenticate");
                return SQLITE_IOERR_DATA;
            }
            memcpy(buf + o, page, (size_t)layout);
        }
        return SQLITE_OK;
    }
    sqlite3_int64 page_off = off - off % layout;
    struct SvStaged *st = sv_staged_find(p, page_off);
    int index = (int)((off - page_off) / amt);
    if (st && st->size == layout && (st->have[index / 64] >> (index % 64) & 1)) {
        memcpy(buf, st->page + (off - page_off), (size_t)amt);
        return SQLITE_OK;
    }
    int rc = p->real->pMethods->xRead(p->real, page, layout, page_off);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
    if (rc == SQLITE_OK && sv_open_page(p, page, page, layout, (uint32_t)(page_off / layout) + 1)) {
        memcpy(buf, page + (off - page_off), (size_t)amt);
        return SQLITE_OK;
    }
#ifdef SEALEDVFS_TEST_HOOKS
    // The crash VFS's whole-file copy at open, 512 bytes at a time (see sv_main_read). Never in the product.
    extern int sealedvfs_test_crash_vfs(void);
    if (rc == SQLITE_OK && sealedvfs_test_crash_vfs() && sv_all_zero(page, (size_t)layout)) {
        memset(buf, 0, (size_t)amt);
        return SQLITE_OK;
    }
#endif
    rc = p->real->pMethods->xRead(p->real, buf, amt, off);
    if (rc == SQLITE_IOERR_SHORT_READ) return sv_missing_page(p, buf, amt, off);
    if (rc != SQLITE_OK) return rc;
    if (!sv_open_page(p, buf, buf, amt, (uint32_t)(off / amt) + 1)) {
        memset(buf, 0, (size_t)amt);
        sv_fault(p, SQLITE_IOERR_DATA, off, "a page does not authenticate");
        return SQLITE_IOERR_DATA;
    }
    return SQLITE_OK;
}

static int sv_main_write(SvFile *p, const unsigned char *buf, int amt, sqlite3_int64 off) {
    if (!sv_is_page_size(amt) || off % amt != 0) return sv_refuse(p, off, "a write that is not a whole page");
    int layout = p->relayout ? p->relayout : p->page_size;
    if (off == 0 && buf[20] == SEALEDVFS_RESERVE_BYTES && sv_header_page_size(buf)) {
        layout = sv_header_page_size(buf);
        // Pages spilled before page 1 (a database larger than the page cache) were cut to the old size and
        // cannot be re-cut: refuse, and the change rolls back whole.
        if (p->page_size && layout != p->page_size && p->in_write && p->tx_pages > 0) {
            return sv_refuse(p, off, "a page-size change after pages were spilled (raise cache_size for it)");
        }
    }
    if (!layout || layout == amt) {
        // A page of the layout carries zeros where its nonce and tag go: SQLite never uses the reserved bytes.
        // Anything else is a slice of another layout, and sealing it would overwrite 40 bytes of it.
        // (Page 1 is checked by sv_write_sealed, which names what is wrong with it.)
        static const unsigned char zeros[SEALEDVFS_RESERVE_BYTES];
        if (off != 0 && memcmp(buf + amt - SEALEDVFS_RESERVE_BYTES, zeros, SEALEDVFS_RESERVE_BYTES) != 0) {
            return sv_refuse(p, off, "a page whose reserved bytes are not zero");
        }
        return sv_main_write_page(p, buf, amt, off);
    }
    if (amt < layout) {
        if (off == 0) p->relayout = layout;  // until page 1 is sealed at that size
        return sv_main_write_piece(p, buf, amt, off, layout);
    }
    for (int o = 0; o < amt; o += layout) {
        int rc = sv_main_write_page(p, buf + o, layout, off + o);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

static int sv_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off) {
    SvFile *p = (SvFile *)f;
    switch (p->kind) {
    case SV_MAIN: return sv_main_read(p, buf, amt, off);
    case SV_WAL: return sv_wal_read(p, buf, amt, off);
    default: return sv_journal_read(p, buf, amt, off);
    }
}

#ifdef SEALEDVFS_TEST_HOOKS
extern int sealedvfs_test_crash_vfs(void);

// A write the crash VFS may have meant as trash: one sector (512 bytes to 64 KiB, a power of two).
static int sealedvfs_test_trash(int amt) {
    return sealedvfs_test_crash_vfs() && amt >= 512 && amt <= SV_MAX_PAGE && (amt & (amt - 1)) == 0;
}

// Fresh random bytes of length `amt` at `off`, in place of what the crash VFS wrote (see sv_write).
static int sv_test_trash(SvFile *p, int amt, sqlite3_int64 off) {
    unsigned char *junk = sqlite3_malloc(amt);
    if (!junk) return SQLITE_IOERR_NOMEM;
    randombytes_buf(junk, (size_t)amt);
    int rc = p->real->pMethods->xWrite(p->real, junk, amt, off);
    sqlite3_free(junk);
    return rc;
}
#endif

static int sv_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off) {
    SvFile *p = (SvFile *)f;
    int rc;
#ifdef SEALEDVFS_TEST_HOOKS
    // SQLite's crash VFS above this one simulates a crash by writing sectors of garbage over unsynced writes.
    // Sealed, or gathered into pages, they would end its simulation with an error, or (two garbage sectors
    // gathered into one page) become an authentic page of garbage. In the suite only, a sector-sized write
    // smaller than a page of a database or WAL, or any write this VFS refuses, puts fresh random bytes of that
    // length on disk instead (never the bytes given): the torn sectors the test means, which then fail
    // authentication. The product refuses them; SQLite itself never writes such pieces there.
    int layout = p->kind == SV_MAIN ? (p->relayout ? p->relayout : p->page_size) : p->page_size;
    if (p->kind != SV_JOURNAL && layout && amt < layout && sealedvfs_test_trash(amt)) return sv_test_trash(p, amt, off);
#endif
    switch (p->kind) {
    case SV_MAIN: rc = sv_main_write(p, buf, amt, off); break;
    case SV_WAL: rc = sv_wal_write(p, buf, amt, off); break;
    default: rc = sv_journal_write(p, buf, amt, off); break;
    }
#ifdef SEALEDVFS_TEST_HOOKS
    if (rc == SQLITE_IOERR_WRITE && sealedvfs_test_trash(amt)) rc = sv_test_trash(p, amt, off);
#endif
    return rc;
}

static int sv_close(sqlite3_file *f) {
    SvFile *p = (SvFile *)f;
    if (p->kind == SV_MAIN) sv_mains_remove(p);
    int rc = p->real->pMethods ? p->real->pMethods->xClose(p->real) : SQLITE_OK;
    sodium_memzero(p->key, sizeof p->key);
    if (p->scratch) {
        sodium_memzero(p->scratch, p->scratch_size);
        sqlite3_free(p->scratch);
    }
    p->scratch = NULL;
    if (p->wal_page) {
        sodium_memzero(p->wal_page, 2 * (size_t)p->wal_page_size);
        sqlite3_free(p->wal_page);
    }
    p->wal_page = NULL;
    p->wal_page_size = 0;
    p->wal_page_pgno = 0;
    sqlite3_free(p->tx_written);
    p->tx_written = NULL;
    sqlite3_free(p->frame_pgno);
    p->frame_pgno = NULL;
    p->frame_pgno_cap = 0;
    if (p->kind == SV_MAIN) sv_cache_clear(&p->cache);  // wipes every page held
    if (p->piece) {
        sv_wal_piece_drop(p);
        sqlite3_free(p->piece);
        p->piece = NULL;
    }
    while (p->staged_count > 0) sv_staged_drop(p, &p->staged[0]);
    sqlite3_free(p->staged);
    p->staged = NULL;
    p->staged_cap = 0;
    sqlite3_free(p->side_name);  // after the root's close: it kept the pointer
    p->side_name = NULL;
    p->path = NULL;
    return rc;
}

static int sv_truncate(sqlite3_file *f, sqlite3_int64 size) {
    SvFile *p = (SvFile *)f;
    sqlite3_int64 before = 0;
    if (p->kind == SV_MAIN && p->real->pMethods->xFileSize(p->real, &before) != SQLITE_OK) return SQLITE_IOERR_TRUNCATE;
    int rc = p->real->pMethods->xTruncate(p->real, size);
    if (p->kind == SV_WAL) sv_frame_pgno_forget(p);
    if (rc != SQLITE_OK || p->kind != SV_MAIN) return rc;
    if (size > before) sv_hole_add(p, before, size);  // grown with zeros (a checkpoint does this): Unwritten pages
    if (size > p->size_seen) p->size_seen = size;
    if (size == 0) {
        // Emptied (a hot journal of a new database rolled back): it is being created again, under the same
        // file id so that other connections' view of it stays valid.
        p->is_new = 1;
        p->header_ok = 0;
        p->page_size = 0;
        p->hole_count = 0;
        p->size_seen = 0;
    }
    return SQLITE_OK;
}
static int sv_sync(sqlite3_file *f, int flags) {
    SvFile *p = (SvFile *)f;
    if (p->kind == SV_MAIN && p->staged_count > 0) {
        return sv_refuse(p, p->staged[0].off, "sync with a page of a new page size incomplete");  // Page size changes
    }
    return p->real->pMethods->xSync(p->real, flags);
}
static int sv_file_size(sqlite3_file *f, sqlite3_int64 *size) {
    SvFile *p = (SvFile *)f;
    return p->real->pMethods->xFileSize(p->real, size);
}
static int sv_lock(sqlite3_file *f, int level) {
    SvFile *p = (SvFile *)f;
    int rc = p->real->pMethods->xLock(p->real, level);
    if (rc == SQLITE_OK && p->kind == SV_MAIN && level >= SQLITE_LOCK_RESERVED && !p->in_write) {
        // A write transaction in rollback mode starts: the pages it appends beyond today's end, until it
        // writes them, were never sealed (Unwritten pages). WAL mode never takes this lock for writing.
        sqlite3_int64 size = 0;
        if (p->real->pMethods->xFileSize(p->real, &size) == SQLITE_OK) {
            sv_tx_begin(p, size);
            p->in_write = 1;
        }
    }
    return rc;
}
static int sv_unlock(sqlite3_file *f, int level) {
    SvFile *p = (SvFile *)f;
    if (p->kind == SV_MAIN && level <= SQLITE_LOCK_SHARED && p->in_write) {
        sv_tx_end(p);
        p->in_write = 0;
    }
    return p->real->pMethods->xUnlock(p->real, level);
}
static int sv_check_reserved_lock(sqlite3_file *f, int *out) {
    SvFile *p = (SvFile *)f;
    return p->real->pMethods->xCheckReservedLock(p->real, out);
}
static int sv_file_control(sqlite3_file *f, int op, void *arg) {
    SvFile *p = (SvFile *)f;
    if (op == SEALEDVFS_FCNTL_READ_CACHE && p->kind == SV_MAIN) {
        sealedvfs_read_cache_info *info = arg;
        if (info->budget_kib >= 0) {
            sv_cache_clear(&p->cache);  // wiped; the new budget applies from the next page
            p->cache.budget = (size_t)info->budget_kib * 1024;
        }
        info->budget_kib = (int64_t)(p->cache.budget / 1024);
        info->hits = p->cache.hits;
        info->misses = p->cache.misses;
        info->entries = (uint64_t)p->cache.count;
        return SQLITE_OK;
    }
    if (op == SQLITE_FCNTL_COMMIT_PHASETWO && p->kind == SV_MAIN) {
        // A rollback-mode transaction committed. With locking_mode=exclusive the lock is never released, so
        // this, not xUnlock, is where the next transaction's pages start counting for "Page size changes"
        // (pager.c, pager_end_transaction: sent on every commit, before any unlock).
        p->tx_pages = 0;
    }
    if (op == SQLITE_FCNTL_MMAP_SIZE) {
        // Never map the file: a mapping would hand SQLite the sealed bytes.
        *(sqlite3_int64 *)arg = 0;
        return SQLITE_OK;
    }
    return p->real->pMethods->xFileControl(p->real, op, arg);
}
static int sv_sector_size(sqlite3_file *f) {
    SvFile *p = (SvFile *)f;
    return p->real->pMethods->xSectorSize(p->real);
}
static int sv_device_characteristics(sqlite3_file *f) {
    SvFile *p = (SvFile *)f;
    int dc = p->real->pMethods->xDeviceCharacteristics(p->real);
    // WAL page images must reach the sealing code whole; without power-safe overwrite SQLite pads and
    // splits them at sync points. SQLite asks the main database file whether to pad its WAL, so both say
    // yes (a `psow=0` URI parameter is ignored, as documented).
    if (p->kind == SV_WAL || p->kind == SV_MAIN) dc |= SQLITE_IOCAP_POWERSAFE_OVERWRITE;
    return dc;
}
static int sv_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp) {
    SvFile *p = (SvFile *)f;
    return p->real->pMethods->xShmMap(p->real, pg, pgsz, extend, pp);
}
static int sv_shm_lock(sqlite3_file *f, int offset, int n, int flags) {
    SvFile *p = (SvFile *)f;
    int rc = p->real->pMethods->xShmLock(p->real, offset, n, flags);
    // Slot 0 is the WAL write lock (wal.c, WAL_WRITE_LOCK): "Frames rewritten in place" forgets at each one.
    if (rc == SQLITE_OK && offset == 0 && (flags & SQLITE_SHM_LOCK) && (flags & SQLITE_SHM_EXCLUSIVE)) p->wal_write_locks++;
    return rc;
}
static void sv_shm_barrier(sqlite3_file *f) {
    SvFile *p = (SvFile *)f;
    p->real->pMethods->xShmBarrier(p->real);
}
static int sv_shm_unmap(sqlite3_file *f, int del) {
    SvFile *p = (SvFile *)f;
    return p->real->pMethods->xShmUnmap(p->real, del);
}

// Version 2: shared memory for WAL, and no xFetch, so SQLite never asks for a memory mapping.
static const sqlite3_io_methods sv_io_methods = {
    .iVersion = 2,                         // shared memory yes; xFetch/xUnfetch (version 3) no
    .xClose = sv_close,                    // wipes the key, scratch, kept WAL page and staged page
    .xRead = sv_read,                      // opens page images; Unwritten pages; faults logged
    .xWrite = sv_write,                    // seals page images; refuses anything that would be plaintext
    .xTruncate = sv_truncate,              // records growth as Unwritten pages; empty = being created again
    .xSync = sv_sync,                      // refuses while a page of a new page size is half gathered
    .xFileSize = sv_file_size,             // as the root: the sealed file is as long as SQLite's
    .xLock = sv_lock,                      // as the root; RESERVED starts a write transaction's pages
    .xUnlock = sv_unlock,                  // as the root; SHARED or less ends them
    .xCheckReservedLock = sv_check_reserved_lock,  // as the root
    .xFileControl = sv_file_control,       // MMAP_SIZE answered 0; READ_CACHE (ours); the rest to the root
    .xSectorSize = sv_sector_size,         // as the root
    .xDeviceCharacteristics = sv_device_characteristics,  // adds POWERSAFE_OVERWRITE (whole WAL images)
    .xShmMap = sv_shm_map,                 // the -shm index holds no page content: as the root
    .xShmLock = sv_shm_lock,
    .xShmBarrier = sv_shm_barrier,
    .xShmUnmap = sv_shm_unmap,
    .xFetch = NULL,                        // never a mapping of sealed bytes
    .xUnfetch = NULL,
};

// ---------------------------------------------------------------------------------------------------------
// Side-file names (format 2, SEALEDVFS_SIDE_FORMAT).
//
// Stock SQLite opening a sealed file fails on page 1 ("file is not a database"), but only after it looked
// for `<db>-wal` and `<db>-journal`: on close it deletes a log in which it finds no valid frame (its frame
// checksums cover the plaintext it cannot see), and it plays back a hot journal it cannot read, truncating
// the file. So the VFS stores them as `<db>-swal` and `<db>-sjournal`. No stock client ever opens those: a
// side file's name is its database's name plus "-wal" or "-journal", and neither name ends that way.
// SQLite itself still asks for "-wal" and "-journal"; xOpen, xAccess and xDelete translate. The bytes are
// unchanged from format 1, which used SQLite's names: a database of format 1 is moved over when opened.

static const char *const sv_sqlite_suffix[2] = {"-wal", "-journal"};
static const char *const sv_sealed_suffix[2] = {SEALEDVFS_WAL_SUFFIX, SEALEDVFS_JOURNAL_SUFFIX};

// Whether `name` is a WAL or journal name (so that a NULL from sv_side_name means out of memory).
static int sv_is_side(const char *name) {
    size_t n = strlen(name);
    return (n > 4 && strcmp(name + n - 4, "-wal") == 0) || (n > 8 && strcmp(name + n - 8, "-journal") == 0);
}

// The name the VFS stores SQLite's side file `name` under (sqlite3_malloc'd), or NULL when `name` does not
// end in "-wal" or "-journal" (a super-journal, or no side file at all).
static char *sv_side_name(const char *name) {
    size_t n = strlen(name);
#ifdef SEALEDVFS_TEST_HOOKS
    // SQLite's test suite reads, copies and deletes `test.db-wal` by name: scripts/sqlite-suite can keep
    // SQLite's names (format 1) to test everything else. Never in the product build.
    extern int sealedvfs_test_sqlite_names(void);
    if (sealedvfs_test_sqlite_names() && sv_is_side(name)) return sqlite3_mprintf("%s", name);
#endif
    for (int i = 0; i < 2; i++) {
        size_t k = strlen(sv_sqlite_suffix[i]);
        if (n > k && strcmp(name + n - k, sv_sqlite_suffix[i]) == 0) {
            return sqlite3_mprintf("%.*s%s", (int)(n - k), name, sv_sealed_suffix[i]);
        }
    }
    return NULL;
}

// Format 1 → 2, on opening a sealed database: a WAL or journal still under SQLite's name is renamed, unless
// one under the new name exists already (then the old one is left alone and logged). Runs before SQLite looks
// for either; the appliance opens its databases with nothing of format 1 running.
static void sv_migrate_side_files(const char *db) {
#ifdef SEALEDVFS_TEST_HOOKS
    extern int sealedvfs_test_sqlite_names(void);
    if (sealedvfs_test_sqlite_names()) return;
#endif
    for (int i = 0; i < 2; i++) {
        char *old = sqlite3_mprintf("%s%s", db, sv_sqlite_suffix[i]);
        char *now = sqlite3_mprintf("%s%s", db, sv_sealed_suffix[i]);
        if (old && now && access(old, F_OK) == 0) {
            if (access(now, F_OK) == 0) {
                sqlite3_log(SQLITE_WARNING, "sealedvfs: %s left alone: %s exists", old, now);
            } else if (rename(old, now) != 0) {
                sqlite3_log(SQLITE_WARNING, "sealedvfs: cannot rename %s to %s", old, now);
            }
        }
        sqlite3_free(old);
        sqlite3_free(now);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Under another shim.
//
// A WAL or journal must find its own connection's main file (its key, file id and checkpoint state).
// sqlite3_database_file_object returns the pager's file, which is ours only when the sealed VFS is on top;
// under a shim (SQLite's crash VFS, testvfs, devsym, or any wrapper) it is the shim's. Every shim seen passes
// SQLite's name pointer down unchanged, and that name lives in the pager's own filename block, so the main
// file SQLite opened under exactly that pointer is the one: no other connection can share it.

static pthread_mutex_t sv_mains_mutex = PTHREAD_MUTEX_INITIALIZER;
static SvFile *sv_mains = NULL;

static void sv_mains_add(SvFile *p) {
    pthread_mutex_lock(&sv_mains_mutex);
    p->next_main = sv_mains;
    sv_mains = p;
    pthread_mutex_unlock(&sv_mains_mutex);
}

static void sv_mains_remove(SvFile *p) {
    pthread_mutex_lock(&sv_mains_mutex);
    for (SvFile **pp = &sv_mains; *pp; pp = &(*pp)->next_main) {
        if (*pp == p) {
            *pp = p->next_main;
            break;
        }
    }
    pthread_mutex_unlock(&sv_mains_mutex);
}

// The main file a WAL or journal named `name` belongs to, or NULL.
static SvFile *sv_main_of(sqlite3_filename name) {
    SvFile *db = (SvFile *)sqlite3_database_file_object(name);
    if (db && db->base.pMethods == &sv_io_methods) return db;  // the sealed VFS is on top
    const char *main_name = sqlite3_filename_database(name);
    pthread_mutex_lock(&sv_mains_mutex);
    for (db = sv_mains; db && db->path != main_name; db = db->next_main) {
    }
    pthread_mutex_unlock(&sv_mains_mutex);
    return db;
}

// ---------------------------------------------------------------------------------------------------------
// The VFS.

static int sv_open_file(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *out_flags) {
    const int transient = SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TRANSIENT_DB | SQLITE_OPEN_TEMP_JOURNAL |
                          SQLITE_OPEN_SUBJOURNAL;
    if (!name || (flags & transient)) {
        sv_mem_open(f);
        __atomic_add_fetch(&sv_memory_files, 1, __ATOMIC_RELAXED);
        if (out_flags) *out_flags = flags;
        return SQLITE_OK;
    }
    if (!(flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL))) {
        // Super-journals hold only file names: the platform file as it is.
        return sv_root->xOpen(sv_root, name, f, flags, out_flags);
    }
    SvFile *p = (SvFile *)f;
    memset(p, 0, sizeof *p);
    p->real = (sqlite3_file *)((char *)f + SV_ROUND8(sizeof(SvFile)));
    p->mark_off = p->read_mark_off = p->image_end = p->tx_start = p->piece_off = -1;
    if (flags & SQLITE_OPEN_MAIN_DB) {
        p->kind = SV_MAIN;
        p->db = p;
        if (!sv_key_lookup(name, p->key)) {
            const char *hex = sqlite3_uri_parameter(name, "hexkey");
            size_t got = 0;
            if (!hex || strlen(hex) != 2 * SEALEDVFS_KEY_BYTES ||
                sodium_hex2bin(p->key, sizeof p->key, hex, strlen(hex), NULL, &got, NULL) != 0 ||
                got != SEALEDVFS_KEY_BYTES) {
                sodium_memzero(p->key, sizeof p->key);
                return SQLITE_CANTOPEN;  // no key: never open, never write plaintext
            }
        }
    } else {
        SvFile *db = sv_main_of(name);
        if (!db) return SQLITE_CANTOPEN;
        p->kind = (flags & SQLITE_OPEN_WAL) ? SV_WAL : SV_JOURNAL;
        p->db = db;
        p->side_name = sv_side_name(name);
        if (!p->side_name) return sv_is_side(name) ? SQLITE_NOMEM : SQLITE_CANTOPEN;
    }
    // The root keeps the name pointer for the file's life; a side name is ours, so it must not be parsed as
    // a URI (SQLite's URI parameters live after a name SQLite allocated, not after ours).
    int rc = p->side_name ? sv_root->xOpen(sv_root, p->side_name, p->real, flags & ~SQLITE_OPEN_URI, out_flags)
                          : sv_root->xOpen(sv_root, name, p->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        sodium_memzero(p->key, sizeof p->key);
        sqlite3_free(p->side_name);
        p->side_name = NULL;
        return rc;
    }
    p->base.pMethods = &sv_io_methods;
    p->path = p->side_name ? p->side_name : name;
    if (p->kind == SV_MAIN) {
        sqlite3_int64 size = 0;
        if (p->real->pMethods->xFileSize(p->real, &size) == SQLITE_OK) {
            if (size == 0) p->is_new = 1;
            p->size_seen = size;
        }
        unsigned char h[24];
        if (size >= 24 && p->real->pMethods->xRead(p->real, h, 24, 0) == SQLITE_OK && h[20] == SEALEDVFS_RESERVE_BYTES &&
            sv_header_page_size(h) && memcmp(h, sv_sqlite_magic, 16) != 0) {
            sv_migrate_side_files(name);  // only a sealed file's side files: a plain database keeps its own
        }
        sv_cache_init(&p->cache, __atomic_load_n(&sv_read_cache_budget, __ATOMIC_RELAXED));
        sv_mains_add(p);
    }
    return SQLITE_OK;
}

static int sv_delete(sqlite3_vfs *v, const char *name, int sync) {
    char *side = sv_side_name(name);
    if (!side && sv_is_side(name)) return SQLITE_IOERR_NOMEM;  // never SQLite's own name instead
    int rc = sv_root->xDelete(sv_root, side ? side : name, sync);
    sqlite3_free(side);
    return rc;
}
static int sv_access(sqlite3_vfs *v, const char *name, int flags, int *out) {
    char *side = sv_side_name(name);
    if (!side && sv_is_side(name)) return SQLITE_IOERR_NOMEM;
    int rc = sv_root->xAccess(sv_root, side ? side : name, flags, out);
    sqlite3_free(side);
    return rc;
}
static int sv_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out) {
    return sv_root->xFullPathname(sv_root, name, n, out);
}
static void *sv_dl_open(sqlite3_vfs *v, const char *path) { return sv_root->xDlOpen(sv_root, path); }
static void sv_dl_error(sqlite3_vfs *v, int n, char *msg) { sv_root->xDlError(sv_root, n, msg); }
static void (*sv_dl_sym(sqlite3_vfs *v, void *h, const char *sym))(void) { return sv_root->xDlSym(sv_root, h, sym); }
static void sv_dl_close(sqlite3_vfs *v, void *h) { sv_root->xDlClose(sv_root, h); }
static int sv_randomness(sqlite3_vfs *v, int n, char *out) {
    randombytes_buf(out, (size_t)n);
    return n;
}
static int sv_sleep(sqlite3_vfs *v, int us) { return sv_root->xSleep(sv_root, us); }
static int sv_current_time(sqlite3_vfs *v, double *t) { return sv_root->xCurrentTime(sv_root, t); }
static int sv_get_last_error(sqlite3_vfs *v, int n, char *msg) {
    return sv_root->xGetLastError ? sv_root->xGetLastError(sv_root, n, msg) : 0;
}
static int sv_current_time_int64(sqlite3_vfs *v, sqlite3_int64 *t) {
    return sv_root->xCurrentTimeInt64(sv_root, t);
}
// The root's system calls, passed through: the VFS makes none of its own I/O calls but through the root's
// methods (and access/rename for format 1), so replacing the root's is what a caller means. SQLite's own
// tests inject faults this way (test_syscall); nothing in StageSub calls them.
static int sv_set_system_call(sqlite3_vfs *v, const char *name, sqlite3_syscall_ptr call) {
    return sv_root->iVersion >= 3 && sv_root->xSetSystemCall ? sv_root->xSetSystemCall(sv_root, name, call) : SQLITE_NOTFOUND;
}
static sqlite3_syscall_ptr sv_get_system_call(sqlite3_vfs *v, const char *name) {
    return sv_root->iVersion >= 3 && sv_root->xGetSystemCall ? sv_root->xGetSystemCall(sv_root, name) : NULL;
}
static const char *sv_next_system_call(sqlite3_vfs *v, const char *name) {
    return sv_root->iVersion >= 3 && sv_root->xNextSystemCall ? sv_root->xNextSystemCall(sv_root, name) : NULL;
}

int sealedvfs_register(int make_default) {
    pthread_mutex_lock(&sv_init_mutex);
    int rc = SEALEDVFS_OK;
    if (!sv_registered) {
        if (sodium_init() < 0) {
            rc = SEALEDVFS_ERROR;
        } else if (!sv_aead_init()) {
            rc = SEALEDVFS_ERROR;
        } else if (sqlite3_initialize() != SQLITE_OK || !(sv_root = sqlite3_vfs_find(NULL))) {
            rc = SEALEDVFS_ERROR;
        } else if (sv_root->iVersion < 2 || !sv_root->xCurrentTimeInt64) {
            rc = SEALEDVFS_ERROR;
        } else {
            memset(&sv_vfs, 0, sizeof sv_vfs);
            // Version 3: the system-call slots pass the root's through. Every slot but xOpen, xDelete, xAccess
            // (side-file names) and xRandomness (libsodium's CSPRNG) is the root's.
            sv_vfs.iVersion = 3;
            // Room for our file and the root's after it; an in-memory file fits in less.
            _Static_assert(sizeof(SvMemFile) <= sizeof(SvFile), "an in-memory file fits in a sealed file's room");
            sv_vfs.szOsFile = (int)(SV_ROUND8(sizeof(SvFile)) + (size_t)sv_root->szOsFile);
            sv_vfs.mxPathname = sv_root->mxPathname;
            sv_vfs.zName = SEALEDVFS_NAME;
            sv_vfs.xOpen = sv_open_file;
            sv_vfs.xDelete = sv_delete;
            sv_vfs.xAccess = sv_access;
            sv_vfs.xFullPathname = sv_full_pathname;
            sv_vfs.xDlOpen = sv_dl_open;
            sv_vfs.xDlError = sv_dl_error;
            sv_vfs.xDlSym = sv_dl_sym;
            sv_vfs.xDlClose = sv_dl_close;
            sv_vfs.xRandomness = sv_randomness;
            sv_vfs.xSleep = sv_sleep;
            sv_vfs.xCurrentTime = sv_current_time;
            sv_vfs.xGetLastError = sv_get_last_error;
            sv_vfs.xCurrentTimeInt64 = sv_current_time_int64;
            sv_vfs.xSetSystemCall = sv_set_system_call;    // the root's (SQLite's tests inject faults there)
            sv_vfs.xGetSystemCall = sv_get_system_call;
            sv_vfs.xNextSystemCall = sv_next_system_call;
            if (sqlite3_vfs_register(&sv_vfs, make_default) != SQLITE_OK) {
                rc = SEALEDVFS_ERROR;
            } else {
                pthread_atfork(NULL, NULL, sv_after_fork_child);
                sv_registered = 1;
            }
        }
    } else if (make_default) {
        if (sqlite3_vfs_register(&sv_vfs, 1) != SQLITE_OK) rc = SEALEDVFS_ERROR;
    }
    pthread_mutex_unlock(&sv_init_mutex);
    return rc;
}

int sealedvfs_prepare_connection(void *db) {
    int reserve = SEALEDVFS_RESERVE_BYTES;
    return sqlite3_file_control((sqlite3 *)db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve) == SQLITE_OK
               ? SEALEDVFS_OK
               : SEALEDVFS_ERROR;
}

// ---------------------------------------------------------------------------------------------------------
// Offline verification.

int sealedvfs_verify_file(const char *path, const uint8_t key[SEALEDVFS_KEY_BYTES], sealedvfs_verify_report *report) {
    memset(report, 0, sizeof *report);
    if (sodium_init() < 0) return SEALEDVFS_ERROR;
    FILE *fp = fopen(path, "rb");
    if (!fp) return SEALEDVFS_CANTOPEN;
    unsigned char h[24];
    if (fread(h, 1, sizeof h, fp) != sizeof h) {
        fclose(fp);
        return SEALEDVFS_NOTSEALED;
    }
    int pgsz = sv_header_page_size(h);
    if (!pgsz || h[20] != SEALEDVFS_RESERVE_BYTES) {
        fclose(fp);
        return SEALEDVFS_NOTSEALED;
    }
    report->page_size = (uint32_t)pgsz;
    unsigned char *page = malloc((size_t)pgsz);
    if (!page) {
        fclose(fp);
        return SEALEDVFS_NOMEM;
    }
    // The file id is bytes 0-15 of page 1, so a damaged page 1 does not hide the state of the others.
    unsigned char file_id[SV_ID_BYTES];
    memcpy(file_id, h, SV_ID_BYTES);
    int has_id = 1;
    rewind(fp);
    uint32_t pgno = 0;
    size_t got;
    while ((got = fread(page, 1, (size_t)pgsz, fp)) > 0) {
        pgno++;
        // A trailing partial page cannot be authenticated: it is damage.
        if (got != (size_t)pgsz || !sv_open(key, file_id, &has_id, page, page, pgsz, pgno, 0)) {
            report->bad_pages++;
            if (!report->first_bad_page) report->first_bad_page = pgno;
        }
    }
    report->page_count = pgno;
    sodium_memzero(page, (size_t)pgsz);
    free(page);
    fclose(fp);
    return report->bad_pages ? SEALEDVFS_AUTH : SEALEDVFS_OK;
}

// ---------------------------------------------------------------------------------------------------------
// Loadable-extension entry point (`.load libSealedVFS.so` in the sqlite3 shell): registers "sealed" as an
// additional VFS whose key comes from the `hexkey` URI parameter. The library links the same shared
// libsqlite3 as the shell, so SQLite is called directly rather than through the extension routine table.

//
// Temp storage. SQLite opens a connection's temp files (sorts, temp tables, statement journals) through that
// connection's own VFS: a sealed file ATTACHed to a connection of the shell or a script would spill them in
// plaintext into TMPDIR. So the extension keeps the temp storage of the connection that loads it, and of
// every connection the process opens afterwards, in memory, and refuses a PRAGMA that would move it back to
// disk, saying why on stderr and through sqlite3_log. A SQLite built to keep temp files on disk whatever the
// PRAGMA says (SQLITE_TEMP_STORE=0) cannot be helped: there the extension refuses every ATTACH.

static const char sv_temp_reason[] =
    "sealedvfs: temp storage stays in memory: a sealed database's sorts and temp tables must not reach the disk";

static int sv_ext_authorizer(void *arg, int action, const char *a, const char *b, const char *db, const char *trigger) {
    int refuse = 0;
    if (action == SQLITE_PRAGMA && a && sqlite3_stricmp(a, "temp_store") == 0 && b) {
        refuse = sqlite3_stricmp(b, "memory") != 0 && strcmp(b, "2") != 0;
    } else if (action == SQLITE_ATTACH) {
        refuse = sqlite3_compileoption_used("TEMP_STORE=0");
    }
    if (!refuse) return SQLITE_OK;
    fprintf(stderr, "%s\n", sv_temp_reason);
    sqlite3_log(SQLITE_AUTH, "%s", sv_temp_reason);
    return SQLITE_DENY;
}

static int sv_ext_connection(sqlite3 *db, char **err, const void *api) {
    if (sqlite3_exec(db, "PRAGMA temp_store=MEMORY", NULL, NULL, NULL) != SQLITE_OK) {
        if (err) *err = sqlite3_mprintf("%s (PRAGMA temp_store=MEMORY failed)", sv_temp_reason);
        return SQLITE_ERROR;
    }
    sqlite3_set_authorizer(db, sv_ext_authorizer, NULL);
    return SQLITE_OK;
}

int sqlite3_sealedvfs_init(sqlite3 *db, char **err, const void *api) {
    if (sealedvfs_register(0) != SEALEDVFS_OK) {
        if (err) *err = sqlite3_mprintf("sealedvfs: cannot register the sealed VFS");
        return SQLITE_ERROR;
    }
    int rc = sv_ext_connection(db, err, api);
    if (rc != SQLITE_OK) return rc;
    sqlite3_auto_extension((void (*)(void))sv_ext_connection);  // every later connection (the shell's .open)
    return SQLITE_OK_LOAD_PERMANENTLY;
}
