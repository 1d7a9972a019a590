/* Carrying out ceilings: a container's limits held to its rule's. */
#ifndef CGW_ENFORCE_H
#define CGW_ENFORCE_H
#include <stdint.h>

#include "container.h"

struct sysd;

void enforce_init(struct ctable *, struct sysd *);
/* Limit files are read at most once per ms (half the sampling interval). */
void enforce_set_period(uint64_t ms);
void enforce_container(struct container *, int monitor, uint64_t now_ms);
void enforce_invalidate(struct container *);
/* The limit as last checked (LIMIT_MAX before): no read. */
uint64_t enforce_known_limit(const struct container *, enum knob);
/* Whether inotify watches its limit files: then they are read again only now and then. */
void enforce_set_watched(struct container *, int);
int enforce_via_systemd(const struct container *);
void enforce_forget(struct container *);

#endif
