/*
 * rx: compile and match the admin's regular expression rules (see rx.h).
 *
 * Untrusted input: the rules file (written by admins, may be broken) and
 * the subjects matched (from mail).  Limits: RX_MAX_RULES rules,
 * RX_MAX_PATTERN bytes a pattern, a match limit and a depth limit per
 * match; the JIT is used when it compiles, and a match that runs out of
 * JIT stack is retried by the interpreter under the same limits.
 *
 * Ownership: a set owns its patterns, their texts and one match context.
 * Thread safety: compiled patterns and the match context are only read
 * after rx_parse() returns; the match data is a per-thread cache that is
 * created on first use and only ever holds the last match's offsets.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "lists.h"
#include "mem.h"
#include "policy.h"
#include "rx.h"

#define RX_FILE_MAX	(4u * 1024 * 1024)

struct rx_rule {
	enum rx_target	 target;
	size_t		 line;
	char		*pattern;
	char		*comment;
	pcre2_code	*code;
};

struct rx_set {
	struct rx_rule		*rules;
	size_t			 n, cap;
	size_t			 count[RX_NTARGETS];
	pcre2_match_context	*mctx;
};

/* One line being parsed. */
struct rx_line {
	const char		*file;
	size_t			 lineno;
	struct policy_errors	*errs;
};

static const char *const rx_targets[RX_NTARGETS] = { "url", "name",
    "subject" };

static void	rx_err(const struct rx_line *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
rx_err(const struct rx_line *l, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(buf, sizeof(buf), fmt, ap) < 0)
		buf[0] = '\0';
	va_end(ap);
	policy_errors_add(l->errs, "%s:%zu: %s", l->file, l->lineno, buf);
}

static int
rx_space(int c)
{
	return c == ' ' || c == '\t';
}

/* Length of the word at s[0..n). */
static size_t
rx_word(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && !rx_space((unsigned char)s[i]))
		i++;
	return i;
}

/* The target named s[0..n), or -1. */
static int
rx_target_of(const char *s, size_t n)
{
	int i;

	for (i = 0; i < RX_NTARGETS; i++)
		if (strlen(rx_targets[i]) == n && memcmp(s, rx_targets[i], n) == 0)
			return i;
	return -1;
}

/*
 * End of the regex that starts after the opening '/' at s[0]: the index
 * of the closing unescaped '/', or 0 when there is none.
 */
static size_t
rx_close(const char *s, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '/')
			return i;
	}
	return 0;
}

/* PCRE2 options for FLAGS; -1 (and an error) on an unknown flag. */
static int
rx_flags(const struct rx_line *l, const char *s, size_t n, uint32_t *opt)
{
	size_t i;

	*opt = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF |
	    PCRE2_NEVER_BACKSLASH_C;
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case 'i':
			*opt |= PCRE2_CASELESS;
			break;
		case 's':
			*opt |= PCRE2_DOTALL;
			break;
		case 'x':
			*opt |= PCRE2_EXTENDED;
			break;
		case 'm':
			*opt |= PCRE2_MULTILINE;
			break;
		default:
			rx_err(l, "unknown regex flag '%c' (allowed: i, s, x, m)",
			    (unsigned char)s[i] >= 0x20 &&
			    (unsigned char)s[i] < 0x7f ? s[i] : '?');
			return -1;
		}
	}
	return 0;
}

