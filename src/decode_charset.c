/*
 * decode_charset: conversion of mail text to UTF-8 (the only user of
 * iconv in the program, design.md section 2).
 *
 * Untrusted input: the bytes and the charset name, both from the mail.
 * Charset names are matched against the aliases mail uses; a name with
 * characters outside [A-Za-z0-9._:+-] or longer than DECODE_CHARSET_MAX
 * never reaches iconv_open (glibc reads "//" suffixes and more from it),
 * and ISO-2022-CN-EXT is refused (CVE-2024-2961).  Invalid input becomes
 * U+FFFD and conversion goes on.  Output is bounded by the sbuf maximum;
 * conversion stops once the sbuf is cut.  ISO-2022-JP is decoded here
 * into CP932 bytes (what Windows' CP50221 does), so NEC and IBM
 * extensions (circled digits, 髙) work, which glibc's ISO-2022-JP lacks.
 *
 * Thread-safe: iconv descriptors are opened per call (0.2 us each).
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "decode_int.h"
#include "sbuf.h"

enum cs_kind {
	CS_NONE,		/* no charset: UTF-8 if valid */
	CS_UTF8,
	CS_ASCII,
	CS_1252,		/* ISO-8859-1 and windows-1252, as WHATWG */
	CS_2022JP,
	CS_ICONV,
	CS_BAD			/* unknown, refused or unusable name */
};

struct cs_alias {
	const char	*name;
	enum cs_kind	 kind;
	const char	*iconv1;	/* tried first */
	const char	*iconv2;	/* then this, if not NULL */
};

static const struct cs_alias cs_aliases[] = {
	{ "utf-8", CS_UTF8, NULL, NULL },
	{ "utf8", CS_UTF8, NULL, NULL },
	{ "unicode-1-1-utf-8", CS_UTF8, NULL, NULL },
	{ "x-unicode20utf8", CS_UTF8, NULL, NULL },
	{ "us-ascii", CS_ASCII, NULL, NULL },
	{ "ascii", CS_ASCII, NULL, NULL },
	{ "us", CS_ASCII, NULL, NULL },
	{ "ansi_x3.4-1968", CS_ASCII, NULL, NULL },
	{ "iso646-us", CS_ASCII, NULL, NULL },
	{ "csascii", CS_ASCII, NULL, NULL },
	{ "iso-8859-1", CS_1252, NULL, NULL },
	{ "iso8859-1", CS_1252, NULL, NULL },
	{ "iso_8859-1", CS_1252, NULL, NULL },
	{ "iso_8859-1:1987", CS_1252, NULL, NULL },
	{ "latin1", CS_1252, NULL, NULL },
	{ "latin-1", CS_1252, NULL, NULL },
	{ "l1", CS_1252, NULL, NULL },
	{ "cp819", CS_1252, NULL, NULL },
	{ "csisolatin1", CS_1252, NULL, NULL },
	{ "windows-1252", CS_1252, NULL, NULL },
	{ "cp1252", CS_1252, NULL, NULL },
	{ "x-cp1252", CS_1252, NULL, NULL },
	{ "iso-2022-jp", CS_2022JP, NULL, NULL },
	{ "csiso2022jp", CS_2022JP, NULL, NULL },
	{ "iso-2022-jp-1", CS_2022JP, NULL, NULL },
	{ "iso-2022-jp-2", CS_2022JP, NULL, NULL },
	{ "csiso2022jp2", CS_2022JP, NULL, NULL },
	{ "iso-2022-jp-3", CS_2022JP, NULL, NULL },
	{ "iso-2022-jp-ms", CS_2022JP, NULL, NULL },
	{ "x-iso-2022-jp", CS_2022JP, NULL, NULL },
	{ "iso2022jp", CS_2022JP, NULL, NULL },
	{ "cp50220", CS_2022JP, NULL, NULL },
	{ "cp50221", CS_2022JP, NULL, NULL },
	{ "cp50222", CS_2022JP, NULL, NULL },
	{ "shift_jis", CS_ICONV, "CP932", NULL },
	{ "shift-jis", CS_ICONV, "CP932", NULL },
	{ "x-shift_jis", CS_ICONV, "CP932", NULL },
	{ "sjis", CS_ICONV, "CP932", NULL },
	{ "x-sjis", CS_ICONV, "CP932", NULL },
	{ "ms_kanji", CS_ICONV, "CP932", NULL },
	{ "csshiftjis", CS_ICONV, "CP932", NULL },
	{ "cp932", CS_ICONV, "CP932", NULL },
	{ "ms932", CS_ICONV, "CP932", NULL },
	{ "x-ms-cp932", CS_ICONV, "CP932", NULL },
	{ "windows-31j", CS_ICONV, "CP932", NULL },
	{ "cswindows31j", CS_ICONV, "CP932", NULL },
	{ "sjis-win", CS_ICONV, "CP932", NULL },
	{ "sjis-open", CS_ICONV, "CP932", NULL },
	{ "euc-jp", CS_ICONV, "EUC-JP-MS", "EUC-JP" },
	{ "eucjp", CS_ICONV, "EUC-JP-MS", "EUC-JP" },
	{ "x-euc-jp", CS_ICONV, "EUC-JP-MS", "EUC-JP" },
	{ "euc-jp-ms", CS_ICONV, "EUC-JP-MS", "EUC-JP" },
	{ "eucjp-ms", CS_ICONV, "EUC-JP-MS", "EUC-JP" },
	{ "eucjp-win", CS_ICONV, "EUC-JP-MS", "EUC-JP" },
	{ "cp51932", CS_ICONV, "EUC-JP-MS", "EUC-JP" },
	{ "cseucpkdfmtjapanese", CS_ICONV, "EUC-JP-MS", "EUC-JP" },
	{ "gb2312", CS_ICONV, "GB18030", "GBK" },
	{ "csgb2312", CS_ICONV, "GB18030", "GBK" },
	{ "gbk", CS_ICONV, "GB18030", "GBK" },
	{ "x-gbk", CS_ICONV, "GB18030", "GBK" },
	{ "cp936", CS_ICONV, "GB18030", "GBK" },
	{ "euc-cn", CS_ICONV, "GB18030", "GBK" },
	{ "ks_c_5601-1987", CS_ICONV, "CP949", "EUC-KR" },
	{ "ks_c_5601", CS_ICONV, "CP949", "EUC-KR" },
	{ "euc-kr", CS_ICONV, "CP949", "EUC-KR" },
	{ "x-euc-kr", CS_ICONV, "CP949", "EUC-KR" },
	{ "cp949", CS_ICONV, "CP949", "EUC-KR" },
	{ "big5", CS_ICONV, "BIG5", NULL },
	{ "x-big5", CS_ICONV, "BIG5", NULL },
};

