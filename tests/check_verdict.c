/*
 * check_verdict: msgctx findings and the verdict computation.
 */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "msgctx.h"
#include "policy.h"
#include "rules.h"
#include "verdict.h"

static struct policy *pol;

static void
setup(void)
{
	pol = policy_default();
	ck_assert_ptr_nonnull(pol);
}

static void
teardown(void)
{
	const struct policy *p = pol;

	policy_unref(&p);
}

static void
set_rule(const char *id, int score, enum verdict_action a)
{
	int i = rules_index(id);

	ck_assert_int_ge(i, 0);
	pol->rule_score[i] = score;
	pol->rule_action[i] = a;
}

START_TEST(test_names)
{
	enum verdict_action a;

	ck_assert_str_eq(verdict_name(VERDICT_QUARANTINE), "quarantine");
	ck_assert_int_eq(verdict_parse("none", &a), 0);
	ck_assert_int_eq(a, VERDICT_ACCEPT);
	ck_assert_int_eq(verdict_parse("reject", &a), 0);
	ck_assert_int_eq(a, VERDICT_REJECT);
	ck_assert_int_eq(verdict_parse("Reject", &a), -1);
	ck_assert_int_eq(verdict_parse("", &a), -1);
}
END_TEST

START_TEST(test_rules_sorted)
{
	const struct rule_def *t;
	size_t n, i;

	t = rules_table(&n);
	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(rules_index(t[i].id), (int)i);
		ck_assert_ptr_nonnull(strchr(t[i].id, '.'));
		ck_assert_ptr_nonnull(t[i].summary_en);
		ck_assert_ptr_nonnull(t[i].summary_ja);
		if (i > 0)
			ck_assert_int_lt(strcmp(t[i - 1].id, t[i].id), 0);
	}
	ck_assert_int_eq(rules_index("no.such.rule"), -1);
}
END_TEST

START_TEST(test_thresholds)
{
	struct msgctx *m;

	pol->tag_threshold = 5;
	pol->quarantine_threshold = 15;
	pol->reject_threshold = 0;
	set_rule("mime.ambiguous", 3, VERDICT_ACCEPT);
	set_rule("attachment.type_mismatch", 5, VERDICT_ACCEPT);
	set_rule("attachment.zero_width", 10, VERDICT_ACCEPT);

	m = msgctx_new(pol);
	verdict_compute(m);
	ck_assert_int_eq(m->verdict, VERDICT_ACCEPT);
	ck_assert_int_eq(m->score, 0);
	msgctx_finding(m, "mime.ambiguous", "1", "x");
	verdict_compute(m);
	ck_assert_int_eq(m->score, 3);
	ck_assert_int_eq(m->verdict, VERDICT_ACCEPT);
	msgctx_finding(m, "attachment.type_mismatch", "2", "y");
	verdict_compute(m);
	ck_assert_int_eq(m->score, 8);
	ck_assert_int_eq(m->verdict, VERDICT_TAG);
	msgctx_finding(m, "attachment.zero_width", "2", "z");
	verdict_compute(m);
	ck_assert_int_eq(m->score, 18);
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	pol->reject_threshold = 18;
	verdict_compute(m);
	ck_assert_int_eq(m->verdict, VERDICT_REJECT);
	msgctx_free(&m);
}
END_TEST

START_TEST(test_distinct_rules)
{
	struct msgctx *m;
	int i;

	set_rule("mime.ambiguous", 3, VERDICT_ACCEPT);
	m = msgctx_new(pol);
	for (i = 0; i < 50; i++)
		msgctx_finding(m, "mime.ambiguous", "1", "case %d", i);
	verdict_compute(m);
	ck_assert_uint_eq(m->nfindings, 50);
	ck_assert_int_eq(m->score, 3);
	msgctx_free(&m);
}
END_TEST

