/*
 * html_util: value helpers of the html module (see html_int.h):
 * character references, URL cleaning and resolution, data: URIs,
 * embedded binaries, script indicators.
 *
 * Untrusted input: attribute values, text and script from the mail.
 * Limits: output goes to bounded sbufs or caller buffers of a given
 * capacity; every loop is linear in its input.  Thread-safe: static
 * tables only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "ftype.h"
#include "html_int.h"
#include "sbuf.h"

/* ---- character references (HTML section 13.5) ------------------------ */

struct html_named {
	const char	*name;
	uint32_t	 cp;
};

/* The references mail and obfuscated URLs use; sorted for bsearch. */
static const struct html_named named[] = {
	{ "AMP", '&' }, { "GT", '>' }, { "LT", '<' }, { "NewLine", '\n' },
	{ "QUOT", '"' }, { "Tab", '\t' },
	{ "amp", '&' }, { "apos", '\'' }, { "ast", '*' }, { "bsol", '\\' },
	{ "colon", ':' }, { "comma", ',' }, { "commat", '@' },
	{ "copy", 0xa9 }, { "dollar", '$' }, { "equals", '=' },
	{ "excl", '!' }, { "grave", '`' }, { "gt", '>' }, { "hellip", 0x2026 },
	{ "hyphen", 0x2010 }, { "laquo", 0xab }, { "lcub", '{' },
	{ "ldquo", 0x201c }, { "lowbar", '_' }, { "lpar", '(' },
	{ "lsqb", '[' }, { "lsquo", 0x2018 }, { "lt", '<' },
	{ "mdash", 0x2014 }, { "middot", 0xb7 }, { "nbsp", 0xa0 },
	{ "ndash", 0x2013 }, { "num", '#' }, { "percnt", '%' },
	{ "period", '.' }, { "plus", '+' }, { "quest", '?' }, { "quot", '"' },
	{ "raquo", 0xbb }, { "rcub", '}' }, { "rdquo", 0x201d },
	{ "reg", 0xae },
	{ "rpar", ')' }, { "rsqb", ']' }, { "rsquo", 0x2019 }, { "semi", ';' },
	{ "sol", '/' }, { "times", 0xd7 }, { "trade", 0x2122 },
	{ "verbar", '|' }, { "yen", 0xa5 },
};

/* Legacy references browsers also take without the ';'. */
static int
html_legacy(const char *name)
{
	static const char *const legacy[] = { "amp", "lt", "gt", "quot",
	    "nbsp", "copy", "reg", "AMP", "LT", "GT", "QUOT", "times",
	    "laquo", "raquo", "middot", "yen" };
	size_t i;

	for (i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++)
		if (strcmp(name, legacy[i]) == 0)
			return 1;
	return 0;
}

static int
named_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct html_named *)elem)->name);
}

static void
html_put_utf8(struct sbuf *out, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	(void)sbuf_append(out, b, n);
}

static int
html_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "&#..." at in[0]: bytes consumed (0 if not a reference), *cp_r. */
static size_t
html_numeric(const unsigned char *in, size_t len, uint32_t *cp_r)
{
	size_t i = 2, start;
	uint32_t cp = 0;
	int hex = 0, d;

	if (len > 2 && (in[2] == 'x' || in[2] == 'X')) {
		hex = 1;
		i = 3;
	}
	for (start = i; i < len; i++) {
		d = hex ? html_hexval(in[i]) : (in[i] >= '0' && in[i] <= '9' ?
		    in[i] - '0' : -1);
		if (d < 0)
			break;
		if (cp <= 0x10ffff)
			cp = cp * (hex ? 16 : 10) + (uint32_t)d;
	}
	if (i == start)
		return 0;
	*cp_r = cp;
	return i < len && in[i] == ';' ? i + 1 : i;
}

/* "&name;" at in[0]: bytes consumed (0 if not decoded), *cp_r. */
static size_t
html_namedref(const unsigned char *in, size_t len, int attr, uint32_t *cp_r)
{
	char name[16];
	const struct html_named *e;
	size_t i;

	for (i = 1; i < len && i < sizeof(name) && ((in[i] >= 'a' &&
	    in[i] <= 'z') || (in[i] >= 'A' && in[i] <= 'Z')); i++)
		name[i - 1] = (char)in[i];
	if (i == 1 || i - 1 >= sizeof(name))
		return 0;
	name[i - 1] = '\0';
	e = bsearch(name, named, sizeof(named) / sizeof(named[0]),
	    sizeof(named[0]), named_cmp);
	if (e == NULL)
		return 0;
	*cp_r = e->cp;
	if (i < len && in[i] == ';')
		return i + 1;
	if (!html_legacy(name))
		return 0;
	/* In attributes "&copy=1" stays: it is a URL parameter. */
	if (attr && i < len && (in[i] == '=' || (in[i] >= '0' &&
	    in[i] <= '9') || (in[i] >= 'a' && in[i] <= 'z') ||
	    (in[i] >= 'A' && in[i] <= 'Z')))
		return 0;
	return i;
}

