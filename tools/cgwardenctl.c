/* cgwardenctl: the operator's view of cgwardend, over its control socket. */
#include <getopt.h>
#include <inttypes.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "top.h"

#define DEFAULT_SOCKET "/run/cgwarden/cgwarden.sock"

/* Prints how cgwardenctl is called and exits 2. */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: cgwardenctl [-s SOCKET] status [--json]\n"
	    "       cgwardenctl [-s SOCKET] top [-n N] [-d SECONDS] [--json]\n"
	    "       cgwardenctl [-s SOCKET] events [--json]\n"
	    "       cgwardenctl [-s SOCKET] freeze ID|NAME\n"
	    "       cgwardenctl [-s SOCKET] thaw ID|NAME\n"
	    "       cgwardenctl [-s SOCKET] kill ID|NAME\n"
	    "       cgwardenctl [-s SOCKET] reload\n"
	    "       cgwardenctl [-s SOCKET] stats\n"
	    "       cgwardenctl [-s SOCKET] audit [--json]\n");
	exit(2);
}

/* The bytes under key for people (1.5G), or "max" for no memory_max and "-" for nothing. */
static void
human_bytes(struct json_object *o, const char *key, char *buf, size_t len)
{
	struct json_object *v;
	double b;
	const char *u = "BKMGT";

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) {
		snprintf(buf, len, key[7] == 'm' ? "max" : "-");
		return;
	}
	b = (double)json_object_get_uint64(v);
	while (b >= 1024 && u[1]) {
		b /= 1024;
		u++;
	}
	snprintf(buf, len, *u == 'B' ? "%.0f%c" : "%.1f%c", b, *u == 'B' ? 'B' : *u);
}

/* The status reply as a table, one container a line. */
static void
print_status(struct json_object *arr)
{
	client_vis_tree(arr);
	printf("%-12s  %-20s  %-20s  %-12s  %11s  %6s  %17s  %5s  %s\n", "CONTAINER",
	    "NAME", "IMAGE", "RULE", "PIDS", "FORKS", "MEMORY", "CPUS", "STATE");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *c = json_object_array_get_idx(arr, i);
		char pids[32], mem[40], cur[16], max[16];

		snprintf(pids, sizeof(pids), "%s/%s", text(c, "pids_current", "-"),
		    text(c, "pids_max", "max"));
		human_bytes(c, "memory_current", cur, sizeof(cur));
		human_bytes(c, "memory_max", max, sizeof(max));
		snprintf(mem, sizeof(mem), "%s/%s", cur, max);
		printf("%-12.12s  %-20.20s  %-20.20s  %-12.12s  %11s  %6s  %17s  %5s  %s\n",
		    text(c, "id", "?"), text(c, "name", "-"), text(c, "image", "-"),
		    text(c, "rule", "-"), pids, text(c, "fork_failures", "-"), mem,
		    text(c, "cpus", "max"), text(c, "state", "?"));
	}
}

#define WIDTH 100

/* Prints text wrapped at WIDTH columns, every line indented. */
static void
wrap(int indent, const char *lead, const char *words)
{
	int col = indent, first = 1;

	printf("%*s%s", indent, "", lead);
	col += (int)strlen(lead);
	while (*words) {
		int n = (int)strcspn(words, " ");

		if (!first && col + 1 + n > WIDTH) {
			printf("\n%*s", indent + 2, "");
			col = indent + 2;
		} else if (!first) {
			putchar(' ');
			col++;
		}
		printf("%.*s", n, words);
		col += n;
		first = 0;
		words += n;
		while (*words == ' ')
			words++;
	}
	putchar('\n');
}

/* The findings grouped by severity, worst first, each with its fix. */
static void
print_audit(struct json_object *arr)
{
	static const char *const sevs[] = { "high", "medium", "low", "info" };
	size_t n = json_object_array_length(arr), count[4] = { 0 }, ctrs = 0;

	client_vis_tree(arr);
	for (size_t i = 0; i < n; i++) {
		struct json_object *f = json_object_array_get_idx(arr, i);
		const char *id = text(f, "container", NULL);
		int seen = 0;

		for (int s = 0; s < 4; s++)
			if (strcmp(text(f, "severity", ""), sevs[s]) == 0)
				count[s]++;
		for (size_t j = 0; id && j < i && !seen; j++)
			seen = strcmp(text(json_object_array_get_idx(arr, j), "container", ""), id) == 0;
		if (id && !seen)
			ctrs++;
	}
	printf("cgwarden audit: %zu high, %zu medium, %zu low, %zu info "
	    "(the host and %zu containers with findings)\n", count[0], count[1], count[2],
	    count[3], ctrs);
	for (int s = 0; s < 4; s++) {
		char head[400];

		if (count[s] == 0)
			continue;
		printf("\n%c%s\n", sevs[s][0] - 'a' + 'A', sevs[s] + 1);
		for (size_t i = 0; i < n; i++) {
			struct json_object *f = json_object_array_get_idx(arr, i);
			const char *id = text(f, "container", NULL), *cis = text(f, "cis", NULL);

			if (strcmp(text(f, "severity", ""), sevs[s]) != 0)
				continue;
			if (id)
				snprintf(head, sizeof(head), "%s%s%s: container %s (%.12s), image %s",
				    text(f, "check", "?"), cis ? ", CIS " : "", cis ? cis : "",
				    text(f, "name", "-"), id, text(f, "image", "-"));
			else
				snprintf(head, sizeof(head), "%s%s%s: the host", text(f, "check", "?"),
				    cis ? ", CIS " : "", cis ? cis : "");
			wrap(2, "", head);
			wrap(4, "", text(f, "evidence", ""));
			wrap(4, "fix: ", text(f, "fix", ""));
		}
	}
	if (count[0])
		printf("\n%zu high: fix these first (exit status 1)\n", count[0]);
}

