/*
 * lists: plain list files and the immutable sets built from them.
 *
 * Untrusted input: list files written by admins (may be broken or huge).
 * Limits: a file holds at most LISTS_MAX_BYTES bytes and LISTS_MAX_ENTRIES
 * entries; an entry is at most 253 bytes (domains), 32 (extensions), 64
 * (hashes) or LISTS_URL_MAX (URL prefixes).  Every bad line is reported as
 * "file:line: reason" and parsing goes on, so the admin sees all of them.
 *
 * Ownership: a set owns one blob holding every entry; slots and URL records
 * hold offsets into it.  Thread safety: a set is never changed after
 * lists_parse() returns, so any number of threads may read it.
 *
 * The set is an open-addressing hash table (FNV-1a, linear probing,
 * power-of-two capacity, load factor at most 1/2) of lowercased entries.
 * URL prefixes of LISTS_DOMAINS_URLS live in a separate array that is
 * scanned linearly: admins list few of them.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lists.h"
#include "mem.h"
#include "policy.h"

#define LISTS_MAX_BYTES		(16u * 1024 * 1024)
#define LISTS_MAX_ENTRIES	1000000u
#define LISTS_URL_MAX		2048u
#define LISTS_DOMAIN_MAX	253u
#define LISTS_LABEL_MAX		63u
#define LISTS_EXT_MAX		32u
#define LISTS_ENTRY_MAX		LISTS_URL_MAX

struct lists_slot {
	uint32_t	hash;
	uint32_t	len;
	uint32_t	off1;		/* offset into blob + 1; 0 = empty */
};

struct lists_url {
	uint32_t	off;
	uint32_t	len;
	uint32_t	auth_end;	/* scheme://authority ends here */
	int		has_port;
};

struct strset {
	struct lists_slot	*slots;
	size_t			 cap;		/* power of two */
	size_t			 n;
	size_t			 maxlen;	/* longest entry in slots */
	struct lists_url	*urls;
	size_t			 nurls, urlcap;
	char			*blob;
	size_t			 bloblen, blobcap;
	unsigned		 lens;		/* LISTS_HAS_* of hash entries */
};

/* One line being parsed, for error messages. */
struct lists_ctx {
	const char		*name;
	size_t			 lineno;
	struct policy_errors	*errs;
	struct strset		*set;
	enum lists_kind		 kind;
};

static int
lists_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static uint32_t
lists_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)lists_lower((unsigned char)s[i]);
		h *= 16777619u;
	}
	return h;
}

/* Compare a stored (lowercase) entry with a key of any case. */
static int
lists_eq(const char *stored, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (stored[i] != (char)lists_lower((unsigned char)key[i]))
			return 0;
	return 1;
}

/* Append len bytes plus a NUL to the blob; returns the offset. */
static uint32_t
lists_blob_add(struct strset *set, const char *s, size_t len)
{
	size_t need, off = set->bloblen;

	if (mem_add(set->bloblen, len + 1, &need) == -1 || need > UINT32_MAX)
		abort();	/* bounded by LISTS_MAX_BYTES: cannot happen */
	if (need > set->blobcap) {
		size_t cap = set->blobcap ? set->blobcap : 4096;

		while (cap < need)
			cap *= 2;
		set->blob = mem_realloc(set->blob, cap);
		set->blobcap = cap;
	}
	memcpy(set->blob + off, s, len);
	set->blob[off + len] = '\0';
	set->bloblen = need;
	return (uint32_t)off;
}

static struct lists_slot *
lists_find(const struct strset *set, const char *key, size_t len,
    uint32_t h)
{
	size_t mask = set->cap - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		struct lists_slot *s = &set->slots[i];

		if (s->off1 == 0)
			return s;
		if (s->hash == h && s->len == len &&
		    lists_eq(set->blob + s->off1 - 1, key, len))
			return s;
	}
}

