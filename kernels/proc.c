/*
 * proc.c - child processes talked to through stdin/stdout/stderr, and the
 * terminal we run in (see proc.h for the contracts).
 *
 * posix_spawn starts the child (no fork of a large address space, exec errors
 * reported to us); all our descriptors are close-on-exec and non-blocking; one
 * poll loop writes the child's input while draining both of its outputs.
 * Deliberately not here: a shell (arguments are passed as they are), any
 * reading of what the child says (the caller parses it), signal handlers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

extern char **environ;

void ml_proc_init(ml_proc *p)
{
	p->pid = 0;
	p->in = p->out = p->err = -1;
	p->status = -1;
}

void ml_proc_buf_free(ml_proc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Appends n bytes to b, keeping it NUL-terminated; 0 when out of memory. */
static int buf_add(ml_proc_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return 0;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 1;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Closes the n descriptors of fds that are open. */
static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close_fd(&fds[i]);
}

int ml_proc_which(const char *name, char *out, size_t n)
{
	if (!name || !*name)
		return 0;
	if (strchr(name, '/')) {
		if (access(name, X_OK) != 0 || strlen(name) >= n)
			return 0;
		memcpy(out, name, strlen(name) + 1);
		return 1;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		const char *dir = len ? path : ".";
		int dlen = len ? (int)len : 1;
		int w = snprintf(out, n, "%.*s/%s", dlen, dir, name);
		struct stat st;
		if (w > 0 && (size_t)w < n && stat(out, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(out, X_OK) == 0)
			return 1;
		path += len;
		if (*path == ':')
			path++;
	}
	return 0;
}

int ml_proc_spawn(ml_proc *p, const char *const *argv, ml_error *e)
{
	/* fd[0], fd[1]: stdin socket (ours, child's); fd[2], fd[3]: stdout pipe
	 * (read end ours); fd[4], fd[5]: stderr pipe (read end ours) */
	int fd[6] = {-1, -1, -1, -1, -1, -1};
	if (p->pid)
		return ml_fail(e, ML_EINVAL, "proc.spawn: this process object already has a child");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) != 0 ||
	    pipe2(fd + 2, O_CLOEXEC) != 0 || pipe2(fd + 4, O_CLOEXEC) != 0) {
		int err = errno;
		close_fds(fd, 6);
		return ml_fail(e, ML_EINVAL, "proc.spawn: cannot create pipes: %s", strerror(err));
	}
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	/* dup2 onto 0, 1, 2 clears close-on-exec on the copies only. */
	posix_spawn_file_actions_adddup2(&fa, fd[1], 0);
	posix_spawn_file_actions_adddup2(&fa, fd[3], 1);
	posix_spawn_file_actions_adddup2(&fa, fd[5], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* Descriptors the program opened without close-on-exec (Lua's io.open). */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	sigset_t none, def;
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGTERM);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                  POSIX_SPAWN_SETSIGDEF);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, &at, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close_fd(&fd[1]);
	close_fd(&fd[3]);
	close_fd(&fd[5]);
	if (rc != 0) {
		close_fds(fd, 6);
		return ml_fail(e, ML_EINVAL, "proc.spawn: cannot run %s: %s", argv[0], strerror(rc));
	}
	for (int i = 0; i < 6; i += 2)
		fcntl(fd[i], F_SETFL, fcntl(fd[i], F_GETFL) | O_NONBLOCK);
	p->pid = (long)pid;
	p->in = fd[0];
	p->out = fd[2];
	p->err = fd[4];
	p->status = -1;
	return ML_OK;
}

int ml_proc_alive(ml_proc *p)
{
	if (!p->pid)
		return 0;
	int st;
	pid_t r = waitpid((pid_t)p->pid, &st, WNOHANG);
	if (r == 0)
		return 1;
	if (r == (pid_t)p->pid)
		p->status = st;
	p->pid = 0; /* reaped (or not our child any more: ECHILD) */
	return 0;
}

void ml_proc_describe(int status, char *buf, size_t n)
{
	if (status < 0)
		snprintf(buf, n, "no process");
	else if (WIFEXITED(status))
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, n, "wait status %d", status);
}

/* Waits up to ms for the child to exit; 1 when it has (and is reaped). */
static int wait_exit(ml_proc *p, int ms)
{
	double end = now_ms() + ms;
	for (int nap = 1;; nap = nap < 20 ? nap * 2 : 20) {
		if (!ml_proc_alive(p))
			return 1;
		if (now_ms() >= end)
			return 0;
		sleep_ms(nap);
	}
}

int ml_proc_close(ml_proc *p, int timeout_ms)
{
	/* Closing stdout and stderr too: a child blocked writing to a full pipe
	 * gets EPIPE instead of waiting for us forever. */
	close_fd(&p->in);
	close_fd(&p->out);
	close_fd(&p->err);
	if (!p->pid)
		return p->status;
	if (!wait_exit(p, timeout_ms > 0 ? timeout_ms : 0)) {
		kill((pid_t)p->pid, SIGKILL);
		int st;
		while (waitpid((pid_t)p->pid, &st, 0) < 0 && errno == EINTR)
			;
		p->status = st;
		p->pid = 0;
	}
	return p->status;
}

/* The child has gone (EOF or EPIPE): reap it and report how it ended. */
static int child_gone(ml_proc *p, ml_error *e)
{
	close_fd(&p->in);
	char how[64];
	if (wait_exit(p, 2000))
		ml_proc_describe(p->status, how, sizeof how);
	else
		snprintf(how, sizeof how, "closed its output");
	return ml_fail(e, ML_EINVAL, "proc.exchange: the process exited (%s)", how);
}

