/*
 * check_policy: the policy loader (triage.conf) and the list files.
 *
 * Covers: the shipped policy directory, typed settings and their ranges,
 * file:line errors (all of them), continuation lines, duplicates, unknown
 * names with suggestions, rule overrides, every list kind, domain and URL
 * prefix matching, hash lookups, file limits, documentation of every rule
 * id, and reference counting.  Temporary files come from mkdtemp().
 */
#include <sys/stat.h>

#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lists.h"
#include "mem.h"
#include "policy.h"
#include "rules.h"

/* ---- helpers -------------------------------------------------------- */

static const char *
srcdir(void)
{
	const char *d = getenv("top_srcdir");

	return d != NULL ? d : "..";
}

/* Parse text as a triage.conf named "t.conf" into a default policy. */
static struct policy *
conf(const char *text, struct policy_errors *e, int *rc_r)
{
	struct policy *pol = policy_default();
	int rc = policy_parse_conf(pol, "t.conf", text, strlen(text), e);

	if (rc_r != NULL)
		*rc_r = rc;
	return pol;
}

static void
drop(struct policy *pol)
{
	const struct policy *p = pol;

	policy_unref(&p);
}

/* Index of the first error containing needle, or -1. */
static int
find_err(const struct policy_errors *e, const char *needle)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strstr(e->msgs[i], needle) != NULL)
			return (int)i;
	return -1;
}

static void
dump_errs(const struct policy_errors *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		fprintf(stderr, "  error: %s\n", e->msgs[i]);
}

#define ck_err(e, needle) do {						\
	if (find_err((e), (needle)) < 0)				\
		dump_errs(e);						\
	ck_assert_msg(find_err((e), (needle)) >= 0,			\
	    "no error containing \"%s\"", (needle));			\
} while (0)

static char *
make_dir(void)
{
	char *d = mem_strdup("/tmp/check_policy.XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
}

static void
remove_dir(char *dir)
{
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
	free(dir);
}

static char *
slurp(const char *path)
{
	struct policy_errors e = { NULL, 0 };
	size_t len;
	char *buf = lists_read_file(path, 4 * 1024 * 1024, &len, &e);

	if (buf == NULL)
		dump_errs(&e);
	ck_assert_ptr_nonnull(buf);
	policy_errors_clear(&e);
	return buf;
}

/* Does text name word as a whole token (not part of a longer id)? */
static int
names_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(text, word); p != NULL; p = strstr(p + 1, word)) {
		char after = p[n], before = p == text ? ' ' : p[-1];

		if (strchr("abcdefghijklmnopqrstuvwxyz0123456789_.", after) ==
		    NULL && strchr("abcdefghijklmnopqrstuvwxyz0123456789_",
		    before) == NULL)
			return 1;
	}
	return 0;
}

/* Does conf have a line "[#]name = ..." (commented out or not)? */
static int
conf_sets(const char *conf, const char *name)
{
	size_t n = strlen(name);
	const char *p = conf, *q;

	while (p != NULL && *p != '\0') {
		q = *p == '#' ? p + 1 : p;
		if (strncmp(q, name, n) == 0) {
			q += n;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '=')
				return 1;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return 0;
}

/* Does the man page have an entry (".B id" line) for a rule id? */
static int
man_entry(const char *man, const char *id)
{
	char want[256];

	snprintf(want, sizeof(want), "\n.B %s\n", id);
	return strstr(man, want) != NULL;
}


/* ---- the shipped policy --------------------------------------------- */

static void
same_as_default(const struct policy *p)
{
	struct policy *d = policy_default();
	size_t i;

	ck_assert_int_eq(p->lim.message_size, 64u * 1024 * 1024);
	ck_assert_int_eq(p->lim.header_size, d->lim.header_size);
	ck_assert_int_eq(p->lim.part_size, d->lim.part_size);
	ck_assert_int_eq(p->lim.expanded_size, d->lim.expanded_size);
	ck_assert_uint_eq(p->lim.mime_depth, d->lim.mime_depth);
	ck_assert_uint_eq(p->lim.mime_parts, d->lim.mime_parts);
	ck_assert_uint_eq(p->lim.archive_depth, d->lim.archive_depth);
	ck_assert_uint_eq(p->lim.archive_entries, d->lim.archive_entries);
	ck_assert_uint_eq(p->lim.expansion_ratio, d->lim.expansion_ratio);
	ck_assert_uint_eq(p->lim.scan_time_ms, d->lim.scan_time_ms);
	ck_assert_uint_eq(p->lim.name_length, d->lim.name_length);
	ck_assert_int_eq(p->tag_threshold, d->tag_threshold);
	ck_assert_int_eq(p->quarantine_threshold, d->quarantine_threshold);
	ck_assert_int_eq(p->reject_threshold, d->reject_threshold);
	ck_assert_int_eq(p->internal_error_action, d->internal_error_action);
	ck_assert_uint_eq(p->nrules, d->nrules);
	for (i = 0; i < d->nrules; i++) {
		ck_assert_int_eq(p->rule_score[i], d->rule_score[i]);
		ck_assert_int_eq(p->rule_action[i], d->rule_action[i]);
	}
	drop(d);
}

START_TEST(shipped_policy_loads)
{
	struct policy_errors e = { NULL, 0 };
	char dir[4096];
	const struct policy *p;

	snprintf(dir, sizeof(dir), "%s/policy", srcdir());
	p = policy_load(dir, &e);
	dump_errs(&e);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(e.n, 0);
	same_as_default(p);
	ck_assert_str_eq(p->dir, dir);
	ck_assert(lists_has_extension(p->blocked_extensions, "exe"));
	ck_assert(lists_has_extension(p->blocked_extensions, ".JS"));
	ck_assert(lists_has_extension(p->blocked_extensions, "one"));
	ck_assert(!lists_has_extension(p->blocked_extensions, "pdf"));
	ck_assert(!lists_has_extension(p->blocked_extensions, "svg"));
	ck_assert_ptr_nonnull(p->hash_blocklist);
	ck_assert_ptr_nonnull(p->url_blocklist);
	ck_assert_ptr_nonnull(p->protected_domains);
	ck_assert(lists_match_domain(p->url_allowlist, "www.mhlw.go.jp"));
	policy_unref(&p);
	ck_assert_ptr_null(p);
}
END_TEST

START_TEST(shipped_lists_parse_alone)
{
	static const struct {
		const char	*file;
		enum lists_kind	 kind;
	} files[] = {
		{ "blocked-extensions.txt", LISTS_EXTENSIONS },
		{ "hash-blocklist.txt", LISTS_HASHES },
		{ "url-blocklist.txt", LISTS_DOMAINS_URLS },
		{ "url-allowlist.txt", LISTS_DOMAINS_URLS },
		{ "protected-domains.txt", LISTS_DOMAINS },
	};
	struct policy_errors e = { NULL, 0 };
	struct strset *s;
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/policy/%s", srcdir(),
		    files[i].file);
		s = lists_load(path, files[i].kind, &e);
		dump_errs(&e);
		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(e.n, 0);
		lists_free(&s);
		ck_assert_ptr_null(s);
	}
	snprintf(path, sizeof(path), "%s/policy/blocked-extensions.txt",
	    srcdir());
	s = lists_load(path, LISTS_EXTENSIONS, &e);
	ck_assert_uint_ge(lists_count(s), 50);
	lists_free(&s);
}
END_TEST

