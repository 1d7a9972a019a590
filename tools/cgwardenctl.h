/* cgwardenctl: what its commands share. */
#ifndef CGWARDENCTL_H
#define CGWARDENCTL_H

struct json_object;

/* Sends one request line to the daemon and returns its whole reply, or exits 2. */
char *request(const char *sock, const char *line);
/* The reply as JSON; an {"error": …} reply is printed and exits 1. */
struct json_object *parse_reply(const char *text);

/* cgwardenctl top [-n N] [-d SECONDS] [--json]: the exit status. */
int top_main(const char *sock, int argc, char **argv);

#endif
