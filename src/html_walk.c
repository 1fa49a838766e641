/*
 * html_walk: one pass over a document's tokens (see html_int.h): links
 * with their anchor text, <base>, forms and their fields, meta refresh,
 * scripts, event handlers, javascript: URLs, data: URIs, download
 * attributes.  html.c turns what it gathers into findings.
 *
 * Untrusted input: the document.  Limits: scratch buffers are bounded
 * (HTML_URL_MAX, HTML_ANCHOR_MAX); attribute values are decoded only up
 * to those bounds; the walk is linear in the number of tokens.  No
 * recursion.  Ownership: struct html_doc owns its scratch sbufs (released
 * by html_doc_release).  Not thread-safe: one document.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "html_int.h"
#include "log.h"
#include "sbuf.h"
#include "urlcheck.h"

static const char *const attr_names[HTML_A_COUNT] = {
	[HTML_A_HREF] = "href", [HTML_A_SRC] = "src",
	[HTML_A_ACTION] = "action", [HTML_A_FORMACTION] = "formaction",
	[HTML_A_DATA] = "data", [HTML_A_BACKGROUND] = "background",
	[HTML_A_POSTER] = "poster", [HTML_A_XHREF] = "xlink:href",
	[HTML_A_TYPE] = "type", [HTML_A_NAME] = "name", [HTML_A_ID] = "id",
	[HTML_A_AUTOCOMPLETE] = "autocomplete",
	[HTML_A_PLACEHOLDER] = "placeholder",
	[HTML_A_HTTPEQUIV] = "http-equiv", [HTML_A_CONTENT] = "content",
	[HTML_A_ALT] = "alt", [HTML_A_DOWNLOAD] = "download",
};

void
html_doc_init(struct html_doc *d)
{
	d->url = sbuf_new(256, HTML_URL_MAX);
	d->tmp = sbuf_new(256, HTML_URL_MAX);
	d->base = sbuf_new(0, HTML_URL_MAX);
	d->a_url = sbuf_new(0, HTML_URL_MAX);
	d->a_text = sbuf_new(0, HTML_ANCHOR_MAX);
}

void
html_doc_release(struct html_doc *d)
{
	sbuf_free(&d->url);
	sbuf_free(&d->tmp);
	sbuf_free(&d->base);
	sbuf_free(&d->a_url);
	sbuf_free(&d->a_text);
}

void
html_smuggling(struct html_doc *d, const char *fmt, ...)
{
	va_list ap;

	if (d->smuggling[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(d->smuggling, sizeof(d->smuggling), fmt, ap);
	va_end(ap);
}

void
html_emit(struct html_doc *d, const char *url, size_t len,
    const char *anchor, size_t anchor_len, unsigned flags)
{
	struct html_link l;

	if (d->nlinks >= HTML_MAX_LINKS) {
		if (!d->links_capped)
			log_msg(LOG_WARNING, "html: more than %d links in one "
			    "object; the rest are not checked", HTML_MAX_LINKS);
		d->links_capped = 1;
		return;
	}
	d->nlinks++;
	l.url = url;
	l.len = len;
	l.anchor = anchor;
	l.anchor_len = anchor_len;
	l.flags = flags;
	if (d->cb != NULL)
		d->cb(d->cbarg, &l);
}

/* Decode an attribute value into buf (reset first), cleaned as a URL. */
static void
html_val_url(const struct html_val *v, struct sbuf *buf)
{
	size_t n;

	sbuf_reset(buf);
	html_decode(v->p, v->n, 1, buf);
	n = buf->len;
	if (buf->data != NULL)
		html_url_clean((char *)buf->data, &n);
	buf->len = n;
}

