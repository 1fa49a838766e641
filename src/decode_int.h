/*
 * decode_int: helpers shared by the decode_*.c files; not part of the
 * module's contract (include/decode.h is).
 *
 * Untrusted input: all of it.  Every helper takes (pointer, length) and
 * appends to a bounded sbuf.  Thread-safe: no state.
 */
#ifndef TRIAGE_DECODE_INT_H
#define TRIAGE_DECODE_INT_H

#include <stddef.h>

struct sbuf;

/* UTF-8 of U+FFFD REPLACEMENT CHARACTER. */
#define DECODE_REPL		"\xef\xbf\xbd"
#define DECODE_REPL_LEN		3

/* Longest charset name we accept (longer ones are unknown charsets). */
#define DECODE_CHARSET_MAX	64

/* Value of a hex digit, or -1. */
int	decode_hexval(unsigned char c);

/*
 * Append in as UTF-8: valid sequences are copied, each byte that does not
 * start a valid sequence becomes U+FFFD (flagged DECODE_F_BAD_BYTES).
 * Overlong forms, surrogates and values past U+10FFFF are invalid.
 * Stops early when out is cut at its maximum.
 */
void	decode_utf8_lenient(const unsigned char *in, size_t len,
	    struct sbuf *out, unsigned *flags_r);

/* Whether in[0..len) is valid UTF-8 (same rules as above). */
int	decode_utf8_valid(const unsigned char *in, size_t len);

/*
 * Append in to out with every NUL byte replaced by U+FFFD, flagging
 * DECODE_F_NUL: a name cut at a NUL byte would hide its real extension.
 */
void	decode_append_nonul(struct sbuf *out, const unsigned char *in,
	    size_t len, unsigned *flags_r);

/*
 * decode_charset() followed by decode_append_nonul(): convert into a
 * scratch buffer, then append with NUL bytes replaced.  charset may be
 * NULL (valid UTF-8 kept, the rest replaced).  Returns 0 or -1.
 */
int	decode_charset_text(const char *charset, const unsigned char *in,
	    size_t len, struct sbuf *out, unsigned *flags_r);

/* Whether the charset (any alias) is ISO-2022-JP or a variant of it. */
int	decode_charset_is_2022jp(const char *charset);

/*
 * RFC 2047 decoding as decode_rfc2047(), but with NUL bytes replaced (the
 * decoders of names use it); *nwords_r counts the encoded-words decoded.
 */
int	decode_rfc2047_text(const char *in, size_t len,
	    const char *fallback_charset, struct sbuf *out, unsigned *flags_r,
	    size_t *nwords_r);

#endif
