/*
 * test_proc.c - child processes (kernels/proc.c) and binary column files
 * (kernels/columns.c).  Children are ordinary programs (/bin/sh, /bin/cat)
 * so no gnuplot is needed; column files are read back and compared with a
 * naive per-element reference (ml_tensor_ptr + ml_load_f64) for every dtype,
 * contiguous and strided.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "columns.h"
#include "proc.h"

static void test_which(void)
{
	char path[4096];
	CHECK(ml_proc_which("sh", path, sizeof path), "sh on PATH");
	CHECK(strchr(path, '/') != NULL, "full path %s", path);
	CHECK(!ml_proc_which("no-such-program-moonlab", path, sizeof path), "missing program");
	CHECK(ml_proc_which("/bin/sh", path, sizeof path) && strcmp(path, "/bin/sh") == 0, "absolute");
	CHECK(!ml_proc_which("/etc/passwd", path, sizeof path), "not executable");
}

static void test_exchange(void)
{
	ml_proc p;
	ml_proc_buf out = {0}, err = {0};
	ml_error e;
	ml_proc_init(&p);
	/* a shell that echoes stdin to stdout and writes markers to stderr */
	const char *argv[] = {"/bin/sh", "-c",
	                      "while IFS= read -r l; do case \"$l\" in DONE*) echo \"$l\" >&2;; "
	                      "ERR*) echo oops >&2;; *) echo \"$l\";; esac; done",
	                      NULL};
	CHECK(ml_proc_spawn(&p, argv, &e) == ML_OK, "spawn: %s", e.msg);
	CHECK(p.pid > 0 && ml_proc_alive(&p), "alive");
	const char *in = "hello\nERR\nworld\nDONE1\n";
	CHECK(ml_proc_exchange(&p, in, strlen(in), "DONE1", 5000, &out, &err, &e) == ML_OK, "exchange: %s", e.msg);
	CHECK(out.len == 12 && memcmp(out.data, "hello\nworld\n", 12) == 0, "stdout '%s'", out.data);
	CHECK(err.len == 5 && strcmp(err.data, "oops\n") == 0, "stderr without the marker '%s'", err.data);
	/* a large input: written while the child's output is drained (no deadlock) */
	size_t n = 1 << 20;
	char *big = malloc(n + 16);
	for (size_t i = 0; i < n; i++)
		big[i] = (i % 64 == 63) ? '\n' : 'x';
	memcpy(big + n, "DONE2\n", 6);
	out.len = err.len = 0;
	CHECK(ml_proc_exchange(&p, big, n + 6, "DONE2", 20000, &out, &err, &e) == ML_OK, "big: %s", e.msg);
	CHECK(out.len == n, "echoed %zu of %zu bytes", out.len, n);
	free(big);
	/* no marker: returns once the input is written */
	CHECK(ml_proc_exchange(&p, "a\n", 2, NULL, 1000, &out, &err, &e) == ML_OK, "no marker");
	/* timeout when the marker never comes */
	out.len = err.len = 0;
	CHECK(ml_proc_exchange(&p, "x\n", 2, "NEVER", 200, &out, &err, &e) == ML_EINVAL, "timeout");
	CHECK(strstr(e.msg, "proc.exchange: no answer after 200 ms") != NULL, "%s", e.msg);
	/* killed child: an error naming the signal, reaped */
	long pid = p.pid;
	kill((pid_t)pid, SIGKILL);
	int rc = ml_proc_exchange(&p, "y\nDONE3\n", 8, "DONE3", 5000, &out, &err, &e);
	CHECK(rc == ML_EINVAL && strstr(e.msg, "the process exited (killed by signal 9)"), "%s", e.msg);
	CHECK(p.pid == 0, "reaped");
	CHECK(waitpid((pid_t)pid, NULL, WNOHANG) < 0, "no zombie left");
	CHECK(ml_proc_exchange(&p, "z\n", 2, NULL, 100, &out, &err, &e) == ML_EINVAL, "closed");
	CHECK(ml_proc_close(&p, 100) != -2, "close after death");
	CHECK(ml_proc_close(&p, 100) == p.status, "close is idempotent");
	ml_proc_buf_free(&out);
	ml_proc_buf_free(&err);
}

static void test_close(void)
{
	ml_proc p;
	ml_error e;
	char how[64];
	/* cat exits at end of input with status 0 */
	const char *cat[] = {"/bin/cat", NULL};
	ml_proc_init(&p);
	CHECK(ml_proc_spawn(&p, cat, &e) == ML_OK, "%s", e.msg);
	int st = ml_proc_close(&p, 2000);
	ml_proc_describe(st, how, sizeof how);
	CHECK(strcmp(how, "exited with status 0") == 0, "%s", how);
	/* a child that ignores end of input is killed after the grace period */
	const char *stubborn[] = {"/bin/sh", "-c", "trap '' TERM; exec sleep 30 </dev/null", NULL};
	ml_proc_init(&p);
	CHECK(ml_proc_spawn(&p, stubborn, &e) == ML_OK, "%s", e.msg);
	st = ml_proc_close(&p, 100);
	ml_proc_describe(st, how, sizeof how);
	CHECK(strcmp(how, "killed by signal 9") == 0, "%s", how);
	CHECK(p.pid == 0 && p.in < 0 && p.out < 0 && p.err < 0, "all closed");
	/* exit status */
	const char *three[] = {"/bin/sh", "-c", "exit 3", NULL};
	ml_proc_init(&p);
	CHECK(ml_proc_spawn(&p, three, &e) == ML_OK, "%s", e.msg);
	ml_proc_describe(ml_proc_close(&p, 2000), how, sizeof how);
	CHECK(strcmp(how, "exited with status 3") == 0, "%s", how);
	/* spawn errors */
	const char *none[] = {"/no/such/program", NULL};
	ml_proc_init(&p);
	CHECK(ml_proc_spawn(&p, none, &e) == ML_EINVAL, "missing program");
	CHECK(strstr(e.msg, "proc.spawn: cannot run /no/such/program: No such file or directory"), "%s", e.msg);
	CHECK(p.pid == 0 && p.in < 0, "nothing left open");
	ml_proc_describe(-1, how, sizeof how);
	CHECK(strcmp(how, "no process") == 0, "%s", how);
}

