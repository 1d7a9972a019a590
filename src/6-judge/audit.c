/*
 * Security posture checks, pure: inspect JSON, effective cgroup limits,
 * the socket's stat, the daemon's command line, daemon.json and /info in;
 * findings out.  The CIS numbers are those of the CIS Docker Benchmark
 * v1.6.0.  What can be checked from the cgroup (the limits as enforced)
 * wins over what Docker was asked for; both go in the evidence.
 */
#include <ctype.h>
#include <inttypes.h>
#include <json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "config.h"
#include "jtext.h"
#include "log.h"
#include "xmalloc.h"

static const char *const sev_names[AUDIT_NSEV] = { "high", "medium", "low", "info" };

/* The capabilities Docker 20.10 gives every container (moby's DefaultCapabilities). */
static const char *const default_caps[] = {
	"CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID",
	"SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",
	"AUDIT_WRITE",
};

/* Added capabilities that are a known way out of the container on their own. */
static const char *const escape_caps[] = {
	"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH", "SYS_PTRACE",
	"BPF",
};

/* Host directories whose bind mount hands the host over (CIS 5.6). */
static const char *const sensitive_dirs[] = {
	"/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr", "/var/lib/docker",
	"/root", "/run", "/var/run",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *
audit_sev_name(enum audit_sev s)
{
	return s < AUDIT_NSEV ? sev_names[s] : "?";
}

void
audit_list_clear(struct audit_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->f[i].evidence);
	l->n = 0;
}

void
audit_list_free(struct audit_list *l)
{
	if (l == NULL)
		return;
	audit_list_clear(l);
	free(l->f);
	l->f = NULL;
	l->cap = 0;
}

enum audit_sev
audit_worst(const struct audit_list *l)
{
	enum audit_sev w = AUDIT_NSEV;

	for (size_t i = 0; l && i < l->n; i++)
		if (l->f[i].sev < w)
			w = l->f[i].sev;
	return w;
}

int
audit_has(const struct audit_list *l, const char *check)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->f[i].check, check) == 0)
			return 1;
	return 0;
}

static void add(struct audit_list *, const char *, enum audit_sev, const char *,
    const char *, const char *, ...) __attribute__((format(printf, 6, 7)));

/* Appends a finding; the evidence is formatted. */
static void
add(struct audit_list *l, const char *check, enum audit_sev sev, const char *cis,
    const char *fix, const char *fmt, ...)
{
	struct audit_finding *f;
	va_list ap;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->f = xreallocarray(l->f, l->cap, sizeof(*l->f));
	}
	f = &l->f[l->n++];
	f->check = check;
	f->sev = sev;
	f->cis = cis;
	f->fix = fix;
	va_start(ap, fmt);
	if (vasprintf(&f->evidence, fmt, ap) < 0)
		fatalx("out of memory");
	va_end(ap);
}

/* Type-checked JSON accessors: a wrong type is an absent key. */
static struct json_object *
jget(struct json_object *o, const char *key, enum json_type t)
{
	struct json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

static const char *
jstr(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

static int64_t
jint(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key, json_type_int);

	return v ? json_object_get_int64(v) : 0;
}

static int
jbool(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key, json_type_boolean);

	return v ? json_object_get_boolean(v) : 0;
}

