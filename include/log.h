/*
 * log: our one logging path.
 *
 * Severities (style.md): LOG_ERR our fault; LOG_WARNING hostile or
 * over-limit input; LOG_NOTICE a verdict other than accept; LOG_INFO the
 * summary line.  Goes to syslog facility mail and/or stderr.  Anything that
 * came from a mail must pass through log_escape() first.  Thread-safe.
 */
#ifndef TRIAGE_LOG_H
#define TRIAGE_LOG_H

#include <stddef.h>
#include <syslog.h>

struct sbuf;

#define LOG_TO_SYSLOG	0x1
#define LOG_TO_STDERR	0x2

void	log_open(const char *ident, int where, int min_priority);
void	log_close(void);
void	log_msg(int priority, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Log and abort: for broken invariants only. */
void	log_fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/*
 * Append src (UTF-8 or not) to dst with control characters, DEL, bytes of
 * invalid UTF-8, bidi controls and zero-width characters escaped as \xNN or
 * \u{NNNN}.  Returns 1 when dst was cut at its maximum, else 0.
 */
int	log_escape(struct sbuf *dst, const void *src, size_t len);

#endif
