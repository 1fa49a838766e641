/*
 * decode_hdr: RFC 2047 encoded-words in header values.
 *
 * Untrusted input: the header value.  Words are decoded wherever they are
 * (also glued to text and inside quoted strings, as mail clients do);
 * adjacent words of one charset are joined as bytes before conversion, so
 * a character or an ISO-2022-JP escape split over two words survives.
 * Limits: linear time (the search for the end of a word never rescans more
 * than a charset name's length), output bounded by the sbuf maximum, the
 * joined bytes of a run are at most the input length.  NUL bytes in the
 * result become U+FFFD.  Thread-safe: no global state.
 */
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "decode_int.h"
#include "sbuf.h"

#define ESC	0x1b

/* One encoded-word, "=?cs?E?text?=". */
struct ew {
	char		 cs[DECODE_CHARSET_MAX + 1];	/* lowercased */
	char		 enc;		/* 'B' or 'Q' */
	const char	*text;
	size_t		 text_len;
	size_t		 len;		/* of the whole word */
};

struct rfc2047 {
	const char	*s;
	size_t		 n;
	const char	*fallback;
	struct sbuf	*out;
	unsigned	 flags;
	size_t		 nwords;
	int		 rc;
	size_t		 from[2], hit[2];	/* word-end search */
	int		 cached[2];
	/* The run of adjacent words of one charset being joined. */
	int		 in_run;
	char		 run_cs[DECODE_CHARSET_MAX + 1];
	struct sbuf	 run;
	struct decode_b64 b64;
	int		 b64_open;
};

