/*
 * The fork-bomb guard.  After every sample of a container (the tick, the
 * fast tick of the hot set, a kernel event) the detector looks at its
 * ring; on a spike the decision (policy_action) is carried out through
 * act.c and told through events.c.
 *
 * The hot set: a container that is young, growing, refusing forks or near
 * its pids limit is sampled every FAST_MS until it calms down; the others
 * only at the interval.  So where the kernel does not notify (v1
 * pids.events) a bomb is still seen within tens of milliseconds, and a
 * thousand quiet containers cost nothing more.
 *
 * Freeze on a hybrid host: the unified tree's cgroup.freeze stops the bomb
 * at once; Docker is then asked to pause the container, which writes the
 * v1 freezer that docker pause/unpause use, and the unified freeze is
 * released: one freezer, the one `docker unpause` and `cgwardenctl thaw`
 * both release.  (Docker's runtime refuses to pause a cgroup that is
 * already frozen in the freezer it reads, so on pure v1 and pure v2
 * hosts cgwarden's freeze stays its own and `cgwardenctl thaw` releases
 * it.)
 *
 * Nothing here is state that cgroupfs cannot give back: a restarted
 * daemon reads the freezer files and the trusted.cgwarden.action note.
 */
#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "act.h"
#include "counters.h"
#include "docker.h"
#include "enforce.h"
#include "events.h"
#include "guard.h"
#include "log.h"
#include "policy.h"
#include "report.h"
#include "sample.h"
#include "xmalloc.h"

#define FAST_MS 10             /* the hot set's sampling period */
#define YOUNG_MS 5000          /* a new container is hot this long */
#define CALM_MS 2000           /* hot this long after the last sign */
#define YOUNG_HOT_MAX 128      /* young ones in the hot set at most (a mass start) */
#define QUIET_MS 10000         /* between two reports of one container's spike */
#define LOOP_MS (10 * 60000)   /* a kill this recent makes a new spike a loop */
#define NKILLS 64
#define NBUDGET 1024

enum { HANDOFF_NONE, HANDOFF_SWAP, HANDOFF_GAP };

struct guard {
	struct event_base *base;
	struct ctable *t;
	const struct config *cf;
	struct docker *docker;
	int dry_run;
	struct event *fast;
	struct container **hot;
	size_t nhot, caphot;
	/* when freezes and kills were done (monotonic ms): the budget */
	uint64_t acts[NBUDGET];
	unsigned nacts;
	/* recent kills by id, for restart loops (wall clock ms) */
	struct {
		char id[ID_LEN + 1];
		uint64_t at;
	} kills[NKILLS];
	unsigned nkills;
};

static int
monitor(const struct guard *g)
{
	return g->dry_run || g->cf->mode == MODE_MONITOR;
}

/*
 * Never act on a cgroup that holds the daemon or the host's init: a
 * pattern that matched too much must not turn the guard on the host.
 * Read at each decision, not cached: the daemon may have been moved.
 * The lines of /proc/PID/cgroup end in the path; the container's
 * directory is the same path below each mount.
 */
static int
holds(const char *procfile, const char *rel, size_t len)
{
	char buf[4096];
	FILE *f = fopen(procfile, "re");
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(buf, sizeof(buf), f) != NULL) {
		char *path = strchr(buf, ':');

		if (path == NULL || (path = strchr(path + 1, ':')) == NULL)
			continue;
		path++;
		path[strcspn(path, "\n")] = '\0';
		found = strncmp(path, rel, len) == 0 && (path[len] == '\0' || path[len] == '/');
	}
	fclose(f);
	return found;
}

static int
safe_target(const struct container *c)
{
	char rel[4096];
	size_t len;

	if (c->rel == NULL || *c->rel == '\0')
		return 0;
	len = (size_t)snprintf(rel, sizeof(rel), "/%s", c->rel);
	return !holds("/proc/self/cgroup", rel, len) && !holds("/proc/1/cgroup", rel, len);
}

