/*
 * The control socket: a client writes one command line, the daemon
 * answers and closes, or keeps the client to stream lines to it.  The
 * peer's uid and gid come from SO_PEERCRED; what each may do is the
 * handler's business.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "log.h"
#include "xmalloc.h"

#define MAX_REQUEST 4096
#define MAX_BACKLOG (1u << 20) /* bytes queued to a slow stream reader */

struct control {
	struct evconnlistener *lev;
	struct event *resume;    /* accepting again after a pause */
	char *path;
	control_handler handler;
	void *arg;
	struct ctl_client *kept; /* clients held by the handler */
	unsigned nclients, max_clients;
	int paused, said;
};

struct ctl_client {
	struct control *ctl;
	struct bufferevent *bev;
	struct ucred cred;
	control_gone_cb gone;
	void *gone_arg;
	struct ctl_client *next; /* kept clients */
};

static void
resume(evutil_socket_t fd, short what, void *arg)
{
	struct control *ctl = arg;

	(void)fd, (void)what;
	if (!ctl->paused || ctl->nclients >= ctl->max_clients)
		return; /* the next client to go resumes */
	ctl->paused = 0;
	evtimer_del(ctl->resume);
	evconnlistener_enable(ctl->lev);
}

/*
 * Stops accepting for a second, or until a client goes: clients past
 * max_clients would take the files the daemon itself needs to enforce
 * (a limit file is opened to be written), and a listener left enabled
 * at EMFILE is woken again at once, forever.  Those waiting stay in the
 * kernel's backlog.  Said once.
 */
static void
pause_accepting(struct control *ctl, const char *why)
{
	struct timeval tv = { 1, 0 };

	if (!ctl->said++)
		log_warnx("control: %s (%u clients): not accepting for a moment; said once",
		    why, ctl->nclients);
	ctl->paused = 1;
	evconnlistener_disable(ctl->lev);
	evtimer_add(ctl->resume, &tv);
}

static void
client_free(struct ctl_client *cl)
{
	struct ctl_client **p;

	for (p = &cl->ctl->kept; *p != NULL; p = &(*p)->next)
		if (*p == cl) {
			*p = cl->next;
			break;
		}
	if (cl->gone)
		cl->gone(cl, cl->gone_arg);
	bufferevent_free(cl->bev);
	cl->ctl->nclients--;
	resume(-1, 0, cl->ctl);
	free(cl);
}

static void
client_written(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		client_free(arg);
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev, (void)what;
	client_free(arg);
}

/* After its one request a client only listens: what it sends is dropped. */
static void
kept_read(struct bufferevent *bev, void *arg)
{
	evbuffer_drain(bufferevent_get_input(bev), (size_t)-1);
	(void)arg;
}

static void
client_read(struct bufferevent *bev, void *arg)
{
	struct ctl_client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line, *reply;

	if ((line = evbuffer_readln(in, NULL, EVBUFFER_EOL_CRLF)) == NULL) {
		if (evbuffer_get_length(in) > MAX_REQUEST)
			client_free(cl);
		return;
	}
	/* No more requests on this connection, and no timeout while kept. */
	bufferevent_setcb(bev, kept_read, NULL, client_event, cl);
	bufferevent_set_timeouts(bev, NULL, NULL);
	cl->next = cl->ctl->kept;
	cl->ctl->kept = cl;
	reply = cl->ctl->handler(line, cl, cl->ctl->arg);
	free(line);
	if (reply != NULL) {
		control_reply(cl, reply);
		free(reply);
	}
}

uid_t
control_uid(const struct ctl_client *cl)
{
	return cl->cred.uid;
}

void
control_reply(struct ctl_client *cl, const char *text)
{
	struct timeval tv = { 5, 0 };

	cl->gone = NULL;
	bufferevent_disable(cl->bev, EV_READ);
	bufferevent_setcb(cl->bev, NULL, client_written, client_event, cl);
	bufferevent_set_timeouts(cl->bev, NULL, &tv);
	if (*text == '\0')
		client_free(cl);
	else
		bufferevent_write(cl->bev, text, strlen(text));
}

void
control_keep(struct ctl_client *cl, control_gone_cb gone, void *arg)
{
	cl->gone = gone;
	cl->gone_arg = arg;
}