static int
lwsp(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Encoded text ends at "?=" or at a byte it may not contain. */
static int
ew_stop(const struct rfc2047 *st, size_t k, int quoted)
{
	return lwsp((unsigned char)st->s[k]) || (quoted && st->s[k] == '"') ||
	    (st->s[k] == '?' && k + 1 < st->n && st->s[k + 1] == '=');
}

/*
 * First stop at or after j.  The cache holds the first stop at or after
 * from[q]; word starts only move forward and a charset is at most
 * DECODE_CHARSET_MAX long, so a search before from[q] is short.
 */
static size_t
ew_find_end(struct rfc2047 *st, size_t j, int q)
{
	size_t k;

	if (st->cached[q] && j <= st->hit[q]) {
		for (k = j; k < st->from[q] && k < st->hit[q]; k++)
			if (ew_stop(st, k, q))
				return k;
		if (j >= st->from[q] || k == st->from[q])
			return st->hit[q];
	}
	for (k = j; k < st->n && !ew_stop(st, k, q); k++)
		continue;
	st->cached[q] = 1;
	st->from[q] = j;
	st->hit[q] = k;
	return k;
}

/* "=?charset[*lang]?": copies the lowercased charset; returns its end. */
static size_t
ew_charset(const struct rfc2047 *st, size_t i, struct ew *w)
{
	size_t j, n = 0;
	int lang = 0;

	for (j = i + 2; j < st->n && st->s[j] != '?'; j++) {
		unsigned char c = (unsigned char)st->s[j];

		if (lwsp(c) || c == '"' || j - i - 2 >= DECODE_CHARSET_MAX)
			return 0;
		if (c == '*')
			lang = 1;		/* RFC 2231 section 5 */
		if (!lang)
			w->cs[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	w->cs[n] = '\0';
	if (j >= st->n || j == i + 2)
		return 0;
	return j;
}

/* Parses the word at i; returns its length, 0 if there is none. */
static size_t
ew_parse(struct rfc2047 *st, size_t i, int quoted, struct ew *w)
{
	size_t j, k;

	if ((j = ew_charset(st, i, w)) == 0)
		return 0;
	if (j + 2 >= st->n || st->s[j + 2] != '?')
		return 0;
	w->enc = st->s[j + 1] & ~0x20;
	if (w->enc != 'B' && w->enc != 'Q')
		return 0;
	j += 3;
	k = ew_find_end(st, j, quoted);
	if (k + 1 >= st->n || st->s[k] != '?' || st->s[k + 1] != '=')
		return 0;
	w->text = st->s + j;
	w->text_len = k - j;
	w->len = k + 2 - i;
	return w->len;
}

/* ---- decoding words into the run ------------------------------------ */

static void
run_q(struct rfc2047 *st, const struct ew *w)
{
	unsigned char	buf[512];
	size_t		i, n = 0;
	int		hi, lo;

	for (i = 0; i < w->text_len; i++) {
		unsigned char c = (unsigned char)w->text[i];

		if (n == sizeof(buf)) {
			sbuf_append(&st->run, buf, n);
			n = 0;
		}
		if (c == '_')
			c = ' ';	/* RFC 2047 section 4.2 (2) */
		else if (c == '=' && i + 2 < w->text_len &&
		    (hi = decode_hexval((unsigned char)w->text[i + 1])) >= 0 &&
		    (lo = decode_hexval((unsigned char)w->text[i + 2])) >= 0) {
			c = (unsigned char)((hi << 4) | lo);
			i += 2;
		} else if (c == '=')
			st->flags |= DECODE_F_BAD_ESCAPE;
		buf[n++] = c;
	}
	sbuf_append(&st->run, buf, n);
}

static void
run_b64_close(struct rfc2047 *st)
{
	unsigned char buf[4];

	if (!st->b64_open)
		return;
	sbuf_append(&st->run, buf, decode_b64_finish(&st->b64, buf));
	st->flags |= st->b64.flags;
	st->b64_open = 0;
}

/*
 * Base64 words: a word that ends in a partial quantum without padding
 * goes on in the next B word of the run (encoders that split the base64
 * text, not the bytes, exist); otherwise each word stands alone.
 */
static void
run_b(struct rfc2047 *st, const struct ew *w)
{
	unsigned char	buf[768];
	size_t		i, k;

	if (!st->b64_open) {
		decode_b64_init(&st->b64);
		st->b64_open = 1;
	}
	for (i = 0; i < w->text_len; i += k) {
		k = w->text_len - i < 1024 ? w->text_len - i : 1024;
		sbuf_append(&st->run, buf, decode_b64_feed(&st->b64,
		    (const unsigned char *)w->text + i, k, buf));
	}
	if (st->b64.nacc == 0 || st->b64.pad != 0)
		run_b64_close(st);
}

static void
run_flush(struct rfc2047 *st)
{
	if (!st->in_run)
		return;
	run_b64_close(st);
	if (st->rc == 0 && decode_charset_text(st->run_cs, st->run.data,
	    st->run.len, st->out, &st->flags) < 0)
		st->rc = -1;
	sbuf_reset(&st->run);
	st->in_run = 0;
}

static void
run_add(struct rfc2047 *st, const struct ew *w)
{
	if (st->in_run && strcmp(st->run_cs, w->cs) != 0)
		run_flush(st);
	if (!st->in_run) {
		memcpy(st->run_cs, w->cs, sizeof(st->run_cs));
		st->in_run = 1;
	}
	if (w->enc == 'Q') {
		run_b64_close(st);
		run_q(st, w);
	} else
		run_b(st, w);
	st->nwords++;
}

/* ---- text outside words --------------------------------------------- */

/* Raw ISO-2022-JP in a header (legacy Japanese mailers write it). */
static int
has_jis_escape(const unsigned char *p, size_t n)
{
	const unsigned char *e;

	while (n >= 3 && (e = memchr(p, ESC, n - 2)) != NULL) {
		if ((e[1] == '$' && (e[2] == 'B' || e[2] == '@')) ||
		    (e[1] == '(' && e[2] == 'I'))
			return 1;
		n -= (size_t)(e + 1 - p);
		p = e + 1;
	}
	return 0;
}

static void
raw_emit(struct rfc2047 *st, size_t a, size_t b)
{
	const unsigned char	*p;
	const char		*cs = st->fallback;
	size_t			 n = b - a;

	if (n == 0 || st->rc != 0)
		return;
	p = (const unsigned char *)st->s + a;
	if (has_jis_escape(p, n))
		cs = "iso-2022-jp";
	else if (decode_utf8_valid(p, n)) {
		decode_append_nonul(st->out, p, n, &st->flags);
		return;
	}
	if (decode_charset_text(cs, p, n, st->out, &st->flags) < 0)
		st->rc = -1;
}

/* ---- the walk ------------------------------------------------------- */

static int
only_lwsp(const char *s, size_t a, size_t b)
{
	for (; a < b; a++)
		if (!lwsp((unsigned char)s[a]))
			return 0;
	return 1;
}

/* An encoded-word at i: joined to the run or starting one. */
static void
walk_word(struct rfc2047 *st, size_t seg, size_t i, const struct ew *w,
    int quoted)
{
	if (!st->in_run || !only_lwsp(st->s, seg, i)) {
		run_flush(st);
		raw_emit(st, seg, i);
	}
	if (quoted)
		st->flags |= DECODE_F_RFC2047_QUOTED;
	run_add(st, w);
}

static void
walk(struct rfc2047 *st)
{
	struct ew	w;
	size_t		i = 0, seg = 0, k;
	int		quoted = 0;

	while (i < st->n && st->rc == 0 && !st->out->truncated) {
		char c = st->s[i];

		if (c == '"')
			quoted = !quoted;
		else if (c == '\\' && quoted && i + 1 < st->n)
			i++;
		else if (c == '=' && i + 1 < st->n && st->s[i + 1] == '?') {
			if ((k = ew_parse(st, i, quoted, &w)) > 0) {
				walk_word(st, seg, i, &w, quoted);
				i += k;
				seg = i;
				continue;
			}
			if (ew_charset(st, i, &w) != 0)
				st->flags |= DECODE_F_BAD_WORD;
		}
		i++;
	}
	if (st->rc == 0 && !st->out->truncated) {
		run_flush(st);
		raw_emit(st, seg, st->n);
	}
}

int
decode_rfc2047_text(const char *in, size_t len, const char *fallback_charset,
    struct sbuf *out, unsigned *flags_r, size_t *nwords_r)
{
	struct rfc2047 st;

	memset(&st, 0, sizeof(st));
	st.s = in != NULL ? in : "";		/* len is 0 */
	st.n = len;
	st.fallback = fallback_charset;
	st.out = out;
	/* Decoding only shrinks: the run never holds more than the input. */
	sbuf_init(&st.run, len < SIZE_MAX - 1 ? len + 1 : 0);
	walk(&st);
	sbuf_release(&st.run);
	if (flags_r != NULL)
		*flags_r |= st.flags;
	if (nwords_r != NULL)
		*nwords_r = st.nwords;
	return st.rc;
}

int
decode_rfc2047(const char *in, size_t len, const char *fallback_charset,
    struct sbuf *out, unsigned *flags_r)
{
	return decode_rfc2047_text(in, len, fallback_charset, out, flags_r,
	    NULL);
}
