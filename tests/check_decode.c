/*
 * check_decode: transfer decoders, charsets, RFC 2047 words and parameters.
 *
 * Covers: CTE names; base64 and quoted-printable tables fed 1 byte, 7
 * bytes, 4 KiB and whole (identical output and flags), round trips of
 * random data in random splits; uuencode and yEnc round trips (encoders
 * below); ISO-2022-JP (CP50221 extensions, split words), Shift_JIS/CP932
 * aliases, EUC-JP, Latin-1, unknown and refused charsets; RFC 2047 and
 * RFC 2231 as Japanese and Western clients write them; parameter parsing;
 * linear time on hostile input.  Japanese strings are written as their
 * UTF-8 bytes; input bytes were produced once with iconv(1).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "sbuf.h"

/* UTF-8 of the Japanese test strings: 請求書, 見積書, ①, ～, ｱｲｳ. */
#define U_SEIKYUSHO	"\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8"
#define U_MITSUMORI	"\xe8\xa6\x8b\xe7\xa9\x8d\xe6\x9b\xb8"
#define U_CIRCLE1	"\xe2\x91\xa0"
#define U_FWTILDE	"\xef\xbd\x9e"
#define U_HWKANA	"\xef\xbd\xb1\xef\xbd\xb2\xef\xbd\xb3"
#define U_REPL		"\xef\xbf\xbd"
/* 請求書 in ISO-2022-JP, Shift_JIS and EUC-JP. */
#define J_SEIKYUSHO	"\x1b$B@A5a=q\x1b(B"
#define S_SEIKYUSHO	"\x90\xbf\x8b\x81\x8f\x91"
#define E_SEIKYUSHO	"\xc0\xc1\xb5\xe1\xbd\xf1"

static const size_t splits[] = { 1, 7, 4096, 0 };	/* 0: whole */
#define NSPLITS (sizeof(splits) / sizeof(splits[0]))

/* ---- helpers -------------------------------------------------------- */

static uint32_t rng_state = 12345;

static uint32_t
rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static unsigned char *
random_bytes(size_t n)
{
	unsigned char *p = malloc(n + 1);
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)rng();
	return p;
}

/* Next piece size: fixed, whole (0) or random (SIZE_MAX). */
static size_t
piece(size_t split, size_t left)
{
	size_t k = split;

	if (split == SIZE_MAX)
		k = 1 + rng() % 300;
	if (k == 0 || k > left)
		k = left;
	return k;
}

struct run {
	unsigned char	*out;
	size_t		 len;
	unsigned	 flags;
	uint64_t	 junk;
};

static void
run_b64(const void *in, size_t len, size_t split, struct run *r)
{
	struct decode_b64	 st;
	const unsigned char	*p = in;
	size_t			 i = 0, k, w;

	r->out = malloc(len + 8);
	r->len = 0;
	decode_b64_init(&st);
	while (i < len) {
		k = piece(split, len - i);
		w = decode_b64_feed(&st, p + i, k, r->out + r->len);
		ck_assert_uint_le(w, k);
		r->len += w;
		i += k;
	}
	r->len += decode_b64_finish(&st, r->out + r->len);
	r->flags = st.flags;
	r->junk = st.junk;
}

static void
run_qp(const void *in, size_t len, size_t split, struct run *r)
{
	struct decode_qp	 st;
	const unsigned char	*p = in;
	size_t			 i = 0, k, w;

	r->out = malloc(len + 160);
	r->len = 0;
	decode_qp_init(&st);
	while (i < len) {
		k = piece(split, len - i);
		w = decode_qp_feed(&st, p + i, k, r->out + r->len);
		ck_assert_uint_le(w, k + 80);
		r->len += w;
		i += k;
	}
	w = decode_qp_finish(&st, r->out + r->len);
	ck_assert_uint_le(w, 80);
	r->len += w;
	r->flags = st.flags;
	r->junk = 0;
}

static void
ck_run(const struct run *r, const void *want, size_t wlen, unsigned flags,
    const char *what)
{
	ck_assert_msg(r->len == wlen && memcmp(r->out, want, wlen) == 0,
	    "%s: output differs (%zu bytes, want %zu)", what, r->len, wlen);
	ck_assert_msg(r->flags == flags, "%s: flags %#x, want %#x", what,
	    r->flags, flags);
}

static struct sbuf *
out_new(void)
{
	return sbuf_new(64, 1 << 20);
}

#define ck_out(b, want) do {						\
	ck_assert_msg((b)->len == strlen(want) &&			\
	    memcmp((b)->data, (want), strlen(want)) == 0,		\
	    "got \"%s\", want \"%s\"", sbuf_str(b), (want));		\
} while (0)

/* ---- CTE ------------------------------------------------------------ */

START_TEST(test_cte)
{
	static const struct {
		const char	*s;
		enum decode_cte	 cte;
	} t[] = {
		{ "", DECODE_CTE_7BIT },
		{ "  ", DECODE_CTE_7BIT },
		{ "7bit", DECODE_CTE_7BIT },
		{ "8BIT", DECODE_CTE_8BIT },
		{ "Binary", DECODE_CTE_BINARY },
		{ " Base64 ", DECODE_CTE_BASE64 },
		{ "(comment) base64 (more)", DECODE_CTE_BASE64 },
		{ "\"base64\"", DECODE_CTE_BASE64 },
		{ "base64;", DECODE_CTE_BASE64 },
		{ "Quoted-Printable", DECODE_CTE_QP },
		{ "x-uuencode", DECODE_CTE_UUENCODE },
		{ "X-UUE", DECODE_CTE_UUENCODE },
		{ "uuencode", DECODE_CTE_UUENCODE },
		{ "x-gzip", DECODE_CTE_UNKNOWN },
		{ "base-64", DECODE_CTE_UNKNOWN },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		    DECODE_CTE_UNKNOWN },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(decode_cte_parse(t[i].s, strlen(t[i].s)) ==
		    t[i].cte, "cte \"%s\"", t[i].s);
	/* Bounded by len, not by NUL. */
	ck_assert_int_eq(decode_cte_parse("base64xyz", 6), DECODE_CTE_BASE64);
	ck_assert_str_eq(decode_cte_name(DECODE_CTE_QP), "quoted-printable");
	ck_assert_str_eq(decode_cte_name(DECODE_CTE_BASE64), "base64");
	ck_assert_str_eq(decode_cte_name(DECODE_CTE_UNKNOWN), "unknown");
}
END_TEST

/* ---- base64 --------------------------------------------------------- */

