/*
 * notify_fmt: the values of the template placeholders (see the
 * NOTIFICATIONS section of triage.conf(5) for the list).
 *
 * Untrusted input: every string of an event or campaign came from mail.
 * Each goes out through log_escape (control, bidi and zero-width
 * characters and invalid UTF-8 become \xNN or \u{NNNN}); URLs are also
 * defanged (hxxp://evil[.]example); subjects and From headers are first
 * unfolded and RFC 2047 decoded.  No body text of a message is ever
 * available here.  Lists are bounded by the event copy (50 findings,
 * parts and URLs, 20 recipients shown, 50 digest members).
 *
 * Recipient notices see only a few placeholders (rcpt, env_from, from,
 * date, id, msgid, notify_to, host): the others expand to nothing there,
 * whatever the admin's template asks for.  Thread-safe (no state).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "log.h"
#include "notify_int.h"
#include "policy.h"
#include "rules.h"
#include "sbuf.h"
#include "verdict.h"

#define NOTIFY_SHOW_RCPTS	20	/* recipients listed in {{rcpts}} */
#define NOTIFY_SHOW_URL		500	/* bytes of a URL shown */

static int
notify_ja(const struct notify_rctx *rc)
{
	return rc->pol->notify_lang == 0;
}

void
notify_fmt_escaped(struct sbuf *out, const char *s)
{
	if (s == NULL || *s == '\0')
		sbuf_putc(out, '-');
	else
		log_escape(out, s, strlen(s));
}

/* Header value unfolded (CR and LF removed), RFC 2047 decoded, escaped. */
void
notify_fmt_subject(struct sbuf *out, const char *raw)
{
	struct sbuf un, dec;
	unsigned flags = 0;
	size_t i;

	if (raw == NULL || *raw == '\0') {
		sbuf_putc(out, '-');
		return;
	}
	sbuf_init(&un, 4 * NOTIFY_MAX_STR);
	sbuf_init(&dec, 4 * NOTIFY_MAX_STR);
	for (i = 0; raw[i] != '\0'; i++)
		if (raw[i] != '\r' && raw[i] != '\n')
			sbuf_putc(&un, raw[i]);
	if (decode_rfc2047((const char *)un.data, un.len, NULL, &dec,
	    &flags) == -1) {
		sbuf_reset(&dec);
		sbuf_append(&dec, un.data, un.len);
	}
	log_escape(out, dec.data, dec.len);
	sbuf_release(&un);
	sbuf_release(&dec);
}

/* A URL escaped, then defanged: "http" -> "hxxp", dots of the host "[.]". */
void
notify_fmt_defang(struct sbuf *out, const char *url)
{
	struct sbuf e;
	const char *p, *host, *end;
	size_t n = strlen(url);

	sbuf_init(&e, 0);
	log_escape(&e, url, n > NOTIFY_SHOW_URL ? NOTIFY_SHOW_URL : n);
	p = sbuf_str(&e);
	if (strncasecmp(p, "http", 4) == 0) {
		sbuf_puts(out, p[0] == 'H' ? "HXXP" : "hxxp");
		p += 4;
	}
	host = strstr(p, "://");
	host = host != NULL && host - p < 16 ? host + 3 : p;
	sbuf_append(out, p, (size_t)(host - p));
	end = host + strcspn(host, "/?#");
	for (p = host; p < end; p++) {
		if (*p == '.')
			sbuf_puts(out, "[.]");
		else
			sbuf_putc(out, *p);
	}
	sbuf_puts(out, end);
	if (n > NOTIFY_SHOW_URL)
		sbuf_puts(out, "...");
	sbuf_release(&e);
}

long
notify_utc_offset(time_t t, struct tm *lt)
{
	struct tm gt;
	long off, days;

	localtime_r(&t, lt);
	gmtime_r(&t, &gt);
	days = lt->tm_year != gt.tm_year ? (lt->tm_year > gt.tm_year ? 1 : -1) :
	    lt->tm_yday - gt.tm_yday;
	off = days * 1440 + (lt->tm_hour - gt.tm_hour) * 60 +
	    (lt->tm_min - gt.tm_min);
	return off;
}

