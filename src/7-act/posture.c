/*
 * Security posture with I/O.  An audit asks Docker for /info, /version
 * and the running containers, inspects each (a few at a time, never
 * blocking the loop), reads the host's side (the socket's owner and
 * mode, the dockerd process serving it: its command line, daemon.json
 * and TCP listeners), hands it all to audit.c and replies to the client.
 * Every container start is checked from the inspect docker.c already
 * made, and the findings it did not have are emitted as events.
 * Read-only: nothing is changed, only GETs are made.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "control.h"
#include "docker.h"
#include "jtext.h"
#include "limitfile.h"
#include "events.h"
#include "httpc.h"
#include "log.h"
#include "posture.h"
#include "notice.h"
#include "xmalloc.h"

#define MAX_REPLY (1u << 20)      /* bytes of one Docker reply */
#define MAX_LIST (8u << 20)       /* bytes of GET /containers/json */
#define TIMEOUT_MS 10000
#define NINSPECT 8                /* inspects in flight at once */
#define NSLOTS (3 + NINSPECT)
#define MAX_SOCKS 3
#define MAX_CMDLINE (64u << 10)
#define MAX_DAEMON_JSON (256u << 10)
#define MAX_LISTEN 16

enum rkind { R_INFO, R_VERSION, R_LIST, R_INSPECT };

struct run;

/* One request in flight. */
struct slot {
	struct run *run;
	struct httpc_req *hr;   /* NULL: free */
	enum rkind kind;
	size_t idx;             /* R_INSPECT: which item */
};

struct item {
	char id[ID_LEN + 1];
	struct json_object *inspect;  /* NULL: gone meanwhile, or failed */
	char *err;
};

/* One `cgwardenctl audit` being answered. */
struct run {
	struct posture *p;
	struct ctl_client *cl;
	char *sock;
	char *data_root; /* Docker's: hostconfig.json where an inspect is too large */
	struct json_object *info, *version;
	struct item *items;
	size_t nitems, next;    /* next item to inspect */
	int listed;             /* GET /containers/json answered */
	unsigned inflight;
	struct slot slots[NSLOTS];
	struct run *nextrun;
};

struct posture {
	struct httpc *h;
	struct ctable *t;
	struct run *runs;
};

/* The findings of a container's last inspect, until it is gone. */
struct held {
	char id[ID_LEN + 1];
	struct audit_list l;
};

/* By id, sorted, for the lookup of every container at every scrape. */
static struct held **held;
static size_t nheld, heldcap;

/* The Docker sockets a bind mount could expose, resolved. */
struct socks {
	size_t n;
	char path[MAX_SOCKS][PATH_MAX];
	char real[MAX_SOCKS][PATH_MAX];
};

static struct json_object *
parse_json(const char *s, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(32);
	struct json_object *o;

	if (tok == NULL)
		fatalx("out of memory");
	o = json_tokener_parse_ex(tok, s, (int)len);
	json_tokener_free(tok);
	return o;
}

/* The configured socket and the usual paths, when they are sockets. */
static void
socks_init(struct socks *s, const char *sock)
{
	const char *cand[MAX_SOCKS] = { sock, "/run/docker.sock", "/var/run/docker.sock" };
	struct stat st;
	char real[PATH_MAX];

	s->n = 0;
	for (int i = 0; i < MAX_SOCKS; i++) {
		size_t j;

		if (cand[i] == NULL || *cand[i] == '\0' || stat(cand[i], &st) < 0 ||
		    !S_ISSOCK(st.st_mode) || realpath(cand[i], real) == NULL)
			continue;
		for (j = 0; j < s->n; j++)
			if (strcmp(s->real[j], real) == 0)
				break;
		if (j < s->n)
			continue;
		snprintf(s->path[s->n], PATH_MAX, "%s", cand[i]);
		snprintf(s->real[s->n], PATH_MAX, "%s", real);
		s->n++;
	}
}

