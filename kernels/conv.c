/*
 * conv.c - conv2, xcorr2, conv3, xcorr3 (see conv.h for the contracts).
 *
 * Everything is one engine over 2-D planes: a 2-D form is a 3-D form of
 * depth 1.  The input is first brought into a contiguous buffer of the
 * compute type (Float, Double, or Long for integer dtypes), padded with
 * kh-1 rows and kw-1 columns of zeros on each side in full mode, so that
 * every output plane is a valid cross-correlation; depth padding is not
 * materialized (planes outside the input are skipped).  Convolution copies
 * the kernel with every spatial axis reversed and then cross-correlates, so
 * conv and xcorr share every floating-point operation.
 *
 * An output row is computed as kh*kw scaled additions of input row segments
 * (out[0..ow) += k[a][b] * x[r+a][b..b+ow)): contiguous loops the compiler
 * vectorizes, with the output row staying in L1.  Work is split over
 * threads by (output plane, block of rows); each output element is summed
 * in the same order whichever thread computes it.
 *
 * It does not use FFTs or im2col + GEMM: for the kernel sizes of Torch7's
 * uses (up to ~15x15) the direct form is already memory-friendly.
 */
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "conv.h"
#include "internal.h"

#define GRAIN_MACS 65536 /* multiply-adds per thread below which a call stays serial */

typedef enum form { FORM_ONE, FORM_EACH, FORM_SUM } form;

/* One call's geometry and buffers; planes are contiguous blocks of the
 * compute type. */
typedef struct plan {
	ml_dtype ct;            /* compute dtype: Float, Double or Long */
	size_t es;              /* its element size */
	form f;                 /* ONE, EACH (plane p with kernel p), SUM (sum over p) */
	int64_t P;              /* input volumes */
	int64_t D, kd, od;      /* depth of input, kernel, output (1 in 2-D) */
	int64_t doff;           /* full mode: kd - 1, else 0 */
	int64_t Hp, Wp;         /* input plane size (padded in full mode) */
	int64_t kh, kw, oh, ow; /* kernel and output plane sizes */
	const char *x;          /* input planes, (P * D) of Hp x Wp */
	const char *k;          /* kernel planes, (volumes * kd) of kh x kw */
	char *o;                /* output planes, (volumes * od) of oh x ow */
	int64_t rpt;            /* output rows per task */
	int64_t tpp;            /* tasks per output plane */
} plan;

/* o[0..n) += w * x[0..n) in the compute type ct (integers wrap). */
static void axpy(ml_dtype ct, char *o, const char *x, const char *w, int64_t n)
{
	switch (ct) {
	case ML_DOUBLE: {
		double *restrict a = (double *)(void *)o;
		const double *restrict b = (const double *)(const void *)x;
		double c = *(const double *)(const void *)w;
#pragma omp simd
		for (int64_t j = 0; j < n; j++)
			a[j] += c * b[j];
		break;
	}
	case ML_FLOAT: {
		float *restrict a = (float *)(void *)o;
		const float *restrict b = (const float *)(const void *)x;
		float c = *(const float *)(const void *)w;
#pragma omp simd
		for (int64_t j = 0; j < n; j++)
			a[j] += c * b[j];
		break;
	}
	default: {
		uint64_t *restrict a = (uint64_t *)(void *)o;
		const uint64_t *restrict b = (const uint64_t *)(const void *)x;
		uint64_t c = *(const uint64_t *)(const void *)w;
#pragma omp simd
		for (int64_t j = 0; j < n; j++)
			a[j] += c * b[j];
		break;
	}
	}
}