/* ---- values --------------------------------------------------------- */

START_TEST(size_values)
{
	uint64_t v;

	ck_assert_int_eq(policy_parse_size("64m", &v), 0);
	ck_assert_uint_eq(v, 64u * 1024 * 1024);
	ck_assert_int_eq(policy_parse_size("1M", &v), 0);
	ck_assert_uint_eq(v, 1024u * 1024);
	ck_assert_int_eq(policy_parse_size("4G", &v), 0);
	ck_assert_uint_eq(v, 4ull << 30);
	ck_assert_int_eq(policy_parse_size("64k", &v), 0);
	ck_assert_uint_eq(v, 65536);
	ck_assert_int_eq(policy_parse_size("123456", &v), 0);
	ck_assert_uint_eq(v, 123456);
	ck_assert_int_eq(policy_parse_size("", &v), -1);
	ck_assert_int_eq(policy_parse_size("m", &v), -1);
	ck_assert_int_eq(policy_parse_size("64mb", &v), -1);
	ck_assert_int_eq(policy_parse_size("64x", &v), -1);
	ck_assert_int_eq(policy_parse_size("-1", &v), -1);
	ck_assert_int_eq(policy_parse_size("1.5m", &v), -1);
	ck_assert_int_eq(policy_parse_size("64 ", &v), -1);
	ck_assert_int_eq(policy_parse_size("99999999999999999999", &v), -1);
	ck_assert_int_eq(policy_parse_size("9999999999999999g", &v), -1);
}
END_TEST

START_TEST(time_values)
{
	uint64_t v;

	ck_assert_int_eq(policy_parse_time_ms("20s", &v), 0);
	ck_assert_uint_eq(v, 20000);
	ck_assert_int_eq(policy_parse_time_ms("20", &v), 0);
	ck_assert_uint_eq(v, 20000);
	ck_assert_int_eq(policy_parse_time_ms("5m", &v), 0);
	ck_assert_uint_eq(v, 300000);
	ck_assert_int_eq(policy_parse_time_ms("1H", &v), 0);
	ck_assert_uint_eq(v, 3600000);
	ck_assert_int_eq(policy_parse_time_ms("2d", &v), 0);
	ck_assert_uint_eq(v, 2 * 86400000ull);
	ck_assert_int_eq(policy_parse_time_ms("1w", &v), -1);
	ck_assert_int_eq(policy_parse_time_ms("1ms", &v), -1);
	ck_assert_int_eq(policy_parse_time_ms("s", &v), -1);
	ck_assert_int_eq(policy_parse_time_ms("9999999999999999999d", &v), -1);
}
END_TEST

START_TEST(settings_apply)
{
	struct policy_errors e = { NULL, 0 };
	int rc;
	struct policy *p = conf(
	    "max_message_size = 100m\n"
	    "max_header_size = 65536\n"
	    "max_expanded_size = 4g\n"
	    "max_mime_depth = 2\n"
	    "max_archive_entries = 1000000\n"
	    "max_scan_time = 10m\n"
	    "tag_threshold = 0\n"
	    "quarantine_threshold = 0\n"
	    "reject_threshold = 40\n"
	    "on_internal_error = accept\n", &e, &rc);

	dump_errs(&e);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(p->lim.message_size, 100u * 1024 * 1024);
	ck_assert_uint_eq(p->lim.header_size, 65536);
	ck_assert_uint_eq(p->lim.expanded_size, 4ull << 30);
	ck_assert_uint_eq(p->lim.mime_depth, 2);
	ck_assert_uint_eq(p->lim.archive_entries, 1000000);
	ck_assert_uint_eq(p->lim.scan_time_ms, 600000);
	ck_assert_int_eq(p->tag_threshold, 0);
	ck_assert_int_eq(p->quarantine_threshold, 0);
	ck_assert_int_eq(p->reject_threshold, 40);
	ck_assert_int_eq(p->internal_error_action, VERDICT_ACCEPT);
	drop(p);
}
END_TEST

