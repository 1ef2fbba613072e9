// The libsodium calls the booth page makes, exported from the WebAssembly module. Each wrapper
// only forwards: the page passes pointers into the module's memory, obtained from booth_alloc.
#include <stdlib.h>
#include <sodium.h>

#define EXPORT(name) __attribute__((export_name(#name)))

EXPORT(booth_init) int booth_init(void) { return sodium_init(); }
EXPORT(booth_alloc) void *booth_alloc(size_t n) { return malloc(n); }
EXPORT(booth_free) void booth_free(void *p) { free(p); }

// ristretto255 (RFC 9496): the group of every ciphertext and proof.
EXPORT(ristretto_is_valid) int ristretto_is_valid(const unsigned char *p) { return crypto_core_ristretto255_is_valid_point(p); }
EXPORT(ristretto_add) int ristretto_add(unsigned char *r, const unsigned char *p, const unsigned char *q) { return crypto_core_ristretto255_add(r, p, q); }
EXPORT(ristretto_sub) int ristretto_sub(unsigned char *r, const unsigned char *p, const unsigned char *q) { return crypto_core_ristretto255_sub(r, p, q); }
EXPORT(ristretto_from_hash) int ristretto_from_hash(unsigned char *p, const unsigned char *h) { return crypto_core_ristretto255_from_hash(p, h); }
EXPORT(ristretto_mul_base) int ristretto_mul_base(unsigned char *q, const unsigned char *n) { return crypto_scalarmult_ristretto255_base(q, n); }
EXPORT(ristretto_mul) int ristretto_mul(unsigned char *q, const unsigned char *n, const unsigned char *p) { return crypto_scalarmult_ristretto255(q, n, p); }
EXPORT(scalar_random) void scalar_random(unsigned char *r) { crypto_core_ristretto255_scalar_random(r); }
EXPORT(scalar_reduce) void scalar_reduce(unsigned char *r, const unsigned char *s) { crypto_core_ristretto255_scalar_reduce(r, s); }
EXPORT(scalar_add) void scalar_add(unsigned char *z, const unsigned char *x, const unsigned char *y) { crypto_core_ristretto255_scalar_add(z, x, y); }
EXPORT(scalar_sub) void scalar_sub(unsigned char *z, const unsigned char *x, const unsigned char *y) { crypto_core_ristretto255_scalar_sub(z, x, y); }
EXPORT(scalar_mul) void scalar_mul(unsigned char *z, const unsigned char *x, const unsigned char *y) { crypto_core_ristretto255_scalar_mul(z, x, y); }
EXPORT(scalar_negate) void scalar_negate(unsigned char *r, const unsigned char *s) { crypto_core_ristretto255_scalar_negate(r, s); }

// Hashes and signatures.
EXPORT(sha512) int sha512(unsigned char *out, const unsigned char *in, unsigned long long n) { return crypto_hash_sha512(out, in, n); }
EXPORT(sha256) int sha256(unsigned char *out, const unsigned char *in, unsigned long long n) { return crypto_hash_sha256(out, in, n); }
EXPORT(ed25519_seed_keypair) int ed25519_seed_keypair(unsigned char *pk, unsigned char *sk, const unsigned char *seed) { return crypto_sign_seed_keypair(pk, sk, seed); }
EXPORT(ed25519_sign) int ed25519_sign(unsigned char *sig, const unsigned char *m, unsigned long long n, const unsigned char *sk) { return crypto_sign_detached(sig, NULL, m, n, sk); }
EXPORT(ed25519_verify) int ed25519_verify(const unsigned char *sig, const unsigned char *m, unsigned long long n, const unsigned char *pk) { return crypto_sign_verify_detached(sig, m, n, pk); }
EXPORT(random_bytes) void random_bytes(unsigned char *out, size_t n) { randombytes_buf(out, n); }
EXPORT(wipe) void wipe(void *p, size_t n) { sodium_memzero(p, n); }
