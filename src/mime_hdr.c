/*
 * mime_hdr: header blocks of the MIME walker: unfolding, the header-size
 * limit, Content-Type / Content-Transfer-Encoding / Content-Disposition,
 * boundaries and file-name candidates (RFC 2045, 2046, 2047, 2183, 2231).
 *
 * Untrusted input: header lines, in pieces when longer than MIME_LINE_MAX.
 * Limits: the block by limits.header_size (what does not fit goes to the
 * body, reported once); MIME_HV_MAX values per Content-* header;
 * MIME_BND_MAX boundaries of at most MIME_BND_LEN bytes; MIME_MAX_NAMES
 * names of at most limits.name_length bytes.  Where a header can be read
 * two ways the entity records mime.ambiguous and keeps both readings.
 *
 * Ownership: stored values belong to the walker until the block ends;
 * classified strings belong to the entity.  Not thread-safe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "mime_int.h"

enum {
	HV_CT = 0,	/* Content-Type */
	HV_CTE,		/* Content-Transfer-Encoding */
	HV_CD		/* Content-Disposition */
};

#define VALUE_MAX	128	/* bytes kept of a type or disposition */
#define NAME_TRIES	4	/* duplicates of a name parameter decoded */
#define CHARSET_MAX	64

void
mime_hdr_reset(struct mime *w)
{
	struct mime_hdrs *h = &w->h;
	size_t i, j;

	for (i = 0; i < 3; i++) {
		for (j = 0; j < h->nv[i]; j++)
			free(h->v[i][j]);
		h->nv[i] = 0;
	}
	sbuf_reset(&h->cur);
	h->cur.truncated = 0;
	h->line_off = 0;
	h->have = 0;
	h->nlines = 0;
	h->bytes = 0;
}

/* ---- one header -------------------------------------------------- */

static int
is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* RFC 5322 ftext: printable US-ASCII except colon. */
static int
name_ok(const unsigned char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 33 || s[i] > 126 || s[i] == ':')
			return 0;
	return 1;
}

static int
hv_index(const char *name)
{
	if (strcasecmp(name, "content-type") == 0)
		return HV_CT;
	if (strcasecmp(name, "content-transfer-encoding") == 0)
		return HV_CTE;
	if (strcasecmp(name, "content-disposition") == 0)
		return HV_CD;
	return -1;
}

static void
hv_store(struct mime *w, struct ent *f, int i, const unsigned char *v,
    size_t vl)
{
	struct mime_hdrs *h = &w->h;

	if (h->nv[i] == MIME_HV_MAX) {
		mime_amb(w, f, AMB_MANY_HDR, NULL);
		return;
	}
	h->v[i][h->nv[i]] = mem_dup(v, vl);
	h->vlen[i][h->nv[i]] = vl;
	h->nv[i]++;
}

/* name: value; name is NUL-terminated in place. */
static void
hdr_field(struct mime *w, struct ent *f, unsigned char *d, size_t nl,
    size_t len)
{
	const unsigned char *v = d + nl + 1;
	size_t vl = len - nl - 1;
	int i;

	while (nl > 0 && is_wsp(d[nl - 1]))
		nl--;
	while (vl > 0 && is_wsp(*v)) {
		v++;
		vl--;
	}
	if (!name_ok(d, nl))
		mime_amb(w, f, AMB_NO_COLON, NULL);
	d[nl] = '\0';
	if (w->nstack == 1 && w->sink->header != NULL && !w->failed &&
	    w->sink->header(w->arg, (const char *)d, (const char *)v, vl) != 0)
		mime_fail(w, "mime: sink failed in header");
	if ((i = hv_index((const char *)d)) >= 0)
		hv_store(w, f, i, v, vl);
}

