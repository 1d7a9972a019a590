/*
 * The limit files of one directory: pids.max, memory.max or
 * memory.limit_in_bytes, cpu.max or cpu.cfs_quota_us, read and written in
 * the units of the config (pids, bytes, thousandths of a core), and the
 * cgwarden.<knob> note (cgfile.c) of what cgwarden wrote and what it replaced.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "limitfile.h"
#include "log.h"

#define V1_MEM_UNLIMITED ((uint64_t)1 << 62)

static const char *const knob_key[KNOB_COUNT] = { "pids_max", "memory_max", "cpus" };

/* The file of a limit in this hierarchy: pids.max, memory.max, cpu.cfs_quota_us... */
const char *
limit_filename(const struct cg *g, enum knob k)
{
	switch (k) {
	case KNOB_PIDS: return "pids.max";
	case KNOB_MEMORY: return g->v2 ? "memory.max" : "memory.limit_in_bytes";
	case KNOB_CPU: return g->v2 ? "cpu.max" : "cpu.cfs_quota_us";
	case KNOB_COUNT: break;
	}
	return "?";
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

/* Reads one limit, in the unit of policy_ceiling(): 0, or -errno. */
int
limit_read(const struct cg *g, enum knob k, uint64_t *v)
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

/* Writes one limit, given in the unit of policy_ceiling(): 0, or -errno. */
int
limit_write(const struct cg *g, enum knob k, uint64_t v)
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
	return cg_write(g, limit_filename(g, k), buf);
}

/* What cgwarden wrote to this limit before, and what it replaced. */
void
limit_memo_read(const struct cg *g, enum knob k, struct limit_memo *m)
{
	char val[64], a[32], b[32];

	memset(m, 0, sizeof(*m));
	if (cg_note_get(g, knob_key[k], val, sizeof(val)) <= 0)
		return;
	if (sscanf(val, "%31s %31s", a, b) == 2 && cgroup_parse_u64(a, &m->set) == 0 &&
	    cgroup_parse_u64(b, &m->orig) == 0)
		m->valid = 1;
}

/*
 * Remembers, beside the cgroup, what was written and what it replaced.
 * Without xattr support a raised ceiling cannot give back; it is still
 * enforced.
 */
void
limit_memo_write(const struct cg *g, enum knob k, uint64_t set, uint64_t orig)
{
	char val[64], a[32], b[32];

	snprintf(a, sizeof(a), set == LIMIT_MAX ? "max" : "%" PRIu64, set);
	snprintf(b, sizeof(b), orig == LIMIT_MAX ? "max" : "%" PRIu64, orig);
	snprintf(val, sizeof(val), "%s %s", a, b);
	cg_note_set(g, knob_key[k], val);
}
