/*
 * lure: shortcuts, OneNote and scripts, whatever they are called (see
 * lure.h).
 *
 * Untrusted input: the object's bytes, names and declared type.  Limits:
 * text heuristics read at most LURE_TEXT_MAX bytes (a UTF-16 object is
 * narrowed into a buffer of that size); shortcut patterns look at the
 * first 4 KiB; URLs given to urlcheck from a .url file are cut at 2 KiB.
 * Ownership: the narrowed copy is freed before return.  Not thread-safe:
 * one message.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content.h"
#include "ftype.h"
#include "lure.h"
#include "mem.h"
#include "msgctx.h"
#include "names.h"
#include "urlcheck.h"

#define LURE_HEAD	4096	/* bytes where text shortcut formats begin */

/* A text view of an object: ASCII-compatible bytes. */
struct lure_text {
	const unsigned char	*p;
	size_t			 n;
	unsigned char		*owned;
};

/*
 * UTF-16 with a BOM narrowed to one byte a character ('?' for anything
 * beyond ASCII/Latin-1); other text as it is.  Returns 0, or -1 when the
 * start holds NUL or other binary control bytes (not text).
 */
static int
lure_text_view(const unsigned char *d, size_t len, struct lure_text *t)
{
	size_t i, n;

	memset(t, 0, sizeof(*t));
	if (len >= 2 && ((d[0] == 0xff && d[1] == 0xfe) ||
	    (d[0] == 0xfe && d[1] == 0xff))) {
		int le = d[0] == 0xff;

		n = (len - 2) / 2 < LURE_TEXT_MAX ? (len - 2) / 2 :
		    LURE_TEXT_MAX;
		t->owned = mem_alloc(n + 1);
		for (i = 0; i < n; i++) {
			unsigned char lo = d[2 + 2 * i + !le];
			unsigned char hi = d[2 + 2 * i + le];

			t->owned[i] = hi == 0 && lo != 0 ? lo : '?';
		}
		t->p = t->owned;
		t->n = n;
		return 0;
	}
	t->p = d;
	t->n = len < LURE_TEXT_MAX ? len : LURE_TEXT_MAX;
	for (i = 0; i < t->n && i < LURE_HEAD; i++)
		if (d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' &&
		    d[i] != '\r' && d[i] != '\f' && d[i] != 0x1b &&
		    d[i] != 0x1a)
			return -1;
	return t->n > 0 ? 0 : -1;
}

static int
lure_ascii_ieq(const unsigned char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	return n >= m && strncasecmp((const char *)s, lit, m) == 0;
}

/* Does a line in t[0..n) begin with lit (case-insensitive)? */
static const unsigned char *
lure_line(const unsigned char *t, size_t n, const char *lit)
{
	size_t i = 0;

	while (i < n) {
		while (i < n && (t[i] == ' ' || t[i] == '\t'))
			i++;
		if (lure_ascii_ieq(t + i, n - i, lit))
			return t + i;
		while (i < n && t[i] != '\n')
			i++;
		i++;
	}
	return NULL;
}

static int
lure_has(const unsigned char *t, size_t n, const char *lit)
{
	size_t m = strlen(lit), i;

	for (i = 0; m <= n && i <= n - m; i++)
		if (t[i] == (unsigned char)lit[0] &&
		    strncasecmp((const char *)t + i, lit, m) == 0)
			return 1;
	return 0;
}

const char *
lure_shortcut_text(const unsigned char *t, size_t n)
{
	if (n > LURE_HEAD)
		n = LURE_HEAD;
	if (lure_line(t, n, "[InternetShortcut]") != NULL ||
	    lure_line(t, n, "[{000214A0-0000-0000-C000-000000000046}]") != NULL)
		return "Internet shortcut (.url)";
	if (lure_line(t, n, "[Shell]") != NULL &&
	    (lure_line(t, n, "Command=") != NULL ||
	    lure_line(t, n, "IconFile=") != NULL))
		return "Explorer command file (.scf)";
	if (lure_has(t, n, "<libraryDescription"))
		return "Windows library (.library-ms)";
	if (lure_has(t, n, "<searchConnectorDescription"))
		return "search connector (.searchConnector-ms)";
	if (lure_has(t, n, "<PCSettings") && lure_has(t, n, "SettingContent"))
		return "settings shortcut (.settingcontent-ms)";
	return NULL;
}

