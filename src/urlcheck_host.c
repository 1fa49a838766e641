/*
 * urlcheck_host: lenient URL parsing and host normalisation, the way
 * browsers read a link (WHATWG URL Standard, sections 4.3-4.5), not the
 * way RFC 3986 would reject it.
 *
 * Untrusted input: URL bytes from mail.  Limits: hosts are looked at up to
 * URLCHECK_RAWHOST_MAX raw bytes, URLCHECK_UHOST_MAX UTF-8 bytes and 253
 * ASCII bytes; longer is "bad" (no browser resolves it).  IPv4 parts are
 * parsed with overflow checks.  Ownership: results go to caller buffers;
 * libidn2's allocations are freed here.  Thread safety: the public suffix
 * list is loaded once (pthread_once) and then only read.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>
#include <libpsl.h>

#include "sbuf.h"
#include "uni.h"
#include "urlcheck_int.h"

static pthread_once_t	 urlcheck_psl_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t	*urlcheck_psl_ctx;

static int
uc_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int
uc_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
uc_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
uc_hex(int c)
{
	if (uc_digit(c))
		return c - '0';
	c = uc_lower(c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* ---- URL structure -------------------------------------------------- */

long
urlcheck_default_port(const char *scheme)
{
	if (strcmp(scheme, "http") == 0 || strcmp(scheme, "ws") == 0)
		return 80;
	if (strcmp(scheme, "https") == 0 || strcmp(scheme, "wss") == 0)
		return 443;
	if (strcmp(scheme, "ftp") == 0)
		return 21;
	return -1;
}

/* Length of "scheme:" at s (the scheme without ':'), or 0. */
static size_t
uc_scheme_len(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !uc_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < len && i < 23; i++) {
		int c = (unsigned char)s[i];

		if (c == ':')
			return i;
		if (!uc_alpha(c) && !uc_digit(c) && c != '+' && c != '-' &&
		    c != '.')
			return 0;
	}
	return 0;
}

static int
uc_sep(int c, int special)
{
	return c == '/' || c == '?' || c == '#' || (special && c == '\\');
}

