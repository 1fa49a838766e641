/*
 * content: the deep inspection of one object whose real type is known.
 *
 * analyse calls content_scan() for every MIME part and every archive
 * member after ftype has named its real type; content dispatches to the
 * module that understands that kind of content (unpack for archives and
 * disk images, office, pdf, html for HTML and SVG, urlx for text, lure for
 * shortcuts, OneNote and scripts) and lets urlcheck apply the admin's
 * regexes to the object's names.  Each module records findings and URLs
 * in the message context and may recurse through analyse_object() for
 * what it finds inside (depth + 1).
 *
 * Untrusted input: the object's bytes and names.  Limits: each module
 * bounds its own work by the policy's limits (depth, entries, expanded
 * bytes, ratio, time).  Not thread-safe: one message.
 */
#ifndef TRIAGE_CONTENT_H
#define TRIAGE_CONTENT_H

#include <stddef.h>

struct ftype_result;
struct msgctx;

struct content_obj {
	const char			*where;		/* "2/a.zip/b.doc" */
	const char *const		*names;		/* may be empty */
	size_t				 nnames;
	const char			*declared;	/* Content-Type or NULL */
	const char			*charset;	/* of a text part, or NULL */
	const unsigned char		*data;
	size_t				 len;
	int				 truncated;	/* data is a prefix */
	unsigned			 depth;		/* archive nesting */
	const struct ftype_result	*type;
};

/* Inspect obj; 0, or -1 on an internal error (*error_r). */
int	content_scan(struct msgctx *, const struct content_obj *,
	    const char **error_r);

#endif
