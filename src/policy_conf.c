/*
 * policy_conf: the triage.conf parser and its table of settings.
 *
 * Untrusted input: triage.conf, Postfix main.cf syntax (postconf(5)):
 * "name = value"; lines whose first non-blank character is '#' and blank
 * lines are ignored; a line that begins with white space continues the
 * previous setting (joined with one space); CRLF is accepted.  No comments
 * after a value, as in Postfix.  Limits: POLICY_CONF_MAX bytes; values
 * checked against each setting's range; rule scores -1000..1000.
 *
 * Every problem is one "file:line: message" and parsing goes on; a setting
 * given twice is an error (Postfix would silently take the last one: a
 * trap in a security policy).  Ownership: writes into the caller's policy.
 * Thread safety: reentrant; no static state.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "policy.h"
#include "policy_int.h"
#include "rules.h"

#define POLICY_PATH_MAX		4096
#define POLICY_SCORE_MIN	(-1000)
#define POLICY_SCORE_MAX	1000

enum policy_stype {
	PT_SIZE,	/* uint64_t bytes; k/m/g suffix */
	PT_TIME,	/* unsigned milliseconds; s/m/h/d suffix */
	PT_UINT,	/* unsigned */
	PT_INT,		/* int */
	PT_ACTION,	/* enum verdict_action */
	PT_PATH,	/* char *, owned: a list file, relative to the dir */
	PT_ABSPATH,	/* char *, owned: an absolute directory path */
	PT_STRING,	/* char *, owned: UTF-8 text without control chars */
	PT_ASCII,	/* char *, owned: printable ASCII (SMTP reply text) */
	PT_QMODE,	/* int: quarantine_mode discard (0) or hold (1) */
	PT_BOOL,	/* int: yes (1) or no (0) */
	PT_LANG		/* int: ja (0) or en (1) */
};

struct policy_setting {
	const char		*name;
	enum policy_stype	 type;
	uint64_t		 def, min, max;	/* bytes, ms or count */
	const char		*defstr;	/* default of string types */
	size_t			 off;		/* into struct policy_box */
};

#define OFF(f)	offsetof(struct policy_box, f)

