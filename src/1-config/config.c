/*
 * Configuration: INI with git-config style sections, tokenised by inih.
 * The main file is read first, then the drop-ins of the conf.d directory
 * beside it in byte order of their names; a key set again in a later file
 * overrides it.  Every error is collected as "FILE:LINE: message" and the
 * whole configuration is rejected; a good one becomes an immutable struct
 * config.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <grp.h>
#include <ini.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "image.h"
#include "url.h"
#include "xmalloc.h"

static int config_parse_group(const char *s, long long *gid);

static const char *const rule_keys[RK_COUNT] = {
	"pids_max", "memory_max", "cpus", "spike_rate", "spike_fork_failures",
	"action", "kill_after", "on_docker_socket",
};

static const char *const global_keys[] = {
	"cgroup_root", "container_cgroups", "interval", "docker_socket", "docker_data_root",
	"control_socket", "metrics_listen", "alert_webhook", "mode",
	"max_actions_per_minute", "unified_tree", "control_group", "control_admin_group",
	"podman_socket", "containerd_state", "crio_storage",
};
#define NGLOBAL (sizeof(global_keys) / sizeof(global_keys[0]))
_Static_assert(NGLOBAL == CONFIG_NGLOBAL, "CONFIG_NGLOBAL is the number of global_keys");

/*
 * Where the runtimes put containers, relative to each hierarchy: Docker
 * (cgroupfs, systemd), Podman (systemd, cgroupfs), and Kubernetes pods
 * with both kubelet cgroup drivers: containerd's cri-containerd-<id>.scope
 * or bare <id>, CRI-O's crio-<id>[.scope]; guaranteed pods sit directly
 * below kubepods.  conmon's scopes match some of these and are left out
 * by the path's reading (container_parse_path).
 */
static const char *const default_patterns[] = {
	"docker/*",
	"system.slice/docker-*.scope",
	"machine.slice/libpod-*.scope",
	"libpod_parent/libpod-*",
	"kubepods.slice/kubepods-*.slice/kubepods-*-pod*.slice/*.scope",
	"kubepods.slice/kubepods-pod*.slice/*.scope",
	"kubepods/*/pod*/*",
	"kubepods/pod*/*",
};

enum section_kind { SEC_NONE, SEC_GLOBAL, SEC_DEFAULTS, SEC_IMAGE, SEC_BAD };

/* Parser state shared by the line reader and the inih handler. */
struct parse {
	const char *path;   /* the file being read */
	int file;           /* its index in cf->files */
	FILE *fp;
	int line;           /* line number of the line inih is handling */
	int continuation;   /* that line starts with whitespace */
	struct config *cf;
	struct config_errors *errs;
	enum section_kind kind; /* the section the reader last entered */
	size_t image;       /* its rule in cf->images, for SEC_IMAGE */
	char cursec[256];   /* its header, for messages */
	char lastkey[64];   /* the key a continuation line extends */
	char inih_prev[64]; /* the key inih attaches continuations to */
	char **sections;    /* section headers seen in this file, for duplicates */
	size_t nsections;
};

