/* Decisions: pure functions of the policy and what was read from the kernel. */
#ifndef CGW_POLICY_H
#define CGW_POLICY_H
#include <stdint.h>

#include "config.h"
#include "container.h"

/*
 * What cgwarden remembers of a limit it changed, stored beside the cgroup
 * (an xattr) so that a restarted daemon knows it too: the value it wrote
 * and the container's own value before that.
 */
struct limit_memo {
	int valid;
	uint64_t set;
	uint64_t orig;
};

enum spike_kind { SPIKE_NONE, SPIKE_FORK_FAILURES, SPIKE_GROWTH };

/* What the spike detector saw: which threshold, by how much, over how long. */
struct verdict {
	enum spike_kind kind;
	uint64_t delta;     /* refused forks, or new pids */
	uint64_t window_ms; /* between the two samples compared */
	uint64_t per_second;
};

#define SPIKE_WINDOW_MS 1000

/* Why the action taken differs from the rule's. */
enum why { WHY_RULE, WHY_MONITOR, WHY_BUDGET, WHY_LOOPING };

/* The sample ring keeps slots at least this far apart, so that its 16
 * slots span the whole spike window however fast a container is sampled. */
#define RING_SPACING_MS (SPIKE_WINDOW_MS / (RING - 4))

uint64_t policy_ceiling(const struct rule *, enum knob);
int policy_spike(const struct rule *, const struct sample *ring, unsigned nsamples,
    struct verdict *);
int policy_hot(const struct sample *ring, unsigned nsamples, uint64_t pids_max);
enum action policy_action(const struct rule *, int monitor, int budget_left,
    int killed_recently, enum why *);
int policy_kill_due(const struct rule *, int frozen_by_us, uint64_t frozen_at,
    uint64_t now_wall);
uint64_t policy_target(uint64_t ceiling, uint64_t current,
    const struct limit_memo *, uint64_t *own);

#endif
