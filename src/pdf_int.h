/*
 * pdf_int.h: shared by the pdf module's files (pdf.c the scan and its
 * findings, pdf_lex.c tokens and values, pdf_obj.c what an object says
 * and its stream, pdf_filter.c stream filters and text strings).  Not an interface for other modules.
 */
#ifndef TRIAGE_PDF_INT_H
#define TRIAGE_PDF_INT_H

#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

struct content_obj;
struct msgctx;

#define PDF_DEPTH_MAX		64		/* nesting of one value */
#define PDF_NODES_MAX		(1u << 16)	/* nodes of one value */
#define PDF_STRING_MAX		(4u << 20)	/* bytes of one string */
#define PDF_FILTERS_MAX		4		/* filters of one stream */
#define PDF_STREAMS_MAX		200000		/* streams remembered */
#define PDF_REFS_MAX		100000		/* action and file refs kept */
#define PDF_OBJSTM_MAX		100000		/* objects in an object stream */
#define PDF_NAME_SHOW		256		/* bytes of a file name kept */

/* ---- pdf_lex.c: PDF 1.7 (ISO 32000-1) section 7.2-7.3 ----------------- */

enum pdf_type {
	PDF_NONE = 0,
	PDF_NULL,
	PDF_BOOL,
	PDF_NUM,
	PDF_STR,
	PDF_NAME,
	PDF_ARRAY,
	PDF_DICT,
	PDF_REF,
	PDF_KEYWORD
};

/* One value; containers list their children (dict: key, value, ...). */
struct pdf_node {
	enum pdf_type	 type;
	uint32_t	 child;		/* first child, 0 = none */
	uint32_t	 next;		/* next sibling, 0 = none */
	int		 integer;	/* a number without a fraction */
	int64_t		 num;		/* number, or object number of a ref */
	size_t		 off, len;	/* bytes in the parser's text */
};

struct pdf_lex {
	const unsigned char	*p;
	size_t			 n, pos;
	struct pdf_node		*nodes;		/* nodes[0] is unused */
	uint32_t		 nnodes, cap;
	struct sbuf		 text;		/* decoded names and strings */
	uint64_t		 strwork;	/* bytes scanned for strings */
	uint64_t		 strbudget;
};

/* Token kinds of pdf_lex_token(). */
enum pdf_tok {
	PDF_T_EOF = 0,
	PDF_T_NUM,
	PDF_T_NAME,
	PDF_T_STR,
	PDF_T_DICT,		/* << */
	PDF_T_DICT_END,		/* >> */
	PDF_T_ARRAY,		/* [ */
	PDF_T_ARRAY_END,	/* ] */
	PDF_T_KEYWORD,
	PDF_T_JUNK		/* a byte that starts nothing */
};

struct pdf_token {
	enum pdf_tok	 kind;
	size_t		 start;		/* offset in the input */
	int		 integer;
	int64_t		 num;
	size_t		 off, len;	/* NAME/STR: text; KEYWORD: input */
};

/* Lex over p[0..n) from pos; budget bounds total string scanning. */
void	pdf_lex_init(struct pdf_lex *, const unsigned char *, size_t);
void	pdf_lex_free(struct pdf_lex *);
/* Point the lexer at other bytes (an object stream); text is kept. */
void	pdf_lex_reset(struct pdf_lex *, const unsigned char *, size_t,
	    size_t pos);
/* The next token (names and strings decoded into text). */
void	pdf_lex_token(struct pdf_lex *, struct pdf_token *);
/* Is a KEYWORD token kw? */
int	pdf_lex_is(const struct pdf_lex *, const struct pdf_token *,
	    const char *kw);
/* Parse one value at pos into fresh nodes; its node, or 0 at the end
 * or on a token that starts no value (pos is then after it). */
uint32_t	pdf_lex_value(struct pdf_lex *);
/* Drop all nodes and text (between objects). */
void	pdf_lex_clear(struct pdf_lex *);