/* Decode a short attribute value into s[cap], lowercased ASCII. */
static void
html_val_lower(struct html_doc *d, enum html_attr a, char *s, size_t cap)
{
	const char *v;
	size_t i;

	s[0] = '\0';
	if (!d->a[a].set)
		return;
	sbuf_reset(d->tmp);
	html_decode(d->a[a].p, d->a[a].n < 1024 ? d->a[a].n : 1024, 1, d->tmp);
	v = sbuf_str(d->tmp);
	while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
		v++;
	for (i = 0; i + 1 < cap && v[i] != '\0'; i++)
		s[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
	s[i] = '\0';
}

/* ---- links ------------------------------------------------------------ */

/* Schemes that name no place on the network a URL check could judge. */
static int
html_scheme_skip(const char *s)
{
	static const char *const skip[] = { "cid", "mid", "about", "blob",
	    "mailto", "tel", "sms", "callto", "fax", "urn",
	    "x-apple-data-detectors" };
	size_t i;

	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (strcmp(s, skip[i]) == 0)
			return 1;
	return 0;
}

static void
html_data_uri(struct html_doc *d, const char *url, size_t len, int nav,
    const char *tag)
{
	char type[80];
	size_t off;
	int b64;

	if (html_data_type(url, len, type, sizeof(type), &b64, &off) == -1)
		return;
	if (d->a[HTML_A_DOWNLOAD].set && (html_eq(tag, "a") ||
	    html_eq(tag, "area")))
		html_smuggling(d, "<%s download> of a data: URI (%s)", tag,
		    type[0] != '\0' ? type : "no type");
	else if (nav && html_data_binary(type))
		html_smuggling(d, "<%s> opens a data: URI of type %s", tag,
		    type);
}

/* Is the cleaned URL in d->url an absolute http(s) URL? */
static int
html_is_web(const char *s, size_t len)
{
	char scheme[8];

	return html_url_scheme(s, len, scheme, sizeof(scheme)) >= 4 &&
	    (html_eq(scheme, "http") || html_eq(scheme, "https"));
}

/* An absolute URL: 1 to give it on, 0 to skip it. */
static int
html_link_absolute(struct html_doc *d, const char *u, size_t len,
    const char *scheme, int nav, const char *tag)
{
	/* Counted here, judged by urlcheck too (url.javascript). */
	if (html_eq(scheme, "javascript") || html_eq(scheme, "vbscript") ||
	    html_eq(scheme, "livescript")) {
		d->jsurls++;
		d->js |= html_js_scan((const unsigned char *)u, len);
		return 1;
	}
	if (html_eq(scheme, "data")) {
		html_data_uri(d, u, len, nav, tag);
		return 1;
	}
	return !html_scheme_skip(scheme);
}

/* d->url = prefix + u[0..len) with backslashes made slashes (UNC). */
static void
html_url_prefix(struct html_doc *d, const char *prefix, const char *u,
    size_t len, int unc)
{
	size_t i;

	sbuf_reset(d->tmp);
	(void)sbuf_puts(d->tmp, prefix);
	(void)sbuf_append(d->tmp, u, len);
	for (i = 0; unc && i < d->tmp->len; i++)
		if (d->tmp->data[i] == '\\')
			d->tmp->data[i] = '/';
	sbuf_reset(d->url);
	(void)sbuf_append(d->url, d->tmp->data, d->tmp->len);
}

/* A relative URL: resolved against <base> into d->url, or skipped (0). */
static int
html_link_relative(struct html_doc *d, const char *u, size_t len)
{
	if (d->base->len > 0) {
		if (html_url_resolve(sbuf_str(d->base), d->base->len, u, len,
		    d->tmp) == -1)
			return 0;
		sbuf_reset(d->url);
		(void)sbuf_append(d->url, d->tmp->data, d->tmp->len);
		return 1;
	}
	if (len >= 2 && u[0] == '\\' && u[1] == '\\') {
		/* A UNC path: Windows fetches it over SMB. */
		html_url_prefix(d, "file:", u, len, 1);
		return 1;
	}
	if (len >= 2 && u[0] == '/' && u[1] == '/') {
		/* Protocol-relative: judged as https. */
		html_url_prefix(d, "https:", u, len, 0);
		return 1;
	}
	return 0;				/* relative, no <base> */
}

/*
 * The URL of attribute a of tag: checks, resolution, then the link.
 * Returns 1 when a link was made (its text in d->url), else 0.
 */
static int
html_link(struct html_doc *d, enum html_attr a, const char *tag, int nav)
{
	char scheme[32];
	const char *u;
	size_t len, s;

	if (!d->a[a].set)
		return 0;
	html_val_url(&d->a[a], d->url);
	u = sbuf_str(d->url);
	len = d->url->len;
	if (len == 0 || u[0] == '#')
		return 0;
	s = html_url_scheme(u, len, scheme, sizeof(scheme));
	if (s >= 2)
		return html_link_absolute(d, u, len, scheme, nav, tag);
	if (s == 1)
		return 0;			/* "C:\\..." */
	return html_link_relative(d, u, len);
}

static void
html_link_emit(struct html_doc *d, enum html_attr a, const char *tag,
    unsigned flags, int nav)
{
	if (html_link(d, a, tag, nav))
		html_emit(d, sbuf_str(d->url), d->url->len, NULL, 0, flags);
}

/* The open <a> ends: its link goes out with the text it had. */
static void
html_a_close(struct html_doc *d)
{
	size_t n;

	if (!d->in_a)
		return;
	d->in_a = 0;
	n = d->a_text->len;
	while (n > 0 && d->a_text->data[n - 1] == ' ')
		n--;
	html_emit(d, sbuf_str(d->a_url), d->a_url->len,
	    n > 0 ? sbuf_str(d->a_text) : "", n, URLCHECK_HREF);
}

/* Text inside <a>: references decoded, white space collapsed. */
static void
html_a_text(struct html_doc *d, const unsigned char *s, size_t n)
{
	const unsigned char *t;
	size_t i, j, room;

	if (d->a_text->len >= HTML_ANCHOR_MAX)
		return;
	room = HTML_ANCHOR_MAX - d->a_text->len;
	sbuf_reset(d->tmp);
	html_decode(s, n < room * 8 ? n : room * 8, 0, d->tmp);
	t = d->tmp->data;
	for (i = 0; i < d->tmp->len; i = j) {
		/* A run of visible bytes goes in at once. */
		for (j = i; j < d->tmp->len && t[j] > ' '; j++)
			;
		if (j > i && sbuf_append(d->a_text, t + i, j - i) != 0)
			return;
		if (j == i) {
			/* White space becomes one space; NUL is dropped. */
			int ws = t[j] != '\0';

			if (ws && d->a_text->len > 0 &&
			    d->a_text->data[d->a_text->len - 1] != ' ' &&
			    sbuf_putc(d->a_text, ' ') != 0)
				return;
			j++;
		}
	}
}

static void
html_tag_a(struct html_doc *d, const char *tag)
{
	html_a_close(d);
	if (d->a[HTML_A_DOWNLOAD].set)
		d->downloads++;
	if (!html_link(d, d->a[HTML_A_HREF].set ? HTML_A_HREF : HTML_A_XHREF,
	    tag, 1))
		return;
	if (html_eq(tag, "area")) {
		sbuf_reset(d->a_text);
		if (d->a[HTML_A_ALT].set)
			html_a_text(d, d->a[HTML_A_ALT].p, d->a[HTML_A_ALT].n);
		html_emit(d, sbuf_str(d->url), d->url->len,
		    sbuf_str(d->a_text), d->a_text->len, URLCHECK_HREF);
		sbuf_reset(d->a_text);
		return;
	}
	sbuf_reset(d->a_url);
	(void)sbuf_append(d->a_url, d->url->data, d->url->len);
	sbuf_reset(d->a_text);
	d->in_a = 1;
}

static void
html_tag_base(struct html_doc *d)
{
	if (d->base->len > 0 || !html_link(d, HTML_A_HREF, "base", 0))
		return;
	/* Only an absolute base with an authority can resolve anything. */
	if (html_url_resolve(sbuf_str(d->url), d->url->len, "x", 1,
	    d->tmp) == 0)
		(void)sbuf_append(d->base, d->url->data, d->url->len);
	html_emit(d, sbuf_str(d->url), d->url->len, NULL, 0, URLCHECK_HREF);
}

/* ---- forms ------------------------------------------------------------ */

static int
html_has_any(const char *s, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(s, words[i]) != NULL)
			return 1;
	return 0;
}

