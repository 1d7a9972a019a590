/*
 * Freeze, thaw, kill and the frozen state, on the handles of a cgroup's
 * directories.  No decisions here, and no fork: every effect is a
 * write(2) or a kill(2), so it works when fork() fails host-wide.
 *
 * Which freezer: a v2 tree's cgroup.freeze where there is one (pure v2,
 * and the unified tree of a hybrid host, where it acts at once and its
 * state is confirmed in cgroup.events); the v1 freezer controller on a
 * pure v1 host.  Kill: cgroup.kill on a v2 tree (the kernel kills every
 * task, forks included); on pure v1, freeze, SIGKILL every task, thaw.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "freezer.h"

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
freezer_freeze(const struct cgdirs *c, enum freezer *used)
{
	const struct cg *g;
	int rc = -ENOENT;

	if ((g = c->v2) != NULL && (rc = cg_write(g, "cgroup.freeze", "1")) == 0) {
		*used = FREEZER_V2;
		return 0;
	}
	if ((g = c->v1frz) != NULL) {
		*used = FREEZER_V1;
		return cg_write(g, "freezer.state", "FROZEN");
	}
	*used = FREEZER_NONE;
	return rc;
}

/* Moves a freeze from the v2 tree to the v1 freezer: frozen all along. */
int
freezer_freeze_v1(const struct cgdirs *c)
{
	const struct cg *g = c->v1frz;

	return g ? cg_write(g, "freezer.state", "FROZEN") : -ENOENT;
}

/* Releases the v2 tree's freezer only (after Docker's pause took over). */
int
freezer_release_v2(const struct cgdirs *c)
{
	const struct cg *g = c->v2;

	return g ? cg_write(g, "cgroup.freeze", "0") : 0;
}

/* Thaws every freezer that holds the container: 0, or -errno. */
int
freezer_thaw(const struct cgdirs *c)
{
	const struct cg *g;
	int rc = 0, r;

	if ((g = c->v2) != NULL && v2_freeze_asked(g) &&
	    (r = cg_write(g, "cgroup.freeze", "0")) < 0)
		rc = r;
	if ((g = c->v1frz) != NULL && v1_state(g) != V1_THAWED &&
	    (r = cg_write(g, "freezer.state", "THAWED")) < 0)
		rc = r;
	return rc;
}

/*
 * The frozen state as the kernel reports it: FROZEN when a freezer has
 * stopped every task, FREEZING while one is asked and not done yet.
 */
enum fstate
freezer_state(const struct cgdirs *c)
{
	const struct cg *g;
	int asked = 0, s;

	if ((g = c->v2) != NULL) {
		if (v2_frozen(g))
			return FS_FROZEN;
		asked = v2_freeze_asked(g);
	}
	if ((g = c->v1frz) != NULL && (s = v1_state(g)) != V1_THAWED && s >= 0)
		return s == V1_FROZEN ? FS_FROZEN : FS_FREEZING;
	return asked ? FS_FREEZING : FS_THAWED;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Sends sig to every task listed; never ourselves or init.  Returns how many. */
static int
signal_listed(const char *procs, pid_t self, int sig)
{
	int n = 0;
	char *end;

	for (const char *p = procs; *p; p = end) {
		long pid = strtol(p, &end, 10);

		/* A list cut at the buffer's end: never a pid cut short. */
		if (end == p || *end != '\n')
			break;
		while (*end == '\n')
			end++;
		if (pid > 1 && pid != self && kill((pid_t)pid, sig) == 0)
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
kill_v1(const struct cgdirs *c)
{
	const struct cg *frz = c->v1frz, *g = c->procs;
	pid_t self = getpid();
	int killed = 0;

	if (g == NULL)
		return -ENOENT;
	if (frz != NULL && cg_write(frz, "freezer.state", "FROZEN") == 0)
		for (int i = 0; i < 100 && v1_state(frz) != V1_FROZEN; i++)
			sleep_ms(1);
	for (int round = 0; round < 5; round++) {
		const char *procs;

		if (cg_read_procs(g, &procs) <= 0)
			break;
		int n = signal_listed(procs, self, SIGKILL);

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
 * Sends sig to every process of the cgroup: SIGSTOP holds the tasks of a
 * frozen cgroup while its freezer changes hands (a frozen cgroup forks
 * nothing, so the list is whole, and a stop queued while frozen takes
 * the task when it is thawed, before it runs an instruction of its own;
 * the kernel counts a stopped task as frozen, so a freeze asked then
 * completes at once); SIGCONT lets them go once a freezer holds them
 * again, into that freezer.  Returns how many, or -errno.
 */
int
freezer_signal(const struct cgdirs *c, int sig)
{
	const char *procs;
	int rc;

	if (c->procs == NULL)
		return -ENOENT;
	if ((rc = cg_read_procs(c->procs, &procs)) < 0)
		return rc;
	return rc == 0 ? 0 : signal_listed(procs, getpid(), sig);
}

/*
 * Kills every task of the container: cgroup.kill where a v2 tree holds
 * it, then thaws any freezer so the kills land; pure v1 by hand.
 */
int
freezer_kill(const struct cgdirs *c, const char **how)
{
	const struct cg *g = c->v2;
	int rc;

	if (g != NULL && (rc = cg_write(g, "cgroup.kill", "1")) == 0) {
		*how = "cgroup.kill";
		freezer_thaw(c);
		return 0;
	}
	*how = "freeze, SIGKILL each task, thaw";
	return kill_v1(c);
}