void
html_decode(const unsigned char *in, size_t len, int attr, struct sbuf *out)
{
	const unsigned char *amp;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len && !(out->max != 0 && out->len >= out->max)) {
		amp = memchr(in + i, '&', len - i);
		if (amp == NULL) {
			(void)sbuf_append(out, in + i, len - i);
			return;
		}
		(void)sbuf_append(out, in + i, (size_t)(amp - in - i));
		i = (size_t)(amp - in);
		if (len - i > 1 && in[i + 1] == '#')
			n = html_numeric(in + i, len - i, &cp);
		else
			n = html_namedref(in + i, len - i, attr, &cp);
		if (n == 0) {
			(void)sbuf_putc(out, '&');
			i++;
			continue;
		}
		if (!attr && cp == 0xa0)
			cp = ' ';
		html_put_utf8(out, cp);
		i += n;
	}
}

/* ---- URLs (WHATWG URL: what a browser strips) ------------------------- */

static char
html_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static int
html_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void
html_url_clean(char *s, size_t *len_r)
{
	size_t len = *len_r, a = 0, i, o;

	while (a < len && (unsigned char)s[a] <= 0x20)
		a++;
	while (len > a && (unsigned char)s[len - 1] <= 0x20)
		len--;
	/* NUL too: it cannot travel in a C string, and no URL holds one. */
	for (i = a, o = 0; i < len; i++)
		if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r' &&
		    s[i] != '\0')
			s[o++] = s[i];
	s[o] = '\0';
	*len_r = o;
}

size_t
html_url_scheme(const char *url, size_t len, char *scheme, size_t cap)
{
	size_t i;

	if (len == 0 || !html_alpha((unsigned char)url[0]))
		return 0;
	for (i = 1; i < len; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c == ':')
			break;
		if (!(html_alpha(c) || (c >= '0' && c <= '9') ||
		    c == '+' || c == '-' || c == '.'))
			return 0;
	}
	if (i == len)
		return 0;
	if (cap > 0) {
		size_t n = i < cap - 1 ? i : cap - 1, k;

		for (k = 0; k < n; k++)
			scheme[k] = html_lower(url[k]);
		scheme[n] = '\0';
	}
	return i;
}

/* Offsets in an absolute URL: end of "scheme://authority", of the path. */
static int
html_url_split(const char *b, size_t n, size_t *auth_end_r,
    size_t *path_end_r)
{
	size_t s = html_url_scheme(b, n, NULL, 0), i;

	if (s < 2 || n - s < 3 || b[s + 1] != '/' || b[s + 2] != '/')
		return -1;
	for (i = s + 3; i < n && b[i] != '/' && b[i] != '?' && b[i] != '#' &&
	    b[i] != '\\'; i++)
		;
	*auth_end_r = i;
	while (i < n && b[i] != '?' && b[i] != '#')
		i++;
	*path_end_r = i;
	return 0;
}

int
html_url_resolve(const char *base, size_t blen, const char *rel,
    size_t rlen, struct sbuf *out)
{
	size_t auth, path, s, dir;

	sbuf_reset(out);
	if (html_url_split(base, blen, &auth, &path) == -1)
		return -1;
	s = html_url_scheme(base, blen, NULL, 0);
	if (rlen >= 2 && (rel[0] == '/' || rel[0] == '\\') &&
	    (rel[1] == '/' || rel[1] == '\\'))
		(void)sbuf_append(out, base, s + 1);		/* "https:" */
	else if (rlen >= 1 && (rel[0] == '/' || rel[0] == '\\'))
		(void)sbuf_append(out, base, auth);
	else if (rlen >= 1 && (rel[0] == '?' || rel[0] == '#'))
		(void)sbuf_append(out, base, rel[0] == '?' ? path :
		    (memchr(base, '#', blen) != NULL ?
		    (size_t)((const char *)memchr(base, '#', blen) - base) :
		    blen));
	else {
		for (dir = path; dir > auth && base[dir - 1] != '/'; dir--)
			;
		(void)sbuf_append(out, base, dir > auth ? dir : auth);
		if (dir <= auth)
			(void)sbuf_putc(out, '/');
	}
	(void)sbuf_append(out, rel, rlen);
	return 0;
}

