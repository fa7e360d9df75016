// XChaCha20-Poly1305 (IETF, detached) for one page, as libsodium defines it, computed by OpenSSL's libcrypto
// where it is present and gives the same bytes, else by libsodium (aead.c). Internal to the SealedVFS target.
#ifndef SEALEDVFS_AEAD_H
#define SEALEDVFS_AEAD_H

#include <stddef.h>

/// Chooses the implementation once, after checking that OpenSSL's output equals libsodium's on a known page.
/// Call after sodium_init. Returns the name of the implementation in use.
const char *sv_aead_init(void);

/// `c` (mlen bytes, distinct from `m`) and `tag` (16 bytes) seal `m` with associated data `ad`.
void sv_aead_seal(unsigned char *c, unsigned char *tag, const unsigned char *m, size_t mlen, const unsigned char *ad,
                  size_t adlen, const unsigned char *nonce, const unsigned char *key);

/// Opens `c` into `m` (which may be `c`). Returns 1 when authentic; otherwise 0 and `m` is untouched, as
/// with libsodium (callers look at the sealed bytes again after a failure).
int sv_aead_open(unsigned char *m, const unsigned char *c, size_t clen, const unsigned char *tag, const unsigned char *ad,
                 size_t adlen, const unsigned char *nonce, const unsigned char *key);

/// sv_aead_open into `m`, memory of the caller's own that nothing else reads (distinct from `c`): OpenSSL
/// decrypts straight into it, without the copy through a per-thread buffer. Returns 1 when authentic; on 0
/// `m` may hold unauthenticated bytes, which the caller wipes and never hands on.
int sv_aead_open_private(unsigned char *m, const unsigned char *c, size_t clen, const unsigned char *tag,
                         const unsigned char *ad, size_t adlen, const unsigned char *nonce, const unsigned char *key);

/// The name of the implementation in use: "openssl" or "libsodium".
const char *sv_aead_name(void);

/// Switches to "libsodium" or "openssl" (the latter only when it gives the same bytes). Returns 1 when done.
int sv_aead_select(const char *name);

#endif