START_TEST(settings_ranges)
{
	struct policy_errors e = { NULL, 0 };
	int rc;
	struct policy *p = conf(
	    "max_message_size = 2g\n"
	    "max_header_size = 63k\n"
	    "max_mime_depth = 1\n"
	    "max_mime_parts = 100001\n"
	    "max_scan_time = 0s\n"
	    "max_scan_time_x = 1\n"
	    "max_part_size = 64q\n"
	    "max_name_length = -5\n"
	    "tag_threshold = 10001\n"
	    "on_internal_error = tag\n"
	    "max_expansion_ratio = \n", &e, &rc);

	ck_assert_int_eq(rc, -1);
	ck_err(&e, "t.conf:1: max_message_size: value \"2g\" is out of range "
	    "(1m..1g)");
	ck_err(&e, "t.conf:2: max_header_size: value \"63k\" is out of range "
	    "(64k..16m)");
	ck_err(&e, "t.conf:3: max_mime_depth: value \"1\" is out of range "
	    "(2..256)");
	ck_err(&e, "t.conf:4: max_mime_parts");
	ck_err(&e, "t.conf:5: max_scan_time: value \"0s\" is out of range "
	    "(1s..600s)");
	ck_err(&e, "t.conf:6: unknown setting \"max_scan_time_x\"");
	ck_err(&e, "t.conf:7: max_part_size: bad value \"64q\"");
	ck_err(&e, "t.conf:8: max_name_length: bad value");
	ck_err(&e, "t.conf:9: tag_threshold: value \"10001\" is out of range");
	ck_err(&e, "t.conf:10: on_internal_error: bad action \"tag\"");
	ck_err(&e, "t.conf:11: max_expansion_ratio: empty value");
	ck_assert_uint_eq(e.n, 11);
	/* Bad values leave the defaults. */
	ck_assert_uint_eq(p->lim.mime_depth, 32);
	ck_assert_uint_eq(p->lim.scan_time_ms, 20000);
	policy_errors_clear(&e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_ptr_null(e.msgs);
	drop(p);
}
END_TEST

START_TEST(internal_error_actions)
{
	static const char *const good[] = { "tempfail", "accept", "reject",
	    "quarantine" };
	static const enum verdict_action want[] = { VERDICT_TEMPFAIL,
	    VERDICT_ACCEPT, VERDICT_REJECT, VERDICT_QUARANTINE };
	struct policy_errors e = { NULL, 0 };
	char text[128];
	struct policy *p;
	size_t i;
	int rc;

	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "on_internal_error = %s\n",
		    good[i]);
		p = conf(text, &e, &rc);
		ck_assert_int_eq(rc, 0);
		ck_assert_int_eq(p->internal_error_action, want[i]);
		drop(p);
	}
	p = conf("on_internal_error = none\n", &e, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(p->internal_error_action, VERDICT_TEMPFAIL);
	policy_errors_clear(&e);
	drop(p);
}
END_TEST

/* ---- syntax --------------------------------------------------------- */

START_TEST(all_errors_reported)
{
	struct policy_errors e = { NULL, 0 };
	int rc;
	struct policy *p = conf(
	    "# a comment\n"
	    "max_mime_depth = x\n"
	    "max_mime_parts = 50\n"
	    "\n"
	    "this line has no equals sign\n"
	    "max_archive_depth = 4\n"
	    "max_name_length = 9000\n", &e, &rc);

	ck_assert_int_eq(rc, -1);
	ck_assert_uint_eq(e.n, 3);
	ck_assert_ptr_nonnull(strstr(e.msgs[0], "t.conf:2: "));
	ck_assert_ptr_nonnull(strstr(e.msgs[1], "t.conf:5: missing \"=\""));
	ck_assert_ptr_nonnull(strstr(e.msgs[2], "t.conf:7: "));
	/* Good lines between bad ones still count. */
	ck_assert_uint_eq(p->lim.mime_parts, 50);
	ck_assert_uint_eq(p->lim.archive_depth, 4);
	policy_errors_clear(&e);
	drop(p);
}
END_TEST

START_TEST(continuation_lines)
{
	struct policy_errors e = { NULL, 0 };
	int rc, score;
	enum verdict_action a;
	struct policy *p = conf(
	    "max_mime_depth =\n"
	    "    40\n"
	    "attachment.executable = 25\n"
	    "# a comment inside does not end the setting\n"
	    "\n"
	    "\tquarantine\n"
	    "url_blocklist_file = my\n"
	    "  list.txt\n"
	    "max_mime_parts = 30\r\n"
	    "max_archive_depth=3", &e, &rc);

	dump_errs(&e);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(p->lim.mime_depth, 40);
	ck_assert_int_eq(policy_rule(p, "attachment.executable", &score, &a),
	    0);
	ck_assert_int_eq(score, 25);
	ck_assert_int_eq(a, VERDICT_QUARANTINE);
	ck_assert_uint_eq(p->lim.mime_parts, 30);
	ck_assert_uint_eq(p->lim.archive_depth, 3);
	drop(p);

	/* The joined value is checked as a whole. */
	p = conf("max_mime_depth = 4\n 0\n", &e, &rc);
	ck_assert_int_eq(rc, -1);
	ck_err(&e, "t.conf:1: max_mime_depth: bad value \"4 0\"");
	policy_errors_clear(&e);
	drop(p);
}
END_TEST

START_TEST(malformed_lines)
{
	static const char nul[] = "max_mime_depth = 8\0\nfoo = 1\n";
	struct policy_errors e = { NULL, 0 };
	int rc;
	struct policy *p = conf(
	    "  max_mime_depth = 10\n"
	    "= 5\n"
	    "max mime depth = 5\n"
	    "max_mime_parts = 5\x01\n"
	    "max_archive_depth = \xff\xfe\n"
	    "  # indented comment is fine\n"
	    "max_name_length = 100 # no trailing comments\n", &e, &rc);

	ck_assert_int_eq(rc, -1);
	ck_err(&e, "t.conf:1: continuation line");
	ck_err(&e, "t.conf:2: missing setting name");
	ck_err(&e, "t.conf:3: bad setting name \"max mime depth\"");
	ck_err(&e, "t.conf:4: control character");
	ck_err(&e, "t.conf:5: invalid UTF-8");
	ck_err(&e, "t.conf:7: max_name_length: bad value");
	ck_assert_uint_eq(e.n, 6);
	ck_assert_uint_eq(p->lim.mime_depth, 32);
	policy_errors_clear(&e);
	drop(p);

	/* NUL bytes are reported, not taken as the end of the file. */
	p = policy_default();
	rc = policy_parse_conf(p, "n.conf", nul, sizeof(nul) - 1, &e);
	ck_assert_int_eq(rc, -1);
	ck_err(&e, "n.conf:1: control character or NUL");
	ck_err(&e, "n.conf:2: unknown setting \"foo\"");
	policy_errors_clear(&e);
	drop(p);
}
END_TEST

