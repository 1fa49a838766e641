/*
 * decode: Content-Transfer-Encoding names and the transfer decoders
 * (base64, quoted-printable, embedded uuencode and yEnc).
 *
 * Untrusted input: every byte.  The decoders are lenient (they decode
 * what a mail client would show) and report oddities as DECODE_F_* flags.
 * Limits: the stream decoders hold at most 3 + 76 bytes of state; a feed
 * of n bytes writes at most n bytes (quoted-printable: n + 79).  No
 * allocation.  Ownership: callers own every buffer.  Thread-safe: no
 * global state.
 *
 * Charset conversion lives in decode_charset.c, header words and
 * parameters in decode_hdr.c.
 */
#include <ctype.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define B64_SSSE3	1
#endif

#include "decode.h"
#include "decode_int.h"

int
decode_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* ---- Content-Transfer-Encoding ---------------------------------------- */

static const struct {
	const char	*name;
	enum decode_cte	 cte;
} cte_names[] = {
	{ "7bit", DECODE_CTE_7BIT },
	{ "8bit", DECODE_CTE_8BIT },
	{ "binary", DECODE_CTE_BINARY },
	{ "base64", DECODE_CTE_BASE64 },
	{ "quoted-printable", DECODE_CTE_QP },
	{ "x-uuencode", DECODE_CTE_UUENCODE },
	{ "x-uue", DECODE_CTE_UUENCODE },
	{ "uuencode", DECODE_CTE_UUENCODE },
	{ "uue", DECODE_CTE_UUENCODE },
};

#define CTE_TOKEN_MAX	32

/* Skip white space and RFC 822 comments (nesting counted, not recursed). */
static size_t
cte_skip_cfws(const char *s, size_t len, size_t i)
{
	size_t	depth = 0;

	for (; i < len; i++) {
		if (depth > 0 && s[i] == '\\' && i + 1 < len)
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
		else if (depth == 0 && !isspace((unsigned char)s[i]) &&
		    s[i] != '"')
			break;
	}
	return i;
}

/*
 * RFC 2045 section 6.1: one token, case-insensitive.  Like mail clients
 * we look at the first token only ("base64; x" is base64).
 */
enum decode_cte
decode_cte_parse(const char *value, size_t len)
{
	char	tok[CTE_TOKEN_MAX + 1];
	size_t	i, n = 0;

	i = cte_skip_cfws(value, len, 0);
	for (; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (isspace(c) || c == '(' || c == ';' || c == '"')
			break;
		if (n == CTE_TOKEN_MAX)
			return DECODE_CTE_UNKNOWN;
		tok[n++] = (char)tolower(c);
	}
	if (n == 0)
		return DECODE_CTE_7BIT;
	tok[n] = '\0';
	for (i = 0; i < sizeof(cte_names) / sizeof(cte_names[0]); i++)
		if (strcmp(tok, cte_names[i].name) == 0)
			return cte_names[i].cte;
	return DECODE_CTE_UNKNOWN;
}

const char *
decode_cte_name(enum decode_cte cte)
{
	static const char *const names[] = {
		"7bit", "8bit", "binary", "base64", "quoted-printable",
		"x-uuencode",
	};

	if ((size_t)cte < sizeof(names) / sizeof(names[0]))
		return names[cte];
	return "unknown";
}

/* ---- base64 (RFC 2045 section 6.8) ------------------------------------ */

/* Sextet values, and classes for the careful path (all above 63). */
#define B64_PAD		0x40		/* '=' */
#define B64_SKIP	0x41		/* CR, LF, space, tab: skipped */
#define B64_JUNK	0x42		/* anything else: junk */
#define PP		B64_PAD
#define SS		B64_SKIP
#define JJ		B64_JUNK

static const unsigned char b64_tab[256] = {
	JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, SS, SS, JJ, JJ, SS, JJ, JJ,
	JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ,
	SS, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, 62, JJ, JJ, JJ, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, JJ, JJ, JJ, PP, JJ, JJ,
	JJ,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, JJ, JJ, JJ, JJ, JJ,
	JJ, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, JJ, JJ, JJ, JJ, JJ,
	JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ,
	JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ,
	JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ,
	JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ,
	JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ,
	JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ,
	JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ,
	JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ, JJ,
};

#undef PP
#undef SS
#undef JJ