void
notify_fmt_time(struct sbuf *out, time_t t)
{
	struct tm lt;
	long off = notify_utc_offset(t, &lt);

	sbuf_printf(out, "%04d-%02d-%02d %02d:%02d:%02d %c%02ld%02ld",
	    lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday, lt.tm_hour,
	    lt.tm_min, lt.tm_sec, off < 0 ? '-' : '+', labs(off) / 60,
	    labs(off) % 60);
}

/* ---- lists -------------------------------------------------------- */

static const char *
notify_summary(const struct notify_rctx *rc, const char *rule)
{
	const struct rule_def *rt = rules_table(&(size_t){0});
	int i = rules_index(rule);

	if (i < 0)
		return rule;
	return notify_ja(rc) ? rt[i].summary_ja : rt[i].summary_en;
}

static void
notify_fmt_more(const struct notify_rctx *rc, struct sbuf *out, size_t n)
{
	if (n > 0)
		sbuf_printf(out, notify_ja(rc) ? "\n- ほか %zu 件" :
		    "\n- and %zu more", n);
}

static void
notify_fmt_findings(const struct notify_rctx *rc, struct sbuf *out)
{
	const struct notify_ev *ev = rc->ev;
	int ja = notify_ja(rc);
	size_t i;

	if (ev->nfindings == 0)
		sbuf_puts(out, ja ? "(なし)" : "(none)");
	for (i = 0; i < ev->nfindings; i++) {
		const struct notify_finding *f = &ev->findings[i];

		sbuf_printf(out, "%s- %s\n  ", i ? "\n" : "",
		    notify_summary(rc, f->rule));
		notify_fmt_escaped(out, f->rule);
		sbuf_printf(out, ja ? "、スコア %d、%s、場所 " :
		    ", score %d, %s, at ", f->score,
		    f->action != VERDICT_ACCEPT ? verdict_name(f->action) :
		    ja ? "加点のみ" : "score only");
		if (f->where == NULL)
			sbuf_puts(out, ja ? "メール全体" : "the message");
		else
			notify_fmt_escaped(out, f->where);
		sbuf_puts(out, ": ");
		notify_fmt_escaped(out, f->detail);
	}
	notify_fmt_more(rc, out, ev->findings_dropped);
}

static void
notify_fmt_parts(const struct notify_rctx *rc, struct sbuf *out)
{
	const struct notify_ev *ev = rc->ev;
	int ja = notify_ja(rc);
	size_t i;

	if (ev->nparts == 0)
		sbuf_puts(out, ja ? "(なし)" : "(none)");
	for (i = 0; i < ev->nparts; i++) {
		const struct notify_part *p = &ev->parts[i];

		sbuf_printf(out, "%s- %s ", i ? "\n" : "",
		    ja ? "パート" : "part");
		notify_fmt_escaped(out, p->where);
		sbuf_puts(out, ": ");
		if (p->name != NULL)
			notify_fmt_escaped(out, p->name);
		else
			sbuf_puts(out, ja ? "(名前なし)" : "(no name)");
		sbuf_puts(out, ja ? "\n  種類 " : "\n  type ");
		notify_fmt_escaped(out, p->detected);
		sbuf_puts(out, ja ? "(宣言 " : " (declared ");
		notify_fmt_escaped(out, p->declared);
		sbuf_printf(out, ja ? ")、%" PRIu64 " バイト\n  sha256 %s" :
		    "), %" PRIu64 " bytes\n  sha256 %s", p->size,
		    p->sha256[0] ? p->sha256 : "-");
	}
	notify_fmt_more(rc, out, ev->parts_dropped);
}

