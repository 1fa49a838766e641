/*
 * ftype: the real type of a part's bytes.
 *
 * Our own signatures come first (what libmagic gets wrong, misses or is
 * slow at: PE/ELF/Mach-O, LNK, OneNote, DICOM, ISO 9660/UDF, VHD/VHDX,
 * PDF), then libmagic (the only module that includes magic.h) on a
 * bounded prefix: FTYPE_MAGIC_MAX bytes of binary data, FTYPE_TEXT_PREFIX
 * bytes of data that is plainly text (libmagic is slow on text).
 * MAGIC_COMPRESS is never used (it forks).
 *
 * Untrusted input: the bytes.  Ownership: results are copied into the
 * caller's struct ftype_result.  Thread-safe: libmagic cookies come from
 * a small pool, one caller at a time each (ftype_thread_end() closes the
 * idle ones).
 */
#ifndef TRIAGE_FTYPE_H
#define TRIAGE_FTYPE_H

#include <stddef.h>

#define FTYPE_MAGIC_MAX		(256 * 1024)	/* prefix given to libmagic */
#define FTYPE_TEXT_PREFIX	4096		/* prefix for plain text */

enum ftype_class {
	FTYPE_UNKNOWN = 0,	/* "data", application/octet-stream */
	FTYPE_TEXT,		/* plain text, CSV, XML, JSON, vCard */
	FTYPE_HTML,
	FTYPE_PDF,
	FTYPE_OFFICE,		/* OLE2/CFB, OOXML, ODF, RTF, OneNote */
	FTYPE_IMAGE,
	FTYPE_MEDIA,		/* audio, video */
	FTYPE_ARCHIVE,
	FTYPE_EXECUTABLE,	/* PE, ELF, Mach-O, MSI */
	FTYPE_SCRIPT,		/* shell, batch, Python, JavaScript, ... */
	FTYPE_DISK_IMAGE,	/* ISO 9660, UDF, VHD(X), VMDK, DMG */
	FTYPE_SHORTCUT,		/* LNK, .url */
	FTYPE_EMAIL,		/* message/rfc822, Outlook .msg */
	FTYPE_CALENDAR,		/* text/calendar */
	FTYPE_MEDICAL,		/* DICOM */
	FTYPE_OTHER		/* identified, none of the above */
};

struct ftype_result {
	char			mime[80];	/* "application/pdf" */
	char			desc[160];	/* "PE32 executable ..." */
	enum ftype_class	cls;
};

/*
 * Find the type of a whole object buf[0..len).  Returns 0 (r filled), or
 * -1 on an internal error (libmagic could not be opened or its database
 * loaded; *error_r says why).  Empty input is "application/x-empty".
 */
int		ftype_detect(const unsigned char *buf, size_t len,
		    struct ftype_result *r, const char **error_r);
/*
 * The same for the first len bytes of a larger object (signatures at the
 * end of a file, such as a fixed VHD's footer, are not looked for).
 */
int		ftype_detect_prefix(const unsigned char *buf, size_t len,
		    struct ftype_result *r, const char **error_r);
/* Close the idle libmagic cookies now (new ones are opened when needed). */
void		ftype_thread_end(void);

/* Class of a MIME type ("application/zip" -> FTYPE_ARCHIVE). */
enum ftype_class	ftype_class_of(const char *mime);
/* Short English name of a class ("executable"). */
const char		*ftype_class_name(enum ftype_class);

/*
 * What an extension (folded, without the dot, lowercase: "pdf") leads a
 * user to expect: returns 1 and a bit set of classes (1u << FTYPE_x) plus
 * the usual MIME type (static), or 0 for an extension we do not know.
 */
int	ftype_expect_ext(const char *ext, unsigned *classes_r,
	    const char **mime_r);
/*
 * The same for a declared Content-Type (lowercase); returns 0 for generic
 * types (application/octet-stream, empty, ...) and ones we do not know.
 */
int	ftype_expect_mime(const char *declared, unsigned *classes_r);

/*
 * The three-way check: declared type (may be NULL), extension (folded,
 * may be NULL) and the real type.  Returns 1 on a mismatch, with a
 * readable reason in reason[0..cap) such as "name says .pdf and header
 * says application/pdf, but the content is application/x-dosexec (PE32
 * executable)", else 0.  Generic declared types, unknown extensions and
 * unidentified content never count as mismatches.
 */
int	ftype_compare(const char *declared, const char *ext,
	    const struct ftype_result *, char *reason, size_t cap);

#endif
