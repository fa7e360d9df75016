// In-memory files for everything SQLite opens without a name: temp databases, transient indexes and sort
// runs, statement journals, VACUUM's copy (mem_file.h). They never reach the disk, whatever temp_store says.

#include "mem_file.h"

#include <sodium.h>
#include <string.h>

static int sv_mem_close(sqlite3_file *f) {
    SvMemFile *m = (SvMemFile *)f;
    if (m->data) {
        sodium_memzero(m->data, (size_t)m->high);  // past `high` nothing was ever written in this block
        sqlite3_free(m->data);
    }
    m->data = NULL;
    m->size = m->cap = m->high = 0;
    return SQLITE_OK;
}
static int sv_mem_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off) {
    SvMemFile *m = (SvMemFile *)f;
    if (off >= m->size) {
        memset(buf, 0, (size_t)amt);
        return SQLITE_IOERR_SHORT_READ;
    }
    sqlite3_int64 n = m->size - off < amt ? m->size - off : amt;
    memcpy(buf, m->data + off, (size_t)n);
    if (n < amt) {
        memset((unsigned char *)buf + n, 0, (size_t)(amt - n));
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}
static int sv_mem_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off) {
    SvMemFile *m = (SvMemFile *)f;
    sqlite3_int64 end = off + amt;
    if (end > m->cap) {
        sqlite3_int64 cap = m->cap ? m->cap : 65536;
        while (cap < end) cap *= 2;
        // A new block, the file copied into it and the old one wiped before it is freed: realloc would leave the
        // plaintext of a block it moves in freed heap memory. Growth doubles, so this is one more copy per doubling.
        unsigned char *d = sqlite3_malloc64((sqlite3_uint64)cap);
        if (!d) return SQLITE_IOERR_NOMEM;
        if (m->data) {
            memcpy(d, m->data, (size_t)m->size);
            sodium_memzero(m->data, (size_t)m->high);
            sqlite3_free(m->data);
        }
        m->data = d;
        m->cap = cap;
        m->high = m->size;  // the new block holds only what is below `size`
    }
    // Only a hole this write leaves is zeroed (it reads as zeros, as in a file); the rest of the room is
    // written before it is ever read, since reads stop at `size`. Zeroing all new room on growth, and wiping
    // all of it at close, cost two passes over up to twice the file (18 MiB each on speedtest1).
    if (off > m->size) memset(m->data + m->size, 0, (size_t)(off - m->size));
    memcpy(m->data + off, buf, (size_t)amt);
    if (end > m->size) m->size = end;
    if (m->size > m->high) m->high = m->size;
    return SQLITE_OK;
}
static int sv_mem_truncate(sqlite3_file *f, sqlite3_int64 size) {
    SvMemFile *m = (SvMemFile *)f;
    // What lies past the new size stays until a write covers it or a write past it zeroes the hole between
    // (sv_mem_write), since reads stop at `size`; it is wiped with the rest at close or growth.
    if (size < m->size) m->size = size;
    return SQLITE_OK;
}
static int sv_mem_sync(sqlite3_file *f, int flags) { return SQLITE_OK; }
static int sv_mem_file_size(sqlite3_file *f, sqlite3_int64 *size) {
    *size = ((SvMemFile *)f)->size;
    return SQLITE_OK;
}
static int sv_mem_lock(sqlite3_file *f, int level) { return SQLITE_OK; }
static int sv_mem_check_reserved_lock(sqlite3_file *f, int *out) {
    *out = 0;
    return SQLITE_OK;
}
static int sv_mem_file_control(sqlite3_file *f, int op, void *arg) { return SQLITE_NOTFOUND; }
static int sv_mem_sector_size(sqlite3_file *f) { return 4096; }
static int sv_mem_device_characteristics(sqlite3_file *f) {
    return SQLITE_IOCAP_ATOMIC | SQLITE_IOCAP_SAFE_APPEND | SQLITE_IOCAP_SEQUENTIAL | SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

static const sqlite3_io_methods sv_mem_methods = {
    .iVersion = 1,                         // no shared memory: SQLite never opens a WAL for a temp file
    .xClose = sv_mem_close,                // wipes the bytes
    .xRead = sv_mem_read,                  // past the end: zeros and SHORT_READ, as SQLite expects
    .xWrite = sv_mem_write,
    .xTruncate = sv_mem_truncate,          // only shrinks (growing happens by writing)
    .xSync = sv_mem_sync,                  // nothing to flush
    .xFileSize = sv_mem_file_size,
    .xLock = sv_mem_lock,                  // one connection owns a temp file: no locking
    .xUnlock = sv_mem_lock,
    .xCheckReservedLock = sv_mem_check_reserved_lock,
    .xFileControl = sv_mem_file_control,   // none understood
    .xSectorSize = sv_mem_sector_size,
    .xDeviceCharacteristics = sv_mem_device_characteristics,  // memory: atomic, safe append, sequential
};

void sv_mem_open(sqlite3_file *f) {
    SvMemFile *m = (SvMemFile *)f;
    memset(m, 0, sizeof *m);
    m->base.pMethods = &sv_mem_methods;
}
