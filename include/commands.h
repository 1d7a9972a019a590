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

/* A control_cb: the reply to one request line, or NULL when it comes later. arg: struct commands. */
char *commands_answer(const char *line, struct ctl_client *, void *arg);

#endif
