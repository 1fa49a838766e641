/*
 * check_names: uni (NFKC, bidi display, UTF-8 iteration), names (the
 * attachment name checks) and analyse (parts end to end: findings and
 * part reports).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse.h"
#include "ftype.h"
#include "hash.h"
#include "lists.h"
#include "mime.h"
#include "msgctx.h"
#include "names.h"
#include "policy.h"
#include "sbuf.h"
#include "uni.h"

static const char abc_sha256[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

static struct policy *pol;
static struct msgctx *msg;

static void
setup(void)
{
	static const char exts[] = "# test list\nexe\nscr\n.js\nvbs\nlnk\n"
	    "iso\nbat\ncmd\nhta\nONE\n";
	static const char hashes[] =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	    " abc\n"
	    "# md5 of \"evil\"\n4034a346ccee15292d823416f7510a2f\n";
	struct policy_errors errs = { NULL, 0 };

	pol = policy_default();
	pol->blocked_extensions = lists_parse("blocked-extensions.txt", exts,
	    sizeof(exts) - 1, LISTS_EXTENSIONS, &errs);
	pol->hash_blocklist = lists_parse("hash-blocklist.txt", hashes,
	    sizeof(hashes) - 1, LISTS_HASHES, &errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(pol->blocked_extensions);
	ck_assert_ptr_nonnull(pol->hash_blocklist);
	msg = msgctx_new(pol);
}

static void
teardown(void)
{
	const struct policy *p = pol;

	msgctx_free(&msg);
	policy_unref(&p);
	ftype_thread_end();
}

/* The first finding of rule, or NULL. */
static const struct finding *
find(const char *rule)
{
	for (size_t i = 0; i < msg->nfindings; i++)
		if (strcmp(msg->findings[i].rule, rule) == 0)
			return &msg->findings[i];
	return NULL;
}

static size_t
count(const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < msg->nfindings; i++)
		n += strcmp(msg->findings[i].rule, rule) == 0;
	return n;
}

/* ---- uni ---------------------------------------------------------- */

static const char *
nfkc(struct sbuf *b, const char *s)
{
	sbuf_reset(b);
	ck_assert_int_eq(uni_nfkc(s, strlen(s), b), 0);
	return sbuf_str(b);
}

START_TEST(test_uni_nfkc)
{
	struct sbuf *b = sbuf_new(0, 4096);

	ck_assert_str_eq(nfkc(b, "invoice\xef\xbc\x8e\xef\xbd\x85\xef\xbd\x98"
	    "\xef\xbd\x85"), "invoice.exe");	/* ．ｅｘｅ */
	ck_assert_str_eq(nfkc(b, "a\xe3\x80\x80" "b"), "a b");	/* U+3000 */
	ck_assert_str_eq(nfkc(b, "\xef\xbe\x83\xef\xbd\xbd\xef\xbe\x84"),
	    "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88");	/* ﾃｽﾄ -> テスト */
	ck_assert_str_eq(nfkc(b, "\xe2\x91\xa0"), "1");	/* ① */
	ck_assert_str_eq(nfkc(b, "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8.pdf"),
	    "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8.pdf");	/* 請求書 kept */
	/* Invalid UTF-8 becomes U+FFFD. */
	ck_assert_str_eq(nfkc(b, "a\xff" "b"), "a\xef\xbf\xbd" "b");
	ck_assert_str_eq(nfkc(b, ""), "");
	sbuf_free(&b);
}
END_TEST