static const struct policy_setting policy_settings[] = {
	{ "max_message_size", PT_SIZE, 64 * MIB, 1 * MIB, 1 * GIB, NULL,
	    OFF(pol.lim.message_size) },
	{ "max_header_size", PT_SIZE, 1 * MIB, 64 * KIB, 16 * MIB, NULL,
	    OFF(pol.lim.header_size) },
	{ "max_part_size", PT_SIZE, 32 * MIB, 64 * KIB, 512 * MIB, NULL,
	    OFF(pol.lim.part_size) },
	{ "max_expanded_size", PT_SIZE, 256 * MIB, 1 * MIB, 4 * GIB, NULL,
	    OFF(pol.lim.expanded_size) },
	{ "max_mime_depth", PT_UINT, 32, 2, 256, NULL,
	    OFF(pol.lim.mime_depth) },
	{ "max_mime_parts", PT_UINT, 2000, 10, 100000, NULL,
	    OFF(pol.lim.mime_parts) },
	{ "max_archive_depth", PT_UINT, 6, 1, 32, NULL,
	    OFF(pol.lim.archive_depth) },
	{ "max_archive_entries", PT_UINT, 10000, 10, 1000000, NULL,
	    OFF(pol.lim.archive_entries) },
	{ "max_expansion_ratio", PT_UINT, 200, 10, 10000, NULL,
	    OFF(pol.lim.expansion_ratio) },
	{ "max_scan_time", PT_TIME, 20000, 1000, 600000, NULL,
	    OFF(pol.lim.scan_time_ms) },
	{ "max_name_length", PT_UINT, 1024, 64, 8192, NULL,
	    OFF(pol.lim.name_length) },
	{ "tag_threshold", PT_INT, 5, 0, 10000, NULL,
	    OFF(pol.tag_threshold) },
	{ "quarantine_threshold", PT_INT, 15, 0, 10000, NULL,
	    OFF(pol.quarantine_threshold) },
	{ "reject_threshold", PT_INT, 0, 0, 10000, NULL,
	    OFF(pol.reject_threshold) },
	{ "on_internal_error", PT_ACTION, VERDICT_TEMPFAIL, 0, 0, NULL,
	    OFF(pol.internal_error_action) },
	{ "blocked_extensions_file", PT_PATH, 0, 0, 0,
	    "blocked-extensions.txt", OFF(path[PL_EXT]) },
	{ "hash_blocklist_file", PT_PATH, 0, 0, 0,
	    "hash-blocklist.txt", OFF(path[PL_HASH]) },
	{ "url_blocklist_file", PT_PATH, 0, 0, 0,
	    "url-blocklist.txt", OFF(path[PL_URLBL]) },
	{ "url_allowlist_file", PT_PATH, 0, 0, 0,
	    "url-allowlist.txt", OFF(path[PL_URLAL]) },
	{ "protected_domains_file", PT_PATH, 0, 0, 0,
	    "protected-domains.txt", OFF(path[PL_PROT]) },
	{ "url_shorteners_file", PT_PATH, 0, 0, 0,
	    "url-shorteners.txt", OFF(path[PL_SHORT]) },
	{ "suspicious_tlds_file", PT_PATH, 0, 0, 0,
	    "suspicious-tlds.txt", OFF(path[PL_TLD]) },
	{ "intranet_hosts_file", PT_PATH, 0, 0, 0,
	    "intranet-hosts.txt", OFF(path[PL_INTRA]) },
	{ "regex_rules_file", PT_PATH, 0, 0, 0,
	    "regex-rules.txt", OFF(regex_path) },
	{ "max_urls", PT_UINT, 2000, 10, 2000, NULL, OFF(pol.max_urls) },
	{ "max_url_length", PT_UINT, 8192, 256, 65536, NULL,
	    OFF(pol.max_url_length) },
	/* The daemon (triage-milter(8)). */
	{ "milter_socket", PT_ASCII, 0, 0, 0, "inet:8895@127.0.0.1",
	    OFF(pol.milter_socket) },
	{ "spool_dir", PT_ABSPATH, 0, 0, 0, LOCALSTATEDIR
	    "/spool/triage-milter", OFF(pol.spool_dir) },
	{ "quarantine_dir", PT_ABSPATH, 0, 0, 0, LOCALSTATEDIR
	    "/lib/triage-milter", OFF(pol.quarantine_dir) },
	{ "quarantine_mode", PT_QMODE, 0, 0, 1, NULL,
	    OFF(pol.quarantine_hold) },
	{ "subject_prefix", PT_STRING, 0, 0, 0, "[\xe8\xa6\x81\xe6\xb3\xa8"
	    "\xe6\x84\x8f]", OFF(pol.subject_prefix) },
	{ "reject_text", PT_ASCII, 0, 0, 0, "Message refused by the mail "
	    "security policy; contact the recipient by other means",
	    OFF(pol.reject_text) },
	{ "max_concurrent_scans", PT_UINT, 0, 0, 1024, NULL,
	    OFF(pol.max_scans) },
	{ "max_part_memory", PT_SIZE, 16 * MIB, 0, 64 * GIB, NULL,
	    OFF(pol.part_memory) },
	/* Release and notices (triagectl(8)). */
	{ "sendmail_path", PT_ABSPATH, 0, 0, 0, "/usr/sbin/sendmail",
	    OFF(pol.sendmail_path) },
	{ "release_key_file", PT_ABSPATH, 0, 0, 0, SYSCONFDIR
	    "/triage-milter/release.key", OFF(pol.release_key_file) },
	{ "notify_to", PT_STRING, 0, 0, 0, "", OFF(pol.notify_to) },
	{ "notify_from", PT_STRING, 0, 0, 0, "postmaster",
	    OFF(pol.notify_from) },
	{ "notify_language", PT_LANG, 0, 0, 1, NULL, OFF(pol.notify_lang) },
	{ "notify_window", PT_TIME, 600000, 1000, 86400000, NULL,
	    OFF(pol.notify_window_ms) },
	{ "notify_max_per_hour", PT_UINT, 60, 1, 100000, NULL,
	    OFF(pol.notify_max_per_hour) },
	{ "notify_recipients", PT_BOOL, 0, 0, 1, NULL,
	    OFF(pol.notify_recipients) },
};

const char *
policy_setting_name(size_t i)
{
	if (i >= sizeof(policy_settings) / sizeof(policy_settings[0]))
		return NULL;
	return policy_settings[i].name;
}

#define POLICY_NSETTINGS (sizeof(policy_settings) / sizeof(policy_settings[0]))

