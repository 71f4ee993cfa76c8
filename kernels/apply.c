/*
 * apply.c - the element-wise engine behind math.c and friends (see internal.h).
 *
 * It plans a walk over n same-shaped tensors: size-1 dimensions dropped,
 * neighbouring dimensions merged when every operand's strides allow, so that a
 * contiguous tensor of any shape is one run.  It then hands out runs, split
 * over OpenMP threads by flat element range.  It does not reorder dimensions
 * (a transposed output is walked in its logical order) and does no arithmetic.
 * Between runs it polls the host's interrupt flag (interrupt.h) and stops the
 * walk early when it is raised.
 */
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "internal.h"
#include "interrupt.h"

/* Elements walked between two polls of the interrupt flag. */
#define POLL_EVERY ((int64_t)1 << 18)

typedef struct plan {
	int nops;                                /* operands */
	int ndim;                                /* dimensions after coalescing, >= 1 */
	int64_t size[ML_MAX_DIMS];               /* extent of each planned dimension */
	int64_t step[ML_MAX_OPS][ML_MAX_DIMS];   /* byte step of operand k along dim d */
	char *base[ML_MAX_OPS];                  /* first element of operand k */
	int64_t numel;                           /* product of size */
} plan;

static void make_plan(plan *p, int nops, ml_tensor *const *ops)
{
	const ml_tensor *t0 = ops[0];
	p->nops = nops;
	p->ndim = 0;
	p->numel = ml_tensor_numel(t0);
	for (int k = 0; k < nops; k++)
		p->base[k] = ml_tensor_data(ops[k]);
	for (int d = 0; d < t0->ndim; d++) {
		if (t0->size[d] == 1)
			continue;
		int nd = p->ndim;
		int merge = nd > 0;
		for (int k = 0; k < nops && merge; k++) {
			int64_t es = (int64_t)ml_dtype_info[ops[k]->dtype].size;
			merge = p->step[k][nd - 1] == ops[k]->stride[d] * es * t0->size[d];
		}
		if (merge) {
			p->size[nd - 1] *= t0->size[d];
			for (int k = 0; k < nops; k++)
				p->step[k][nd - 1] = ops[k]->stride[d] * (int64_t)ml_dtype_info[ops[k]->dtype].size;
		} else {
			p->size[nd] = t0->size[d];
			for (int k = 0; k < nops; k++)
				p->step[k][nd] = ops[k]->stride[d] * (int64_t)ml_dtype_info[ops[k]->dtype].size;
			p->ndim++;
		}
	}
	if (p->ndim == 0) { /* one element, or none */
		p->ndim = 1;
		p->size[0] = p->numel;
		for (int k = 0; k < nops; k++)
			p->step[k][0] = (int64_t)ml_dtype_info[ops[k]->dtype].size;
	}
}

static void run_plan(const plan *p, int64_t begin, int64_t end, ml_inner_fn fn, void *ctx)
{
	if (begin >= end)
		return;
	const int last = p->ndim - 1;
	const int64_t inner = p->size[last];
	int64_t counter[ML_MAX_DIMS];
	char *ptr[ML_MAX_OPS];
	int64_t istep[ML_MAX_OPS];
	int64_t run = begin / inner, off = begin % inner;

	for (int d = last - 1; d >= 0; d--) {
		counter[d] = run % p->size[d];
		run /= p->size[d];
	}
	for (int k = 0; k < p->nops; k++) {
		char *q = p->base[k] + off * p->step[k][last];
		for (int d = 0; d < last; d++)
			q += counter[d] * p->step[k][d];
		ptr[k] = q;
		istep[k] = p->step[k][last];
	}
	int64_t pos = begin, polled = begin;
	for (;;) {
		int64_t n = inner - off;
		if (n > end - pos)
			n = end - pos;
		fn(n, ptr, istep, ctx);
		pos += n;
		if (pos >= end)
			break;
		if (pos - polled >= POLL_EVERY) { /* Ctrl-C: leave the rest undone */
			polled = pos;
			if (ml_interrupt_pending())
				break;
		}
		/* back to the start of the run, then odometer step over outer dims */
		for (int k = 0; k < p->nops; k++)
			ptr[k] -= off * istep[k];
		off = 0;
		for (int d = last - 1; d >= 0; d--) {
			counter[d]++;
			for (int k = 0; k < p->nops; k++)
				ptr[k] += p->step[k][d];
			if (counter[d] < p->size[d])
				break;
			for (int k = 0; k < p->nops; k++)
				ptr[k] -= p->step[k][d] * p->size[d];
			counter[d] = 0;
		}
	}
}

int ml_threads_for(int64_t work, int64_t grain)
{
#ifdef _OPENMP
	int maxt = omp_get_max_threads();
	if (grain < 1)
		grain = 1;
	int64_t want = work / grain;
	if (want < 2 || maxt < 2 || omp_in_parallel())
		return 1;
	return want < maxt ? (int)want : maxt;
#else
	(void)work;
	(void)grain;
	return 1;
#endif
}

void ml_apply_range(int nops, ml_tensor *const *ops, int64_t begin, int64_t end,
                    ml_inner_fn fn, void *ctx)
{
	plan p;
	make_plan(&p, nops, ops);
	run_plan(&p, begin, end, fn, ctx);
}

int ml_apply(int nops, ml_tensor *const *ops, int64_t grain, ml_inner_fn fn, void *ctx,
             ml_error *e)
{
	if (nops < 1 || nops > ML_MAX_OPS)
		return ml_fail(e, ML_EINVAL, "apply: %d operands (1..%d allowed)", nops, ML_MAX_OPS);
	for (int k = 1; k < nops; k++) {
		if (!ml_tensor_same_size(ops[0], ops[k])) {
			char a[ML_SHAPELEN], b[ML_SHAPELEN];
			return ml_fail(e, ML_ESHAPE, "apply: operand shapes differ (%s vs %s)",
			               ml_tensor_shape_str(a, sizeof a, ops[0]),
			               ml_tensor_shape_str(b, sizeof b, ops[k]));
		}
	}
	plan p;
	make_plan(&p, nops, ops);
	if (p.numel == 0)
		return ML_OK;
	int nt = ml_threads_for(p.numel, grain);
	if (nt <= 1) {
		run_plan(&p, 0, p.numel, fn, ctx);
	} else {
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static)
		for (int part = 0; part < nt; part++) {
			int64_t b = p.numel * part / nt, en = p.numel * (part + 1) / nt;
			run_plan(&p, b, en, fn, ctx);
		}
#endif
	}
	if (ml_interrupt_pending())
		return ml_fail(e, ML_EINTR, "interrupted");
	return ML_OK;
}
