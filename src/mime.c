/*
 * mime: the paranoid streaming MIME walker (design.md section 3): input
 * lines, the entity stack, boundaries, findings and sink calls.  Header
 * blocks are in mime_hdr.c, leaf decoding in mime_leaf.c.
 *
 * Untrusted input: the whole message, fed in arbitrary pieces.  Every
 * decision depends on the bytes only, never on how they were split: lines
 * up to MIME_LINE_MAX are handled whole; longer lines come in pieces whose
 * handling does not depend on where they were cut (they are never
 * boundaries nor header ends).  Sink events other than part_data happen
 * in content order (pending leaf bytes are decoded before any finding).
 *
 * Limits: limits.message_size bytes are parsed, the rest ignored; the
 * entity stack is a heap array bounded by limits.depth (no C recursion per
 * nesting level); entities in all by limits.parts.  Each limit is reported
 * once per message.
 *
 * Ownership: the walker owns its frames and every string in struct
 * mime_part; the sink owns part->user.  Not thread-safe.
 */
#define _GNU_SOURCE	/* memrchr */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "mime_int.h"

#define DEF_MESSAGE_SIZE	((uint64_t)64 << 20)	/* design.md 9 */
#define DEF_HEADER_SIZE		((uint64_t)1 << 20)
#define DEF_PARTS		2000
#define DEF_NAME_LENGTH		1024
#define MAX_NAME_LENGTH		65536

static const char *const amb_detail[AMB__N] = {
	[AMB_NUL_HDR] = "NUL byte in header",
	[AMB_CR_HDR] = "bare CR in header",
	[AMB_NO_COLON] = "header line without colon or with a bad name",
	[AMB_LONG_LINE] = "line longer than 998 bytes",
	[AMB_DUP_CT] = "duplicate Content-Type",
	[AMB_BAD_CT] = "invalid Content-Type",
	[AMB_DUP_CTE] = "duplicate Content-Transfer-Encoding",
	[AMB_UNKNOWN_CTE] = "unknown Content-Transfer-Encoding",
	[AMB_MANY_HDR] = "too many Content-* headers",
	[AMB_MULTI_BND] = "several boundaries",
	[AMB_EMPTY_BND] = "empty boundary",
	[AMB_LONG_BND] = "boundary longer than 200 bytes",
	[AMB_NO_BND] = "multipart without boundary",
	[AMB_BND_REUSED] = "nested multipart reuses an outer boundary",
	[AMB_BND_PREFIX] = "line starts with a boundary but goes on",
	[AMB_ENCODED] = "multipart or message with a transfer encoding",
	[AMB_DUP_DISP] = "duplicate Content-Disposition",
	[AMB_DUP_PARAM] = "duplicate parameter",
	[AMB_NAMES] = "file name candidates differ",
	[AMB_BAD_2231] = "malformed RFC 2231 parameter",
	[AMB_BAD_WORD] = "malformed RFC 2047 encoded-word",
	[AMB_NAME_LONG] = "file name cut at the length limit",
	[AMB_MISSING_CLOSE] = "missing final boundary",
	[AMB_AFTER_CLOSE] = "part after the final boundary",
	[AMB_B64_JUNK] = "base64 with junk bytes",
	[AMB_B64_PAD] = "base64 data after padding",
	[AMB_EMB_OVERLAP] = "embedded files overlap in two readings",
};

static const char *const lim_rule[] = {
	[LIM_DEPTH] = "limit.mime_depth",
	[LIM_PARTS] = "limit.mime_parts",
	[LIM_HEADER] = "limit.header_size",
	[LIM_MESSAGE] = "limit.message_size",
};

/* ---- input lines ------------------------------------------------- */

static int
split_out(struct mime_piece *pc, const unsigned char **pp, size_t *np,
    size_t seg, unsigned fl)
{
	pc->p = *pp;
	pc->n = seg;
	pc->fl = fl;
	*pp += seg;
	*np -= seg;
	return 1;
}

/*
 * Next piece of input: returns 1 with a piece, 0 when the input is used up
 * (a partial line is kept).  A line is "short" when it fits MIME_LINE_MAX
 * with its LF; longer lines come in pieces, the first flagged START and
 * the last END.  A COPY piece lives in s->buf until the next call.
 */