static void
lists_grow(struct strset *set)
{
	struct lists_slot *old = set->slots;
	size_t i, oldcap = set->cap;

	set->cap = oldcap ? oldcap * 2 : 16;
	set->slots = mem_reallocarray(NULL, set->cap, sizeof(*set->slots));
	memset(set->slots, 0, set->cap * sizeof(*set->slots));
	for (i = 0; i < oldcap; i++) {
		if (old[i].off1 == 0)
			continue;
		*lists_find(set, set->blob + old[i].off1 - 1, old[i].len,
		    old[i].hash) = old[i];
	}
	free(old);
}

/* Insert a normalised (lowercase) entry; duplicates are ignored. */
static void
lists_insert(struct strset *set, const char *s, size_t len)
{
	struct lists_slot *slot;
	uint32_t h = lists_hash(s, len);

	if ((set->n + 1) * 2 > set->cap)
		lists_grow(set);
	slot = lists_find(set, s, len, h);
	if (slot->off1 != 0)
		return;
	slot->hash = h;
	slot->len = (uint32_t)len;
	slot->off1 = lists_blob_add(set, s, len) + 1;
	set->n++;
	if (len > set->maxlen)
		set->maxlen = len;
}

static void
lists_insert_url(struct strset *set, const char *s, size_t len,
    size_t auth_end, int has_port)
{
	struct lists_url *u;

	if (set->nurls == set->urlcap) {
		set->urlcap = set->urlcap ? set->urlcap * 2 : 8;
		set->urls = mem_reallocarray(set->urls, set->urlcap,
		    sizeof(*set->urls));
	}
	u = &set->urls[set->nurls++];
	u->off = lists_blob_add(set, s, len);
	u->len = (uint32_t)len;
	u->auth_end = (uint32_t)auth_end;
	u->has_port = has_port;
}

static void
lists_error(struct lists_ctx *c, const char *reason)
{
	policy_errors_add(c->errs, "%s:%zu: %s", c->name, c->lineno, reason);
}

/* ---- entry kinds ---------------------------------------------------- */

static int
lists_is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Extension: optional leading '.', [a-z0-9_+~-] and inner dots, 1..32. */
static const char *
lists_norm_extension(const char *s, size_t n, char *out, size_t *len_r)
{
	size_t i;

	if (n > 0 && s[0] == '.')
		s++, n--;
	if (n == 0)
		return "empty extension";
	if (n > LISTS_EXT_MAX)
		return "extension longer than 32 characters";
	for (i = 0; i < n; i++) {
		int c = lists_lower((unsigned char)s[i]);

		if (c == '.') {
			if (i == 0 || i == n - 1 || s[i - 1] == '.')
				return "extension has an empty part between dots";
		} else if (!lists_is_alnum(c) && !strchr("_+~-", c))
			return "bad character in extension (allowed: "
			    "a-z 0-9 _ + ~ - and inner dots)";
		out[i] = (char)c;
	}
	*len_r = n;
	return NULL;
}

static int
lists_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lists_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hash: 32, 40 or 64 hex digits; anything after white space is comment. */
static const char *
lists_norm_hash(const char *s, size_t n, char *out, size_t *len_r)
{
	size_t i;

	for (i = 0; i < n && s[i] != ' ' && s[i] != '\t'; i++) {
		if (lists_hexval((unsigned char)s[i]) < 0)
			return "hash has a character that is not a hex digit";
		if (i >= 64)
			return "hash longer than 64 hex digits";
		out[i] = (char)lists_lower((unsigned char)s[i]);
	}
	if (i != 32 && i != 40 && i != 64)
		return "hash must have 32 (MD5), 40 (SHA-1) or 64 (SHA-256) "
		    "hex digits";
	*len_r = i;
	return NULL;
}

static const char *
lists_check_label_char(int c)
{
	if (c >= 0x80 || lists_is_alnum(c) || c == '-' || c == '_')
		return NULL;
	if (c == '/' || c == ':')
		return "a domain has no scheme, port or path (write a URL "
		    "prefix with http://, https:// or ftp:// where allowed)";
	if (c == '*')
		return "'*' is allowed only as a leading \"*.\"";
	return "bad character in domain (allowed: letters, digits, '-', "
	    "'_', dots and UTF-8)";
}

