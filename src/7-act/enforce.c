/*
 * Ceilings, carried out: each limit file of each hierarchy a container is
 * in is read every sample (one pread) and, when it differs from what was
 * last checked, decided on again by policy_target() and written, to
 * cgroupfs (limitfile.c) or through systemd for a scope (sysd.c).  What
 * was checked is enforce's own state.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "cgroup.h"
#include "config.h"
#include "enforce.h"
#include "limitfile.h"
#include "log.h"
#include "notice.h"
#include "counters.h"
#include "policy.h"
#include "sysd.h"
#include "xmalloc.h"

#define RETRY_MS 5000
/*
 * Watched limit files are read again only to catch what inotify cannot
 * see: every 30 to 60 s, each container at its own pace so that a
 * thousand found at once do not come due in the same pass.
 */
#define RECHECK_MS 60000

static struct ctable *table;
static struct sysd *systemd;
static uint64_t period_ms; /* between two reads of a container's limit files */

/* An answer from systemd comes later: what it was asked, by container id. */
struct via_systemd {
	char id[ID_LEN + 1];
	int hidx;
	enum knob k;
	uint64_t target, own, cur;
};

static const char *const knob_key[KNOB_COUNT] = { "pids_max", "memory_max", "cpus" };
static const enum cfile knob_file[KNOB_COUNT] = { CF_PIDS_MAX, CF_MEM_MAX, CF_CPU_MAX };

/* One state per limit: a controller is in one hierarchy only. */
struct knob_state {
	uint64_t value;     /* the limit as last read or written */
	uint64_t retry_at;  /* after a refused write: not before (ms) */
	uint8_t ok;         /* value above was checked against the ceiling */
	uint8_t warned;     /* the refusal was logged */
};

/* What enforce keeps of a container: its own, rebuilt by reading the limit files. */
struct enforce_state {
	struct knob_state ks[KNOB_COUNT];
	uint8_t via_systemd;  /* a ceiling went in through systemd's D-Bus API */
	uint8_t dbus_refused; /* systemd refused one: cgroupfs from now on */
	uint8_t watched;      /* inotify tells when its limit files are written */
	uint64_t due_ms;      /* the limit files are read again from then on (monotonic) */
};

static struct enforce_state *
es(struct container *c)
{
	if (c->enforce == NULL)
		c->enforce = xcalloc(1, sizeof(*c->enforce));
	return c->enforce;
}

/* Where async answers find their container; sysd NULL: cgroupfs only. */
void
enforce_init(struct ctable *t, struct sysd *s)
{
	table = t;
	systemd = s;
}

/* A limit lowered to its ceiling (or, in monitor mode, that would be): an event. */
static void
emit_lowered(struct container *c, const struct cg *g, enum knob k, uint64_t cur,
    uint64_t target, int dry_run, const char *line)
{
	struct notice n;
	char from[32], to[32], reason[160];

	config_fmt_limit(k, cur, from, sizeof(from));
	config_fmt_limit(k, target, to, sizeof(to));
	snprintf(reason, sizeof(reason), "%s was %s, above the %s ceiling %s of rule %s",
	    limit_filename(g, k), from, knob_key[k], to, c->rule->name);
	notice_init(&n, GEV_LIMIT, c);
	/* The hierarchy written, and the value it was given. */
	n.e.cgroup = cg_path(g, n.cgroup, sizeof(n.cgroup));
	n.e.pids_max = k == KNOB_PIDS ? target : es(c)->ks[KNOB_PIDS].value;
	n.e.action = "lower";
	n.e.dry_run = dry_run;
	n.e.reason = reason;
	notice_emit(&n, "%s", line);
}

/* One line for a limit changed (verb NULL: lowered or raised) or to be changed. */
static void
log_set(struct container *c, const struct cg *g, enum knob k, uint64_t cur,
    uint64_t target, const char *verb, const char *how)
{
	char lbl[128], from[32], to[32], ceil[32], line[512];

	container_label(c, lbl, sizeof(lbl));
	config_fmt_limit(k, cur, from, sizeof(from));
	config_fmt_limit(k, target, to, sizeof(to));
	config_fmt_limit(k, policy_ceiling(c->rule, k), ceil, sizeof(ceil));
	snprintf(line, sizeof(line), "container %s: %s %s from %s to %s (%s ceiling %s of "
	    "rule %s)%s", lbl, verb ? verb : target < cur ? "lowered" : "raised",
	    limit_filename(g, k), from, to, knob_key[k], ceil, c->rule->name, how);
	/* The event's message is this line: the log tells it once, from there. */
	if (target < cur)
		emit_lowered(c, g, k, cur, target, verb != NULL, line);
	else
		log_info("%s", line);
}

static int write_and_record(struct container *, struct cg *, enum knob, uint64_t cur,
    uint64_t target, uint64_t own, uint64_t now_ms);

static void
systemd_done(int rc, const char *err, void *arg)
{
	struct via_systemd *v = arg;
	struct container *c = table ? container_find(table, v->id) : NULL;
	struct cg *g = c ? c->cg[v->hidx] : NULL;
	char lbl[128], unit[256];

	if (g == NULL || c->rule == NULL) {
		free(v);
		return;
	}
	if (rc == 0) {
		es(c)->via_systemd = 1;
		limit_memo_write(g, v->k, v->target, v->own);
		es(c)->ks[v->k].ok = 0; /* read back what systemd wrote at the next pass */
		log_set(c, g, v->k, v->cur, v->target, NULL, " through systemd");
	} else {
		counter_add(CNT_ERR_LIMIT_WRITE, 1);
		sysd_unit_of(g, unit, sizeof(unit));
		log_warnx("container %s: systemd refused %s=%s on %s (%s): writing cgroupfs "
		    "from now on", container_label(c, lbl, sizeof(lbl)), sysd_property(v->k),
		    knob_key[v->k], unit, err ? err : strerror(-rc));
		es(c)->dbus_refused = 1;
		es(c)->via_systemd = 0;
		write_and_record(c, g, v->k, v->cur, v->target, v->own, 0);
	}
	free(v);
}