static void
perr(struct parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
perr(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	char *m, *full;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	full = xasprintf("%s:%d: %s", p->path, line, m ? m : "error");
	free(m);
	p->errs->msg = xreallocarray(p->errs->msg, p->errs->n + 1, sizeof(char *));
	p->errs->msg[p->errs->n++] = full;
}

/* Parses a whole number with an optional binary K/M/G/T suffix. */
int
config_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (strcmp(s, "max") == 0) {
		*out = LIMIT_MAX;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	default: return -1;
	}
	if (shift && (*end == 'B' || *end == 'b'))
		end++;
	if (*end != '\0' || v == 0 || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* Parses a duration: a whole number with ms, s or m (bare means seconds). */
int
config_parse_duration(const char *s, uint64_t *ms)
{
	char *end;
	unsigned long long v;
	uint64_t mul;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (strcmp(end, "ms") == 0)
		mul = 1;
	else if (strcmp(end, "s") == 0 || *end == '\0')
		mul = 1000;
	else if (strcmp(end, "m") == 0)
		mul = 60000;
	else
		return -1;
	if (v > UINT64_MAX / 1000 / 60)
		return -1;
	*ms = v * mul;
	return 0;
}

/* Parses CPU cores with up to three decimals ("1.5") into thousandths. */
int
config_parse_cpus(const char *s, uint64_t *milli)
{
	const char *p;
	uint64_t whole = 0, frac = 0;
	int digits = 0, fd = 0;

	if (strcmp(s, "max") == 0) {
		*milli = LIMIT_MAX;
		return 0;
	}
	for (p = s; isdigit((unsigned char)*p); p++, digits++) {
		if (whole > 1000000)
			return -1;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, fd++) {
			if (fd >= 3)
				return -1;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (fd == 0)
			return -1;
		for (int i = fd; i < 3; i++)
			frac *= 10;
	}
	if (*p != '\0' || (digits == 0 && fd == 0))
		return -1;
	*milli = whole * 1000 + frac;
	/* The kernel's smallest CFS quota is 1 ms per 100 ms period. */
	return *milli >= 10 ? 0 : -1;
}

/* Parses a plain whole number, or "max" when allowed. */
int
config_parse_count(const char *s, uint64_t *out, int allow_max)
{
	char *end;
	unsigned long long v;

	if (allow_max && strcmp(s, "max") == 0) {
		*out = LIMIT_MAX;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

void
config_fmt_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int i;

	if (v == LIMIT_MAX) {
		snprintf(buf, len, "max");
		return;
	}
	for (i = 4; i >= 1; i--) {
		uint64_t m = (uint64_t)1 << (10 * i);
		if (v % m == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", v / m, units[i - 1]);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64, v);
}

void
config_fmt_duration(uint64_t ms, char *buf, size_t len)
{
	if (ms == 0)
		snprintf(buf, len, "0");
	else if (ms % 60000 == 0)
		snprintf(buf, len, "%" PRIu64 "m", ms / 60000);
	else if (ms % 1000 == 0)
		snprintf(buf, len, "%" PRIu64 "s", ms / 1000);
	else
		snprintf(buf, len, "%" PRIu64 "ms", ms);
}

void
config_fmt_cpus(uint64_t milli, char *buf, size_t len)
{
	if (milli == LIMIT_MAX)
		snprintf(buf, len, "max");
	else if (milli % 1000 == 0)
		snprintf(buf, len, "%" PRIu64, milli / 1000);
	else if (milli % 100 == 0)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64, milli / 1000, milli % 1000 / 100);
	else if (milli % 10 == 0)
		snprintf(buf, len, "%" PRIu64 ".%02" PRIu64, milli / 1000, milli % 1000 / 10);
	else
		snprintf(buf, len, "%" PRIu64 ".%03" PRIu64, milli / 1000, milli % 1000);
}

/* A limit of any knob as the config writes it: 100, 512M, 1.5, max. */
void
config_fmt_limit(enum knob k, uint64_t v, char *buf, size_t len)
{
	if (k == KNOB_MEMORY)
		config_fmt_size(v, buf, len);
	else if (k == KNOB_CPU)
		config_fmt_cpus(v, buf, len);
	else if (v == LIMIT_MAX)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRIu64, v);
}

int
config_monitoring(const struct config *cf, int dry_run)
{
	return dry_run || cf->mode == MODE_MONITOR;
}

const char *
config_action_name(enum action a)
{
	switch (a) {
	case ACTION_FREEZE: return "freeze";
	case ACTION_KILL: return "kill";
	case ACTION_ALERT: return "alert";
	case ACTION_NONE: return "none";
	}
	return "?";
}

/* The action named VAL, of those up to LAST in enum order; -1 if none is. */
static int
parse_action(const char *val, enum action last, enum action *a)
{
	for (int i = ACTION_FREEZE; i <= (int)last; i++)
		if (strcmp(val, config_action_name((enum action)i)) == 0) {
			*a = (enum action)i;
			return 0;
		}
	return -1;
}

/* Checks what fnmatch(3) would silently accept: unclosed brackets, a trailing backslash. */
static int
glob_valid(const char *g)
{
	for (const char *p = g; *p; p++) {
		if (*p == '\\') {
			if (*++p == '\0')
				return 0;
		} else if (*p == '[') {
			const char *q = p + 1;
			if (*q == '!' || *q == '^')
				q++;
			if (*q == ']')
				q++;
			while (*q && *q != ']')
				q++;
			if (*q == '\0')
				return 0;
			p = q;
		}
	}
	return 1;
}

/* Marks every key of a rule as not set by any file. */
static void
rule_unset(struct rule *r)
{
	for (int k = 0; k < RK_COUNT; k++)
		r->from[k] = (struct config_origin){ .file = -1, .line = 0 };
}

static void
rule_defaults(struct rule *r)
{
	rule_unset(r);
	r->pids_max = 4096;
	r->memory_max = LIMIT_MAX;
	r->cpus_milli = LIMIT_MAX;
	r->spike_rate = 200;
	r->spike_fork_failures = 20;
	r->action = ACTION_FREEZE;
	r->kill_after_ms = 0;
	r->on_docker_socket = ACTION_ALERT;
}

/*
 * namespace = GLOB... and pod = GLOB... in an image section: the rule is
 * only for containers of a pod whose namespace (and name) match one of
 * them.  Not in [defaults], which is for every container left.
 */
static void
rule_select(struct parse *p, struct rule *r, const char *key, const char *val)
{
	int k = strcmp(key, "pod") == 0;
	char **dst = k ? &r->pod : &r->namespace, *copy, *tok, *save = NULL;
	int ok = 1;

	if (p->kind != SEC_IMAGE) {
		perr(p, p->line, "%s: only in [image] sections (it narrows which containers a "
		    "rule is for; [defaults] is for all that no rule takes)", key);
		return;
	}
	if (r->sel_from[k].file == p->file) {
		perr(p, p->line, "duplicate key '%s' in [%s]", key, p->cursec);
		return;
	}
	r->sel_from[k] = (struct config_origin){ .file = p->file, .line = p->line };
	copy = xstrdup(val);
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		if (!glob_valid(tok)) {
			perr(p, p->line, "%s: bad glob '%s'", key, tok);
			ok = 0;
		}
	free(copy);
	if (*val == '\0') {
		perr(p, p->line, "%s: at least one pattern is needed", key);
		ok = 0;
	}
	if (ok) {
		free(*dst);
		*dst = xstrdup(val);
	}
}

static void
rule_set(struct parse *p, struct rule *r, const char *key, const char *val)
{
	int k, bad = 0;

	if (strcmp(key, "namespace") == 0 || strcmp(key, "pod") == 0) {
		rule_select(p, r, key, val);
		return;
	}
	for (k = 0; k < RK_COUNT; k++)
		if (strcmp(key, rule_keys[k]) == 0)
			break;
	if (k == RK_COUNT) {
		perr(p, p->line, "unknown key '%s' in [%s]", key, p->cursec);
		return;
	}
	if (r->from[k].file == p->file) {
		perr(p, p->line, "duplicate key '%s' in [%s]", key, p->cursec);
		return;
	}
	r->set |= 1u << k;
	r->from[k].file = p->file;
	r->from[k].line = p->line;
	switch (k) {
	case RK_PIDS_MAX:
		if (config_parse_count(val, &r->pids_max, 1) || r->pids_max == 0) {
			perr(p, p->line, "pids_max: '%s' is not a whole number >= 1 or max", val);
			return;
		}
		break;
	case RK_MEMORY_MAX:
		bad = config_parse_size(val, &r->memory_max);
		if (!bad && r->memory_max != LIMIT_MAX && r->memory_max < 4096)
			bad = 1;
		if (bad) {
			perr(p, p->line, "memory_max: '%s' is not a size (bytes >= 4096, "
			    "with K/M/G/T) or max", val);
			return;
		}
		break;
	case RK_CPUS:
		if (config_parse_cpus(val, &r->cpus_milli)) {
			perr(p, p->line, "cpus: '%s' is not a number of cores >= 0.01 "
			    "(e.g. 1.5) or max", val);
			return;
		}
		break;
	case RK_SPIKE_RATE:
		bad = config_parse_count(val, &r->spike_rate, 0);
		break;
	case RK_SPIKE_FORK_FAILURES:
		bad = config_parse_count(val, &r->spike_fork_failures, 0);
		break;
	case RK_ACTION:
		if (parse_action(val, ACTION_NONE, &r->action) < 0) {
			perr(p, p->line, "action: '%s' is not one of freeze, kill, alert, none", val);
			return;
		}
		break;
	case RK_KILL_AFTER:
		if (strcmp(val, "0") == 0)
			r->kill_after_ms = 0;
		else if (config_parse_duration(val, &r->kill_after_ms)) {
			perr(p, p->line, "kill_after: '%s' is not a duration (ms, s, m) or 0", val);
			return;
		}
		break;
	case RK_ON_DOCKER_SOCKET:
		if (parse_action(val, ACTION_ALERT, &r->on_docker_socket) < 0) {
			perr(p, p->line, "on_docker_socket: '%s' is not one of alert, freeze, kill",
			    val);
			return;
		}
		break;
	}
	if (bad)
		perr(p, p->line, "%s: '%s' is not a whole number >= 0", key, val);
}

static void
add_patterns(struct parse *p, const char *val)
{
	char *copy = xstrdup(val), *tok, *save = NULL;

	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (*tok == '/' || strstr(tok, "..") != NULL)
			perr(p, p->line, "container_cgroups: '%s' must be relative to the "
			    "cgroup mounts, without '..'", tok);
		else if (!glob_valid(tok))
			perr(p, p->line, "container_cgroups: bad glob '%s'", tok);
		else {
			p->cf->patterns = xreallocarray(p->cf->patterns,
			    p->cf->npatterns + 1, sizeof(char *));
			p->cf->patterns[p->cf->npatterns++] = xstrdup(tok);
		}
	}
	free(copy);
}

static void
set_str(char **dst, const char *val)
{
	free(*dst);
	*dst = xstrdup(val);
}

static void
global_set(struct parse *p, const char *key, const char *val)
{
	struct config *cf = p->cf;
	size_t k;

	for (k = 0; k < NGLOBAL; k++)
		if (strcmp(key, global_keys[k]) == 0)
			break;
	if (k == NGLOBAL) {
		perr(p, p->line, "unknown key '%s' in [global]", key);
		return;
	}
	if (cf->gfrom[k].file == p->file) {
		perr(p, p->line, "duplicate key '%s' in [global]", key);
		return;
	}
	cf->gfrom[k].file = p->file;
	cf->gfrom[k].line = p->line;
	if (strcmp(key, "cgroup_root") == 0) {
		if (*val != '/')
			perr(p, p->line, "cgroup_root: '%s' is not an absolute path", val);
		else
			set_str(&cf->cgroup_root, val);
	} else if (strcmp(key, "container_cgroups") == 0) {
		for (size_t i = 0; i < cf->npatterns; i++)
			free(cf->patterns[i]);
		cf->npatterns = 0;
		add_patterns(p, val);
		if (*val == '\0')
			perr(p, p->line, "container_cgroups: at least one pattern is needed");
	} else if (strcmp(key, "interval") == 0) {
		if (config_parse_duration(val, &cf->interval_ms) || cf->interval_ms < 10)
			perr(p, p->line, "interval: '%s' is not a duration of at least 10ms "
			    "(ms, s, m)", val);
	} else if (strcmp(key, "docker_socket") == 0) {
		if (*val != '\0' && *val != '/')
			perr(p, p->line, "docker_socket: '%s' is not an absolute path", val);
		else
			set_str(&cf->docker_socket, val);
	} else if (strcmp(key, "docker_data_root") == 0) {
		if (*val != '\0' && *val != '/')
			perr(p, p->line, "docker_data_root: '%s' is not an absolute path", val);
		else
			set_str(&cf->docker_data_root, val);
	} else if (strcmp(key, "podman_socket") == 0 || strcmp(key, "containerd_state") == 0 ||
	    strcmp(key, "crio_storage") == 0) {
		if (*val != '\0' && *val != '/')
			perr(p, p->line, "%s: '%s' is not an absolute path", key, val);
		else if (strcmp(key, "podman_socket") == 0 && strlen(val) >= 108)
			perr(p, p->line, "podman_socket: path longer than 107 bytes");
		else
			set_str(strcmp(key, "podman_socket") == 0 ? &cf->podman_socket :
			    strcmp(key, "containerd_state") == 0 ? &cf->containerd_state :
			    &cf->crio_storage, val);
	} else if (strcmp(key, "control_socket") == 0) {
		if (*val != '/')
			perr(p, p->line, "control_socket: '%s' is not an absolute path", val);
		else if (strlen(val) >= 108)
			perr(p, p->line, "control_socket: path longer than 107 bytes");
		else
			set_str(&cf->control_socket, val);
	} else if (strcmp(key, "metrics_listen") == 0) {
		const char *colon = strrchr(val, ':');
		char *end;
		long port = colon ? strtol(colon + 1, &end, 10) : 0;

		if (*val != '\0' && (colon == NULL || colon == val || *end != '\0' ||
		    port < 1 || port > 65535))
			perr(p, p->line, "metrics_listen: '%s' is not ADDRESS:PORT", val);
		else
			set_str(&cf->metrics_listen, val);
	} else if (strcmp(key, "alert_webhook") == 0) {
		struct url u;
		char why[256];

		if (*val != '\0' &&
		    url_parse_base(val, CONFIG_ALERT_ENDPOINT, &u, why, sizeof(why)) < 0)
			perr(p, p->line, "alert_webhook: %s", why);
		else
			set_str(&cf->alert_webhook, val);
	} else if (strcmp(key, "mode") == 0) {
		if (strcmp(val, "enforce") == 0)
			cf->mode = MODE_ENFORCE;
		else if (strcmp(val, "monitor") == 0)
			cf->mode = MODE_MONITOR;
		else
			perr(p, p->line, "mode: '%s' is not enforce or monitor", val);
	} else if (strcmp(key, "max_actions_per_minute") == 0) {
		if (config_parse_count(val, &cf->max_actions_per_minute, 0))
			perr(p, p->line, "max_actions_per_minute: '%s' is not a whole number", val);
	} else if (strcmp(key, "control_group") == 0 ||
	    strcmp(key, "control_admin_group") == 0) {
		long long gid = -1;

		if (*val != '\0' && config_parse_group(val, &gid) < 0)
			perr(p, p->line, "%s: '%s' is not a group name or number", key, val);
		else if (strcmp(key, "control_group") == 0) {
			set_str(&cf->control_group, val);
			cf->control_gid = gid;
		} else {
			set_str(&cf->control_admin_group, val);
			cf->control_admin_gid = gid;
		}
	} else if (strcmp(key, "unified_tree") == 0) {
		if (strcmp(val, "use") == 0)
			cf->ignore_unified = 0;
		else if (strcmp(val, "ignore") == 0)
			cf->ignore_unified = 1;
		else
			perr(p, p->line, "unified_tree: '%s' is not use or ignore", val);
	}
}

/* The rule that keys of the current section set: looked up at each key, by
 * index, because a later header may have moved cf->images. */
static struct rule *
cur_rule(struct parse *p)
{
	return p->kind == SEC_DEFAULTS ? &p->cf->defaults : &p->cf->images[p->image];
}

static void
dispatch(struct parse *p, const char *name, const char *val)
{
	snprintf(p->lastkey, sizeof(p->lastkey), "%s", name);
	switch (p->kind) {
	case SEC_NONE:
		perr(p, p->line, "key '%s' outside any section", name);
		break;
	case SEC_BAD:
		break; /* reported at the section header */
	case SEC_GLOBAL:
		global_set(p, name, val);
		break;
	case SEC_DEFAULTS:
	case SEC_IMAGE:
		rule_set(p, cur_rule(p), name, val);
		break;
	}
}

/*
 * Takes one key from inih.  The section is the reader's, never inih's
 * name for it: the reader hands inih every header as the same "[s]", so
 * that the two cannot disagree on where a section starts.
 */
static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	char val[512];
	size_t n;
	int cont = p->continuation && strcmp(name, p->inih_prev) == 0;

	(void)section;
	if (!cont)
		snprintf(p->inih_prev, sizeof(p->inih_prev), "%s", name);
	if (p->kind == SEC_BAD)
		return 1; /* reported at the section header */
	/* A '#' or ';' after whitespace starts a comment (inih misses some);
	 * inih strips the blanks after '=', so "key =   # note" starts with it. */
	snprintf(val, sizeof(val), "%s", value);
	for (char *c = val; *c; c++)
		if ((*c == '#' || *c == ';') && (c == val || isspace((unsigned char)c[-1]))) {
			*c = '\0';
			break;
		}
	n = strlen(val);
	while (n > 0 && isspace((unsigned char)val[n - 1]))
		val[--n] = '\0';

	/* inih hands an indented line to the previous key as a continuation. */
	if (cont) {
		char *eq = strchr(val, '=');

		if (eq != NULL) { /* an indented "key = value" */
			char *k = val, *v = eq + 1, *e = eq;

			while (e > k && isspace((unsigned char)e[-1]))
				e--;
			*e = '\0';
			while (isspace((unsigned char)*v))
				v++;
			dispatch(p, k, v);
		} else if (p->kind == SEC_GLOBAL && strcmp(p->lastkey, "container_cgroups") == 0)
			add_patterns(p, val);
		else
			perr(p, p->line, "'%s' does not continue on an indented line", p->lastkey);
		return 1;
	}
	dispatch(p, name, val);
	return 1;
}

/* Whether the rest of a header line, after its ']', is blank or a comment. */
static int
header_tail_ok(const char *t)
{
	while (isspace((unsigned char)*t))
		t++;
	return *t == '\0' || *t == '#' || *t == ';';
}

/*
 * Reads a section header (s at its '[') and enters that section,
 * registering image rules in file order.  A header that cannot be read
 * one way only is an error, and its keys are dropped (SEC_BAD).
 */
static void
header_line(struct parse *p, const char *s)
{
	const char *w, *we, *q, *qe, *close = strchr(s, ']');
	char name[256];

	p->kind = SEC_BAD;
	snprintf(p->cursec, sizeof(p->cursec), "?");
	if (close == NULL) {
		perr(p, p->line, "section header without ']'");
		return;
	}
	for (w = s + 1; isspace((unsigned char)*w); w++)
		;
	for (we = w; *we && *we != ']' && *we != '"' && !isspace((unsigned char)*we); we++)
		;
	if ((size_t)(we - w) == 5 && strncmp(w, "image", 5) == 0) {
		/* image WS "PATTERN" WS ]: the pattern may hold a ']' of a glob. */
		for (q = we; isspace((unsigned char)*q); q++)
			;
		qe = q == we || *q != '"' ? NULL : strchr(q + 1, '"');
		if (qe != NULL) {
			for (close = qe + 1; isspace((unsigned char)*close); close++)
				;
			if (*close != ']')
				qe = NULL;
		}
		if (qe == NULL || qe == q + 1) {
			perr(p, p->line, "image section needs a quoted, non-empty pattern: "
			    "[image \"nginx\"]");
			return;
		}
		snprintf(name, sizeof(name), "image \"%.*s\"", (int)(qe - q - 1), q + 1);
	} else {
		const char *e = close;

		while (e > w && isspace((unsigned char)e[-1]))
			e--;
		snprintf(name, sizeof(name), "%.*s", (int)(e - w), w);
		if (strcmp(name, "global") != 0 && strcmp(name, "defaults") != 0) {
			perr(p, p->line, "unknown section [%s]", name);
			return;
		}
	}
	if (!header_tail_ok(close + 1)) {
		perr(p, p->line, "text after the section header [%s]", name);
		return;
	}
	for (size_t i = 0; i < p->nsections; i++)
		if (strcmp(p->sections[i], name) == 0) {
			perr(p, p->line, "duplicate section [%s]", name);
			return;
		}
	p->sections = xreallocarray(p->sections, p->nsections + 1, sizeof(char *));
	p->sections[p->nsections++] = xstrdup(name);
	snprintf(p->cursec, sizeof(p->cursec), "%s", name);
	if (strcmp(name, "global") == 0) {
		p->kind = SEC_GLOBAL;
		return;
	}
	if (strcmp(name, "defaults") == 0) {
		p->kind = SEC_DEFAULTS;
		return;
	}
	/* name is: image "PATTERN" */
	char *pat = xasprintf("%.*s", (int)(strlen(name) - 8), name + 7);

	for (const char *c = pat; *c; c++)
		if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c)) {
			perr(p, p->line, "[%s]: a pattern cannot hold blanks or control "
			    "characters (no image reference does; \" ;\" or \" #\" would "
			    "start a comment)", name);
			free(pat);
			return;
		}
	if (!glob_valid(pat)) {
		perr(p, p->line, "bad glob '%s' in [%s]", pat, name);
		free(pat);
		return;
	}
	p->kind = SEC_IMAGE;
	/* A drop-in's section for a pattern an earlier file has: the same rule,
	 * in its first place. */
	for (size_t i = 0; i < p->cf->nimages; i++)
		if (strcmp(p->cf->images[i].pattern, pat) == 0) {
			p->image = i;
			free(pat);
			return;
		}
	p->cf->images = xreallocarray(p->cf->images, p->cf->nimages + 1,
	    sizeof(struct rule));
	p->image = p->cf->nimages++;
	struct rule *r = &p->cf->images[p->image];
	memset(r, 0, sizeof(*r));
	rule_unset(r);
	r->sel_from[0] = r->sel_from[1] = (struct config_origin){ .file = -1, .line = 0 };
	r->pattern = pat;
	r->name = xstrdup(pat);
	r->line = p->line;
}

