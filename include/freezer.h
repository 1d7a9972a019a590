/* Freezing, thawing and killing a cgroup's tasks, on its directories' handles. */
#ifndef CGW_FREEZER_H
#define CGW_FREEZER_H

#include "cgfile.h"

/* The directories a freeze or a kill works on (NULL where there is none). */
struct cgdirs {
	const struct cg *v2;    /* the directory in a v2 tree */
	const struct cg *v1frz; /* the directory in the v1 freezer hierarchy */
	const struct cg *procs; /* one that lists the tasks */
};

enum freezer { FREEZER_NONE, FREEZER_V2, FREEZER_V1 };
enum fstate { FS_THAWED, FS_FREEZING, FS_FROZEN };

int freezer_freeze(const struct cgdirs *, enum freezer *used);
int freezer_freeze_v1(const struct cgdirs *);
int freezer_release_v2(const struct cgdirs *);
int freezer_thaw(const struct cgdirs *);
/* The frozen state as the kernel reports it: the one reader of it. */
enum fstate freezer_state(const struct cgdirs *);
int freezer_kill(const struct cgdirs *, const char **how);
/* Sends a signal to every process of the cgroup (SIGSTOP, SIGCONT). */
int freezer_signal(const struct cgdirs *, int sig);

#endif
