/*
 * check_unpack: archives and disk images end to end (analyse_object ->
 * content -> unpack -> analyse_object for members).
 *
 * Zips, LZH, RAR4 and RAR5 archives are built here byte by byte (stored
 * members, so the bytes are under the test's control: name confusion,
 * CP932 names, encryption flags, hostile directories); the zip bomb is
 * written with libarchive's writer.  What only real tools make (7z with
 * encrypted headers, AES zips, ISO 9660, CAB) comes from the fixtures in
 * tests/data/unpack/ (made by make.sh there).  Every executable is an
 * inert PE header without code.
 */
#include <archive.h>
#include <archive_entry.h>
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

#define UNPACK_TEST_BLOCK	(64 * 1024)	/* unpack reads this much at a time */

/* ---- helpers --------------------------------------------------------- */

static size_t
pe_stub(unsigned char *p)
{
	memset(p, 0, 512);
	p[0] = 'M';
	p[1] = 'Z';
	p[0x3c] = 0x80;
	memcpy(p + 0x80, "PE\0\0", 4);
	p[0x84] = 0x4c;
	p[0x85] = 0x01;
	p[0x94] = 0xe0;
	p[0x96] = 0x02;
	p[0x98] = 0x0b;
	p[0x99] = 0x01;
	return 512;
}

static const char pdf_doc[] =
    "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n";

/* Judge one top-level part "1" named name; returns the context. */
static struct msgctx *
scan_obj(const char *name, const void *data, size_t len)
{
	struct msgctx *m = msgctx_new(pol);
	const char *names[1] = { name }, *err = NULL;

	ck_assert_int_eq(analyse_object(m, "1", names, 1, NULL, data, len, 0,
	    &err), 0);
	verdict_compute(m);
	return m;
}

static const struct part_report *
part(const struct msgctx *m, const char *where)
{
	size_t i;

	for (i = 0; i < m->nparts; i++)
		if (strcmp(m->parts[i].where, where) == 0)
			return &m->parts[i];
	return NULL;
}

static uint32_t
crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffff;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320 & (0u - (c & 1)));
	}
	return ~c;
}

static void
put16(struct sbuf *b, unsigned v)
{
	unsigned char x[2] = { (unsigned char)v, (unsigned char)(v >> 8) };

	sbuf_append(b, x, 2);
}