static void
notify_fmt_urls(const struct notify_rctx *rc, struct sbuf *out)
{
	const struct notify_ev *ev = rc->ev;
	size_t i;

	if (ev->nurls == 0)
		sbuf_puts(out, notify_ja(rc) ? "(なし)" : "(none)");
	for (i = 0; i < ev->nurls; i++) {
		sbuf_puts(out, i ? "\n- " : "- ");
		notify_fmt_defang(out, ev->urls[i].url);
		if (ev->urls[i].rules != NULL) {
			sbuf_puts(out, "  [");
			notify_fmt_escaped(out, ev->urls[i].rules);
			sbuf_putc(out, ']');
		}
	}
	notify_fmt_more(rc, out, ev->urls_dropped);
}

static void
notify_fmt_rcpts(const struct notify_rctx *rc, struct sbuf *out)
{
	const struct notify_ev *ev = rc->ev;
	size_t i;

	if (ev->nrcpts == 0)
		sbuf_putc(out, '-');
	for (i = 0; i < ev->nrcpts && i < NOTIFY_SHOW_RCPTS; i++) {
		if (i > 0)
			sbuf_puts(out, ", ");
		notify_fmt_escaped(out, ev->rcpts[i]);
	}
	if (ev->nrcpts + ev->rcpts_dropped > i)
		sbuf_printf(out, notify_ja(rc) ? " ほか %zu 名" :
		    " and %zu more", ev->nrcpts + ev->rcpts_dropped - i);
}

static void
notify_fmt_rules(const struct notify_rctx *rc, struct sbuf *out)
{
	const struct notify_ev *ev = rc->ev;
	size_t i, j;

	for (i = 0; i < ev->nfindings; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(ev->findings[j].rule,
			    ev->findings[i].rule) == 0)
				break;
		if (j == i)
			sbuf_printf(out, "%s%s", i ? "," : "",
			    ev->findings[i].rule);
	}
	if (ev->nfindings == 0)
		sbuf_putc(out, '-');
}

/* The digest's list of messages. */
static void
notify_fmt_members(const struct notify_rctx *rc, struct sbuf *out)
{
	const struct notify_camp *c = rc->camp;
	int ja = notify_ja(rc);
	size_t i;

	for (i = 0; i < c->nmembers; i++) {
		const struct notify_member *m = &c->members[i];

		sbuf_puts(out, i ? "\n- " : "- ");
		notify_fmt_time(out, m->received);
		if (m->quarantine_id > 0)
			sbuf_printf(out, " ID %" PRId64, m->quarantine_id);
		sbuf_printf(out, " [%s] ", verdict_name(m->verdict));
		notify_fmt_escaped(out, m->env_from);
		sbuf_puts(out, " -> ");
		notify_fmt_escaped(out, m->rcpt);
		if (m->nrcpts > 1)
			sbuf_printf(out, ja ? " ほか %zu 名" :
			    " and %zu more", m->nrcpts - 1);
		sbuf_puts(out, ja ? "\n  件名: " : "\n  subject: ");
		notify_fmt_subject(out, m->subject);
	}
	notify_fmt_more(rc, out, c->count - c->nmembers);
}

/* ---- single values ------------------------------------------------ */

static void
notify_fmt_command(const struct notify_rctx *rc, struct sbuf *out,
    int release)
{
	int64_t id = rc->ev != NULL ? rc->ev->quarantine_id :
	    rc->camp != NULL ? rc->camp->first_id : 0;

	if (id <= 0)
		sbuf_puts(out, notify_ja(rc) ?
		    "(拒否したメールは保存されていません)" :
		    "(the message was refused and not kept)");
	else if (release)
		sbuf_printf(out, "triagectl quarantine release %" PRId64
		    " --reason \"...\"", id);
	else
		sbuf_printf(out, "triagectl quarantine show %" PRId64, id);
}

static void
notify_fmt_campaign(const struct notify_rctx *rc, struct sbuf *out, int dom)
{
	char key[NOTIFY_KEY_MAX], *bar;

	if (rc->camp != NULL)
		snprintf(key, sizeof(key), "%s", rc->camp->key);
	else
		notify_campaign_key(rc->ev, key);
	bar = strchr(key, '|');
	if (bar != NULL && dom)
		*bar = '\0';
	else if (bar != NULL)
		*bar = ' ';
	notify_fmt_escaped(out, key);
}

