/*
 * cgwardend: holds every container cgroup to the ceilings of its rule.
 * main() wires the modules together in dependency order; the loop owns
 * the inotify watch, the sampling timer, the signals and the control socket.
 */
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
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "counters.h"
#include "clock.h"
#include "alertmgr.h"
#include "cgroup.h"
#include "config.h"
#include "container.h"
#include "control.h"
#include "discover.h"
#include "docker.h"
#include "enforce.h"
#include "events.h"
#include "evstream.h"
#include "guard.h"
#include "httpc.h"
#include "journal.h"
#include "kwatch.h"
#include "log.h"
#include "posture.h"
#include "metrics.h"
#include "report.h"
#include "sample.h"
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
	struct sysd *sysd;
	struct kwatch *kwatch;
	struct guard *guard;
	struct posture *posture;
	struct event_base *base;
	struct event *ev_inotify, *ev_tick, *ev_watchdog;
	struct event *ev_sig[3];
} d;

static int
monitoring(void)
{
	return d.o.dry_run || d.cf->mode == MODE_MONITOR;
}

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

/* A container directory appeared: its ceilings go in now, not at the next tick. */
static void
on_found(struct container *c, int hidx, void *arg)
{
	uint64_t now = clock_now_ms();
	char path[4096];

	(void)arg;
	log_debug("container %.12s: found %s", c->id,
	    container_cg_path(c->cg[hidx], path, sizeof(path)));
	/* Known from a create event or Docker's disk: the first write is right. */
	if (c->meta == META_NONE)
		docker_lookup(d.docker, c);
	c->rule = config_match(d.cf, c->image);
	enforce_container(c, monitoring(), now);
	if (c->nsamples == 0)
		sample_container(c, now);
	kwatch_container(d.kwatch, c);
	if (d.guard != NULL)
		guard_found(d.guard, c, now);
}

/* The kernel says a container's pids.events changed: sample it now. */
static void
on_kernel_event(const char *id, void *arg)
{
	struct container *c = container_find(&d.t, id);

	uint64_t now = clock_now_ms();

	(void)arg;
	if (c == NULL)
		return;
	if (c->state == CS_RUNNING)
		sample_container(c, now);
	guard_check(d.guard, c, now);
}

/* Docker said who the container is: its image may choose another rule. */
static void
on_meta(struct container *c, void *arg)
{
	const struct rule *old = c->rule;
	char lbl[128];

	(void)arg;
	c->rule = config_match(d.cf, c->image);
	if (c->rule != old)
		log_info("container %s: image %s, rule %s", enforce_label(c, lbl, sizeof(lbl)),
		    c->image, c->rule->name);
	enforce_invalidate(c);
	enforce_container(c, monitoring(), clock_now_ms());
}

/*
 * start and update events: the limits may have just changed; pause and
 * unpause: the freezer did.
 */
static void
on_docker_event(struct container *c, const char *action, void *arg)
{
	(void)arg;
	if (strcmp(action, "update") == 0 || strcmp(action, "start") == 0 ||
	    strcmp(action, "unpause") == 0) {
		enforce_invalidate(c);
		enforce_container(c, monitoring(), clock_now_ms());
	}
	if (strcmp(action, "start") == 0)
		guard_started(d.guard, c, clock_now_ms());
	if (strcmp(action, "pause") == 0 || strcmp(action, "unpause") == 0)
		guard_refresh(d.guard, c);
}

/* Docker described a container (it started): check its security posture. */
static void
on_inspect(struct container *c, struct json_object *inspect, void *arg)
{
	(void)arg;
	if (posture_inspected(c, inspect, d.cf->docker_socket) && c->rule != NULL)
		guard_contain(d.guard, c, c->rule->on_docker_socket,
		    "it mounts the Docker socket (on_docker_socket)");
}

static void
start_docker(void)
{
	if (*d.cf->docker_socket != '\0')
		d.docker = docker_new(d.base, d.httpc, d.cf->docker_socket,
		    d.cf->docker_data_root, &d.t, on_meta, on_docker_event, NULL);
	if (d.guard != NULL)
		guard_set_docker(d.guard, d.docker);
	docker_on_inspect(d.docker, on_inspect, NULL);
}

