/*
 * guardwatch: watches one container cgroup from outside, polling its files
 * with pread every POLL µs, and prints when a fork bomb in it started, when
 * it first had a fork refused, and when it was contained.
 *
 *   guardwatch -p PIDSDIR [-u UNIFIEDDIR] [-f FREEZERDIR] [-a CPUFILE]
 *              [-c COMM] [-s SECONDS] [-i POLL_US] [-w WAIT_S] [-r] [-x]
 *
 *   -p  the container's directory in the pids hierarchy (v1 pids, or v2)
 *   -u  its directory in the cgroup2 tree (hybrid: the unified mount; v2:
 *       the same as -p): cgroup.events gives "frozen 1" and "populated 0"
 *   -f  its directory in the v1 freezer hierarchy: freezer.state FROZEN
 *       (read every 10th poll when -u is given: on a hybrid host the
 *       unified freeze comes first, and a v1 read walks every task)
 *   -a  its CPU counter: a v1 cpuacct.usage (ns) or a v2 cpu.stat
 *       (usage_usec)
 *   -c  the name (comm) of the bomb (default forkbomb)
 *   -s  how long after the bomb's start to watch (default 10)
 *   -i  the polling period in µs (default 100)
 *   -w  how long to wait for the cgroup and the bomb (default 30 s)
 *   -r  run as SCHED_FIFO 1 (a measuring instrument must not queue behind
 *       the bomb it measures; it sleeps between polls)
 *   -x  exit as soon as the cgroup is contained (no CPU figure then)
 *   -e  MS: stop MS ms after the cgroup is contained (before SECONDS);
 *       cpu_ns is then the CPU up to that moment (watched_us says when):
 *       a frozen or empty cgroup burns nothing more
 *   -n  also wake on the kernel's inotify events of pids.events and
 *       cgroup.events (v2), and on writes to cgroup.freeze, between polls: with a long -i, where polling
 *       is dear (user-mode-linux, one CPU), the changes are still seen at
 *       once (the kernel notifies at once unless it did so less than
 *       10 ms before)
 *
 * Definitions (times are µs after the bomb's start, CLOCK_MONOTONIC):
 *   start      a process of the cgroup is seen with comm COMM: the exec of
 *              the bomb is done (Docker: runc init became the container's
 *              command).  Until then cgroup.procs and /proc/PID/comm are
 *              read at each poll.
 *   refused    the "max" counter of pids.events first above its value when
 *              the cgroup was first seen: the first fork refused by pids.max.
 *   frozen     cgroup.events says "frozen 1" (v2) or freezer.state says
 *              FROZEN (v1): the kernel has stopped every task.
 *   empty      no task left: cgroup.events "populated 0" where there is a
 *              cgroup2 directory (the kernel's own flag for an empty
 *              cgroup.procs), else cgroup.procs read empty; a directory
 *              that is gone (ENOENT/ENODEV) is empty too.
 *   asked      cgroup.freeze (v2) first reads 1: the guard's decision has
 *              reached the kernel (the freeze of "freeze", and the freeze
 *              that "kill" does first), before the kernel's freezer is done
 *   contained  the first of frozen and empty.
 *   pids_max   pids.max read at the bomb's start (0: "max")
 *   cpu_ns     the CPU the cgroup used from the bomb's start to SECONDS
 *              later (the last value read if the directory went away).
 * Prints one line of key=value; -1 for what did not happen; also the
 * longest gap between two polls and the watcher's own CPU time.  Exit 0, or 1
 * if the cgroup or the bomb never appeared, 2 on usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *pdir, *udir, *fdir, *afile, *comm = "forkbomb";
static long seconds = 10, poll_us = 100, wait_s = 30;
static int ifd = -1;

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int
open_in(const char *dir, const char *file)
{
	char path[PATH_MAX];

	if (dir == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* pread of a whole small file: length, 0 if empty, -1 on error (gone). */
static ssize_t
rd(int fd, char *buf, size_t len)
{
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* The value after "key " in a flat-keyed file's text, or -1. */
static long long
key(const char *buf, const char *k)
{
	size_t kl = strlen(k);

	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, k, kl) == 0 && p[kl] == ' ')
			return atoll(p + kl + 1);
	return -1;
}