void
decode_b64_init(struct decode_b64 *st)
{
	memset(st, 0, sizeof(*st));
}

/* '=': ends the quantum; data after it is decoded but flagged. */
static void
b64_pad(struct decode_b64 *st)
{
	if (st->nacc == 1)
		st->flags |= DECODE_F_TRUNCATED;	/* lone sextet */
	else if (st->nacc == 0 && st->pad == 0) {
		st->flags |= DECODE_F_JUNK;		/* stray '=' */
		st->junk++;
	}
	st->nacc = 0;
	st->acc = 0;
	if (st->pad < 3)
		st->pad++;
}

/*
 * One sextet.  Bytes are written as soon as their 8 bits are known, so a
 * feed never writes more bytes than it reads and finish has nothing left
 * to write: the output is the same whatever the split.
 */
static unsigned char *
b64_sextet(struct decode_b64 *st, unsigned v, unsigned char *o)
{
	if (st->pad != 0) {
		st->flags |= DECODE_F_AFTER_PAD;
		st->pad = 0;
	}
	st->acc = (st->acc << 6) | v;
	switch (st->nacc++) {
	case 1:
		*o++ = (unsigned char)(st->acc >> 4);
		break;
	case 2:
		*o++ = (unsigned char)(st->acc >> 2);
		break;
	case 3:
		*o++ = (unsigned char)st->acc;
		st->acc = 0;
		st->nacc = 0;
		break;
	}
	return o;
}

/*
 * The fast path: one table per position of a quantum holds the sextet
 * already shifted into place, so a quantum is four loads and three ORs.
 * Anything outside the alphabet sets B64_BAD (bit 24, above the 24 data
 * bits) in every table; the careful path then takes over.  The tables
 * are built by the preprocessor from B64_VAL (ASCII).
 */
#define B64_BAD		0x01000000U
#define B64_VAL(c)	((c) >= 'A' && (c) <= 'Z' ? (uint32_t)(c) - 'A' :	\
	    (c) >= 'a' && (c) <= 'z' ? (uint32_t)(c) - 'a' + 26 :		\
	    (c) >= '0' && (c) <= '9' ? (uint32_t)(c) - '0' + 52 :		\
	    (c) == '+' ? 62U : (c) == '/' ? 63U : B64_BAD)
#define B64_AT(c, s)	(B64_VAL(c) == B64_BAD ? B64_BAD : B64_VAL(c) << (s))
#define B64_T4(c, s)	B64_AT(c, s), B64_AT((c) + 1, s), B64_AT((c) + 2, s), \
	    B64_AT((c) + 3, s)
#define B64_T16(c, s)	B64_T4(c, s), B64_T4((c) + 4, s), B64_T4((c) + 8, s), \
	    B64_T4((c) + 12, s)
#define B64_T64(c, s)	B64_T16(c, s), B64_T16((c) + 16, s),		\
	    B64_T16((c) + 32, s), B64_T16((c) + 48, s)
#define B64_T256(s)	{ B64_T64(0, s), B64_T64(64, s), B64_T64(128, s),	\
	    B64_T64(192, s) }

static const uint32_t b64_q0[256] = B64_T256(18);
static const uint32_t b64_q1[256] = B64_T256(12);
static const uint32_t b64_q2[256] = B64_T256(6);
static const uint32_t b64_q3[256] = B64_T256(0);

/* Four input bytes as 24 bits, or a value with B64_BAD set. */
static inline uint32_t
b64_quad(const unsigned char *p)
{
	return b64_q0[p[0]] | b64_q1[p[1]] | b64_q2[p[2]] | b64_q3[p[3]];
}

static inline void
b64_put3(unsigned char *o, uint32_t v)
{
	o[0] = (unsigned char)(v >> 16);
	o[1] = (unsigned char)(v >> 8);
	o[2] = (unsigned char)v;
}

/*
 * Three bytes and one that the next quantum overwrites: only called when
 * that quantum is known to follow, so nothing is written past the output
 * a feed reports (callers size buffers by it: decode_hdr.c).
 */
static inline void
b64_put4(unsigned char *o, uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v << 8);
	memcpy(o, &v, 4);
#else
	b64_put3(o, v);
#endif
}

