/*
 * urlx: URL extraction from text (text/plain bodies and attachments,
 * calendar invites, text inside archives).
 *
 * A memchr-driven finder (no regex over bodies) looks for "scheme://"
 * (http, https, ftp, ftps, file) and bare "www." hosts, with the ending
 * rules of mail clients: trailing sentence punctuation, unbalanced
 * closing brackets, quotes, '<' '>' and Japanese full-width brackets and
 * punctuation around a URL are not part of it; a host may be an IDN
 * (UTF-8), a path stops at the first non-ASCII character.  Japanese
 * charsets (ISO-2022-JP, Shift_JIS/CP932, EUC-JP and others) are
 * converted to UTF-8 first; calendar lines are unfolded; quoted-printable
 * leftovers ("=3D", soft line breaks) inside a URL are undone when the
 * text shows them.  Each URL goes to urlcheck_url().
 *
 * Untrusted input: the text.  Limits: the policy's max_urls and
 * max_url_length; text inside a container (archive member, embedded
 * file) is scanned only up to URLX_CONTAINER_MAX bytes.  Not thread-safe
 * per message; no global state.
 */
#ifndef TRIAGE_URLX_H
#define TRIAGE_URLX_H

#include <stddef.h>

struct msgctx;

/* Bytes of a text inside a container ('/' in where) that are searched. */
#define URLX_CONTAINER_MAX	(1024u * 1024)

/*
 * Find the URLs in a text part (charset as declared, or NULL) and hand
 * each to urlcheck_url().  Bounded by the policy's URL limits.
 */
void	urlx_text(struct msgctx *, const char *where,
	    const unsigned char *data, size_t len, const char *charset);

/*
 * The finder itself, for callers and tests: find the next URL in
 * s[*pos..len) (UTF-8 or ASCII text).  Returns 1 and sets *start_r and
 * *end_r (s[start..end) is the URL as written; "www." URLs have no
 * scheme) and advances *pos past it, or returns 0 when there is none.
 */
int	urlx_next(const char *s, size_t len, size_t *pos, size_t *start_r,
	    size_t *end_r);

#endif