static const struct b64_case {
	const char	*in;
	const char	*out;
	unsigned	 flags;
	unsigned	 junk;
} b64_cases[] = {
	{ "", "", 0, 0 },
	{ "QUJD", "ABC", 0, 0 },
	{ "QUI=", "AB", 0, 0 },
	{ "QQ==", "A", 0, 0 },
	{ "QQ=\r\n=\r\n", "A", 0, 0 },
	{ "QUJD\r\nREVG\r\n", "ABCDEF", 0, 0 },
	{ "QU JD\tRE\nVG", "ABCDEF", 0, 0 },
	{ "QU*JD!", "ABC", DECODE_F_JUNK, 2 },
	{ "\xff\xfeQUJD\x00", "ABC", DECODE_F_JUNK, 3 },
	{ "QQ==QUJD", "AABC", DECODE_F_AFTER_PAD, 0 },
	{ "QUI=\r\nQUJD\r\n", "ABABC", DECODE_F_AFTER_PAD, 0 },
	{ "QQ", "A", 0, 0 },
	{ "QUI", "AB", 0, 0 },
	{ "QUJDR", "ABC", DECODE_F_TRUNCATED, 0 },
	{ "Q===", "", DECODE_F_TRUNCATED, 0 },
	{ "QUJD=", "ABC", DECODE_F_JUNK, 1 },
	{ "=QUJD", "ABC", DECODE_F_JUNK | DECODE_F_AFTER_PAD, 1 },
	{ "////", "\xff\xff\xff", 0, 0 },
	{ "+/+/", "\xfb\xff\xbf", 0, 0 },
};

START_TEST(test_b64_table)
{
	const struct b64_case	*c = &b64_cases[_i];
	struct run		 r;
	size_t			 s;

	for (s = 0; s < NSPLITS; s++) {
		run_b64(c->in, strlen(c->in) + (c->in[0] == '\xff'), splits[s],
		    &r);
		ck_run(&r, c->out, strlen(c->out), c->flags, c->in);
		ck_assert_uint_eq(r.junk, c->junk);
		free(r.out);
	}
}
END_TEST

static const char b64_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* RFC 2045 base64 with CRLF every 76 characters. */
static char *
b64_encode(const unsigned char *in, size_t len, size_t *len_r)
{
	char	*o = malloc(len / 3 * 4 + len / 57 * 2 + 8);
	size_t	 i, n = 0, col = 0;

	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		o[n++] = b64_alpha[v >> 18];
		o[n++] = b64_alpha[(v >> 12) & 63];
		o[n++] = i + 1 < len ? b64_alpha[(v >> 6) & 63] : '=';
		o[n++] = i + 2 < len ? b64_alpha[v & 63] : '=';
		if ((col += 4) == 76) {
			o[n++] = '\r';
			o[n++] = '\n';
			col = 0;
		}
	}
	*len_r = n;
	return o;
}

START_TEST(test_b64_roundtrip)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 57, 58, 30000 };
	size_t		 z, s, elen;
	struct run	 r;

	for (z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		unsigned char *data = random_bytes(sizes[z]);
		char *enc = b64_encode(data, sizes[z], &elen);

		for (s = 0; s <= NSPLITS; s++) {
			run_b64(enc, elen, s < NSPLITS ? splits[s] : SIZE_MAX,
			    &r);
			ck_run(&r, data, sizes[z], 0, "roundtrip");
			free(r.out);
		}
		free(enc);
		free(data);
	}
}
END_TEST

/* Random junk, padding and white space: every split gives the same. */
START_TEST(test_b64_chunking)
{
	static const char pool[] = "QUJDZGVm+/=\r\n \t*!\x80";
	char		 in[5000];
	struct run	 whole, r;
	size_t		 i, s, round;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < sizeof(in); i++)
			in[i] = pool[rng() % (sizeof(pool) - 1)];
		run_b64(in, sizeof(in), 0, &whole);
		for (s = 0; s <= NSPLITS; s++) {
			run_b64(in, sizeof(in), s < NSPLITS ? splits[s] :
			    SIZE_MAX, &r);
			ck_run(&r, whole.out, whole.len, whole.flags, "split");
			ck_assert_uint_eq(r.junk, whole.junk);
			free(r.out);
		}
		free(whole.out);
	}
}
END_TEST

/*
 * The fast path (sixteen bytes or one quantum at a time) against 1-byte
 * feeds, which never take it: every byte value at every place of a run
 * of alphabet, so each range edge ('@', '[', '`', '{', '+', ',', '/',
 * ':', 0x80, ...) is seen inside a block, in its tail and in a quantum.
 * Nothing may be written past the bytes a feed reports (decode_hdr.c
 * sizes its buffer by that).
 */
START_TEST(test_b64_fast_path)
{
	unsigned char	 in[40], out[64];
	struct decode_b64 st;
	struct run	 one;
	size_t		 i, j, w;
	unsigned	 b;

	for (b = 0; b < 256; b++) {
		for (j = 0; j < 36; j++) {
			for (i = 0; i < sizeof(in); i++)
				in[i] = (unsigned char)
				    b64_alpha[(i * 7 + b) % 64];
			in[j] = (unsigned char)b;
			run_b64(in, sizeof(in), 1, &one);
			memset(out, 0xaa, sizeof(out));
			decode_b64_init(&st);
			w = decode_b64_feed(&st, in, sizeof(in), out);
			w += decode_b64_finish(&st, out + w);
			ck_assert_uint_eq(w, one.len);
			ck_assert_mem_eq(out, one.out, w);
			ck_assert_uint_eq(st.flags, one.flags);
			ck_assert_uint_eq(st.junk, one.junk);
			for (i = w; i < sizeof(out); i++)
				ck_assert_uint_eq(out[i], 0xaa);
			free(one.out);
		}
	}
}
END_TEST

/* ---- quoted-printable ----------------------------------------------- */

#define SP20	"                    "
#define SP76	SP20 SP20 SP20 "                "

static const struct qp_case {
	const char	*in;
	const char	*out;
	unsigned	 flags;
} qp_cases[] = {
	{ "", "", 0 },
	{ "abc", "abc", 0 },
	{ "a=3Db", "a=b", 0 },
	{ "a=3db=c3=A9", "a=b\xc3\xa9", 0 },
	{ "soft=\r\nbreak", "softbreak", 0 },
	{ "soft=\nbreak", "softbreak", 0 },
	{ "soft= \t\r\nbreak", "softbreak", 0 },
	{ "soft=\rbreak", "softbreak", 0 },
	{ "trail  \r\nx", "trail\r\nx", 0 },
	{ "trail \t\nx", "trail\nx", 0 },
	{ "mid  space\r\n", "mid  space\r\n", 0 },
	{ "crlf\r\nstays\r\n", "crlf\r\nstays\r\n", 0 },
	{ "=41=42\r\n", "AB\r\n", 0 },
	{ "x=\r\n=41", "xA", 0 },
	{ "=3D=3D", "==", 0 },
	{ "bad=XYz", "bad=XYz", DECODE_F_BAD_ESCAPE },
	{ "bad=4x", "bad=4x", DECODE_F_BAD_ESCAPE },
	{ "a==41", "a=A", DECODE_F_BAD_ESCAPE },
	{ "= x", "= x", DECODE_F_BAD_ESCAPE },
	{ "=4=41", "=4A", DECODE_F_BAD_ESCAPE },
	{ "bad=4", "bad=4", DECODE_F_BAD_ESCAPE | DECODE_F_TRUNCATED },
	{ "end=", "end", 0 },
	{ "end= ", "end", 0 },
	{ "end  ", "end", 0 },
	{ SP76 "     x", SP76 "     x", 0 },
	{ SP76 "     \r\n", SP76 "\r\n", 0 },
	{ "=" SP76 "   x", "=" SP76 "   x", DECODE_F_BAD_ESCAPE },
};