/* State of one policy_parse_conf() call. */
struct policy_pctx {
	struct policy_box	*box;
	const char		*file;
	size_t			 line;		/* first line of the setting */
	struct policy_errors	*errs;
	size_t			 nerr;
	size_t			*set_line;	/* per setting; 0 = not set */
	size_t			*rule_line;	/* per rule id */
};

static void	policy_perr(struct policy_pctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Report "file:line: message" for the setting being parsed. */
static void
policy_perr(struct policy_pctx *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(buf, sizeof(buf), fmt, ap) < 0)
		buf[0] = '\0';
	va_end(ap);
	c->nerr++;
	policy_errors_add(c->errs, "%s:%zu: %s", c->file, c->line, buf);
}

/* ---- names and suggestions ------------------------------------------ */

/* The closest setting name or rule id within distance 2, or NULL. */
static const char *
policy_suggest(const char *name, int rules_only)
{
	const struct rule_def *rt;
	const char *best = NULL;
	int d, bestd = 3;
	size_t i, nr;

	for (i = 0; !rules_only && i < POLICY_NSETTINGS; i++)
		if ((d = policy_distance(name, policy_settings[i].name)) <
		    bestd)
			bestd = d, best = policy_settings[i].name;
	rt = rules_table(&nr);
	for (i = 0; i < nr; i++)
		if ((d = policy_distance(name, rt[i].id)) < bestd)
			bestd = d, best = rt[i].id;
	return best;
}

static void
policy_unknown(struct policy_pctx *c, const char *what, const char *name,
    int rules_only)
{
	const char *s = policy_suggest(name, rules_only);
	char q[300];

	policy_quote(name, q, sizeof(q));
	if (s != NULL)
		policy_perr(c, "unknown %s \"%s\" (did you mean \"%s\"?)",
		    what, q, s);
	else
		policy_perr(c, "unknown %s \"%s\"", what, q);
}

/* ---- settings ------------------------------------------------------- */

static void
policy_store(struct policy_box *b, const struct policy_setting *s,
    uint64_t v)
{
	void *p = (char *)b + s->off;

	switch (s->type) {
	case PT_SIZE:
		*(uint64_t *)p = v;
		break;
	case PT_TIME:
	case PT_UINT:
		*(unsigned *)p = (unsigned)v;
		break;
	case PT_INT:
		*(int *)p = (int)v;
		break;
	case PT_ACTION:
		*(enum verdict_action *)p = (enum verdict_action)v;
		break;
	case PT_QMODE:
	case PT_BOOL:
	case PT_LANG:
		*(int *)p = (int)v;
		break;
	case PT_PATH:		/* only defaults come here */
	case PT_ABSPATH:
	case PT_STRING:
	case PT_ASCII:
		free(*(char **)p);
		*(char **)p = mem_strdup(s->defstr);
		break;
	}
}

void
policy_conf_defaults(struct policy_box *b)
{
	size_t i;

	for (i = 0; i < POLICY_NSETTINGS; i++)
		policy_store(b, &policy_settings[i], policy_settings[i].def);
}

/* A limit as an admin would write it: "64m", "20s", "2000". */
static const char *
policy_fmt(const struct policy_setting *s, uint64_t v, char *buf,
    size_t sz)
{
	if (s->type == PT_TIME)
		snprintf(buf, sz, "%llus", (unsigned long long)(v / 1000));
	else if (s->type == PT_SIZE && v >= GIB && v % GIB == 0)
		snprintf(buf, sz, "%llug", (unsigned long long)(v / GIB));
	else if (s->type == PT_SIZE && v >= MIB && v % MIB == 0)
		snprintf(buf, sz, "%llum", (unsigned long long)(v / MIB));
	else if (s->type == PT_SIZE && v >= KIB && v % KIB == 0)
		snprintf(buf, sz, "%lluk", (unsigned long long)(v / KIB));
	else
		snprintf(buf, sz, "%llu", (unsigned long long)v);
	return buf;
}

