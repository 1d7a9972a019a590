/*
 * Ceilings, carried out: each limit file of each hierarchy a container is
 * in is read every sample (one pread) and, when it differs from what was
 * last checked, decided on again by policy_target() and written.
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
#include "events.h"
#include "log.h"
#include "counters.h"
#include "policy.h"
#include "report.h"
#include "sample.h"
#include "sysd.h"
#include "xmalloc.h"

#define RETRY_MS 5000
#define V1_MEM_UNLIMITED ((uint64_t)1 << 62)

static struct ctable *table;
static struct sysd *systemd;

/* An answer from systemd comes later: what it was asked, by container id. */
struct via_systemd {
	char id[ID_LEN + 1];
	int hidx;
	enum knob k;
	uint64_t target, own, cur;
};

static const char *const knob_key[KNOB_COUNT] = { "pids_max", "memory_max", "cpus" };
static const enum cfile knob_file[KNOB_COUNT] = { CF_PIDS_MAX, CF_MEM_MAX, CF_CPU_MAX };

static const char *
knob_filename(const struct cg *g, enum knob k)
{
	switch (k) {
	case KNOB_PIDS: return "pids.max";
	case KNOB_MEMORY: return g->v2 ? "memory.max" : "memory.limit_in_bytes";
	case KNOB_CPU: return g->v2 ? "cpu.max" : "cpu.cfs_quota_us";
	case KNOB_COUNT: break;
	}
	return "?";
}

/* "name (0123456789ab)", or the short id when the name is not known. */
const char *
enforce_label(const struct container *c, char *buf, size_t len)
{
	if (c->name)
		snprintf(buf, len, "%s (%.12s)", c->name, c->id);
	else
		snprintf(buf, len, "%.12s", c->id);
	return buf;
}

static int
cpu_period(const struct cg *g, uint64_t *period)
{
	char buf[64], *sp;
	int rc;

	if (!g->v2)
		return cg_read_u64(g, CF_CPU_PERIOD, period);
	if ((rc = cg_read(g, CF_CPU_MAX, buf, sizeof(buf))) < 0)
		return rc;
	if ((sp = strchr(buf, ' ')) == NULL)
		return -EINVAL;
	return cgroup_parse_u64(sp + 1, period);
}

/* Reads one limit, in the unit of policy_ceiling(). */
int
enforce_read_limit(const struct cg *g, enum knob k, uint64_t *v)
{
	char buf[64];
	uint64_t quota, period;
	long long q;
	int rc;

	switch (k) {
	case KNOB_PIDS:
		return cg_read_u64(g, CF_PIDS_MAX, v);
	case KNOB_MEMORY:
		if ((rc = cg_read_u64(g, CF_MEM_MAX, v)) < 0)
			return rc;
		if (!g->v2 && *v >= V1_MEM_UNLIMITED)
			*v = LIMIT_MAX;
		return 0;
	case KNOB_CPU:
		if ((rc = cg_read(g, CF_CPU_MAX, buf, sizeof(buf))) < 0)
			return rc;
		if (g->v2) {
			if ((rc = cgroup_parse_u64(buf, &quota)) < 0)
				return rc;
		} else {
			if (sscanf(buf, "%lld", &q) != 1)
				return -EINVAL;
			quota = q < 0 ? LIMIT_MAX : (uint64_t)q;
		}
		if (quota == LIMIT_MAX) {
			*v = LIMIT_MAX;
			return 0;
		}
		if ((rc = cpu_period(g, &period)) < 0)
			return rc;
		if (period == 0)
			return -EINVAL;
		*v = quota * 1000 / period;
		return 0;
	case KNOB_COUNT:
		break;
	}
	return -EINVAL;
}

