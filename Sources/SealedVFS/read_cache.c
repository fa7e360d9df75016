// The read cache of one sealed connection (sealed_vfs.c, "Read cache", has the safety argument).
//
// A bounded map from a location (a database page's offset, or a WAL frame's) to the last page image
// authenticated there: its sealed bytes as they were on disk and its opened plaintext. An entry answers a
// read only when the bytes just read from the file are identical to its sealed bytes, so the cache is a memo
// of the decryption, never a copy of the file: whatever happens on disk, a hit returns exactly what
// opening the bytes on disk gives. Eviction is CLOCK (second chance) over a fixed number of slots.

#include "read_cache.h"

#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

struct SvCacheEntry {
    uint64_t loc;
    uint32_t pgno;
    int next;        // next slot in the same bucket, -1 at the end
    int linked;      // in a bucket
    int valid;       // holds an authentic pair (a reserved slot is linked but not valid)
    int referenced;  // CLOCK: hit since the hand last passed
    unsigned char file_id[SV_CACHE_ID_BYTES];
    unsigned char *bytes;  // page_size sealed bytes, then page_size opened bytes; NULL until used
};

void sv_cache_init(SvReadCache *c, size_t budget) {
    memset(c, 0, sizeof *c);
    c->budget = budget;
}

static int sv_cache_bucket(const SvReadCache *c, uint64_t loc) {
    return (int)((loc * 0x9E3779B97F4A7C15ull) >> 32) & c->bucket_mask;
}

// Allocates the slots for pages of `pgsz` bytes. Returns 0 when there is no room for even one.
static int sv_cache_setup(SvReadCache *c, int pgsz) {
    size_t n = c->budget / (2 * (size_t)pgsz);
    if (n == 0) return 0;
    if (n > (1 << 24)) n = 1 << 24;
    int buckets = 1;
    while ((size_t)buckets < 2 * n) buckets <<= 1;
    c->entries = sqlite3_malloc64((sqlite3_uint64)n * sizeof *c->entries);
    c->buckets = sqlite3_malloc64((sqlite3_uint64)buckets * sizeof *c->buckets);
    if (!c->entries || !c->buckets) {
        sqlite3_free(c->entries);
        sqlite3_free(c->buckets);
        c->entries = NULL;
        c->buckets = NULL;
        return 0;
    }
    memset(c->entries, 0, n * sizeof *c->entries);
    memset(c->buckets, 0xff, (size_t)buckets * sizeof *c->buckets);
    c->capacity = (int)n;
    c->bucket_mask = buckets - 1;
    c->page_size = pgsz;
    c->count = 0;
    c->hand = 0;
    return 1;
}

static int sv_cache_lookup(SvReadCache *c, uint64_t loc) {
    if (!c->entries) return -1;
    if (c->memo_valid && c->memo_loc == loc) return c->memo_slot;
    int found = -1;
    for (int i = c->buckets[sv_cache_bucket(c, loc)]; i >= 0; i = c->entries[i].next) {
        if (c->entries[i].loc == loc) {
            found = i;
            break;
        }
    }
    c->memo_loc = loc;
    c->memo_slot = found;
    c->memo_valid = 1;
    return found;
}

// Links `slot` under `loc` (not linked anywhere before).
static void sv_cache_link(SvReadCache *c, int slot, uint64_t loc) {
    SvCacheEntry *e = &c->entries[slot];
    e->loc = loc;
    int b = sv_cache_bucket(c, loc);
    e->next = c->buckets[b];
    c->buckets[b] = slot;
    e->linked = 1;
    c->memo_valid = 0;
}

static void sv_cache_unlink(SvReadCache *c, int slot) {
    SvCacheEntry *e = &c->entries[slot];
    if (!e->linked) return;
    int *pp = &c->buckets[sv_cache_bucket(c, e->loc)];
    while (*pp != slot) pp = &c->entries[*pp].next;
    *pp = e->next;
    e->linked = 0;
    e->valid = 0;
    c->memo_valid = 0;
}

const unsigned char *sv_cache_find(SvReadCache *c, uint64_t loc, uint32_t pgno, const unsigned char *file_id,
                                   const unsigned char *sealed, int pgsz) {
    if (pgsz != c->page_size) return NULL;
    int i = sv_cache_lookup(c, loc);
    if (i >= 0) {
        SvCacheEntry *e = &c->entries[i];
        // Sealed bytes are public (they are on disk): comparing them need not be constant-time.
        if (e->valid && e->pgno == pgno && memcmp(e->file_id, file_id, SV_CACHE_ID_BYTES) == 0 &&
            memcmp(e->bytes, sealed, (size_t)pgsz) == 0) {
            e->referenced = 1;
            c->hits++;
            return e->bytes + pgsz;
        }
    }
    return NULL;
}

int sv_cache_admit(SvReadCache *c, uint64_t loc) {
    if (c->budget == 0) return 0;
    if (sv_cache_lookup(c, loc) >= 0) return 1;
    if (!c->ghosts) {
        // One location per 4 KiB of budget: twice the pages it holds at 4 KiB pages, 8 bytes each.
        size_t n = 1;
        while (n < c->budget / 4096 && n < (1u << 24)) n <<= 1;
        c->ghosts = sqlite3_malloc64((sqlite3_uint64)n * sizeof *c->ghosts);
        if (!c->ghosts) return 0;
        memset(c->ghosts, 0, n * sizeof *c->ghosts);
        c->ghost_mask = (int)(n - 1);
    }
    uint64_t *g = &c->ghosts[(int)((loc * 0x9E3779B97F4A7C15ull) >> 40) & c->ghost_mask];
    if (*g == loc + 1) {
        *g = 0;
        return 1;
    }
    *g = loc + 1;
    return 0;
}