/* WHATWG windows-1252 for 0x80..0x9f (the rest is ISO-8859-1). */
static const unsigned short cp1252_c1[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

#define ESC	0x1b
#define SO	0x0e
#define SI	0x0f

/* ---- UTF-8 ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (n > 0 bytes left), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (c < 0xe0)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
		return 0;
	if (c < 0xf0) {
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
			return 0;		/* overlong, surrogate */
		return 3;
	}
	if (n < 4 || (s[3] & 0xc0) != 0x80)
		return 0;
	if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 0;			/* overlong, past U+10FFFF */
	return 4;
}

int
decode_utf8_valid(const unsigned char *in, size_t len)
{
	size_t i = 0, k;

	while (i < len) {
		if (in[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(in + i, len - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

void
decode_utf8_lenient(const unsigned char *in, size_t len, struct sbuf *out,
    unsigned *flags_r)
{
	size_t start = 0, i = 0, k;

	while (i < len) {
		if (in[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(in + i, len - i)) != 0) {
			i += k;
			continue;
		}
		*flags_r |= DECODE_F_BAD_BYTES;
		if (sbuf_append(out, in + start, i - start) ||
		    sbuf_append(out, DECODE_REPL, DECODE_REPL_LEN))
			return;
		start = ++i;
	}
	if (i > start)
		sbuf_append(out, in + start, i - start);
}

static int
has_8bit(const unsigned char *in, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (in[i] >= 0x80)
			return 1;
	return 0;
}

/* ---- windows-1252 ----------------------------------------------------- */

static void
cp1252_convert(const unsigned char *in, size_t len, struct sbuf *out)
{
	unsigned char	buf[4096];
	size_t		i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned u = in[i];

		if (n + 3 > sizeof(buf)) {
			if (sbuf_append(out, buf, n))
				return;
			n = 0;
		}
		if (u >= 0x80 && u < 0xa0)
			u = cp1252_c1[u - 0x80];
		if (u < 0x80)
			buf[n++] = (unsigned char)u;
		else if (u < 0x800) {
			buf[n++] = (unsigned char)(0xc0 | (u >> 6));
			buf[n++] = (unsigned char)(0x80 | (u & 0x3f));
		} else {
			buf[n++] = (unsigned char)(0xe0 | (u >> 12));
			buf[n++] = (unsigned char)(0x80 | ((u >> 6) & 0x3f));
			buf[n++] = (unsigned char)(0x80 | (u & 0x3f));
		}
	}
	sbuf_append(out, buf, n);
}

/* ---- iconv ------------------------------------------------------------ */

/*
 * Convert with cd, replacing each byte iconv refuses by U+FFFD and going
 * on.  Returns 0, or -1 when iconv fails for another reason.
 */
static int
iconv_lenient(iconv_t cd, const unsigned char *in, size_t len,
    struct sbuf *out, unsigned *flags_r)
{
	char	 obuf[4096], *ip = (char *)(uintptr_t)in, *op;
	size_t	 ileft = len, oleft, r;
	int	 err;

	while (ileft > 0) {
		op = obuf;
		oleft = sizeof(obuf);
		r = iconv(cd, &ip, &ileft, &op, &oleft);
		err = errno;
		if (sbuf_append(out, obuf, (size_t)(op - obuf)))
			return 0;
		if (r != (size_t)-1)
			break;
		if (err == E2BIG && op != obuf)
			continue;
		if (err != EILSEQ && err != EINVAL)
			return -1;
		*flags_r |= DECODE_F_BAD_BYTES;
		if (sbuf_append(out, DECODE_REPL, DECODE_REPL_LEN))
			return 0;
		ip++;
		ileft--;
	}
	op = obuf;
	oleft = sizeof(obuf);
	if (iconv(cd, NULL, NULL, &op, &oleft) == (size_t)-1)
		return -1;
	sbuf_append(out, obuf, (size_t)(op - obuf));
	return 0;
}

/* Returns 0, -1 on an internal error, or 1 when no name could be opened. */
static int
iconv_convert(const char *name1, const char *name2,
    const unsigned char *in, size_t len, struct sbuf *out, unsigned *flags_r)
{
	iconv_t	cd;
	int	rc;

	cd = iconv_open("UTF-8", name1);
	if (cd == (iconv_t)-1 && name2 != NULL)
		cd = iconv_open("UTF-8", name2);
	if (cd == (iconv_t)-1)
		return 1;
	rc = iconv_lenient(cd, in, len, out, flags_r);
	iconv_close(cd);
	return rc;
}

/* ---- ISO-2022-JP (RFC 1468) as CP50221 ---------------------------------- */

enum jis_mode { JIS_ASCII, JIS_KANA, JIS_KANJI };

/* Collects CP932 bytes, converted in batches through one descriptor. */
struct jis_out {
	iconv_t		 cd;
	struct sbuf	*out;
	unsigned	*flags_r;
	int		 rc;
	size_t		 n;
	unsigned char	 buf[4096];
};

static void
jis_flush(struct jis_out *jo)
{
	if (jo->n > 0 && jo->rc == 0)
		jo->rc = iconv_lenient(jo->cd, jo->buf, jo->n, jo->out,
		    jo->flags_r);
	jo->n = 0;
}

static void
jis_put(struct jis_out *jo, unsigned char c1, unsigned char c2, int two)
{
	if (jo->n + 2 > sizeof(jo->buf))
		jis_flush(jo);
	jo->buf[jo->n++] = c1;
	if (two)
		jo->buf[jo->n++] = c2;
}

static void
jis_bad(struct jis_out *jo)
{
	jis_flush(jo);
	*jo->flags_r |= DECODE_F_BAD_BYTES;
	sbuf_append(jo->out, DECODE_REPL, DECODE_REPL_LEN);
}

/* JIS X 0208 row/cell bytes (0x21..0x7e) to Shift_JIS (CP932) bytes. */
static void
jis_put_kanji(struct jis_out *jo, unsigned j1, unsigned j2)
{
	unsigned s1, s2;

	s1 = ((j1 + 1) >> 1) + (j1 <= 0x5e ? 0x70 : 0xb0);
	if (j1 & 1)
		s2 = j2 + (j2 < 0x60 ? 0x1f : 0x20);
	else
		s2 = j2 + 0x7e;
	jis_put(jo, (unsigned char)s1, (unsigned char)s2, 1);
}

/*
 * Length of the escape sequence at s that we handle, 0 if none; *mode_r
 * is set, or left alone for announcers and G1 designations.
 */
static size_t
jis_escape(const unsigned char *s, size_t n, enum jis_mode *mode_r)
{
	if (n >= 3 && s[1] == '(' && (s[2] == 'B' || s[2] == 'J')) {
		*mode_r = JIS_ASCII;
		return 3;
	}
	if (n >= 3 && s[1] == '(' && s[2] == 'I') {
		*mode_r = JIS_KANA;
		return 3;
	}
	if (n >= 3 && s[1] == '$' && (s[2] == '@' || s[2] == 'B')) {
		*mode_r = JIS_KANJI;
		return 3;
	}
	if (n >= 4 && s[1] == '$' && s[2] == '(' &&
	    (s[3] == '@' || s[3] == 'B')) {
		*mode_r = JIS_KANJI;
		return 4;
	}
	if (n >= 3 && ((s[1] == '&' && s[2] == '@') ||
	    (s[1] == ')' && s[2] == 'I')))
		return 3;
	return 0;
}

/*
 * Character sets of ISO-2022-JP-2 and -3 that CP932 lacks: such text goes
 * to glibc's converter for that variant instead (NULL: not needed).
 */
static const char *
jis_variant(const unsigned char *in, size_t len)
{
	const unsigned char	*p = in, *end = in + len;
	size_t			 n;

	while ((p = memchr(p, ESC, (size_t)(end - p))) != NULL) {
		n = (size_t)(end - p);
		if (n >= 4 && p[1] == '$' && p[2] == '(' &&
		    (p[3] == 'O' || p[3] == 'P' || p[3] == 'Q'))
			return "ISO-2022-JP-3";
		if ((n >= 3 && p[1] == '$' && p[2] == 'A') ||
		    (n >= 4 && p[1] == '$' && p[2] == '(' &&
		    (p[3] == 'C' || p[3] == 'D')) ||
		    (n >= 3 && p[1] == '.' && (p[2] == 'A' || p[2] == 'F')) ||
		    (n >= 2 && p[1] == 'N'))
			return "ISO-2022-JP-2";
		p++;
	}
	return NULL;
}

/* One byte (or pair) of text in the current mode; returns bytes used. */
static size_t
jis_text(struct jis_out *jo, enum jis_mode mode, const unsigned char *s,
    size_t n)
{
	unsigned c = s[0];

	if (c <= 0x20 || c == 0x7f) {
		jis_put(jo, (unsigned char)c, 0, 0);	/* control, space */
	} else if (mode == JIS_KANA) {
		if (c <= 0x5f)
			jis_put(jo, (unsigned char)(c + 0x80), 0, 0);
		else
			jis_bad(jo);
	} else if (mode == JIS_KANJI) {
		if (c < 0x7f && n >= 2 && s[1] > 0x20 && s[1] < 0x7f) {
			jis_put_kanji(jo, c, s[1]);
			return 2;
		}
		jis_bad(jo);
	} else {
		/* 8-bit bytes in 7-bit text: read them as CP932. */
		if (c >= 0x80)
			*jo->flags_r |= DECODE_F_BAD_BYTES;
		jis_put(jo, (unsigned char)c, 0, 0);
	}
	return 1;
}

static void
jis_decode(struct jis_out *jo, const unsigned char *in, size_t len)
{
	enum jis_mode	mode = JIS_ASCII;
	int		shifted = 0;
	size_t		i = 0, k;

	while (i < len && jo->rc == 0 && !jo->out->truncated) {
		if (in[i] == ESC) {
			if ((k = jis_escape(in + i, len - i, &mode)) == 0) {
				jis_bad(jo);
				k = 1;
			}
		} else if (in[i] == SO || in[i] == SI) {
			shifted = in[i] == SO;	/* CP50221 kana shift */
			k = 1;
		} else
			k = jis_text(jo, shifted ? JIS_KANA : mode, in + i,
			    len - i);
		i += k;
	}
	jis_flush(jo);
}

static int
iso2022jp_convert(const unsigned char *in, size_t len, struct sbuf *out,
    unsigned *flags_r)
{
	struct jis_out	 jo;
	const char	*variant;
	int		 rc;

	/* Mislabelled UTF-8 (8-bit bytes, no escapes) is read as UTF-8. */
	if (has_8bit(in, len) && memchr(in, ESC, len) == NULL &&
	    decode_utf8_valid(in, len)) {
		*flags_r |= DECODE_F_BAD_BYTES;
		decode_utf8_lenient(in, len, out, flags_r);
		return 0;
	}
	if ((variant = jis_variant(in, len)) != NULL &&
	    (rc = iconv_convert(variant, NULL, in, len, out, flags_r)) != 1)
		return rc;
	memset(&jo, 0, sizeof(jo));
	if ((jo.cd = iconv_open("UTF-8", "CP932")) == (iconv_t)-1)
		return -1;
	jo.out = out;
	jo.flags_r = flags_r;
	jis_decode(&jo, in, len);
	iconv_close(jo.cd);
	return jo.rc;
}

/* ---- charset names ---------------------------------------------------- */

static int
cs_namechar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
	    c == '+' || c == '-';
}

/*
 * Lowercased copy of the name without surrounding white space or quotes
 * and without an RFC 2231 "*language" suffix.  Returns 0 if unusable.
 */
static int
cs_normalise(const char *charset, char *buf)
{
	const unsigned char	*p = (const unsigned char *)charset;
	size_t			 n = 0;

	while (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
		p++;
	for (; *p != '\0' && *p != '*'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
			break;
		if (!cs_namechar(*p) || n == DECODE_CHARSET_MAX)
			return 0;
		buf[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	}
	buf[n] = '\0';
	/* ISO-2022-CN-EXT: CVE-2024-2961 in glibc's converter. */
	if (strstr(buf, "2022") != NULL && strstr(buf, "cn") != NULL &&
	    strstr(buf, "ext") != NULL)
		return 0;
	return n > 0;
}

static enum cs_kind
cs_lookup(const char *charset, char *buf, const char **n1_r,
    const char **n2_r)
{
	size_t i;

	*n1_r = *n2_r = NULL;
	if (charset == NULL)
		return CS_NONE;
	if (!cs_normalise(charset, buf))
		return CS_BAD;
	for (i = 0; i < sizeof(cs_aliases) / sizeof(cs_aliases[0]); i++) {
		if (strcmp(buf, cs_aliases[i].name) == 0) {
			*n1_r = cs_aliases[i].iconv1;
			*n2_r = cs_aliases[i].iconv2;
			return cs_aliases[i].kind;
		}
	}
	*n1_r = buf;
	return CS_ICONV;
}

int
decode_charset_is_2022jp(const char *charset)
{
	char		 buf[DECODE_CHARSET_MAX + 1];
	const char	*n1, *n2;

	return cs_lookup(charset, buf, &n1, &n2) == CS_2022JP;
}

int
decode_charset(const char *charset, const unsigned char *in, size_t len,
    struct sbuf *out, unsigned *flags_r)
{
	char		 buf[DECODE_CHARSET_MAX + 1];
	const char	*n1, *n2;
	unsigned	 fl = 0;
	size_t		 start = out->len;
	int		 rc = 0;

	if (in == NULL)
		in = (const unsigned char *)"";	/* len is 0 */
	switch (cs_lookup(charset, buf, &n1, &n2)) {
	case CS_ASCII:
		if (has_8bit(in, len))
			fl |= DECODE_F_BAD_BYTES;
		/* FALLTHROUGH */
	case CS_NONE:
	case CS_UTF8:
		decode_utf8_lenient(in, len, out, &fl);
		break;
	case CS_1252:
		cp1252_convert(in, len, out);
		break;
	case CS_2022JP:
		rc = iso2022jp_convert(in, len, out, &fl);
		break;
	case CS_ICONV:
		if ((rc = iconv_convert(n1, n2, in, len, out, &fl)) != 1)
			break;
		rc = 0;
		/* FALLTHROUGH */
	case CS_BAD:
		fl |= DECODE_F_BAD_CHARSET;
		decode_utf8_lenient(in, len, out, &fl);
		break;
	}
	if (out->len > start && memchr(out->data + start, 0, out->len - start))
		fl |= DECODE_F_NUL;
	if (flags_r != NULL)
		*flags_r |= fl;
	return rc;
}

/* ---- text without NUL ------------------------------------------------- */

void
decode_append_nonul(struct sbuf *out, const unsigned char *in, size_t len,
    unsigned *flags_r)
{
	const unsigned char	*p = in, *end, *z;

	if (len == 0)
		return;
	end = in + len;
	while (p < end && (z = memchr(p, 0, (size_t)(end - p))) != NULL) {
		*flags_r |= DECODE_F_NUL;
		if (sbuf_append(out, p, (size_t)(z - p)) ||
		    sbuf_append(out, DECODE_REPL, DECODE_REPL_LEN))
			return;
		p = z + 1;
	}
	if (p < end)
		sbuf_append(out, p, (size_t)(end - p));
}

int
decode_charset_text(const char *charset, const unsigned char *in,
    size_t len, struct sbuf *out, unsigned *flags_r)
{
	struct sbuf	tmp;
	size_t		room;
	int		rc;

	room = out->max > out->len ? out->max - out->len : 0;
	/* One byte over the room, so that a cut shows as truncation. */
	sbuf_init(&tmp, room < SIZE_MAX - 2 ? room + 1 : room);
	rc = decode_charset(charset, in, len, &tmp, flags_r);
	decode_append_nonul(out, tmp.data, tmp.len, flags_r);
	if (tmp.truncated)
		out->truncated = 1;
	sbuf_release(&tmp);
	return rc;
}
