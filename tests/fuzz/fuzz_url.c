/* http:// URLs: alert_webhook and the client's targets. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "url.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), err[256];
	struct url u;

	if (url_parse(s, &u, err, sizeof(err)) == 0) {
		if (u.port < 1 || u.port > 65535 || strlen(u.host) >= sizeof(u.host) ||
		    u.path < s || u.path > s + size)
			__builtin_trap();
	}
	if (url_parse_base(s, "/api/v2/alerts", &u, err, sizeof(err)) == 0) {
		if (u.path < s || u.path + u.pathlen > s + size)
			__builtin_trap();
	}
	url_parse_base(s, NULL, &u, NULL, 0);
	free(s);
	return 0;
}