/*
 * Domain: LDH labels (plus '_' and UTF-8 bytes for IDN) separated by dots.
 * A leading "*." or "." is dropped: an entry matches its subdomains anyway.
 */
static const char *
lists_norm_domain(const char *s, size_t n, char *out, size_t *len_r)
{
	size_t i, label = 0;
	const char *err;

	if (n >= 2 && s[0] == '*' && s[1] == '.')
		s += 2, n -= 2;
	else if (n > 0 && s[0] == '.')
		s++, n--;
	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0)
		return "empty domain";
	if (n > LISTS_DOMAIN_MAX)
		return "domain longer than 253 characters";
	for (i = 0; i < n; i++) {
		int c = lists_lower((unsigned char)s[i]);

		out[i] = (char)c;
		if (c == '.') {
			if (label == 0)
				return "domain has an empty label";
			if (out[i - 1] == '-')
				return "a domain label must not end with '-'";
			label = 0;
			continue;
		}
		if ((err = lists_check_label_char(c)) != NULL)
			return err;
		if (label == 0 && c == '-')
			return "a domain label must not begin with '-'";
		if (++label > LISTS_LABEL_MAX)
			return "domain label longer than 63 characters";
	}
	if (out[n - 1] == '-')
		return "a domain label must not end with '-'";
	*len_r = n;
	return NULL;
}

/* Length of a supported "scheme://" at s, or 0. */
static size_t
lists_url_scheme(const char *s, size_t n)
{
	static const char *const schemes[] = { "http://", "https://", "ftp://" };
	size_t i, j, k;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		k = strlen(schemes[i]);
		if (n < k)
			continue;
		for (j = 0; j < k; j++)
			if (lists_lower((unsigned char)s[j]) != schemes[i][j])
				break;
		if (j == k)
			return k;
	}
	return 0;
}

/* URL prefix: scheme and authority lowercased, the rest kept as written. */
static const char *
lists_norm_url(const char *s, size_t n, char *out, size_t *len_r,
    size_t *auth_end_r, int *port_r)
{
	size_t i, k = lists_url_scheme(s, n), a;

	if (n > LISTS_URL_MAX)
		return "URL longer than 2048 characters";
	for (a = k; a < n && !strchr("/?#", s[a]); a++)
		;
	if (a == k)
		return "URL has no host";
	*port_r = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f)
			return "URL contains white space or a control "
			    "character";
		out[i] = (char)(i < a ? lists_lower(c) : c);
		if (i >= k && i < a && c == ':')
			*port_r = 1;
		else if (i >= k && i < a && (c == ']' || c == '@'))
			*port_r = 0;
	}
	*len_r = n;
	*auth_end_r = a;
	return NULL;
}

/* Does s contain "://" (some URL scheme we do not take)? */
static int
lists_has_scheme_sep(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n; i++)
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/')
			return 1;
	return 0;
}

static const char *
lists_add_domain_or_url(struct lists_ctx *c, const char *s, size_t n,
    char *out)
{
	const char *err;
	size_t len, auth_end;
	int port;

	if (c->kind == LISTS_DOMAINS_URLS && lists_url_scheme(s, n) > 0) {
		err = lists_norm_url(s, n, out, &len, &auth_end, &port);
		if (err == NULL)
			lists_insert_url(c->set, out, len, auth_end, port);
		return err;
	}
	if (lists_has_scheme_sep(s, n))
		return c->kind == LISTS_DOMAINS ?
		    "URLs are not allowed in this list (domains only)" :
		    "unsupported URL scheme (use http://, https:// or ftp://)";
	err = lists_norm_domain(s, n, out, &len);
	if (err == NULL)
		lists_insert(c->set, out, len);
	return err;
}

