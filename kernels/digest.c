/*
 * digest.c - FNV-1a fingerprints of strings and files, and base64 encoding
 * (see digest.h).  Reads files in blocks; never holds a whole file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "digest.h"

#define FNV_PRIME 0x100000001b3ULL

uint64_t ml_digest_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= FNV_PRIME;
	}
	return h;
}

int ml_digest_file(const char *path, uint64_t *out, ml_error *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ml_fail(e, ML_EINVAL, "digest: cannot open %s (%s)", path, strerror(errno));
	unsigned char buf[1 << 16];
	uint64_t h = ML_DIGEST_SEED;
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		h = ml_digest_bytes(h, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return ml_fail(e, ML_EINVAL, "digest: cannot read %s", path);
	*out = h;
	return ML_OK;
}

size_t ml_base64_size(size_t n)
{
	return (n + 2) / 3 * 4 + 1;
}

void ml_base64_encode(const unsigned char *p, size_t n, char *out)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i = 0, o = 0;
	for (; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		out[o++] = abc[v & 63];
	}
	if (i < n) { /* one or two bytes left: pad to four characters */
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}