START_TEST(test_uni_limits)
{
	struct sbuf *b = sbuf_new(0, 4);
	size_t big = UNI_MAX_INPUT + 10, n = 200;
	char *s;

	/* Output cut on a code point boundary. */
	ck_assert_int_eq(uni_nfkc("\xe3\x81\x82\xe3\x81\x84", 6, b), 1);
	ck_assert_uint_eq(b->len, 3);
	ck_assert_str_eq(sbuf_str(b), "\xe3\x81\x82");
	sbuf_free(&b);
	/* The worst NFKC expansion (U+FDFA is 18 code points). */
	s = malloc(n * 3 + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 3 * i, "\xef\xb7\xba", 3);
	b = sbuf_new(0, 0);
	ck_assert_int_eq(uni_nfkc(s, n * 3, b), 0);
	ck_assert_uint_gt(b->len, n * 18);
	sbuf_free(&b);
	free(s);
	/* Input over the limit is cut and reported. */
	s = malloc(big);
	memset(s, 'a', big);
	b = sbuf_new(0, 0);
	ck_assert_int_eq(uni_nfkc(s, big, b), 1);
	ck_assert_uint_eq(b->len, UNI_MAX_INPUT);
	sbuf_free(&b);
	free(s);
}
END_TEST

START_TEST(test_uni_visual)
{
	struct sbuf *b = sbuf_new(0, 1024);

	ck_assert_int_eq(uni_visual("invoice\xe2\x80\xaegpj.exe", 17, b), 0);
	ck_assert_str_eq(sbuf_str(b), "invoiceexe.jpg");
	sbuf_reset(b);
	ck_assert_int_eq(uni_visual("plain.pdf", 9, b), 0);
	ck_assert_str_eq(sbuf_str(b), "plain.pdf");
	sbuf_reset(b);
	ck_assert_int_eq(uni_visual("", 0, b), 0);
	ck_assert_str_eq(sbuf_str(b), "");
	sbuf_free(&b);
}
END_TEST

START_TEST(test_uni_next)
{
	static const char s[] = "a\xc0\xaf\xed\xa0\x80\xf0\x9f\x98\x80\xe3\x81";
	uint32_t want[] = { 'a', UNI_REPLACEMENT, UNI_REPLACEMENT,
	    UNI_REPLACEMENT, UNI_REPLACEMENT, UNI_REPLACEMENT, 0x1f600,
	    UNI_REPLACEMENT };
	size_t off = 0, i = 0, len = sizeof(s) - 1;
	struct sbuf *b = sbuf_new(0, 64);

	while (off < len) {
		size_t before = off;
		uint32_t cp = uni_next(s, len, &off);

		ck_assert_uint_gt(off, before);
		ck_assert_uint_lt(i, sizeof(want) / sizeof(want[0]));
		ck_assert_uint_eq(cp, want[i]);
		i++;
	}
	ck_assert_uint_eq(i, sizeof(want) / sizeof(want[0]));
	ck_assert_uint_eq(off, len);
	ck_assert_int_eq(uni_put(b, 0x1f600), 0);
	ck_assert_int_eq(uni_put(b, 0xd800), 0);
	ck_assert_int_eq(uni_put(b, 'x'), 0);
	ck_assert_str_eq(sbuf_str(b), "\xf0\x9f\x98\x80\xef\xbf\xbdx");
	sbuf_free(&b);
}
END_TEST

/* ---- names -------------------------------------------------------- */

struct name_row {
	const char	*name;
	const char	*rule;		/* expected rule, or NULL for none */
	const char	*detail;	/* substring of its detail, or NULL */
};