/* ---- data: URIs (RFC 2397) -------------------------------------------- */

int
html_data_type(const char *url, size_t len, char *type, size_t cap,
    int *b64_r, size_t *payload_r)
{
	const char *comma;
	size_t i = 5, o = 0, n;

	*b64_r = 0;
	if (cap > 0)
		type[0] = '\0';
	if (len < 5 || (comma = memchr(url + 5, ',', len - 5)) == NULL)
		return -1;
	n = (size_t)(comma - url);
	while (i < n && (url[i] == ' ' || url[i] == '\t'))
		i++;
	for (; i < n && url[i] != ';' && url[i] != ' '; i++)
		if (o + 1 < cap)
			type[o++] = html_lower(url[i]);
	if (cap > 0)
		type[o] = '\0';
	if (n >= 7 && strncasecmp(comma - 7, ";base64", 7) == 0)
		*b64_r = 1;
	*payload_r = n + 1;
	return 0;
}

int
html_data_binary(const char *type)
{
	static const char *const dl[] = { "application/octet-stream",
	    "binary/octet-stream", "application/force-download",
	    "application/x-download", "application/download",
	    "application/x-msdos-program", "application/x-ms-installer",
	    "application/vnd.ms-htmlhelp", "application/x-msdownload" };
	size_t i;

	for (i = 0; i < sizeof(dl) / sizeof(dl[0]); i++)
		if (strcmp(type, dl[i]) == 0)
			return 1;
	switch (ftype_class_of(type)) {
	case FTYPE_EXECUTABLE:
	case FTYPE_ARCHIVE:
	case FTYPE_DISK_IMAGE:
	case FTYPE_SHORTCUT:
	case FTYPE_SCRIPT:
	case FTYPE_OFFICE:
		return 1;
	default:
		return 0;
	}
}

/* ---- embedded binaries ------------------------------------------------- */

size_t
html_b64_prefix(const unsigned char *in, size_t len, unsigned char *out,
    size_t cap)
{
	struct decode_b64 st;
	size_t n = 0, chunk;

	decode_b64_init(&st);
	/* A feed of k bytes writes at most k + 4 (decode.h). */
	while (len > 0 && cap - n > 4) {
		chunk = cap - n - 4 < len ? cap - n - 4 : len;
		n += decode_b64_feed(&st, in, chunk, out + n);
		in += chunk;
		len -= chunk;
	}
	if (len == 0 && cap - n >= 4)
		n += decode_b64_finish(&st, out + n);
	return n;
}

static int
html_at(const unsigned char *buf, size_t len, size_t off, const void *m,
    size_t n)
{
	return len >= n && off <= len - n && memcmp(buf + off, m, n) == 0;
}

/* MZ with e_lfanew pointing at "PE\0\0" inside buf. */
static int
html_pe(const unsigned char *buf, size_t len)
{
	uint32_t lfanew;

	if (len < 0x40 || buf[0] != 'M' || buf[1] != 'Z')
		return 0;
	lfanew = (uint32_t)buf[0x3c] | (uint32_t)buf[0x3d] << 8 |
	    (uint32_t)buf[0x3e] << 16 | (uint32_t)buf[0x3f] << 24;
	return lfanew >= 4 && lfanew <= len - 4 &&
	    memcmp(buf + lfanew, "PE\0\0", 4) == 0;
}