/* Asks systemd for a scope's limit: 0 when the answer will come, -1 when not its job. */
static int
ask_systemd(struct container *c, struct cg *g, enum knob k, uint64_t cur,
    uint64_t target, uint64_t own)
{
	struct via_systemd *v;
	char unit[256];

	if (systemd == NULL || es(c)->dbus_refused || sysd_unit_of(g, unit, sizeof(unit)) < 0)
		return -1;
	v = xcalloc(1, sizeof(*v));
	memcpy(v->id, c->id, sizeof(v->id));
	v->hidx = g->hidx;
	v->k = k;
	v->target = target;
	v->own = own;
	v->cur = cur;
	if (sysd_set_limit(systemd, unit, k, target, systemd_done, v) < 0) {
		free(v);
		return -1;
	}
	return 0;
}

/* Writes a limit to cgroupfs and remembers what it replaced: 0 or -errno. */
static int
write_and_record(struct container *c, struct cg *g, enum knob k, uint64_t cur,
    uint64_t target, uint64_t own, uint64_t now_ms)
{
	struct knob_state *ks = &es(c)->ks[k];
	char lbl[128], to[32], path[4096];
	int rc;

	if ((rc = limit_write(g, k, target)) < 0) {
		counter_add(CNT_ERR_LIMIT_WRITE, 1);
		ks->ok = 0;
		ks->retry_at = now_ms + RETRY_MS;
		/* Come back for it then, not at the next safety re-read. */
		if (es(c)->due_ms > ks->retry_at)
			es(c)->due_ms = ks->retry_at;
		if (!ks->warned) {
			config_fmt_limit(k, target, to, sizeof(to));
			log_warnx("container %s: cannot set %s/%s to %s (%s ceiling of rule %s): "
			    "%s; retrying every %ds", container_label(c, lbl, sizeof(lbl)),
			    cg_path(g, path, sizeof(path)), limit_filename(g, k), to,
			    knob_key[k], c->rule->name, strerror(-rc), RETRY_MS / 1000);
		}
		ks->warned = 1;
		return rc;
	}
	limit_memo_write(g, k, target, own);
	if (limit_read(g, k, &ks->value) < 0)
		ks->value = target;
	log_set(c, g, k, cur, target, NULL, ks->warned ? ", after earlier refusals" : "");
	ks->warned = 0;
	return 0;
}

static void
enforce_knob(struct container *c, struct cg *g, enum knob k, int monitor,
    uint64_t now_ms)
{
	struct knob_state *ks = &es(c)->ks[k];
	struct limit_memo m;
	uint64_t cur, target, own;

	if (g->fd[knob_file[k]] == -1 || c->rule == NULL)
		return;
	if (limit_read(g, k, &cur) < 0)
		return; /* the cgroup is going away: discovery drops it */
	if (ks->ok && cur == ks->value)
		return;
	if (now_ms < ks->retry_at)
		return;
	limit_memo_read(g, k, &m);
	target = policy_target(policy_ceiling(c->rule, k), cur, &m,
	    c->meta == META_API ? &c->docker_limit[k] : NULL, &own);
	ks->ok = 1;
	ks->value = cur;
	if (target == cur)
		return;

	if (monitor) {
		log_set(c, g, k, cur, target, "would set", " [monitor mode]");
		return;
	}
	if (ask_systemd(c, g, k, cur, target, own) == 0)
		return; /* systemd writes it; the next pass reads it back */
	write_and_record(c, g, k, cur, target, own, now_ms);
}

void
enforce_set_period(uint64_t ms)
{
	period_ms = ms;
}

/*
 * Holds every limit of the container to its rule's ceilings.  However
 * often the container is sampled, its limit files are read at most once
 * a period (half the interval; 30 to 60 s when inotify watches them),
 * unless something said they may have changed (invalidate: a write
 * inotify saw, a Docker event, a reload, a new directory).
 */
void
enforce_container(struct container *c, int monitor, uint64_t now_ms)
{
	if (now_ms < es(c)->due_ms)
		return;
	es(c)->due_ms = now_ms + (es(c)->watched ? RECHECK_MS / 2 +
	    strtoul(c->id + ID_LEN - 8, NULL, 16) % (RECHECK_MS / 2) : period_ms);
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h])
			for (int k = 0; k < KNOB_COUNT; k++)
				enforce_knob(c, c->cg[h], (enum knob)k, monitor, now_ms);
}

/* Forgets what was checked, so that the next look decides again (reload, an event, a new directory). */
void
enforce_invalidate(struct container *c)
{
	es(c)->due_ms = 0;
	for (int k = 0; k < KNOB_COUNT; k++) {
		es(c)->ks[k].ok = 0;
		es(c)->ks[k].retry_at = 0;
	}
}

uint64_t
enforce_known_limit(const struct container *c, enum knob k)
{
	return c->enforce != NULL && c->enforce->ks[k].ok ? c->enforce->ks[k].value : LIMIT_MAX;
}

void
enforce_set_watched(struct container *c, int watched)
{
	es(c)->watched = watched != 0;
}

int
enforce_via_systemd(const struct container *c)
{
	return c->enforce != NULL && c->enforce->via_systemd;
}

void
enforce_forget(struct container *c)
{
	free(c->enforce);
	c->enforce = NULL;
}
