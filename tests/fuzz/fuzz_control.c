/*
 * The control socket's request line: the command, who may run it, and
 * the container it names, resolved against a small table.
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "container.h"
#include "fuzz.h"

static struct container cs[3] = {
	{ .id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
	{ .id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde0" },
	{ .id = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210" },
};
static struct container *cp[3] = { &cs[0], &cs[1], &cs[2] };
static struct ctable t = { .c = cp, .n = 3 };
static char web[] = "web", db[] = "db";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* What control.c hands on: one line, at most 4096 bytes, no newline. */
	char *line = fuzz_str(data, size > 4096 ? 4096 : size), err[512];
	const char *arg;
	enum command cmd;
	struct container *c;
	int names;

	line[strcspn(line, "\r\n")] = '\0';
	cs[0].name = web;
	cs[1].name = db;
	cmd = commands_parse(line, &arg);
	/* The commands that name a container, and only those, have an argument. */
	names = cmd == CMD_THAW || cmd == CMD_KILL || cmd == CMD_FREEZE;
	if (names != (arg != NULL))
		__builtin_trap();
	if (commands_mutating(cmd) && !names && cmd != CMD_RELOAD)
		__builtin_trap();
	if (arg != NULL) {
		c = commands_resolve(&t, arg, err, sizeof(err));
		if (c == NULL && strlen(err) == 0)
			__builtin_trap();
	}
	free(line);
	return 0;
}