START_TEST(utf8_values)
{
	struct policy_errors e = { NULL, 0 };
	int rc;
	struct policy *p = conf("# 日本語のコメント\n"
	    "hash_blocklist_file = 悪性ハッシュ.txt\n", &e, &rc);

	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(e.n, 0);
	drop(p);
}
END_TEST

START_TEST(duplicates)
{
	struct policy_errors e = { NULL, 0 };
	int rc, score;
	struct policy *p = conf(
	    "max_mime_depth = 10\n"
	    "\n"
	    "max_mime_depth = 20\n"
	    "mime.ambiguous = 4\n"
	    "mime.ambiguous = quarantine\n", &e, &rc);

	ck_assert_int_eq(rc, -1);
	ck_err(&e, "t.conf:3: duplicate setting max_mime_depth (first at "
	    "line 1)");
	ck_err(&e, "t.conf:5: duplicate setting mime.ambiguous (first at "
	    "line 4)");
	ck_assert_uint_eq(e.n, 2);
	ck_assert_uint_eq(p->lim.mime_depth, 10);
	ck_assert_int_eq(policy_rule(p, "mime.ambiguous", &score, NULL), 0);
	ck_assert_int_eq(score, 4);
	policy_errors_clear(&e);
	drop(p);
}
END_TEST

START_TEST(unknown_names)
{
	struct policy_errors e = { NULL, 0 };
	int rc;
	struct policy *p = conf(
	    "max_mesage_size = 10m\n"
	    "frobnicate = 1\n"
	    "attachment.executabel = 5\n"
	    "foo.bar = 1\n"
	    "attachment_executable = 5\n", &e, &rc);

	ck_assert_int_eq(rc, -1);
	ck_err(&e, "t.conf:1: unknown setting \"max_mesage_size\" (did you "
	    "mean \"max_message_size\"?)");
	ck_assert_int_ge(find_err(&e, "t.conf:2: unknown setting "
	    "\"frobnicate\""), 0);
	ck_assert_ptr_null(strstr(e.msgs[1], "did you mean"));
	ck_err(&e, "t.conf:3: unknown rule id \"attachment.executabel\" (did "
	    "you mean \"attachment.executable\"?)");
	ck_err(&e, "t.conf:4: unknown rule id \"foo.bar\"");
	ck_assert_ptr_null(strstr(e.msgs[3], "did you mean"));
	ck_err(&e, "t.conf:5: unknown setting \"attachment_executable\" (did "
	    "you mean \"attachment.executable\"?)");
	policy_errors_clear(&e);
	drop(p);
}
END_TEST

/* ---- rule overrides ------------------------------------------------- */

START_TEST(rule_overrides)
{
	struct policy_errors e = { NULL, 0 };
	enum verdict_action a;
	int rc, score;
	struct policy *p = conf(
	    "attachment.type_mismatch = 12\n"
	    "mime.ambiguous = tag\n"
	    "attachment.double_extension = 15 reject\n"
	    "attachment.zero_width = -3 none\n"
	    "limit.scan_time = tempfail\n", &e, &rc);

	dump_errs(&e);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(policy_rule(p, "attachment.type_mismatch", &score,
	    &a), 0);
	ck_assert_int_eq(score, 12);
	ck_assert_int_eq(a, VERDICT_ACCEPT);	/* action left as default */
	ck_assert_int_eq(policy_rule(p, "mime.ambiguous", &score, &a), 0);
	ck_assert_int_eq(score, 3);		/* score left as default */
	ck_assert_int_eq(a, VERDICT_TAG);
	ck_assert_int_eq(policy_rule(p, "attachment.double_extension",
	    &score, &a), 0);
	ck_assert_int_eq(score, 15);
	ck_assert_int_eq(a, VERDICT_REJECT);
	ck_assert_int_eq(policy_rule(p, "attachment.zero_width", &score, &a),
	    0);
	ck_assert_int_eq(score, -3);
	ck_assert_int_eq(a, VERDICT_ACCEPT);
	ck_assert_int_eq(policy_rule(p, "limit.scan_time", NULL, &a), 0);
	ck_assert_int_eq(a, VERDICT_TEMPFAIL);
	ck_assert_int_eq(policy_rule(p, "no.such_rule", &score, &a), -1);
	drop(p);
}
END_TEST

START_TEST(rule_override_errors)
{
	struct policy_errors e = { NULL, 0 };
	enum verdict_action a;
	int rc, score;
	struct policy *p = conf(
	    "attachment.type_mismatch = 1001\n"
	    "mime.ambiguous = banish\n"
	    "attachment.double_extension = 15 reject now\n"
	    "attachment.zero_width =\n"
	    "attachment.executable = x quarantine\n"
	    "limit.scan_time = 5 maybe\n"
	    "limit.mime_depth = -1000\n", &e, &rc);

	ck_assert_int_eq(rc, -1);
	ck_err(&e, "t.conf:1: attachment.type_mismatch: score 1001 is out of "
	    "range (-1000..1000)");
	ck_err(&e, "t.conf:2: mime.ambiguous: bad action \"banish\"");
	ck_err(&e, "t.conf:3: attachment.double_extension: expected SCORE, "
	    "ACTION or SCORE ACTION");
	ck_err(&e, "t.conf:4: attachment.zero_width: expected SCORE");
	ck_err(&e, "t.conf:5: attachment.executable: bad score \"x\"");
	ck_err(&e, "t.conf:6: limit.scan_time: bad action \"maybe\"");
	ck_assert_uint_eq(e.n, 6);
	/* A half-bad "SCORE ACTION" changes nothing. */
	ck_assert_int_eq(policy_rule(p, "limit.scan_time", &score, &a), 0);
	ck_assert_int_eq(score, 0);
	ck_assert_int_eq(a, VERDICT_QUARANTINE);
	ck_assert_int_eq(policy_rule(p, "limit.mime_depth", &score, NULL), 0);
	ck_assert_int_eq(score, -1000);
	policy_errors_clear(&e);
	drop(p);
}
END_TEST

