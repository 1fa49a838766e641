/*
 * check_ftype: real file types (own signatures, libmagic, the text fast
 * path, threads), the three-way compare, and the hash module.
 *
 * Every sample is built here: inert headers without code.
 */
#include <check.h>
#include <unistd.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftype.h"
#include "hash.h"

/* A stored zip holding "r.pdf" (made with Python's zipfile). */
static const unsigned char zip_sample[] = {
	0x50,0x4b,0x03,0x04,0x14,0x00,0x00,0x00,0x00,0x00,0xe5,0xa0,0x79,0x5d,
	0xed,0x9d,0xe6,0x0a,0x09,0x00,0x00,0x00,0x09,0x00,0x00,0x00,0x05,0x00,
	0x00,0x00,0x72,0x2e,0x70,0x64,0x66,0x25,0x50,0x44,0x46,0x2d,0x31,0x2e,
	0x34,0x0a,0x50,0x4b,0x01,0x02,0x14,0x03,0x14,0x00,0x00,0x00,0x00,0x00,
	0xe5,0xa0,0x79,0x5d,0xed,0x9d,0xe6,0x0a,0x09,0x00,0x00,0x00,0x09,0x00,
	0x00,0x00,0x05,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
	0x80,0x01,0x00,0x00,0x00,0x00,0x72,0x2e,0x70,0x64,0x66,0x50,0x4b,0x05,
	0x06,0x00,0x00,0x00,0x00,0x01,0x00,0x01,0x00,0x33,0x00,0x00,0x00,0x2c,
	0x00,0x00,0x00,0x00,0x00
};

/* PNG signature and a 1x1 IHDR chunk. */
static const unsigned char png_sample[] = {
	0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a,0x00,0x00,0x00,0x0d,0x49,0x48,
	0x44,0x52,0x00,0x00,0x00,0x01,0x00,0x00,0x00,0x01,0x08,0x06,0x00,0x00,
	0x00,0x1f,0x15,0xc4,0x89
};

static const char pdf_sample[] =
    "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    "trailer\n<< /Root 1 0 R >>\n%%EOF\n";

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/*
 * An inert PE header: "MZ", e_lfanew at 0x3c, "PE\0\0", a COFF header
 * and the start of an optional header.  No sections, no code.
 */
static size_t
make_pe(unsigned char *b, size_t cap, unsigned magic, unsigned chars,
    unsigned machine)
{
	const size_t lfanew = 0x80;

	ck_assert_uint_ge(cap, 0x200);
	memset(b, 0, cap);
	b[0] = 'M';
	b[1] = 'Z';
	put32(b + 0x3c, lfanew);
	memcpy(b + lfanew, "PE\0\0", 4);
	put16(b + lfanew + 4, machine);
	put16(b + lfanew + 6, 0);		/* sections */
	put16(b + lfanew + 20, 0xe0);		/* optional header size */
	put16(b + lfanew + 22, chars);
	put16(b + lfanew + 24, magic);
	put16(b + lfanew + 24 + 68, 2);		/* subsystem: GUI */
	return 0x200;
}

static void
detect(const void *buf, size_t len, struct ftype_result *r)
{
	const char *err = NULL;

	ck_assert_int_eq(ftype_detect(buf, len, r, &err), 0);
}

static void
teardown(void)
{
	ftype_thread_end();
}

START_TEST(test_sig_pe)
{
	unsigned char b[0x200];
	struct ftype_result r;
	size_t n;

	n = make_pe(b, sizeof(b), 0x10b, 0x0102, 0x14c);
	detect(b, n, &r);
	ck_assert_str_eq(r.mime, "application/x-dosexec");
	ck_assert_int_eq(r.cls, FTYPE_EXECUTABLE);
	ck_assert_ptr_nonnull(strstr(r.desc, "PE32 executable"));
	ck_assert_ptr_nonnull(strstr(r.desc, "(GUI)"));
	ck_assert_ptr_nonnull(strstr(r.desc, "Intel 80386"));
	ck_assert_ptr_null(strstr(r.desc, "DLL"));

	n = make_pe(b, sizeof(b), 0x20b, 0x2022, 0x8664);
	detect(b, n, &r);
	ck_assert_int_eq(r.cls, FTYPE_EXECUTABLE);
	ck_assert_ptr_nonnull(strstr(r.desc, "PE32+ executable (DLL)"));
	ck_assert_ptr_nonnull(strstr(r.desc, "x86-64"));
}
END_TEST

START_TEST(test_sig_pe_negative)
{
	unsigned char b[0x200];
	struct ftype_result r;
	size_t n;

	/* e_lfanew beyond the buffer: not a PE (libmagic may say MS-DOS). */
	n = make_pe(b, sizeof(b), 0x10b, 0x0102, 0x14c);
	put32(b + 0x3c, 0xfffffff0u);
	detect(b, n, &r);
	ck_assert_ptr_null(strstr(r.desc, "PE32"));
	/* e_lfanew so close to the end that the COFF header is cut. */
	put32(b + 0x3c, (uint32_t)n - 10);
	memcpy(b + n - 10, "PE\0\0", 4);
	detect(b, n, &r);
	ck_assert_ptr_null(strstr(r.desc, "PE32"));
	/* No "PE\0\0" at e_lfanew. */
	n = make_pe(b, sizeof(b), 0x10b, 0x0102, 0x14c);
	b[0x81] = 'X';
	detect(b, n, &r);
	ck_assert_ptr_null(strstr(r.desc, "PE32"));
	/* Text that begins with MZ. */
	detect("MZ is a text file about PE\n", 27, &r);
	ck_assert_int_ne(r.cls, FTYPE_EXECUTABLE);
	/* Truncated to 0x3f bytes. */
	n = make_pe(b, sizeof(b), 0x10b, 0x0102, 0x14c);
	detect(b, 0x3f, &r);
	ck_assert_ptr_null(strstr(r.desc, "PE32"));
}
END_TEST

