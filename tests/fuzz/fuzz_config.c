/* The configuration file: loaded, printed (-n -v) and matched. */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_errors errs;
	struct config *cf;
	char path[64];
	static FILE *null; /* one for the run: not a file opened per input */

	/* Beside /proc/self/fd/N there is no conf.d: the input alone is read. */
	fuzz_file(data, size, path, sizeof(path));
	cf = config_load(path, &errs);
	if (cf != NULL) {
		if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
			abort();
		config_print(cf, null);
		config_match(cf, "nginx:1.25");
		config_match(cf, "registry.example.com/team/app@sha256:0123");
		config_free(cf);
	} else if (errs.n == 0)
		__builtin_trap(); /* rejected without saying why */
	config_errors_free(&errs);
	return 0;
}
