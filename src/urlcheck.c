/*
 * urlcheck: judge one URL (see urlcheck.h for the normalisation and
 * triage.conf(5) for every rule).
 *
 * Order: the URL limits; cleaning (leading and trailing white space and
 * controls dropped, tabs and newlines inside removed, as browsers do);
 * parsing and host normalisation; then url-allowlist.txt and the intranet
 * (intranet-hosts.txt, private and loopback addresses, file: links) win
 * over every check; then url.blocklisted, the address, userinfo, port,
 * target, list and lookalike checks, the anchor text and the admin's URL
 * regexes.  Every rule that fires is a finding (details name hosts
 * defanged) and is listed in the URL report.
 *
 * Untrusted input: the URL and its anchor text.  Limits: max_url_length
 * bytes of a URL are examined (data: URIs excepted: only their media
 * type matters), max_urls URLs a message.  Ownership: the report's
 * strings come from the message's arena.  Thread safety: one message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lists.h"
#include "mem.h"
#include "msgctx.h"
#include "policy.h"
#include "rx.h"
#include "sbuf.h"
#include "urlcheck.h"
#include "urlcheck_int.h"

#define UC_MAX_RULES	16	/* rules one URL can fire (fewer exist) */
#define UC_DATA_SHOWN	200	/* bytes of a data: URI kept in reports */
#define UC_DEF		(URLCHECK_HOST_MAX * 3 + 8)	/* defanged host */

/* One URL being judged. */
struct uc {
	struct msgctx		*msg;
	const struct policy	*pol;
	const char		*where;
	unsigned		 flags;
	struct urlcheck_url	 u;
	struct urlcheck_host	 h;
	const char		*norm;		/* arena, or NULL */
	const char		*rules[UC_MAX_RULES];
	size_t			 nrules;
	char			 def[UC_DEF];	/* the host, defanged */
};