static void
put32(struct sbuf *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

static unsigned char *
load(const char *file, size_t *len_r)
{
	return checkutil_load("unpack", file, len_r);
}

/* ---- a stored-zip writer: any names, any flags ----------------------- */

struct zw {
	struct sbuf	out, cd;
	unsigned	n;
};

static void
zw_init(struct zw *z)
{
	sbuf_init(&z->out, 0);
	sbuf_init(&z->cd, 0);
	z->n = 0;
}

/* Member with central name cname, local name lname (NULL: the same). */
static void
zw_add(struct zw *z, const char *cname, size_t cnlen, const char *lname,
    size_t lnlen, unsigned flags, const void *data, size_t len)
{
	uint32_t crc = crc32(data, len), off = (uint32_t)z->out.len;

	if (lname == NULL) {
		lname = cname;
		lnlen = cnlen;
	}
	sbuf_append(&z->out, "PK\3\4", 4);
	put16(&z->out, 20);
	put16(&z->out, flags);
	put16(&z->out, 0);		/* stored */
	put32(&z->out, 0);		/* time, date */
	put32(&z->out, crc);
	put32(&z->out, (uint32_t)len);
	put32(&z->out, (uint32_t)len);
	put16(&z->out, (unsigned)lnlen);
	put16(&z->out, 0);
	sbuf_append(&z->out, lname, lnlen);
	sbuf_append(&z->out, data, len);
	sbuf_append(&z->cd, "PK\1\2", 4);
	put16(&z->cd, 20);
	put16(&z->cd, 20);
	put16(&z->cd, flags);
	put16(&z->cd, 0);
	put32(&z->cd, 0);
	put32(&z->cd, crc);
	put32(&z->cd, (uint32_t)len);
	put32(&z->cd, (uint32_t)len);
	put16(&z->cd, (unsigned)cnlen);
	put32(&z->cd, 0);		/* extra, comment length */
	put32(&z->cd, 0);		/* disk, internal attributes */
	put32(&z->cd, 0);		/* external attributes */
	put32(&z->cd, off);
	sbuf_append(&z->cd, cname, cnlen);
	z->n++;
}

static void
zw_file(struct zw *z, const char *name, const void *data, size_t len)
{
	zw_add(z, name, strlen(name), NULL, 0, 0, data, len);
}

/* Finish: central directory and end record; returns the zip (owned). */
static unsigned char *
zw_end(struct zw *z, size_t *len_r)
{
	uint32_t off = (uint32_t)z->out.len;

	sbuf_append(&z->out, z->cd.data, z->cd.len);
	sbuf_append(&z->out, "PK\5\6", 4);
	put32(&z->out, 0);
	put16(&z->out, z->n > 0xffff ? 0xffff : z->n);
	put16(&z->out, z->n > 0xffff ? 0xffff : z->n);
	put32(&z->out, (uint32_t)z->cd.len);
	put32(&z->out, off);
	put16(&z->out, 0);
	sbuf_release(&z->cd);
	return (unsigned char *)sbuf_steal(&z->out, len_r);
}

static unsigned char *
zip1(const char *name, const void *data, size_t len, size_t *len_r)
{
	struct zw z;

	zw_init(&z);
	zw_file(&z, name, data, len);
	return zw_end(&z, len_r);
}

/* ---- basic: formats and recursion ------------------------------------ */

START_TEST(test_zip_pdf_accept)
{
	struct zw z;
	unsigned char *zip;
	size_t len;
	struct msgctx *m;

	zw_init(&z);
	zw_file(&z, "report.pdf", pdf_doc, sizeof(pdf_doc) - 1);
	zw_file(&z, "docs/results.pdf", pdf_doc, sizeof(pdf_doc) - 1);
	zip = zw_end(&z, &len);
	m = scan_obj("docs.zip", zip, len);
	if (m->nfindings > 0)
		dump(m);
	ck_assert_uint_eq(m->nfindings, 0);
	ck_assert_int_eq(m->verdict, VERDICT_ACCEPT);
	ck_assert_ptr_nonnull(part(m, "1/docs.zip/report.pdf"));
	ck_assert_str_eq(part(m, "1/docs.zip/report.pdf")->detected,
	    "application/pdf");
	ck_assert_ptr_nonnull(part(m, "1/docs.zip/docs/results.pdf"));
	msgctx_free(&m);
	free(zip);
}
END_TEST

START_TEST(test_zip_exe)
{
	unsigned char pe[512], *zip;
	size_t len;
	struct msgctx *m;

	zip = zip1("invoice.exe", pe, pe_stub(pe), &len);
	m = scan_obj("a.zip", zip, len);
	ck_has(m, "attachment.blocked_extension", "1/a.zip/invoice.exe");
	ck_has(m, "attachment.executable", "1/a.zip/invoice.exe");
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	ck_hasnt(m, "archive.corrupt");
	msgctx_free(&m);
	free(zip);
}
END_TEST

START_TEST(test_nested)
{
	unsigned char pe[512], *in, *mid, *out;
	size_t n1, n2, n3;
	struct msgctx *m;

	in = zip1("setup.exe", pe, pe_stub(pe), &n1);
	mid = zip1("inner.zip", in, n1, &n2);
	out = zip1("middle.zip", mid, n2, &n3);
	m = scan_obj("outer.zip", out, n3);
	ck_has(m, "attachment.executable",
	    "1/outer.zip/middle.zip/inner.zip/setup.exe");
	ck_hasnt(m, "limit.archive_depth");
	msgctx_free(&m);
	free(in);
	free(mid);
	free(out);
}
END_TEST

/* Fixtures made by real tools: each holds invoice.exe (a PE stub). */
START_TEST(test_fixture_formats)
{
	static const char *const files[] = { "invoice.tar.gz",
	    "invoice.cab", "invoice.exe.gz", "invoice.exe.bz2",
	    "invoice.exe.xz" };
	static const char *const wants[] = {
	    "1/invoice.tar.gz/invoice.exe", "1/invoice.cab/invoice.exe",
	    "1/invoice.exe.gz/invoice.exe", "1/invoice.exe.bz2/invoice.exe",
	    "1/invoice.exe.xz/invoice.exe" };
	const char *f = files[_i], *w = wants[_i];
	unsigned char *buf;
	size_t len;
	struct msgctx *m;

	buf = load(f, &len);
	m = scan_obj(f, buf, len);
	ck_has(m, "attachment.executable", w);
	ck_has(m, "attachment.blocked_extension", w);
	ck_hasnt(m, "archive.corrupt");
	msgctx_free(&m);
	free(buf);
}
END_TEST

START_TEST(test_7z_plain)
{
	unsigned char *buf;
	size_t len;
	struct msgctx *m;

	buf = load("plain.7z", &len);
	m = scan_obj("plain.7z", buf, len);
	ck_assert_uint_eq(m->nfindings, 0);
	ck_assert_ptr_nonnull(part(m, "1/plain.7z/report.pdf"));
	ck_assert_str_eq(part(m, "1/plain.7z/report.pdf")->detected,
	    "application/pdf");
	msgctx_free(&m);
	free(buf);
}
END_TEST

START_TEST(test_iso)
{
	unsigned char *buf;
	size_t len;
	struct msgctx *m;

	buf = load("docs.iso", &len);
	m = scan_obj("docs.img", buf, len);
	ck_has(m, "attachment.disk_image", "1");
	ck_has(m, "attachment.executable", "1/docs.img/invoice.exe");
	ck_assert_ptr_nonnull(part(m, "1/docs.img/report.pdf"));
	ck_hasnt(m, "archive.corrupt");
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	msgctx_free(&m);
	free(buf);
}
END_TEST

/* A VHD footer ("conectix") makes a disk image we report but cannot list. */
START_TEST(test_vhd)
{
	unsigned char img[4096];
	struct msgctx *m;

	memset(img, 0, sizeof(img));
	memcpy(img + sizeof(img) - 512, "conectix", 8);
	img[sizeof(img) - 512 + 60] = 0;
	img[sizeof(img) - 512 + 63] = 2;	/* fixed disk */
	m = scan_obj("disk.vhd", img, sizeof(img));
	if (find(m, "attachment.disk_image", "1") == NULL)
		fprintf(stderr, "vhd not recognised by ftype: skipped\n");
	else
		ck_hasnt(m, "archive.corrupt");
	msgctx_free(&m);
}
END_TEST

/* LHA level-0 header (-lh0-, stored), name in CP932 as Japanese LHA
 * writes it. */
static unsigned char *
lzh1(const char *name, size_t nlen, const unsigned char *data, size_t len,
    size_t *len_r)
{
	struct sbuf b;
	unsigned crc = 0, sum = 0;
	size_t i, hstart;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= data[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xa001 & (0u - (crc & 1)));
	}
	sbuf_init(&b, 0);
	sbuf_putc(&b, (int)(22 + nlen));	/* header size */
	sbuf_putc(&b, 0);			/* checksum, below */
	hstart = b.len;
	sbuf_append(&b, "-lh0-", 5);
	put32(&b, (uint32_t)len);
	put32(&b, (uint32_t)len);
	put32(&b, 0x58210000);			/* 2024-01-01 DOS time */
	sbuf_putc(&b, 0x20);
	sbuf_putc(&b, 0);			/* level 0 */
	sbuf_putc(&b, (int)nlen);
	sbuf_append(&b, name, nlen);
	put16(&b, crc & 0xffff);
	for (i = hstart; i < b.len; i++)
		sum += b.data[i];
	b.data[1] = (unsigned char)sum;
	sbuf_append(&b, data, len);
	sbuf_putc(&b, 0);			/* end of archive */
	return (unsigned char *)sbuf_steal(&b, len_r);
}