/* Parse one trimmed, comment-free, non-empty line. */
static const char *
lists_add_line(struct lists_ctx *c, const char *s, size_t n)
{
	char out[LISTS_ENTRY_MAX + 1];
	const char *err;
	size_t len;

	if (c->kind == LISTS_HASHES) {
		if ((err = lists_norm_hash(s, n, out, &len)) == NULL) {
			lists_insert(c->set, out, len);
			c->set->lens |= len == 64 ? LISTS_HAS_SHA256 :
			    len == 40 ? LISTS_HAS_SHA1 : LISTS_HAS_MD5;
		}
		return err;
	}
	if (memchr(s, ' ', n) != NULL || memchr(s, '\t', n) != NULL)
		return "white space inside an entry (one entry a line)";
	if (c->kind == LISTS_EXTENSIONS) {
		if ((err = lists_norm_extension(s, n, out, &len)) == NULL)
			lists_insert(c->set, out, len);
		return err;
	}
	return lists_add_domain_or_url(c, s, n, out);
}

/* Cut a '#' comment (at line start or after white space) and trim. */
static size_t
lists_trim(const char **sp, size_t n)
{
	const char *s = *sp;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' ||
		    s[i - 1] == '\t'))
			break;
	n = i;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	*sp = s;
	return n;
}

/* Returns 0 to go on, -1 once the entry limit is passed. */
static int
lists_parse_line(struct lists_ctx *c, const char *s, size_t n,
    size_t *entries)
{
	const char *err;

	if (memchr(s, '\0', n) != NULL) {
		lists_error(c, "NUL byte in line");
		return 0;
	}
	if ((n = lists_trim(&s, n)) == 0)
		return 0;
	if (++*entries > LISTS_MAX_ENTRIES) {
		lists_error(c, "more than 1000000 entries; the rest of the "
		    "file is ignored");
		return -1;
	}
	if ((err = lists_add_line(c, s, n)) != NULL)
		lists_error(c, err);
	return 0;
}

struct strset *
lists_parse(const char *name, const char *buf, size_t len,
    enum lists_kind kind, struct policy_errors *errs)
{
	struct lists_ctx c = { name, 0, errs, NULL, kind };
	size_t pos = 0, entries = 0;

	c.set = mem_zalloc(sizeof(*c.set));
	lists_grow(c.set);
	if (len > LISTS_MAX_BYTES) {
		policy_errors_add(errs, "%s: file is larger than 16 MiB", name);
		return c.set;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		c.lineno++;
		if (lists_parse_line(&c, buf + pos, n, &entries) == -1)
			break;
		pos += n + 1;
	}
	return c.set;
}

static void
lists_errno(struct policy_errors *errs, const char *path, const char *what,
    int err)
{
	char eb[128];

	if (strerror_r(err, eb, sizeof(eb)) != 0)
		snprintf(eb, sizeof(eb), "error %d", err);
	policy_errors_add(errs, "%s: %s: %s", path, what, eb);
}

