/*
 * The decisions (pure): no I/O here, every input is an argument.  The
 * ceiling a limit should hold, whether a ring of samples is a spike or
 * deserves the fast rate, and policy_decide: what the guard does, and
 * why, on a spike, on_docker_socket, kill_after, kill and thaw.
 */
#include <stddef.h>
#include <string.h>

#include "policy.h"

#define PAGE_MASK_4K (~(uint64_t)4095)

/* The ceiling a rule sets for one limit, in the unit the kernel reads back. */
uint64_t
policy_ceiling(const struct rule *r, enum knob k)
{
	switch (k) {
	case KNOB_PIDS:
		return r->pids_max;
	case KNOB_MEMORY:
		/* The kernel rounds memory limits down to whole pages. */
		return r->memory_max == LIMIT_MAX ? LIMIT_MAX : r->memory_max & PAGE_MASK_4K;
	case KNOB_CPU:
		return r->cpus_milli;
	case KNOB_COUNT:
		break;
	}
	return LIMIT_MAX;
}

/*
 * The value a limit file should hold: the container's own limit, capped at
 * the ceiling.  The container's own limit is what the file holds, unless
 * the file still holds what cgwarden wrote there, in which case it is the
 * value cgwarden replaced.  So a lower limit set at creation is kept, a
 * limit raised by hand above the ceiling is lowered again, one lowered by
 * hand is respected, and a ceiling raised by a reload gives back what an
 * earlier, lower ceiling took.
 *
 * Once Docker's inspect has said what the container was started or
 * updated with (docker_own, NULL before), that is its own limit, unless
 * lowered by hand below it: the runtime may write it just after a
 * ceiling went in at mkdir, and the ceiling's write would then have
 * replaced it.
 */
uint64_t
policy_target(uint64_t ceiling, uint64_t current, const struct limit_memo *m,
    const uint64_t *docker_own, uint64_t *own)
{
	int ours = m != NULL && m->valid && m->set == current;
	uint64_t o = ours ? m->orig : current;

	if (docker_own != NULL)
		o = !ours && current < *docker_own ? current : *docker_own;
	if (own != NULL)
		*own = o;
	return o < ceiling ? o : ceiling;
}

/* Growth of a counter from an older sample to the newest, per second when slower than the window. */
static int
over(uint32_t newer, uint32_t older, uint64_t dt, uint64_t threshold, uint64_t *delta,
    uint64_t *rate)
{
	if (threshold == 0 || newer == SAMPLE_NONE || older == SAMPLE_NONE || newer <= older)
		return 0;
	*delta = newer - older;
	*rate = dt ? *delta * 1000 / dt : *delta;
	/* Within the window the count itself must reach the threshold (a burst
	 * of 16 in 50 ms is not 320/s); past it, the rate per second. */
	return dt <= SPIKE_WINDOW_MS ? *delta >= threshold : *rate >= threshold;
}

/*
 * The spike detector (pure): compares the newest sample with every older
 * one up to one window back (and with the one just before the window,
 * scaled per second, when samples are sparse).  A spike is forks refused
 * by pids.max rising by spike_fork_failures, or pids.current rising by
 * spike_rate, within one second.  Returns 1 with the verdict, or 0.
 */
int
policy_spike(const struct rule *r, const struct sample *ring, unsigned n,
    struct verdict *v)
{
	const struct sample *last;
	unsigned have = n < RING ? n : RING;

	struct verdict growth = { SPIKE_NONE, 0, 0, 0 };

	memset(v, 0, sizeof(*v));
	if (n < 2)
		return 0;
	last = &ring[(n - 1) % RING];
	/* The largest rise in the window; refused forks before growth. */
	for (unsigned i = 2; i <= have; i++) {
		const struct sample *s = &ring[(n - i) % RING];
		uint64_t dt = (uint32_t)(last->t_ms - s->t_ms), delta, rate;

		if (over(last->fork_failures, s->fork_failures, dt, r->spike_fork_failures,
		    &delta, &rate) && delta > v->delta)
			*v = (struct verdict){ SPIKE_FORK_FAILURES, delta, dt, rate };
		if (over(last->pids, s->pids, dt, r->spike_rate, &delta, &rate) &&
		    delta > growth.delta)
			growth = (struct verdict){ SPIKE_GROWTH, delta, dt, rate };
		if (dt > SPIKE_WINDOW_MS)
			break; /* the one sample before the window was compared */
	}
	if (v->kind == SPIKE_NONE)
		*v = growth;
	return v->kind != SPIKE_NONE;
}

