/* Decisions: pure functions of the policy and what was read from the kernel. */
#ifndef CGW_POLICY_H
#define CGW_POLICY_H
#include <stdint.h>

#include "config.h"
#include "container.h"
#include "counters.h"
#include "limitfile.h"

enum spike_kind { SPIKE_NONE, SPIKE_FORK_FAILURES, SPIKE_GROWTH };

/* What the spike detector saw: which threshold, by how much, over how long. */
struct verdict {
	enum spike_kind kind;
	uint64_t delta;     /* refused forks, or new pids */
	uint64_t window_ms; /* between the two samples compared */
	uint64_t per_second;
};

/* Why the action taken differs from the rule's. */
enum why { WHY_RULE, WHY_MONITOR, WHY_BUDGET, WHY_LOOPING };

/* What asks the guard to act on a container. */
enum trigger {
	TRIG_SPIKE,      /* a detector fired: the rule's action */
	TRIG_CONTAIN,    /* a rule asks for another reason (on_docker_socket) */
	TRIG_KILL_AFTER, /* frozen by cgwarden longer than kill_after */
	TRIG_KILL_CMD,   /* cgwardenctl kill */
	TRIG_FREEZE_CMD, /* cgwardenctl freeze */
	TRIG_THAW,       /* cgwardenctl thaw */
};

/* An effect tried and refused by the kernel: what to decide instead. */
enum failed { FAILED_NONE, FAILED_FREEZE, FAILED_KILL };

/* Everything a decision depends on, read before it is made. */
struct facts {
	enum trigger trigger;
	const struct rule *rule; /* NULL: no rule yet */
	enum action asked;       /* TRIG_CONTAIN: the action the rule asks for */
	int monitor;             /* mode = monitor, or --dry-run */
	int budget_left;         /* max_actions_per_minute not reached */
	int looping;             /* killed moments ago, restarted, spiking again */
	int safe;                /* its cgroup holds neither cgwardend nor init */
	int running;             /* neither frozen nor killed */
	int frozen;              /* a freezer holds it (TRIG_THAW, TRIG_KILL_AFTER) */
	int frozen_by_us;        /* cgwarden froze it, at frozen_at (wall ms) */
	uint64_t frozen_at, now_wall;
	int docker_holds;        /* Docker's pause may hold it (TRIG_THAW) */
	int kubernetes;          /* a Kubernetes pod's container (containerd, CRI-O) */
	int sandbox;             /* a pod's sandbox (pause) container: never acted on */
	enum failed failed;
};

/* What to do and why; effects then run in order, each once. */
struct decision {
	enum action action;  /* freeze, kill, alert (tell only), none */
	enum why why;
	int act;             /* carry the freeze or kill out (else tell only) */
	int take_budget;     /* count it against max_actions_per_minute */
	int dry_run;         /* decided, not done (monitor mode) */
	int unsafe;          /* freeze or kill refused: its cgroup holds cgwardend or init */
	int quiet;           /* no new report of a spike for a while */
	int via_docker;      /* TRIG_THAW: ask Docker to unpause first */
	enum counter count;  /* the counter to add one to, CNT_COUNT: none */
	const char *label;   /* the action as told: freeze, kill, alert, none, freeze-failed... */
	const char *refusal; /* nothing is done, and this says why; NULL otherwise */
};

uint64_t policy_ceiling(const struct rule *, enum knob);
int policy_spike(const struct rule *, const struct sample *ring, unsigned nsamples,
    struct verdict *);
int policy_hot(const struct sample *ring, unsigned nsamples, uint64_t pids_max);
/* The rule's action for a container: kill for Kubernetes' unless a file sets action. */
enum action policy_rule_action(const struct rule *, int kubernetes);
enum action policy_action(const struct rule *, int kubernetes, int monitor, int budget_left,
    int killed_recently, enum why *);
int policy_kill_due(const struct rule *, int frozen_by_us, uint64_t frozen_at,
    uint64_t now_wall);
void policy_decide(const struct facts *, struct decision *);
/* What a run of policy_decide says in the spike line: " (monitor mode: nothing done)"... */
const char *policy_why_text(enum why);
uint64_t policy_target(uint64_t ceiling, uint64_t current,
    const struct limit_memo *, const uint64_t *docker_own, uint64_t *own);

#endif