START_TEST(test_sig_elf_macho)
{
	unsigned char b[64];
	struct ftype_result r;

	memset(b, 0, sizeof(b));
	memcpy(b, "\177ELF\2\1\1", 7);
	put16(b + 16, 2);
	detect(b, sizeof(b), &r);
	ck_assert_str_eq(r.mime, "application/x-executable");
	ck_assert_int_eq(r.cls, FTYPE_EXECUTABLE);
	ck_assert_str_eq(r.desc, "ELF 64-bit LSB executable");
	put16(b + 16, 3);
	detect(b, sizeof(b), &r);
	ck_assert_str_eq(r.mime, "application/x-sharedlib");
	b[4] = 9;	/* bad class: not ours (libmagic may still say ELF) */
	detect(b, sizeof(b), &r);
	ck_assert_str_ne(r.desc, "ELF 64-bit LSB executable");
	b[4] = 2;
	b[3] = 'G';
	detect(b, sizeof(b), &r);
	ck_assert_int_ne(r.cls, FTYPE_EXECUTABLE);

	static const uint32_t thin[] = { 0xfeedface, 0xfeedfacf, 0xcefaedfe,
	    0xcffaedfe };
	for (size_t i = 0; i < 4; i++) {
		memset(b, 0, sizeof(b));
		b[0] = thin[i] >> 24, b[1] = thin[i] >> 16;
		b[2] = thin[i] >> 8, b[3] = thin[i];
		detect(b, sizeof(b), &r);
		ck_assert_str_eq(r.mime, "application/x-mach-binary");
		ck_assert_int_eq(r.cls, FTYPE_EXECUTABLE);
	}
	/* Fat binary: 2 architectures, x86_64 first. */
	memset(b, 0, sizeof(b));
	memcpy(b, "\xca\xfe\xba\xbe\0\0\0\2\x01\0\0\x07", 12);
	detect(b, sizeof(b), &r);
	ck_assert_str_eq(r.mime, "application/x-mach-binary");
	ck_assert_ptr_nonnull(strstr(r.desc, "universal"));
	/* A Java class file has the same magic, then version 52. */
	memset(b, 0, sizeof(b));
	memcpy(b, "\xca\xfe\xba\xbe\0\0\0\x34\0\x10", 10);
	detect(b, sizeof(b), &r);
	ck_assert_str_ne(r.mime, "application/x-mach-binary");
}
END_TEST

START_TEST(test_sig_lnk_onenote)
{
	static const unsigned char lnk[] = { 0x4c, 0, 0, 0, 0x01, 0x14, 0x02,
	    0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46 };
	static const unsigned char one[] = { 0xe4, 0x52, 0x5c, 0x7b, 0x8c,
	    0xd8, 0xa7, 0x4d, 0xae, 0xb1, 0x53, 0x78, 0xd0, 0x29, 0x96, 0xd3 };
	unsigned char b[128];
	struct ftype_result r;

	memset(b, 0, sizeof(b));
	memcpy(b, lnk, sizeof(lnk));
	detect(b, sizeof(b), &r);
	ck_assert_str_eq(r.mime, "application/x-ms-shortcut");
	ck_assert_int_eq(r.cls, FTYPE_SHORTCUT);
	b[19] = 0x47;
	detect(b, sizeof(b), &r);
	ck_assert_str_ne(r.mime, "application/x-ms-shortcut");
	/* Header cut short. */
	detect(lnk, 19, &r);
	ck_assert_str_ne(r.mime, "application/x-ms-shortcut");

	memset(b, 0, sizeof(b));
	memcpy(b, one, sizeof(one));
	detect(b, sizeof(b), &r);
	ck_assert_str_eq(r.mime, "application/onenote");
	ck_assert_int_eq(r.cls, FTYPE_OFFICE);
	b[15] = 0;
	detect(b, sizeof(b), &r);
	ck_assert_str_ne(r.mime, "application/onenote");
}
END_TEST

START_TEST(test_sig_dicom)
{
	unsigned char b[256];
	struct ftype_result r;

	memset(b, 0, sizeof(b));
	memcpy(b + 128, "DICM\2\0\0\0UL", 10);
	detect(b, sizeof(b), &r);
	ck_assert_str_eq(r.mime, "application/dicom");
	ck_assert_int_eq(r.cls, FTYPE_MEDICAL);
	/* Too short for the marker, or marker elsewhere. */
	detect(b, 131, &r);
	ck_assert_str_ne(r.mime, "application/dicom");
	memset(b, 0, sizeof(b));
	memcpy(b + 127, "DICM", 4);
	detect(b, sizeof(b), &r);
	ck_assert_str_ne(r.mime, "application/dicom");
}
END_TEST

