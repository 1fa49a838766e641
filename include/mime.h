/*
 * mime: the paranoid streaming MIME walker (design.md section 3).
 *
 * Untrusted input: the whole message.  A push parser: it is fed arbitrary
 * pieces (1 byte or 64 KiB; lines and boundaries do not line up with them)
 * and reports parts to a sink as it goes; the events are identical whatever
 * the split.  Memory is bounded by the limits (header block, line length,
 * depth, parts): a line longer than MIME_LINE_MAX is passed on in pieces,
 * never buffered whole.
 *
 * Where a message can be read two ways, both are examined and the walker
 * reports rule "mime.ambiguous" with a detail: duplicate Content-Type /
 * Content-Transfer-Encoding / boundary (a line matching any candidate
 * boundary delimits parts; a leaf with two encodings is emitted once per
 * reading, the second with where suffix "~2"), differing name / filename /
 * name* / filename* candidates (all are reported in part->names), base64
 * junk, missing final boundary, NUL or bare CR in headers, lines over 998
 * bytes.  Limits give "limit.mime_depth", "limit.mime_parts",
 * "limit.header_size", "limit.message_size".
 *
 * Part numbering ("where") follows IMAP sections: a single-part message is
 * "1"; children of a multipart are "1", "2", ...; nested "2.1"; the parts of
 * a message/rfc822 body nest the same way under its section.  Parts found
 * inside text (uuencode, yEnc) get "<section>/<name>" (or "/uu1", "/yenc1"
 * when unnamed).  A container at the top of the message has where ""
 * (findings about it get where NULL); a container inside message/rfc822
 * "2" is "2" too, its children "2.1", ...
 *
 * A multipart without boundary is read as a text/plain leaf (ctype_alt
 * keeps the declared type); a multipart or message nested past the depth
 * limit, or with a base64/qp/uuencode transfer encoding, is a leaf of its
 * declared type holding its (decoded) bytes.  A limit of 0 means the
 * default (design.md section 9; names 1024 bytes), depth excepted.  After
 * an error, and in mime_free, open parts are not ended: the sink frees
 * what it keeps in part->user.
 *
 * Not thread-safe: one walker per message.
 */
#ifndef TRIAGE_MIME_H
#define TRIAGE_MIME_H

#include <stddef.h>
#include <stdint.h>

#define MIME_LINE_MAX	4096	/* longer lines are streamed in pieces */
#define MIME_MAX_NAMES	8	/* filename candidates kept per part */

enum mime_kind {
	MIME_LEAF = 0,		/* data follows via part_data */
	MIME_MULTIPART,		/* container; children follow */
	MIME_MESSAGE,		/* message/rfc822 (or global); its entity follows */
	MIME_EMBEDDED		/* uuencode/yEnc found inside a text leaf */
};

struct mime_part {
	const char	*where;		/* section path, see above */
	unsigned	 depth;		/* 0 for the top entity */
	enum mime_kind	 kind;
	const char	*ctype;		/* "type/subtype", lowercased; default per RFC 2045 */
	const char	*ctype_alt;	/* a second, different declared type, or NULL */
	const char	*charset;	/* lowercased, or NULL */
	const char	*cte;		/* decode_cte_name() of the reading */
	const char	*disposition;	/* "attachment"/"inline"/..., or NULL */
	const char	*names[MIME_MAX_NAMES];	/* distinct candidates, UTF-8, not folded */
	size_t		 nnames;
	void		*user;		/* the sink's, set in part_begin */
};

struct mime_sink {
	/* Every entity, containers included; return 0, or -1 to abort. */
	int	(*part_begin)(void *arg, struct mime_part *);
	/* Decoded data of a leaf or embedded part (never containers). */
	int	(*part_data)(void *arg, struct mime_part *,
		    const unsigned char *, size_t);
	int	(*part_end)(void *arg, struct mime_part *);
	/* Each header of the top-level entity, unfolded, raw (not decoded). */
	int	(*header)(void *arg, const char *name, const char *value,
		    size_t value_len);
	/* A finding about the structure (rule id, where or NULL, detail). */
	void	(*finding)(void *arg, const char *rule, const char *where,
		    const char *detail);
};

struct mime_limits {
	uint64_t	message_size;	/* bytes parsed; the rest is ignored */
	uint64_t	header_size;	/* per entity header block */
	unsigned	depth;		/* nesting */
	unsigned	parts;		/* entities in all */
	unsigned	name_length;	/* bytes kept per name candidate */
};

struct mime;

/* Returns an owned walker; sink and arg must outlive it. */
struct mime	*mime_new(const struct mime_limits *, const struct mime_sink *,
		    void *arg);
void		 mime_free(struct mime **);
/*
 * Feed the next piece of the raw message (headers and body, CRLF or LF).
 * Returns 0, or -1 if a sink callback failed or on an internal error (then
 * *error_r says why and the walker must not be fed again).
 */
int		 mime_feed(struct mime *, const void *buf, size_t len,
		    const char **error_r);
/* End of message: closes every open part (missing boundaries reported). */
int		 mime_finish(struct mime *, const char **error_r);
/* Bytes fed so far. */
uint64_t	 mime_bytes(const struct mime *);

#endif
