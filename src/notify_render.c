/*
 * notify_render: a notice from a template, with its headers and HMAC mark.
 *
 * Templates are DIR/templates/<alert|digest|recipient>.<ja|en>.txt, UTF-8.
 * The first line is "Subject: ...", the rest the body (one blank line
 * after the Subject line is skipped; lines starting with "##" are
 * comments).  {{name}} is replaced by a value (notify_fmt.c); {{#name}}
 * ... {{/name}} keeps its text only when the condition holds; unknown
 * names stay as they are and are logged once.  A missing, oversized,
 * non-UTF-8 or Subject-less template falls back to the built-in text of
 * the same kind and language: an alert is never lost to a typo.
 *
 * The notice: From notify_from, To notify_to (or the recipient), Subject
 * RFC 2047 B-encoded in UTF-8 when not plain ASCII (RFC 2047 section 2:
 * encoded words under 76 characters, folded), Date (RFC 5322 section
 * 3.3), Message-ID, MIME-Version, text/plain UTF-8 8bit, Auto-Submitted
 * (RFC 3834) and X-Triage-Notice: "<id>; t=<HMAC>" (token.h) over kind
 * "notice", the id and notify_body_sha256() of the body.  Lines end in LF
 * (sendmail converts); body lines are kept under 998 bytes (RFC 5322
 * section 2.1.1) by breaking longer ones.
 *
 * Untrusted input: values from mail, escaped by notify_fmt.c; templates
 * are the admin's (bounded, validated).  Limits: NOTIFY_MAX_TEMPLATE,
 * NOTIFY_MAX_NOTICE.  Thread-safe (the unknown-name log has a lock).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "log.h"
#include "mem.h"
#include "notify_int.h"
#include "policy.h"
#include "sbuf.h"
#include "token.h"

#define NOTIFY_LINE_MAX		900	/* body bytes per line */
#define NOTIFY_SUBJECT_MAX	600	/* bytes of a rendered subject */
#define NOTIFY_DEPTH_MAX	8	/* nested {{#sections}} */

static const char *const notify_kind_name[] = { "alert", "digest",
    "recipient" };

/* ---- built-in templates ------------------------------------------- */

static const char notify_builtin_alert_ja[] =
"Subject: [triage-milter] {{#quarantined}}隔離{{/quarantined}}"
"{{#rejected}}拒否{{/rejected}}: {{summary}} ({{sender_domain}})\n"
"{{#suppressed}}注意: 通知の上限により {{suppressed}} 件の通知を"
"送っていません。\n{{/suppressed}}"
"判定: {{verdict}} (スコア {{score}})\n"
"差出人 (エンベロープ): {{env_from}}\nFrom: {{from}}\n"
"宛先: {{rcpts}}\n件名: {{subject}}\n"
"接続元 IP: {{client}}\nキューID: {{qid}}\nメッセージID: {{msgid}}\n"
"\n検出内容:\n{{findings}}\n\n添付ファイル:\n{{attachments}}\n\n"
"URL (無害化表記):\n{{urls}}\n\n"
"{{#quarantined}}隔離ID {{id}}\n確認: {{show_command}}\n"
"解放: {{release_command}}\n{{/quarantined}}"
"{{#rejected}}このメールは受信を拒否し、保存されていません。\n"
"{{/rejected}}";

static const char notify_builtin_alert_en[] =
"Subject: [triage-milter] {{verdict}}: {{summary}} ({{sender_domain}})\n"
"{{#suppressed}}Note: {{suppressed}} notices were not sent because of "
"notify_max_per_hour.\n{{/suppressed}}"
"Verdict: {{verdict}} (score {{score}})\n"
"Envelope sender: {{env_from}}\nFrom: {{from}}\n"
"Recipients: {{rcpts}}\nSubject: {{subject}}\n"
"Client IP: {{client}}\nQueue ID: {{qid}}\nMessage ID: {{msgid}}\n"
"\nFindings:\n{{findings}}\n\nAttachments:\n{{attachments}}\n\n"
"URLs (defanged):\n{{urls}}\n\n"
"{{#quarantined}}Quarantine ID {{id}}\nInspect: {{show_command}}\n"
"Release: {{release_command}}\n{{/quarantined}}"
"{{#rejected}}The message was refused and not kept.\n{{/rejected}}";

