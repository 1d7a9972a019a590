/*
 * cgwardenctl top: a live table of every container, like docker stats,
 * redrawn from the daemon's status reply once a second.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "top.h"

#define NEAR_LIMIT 0.8  /* of pids.max: marked */
#define MIN_WIDTH 80
#define ID_W 12
/* Fixed columns: mark, id and the spaces and numbers after image. */
#define FIXED_W (1 + ID_W + 1 + 1 + 1 + 9 + 1 + 4 + 1 + 5 + 1 + 5 + 1 + 5 + 1 + 7)

struct row {
	struct json_object *o;
	const char *id, *name, *image, *state;
	int64_t pids;     /* -1: unknown */
	int64_t pids_max; /* -1: unlimited */
	double frac;      /* pids over pids_max; 0 when unlimited */
	int64_t forks, mem, cpu_ns, at_ms; /* -1: unknown */
	double cpu;       /* % of one core; < 0 until two samples are seen */
	int frozen, near;
};

/* What the last frame saw of a container, for CPU%. */
struct prev {
	char id[65];
	int64_t cpu_ns, at_ms;
	double cpu;
};

static struct {
	int tty, interactive;
	struct termios saved;
	int saved_ok;
	struct prev *prev;
	size_t nprev;
} top;

static volatile sig_atomic_t stop_flag, resized;

/* Notes a resized terminal, or that top is to stop. */
static void
on_signal(int sig)
{
	if (sig == SIGWINCH)
		resized = 1;
	else
		stop_flag = 1;
}

/* Leaves the terminal as it was found, also on exit() from request(). */
static void
term_restore(void)
{
	if (top.saved_ok)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &top.saved);
	top.saved_ok = 0;
	if (top.tty) {
		fputs("\033[0m\033[?25h", stdout);
		fflush(stdout);
	}
}

/* Takes the terminal (plain ANSI, no curses): the signals, keys one by one, no cursor. */
static void
term_setup(void)
{
	struct sigaction sa;
	struct termios t;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() wakes up */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	atexit(term_restore);
	if (top.interactive && tcgetattr(STDIN_FILENO, &top.saved) == 0) {
		t = top.saved;
		t.c_lflag &= (tcflag_t)~(ICANON | ECHO); /* keys one by one; ISIG stays: ^C */
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
			top.saved_ok = 1;
	}
	if (top.tty)
		fputs("\033[?25l\033[H\033[2J", stdout);
}

/* The terminal's columns and lines, or 80 by 24 when it is no terminal. */
static void
term_size(int *cols, int *lines)
{
	struct winsize ws;

	*cols = MIN_WIDTH;
	*lines = 24;
	if (top.tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		*cols = ws.ws_col;
		*lines = ws.ws_row;
	}
}

/* The integer under key in o, or -1 when it is missing or no integer. */
static int64_t
num(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

/* Orders what the last frame saw by container id, for bsearch. */
static int
prev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct prev *)a)->id, ((const struct prev *)b)->id);
}

/* CPU% since the daemon's previous sample of it: its own clock, not ours. */
static double
cpu_percent(const struct row *r)
{
	struct prev key, *p;

	if (r->cpu_ns < 0 || r->at_ms < 0 || top.nprev == 0)
		return -1;
	snprintf(key.id, sizeof(key.id), "%s", r->id);
	p = bsearch(&key, top.prev, top.nprev, sizeof(*p), prev_cmp);
	if (p == NULL || r->cpu_ns < p->cpu_ns || r->at_ms < p->at_ms)
		return -1;
	if (r->at_ms == p->at_ms) /* not sampled again since: as before */
		return p->cpu;
	return (double)(r->cpu_ns - p->cpu_ns) / ((double)(r->at_ms - p->at_ms) * 1e4);
}

/* Keeps this frame's CPU counters for the next frame's CPU%. */
static void
remember(const struct row *r, size_t n)
{
	free(top.prev);
	top.prev = calloc(n ? n : 1, sizeof(*top.prev));
	top.nprev = 0;
	for (size_t i = 0; top.prev != NULL && i < n; i++) {
		struct prev *p = &top.prev[top.nprev++];

		snprintf(p->id, sizeof(p->id), "%s", r[i].id);
		p->cpu_ns = r[i].cpu_ns;
		p->at_ms = r[i].at_ms;
		p->cpu = r[i].cpu;
	}
	if (top.prev != NULL)
		qsort(top.prev, top.nprev, sizeof(*top.prev), prev_cmp);
}

