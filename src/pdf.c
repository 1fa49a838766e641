/*
 * pdf: the scan of one PDF (see pdf.h): the top-level reading of the
 * file, embedded files, and the findings.
 *
 * The top level is a sequence of tokens: two integers and "obj" start an
 * object (pdf_obj.c reads it and its stream), "trailer" a trailer; names
 * met outside objects (what a broken file leaves) still count.  At the
 * end, /OpenAction references are resolved against the action objects
 * seen, embedded files are decoded and passed on, and the findings and
 * links are recorded (links are not judged in an encrypted file: its
 * strings are ciphertext).
 *
 * Untrusted input: the file.  Limits: see pdf.h; the scan time is
 * checked every PDF_TIME_EVERY tokens.  Ownership: every list and buffer
 * is freed before pdf_scan() returns; where strings come from the
 * message's arena.  Not thread-safe: one message.
 */
#include <stdlib.h>
#include <string.h>

#include "analyse.h"
#include "arena.h"
#include "content.h"
#include "mem.h"
#include "msgctx.h"
#include "pdf.h"
#include "pdf_int.h"
#include "policy.h"
#include "urlcheck.h"

#define PDF_TIME_EVERY	4096	/* tokens between time checks */

void *
pdf_push(void **v, size_t *n, size_t *cap, size_t size, size_t max)
{
	unsigned char *p;

	if (*n >= max)
		return NULL;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = mem_reallocarray(*v, *cap, size);
	}
	p = (unsigned char *)*v + *n * size;
	memset(p, 0, size);
	(*n)++;
	return p;
}

int
pdf_time_up(struct pdf_scan *sc)
{
	if (!sc->stop && msgctx_time_up(sc->msg, sc->o->where, "PDF"))
		sc->stop = 1;
	return sc->stop;
}

/* The top level: objects, trailers, and stray names. */
static int
pdf_walk(struct pdf_scan *sc, const char **error_r)
{
	struct pdf_lex *lx = &sc->lx;
	struct pdf_token t;
	int64_t num[2] = { 0, 0 };
	unsigned ints = 0, tokens = 0;
	int rc = 0;

	while (rc == 0) {
		if (++tokens % PDF_TIME_EVERY == 0 && pdf_time_up(sc))
			break;
		pdf_lex_clear(lx);
		pdf_lex_token(lx, &t);
		if (t.kind == PDF_T_EOF)
			break;
		if (t.kind == PDF_T_NUM && t.integer) {
			num[0] = num[1];
			num[1] = t.num;
			ints = ints < 2 ? ints + 1 : 2;
			continue;
		}
		if (pdf_lex_is(lx, &t, "obj") && ints == 2)
			rc = pdf_object(sc, num[0], error_r);
		else if (pdf_lex_is(lx, &t, "trailer"))
			rc = pdf_trailer(sc, error_r);
		else if (t.kind == PDF_T_NAME && t.len > 0)
			pdf_loose_name(sc, lx->text.data + t.off, t.len);
		ints = 0;
	}
	return rc;
}

static int
pdf_cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
pdf_cmp_ef(const void *a, const void *b)
{
	return pdf_cmp64(&((const struct pdf_ef *)a)->objnum,
	    &((const struct pdf_ef *)b)->objnum);
}

/* Does an /OpenAction reference name an action dictionary? */
static void
pdf_resolve_open(struct pdf_scan *sc)
{
	size_t i;

	if (sc->nacts == 0 || sc->nopens == 0)
		return;
	qsort(sc->acts, sc->nacts, sizeof(*sc->acts), pdf_cmp64);
	for (i = 0; i < sc->nopens; i++)
		if (bsearch(&sc->opens[i], sc->acts, sc->nacts,
		    sizeof(*sc->acts), pdf_cmp64) != NULL) {
			if (sc->autoact++ == 0) {
				sc->auto_obj = sc->opens[i];
				sc->auto_key = "/OpenAction";
			}
			return;
		}
}

/* "<where>/<name>" for what is inside an attachment at the top. */
static const char *
pdf_base(struct msgctx *msg, const struct content_obj *o)
{
	if (o->depth == 0 && o->nnames > 0 && o->names[0] != NULL &&
	    o->names[0][0] != '\0')
		return arena_printf(msg->arena, "%s/%s", o->where,
		    o->names[0]);
	return o->where;
}

/* base + "/" + label, the label cut at its start to max_name_length. */
static const char *
pdf_where(struct pdf_scan *sc, const char *label)
{
	size_t len = strlen(label), max = sc->msg->pol->lim.name_length;
	const char *cut = "";

	if (len > max) {
		label += len - max;
		while ((*label & 0xc0) == 0x80)
			label++;
		cut = "...";
	}
	return arena_printf(sc->msg->arena, "%s/%s%s", sc->base, cut, label);
}

/* May another embedded file be passed on?  Records limits once. */
static int
pdf_may_embed(struct pdf_scan *sc)
{
	const struct policy_limits *lim = &sc->msg->pol->lim;

	if (sc->embed_off || pdf_time_up(sc))
		return 0;
	if (sc->o->depth >= lim->archive_depth) {
		msgctx_finding(sc->msg, "limit.archive_depth", sc->o->where,
		    "files nested %u deep, limit %u; the PDF's embedded "
		    "files were not examined", sc->o->depth + 1,
		    lim->archive_depth);
		sc->embed_off = 1;
		return 0;
	}
	if (++sc->files > lim->archive_entries) {
		msgctx_finding(sc->msg, "limit.archive_entries", sc->o->where,
		    "more than %u embedded files, limit %u; the rest was not "
		    "examined", lim->archive_entries, lim->archive_entries);
		sc->embed_off = 1;
		return 0;
	}
	return 1;
}

