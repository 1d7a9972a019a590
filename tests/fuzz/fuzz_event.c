/* One line of Docker's /events stream. */
#include <string.h>

#include "docker.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_meta m;
	char action[32], id[ID_LEN + 1];

	if (docker_parse_event((const char *)data, size, action, sizeof(action), id, &m) == 0) {
		if (strlen(id) != ID_LEN || strspn(id, "0123456789abcdef") != ID_LEN ||
		    strlen(action) >= sizeof(action))
			__builtin_trap();
	}
	return 0;
}
