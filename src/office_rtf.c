/*
 * office_rtf: RTF documents (Microsoft RTF specification 1.9.1): embedded
 * and linked OLE objects, DDE fields and template links.
 *
 * One linear pass over the bytes keeps the group depth and reads control
 * words (letters, an optional numeric parameter, one optional space):
 *  - \objdata: the hex digits of the group (and of groups inside it,
 *    junk between them ignored as Word does) and \binN raw bytes are
 *    decoded; at the group's end the OLE1 ObjectHeader ([MS-OLEDS]
 *    2.2.4: version, format id, class, topic and item names, native data
 *    size) is read; a "Package" object's file goes through
 *    office_package(), other native data (often a whole CFB document, or
 *    an Equation Editor object) to analyse_object(), and every object is
 *    an office.ole_object finding; a linked object's topic that is a URL
 *    goes to urlcheck;
 *  - \fldinst: the field instruction's text (control words dropped, \'hh
 *    decoded) is judged by office_dde_code() -> office.dde;
 *  - \*\template: a template on another machine ->
 *    office.external_template, and to urlcheck when it is a URL.
 *
 * Untrusted input: the RTF.  Limits: object data is bounded by the part
 * (max_part_size; hex halves it); field and template text is kept up to
 * RTF_TEXT_MAX bytes; objects count against max_archive_entries (in
 * office_embed); the scan time is checked every RTF_TIME_EVERY bytes.
 * Ownership: buffers freed before return.  Not thread-safe: one message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content.h"
#include "msgctx.h"
#include "office_int.h"
#include "policy.h"
#include "urlcheck.h"

#define RTF_TEXT_MAX	1024		/* bytes of field/template text */
#define RTF_WORD_MAX	32		/* letters of a control word */
#define RTF_TIME_EVERY	(1u << 20)	/* bytes between time checks */
#define RTF_SHOW	200		/* bytes of text in a detail */
#define RTF_CLASS_MAX	128		/* bytes of a class name kept */

enum rtf_text {
	RTF_T_NONE,
	RTF_T_FLDINST,
	RTF_T_TEMPLATE,
	RTF_T_CLASS
};

struct rtf {
	struct office		*of;
	const unsigned char	*p;
	size_t			 n, pos;
	size_t			 depth;
	size_t			 objdepth;	/* 0: not in \objdata */
	size_t			 textdepth;	/* 0: not collecting text */
	enum rtf_text		 textkind;
	struct sbuf		 obj;		/* decoded object data */
	struct sbuf		 text;
	int			 nib;		/* a half byte is pending */
	unsigned char		 half;
	unsigned		 nobj;
	int			 autolink;	/* \objautlink or \objupdate */
	char			 objclass[RTF_CLASS_MAX];
};

