/*
 * check_rx: the admin's regex rules (rx.h): the file format and its
 * errors, matching per target, flags, UTF-8 and invalid subjects, match
 * limits, and the shipped regex-rules.txt.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "rx.h"

struct hits {
	size_t	n;
	size_t	line[8];
	int	limit;
	char	comment[64];
};

static void
on_hit(void *arg, const struct rx_hit *h)
{
	struct hits *x = arg;

	if (x->n < 8)
		x->line[x->n] = h->line;
	x->n++;
	x->limit |= h->limit;
	snprintf(x->comment, sizeof(x->comment), "%s", h->comment);
}

static struct rx_set *
parse(const char *text, struct policy_errors *e)
{
	return rx_parse("r.txt", text, strlen(text), e);
}

static int
has_err(const struct policy_errors *e, const char *prefix)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strncmp(e->msgs[i], prefix, strlen(prefix)) == 0)
			return 1;
	return 0;
}

START_TEST(format_ok)
{
	struct policy_errors e = { NULL, 0 };
	struct rx_set *s = parse("# comment\n\n"
	    "url /\\/wp-admin\\// # WordPress\n"
	    "  name /\\.iso$/i\r\n"
	    "subject /請求書/\n"
	    "url /a#b/\n", &e);

	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(rx_count(s, RX_URL), 2);
	ck_assert_uint_eq(rx_count(s, RX_NAME), 1);
	ck_assert_uint_eq(rx_count(s, RX_SUBJECT), 1);
	ck_assert_uint_eq(rx_count(NULL, RX_URL), 0);
	rx_free(&s);
	ck_assert_ptr_null(s);
	rx_free(NULL);
}
END_TEST

START_TEST(format_errors)
{
	struct policy_errors e = { NULL, 0 };
	struct rx_set *s = parse("uri /x/\n"
	    "url x\n"
	    "url /x\n"
	    "url /x/q\n"
	    "url /(x/\n"
	    "url /x/ junk\n"
	    "url //\n"
	    "url /ok/\n", &e);

	ck_assert(has_err(&e, "r.txt:1: unknown target \"uri\""));
	ck_assert(has_err(&e, "r.txt:2: expected /REGEX/FLAGS"));
	ck_assert(has_err(&e, "r.txt:3: expected /REGEX/FLAGS"));
	ck_assert(has_err(&e, "r.txt:4: unknown regex flag 'q'"));
	ck_assert(has_err(&e, "r.txt:5: regex error at offset 2: "));
	ck_assert(has_err(&e, "r.txt:6: unexpected text after the regex"));
	ck_assert(has_err(&e, "r.txt:7: empty regex"));
	ck_assert_uint_eq(e.n, 7);
	ck_assert_uint_eq(rx_count(s, RX_URL), 1);
	rx_free(&s);
	policy_errors_clear(&e);
}
END_TEST

START_TEST(match_targets)
{
	struct policy_errors e = { NULL, 0 };
	struct rx_set *s = parse("url /evil/ # one\nname /evil/\n"
	    "url /EVIL/i # three\nsubject /請求書.*至急/\n", &e);
	struct hits h;

	memset(&h, 0, sizeof(h));
	ck_assert_uint_eq(rx_match(s, RX_URL, "http://evil.example/", 20,
	    on_hit, &h), 2);
	ck_assert_uint_eq(h.line[0], 1);
	ck_assert_uint_eq(h.line[1], 3);
	ck_assert_str_eq(h.comment, "three");
	ck_assert_int_eq(h.limit, 0);
	ck_assert_uint_eq(rx_match(s, RX_URL, "http://EVIL.example/", 20, NULL,
	    NULL), 1);
	ck_assert_uint_eq(rx_match(s, RX_URL, "http://good.example/", 20,
	    NULL, NULL), 0);
	ck_assert_uint_eq(rx_match(s, RX_NAME, "evil.txt", 8, NULL, NULL), 1);
	ck_assert_uint_eq(rx_match(s, RX_SUBJECT, "【請求書】至急ご確認",
	    strlen("【請求書】至急ご確認"), NULL, NULL), 1);
	ck_assert_uint_eq(rx_match(s, RX_SUBJECT, "請求書", strlen("請求書"),
	    NULL, NULL), 0);
	ck_assert_uint_eq(rx_match(NULL, RX_URL, "x", 1, NULL, NULL), 0);
	rx_free(&s);
}
END_TEST

START_TEST(match_binary_and_invalid)
{
	struct policy_errors e = { NULL, 0 };
	struct rx_set *s = parse("name /\\.exe$/\nname /^.$/s\n", &e);
	const char bad[] = "a\xff\xfe.exe";
	const char nul[] = "x\0y.exe";

	ck_assert_uint_eq(e.n, 0);
	/* Invalid UTF-8 and NUL bytes are matched safely, by length. */
	ck_assert_uint_eq(rx_match(s, RX_NAME, bad, sizeof(bad) - 1, NULL,
	    NULL), 1);
	ck_assert_uint_eq(rx_match(s, RX_NAME, nul, sizeof(nul) - 1, NULL,
	    NULL), 1);
	ck_assert_uint_eq(rx_match(s, RX_NAME, "\xe3\x81\x82", 3, NULL, NULL),
	    1);			/* one code point */
	ck_assert_uint_eq(rx_match(s, RX_NAME, "x.ex", 4, NULL, NULL), 0);
	rx_free(&s);
}
END_TEST

