/*
 * mime_leaf: the open leaf of the MIME walker: transfer decoding of each
 * reading (base64, quoted-printable, x-uuencode, identity), the line end
 * that belongs to the next boundary (RFC 2046 section 5.1.1), and
 * uuencode / yEnc files found inside decoded text (emitted as
 * MIME_EMBEDDED parts nested in the text part).
 *
 * Untrusted input: body bytes.  Bytes of consecutive body lines that lie
 * next to each other in the caller's buffer are decoded as one run (a
 * "span") in blocks of MIME_BLOCK, so part_data is called once per run,
 * not per line.  Limits: decoded text lines over MIME_LINE_MAX are never
 * uuencode/yEnc lines (they end a block); embedded parts count against
 * limits.parts.  Ownership: reading and embedded-part strings belong to
 * the walker until part_end returns.  Not thread-safe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "mime_int.h"

static void	text_scan(struct mime *, struct mime_reading *,
		    const unsigned char *, size_t);

void
mime_leaf_init(struct mime *w)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		w->rd[i].raw.buf = mem_alloc(MIME_LINE_MAX);
		w->rd[i].tl.buf = mem_alloc(MIME_LINE_MAX);
		w->rd[i].ebuf = mem_alloc(MIME_EBUF);
	}
}

void
mime_leaf_free(struct mime *w)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		free(w->rd[i].raw.buf);
		free(w->rd[i].tl.buf);
		free(w->rd[i].ebuf);
		free(w->rd[i].ewhere);
		free(w->rd[i].ename);
	}
	free(w->alt_where);
	w->alt_where = NULL;
	free(w->dual);
	w->dual = NULL;
}

static size_t
strip_eol(const unsigned char *p, size_t n)
{
	if (n > 0 && p[n - 1] == '\n')
		n--;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n;
}

/* ---- embedded uuencode / yEnc ------------------------------------ */

static void
emb_flush(struct mime *w, struct mime_reading *r)
{
	if (r->elen > 0 && r->eopen)
		mime_cb_data(w, &r->ep, r->ebuf, r->elen);
	r->elen = 0;
}

static void
emb_room(struct mime *w, struct mime_reading *r, size_t need)
{
	if (r->elen + need > MIME_EBUF)
		emb_flush(w, r);
}

static void
emb_close(struct mime *w, struct mime_reading *r)
{
	emb_flush(w, r);
	if (r->eopen)
		mime_cb_end(w, &r->ep);
	free(r->ewhere);
	free(r->ename);
	r->ewhere = NULL;
	r->ename = NULL;
	r->eopen = 0;
	r->emode = EMB_NONE;
}

/* Name (to UTF-8, read as the text's charset) and section of a file. */
static void
emb_fill(struct mime *w, struct mime_reading *r)
{
	struct mime_part *ep = &r->ep;
	struct sbuf sb;
	char num[24];

	sbuf_init(&sb, w->lim.name_length);
	if (mime_name_decode(w, w->namebuf, strlen(w->namebuf),
	    r->part->charset, &sb) == 0 && sb.len > 0)
		r->ename = sbuf_steal(&sb, NULL);
	sbuf_release(&sb);
	if (r->emode == EMB_UU)
		(void)snprintf(num, sizeof(num), "uu%u", ++r->nuu);
	else
		(void)snprintf(num, sizeof(num), "yenc%u", ++r->nyenc);
	r->ewhere = mime_where_join(r->part->where, "/",
	    r->ename != NULL ? r->ename : num);
	memset(ep, 0, sizeof(*ep));
	ep->where = r->ewhere;
	ep->depth = r->part->depth + 1;
	ep->kind = MIME_EMBEDDED;
	ep->ctype = "application/octet-stream";
	ep->cte = r->emode == EMB_UU ? decode_cte_name(DECODE_CTE_UUENCODE) :
	    "x-yenc";
	ep->disposition = "attachment";
	ep->names[0] = r->ename;
	ep->nnames = r->ename != NULL ? 1 : 0;
}