START_TEST(rule_defaults)
{
	const struct rule_def *rt;
	struct policy *p = policy_default();
	enum verdict_action a;
	size_t n, i;
	int score;

	rt = rules_table(&n);
	ck_assert_uint_eq(p->nrules, n);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(policy_rule(p, rt[i].id, &score, &a), 0);
		ck_assert_int_eq(score, rt[i].score);
		ck_assert_int_eq(a, rt[i].action);
	}
	ck_assert_ptr_null(p->blocked_extensions);
	ck_assert_ptr_null(p->url_blocklist);
	drop(p);
}
END_TEST

START_TEST(thresholds)
{
	struct policy_errors e = { NULL, 0 };
	int rc;
	struct policy *p;

	p = conf("max_mime_depth = 9\ntag_threshold = 20\n", &e, &rc);
	ck_assert_int_eq(rc, -1);
	ck_err(&e, "t.conf:2: tag_threshold (20) must be lower than "
	    "quarantine_threshold (15)");
	policy_errors_clear(&e);
	drop(p);

	p = conf("reject_threshold = 15\n", &e, &rc);
	ck_assert_int_eq(rc, -1);
	ck_err(&e, "t.conf:1: quarantine_threshold (15) must be lower than "
	    "reject_threshold (15)");
	ck_assert_uint_eq(e.n, 1);
	policy_errors_clear(&e);
	drop(p);

	/* Zero means never and takes no part in the order. */
	p = conf("tag_threshold = 20\nquarantine_threshold = 0\n"
	    "reject_threshold = 30\n", &e, &rc);
	ck_assert_int_eq(rc, 0);
	drop(p);
	p = conf("tag_threshold = 40\nquarantine_threshold = 0\n"
	    "reject_threshold = 30\n", &e, &rc);
	ck_assert_int_eq(rc, -1);
	ck_err(&e, "t.conf:3: tag_threshold (40) must be lower than "
	    "reject_threshold (30)");
	policy_errors_clear(&e);
	drop(p);
}
END_TEST

START_TEST(error_cap)
{
	struct policy_errors e = { NULL, 0 };
	size_t i, n = 3000;
	char *text = mem_alloc(n * 4 + 1);
	struct policy *p = policy_default();

	for (i = 0; i < n; i++)
		memcpy(text + i * 4, "bad\n", 4);
	ck_assert_int_eq(policy_parse_conf(p, "c", text, n * 4, &e), -1);
	ck_assert_uint_eq(e.n, 1001);
	ck_assert_str_eq(e.msgs[1000], "too many errors; the rest are not "
	    "shown");
	policy_errors_clear(&e);
	free(text);
	drop(p);
}
END_TEST

START_TEST(conf_too_large)
{
	struct policy_errors e = { NULL, 0 };
	size_t n = 1024 * 1024 + 1;
	char *text = mem_alloc(n);
	struct policy *p = policy_default();

	memset(text, '#', n);
	ck_assert_int_eq(policy_parse_conf(p, "big.conf", text, n, &e), -1);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msgs[0], "big.conf: file is larger than 1 MiB");
	policy_errors_clear(&e);
	/* Exactly 1 MiB of comments is fine. */
	ck_assert_int_eq(policy_parse_conf(p, "ok.conf", text, n - 1, &e), 0);
	ck_assert_uint_eq(e.n, 0);
	free(text);
	drop(p);
}
END_TEST

/* ---- lists ---------------------------------------------------------- */

static struct strset *
list(const char *text, enum lists_kind kind, struct policy_errors *e)
{
	return lists_parse("l.txt", text, strlen(text), kind, e);
}

START_TEST(list_extensions)
{
	struct policy_errors e = { NULL, 0 };
	struct strset *s = list(
	    "# comment\n"
	    "exe\n"
	    ".SCR\r\n"
	    "  tar.gz   # trailing comment\n"
	    "settingcontent-ms\n"
	    "a+b~c_d\n"
	    "exe\n"
	    "\n"
	    "bad/ext\n"
	    "..gz\n"
	    "gz.\n"
	    "abcdefghijklmnopqrstuvwxyz0123456\n"
	    "two words\n"
	    ".\n"
	    "ｅｘｅ\n", LISTS_EXTENSIONS, &e);

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(lists_count(s), 5);
	ck_assert(lists_has_extension(s, "exe"));
	ck_assert(lists_has_extension(s, "EXE"));
	ck_assert(lists_has_extension(s, ".scr"));
	ck_assert(lists_has_extension(s, "tar.gz"));
	ck_assert(lists_has_extension(s, "settingcontent-ms"));
	ck_assert(lists_has_extension(s, "a+b~c_d"));
	ck_assert(!lists_has_extension(s, "gz"));
	ck_assert(!lists_has_extension(s, "ex"));
	ck_assert(!lists_has_extension(s, ""));
	ck_assert(!lists_has_extension(NULL, "exe"));
	ck_err(&e, "l.txt:9: bad character in extension");
	ck_err(&e, "l.txt:10: ");
	ck_err(&e, "l.txt:11: extension has an empty part");
	ck_err(&e, "l.txt:12: extension longer than 32");
	ck_err(&e, "l.txt:13: white space inside an entry");
	ck_err(&e, "l.txt:14: empty extension");
	ck_err(&e, "l.txt:15: bad character in extension");
	ck_assert_uint_eq(e.n, 7);
	policy_errors_clear(&e);
	lists_free(&s);
}
END_TEST