static const char notify_builtin_digest_ja[] =
"Subject: [triage-milter] 同じ攻撃のメールがさらに {{count}} 通 "
"({{sender_domain}})\n"
"{{#suppressed}}注意: 通知の上限により {{suppressed}} 件の通知を"
"送っていません。\n{{/suppressed}}"
"{{window}}の間に、同じ攻撃 ({{campaign}}) のメールが"
"さらに {{count}} 通、"
"{{recipients_count}} 名の宛先に届きました。\n"
"最初の警告: ID {{id}}\n期間: {{first_seen}} - {{last_seen}}\n\n"
"{{members}}\n";

static const char notify_builtin_digest_en[] =
"Subject: [triage-milter] {{count}} more messages of a campaign "
"({{sender_domain}})\n"
"{{#suppressed}}Note: {{suppressed}} notices were not sent because of "
"notify_max_per_hour.\n{{/suppressed}}"
"Within {{window}}, {{count}} more messages of this campaign "
"({{campaign}}) to {{recipients_count}} recipients.\n"
"First alert: ID {{id}}\nSeen: {{first_seen}} - {{last_seen}}\n\n"
"{{members}}\n";

static const char notify_builtin_recipient_ja[] =
"Subject: [triage-milter] あなた宛てのメールを保留しました\n"
"{{rcpt}} 様\n\n"
"{{env_from}} からあなた宛てのメールを、"
"安全確認のため保留しました。\n"
"心当たりがある場合は、セキュリティ担当 ({{notify_to}}) に"
"連絡してください。\n"
"(メッセージID {{msgid}}、{{date}})\n";

static const char notify_builtin_recipient_en[] =
"Subject: [triage-milter] A message to you was held\n"
"A message from {{env_from}} to {{rcpt}} was held for inspection.\n"
"If you expected it, ask the security contact ({{notify_to}}).\n"
"(message ID {{msgid}}, {{date}})\n";

static const char *
notify_builtin(enum notify_kind kind, int en)
{
	static const char *const t[3][2] = {
		{ notify_builtin_alert_ja, notify_builtin_alert_en },
		{ notify_builtin_digest_ja, notify_builtin_digest_en },
		{ notify_builtin_recipient_ja, notify_builtin_recipient_en },
	};

	return t[kind][en ? 1 : 0];
}

/* ---- loading ------------------------------------------------------ */

/* Is s[0..len) valid UTF-8 without NUL or other C0 except TAB/LF/CR? */
static int
notify_utf8_ok(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	unsigned cp;

	while (i < len) {
		unsigned char c = s[i];

		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return 0;
			i++;
			continue;
		}
		n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 :
		    c >= 0xc2 && c < 0xe0 ? 2 : 0;
		if (n == 0 || (c >= 0xf5) || len - i < n)
			return 0;
		cp = c & (0x7f >> n);
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 3 && (cp < 0x800 ||
		    (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += n;
	}
	return 1;
}

/* Read dir/templates/KIND.LANG.txt into out; 0, or -1 with *why_r. */
static int
notify_tpl_read(const struct notify_rctx *rc, struct sbuf *out,
    char *path, size_t pcap, const char **why_r)
{
	struct stat st;
	char buf[8192];
	ssize_t n;
	int fd;

	snprintf(path, pcap, "%s/templates/%s.%s.txt",
	    rc->pol->dir != NULL ? rc->pol->dir : ".",
	    notify_kind_name[rc->kind], rc->pol->notify_lang ? "en" : "ja");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		*why_r = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > NOTIFY_MAX_TEMPLATE) {
		*why_r = "not a regular file of at most 64 KiB";
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (sbuf_append(out, buf, (size_t)n) != 0)
			break;
	close(fd);
	if (n < 0 || out->truncated) {
		*why_r = n < 0 ? strerror(errno) : "larger than 64 KiB";
		return -1;
	}
	if (!notify_utf8_ok(out->data, out->len)) {
		*why_r = "not valid UTF-8 text";
		return -1;
	}
	if (out->len < 8 || strncasecmp((const char *)out->data, "Subject:",
	    8) != 0) {
		*why_r = "the first line is not \"Subject: ...\"";
		return -1;
	}
	return 0;
}

/* The template text for rc into out (file, else built-in). */
static void
notify_tpl_load(const struct notify_rctx *rc, struct sbuf *out)
{
	char path[4096];
	const char *why = "?";

	sbuf_init(out, NOTIFY_MAX_TEMPLATE);
	if (notify_tpl_read(rc, out, path, sizeof(path), &why) == 0)
		return;
	log_msg(LOG_WARNING, "notify: template %s: %s; using the built-in "
	    "text", path, why);
	sbuf_reset(out);
	out->truncated = 0;
	sbuf_puts(out, notify_builtin(rc->kind, rc->pol->notify_lang));
}

/* ---- expansion ---------------------------------------------------- */

/* Log an unknown placeholder once per name (bounded table). */
static void
notify_unknown(const char *name, size_t len)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static char seen[32][40];
	static size_t nseen;
	size_t i;
	int log = 1;

	if (len >= sizeof(seen[0]))
		len = sizeof(seen[0]) - 1;
	pthread_mutex_lock(&mu);
	for (i = 0; i < nseen && log; i++)
		if (strncmp(seen[i], name, len) == 0 && seen[i][len] == '\0')
			log = 0;
	if (log && nseen < sizeof(seen) / sizeof(seen[0])) {
		memcpy(seen[nseen], name, len);
		seen[nseen++][len] = '\0';
	}
	pthread_mutex_unlock(&mu);
	if (log)
		log_msg(LOG_WARNING, "notify: unknown placeholder {{%.*s}} "
		    "in a template, left as it is", (int)len, name);
}

