/* The containers found in the cgroup trees, and their open kernel files. */
#ifndef CGW_CONTAINER_H
#define CGW_CONTAINER_H
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "config.h"

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

struct knob_state {
	uint64_t value;     /* the limit as last read or written */
	uint64_t retry_at;  /* after a refused write: not before (ms) */
	uint8_t ok;         /* value above was checked against the ceiling */
	uint8_t warned;     /* the refusal was logged */
};

/* fd[] of a file that is opened when read, not held (rarely read, or
 * the fd limit was reached). */
#define FD_ONDEMAND (-2)

/* A container's directory in one hierarchy. */
struct cg {
	int hidx;
	int v2;
	const char *mount; /* the hierarchy's mount point */
	char *rel;         /* below it: the container's rel, or an own copy */
	int fd[CF_COUNT];  /* held fd, FD_ONDEMAND, or -1: not in this hierarchy */
	unsigned gen; /* discovery pass that last saw it */
};

/* What the spike detector needs, kept small: 16 of them per container. */
struct sample {
	uint32_t t_ms;          /* monotonic, wraps after 49 days: compare by difference */
	uint32_t pids;
	uint32_t fork_failures;
};

#define RING 16
#define ID_LEN 64

struct container {
	char id[ID_LEN + 1];
	char *name;  /* NULL until known */
	char *image; /* NULL until known */
	char *rel;   /* cgroup path below the mounts, shared by its cgs */
	enum {
		META_NONE,      /* nobody asked Docker yet */
		META_PENDING,   /* an inspect is in flight */
		META_DISK,      /* from Docker's on-disk config: ask again when it is up */
		META_API,       /* from the Engine API */
		META_UNKNOWN,   /* Docker does not know it */
	} meta;
	const struct rule *rule;
	struct cg *cg[MAX_HIER];
	/* For each file, the hierarchy it is sampled from, or NULL. */
	struct cg *src[CF_COUNT];
	/* One state per limit: a controller is in one hierarchy only. */
	struct knob_state ks[KNOB_COUNT];
	uint64_t mem;      /* latest memory usage, bytes */
	uint64_t cpu_ns;   /* latest CPU usage, ns */
	int via_systemd;   /* a ceiling went in through systemd's D-Bus API */
	int dbus_refused;  /* systemd refused one: cgroupfs from now on */
	struct sample ring[RING];
	unsigned nsamples;
	/* The guard's view: rebuilt from the freezer files and the
	 * trusted.cgwarden.action xattr after a restart. */
	enum cstate { CS_RUNNING, CS_FROZEN, CS_KILLED } state;
	uint8_t frozen_by_us;   /* cgwarden froze it (kill_after applies) */
	uint8_t docker_paused;  /* Docker's own pause holds it */
	uint8_t confirm;        /* a freeze waits for the kernel's word */
	uint8_t handoff;        /* how Docker's pause is to take the freeze over */
	uint8_t handing;        /* released for Docker's pause, its answer awaited */
	uint8_t hot;            /* in the fast-sampling set */
	uint8_t seeded;         /* the guard has looked at its pids directory's age */
	uint64_t born_ms;       /* found (monotonic) */
	uint64_t hot_until_ms;  /* sampled fast until (monotonic) */
	uint64_t quiet_until_ms; /* no new spike report before (monotonic) */
	uint64_t acted_ms;      /* when the last freeze or kill was decided (monotonic) */
	uint64_t frozen_at;     /* when cgwarden froze it (wall clock ms) */
	uint64_t spikes;        /* spikes seen */
	/* The container's own limits as Docker was asked for them (its
	 * inspect's HostConfig), in the units of policy_ceiling; LIMIT_MAX
	 * for none or not known yet. */
	uint64_t docker_limit[KNOB_COUNT];
};

struct ctable {
	struct container **c;
	size_t n, cap;
};

int container_id_from_name(const char *name, char id[ID_LEN + 1]);
struct container *container_find(struct ctable *, const char *id);
struct container *container_get(struct ctable *, const char *id);
int container_attach(struct container *, const struct hierarchy *, int hidx,
    const char *path);
void container_detach(struct container *, int hidx);
int container_present(const struct container *);
void container_remove(struct ctable *, struct container *);
void container_table_free(struct ctable *);
const struct sample *container_last(const struct container *);
const char *container_path(const struct container *, char *buf, size_t len);
const char *container_cg_path(const struct cg *, char *buf, size_t len);
const char *cg_filename(const struct cg *, enum cfile);
int cg_read(const struct cg *, enum cfile, char *buf, size_t len);
int cg_read_file(const struct cg *, const char *file, char *buf, size_t len);
int cg_read_u64(const struct cg *, enum cfile, uint64_t *);
int cg_read_key(const struct cg *, enum cfile, const char *key, uint64_t *);
int cg_write(const struct cg *, const char *file, const char *val);
int cg_file_path(const struct cg *, const char *file, char *buf, size_t len);

#endif