START_TEST(list_hashes)
{
	static const char md5[] = "d41d8cd98f00b204e9800998ecf8427e";
	static const char sha1[] = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
	static const char sha256[] =
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	struct policy_errors e = { NULL, 0 };
	struct strset *s = list(
	    "D41D8CD98F00B204E9800998ECF8427E  empty file (md5)\n"
	    "da39a3ee5e6b4b0d3255bfef95601890afd80709\tempty, sha1\n"
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\n"
	    "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550\n"
	    "# e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\n"
	    "0123\n", LISTS_HASHES, &e);

	ck_assert_uint_eq(lists_count(s), 3);
	ck_assert(lists_has_hash(s, md5));
	ck_assert(lists_has_hash(s, sha1));
	ck_assert(lists_has_hash(s, sha256));
	ck_assert(lists_has_hash(s, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4"
	    "649B934CA495991B7852B855"));
	ck_assert(!lists_has_hash(s, "e3b0c44298fc1c149afbf4c8996fb92427ae41e"
	    "4649b934ca495991b7852b856"));
	ck_assert(!lists_has_hash(s, "d41d8cd98f00b204e9800998ecf8427"));
	ck_assert(!lists_has_hash(s, ""));
	ck_err(&e, "l.txt:4: hash must have 32 (MD5), 40 (SHA-1) or 64");
	ck_err(&e, "l.txt:5: hash has a character that is not a hex digit");
	ck_err(&e, "l.txt:6: hash longer than 64");
	ck_err(&e, "l.txt:8: hash must have");
	ck_assert_uint_eq(e.n, 4);
	policy_errors_clear(&e);
	lists_free(&s);
}
END_TEST

START_TEST(list_domains)
{
	struct policy_errors e = { NULL, 0 };
	char longlabel[80], longdom[300];
	struct strset *s;

	memset(longlabel, 'a', 64);
	longlabel[64] = '\0';
	memset(longdom, 'a', 254);
	longdom[254] = '\0';
	for (size_t i = 50; i < 254; i += 50)
		longdom[i] = '.';
	s = list(
	    "Example-Hospital.JP\n"
	    "*.partner.example\n"
	    ".other.example\n"
	    "病院.jp\n"
	    "trailing.example.\n"
	    "top\n"
	    "http://evil.example/\n"
	    "bad..example\n"
	    "-bad.example\n"
	    "bad-.example\n"
	    "bad!.example\n"
	    "host:8080\n"
	    "*bad.example\n", LISTS_DOMAINS, &e);
	ck_assert_uint_eq(lists_count(s), 6);
	ck_err(&e, "l.txt:7: URLs are not allowed in this list");
	ck_err(&e, "l.txt:8: domain has an empty label");
	ck_err(&e, "l.txt:9: a domain label must not begin with '-'");
	ck_err(&e, "l.txt:10: a domain label must not end with '-'");
	ck_err(&e, "l.txt:11: bad character in domain");
	ck_err(&e, "l.txt:12: a domain has no scheme, port or path");
	ck_err(&e, "l.txt:13: '*' is allowed only");
	ck_assert_uint_eq(e.n, 7);
	policy_errors_clear(&e);

	ck_assert(lists_match_domain(s, "example-hospital.jp"));
	ck_assert(lists_match_domain(s, "MAIL.Example-Hospital.jp."));
	ck_assert(lists_match_domain(s, "partner.example"));
	ck_assert(lists_match_domain(s, "a.b.partner.example"));
	ck_assert(lists_match_domain(s, "x.other.example"));
	ck_assert(lists_match_domain(s, "www.病院.jp"));
	ck_assert(lists_match_domain(s, "trailing.example"));
	ck_assert(lists_match_domain(s, "anything.top"));
	ck_assert(!lists_match_domain(s, "notexample-hospital.jp"));
	ck_assert(!lists_match_domain(s, "example-hospital.jp.evil.example"));
	ck_assert(!lists_match_domain(s, "example"));
	ck_assert(!lists_match_domain(s, ""));
	ck_assert(!lists_match_domain(s, "."));
	ck_assert(!lists_match_domain(NULL, "top"));
	ck_assert(lists_contains(s, "TOP", 3));
	lists_free(&s);

	s = list(longlabel, LISTS_DOMAINS, &e);
	ck_err(&e, "l.txt:1: domain label longer than 63");
	policy_errors_clear(&e);
	lists_free(&s);
	s = list(longdom, LISTS_DOMAINS, &e);
	ck_err(&e, "l.txt:1: domain longer than 253");
	policy_errors_clear(&e);
	lists_free(&s);
}
END_TEST

START_TEST(domain_match_long_host)
{
	struct policy_errors e = { NULL, 0 };
	struct strset *s = list("evil.example\n", LISTS_DOMAINS, &e);
	size_t n = 100000, i;
	char *host = mem_alloc(n + 32);

	/* Many dots must not make the walk quadratic or miss the end. */
	for (i = 0; i < n; i += 2)
		memcpy(host + i, "a.", 2);
	strcpy(host + n, "evil.example");
	ck_assert(lists_match_domain(s, host));
	strcpy(host + n, "evil.examplf");
	ck_assert(!lists_match_domain(s, host));
	free(host);
	lists_free(&s);
}
END_TEST

START_TEST(list_urls)
{
	struct policy_errors e = { NULL, 0 };
	struct strset *s = list(
	    "evil.example\n"
	    "HTTP://Phish.EXAMPLE/Login/  # case of the path is kept\n"
	    "https://bad.example\n"
	    "ftp://files.example:2121/pub/\n"
	    "http://[2001:db8::1]/x\n"
	    "https://\n"
	    "gopher://old.example/\n"
	    "http://a.example/with space\n", LISTS_DOMAINS_URLS, &e);

	ck_assert_uint_eq(lists_count(s), 5);
	ck_err(&e, "l.txt:6: URL has no host");
	ck_err(&e, "l.txt:7: unsupported URL scheme");
	ck_err(&e, "l.txt:8: white space");
	ck_assert_uint_eq(e.n, 3);
	policy_errors_clear(&e);

	ck_assert(lists_match_domain(s, "www.evil.example"));
	ck_assert(!lists_match_domain(s, "phish.example"));
	ck_assert(lists_match_url_prefix(s, "http://phish.example/Login/a"));
	ck_assert(lists_match_url_prefix(s, "HTTP://PHISH.example/Login/"));
	ck_assert(!lists_match_url_prefix(s, "http://phish.example/login/"));
	ck_assert(!lists_match_url_prefix(s, "https://phish.example/Login/"));
	ck_assert(lists_match_url_prefix(s, "https://bad.example"));
	ck_assert(lists_match_url_prefix(s, "https://bad.example/x?y"));
	ck_assert(lists_match_url_prefix(s, "https://bad.example:8443/"));
	ck_assert(!lists_match_url_prefix(s, "https://bad.example.org/"));
	ck_assert(!lists_match_url_prefix(s, "https://bad.exampl"));
	ck_assert(lists_match_url_prefix(s, "ftp://files.example:2121/pub/x"));
	ck_assert(lists_match_url_prefix(s, "http://[2001:db8::1]/x/y"));
	ck_assert(!lists_match_url_prefix(s, "http://evil.example/"));
	ck_assert(!lists_match_url_prefix(NULL, "http://evil.example/"));
	lists_free(&s);
}
END_TEST