/* Tree helpers. */
struct pdf_node	*pdf_node(struct pdf_lex *, uint32_t);
/* Value of key in a dict node (0 if absent or not a dict). */
uint32_t	pdf_dict_get(struct pdf_lex *, uint32_t dict, const char *key);
/* Is node a NAME (or a STR, if str) equal to s? */
int	pdf_node_is(struct pdf_lex *, uint32_t, const char *s);
/* A NAME's or STR's bytes. */
const unsigned char	*pdf_node_bytes(struct pdf_lex *, uint32_t,
			    size_t *len_r);

/* ---- pdf_filter.c ---------------------------------------------------- */

enum pdf_filter {
	PDF_F_FLATE,
	PDF_F_AHX,
	PDF_F_A85,
	PDF_F_OTHER
};

/*
 * Decode data through filters[0..n) into out (limits and findings at
 * where, via flate).  Returns 0 (out complete or what could be decoded),
 * 1 when a filter is not supported (out empty), 2 when a limit cut it,
 * or -1 on an internal error.
 */
int	pdf_filter_decode(struct msgctx *, const char *where,
	    const enum pdf_filter *, size_t n, const unsigned char *,
	    size_t len, struct sbuf *out, const char **error_r);
/* A filter by name (full or abbreviated). */
enum pdf_filter	pdf_filter_byname(const unsigned char *, size_t);
/* A text string (PDF 7.9.2: UTF-16BE with BOM, UTF-8 with BOM, else
 * PDFDocEncoding, which Japanese writers fill with CP932) as UTF-8 of
 * at most about max bytes; owned, NUL-terminated; NULL on an internal
 * error. */
char	*pdf_text_utf8(const unsigned char *, size_t, size_t max,
	    const char **error_r);

/* ---- pdf.c and pdf_obj.c: one scan ---------------------------------- */

/* A stream seen in the file (its data stays in the file). */
struct pdf_stream {
	int64_t		 objnum;
	size_t		 off, len;
	enum pdf_filter	 f[PDF_FILTERS_MAX];
	unsigned	 nf;
	int		 embedded;	/* /Type /EmbeddedFile */
};

/* A file specification's /EF reference to a stream, with its names. */
struct pdf_ef {
	int64_t		 objnum;
	char		*name[2];	/* /UF, /F (owned, or NULL) */
};

struct pdf_scan {
	struct msgctx			*msg;
	const struct content_obj	*o;
	const char			*base;		/* where of files inside */
	struct pdf_lex			 lx;
	int64_t				 objnum;	/* object being read */
	struct sbuf			 dec;		/* a decoded stream */
	unsigned			 js, launch, autoact, marks;
	int64_t				 js_obj, launch_obj, auto_obj;
	const char			*auto_key;
	int				 encrypted;
	struct pdf_stream		*st;
	size_t				 nst, capst;
	struct pdf_ef			*ef;
	size_t				 nef, capef;
	int64_t				*acts;		/* action dictionaries */
	size_t				 nacts, capacts;
	int64_t				*opens;		/* /OpenAction refs */
	size_t				 nopens, capopens;
	char				**uris;		/* distinct /URI links */
	size_t				 nuris, capuris;
	uint32_t			*uset;		/* hash set: index + 1 */
	size_t				 uset_cap;	/* a power of 2 */
	unsigned			 files;		/* passed on */
	int				 stop;		/* the time is up */
	int				 embed_off;	/* a limit ended them */
};

/* Append a zeroed element of size bytes (NULL when *n reached max). */
void	*pdf_push(void **v, size_t *n, size_t *cap, size_t size, size_t max);
/* Has the scan time run out?  Records limit.scan_time once. */
int	pdf_time_up(struct pdf_scan *);
/* After "N G obj": read the object (and its stream); 0 or -1. */
int	pdf_object(struct pdf_scan *, int64_t objnum, const char **error_r);
/* After "trailer": read its dictionary; 0 or -1. */
int	pdf_trailer(struct pdf_scan *, const char **error_r);
/* A name token met outside any object (what a broken file leaves). */
void	pdf_loose_name(struct pdf_scan *, const unsigned char *, size_t);

#endif