static void
emb_open(struct mime *w, struct mime_reading *r, enum emb_mode mode)
{
	struct mime_reading *o = r == &w->rd[0] ? &w->rd[1] : &w->rd[0];
	char detail[64];

	r->emode = mode;
	r->eopen = 0;
	r->elen = 0;
	/* Keep part_end LIFO: one embedded part open at a time. */
	if (w->nrd == 2 && o->eopen) {
		mime_amb(w, w->leaf, AMB_EMB_OVERLAP, r->part->where);
		return;
	}
	if (w->nparts >= w->lim.parts) {
		(void)snprintf(detail, sizeof(detail),
		    "more than %u MIME parts", w->lim.parts);
		mime_limit(w, LIM_PARTS, detail);
		return;
	}
	w->nparts++;
	emb_fill(w, r);
	r->eopen = 1;
	mime_cb_begin(w, &r->ep);
}

static void
emb_try(struct mime *w, struct mime_reading *r, const unsigned char *l,
    size_t len)
{
	size_t cap = (size_t)w->lim.name_length + 1;

	if (len >= 5 && (l[0] | 0x20) == 'b' &&
	    decode_uu_begin(l, len, w->namebuf, cap) == 1)
		emb_open(w, r, EMB_UU);
	else if (len >= 7 && l[0] == '=' &&
	    decode_yenc_begin(l, len, w->namebuf, cap) == 1)
		emb_open(w, r, EMB_YENC);
}

/* A line inside a uuencode block; 0 when it ends the block unused. */
static int
uu_text(struct mime *w, struct mime_reading *r, const unsigned char *l,
    size_t len)
{
	int m;

	if (decode_uu_is_end(l, len)) {
		emb_close(w, r);
		return 1;
	}
	emb_room(w, r, 64);
	m = decode_uu_line(l, len, r->ebuf + r->elen);
	if (m < 0) {
		emb_close(w, r);
		return 0;
	}
	if (r->eopen)
		r->elen += (size_t)m;
	return 1;
}

static void
yenc_text(struct mime *w, struct mime_reading *r, const unsigned char *l,
    size_t len)
{
	size_t m;

	if (decode_yenc_is_end(l, len)) {
		emb_close(w, r);
		return;
	}
	if (len >= 6 && memcmp(l, "=ypart", 6) == 0)
		return;
	emb_room(w, r, len + 4);
	m = decode_yenc_line(l, len, r->ebuf + r->elen);
	if (r->eopen)
		r->elen += m;
}

/* One decoded text line (or a piece of a long one). */
static void
text_line(struct mime *w, struct mime_reading *r, const struct mime_piece *pc)
{
	size_t len;

	if (!(pc->fl & MIME_L_SHORT)) {
		if ((pc->fl & MIME_L_START) && r->emode != EMB_NONE)
			emb_close(w, r);
		return;
	}
	len = strip_eol(pc->p, pc->n);
	if (r->emode == EMB_YENC) {
		yenc_text(w, r, pc->p, len);
		return;
	}
	if (r->emode == EMB_UU && uu_text(w, r, pc->p, len))
		return;
	emb_try(w, r, pc->p, len);
}

static void
text_scan(struct mime *w, struct mime_reading *r, const unsigned char *p,
    size_t n)
{
	struct mime_piece pc;

	while (!w->failed && mime_split_next(&r->tl, &p, &n, &pc))
		text_line(w, r, &pc);
	emb_flush(w, r);
}

/* ---- transfer decoding ------------------------------------------- */

static void
deliver(struct mime *w, struct mime_reading *r, const unsigned char *p,
    size_t n)
{
	if (n == 0)
		return;
	mime_cb_data(w, r->part, p, n);
	if (r->text && !w->failed)
		text_scan(w, r, p, n);
}

/* One line of an x-uuencode body into w->obuf at olen; returns olen. */
static size_t
uu_body_line(struct mime *w, struct mime_reading *r,
    const struct mime_piece *pc, size_t olen)
{
	size_t len;
	int m;

	if (!(pc->fl & MIME_L_SHORT))
		return olen;
	len = strip_eol(pc->p, pc->n);
	if (decode_uu_is_end(pc->p, len) ||
	    decode_uu_begin(pc->p, len, w->namebuf,
	    (size_t)w->lim.name_length + 1) == 1)
		return olen;
	if (olen + 64 > MIME_OBUF) {
		deliver(w, r, w->obuf, olen);
		olen = 0;
	}
	m = decode_uu_line(pc->p, len, w->obuf + olen);
	return m > 0 ? olen + (size_t)m : olen;
}

