/*
 * check_urlx: URL extraction from text: where URLs begin and end (table,
 * with Japanese text and full-width punctuation around them), charsets,
 * calendar folding, quoted-printable leftovers, containers and limits.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "msgctx.h"
#include "policy.h"
#include "urlcheck.h"
#include "urlx.h"

/* ---- the finder ----------------------------------------------------- */

static const struct {
	const char	*text;
	const char	*urls;		/* '|'-separated, "" for none */
} finds[] = {
	{ "see https://example.com/a.", "https://example.com/a" },
	{ "(https://example.com/a)", "https://example.com/a" },
	{ "https://en.wikipedia.org/wiki/Foo_(bar) x",
	    "https://en.wikipedia.org/wiki/Foo_(bar)" },
	{ "<http://example.com/x>", "http://example.com/x" },
	{ "\"https://example.com/q?a=1&b=2#f\"",
	    "https://example.com/q?a=1&b=2#f" },
	{ "'https://example.com/a'", "https://example.com/a" },
	{ "wow https://example.com/a!!! and?", "https://example.com/a" },
	{ "こちらhttps://example.jp/にアクセス", "https://example.jp/" },
	{ "「https://example.jp/path」をご覧ください", "https://example.jp/path" },
	{ "（www.example.jp）", "www.example.jp" },
	{ "www.example.jpです。", "www.example.jp" },
	{ "URL：https://example.jp/a、またはhttps://example.jp/b。",
	    "https://example.jp/a|https://example.jp/b" },
	{ "http://例え.jp/パス", "http://例え.jp/" },
	{ "http://ドメイン名例.jp。", "http://ドメイン名例.jp" },
	{ "https://example.com/a\xe3\x80\x80next", "https://example.com/a" },
	{ "HTTPS://EXAMPLE.COM/X", "HTTPS://EXAMPLE.COM/X" },
	{ "xhttps://evil.example/", "https://evil.example/" },
	{ "file:///C:/x.exe", "file:///C:/x.exe" },
	{ "https://[2001:db8::1]:8080/x", "https://[2001:db8::1]:8080/x" },
	{ "http://user@evil.example/a", "http://user@evil.example/a" },
	{ "a http://x.example/1\nb www.y.example/2\tc",
	    "http://x.example/1|www.y.example/2" },
	{ "http:\\\\evil.example\\x", "" },
	{ "mailto:a@b.example foo://bar www awww.example.com", "" },
	{ "email@www.example.com", "" },
	{ "http:// https://", "" },
	{ "www.", "" },
	{ "", "" },
	{ "::::////....wwww.www", "" },
};

START_TEST(finder)
{
	const char *s = finds[_i].text;
	size_t pos = 0, a, b, len = strlen(s), o = 0;
	char got[1024];

	got[0] = '\0';
	while (urlx_next(s, len, &pos, &a, &b)) {
		ck_assert_uint_lt(a, b);
		ck_assert_uint_le(b, len);
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%.*s",
		    o ? "|" : "", (int)(b - a), s + a);
	}
	ck_assert_msg(strcmp(got, finds[_i].urls) == 0, "\"%s\": got \"%s\"",
	    s, got);
}
END_TEST

/* ---- urlx_text ------------------------------------------------------ */

static const struct policy *pol;

static void
setup(void)
{
	pol = policy_default();
}

static void
teardown(void)
{
	policy_unref(&pol);
}

/* Scan and return the URLs found ('|'-separated) in a static buffer. */
static const char *
scan(const char *where, const char *text, size_t len, const char *cs)
{
	static char got[4096];
	struct msgctx *m = msgctx_new(pol);
	size_t i, o = 0;

	urlx_text(m, where, (const unsigned char *)text, len, cs);
	got[0] = '\0';
	for (i = 0; i < m->nurls; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s",
		    i ? "|" : "", m->urls[i].url);
	msgctx_free(&m);
	return got;
}

START_TEST(charsets)
{
	/* "URLはhttps://example.jp/です" in ISO-2022-JP, Shift_JIS, EUC-JP */
	static const char jis[] = "URL\x1b$B$O\x1b(Bhttps://example.jp/"
	    "\x1b$B$G$9\x1b(B";
	static const char sjis[] = "URL\x82\xcdhttps://example.jp/\x82\xc5"
	    "\x82\xb7 \x83\x5c\x83\x74\x83\x67www.example.co.jp";
	static const char euc[] = "URL\xa4\xcfhttps://example.jp/\xa4\xc7\xa4\xb9";

	ck_assert_str_eq(scan("1", jis, sizeof(jis) - 1, "ISO-2022-JP"),
	    "https://example.jp/");
	ck_assert_str_eq(scan("1", sjis, sizeof(sjis) - 1, "Shift_JIS"),
	    "https://example.jp/|www.example.co.jp");
	ck_assert_str_eq(scan("1", euc, sizeof(euc) - 1, "euc-jp"),
	    "https://example.jp/");
	ck_assert_str_eq(scan("1", "go http://a.example/", 20, NULL),
	    "http://a.example/");
	ck_assert_str_eq(scan("1", "go http://a.example/", 20, "x-unknown"),
	    "http://a.example/");
}
END_TEST

