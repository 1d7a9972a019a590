/*
 * Replays inputs through a harness without libFuzzer: each file named on
 * the command line, once.  A crash or a sanitizer report ends the process
 * with a failure; `make check` runs it on each corpus file and crasher.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf = NULL;
		size_t len = 0, cap = 0, n;

		if (f == NULL) {
			perror(argv[i]);
			return 2;
		}
		do {
			if (len == cap && (buf = realloc(buf, cap = cap ? cap * 2 : 4096)) == NULL)
				abort();
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n > 0);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	return 0;
}
