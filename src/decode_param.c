/*
 * decode_param: structured header values (RFC 2045 section 5.1) and their
 * parameters, plain (with RFC 2047 words, as Outlook writes them) and
 * RFC 2231 (charset'language'%XX, continuations in any order).
 *
 * Untrusted input: the header value.  Parsing is lenient and never fails:
 * RFC 822 comments are removed (nesting counted, never recursed), missing
 * semicolons and spaces around '=' are tolerated, an unterminated quote
 * or comment runs to the end (DECODE_F_TRUNCATED).  Limits: at most
 * DECODE_PARAMS_MAX parameters (more: DECODE_F_TRUNCATED), RFC 2231
 * section numbers up to DECODE_2231_MAX; linear time.  Ownership: struct
 * decode_params owns its strings until decode_params_free().  Thread-safe:
 * no global state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode_int.h"
#include "mem.h"
#include "sbuf.h"

#define DECODE_PARAMS_MAX	256
#define DECODE_2231_MAX		999

struct plex {
	const char	*s;
	size_t		 n;
	size_t		 i;
	unsigned	 flags;
};

static int
plex_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skip white space and comments; returns whether white space was seen. */
static int
plex_cfws(struct plex *lx)
{
	size_t	depth = 0;
	int	ws = 0;

	for (; lx->i < lx->n; lx->i++) {
		char c = lx->s[lx->i];

		if (depth > 0) {
			if (c == '\\' && lx->i + 1 < lx->n)
				lx->i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
		} else if (c == '(')
			depth = 1;
		else if (plex_ws(c))
			ws = 1;
		else
			break;
	}
	if (depth > 0)
		lx->flags |= DECODE_F_TRUNCATED;	/* unterminated */
	return ws;
}

/* Token bytes up to white space, ';', '(', '"' and (if eq_stops) '='. */
static size_t
plex_token(struct plex *lx, struct sbuf *b, int eq_stops, int lower)
{
	size_t start = lx->i;

	for (; lx->i < lx->n; lx->i++) {
		unsigned char c = (unsigned char)lx->s[lx->i];

		if (plex_ws((char)c) || c == ';' || c == '(' || c == '"' ||
		    (eq_stops && c == '='))
			break;
		if (lower && c >= 'A' && c <= 'Z')
			c += 32;
		sbuf_putc(b, c);
	}
	return lx->i - start;
}

/* RFC 822 quoted-string at '"': backslash escapes undone, CR/LF dropped. */
static void
plex_quoted(struct plex *lx, struct sbuf *b)
{
	for (lx->i++; lx->i < lx->n; lx->i++) {
		char c = lx->s[lx->i];

		if (c == '\\' && lx->i + 1 < lx->n)
			c = lx->s[++lx->i];
		else if (c == '"') {
			lx->i++;
			return;
		} else if (c == '\r' || c == '\n')
			continue;
		sbuf_putc(b, (unsigned char)c);
	}
	lx->flags |= DECODE_F_TRUNCATED;	/* unterminated: to the end */
}

/* Whether a "token =" starts at i (a parameter after a missing ';'). */
static int
plex_param_ahead(const struct plex *lx)
{
	size_t k = lx->i;

	while (k < lx->n && !plex_ws(lx->s[k]) && lx->s[k] != ';' &&
	    lx->s[k] != '(' && lx->s[k] != '"' && lx->s[k] != '=')
		k++;
	if (k == lx->i)
		return 0;
	while (k < lx->n && plex_ws(lx->s[k]))
		k++;
	return k < lx->n && lx->s[k] == '=';
}

/*
 * Unquoted value: tokens ('=' allowed: boundary=----=_Part) separated by
 * white space or comments, up to ';' or the next "name=".
 */
static void
plex_value(struct plex *lx, struct sbuf *b)
{
	for (;;) {
		int ws;

		plex_token(lx, b, 0, 0);
		ws = plex_cfws(lx);
		if (lx->i >= lx->n || lx->s[lx->i] == ';' ||
		    lx->s[lx->i] == '"' || plex_param_ahead(lx))
			return;
		if (ws)
			sbuf_putc(b, ' ');
	}
}

/* ---- struct decode_params ------------------------------------------- */

