/* Docker's inspect reply, and its config.v2.json on disk (the same parser). */
#include <string.h>

#include "docker.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_meta m;
	char err[128];

	if (docker_parse_inspect((const char *)data, size, &m, err, sizeof(err)) == 0) {
		/* What the daemon keeps is bounded and terminated. */
		if (strlen(m.name) >= sizeof(m.name) || strlen(m.image) >= sizeof(m.image) ||
		    m.image[0] == '\0')
			__builtin_trap();
	} else if (strlen(err) >= sizeof(err))
		__builtin_trap();
	return 0;
}