START_TEST(test_sig_dicom_pe_polyglot)
{
	unsigned char b[0x200];
	struct ftype_result r;
	size_t n;

	/* The 128-byte DICOM preamble may carry a PE header: PE wins. */
	n = make_pe(b, sizeof(b), 0x10b, 0x0102, 0x14c);
	put32(b + 0x3c, 0x100);
	memset(b + 0x80, 0, 0x80);
	memcpy(b + 128, "DICM", 4);
	memcpy(b + 0x100, "PE\0\0", 4);
	put16(b + 0x104, 0x14c);
	put16(b + 0x118, 0x10b);
	detect(b, n, &r);
	ck_assert_int_eq(r.cls, FTYPE_EXECUTABLE);
}
END_TEST

START_TEST(test_sig_iso_udf)
{
	static const size_t offs[] = { 0x8001, 0x8801, 0x9001 };
	size_t len = 0x9800;
	unsigned char *b = calloc(1, len);
	struct ftype_result r;

	for (size_t i = 0; i < 3; i++) {
		memset(b, 0, len);
		memcpy(b + offs[i], "CD001", 5);
		detect(b, len, &r);
		ck_assert_str_eq(r.mime, "application/x-iso9660-image");
		ck_assert_int_eq(r.cls, FTYPE_DISK_IMAGE);
	}
	memset(b, 0, len);
	memcpy(b + 0x8002, "CD001", 5);
	detect(b, len, &r);
	ck_assert_int_ne(r.cls, FTYPE_DISK_IMAGE);
	/* Signature cut by the end of the buffer. */
	memcpy(b + 0x8001, "CD001", 5);
	detect(b, 0x8004, &r);
	ck_assert_int_ne(r.cls, FTYPE_DISK_IMAGE);
	memset(b, 0, len);
	memcpy(b + 0x8001, "BEA01", 5);
	memcpy(b + 0x8801, "NSR02", 5);
	detect(b, len, &r);
	ck_assert_str_eq(r.mime, "application/x-udf-image");
	free(b);
}
END_TEST

START_TEST(test_sig_vhd)
{
	size_t len = 4096;
	unsigned char *b = calloc(1, len);
	struct ftype_result r;
	const char *err = NULL;

	memcpy(b, "vhdxfile", 8);
	detect(b, len, &r);
	ck_assert_str_eq(r.mime, "application/x-vhdx");
	ck_assert_int_eq(r.cls, FTYPE_DISK_IMAGE);
	memset(b, 0, len);
	memcpy(b, "conectix", 8);
	detect(b, len, &r);
	ck_assert_str_eq(r.mime, "application/x-vhd");
	/* Fixed VHD: footer in the last 512 bytes, only for whole files. */
	memset(b, 0, len);
	memcpy(b + len - 512, "conectix", 8);
	detect(b, len, &r);
	ck_assert_str_eq(r.mime, "application/x-vhd");
	ck_assert_int_eq(ftype_detect_prefix(b, len, &r, &err), 0);
	ck_assert_str_ne(r.mime, "application/x-vhd");
	memset(b, 0, len);
	memcpy(b + len - 511, "conectix", 8);
	detect(b, len, &r);
	ck_assert_str_ne(r.mime, "application/x-vhd");
	memset(b, 0, len);
	memcpy(b, "vhdxfil", 7);
	detect(b, len, &r);
	ck_assert_int_ne(r.cls, FTYPE_DISK_IMAGE);
	free(b);
}
END_TEST

START_TEST(test_sig_pdf)
{
	unsigned char b[2048];
	struct ftype_result r;

	detect(pdf_sample, sizeof(pdf_sample) - 1, &r);
	ck_assert_str_eq(r.mime, "application/pdf");
	ck_assert_int_eq(r.cls, FTYPE_PDF);
	ck_assert_str_eq(r.desc, "PDF document, version 1.7");
	/* Junk before the header, within the first 1024 bytes. */
	memset(b, 0x01, sizeof(b));
	memcpy(b + 1000, pdf_sample, sizeof(pdf_sample) - 1);
	detect(b, sizeof(b), &r);
	ck_assert_str_eq(r.mime, "application/pdf");
	/* Too far in. */
	memset(b, 0x01, sizeof(b));
	memcpy(b + 1100, pdf_sample, sizeof(pdf_sample) - 1);
	detect(b, sizeof(b), &r);
	ck_assert_str_ne(r.mime, "application/pdf");
	/* A zip that stores a PDF is a zip. */
	detect(zip_sample, sizeof(zip_sample), &r);
	ck_assert_str_eq(r.mime, "application/zip");
}
END_TEST

START_TEST(test_magic_formats)
{
	static const char html[] = "<!DOCTYPE html>\n<html><head><title>x"
	    "</title></head><body><a href=\"https://example.org/\">x</a>"
	    "</body></html>\n";
	static const char ics[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "BEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	static const unsigned char cfb[512] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1,
	    0xb1, 0x1a, 0xe1 };
	struct ftype_result r;

	detect(zip_sample, sizeof(zip_sample), &r);
	ck_assert_str_eq(r.mime, "application/zip");
	ck_assert_int_eq(r.cls, FTYPE_ARCHIVE);
	detect(png_sample, sizeof(png_sample), &r);
	ck_assert_str_eq(r.mime, "image/png");
	ck_assert_int_eq(r.cls, FTYPE_IMAGE);
	detect("hello world\nthis is text\n", 25, &r);
	ck_assert_str_eq(r.mime, "text/plain");
	ck_assert_int_eq(r.cls, FTYPE_TEXT);
	detect(html, sizeof(html) - 1, &r);
	ck_assert_str_eq(r.mime, "text/html");
	ck_assert_int_eq(r.cls, FTYPE_HTML);
	detect(ics, sizeof(ics) - 1, &r);
	ck_assert_str_eq(r.mime, "text/calendar");
	ck_assert_int_eq(r.cls, FTYPE_CALENDAR);
	detect(cfb, sizeof(cfb), &r);
	ck_assert_int_eq(r.cls, FTYPE_OFFICE);
	detect("#!/bin/sh\necho hi\n", 18, &r);
	ck_assert_int_eq(r.cls, FTYPE_SCRIPT);
	ck_assert_ptr_nonnull(strstr(r.desc, "shell script"));
	detect("", 0, &r);
	ck_assert_str_eq(r.mime, "application/x-empty");
	ck_assert_int_eq(r.cls, FTYPE_UNKNOWN);
}
END_TEST

