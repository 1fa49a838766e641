/*
 * mime_int.h: the MIME walker's private state, shared by mime.c (input,
 * entity stack, boundaries), mime_hdr.c (header blocks, classification,
 * file names) and mime_leaf.c (transfer decoding, uuencode/yEnc inside
 * text, embedded parts).  Not installed; nothing outside src/mime*.c may
 * include it.
 *
 * Limits: lines are handled in pieces once longer than MIME_LINE_MAX, the
 * header block by limits.header_size, boundaries by MIME_BND_MAX per
 * multipart of at most MIME_BND_LEN bytes, the entity stack by
 * limits.depth (an explicit heap array: no C recursion per nesting level).
 * Not thread-safe: one walker per message.
 */
#ifndef TRIAGE_MIME_INT_H
#define TRIAGE_MIME_INT_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "mime.h"
#include "sbuf.h"

#define MIME_BND_MAX	8	/* candidate boundaries per multipart */
#define MIME_BND_LEN	200	/* RFC 2046 says 70; we accept up to this */
#define MIME_HV_MAX	8	/* values kept per Content-* header */
#define MIME_BLOCK	65536	/* decode in blocks of this many input bytes */
#define MIME_OBUF	(MIME_BLOCK + 256)
#define MIME_EBUF	(2 * MIME_LINE_MAX + 256)
#define MIME_WHERE_MAX	256	/* section paths are cut here */
#define MIME_RFC_LINE	998	/* RFC 5322 section 2.1.1 */

/* Flags of a piece of an input line (see mime_split_next). */
#define MIME_L_START	0x1	/* first piece of the line */
#define MIME_L_END	0x2	/* last piece: ends in LF, or end of input */
#define MIME_L_SHORT	0x4	/* whole line in one piece, <= MIME_LINE_MAX */
#define MIME_L_COPY	0x8	/* bytes live in the splitter's own buffer */

struct mime_piece {
	const unsigned char	*p;
	size_t			 n;
	unsigned		 fl;
};

/* Cuts a byte stream into lines; lines over MIME_LINE_MAX come in pieces. */
struct mime_split {
	unsigned char	*buf;		/* MIME_LINE_MAX bytes */
	size_t		 len;
	int		 inlong;	/* inside a line over the buffer */
};

/* Ambiguities: each is reported at most once per entity. */
enum mime_amb {
	AMB_NUL_HDR = 0,
	AMB_CR_HDR,
	AMB_NO_COLON,
	AMB_LONG_LINE,
	AMB_DUP_CT,
	AMB_BAD_CT,
	AMB_DUP_CTE,
	AMB_UNKNOWN_CTE,
	AMB_MANY_HDR,
	AMB_MULTI_BND,
	AMB_EMPTY_BND,
	AMB_LONG_BND,
	AMB_NO_BND,
	AMB_BND_REUSED,
	AMB_BND_PREFIX,
	AMB_ENCODED,
	AMB_DUP_DISP,
	AMB_DUP_PARAM,
	AMB_NAMES,
	AMB_BAD_2231,
	AMB_BAD_WORD,
	AMB_NAME_LONG,
	AMB_MISSING_CLOSE,
	AMB_AFTER_CLOSE,
	AMB_B64_JUNK,
	AMB_B64_PAD,
	AMB_EMB_OVERLAP,
	AMB__N
};

/* Limits: each is reported once per message. */
enum mime_lim {
	LIM_DEPTH = 0,
	LIM_PARTS,
	LIM_HEADER,
	LIM_MESSAGE
};

enum ent_state {
	ENT_HEADERS = 0,
	ENT_BODY
};

enum ent_sub {
	SUB_NONE = 0,
	SUB_PREAMBLE,		/* multipart before the first delimiter */
	SUB_CHILD,		/* a child entity is open above */
	SUB_SKIP,		/* over the parts limit: lines ignored */
	SUB_EPILOGUE		/* multipart after its close delimiter */
};

/* One entity on the stack. */
struct ent {
	struct mime_part part;
	char		*where;		/* as a leaf */
	char		*cwhere;	/* as a container */
	char		*ctype;
	char		*ctype_alt;
	char		*charset;
	char		*disp;
	char		*names[MIME_MAX_NAMES];
	char		*bnd[MIME_BND_MAX];
	size_t		 blen[MIME_BND_MAX];
	size_t		 nbnd;
	enum decode_cte	 cte[2];	/* distinct readings */
	size_t		 ncte;
	enum ent_state	 state;
	enum ent_sub	 sub;
	unsigned	 nchild;
	int		 begun;
	int		 closed;	/* close delimiter seen */
	int		 digest;	/* multipart/digest */
	uint32_t	 amb_done;	/* ambiguities reported */
	uint32_t	 amb_pending;	/* found before part_begin */
};