/*
 * Feeds inih one line at a time, counting lines so that the handler knows
 * where it is, and checking what inih does not report per line.  The
 * reader alone decides what a section header is: it enters the section
 * and hands inih the line as "[s]", so that inih starts a section there
 * and nowhere else (it would take an indented header for a continuation,
 * cut one at " ;" or beyond 50 bytes).
 */
static char *
reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *s;
	size_t len;

	if (fgets(str, num, p->fp) == NULL)
		return NULL;
	p->line++;
	len = strlen(str);
	if (len == (size_t)num - 1 && str[len - 1] != '\n' && !feof(p->fp)) {
		int c;

		perr(p, p->line, "line longer than %d characters", num - 2);
		while ((c = fgetc(p->fp)) != EOF && c != '\n')
			;
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	/* inih skips a UTF-8 byte order mark on the first line; so does the reader. */
	if (p->line == 1 && strncmp(str, "\xEF\xBB\xBF", 3) == 0)
		memmove(str, str + 3, (len -= 3) + 1);
	p->continuation = len > 0 && isspace((unsigned char)str[0]);
	for (s = str; isspace((unsigned char)*s); s++)
		;
	if (*s == '\0' || *s == '#' || *s == ';')
		return str;
	if (*s == '[') {
		if (p->continuation) {
			perr(p, p->line, "a section header must start its line "
			    "(an indented line continues the value above)");
			p->kind = SEC_BAD;
		} else
			header_line(p, s);
		p->lastkey[0] = p->inih_prev[0] = '\0';
		snprintf(str, (size_t)num, "[s]\n");
		return str;
	}
	/* An indented line continues a key only after one (inih's rule). */
	if (strchr(s, '=') == NULL && strchr(s, ':') == NULL &&
	    (!p->continuation || p->inih_prev[0] == '\0'))
		perr(p, p->line, "expected 'key = value'");
	else if (strchr(s, '=') == NULL && strchr(s, ':') != NULL)
		perr(p, p->line, "expected 'key = value' (':' is not a separator here)");
	return str;
}

