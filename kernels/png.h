/*
 * png.h - PNG files to and from image tensors, through libpng.
 *
 * Images are tensors laid out as Torch7's image package lays them out:
 * (C, H, W), channels first.  Loading accepts every PNG colour type (gray,
 * gray+alpha, palette, RGB, RGBA) at every bit depth (1, 2, 4, 8, 16),
 * interlaced or not; a tRNS chunk becomes an alpha channel.  Saving writes
 * gray, gray+alpha, RGB or RGBA at 8 or 16 bits, atomically.
 *
 * libpng reports errors by longjmp; those jumps stay inside png.c and come
 * out of these functions as an error code and message.  Not here: gamma and
 * colour-profile handling (samples are returned as stored), ancillary chunks
 * (text, time), APNG, other formats.
 */
#ifndef ML_PNG_H
#define ML_PNG_H

#include "tensor.h"

/* What a PNG file holds, from its header.  Filled by ml_png_load. */
typedef struct ml_png_info {
	int64_t width;       /* pixels per row */
	int64_t height;      /* rows */
	int channels;        /* channels loaded with channels = 0: 1 gray, 2 gray+alpha,
	                        3 RGB, 4 RGBA (palette -> 3 or 4, tRNS adds alpha) */
	int bit_depth;       /* bits per sample in the file: 1, 2, 4, 8 or 16 */
	int color_type;      /* PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA */
	int interlaced;      /* 1 for Adam7 */
} ml_png_info;

/* Reads the PNG file at path into dst, a fresh contiguous (C, H, W) tensor
 * (dst is released first).
 *   dt: ML_BYTE (8-bit values; 16-bit files are rounded to 8 bits,
 *       round(v * 255 / 65535); 1/2/4-bit files are scaled to 0..255 as
 *       v * 255 / (2^depth - 1)), ML_FLOAT or ML_DOUBLE (v / (2^depth - 1),
 *       in [0, 1]; palette entries are 8-bit).
 *   channels: 0 keeps the file's channels (see ml_png_info); 1..4 converts:
 *       to gray with the ITU-R 601 luma 0.299 R + 0.587 G + 0.114 B (rounded
 *       to the file's precision), dropping alpha, replicating gray into RGB,
 *       adding an opaque alpha.
 *   info: filled when not NULL.
 * Errors ("image.load: <reason> (<path>)"): cannot open, not a PNG file,
 * truncated file, libpng's message for corrupt data, other dtypes or channel
 * counts (ML_ETYPE / ML_EINVAL), out of memory.  On error dst is left empty. */
int ml_png_load(ml_tensor *dst, const char *path, ml_dtype dt, int channels, ml_png_info *info,
                ml_error *e);

/* Writes src to path as a PNG of `bits` (8 or 16) bits per sample.
 *   src: (H, W) gray, or (C, H, W) with C = 1 gray, 2 gray+alpha, 3 RGB,
 *        4 RGBA; any strides; H, W >= 1.
 *   ML_BYTE values are samples 0..255 (16-bit files store v * 257); ML_FLOAT
 *   and ML_DOUBLE values are clamped to [0, 1] (NaN -> 0) and stored as
 *   round(v * (2^bits - 1)).  So byte -> 8-bit, and k / 255 (k / 65535) ->
 *   8-bit (16-bit) -> the same dtype, round-trip exactly.
 * The file is written to a temporary file in the same directory, then renamed
 * over path, so path is never left half-written; the new file's mode is
 * 0666 minus the umask.  Errors: "image.save: <reason> (<path>)". */
int ml_png_save(const char *path, const ml_tensor *src, int bits, ml_error *e);

#endif
