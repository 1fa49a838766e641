/*
 * check_scan: the engine end to end (walker + analyse + verdict) on
 * messages built here, fed in every chunking; the hostile inputs of the
 * foundation issue; the scan-time limit; abort in mid-message.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lists.h"
#include "msgctx.h"
#include "policy.h"
#include "partbuf.h"
#include "report.h"
#include "sbuf.h"
#include "scan.h"

static struct policy *pol;

static void
setup(void)
{
	struct policy_errors errs = { NULL, 0 };
	static const char ext[] = "exe\nscr\nlnk\n";

	pol = policy_default();
	pol->blocked_extensions = lists_parse("test-ext", ext, strlen(ext),
	    LISTS_EXTENSIONS, &errs);
	ck_assert_uint_eq(errs.n, 0);
}

static void
teardown(void)
{
	const struct policy *p = pol;

	policy_unref(&p);
}

/* Scan buf fed in pieces of `step` (0 = whole); returns the JSON report. */
static char *
scan_json(const char *buf, size_t len, size_t step, struct msgctx **m_r)
{
	struct msgctx *m = msgctx_new(pol);
	struct scan *s = scan_new(m);
	const char *err = NULL;
	struct sbuf out;
	size_t off, n;

	if (step == 0)
		step = len ? len : 1;
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		ck_assert_int_eq(scan_feed(s, buf + off, n, &err), 0);
	}
	ck_assert_int_eq(scan_finish(s, &err), 0);
	scan_free(&s);
	sbuf_init(&out, 0);
	report_json(&out, "t", m);
	if (m_r != NULL)
		*m_r = m;
	else
		msgctx_free(&m);
	return sbuf_steal(&out, NULL);
}

/* Same JSON whatever the chunking; returns the context of a whole feed. */
static struct msgctx *
scan_all_ways(const char *buf, size_t len)
{
	static const size_t steps[] = { 1, 7, 4096 };
	struct msgctx *m;
	char *whole, *other;
	size_t i;

	whole = scan_json(buf, len, 0, &m);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i] == 1 && len > 200000)
			continue;
		other = scan_json(buf, len, steps[i], NULL);
		ck_assert_msg(strcmp(whole, other) == 0,
		    "step %zu differs:\n%s\n%s", steps[i], whole, other);
		free(other);
	}
	free(whole);
	return m;
}

static const char clean_msg[] =
    "From: a@example.jp\r\nTo: b@example.jp\r\nSubject: hello\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf\r\n";

START_TEST(test_clean)
{
	struct msgctx *m = scan_all_ways(clean_msg, sizeof(clean_msg) - 1);

	ck_assert_int_eq(m->verdict, VERDICT_ACCEPT);
	ck_assert_uint_eq(m->nfindings, 0);
	ck_assert_uint_eq(m->nparts, 1);
	ck_assert_str_eq(m->parts[0].where, "1");
	ck_assert_uint_eq(m->parts[0].size, 15 + 2);
	msgctx_free(&m);
}
END_TEST

/* A harmless PE header: MZ, e_lfanew -> "PE\0\0", a COFF header, no code. */
static size_t
pe_stub(unsigned char *p)
{
	memset(p, 0, 512);
	p[0] = 'M';
	p[1] = 'Z';
	p[0x3c] = 0x80;
	memcpy(p + 0x80, "PE\0\0", 4);
	p[0x84] = 0x4c;		/* i386 */
	p[0x85] = 0x01;
	p[0x94] = 0xe0;		/* optional header size */
	p[0x96] = 0x02;		/* executable image */
	p[0x98] = 0x0b;		/* PE32 magic */
	p[0x99] = 0x01;
	return 512;
}

