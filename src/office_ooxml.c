/*
 * office_ooxml: OOXML packages (ECMA-376 Part 2, Open Packaging
 * Conventions) and ODF packages, read from the zip's central directory.
 *
 * What is looked at: member names (vbaProject.bin, xl/macrosheets/, ODF
 * Basic/ and Scripts/), [Content_Types].xml (macro-enabled and macro
 * sheet content types), every *.rels part (relationships with
 * TargetMode="External": templates, OLE objects, frames -> office.
 * external_template; every URL target -> urlcheck), Word parts (field
 * codes: fldSimple's instr and the instrText runs of complex fields ->
 * office.dde), Excel external links (ddeLink -> office.dde); other
 * members that are not XML (media, embeddings, binary parts) go to
 * analyse_object() when ftype called the file an Office document (when
 * it called it a zip, unpack passes every member on itself).
 *
 * Untrusted input: the zip and every part.  Limits: members counted
 * against max_archive_entries; parts inflated by flate (part size,
 * expanded bytes, ratio); a field code is kept up to OOXML_CODE_MAX bytes;
 * the scan time is checked per member.  Ownership: buffers are freed
 * before return.  Not thread-safe: one message.
 */
#define _GNU_SOURCE	/* strcasestr, memmem */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flate.h"
#include "content.h"
#include "mem.h"
#include "msgctx.h"
#include "office_int.h"
#include "policy.h"
#include "urlcheck.h"

#define OOXML_CODE_MAX	4096	/* bytes of one field code kept */
#define OOXML_SHOW	200	/* bytes of a field code or URL shown */

enum ooxml_kind {
	OOXML_OTHER,		/* XML we do not read */
	OOXML_TYPES,		/* [Content_Types].xml */
	OOXML_RELS,		/* *.rels */
	OOXML_WORD,		/* word/ *.xml: field codes */
	OOXML_XLLINK,		/* xl/externalLinks/ *.xml: DDE links */
	OOXML_BINARY		/* anything else: analyse it */
};

struct ooxml {
	struct office		*of;
	struct office_zip	 z;
	struct sbuf		 data;		/* an inflated member */
	struct sbuf		 val;		/* an attribute value */
	struct sbuf		 val2;
	struct sbuf		 code;		/* a field code */
	const char		*part;		/* member being read */
};

static int
ooxml_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcasecmp(s + n - m, suf) == 0;
}

static int
ooxml_prefix(const char *s, const char *pre)
{
	return strncasecmp(s, pre, strlen(pre)) == 0;
}

/* Names that are evidence by themselves (macros); 1 if name was one. */
static int
ooxml_name_evidence(struct office *of, const char *name)
{
	const char *base = office_basename(name);

	if (strcasecmp(base, "vbaProject.bin") == 0) {
		office_evidence(&of->macro, "VBA project %s", name);
		return 1;
	}
	if (ooxml_prefix(name, "xl/macrosheets/") ||
	    ooxml_prefix(name, "xl/intlmacrosheets/")) {
		office_evidence(&of->xlm, "Excel 4 macro sheet %s", name);
		return 1;
	}
	if ((ooxml_prefix(name, "Basic/") && ooxml_suffix(name, ".xml") &&
	    strcasecmp(base, "script-lb.xml") != 0 &&
	    strcasecmp(base, "script-lc.xml") != 0) ||
	    (ooxml_prefix(name, "Scripts/") && base[0] != '\0')) {
		office_evidence(&of->macro, "ODF macro %s", name);
		return 1;
	}
	return 0;
}

static enum ooxml_kind
ooxml_kind(const char *name)
{
	if (strcasecmp(name, "[Content_Types].xml") == 0)
		return OOXML_TYPES;
	if (ooxml_suffix(name, ".rels"))
		return OOXML_RELS;
	if (ooxml_prefix(name, "word/") && ooxml_suffix(name, ".xml"))
		return OOXML_WORD;
	if (ooxml_prefix(name, "xl/externalLinks/") &&
	    ooxml_suffix(name, ".xml"))
		return OOXML_XLLINK;
	if (ooxml_suffix(name, ".xml") || ooxml_suffix(name, ".vml") ||
	    strcasecmp(name, "mimetype") == 0 ||
	    strcasecmp(office_basename(name), "vbaProject.bin") == 0 ||
	    strcasecmp(office_basename(name), "vbaProjectSignature.bin") == 0)
		return OOXML_OTHER;
	return OOXML_BINARY;
}