/* audit_sock_fn: resolves the mount's source as the kernel did when it bound it. */
static int
exposes_socket(const char *path, const char **sock, void *arg)
{
	struct socks *s = arg;
	char real[PATH_MAX];
	size_t n;

	if (realpath(path, real) == NULL)
		return 0;
	n = strlen(real);
	for (size_t i = 0; i < s->n; i++) {
		*sock = s->path[i];
		if (strcmp(real, s->real[i]) == 0)
			return 1;
		if (strcmp(real, "/") == 0 ||
		    (strncmp(s->real[i], real, n) == 0 && s->real[i][n] == '/'))
			return 2;
	}
	return 0;
}

int
posture_exposes(const char *path, const char *sock, char *which, size_t len)
{
	struct socks s;
	const char *w = NULL;
	int r;

	socks_init(&s, sock);
	if ((r = exposes_socket(path, &w, &s)) > 0)
		snprintf(which, len, "%s", w);
	return r;
}

/* Where id is in held, or would be: *found says which. */
static size_t
held_index(const char *id, int *found)
{
	size_t lo = 0, hi = nheld;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(held[mid]->id, id);

		if (cmp == 0) {
			*found = 1;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The entry of id, made empty when it has none. */
static struct held *
held_get(const char *id)
{
	int found;
	size_t i = held_index(id, &found);
	struct held *h;

	if (found)
		return held[i];
	if (nheld == heldcap) {
		heldcap = heldcap ? heldcap * 2 : 64;
		held = xreallocarray(held, heldcap, sizeof(*held));
	}
	h = xcalloc(1, sizeof(*h));
	snprintf(h->id, sizeof(h->id), "%s", id);
	memmove(&held[i + 1], &held[i], (nheld - i) * sizeof(*held));
	held[i] = h;
	nheld++;
	return h;
}

const struct audit_list *
posture_findings(const char *id)
{
	int found;
	size_t i = held_index(id, &found);

	return found ? &held[i]->l : NULL;
}

void
posture_forget(const char *id)
{
	int found;
	size_t i = held_index(id, &found);

	if (!found)
		return;
	audit_list_free(&held[i]->l);
	free(held[i]);
	memmove(&held[i], &held[i + 1], (nheld - i - 1) * sizeof(*held));
	nheld--;
}

/* The limits the container's cgroup holds it to now. */
static void
read_limits(const struct container *c, struct audit_limits *eff)
{
	static const enum cfile file[KNOB_COUNT] = { CF_PIDS_MAX, CF_MEM_MAX, CF_CPU_MAX };

	memset(eff, 0, sizeof(*eff));
	for (int k = 0; k < KNOB_COUNT; k++)
		if (container_src(c, file[k]) != NULL &&
		    limit_read(container_src(c, file[k]), (enum knob)k, &eff->v[k]) == 0)
			eff->known |= 1u << k;
}

static int
had(const struct audit_list *old, const struct audit_finding *f)
{
	for (size_t i = 0; old && i < old->n; i++)
		if (strcmp(old->f[i].check, f->check) == 0 && old->f[i].sev == f->sev &&
		    (old->f[i].cis == f->cis || (old->f[i].cis && f->cis &&
		    strcmp(old->f[i].cis, f->cis) == 0)))
			return 1;
	return 0;
}

/*
 * on_docker_socket: the alert is the event itself.  freeze and kill are
 * the fork-bomb guard's actions; when it exists, it is called here.
 */
static const char *
socket_policy(const struct container *c)
{
	/* The caller (the guard) carries out freeze or kill. */
	return c->rule != NULL ? config_action_name(c->rule->on_docker_socket) : "alert";
}

static void
emit(const struct container *c, const struct audit_finding *f)
{
	struct notice n;

	notice_init(&n, GEV_POSTURE, c);
	/* A finding is about configuration, not the counts of the moment. */
	n.e.pids_current = n.e.fork_failures = UINT64_MAX;
	n.e.action = strcmp(f->check, "docker-socket-mounted") == 0 ? socket_policy(c) : "alert";
	n.e.reason = f->evidence;
	n.e.check = f->check;
	n.e.severity = audit_sev_name(f->sev);
	notice_emit(&n, "posture: container %s image %s: %s (%s%s%s): %s; fix: %s", n.label,
	    c->image ? c->image : "?", f->check, audit_sev_name(f->sev), f->cis ? ", CIS " : "",
	    f->cis ? f->cis : "", f->evidence, f->fix);
}

/*
 * The container's new findings l replace its old ones, and those it did
 * not have are told once.  Info findings stay in the list, untold.
 * Returns 1 when the socket mount is new (the caller applies the rule's
 * on_docker_socket), else 0.
 */
static int
replace_findings(const struct container *c, struct audit_list l)
{
	struct held *h = held_get(c->id);
	int socket_new = 0;

	for (size_t i = 0; i < l.n; i++)
		if (l.f[i].sev != AUDIT_INFO && !had(&h->l, &l.f[i])) {
			emit(c, &l.f[i]);
			if (strcmp(l.f[i].check, "docker-socket-mounted") == 0)
				socket_new = 1;
		}
	audit_list_free(&h->l);
	h->l = l;
	return socket_new;
}

/* Docker described a container (start, update, reconnect). */
int
posture_inspected(const struct container *c, struct json_object *inspect, const char *sock)
{
	struct audit_list l = { 0 };
	struct audit_limits eff;
	struct socks s;

	socks_init(&s, sock);
	read_limits(c, &eff);
	if (audit_container(inspect, &eff, exposes_socket, &s, &l) < 0) {
		audit_list_free(&l);
		return 0;
	}
	return replace_findings(c, l);
}

/*
 * containerd or CRI-O wrote the container's OCI spec (its bundle's
 * config.json): the same, sock being that runtime's socket.  A pod's
 * sandbox is the pod's, not a workload: not checked.
 */
int
posture_spec(const struct container *c, struct json_object *spec, const char *sock)
{
	struct audit_list l = { 0 };
	struct socks s;

	if (c->sandbox)
		return 0;
	socks_init(&s, sock);
	if (audit_spec(spec, exposes_socket, &s, &l) < 0) {
		audit_list_free(&l);
		return 0;
	}
	return replace_findings(c, l);
}

/* ---- the host, read when an audit ends ---- */

static int
read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while (got + 1 < len && (n = read(fd, buf + got, len - got - 1)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	return (int)got;
}

static int
is_dockerd(int pid)
{
	char path[64], comm[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	return read_file(path, comm, sizeof(comm)) > 0 && strncmp(comm, "dockerd", 7) == 0;
}

/* The pid that listens on the socket: the peer's credentials, exact unless a
 * socket-activating systemd made it. */
static int
peer_pid(const char *sock)
{
	struct sockaddr_un sun;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd, pid = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock) >= (int)sizeof(sun.sun_path))
		return 0;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
		pid = cred.pid;
	close(fd);
	return pid;
}

/* Splits /proc/PID/cmdline into argv (pointers into buf). */
static size_t
read_cmdline(int pid, char *buf, size_t len, char ***argv)
{
	char path[64];
	size_t argc = 0;
	int n;

	*argv = NULL;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	if ((n = read_file(path, buf, len)) <= 0)
		return 0;
	for (int i = 0; i < n; i += (int)strlen(buf + i) + 1) {
		*argv = xreallocarray(*argv, argc + 1, sizeof(char *));
		(*argv)[argc++] = buf + i;
	}
	return argc;
}

/*
 * The dockerd serving sock: the socket's peer, else the dockerd whose
 * command line names the socket, else the only dockerd running.
 */
static int
find_dockerd(const char *sock, char *buf, size_t len)
{
	DIR *dir;
	struct dirent *de;
	int pid = peer_pid(sock), only = 0, count = 0;

	if (pid > 0 && is_dockerd(pid))
		return pid;
	if ((dir = opendir("/proc")) == NULL)
		return 0;
	pid = 0;
	while (pid == 0 && (de = readdir(dir)) != NULL) {
		char **argv;
		size_t argc;
		int p = atoi(de->d_name);

		if (p <= 0 || !is_dockerd(p))
			continue;
		only = p;
		count++;
		argc = read_cmdline(p, buf, len, &argv);
		for (size_t i = 0; i < argc; i++)
			if (strstr(argv[i], sock) != NULL)
				pid = p;
		free(argv);
	}
	closedir(dir);
	return pid ? pid : count == 1 ? only : 0;
}

/* One line of /proc/net/tcp or tcp6: 1 with "addr:port" and the inode if it listens. */
int
posture_parse_tcp(const char *line, int v6, char *addr, size_t len, unsigned long *inode)
{
	char local[64], st[8], ip[INET6_ADDRSTRLEN], *colon;
	unsigned port;

	if (sscanf(line, " %*s %63s %*s %7s %*s %*s %*s %*s %*s %lu", local, st, inode) != 3 ||
	    strcmp(st, "0A") != 0 || (colon = strchr(local, ':')) == NULL ||
	    sscanf(colon + 1, "%x", &port) != 1)
		return 0;
	*colon = '\0';
	if (!v6 && strlen(local) == 8) {
		struct in_addr a;

		a.s_addr = (uint32_t)strtoul(local, NULL, 16);
		inet_ntop(AF_INET, &a, ip, sizeof(ip));
		snprintf(addr, len, "%s:%u", ip, port);
	} else if (v6 && strlen(local) == 32) {
		struct in6_addr a;
		char word[9];

		/* Four 32-bit words, each in the kernel's byte order. */
		for (int i = 0; i < 4; i++) {
			memcpy(word, local + 8 * i, 8);
			word[8] = '\0';
			a.s6_addr32[i] = (uint32_t)strtoul(word, NULL, 16);
		}
		inet_ntop(AF_INET6, &a, ip, sizeof(ip));
		snprintf(addr, len, "[%s]:%u", ip, port);
	} else
		return 0;
	return 1;
}

/* The socket inodes among the process's fds. */
static size_t
socket_inodes(int pid, unsigned long **inodes)
{
	char path[64], target[64];
	struct dirent *de;
	size_t n = 0;
	unsigned long ino;
	DIR *dir;

	*inodes = NULL;
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	if ((dir = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		ssize_t k;

		if ((k = readlinkat(dirfd(dir), de->d_name, target, sizeof(target) - 1)) <= 0)
			continue;
		target[k] = '\0';
		if (sscanf(target, "socket:[%lu]", &ino) == 1) {
			*inodes = xreallocarray(*inodes, n + 1, sizeof(**inodes));
			(*inodes)[n++] = ino;
		}
	}
	closedir(dir);
	return n;
}

/* The TCP sockets the process listens on, in its network namespace. */
static size_t
tcp_listeners(int pid, char **out, size_t max)
{
	unsigned long *inodes, ino;
	size_t ni = socket_inodes(pid, &inodes), n = 0;

	for (int v6 = 0; v6 < 2 && ni; v6++) {
		char path[64], line[512], addr[96];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/net/tcp%s", pid, v6 ? "6" : "");
		if ((f = fopen(path, "re")) == NULL)
			continue;
		while (n < max && fgets(line, sizeof(line), f) != NULL) {
			if (!posture_parse_tcp(line, v6, addr, sizeof(addr), &ino))
				continue;
			for (size_t i = 0; i < ni; i++)
				if (inodes[i] == ino) {
					out[n++] = xstrdup(addr);
					break;
				}
		}
		fclose(f);
	}
	free(inodes);
	return n;
}

/* Reads the host's side and checks it. */
static void
check_host(struct run *r, struct audit_list *l)
{
	struct audit_host h;
	struct stat st;
	char *cmdline = xmalloc(MAX_CMDLINE), *dj = xmalloc(MAX_DAEMON_JSON);
	char *listen[MAX_LISTEN], **argv = NULL;
	struct group *gr;

	memset(&h, 0, sizeof(h));
	h.sock_path = r->sock;
	if (stat(r->sock, &st) == 0) {
		h.sock_ok = 1;
		h.sock_mode = st.st_mode;
		h.sock_uid = st.st_uid;
		h.sock_gid = st.st_gid;
		if ((gr = getgrgid(st.st_gid)) != NULL)
			h.sock_group = gr->gr_name;
	}
	if ((h.dockerd_pid = find_dockerd(r->sock, cmdline, MAX_CMDLINE)) > 0) {
		h.argc = read_cmdline(h.dockerd_pid, cmdline, MAX_CMDLINE, &argv);
		h.argv = (const char *const *)argv;
		h.nlisten = tcp_listeners(h.dockerd_pid, listen, MAX_LISTEN);
		h.listen = (const char *const *)listen;
		h.daemon_json_path = audit_daemon_json_path(h.argv, h.argc);
		if (read_file(h.daemon_json_path, dj, MAX_DAEMON_JSON) >= 0)
			h.daemon_json = dj;
	}
	h.info = r->info;
	h.version = r->version;
	audit_host(&h, l);
	for (size_t i = 0; i < h.nlisten; i++)
		free(listen[i]);
	free(argv);
	free(cmdline);
	free(dj);
}

/* ---- the audit run ---- */

static void run_free(struct run *);

static char *
error_json(const char *msg)
{
	struct json_object *o = json_object_new_object();
	char *s;

	json_object_object_add(o, "error", json_text(msg));
	s = xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

static void
run_fail(struct run *r, const char *msg)
{
	char *s = error_json(msg);

	log_warnx("audit: %s", msg);
	control_reply(r->cl, s);
	r->cl = NULL;
	free(s);
	run_free(r);
}

/*
 * The findings of sev that the specs of containerd's and CRI-O's
 * containers gave when their cgroups appeared (Docker lists only its own).
 */
static void
add_spec_findings(struct ctable *t, int sev, struct json_object *arr)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct container *c = t->c[i];
		const struct audit_list *l;

		if (!container_kubernetes(c) || (l = posture_findings(c->id)) == NULL)
			continue;
		for (size_t j = 0; j < l->n; j++)
			if ((int)l->f[j].sev == sev)
				json_object_array_add(arr, audit_finding_json(&l->f[j], c->id, c->name,
				    c->image));
	}
}

/* Every reply is in: the findings, worst first, host before containers. */
static void
run_finish(struct run *r)
{
	struct json_object *arr = json_object_new_array();
	struct audit_list host = { 0 }, *ctr = xcalloc(r->nitems ? r->nitems : 1, sizeof(*ctr));
	struct socks s;
	size_t nfind = 0;
	char *text;

	socks_init(&s, r->sock);
	check_host(r, &host);
	for (size_t i = 0; i < r->nitems; i++) {
		struct container *c = container_find(r->p->t, r->items[i].id);
		struct audit_limits eff = { 0 };

		if (r->items[i].inspect == NULL)
			continue;
		if (c != NULL)
			read_limits(c, &eff);
		audit_container(r->items[i].inspect, &eff, exposes_socket, &s, &ctr[i]);
	}
	for (int sev = 0; sev < AUDIT_NSEV; sev++) {
		for (size_t j = 0; j < host.n; j++)
			if ((int)host.f[j].sev == sev)
				json_object_array_add(arr, audit_finding_json(&host.f[j], NULL, NULL,
				    NULL));
		for (size_t i = 0; i < r->nitems; i++) {
			struct json_object *o = r->items[i].inspect, *cfg, *v;
			const char *name = NULL, *image = NULL;

			if (o == NULL)
				continue;
			if (json_object_object_get_ex(o, "Name", &v))
				name = json_object_get_string(v);
			if (name && *name == '/')
				name++;
			if (json_object_object_get_ex(o, "Config", &cfg) &&
			    json_object_object_get_ex(cfg, "Image", &v))
				image = json_object_get_string(v);
			for (size_t j = 0; j < ctr[i].n; j++)
				if ((int)ctr[i].f[j].sev == sev)
					json_object_array_add(arr, audit_finding_json(&ctr[i].f[j],
					    r->items[i].id, name, image));
		}
		add_spec_findings(r->p->t, sev, arr);
	}
	nfind = json_object_array_length(arr);
	text = xasprintf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	log_info("audit: %zu containers, %zu findings", r->nitems, nfind);
	control_reply(r->cl, text);
	r->cl = NULL;
	free(text);
	json_object_put(arr);
	audit_list_free(&host);
	for (size_t i = 0; i < r->nitems; i++)
		audit_list_free(&ctr[i]);
	free(ctr);
	run_free(r);
}

static void req_done(int, const char *, size_t, const char *, void *);

static void
start_req(struct run *r, enum rkind kind, size_t idx, const char *url, size_t max)
{
	struct httpc_opts o = { .unix_socket = r->sock, .max_body = max,
		.timeout_ms = TIMEOUT_MS };
	struct slot *s = NULL;

	for (int i = 0; i < NSLOTS && s == NULL; i++)
		if (r->slots[i].hr == NULL)
			s = &r->slots[i];
	if (s == NULL)
		fatalx("audit: no free request slot");
	s->run = r;
	s->kind = kind;
	s->idx = idx;
	r->inflight++;
	s->hr = httpc_request(r->p->h, url, &o, req_done, s);
}

/* Keeps NINSPECT inspects in flight; finishes when nothing is left. */
static void
pump(struct run *r)
{
	char url[160];

	while (r->listed && r->next < r->nitems && r->inflight < NINSPECT) {
		size_t i = r->next++;

		snprintf(url, sizeof(url), "http://docker/containers/%s/json", r->items[i].id);
		start_req(r, R_INSPECT, i, url, MAX_REPLY);
	}
	if (r->listed && r->next == r->nitems && r->inflight == 0)
		run_finish(r);
}

/* GET /containers/json: the running containers' ids. */
static int
take_list(struct run *r, struct json_object *o)
{
	if (!json_object_is_type(o, json_type_array))
		return -1;
	r->items = xcalloc(json_object_array_length(o) + 1, sizeof(*r->items));
	for (size_t i = 0; i < json_object_array_length(o); i++) {
		struct json_object *c = json_object_array_get_idx(o, i), *id;
		const char *s;

		if (!json_object_object_get_ex(c, "Id", &id) ||
		    !json_object_is_type(id, json_type_string) ||
		    strlen(s = json_object_get_string(id)) != ID_LEN)
			continue;
		memcpy(r->items[r->nitems].id, s, ID_LEN + 1);
		r->nitems++;
	}
	r->listed = 1;
	return 0;
}

static void
req_done(int status, const char *body, size_t len, const char *err, void *arg)
{
	static const char *const what[] = { "/info", "/version", "/containers/json", "inspect" };
	struct slot *s = arg;
	struct run *r = s->run;
	struct json_object *o = NULL;
	char msg[512];

	s->hr = NULL;
	r->inflight--;
	if (status == 200)
		o = parse_json(body, len);
	if (s->kind == R_INSPECT) {
		/* A container that stopped meanwhile is no longer running: not audited. */
		if (o != NULL && json_object_is_type(o, json_type_object))
			r->items[s->idx].inspect = o;
		else if (status == 0 && err != NULL && strcmp(err, HTTPC_TOO_LARGE) == 0 &&
		    (r->items[s->idx].inspect = docker_stand_in(r->data_root,
		    r->items[s->idx].id)) != NULL)
			log_warnx("audit: inspect of %.12s is too large: read from its "
			    "hostconfig.json", r->items[s->idx].id);
		else {
			json_object_put(o);
			if (status != 404)
				log_warnx("audit: inspect of %.12s failed: %s", r->items[s->idx].id,
				    err ? err : status == 200 ? "not a JSON object" : "HTTP error");
		}
		pump(r);
		return;
	}
	if (o == NULL) {
		if (err)
			snprintf(msg, sizeof(msg), "Docker API at %s unreachable (GET %s: %s)",
			    r->sock, what[s->kind], err);
		else
			snprintf(msg, sizeof(msg), "Docker API at %s answered GET %s with %s",
			    r->sock, what[s->kind], status == 200 ? "a reply that is not JSON" :
			    "an HTTP error");
		run_fail(r, msg);
		return;
	}
	if (s->kind == R_INFO)
		r->info = o;
	else if (s->kind == R_VERSION)
		r->version = o;
	else {
		if (take_list(r, o) < 0) {
			json_object_put(o);
			snprintf(msg, sizeof(msg), "Docker API at %s: GET /containers/json is not "
			    "an array", r->sock);
			run_fail(r, msg);
			return;
		}
		json_object_put(o);
	}
	if (r->info && r->version)
		pump(r);
}

/* The client went away: what is in flight is dropped. */
static void
client_gone(struct ctl_client *cl, void *arg)
{
	struct run *r = arg;

	(void)cl;
	r->cl = NULL;
	run_free(r);
}

static void
run_free(struct run *r)
{
	struct run **pp;

	for (pp = &r->p->runs; *pp; pp = &(*pp)->nextrun)
		if (*pp == r) {
			*pp = r->nextrun;
			break;
		}
	if (r->cl)
		control_keep(r->cl, NULL, NULL);
	for (int i = 0; i < NSLOTS; i++)
		if (r->slots[i].hr)
			httpc_cancel(r->p->h, r->slots[i].hr);
	for (size_t i = 0; i < r->nitems; i++)
		json_object_put(r->items[i].inspect);
	free(r->items);
	json_object_put(r->info);
	json_object_put(r->version);
	free(r->sock);
	free(r->data_root);
	free(r);
}

/* The findings of the pods' specs alone, worst first: Docker is not configured. */
static char *
spec_reply(struct ctable *t)
{
	struct json_object *arr = json_object_new_array();
	size_t nk = 0;
	char *text;

	for (size_t i = 0; i < t->n; i++)
		nk += container_kubernetes(t->c[i]) && !t->c[i]->sandbox;
	if (nk == 0) {
		json_object_put(arr);
		return error_json("Docker is not configured (docker_socket is empty) and no "
		    "container of containerd or CRI-O is known: nothing to audit");
	}
	for (int sev = 0; sev < AUDIT_NSEV; sev++)
		add_spec_findings(t, sev, arr);
	log_info("audit: %zu containers of containerd or CRI-O, %zu findings (Docker is not "
	    "configured)", nk, json_object_array_length(arr));
	text = xasprintf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return text;
}

char *
posture_audit(struct posture *p, struct ctl_client *cl, const char *sock, const char *data_root)
{
	struct run *r;

	/* A Kubernetes node without Docker: its pods' specs, as checked at their start. */
	if (sock == NULL || *sock == '\0')
		return spec_reply(p->t);
	r = xcalloc(1, sizeof(*r));
	r->p = p;
	r->cl = cl;
	r->sock = xstrdup(sock);
	r->data_root = xstrdup(data_root ? data_root : "");
	r->nextrun = p->runs;
	p->runs = r;
	control_keep(cl, client_gone, r);
	start_req(r, R_INFO, 0, "http://docker/info", MAX_REPLY);
	start_req(r, R_VERSION, 0, "http://docker/version", MAX_REPLY);
	start_req(r, R_LIST, 0, "http://docker/containers/json", MAX_LIST);
	return NULL;
}

struct posture *
posture_new(struct httpc *h, struct ctable *t)
{
	struct posture *p = xcalloc(1, sizeof(*p));

	p->h = h;
	p->t = t;
	return p;
}

void
posture_free(struct posture *p)
{
	while (nheld > 0)
		posture_forget(held[nheld - 1]->id);
	free(held);
	held = NULL;
	heldcap = 0;
	if (p == NULL)
		return;
	while (p->runs)
		run_free(p->runs);
	free(p);
}
