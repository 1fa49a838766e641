/*
 * check_pdf: PDF documents end to end (analyse_object -> content -> pdf ->
 * analyse_object for embedded files).
 *
 * The fixtures in tests/data/pdf/ are made by make.py there (correct
 * cross-reference tables unless the case is about a broken one; scripts
 * are one-line alerts; the embedded executable is an inert PE header).
 * Hostile syntax (unbalanced strings, deep nesting, missing endstream,
 * many embedded files) is built here; truncations and byte flips of the
 * fixtures check that nothing crashes or hangs.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyse.h"
#include "ftype.h"
#include "lists.h"
#include "msgctx.h"
#include "policy.h"
#include "sbuf.h"

#include "checkutil.h"

/* ---- helpers --------------------------------------------------------- */

static unsigned char *
load(const char *file, size_t *len_r)
{
	return checkutil_load("pdf", file, len_r);
}

static struct msgctx *
scan_buf(const char *name, const void *data, size_t len)
{
	struct msgctx *m = msgctx_new(pol);
	const char *names[1] = { name }, *err = NULL;

	ck_assert_int_eq(analyse_object(m, "1", names, 1, NULL, data, len, 0,
	    &err), 0);
	verdict_compute(m);
	return m;
}

static struct msgctx *
scan_file(const char *file)
{
	struct msgctx *m;
	unsigned char *d;
	size_t n;

	d = load(file, &n);
	m = scan_buf(file, d, n);
	free(d);
	return m;
}


static struct msgctx *
scan_str(const char *s)
{
	return scan_buf("t.pdf", s, strlen(s));
}

/* ---- fixtures -------------------------------------------------------- */

struct expect {
	const char	*file;
	const char	*rule[3];	/* must fire (NULL-terminated) */
	const char	*never;		/* must not fire, or NULL */
};

static const struct expect cases[] = {
	{ "clean.pdf", { NULL }, NULL },
	{ "uri.pdf", { NULL }, NULL },
	{ "openaction-dest.pdf", { NULL }, NULL },
	{ "js-openaction.pdf", { "pdf.javascript", "pdf.auto_action" },
	    NULL },
	{ "js-escaped.pdf", { "pdf.javascript" }, "pdf.auto_action" },
	{ "openaction-ref.pdf", { "pdf.auto_action" }, "pdf.javascript" },
	{ "launch.pdf", { "pdf.launch", "pdf.auto_action" }, NULL },
	{ "embedded.pdf", { "pdf.embedded_file" }, "pdf.javascript" },
	{ "objstm-js.pdf", { "pdf.javascript" }, NULL },
	{ "objstm-hex.pdf", { "pdf.javascript" }, NULL },
	{ "encrypted.pdf", { "pdf.encrypted" }, "pdf.javascript" },
	{ "broken-xref.pdf", { "pdf.javascript", "pdf.auto_action" }, NULL },
	{ "unbalanced.pdf", { "pdf.javascript" }, NULL },
	{ "bomb.pdf", { "limit.expansion_ratio" }, NULL },
};

START_TEST(test_fixture)
{
	const struct expect *e = &cases[_i];
	struct msgctx *m = scan_file(e->file);
	size_t k;

	if (e->rule[0] == NULL)
		ck_clean(m);
	for (k = 0; k < 3 && e->rule[k] != NULL; k++)
		ck_has(m, e->rule[k], "1");
	if (e->never != NULL)
		ck_hasnt(m, e->never);
	msgctx_free(&m);
}
END_TEST

/* /URI links go to urlcheck; an encrypted file's strings do not. */
START_TEST(test_uris)
{
	struct msgctx *m = scan_file("uri.pdf");

	ck_assert(has_url(m, "https://www.mhlw.go.jp/stf/kenkou.html"));
	msgctx_free(&m);
	m = scan_file("openaction-ref.pdf");
	ck_assert(has_url(m, "http://203.0.113.9/a"));
	msgctx_free(&m);
	m = scan_file("encrypted.pdf");
	ck_assert_uint_eq(m->nurls, 0);
	msgctx_free(&m);
	/* the same link on two pages is judged once */
	m = scan_str("%PDF-1.4\n1 0 obj<</A<</S/URI/URI(http://a.example/)>>"
	    ">>endobj\n2 0 obj<</A<</S/URI/URI<687474703a2f2f612e6578616d706c65"
	    "2f>>>>>endobj\n3 0 obj<</URI(http://b.example/)>>endobj\n");
	ck_assert_uint_eq(m->nurls, 2);
	msgctx_free(&m);
}
END_TEST

