/*
 * Sampling: pids.current (what docker stats shows as PIDS) and the "max"
 * counter of pids.events into a small ring per container, pread() on
 * fds opened at discovery; nothing is allocated on the way.  Memory and
 * CPU usage are read when someone asks (status, a scrape), not per pass.  This file is the ring's one writer, and keeps each
 * container's rate: the interval pass samples every container, and the
 * fast set (containers someone asked to watch closely: the guard, for a
 * young, growing or freezing one) every SAMPLE_FAST_MS.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "sample.h"
#include "xmalloc.h"

static struct {
	struct container **fast;
	size_t n, cap;
	sample_fast_cb cb;
	void *arg;
} s;

void
sample_init(sample_fast_cb cb, void *arg)
{
	s.cb = cb;
	s.arg = arg;
}

void
sample_free(void)
{
	for (size_t i = 0; i < s.n; i++)
		s.fast[i]->fast = 0;
	free(s.fast);
	memset(&s, 0, sizeof(s));
}

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

static uint64_t
refused_or_none(const struct cg *g)
{
	uint64_t v;

	return cg_read_refused(g, &v) == 0 ? v : USAGE_NONE;
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
 * While it is sampled fast (or on every kernel event), the newest slot
 * is overwritten until it is RING_SPACING_MS past the one before: the
 * ring then still spans the spike window, and its newest slot is always
 * this sample.  A quiet container costs one pread (pids.current);
 * refused forks (pids.events) are read only when full (the fast rate, a
 * kernel event), since a fork is refused only at the limit and a
 * container near it is sampled fast.
 */
void
sample_container(struct container *c, uint64_t now_ms, int full)
{
	struct sample *r;

	if (c->nsamples >= 2 &&
	    (uint32_t)((uint32_t)now_ms - c->ring[(c->nsamples - 2) % RING].t_ms) < RING_SPACING_MS)
		c->nsamples--;
	r = &c->ring[c->nsamples % RING];

	r->t_ms = (uint32_t)now_ms;
	r->pids = narrow(read_or_none(container_src(c, CF_PIDS_CUR), CF_PIDS_CUR));
	r->fork_failures = full ?
	    narrow(refused_or_none(container_src(c, CF_PIDS_EVENTS))) : SAMPLE_NONE;
	c->nsamples++;
}

void
sample_usage(const struct container *c, struct usage *u)
{
	const struct cg *cpu = container_src(c, CF_CPU_USAGE);

	u->at_ms = clock_now_ms();
	u->pids = read_or_none(container_src(c, CF_PIDS_CUR), CF_PIDS_CUR);
	u->fork_failures = refused_or_none(container_src(c, CF_PIDS_EVENTS));
	u->mem = read_or_none(container_src(c, CF_MEM_CUR), CF_MEM_CUR);
	if (cpu && cpu->v2) {
		u->cpu_ns = key_or_none(cpu, CF_CPU_USAGE, "usage_usec");
		if (u->cpu_ns != USAGE_NONE)
			u->cpu_ns *= 1000;
	} else
		u->cpu_ns = read_or_none(cpu, CF_CPU_USAGE);
}

void
sample_reset(struct container *c)
{
	c->nsamples = 0;
}

void
sample_seed(struct container *c, uint64_t now_ms, uint64_t age_ms)
{
	c->ring[0] = (struct sample){ (uint32_t)(now_ms - age_ms), 0, 0 };
	c->nsamples = 1;
}

const char *
sample_source_name(enum source src)
{
	static const char *const names[SRC_COUNT] = {
		[SRC_PASS] = "the interval pass",
		[SRC_FOUND] = "its discovery",
		[SRC_KERNEL] = "the kernel's pids.events event",
		[SRC_FORKS] = "a fork-burst event (bpf)",
		[SRC_KMSG] = "the kernel log's first refused fork (kmsg)",
		[SRC_YOUNG] = "the fast rate (young)",
		[SRC_SIGNS] = "the fast rate (growing, refusing forks or near its limit)",
		[SRC_FREEZING] = "the fast rate (freezing)",
	};

	return src < SRC_COUNT ? names[src] : "?";
}

void
sample_fast(struct container *c, uint64_t until_ms, enum source why)
{
	if (until_ms > c->fast_until_ms)
		c->fast_until_ms = until_ms;
	if (c->fast)
		return;
	c->fast_why = (uint8_t)why;
	if (s.n == s.cap) {
		s.cap = s.cap ? s.cap * 2 : 16;
		s.fast = xreallocarray(s.fast, s.cap, sizeof(*s.fast));
	}
	s.fast[s.n++] = c;
	c->fast = 1;
	if (s.n == 1 && s.cb != NULL)
		s.cb(s.arg);
}

int
sample_is_fast(const struct container *c)
{
	return c->fast;
}

enum source
sample_fast_why(const struct container *c)
{
	return c->fast ? (enum source)c->fast_why : SRC_PASS;
}

size_t
sample_fast_count(void)
{
	return s.n;
}

struct container *
sample_fast_at(size_t i)
{
	return i < s.n ? s.fast[i] : NULL;
}

static void
drop(size_t i)
{
	s.fast[i]->fast = 0;
	s.fast[i] = s.fast[--s.n];
}

void
sample_fast_expire(uint64_t now_ms)
{
	for (size_t i = 0; i < s.n;)
		if (now_ms >= s.fast[i]->fast_until_ms)
			drop(i);
		else
			i++;
}

void
sample_forget(struct container *c)
{
	for (size_t i = 0; i < s.n; i++)
		if (s.fast[i] == c) {
			drop(i);
			return;
		}
}
