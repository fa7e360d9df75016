// One page's XChaCha20-Poly1305 (IETF, detached), byte for byte as libsodium computes it (aead.h).
//
// XChaCha20-Poly1305 is HChaCha20 (the key and the nonce's first 16 bytes give a subkey) followed by
// ChaCha20-Poly1305 IETF under that subkey with the nonce 0000 ‖ the nonce's last 8 bytes. libsodium 1.0.18
// does both; OpenSSL's libcrypto has a faster ChaCha20-Poly1305 IETF (2.3x on this project's AMD machines,
// 1.3x on the Intel ones: docs/benchmarks.md), so the subkey comes from libsodium's crypto_core_hchacha20 and
// the rest from EVP_chacha20_poly1305. The sealed bytes are the same either way, so the format does not
// change; sv_aead_init checks that on a known page before it lets OpenSSL seal or open anything, and keeps
// libsodium when they differ or OpenSSL fails.

#include "aead.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

enum { SV_AEAD_LIBSODIUM = 0, SV_AEAD_OPENSSL = 1 };
static int sv_aead_impl = SV_AEAD_LIBSODIUM;
static const char *const sv_aead_names[2] = {"libsodium", "openssl"};

// OpenSSL's contexts hold state between the calls of one operation, so each thread has its own pair, and a
// buffer that decryption writes to before the tag is known (libsodium checks the tag first; OpenSSL at the
// end, so unauthenticated plaintext must never land in the caller's buffer).
typedef struct {
    EVP_CIPHER_CTX *enc, *dec;
    unsigned char *buf;
    size_t size;
} SvAeadThread;

static pthread_key_t sv_aead_thread_key;
static pthread_once_t sv_aead_thread_once = PTHREAD_ONCE_INIT;

static void sv_aead_thread_free(void *v) {
    SvAeadThread *t = v;
    EVP_CIPHER_CTX_free(t->enc);  // cleanses the key schedule
    EVP_CIPHER_CTX_free(t->dec);
    if (t->buf) {
        sodium_memzero(t->buf, t->size);
        free(t->buf);
    }
    free(t);
}

static void sv_aead_thread_setup(void) { pthread_key_create(&sv_aead_thread_key, sv_aead_thread_free); }

static SvAeadThread *sv_aead_thread(void) {
    pthread_once(&sv_aead_thread_once, sv_aead_thread_setup);
    SvAeadThread *t = pthread_getspecific(sv_aead_thread_key);
    if (t) return t;
    t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->enc = EVP_CIPHER_CTX_new();
    t->dec = EVP_CIPHER_CTX_new();
    if (!t->enc || !t->dec || EVP_EncryptInit_ex(t->enc, EVP_chacha20_poly1305(), NULL, NULL, NULL) != 1 ||
        EVP_DecryptInit_ex(t->dec, EVP_chacha20_poly1305(), NULL, NULL, NULL) != 1 ||
        pthread_setspecific(sv_aead_thread_key, t) != 0) {
        sv_aead_thread_free(t);
        return NULL;
    }
    return t;
}

static void sv_subkey(unsigned char sub[32], unsigned char n12[12], const unsigned char *nonce, const unsigned char *key) {
    crypto_core_hchacha20(sub, nonce, key, NULL);
    memset(n12, 0, 4);
    memcpy(n12 + 4, nonce + 16, 8);
}

// 1 sealed; 0 OpenSSL failed (the caller seals with libsodium).
static int sv_openssl_seal(unsigned char *c, unsigned char *tag, const unsigned char *m, size_t mlen,
                           const unsigned char *ad, size_t adlen, const unsigned char *nonce, const unsigned char *key) {
    SvAeadThread *t = sv_aead_thread();
    if (!t) return 0;
    unsigned char sub[32], n12[12];
    int len = 0, fin = 0;
    sv_subkey(sub, n12, nonce, key);
    int ok = EVP_EncryptInit_ex(t->enc, NULL, NULL, sub, n12) == 1 &&
             EVP_EncryptUpdate(t->enc, NULL, &len, ad, (int)adlen) == 1 &&
             EVP_EncryptUpdate(t->enc, c, &len, m, (int)mlen) == 1 && EVP_EncryptFinal_ex(t->enc, c + len, &fin) == 1 &&
             (size_t)(len + fin) == mlen && EVP_CIPHER_CTX_ctrl(t->enc, EVP_CTRL_AEAD_GET_TAG, 16, tag) == 1;
    sodium_memzero(sub, sizeof sub);
    return ok;
}

// Decrypts `c` into `out` and checks the tag: 1 authentic, 0 not (`out` then holds unauthenticated bytes),
// -1 OpenSSL failed.
static int sv_openssl_decrypt(SvAeadThread *t, unsigned char *out, const unsigned char *c, size_t clen,
                              const unsigned char *tag, const unsigned char *ad, size_t adlen,
                              const unsigned char *nonce, const unsigned char *key) {
    unsigned char sub[32], n12[12], tg[16];
    int len = 0, fin = 0;
    memcpy(tg, tag, sizeof tg);
    sv_subkey(sub, n12, nonce, key);
    int rc = -1;
    if (EVP_DecryptInit_ex(t->dec, NULL, NULL, sub, n12) == 1 && EVP_CIPHER_CTX_ctrl(t->dec, EVP_CTRL_AEAD_SET_TAG, 16, tg) == 1 &&
        EVP_DecryptUpdate(t->dec, NULL, &len, ad, (int)adlen) == 1 && EVP_DecryptUpdate(t->dec, out, &len, c, (int)clen) == 1 &&
        (size_t)len == clen) {
        rc = EVP_DecryptFinal_ex(t->dec, out + len, &fin) == 1 ? 1 : 0;
    }
    sodium_memzero(sub, sizeof sub);
    return rc;
}

