/*
 * A container's directory in one hierarchy and its kernel files: opened
 * once at discovery and read with pread(2) on the held fds; past the fd
 * budget, opened at each read.  Also the cgwarden.* notes that
 * let a restarted daemon know what it did.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cgfile.h"
#include "log.h"
#include "xmalloc.h"

#define MAX_PROCS_READ (256u << 10) /* bytes of cgroup.procs read for evidence or kill */
#define MAX_NEST_DEPTH 16           /* levels of a container's own cgroups read below it */

static long held_fds, fd_budget = -1; /* files held open, and how many may be */
static int fd_limit_warned;
static char procs_buf[MAX_PROCS_READ];

static const char *const v1_files[CF_COUNT] = {
	[CF_PIDS_CUR] = "pids.current",
	[CF_PIDS_EVENTS] = "pids.events",
	[CF_PIDS_MAX] = "pids.max",
	[CF_MEM_CUR] = "memory.usage_in_bytes",
	[CF_MEM_MAX] = "memory.limit_in_bytes",
	[CF_CPU_USAGE] = "cpuacct.usage",
	[CF_CPU_MAX] = "cpu.cfs_quota_us",
	[CF_CPU_PERIOD] = "cpu.cfs_period_us",
	[CF_FREEZE] = "freezer.state",
};

static const char *const v2_files[CF_COUNT] = {
	[CF_PIDS_CUR] = "pids.current",
	[CF_PIDS_EVENTS] = "pids.events",
	[CF_PIDS_MAX] = "pids.max",
	[CF_MEM_CUR] = "memory.current",
	[CF_MEM_MAX] = "memory.max",
	[CF_CPU_USAGE] = "cpu.stat",
	[CF_CPU_MAX] = "cpu.max",
	[CF_CPU_PERIOD] = NULL,
	[CF_FREEZE] = "cgroup.events",
};

static const enum ctrl file_ctrl[CF_COUNT] = {
	[CF_PIDS_CUR] = CTRL_PIDS,
	[CF_PIDS_EVENTS] = CTRL_PIDS,
	[CF_PIDS_MAX] = CTRL_PIDS,
	[CF_MEM_CUR] = CTRL_MEMORY,
	[CF_MEM_MAX] = CTRL_MEMORY,
	[CF_CPU_USAGE] = CTRL_CPUACCT,
	[CF_CPU_MAX] = CTRL_CPU,
	[CF_CPU_PERIOD] = CTRL_CPU,
	[CF_FREEZE] = CTRL_FREEZER,
};

/* The absolute path of the directory. */
const char *
cg_path(const struct cg *g, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", g->mount, g->rel);
	return buf;
}

/* The path of one of its files: 0, or -ENAMETOOLONG. */
int
cg_file_path(const struct cg *g, const char *file, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s/%s", g->mount, g->rel, file) >= (int)len ?
	    -ENAMETOOLONG : 0;
}

const char *
cg_filename(const struct cg *g, enum cfile f)
{
	return (g->v2 ? v2_files : v1_files)[f];
}

/* Reads a whole small file of the cgroup, NUL-terminated: its length or -errno. */
int
cg_read(const struct cg *g, enum cfile f, char *buf, size_t len)
{
	if (g == NULL || g->fd[f] == -1)
		return -ENOENT;
	if (g->fd[f] >= 0)
		return cgroup_pread(g->fd[f], buf, len);
	return cg_read_file(g, cg_filename(g, f), buf, len);
}

/* Reads a small file of the cgroup by name, opened for this read: length or -errno. */
int
cg_read_file(const struct cg *g, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	int fd, rc;

	if ((rc = cg_file_path(g, file, path, sizeof(path))) < 0)
		return rc;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	rc = cgroup_pread(fd, buf, len);
	close(fd);
	return rc;
}

