/*
 * cgwardend: holds every container cgroup to the ceilings of its rule.
 * main() wires the modules together in dependency order and tears them
 * down in reverse; the loop here owns the discovery watch, the signals,
 * the watchdog and the control socket.  What happens to a container is
 * the flow's (flow.c); what the socket answers, the commands' (commands.c).
 */
#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "alertmgr.h"
#include "cgroup.h"
#include "commands.h"
#include "config.h"
#include "container.h"
#include "control.h"
#include "counters.h"
#include "discover.h"
#include "docker.h"
#include "enforce.h"
#include "events.h"
#include "flow.h"
#include "forkwatch.h"
#include "guard.h"
#include "httpc.h"
#include "journal.h"
#include "kwatch.h"
#include "log.h"
#include "metrics.h"
#include "posture.h"
#include "report.h"
#include "sysd.h"
#include "xmalloc.h"

#define DEFAULT_CONFIG "/etc/cgwarden/cgwarden.conf"

struct opts {
	const char *config;
	int check, verbose, debug, dry_run, oneshot;
};

static struct {
	struct opts o;
	struct config *cf;
	struct hierarchy hs;
	struct ctable t;
	struct discover *disc;
	struct control *ctl;
	struct httpc *httpc;
	struct alertmgr *alerts;
	struct docker *docker;
	struct docker *podman;
	struct sysd *sysd;
	struct kwatch *kwatch;
	struct forkwatch *forkwatch;
	struct guard *guard;
	struct posture *posture;
	struct event_base *base;
	struct flow *flow;
	struct commands cmds;
	struct event *ev_inotify, *ev_watchdog;
	struct event *ev_sig[3];
} d;