static void fast_cb(evutil_socket_t, short, void *);

static void
make_hot(struct guard *g, struct container *c)
{
	struct timeval tv = { 0, FAST_MS * 1000 };

	if (c->hot)
		return;
	if (g->nhot == g->caphot) {
		g->caphot = g->caphot ? g->caphot * 2 : 16;
		g->hot = xreallocarray(g->hot, g->caphot, sizeof(*g->hot));
	}
	g->hot[g->nhot++] = c;
	c->hot = 1;
	if (!evtimer_pending(g->fast, NULL))
		evtimer_add(g->fast, &tv);
}

static void
drop_hot(struct guard *g, size_t i)
{
	g->hot[i]->hot = 0;
	g->hot[i] = g->hot[--g->nhot];
	if (g->nhot == 0)
		evtimer_del(g->fast);
}

struct guard *
guard_new(struct event_base *base, struct ctable *t, const struct config *cf, int dry_run)
{
	struct guard *g = xcalloc(1, sizeof(*g));

	g->base = base;
	g->t = t;
	g->cf = cf;
	g->dry_run = dry_run;
	g->fast = event_new(base, -1, EV_PERSIST, fast_cb, g);
	return g;
}

void
guard_free(struct guard *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->nhot; i++)
		g->hot[i]->hot = 0;
	event_free(g->fast);
	free(g->hot);
	free(g);
}

void
guard_set_config(struct guard *g, const struct config *cf)
{
	g->cf = cf;
}

void
guard_set_docker(struct guard *g, struct docker *d)
{
	g->docker = d;
}

size_t
guard_hot_count(const struct guard *g)
{
	return g ? g->nhot : 0;
}

const char *
guard_state_name(const struct container *c)
{
	switch (c->state) {
	case CS_FROZEN: return "frozen";
	case CS_KILLED: return "killed";
	case CS_RUNNING: break;
	}
	return "running";
}

static int
budget_left(struct guard *g, uint64_t now)
{
	unsigned n = 0, have = g->nacts < NBUDGET ? g->nacts : NBUDGET;

	for (unsigned i = 0; i < have; i++)
		if (now - g->acts[i] < 60000)
			n++;
	return n < g->cf->max_actions_per_minute;
}

static void
budget_take(struct guard *g, uint64_t now)
{
	g->acts[g->nacts++ % NBUDGET] = now;
}

static int
killed_recently(const struct guard *g, const char *id, uint64_t wall)
{
	for (unsigned i = 0; i < NKILLS; i++)
		if (g->kills[i].at && strcmp(g->kills[i].id, id) == 0 &&
		    wall - g->kills[i].at < LOOP_MS)
			return 1;
	return 0;
}

static void
record_kill(struct guard *g, const char *id, uint64_t wall)
{
	unsigned i = g->nkills++ % NKILLS;

	memcpy(g->kills[i].id, id, ID_LEN + 1);
	g->kills[i].at = wall;
}

static uint64_t
pids_max_of(const struct container *c)
{
	return c->ks[KNOB_PIDS].ok ? c->ks[KNOB_PIDS].value : LIMIT_MAX;
}


/* The ring as text, oldest first: "-950ms 3/100 0, ..., 0ms 100/100 412". */
static void
history(const struct container *c, char *buf, size_t len)
{
	unsigned have = c->nsamples < RING ? c->nsamples : RING;
	const struct sample *last = container_last(c);
	uint64_t max;
	size_t off = 0;
	char mx[24];

	*buf = '\0';
	if (last == NULL)
		return;
	if (report_limit(c, KNOB_PIDS, &max) < 0)
		max = LIMIT_MAX;
	if (max == LIMIT_MAX)
		snprintf(mx, sizeof(mx), "max");
	else
		snprintf(mx, sizeof(mx), "%" PRIu64, max);
	off += (size_t)snprintf(buf, len, "pids/pids.max refused-forks:");
	for (unsigned i = have; i >= 1 && off < len; i--) {
		const struct sample *s = &c->ring[(c->nsamples - i) % RING];
		int32_t dt = (int32_t)(s->t_ms - last->t_ms);

		if (dt < -2 * SPIKE_WINDOW_MS)
			continue;
		off += (size_t)snprintf(buf + off, len - off, " %dms %d/%s %d", (int)dt,
		    s->pids == SAMPLE_NONE ? -1 : (int)s->pids, mx,
		    s->fork_failures == SAMPLE_NONE ? -1 : (int)s->fork_failures);
		if (i > 1 && off < len)
			off += (size_t)snprintf(buf + off, len - off, ",");
	}
}