int
cg_read_u64(const struct cg *g, enum cfile f, uint64_t *v)
{
	char buf[64];
	int rc;

	if ((rc = cg_read(g, f, buf, sizeof(buf))) < 0)
		return rc;
	return cgroup_parse_u64(buf, v);
}

int
cg_read_key(const struct cg *g, enum cfile f, const char *key, uint64_t *v)
{
	char buf[1024];
	int rc;

	if ((rc = cg_read(g, f, buf, sizeof(buf))) < 0)
		return rc;
	return cgroup_find_key(buf, key, v);
}

int
cg_write(const struct cg *g, const char *file, const char *val)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = cg_file_path(g, file, path, sizeof(path))) < 0)
		return rc;
	return cgroup_write(path, val);
}

/* Appends what fd holds to procs_buf from *len on, as far as it has room. */
static void
procs_append(int fd, size_t *len)
{
	ssize_t n;

	while (*len < sizeof(procs_buf) - 1 &&
	    (n = read(fd, procs_buf + *len, sizeof(procs_buf) - 1 - *len)) > 0)
		*len += (size_t)n;
}

/*
 * Calls fn with each cgroup directory below dfd (open, and its inode: on
 * cgroup2 its cgroup id), depth first: a container may make cgroups of
 * its own (systemd or Docker inside it, a private cgroup namespace), and
 * a kill, a stop, the evidence and the count of refused forks must reach
 * them too.  A cgroup that goes meanwhile, or an fd the limit refuses, is
 * skipped; fn returns nonzero to stop the walk, and that is returned.
 */
static int
each_below(int dfd, int depth, int (*fn)(int dirfd, uint64_t ino, void *), void *arg)
{
	struct dirent *de;
	DIR *d;
	int fd, stop = 0;

	if (depth >= MAX_NEST_DEPTH || (fd = dup(dfd)) < 0)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while (!stop && (de = readdir(d)) != NULL) {
		int sub;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) < 0)
			continue;
		stop = fn(sub, (uint64_t)de->d_ino, arg) || each_below(sub, depth + 1, fn, arg);
		close(sub);
	}
	closedir(d);
	return stop;
}