/* The i-th string of an array, or NULL. */
static const char *
jarr_str(struct json_object *a, size_t i)
{
	struct json_object *v = json_object_array_get_idx(a, i);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static size_t
jarr_len(struct json_object *a)
{
	return a ? json_object_array_length(a) : 0;
}

/* A capability name as Docker accepts it ("cap_sys_admin", "SYS_ADMIN"), normalized. */
static void
cap_norm(const char *in, char *out, size_t len)
{
	size_t i = 0;

	if (strncasecmp(in, "CAP_", 4) == 0)
		in += 4;
	for (; *in && i + 1 < len; in++)
		out[i++] = (char)toupper((unsigned char)*in);
	out[i] = '\0';
}

static int
in_set(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return 1;
	return 0;
}

/* Does the string array hold an entry equal to s (case-insensitive)? */
static int
arr_has(struct json_object *a, const char *s)
{
	for (size_t i = 0; i < jarr_len(a); i++) {
		const char *v = jarr_str(a, i);

		if (v && strcasecmp(v, s) == 0)
			return 1;
	}
	return 0;
}

/* A security option "key=value" or the old "key:value". */
static int
secopt_is(const char *opt, const char *key, const char *val)
{
	size_t k = strlen(key);

	return strncmp(opt, key, k) == 0 && (opt[k] == '=' || opt[k] == ':') &&
	    strcmp(opt + k + 1, val) == 0;
}

static int
secopt_has(struct json_object *opts, const char *key, const char *val)
{
	for (size_t i = 0; i < jarr_len(opts); i++) {
		const char *o = jarr_str(opts, i);

		if (o && secopt_is(o, key, val))
			return 1;
	}
	return 0;
}

struct limit_check {
	const char *check, *cis, *fix;
	const char *flag;      /* the docker run flag */
	const char *file;      /* the cgroup file, for the evidence */
	enum audit_sev neither, ceiling_only;
};

static const struct limit_check limit_checks[KNOB_COUNT] = {
	[KNOB_PIDS] = { "no-pids-limit", "5.29",
		"docker run --pids-limit N (or pids_max in cgwarden's rule for the image)",
		"--pids-limit", "pids.max", AUDIT_MEDIUM, AUDIT_LOW },
	[KNOB_MEMORY] = { "no-memory-limit", "5.11",
		"docker run --memory SIZE (or memory_max in cgwarden's rule for the image)",
		"--memory", "memory limit", AUDIT_MEDIUM, AUDIT_LOW },
	[KNOB_CPU] = { "no-cpu-limit", "5.12",
		"docker run --cpus N (or cpus in cgwarden's rule for the image)",
		"--cpus", "CPU quota", AUDIT_LOW, AUDIT_INFO },
};

/*
 * One limit: what Docker was asked for (asked, 0 none) next to what the
 * cgroup holds.  Neither limiting it is worse than cgwarden's ceiling alone.
 */
static void
check_limit(struct audit_list *l, enum knob k, uint64_t asked, const struct audit_limits *eff)
{
	const struct limit_check *c = &limit_checks[k];
	int known = eff && (eff->known & (1u << k));
	uint64_t v = known ? eff->v[k] : LIMIT_MAX;
	char a[32], e[32];

	if (asked)
		config_fmt_limit(k, asked, a, sizeof(a));
	config_fmt_limit(k, v, e, sizeof(e));
	if (asked && (!known || v != LIMIT_MAX))
		return;
	if (asked)
		add(l, c->check, c->neither, c->cis, c->fix,
		    "Docker was asked for %s %s but the cgroup's %s is max", c->flag, a, c->file);
	else if (known && v != LIMIT_MAX)
		add(l, c->check, c->ceiling_only, c->cis, c->fix,
		    "no %s from Docker; only the cgroup's %s = %s (cgwarden's ceiling) holds it",
		    c->flag, c->file, e);
	else if (known)
		add(l, c->check, c->neither, c->cis, c->fix,
		    "no %s from Docker and the cgroup's %s is max: nothing limits it",
		    c->flag, c->file);
	else
		add(l, c->check, c->neither, c->cis, c->fix,
		    "no %s from Docker (the cgroup's %s was not read)", c->flag, c->file);
}

/* The CPU limit Docker was asked for, in thousandths of a core, or 0. */
static uint64_t
asked_cpus(struct json_object *hc)
{
	int64_t nano = jint(hc, "NanoCpus"), quota = jint(hc, "CpuQuota");
	int64_t period = jint(hc, "CpuPeriod");

	if (nano > 0)
		return (uint64_t)nano / 1000000;
	if (quota > 0)
		return (uint64_t)quota * 1000 / (uint64_t)(period > 0 ? period : 100000);
	return 0;
}

static int
is_root_user(const char *u)
{
	size_t n;

	if (u == NULL || *u == '\0')
		return 1;
	n = strcspn(u, ":");
	return (n == 1 && u[0] == '0') || (n == 4 && strncmp(u, "root", 4) == 0);
}

/*
 * One bind mount of host path src at dst: a socket that exposes says is
 * the runtime's (what: "the Docker socket"), a directory that holds it,
 * or a host system directory.  ro says it is read-only; docker, that the
 * CIS Docker Benchmark's numbers apply.
 */
static void
check_bind(struct audit_list *l, const char *src, const char *dst, int ro, const char *what,
    int docker, audit_sock_fn exposes, void *arg)
{
	const char *sock = NULL, *rotext = ro ? " (read-only, which does not stop connect())" : "";
	char norm[4096];
	size_t len;
	int r = exposes ? exposes(src, &sock, arg) : 0;

	if (r == 1)
		add(l, "docker-socket-mounted", AUDIT_HIGH, docker ? "5.32" : NULL,
		    "remove the mount; a container that must talk to Docker gets a "
		    "filtering proxy, never the socket",
		    "bind mount %s -> %s %s %s%s%s: root on the host%s",
		    src, dst, strcmp(src, sock) ? "resolves to" : "is", what,
		    strcmp(src, sock) ? " " : "", strcmp(src, sock) ? sock : "", rotext);
	else if (r == 2)
		add(l, "docker-socket-mounted", AUDIT_HIGH, docker ? "5.32" : NULL,
		    "mount only the files the container needs, never a directory "
		    "holding the Docker socket",
		    "bind mount %s -> %s holds %s %s: root on the host",
		    src, dst, what, sock);
	if (r != 0)
		return;
	snprintf(norm, sizeof(norm), "%s", src);
	len = strlen(norm);
	while (len > 1 && norm[len - 1] == '/')
		norm[--len] = '\0';
	if (in_set(norm, sensitive_dirs, NELEM(sensitive_dirs)))
		add(l, "host-path-mounted", AUDIT_MEDIUM, docker ? "5.6" : NULL,
		    "mount a narrower path, read-only if it only reads",
		    "bind mount of the host's %s -> %s%s", norm, dst, ro ? " (read-only)" : "");
}

/* Bind mounts of the inspect (Mounts, else HostConfig.Binds). */
static void
check_mounts(struct audit_list *l, struct json_object *o, audit_sock_fn exposes, void *arg)
{
	struct json_object *mounts = jget(o, "Mounts", json_type_array);
	struct json_object *binds = jget(jget(o, "HostConfig", json_type_object), "Binds",
	    json_type_array);
	size_t n = mounts ? jarr_len(mounts) : jarr_len(binds);

	for (size_t i = 0; i < n; i++) {
		char src[4096], dst[4096];
		int ro = 0;

		if (mounts) {
			struct json_object *m = json_object_array_get_idx(mounts, i);
			const char *s = jstr(m, "Source"), *d = jstr(m, "Destination");
			const char *type = jstr(m, "Type");

			if (s == NULL || d == NULL || type == NULL || strcmp(type, "bind") != 0)
				continue;
			snprintf(src, sizeof(src), "%s", s);
			snprintf(dst, sizeof(dst), "%s", d);
			ro = jget(m, "RW", json_type_boolean) && !jbool(m, "RW");
		} else {
			const char *b = jarr_str(binds, i), *colon;

			if (b == NULL || *b != '/' || (colon = strchr(b, ':')) == NULL)
				continue;
			snprintf(src, sizeof(src), "%.*s", (int)(colon - b), b);
			snprintf(dst, sizeof(dst), "%.*s", (int)strcspn(colon + 1, ":"), colon + 1);
		}
		check_bind(l, src, dst, ro, "the Docker socket", 1, exposes, arg);
	}
}

/*
 * The capabilities of the array beyond the runtimes' default 14, as a
 * list ("SYS_PTRACE, NET_ADMIN"), and how bad: high with one that is a
 * way out on its own, medium with others, AUDIT_NSEV with none.
 */
static enum audit_sev
extra_caps(struct json_object *caps, char *list, size_t size)
{
	enum audit_sev sev = AUDIT_NSEV;
	size_t len = 0;
	char cap[64];

	list[0] = '\0';
	for (size_t i = 0; i < jarr_len(caps); i++) {
		const char *c = jarr_str(caps, i);
		int n;

		if (c == NULL)
			continue;
		cap_norm(c, cap, sizeof(cap));
		if (in_set(cap, default_caps, NELEM(default_caps)))
			continue;
		if (in_set(cap, escape_caps, NELEM(escape_caps)))
			sev = AUDIT_HIGH;
		else if (sev == AUDIT_NSEV)
			sev = AUDIT_MEDIUM;
		n = snprintf(list + len, size - len, "%s%s", len ? ", " : "", cap);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	return sev;
}

/* Capabilities: added ones, and defaults kept. */
static void
check_caps(struct audit_list *l, struct json_object *hc)
{
	struct json_object *drop = jget(hc, "CapDrop", json_type_array);
	char list[1024];
	/* Giving back a default after --cap-drop ALL adds nothing. */
	enum audit_sev sev = extra_caps(jget(hc, "CapAdd", json_type_array), list, sizeof(list));
	int drop_all = arr_has(drop, "ALL") || arr_has(drop, "CAP_ALL");

	if (sev != AUDIT_NSEV)
		add(l, "capability-added", sev, "5.4",
		    "drop the added capabilities; if one is needed, add only it after --cap-drop ALL",
		    "--cap-add %s", list);
	if (!drop_all)
		add(l, "capabilities-default", AUDIT_LOW, "5.4",
		    "docker run --cap-drop ALL, then --cap-add only what it needs",
		    "keeps Docker's default capabilities (no --cap-drop ALL)");
}

static void
check_namespaces(struct audit_list *l, struct json_object *hc)
{
	static const struct {
		const char *key, *flag, *cis, *why;
		enum audit_sev sev;
	} ns[] = {
		{ "PidMode", "--pid host", "5.16", "sees and signals every host process", AUDIT_MEDIUM },
		{ "NetworkMode", "--network host", "5.10",
		  "binds host ports and reaches host-only services", AUDIT_MEDIUM },
		{ "IpcMode", "--ipc host", "5.17", "shares the host's shared memory", AUDIT_MEDIUM },
		{ "UTSMode", "--uts host", "5.21", "can change the host's hostname", AUDIT_LOW },
		{ "UsernsMode", "--userns host", "5.31",
		  "opts out of user namespace remapping", AUDIT_LOW },
	};

	for (size_t i = 0; i < NELEM(ns); i++) {
		const char *v = jstr(hc, ns[i].key);

		if (v && strcmp(v, "host") == 0)
			add(l, "host-namespace", ns[i].sev, ns[i].cis,
			    "run it in its own namespace: drop the host namespace flag",
			    "%s (HostConfig.%s=host): %s", ns[i].flag, ns[i].key, ns[i].why);
	}
}

/* Seccomp, AppArmor and no-new-privileges from SecurityOpt. */
static void
check_confinement(struct audit_list *l, struct json_object *o, struct json_object *hc)
{
	struct json_object *opts = jget(hc, "SecurityOpt", json_type_array);
	const char *aa = jstr(o, "AppArmorProfile");

	if (secopt_has(opts, "seccomp", "unconfined"))
		add(l, "seccomp-unconfined", AUDIT_MEDIUM, "5.22",
		    "drop --security-opt seccomp=unconfined; give a custom profile if one "
		    "syscall is missing",
		    "--security-opt seccomp=unconfined: every syscall is open to it");
	if (secopt_has(opts, "apparmor", "unconfined") || (aa && strcmp(aa, "unconfined") == 0))
		add(l, "apparmor-unconfined", AUDIT_MEDIUM, "5.2",
		    "drop --security-opt apparmor=unconfined (docker-default applies then)",
		    "--security-opt apparmor=unconfined: no AppArmor profile confines it");
	if (!secopt_has(opts, "no-new-privileges", "true") &&
	    !arr_has(opts, "no-new-privileges"))
		add(l, "no-new-privileges", AUDIT_LOW, "5.26",
		    "docker run --security-opt no-new-privileges",
		    "setuid binaries can still raise its privileges (no no-new-privileges)");
}

/*
 * Checks one container.  eff holds the cgroup's limits as read (the
 * ceiling cgwarden may have set); exposes says whether a host path is
 * the Docker socket.
 */
int
audit_container(struct json_object *o, const struct audit_limits *eff,
    audit_sock_fn exposes, void *arg, struct audit_list *l)
{
	struct json_object *hc, *cfg;
	const char *user;
	int64_t pids, mem;
	int priv;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return -1;
	hc = jget(o, "HostConfig", json_type_object);
	cfg = jget(o, "Config", json_type_object);
	priv = jbool(hc, "Privileged");
	if (priv)
		add(l, "privileged", AUDIT_HIGH, "5.5",
		    "run without --privileged; add only the capabilities and devices it needs",
		    "--privileged (HostConfig.Privileged): every capability, every host "
		    "device, no seccomp or AppArmor");
	check_mounts(l, o, exposes, arg);
	/* --privileged has every capability and no confinement: said once above. */
	if (!priv) {
		check_caps(l, hc);
		check_confinement(l, o, hc);
	}
	check_namespaces(l, hc);
	if (jarr_len(jget(hc, "Devices", json_type_array)) > 0)
		add(l, "host-devices", AUDIT_MEDIUM, "5.18",
		    "drop --device unless the container needs that device",
		    "%zu host device(s) passed in with --device",
		    jarr_len(jget(hc, "Devices", json_type_array)));
	pids = jint(hc, "PidsLimit");
	mem = jint(hc, "Memory");
	check_limit(l, KNOB_PIDS, pids > 0 ? (uint64_t)pids : 0, eff);
	check_limit(l, KNOB_MEMORY, mem > 0 ? (uint64_t)mem : 0, eff);
	check_limit(l, KNOB_CPU, asked_cpus(hc), eff);
	user = jstr(cfg, "User");
	if (jstr(o, "cgwarden.partial") != NULL)
		add(l, "inspect-too-large", AUDIT_HIGH, NULL,
		    "find out why Docker describes it at such length (docker inspect): "
		    "labels cannot hide a container from the audit",
		    "%s", jstr(o, "cgwarden.partial"));
	if (cfg != NULL && is_root_user(user))
		add(l, "runs-as-root", AUDIT_MEDIUM, "4.1",
		    "docker run --user UID (or USER in the image)",
		    "Config.User is %s%s%s: its processes run as uid 0",
		    user && *user ? "'" : "empty", user && *user ? user : "",
		    user && *user ? "'" : "");
	if (!jbool(hc, "ReadonlyRootfs"))
		add(l, "rootfs-writable", AUDIT_LOW, "5.13",
		    "docker run --read-only, with --tmpfs for the paths it writes",
		    "its root filesystem is writable (no --read-only)");
	return 0;
}

/* ---- an OCI runtime spec (containerd's and CRI-O's containers) ---- */

/* Does the spec's device cgroup allow every device ("a" or no type, rwm)? */
static int
all_devices(struct json_object *res)
{
	struct json_object *devs = jget(res, "devices", json_type_array);

	for (size_t i = 0; i < jarr_len(devs); i++) {
		struct json_object *d = json_object_array_get_idx(devs, i);
		const char *type = jstr(d, "type"), *access = jstr(d, "access");

		if (jbool(d, "allow") && (type == NULL || strcmp(type, "a") == 0) &&
		    jget(d, "major", json_type_int) == NULL && jget(d, "minor", json_type_int) == NULL &&
		    (access == NULL || strcmp(access, "rwm") == 0))
			return 1;
	}
	return 0;
}

/* The spec's mounts: a bind (type "bind", or "bind"/"rbind" among its options). */
static void
spec_mounts(struct audit_list *l, struct json_object *spec, audit_sock_fn exposes, void *arg)
{
	struct json_object *mounts = jget(spec, "mounts", json_type_array);

	for (size_t i = 0; i < jarr_len(mounts); i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		struct json_object *opts = jget(m, "options", json_type_array);
		const char *src = jstr(m, "source"), *dst = jstr(m, "destination");
		const char *type = jstr(m, "type");

		if (src == NULL || dst == NULL || *src != '/')
			continue;
		if ((type == NULL || strcmp(type, "bind") != 0) && !arr_has(opts, "bind") &&
		    !arr_has(opts, "rbind"))
			continue;
		check_bind(l, src, dst, arr_has(opts, "ro"), "a container runtime's socket", 0,
		    exposes, arg);
	}
}

/* Capabilities of the bounding set beyond the runtimes' defaults. */
static void
spec_caps(struct audit_list *l, struct json_object *bounding)
{
	char list[1024];
	enum audit_sev sev = extra_caps(bounding, list, sizeof(list));

	if (sev != AUDIT_NSEV)
		add(l, "capability-added", sev, NULL,
		    "drop them from securityContext.capabilities.add; add back only what it needs "
		    "after drop: [ALL]",
		    "process.capabilities.bounding holds %s", list);
}

/* Namespaces the spec does not give it: it shares the host's (the runtime's). */
static void
spec_namespaces(struct audit_list *l, struct json_object *linux_)
{
	static const struct {
		const char *type, *field, *why;
		enum audit_sev sev;
	} ns[] = {
		{ "pid", "hostPID", "sees and signals every host process", AUDIT_MEDIUM },
		{ "network", "hostNetwork", "binds host ports and reaches host-only services",
		  AUDIT_MEDIUM },
		{ "ipc", "hostIPC", "shares the host's shared memory", AUDIT_MEDIUM },
		{ "uts", "its host's UTS namespace", "can change the host's hostname", AUDIT_LOW },
	};
	struct json_object *list = jget(linux_, "namespaces", json_type_array);

	if (list == NULL)
		return; /* no linux.namespaces at all: not a spec to judge by */
	for (size_t i = 0; i < NELEM(ns); i++) {
		int has = 0;

		for (size_t j = 0; j < jarr_len(list) && !has; j++) {
			const char *t = jstr(json_object_array_get_idx(list, j), "type");

			has = t != NULL && strcmp(t, ns[i].type) == 0;
		}
		if (!has)
			add(l, "host-namespace", ns[i].sev, NULL,
			    "give it its own namespace: drop hostPID, hostNetwork or hostIPC from "
			    "the pod spec",
			    "no %s namespace in linux.namespaces (%s): %s", ns[i].type, ns[i].field,
			    ns[i].why);
	}
}

/*
 * Checks one container of containerd or CRI-O from its OCI runtime spec,
 * the bundle's config.json, which the runtime wrote from the pod: the
 * same check ids as Docker's where the risk is the same, the spec's
 * fields as the evidence, the fix in the pod's securityContext, no CIS
 * Docker Benchmark number.
 * Limits are left out: they are the pod's resources, and the cgroup
 * holds cgwarden's ceiling whatever they say.  0, or -1 if it is not a
 * spec.
 */
int
audit_spec(struct json_object *spec, audit_sock_fn exposes, void *arg, struct audit_list *l)
{
	struct json_object *proc, *linux_, *bounding, *root;
	int priv;

	if (spec == NULL || !json_object_is_type(spec, json_type_object) ||
	    (proc = jget(spec, "process", json_type_object)) == NULL)
		return -1;
	linux_ = jget(spec, "linux", json_type_object);
	bounding = jget(jget(proc, "capabilities", json_type_object), "bounding",
	    json_type_array);
	priv = all_devices(jget(linux_, "resources", json_type_object)) &&
	    arr_has(bounding, "CAP_SYS_ADMIN");
	if (priv)
		add(l, "privileged", AUDIT_HIGH, NULL,
		    "securityContext.privileged: false; add only the capabilities and devices "
		    "it needs",
		    "every host device allowed (linux.resources.devices) and CAP_SYS_ADMIN in "
		    "its bounding set: privileged");
	spec_mounts(l, spec, exposes, arg);
	if (!priv) {
		spec_caps(l, bounding);
		if (jget(linux_, "seccomp", json_type_object) == NULL)
			add(l, "seccomp-unconfined", AUDIT_MEDIUM, NULL,
			    "securityContext.seccompProfile.type: RuntimeDefault (or the kubelet's "
			    "--seccomp-default)",
			    "no linux.seccomp: every syscall is open to it");
	}
	if (!jbool(proc, "noNewPrivileges"))
		add(l, "no-new-privileges", AUDIT_LOW, NULL,
		    "securityContext.allowPrivilegeEscalation: false",
		    "setuid binaries can still raise its privileges (process.noNewPrivileges "
		    "is not set)");
	spec_namespaces(l, linux_);
	if (jarr_len(jget(linux_, "devices", json_type_array)) > 0)
		add(l, "host-devices", AUDIT_MEDIUM, NULL,
		    "pass in no host device unless the container needs that device",
		    "%zu host device(s) in linux.devices",
		    jarr_len(jget(linux_, "devices", json_type_array)));
	if (jint(jget(proc, "user", json_type_object), "uid") == 0)
		add(l, "runs-as-root", AUDIT_MEDIUM, NULL,
		    "securityContext.runAsNonRoot: true with a runAsUser",
		    "process.user.uid is 0: its processes run as root");
	root = jget(spec, "root", json_type_object);
	if (!jbool(root, "readonly"))
		add(l, "rootfs-writable", AUDIT_LOW, NULL,
		    "securityContext.readOnlyRootFilesystem: true, with emptyDir volumes for the "
		    "paths it writes",
		    "its root filesystem is writable (root.readonly is not set)");
	return 0;
}

/* ---- host ---- */

/* The value of a dockerd option in argv: "--opt V", "--opt=V"; "" for a bare flag. */
static const char *
arg_value(const char *a, const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(a, opt, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return n == 2 ? a + 2 : NULL; /* -Hunix://... */
	return "";
}

/* A flag given as --flag, --flag=true or --flag=false: 1, 0, or -1 absent. */
static int
arg_flag(const char *const *argv, size_t argc, const char *opt)
{
	int r = -1;

	for (size_t i = 1; i < argc; i++) {
		const char *v = arg_value(argv[i], opt);

		if (v == NULL)
			continue;
		r = *v == '\0' || strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
	}
	return r;
}

/* The argument of an option that takes one; the last one given. */
static const char *
arg_opt(const char *const *argv, size_t argc, const char *opt)
{
	const char *r = NULL;

	for (size_t i = 1; i < argc; i++) {
		const char *v = arg_value(argv[i], opt);

		if (v != NULL && *v == '\0' && i + 1 < argc)
			r = argv[++i];
		else if (v != NULL && *v)
			r = v;
	}
	return r;
}

/* Where this dockerd reads daemon.json: --config-file, else the default. */
const char *
audit_daemon_json_path(const char *const *argv, size_t argc)
{
	const char *p = arg_opt(argv, argc, "--config-file");

	return p && *p ? p : "/etc/docker/daemon.json";
}

/* Appends to buf the tcp:// hosts given with -H/--host. */
static void
argv_hosts(const char *const *argv, size_t argc, char *buf, size_t len, int *fd)
{
	for (size_t i = 1; i < argc; i++) {
		const char *v = arg_value(argv[i], "-H");

		if (v == NULL)
			v = arg_value(argv[i], "--host");
		if (v != NULL && *v == '\0' && i + 1 < argc)
			v = argv[++i];
		if (v == NULL)
			continue;
		if (strncmp(v, "fd://", 5) == 0)
			*fd = 1;
		if (strncmp(v, "tcp://", 6) == 0 || strncmp(v, "http://", 7) == 0)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s (command line)",
			    *buf ? ", " : "", v);
	}
}

static void
json_hosts(struct json_object *dj, char *buf, size_t len, int *fd)
{
	struct json_object *hosts = jget(dj, "hosts", json_type_array);

	for (size_t i = 0; i < jarr_len(hosts); i++) {
		const char *v = jarr_str(hosts, i);

		if (v && strncmp(v, "fd://", 5) == 0)
			*fd = 1;
		if (v && (strncmp(v, "tcp://", 6) == 0 || strncmp(v, "http://", 7) == 0))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s (daemon.json)",
			    *buf ? ", " : "", v);
	}
}

/* The first line of /info's "API is accessible on ..." warning, if any. */
static void
info_api_warning(struct json_object *info, char *buf, size_t len)
{
	struct json_object *w = jget(info, "Warnings", json_type_array);

	for (size_t i = 0; i < jarr_len(w); i++) {
		const char *s = jarr_str(w, i);

		if (s && strstr(s, "API is accessible on") != NULL) {
			snprintf(buf, len, "/info: %.*s", (int)strcspn(s, "\n"), s);
			return;
		}
	}
}

/* The Engine API on TCP: without TLS, or with TLS but no client verification. */
static void
check_tcp(const struct audit_host *h, struct json_object *dj, struct audit_list *l)
{
	char hosts[1024] = "", listen[512] = "", warn[512] = "", tail[1100] = "", who[32] = "";
	int fd = 0, verify, tls;

	argv_hosts(h->argv, h->argc, hosts, sizeof(hosts), &fd);
	json_hosts(dj, hosts, sizeof(hosts), &fd);
	for (size_t i = 0; i < h->nlisten; i++)
		snprintf(listen + strlen(listen), sizeof(listen) - strlen(listen), "%s%s",
		    i ? ", " : "", h->listen[i]);
	info_api_warning(h->info, warn, sizeof(warn));
	verify = arg_flag(h->argv, h->argc, "--tlsverify");
	if (verify < 0)
		verify = jbool(dj, "tlsverify");
	tls = arg_flag(h->argv, h->argc, "--tls");
	if (tls < 0)
		tls = jbool(dj, "tls");
	if (verify > 0)
		return;
	/* Socket activation hands dockerd its TCP sockets: the listeners tell. */
	if (*hosts == '\0' && !(fd && *listen) && *warn == '\0')
		return;
	if (*listen)
		snprintf(tail, sizeof(tail), "; listening on %s", listen);
	if (*warn && *hosts == '\0')
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail), "; %s", warn);
	if (h->dockerd_pid)
		snprintf(who, sizeof(who), "dockerd pid %d", h->dockerd_pid);
	add(l, "daemon-tcp-without-tls", AUDIT_HIGH, "2.7",
	    "serve the API on the unix socket only, or with --tlsverify and client "
	    "certificates (tlsverify in daemon.json)",
	    "%s serves the Engine API on %s %s%s: whoever reaches the port is root on the host",
	    *who ? who : "dockerd", *hosts ? hosts : "TCP",
	    tls > 0 ? "with TLS but without client verification (no --tlsverify)" :
	    "without TLS", tail);
}

