/* A directory's limit files, in the config's units, and the notes of what cgwarden wrote. */
#ifndef CGW_LIMITFILE_H
#define CGW_LIMITFILE_H
#include <stdint.h>

#include "cgfile.h"
#include "config.h"

/*
 * What cgwarden remembers of a limit it changed, stored beside the cgroup
 * (an xattr) so that a restarted daemon knows it too: the value it wrote
 * and the container's own value before that.
 */
struct limit_memo {
	int valid;
	uint64_t set;
	uint64_t orig;
};

const char *limit_filename(const struct cg *, enum knob);
int limit_read(const struct cg *, enum knob, uint64_t *);
int limit_write(const struct cg *, enum knob, uint64_t);
void limit_memo_read(const struct cg *, enum knob, struct limit_memo *);
void limit_memo_write(const struct cg *, enum knob, uint64_t set, uint64_t orig);

#endif
