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

int
content_scan(struct msgctx *msg, const struct content_obj *o,
    const char **error_r)
{
	urlcheck_names(msg, o->where, o->names, o->nnames);
	if (lure_scan(msg, o, error_r) == -1)
		return -1;
	if (content_is_svg(o))
		return html_scan(msg, o, error_r);
	switch (o->type->cls) {
	case FTYPE_ARCHIVE:
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