static int
policy_number(struct policy_pctx *c, const struct policy_setting *s,
    const char *value, uint64_t *v)
{
	const char *p = value;
	char q[300], lo[32], hi[32];
	int r;

	if (s->type == PT_SIZE)
		r = policy_parse_size(value, v);
	else if (s->type == PT_TIME)
		r = policy_parse_time_ms(value, v);
	else
		r = (policy_parse_digits(&p, v) == -1 || *p != '\0') ? -1 : 0;
	policy_quote(value, q, sizeof(q));
	if (r == -1) {
		policy_perr(c, "%s: bad value \"%s\" (expected %s)", s->name, q,
		    s->type == PT_SIZE ? "bytes with an optional k, m or g "
		    "suffix" : s->type == PT_TIME ? "a time with an optional "
		    "s, m, h or d suffix" : "a whole number");
		return -1;
	}
	if (*v < s->min || *v > s->max) {
		policy_perr(c, "%s: value \"%s\" is out of range (%s..%s)",
		    s->name, q, policy_fmt(s, s->min, lo, sizeof(lo)),
		    policy_fmt(s, s->max, hi, sizeof(hi)));
		return -1;
	}
	return 0;
}

static int
policy_action(struct policy_pctx *c, const struct policy_setting *s,
    const char *value, uint64_t *v)
{
	enum verdict_action a;
	char q[300];

	/* Failing to judge may end in anything but a mere tag. */
	if (strcmp(value, "none") != 0 && verdict_parse(value, &a) == 0 &&
	    a != VERDICT_TAG) {
		*v = (uint64_t)a;
		return 0;
	}
	policy_perr(c, "%s: bad action \"%s\" (expected tempfail, accept, "
	    "reject or quarantine)", s->name, policy_quote(value, q, sizeof(q)));
	return -1;
}

static void
policy_set_path(struct policy_pctx *c, const struct policy_setting *s,
    const char *value)
{
	char **p = (char **)(void *)((char *)c->box + s->off);

	if (strlen(value) >= POLICY_PATH_MAX) {
		policy_perr(c, "%s: path longer than %d bytes", s->name,
		    POLICY_PATH_MAX - 1);
		return;
	}
	free(*p);
	*p = mem_strdup(value);
}

/* Text settings: bounded, no control characters, typed checks. */
static void
policy_set_string(struct policy_pctx *c, const struct policy_setting *s,
    const char *value)
{
	char **p = (char **)(void *)((char *)c->box + s->off);
	const unsigned char *u;
	size_t len = strlen(value);

	if (len >= POLICY_PATH_MAX) {
		policy_perr(c, "%s: longer than %d bytes", s->name,
		    POLICY_PATH_MAX - 1);
		return;
	}
	for (u = (const unsigned char *)value; *u != '\0'; u++)
		if (*u < 0x20 || *u == 0x7f || (s->type == PT_ASCII && *u > 0x7e)) {
			policy_perr(c, "%s: %s", s->name, s->type == PT_ASCII ?
			    "only printable ASCII is allowed (SMTP reply text)" :
			    "control characters are not allowed");
			return;
		}
	if (!policy_utf8_ok((const unsigned char *)value, len)) {
		policy_perr(c, "%s: not valid UTF-8", s->name);
		return;
	}
	if (s->type == PT_ABSPATH && value[0] != '/') {
		policy_perr(c, "%s: must be an absolute path", s->name);
		return;
	}
	if (s->type != PT_STRING && len == 0) {
		policy_perr(c, "%s: empty value", s->name);
		return;
	}
	free(*p);
	*p = mem_strdup(value);
}

/* Two-word choices: the first word stores 0, the second 1. */
static void
policy_set_choice(struct policy_pctx *c, const struct policy_setting *s,
    const char *value)
{
	static const char *const words[][2] = {
		[PT_QMODE] = { "discard", "hold" },
		[PT_BOOL] = { "no", "yes" },
		[PT_LANG] = { "ja", "en" },
	};
	const char *const *w = words[s->type];

	if (strcmp(value, w[0]) == 0)
		policy_store(c->box, s, 0);
	else if (strcmp(value, w[1]) == 0)
		policy_store(c->box, s, 1);
	else
		policy_perr(c, "%s: expected %s or %s", s->name, w[0], w[1]);
}

/* Index of a setting, or POLICY_NSETTINGS. */
static size_t
policy_setting_index(const char *name)
{
	size_t i;

	for (i = 0; i < POLICY_NSETTINGS; i++)
		if (strcmp(name, policy_settings[i].name) == 0)
			break;
	return i;
}