static void
ooxml_types(struct ooxml *x, const unsigned char *p, size_t n)
{
	struct office_xml_tag t;
	size_t pos = 0;
	const char *ct;

	while (office_xml_next(p, n, &pos, &t)) {
		if (t.end || (!office_xml_is(&t, "Default") &&
		    !office_xml_is(&t, "Override")) ||
		    !office_xml_attr(&t, "ContentType", &x->val))
			continue;
		ct = sbuf_str(&x->val);
		if (strcasestr(ct, "macroenabled") != NULL ||
		    strcasestr(ct, "vbaproject") != NULL)
			office_evidence(&x->of->macro, "macro-enabled "
			    "content type %.*s", OOXML_SHOW, ct);
		if (strcasestr(ct, "macrosheet") != NULL)
			office_evidence(&x->of->xlm, "Excel 4 macro sheet "
			    "content type %.*s", OOXML_SHOW, ct);
	}
}

/* One external relationship: its kind (Type's last segment) and target. */
static void
ooxml_external(struct ooxml *x, const char *type, const char *target)
{
	struct office *of = x->of;
	const char *kind = strrchr(type, '/');
	size_t tl = strlen(target);
	int link;

	kind = kind != NULL ? kind + 1 : type;
	link = strcasecmp(kind, "hyperlink") == 0;
	if (!link && strcasecmp(kind, "externalLinkPath") != 0 &&
	    strcasecmp(kind, "externalLink") != 0 && office_remote(target))
		msgctx_finding(of->msg, "office.external_template",
		    of->o->where, "%s relationship in %s to another "
		    "machine: %.*s", kind[0] ? kind : "untyped", x->part,
		    OOXML_SHOW, target);
	if (strncasecmp(target, "mhtml:", 6) == 0) {
		/* mhtml:http://host/a.html!x-usc:...: the page fetched */
		target += 6;
		tl = strcspn(target, "!");
	}
	if (office_urlish(target) && strncasecmp(target, "file:", 5) != 0)
		urlcheck_url(of->msg, of->o->where, target, tl, NULL, 0,
		    link ? URLCHECK_HREF : URLCHECK_EXTERNAL);
}

static void
ooxml_rels(struct ooxml *x, const unsigned char *p, size_t n)
{
	struct office_xml_tag t;
	size_t pos = 0;

	while (office_xml_next(p, n, &pos, &t)) {
		if (t.end || !office_xml_is(&t, "Relationship") ||
		    !office_xml_attr(&t, "TargetMode", &x->val) ||
		    strcasecmp(sbuf_str(&x->val), "External") != 0 ||
		    !office_xml_attr(&t, "Target", &x->val))
			continue;
		if (!office_xml_attr(&t, "Type", &x->val2))
			sbuf_reset(&x->val2);
		ooxml_external(x, sbuf_str(&x->val2), sbuf_str(&x->val));
	}
}

/* A field code collected so far: judge it, then start again. */
static void
ooxml_field_end(struct ooxml *x)
{
	if (x->code.len > 0 && office_dde_code(x->code.data, x->code.len))
		msgctx_finding(x->of->msg, "office.dde", x->of->o->where,
		    "DDE field in %s: %.*s", x->part, OOXML_SHOW,
		    sbuf_str(&x->code));
	sbuf_reset(&x->code);
}

static void
ooxml_word(struct ooxml *x, const unsigned char *p, size_t n)
{
	struct office_xml_tag t;
	size_t pos = 0;

	/* Field codes live in w:instr attributes and w:instrText elements
	 * (names are never escaped in XML): most parts have none. */
	if (memmem(p, n, "instr", 5) == NULL)
		return;
	sbuf_reset(&x->code);
	while (office_xml_next(p, n, &pos, &t)) {
		if (t.end)
			continue;
		if (office_xml_is(&t, "fldSimple") &&
		    office_xml_attr(&t, "instr", &x->val)) {
			ooxml_field_end(x);
			sbuf_append(&x->code, x->val.data, x->val.len);
			ooxml_field_end(x);
		} else if (office_xml_is(&t, "fldChar"))
			ooxml_field_end(x);
		else if (office_xml_is(&t, "instrText") &&
		    (t.attrslen == 0 || t.attrs[t.attrslen - 1] != '/'))
			office_xml_text(t.text, t.textlen, &x->code);
	}
	ooxml_field_end(x);
}

static void
ooxml_xllink(struct ooxml *x, const unsigned char *p, size_t n)
{
	struct office_xml_tag t;
	size_t pos = 0;

	while (office_xml_next(p, n, &pos, &t)) {
		if (t.end || !office_xml_is(&t, "ddeLink"))
			continue;
		if (!office_xml_attr(&t, "ddeService", &x->val))
			sbuf_reset(&x->val);
		if (!office_xml_attr(&t, "ddeTopic", &x->val2))
			sbuf_reset(&x->val2);
		msgctx_finding(x->of->msg, "office.dde", x->of->o->where,
		    "DDE link in %s: service \"%.*s\", topic \"%.*s\"",
		    x->part, OOXML_SHOW, sbuf_str(&x->val), OOXML_SHOW,
		    sbuf_str(&x->val2));
	}
}

