/* Ceiling decisions: the container's own limit, capped at the ceiling. */
#include "policy.h"
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

int
main(void)
{
	test_target();
	test_ceiling();
	return unit_done("test_policy");
}