static void
check_socket(const struct audit_host *h, struct audit_list *l)
{
	const char *grp = h->sock_group;
	int grp_ok = h->sock_gid == 0 || (grp && strcmp(grp, "docker") == 0);
	char gbuf[32];

	if (!h->sock_ok)
		return;
	if (grp == NULL) {
		snprintf(gbuf, sizeof(gbuf), "%u", h->sock_gid);
		grp = gbuf;
	}
	if (h->sock_mode & 0006)
		add(l, "docker-socket-permissions", AUDIT_HIGH, "3.16",
		    "chmod 660 the socket (the daemon's -G/group option); only root and the "
		    "docker group may connect",
		    "%s is mode %04o: every local user can connect, and so is root",
		    h->sock_path, h->sock_mode & 07777);
	if (h->sock_uid != 0 || ((h->sock_mode & 0060) && !grp_ok))
		add(l, "docker-socket-permissions", AUDIT_MEDIUM, "3.15",
		    "chown root:docker the socket (dockerd --group docker)",
		    "%s is owned by uid %u, group %s, mode %04o: more than root and the docker "
		    "group can connect", h->sock_path, h->sock_uid, grp, h->sock_mode & 07777);
}

/* Does /info's SecurityOptions hold name=NAME? Its option text goes to val. */
static int
secopt_name(struct json_object *info, const char *name, const char **val)
{
	struct json_object *so = jget(info, "SecurityOptions", json_type_array);
	size_t n = strlen(name);

	for (size_t i = 0; i < jarr_len(so); i++) {
		const char *s = jarr_str(so, i);

		if (s && strncmp(s, "name=", 5) == 0 && strncmp(s + 5, name, n) == 0 &&
		    (s[5 + n] == '\0' || s[5 + n] == ',')) {
			if (val)
				*val = s;
			return 1;
		}
	}
	return 0;
}