static void
uu_body(struct mime *w, struct mime_reading *r, const unsigned char *p,
    size_t n)
{
	struct mime_piece pc;
	size_t olen = 0;

	while (!w->failed && mime_split_next(&r->raw, &p, &n, &pc))
		olen = uu_body_line(w, r, &pc, olen);
	deliver(w, r, w->obuf, olen);
}

static void
reading_feed(struct mime *w, struct mime_reading *r, const unsigned char *p,
    size_t n)
{
	size_t take, m;

	while (n > 0 && !w->failed) {
		take = n < MIME_BLOCK ? n : MIME_BLOCK;
		switch (r->cte) {
		case DECODE_CTE_BASE64:
			m = decode_b64_feed(&r->b64, p, take, w->obuf);
			deliver(w, r, w->obuf, m);
			break;
		case DECODE_CTE_QP:
			m = decode_qp_feed(&r->qp, p, take, w->obuf);
			deliver(w, r, w->obuf, m);
			break;
		case DECODE_CTE_UUENCODE:
			uu_body(w, r, p, take);
			break;
		default:
			deliver(w, r, p, take);
			break;
		}
		p += take;
		n -= take;
	}
}

/* The reading's last bytes; its embedded part ends (part_end comes later). */
static void
reading_drain(struct mime *w, struct mime_reading *r)
{
	struct mime_piece pc;

	if (r->cte == DECODE_CTE_BASE64)
		deliver(w, r, w->obuf, decode_b64_finish(&r->b64, w->obuf));
	else if (r->cte == DECODE_CTE_QP)
		deliver(w, r, w->obuf, decode_qp_finish(&r->qp, w->obuf));
	else if (r->cte == DECODE_CTE_UUENCODE &&
	    mime_split_flush(&r->raw, &pc))
		deliver(w, r, w->obuf, uu_body_line(w, r, &pc, 0));
	if (r->text && !w->failed && mime_split_flush(&r->tl, &pc))
		text_line(w, r, &pc);
	if (r->emode != EMB_NONE)
		emb_close(w, r);
	if (r->cte == DECODE_CTE_BASE64 && (r->b64.flags & DECODE_F_JUNK))
		mime_amb(w, w->leaf, AMB_B64_JUNK, r->part->where);
	if (r->cte == DECODE_CTE_BASE64 &&
	    (r->b64.flags & DECODE_F_AFTER_PAD))
		mime_amb(w, w->leaf, AMB_B64_PAD, r->part->where);
}

static void
reading_init(struct mime_reading *r, struct mime_part *part,
    enum decode_cte cte, int text)
{
	r->part = part;
	r->cte = cte;
	decode_b64_init(&r->b64);
	decode_qp_init(&r->qp);
	r->raw.len = 0;
	r->raw.inlong = 0;
	r->tl.len = 0;
	r->tl.inlong = 0;
	r->text = text;
	r->emode = EMB_NONE;
	r->eopen = 0;
	r->elen = 0;
	r->nuu = 0;
	r->nyenc = 0;
}

/* ---- leaf bytes ---------------------------------------------------- */

static void
dual_flush(struct mime *w)
{
	size_t n = w->ndual;

	w->ndual = 0;
	if (n > 0)
		reading_feed(w, &w->rd[0], w->dual, n);
	if (n > 0 && !w->failed)
		reading_feed(w, &w->rd[1], w->dual, n);
}

/*
 * Two readings take the bytes in fixed blocks counted from the start of
 * the leaf, each block by the first reading and then the second: which
 * of their embedded parts opens first (only one may be open, for LIFO)
 * then depends on the content, not on how the input was split.
 */
static void
leaf_decode(struct mime *w, const unsigned char *p, size_t n)
{
	size_t take;

	if (w->nrd < 2) {
		reading_feed(w, &w->rd[0], p, n);
		return;
	}
	while (n > 0 && !w->failed) {
		take = MIME_BLOCK - w->ndual < n ? MIME_BLOCK - w->ndual : n;
		memcpy(w->dual + w->ndual, p, take);
		w->ndual += take;
		p += take;
		n -= take;
		if (w->ndual == MIME_BLOCK)
			dual_flush(w);
	}
}

static void
span_flush(struct mime *w)
{
	const unsigned char *p = w->span_p;
	size_t n = w->span_n;

	if (n == 0)
		return;
	w->span_n = 0;		/* first: findings below flush again */
	leaf_decode(w, p, n);
}