/* each_below on the cgroup's own directory: 0 when it cannot be opened. */
int
cg_walk_below(const struct cg *g, int (*fn)(int dirfd, uint64_t ino, void *), void *arg)
{
	char path[PATH_MAX];
	int fd, stop;

	if ((fd = open(cg_path(g, path, sizeof(path)), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	stop = each_below(fd, 0, fn, arg);
	close(fd);
	return stop;
}

/* Appends a cgroup's cgroup.procs to procs_buf; stops when it is full. */
static int
append_procs(int dirfd, uint64_t ino, void *arg)
{
	size_t *len = arg;
	int fd;

	(void)ino;
	if ((fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC)) >= 0) {
		procs_append(fd, len);
		close(fd);
	}
	return *len >= sizeof(procs_buf) - 1;
}

int
cg_read_procs(const struct cg *g, const char **procs)
{
	char path[PATH_MAX];
	size_t len = 0;
	char *nl;
	int fd, rc;

	*procs = procs_buf;
	procs_buf[0] = '\0';
	if ((rc = cg_file_path(g, "cgroup.procs", path, sizeof(path))) < 0)
		return rc;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	procs_append(fd, &len);
	close(fd);
	cg_walk_below(g, append_procs, &len);
	/* A list cut at the buffer's end ends at its last whole pid. */
	if (len == sizeof(procs_buf) - 1 && (nl = memrchr(procs_buf, '\n', len)) != NULL)
		len = (size_t)(nl + 1 - procs_buf);
	procs_buf[len] = '\0';
	return (int)len;
}

/* Adds a cgroup's refused forks (its pids.events "max") to the sum. */
static int
add_refused(int dirfd, uint64_t ino, void *arg)
{
	uint64_t *sum = arg, v;
	char buf[64];
	int fd, rc;

	(void)ino;
	if ((fd = openat(dirfd, "pids.events", O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	rc = cgroup_pread(fd, buf, sizeof(buf));
	close(fd);
	if (rc > 0 && cgroup_find_key(buf, "max", &v) == 0)
		*sum += v;
	return 0;
}

/*
 * Forks refused by pids.max in the container.  cgroup2 since Linux 6.10
 * counts a refusal in the cgroup whose limit refused it and in every one
 * above; v1, and cgroup2 before (or mounted pids_localevents), count it
 * only in the cgroup that forked (pids_leaf), so where the container has
 * made cgroups of its own (nested), theirs are added.
 */
int
cg_read_refused(const struct cg *g, uint64_t *v)
{
	int rc;

	if ((rc = cg_read_key(g, CF_PIDS_EVENTS, "max", v)) < 0 || !g->pids_leaf || !g->nested)
		return rc;
	cg_walk_below(g, add_refused, v);
	return 0;
}

static int
is_id(int dirfd, uint64_t ino, void *arg)
{
	(void)dirfd;
	return ino == *(const uint64_t *)arg;
}

/* Whether the cgroup2 id is that of a cgroup made below this one (nested only). */
int
cg_holds_below(const struct cg *g, uint64_t id)
{
	return g->v2 && g->nested && cg_walk_below(g, is_id, &id);
}

/*
 * Whether the container has made cgroups of its own: a cgroupfs
 * directory's link count is 2 and one more for each directory below.
 */
void
cg_recheck_nested(struct cg *g)
{
	char path[PATH_MAX];
	struct stat st;

	if (stat(cg_path(g, path, sizeof(path)), &st) == 0)
		g->nested = st.st_nlink > 2;
}

/*
 * Notes are xattrs of the directory: user.cgwarden.<key> where root owns
 * it (cgroupfs keeps user xattrs since Linux 5.7, and writing them there
 * takes no capability), else trusted.cgwarden.<key> (CAP_SYS_ADMIN): a
 * directory delegated to someone could hold user.* notes of its owner's,
 * and kernels without user xattrs on cgroupfs have only trusted.*.  A
 * trusted.* note is still read where user.* has none (written by an
 * older cgwardend with CAP_SYS_ADMIN).  A note the kernel refuses is said
 * once at warning level: without its notes a restarted cgwardend cannot
 * tell what it froze or killed.
 */
static int
note_names(const struct cg *g, const char *key, char *path, size_t len, char user[64],
    char trusted[64])
{
	struct stat st;

	if (cg_path(g, path, len) == NULL || stat(path, &st) < 0)
		return -1;
	snprintf(user, 64, "user.cgwarden.%s", key);
	snprintf(trusted, 64, "trusted.cgwarden.%s", key);
	if (st.st_uid != 0)
		user[0] = '\0'; /* not root's: its owner could have written it */
	return 0;
}

void
cg_note_set(const struct cg *g, const char *key, const char *val)
{
	static int said;
	char path[PATH_MAX], user[64], trusted[64];
	const char *name = user;

	if (note_names(g, key, path, sizeof(path), user, trusted) < 0)
		return;
	if (val == NULL) {
		if (user[0])
			removexattr(path, user);
		removexattr(path, trusted);
		return;
	}
	if (user[0] && setxattr(path, user, val, strlen(val), 0) == 0)
		return;
	if (!user[0] || errno == EOPNOTSUPP) {
		name = trusted;
		if (setxattr(path, trusted, val, strlen(val), 0) == 0)
			return;
	}
	if (errno == ENOENT)
		return; /* the cgroup is gone */
	if (!said++)
		log_warnx("%s: cannot record %s (%s): a restarted cgwardend will not know "
		    "what it did to this container; said once", path, name, strerror(errno));
	else
		log_debug("%s: setxattr %s: %s", path, name, strerror(errno));
}

int
cg_note_get(const struct cg *g, const char *key, char *buf, size_t len)
{
	char path[PATH_MAX], user[64], trusted[64];
	ssize_t n = -1;

	if (len < 2 || note_names(g, key, path, sizeof(path), user, trusted) < 0)
		return -1;
	if (user[0])
		n = getxattr(path, user, buf, len - 1);
	if (n <= 0)
		n = getxattr(path, trusted, buf, len - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

/*
 * Files read every pass (pids.current) or at the fast rate (pids.events)
 * are held open: two per container, so 5,000 fit in a 20,000-fd limit.
 * The others (limits, usage, the freezer) are read when someone asks and
 * opened then.
 */
static int
held(enum cfile f)
{
	return f == CF_PIDS_CUR || f == CF_PIDS_EVENTS;
}

/* Files read only to sample, never written: one hierarchy is enough. */
static int
sample_only(enum cfile f)
{
	return f == CF_PIDS_CUR || f == CF_PIDS_EVENTS || f == CF_MEM_CUR || f == CF_CPU_USAGE;
}

/*
 * Opens a file to hold; past the fd budget (the open-file limit less a
 * reserve for discovery, the sockets and the logs) it is opened at each
 * read instead, and that is said once.
 */
static int
open_file(const char *path)
{
	struct rlimit rl;
	int fd;

	if (fd_budget < 0) {
		fd_budget = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ?
		    (long)rl.rlim_cur : 1024;
		fd_budget -= fd_budget / 2 < 64 ? fd_budget / 2 : 64;
	}
	if (held_fds >= fd_budget)
		fd = -1, errno = EMFILE;
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd > CG_FD_MAX) {
		close(fd);
		fd = -1, errno = EMFILE;
	}
	if (fd >= 0) {
		held_fds++;
		return fd;
	}
	if (errno == EMFILE || errno == ENFILE) {
		if (!fd_limit_warned)
			log_warnx("open file limit reached (%ld held): from now on some container "
			    "files are opened at each read (raise LimitNOFILE)", held_fds);
		fd_limit_warned = 1;
		return FD_ONDEMAND;
	}
	return -1;
}

struct cg *
cg_open(const struct hierarchy *hs, int hidx, char *rel)
{
	const struct hier *h = &hs->h[hidx];
	const char *const *names = h->v2 ? v2_files : v1_files;
	char fpath[PATH_MAX];
	struct stat st;
	struct cg *g = xcalloc(1, sizeof(*g));

	g->hidx = (uint8_t)hidx;
	g->v2 = (uint8_t)(h->v2 != 0);
	g->pids_leaf = (uint8_t)!h->pids_up;
	g->mount = h->mount;
	g->rel = rel;
	/* A cgroup2 directory's inode is its cgroup id, as BPF tells it. */
	if (cg_path(g, fpath, sizeof(fpath)) != NULL && stat(fpath, &st) == 0) {
		g->ino = (uint64_t)st.st_ino;
		g->nested = st.st_nlink > 2;
	}
	for (int f = 0; f < CF_COUNT; f++) {
		g->fd[f] = -1;
		if (names[f] == NULL || !(h->ctrls & (1u << file_ctrl[f])))
			continue;
		/* On hybrid hosts the v1 controllers count; v2 only freezes and kills. */
		if (h->v2 && sample_only(f) && cgroup_has_v1(hs, file_ctrl[f]))
			continue;
		if (cg_file_path(g, names[f], fpath, sizeof(fpath)) < 0)
			continue;
		if (!held(f))
			g->fd[f] = access(fpath, F_OK) == 0 ? FD_ONDEMAND : -1;
		else
			g->fd[f] = (int16_t)open_file(fpath);
	}
	return g;
}

void
cg_close(struct cg *g)
{
	if (g == NULL)
		return;
	for (int f = 0; f < CF_COUNT; f++)
		if (g->fd[f] >= 0) {
			close(g->fd[f]);
			held_fds--;
		}
	free(g);
}
