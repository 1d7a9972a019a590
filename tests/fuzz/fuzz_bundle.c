/*
 * An OCI bundle's config.json (containerd's and CRI-O's annotations), and
 * a container cgroup's path: what whoever creates a pod controls.
 */
#include <string.h>

#include "bundle.h"
#include "container.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_meta m;
	struct cpath p;
	char err[128], path[4096];

	for (int rt = RT_CONTAINERD; rt <= RT_CRIO; rt++)
		if (bundle_parse((const char *)data, size, (enum runtime)rt, &m, err,
		    sizeof(err)) == 0) {
			/* What the daemon keeps is bounded and terminated. */
			if (strlen(m.name) >= sizeof(m.name) || strlen(m.image) >= sizeof(m.image) ||
			    strlen(m.namespace) >= sizeof(m.namespace) ||
			    strlen(m.pod) >= sizeof(m.pod) || (m.sandbox != 0 && m.sandbox != 1))
				__builtin_trap();
		} else if (strlen(err) >= sizeof(err))
			__builtin_trap();
	/* The same bytes as a cgroup path. */
	if (size < sizeof(path)) {
		memcpy(path, data, size);
		path[size] = '\0';
		if (container_parse_path(path, &p) == 0 &&
		    (strlen(p.id) != ID_LEN || strlen(p.pod_uid) >= sizeof(p.pod_uid) ||
		    p.runtime >= RT_COUNT))
			__builtin_trap();
	}
	return 0;
}
