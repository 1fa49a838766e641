/*
 * office_xml: just enough XML for OOXML parts ([Content_Types].xml,
 * relationships, Word field codes, Excel external links): a forward-only
 * tag scanner that yields each tag's local name (namespace prefix cut),
 * its attribute text and the character data after it, attribute lookup by
 * local name, and entity decoding (XML 1.0 section 4.6 predefined
 * entities and character references).
 *
 * Untrusted input: the part's bytes (any encoding is read as bytes:
 * OOXML parts are UTF-8 and the names we look for are ASCII).  Limits:
 * every call moves forward; comments, processing instructions, CDATA and
 * declarations are skipped with one search each, so a part is scanned in
 * linear time.  Ownership: tags point into the caller's buffer.
 * Thread-safe: no state.
 */
#define _GNU_SOURCE	/* memmem */
#include <string.h>
#include <strings.h>

#include "office_int.h"

static int
xml_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skip a construct that ends in term; returns the position after it. */
static size_t
xml_skip(const unsigned char *b, size_t len, size_t at, const char *term)
{
	size_t tl = strlen(term);
	const unsigned char *e;

	e = at <= len ? memmem(b + at, len - at, term, tl) : NULL;
	return e != NULL ? (size_t)(e - b) + tl : len;
}

/* Where the tag that starts at at ends ('>' outside quotes), or len. */
static size_t
xml_tag_end(const unsigned char *b, size_t len, size_t at)
{
	unsigned char q = 0;

	for (; at < len; at++) {
		if (q != 0) {
			if (b[at] == q)
				q = 0;
		} else if (b[at] == '"' || b[at] == '\'')
			q = b[at];
		else if (b[at] == '>')
			return at;
	}
	return len;
}

/* Skip comments and the like at b[at] == '<'; 1 if one was skipped. */
static int
xml_special(const unsigned char *b, size_t len, size_t *at)
{
	size_t p = *at + 1;

	if (p < len && b[p] == '?')
		*at = xml_skip(b, len, p, "?>");
	else if (len - p >= 3 && memcmp(b + p, "!--", 3) == 0)
		*at = xml_skip(b, len, p + 3, "-->");
	else if (len - p >= 8 && memcmp(b + p, "![CDATA[", 8) == 0)
		*at = xml_skip(b, len, p + 8, "]]>");
	else if (p < len && b[p] == '!')
		*at = xml_skip(b, len, p, ">");
	else
		return 0;
	return 1;
}

int
office_xml_next(const unsigned char *b, size_t len, size_t *pos,
    struct office_xml_tag *t)
{
	const unsigned char *lt;
	size_t at = *pos, p, n, end;

	for (;;) {
		if (at >= len || (lt = memchr(b + at, '<', len - at)) == NULL)
			return 0;
		at = (size_t)(lt - b);
		if (!xml_special(b, len, &at))
			break;
	}
	memset(t, 0, sizeof(t[0]));
	p = at + 1;
	if (p < len && b[p] == '/') {
		t->end = 1;
		p++;
	}
	for (n = p; n < len && !xml_space(b[n]) && b[n] != '/' &&
	    b[n] != '>'; n++)
		if (b[n] == ':')
			p = n + 1;
	t->name = b + p;
	t->namelen = n - p;
	if ((end = xml_tag_end(b, len, n)) >= len)
		return 0;
	t->attrs = b + n;
	t->attrslen = end - n;
	lt = memchr(b + end + 1, '<', len - end - 1);
	t->text = b + end + 1;
	t->textlen = lt != NULL ? (size_t)(lt - t->text) : len - end - 1;
	*pos = end + 1;
	return 1;
}

int
office_xml_is(const struct office_xml_tag *t, const char *name)
{
	return t->namelen == strlen(name) &&
	    strncasecmp((const char *)t->name, name, t->namelen) == 0;
}

