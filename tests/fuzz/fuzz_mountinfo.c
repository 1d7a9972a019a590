/* /proc/self/mountinfo, to the table of hierarchies. */
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hierarchy hs;
	char path[64], err[256];
	int v2 = 0;

	fuzz_file(data, size, path, sizeof(path));
	for (int hide = 0; hide < 2; hide++) {
		if (cgroup_detect("/sys/fs/cgroup", path, hide, &hs, err, sizeof(err)) < 0)
			continue;
		/* Bounded, every mount named, at most one v2 and it comes last. */
		if (hs.n == 0 || hs.n > MAX_HIER)
			__builtin_trap();
		for (size_t i = 0; i < hs.n; i++) {
			if (hs.h[i].mount == NULL || strncmp(hs.h[i].mount, "/sys/fs/cgroup", 14))
				__builtin_trap();
			if (hs.h[i].v2 && (v2++ || i != hs.n - 1))
				__builtin_trap();
		}
		v2 = 0;
		cgroup_describe(&hs, err, sizeof(err));
		cgroup_hierarchy_free(&hs);
	}
	return 0;
}
