/*
 * Sampling: pids.current (what docker stats shows as PIDS), the "max"
 * counter of pids.events, memory and CPU usage, into a small ring per
 * container.  pread() on fds opened at discovery; nothing is allocated.
 */
#include "cgroup.h"
#include "policy.h"
#include "sample.h"

static uint64_t
read_or_none(const struct cg *g, enum cfile f)
{
	uint64_t v;

	return cg_read_u64(g, f, &v) == 0 ? v : USAGE_NONE;
}

static uint64_t
key_or_none(const struct cg *g, enum cfile f, const char *key)
{
	uint64_t v;

	return cg_read_key(g, f, key, &v) == 0 ? v : USAGE_NONE;
}

/* Counts kept in 32 bits: unreadable is SAMPLE_NONE, huge saturates below it. */
static uint32_t
narrow(uint64_t v)
{
	if (v == USAGE_NONE)
		return SAMPLE_NONE;
	return v >= SAMPLE_NONE ? SAMPLE_NONE - 1 : (uint32_t)v;
}

/*
 * Takes one sample of the container into its ring.  While it is sampled
 * fast (hot, or on every kernel event), the newest slot is overwritten
 * until it is RING_SPACING_MS past the one before: the ring then still
 * spans the spike window, and its newest slot is always this sample.
 */
void
sample_container(struct container *c, uint64_t now_ms)
{
	struct sample *s;
	const struct cg *cpu = c->src[CF_CPU_USAGE];

	if (c->nsamples >= 2 &&
	    (uint32_t)((uint32_t)now_ms - c->ring[(c->nsamples - 2) % RING].t_ms) < RING_SPACING_MS)
		c->nsamples--;
	s = &c->ring[c->nsamples % RING];

	s->t_ms = (uint32_t)now_ms;
	s->pids = narrow(read_or_none(c->src[CF_PIDS_CUR], CF_PIDS_CUR));
	s->fork_failures = narrow(key_or_none(c->src[CF_PIDS_EVENTS], CF_PIDS_EVENTS, "max"));
	c->mem = read_or_none(c->src[CF_MEM_CUR], CF_MEM_CUR);
	if (cpu && cpu->v2) {
		c->cpu_ns = key_or_none(cpu, CF_CPU_USAGE, "usage_usec");
		if (c->cpu_ns != USAGE_NONE)
			c->cpu_ns *= 1000;
	} else
		c->cpu_ns = read_or_none(cpu, CF_CPU_USAGE);
	c->nsamples++;
}
