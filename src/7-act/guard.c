/*
 * The fork-bomb guard: after every sample of a container, the detector
 * (policy_spike) looks at its ring; on a spike, and on every other ask
 * (on_docker_socket, kill_after, cgwardenctl thaw and kill), the one
 * decision (policy_decide) says what to do, and its effects run here in
 * order, each once: the freezer and kill through freezer.c, the notes
 * through container.c, the telling through notice.c.
 *
 * The guard asks the sampler for a fast rate (sample_fast) while a
 * container is young, growing, refusing forks, near its pids limit or
 * being frozen: where the kernel does not notify (v1 pids.events) a bomb
 * is still seen within tens of milliseconds, and a thousand quiet
 * containers cost nothing more.
 *
 * Freeze on a hybrid host: the unified tree's cgroup.freeze stops the bomb
 * at once; Docker is then asked to pause the container, which writes the
 * v1 freezer that docker pause/unpause use, and the unified freeze is
 * released: one freezer, the one `docker unpause` and `cgwardenctl thaw`
 * both release.  (Docker's runtime refuses to pause a cgroup that is
 * already frozen in the freezer it reads, so on pure v1 and pure v2
 * hosts cgwarden lets go once the kernel confirmed the freeze, and
 * Docker's pause freezes it again.)
 *
 * The per-container state here is the guard's alone, and nothing in it
 * is state that cgroupfs cannot give back: a restarted daemon reads the
 * freezer files and the cgwarden.action note.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "counters.h"
#include "docker.h"
#include "enforce.h"
#include "freezer.h"
#include "guard.h"
#include "log.h"
#include "notice.h"
#include "policy.h"
#include "procs.h"
#include "sample.h"
#include "xmalloc.h"

#define YOUNG_MS 5000          /* a new container is sampled fast this long */
#define CALM_MS 2000           /* fast this long after the last sign */
#define YOUNG_FAST_MAX 128     /* young ones in the fast set at most (a mass start) */
#define QUIET_MS 10000         /* between two reports of one container's spike */
#define LOOP_MS (10 * 60000)   /* a kill this recent makes a new spike a loop */
#define NKILLS 64
#define NBUDGET 1024
#define REPAUSE_MAX 10        /* Docker asked again this often after a refusal */

enum cstate { CS_RUNNING, CS_FROZEN, CS_KILLED };
enum { HANDOFF_NONE, HANDOFF_SWAP, HANDOFF_GAP };

/* What the guard knows of one container: rebuilt from cgroupfs after a restart. */
struct guard_state {
	enum cstate state;
	uint8_t frozen_by_us;   /* cgwarden froze it (kill_after applies) */
	uint8_t docker_paused;  /* Docker's own pause holds it */
	uint8_t confirm;        /* a freeze waits for the kernel's word */
	uint8_t handoff;        /* how Docker's pause is to take the freeze over */
	uint8_t handing;        /* released for Docker's pause, its answer awaited */
	uint8_t repause;        /* Docker's pause refused this often: asked again later */
	uint8_t seeded;         /* its pids directory's age was looked at */
	uint64_t born_ms;       /* found (monotonic) */
	uint64_t quiet_until_ms; /* no new spike report before (monotonic) */
	uint64_t acted_ms;      /* when the last freeze or kill was decided (monotonic) */
	uint64_t frozen_at;     /* when cgwarden froze it (wall clock ms) */
	uint64_t spikes;        /* spikes seen */
};

