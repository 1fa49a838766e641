/*
 * office: dispatch of an Office document by its bytes, and what the
 * module's readers share: evidence buffers, limits, recursion into
 * analyse_object(), OLE "Package" objects and ANSI names (see office.h).
 *
 * Untrusted input: the document's bytes and everything parsed from them.
 * Limits: office_embed() checks the nesting depth and counts objects
 * passed on against max_archive_entries; office_time_up() checks the scan
 * time.  Ownership: where strings come from the message's arena, the
 * rest is freed before office_scan() returns.  Not thread-safe: one
 * message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyse.h"
#include "arena.h"
#include "content.h"
#include "decode.h"
#include "ftype.h"
#include "mem.h"
#include "msgctx.h"
#include "office.h"
#include "office_int.h"
#include "policy.h"

#define OFFICE_OOXML_LOOK	10000	/* entries office_is_ooxml reads */

void
office_evidence(struct sbuf *ev, const char *fmt, ...)
{
	char buf[OFFICE_EVIDENCE_MAX];
	va_list ap;

	if (ev->truncated)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strstr((const char *)sbuf_str(ev), buf) != NULL)
		return;
	if (ev->len + strlen(buf) + 2 > OFFICE_EVIDENCE_MAX) {
		sbuf_puts(ev, "; ...");
		ev->truncated = 1;
		return;
	}
	if (ev->len > 0)
		sbuf_puts(ev, "; ");
	sbuf_puts(ev, buf);
}

int
office_time_up(struct office *of)
{
	if (!of->stop && msgctx_time_up(of->msg, of->o->where, "document"))
		of->stop = 1;
	return of->stop;
}

const char *
office_where(struct office *of, const char *label)
{
	size_t len = strlen(label), max = of->msg->pol->lim.name_length;
	const char *cut = "";

	if (len > max) {
		label += len - max;
		while ((*label & 0xc0) == 0x80)
			label++;
		cut = "...";
	}
	return arena_printf(of->msg->arena, "%s/%s%s", of->base, cut, label);
}

int
office_embed(struct office *of, const char *label, const char *const *names,
    size_t nnames, const unsigned char *data, size_t len,
    const char **error_r)
{
	const struct policy_limits *lim = &of->msg->pol->lim;

	if (of->embed_off || office_time_up(of))
		return 0;
	if (of->o->depth >= lim->archive_depth) {
		msgctx_finding(of->msg, "limit.archive_depth", of->o->where,
		    "objects nested %u deep, limit %u; what this document "
		    "holds was not examined", of->o->depth + 1,
		    lim->archive_depth);
		of->embed_off = 1;
		return 0;
	}
	if (++of->embedded > lim->archive_entries) {
		msgctx_finding(of->msg, "limit.archive_entries", of->o->where,
		    "more than %u objects inside, limit %u; the rest was "
		    "not examined", lim->archive_entries,
		    lim->archive_entries);
		of->embed_off = 1;
		return 0;
	}
	return analyse_object(of->msg, office_where(of, label), names, nnames,
	    NULL, len > 0 ? data : (const unsigned char *)"", len,
	    of->o->depth + 1, error_r);
}

char *
office_ansi(const unsigned char *p, size_t n, const char **error_r)
{
	struct sbuf out;
	unsigned flags = 0;
	char *s;

	if (n > OFFICE_NAME_MAX)
		n = OFFICE_NAME_MAX;
	sbuf_init(&out, 0);
	if (decode_charset("UTF-8", p, n, &out, &flags) == 0 &&
	    (flags & DECODE_F_BAD_BYTES)) {
		sbuf_reset(&out);
		flags = 0;
		if (decode_charset("CP932", p, n, &out, &flags) == -1) {
			sbuf_release(&out);
			*error_r = "office: cannot convert a name";
			return NULL;
		}
	}
	s = mem_strdup(sbuf_str(&out));
	sbuf_release(&out);
	return s;
}

const char *
office_basename(const char *s)
{
	const char *p, *b = s;

	for (p = s; *p != '\0'; p++)
		if (*p == '/' || *p == '\\' || *p == ':')
			b = p + 1;
	return b;
}