/*
 * Most pressure first (share of pids.max, then count, then name and id):
 * the containers nearest to refusing forks on top.
 */
static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c;

	if (x->frac != y->frac)
		return x->frac < y->frac ? 1 : -1;
	if (x->pids != y->pids)
		return x->pids < y->pids ? 1 : -1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return strcmp(x->id, y->id);
}

/* One row from a container of the reply, marked when frozen or at NEAR_LIMIT of pids.max. */
static void
fill(struct row *r, struct json_object *o)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->id = text(o, "id", "?");
	r->name = text(o, "name", "-");
	r->image = text(o, "image", "-");
	r->state = text(o, "state", "?");
	r->pids = num(o, "pids_current");
	r->pids_max = num(o, "pids_max");
	r->forks = num(o, "fork_failures");
	r->mem = num(o, "memory_current");
	r->cpu_ns = num(o, "cpu_usage_ns");
	r->at_ms = num(o, "sampled_ms");
	r->frac = r->pids >= 0 && r->pids_max > 0 ? (double)r->pids / (double)r->pids_max : 0;
	r->cpu = cpu_percent(r);
	r->frozen = strcmp(r->state, "frozen") == 0;
	r->near = r->pids_max > 0 && r->frac >= NEAR_LIMIT;
}

/* A count in at most 5 columns: 12345 is 12k. */
static void
fmt_count(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else if (v < 10000)
		snprintf(buf, len, "%" PRId64, v);
	else if (v < 10000000)
		snprintf(buf, len, "%" PRId64 "k", (v + 500) / 1000);
	else
		snprintf(buf, len, "%" PRId64 "M", (v + 500000) / 1000000);
}

/* Bytes in at most 5 columns, the way docker stats writes them. */
static void
fmt_bytes(int64_t v, char *buf, size_t len)
{
	const char *u = "BKMGTP";
	double b = (double)v;

	if (v < 0) {
		snprintf(buf, len, "-");
		return;
	}
	while (b >= 1000 && u[1]) {
		b /= 1024;
		u++;
	}
	if (*u == 'B')
		snprintf(buf, len, "%.0fB", b);
	else
		snprintf(buf, len, b < 10 ? "%.1f%c" : "%.0f%c", b, *u);
}

/* Appends s cut or padded to w columns (UTF-8 aware), then a space. */
static size_t
put_col(char *out, size_t pos, size_t cap, const char *s, size_t w)
{
	size_t cols = 0, i = 0;

	while (s[i] != '\0' && cols < w) {
		size_t j = i + 1;

		while ((s[j] & 0xC0) == 0x80)
			j++;
		if (pos + (j - i) + 1 >= cap)
			break;
		if ((unsigned char)s[i] < 0x20) { /* no control characters on screen */
			out[pos++] = '?';
		} else {
			memcpy(out + pos, s + i, j - i);
			pos += j - i;
		}
		i = j;
		cols++;
	}
	for (; cols < w + 1 && pos + 1 < cap; cols++)
		out[pos++] = ' ';
	out[pos] = '\0';
	return pos;
}

/* One row of the table as text, its name and image columns namew and imagew wide. */
static void
format_row(const struct row *r, size_t namew, size_t imagew, char *out, size_t cap)
{
	char cur[24], max[24], pids[48], pct[8], forks[24], mem[24], cpu[24], tail[128];
	size_t pos;

	fmt_count(r->pids, cur, sizeof(cur));
	if (r->pids_max < 0)
		snprintf(max, sizeof(max), "max");
	else
		fmt_count(r->pids_max, max, sizeof(max));
	snprintf(pids, sizeof(pids), "%s/%s", cur, max);
	if (r->pids >= 0 && r->pids_max > 0)
		snprintf(pct, sizeof(pct), "%d%%", (int)(r->frac * 100 + 1e-9));
	else
		snprintf(pct, sizeof(pct), "-");
	fmt_count(r->forks, forks, sizeof(forks));
	fmt_bytes(r->mem, mem, sizeof(mem));
	if (r->cpu < 0)
		snprintf(cpu, sizeof(cpu), "-");
	else
		snprintf(cpu, sizeof(cpu), r->cpu < 1000 ? "%.1f" : "%.0f", r->cpu);
	out[0] = r->frozen || r->near ? '!' : ' ';
	pos = put_col(out, 1, cap, r->id, ID_W);
	pos = put_col(out, pos, cap, r->name, namew);
	pos = put_col(out, pos, cap, r->image, imagew);
	snprintf(tail, sizeof(tail), "%9.9s %4s %5.5s %5.5s %5.5s %.7s", pids, pct, forks, mem,
	    cpu, r->state);
	snprintf(out + pos, cap - pos, "%s", tail);
}

