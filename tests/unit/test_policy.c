/* Ceiling decisions: the container's own limit, capped at the ceiling. */
#include "policy.h"
#include "sample.h"
#include "unit.h"

static void
test_target(void)
{
	struct limit_memo none = { 0, 0, 0 };
	struct limit_memo ours = { 1, 100, LIMIT_MAX };
	struct limit_memo ours50 = { 1, 100, 50 };
	uint64_t own;

	/* unlimited or above the ceiling is lowered to it */
	CHECK(policy_target(100, LIMIT_MAX, NULL, &own) == 100 && own == LIMIT_MAX);
	CHECK(policy_target(100, 500, &none, &own) == 100 && own == 500);
	/* a lower limit of the container's own is kept */
	CHECK(policy_target(100, 50, &none, &own) == 50 && own == 50);
	CHECK(policy_target(100, 100, NULL, &own) == 100);
	/* the file still holds what cgwarden wrote: its own is the memo's */
	CHECK(policy_target(100, 100, &ours, &own) == 100 && own == LIMIT_MAX);
	/* a reload raising the ceiling gives back what was taken, no more */
	CHECK(policy_target(500, 100, &ours, &own) == 500);
	CHECK(policy_target(LIMIT_MAX, 100, &ours, &own) == LIMIT_MAX);
	CHECK(policy_target(500, 100, &ours50, &own) == 50);
	/* raised by hand above the ceiling after cgwarden wrote it */
	CHECK(policy_target(100, 1000, &ours, &own) == 100 && own == 1000);
	/* lowered by hand below the ceiling: respected */
	CHECK(policy_target(100, 20, &ours, &own) == 20 && own == 20);
	/* no ceiling, no memo: nothing changes */
	CHECK(policy_target(LIMIT_MAX, LIMIT_MAX, NULL, &own) == LIMIT_MAX);
	CHECK(policy_target(LIMIT_MAX, 7, NULL, NULL) == 7);
}

static void
test_ceiling(void)
{
	struct rule r = { 0 };

	r.pids_max = 256;
	r.memory_max = 512 * 1024 * 1024 + 100; /* rounded down to a page */
	r.cpus_milli = 1500;
	CHECK(policy_ceiling(&r, KNOB_PIDS) == 256);
	CHECK(policy_ceiling(&r, KNOB_MEMORY) == 512 * 1024 * 1024);
	CHECK(policy_ceiling(&r, KNOB_CPU) == 1500);
	r.memory_max = LIMIT_MAX;
	CHECK(policy_ceiling(&r, KNOB_MEMORY) == LIMIT_MAX);
}

/* Feeds (t_ms, pids, fork_failures) triples into a ring. */
static unsigned
feed(struct sample *ring, const uint64_t (*v)[3], unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct sample *s = &ring[i % RING];

		s->t_ms = (uint32_t)v[i][0];
		s->pids = (uint32_t)v[i][1];
		s->fork_failures = (uint32_t)v[i][2];
	}
	return n;
}

static void
test_spike(void)
{
	struct rule r = { 0 };
	struct sample ring[RING];
	struct verdict v;
	unsigned n;

	r.spike_rate = 200;
	r.spike_fork_failures = 20;
	/* a shell bomb: 200 pids in 50 ms, then refused forks */
	static const uint64_t bomb[][3] = { { 1000, 1, 0 }, { 1020, 90, 0 }, { 1050, 201, 0 } };
	n = feed(ring, bomb, 3);
	CHECK(policy_spike(&r, ring, n, &v) == 1 && v.kind == SPIKE_GROWTH && v.delta == 200);
	CHECK(v.window_ms == 50);
	/* refused forks at the limit, count flat */
	static const uint64_t forks[][3] = { { 0, 100, 0 }, { 10, 100, 5 }, { 20, 100, 25 } };
	n = feed(ring, forks, 3);
	CHECK(policy_spike(&r, ring, n, &v) == 1 && v.kind == SPIKE_FORK_FAILURES && v.delta == 25);
	/* a make -j burst: +16 in 50 ms is not 320/s */
	static const uint64_t make[][3] = { { 0, 2, 0 }, { 50, 18, 0 }, { 100, 18, 0 } };
	n = feed(ring, make, 3);
	CHECK(policy_spike(&r, ring, n, &v) == 0);
	/* a worker pool growing 50 a second for 10 s */
	static const uint64_t pool[][3] = { { 0, 10, 0 }, { 1000, 60, 0 }, { 2000, 110, 0 },
		{ 3000, 160, 0 }, { 4000, 210, 0 }, { 5000, 260, 0 } };
	n = feed(ring, pool, 6);
	CHECK(policy_spike(&r, ring, n, &v) == 0);
	/* sparse 1 s samples: +300 in 1.001 s is over the rate */
	static const uint64_t sparse[][3] = { { 0, 10, 0 }, { 1001, 310, 0 } };
	n = feed(ring, sparse, 2);
	CHECK(policy_spike(&r, ring, n, &v) == 1 && v.kind == SPIKE_GROWTH && v.per_second == 299);
	/* +150 in 1.5 s is 100/s: no */
	static const uint64_t slow[][3] = { { 0, 10, 0 }, { 1500, 160, 0 } };
	n = feed(ring, slow, 2);
	CHECK(policy_spike(&r, ring, n, &v) == 0);
	/* a window further back is not compared past the first old sample */
	static const uint64_t old[][3] = { { 0, 0, 0 }, { 3000, 150, 0 }, { 3500, 160, 0 } };
	n = feed(ring, old, 3);
	CHECK(policy_spike(&r, ring, n, &v) == 0);
	/* shrinking counts and unknown values are no spike */
	static const uint64_t shrink[][3] = { { 0, 500, 0 }, { 10, 1, 0 } };
	n = feed(ring, shrink, 2);
	CHECK(policy_spike(&r, ring, n, &v) == 0);
	static const uint64_t none[][3] = { { 0, SAMPLE_NONE, SAMPLE_NONE }, { 10, 900, 900 } };
	n = feed(ring, none, 2);
	CHECK(policy_spike(&r, ring, n, &v) == 0);
	/* the 32-bit clock wraps: differences still hold */
	static const uint64_t wrap[][3] = { { 4294967290u, 1, 0 }, { 30, 250, 0 } };
	n = feed(ring, wrap, 2);
	CHECK(policy_spike(&r, ring, n, &v) == 1 && v.window_ms == 36);
	/* thresholds of 0 disable */
	r.spike_rate = 0;
	r.spike_fork_failures = 0;
	n = feed(ring, bomb, 3);
	CHECK(policy_spike(&r, ring, n, &v) == 0);
	/* one sample: nothing to compare */
	r.spike_rate = 1;
	CHECK(policy_spike(&r, ring, 1, &v) == 0);
}

