/*
 * pdf_obj: what one PDF object says, and its stream.
 *
 * Every name in a value is looked at (/JavaScript, /JS, /Launch,
 * /EmbeddedFile(s)), and every dictionary's keys: /OpenAction (a
 * dictionary with an action type /S, or a reference resolved at the
 * end), /AA (additional actions that run by themselves), /URI (a link
 * for urlcheck), /Encrypt,
 * /EF (a file specification's embedded stream, with its /UF and /F
 * names); an object that is itself a dictionary with /S is an action.
 * A stream's extent comes from a direct /Length when "endstream" follows
 * it, else from the next "endstream"; its filters, whether it is an
 * embedded file, and object streams (/Type /ObjStm, ISO 32000-1 section
 * 7.5.7) are decoded and their objects read in turn.
 *
 * Untrusted input: everything.  Limits: values are bounded by pdf_lex;
 * lists are bounded (PDF_STREAMS_MAX streams, PDF_REFS_MAX references,
 * max_urls + 1 distinct links, kept in a hash set); an object stream holds at most PDF_OBJSTM_MAX
 * objects and is decoded under the expansion limits (flate).
 * Ownership: lists belong to the scan.  Not thread-safe: one scan.
 */
#define _GNU_SOURCE	/* memmem */
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "mem.h"
#include "msgctx.h"
#include "pdf_int.h"
#include "policy.h"

#define PDF_URI_MAX	8192		/* bytes of a /URI kept */

static void
obj_name(struct pdf_scan *sc, const unsigned char *b, size_t n)
{
	if ((n == 2 && memcmp(b, "JS", 2) == 0) ||
	    (n == 10 && memcmp(b, "JavaScript", 10) == 0)) {
		if (sc->js++ == 0)
			sc->js_obj = sc->objnum;
	} else if (n == 6 && memcmp(b, "Launch", 6) == 0) {
		if (sc->launch++ == 0)
			sc->launch_obj = sc->objnum;
	} else if ((n == 12 && memcmp(b, "EmbeddedFile", 12) == 0) ||
	    (n == 13 && memcmp(b, "EmbeddedFiles", 13) == 0))
		sc->marks++;
}

void
pdf_loose_name(struct pdf_scan *sc, const unsigned char *b, size_t n)
{
	obj_name(sc, b, n);
}

/* FNV-1a: the slot of a link in the set. */
static size_t
obj_uri_slot(const unsigned char *b, size_t n, size_t cap)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return (size_t)h & (cap - 1);
}

/* Is the link already kept?  Else where its index goes (*slot_r). */
static int
obj_uri_seen(struct pdf_scan *sc, const unsigned char *b, size_t n,
    size_t *slot_r)
{
	size_t i = obj_uri_slot(b, n, sc->uset_cap);
	const char *u;

	for (; sc->uset[i] != 0; i = (i + 1) & (sc->uset_cap - 1)) {
		u = sc->uris[sc->uset[i] - 1];
		if (strlen(u) == n && memcmp(u, b, n) == 0)
			return 1;
	}
	*slot_r = i;
	return 0;
}

/* Keep a /URI link once (a link on every page is one link), at most
 * max_urls + 1 of them: urlcheck records the limit. */
static void
obj_uri(struct pdf_scan *sc, uint32_t v)
{
	size_t max = (size_t)sc->msg->pol->max_urls + 1, n, slot;
	const unsigned char *b;
	char **u;

	if (pdf_node(&sc->lx, v)->type != PDF_STR)
		return;
	b = pdf_node_bytes(&sc->lx, v, &n);
	while (n > 0 && (b[n - 1] == '\0' || b[n - 1] == ' '))
		n--;
	n = n < PDF_URI_MAX ? n : PDF_URI_MAX;
	if (n == 0 || memchr(b, '\0', n) != NULL || sc->nuris >= max)
		return;
	if (sc->uset == NULL) {
		for (sc->uset_cap = 64; sc->uset_cap < 2 * max;)
			sc->uset_cap *= 2;
		sc->uset = mem_reallocarray(NULL, sc->uset_cap,
		    sizeof(*sc->uset));
		memset(sc->uset, 0, sc->uset_cap * sizeof(*sc->uset));
	}
	if (obj_uri_seen(sc, b, n, &slot))
		return;
	u = pdf_push((void **)&sc->uris, &sc->nuris, &sc->capuris,
	    sizeof(*u), max);
	*u = mem_strndup((const char *)b, n);
	sc->uset[slot] = (uint32_t)sc->nuris;
}

