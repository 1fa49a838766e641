/*
 * urlx: find the URLs in text (see urlx.h).
 *
 * The finder jumps with memchr() from one ':' (of "scheme://") or '.'
 * (of "www.") to the next and keeps the next position of each, so every
 * byte is looked at a bounded number of times: linear in the text.  A URL
 * ends where a mail client would end it: white space, controls, '<', '>',
 * '"', and any non-ASCII character in the path (Japanese text often
 * follows a URL without a space: "https://example.jp/にアクセス"); a host
 * may be an IDN, but an ASCII label followed by non-ASCII text ends it
 * ("www.example.jpです"), and CJK punctuation (U+3000-U+303F, full-width
 * forms U+FF00-U+FFEF, general punctuation U+2000-U+206F) always ends it.
 * Sentence punctuation at the end and closing brackets without an
 * opening one inside the URL are not part of it.
 *
 * Untrusted input: the text.  Limits: converted or unfolded copies are
 * bounded sbufs (at most 4 x the input + 16 bytes, never more than
 * URLX_COPY_MAX); URL count and length by urlcheck (max_urls,
 * max_url_length).  Ownership: copies are freed before returning.  Thread
 * safety: no global state.
 */
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "msgctx.h"
#include "sbuf.h"
#include "urlcheck.h"
#include "urlx.h"

#define URLX_COPY_MAX	(256u * 1024 * 1024)
#define URLX_HOST_MAX	2048	/* host bytes followed before giving up */

/* A finder over one text: the next ':' and '.' at or after pos. */
struct urlx_find {
	const char	*s;
	size_t		 len;
	size_t		 colon;		/* len when there is none */
	size_t		 dot;
	int		 calendar;	/* '\\' ends a URL (iCalendar escapes) */
};

static int
urlx_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int
urlx_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static size_t
urlx_memchr(const char *s, size_t from, size_t len, int c)
{
	const char *p;

	if (from >= len)
		return len;
	p = memchr(s + from, c, len - from);
	return p != NULL ? (size_t)(p - s) : len;
}

/* Does s[0..n) end with the word w (ASCII, case-insensitive)? */
static int
urlx_ends_with(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w), i;

	if (n < k)
		return 0;
	for (i = 0; i < k; i++)
		if (urlx_lower((unsigned char)s[n - k + i]) != w[i])
			return 0;
	return 1;
}

/* Length of the scheme ending at s[c] (a ':' of "://"), or 0. */
static size_t
urlx_scheme(const char *s, size_t from, size_t c)
{
	static const char *const schemes[] = { "https", "http", "ftps", "ftp",
	    "file" };
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (c - from >= strlen(schemes[i]) &&
		    urlx_ends_with(s + from, c - from, schemes[i]))
			return strlen(schemes[i]);
	return 0;
}

/* ---- where a URL ends ----------------------------------------------- */

/* Code point of the UTF-8 sequence at s[i] (0 if invalid), *n its bytes. */
static unsigned
urlx_cp(const unsigned char *s, size_t i, size_t len, size_t *n)
{
	unsigned cp, k, need;

	if (s[i] >= 0xf0 && s[i] <= 0xf4)
		need = 3, cp = s[i] & 7u;
	else if (s[i] >= 0xe0)
		need = 2, cp = s[i] & 15u;
	else if (s[i] >= 0xc2 && s[i] < 0xe0)
		need = 1, cp = s[i] & 31u;
	else
		return *n = 1, 0;
	if (len - i <= need)
		return *n = 1, 0;
	for (k = 1; k <= need; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return *n = 1, 0;
		cp = (cp << 6) | (s[i + k] & 63u);
	}
	*n = need + 1;
	return cp;
}

/* Punctuation and spaces that end a host: CJK, full-width, general. */
static int
urlx_cjk_stop(unsigned cp)
{
	return cp == 0 || (cp >= 0x2000 && cp <= 0x206f) ||
	    (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xff00 && cp <= 0xffef) ||
	    cp == 0xfeff || cp == 0xa0;
}

static int
urlx_host_ascii(int c)
{
	return urlx_alnum(c) || c == '.' || c == '-' || c == '_' || c == '~' ||
	    c == '%' || c == ':' || c == '@' || c == '[' || c == ']';
}

