/*
 * pdf_filter: stream filters (ISO 32000-1 section 7.4) and text strings
 * (section 7.9.2).
 *
 * Filters: FlateDecode (through flate, under the policy's expansion
 * limits), ASCIIHexDecode and ASCII85Decode (their output is smaller than
 * their input), in a chain of at most PDF_FILTERS_MAX.  Predictors
 * (DecodeParms) are not applied: object streams and embedded files
 * rarely use them.  Text strings: UTF-16BE with a byte order mark, UTF-8
 * with one (PDF 2.0), otherwise UTF-8 if the bytes are UTF-8, else CP932
 * (what Japanese writers put in PDFDocEncoding strings).
 *
 * Untrusted input: stream data and strings.  Limits: see flate.h; text
 * strings are cut to the caller's maximum.  Ownership: output goes to the
 * caller's sbuf or an owned string.  Thread-safe: no state.
 */
#include <string.h>

#include "decode.h"
#include "flate.h"
#include "mem.h"
#include "pdf_int.h"

enum pdf_filter
pdf_filter_byname(const unsigned char *s, size_t n)
{
	static const struct {
		const char		*name;
		enum pdf_filter		 f;
	} names[] = {
		{ "FlateDecode", PDF_F_FLATE }, { "Fl", PDF_F_FLATE },
		{ "ASCIIHexDecode", PDF_F_AHX }, { "AHx", PDF_F_AHX },
		{ "ASCII85Decode", PDF_F_A85 }, { "A85", PDF_F_A85 },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n == strlen(names[i].name) &&
		    memcmp(s, names[i].name, n) == 0)
			return names[i].f;
	return PDF_F_OTHER;
}

static void
filter_ahx(const unsigned char *p, size_t n, struct sbuf *out)
{
	int half = -1, v;
	size_t i;
	unsigned char c;

	for (i = 0; i < n && p[i] != '>'; i++) {
		c = p[i];
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = (c | 0x20) - 'a' + 10;
		else
			continue;
		if (half < 0)
			half = v;
		else {
			sbuf_putc(out, half << 4 | v);
			half = -1;
		}
	}
	if (half >= 0)
		sbuf_putc(out, half << 4);
}

/* Flush k (2..5) base-85 digits as k - 1 bytes. */
static void
a85_flush(uint32_t *g, unsigned k, struct sbuf *out)
{
	unsigned char b[4];
	unsigned i;
	uint64_t v = 0;

	for (i = 0; i < 5; i++)
		v = v * 85 + (i < k ? g[i] : 84);
	if (v > 0xffffffffu)
		v = 0xffffffffu;
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
	sbuf_append(out, b, k - 1);
}

static void
filter_a85(const unsigned char *p, size_t n, struct sbuf *out)
{
	uint32_t g[5];
	unsigned k = 0;
	size_t i = 0;

	if (n >= 2 && p[0] == '<' && p[1] == '~')
		i = 2;
	for (; i < n && p[i] != '~'; i++) {
		if (p[i] == 'z' && k == 0) {
			sbuf_append(out, "\0\0\0\0", 4);
			continue;
		}
		if (p[i] < '!' || p[i] > 'u')
			continue;
		g[k++] = p[i] - '!';
		if (k == 5) {
			a85_flush(g, 5, out);
			k = 0;
		}
	}
	if (k >= 2)
		a85_flush(g, k, out);
}

int
pdf_filter_decode(struct msgctx *msg, const char *where,
    const enum pdf_filter *f, size_t n, const unsigned char *data,
    size_t len, struct sbuf *out, const char **error_r)
{
	struct sbuf tmp[2];
	const unsigned char *in = data;
	size_t i, inlen = len;
	int rc = 0, cur = 0;

	for (i = 0; i < n; i++)
		if (f[i] == PDF_F_OTHER)
			return 1;
	if (n == 0) {
		sbuf_append(out, data, len);
		return 0;
	}
	sbuf_init(&tmp[0], 0);
	sbuf_init(&tmp[1], 0);
	for (i = 0; i < n && rc == 0; i++) {
		struct sbuf *dst = i + 1 == n ? out : &tmp[cur];

		sbuf_reset(dst);
		if (f[i] == PDF_F_AHX)
			filter_ahx(in, inlen, dst);
		else if (f[i] == PDF_F_A85)
			filter_a85(in, inlen, dst);
		else if ((rc = flate_expand(msg, where, in, inlen, FLATE_AUTO,
		    dst, error_r)) == FLATE_BAD)
			rc = 0;		/* keep what decoded */
		in = dst->data != NULL ? dst->data : (const unsigned char *)"";
		inlen = dst->len;
		cur ^= 1;
	}
	sbuf_release(&tmp[0]);
	sbuf_release(&tmp[1]);
	if (rc == -1)
		return -1;
	return rc == FLATE_CUT ? 2 : 0;
}

/* UTF-16BE (after its BOM) to UTF-8; lone surrogates become U+FFFD. */
static void
text_utf16be(const unsigned char *p, size_t n, struct sbuf *out)
{
	uint32_t u, lo;
	size_t i;
	unsigned char b[4];

	for (i = 0; i + 1 < n; i += 2) {
		u = (uint32_t)p[i] << 8 | p[i + 1];
		if (u >= 0xd800 && u < 0xdc00 && i + 3 < n &&
		    (lo = (uint32_t)p[i + 2] << 8 | p[i + 3]) >= 0xdc00 &&
		    lo < 0xe000) {
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if ((u >= 0xd800 && u < 0xe000) || u == 0)
			u = 0xfffd;
		if (u < 0x80)
			sbuf_putc(out, (int)u);
		else if (u < 0x800) {
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
}

char *
pdf_text_utf8(const unsigned char *p, size_t n, size_t max,
    const char **error_r)
{
	struct sbuf out;
	unsigned flags = 0;
	char *s;

	sbuf_init(&out, max);
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff)
		text_utf16be(p + 2, (n - 2) / 2 < max ? n - 2 : 2 * max, &out);
	else {
		if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			p += 3;
			n -= 3;
		}
		n = n < max ? n : max;
		if (decode_charset("UTF-8", p, n, &out, &flags) == 0 &&
		    (flags & DECODE_F_BAD_BYTES)) {
			sbuf_reset(&out);
			if (decode_charset("CP932", p, n, &out, &flags) == -1) {
				sbuf_release(&out);
				*error_r = "pdf: cannot convert a file name";
				return NULL;
			}
		}
	}
	s = mem_strdup(sbuf_str(&out));
	sbuf_release(&out);
	return s;
}
