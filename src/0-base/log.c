/* Logging: one line per fact, to stderr or to the journal. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include "log.h"
#include "vis.h"

static int log_debug_on;
static int log_to_journal;

/* Chooses the sink: the journal when asked to, stderr otherwise. */
void
log_init(int debug, int journal)
{
	log_debug_on = debug;
	log_to_journal = journal;
}

int
log_journal(void)
{
	return log_to_journal;
}

/*
 * Writes one line.  The whole line is escaped (vis.h): names, images and
 * paths from outside are formatted into it, and none of their bytes may
 * end the line, start a forged one or reach a terminal raw.
 */
static void log_emit(int, const char *, va_list, const char *)
	__attribute__((format(printf, 2, 0)));

static void
log_emit(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char msg[1024], line[1200], out[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(line, sizeof(line), "%s%s%s", msg, suffix ? ": " : "", suffix ? suffix : "");
	vis_str(out, sizeof(out), line);
	if (log_to_journal)
		sd_journal_print(pri, "%s", out);
	else
		fprintf(stderr, "cgwardend: %s\n", out);
}

/* Warns, appending strerror(errno). */
void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	log_emit(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

/* Logs and exits 2: the daemon cannot run. */
void
fatal(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, fmt, ap, strerror(saved));
	va_end(ap);
	exit(2);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(2);
}