int
mime_split_next(struct mime_split *s, const unsigned char **pp, size_t *np,
    struct mime_piece *pc)
{
	const unsigned char *q;
	size_t seg;

	if (*np == 0)
		return 0;
	q = memchr(*pp, '\n', *np);
	seg = q != NULL ? (size_t)(q - *pp) + 1 : *np;
	if (s->inlong) {
		s->inlong = q == NULL;
		return split_out(pc, pp, np, seg, q != NULL ? MIME_L_END : 0);
	}
	if (s->len == 0 && q != NULL)
		return split_out(pc, pp, np, seg, MIME_L_START | MIME_L_END |
		    (seg <= MIME_LINE_MAX ? MIME_L_SHORT : 0));
	if (s->len + seg <= MIME_LINE_MAX) {
		memcpy(s->buf + s->len, *pp, seg);
		s->len += seg;
		*pp += seg;
		*np -= seg;
		if (q == NULL)
			return 0;
		pc->p = s->buf;
		pc->n = s->len;
		pc->fl = MIME_L_START | MIME_L_END | MIME_L_SHORT | MIME_L_COPY;
		s->len = 0;
		return 1;
	}
	s->inlong = 1;
	if (s->len > 0) {
		pc->p = s->buf;
		pc->n = s->len;
		pc->fl = MIME_L_START | MIME_L_COPY;
		s->len = 0;
		return 1;
	}
	return split_out(pc, pp, np, seg, MIME_L_START);
}

/* End of input: the last, unterminated line, if any. */
int
mime_split_flush(struct mime_split *s, struct mime_piece *pc)
{
	pc->p = s->buf;
	pc->n = s->len;
	if (s->len > 0) {
		pc->fl = MIME_L_START | MIME_L_END | MIME_L_SHORT | MIME_L_COPY;
		s->len = 0;
		return 1;
	}
	if (s->inlong) {
		pc->fl = MIME_L_END | MIME_L_COPY;
		s->inlong = 0;
		return 1;
	}
	return 0;
}

/* ---- sink calls and findings ------------------------------------- */

void
mime_fail(struct mime *w, const char *why)
{
	if (!w->failed)
		w->error = why;
	w->failed = 1;
}

static void
find(struct mime *w, const char *rule, const char *where, const char *detail)
{
	if (w->failed || w->sink->finding == NULL)
		return;
	/* Pending leaf bytes first: events stay in content order. */
	mime_leaf_sync(w);
	if (where != NULL && *where == '\0')
		where = NULL;
	w->sink->finding(w->arg, rule, where, detail);
}

/* An ambiguity, once per entity; before part_begin it waits for it. */
void
mime_amb(struct mime *w, struct ent *f, enum mime_amb a, const char *where)
{
	uint32_t bit = (uint32_t)1 << a;

	if (f->amb_done & bit)
		return;
	if (!f->begun) {
		f->amb_pending |= bit;
		return;
	}
	f->amb_done |= bit;
	find(w, "mime.ambiguous", where != NULL ? where : f->part.where,
	    amb_detail[a]);
}

static void
amb_flush(struct mime *w, struct ent *f)
{
	unsigned a;

	for (a = 0; a < AMB__N; a++)
		if (f->amb_pending & ((uint32_t)1 << a))
			mime_amb(w, f, (enum mime_amb)a, NULL);
	f->amb_pending = 0;
}

/* A limit, once per message; where is the innermost entity. */
void
mime_limit(struct mime *w, enum mime_lim l, const char *detail)
{
	const char *where = NULL;

	if (w->lim_done & (1u << l))
		return;
	w->lim_done |= 1u << l;
	if (w->nstack > 0)
		where = w->stack[w->nstack - 1]->part.where;
	find(w, lim_rule[l], where, detail);
}

void
mime_cb_begin(struct mime *w, struct mime_part *part)
{
	if (w->failed || w->sink->part_begin == NULL)
		return;
	if (w->sink->part_begin(w->arg, part) != 0)
		mime_fail(w, "mime: sink failed in part_begin");
}

