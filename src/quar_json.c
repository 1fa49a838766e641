/*
 * quar_json: a bounded reader of the stored JSON reports (design.md
 * section 4) into struct quar_report (see quar.h).
 *
 * The report was written by our own report_json(), but the database is
 * a file an attacker with some access could edit, so it is read as
 * untrusted: RFC 8259 syntax, at most QJ_MAX_INPUT bytes, nesting
 * QJ_MAX_DEPTH, QJ_MAX_VALUES values, strings of at most QJ_MAX_STRING
 * bytes (longer ones are cut at a character boundary); \u escapes with
 * surrogate pairs become UTF-8, lone surrogates U+FFFD.  Unknown keys and
 * values of unexpected type are skipped.  Recursion is bounded by depth.
 * Thread-safe (no shared state).
 */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "quar.h"
#include "sbuf.h"

#define QJ_MAX_INPUT	(32u * 1024 * 1024)
#define QJ_MAX_DEPTH	32
#define QJ_MAX_VALUES	100000
#define QJ_MAX_STRING	(64u * 1024)
#define QJ_MAX_ITEMS	10000	/* findings, parts or URLs kept */

struct qj {
	const char	*p, *end;
	size_t		 values;
	const char	*err;
};

static void
qj_ws(struct qj *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
qj_fail(struct qj *j, const char *what)
{
	if (j->err == NULL)
		j->err = what;
	return -1;
}

/* Is the next non-space byte c?  Consumes it if so. */
static int
qj_eat(struct qj *j, char c)
{
	qj_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return 1;
	}
	return 0;
}

static int
qj_hex4(struct qj *j, unsigned *v_r)
{
	unsigned v = 0;
	int i;

	if (j->end - j->p < 4)
		return qj_fail(j, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		char c = *j->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return qj_fail(j, "bad \\u escape");
	}
	*v_r = v;
	return 0;
}

static void
qj_put_utf8(struct sbuf *out, unsigned cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80)
		b[0] = (unsigned char)cp, n = 1;
	else if (cp < 0x800)
		b[0] = (unsigned char)(0xc0 | cp >> 6),
		b[1] = (unsigned char)(0x80 | (cp & 0x3f)), n = 2;
	else if (cp < 0x10000)
		b[0] = (unsigned char)(0xe0 | cp >> 12),
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f)),
		b[2] = (unsigned char)(0x80 | (cp & 0x3f)), n = 3;
	else
		b[0] = (unsigned char)(0xf0 | cp >> 18),
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f)),
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f)),
		b[3] = (unsigned char)(0x80 | (cp & 0x3f)), n = 4;
	if (out->len + n <= out->max)	/* whole characters only */
		sbuf_append(out, b, n);
}

/* \uXXXX, maybe a surrogate pair; the backslash-u is consumed. */
static int
qj_unicode(struct qj *j, struct sbuf *out)
{
	unsigned hi, lo;

	if (qj_hex4(j, &hi) == -1)
		return -1;
	if (hi >= 0xd800 && hi <= 0xdbff && j->end - j->p >= 6 &&
	    j->p[0] == '\\' && j->p[1] == 'u') {
		const char *save = j->p;

		j->p += 2;
		if (qj_hex4(j, &lo) == -1)
			return -1;
		if (lo >= 0xdc00 && lo <= 0xdfff) {
			qj_put_utf8(out, 0x10000 + ((hi - 0xd800) << 10) +
			    (lo - 0xdc00));
			return 0;
		}
		j->p = save;
	}
	qj_put_utf8(out, hi >= 0xd800 && hi <= 0xdfff ? 0xfffd : hi);
	return 0;
}

static int
qj_escape(struct qj *j, struct sbuf *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;

	if (j->p >= j->end)
		return qj_fail(j, "truncated escape");
	if (*j->p == 'u') {
		j->p++;
		return qj_unicode(j, out);
	}
	if ((k = memchr(from, *j->p, sizeof(from) - 1)) == NULL)
		return qj_fail(j, "bad escape");
	j->p++;
	if (out->len < out->max)
		sbuf_putc(out, to[k - from]);
	return 0;
}

