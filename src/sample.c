/*
 * Sampling: pids.current (what docker stats shows as PIDS), the "max"
 * counter of pids.events, memory and CPU usage, into a small ring per
 * container.  pread() on fds opened at discovery; nothing is allocated.
 */
#include <time.h>

#include "cgroup.h"
#include "sample.h"

uint64_t
sample_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
read_or_none(int fd)
{
	uint64_t v;

	return fd >= 0 && cgroup_read_u64(fd, &v) == 0 ? v : SAMPLE_NONE;
}

/* Takes one sample of the container into its ring. */
void
sample_container(struct container *c, uint64_t now_ms)
{
	struct sample *s = &c->ring[c->nsamples % RING];
	uint64_t v;

	s->t_ms = now_ms;
	s->pids = read_or_none(c->sfd[CF_PIDS_CUR]);
	s->fork_failures = c->sfd[CF_PIDS_EVENTS] >= 0 &&
	    cgroup_read_key(c->sfd[CF_PIDS_EVENTS], "max", &v) == 0 ? v : SAMPLE_NONE;
	s->mem = read_or_none(c->sfd[CF_MEM_CUR]);
	if (c->cpu_v2)
		s->cpu_ns = c->sfd[CF_CPU_USAGE] >= 0 &&
		    cgroup_read_key(c->sfd[CF_CPU_USAGE], "usage_usec", &v) == 0 ?
		    v * 1000 : SAMPLE_NONE;
	else
		s->cpu_ns = read_or_none(c->sfd[CF_CPU_USAGE]);
	c->nsamples++;
}
