/* Logging: stderr in the foreground, the journal under systemd. */
#ifndef CGW_LOG_H
#define CGW_LOG_H

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))

void log_init(int debug, int journal);
void log_warn(const char *fmt, ...) LOG_FMT(1, 2);
void log_warnx(const char *fmt, ...) LOG_FMT(1, 2);
void log_info(const char *fmt, ...) LOG_FMT(1, 2);
void log_debug(const char *fmt, ...) LOG_FMT(1, 2);
/* Non-zero when log lines go to the journal (under systemd). */
int log_journal(void);
__attribute__((noreturn)) void fatal(const char *fmt, ...) LOG_FMT(1, 2);
__attribute__((noreturn)) void fatalx(const char *fmt, ...) LOG_FMT(1, 2);

#endif
