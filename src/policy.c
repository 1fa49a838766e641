/*
 * policy: load and share the admin's policy snapshot; shared helpers.
 *
 * Untrusted input: the policy directory.  triage.conf is parsed by
 * policy_conf.c (at most POLICY_CONF_MAX bytes), the list files it names by
 * lists.c.  Every problem is reported as "file:line: message", all of them
 * (at most POLICY_ERRORS_MAX, then one "too many errors" line).
 *
 * Ownership: a policy lives inside a private struct policy_box (see
 * policy_int.h); policy_default() and policy_load() hand out one
 * reference; the last policy_unref() frees everything, lists included.
 *
 * Thread safety: a loaded policy is never changed, so readers need no lock;
 * the reference count is changed with atomic builtins (the field is a plain
 * int in policy.h).  Loading is reentrant (no static state).
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lists.h"
#include "log.h"
#include "mem.h"
#include "policy.h"
#include "policy_int.h"
#include "rules.h"
#include "rx.h"
#include "urlcheck.h"

#define POLICY_ERRORS_MAX	1000

/* How each list file is read and where its set goes. */
static const struct {
	enum lists_kind	 kind;
	size_t		 off;		/* struct strset * in struct policy */
} policy_lists[PL_N] = {
	[PL_EXT] = { LISTS_EXTENSIONS, offsetof(struct policy,
	    blocked_extensions) },
	[PL_HASH] = { LISTS_HASHES, offsetof(struct policy, hash_blocklist) },
	[PL_URLBL] = { LISTS_DOMAINS_URLS, offsetof(struct policy,
	    url_blocklist) },
	[PL_URLAL] = { LISTS_DOMAINS_URLS, offsetof(struct policy,
	    url_allowlist) },
	[PL_PROT] = { LISTS_DOMAINS, offsetof(struct policy,
	    protected_domains) },
	[PL_SHORT] = { LISTS_DOMAINS, offsetof(struct policy,
	    url_shorteners) },
	[PL_TLD] = { LISTS_DOMAINS, offsetof(struct policy,
	    suspicious_tlds) },
	[PL_INTRA] = { LISTS_DOMAINS, offsetof(struct policy,
	    intranet_hosts) },
};

/* ---- errors --------------------------------------------------------- */

void
policy_errors_add(struct policy_errors *e, const char *fmt, ...)
{
	va_list ap, aq;
	char *msg;
	int n;

	if (e == NULL || e->n > POLICY_ERRORS_MAX)
		return;
	if (e->n == POLICY_ERRORS_MAX)
		msg = mem_strdup("too many errors; the rest are not shown");
	else {
		va_start(ap, fmt);
		va_copy(aq, ap);
		n = vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			n = 0;
		msg = mem_alloc((size_t)n + 1);
		if (vsnprintf(msg, (size_t)n + 1, fmt, aq) < 0)
			msg[0] = '\0';
		va_end(aq);
	}
	e->msgs = mem_reallocarray(e->msgs, e->n + 1, sizeof(*e->msgs));
	e->msgs[e->n++] = msg;
}

void
policy_errors_clear(struct policy_errors *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++)
		free(e->msgs[i]);
	free(e->msgs);
	e->msgs = NULL;
	e->n = 0;
}

/*
 * Quote admin text for an error message: at most 64 bytes, control
 * characters, quotes and backslashes as \xHH.
 */
const char *
policy_quote(const char *s, char *out, size_t outsz)
{
	size_t i, o = 0;

	for (i = 0; s[i] != '\0' && o + 8 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 64) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

/* ---- value parsers -------------------------------------------------- */

int
policy_parse_digits(const char **sp, uint64_t *r)
{
	const char *s = *sp;
	uint64_t v = 0;
	size_t n = 0;

	while (*s >= '0' && *s <= '9') {
		if (++n > 19)
			return -1;
		v = v * 10 + (uint64_t)(*s++ - '0');
	}
	if (n == 0)
		return -1;
	*sp = s;
	*r = v;
	return 0;
}

static int
policy_scale(const char *s, uint64_t *r, const char *units,
    const uint64_t *mult)
{
	const char *u;
	uint64_t v;

	if (policy_parse_digits(&s, &v) == -1)
		return -1;
	if (*s == '\0') {
		u = units;		/* the first unit is the default */
	} else if (s[1] != '\0' || *s == ' ' ||
	    (u = strchr(units, *s | 0x20)) == NULL)
		return -1;
	if (v > UINT64_MAX / mult[u - units])
		return -1;
	*r = v * mult[u - units];
	return 0;
}

int
policy_parse_size(const char *s, uint64_t *r)
{
	static const uint64_t mult[] = { 1, KIB, MIB, GIB };

	/* ' ' stands for "no suffix"; it can never match a real suffix. */
	return policy_scale(s, r, " kmg", mult);
}

int
policy_parse_time_ms(const char *s, uint64_t *r)
{
	static const uint64_t mult[] = { 1000, 1000, 60000, 3600000,
	    86400000 };

	return policy_scale(s, r, " smhd", mult);
}

int
policy_parse_int(const char *s, long long *r)
{
	uint64_t v;
	int neg = (*s == '-');

	if (*s == '-' || *s == '+')
		s++;
	if (policy_parse_digits(&s, &v) == -1 || *s != '\0' ||
	    v > (uint64_t)LLONG_MAX)
		return -1;
	*r = neg ? -(long long)v : (long long)v;
	return 0;
}

/* No overlongs, surrogates or code points past U+10FFFF. */
int
policy_utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	uint32_t cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			len = 2, cp = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			len = 3, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			len = 4, cp = s[i] & 0x07;
		else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

/* ---- names ------------------------------------------------------- */

/* Two-row Levenshtein, given up once a row is all over 2. */
int
policy_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int row[POLICY_NAME_MAX + 1], prev, cur, best;

	if (la > POLICY_NAME_MAX || lb > POLICY_NAME_MAX ||
	    (la > lb ? la - lb : lb - la) > 2)
		return 3;
	for (j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (int)i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			row[j] = prev + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (cur + 1 < row[j])
				row[j] = cur + 1;
			prev = cur;
			if (row[j] < best)
				best = row[j];
		}
		if (best > 2)
			return 3;
	}
	return row[lb] > 2 ? 3 : row[lb];
}