START_TEST(test_magic_japanese_text)
{
	/* 請求書のご案内 in UTF-8, ISO-2022-JP and Shift_JIS. */
	static const char utf8[] = "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8\xe3"
	    "\x81\xae\xe3\x81\x94\xe6\xa1\x88\xe5\x86\x85\n";
	static const char jis[] = "\x1b$B@A5aO:$N$408Fb\x1b(B\n";
	static const char sjis[] = "\x90\xbf\x8b\x81\x8f\x91\x82\xcc\x82\xb2"
	    "\x88\xc4\x93\xe0\n";
	struct ftype_result r;

	detect(utf8, sizeof(utf8) - 1, &r);
	ck_assert_int_eq(r.cls, FTYPE_TEXT);
	detect(jis, sizeof(jis) - 1, &r);
	ck_assert_int_eq(r.cls, FTYPE_TEXT);
	detect(sjis, sizeof(sjis) - 1, &r);
	ck_assert_int_eq(r.cls, FTYPE_TEXT);
}
END_TEST

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

START_TEST(test_text_fast_path)
{
	size_t len = 2 * 1024 * 1024;
	unsigned char *b = malloc(len);
	struct ftype_result r;
	double t0;

	for (size_t i = 0; i < len; i++)
		b[i] = "lorem ipsum dolor\n"[i % 18];
	detect(b, len, &r);	/* warm up the cookie */
	t0 = now_ms();
	for (int i = 0; i < 10; i++)
		detect(b, len, &r);
	/* 2.8 ms per 64 KiB would be ~90 ms per call on the whole text. */
	ck_assert_double_lt((now_ms() - t0) / 10, 20.0);
	ck_assert_str_eq(r.mime, "text/plain");
	/* Only the text prefix is examined: binary junk after 4 KiB. */
	memset(b + FTYPE_TEXT_PREFIX, 0, 8192);
	detect(b, FTYPE_TEXT_PREFIX + 8192, &r);
	ck_assert_str_eq(r.mime, "text/plain");
	/* Markup after the text prefix (HTML smuggling padding). */
	memset(b, ' ', 3 * FTYPE_TEXT_PREFIX);
	memcpy(b + 2 * FTYPE_TEXT_PREFIX, "<HTML><script>x</script>", 24);
	detect(b, 3 * FTYPE_TEXT_PREFIX, &r);
	ck_assert_str_eq(r.mime, "text/html");
	ck_assert_int_eq(r.cls, FTYPE_HTML);
	memcpy(b + 2 * FTYPE_TEXT_PREFIX, "<HTM", 4);
	detect(b, 2 * FTYPE_TEXT_PREFIX + 4, &r);
	ck_assert_str_eq(r.mime, "text/plain");
	/* Binary data is examined further (and is not text). */
	b[10] = 0;
	detect(b, FTYPE_TEXT_PREFIX + 8192, &r);
	ck_assert_str_ne(r.mime, "text/plain");
	free(b);
}
END_TEST

START_TEST(test_fast_paths)
{
	struct ftype_result r;
	const char *err = NULL;
	static const unsigned char zip_pdf[] = "PK\3\4\x14\0\0\0\0\0\0\0\0\0"
	    "\0\0\0\0\0\0\0\0\0\0\0\0\x09\0\0\0a.pdf.pdf";
	static const unsigned char zip_docx[] = "PK\3\4\x14\0\0\0\0\0\0\0\0\0"
	    "\0\0\0\0\0\0\0\0\0\0\0\0\x13\0\0\0[Content_Types].xml";

	/* Plain text, Japanese in ISO-2022-JP: no libmagic needed. */
	ck_assert_int_eq(ftype_detect((const unsigned char *)"Hello\r\n\x1b$B"
	    "8!::\x1b(B\r\n", 17, &r, &err), 0);
	ck_assert_str_eq(r.mime, "text/plain");
	ck_assert_int_eq(r.cls, FTYPE_TEXT);
	/* Markup or a format of its own goes to libmagic. */
	ck_assert_int_eq(ftype_detect((const unsigned char *)"<html><body>x"
	    "</body></html>\n", 28, &r, &err), 0);
	ck_assert_str_eq(r.mime, "text/html");
	ck_assert_int_eq(ftype_detect((const unsigned char *)"BEGIN:VCALENDAR\r\n"
	    "VERSION:2.0\r\nEND:VCALENDAR\r\n", 44, &r, &err), 0);
	ck_assert_str_eq(r.mime, "text/calendar");
	ck_assert_int_eq(ftype_detect((const unsigned char *)"\x89PNG\r\n\x1a\n"
	    "\0\0\0\rIHDR", 16, &r, &err), 0);
	ck_assert_str_eq(r.mime, "image/png");
	ck_assert_int_eq(ftype_detect((const unsigned char *)"\xff\xd8\xff\xe0"
	    "\0\x10JFIF", 10, &r, &err), 0);
	ck_assert_str_eq(r.mime, "image/jpeg");
	ck_assert_int_eq(ftype_detect(zip_pdf, sizeof(zip_pdf) - 1, &r, &err), 0);
	ck_assert_str_eq(r.mime, "application/zip");
	ck_assert_int_eq(r.cls, FTYPE_ARCHIVE);
	/* An OOXML start is left to libmagic (docx vs plain zip). */
	ck_assert_int_eq(ftype_detect(zip_docx, sizeof(zip_docx) - 1, &r, &err),
	    0);
	ck_assert_str_ne(r.mime, "");
}
END_TEST