int
office_urlish(const char *s)
{
	size_t i;

	if (!((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z'))
		return 0;
	for (i = 1; s[i] != '\0' && s[i] != ':'; i++)
		if (!((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return 0;
	return s[i] == ':' && i >= 2;
}

int
office_remote(const char *s)
{
	const char *h;

	if ((s[0] == '\\' || s[0] == '/') && (s[1] == '\\' || s[1] == '/'))
		return 1;			/* UNC: \\host\share */
	if (!office_urlish(s))
		return 0;
	if (strncasecmp(s, "file:", 5) != 0)
		return 1;
	h = s + 5;
	if ((h[0] != '/' && h[0] != '\\') || (h[1] != '/' && h[1] != '\\'))
		return 0;			/* file:C:/x, file:/x */
	h += 2;
	if (*h == '/' || *h == '\\' || *h == '\0' ||
	    strncasecmp(h, "localhost", 9) == 0)
		return 0;
	return !(((h[0] | 0x20) >= 'a' && (h[0] | 0x20) <= 'z') &&
	    (h[1] == ':' || h[1] == '|'));	/* file://C:/x */
}

/* A NUL-terminated string at *pos (bounded by n); returns its length. */
static const unsigned char *
office_cstr(const unsigned char *p, size_t n, size_t *pos, size_t *len_r)
{
	const unsigned char *s, *z;

	if (*pos >= n) {
		*pos = n;
		*len_r = 0;
		return p + n;
	}
	s = p + *pos;
	z = memchr(s, '\0', n - *pos);
	*len_r = z != NULL ? (size_t)(z - s) : n - *pos;
	*pos += *len_r + (z != NULL);
	return s;
}

static uint32_t
office_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* The packaged file's names: label, source path, temporary path. */
struct office_pkg {
	char			*name[3];
	const unsigned char	*data;
	size_t			 len;
	int			 has_data;
};

static int
office_pkg_parse(const unsigned char *p, size_t n, struct office_pkg *k,
    const char **error_r)
{
	const unsigned char *s;
	size_t pos = 2, sl, i;

	for (i = 0; i < 3; i++) {
		if (i == 2) {
			if (pos + 8 > n)
				break;
			pos += 8;	/* reserved, type 3, path length */
		}
		s = office_cstr(p, n, &pos, &sl);
		if ((k->name[i] = office_ansi(s, sl, error_r)) == NULL)
			return -1;
	}
	if (k->name[2] != NULL && pos + 4 <= n) {
		k->len = office_le32(p + pos);
		pos += 4;
		k->data = p + pos;
		k->len = k->len < n - pos ? k->len : n - pos;
		k->has_data = 1;
	}
	return 0;
}

int
office_package(struct office *of, const char *from, const unsigned char *p,
    size_t n, const char **error_r)
{
	struct office_pkg k;
	const char *names[3], *label;
	size_t nn = 0, i, j;
	int rc = -1;

	memset(&k, 0, sizeof(k));
	if (office_pkg_parse(p, n, &k, error_r) == -1)
		goto out;
	for (i = 0; i < 3 && k.name[i] != NULL; i++) {
		const char *b = i == 0 ? k.name[i] : office_basename(k.name[i]);

		for (j = 0; j < nn && strcmp(names[j], b) != 0; j++)
			;
		if (*b != '\0' && j == nn)
			names[nn++] = b;
	}
	label = nn > 0 ? names[0] : "package";
	msgctx_finding(of->msg, "office.ole_object", of->o->where,
	    "embedded package \"%s\" (%s), %zu bytes%s", label, from, k.len,
	    k.has_data ? "" : ", no data (a link)");
	rc = k.has_data ? office_embed(of, label, names, nn, k.data, k.len,
	    error_r) : 0;
out:
	for (i = 0; i < 3; i++)
		free(k.name[i]);
	return rc;
}

/* "<where>/<name>" for what is inside an attachment at the top. */
static const char *
office_base(struct msgctx *msg, const struct content_obj *o)
{
	if (o->depth == 0 && o->nnames > 0 && o->names[0] != NULL &&
	    o->names[0][0] != '\0')
		return arena_printf(msg->arena, "%s/%s", o->where,
		    o->names[0]);
	return o->where;
}

static void
office_report(struct office *of)
{
	if (of->macro.len > 0)
		msgctx_finding(of->msg, "office.macro", of->o->where, "%s",
		    sbuf_str(&of->macro));
	if (of->xlm.len > 0)
		msgctx_finding(of->msg, "office.xlm_macro", of->o->where,
		    "%s", sbuf_str(&of->xlm));
}

static const unsigned char office_cfb_sig[8] = {
	0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1
};

int
office_scan(struct msgctx *msg, const struct content_obj *o,
    const char **error_r)
{
	struct office of;
	int rc = 0;

	memset(&of, 0, sizeof(of));
	of.msg = msg;
	of.o = o;
	of.base = office_base(msg, o);
	of.recurse = o->type == NULL || o->type->cls != FTYPE_ARCHIVE;
	sbuf_init(&of.macro, 0);
	sbuf_init(&of.xlm, 0);
	if (o->len >= 8 && memcmp(o->data, office_cfb_sig, 8) == 0)
		rc = office_ole_scan(&of, error_r);
	else if (o->len >= 4 && memcmp(o->data, "{\\rt", 4) == 0)
		rc = office_rtf_scan(&of, error_r);
	else if (o->len >= 4 && memcmp(o->data, "PK", 2) == 0)
		rc = office_ooxml_scan(&of, error_r);
	if (rc == 0)
		office_report(&of);
	sbuf_release(&of.macro);
	sbuf_release(&of.xlm);
	return rc;
}

int
office_is_ooxml(const unsigned char *buf, size_t len)
{
	struct office_zip z;
	struct office_zip_ent e;
	unsigned n = 0;
	static const char ct[] = "[Content_Types].xml";

	if (office_zip_open(buf, len, &z) == -1)
		return 0;
	while (n++ < OFFICE_OOXML_LOOK && office_zip_next(&z, &e) == 1)
		if (e.namelen == sizeof(ct) - 1 &&
		    strncasecmp((const char *)e.name, ct, e.namelen) == 0)
			return 1;
	return 0;
}