/* ---- snapshots ------------------------------------------------------ */

static void
policy_free(struct policy_box *b)
{
	size_t i;

	for (i = 0; i < PL_N; i++) {
		lists_free((struct strset **)(void *)((char *)&b->pol +
		    policy_lists[i].off));
		free(b->path[i]);
	}
	urlcheck_prot_free(&b->pol.protected_index);
	rx_free(&b->pol.regex_rules);
	free(b->regex_path);
	free(b->pol.dir);
	free(b->pol.milter_socket);
	free(b->pol.spool_dir);
	free(b->pol.quarantine_dir);
	free(b->pol.subject_prefix);
	free(b->pol.reject_text);
	free(b->pol.sendmail_path);
	free(b->pol.release_key_file);
	free(b->pol.notify_to);
	free(b->pol.notify_from);
	free(b->pol.rule_score);
	free(b->pol.rule_action);
	free(b);
}

struct policy *
policy_default(void)
{
	struct policy_box *b = mem_zalloc(sizeof(*b));
	const struct rule_def *rt = rules_table(&b->pol.nrules);
	size_t i, n = b->pol.nrules;

	policy_conf_defaults(b);
	b->pol.rule_score = mem_reallocarray(NULL, n + 1, sizeof(int));
	b->pol.rule_action = mem_reallocarray(NULL, n + 1,
	    sizeof(enum verdict_action));
	for (i = 0; i < n; i++) {
		b->pol.rule_score[i] = rt[i].score;
		b->pol.rule_action[i] = rt[i].action;
	}
	b->pol.refs = 1;
	return &b->pol;
}

/* dir/file, or file itself when absolute; owned. */
static char *
policy_join(const char *dir, const char *file)
{
	size_t n;
	char *p;

	if (file[0] == '/' || dir == NULL || dir[0] == '\0')
		return mem_strdup(file);
	if (mem_add(strlen(dir), strlen(file), &n) == -1 ||
	    mem_add(n, 2, &n) == -1)
		abort();
	p = mem_alloc(n);
	snprintf(p, n, "%s/%s", dir, file);
	return p;
}

static void
policy_load_lists(struct policy_box *b, struct policy_errors *errs)
{
	struct strset **set;
	char *path;
	size_t i;

	for (i = 0; i < PL_N; i++) {
		if (b->path[i] == NULL || b->path[i][0] == '\0')
			continue;	/* empty value: no list */
		set = (struct strset **)(void *)((char *)&b->pol +
		    policy_lists[i].off);
		path = policy_join(b->pol.dir, b->path[i]);
		*set = lists_load(path, policy_lists[i].kind, errs);
		if (i == PL_PROT && *set != NULL)
			b->pol.protected_index = urlcheck_prot_load(path);
		free(path);
	}
	if (b->regex_path != NULL && b->regex_path[0] != '\0') {
		path = policy_join(b->pol.dir, b->regex_path);
		b->pol.regex_rules = rx_load(path, errs);
		free(path);
	}
}

struct policy *
policy_load(const char *dir, struct policy_errors *errs)
{
	struct policy_errors local = { NULL, 0 };
	struct policy *pol;
	char *path, *buf;
	size_t len;
	int failed;

	if (errs == NULL)
		errs = &local;
	if (dir == NULL) {
		policy_errors_add(errs, "no policy directory given");
		policy_errors_clear(&local);
		return NULL;
	}
	pol = policy_default();
	pol->dir = mem_strdup(dir);
	path = policy_join(dir, "triage.conf");
	buf = lists_read_file(path, POLICY_CONF_MAX, &len, errs);
	if (buf != NULL) {
		policy_parse_conf(pol, path, buf, len, errs);
		policy_load_lists((struct policy_box *)pol, errs);
	}
	free(buf);
	free(path);
	failed = errs->n > 0;
	policy_errors_clear(&local);
	if (failed) {
		policy_free((struct policy_box *)pol);
		return NULL;
	}
	return pol;
}

const struct policy *
policy_ref(const struct policy *pol)
{
	if (pol != NULL)
		__atomic_fetch_add(&((struct policy *)pol)->refs, 1,
		    __ATOMIC_RELAXED);
	return pol;
}

void
policy_unref(const struct policy **polp)
{
	struct policy *pol;
	int old;

	if (polp == NULL || *polp == NULL)
		return;
	pol = (struct policy *)*polp;
	*polp = NULL;
	old = __atomic_fetch_sub(&pol->refs, 1, __ATOMIC_ACQ_REL);
	if (old <= 0)
		log_fatal("policy_unref: reference count was %d", old);
	if (old == 1)
		policy_free((struct policy_box *)pol);
}

int
policy_rule(const struct policy *pol, const char *id, int *score_r,
    enum verdict_action *action_r)
{
	int i;

	if (pol == NULL || id == NULL || (i = rules_index(id)) < 0 ||
	    (size_t)i >= pol->nrules)
		return -1;
	if (score_r != NULL)
		*score_r = pol->rule_score[i];
	if (action_r != NULL)
		*action_r = pol->rule_action[i];
	return 0;
}