START_TEST(test_embedded)
{
	struct msgctx *m = scan_file("embedded.pdf");

	ck_has(m, "attachment.executable", "1/embedded.pdf/invoice.exe");
	ck_has(m, "attachment.blocked_extension", "1/embedded.pdf/invoice.exe");
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	msgctx_free(&m);
	/* /UF in UTF-16BE: 請求書.exe, while /F says report.pdf */
	m = scan_file("embedded-utf16.pdf");
	ck_has(m, "attachment.executable",
	    "1/embedded-utf16.pdf/\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8.exe");
	ck_has(m, "attachment.type_mismatch", NULL);	/* named .pdf too */
	msgctx_free(&m);
}
END_TEST

/* ---- syntax ---------------------------------------------------------- */

START_TEST(test_names)
{
	static const char *const js[] = {
		"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(x)>>endobj\n",
		"%PDF-1.4\n1 0 obj<</#4A#53 2 0 R>>endobj\n",
		"%PDF-1.4\n1 0 obj<</Names<</J#61v#61#53cript 3 0 R>>>>endobj",
		"%PDF-1.4\n1 0 obj [/JS] endobj",
		"%PDF-1.4\n/JavaScript",		/* outside any object */
	};
	static const char *const none[] = {
		"%PDF-1.4\n1 0 obj<</JSX 1/J#53X 2/Jav#61 3>>endobj\n",
		"%PDF-1.4\n1 0 obj<</Title(/JavaScript)>>endobj\n",
		"%PDF-1.4\n% /JavaScript in a comment\n",
		"%PDF-1.4\n1 0 obj<</Length 3>>stream\n/JS\nendstream endobj",
		"%PDF-1.4\n1 0 obj<</X/J#",
	};
	struct msgctx *m;
	size_t i;

	for (i = 0; i < sizeof(js) / sizeof(js[0]); i++) {
		m = scan_str(js[i]);
		ck_has(m, "pdf.javascript", "1");
		msgctx_free(&m);
	}
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		m = scan_str(none[i]);
		ck_hasnt(m, "pdf.javascript");
		msgctx_free(&m);
	}
}
END_TEST

START_TEST(test_actions)
{
	struct msgctx *m;

	/* an /AA with nothing in it, a destination: no automatic action */
	m = scan_str("%PDF-1.4\n1 0 obj<</AA<<>>/OpenAction[2 0 R/Fit]>>"
	    "endobj\n");
	ck_hasnt(m, "pdf.auto_action");
	msgctx_free(&m);
	/* a form field's format script: JavaScript, not automatic */
	m = scan_str("%PDF-1.4\n1 0 obj<</FT/Tx/AA<</F<</S/JavaScript/JS"
	    "(AFNumber_Format\\(0\\))>>/C 5 0 R>>>>endobj\n");
	ck_has(m, "pdf.javascript", "1");
	ck_hasnt(m, "pdf.auto_action");
	msgctx_free(&m);
	m = scan_str("%PDF-1.4\n1 0 obj<</Type/Page/AA<</C 5 0 R>>>>endobj\n");
	ck_has(m, "pdf.auto_action", "1");
	msgctx_free(&m);
	/* an /OpenAction reference to an action defined later */
	m = scan_str("%PDF-1.4\n1 0 obj<</OpenAction 9 0 R>>endobj\n"
	    "9 0 obj<</S/GoToR/F(\\\\\\\\203.0.113.9\\\\x.pdf)>>endobj\n");
	ck_has(m, "pdf.auto_action", "1");
	msgctx_free(&m);
	m = scan_str("%PDF-1.4\n1 0 obj<</S/Launch/F(calc.exe)>>endobj\n");
	ck_has(m, "pdf.launch", "1");
	msgctx_free(&m);
	m = scan_str("%PDF-1.4\ntrailer<</Root 1 0 R/Encrypt 5 0 R>>\n");
	ck_has(m, "pdf.encrypted", "1");
	msgctx_free(&m);
}
END_TEST

/* A stream whose /Length lies, one without endstream, "endstream" in a
 * string: the object after each is still read. */
START_TEST(test_streams)
{
	static const char *const s[] = {
		"%PDF-1.4\n1 0 obj<</Length 2>>stream\nabcdef\nendstream\n"
		"endobj\n2 0 obj<</JS(x)>>endobj\n",
		"%PDF-1.4\n1 0 obj<</Length 9 0 R>>stream\r\nab(cd\r\n"
		"endstream endobj 2 0 obj<</JS(x)>>endobj",
		"%PDF-1.4\n1 0 obj<</T(endstream)>>endobj 2 0 obj<</JS 1>>"
		"endobj",
		"%PDF-1.4\n2 0 obj<</JS 1>>endobj 1 0 obj<</Length 99999>>"
		"stream\nxx",
	};
	struct msgctx *m;
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		m = scan_str(s[i]);
		ck_has(m, "pdf.javascript", "1");
		msgctx_free(&m);
	}
}
END_TEST