void
mime_cb_data(struct mime *w, struct mime_part *part, const unsigned char *p,
    size_t n)
{
	if (n == 0 || w->failed || w->sink->part_data == NULL)
		return;
	if (w->sink->part_data(w->arg, part, p, n) != 0)
		mime_fail(w, "mime: sink failed in part_data");
}

void
mime_cb_end(struct mime *w, struct mime_part *part)
{
	if (w->failed || w->sink->part_end == NULL)
		return;
	if (w->sink->part_end(w->arg, part) != 0)
		mime_fail(w, "mime: sink failed in part_end");
}

/* ---- the entity stack -------------------------------------------- */

/* "base" sep "leaf", cut at MIME_WHERE_MAX; "" "." x is just x. */
char *
mime_where_join(const char *base, const char *sep, const char *leaf)
{
	char buf[MIME_WHERE_MAX];

	if (*base == '\0' && strcmp(sep, ".") == 0)
		sep = "";
	(void)snprintf(buf, sizeof(buf), "%s%s%s", base, sep, leaf);
	return mem_strdup(buf);
}

struct ent *
mime_parent(const struct mime *w, const struct ent *f)
{
	size_t i;

	for (i = 1; i < w->nstack; i++)
		if (w->stack[i] == f)
			return w->stack[i - 1];
	return NULL;
}

/* Push an entity in header state; takes both where strings. */
static struct ent *
ent_push(struct mime *w, char *where, char *cwhere, unsigned depth)
{
	struct ent *f;

	if (w->nstack == w->capstack) {
		w->capstack = w->capstack == 0 ? 8 : w->capstack * 2;
		w->stack = mem_reallocarray(w->stack, w->capstack,
		    sizeof(*w->stack));
	}
	if (w->nstack == w->nalloc)
		w->stack[w->nalloc++] = mem_alloc(sizeof(*f));
	f = w->stack[w->nstack++];
	memset(f, 0, sizeof(*f));
	f->where = where;
	f->cwhere = cwhere;
	f->part.where = where;
	f->part.depth = depth;
	mime_hdr_reset(w);
	return f;
}

static void
ent_clear(struct ent *f)
{
	size_t i;

	free(f->where);
	free(f->cwhere);
	free(f->ctype);
	free(f->ctype_alt);
	free(f->charset);
	free(f->disp);
	for (i = 0; i < MIME_MAX_NAMES; i++)
		free(f->names[i]);
	for (i = 0; i < MIME_BND_MAX; i++)
		free(f->bnd[i]);
	memset(f, 0, sizeof(*f));
}

/* A new entity is allowed by the parts limit (and is counted). */
static int
parts_take(struct mime *w)
{
	char detail[64];

	if (w->nparts < w->lim.parts) {
		w->nparts++;
		return 1;
	}
	(void)snprintf(detail, sizeof(detail), "more than %u MIME parts",
	    w->lim.parts);
	mime_limit(w, LIM_PARTS, detail);
	return 0;
}

/* The entity inside a message/rfc822 body. */
static void
msg_child(struct mime *w, struct ent *f)
{
	if (!parts_take(w)) {
		f->sub = SUB_SKIP;
		return;
	}
	f->sub = SUB_CHILD;
	(void)ent_push(w, mime_where_join(f->part.where, ".", "1"),
	    mem_strdup(f->part.where), f->part.depth + 1);
}

/* The next child of a multipart, after a delimiter. */
static void
mp_child(struct mime *w, struct ent *f)
{
	char num[16];

	if (!parts_take(w)) {
		f->sub = SUB_SKIP;
		return;
	}
	f->sub = SUB_CHILD;
	f->nchild++;
	(void)snprintf(num, sizeof(num), "%u", f->nchild);
	(void)ent_push(w, mime_where_join(f->part.where, ".", num),
	    mime_where_join(f->part.where, ".", num), f->part.depth + 1);
}

