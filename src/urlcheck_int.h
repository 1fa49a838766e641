/*
 * urlcheck_int.h: private to the urlcheck module (urlcheck.c,
 * urlcheck_host.c, urlcheck_look.c, urlcheck_hdr.c).
 *
 * A parsed URL points into the caller's cleaned copy of the URL; a
 * normalised host is held in fixed buffers (hosts are at most 253 bytes
 * in ASCII, URLCHECK_UHOST_MAX in UTF-8).
 */
#ifndef TRIAGE_URLCHECK_INT_H
#define TRIAGE_URLCHECK_INT_H

#include <stddef.h>

struct policy;
struct sbuf;

#define URLCHECK_HOST_MAX	253	/* DNS limit, ASCII form */
#define URLCHECK_UHOST_MAX	1024	/* Unicode form, UTF-8 bytes */
#define URLCHECK_RAWHOST_MAX	2048	/* raw host bytes looked at */

struct urlcheck_host {
	char		 ascii[URLCHECK_HOST_MAX + 8];	/* lowercase, punycode */
	char		 uni[URLCHECK_UHOST_MAX + 1];	/* Unicode form */
	const char	*reg;		/* registrable domain in ascii, or NULL */
	int		 ip;		/* 0, 4 or 6 */
	int		 ip_private;	/* loopback, RFC 1918, link-local, ULA */
	int		 ip_odd;	/* IPv4 not written as a.b.c.d */
	int		 idn;		/* a label is not plain ASCII */
	int		 bad;		/* cannot be normalised: no host checks */
};

enum urlcheck_kind {
	UK_RELATIVE,	/* no scheme: "/path", "#top", "page.html" */
	UK_HOST,	/* scheme with an authority: http://host/ */
	UK_FILE,	/* file: URLs, UNC paths, drive letters */
	UK_OPAQUE	/* mailto:, data:, javascript:, tel:, ... */
};

struct urlcheck_url {
	enum urlcheck_kind	 kind;
	char			 scheme[24];	/* lowercased; "" if none */
	int			 special;	/* http(s), ftp, ws(s) */
	const char		*userinfo;	/* before the last '@', or NULL */
	size_t			 userinfo_len;
	const char		*rawhost;
	size_t			 rawhost_len;
	long			 port;		/* -1: none */
	int			 port_bad;	/* not 0..65535 digits */
	const char		*path;		/* incl. its leading '/' */
	size_t			 path_len;
	const char		*query;		/* after '?', or NULL */
	size_t			 query_len;
	const char		*opaque;	/* after "scheme:" */
	size_t			 opaque_len;
};

/* urlcheck_host.c */
/* Parse a cleaned URL (no tabs or newlines, trimmed). */
void		 urlcheck_parse(const char *s, size_t len,
		    struct urlcheck_url *u);
/* Normalise raw host bytes; 0, or -1 with h->bad set. */
int		 urlcheck_host_norm(const char *raw, size_t len,
		    struct urlcheck_host *h);
/* Registrable domain of an ASCII host (psl), or NULL. */
const char	*urlcheck_registrable(const char *host);
/* Is tld (one label, ASCII) a suffix the public suffix list knows? */
int		 urlcheck_tld_known(const char *tld);
/* Default port of a scheme, or -1. */
long		 urlcheck_default_port(const char *scheme);
/* Append the normalised form of u (host h) to out. */
void		 urlcheck_normalise(const struct urlcheck_url *u,
		    const struct urlcheck_host *h, struct sbuf *out);
/* Copy s with "." as "[.]" into out (NUL-terminated, cut to fit). */
const char	*urlcheck_defang(const char *s, char *out, size_t cap);

/* urlcheck_look.c */
/*
 * The protected domain that h imitates (lookalike spelling, confusable
 * skeleton, same name under another suffix, a protected domain or name
 * as a part of h), or NULL.  *why_r says how (static text).
 */
const char	*urlcheck_lookalike(const struct policy *,
		    const struct urlcheck_host *h, const char **why_r);
/* Is h (an IDN) a homograph?  Static reason in *why_r. */
int		 urlcheck_homograph(const struct urlcheck_host *h,
		    const char **why_r, char *looks, size_t lookscap);
/* Optimal string alignment distance, or max + 1 once it exceeds max. */
int		 urlcheck_distance(const char *a, size_t la, const char *b,
		    size_t lb, int max);
/* Is h on (or under) the protected domains? */
int		 urlcheck_is_protected(const struct policy *,
		    const struct urlcheck_host *h);
/*
 * The host a link's visible text shows, when it shows a URL or a domain:
 * 1 and *h filled, else 0.
 */
int		 urlcheck_anchor_host(const char *anchor, size_t len,
		    struct urlcheck_host *h);
/* Do two hosts belong to one organisation (same registrable domain, or
 * the same name under another public suffix)? */
int		 urlcheck_same_org(const struct urlcheck_host *a,
		    const struct urlcheck_host *b);

#endif
