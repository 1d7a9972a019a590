/* Carrying out ceilings: reads and writes of limit files. */
#ifndef CGW_ENFORCE_H
#define CGW_ENFORCE_H
#include <stdint.h>

#include "container.h"

struct sysd;

void enforce_init(struct ctable *, struct sysd *);
void enforce_container(struct container *, int monitor, uint64_t now_ms);
void enforce_invalidate(struct container *);
int enforce_read_limit(const struct cg *, enum knob, uint64_t *);
const char *enforce_label(const struct container *, char *buf, size_t len);

#endif