static void
html_form_close(struct html_doc *d)
{
	struct html_form *f = &d->form;
	int cred = f->pw || (f->pw_like && f->user);

	if (f->open && cred && d->credential[0] == '\0') {
		if (d->body)
			snprintf(d->credential, sizeof(d->credential),
			    "a form in the message body asks for a "
			    "password%s%s",
			    f->action[0] != '\0' ? " and posts to " : "",
			    f->action);
		else if (f->posts_out)
			snprintf(d->credential, sizeof(d->credential),
			    "a form asks for a password and posts to %s",
			    f->action);
		else
			d->loose_pw = 1;	/* judged with the scripts */
	}
	memset(f, 0, sizeof(*f));
}

/* action or formaction of a form's element: a FORM link. */
static void
html_form_target(struct html_doc *d, enum html_attr a, const char *tag)
{
	if (!html_link(d, a, tag, 1))
		return;
	if (html_is_web(sbuf_str(d->url), d->url->len) && d->form.open &&
	    !d->form.posts_out) {
		d->form.posts_out = 1;
		snprintf(d->form.action, sizeof(d->form.action), "%.200s",
		    sbuf_str(d->url));
	} else if (d->form.open && d->form.action[0] == '\0')
		snprintf(d->form.action, sizeof(d->form.action), "%.200s",
		    sbuf_str(d->url));
	html_emit(d, sbuf_str(d->url), d->url->len, NULL, 0, URLCHECK_FORM);
}