static int	mgc_mappings(void);

/*
 * MAGIC lists a text magic file with content, then the compiled database:
 * the text one is reported (this mode cannot load it) and the compiled
 * one is shared as usual.
 */
START_TEST(test_magic_text_file_reported)
{
	char dir[] = "/tmp/check_ftype.XXXXXX", magic[300], errlog[300];
	char path[700], text[512] = "";
	struct ftype_result r;
	const char *err = NULL;
	FILE *f;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(magic, sizeof(magic), "%s/local.magic", dir);
	f = fopen(magic, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# site rules\n0\tstring\tXYZZY\tsite format\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s:/usr/lib/file/magic", magic);
	ck_assert_int_eq(setenv("MAGIC", path, 1), 0);
	/* Our log goes to standard error: catch it in a file. */
	snprintf(errlog, sizeof(errlog), "%s/stderr", dir);
	fd = open(errlog, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 2), 2);
	ck_assert_int_eq(ftype_detect((const unsigned char *)"\x01\x02\x03\x04"
	    "\x05", 5, &r, &err), 0);
	ck_assert_str_eq(r.mime, "application/octet-stream");
	ck_assert_int_eq(mgc_mappings(), 1);
	ck_assert_int_ge(pread(fd, text, sizeof(text) - 1, 0), 0);
	ck_assert_msg(strstr(text, "text magic is not used") != NULL &&
	    strstr(text, magic) != NULL, "log: %s", text);
	close(fd);
	unlink(errlog);
	unlink(magic);
	rmdir(dir);
}
END_TEST

