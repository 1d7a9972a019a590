/*
 * The control socket: one request line in, one reply out, or a stream of
 * lines (events) until the client goes.  A handler answers at once, or
 * keeps the client and answers later (a thaw that waits for Docker).
 */
#ifndef CGW_CONTROL_H
#define CGW_CONTROL_H
#include <sys/types.h>

struct event_base;
struct control;
struct ctl_client;

/*
 * Returns the reply (malloc'd) to one request line, or NULL when the
 * handler kept the client: it then calls control_reply() once, or
 * control_stream() any number of times.
 */
typedef char *(*control_handler)(const char *line, struct ctl_client *, void *arg);
/* A kept client went away (or control_free): forget it. */
typedef void (*control_gone_cb)(struct ctl_client *, void *arg);

struct control *control_new(struct event_base *, const char *path, long long gid,
    control_handler, void *arg, char *err, size_t errlen);
void control_free(struct control *);
/* Who is asking: from SO_PEERCRED. */
uid_t control_uid(const struct ctl_client *);
int control_in_group(const struct ctl_client *, long long gid);
/* Sends the reply and closes the client. */
void control_reply(struct ctl_client *, const char *text);
/* Keeps the client for a stream; gone is called when it closes. */
void control_keep(struct ctl_client *, control_gone_cb gone, void *arg);
/* Writes one more piece of a stream: -1 when the client is too slow (dropped). */
int control_stream(struct ctl_client *, const char *text);

#endif