START_TEST(test_lzh)
{
	/* 請求書.exe in CP932 */
	static const char name[] = "\x90\xbf\x8b\x81\x8f\x91.exe";
	unsigned char pe[512], *lzh;
	size_t len;
	struct msgctx *m;

	lzh = lzh1(name, sizeof(name) - 1, pe, pe_stub(pe), &len);
	m = scan_obj("doc.lzh", lzh, len);
	ck_has(m, "attachment.executable", NULL);
	ck_has(m, "attachment.blocked_extension",
	    "1/doc.lzh/\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8.exe");
	ck_hasnt(m, "archive.corrupt");
	msgctx_free(&m);
	free(lzh);
}
END_TEST

/* A tar whose last member is a stored zip: the inner zip's end record is
 * near the end of the tar, and must not be read as the tar's own. */
START_TEST(test_tar_holding_zip)
{
	unsigned char pe[512], *zip, *tar = malloc(1u << 20);
	size_t zlen, used = 0;
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct msgctx *m;

	zip = zip1("invoice.exe", pe, pe_stub(pe), &zlen);
	ck_assert_int_eq(archive_write_set_format_ustar(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_memory(a, tar, 1u << 20, &used),
	    ARCHIVE_OK);
	archive_entry_set_pathname(e, "inner.zip");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (int64_t)zlen);
	ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_data(a, zip, zlen), (la_ssize_t)zlen);
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(e);
	m = scan_obj("files.tar", tar, used);
	ck_hasnt(m, "archive.corrupt");
	ck_hasnt(m, "archive.name_mismatch");
	ck_has(m, "attachment.executable", "1/files.tar/inner.zip/invoice.exe");
	msgctx_free(&m);
	free(zip);
	free(tar);
}
END_TEST