static char *
dup_bytes(const unsigned char *p, size_t len)
{
	char *s = mem_alloc(len + 1);

	if (len > 0)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

static void
params_add(struct decode_params *ps, struct sbuf *name, struct sbuf *val,
    int quoted)
{
	struct decode_param *p;

	if (ps->n % 16 == 0)
		ps->p = mem_reallocarray(ps->p, ps->n + 16, sizeof(*ps->p));
	p = &ps->p[ps->n++];
	p->name = dup_bytes(name->data, name->len);
	p->value = dup_bytes(val->data, val->len);
	p->value_len = val->len;
	p->quoted = quoted;
}

/* "type / subtype", lowercased; nothing if the value starts "name=". */
static void
params_main(struct plex *lx, struct sbuf *b)
{
	size_t start;

	plex_cfws(lx);
	start = lx->i;
	for (;;) {
		size_t k = plex_token(lx, b, 1, 1);

		plex_cfws(lx);
		if (lx->i < lx->n && lx->s[lx->i] == '/')
			continue;
		if (k == 0 || b->len == 0 || b->data[b->len - 1] != '/' ||
		    lx->i >= lx->n || plex_param_ahead(lx))
			break;
	}
	if (lx->i < lx->n && lx->s[lx->i] == '=') {
		lx->i = start;
		sbuf_reset(b);
	}
}

/* One "name = value"; a parameter without a value is dropped. */
static void
params_one(struct plex *lx, struct decode_params *ps, struct sbuf *name,
    struct sbuf *val)
{
	int quoted = 0;

	sbuf_reset(name);
	sbuf_reset(val);
	if (plex_token(lx, name, 1, 1) == 0) {
		if (lx->s[lx->i] == '"')
			plex_quoted(lx, val);	/* stray string: dropped */
		else
			lx->i++;		/* stray '=' */
		return;
	}
	plex_cfws(lx);
	if (lx->i >= lx->n || lx->s[lx->i] != '=')
		return;				/* no value: dropped */
	lx->i++;
	plex_cfws(lx);
	if (lx->i < lx->n && lx->s[lx->i] == '"') {
		plex_quoted(lx, val);
		quoted = 1;
	} else
		plex_value(lx, val);
	if (name->data[0] != '\0')	/* "\0x=y" names nothing: dropped */
		params_add(ps, name, val, quoted);
}

void
decode_params_parse(const char *in, size_t len, struct decode_params *ps)
{
	struct plex	lx = { in, len, 0, 0 };
	struct sbuf	name, val;

	memset(ps, 0, sizeof(*ps));
	sbuf_init(&name, 0);
	sbuf_init(&val, 0);
	params_main(&lx, &val);
	ps->value = dup_bytes(val.data, val.len);
	for (;;) {
		plex_cfws(&lx);
		if (lx.i < lx.n && lx.s[lx.i] == ';') {
			lx.i++;
			continue;
		}
		if (lx.i >= lx.n)
			break;
		if (ps->n == DECODE_PARAMS_MAX) {
			lx.flags |= DECODE_F_TRUNCATED;
			break;
		}
		params_one(&lx, ps, &name, &val);
	}
	ps->flags |= lx.flags;
	sbuf_release(&name);
	sbuf_release(&val);
}

void
decode_params_free(struct decode_params *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->n; i++) {
		free(ps->p[i].name);
		free(ps->p[i].value);
	}
	free(ps->p);
	free(ps->value);
	memset(ps, 0, sizeof(*ps));
}

size_t
decode_params_count(const struct decode_params *ps, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->p[i].name, name) == 0)
			n++;
	return n;
}

const struct decode_param *
decode_params_get(const struct decode_params *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->p[i].name, name) == 0)
			return &ps->p[i];
	return NULL;
}

int
decode_param_plain(const struct decode_params *ps, const char *name,
    const char *fallback_charset, struct sbuf *out, unsigned *flags_r)
{
	const struct decode_param	*p;
	unsigned			 fl = 0;
	size_t				 nwords = 0;
	int				 rc;

	if ((p = decode_params_get(ps, name)) == NULL)
		return 0;
	rc = decode_rfc2047_text(p->value, p->value_len, fallback_charset,
	    out, &fl, &nwords);
	if (p->quoted && nwords > 0)
		fl |= DECODE_F_RFC2047_QUOTED;	/* Outlook's way */
	if (flags_r != NULL)
		*flags_r |= fl;
	return rc < 0 ? -1 : 1;
}

/* ---- RFC 2231 --------------------------------------------------------- */

struct sect {
	unsigned			 num;
	int				 encoded;
	const struct decode_param	*p;
};

/*
 * Whether pname is "name*", "name*N" or "name*N*" (section number to
 * *num_r, UINT_MAX for the single form; *enc_r set for a trailing '*').
 */
static int
sect_match(const char *pname, const char *name, size_t nlen, unsigned *num_r,
    int *enc_r, unsigned *flags_r)
{
	const char	*p;
	unsigned	 num = 0;

	if (strncmp(pname, name, nlen) != 0 || pname[nlen] != '*')
		return 0;
	p = pname + nlen + 1;
	if (*p == '\0') {
		*num_r = UINT32_MAX;
		*enc_r = 1;
		return 1;
	}
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		*flags_r |= DECODE_F_BAD_2231;	/* leading zero */
	for (; *p >= '0' && *p <= '9'; p++) {
		if (num > DECODE_2231_MAX) {
			*flags_r |= DECODE_F_BAD_2231;
			return 0;
		}
		num = num * 10 + (unsigned)(*p - '0');
	}
	if (p == pname + nlen + 1 || (*p != '\0' && strcmp(p, "*") != 0))
		return 0;
	if (num > DECODE_2231_MAX) {
		*flags_r |= DECODE_F_BAD_2231;
		return 0;
	}
	*num_r = num;
	*enc_r = *p == '*';
	return 1;
}

