/*
 * The guard's effects on a container's cgroups: freeze, thaw, kill, read
 * the frozen state, list what runs inside, and leave a note on the
 * directory.  No decisions here (guard.c and policy.c decide), and no
 * fork: every effect is a write(2) or a kill(2), so it works when fork()
 * fails host-wide.
 *
 * Which freezer: a v2 tree's cgroup.freeze where there is one (pure v2,
 * and the unified tree of a hybrid host, where it acts at once and its
 * state is confirmed in cgroup.events); the v1 freezer controller on a
 * pure v1 host.  Kill: cgroup.kill on a v2 tree (the kernel kills every
 * task, forks included); on pure v1, freeze, SIGKILL every task, thaw.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "act.h"
#include "log.h"

#define MAX_PROCS_READ (256u << 10) /* bytes of cgroup.procs read for evidence or kill */
#define MAX_TOP_PIDS 2048           /* processes whose names are read */
#define MAX_NAMES 64

static char procs_buf[MAX_PROCS_READ];

/* The container's directory in a v2 tree, if it has one. */
const struct cg *
act_v2(const struct container *c)
{
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h] != NULL && c->cg[h]->v2)
			return c->cg[h];
	return NULL;
}

/* Its directory in the v1 freezer hierarchy, if any. */
const struct cg *
act_v1_freezer(const struct container *c)
{
	const struct cg *g = c->src[CF_FREEZE];

	return g != NULL && !g->v2 ? g : NULL;
}

/* v2: cgroup.events says "frozen 1". */
static int
v2_frozen(const struct cg *g)
{
	char buf[256];
	uint64_t v;

	return cg_read_file(g, "cgroup.events", buf, sizeof(buf)) > 0 &&
	    cgroup_find_key(buf, "frozen", &v) == 0 && v == 1;
}

/* v2: cgroup.freeze holds 1 (asked, maybe not yet done). */
static int
v2_freeze_asked(const struct cg *g)
{
	char buf[16];

	return cg_read_file(g, "cgroup.freeze", buf, sizeof(buf)) > 0 && buf[0] == '1';
}

/* v1: freezer.state, as FREEZER_THAWED, _FREEZING or _FROZEN; -1 unreadable. */
enum { V1_THAWED, V1_FREEZING, V1_FROZEN };

static int
v1_state(const struct cg *g)
{
	char buf[32];

	if (cg_read_file(g, "freezer.state", buf, sizeof(buf)) <= 0)
		return -1;
	if (strncmp(buf, "FROZEN", 6) == 0)
		return V1_FROZEN;
	if (strncmp(buf, "FREEZING", 8) == 0)
		return V1_FREEZING;
	return V1_THAWED;
}

/* Freezes now: the v2 tree's freezer if there is one, else the v1 freezer. */
int
act_freeze(const struct container *c, enum freezer *used)
{
	const struct cg *g;
	int rc = -ENOENT;

	if ((g = act_v2(c)) != NULL && (rc = cg_write(g, "cgroup.freeze", "1")) == 0) {
		*used = FREEZER_V2;
		return 0;
	}
	if ((g = act_v1_freezer(c)) != NULL) {
		*used = FREEZER_V1;
		return cg_write(g, "freezer.state", "FROZEN");
	}
	*used = FREEZER_NONE;
	return rc;
}

/* Moves a freeze from the v2 tree to the v1 freezer: frozen all along. */
int
act_freeze_v1(const struct container *c)
{
	const struct cg *g = act_v1_freezer(c);

	return g ? cg_write(g, "freezer.state", "FROZEN") : -ENOENT;
}

/* Releases the v2 tree's freezer only (after Docker's pause took over). */
int
act_release_v2(const struct container *c)
{
	const struct cg *g = act_v2(c);

	return g ? cg_write(g, "cgroup.freeze", "0") : 0;
}

/* Thaws every freezer that holds the container: 0, or -errno. */
int
act_thaw(const struct container *c)
{
	const struct cg *g;
	int rc = 0, r;

	if ((g = act_v2(c)) != NULL && v2_freeze_asked(g) &&
	    (r = cg_write(g, "cgroup.freeze", "0")) < 0)
		rc = r;
	if ((g = act_v1_freezer(c)) != NULL && v1_state(g) != V1_THAWED &&
	    (r = cg_write(g, "freezer.state", "THAWED")) < 0)
		rc = r;
	return rc;
}

/*
 * The frozen state as the kernel reports it: FROZEN when a freezer has
 * stopped every task, FREEZING while one is asked and not done yet.
 */
enum fstate
act_frozen(const struct container *c)
{
	const struct cg *g;
	int asked = 0, s;

	if ((g = act_v2(c)) != NULL) {
		if (v2_frozen(g))
			return FS_FROZEN;
		asked = v2_freeze_asked(g);
	}
	if ((g = act_v1_freezer(c)) != NULL && (s = v1_state(g)) != V1_THAWED && s >= 0)
		return s == V1_FROZEN ? FS_FROZEN : FS_FREEZING;
	return asked ? FS_FREEZING : FS_THAWED;
}