static const struct name_row name_rows[] = {
	{ "invoice.exe", "attachment.blocked_extension",
	    "invoice.exe: extension .exe is blocked" },
	{ "INVOICE.EXE", "attachment.blocked_extension", ".exe is blocked" },
	{ "Photo.Js", "attachment.blocked_extension", ".js is blocked" },
	{ "manual.one", "attachment.blocked_extension", ".one is blocked" },
	/* Full-width ．ｅｘｅ and ＥＸＥ. */
	{ "invoice\xef\xbc\x8e\xef\xbd\x85\xef\xbd\x98\xef\xbd\x85",
	    "attachment.blocked_extension", "read as 'invoice.exe'" },
	{ "a.\xef\xbc\xa5\xef\xbc\xb8\xef\xbc\xa5",
	    "attachment.blocked_extension", ".exe is blocked" },
	/* U+3000 before the dot. */
	{ "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8\xe3\x80\x80.exe",
	    "attachment.blocked_extension", ".exe is blocked" },
	/* Windows drops trailing dots and spaces. */
	{ "a.exe.", "attachment.blocked_extension", ".exe is blocked" },
	{ "a.exe. ", "attachment.blocked_extension", ".exe is blocked" },
	{ "a.exe . . .", "attachment.blocked_extension", ".exe is blocked" },
	{ "a.exe\xe3\x80\x80", "attachment.blocked_extension", ".exe" },
	{ ".exe", "attachment.blocked_extension", ".exe is blocked" },
	{ "dir/sub\\x.scr", "attachment.blocked_extension", ".scr is blocked" },
	/* Alternate data streams. */
	{ "a.txt:evil.exe", "attachment.blocked_extension", ".exe is blocked" },
	{ "evil.exe:Zone.Identifier", "attachment.blocked_extension",
	    "extension .exe (of the file part before ':') is blocked" },
	/* RTLO: shows as invoiceexe.jpg. */
	{ "invoice\xe2\x80\xaegpj.exe", "attachment.bidi_control",
	    "shows as 'invoiceexe.jpg'; real extension .exe" },
	{ "invoice\xe2\x80\xaegpj.exe", "attachment.bidi_control",
	    "\\u{202E}" },
	{ "invoice\xe2\x80\xaegpj.exe", "attachment.blocked_extension", NULL },
	{ "report\xe2\x81\xa6" "fdp.scr", "attachment.bidi_control", "U+2066" },
	{ "a\xe2\x80\x8f.pdf", "attachment.bidi_control", "U+200F" },
	{ "a\xd8\x9c.pdf", "attachment.bidi_control", "U+061C" },
	/* Zero-width characters. */
	{ "report\xe2\x80\x8b.pdf", "attachment.zero_width", "U+200B" },
	{ "ex\xc2\xad" "ample.pdf", "attachment.zero_width", "U+00AD" },
	{ "a\xef\xbb\xbf.pdf", "attachment.zero_width", "U+FEFF" },
	{ "a.ex\xe2\x80\x8d" "e", "attachment.zero_width", "read as 'a.exe'" },
	{ "a.ex\xe2\x80\x8d" "e", "attachment.blocked_extension", NULL },
	/* Double extensions and padding. */
	{ "invoice.pdf.exe", "attachment.double_extension",
	    "looks like .pdf but its real extension is .exe" },
	{ "invoice.PDF.scr", "attachment.double_extension", ".pdf" },
	{ "photo.jpg.lnk", "attachment.double_extension", ".lnk" },
	{ "memo.docx.wsf", "attachment.double_extension", ".wsf" },
	{ "invoice.pdf      .exe", "attachment.double_extension",
	    "pushed out of sight by padding" },
	{ "scan______.scr", "attachment.double_extension",
	    "behind 6 padding characters" },
	{ "invoice.pdf___.zip", "attachment.double_extension", ".zip" },
	{ "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8\xe3\x80\x80\xe3\x80\x80"
	    "\xe3\x80\x80.exe", "attachment.double_extension", "padding" },
	/* Invalid UTF-8 does not hide the extension. */
	{ "\xff\xfe.exe", "attachment.blocked_extension", ".exe is blocked" },
};

/* Names that must not fire any name rule. */
static const char *const benign_names[] = {
	"\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8.pdf",	/* 請求書.pdf */
	/* 検査結果（2026年11月）.xlsx */
	"\xe6\xa4\x9c\xe6\x9f\xbb\xe7\xb5\x90\xe6\x9e\x9c\xef\xbc\x88" "2026"
	    "\xe5\xb9\xb4" "11" "\xe6\x9c\x88\xef\xbc\x89.xlsx",
	"\xe7\xb4\xb9\xe4\xbb\x8b\xe7\x8a\xb6.docx",	/* 紹介状.docx */
	/* 見積書　第２版.pdf (U+3000, full-width 2) */
	"\xe8\xa6\x8b\xe7\xa9\x8d\xe6\x9b\xb8\xe3\x80\x80\xe7\xac\xac\xef\xbc"
	    "\x92\xe7\x89\x88.pdf",
	"photo.JPG", "archive.tar.gz", "v1.2 minutes.docx", "report.pdf.zip",
	"\xe8\xb3\x87\xe6\x96\x99.pdf.zip", "scan 2026-11-04.tif",
	"CT_series_001.dcm", "invite.ics", "smime.p7s", "a___b.pdf",
	"lab results.csv", "noext", "",
};