/* ---- encryption -------------------------------------------------------- */

START_TEST(test_zipcrypto_fixture)
{
	unsigned char *buf;
	size_t len;
	struct msgctx *m;
	const struct finding *f;

	buf = load("zipcrypto.zip", &len);
	m = scan_obj("zipcrypto.zip", buf, len);
	f = find(m, "archive.encrypted", "1");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->detail, "ZipCrypto"));
	ck_assert_ptr_nonnull(strstr(f->detail, "invoice.exe"));
	ck_has(m, "attachment.blocked_extension",
	    "1/zipcrypto.zip/invoice.exe");
	ck_hasnt(m, "attachment.executable");
	ck_hasnt(m, "archive.corrupt");
	ck_assert_ptr_nonnull(part(m, "1/zipcrypto.zip/invoice.exe"));
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	msgctx_free(&m);
	free(buf);
}
END_TEST

START_TEST(test_aes_zip)
{
	unsigned char *buf;
	size_t len;
	struct msgctx *m;
	const struct finding *f;

	buf = load("aes.zip", &len);
	m = scan_obj("aes.zip", buf, len);
	f = find(m, "archive.encrypted", "1");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->detail, "AES-256"));
	ck_assert_ptr_nonnull(strstr(f->detail, "report.pdf"));
	ck_hasnt(m, "archive.corrupt");
	msgctx_free(&m);
	free(buf);
}
END_TEST

START_TEST(test_7z_encrypted)
{
	unsigned char *buf;
	size_t len;
	struct msgctx *m;
	const struct finding *f;

	buf = load("data-enc.7z", &len);
	m = scan_obj("a.7z", buf, len);
	f = find(m, "archive.encrypted", "1");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->detail, "invoice.exe"));
	ck_has(m, "attachment.blocked_extension", "1/a.7z/invoice.exe");
	ck_hasnt(m, "archive.corrupt");
	msgctx_free(&m);
	free(buf);

	buf = load("header-enc.7z", &len);
	m = scan_obj("b.7z", buf, len);
	f = find(m, "archive.encrypted", "1");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->detail, "names are encrypted"));
	ck_hasnt(m, "archive.corrupt");
	msgctx_free(&m);
	free(buf);
}
END_TEST

/* Encryption flag set by hand in both headers (data is junk). */
START_TEST(test_zip_flag_encrypted)
{
	unsigned char junk[64], *zip;
	struct zw z;
	size_t len;
	struct msgctx *m;

	memset(junk, 0x5a, sizeof(junk));
	zw_init(&z);
	zw_add(&z, "a.js", 4, NULL, 0, 0x0001, junk, sizeof(junk));
	zw_add(&z, "b.txt", 5, NULL, 0, 0x0001, junk, sizeof(junk));
	zip = zw_end(&z, &len);
	m = scan_obj("p.zip", zip, len);
	ck_has(m, "archive.encrypted", "1");
	ck_assert_ptr_nonnull(strstr(find(m, "archive.encrypted",
	    "1")->detail, "2 encrypted members"));
	ck_has(m, "attachment.blocked_extension", "1/p.zip/a.js");
	ck_hasnt(m, "archive.corrupt");
	msgctx_free(&m);
	free(zip);
}
END_TEST