static void
rule_inherit(struct rule *r, const struct rule *d)
{
	for (int k = 0; k < RK_COUNT; k++)
		if (!(r->set & (1u << k)))
			r->from[k] = d->from[k];
	if (!(r->set & (1u << RK_PIDS_MAX))) r->pids_max = d->pids_max;
	if (!(r->set & (1u << RK_MEMORY_MAX))) r->memory_max = d->memory_max;
	if (!(r->set & (1u << RK_CPUS))) r->cpus_milli = d->cpus_milli;
	if (!(r->set & (1u << RK_SPIKE_RATE))) r->spike_rate = d->spike_rate;
	if (!(r->set & (1u << RK_SPIKE_FORK_FAILURES)))
		r->spike_fork_failures = d->spike_fork_failures;
	if (!(r->set & (1u << RK_ACTION))) r->action = d->action;
	if (!(r->set & (1u << RK_KILL_AFTER))) r->kill_after_ms = d->kill_after_ms;
	if (!(r->set & (1u << RK_ON_DOCKER_SOCKET)))
		r->on_docker_socket = d->on_docker_socket;
}

/* Reads one file into p->cf as file number FILE; -1 if it cannot be opened. */
static int
parse_file(struct parse *p, int file)
{
	const char *path = p->cf->files[file];
	struct stat st;

	p->path = path;
	p->file = file;
	p->line = 0;
	p->continuation = 0;
	p->kind = SEC_NONE;
	p->cursec[0] = p->lastkey[0] = p->inih_prev[0] = '\0';
	if ((p->fp = fopen(path, "r")) == NULL) {
		perr(p, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	/* A drop-in directory may hold anything; read only its files. */
	if (file > 0 && fstat(fileno(p->fp), &st) == 0 && !S_ISREG(st.st_mode)) {
		perr(p, 0, "cannot read: not a regular file");
		fclose(p->fp);
		return -1;
	}
	ini_parse_stream(reader, p, handler, p);
	fclose(p->fp);
	for (size_t i = 0; i < p->nsections; i++)
		free(p->sections[i]);
	free(p->sections);
	p->sections = NULL;
	p->nsections = 0;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Adds the drop-ins of the conf.d directory beside the main file to
 * cf->files: every NAME.conf not starting with '.', in byte order of the
 * names, so that 10-team.conf comes before 20-site.conf whatever the locale.
 * No directory is no drop-ins.
 */
static void
add_dropins(struct parse *p)
{
	struct config *cf = p->cf;
	const char *slash = strrchr(cf->path, '/');
	char *dir, **names = NULL;
	size_t n = 0, len;
	struct dirent *de;
	DIR *d;

	if (slash == NULL)
		dir = xstrdup("conf.d");
	else
		dir = xasprintf("%.*sconf.d", (int)(slash - cf->path + 1), cf->path);
	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT) {
			p->path = dir;
			perr(p, 0, "cannot open: %s", strerror(errno));
		}
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 5 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof(char *));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(char *), name_cmp);
	cf->files = xreallocarray(cf->files, cf->nfiles + n, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		cf->files[cf->nfiles++] = xasprintf("%s/%s", dir, names[i]);
		free(names[i]);
	}
	free(names);
	free(dir);
}