static char *
b64(const unsigned char *in, size_t len)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc(len * 2 + 8), *o = out;
	size_t i, col = 0;

	for (i = 0; i < len; i += 3) {
		unsigned v = in[i] << 16;

		v |= (i + 1 < len ? in[i + 1] : 0) << 8;
		v |= i + 2 < len ? in[i + 2] : 0;
		*o++ = a[(v >> 18) & 63];
		*o++ = a[(v >> 12) & 63];
		*o++ = i + 1 < len ? a[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? a[v & 63] : '=';
		if ((col += 4) == 76) {
			*o++ = '\n';
			col = 0;
		}
	}
	*o++ = '\n';
	*o = '\0';
	return out;
}

START_TEST(test_exe_attachment)
{
	unsigned char pe[512];
	struct sbuf msg;
	struct msgctx *m;
	char *enc;

	enc = b64(pe, pe_stub(pe));
	sbuf_init(&msg, 0);
	sbuf_printf(&msg, "From: x@example.com\nSubject: invoice\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"BB\"\n\n"
	    "--BB\nContent-Type: text/plain\n\nsee attached\n"
	    "--BB\nContent-Type: application/pdf; name=\"invoice.pdf.exe\"\n"
	    "Content-Transfer-Encoding: base64\n"
	    "Content-Disposition: attachment; filename=\"invoice.pdf.exe\"\n\n"
	    "%s--BB--\n", enc);
	m = scan_all_ways((const char *)msg.data, msg.len);
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	ck_assert(msgctx_has_rule(m, "attachment.blocked_extension"));
	ck_assert(msgctx_has_rule(m, "attachment.executable"));
	ck_assert(msgctx_has_rule(m, "attachment.double_extension"));
	ck_assert(!msgctx_has_rule(m, "mime.ambiguous"));
	ck_assert_uint_eq(m->nparts, 2);
	ck_assert_str_eq(m->parts[1].where, "2");
	ck_assert_str_eq(m->parts[1].name, "invoice.pdf.exe");
	ck_assert_str_eq(m->parts[1].declared, "application/pdf");
	ck_assert_uint_eq(m->parts[1].size, 512);
	ck_assert_uint_eq(strlen(m->parts[1].sha256), 64);
	msgctx_free(&m);
	sbuf_release(&msg);
	free(enc);
}
END_TEST

/*
 * A part moved to a file for the memory budget (max_part_memory) is
 * judged exactly as one kept in memory.
 */
START_TEST(test_spilled_part_same_report)
{
	static unsigned char pe[300000];
	char dir[] = "/tmp/check_scan.XXXXXX", *enc, *mem_json, *file_json;
	struct sbuf msg;
	struct msgctx *m;
	uint64_t spills;

	pe_stub(pe);
	for (size_t i = 512; i < sizeof(pe); i++)
		pe[i] = (unsigned char)(i * 7 + (i >> 8));
	enc = b64(pe, sizeof(pe));
	sbuf_init(&msg, 0);
	sbuf_printf(&msg, "From: x@example.com\nSubject: invoice\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"BB\"\n\n"
	    "--BB\nContent-Type: application/octet-stream; name=\"a.exe\"\n"
	    "Content-Transfer-Encoding: base64\n\n%s--BB--\n", enc);
	pol->part_memory = 0;
	/* Descriptor 0 open: a multipart's container must not close it. */
	if (fcntl(0, F_GETFD) == -1)
		ck_assert_int_eq(open("/dev/null", O_RDONLY), 0);
	mem_json = scan_json((const char *)msg.data, msg.len, 4096, NULL);
	ck_assert_int_ne(fcntl(0, F_GETFD), -1);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	free(pol->spool_dir);
	pol->spool_dir = strdup(dir);
	pol->part_memory = 1;
	spills = partbuf_spills();
	file_json = scan_json((const char *)msg.data, msg.len, 4096, &m);
	ck_assert_uint_eq(partbuf_spills(), spills + 1);
	ck_assert_str_eq(file_json, mem_json);
	ck_assert(msgctx_has_rule(m, "attachment.executable"));
	ck_assert_uint_eq(m->parts[0].size, sizeof(pe));
	partbuf_pool_drain();
	ck_assert_uint_eq(partbuf_memory(), 0);
	msgctx_free(&m);
	ck_assert_int_eq(rmdir(dir), 0);	/* nothing left behind */
	free(mem_json);
	free(file_json);
	sbuf_release(&msg);
	free(enc);
}
END_TEST

