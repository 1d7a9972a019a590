/*
 * selftest-helper.c - tiny helper for tests/vm/selftest.sh (built by it into
 * ${BUILD_DIR:-build}/vm/selftest-helper).
 *
 *   selftest-helper fork CGROUP_DIR N
 *       move itself into CGROUP_DIR, try to fork N children that just sleep,
 *       print "forked=K failed=F errno=NAME" (no retry on EAGAIN, unlike
 *       bash), then sleep until killed (the children stay in the cgroup).
 *   selftest-helper watch FILE TIMEOUT_MS
 *       inotify IN_MODIFY watch on FILE (fallback when inotifywait is not
 *       installed): prints "ready" once the watch is set, "event" when it
 *       fires (exit 0); exit 1 on timeout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

static int join_cgroup(const char *dir)
{
	char path[4096], buf[32];
	int fd, n, len;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	n = (int)write(fd, buf, (size_t)len);
	close(fd);
	return n == len ? 0 : -1;
}

static int do_fork(const char *dir, int n)
{
	int i, ok = 0, failed = 0, err = 0;

	if (join_cgroup(dir) < 0) {
		fprintf(stderr, "selftest-helper: cannot join %s: %s\n", dir, strerror(errno));
		return 2;
	}
	for (i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			for (;;)
				pause();
		}
		if (pid < 0) {
			failed++;
			err = errno;
		} else {
			ok++;
		}
	}
	printf("forked=%d failed=%d errno=%s\n", ok, failed,
	       err == EAGAIN ? "EAGAIN" : err ? strerror(err) : "none");
	fflush(stdout);
	for (;;)
		pause();
}

static int do_watch(const char *file, int timeout_ms)
{
	struct pollfd p;
	char buf[4096];
	int fd = inotify_init1(IN_CLOEXEC);

	if (fd < 0 || inotify_add_watch(fd, file, IN_MODIFY) < 0) {
		fprintf(stderr, "selftest-helper: inotify on %s: %s\n", file, strerror(errno));
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, timeout_ms) == 1 && read(fd, buf, sizeof(buf)) > 0) {
		printf("event\n");
		return 0;
	}
	printf("timeout\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "fork") == 0)
		return do_fork(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "watch") == 0)
		return do_watch(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: selftest-helper fork CGROUP_DIR N | watch FILE TIMEOUT_MS\n");
	return 2;
}
