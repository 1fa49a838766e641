/*
 * triagectl_qout: output helpers of the quarantine commands: table cells
 * measured in terminal columns, decoded subjects, times, JSON fields.
 *
 * Untrusted input: every string printed came from mail.  Text goes
 * through log_escape (control, bidi and zero-width characters escaped,
 * invalid UTF-8 as \xNN) before it is measured, JSON through
 * report_json_string; so no stored byte reaches the terminal raw.
 * Not thread-safe (triagectl is single-threaded).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "log.h"
#include "quar.h"
#include "report.h"
#include "sbuf.h"
#include "triagectl_quar.h"
#include "uni.h"

#define CTL_CELL_MAX	4096	/* bytes of escaped text measured */

/* Terminal columns of one code point (East Asian wide: 2; marks: 0). */
static size_t
ctl_q_cp_width(uint32_t cp)
{
	if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x3099 && cp <= 0x309a))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
	    (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* Display width of UTF-8 text. */
static size_t
ctl_q_width(const struct sbuf *b)
{
	size_t off = 0, w = 0;

	while (off < b->len)
		w += ctl_q_cp_width(uni_next((const char *)b->data, b->len,
		    &off));
	return w;
}

void
ctl_q_cell(struct sbuf *out, const char *s, size_t width, int pad)
{
	struct sbuf esc;
	size_t off = 0, prev, used = 0, w, total, limit;
	uint32_t cp;

	sbuf_init(&esc, CTL_CELL_MAX);
	log_escape(&esc, s, strlen(s));
	total = ctl_q_width(&esc);
	/* When cut, keep one column for the ellipsis. */
	limit = total <= width ? width : width > 0 ? width - 1 : 0;
	while (off < esc.len) {
		prev = off;
		cp = uni_next((const char *)esc.data, esc.len, &off);
		w = ctl_q_cp_width(cp);
		if (used + w > limit)
			break;
		sbuf_append(out, esc.data + prev, off - prev);
		used += w;
	}
	if (total > width && width > 0) {
		sbuf_puts(out, "\xe2\x80\xa6");		/* U+2026 */
		used++;
	}
	while (pad && used < width) {
		sbuf_putc(out, ' ');
		used++;
	}
	sbuf_release(&esc);
}

void
ctl_q_subject(struct sbuf *out, const char *raw)
{
	unsigned flags = 0;
	size_t start = out->len;

	if (decode_rfc2047(raw, strlen(raw), NULL, out, &flags) == -1) {
		out->len = start;
		sbuf_puts(out, raw);
	}
}

const char *
ctl_q_time(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL)
		return "-";
	strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

size_t
ctl_q_columns(void)
{
	const char *c = getenv("COLUMNS");
	struct winsize ws;
	long n = 0;

	if (c != NULL)
		n = strtol(c, NULL, 10);
	else if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		n = ws.ws_col;
	if (n < 80)
		n = 80;
	return n > 400 ? 400 : (size_t)n;
}

void
ctl_q_jstr(struct sbuf *out, const char *key, const char *s, int first)
{
	sbuf_printf(out, "%s\"%s\":", first ? "" : ",", key);
	if (s == NULL)
		sbuf_puts(out, "null");
	else
		report_json_string(out, s, strlen(s));
}

void
ctl_q_jsplit(struct sbuf *out, const char *key, const char *s, char sep)
{
	const char *p = s, *e;
	int n = 0;

	sbuf_printf(out, ",\"%s\":[", key);
	while (*p != '\0') {
		e = strchr(p, sep);
		if (e == NULL)
			e = p + strlen(p);
		if (e > p) {
			sbuf_puts(out, n++ ? "," : "");
			report_json_string(out, p, (size_t)(e - p));
		}
		p = *e != '\0' ? e + 1 : e;
	}
	sbuf_putc(out, ']');
}

void
ctl_q_jint(struct sbuf *out, const char *key, int64_t n, int zero_null)
{
	if (n == 0 && zero_null)
		sbuf_printf(out, ",\"%s\":null", key);
	else
		sbuf_printf(out, ",\"%s\":%lld", key, (long long)n);
}

void
ctl_q_flush(struct sbuf *out)
{
	fwrite(out->data, 1, out->len, stdout);
	sbuf_reset(out);
}

void
ctl_q_audit_text(struct sbuf *o, const struct quar_audit_row *a,
    int with_message)
{
	char t[32];

	sbuf_printf(o, "  %s  ", ctl_q_time(a->ts, t));
	ctl_q_cell(o, a->action, 14, 1);
	if (with_message && a->message != 0)
		sbuf_printf(o, " %-7lld", (long long)a->message);
	else if (with_message)
		sbuf_printf(o, " %-7s", "-");
	sbuf_puts(o, " ");
	ctl_q_cell(o, a->user, 64, 0);
	if (*a->sudo_user) {
		sbuf_puts(o, " (sudo: ");
		ctl_q_cell(o, a->sudo_user, 64, 0);
		sbuf_putc(o, ')');
	}
	sbuf_printf(o, " uid %ld", a->uid);
	if (*a->reason) {
		sbuf_puts(o, ": ");
		ctl_q_cell(o, a->reason, 1000, 0);
	}
	if (*a->detail) {
		sbuf_puts(o, " (");
		ctl_q_cell(o, a->detail, 1000, 0);
		sbuf_putc(o, ')');
	}
	sbuf_putc(o, '\n');
}

void
ctl_q_audit_obj(struct sbuf *o, const struct quar_audit_row *a)
{
	sbuf_printf(o, "{\"id\":%lld,\"ts\":%lld", (long long)a->id,
	    (long long)a->ts);
	ctl_q_jstr(o, "action", a->action, 0);
	ctl_q_jint(o, "message", a->message, 1);
	sbuf_printf(o, ",\"uid\":%ld", a->uid);
	ctl_q_jstr(o, "user", a->user, 0);
	ctl_q_jstr(o, "sudo_user", *a->sudo_user ? a->sudo_user : NULL, 0);
	ctl_q_jstr(o, "reason", *a->reason ? a->reason : NULL, 0);
	ctl_q_jstr(o, "detail", *a->detail ? a->detail : NULL, 0);
	sbuf_putc(o, '}');
}

/* An address without its angle brackets, for the table. */
void
ctl_q_addr(struct sbuf *out, const char *s, size_t n)
{
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s++;
		n -= 2;
	}
	if (n == 0)
		sbuf_puts(out, "<>");
	else
		sbuf_append(out, s, n);
}