/* URL= and IconFile= of a .url/.scf go to the URL checks. */
static void
lure_shortcut_urls(struct msgctx *msg, const char *where,
    const struct lure_text *t)
{
	static const char *const keys[] = { "URL=", "IconFile=" };
	const unsigned char *v, *e;
	size_t k, n = t->n < LURE_HEAD ? t->n : LURE_HEAD;

	for (k = 0; k < 2; k++) {
		if ((v = lure_line(t->p, n, keys[k])) == NULL)
			continue;
		v += strlen(keys[k]);
		for (e = v; e < t->p + t->n && *e != '\r' && *e != '\n' &&
		    e - v < 2048; e++)
			;
		if (e > v)
			urlcheck_url(msg, where, (const char *)v,
			    (size_t)(e - v), NULL, 0, URLCHECK_TEXT);
	}
}

/* Extensions a Windows script host or shell runs. */
static int
lure_script_ext(const char *ext)
{
	static const char *const exts[] = { "bat", "cmd", "hta", "js", "jse",
	    "msc", "ps1", "psd1", "psm1", "reg", "sct", "vb", "vbe", "vbs",
	    "wsc", "wsf", "wsh" };
	size_t i;

	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strcmp(ext, exts[i]) == 0)
			return 1;
	return 0;
}

/* The first name whose extension is a script's, into ext[cap]. */
static int
lure_named_script(const struct content_obj *o, char *ext, size_t cap)
{
	size_t i;

	for (i = 0; i < o->nnames; i++)
		if (o->names[i] != NULL &&
		    names_extension(o->names[i], ext, cap) &&
		    lure_script_ext(ext))
			return 1;
	return 0;
}

/* The mail body: shown by the mail client, never run. */
static int
lure_is_body(const struct content_obj *o)
{
	return o->depth == 0 && o->nnames == 0 && (o->declared == NULL ||
	    strncasecmp(o->declared, "text/plain", 10) == 0 ||
	    strncasecmp(o->declared, "text/html", 9) == 0);
}

/* libmagic's script types that are Windows script hosts' own. */
static int
lure_magic_script(const struct content_obj *o)
{
	static const char *const win[] = { "text/x-msdos-batch",
	    "application/x-bat", "text/javascript", "application/javascript",
	    "application/x-javascript", "text/vbscript", "text/x-vbscript",
	    "application/hta" };
	size_t i;

	if (o->type->cls != FTYPE_SCRIPT)
		return 0;
	for (i = 0; i < sizeof(win) / sizeof(win[0]); i++)
		if (strcmp(o->type->mime, win[i]) == 0)
			return 1;
	/* Shell, Python, Perl...: only with an interpreter line. */
	return o->len >= 2 && o->data[0] == '#' && o->data[1] == '!';
}

static void
lure_scripts(struct msgctx *msg, const struct content_obj *o,
    const struct lure_text *t)
{
	char why[160], ext[NAMES_EXT_MAX + 1];
	const char *kind;
	int html = o->type->cls == FTYPE_HTML;

	if ((kind = lure_script_kind(t->p, t->n, html, why, sizeof(why))) !=
	    NULL)
		msgctx_finding(msg, "attachment.script", o->where,
		    "content looks like %s (%s)", kind, why);
	else if (lure_named_script(o, ext, sizeof(ext)))
		msgctx_finding(msg, "attachment.script", o->where,
		    "name says .%s and the content is text (%s)", ext,
		    o->type->mime);
	else if (lure_magic_script(o))
		msgctx_finding(msg, "attachment.script", o->where,
		    "content is a script (%s)", o->type->desc);
}

/* Classes whose bytes may be a script or a text shortcut. */
static int
lure_textish(enum ftype_class c)
{
	return c == FTYPE_TEXT || c == FTYPE_SCRIPT || c == FTYPE_HTML ||
	    c == FTYPE_UNKNOWN || c == FTYPE_SHORTCUT;
}

int
lure_scan(struct msgctx *msg, const struct content_obj *o,
    const char **error_r)
{
	struct lure_text t;
	const char *what = NULL;

	(void)error_r;
	if (strcmp(o->type->mime, "application/onenote") == 0)
		msgctx_finding(msg, "attachment.onenote", o->where,
		    "%s (OneNote can carry embedded scripts and programs)",
		    o->type->desc);
	if (!lure_textish(o->type->cls) || o->len == 0 ||
	    lure_text_view(o->data, o->len, &t) == -1) {
		if (o->type->cls == FTYPE_SHORTCUT)
			msgctx_finding(msg, "attachment.shortcut", o->where,
			    "%s", o->type->desc);
		return 0;
	}
	what = lure_shortcut_text(t.p, t.n);
	if (what != NULL || o->type->cls == FTYPE_SHORTCUT) {
		msgctx_finding(msg, "attachment.shortcut", o->where, "%s",
		    what != NULL ? what : o->type->desc);
		lure_shortcut_urls(msg, o->where, &t);
	} else if (!lure_is_body(o))
		lure_scripts(msg, o, &t);
	free(t.owned);
	return 0;
}