START_TEST(test_garbage_64m)
{
	size_t len = 64u << 20, i;
	unsigned char *buf = malloc(len);
	unsigned x = 12345;
	struct msgctx *m;
	char *j;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	j = scan_json((const char *)buf, len, 65535, &m);
	ck_assert_uint_gt(m->nfindings, 0);
	ck_assert_int_ne(m->verdict, VERDICT_ACCEPT);
	free(j);
	msgctx_free(&m);
	free(buf);
}
END_TEST

START_TEST(test_nested_10000)
{
	struct sbuf msg;
	struct msgctx *m;
	int i;

	sbuf_init(&msg, 0);
	sbuf_puts(&msg, "Subject: deep\n");
	for (i = 0; i < 10000; i++)
		sbuf_printf(&msg, "Content-Type: multipart/mixed; "
		    "boundary=\"b%d\"\n\n--b%d\n", i, i);
	sbuf_puts(&msg, "Content-Type: text/plain\n\nbottom\n");
	m = scan_all_ways((const char *)msg.data, msg.len);
	ck_assert(msgctx_has_rule(m, "limit.mime_depth"));
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	msgctx_free(&m);
	sbuf_release(&msg);
}
END_TEST

START_TEST(test_header_1m)
{
	size_t len = (1u << 20) + 100;
	char *buf = malloc(len);
	struct msgctx *m;
	char *j;

	memcpy(buf, "Subject: ", 9);
	memset(buf + 9, 'A', len - 9);
	j = scan_json(buf, len, 4096, &m);
	ck_assert(msgctx_has_rule(m, "limit.header_size"));
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	free(j);
	msgctx_free(&m);
	free(buf);
}
END_TEST

START_TEST(test_scan_time)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct msgctx *m;
	struct scan *s;
	const char *err;

	pol->lim.scan_time_ms = 5;
	m = msgctx_new(pol);
	s = scan_new(m);
	ck_assert_int_eq(scan_feed(s, clean_msg, 40, &err), 0);
	nanosleep(&ts, NULL);
	ck_assert_int_eq(scan_feed(s, clean_msg + 40,
	    sizeof(clean_msg) - 41, &err), 0);
	ck_assert_int_eq(scan_finish(s, &err), 0);
	ck_assert(msgctx_has_rule(m, "limit.scan_time"));
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	ck_assert_int_eq(scan_finish(s, &err), -1);
	scan_free(&s);
	msgctx_free(&m);
}
END_TEST

START_TEST(test_abort_midway)
{
	static const char part[] =
	    "Content-Type: multipart/mixed; boundary=x\n\n--x\n"
	    "Content-Type: application/octet-stream; name=a.bin\n\nAAAA";
	struct msgctx *m = msgctx_new(pol);
	struct scan *s = scan_new(m);
	const char *err;

	ck_assert_int_eq(scan_feed(s, part, sizeof(part) - 1, &err), 0);
	scan_free(&s);		/* ASan reports any leak of open parts */
	ck_assert_ptr_null(s);
	msgctx_free(&m);
}
END_TEST

static Suite *
scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc;

	tc = tcase_create("basic");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_clean);
	tcase_add_test(tc, test_exe_attachment);
	tcase_add_test(tc, test_spilled_part_same_report);
	tcase_add_test(tc, test_abort_midway);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_garbage_64m);
	tcase_add_test(tc, test_nested_10000);
	tcase_add_test(tc, test_header_1m);
	tcase_add_test(tc, test_scan_time);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(scan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
