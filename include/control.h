/* The control socket: one request line in, one reply out. */
#ifndef CGW_CONTROL_H
#define CGW_CONTROL_H
#include <sys/types.h>

struct event_base;
struct control;

/* Returns the reply (malloc'd) to one request line from a peer with uid. */
typedef char *(*control_handler)(const char *line, uid_t uid, void *arg);

struct control *control_new(struct event_base *, const char *path,
    control_handler, void *arg, char *err, size_t errlen);
void control_free(struct control *);

#endif
