/*
 * uni: Unicode helpers over ICU's C API (the only module that includes
 * ICU headers).
 *
 * Untrusted input: UTF-8 text from mail (names, later domains), which may
 * be invalid: every invalid byte sequence reads as U+FFFD.  Inputs longer
 * than UNI_MAX_INPUT bytes are cut (and reported); every ICU buffer is
 * sized from the bounded input with overflow-checked arithmetic.
 * Output goes to a caller's sbuf, whose maximum bounds it.  Thread-safe:
 * ICU's normaliser instances are immutable and shared, everything else
 * lives on the stack or the heap of the call.
 */
#ifndef TRIAGE_UNI_H
#define TRIAGE_UNI_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;

#define UNI_MAX_INPUT	(256 * 1024)	/* bytes examined per call */
#define UNI_REPLACEMENT	0xFFFDu

/*
 * Append the NFKC form of utf8[0..len) to out (full-width "．ｅｘｅ" becomes
 * ".exe", U+3000 a space).  Returns 0, 1 when the input was longer than
 * UNI_MAX_INPUT or out was cut at its maximum (what fits is kept), or -1
 * when ICU failed (out is then unchanged).
 */
int		uni_nfkc(const char *utf8, size_t len, struct sbuf *out);

/*
 * Append the text as it would be displayed in a left-to-right context
 * (Unicode bidi algorithm, bidi controls removed): "invoice<RLO>gpj.exe"
 * shows as "invoiceexe.jpg".  Returns like uni_nfkc().
 */
int		uni_visual(const char *utf8, size_t len, struct sbuf *out);

/*
 * Decode the code point at s[*off] (s has len bytes, *off < len) and
 * advance *off past it.  Invalid or truncated sequences, overlong forms
 * and surrogates give UNI_REPLACEMENT and advance by at least one byte.
 */
uint32_t	uni_next(const char *s, size_t len, size_t *off);

/* Append code point cp as UTF-8 (invalid cp: U+FFFD); returns like sbuf. */
int		uni_put(struct sbuf *out, uint32_t cp);

/*
 * Confusables (ICU uspoof, src/uni_spoof.c).  One shared, immutable
 * USpoofChecker (created once, thread-safe for these calls).  Inputs are
 * cut at UNI_SPOOF_MAX bytes.
 */
#define UNI_SPOOF_MAX		1024
#define UNI_SPOOF_MIXED_SCRIPT	0x01	/* not "highly restrictive" (UTS 39) */
#define UNI_SPOOF_INVISIBLE	0x02	/* invisible characters */
#define UNI_SPOOF_MIXED_NUMBERS	0x04	/* digits of several systems */
/*
 * Check an identifier (one domain label) for mixed scripts: Latin with
 * Cyrillic or Greek is flagged, Japanese (Latin + Han + Hiragana +
 * Katakana) is not.  Returns 0 and *flags_r (UNI_SPOOF_*), or -1 when
 * ICU failed.
 */
int		uni_spoof_check(const char *utf8, size_t len, unsigned *flags_r);
/*
 * Append the UTS 39 confusable skeleton of utf8 (e.g. Cyrillic "аpple"
 * and Latin "apple" have the same skeleton; so do "rn" and "m").
 * Returns like uni_nfkc().
 */
int		uni_skeleton(const char *utf8, size_t len, struct sbuf *out);

#endif
