/* The guard's effects on a container's cgroups (no decisions here). */
#ifndef CGW_ACT_H
#define CGW_ACT_H
#include <stddef.h>

#include "container.h"

enum freezer { FREEZER_NONE, FREEZER_V2, FREEZER_V1 };
enum fstate { FS_THAWED, FS_FREEZING, FS_FROZEN };

const struct cg *act_v2(const struct container *);
const struct cg *act_v1_freezer(const struct container *);
int act_freeze(const struct container *, enum freezer *used);
int act_freeze_v1(const struct container *);
int act_release_v2(const struct container *);
int act_thaw(const struct container *);
enum fstate act_frozen(const struct container *);
int act_kill(const struct container *, const char **how);
unsigned act_top(const struct container *, char *out, size_t len);
void act_note(const struct container *, const char *key, const char *val);
int act_read_note(const struct container *, const char *key, char *buf, size_t len);

#endif
