/*
 * pdf_lex: PDF tokens and values (ISO 32000-1 sections 7.2 and 7.3).
 *
 * Tokens: white space and comments are skipped; names are decoded
 * ("/J#61vaScript" is /JavaScript, section 7.3.5); literal strings are
 * decoded with their escapes and balanced parentheses, hex strings with
 * white space and an odd last digit, nothing else (section 7.3.4);
 * numbers, keywords
 * and the delimiters of dictionaries and arrays.  Values: a value is
 * parsed into nodes of a pool (a dictionary's children are its keys and
 * values in turn); "N G R" is a reference.  Broken input is read the way
 * a forgiving reader would: a closing delimiter closes the open
 * container, a keyword that belongs to the file structure (endobj,
 * stream, obj, trailer, ...) ends every open container and is left for
 * the caller, a byte that starts nothing is skipped.
 *
 * Untrusted input: all bytes.  Limits: a value nests at most
 * PDF_DEPTH_MAX deep and has at most PDF_NODES_MAX nodes (beyond, the
 * rest of the object is read as tokens by the caller); a string is at
 * most PDF_STRING_MAX bytes, and the bytes scanned for strings that do
 * not end are bounded by a budget of twice the input (+1 MiB), so that
 * many unbalanced '(' cannot make the scan quadratic.  Ownership: nodes
 * and text belong to the lexer.  Not thread-safe: one scan.
 */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "pdf_int.h"

static int
lex_space(unsigned char c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' ||
	    c == ' ';
}