/* The header collected so far is complete. */
static void
hdr_commit(struct mime *w, struct ent *f)
{
	struct mime_hdrs *h = &w->h;
	unsigned char *d = h->cur.data, *colon = NULL;
	size_t len = h->cur.len;

	if (!h->have)
		return;
	h->have = 0;
	if (len > 0 && memchr(d, '\0', len) != NULL)
		mime_amb(w, f, AMB_NUL_HDR, NULL);
	if (len > 0 && memchr(d, '\r', len) != NULL)
		mime_amb(w, f, AMB_CR_HDR, NULL);
	if (len > 0)
		colon = memchr(d, ':', len);
	if (colon != NULL)
		hdr_field(w, f, d, (size_t)(colon - d), len);
	else if (!(w->nstack == 1 && h->nlines == 1 && len >= 5 &&
	    memcmp(d, "From ", 5) == 0))
		mime_amb(w, f, AMB_NO_COLON, NULL);	/* not mbox "From " */
	sbuf_reset(&h->cur);
	h->line_off = 0;
}

/* Append header bytes; at the line's end its CR LF is dropped (unfold). */
static void
hdr_append(struct mime *w, const unsigned char *p, size_t n, int end)
{
	struct sbuf *cur = &w->h.cur;

	if (end && n > 0 && p[n - 1] == '\n') {
		n--;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		else if (n == 0 && cur->len > w->h.line_off &&
		    cur->data[cur->len - 1] == '\r')
			cur->data[--cur->len] = '\0';
	}
	if (n > 0)
		(void)sbuf_append(cur, p, n);
}

static int
is_blank(const unsigned char *p, size_t n)
{
	if (n > 0 && p[n - 1] == '\n')
		n--;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n == 0;
}

static void
hdr_over(struct mime *w, struct ent *f)
{
	char detail[64];

	(void)snprintf(detail, sizeof(detail), "header block over %llu bytes",
	    (unsigned long long)w->lim.header_size);
	mime_limit(w, LIM_HEADER, detail);
	mime_hdr_end(w, f, 1);
}

/*
 * A piece of a header line.  Returns the bytes taken; the rest belongs to
 * the body (the block ended at the header-size limit).  A short line that
 * does not fit goes to the body whole, a long one is cut at the limit.
 */
size_t
mime_hdr_piece(struct mime *w, struct ent *f, const struct mime_piece *pc)
{
	struct mime_hdrs *h = &w->h;
	uint64_t room = w->lim.header_size - h->bytes;
	size_t n = pc->n;

	if ((pc->fl & MIME_L_SHORT) && is_blank(pc->p, n)) {
		mime_hdr_end(w, f, 1);
		return n;
	}
	if ((pc->fl & MIME_L_SHORT) && n > room) {
		hdr_over(w, f);
		return 0;
	}
	if ((pc->fl & MIME_L_START) && !(h->have && is_wsp(pc->p[0]))) {
		hdr_commit(w, f);
		h->have = 1;
		h->nlines++;
	}
	if (pc->fl & MIME_L_START)
		h->line_off = h->cur.len;
	if (n > room) {
		hdr_append(w, pc->p, (size_t)room, 0);
		h->bytes += room;
		hdr_over(w, f);
		return (size_t)room;
	}
	h->bytes += n;
	hdr_append(w, pc->p, n, (pc->fl & MIME_L_END) != 0);
	return n;
}

/* ---- classification ---------------------------------------------- */

static int
is_message(const char *t)
{
	return strcmp(t, "message/rfc822") == 0 ||
	    strcmp(t, "message/global") == 0;
}

/* 3 multipart with boundary, 2 message, 1 other valid, 0 invalid. */
static int
ct_rank(const struct decode_params *dp)
{
	const char *v = dp->value, *slash;

	if (v == NULL || (slash = strchr(v, '/')) == NULL || slash == v ||
	    slash[1] == '\0')
		return 0;
	if (strncmp(v, "multipart/", 10) == 0)
		return decode_params_count(dp, "boundary") > 0 ? 3 : 1;
	return is_message(v) ? 2 : 1;
}

static char *
lower_dup(const char *s, size_t n, size_t max)
{
	char *d;
	size_t i;

	d = mem_strndup(s, n < max ? n : max);
	for (i = 0; d[i] != '\0'; i++)
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	return d;
}