/* Loads path and its drop-ins; on any error returns NULL with every error in errs. */
struct config *
config_load(const char *path, struct config_errors *errs)
{
	struct parse p;
	struct config *cf;

	memset(&p, 0, sizeof(p));
	memset(errs, 0, sizeof(*errs));
	p.path = path;
	p.errs = errs;
	cf = p.cf = xcalloc(1, sizeof(*cf));
	cf->path = xstrdup(path);
	cf->files = xreallocarray(NULL, 1, sizeof(char *));
	cf->files[cf->nfiles++] = xstrdup(path);
	for (size_t k = 0; k < NGLOBAL; k++)
		cf->gfrom[k] = (struct config_origin){ .file = -1, .line = 0 };
	cf->cgroup_root = xstrdup("/sys/fs/cgroup");
	cf->interval_ms = 1000;
	cf->docker_socket = xstrdup("/var/run/docker.sock");
	cf->docker_data_root = xstrdup("/var/lib/docker");
	cf->podman_socket = xstrdup("/run/podman/podman.sock");
	cf->containerd_state = xstrdup("/run/containerd");
	cf->crio_storage = xstrdup("/run/containers/storage");
	cf->control_socket = xstrdup("/run/cgwarden/cgwarden.sock");
	cf->metrics_listen = xstrdup("127.0.0.1:9447");
	cf->alert_webhook = xstrdup("");
	cf->mode = MODE_ENFORCE;
	cf->max_actions_per_minute = 10;
	cf->control_group = xstrdup("");
	cf->control_admin_group = xstrdup("");
	cf->control_gid = cf->control_admin_gid = -1;
	cf->defaults.name = xstrdup("defaults");
	rule_defaults(&cf->defaults);
	for (size_t i = 0; i < sizeof(default_patterns) / sizeof(default_patterns[0]); i++) {
		cf->patterns = xreallocarray(cf->patterns, cf->npatterns + 1, sizeof(char *));
		cf->patterns[cf->npatterns++] = xstrdup(default_patterns[i]);
	}

	if (parse_file(&p, 0) < 0) {
		config_free(cf);
		return NULL;
	}
	add_dropins(&p);
	for (size_t i = 1; i < cf->nfiles; i++)
		parse_file(&p, (int)i);
	p.path = path;

	if (cf->npatterns == 0 && errs->n == 0)
		perr(&p, 0, "container_cgroups: at least one pattern is needed");
	for (size_t i = 0; i < cf->nimages; i++)
		rule_inherit(&cf->images[i], &cf->defaults);
	if (errs->n) {
		config_free(cf);
		return NULL;
	}
	return cf;
}

