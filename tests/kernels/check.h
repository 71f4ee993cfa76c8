/*
 * check.h - the tiny harness of the C kernel tests.
 *
 * CHECK(cond, ...) records one assertion; a failed one prints file:line and the
 * printf-style message.  CHECK_NEAR compares doubles with an absolute+relative
 * tolerance.  check_done() prints "N passed, N failed" (read by tests/run.sh)
 * and returns the exit status.  Each test file is one program.
 */
#ifndef ML_CHECK_H
#define ML_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (cond) {                                               \
			check_passed++;                                   \
		} else {                                                  \
			check_failed++;                                   \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
		}                                                         \
	} while (0)

static inline int check_near(double a, double b, double tol)
{
	if (isnan(a) && isnan(b))
		return 1;
	if (a == b)
		return 1;
	return fabs(a - b) <= tol * (1.0 + fabs(b));
}

#define CHECK_NEAR(a, b, tol) \
	CHECK(check_near((a), (b), (tol)), "%s = %.17g, expected %.17g (tol %g)", #a, (double)(a), (double)(b), (double)(tol))

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