/* Expansion state: section depth and where skipping began (0: none). */
struct notify_xstate {
	unsigned	depth;
	unsigned	skip_at;
};

/*
 * A tag at t[i] ("{{...}}"): the bytes it takes (with its line end when
 * a section tag stands alone on a line), or 0 when it is not a tag.
 */
static size_t
notify_tag(const struct notify_rctx *rc, const char *t, size_t len, size_t i,
    struct notify_xstate *x, struct sbuf *out)
{
	const char *name = t + i + 2, *end;
	size_t n, take;
	int sect, known = 1, cond;

	end = memchr(name, '}', len - i - 2 < 48 ? len - i - 2 : 48);
	if (end == NULL || (size_t)(end - t) + 1 >= len || end[1] != '}')
		return 0;
	n = (size_t)(end - name);
	take = n + 4;
	for (size_t k = 0; k < n; k++)
		if (!((name[k] >= 'a' && name[k] <= 'z') || name[k] == '_' ||
		    (name[k] >= '0' && name[k] <= '9') ||
		    (k == 0 && (name[k] == '#' || name[k] == '/'))))
			return 0;
	sect = n > 1 && (name[0] == '#' || name[0] == '/');
	if (sect && (i == 0 || t[i - 1] == '\n') && i + take < len &&
	    t[i + take] == '\n')
		take++;
	if (sect && name[0] == '#') {
		cond = notify_fmt_cond(rc, name + 1, n - 1, &known);
		if (known && x->depth < NOTIFY_DEPTH_MAX) {
			x->depth++;
			if (x->skip_at == 0 && !cond)
				x->skip_at = x->depth;
			return take;
		}
	} else if (sect && x->depth > 0) {
		if (x->skip_at == x->depth)
			x->skip_at = 0;
		x->depth--;
		return take;
	} else if (!sect && x->skip_at != 0)
		return take;
	else if (!sect && notify_fmt_value(rc, name, n, out))
		return take;
	if (x->skip_at == 0) {
		notify_unknown(name, n);
		sbuf_append(out, t + i, n + 4);
	}
	return n + 4;
}

void
notify_expand(const struct notify_rctx *rc, const char *t, size_t len,
    struct sbuf *out)
{
	struct notify_xstate x = { 0, 0 };
	const char *nl;
	size_t i = 0, n;

	while (i < len) {
		if ((i == 0 || t[i - 1] == '\n') && len - i >= 2 &&
		    t[i] == '#' && t[i + 1] == '#') {
			nl = memchr(t + i, '\n', len - i);
			i = nl != NULL ? (size_t)(nl - t) + 1 : len;
			continue;
		}
		if (len - i >= 4 && t[i] == '{' && t[i + 1] == '{' &&
		    (n = notify_tag(rc, t, len, i, &x, out)) > 0) {
			i += n;
			continue;
		}
		if (x.skip_at == 0)
			sbuf_putc(out, t[i]);
		i++;
	}
}

/* ---- headers ------------------------------------------------------ */

static void
notify_b64(struct sbuf *out, const unsigned char *s, size_t n)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	uint32_t v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		sbuf_putc(out, a[v >> 18]);
		sbuf_putc(out, a[(v >> 12) & 63]);
		sbuf_putc(out, a[(v >> 6) & 63]);
		sbuf_putc(out, a[v & 63]);
	}
	if (i < n) {
		v = (uint32_t)s[i] << 16 |
		    (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);
		sbuf_putc(out, a[v >> 18]);
		sbuf_putc(out, a[(v >> 12) & 63]);
		sbuf_putc(out, i + 1 < n ? a[(v >> 6) & 63] : '=');
		sbuf_putc(out, '=');
	}
}

