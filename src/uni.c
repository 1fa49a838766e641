/*
 * uni: NFKC folding, bidi display order and code point iteration.
 *
 * Untrusted input: UTF-8 (or not) from mail.  Limits: at most UNI_MAX_INPUT
 * bytes are converted per call; UTF-16 buffers are sized from that bound
 * (UTF-8 -> UTF-16 never grows in code units; NFKC grows by at most a
 * factor 18, and ICU tells us the exact size on overflow).  ICU takes
 * int32_t lengths, which the bound keeps in range.  Ownership: temporary
 * buffers are freed before returning; output is appended to the caller's
 * sbuf.  Thread-safe: unorm2_getNFKCInstance() returns a shared immutable
 * instance; a UBiDi object is made per call.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubidi.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include "mem.h"
#include "sbuf.h"
#include "uni.h"

/* A UTF-16 string owned by the caller of the helpers below. */
struct ustr {
	UChar	*s;
	int32_t	 len;
};

/* Back len off so that a cut does not split a UTF-8 sequence. */
static size_t
uni_boundary(const char *s, size_t len)
{
	size_t i = len, back = 0;

	while (i > 0 && back < 3 &&
	    ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
		i--;
		back++;
	}
	if (i > 0 && (unsigned char)s[i - 1] >= 0xc0) {
		size_t need = (unsigned char)s[i - 1] >= 0xf0 ? 3 :
		    (unsigned char)s[i - 1] >= 0xe0 ? 2 : 1;

		if (back < need)
			return i - 1;
	}
	return len;
}

/* Append at most what fits in out, cut on a code point boundary. */
static int
uni_append(struct sbuf *out, const char *s, size_t len)
{
	size_t room = out->max > out->len ? out->max - out->len : 0;

	if (len <= room)
		return sbuf_append(out, s, len);
	(void)sbuf_append(out, s, uni_boundary(s, room));
	out->truncated = 1;
	return 1;
}

/* UTF-8 -> UTF-16 with U+FFFD for invalid input; sets *cut_r if cut. */
static int
uni_from_utf8(const char *utf8, size_t len, struct ustr *u, int *cut_r)
{
	UErrorCode err = U_ZERO_ERROR;

	*cut_r = 0;
	if (len > UNI_MAX_INPUT) {
		len = uni_boundary(utf8, UNI_MAX_INPUT);
		*cut_r = 1;
	}
	/* Each input byte yields at most one UTF-16 unit. */
	u->s = mem_reallocarray(NULL, len + 1, sizeof(UChar));
	u_strFromUTF8WithSub(u->s, (int32_t)len + 1, &u->len, utf8,
	    (int32_t)len, (UChar32)UNI_REPLACEMENT, NULL, &err);
	if (U_FAILURE(err)) {
		free(u->s);
		u->s = NULL;
		return -1;
	}
	return 0;
}

/* UTF-16 -> UTF-8 appended to out; returns 0, 1 (cut) or -1. */
static int
uni_to_utf8(const struct ustr *u, struct sbuf *out)
{
	UErrorCode err = U_ZERO_ERROR;
	size_t cap;
	int32_t n;
	char *b;
	int rc;

	if (mem_mul((size_t)u->len, 3, &cap) == -1 || cap > INT32_MAX - 1)
		return -1;
	b = mem_alloc(cap + 1);
	u_strToUTF8WithSub(b, (int32_t)cap + 1, &n, u->s, u->len,
	    (UChar32)UNI_REPLACEMENT, NULL, &err);
	if (U_FAILURE(err) || n < 0) {
		free(b);
		return -1;
	}
	rc = uni_append(out, b, (size_t)n);
	free(b);
	return rc;
}