static void
vint(struct sbuf *b, uint64_t v)
{
	do {
		sbuf_putc(b, (int)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
		v >>= 7;
	} while (v > 0);
}

/* One RAR5 block: CRC32 over size vint and body. */
static void
rar5_block(struct sbuf *out, const struct sbuf *body)
{
	struct sbuf h;

	sbuf_init(&h, 0);
	vint(&h, body->len);
	sbuf_append(&h, body->data, body->len);
	put32(out, crc32(h.data, h.len));
	sbuf_append(out, h.data, h.len);
	sbuf_release(&h);
}

/* A RAR5 archive: a file (data encrypted when enc), or an archive
 * encryption header when hdr_enc (RAR 5.0 archive format, RARLAB). */
static unsigned char *
rar5(const char *name, int enc, int hdr_enc, size_t *len_r)
{
	struct sbuf out, b, x;
	unsigned char data[32];

	memset(data, 0xa5, sizeof(data));
	sbuf_init(&out, 0);
	sbuf_append(&out, "Rar!\x1a\x07\x01\x00", 8);
	sbuf_init(&b, 0);
	if (hdr_enc) {
		vint(&b, 4);		/* archive encryption header */
		vint(&b, 0);
		vint(&b, 0);		/* AES-256 */
		vint(&b, 0);		/* no check value */
		sbuf_putc(&b, 15);	/* KDF count */
		sbuf_append(&b, data, 16);	/* salt */
		rar5_block(&out, &b);
		sbuf_append(&out, data, sizeof(data));	/* ciphertext */
		sbuf_release(&b);
		return (unsigned char *)sbuf_steal(&out, len_r);
	}
	vint(&b, 1);			/* main archive header */
	vint(&b, 0);
	vint(&b, 0);
	rar5_block(&out, &b);
	sbuf_reset(&b);
	sbuf_init(&x, 0);
	if (enc) {			/* file encryption record */
		vint(&x, 1 + 1 + 1 + 1 + 16 + 16);
		vint(&x, 1);
		vint(&x, 0);		/* AES-256 */
		vint(&x, 0);		/* flags */
		sbuf_putc(&x, 15);
		sbuf_append(&x, data, 16);
		sbuf_append(&x, data, 16);
	}
	vint(&b, 2);			/* file header */
	vint(&b, (x.len > 0 ? 0x01 : 0) | 0x02);
	if (x.len > 0)
		vint(&b, x.len);
	vint(&b, sizeof(data));		/* data size */
	vint(&b, 0);			/* file flags */
	vint(&b, sizeof(data));		/* unpacked size */
	vint(&b, 0x20);			/* attributes */
	vint(&b, 0);			/* stored, version 0 */
	vint(&b, 0);			/* Windows */
	vint(&b, strlen(name));
	sbuf_puts(&b, name);
	sbuf_append(&b, x.data, x.len);
	rar5_block(&out, &b);
	sbuf_append(&out, data, sizeof(data));
	sbuf_reset(&b);
	vint(&b, 5);			/* end of archive */
	vint(&b, 0);
	vint(&b, 0);
	rar5_block(&out, &b);
	sbuf_release(&b);
	sbuf_release(&x);
	return (unsigned char *)sbuf_steal(&out, len_r);
}

START_TEST(test_rar5_encrypted)
{
	unsigned char *rar;
	size_t len;
	struct msgctx *m;
	const struct finding *f;

	rar = rar5("invoice.exe", 1, 0, &len);
	m = scan_obj("a.rar", rar, len);
	f = find(m, "archive.encrypted", "1");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->detail, "RAR5"));
	ck_assert_ptr_nonnull(strstr(f->detail, "invoice.exe"));
	ck_has(m, "attachment.blocked_extension", "1/a.rar/invoice.exe");
	ck_hasnt(m, "archive.corrupt");
	msgctx_free(&m);
	free(rar);

	rar = rar5("x", 0, 1, &len);
	m = scan_obj("b.rar", rar, len);
	f = find(m, "archive.encrypted", "1");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->detail, "names are encrypted"));
	ck_hasnt(m, "archive.corrupt");
	msgctx_free(&m);
	free(rar);
}
END_TEST

START_TEST(test_rar5_plain)
{
	unsigned char *rar;
	size_t len;
	struct msgctx *m;

	rar = rar5("notes.txt", 0, 0, &len);
	m = scan_obj("c.rar", rar, len);
	ck_hasnt(m, "archive.encrypted");
	ck_hasnt(m, "archive.corrupt");
	ck_assert_ptr_nonnull(part(m, "1/c.rar/notes.txt"));
	msgctx_free(&m);
	free(rar);
}
END_TEST

/* RAR4 with MHD_PASSWORD: block headers encrypted. */
START_TEST(test_rar4_header_encrypted)
{
	unsigned char rar[7 + 13 + 32];
	uint32_t crc;
	struct msgctx *m;

	memset(rar, 0x33, sizeof(rar));
	memcpy(rar, "Rar!\x1a\x07\x00", 7);
	rar[9] = 0x73;
	rar[10] = 0x80;			/* MHD_PASSWORD */
	rar[11] = 0x00;
	rar[12] = 13;
	rar[13] = 0;
	memset(rar + 14, 0, 6);
	crc = crc32(rar + 9, 11);
	rar[7] = crc & 0xff;
	rar[8] = (crc >> 8) & 0xff;
	m = scan_obj("d.rar", rar, sizeof(rar));
	ck_has(m, "archive.encrypted", "1");
	ck_hasnt(m, "archive.corrupt");
	msgctx_free(&m);
}
END_TEST