static void
test_hot(void)
{
	struct sample ring[RING];
	static const uint64_t rising[][3] = { { 0, 10, 0 }, { 100, 11, 0 } };
	static const uint64_t flat[][3] = { { 0, 10, 0 }, { 100, 10, 0 } };
	static const uint64_t near[][3] = { { 0, 80, 0 }, { 100, 80, 0 } };
	static const uint64_t refused[][3] = { { 0, 10, 1 }, { 100, 10, 2 } };

	CHECK(policy_hot(ring, feed(ring, rising, 2), 100) == 1);
	CHECK(policy_hot(ring, feed(ring, flat, 2), 100) == 0);
	CHECK(policy_hot(ring, feed(ring, near, 2), 100) == 1);
	CHECK(policy_hot(ring, feed(ring, near, 2), LIMIT_MAX) == 0);
	CHECK(policy_hot(ring, feed(ring, refused, 2), LIMIT_MAX) == 1);
	CHECK(policy_hot(ring, 0, 100) == 0);
}

static void
test_action(void)
{
	struct rule r;
	enum why w;

	memset(&r, 0, sizeof(r));
	r.action = ACTION_FREEZE;
	CHECK(policy_action(&r, 0, 1, 0, &w) == ACTION_FREEZE && w == WHY_RULE);
	/* monitor: the decision stands, marked as not done */
	CHECK(policy_action(&r, 1, 1, 0, &w) == ACTION_FREEZE && w == WHY_MONITOR);
	/* budget spent: alert only */
	CHECK(policy_action(&r, 0, 0, 0, &w) == ACTION_ALERT && w == WHY_BUDGET);
	r.action = ACTION_KILL;
	CHECK(policy_action(&r, 0, 1, 0, &w) == ACTION_KILL && w == WHY_RULE);
	/* killed before and spiking again: frozen, not killed again */
	CHECK(policy_action(&r, 0, 1, 1, &w) == ACTION_FREEZE && w == WHY_LOOPING);
	CHECK(policy_action(&r, 0, 0, 1, &w) == ACTION_ALERT && w == WHY_BUDGET);
	CHECK(policy_action(&r, 1, 1, 1, &w) == ACTION_FREEZE && w == WHY_MONITOR);
	/* alert and none are never escalated, whatever the budget */
	r.action = ACTION_ALERT;
	CHECK(policy_action(&r, 0, 0, 1, &w) == ACTION_ALERT && w == WHY_RULE);
	r.action = ACTION_NONE;
	CHECK(policy_action(&r, 0, 1, 0, &w) == ACTION_NONE);
}

static void
test_kill_due(void)
{
	struct rule r;

	memset(&r, 0, sizeof(r));
	r.kill_after_ms = 1000;
	CHECK(policy_kill_due(&r, 1, 5000, 5999) == 0);
	CHECK(policy_kill_due(&r, 1, 5000, 6000) == 1);
	CHECK(policy_kill_due(&r, 0, 5000, 9000) == 0); /* not frozen by cgwarden */
	CHECK(policy_kill_due(&r, 1, 0, 9000) == 0);    /* unknown freeze time */
	CHECK(policy_kill_due(&r, 1, 9000, 5000) == 0); /* clock went back */
	r.kill_after_ms = 0;
	CHECK(policy_kill_due(&r, 1, 5000, 99999) == 0); /* never */
}

int
main(void)
{
	test_target();
	test_ceiling();
	test_spike();
	test_hot();
	test_action();
	test_kill_due();
	return unit_done("test_policy");
}
