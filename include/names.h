/*
 * names: checks on attachment names (MIME name candidates, later archive
 * member names).
 *
 * What a name hides: bidi controls (RTLO: "invoice<U+202E>gpj.exe" shows
 * as "invoiceexe.jpg"), zero-width characters, full-width letters
 * ("．ｅｘｅ" is ".exe" after NFKC), trailing dots and spaces (Windows drops
 * them: "a.exe. " is a.exe), alternate data streams ("a.txt:evil.exe"),
 * padding before the real extension ("invoice.pdf      .exe") and double
 * extensions ("invoice.pdf.exe").
 *
 * Untrusted input: the names (UTF-8 as decoded by mime/unpack; invalid
 * bytes read as U+FFFD).  Limits: at most the policy's max_name_length
 * bytes (the last ones, where the extension is) are folded; an extension
 * longer than NAMES_EXT_MAX bytes counts as none.  Thread-safe: no state;
 * findings go to the caller's msgctx.
 */
#ifndef TRIAGE_NAMES_H
#define TRIAGE_NAMES_H

#include <stddef.h>

#define NAMES_EXT_MAX	32	/* longest extension we take (bytes) */

struct msgctx;
struct sbuf;

/*
 * Check one name candidate of the object at where; adds findings
 * attachment.bidi_control, attachment.zero_width,
 * attachment.blocked_extension (policy blocked_extensions) and
 * attachment.double_extension to msg.
 */
void	names_check(struct msgctx *msg, const char *where, const char *name);

/*
 * The name as a user's system reads it: NFKC-folded, bidi controls and
 * zero-width characters removed, trailing dots and spaces stripped (case
 * kept).  Appended to out; at most max_len input bytes (0: UNI_MAX_INPUT)
 * from the end of the name are folded.  Returns 0, 1 (cut) or -1 (ICU
 * failure; out unchanged).
 */
int	names_fold(const char *name, size_t max_len, struct sbuf *out);

/*
 * The folded extension of a name, lowercase ASCII, without the dot, of
 * the last path component ("dir/a.PDF " -> "pdf").  Returns 1 and fills
 * ext (cap >= NAMES_EXT_MAX + 1 recommended), or 0 when there is none (or
 * it is longer than NAMES_EXT_MAX or cap - 1); ext is then "".
 */
int	names_extension(const char *name, char *ext, size_t cap);

/* Is ext (lowercase, no dot) one that runs code when opened on Windows? */
int	names_is_executable_ext(const char *ext);

#endif