// 1 authentic, 0 not, -1 OpenSSL failed (the caller opens with libsodium).
static int sv_openssl_open(unsigned char *m, const unsigned char *c, size_t clen, const unsigned char *tag,
                           const unsigned char *ad, size_t adlen, const unsigned char *nonce, const unsigned char *key) {
    SvAeadThread *t = sv_aead_thread();
    if (!t) return -1;
    if (t->size < clen) {
        unsigned char *b = malloc(clen);
        if (!b) return -1;
        if (t->buf) {
            sodium_memzero(t->buf, t->size);
            free(t->buf);
        }
        t->buf = b;
        t->size = clen;
    }
    int rc = sv_openssl_decrypt(t, t->buf, c, clen, tag, ad, adlen, nonce, key);
    if (rc == 1) memcpy(m, t->buf, clen);
    sodium_memzero(t->buf, clen);
    return rc;
}

void sv_aead_seal(unsigned char *c, unsigned char *tag, const unsigned char *m, size_t mlen, const unsigned char *ad,
                  size_t adlen, const unsigned char *nonce, const unsigned char *key) {
    if (sv_aead_impl == SV_AEAD_OPENSSL && sv_openssl_seal(c, tag, m, mlen, ad, adlen, nonce, key)) return;
    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c, tag, NULL, m, mlen, ad, adlen, NULL, nonce, key);
}

int sv_aead_open(unsigned char *m, const unsigned char *c, size_t clen, const unsigned char *tag, const unsigned char *ad,
                 size_t adlen, const unsigned char *nonce, const unsigned char *key) {
    if (sv_aead_impl == SV_AEAD_OPENSSL) {
        int rc = sv_openssl_open(m, c, clen, tag, ad, adlen, nonce, key);
        if (rc >= 0) return rc;
    }
    return crypto_aead_xchacha20poly1305_ietf_decrypt_detached(m, NULL, c, clen, tag, ad, adlen, nonce, key) == 0;
}

int sv_aead_open_private(unsigned char *m, const unsigned char *c, size_t clen, const unsigned char *tag,
                         const unsigned char *ad, size_t adlen, const unsigned char *nonce, const unsigned char *key) {
    if (sv_aead_impl == SV_AEAD_OPENSSL) {
        SvAeadThread *t = sv_aead_thread();
        int rc = t ? sv_openssl_decrypt(t, m, c, clen, tag, ad, adlen, nonce, key) : -1;
        if (rc >= 0) return rc;
    }
    return crypto_aead_xchacha20poly1305_ietf_decrypt_detached(m, NULL, c, clen, tag, ad, adlen, nonce, key) == 0;
}

// A known page sealed by both must give the same bytes, and each must open the other's and refuse a changed one.
static int sv_aead_same(void) {
    enum { N = 4056 };
    unsigned char *m = malloc(N), *c1 = malloc(N), *c2 = malloc(N), *back = malloc(N);
    unsigned char key[32], nonce[24], ad[32], t1[16], t2[16];
    int same = 0;
    if (m && c1 && c2 && back) {
        for (int i = 0; i < N; i++) m[i] = (unsigned char)(i * 7 + 3);
        for (int i = 0; i < 32; i++) key[i] = (unsigned char)(i * 13 + 1), ad[i] = (unsigned char)(200 - i);
        for (int i = 0; i < 24; i++) nonce[i] = (unsigned char)(i * 29 + 5);
        crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c1, t1, NULL, m, N, ad, sizeof ad, NULL, nonce, key);
        same = sv_openssl_seal(c2, t2, m, N, ad, sizeof ad, nonce, key) && memcmp(c1, c2, N) == 0 &&
               memcmp(t1, t2, 16) == 0 && sv_openssl_open(back, c1, N, t1, ad, sizeof ad, nonce, key) == 1 &&
               memcmp(back, m, N) == 0;
        c1[100] ^= 1;
        same = same && sv_openssl_open(back, c1, N, t1, ad, sizeof ad, nonce, key) == 0;
    }
    free(m);
    free(c1);
    free(c2);
    free(back);
    return same;
}

const char *sv_aead_init(void) {
    sv_aead_impl = sv_aead_same() ? SV_AEAD_OPENSSL : SV_AEAD_LIBSODIUM;
    return sv_aead_names[sv_aead_impl];
}

const char *sv_aead_name(void) { return sv_aead_names[sv_aead_impl]; }

int sv_aead_select(const char *name) {
    if (name && strcmp(name, "libsodium") == 0) {
        sv_aead_impl = SV_AEAD_LIBSODIUM;
        return 1;
    }
    if (name && strcmp(name, "openssl") == 0 && sv_aead_same()) {
        sv_aead_impl = SV_AEAD_OPENSSL;
        return 1;
    }
    return 0;
}