/*
 * A run of quanta of plain alphabet from in[i]; returns the new i (no
 * quantum taken if the first is not plain alphabet).
 */
static inline size_t
b64_quads(const unsigned char *in, size_t len, size_t i, unsigned char **op)
{
	unsigned char	*o = *op;
	uint32_t	 x, y;

	if (len - i < 4 || ((x = b64_quad(in + i)) & B64_BAD) != 0)
		return i;
	for (i += 4; len - i >= 4; i += 4) {
		if (((y = b64_quad(in + i)) & B64_BAD) != 0)
			break;
		b64_put4(o, x);
		o += 3;
		x = y;
	}
	b64_put3(o, x);
	*op = o + 3;
	return i;
}

static inline int
b64_eol(unsigned char c)
{
	return c == '\n' || c == '\r';
}

/*
 * Whole quanta of plain alphabet, and the line breaks between them (at a
 * quantum boundary with no '=' pending a CR or LF changes nothing).
 * Called only in that state; stops at anything else, or when fewer than
 * four bytes are left, and returns the bytes consumed.
 */
static size_t
b64_fast_plain(const unsigned char *in, size_t len, unsigned char **op)
{
	size_t i = 0, k;

	for (;;) {
		while (i < len && b64_eol(in[i]))
			i++;
		if ((k = b64_quads(in, len, i, op)) == i)
			return i;
		i = k;
	}
}

#ifdef B64_SSSE3
/*
 * Up to sixteen bytes of plain alphabet: decodes the whole quanta before
 * the first byte outside the alphabet and returns the input bytes used
 * (0, 4, ... 16), writing exactly three output bytes for each four.
 *
 * Validity by nibbles: hi[] gives each high nibble a class bit, lo[] the
 * classes in which a low nibble is NOT in the alphabet (class 1: rows 0,
 * 1 and 8-f, never; 2: row 2, only '+' and '/'; 4: row 3, digits; 8:
 * rows 4 and 6, all but 0; 16: rows 5 and 7, up to a).  The sextet is
 * the byte plus roll[] of its high nibble ('/' moved to index 1).
 * pmaddubsw joins pairs of sextets to 12 bits, pmaddwd pairs of those to
 * 24, pshufb puts the three bytes of each group in order.
 */
__attribute__((target("ssse3"))) static inline size_t
b64_block16(const unsigned char *in, unsigned char *o)
{
	const __m128i	v = _mm_loadu_si128((const __m128i *)(const void *)in);
	const __m128i	nib = _mm_set1_epi8(0x0f);
	const __m128i	hi_cls = _mm_setr_epi8(1, 1, 2, 4, 8, 16, 8, 16,
	    1, 1, 1, 1, 1, 1, 1, 1);
	const __m128i	lo_bad = _mm_setr_epi8(1 | 2 | 8, 1 | 2, 1 | 2, 1 | 2,
	    1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2, 1 | 2 | 4,
	    1 | 4 | 16, 1 | 2 | 4 | 16, 1 | 2 | 4 | 16, 1 | 2 | 4 | 16,
	    1 | 4 | 16);
	const __m128i	roll = _mm_setr_epi8(0, 63 - '/', 62 - '+', 52 - '0',
	    -'A', -'A', 26 - 'a', 26 - 'a', 0, 0, 0, 0, 0, 0, 0, 0);
	__m128i		hi, x;
	unsigned char	tmp[16];
	unsigned	ok;
	size_t		k;
	int		w;

	hi = _mm_and_si128(_mm_srli_epi32(v, 4), nib);
	x = _mm_and_si128(_mm_shuffle_epi8(hi_cls, hi),
	    _mm_shuffle_epi8(lo_bad, _mm_and_si128(v, nib)));
	ok = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
	    _mm_setzero_si128()));
	/* Bytes before the first one outside the alphabet, whole quanta. */
	k = ok == 0xffff ? 16 : (size_t)__builtin_ctz(~ok) & ~(size_t)3;
	if (k == 0)
		return 0;
	hi = _mm_add_epi8(hi, _mm_cmpeq_epi8(v, _mm_set1_epi8('/')));
	x = _mm_add_epi8(v, _mm_shuffle_epi8(roll, hi));
	x = _mm_maddubs_epi16(x, _mm_set1_epi32(0x01400140));
	x = _mm_madd_epi16(x, _mm_set1_epi32(0x00011000));
	x = _mm_shuffle_epi8(x, _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8,
	    14, 13, 12, -1, -1, -1, -1));
	if (k == 16) {
		_mm_storel_epi64((__m128i *)(void *)o, x);
		w = _mm_cvtsi128_si32(_mm_srli_si128(x, 8));
		memcpy(o + 8, &w, 4);
	} else {
		_mm_storeu_si128((__m128i *)(void *)tmp, x);
		memcpy(o, tmp, k / 4 * 3);
	}
	return k;
}