static void
policy_setting(struct policy_pctx *c, const char *name, const char *value)
{
	const struct policy_setting *s;
	uint64_t v;
	size_t i = policy_setting_index(name);

	if (i == POLICY_NSETTINGS) {
		policy_unknown(c, "setting", name, 0);
		return;
	}
	s = &policy_settings[i];
	if (c->set_line[i] != 0) {
		policy_perr(c, "duplicate setting %s (first at line %zu)",
		    s->name, c->set_line[i]);
		return;
	}
	c->set_line[i] = c->line;
	if (s->type == PT_PATH)
		policy_set_path(c, s, value);
	else if (s->type == PT_ABSPATH || s->type == PT_STRING ||
	    s->type == PT_ASCII)
		policy_set_string(c, s, value);
	else if (s->type == PT_QMODE || s->type == PT_BOOL ||
	    s->type == PT_LANG)
		policy_set_choice(c, s, value);
	else if (*value == '\0')
		policy_perr(c, "%s: empty value", s->name);
	else if ((s->type == PT_ACTION ? policy_action(c, s, value, &v) :
	    policy_number(c, s, value, &v)) == 0)
		policy_store(c->box, s, v);
}

/* ---- rule overrides ------------------------------------------------- */

/* Split value at white space into at most 3 words (in place). */
static size_t
policy_words(char *value, char *w[3])
{
	size_t n = 0;
	char *p = value;

	while (*p != '\0' && n < 3) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		w[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

static int
policy_rule_score(struct policy_pctx *c, const char *id, const char *word,
    int *score_r)
{
	long long v;
	char q[300];

	if (policy_parse_int(word, &v) == -1) {
		policy_perr(c, "%s: bad score \"%s\" (expected a whole number)",
		    id, policy_quote(word, q, sizeof(q)));
		return -1;
	}
	if (v < POLICY_SCORE_MIN || v > POLICY_SCORE_MAX) {
		policy_perr(c, "%s: score %lld is out of range (%d..%d)", id, v,
		    POLICY_SCORE_MIN, POLICY_SCORE_MAX);
		return -1;
	}
	*score_r = (int)v;
	return 0;
}

static int
policy_rule_action(struct policy_pctx *c, const char *id, const char *word,
    enum verdict_action *a)
{
	char q[300];

	if (verdict_parse(word, a) == 0)
		return 0;
	policy_perr(c, "%s: bad action \"%s\" (expected none, tag, quarantine, "
	    "reject or tempfail)", id, policy_quote(word, q, sizeof(q)));
	return -1;
}

static int
policy_is_number(const char *w)
{
	if (*w == '-' || *w == '+')
		w++;
	return *w >= '0' && *w <= '9';
}

static void
policy_rule_override(struct policy_pctx *c, const char *id, char *value)
{
	struct policy *pol = &c->box->pol;
	int idx = rules_index(id), score = 0, bad;
	enum verdict_action a = VERDICT_ACCEPT;
	char *w[3];
	size_t n;

	if (idx < 0 || (size_t)idx >= pol->nrules) {
		policy_unknown(c, "rule id", id, 1);
		return;
	}
	if (c->rule_line[idx] != 0) {
		policy_perr(c, "duplicate setting %s (first at line %zu)", id,
		    c->rule_line[idx]);
		return;
	}
	c->rule_line[idx] = c->line;
	n = policy_words(value, w);
	if (n == 0 || n == 3) {
		policy_perr(c, "%s: expected SCORE, ACTION or SCORE ACTION",
		    id);
		return;
	}
	if (n == 2) {
		bad = policy_rule_score(c, id, w[0], &score) == -1;
		bad |= policy_rule_action(c, id, w[1], &a) == -1;
		if (!bad) {
			pol->rule_score[idx] = score;
			pol->rule_action[idx] = a;
		}
	} else if (policy_is_number(w[0])) {
		if (policy_rule_score(c, id, w[0], &score) == 0)
			pol->rule_score[idx] = score;
	} else if (policy_rule_action(c, id, w[0], &a) == 0)
		pol->rule_action[idx] = a;
}

/* ---- triage.conf ---------------------------------------------------- */

static void
policy_thresholds(struct policy_pctx *c)
{
	static const char *const names[] = { "tag_threshold",
	    "quarantine_threshold", "reject_threshold" };
	const struct policy *pol = &c->box->pol;
	int t[3] = { pol->tag_threshold, pol->quarantine_threshold,
	    pol->reject_threshold };
	size_t line[3], i, prev = 3;

	for (i = 0; i < 3; i++)
		line[i] = c->set_line[policy_setting_index(names[i])];
	for (i = 0; i < 3; i++) {
		if (t[i] == 0)
			continue;
		if (prev < 3 && t[prev] >= t[i]) {
			c->line = line[prev] > line[i] ? line[prev] : line[i];
			policy_perr(c, "%s (%d) must be lower than %s (%d)",
			    names[prev], t[prev], names[i], t[i]);
		}
		prev = i;
	}
}

/* Trim white space at both ends of s[0..n) in place; NUL-terminates. */
static char *
policy_trim(char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	s[n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int
policy_name_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
		    *s == '-'))
			return 0;
	return 1;
}

/* One logical line "name = value" (continuations already joined). */
static void
policy_logical(struct policy_pctx *c, char *buf, size_t len)
{
	char *eq = memchr(buf, '=', len), *name, *value, q[300];

	if (eq == NULL) {
		policy_perr(c, "missing \"=\" (expected name = value)");
		return;
	}
	if (!policy_utf8_ok((unsigned char *)buf, len)) {
		policy_perr(c, "invalid UTF-8");
		return;
	}
	value = policy_trim(eq + 1, len - (size_t)(eq + 1 - buf));
	name = policy_trim(buf, (size_t)(eq - buf));
	if (*name == '\0')
		policy_perr(c, "missing setting name before \"=\"");
	else if (!policy_name_ok(name))
		policy_perr(c, "bad setting name \"%s\"",
		    policy_quote(name, q, sizeof(q)));
	else if (strchr(name, '.') != NULL)
		policy_rule_override(c, name, value);
	else
		policy_setting(c, name, value);
}

/* Does s[0..n) hold a control character other than tab? */
static int
policy_has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			return 1;
	return 0;
}