/* Reads cgroup.procs of the directory into procs_buf: bytes, or -errno. */
static int
read_procs(const struct cg *g)
{
	char path[PATH_MAX];
	size_t len = 0;
	ssize_t n;
	int fd, rc;

	if ((rc = cg_file_path(g, "cgroup.procs", path, sizeof(path))) < 0)
		return rc;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	while (len < sizeof(procs_buf) - 1 &&
	    (n = read(fd, procs_buf + len, sizeof(procs_buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	procs_buf[len] = '\0';
	return (int)len;
}

/* A directory that lists the container's tasks: pids (v1) first, then v2, then any. */
static const struct cg *
procs_cg(const struct container *c)
{
	const struct cg *g = c->src[CF_PIDS_CUR];

	if (g != NULL)
		return g;
	if ((g = act_v2(c)) != NULL)
		return g;
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h] != NULL)
			return c->cg[h];
	return NULL;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* SIGKILLs every task listed; never ourselves or init.  Returns how many. */
static int
kill_listed(pid_t self)
{
	int n = 0;

	for (char *p = procs_buf, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		while (*end == '\n')
			end++;
		if (pid > 1 && pid != self && kill((pid_t)pid, SIGKILL) == 0)
			n++;
	}
	return n;
}

/*
 * Pure v1: freeze (so nothing forks while the list is read), SIGKILL every
 * task, thaw so the signals are delivered.  The wait for FROZEN is short
 * and bounded; a task stuck freezing is killed all the same, and the list
 * is read again until it is empty.
 */
static int
kill_v1(const struct container *c)
{
	const struct cg *frz = act_v1_freezer(c), *g = procs_cg(c);
	pid_t self = getpid();
	int killed = 0;

	if (g == NULL)
		return -ENOENT;
	if (frz != NULL && cg_write(frz, "freezer.state", "FROZEN") == 0)
		for (int i = 0; i < 100 && v1_state(frz) != V1_FROZEN; i++)
			sleep_ms(1);
	for (int round = 0; round < 5; round++) {
		if (read_procs(g) <= 0)
			break;
		int n = kill_listed(self);

		killed += n;
		if (n == 0)
			break;
		if (frz == NULL)
			sleep_ms(1);
	}
	if (frz != NULL)
		cg_write(frz, "freezer.state", "THAWED");
	return killed > 0 ? 0 : -ESRCH;
}

/*
 * Kills every task of the container: cgroup.kill where a v2 tree holds
 * it, then thaws any freezer so the kills land; pure v1 by hand.
 */
int
act_kill(const struct container *c, const char **how)
{
	const struct cg *g = act_v2(c);
	int rc;

	if (g != NULL && (rc = cg_write(g, "cgroup.kill", "1")) == 0) {
		*how = "cgroup.kill";
		act_thaw(c);
		return 0;
	}
	*how = "freeze, SIGKILL each task, thaw";
	return kill_v1(c);
}

struct name_count {
	char name[16];
	unsigned n;
};

static int
by_count(const void *a, const void *b)
{
	const struct name_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

/*
 * The top process names in the container with their counts, "sh 97,
 * sleep 1", read from cgroup.procs and /proc/PID/comm (at most
 * MAX_TOP_PIDS processes: enough to name a bomb).  Returns the number of
 * processes listed.
 */
unsigned
act_top(const struct container *c, char *out, size_t len)
{
	static struct name_count names[MAX_NAMES];
	const struct cg *g = procs_cg(c);
	unsigned total = 0, nnames = 0, other = 0;
	size_t off = 0;

	*out = '\0';
	if (g == NULL || read_procs(g) <= 0)
		return 0;
	for (char *p = procs_buf, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);
		char path[64], comm[16];
		unsigned i;
		int fd;
		ssize_t n;

		if (end == p)
			break;
		while (*end == '\n')
			end++;
		if (++total > MAX_TOP_PIDS)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (n <= 0)
			continue;
		comm[n] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		for (i = 0; i < nnames && strcmp(names[i].name, comm) != 0; i++)
			;
		if (i == nnames) {
			if (nnames == MAX_NAMES) {
				other++;
				continue;
			}
			snprintf(names[nnames].name, sizeof(names[0].name), "%s", comm);
			names[nnames++].n = 0;
		}
		names[i].n++;
	}
	qsort(names, nnames, sizeof(names[0]), by_count);
	for (unsigned i = 0; i < nnames && i < 5 && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%s %u", i ? ", " : "",
		    names[i].name, names[i].n);
	if (nnames > 5 && off < len)
		off += (size_t)snprintf(out + off, len - off, ", %u more names", nnames - 5);
	if (total > MAX_TOP_PIDS && off < len)
		snprintf(out + off, len - off, " (first %u of %u processes)", MAX_TOP_PIDS,
		    total);
	(void)other;
	return total;
}

/* Leaves trusted.cgwarden.<key> = val on every directory of the container. */
void
act_note(const struct container *c, const char *key, const char *val)
{
	char path[PATH_MAX], name[64];

	snprintf(name, sizeof(name), "trusted.cgwarden.%s", key);
	for (int h = 0; h < MAX_HIER; h++) {
		if (c->cg[h] == NULL)
			continue;
		container_cg_path(c->cg[h], path, sizeof(path));
		if (val == NULL)
			removexattr(path, name);
		else if (setxattr(path, name, val, strlen(val), 0) < 0 && errno != ENOENT)
			log_debug("%s: setxattr %s: %s", path, name, strerror(errno));
	}
}

/* Reads trusted.cgwarden.<key> from the first directory that has it: length, or -1. */
int
act_read_note(const struct container *c, const char *key, char *buf, size_t len)
{
	char path[PATH_MAX], name[64];
	ssize_t n;

	snprintf(name, sizeof(name), "trusted.cgwarden.%s", key);
	for (int h = 0; h < MAX_HIER; h++) {
		if (c->cg[h] == NULL)
			continue;
		container_cg_path(c->cg[h], path, sizeof(path));
		if ((n = getxattr(path, name, buf, len - 1)) > 0) {
			buf[n] = '\0';
			return (int)n;
		}
	}
	return -1;
}