/* Output rows [r0, r1) of output plane `plane`. */
static void run_task(const plan *pl, int64_t task)
{
	int64_t plane = task / pl->tpp, part = task % pl->tpp;
	int64_t r0 = part * pl->rpt, r1 = r0 + pl->rpt < pl->oh ? r0 + pl->rpt : pl->oh;
	int64_t v = plane / pl->od, i = plane % pl->od;
	size_t es = pl->es;
	char *out = pl->o + (size_t)(plane * pl->oh * pl->ow) * es;
	if (r1 > r0)
		memset(out + (size_t)(r0 * pl->ow) * es, 0, (size_t)((r1 - r0) * pl->ow) * es);
	int64_t np = pl->f == FORM_SUM ? pl->P : 1;
	for (int64_t q = 0; q < np; q++) {
		int64_t p = pl->f == FORM_SUM ? q : pl->f == FORM_EACH ? v : 0;
		int64_t kv = pl->f == FORM_SUM ? v * pl->P + q : pl->f == FORM_EACH ? v : 0;
		for (int64_t c = 0; c < pl->kd; c++) {
			int64_t d = i + c - pl->doff;
			if (d < 0 || d >= pl->D)
				continue; /* a zero plane of the padding */
			const char *xp = pl->x + (size_t)((p * pl->D + d) * pl->Hp * pl->Wp) * es;
			const char *kp = pl->k + (size_t)((kv * pl->kd + c) * pl->kh * pl->kw) * es;
			for (int64_t r = r0; r < r1; r++) {
				char *orow = out + (size_t)(r * pl->ow) * es;
				for (int64_t a = 0; a < pl->kh; a++) {
					const char *xrow = xp + (size_t)((r + a) * pl->Wp) * es;
					const char *krow = kp + (size_t)(a * pl->kw) * es;
					for (int64_t b = 0; b < pl->kw; b++)
						axpy(pl->ct, orow, xrow + (size_t)b * es, krow + (size_t)b * es, pl->ow);
				}
			}
		}
	}
}

static int shares(const ml_tensor *a, const ml_tensor *b)
{
	return a->storage && a->storage == b->storage;
}

/* Reverses the order of the elements (of es bytes) of every block of n. */
static void reverse_blocks(char *p, int64_t nblocks, int64_t n, size_t es)
{
	char tmp[8];
	for (int64_t bl = 0; bl < nblocks; bl++) {
		char *s = p + (size_t)(bl * n) * es;
		for (int64_t i = 0, j = n - 1; i < j; i++, j--) {
			memcpy(tmp, s + (size_t)i * es, es);
			memcpy(s + (size_t)i * es, s + (size_t)j * es, es);
			memcpy(s + (size_t)j * es, tmp, es);
		}
	}
}

