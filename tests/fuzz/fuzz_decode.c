/*
 * fuzz_decode: every decoder of the decode module over one input.
 *
 * The first byte chooses how the stream decoders are split (1, 2, 3, 7,
 * 64, 4096 bytes, whole, or random pieces); the rest is the input.
 * Invariants checked (abort() on violation): base64 and quoted-printable
 * give the same output, flags and junk count for the split and the whole
 * input, and stay within their output bounds; uuencode and yEnc line
 * decoders stay within theirs; RFC 2047, parameter and charset decoders
 * return 0 and produce valid UTF-8 (names also without NUL) unless the
 * output was cut at its maximum, which it never passes; parameter names
 * are lowercased and capped at 256.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "sbuf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define OUT_MAX		(64u * 1024)
#define SMALL_MAX	100u

static void
check(int ok)
{
	if (!ok)
		abort();
}

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
	if (c < 0xf0)
		return ((c == 0xe0 && s[1] < 0xa0) ||
		    (c == 0xed && s[1] >= 0xa0)) ? 0 : 3;
	if (n < 4 || (s[3] & 0xc0) != 0x80)
		return 0;
	return ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90)) ?
	    0 : 4;
}

/* Valid UTF-8 (and, if nonul, without NUL) unless cut at the maximum. */
static void
check_text(const struct sbuf *b, size_t max, int nonul)
{
	size_t i = 0, k;

	check(b->len <= max);
	if (b->truncated)
		return;
	while (i < b->len) {
		k = utf8_seq(b->data + i, b->len - i);
		check(k > 0);
		check(!nonul || b->data[i] != 0);
		i += k;
	}
}

/* ---- stream decoders ------------------------------------------------ */

struct piecer {
	size_t		chunk;	/* 0 whole, SIZE_MAX random */
	uint32_t	seed;
};

static size_t
next_piece(struct piecer *pc, size_t left)
{
	size_t k = pc->chunk;

	if (k == SIZE_MAX) {
		pc->seed = pc->seed * 1103515245u + 12345u;
		k = 1 + (pc->seed >> 16) % 97;
	}
	if (k == 0 || k > left)
		k = left;
	return k;
}

static size_t
run_b64(const uint8_t *in, size_t len, struct piecer pc, unsigned char *out,
    struct decode_b64 *st)
{
	size_t i = 0, k, o = 0, w;

	decode_b64_init(st);
	while (i < len) {
		k = next_piece(&pc, len - i);
		w = decode_b64_feed(st, in + i, k, out + o);
		check(w <= k);
		o += w;
		i += k;
	}
	w = decode_b64_finish(st, out + o);
	check(w <= 2);
	return o + w;
}

static size_t
run_qp(const uint8_t *in, size_t len, struct piecer pc, unsigned char *out,
    struct decode_qp *st)
{
	size_t i = 0, k, o = 0, w;

	decode_qp_init(st);
	while (i < len) {
		k = next_piece(&pc, len - i);
		w = decode_qp_feed(st, in + i, k, out + o);
		check(w <= k + 80);
		o += w;
		i += k;
	}
	w = decode_qp_finish(st, out + o);
	check(w <= 80);
	return o + w;
}

static void
fuzz_streams(const uint8_t *in, size_t len, struct piecer pc)
{
	struct piecer		 whole = { 0, 0 };
	struct decode_b64	 b1, b2;
	struct decode_qp	 q1, q2;
	unsigned char		*o1 = malloc(len + 160);
	unsigned char		*o2 = malloc(len + 160);
	size_t			 n1, n2;

	check(o1 != NULL && o2 != NULL);
	n1 = run_b64(in, len, whole, o1, &b1);
	n2 = run_b64(in, len, pc, o2, &b2);
	check(n1 == n2 && n1 <= len && memcmp(o1, o2, n1) == 0);
	check(b1.flags == b2.flags && b1.junk == b2.junk);
	n1 = run_qp(in, len, whole, o1, &q1);
	n2 = run_qp(in, len, pc, o2, &q2);
	check(n1 == n2 && n1 <= len && memcmp(o1, o2, n1) == 0);
	check(q1.flags == q2.flags);
	free(o1);
	free(o2);
}

/* ---- line decoders -------------------------------------------------- */

static void
fuzz_line(const uint8_t *line, size_t len)
{
	unsigned char	*out = malloc(len + 64);
	char		 name[32];
	int		 r;

	check(out != NULL);
	r = decode_uu_begin(line, len, name, sizeof(name));
	check(r == 0 || (r == 1 && strlen(name) < sizeof(name)));
	r = decode_uu_line(line, len, out);
	check(r >= -1 && r <= 63);
	r = decode_uu_is_end(line, len);
	check(r == 0 || r == 1);
	r = decode_yenc_begin(line, len, name, sizeof(name));
	check(r == 0 || (r == 1 && strlen(name) < sizeof(name)));
	check(decode_yenc_line(line, len, out) <= len);
	r = decode_yenc_is_end(line, len);
	check(r == 0 || r == 1);
	free(out);
}