/* ---- limits and hostile input ---------------------------------------- */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 200,000 unbalanced '(' then an object: bounded work, object found. */
START_TEST(test_unbalanced_strings)
{
	struct sbuf b;
	struct msgctx *m;
	double t0 = now_s();
	size_t i;

	sbuf_init(&b, 0);
	sbuf_puts(&b, "%PDF-1.4\n");
	for (i = 0; i < 200000; i++)
		sbuf_puts(&b, "(<");
	sbuf_puts(&b, "\n1 0 obj<</S/JavaScript/JS(x)>>endobj\n");
	m = scan_buf("t.pdf", b.data, b.len);
	ck_has(m, "pdf.javascript", "1");
	msgctx_free(&m);
	sbuf_release(&b);
	ck_assert_msg(now_s() - t0 < 10.0, "took %.1f s", now_s() - t0);
}
END_TEST

/* Nesting far past the depth limit, and more nodes than one object may
 * have: no deep recursion, the name after them still counts. */
START_TEST(test_deep)
{
	struct sbuf b;
	struct msgctx *m;
	size_t i;

	sbuf_init(&b, 0);
	sbuf_puts(&b, "%PDF-1.4\n1 0 obj ");
	for (i = 0; i < 100000; i++)
		sbuf_puts(&b, "[<<");
	sbuf_puts(&b, "/Launch");
	for (i = 0; i < 100000; i++)
		sbuf_puts(&b, ">>]");
	sbuf_puts(&b, " endobj\n");
	m = scan_buf("t.pdf", b.data, b.len);
	ck_has(m, "pdf.launch", "1");
	msgctx_free(&m);
	sbuf_release(&b);
}
END_TEST

START_TEST(test_limit_files)
{
	struct sbuf b;
	struct msgctx *m;
	unsigned i;

	pol->lim.archive_entries = 5;
	sbuf_init(&b, 0);
	sbuf_puts(&b, "%PDF-1.4\n");
	for (i = 1; i <= 8; i++)
		sbuf_printf(&b, "%u 0 obj<</Type/EmbeddedFile/Length 5>>stream\n"
		    "hello\nendstream endobj\n", i);
	m = scan_buf("t.pdf", b.data, b.len);
	ck_has(m, "pdf.embedded_file", "1");
	ck_has(m, "limit.archive_entries", "1");
	msgctx_free(&m);
	sbuf_release(&b);
}
END_TEST

START_TEST(test_limit_depth)
{
	struct msgctx *m = msgctx_new(pol);
	const char *names[1] = { "embedded.pdf" }, *err = NULL;
	unsigned char *d;
	size_t n;

	d = load("embedded.pdf", &n);
	ck_assert_int_eq(analyse_object(m, "1", names, 1, NULL, d, n,
	    pol->lim.archive_depth, &err), 0);
	ck_has(m, "pdf.embedded_file", "1");
	ck_has(m, "limit.archive_depth", "1");
	ck_hasnt(m, "attachment.executable");
	msgctx_free(&m);
	free(d);
}
END_TEST

START_TEST(test_limit_expanded)
{
	struct msgctx *m;

	pol->lim.expanded_size = 1000;
	m = scan_file("bomb.pdf");
	ck_has(m, "limit.expanded_size", "1");
	ck_assert_uint_le(m->expanded_bytes, 1000 + 1);
	msgctx_free(&m);
}
END_TEST

static const char *const all_files[] = {
	"js-escaped.pdf", "objstm-hex.pdf", "embedded.pdf",
	"embedded-utf16.pdf", "launch.pdf", "encrypted.pdf", "uri.pdf",
};

START_TEST(test_mutations)
{
	struct msgctx *m;
	unsigned char *d, *buf;
	size_t n, i;

	d = load(all_files[_i], &n);
	buf = malloc(n);
	for (i = 0; i < n; i += 1 + i / 128) {
		memcpy(buf, d, n);
		buf[i] ^= (unsigned char)(0x21 + i);
		m = scan_buf(all_files[_i], buf, n);
		msgctx_free(&m);
		m = scan_buf(all_files[_i], d, i);
		msgctx_free(&m);
	}
	free(buf);
	free(d);
}
END_TEST

static Suite *
pdf_suite(void)
{
	Suite *s = suite_create("pdf");
	TCase *tc;

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))
	tc = tcase_create("fixtures");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_loop_test(tc, test_fixture, 0, N(cases));
	tcase_add_test(tc, test_uris);
	tcase_add_test(tc, test_embedded);
	suite_add_tcase(s, tc);

	tc = tcase_create("syntax");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_actions);
	tcase_add_test(tc, test_streams);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_test(tc, test_unbalanced_strings);
	tcase_add_test(tc, test_deep);
	tcase_add_test(tc, test_limit_files);
	tcase_add_test(tc, test_limit_depth);
	tcase_add_test(tc, test_limit_expanded);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_mutations, 0, N(all_files));
	suite_add_tcase(s, tc);
#undef N
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pdf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