START_TEST(match_limit)
{
	struct policy_errors e = { NULL, 0 };
	struct rx_set *s = parse("subject /^(a+)+$/\n", &e);
	struct hits h;
	char buf[64];

	ck_assert_uint_eq(e.n, 0);
	memset(buf, 'a', sizeof(buf));
	buf[sizeof(buf) - 1] = '!';
	memset(&h, 0, sizeof(h));
	/* Catastrophic backtracking stops at the limit and counts. */
	ck_assert_uint_eq(rx_match(s, RX_SUBJECT, buf, sizeof(buf), on_hit,
	    &h), 1);
	ck_assert_int_eq(h.limit, 1);
	memset(&h, 0, sizeof(h));
	ck_assert_uint_eq(rx_match(s, RX_SUBJECT, "aaa", 3, on_hit, &h), 1);
	ck_assert_int_eq(h.limit, 0);
	rx_free(&s);
}
END_TEST

START_TEST(too_many_and_too_long)
{
	struct policy_errors e = { NULL, 0 };
	size_t n = (RX_MAX_RULES + 2) * 8, i, o = 0;
	char *text = malloc(n + RX_MAX_PATTERN + 64), *big;
	struct rx_set *s;

	for (i = 0; i < RX_MAX_RULES + 1; i++)
		o += (size_t)sprintf(text + o, "url /x/\n");
	s = rx_parse("r.txt", text, o, &e);
	ck_assert_uint_eq(rx_count(s, RX_URL), RX_MAX_RULES);
	ck_assert(has_err(&e, "r.txt:10001: more than 10000 rules"));
	rx_free(&s);
	policy_errors_clear(&e);
	big = text;
	o = (size_t)sprintf(big, "url /");
	memset(big + o, 'a', RX_MAX_PATTERN + 1);
	o += RX_MAX_PATTERN + 1;
	o += (size_t)sprintf(big + o, "/\n");
	s = rx_parse("r.txt", big, o, &e);
	ck_assert(has_err(&e, "r.txt:1: regex longer than 4096 bytes"));
	rx_free(&s);
	policy_errors_clear(&e);
	free(text);
}
END_TEST

START_TEST(shipped_file)
{
	struct policy_errors e = { NULL, 0 };
	const char *top = getenv("top_srcdir");
	struct rx_set *s;
	char path[4096];

	snprintf(path, sizeof(path), "%s/policy/regex-rules.txt",
	    top != NULL ? top : "..");
	s = rx_load(path, &e);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(e.n, 0);
	rx_free(&s);
	s = rx_load("/nonexistent/regex-rules.txt", &e);
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(e.n, 1);
	policy_errors_clear(&e);
}
END_TEST

static Suite *
rx_suite(void)
{
	Suite *s = suite_create("rx");
	TCase *tc;

	tc = tcase_create("format");
	tcase_add_test(tc, format_ok);
	tcase_add_test(tc, format_errors);
	tcase_add_test(tc, shipped_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("match");
	tcase_add_test(tc, match_targets);
	tcase_add_test(tc, match_binary_and_invalid);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, match_limit);
	tcase_add_test(tc, too_many_and_too_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rx_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