static void
reason(const struct verdict *v, char *buf, size_t len)
{
	if (v->kind == SPIKE_FORK_FAILURES)
		snprintf(buf, len, "%" PRIu64 " forks refused by pids.max in %" PRIu64
		    " ms (threshold per second: spike_fork_failures)", v->delta, v->window_ms);
	else
		snprintf(buf, len, "%" PRIu64 " new processes in %" PRIu64 " ms, %" PRIu64
		    "/s (threshold: spike_rate)", v->delta, v->window_ms, v->per_second);
}



static void
reset_ring(struct container *c)
{
	c->nsamples = 0;
}

struct pause_req {
	struct guard *g;
	char id[ID_LEN + 1];
	int kind;
	uint64_t released_ms; /* GAP: when cgwarden let go (monotonic) */
};

/*
 * Docker's pause finished.  Hybrid (SWAP): its v1 freezer holds the
 * container now; let go of the unified one, or, when Docker said no, move
 * cgwarden's freeze to the v1 freezer that Docker reads.  One freezer
 * (GAP): Docker's pause froze it again; when it said no, freeze it again.
 */
static void
paused(int ok, const char *err, void *arg)
{
	struct pause_req *p = arg;
	struct container *c = container_find(p->g->t, p->id);
	char lbl[128];

	if (c != NULL && c->state == CS_FROZEN) {
		c->handing = 0;
		if (ok) {
			char gap[64] = "";

			c->docker_paused = 1;
			if (p->kind == HANDOFF_SWAP)
				act_release_v2(c);
			else
				snprintf(gap, sizeof(gap), "; it ran %" PRIu64 " ms between the two",
				    clock_now_ms() - p->released_ms);
			log_info("container %s: Docker paused it too (docker unpause or "
			    "cgwardenctl thaw releases it)%s", enforce_label(c, lbl, sizeof(lbl)), gap);
		} else {
			enum freezer used;

			if (p->kind == HANDOFF_GAP)
				act_freeze(c, &used);
			else if (act_freeze_v1(c) == 0)
				act_release_v2(c);
			log_warnx("container %s: Docker did not pause it (%s); cgwarden's "
			    "freeze holds it: cgwardenctl thaw %.12s releases it",
			    enforce_label(c, lbl, sizeof(lbl)), err, c->id);
		}
	}
	free(p);
}

/* Freeze by cgwarden: at once, then Docker's own pause takes it over (hybrid). */
static int
do_freeze(struct guard *g, struct container *c, const char *why, char *err, size_t errlen)
{
	enum freezer used;
	char note[512];
	int rc;

	if ((rc = act_freeze(c, &used)) < 0) {
		snprintf(err, errlen, "cannot freeze: %s", strerror(-rc));
		return -1;
	}
	c->state = CS_FROZEN;
	c->frozen_by_us = 1;
	c->docker_paused = 0;
	c->confirm = 1;
	c->frozen_at = clock_wall_ms();
	snprintf(note, sizeof(note), "freeze %" PRIu64 " %s", c->frozen_at, why);
	act_note(c, "action", note);
	/* Hybrid: Docker reads another freezer (v1) than the one used (v2). */
	c->handoff = used == FREEZER_V2 && act_v1_freezer(c) != NULL ? HANDOFF_SWAP :
	    HANDOFF_GAP;
	make_hot(g, c); /* the confirmation is polled there too */
	return 0;
}