static int
write_limit(const struct cg *g, enum knob k, uint64_t v)
{
	char buf[64];
	uint64_t period;
	int rc;

	switch (k) {
	case KNOB_PIDS:
		if (v == LIMIT_MAX)
			snprintf(buf, sizeof(buf), "max");
		else
			snprintf(buf, sizeof(buf), "%" PRIu64, v);
		break;
	case KNOB_MEMORY:
		if (v == LIMIT_MAX)
			snprintf(buf, sizeof(buf), "%s", g->v2 ? "max" : "-1");
		else
			snprintf(buf, sizeof(buf), "%" PRIu64, v);
		break;
	case KNOB_CPU:
		if ((rc = cpu_period(g, &period)) < 0)
			return rc;
		if (g->v2 && v == LIMIT_MAX)
			snprintf(buf, sizeof(buf), "max %" PRIu64, period);
		else if (g->v2)
			snprintf(buf, sizeof(buf), "%" PRIu64 " %" PRIu64, v * period / 1000, period);
		else if (v == LIMIT_MAX)
			snprintf(buf, sizeof(buf), "-1");
		else
			snprintf(buf, sizeof(buf), "%" PRIu64, v * period / 1000);
		break;
	default:
		return -EINVAL;
	}
	return cg_write(g, knob_filename(g, k), buf);
}

static void
memo_name(enum knob k, char *buf, size_t len)
{
	snprintf(buf, len, "trusted.cgwarden.%s", knob_key[k]);
}

static void
memo_read(const struct cg *g, enum knob k, struct limit_memo *m)
{
	char name[64], val[64], a[32], b[32], path[4096];
	ssize_t n;

	memset(m, 0, sizeof(*m));
	memo_name(k, name, sizeof(name));
	container_cg_path(g, path, sizeof(path));
	if ((n = getxattr(path, name, val, sizeof(val) - 1)) <= 0)
		return;
	val[n] = '\0';
	if (sscanf(val, "%31s %31s", a, b) == 2 && cgroup_parse_u64(a, &m->set) == 0 &&
	    cgroup_parse_u64(b, &m->orig) == 0)
		m->valid = 1;
}