/*
 * Whether a container deserves the fast sampling period: its count rose
 * since the last sample, forks were refused, or it is within a fifth of
 * its pids limit.
 */
int
policy_hot(const struct sample *ring, unsigned n, uint64_t pids_max)
{
	const struct sample *last, *prev;

	if (n == 0)
		return 0;
	last = &ring[(n - 1) % RING];
	if (last->pids != SAMPLE_NONE && pids_max != LIMIT_MAX &&
	    (uint64_t)last->pids * 5 >= pids_max * 4)
		return 1;
	if (n < 2)
		return 0;
	prev = &ring[(n - 2) % RING];
	return (last->pids != SAMPLE_NONE && prev->pids != SAMPLE_NONE && last->pids > prev->pids) ||
	    (last->fork_failures != SAMPLE_NONE && prev->fork_failures != SAMPLE_NONE &&
	    last->fork_failures > prev->fork_failures);
}

/*
 * What to do about a spike (pure).  The rule's action, except: in monitor
 * mode nothing is done (the decision is reported); with the host-wide
 * budget spent, only an alert; and a container killed recently that spikes
 * again is frozen, not killed again, so that a restart policy cannot turn
 * the guard into a kill loop.
 */
/*
 * The action a rule asks for, for this container.  Kubernetes knows
 * nothing of a freeze: a frozen pod stays Running, fails its probes, and
 * the kubelet's kill of a frozen container waits for the thaw on cgroup
 * v1; a killed container is seen by the kubelet at once, restarted under
 * its restart policy with CrashLoopBackOff's back-off, and counted in the
 * pod's restarts and events.  So where no file sets action (neither the
 * rule nor [defaults]), a Kubernetes container is killed; Docker's and
 * Podman's are frozen.
 */
enum action
policy_rule_action(const struct rule *r, int kubernetes)
{
	if (kubernetes && r->from[RK_ACTION].file < 0)
		return ACTION_KILL;
	return r->action;
}

enum action
policy_action(const struct rule *r, int kubernetes, int monitor, int budget_left,
    int killed_recently, enum why *why)
{
	enum action a = policy_rule_action(r, kubernetes);

	*why = WHY_RULE;
	if (a != ACTION_FREEZE && a != ACTION_KILL)
		return a;
	if (killed_recently) {
		a = ACTION_FREEZE;
		*why = WHY_LOOPING;
	}
	if (!budget_left) {
		*why = WHY_BUDGET;
		return ACTION_ALERT;
	}
	if (monitor)
		*why = WHY_MONITOR;
	return a;
}

/* Whether a container cgwarden froze has been frozen for kill_after (pure). */
int
policy_kill_due(const struct rule *r, int frozen_by_us, uint64_t frozen_at, uint64_t now_wall)
{
	return r->kill_after_ms > 0 && frozen_by_us && frozen_at > 0 &&
	    now_wall >= frozen_at && now_wall - frozen_at >= r->kill_after_ms;
}

const char *
policy_why_text(enum why w)
{
	switch (w) {
	case WHY_MONITOR: return " (monitor mode: nothing done)";
	case WHY_BUDGET: return " (max_actions_per_minute reached: alert only)";
	case WHY_LOOPING: return " (killed before and spiking again after a restart: "
	    "frozen, not killed again)";
	case WHY_RULE: break;
	}
	return "";
}

static int
containing(enum action a)
{
	return a == ACTION_FREEZE || a == ACTION_KILL;
}

/* A spike: the rule's action, unless the mode, the budget, a loop or the target say otherwise. */
static void
decide_spike(const struct facts *f, struct decision *d)
{
	d->action = policy_action(f->rule, f->kubernetes, f->monitor, f->budget_left,
	    f->looping, &d->why);
	if (containing(d->action) && !f->safe) {
		d->action = ACTION_ALERT;
		d->unsafe = 1;
	}
	d->dry_run = d->why == WHY_MONITOR;
	d->label = config_action_name(d->action);
	if (f->failed != FAILED_NONE) {
		d->label = f->failed == FAILED_FREEZE ? "freeze-failed" : "kill-failed";
		d->action = ACTION_ALERT;
	}
	d->act = !d->dry_run && containing(d->action);
	d->take_budget = d->act;
	d->quiet = d->action != ACTION_FREEZE || d->dry_run;
	if (!d->dry_run && !containing(d->action))
		d->count = d->action == ACTION_NONE ? CNT_NO_ACTION : CNT_ALERTS;
}