void
config_errors_free(struct config_errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	e->msg = NULL;
	e->n = 0;
}

void
config_free(struct config *cf)
{
	if (cf == NULL)
		return;
	free(cf->path);
	for (size_t i = 0; i < cf->nfiles; i++)
		free(cf->files[i]);
	free(cf->files);
	free(cf->cgroup_root);
	for (size_t i = 0; i < cf->npatterns; i++)
		free(cf->patterns[i]);
	free(cf->patterns);
	free(cf->docker_socket);
	free(cf->docker_data_root);
	free(cf->podman_socket);
	free(cf->containerd_state);
	free(cf->crio_storage);
	free(cf->control_group);
	free(cf->control_admin_group);
	free(cf->control_socket);
	free(cf->metrics_listen);
	free(cf->alert_webhook);
	free(cf->defaults.name);
	for (size_t i = 0; i < cf->nimages; i++) {
		free(cf->images[i].name);
		free(cf->images[i].pattern);
		free(cf->images[i].namespace);
		free(cf->images[i].pod);
	}
	free(cf->images);
	free(cf);
}

/*
 * Prints "key = value", and when drop-ins were read, the file and line the
 * value came from (INHERITED: from [defaults]); built-in values have none.
 */
static void
print_kv(FILE *f, const struct config *cf, const char *key, const char *val,
    const struct config_origin *o, int inherited)
{
	fprintf(f, "%s = %s", key, val);
	if (cf->nfiles > 1 && o->file >= 0)
		fprintf(f, "  # from %s:%d%s", cf->files[o->file], o->line,
		    inherited ? " [defaults]" : "");
	fputc('\n', f);
}

