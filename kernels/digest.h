/*
 * digest.h - content fingerprints and base64, for the notebook runner's cache
 * keys and the data URIs of its pages.  Not cryptographic: the hash detects
 * change, it does not resist an adversary.
 */
#ifndef ML_DIGEST_H
#define ML_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "tensor.h"

/* 64-bit FNV-1a of n bytes, continuing from h (start with ML_DIGEST_SEED). */
#define ML_DIGEST_SEED 0xcbf29ce484222325ULL
uint64_t ml_digest_bytes(uint64_t h, const void *p, size_t n);

/* The digest of a whole file's bytes into *out.  ML_EINVAL (message naming the
 * path and the system's reason) when it cannot be read. */
int ml_digest_file(const char *path, uint64_t *out, ml_error *e);

/* Base64 (RFC 4648, with padding) of n bytes into out, which must hold
 * ml_base64_size(n) bytes (the text and a terminating NUL). */
size_t ml_base64_size(size_t n);
void ml_base64_encode(const unsigned char *p, size_t n, char *out);

#endif