struct guard {
	struct ctable *t;
	const struct config *cf;
	struct docker *docker;
	int dry_run;
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

static struct guard_state *
gs(struct container *c)
{
	if (c->guard == NULL)
		c->guard = xcalloc(1, sizeof(*c->guard));
	return c->guard;
}

/*
 * Never act on a cgroup that holds the daemon or the host's init: a
 * pattern that matched too much must not turn the guard on the host.
 * Read at each decision, not cached: the daemon may have been moved.
 */
static int
safe_target(const struct container *c)
{
	char rel[4096];

	struct cgdirs dirs;

	if (c->rel == NULL || *c->rel == '\0')
		return 0;
	snprintf(rel, sizeof(rel), "/%s", c->rel);
	if (procs_in_cgroup("self", rel) || procs_in_cgroup("1", rel))
		return 0;
	/* In a private cgroup namespace (a pod on a cgroup v2 node) the paths
	 * above say "/": the daemon's own pid in the container's tasks. */
	container_dirs(c, &dirs);
	return !procs_holds_pid(dirs.procs, (long)getpid());
}

struct guard *
guard_new(struct ctable *t, const struct config *cf, int dry_run)
{
	struct guard *g = xcalloc(1, sizeof(*g));

	g->t = t;
	g->cf = cf;
	g->dry_run = dry_run;
	return g;
}

void
guard_free(struct guard *g)
{
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

static int
budget_left(const struct guard *g, uint64_t now)
{
	unsigned n = 0, have = g->nacts < NBUDGET ? g->nacts : NBUDGET;

	for (unsigned i = 0; i < have; i++)
		if (now - g->acts[i] < 60000)
			n++;
	return n < g->cf->max_actions_per_minute;
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

/* The facts every decision starts from. */
static void
facts_of(const struct guard *g, struct container *c, enum trigger t, uint64_t now,
    struct facts *f)
{
	struct guard_state *s = gs(c);
	struct cgdirs dirs;

	memset(f, 0, sizeof(*f));
	container_dirs(c, &dirs);
	f->trigger = t;
	f->rule = c->rule;
	f->monitor = config_monitoring(g->cf, g->dry_run);
	f->budget_left = budget_left(g, now);
	f->now_wall = clock_wall_ms();
	f->looping = killed_recently(g, c->id, f->now_wall);
	f->safe = safe_target(c);
	f->running = s->state == CS_RUNNING;
	f->frozen = s->state == CS_FROZEN || freezer_state(&dirs) != FS_THAWED;
	f->frozen_by_us = s->frozen_by_us;
	f->frozen_at = s->frozen_at;
	/* Only Docker's own pause: Podman's and the others' freezes are cgwarden's. */
	f->docker_holds = c->runtime == RT_DOCKER && (s->docker_paused || c->meta == META_API);
	f->kubernetes = container_kubernetes(c);
	f->sandbox = c->sandbox;
}

/* The decision is carried out: its budget and its counter. */
static void
decided(struct guard *g, struct container *c, const struct decision *d, uint64_t now)
{
	if (d->take_budget) {
		g->acts[g->nacts++ % NBUDGET] = now;
		gs(c)->acted_ms = now;
	}
	if (d->count != CNT_COUNT)
		counter_add(d->count, 1);
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
	container_limit(c, KNOB_PIDS, &max);
	config_fmt_limit(KNOB_PIDS, max, mx, sizeof(mx));
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

struct pause_req {
	struct guard *g;
	char id[ID_LEN + 1];
	int kind;
	uint64_t released_ms; /* GAP: when cgwarden let go (monotonic) */
	uint64_t cpu_ns;      /* GAP: its CPU time then (USAGE_NONE: unknown) */
	int stopped;          /* GAP: its processes held by SIGSTOP meanwhile */
};

/* GAP: what the container did between cgwarden's release and Docker's answer. */
static void
gap_text(struct container *c, const struct pause_req *p, char *buf, size_t len)
{
	struct usage u;
	int w;

	sample_usage(c, &u);
	w = snprintf(buf, len, "; %s %" PRIu64 " ms between the two", p->stopped ?
	    "held by SIGSTOP" : "it ran", u.at_ms - p->released_ms);
	if (w > 0 && (size_t)w < len && p->cpu_ns != USAGE_NONE && u.cpu_ns != USAGE_NONE &&
	    u.cpu_ns >= p->cpu_ns)
		snprintf(buf + w, len - (size_t)w, ", %" PRIu64 " us of CPU used",
		    (u.cpu_ns - p->cpu_ns) / 1000);
}

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
	struct cgdirs dirs;
	char lbl[128];

	if (c != NULL && gs(c)->state == CS_FROZEN) {
		container_dirs(c, &dirs);
		gs(c)->handing = 0;
		if (ok) {
			char gap[128] = "";

			gs(c)->docker_paused = 1;
			if (p->kind == HANDOFF_SWAP)
				freezer_release_v2(&dirs);
			else
				gap_text(c, p, gap, sizeof(gap));
			/* Docker's freeze holds them now: let go of the stop, into it. */
			if (p->stopped)
				freezer_signal(&dirs, SIGCONT);
			log_info("container %s: Docker paused it too (docker unpause or "
			    "cgwardenctl thaw releases it)%s", container_label(c, lbl, sizeof(lbl)), gap);
		} else {
			enum freezer used;

			int again = p->kind == HANDOFF_GAP && gs(c)->repause < REPAUSE_MAX;

			if (p->kind == HANDOFF_GAP)
				freezer_freeze(&dirs, &used);
			else if (freezer_freeze_v1(&dirs) == 0)
				freezer_release_v2(&dirs);
			if (p->stopped)
				freezer_signal(&dirs, SIGCONT);
			/*
			 * A bomb is often frozen before Docker has finished starting
			 * its container, and Docker then refuses to pause what it does
			 * not yet call running: asked again at its start event, or at
			 * the next tick.
			 */
			if (again) {
				gs(c)->repause++;
				gs(c)->handoff = HANDOFF_GAP;
			}
			log_warnx("container %s: Docker did not pause it (%s); cgwarden's "
			    "freeze holds it%s: cgwardenctl thaw %.12s releases it",
			    container_label(c, lbl, sizeof(lbl)), err,
			    again ? ", Docker is asked again shortly" : "", c->id);
		}
	}
	free(p);
}

/* Freeze by cgwarden: at once, then Docker's own pause takes it over (hybrid). */
static int
do_freeze(struct container *c, const char *why, char *err, size_t errlen)
{
	struct guard_state *s = gs(c);
	struct cgdirs dirs;
	enum freezer used;
	char note[512];
	int rc;

	container_dirs(c, &dirs);
	if ((rc = freezer_freeze(&dirs, &used)) < 0) {
		snprintf(err, errlen, "cannot freeze: %s", strerror(-rc));
		return -1;
	}
	s->state = CS_FROZEN;
	s->frozen_by_us = 1;
	s->docker_paused = 0;
	s->confirm = 1;
	s->repause = 0;
	s->frozen_at = clock_wall_ms();
	snprintf(note, sizeof(note), "freeze %" PRIu64 " %s", s->frozen_at, why);
	container_note(c, "action", note);
	/* Hybrid: Docker reads another freezer (v1) than the one used (v2). */
	s->handoff = used == FREEZER_V2 && dirs.v1frz != NULL ? HANDOFF_SWAP : HANDOFF_GAP;
	/* Only Docker is handed the freeze (docker ps shows it Paused); the
	 * other runtimes' containers stay in cgwarden's, released by thaw. */
	if (c->runtime != RT_DOCKER)
		s->handoff = HANDOFF_NONE;
	/* The confirmation is looked for at the fast rate. */
	sample_fast(c, clock_now_ms() + 2 * SAMPLE_FAST_MS, SRC_FREEZING);
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
	struct guard_state *s = gs(c);
	struct pause_req *p;
	struct cgdirs dirs;

	if (s->handoff != kind)
		return;
	s->handoff = HANDOFF_NONE;
	p = xcalloc(1, sizeof(*p));
	p->g = g;
	memcpy(p->id, c->id, sizeof(p->id));
	p->kind = kind;
	/*
	 * Not only META_API: a bomb is often caught while the inspect that
	 * its create or start event asked for is still in flight (PENDING).
	 * Without Docker, said once, on every layout: the freeze stays cgwarden's.
	 */
	if (c->meta == META_UNKNOWN || !docker_up(g->docker)) {
		s->repause = REPAUSE_MAX; /* nobody to ask again */
		paused(0, c->meta == META_UNKNOWN ? "Docker does not know it" :
		    "Docker is not reachable", p);
		return;
	}
	if (kind == HANDOFF_GAP) {
		struct usage u;

		s->handing = 1; /* a thawed freezer now is no thaw by someone else */
		container_dirs(c, &dirs);
		/*
		 * Docker's runtime pauses only a cgroup it finds thawed: until its
		 * pause lands, a stop holds every process, so that nothing runs
		 * between the two freezes.  Only a confirmed freeze has its whole
		 * list: one still freezing may fork past it.
		 */
		p->stopped = freezer_state(&dirs) == FS_FROZEN && freezer_signal(&dirs, SIGSTOP) > 0;
		sample_usage(c, &u);
		p->cpu_ns = u.cpu_ns;
		p->released_ms = u.at_ms;
		freezer_thaw(&dirs);
	}
	if (docker_post(g->docker, c->id, "pause", paused, p) < 0)
		paused(0, "Docker is not reachable", p);
}

static int
do_kill(struct guard *g, struct container *c, const char *why, const char **how)
{
	struct guard_state *s = gs(c);
	struct cgdirs dirs;
	char note[512];
	int rc;

	container_dirs(c, &dirs);
	if ((rc = freezer_kill(&dirs, how)) < 0)
		return rc;
	s->state = CS_KILLED;
	s->confirm = 0;
	s->frozen_by_us = 0;
	snprintf(note, sizeof(note), "kill %" PRIu64 " %s", clock_wall_ms(), why);
	container_note(c, "action", note);
	record_kill(g, c->id, clock_wall_ms());
	return 0;
}

/* Tells that every process was killed: how, why (in the line too when asked). */
static void
tell_kill(const struct container *c, const char *how, const char *why, int say_why,
    int looping)
{
	struct notice n;

	counter_add(CNT_KILLS, 1);
	notice_init(&n, GEV_KILL, c);
	n.e.action = "kill";
	n.e.reason = why;
	n.e.looping = looping;
	notice_emit(&n, "killed every process of container %s (%s)%s%s%s", n.label, how,
	    say_why ? ": " : "", say_why ? why : "", looping ? "; it is restarting in a loop" : "");
}

/* Tells a spike: what was seen, what was decided, what was done. */
static void
tell_spike(const struct container *c, const struct facts *f, const struct decision *d,
    const char *why, const char *hist, const char *top, const char *err, enum source seen_by)
{
	struct notice n;
	char mx[24];

	notice_init(&n, GEV_SPIKE, c);
	config_fmt_limit(KNOB_PIDS, n.e.pids_max, mx, sizeof(mx));
	n.e.action = d->label;
	n.e.dry_run = d->dry_run;
	n.e.looping = f->looping;
	n.e.reason = why;
	n.e.history = hist;
	n.e.top = top;
	n.e.seen_by = sample_source_name(seen_by);
	notice_emit(&n, "spike in container %s image %s rule %s: %s; pids %" PRIu64
	    "/%s; action %s%s%s%s; top: %s; seen by %s", n.label, c->image ? c->image : "?",
	    n.e.rule ? n.e.rule : "?", why, n.e.pids_current == UINT64_MAX ? 0 :
	    n.e.pids_current, mx, d->label, policy_why_text(d->why),
	    d->unsafe ? " (its cgroup holds cgwardend or init: never acted on)" : err,
	    f->looping ? " [looping]" : "", top[0] ? top : "-", n.e.seen_by);
}

/* A spike: decide, capture the evidence, act, decide again if the act failed, tell. */
static void
on_spike(struct guard *g, struct container *c, const struct verdict *v, uint64_t now,
    enum source seen_by)
{
	char why[256], hist[1024], top[512], err[128] = "", evidence[1600];
	const char *how = NULL;
	struct facts f;
	struct decision d;
	struct cgdirs dirs;
	enum freezer used;

	gs(c)->spikes++;
	counter_add(CNT_SPIKES, 1);
	reason(v, why, sizeof(why));
	history(c, hist, sizeof(hist));
	facts_of(g, c, TRIG_SPIKE, now, &f);
	policy_decide(&f, &d);
	container_dirs(c, &dirs);
	if (d.act) {
		decided(g, c, &d, now);
		/* Stop it first: then the evidence is exactly what ran. */
		freezer_freeze(&dirs, &used);
	}
	procs_top(dirs.procs, top, sizeof(top));
	if (d.act) {
		snprintf(evidence, sizeof(evidence), "%s; top: %s", hist, top);
		container_note(c, "evidence", evidence);
		if (d.action == ACTION_FREEZE && do_freeze(c, why, err + 2, sizeof(err) - 2) < 0)
			f.failed = FAILED_FREEZE;
		if (d.action == ACTION_KILL && do_kill(g, c, why, &how) < 0) {
			f.failed = FAILED_KILL;
			snprintf(err + 2, sizeof(err) - 2, "kill failed");
		}
		if (f.failed != FAILED_NONE) {
			memcpy(err, " (", 2);
			strncat(err, ")", sizeof(err) - strlen(err) - 1);
			policy_decide(&f, &d);
		}
	}
	if (!d.act)
		decided(g, c, &d, now);
	if (d.quiet)
		gs(c)->quiet_until_ms = now + QUIET_MS;
	tell_spike(c, &f, &d, why, hist, top, err, seen_by);
	if (d.act && d.action == ACTION_FREEZE)
		handoff(g, c, HANDOFF_SWAP);
	if (d.act && d.action == ACTION_KILL)
		tell_kill(c, how, why, 0, f.looping);
}

/* The kernel says the freeze is done: tell it, with how long it took. */
static void
confirm(struct guard *g, struct container *c, uint64_t now)
{
	struct guard_state *s = gs(c);
	struct cgdirs dirs;
	struct notice n;

	container_dirs(c, &dirs);
	if (freezer_state(&dirs) != FS_FROZEN) {
		sample_fast(c, now + 2 * SAMPLE_FAST_MS, SRC_FREEZING); /* still waiting for it */
		return;
	}
	s->confirm = 0;
	counter_add(CNT_FREEZES, 1);
	notice_init(&n, GEV_FREEZE, c);
	n.e.action = "freeze";
	notice_emit(&n, "froze container %s: frozen %" PRIu64 " ms after the spike was seen; "
	    "release with: cgwardenctl thaw %.12s", n.label, now - s->acted_ms,
	    c->name ? c->name : c->id);
	handoff(g, c, HANDOFF_GAP);
}

int
guard_samples(const struct container *c)
{
	return c->guard == NULL || c->guard->state == CS_RUNNING;
}

void
guard_check(struct guard *g, struct container *c, uint64_t now, enum source seen_by)
{
	struct guard_state *s = gs(c);
	struct verdict v;
	uint64_t pids_max;

	if (s->confirm)
		confirm(g, c, now);
	if (c->rule == NULL || s->state != CS_RUNNING)
		return;
	pids_max = enforce_known_limit(c, KNOB_PIDS);
	if (policy_hot(c->ring, c->nsamples, pids_max))
		/* Woken by an event: the fast rate is that event's doing. */
		sample_fast(c, now + CALM_MS, seen_by == SRC_PASS ? SRC_SIGNS : seen_by);
	if (now < s->quiet_until_ms || !policy_spike(c->rule, c->ring, c->nsamples, &v))
		return;
	on_spike(g, c, &v, now, seen_by);
}

void
guard_alarm(struct guard *g, struct container *c, uint64_t now, enum source why)
{
	(void)g;
	sample_fast(c, now + CALM_MS, why);
}

/* The freezer may have changed outside (docker pause/unpause, by hand). */
void
guard_refresh(struct guard *g, struct container *c)
{
	struct guard_state *s = gs(c);
	struct cgdirs dirs;
	struct notice n;
	enum fstate fs;

	(void)g;
	if (s->handing)
		return; /* cgwarden let go for Docker's pause: its answer decides */
	container_dirs(c, &dirs);
	fs = freezer_state(&dirs);
	if (s->state == CS_FROZEN && fs == FS_THAWED) {
		/* Nothing of a handoff that a restart cut short stays stopped. */
		if (s->frozen_by_us)
			freezer_signal(&dirs, SIGCONT);
		s->state = CS_RUNNING;
		s->confirm = 0;
		s->handoff = HANDOFF_NONE;
		s->frozen_by_us = 0;
		s->docker_paused = 0;
		sample_reset(c);
		container_note(c, "action", NULL);
		counter_add(CNT_THAWS, 1);
		notice_init(&n, GEV_THAW, c);
		n.e.action = "thaw";
		notice_emit(&n, "container %s was thawed outside cgwarden (docker unpause, or "
		    "by hand)", n.label);
	} else if (s->state == CS_RUNNING && fs != FS_THAWED)
		s->state = CS_FROZEN; /* paused by someone else: not ours to kill */
}

/*
 * A cgroup made moments ago started from zero processes and zero refused
 * forks: that is its ring's first sample (when its pids directory is
 * first seen), so a bomb that filled it before the first sample (a shell
 * bomb stalls within 50 ms) is still a spike.  Only for a directory
 * younger than the spike window (its ctime): a daemon restarted among
 * old containers must not take their history for one.
 */
static void
seed(struct container *c, uint64_t now)
{
	char path[4096];
	struct stat st;
	uint64_t age;
	const struct cg *g = container_src(c, CF_PIDS_CUR);

	if (g == NULL || stat(cg_path(g, path, sizeof(path)), &st) < 0)
		return;
	age = clock_wall_ms() - clock_ms_of(&st.st_ctim);
	if (age < SPIKE_WINDOW_MS)
		sample_seed(c, now, age);
}

/* Young: sampled fast, unless a mass start filled the fast set already. */
static void
young(struct container *c, uint64_t now)
{
	/* A thousand containers started at once are not all watched fast:
	 * past the cap they join the fast set on a sign, as old ones do. */
	if (sample_fast_count() < YOUNG_FAST_MAX)
		sample_fast(c, now + YOUNG_MS, SRC_YOUNG);
}

void
guard_found(struct guard *g, struct container *c, uint64_t now)
{
	struct guard_state *s = gs(c);
	struct cgdirs dirs;
	char note[512];
	uint64_t at;
	int noted, ours;

	if (s->born_ms == 0) {
		s->born_ms = now;
		young(c, now);
	}
	if (!s->seeded && container_src(c, CF_PIDS_CUR) != NULL) {
		s->seeded = 1;
		seed(c, now);
	}
	container_dirs(c, &dirs);
	if (s->state != CS_RUNNING)
		return;
	noted = container_read_note(c, "action", note, sizeof(note)) > 0;
	/*
	 * Killed by a cgwarden that died before Docker said so: known as
	 * killed while its cgroup is empty, not judged again (what it
	 * refused is still counted), and its next life is frozen if it
	 * spikes again, as a loop.
	 */
	if (noted && sscanf(note, "kill %" SCNu64, &at) == 1) {
		record_kill(g, c->id, at);
		if (procs_top(dirs.procs, note, sizeof(note)) == 0) {
			s->state = CS_KILLED;
			return;
		}
		noted = 0;
	}
	/*
	 * Frozen by cgwarden, says its note, even before the hierarchy of its
	 * freezer is found (they are found one by one): not judged again
	 * meanwhile.  A freezer found thawed lets it go at the next tick.
	 */
	ours = noted && sscanf(note, "freeze %" SCNu64, &at) == 1;
	if (!ours && freezer_state(&dirs) == FS_THAWED)
		return;
	s->state = CS_FROZEN;
	if (ours) {
		s->frozen_by_us = 1;
		s->frozen_at = at;
		/* The v1 freezer alone, with a unified tree: Docker's pause took over. */
		s->docker_paused = dirs.v1frz != NULL && dirs.v2 != NULL;
	}
}

void
guard_started(struct guard *g, struct container *c, uint64_t now)
{
	struct guard_state *s = gs(c);

	if (s->state == CS_FROZEN && !s->confirm && !s->handing)
		handoff(g, c, HANDOFF_GAP); /* a pause Docker refused before it ran */
	if (s->state != CS_KILLED)
		return;
	s->state = CS_RUNNING;
	s->born_ms = now;
	s->quiet_until_ms = 0;
	sample_reset(c);
	young(c, now);
}

void
guard_forget(struct guard *g, struct container *c)
{
	(void)g;
	free(c->guard);
	c->guard = NULL;
}

/* Kills a container now (kill_after, cgwardenctl kill): 0, or -1 with err. */
static int
kill_now(struct guard *g, struct container *c, enum trigger t, const char *by, char *err,
    size_t errlen)
{
	char lbl[128];
	const char *how;
	struct facts f;
	struct decision d;
	uint64_t now = clock_now_ms();
	int rc;

	facts_of(g, c, t, now, &f);
	policy_decide(&f, &d);
	if (!d.act) {
		if (d.refusal != NULL && err != NULL)
			snprintf(err, errlen, "%s", d.refusal);
		return -1;
	}
	if ((rc = do_kill(g, c, by, &how)) < 0) {
		f.failed = FAILED_KILL;
		policy_decide(&f, &d);
		if (err)
			snprintf(err, errlen, "%s: %s", d.refusal, strerror(-rc));
		log_warnx("container %s: kill (%s) failed: %s", container_label(c, lbl,
		    sizeof(lbl)), by, strerror(-rc));
		return -1;
	}
	decided(g, c, &d, now);
	tell_kill(c, how, by, 1, 0);
	return 0;
}

void
guard_docker_paused(struct guard *g, struct container *c)
{
	(void)g;
	if (gs(c)->state == CS_FROZEN && !gs(c)->handing)
		gs(c)->docker_paused = 1;
}

/* Each interval: frozen ones may have been thawed; kill_after escalates. */
void
guard_tick(struct guard *g, uint64_t now)
{
	(void)now;
	for (size_t i = 0; i < g->t->n; i++) {
		struct container *c = g->t->c[i];
		char why[128];

		if (gs(c)->state != CS_FROZEN)
			continue;
		guard_refresh(g, c);
		if (gs(c)->state == CS_FROZEN && !gs(c)->confirm && !gs(c)->handing)
			handoff(g, c, HANDOFF_GAP); /* a pause Docker refused: asked again */
		if (gs(c)->state != CS_FROZEN || c->rule == NULL)
			continue;
		snprintf(why, sizeof(why), "still frozen after kill_after (%" PRIu64 " ms)",
		    c->rule->kill_after_ms);
		kill_now(g, c, TRIG_KILL_AFTER, why, NULL, 0);
	}
}

int
guard_kill(struct guard *g, struct container *c, const char *by, char *err, size_t errlen)
{
	return kill_now(g, c, TRIG_KILL_CMD, by, err, errlen);
}

/*
 * Freezes it for another reason than a spike, decided already, and hands
 * the freeze to Docker: 0, or -1 with err (then d says what instead).
 */
static int
freeze_now(struct guard *g, struct container *c, struct facts *f, struct decision *d,
    const char *why, char *err, size_t errlen)
{
	struct notice n;

	if (do_freeze(c, why, err, errlen) < 0) {
		f->failed = FAILED_FREEZE;
		policy_decide(f, d);
		return -1;
	}
	decided(g, c, d, clock_now_ms());
	gs(c)->confirm = 0; /* this event is the report */
	notice_init(&n, GEV_FREEZE, c);
	n.e.action = "freeze";
	n.e.reason = why;
	notice_emit(&n, "freezing container %s: %s; release with: cgwardenctl thaw %.12s",
	    n.label, why, c->name ? c->name : c->id);
	handoff(g, c, HANDOFF_SWAP);
	handoff(g, c, HANDOFF_GAP); /* no bomb here: no confirmation to wait for */
	return 0;
}

void
guard_contain(struct guard *g, struct container *c, enum action a, const char *why)
{
	char lbl[128], err[128];
	uint64_t now = clock_now_ms();
	struct facts f;
	struct decision d;

	facts_of(g, c, TRIG_CONTAIN, now, &f);
	f.asked = a;
	policy_decide(&f, &d);
	container_label(c, lbl, sizeof(lbl));
	if (d.refusal != NULL)
		log_warnx("container %s: %s: %s not done (%s)", lbl, why, d.label, d.refusal);
	if (!d.act)
		return;
	if (a == ACTION_KILL) {
		decided(g, c, &d, now);
		kill_now(g, c, TRIG_KILL_CMD, why, NULL, 0);
		return;
	}
	if (freeze_now(g, c, &f, &d, why, err, sizeof(err)) < 0)
		log_warnx("container %s: %s: %s", lbl, why, err);
}

int
guard_freeze(struct guard *g, struct container *c, const char *by, char *err, size_t errlen)
{
	struct facts f;
	struct decision d;

	guard_refresh(g, c); /* a docker unpause a moment ago: running, not frozen */
	facts_of(g, c, TRIG_FREEZE_CMD, clock_now_ms(), &f);
	policy_decide(&f, &d);
	if (!d.act) {
		snprintf(err, errlen, "%s", d.refusal);
		return -1;
	}
	return freeze_now(g, c, &f, &d, by, err, errlen);
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
	struct guard_state *s = gs(c);
	struct notice n;

	s->state = CS_RUNNING;
	s->confirm = 0;
	s->frozen_by_us = 0;
	s->docker_paused = 0;
	s->quiet_until_ms = 0;
	s->repause = 0;
	s->handoff = HANDOFF_NONE;
	sample_reset(c);
	container_note(c, "action", NULL);
	counter_add(CNT_THAWS, 1);
	notice_init(&n, GEV_THAW, c);
	n.e.action = "thaw";
	n.e.reason = by;
	notice_emit(&n, "thawed container %s (%s, %s)", n.label, by, how);
}

static void
unpaused(int ok, const char *err, void *arg)
{
	struct thaw_req *r = arg;
	struct container *c = container_find(r->g->t, r->id);
	struct cgdirs dirs;
	char msg[256];
	int rc = 0;

	if (c != NULL)
		container_dirs(c, &dirs);
	if (c == NULL) {
		r->cb(-1, "the container is gone", r->arg);
	} else if (ok || (rc = freezer_thaw(&dirs)) == 0) {
		freezer_thaw(&dirs);
		if (gs(c)->frozen_by_us)
			freezer_signal(&dirs, SIGCONT); /* a handoff cut short by a restart */
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
	struct facts f;
	struct decision d;

	facts_of(g, c, TRIG_THAW, clock_now_ms(), &f);
	policy_decide(&f, &d);
	if (!d.act) {
		cb(-1, d.refusal, arg);
		return;
	}
	r = xcalloc(1, sizeof(*r));
	r->g = g;
	memcpy(r->id, c->id, sizeof(r->id));
	snprintf(r->by, sizeof(r->by), "%s", by);
	r->cb = cb;
	r->arg = arg;
	/* Through Docker whenever it may hold the pause (it says so if not). */
	if (d.via_docker && docker_post(g->docker, c->id, "unpause", unpaused, r) == 0)
		return;
	unpaused(0, "Docker does not hold it", r);
}

void
guard_view(const struct container *c, struct guard_view *v)
{
	const struct guard_state *s = c->guard;

	memset(v, 0, sizeof(*v));
	v->killed = s != NULL && s->state == CS_KILLED;
	if (s == NULL)
		return;
	v->frozen_by_us = s->frozen_by_us;
	v->docker_paused = s->docker_paused;
	v->spikes = s->spikes;
}
