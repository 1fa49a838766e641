/*
 * decode: transfer decoders, header-word decoders and charset conversion.
 *
 * Untrusted input: every byte comes from the mail.  All decoders are
 * lenient (they decode what a mail client would show) and report what was
 * odd through flags, so callers can record mime.ambiguous findings.  No
 * decoder reads outside (pointer, length) or relies on NUL.
 *
 * Stream decoders (base64, quoted-printable) keep their state in a small
 * struct and may be fed arbitrary pieces: the output is identical whatever
 * the split.  Output buffers: a feed of n input bytes writes at most n
 * bytes (base64 writes less), so an output buffer of n + 4 bytes is always
 * enough; finish writes at most 4 bytes.
 *
 * Thread-safe: no global state except iconv descriptors, which are opened
 * per call.
 */
#ifndef TRIAGE_DECODE_H
#define TRIAGE_DECODE_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;

/* Flags reported by the decoders (OR-ed into *flags_r). */
#define DECODE_F_JUNK		0x0001	/* base64: bytes outside the alphabet */
#define DECODE_F_AFTER_PAD	0x0002	/* base64: data after '=' padding */
#define DECODE_F_TRUNCATED	0x0004	/* incomplete final quantum/escape */
#define DECODE_F_BAD_ESCAPE	0x0008	/* qp: '=' not followed by hex */
#define DECODE_F_BAD_CHARSET	0x0010	/* unknown charset: bytes kept as-is */
#define DECODE_F_BAD_BYTES	0x0020	/* invalid input for the charset */
#define DECODE_F_BAD_WORD	0x0040	/* malformed RFC 2047 word kept raw */
#define DECODE_F_RFC2047_QUOTED	0x0080	/* encoded-word inside quotes */
#define DECODE_F_BAD_2231	0x0100	/* RFC 2231: gaps, duplicates, bad %XX */
#define DECODE_F_NUL		0x0200	/* decoded text contains NUL */

/* Content-Transfer-Encoding values. */
enum decode_cte {
	DECODE_CTE_7BIT = 0,	/* also the default when absent */
	DECODE_CTE_8BIT,
	DECODE_CTE_BINARY,
	DECODE_CTE_BASE64,
	DECODE_CTE_QP,
	DECODE_CTE_UUENCODE,	/* x-uuencode, x-uue, uuencode */
	DECODE_CTE_UNKNOWN	/* treated as 7bit, and a finding */
};
/* Parse a CTE header value (case-insensitive, white space and comments ignored). */
enum decode_cte	 decode_cte_parse(const char *value, size_t len);
const char	*decode_cte_name(enum decode_cte);

/* Base64 (RFC 2045 section 6.8), junk-tolerant. */
struct decode_b64 {
	uint32_t	acc;		/* bits collected */
	unsigned	nacc;		/* sextets in acc (0..3) */
	unsigned	pad;		/* '=' seen in the current quantum */
	unsigned	flags;		/* DECODE_F_* seen so far */
	uint64_t	junk;		/* count of junk bytes (not CR, LF, space, tab) */
};
void	decode_b64_init(struct decode_b64 *);
/* Decode in[0..len) into out; returns bytes written (<= len). */
size_t	decode_b64_feed(struct decode_b64 *, const unsigned char *in,
	    size_t len, unsigned char *out);
/* Flush a partial quantum; returns bytes written (<= 2). */
size_t	decode_b64_finish(struct decode_b64 *, unsigned char *out);

/* Quoted-printable (RFC 2045 section 6.7), lenient. */
struct decode_qp {
	unsigned char	pend[3];	/* '=' and up to 2 following bytes */
	unsigned	npend;
	unsigned	flags;
	size_t		nws;		/* white space held back at a line end */
	unsigned char	ws[76];
};
void	decode_qp_init(struct decode_qp *);
/* Returns bytes written (<= len + pending). out must hold len + 80. */
size_t	decode_qp_feed(struct decode_qp *, const unsigned char *in,
	    size_t len, unsigned char *out);
size_t	decode_qp_finish(struct decode_qp *, unsigned char *out);	/* out: 80 */

/*
 * Embedded uuencode and yEnc, line by line.  A line excludes its line
 * ending.  decode_uu_begin/yenc_begin recognise the opening line and copy
 * the file name (raw bytes, at most namecap-1, NUL-terminated).
 */
