/*
 * check_report: JSON escaping, the JSON shape of design.md section 4,
 * the text form and defanging.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "msgctx.h"
#include "policy.h"
#include "report.h"
#include "sbuf.h"
#include "verdict.h"

static const char *
js(const char *s, size_t len)
{
	static struct sbuf b;

	sbuf_release(&b);
	sbuf_init(&b, 0);
	report_json_string(&b, s, len);
	return sbuf_str(&b);
}

START_TEST(test_json_string)
{
	ck_assert_str_eq(js("abc", 3), "\"abc\"");
	ck_assert_str_eq(js("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	ck_assert_str_eq(js("\n\t\x01", 3), "\"\\u000a\\u0009\\u0001\"");
	ck_assert_str_eq(js("a\0b", 3), "\"a\\u0000b\"");
	/* invalid UTF-8 becomes U+FFFD, one per bad byte */
	ck_assert_str_eq(js("\xff\xfe", 2), "\"\\ufffd\\ufffd\"");
	/* truncated sequence */
	ck_assert_str_eq(js("\xe8\xab", 2), "\"\\ufffd\\ufffd\"");
	/* RTLO and zero-width and line separator are escaped */
	ck_assert_str_eq(js("\xe2\x80\xae\xe2\x80\x8b\xe2\x80\xa8", 9),
	    "\"\\u202e\\u200b\\u2028\"");
	/* Japanese stays readable */
	ck_assert_str_eq(js("\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8", 9),
	    "\"\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8\"");
	/* surrogates encoded in UTF-8 are invalid */
	ck_assert_str_eq(js("\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\"");
}
END_TEST

static const char *
defang(const char *url)
{
	static struct sbuf b;

	sbuf_release(&b);
	sbuf_init(&b, 0);
	report_defang(&b, url);
	return sbuf_str(&b);
}

START_TEST(test_defang)
{
	ck_assert_str_eq(defang("http://evil.example/a.exe"),
	    "hxxp://evil[.]example/a.exe");
	ck_assert_str_eq(defang("https://203.0.113.9:8080/x?y=a.b"),
	    "hxxps://203[.]0[.]113[.]9:8080/x?y=a.b");
	ck_assert_str_eq(defang("www.example.jp"), "www[.]example[.]jp");
	ck_assert_str_eq(defang("ftp://a.b"), "ftp://a[.]b");
	ck_assert_str_eq(defang("http://a.b/\n"), "hxxp://a[.]b/\\x0a");
}
END_TEST

static struct msgctx *
sample(const struct policy *pol)
{
	struct msgctx *m = msgctx_new(pol);
	struct part_report *p;
	struct url_report *u;

	msgctx_finding(m, "attachment.executable", "2/invoice.zip/invoice.exe",
	    "PE32 executable");
	msgctx_finding(m, "mime.ambiguous", NULL, "name \"a\xe2\x80\xae\"");
	p = msgctx_add_part(m);
	p->where = "2";
	p->name = "invoice.zip";
	p->declared = "application/zip";
	p->detected = "application/zip";
	p->size = 1234;
	strcpy(p->sha256, "ab12");
	u = msgctx_add_url(m);
	u->url = "http://203.0.113.9/a.exe";
	u->where = "1";
	u->rules = arena_alloc(m->arena, sizeof(char *));
	u->rules[0] = "url.ip_literal";
	u->nrules = 1;
	verdict_compute(m);
	return m;
}

START_TEST(test_json_shape)
{
	const struct policy *pol = policy_default();
	struct msgctx *m = sample(pol);
	struct sbuf b;
	const char *s;

	sbuf_init(&b, 0);
	report_json(&b, "a.eml", m);
	s = sbuf_str(&b);
	ck_assert_ptr_nonnull(strstr(s, "{\"file\":\"a.eml\",\"verdict\":"
	    "\"quarantine\",\"score\":"));
	ck_assert_ptr_nonnull(strstr(s, "\"findings\":[{\"rule\":"
	    "\"attachment.executable\",\"score\":20,\"action\":\"quarantine\","
	    "\"where\":\"2/invoice.zip/invoice.exe\",\"detail\":"
	    "\"PE32 executable\"}"));
	ck_assert_ptr_nonnull(strstr(s, "\"where\":null"));
	ck_assert_ptr_nonnull(strstr(s, "\\u202e"));
	ck_assert_ptr_nonnull(strstr(s, "\"parts\":[{\"where\":\"2\",\"name\":"
	    "\"invoice.zip\",\"declared\":\"application/zip\",\"detected\":"
	    "\"application/zip\",\"size\":1234,\"sha256\":\"ab12\"}]"));
	ck_assert_ptr_nonnull(strstr(s, "\"urls\":[{\"url\":"
	    "\"http://203.0.113.9/a.exe\",\"where\":\"1\""));
	ck_assert_ptr_nonnull(strstr(s, "\"rules\":[\"url.ip_literal\"]}]}"));
	ck_assert_ptr_null(strchr(s, '\n'));
	sbuf_release(&b);
	msgctx_free(&m);
	policy_unref(&pol);
}
END_TEST

START_TEST(test_text)
{
	const struct policy *pol = policy_default();
	struct msgctx *m = sample(pol);
	struct sbuf b;
	const char *s;

	sbuf_init(&b, 0);
	report_text(&b, "a.eml", m);
	s = sbuf_str(&b);
	ck_assert_ptr_nonnull(strstr(s, "a.eml: quarantine (score "));
	ck_assert_ptr_nonnull(strstr(s, "finding attachment.executable "
	    "[score 20, quarantine] at 2/invoice.zip/invoice.exe: PE32"));
	ck_assert_ptr_nonnull(strstr(s, "\\u{202E}"));
	ck_assert_ptr_nonnull(strstr(s, "url hxxp://203[.]0[.]113[.]9/a.exe"
	    " at 1: url.ip_literal"));
	ck_assert_ptr_null(strstr(s, "\xe2\x80\xae"));
	sbuf_release(&b);
	msgctx_free(&m);
	policy_unref(&pol);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("escape");
	tcase_add_test(tc, test_json_string);
	tcase_add_test(tc, test_defang);
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_add_test(tc, test_json_shape);
	tcase_add_test(tc, test_text);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