/* Raw leaf bytes; span: they stay valid until the end of this feed. */
static void
leaf_raw(struct mime *w, const unsigned char *p, size_t n, int span)
{
	if (n == 0)
		return;
	if (span && w->span_n > 0 && w->span_p + w->span_n == p) {
		w->span_n += n;
		return;
	}
	span_flush(w);
	if (span) {
		w->span_p = p;
		w->span_n = n;
	} else
		leaf_decode(w, p, n);
}

static void
hold_emit(struct mime *w)
{
	size_t n = w->nhold;

	if (n == 0)
		return;
	w->nhold = 0;
	if (w->hold_p != NULL)
		leaf_raw(w, w->hold_p, n, 1);
	else
		leaf_raw(w, w->hold, n, 0);
}

static void
hold_set(struct mime *w, const unsigned char *p, size_t n, int span)
{
	memcpy(w->hold, p, n);
	w->nhold = n;
	w->hold_p = span ? p : NULL;
}

/*
 * A piece of a body line.  Its line end is held back: if the next line
 * is a delimiter, the CR LF belongs to it, not to the content.
 */
void
mime_leaf_piece(struct mime *w, const struct mime_piece *pc)
{
	const unsigned char *p = pc->p;
	size_t n = pc->n, c;
	int span = !(pc->fl & MIME_L_COPY);

	if (pc->fl & MIME_L_START)
		hold_emit(w);
	if ((pc->fl & MIME_L_END) && n > 0 && p[n - 1] == '\n') {
		c = n - 1;
		if (c > 0 && p[c - 1] == '\r')
			c--;
		else if (c == 0 && w->nhold == 1) {
			/* CR LF cut between two pieces of a long line */
			w->hold[1] = '\n';
			w->nhold = 2;
			w->hold_p = NULL;
			return;
		}
		hold_emit(w);
		leaf_raw(w, p, c, span);
		hold_set(w, p + c, n - c, span);
		return;
	}
	hold_emit(w);
	if (!(pc->fl & MIME_L_END) && n > 0 && p[n - 1] == '\r') {
		leaf_raw(w, p, n - 1, span);
		hold_set(w, p + n - 1, 1, span);
		return;
	}
	leaf_raw(w, p, n, span);
}

/* The caller's buffer goes away: decode what points into it. */
void
mime_leaf_sync(struct mime *w)
{
	if (w->leaf == NULL)
		return;
	span_flush(w);
	if (w->nhold > 0)
		w->hold_p = NULL;
}

void
mime_leaf_begin(struct mime *w, struct ent *f)
{
	int text = strncmp(f->ctype, "text/", 5) == 0;

	w->leaf = f;
	w->nhold = 0;
	w->hold_p = NULL;
	w->span_n = 0;
	w->nrd = 1;
	reading_init(&w->rd[0], &f->part, f->cte[0], text);
	mime_cb_begin(w, &f->part);
	if (f->ncte < 2)
		return;
	/* Two encodings: the second reading is "<where>~2". */
	w->alt = f->part;
	w->alt.user = NULL;
	w->alt_where = mime_where_join(f->part.where, "", "~2");
	w->alt.where = w->alt_where;
	w->alt.cte = decode_cte_name(f->cte[1]);
	reading_init(&w->rd[1], &w->alt, f->cte[1], text);
	w->nrd = 2;
	w->ndual = 0;
	if (w->dual == NULL)
		w->dual = mem_alloc(MIME_BLOCK);
	mime_cb_begin(w, &w->alt);
}

/* eof: no delimiter follows, so a held line end is content. */
void
mime_leaf_end(struct mime *w, int eof)
{
	size_t i;

	span_flush(w);
	if (eof)
		hold_emit(w);
	span_flush(w);
	dual_flush(w);
	w->nhold = 0;
	w->hold_p = NULL;
	/*
	 * Drain both readings before either ends: an embedded part of the
	 * first opened after the second began, so it must end before it.
	 */
	for (i = w->nrd; i-- > 0 && !w->failed;)
		reading_drain(w, &w->rd[i]);
	for (i = w->nrd; i-- > 0 && !w->failed;)
		mime_cb_end(w, w->rd[i].part);
	free(w->alt_where);
	w->alt_where = NULL;
	w->leaf = NULL;
	w->nrd = 0;
}