static void	uc_fire(struct uc *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Record a finding and remember the rule for the URL report. */
static void
uc_fire(struct uc *c, const char *rule, const char *fmt, ...)
{
	char detail[768];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	if (vsnprintf(detail, sizeof(detail), fmt, ap) < 0)
		detail[0] = '\0';
	va_end(ap);
	msgctx_finding(c->msg, rule, c->where, "%s", detail);
	for (i = 0; i < c->nrules; i++)
		if (strcmp(c->rules[i], rule) == 0)
			return;
	if (c->nrules < UC_MAX_RULES)
		c->rules[c->nrules++] = rule;
}

int
urlcheck_full(const struct msgctx *msg)
{
	unsigned max = msg->pol->max_urls;

	if (max == 0 || max > MSGCTX_MAX_URLS)
		max = MSGCTX_MAX_URLS;
	return msg->nurls + msg->urls_dropped >= max;
}

static int
uc_ws(int c)
{
	return c <= 0x20 || c == 0x7f;
}

/*
 * Clean as a browser does: drop leading and trailing C0 controls and
 * spaces, remove tabs and newlines inside.  Copies at most max bytes.
 */
static size_t
uc_clean(const char *s, size_t len, char *out, size_t max)
{
	size_t o = 0;

	while (len > 0 && uc_ws((unsigned char)*s))
		s++, len--;
	while (len > 0 && uc_ws((unsigned char)s[len - 1]))
		len--;
	for (; len > 0 && o < max; s++, len--)
		if (*s != '\t' && *s != '\n' && *s != '\r')
			out[o++] = *s;
	out[o] = '\0';
	return o;
}

/* ---- checks on the target ------------------------------------------- */

static int
uc_exec_ext(const char *ext)
{
	static const char *const list[] = { "exe", "scr", "pif", "cpl", "msi",
	    "msix", "msp", "appx", "appxbundle", "application", "dll", "jar",
	    "bat", "cmd", "vbs", "vbe", "js", "jse", "wsf", "wsh", "wsc",
	    "hta", "ps1", "psm1", "reg", "lnk", "url", "scf", "iso", "img",
	    "vhd", "vhdx", "one", "chm", "xll", "iqy", "slk", "msc", "gadget",
	    "settingcontent-ms", "library-ms", "apk" };
	size_t i;

	for (i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (strcmp(ext, list[i]) == 0)
			return 1;
	return 0;
}

static int
uc_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* The file name at the end of s[0..n) (after '/', '\\' or '='),
 * percent-decoded and lowercased, into out. */
static void
uc_last_name(const char *s, size_t n, char *out, size_t cap)
{
	size_t i = n, o = 0;

	while (i > 0 && s[i - 1] != '/' && s[i - 1] != '\\' && s[i - 1] != '=')
		i--;
	for (; i < n && o + 1 < cap; i++) {
		int c = (unsigned char)s[i];

		if (c == '%' && i + 2 < n && uc_hexval((unsigned char)s[i + 1]) >=
		    0 && uc_hexval((unsigned char)s[i + 2]) >= 0) {
			c = uc_hexval((unsigned char)s[i + 1]) * 16 +
			    uc_hexval((unsigned char)s[i + 2]);
			i += 2;
		}
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	while (o > 0 && (out[o - 1] == '.' || out[o - 1] == ' '))
		o--;		/* Windows drops trailing dots and spaces */
	out[o] = '\0';
}

/* The executable file name the URL fetches ("" if none) into name. */
static int
uc_exec_target(const struct urlcheck_url *u, char *name, size_t cap)
{
	const char *dot;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (pass == 0)
			uc_last_name(u->path, u->path_len, name, cap);
		else if (u->query != NULL)
			uc_last_name(u->query, u->query_len, name, cap);
		else
			break;
		if ((dot = strrchr(name, '.')) != NULL && uc_exec_ext(dot + 1))
			return 1;
	}
	name[0] = '\0';
	return 0;
}

static void
uc_check_address(struct uc *c, int exec, const char *name)
{
	if (c->h.ip == 0 || c->h.ip_private)
		return;
	uc_fire(c, "url.ip_literal", "link to the IP address %s%s%.*s",
	    c->def, c->h.ip_odd ? " written as " : "",
	    c->h.ip_odd ? (int)(c->u.rawhost_len > 64 ? 64 :
	    c->u.rawhost_len) : 0, c->u.rawhost);
	if (exec)
		uc_fire(c, "url.ip_executable", "link to the program %s on "
		    "the IP address %s", name, c->def);
}

static void
uc_check_userinfo(struct uc *c)
{
	char shown[256], d[800];
	size_t n = c->u.userinfo_len < sizeof(shown) - 1 ?
	    c->u.userinfo_len : sizeof(shown) - 1;

	if (c->u.userinfo == NULL)
		return;
	memcpy(shown, c->u.userinfo, n);
	shown[n] = '\0';
	uc_fire(c, "url.userinfo", "the link shows \"%s\" before '@' but "
	    "goes to %s", urlcheck_defang(shown, d, sizeof(d)), c->def);
}

static void
uc_check_port(struct uc *c)
{
	long def = urlcheck_default_port(c->u.scheme);

	if (c->u.port_bad)
		uc_fire(c, "url.nonstandard_port", "invalid port on %s", c->def);
	else if (c->u.port >= 0 && c->u.port != def && c->u.port != 80 &&
	    c->u.port != 443)
		uc_fire(c, "url.nonstandard_port", "port %ld on %s", c->u.port,
		    c->def);
}

static void
uc_check_lists(struct uc *c)
{
	const char *tld = strrchr(c->h.ascii, '.');

	if (lists_match_domain(c->pol->url_shorteners, c->h.ascii))
		uc_fire(c, "url.shortener", "%s is a URL shortener", c->def);
	tld = tld != NULL ? tld + 1 : c->h.ascii;
	/* Entries are usually one label ("zip"); "co.tk" works too. */
	if (c->h.ip == 0 && (lists_match_domain(c->pol->suspicious_tlds,
	    c->h.ascii) || (c->h.idn &&
	    lists_match_domain(c->pol->suspicious_tlds, c->h.uni))))
		uc_fire(c, "url.suspicious_tld", "%s is under the top-level "
		    "domain .%s", c->def, tld);
}

static void
uc_check_names(struct uc *c)
{
	char looks[128], ld[400];
	const char *why = "", *prot;

	if ((prot = urlcheck_lookalike(c->pol, &c->h, &why)) != NULL)
		uc_fire(c, "url.lookalike", "%s imitates the protected domain "
		    "%s: it %s", c->def, urlcheck_defang(prot, ld, sizeof(ld)),
		    why);
	if (urlcheck_homograph(&c->h, &why, looks, sizeof(looks)))
		uc_fire(c, "url.homograph", "%s (%.200s) %s", c->def,
		    c->h.uni, why);
}

/* Does host end with the label run suffix? */
static int
uc_ends_with(const char *host, const char *suffix)
{
	size_t h = strlen(host), n = strlen(suffix);

	return h > n && host[h - n - 1] == '.' &&
	    strcmp(host + h - n, suffix) == 0;
}

/* Percent-decode a query value s[0..n) up to '&' into out; its length. */
static size_t
uc_param_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < n && s[i] != '&' && o + 1 < cap; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    uc_hexval((unsigned char)s[i + 1]) >= 0 &&
		    uc_hexval((unsigned char)s[i + 2]) >= 0) {
			out[o++] = (char)(uc_hexval((unsigned char)s[i + 1]) * 16 +
			    uc_hexval((unsigned char)s[i + 2]));
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return o;
}

/*
 * Microsoft Defender Safe Links (which rewrites every link of mail that a
 * partner forwards) carries the real link in its "url" parameter: is
 * that link's host of the organisation the text shows?
 */
static int
uc_wrapped_same_org(const struct uc *c, const struct urlcheck_host *a)
{
	const char *q = c->u.query, *v;
	char buf[2048];
	struct urlcheck_url w;
	struct urlcheck_host *h;
	size_t n;
	int same;

	if (q == NULL || !uc_ends_with(c->h.ascii,
	    "safelinks.protection.outlook.com"))
		return 0;
	for (v = q; v + 4 <= q + c->u.query_len; v++)
		if (strncmp(v, "url=", 4) == 0 && (v == q || v[-1] == '&'))
			break;
	if (v + 4 > q + c->u.query_len)
		return 0;
	n = uc_param_decode(v + 4, (size_t)(q + c->u.query_len - (v + 4)),
	    buf, sizeof(buf));
	urlcheck_parse(buf, n, &w);
	h = mem_alloc(sizeof(*h));
	same = w.kind == UK_HOST && urlcheck_host_norm(w.rawhost,
	    w.rawhost_len, h) == 0 && urlcheck_same_org(a, h);
	free(h);
	return same;
}

static void
uc_check_anchor(struct uc *c, const char *anchor, size_t len)
{
	struct urlcheck_host *a;
	char d[UC_DEF];

	if (!(c->flags & URLCHECK_HREF) || anchor == NULL || len == 0)
		return;
	a = mem_alloc(sizeof(*a));
	if (urlcheck_anchor_host(anchor, len, a) && !urlcheck_same_org(a,
	    &c->h) && !uc_wrapped_same_org(c, a))
		uc_fire(c, "url.text_mismatch", "the link text shows %s but "
		    "the link goes to %s", urlcheck_defang(a->ascii, d,
		    sizeof(d)), c->def);
	free(a);
}

/* ---- regexes -------------------------------------------------------- */

static void
uc_rx_hit(void *arg, const struct rx_hit *hit)
{
	struct uc *c = arg;

	uc_fire(c, "regex.url", "URL matches regex rule at line %zu%s%.200s%s",
	    hit->line, hit->comment[0] ? " (" : "", hit->comment,
	    hit->limit ? ") (match limit reached: counted as a match" :
	    hit->comment[0] ? ")" : "");
}

static void
uc_check_regex(struct uc *c, const char *s, size_t n)
{
	if (rx_count(c->pol->regex_rules, RX_URL) > 0)
		(void)rx_match(c->pol->regex_rules, RX_URL, s, n, uc_rx_hit, c);
}

/* ---- by kind -------------------------------------------------------- */

static int
uc_allowed(struct uc *c)
{
	const struct policy *p = c->pol;

	return lists_match_domain(p->url_allowlist, c->h.ascii) ||
	    (c->h.idn && lists_match_domain(p->url_allowlist, c->h.uni)) ||
	    (c->norm != NULL && lists_match_url_prefix(p->url_allowlist,
	    c->norm)) || c->h.ip_private ||
	    lists_match_domain(p->intranet_hosts, c->h.ascii) ||
	    (c->h.idn && lists_match_domain(p->intranet_hosts, c->h.uni));
}

static void
uc_check_blocklist(struct uc *c, const char *clean)
{
	const struct policy *p = c->pol;

	if (lists_match_domain(p->url_blocklist, c->h.ascii) ||
	    (c->h.idn && lists_match_domain(p->url_blocklist, c->h.uni)))
		uc_fire(c, "url.blocklisted", "%s is on the URL blocklist",
		    c->def);
	else if ((c->norm != NULL && lists_match_url_prefix(p->url_blocklist,
	    c->norm)) || lists_match_url_prefix(p->url_blocklist, clean))
		uc_fire(c, "url.blocklisted", "a URL on %s matches a blocklisted "
		    "URL prefix", c->def);
}

static void
uc_host_url(struct uc *c, const char *clean, const char *anchor,
    size_t anchor_len)
{
	struct sbuf norm;
	char name[256];
	int exec;

	if (urlcheck_host_norm(c->u.rawhost, c->u.rawhost_len, &c->h) == -1)
		return;		/* a browser would not open it either */
	sbuf_init(&norm, (size_t)c->pol->max_url_length + 300);
	urlcheck_normalise(&c->u, &c->h, &norm);
	c->norm = arena_strndup(c->msg->arena, sbuf_str(&norm), norm.len);
	sbuf_release(&norm);
	if (uc_allowed(c))
		return;
	urlcheck_defang(c->h.ascii, c->def, sizeof(c->def));
	uc_check_blocklist(c, clean);
	exec = uc_exec_target(&c->u, name, sizeof(name));
	uc_check_address(c, exec, name);
	uc_check_userinfo(c);
	uc_check_port(c);
	if (exec)
		uc_fire(c, "url.executable_target", "link to the program %s "
		    "on %s", name, c->def);
	uc_check_lists(c);
	uc_check_names(c);
	uc_check_anchor(c, anchor, anchor_len);
	uc_check_regex(c, c->norm, strlen(c->norm));
}

static int
uc_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p), i;

	if (n < k)
		return 0;
	for (i = 0; i < k; i++)
		if ((s[i] | 0x20) != p[i])
			return 0;
	return 1;
}

