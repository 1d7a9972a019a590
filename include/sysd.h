/* systemd's D-Bus API: limits of scopes that systemd owns. */
#ifndef CGW_SYSD_H
#define CGW_SYSD_H
#include <stdint.h>

#include "cgfile.h"
#include "config.h"

struct event_base;
struct sysd;

/* The outcome of one SetUnitProperties: 0, or -errno with err. */
typedef void (*sysd_done_cb)(int rc, const char *err, void *arg);

struct sysd *sysd_new(struct event_base *);
void sysd_free(struct sysd *);
int sysd_unit_of(const struct cg *, char *unit, size_t len);
int sysd_set_limit(struct sysd *, const char *unit, enum knob, uint64_t value,
    sysd_done_cb, void *arg);
const char *sysd_property(enum knob);

#endif
