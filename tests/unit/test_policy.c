/* The pure decisions: ceilings, the spike detector, and what the guard does and why. */
#include <string.h>

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
	CHECK(policy_target(100, LIMIT_MAX, NULL, NULL, &own) == 100 && own == LIMIT_MAX);
	CHECK(policy_target(100, 500, &none, NULL, &own) == 100 && own == 500);
	/* a lower limit of the container's own is kept */
	CHECK(policy_target(100, 50, &none, NULL, &own) == 50 && own == 50);
	CHECK(policy_target(100, 100, NULL, NULL, &own) == 100);
	/* the file still holds what cgwarden wrote: its own is the memo's */
	CHECK(policy_target(100, 100, &ours, NULL, &own) == 100 && own == LIMIT_MAX);
	/* a reload raising the ceiling gives back what was taken, no more */
	CHECK(policy_target(500, 100, &ours, NULL, &own) == 500);
	CHECK(policy_target(LIMIT_MAX, 100, &ours, NULL, &own) == LIMIT_MAX);
	CHECK(policy_target(500, 100, &ours50, NULL, &own) == 50);
	/* raised by hand above the ceiling after cgwarden wrote it */
	CHECK(policy_target(100, 1000, &ours, NULL, &own) == 100 && own == 1000);
	/* lowered by hand below the ceiling: respected */
	CHECK(policy_target(100, 20, &ours, NULL, &own) == 20 && own == 20);
	/* no ceiling, no memo: nothing changes */
	CHECK(policy_target(LIMIT_MAX, LIMIT_MAX, NULL, NULL, &own) == LIMIT_MAX);
	CHECK(policy_target(LIMIT_MAX, 7, NULL, NULL, NULL) == 7);
}

/* Once Docker said what the container was started with, that is its own limit. */
static void
test_target_docker(void)
{
	struct limit_memo none = { 0, 0, 0 };
	struct limit_memo ours = { 1, 100, LIMIT_MAX };
	uint64_t own, d50 = 50, dmax = LIMIT_MAX, d2000 = 2000;

	/* the runtime wrote its own 50 after the ceiling: kept */
	CHECK(policy_target(100, 50, &none, &d50, &own) == 50 && own == 50);
	/* the ceiling went in first, the runtime then asked for 50: 50, though the file has 100 */
	CHECK(policy_target(100, 100, &ours, &d50, &own) == 50 && own == 50);
	/* started unlimited: the ceiling */
	CHECK(policy_target(100, 100, &ours, &dmax, &own) == 100 && own == LIMIT_MAX);
	/* docker update above the ceiling: lowered to it */
	CHECK(policy_target(100, 2000, &none, &d2000, &own) == 100 && own == 2000);
	/* lowered by hand below what Docker was asked for: respected */
	CHECK(policy_target(100, 20, &none, &d50, &own) == 20 && own == 20);
	/* not by hand when the file still holds what cgwarden wrote */
	CHECK(policy_target(500, 100, &ours, &d2000, &own) == 500 && own == 2000);
}

static void
spike_facts(struct facts *f, const struct rule *r)
{
	memset(f, 0, sizeof(*f));
	f->trigger = TRIG_SPIKE;
	f->rule = r;
	f->budget_left = 1;
	f->safe = 1;
	f->running = 1;
}

/* A spike: the rule's action, and every reason to do otherwise. */
static void
test_decide_spike(void)
{
	struct rule r = { 0 };
	struct facts f;
	struct decision d;

	r.action = ACTION_FREEZE;
	spike_facts(&f, &r);
	policy_decide(&f, &d);
	CHECK(d.action == ACTION_FREEZE && d.act && d.take_budget && !d.dry_run && !d.quiet);
	CHECK_STR(d.label, "freeze");
	CHECK(d.count == CNT_COUNT); /* counted when the kernel confirms it */
	CHECK(d.refusal == NULL);
	/* monitor: decided, not done, not counted, quiet */
	f.monitor = 1;
	policy_decide(&f, &d);
	CHECK(d.action == ACTION_FREEZE && !d.act && !d.take_budget && d.dry_run && d.quiet);
	CHECK(d.why == WHY_MONITOR && d.count == CNT_COUNT);
	f.monitor = 0;
	/* the daemon's or init's cgroup: an alert, never an act */
	f.safe = 0;
	policy_decide(&f, &d);
	CHECK(d.action == ACTION_ALERT && d.unsafe && !d.act && d.count == CNT_ALERTS);
	CHECK_STR(d.label, "alert");
	f.safe = 1;
	/* budget spent */
	f.budget_left = 0;
	policy_decide(&f, &d);
	CHECK(d.action == ACTION_ALERT && d.why == WHY_BUDGET && !d.act && d.count == CNT_ALERTS);
	f.budget_left = 1;
	/* the freeze failed: told as an alert, quiet */
	f.failed = FAILED_FREEZE;
	policy_decide(&f, &d);
	CHECK(d.action == ACTION_ALERT && !d.act && d.quiet && d.count == CNT_ALERTS);
	CHECK_STR(d.label, "freeze-failed");
	f.failed = FAILED_NONE;
	/* kill, and kill while looping: frozen instead */
	r.action = ACTION_KILL;
	policy_decide(&f, &d);
	CHECK(d.action == ACTION_KILL && d.act && d.quiet);
	f.looping = 1;
	policy_decide(&f, &d);
	CHECK(d.action == ACTION_FREEZE && d.why == WHY_LOOPING && d.act);
	f.looping = 0;
	f.failed = FAILED_KILL;
	policy_decide(&f, &d);
	CHECK_STR(d.label, "kill-failed");
	CHECK(d.action == ACTION_ALERT && !d.act);
	f.failed = FAILED_NONE;
	/* alert and none: told, counted, never acted */
	r.action = ACTION_ALERT;
	policy_decide(&f, &d);
	CHECK(d.action == ACTION_ALERT && !d.act && d.count == CNT_ALERTS && d.quiet);
	r.action = ACTION_NONE;
	policy_decide(&f, &d);
	CHECK(d.action == ACTION_NONE && !d.act && d.count == CNT_NO_ACTION);
	CHECK_STR(d.label, "none");
}