START_TEST(list_limits)
{
	struct policy_errors e = { NULL, 0 };
	size_t n = 1000001, i;
	char *buf = mem_alloc(n * 4 + 1);
	struct strset *s;

	for (i = 0; i < n; i++)
		memcpy(buf + i * 4, "exe\n", 4);
	s = lists_parse("big.txt", buf, n * 4, LISTS_EXTENSIONS, &e);
	ck_err(&e, "big.txt:1000001: more than 1000000 entries");
	ck_assert_uint_eq(e.n, 1);
	policy_errors_clear(&e);
	lists_free(&s);
	free(buf);

	n = 16u * 1024 * 1024 + 1;
	buf = mem_alloc(n);
	memset(buf, '#', n);
	s = lists_parse("huge.txt", buf, n, LISTS_HASHES, &e);
	ck_err(&e, "huge.txt: file is larger than 16 MiB");
	policy_errors_clear(&e);
	lists_free(&s);
	free(buf);
}
END_TEST

START_TEST(list_many_entries)
{
	struct policy_errors e = { NULL, 0 };
	size_t n = 50000, i, off = 0;
	char *buf = mem_alloc(n * 16);
	char key[16];
	struct strset *s;

	for (i = 0; i < n; i++)
		off += (size_t)sprintf(buf + off, "h%zu.example\n", i);
	s = lists_parse("m.txt", buf, off, LISTS_DOMAINS, &e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(lists_count(s), n);
	for (i = 0; i < n; i += 997) {
		snprintf(key, sizeof(key), "h%zu.example", i);
		ck_assert(lists_contains(s, key, strlen(key)));
	}
	ck_assert(!lists_contains(s, "h50000.example", 14));
	lists_free(&s);
	free(buf);
}
END_TEST

START_TEST(list_files)
{
	struct policy_errors e = { NULL, 0 };
	char *dir = make_dir(), path[4096];
	struct strset *s;

	snprintf(path, sizeof(path), "%s/missing.txt", dir);
	ck_assert_ptr_null(lists_load(path, LISTS_HASHES, &e));
	ck_err(&e, "missing.txt: cannot open: No such file or directory");
	policy_errors_clear(&e);

	ck_assert_ptr_null(lists_load(dir, LISTS_HASHES, &e));
	ck_err(&e, ": not a regular file");
	policy_errors_clear(&e);

	/* A FIFO must be refused, not block the loader. */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_ptr_null(lists_load(path, LISTS_HASHES, &e));
	ck_err(&e, "fifo: not a regular file");
	policy_errors_clear(&e);

	write_file(dir, "ok.txt", "exe\n\ncom\n");
	snprintf(path, sizeof(path), "%s/ok.txt", dir);
	s = lists_load(path, LISTS_EXTENSIONS, &e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(lists_count(s), 2);
	lists_free(&s);
	lists_free(&s);		/* NULL is fine */
	remove_dir(dir);
}
END_TEST

/* ---- loading a directory -------------------------------------------- */

START_TEST(load_dir)
{
	struct policy_errors e = { NULL, 0 };
	char *dir = make_dir(), conftext[8192];
	const struct policy *p;

	write_file(dir, "ext.txt", "exe\n");
	write_file(dir, "abs.txt", "evil.example\nhttps://phish.example/x\n");
	snprintf(conftext, sizeof(conftext),
	    "blocked_extensions_file = ext.txt\n"
	    "url_blocklist_file = %s/abs.txt\n"
	    "hash_blocklist_file =\n"
	    "url_allowlist_file =\n"
	    "protected_domains_file =\n"
	    "url_shorteners_file =\nsuspicious_tlds_file =\n"
	    "intranet_hosts_file =\nregex_rules_file =\n"
	    "max_mime_depth = 12\n", dir);
	write_file(dir, "triage.conf", conftext);
	p = policy_load(dir, &e);
	dump_errs(&e);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->lim.mime_depth, 12);
	ck_assert(lists_has_extension(p->blocked_extensions, "exe"));
	ck_assert(lists_match_domain(p->url_blocklist, "a.evil.example"));
	ck_assert(lists_match_url_prefix(p->url_blocklist,
	    "https://phish.example/x/y"));
	ck_assert_ptr_null(p->hash_blocklist);		/* empty = no list */
	ck_assert_ptr_null(p->url_allowlist);
	ck_assert_ptr_null(p->protected_domains);
	policy_unref(&p);
	remove_dir(dir);
}
END_TEST

START_TEST(load_errors_merged)
{
	struct policy_errors e = { NULL, 0 };
	char *dir = make_dir(), want[4200];
	const struct policy *p;

	write_file(dir, "triage.conf",
	    "max_mime_depth = 1\n"
	    "blocked_extensions_file = ext.txt\n"
	    "hash_blocklist_file = nothere.txt\n"
	    "url_allowlist_file =\n"
	    "url_blocklist_file =\n"
	    "url_shorteners_file =\nsuspicious_tlds_file =\n"
	    "intranet_hosts_file =\nregex_rules_file =\n");
	write_file(dir, "ext.txt", "exe\nb/d\n");
	write_file(dir, "protected-domains.txt", "ok.example\nhttp://x/\n");
	p = policy_load(dir, &e);
	ck_assert_ptr_null(p);
	snprintf(want, sizeof(want), "%s/triage.conf:1: max_mime_depth", dir);
	ck_err(&e, want);
	snprintf(want, sizeof(want), "%s/ext.txt:2: bad character", dir);
	ck_err(&e, want);
	snprintf(want, sizeof(want), "%s/nothere.txt: cannot open: ", dir);
	ck_err(&e, want);
	snprintf(want, sizeof(want), "%s/protected-domains.txt:2: URLs are "
	    "not allowed", dir);
	ck_err(&e, want);
	ck_assert_uint_eq(e.n, 4);
	policy_errors_clear(&e);
	remove_dir(dir);
}
END_TEST

START_TEST(load_missing_conf)
{
	struct policy_errors e = { NULL, 0 };
	char *dir = make_dir(), want[4200];

	ck_assert_ptr_null(policy_load(dir, &e));
	ck_assert_uint_eq(e.n, 1);
	snprintf(want, sizeof(want), "%s/triage.conf: cannot open: No such "
	    "file or directory", dir);
	ck_assert_str_eq(e.msgs[0], want);
	policy_errors_clear(&e);
	/* Without an errors sink the answer is the same. */
	ck_assert_ptr_null(policy_load(dir, NULL));
	ck_assert_ptr_null(policy_load(NULL, &e));
	ck_err(&e, "no policy directory given");
	policy_errors_clear(&e);
	remove_dir(dir);
}
END_TEST

/* ---- documentation -------------------------------------------------- */

START_TEST(every_rule_documented)
{
	char path[4096], *man, *cf;
	const struct rule_def *rt;
	size_t n, i;

	snprintf(path, sizeof(path), "%s/man/triage.conf.5", srcdir());
	man = slurp(path);
	snprintf(path, sizeof(path), "%s/policy/triage.conf", srcdir());
	cf = slurp(path);
	rt = rules_table(&n);
	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		ck_assert_msg(man_entry(man, rt[i].id),
		    "rule id %s is not documented in man/triage.conf.5",
		    rt[i].id);
		ck_assert_msg(conf_sets(cf, rt[i].id),
		    "rule id %s is not listed in policy/triage.conf",
		    rt[i].id);
	}
	/* Every setting the loader knows, not a list kept by hand. */
	for (i = 0; policy_setting_name(i) != NULL; i++) {
		const char *name = policy_setting_name(i);

		ck_assert_msg(names_word(man, name), "%s is not documented",
		    name);
		ck_assert_msg(conf_sets(cf, name),
		    "%s is not in the shipped triage.conf", name);
	}
	ck_assert_uint_gt(i, 40);
	free(man);
	free(cf);
}
END_TEST

