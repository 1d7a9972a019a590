/*
 * JSON strings of text from outside.  json-c escapes control bytes but
 * writes other bytes as they are, so a name with a byte that is not
 * UTF-8 would make the whole reply invalid JSON; such bytes become
 * U+FFFD here, as a JSON parser that repairs would make them.
 */
#include <json-c/json.h>
#include <stdlib.h>

#include "jtext.h"
#include "vis.h"
#include "xmalloc.h"

struct json_object *
json_text(const char *s)
{
	struct json_object *o;
	size_t n;
	char *clean;

	if (s == NULL)
		return NULL;
	if (utf8_valid(s))
		return json_object_new_string(s);
	n = utf8_clean(NULL, 0, s) + 1;
	clean = xmalloc(n);
	utf8_clean(clean, n, s);
	o = json_object_new_string(clean);
	free(clean);
	return o;
}