/* Split authority s[0..n) into userinfo, host and port. */
static void
uc_authority(struct urlcheck_url *u, const char *s, size_t n)
{
	const char *at = NULL, *p, *colon = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;	/* browsers split at the last '@' */
	if (at != NULL) {
		u->userinfo = s;
		u->userinfo_len = (size_t)(at - s);
		n -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	p = s;
	if (n > 0 && s[0] == '[') {
		p = memchr(s, ']', n);
		p = p != NULL ? p : s + n;
	}
	for (; p < s + n; p++)
		if (*p == ':')
			colon = p;
	u->rawhost = s;
	u->rawhost_len = colon != NULL ? (size_t)(colon - s) : n;
	if (colon == NULL || colon + 1 == s + n)
		return;
	u->port = 0;
	for (p = colon + 1; p < s + n; p++) {
		if (!uc_digit((unsigned char)*p) || u->port > 65535) {
			u->port_bad = 1;
			return;
		}
		u->port = u->port * 10 + (*p - '0');
	}
	u->port_bad = u->port > 65535;
}

/* Path, query (fragment dropped) of s[0..n). */
static void
uc_rest(struct urlcheck_url *u, const char *s, size_t n)
{
	const char *q = memchr(s, '?', n), *h = memchr(s, '#', n);

	if (h != NULL && q != NULL && h < q)
		q = NULL;
	u->path = s;
	u->path_len = (size_t)((q ? q : h ? h : s + n) - s);
	if (q != NULL) {
		u->query = q + 1;
		u->query_len = (size_t)((h ? h : s + n) - (q + 1));
	}
}

/* After "scheme:" or an implicit scheme: authority and the rest. */
static void
uc_hierarchical(struct urlcheck_url *u, const char *s, size_t n)
{
	size_t i = 0, a;

	while (i < n && (s[i] == '/' || (u->special && s[i] == '\\')))
		i++;
	for (a = i; a < n && !uc_sep((unsigned char)s[a], u->special); a++)
		;
	uc_authority(u, s + i, a - i);
	uc_rest(u, s + a, n - a);
}

static int
uc_is_special(const char *scheme)
{
	return urlcheck_default_port(scheme) != -1;
}

/* A URL without a scheme: protocol-relative, UNC, "www." or relative. */
static void
uc_noscheme(struct urlcheck_url *u, const char *s, size_t len)
{
	if (len >= 2 && s[0] == '\\' && s[1] == '\\') {
		u->kind = UK_FILE;	/* \\server\share */
		strcpy(u->scheme, "file");
	} else if ((len >= 2 && s[0] == '/' && s[1] == '/') || (len >= 4 &&
	    uc_lower((unsigned char)s[0]) == 'w' &&
	    uc_lower((unsigned char)s[1]) == 'w' &&
	    uc_lower((unsigned char)s[2]) == 'w' && s[3] == '.')) {
		u->kind = UK_HOST;
		u->special = 1;
		strcpy(u->scheme, "http");
		uc_hierarchical(u, s, len);
	}
}

void
urlcheck_parse(const char *s, size_t len, struct urlcheck_url *u)
{
	size_t k = uc_scheme_len(s, len), i;

	memset(u, 0, sizeof(*u));
	u->port = -1;
	u->kind = UK_RELATIVE;
	if (k == 0) {
		uc_noscheme(u, s, len);
		return;
	}
	for (i = 0; i < k; i++)
		u->scheme[i] = (char)uc_lower((unsigned char)s[i]);
	u->opaque = s + k + 1;
	u->opaque_len = len - k - 1;
	if (k == 1 || strcmp(u->scheme, "file") == 0) {
		u->kind = UK_FILE;	/* C:\path or file: */
		return;
	}
	u->special = uc_is_special(u->scheme);
	if (u->special || (u->opaque_len >= 2 && u->opaque[0] == '/' &&
	    u->opaque[1] == '/')) {
		u->kind = UK_HOST;
		uc_hierarchical(u, u->opaque, u->opaque_len);
	} else
		u->kind = UK_OPAQUE;
}

/* ---- IPv4 and IPv6 (WHATWG URL 3.5 "IPv4 parser") ------------------- */

/* One part: decimal, 0x hex or 0-octal; -1 when invalid or > 2^32. */
static int
uc_v4_part(const char *s, size_t n, uint64_t *v)
{
	unsigned base = 10;
	size_t i = 0;
	int d;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, i = 2;
	else if (n >= 2 && s[0] == '0')
		base = 8, i = 1;
	for (*v = 0; i < n; i++) {
		d = uc_hex((unsigned char)s[i]);
		if (d < 0 || (unsigned)d >= base)
			return -1;
		*v = *v * base + (unsigned)d;
		if (*v > 0xffffffffull)
			return -1;
	}
	return 0;
}

/* Does the last label look like a number (then the host is IPv4)? */
static int
uc_ends_in_number(const char *s, size_t n)
{
	const char *dot;
	size_t i, k;

	for (dot = NULL, i = 0; i < n; i++)
		if (s[i] == '.')
			dot = s + i;
	k = dot ? (size_t)(s + n - dot - 1) : n;
	s = dot ? dot + 1 : s;
	if (k == 0)
		return 0;
	for (i = 0; i < k && uc_digit((unsigned char)s[i]); i++)
		;
	if (i == k)
		return 1;
	return k >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

/* s[0..n) (no trailing dot) as IPv4; 0 ok (*addr host order), -1 bad. */
static int
uc_v4(const char *s, size_t n, uint32_t *addr)
{
	uint64_t v[4], total = 0;
	size_t np = 0, start = 0, i;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (np == 4 || i == start ||
		    uc_v4_part(s + start, i - start, &v[np]) == -1)
			return -1;
		np++;
		start = i + 1;
	}
	for (i = 0; i + 1 < np; i++) {
		if (v[i] > 255)
			return -1;
		total |= v[i] << (8 * (3 - i));
	}
	if (v[np - 1] >= (1ull << (8 * (5 - np))))
		return -1;
	*addr = (uint32_t)(total | v[np - 1]);
	return 0;
}

static int
uc_v4_private(uint32_t a)
{
	return (a >> 24) == 10 || (a >> 24) == 127 || (a >> 24) == 0 ||
	    (a >> 20) == 0xac1 || (a >> 16) == 0xc0a8 || (a >> 16) == 0xa9fe;
}

static int
uc_host_v4(const char *s, size_t n, struct urlcheck_host *h)
{
	uint32_t a;

	if (uc_v4(s, n, &a) == -1)
		return -1;
	snprintf(h->ascii, sizeof(h->ascii), "%u.%u.%u.%u", a >> 24,
	    (a >> 16) & 255, (a >> 8) & 255, a & 255);
	h->ip = 4;
	h->ip_private = uc_v4_private(a);
	h->ip_odd = strlen(h->ascii) != n || memcmp(h->ascii, s, n) != 0;
	return 0;
}

static int
uc_host_v6(const char *s, size_t n, struct urlcheck_host *h)
{
	char buf[INET6_ADDRSTRLEN + 64], out[INET6_ADDRSTRLEN];
	unsigned char a[16];
	const char *pct;

	if (n < 3 || s[n - 1] != ']' || n - 2 >= sizeof(buf))
		return -1;
	memcpy(buf, s + 1, n - 2);
	buf[n - 2] = '\0';
	if ((pct = strchr(buf, '%')) != NULL)
		buf[pct - buf] = '\0';		/* zone id */
	if (inet_pton(AF_INET6, buf, a) != 1 ||
	    inet_ntop(AF_INET6, a, out, sizeof(out)) == NULL)
		return -1;
	snprintf(h->ascii, sizeof(h->ascii), "[%s]", out);
	h->ip = 6;
	h->ip_private = (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe &&
	    (a[1] & 0xc0) == 0x80) || memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0"
	    "\0\0\1", 16) == 0 || (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff",
	    12) == 0 && uc_v4_private((uint32_t)a[12] << 24 |
	    (uint32_t)a[13] << 16 | (uint32_t)a[14] << 8 | a[15]));
	h->uni[0] = '\0';
	return 0;
}