/* A string (the opening quote is next) into out, cut at out->max. */
static int
qj_string(struct qj *j, struct sbuf *out)
{
	const char *run;

	if (!qj_eat(j, '"'))
		return qj_fail(j, "string expected");
	for (;;) {
		run = j->p;
		while (j->p < j->end && *j->p != '"' && *j->p != '\\' &&
		    (unsigned char)*j->p >= 0x20)
			j->p++;
		if (out->len + (size_t)(j->p - run) <= out->max)
			sbuf_append(out, run, (size_t)(j->p - run));
		if (j->p >= j->end || (unsigned char)*j->p < 0x20)
			return qj_fail(j, "unterminated string");
		if (*j->p++ == '"')
			return 0;
		if (qj_escape(j, out) == -1)
			return -1;
	}
}

static int
qj_count(struct qj *j)
{
	if (++j->values > QJ_MAX_VALUES)
		return qj_fail(j, "too many values");
	return 0;
}

/* A number: the integer part into *v (clamped), fraction/exponent read. */
static int
qj_number(struct qj *j, int64_t *v)
{
	int neg = 0, digits = 0;

	qj_ws(j);
	*v = 0;
	if (j->p < j->end && *j->p == '-')
		neg = 1, j->p++;
	for (; j->p < j->end && *j->p >= '0' && *j->p <= '9'; j->p++) {
		digits++;
		if (*v < (INT64_MAX - 9) / 10)
			*v = *v * 10 + (*j->p - '0');
	}
	if (digits == 0)
		return qj_fail(j, "number expected");
	while (j->p < j->end && *j->p != '\0' &&
	    strchr(".eE+-0123456789", *j->p) != NULL)
		j->p++;
	if (neg)
		*v = -*v;
	return qj_count(j);
}

static int
qj_literal(struct qj *j, const char *word)
{
	size_t n = strlen(word);

	qj_ws(j);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return qj_fail(j, "bad literal");
	j->p += n;
	return qj_count(j);
}

static int	qj_skip(struct qj *, int depth);

/* Members of an object; fn consumes each value.  The '{' is next. */
static int
qj_object(struct qj *j, int depth, int (*fn)(struct qj *, const char *,
    int, void *), void *arg)
{
	struct sbuf key;
	int r = 0;

	if (depth > QJ_MAX_DEPTH || qj_count(j) == -1)
		return qj_fail(j, "nested too deeply");
	if (!qj_eat(j, '{'))
		return qj_fail(j, "object expected");
	if (qj_eat(j, '}'))
		return 0;
	sbuf_init(&key, 256);
	do {
		sbuf_reset(&key);
		if (qj_string(j, &key) == -1 || !qj_eat(j, ':'))
			r = qj_fail(j, "member expected");
		else
			r = fn(j, sbuf_str(&key), depth + 1, arg);
	} while (r == 0 && qj_eat(j, ','));
	sbuf_release(&key);
	if (r == 0 && !qj_eat(j, '}'))
		r = qj_fail(j, "'}' expected");
	return r;
}

/* Elements of an array; fn consumes each.  The '[' is next. */
static int
qj_array(struct qj *j, int depth, int (*fn)(struct qj *, int, void *),
    void *arg)
{
	int r = 0;

	if (depth > QJ_MAX_DEPTH || qj_count(j) == -1)
		return qj_fail(j, "nested too deeply");
	if (!qj_eat(j, '['))
		return qj_fail(j, "array expected");
	if (qj_eat(j, ']'))
		return 0;
	do
		r = fn(j, depth + 1, arg);
	while (r == 0 && qj_eat(j, ','));
	if (r == 0 && !qj_eat(j, ']'))
		r = qj_fail(j, "']' expected");
	return r;
}

static int
qj_skip_member(struct qj *j, const char *key, int depth, void *arg)
{
	(void)key, (void)arg;
	return qj_skip(j, depth);
}