const char *
html_binary_magic(const unsigned char *buf, size_t len)
{
	static const struct {
		size_t		 off;
		const char	*magic;
		size_t		 n;
		const char	*what;
	} m[] = {
		{ 0, "\177ELF", 4, "ELF executable" },
		{ 0, "\xcf\xfa\xed\xfe", 4, "Mach-O executable" },
		{ 0, "\xce\xfa\xed\xfe", 4, "Mach-O executable" },
		{ 0, "PK\003\004", 4, "zip archive" },
		{ 0, "7z\xbc\xaf\x27\x1c", 6, "7-Zip archive" },
		{ 0, "Rar!\x1a\x07", 6, "RAR archive" },
		{ 0, "MSCF\0\0\0\0", 8, "cabinet archive" },
		{ 0, "\x1f\x8b\x08", 3, "gzip data" },
		{ 0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "OLE2 document" },
		{ 0, "L\0\0\0\001\024\002\0", 8, "Windows shortcut" },
		{ 0, "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d", 8,
		    "OneNote document" },
		{ 0, "ITSF", 4, "compiled HTML help" },
		{ 0, "conectix", 8, "VHD disk image" },
		{ 0, "vhdxfile", 8, "VHDX disk image" },
		{ 0x8001, "CD001", 5, "ISO 9660 image" },
		{ 0x8801, "CD001", 5, "ISO 9660 image" },
		{ 0x8001, "BEA01", 5, "UDF image" },
	};
	size_t i;

	if (html_pe(buf, len))
		return "PE executable";
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (html_at(buf, len, m[i].off, m[i].magic, m[i].n))
			return m[i].what;
	return NULL;
}

/* ---- script indicators ------------------------------------------------ */

struct html_jsword {
	const char	*word;
	unsigned	 bit;
	int		 call;		/* must be followed by '(' */
};

static const struct html_jsword jswords[] = {
	{ "ActiveXObject", HTML_JS_ACTIVEX, 0 },
	{ "Blob", HTML_JS_BLOB, 1 },
	{ "Uint8Array", HTML_JS_U8, 0 },
	{ "WScript", HTML_JS_ACTIVEX, 0 },
	{ "XMLHttpRequest", HTML_JS_NET, 0 },
	{ "ajax", HTML_JS_NET, 1 },
	{ "atob", HTML_JS_ATOB, 1 },
	{ "createObjectURL", HTML_JS_OBJURL, 0 },
	{ "decodeURIComponent", HTML_JS_UNESCAPE, 1 },
	{ "download", HTML_JS_DOWNLOAD, 0 },
	{ "eval", HTML_JS_EVAL, 1 },
	{ "fetch", HTML_JS_NET, 1 },
	{ "fromCharCode", HTML_JS_CHARCODE, 0 },
	{ "location", HTML_JS_LOCATION, 0 },
	{ "msSaveBlob", HTML_JS_SAVEBLOB, 0 },
	{ "msSaveOrOpenBlob", HTML_JS_SAVEBLOB, 0 },
	{ "post", HTML_JS_NET, 1 },
	{ "sendBeacon", HTML_JS_NET, 0 },
	{ "submit", HTML_JS_NET, 1 },
	{ "unescape", HTML_JS_UNESCAPE, 1 },
	{ "write", HTML_JS_WRITE, 1 },
	{ "writeln", HTML_JS_WRITE, 1 },
};

static int
html_jschar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* One identifier s[0..n) followed by rest[0..rn). */
static unsigned
html_jsword_bits(const unsigned char *s, size_t n, const unsigned char *rest,
    size_t rn)
{
	size_t i, k;

	for (i = 0; i < sizeof(jswords) / sizeof(jswords[0]); i++) {
		if (jswords[i].word[0] != (char)s[0] ||
		    strlen(jswords[i].word) != n ||
		    memcmp(jswords[i].word, s, n) != 0)
			continue;
		if (!jswords[i].call)
			return jswords[i].bit;
		for (k = 0; k < rn && k < 8 && (rest[k] == ' ' ||
		    rest[k] == '\t' || rest[k] == '\n' || rest[k] == '\r'); k++)
			;
		/* "atob(" or a call through quotes: window["atob"]( */
		if (k < rn && (rest[k] == '(' || ((rest[k] == '"' ||
		    rest[k] == '\'') && k + 2 < rn && rest[k + 1] == ']' &&
		    rest[k + 2] == '(')))
			return jswords[i].bit;
		return 0;
	}
	return 0;
}

unsigned
html_js_scan(const unsigned char *s, size_t n)
{
	unsigned bits = 0;
	size_t i = 0, j;

	while (i < n) {
		if (!html_jschar(s[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && html_jschar(s[j]); j++)
			;
		if (j - i >= 4 && j - i <= 18 && (i == 0 || s[i - 1] != '\\'))
			bits |= html_jsword_bits(s + i, j - i, s + j, n - j);
		if (j - i == 4 && memcmp(s + i, "data", 4) == 0 && j < n &&
		    s[j] == ':')
			bits |= HTML_JS_DATAURI;
		i = j;
	}
	return bits;
}