/* Stable insertion sort by section number (at most 256 entries). */
static void
sect_sort(struct sect *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct sect t = v[i];

		for (j = i; j > 0 && v[j - 1].num > t.num; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/* %XX (RFC 2231 section 4); a bad escape is kept as text and flagged. */
static void
pct_decode(const char *s, size_t len, struct sbuf *raw, unsigned *flags_r)
{
	size_t	i;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%' && i + 2 < len &&
		    (hi = decode_hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = decode_hexval((unsigned char)s[i + 2])) >= 0) {
			c = (unsigned char)((hi << 4) | lo);
			i += 2;
		} else if (c == '%')
			*flags_r |= DECODE_F_BAD_2231;
		sbuf_putc(raw, c);
	}
}

/*
 * Section 0 (or the single form) starts "charset'language'".  Returns the
 * charset (NULL if empty, "" if unusable) and the length of the prefix.
 */
static const char *
sect_charset(const struct decode_param *p, char *cs, size_t *skip_r,
    unsigned *flags_r)
{
	const char	*v = p->value, *q1, *q2;
	size_t		 clen;

	*skip_r = 0;
	if ((q1 = memchr(v, '\'', p->value_len)) == NULL) {
		*flags_r |= DECODE_F_BAD_2231;
		return NULL;
	}
	q2 = memchr(q1 + 1, '\'', p->value_len - (size_t)(q1 + 1 - v));
	if (q2 == NULL)
		*flags_r |= DECODE_F_BAD_2231;
	*skip_r = (size_t)((q2 != NULL ? q2 : q1) + 1 - v);
	if ((clen = (size_t)(q1 - v)) == 0)
		return NULL;
	if (clen > DECODE_CHARSET_MAX || memchr(v, '\0', clen) != NULL)
		return "";
	memcpy(cs, v, clen);
	cs[clen] = '\0';
	return cs;
}

/* Joins the sorted sections as bytes, then converts them once. */
static int
sect_decode(const struct sect *v, size_t nv, struct sbuf *out,
    unsigned *flags_r)
{
	char		 cs[DECODE_CHARSET_MAX + 1];
	const char	*charset = NULL;
	struct sbuf	 raw;
	size_t		 i, skip;
	unsigned	 expect = 0;
	int		 any_enc = 0, rc;

	sbuf_init(&raw, 0);
	for (i = 0; i < nv; i++) {
		const struct decode_param *p = v[i].p;

		if (v[i].num != expect)
			*flags_r |= DECODE_F_BAD_2231;	/* gap, dup */
		if (i > 0 && v[i].num == v[i - 1].num)
			continue;		/* the first one wins */
		expect = v[i].num + 1;
		if (!v[i].encoded) {
			sbuf_append(&raw, p->value, p->value_len);
			continue;
		}
		any_enc = 1;
		skip = 0;
		if (v[i].num == 0)
			charset = sect_charset(p, cs, &skip, flags_r);
		pct_decode(p->value + skip, p->value_len - skip, &raw, flags_r);
	}
	/* Plain continuations: some clients put RFC 2047 words in them. */
	if (!any_enc)
		rc = decode_rfc2047_text((const char *)raw.data, raw.len, NULL,
		    out, flags_r, NULL);
	else
		rc = decode_charset_text(charset, raw.data, raw.len, out,
		    flags_r);
	sbuf_release(&raw);
	return rc;
}

/*
 * The sections of name, in parameter order, into v (at most
 * DECODE_PARAMS_MAX); the first single "name*" to *single_r.
 */
static size_t
sect_collect(const struct decode_params *ps, const char *name,
    struct sect *v, const struct decode_param **single_r, unsigned *flags_r)
{
	size_t		i, nv = 0, nlen = strlen(name);
	unsigned	num;
	int		enc;

	*single_r = NULL;
	for (i = 0; i < ps->n && nv < DECODE_PARAMS_MAX; i++) {
		if (!sect_match(ps->p[i].name, name, nlen, &num, &enc,
		    flags_r))
			continue;
		if (num != UINT32_MAX) {
			v[nv].num = num;
			v[nv].encoded = enc;
			v[nv++].p = &ps->p[i];
		} else if (*single_r != NULL)
			*flags_r |= DECODE_F_BAD_2231;	/* two "name*" */
		else
			*single_r = &ps->p[i];
	}
	return nv;
}

int
decode_param_2231(const struct decode_params *ps, const char *name,
    struct sbuf *out, unsigned *flags_r)
{
	struct sect			 v[DECODE_PARAMS_MAX];
	const struct decode_param	*single;
	size_t				 nv;
	unsigned			 fl = 0;
	int				 rc = 0;

	nv = sect_collect(ps, name, v, &single, &fl);
	if (nv > 0 || single != NULL) {
		sect_sort(v, nv);
		if (single != NULL && nv > 0) {
			fl |= DECODE_F_BAD_2231;	/* both forms */
			if (v[0].num != 0)
				nv = 0;
		}
		if (nv == 0) {
			v[0].num = 0;
			v[0].encoded = 1;
			v[0].p = single;
			nv = 1;
		}
		rc = sect_decode(v, nv, out, &fl) < 0 ? -1 : 1;
	}
	if (flags_r != NULL)
		*flags_r |= fl;
	return rc;
}