/* on_docker_socket: the same budget, mode and target checks as a spike, said as a refusal. */
static void
test_decide_contain(void)
{
	struct rule r = { 0 };
	struct facts f;
	struct decision d;

	spike_facts(&f, &r);
	f.trigger = TRIG_CONTAIN;
	f.asked = ACTION_FREEZE;
	policy_decide(&f, &d);
	CHECK(d.act && d.take_budget && d.count == CNT_FREEZES && d.refusal == NULL);
	f.asked = ACTION_KILL;
	policy_decide(&f, &d);
	CHECK(d.act && d.take_budget && d.action == ACTION_KILL);
	/* alert: nothing to carry out, nothing to refuse */
	f.asked = ACTION_ALERT;
	policy_decide(&f, &d);
	CHECK(!d.act && d.refusal == NULL);
	f.asked = ACTION_FREEZE;
	/* already frozen or killed: nothing */
	f.running = 0;
	policy_decide(&f, &d);
	CHECK(!d.act && d.refusal == NULL);
	f.running = 1;
	f.monitor = 1;
	policy_decide(&f, &d);
	CHECK(!d.act && d.dry_run);
	CHECK_STR(d.refusal, "monitor mode");
	f.monitor = 0;
	f.safe = 0;
	policy_decide(&f, &d);
	CHECK(!d.act && d.unsafe);
	CHECK_STR(d.refusal, "its cgroup holds cgwardend or init");
	f.safe = 1;
	f.budget_left = 0;
	policy_decide(&f, &d);
	CHECK(!d.act);
	CHECK_STR(d.refusal, "max_actions_per_minute reached");
}

/* cgwardenctl freeze: outside the spike budget; never twice, in monitor mode or on ourselves. */
static void
test_decide_freeze_cmd(void)
{
	struct rule r = { 0 };
	struct facts f;
	struct decision d;

	spike_facts(&f, &r);
	f.trigger = TRIG_FREEZE_CMD;
	f.budget_left = 0;
	policy_decide(&f, &d);
	CHECK(d.act && !d.take_budget && d.action == ACTION_FREEZE && d.count == CNT_FREEZES);
	CHECK(d.refusal == NULL);
	f.frozen = 1;
	policy_decide(&f, &d);
	CHECK(!d.act);
	CHECK_STR(d.refusal, "it is frozen or killed already");
	f.frozen = 0;
	f.monitor = 1;
	policy_decide(&f, &d);
	CHECK(!d.act && d.dry_run);
	CHECK_STR(d.refusal, "monitor mode");
	f.monitor = 0;
	f.safe = 0;
	policy_decide(&f, &d);
	CHECK(!d.act && d.unsafe);
	f.safe = 1;
	f.failed = FAILED_FREEZE;
	policy_decide(&f, &d);
	CHECK(!d.act);
	CHECK_STR(d.refusal, "the freeze failed");
}

/* kill_after and cgwardenctl kill; thaw. */
/* Kubernetes: kill where no file sets action; a pod's sandbox never. */
static void
test_kubernetes(void)
{
	struct rule r = { 0 };
	struct facts f;
	struct decision d;
	enum why w;

	r.action = ACTION_FREEZE;
	r.from[RK_ACTION].file = -1; /* the built-in default */
	CHECK(policy_rule_action(&r, 0) == ACTION_FREEZE);
	CHECK(policy_rule_action(&r, 1) == ACTION_KILL);
	CHECK(policy_action(&r, 1, 0, 1, 0, &w) == ACTION_KILL && w == WHY_RULE);
	spike_facts(&f, &r);
	f.kubernetes = 1;
	policy_decide(&f, &d);
	CHECK(d.action == ACTION_KILL && d.act);
	CHECK_STR(d.label, "kill");
	/* set in a file ([defaults] or the rule): as written, for pods too */
	r.from[RK_ACTION].file = 0;
	CHECK(policy_rule_action(&r, 1) == ACTION_FREEZE);
	policy_decide(&f, &d);
	CHECK(d.action == ACTION_FREEZE && d.act);
	r.action = ACTION_ALERT;
	CHECK(policy_rule_action(&r, 1) == ACTION_ALERT);
	/* the sandbox: nothing, whatever asks, but a thaw */
	f.sandbox = 1;
	r.action = ACTION_KILL;
	policy_decide(&f, &d);
	CHECK(!d.act && d.action == ACTION_NONE && d.refusal != NULL && !d.take_budget);
	f.trigger = TRIG_KILL_CMD;
	policy_decide(&f, &d);
	CHECK(!d.act && d.refusal != NULL && strstr(d.refusal, "sandbox") != NULL);
	f.trigger = TRIG_CONTAIN;
	f.asked = ACTION_FREEZE;
	policy_decide(&f, &d);
	CHECK(!d.act);
	f.trigger = TRIG_THAW;
	f.frozen = 1;
	policy_decide(&f, &d);
	CHECK(d.act && d.refusal == NULL);
}