START_TEST(test_qp_table)
{
	const struct qp_case	*c = &qp_cases[_i];
	struct run		 r;
	size_t			 s;

	for (s = 0; s < NSPLITS; s++) {
		run_qp(c->in, strlen(c->in), splits[s], &r);
		ck_run(&r, c->out, strlen(c->out), c->flags, c->in);
		free(r.out);
	}
}
END_TEST

/* Everything but letters and digits as =XX, soft breaks every 72. */
static char *
qp_encode(const unsigned char *in, size_t len, size_t *len_r)
{
	char	*o = malloc(len * 4 + 8);
	size_t	 i, n = 0, col = 0;

	for (i = 0; i < len; i++) {
		if (col >= 72) {
			memcpy(o + n, "=\r\n", 3);
			n += 3;
			col = 0;
		}
		if ((in[i] >= 'a' && in[i] <= 'z') ||
		    (in[i] >= '0' && in[i] <= '9') || in[i] == ' ') {
			o[n++] = (char)in[i];
			col++;
		} else {
			n += (size_t)sprintf(o + n, "=%02X", in[i]);
			col += 3;
		}
	}
	*len_r = n;
	return o;
}

START_TEST(test_qp_roundtrip)
{
	unsigned char	*data = random_bytes(50000);
	struct run	 r;
	size_t		 i, s, elen;
	char		*enc;

	for (i = 0; i < 50000; i += 3)
		data[i] = (unsigned char)("abc xyz19"[i % 9]);
	/* No space before a soft break: that would be trailing space. */
	enc = qp_encode(data, 50000, &elen);
	for (i = 0; i + 3 < elen; i++)
		if (enc[i] == ' ' && enc[i + 1] == '=' && enc[i + 2] == '\r')
			enc[i] = 'q';
	free(data);
	data = malloc(50000 + 160);
	run_qp(enc, elen, 0, &r);
	ck_assert_uint_eq(r.flags, 0);
	for (s = 0; s <= NSPLITS; s++) {
		struct run r2;

		run_qp(enc, elen, s < NSPLITS ? splits[s] : SIZE_MAX, &r2);
		ck_run(&r2, r.out, r.len, 0, "qp roundtrip");
		free(r2.out);
	}
	free(r.out);
	free(enc);
	free(data);
}
END_TEST

START_TEST(test_qp_chunking)
{
	static const char pool[] = "a=3Dz \t\r\n=F\x80";
	char		 in[3000];
	struct run	 whole, r;
	size_t		 i, s, round;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < sizeof(in); i++)
			in[i] = pool[rng() % (sizeof(pool) - 1)];
		run_qp(in, sizeof(in), 0, &whole);
		for (s = 0; s <= NSPLITS; s++) {
			run_qp(in, sizeof(in), s < NSPLITS ? splits[s] :
			    SIZE_MAX, &r);
			ck_run(&r, whole.out, whole.len, whole.flags, "split");
			free(r.out);
		}
		free(whole.out);
	}
}
END_TEST

/* ---- uuencode ------------------------------------------------------- */

#define UU_ENC(v)	((v) ? (char)(0x20 + (v)) : '`')

static size_t
uu_encode_line(const unsigned char *in, size_t n, char *line)
{
	size_t i, k = 0;

	line[k++] = UU_ENC(n);
	for (i = 0; i < n; i += 3) {
		unsigned a = in[i], b = i + 1 < n ? in[i + 1] : 0;
		unsigned c = i + 2 < n ? in[i + 2] : 0;

		line[k++] = UU_ENC(a >> 2);
		line[k++] = UU_ENC(((a << 4) | (b >> 4)) & 63);
		line[k++] = UU_ENC(((b << 2) | (c >> 6)) & 63);
		line[k++] = UU_ENC(c & 63);
	}
	return k;
}

START_TEST(test_uu_roundtrip)
{
	unsigned char	*data = random_bytes(1000), out[64];
	char		 line[80];
	size_t		 i, n, k, got = 0;
	unsigned char	 back[1000];
	int		 w;

	for (i = 0; i < 1000; i += n) {
		n = 1000 - i < 45 ? 1000 - i : 45;
		k = uu_encode_line(data + i, n, line);
		/* Space for zero, trailing spaces stripped by a gateway. */
		for (size_t j = 1; j < k; j++)
			if (line[j] == '`')
				line[j] = ' ';
		while (k > 1 && line[k - 1] == ' ')
			k--;
		w = decode_uu_line((unsigned char *)line, k, out);
		ck_assert_int_eq(w, (int)n);
		memcpy(back + got, out, n);
		got += n;
	}
	ck_assert_mem_eq(back, data, 1000);
	ck_assert_int_eq(decode_uu_line((const unsigned char *)"`", 1, out), 0);
	ck_assert_int_eq(decode_uu_line((const unsigned char *)"end", 3, out),
	    -1);
	ck_assert_int_eq(decode_uu_line((const unsigned char *)"", 0, out), -1);
	ck_assert_int_eq(decode_uu_line((const unsigned char *)"Hello world",
	    11, out), -1);
	/* "#0V%T" encodes "Cat", with a CR left by the caller. */
	ck_assert_int_eq(decode_uu_line((const unsigned char *)"#0V%T\r", 6,
	    out), 3);
	ck_assert_mem_eq(out, "Cat", 3);
	/* The longest line ('_' = 63 bytes) stays within 63. */
	memset(line, '_', 80);
	ck_assert_int_eq(decode_uu_line((unsigned char *)line, 80, out), 63);
	free(data);
}
END_TEST

