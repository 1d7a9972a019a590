/*
 * Security posture: pure checks from what Docker, the host and the
 * cgroup files say to findings, each with a stable check id, a severity,
 * the CIS Docker Benchmark v1.6.0 number where one exists, the evidence
 * and the fix.  No I/O here: posture.c gathers the facts.
 */
#ifndef CGW_AUDIT_H
#define CGW_AUDIT_H
#include <stddef.h>
#include <stdint.h>

struct json_object;

enum audit_sev { AUDIT_HIGH, AUDIT_MEDIUM, AUDIT_LOW, AUDIT_INFO, AUDIT_NSEV };

struct audit_finding {
	const char *check;    /* stable id: docker-socket-mounted, privileged... */
	enum audit_sev sev;
	const char *cis;      /* "5.32", or NULL */
	char *evidence;       /* which container, mount, flag, value */
	const char *fix;      /* one line */
};

struct audit_list {
	struct audit_finding *f;
	size_t n, cap;
};

/* The limits the container's cgroup holds it to (config units: pids,
 * bytes, thousandths of a core; UINT64_MAX unlimited). */
struct audit_limits {
	unsigned known;       /* bit per enum knob: the value was read */
	uint64_t v[3];        /* indexed by enum knob */
};

/*
 * Does this host path expose a Docker socket: 0 no, 1 it is one (maybe
 * through a symlink), 2 it is a directory holding one.  *sock is set to
 * the socket's path.
 */
typedef int (*audit_sock_fn)(const char *path, const char **sock, void *arg);

/* The host as posture.c found it. */
struct audit_host {
	const char *sock_path;          /* the Docker socket */
	int sock_ok;                    /* stat() worked */
	unsigned sock_mode, sock_uid, sock_gid;
	const char *sock_group;         /* name of sock_gid, or NULL */
	int dockerd_pid;                /* the process serving it, 0: not found */
	const char *const *argv;              /* its command line */
	size_t argc;
	const char *daemon_json_path;
	const char *daemon_json;        /* text, NULL when absent */
	const char *const *listen;            /* its TCP listeners: "127.0.0.1:2375" */
	size_t nlisten;
	struct json_object *info;       /* GET /info */
	struct json_object *version;    /* GET /version */
};

const char *audit_sev_name(enum audit_sev);
void audit_list_free(struct audit_list *);
void audit_list_clear(struct audit_list *);
/* The worst severity in the list, AUDIT_NSEV when empty. */
enum audit_sev audit_worst(const struct audit_list *);
int audit_has(const struct audit_list *, const char *check);

/* Checks one container from its inspect JSON: 0, or -1 if it is not one. */
int audit_container(struct json_object *inspect, const struct audit_limits *,
    audit_sock_fn, void *arg, struct audit_list *);
/*
 * Checks one container of containerd or CRI-O from its OCI runtime spec
 * (the bundle's config.json): 0, or -1 if it is not one.
 */
int audit_spec(struct json_object *spec, audit_sock_fn, void *arg, struct audit_list *);
/* Checks the host and the daemon. */
void audit_host(const struct audit_host *, struct audit_list *);
/* Where the dockerd with this command line reads daemon.json. */
const char *audit_daemon_json_path(const char *const *argv, size_t argc);

/* One finding as the JSON of `cgwardenctl audit --json`; id NULL for the host. */
struct json_object *audit_finding_json(const struct audit_finding *, const char *id,
    const char *name, const char *image);

#endif