/* ---- names ------------------------------------------------------------- */

START_TEST(test_name_mismatch)
{
	unsigned char pe[512], *zip;
	struct zw z;
	size_t len;
	struct msgctx *m;
	const struct finding *f;

	zw_init(&z);
	zw_add(&z, "invoice.exe", 11, "invoice.txt", 11, 0, pe, pe_stub(pe));
	zip = zw_end(&z, &len);
	m = scan_obj("n.zip", zip, len);
	f = find(m, "archive.name_mismatch", "1/n.zip/invoice.exe");
	if (f == NULL)
		dump(m);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f->detail, "invoice.txt"));
	ck_has(m, "attachment.blocked_extension", "1/n.zip/invoice.exe");
	ck_has(m, "attachment.executable", "1/n.zip/invoice.exe");
	msgctx_free(&m);
	free(zip);
}
END_TEST

START_TEST(test_name_cp932)
{
	static const char sjis[] = "\x90\xbf\x8b\x81\x8f\x91.exe";
	static const char utf8[] = "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8.exe";
	unsigned char pe[512], *zip;
	struct zw z;
	size_t len;
	struct msgctx *m;
	char where[64];

	zw_init(&z);
	zw_add(&z, sjis, sizeof(sjis) - 1, NULL, 0, 0, pe, pe_stub(pe));
	zw_add(&z, "\xe5\xa0\xb1\xe5\x91\x8a.pdf", 10, NULL, 0, 0x0800,
	    pdf_doc, sizeof(pdf_doc) - 1);		/* 報告.pdf, UTF-8 flag */
	zip = zw_end(&z, &len);
	m = scan_obj("j.zip", zip, len);
	snprintf(where, sizeof(where), "1/j.zip/%s", utf8);
	ck_has(m, "attachment.blocked_extension", where);
	ck_has(m, "attachment.executable", where);
	ck_assert_ptr_nonnull(part(m, where));
	ck_assert_str_eq(part(m, where)->name, utf8);
	ck_assert_ptr_nonnull(part(m,
	    "1/j.zip/\xe5\xa0\xb1\xe5\x91\x8a.pdf"));
	ck_hasnt(m, "archive.name_mismatch");
	msgctx_free(&m);
	free(zip);
}
END_TEST

/* A NUL inside a member name must not hide what follows it. */
START_TEST(test_name_nul)
{
	static const char name[] = "report.pdf\0.exe";
	unsigned char pe[512], *zip;
	struct zw z;
	size_t len;
	struct msgctx *m;

	zw_init(&z);
	zw_add(&z, name, sizeof(name) - 1, NULL, 0, 0, pe, pe_stub(pe));
	zip = zw_end(&z, &len);
	m = scan_obj("z.zip", zip, len);
	ck_has(m, "attachment.blocked_extension", NULL);
	msgctx_free(&m);
	free(zip);
}
END_TEST

/* ---- limits ------------------------------------------------------------ */

/* 100 MiB of zeros deflated by libarchive's zip writer (about 100 KB). */
static unsigned char *
zip_bomb(size_t *len_r)
{
	size_t cap = 4u << 20, used = 0, chunk = 1u << 20, i;
	unsigned char *buf = malloc(cap), *zeros = calloc(1, chunk);
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();

	ck_assert_int_eq(archive_write_set_format_zip(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_memory(a, buf, cap, &used),
	    ARCHIVE_OK);
	archive_entry_set_pathname(e, "zeros.bin");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, 100 * (int64_t)chunk);
	ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(archive_write_data(a, zeros, chunk),
		    (la_ssize_t)chunk);
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(e);
	free(zeros);
	*len_r = used;
	return buf;
}

