/*
 * ftype_int: private interface between ftype.c (libmagic), ftype_sig.c
 * (our own signatures) and ftype_map.c (classes, expectations, compare).
 * Not installed; nothing outside the ftype module includes it.
 */
#ifndef TRIAGE_FTYPE_INT_H
#define TRIAGE_FTYPE_INT_H

#include <stddef.h>

#include "ftype.h"

/*
 * Match our own signatures.  whole says buf is the complete object (tail
 * signatures are looked for only then).  Returns 1 and fills r, or 0.
 */
int	ftype_sig_match(const unsigned char *buf, size_t len, int whole,
	    struct ftype_result *r);

/*
 * A "%PDF-" header after offset 0 (within 1024 bytes; at a line start
 * when strict), for content libmagic calls data (or text: strict).
 * Returns 1 and fills r, or 0.
 */
int	ftype_sig_pdf_late(const unsigned char *buf, size_t len, int strict,
	    struct ftype_result *r);

/*
 * Could libmagic's text tests find markup in the text prefix buf[0..n)?
 * 1 for any '<' in the first 64 bytes or before a tag name one of them
 * searches for ("<html", "<!", "<?", "<a href", ...); 0 when every '<'
 * is ordinary text (a Japanese ISO-2022-JP run holds many).
 */
int	ftype_sig_markup(const unsigned char *buf, size_t n);

/*
 * Would libmagic 5.44 call the text prefix buf[0..n) text/html, surely
 * (an HTML start and none of the tests that could answer first)?  n is
 * what libmagic would be given.  1 yes, 0 ask libmagic.
 */
int	ftype_sig_html(const unsigned char *buf, size_t n);

/* Fill r: mime copied (cut to fit), cls, desc formatted (cut to fit). */
void	ftype_set(struct ftype_result *r, const char *mime,
	    enum ftype_class cls, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

#endif