static void
notify_fmt_window(const struct notify_rctx *rc, struct sbuf *out)
{
	unsigned ms = rc->pol->notify_window_ms;
	int ja = notify_ja(rc);

	unsigned n = ms % 60000 == 0 ? ms / 60000 : (ms + 999) / 1000;

	if (ja)
		sbuf_printf(out, ms % 60000 == 0 ? "%u分" : "%u秒", n);
	else
		sbuf_printf(out, "%u %s%s", n, ms % 60000 == 0 ? "minute" :
		    "second", n == 1 ? "" : "s");
}

/* Values that need the event (alert, recipient). */
static int
notify_fmt_ev(const struct notify_rctx *rc, const char *n, struct sbuf *out)
{
	const struct notify_ev *ev = rc->ev;

	if (strcmp(n, "verdict") == 0)
		sbuf_puts(out, verdict_name(ev->verdict));
	else if (strcmp(n, "score") == 0)
		sbuf_printf(out, "%d", ev->score);
	else if (strcmp(n, "msgid") == 0)
		notify_fmt_escaped(out, ev->msgid);
	else if (strcmp(n, "qid") == 0)
		notify_fmt_escaped(out, ev->qid);
	else if (strcmp(n, "client") == 0)
		notify_fmt_escaped(out, ev->client_addr);
	else if (strcmp(n, "env_from") == 0)
		notify_fmt_escaped(out, ev->env_from && *ev->env_from ?
		    ev->env_from : "<>");
	else if (strcmp(n, "from") == 0)
		notify_fmt_subject(out, ev->hdr_from);
	else if (strcmp(n, "subject") == 0)
		notify_fmt_subject(out, ev->subject);
	else if (strcmp(n, "rcpts") == 0)
		notify_fmt_rcpts(rc, out);
	else if (strcmp(n, "rcpt_count") == 0)
		sbuf_printf(out, "%zu", ev->nrcpts + ev->rcpts_dropped);
	else if (strcmp(n, "findings") == 0)
		notify_fmt_findings(rc, out);
	else if (strcmp(n, "summary") == 0)
		sbuf_puts(out, ev->nfindings ? notify_summary(rc,
		    ev->findings[0].rule) : "-");
	else if (strcmp(n, "rules") == 0)
		notify_fmt_rules(rc, out);
	else if (strcmp(n, "attachments") == 0)
		notify_fmt_parts(rc, out);
	else if (strcmp(n, "urls") == 0)
		notify_fmt_urls(rc, out);
	else if (strcmp(n, "date") == 0)
		notify_fmt_time(out, ev->received);
	else
		return 0;
	return 1;
}

/* Values that need the campaign (digest). */
static int
notify_fmt_camp(const struct notify_rctx *rc, const char *n, struct sbuf *out)
{
	const struct notify_camp *c = rc->camp;

	if (strcmp(n, "count") == 0)
		sbuf_printf(out, "%zu", c->count);
	else if (strcmp(n, "recipients_count") == 0)
		sbuf_printf(out, "%zu%s", c->nrcpt_set,
		    c->rcpt_set_full ? "+" : "");
	else if (strcmp(n, "first_seen") == 0 || strcmp(n, "date") == 0)
		notify_fmt_time(out, c->first_seen);
	else if (strcmp(n, "last_seen") == 0)
		notify_fmt_time(out, c->last_seen);
	else if (strcmp(n, "members") == 0)
		notify_fmt_members(rc, out);
	else
		return 0;
	return 1;
}

/* Names that recipient notices may show. */
static int
notify_fmt_public(const char *n)
{
	static const char *const ok[] = { "rcpt", "env_from", "from", "date",
	    "id", "msgid", "notify_to", "host", "verdict", NULL };
	size_t i;

	for (i = 0; ok[i] != NULL; i++)
		if (strcmp(ok[i], n) == 0)
			return 1;
	return 0;
}