/* End of the authority starting at i. */
static size_t
urlx_host_end(const char *s, size_t i, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = i, n;
	int ascii_in_label = 0;

	while (i < len && i - start < URLX_HOST_MAX) {
		if (u[i] < 0x80) {
			if (!urlx_host_ascii(u[i]))
				break;
			ascii_in_label = u[i] == '.' ? 0 : 1;
			if (u[i] == '.' || u[i] == '@')
				ascii_in_label = 0;
			i++;
			continue;
		}
		if (ascii_in_label || urlx_cjk_stop(urlx_cp(u, i, len, &n)))
			break;
		i += n;
	}
	return i;
}

static int
urlx_path_char(int c, int calendar)
{
	if (c <= 0x20 || c >= 0x7f)
		return 0;
	if (c == '\\')
		return !calendar;
	return strchr("<>\"`{}|^", c) == NULL;
}

/* Drop trailing punctuation and closing brackets opened outside. */
static size_t
urlx_trim(const char *s, size_t start, size_t end)
{
	static const char open[] = "([{", close[] = ")]}";
	const char *k;
	size_t i;
	int depth;

	while (end > start) {
		char c = s[end - 1];

		if (strchr(".,;:!?'*", c) != NULL) {
			end--;
			continue;
		}
		if ((k = strchr(close, c)) == NULL || c == '\0')
			break;
		for (depth = 0, i = start; i < end; i++)
			depth += (s[i] == open[k - close]) - (s[i] == c);
		if (depth >= 0)
			break;
		end--;
	}
	return end;
}

static size_t
urlx_end(const struct urlx_find *f, size_t start, size_t host)
{
	size_t i = urlx_host_end(f->s, host, f->len);

	if (i == host && !(i < f->len && f->s[i] == '/'))
		return start;		/* no host (file:/// has a '/') */
	while (i < f->len && urlx_path_char((unsigned char)f->s[i],
	    f->calendar))
		i++;
	return urlx_trim(f->s, start, i);
}

/* ---- candidates ----------------------------------------------------- */

/* A "scheme://" at the ':' f->colon; 1 with the URL's extent. */
static int
urlx_at_colon(const struct urlx_find *f, size_t pos, size_t *a, size_t *b)
{
	size_t c = f->colon, k;

	if (c + 2 >= f->len || f->s[c + 1] != '/' || f->s[c + 2] != '/' ||
	    (k = urlx_scheme(f->s, pos, c)) == 0)
		return 0;
	*a = c - k;
	*b = urlx_end(f, *a, c + 3);
	return *b > c + 3;
}

/* A "www." whose '.' is f->dot; 1 with the URL's extent. */
static int
urlx_at_dot(const struct urlx_find *f, size_t pos, size_t *a, size_t *b)
{
	size_t d = f->dot, st;
	int before;

	if (d < pos + 3 || d - 3 < pos || !urlx_ends_with(f->s, d, "www"))
		return 0;
	st = d - 3;
	before = st > 0 ? (unsigned char)f->s[st - 1] : ' ';
	if (urlx_alnum(before) || strchr(".-_/@:%", before) != NULL ||
	    before == '\0')
		return 0;
	*a = st;
	*b = urlx_end(f, st, st);
	return *b > d + 1;
}

static int
urlx_find_next(struct urlx_find *f, size_t *pos, size_t *a, size_t *b)
{
	for (;;) {
		if (f->colon < *pos || f->colon == (size_t)-1)
			f->colon = urlx_memchr(f->s, *pos, f->len, ':');
		if (f->dot < *pos || f->dot == (size_t)-1)
			f->dot = urlx_memchr(f->s, *pos, f->len, '.');
		if (f->colon >= f->len && f->dot >= f->len)
			return 0;
		if (f->colon < f->dot ? urlx_at_colon(f, *pos, a, b) :
		    urlx_at_dot(f, *pos, a, b)) {
			*pos = *b;
			return 1;
		}
		*pos = (f->colon < f->dot ? f->colon : f->dot) + 1;
	}
}

static void
urlx_find_init(struct urlx_find *f, const char *s, size_t len, int cal)
{
	f->s = s;
	f->len = len;
	f->colon = f->dot = (size_t)-1;
	f->calendar = cal;
}

int
urlx_next(const char *s, size_t len, size_t *pos, size_t *start_r,
    size_t *end_r)
{
	struct urlx_find f;

	urlx_find_init(&f, s, len, 0);
	return urlx_find_next(&f, pos, start_r, end_r);
}