START_TEST(test_uu_begin)
{
	char name[16];

#define UB(s) decode_uu_begin((const unsigned char *)(s), sizeof(s) - 1, \
	    name, sizeof(name))
	ck_assert_int_eq(UB("begin 644 invoice.exe"), 1);
	ck_assert_str_eq(name, "invoice.exe");
	ck_assert_int_eq(UB("begin 0600 my file.exe\r"), 1);
	ck_assert_str_eq(name, "my file.exe");
	ck_assert_int_eq(UB("begin 644 a\0b.exe"), 1);
	ck_assert_str_eq(name, "a?b.exe");
	ck_assert_int_eq(UB("begin 644 a-very-long-name.exe"), 1);
	ck_assert_str_eq(name, "a-very-long-nam");
	ck_assert_int_eq(UB("begin-base64 644 x.exe"), 0);
	ck_assert_int_eq(UB("begin 644"), 0);
	ck_assert_int_eq(UB("begin 644 "), 0);
	ck_assert_int_eq(UB("begin abc x"), 0);
	ck_assert_int_eq(UB("begin 6448888 x"), 0);
	ck_assert_int_eq(UB("beginning 644 x"), 0);
	ck_assert_int_eq(UB("Begin 644 x"), 0);
#undef UB
	ck_assert_int_eq(decode_uu_is_end((const unsigned char *)"end", 3), 1);
	ck_assert_int_eq(decode_uu_is_end((const unsigned char *)"end \r", 5),
	    1);
	ck_assert_int_eq(decode_uu_is_end((const unsigned char *)"ends", 4),
	    0);
	ck_assert_int_eq(decode_uu_is_end((const unsigned char *)"en", 2), 0);
}
END_TEST

/* ---- yEnc ----------------------------------------------------------- */

static size_t
yenc_encode_line(const unsigned char *in, size_t n, char *line)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)(in[i] + 42);

		if (c == 0 || c == '\n' || c == '\r' || c == '=') {
			line[k++] = '=';
			c = (unsigned char)(c + 64);
		}
		line[k++] = (char)c;
	}
	return k;
}

START_TEST(test_yenc_roundtrip)
{
	unsigned char	*data = random_bytes(2000), out[300], back[2000];
	char		 line[300];
	size_t		 i, n, k, got = 0;

	for (i = 0; i < 2000; i++)	/* every byte value, escapes too */
		data[i] = (unsigned char)(i % 256);
	for (i = 0; i < 2000; i += n) {
		n = 2000 - i < 128 ? 2000 - i : 128;
		k = yenc_encode_line(data + i, n, line);
		line[k++] = '\r';	/* CR and LF are not data */
		ck_assert_uint_eq(decode_yenc_line((unsigned char *)line, k,
		    out), n);
		memcpy(back + got, out, n);
		got += n;
	}
	ck_assert_mem_eq(back, data, 2000);
	/* Keyword lines and a dangling escape. */
	ck_assert_uint_eq(decode_yenc_line((const unsigned char *)
	    "=ypart begin=1 end=5", 20, out), 0);
	ck_assert_uint_eq(decode_yenc_line((const unsigned char *)"k=", 2,
	    out), 1);
	ck_assert_uint_eq(out[0], 'k' - 42);
	free(data);
}
END_TEST

START_TEST(test_yenc_begin)
{
	char name[32];

#define YB(s) decode_yenc_begin((const unsigned char *)(s), sizeof(s) - 1, \
	    name, sizeof(name))
	ck_assert_int_eq(YB("=ybegin line=128 size=1234 name=invoice.exe"), 1);
	ck_assert_str_eq(name, "invoice.exe");
	ck_assert_int_eq(YB("=ybegin part=1 line=128 size=5 name=my file"
	    ".pdf.exe\r"), 1);
	ck_assert_str_eq(name, "my file.pdf.exe");
	ck_assert_int_eq(YB("=ybegin line=128 size=5"), 1);
	ck_assert_str_eq(name, "");
	ck_assert_int_eq(YB("=ybeginx line=1 name=a"), 0);
	ck_assert_int_eq(YB("=ypart begin=1"), 0);
	ck_assert_int_eq(YB("ybegin name=a"), 0);
#undef YB
	ck_assert_int_eq(decode_yenc_is_end((const unsigned char *)
	    "=yend size=5 crc32=0", 20), 1);
	ck_assert_int_eq(decode_yenc_is_end((const unsigned char *)"=yend", 5),
	    1);
	ck_assert_int_eq(decode_yenc_is_end((const unsigned char *)"=yendx", 6),
	    0);
}
END_TEST

/* ---- charsets ------------------------------------------------------- */