START_TEST(test_names_table)
{
	const struct name_row *row = &name_rows[_i];
	const struct finding *f;

	names_check(msg, "2", row->name);
	f = find(row->rule);
	ck_assert_msg(f != NULL, "row %d: %s did not fire", _i, row->rule);
	ck_assert_str_eq(f->where, "2");
	if (row->detail != NULL)
		ck_assert_msg(strstr(f->detail, row->detail) != NULL,
		    "row %d: detail '%s' lacks '%s'", _i, f->detail,
		    row->detail);
}
END_TEST

START_TEST(test_names_benign)
{
	names_check(msg, "3", benign_names[_i]);
	ck_assert_msg(msg->nfindings == 0, "'%s' fired %s: %s",
	    benign_names[_i], msg->findings[0].rule, msg->findings[0].detail);
}
END_TEST

START_TEST(test_names_no_false_double)
{
	/* Blocked without an inner document extension: not double. */
	names_check(msg, "2", "report.2024.exe");
	ck_assert_uint_eq(count("attachment.blocked_extension"), 1);
	ck_assert_uint_eq(count("attachment.double_extension"), 0);
	names_check(msg, "2", "invoice.pdf");
	ck_assert_uint_eq(msg->nfindings, 1);
}
END_TEST

START_TEST(test_names_long)
{
	size_t n = 5000;
	char *s = malloc(n + 5);

	/* Longer than max_name_length: the tail (the extension) counts. */
	memset(s, 'a', n);
	memcpy(s + n, ".exe", 5);
	names_check(msg, "2", s);
	ck_assert_ptr_nonnull(find("attachment.blocked_extension"));
	/* Every byte a bidi control: bounded work, no crash. */
	for (size_t i = 0; i + 3 <= n; i += 3)
		memcpy(s + i, "\xe2\x80\xae", 3);
	memcpy(s + n - n % 3, ".exe", 5);
	names_check(msg, "3", s);
	ck_assert_ptr_nonnull(find("attachment.bidi_control"));
	free(s);
}
END_TEST

START_TEST(test_names_extension)
{
	char ext[NAMES_EXT_MAX + 1];

	ck_assert_int_eq(names_extension("Report.PDF ", ext, sizeof(ext)), 1);
	ck_assert_str_eq(ext, "pdf");
	ck_assert_int_eq(names_extension("\xef\xbd\x81.\xef\xbc\xb0\xef\xbc"
	    "\xa4\xef\xbc\xa6", ext, sizeof(ext)), 1);
	ck_assert_str_eq(ext, "pdf");
	ck_assert_int_eq(names_extension("noext", ext, sizeof(ext)), 0);
	ck_assert_str_eq(ext, "");
	ck_assert_int_eq(names_extension("a.", ext, sizeof(ext)), 0);
	ck_assert_int_eq(names_extension("dir.d/file", ext, sizeof(ext)), 0);
	ck_assert_int_eq(names_extension("x.abcdefghijklmnopqrstuvwxyz0123456",
	    ext, sizeof(ext)), 0);
	ck_assert_int_eq(names_extension("x.pdf", ext, 3), 0);
	ck_assert_int_eq(names_extension("x.pdf", ext, 4), 1);
	ck_assert_int_eq(names_is_executable_ext("exe"), 1);
	ck_assert_int_eq(names_is_executable_ext("pdf"), 0);
}
END_TEST

START_TEST(test_names_fold)
{
	struct sbuf *b = sbuf_new(0, 1024);

	ck_assert_int_eq(names_fold("\xef\xbc\xa9nvoice\xe2\x80\x8b.PDF. . ",
	    0, b), 0);
	ck_assert_str_eq(sbuf_str(b), "Invoice.PDF");
	sbuf_reset(b);
	ck_assert_int_eq(names_fold("abcdef.exe", 4, b), 1);
	ck_assert_str_eq(sbuf_str(b), ".exe");
	sbuf_free(&b);
}
END_TEST