/* ---- preparing the text --------------------------------------------- */

static int
urlx_plain_charset(const char *cs)
{
	return cs == NULL || *cs == '\0' || strcasecmp(cs, "utf-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0 || strcasecmp(cs, "us-ascii") == 0 ||
	    strcasecmp(cs, "ascii") == 0;
}

static size_t
urlx_copy_max(size_t len)
{
	return len > (URLX_COPY_MAX - 16) / 4 ? URLX_COPY_MAX : len * 4 + 16;
}

/* iCalendar (RFC 5545 section 3.1): unfold CRLF + white space. */
static void
urlx_unfold(const char *s, size_t len, struct sbuf *out)
{
	size_t i = 0, k;

	while (i < len) {
		k = urlx_memchr(s, i, len, '\n');
		if (k > i && s[k - 1] == '\r')
			(void)sbuf_append(out, s + i, k - 1 - i);
		else
			(void)sbuf_append(out, s + i, k - i);
		i = k + 1;
		if (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		else if (k < len)
			(void)sbuf_putc(out, '\n');
	}
}

static int
urlx_is_calendar(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\r' || s[i] == '\n' ||
	    s[i] == '\t'))
		i++;
	return len - i >= 15 && strncasecmp(s + i, "BEGIN:VCALENDAR", 15) == 0;
}

/* Does the text show quoted-printable leftovers ("=3D")? */
static int
urlx_has_qp(const char *s, size_t len)
{
	size_t i = 0;

	while ((i = urlx_memchr(s, i, len, '=')) + 2 < len) {
		if (s[i + 1] == '3' && (s[i + 2] == 'D' || s[i + 2] == 'd'))
			return 1;
		i++;
	}
	return 0;
}

static void
urlx_unqp(const char *s, size_t len, struct sbuf *out)
{
	unsigned char buf[4096 + 80];
	struct decode_qp qp;
	size_t i, k, n;

	decode_qp_init(&qp);
	for (i = 0; i < len; i += k) {
		k = len - i > 4096 ? 4096 : len - i;
		n = decode_qp_feed(&qp, (const unsigned char *)s + i, k, buf);
		(void)sbuf_append(out, buf, n);
	}
	n = decode_qp_finish(&qp, buf);
	(void)sbuf_append(out, buf, n);
}

/* ---- the entry point ------------------------------------------------ */

static void
urlx_scan(struct msgctx *msg, const char *where, const char *s, size_t len,
    int calendar)
{
	struct urlx_find f;
	size_t pos = 0, a, b;

	urlx_find_init(&f, s, len, calendar);
	while (urlx_find_next(&f, &pos, &a, &b)) {
		int full = urlcheck_full(msg);

		urlcheck_url(msg, where, s + a, b - a, NULL, 0, URLCHECK_TEXT);
		if (full)
			break;		/* urlcheck recorded limit.url_count */
	}
}

void
urlx_text(struct msgctx *msg, const char *where, const unsigned char *data,
    size_t len, const char *charset)
{
	struct sbuf conv, unf, unq;
	const char *s = (const char *)data;
	unsigned fl = 0;
	int cal;

	if (msg == NULL || data == NULL || urlcheck_full(msg))
		return;
	if (where != NULL && strchr(where, '/') != NULL &&
	    len > URLX_CONTAINER_MAX)
		len = URLX_CONTAINER_MAX;
	sbuf_init(&conv, urlx_copy_max(len));
	sbuf_init(&unf, urlx_copy_max(len));
	sbuf_init(&unq, urlx_copy_max(len));
	if (!urlx_plain_charset(charset) &&
	    decode_charset(charset, data, len, &conv, &fl) == 0)
		s = sbuf_str(&conv), len = conv.len;
	if ((cal = urlx_is_calendar(s, len)) != 0) {
		urlx_unfold(s, len, &unf);
		s = sbuf_str(&unf), len = unf.len;
	}
	if (urlx_has_qp(s, len)) {
		urlx_unqp(s, len, &unq);
		s = sbuf_str(&unq), len = unq.len;
	}
	urlx_scan(msg, where, s, len, cal);
	sbuf_release(&unq);
	sbuf_release(&unf);
	sbuf_release(&conv);
}
