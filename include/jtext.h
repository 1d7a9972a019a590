/* JSON strings of text from outside. */
#ifndef CGW_JTEXT_H
#define CGW_JTEXT_H

struct json_object;

/*
 * A JSON string of s, made valid UTF-8 (each byte that is not part of a
 * character becomes U+FFFD: JSON is UTF-8, and a name, a path or a
 * process name from outside need not be); NULL for NULL.
 */
struct json_object *json_text(const char *s);

#endif