static void
obj_auto(struct pdf_scan *sc, const char *key)
{
	if (sc->autoact++ == 0) {
		sc->auto_obj = sc->objnum;
		sc->auto_key = key;
	}
}

/* A file specification's names (NULL when absent). */
static int
obj_ef_names(struct pdf_scan *sc, uint32_t d, struct pdf_ef *e,
    const char **error_r)
{
	static const char *const keys[2] = { "UF", "F" };
	const unsigned char *b;
	uint32_t v;
	size_t n, i;

	for (i = 0; i < 2; i++) {
		v = pdf_dict_get(&sc->lx, d, keys[i]);
		if (v == 0 || pdf_node(&sc->lx, v)->type != PDF_STR)
			continue;
		b = pdf_node_bytes(&sc->lx, v, &n);
		if ((e->name[i] = pdf_text_utf8(b, n, PDF_NAME_SHOW,
		    error_r)) == NULL)
			return -1;
	}
	return 0;
}

/* /EF << /F 7 0 R /UF 7 0 R >>: the streams of a file specification. */
static int
obj_ef(struct pdf_scan *sc, uint32_t d, uint32_t ef, const char **error_r)
{
	struct pdf_ef *e;
	uint32_t k, v;
	int64_t last = -1;

	if (pdf_node(&sc->lx, ef)->type != PDF_DICT)
		return 0;
	for (k = pdf_node(&sc->lx, ef)->child; k != 0; k = v ?
	    pdf_node(&sc->lx, v)->next : 0) {
		v = pdf_node(&sc->lx, k)->next;
		if (v == 0 || pdf_node(&sc->lx, v)->type != PDF_REF ||
		    pdf_node(&sc->lx, v)->num == last)
			continue;
		last = pdf_node(&sc->lx, v)->num;
		if ((e = pdf_push((void **)&sc->ef, &sc->nef, &sc->capef,
		    sizeof(*e), PDF_REFS_MAX)) == NULL)
			return 0;
		e->objnum = last;
		if (obj_ef_names(sc, d, e, error_r) == -1)
			return -1;
	}
	return 0;
}

/*
 * Does an additional-actions dictionary (ISO 32000-1 section 12.6.3) run
 * something without the reader doing anything: when a page opens or
 * closes (O, C of a page), the document closes, saves or prints (WC, WS,
 * DS, WP, DP), or an annotation's page opens, closes or shows (PO, PC,
 * PV, PI)?  Form fields' keystroke, format, validate and calculate
 * actions (K, F, V, C) and mouse actions are not counted: fillable forms
 * use them everywhere (their script still counts as JavaScript).
 */