/* A nested multipart whose boundary equals an ancestor's. */
static void
bnd_reused(struct mime *w, struct ent *f)
{
	size_t i, j, k;
	struct ent *a;

	for (i = 0; i + 1 < w->nstack; i++) {
		a = w->stack[i];
		if (a->part.kind != MIME_MULTIPART || a == f)
			continue;
		for (j = 0; j < a->nbnd; j++)
			for (k = 0; k < f->nbnd; k++)
				if (a->blen[j] == f->blen[k] &&
				    memcmp(a->bnd[j], f->bnd[k],
				    f->blen[k]) == 0)
					mime_amb(w, f, AMB_BND_REUSED, NULL);
	}
}

/*
 * Headers done (mime_hdr_end classified f): part_begin, then pending
 * findings.  body is 0 when the entity ends right away.
 */
void
mime_ent_begin(struct mime *w, struct ent *f, int body)
{
	f->state = ENT_BODY;
	f->begun = 1;
	if (f->part.kind == MIME_LEAF)
		mime_leaf_begin(w, f);
	else
		mime_cb_begin(w, &f->part);
	amb_flush(w, f);
	if (f->part.kind == MIME_MULTIPART) {
		f->sub = SUB_PREAMBLE;
		bnd_reused(w, f);
	} else if (f->part.kind == MIME_MESSAGE && body)
		msg_child(w, f);
}

/* End the top entity; eof: not closed by a delimiter. */
static void
ent_end_top(struct mime *w, int eof)
{
	struct ent *f = w->stack[w->nstack - 1];

	if (f->state == ENT_HEADERS)
		mime_hdr_end(w, f, 0);
	if (f->part.kind == MIME_LEAF)
		mime_leaf_end(w, eof);
	else {
		if (f->part.kind == MIME_MULTIPART && !f->closed)
			mime_amb(w, f, AMB_MISSING_CLOSE, NULL);
		mime_cb_end(w, &f->part);
	}
	ent_clear(f);
	w->nstack--;
}

static void
close_to(struct mime *w, size_t keep, int eof)
{
	while (w->nstack > keep && !w->failed)
		ent_end_top(w, eof);
}

/* ---- boundaries (RFC 2046 section 5.1.1) ------------------------- */

static int
bnd_exact(const struct ent *f, const unsigned char *s, size_t n, int *close_r)
{
	size_t j, bl;

	for (j = 0; j < f->nbnd; j++) {
		bl = f->blen[j];
		if (n < bl || memcmp(s, f->bnd[j], bl) != 0)
			continue;
		if (n == bl) {
			*close_r = 0;
			return 1;
		}
		if (n == bl + 2 && s[bl] == '-' && s[bl + 1] == '-') {
			*close_r = 1;
			return 1;
		}
	}
	return 0;
}

/* Not a delimiter, but a parser matching prefixes would take it. */
static void
bnd_prefix(struct mime *w, const unsigned char *s, size_t n)
{
	size_t i, j;
	struct ent *f;

	for (i = w->nstack; i-- > 0;) {
		f = w->stack[i];
		if (f->part.kind != MIME_MULTIPART || f->state != ENT_BODY)
			continue;
		for (j = 0; j < f->nbnd; j++)
			if (f->blen[j] > 0 && n > f->blen[j] &&
			    memcmp(s, f->bnd[j], f->blen[j]) == 0) {
				mime_amb(w, f, AMB_BND_PREFIX, NULL);
				return;
			}
	}
}

/*
 * Is the line "--" boundary ["--"] [white space] for any open multipart?
 * The innermost match wins.  Returns 1 and the stack index.
 */
static int
bnd_match(struct mime *w, const unsigned char *p, size_t n, size_t *idx_r,
    int *close_r)
{
	size_t i;
	struct ent *f;

	if (n < 2 || p[0] != '-' || p[1] != '-')
		return 0;
	p += 2;
	n -= 2;
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r' ||
	    p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	for (i = w->nstack; i-- > 0;) {
		f = w->stack[i];
		if (f->part.kind != MIME_MULTIPART || f->state != ENT_BODY)
			continue;
		if (bnd_exact(f, p, n, close_r)) {
			*idx_r = i;
			return 1;
		}
	}
	bnd_prefix(w, p, n);
	return 0;
}