static void
memo_write(const struct cg *g, enum knob k, uint64_t set, uint64_t orig)
{
	char name[64], val[64], a[32], b[32], path[4096];

	memo_name(k, name, sizeof(name));
	snprintf(a, sizeof(a), set == LIMIT_MAX ? "max" : "%" PRIu64, set);
	snprintf(b, sizeof(b), orig == LIMIT_MAX ? "max" : "%" PRIu64, orig);
	snprintf(val, sizeof(val), "%s %s", a, b);
	/* Without xattr support a raised ceiling cannot give back; still enforce. */
	container_cg_path(g, path, sizeof(path));
	if (setxattr(path, name, val, strlen(val), 0) < 0)
		log_debug("%s: cannot record %s: %s", path, name, strerror(errno));
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
emit_lowered(const struct container *c, const struct cg *g, enum knob k, uint64_t cur,
    uint64_t target, int dry_run, const char *line)
{
	struct gevent e;
	char path[4096], from[32], to[32], reason[160];

	config_fmt_limit(k, cur, from, sizeof(from));
	config_fmt_limit(k, target, to, sizeof(to));
	snprintf(reason, sizeof(reason), "%s was %s, above the %s ceiling %s of rule %s",
	    knob_filename(g, k), from, knob_key[k], to, c->rule->name);
	report_event(&e, GEV_LIMIT, c, path, sizeof(path));
	/* The hierarchy written, and the value it was given. */
	e.cgroup = container_cg_path(g, path, sizeof(path));
	e.pids_max = k == KNOB_PIDS ? target : c->ks[KNOB_PIDS].value;
	e.action = "lower";
	e.dry_run = dry_run;
	e.reason = reason;
	e.message = line;
	events_emit(&e);
}

/* One line for a limit changed (verb NULL: lowered or raised) or to be changed. */
static void
log_set(const struct container *c, const struct cg *g, enum knob k, uint64_t cur,
    uint64_t target, const char *verb, const char *how)
{
	char lbl[128], from[32], to[32], ceil[32], line[512];

	enforce_label(c, lbl, sizeof(lbl));
	config_fmt_limit(k, cur, from, sizeof(from));
	config_fmt_limit(k, target, to, sizeof(to));
	config_fmt_limit(k, policy_ceiling(c->rule, k), ceil, sizeof(ceil));
	snprintf(line, sizeof(line), "container %s: %s %s from %s to %s (%s ceiling %s of "
	    "rule %s)%s", lbl, verb ? verb : target < cur ? "lowered" : "raised",
	    knob_filename(g, k), from, to, knob_key[k], ceil, c->rule->name, how);
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
		c->via_systemd = 1;
		memo_write(g, v->k, v->target, v->own);
		c->ks[v->k].ok = 0; /* read back what systemd wrote at the next pass */
		log_set(c, g, v->k, v->cur, v->target, NULL, " through systemd");
	} else {
		counter_add(CNT_ERR_LIMIT_WRITE, 1);
		sysd_unit_of(g, unit, sizeof(unit));
		log_warnx("container %s: systemd refused %s=%s on %s (%s): writing cgroupfs "
		    "from now on", enforce_label(c, lbl, sizeof(lbl)), sysd_property(v->k),
		    knob_key[v->k], unit, err ? err : strerror(-rc));
		c->dbus_refused = 1;
		c->via_systemd = 0;
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

	if (systemd == NULL || c->dbus_refused || sysd_unit_of(g, unit, sizeof(unit)) < 0)
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
	struct knob_state *ks = &c->ks[k];
	char lbl[128], to[32], path[4096];
	int rc;

	if ((rc = write_limit(g, k, target)) < 0) {
		counter_add(CNT_ERR_LIMIT_WRITE, 1);
		ks->ok = 0;
		ks->retry_at = now_ms + RETRY_MS;
		if (!ks->warned) {
			config_fmt_limit(k, target, to, sizeof(to));
			log_warnx("container %s: cannot set %s/%s to %s (%s ceiling of rule %s): "
			    "%s; retrying every %ds", enforce_label(c, lbl, sizeof(lbl)),
			    container_cg_path(g, path, sizeof(path)), knob_filename(g, k), to,
			    knob_key[k], c->rule->name, strerror(-rc), RETRY_MS / 1000);
		}
		ks->warned = 1;
		return rc;
	}
	memo_write(g, k, target, own);
	if (enforce_read_limit(g, k, &ks->value) < 0)
		ks->value = target;
	log_set(c, g, k, cur, target, NULL, ks->warned ? ", after earlier refusals" : "");
	ks->warned = 0;
	return 0;
}

static void
enforce_knob(struct container *c, struct cg *g, enum knob k, int monitor,
    uint64_t now_ms)
{
	struct knob_state *ks = &c->ks[k];
	struct limit_memo m;
	uint64_t cur, target, own;

	if (g->fd[knob_file[k]] == -1 || c->rule == NULL)
		return;
	if (enforce_read_limit(g, k, &cur) < 0)
		return; /* the cgroup is going away: discovery drops it */
	if (ks->ok && cur == ks->value)
		return;
	if (now_ms < ks->retry_at)
		return;
	memo_read(g, k, &m);
	target = policy_target(policy_ceiling(c->rule, k), cur, &m, &own);
	/*
	 * Once Docker's inspect has said what the container was started or
	 * updated with, that is its own limit (unless lowered by hand below
	 * it): the runtime may write it just after a ceiling went in at
	 * mkdir, and the ceiling's write would then have replaced it.
	 */
	if (c->meta == META_API) {
		int by_hand = !(m.valid && m.set == cur) && cur < c->docker_limit[k];

		own = by_hand ? cur : c->docker_limit[k];
		target = policy_target(policy_ceiling(c->rule, k), own, NULL, NULL);
	}
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

/* Holds every limit of the container to its rule's ceilings. */
void
enforce_container(struct container *c, int monitor, uint64_t now_ms)
{
	for (int h = 0; h < MAX_HIER; h++)
		if (c->cg[h])
			for (int k = 0; k < KNOB_COUNT; k++)
				enforce_knob(c, c->cg[h], (enum knob)k, monitor, now_ms);
}

/* Forgets what was checked, so that the next pass decides again (reload). */
void
enforce_invalidate(struct container *c)
{
	for (int k = 0; k < KNOB_COUNT; k++) {
		c->ks[k].ok = 0;
		c->ks[k].retry_at = 0;
	}
}