static int
pdf_file(struct pdf_scan *sc, const struct pdf_stream *s,
    const struct pdf_ef *ef, const char **error_r)
{
	const char *names[2], *label;
	size_t nn = 0;
	int rc;

	if (ef != NULL && ef->name[0] != NULL && ef->name[0][0] != '\0')
		names[nn++] = ef->name[0];
	if (ef != NULL && ef->name[1] != NULL && ef->name[1][0] != '\0' &&
	    (nn == 0 || strcmp(names[0], ef->name[1]) != 0))
		names[nn++] = ef->name[1];
	label = nn > 0 ? names[0] : arena_printf(sc->msg->arena,
	    "embedded-%lld", (long long)s->objnum);
	msgctx_finding(sc->msg, "pdf.embedded_file", sc->o->where,
	    "embedded file \"%s\" (object %lld, %zu bytes stored)", label,
	    (long long)s->objnum, s->len);
	if (!pdf_may_embed(sc))
		return 0;
	sbuf_reset(&sc->dec);
	rc = pdf_filter_decode(sc->msg, sc->o->where, s->f, s->nf,
	    sc->o->data + s->off, s->len, &sc->dec, error_r);
	if (rc == -1)
		return -1;
	if (rc == 1)
		return 0;		/* a filter we cannot undo */
	return analyse_object(sc->msg, pdf_where(sc, label), names, nn, NULL,
	    sc->dec.len > 0 ? sc->dec.data : (const unsigned char *)"",
	    sc->dec.len, sc->o->depth + 1, error_r);
}

static int
pdf_files(struct pdf_scan *sc, const char **error_r)
{
	const struct pdf_ef *ef;
	struct pdf_ef key;
	size_t i, found = 0;

	if (sc->nef > 1)
		qsort(sc->ef, sc->nef, sizeof(*sc->ef), pdf_cmp_ef);
	for (i = 0; i < sc->nst; i++) {
		key.objnum = sc->st[i].objnum;
		ef = sc->nef == 0 ? NULL : bsearch(&key, sc->ef, sc->nef,
		    sizeof(*sc->ef), pdf_cmp_ef);
		if (ef == NULL && !sc->st[i].embedded)
			continue;
		found++;
		if (pdf_file(sc, &sc->st[i], ef, error_r) == -1)
			return -1;
	}
	if (found == 0 && (sc->marks > 0 || sc->nef > 0))
		msgctx_finding(sc->msg, "pdf.embedded_file", sc->o->where,
		    "embedded file named in the PDF, but its data could not "
		    "be found");
	return 0;
}

static void
pdf_report(struct pdf_scan *sc)
{
	struct msgctx *msg = sc->msg;
	const char *w = sc->o->where;
	size_t i;
	int full;

	if (sc->js > 0)
		msgctx_finding(msg, "pdf.javascript", w, "JavaScript (/JS or "
		    "/JavaScript) %u time%s, first in object %lld", sc->js,
		    sc->js == 1 ? "" : "s", (long long)sc->js_obj);
	if (sc->launch > 0)
		msgctx_finding(msg, "pdf.launch", w, "/Launch action (runs "
		    "a program or opens a file) in object %lld",
		    (long long)sc->launch_obj);
	if (sc->autoact > 0)
		msgctx_finding(msg, "pdf.auto_action", w, "%s runs an action "
		    "when the document is opened or used (object %lld)",
		    sc->auto_key, (long long)sc->auto_obj);
	if (sc->encrypted) {
		msgctx_finding(msg, "pdf.encrypted", w, "the PDF is "
		    "encrypted (/Encrypt): its strings, streams and links "
		    "could not be inspected");
		return;
	}
	/* Past max_urls, one more call records limit.url_count. */
	for (i = 0; i < sc->nuris; i++) {
		full = urlcheck_full(msg);
		urlcheck_url(msg, w, sc->uris[i], strlen(sc->uris[i]), NULL,
		    0, URLCHECK_PDF);
		if (full)
			break;
	}
}

static void
pdf_free(struct pdf_scan *sc)
{
	size_t i;

	for (i = 0; i < sc->nef; i++) {
		free(sc->ef[i].name[0]);
		free(sc->ef[i].name[1]);
	}
	for (i = 0; i < sc->nuris; i++)
		free(sc->uris[i]);
	free(sc->ef);
	free(sc->st);
	free(sc->acts);
	free(sc->opens);
	free(sc->uris);
	free(sc->uset);
	pdf_lex_free(&sc->lx);
	sbuf_release(&sc->dec);
}

int
pdf_scan(struct msgctx *msg, const struct content_obj *o,
    const char **error_r)
{
	struct pdf_scan sc;
	int rc;

	memset(&sc, 0, sizeof(sc));
	sc.msg = msg;
	sc.o = o;
	sc.base = pdf_base(msg, o);
	sc.objnum = -1;
	pdf_lex_init(&sc.lx, o->data, o->len);
	sbuf_init(&sc.dec, 0);
	rc = pdf_walk(&sc, error_r);
	if (rc == 0) {
		pdf_resolve_open(&sc);
		rc = pdf_files(&sc, error_r);
	}
	if (rc == 0)
		pdf_report(&sc);
	pdf_free(&sc);
	return rc;
}