/* audit: exit 0 nothing high, 1 something high, 2 no answer. */
static int
audit(const char *sock, int json)
{
	char *reply = request(sock, "audit");
	/* 1 means "something is high": a failed audit is 2. */
	struct json_object *o = parse_reply_or(reply, 2);
	int high = 0;

	if (!json_object_is_type(o, json_type_array)) {
		fprintf(stderr, "cgwardenctl: audit: the daemon's reply is not a list\n");
		exit(2);
	}
	for (size_t i = 0; i < json_object_array_length(o); i++)
		if (strcmp(text(json_object_array_get_idx(o, i), "severity", ""), "high") == 0)
			high = 1;
	if (json)
		fputs(reply, stdout);
	else
		print_audit(o);
	json_object_put(o);
	free(reply);
	return high;
}

/* One event as a line for people: time, kind, container, action, why. */
static void
print_event(struct json_object *ev)
{
	struct json_object *v;
	char when[32] = "?", who[96];
	const char *name, *id;
	time_t t;
	struct tm tm;

	client_vis_tree(ev); /* before any of its strings is taken */
	name = text(ev, "name", NULL);
	id = text(ev, "id", NULL);
	if (json_object_object_get_ex(ev, "time_ms", &v)) {
		t = (time_t)(json_object_get_uint64(v) / 1000);
		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	}
	if (name && id)
		snprintf(who, sizeof(who), "%s (%.12s)", name, id);
	else if (id)
		snprintf(who, sizeof(who), "%.12s", id);
	else
		snprintf(who, sizeof(who), "-");
	printf("%s  %-7s  %-32s  %-6s  %s%s\n", when, text(ev, "kind", "?"), who,
	    text(ev, "action", "-"), text(ev, "reason", text(ev, "message", "")),
	    json_object_get_boolean(json_object_object_get(ev, "dry_run")) ?
	    " [monitor mode]" : "");
}

/* Follows the daemon's event stream until it ends; each line is flushed. */
static int
follow_events(const char *sock, int json)
{
	FILE *in = fdopen(send_request(sock, "events"), "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (in == NULL)
		return 2;
	while ((n = getline(&line, &cap, in)) > 0) {
		struct json_object *ev = json_tokener_parse(line);
		struct json_object *e;

		if (ev == NULL)
			continue;
		if (json_object_object_get_ex(ev, "error", &e)) {
			client_vis_tree(e);
			fprintf(stderr, "cgwardenctl: %s\n", json_object_get_string(e));
			json_object_put(ev);
			free(line);
			fclose(in);
			return 1;
		}
		if (json)
			fputs(line, stdout);
		else
			print_event(ev);
		fflush(stdout);
		json_object_put(ev);
	}
	free(line);
	fclose(in);
	fprintf(stderr, "cgwardenctl: the event stream ended (cgwardend stopped, or "
	    "dropped this reader as too slow)\n");
	return 1;
}

/* Reads the socket option and runs the command named on the command line. */
int
main(int argc, char **argv)
{
	const char *sock = getenv("CGWARDEN_SOCKET");
	struct json_object *o;
	char *reply;
	int ch, json = 0;

	if (sock == NULL)
		sock = DEFAULT_SOCKET;
	while ((ch = getopt(argc, argv, "+s:h")) != -1) {
		if (ch == 's')
			sock = optarg;
		else
			usage();
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (strcmp(argv[0], "top") == 0)
		return top_main(sock, argc, argv);
	if (strcmp(argv[0], "events") == 0) {
		if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json") != 0))
			usage();
		return follow_events(sock, argc == 2);
	}
	if (strcmp(argv[0], "thaw") == 0 || strcmp(argv[0], "kill") == 0 ||
	    strcmp(argv[0], "freeze") == 0) {
		char line[512];

		if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--json") != 0) ||
		    strchr(argv[1], '\n') != NULL || strlen(argv[1]) > 300)
			usage();
		snprintf(line, sizeof(line), "%s %s", argv[0], argv[1]);
		reply = request(sock, line);
		o = parse_reply(reply);
		if (argc == 3)
			fputs(reply, stdout);
		else
			printf("%s: %s\n", argv[1], strcmp(argv[0], "thaw") == 0 ? "thawed" :
			    strcmp(argv[0], "kill") == 0 ? "killed" : "frozen");
		json_object_put(o);
		free(reply);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			usage();
	}
	if (strcmp(argv[0], "audit") == 0)
		return audit(sock, json);
	if (strcmp(argv[0], "status") == 0) {
		reply = request(sock, "status");
		o = parse_reply(reply);
		if (json)
			fputs(reply, stdout);
		else
			print_status(o);
	} else if (strcmp(argv[0], "reload") == 0) {
		reply = request(sock, "reload");
		o = parse_reply(reply);
		if (json)
			fputs(reply, stdout);
		else
			printf("configuration reloaded\n");
	} else if (strcmp(argv[0], "stats") == 0) {
		reply = request(sock, "stats");
		o = parse_reply(reply);
		fputs(reply, stdout);
	} else
		usage();
	json_object_put(o);
	free(reply);
	return 0;
}