static const struct cs_case {
	const char	*charset;
	const char	*in;
	size_t		 len;		/* 0: strlen */
	const char	*out;
	unsigned	 flags;
} cs_cases[] = {
	{ "UTF-8", U_SEIKYUSHO ".pdf", 0, U_SEIKYUSHO ".pdf", 0 },
	{ "utf8", "a\xff" "b", 0, "a" U_REPL "b", DECODE_F_BAD_BYTES },
	{ "utf-8", "\xc0\xaf", 0, U_REPL U_REPL, DECODE_F_BAD_BYTES },
	{ "utf-8", "\xed\xa0\x80", 0, U_REPL U_REPL U_REPL,
	    DECODE_F_BAD_BYTES },
	{ "utf-8", "\xf4\x90\x80\x80", 0, U_REPL U_REPL U_REPL U_REPL,
	    DECODE_F_BAD_BYTES },
	{ "utf-8", "\xe8\xab", 0, U_REPL U_REPL, DECODE_F_BAD_BYTES },
	{ "us-ascii", "plain", 0, "plain", 0 },
	{ "US-ASCII", U_SEIKYUSHO, 0, U_SEIKYUSHO, DECODE_F_BAD_BYTES },
	{ NULL, "caf\xc3\xa9", 0, "caf\xc3\xa9", 0 },
	{ NULL, "caf\xe9", 0, "caf" U_REPL, DECODE_F_BAD_BYTES },
	/* ISO-2022-JP, with the CP50221 extensions glibc lacks. */
	{ "ISO-2022-JP", "Re: " J_SEIKYUSHO ".pdf", 0,
	    "Re: " U_SEIKYUSHO ".pdf", 0 },
	{ "iso-2022-jp", "\x1b$B-!!A\x1b(B", 0, U_CIRCLE1 U_FWTILDE, 0 },
	{ "csISO2022JP", "\x1b(I123\x1b(B", 0, U_HWKANA, 0 },
	{ "ISO-2022-JP-MS", "\x1b)I\x0e" "123\x0f" "a", 0, U_HWKANA "a", 0 },
	{ "iso-2022-jp", "\x1b$B@A5\x1b(B", 0, "\xe8\xab\x8b" U_REPL,
	    DECODE_F_BAD_BYTES },
	{ "iso-2022-jp", "\x1b$B@A5", 0, "\xe8\xab\x8b" U_REPL,
	    DECODE_F_BAD_BYTES },
	{ "iso-2022-jp", "a\x1bZb", 0, "a" U_REPL "Zb", DECODE_F_BAD_BYTES },
	{ "iso-2022-jp", U_SEIKYUSHO, 0, U_SEIKYUSHO, DECODE_F_BAD_BYTES },
	{ "iso-2022-jp", S_SEIKYUSHO, 0, U_SEIKYUSHO, DECODE_F_BAD_BYTES },
	{ "iso-2022-jp", "\x1b&@\x1b$B@A\x1b(J\\~", 0, "\xe8\xab\x8b\\~", 0 },
	/* JIS X 0212 needs ISO-2022-JP-2. */
	{ "ISO-2022-JP-2", "\x1b$(D0!\x1b(B", 0, "\xe4\xb8\x82", 0 },
	/* Shift_JIS is read as CP932 under every alias. */
	{ "Shift_JIS", "\x87\x40\x81\x60\x8c\xa9\x90\xcf\x8f\x91.xls", 0,
	    U_CIRCLE1 U_FWTILDE U_MITSUMORI ".xls", 0 },
	{ "SJIS", S_SEIKYUSHO, 0, U_SEIKYUSHO, 0 },
	{ "x-sjis", "\x87\x40", 0, U_CIRCLE1, 0 },
	{ "MS_Kanji", "\x87\x40", 0, U_CIRCLE1, 0 },
	{ "CP932", "\x87\x40", 0, U_CIRCLE1, 0 },
	{ "Windows-31J", "\x87\x40", 0, U_CIRCLE1, 0 },
	{ "shift_jis", "\xff" "abc", 0, U_REPL "abc", DECODE_F_BAD_BYTES },
	{ "EUC-JP", E_SEIKYUSHO "\xad\xa1", 0, U_SEIKYUSHO U_CIRCLE1, 0 },
	{ "x-euc-jp", E_SEIKYUSHO, 0, U_SEIKYUSHO, 0 },
	/* Others go to iconv. */
	{ "GB2312", "\xd6\xd0\xce\xc4", 0, "\xe4\xb8\xad\xe6\x96\x87", 0 },
	{ "Big5", "\xa4\xa4\xa4\xe5", 0, "\xe4\xb8\xad\xe6\x96\x87", 0 },
	{ "EUC-KR", "\xc7\xd1\xb1\xb9", 0, "\xed\x95\x9c\xea\xb5\xad", 0 },
	{ "KOI8-R", "\xf0\xd2\xc9\xd7\xc5\xd4", 0,
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", 0 },
	{ "ISO-8859-2", "\xb1", 0, "\xc4\x85", 0 },
	{ "windows-1251", "\xc0", 0, "\xd0\x90", 0 },
	/* Latin-1 and windows-1252 as WHATWG reads them. */
	{ "latin1", "\x80\x81\x9f\xa0\xe9\xff", 0,
	    "\xe2\x82\xac\xc2\x81\xc5\xb8\xc2\xa0\xc3\xa9\xc3\xbf", 0 },
	{ "windows-1252", "\x93q\x94", 0, "\xe2\x80\x9cq\xe2\x80\x9d", 0 },
	/* Names: quotes, spaces, RFC 2231 language suffix. */
	{ " \"UTF-8\" ", "a", 0, "a", 0 },
	{ "utf-8*ja", "a", 0, "a", 0 },
	/* Unknown and refused names. */
	{ "x-no-such-charset", "ok\xff", 0, "ok" U_REPL,
	    DECODE_F_BAD_CHARSET | DECODE_F_BAD_BYTES },
	{ "ISO-2022-CN-EXT", "ok", 0, "ok", DECODE_F_BAD_CHARSET },
	{ "UTF-8//IGNORE", "ok", 0, "ok", DECODE_F_BAD_CHARSET },
	{ "", "ok", 0, "ok", DECODE_F_BAD_CHARSET },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "ok", 0, "ok", DECODE_F_BAD_CHARSET },
	/* NUL is flagged and kept (binary-safe). */
	{ "utf-8", "a\0b", 3, "a\0b", DECODE_F_NUL },
	{ "UTF-16LE", "a\0b\0", 4, "ab", 0 },
};

START_TEST(test_charset_table)
{
	const struct cs_case	*c = &cs_cases[_i];
	struct sbuf		*b = out_new();
	unsigned		 flags = 0;
	size_t			 len = c->len ? c->len : strlen(c->in);
	size_t			 olen = c->len ? strlen(c->out) +
	    (c->flags & DECODE_F_NUL ? 2 : 0) : strlen(c->out);

	ck_assert_int_eq(decode_charset(c->charset, (const unsigned char *)
	    c->in, len, b, &flags), 0);
	ck_assert_msg(b->len == olen && memcmp(b->data, c->out, olen) == 0,
	    "%s: got \"%s\", want \"%s\"", c->charset ? c->charset : "NULL",
	    sbuf_str(b), c->out);
	ck_assert_msg(flags == c->flags, "%s: flags %#x, want %#x",
	    c->charset ? c->charset : "NULL", flags, c->flags);
	sbuf_free(&b);
}
END_TEST

/* Every Latin-1 byte, and output bounded by the sbuf maximum. */
START_TEST(test_charset_latin1_full)
{
	unsigned char	 in[96], want[192];
	struct sbuf	*b = out_new(), *small;
	unsigned	 flags = 0;
	size_t		 i, n = 0;
	unsigned char	*big;

	for (i = 0; i < 96; i++) {
		in[i] = (unsigned char)(0xa0 + i);
		want[n++] = (unsigned char)(0xc0 | (in[i] >> 6));
		want[n++] = (unsigned char)(0x80 | (in[i] & 0x3f));
	}
	ck_assert_int_eq(decode_charset("ISO-8859-1", in, 96, b, &flags), 0);
	ck_assert_uint_eq(b->len, n);
	ck_assert_mem_eq(b->data, want, n);
	ck_assert_uint_eq(flags, 0);
	sbuf_free(&b);

	big = malloc(100000);
	memset(big, 0xe9, 100000);
	small = sbuf_new(16, 100);
	ck_assert_int_eq(decode_charset("latin1", big, 100000, small, &flags),
	    0);
	ck_assert_uint_le(small->len, 100);
	ck_assert_int_eq(small->truncated, 1);
	sbuf_reset(small);
	small->truncated = 0;
	ck_assert_int_eq(decode_charset("shift_jis", big, 100000, small,
	    &flags), 0);
	ck_assert_uint_le(small->len, 100);
	ck_assert_int_eq(small->truncated, 1);
	sbuf_free(&small);
	free(big);
}
END_TEST

/* ---- RFC 2047 ------------------------------------------------------- */