static int conv(const char *who, ml_tensor *res, const ml_tensor *x, const ml_tensor *k, int nd,
                int full, int flip, ml_error *e)
{
	char sx[ML_SHAPELEN], sk[ML_SHAPELEN];
	plan pl;
	memset(&pl, 0, sizeof pl);
	int xn = x->ndim, kn = k->ndim;
	int64_t nvol;
	if (xn == nd && kn == nd) {
		pl.f = FORM_ONE;
		pl.P = 1;
		nvol = 1;
	} else if (xn == nd + 1 && kn == nd + 1) {
		pl.f = FORM_EACH;
		pl.P = nvol = x->size[0];
		if (k->size[0] != x->size[0])
			return ml_fail(e, ML_ESHAPE, "torch.%s: x has %lld planes but k has %lld kernels (x %s, k %s)",
			               who, (long long)x->size[0], (long long)k->size[0],
			               ml_tensor_shape_str(sx, sizeof sx, x), ml_tensor_shape_str(sk, sizeof sk, k));
	} else if (xn == nd + 1 && kn == nd + 2) {
		pl.f = FORM_SUM;
		pl.P = x->size[0];
		nvol = k->size[0];
		if (k->size[1] != x->size[0])
			return ml_fail(e, ML_ESHAPE, "torch.%s: x has %lld planes but k expects %lld (x %s, k %s)", who,
			               (long long)x->size[0], (long long)k->size[1],
			               ml_tensor_shape_str(sx, sizeof sx, x), ml_tensor_shape_str(sk, sizeof sk, k));
	} else {
		return ml_fail(e, ML_ESHAPE,
		               "torch.%s: expected x %dD and k %dD, x %dD and k %dD, or x %dD and k %dD (got x %s, k %s)",
		               who, nd, nd, nd + 1, nd + 1, nd + 1, nd + 2, ml_tensor_shape_str(sx, sizeof sx, x),
		               ml_tensor_shape_str(sk, sizeof sk, k));
	}
	if (k->dtype != x->dtype || res->dtype != x->dtype)
		return ml_fail(e, ML_ETYPE, "torch.%s: x, k and the result must have the same type (got %s, %s, %s)",
		               who, ml_dtype_name(x->dtype), ml_dtype_name(k->dtype), ml_dtype_name(res->dtype));
	/* spatial sizes: the last nd dims */
	int64_t xs[3], ks[3], os[3];
	for (int d = 0; d < nd; d++) {
		xs[d] = x->size[xn - nd + d];
		ks[d] = k->size[kn - nd + d];
		if (xs[d] == 0 || ks[d] == 0)
			return ml_fail(e, ML_ESHAPE, "torch.%s: empty %s (x %s, k %s)", who, xs[d] == 0 ? "input" : "kernel",
			               ml_tensor_shape_str(sx, sizeof sx, x), ml_tensor_shape_str(sk, sizeof sk, k));
		if (!full && ks[d] > xs[d])
			return ml_fail(e, ML_ESHAPE,
			               "torch.%s: in 'V' mode the kernel must not be larger than the input (x %s, k %s)",
			               who, ml_tensor_shape_str(sx, sizeof sx, x), ml_tensor_shape_str(sk, sizeof sk, k));
		os[d] = full ? xs[d] + ks[d] - 1 : xs[d] - ks[d] + 1;
	}
	if (shares(res, x) || shares(res, k)) {
		/* computed aside, so that resizing res cannot disturb an input */
		ml_tensor tr;
		ml_tensor_init(&tr, res->dtype);
		int rc = conv(who, &tr, x, k, nd, full, flip, e);
		if (!rc && !(tr.ndim == res->ndim && memcmp(tr.size, res->size, sizeof(int64_t) * (size_t)tr.ndim) == 0))
			rc = ml_tensor_resize(res, tr.ndim, tr.size, e);
		if (!rc)
			rc = ml_tensor_copy(res, &tr, e);
		ml_tensor_release(&tr);
		return rc;
	}
	int64_t osize[ML_MAX_DIMS];
	int on = 0;
	if (pl.f != FORM_ONE)
		osize[on++] = nvol;
	for (int d = 0; d < nd; d++)
		osize[on++] = os[d];
	int rc = ML_OK;
	if (!(res->storage && res->ndim == on && memcmp(res->size, osize, sizeof(int64_t) * (size_t)on) == 0) &&
	    (rc = ml_tensor_resize(res, on, osize, e)))
		return rc;

	pl.ct = ml_dtype_info[x->dtype].is_float ? x->dtype : ML_LONG;
	pl.es = ml_dtype_info[pl.ct].size;
	pl.D = nd == 3 ? xs[0] : 1;
	pl.kd = nd == 3 ? ks[0] : 1;
	pl.od = nd == 3 ? os[0] : 1;
	pl.doff = full ? pl.kd - 1 : 0;
	pl.kh = ks[nd - 2];
	pl.kw = ks[nd - 1];
	pl.oh = os[nd - 2];
	pl.ow = os[nd - 1];
	int64_t ph = full ? pl.kh - 1 : 0, pw = full ? pl.kw - 1 : 0;
	pl.Hp = xs[nd - 2] + 2 * ph;
	pl.Wp = xs[nd - 1] + 2 * pw;

	ml_tensor xb, kb, ob;
	ml_tensor_init(&xb, pl.ct);
	ml_tensor_init(&kb, pl.ct);
	ml_tensor_init(&ob, pl.ct);
	/* the input: used in place when it already is a contiguous unpadded
	 * buffer of the compute type, else copied (and padded) */
	if (!full && x->dtype == pl.ct && ml_tensor_is_contiguous(x)) {
		ml_tensor_set(&xb, x);
	} else {
		int64_t psize[ML_MAX_DIMS];
		memcpy(psize, x->size, sizeof(int64_t) * (size_t)xn);
		psize[xn - 2] = pl.Hp;
		psize[xn - 1] = pl.Wp;
		ml_tensor inner;
		if ((rc = ml_tensor_init_sized(&xb, pl.ct, xn, psize, e)))
			goto out;
		inner = xb; /* a borrowed view of xb's interior */
		if ((rc = ml_tensor_narrow(&inner, xn - 2, ph, xs[nd - 2], e)) ||
		    (rc = ml_tensor_narrow(&inner, xn - 1, pw, xs[nd - 1], e)) || (rc = ml_tensor_copy(&inner, x, e)))
			goto out;
	}
	/* the kernel: flipped along every spatial axis for a convolution */
	if (!flip && k->dtype == pl.ct && ml_tensor_is_contiguous(k)) {
		ml_tensor_set(&kb, k);
	} else {
		if ((rc = ml_tensor_clone_as(&kb, k, pl.ct, e)))
			goto out;
		if (flip) {
			int64_t block = 1;
			for (int d = 0; d < nd; d++)
				block *= ks[d];
			reverse_blocks(ml_tensor_data(&kb), ml_tensor_numel(&kb) / block, block, pl.es);
		}
	}
	/* the output: res itself when it is a contiguous buffer of the compute
	 * type not shared with an input */
	int direct = res->dtype == pl.ct && ml_tensor_is_contiguous(res);
	if (direct)
		ml_tensor_set(&ob, res);
	else if ((rc = ml_tensor_init_sized(&ob, pl.ct, on, osize, e)))
		goto out;
	pl.x = ml_tensor_data(&xb);
	pl.k = ml_tensor_data(&kb);
	pl.o = ml_tensor_data(&ob);

	int64_t planes = nvol * pl.od;
	int64_t macs = planes * pl.oh * pl.ow * pl.kd * pl.kh * pl.kw * (pl.f == FORM_SUM ? pl.P : 1);
	int nt = ml_threads_for(macs, GRAIN_MACS);
	pl.tpp = 1;
	if (nt > 1 && planes < 4 * (int64_t)nt)
		pl.tpp = (4 * (int64_t)nt + planes - 1) / planes;
	if (pl.tpp > pl.oh)
		pl.tpp = pl.oh > 0 ? pl.oh : 1;
	pl.rpt = (pl.oh + pl.tpp - 1) / pl.tpp;
	if (pl.rpt > 0)
		pl.tpp = (pl.oh + pl.rpt - 1) / pl.rpt;
	int64_t ntasks = planes * pl.tpp;
	if (pl.oh > 0 && pl.ow > 0) {
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1)
		for (int64_t t = 0; t < ntasks; t++)
			run_task(&pl, t);
	}
	if (!direct)
		rc = ml_tensor_copy(res, &ob, e);
out:
	ml_tensor_release(&xb);
	ml_tensor_release(&kb);
	ml_tensor_release(&ob);
	return rc;
}

int ml_conv_conv2(ml_tensor *res, const ml_tensor *x, const ml_tensor *k, int full, ml_error *e)
{
	return conv("conv2", res, x, k, 2, full, 1, e);
}

int ml_conv_xcorr2(ml_tensor *res, const ml_tensor *x, const ml_tensor *k, int full, ml_error *e)
{
	return conv("xcorr2", res, x, k, 2, full, 0, e);
}

int ml_conv_conv3(ml_tensor *res, const ml_tensor *x, const ml_tensor *k, int full, ml_error *e)
{
	return conv("conv3", res, x, k, 3, full, 1, e);
}

int ml_conv_xcorr3(ml_tensor *res, const ml_tensor *x, const ml_tensor *k, int full, ml_error *e)
{
	return conv("xcorr3", res, x, k, 3, full, 0, e);
}