/* b64_fast_plain() sixteen bytes at a time (a 76-byte line: five steps). */
__attribute__((target("ssse3"))) static size_t
b64_fast_ssse3(const unsigned char *in, size_t len, unsigned char **op)
{
	size_t i = 0, k;

	for (;;) {
		while (i < len && b64_eol(in[i]))
			i++;
		if (len - i >= 16) {
			k = b64_block16(in + i, *op);
			i += k;
			*op += k / 4 * 3;
			if (k == 16 || (k > 0 && b64_eol(in[i])))
				continue;
		}
		if ((k = b64_quads(in, len, i, op)) == i)
			return i;
		i = k;
	}
}
#endif

static size_t
b64_fast(const unsigned char *in, size_t len, unsigned char **op)
{
#ifdef B64_SSSE3
	if (__builtin_cpu_supports("ssse3"))
		return b64_fast_ssse3(in, len, op);
#endif
	return b64_fast_plain(in, len, op);
}

size_t
decode_b64_feed(struct decode_b64 *st, const unsigned char *in, size_t len,
    unsigned char *out)
{
	unsigned char	*o = out;
	size_t		 i = 0;

	while (i < len) {
		unsigned v;

		if (st->nacc == 0 && st->pad == 0) {
			i += b64_fast(in + i, len - i, &o);
			if (i == len)
				break;
		}
		v = b64_tab[in[i++]];
		if (v < 64)
			o = b64_sextet(st, v, o);
		else if (v == B64_PAD)
			b64_pad(st);
		else if (v == B64_JUNK) {
			st->flags |= DECODE_F_JUNK;
			st->junk++;
		}
	}
	return (size_t)(o - out);
}

size_t
decode_b64_finish(struct decode_b64 *st, unsigned char *out)
{
	(void)out;
	if (st->nacc == 1)
		st->flags |= DECODE_F_TRUNCATED;
	st->acc = 0;
	st->nacc = 0;
	st->pad = 0;
	return 0;
}

/* ---- quoted-printable (RFC 2045 section 6.7) -------------------------- */

/*
 * State, kept in the fields of struct decode_qp:
 *   npend 0                    plain text (white space held in ws[])
 *   npend 1, pend "="          after '='
 *   npend 2, pend "=X"         after '=' and one hex digit
 *   npend 2, pend "= "         after '=' and white space (held in ws[]):
 *                              a soft line break if the line ends here
 *   npend 1, pend "\r"         after a soft line break "=\r": eat a '\n'
 */
#define QP_TEXT	0
#define QP_EQ	1
#define QP_WS	2
#define QP_EOL	3

static unsigned char
qp_class(unsigned char c)
{
	switch (c) {
	case '=':
		return QP_EQ;
	case ' ':
	case '\t':
		return QP_WS;
	case '\r':
	case '\n':
		return QP_EOL;
	}
	return QP_TEXT;
}

void
decode_qp_init(struct decode_qp *st)
{
	memset(st, 0, sizeof(*st));
}

static unsigned char *
qp_flush_ws(struct decode_qp *st, unsigned char *o)
{
	memcpy(o, st->ws, st->nws);
	o += st->nws;
	st->nws = 0;
	return o;
}

static unsigned char *
qp_text(struct decode_qp *st, unsigned char c, unsigned char *o)
{
	switch (qp_class(c)) {
	case QP_EQ:
		o = qp_flush_ws(st, o);
		st->pend[0] = '=';
		st->npend = 1;
		break;
	case QP_WS:
		if (st->nws == sizeof(st->ws))
			o = qp_flush_ws(st, o);
		st->ws[st->nws++] = c;
		break;
	case QP_EOL:
		st->nws = 0;	/* rule 3: trailing white space dropped */
		*o++ = c;
		break;
	default:
		o = qp_flush_ws(st, o);
		*o++ = c;
	}
	return o;
}

