/*
 * office_int.h: shared by the office module's files (office.c dispatch and
 * recursion, office_cfb.c the CFB reader, office_ole.c OLE2 documents,
 * office_zip.c the zip directory reader, office_ooxml.c OOXML and ODF
 * packages, office_xml.c tag and attribute scanning, office_rtf.c RTF).
 * Not an interface for other modules.
 */
#ifndef TRIAGE_OFFICE_INT_H
#define TRIAGE_OFFICE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

struct content_obj;
struct msgctx;

#define OFFICE_NAME_MAX		256	/* bytes of a name kept from a file */
#define OFFICE_EVIDENCE_MAX	480	/* bytes of evidence in a detail */

/* One object being inspected. */
struct office {
	struct msgctx			*msg;
	const struct content_obj	*o;
	const char			*base;		/* where of what is inside */
	int				 recurse;	/* 0: unpack lists members */
	unsigned			 embedded;	/* objects passed on */
	int				 stop;		/* the time limit ended it */
	int				 embed_off;	/* a limit ended recursion */
	struct sbuf			 macro;		/* office.macro evidence */
	struct sbuf			 xlm;		/* office.xlm_macro evidence */
};

/* ---- office.c ------------------------------------------------------- */

/* Add "what" to an evidence buffer ("; "-separated, bounded). */
void	office_evidence(struct sbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* base + "/" + label, the label cut at its start (on a UTF-8 boundary)
 * to max_name_length; from the message's arena. */
const char	*office_where(struct office *, const char *label);
/* Has the scan time run out?  Records limit.scan_time once; sets stop. */
int	office_time_up(struct office *);
/*
 * Pass an object found inside (embedded file, package, member) to
 * analyse_object() at depth + 1, where = base + "/" + label.  Depth and
 * count limits are checked here (limit.* findings).  Returns 0 or -1.
 */
int	office_embed(struct office *, const char *label,
	    const char *const *names, size_t nnames, const unsigned char *,
	    size_t, const char **error_r);
/*
 * An OLE "Package" object's native data (the body of an \x01Ole10Native
 * stream after its size, or an RTF object's native data): records
 * office.ole_object and passes the packaged file on.  Returns 0 or -1.
 */
int	office_package(struct office *, const char *from,
	    const unsigned char *, size_t, const char **error_r);
/* A name in the ANSI code page (CP932 unless it is UTF-8) as UTF-8. */
char	*office_ansi(const unsigned char *, size_t, const char **error_r);
/* Does s start with a URL scheme ("http:", not "C:")? */
int	office_urlish(const char *s);
/* Does a link target name another machine (a URL other than a local
 * file: one, or a UNC path)?  Local paths of templates are common. */
int	office_remote(const char *s);
/* Last path component of a Windows or Unix path (a pointer into s). */
const char	*office_basename(const char *s);

/* ---- office_cfb.c: Compound File Binary ([MS-CFB]) ------------------- */

#define OFFICE_CFB_STORAGE	1
#define OFFICE_CFB_STREAM	2
#define OFFICE_CFB_ROOT		5
#define OFFICE_CFB_NONE		0xffffffffu

struct office_cfb;

/* A stream's sectors, for random access without copying. */
struct office_cfb_stream {
	uint64_t	*off;		/* file offset of each (mini) sector */
	size_t		 n;
	unsigned	 shift;		/* log2 of the (mini) sector size */
	uint64_t	 size;		/* readable bytes */
};

/* Parse the header, FAT, mini FAT and directory of buf[0..len) (which
 * must outlive the reader).  Returns an owned reader, or NULL when buf is
 * not a CFB file that can be read at all. */
struct office_cfb	*office_cfb_open(const unsigned char *, size_t);
void			 office_cfb_free(struct office_cfb **);
/* Directory entries (reachable from the root; others read as type 0). */
size_t		office_cfb_count(const struct office_cfb *);
unsigned	office_cfb_type(const struct office_cfb *, size_t i);
uint32_t	office_cfb_parent(const struct office_cfb *, size_t i);
uint64_t	office_cfb_size(const struct office_cfb *, size_t i);
/* Entry name as UTF-8 (control characters kept) into name[cap]. */
void		office_cfb_name(const struct office_cfb *, size_t i,
		    char *name, size_t cap);
/* "Macros/VBA/dir" (control characters shown as '?') into buf[cap]. */
void		office_cfb_path(const struct office_cfb *, size_t i,
		    char *buf, size_t cap);
/* Was a sector chain broken (loop, out of range)? */
int		office_cfb_broken(const struct office_cfb *);
/* Map stream i for reading; 0, or -1 when it has no readable data. */
int		office_cfb_stream(struct office_cfb *, size_t i,
		    struct office_cfb_stream *);
void		office_cfb_stream_free(struct office_cfb_stream *);
/* Copy up to n bytes at pos; returns the bytes copied. */
size_t		office_cfb_read(const struct office_cfb *,
		    const struct office_cfb_stream *, uint64_t pos, void *dst,
		    size_t n);

/* ---- office_ole.c --------------------------------------------------- */

int	office_ole_scan(struct office *, const char **error_r);

/* ---- office_zip.c: zip central directory (APPNOTE 6.3.10) ------------ */

struct office_zip {
	const unsigned char	*buf;
	size_t			 len;
	uint64_t		 shift;		/* bytes prepended */
	uint64_t		 pos, end;	/* central directory */
	uint64_t		 entries;	/* as recorded */
};

struct office_zip_ent {
	const unsigned char	*name;
	size_t			 namelen;
	unsigned		 flags, method;
	uint64_t		 csize, usize, offset;
};

/* Find the central directory; 0, or -1 when buf is not a zip. */
int	office_zip_open(const unsigned char *, size_t, struct office_zip *);
/* Next central entry; 1, 0 at the end, -1 on a broken entry. */
int	office_zip_next(struct office_zip *, struct office_zip_ent *);
/*
 * A member's data: stored members point into the zip (*p_r), deflated
 * ones are inflated into out (limits, findings at where).  Returns
 * FLATE_DONE/CUT/BAD (flate.h), 3 for a member that cannot be read
 * (encrypted, unknown method, out of bounds), or -1.
 */
int	office_zip_data(struct msgctx *, const char *where,
	    const struct office_zip *, const struct office_zip_ent *,
	    struct sbuf *out, const unsigned char **p_r, size_t *n_r,
	    const char **error_r);

/* ---- office_xml.c: just enough XML ----------------------------------- */

struct office_xml_tag {
	const unsigned char	*name;		/* local name (prefix cut) */
	size_t			 namelen;
	const unsigned char	*attrs;		/* between name and '>' */
	size_t			 attrslen;
	int			 end;		/* "</x>" */
	const unsigned char	*text;		/* up to the next '<' */
	size_t			 textlen;
};

/* Next tag at or after *pos; 1, or 0 at the end. */
int	office_xml_next(const unsigned char *, size_t, size_t *pos,
	    struct office_xml_tag *);
/* Is the tag's local name name? */
int	office_xml_is(const struct office_xml_tag *, const char *name);
/* Attribute by local name, entities decoded, into out (reset first);
 * 1 found, 0 not. */
int	office_xml_attr(const struct office_xml_tag *, const char *name,
	    struct sbuf *out);
/* Append text with entities decoded. */
void	office_xml_text(const unsigned char *, size_t, struct sbuf *out);

/* ---- office_ooxml.c ------------------------------------------------- */

int	office_ooxml_scan(struct office *, const char **error_r);
/* Is a field code (Word field instruction) a DDE one?  Handles QUOTE
 * with character codes. */
int	office_dde_code(const unsigned char *, size_t);

/* ---- office_rtf.c --------------------------------------------------- */

int	office_rtf_scan(struct office *, const char **error_r);

#endif
