/*
 * office_ole: what an OLE2/CFB document holds, by its directory.
 *
 *  - VBA: a _VBA_PROJECT stream, a _VBA_PROJECT_CUR storage (Excel), a
 *    VBA storage with a dir stream, Word's Macros storage ([MS-OVBA]
 *    section 2.2) -> office.macro evidence;
 *  - Excel 4 macro sheets: the Workbook (BIFF8) or Book (BIFF5) stream's
 *    BoundSheet8 records of sheet type 1 (macro sheet) or 6 (VBA module)
 *    in the globals substream ([MS-XLS] 2.4.28), read up to its EOF
 *    record -> office.xlm_macro or office.macro evidence;
 *  - encryption: EncryptionInfo/EncryptedPackage ([MS-OFFCRYPTO] 2.3.4:
 *    a password-protected OOXML file), the FilePass record of a workbook
 *    (after it, sheet records are encrypted and cannot be judged: the
 *    "VelvetSweatshop" trick), Word's FibBase.fEncrypted ([MS-DOC]
 *    2.5.2), PowerPoint's EncryptedSummary stream -> office.encrypted;
 *  - OLE objects: "\x01Ole10Native" streams (the packager's file goes to
 *    analyse_object) and "Equation Native" streams (Equation Editor, the
 *    carrier of CVE-2017-11882) -> office.ole_object.
 *
 * Untrusted input: the CFB file (office_cfb.c bounds its structures).
 * Limits: directory entries reached count against max_archive_entries;
 * at most OLE_BIFF_RECORDS records are read from a workbook, each record
 * body only up to OLE_BIFF_BODY bytes; a package stream is copied up to
 * max_part_size; the scan time is checked every OLE_TIME_EVERY entries.
 * Ownership: all freed before return.  Not thread-safe: one message.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content.h"
#include "mem.h"
#include "msgctx.h"
#include "office_int.h"
#include "policy.h"

#define OLE_BIFF_RECORDS	200000	/* records read from a workbook */
#define OLE_BIFF_BODY		512	/* bytes of a record body read */
#define OLE_TIME_EVERY		256	/* entries between time checks */
#define OLE_PATH_MAX		512

#define BIFF_BOF		0x0809
#define BIFF_EOF		0x000a
#define BIFF_FILEPASS		0x002f
#define BIFF_BOUNDSHEET		0x0085

struct ole {
	struct office		*of;
	struct office_cfb	*c;
	struct sbuf		 enc;		/* office.encrypted evidence */
	unsigned		 vba;		/* VBA names met */
	unsigned char		*has_dir;	/* per entry: holds "dir" */
	char			 path[OLE_PATH_MAX];
};

static uint16_t
ole_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static const char *
ole_hidden(unsigned state)
{
	switch (state & 3) {
	case 1:
		return " (hidden)";
	case 2:
		return " (very hidden)";
	default:
		return "";
	}
}

/* A BoundSheet's name as UTF-8 into out[cap]. */
static void
ole_sheet_name(const unsigned char *b, size_t n, int biff8, char *out,
    size_t cap)
{
	size_t cch, i, o = 0;
	unsigned u;
	int wide;

	out[0] = '\0';
	if (n < 7)
		return;
	cch = b[6];
	wide = biff8 && n >= 8 && (b[7] & 1);
	b += biff8 ? 8 : 7;
	n -= biff8 ? (n >= 8 ? 8 : n) : 7;
	for (i = 0; i < cch && o + 4 < cap; i++) {
		if ((wide ? 2 * i + 1 : i) >= n)
			break;
		u = wide ? ole_le16(b + 2 * i) : b[i];
		if (u < 0x20 || u == 0x7f)
			u = '?';
		if (u < 0x80)
			out[o++] = (char)u;
		else if (u < 0x800) {
			out[o++] = (char)(0xc0 | u >> 6);
			out[o++] = (char)(0x80 | (u & 0x3f));
		} else {
			out[o++] = (char)(0xe0 | u >> 12);
			out[o++] = (char)(0x80 | (u >> 6 & 0x3f));
			out[o++] = (char)(0x80 | (u & 0x3f));
		}
	}
	out[o] = '\0';
}

