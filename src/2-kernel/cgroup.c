/*
 * Cgroup hierarchies and file access.
 *
 * Mounts come from /proc/self/mountinfo rather than libcgroup's mount
 * table: libcgroup keeps one process-global table built from /proc/mounts,
 * cannot be pointed at another cgroup_root (tests, nested hosts) and, in
 * Debian 12's 2.0, sees a hybrid host's unified mount only as "cgroup2"
 * without its controllers.  Reads are pread() on held fds: the sampling
 * hot path allocates nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "config.h"
#include "xmalloc.h"

static const char *const ctrl_names[CTRL_COUNT] = {
	"pids", "memory", "cpu", "cpuacct", "freezer",
};

static unsigned
ctrl_bits(const char *list, const char *sep)
{
	char *copy = xstrdup(list), *tok, *save = NULL;
	unsigned bits = 0;

	for (tok = strtok_r(copy, sep, &save); tok; tok = strtok_r(NULL, sep, &save))
		for (int c = 0; c < CTRL_COUNT; c++)
			if (strcmp(tok, ctrl_names[c]) == 0)
				bits |= 1u << c;
	free(copy);
	return bits;
}

static int
under_root(const char *mnt, const char *root)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	return strncmp(mnt, root, n) == 0 && (mnt[n] == '\0' || mnt[n] == '/');
}

/* Notes a mount that detection leaves out, in out->ignored for the log. */
static void
ignore_mount(struct hierarchy *out, const char *mnt, const char *why)
{
	size_t off = strlen(out->ignored), room = sizeof(out->ignored) - off;
	int w;

	out->nignored++;
	if (room < 4)
		return; /* already ended with "..." */
	w = snprintf(out->ignored + off, room, "%s%s (%s)", off ? ", " : "", mnt, why);
	if (w < 0 || (size_t)w >= room)
		memcpy(out->ignored + sizeof(out->ignored) - 4, "...", 4);
}