static long long
cpu_of(int fd)
{
	char buf[512];

	if (rd(fd, buf, sizeof(buf)) <= 0)
		return -1;
	if (strstr(buf, "usage_usec") != NULL)
		return key(buf, "usage_usec") * 1000;
	return atoll(buf);
}

/* Whether a task listed in the directory's cgroup.procs has comm COMM. */
static int
bomb_runs(void)
{
	char buf[4096], path[64], name[32];
	int fd = open_in(pdir, "cgroup.procs"), n = 0;
	ssize_t len;

	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[len > 0 ? len : 0] = '\0';
	for (char *p = buf, *end; *p && n < 16; p = end, n++) {
		long pid = strtol(p, &end, 10);
		int cf;

		if (end == p)
			break;
		while (*end == '\n')
			end++;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		if ((cf = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		len = read(cf, name, sizeof(name) - 1);
		close(cf);
		name[len > 0 ? len : 0] = '\0';
		name[strcspn(name, "\n")] = '\0';
		if (strcmp(name, comm) == 0)
			return 1;
	}
	return 0;
}

static void
pause_until(long long *next)
{
	struct timespec ts;

	*next += poll_us;
	ts.tv_sec = *next / 1000000;
	ts.tv_nsec = (*next % 1000000) * 1000;
	if (ifd >= 0) {
		struct pollfd pfd = { ifd, POLLIN, 0 };
		long long left = *next - now_us();
		struct timespec rel = { left > 0 ? left / 1000000 : 0,
			left > 0 ? (left % 1000000) * 1000 : 0 };
		char ev[4096];

		if (ppoll(&pfd, 1, &rel, NULL) > 0) {
			while (read(ifd, ev, sizeof(ev)) > 0)
				;
			*next = now_us(); /* a change: look now, then poll on from here */
		}
		return;
	}
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

int
main(int argc, char **argv)
{
	int o, rt = 0, quick = 0, cpu_seen = 0, notify = 0, fev = -1, fun = -1, ffr = -1, ffz = -1, fcpu = -1, fprocs = -1;
	long long t0, deadline, next, last, gap = 0, polls = 0;
	long long ev0 = -1, refused = -1, asked = -1, frozen = -1, empty = -1, cpu0 = -1, cpu1 = -1;
	long long pids_end = -1, pids_max = -1, after_ms = -1;
	char buf[4096];

	while ((o = getopt(argc, argv, "p:u:f:a:c:s:i:w:e:rxn")) != -1)
		switch (o) {
		case 'p': pdir = optarg; break;
		case 'u': udir = optarg; break;
		case 'f': fdir = optarg; break;
		case 'a': afile = optarg; break;
		case 'c': comm = optarg; break;
		case 's': seconds = atol(optarg); break;
		case 'i': poll_us = atol(optarg); break;
		case 'w': wait_s = atol(optarg); break;
		case 'r': rt = 1; break;
		case 'x': quick = 1; break;
		case 'n': notify = 1; break;
		case 'e': after_ms = atol(optarg); break;
		default: return 2;
		}
	if (pdir == NULL || poll_us <= 0)
		return 2;
	if (rt) {
		struct sched_param sp = { .sched_priority = 1 };

		if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
			perror("guardwatch: SCHED_FIFO (going on without)");
	}

	/* The cgroup appears (Docker creates it at start), then the bomb runs. */
	deadline = now_us() + wait_s * 1000000LL;
	next = now_us();
	while ((fev = open_in(pdir, "pids.events")) < 0) {
		if (now_us() > deadline) {
			fprintf(stderr, "guardwatch: %s/pids.events never appeared\n", pdir);
			return 1;
		}
		pause_until(&next);
	}
	rd(fev, buf, sizeof(buf));
	ev0 = key(buf, "max");
	if (notify && (ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) >= 0) {
		snprintf(buf, sizeof(buf), "%s/pids.events", pdir);
		inotify_add_watch(ifd, buf, IN_MODIFY);
	}
	while (!bomb_runs()) {
		if (now_us() > deadline) {
			fprintf(stderr, "guardwatch: no %s in %s\n", comm, pdir);
			return 1;
		}
		pause_until(&next);
	}
	t0 = now_us();
	/* Every directory of the container exists once its command runs. */
	fun = open_in(udir, "cgroup.events");
	ffr = open_in(udir, "cgroup.freeze");
	if (ifd >= 0 && udir != NULL) {
		/* A write(2) to cgroup.freeze raises IN_MODIFY too: the decision. */
		snprintf(buf, sizeof(buf), "%s/cgroup.events", udir);
		inotify_add_watch(ifd, buf, IN_MODIFY);
		snprintf(buf, sizeof(buf), "%s/cgroup.freeze", udir);
		inotify_add_watch(ifd, buf, IN_MODIFY);
	}
	{
		int fd = open_in(pdir, "pids.max");

		if (rd(fd, buf, sizeof(buf)) > 0)
			pids_max = atoll(buf); /* "max" reads as 0 */
		if (fd >= 0)
			close(fd);
	}
	ffz = open_in(fdir, "freezer.state");
	if (afile != NULL)
		fcpu = open(afile, O_RDONLY | O_CLOEXEC);
	if (fun < 0)
		fprocs = 1; /* cgroup.procs, reopened at each poll (v1 caches its list) */
	cpu0 = cpu_of(fcpu);
	cpu1 = cpu0;
	deadline = t0 + seconds * 1000000LL;
	next = last = t0;
	for (;;) {
		long long t = now_us();

		if (t - last > gap)
			gap = t - last;
		last = t;
		polls++;
		if (refused < 0 && rd(fev, buf, sizeof(buf)) > 0 && key(buf, "max") > ev0)
			refused = t - t0;
		if (ffr >= 0 && asked < 0 && frozen < 0 && empty < 0 &&
		    rd(ffr, buf, sizeof(buf)) > 0 && buf[0] == '1')
			asked = t - t0;
		if (fun >= 0 && (frozen < 0 || empty < 0)) {
			if (rd(fun, buf, sizeof(buf)) <= 0) {
				if (empty < 0)
					empty = t - t0;
			} else {
				if (frozen < 0 && key(buf, "frozen") == 1)
					frozen = t - t0;
				if (empty < 0 && key(buf, "populated") == 0)
					empty = t - t0;
			}
		}
		if (ffz >= 0 && frozen < 0 && (fun < 0 || polls % 10 == 0) && rd(ffz, buf, sizeof(buf)) > 0 &&
		    strncmp(buf, "FROZEN", 6) == 0)
			frozen = t - t0;
		if (fprocs > 0 && empty < 0) {
			int fd = open_in(pdir, "cgroup.procs");

			if (fd < 0 || read(fd, buf, 16) <= 0)
				empty = t - t0;
			if (fd >= 0)
				close(fd);
		}
		/* The CPU counter every 10 ms and once contained: the last value
		 * read survives the directory's removal. */
		if (fcpu >= 0 && (polls % (10000 / poll_us + 1) == 0 ||
		    (!cpu_seen && (frozen >= 0 || empty >= 0)))) {
			long long c = cpu_of(fcpu);

			if (c >= 0)
				cpu1 = c;
			cpu_seen = frozen >= 0 || empty >= 0;
		}
		if (t >= deadline || (quick && (frozen >= 0 || empty >= 0)))
			break;
		if (after_ms >= 0 && (frozen >= 0 || empty >= 0)) {
			long long c = frozen >= 0 && (empty < 0 || frozen < empty) ? frozen : empty;

			if (t - t0 >= c + after_ms * 1000)
				break;
		}
		pause_until(&next);
		if (now_us() > next + 1000)
			next = now_us(); /* fell behind: do not make up polls in a burst */
	}
	if (fcpu >= 0) {
		long long c = cpu_of(fcpu);

		if (c >= 0)
			cpu1 = c;
	}
	{
		int fd = open_in(pdir, "pids.current");

		if (rd(fd, buf, sizeof(buf)) > 0)
			pids_end = atoll(buf);
		if (fd >= 0)
			close(fd);
	}
	{
		long long contained = frozen;

		if (empty >= 0 && (contained < 0 || empty < contained))
			contained = empty;
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		printf("refused=%lld asked=%lld frozen=%lld empty=%lld contained=%lld cpu_ns=%lld "
		    "watched_us=%lld pids_max=%lld pids_end=%lld polls=%lld max_gap_us=%lld self_cpu_us=%lld\n",
		    refused, asked, frozen, empty, contained,
		    quick || cpu0 < 0 ? -1 : cpu1 - cpu0, last - t0, pids_max, pids_end, polls, gap,
		    (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
		    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	}
	return 0;
}