/* One attribute at a[*at]: name (local) and value; 1, or 0 at the end. */
static int
xml_next_attr(const unsigned char *a, size_t n, size_t *at,
    const unsigned char **nm, size_t *nl, const unsigned char **v,
    size_t *vl)
{
	size_t p = *at, s;
	const unsigned char *q;

	while (p < n && (xml_space(a[p]) || a[p] == '/'))
		p++;
	if (p >= n)
		return 0;
	for (s = p; p < n && !xml_space(a[p]) && a[p] != '='; p++)
		if (a[p] == ':')
			s = p + 1;
	*nm = a + s;
	*nl = p - s;
	while (p < n && xml_space(a[p]))
		p++;
	if (p >= n || a[p] != '=') {
		*at = p + 1;
		*vl = 0;
		*v = a + (p < n ? p : n);
		return 1;
	}
	for (p++; p < n && xml_space(a[p]); p++)
		;
	if (p >= n || (a[p] != '"' && a[p] != '\'') ||
	    (q = memchr(a + p + 1, a[p], n - p - 1)) == NULL) {
		*at = n;
		return 0;
	}
	*v = a + p + 1;
	*vl = (size_t)(q - *v);
	*at = (size_t)(q - a) + 1;
	return 1;
}

int
office_xml_attr(const struct office_xml_tag *t, const char *name,
    struct sbuf *out)
{
	const unsigned char *nm, *v;
	size_t at = 0, nl, vl, want = strlen(name);

	while (xml_next_attr(t->attrs, t->attrslen, &at, &nm, &nl, &v, &vl))
		if (nl == want && strncasecmp((const char *)nm, name, nl) == 0) {
			sbuf_reset(out);
			office_xml_text(v, vl, out);
			return 1;
		}
	return 0;
}

static void
xml_utf8(unsigned long u, struct sbuf *out)
{
	unsigned char b[4];

	if (u == 0 || u > 0x10ffff || (u >= 0xd800 && u < 0xe000))
		u = 0xfffd;
	if (u < 0x80) {
		sbuf_putc(out, (int)u);
	} else if (u < 0x800) {
		b[0] = (unsigned char)(0xc0 | u >> 6);
		b[1] = (unsigned char)(0x80 | (u & 0x3f));
		sbuf_append(out, b, 2);
	} else if (u < 0x10000) {
		b[0] = (unsigned char)(0xe0 | u >> 12);
		b[1] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (u & 0x3f));
		sbuf_append(out, b, 3);
	} else {
		b[0] = (unsigned char)(0xf0 | u >> 18);
		b[1] = (unsigned char)(0x80 | (u >> 12 & 0x3f));
		b[2] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
		b[3] = (unsigned char)(0x80 | (u & 0x3f));
		sbuf_append(out, b, 4);
	}
}

/* A character reference "#123" or "#x7b" in e[0..n); -1 if not one. */
static long
xml_charref(const unsigned char *e, size_t n)
{
	unsigned long u = 0;
	size_t i = 1;
	int hex = 0, d;

	if (n < 2 || e[0] != '#')
		return -1;
	if (e[1] == 'x' || e[1] == 'X') {
		hex = 1;
		i = 2;
	}
	if (i >= n)
		return -1;
	for (; i < n; i++) {
		if (e[i] >= '0' && e[i] <= '9')
			d = e[i] - '0';
		else if (hex && (e[i] | 0x20) >= 'a' && (e[i] | 0x20) <= 'f')
			d = (e[i] | 0x20) - 'a' + 10;
		else
			return -1;
		u = u * (hex ? 16 : 10) + (unsigned long)d;
		if (u > 0x10ffff)
			u = 0x110000;
	}
	return (long)u;
}

static int
xml_entity(const unsigned char *e, size_t n, struct sbuf *out)
{
	static const struct {
		const char	*name;
		char		 c;
	} ents[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' },
		{ "quot", '"' }, { "apos", '\'' },
	};
	size_t i;
	long u;

	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
		if (n == strlen(ents[i].name) &&
		    memcmp(e, ents[i].name, n) == 0) {
			sbuf_putc(out, ents[i].c);
			return 1;
		}
	if ((u = xml_charref(e, n)) < 0)
		return 0;
	xml_utf8((unsigned long)u, out);
	return 1;
}

void
office_xml_text(const unsigned char *s, size_t n, struct sbuf *out)
{
	const unsigned char *amp, *semi;
	size_t at = 0;

	while (at < n) {
		amp = memchr(s + at, '&', n - at);
		if (amp == NULL) {
			sbuf_append(out, s + at, n - at);
			return;
		}
		sbuf_append(out, s + at, (size_t)(amp - (s + at)));
		at = (size_t)(amp - s) + 1;
		semi = memchr(s + at, ';', n - at < 12 ? n - at : 12);
		if (semi != NULL && xml_entity(s + at, (size_t)(semi -
		    (s + at)), out)) {
			at = (size_t)(semi - s) + 1;
			continue;
		}
		sbuf_putc(out, '&');
	}
}