static void
stop_docker(void)
{
	docker_free(d.docker);
	d.docker = NULL;
	if (d.guard != NULL)
		guard_set_docker(d.guard, NULL);
}

static void
on_gone(struct container *c, void *arg)
{
	(void)arg;
	log_debug("container %.12s: gone", c->id);
	alertmgr_container_gone(d.alerts, c->id);
	posture_forget(c->id);
	if (d.guard != NULL)
		guard_forget(d.guard, c);
}

static void
notify_status(void)
{
	sd_notifyf(0, "STATUS=watching %zu containers (%s)%s", d.t.n,
	    cgroup_layout_name(d.hs.layout), monitoring() ? ", monitor mode" : "");
}

/* One sampling pass: read every container, hold every ceiling. */
static void
sample_pass(void)
{
	struct timespec a, b;
	uint64_t now = clock_now_ms();
	size_t before = d.t.n;
	uint64_t ns;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	for (size_t i = 0; i < d.t.n; i++) {
		struct container *c = d.t.c[i];

		if (c->state == CS_RUNNING)
			sample_container(c, now);
		enforce_container(c, monitoring(), now);
		if (d.guard != NULL)
			guard_check(d.guard, c, now);
	}
	if (d.guard != NULL)
		guard_tick(d.guard, now);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	ns = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u +
	    (uint64_t)b.tv_nsec - (uint64_t)a.tv_nsec;
	counters_observe_pass(ns);
	if (before != d.t.n)
		notify_status();
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	sample_pass();
}

static void
inotify_cb(evutil_socket_t fd, short what, void *arg)
{
	size_t before = d.t.n;

	(void)fd, (void)what, (void)arg;
	discover_dispatch(d.disc);
	if (before != d.t.n)
		notify_status();
}

static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	sd_notify(0, "WATCHDOG=1");
}

static void
start_tick(void)
{
	struct timeval tv = { (time_t)(d.cf->interval_ms / 1000),
		(suseconds_t)(d.cf->interval_ms % 1000) * 1000 };

	if (d.ev_tick == NULL)
		d.ev_tick = event_new(d.base, -1, EV_PERSIST, tick_cb, NULL);
	evtimer_add(d.ev_tick, &tv);
}

static void
start_discovery(void)
{
	d.disc = discover_new(d.cf, &d.hs, &d.t, 1, on_found, on_gone, NULL);
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

static char *control_cb(const char *, struct ctl_client *, void *);

static int
start_control(char *err, size_t errlen)
{
	d.ctl = control_new(d.base, d.cf->control_socket,
	    d.cf->control_gid >= 0 ? d.cf->control_gid : d.cf->control_admin_gid, control_cb,
	    NULL, err, errlen);
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
	guard_set_config(d.guard, cf);
	for (size_t i = 0; i < d.t.n; i++) {
		d.t.c[i]->rule = config_match(cf, d.t.c[i]->image);
		enforce_invalidate(d.t.c[i]);
	}
	if (strcmp(cf->docker_socket, old->docker_socket) != 0 ||
	    strcmp(cf->docker_data_root, old->docker_data_root) != 0) {
		stop_docker();
		for (size_t i = 0; i < d.t.n; i++)
			d.t.c[i]->meta = META_NONE;
		start_docker();
		for (size_t i = 0; i < d.t.n; i++)
			docker_lookup(d.docker, d.t.c[i]);
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
	start_tick();
	config_free(old);
	sample_pass();
	emit_reloaded();
	sd_notify(0, "READY=1");
	notify_status();
	return NULL;
}

static char *
json_reply(struct json_object *o)
{
	char *s = xasprintf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(o);
	return s;
}

static char *
error_reply(const char *msg)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(msg));
	return json_reply(o);
}