START_TEST(test_explicit_action)
{
	struct msgctx *m;

	set_rule("attachment.blocked_extension", 0, VERDICT_QUARANTINE);
	set_rule("limit.scan_time", 0, VERDICT_TEMPFAIL);
	m = msgctx_new(pol);
	msgctx_finding(m, "attachment.blocked_extension", "2", "a.exe");
	verdict_compute(m);
	ck_assert_int_eq(m->score, 0);
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	ck_assert_int_eq(m->findings[0].action, VERDICT_QUARANTINE);
	msgctx_finding(m, "limit.scan_time", NULL, "slow");
	verdict_compute(m);
	ck_assert_int_eq(m->verdict, VERDICT_TEMPFAIL);
	ck_assert_ptr_null(m->findings[1].where);
	msgctx_free(&m);
}
END_TEST

START_TEST(test_negative_score)
{
	struct msgctx *m;

	pol->tag_threshold = 5;
	set_rule("mime.ambiguous", 10, VERDICT_ACCEPT);
	set_rule("attachment.type_mismatch", -8, VERDICT_ACCEPT);
	m = msgctx_new(pol);
	msgctx_finding(m, "mime.ambiguous", NULL, "a");
	msgctx_finding(m, "attachment.type_mismatch", NULL, "b");
	verdict_compute(m);
	ck_assert_int_eq(m->score, 2);
	ck_assert_int_eq(m->verdict, VERDICT_ACCEPT);
	msgctx_free(&m);
}
END_TEST

START_TEST(test_dedup_and_cap)
{
	struct msgctx *m = msgctx_new(pol);
	int i;

	msgctx_finding(m, "mime.ambiguous", "1", "same");
	msgctx_finding(m, "mime.ambiguous", "1", "same");
	msgctx_finding(m, "mime.ambiguous", NULL, "same");
	ck_assert_uint_eq(m->nfindings, 2);
	for (i = 0; i < MSGCTX_MAX_FINDINGS + 10; i++)
		msgctx_finding(m, "attachment.zero_width", "2", "n%d", i);
	ck_assert_uint_eq(m->nfindings, MSGCTX_MAX_FINDINGS);
	ck_assert_uint_eq(m->findings_dropped, 12);
	ck_assert(msgctx_has_rule(m, "attachment.zero_width"));
	ck_assert(!msgctx_has_rule(m, "attachment.executable"));
	msgctx_free(&m);
	ck_assert_ptr_null(m);
}
END_TEST

START_TEST(test_detail_bounded)
{
	struct msgctx *m = msgctx_new(pol);
	char *big = malloc(100000);

	memset(big, 'a', 99999);
	big[99999] = '\0';
	msgctx_finding(m, "mime.ambiguous", big, "%s", big);
	ck_assert_uint_lt(strlen(m->findings[0].detail), 2000);
	ck_assert_uint_eq(strlen(m->findings[0].where), 99999);
	free(big);
	msgctx_free(&m);
}
END_TEST

START_TEST(test_parts_cap)
{
	struct msgctx *m = msgctx_new(pol);
	struct part_report *p;
	int i;

	for (i = 0; i < MSGCTX_MAX_PARTS; i++) {
		p = msgctx_add_part(m);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(p->size, 0);
		p->size = (uint64_t)i;
	}
	ck_assert_ptr_null(msgctx_add_part(m));
	ck_assert_uint_eq(m->parts_dropped, 1);
	ck_assert_uint_eq(m->parts[MSGCTX_MAX_PARTS - 1].size,
	    MSGCTX_MAX_PARTS - 1);
	ck_assert_ptr_nonnull(msgctx_add_url(m));
	msgctx_free(&m);
}
END_TEST

START_TEST(test_unknown_rule_aborts)
{
	struct msgctx *m = msgctx_new(pol);

	msgctx_finding(m, "no.such.rule", NULL, "x");
}
END_TEST

static Suite *
verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc;

	tc = tcase_create("names");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_rules_sorted);
	suite_add_tcase(s, tc);
	tc = tcase_create("scoring");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_thresholds);
	tcase_add_test(tc, test_distinct_rules);
	tcase_add_test(tc, test_explicit_action);
	tcase_add_test(tc, test_negative_score);
	suite_add_tcase(s, tc);
	tc = tcase_create("msgctx");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dedup_and_cap);
	tcase_add_test(tc, test_detail_bounded);
	tcase_add_test(tc, test_parts_cap);
	tcase_add_test_raise_signal(tc, test_unknown_rule_aborts, SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(verdict_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