/* A delimiter of the multipart at stack index idx. */
static void
delim(struct mime *w, size_t idx, int close)
{
	struct ent *f = w->stack[idx];

	close_to(w, idx + 1, 0);
	if (w->failed)
		return;
	if (close) {
		f->closed = 1;
		f->sub = SUB_EPILOGUE;
		return;
	}
	if (f->closed)
		mime_amb(w, f, AMB_AFTER_CLOSE, NULL);
	mp_child(w, f);
}

/* ---- line dispatch ----------------------------------------------- */

static int
line_long(const struct mime_piece *pc)
{
	size_t n = pc->n;

	if (!(pc->fl & MIME_L_SHORT))
		return 1;
	if (n > 0 && pc->p[n - 1] == '\n')
		n--;
	if (n > 0 && pc->p[n - 1] == '\r')
		n--;
	return n > MIME_RFC_LINE;
}

/* A piece that is no boundary goes to the top entity. */
static void
dispatch(struct mime *w, struct mime_piece pc)
{
	struct ent *f;
	size_t used;

	for (;;) {
		if (w->failed)
			return;
		f = w->stack[w->nstack - 1];
		if (f->state != ENT_HEADERS)
			break;
		/* What the header block does not take goes to the body. */
		used = mime_hdr_piece(w, f, &pc);
		if (used == pc.n)
			return;
		pc.p += used;
		pc.n -= used;
		if (used > 0)
			pc.fl &= ~(unsigned)(MIME_L_START | MIME_L_SHORT);
	}
	if (f->part.kind == MIME_LEAF)
		mime_leaf_piece(w, &pc);
	/* Containers ignore preamble, epilogue and skipped lines. */
}

static void
line_in(struct mime *w, const struct mime_piece *pc)
{
	size_t idx;
	int close;

	if ((pc->fl & MIME_L_SHORT) &&
	    bnd_match(w, pc->p, pc->n, &idx, &close)) {
		delim(w, idx, close);
		return;
	}
	if ((pc->fl & MIME_L_START) && line_long(pc))
		mime_amb(w, w->stack[w->nstack - 1], AMB_LONG_LINE, NULL);
	dispatch(w, *pc);
}

/*
 * Complete body lines of the open leaf, straight from the caller's buffer:
 * while no line could be a delimiter (starts "--") or is over the RFC
 * length, line_in() would only pass each line to mime_leaf_piece(), which
 * joins lines next to each other into one span and holds back the last
 * line end.  One piece for the whole run does the same with one call
 * instead of one per line (a 1 MB base64 attachment has 13,000).  Returns
 * the bytes taken (0: go line by line).
 */
static size_t
leaf_run(struct mime *w, const unsigned char *p, size_t n)
{
	const struct ent *f = w->stack[w->nstack - 1];
	const unsigned char *q, *end = p + n, *at = p;
	struct mime_piece pc;
	size_t left;

	if (f->part.kind != MIME_LEAF || f->state == ENT_HEADERS ||
	    w->in.len > 0 || w->in.inlong)
		return 0;
	while (at < end) {
		left = (size_t)(end - at);
		/* Lines ending within 999 bytes are short. */
		q = memrchr(at, '\n', left < MIME_RFC_LINE + 1 ? left :
		    MIME_RFC_LINE + 1);
		if (q == NULL) {
			/* One line, as line_in() would judge it. */
			if (left >= 2 && at[0] == '-' && at[1] == '-')
				break;
			q = memchr(at, '\n', left < MIME_RFC_LINE + 2 ? left :
			    MIME_RFC_LINE + 2);
			if (q == NULL || q[-1] != '\r')
				break;
			at = q + 1;
			continue;
		}
		/* None of them starts with "--" if there is no '-' (base64). */
		if (memchr(at, '-', (size_t)(q - at)) == NULL) {
			at = q + 1;
			continue;
		}
		for (; at <= q; at = (const unsigned char *)memchr(at, '\n',
		    (size_t)(q - at) + 1) + 1)
			if (at[0] == '-' && at + 1 < end && at[1] == '-')
				goto done;
	}
done:
	if (at == p)
		return 0;
	pc.p = p;
	pc.n = (size_t)(at - p);
	pc.fl = MIME_L_START | MIME_L_END;	/* lines, not one line */
	mime_leaf_piece(w, &pc);
	return pc.n;
}

