/*
 * unpack_int: private interface of the unpack module: unpack.c (the
 * walk, limits, findings, recursion), unpack_ar.c (the only file that
 * includes libarchive), unpack_zip.c and unpack_rar.c (our own header
 * parsers for what libarchive does not tell: zip local/central name
 * confusion, raw CP932 names, RAR5 encryption).  Not installed; nothing
 * outside the unpack module includes it.
 */
#ifndef TRIAGE_UNPACK_INT_H
#define TRIAGE_UNPACK_INT_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

struct content_obj;
struct msgctx;
struct policy_limits;

#define UNPACK_BLOCK		(64 * 1024)	/* bytes read at a time */
#define UNPACK_RATIO_FLOOR	(1024 * 1024)	/* ratio judged above this */
#define UNPACK_ENC_SHOW		400	/* bytes of member names in a detail */
#define UNPACK_ERR_SHOW		200	/* bytes of a library error in a detail */

/* Member flags (struct unpack_member.flags). */
#define UNPACK_M_ENCRYPTED	0x01	/* data encrypted */
#define UNPACK_M_DIR		0x02	/* a directory entry */
#define UNPACK_M_SEEN		0x04	/* met in the libarchive walk */
#define UNPACK_M_MISMATCH	0x08	/* zip local and central names differ */

/* One member as our own header parsers read it.  Owned strings. */
struct unpack_member {
	char		*name;		/* UTF-8: what the user's tool shows */
	char		*alt[2];	/* other names it carries, or NULL */
	char		*raw;		/* raw bytes as libarchive reports them */
	uint64_t	 csize;		/* stored (compressed) bytes */
	uint64_t	 usize;		/* declared expanded bytes */
	uint64_t	 offset;	/* zip: local header offset */
	size_t		 index;		/* position in the directory */
	unsigned	 flags;		/* UNPACK_M_* */
	const char	*method;	/* encryption method (static) or NULL */
};

/* The listing of one archive by our own parsers. */
struct unpack_list {
	struct unpack_member	*m;
	size_t			 n, cap;
	uint64_t		 declared;	/* entries the directory claims */
	int			 truncated;	/* stopped at the entry limit */
	int			 names_hidden;	/* headers encrypted: no names */
	const char		*method;	/* first encryption method seen */
	const char		*format;	/* "zip", "RAR4", "RAR5" */
	size_t			 cursor;	/* next member to match (zip) */
};

/* The walk of one archive or disk image. */
struct unpack {
	struct msgctx			*msg;
	const struct content_obj	*o;
	const struct policy_limits	*lim;
	const char			*base;		/* members' where prefix */
	struct unpack_list		 own;
	locale_t			 loc;		/* C.UTF-8, or 0 */
	locale_t			 old;		/* the caller's */
	size_t				 entries;	/* members met */
	uint64_t			 expanded;	/* bytes from this archive */
	int				 stop;		/* a limit ended the walk */
	int				 disk;		/* a disk image */
	size_t				 nenc;		/* encrypted members */
	const char			*enc_method;
	int				 names_hidden;	/* encrypted headers */
	int				 enc_other;	/* encrypted, unlisted */
	struct sbuf			 enc_names;	/* for the detail */
	struct sbuf			 data;		/* current member, capped */
	unsigned char			*block;		/* UNPACK_BLOCK bytes */
};

/* unpack_zip.c: list a zip from its central directory (APPNOTE 6.3.10
 * sections 4.3.7, 4.3.12, 4.3.16, 4.5).  Returns 1 (listed), 0 (no
 * usable central directory), -1 (internal error, *error_r). */
int	unpack_zip_list(const unsigned char *, size_t, size_t max_entries,
	    struct unpack_list *, const char **error_r);
/* unpack_rar.c: list a RAR4 or RAR5 archive's headers; same returns. */
int	unpack_rar_list(const unsigned char *, size_t, size_t max_entries,
	    struct unpack_list *, const char **error_r);

/* unpack.c */
/* Append a zeroed member to the list; never NULL. */
struct unpack_member	*unpack_list_add(struct unpack_list *);
void	unpack_list_free(struct unpack_list *);
/*
 * Raw member name bytes to an owned UTF-8 string: UTF-8 when utf8 is set
 * or the bytes are valid UTF-8, else CP932 (what Japanese Windows writes
 * without the UTF-8 flag); NUL bytes become U+FFFD so that nothing after
 * them is hidden.  Returns 0, or -1 on an internal error.
 */
int	unpack_name_decode(const unsigned char *raw, size_t len, int utf8,
	    char **name_r, const char **error_r);
/* Add n expanded bytes of a member that has `total` so far (csize 0 if
 * unknown); returns 1 and records a limit finding when a limit is over. */
int	unpack_account(struct unpack *, size_t n, uint64_t total,
	    uint64_t csize);
/* Time and budget before starting a member or header; 1 = stop. */
int	unpack_check(struct unpack *);
/* One more member; returns 1 (and records the finding) past the limit. */
int	unpack_count_entry(struct unpack *);
/* A member whose data is in u->data (total bytes expanded): judge it. */
int	unpack_member(struct unpack *, const char *const *names, size_t n,
	    uint64_t total, const char **error_r);
/* A member whose data is encrypted: name checks and a part report. */
void	unpack_encrypted(struct unpack *, const char *const *names, size_t n,
	    uint64_t usize, const char *method);
/* A library error: archive.encrypted when it says so, else
 * archive.corrupt (unless the archive is a prefix we were given). */
void	unpack_error(struct unpack *, const char *format, const char *method,
	    const char *errstr);

/* unpack_ar.c: walk the archive through libarchive (zip_stream: a zip
 * by its local headers only); 0 or -1. */
int	unpack_ar_walk(struct unpack *, int zip_stream, const char **error_r);

#endif