/* One line of the frame: in a terminal, cleared to its end and highlighted. */
static void
line(const char *s, const char *attr)
{
	if (top.tty)
		printf("%s%s\033[0m\033[K\n", attr ? attr : "", s);
	else
		printf("%s\n", s);
}

/* One frame as one line of JSON: the status reply with cpu_percent and pids_percent. */
static void
frame_json(struct row *r, size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_get(r[i].o);

		json_object_object_add(o, "cpu_percent", r[i].cpu < 0 ? NULL :
		    json_object_new_double(r[i].cpu));
		json_object_object_add(o, "pids_percent", r[i].pids >= 0 && r[i].pids_max > 0 ?
		    json_object_new_double(r[i].frac * 100) : NULL);
		json_object_array_add(arr, o);
	}
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

/* One frame as a table: a head line, the column names, the rows that fit. */
static void
frame_table(struct row *r, size_t n, int first)
{
	size_t nfrozen = 0, nnear = 0, shown = n, width, namew, imagew, room;
	int cols, lines;
	char buf[1024], head[256], clock[16];
	time_t now = time(NULL);

	term_size(&cols, &lines);
	/* The last column of a terminal is never written: no wrap surprises. */
	width = (size_t)(cols > MIN_WIDTH ? cols : MIN_WIDTH) - 1;
	if (width > sizeof(buf) - 1)
		width = sizeof(buf) - 1;
	room = width - FIXED_W;
	namew = room / 2 + room % 2;
	imagew = room / 2;
	for (size_t i = 0; i < n; i++) {
		nfrozen += (size_t)r[i].frozen;
		nnear += (size_t)r[i].near;
	}
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	snprintf(head, sizeof(head), "cgwarden top %s: %zu containers, %zu frozen, %zu near "
	    "pids.max%s", clock, n, nfrozen, nnear, top.interactive ? "   (q: quit)" : "");
	if (top.tty)
		fputs("\033[H", stdout);
	else if (!first)
		putchar('\n');
	snprintf(buf, sizeof(buf), "%.*s", (int)width, head);
	line(buf, NULL);
	buf[0] = ' ';
	{
		size_t pos = put_col(buf, 1, sizeof(buf), "CONTAINER", ID_W);

		pos = put_col(buf, pos, sizeof(buf), "NAME", namew);
		pos = put_col(buf, pos, sizeof(buf), "IMAGE", imagew);
		snprintf(buf + pos, sizeof(buf) - pos, "%9s %4s %5s %5s %5s %s", "PIDS", "%",
		    "FORKS", "MEM", "CPU%", "STATE");
	}
	line(buf, top.tty ? "\033[4m" : NULL);
	/* In a terminal: as many rows as fit, the rest counted on the last line. */
	if (top.tty && lines > 3 && n > (size_t)lines - 3)
		shown = (size_t)lines - 4;
	for (size_t i = 0; i < shown; i++) {
		const char *attr = NULL;

		format_row(&r[i], namew, imagew, buf, sizeof(buf));
		buf[width] = '\0';
		if (r[i].frozen && r[i].near)
			attr = "\033[1;7m";
		else if (r[i].frozen)
			attr = "\033[7m";
		else if (r[i].near)
			attr = "\033[1m";
		line(buf, top.tty ? attr : NULL);
	}
	if (shown < n) {
		snprintf(buf, sizeof(buf), " ... and %zu more, further from their limits", n - shown);
		line(buf, NULL);
	}
	if (top.tty)
		fputs("\033[J", stdout);
}