/* '=' was not an escape: keep it (and what followed) as text. */
static unsigned char *
qp_bad(struct decode_qp *st, unsigned char c, unsigned char *o)
{
	st->flags |= DECODE_F_BAD_ESCAPE;
	*o++ = '=';
	if (st->npend == 2 && st->pend[1] != ' ')
		*o++ = st->pend[1];
	st->npend = 0;
	return qp_text(st, c, o);
}

/* After '=': hex digit, soft line break, white space or a bad escape. */
static unsigned char *
qp_eq(struct decode_qp *st, unsigned char c, unsigned char *o)
{
	if (decode_hexval(c) >= 0 || c == ' ' || c == '\t') {
		st->pend[1] = c == '\t' ? ' ' : c;
		st->npend = 2;
		if (c == ' ' || c == '\t')
			st->ws[st->nws++] = c;	/* '=' emptied ws */
	} else if (c == '\n')
		st->npend = 0;
	else if (c == '\r')
		st->pend[0] = '\r';
	else
		o = qp_bad(st, c, o);
	return o;
}

/* After '=' and white space: only a line end makes a soft line break. */
static unsigned char *
qp_eqws(struct decode_qp *st, unsigned char c, unsigned char *o)
{
	if ((c == ' ' || c == '\t') && st->nws < sizeof(st->ws))
		st->ws[st->nws++] = c;
	else if (c == '\n') {
		st->nws = 0;
		st->npend = 0;
	} else if (c == '\r') {
		st->nws = 0;
		st->pend[0] = '\r';
		st->npend = 1;
	} else
		o = qp_bad(st, c, o);	/* ws[] stays held as text */
	return o;
}

static unsigned char *
qp_step(struct decode_qp *st, unsigned char c, unsigned char *o)
{
	int hi, lo;

	if (st->npend == 0)
		return qp_text(st, c, o);
	if (st->pend[0] == '\r') {
		st->npend = 0;
		return c == '\n' ? o : qp_text(st, c, o);
	}
	if (st->npend == 1)
		return qp_eq(st, c, o);
	if (st->pend[1] == ' ')
		return qp_eqws(st, c, o);
	hi = decode_hexval(st->pend[1]);
	lo = decode_hexval(c);
	if (lo < 0)
		return qp_bad(st, c, o);
	*o++ = (unsigned char)((hi << 4) | lo);
	st->npend = 0;
	return o;
}

size_t
decode_qp_feed(struct decode_qp *st, const unsigned char *in, size_t len,
    unsigned char *out)
{
	unsigned char	*o = out;
	size_t		 i = 0, j;

	while (i < len) {
		if (st->npend == 0 && st->nws == 0) {
			for (j = i; j < len && qp_class(in[j]) == QP_TEXT; j++)
				continue;
			memcpy(o, in + i, j - i);
			o += j - i;
			i = j;
			if (i == len)
				break;
		}
		o = qp_step(st, in[i++], o);
	}
	return (size_t)(o - out);
}

/*
 * End of the part.  Its last line ends where the boundary's CRLF begins,
 * so held white space is trailing (dropped) and a final '=' is a soft
 * line break; only "=X" is an incomplete escape.
 */
size_t
decode_qp_finish(struct decode_qp *st, unsigned char *out)
{
	size_t n = 0;

	if (st->npend == 2 && st->pend[0] == '=' && st->pend[1] != ' ') {
		st->flags |= DECODE_F_TRUNCATED | DECODE_F_BAD_ESCAPE;
		out[n++] = '=';
		out[n++] = st->pend[1];
	}
	st->npend = 0;
	st->nws = 0;
	return n;
}

/* ---- uuencode --------------------------------------------------------- */

/* Length without a trailing line ending the caller may have left. */
static size_t
line_trim_eol(const unsigned char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	return len;
}

/* Raw copy, NUL-terminated; a NUL byte becomes '?' (no hidden tails). */
static void
copy_name(const unsigned char *s, size_t len, char *name, size_t namecap)
{
	size_t i;

	if (name == NULL || namecap == 0)
		return;
	if (len > namecap - 1)
		len = namecap - 1;
	for (i = 0; i < len; i++)
		name[i] = s[i] == '\0' ? '?' : (char)s[i];
	name[len] = '\0';
}