/* ---- domain names --------------------------------------------------- */

/* Percent-decode and map the ideographic full stops to '.'. */
static size_t
uc_host_decode(const char *s, size_t n, char *out, size_t cap, int *nonascii)
{
	size_t i, o = 0;

	*nonascii = 0;
	for (i = 0; i < n && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%' && i + 2 < n && uc_hex((unsigned char)s[i + 1]) >=
		    0 && uc_hex((unsigned char)s[i + 2]) >= 0) {
			c = (unsigned char)(uc_hex((unsigned char)s[i + 1]) * 16 +
			    uc_hex((unsigned char)s[i + 2]));
			i += 2;
		} else if (c == 0xe3 && i + 2 < n &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0x82) {
			c = '.', i += 2;	/* U+3002 */
		} else if (c == 0xef && i + 2 < n && (((unsigned char)s[i + 1]
		    == 0xbc && (unsigned char)s[i + 2] == 0x8e) ||
		    ((unsigned char)s[i + 1] == 0xbd &&
		    (unsigned char)s[i + 2] == 0xa1))) {
			c = '.', i += 2;	/* U+FF0E, U+FF61 */
		}
		*nonascii |= c >= 0x80;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return i < n ? cap : o;		/* cap: did not fit */
}

/* WHATWG forbidden host code points (and controls). */
static int
uc_host_chars_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c == 0x7f || strchr("#%/:<>?@[\\]^|\"", c))
			return 0;
	}
	return 1;
}

/* UTS 46 to ASCII (after NFKC, so full-width letters fold). */
static int
uc_idn_ascii(const char *s, struct urlcheck_host *h)
{
	struct sbuf nf;
	char *out = NULL;
	int rc;

	sbuf_init(&nf, URLCHECK_UHOST_MAX);
	if (uni_nfkc(s, strlen(s), &nf) != 0) {
		sbuf_release(&nf);
		return -1;
	}
	rc = idn2_to_ascii_8z(sbuf_str(&nf), &out, IDN2_NONTRANSITIONAL |
	    IDN2_NFC_INPUT);
	if (rc != IDN2_OK)
		rc = idn2_to_ascii_8z(sbuf_str(&nf), &out, IDN2_TRANSITIONAL |
		    IDN2_NFC_INPUT);
	sbuf_release(&nf);
	if (rc != IDN2_OK || strlen(out) > URLCHECK_HOST_MAX) {
		idn2_free(out);
		return -1;
	}
	strcpy(h->ascii, out);
	idn2_free(out);
	return 0;
}

/* The Unicode form of an ASCII host with xn-- labels. */
static void
uc_idn_unicode(struct urlcheck_host *h)
{
	char *out = NULL;

	if (strncmp(h->ascii, "xn--", 4) != 0 && strstr(h->ascii, ".xn--") ==
	    NULL) {
		strcpy(h->uni, h->ascii);
		return;
	}
	h->idn = 1;
	if (idn2_to_unicode_8z8z(h->ascii, &out, 0) == IDN2_OK &&
	    strlen(out) <= URLCHECK_UHOST_MAX)
		strcpy(h->uni, out);
	else
		strcpy(h->uni, h->ascii);	/* invalid punycode: as is */
	idn2_free(out);
}

