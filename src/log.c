/*
 * log: syslog (facility mail) and/or stderr (see log.h).
 *
 * Untrusted input: log_escape() takes bytes from mail and makes them safe
 * for a log line or a terminal.  Settings are written once at start-up
 * (log_open) before threads start; log_msg is then thread-safe (syslog and
 * single fprintf calls are).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sbuf.h"

static int log_where = LOG_TO_STDERR;
static int log_min = LOG_INFO;
static const char *log_ident = "triage";

void
log_open(const char *ident, int where, int min_priority)
{
	log_ident = ident;
	log_where = where;
	log_min = min_priority;
	if (where & LOG_TO_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_close(void)
{
	if (log_where & LOG_TO_SYSLOG)
		closelog();
}

static void	log_vmsg(int, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

static void
log_vmsg(int priority, const char *fmt, va_list ap)
{
	char line[2048];
	static const char *const names[] = { "emerg", "alert", "crit",
	    "error", "warning", "notice", "info", "debug" };

	if (priority > log_min)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_where & LOG_TO_SYSLOG)
		syslog(priority, "%s", line);
	if (log_where & LOG_TO_STDERR)
		fprintf(stderr, "%s: %s: %s\n", log_ident,
		    names[priority & 7], line);
}

void
log_msg(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(priority, fmt, ap);
	va_end(ap);
}

void
log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_CRIT, fmt, ap);
	va_end(ap);
	abort();
}

/* Length of a valid UTF-8 sequence at p (1..4) and its code point, or 0. */
static size_t
log_utf8(const unsigned char *p, size_t n, unsigned *cp_r)
{
	unsigned cp, min;
	size_t len, i;

	if (p[0] < 0x80) {
		*cp_r = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2; cp = p[0] & 0x1f; min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3; cp = p[0] & 0x0f; min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4; cp = p[0] & 0x07; min = 0x10000;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_r = cp;
	return len;
}

/* Characters that can hide or reorder text on a screen. */
static int
log_is_invisible(unsigned cp)
{
	return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff || cp == 0x061c ||
	    cp == 0x180e || (cp >= 0x80 && cp <= 0x9f);
}

/* Append one decoded character (n bytes at p, code point cp) escaped. */
static int
log_escape_one(struct sbuf *dst, const unsigned char *p, size_t n, unsigned cp)
{
	if (cp == '\\')
		return sbuf_puts(dst, "\\\\");
	if (cp < 0x20 || cp == 0x7f)
		return sbuf_printf(dst, "\\x%02x", cp);
	if (log_is_invisible(cp))
		return sbuf_printf(dst, "\\u{%04X}", cp);
	return sbuf_append(dst, p, n);
}

int
log_escape(struct sbuf *dst, const void *src, size_t len)
{
	const unsigned char *p = src;
	size_t i = 0, n;
	unsigned cp;
	int cut = 0;

	while (i < len && !cut) {
		n = log_utf8(p + i, len - i, &cp);
		if (n == 0) {
			cut = sbuf_printf(dst, "\\x%02x", p[i]);
			n = 1;
		} else
			cut = log_escape_one(dst, p + i, n, cp);
		i += n;
	}
	return cut;
}