static void
test_decide_kill_thaw(void)
{
	struct rule r = { 0 };
	struct facts f;
	struct decision d;

	r.kill_after_ms = 1000;
	spike_facts(&f, &r);
	f.trigger = TRIG_KILL_AFTER;
	f.running = 0;
	f.frozen = f.frozen_by_us = 1;
	f.frozen_at = 5000;
	f.now_wall = 5500;
	policy_decide(&f, &d);
	CHECK(!d.act && d.refusal == NULL); /* not due yet */
	f.now_wall = 6000;
	policy_decide(&f, &d);
	CHECK(d.act && d.action == ACTION_KILL && !d.take_budget);
	f.monitor = 1;
	policy_decide(&f, &d);
	CHECK(!d.act); /* monitor mode never escalates */
	f.monitor = 0;
	f.frozen_by_us = 0;
	policy_decide(&f, &d);
	CHECK(!d.act); /* someone else's pause */
	f.frozen_by_us = 1;
	f.safe = 0;
	policy_decide(&f, &d);
	CHECK(!d.act && d.unsafe);
	f.safe = 1;
	/* cgwardenctl kill: in any mode, never the daemon's own cgroup */
	f.trigger = TRIG_KILL_CMD;
	f.monitor = 1;
	policy_decide(&f, &d);
	CHECK(d.act);
	f.safe = 0;
	policy_decide(&f, &d);
	CHECK(!d.act);
	CHECK_STR(d.refusal, "its cgroup holds cgwardend or init: not killed");
	f.safe = 1;
	f.failed = FAILED_KILL;
	policy_decide(&f, &d);
	CHECK(!d.act);
	CHECK_STR(d.refusal, "cannot kill");
	f.failed = FAILED_NONE;
	/* thaw: through Docker when its pause may hold it */
	f.trigger = TRIG_THAW;
	f.docker_holds = 1;
	policy_decide(&f, &d);
	CHECK(d.act && d.via_docker && d.count == CNT_THAWS);
	f.docker_holds = 0;
	policy_decide(&f, &d);
	CHECK(d.act && !d.via_docker);
	f.frozen = 0;
	f.running = 1;
	policy_decide(&f, &d);
	CHECK(!d.act);
	CHECK_STR(d.refusal, "it is not frozen");
	/* killed, freezer thawed: not frozen either */
	f.running = 0;
	policy_decide(&f, &d);
	CHECK(!d.act);
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
	CHECK(policy_action(&r, 0, 0, 1, 0, &w) == ACTION_FREEZE && w == WHY_RULE);
	/* monitor: the decision stands, marked as not done */
	CHECK(policy_action(&r, 0, 1, 1, 0, &w) == ACTION_FREEZE && w == WHY_MONITOR);
	/* budget spent: alert only */
	CHECK(policy_action(&r, 0, 0, 0, 0, &w) == ACTION_ALERT && w == WHY_BUDGET);
	r.action = ACTION_KILL;
	CHECK(policy_action(&r, 0, 0, 1, 0, &w) == ACTION_KILL && w == WHY_RULE);
	/* killed before and spiking again: frozen, not killed again */
	CHECK(policy_action(&r, 0, 0, 1, 1, &w) == ACTION_FREEZE && w == WHY_LOOPING);
	CHECK(policy_action(&r, 0, 0, 0, 1, &w) == ACTION_ALERT && w == WHY_BUDGET);
	CHECK(policy_action(&r, 0, 1, 1, 1, &w) == ACTION_FREEZE && w == WHY_MONITOR);
	/* alert and none are never escalated, whatever the budget */
	r.action = ACTION_ALERT;
	CHECK(policy_action(&r, 0, 0, 0, 1, &w) == ACTION_ALERT && w == WHY_RULE);
	r.action = ACTION_NONE;
	CHECK(policy_action(&r, 0, 0, 1, 0, &w) == ACTION_NONE);
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
	test_target_docker();
	test_decide_spike();
	test_decide_contain();
	test_decide_freeze_cmd();
	test_decide_kill_thaw();
	test_kubernetes();
	return unit_done("test_policy");
}