/*
 * Docker's pause takes the freeze over, so that docker ps shows it Paused
 * and docker unpause releases it.  On a hybrid host (SWAP) at once: Docker
 * writes the v1 freezer while the unified one holds.  Where Docker reads
 * the very freezer cgwarden wrote (pure v1, pure v2), its runtime refuses
 * to pause a cgroup that is already frozen; so (GAP), once the kernel has
 * confirmed the freeze and the evidence is taken, cgwarden's freeze is
 * released and Docker pauses it again: the container runs for the time
 * of that request (tens of ms, still under pids.max), and is frozen
 * again by cgwarden if Docker says no.  Without Docker, nothing to hand.
 */
static void
handoff(struct guard *g, struct container *c, int kind)
{
	struct pause_req *p;

	if (c->handoff != kind)
		return;
	c->handoff = HANDOFF_NONE;
	/*
	 * Not only META_API: a bomb is often caught while the inspect that
	 * its create or start event asked for is still in flight (PENDING).
	 */
	if (c->meta == META_UNKNOWN || !docker_up(g->docker)) {
		if (kind == HANDOFF_SWAP) {
			p = xcalloc(1, sizeof(*p));
			p->g = g;
			memcpy(p->id, c->id, sizeof(p->id));
			p->kind = kind;
			paused(0, c->meta == META_UNKNOWN ? "Docker does not know it" :
			    "Docker is not reachable", p);
		}
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->g = g;
	memcpy(p->id, c->id, sizeof(p->id));
	p->kind = kind;
	if (kind == HANDOFF_GAP) {
		c->handing = 1; /* a thawed freezer now is no thaw by someone else */
		p->released_ms = clock_now_ms();
		act_thaw(c);
	}
	if (docker_post(g->docker, c->id, "pause", paused, p) < 0)
		paused(0, "Docker is not reachable", p);
}

static int
do_kill(struct guard *g, struct container *c, const char *why, const char **how)
{
	char note[512];
	int rc;

	if ((rc = act_kill(c, how)) < 0)
		return rc;
	c->state = CS_KILLED;
	c->confirm = 0;
	c->frozen_by_us = 0;
	snprintf(note, sizeof(note), "kill %" PRIu64 " %s", clock_wall_ms(), why);
	act_note(c, "action", note);
	record_kill(g, c->id, clock_wall_ms());
	return 0;
}

static const char *
why_text(enum why w)
{
	switch (w) {
	case WHY_MONITOR: return " (monitor mode: nothing done)";
	case WHY_BUDGET: return " (max_actions_per_minute reached: alert only)";
	case WHY_LOOPING: return " (killed before and spiking again after a restart: "
	    "frozen, not killed again)";
	case WHY_RULE: break;
	}
	return "";
}

/* Tells that every process was killed: how, why (in the line too when asked). */
static void
tell_kill(const struct container *c, const char *how, const char *why,
    int say_why, int looping)
{
	char msg[1024], lbl[128], cg[4096];
	struct gevent e;

	counter_add(CNT_KILLS, 1);
	report_event(&e, GEV_KILL, c, cg, sizeof(cg));
	snprintf(msg, sizeof(msg), "killed every process of container %s (%s)%s%s%s",
	    enforce_label(c, lbl, sizeof(lbl)), how, say_why ? ": " : "", say_why ? why : "",
	    looping ? "; it is restarting in a loop" : "");
	e.action = "kill";
	e.reason = why;
	e.looping = looping;
	e.message = msg;
	events_emit(&e);
}

/* A spike: decide, capture the evidence, act, tell. */
static void
on_spike(struct guard *g, struct container *c, const struct verdict *v, uint64_t now)
{
	char why[256], hist[1024], top[512], msg[2048], err[128], lbl[128], cg[4096];
	char action[64], evidence[1600], mx[24];
	const char *how = NULL;
	enum why w;
	enum action a;
	struct gevent e;
	int looping = killed_recently(g, c->id, clock_wall_ms());

	c->spikes++;
	counter_add(CNT_SPIKES, 1);
	reason(v, why, sizeof(why));
	history(c, hist, sizeof(hist));
	a = policy_action(c->rule, monitor(g), budget_left(g, now), looping, &w);
	err[0] = '\0';
	if ((a == ACTION_FREEZE || a == ACTION_KILL) && !safe_target(c)) {
		a = ACTION_ALERT;
		snprintf(err, sizeof(err), " (its cgroup holds cgwardend or init: never acted on)");
	}
	snprintf(action, sizeof(action), "%s", config_action_name(a));
	if (w != WHY_MONITOR && (a == ACTION_FREEZE || a == ACTION_KILL)) {
		enum freezer used;

		budget_take(g, now);
		c->acted_ms = now;
		/* Stop it first: then the evidence is exactly what ran. */
		if (a == ACTION_KILL || a == ACTION_FREEZE)
			act_freeze(c, &used);
		act_top(c, top, sizeof(top));
		snprintf(evidence, sizeof(evidence), "%s; top: %s", hist, top);
		act_note(c, "evidence", evidence);
		if (a == ACTION_FREEZE && do_freeze(g, c, why, err, sizeof(err)) < 0) {
			snprintf(action, sizeof(action), "freeze-failed");
			a = ACTION_ALERT;
		}
		if (a == ACTION_KILL && do_kill(g, c, why, &how) < 0) {
			snprintf(action, sizeof(action), "kill-failed");
			snprintf(err, sizeof(err), " (kill failed)");
			a = ACTION_ALERT;
		}
	} else
		act_top(c, top, sizeof(top));
	if (a != ACTION_FREEZE || w == WHY_MONITOR)
		c->quiet_until_ms = now + QUIET_MS;
	if (a == ACTION_ALERT || a == ACTION_NONE || w == WHY_MONITOR)
		counter_add(a == ACTION_NONE ? CNT_NO_ACTION : CNT_ALERTS, w != WHY_MONITOR);
	report_event(&e, GEV_SPIKE, c, cg, sizeof(cg));
	if (e.pids_max == LIMIT_MAX)
		snprintf(mx, sizeof(mx), "max");
	else
		snprintf(mx, sizeof(mx), "%" PRIu64, e.pids_max);
	snprintf(msg, sizeof(msg), "spike in container %s image %s rule %s: %s; pids %" PRIu64
	    "/%s; action %s%s%s%s; top: %s", enforce_label(c, lbl, sizeof(lbl)),
	    c->image ? c->image : "?", e.rule ? e.rule : "?", why,
	    e.pids_current == UINT64_MAX ? 0 : e.pids_current, mx, action, w == WHY_MONITOR ? " (monitor mode: nothing done)" : why_text(w), err,
	    looping ? " [looping]" : "", top[0] ? top : "-");
	e.action = action;
	e.dry_run = w == WHY_MONITOR;
	e.looping = looping;
	e.reason = why;
	e.history = hist;
	e.top = top;
	e.message = msg;
	events_emit(&e);
	if (a == ACTION_FREEZE && w != WHY_MONITOR)
		handoff(g, c, HANDOFF_SWAP);
	if (a == ACTION_KILL && w != WHY_MONITOR)
		tell_kill(c, how, why, 0, looping);
}

/* The kernel says the freeze is done: tell it, with how long it took. */
static void
confirm(struct guard *g, struct container *c, uint64_t now)
{
	char msg[512], lbl[128], cg[4096];
	struct gevent e;

	if (!c->confirm || act_frozen(c) != FS_FROZEN)
		return;
	c->confirm = 0;
	counter_add(CNT_FREEZES, 1);
	report_event(&e, GEV_FREEZE, c, cg, sizeof(cg));
	snprintf(msg, sizeof(msg), "froze container %s: frozen %" PRIu64 " ms after the "
	    "spike was seen; release with: cgwardenctl thaw %.12s", enforce_label(c, lbl, sizeof(lbl)),
	    now - c->acted_ms, c->name ? c->name : c->id);
	e.action = "freeze";
	e.message = msg;
	events_emit(&e);
	handoff(g, c, HANDOFF_GAP);
}

/* After every sample: hot or not, spike or not. */
void
guard_check(struct guard *g, struct container *c, uint64_t now)
{
	struct verdict v;

	if (c->confirm)
		confirm(g, c, now);
	if (c->rule == NULL || c->state != CS_RUNNING)
		return;
	if (policy_hot(c->ring, c->nsamples, pids_max_of(c))) {
		c->hot_until_ms = now + CALM_MS;
		make_hot(g, c);
	}
	if (now < c->quiet_until_ms || !policy_spike(c->rule, c->ring, c->nsamples, &v))
		return;
	on_spike(g, c, &v, now);
}

static void
fast_cb(evutil_socket_t fd, short what, void *arg)
{
	struct guard *g = arg;
	uint64_t now = clock_now_ms();

	(void)fd, (void)what;
	for (size_t i = 0; i < g->nhot;) {
		struct container *c = g->hot[i];

		if (c->state == CS_RUNNING)
			sample_container(c, now);
		guard_check(g, c, now);
		if (now >= c->hot_until_ms && !c->confirm && g->hot[i] == c) {
			drop_hot(g, i);
			continue;
		}
		i++;
	}
}

/* The freezer may have changed outside (docker pause/unpause, by hand). */
void
guard_refresh(struct guard *g, struct container *c)
{
	enum fstate fs = act_frozen(c);
	char msg[512], lbl[128], cg[4096];
	struct gevent e;

	(void)g;
	if (c->handing)
		return; /* cgwarden let go for Docker's pause: its answer decides */
	if (c->state == CS_FROZEN && fs == FS_THAWED) {
		c->state = CS_RUNNING;
		c->confirm = 0;
		c->frozen_by_us = 0;
		c->docker_paused = 0;
		reset_ring(c);
		act_note(c, "action", NULL);
		report_event(&e, GEV_THAW, c, cg, sizeof(cg));
		snprintf(msg, sizeof(msg), "container %s was thawed outside cgwarden "
		    "(docker unpause, or by hand)", enforce_label(c, lbl, sizeof(lbl)));
		e.action = "thaw";
		e.message = msg;
		counter_add(CNT_THAWS, 1);
		events_emit(&e);
	} else if (c->state == CS_RUNNING && fs != FS_THAWED)
		c->state = CS_FROZEN; /* paused by someone else: not ours to kill */
}

/*
 * A cgroup made moments ago started from zero processes and zero refused
 * forks: that is its ring's first sample (called when its pids directory
 * is first seen), so a bomb that filled it before the
 * first sample (a shell bomb stalls within 50 ms) is still a spike.  Only
 * for a directory younger than the spike window (its ctime): a daemon
 * restarted among old containers must not take their history for one.
 */
static void
seed(struct container *c, uint64_t now)
{
	char path[4096];
	struct stat st;
	uint64_t age;
	const struct cg *g = c->src[CF_PIDS_CUR];

	if (g == NULL || stat(container_cg_path(g, path, sizeof(path)), &st) < 0)
		return;
	age = clock_wall_ms() - clock_ms_of(&st.st_ctim);
	if (age >= SPIKE_WINDOW_MS)
		return;
	/* Samples before its pids directory was seen hold nothing to compare. */
	c->ring[0] = (struct sample){ (uint32_t)(now - age), 0, 0 };
	c->nsamples = 1;
}

/* A container directory appeared: rebuild what the guard knew of it. */
void
guard_found(struct guard *g, struct container *c, uint64_t now)
{
	char note[512];
	uint64_t at;

	if (c->born_ms == 0) {
		c->born_ms = now;
		/* A thousand containers started at once are not all watched fast:
		 * past the cap they join the hot set on a sign, as old ones do. */
		if (g->nhot < YOUNG_HOT_MAX) {
			c->hot_until_ms = now + YOUNG_MS;
			make_hot(g, c);
		}
	}
	if (!c->seeded && c->src[CF_PIDS_CUR] != NULL) {
		c->seeded = 1;
		seed(c, now);
	}
	if (c->state != CS_RUNNING || act_frozen(c) == FS_THAWED)
		return;
	c->state = CS_FROZEN;
	if (act_read_note(c, "action", note, sizeof(note)) > 0 &&
	    sscanf(note, "freeze %" SCNu64, &at) == 1) {
		c->frozen_by_us = 1;
		c->frozen_at = at;
		/* The v1 freezer alone, with a unified tree: Docker's pause took over. */
		c->docker_paused = act_v1_freezer(c) != NULL && act_v2(c) != NULL;
	}
}

/* Docker started it again (a restart policy, docker start): a new life. */
void
guard_started(struct guard *g, struct container *c, uint64_t now)
{
	if (c->state != CS_KILLED)
		return;
	c->state = CS_RUNNING;
	c->born_ms = now;
	c->quiet_until_ms = 0;
	reset_ring(c);
	if (g->nhot < YOUNG_HOT_MAX) {
		c->hot_until_ms = now + YOUNG_MS;
		make_hot(g, c);
	}
}

void
guard_forget(struct guard *g, struct container *c)
{
	for (size_t i = 0; i < g->nhot; i++)
		if (g->hot[i] == c) {
			drop_hot(g, i);
			return;
		}
}

/* Each interval: frozen ones may have been thawed; kill_after escalates. */
void
guard_tick(struct guard *g, uint64_t now)
{
	uint64_t wall = clock_wall_ms();

	for (size_t i = 0; i < g->t->n; i++) {
		struct container *c = g->t->c[i];

		if (c->state != CS_FROZEN)
			continue;
		guard_refresh(g, c);
		if (c->state == CS_FROZEN && c->rule != NULL && !monitor(g) &&
		    policy_kill_due(c->rule, c->frozen_by_us, c->frozen_at, wall)) {
			char why[128];

			snprintf(why, sizeof(why), "still frozen after kill_after (%" PRIu64 " ms)",
			    c->rule->kill_after_ms);
			guard_kill(g, c, why, NULL, 0);
		}
	}
	(void)now;
}

/* Kills a container now (kill_after, cgwardenctl kill): 0, or -1 with err. */
int
guard_kill(struct guard *g, struct container *c, const char *by, char *err, size_t errlen)
{
	char lbl[128];
	const char *how;
	int rc;

	if (!safe_target(c)) {
		if (err)
			snprintf(err, errlen, "its cgroup holds cgwardend or init: not killed");
		return -1;
	}
	if ((rc = do_kill(g, c, by, &how)) < 0) {
		if (err)
			snprintf(err, errlen, "cannot kill: %s", strerror(-rc));
		log_warnx("container %s: kill (%s) failed: %s", enforce_label(c, lbl,
		    sizeof(lbl)), by, strerror(-rc));
		return -1;
	}
	tell_kill(c, how, by, 1, 0);
	return 0;
}

/*
 * Contains a container for a reason other than a spike (a rule's
 * on_docker_socket): the same freeze or kill, the same budget, the same
 * refusal to touch the daemon's own cgroup, nothing done in monitor mode.
 */
void
guard_contain(struct guard *g, struct container *c, enum action a, const char *why)
{
	char msg[512], lbl[128], cg[4096], err[128];
	uint64_t now = clock_now_ms();
	struct gevent e;

	if ((a != ACTION_FREEZE && a != ACTION_KILL) || c->state != CS_RUNNING)
		return;
	enforce_label(c, lbl, sizeof(lbl));
	if (monitor(g) || !budget_left(g, now) || !safe_target(c)) {
		log_warnx("container %s: %s: %s not done (%s)", lbl, why, config_action_name(a),
		    monitor(g) ? "monitor mode" : !safe_target(c) ?
		    "its cgroup holds cgwardend or init" : "max_actions_per_minute reached");
		return;
	}
	budget_take(g, now);
	c->acted_ms = now;
	if (a == ACTION_KILL) {
		guard_kill(g, c, why, err, sizeof(err));
		return;
	}
	if (do_freeze(g, c, why, err, sizeof(err)) < 0) {
		log_warnx("container %s: %s: %s", lbl, why, err);
		return;
	}
	report_event(&e, GEV_FREEZE, c, cg, sizeof(cg));
	snprintf(msg, sizeof(msg), "freezing container %s: %s; release with: cgwardenctl "
	    "thaw %.12s", lbl, why, c->name ? c->name : c->id);
	e.action = "freeze";
	e.reason = why;
	e.message = msg;
	c->confirm = 0; /* this event is the report */
	counter_add(CNT_FREEZES, 1);
	events_emit(&e);
	handoff(g, c, HANDOFF_SWAP);
	handoff(g, c, HANDOFF_GAP); /* no bomb here: no confirmation to wait for */
}

struct thaw_req {
	struct guard *g;
	char id[ID_LEN + 1];
	char by[64];
	guard_done_cb cb;
	void *arg;
};

static void
thawed(struct container *c, const char *by, const char *how)
{
	char msg[512], lbl[128], cg[4096];
	struct gevent e;

	c->state = CS_RUNNING;
	c->confirm = 0;
	c->frozen_by_us = 0;
	c->docker_paused = 0;
	c->quiet_until_ms = 0;
	reset_ring(c);
	act_note(c, "action", NULL);
	counter_add(CNT_THAWS, 1);
	report_event(&e, GEV_THAW, c, cg, sizeof(cg));
	snprintf(msg, sizeof(msg), "thawed container %s (%s, %s)", enforce_label(c, lbl, sizeof(lbl)),
	    by, how);
	e.action = "thaw";
	e.reason = by;
	e.message = msg;
	events_emit(&e);
}

static void
unpaused(int ok, const char *err, void *arg)
{
	struct thaw_req *r = arg;
	struct container *c = container_find(r->g->t, r->id);
	char msg[256];
	int rc = 0;

	if (c == NULL) {
		r->cb(-1, "the container is gone", r->arg);
	} else if (ok || (rc = act_thaw(c)) == 0) {
		act_thaw(c);
		thawed(c, r->by, ok ? "docker unpause" : "freezer");
		r->cb(0, NULL, r->arg);
	} else {
		snprintf(msg, sizeof(msg), "Docker: %s; freezer: %s", err, strerror(-rc));
		r->cb(-1, msg, r->arg);
	}
	free(r);
}

/*
 * Releases a frozen container: through Docker when Docker's pause holds
 * it (so docker ps agrees), else by writing the freezers.  cb may be
 * called before this returns.
 */
void
guard_thaw(struct guard *g, struct container *c, const char *by, guard_done_cb cb, void *arg)
{
	struct thaw_req *r;

	if (act_frozen(c) == FS_THAWED && c->state != CS_FROZEN) {
		cb(-1, "it is not frozen", arg);
		return;
	}
	r = xcalloc(1, sizeof(*r));
	r->g = g;
	memcpy(r->id, c->id, sizeof(r->id));
	snprintf(r->by, sizeof(r->by), "%s", by);
	r->cb = cb;
	r->arg = arg;
	/* Through Docker whenever it may hold the pause (it says so if not). */
	if ((c->docker_paused || c->meta == META_API) &&
	    docker_post(g->docker, c->id, "unpause", unpaused, r) == 0)
		return;
	unpaused(0, "Docker does not hold it", r);
}