/* Length of s[0..len) cut to at most max bytes on a UTF-8 boundary. */
static size_t
notify_utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n = len, back = 0;

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && back++ < 3 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* Plain ASCII folded at spaces before column 78 (RFC 5322 2.1.1). */
static void
notify_subject_plain(struct sbuf *out, const char *s, size_t len)
{
	size_t col = 8, i = 0, w;

	sbuf_puts(out, "Subject:");
	while (i < len) {
		w = 1;
		while (i + w < len && s[i + w] != ' ')
			w++;		/* a space and the word after it */
		if (i == 0 && s[0] != ' ') {
			sbuf_putc(out, ' ');
			col++;
		} else if (col + w > 78 && col > 9) {
			sbuf_putc(out, '\n');
			col = 0;
		}
		sbuf_append(out, s + i, w);
		col += w;
		i += w;
	}
	sbuf_putc(out, '\n');
}

void
notify_subject_header(struct sbuf *out, const char *s, size_t len)
{
	size_t i, n, max;
	int plain = 1;

	len = notify_utf8_cut(s, len, NOTIFY_SUBJECT_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e ||
		    (s[i] == '=' && i + 1 < len && s[i + 1] == '?'))
			plain = 0;
	if (plain) {
		notify_subject_plain(out, s, len);
		return;
	}
	/*
	 * RFC 2047 section 2: words of at most 75 characters on lines of at
	 * most 76.  "Subject: " + 39 bytes (52 base64 characters) is 73;
	 * " " + 45 bytes (60) is 73.
	 */
	sbuf_puts(out, "Subject:");
	for (i = 0; i < len; i += n) {
		max = i == 0 ? 39 : 45;
		n = notify_utf8_cut(s + i, len - i, max);
		if (n == 0)
			n = len - i < max ? len - i : max;
		sbuf_puts(out, i ? "\n =?UTF-8?B?" : " =?UTF-8?B?");
		notify_b64(out, (const unsigned char *)s + i, n);
		sbuf_puts(out, "?=");
	}
	sbuf_putc(out, '\n');
}

/* Date: in RFC 5322 section 3.3 form, local time, C locale names. */
static void
notify_date_header(struct sbuf *out, time_t t)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm lt;
	long off = notify_utc_offset(t, &lt);

	sbuf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\n",
	    wd[lt.tm_wday % 7], lt.tm_mday, mon[lt.tm_mon % 12],
	    lt.tm_year + 1900, lt.tm_hour, lt.tm_min, lt.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

/* "To: a, b, c" folded before a line passes 76 characters. */
static void
notify_to_header(struct sbuf *out, const char *to)
{
	size_t col = 3, n;
	int first = 1;

	sbuf_puts(out, "To:");
	while (*to != '\0') {
		to += strspn(to, " \t,");
		if ((n = strcspn(to, ",")) == 0)
			break;
		while (n > 0 && (to[n - 1] == ' ' || to[n - 1] == '\t'))
			n--;
		if (!first && col + n + 2 > 76) {
			sbuf_puts(out, ",\n ");
			col = 1;
		} else if (!first) {
			sbuf_puts(out, ", ");
			col += 2;
		} else
			sbuf_putc(out, ' ');
		sbuf_append(out, to, n);
		col += n + 1;
		first = 0;
		to += n;
	}
	sbuf_putc(out, '\n');
}

/* ---- the notice --------------------------------------------------- */

int
notify_body_sha256(const void *body, size_t len, char out[HASH_SHA256_HEX])
{
	const unsigned char *p = body, *cr;
	struct hash_sha256 *h;
	const char *err;
	int rc = 0;

	if ((h = hash_sha256_new(&err)) == NULL)
		return -1;
	while (len > 0 && rc == 0) {
		cr = memchr(p, '\r', len);
		size_t n = cr != NULL ? (size_t)(cr - p) : len;

		rc = hash_sha256_update(h, p, n, &err);
		n += cr != NULL;
		p += n;
		len -= n;
	}
	if (rc == 0)
		rc = hash_sha256_final(h, out, &err);
	hash_sha256_free(&h);
	return rc;
}