/* One candidate boundary; trailing white space cannot be matched. */
static void
bnd_add(struct mime *w, struct ent *f, const struct decode_param *p)
{
	size_t n = p->value_len, i;

	while (n > 0 && is_wsp((unsigned char)p->value[n - 1]))
		n--;
	if (n > MIME_BND_LEN) {
		mime_amb(w, f, AMB_LONG_BND, NULL);
		return;
	}
	if (n == 0)
		mime_amb(w, f, AMB_EMPTY_BND, NULL);
	for (i = 0; i < f->nbnd; i++)
		if (f->blen[i] == n && memcmp(f->bnd[i], p->value, n) == 0)
			return;
	if (f->nbnd == MIME_BND_MAX)
		return;
	f->bnd[f->nbnd] = mem_dup(p->value, n);
	f->blen[f->nbnd++] = n;
}

/* The union of the boundaries of every multipart Content-Type. */
static void
bnd_collect(struct mime *w, struct ent *f, const struct decode_params *ct,
    size_t nct)
{
	size_t i, j;

	for (i = 0; i < nct; i++) {
		if (ct_rank(&ct[i]) != 3)
			continue;
		if (decode_params_count(&ct[i], "boundary") > 1)
			mime_amb(w, f, AMB_DUP_PARAM, NULL);
		for (j = 0; j < ct[i].n; j++)
			if (strcmp(ct[i].p[j].name, "boundary") == 0)
				bnd_add(w, f, &ct[i].p[j]);
	}
	if (f->nbnd > 1)
		mime_amb(w, f, AMB_MULTI_BND, NULL);
}

static void
type_default(struct mime *w, struct ent *f)
{
	struct ent *up = mime_parent(w, f);

	/* RFC 2046 section 5.1.5: parts of a digest are messages. */
	if (up != NULL && up->digest) {
		f->ctype = mem_strdup("message/rfc822");
		return;
	}
	f->ctype = mem_strdup("text/plain");
	f->charset = mem_strdup("us-ascii");
}

static void
charset_set(struct ent *f, const struct decode_params *dp)
{
	const struct decode_param *p;

	p = decode_params_get(dp, "charset");
	if (p != NULL && p->value_len > 0 && p->value_len <= CHARSET_MAX)
		f->charset = lower_dup(p->value, p->value_len, CHARSET_MAX);
}

/* Primary type: multipart with boundary, else message, else the first. */
static void
hdr_types(struct mime *w, struct ent *f, const struct decode_params *ct,
    size_t nct)
{
	size_t i, prim = 0;
	int r, best = 0;

	for (i = 0; i < nct; i++)
		if ((r = ct_rank(&ct[i])) > best) {
			best = r;
			prim = i;
		}
	if (nct > 1)
		mime_amb(w, f, AMB_DUP_CT, NULL);
	if (best == 0) {
		if (nct > 0)
			mime_amb(w, f, AMB_BAD_CT, NULL);
		type_default(w, f);
		return;
	}
	f->ctype = lower_dup(ct[prim].value, strlen(ct[prim].value),
	    VALUE_MAX);
	for (i = 0; i < nct && f->ctype_alt == NULL; i++)
		if (i != prim && ct_rank(&ct[i]) > 0 &&
		    strcmp(ct[i].value, ct[prim].value) != 0)
			f->ctype_alt = lower_dup(ct[i].value,
			    strlen(ct[i].value), VALUE_MAX);
	charset_set(f, &ct[prim]);
	if (best == 3)
		bnd_collect(w, f, ct, nct);
	f->digest = strcmp(f->ctype, "multipart/digest") == 0;
}

/* Encodings that decode the same way are one reading. */
static int
cte_class(enum decode_cte c)
{
	switch (c) {
	case DECODE_CTE_BASE64:
		return 1;
	case DECODE_CTE_QP:
		return 2;
	case DECODE_CTE_UUENCODE:
		return 3;
	default:
		return 0;
	}
}