static uint32_t
rtf_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* OLE1 length-prefixed string at *at: copied (NUL cut) to out[cap]. */
static int
rtf_lenstr(const unsigned char *d, size_t n, size_t *at, char *out,
    size_t cap)
{
	uint32_t len;
	size_t k;

	if (n - *at < 4)
		return -1;
	len = rtf_le32(d + *at);
	*at += 4;
	if (len > n - *at)
		return -1;
	k = len < cap - 1 ? len : cap - 1;
	memcpy(out, d + *at, k);
	out[k] = '\0';
	for (size_t i = 0; i < k; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = out[i] == '\0' ? '\0' : '?';
	*at += len;
	return 0;
}

struct rtf_ole1 {
	uint32_t		 format;	/* 1 linked, 2 embedded */
	char			 cls[RTF_CLASS_MAX];
	char			 topic[RTF_TEXT_MAX];
	const unsigned char	*native;
	size_t			 nlen;
};

static int
rtf_ole1(const unsigned char *d, size_t n, struct rtf_ole1 *h)
{
	char item[RTF_CLASS_MAX];
	size_t at = 8;
	uint32_t len;

	memset(h, 0, sizeof(*h));
	if (n < 8)
		return -1;
	h->format = rtf_le32(d + 4);
	if ((h->format != 1 && h->format != 2) ||
	    rtf_lenstr(d, n, &at, h->cls, sizeof(h->cls)) == -1 ||
	    rtf_lenstr(d, n, &at, h->topic, sizeof(h->topic)) == -1 ||
	    rtf_lenstr(d, n, &at, item, sizeof(item)) == -1)
		return -1;
	if (h->format == 2 && n - at >= 4) {
		len = rtf_le32(d + at);
		at += 4;
		h->native = d + at;
		h->nlen = len < n - at ? len : n - at;
	}
	return 0;
}

static int
rtf_object_end(struct rtf *r, const char **error_r)
{
	struct office *of = r->of;
	struct rtf_ole1 h;
	char label[64], from[64];
	const unsigned char *d = r->obj.data != NULL ? r->obj.data :
	    (const unsigned char *)"";
	size_t n = r->obj.len;
	int ok = rtf_ole1(d, n, &h) == 0;

	r->nobj++;
	snprintf(from, sizeof(from), "RTF object %u", r->nobj);
	snprintf(label, sizeof(label), "rtf-object-%u", r->nobj);
	msgctx_finding(of->msg, "office.ole_object", of->o->where,
	    "%s%s of class \"%s\", %zu bytes%s%s", from,
	    ok && h.format == 1 ? " (linked)" : "",
	    ok ? h.cls : r->objclass, n,
	    r->autolink ? ", updates itself on opening" : "",
	    strncasecmp(ok ? h.cls : r->objclass, "Equation", 8) == 0 ?
	    ", Equation Editor (the carrier of CVE-2017-11882)" : "");
	r->autolink = 0;
	r->objclass[0] = '\0';
	if (ok && h.format == 1 && office_urlish(h.topic))
		urlcheck_url(of->msg, of->o->where, h.topic, strlen(h.topic),
		    NULL, 0, URLCHECK_EXTERNAL);
	if (ok && h.native != NULL && strcasecmp(h.cls, "Package") == 0)
		return office_package(of, from, h.native, h.nlen, error_r);
	if (ok && h.native != NULL)
		return office_embed(of, label, NULL, 0, h.native, h.nlen,
		    error_r);
	return n > 0 ? office_embed(of, label, NULL, 0, d, n, error_r) : 0;
}

static void
rtf_text_end(struct rtf *r)
{
	struct office *of = r->of;
	const char *t = sbuf_str(&r->text);

	while (*t == ' ' || *t == '\t')
		t++;
	switch (r->textkind) {
	case RTF_T_FLDINST:
		if (office_dde_code(r->text.data, r->text.len))
			msgctx_finding(of->msg, "office.dde", of->o->where,
			    "DDE field: %.*s", RTF_SHOW, t);
		break;
	case RTF_T_TEMPLATE:
		if (office_remote(t))
			msgctx_finding(of->msg, "office.external_template",
			    of->o->where, "template on another machine: "
			    "%.*s", RTF_SHOW, t);
		if (office_urlish(t) && strncasecmp(t, "file:", 5) != 0)
			urlcheck_url(of->msg, of->o->where, t, strlen(t), NULL,
			    0, URLCHECK_EXTERNAL);
		break;
	case RTF_T_CLASS:
		snprintf(r->objclass, sizeof(r->objclass), "%s", t);
		break;
	default:
		break;
	}
	r->textdepth = 0;
	r->textkind = RTF_T_NONE;
}

static void
rtf_text_start(struct rtf *r, enum rtf_text kind)
{
	if (r->textdepth != 0)
		return;
	r->textdepth = r->depth;
	r->textkind = kind;
	sbuf_reset(&r->text);
}

static void
rtf_bin(struct rtf *r, long len)
{
	size_t k = r->n - r->pos;

	if (len <= 0)
		return;
	if ((unsigned long)len < k)
		k = (size_t)len;
	if (r->objdepth != 0)
		sbuf_append(&r->obj, r->p + r->pos, k);
	r->pos += k;
}

static void
rtf_word(struct rtf *r, const char *w, long param, int has_param)
{
	if (strcmp(w, "objdata") == 0 && r->objdepth == 0) {
		r->objdepth = r->depth;
		sbuf_reset(&r->obj);
		r->nib = 0;
	} else if (strcmp(w, "objautlink") == 0 ||
	    strcmp(w, "objupdate") == 0)
		r->autolink = 1;
	else if (strcmp(w, "objclass") == 0)
		rtf_text_start(r, RTF_T_CLASS);
	else if (strcmp(w, "fldinst") == 0)
		rtf_text_start(r, RTF_T_FLDINST);
	else if (strcmp(w, "template") == 0)
		rtf_text_start(r, RTF_T_TEMPLATE);
	else if (strcmp(w, "bin") == 0 && has_param)
		rtf_bin(r, param);
	else if (r->textdepth != 0 && (strcmp(w, "tab") == 0 ||
	    strcmp(w, "par") == 0))
		sbuf_putc(&r->text, ' ');
}

static int
rtf_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
rtf_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* After a backslash at pos: a control word or a control symbol. */
static void
rtf_control(struct rtf *r)
{
	char w[RTF_WORD_MAX + 1];
	size_t k = 0;
	long param = 0;
	int neg = 0, digits = 0, h1, h2;
	unsigned char c;

	if (++r->pos >= r->n)
		return;
	c = r->p[r->pos];
	if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
		r->pos++;
		if (c == '\'' && r->n - r->pos >= 2 &&
		    (h1 = rtf_hexval(r->p[r->pos])) >= 0 &&
		    (h2 = rtf_hexval(r->p[r->pos + 1])) >= 0) {
			if (r->textdepth != 0)
				sbuf_putc(&r->text, h1 << 4 | h2);
			r->pos += 2;
		} else if (r->textdepth != 0 && (c == '\\' || c == '{' ||
		    c == '}'))
			sbuf_putc(&r->text, c);
		return;
	}
	while (r->pos < r->n && ((r->p[r->pos] | 0x20) >= 'a' &&
	    (r->p[r->pos] | 0x20) <= 'z')) {
		if (k < RTF_WORD_MAX)
			w[k++] = (char)r->p[r->pos];
		r->pos++;
	}
	w[k] = '\0';
	if (r->pos < r->n && r->p[r->pos] == '-') {
		neg = 1;
		r->pos++;
	}
	for (; r->pos < r->n && rtf_digit(r->p[r->pos]); r->pos++)
		if (++digits <= 9)	/* Word reads at most 10 */
			param = param * 10 + (r->p[r->pos] - '0');
	if (r->pos < r->n && r->p[r->pos] == ' ')
		r->pos++;
	rtf_word(r, w, neg ? -param : param, digits > 0);
}