static const struct ew_case {
	const char	*in;
	const char	*fallback;
	const char	*out;
	unsigned	 flags;
} ew_cases[] = {
	{ "plain subject", NULL, "plain subject", 0 },
	{ "=?UTF-8?B?6KuL5rGC5pu4LmV4ZQ==?=", NULL, U_SEIKYUSHO ".exe", 0 },
	{ "=?utf-8?q?caf=C3=A9_au_lait?=", NULL, "caf\xc3\xa9 au lait", 0 },
	{ "=?UTF-8*ja?B?6KuL5rGC5pu4?=", NULL, U_SEIKYUSHO, 0 },
	/* ISO-2022-JP split inside the escape sequence, and mid pair. */
	{ "Re: =?ISO-2022-JP?B?GyQ=?=\r\n =?ISO-2022-JP?B?QkBBNWE9cRsoQi5leG"
	    "U=?=", NULL, "Re: " U_SEIKYUSHO ".exe", 0 },
	{ "=?ISO-2022-JP?B?GyRCQEE=?= =?ISO-2022-JP?B?NWE9cRsoQi5leGU=?=",
	    NULL, U_SEIKYUSHO ".exe", 0 },
	{ "=?iso-2022-jp?Q?=1B$B@?=\r\n\t=?ISO-2022-JP?Q?A5a=3Dq=1B(B.exe?=",
	    NULL, U_SEIKYUSHO ".exe", 0 },
	/* UTF-8 split mid character; base64 split mid quantum. */
	{ "=?UTF-8?B?6Ks=?= =?UTF-8?B?i+axguabuC5leGU=?=", NULL,
	    U_SEIKYUSHO ".exe", 0 },
	{ "=?utf-8?B?QU?= =?utf-8?B?JD?=", NULL, "ABC", 0 },
	/* Shift_JIS and EUC-JP words. */
	{ "=?shift_jis?B?kL+LgY+R?=", NULL, U_SEIKYUSHO, 0 },
	{ "=?Shift_JIS?Q?=87=40=81=60?=", NULL, U_CIRCLE1 U_FWTILDE, 0 },
	{ "=?EUC-JP?Q?=C0=C1=B5=E1=BD=F1?=", NULL, U_SEIKYUSHO, 0 },
	/* Joining rules. */
	{ "=?utf-8?q?a?= =?iso-8859-1?q?=E9?=", NULL, "a\xc3\xa9", 0 },
	{ "=?utf-8?q?a?= b =?utf-8?q?c?=", NULL, "a b c", 0 },
	{ "x=?utf-8?q?a?=y", NULL, "xay", 0 },
	{ "=?utf-8?B?\?=", NULL, "", 0 },
	/* Quoted strings (Outlook, Japanese clients). */
	{ "\"=?UTF-8?B?6KuL5rGC5pu4LmV4ZQ==?=\" <a@example.jp>", NULL,
	    "\"" U_SEIKYUSHO ".exe\" <a@example.jp>",
	    DECODE_F_RFC2047_QUOTED },
	{ "\"a \\\" =?utf-8?q?b?=\"", NULL, "\"a \\\" b\"",
	    DECODE_F_RFC2047_QUOTED },
	/* Malformed words stay raw. */
	{ "=?utf-8?X?abc?=", NULL, "=?utf-8?X?abc?=", DECODE_F_BAD_WORD },
	{ "=?utf-8?q?abc", NULL, "=?utf-8?q?abc", DECODE_F_BAD_WORD },
	{ "=?utf-8?q?a b?=", NULL, "=?utf-8?q?a b?=", DECODE_F_BAD_WORD },
	{ "1+1=?", NULL, "1+1=?", 0 },
	{ "=?utf-8?q?a=?=", NULL, "a=", DECODE_F_BAD_ESCAPE },
	{ "=?utf-8?B?QUJD*?=", NULL, "ABC", DECODE_F_JUNK },
	/* NUL is a truncation trick: replaced. */
	{ "=?utf-8?q?evil.exe=00.pdf?=", NULL, "evil.exe" U_REPL ".pdf",
	    DECODE_F_NUL },
	/* Unknown charset. */
	{ "=?x-unknown?q?abc=FF?=", NULL, "abc" U_REPL,
	    DECODE_F_BAD_CHARSET | DECODE_F_BAD_BYTES },
	/* Text outside words. */
	{ "caf\xe9", "iso-8859-1", "caf\xc3\xa9", 0 },
	{ "caf\xe9", NULL, "caf" U_REPL, DECODE_F_BAD_BYTES },
	{ S_SEIKYUSHO ".xls", "shift_jis", U_SEIKYUSHO ".xls", 0 },
	{ J_SEIKYUSHO, NULL, U_SEIKYUSHO, 0 },
	{ "caf\xc3\xa9", "iso-8859-1", "caf\xc3\xa9", 0 },
};

START_TEST(test_rfc2047_table)
{
	const struct ew_case	*c = &ew_cases[_i];
	struct sbuf		*b = out_new();
	unsigned		 flags = 0;

	ck_assert_int_eq(decode_rfc2047(c->in, strlen(c->in), c->fallback, b,
	    &flags), 0);
	ck_out(b, c->out);
	ck_assert_msg(flags == c->flags, "%s: flags %#x, want %#x", c->in,
	    flags, c->flags);
	sbuf_free(&b);
}
END_TEST

/* Encoded-words longer than 75 characters are decoded. */
START_TEST(test_rfc2047_long)
{
	struct sbuf	*b = out_new();
	char		 in[1200];
	unsigned	 flags = 0;
	size_t		 n;

	n = (size_t)sprintf(in, "=?utf-8?q?");
	memset(in + n, 'x', 1000);
	n += 1000;
	memcpy(in + n, "?=", 2);
	n += 2;
	ck_assert_int_eq(decode_rfc2047(in, n, NULL, b, &flags), 0);
	ck_assert_uint_eq(b->len, 1000);
	ck_assert_uint_eq(flags, 0);
	sbuf_free(&b);
}
END_TEST

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Hostile shapes that would be quadratic with a naive search. */
START_TEST(test_rfc2047_linear)
{
	static const char *pat[] = {
		"=?", "=?a?q?", "=?utf-8?q?xxxxxxxxx", "=?a?b?=?a?q?",
		"\"=?a?q?x", "=?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?Q?",
	};
	size_t		 p, n, plen, len = 1 << 20;
	char		*in = malloc(len);
	struct sbuf	*b = sbuf_new(64, 1 << 22);
	unsigned	 flags;
	double		 t;

	for (p = 0; p < sizeof(pat) / sizeof(pat[0]); p++) {
		plen = strlen(pat[p]);
		for (n = 0; n + plen <= len; n += plen)
			memcpy(in + n, pat[p], plen);
		t = now();
		flags = 0;
		sbuf_reset(b);
		ck_assert_int_eq(decode_rfc2047(in, n, NULL, b, &flags), 0);
		t = now() - t;
		ck_assert_msg(t < 5.0, "pattern %zu took %.2f s", p, t);
	}
	sbuf_free(&b);
	free(in);
}
END_TEST

/* ---- parameters ----------------------------------------------------- */

