/*
 * The events stream of the control socket: each event, as the one JSON
 * object of events_json(), on a line of its own, to every client that
 * asked for `events`.  A reader too slow to keep up is dropped by the
 * control socket; the daemon never waits for one.
 */
#include <json.h>
#include <stdlib.h>

#include "control.h"
#include "events.h"
#include "evstream.h"
#include "xmalloc.h"

struct listener {
	struct ctl_client *cl;
	struct listener *next;
};

static struct listener *listeners;
static size_t nlisteners;
static int subscribed; /* for good: unsubscribing inside events_emit would skip a sink */

static void
on_event(const struct gevent *e, void *arg)
{
	struct json_object *o;
	struct listener *l, *next;
	char *line;

	(void)arg;
	if (listeners == NULL)
		return;
	o = events_json(e);
	line = xasprintf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	/* A dropped reader unlinks itself (gone): take next first. */
	for (l = listeners; l != NULL; l = next) {
		next = l->next;
		control_stream(l->cl, line);
	}
	free(line);
}

static void
gone(struct ctl_client *cl, void *arg)
{
	struct listener **pp, *l;

	(void)arg;
	for (pp = &listeners; (l = *pp) != NULL; pp = &l->next)
		if (l->cl == cl) {
			*pp = l->next;
			free(l);
			nlisteners--;
			break;
		}
}

void
evstream_add(struct ctl_client *cl)
{
	struct listener *l = xcalloc(1, sizeof(*l));

	if (!subscribed)
		events_subscribe(on_event, NULL);
	subscribed = 1;
	l->cl = cl;
	l->next = listeners;
	listeners = l;
	nlisteners++;
	control_keep(cl, gone, NULL);
}

size_t
evstream_count(void)
{
	return nlisteners;
}