static void
hdr_ctes(struct mime *w, struct ent *f)
{
	struct mime_hdrs *h = &w->h;
	enum decode_cte c;
	size_t i;

	f->ncte = 1;
	f->cte[0] = DECODE_CTE_7BIT;
	for (i = 0; i < h->nv[HV_CTE]; i++) {
		c = decode_cte_parse(h->v[HV_CTE][i], h->vlen[HV_CTE][i]);
		if (c == DECODE_CTE_UNKNOWN)
			mime_amb(w, f, AMB_UNKNOWN_CTE, NULL);
		if (i == 0)
			f->cte[0] = c;
		else if (f->ncte == 1 && cte_class(c) != cte_class(f->cte[0]))
			f->cte[f->ncte++] = c;
	}
	if (h->nv[HV_CTE] > 1)
		mime_amb(w, f, AMB_DUP_CTE, NULL);
}

static void
hdr_disp(struct mime *w, struct ent *f, const struct decode_params *cd,
    size_t ncd)
{
	if (ncd == 0)
		return;
	if (cd[0].value != NULL && cd[0].value[0] != '\0')
		f->disp = lower_dup(cd[0].value, strlen(cd[0].value),
		    VALUE_MAX);
	if (ncd > 1)
		mime_amb(w, f, AMB_DUP_DISP, NULL);
}

/* ---- file names (RFC 2047 in quotes, RFC 2231) ------------------- */

/* Drop an incomplete UTF-8 sequence left at the end by a cut. */
static size_t
utf8_trim(const unsigned char *s, size_t n)
{
	size_t i = n, back = 0;

	while (i > 0 && back < 4 && (s[i - 1] & 0xC0) == 0x80) {
		i--;
		back++;
	}
	if (i == 0 || s[i - 1] < 0xC0)
		return n;
	i--;
	if ((s[i] >= 0xF0 ? 3 : s[i] >= 0xE0 ? 2 : 1) == back)
		return n;
	return i;
}

static void
name_add(struct mime *w, struct ent *f, struct sbuf *sb)
{
	size_t n = sb->len, i;

	if (sb->truncated) {
		mime_amb(w, f, AMB_NAME_LONG, NULL);
		n = utf8_trim(sb->data, n);
	}
	if (n == 0)
		return;
	for (i = 0; i < f->part.nnames; i++)
		if (strlen(f->names[i]) == n &&
		    memcmp(f->names[i], sb->data, n) == 0)
			return;
	if (f->part.nnames == MIME_MAX_NAMES)
		return;
	f->names[f->part.nnames++] = mem_strndup((const char *)sb->data, n);
}

static void
name_flags(struct mime *w, struct ent *f, unsigned fl)
{
	if (fl & DECODE_F_BAD_2231)
		mime_amb(w, f, AMB_BAD_2231, NULL);
	if (fl & DECODE_F_BAD_WORD)
		mime_amb(w, f, AMB_BAD_WORD, NULL);
}

static void
sb_clear(struct sbuf *sb)
{
	sbuf_reset(sb);
	sb->truncated = 0;
}

/* Decode a raw name to UTF-8 (RFC 2047 words, else charset bytes). */
int
mime_name_decode(struct mime *w, const char *raw, size_t len,
    const char *charset, struct sbuf *out)
{
	unsigned fl = 0;

	if (decode_rfc2047(raw, len, charset, out, &fl) != 0) {
		mime_fail(w, "mime: cannot decode a name");
		return -1;
	}
	return 0;
}

/* Every candidate of parameter pname: pname*, pname*0.., each pname. */
static void
names_from(struct mime *w, struct ent *f, const struct decode_params *dp,
    const char *pname)
{
	struct sbuf sb;
	unsigned fl = 0;
	size_t i, tries = 0;
	int r;

	sbuf_init(&sb, w->lim.name_length);
	if ((r = decode_param_2231(dp, pname, &sb, &fl)) < 0)
		mime_fail(w, "mime: cannot decode an RFC 2231 parameter");
	else if (r == 1)
		name_add(w, f, &sb);
	/* Each decode may open iconv: bound the work per header. */
	for (i = 0; i < dp->n && !w->failed && tries < NAME_TRIES; i++) {
		if (strcmp(dp->p[i].name, pname) != 0)
			continue;
		tries++;
		sb_clear(&sb);
		if (decode_rfc2047(dp->p[i].value, dp->p[i].value_len,
		    f->charset, &sb, &fl) != 0)
			mime_fail(w, "mime: cannot decode a parameter");
		else
			name_add(w, f, &sb);
	}
	if (decode_params_count(dp, pname) > 1)
		mime_amb(w, f, AMB_DUP_PARAM, NULL);
	name_flags(w, f, fl);
	sbuf_release(&sb);
}

