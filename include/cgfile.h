/*
 * A container's directory in one cgroup hierarchy, and the small kernel
 * files read and written there: held fds read with pread(2), the rest
 * opened at each use.  Nothing here knows what a container is.
 */
#ifndef CGW_CGFILE_H
#define CGW_CGFILE_H
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"

/* Kernel files kept open per container cgroup. */
enum cfile {
	CF_PIDS_CUR,
	CF_PIDS_EVENTS,
	CF_PIDS_MAX,
	CF_MEM_CUR,
	CF_MEM_MAX,
	CF_CPU_USAGE,  /* v1 cpuacct.usage (ns), v2 cpu.stat (usage_usec) */
	CF_CPU_MAX,    /* v1 cpu.cfs_quota_us, v2 cpu.max */
	CF_CPU_PERIOD, /* v1 cpu.cfs_period_us */
	CF_FREEZE,     /* v1 freezer.state, v2 cgroup.events */
	CF_COUNT
};

/* fd[] of a file that is opened when read, not held (rarely read, or
 * the fd limit was reached). */
#define FD_ONDEMAND (-2)

/* A directory in one hierarchy: the handle every kernel read and write takes. */
/*
 * One directory of a container in one hierarchy: 48 bytes, six of them
 * per container on a hybrid host.  Held fds fit in 16 bits (CG_FD_MAX):
 * a file that would be opened past it is opened at each read instead.
 */
#define CG_FD_MAX INT16_MAX
struct cg {
	const char *mount;    /* the hierarchy's mount point */
	char *rel;            /* below it */
	uint64_t ino;         /* the directory's inode: on cgroup2, its cgroup id */
	int16_t fd[CF_COUNT]; /* held fd, FD_ONDEMAND, or -1: not in this hierarchy */
	uint16_t gen;         /* discovery pass that last saw it */
	uint8_t hidx;
	uint8_t v2;
	uint8_t nested;       /* it has cgroups of its own below (cg_recheck_nested) */
	uint8_t pids_leaf;    /* its pids.events counts only its own refused forks */
};

/* Opens the directory rel of hierarchy hidx and its files; rel is the caller's. */
struct cg *cg_open(const struct hierarchy *, int hidx, char *rel);
/* Closes its files; the rel string stays the caller's. */
void cg_close(struct cg *);

const char *cg_path(const struct cg *, char *buf, size_t len);
int cg_file_path(const struct cg *, const char *file, char *buf, size_t len);
const char *cg_filename(const struct cg *, enum cfile);
int cg_read(const struct cg *, enum cfile, char *buf, size_t len);
int cg_read_file(const struct cg *, const char *file, char *buf, size_t len);
int cg_read_u64(const struct cg *, enum cfile, uint64_t *);
int cg_read_key(const struct cg *, enum cfile, const char *key, uint64_t *);
int cg_write(const struct cg *, const char *file, const char *val);
/* Forks refused by pids.max in it and in the cgroups it made below. */
int cg_read_refused(const struct cg *, uint64_t *);
/*
 * Calls fn with each cgroup directory below it, depth first, 16 levels at
 * most: the directory open (dirfd) and its inode (on cgroup2 its id); fn
 * returns nonzero to stop, and cg_walk_below returns that.
 */
int cg_walk_below(const struct cg *, int (*fn)(int dirfd, uint64_t ino, void *), void *);
/* Whether a cgroup2 id is one of the cgroups made below it (a nested one only). */
int cg_holds_below(const struct cg *, uint64_t id);
/* Reads again whether cgroups were made below it (a kernel event said so). */
void cg_recheck_nested(struct cg *);
/* The tasks of the cgroup and of every cgroup below it (cgroup.procs of each),
 * NUL-terminated, in a buffer of this module's: its length or -errno. */
int cg_read_procs(const struct cg *, const char **procs);
/* The cgwarden.<key> note of the directory (user.*, or trusted.*: cgfile.c): set (val NULL:
 * remove), or read (length, or -1). */
void cg_note_set(const struct cg *, const char *key, const char *val);
int cg_note_get(const struct cg *, const char *key, char *buf, size_t len);

#endif