static pcre2_code *
rx_compile(const struct rx_line *l, const char *pat, size_t n, uint32_t opt)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *code;
	int err;

	code = pcre2_compile((PCRE2_SPTR)pat, n, opt, &err, &off, NULL);
	if (code == NULL) {
		if (pcre2_get_error_message(err, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", err);
		rx_err(l, "regex error at offset %zu: %s", (size_t)off,
		    (const char *)msg);
		return NULL;
	}
	/* Without the JIT (e.g. no executable memory) the interpreter runs. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

static void
rx_add(struct rx_set *set, enum rx_target t, size_t line, const char *pat,
    size_t patlen, const char *comment, size_t clen, pcre2_code *code)
{
	struct rx_rule *r;

	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->rules = mem_reallocarray(set->rules, set->cap,
		    sizeof(*set->rules));
	}
	r = &set->rules[set->n++];
	r->target = t;
	r->line = line;
	r->pattern = mem_strndup(pat, patlen);
	r->comment = mem_strndup(comment, clen);
	r->code = code;
	set->count[t]++;
}

/* After the flags: white space, then nothing or a '#' comment. */
static int
rx_tail(const struct rx_line *l, const char *s, size_t n, const char **c,
    size_t *clen)
{
	size_t i = 0;

	*c = "";
	*clen = 0;
	while (i < n && rx_space((unsigned char)s[i]))
		i++;
	if (i == n)
		return 0;
	if (s[i] != '#' || i == 0) {
		rx_err(l, "unexpected text after the regex (a comment starts "
		    "with white space and '#')");
		return -1;
	}
	for (i++; i < n && rx_space((unsigned char)s[i]); i++)
		;
	*c = s + i;
	*clen = n - i;
	return 0;
}

/* One trimmed, non-empty, non-comment line. */
static void
rx_line(struct rx_set *set, const struct rx_line *l, const char *s,
    size_t n)
{
	size_t w = rx_word(s, n), i, end, flen, clen;
	const char *comment;
	pcre2_code *code;
	uint32_t opt;
	int t;

	if ((t = rx_target_of(s, w)) < 0) {
		rx_err(l, "unknown target \"%.*s\" (expected url, name or "
		    "subject)", (int)(w > 32 ? 32 : w), s);
		return;
	}
	for (i = w; i < n && rx_space((unsigned char)s[i]); i++)
		;
	if (i == n || s[i] != '/' || (end = rx_close(s + i, n - i)) == 0) {
		rx_err(l, "expected /REGEX/FLAGS after the target");
		return;
	}
	if (end - 1 > RX_MAX_PATTERN || end == 1) {
		rx_err(l, end == 1 ? "empty regex" :
		    "regex longer than %d bytes", RX_MAX_PATTERN);
		return;
	}
	for (flen = 0; i + end + 1 + flen < n &&
	    !rx_space((unsigned char)s[i + end + 1 + flen]); flen++)
		;
	if (rx_flags(l, s + i + end + 1, flen, &opt) == -1 ||
	    rx_tail(l, s + i + end + 1 + flen, n - (i + end + 1 + flen),
	    &comment, &clen) == -1)
		return;
	if ((code = rx_compile(l, s + i + 1, end - 1, opt)) == NULL)
		return;
	rx_add(set, (enum rx_target)t, l->lineno, s + i + 1, end - 1,
	    comment, clen, code);
}

/* Trim white space and CR; 0 for blank and comment lines. */
static size_t
rx_trim(const char **sp, size_t n)
{
	const char *s = *sp;

	while (n > 0 && rx_space((unsigned char)*s))
		s++, n--;
	while (n > 0 && (rx_space((unsigned char)s[n - 1]) || s[n - 1] == '\r'))
		n--;
	*sp = s;
	return (n == 0 || *s == '#') ? 0 : n;
}

struct rx_set *
rx_parse(const char *name, const char *buf, size_t len,
    struct policy_errors *errs)
{
	struct rx_set *set = mem_zalloc(sizeof(*set));
	struct rx_line l = { name, 0, errs };
	size_t pos = 0, n;
	const char *nl, *s;

	set->mctx = pcre2_match_context_create(NULL);
	if (set->mctx == NULL)
		abort();	/* out of memory */
	pcre2_set_match_limit(set->mctx, RX_MATCH_LIMIT);
	pcre2_set_depth_limit(set->mctx, RX_DEPTH_LIMIT);
	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		s = buf + pos;
		pos += n + 1;
		l.lineno++;
		if ((n = rx_trim(&s, n)) == 0)
			continue;
		if (memchr(s, '\0', n) != NULL) {
			rx_err(&l, "NUL byte in line");
			continue;
		}
		if (set->n >= RX_MAX_RULES) {
			rx_err(&l, "more than %d rules; the rest of the file is "
			    "ignored", RX_MAX_RULES);
			break;
		}
		rx_line(set, &l, s, n);
	}
	return set;
}

struct rx_set *
rx_load(const char *path, struct policy_errors *errs)
{
	struct rx_set *set;
	size_t len;
	char *buf;

	if ((buf = lists_read_file(path, RX_FILE_MAX, &len, errs)) == NULL)
		return NULL;
	set = rx_parse(path, buf, len, errs);
	free(buf);
	return set;
}

void
rx_free(struct rx_set **setp)
{
	struct rx_set *set;
	size_t i;

	if (setp == NULL || (set = *setp) == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		pcre2_code_free(set->rules[i].code);
		free(set->rules[i].pattern);
		free(set->rules[i].comment);
	}
	free(set->rules);
	pcre2_match_context_free(set->mctx);
	free(set);
	*setp = NULL;
}

size_t
rx_count(const struct rx_set *set, enum rx_target t)
{
	if (set == NULL || (unsigned)t >= RX_NTARGETS)
		return 0;
	return set->count[t];
}

/* This thread's match data (one pair: we only ask "does it match"). */
static pcre2_match_data *
rx_match_data(void)
{
	static _Thread_local pcre2_match_data *md;

	if (md == NULL && (md = pcre2_match_data_create(1, NULL)) == NULL)
		abort();	/* out of memory */
	return md;
}

/* 1 match, 0 no match, 2 a limit or another matcher error. */
static int
rx_run(const struct rx_set *set, const struct rx_rule *r, const char *s,
    size_t len)
{
	pcre2_match_data *md = rx_match_data();
	int rc;

	rc = pcre2_match(r->code, (PCRE2_SPTR)s, len, 0, 0, md, set->mctx);
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(r->code, (PCRE2_SPTR)s, len, 0, PCRE2_NO_JIT,
		    md, set->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return 2;
}

size_t
rx_match(const struct rx_set *set, enum rx_target t, const char *s,
    size_t len, rx_hit_fn *fn, void *arg)
{
	struct rx_hit hit;
	size_t i, n = 0;
	int rc;

	if (set == NULL || (unsigned)t >= RX_NTARGETS || set->count[t] == 0 ||
	    s == NULL)
		return 0;
	for (i = 0; i < set->n; i++) {
		const struct rx_rule *r = &set->rules[i];

		if (r->target != t || (rc = rx_run(set, r, s, len)) == 0)
			continue;
		hit.line = r->line;
		hit.pattern = r->pattern;
		hit.comment = r->comment;
		hit.limit = (rc == 2);
		n++;
		if (fn != NULL)
			fn(arg, &hit);
	}
	return n;
}