START_TEST(test_bomb_ratio)
{
	unsigned char *zip;
	size_t len;
	struct msgctx *m;
	struct timespec t0, t1;
	double ms;

	zip = zip_bomb(&len);
	ck_assert_uint_lt(len, 1u << 20);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	m = scan_obj("bomb.zip", zip, len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_has(m, "limit.expansion_ratio", "1");
	/* stopped once over 200 times the member's ~100 KB, never in full */
	ck_assert_uint_lt(m->expanded_bytes, 32u << 20);
	ck_assert_msg(ms < 5000, "took %.0f ms", ms);
	ck_assert_int_eq(m->verdict, VERDICT_QUARANTINE);
	msgctx_free(&m);
	free(zip);
}
END_TEST

/* The same bomb nested three deep stops at the inner one. */
START_TEST(test_bomb_nested)
{
	unsigned char *bomb, *z1, *z2;
	size_t n0, n1, n2;
	struct msgctx *m;

	bomb = zip_bomb(&n0);
	z1 = zip1("b.zip", bomb, n0, &n1);
	z2 = zip1("c.zip", z1, n1, &n2);
	m = scan_obj("d.zip", z2, n2);
	ck_has(m, "limit.expansion_ratio", "1/d.zip/c.zip/b.zip");
	ck_assert_uint_lt(m->expanded_bytes, 32u << 20);
	msgctx_free(&m);
	free(bomb);
	free(z1);
	free(z2);
}
END_TEST

START_TEST(test_expanded_size)
{
	unsigned char *blk = malloc(600 * 1024), *zip;
	struct zw z;
	size_t len, i;
	struct msgctx *m;
	uint32_t x = 1;

	for (i = 0; i < 600 * 1024; i++) {
		x = x * 1103515245u + 12345u;
		blk[i] = (unsigned char)(x >> 16);
	}
	pol->lim.expanded_size = 1u << 20;
	zw_init(&z);
	zw_file(&z, "a.bin", blk, 600 * 1024);
	zw_file(&z, "b.bin", blk, 600 * 1024);
	zw_file(&z, "c.bin", blk, 600 * 1024);
	zip = zw_end(&z, &len);
	m = scan_obj("big.zip", zip, len);
	ck_has(m, "limit.expanded_size", "1");
	ck_assert_ptr_null(part(m, "1/big.zip/c.bin"));
	ck_assert_uint_le(m->expanded_bytes, (1u << 20) + UNPACK_TEST_BLOCK);
	msgctx_free(&m);
	free(zip);
	free(blk);
}
END_TEST

START_TEST(test_entries)
{
	struct zw z;
	unsigned char *zip;
	size_t len, i;
	struct msgctx *m;
	char name[32];

	zw_init(&z);
	for (i = 0; i < 50000; i++) {
		snprintf(name, sizeof(name), "f%05zu.txt", i);
		zw_file(&z, name, "x", 1);
	}
	zip = zw_end(&z, &len);
	m = scan_obj("many.zip", zip, len);
	ck_has(m, "limit.archive_entries", "1");
	ck_assert_ptr_nonnull(strstr(find(m, "limit.archive_entries",
	    "1")->detail, "limit 10000"));
	/* part reports are capped by msgctx; what came before is there */
	ck_assert_ptr_nonnull(part(m, "1/many.zip/f00100.txt"));
	msgctx_free(&m);
	free(zip);
}
END_TEST

START_TEST(test_depth)
{
	unsigned char pe[512], *cur, *next;
	size_t len, nlen;
	struct msgctx *m;
	char name[16];
	int i;

	cur = zip1("deep.exe", pe, pe_stub(pe), &len);
	for (i = 7; i >= 1; i--) {
		snprintf(name, sizeof(name), "z%d.zip", i);
		next = zip1(name, cur, len, &nlen);
		free(cur);
		cur = next;
		len = nlen;
	}
	m = scan_obj("z0.zip", cur, len);
	/* depth 0 is the part; the zip at depth 6 is not opened */
	ck_has(m, "limit.archive_depth",
	    "1/z0.zip/z1.zip/z2.zip/z3.zip/z4.zip/z5.zip/z6.zip");
	ck_hasnt(m, "attachment.executable");
	msgctx_free(&m);
	free(cur);
}
END_TEST

START_TEST(test_member_part_size)
{
	unsigned char *blk = calloc(1, 100 * 1024), *zip;
	size_t len;
	struct msgctx *m;

	pe_stub(blk);
	pol->lim.part_size = 64 * 1024;
	zip = zip1("big.exe", blk, 100 * 1024, &len);
	m = scan_obj("p.zip", zip, len);
	ck_has(m, "limit.part_size", "1/p.zip/big.exe");
	ck_has(m, "attachment.executable", "1/p.zip/big.exe");
	msgctx_free(&m);
	free(zip);
	free(blk);
}
END_TEST

START_TEST(test_time)
{
	unsigned char *zip;
	size_t len;
	struct msgctx *m;
	const char *names[1] = { "t.zip" }, *err = NULL;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	zip = zip1("a.pdf", pdf_doc, sizeof(pdf_doc) - 1, &len);
	pol->lim.scan_time_ms = 1;
	m = msgctx_new(pol);
	nanosleep(&ts, NULL);
	ck_assert_int_eq(analyse_object(m, "1", names, 1, NULL, zip, len, 0,
	    &err), 0);
	ck_has(m, "limit.scan_time", "1");
	ck_assert_ptr_null(part(m, "1/t.zip/a.pdf"));
	msgctx_free(&m);
	free(zip);
}
END_TEST

/* ---- malformed --------------------------------------------------------- */

START_TEST(test_corrupt)
{
	unsigned char pe[512], *zip;
	size_t len;
	struct msgctx *m;

	zip = zip1("invoice.exe", pe, pe_stub(pe), &len);
	/* a central directory that is not one */
	zip[len - 22 - 46 - 11 + 3] = 0x7f;
	m = scan_obj("c.zip", zip, len);
	ck_has(m, "archive.corrupt", "1");
	/* still read by its local headers, as streaming unzippers do */
	ck_has(m, "attachment.executable", "1/c.zip/invoice.exe");
	msgctx_free(&m);
	/* cut in the middle of the member */
	m = scan_obj("c.zip", zip, 200);
	ck_has(m, "archive.corrupt", "1");
	msgctx_free(&m);
	free(zip);
}
END_TEST

/* Every single-byte change and every cut of small archives: no crash, no
 * leak, no hang (the sanitizer build makes this meaningful). */
START_TEST(test_mutations)
{
	unsigned char pe[512], *in, *zip, *rar, *lzh, *buf;
	size_t n1, len, rlen, llen, i, j;
	const unsigned char *src[3];
	size_t srclen[3];
	struct msgctx *m;

	in = zip1("a.exe", pe, pe_stub(pe), &n1);
	zip = zip1("in.zip", in, n1, &len);
	rar = rar5("invoice.exe", 1, 0, &rlen);
	lzh = lzh1("a.exe", 5, pe, 512, &llen);
	src[0] = zip;
	srclen[0] = len;
	src[1] = rar;
	srclen[1] = rlen;
	src[2] = lzh;
	srclen[2] = llen;
	for (j = 0; j < 3; j++) {
		buf = malloc(srclen[j]);
		for (i = 0; i < srclen[j]; i += 1 + (i > 64 ? 3 : 0)) {
			memcpy(buf, src[j], srclen[j]);
			buf[i] ^= (unsigned char)(0x5a + i);
			m = scan_obj("m.zip", buf, srclen[j]);
			msgctx_free(&m);
			m = scan_obj("m.zip", src[j], i);
			msgctx_free(&m);
		}
		free(buf);
	}
	free(in);
	free(zip);
	free(rar);
	free(lzh);
}
END_TEST

static Suite *
unpack_suite(void)
{
	Suite *s = suite_create("unpack");
	TCase *tc;

	tc = tcase_create("basic");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_test(tc, test_zip_pdf_accept);
	tcase_add_test(tc, test_zip_exe);
	tcase_add_test(tc, test_nested);
	tcase_add_loop_test(tc, test_fixture_formats, 0, 5);
	tcase_add_test(tc, test_7z_plain);
	tcase_add_test(tc, test_lzh);
	tcase_add_test(tc, test_tar_holding_zip);
	suite_add_tcase(s, tc);

	tc = tcase_create("disk_image");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_test(tc, test_iso);
	tcase_add_test(tc, test_vhd);
	suite_add_tcase(s, tc);

	tc = tcase_create("encrypted");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_test(tc, test_zipcrypto_fixture);
	tcase_add_test(tc, test_aes_zip);
	tcase_add_test(tc, test_7z_encrypted);
	tcase_add_test(tc, test_zip_flag_encrypted);
	tcase_add_test(tc, test_rar5_encrypted);
	tcase_add_test(tc, test_rar5_plain);
	tcase_add_test(tc, test_rar4_header_encrypted);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_add_test(tc, test_name_mismatch);
	tcase_add_test(tc, test_name_cp932);
	tcase_add_test(tc, test_name_nul);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_bomb_ratio);
	tcase_add_test(tc, test_bomb_nested);
	tcase_add_test(tc, test_expanded_size);
	tcase_add_test(tc, test_entries);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_member_part_size);
	tcase_add_test(tc, test_time);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, checkutil_setup, checkutil_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_corrupt);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(unpack_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