/* Alertmanager delivery and the event stream, for stats. */
static void
add_alert_stats(struct json_object *o)
{
	struct alertmgr_counters ac;

	alertmgr_counters(d.alerts, &ac);
	json_object_object_add(o, "alerts_queued", json_object_new_uint64(ac.queued));
	json_object_object_add(o, "alerts_sent", json_object_new_uint64(ac.sent));
	json_object_object_add(o, "alerts_failed", json_object_new_uint64(ac.failed));
	json_object_object_add(o, "alerts_dropped", json_object_new_uint64(ac.dropped));
	json_object_object_add(o, "alerts_firing", json_object_new_uint64(ac.firing));
	json_object_object_add(o, "event_streams", json_object_new_uint64(evstream_count()));
}

/* A container by full id, unique id prefix, or name: NULL with the reason. */
static struct container *
resolve(const char *arg, char *err, size_t errlen)
{
	struct container *found = NULL;
	size_t len = strlen(arg);
	int n = 0;

	if (*arg == '/')
		arg++, len--;
	for (size_t i = 0; i < d.t.n; i++) {
		struct container *c = d.t.c[i];

		if (c->name != NULL && strcmp(c->name, arg) == 0)
			return c;
		if (len >= 3 && len <= ID_LEN && strncmp(c->id, arg, len) == 0) {
			found = c;
			n++;
		}
	}
	if (n == 1)
		return found;
	if (n > 1)
		snprintf(err, errlen, "%s: matches %d containers; give more of the id", arg, n);
	else
		snprintf(err, errlen, "%s: no such container (cgwardenctl status lists them)", arg);
	return NULL;
}

/* A thaw waiting for Docker; the client may leave before it ends. */
struct waiting {
	struct ctl_client *cl;
};

static void
waiting_gone(struct ctl_client *cl, void *arg)
{
	struct waiting *w = arg;

	(void)cl;
	w->cl = NULL;
}

static void
thaw_done(int rc, const char *err, void *arg)
{
	struct waiting *w = arg;
	struct json_object *o;
	char *text;

	if (w->cl == NULL) {
		free(w);
		return;
	}
	o = json_object_new_object();
	if (rc == 0)
		json_object_object_add(o, "ok", json_object_new_boolean(1));
	else
		json_object_object_add(o, "error", json_object_new_string(err));
	text = json_reply(o);
	control_reply(w->cl, text);
	free(text);
	free(w);
}

/* thaw ID|NAME, kill ID|NAME: root only; the answer names the container. */
static char *
act_cmd(const char *line, struct ctl_client *cl)
{
	int kill = strncmp(line, "kill ", 5) == 0;
	const char *arg = line + 5;
	struct waiting *w;
	struct container *c;
	char err[256], msg[300];

	if ((c = resolve(arg, err, sizeof(err))) == NULL)
		return error_reply(err);
	if (kill) {
		if (guard_kill(d.guard, c, "cgwardenctl kill", err, sizeof(err)) < 0) {
			snprintf(msg, sizeof(msg), "%s: %s", arg, err);
			return error_reply(msg);
		}
		return xstrdup("{\"ok\":true}\n");
	}
	w = xcalloc(1, sizeof(*w));
	w->cl = cl;
	control_keep(cl, waiting_gone, w);
	guard_thaw(d.guard, c, "cgwardenctl thaw", thaw_done, w);
	return NULL;
}

/*
 * Who may do what, in one place: root everything; control_admin_group
 * also thaw, kill and reload; control_group the read-only commands.
 * Returns NULL when allowed, else the refusal.
 */
static char *
refused(const char *line, struct ctl_client *cl)
{
	int mutating = strncmp(line, "thaw ", 5) == 0 || strncmp(line, "kill ", 5) == 0 ||
	    strcmp(line, "reload") == 0;
	char cmd[16], msg[256];

	if (control_uid(cl) == 0 || control_in_group(cl, d.cf->control_admin_gid) ||
	    (!mutating && control_in_group(cl, d.cf->control_gid)))
		return NULL;
	snprintf(cmd, sizeof(cmd), "%.*s", (int)strcspn(line, " "), line);
	snprintf(msg, sizeof(msg), "%s: permission denied (uid %d): %s", cmd,
	    (int)control_uid(cl), mutating ? "root or control_admin_group only" :
	    "root, control_group or control_admin_group only");
	return error_reply(msg);
}

