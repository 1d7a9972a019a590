/* Image references against rule patterns: "PATTERN\nREFERENCE". */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "image.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), *ref = strchr(s, '\n');

	if (ref != NULL) {
		*ref++ = '\0';
		image_match(s, ref);
		/* Every reference matches itself as a pattern, glob characters aside. */
		if (strpbrk(ref, "*?[\\") == NULL && *ref && !image_match(ref, ref))
			__builtin_trap();
	} else
		image_match(s, s);
	free(s);
	return 0;
}