START_TEST(test_magic_load_failure)
{
	struct ftype_result r;
	const char *err = NULL;

	/* A fresh (forked) process: the cookie is opened now and fails. */
	ck_assert_int_eq(setenv("MAGIC", "/nonexistent/magic.mgc", 1), 0);
	/* Binary data nothing of ours knows goes to libmagic. */
	ck_assert_int_eq(ftype_detect((const unsigned char *)"\x01\x02\x03\x04"
	    "\x05", 5, &r, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(unsetenv("MAGIC"), 0);
	/* Own signatures need no libmagic. */
	err = NULL;
	ck_assert_int_eq(ftype_detect((const unsigned char *)pdf_sample,
	    sizeof(pdf_sample) - 1, &r, &err), 0);
	ck_assert_str_eq(r.mime, "application/pdf");
	/* Without the bad path the cookie opens (failure not cached). */
	ck_assert_int_eq(ftype_detect((const unsigned char *)"text\n", 5, &r,
	    &err), 0);
	ck_assert_str_eq(r.mime, "text/plain");
}
END_TEST

/*
 * ISO-2022-JP holds '<' inside kanji (0x3C is a JIS byte): such text is
 * decided without libmagic (here unloadable), unless a '<' is early or
 * starts a name libmagic's HTML tests search for.
 */
START_TEST(test_text_markup_no_magic)
{
	/* "\x1b$B" ... 0x3C62 0x3C3C 0x3C4A: <b << <J inside the kanji run. */
	static const char jis[] = "Dear colleague,\r\n\r\nPlease see the "
	    "results below.\r\n\x1b$B$3$N7o$K$D$$$F<b<<<J$*4j$$$7$^$9\x1b(B"
	    "\r\n";
	static const char *const marked[] = { "<html", "<HEAD>", "<a href",
	    "<A\tHREF", "<ahref", "<!--", "<?xml", "<Script", "<svg", "<" };
	char buf[256];
	struct ftype_result r;
	const char *err = NULL;
	size_t i, n;

	ck_assert_int_eq(setenv("MAGIC", "/nonexistent/magic.mgc", 1), 0);
	ck_assert_int_eq(ftype_detect((const unsigned char *)jis,
	    sizeof(jis) - 1, &r, &err), 0);
	ck_assert_str_eq(r.mime, "text/plain");
	ck_assert_int_eq(r.cls, FTYPE_TEXT);
	/* A '<' in the first 64 bytes: anchored tests (XML, PHP) may hold. */
	ck_assert_int_eq(ftype_detect((const unsigned char *)"a <b> c\n", 8,
	    &r, &err), -1);
	for (i = 0; i < sizeof(marked) / sizeof(marked[0]); i++) {
		n = (size_t)snprintf(buf, sizeof(buf), "%.*s%s", 80,
		    jis, marked[i]);
		err = NULL;
		ck_assert_int_eq(ftype_detect((const unsigned char *)buf, n,
		    &r, &err), -1);
		ck_assert_ptr_nonnull(err);
	}
	ck_assert_int_eq(unsetenv("MAGIC"), 0);
}
END_TEST

/*
 * HTML starts libmagic 5.44 surely calls text/html are decided without it
 * (here unloadable); where one of its tests could answer first, or the
 * start is another shape, libmagic is asked.
 */
START_TEST(test_html_no_magic)
{
	static const char *const own[] = { "<!DOCTYPE html>\n<html><body>"
	    "<p>Caf\xc3\xa9, \"news\"</p></body></html>\n", "<HTML>\r\n<HEAD>"
	    "<TITLE>x</TITLE></HEAD></HTML>\r\n", "<!doctype HTML PUBLIC "
	    "\"-//W3C//DTD HTML 4.01//EN\">\n<html></html>" };
	static const char *const ask[] = { "<html lang=\"en\">\n<p>x</p>",
	    "\xef\xbb\xbf<!DOCTYPE html>\n<p>x</p>", " <html>\n<p>x</p>",
	    "<html>,<b>x</b>\n", "<html>\n--- a\n+++ b\n", "<!DOCTYPE html>\n"
	    "<!DOCTYPE  SVG>\n", "<html>\n%PDF-1.4\n", "<!DOCTYPE html>\n"
	    "caf\xe9\n", "<html>\nexport\n\nexport function f() {}\n",
	    "<!DOCTYPE html>\n<p>STOP" };
	char buf[2048];
	struct ftype_result r;
	const char *err = NULL;
	size_t i;

	ck_assert_int_eq(setenv("MAGIC", "/nonexistent/magic.mgc", 1), 0);
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		ck_assert_int_eq(ftype_detect((const unsigned char *)own[i],
		    strlen(own[i]), &r, &err), 0);
		ck_assert_str_eq(r.mime, "text/html");
		ck_assert_int_eq(r.cls, FTYPE_HTML);
		ck_assert_str_eq(r.desc, ftype_class_name(FTYPE_HTML));
	}
	for (i = 0; i < sizeof(ask) / sizeof(ask[0]); i++)
		ck_assert_int_eq(ftype_detect((const unsigned char *)ask[i],
		    strlen(ask[i]), &r, &err), -1);
	/* A module tracker's signature at 1080 is tested before HTML. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "<!DOCTYPE html>\n", 16);
	ck_assert_int_eq(ftype_detect((const unsigned char *)buf, sizeof(buf),
	    &r, &err), 0);
	memcpy(buf + 1080, "M.K.", 4);
	ck_assert_int_eq(ftype_detect((const unsigned char *)buf, sizeof(buf),
	    &r, &err), -1);
	ck_assert_int_eq(unsetenv("MAGIC"), 0);
	/* And libmagic agrees on that one. */
	ck_assert_int_eq(ftype_detect((const unsigned char *)buf, sizeof(buf),
	    &r, &err), 0);
	ck_assert_str_eq(r.mime, "audio/x-mod");
}
END_TEST

struct cmp_row {
	const char	*declared;
	const char	*ext;
	const char	*mime;		/* detected */
	int		 mismatch;
};

static const struct cmp_row cmp_rows[] = {
	/* Matches and benign hospital mail. */
	{ "application/pdf", "pdf", "application/pdf", 0 },
	{ "application/octet-stream", "pdf", "application/pdf", 0 },
	{ "application/x-download", "pdf", "application/pdf", 0 },
	{ "binary/octet-stream", "xlsx", "application/zip", 0 },
	{ NULL, "pdf", "application/pdf", 0 },
	{ "", "pdf", "application/pdf", 0 },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml."
	    "document", "docx", "application/zip", 0 },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	    "xlsx", "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet", 0 },
	{ "application/vnd.ms-excel", "xls", "application/x-ole-storage", 0 },
	{ "application/vnd.ms-excel", "xls", "text/html", 0 },
	{ "application/msword", "doc", "text/rtf", 0 },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml."
	    "document", "docx", "application/cdfv2", 0 },
	{ "application/zip", "zip", "application/zip", 0 },
	{ "application/x-zip-compressed", "zip", "application/zip", 0 },
	{ "application/zip", "zip", "application/vnd.openxmlformats-"
	    "officedocument.wordprocessingml.document", 0 },
	{ "image/jpeg", "jpg", "image/jpeg", 0 },
	{ "image/jpg", "jpeg", "image/jpeg", 0 },
	{ "image/jpeg", "jpg", "image/png", 0 },
	{ "image/tiff", "tif", "image/tiff", 0 },
	{ "text/plain", "txt", "text/plain", 0 },
	{ "text/csv", "csv", "text/plain", 0 },
	{ "text/plain", "csv", "text/plain", 0 },
	{ "text/plain", "log", "text/html", 0 },
	{ "text/plain", NULL, "text/plain", 0 },
	{ "text/html", NULL, "text/plain", 0 },
	{ "text/plain", NULL, "text/html", 0 },
	{ "text/calendar", "ics", "text/calendar", 0 },
	{ "text/calendar", "ics", "text/plain", 0 },
	{ "text/vcard", "vcf", "text/vcard", 0 },
	{ "text/x-vcard", "vcf", "text/vcard", 0 },
	{ "application/pkcs7-signature", "p7s", "application/octet-stream", 0 },
	{ "application/pkcs7-signature", "p7s", "application/x-der", 0 },
	{ "application/dicom", "dcm", "application/dicom", 0 },
	{ "application/octet-stream", "dcm", "application/dicom", 0 },
	{ "message/rfc822", "eml", "message/rfc822", 0 },
	{ "application/octet-stream", "eml", "text/plain", 0 },
	{ "application/vnd.ms-outlook", "msg", "application/x-ole-storage", 0 },
	{ "application/ms-tnef", "dat", "application/vnd.ms-tnef", 0 },
	{ "application/pdf", "pdf", "application/octet-stream", 0 },
	{ "application/x-msdownload", "exe", "application/x-dosexec", 0 },
	{ "application/pdf", "unknownext", "application/pdf", 0 },
	{ "image/svg+xml", "svg", "text/xml", 0 },
	{ "application/x-zip-compressed", "zip", "application/x-7z-compressed",
	    0 },
	{ "text/plain", "txt", "application/x-empty", 0 },
	/* Mismatches. */
	{ "application/pdf", "pdf", "application/x-dosexec", 1 },
	{ "application/octet-stream", "pdf", "application/x-dosexec", 1 },
	{ "application/pdf", NULL, "application/x-dosexec", 1 },
	{ "image/jpeg", "jpg", "application/x-dosexec", 1 },
	{ "application/pdf", "pdf", "text/html", 1 },
	{ "application/octet-stream", "docx", "application/x-ms-shortcut", 1 },
	{ "application/msword", "doc", "application/x-iso9660-image", 1 },
	{ "text/plain", "txt", "application/x-dosexec", 1 },
	{ "application/zip", "zip", "application/x-dosexec", 1 },
	{ "application/octet-stream", "jpg", "application/pdf", 1 },
	{ "application/octet-stream", "zip", "application/x-iso9660-image", 1 },
	{ "image/png", "png", "text/html", 1 },
	{ "application/octet-stream", "exe", "application/pdf", 1 },
	{ "application/dicom", "dcm", "application/x-dosexec", 1 },
	{ "text/calendar", "ics", "application/x-dosexec", 1 },
};

