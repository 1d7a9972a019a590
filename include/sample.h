/*
 * Sampling: the few small kernel files read per container, into its ring.
 * The one writer of the ring, and the keeper of each container's rate:
 * every interval, or fast (every SAMPLE_FAST_MS) while someone asks.
 */
#ifndef CGW_SAMPLE_H
#define CGW_SAMPLE_H
#include <stddef.h>
#include <stdint.h>

#include "container.h"

#define SAMPLE_FAST_MS 10      /* the fast rate's period */

/* What made a container be looked at now: told in the spike line ("seen by ..."). */
enum source {
	SRC_PASS,     /* the interval pass */
	SRC_FOUND,    /* its discovery */
	SRC_KERNEL,   /* the kernel's pids.events or cgroup.events event (v2) */
	SRC_FORKS,    /* a burst of forks, counted in the kernel (BPF) */
	SRC_KMSG,     /* the kernel log's line for its first refused fork */
	SRC_YOUNG,    /* the fast rate: it is young */
	SRC_SIGNS,    /* the fast rate: growing, refusing forks, or near its limit */
	SRC_FREEZING, /* the fast rate: a freeze waits for the kernel's word */
	SRC_COUNT
};

const char *sample_source_name(enum source);

/* The fast set went from empty to not empty: its timer should run. */
typedef void (*sample_fast_cb)(void *arg);

void sample_init(sample_fast_cb, void *arg);
void sample_free(void);
/* What a container's files say now, read when someone asks (status, a scrape, top, an event). */
struct usage {
	uint64_t pids, fork_failures, mem, cpu_ns; /* USAGE_NONE: unreadable */
	uint64_t at_ms;                           /* when read (monotonic) */
};

/* Takes one sample of the container into its ring; full: refused forks too. */
void sample_container(struct container *, uint64_t now_ms, int full);
void sample_usage(const struct container *, struct usage *);
/* Forgets the ring: the next sample is the first. */
void sample_reset(struct container *);
/* The ring starts at zero processes and zero refused forks, age_ms before now. */
void sample_seed(struct container *, uint64_t now_ms, uint64_t age_ms);
/* Samples the container fast until until_ms (later asks extend it); why: the first ask's. */
void sample_fast(struct container *, uint64_t until_ms, enum source why);
/* Why it is in the fast set (SRC_PASS when it is not). */
enum source sample_fast_why(const struct container *);
int sample_is_fast(const struct container *);
/* The fast set, by index, and the dropping of those no one asks for any more. */
size_t sample_fast_count(void);
struct container *sample_fast_at(size_t);
void sample_fast_expire(uint64_t now_ms);
/* Before the container is removed. */
void sample_forget(struct container *);

#endif