static void
ole_boundsheet(struct ole *x, const unsigned char *b, size_t n, int biff8)
{
	char name[OFFICE_NAME_MAX];

	if (n < 6 || (b[5] != 1 && b[5] != 6))
		return;
	ole_sheet_name(b, n, biff8, name, sizeof(name));
	if (b[5] == 1)
		office_evidence(&x->of->xlm, "Excel 4 macro sheet \"%s\"%s "
		    "in %s", name, ole_hidden(b[4]), x->path);
	else
		office_evidence(&x->of->macro, "VBA module sheet \"%s\" in %s",
		    name, x->path);
}

static void
ole_filepass(struct ole *x, const unsigned char *b, size_t n)
{
	const char *how = "encryption";

	if (n >= 2 && ole_le16(b) == 0)
		how = "XOR obfuscation";
	else if (n >= 4 && ole_le16(b + 2) == 1)
		how = "RC4 encryption";
	else if (n >= 4)
		how = "CryptoAPI RC4 encryption";
	office_evidence(&x->enc, "Excel workbook %s with %s (FILEPASS)",
	    x->path, how);
}

/* Walk the globals substream of a workbook stream up to its EOF. */
static void
ole_biff(struct ole *x, size_t i)
{
	struct office_cfb_stream s;
	unsigned char h[4], body[OLE_BIFF_BODY];
	uint64_t pos = 0;
	unsigned nrec = 0, type, len, got;
	int biff8 = 1;

	if (office_cfb_stream(x->c, i, &s) == -1)
		return;
	while (nrec++ < OLE_BIFF_RECORDS &&
	    office_cfb_read(x->c, &s, pos, h, 4) == 4) {
		type = ole_le16(h);
		len = ole_le16(h + 2);
		pos += 4;
		got = (unsigned)office_cfb_read(x->c, &s, pos, body,
		    len < sizeof(body) ? len : sizeof(body));
		pos += len;
		if (nrec == 1 && (type & 0xff) != 0x09)
			break;			/* not BIFF */
		if (type == BIFF_BOF && nrec == 1 && got >= 2)
			biff8 = ole_le16(body) >= 0x0600;
		else if (type == BIFF_FILEPASS) {
			ole_filepass(x, body, got);
			break;		/* the rest is ciphertext */
		} else if (type == BIFF_BOUNDSHEET)
			ole_boundsheet(x, body, got, biff8);
		else if (type == BIFF_EOF)
			break;
	}
	office_cfb_stream_free(&s);
}

static void
ole_word(struct ole *x, size_t i)
{
	struct office_cfb_stream s;
	unsigned char fib[12];
	unsigned flags;

	if (office_cfb_stream(x->c, i, &s) == -1)
		return;
	if (office_cfb_read(x->c, &s, 0, fib, sizeof(fib)) == sizeof(fib) &&
	    (ole_le16(fib) == 0xa5ec || ole_le16(fib) == 0xa5dc)) {
		flags = ole_le16(fib + 10);
		if (flags & 0x0100)
			office_evidence(&x->enc, "Word document %s with %s",
			    x->path, (flags & 0x8000) ? "XOR obfuscation" :
			    "RC4 encryption");
	}
	office_cfb_stream_free(&s);
}