static int
ctl_by_score(const void *a, const void *b)
{
	const struct quar_finding *x = a, *y = b;

	return x->score != y->score ? (x->score > y->score ? -1 : 1) :
	    strcmp(x->rule, y->rule);
}

/* The item's rules, highest score first (from its report if readable). */
void
ctl_q_rules(struct sbuf *out, const struct quar_row *r)
{
	struct quar_report *rep = NULL;
	const char *err = NULL;
	size_t i, j, n = 0;

	if (quar_report_parse(r->report, strlen(r->report), &rep, &err) == -1 ||
	    rep->nfindings == 0) {
		sbuf_puts(out, r->rules);
		quar_report_free(&rep);
		return;
	}
	for (i = 0; i < rep->nfindings; i++)	/* distinct rules to the front */
		if (rep->findings[i].rule != NULL) {
			for (j = 0; j < n; j++)
				if (strcmp(rep->findings[j].rule,
				    rep->findings[i].rule) == 0)
					break;
			if (j == n) {
				struct quar_finding t = rep->findings[n];

				rep->findings[n++] = rep->findings[i];
				rep->findings[i] = t;
			} else if (rep->findings[i].score >
			    rep->findings[j].score)
				rep->findings[j].score = rep->findings[i].score;
		}
	qsort(rep->findings, n, sizeof(*rep->findings), ctl_by_score);
	for (i = 0; i < n; i++)
		sbuf_printf(out, "%s%s", i ? "," : "", rep->findings[i].rule);
	quar_report_free(&rep);
}