static int
rtf_close(struct rtf *r, const char **error_r)
{
	int rc = 0;

	if (r->textdepth != 0 && r->depth <= r->textdepth)
		rtf_text_end(r);
	if (r->objdepth != 0 && r->depth <= r->objdepth) {
		r->objdepth = 0;
		rc = rtf_object_end(r, error_r);
	}
	if (r->depth > 0)
		r->depth--;
	return rc;
}

static void
rtf_plain(struct rtf *r, unsigned char c)
{
	int v;

	if (r->objdepth != 0) {
		if ((v = rtf_hexval(c)) < 0)
			return;
		if (r->nib) {
			sbuf_putc(&r->obj, r->half << 4 | v);
			r->nib = 0;
		} else {
			r->half = (unsigned char)v;
			r->nib = 1;
		}
	} else if (r->textdepth != 0 && c != '\r' && c != '\n')
		sbuf_putc(&r->text, c);
}

static int
rtf_walk(struct rtf *r, const char **error_r)
{
	size_t next_check = RTF_TIME_EVERY;
	unsigned char c;

	while (r->pos < r->n) {
		if (r->pos >= next_check) {
			next_check = r->pos + RTF_TIME_EVERY;
			if (office_time_up(r->of))
				return 0;
		}
		c = r->p[r->pos];
		if (c == '\\') {
			rtf_control(r);
			continue;
		}
		r->pos++;
		if (c == '{')
			r->depth++;
		else if (c == '}') {
			if (rtf_close(r, error_r) == -1)
				return -1;
		} else
			rtf_plain(r, c);
	}
	/* An unterminated document: judge what was opened. */
	while (r->depth > 0 && (r->objdepth != 0 || r->textdepth != 0))
		if (rtf_close(r, error_r) == -1)
			return -1;
	return 0;
}

int
office_rtf_scan(struct office *of, const char **error_r)
{
	struct rtf r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.of = of;
	r.p = of->o->data;
	r.n = of->o->len;
	sbuf_init(&r.obj, of->msg->pol->lim.part_size);
	sbuf_init(&r.text, RTF_TEXT_MAX);
	rc = rtf_walk(&r, error_r);
	sbuf_release(&r.obj);
	sbuf_release(&r.text);
	return rc;
}
