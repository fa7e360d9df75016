// The read cache of one sealed connection: page images it authenticated, sealed and opened (read_cache.c).
// Internal to the SealedVFS target; sealed_vfs.c is its only user.
#ifndef SEALEDVFS_READ_CACHE_H
#define SEALEDVFS_READ_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define SV_CACHE_ID_BYTES 16

typedef struct SvCacheEntry SvCacheEntry;

typedef struct SvReadCache {
    size_t budget;          // bytes the entries may hold (sealed + opened), 0: no cache
    int page_size;          // every entry holds pages of this size; 0 until the first entry
    int capacity;           // entries at most: budget / (2 * page_size)
    int count;              // entries in use
    SvCacheEntry *entries;  // `capacity` slots, allocated at the first entry
    int *buckets;           // hash of the location -> first slot, -1 when none
    int bucket_mask;
    int hand;               // the clock's hand: where eviction looks next
    uint64_t *ghosts;       // locations met once and not held (direct-mapped, loc + 1; 0 = empty)
    int ghost_mask;
    uint64_t hits, misses;  // reads answered; reads that had to open the page (sealed_vfs.c counts them)
    // The last lookup: one read or write asks about the same location several times in a row.
    uint64_t memo_loc;
    int memo_slot;          // the slot holding memo_loc, -1 when none
    int memo_valid;         // cleared whenever a slot is linked or unlinked
} SvReadCache;

/// An empty cache that may hold up to `budget` bytes of pages (sealed and opened copies both count).
void sv_cache_init(SvReadCache *c, size_t budget);

/// The opened page held for `loc` when `sealed` (`pgsz` bytes, as just read from the file) is byte for byte
/// the sealed page it was opened from, under the same page number and file id; else NULL.
const unsigned char *sv_cache_find(SvReadCache *c, uint64_t loc, uint32_t pgno, const unsigned char *file_id,
                                   const unsigned char *sealed, int pgsz);

/// Holds `plain` as the authentic opening of `sealed` at `loc` (replacing what was held there). Best effort:
/// without memory, or with another page size than the entries held, nothing is kept.
void sv_cache_put(SvReadCache *c, uint64_t loc, uint32_t pgno, const unsigned char *file_id,
                  const unsigned char *sealed, const unsigned char *plain, int pgsz);

/// Whether a page met at `loc` should be held: when it is held already, or was met once before (a page
/// SQLite's own cache kept is read once and never held; one it let go and reads again is). Records `loc`
/// otherwise.
int sv_cache_admit(SvReadCache *c, uint64_t loc);

/// A slot for `loc`: `pgsz` bytes for the sealed page, then `pgsz` for its opening; NULL when none. The
/// caller fills the sealed half and opens it into the other (private memory: unauthenticated bytes may land
/// there), then sv_cache_commit (authentic: `plain` is copied in, or NULL when the opening is in place) or
/// sv_cache_drop (not authentic: the slot is wiped).
unsigned char *sv_cache_reserve(SvReadCache *c, uint64_t loc, int pgsz);
void sv_cache_commit(SvReadCache *c, uint64_t loc, uint32_t pgno, const unsigned char *file_id,
                     const unsigned char *plain);
void sv_cache_drop(SvReadCache *c, uint64_t loc);

/// The sealed bytes held for `loc` when they are a sealing of exactly `plain` (`pgsz` bytes) as page `pgno`
/// under `file_id`: an authentic pair whose opened half equals `plain`. Else NULL.
const unsigned char *sv_cache_sealing_of(SvReadCache *c, uint64_t loc, uint32_t pgno, const unsigned char *file_id,
                                         const unsigned char *plain, int pgsz);

/// Whether `loc` holds an authentic pair.
int sv_cache_holds(SvReadCache *c, uint64_t loc);

/// Re-files the pair held for `from` under `to` (replacing what `to` held), without copying it: the same
/// sealed bytes now lie at `to` as well. Nothing when `from` holds none.
void sv_cache_move(SvReadCache *c, uint64_t from, uint64_t to);

/// Wipes every opened page (sodium_memzero; the sealed halves are public) and frees the memory; the cache is
/// empty and keeps its budget.
void sv_cache_clear(SvReadCache *c);

#endif