static int
qj_skip_element(struct qj *j, int depth, void *arg)
{
	(void)arg;
	return qj_skip(j, depth);
}

static int
qj_skip(struct qj *j, int depth)
{
	struct sbuf s;
	int64_t v;
	int r;

	qj_ws(j);
	if (j->p >= j->end)
		return qj_fail(j, "value expected");
	switch (*j->p) {
	case '{':
		return qj_object(j, depth, qj_skip_member, NULL);
	case '[':
		return qj_array(j, depth, qj_skip_element, NULL);
	case '"':
		sbuf_init(&s, 1);
		r = qj_string(j, &s) == 0 ? qj_count(j) : -1;
		sbuf_release(&s);
		return r;
	case 't':
		return qj_literal(j, "true");
	case 'f':
		return qj_literal(j, "false");
	case 'n':
		return qj_literal(j, "null");
	default:
		return qj_number(j, &v);
	}
}

/* A string value as an owned copy, or NULL for null/other types. */
static int
qj_str(struct qj *j, int depth, char **out)
{
	struct sbuf s;

	qj_ws(j);
	if (j->p >= j->end || *j->p != '"')
		return qj_skip(j, depth);
	sbuf_init(&s, QJ_MAX_STRING);
	if (qj_string(j, &s) == -1 || qj_count(j) == -1) {
		sbuf_release(&s);
		return -1;
	}
	free(*out);
	*out = sbuf_steal(&s, NULL);
	return 0;
}

