/*
 * html_tok: a pull tokenizer for HTML and SVG (see html_int.h).
 *
 * Follows the shape of the HTML5 tokenizer (WHATWG HTML section 13.2.5)
 * closely enough to see what a browser sees: tag names run to white
 * space, '/' or '>'; attribute values are double-quoted, single-quoted or
 * unquoted; comments end at "-->" or "--!>"; script, style and the other
 * raw-text elements run to their end tag; "<" not followed by a letter,
 * '/', '!' or '?' is text.  Broken input never fails: an unterminated
 * construct runs to the end of the buffer.
 *
 * Untrusted input: buf[0..len).  Limits: names are cut at HTML_NAME_MAX
 * - 1 bytes; everything else points into buf.  Every byte is looked at a
 * bounded number of times (memchr for '<', '>', quotes), so time is
 * linear; no recursion, no allocation.  Thread-safe: state in the struct.
 */
#include <string.h>

#include "html_int.h"

static int
tok_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int
tok_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char
tok_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Copy a name, lowercased and cut to fit. */
static void
tok_name(char *dst, const unsigned char *s, size_t n)
{
	size_t i;

	if (n > HTML_NAME_MAX - 1)
		n = HTML_NAME_MAX - 1;
	for (i = 0; i < n; i++)
		dst[i] = (char)tok_lower(s[i]);
	dst[n] = '\0';
}

void
html_tok_init(struct html_tok *t, const unsigned char *buf, size_t len)
{
	memset(t, 0, sizeof(*t));
	t->p = buf;
	t->end = buf + len;
}

static enum html_ev
tok_emit(struct html_tok *t, enum html_ev ev, const unsigned char *val,
    size_t vlen)
{
	t->ev = ev;
	t->val = val;
	t->vlen = vlen;
	return ev;
}

/* Elements whose contents are raw text (HTML section 13.1.2). */
static int
tok_is_raw(const char *name, int xml)
{
	static const char *const html[] = { "script", "style", "xmp",
	    "textarea", "title", "iframe", "noembed", "noframes",
	    "plaintext" };
	size_t i;

	if (name[0] != 's' && (xml || (name[0] != 't' && name[0] != 'x' &&
	    name[0] != 'i' && name[0] != 'n' && name[0] != 'p')))
		return 0;			/* most tags */
	if (xml)
		return strcmp(name, "script") == 0 ||
		    strcmp(name, "style") == 0;
	for (i = 0; i < sizeof(html) / sizeof(html[0]); i++)
		if (name[0] == html[i][0] && strcmp(name, html[i]) == 0)
			return 1;
	return 0;
}

/* "<!...>", "<?...>" and other bogus comments: up to the next '>'. */
static enum html_ev
tok_bogus(struct html_tok *t, size_t skip)
{
	const unsigned char *s = t->p + skip, *gt;

	gt = memchr(s, '>', (size_t)(t->end - s));
	t->p = gt != NULL ? gt + 1 : t->end;
	return tok_emit(t, HTML_EV_COMMENT, s,
	    (size_t)((gt != NULL ? gt : t->end) - s));
}

/* "<!--" ... "-->" or "--!>"; "<!-->" and "<!--->" are empty. */
static enum html_ev
tok_comment(struct html_tok *t)
{
	const unsigned char *s = t->p + 4, *q = s, *gt;

	while ((gt = memchr(q, '>', (size_t)(t->end - q))) != NULL) {
		if (gt == s || (gt == s + 1 && s[0] == '-')) {
			t->p = gt + 1;
			return tok_emit(t, HTML_EV_COMMENT, s, 0);
		}
		if (gt - s >= 2 && gt[-1] == '-' && gt[-2] == '-') {
			t->p = gt + 1;
			return tok_emit(t, HTML_EV_COMMENT, s,
			    (size_t)(gt - 2 - s));
		}
		if (gt - s >= 3 && gt[-1] == '!' && gt[-2] == '-' &&
		    gt[-3] == '-') {
			t->p = gt + 1;
			return tok_emit(t, HTML_EV_COMMENT, s,
			    (size_t)(gt - 3 - s));
		}
		q = gt + 1;
	}
	t->p = t->end;
	return tok_emit(t, HTML_EV_COMMENT, s, (size_t)(t->end - s));
}

