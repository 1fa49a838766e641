/*
 * check_office: Office documents end to end (analyse_object -> content ->
 * office -> analyse_object for what is inside).
 *
 * The fixtures in tests/data/office/ are made by make.py there: a small
 * CFB writer (versions 3 and 4, mini stream), OOXML zips, RTF; macros are
 * dummy VBA storage names, executables inert PE headers.  Hostile CFB
 * structures (FAT loops, out-of-range sectors) come from make.py too;
 * truncations and byte flips of every fixture are made here.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse.h"
#include "content.h"
#include "ftype.h"
#include "lists.h"
#include "msgctx.h"
#include "office.h"
#include "policy.h"

#include "checkutil.h"

/* ---- helpers --------------------------------------------------------- */

static unsigned char *
load(const char *file, size_t *len_r)
{
	return checkutil_load("office", file, len_r);
}

/* Judge one top-level part "1" named name. */
static struct msgctx *
scan_buf(const char *name, const unsigned char *data, size_t len,
    unsigned depth)
{
	struct msgctx *m = msgctx_new(pol);
	const char *names[1] = { name }, *err = NULL;

	ck_assert_int_eq(analyse_object(m, "1", names, 1, NULL, data, len,
	    depth, &err), 0);
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
	m = scan_buf(file, d, n, 0);
	free(d);
	return m;
}


/* The one file a test is about, with the rule it must fire (or NULL). */
struct expect {
	const char	*file;
	const char	*rule;
	const char	*detail;	/* substring of the detail, or NULL */
};

static void
check_expect(const struct expect *e)
{
	struct msgctx *m = scan_file(e->file);
	const struct finding *f;

	if (e->rule == NULL) {
		ck_clean(m);
	} else {
		ck_has(m, e->rule, "1");
		f = find(m, e->rule, "1");
		if (e->detail != NULL)
			ck_assert_msg(strstr(f->detail, e->detail) != NULL,
			    "%s: detail \"%s\" lacks \"%s\"", e->file,
			    f->detail, e->detail);
	}
	msgctx_free(&m);
}

/* ---- OLE2 ------------------------------------------------------------ */

static const struct expect ole_cases[] = {
	{ "clean.doc", NULL, NULL },
	{ "clean.xls", NULL, NULL },
	{ "vba.doc", "office.macro", "Macros/VBA" },
	{ "vba-v4.xls", "office.macro", "_VBA_PROJECT_CUR" },
	{ "xlm.xls", "office.xlm_macro", "\"Macro1\" (very hidden)" },
	{ "equation.doc", "office.ole_object", "Equation Native" },
};

START_TEST(test_ole)
{
	check_expect(&ole_cases[_i]);
}
END_TEST

static const struct expect enc_cases[] = {
	{ "filepass.xls", "office.encrypted", "FILEPASS" },
	{ "encrypted.doc", "office.encrypted", "Word document" },
	{ "encrypted.docx", "office.encrypted", "EncryptedPackage" },
};

START_TEST(test_encrypted)
{
	check_expect(&enc_cases[_i]);
}
END_TEST

/* A packaged .exe in an OLE object: extracted and judged by its name and
 * content at 1/<document>/<package label>. */
START_TEST(test_ole_package)
{
	struct msgctx *m = scan_file("package.doc");

	ck_has(m, "office.ole_object", "1");
	ck_has(m, "attachment.executable", "1/package.doc/invoice.exe");
	ck_has(m, "attachment.blocked_extension", "1/package.doc/invoice.exe");
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	msgctx_free(&m);
}
END_TEST

/* ---- OOXML and ODF --------------------------------------------------- */

static const struct expect ooxml_cases[] = {
	{ "clean.docx", NULL, NULL },
	{ "clean.xlsx", NULL, NULL },
	{ "clean.pptx", NULL, NULL },
	{ "field-ok.docx", NULL, NULL },
	{ "macro-ct.docx", "office.macro", "macroEnabled" },
	{ "vba.docm", "office.macro", "word/vbaProject.bin" },
	{ "reordered.docm", "office.macro", "word/vbaProject.bin" },
	{ "xlm.xlsx", "office.xlm_macro", "xl/macrosheets/sheet1.xml" },
	{ "ddelink.xlsx", "office.dde", "service \"cmd\"" },
	{ "dde.docx", "office.dde", "DDEAUTO c:" },
	{ "dde-simple.docx", "office.dde", "DDEAUTO" },
	{ "dde-quote.docx", "office.dde", "QUOTE 68 68 69" },
	{ "template.docx", "office.external_template", "attachedTemplate" },
	{ "follina.docx", "office.external_template", "oleObject" },
	{ "basic.odt", "office.macro", "Basic/Standard/Module1.xml" },
};