/* The header block being read (only the top entity is ever in headers). */
struct mime_hdrs {
	struct sbuf	 cur;		/* current header, unfolded, no EOL */
	size_t		 line_off;	/* start of the current physical line */
	int		 have;
	unsigned	 nlines;
	uint64_t	 bytes;		/* of the whole block */
	char		*v[3][MIME_HV_MAX];	/* Content-Type, -T-E, -D */
	size_t		 vlen[3][MIME_HV_MAX];
	size_t		 nv[3];
};

enum emb_mode {
	EMB_NONE = 0,
	EMB_UU,
	EMB_YENC
};

/* One reading (transfer decoding) of the open leaf. */
struct mime_reading {
	struct mime_part *part;
	enum decode_cte	 cte;
	struct decode_b64 b64;
	struct decode_qp qp;
	struct mime_split raw;		/* lines of an x-uuencode body */
	int		 text;		/* scan decoded lines for uu/yEnc */
	struct mime_split tl;		/* decoded text lines */
	enum emb_mode	 emode;
	int		 eopen;		/* ep was begun (not over a limit) */
	struct mime_part ep;
	char		*ewhere;
	char		*ename;
	unsigned	 nuu;
	unsigned	 nyenc;
	unsigned char	*ebuf;		/* MIME_EBUF bytes */
	size_t		 elen;
};

struct mime {
	struct mime_limits	 lim;
	const struct mime_sink	*sink;
	void			*arg;
	int			 failed;
	int			 finished;
	const char		*error;
	uint64_t		 fed;
	uint64_t		 parsed;
	unsigned		 nparts;
	unsigned		 lim_done;
	struct mime_split	 in;
	struct ent		**stack;	/* each frame allocated once */
	size_t			 nstack;
	size_t			 nalloc;	/* frames allocated */
	size_t			 capstack;
	struct mime_hdrs	 h;
	/* The open leaf (only the top entity can be one). */
	struct ent		*leaf;
	struct mime_reading	 rd[2];
	size_t			 nrd;
	struct mime_part	 alt;		/* the second reading */
	char			*alt_where;
	unsigned char		 hold[2];	/* EOL held back */
	size_t			 nhold;
	const unsigned char	*hold_p;	/* where it is in the input */
	const unsigned char	*span_p;	/* leaf bytes not yet decoded */
	size_t			 span_n;
	unsigned char		*dual;		/* two readings' block */
	size_t			 ndual;
	unsigned char		*obuf;		/* MIME_OBUF bytes */
	char			*namebuf;	/* name_length + 1 bytes */
};

/* mime.c */
int	mime_split_next(struct mime_split *, const unsigned char **, size_t *,
	    struct mime_piece *);
int	mime_split_flush(struct mime_split *, struct mime_piece *);
void	mime_amb(struct mime *, struct ent *, enum mime_amb, const char *);
void	mime_limit(struct mime *, enum mime_lim, const char *);
void	mime_fail(struct mime *, const char *);
void	mime_cb_begin(struct mime *, struct mime_part *);
void	mime_cb_data(struct mime *, struct mime_part *, const unsigned char *,
	    size_t);
void	mime_cb_end(struct mime *, struct mime_part *);
char	*mime_where_join(const char *, const char *, const char *);
void	mime_ent_begin(struct mime *, struct ent *, int);
struct ent *mime_parent(const struct mime *, const struct ent *);

/* mime_hdr.c */
size_t	mime_hdr_piece(struct mime *, struct ent *, const struct mime_piece *);
void	mime_hdr_end(struct mime *, struct ent *, int);
void	mime_hdr_reset(struct mime *);
int	mime_name_decode(struct mime *, const char *, size_t, const char *,
	    struct sbuf *);

/* mime_leaf.c */
void	mime_leaf_begin(struct mime *, struct ent *);
void	mime_leaf_piece(struct mime *, const struct mime_piece *);
void	mime_leaf_sync(struct mime *);
void	mime_leaf_end(struct mime *, int);
void	mime_leaf_init(struct mime *);
void	mime_leaf_free(struct mime *);

#endif