/* "<![CDATA[" ... "]]>": text in xml mode, a bogus comment in HTML. */
static enum html_ev
tok_cdata(struct html_tok *t)
{
	const unsigned char *s = t->p + 9, *q = s, *gt;

	if (!t->xml)
		return tok_bogus(t, 2);
	while ((gt = memchr(q, '>', (size_t)(t->end - q))) != NULL) {
		if (gt - s >= 2 && gt[-1] == ']' && gt[-2] == ']') {
			t->p = gt + 1;
			return tok_emit(t, HTML_EV_TEXT, s,
			    (size_t)(gt - 2 - s));
		}
		q = gt + 1;
	}
	t->p = t->end;
	return tok_emit(t, HTML_EV_TEXT, s, (size_t)(t->end - s));
}

/* The length of a tag name at s (up to white space, '/' or '>'). */
static size_t
tok_namelen(const unsigned char *s, const unsigned char *end)
{
	const unsigned char *q = s;

	while (q < end && !tok_ws(*q) && *q != '/' && *q != '>')
		q++;
	return (size_t)(q - s);
}

/*
 * One attribute of a tag, or its end.  Returns 1 with name/val set for
 * an attribute, 0 at '>' (consumed; selfclose set), -1 at the end of the
 * buffer (an unterminated tag, which browsers drop).
 */
static int
tok_attr_parse(struct html_tok *t)
{
	const unsigned char *p = t->p, *end = t->end, *s, *q;

	t->selfclose = 0;
	while (p < end && (tok_ws(*p) || *p == '/')) {
		if (*p == '/' && p + 1 < end && p[1] == '>')
			t->selfclose = 1;
		p++;
	}
	if (p >= end) {
		t->p = end;
		return -1;
	}
	if (*p == '>') {
		t->p = p + 1;
		return 0;
	}
	/* A name may begin with '=' (a parse error browsers accept). */
	for (s = p++; p < end && !tok_ws(*p) && *p != '/' && *p != '>' &&
	    *p != '='; p++)
		;
	tok_name(t->name, s, (size_t)(p - s));
	while (p < end && tok_ws(*p))
		p++;
	t->hasval = 0;
	t->val = p;
	t->vlen = 0;
	if (p < end && *p == '=') {
		t->hasval = 1;
		for (p++; p < end && tok_ws(*p); p++)
			;
		if (p < end && (*p == '"' || *p == '\'')) {
			q = memchr(p + 1, *p, (size_t)(end - p - 1));
			t->val = p + 1;
			t->vlen = (size_t)((q != NULL ? q : end) - t->val);
			p = q != NULL ? q + 1 : end;
		} else {
			for (s = p; p < end && !tok_ws(*p) && *p != '>'; p++)
				;
			t->val = s;
			t->vlen = (size_t)(p - s);
		}
	}
	t->p = p;
	return 1;
}

/* Inside a start tag: the next attribute or the tag's end. */
static enum html_ev
tok_attr(struct html_tok *t)
{
	int rc = tok_attr_parse(t);

	if (rc == 1)
		return tok_emit(t, HTML_EV_ATTR, t->val, t->vlen);
	t->intag = 0;
	if (rc == -1)
		return tok_emit(t, HTML_EV_EOF, NULL, 0);
	memcpy(t->name, t->tag, sizeof(t->name));
	if (tok_is_raw(t->tag, t->xml) && !(t->xml && t->selfclose)) {
		t->rawmode = 1;
		memcpy(t->raw, t->tag, sizeof(t->raw));
	}
	return tok_emit(t, HTML_EV_START_END, NULL, 0);
}