static void
usage(void)
{
	fprintf(stderr, "usage: cgwardend [-c FILE] [-n [-v]] [-d] [--dry-run] [--oneshot]\n");
	exit(1);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "debug", no_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "oneshot", no_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->config = DEFAULT_CONFIG;
	while ((ch = getopt_long(argc, argv, "c:nvdh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'n': o->check = 1; break;
		case 'v': o->verbose = 1; break;
		case 'd': o->debug = 1; break;
		case 'D': o->dry_run = 1; break;
		case 'O': o->oneshot = 1; break;
		default: usage();
		}
	}
	if (optind != argc || (o->verbose && !o->check))
		usage();
}

/* Loads the config; every error goes to stderr or the log. */
static struct config *
load_config(const char *path, int to_log)
{
	struct config_errors errs;
	struct config *cf = config_load(path, &errs);

	for (size_t i = 0; i < errs.n; i++) {
		if (to_log)
			log_warnx("%s", errs.msg[i]);
		else
			fprintf(stderr, "%s\n", errs.msg[i]);
	}
	config_errors_free(&errs);
	return cf;
}

/* Whether path is there, a socket (want_sock) or a directory. */
static int
present(const char *path, int want_sock)
{
	struct stat st;

	return *path != '\0' && stat(path, &st) == 0 &&
	    (want_sock ? S_ISSOCK(st.st_mode) : S_ISDIR(st.st_mode));
}

/* Whether CRI-O's run storage holds a driver's containers (overlay-containers...). */
static int
crio_present(const char *storage)
{
	struct dirent *de;
	DIR *dir;
	int found = 0;

	if (*storage == '\0' || (dir = opendir(storage)) == NULL)
		return 0;
	while (!found && (de = readdir(dir)) != NULL) {
		size_t len = strlen(de->d_name);

		found = len > 11 && strcmp(de->d_name + len - 11, "-containers") == 0;
	}
	closedir(dir);
	return found;
}

/*
 * Which runtimes this host has, by what each leaves: the API sockets, the
 * state directories with their runtime's own subdirectory (a DaemonSet's
 * hostPath may have made an empty one).  A missing one is no error: that
 * runtime is absent.
 */
static void
describe_runtimes(char *buf, size_t len)
{
	char tasks[4200];
	const char *found[RT_COUNT], *absent[RT_COUNT];
	size_t nf = 0, na = 0, off = 0;
	int have[RT_COUNT];

	snprintf(tasks, sizeof(tasks), "%s/io.containerd.runtime.v2.task", d.cf->containerd_state);
	have[RT_DOCKER] = present(d.cf->docker_socket, 1);
	have[RT_PODMAN] = present(d.cf->podman_socket, 1);
	have[RT_CONTAINERD] = *d.cf->containerd_state != '\0' && present(tasks, 0);
	have[RT_CRIO] = crio_present(d.cf->crio_storage);
	for (int r = 0; r < RT_COUNT; r++) {
		if (have[r])
			found[nf++] = container_runtime_name((enum runtime)r);
		else
			absent[na++] = container_runtime_name((enum runtime)r);
	}
	off = (size_t)snprintf(buf, len, "runtimes found:");
	for (size_t i = 0; i < nf && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s %s", i ? "," : "", found[i]);
	if (nf == 0 && off < len)
		off += (size_t)snprintf(buf + off, len - off, " none");
	for (size_t i = 0; i < na && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : " (absent: ",
		    absent[i]);
	if (na && off < len)
		snprintf(buf + off, len - off, ")");
}

static void
start_docker(void)
{
	if (*d.cf->docker_socket != '\0')
		d.docker = docker_new(d.base, d.httpc, RT_DOCKER, d.cf->docker_socket,
		    d.cf->docker_data_root, &d.t, flow_meta, flow_docker_event, d.flow);
	flow_set_docker(d.flow, d.docker);
	docker_on_inspect(d.docker, flow_inspect, d.flow);
	/* Podman's socket is there or Podman is not on this host: no retries for nothing. */
	if (present(d.cf->podman_socket, 1))
		d.podman = docker_new(d.base, d.httpc, RT_PODMAN, d.cf->podman_socket, "",
		    &d.t, flow_meta, flow_docker_event, d.flow);
	flow_set_podman(d.flow, d.podman);
	docker_on_inspect(d.podman, flow_inspect_podman, d.flow);
}

static void
stop_docker(void)
{
	docker_free(d.docker);
	d.docker = NULL;
	flow_set_docker(d.flow, NULL);
	docker_free(d.podman);
	d.podman = NULL;
	flow_set_podman(d.flow, NULL);
}

static void
inotify_cb(evutil_socket_t fd, short what, void *arg)
{
	size_t before = d.t.n;

	(void)fd, (void)what, (void)arg;
	discover_dispatch(d.disc);
	if (before != d.t.n)
		flow_notify_status(d.flow);
}

static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	sd_notify(0, "WATCHDOG=1");
}

static void
start_discovery(void)
{
	d.disc = discover_new(d.cf, &d.hs, &d.t, 1, flow_found, flow_gone, d.flow);
	d.ev_inotify = event_new(d.base, discover_fd(d.disc), EV_READ | EV_PERSIST,
	    inotify_cb, NULL);
	event_add(d.ev_inotify, NULL);
	discover_scan(d.disc);
}

static void
stop_discovery(void)
{
	if (d.ev_inotify)
		event_free(d.ev_inotify);
	d.ev_inotify = NULL;
	discover_free(d.disc);
	d.disc = NULL;
}

static int
start_control(char *err, size_t errlen)
{
	d.ctl = control_new(d.base, d.cf->control_socket,
	    d.cf->control_gid >= 0 ? d.cf->control_gid : d.cf->control_admin_gid,
	    commands_answer, &d.cmds, err, errlen);
	return d.ctl ? 0 : -1;
}

static void
emit_reloaded(void)
{
	struct gevent e = { .kind = GEV_RELOAD, .action = "reload" };
	char line[4096 + 128];

	snprintf(line, sizeof(line), "configuration reloaded from %s: %zu image rules, "
	    "%zu containers", d.o.config, d.cf->nimages, d.t.n);
	e.message = line;
	events_emit(&e);
}

/*
 * Re-reads the config.  A bad file is rejected with its errors logged and
 * the old one stays; a good one is swapped in and every container is
 * decided on again against it.  Returns the errors as text, or NULL.
 */
static char *
reload(void)
{
	struct config_errors errs;
	struct config *cf, *old = d.cf;
	char err[256];
	int rediscover;

	sd_notify(0, "RELOADING=1");
	cf = config_load(d.o.config, &errs);
	if (cf == NULL) {
		size_t len = 0;
		char *text = xstrdup("");

		log_warnx("reload of %s rejected, the running config stays in force:",
		    d.o.config);
		for (size_t i = 0; i < errs.n; i++) {
			log_warnx("%s", errs.msg[i]);
			text = xreallocarray(text, len + strlen(errs.msg[i]) + 2, 1);
			len += (size_t)sprintf(text + len, "%s\n", errs.msg[i]);
		}
		config_errors_free(&errs);
		counter_add(CNT_ERR_RELOAD, 1);
		sd_notify(0, "READY=1");
		return text;
	}
	rediscover = strcmp(cf->cgroup_root, old->cgroup_root) != 0 ||
	    cf->npatterns != old->npatterns;
	for (size_t i = 0; !rediscover && i < cf->npatterns; i++)
		rediscover = strcmp(cf->patterns[i], old->patterns[i]) != 0;
	if (strcmp(cf->cgroup_root, old->cgroup_root) != 0)
		log_warnx("reload: cgroup_root changes only at restart; keeping %s",
		    old->cgroup_root);
	if (cf->ignore_unified != old->ignore_unified)
		log_warnx("reload: unified_tree changes only at restart");
	d.cf = cf;
	flow_set_config(d.flow, cf);
	if (strcmp(cf->docker_socket, old->docker_socket) != 0 ||
	    strcmp(cf->docker_data_root, old->docker_data_root) != 0 ||
	    strcmp(cf->podman_socket, old->podman_socket) != 0) {
		stop_docker();
		for (size_t i = 0; i < d.t.n; i++)
			if (!container_kubernetes(d.t.c[i]))
				d.t.c[i]->meta = META_NONE;
		start_docker();
		for (size_t i = 0; i < d.t.n; i++) {
			docker_lookup(d.docker, d.t.c[i]);
			docker_lookup(d.podman, d.t.c[i]);
		}
	}
	if (rediscover) {
		stop_discovery();
		start_discovery();
	}
	if (strcmp(cf->control_socket, old->control_socket) != 0 ||
	    cf->control_gid != old->control_gid || cf->control_admin_gid != old->control_admin_gid) {
		control_free(d.ctl);
		if (start_control(err, sizeof(err)) < 0)
			log_warnx("control socket: %s", err);
	}
	if (strcmp(cf->alert_webhook, old->alert_webhook) != 0 &&
	    alertmgr_set_target(d.alerts, cf->alert_webhook, err, sizeof(err)) < 0)
		log_warnx("alert_webhook: %s", err);
	metrics_listen(cf->metrics_listen);
	flow_start_tick(d.flow);
	config_free(old);
	flow_pass(d.flow);
	emit_reloaded();
	sd_notify(0, "READY=1");
	flow_notify_status(d.flow);
	return NULL;
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what, (void)arg;
	if (sig == SIGHUP) {
		free(reload());
		return;
	}
	log_info("signal %d: stopping; every limit written stays in place", (int)sig);
	sd_notify(0, "STOPPING=1");
	event_base_loopexit(d.base, NULL);
}

/* The guard must outlive what it guards against: no paging, no OOM kill. */
static void
protect_self(void)
{
	int fd;

	if (xmem_lock() < 0)
		log_warn("mlockall");
	if ((fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC)) >= 0) {
		if (write(fd, "-1000", 5) != 5)
			log_warn("cannot protect cgwardend from the OOM killer "
			    "(oom_score_adj -1000)");
		close(fd);
	}
}