/*
 * Another reason than a spike (on_docker_socket): the same freeze or
 * kill, the same budget, the same refusal to touch the daemon's own
 * cgroup, nothing done in monitor mode.
 */
static void
decide_contain(const struct facts *f, struct decision *d)
{
	d->action = f->asked;
	d->label = config_action_name(f->asked);
	if (!containing(f->asked) || !f->running) {
		d->action = ACTION_NONE;
		return;
	}
	if (f->monitor || !f->safe || !f->budget_left) {
		d->refusal = f->monitor ? "monitor mode" : !f->safe ?
		    "its cgroup holds cgwardend or init" : "max_actions_per_minute reached";
		d->dry_run = f->monitor;
		d->unsafe = !f->safe;
		return;
	}
	if (f->failed == FAILED_FREEZE) {
		d->refusal = "the freeze failed";
		return;
	}
	d->act = d->take_budget = 1;
	d->count = f->asked == ACTION_FREEZE ? CNT_FREEZES : CNT_COUNT;
}

/*
 * A freeze asked for by the operator (cgwardenctl freeze): like a kill
 * asked for, outside the spike budget, never the daemon's own cgroup,
 * nothing done in monitor mode.
 */
static void
decide_freeze(const struct facts *f, struct decision *d)
{
	d->action = ACTION_FREEZE;
	d->label = "freeze";
	if (!f->running || f->frozen)
		d->refusal = "it is frozen or killed already";
	else if (f->monitor)
		d->refusal = "monitor mode";
	else if (!f->safe)
		d->refusal = "its cgroup holds cgwardend or init: not frozen";
	else if (f->failed == FAILED_FREEZE)
		d->refusal = "the freeze failed";
	d->dry_run = f->monitor;
	d->unsafe = !f->safe;
	if (d->refusal != NULL)
		return;
	d->act = 1;
	d->count = CNT_FREEZES;
}

/* A kill asked for (kill_after, cgwardenctl kill): never the daemon's own cgroup. */
static void
decide_kill(const struct facts *f, struct decision *d)
{
	d->action = ACTION_KILL;
	d->label = "kill";
	if (f->trigger == TRIG_KILL_AFTER && (!f->frozen || f->rule == NULL || f->monitor ||
	    !policy_kill_due(f->rule, f->frozen_by_us, f->frozen_at, f->now_wall))) {
		d->action = ACTION_NONE;
		return;
	}
	if (!f->safe) {
		d->refusal = "its cgroup holds cgwardend or init: not killed";
		d->unsafe = 1;
		return;
	}
	if (f->failed == FAILED_KILL) {
		d->refusal = "cannot kill";
		return;
	}
	d->act = 1;
}

/* A thaw asked for: through Docker when its pause may hold the container. */
static void
decide_thaw(const struct facts *f, struct decision *d)
{
	d->action = ACTION_NONE;
	d->label = "thaw";
	if (!f->frozen) {
		d->refusal = "it is not frozen";
		return;
	}
	d->act = 1;
	d->via_docker = f->docker_holds;
	d->count = CNT_THAWS;
}

/*
 * The one decision of the guard: from the facts, what to do and why.
 * Pure; every case is a unit test.
 */
void
policy_decide(const struct facts *f, struct decision *d)
{
	memset(d, 0, sizeof(*d));
	d->why = WHY_RULE;
	d->count = CNT_COUNT;
	if (f->sandbox && f->trigger != TRIG_THAW) {
		/* It holds the pod's namespaces: killing it ends the pod. */
		d->action = ACTION_NONE;
		d->label = "none";
		d->refusal = "it is a pod's sandbox (pause) container: never acted on";
		return;
	}
	switch (f->trigger) {
	case TRIG_SPIKE:
		decide_spike(f, d);
		break;
	case TRIG_CONTAIN:
		decide_contain(f, d);
		break;
	case TRIG_KILL_AFTER:
	case TRIG_KILL_CMD:
		decide_kill(f, d);
		break;
	case TRIG_FREEZE_CMD:
		decide_freeze(f, d);
		break;
	case TRIG_THAW:
		decide_thaw(f, d);
		break;
	}
}