/* data:[<mediatype>][;base64],...: the media type (lowercased) in mt. */
static void
uc_data_type(const struct urlcheck_url *u, char *mt, size_t cap)
{
	size_t i;

	for (i = 0; i < u->opaque_len && i + 1 < cap; i++) {
		char ch = u->opaque[i];

		if (ch == ';' || ch == ',' || ch == ' ')
			break;
		mt[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	mt[i] = '\0';
}

/* An inline image is not a link: data:image/png in <img src>. */
static int
uc_inline_image(const struct urlcheck_url *u, unsigned flags)
{
	char mt[64];

	if (strcmp(u->scheme, "data") != 0 || !(flags & URLCHECK_SRC))
		return 0;
	uc_data_type(u, mt, sizeof(mt));
	return strncmp(mt, "image/", 6) == 0 && strstr(mt, "svg") == NULL;
}

static void
uc_opaque_url(struct uc *c, const char *clean, size_t n)
{
	char mt[64];

	c->norm = arena_strndup(c->msg->arena, clean, n > UC_DATA_SHOWN ?
	    UC_DATA_SHOWN : n);
	if (strcmp(c->u.scheme, "data") == 0) {
		uc_data_type(&c->u, mt, sizeof(mt));
		uc_fire(c, "url.data_uri", "data: URI (%s)", mt[0] ? mt :
		    "text/plain");
	} else if (strcmp(c->u.scheme, "javascript") == 0 ||
	    strcmp(c->u.scheme, "vbscript") == 0 ||
	    strcmp(c->u.scheme, "livescript") == 0)
		uc_fire(c, "url.javascript", "%s: URL", c->u.scheme);
	else
		return;		/* mailto:, tel:, ...: nothing to judge */
	uc_check_regex(c, clean, n);
}

/* ---- the entry point ------------------------------------------------ */

static void
uc_report(struct uc *c, const char *clean, size_t n)
{
	struct url_report *r = msgctx_add_url(c->msg);
	const char **rules;

	if (r == NULL)
		return;
	if (n > UC_DATA_SHOWN && strcmp(c->u.scheme, "data") == 0)
		r->url = arena_printf(c->msg->arena, "%.*s...", UC_DATA_SHOWN,
		    clean);
	else
		r->url = arena_strndup(c->msg->arena, clean, n);
	r->where = c->where != NULL ? arena_strdup(c->msg->arena, c->where) :
	    NULL;
	r->normalised = c->norm;
	r->domain = c->h.reg != NULL && !c->h.bad ?
	    arena_strdup(c->msg->arena, c->h.reg) : NULL;
	rules = arena_alloc(c->msg->arena, (c->nrules + 1) * sizeof(*rules));
	memcpy(rules, c->rules, c->nrules * sizeof(*rules));
	r->rules = rules;
	r->nrules = c->nrules;
}

/* Is url[0..len) a data: URI (after leading white space)? */
static int
uc_is_data(const char *url, size_t len)
{
	while (len > 0 && uc_ws((unsigned char)*url))
		url++, len--;
	return uc_prefix(url, len, "data:");
}

/*
 * The limits: 0 to go on with *max_r the bytes to examine, -1 when the
 * URL is not judged.  Of a data: URI only the start matters.
 */
static int
uc_limits(struct uc *c, const char *url, size_t len, size_t *max_r)
{
	unsigned max = c->pol->max_urls ? c->pol->max_urls : MSGCTX_MAX_URLS;

	if (urlcheck_full(c->msg)) {
		msgctx_finding(c->msg, "limit.url_count", NULL, "more than %u "
		    "URLs in the message (max_urls); the rest were not checked",
		    max);
		c->msg->urls_dropped++;
		return -1;
	}
	*max_r = c->pol->max_url_length ? c->pol->max_url_length : 8192;
	if (uc_is_data(url, len))
		*max_r = UC_DATA_SHOWN * 4;
	else if (len > *max_r)
		msgctx_finding(c->msg, "limit.url_length", c->where, "a URL of "
		    "%zu bytes is longer than max_url_length %zu; only its start "
		    "was checked", len, *max_r);
	return 0;
}

void
urlcheck_url(struct msgctx *msg, const char *where, const char *url,
    size_t len, const char *anchor, size_t anchor_len, unsigned flags)
{
	struct uc *c;
	size_t max, n;
	char *clean;

	if (msg == NULL || url == NULL)
		return;
	c = mem_zalloc(sizeof(*c));
	c->msg = msg;
	c->pol = msg->pol;
	c->where = where;
	c->flags = flags;
	if (uc_limits(c, url, len, &max) == 0) {
		clean = mem_alloc(max + 1);
		n = uc_clean(url, len, clean, max);
		urlcheck_parse(clean, n, &c->u);
		c->h.bad = 1;
		if (c->u.kind == UK_HOST)
			uc_host_url(c, clean, anchor, anchor_len);
		else if (c->u.kind == UK_OPAQUE && !uc_inline_image(&c->u, flags))
			uc_opaque_url(c, clean, n);
		if (c->u.kind != UK_RELATIVE && n > 0 &&
		    strcmp(c->u.scheme, "cid") != 0 &&
		    !uc_inline_image(&c->u, flags))
			uc_report(c, clean, n);
		free(clean);
	}
	free(c);
}