START_TEST(calendar)
{
	static const char ics[] = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
	    "DESCRIPTION:Join https://teams.exa\r\n mple.com/l/meet\\nNext "
	    "line\\, more\r\nLOCATION:https://example.org/room\r\n"
	    "END:VEVENT\r\nEND:VCALENDAR\r\n";

	ck_assert_str_eq(scan("1", ics, sizeof(ics) - 1, NULL),
	    "https://teams.example.com/l/meet|https://example.org/room");
}
END_TEST

START_TEST(qp_leftovers)
{
	static const char qp[] = "<a href=3D\"http://evil.example/a?b=3Dc&d=\r\n"
	    "=3De\">click</a>";

	ck_assert_str_eq(scan("1", qp, sizeof(qp) - 1, NULL),
	    "http://evil.example/a?b=c&d=e");
	/* Without "=3D" nothing is decoded: "=41" stays. */
	ck_assert_str_eq(scan("1", "http://a.example/?x=41", 22, NULL),
	    "http://a.example/?x=41");
}
END_TEST

START_TEST(container)
{
	size_t n = URLX_CONTAINER_MAX + 100;
	char *t = malloc(n);

	memset(t, ' ', n);
	memcpy(t, "http://first.example/", 21);
	memcpy(t + URLX_CONTAINER_MAX + 10, "http://late.example/", 20);
	ck_assert_str_eq(scan("2/a.zip/b.txt", t, n, NULL),
	    "http://first.example/");
	ck_assert_str_eq(scan("2", t, n, NULL),
	    "http://first.example/|http://late.example/");
	free(t);
}
END_TEST

START_TEST(count_limit)
{
	struct policy *p = policy_default();
	const struct policy *cp = p;
	struct msgctx *m;
	char *t = malloc(100 * 40);
	size_t o = 0;
	int i;

	p->max_urls = 10;
	for (i = 0; i < 100; i++)
		o += (size_t)sprintf(t + o, "https://h%d.example/ ", i);
	m = msgctx_new(cp);
	urlx_text(m, "1", (unsigned char *)t, o, NULL);
	ck_assert_uint_eq(m->nurls, 10);
	ck_assert(msgctx_has_rule(m, "limit.url_count"));
	ck_assert_uint_eq(m->urls_dropped, 1);	/* stops at the first over */
	/* A second text part adds nothing more. */
	urlx_text(m, "2", (unsigned char *)t, o, NULL);
	ck_assert_uint_eq(m->nurls, 10);
	msgctx_free(&m);
	policy_unref(&cp);
	free(t);
}
END_TEST

START_TEST(rules_from_text)
{
	static const char txt[] = "お知らせ: https://www.mhlw.go.jp@evil.example/"
	    "login にログインしてください。\n短縮 https://bit.ly/x\n";
	struct policy *p = policy_default();
	const struct policy *cp = p;
	struct msgctx *m = msgctx_new(cp);

	urlx_text(m, "1", (const unsigned char *)txt, sizeof(txt) - 1, "utf-8");
	ck_assert_uint_eq(m->nurls, 2);
	ck_assert(msgctx_has_rule(m, "url.userinfo"));
	ck_assert_str_eq(m->urls[0].normalised, "https://evil.example/login");
	msgctx_free(&m);
	policy_unref(&cp);
}
END_TEST

/* Linear time on hostile text: many ':' and '.' and "www" pieces. */
START_TEST(linear)
{
	size_t n = 8u << 20, i;
	char *t = malloc(n);
	struct msgctx *m = msgctx_new(pol);
	clock_t c0 = clock();
	double secs;

	for (i = 0; i < n; i++)
		t[i] = ":./w"[i % 4];
	urlx_text(m, "1", (unsigned char *)t, n, NULL);
	memset(t, 'a', n);
	urlx_text(m, "1", (unsigned char *)t, n, NULL);
	secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
	ck_assert_msg(secs < 5.0, "%.2f s for 16 MiB", secs);
	ck_assert_uint_eq(m->nurls, 0);
	msgctx_free(&m);
	free(t);
}
END_TEST

static Suite *
urlx_suite(void)
{
	Suite *s = suite_create("urlx");
	TCase *tc;

	tc = tcase_create("finder");
	tcase_add_loop_test(tc, finder, 0, sizeof(finds) / sizeof(finds[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, charsets);
	tcase_add_test(tc, calendar);
	tcase_add_test(tc, qp_leftovers);
	tcase_add_test(tc, rules_from_text);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, container);
	tcase_add_test(tc, count_limit);
	tcase_add_test(tc, linear);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(urlx_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
