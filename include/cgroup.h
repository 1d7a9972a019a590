/* Where the cgroup hierarchies are, and small reads and writes of their files. */
#ifndef CGW_CGROUP_H
#define CGW_CGROUP_H
#include <stddef.h>
#include <stdint.h>

/* Hierarchies kept: only mounts with a controller cgwarden reads (at most
 * one per enum ctrl) and one cgroup2 mount; each container holds this
 * many pointers, so it stays small. */
#define MAX_HIER 8

enum ctrl { CTRL_PIDS, CTRL_MEMORY, CTRL_CPU, CTRL_CPUACCT, CTRL_FREEZER, CTRL_COUNT };
enum layout { LAYOUT_NONE, LAYOUT_V1, LAYOUT_HYBRID, LAYOUT_V2 };

struct hier {
	char *mount;    /* absolute mount point */
	int v2;         /* a cgroup2 mount */
	unsigned ctrls; /* bit per enum ctrl: v1 mount options, v2 cgroup.controllers */
	int pids_up;    /* pids.events counts a refused fork in every cgroup above the one
	                 * that forked too (cgroup2, Linux 6.10+, not pids_localevents) */
};

struct hierarchy {
	struct hier h[MAX_HIER]; /* v1 mounts first, the v2 mount last */
	size_t n;
	enum layout layout;
	size_t nignored;    /* cgroup mounts under cgroup_root left out */
	char ignored[1024]; /* which and why, for the log */
};

int cgroup_detect(const char *root, const char *mountinfo, int hide_v2,
    struct hierarchy *out, char *err, size_t errlen);
void cgroup_hierarchy_free(struct hierarchy *);
void cgroup_describe(const struct hierarchy *, char *buf, size_t len);
const char *cgroup_layout_name(enum layout);

int cgroup_pread(int fd, char *buf, size_t len);
int cgroup_parse_u64(const char *s, uint64_t *v);
int cgroup_find_key(const char *buf, const char *key, uint64_t *v);
int cgroup_write(const char *path, const char *val);
int cgroup_has_v1(const struct hierarchy *, enum ctrl);

#endif