unsigned char *sv_cache_reserve(SvReadCache *c, uint64_t loc, int pgsz) {
    if (c->budget == 0) return NULL;
    if (c->page_size != pgsz) {
        // A page-size change (VACUUM, a backup): the old pages can never match again.
        sv_cache_clear(c);
        if (!sv_cache_setup(c, pgsz)) return NULL;
    }
    int slot = sv_cache_lookup(c, loc);
    if (slot < 0) {
        if (c->count < c->capacity) {
            slot = c->count++;
        } else {
            // CLOCK: the first slot not hit since the hand last passed it.
            for (;;) {
                SvCacheEntry *e = &c->entries[c->hand];
                if (e->referenced && e->valid) {
                    e->referenced = 0;
                    c->hand = (c->hand + 1) % c->capacity;
                    continue;
                }
                slot = c->hand;
                c->hand = (c->hand + 1) % c->capacity;
                break;
            }
            sv_cache_unlink(c, slot);
        }
        SvCacheEntry *e = &c->entries[slot];
        if (!e->bytes) {
            e->bytes = sqlite3_malloc64(2 * (sqlite3_uint64)pgsz);
            if (!e->bytes) return NULL;
        }
        sv_cache_link(c, slot, loc);
    }
    SvCacheEntry *e = &c->entries[slot];
    e->valid = 0;
    e->referenced = 0;
    return e->bytes;
}

void sv_cache_commit(SvReadCache *c, uint64_t loc, uint32_t pgno, const unsigned char *file_id,
                     const unsigned char *plain) {
    int i = sv_cache_lookup(c, loc);
    if (i < 0) return;
    SvCacheEntry *e = &c->entries[i];
    if (plain) memcpy(e->bytes + c->page_size, plain, (size_t)c->page_size);
    memcpy(e->file_id, file_id, SV_CACHE_ID_BYTES);
    e->pgno = pgno;
    e->valid = 1;
}

void sv_cache_drop(SvReadCache *c, uint64_t loc) {
    int i = sv_cache_lookup(c, loc);
    if (i < 0) return;
    // Its bytes stay allocated for the next entry of the slot; an opening that failed may have left
    // unauthenticated plaintext in them.
    if (!c->entries[i].valid) sodium_memzero(c->entries[i].bytes + c->page_size, (size_t)c->page_size);
    sv_cache_unlink(c, i);
}

const unsigned char *sv_cache_sealing_of(SvReadCache *c, uint64_t loc, uint32_t pgno, const unsigned char *file_id,
                                         const unsigned char *plain, int pgsz) {
    if (pgsz != c->page_size) return NULL;
    int i = sv_cache_lookup(c, loc);
    if (i < 0) return NULL;
    SvCacheEntry *e = &c->entries[i];
    if (!e->valid || e->pgno != pgno || memcmp(e->file_id, file_id, SV_CACHE_ID_BYTES) != 0 ||
        memcmp(e->bytes + pgsz, plain, (size_t)pgsz) != 0) {
        return NULL;
    }
    return e->bytes;
}

int sv_cache_holds(SvReadCache *c, uint64_t loc) {
    int i = sv_cache_lookup(c, loc);
    return i >= 0 && c->entries[i].valid;
}

void sv_cache_move(SvReadCache *c, uint64_t from, uint64_t to) {
    int i = sv_cache_lookup(c, from);
    if (i < 0 || from == to) return;
    sv_cache_drop(c, to);
    SvCacheEntry *e = &c->entries[i];
    int valid = e->valid, referenced = e->referenced;
    sv_cache_unlink(c, i);
    sv_cache_link(c, i, to);
    e->valid = valid;
    e->referenced = referenced;
}

void sv_cache_put(SvReadCache *c, uint64_t loc, uint32_t pgno, const unsigned char *file_id,
                  const unsigned char *sealed, const unsigned char *plain, int pgsz) {
    unsigned char *slot = sv_cache_reserve(c, loc, pgsz);
    if (!slot) return;
    memcpy(slot, sealed, (size_t)pgsz);
    sv_cache_commit(c, loc, pgno, file_id, plain);
}

void sv_cache_clear(SvReadCache *c) {
    if (c->entries) {
        for (int i = 0; i < c->capacity; i++) {
            if (c->entries[i].bytes) {
                // Only the opened half is secret: the sealed half holds bytes as they lie (or were written) on
                // disk. Wiping both doubled the pass over the budget (16 MiB) at every close.
                sodium_memzero(c->entries[i].bytes + c->page_size, (size_t)c->page_size);
                sqlite3_free(c->entries[i].bytes);
            }
        }
    }
    sqlite3_free(c->entries);
    sqlite3_free(c->buckets);
    sqlite3_free(c->ghosts);  // locations only, no content
    size_t budget = c->budget;
    uint64_t hits = c->hits, misses = c->misses;
    memset(c, 0, sizeof *c);
    c->budget = budget;
    c->hits = hits;
    c->misses = misses;
}
