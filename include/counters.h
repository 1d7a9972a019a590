/*
 * The daemon's counters, in one place: what the guard did, how often the
 * kernel, Docker or systemd failed, the sampling passes.  Modules count
 * here; `stats` and /metrics only read.
 */
#ifndef CGW_COUNTERS_H
#define CGW_COUNTERS_H
#include <stddef.h>
#include <stdint.h>

enum counter {
	/* the guard */
	CNT_SPIKES,
	CNT_FREEZES,
	CNT_KILLS,
	CNT_ALERTS,
	CNT_NO_ACTION,
	CNT_THAWS,
	/* cgwarden_errors_total, by kind */
	CNT_ERR_LIMIT_WRITE, /* the kernel or systemd refused a ceiling */
	CNT_ERR_DOCKER,      /* the Engine API failed, or answered something unusable */
	CNT_ERR_INOTIFY,     /* a watch could not be added, or the queue overflowed */
	CNT_ERR_RELOAD,      /* a reload was rejected */
	/* sampling passes over the whole table */
	CNT_PASSES,
	CNT_PASS_NS,         /* their CPU time, summed */
	CNT_PASS_LAST_NS,    /* the last one's (a gauge) */
	CNT_COUNT
};

#define CNT_FIRST_ERROR CNT_ERR_LIMIT_WRITE
#define CNT_NERRORS (CNT_ERR_RELOAD - CNT_ERR_LIMIT_WRITE + 1)

/* Buckets of the pass-duration histogram: upper bounds 10 µs to 1 s. */
#define CNT_NBUCKETS 16

void counter_add(enum counter, uint64_t);
uint64_t counter_get(enum counter);
/* The name `stats` gives it: "spikes", "errors_docker", "passes"... */
const char *counter_name(enum counter);
/* One sampling pass took ns of CPU: counted, summed and put in its bucket. */
void counters_observe_pass(uint64_t ns);
/* Passes per bucket (not cumulative): upper bounds 10 µs to 1 s, as metrics.c names them. */
uint64_t counters_bucket(size_t i);

#endif
