/* Ceiling decisions (pure): no I/O here, every input is an argument. */
#include <stddef.h>

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
 */
uint64_t
policy_target(uint64_t ceiling, uint64_t current, const struct limit_memo *m,
    uint64_t *own)
{
	uint64_t o = current;

	if (m != NULL && m->valid && m->set == current)
		o = m->orig;
	if (own != NULL)
		*own = o;
	return o < ceiling ? o : ceiling;
}
