// In-memory files (mem_file.c): what SQLite opens without a name never reaches the disk. Internal to the
// SealedVFS target; sealed_vfs.c opens them.
#ifndef SEALEDVFS_MEM_FILE_H
#define SEALEDVFS_MEM_FILE_H

#include <sqlite3.h>

/// A file held in memory, grown by doubling (each old block wiped before it is freed); the bytes it was given are
/// wiped when it closes.
typedef struct SvMemFile {
    sqlite3_file base;
    unsigned char *data;
    sqlite3_int64 size;
    sqlite3_int64 cap;
    sqlite3_int64 high;  // the largest size it has had in this block: bytes past it were never written (nothing to wipe)
} SvMemFile;

/// Makes `f` (at least sizeof(SvMemFile) bytes, as SQLite allocates szOsFile) an empty file in memory.
void sv_mem_open(sqlite3_file *f);

#endif