/* Reads what is available on *fd into b.  Returns 1 after reading, 0 when
 * nothing was there, -1 at end of file (fd is then closed), -2 when out of memory. */
static int drain(int *fd, ml_proc_buf *b)
{
	char chunk[65536];
	int got = 0;
	for (;;) {
		ssize_t r = read(*fd, chunk, sizeof chunk);
		if (r > 0) {
			if (!buf_add(b, chunk, (size_t)r))
				return -2;
			got = 1;
			continue;
		}
		if (r == 0) {
			close_fd(fd);
			return -1;
		}
		if (errno == EINTR)
			continue;
		return got; /* EAGAIN */
	}
}

/* Position of the line `marker` in b at or after *from, or -1; *from moves
 * past the complete lines already searched. */
static long find_marker(const ml_proc_buf *b, size_t *from, const char *marker)
{
	size_t mlen = strlen(marker);
	size_t i = *from;
	while (i < b->len) {
		const char *nl = memchr(b->data + i, '\n', b->len - i);
		if (!nl)
			break;
		size_t llen = (size_t)(nl - (b->data + i));
		if (llen == mlen && memcmp(b->data + i, marker, mlen) == 0)
			return (long)i;
		i += llen + 1;
		*from = i;
	}
	return -1;
}

int ml_proc_exchange(ml_proc *p, const void *in, size_t n, const char *marker, int timeout_ms,
                     ml_proc_buf *out, ml_proc_buf *err, ml_error *e)
{
	if (!p->pid || p->in < 0)
		return ml_fail(e, ML_EINVAL, "proc.exchange: the process is closed");
	const char *src = in;
	size_t sent = 0, from = err->len;
	double end = now_ms() + (timeout_ms >= 0 ? timeout_ms : 0);
	for (;;) {
		if (sent == n && !marker)
			return ML_OK;
		if (p->err < 0 || p->out < 0) /* the child closed its outputs: it is ending */
			return child_gone(p, e);
		struct pollfd fds[3];
		int nf = 0, iin = -1, iout = -1, ierr = -1;
		if (sent < n)
			iin = nf, fds[nf++] = (struct pollfd){p->in, POLLOUT, 0};
		if (p->out >= 0)
			iout = nf, fds[nf++] = (struct pollfd){p->out, POLLIN, 0};
		if (p->err >= 0)
			ierr = nf, fds[nf++] = (struct pollfd){p->err, POLLIN, 0};
		int wait = 100; /* look at the child's state every 100 ms */
		if (timeout_ms >= 0) {
			double left = end - now_ms();
			if (left <= 0)
				return ml_fail(e, ML_EINVAL, "proc.exchange: no answer after %d ms", timeout_ms);
			if (left < wait)
				wait = (int)left + 1;
		}
		int r = poll(fds, (nfds_t)nf, wait);
		if (r < 0) {
			if (errno == EINTR)
				return ml_fail(e, ML_EINVAL, "proc.exchange: interrupted");
			return ml_fail(e, ML_EINVAL, "proc.exchange: poll failed: %s", strerror(errno));
		}
		if (r == 0) {
			if (!ml_proc_alive(p))
				return child_gone(p, e);
			continue;
		}
		if (iout >= 0 && fds[iout].revents) {
			int d = drain(&p->out, out);
			if (d == -2)
				return ml_fail(e, ML_ENOMEM, "proc.exchange: out of memory");
		}
		if (ierr >= 0 && fds[ierr].revents) {
			int d = drain(&p->err, err);
			if (d == -2)
				return ml_fail(e, ML_ENOMEM, "proc.exchange: out of memory");
			long at = (marker && sent == n) ? find_marker(err, &from, marker) : -1;
			if (at >= 0) {
				err->len = (size_t)at;
				err->data[at] = '\0';
				if (p->out >= 0 && drain(&p->out, out) == -2)
					return ml_fail(e, ML_ENOMEM, "proc.exchange: out of memory");
				return ML_OK;
			}
		}
		if (iin >= 0 && (fds[iin].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = send(p->in, src + sent, n - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w > 0)
				sent += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				return child_gone(p, e);
		}
		if (marker && sent == n && err->len > from) {
			long at = find_marker(err, &from, marker);
			if (at >= 0) {
				err->len = (size_t)at;
				err->data[at] = '\0';
				if (p->out >= 0 && drain(&p->out, out) == -2)
					return ml_fail(e, ML_ENOMEM, "proc.exchange: out of memory");
				return ML_OK;
			}
		}
	}
}

int ml_proc_termsize(int fd, int *cols, int *rows, int *xpix, int *ypix)
{
	struct winsize ws;
	if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
		return 0;
	*cols = ws.ws_col;
	*rows = ws.ws_row;
	*xpix = ws.ws_xpixel;
	*ypix = ws.ws_ypixel;
	return 1;
}

int ml_proc_tty_query(const char *query, char last, char *reply, size_t n, int timeout_ms)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct termios old, raw;
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		return -1;
	}
	raw = old;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	tcsetattr(fd, TCSANOW, &raw);
	size_t len = 0;
	if (write(fd, query, strlen(query)) == (ssize_t)strlen(query)) {
		double end = now_ms() + timeout_ms;
		while (len + 1 < n) {
			double left = end - now_ms();
			struct pollfd pf = {fd, POLLIN, 0};
			if (left <= 0 || poll(&pf, 1, (int)left + 1) <= 0)
				break;
			ssize_t r = read(fd, reply + len, 1);
			if (r <= 0)
				break;
			len++;
			if (reply[len - 1] == last)
				break;
		}
	}
	tcsetattr(fd, TCSANOW, &old);
	close(fd);
	if (n)
		reply[len < n ? len : n - 1] = '\0';
	return (int)len;
}