/* ---- analyse ------------------------------------------------------ */

static void
part_init(struct mime_part *p, const char *where, enum mime_kind kind,
    const char *ctype, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->where = where;
	p->kind = kind;
	p->ctype = ctype;
	p->cte = "base64";
	if (name != NULL) {
		p->names[0] = name;
		p->nnames = 1;
	}
}

/* Run one part through analyse, fed in pieces of step bytes. */
static void
run_part(const struct mime_part *p, const void *data, size_t len,
    size_t step)
{
	struct analyse *a = analyse_begin(msg, p);
	const char *err = NULL;

	ck_assert_ptr_nonnull(a);
	for (size_t off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;

		ck_assert_int_eq(analyse_data(a, (const unsigned char *)data +
		    off, n, &err), 0);
	}
	ck_assert_int_eq(analyse_end(&a, &err), 0);
	ck_assert_ptr_null(a);
}

static size_t
make_pe(unsigned char *b, size_t cap)
{
	memset(b, 0, cap);
	b[0] = 'M', b[1] = 'Z', b[0x3c] = 0x80;
	memcpy(b + 0x80, "PE\0\0\x4c\x01", 6);
	b[0x98] = 0x0b, b[0x99] = 0x01;
	return cap;
}

START_TEST(test_analyse_report)
{
	struct mime_part p;
	const struct part_report *r;

	part_init(&p, "2", MIME_LEAF, "text/plain",
	    "\xef\xbd\x81\xef\xbd\x82\xef\xbd\x83.txt");	/* ａｂｃ.txt */
	run_part(&p, "abc", 3, 3);
	ck_assert_uint_eq(msg->nparts, 1);
	r = &msg->parts[0];
	ck_assert_str_eq(r->where, "2");
	ck_assert_str_eq(r->name, "abc.txt");
	ck_assert_str_eq(r->declared, "text/plain");
	ck_assert_str_eq(r->detected, "text/plain");
	ck_assert_uint_eq(r->size, 3);
	ck_assert_str_eq(r->sha256, abc_sha256);
	/* sha256 of "abc" is on the list. */
	ck_assert_ptr_nonnull(find("attachment.hash_blocklisted"));
	ck_assert_ptr_nonnull(strstr(
	    find("attachment.hash_blocklisted")->detail, abc_sha256));
	ck_assert_ptr_null(find("attachment.type_mismatch"));
}
END_TEST

START_TEST(test_analyse_chunking)
{
	static const size_t steps[] = { 1, 7, 4096, 1 << 20 };
	size_t len = 10000;
	unsigned char *d = malloc(len);
	struct hash_digests dig;
	struct mime_part p;
	const char *err;

	for (size_t i = 0; i < len; i++)
		d[i] = (unsigned char)(i * 7 + 1);
	ck_assert_int_eq(hash_buffer(d, len, &dig, &err), 0);
	for (size_t s = 0; s < 4; s++) {
		part_init(&p, "3", MIME_LEAF, "application/octet-stream",
		    "blob.bin");
		run_part(&p, d, len, steps[s]);
		ck_assert_uint_eq(msg->nparts, s + 1);
		ck_assert_str_eq(msg->parts[s].sha256, dig.sha256);
		ck_assert_uint_eq(msg->parts[s].size, len);
		ck_assert_str_eq(msg->parts[s].detected,
		    msg->parts[0].detected);
	}
	free(d);
}
END_TEST

START_TEST(test_analyse_md5_hit)
{
	struct mime_part p;

	part_init(&p, "2", MIME_LEAF, "application/octet-stream", NULL);
	run_part(&p, "evil", 4, 4);
	ck_assert_ptr_nonnull(find("attachment.hash_blocklisted"));
	ck_assert_ptr_nonnull(strstr(
	    find("attachment.hash_blocklisted")->detail,
	    "md5 4034a346ccee15292d823416f7510a2f"));
}
END_TEST

