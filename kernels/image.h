/*
 * image.h - geometric image operations on tensors: resampling (bilinear and
 * nearest neighbour), flips and quarter-turn rotations.
 *
 * An image is a tensor of shape (H, W) or (C, H, W) (Torch7's image layout),
 * with any strides.  Every function writes a fresh contiguous result of the
 * same number of dimensions.  Indices here are 0-based.
 *
 * Not here: arbitrary-angle rotation, bicubic or area resampling, colour
 * spaces, crops (a crop is a narrowed view plus a copy: see the Lua module),
 * file formats (png.h).
 */
#ifndef ML_IMAGE_H
#define ML_IMAGE_H

#include "tensor.h"

typedef enum ml_image_filter {
	ML_IMAGE_BILINEAR,   /* linear in x then in y, pixel centres aligned */
	ML_IMAGE_NEAREST     /* nearest neighbour ("simple" in Torch7) */
} ml_image_filter;

/* Resamples src, (H, W) or (C, H, W), to dst of shape (h, w) or (C, h, w).
 * Accepts Byte, Float and Double (dst has src's dtype).
 *   Bilinear: output column x samples the source at
 *     s = (x + 0.5) * W / w - 0.5, clamped to [0, W - 1]
 *   (pixel centres aligned, as OpenCV's INTER_LINEAR and PyTorch's
 *   align_corners=false), x0 = floor(s), x1 = min(x0 + 1, W - 1), f = s - x0;
 *   rows likewise.  The value is computed in double as
 *     (1-fy) * ((1-fx) a + fx b) + fy * ((1-fx) c + fx d)
 *   with a, b from row y0 and c, d from row y1 (a weight of exactly 0 drops
 *   its term); Byte results are rounded to nearest and clamped to 0..255.
 *   Nearest: output column x takes source column floor(x * W / w) (Torch7's
 *   "simple"); rows likewise.  Values are copied exactly.
 * Same size in and out copies exactly in both modes.
 * Errors: ndim not 2 or 3, an empty source, w or h < 1, other dtypes. */
int ml_image_scale(ml_tensor *dst, const ml_tensor *src, int64_t w, int64_t h,
                   ml_image_filter filter, ml_error *e);

typedef enum ml_image_turn {
	ML_IMAGE_HFLIP,      /* left <-> right: dst[y][x] = src[y][W-1-x] */
	ML_IMAGE_VFLIP,      /* top <-> bottom: dst[y][x] = src[H-1-y][x] */
	ML_IMAGE_ROT90,      /* a quarter turn counterclockwise (numpy.rot90):
	                        dst (W, H), dst[i][j] = src[j][W-1-i] */
	ML_IMAGE_ROT180,     /* half turn: dst[y][x] = src[H-1-y][W-1-x] */
	ML_IMAGE_ROT270      /* a quarter turn clockwise: dst (W, H), dst[i][j] = src[H-1-j][i] */
} ml_image_turn;

/* dst = src flipped or rotated by `turn`, per channel.  src: (H, W) or
 * (C, H, W), any dtype, any strides, any sizes (empty included); dst is
 * released first and becomes a fresh contiguous tensor of src's dtype.
 * Errors: ndim not 2 or 3, out of memory. */
int ml_image_turn_to(ml_tensor *dst, const ml_tensor *src, ml_image_turn turn, ml_error *e);

#endif
