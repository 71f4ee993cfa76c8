/*
 * npy.h - NumPy's array files: .npy (one array: a magic string, a Python-dict
 * header, then the raw elements) and .npz (a ZIP archive of .npy members,
 * stored or deflate-compressed through zlib).
 *
 * Reads every element type moonlab has (uint8, int8, int16, int32, int64,
 * float32, float64, and bool as uint8), in either byte order, C or Fortran
 * element order, format versions 1.0, 2.0 and 3.0.  Writes the host's byte
 * order, C order, version 1.0 headers padded to 64 bytes as numpy does, through
 * ml_file_open_atomic (a temporary file renamed into place).
 *
 * Deliberately not done: other numpy types (complex, float16, unsigned 16/32/64,
 * strings, structured and object arrays: refused with their numpy name),
 * pickles, memory mapping, ZIP64 archives (refused: they only matter past
 * 4 GiB or 65535 members), encrypted or multi-disk archives.
 *
 * Every count taken from a file is checked against the bytes the file holds
 * before anything is allocated.  Messages are "<who>: what went wrong (path)",
 * where `who` is the caller's name for the operation ("torch.loadnpy").
 */
#ifndef ML_NPY_H
#define ML_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "tensor.h"

typedef struct ml_npy_info {
	char descr[32];             /* numpy's type string as in the file, e.g. "<f8" */
	ml_dtype dtype;             /* tensor type the data loads as (bool loads as Byte) */
	int swap;                   /* 1: multi-byte values are in the non-host byte order */
	int fortran;                /* 1: column-major (Fortran) element order */
	int version;                /* format major version: 1, 2 or 3 */
	int ndim;                   /* dimensions in the file (0 for a numpy scalar) */
	int64_t size[ML_MAX_DIMS];  /* extent of each dimension */
	int64_t numel;              /* product of the extents (1 for a scalar) */
	uint64_t header_bytes;      /* magic + version + length + header: where the data starts */
} ml_npy_info;

typedef struct ml_npy_reader ml_npy_reader; /* one .npy stream: a file or an archive member */
typedef struct ml_npz ml_npz;               /* an open .npz archive (its central directory) */
typedef struct ml_npz_writer ml_npz_writer; /* an .npz archive being written */

/* Parses the first n bytes of an .npy stream (magic, version, length and the
 * whole header: n >= info->header_bytes) into info.  Fails naming `who` and
 * `label` (the file) on a bad magic, an unknown version, a malformed header,
 * an unsupported type or an absurd shape (negative, > ML_MAX_DIMS dimensions,
 * element count overflowing 64 bits).  Needs no more than the header. */
int ml_npy_parse_header(const void *buf, size_t n, ml_npy_info *info, const char *who,
                        const char *label, ml_error *e);

/* Opens the .npy file at path and reads its header into info.  On success *r
 * owns the open file (release with ml_npy_close); on failure *r is NULL.  The
 * data must fit in the file: a shape claiming more bytes than remain fails
 * here, before anything is allocated. */
int ml_npy_open(ml_npy_reader **r, const char *path, const char *who, ml_npy_info *info,
                ml_error *e);

/* Reads the elements described by info into t (an empty tensor of dtype
 * info->dtype, or one whose storage may be replaced): t gets a fresh storage,
 * the file's shape (a numpy scalar becomes a 1-element vector) and C strides,
 * or column-major strides for Fortran-order data (no copy: t is then a
 * non-contiguous view, as numpy's array is).  Byte order is fixed in place.
 * Archive members are checked against their CRC-32 after the data. */
int ml_npy_read(ml_npy_reader *r, const ml_npy_info *info, ml_tensor *t, ml_error *e);

/* Releases r (closing its file when it owns one).  NULL is a no-op. */
void ml_npy_close(ml_npy_reader *r);

/* Writes t (any dtype, any shape and strides; an empty tensor is shape (0,))
 * as an .npy file at path, atomically.  The file holds the host's byte order
 * and C element order. */
int ml_npy_save(const char *path, const ml_tensor *t, const char *who, ml_error *e);

/* ---- .npz archives ---- */

/* Opens the archive at path and reads its central directory.  Refuses ZIP64,
 * multi-disk and encrypted archives and compression other than stored (0)
 * and deflate (8), naming the member.  *z is NULL on failure. */
int ml_npz_open(ml_npz **z, const char *path, const char *who, ml_error *e);
/* Number of members. */
int64_t ml_npz_count(const ml_npz *z);
/* Name of member i (0-based) as stored, e.g. "w.npy"; owned by z. */
const char *ml_npz_name(const ml_npz *z, int64_t i);
/* Uncompressed size in bytes of member i. */
uint64_t ml_npz_size(const ml_npz *z, int64_t i);
/* Opens member i as an .npy stream and reads its header into info.  *r reads
 * through z's file: close it before reading another member, and before z. */
int ml_npz_member(ml_npz *z, int64_t i, ml_npy_reader **r, ml_npy_info *info, ml_error *e);
/* Reads the whole of member i (any content) into dst, which has room for
 * ml_npz_size(z, i) bytes; checks its CRC-32. */
int ml_npz_read_raw(ml_npz *z, int64_t i, void *dst, ml_error *e);
/* Releases z and closes its file.  NULL is a no-op. */
void ml_npz_close(ml_npz *z);

/* Starts an archive that will replace path atomically.  level 0 stores the
 * members, 1..9 deflates them at that zlib level. */
int ml_npz_writer_open(ml_npz_writer **w, const char *path, int level, const char *who,
                       ml_error *e);
/* Appends t as member `name` (stored as given: callers add ".npy").  Fails
 * when the archive would need ZIP64 (past 4 GiB or 65535 members). */
int ml_npz_writer_add(ml_npz_writer *w, const char *name, const ml_tensor *t, ml_error *e);
/* Writes the central directory, commits the file (rename into place) and frees
 * w, whatever the outcome. */
int ml_npz_writer_commit(ml_npz_writer *w, ml_error *e);
/* Frees w and deletes its temporary file; path is untouched.  NULL is a no-op. */
void ml_npz_writer_discard(ml_npz_writer *w);

#endif