/* Whether the comma-separated options hold opt. */
static int
has_opt(const char *opts, const char *opt)
{
	size_t len = strlen(opt);

	for (const char *p = opts; (p = strstr(p, opt)) != NULL; p += len)
		if ((p == opts || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
			return 1;
	return 0;
}

/*
 * Whether this kernel's cgroup2 counts a refused fork in the cgroups
 * above the one that forked (Linux 6.10 made it so, and added the
 * pids_localevents mount option, listed in the features, for the old
 * way); before, and on v1, only that cgroup counts it.  Read once.
 */
static int
pids_events_up(void)
{
	static int up = -1;
	char buf[512];
	int fd, n;

	if (up >= 0)
		return up;
	up = 0;
	if ((fd = open("/sys/kernel/cgroup/features", O_RDONLY | O_CLOEXEC)) >= 0) {
		if ((n = cgroup_pread(fd, buf, sizeof(buf))) > 0)
			for (char *t = strtok(buf, "\n"); t != NULL; t = strtok(NULL, "\n"))
				up |= strcmp(t, "pids_localevents") == 0;
		close(fd);
	}
	return up;
}

/*
 * Finds the cgroup mounts below root (v1 controllers and one cgroup2
 * mount) and the host's layout.  A v1 mount is kept only for a controller
 * no mount before it has (a stacked or duplicated mount adds nothing), so
 * that the v2 mount always has its place; the ones left out are counted
 * and named in out->ignored.  hide_v2 ignores the cgroup2 mount of a
 * hybrid host (unified_tree = ignore), for running as on a pure v1 host;
 * a pure v2 host keeps it.  Returns 0, or -1 with err set.
 */
int
cgroup_detect(const char *root, const char *mountinfo, int hide_v2,
    struct hierarchy *out, char *err, size_t errlen)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	unsigned have = 0;
	int nv1 = 0;
	struct hier v2 = { 0 };

	memset(out, 0, sizeof(*out));
	if ((f = fopen(mountinfo, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", mountinfo, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		char mroot[4096], mnt[4096], fstype[64], superopts[4096];
		char *dash = strstr(line, " - ");

		if (dash == NULL ||
		    sscanf(line, "%*s %*s %*s %4095s %4095s", mroot, mnt) != 2 ||
		    sscanf(dash + 3, "%63s %*s %4095s", fstype, superopts) != 2)
			continue;
		if (!under_root(mnt, root))
			continue;
		if (strcmp(fstype, "cgroup") == 0) {
			unsigned bits = ctrl_bits(superopts, ",");

			if (bits == 0)
				continue; /* name=systemd and friends: nothing to enforce */
			if ((bits & ~have) == 0) {
				ignore_mount(out, mnt, "its controllers are mounted before it");
				continue;
			}
			/* Each kept v1 mount adds a controller: CTRL_COUNT at most. */
			if (out->n >= MAX_HIER - 1) {
				ignore_mount(out, mnt, "too many cgroup v1 mounts");
				continue;
			}
			out->h[out->n].mount = xstrdup(mnt);
			out->h[out->n].ctrls = bits;
			out->n++;
			have |= bits;
			nv1++;
		} else if (strcmp(fstype, "cgroup2") == 0 && v2.mount != NULL) {
			ignore_mount(out, mnt, "a second cgroup2 mount");
		} else if (strcmp(fstype, "cgroup2") == 0) {
			char path[4200], buf[512] = "";
			int fd;

			snprintf(path, sizeof(path), "%s/cgroup.controllers", mnt);
			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
				if (cgroup_pread(fd, buf, sizeof(buf)) < 0)
					buf[0] = '\0';
				close(fd);
			}
			/* Kept aside so that v1 mounts come first. */
			v2.mount = xstrdup(mnt);
			v2.v2 = 1;
			v2.ctrls = ctrl_bits(buf, " \n");
			/* v2 accounts CPU time in cpu.stat on every cgroup. */
			v2.ctrls |= 1u << CTRL_CPUACCT;
			/* cgroup.freeze is core v2, no controller needed. */
			v2.ctrls |= 1u << CTRL_FREEZER;
			v2.pids_up = !has_opt(superopts, "pids_localevents") && pids_events_up();
		}
	}
	free(line);
	fclose(f);
	if (v2.mount != NULL && hide_v2 && nv1) {
		free(v2.mount);
		v2.mount = NULL;
	}
	if (v2.mount != NULL)
		out->h[out->n++] = v2;
	if (nv1 && v2.mount != NULL)
		out->layout = LAYOUT_HYBRID;
	else if (nv1)
		out->layout = LAYOUT_V1;
	else if (v2.mount != NULL)
		out->layout = LAYOUT_V2;
	else {
		snprintf(err, errlen, "no cgroup filesystem mounted under %s", root);
		return -1;
	}
	return 0;
}

void
cgroup_hierarchy_free(struct hierarchy *hs)
{
	for (size_t i = 0; i < hs->n; i++)
		free(hs->h[i].mount);
	hs->n = 0;
}

const char *
cgroup_layout_name(enum layout l)
{
	switch (l) {
	case LAYOUT_V1: return "cgroup v1";
	case LAYOUT_HYBRID: return "hybrid (cgroup v1 controllers + cgroup v2)";
	case LAYOUT_V2: return "cgroup v2";
	case LAYOUT_NONE: break;
	}
	return "none";
}

/* One line for the log: the layout and each mount with its controllers. */
void
cgroup_describe(const struct hierarchy *hs, char *buf, size_t len)
{
	size_t off;

	off = (size_t)snprintf(buf, len, "%s:", cgroup_layout_name(hs->layout));
	for (size_t i = 0; i < hs->n && off < len; i++) {
		off += (size_t)snprintf(buf + off, len - off, " %s%s(", hs->h[i].mount,
		    hs->h[i].v2 ? "[v2]" : "");
		int first = 1;
		for (int c = 0; c < CTRL_COUNT && off < len; c++)
			if (hs->h[i].ctrls & (1u << c)) {
				off += (size_t)snprintf(buf + off, len - off, "%s%s",
				    first ? "" : ",", ctrl_names[c]);
				first = 0;
			}
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, ")");
	}
}

/* Reads a whole small kernel file from offset 0, NUL-terminated: length or -errno. */
int
cgroup_pread(int fd, char *buf, size_t len)
{
	ssize_t n;

	if (fd < 0)
		return -EBADF;
	n = pread(fd, buf, len - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

/* Parses a number or "max" (LIMIT_MAX); trailing whitespace is allowed. */
int
cgroup_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (strncmp(s, "max", 3) == 0) {
		*v = LIMIT_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	return 0;
}

/* Finds "key value" in the text of a flat-keyed file (pids.events, cpu.stat). */
int
cgroup_find_key(const char *buf, const char *key, uint64_t *v)
{
	size_t klen = strlen(key);

	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
			return cgroup_parse_u64(p + klen + 1, v);
	return -ENOENT;
}

/* Writes val to a kernel file: 0 or -errno. */
int
cgroup_write(const char *path, const char *val)
{
	int fd, rc = 0;
	size_t len = strlen(val);
	ssize_t w;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -errno;
	w = write(fd, val, len);
	if (w < 0)
		rc = -errno;
	else if ((size_t)w != len)
		rc = -EIO;
	close(fd);
	return rc;
}

/* Whether a v1 mount carries the controller (then v2 is not asked for it). */
int
cgroup_has_v1(const struct hierarchy *hs, enum ctrl c)
{
	for (size_t i = 0; i < hs->n; i++)
		if (!hs->h[i].v2 && (hs->h[i].ctrls & (1u << c)))
			return 1;
	return 0;
}
