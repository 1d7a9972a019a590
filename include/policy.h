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

uint64_t policy_ceiling(const struct rule *, enum knob);
uint64_t policy_target(uint64_t ceiling, uint64_t current,
    const struct limit_memo *, uint64_t *own);

#endif
