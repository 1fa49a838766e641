/*
 * html: HTML and SVG attachments and HTML bodies (see html.h).
 *
 * html_scan() converts the text to UTF-8 where it is not ASCII-compatible
 * or not UTF-8, walks it once (html_walk.c), looks for base64 payloads in
 * one more linear pass, gives the links to urlcheck and turns what the
 * walk gathered into findings.
 *
 * Untrusted input: the object's bytes, names and declared type.  Limits:
 * the converted copy is at most twice the input; base64 payloads are
 * decoded to at most HTML_SNIFF_MAX bytes each and ftype looks at no more
 * than HTML_MAX_SNIFFS of them per object (then the cheap header check
 * alone decides).  Ownership: the converted copy is freed before return.
 * Not thread-safe: one message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content.h"
#include "decode.h"
#include "ftype.h"
#include "html.h"
#include "html_int.h"
#include "mem.h"
#include "msgctx.h"
#include "sbuf.h"
#include "urlcheck.h"

#define HTML_MAX_SNIFFS	16	/* ftype calls on decoded payloads */
#define HTML_B64_MIN	80	/* base64 run sniffed for a binary */

/* ---- base64 payloads -------------------------------------------------- */

/* The base64 alphabet (1), and CR/LF that may wrap a run (2). */
static const unsigned char b64class[256] = {
	['\n'] = 2, ['\r'] = 2, ['+'] = 1, ['/'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

/* A base64 "http://" or "https://" hidden from the reader: a link. */
static void
html_b64_url(struct html_doc *d, const unsigned char *run, size_t n)
{
	unsigned char buf[2048];
	size_t m, i;

	m = html_b64_prefix(run, n, buf, sizeof(buf) - 1);
	if (m < 10 || (memcmp(buf, "http://", 7) != 0 &&
	    memcmp(buf, "https://", 8) != 0))
		return;
	for (i = 0; i < m && buf[i] > 0x20 && buf[i] < 0x7f && buf[i] != '"' &&
	    buf[i] != '\'' && buf[i] != '<' && buf[i] != '>'; i++)
		;
	buf[i] = '\0';
	html_emit(d, (const char *)buf, i, NULL, 0, URLCHECK_TEXT);
}

/* A long base64 run: does it decode to something a user would run? */
static void
html_b64_binary(struct html_doc *d, const unsigned char *run, size_t n,
    unsigned char *buf)
{
	struct ftype_result r;
	const char *what, *err;
	size_t m;

	m = html_b64_prefix(run, n < HTML_SNIFF_MAX / 3 * 4 + 16 ? n :
	    HTML_SNIFF_MAX / 3 * 4 + 16, buf, HTML_SNIFF_MAX);
	if ((what = html_binary_magic(buf, m)) == NULL)
		return;
	if (d->sniffs >= HTML_MAX_SNIFFS) {
		html_smuggling(d, "base64 text decodes to a %s", what);
		return;
	}
	d->sniffs++;
	if (ftype_detect_prefix(buf, m, &r, &err) == -1) {
		html_smuggling(d, "base64 text decodes to a %s", what);
		return;
	}
	switch (r.cls) {
	case FTYPE_EXECUTABLE:
	case FTYPE_ARCHIVE:
	case FTYPE_DISK_IMAGE:
	case FTYPE_SHORTCUT:
	case FTYPE_OFFICE:
	case FTYPE_SCRIPT:
		html_smuggling(d, "base64 text decodes to %s (%.100s)", r.mime,
		    r.desc);
		break;
	default:
		break;
	}
}

void
html_b64_scan(struct html_doc *d, const unsigned char *data, size_t len)
{
	unsigned char *buf = NULL;
	size_t i = 0, j, nb;

	while (i < len) {
		if (b64class[data[i]] != 1) {
			i++;
			continue;
		}
		/* A run may be wrapped in lines (decode_b64 skips CR, LF). */
		for (j = i, nb = 0; j < len && b64class[data[j]] != 0; j++)
			nb += b64class[data[j]] == 1;
		if (nb >= 16 && memcmp(data + i, "aHR0c", 5) == 0)
			html_b64_url(d, data + i, j - i);
		else if (nb >= HTML_B64_MIN && d->smuggling[0] == '\0') {
			if (buf == NULL)
				buf = mem_alloc(HTML_SNIFF_MAX);
			html_b64_binary(d, data + i, j - i, buf);
		}
		i = j;
	}
	free(buf);
}

/* ---- findings ---------------------------------------------------------- */

static void
html_judge_script(struct html_doc *d)
{
	unsigned js = d->js;

	if ((js & (HTML_JS_OBJURL | HTML_JS_SAVEBLOB)) &&
	    (js & (HTML_JS_BLOB | HTML_JS_ATOB | HTML_JS_U8)))
		html_smuggling(d, "script builds a file in the browser "
		    "(%s%s%s) and hands it over (%s)",
		    (js & HTML_JS_BLOB) ? "Blob " : "",
		    (js & HTML_JS_ATOB) ? "atob " : "",
		    (js & HTML_JS_U8) ? "Uint8Array" : "",
		    (js & HTML_JS_OBJURL) ? "createObjectURL" :
		    "msSaveOrOpenBlob");
	else if ((d->downloads > 0 || (js & HTML_JS_DOWNLOAD)) &&
	    (js & (HTML_JS_BLOB | HTML_JS_ATOB | HTML_JS_OBJURL)))
		html_smuggling(d, "a download link together with script that "
		    "builds data (%s)", (js & HTML_JS_ATOB) ? "atob" :
		    (js & HTML_JS_BLOB) ? "Blob" : "createObjectURL");
	else if ((js & HTML_JS_DOWNLOAD) && (js & HTML_JS_DATAURI) &&
	    (js & HTML_JS_NET) == 0)
		html_smuggling(d, "script sets a download of a data: URI");
	if (!d->body && d->credential[0] == '\0' && d->loose_pw &&
	    (js & HTML_JS_NET))
		snprintf(d->credential, sizeof(d->credential),
		    "a password field with script that sends data "
		    "(XMLHttpRequest, fetch, ajax or submit)");
}

static void
html_findings(struct msgctx *msg, const char *where, struct html_doc *d)
{
	int script = d->scripts > 0 || d->handlers > 0 || d->jsurls > 0;
	unsigned js = d->js;

	html_judge_script(d);
	if (d->smuggling[0] != '\0')
		msgctx_finding(msg, "html.smuggling", where, "%s",
		    d->smuggling);
	if (d->credential[0] != '\0')
		msgctx_finding(msg, "html.credential_form", where, "%s",
		    d->credential);
	if (d->has_refresh)
		msgctx_finding(msg, "html.meta_refresh", where,
		    "meta refresh to %s", d->refresh);
	if (d->svg && script)
		msgctx_finding(msg, "svg.script", where, "SVG image with "
		    "%u script element(s), %u event handler(s), %u "
		    "javascript: URL(s)", d->scripts, d->handlers, d->jsurls);
	if (!d->svg && !d->body && script)
		msgctx_finding(msg, "html.script_attachment", where, "HTML "
		    "attachment with %u script element(s), %u event "
		    "handler(s), %u javascript: URL(s)", d->scripts,
		    d->handlers, d->jsurls);
	if (!d->body && (js & (HTML_JS_EVAL | HTML_JS_WRITE |
	    HTML_JS_LOCATION)) && (js & (HTML_JS_ATOB | HTML_JS_UNESCAPE |
	    HTML_JS_CHARCODE)))
		msgctx_finding(msg, "html.obfuscated_script", where, "script "
		    "decodes hidden text (%s) and %s it",
		    (js & HTML_JS_ATOB) ? "atob" : (js & HTML_JS_UNESCAPE) ?
		    "unescape" : "fromCharCode", (js & HTML_JS_EVAL) ? "runs" :
		    (js & HTML_JS_WRITE) ? "writes" : "navigates with");
}

/* ---- entry points ------------------------------------------------------ */

size_t
html_links(const unsigned char *data, size_t len, int svg,
    void (*cb)(void *, const struct html_link *), void *arg)
{
	struct html_doc d;
	size_t n;

	memset(&d, 0, sizeof(d));
	d.svg = svg;
	d.cb = cb;
	d.cbarg = arg;
	html_doc_init(&d);
	html_walk(&d, data, len);
	html_b64_scan(&d, data, len);
	n = d.nlinks;
	html_doc_release(&d);
	return n;
}

struct html_sink {
	struct msgctx	*msg;
	const char	*where;
};

static void
html_to_urlcheck(void *arg, const struct html_link *l)
{
	struct html_sink *s = arg;

	urlcheck_url(s->msg, s->where, l->url, l->len, l->anchor,
	    l->anchor_len, l->flags);
}

/* The mail body: a nameless text part at the top (see html.h). */
static int
html_is_body(const struct content_obj *o)
{
	return o->depth == 0 && o->nnames == 0 && (o->declared == NULL ||
	    strncasecmp(o->declared, "text/", 5) == 0);
}

static int
html_is_svg(const struct content_obj *o)
{
	return strcmp(o->type->mime, "image/svg+xml") == 0 ||
	    (o->declared != NULL && strcasecmp(o->declared,
	    "image/svg+xml") == 0);
}

/*
 * The charset to convert from, or NULL when the bytes can be read as
 * they are: UTF-16 by its BOM, ISO-2022-JP by its escapes, else the
 * declared charset unless it is UTF-8 or ASCII.
 */
static const char *
html_charset(const struct content_obj *o, int *bom_r)
{
	const unsigned char *p = o->data;

	*bom_r = 1;
	if (o->len >= 2 && p[0] == 0xff && p[1] == 0xfe)
		return "UTF-16LE";
	if (o->len >= 2 && p[0] == 0xfe && p[1] == 0xff)
		return "UTF-16BE";
	*bom_r = 0;
	if (o->charset != NULL && (strcasecmp(o->charset, "utf-8") == 0 ||
	    strcasecmp(o->charset, "utf8") == 0 ||
	    strcasecmp(o->charset, "us-ascii") == 0 ||
	    strcasecmp(o->charset, "ascii") == 0))
		return NULL;
	if (o->charset != NULL)
		return o->charset;
	for (size_t i = 0; i + 2 < o->len; i++) {
		const unsigned char *e = memchr(p + i, 0x1b, o->len - i - 2);

		if (e == NULL)
			break;
		if (e[1] == '$' && (e[2] == 'B' || e[2] == '@'))
			return "ISO-2022-JP";
		i = (size_t)(e - p);
	}
	return NULL;
}

int
html_scan(struct msgctx *msg, const struct content_obj *o,
    const char **error_r)
{
	struct html_sink sink = { msg, o->where };
	const unsigned char *data = o->data;
	struct html_doc d;
	struct sbuf conv;
	size_t len = o->len, max;
	unsigned flags = 0;
	int bom;
	const char *cs = html_charset(o, &bom);

	sbuf_init(&conv, 0);
	if (cs != NULL && mem_mul(len, 2, &max) == 0 &&
	    mem_add(max, 64, &max) == 0) {
		sbuf_init(&conv, max);
		if (bom) {
			data += 2;
			len -= 2;
		}
		if (decode_charset(cs, data, len, &conv, &flags) == -1) {
			sbuf_release(&conv);
			*error_r = "html: charset conversion failed";
			return -1;
		}
		data = conv.data != NULL ? conv.data : data;
		len = conv.len;
	}
	memset(&d, 0, sizeof(d));
	d.svg = html_is_svg(o);
	d.body = !d.svg && html_is_body(o);
	d.cb = html_to_urlcheck;
	d.cbarg = &sink;
	html_doc_init(&d);
	html_walk(&d, data, len);
	html_b64_scan(&d, data, len);
	html_findings(msg, o->where, &d);
	html_doc_release(&d);
	sbuf_release(&conv);
	return 0;
}