static void
rule_print(const struct config *cf, const struct rule *r, int image, FILE *f)
{
	char b[RK_COUNT][64];

	config_fmt_limit(KNOB_PIDS, r->pids_max, b[RK_PIDS_MAX], sizeof(b[0]));
	config_fmt_size(r->memory_max, b[RK_MEMORY_MAX], sizeof(b[0]));
	config_fmt_cpus(r->cpus_milli, b[RK_CPUS], sizeof(b[0]));
	snprintf(b[RK_SPIKE_RATE], sizeof(b[0]), "%" PRIu64, r->spike_rate);
	snprintf(b[RK_SPIKE_FORK_FAILURES], sizeof(b[0]), "%" PRIu64, r->spike_fork_failures);
	snprintf(b[RK_ACTION], sizeof(b[0]), "%s", config_action_name(r->action));
	config_fmt_duration(r->kill_after_ms, b[RK_KILL_AFTER], sizeof(b[0]));
	snprintf(b[RK_ON_DOCKER_SOCKET], sizeof(b[0]), "%s",
	    config_action_name(r->on_docker_socket));
	for (int k = 0; k < RK_COUNT; k++)
		print_kv(f, cf, rule_keys[k], b[k], &r->from[k], image && !(r->set & (1u << k)));
}

/*
 * Prints the effective configuration, every key, image rules resolved;
 * with drop-ins, the files in the order read and where each value came from.
 */