/* Every container holds a few fds open: take all the kernel allows. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("setrlimit RLIMIT_NOFILE");
	}
}

static int
run_oneshot(void)
{
	/* Sampled and held to its ceilings once; no guard acts here. */
	d.flow = flow_new(NULL, &d.t, d.cf, d.o.dry_run, d.hs.layout, NULL, NULL, NULL);
	d.disc = discover_new(d.cf, &d.hs, &d.t, 0, flow_found, NULL, d.flow);
	discover_scan(d.disc);
	flow_pass(d.flow);
	report_oneshot(&d.t, stdout);
	return 0;
}

/*
 * Fork bursts counted in the kernel need containers in a cgroup2 tree
 * (their cgroup2 id names them): pure v2, or a hybrid host's unified tree.
 */
static void
start_forkwatch(void)
{
	char err[256];

	if (d.hs.layout != LAYOUT_V2 && d.hs.layout != LAYOUT_HYBRID) {
		log_info("fork bursts: not counted (no cgroup2 tree); a bomb in an old container "
		    "is seen by the interval pass");
		return;
	}
	if ((d.forkwatch = forkwatch_new(d.base, flow_fork_burst, d.flow, err, sizeof(err))) ==
	    NULL)
		log_warnx("fork bursts: not counted (%s); a bomb in an old container is seen "
		    "by the interval pass", err);
	else
		log_info("fork bursts: counted in the kernel (BPF); a bomb is seen at its first forks");
}

