/* The control commands, answered from the daemon's modules. */
#ifndef CGW_COMMANDS_H
#define CGW_COMMANDS_H

#include "config.h"
#include "container.h"

struct ctl_client;
struct discover;
struct guard;
struct kwatch;
struct alertmgr;
struct posture;

/* What the commands read and act through; the pointers to pointers follow reloads. */
struct commands {
	struct ctable *t;
	struct config *const *cf;
	struct discover *const *disc;
	struct guard *guard;
	struct kwatch *kwatch;
	struct alertmgr *alerts;
	struct posture *posture;
	/* Re-reads the config: NULL, or the errors as text (the caller frees them). */
	char *(*reload)(void);
};

enum command { CMD_UNKNOWN, CMD_STATUS, CMD_STATS, CMD_EVENTS, CMD_THAW, CMD_KILL, CMD_FREEZE,
	CMD_RELOAD, CMD_AUDIT };

/* A control_cb: the reply to one request line, or NULL when it comes later. arg: struct commands. */
char *commands_answer(const char *line, struct ctl_client *, void *arg);
/* The command of a request line, pure; *arg is thaw's and kill's ID|NAME. */
enum command commands_parse(const char *line, const char **arg);
int commands_mutating(enum command);
/* A container by full id, unique id prefix, or name: NULL with the reason in err. */
struct container *commands_resolve(const struct ctable *, const char *arg, char *err,
    size_t errlen);

#endif