static void
html_tag_input(struct html_doc *d, const char *tag)
{
	/* "パスワード", "アカウント", "ユーザ" in UTF-8. */
	static const char *const pw[] = { "pass", "pwd",
	    "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc"
	    "\xe3\x83\x89" };
	static const char *const user[] = { "mail", "user", "login",
	    "account", "uid",
	    "\xe3\x82\xa2\xe3\x82\xab\xe3\x82\xa6\xe3\x83\xb3"
	    "\xe3\x83\x88",
	    "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6" };
	static const enum html_attr id[] = { HTML_A_NAME, HTML_A_ID,
	    HTML_A_AUTOCOMPLETE, HTML_A_PLACEHOLDER };
	char type[32], v[128];
	size_t i;

	html_form_target(d, HTML_A_FORMACTION, tag);
	if (!html_eq(tag, "input"))
		return;
	html_val_lower(d, HTML_A_TYPE, type, sizeof(type));
	if (html_eq(type, "password")) {
		if (d->form.open)
			d->form.pw = 1;
		else
			d->loose_pw = 1;
	}
	if (html_eq(type, "email"))
		d->form.user = 1;
	if (type[0] != '\0' && !html_eq(type, "text") &&
	    !html_eq(type, "email") && !html_eq(type, "tel"))
		return;
	for (i = 0; i < sizeof(id) / sizeof(id[0]); i++) {
		html_val_lower(d, id[i], v, sizeof(v));
		if (html_has_any(v, pw, sizeof(pw) / sizeof(pw[0])))
			d->form.pw_like = 1;
		else if (html_has_any(v, user, sizeof(user) / sizeof(user[0])))
			d->form.user = 1;
	}
}

static void
html_tag_form(struct html_doc *d)
{
	if (d->form.open) {
		/* A nested <form> is ignored by browsers; its URL is not. */
		html_link_emit(d, HTML_A_ACTION, "form", URLCHECK_FORM, 1);
		return;
	}
	d->form.open = 1;
	html_form_target(d, HTML_A_ACTION, "form");
}

/* ---- meta refresh (HTML section 4.2.5.3) ------------------------------- */

