/*
 * report: `triagectl scan` output, JSON and text (see report.h).
 *
 * Untrusted input: names, details, URLs and where-paths come from mail.
 * The JSON escaper replaces invalid UTF-8 by U+FFFD and escapes control,
 * bidi and zero-width characters, so the output is valid JSON that cannot
 * reorder a terminal.  The text form goes through log_escape().
 * Thread-safe (no shared state).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "msgctx.h"
#include "report.h"
#include "sbuf.h"
#include "verdict.h"

/* A finding's action; a score-only rule says "none". */
static const char *
report_action(enum verdict_action a)
{
	return a == VERDICT_ACCEPT ? "none" : verdict_name(a);
}

/* Decode one UTF-8 sequence; returns its length, or 0 if invalid. */
static size_t
report_utf8(const unsigned char *p, size_t n, unsigned *cp_r)
{
	static const unsigned mins[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;
	unsigned cp;

	if (p[0] < 0x80) {
		*cp_r = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0)
		len = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < mins[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_r = cp;
	return len;
}

/* Characters written as \uXXXX although JSON would allow them raw. */
static int
report_must_escape(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff || cp == 0x061c ||
	    cp == 0x180e;
}

void
report_json_string(struct sbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	unsigned cp;

	sbuf_putc(out, '"');
	while (i < len) {
		n = report_utf8(p + i, len - i, &cp);
		if (n == 0) {
			sbuf_puts(out, "\\ufffd");
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			sbuf_putc(out, '\\');
			sbuf_putc(out, (int)cp);
		} else if (report_must_escape(cp))
			sbuf_printf(out, "\\u%04x", cp);
		else
			sbuf_append(out, p + i, n);
		i += n;
	}
	sbuf_putc(out, '"');
}

static void
report_json_field(struct sbuf *out, const char *key, const char *val, int comma)
{
	sbuf_printf(out, "%s\"%s\":", comma ? "," : "", key);
	if (val == NULL)
		sbuf_puts(out, "null");
	else
		report_json_string(out, val, strlen(val));
}

static void
report_json_findings(struct sbuf *out, const struct msgctx *m)
{
	size_t i;

	sbuf_puts(out, ",\"findings\":[");
	for (i = 0; i < m->nfindings; i++) {
		const struct finding *f = &m->findings[i];

		sbuf_puts(out, i ? ",{" : "{");
		report_json_field(out, "rule", f->rule, 0);
		sbuf_printf(out, ",\"score\":%d", f->score);
		report_json_field(out, "action", report_action(f->action), 1);
		report_json_field(out, "where", f->where, 1);
		report_json_field(out, "detail", f->detail, 1);
		sbuf_putc(out, '}');
	}
	sbuf_putc(out, ']');
}

static void
report_json_parts(struct sbuf *out, const struct msgctx *m)
{
	size_t i;

	sbuf_puts(out, ",\"parts\":[");
	for (i = 0; i < m->nparts; i++) {
		const struct part_report *p = &m->parts[i];

		sbuf_puts(out, i ? ",{" : "{");
		report_json_field(out, "where", p->where, 0);
		report_json_field(out, "name", p->name, 1);
		report_json_field(out, "declared", p->declared, 1);
		report_json_field(out, "detected", p->detected, 1);
		sbuf_printf(out, ",\"size\":%" PRIu64, p->size);
		report_json_field(out, "sha256", p->sha256, 1);
		sbuf_putc(out, '}');
	}
	sbuf_putc(out, ']');
}

static void
report_json_urls(struct sbuf *out, const struct msgctx *m)
{
	size_t i, j;

	sbuf_puts(out, ",\"urls\":[");
	for (i = 0; i < m->nurls; i++) {
		const struct url_report *u = &m->urls[i];

		sbuf_puts(out, i ? ",{" : "{");
		report_json_field(out, "url", u->url, 0);
		report_json_field(out, "where", u->where, 1);
		report_json_field(out, "normalised", u->normalised, 1);
		report_json_field(out, "domain", u->domain, 1);
		sbuf_puts(out, ",\"rules\":[");
		for (j = 0; j < u->nrules; j++) {
			if (j)
				sbuf_putc(out, ',');
			report_json_string(out, u->rules[j],
			    strlen(u->rules[j]));
		}
		sbuf_puts(out, "]}");
	}
	sbuf_putc(out, ']');
}

void
report_json(struct sbuf *out, const char *file, const struct msgctx *m)
{
	sbuf_putc(out, '{');
	report_json_field(out, "file", file, 0);
	report_json_field(out, "verdict", verdict_name(m->verdict), 1);
	sbuf_printf(out, ",\"score\":%d", m->score);
	report_json_findings(out, m);
	report_json_parts(out, m);
	report_json_urls(out, m);
	if (m->findings_dropped || m->parts_dropped || m->urls_dropped)
		sbuf_printf(out, ",\"dropped\":{\"findings\":%zu,\"parts\":%zu,"
		    "\"urls\":%zu}", m->findings_dropped, m->parts_dropped,
		    m->urls_dropped);
	sbuf_putc(out, '}');
}

void
report_defang(struct sbuf *out, const char *url)
{
	const char *p = url, *host, *end;

	if (strncmp(p, "http", 4) == 0 || strncmp(p, "HTTP", 4) == 0) {
		sbuf_append(out, p[0] == 'h' ? "hxxp" : "HXXP", 4);
		p += 4;
	}
	host = strstr(p, "://");
	host = host != NULL ? host + 3 : p;
	sbuf_append(out, p, (size_t)(host - p));
	end = host + strcspn(host, "/?#");
	for (p = host; p < end; p++) {
		if (*p == '.')
			sbuf_puts(out, "[.]");
		else
			sbuf_putc(out, *p);
	}
	log_escape(out, end, strlen(end));
}

/* "text" for people: escaped, or "-" when absent. */
static void
report_text_str(struct sbuf *out, const char *s)
{
	if (s == NULL || *s == '\0')
		sbuf_putc(out, '-');
	else
		log_escape(out, s, strlen(s));
}

static void
report_text_url(struct sbuf *out, const struct url_report *u)
{
	size_t j;

	sbuf_puts(out, "  url ");
	report_defang(out, u->url);
	sbuf_puts(out, " at ");
	report_text_str(out, u->where);
	for (j = 0; j < u->nrules; j++)
		sbuf_printf(out, "%s%s", j ? "," : ": ", u->rules[j]);
	sbuf_putc(out, '\n');
}

void
report_text(struct sbuf *out, const char *file, const struct msgctx *m)
{
	size_t i;

	report_text_str(out, file);
	sbuf_printf(out, ": %s (score %d)\n", verdict_name(m->verdict), m->score);
	for (i = 0; i < m->nfindings; i++) {
		const struct finding *f = &m->findings[i];

		sbuf_printf(out, "  finding %s [score %d, %s] at ", f->rule,
		    f->score, report_action(f->action));
		report_text_str(out, f->where);
		sbuf_puts(out, ": ");
		report_text_str(out, f->detail);
		sbuf_putc(out, '\n');
	}
	for (i = 0; i < m->nparts; i++) {
		const struct part_report *p = &m->parts[i];

		sbuf_puts(out, "  part ");
		report_text_str(out, p->where);
		sbuf_puts(out, " name ");
		report_text_str(out, p->name);
		sbuf_puts(out, " declared ");
		report_text_str(out, p->declared);
		sbuf_puts(out, " detected ");
		report_text_str(out, p->detected);
		sbuf_printf(out, " size %" PRIu64 " sha256 %s\n", p->size,
		    p->sha256[0] ? p->sha256 : "-");
	}
	for (i = 0; i < m->nurls; i++)
		report_text_url(out, &m->urls[i]);
}