/* Answers one control request. */
static char *
control_cb(const char *line, struct ctl_client *cl, void *arg)
{
	struct json_object *o;
	char *errs;

	(void)arg;
	if ((errs = refused(line, cl)) != NULL)
		return errs;
	if (strncmp(line, "thaw ", 5) == 0 || strncmp(line, "kill ", 5) == 0)
		return act_cmd(line, cl);
	if (strcmp(line, "status") == 0)
		return json_reply(report_status_json(&d.t));
	if (strcmp(line, "stats") == 0) {
		o = json_object_new_object();
		json_object_object_add(o, "containers", json_object_new_uint64(d.t.n));
		json_object_object_add(o, "watches",
		    json_object_new_uint64(discover_watches(d.disc)));
		json_object_object_add(o, "kernel_watches",
		    json_object_new_uint64(kwatch_count(d.kwatch)));
		for (int i = CNT_PASSES; i <= CNT_PASS_LAST_NS; i++)
			json_object_object_add(o, counter_name((enum counter)i),
			    json_object_new_uint64(counter_get((enum counter)i)));
		add_alert_stats(o);
		json_object_object_add(o, "hot", json_object_new_uint64(guard_hot_count(d.guard)));
		for (int i = CNT_SPIKES; i <= CNT_THAWS; i++)
			json_object_object_add(o, counter_name((enum counter)i),
			    json_object_new_uint64(counter_get((enum counter)i)));
		return json_reply(o);
	}
	if (strcmp(line, "events") == 0) {
		/* Read-only, like status: whoever may open the socket may listen. */
		evstream_add(cl);
		return NULL;
	}
	if (strcmp(line, "reload") == 0) {
		if ((errs = reload()) != NULL) {
			o = json_object_new_object();
			json_object_object_add(o, "error", json_object_new_string(
			    "configuration rejected, the running one stays in force"));
			json_object_object_add(o, "details", json_object_new_string(errs));
			free(errs);
			return json_reply(o);
		}
		o = json_object_new_object();
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		return json_reply(o);
	}
	if (strcmp(line, "audit") == 0)
		return posture_audit(d.posture, cl, d.cf->docker_socket);
	return error_reply("unknown command");
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

	/* MCL_ONFAULT (as earlyoom): lock what is used, not every mapped page. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) < 0 &&
	    mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
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
	d.disc = discover_new(d.cf, &d.hs, &d.t, 0, on_found, NULL, NULL);
	discover_scan(d.disc);
	sample_pass();
	report_oneshot(&d.t, stdout);
	return 0;
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
	d.kwatch = kwatch_new(d.base, on_kernel_event, NULL);
	d.guard = guard_new(d.base, &d.t, d.cf, d.o.dry_run);
	enforce_init(&d.t, d.sysd);
	d.posture = posture_new(d.httpc, &d.t);
	start_docker();
	start_discovery();
	if (start_control(err, sizeof(err)) < 0)
		fatalx("control socket: %s", err);
	metrics_init(d.base, &d.t, &d.docker);
	metrics_listen(d.cf->metrics_listen);
	start_tick();
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
	kwatch_free(d.kwatch);
	stop_discovery();
	guard_free(d.guard);
	container_table_free(&d.t);
	for (int i = 0; i < 3; i++)
		if (d.ev_sig[i])
			event_free(d.ev_sig[i]);
	if (d.ev_tick)
		event_free(d.ev_tick);
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
	raise_fd_limit();
	if (d.o.oneshot) {
		run_oneshot();
		shutdown_all();
		return 0;
	}
	protect_self();
	start_loop();
	log_info("watching %zu containers, %zu image rules, interval %" PRIu64 "ms%s",
	    d.t.n, d.cf->nimages, d.cf->interval_ms, monitoring() ? ", monitor mode" : "");
	sd_notify(0, "READY=1");
	notify_status();
	event_base_dispatch(d.base);
	shutdown_all();
	return 0;
}