START_TEST(test_analyse_part_size)
{
	unsigned char d[100];
	struct hash_digests dig;
	struct mime_part p;
	const struct finding *f;
	const char *err;

	pol->lim.part_size = 16;
	memset(d, 'x', sizeof(d));
	ck_assert_int_eq(hash_buffer(d, sizeof(d), &dig, &err), 0);
	part_init(&p, "1", MIME_LEAF, "text/plain", NULL);
	run_part(&p, d, sizeof(d), 7);
	f = find("limit.part_size");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->detail,
	    "part is 100 bytes, limit 16; examined the first 16");
	ck_assert_uint_eq(msg->parts[0].size, 100);
	ck_assert_str_eq(msg->parts[0].sha256, dig.sha256);
	/* Exactly at the limit is fine. */
	msgctx_free(&msg);
	msg = msgctx_new(pol);
	run_part(&p, d, 16, 16);
	ck_assert_ptr_null(find("limit.part_size"));
}
END_TEST

START_TEST(test_analyse_executable)
{
	unsigned char pe[0x200];
	struct mime_part p;
	const struct finding *f;

	make_pe(pe, sizeof(pe));
	part_init(&p, "2", MIME_LEAF, "application/pdf", "invoice.pdf");
	run_part(&p, pe, sizeof(pe), 64);
	f = find("attachment.executable");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->detail, "PE32 executable"));
	f = find("attachment.type_mismatch");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->detail, "name says .pdf and header "
	    "says application/pdf, but the content is application/x-dosexec"));
	ck_assert_str_eq(msg->parts[0].detected, "application/x-dosexec");
}
END_TEST

START_TEST(test_analyse_alt_type)
{
	unsigned char pe[0x200];
	struct mime_part p;

	make_pe(pe, sizeof(pe));
	part_init(&p, "2", MIME_LEAF, "application/octet-stream", NULL);
	p.ctype_alt = "image/png";
	run_part(&p, pe, sizeof(pe), 512);
	ck_assert_ptr_nonnull(find("attachment.type_mismatch"));
	ck_assert_ptr_nonnull(strstr(find("attachment.type_mismatch")->detail,
	    "header says image/png"));
}
END_TEST

START_TEST(test_analyse_container)
{
	struct mime_part p;

	part_init(&p, "1", MIME_MULTIPART, "multipart/mixed", "x.exe");
	run_part(&p, NULL, 0, 1);
	ck_assert_ptr_nonnull(find("attachment.blocked_extension"));
	ck_assert_uint_eq(msg->nparts, 0);
	part_init(&p, "2", MIME_MESSAGE, "message/rfc822", NULL);
	run_part(&p, NULL, 0, 1);
	ck_assert_uint_eq(msg->nparts, 0);
}
END_TEST

START_TEST(test_analyse_empty)
{
	struct mime_part p;

	part_init(&p, "2", MIME_LEAF, "application/pdf", "empty.pdf");
	run_part(&p, NULL, 0, 1);
	ck_assert_uint_eq(msg->nparts, 1);
	ck_assert_str_eq(msg->parts[0].detected, "application/x-empty");
	ck_assert_str_eq(msg->parts[0].sha256, "e3b0c44298fc1c149afbf4c8996fb9"
	    "2427ae41e4649b934ca495991b7852b855");
	ck_assert_uint_eq(msg->nfindings, 0);
}
END_TEST

START_TEST(test_analyse_embedded)
{
	unsigned char pe[0x200];
	struct mime_part p;

	/* uuencoded inside text/plain: the text's type is not a claim. */
	make_pe(pe, sizeof(pe));
	part_init(&p, "1/setup.exe", MIME_EMBEDDED, "text/plain", "setup.exe");
	run_part(&p, pe, sizeof(pe), 100);
	ck_assert_ptr_nonnull(find("attachment.executable"));
	ck_assert_ptr_nonnull(find("attachment.blocked_extension"));
	ck_assert_ptr_null(find("attachment.type_mismatch"));
	ck_assert_ptr_null(msg->parts[0].declared);
}
END_TEST