static void
html_tag_meta(struct html_doc *d)
{
	char equiv[16];
	const unsigned char *c, *e;
	size_t n;

	html_val_lower(d, HTML_A_HTTPEQUIV, equiv, sizeof(equiv));
	if (!html_eq(equiv, "refresh") || !d->a[HTML_A_CONTENT].set)
		return;
	c = d->a[HTML_A_CONTENT].p;
	e = c + d->a[HTML_A_CONTENT].n;
	while (c < e && (*c == ' ' || *c == '\t' || (*c >= '0' && *c <= '9') ||
	    *c == '.' || *c == '\n' || *c == '\r'))
		c++;
	if (c < e && (*c == ';' || *c == ','))
		c++;
	while (c < e && (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r'))
		c++;
	if (e - c >= 3 && strncasecmp((const char *)c, "url", 3) == 0) {
		const unsigned char *q = c + 3;

		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q < e && *q == '=')
			c = q + 1;
	}
	while (c < e && (*c == ' ' || *c == '\t'))
		c++;
	if (c < e && (*c == '"' || *c == '\'')) {
		const unsigned char *q = memchr(c + 1, *c, (size_t)(e - c - 1));

		e = q != NULL ? q : e;
		c++;
	}
	if ((n = (size_t)(e - c)) == 0)
		return;
	d->a[HTML_A_HREF].p = c;
	d->a[HTML_A_HREF].n = n;
	d->a[HTML_A_HREF].set = 1;
	if (!d->has_refresh) {
		d->has_refresh = 1;
		html_val_url(&d->a[HTML_A_HREF], d->url);
		snprintf(d->refresh, sizeof(d->refresh), "%.200s",
		    sbuf_str(d->url));
	}
	html_link_emit(d, HTML_A_HREF, "meta", URLCHECK_REFRESH, 1);
}

/* ---- tags and attributes ---------------------------------------------- */

/* Elements whose src/href/data load or open something. */
static void
html_tag_src(struct html_doc *d, const char *tag)
{
	static const char *const nav[] = { "iframe", "frame", "embed",
	    "object" };
	int n = 0;
	size_t i;

	if (!d->a[HTML_A_SRC].set && !d->a[HTML_A_DATA].set &&
	    !d->a[HTML_A_BACKGROUND].set && !d->a[HTML_A_POSTER].set &&
	    !d->a[HTML_A_HREF].set && !d->a[HTML_A_XHREF].set)
		return;
	for (i = 0; i < sizeof(nav) / sizeof(nav[0]); i++)
		if (html_eq(tag, nav[i]))
			n = 1;
	html_link_emit(d, HTML_A_SRC, tag, URLCHECK_SRC, n);
	html_link_emit(d, HTML_A_DATA, tag, URLCHECK_SRC, n);
	html_link_emit(d, HTML_A_BACKGROUND, tag, URLCHECK_SRC, 0);
	html_link_emit(d, HTML_A_POSTER, tag, URLCHECK_SRC, 0);
	if (html_eq(tag, "link") || html_eq(tag, "image") ||
	    html_eq(tag, "use") || html_eq(tag, "feimage") ||
	    html_eq(tag, "script")) {
		html_link_emit(d, HTML_A_HREF, tag, URLCHECK_SRC, 0);
		html_link_emit(d, HTML_A_XHREF, tag, URLCHECK_SRC, 0);
	}
}

static void
html_start_end(struct html_doc *d)
{
	const char *tag = d->tok.name;

	if (html_eq(tag, "a") || html_eq(tag, "area"))
		html_tag_a(d, tag);
	else if (html_eq(tag, "base"))
		html_tag_base(d);
	else if (html_eq(tag, "form"))
		html_tag_form(d);
	else if (html_eq(tag, "input") || html_eq(tag, "button"))
		html_tag_input(d, tag);
	else if (html_eq(tag, "meta"))
		html_tag_meta(d);
	else {
		if (html_eq(tag, "script"))
			d->scripts++;
		html_tag_src(d, tag);
	}
	if ((html_eq(tag, "svg") || html_eq(tag, "math")) &&
	    d->tok.selfclose && d->svg_depth > 0 && --d->svg_depth == 0)
		d->tok.xml = d->svg;
}

static int
html_is_jsurl(const char *u)
{
	return strncasecmp(u, "javascript:", 11) == 0 ||
	    strncasecmp(u, "vbscript:", 9) == 0;
}

/*
 * A value that runs script whatever the attribute: a javascript: URL,
 * or anywhere in the value list of SVG animation (<set to=...>).
 */
static void
html_attr_script(struct html_doc *d, int anywhere)
{
	struct html_val v = { d->tok.val, d->tok.vlen, 1 };
	const char *u;
	size_t i;

	if (v.n == 0 || (memchr(v.p, ':', v.n) == NULL &&
	    memchr(v.p, '&', v.n) == NULL))
		return;
	if (!anywhere) {
		/* Only the start matters: skip style="a:b" and the like. */
		for (i = 0; i < v.n && v.p[i] <= 0x20; i++)
			;
		if (i == v.n || ((v.p[i] | 0x20) != 'j' &&
		    (v.p[i] | 0x20) != 'v' && v.p[i] != '&'))
			return;
		v.n = v.n - i < 256 ? v.n : i + 256;
	} else if (v.n > 4096)
		v.n = 4096;
	html_val_url(&v, d->url);
	u = sbuf_str(d->url);
	for (i = 0; i < d->url->len && (i == 0 || anywhere); i++) {
		if (html_is_jsurl(u + i)) {
			d->jsurls++;
			d->js |= html_js_scan((const unsigned char *)u,
			    d->url->len);
			return;
		}
	}
}

/* data: URIs in script text: announced binary types are smuggling. */
static void
html_script_data(struct html_doc *d, const unsigned char *s, size_t n)
{
	const unsigned char *p = s, *e = s + n;
	char url[160];
	unsigned k;

	for (k = 0; k < 256 && (p = memchr(p, ':', (size_t)(e - p))) != NULL;
	    p++) {
		size_t m;

		if (p - s < 4 || memcmp(p - 4, "data", 4) != 0)
			continue;
		k++;
		m = (size_t)(e - p + 4) < sizeof(url) - 1 ?
		    (size_t)(e - p + 4) : sizeof(url) - 1;
		memcpy(url, p - 4, m);
		url[m] = '\0';
		if (memchr(url, ',', m) != NULL)
			html_data_uri(d, url, m, 1, "script");
	}
}

static void
html_attr(struct html_doc *d)
{
	const char *n = d->tok.name;
	size_t i;

	if (n[0] == 'o' && n[1] == 'n' && n[2] != '\0') {
		d->handlers++;
		d->js |= html_js_scan(d->tok.val, d->tok.vlen);
	} else if (html_eq(n, "attributename") && d->tok.vlen >= 2 &&
	    (d->tok.val[0] | 0x20) == 'o' && (d->tok.val[1] | 0x20) == 'n')
		d->handlers++;		/* <set attributeName="onload"> */
	else
		html_attr_script(d, html_eq(n, "values") ||
		    html_eq(n, "to") || html_eq(n, "from"));
	for (i = 0; i < HTML_A_COUNT; i++) {
		if (n[0] != attr_names[i][0] || strcmp(n, attr_names[i]) != 0)
			continue;
		if (!d->a[i].set) {
			d->a[i].p = d->tok.val;
			d->a[i].n = d->tok.vlen;
			d->a[i].set = 1;
		}
		break;
	}
}

static void
html_script(struct html_doc *d, const unsigned char *s, size_t n)
{
	unsigned bits = html_js_scan(s, n);

	d->js |= bits;
	if (bits & HTML_JS_DATAURI)
		html_script_data(d, s, n);
}

static void
html_start(struct html_doc *d)
{
	memset(d->a, 0, sizeof(d->a));
	if (html_eq(d->tok.name, "svg") || html_eq(d->tok.name, "math")) {
		d->svg_depth++;
		d->tok.xml = 1;
	}
}

static void
html_end(struct html_doc *d)
{
	const char *tag = d->tok.name;

	if (html_eq(tag, "a"))
		html_a_close(d);
	else if (html_eq(tag, "form"))
		html_form_close(d);
	else if ((html_eq(tag, "svg") || html_eq(tag, "math")) &&
	    d->svg_depth > 0 && --d->svg_depth == 0)
		d->tok.xml = d->svg;
}

void
html_walk(struct html_doc *d, const unsigned char *data, size_t len)
{
	enum html_ev ev;

	html_tok_init(&d->tok, data, len);
	d->tok.xml = d->svg;
	while ((ev = html_tok_next(&d->tok)) != HTML_EV_EOF) {
		switch (ev) {
		case HTML_EV_START:
			html_start(d);
			break;
		case HTML_EV_ATTR:
			html_attr(d);
			break;
		case HTML_EV_START_END:
			html_start_end(d);
			break;
		case HTML_EV_END:
			html_end(d);
			break;
		case HTML_EV_TEXT:
			if (d->in_a)
				html_a_text(d, d->tok.val, d->tok.vlen);
			break;
		case HTML_EV_RAW:
			if (html_eq(d->tok.name, "script"))
				html_script(d, d->tok.val, d->tok.vlen);
			break;
		default:
			break;
		}
	}
	html_a_close(d);
	html_form_close(d);
}