int
control_stream(struct ctl_client *cl, const char *text)
{
	struct evbuffer *out = bufferevent_get_output(cl->bev);

	if (evbuffer_get_length(out) > MAX_BACKLOG) {
		log_warnx("control: dropping a stream reader (pid %d) that does not read",
		    (int)cl->cred.pid);
		client_free(cl);
		return -1;
	}
	bufferevent_write(cl->bev, text, strlen(text));
	return 0;
}

static void
accepted(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct control *ctl = arg;
	struct bufferevent *bev;
	struct ctl_client *cl;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct timeval tv = { 5, 0 };

	(void)sa;
	(void)salen;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		close(fd);
		return;
	}
	bev = bufferevent_socket_new(evconnlistener_get_base(lev), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		close(fd);
		return;
	}
	cl = xcalloc(1, sizeof(*cl));
	cl->ctl = ctl;
	cl->bev = bev;
	cl->cred = cred;
	bufferevent_setcb(bev, client_read, NULL, client_event, cl);
	bufferevent_set_timeouts(bev, &tv, &tv);
	bufferevent_enable(bev, EV_READ);
	if (++ctl->nclients >= ctl->max_clients)
		pause_accepting(ctl, "as many clients as the open-file limit allows");
}

static void
accept_failed(struct evconnlistener *lev, void *arg)
{
	struct control *ctl = arg;

	(void)lev;
	if (errno == EMFILE || errno == ENFILE)
		pause_accepting(ctl, "open file limit reached");
	else
		log_warn("control: accept");
}

/*
 * Listens on path (mode 0600, or 0660 owned by group gid when gid >= 0);
 * an old socket left there is replaced.  NULL with err on failure.
 */
struct control *
control_new(struct event_base *base, const char *path, long long gid,
    control_handler h, void *arg, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct control *ctl;
	struct rlimit rl;
	struct stat st;
	char *dir, *slash;
	mode_t old;
	int fd;

	/*
	 * Bound and listening under a name of its own, then renamed: the
	 * socket appears only once it accepts, with its group and mode.
	 */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s.new", path) >=
	    (int)sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return NULL;
	}
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			free(dir);
			return NULL;
		}
	}
	free(dir);
	if (lstat(sun.sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(sun.sun_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 64) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		umask(old);
		close(fd);
		return NULL;
	}
	umask(old);
	/* A control group may connect; what each peer may do is checked per request. */
	if (gid >= 0 && chown(sun.sun_path, 0, (gid_t)gid) == 0)
		chmod(sun.sun_path, 0660);
	else
		chmod(sun.sun_path, 0600);
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
		errno = EEXIST; /* not a socket: not ours to replace */
	else if (rename(sun.sun_path, path) == 0)
		errno = 0;
	if (errno != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(sun.sun_path);
		close(fd);
		return NULL;
	}
	ctl = xcalloc(1, sizeof(*ctl));
	ctl->path = xstrdup(path);
	ctl->handler = h;
	ctl->arg = arg;
	/* A quarter of the open-file limit at most: the rest is the daemon's. */
	ctl->max_clients = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ?
	    (unsigned)(rl.rlim_cur / 4) : 1024;
	if (ctl->max_clients < 4)
		ctl->max_clients = 4;
	ctl->lev = evconnlistener_new(base, accepted, ctl, LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (ctl->lev == NULL) {
		snprintf(err, errlen, "evconnlistener_new failed");
		close(fd);
		free(ctl->path);
		free(ctl);
		return NULL;
	}
	evconnlistener_set_error_cb(ctl->lev, accept_failed);
	ctl->resume = evtimer_new(base, resume, ctl);
	return ctl;
}

void
control_free(struct control *ctl)
{
	if (ctl == NULL)
		return;
	while (ctl->kept != NULL)
		client_free(ctl->kept);
	event_free(ctl->resume);
	evconnlistener_free(ctl->lev);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}

/* Whether the peer is in group gid (primary or supplementary, as it runs). */
int
control_in_group(const struct ctl_client *cl, long long gid)
{
	char path[64], line[4096];
	FILE *f;
	int in = 0;

	if (gid < 0)
		return 0;
	if ((long long)cl->cred.gid == gid)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)cl->cred.pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (!in && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		for (char *p = line + 7, *end; *p; p = end) {
			long long g = strtoll(p, &end, 10);

			if (end == p)
				break;
			if (g == gid)
				in = 1;
		}
	}
	fclose(f);
	return in;
}
