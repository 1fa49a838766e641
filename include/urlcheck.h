/*
 * urlcheck: judging URLs, senders and names.
 *
 * Every URL found anywhere (text, HTML, SVG, PDF, OOXML) comes through
 * urlcheck_url(): it is normalised (scheme and host case, percent-decoded
 * host, backslashes, userinfo, trailing dots, IPv4 in decimal, hex, octal
 * and short forms, IPv6, IDN both ways with libidn2, the registrable
 * domain with libpsl), recorded as a URL report and judged by the rules
 * url.* (see triage.conf(5)).  The top-level From, Reply-To and Subject go
 * through urlcheck_headers() (sender.*, regex.subject) and every object's
 * names through urlcheck_names() (regex.name).
 *
 * Untrusted input: all of it.  Limits: max_urls URLs per message and
 * max_url_length bytes per URL (policy); over either is a limit.* finding.
 * Hosts longer than 253 bytes (after IDN) are not judged by host rules.
 * Ownership: reports and strings come from the message's arena.  Thread
 * safety: per message; the shared data (public suffix list, ICU spoof
 * checker, the protected-domain index in the policy) is immutable.
 */
#ifndef TRIAGE_URLCHECK_H
#define TRIAGE_URLCHECK_H

#include <stddef.h>

struct msgctx;
struct urlcheck_prot;

/* Where a URL was found: changes which checks apply. */
#define URLCHECK_TEXT		0x00	/* bare URL in text */
#define URLCHECK_HREF		0x01	/* <a href>, with anchor text */
#define URLCHECK_SRC		0x02	/* src= of img, script, iframe */
#define URLCHECK_FORM		0x04	/* form action / formaction */
#define URLCHECK_REFRESH	0x08	/* meta refresh */
#define URLCHECK_EXTERNAL	0x10	/* OOXML TargetMode="External" */
#define URLCHECK_PDF		0x20	/* PDF /URI */

/*
 * Judge one URL found at `where` (bytes as found; anchor = the visible
 * text of a link, or NULL): normalise it, record a URL report and every
 * finding.  Bounded by the policy's URL limits.
 */
void	urlcheck_url(struct msgctx *, const char *where, const char *url,
	    size_t len, const char *anchor, size_t anchor_len, unsigned flags);
/* The top-level From, Reply-To and Subject (raw values, NULL if absent):
 * sender lookalikes, display-name spoofing, the admin's subject regexes. */
void	urlcheck_headers(struct msgctx *, const char *from,
	    const char *reply_to, const char *subject);
/* The admin's regexes over an object's names. */
void	urlcheck_names(struct msgctx *, const char *where,
	    const char *const *names, size_t nnames);

/*
 * Has the message reached its URL limit (max_urls)?  Extractors stop
 * looking once it has; urlcheck_url() records limit.url_count itself.
 */
int	urlcheck_full(const struct msgctx *);

/*
 * The lookalike index of the protected domains (part of a policy
 * snapshot, immutable once built).  _load reads a protected-domains list
 * file (already validated by lists_load: bad lines are skipped quietly)
 * and returns an owned index, or NULL when the file cannot be read;
 * _parse does the same from memory (tests, fuzzers).
 */
struct urlcheck_prot	*urlcheck_prot_load(const char *path);
struct urlcheck_prot	*urlcheck_prot_parse(const char *buf, size_t len);
void			 urlcheck_prot_free(struct urlcheck_prot **);

#endif