static int
ooxml_member(struct ooxml *x, const struct office_zip_ent *e,
    const char *name, const char **error_r)
{
	enum ooxml_kind k = ooxml_kind(name);
	const unsigned char *p;
	const char *names[1];
	size_t n;
	int rc;

	if (ooxml_name_evidence(x->of, name) || k == OOXML_OTHER ||
	    (k == OOXML_BINARY && !x->of->recurse))
		return 0;
	x->part = name;
	sbuf_reset(&x->data);
	rc = office_zip_data(x->of->msg, office_where(x->of, name), &x->z, e,
	    &x->data, &p, &n, error_r);
	if (rc == -1)
		return -1;
	if (n == 0 && k != OOXML_BINARY)
		return 0;
	switch (k) {
	case OOXML_TYPES:
		ooxml_types(x, p, n);
		break;
	case OOXML_RELS:
		ooxml_rels(x, p, n);
		break;
	case OOXML_WORD:
		ooxml_word(x, p, n);
		break;
	case OOXML_XLLINK:
		ooxml_xllink(x, p, n);
		break;
	default:
		names[0] = office_basename(name);
		return office_embed(x->of, name, names, names[0][0] ? 1 : 0,
		    p, n, error_r);
	}
	return 0;
}

static int
ooxml_walk(struct ooxml *x, const char **error_r)
{
	const struct policy_limits *lim = &x->of->msg->pol->lim;
	struct office_zip_ent e;
	unsigned count = 0;
	char *name;
	int rc = 0;

	while (rc == 0 && !office_time_up(x->of) &&
	    office_zip_next(&x->z, &e) == 1) {
		if (++count > lim->archive_entries) {
			if (x->of->recurse)
				msgctx_finding(x->of->msg,
				    "limit.archive_entries", x->of->o->where,
				    "more than %u members, limit %u; the rest "
				    "was not examined", lim->archive_entries,
				    lim->archive_entries);
			break;
		}
		if (e.namelen == 0 || e.name[e.namelen - 1] == '/')
			continue;
		name = mem_strndup((const char *)e.name, e.namelen);
		rc = ooxml_member(x, &e, name, error_r);
		free(name);
	}
	return rc;
}

int
office_ooxml_scan(struct office *of, const char **error_r)
{
	struct ooxml x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.of = of;
	if (office_zip_open(of->o->data, of->o->len, &x.z) == -1)
		return 0;
	sbuf_init(&x.data, 0);
	sbuf_init(&x.val, 0);
	sbuf_init(&x.val2, 0);
	sbuf_init(&x.code, OOXML_CODE_MAX);
	rc = ooxml_walk(&x, error_r);
	sbuf_release(&x.data);
	sbuf_release(&x.val);
	sbuf_release(&x.val2);
	sbuf_release(&x.code);
	return rc;
}

/* Next word of s[*at..n) (white space and quotes separate). */
static size_t
dde_word(const unsigned char *s, size_t n, size_t *at, const unsigned char **w)
{
	size_t p = *at, b;

	while (p < n && (s[p] == ' ' || s[p] == '\t' || s[p] == '\r' ||
	    s[p] == '\n' || s[p] == '"' || s[p] == '\''))
		p++;
	for (b = p; p < n && s[p] != ' ' && s[p] != '\t' && s[p] != '\r' &&
	    s[p] != '\n' && s[p] != '"' && s[p] != '\''; p++)
		;
	*w = s + b;
	*at = p;
	return p - b;
}

static int
dde_is(const unsigned char *w, size_t n)
{
	return (n == 3 && strncasecmp((const char *)w, "DDE", 3) == 0) ||
	    (n == 7 && strncasecmp((const char *)w, "DDEAUTO", 7) == 0);
}

/* QUOTE 68 68 69 ...: the characters spelled by decimal codes. */
static int
dde_quote(const unsigned char *s, size_t n, size_t at)
{
	unsigned char spelt[16];
	const unsigned char *w;
	size_t k = 0, wl, i;
	unsigned v;

	while (k < sizeof(spelt) && (wl = dde_word(s, n, &at, &w)) > 0) {
		for (i = 0, v = 0; i < wl && w[i] >= '0' && w[i] <= '9' &&
		    v < 256; i++)
			v = v * 10 + (unsigned)(w[i] - '0');
		if (i != wl || v == 0 || v > 255)
			break;
		spelt[k++] = (unsigned char)v;
	}
	for (i = 0; i < k && spelt[i] == ' '; i++)
		;
	return k - i >= 3 && strncasecmp((const char *)spelt + i, "DDE", 3)
	    == 0;
}

int
office_dde_code(const unsigned char *s, size_t n)
{
	const unsigned char *w;
	size_t at = 0, wl;

	if (s == NULL || n == 0)	/* an empty field code (NULL data) */
		return 0;
	wl = dde_word(s, n, &at, &w);
	if (dde_is(w, wl))
		return 1;
	if (wl == 5 && strncasecmp((const char *)w, "QUOTE", 5) == 0)
		return dde_quote(s, n, at);
	return 0;
}