static int
uc_host_name(const char *s, size_t n, int nonascii, struct urlcheck_host *h)
{
	size_t i;

	if (nonascii) {
		h->idn = 1;
		if (uc_idn_ascii(s, h) == -1)
			return -1;
	} else {
		if (n > URLCHECK_HOST_MAX)
			return -1;
		for (i = 0; i <= n; i++)
			h->ascii[i] = (char)uc_lower((unsigned char)s[i]);
	}
	if (!uc_host_chars_ok(h->ascii))
		return -1;
	uc_idn_unicode(h);
	h->reg = urlcheck_registrable(h->ascii);
	return 0;
}

int
urlcheck_host_norm(const char *raw, size_t len, struct urlcheck_host *h)
{
	char buf[URLCHECK_UHOST_MAX + 1];
	int nonascii = 0, rc;
	size_t n;

	memset(h, 0, sizeof(*h));
	if (len > URLCHECK_RAWHOST_MAX)
		n = sizeof(buf);
	else
		n = uc_host_decode(raw, len, buf, sizeof(buf), &nonascii);
	while (n > 0 && n < sizeof(buf) && buf[n - 1] == '.')
		buf[--n] = '\0';		/* trailing dots */
	if (n == 0 || n >= sizeof(buf))
		rc = -1;
	else if (buf[0] == '[')
		rc = uc_host_v6(buf, n, h);
	else if (!nonascii && uc_ends_in_number(buf, n))
		rc = uc_host_v4(buf, n, h);
	else
		rc = uc_host_name(buf, n, nonascii, h);
	if (rc == 0 && h->ip)
		strcpy(h->uni, h->ascii);
	h->bad = rc == -1;
	return rc;
}

/* ---- public suffix list ---------------------------------------------- */

static void
urlcheck_psl_init(void)
{
	urlcheck_psl_ctx = psl_latest(NULL);
	if (urlcheck_psl_ctx == NULL)
		urlcheck_psl_ctx = psl_builtin();
}

static const psl_ctx_t *
urlcheck_psl(void)
{
	if (pthread_once(&urlcheck_psl_once, urlcheck_psl_init) != 0)
		return NULL;
	return urlcheck_psl_ctx;
}

const char *
urlcheck_registrable(const char *host)
{
	const psl_ctx_t *psl = urlcheck_psl();

	if (psl == NULL || host == NULL || *host == '\0')
		return NULL;
	return psl_registrable_domain(psl, host);
}

int
urlcheck_tld_known(const char *tld)
{
	const psl_ctx_t *psl = urlcheck_psl();

	return psl != NULL && psl_is_public_suffix2(psl, tld, PSL_TYPE_ANY |
	    PSL_TYPE_NO_STAR_RULE);
}

/* ---- output --------------------------------------------------------- */

/* Append s, with spaces, controls and non-ASCII bytes percent-encoded
 * (as browsers send them) and, in special URLs, '\\' as '/'. */
static void
uc_put_encoded(struct sbuf *out, const char *s, size_t n, int special)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f)
			sbuf_printf(out, "%%%02X", c);
		else
			sbuf_putc(out, special && c == '\\' ? '/' : c);
	}
}

void
urlcheck_normalise(const struct urlcheck_url *u,
    const struct urlcheck_host *h, struct sbuf *out)
{
	long def = urlcheck_default_port(u->scheme);

	sbuf_printf(out, "%s://%s", u->scheme, h->ascii);
	if (u->port >= 0 && !u->port_bad && u->port != def)
		sbuf_printf(out, ":%ld", u->port);
	if (u->path_len == 0 && u->special)
		sbuf_putc(out, '/');
	uc_put_encoded(out, u->path, u->path_len, u->special);
	if (u->query != NULL) {
		sbuf_putc(out, '?');
		uc_put_encoded(out, u->query, u->query_len, 0);
	}
}

const char *
urlcheck_defang(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	for (; *s != '\0' && o + 4 < cap; s++) {
		if (*s == '.') {
			memcpy(out + o, "[.]", 3);
			o += 3;
		} else
			out[o++] = *s;
	}
	out[o] = '\0';
	return out;
}
