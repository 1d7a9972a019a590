/* The CLI's side of the control socket: connect, send a request, read and parse the reply. */
#include <errno.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "vis.h"

#define MAX_REPLY (64u << 20)

/* Connects and sends one request line: the socket, or exits 2. */
int
send_request(const char *sock, const char *line)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock) >=
	    (int)sizeof(sun.sun_path)) {
		fprintf(stderr, "cgwardenctl: %s: path too long\n", sock);
		exit(2);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "cgwardenctl: cannot reach cgwardend at %s: %s\n"
		    "is the daemon running? (systemctl status cgwarden)\n", sock,
		    strerror(errno));
		exit(2);
	}
	if (dprintf(fd, "%s\n", line) < 0) {
		fprintf(stderr, "cgwardenctl: %s: %s\n", sock, strerror(errno));
		exit(2);
	}
	return fd;
}

/* Sends one request line and returns the whole reply, or exits 2. */
char *
request(const char *sock, const char *line)
{
	size_t len = 0, cap = 65536;
	char *buf;
	ssize_t n;
	int fd = send_request(sock, line);

	if ((buf = malloc(cap)) == NULL)
		exit(2);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 == cap) {
			if (cap >= MAX_REPLY || (buf = realloc(buf, cap *= 2)) == NULL) {
				fprintf(stderr, "cgwardenctl: reply too large\n");
				exit(2);
			}
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* The daemon's reply as JSON; an error it reports exits with STATUS. */
struct json_object *
parse_reply_or(const char *reply, int status)
{
	struct json_object *o = json_tokener_parse(reply);
	struct json_object *e, *det;

	if (o == NULL) {
		fprintf(stderr, "cgwardenctl: cannot parse the daemon's reply\n");
		exit(2);
	}
	if (json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, "error", &e)) {
		client_vis_tree(e);
		fprintf(stderr, "cgwardenctl: %s\n", json_object_get_string(e));
		/* The config's errors, one a line: each line escaped, not the breaks. */
		if (json_object_object_get_ex(o, "details", &det)) {
			const char *d = json_object_get_string(det);

			while (d != NULL && *d) {
				size_t n = strcspn(d, "\n"), m = vis_mem(NULL, 0, d, n);
				char *line = malloc(m + 1);

				if (line == NULL)
					exit(2);
				vis_mem(line, m + 1, d, n);
				fprintf(stderr, "%s\n", line);
				free(line);
				d += n + (d[n] == '\n');
			}
		}
		exit(status);
	}
	return o;
}

/* The daemon's reply as JSON; an error it reports exits 1. */
struct json_object *
parse_reply(const char *reply)
{
	return parse_reply_or(reply, 1);
}

/* The string value of key in o, or dflt when it is missing or null. */
const char *
text(struct json_object *o, const char *key, const char *dflt)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return dflt;
	return json_object_get_string(v);
}

/*
 * Escapes every string of the tree in place (vis.h), before any of it is
 * printed for people: names, images, reasons and paths come from outside
 * and must not drive the terminal.
 */
void
client_vis_tree(struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(o); i++)
			client_vis_tree(json_object_array_get_idx(o, i));
		break;
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			(void)k;
			client_vis_tree(v);
		}
		break;
	}
	case json_type_string: {
		const char *s = json_object_get_string(o);
		int len = json_object_get_string_len(o);
		size_t n;
		char *e;

		/* A "\u0000" inside the string counts too. */
		if (strlen(s) == (size_t)len && !vis_needed(s))
			break;
		n = vis_mem(NULL, 0, s, (size_t)len);
		if ((e = malloc(n + 1)) == NULL)
			exit(2);
		vis_mem(e, n + 1, s, (size_t)len);
		json_object_set_string(o, e);
		free(e);
		break;
	}
	default:
		break;
	}
}