static int
lex_delim(unsigned char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
	    c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

static int
lex_regular(unsigned char c)
{
	return !lex_space(c) && !lex_delim(c);
}

static int
lex_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void
pdf_lex_init(struct pdf_lex *lx, const unsigned char *p, size_t n)
{
	memset(lx, 0, sizeof(*lx));
	lx->p = p;
	lx->n = n;
	lx->nnodes = 1;
	sbuf_init(&lx->text, 0);
	lx->strbudget = (uint64_t)n * 2 + (1u << 20);
}

void
pdf_lex_free(struct pdf_lex *lx)
{
	free(lx->nodes);
	sbuf_release(&lx->text);
	memset(lx, 0, sizeof(*lx));
}

void
pdf_lex_reset(struct pdf_lex *lx, const unsigned char *p, size_t n,
    size_t pos)
{
	lx->p = p;
	lx->n = n;
	lx->pos = pos < n ? pos : n;
	lx->strbudget += (uint64_t)n * 2;
}

void
pdf_lex_clear(struct pdf_lex *lx)
{
	lx->nnodes = 1;
	sbuf_reset(&lx->text);
}

static void
lex_skip(struct pdf_lex *lx)
{
	const unsigned char *e;

	while (lx->pos < lx->n) {
		if (lex_space(lx->p[lx->pos]))
			lx->pos++;
		else if (lx->p[lx->pos] == '%') {
			e = memchr(lx->p + lx->pos, '\n', lx->n - lx->pos);
			lx->pos = e != NULL ? (size_t)(e - lx->p) + 1 : lx->n;
		} else
			break;
	}
}

static void
lex_name(struct pdf_lex *lx, struct pdf_token *t)
{
	int h1, h2;
	unsigned char c;

	t->kind = PDF_T_NAME;
	t->off = lx->text.len;
	for (lx->pos++; lx->pos < lx->n && lex_regular(lx->p[lx->pos]);
	    lx->pos++) {
		c = lx->p[lx->pos];
		if (c == '#' && lx->n - lx->pos >= 3 &&
		    (h1 = lex_hex(lx->p[lx->pos + 1])) >= 0 &&
		    (h2 = lex_hex(lx->p[lx->pos + 2])) >= 0) {
			c = (unsigned char)(h1 << 4 | h2);
			lx->pos += 2;
		}
		sbuf_putc(&lx->text, c);
	}
	t->len = lx->text.len - t->off;
}

/* One escape after '\' at p[*i]; appends its byte(s). */
static void
lex_escape(struct pdf_lex *lx, size_t *i, size_t end)
{
	static const char from[] = "nrtbf()\\", to[] = "\n\r\t\b\f()\\";
	const char *m;
	unsigned v = 0, k;
	unsigned char c;

	if (*i >= end)
		return;
	c = lx->p[(*i)++];
	if (c >= '0' && c <= '7') {
		v = c - '0';
		for (k = 1; k < 3 && *i < end && lx->p[*i] >= '0' &&
		    lx->p[*i] <= '7'; k++)
			v = v * 8 + (lx->p[(*i)++] - '0');
		sbuf_putc(&lx->text, (int)(v & 0xff));
	} else if (c == '\r') {
		if (*i < end && lx->p[*i] == '\n')
			(*i)++;
	} else if (c != '\n') {
		m = c != '\0' ? strchr(from, c) : NULL;
		sbuf_putc(&lx->text, m != NULL ? to[m - from] : c);
	}
}

/* Literal string at '(': 0, or -1 when it does not end (text undone). */
static int
lex_literal(struct pdf_lex *lx, struct pdf_token *t)
{
	size_t i = lx->pos + 1, end, depth = 1;
	unsigned char c;

	end = lx->n - i > PDF_STRING_MAX ? i + PDF_STRING_MAX : lx->n;
	t->kind = PDF_T_STR;
	t->off = lx->text.len;
	if (lx->strwork > lx->strbudget)
		return -1;
	while (i < end) {
		c = lx->p[i++];
		if (c == '\\')
			lex_escape(lx, &i, end);
		else if (c == '(' || c == ')') {
			depth += c == '(' ? 1 : -1;
			if (depth == 0)
				break;
			sbuf_putc(&lx->text, c);
		} else
			sbuf_putc(&lx->text, c);
	}
	lx->strwork += i - lx->pos;
	if (depth != 0) {
		lx->text.len = t->off;
		return -1;
	}
	lx->pos = i;
	t->len = lx->text.len - t->off;
	return 0;
}

/* Hex string at '<': 0, or -1 when something other than hex digits and
 * white space comes before its '>' (then it is no string at all). */
static int
lex_hexstr(struct pdf_lex *lx, struct pdf_token *t)
{
	size_t i = lx->pos + 1, end;
	const unsigned char *gt;
	int v, half = -1;

	end = lx->n - i > 2 * (size_t)PDF_STRING_MAX ?
	    i + 2 * (size_t)PDF_STRING_MAX : lx->n;
	for (gt = lx->p + i; gt < lx->p + end && *gt != '>'; gt++)
		if (lex_hex(*gt) < 0 && !lex_space(*gt))
			return -1;
	if (gt == lx->p + end)
		return -1;
	t->kind = PDF_T_STR;
	t->off = lx->text.len;
	for (; lx->p + i < gt; i++) {
		if ((v = lex_hex(lx->p[i])) < 0)
			continue;
		if (half < 0)
			half = v;
		else {
			sbuf_putc(&lx->text, half << 4 | v);
			half = -1;
		}
	}
	if (half >= 0)
		sbuf_putc(&lx->text, half << 4);
	lx->pos = (size_t)(gt - lx->p) + 1;
	t->len = lx->text.len - t->off;
	return 0;
}

static void
lex_number(struct pdf_lex *lx, struct pdf_token *t)
{
	int neg = 0, digits = 0;
	int64_t v = 0;

	t->kind = PDF_T_NUM;
	t->integer = 1;
	if (lx->p[lx->pos] == '+' || lx->p[lx->pos] == '-')
		neg = lx->p[lx->pos++] == '-';
	for (; lx->pos < lx->n; lx->pos++) {
		unsigned char c = lx->p[lx->pos];

		if (c == '.' && t->integer)
			t->integer = 0;
		else if (c >= '0' && c <= '9') {
			digits++;
			if (t->integer && v < INT64_MAX / 10 - 10)
				v = v * 10 + (c - '0');
		} else
			break;
	}
	t->num = neg ? -v : v;
	if (digits == 0)
		t->kind = PDF_T_JUNK;
}

static void
lex_keyword(struct pdf_lex *lx, struct pdf_token *t)
{
	t->kind = PDF_T_KEYWORD;
	t->off = lx->pos;
	while (lx->pos < lx->n && lex_regular(lx->p[lx->pos]))
		lx->pos++;
	t->len = lx->pos - t->off;
}

/* '<' and '>' and the rest of the delimiters. */
static void
lex_angle(struct pdf_lex *lx, struct pdf_token *t, unsigned char c)
{
	int two = lx->pos + 1 < lx->n && lx->p[lx->pos + 1] == c;

	if (c == '<' && two) {
		t->kind = PDF_T_DICT;
		lx->pos += 2;
	} else if (c == '>' && two) {
		t->kind = PDF_T_DICT_END;
		lx->pos += 2;
	} else if (c == '<' && lex_hexstr(lx, t) == 0)
		return;
	else {
		t->kind = PDF_T_JUNK;
		lx->pos++;
	}
}

void
pdf_lex_token(struct pdf_lex *lx, struct pdf_token *t)
{
	unsigned char c;

	memset(t, 0, sizeof(*t));
	lex_skip(lx);
	t->start = lx->pos;
	if (lx->pos >= lx->n)
		return;
	c = lx->p[lx->pos];
	if (c == '/')
		lex_name(lx, t);
	else if (c == '(') {
		if (lex_literal(lx, t) == -1) {
			t->kind = PDF_T_JUNK;
			lx->pos++;
		}
	} else if (c == '<' || c == '>')
		lex_angle(lx, t, c);
	else if (c == '[' || c == ']') {
		t->kind = c == '[' ? PDF_T_ARRAY : PDF_T_ARRAY_END;
		lx->pos++;
	} else if ((c >= '0' && c <= '9') || c == '+' || c == '-' ||
	    c == '.')
		lex_number(lx, t);
	else if (lex_regular(c))
		lex_keyword(lx, t);
	else {
		t->kind = PDF_T_JUNK;
		lx->pos++;
	}
}

int
pdf_lex_is(const struct pdf_lex *lx, const struct pdf_token *t,
    const char *kw)
{
	size_t n = strlen(kw);

	return t->kind == PDF_T_KEYWORD && t->len == n &&
	    memcmp(lx->p + t->off, kw, n) == 0;
}

/* Keywords of the file structure: they end any value in progress. */
static int
lex_structural(const struct pdf_lex *lx, const struct pdf_token *t)
{
	static const char *const kw[] = { "endobj", "stream", "endstream",
	    "obj", "trailer", "xref", "startxref" };
	size_t i;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (pdf_lex_is(lx, t, kw[i]))
			return 1;
	return 0;
}

static uint32_t
lex_node(struct pdf_lex *lx, enum pdf_type type)
{
	struct pdf_node *n;

	if (lx->nnodes >= PDF_NODES_MAX)
		return 0;
	if (lx->nnodes >= lx->cap) {
		lx->cap = lx->cap ? lx->cap * 2 : 256;
		lx->nodes = mem_reallocarray(lx->nodes, lx->cap,
		    sizeof(*lx->nodes));
	}
	n = &lx->nodes[lx->nnodes];
	memset(n, 0, sizeof(*n));
	n->type = type;
	return lx->nnodes++;
}

static uint32_t	lex_value(struct pdf_lex *, unsigned depth);

/* Children of a container until its end (or a structural keyword). */
static void
lex_container(struct pdf_lex *lx, uint32_t self, unsigned depth)
{
	struct pdf_token t;
	uint32_t last = 0, v;
	size_t at;

	for (;;) {
		at = lx->pos;
		pdf_lex_token(lx, &t);
		if (t.kind == PDF_T_EOF || t.kind == PDF_T_DICT_END ||
		    t.kind == PDF_T_ARRAY_END)
			return;
		if (lex_structural(lx, &t) || lx->nnodes >= PDF_NODES_MAX) {
			lx->pos = at;
			return;
		}
		lx->pos = at;
		if ((v = lex_value(lx, depth + 1)) == 0)
			continue;
		if (last == 0)
			lx->nodes[self].child = v;
		else
			lx->nodes[last].next = v;
		last = v;
	}
}

/* After an integer: "G R" makes a reference. */
static uint32_t
lex_number_value(struct pdf_lex *lx, const struct pdf_token *t)
{
	struct pdf_token t2, t3;
	size_t at = lx->pos;
	uint32_t v;

	if (t->integer) {
		pdf_lex_token(lx, &t2);
		if (t2.kind == PDF_T_NUM && t2.integer) {
			pdf_lex_token(lx, &t3);
			if (pdf_lex_is(lx, &t3, "R")) {
				if ((v = lex_node(lx, PDF_REF)) != 0)
					lx->nodes[v].num = t->num;
				return v;
			}
		}
		lx->pos = at;
	}
	if ((v = lex_node(lx, PDF_NUM)) != 0) {
		lx->nodes[v].num = t->num;
		lx->nodes[v].integer = t->integer;
	}
	return v;
}

static uint32_t
lex_value(struct pdf_lex *lx, unsigned depth)
{
	struct pdf_token t;
	size_t at = lx->pos;
	uint32_t v = 0;

	pdf_lex_token(lx, &t);
	switch (t.kind) {
	case PDF_T_NUM:
		return lex_number_value(lx, &t);
	case PDF_T_NAME:
	case PDF_T_STR:
		if ((v = lex_node(lx, t.kind == PDF_T_NAME ? PDF_NAME :
		    PDF_STR)) != 0) {
			lx->nodes[v].off = t.off;
			lx->nodes[v].len = t.len;
		}
		return v;
	case PDF_T_DICT:
	case PDF_T_ARRAY:
		v = lex_node(lx, t.kind == PDF_T_DICT ? PDF_DICT : PDF_ARRAY);
		if (v != 0 && depth < PDF_DEPTH_MAX)
			lex_container(lx, v, depth);
		return v;
	case PDF_T_KEYWORD:
		if (lex_structural(lx, &t)) {
			lx->pos = at;
			return 0;
		}
		if (pdf_lex_is(lx, &t, "true") || pdf_lex_is(lx, &t, "false"))
			v = lex_node(lx, PDF_BOOL);
		else
			v = lex_node(lx, pdf_lex_is(lx, &t, "null") ?
			    PDF_NULL : PDF_KEYWORD);
		return v;
	default:
		return 0;
	}
}

uint32_t
pdf_lex_value(struct pdf_lex *lx)
{
	return lex_value(lx, 0);
}

struct pdf_node *
pdf_node(struct pdf_lex *lx, uint32_t i)
{
	return &lx->nodes[i];
}

const unsigned char *
pdf_node_bytes(struct pdf_lex *lx, uint32_t i, size_t *len_r)
{
	struct pdf_node *n = &lx->nodes[i];

	*len_r = n->len;
	return lx->text.data != NULL ? lx->text.data + n->off :
	    (const unsigned char *)"";
}

int
pdf_node_is(struct pdf_lex *lx, uint32_t i, const char *s)
{
	const unsigned char *b;
	size_t len;

	if (i == 0 || (lx->nodes[i].type != PDF_NAME &&
	    lx->nodes[i].type != PDF_STR))
		return 0;
	b = pdf_node_bytes(lx, i, &len);
	return len == strlen(s) && memcmp(b, s, len) == 0;
}

uint32_t
pdf_dict_get(struct pdf_lex *lx, uint32_t dict, const char *key)
{
	uint32_t k, v;

	if (dict == 0 || lx->nodes[dict].type != PDF_DICT)
		return 0;
	for (k = lx->nodes[dict].child; k != 0; k = v ? lx->nodes[v].next :
	    0) {
		v = lx->nodes[k].next;
		if (lx->nodes[k].type == PDF_NAME && pdf_node_is(lx, k, key))
			return v;
	}
	return 0;
}