/* Body without CR, lines broken under NOTIFY_LINE_MAX, ending in LF. */
static void
notify_body_fix(const struct sbuf *in, struct sbuf *out)
{
	const unsigned char *s = in->data;
	size_t i, col = 0;

	for (i = 0; i < in->len; i++) {
		if (s[i] == '\r')
			continue;
		if (s[i] == '\n')
			col = 0;
		else if (col >= NOTIFY_LINE_MAX && (s[i] & 0xc0) != 0x80) {
			sbuf_putc(out, '\n');	/* not inside a character */
			col = 0;
		}
		if (s[i] != '\n')
			col++;
		sbuf_putc(out, s[i]);
	}
	if (out->len == 0 || out->data[out->len - 1] != '\n')
		sbuf_putc(out, '\n');
}

/* Subject and body of the notice, expanded; body fixed up. */
static void
notify_render_text(const struct notify_rctx *rc, struct sbuf *subj,
    struct sbuf *body)
{
	struct sbuf tpl, raw;
	const char *t, *nl;
	size_t len, sl, i;

	notify_tpl_load(rc, &tpl);
	t = (const char *)tpl.data;
	len = tpl.len;
	nl = memchr(t, '\n', len);
	sl = nl != NULL ? (size_t)(nl - t) : len;
	for (i = 8; i < sl && (t[i] == ' ' || t[i] == '\t'); i++)
		;
	notify_expand(rc, t + i, sl - i, subj);
	for (i = 0; i < subj->len; i++)
		if (subj->data[i] < 0x20)
			subj->data[i] = ' ';
	t += sl;
	len -= sl;
	if (len > 0) {		/* the Subject line's LF, one blank line */
		t++, len--;
		if (len > 0 && *t == '\n')
			t++, len--;
	}
	sbuf_init(&raw, NOTIFY_MAX_NOTICE);
	notify_expand(rc, t, len, &raw);
	notify_body_fix(&raw, body);
	sbuf_release(&raw);
	sbuf_release(&tpl);
}

/* The X-Triage-Notice header, or nothing without a key. */
static void
notify_mark(const struct notify_rctx *rc, const struct sbuf *body,
    struct sbuf *out)
{
	char digest[HASH_SHA256_HEX], tok[TOKEN_HEX];
	const char *err = "sha256 failed";

	if (rc->key == NULL)
		return;
	if (notify_body_sha256(body->data, body->len, digest) == -1 ||
	    token_make(rc->key, "notice", rc->notice_id, digest, tok,
	    &err) == -1) {
		log_msg(LOG_ERR, "notify: notice %s: cannot sign: %s",
		    rc->notice_id, err);
		return;
	}
	sbuf_printf(out, "X-Triage-Notice: %s; t=%s\n", rc->notice_id, tok);
}

struct notify_msg *
notify_render(const struct notify_rctx *rc)
{
	struct notify_msg *m = mem_zalloc(sizeof(*m));
	const char *to = rc->kind == NOTIFY_RECIPIENT ? rc->rcpt :
	    rc->pol->notify_to;
	struct sbuf subj, body, out;

	sbuf_init(&subj, 2 * NOTIFY_SUBJECT_MAX);
	sbuf_init(&body, NOTIFY_MAX_NOTICE + NOTIFY_MAX_NOTICE / 64);
	sbuf_init(&out, 0);
	notify_render_text(rc, &subj, &body);
	sbuf_printf(&out, "From: %s\n", rc->pol->notify_from);
	notify_to_header(&out, to);
	notify_subject_header(&out, (const char *)subj.data, subj.len);
	notify_date_header(&out, rc->now);
	sbuf_printf(&out, "Message-ID: <%s@%s>\n", rc->notice_id, rc->host);
	sbuf_puts(&out, "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "Auto-Submitted: auto-generated\n"
	    "X-Auto-Response-Suppress: All\n");
	notify_mark(rc, &body, &out);
	sbuf_putc(&out, '\n');
	m->body_off = out.len;
	sbuf_append(&out, body.data, body.len);
	m->len = out.len;
	m->text = sbuf_steal(&out, NULL);
	m->id = mem_strdup(rc->notice_id);
	m->to = mem_strdup(to);
	m->sendmail_path = mem_strdup(rc->pol->sendmail_path);
	sbuf_release(&subj);
	sbuf_release(&body);
	sbuf_release(&out);
	return m;
}

void
notify_msg_free(struct notify_msg **mp)
{
	struct notify_msg *m;

	if (mp == NULL || (m = *mp) == NULL)
		return;
	free(m->id);
	free(m->to);
	free(m->sendmail_path);
	free(m->text);
	free(m);
	*mp = NULL;
}