START_TEST(test_analyse_benign)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n";
	static const char ics[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "METHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
	    "END:VCALENDAR\r\n";
	static const char body[] = "\x1b$B@A5aO:$N$408Fb\x1b(B\r\n";
	struct mime_part p;

	part_init(&p, "2", MIME_LEAF, "application/pdf",
	    "\xe6\xa4\x9c\xe6\x9f\xbb\xe7\xb5\x90\xe6\x9e\x9c.pdf");
	run_part(&p, pdf, sizeof(pdf) - 1, 5);
	part_init(&p, "3", MIME_LEAF, "text/calendar", "invite.ics");
	run_part(&p, ics, sizeof(ics) - 1, 4096);
	part_init(&p, "1", MIME_LEAF, "text/plain", NULL);
	p.charset = "iso-2022-jp";
	run_part(&p, body, sizeof(body) - 1, 3);
	ck_assert_msg(msg->nfindings == 0, "%s: %s", msg->findings[0].rule,
	    msg->findings[0].detail);
	ck_assert_uint_eq(msg->nparts, 3);
	ck_assert_str_eq(msg->parts[0].detected, "application/pdf");
	ck_assert_str_eq(msg->parts[1].detected, "text/calendar");
	ck_assert_str_eq(msg->parts[2].detected, "text/plain");
}
END_TEST

START_TEST(test_analyse_object)
{
	unsigned char pe[0x200];
	const char *names[] = { "b.exe" };
	const char *err = NULL;

	make_pe(pe, sizeof(pe));
	ck_assert_int_eq(analyse_object(msg, "2/a.zip/b.exe", names, 1, NULL,
	    pe, sizeof(pe), 1, &err), 0);
	ck_assert_str_eq(find("attachment.executable")->where,
	    "2/a.zip/b.exe");
	ck_assert_ptr_nonnull(find("attachment.blocked_extension"));
	ck_assert_uint_eq(msg->nparts, 1);
	ck_assert_str_eq(msg->parts[0].name, "b.exe");
	ck_assert_uint_eq(msg->parts[0].size, sizeof(pe));
	ck_assert_int_eq(analyse_object(msg, "2/a.zip/c", NULL, 0, NULL,
	    (const unsigned char *)"abc", 3, 1, &err), 0);
	ck_assert_ptr_null(msg->parts[1].name);
	ck_assert_str_eq(msg->parts[1].sha256, abc_sha256);
	ck_assert_ptr_nonnull(find("attachment.hash_blocklisted"));
}
END_TEST

static Suite *
names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc;

	tc = tcase_create("uni");
	tcase_add_test(tc, test_uni_nfkc);
	tcase_add_test(tc, test_uni_limits);
	tcase_add_test(tc, test_uni_visual);
	tcase_add_test(tc, test_uni_next);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_names_table, 0,
	    (int)(sizeof(name_rows) / sizeof(name_rows[0])));
	tcase_add_loop_test(tc, test_names_benign, 0,
	    (int)(sizeof(benign_names) / sizeof(benign_names[0])));
	tcase_add_test(tc, test_names_no_false_double);
	tcase_add_test(tc, test_names_long);
	tcase_add_test(tc, test_names_extension);
	tcase_add_test(tc, test_names_fold);
	suite_add_tcase(s, tc);

	tc = tcase_create("analyse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_analyse_report);
	tcase_add_test(tc, test_analyse_chunking);
	tcase_add_test(tc, test_analyse_md5_hit);
	tcase_add_test(tc, test_analyse_executable);
	tcase_add_test(tc, test_analyse_alt_type);
	tcase_add_test(tc, test_analyse_container);
	tcase_add_test(tc, test_analyse_empty);
	tcase_add_test(tc, test_analyse_embedded);
	tcase_add_test(tc, test_analyse_benign);
	tcase_add_test(tc, test_analyse_object);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_analyse_part_size);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(names_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
