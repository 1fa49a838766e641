/*
 * lists: plain list files and the sets built from them.
 *
 * Untrusted input: files written by admins (may be broken).  One entry a
 * line; '#' starts a comment (at line start or after white space); blank
 * lines ignored; CRLF accepted.  Each kind validates its entries and
 * reports every bad line as "file:line: reason".  Sets are immutable once
 * loaded and may be read from many threads.
 */
#ifndef TRIAGE_LISTS_H
#define TRIAGE_LISTS_H

#include <stddef.h>

struct policy_errors;

enum lists_kind {
	LISTS_EXTENSIONS,	/* "exe" or ".exe"; lowercased; [a-z0-9_.+-~]{1,32} */
	LISTS_HASHES,		/* hex sha256/sha1/md5, then optional comment */
	LISTS_DOMAINS_URLS,	/* "example.com" (and subdomains) or "http(s)://..." prefix */
	LISTS_DOMAINS		/* domains only */
};

struct strset;

/*
 * Load path as kind.  Errors are added to errs (all of them, not only the
 * first); returns an owned set (possibly empty) or NULL if the file could
 * not be read (also reported in errs).
 */
struct strset	*lists_load(const char *path, enum lists_kind kind,
		    struct policy_errors *errs);
/*
 * Read a whole regular file of at most max bytes.  Returns an owned,
 * NUL-terminated buffer and its length, or NULL with "path: reason" added
 * to errs.  Shared with policy_load() for triage.conf.
 */
char		*lists_read_file(const char *path, size_t max, size_t *len_r,
		    struct policy_errors *errs);
/* Build a set from memory (tests); name is used in error messages. */
struct strset	*lists_parse(const char *name, const char *buf, size_t len,
		    enum lists_kind kind, struct policy_errors *errs);
void		 lists_free(struct strset **);
size_t		 lists_count(const struct strset *);

/*
 * Exact, case-insensitive membership.  A NULL set contains nothing.  URL
 * prefixes of a LISTS_DOMAINS_URLS list are not members: see
 * lists_match_url_prefix().
 */
int		 lists_contains(const struct strset *, const char *key, size_t len);
/* Extension lookup: ext without the dot, case-insensitive. */
int		 lists_has_extension(const struct strset *, const char *ext);
/* Which digest lengths a hash list holds (so unused digests are skipped). */
#define LISTS_HAS_SHA256	0x1
#define LISTS_HAS_SHA1		0x2
#define LISTS_HAS_MD5		0x4
unsigned	 lists_hash_kinds(const struct strset *);
/* Hash lookup: hex digest of any supported length, case-insensitive. */
int		 lists_has_hash(const struct strset *, const char *hex);
/*
 * Domain match: host equals an entry or is a subdomain of one ("a.b.c"
 * matches entry "b.c").  Host is matched case-insensitively, a trailing
 * dot ignored.
 */
int		 lists_match_domain(const struct strset *, const char *host);
/* URL prefix match against the URL entries of a LISTS_DOMAINS_URLS set. */
int		 lists_match_url_prefix(const struct strset *, const char *url);

#endif
