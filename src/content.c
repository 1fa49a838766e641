/*
 * content: dispatch an object to the module that understands it (see
 * content.h).  Keep this a table of decisions, no parsing.
 */
#include <string.h>

#include "content.h"
#include "ftype.h"
#include "html.h"
#include "lure.h"
#include "msgctx.h"
#include "office.h"
#include "pdf.h"
#include "unpack.h"
#include "urlcheck.h"
#include "urlx.h"

/* SVG is XML that browsers run scripts in: the HTML scanner reads it. */
static int
content_is_svg(const struct content_obj *o)
{
	return strcmp(o->type->mime, "image/svg+xml") == 0 ||
	    (o->declared != NULL && strcmp(o->declared, "image/svg+xml") == 0);
}

static int
content_is_ooxml_zip(const struct content_obj *o)
{
	return strcmp(o->type->mime, "application/zip") == 0 &&
	    office_is_ooxml(o->data, o->len);
}

/* OLE2 containers ftype does not call Office documents (a password-
 * protected OOXML file is "application/encrypted", Outlook .msg files,
 * installer packages) may still hold VBA or OLE packages. */
static int
content_is_other_cfb(const struct content_obj *o)
{
	static const unsigned char sig[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1,
	    0xb1, 0x1a, 0xe1 };

	return o->type->cls != FTYPE_OFFICE && o->len >= 512 &&
	    memcmp(o->data, sig, sizeof(sig)) == 0;
}

int
content_scan(struct msgctx *msg, const struct content_obj *o,
    const char **error_r)
{
	urlcheck_names(msg, o->where, o->names, o->nnames);
	if (lure_scan(msg, o, error_r) == -1)
		return -1;
	if (content_is_svg(o))
		return html_scan(msg, o, error_r);
	if (content_is_other_cfb(o) && office_scan(msg, o, error_r) == -1)
		return -1;
	switch (o->type->cls) {
	case FTYPE_ARCHIVE:
		/* OOXML that libmagic called a zip: office reads the package's
		 * parts, unpack its members. */
		if (content_is_ooxml_zip(o) && office_scan(msg, o,
		    error_r) == -1)
			return -1;
		return unpack_scan(msg, o, error_r);
	case FTYPE_DISK_IMAGE:
		return unpack_scan(msg, o, error_r);
	case FTYPE_OFFICE:
		return office_scan(msg, o, error_r);
	case FTYPE_PDF:
		return pdf_scan(msg, o, error_r);
	case FTYPE_HTML:
		return html_scan(msg, o, error_r);
	case FTYPE_TEXT:
	case FTYPE_CALENDAR:
		urlx_text(msg, o->where, o->data, o->len, o->charset);
		return 0;
	default:
		return 0;
	}
}