static void
secopts_text(struct json_object *info, char *buf, size_t len)
{
	struct json_object *so = jget(info, "SecurityOptions", json_type_array);

	snprintf(buf, len, "%s", jarr_len(so) ? "" : "none");
	for (size_t i = 0; i < jarr_len(so); i++)
		if (jarr_str(so, i))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? "; " : "",
			    jarr_str(so, i));
}

/* What /info says the daemon enforces: user namespaces, LSMs, seccomp. */
static void
check_security_options(const struct audit_host *h, struct audit_list *l)
{
	const char *sc = NULL;
	char so[512];

	if (h->info == NULL)
		return;
	secopts_text(h->info, so, sizeof(so));
	if (!secopt_name(h->info, "userns", NULL) && !secopt_name(h->info, "rootless", NULL))
		add(l, "userns-disabled", AUDIT_LOW, "2.9",
		    "dockerd --userns-remap default (or rootless mode): root in a container is "
		    "then not root on the host",
		    "neither user namespace remapping nor rootless mode (SecurityOptions: %s)", so);
	if (!secopt_name(h->info, "apparmor", NULL) && !secopt_name(h->info, "selinux", NULL))
		add(l, "lsm-disabled", AUDIT_MEDIUM, NULL,
		    "enable AppArmor (or SELinux with --selinux-enabled) so that containers "
		    "get a profile",
		    "no AppArmor and no SELinux in force for containers (SecurityOptions: %s)", so);
	if (!secopt_name(h->info, "seccomp", &sc))
		add(l, "seccomp-disabled", AUDIT_MEDIUM, "5.22",
		    "run on a kernel and a dockerd built with seccomp",
		    "the daemon applies no seccomp profile (SecurityOptions: %s)", so);
	else if (strstr(sc, "profile=unconfined") != NULL)
		add(l, "seccomp-disabled", AUDIT_MEDIUM, "2.17",
		    "remove seccomp-profile unconfined from the daemon's configuration",
		    "the daemon's default seccomp profile is unconfined (%s)", sc);
}

