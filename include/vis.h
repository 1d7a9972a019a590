/* Text from outside made safe for a log line, the journal or a terminal (vis(3)). */
#ifndef CGW_VIS_H
#define CGW_VIS_H
#include <stddef.h>

/*
 * Writes the escaped text of src (n bytes) into dst, NUL-terminated,
 * never cutting an escape or a character in two; returns the length of
 * the whole escaped text, so that a result >= len means it was cut.
 */
size_t vis_mem(char *dst, size_t len, const char *src, size_t n);
size_t vis_str(char *dst, size_t len, const char *src);
/* Whether src holds anything vis_str would escape. */
int vis_needed(const char *src);

/*
 * JSON and Prometheus text must be UTF-8: whether src is, and src with
 * each byte that is not part of valid UTF-8 replaced by U+FFFD, into dst
 * (NUL-terminated, never cutting a character; returns the whole length,
 * at most 3 times strlen(src)).
 */
int utf8_valid(const char *src);
size_t utf8_clean(char *dst, size_t len, const char *src);

#endif