void
config_print(const struct config *cf, FILE *f)
{
	char *b[CONFIG_NGLOBAL], d[64];
	size_t k = 0;

	if (cf->nfiles > 1) {
		fprintf(f, "# read in this order:");
		for (size_t i = 0; i < cf->nfiles; i++)
			fprintf(f, " %s", cf->files[i]);
		fprintf(f, "\n");
	}
	b[k++] = xstrdup(cf->cgroup_root);
	b[k] = xstrdup("");
	for (size_t i = 0; i < cf->npatterns; i++) {
		char *t = xasprintf("%s%s%s", b[k], i ? " " : "", cf->patterns[i]);

		free(b[k]);
		b[k] = t;
	}
	k++;
	config_fmt_duration(cf->interval_ms, d, sizeof(d));
	b[k++] = xstrdup(d);
	b[k++] = xstrdup(cf->docker_socket);
	b[k++] = xstrdup(cf->docker_data_root);
	b[k++] = xstrdup(cf->control_socket);
	b[k++] = xstrdup(cf->metrics_listen);
	b[k++] = xstrdup(cf->alert_webhook);
	b[k++] = xstrdup(cf->mode == MODE_ENFORCE ? "enforce" : "monitor");
	b[k++] = xasprintf("%" PRIu64, cf->max_actions_per_minute);
	b[k++] = xstrdup(cf->ignore_unified ? "ignore" : "use");
	b[k++] = xstrdup(cf->control_group);
	b[k++] = xstrdup(cf->control_admin_group);
	b[k++] = xstrdup(cf->podman_socket);
	b[k++] = xstrdup(cf->containerd_state);
	b[k++] = xstrdup(cf->crio_storage);
	fprintf(f, "[global]\n");
	for (k = 0; k < NGLOBAL; k++) {
		print_kv(f, cf, global_keys[k], b[k], &cf->gfrom[k], 0);
		free(b[k]);
	}
	fprintf(f, "\n[defaults]\n");
	rule_print(cf, &cf->defaults, 0, f);
	for (size_t i = 0; i < cf->nimages; i++) {
		const struct rule *r = &cf->images[i];

		fprintf(f, "\n[image \"%s\"]\n", r->pattern);
		if (r->namespace != NULL)
			print_kv(f, cf, "namespace", r->namespace, &r->sel_from[0], 0);
		if (r->pod != NULL)
			print_kv(f, cf, "pod", r->pod, &r->sel_from[1], 0);
		rule_print(cf, r, 1, f);
	}
}

/* Whether a blank-separated glob list (NULL: anything) takes v (NULL: unknown). */
static int
select_match(const char *globs, const char *v)
{
	char *copy, *tok, *save = NULL;
	int hit = 0;

	if (globs == NULL)
		return 1;
	if (v == NULL)
		return 0;
	copy = xstrdup(globs);
	for (tok = strtok_r(copy, " \t", &save); tok && !hit; tok = strtok_r(NULL, " \t", &save))
		hit = fnmatch(tok, v, 0) == 0;
	free(copy);
	return hit;
}

/*
 * The rule of a container: the first image section in file order whose
 * pattern matches its image and, when the section has namespace or pod
 * keys, whose pod's namespace and name match them; else [defaults].
 */
const struct rule *
config_match_pod(const struct config *cf, const char *image, const char *namespace,
    const char *pod)
{
	if (image != NULL)
		for (size_t i = 0; i < cf->nimages; i++) {
			const struct rule *r = &cf->images[i];

			if (image_match(r->pattern, image) && select_match(r->namespace, namespace) &&
			    select_match(r->pod, pod))
				return r;
		}
	return &cf->defaults;
}

/* The rule for an image, of a container in no pod. */
const struct rule *
config_match(const struct config *cf, const char *image)
{
	return config_match_pod(cf, image, NULL, NULL);
}

/* A group by name (from the group database) or number: 0, or -1. */
static int
config_parse_group(const char *s, long long *gid)
{
	struct group *gr;
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s != '\0' && *end == '\0' && errno == 0 && v >= 0 && v < 0x7fffffff) {
		*gid = v;
		return 0;
	}
	if ((gr = getgrnam(s)) == NULL)
		return -1;
	*gid = gr->gr_gid;
	return 0;
}