/* Inter-container traffic on the default bridge (off when there is no bridge). */
static void
check_icc(const struct audit_host *h, struct json_object *dj, struct audit_list *l)
{
	const char *bridge = arg_opt(h->argv, h->argc, "--bridge");
	int icc = arg_flag(h->argv, h->argc, "--icc");
	struct json_object *v;

	if (h->dockerd_pid == 0)
		return; /* its options are unknown */
	if (bridge == NULL)
		bridge = arg_opt(h->argv, h->argc, "-b");
	if (bridge == NULL)
		bridge = jstr(dj, "bridge");
	if (icc < 0 && (v = jget(dj, "icc", json_type_boolean)) != NULL)
		icc = json_object_get_boolean(v);
	if ((bridge && strcmp(bridge, "none") == 0) || icc == 0)
		return;
	add(l, "icc-enabled", AUDIT_LOW, "2.2",
	    "dockerd --icc=false (\"icc\": false in daemon.json); link what must talk on a "
	    "user-defined network",
	    "containers on the default bridge can reach each other on every port "
	    "(no --icc=false)");
}

static void
report_versions(const struct audit_host *h, struct audit_list *l)
{
	struct json_object *comps = jget(h->version, "Components", json_type_array);
	char extra[256] = "";
	const char *v = jstr(h->version, "Version"), *api = jstr(h->version, "ApiVersion");
	const char *kernel = jstr(h->info, "KernelVersion");
	const char *os = jstr(h->info, "OperatingSystem");
	int64_t cgv = 0;
	const char *cg = jstr(h->info, "CgroupVersion");
	const char *driver = jstr(h->info, "CgroupDriver");

	for (size_t i = 0; i < jarr_len(comps); i++) {
		struct json_object *c = json_object_array_get_idx(comps, i);
		const char *n = jstr(c, "Name"), *cv = jstr(c, "Version");

		if (n && cv && strcmp(n, "Engine") != 0)
			snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), ", %s %s",
			    n, cv);
	}
	if (v == NULL)
		v = jstr(h->info, "ServerVersion");
	if (v)
		add(l, "docker-version", AUDIT_INFO, NULL,
		    "keep Docker, containerd and runc on a supported, patched release",
		    "Docker %s (API %s)%s", v, api ? api : "?", extra);
	if (cg)
		cgv = strtol(cg, NULL, 10);
	if (kernel)
		add(l, "kernel-version", AUDIT_INFO, NULL,
		    "keep the kernel patched: every container shares it",
		    "Linux %s%s%s%s, cgroup v%" PRId64 "%s%s%s", kernel, os ? " (" : "",
		    os ? os : "", os ? ")" : "", cgv ? cgv : 1, driver ? ", " : "",
		    driver ? driver : "", driver ? " driver" : "");
}