START_TEST(test_compare_table)
{
	const struct cmp_row *row = &cmp_rows[_i];
	struct ftype_result r;
	char reason[256];
	int got;

	memset(&r, 0, sizeof(r));
	snprintf(r.mime, sizeof(r.mime), "%s", row->mime);
	r.cls = ftype_class_of(row->mime);
	snprintf(r.desc, sizeof(r.desc), "%s", ftype_class_name(r.cls));
	got = ftype_compare(row->declared, row->ext, &r, reason,
	    sizeof(reason));
	ck_assert_msg(got == row->mismatch,
	    "row %d: %s / .%s / %s: got %d (%s)", _i, row->declared ? row->declared : "(null)",
	    row->ext ? row->ext : "(null)", row->mime, got, reason);
	if (got)
		ck_assert_ptr_nonnull(strstr(reason, row->mime));
	else
		ck_assert_str_eq(reason, "");
}
END_TEST

START_TEST(test_compare_reason)
{
	unsigned char b[0x200];
	struct ftype_result r;
	char reason[256];

	detect(b, make_pe(b, sizeof(b), 0x10b, 0x0102, 0x14c), &r);
	ck_assert_int_eq(ftype_compare("application/pdf", "pdf", &r, reason,
	    sizeof(reason)), 1);
	ck_assert_msg(strncmp(reason, "name says .pdf and header says "
	    "application/pdf, but the content is application/x-dosexec "
	    "(PE32 executable", 90) == 0, "%s", reason);
	ck_assert_int_eq(ftype_compare("application/octet-stream", "pdf", &r,
	    reason, sizeof(reason)), 1);
	ck_assert_msg(strncmp(reason, "name says .pdf, but", 19) == 0, "%s",
	    reason);
	ck_assert_int_eq(ftype_compare("image/png", NULL, &r, reason,
	    sizeof(reason)), 1);
	ck_assert_msg(strncmp(reason, "header says image/png, but", 26) == 0,
	    "%s", reason);
	/* A tiny buffer is cut, never overrun. */
	ck_assert_int_eq(ftype_compare("image/png", NULL, &r, reason, 8), 1);
	ck_assert_uint_eq(strlen(reason), 7);
}
END_TEST

START_TEST(test_expect_tables)
{
	static const char *const exts[] = { "3gp", "7z", "bat", "csv", "dcm",
	    "doc", "docm", "docx", "eml", "exe", "gif", "hta", "html", "ics",
	    "iso", "jpg", "js", "lnk", "lzh", "mht", "msg", "msi", "one", "pdf",
	    "png", "pptx", "ps1", "rar", "rtf", "svg", "tif", "txt", "url",
	    "vbs", "vhd", "vhdx", "wsf", "xls", "xlsm", "xlsx", "xml", "zip",
	    "zst", "PDF", "Docx" };
	unsigned cls;
	const char *mime;

	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		ck_assert_msg(ftype_expect_ext(exts[i], &cls, &mime) == 1,
		    "%s", exts[i]);
	ck_assert_int_eq(ftype_expect_ext("pdf", &cls, &mime), 1);
	ck_assert_str_eq(mime, "application/pdf");
	ck_assert_uint_eq(cls, 1u << FTYPE_PDF);
	ck_assert_int_eq(ftype_expect_ext("nosuchext", &cls, &mime), 0);
	ck_assert_int_eq(ftype_expect_ext("", &cls, &mime), 0);
	ck_assert_int_eq(ftype_expect_mime("application/octet-stream", &cls),
	    0);
	ck_assert_int_eq(ftype_expect_mime("application/x-download", &cls), 0);
	ck_assert_int_eq(ftype_expect_mime("", &cls), 0);
	ck_assert_int_eq(ftype_expect_mime("image/gif", &cls), 1);
	ck_assert_int_eq(ftype_class_of("APPLICATION/PDF"), FTYPE_PDF);
	ck_assert_int_eq(ftype_class_of("application/vnd.ms-excel.sheet."
	    "macroenabled.12"), FTYPE_OFFICE);
	ck_assert_int_eq(ftype_class_of("video/mp4"), FTYPE_MEDIA);
	ck_assert_int_eq(ftype_class_of("font/sfnt"), FTYPE_OTHER);
}
END_TEST