START_TEST(test_ooxml)
{
	check_expect(&ooxml_cases[_i]);
}
END_TEST

/* External targets go to urlcheck; a local template path is no finding. */
START_TEST(test_ooxml_urls)
{
	struct msgctx *m = scan_file("clean.docx");

	ck_assert(has_url(m, "https://www.mhlw.go.jp/"));
	ck_assert_uint_eq(m->nurls, 1);		/* not the file:/// one */
	ck_clean(m);
	msgctx_free(&m);
	m = scan_file("template.docx");
	ck_assert(has_url(m, "http://203.0.113.7/t.dotm"));
	msgctx_free(&m);
	m = scan_file("follina.docx");
	ck_assert(has_url(m, "http://203.0.113.7/a.html"));
	msgctx_free(&m);
}
END_TEST

START_TEST(test_ooxml_embedded)
{
	struct msgctx *m = scan_file("embedded.docx");
	const char *ole = "1/embedded.docx/word/embeddings/oleObject1.bin";
	char exe[200];

	snprintf(exe, sizeof(exe), "%s/invoice.exe", ole);
	ck_has(m, "office.ole_object", ole);
	ck_has(m, "attachment.executable", exe);
	ck_has(m, "attachment.executable", "1/embedded.docx/word/media/"
	    "image1.png");
	ck_has(m, "attachment.type_mismatch", "1/embedded.docx/word/media/"
	    "image1.png");
	msgctx_free(&m);
}
END_TEST

/* An OOXML package that ftype calls a plain zip: content sends it to
 * office as well as to unpack. */
START_TEST(test_ooxml_as_zip)
{
	struct ftype_result t;
	struct content_obj o;
	struct msgctx *m = msgctx_new(pol);
	const char *names[1] = { "a.zip" }, *err = NULL;
	unsigned char *d;
	size_t n;

	d = load("vba.docm", &n);
	ck_assert(office_is_ooxml(d, n));
	memset(&t, 0, sizeof(t));
	strcpy(t.mime, "application/zip");
	t.cls = FTYPE_ARCHIVE;
	memset(&o, 0, sizeof(o));
	o.where = "1";
	o.names = names;
	o.nnames = 1;
	o.data = d;
	o.len = n;
	o.type = &t;
	ck_assert_int_eq(content_scan(m, &o, &err), 0);
	ck_has(m, "office.macro", "1");
	msgctx_free(&m);
	ck_assert(!office_is_ooxml(d, 100));
	ck_assert(!office_is_ooxml((const unsigned char *)"PK\5\6", 4));
	free(d);
	d = load("clean.doc", &n);
	ck_assert(!office_is_ooxml(d, n));
	free(d);
}
END_TEST

/* ---- RTF ------------------------------------------------------------- */

static const struct expect rtf_cases[] = {
	{ "clean.rtf", NULL, NULL },
	{ "field-ok.rtf", NULL, NULL },
	{ "equation.rtf", "office.ole_object", "Equation.3" },
	{ "dde.rtf", "office.dde", "DDEAUTO c:" },
	{ "template.rtf", "office.external_template", "203.0.113.7" },
	{ "package.rtf", "office.ole_object", "Package" },
};

START_TEST(test_rtf)
{
	check_expect(&rtf_cases[_i]);
}
END_TEST

START_TEST(test_rtf_package)
{
	struct msgctx *m = scan_file("package.rtf");

	ck_has(m, "attachment.executable", "1/package.rtf/invoice.exe");
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	msgctx_free(&m);
}
END_TEST

/* \bin raw bytes, junk and groups inside \objdata, an unterminated file. */
START_TEST(test_rtf_odd)
{
	static const char bin[] = "{\\rtf1{\\object{\\*\\objdata 01050000"
	    "{\\*\\junk zz}0200 0000\\bin4 " "\x08" "\0" "\0" "\0"
	    "5061636b61676500 00000000 00000000 05000000 0200414200}}}";
	static const char open[] = "{\\rtf1{\\field{\\*\\fldinst  dde "
	    "c:\\\\x";
	struct msgctx *m;

	m = scan_buf("b.rtf", (const unsigned char *)bin, sizeof(bin) - 1, 0);
	ck_has(m, "office.ole_object", "1");
	msgctx_free(&m);
	m = scan_buf("o.rtf", (const unsigned char *)open, sizeof(open) - 1,
	    0);
	ck_has(m, "office.dde", "1");
	msgctx_free(&m);
}
END_TEST