static int
obj_aa_auto(struct pdf_scan *sc, uint32_t owner, uint32_t aa)
{
	static const char *const keys[] = { "O", "WC", "WS", "DS", "WP",
	    "DP", "PO", "PC", "PV", "PI" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (pdf_dict_get(&sc->lx, aa, keys[i]) != 0)
			return 1;
	return pdf_dict_get(&sc->lx, aa, "C") != 0 && pdf_node_is(&sc->lx,
	    pdf_dict_get(&sc->lx, owner, "Type"), "Page");
}

static int
obj_dict(struct pdf_scan *sc, uint32_t d, const char **error_r)
{
	struct pdf_lex *lx = &sc->lx;
	uint32_t v;
	int64_t *r;

	if ((v = pdf_dict_get(lx, d, "OpenAction")) != 0) {
		if (pdf_dict_get(lx, v, "S") != 0)
			obj_auto(sc, "/OpenAction");
		else if (pdf_node(lx, v)->type == PDF_REF &&
		    (r = pdf_push((void **)&sc->opens, &sc->nopens,
		    &sc->capopens, sizeof(*r), PDF_REFS_MAX)) != NULL)
			*r = pdf_node(lx, v)->num;
	}
	if ((v = pdf_dict_get(lx, d, "AA")) != 0 && obj_aa_auto(sc, d, v))
		obj_auto(sc, "/AA");
	if ((v = pdf_dict_get(lx, d, "URI")) != 0)
		obj_uri(sc, v);
	if (pdf_dict_get(lx, d, "Encrypt") != 0)
		sc->encrypted = 1;
	if ((v = pdf_dict_get(lx, d, "EF")) != 0)
		return obj_ef(sc, d, v, error_r);
	return 0;
}

/* Every node of a value (the tree is at most PDF_DEPTH_MAX deep). */
static int
obj_visit(struct pdf_scan *sc, uint32_t i, unsigned depth,
    const char **error_r)
{
	struct pdf_node *n;
	const unsigned char *b;
	size_t len;
	uint32_t k;

	if (i == 0 || depth > PDF_DEPTH_MAX + 1)
		return 0;
	n = pdf_node(&sc->lx, i);
	if (n->type == PDF_NAME) {
		b = pdf_node_bytes(&sc->lx, i, &len);
		obj_name(sc, b, len);
		return 0;
	}
	if (n->type == PDF_DICT && obj_dict(sc, i, error_r) == -1)
		return -1;
	if (n->type != PDF_DICT && n->type != PDF_ARRAY)
		return 0;
	for (k = n->child; k != 0; k = pdf_node(&sc->lx, k)->next)
		if (obj_visit(sc, k, depth + 1, error_r) == -1)
			return -1;
	return 0;
}

/* A whole object's value. */
static int
obj_value(struct pdf_scan *sc, uint32_t root, const char **error_r)
{
	int64_t *a;

	if (pdf_dict_get(&sc->lx, root, "S") != 0 &&
	    (a = pdf_push((void **)&sc->acts, &sc->nacts, &sc->capacts,
	    sizeof(*a), PDF_REFS_MAX)) != NULL)
		*a = sc->objnum;
	return obj_visit(sc, root, 0, error_r);
}

/* What a stream dictionary says: filters and type. */
static void
obj_stream_info(struct pdf_scan *sc, uint32_t d, struct pdf_stream *s)
{
	struct pdf_lex *lx = &sc->lx;
	const unsigned char *b;
	uint32_t f = pdf_dict_get(lx, d, "Filter"), k;
	size_t n;

	s->embedded = pdf_node_is(lx, pdf_dict_get(lx, d, "Type"),
	    "EmbeddedFile");
	if (f != 0 && pdf_node(lx, f)->type == PDF_NAME) {
		b = pdf_node_bytes(lx, f, &n);
		s->f[s->nf++] = pdf_filter_byname(b, n);
	} else if (f != 0 && pdf_node(lx, f)->type == PDF_ARRAY)
		for (k = pdf_node(lx, f)->child; k != 0;
		    k = pdf_node(lx, k)->next) {
			b = pdf_node_bytes(lx, k, &n);
			if (s->nf == PDF_FILTERS_MAX) {
				s->f[0] = PDF_F_OTHER;	/* too many */
				break;
			}
			s->f[s->nf++] = pdf_node(lx, k)->type == PDF_NAME ?
			    pdf_filter_byname(b, n) : PDF_F_OTHER;
		}
}

/* The stream's data: [*off, *off + *len) of the file; moves lx->pos. */
static void
obj_stream_extent(struct pdf_scan *sc, uint32_t d, size_t *off,
    size_t *len)
{
	struct pdf_lex *lx = &sc->lx;
	uint32_t l = pdf_dict_get(lx, d, "Length");
	size_t s = lx->pos, e, after;
	const unsigned char *m;
	int64_t want;

	if (s < lx->n && lx->p[s] == '\r')
		s++;
	if (s < lx->n && lx->p[s] == '\n')
		s++;
	*off = s;
	if (l != 0 && pdf_node(lx, l)->type == PDF_NUM &&
	    (want = pdf_node(lx, l)->num) >= 0 &&
	    (uint64_t)want <= lx->n - s) {
		for (after = s + (size_t)want; after < lx->n &&
		    strchr(" \t\r\n\f", lx->p[after]) != NULL &&
		    lx->p[after] != '\0'; after++)
			;
		if (lx->n - after >= 9 &&
		    memcmp(lx->p + after, "endstream", 9) == 0) {
			*len = (size_t)want;
			lx->pos = after + 9;
			return;
		}
	}
	m = memmem(lx->p + s, lx->n - s, "endstream", 9);
	e = m != NULL ? (size_t)(m - lx->p) : lx->n;
	lx->pos = m != NULL ? e + 9 : lx->n;
	if (e > s && lx->p[e - 1] == '\n')
		e--;
	if (e > s && lx->p[e - 1] == '\r')
		e--;
	*len = e - s;
}

/* The objects of a decoded object stream: "N1 off1 N2 off2 ..." first. */
static int
obj_objstm_read(struct pdf_scan *sc, int64_t n, int64_t first,
    const char **error_r)
{
	struct pdf_lex *lx = &sc->lx;
	struct pdf_token t;
	int64_t *nums, i, k = 0;
	uint32_t v;
	size_t at;
	int rc = 0;

	n = n < 0 ? 0 : n > PDF_OBJSTM_MAX ? PDF_OBJSTM_MAX : n;
	nums = mem_reallocarray(NULL, (size_t)n + 1, sizeof(*nums));
	for (i = 0; i < 2 * n; i++) {
		pdf_lex_token(lx, &t);
		if (t.kind != PDF_T_NUM)
			break;
		if (i % 2 == 0)
			nums[k++] = t.num;
	}
	if (first >= 0 && (uint64_t)first < lx->n)
		lx->pos = (size_t)first;
	for (i = 0; rc == 0 && lx->pos < lx->n && i < PDF_OBJSTM_MAX; i++) {
		pdf_lex_clear(lx);
		at = lx->pos;
		if ((v = pdf_lex_value(lx)) == 0) {
			if (lx->pos == at)
				pdf_lex_token(lx, &t);	/* a keyword */
			continue;
		}
		sc->objnum = i < k ? nums[i] : -1;
		rc = obj_value(sc, v, error_r);
	}
	free(nums);
	return rc;
}

static int
obj_objstm(struct pdf_scan *sc, const struct pdf_stream *s, int64_t n,
    int64_t first, const char **error_r)
{
	struct pdf_lex *lx = &sc->lx;
	const unsigned char *p = lx->p;
	size_t len = lx->n, pos = lx->pos;
	int rc;

	sbuf_reset(&sc->dec);
	rc = pdf_filter_decode(sc->msg, sc->o->where, s->f, s->nf,
	    p + s->off, s->len, &sc->dec, error_r);
	if (rc == -1)
		return -1;
	if (rc == 1 || sc->dec.len == 0)
		return 0;
	pdf_lex_reset(lx, sc->dec.data, sc->dec.len, 0);
	rc = obj_objstm_read(sc, n, first, error_r);
	pdf_lex_reset(lx, p, len, pos);
	return rc;
}

static int64_t
obj_int(struct pdf_scan *sc, uint32_t d, const char *key)
{
	uint32_t v = pdf_dict_get(&sc->lx, d, key);

	return v != 0 && pdf_node(&sc->lx, v)->type == PDF_NUM ?
	    pdf_node(&sc->lx, v)->num : -1;
}

static int
obj_stream(struct pdf_scan *sc, uint32_t d, int64_t objnum,
    const char **error_r)
{
	struct pdf_stream s, *keep;
	int64_t n, first;
	int objstm;

	memset(&s, 0, sizeof(s));
	s.objnum = objnum;
	obj_stream_info(sc, d, &s);
	objstm = pdf_node_is(&sc->lx, pdf_dict_get(&sc->lx, d, "Type"),
	    "ObjStm");
	n = obj_int(sc, d, "N");
	first = obj_int(sc, d, "First");
	obj_stream_extent(sc, d, &s.off, &s.len);
	if (s.embedded || sc->nst < PDF_STREAMS_MAX)
		if ((keep = pdf_push((void **)&sc->st, &sc->nst, &sc->capst,
		    sizeof(*keep), PDF_STREAMS_MAX + PDF_REFS_MAX)) != NULL)
			*keep = s;
	return objstm ? obj_objstm(sc, &s, n, first, error_r) : 0;
}

int
pdf_object(struct pdf_scan *sc, int64_t objnum, const char **error_r)
{
	struct pdf_lex *lx = &sc->lx;
	struct pdf_token t;
	uint32_t root;
	size_t at;

	pdf_lex_clear(lx);
	sc->objnum = objnum;
	root = pdf_lex_value(lx);
	if (obj_value(sc, root, error_r) == -1)
		return -1;
	at = lx->pos;
	pdf_lex_token(lx, &t);
	if (pdf_lex_is(lx, &t, "stream"))
		return obj_stream(sc, root, objnum, error_r);
	lx->pos = at;
	return 0;
}

int
pdf_trailer(struct pdf_scan *sc, const char **error_r)
{
	pdf_lex_clear(&sc->lx);
	sc->objnum = -1;
	return obj_value(sc, pdf_lex_value(&sc->lx), error_r);
}