/* "begin MODE NAME": MODE 1 to 6 octal digits ("begin-base64" is not uu). */
int
decode_uu_begin(const unsigned char *line, size_t len, char *name,
    size_t namecap)
{
	size_t i = 6, ndig = 0;

	len = line_trim_eol(line, len);
	if (len < 6 || memcmp(line, "begin", 5) != 0 ||
	    (line[5] != ' ' && line[5] != '\t'))
		return 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	for (; i < len && line[i] >= '0' && line[i] <= '7'; i++)
		ndig++;
	if (ndig == 0 || ndig > 6 || i >= len ||
	    (line[i] != ' ' && line[i] != '\t'))
		return 0;
	i++;
	if (i >= len)
		return 0;
	copy_name(line + i, len - i, name, namecap);
	return 1;
}

#define UU_VAL(c)	(((unsigned)(c) - 0x20) & 0x3f)

int
decode_uu_line(const unsigned char *line, size_t len, unsigned char *out)
{
	unsigned char	q[4];
	size_t		n, need, i, k, o = 0;

	len = line_trim_eol(line, len);
	if (len == 0 || line[0] < 0x20 || line[0] > 0x60)
		return -1;
	n = UU_VAL(line[0]);
	need = (n + 2) / 3 * 4;
	/* Encoders and gateways strip trailing spaces: missing is zero. */
	for (i = 0; i < need; i += 4) {
		for (k = 0; k < 4; k++) {
			size_t j = 1 + i + k;
			unsigned char c = j < len ? line[j] : 0x20;

			if (c < 0x20 || c > 0x60)
				return -1;
			q[k] = (unsigned char)UU_VAL(c);
		}
		out[o++] = (unsigned char)((q[0] << 2) | (q[1] >> 4));
		if (o < n)
			out[o++] = (unsigned char)((q[1] << 4) | (q[2] >> 2));
		if (o < n)
			out[o++] = (unsigned char)((q[2] << 6) | q[3]);
	}
	return (int)(o < n ? o : n);
}

int
decode_uu_is_end(const unsigned char *line, size_t len)
{
	while (len > 0 && isspace(line[len - 1]))
		len--;
	return len == 3 && memcmp(line, "end", 3) == 0;
}

/* ---- yEnc ------------------------------------------------------------- */

/* Whether line starts with the keyword kw followed by space or the end. */
static int
yenc_keyword(const unsigned char *line, size_t len, const char *kw)
{
	size_t n = strlen(kw);

	return len >= n && memcmp(line, kw, n) == 0 &&
	    (len == n || line[n] == ' ' || line[n] == '\t' ||
	    line[n] == '\r' || line[n] == '\n');
}

/* "=ybegin part=1 line=128 size=N name=NAME": name is last, to the end. */
int
decode_yenc_begin(const unsigned char *line, size_t len, char *name,
    size_t namecap)
{
	size_t i;

	len = line_trim_eol(line, len);
	if (!yenc_keyword(line, len, "=ybegin"))
		return 0;
	copy_name(line, 0, name, namecap);
	for (i = 7; i + 6 <= len; i++) {
		if ((line[i] == ' ' || line[i] == '\t') &&
		    memcmp(line + i + 1, "name=", 5) == 0) {
			copy_name(line + i + 6, len - i - 6, name, namecap);
			break;
		}
	}
	return 1;
}

/* Data byte = (c - 42) mod 256; "=c" is (c - 64 - 42); CR and LF skipped. */
size_t
decode_yenc_line(const unsigned char *line, size_t len, unsigned char *out)
{
	size_t i, o = 0;

	/* Keyword lines ("=y" is never an escape a yEnc encoder writes). */
	if (len >= 2 && line[0] == '=' && line[1] == 'y')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = line[i];

		if (c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			if (++i == len)
				break;		/* dangling escape */
			out[o++] = (unsigned char)(line[i] - 64 - 42);
		} else
			out[o++] = (unsigned char)(c - 42);
	}
	return o;
}

int
decode_yenc_is_end(const unsigned char *line, size_t len)
{
	return yenc_keyword(line, len, "=yend");
}
