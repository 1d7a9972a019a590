/* The configuration: parsed once, immutable afterwards, swapped on reload. */
#ifndef CGW_CONFIG_H
#define CGW_CONFIG_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LIMIT_MAX UINT64_MAX /* "max": unlimited */
/* Below the base URL of alert_webhook, where Alertmanager takes alerts. */
#define CONFIG_ALERT_ENDPOINT "/api/v2/alerts"

/* In this order: on_docker_socket takes those up to ACTION_ALERT. */
enum action { ACTION_FREEZE, ACTION_KILL, ACTION_ALERT, ACTION_NONE };
enum mode { MODE_ENFORCE, MODE_MONITOR };
/* The limits cgwarden holds to a ceiling. */
enum knob { KNOB_PIDS, KNOB_MEMORY, KNOB_CPU, KNOB_COUNT };

/* Keys of a rule section, as bits of rule.set. */
enum rule_key {
	RK_PIDS_MAX,
	RK_MEMORY_MAX,
	RK_CPUS,
	RK_SPIKE_RATE,
	RK_SPIKE_FORK_FAILURES,
	RK_ACTION,
	RK_KILL_AFTER,
	RK_ON_DOCKER_SOCKET,
	RK_COUNT
};

/* Where a value was set: config.files[file] at line; file -1: built in. */
struct config_origin {
	int file;
	int line;
};

/* Keys of [global]; config.c lists their names in this count. */
#define CONFIG_NGLOBAL 16

struct rule {
	char *name;      /* "defaults", or the section's image pattern */
	char *pattern;   /* NULL for [defaults] */
	unsigned set;    /* bit per rule_key given in this section */
	int line;        /* where the section starts */
	uint64_t pids_max;   /* LIMIT_MAX: unlimited */
	uint64_t memory_max; /* bytes; LIMIT_MAX: unlimited */
	uint64_t cpus_milli; /* thousandths of a core; LIMIT_MAX: unlimited */
	uint64_t spike_rate;
	uint64_t spike_fork_failures;
	enum action action;
	uint64_t kill_after_ms;
	enum action on_docker_socket; /* a container mounts the Docker socket:
	                               * alert, freeze or kill */
	struct config_origin from[RK_COUNT]; /* where each key was set; an image
	                                      * rule's unset keys: [defaults]' */
	/* Which Kubernetes containers an image rule is for, besides its image:
	 * blank-separated globs of the pod's namespace and name; NULL: any
	 * container, whether or not it is in a pod. */
	char *namespace, *pod;
	struct config_origin sel_from[2];
};

struct config {
	char *path;
	char **files; /* the main file, then its conf.d drop-ins read in order */
	size_t nfiles;
	struct config_origin gfrom[CONFIG_NGLOBAL]; /* where each [global] key was set */
	char *cgroup_root;
	char **patterns; /* container_cgroups */
	size_t npatterns;
	uint64_t interval_ms;
	char *docker_socket; /* "" when off */
	char *docker_data_root; /* Docker's data root, read when the API is away */
	char *podman_socket;    /* Podman's Docker-compatible API; "" when off */
	char *containerd_state; /* containerd's state dir (OCI bundles); "" when off */
	char *crio_storage;     /* CRI-O's run storage (config.json); "" when off */
	char *control_socket;
	char *metrics_listen; /* "" when off */
	char *alert_webhook;  /* "" when off; alerts go to it + CONFIG_ALERT_ENDPOINT */
	enum mode mode;
	uint64_t max_actions_per_minute;
	int ignore_unified; /* unified_tree = ignore: a hybrid host acts through v1 only */
	char *control_group;       /* may read (status, events...): "" root only */
	char *control_admin_group; /* may also thaw, kill, reload: "" root only */
	long long control_gid, control_admin_gid; /* -1: none */
	struct rule defaults;
	struct rule *images;
	size_t nimages;
};

struct config_errors {
	char **msg; /* "FILE:LINE: message" */
	size_t n;
};

/* Loads path, then every NAME.conf in dirname(path)/conf.d, names in byte order. */
struct config *config_load(const char *path, struct config_errors *errs);
void config_free(struct config *);
void config_errors_free(struct config_errors *);
void config_print(const struct config *, FILE *);
const struct rule *config_match(const struct config *, const char *image);
/* The rule of a container: image, and a Kubernetes pod's namespace and name (NULL: unknown). */
const struct rule *config_match_pod(const struct config *, const char *image,
    const char *namespace, const char *pod);
const char *config_action_name(enum action);
/* Decide and tell, write and signal nothing: mode = monitor, or --dry-run. */
int config_monitoring(const struct config *, int dry_run);

/* Value parsers, shared with the CLI and the tests: 0 or -1. */
int config_parse_size(const char *, uint64_t *);
int config_parse_duration(const char *, uint64_t *ms);
int config_parse_cpus(const char *, uint64_t *milli);
int config_parse_count(const char *, uint64_t *, int allow_max);
void config_fmt_size(uint64_t, char *, size_t);
void config_fmt_duration(uint64_t ms, char *, size_t);
void config_fmt_cpus(uint64_t milli, char *, size_t);
/* A limit as the config writes it: 100, 512M, 1.5, max. */
void config_fmt_limit(enum knob, uint64_t, char *, size_t);

#endif