/* ---- limits ---------------------------------------------------------- */

START_TEST(test_limit_depth)
{
	struct msgctx *m;
	unsigned char *d;
	size_t n;

	d = load("package.doc", &n);
	m = scan_buf("package.doc", d, n, pol->lim.archive_depth);
	ck_has(m, "limit.archive_depth", "1");
	ck_hasnt(m, "attachment.executable");
	msgctx_free(&m);
	free(d);
}
END_TEST

START_TEST(test_limit_entries)
{
	struct msgctx *m;

	pol->lim.archive_entries = 1;
	m = scan_file("embedded.docx");
	ck_has(m, "limit.archive_entries", "1");
	msgctx_free(&m);
	m = scan_file("vba.doc");	/* 9 directory entries */
	ck_has(m, "limit.archive_entries", "1");
	msgctx_free(&m);
}
END_TEST

START_TEST(test_limit_expanded)
{
	const char *names[1] = { "dde.docx" }, *err = NULL;
	struct msgctx *m = msgctx_new(pol);
	unsigned char *d;
	size_t n;

	m->expanded_bytes = pol->lim.expanded_size;
	d = load("dde.docx", &n);
	ck_assert_int_eq(analyse_object(m, "1", names, 1, NULL, d, n, 0,
	    &err), 0);
	free(d);
	ck_has(m, "limit.expanded_size", NULL);
	ck_hasnt(m, "office.dde");
	msgctx_free(&m);
}
END_TEST

/* A member that inflates past max_part_size is cut, with a finding. */
START_TEST(test_limit_part)
{
	struct msgctx *m;

	pol->lim.part_size = 64;
	m = scan_file("dde.docx");
	ck_has(m, "limit.part_size", NULL);
	msgctx_free(&m);
}
END_TEST

/* ---- malformed ------------------------------------------------------- */

START_TEST(test_hostile_cfb)
{
	struct msgctx *m;

	m = scan_file("loops.doc");
	ck_hasnt(m, "office.macro");
	msgctx_free(&m);
	m = scan_file("badsect.doc");
	ck_hasnt(m, "office.macro");
	msgctx_free(&m);
}
END_TEST

static const char *const all_files[] = {
	"vba.doc", "vba-v4.xls", "xlm.xls", "filepass.xls", "package.doc",
	"encrypted.docx", "vba.docm", "dde.docx", "template.docx",
	"embedded.docx", "package.rtf", "dde.rtf", "basic.odt",
};

/* Every cut and many single-byte changes of each fixture: no crash, no
 * leak, no hang (the sanitizer build makes this meaningful). */
START_TEST(test_mutations)
{
	struct msgctx *m;
	unsigned char *d, *buf;
	size_t n, i, step;

	d = load(all_files[_i], &n);
	buf = malloc(n);
	step = n / 300 + 1;
	for (i = 0; i < n; i += step) {
		memcpy(buf, d, n);
		buf[i] ^= (unsigned char)(0x5a + i);
		m = scan_buf(all_files[_i], buf, n, 0);
		msgctx_free(&m);
		m = scan_buf(all_files[_i], d, i, 0);
		msgctx_free(&m);
	}
	free(buf);
	free(d);
}
END_TEST

static Suite *
office_suite(void)
{
	Suite *s = suite_create("office");
	TCase *tc;

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))
	tc = tcase_create("ole");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_loop_test(tc, test_ole, 0, N(ole_cases));
	tcase_add_test(tc, test_ole_package);
	suite_add_tcase(s, tc);

	tc = tcase_create("encrypted");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_loop_test(tc, test_encrypted, 0, N(enc_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("ooxml");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_loop_test(tc, test_ooxml, 0, N(ooxml_cases));
	tcase_add_test(tc, test_ooxml_urls);
	tcase_add_test(tc, test_ooxml_embedded);
	tcase_add_test(tc, test_ooxml_as_zip);
	suite_add_tcase(s, tc);

	tc = tcase_create("rtf");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_loop_test(tc, test_rtf, 0, N(rtf_cases));
	tcase_add_test(tc, test_rtf_package);
	tcase_add_test(tc, test_rtf_odd);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_test(tc, test_limit_depth);
	tcase_add_test(tc, test_limit_entries);
	tcase_add_test(tc, test_limit_expanded);
	tcase_add_test(tc, test_limit_part);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_hostile_cfb);
	tcase_add_loop_test(tc, test_mutations, 0, N(all_files));
	suite_add_tcase(s, tc);
#undef N
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(office_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