static void
ck_param(const struct decode_params *ps, const char *name, const char *val,
    int quoted)
{
	const struct decode_param *p = decode_params_get(ps, name);

	ck_assert_msg(p != NULL, "no parameter %s", name);
	ck_assert_str_eq(p->value, val);
	ck_assert_uint_eq(p->value_len, strlen(val));
	ck_assert_int_eq(p->quoted, quoted);
}

#define PARSE(ps, s)	decode_params_parse((s), strlen(s), (ps))

START_TEST(test_params_basic)
{
	struct decode_params ps;

	PARSE(&ps, "multipart/mixed; boundary=\"abc def\"");
	ck_assert_str_eq(ps.value, "multipart/mixed");
	ck_assert_uint_eq(ps.n, 1);
	ck_param(&ps, "boundary", "abc def", 1);
	ck_assert_uint_eq(ps.flags, 0);
	decode_params_free(&ps);

	PARSE(&ps, "Text/Plain; Charset=ISO-2022-JP (Japanese); "
	    "FORMAT=flowed");
	ck_assert_str_eq(ps.value, "text/plain");
	ck_param(&ps, "charset", "ISO-2022-JP", 0);
	ck_param(&ps, "format", "flowed", 0);
	decode_params_free(&ps);

	PARSE(&ps, "text (a (nested \\) comment)) / plain;charset = utf-8 ;");
	ck_assert_str_eq(ps.value, "text/plain");
	ck_param(&ps, "charset", "utf-8", 0);
	ck_assert_uint_eq(ps.n, 1);
	decode_params_free(&ps);

	PARSE(&ps, "multipart/alternative;\r\n\tboundary=----=_Part_1_2.3");
	ck_param(&ps, "boundary", "----=_Part_1_2.3", 0);
	decode_params_free(&ps);

	PARSE(&ps, "attachment; filename=\"a\\\"b\\\\c\"");
	ck_param(&ps, "filename", "a\"b\\c", 1);
	decode_params_free(&ps);

	PARSE(&ps, "");
	ck_assert_str_eq(ps.value, "");
	ck_assert_uint_eq(ps.n, 0);
	ck_assert_ptr_null(decode_params_get(&ps, "name"));
	decode_params_free(&ps);
	decode_params_free(&ps);	/* twice is fine */
}
END_TEST

START_TEST(test_params_lenient)
{
	struct decode_params ps;

	/* Missing semicolons, spaces around '=', values with spaces. */
	PARSE(&ps, "text/plain name=a.exe charset = \"x\"");
	ck_assert_str_eq(ps.value, "text/plain");
	ck_param(&ps, "name", "a.exe", 0);
	ck_param(&ps, "charset", "x", 1);
	decode_params_free(&ps);

	PARSE(&ps, "application/octet-stream; name=my file.pdf   .exe ;x=1");
	ck_param(&ps, "name", "my file.pdf .exe", 0);
	ck_param(&ps, "x", "1", 0);
	decode_params_free(&ps);

	PARSE(&ps, "attachment; filename=a(comment).exe");
	ck_param(&ps, "filename", "a.exe", 0);
	decode_params_free(&ps);

	/* No main value. */
	PARSE(&ps, "filename=a.exe");
	ck_assert_str_eq(ps.value, "");
	ck_param(&ps, "filename", "a.exe", 0);
	decode_params_free(&ps);

	/* Unterminated quote and comment run to the end. */
	PARSE(&ps, "attachment; filename=\"invoice.exe");
	ck_param(&ps, "filename", "invoice.exe", 1);
	ck_assert_uint_eq(ps.flags & DECODE_F_TRUNCATED, DECODE_F_TRUNCATED);
	decode_params_free(&ps);
	PARSE(&ps, "attachment; (filename=a.exe");
	ck_assert_uint_eq(ps.n, 0);
	ck_assert_uint_eq(ps.flags & DECODE_F_TRUNCATED, DECODE_F_TRUNCATED);
	decode_params_free(&ps);

	/* Duplicates are all kept; junk is skipped. */
	PARSE(&ps, "attachment; filename=a.pdf; ;; =x; novalue; "
	    "\"stray\"; FileName=b.exe");
	ck_assert_uint_eq(decode_params_count(&ps, "filename"), 2);
	ck_param(&ps, "filename", "a.pdf", 0);
	ck_assert_str_eq(ps.p[ps.n - 1].value, "b.exe");
	ck_assert_uint_eq(decode_params_count(&ps, "novalue"), 0);
	decode_params_free(&ps);

	/* Binary-safe values: NUL kept, value_len tells. */
	decode_params_parse("a; name=\"x\0y\"",
	    sizeof("a; name=\"x\0y\"") - 1, &ps);
	ck_assert_uint_eq(ps.p[0].value_len, 3);
	ck_assert_mem_eq(ps.p[0].value, "x\0y", 3);
	decode_params_free(&ps);
}
END_TEST

START_TEST(test_params_cap)
{
	struct decode_params	ps;
	char			*in = malloc(300 * 12 + 16);
	size_t			 i, n;

	n = (size_t)sprintf(in, "text/plain");
	for (i = 0; i < 300; i++)
		n += (size_t)sprintf(in + n, "; p%zu=v", i);
	decode_params_parse(in, n, &ps);
	ck_assert_uint_eq(ps.n, 256);
	ck_assert_uint_eq(ps.flags & DECODE_F_TRUNCATED, DECODE_F_TRUNCATED);
	decode_params_free(&ps);
	free(in);
}
END_TEST

