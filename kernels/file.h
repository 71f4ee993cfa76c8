/*
 * file.h - byte-level files on disk or in memory, with Torch7's two encodings
 * of typed values: binary (the bytes of each value, in a chosen byte order and
 * with Longs of 4 or 8 bytes) and ascii (one printed number per value, spaces
 * between the values of one call and a newline after them; Byte and Char
 * values are written as raw bytes).
 *
 * This is what torch.DiskFile and torch.MemoryFile sit on, and what the
 * object serializer (stdlib/torch/serialize.lua) reads and writes through.  It
 * knows nothing about objects, tables or Lua.  Disk files opened with
 * ml_file_open_atomic write a temporary file next to the target and rename it
 * into place on ml_file_close, so a failed save never damages the old file.
 *
 * Positions are 0-based byte offsets here; the binding shows them 1-based.
 * Errors return ML_E* codes with "file.<verb>: what went wrong (context)" and
 * set f->error; nothing here raises, exits or aborts.
 */
#ifndef ML_FILE_H
#define ML_FILE_H

#include <stdint.h>
#include <stdio.h>

#include "tensor.h"

enum {
	ML_FILE_NATIVE = 0, /* byte order of binary values: the host's */
	ML_FILE_LITTLE = 1,
	ML_FILE_BIG = 2
};

typedef struct ml_file {
	FILE *fp;            /* disk: the stream; NULL for memory files and once closed */
	char *buf;           /* memory: the bytes (owned), NULL until something is held */
	size_t len;          /* memory: bytes held */
	size_t cap;          /* memory: bytes allocated in buf */
	size_t pos;          /* memory: cursor */
	char *path;          /* disk: the path given to open (owned), for messages */
	char *tmp_path;      /* atomic disk files: the temporary file renamed over path on close */
	int is_memory;       /* 1 for a memory file */
	int is_open;         /* 1 until ml_file_close / ml_file_discard */
	int readable;        /* mode allows reads */
	int writable;        /* mode allows writes */
	int binary;          /* 1: binary encoding, 0: ascii (Torch7's default) */
	int autospacing;     /* ascii: spaces between values, newline after each call */
	int endian;          /* ML_FILE_NATIVE, ML_FILE_LITTLE or ML_FILE_BIG */
	int longsize;        /* bytes of a binary Long: 8 (default) or 4 */
	int last_op;         /* disk: 0 none, 1 read, 2 write (stdio needs a seek between them) */
	int error;           /* set by any failed operation, cleared by the caller */
} ml_file;

/* Opens path on disk.  mode "r" reads an existing file, "w" creates or
 * truncates, "rw" reads and writes (created when missing, cursor at 0).
 * f starts in ascii mode, autospacing, native byte order. */
int ml_file_open(ml_file *f, const char *path, const char *mode, ml_error *e);

/* Opens a write-only disk file that will replace path atomically: the bytes
 * go to a new temporary file in path's directory, renamed over path by
 * ml_file_close (after flushing and fsync).  ml_file_discard instead deletes
 * the temporary file and leaves path untouched. */
int ml_file_open_atomic(ml_file *f, const char *path, ml_error *e);

/* Opens a memory file holding a copy of the n bytes at data (data may be NULL
 * when n is 0); mode as for disk files ("w" starts empty).  Cursor at 0. */
int ml_file_open_memory(ml_file *f, const void *data, size_t n, const char *mode, ml_error *e);

/* Closes f: flushes a disk file (commits an atomic one), frees a memory file's
 * bytes.  Returns the flush/commit status; f is closed either way.  Closing a
 * closed file is a no-op returning ML_OK. */
int ml_file_close(ml_file *f, ml_error *e);

/* Releases everything f holds without committing: an atomic file's temporary
 * is deleted.  Idempotent; the __gc of file objects. */
void ml_file_discard(ml_file *f);

/* Writes n values of dtype dt from src (contiguous) in f's encoding. */
int ml_file_write(ml_file *f, ml_dtype dt, const void *src, int64_t n, ml_error *e);

/* Reads up to n values of dtype dt into dst; *got is the number read.  Fewer
 * than n (end of file, bad ascii token) is an error. */
int ml_file_read(ml_file *f, ml_dtype dt, void *dst, int64_t n, int64_t *got, ml_error *e);

/* Fails (ML_ERANGE, nothing allocated or read) when the rest of f cannot hold n
 * values of dt: n*size bytes in binary, n bytes in ascii.  Callers check this
 * before allocating room for a count that came from the file. */
int ml_file_check_room(ml_file *f, ml_dtype dt, int64_t n, ml_error *e);

/* Raw bytes, whatever the encoding (Torch7's writeString / readString). */
int ml_file_write_bytes(ml_file *f, const void *src, size_t n, ml_error *e);
/* Reads up to n bytes; *got is the count; a short read is not an error here. */
int ml_file_read_bytes(ml_file *f, void *dst, size_t n, size_t *got, ml_error *e);
/* Reads bytes into dst (room for cap) up to and excluding a newline, which is
 * consumed; *eol is 1 when the newline was reached, 0 when cap or the end of
 * the file stopped the read (call again to continue a long line). */
int ml_file_read_line(ml_file *f, char *dst, size_t cap, size_t *got, int *eol, ml_error *e);

/* In ascii autospacing mode, consumes one newline if it is the next byte (what
 * a read of Byte/Char values does after them). */
void ml_file_skip_newline(ml_file *f);

/* Bytes from the cursor to the end, or -1 when unknown (pipes, closed files). */
int64_t ml_file_remaining(ml_file *f);
/* Cursor position in bytes from the start (0-based), or -1 on error. */
int64_t ml_file_tell(ml_file *f);
/* Moves the cursor to byte pos (0-based); a memory file cannot seek past its end. */
int ml_file_seek(ml_file *f, int64_t pos, ml_error *e);
int ml_file_seek_end(ml_file *f, ml_error *e);
/* Pushes buffered writes of a disk file to the operating system. */
int ml_file_flush(ml_file *f, ml_error *e);

/* 1 when the host stores numbers little-endian. */
int ml_file_host_little_endian(void);

#endif