/* A child started second must not hold the first child's stdin: closing the
 * first one's input must end it even while the second runs. */
static void test_no_inherited_pipes(void)
{
	ml_proc a, b;
	ml_error e;
	const char *cat[] = {"/bin/cat", NULL};
	ml_proc_init(&a);
	ml_proc_init(&b);
	CHECK(ml_proc_spawn(&a, cat, &e) == ML_OK, "%s", e.msg);
	CHECK(ml_proc_spawn(&b, cat, &e) == ML_OK, "%s", e.msg);
	char how[64];
	ml_proc_describe(ml_proc_close(&a, 2000), how, sizeof how);
	CHECK(strcmp(how, "exited with status 0") == 0, "first cat ended by EOF: %s", how);
	ml_proc_describe(ml_proc_close(&b, 2000), how, sizeof how);
	CHECK(strcmp(how, "exited with status 0") == 0, "second cat: %s", how);
}

/* Reads a file of doubles. */
static double *read_doubles(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	double *v = malloc((size_t)len + 8);
	*n = fread(v, sizeof(double), (size_t)len / sizeof(double), f);
	fclose(f);
	return v;
}

/* Element i (logical row-major order) of t, through the naive index path. */
static double naive_at(const ml_tensor *t, int64_t i)
{
	int64_t idx[ML_MAX_DIMS];
	for (int d = t->ndim - 1; d >= 0; d--) {
		idx[d] = i % t->size[d];
		i /= t->size[d];
	}
	return ml_load_f64(t->dtype, ml_tensor_ptr(t, idx));
}

static void test_columns(void)
{
	char path[] = "/tmp/moonlab-test-columns-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	ml_error e;
	for (int dt = 0; dt < ML_NDTYPES; dt++) {
		/* a 7x5 matrix of dtype dt, its transpose, a narrowed Double column */
		int64_t sz[2] = {7, 5};
		ml_tensor m, d, c;
		CHECK(ml_tensor_init_sized(&m, (ml_dtype)dt, 2, sz, &e) == ML_OK, "%s", e.msg);
		for (int64_t i = 0; i < 35; i++)
			ml_store_f64((ml_dtype)dt, ml_storage_at(m.storage, i), (double)((i * 37) % 101) - 20);
		ml_tensor t = m; /* borrowed view, transposed in place */
		ml_tensor_transpose(&t, 0, 1, &e);
		int64_t sz2[2] = {5, 9};
		CHECK(ml_tensor_init_sized(&d, ML_DOUBLE, 2, sz2, &e) == ML_OK, "%s", e.msg);
		for (int64_t i = 0; i < 45; i++)
			((double *)d.storage->data)[i] = 1.0 / (double)(i + 1);
		c = d;
		ml_tensor_narrow(&c, 1, 2, 7, &e); /* 5x7, strided rows */
		ml_tensor flat;
		int64_t szf[1] = {35};
		CHECK(ml_tensor_init_sized(&flat, ML_DOUBLE, 1, szf, &e) == ML_OK, "%s", e.msg);
		for (int64_t i = 0; i < 35; i++)
			((double *)flat.storage->data)[i] = (double)i * 0.1;
		const ml_tensor *cols[4] = {&m, &t, &c, &flat};
		int64_t rows = -1;
		CHECK(ml_columns_save(path, 4, cols, &rows, &e) == ML_OK, "%s", e.msg);
		CHECK(rows == 35, "rows %lld", (long long)rows);
		size_t n = 0;
		double *v = read_doubles(path, &n);
		CHECK(v && n == 140, "%zu values", n);
		int bad = 0;
		for (int64_t i = 0; v && i < 35; i++)
			for (int k = 0; k < 4; k++)
				if (v[i * 4 + k] != naive_at(cols[k], i))
					bad++;
		CHECK(bad == 0, "dtype %s: %d values differ from the naive walk", ml_dtype_info[dt].name, bad);
		free(v);
		ml_tensor_release(&m);
		ml_tensor_release(&d);
		ml_tensor_release(&flat);
	}
	/* errors */
	int64_t s3[1] = {3}, s4[1] = {4}, rows;
	ml_tensor a, b;
	ml_tensor_init_sized(&a, ML_FLOAT, 1, s3, &e);
	ml_tensor_init_sized(&b, ML_FLOAT, 1, s4, &e);
	const ml_tensor *ab[2] = {&a, &b};
	CHECK(ml_columns_save(path, 2, ab, &rows, &e) == ML_ESHAPE, "mismatch");
	CHECK(strstr(e.msg, "columns.save: tensor 2 has 4 elements, tensor 1 has 3"), "%s", e.msg);
	CHECK(ml_columns_save(path, 0, ab, &rows, &e) == ML_EINVAL, "no columns");
	CHECK(ml_columns_save("/nonexistent/x.bin", 1, ab, &rows, &e) == ML_EINVAL, "bad path");
	CHECK(strstr(e.msg, "cannot write /nonexistent/x.bin"), "%s", e.msg);
	ml_tensor_release(&a);
	ml_tensor_release(&b);
	remove(path);
}

int main(void)
{
	test_which();
	test_exchange();
	test_close();
	test_no_inherited_pipes();
	test_columns();
	return check_done();
}