static void
start_loop(void)
{
	static const int sigs[3] = { SIGHUP, SIGTERM, SIGINT };
	char err[256];
	uint64_t wd_usec;

	if ((d.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < 3; i++) {
		d.ev_sig[i] = evsignal_new(d.base, sigs[i], signal_cb, NULL);
		evsignal_add(d.ev_sig[i], NULL);
	}
	d.httpc = httpc_new(d.base);
	d.alerts = alertmgr_new(d.base, d.httpc);
	if (alertmgr_set_target(d.alerts, d.cf->alert_webhook, err, sizeof(err)) < 0)
		fatalx("alert_webhook: %s", err);
	d.sysd = sysd_new(d.base);
	d.guard = guard_new(&d.t, d.cf, d.o.dry_run);
	d.flow = flow_new(d.base, &d.t, d.cf, d.o.dry_run, d.hs.layout, d.guard, NULL, d.alerts);
	d.kwatch = kwatch_new(d.base, flow_kernel_event, d.flow);
	flow_set_kwatch(d.flow, d.kwatch);
	start_forkwatch();
	enforce_init(&d.t, d.sysd);
	d.posture = posture_new(d.httpc, &d.t);
	d.cmds = (struct commands){ &d.t, &d.cf, &d.disc, d.guard, d.kwatch, d.alerts,
		d.posture, reload };
	start_docker();
	start_discovery();
	if (start_control(err, sizeof(err)) < 0)
		fatalx("control socket: %s", err);
	metrics_init(d.base, &d.t, &d.docker);
	metrics_set_podman(&d.podman);
	metrics_listen(d.cf->metrics_listen);
	flow_start_tick(d.flow);
	if (sd_watchdog_enabled(0, &wd_usec) > 0) {
		struct timeval tv = { (time_t)(wd_usec / 2000000),
			(suseconds_t)(wd_usec / 2 % 1000000) };

		d.ev_watchdog = event_new(d.base, -1, EV_PERSIST, watchdog_cb, NULL);
		evtimer_add(d.ev_watchdog, &tv);
	}
}

static void
shutdown_all(void)
{
	metrics_free();
	control_free(d.ctl);
	posture_free(d.posture);
	stop_docker();
	alertmgr_free(d.alerts);
	httpc_free(d.httpc);
	sysd_free(d.sysd);
	forkwatch_free(d.forkwatch);
	kwatch_free(d.kwatch);
	stop_discovery();
	flow_free(d.flow);
	guard_free(d.guard);
	container_table_free(&d.t);
	for (int i = 0; i < 3; i++)
		if (d.ev_sig[i])
			event_free(d.ev_sig[i]);
	if (d.ev_watchdog)
		event_free(d.ev_watchdog);
	if (d.base)
		event_base_free(d.base);
	cgroup_hierarchy_free(&d.hs);
	journal_free();
	config_free(d.cf);
}

int
main(int argc, char **argv)
{
	char err[2048];

	parse_args(argc, argv, &d.o);
	log_init(d.o.debug, getenv("JOURNAL_STREAM") != NULL && !d.o.debug);
	if ((d.cf = load_config(d.o.config, 0)) == NULL)
		return 1;
	if (d.o.check) {
		if (d.o.verbose)
			config_print(d.cf, stdout);
		printf("configuration OK\n");
		config_free(d.cf);
		return 0;
	}
	journal_init();
	if (cgroup_detect(d.cf->cgroup_root, "/proc/self/mountinfo", d.cf->ignore_unified,
	    &d.hs, err, sizeof(err)) < 0)
		fatalx("%s", err);
	cgroup_describe(&d.hs, err, sizeof(err));
	log_info("%s", err);
	if (d.hs.nignored)
		log_warnx("cgroup: %zu mounts under %s ignored: %s", d.hs.nignored,
		    d.cf->cgroup_root, d.hs.ignored);
	raise_fd_limit();
	if (d.o.oneshot) {
		run_oneshot();
		shutdown_all();
		return 0;
	}
	protect_self();
	start_loop();
	describe_runtimes(err, sizeof(err));
	log_info("watching %zu containers, %zu image rules, interval %" PRIu64 "ms%s; %s",
	    d.t.n, d.cf->nimages, d.cf->interval_ms,
	    config_monitoring(d.cf, d.o.dry_run) ? ", monitor mode" : "", err);
	sd_notify(0, "READY=1");
	flow_notify_status(d.flow);
	event_base_dispatch(d.base);
	shutdown_all();
	return 0;
}