/* filename* and filename of each disposition, then name* and name. */
static void
hdr_names(struct mime *w, struct ent *f, const struct decode_params *ct,
    size_t nct, const struct decode_params *cd, size_t ncd)
{
	size_t i;

	for (i = 0; i < ncd; i++)
		names_from(w, f, &cd[i], "filename");
	for (i = 0; i < nct; i++)
		names_from(w, f, &ct[i], "name");
	if (f->part.nnames > 1)
		mime_amb(w, f, AMB_NAMES, NULL);
}

/* ---- kind -------------------------------------------------------- */

/* A container whose every reading is encoded is read as a leaf. */
static int
encoded(const struct ent *f)
{
	return cte_class(f->cte[0]) != 0 &&
	    (f->ncte == 1 || cte_class(f->cte[1]) != 0);
}

static void
hdr_kind(struct mime *w, struct ent *f)
{
	int mp = strncmp(f->ctype, "multipart/", 10) == 0;
	char detail[64];

	f->part.kind = MIME_LEAF;
	if (!mp && !is_message(f->ctype))
		return;
	if (mp && f->nbnd == 0) {
		/* Read as text/plain, keeping the declared type. */
		mime_amb(w, f, AMB_NO_BND, NULL);
		free(f->ctype_alt);
		f->ctype_alt = f->ctype;
		f->ctype = mem_strdup("text/plain");
		return;
	}
	if (encoded(f)) {
		mime_amb(w, f, AMB_ENCODED, NULL);
		return;
	}
	if (f->part.depth >= w->lim.depth) {
		(void)snprintf(detail, sizeof(detail),
		    "MIME nesting deeper than %u", w->lim.depth);
		mime_limit(w, LIM_DEPTH, detail);
		return;
	}
	f->part.kind = mp ? MIME_MULTIPART : MIME_MESSAGE;
}

static void
part_fill(struct ent *f)
{
	size_t i;

	f->part.where = f->part.kind == MIME_LEAF ? f->where : f->cwhere;
	f->part.ctype = f->ctype;
	f->part.ctype_alt = f->ctype_alt;
	f->part.charset = f->charset;
	f->part.cte = decode_cte_name(f->cte[0]);
	f->part.disposition = f->disp;
	for (i = 0; i < MIME_MAX_NAMES; i++)
		f->part.names[i] = f->names[i];
}

static size_t
params_parse(struct mime *w, int i, struct decode_params *dp)
{
	size_t j;

	for (j = 0; j < w->h.nv[i]; j++)
		decode_params_parse(w->h.v[i][j], w->h.vlen[i][j], &dp[j]);
	return w->h.nv[i];
}

/* The header block of f is over: classify it and begin the entity. */
void
mime_hdr_end(struct mime *w, struct ent *f, int body)
{
	struct decode_params ct[MIME_HV_MAX], cd[MIME_HV_MAX];
	size_t nct, ncd, i;

	hdr_commit(w, f);
	memset(ct, 0, sizeof(ct));
	memset(cd, 0, sizeof(cd));
	nct = params_parse(w, HV_CT, ct);
	ncd = params_parse(w, HV_CD, cd);
	hdr_types(w, f, ct, nct);
	hdr_ctes(w, f);
	hdr_disp(w, f, cd, ncd);
	hdr_names(w, f, ct, nct, cd, ncd);
	hdr_kind(w, f);
	for (i = 0; i < nct; i++)
		decode_params_free(&ct[i]);
	for (i = 0; i < ncd; i++)
		decode_params_free(&cd[i]);
	mime_hdr_reset(w);
	part_fill(f);
	mime_ent_begin(w, f, body);
}