/* ---- reference counting --------------------------------------------- */

START_TEST(refcount)
{
	const struct policy *a = policy_default(), *b, *c;

	ck_assert_int_eq(a->refs, 1);
	b = policy_ref(a);
	c = policy_ref(a);
	ck_assert_ptr_eq(a, b);
	ck_assert_int_eq(a->refs, 3);
	policy_unref(&b);
	ck_assert_ptr_null(b);
	policy_unref(&c);
	ck_assert_int_eq(a->refs, 1);
	policy_unref(&a);
	ck_assert_ptr_null(a);
	policy_unref(&a);		/* NULL is fine */
	policy_unref(NULL);
	ck_assert_ptr_null(policy_ref(NULL));
}
END_TEST

static void *
ref_worker(void *arg)
{
	const struct policy *p = arg, *q;
	int i;

	for (i = 0; i < 20000; i++) {
		q = policy_ref(p);
		policy_unref(&q);
	}
	return NULL;
}

START_TEST(refcount_threads)
{
	const struct policy *p = policy_default();
	pthread_t t[4];
	int i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, ref_worker,
		    (void *)(uintptr_t)p), 0);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	ck_assert_int_eq(p->refs, 1);
	policy_unref(&p);
}
END_TEST

/* ---- suite ---------------------------------------------------------- */

static void
add(Suite *s, const char *name, const TTest *t)
{
	TCase *tc = tcase_create(name);

	tcase_add_test(tc, t);
	suite_add_tcase(s, tc);
}

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");

	add(s, "shipped_policy_loads", shipped_policy_loads);
	add(s, "shipped_lists_parse_alone", shipped_lists_parse_alone);
	add(s, "size_values", size_values);
	add(s, "time_values", time_values);
	add(s, "settings_apply", settings_apply);
	add(s, "settings_ranges", settings_ranges);
	add(s, "internal_error_actions", internal_error_actions);
	add(s, "all_errors_reported", all_errors_reported);
	add(s, "continuation_lines", continuation_lines);
	add(s, "malformed_lines", malformed_lines);
	add(s, "utf8_values", utf8_values);
	add(s, "duplicates", duplicates);
	add(s, "unknown_names", unknown_names);
	add(s, "rule_overrides", rule_overrides);
	add(s, "rule_override_errors", rule_override_errors);
	add(s, "rule_defaults", rule_defaults);
	add(s, "thresholds", thresholds);
	add(s, "error_cap", error_cap);
	add(s, "conf_too_large", conf_too_large);
	add(s, "list_extensions", list_extensions);
	add(s, "list_hashes", list_hashes);
	add(s, "list_domains", list_domains);
	add(s, "domain_match_long_host", domain_match_long_host);
	add(s, "list_urls", list_urls);
	add(s, "list_limits", list_limits);
	add(s, "list_many_entries", list_many_entries);
	add(s, "list_files", list_files);
	add(s, "load_dir", load_dir);
	add(s, "load_errors_merged", load_errors_merged);
	add(s, "load_missing_conf", load_missing_conf);
	add(s, "every_rule_documented", every_rule_documented);
	add(s, "refcount", refcount);
	add(s, "refcount_threads", refcount_threads);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
