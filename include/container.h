/*
 * The container table.  Each field has one owner: discovery (container.c,
 * discover.c) the identity and the hierarchy handles, the runtime client
 * (docker.c) who it is, the flow its rule, the sampler (sample.c) the
 * samples and the rate; the guard and enforce keep their own state behind
 * an opaque pointer that only they read.
 */
#ifndef CGW_CONTAINER_H
#define CGW_CONTAINER_H
#include <stddef.h>
#include <stdint.h>

#include "cgfile.h"
#include "cgroup.h"
#include "config.h"
#include "freezer.h"

/* What the spike detector needs, kept small: 16 of them per container. */
struct sample {
	uint32_t t_ms;          /* monotonic, wraps after 49 days: compare by difference */
	uint32_t pids;
	uint32_t fork_failures;
};

#define RING 16
#define ID_LEN 64
#define SAMPLE_NONE UINT32_MAX /* in a ring sample: not read, or could not be */
#define USAGE_NONE UINT64_MAX  /* in a usage read: could not be read */
#define SPIKE_WINDOW_MS 1000
/* The sample ring keeps slots at least this far apart, so that its 16
 * slots span the whole spike window however fast a container is sampled. */
#define RING_SPACING_MS (SPIKE_WINDOW_MS / (RING - 4))

struct guard_state;
struct enforce_state;

/* Who runs a container: told by its cgroup's path (container_parse_path). */
enum runtime { RT_DOCKER, RT_PODMAN, RT_CONTAINERD, RT_CRIO, RT_COUNT };

enum meta {
	META_NONE,      /* nobody asked Docker yet */
	META_PENDING,   /* an inspect is in flight */
	META_DISK,      /* from Docker's on-disk config: ask again when it is up */
	META_API,       /* from the Engine API */
	META_UNKNOWN,   /* Docker does not know it */
	META_BUNDLE,    /* from its OCI bundle's annotations (containerd, CRI-O) */
};

/* What a container's cgroup path says of it (pure: container_parse_path). */
struct cpath {
	char id[ID_LEN + 1];
	enum runtime runtime;
	char pod_uid[40]; /* Kubernetes: the pod<uid> of a parent, "" when none */
};

struct container {
	/* discovery's */
	char id[ID_LEN + 1];
	/* For each file, 1 + the index in cg of the hierarchy it is sampled
	 * from, or 0: read it through container_src(). */
	uint8_t src[CF_COUNT];
	/* the sampler's (here, beside the id, to fill its padding) */
	uint8_t fast;           /* in the fast set */
	uint8_t fast_why;       /* why (enum source) */
	/* the runtime client's */
	uint8_t sandbox; /* a pod's sandbox (pause) container: never acted on */
	/* the sampler's */
	unsigned nsamples;
	/* the runtime client's */
	enum meta meta;
	/* discovery's */
	enum runtime runtime;
	char *rel;   /* cgroup path below the mounts, shared by its cgs */
	struct cg *cg[MAX_HIER];
	char *pod_uid; /* Kubernetes pod uid from the path, NULL when none */
	/* the runtime client's */
	char *name;  /* NULL until known */
	char *image; /* NULL until known */
	char *namespace; /* Kubernetes namespace, NULL when not known */
	char *pod;       /* Kubernetes pod name, NULL when not known */
	/* The container's own limits as Docker was asked for them (its
	 * inspect's HostConfig), in the units of policy_ceiling; valid
	 * when meta is META_API. */
	uint64_t docker_limit[KNOB_COUNT];
	/* the flow's: the rule its image matches */
	const struct rule *rule;
	/* the sampler's */
	struct sample ring[RING];
	uint64_t fast_until_ms; /* sampled fast until (monotonic) */
	/* theirs alone */
	struct guard_state *guard;
	struct enforce_state *enforce;
};

struct ctable {
	struct container **c;
	size_t n, cap;
};

int container_id_from_name(const char *name, char id[ID_LEN + 1]);
/*
 * Reads a container cgroup's path (relative or not): 0 with its id, its
 * runtime and its pod uid; -1 when it is no container (no 64-hex id, or a
 * conmon scope of Podman or CRI-O).
 */
int container_parse_path(const char *path, struct cpath *);
const char *container_runtime_name(enum runtime);
/* Kubernetes' runtimes (containerd, CRI-O): a pod's container. */
int container_kubernetes(const struct container *);
struct container *container_find(struct ctable *, const char *id);
struct container *container_get(struct ctable *, const char *id);
int container_attach(struct container *, const struct hierarchy *, int hidx,
    const char *path);
void container_detach(struct container *, int hidx);
int container_present(const struct container *);
void container_remove(struct ctable *, struct container *);
void container_table_free(struct ctable *);
const struct sample *container_last(const struct container *);

/* The hierarchy file f of c is read in, or NULL. */
static inline struct cg *
container_src(const struct container *c, enum cfile f)
{
	return c->src[f] == 0 ? NULL : c->cg[c->src[f] - 1];
}
const char *container_path(const struct container *, char *buf, size_t len);
/* "name (0123456789ab)", or the short id when the name is not known;
 * " in pod NAMESPACE/POD" after it for a pod's container. */
const char *container_label(const struct container *, char *buf, size_t len);
/* The limit in force now (LIMIT_MAX: unlimited); -1 when no hierarchy has it. */
int container_limit(const struct container *, enum knob, uint64_t *);
/* The directories its freezes and kills work on. */
void container_dirs(const struct container *, struct cgdirs *);
/* The cgwarden.<key> note on every directory of it (val NULL: removed), or from the first that has it. */
void container_note(const struct container *, const char *key, const char *val);
int container_read_note(const struct container *, const char *key, char *buf, size_t len);

#endif
