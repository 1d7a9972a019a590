/*
 * Counters of the whole daemon, in one store.  Each is written by the one
 * module that does the thing counted; readers (the `stats` reply,
 * /metrics) never write.
 */
#include "counters.h"

static const char *const names[CNT_COUNT] = {
	[CNT_SPIKES] = "spikes",
	[CNT_FREEZES] = "freezes",
	[CNT_KILLS] = "kills",
	[CNT_ALERTS] = "alerts",
	[CNT_NO_ACTION] = "no_action",
	[CNT_THAWS] = "thaws",
	[CNT_ERR_LIMIT_WRITE] = "limit_write",
	[CNT_ERR_DOCKER] = "docker",
	[CNT_ERR_INOTIFY] = "inotify",
	[CNT_ERR_RELOAD] = "reload",
	[CNT_PASSES] = "passes",
	[CNT_PASS_NS] = "pass_cpu_ns_total",
	[CNT_PASS_LAST_NS] = "pass_cpu_ns_last",
};

static const uint64_t bucket_ns[CNT_NBUCKETS] = {
	10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
	5000000, 10000000, 25000000, 50000000, 100000000, 250000000,
	500000000, 1000000000,
};

static uint64_t count[CNT_COUNT];
static uint64_t buckets[CNT_NBUCKETS];

void
counter_add(enum counter k, uint64_t n)
{
	if (k < CNT_COUNT)
		count[k] += n;
}

uint64_t
counter_get(enum counter k)
{
	return k < CNT_COUNT ? count[k] : 0;
}

const char *
counter_name(enum counter k)
{
	return k < CNT_COUNT ? names[k] : "?";
}

void
counters_observe_pass(uint64_t ns)
{
	size_t i;

	for (i = 0; i < CNT_NBUCKETS && ns > bucket_ns[i]; i++)
		;
	if (i < CNT_NBUCKETS)
		buckets[i]++;
	count[CNT_PASSES]++;
	count[CNT_PASS_NS] += ns;
	count[CNT_PASS_LAST_NS] = ns;
}

uint64_t
counters_bucket(size_t i)
{
	return i < CNT_NBUCKETS ? buckets[i] : 0;
}
