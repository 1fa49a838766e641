/*
 * fuzz_html: libFuzzer target for the html and lure modules.
 *
 * Each input is read as an HTML attachment, an HTML mail body, an SVG
 * image (html_scan) and as a text attachment and an unnamed part
 * (lure_scan), through a message context from policy_default(); the
 * link walker (html_links) must give every link as a NUL-terminated
 * string of the length it claims, and a bounded anchor.  Built as a
 * libFuzzer binary (--enable-fuzzers) and as a replay runner for `make
 * check` (tests/fuzz/replay.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "ftype.h"
#include "html.h"
#include "lure.h"
#include "msgctx.h"
#include "policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fz_link(void *arg, const struct html_link *l)
{
	size_t *n = arg;

	if (l->url == NULL || strlen(l->url) != l->len ||
	    l->len > HTML_URL_MAX || l->anchor_len > HTML_ANCHOR_MAX ||
	    (l->anchor != NULL && strlen(l->anchor) < l->anchor_len))
		abort();
	(*n)++;
}

static void
fz_obj(struct msgctx *m, const uint8_t *d, size_t n, const char *mime,
    enum ftype_class cls, const char *declared, const char *name,
    const char *charset)
{
	struct ftype_result r;
	struct content_obj o;
	const char *names[1] = { name };
	const char *err;

	memset(&r, 0, sizeof(r));
	strcpy(r.mime, mime);
	strcpy(r.desc, "fuzz");
	r.cls = cls;
	memset(&o, 0, sizeof(o));
	o.where = "1";
	o.names = names;
	o.nnames = name != NULL;
	o.declared = declared;
	o.charset = charset;
	o.data = d;
	o.len = n;
	o.type = &r;
	if (cls == FTYPE_HTML || strcmp(mime, "image/svg+xml") == 0) {
		if (html_scan(m, &o, &err) != 0)
			abort();
	} else if (lure_scan(m, &o, &err) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy *pol;
	struct msgctx *m;
	size_t n = 0;

	if (pol == NULL)
		pol = policy_default();
	m = msgctx_new(pol);
	fz_obj(m, data, size, "text/html", FTYPE_HTML, "text/html",
	    "a.html", NULL);
	fz_obj(m, data, size, "text/html", FTYPE_HTML, "text/html", NULL,
	    "iso-2022-jp");
	fz_obj(m, data, size, "image/svg+xml", FTYPE_IMAGE, NULL, "a.svg",
	    NULL);
	fz_obj(m, data, size, "text/plain", FTYPE_TEXT, "text/plain",
	    "a.vbs", NULL);
	fz_obj(m, data, size, "application/octet-stream", FTYPE_UNKNOWN,
	    NULL, NULL, NULL);
	fz_obj(m, data, size, "text/html", FTYPE_HTML, NULL, "a.hta", NULL);
	msgctx_free(&m);
	(void)html_links(data, size, 0, fz_link, &n);
	(void)html_links(data, size, 1, fz_link, &n);
	return 0;
}