static int
qj_int(struct qj *j, int depth, int64_t *v)
{
	qj_ws(j);
	if (j->p < j->end && (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')))
		return qj_number(j, v);
	return qj_skip(j, depth);
}

static int
qj_finding(struct qj *j, const char *k, int depth, void *arg)
{
	struct quar_finding *f = arg;

	if (strcmp(k, "rule") == 0)
		return qj_str(j, depth, &f->rule);
	if (strcmp(k, "action") == 0)
		return qj_str(j, depth, &f->action);
	if (strcmp(k, "where") == 0)
		return qj_str(j, depth, &f->where);
	if (strcmp(k, "detail") == 0)
		return qj_str(j, depth, &f->detail);
	if (strcmp(k, "score") == 0)
		return qj_int(j, depth, &f->score);
	return qj_skip(j, depth);
}

static int
qj_part(struct qj *j, const char *k, int depth, void *arg)
{
	struct quar_part *p = arg;

	if (strcmp(k, "where") == 0)
		return qj_str(j, depth, &p->where);
	if (strcmp(k, "name") == 0)
		return qj_str(j, depth, &p->name);
	if (strcmp(k, "declared") == 0)
		return qj_str(j, depth, &p->declared);
	if (strcmp(k, "detected") == 0)
		return qj_str(j, depth, &p->detected);
	if (strcmp(k, "sha256") == 0)
		return qj_str(j, depth, &p->sha256);
	if (strcmp(k, "size") == 0)
		return qj_int(j, depth, &p->size);
	return qj_skip(j, depth);
}

/* One rule id of a URL, appended to the comma-separated list. */
static int
qj_url_rule(struct qj *j, int depth, void *arg)
{
	struct quar_url *u = arg;
	char *rule = NULL, *joined;
	size_t a, b;

	if (qj_str(j, depth, &rule) == -1)
		return -1;
	if (rule == NULL)
		return 0;
	a = u->rules != NULL ? strlen(u->rules) : 0;
	b = strlen(rule);
	if (a + b + 2 <= QJ_MAX_STRING) {
		joined = mem_alloc(a + b + 2);
		memcpy(joined, u->rules != NULL ? u->rules : "", a);
		joined[a] = ',';
		memcpy(joined + (a ? a + 1 : 0), rule, b + 1);
		free(u->rules);
		u->rules = joined;
	}
	free(rule);
	return 0;
}

static int
qj_url(struct qj *j, const char *k, int depth, void *arg)
{
	struct quar_url *u = arg;

	if (strcmp(k, "url") == 0)
		return qj_str(j, depth, &u->url);
	if (strcmp(k, "where") == 0)
		return qj_str(j, depth, &u->where);
	if (strcmp(k, "domain") == 0)
		return qj_str(j, depth, &u->domain);
	qj_ws(j);
	if (strcmp(k, "rules") == 0 && j->p < j->end && *j->p == '[')
		return qj_array(j, depth, qj_url_rule, u);
	return qj_skip(j, depth);
}

/* Grow an array of items of size sz to hold one more (zeroed). */
static void *
qj_grow(void *v, size_t *n, size_t sz)
{
	char *r = mem_reallocarray(v, *n + 1, sz);

	memset(r + *n * sz, 0, sz);
	(*n)++;
	return r;
}

#define QJ_ELEMENT(name, type, arr, cnt, member)			\
static int								\
name(struct qj *j, int depth, void *arg)				\
{									\
	struct quar_report *r = arg;					\
									\
	qj_ws(j);							\
	if (j->p >= j->end || *j->p != '{' || r->cnt >= QJ_MAX_ITEMS)	\
		return qj_skip(j, depth);				\
	r->arr = qj_grow(r->arr, &r->cnt, sizeof(type));		\
	return qj_object(j, depth, member, &r->arr[r->cnt - 1]);	\
}

QJ_ELEMENT(qj_finding_el, struct quar_finding, findings, nfindings, qj_finding)
QJ_ELEMENT(qj_part_el, struct quar_part, parts, nparts, qj_part)
QJ_ELEMENT(qj_url_el, struct quar_url, urls, nurls, qj_url)

static int
qj_top(struct qj *j, const char *k, int depth, void *arg)
{
	struct quar_report *r = arg;
	int (*el)(struct qj *, int, void *) = NULL;

	if (strcmp(k, "verdict") == 0)
		return qj_str(j, depth, &r->verdict);
	if (strcmp(k, "score") == 0)
		return qj_int(j, depth, &r->score);
	if (strcmp(k, "findings") == 0)
		el = qj_finding_el;
	else if (strcmp(k, "parts") == 0)
		el = qj_part_el;
	else if (strcmp(k, "urls") == 0)
		el = qj_url_el;
	qj_ws(j);
	if (el != NULL && j->p < j->end && *j->p == '[')
		return qj_array(j, depth, el, r);
	return qj_skip(j, depth);
}

int
quar_report_parse(const char *json, size_t len, struct quar_report **rp,
    const char **error_r)
{
	struct quar_report *r = mem_zalloc(sizeof(*r));
	struct qj j = { json, json + len, 0, NULL };

	*rp = NULL;
	if (len > QJ_MAX_INPUT) {
		*error_r = "report: too large";
		quar_report_free(&r);
		return -1;
	}
	if (qj_object(&j, 1, qj_top, r) == -1 || (qj_ws(&j), j.p != j.end)) {
		*error_r = j.err != NULL ? j.err : "trailing bytes";
		quar_report_free(&r);
		return -1;
	}
	*rp = r;
	return 0;
}

void
quar_report_free(struct quar_report **rp)
{
	struct quar_report *r;
	size_t i;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	for (i = 0; i < r->nfindings; i++) {
		free(r->findings[i].rule);
		free(r->findings[i].action);
		free(r->findings[i].where);
		free(r->findings[i].detail);
	}
	for (i = 0; i < r->nparts; i++) {
		free(r->parts[i].where);
		free(r->parts[i].name);
		free(r->parts[i].declared);
		free(r->parts[i].detected);
		free(r->parts[i].sha256);
	}
	for (i = 0; i < r->nurls; i++) {
		free(r->urls[i].url);
		free(r->urls[i].where);
		free(r->urls[i].domain);
		free(r->urls[i].rules);
	}
	free(r->findings);
	free(r->parts);
	free(r->urls);
	free(r->verdict);
	free(r);
	*rp = NULL;
}