static int
ole_native(struct ole *x, size_t i, const char **error_r)
{
	const struct policy_limits *lim = &x->of->msg->pol->lim;
	struct office_cfb_stream s;
	unsigned char *buf;
	size_t n, want;
	uint32_t declared;
	int rc;

	if (office_cfb_stream(x->c, i, &s) == -1)
		return 0;
	want = s.size > lim->part_size ? (size_t)lim->part_size :
	    (size_t)s.size;
	if (s.size > lim->part_size)
		msgctx_finding(x->of->msg, "limit.part_size", x->of->o->where,
		    "embedded object %s is %llu bytes, limit %llu; examined "
		    "the first %zu", x->path, (unsigned long long)s.size,
		    (unsigned long long)lim->part_size, want);
	buf = mem_alloc(want + 1);
	n = office_cfb_read(x->c, &s, 0, buf, want);
	office_cfb_stream_free(&s);
	rc = 0;
	if (n >= 4) {
		declared = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 |
		    (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
		rc = office_package(x->of, x->path, buf + 4,
		    declared < n - 4 ? declared : n - 4, error_r);
	}
	free(buf);
	return rc;
}

/* Mark the storages that hold a stream called "dir" (one pass, so that
 * a directory full of VBA storages costs no more than one walk). */
static void
ole_mark_dirs(struct ole *x)
{
	char name[OFFICE_NAME_MAX];
	size_t i, n = office_cfb_count(x->c);
	uint32_t p;

	x->has_dir = mem_zalloc(n + 1);
	for (i = 1; i < n; i++) {
		if (office_cfb_type(x->c, i) != OFFICE_CFB_STREAM)
			continue;
		office_cfb_name(x->c, i, name, sizeof(name));
		if (strcasecmp(name, "dir") == 0 &&
		    (p = office_cfb_parent(x->c, i)) < n)
			x->has_dir[p] = 1;
	}
}

static int
ole_entry(struct ole *x, size_t i, const char *name, unsigned type,
    const char **error_r)
{
	int stream = type == OFFICE_CFB_STREAM;

	office_cfb_path(x->c, i, x->path, sizeof(x->path));
	if ((stream && strcasecmp(name, "_VBA_PROJECT") == 0) ||
	    (!stream && strcasecmp(name, "_VBA_PROJECT_CUR") == 0) ||
	    (!stream && strcasecmp(name, "VBA") == 0 && x->has_dir[i])) {
		if (x->vba++ == 0)	/* one project shows in three names */
			office_evidence(&x->of->macro, "VBA project %s",
			    x->path);
	} else if (!stream)
		return 0;
	else if (strcasecmp(name, "EncryptedPackage") == 0)
		office_evidence(&x->enc, "password-protected OOXML package "
		    "(%s)", x->path);
	else if (strcasecmp(name, "EncryptedSummary") == 0)
		office_evidence(&x->enc, "PowerPoint encryption (%s)",
		    x->path);
	else if (strcasecmp(name, "Workbook") == 0 ||
	    strcasecmp(name, "Book") == 0)
		ole_biff(x, i);
	else if (strcasecmp(name, "WordDocument") == 0)
		ole_word(x, i);
	else if (strcasecmp(name, "\001Ole10Native") == 0)
		return ole_native(x, i, error_r);
	else if (strcasecmp(name, "Equation Native") == 0)
		msgctx_finding(x->of->msg, "office.ole_object",
		    x->of->o->where, "Equation Editor object (%s), the "
		    "carrier of CVE-2017-11882", x->path);
	return 0;
}

static int
ole_walk(struct ole *x, const char **error_r)
{
	const struct policy_limits *lim = &x->of->msg->pol->lim;
	char name[OFFICE_NAME_MAX];
	size_t i, n = office_cfb_count(x->c);
	unsigned type, seen = 0;

	for (i = 1; i < n; i++) {
		if ((type = office_cfb_type(x->c, i)) != OFFICE_CFB_STREAM &&
		    type != OFFICE_CFB_STORAGE)
			continue;
		if (++seen > lim->archive_entries) {
			msgctx_finding(x->of->msg, "limit.archive_entries",
			    x->of->o->where, "more than %u directory "
			    "entries, limit %u; the rest was not examined",
			    lim->archive_entries, lim->archive_entries);
			break;
		}
		if (seen % OLE_TIME_EVERY == 0 && office_time_up(x->of))
			break;
		office_cfb_name(x->c, i, name, sizeof(name));
		if (ole_entry(x, i, name, type, error_r) == -1)
			return -1;
		if (x->of->stop)
			break;
	}
	return 0;
}

int
office_ole_scan(struct office *of, const char **error_r)
{
	struct ole x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.of = of;
	if ((x.c = office_cfb_open(of->o->data, of->o->len)) == NULL)
		return 0;
	sbuf_init(&x.enc, 0);
	ole_mark_dirs(&x);
	rc = ole_walk(&x, error_r);
	if (rc == 0 && x.enc.len > 0)
		msgctx_finding(of->msg, "office.encrypted", of->o->where,
		    "%s; the content could not be inspected",
		    sbuf_str(&x.enc));
	sbuf_release(&x.enc);
	free(x.has_dir);
	office_cfb_free(&x.c);
	return rc;
}