static enum html_ev
tok_start(struct html_tok *t)
{
	const unsigned char *s = t->p + 1;
	size_t n = tok_namelen(s, t->end);

	tok_name(t->tag, s, n);
	memcpy(t->name, t->tag, sizeof(t->name));
	t->p = s + n;
	t->intag = 1;
	return tok_emit(t, HTML_EV_START, NULL, 0);
}

/* "</name attrs>": attributes are parsed (quotes matter) and dropped. */
static enum html_ev
tok_endtag(struct html_tok *t)
{
	const unsigned char *s = t->p + 2;
	size_t n = tok_namelen(s, t->end);
	char name[HTML_NAME_MAX];

	tok_name(name, s, n);
	t->p = s + n;
	while (tok_attr_parse(t) == 1)
		;
	memcpy(t->name, name, sizeof(name));
	return tok_emit(t, HTML_EV_END, NULL, 0);
}

/* Does "</raw" followed by white space, '/' or '>' start at q? */
static int
tok_raw_end(const struct html_tok *t, const unsigned char *q)
{
	size_t n = strlen(t->raw), i;

	if ((size_t)(t->end - q) < n + 2 || q[1] != '/')
		return 0;
	for (i = 0; i < n; i++)
		if (tok_lower(q[2 + i]) != (unsigned char)t->raw[i])
			return 0;
	return q + 2 + n == t->end || tok_ws(q[2 + n]) || q[2 + n] == '/' ||
	    q[2 + n] == '>';
}

static enum html_ev
tok_raw(struct html_tok *t)
{
	const unsigned char *s = t->p, *q = s;

	t->rawmode = 0;
	memcpy(t->name, t->raw, sizeof(t->name));
	if (strcmp(t->raw, "plaintext") != 0) {
		while ((q = memchr(q, '<', (size_t)(t->end - q))) != NULL) {
			if (tok_raw_end(t, q)) {
				t->p = q;
				return tok_emit(t, HTML_EV_RAW, s,
				    (size_t)(q - s));
			}
			q++;
		}
	}
	t->p = t->end;
	return tok_emit(t, HTML_EV_RAW, s, (size_t)(t->end - s));
}

/* At '<': markup, or a '<' that is only text. */
static enum html_ev
tok_markup(struct html_tok *t)
{
	const unsigned char *p = t->p, *lt;
	size_t n = (size_t)(t->end - p);

	if (n >= 2 && p[1] == '!') {
		if (n >= 4 && p[2] == '-' && p[3] == '-')
			return tok_comment(t);
		if (n >= 9 && memcmp(p + 2, "[CDATA[", 7) == 0)
			return tok_cdata(t);
		return tok_bogus(t, 2);
	}
	if (n >= 2 && p[1] == '?')
		return tok_bogus(t, 2);
	if (n >= 3 && p[1] == '/' && tok_alpha(p[2]))
		return tok_endtag(t);
	if (n >= 3 && p[1] == '/' && p[2] == '>') {
		t->p = p + 3;
		return tok_emit(t, HTML_EV_COMMENT, p, 0);
	}
	if (n >= 3 && p[1] == '/')
		return tok_bogus(t, 2);
	if (n >= 2 && tok_alpha(p[1]))
		return tok_start(t);
	lt = memchr(p + 1, '<', n - 1);
	t->p = lt != NULL ? lt : t->end;
	return tok_emit(t, HTML_EV_TEXT, p, (size_t)(t->p - p));
}

enum html_ev
html_tok_next(struct html_tok *t)
{
	const unsigned char *p = t->p, *lt;

	t->hasval = 0;
	if (t->intag)
		return tok_attr(t);
	if (t->rawmode)
		return tok_raw(t);
	if (p >= t->end)
		return tok_emit(t, HTML_EV_EOF, NULL, 0);
	if (*p == '<')
		return tok_markup(t);
	lt = memchr(p, '<', (size_t)(t->end - p));
	t->p = lt != NULL ? lt : t->end;
	return tok_emit(t, HTML_EV_TEXT, p, (size_t)(t->p - p));
}