static const struct pp_case {
	const char	*hdr;
	const char	*name;
	int		 plain;		/* 1: plain, 0: RFC 2231 */
	const char	*fallback;
	int		 rc;
	const char	*out;
	unsigned	 flags;
} pp_cases[] = {
	/* Outlook: RFC 2047 inside the quoted parameter. */
	{ "attachment; filename=\"=?ISO-2022-JP?B?GyRCQEE1YT1xGyhCLmV4ZQ==?=\"",
	    "filename", 1, NULL, 1, U_SEIKYUSHO ".exe",
	    DECODE_F_RFC2047_QUOTED },
	{ "attachment; filename=\"=?ISO-2022-JP?B?GyQ=?= =?ISO-2022-JP?B?Qk"
	    "BBNWE9cRsoQi5leGU=?=\"", "filename", 1, NULL, 1,
	    U_SEIKYUSHO ".exe", DECODE_F_RFC2047_QUOTED },
	{ "attachment; filename=report.pdf", "filename", 1, NULL, 1,
	    "report.pdf", 0 },
	{ "attachment; filename=\"" S_SEIKYUSHO ".xls\"", "filename", 1,
	    "shift_jis", 1, U_SEIKYUSHO ".xls", 0 },
	{ "attachment; filename=\"" E_SEIKYUSHO ".doc\"", "filename", 1,
	    "euc-jp", 1, U_SEIKYUSHO ".doc", 0 },
	{ "attachment; filename=\"a.exe\\0.pdf\"", "filename", 1, NULL, 1,
	    "a.exe0.pdf", 0 },
	{ "attachment", "filename", 1, NULL, 0, "", 0 },
	/* RFC 2231, continuations in any order, mixed sections. */
	{ "attachment; filename*1*=%E6%9B%B8.exe; filename*0*=utf-8''%E8%AB%8B"
	    "%E6%B1%82", "filename", 0, NULL, 1, U_SEIKYUSHO ".exe", 0 },
	{ "attachment; filename*2=\".exe\"; filename*0*=UTF-8'ja'%E8%AB%8B;\r\n"
	    " filename*1*=%E6%B1%82%E6%9B%B8", "filename", 0, NULL, 1,
	    U_SEIKYUSHO ".exe", 0 },
	{ "attachment; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8.exe",
	    "filename", 0, NULL, 1, U_SEIKYUSHO ".exe", 0 },
	{ "attachment; filename*=iso-2022-jp''%1B%24B%40A5a%3Dq%1B%28B.exe",
	    "filename", 0, NULL, 1, U_SEIKYUSHO ".exe", 0 },
	{ "attachment; filename*=shift_jis''%87%40%81%60.txt", "filename", 0,
	    NULL, 1, U_CIRCLE1 U_FWTILDE ".txt", 0 },
	{ "attachment; filename*=iso-8859-1'en'caf%E9.txt", "filename", 0,
	    NULL, 1, "caf\xc3\xa9.txt", 0 },
	{ "attachment; filename*=''%41.txt", "filename", 0, NULL, 1, "A.txt",
	    0 },
	{ "attachment; filename*10=k; filename*2=c; filename*0=a; "
	    "filename*1=b; filename*3=d; filename*4=e; filename*5=f; "
	    "filename*6=g; filename*7=h; filename*8=i; filename*9=j",
	    "filename", 0, NULL, 1, "abcdefghijk", 0 },
	/* Sloppy forms. */
	{ "attachment; filename*0=\"=?utf-8?B?6KuL5rGC\"; filename*1="
	    "\"5pu4LmV4ZQ==?=\"", "filename", 0, NULL, 1, U_SEIKYUSHO ".exe",
	    0 },
	{ "attachment; filename*0=a; filename*2=c", "filename", 0, NULL, 1,
	    "ac", DECODE_F_BAD_2231 },
	{ "attachment; filename*1=b; filename*2=c", "filename", 0, NULL, 1,
	    "bc", DECODE_F_BAD_2231 },
	{ "attachment; filename*0=a; filename*0=b; filename*1=c", "filename",
	    0, NULL, 1, "ac", DECODE_F_BAD_2231 },
	{ "attachment; filename*=utf-8''a%G1%4.exe", "filename", 0, NULL, 1,
	    "a%G1%4.exe", DECODE_F_BAD_2231 },
	{ "attachment; filename*0*=%41", "filename", 0, NULL, 1, "A",
	    DECODE_F_BAD_2231 },
	{ "attachment; filename*=utf-8''evil.exe%00.pdf", "filename", 0, NULL,
	    1, "evil.exe" U_REPL ".pdf", DECODE_F_NUL },
	{ "attachment; filename*=x-bogus''abc", "filename", 0, NULL, 1, "abc",
	    DECODE_F_BAD_CHARSET },
	{ "attachment; filename*=utf-8''a.exe; filename*0=b", "filename", 0,
	    NULL, 1, "b", DECODE_F_BAD_2231 },
	{ "attachment; filename*=utf-8''a.exe; filename*1=b", "filename", 0,
	    NULL, 1, "a.exe", DECODE_F_BAD_2231 },
	{ "attachment; filename*0=a; filename*1000=b", "filename", 0, NULL, 1,
	    "a", DECODE_F_BAD_2231 },
	{ "attachment; filename*01=a; filename*0=b", "filename", 0, NULL, 1,
	    "ba", DECODE_F_BAD_2231 },
	{ "attachment; filename*x=a; filenamex*0=b; filename=c", "filename", 0,
	    NULL, 0, "", 0 },
};

START_TEST(test_param_decode)
{
	const struct pp_case	*c = &pp_cases[_i];
	struct decode_params	 ps;
	struct sbuf		*b = out_new();
	unsigned		 flags = 0;
	int			 rc;

	PARSE(&ps, c->hdr);
	if (c->plain)
		rc = decode_param_plain(&ps, c->name, c->fallback, b, &flags);
	else
		rc = decode_param_2231(&ps, c->name, b, &flags);
	ck_assert_msg(rc == c->rc, "%s: rc %d", c->hdr, rc);
	ck_out(b, c->out);
	ck_assert_msg(flags == c->flags, "%s: flags %#x, want %#x", c->hdr,
	    flags, c->flags);
	decode_params_free(&ps);
	sbuf_free(&b);
}
END_TEST

/* ---- suite ---------------------------------------------------------- */

#define NELEM(a)	((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
decode_suite(void)
{
	Suite	*s = suite_create("decode");
	TCase	*tc;

	tc = tcase_create("cte");
	tcase_add_test(tc, test_cte);
	suite_add_tcase(s, tc);

	tc = tcase_create("base64");
	tcase_add_loop_test(tc, test_b64_table, 0, NELEM(b64_cases));
	tcase_add_test(tc, test_b64_roundtrip);
	tcase_add_test(tc, test_b64_fast_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("quoted_printable");
	tcase_add_loop_test(tc, test_qp_table, 0, NELEM(qp_cases));
	tcase_add_test(tc, test_qp_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("chunking");
	tcase_add_test(tc, test_b64_chunking);
	tcase_add_test(tc, test_qp_chunking);
	suite_add_tcase(s, tc);

	tc = tcase_create("uuencode");
	tcase_add_test(tc, test_uu_roundtrip);
	tcase_add_test(tc, test_uu_begin);
	suite_add_tcase(s, tc);

	tc = tcase_create("yenc");
	tcase_add_test(tc, test_yenc_roundtrip);
	tcase_add_test(tc, test_yenc_begin);
	suite_add_tcase(s, tc);

	tc = tcase_create("charset");
	tcase_add_loop_test(tc, test_charset_table, 0, NELEM(cs_cases));
	tcase_add_test(tc, test_charset_latin1_full);
	suite_add_tcase(s, tc);

	tc = tcase_create("rfc2047");
	tcase_add_loop_test(tc, test_rfc2047_table, 0, NELEM(ew_cases));
	tcase_add_test(tc, test_rfc2047_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_rfc2047_linear);
	tcase_add_test(tc, test_params_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("params");
	tcase_add_test(tc, test_params_basic);
	tcase_add_test(tc, test_params_lenient);
	tcase_add_loop_test(tc, test_param_decode, 0, NELEM(pp_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(decode_suite());
	int	 nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