/* Read all of fd; returns 0, -1 on a read error, 1 when over max. */
static int
lists_read_fd(int fd, size_t max, size_t hint, char **buf_r, size_t *len_r)
{
	size_t cap = (hint < max ? hint : max) + 1, len = 0;
	char *buf = mem_alloc(cap + 1);
	ssize_t r;

	for (;;) {
		if (len > max) {
			free(buf);
			return 1;
		}
		if (len == cap) {
			cap = cap > max / 2 ? max + 1 : cap * 2;
			buf = mem_realloc(buf, cap + 1);
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*buf_r = buf;
	*len_r = len;
	return 0;
}

char *
lists_read_file(const char *path, size_t max, size_t *len_r,
    struct policy_errors *errs)
{
	struct stat st;
	char *buf = NULL;
	int fd, r;

	/* O_NONBLOCK: opening a FIFO must not hang the reload. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		lists_errno(errs, path, "cannot open", errno);
		return NULL;
	}
	if (fstat(fd, &st) == -1)
		lists_errno(errs, path, "cannot stat", errno);
	else if (!S_ISREG(st.st_mode))
		policy_errors_add(errs, "%s: not a regular file", path);
	else if ((uint64_t)st.st_size > max)
		policy_errors_add(errs, "%s: file is larger than %zu bytes",
		    path, max);
	else if ((r = lists_read_fd(fd, max, (size_t)st.st_size, &buf,
	    len_r)) == -1)
		lists_errno(errs, path, "cannot read", errno);
	else if (r == 1)
		policy_errors_add(errs, "%s: file is larger than %zu bytes",
		    path, max);
	close(fd);
	return buf;
}

struct strset *
lists_load(const char *path, enum lists_kind kind, struct policy_errors *errs)
{
	struct strset *set;
	char *buf;
	size_t len;

	if ((buf = lists_read_file(path, LISTS_MAX_BYTES, &len, errs)) == NULL)
		return NULL;
	set = lists_parse(path, buf, len, kind, errs);
	free(buf);
	return set;
}

void
lists_free(struct strset **setp)
{
	struct strset *set;

	if (setp == NULL || (set = *setp) == NULL)
		return;
	free(set->slots);
	free(set->urls);
	free(set->blob);
	free(set);
	*setp = NULL;
}

unsigned
lists_hash_kinds(const struct strset *set)
{
	return set != NULL ? set->lens : 0;
}

size_t
lists_count(const struct strset *set)
{
	return set == NULL ? 0 : set->n + set->nurls;
}

/* ---- lookups -------------------------------------------------------- */

int
lists_contains(const struct strset *set, const char *key, size_t len)
{
	if (set == NULL || key == NULL || len == 0 || len > set->maxlen)
		return 0;
	return lists_find(set, key, len, lists_hash(key, len))->off1 != 0;
}

int
lists_has_extension(const struct strset *set, const char *ext)
{
	if (ext == NULL)
		return 0;
	if (*ext == '.')
		ext++;
	return lists_contains(set, ext, strlen(ext));
}

int
lists_has_hash(const struct strset *set, const char *hex)
{
	return hex != NULL && lists_contains(set, hex, strlen(hex));
}

int
lists_match_domain(const struct strset *set, const char *host)
{
	size_t n, p = 0;
	const char *dot;

	if (set == NULL || host == NULL || set->n == 0)
		return 0;
	n = strlen(host);
	if (n > 0 && host[n - 1] == '.')
		n--;
	/* Suffixes longer than any entry cannot match: skip them cheaply. */
	while (n - p > set->maxlen) {
		if ((dot = memchr(host + p, '.', n - p)) == NULL)
			return 0;
		p = (size_t)(dot - host) + 1;
	}
	while (p < n) {
		if (lists_contains(set, host + p, n - p))
			return 1;
		if ((dot = memchr(host + p, '.', n - p)) == NULL)
			return 0;
		p = (size_t)(dot - host) + 1;
	}
	return 0;
}

static int
lists_url_matches(const struct strset *set, const struct lists_url *u,
    const char *url, size_t n)
{
	const char *e = set->blob + u->off;
	char next;

	if (n < u->len || !lists_eq(e, url, u->auth_end) ||
	    memcmp(e + u->auth_end, url + u->auth_end,
	    u->len - u->auth_end) != 0)
		return 0;
	if (u->len > u->auth_end)
		return 1;
	/* Bare "http://host" must not match "http://host.evil.example". */
	next = url[u->len];
	return next == '\0' || next == '/' || next == '?' || next == '#' ||
	    (next == ':' && !u->has_port);
}

int
lists_match_url_prefix(const struct strset *set, const char *url)
{
	size_t i, n;

	if (set == NULL || url == NULL)
		return 0;
	n = strlen(url);
	for (i = 0; i < set->nurls; i++)
		if (lists_url_matches(set, &set->urls[i], url, n))
			return 1;
	return 0;
}