int	decode_uu_begin(const unsigned char *line, size_t len, char *name,
	    size_t namecap);			/* 1 yes, 0 no */
/* Decode one body line; returns bytes written (<= 63) or -1 if the line
 * is not uuencode (then the block is over). "end" and "`" end the block. */
int	decode_uu_line(const unsigned char *line, size_t len,
	    unsigned char *out);
int	decode_uu_is_end(const unsigned char *line, size_t len);
int	decode_yenc_begin(const unsigned char *line, size_t len, char *name,
	    size_t namecap);			/* "=ybegin ... name=" */
/* Decode one yEnc data line; returns bytes written (<= len). */
size_t	decode_yenc_line(const unsigned char *line, size_t len,
	    unsigned char *out);
int	decode_yenc_is_end(const unsigned char *line, size_t len);	/* "=yend" */

/*
 * Convert in (in charset) to UTF-8, appending to out.  Charset names are
 * matched case-insensitively with the aliases mail uses (ISO-2022-JP,
 * Shift_JIS/SJIS/CP932/Windows-31J, EUC-JP, UTF-8, US-ASCII,
 * ISO-8859-1/Latin-1, Windows-1252, ...); Shift_JIS is read as CP932 (the
 * superset Japanese Windows writes).  Invalid input becomes U+FFFD and an
 * unknown charset copies bytes with invalid UTF-8 replaced by U+FFFD; both
 * are flagged.  Returns 0, or -1 on an internal error (iconv failure other
 * than bad input).
 */
int	decode_charset(const char *charset, const unsigned char *in, size_t len,
	    struct sbuf *out, unsigned *flags_r);

/*
 * Decode a header value with RFC 2047 encoded-words (B and Q) to UTF-8,
 * appending to out.  Adjacent encoded-words separated only by white space
 * are joined before conversion (an ISO-2022-JP word may be split mid
 * escape sequence, and a B word mid character).  Words inside quoted
 * strings are decoded too (Outlook and Japanese clients put them in
 * name="..."), flagged DECODE_F_RFC2047_QUOTED.  Text outside words that
 * is not UTF-8 is read as `fallback_charset` (may be NULL: then bytes are
 * kept if valid UTF-8, else replaced).  Returns 0 or -1 (internal error).
 */
int	decode_rfc2047(const char *in, size_t len, const char *fallback_charset,
	    struct sbuf *out, unsigned *flags_r);

/*
 * A parsed structured header: "type/subtype; a=b; c=\"d\"" (RFC 2045
 * section 5.1, with RFC 822 comments removed).  Parameter names are
 * lowercased; values are unquoted (backslash escapes undone) but not
 * decoded.  Duplicate parameters are all kept, in order.
 */
struct decode_param {
	char	*name;
	char	*value;
	size_t	 value_len;
	int	 quoted;
};
struct decode_params {
	char			*value;		/* "multipart/mixed", lowercased */
	struct decode_param	*p;
	size_t			 n;
	unsigned		 flags;		/* DECODE_F_* */
};
/* Parse; never fails (bad syntax is parsed leniently).  Caps at 256 params. */
void	decode_params_parse(const char *in, size_t len, struct decode_params *);
void	decode_params_free(struct decode_params *);
/* Number of parameters called name (exact, lowercased). */
size_t	decode_params_count(const struct decode_params *, const char *name);
/* First value of name, raw, or NULL. */
const struct decode_param *decode_params_get(const struct decode_params *,
	    const char *name);
/*
 * The plain parameter `name` decoded to UTF-8 (RFC 2047 words inside are
 * decoded; other bytes read as fallback_charset).  Returns 1 and appends
 * to out if present, 0 if absent, -1 on internal error.
 */
int	decode_param_plain(const struct decode_params *, const char *name,
	    const char *fallback_charset, struct sbuf *out, unsigned *flags_r);
/*
 * The RFC 2231 form of `name`: "name*" or the continuations "name*0",
 * "name*0*", "name*1", ... in any order, charset'language'%XX decoded to
 * UTF-8.  Gaps, duplicate section numbers and bad %XX are flagged
 * DECODE_F_BAD_2231 and decoded leniently.  Returns 1 and appends to out
 * if present, 0 if absent, -1 on internal error.
 */
int	decode_param_2231(const struct decode_params *, const char *name,
	    struct sbuf *out, unsigned *flags_r);

#endif