/* ---- API --------------------------------------------------------- */

static void
limits_set(struct mime *w, const struct mime_limits *lim)
{
	w->lim = *lim;
	if (w->lim.message_size == 0)
		w->lim.message_size = DEF_MESSAGE_SIZE;
	if (w->lim.header_size == 0)
		w->lim.header_size = DEF_HEADER_SIZE;
	if (w->lim.header_size > SIZE_MAX / 2)
		w->lim.header_size = SIZE_MAX / 2;
	if (w->lim.parts == 0)
		w->lim.parts = DEF_PARTS;
	if (w->lim.name_length == 0)
		w->lim.name_length = DEF_NAME_LENGTH;
	if (w->lim.name_length > MAX_NAME_LENGTH)
		w->lim.name_length = MAX_NAME_LENGTH;
}

struct mime *
mime_new(const struct mime_limits *lim, const struct mime_sink *sink,
    void *arg)
{
	struct mime *w;

	w = mem_zalloc(sizeof(*w));
	limits_set(w, lim);
	w->sink = sink;
	w->arg = arg;
	w->in.buf = mem_alloc(MIME_LINE_MAX);
	w->obuf = mem_alloc(MIME_OBUF);
	w->namebuf = mem_alloc((size_t)w->lim.name_length + 1);
	sbuf_init(&w->h.cur, (size_t)w->lim.header_size);
	mime_leaf_init(w);
	w->nparts = 1;
	(void)ent_push(w, mem_strdup("1"), mem_strdup(""), 0);
	return w;
}

void
mime_free(struct mime **wp)
{
	struct mime *w;
	size_t i;

	if (wp == NULL || (w = *wp) == NULL)
		return;
	mime_leaf_free(w);
	mime_hdr_reset(w);
	sbuf_release(&w->h.cur);
	for (i = 0; i < w->nalloc; i++) {
		if (i < w->nstack)
			ent_clear(w->stack[i]);
		free(w->stack[i]);
	}
	free(w->stack);
	free(w->in.buf);
	free(w->obuf);
	free(w->namebuf);
	free(w);
	*wp = NULL;
}

static int
api_error(struct mime *w, const char **error_r)
{
	if (error_r != NULL)
		*error_r = w->failed ? w->error : "mime: fed after finish";
	return -1;
}

/* Bytes of this piece within limits.message_size. */
static size_t
size_take(struct mime *w, size_t len)
{
	uint64_t room;

	room = w->lim.message_size > w->parsed ?
	    w->lim.message_size - w->parsed : 0;
	if ((uint64_t)len > room)
		len = (size_t)room;
	w->parsed += len;
	return len;
}

int
mime_feed(struct mime *w, const void *buf, size_t len, const char **error_r)
{
	const unsigned char *p = buf;
	struct mime_piece pc;
	size_t n, take;
	char detail[64];

	if (w->failed || w->finished)
		return api_error(w, error_r);
	w->fed = w->fed + len < w->fed ? UINT64_MAX : w->fed + len;
	n = take = size_take(w, len);
	while (!w->failed) {
		size_t run = leaf_run(w, p, n);

		p += run;
		n -= run;
		if (w->failed || !mime_split_next(&w->in, &p, &n, &pc))
			break;
		line_in(w, &pc);
	}
	if (!w->failed)
		mime_leaf_sync(w);
	if (take < len) {
		(void)snprintf(detail, sizeof(detail),
		    "message over %llu bytes",
		    (unsigned long long)w->lim.message_size);
		mime_limit(w, LIM_MESSAGE, detail);
	}
	return w->failed ? api_error(w, error_r) : 0;
}

int
mime_finish(struct mime *w, const char **error_r)
{
	struct mime_piece pc;

	if (w->failed || w->finished)
		return api_error(w, error_r);
	if (mime_split_flush(&w->in, &pc))
		line_in(w, &pc);
	close_to(w, 0, 1);
	w->finished = 1;
	return w->failed ? api_error(w, error_r) : 0;
}

uint64_t
mime_bytes(const struct mime *w)
{
	return w->fed;
}