/* NFKC of in into *r (owned by the caller on success). */
static int
uni_normalize(const struct ustr *in, struct ustr *r)
{
	const UNormalizer2 *n2;
	UErrorCode err = U_ZERO_ERROR;
	size_t cap;

	n2 = unorm2_getNFKCInstance(&err);
	if (U_FAILURE(err))
		return -1;
	if (mem_mul((size_t)in->len, 3, &cap) == -1 ||
	    mem_add(cap, 16, &cap) == -1 || cap > INT32_MAX)
		return -1;
	r->s = mem_reallocarray(NULL, cap, sizeof(UChar));
	r->len = unorm2_normalize(n2, in->s, in->len, r->s, (int32_t)cap,
	    &err);
	if (err == U_BUFFER_OVERFLOW_ERROR && r->len > 0) {
		/* ICU reported the exact length (at most 18 x input). */
		cap = (size_t)r->len + 1;
		r->s = mem_reallocarray(r->s, cap, sizeof(UChar));
		err = U_ZERO_ERROR;
		r->len = unorm2_normalize(n2, in->s, in->len, r->s,
		    (int32_t)cap, &err);
	}
	if (U_FAILURE(err) || r->len < 0) {
		free(r->s);
		r->s = NULL;
		return -1;
	}
	return 0;
}

int
uni_nfkc(const char *utf8, size_t len, struct sbuf *out)
{
	struct ustr in, norm;
	int cut, rc;

	if (uni_from_utf8(utf8, len, &in, &cut) == -1)
		return -1;
	rc = uni_normalize(&in, &norm);
	free(in.s);
	if (rc == -1)
		return -1;
	rc = uni_to_utf8(&norm, out);
	free(norm.s);
	if (rc == 0 && cut)
		rc = 1;
	return rc;
}

/* Reorder in for display (LTR paragraphs); *r owned by the caller. */
static int
uni_reorder(const struct ustr *in, struct ustr *r)
{
	UErrorCode err = U_ZERO_ERROR;
	UBiDi *bidi;

	bidi = ubidi_openSized(in->len, 0, &err);
	if (bidi == NULL || U_FAILURE(err))
		return -1;
	ubidi_setPara(bidi, in->s, in->len, UBIDI_LTR, NULL, &err);
	/* Removing controls and mirroring never makes the text longer. */
	r->s = mem_reallocarray(NULL, (size_t)in->len + 1, sizeof(UChar));
	r->len = 0;
	if (U_SUCCESS(err))
		r->len = ubidi_writeReordered(bidi, r->s, in->len + 1,
		    UBIDI_DO_MIRRORING | UBIDI_REMOVE_BIDI_CONTROLS, &err);
	ubidi_close(bidi);
	if (U_FAILURE(err) || r->len < 0) {
		free(r->s);
		r->s = NULL;
		return -1;
	}
	return 0;
}

int
uni_visual(const char *utf8, size_t len, struct sbuf *out)
{
	struct ustr in, vis;
	int cut, rc;

	if (uni_from_utf8(utf8, len, &in, &cut) == -1)
		return -1;
	if (in.len == 0) {
		free(in.s);
		return cut;
	}
	rc = uni_reorder(&in, &vis);
	free(in.s);
	if (rc == -1)
		return -1;
	rc = uni_to_utf8(&vis, out);
	free(vis.s);
	if (rc == 0 && cut)
		rc = 1;
	return rc;
}

uint32_t
uni_next(const char *s, size_t len, size_t *off)
{
	const unsigned char *p = (const unsigned char *)s + *off;
	size_t n = len - *off, need, i;
	uint32_t cp, min;

	if (p[0] < 0x80) {
		(*off)++;
		return p[0];
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		need = 1, cp = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		need = 2, cp = p[0] & 0x0f, min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 3, cp = p[0] & 0x07, min = 0x10000;
	} else {
		(*off)++;
		return UNI_REPLACEMENT;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || (p[i] & 0xc0) != 0x80) {
			*off += i;
			return UNI_REPLACEMENT;
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		(*off)++;
		return UNI_REPLACEMENT;
	}
	*off += need + 1;
	return cp;
}

int
uni_put(struct sbuf *out, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = UNI_REPLACEMENT;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12), n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18), n = 4;
	}
	for (size_t i = 1; i < n; i++)
		b[i] = (unsigned char)(0x80 |
		    ((cp >> (6 * (n - 1 - i))) & 0x3f));
	return uni_append(out, (const char *)b, n);
}