static void
fuzz_lines(const uint8_t *in, size_t len)
{
	const uint8_t	*p = in, *end = in + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		fuzz_line(p, (size_t)(nl - p));
		p = nl + 1;
	}
}

/* ---- headers, parameters, charsets ---------------------------------- */

static void
fuzz_rfc2047(const char *in, size_t len)
{
	static const char *fallbacks[] = {
		NULL, "iso-2022-jp", "shift_jis", "iso-8859-1", "utf-8",
	};
	struct sbuf	*b;
	unsigned	 flags;
	size_t		 i;

	for (i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++) {
		b = sbuf_new(0, OUT_MAX);
		flags = 0;
		check(decode_rfc2047(in, len, fallbacks[i], b, &flags) == 0);
		check_text(b, OUT_MAX, 1);
		sbuf_free(&b);
	}
	b = sbuf_new(0, SMALL_MAX);
	flags = 0;
	check(decode_rfc2047(in, len, NULL, b, &flags) == 0);
	check_text(b, SMALL_MAX, 1);
	sbuf_free(&b);
}

static void
fuzz_param(const struct decode_params *ps, const char *name)
{
	struct sbuf	*b = sbuf_new(0, OUT_MAX);
	unsigned	 flags = 0;
	int		 r;

	r = decode_param_plain(ps, name, "shift_jis", b, &flags);
	check(r == 0 || r == 1);
	check((r == 1) == (decode_params_get(ps, name) != NULL));
	check_text(b, OUT_MAX, 1);
	sbuf_reset(b);
	b->truncated = 0;
	r = decode_param_2231(ps, name, b, &flags);
	check(r == 0 || r == 1);
	check_text(b, OUT_MAX, 1);
	sbuf_free(&b);
}

static void
fuzz_params(const char *in, size_t len)
{
	struct decode_params	ps;
	size_t			i, k;
	char			base[64];

	decode_params_parse(in, len, &ps);
	check(ps.value != NULL && ps.n <= 256);
	for (i = 0; ps.value[i] != '\0'; i++)
		check(ps.value[i] < 'A' || ps.value[i] > 'Z');
	for (i = 0; i < ps.n; i++) {
		const char *nm = ps.p[i].name;

		check(nm[0] != '\0' && ps.p[i].value[ps.p[i].value_len] == 0);
		for (k = 0; nm[k] != '\0'; k++)
			check(nm[k] < 'A' || nm[k] > 'Z');
		check(decode_params_count(&ps, nm) >= 1);
		check(decode_params_get(&ps, nm) != NULL);
	}
	fuzz_param(&ps, "filename");
	fuzz_param(&ps, "name");
	if (ps.n > 0) {
		/* The first parameter's base name ("x" of "x*1*"). */
		k = strcspn(ps.p[0].name, "*");
		if (k < sizeof(base)) {
			memcpy(base, ps.p[0].name, k);
			base[k] = '\0';
			fuzz_param(&ps, base);
		}
	}
	decode_params_free(&ps);
}

static void
fuzz_charsets(const uint8_t *in, size_t len)
{
	static const char *cs[] = {
		NULL, "utf-8", "us-ascii", "iso-2022-jp", "shift_jis",
		"euc-jp", "iso-8859-1", "gb2312", "utf-16", "utf-7",
		"x-unknown",
	};
	struct sbuf	*b;
	unsigned	 flags;
	size_t		 i;

	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		b = sbuf_new(0, OUT_MAX);
		flags = 0;
		check(decode_charset(cs[i], in, len, b, &flags) == 0);
		check_text(b, OUT_MAX, 0);
		sbuf_free(&b);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 64, 4096, 0, SIZE_MAX };
	struct piecer	 pc;
	const char	*s;
	enum decode_cte	 cte;

	if (size == 0)
		return 0;
	pc.chunk = chunks[data[0] & 7];
	pc.seed = data[0];
	data++;
	size--;
	s = (const char *)data;

	fuzz_streams(data, size, pc);
	fuzz_lines(data, size);
	cte = decode_cte_parse(s, size);
	check(cte >= DECODE_CTE_7BIT && cte <= DECODE_CTE_UNKNOWN);
	check(decode_cte_name(cte) != NULL);
	fuzz_rfc2047(s, size);
	fuzz_params(s, size);
	fuzz_charsets(data, size);
	return 0;
}