/* Each thread detects a mix and checks every answer. */
static void *
thread_main(void *arg)
{
	unsigned char pe[0x200], junk[512];
	struct ftype_result r;
	const char *err = NULL;
	long bad = 0;

	(void)arg;
	make_pe(pe, sizeof(pe), 0x10b, 0x0102, 0x14c);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 7 + 0x80);
	for (int i = 0; i < 200; i++) {
		if (ftype_detect(zip_sample, sizeof(zip_sample), &r, &err) ||
		    strcmp(r.mime, "application/zip") != 0)
			bad++;
		if (ftype_detect(png_sample, sizeof(png_sample), &r, &err) ||
		    strcmp(r.mime, "image/png") != 0)
			bad++;
		if (ftype_detect((const unsigned char *)"#!/bin/sh\nls\n", 13,
		    &r, &err) || r.cls != FTYPE_SCRIPT)
			bad++;
		if (ftype_detect(pe, sizeof(pe), &r, &err) ||
		    r.cls != FTYPE_EXECUTABLE)
			bad++;
		/* Bytes no own signature knows: libmagic says "data". */
		if (ftype_detect(junk, sizeof(junk), &r, &err) ||
		    strcmp(r.mime, "application/octet-stream") != 0)
			bad++;
	}
	return (void *)bad;
}

/* Mappings of libmagic's compiled database in this process. */
static int
mgc_mappings(void)
{
	char line[4096];
	FILE *f = fopen("/proc/self/maps", "re");
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, ".mgc") != NULL;
	fclose(f);
	return n;
}

START_TEST(test_threads)
{
	pthread_t t[4];
	void *bad;

	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, thread_main, NULL),
		    0);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(t[i], &bad), 0);
		ck_assert_ptr_null(bad);
	}
	/*
	 * The cookies the threads used share one mapping of the database
	 * (four were 28 MiB of the daemon's RSS).  Only when libmagic's
	 * database is a compiled file, as on Debian.
	 */
	if (getenv("MAGIC") == NULL)
		ck_assert_int_eq(mgc_mappings(), 1);
}
END_TEST

START_TEST(test_hash_abc)
{
	struct hash_digests d;
	struct hash *h;
	const char *err = NULL;

	ck_assert_int_eq(hash_buffer("abc", 3, &d, &err), 0);
	ck_assert_str_eq(d.sha256, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	ck_assert_str_eq(d.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
	ck_assert_str_eq(d.md5, "900150983cd24fb0d6963f7d28e17f72");
	/* Streamed byte by byte gives the same. */
	h = hash_new(&err);
	ck_assert_ptr_nonnull(h);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(hash_update(h, "abc" + i, 1, &err), 0);
	ck_assert_int_eq(hash_update(h, "", 0, &err), 0);
	ck_assert_int_eq(hash_final(h, &d, &err), 0);
	ck_assert_str_eq(d.md5, "900150983cd24fb0d6963f7d28e17f72");
	/* Used after final: an error, not a crash. */
	ck_assert_int_eq(hash_update(h, "x", 1, &err), -1);
	ck_assert_int_eq(hash_final(h, &d, &err), -1);
	hash_free(&h);
	ck_assert_ptr_null(h);
	hash_free(&h);
	ck_assert_int_eq(hash_buffer(NULL, 0, &d, &err), 0);
	ck_assert_str_eq(d.sha256, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}
END_TEST

static Suite *
ftype_suite(void)
{
	Suite *s = suite_create("ftype");
	TCase *tc;

	tc = tcase_create("signatures");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_sig_pe);
	tcase_add_test(tc, test_sig_pe_negative);
	tcase_add_test(tc, test_sig_elf_macho);
	tcase_add_test(tc, test_sig_lnk_onenote);
	tcase_add_test(tc, test_sig_dicom);
	tcase_add_test(tc, test_sig_dicom_pe_polyglot);
	tcase_add_test(tc, test_sig_iso_udf);
	tcase_add_test(tc, test_sig_vhd);
	tcase_add_test(tc, test_sig_pdf);
	suite_add_tcase(s, tc);

	tc = tcase_create("libmagic");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_magic_formats);
	tcase_add_test(tc, test_magic_japanese_text);
	tcase_add_test(tc, test_magic_load_failure);
	tcase_add_test(tc, test_magic_text_file_reported);
	tcase_add_test(tc, test_text_markup_no_magic);
	tcase_add_test(tc, test_html_no_magic);
	tcase_add_test(tc, test_fast_paths);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_text_fast_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("compare");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_compare_table, 0,
	    (int)(sizeof(cmp_rows) / sizeof(cmp_rows[0])));
	tcase_add_test(tc, test_compare_reason);
	tcase_add_test(tc, test_expect_tables);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);

	tc = tcase_create("hash");
	tcase_add_test(tc, test_hash_abc);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ftype_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
