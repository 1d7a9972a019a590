/*
 * The control commands: status, stats, events, freeze, thaw, kill, reload and
 * audit, each answered from what the other modules already know, with
 * who may do what decided in one place.
 */
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertmgr.h"
#include "commands.h"
#include "control.h"
#include "counters.h"
#include "discover.h"
#include "evstream.h"
#include "guard.h"
#include "jtext.h"
#include "kwatch.h"
#include "log.h"
#include "posture.h"
#include "report.h"
#include "sample.h"
#include "xmalloc.h"

static struct commands *c_; /* the context of the request being answered */

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

	json_object_object_add(o, "error", json_text(msg));
	return json_reply(o);
}

/* Alertmanager delivery and the event stream, for stats. */
static void
add_alert_stats(struct json_object *o)
{
	struct alertmgr_counters ac;

	alertmgr_counters(c_->alerts, &ac);
	json_object_object_add(o, "alerts_queued", json_object_new_uint64(ac.queued));
	json_object_object_add(o, "alerts_sent", json_object_new_uint64(ac.sent));
	json_object_object_add(o, "alerts_failed", json_object_new_uint64(ac.failed));
	json_object_object_add(o, "alerts_dropped", json_object_new_uint64(ac.dropped));
	json_object_object_add(o, "alerts_firing", json_object_new_uint64(ac.firing));
	json_object_object_add(o, "event_streams", json_object_new_uint64(evstream_count()));
}

/* A container by full id, unique id prefix, or name: NULL with the reason. */
struct container *
commands_resolve(const struct ctable *t, const char *arg, char *err, size_t errlen)
{
	struct container *found = NULL;
	size_t len = strlen(arg);
	int n = 0;

	if (*arg == '/')
		arg++, len--;
	for (size_t i = 0; i < t->n; i++) {
		struct container *c = t->c[i];

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

/* The command of one request line and, for freeze, thaw and kill, its argument. */
enum command
commands_parse(const char *line, const char **arg)
{
	static const struct {
		const char *name;
		enum command cmd;
	} plain[] = {
		{ "status", CMD_STATUS }, { "stats", CMD_STATS }, { "events", CMD_EVENTS },
		{ "reload", CMD_RELOAD }, { "audit", CMD_AUDIT },
	};

	*arg = NULL;
	if (strncmp(line, "thaw ", 5) == 0 || strncmp(line, "kill ", 5) == 0) {
		*arg = line + 5;
		return line[0] == 't' ? CMD_THAW : CMD_KILL;
	}
	if (strncmp(line, "freeze ", 7) == 0) {
		*arg = line + 7;
		return CMD_FREEZE;
	}
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(line, plain[i].name) == 0)
			return plain[i].cmd;
	return CMD_UNKNOWN;
}

/* Whether the command changes anything (then only root and control_admin_group may). */
int
commands_mutating(enum command cmd)
{
	return cmd == CMD_THAW || cmd == CMD_KILL || cmd == CMD_FREEZE || cmd == CMD_RELOAD;
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
		json_object_object_add(o, "error", json_text(err));
	text = json_reply(o);
	control_reply(w->cl, text);
	free(text);
	free(w);
}

/* freeze, thaw and kill ID|NAME; the answer names the container. */
static char *
act_cmd(enum command cmd, const char *arg, struct ctl_client *cl)
{
	struct waiting *w;
	struct container *c;
	char err[256], msg[300];
	int rc;

	if ((c = commands_resolve(c_->t, arg, err, sizeof(err))) == NULL)
		return error_reply(err);
	if (cmd != CMD_THAW) {
		rc = cmd == CMD_KILL ? guard_kill(c_->guard, c, "cgwardenctl kill", err, sizeof(err)) :
		    guard_freeze(c_->guard, c, "cgwardenctl freeze", err, sizeof(err));
		if (rc < 0) {
			snprintf(msg, sizeof(msg), "%s: %s", arg, err);
			return error_reply(msg);
		}
		return xstrdup("{\"ok\":true}\n");
	}
	w = xcalloc(1, sizeof(*w));
	w->cl = cl;
	control_keep(cl, waiting_gone, w);
	guard_thaw(c_->guard, c, "cgwardenctl thaw", thaw_done, w);
	return NULL;
}

/*
 * Who may do what, in one place: root everything; control_admin_group
 * also freeze, thaw, kill and reload; control_group the read-only commands.
 * Returns NULL when allowed, else the refusal.
 */
static char *
refused(const char *line, enum command c, struct ctl_client *cl)
{
	int mutating = commands_mutating(c);
	char cmd[16], msg[256];

	if (control_uid(cl) == 0 || control_in_group(cl, (*c_->cf)->control_admin_gid) ||
	    (!mutating && control_in_group(cl, (*c_->cf)->control_gid)))
		return NULL;
	snprintf(cmd, sizeof(cmd), "%.*s", (int)strcspn(line, " "), line);
	snprintf(msg, sizeof(msg), "%s: permission denied (uid %d): %s", cmd,
	    (int)control_uid(cl), mutating ? "root or control_admin_group only" :
	    "root, control_group or control_admin_group only");
	log_warnx("control: %s", msg);
	return error_reply(msg);
}

/* The daemon's counts: containers, watches, the counters, alert delivery. */
static struct json_object *
stats(void)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "containers", json_object_new_uint64(c_->t->n));
	json_object_object_add(o, "watches",
	    json_object_new_uint64(discover_watches(*c_->disc)));
	json_object_object_add(o, "kernel_watches",
	    json_object_new_uint64(kwatch_count(c_->kwatch, KW_EVENTS)));
	json_object_object_add(o, "limit_watches",
	    json_object_new_uint64(kwatch_count(c_->kwatch, KW_LIMIT)));
	for (int i = CNT_PASSES; i <= CNT_PASS_LAST_NS; i++)
		json_object_object_add(o, counter_name((enum counter)i),
		    json_object_new_uint64(counter_get((enum counter)i)));
	add_alert_stats(o);
	json_object_object_add(o, "hot", json_object_new_uint64(sample_fast_count()));
	for (int i = CNT_SPIKES; i <= CNT_THAWS; i++)
		json_object_object_add(o, counter_name((enum counter)i),
		    json_object_new_uint64(counter_get((enum counter)i)));
	return o;
}

/* Answers one control request: the reply to send, or NULL when it comes later. */
char *
commands_answer(const char *line, struct ctl_client *cl, void *arg)
{
	struct json_object *o;
	char *errs;
	const char *carg;
	enum command cmd = commands_parse(line, &carg);

	c_ = arg;
	if ((errs = refused(line, cmd, cl)) != NULL)
		return errs;
	switch (cmd) {
	case CMD_FREEZE:
	case CMD_THAW:
	case CMD_KILL:
		return act_cmd(cmd, carg, cl);
	case CMD_STATUS:
		return json_reply(report_status_json(c_->t));
	case CMD_STATS:
		return json_reply(stats());
	case CMD_EVENTS:
		/* Read-only, like status: whoever may open the socket may listen. */
		evstream_add(cl);
		return NULL;
	case CMD_RELOAD:
		if ((errs = c_->reload()) != NULL) {
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
	case CMD_AUDIT:
		return posture_audit(c_->posture, cl, (*c_->cf)->docker_socket,
		    (*c_->cf)->docker_data_root);
	case CMD_UNKNOWN:
		break;
	}
	return error_reply("unknown command");
}