/* Checks the host: the socket, the daemon's listeners and options, /info. */
void
audit_host(const struct audit_host *h, struct audit_list *l)
{
	struct json_object *dj = NULL;

	if (h->daemon_json != NULL) {
		dj = json_tokener_parse(h->daemon_json);
		if (dj == NULL || !json_object_is_type(dj, json_type_object))
			add(l, "daemon-json-invalid", AUDIT_LOW, NULL,
			    "fix the file: dockerd refuses to start with it",
			    "%s is not a JSON object", h->daemon_json_path);
	}
	check_socket(h, l);
	check_tcp(h, dj, l);
	check_icc(h, dj, l);
	check_security_options(h, l);
	if (h->dockerd_pid == 0)
		add(l, "daemon-unidentified", AUDIT_INFO, NULL,
		    "run the audit as root on the host where dockerd runs",
		    "no dockerd process found serving %s: its command line and TCP listeners "
		    "were not checked, only /info", h->sock_path);
	report_versions(h, l);
	json_object_put(dj);
}

static void
add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_text(v));
}

struct json_object *
audit_finding_json(const struct audit_finding *f, const char *id, const char *name,
    const char *image)
{
	struct json_object *o = json_object_new_object();

	add_str(o, "check", f->check);
	add_str(o, "severity", audit_sev_name(f->sev));
	add_str(o, "container", id);
	if (id != NULL) {
		add_str(o, "name", name);
		add_str(o, "image", image);
	}
	add_str(o, "cis", f->cis);
	add_str(o, "evidence", f->evidence);
	add_str(o, "fix", f->fix);
	return o;
}