enum policy_lstate { LS_NONE, LS_OK, LS_BAD };

struct policy_lines {
	char			*buf;	/* the logical line being joined */
	size_t			 len;
	enum policy_lstate	 state;
	size_t			 line;
};

static void
policy_flush(struct policy_pctx *c, struct policy_lines *l)
{
	if (l->state == LS_OK) {
		c->line = l->line;
		policy_logical(c, l->buf, l->len);
	}
	l->state = LS_NONE;
	l->len = 0;
}

/* One physical line (without its newline and CR). */
static void
policy_physical(struct policy_pctx *c, struct policy_lines *l,
    const char *s, size_t n, size_t lineno)
{
	size_t i = 0;
	int cont = (n > 0 && (s[0] == ' ' || s[0] == '\t'));

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#')
		return;		/* blank and comment lines do not count */
	if (policy_has_ctl(s, n)) {
		if (!cont)
			policy_flush(c, l);
		c->line = lineno;
		policy_perr(c, "control character or NUL byte in line");
		l->state = LS_BAD;
		return;
	}
	if (!cont) {
		policy_flush(c, l);
		l->state = LS_OK;
		l->line = lineno;
	} else if (l->state == LS_NONE) {
		c->line = lineno;
		policy_perr(c, "continuation line (starts with white space) "
		    "without a setting before it");
		l->state = LS_BAD;
		l->line = lineno;
		return;
	} else if (l->state == LS_OK)
		l->buf[l->len++] = ' ';
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	memcpy(l->buf + l->len, s + i, n - i);
	l->len += n - i;
}

int
policy_parse_conf(struct policy *pol, const char *name, const char *buf,
    size_t len, struct policy_errors *errs)
{
	struct policy_pctx c = { (struct policy_box *)pol, name, 0, errs, 0,
	    NULL, NULL };
	struct policy_lines l = { NULL, 0, LS_NONE, 0 };
	size_t pos = 0, lineno = 0, n;
	const char *nl;

	if (len > POLICY_CONF_MAX) {
		policy_errors_add(errs, "%s: file is larger than 1 MiB", name);
		return -1;
	}
	c.set_line = mem_zalloc(POLICY_NSETTINGS * sizeof(size_t));
	c.rule_line = mem_reallocarray(NULL, pol->nrules + 1, sizeof(size_t));
	memset(c.rule_line, 0, (pol->nrules + 1) * sizeof(size_t));
	l.buf = mem_alloc(len + 1);
	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		lineno++;
		policy_physical(&c, &l, buf + pos, n > 0 &&
		    buf[pos + n - 1] == '\r' ? n - 1 : n, lineno);
		pos += n + 1;
	}
	policy_flush(&c, &l);
	policy_thresholds(&c);
	free(l.buf);
	free(c.set_line);
	free(c.rule_line);
	return c.nerr > 0 ? -1 : 0;
}