/* One frame: ask the daemon, compute, draw.  0, or -1 on a bad reply. */
static int
frame(const char *sock, int json, int first)
{
	char *reply = request(sock, "status");
	struct json_object *arr = parse_reply(reply);
	struct row *r;
	size_t n;

	free(reply);
	if (!json_object_is_type(arr, json_type_array)) {
		json_object_put(arr);
		fprintf(stderr, "cgwardenctl: the daemon's status reply is not a list\n");
		return -1;
	}
	n = json_object_array_length(arr);
	if ((r = calloc(n ? n : 1, sizeof(*r))) == NULL) {
		json_object_put(arr);
		return -1;
	}
	if (!json)
		client_vis_tree(arr); /* the table goes to a terminal */
	for (size_t i = 0; i < n; i++)
		fill(&r[i], json_object_array_get_idx(arr, i));
	qsort(r, n, sizeof(*r), row_cmp);
	if (json)
		frame_json(r, n);
	else
		frame_table(r, n, first);
	fflush(stdout);
	remember(r, n);
	free(r);
	json_object_put(arr);
	return 0;
}

/* Milliseconds on the monotonic clock. */
static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

enum wake { WAKE_STOP, WAKE_TIME, WAKE_RESIZE };

/* Waits until deadline, watching for q, ^C and a resized terminal. */
static enum wake
wait_key(uint64_t deadline)
{
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
	uint64_t now;
	char ch;

	while ((now = now_ms()) < deadline) {
		int rc = poll(&pfd, top.interactive ? 1 : 0, (int)(deadline - now));

		if (stop_flag)
			return WAKE_STOP;
		if (resized) {
			resized = 0;
			return WAKE_RESIZE;
		}
		if (rc > 0 && (pfd.revents & POLLIN)) {
			if (read(STDIN_FILENO, &ch, 1) != 1)
				top.interactive = 0; /* stdin closed: no more keys */
			else if (ch == 'q' || ch == 'Q')
				return WAKE_STOP;
		} else if (rc > 0)
			top.interactive = 0;
	}
	return stop_flag ? WAKE_STOP : WAKE_TIME;
}

/* Prints how top is called and exits 2. */
static void
top_usage(void)
{
	fprintf(stderr, "usage: cgwardenctl [-s SOCKET] top [-n N | --iterations N] "
	    "[-d SECONDS] [--json]\n");
	exit(2);
}

/* cgwardenctl top: reads the options, then draws frames until q, ^C or the count. */
int
top_main(const char *sock, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long iterations = 0;
	double delay = 1.0;
	int ch, json = 0;
	char *end;
	uint64_t next;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "n:d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			iterations = strtol(optarg, &end, 10);
			if (*end != '\0' || iterations < 1) {
				fprintf(stderr, "cgwardenctl top: -n wants a count of frames >= 1, "
				    "not '%s'\n", optarg);
				exit(2);
			}
			break;
		case 'd':
			delay = strtod(optarg, &end);
			if (*end != '\0' || !(delay >= 0.1 && delay <= 3600)) {
				fprintf(stderr, "cgwardenctl top: -d wants seconds between 0.1 and "
				    "3600, not '%s'\n", optarg);
				exit(2);
			}
			break;
		case 'j': json = 1; break;
		default: top_usage();
		}
	}
	if (optind != argc)
		top_usage();
	top.tty = !json && isatty(STDOUT_FILENO);
	top.interactive = top.tty && isatty(STDIN_FILENO);
	term_setup();
	next = now_ms();
	for (long i = 0; !stop_flag; i++) {
		if (frame(sock, json, i == 0) < 0)
			return 1;
		if (iterations > 0 && i + 1 >= iterations)
			break;
		next += (uint64_t)(delay * 1000);
		if (next < now_ms())
			next = now_ms(); /* the daemon was slow: no burst to catch up */
		switch (wait_key(next)) {
		case WAKE_STOP:
			stop_flag = 1;
			break;
		case WAKE_RESIZE:
			if (top.tty)
				fputs("\033[2J", stdout);
			next = now_ms();
			break;
		case WAKE_TIME:
			break;
		}
	}
	term_restore();
	free(top.prev);
	return 0;
}