/* Every placeholder name; unknown ones are left in the text. */
static int
notify_fmt_known(const char *n)
{
	static const char *const all[] = { "verdict", "score", "id", "msgid",
	    "qid", "client", "env_from", "from", "subject", "rcpts",
	    "rcpt_count", "rcpt", "findings", "summary", "rules",
	    "attachments", "urls", "date", "show_command", "release_command",
	    "suppressed", "notify_to", "host", "campaign", "sender_domain",
	    "count", "recipients_count", "window", "first_seen", "last_seen",
	    "members", NULL };
	size_t i;

	for (i = 0; all[i] != NULL; i++)
		if (strcmp(all[i], n) == 0)
			return 1;
	return 0;
}

/* Values every kind has. */
static int
notify_fmt_common(const struct notify_rctx *rc, const char *n,
    struct sbuf *out)
{
	if (strcmp(n, "id") == 0) {
		int64_t id = rc->ev ? rc->ev->quarantine_id :
		    rc->camp->first_id;

		if (id > 0)
			sbuf_printf(out, "%" PRId64, id);
		else
			sbuf_putc(out, '-');
	} else if (strcmp(n, "show_command") == 0)
		notify_fmt_command(rc, out, 0);
	else if (strcmp(n, "release_command") == 0)
		notify_fmt_command(rc, out, 1);
	else if (strcmp(n, "suppressed") == 0)
		sbuf_printf(out, "%zu", rc->suppressed);
	else if (strcmp(n, "notify_to") == 0)
		notify_fmt_escaped(out, rc->pol->notify_to);
	else if (strcmp(n, "host") == 0)
		notify_fmt_escaped(out, rc->host);
	else if (strcmp(n, "rcpt") == 0)
		notify_fmt_escaped(out, rc->rcpt);
	else if (strcmp(n, "campaign") == 0 || strcmp(n, "sender_domain") == 0)
		notify_fmt_campaign(rc, out, n[0] == 's');
	else if (strcmp(n, "window") == 0)
		notify_fmt_window(rc, out);
	else
		return 0;
	return 1;
}

int
notify_fmt_value(const struct notify_rctx *rc, const char *name, size_t nlen,
    struct sbuf *out)
{
	char n[40];

	if (nlen == 0 || nlen >= sizeof(n))
		return 0;
	memcpy(n, name, nlen);
	n[nlen] = '\0';
	if (!notify_fmt_known(n))
		return 0;
	if (rc->kind == NOTIFY_RECIPIENT && !notify_fmt_public(n))
		return 1;	/* known, but not for recipients' eyes */
	if (notify_fmt_common(rc, n, out))
		return 1;
	if (rc->ev != NULL && notify_fmt_ev(rc, n, out))
		return 1;
	if (rc->camp != NULL && notify_fmt_camp(rc, n, out))
		return 1;
	sbuf_putc(out, '-');	/* known, but not for this kind */
	return 1;
}

int
notify_fmt_cond(const struct notify_rctx *rc, const char *name, size_t nlen,
    int *known_r)
{
	const struct notify_ev *ev = rc->ev;
	int64_t id = ev ? ev->quarantine_id : rc->camp ? rc->camp->first_id : 0;

	*known_r = 1;
#define IS(s) (nlen == sizeof(s) - 1 && memcmp(name, s, nlen) == 0)
	if (IS("quarantined"))
		return id > 0;
	if (IS("rejected"))
		return id <= 0;
	if (IS("suppressed"))
		return rc->suppressed > 0;
	if (IS("attachments"))
		return ev != NULL && ev->nparts > 0;
	if (IS("urls"))
		return ev != NULL && ev->nurls > 0;
	if (IS("truncated"))
		return ev != NULL && (ev->findings_dropped ||
		    ev->parts_dropped || ev->urls_dropped ||
		    ev->rcpts_dropped);
#undef IS
	*known_r = 0;
	return 0;
}
