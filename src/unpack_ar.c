/*
 * unpack_ar: the libarchive walk of one archive (the only file of the
 * project that includes libarchive; design.md section 2).
 *
 * A new handle per archive, read from memory.  Formats are enabled one by
 * one (zip, 7z, RAR4, RAR5, LHA/LZH, CAB, ISO 9660, tar, cpio, ar, and
 * "raw" for a single compressed stream; only ISO 9660 for disk images);
 * compression filters only when libarchive was built with their library,
 * so that it never forks an external program (pitfalls.md: no fork in
 * milter threads).  ISO 9660 images are read with their Joliet names,
 * which Windows shows, rather than Rock Ridge.
 *
 * Each member's data is read UNPACK_BLOCK bytes at a time into a copy
 * capped at max_part_size; every block is counted against the limits
 * (unpack_account) before the next is read.  Member names come from our
 * own zip/RAR listing when it matches libarchive's entry, else from
 * libarchive (UTF-8, or raw bytes decoded as CP932).
 *
 * Untrusted input: the archive.  Ownership: the handle and names are
 * freed before returning.  Thread-safe: one handle per call; the filter
 * probe runs once (pthread_once).
 */
#include <archive.h>
#include <archive_entry.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content.h"
#include "ftype.h"
#include "mem.h"
#include "policy.h"
#include "unpack_int.h"

#define AR_ZLIB		0x01
#define AR_BZ2		0x02
#define AR_LZMA		0x04
#define AR_ZSTD		0x08
#define AR_MATCH_WINDOW	8	/* own members looked at per entry */
#define AR_NAMES	3

static pthread_once_t ar_once = PTHREAD_ONCE_INIT;
static unsigned ar_libs;

/* Which compression libraries libarchive was built with. */
static void
ar_probe(void)
{
	const char *d = archive_version_details();

	if (d == NULL)
		return;
	if (strstr(d, "zlib/") != NULL)
		ar_libs |= AR_ZLIB;
	if (strstr(d, "bz2lib/") != NULL)
		ar_libs |= AR_BZ2;
	if (strstr(d, "liblzma/") != NULL)
		ar_libs |= AR_LZMA;
	if (strstr(d, "libzstd/") != NULL)
		ar_libs |= AR_ZSTD;
}

/* One entry's names (the first is the one shown) and sizes. */
struct ar_names {
	char			*own[AR_NAMES];
	const char		*v[AR_NAMES];
	size_t			 n;
	uint64_t		 csize, usize;
	struct unpack_member	*m;
	const char		*method;
};

static void
ar_names_free(struct ar_names *nm)
{
	size_t i;

	for (i = 0; i < AR_NAMES; i++)
		free(nm->own[i]);
}

static void
ar_formats(struct archive *a, int disk, int zip_stream)
{
	if (zip_stream) {
		archive_read_support_format_zip_streamable(a);
		return;
	}
	archive_read_support_format_iso9660(a);
	if (disk)
		return;
	archive_read_support_format_zip(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_lha(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_raw(a);
	archive_read_support_filter_compress(a);
	if (ar_libs & AR_ZLIB)
		archive_read_support_filter_gzip(a);
	if (ar_libs & AR_BZ2)
		archive_read_support_filter_bzip2(a);
	if (ar_libs & AR_LZMA) {
		archive_read_support_filter_xz(a);
		archive_read_support_filter_lzma(a);
		archive_read_support_filter_lzip(a);
	}
	if (ar_libs & AR_ZSTD)
		archive_read_support_filter_zstd(a);
}

/* The encryption a format uses, for the archive.encrypted detail. */
static const char *
ar_method(struct archive *a)
{
	switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
	case ARCHIVE_FORMAT_7ZIP:
		return "7-Zip AES-256";
	case ARCHIVE_FORMAT_RAR:
		return "RAR4 AES-128";
	case ARCHIVE_FORMAT_RAR_V5:
		return "RAR5 AES-256";
	case ARCHIVE_FORMAT_ZIP:
		return "zip encryption";
	default:
		return "encryption";
	}
}

static void
ar_fail(struct unpack *u, struct archive *a)
{
	const char *name = archive_format_name(a);

	u->stop = 1;
	/* UDF without an ISO 9660 bridge: libarchive cannot read it; the
	 * attachment.disk_image finding already stands. */
	if (u->disk && strcmp(u->o->type->mime, "application/x-udf-image") == 0)
		return;
	unpack_error(u, name != NULL ? name : "the archive", ar_method(a),
	    archive_error_string(a));
}

/* Our own member for this entry: the next unmatched one whose raw name
 * is what libarchive reports (or the next one if it reports none). */
static struct unpack_member *
ar_match(struct unpack *u, const char *raw)
{
	struct unpack_list *l = &u->own;
	size_t i, end;

	end = l->n - l->cursor > AR_MATCH_WINDOW ? l->cursor +
	    AR_MATCH_WINDOW : l->n;
	for (i = l->cursor; i < end; i++) {
		if (l->m[i].flags & UNPACK_M_SEEN)
			continue;
		if (raw != NULL && (l->m[i].raw == NULL ||
		    strcmp(l->m[i].raw, raw) != 0))
			continue;
		l->cursor = i + 1;
		l->m[i].flags |= UNPACK_M_SEEN;
		return &l->m[i];
	}
	return NULL;
}

/* The original name of a single compressed stream: gzip's FNAME (RFC
 * 1952 section 2.3.1), else the archive's name without its extension. */
static int
ar_raw_name(struct unpack *u, struct ar_names *nm, const char **error_r)
{
	const unsigned char *p = u->o->data;
	size_t len = u->o->len, at = 10, end;
	const char *parent, *dot;

	if (len > at && p[0] == 0x1f && p[1] == 0x8b && (p[3] & 0x08)) {
		if ((p[3] & 0x04) && len - at >= 2)
			at += 2 + (size_t)(p[at] | p[at + 1] << 8);
		for (end = at; end < len && end - at < 4096 && p[end]; end++)
			;
		if (end < len && end > at) {
			if (unpack_name_decode(p + at, end - at, 0,
			    &nm->own[nm->n], error_r) == -1)
				return -1;
			nm->v[nm->n] = nm->own[nm->n];
			nm->n++;
		}
	}
	parent = u->o->nnames > 0 ? u->o->names[0] : NULL;
	if (parent == NULL || (dot = strrchr(parent, '.')) == NULL ||
	    dot == parent || strchr(dot, '/') != NULL)
		parent = NULL;
	if (parent != NULL && nm->n < AR_NAMES) {
		size_t base = (size_t)(dot - parent);
		int tgz = strcasecmp(dot, ".tgz") == 0;

		nm->own[nm->n] = mem_alloc(base + 5);
		memcpy(nm->own[nm->n], parent, base);
		memcpy(nm->own[nm->n] + base, tgz ? ".tar" : "", tgz ? 5 : 1);
		nm->v[nm->n] = nm->own[nm->n];
		nm->n++;
	}
	return 0;
}

/* Names from libarchive: UTF-8 if it can, else raw bytes decoded. */
static int
ar_lib_name(struct archive_entry *e, struct ar_names *nm,
    const char **error_r)
{
	const char *s = archive_entry_pathname_utf8(e);

	if (s == NULL)
		s = archive_entry_pathname(e);
	if (s == NULL)
		s = "(unnamed)";
	if (unpack_name_decode((const unsigned char *)s, strlen(s), 0,
	    &nm->own[0], error_r) == -1)
		return -1;
	nm->v[0] = nm->own[0];
	nm->n = 1;
	return 0;
}

static int
ar_names(struct unpack *u, struct archive *a, struct archive_entry *e,
    struct ar_names *nm, const char **error_r)
{
	struct unpack_member *m = NULL;

	memset(nm, 0, sizeof(*nm));
	nm->usize = archive_entry_size_is_set(e) ?
	    (uint64_t)archive_entry_size(e) : 0;
	if (u->own.n > 0 && (m = ar_match(u, archive_entry_pathname(e))) !=
	    NULL) {
		nm->m = m;
		nm->v[nm->n++] = m->name;
		if (m->alt[0] != NULL)
			nm->v[nm->n++] = m->alt[0];
		if (m->alt[1] != NULL)
			nm->v[nm->n++] = m->alt[1];
		nm->csize = m->csize;
		nm->method = m->method;
		return 0;
	}
	if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) ==
	    ARCHIVE_FORMAT_RAW) {
		if (ar_raw_name(u, nm, error_r) == -1)
			return -1;
		if (nm->n > 0)
			return 0;
	}
	return ar_lib_name(e, nm, error_r);
}

/* Read the entry's data under the limits; 0 done, 1 read error. */
static int
ar_read(struct unpack *u, struct archive *a, uint64_t csize,
    uint64_t *total_r)
{
	la_ssize_t n;

	*total_r = 0;
	sbuf_reset(&u->data);
	u->data.truncated = 0;
	for (;;) {
		n = archive_read_data(a, u->block, UNPACK_BLOCK);
		if (n == 0)
			return 0;
		if (n < 0)
			return 1;
		*total_r += (uint64_t)n;
		if (!u->data.truncated)
			(void)sbuf_append(&u->data, u->block, (size_t)n);
		if (unpack_account(u, (size_t)n, *total_r, csize))
			return 0;
	}
}

static int
ar_entry(struct unpack *u, struct archive *a, struct archive_entry *e,
    const char **error_r)
{
	struct ar_names nm;
	uint64_t total;
	int rc = 0, bad;

	if (ar_names(u, a, e, &nm, error_r) == -1)
		return -1;
	if (archive_entry_filetype(e) != AE_IFREG) {
		ar_names_free(&nm);
		return 0;
	}
	if (archive_entry_is_encrypted(e) || (nm.m != NULL &&
	    (nm.m->flags & UNPACK_M_ENCRYPTED))) {
		unpack_encrypted(u, nm.v, nm.n, nm.usize, nm.method != NULL ?
		    nm.method : ar_method(a));
		ar_names_free(&nm);
		return 0;
	}
	bad = ar_read(u, a, nm.csize, &total);
	if (bad) {
		const char *err = archive_error_string(a);

		ar_fail(u, a);
		if (u->names_hidden || (err != NULL &&
		    strstr(err, "ncrypt") != NULL))
			bad = 2;	/* ciphertext: nothing to judge */
	}
	if (bad != 2)
		rc = unpack_member(u, nm.v, nm.n, total, error_r);
	ar_names_free(&nm);
	return rc;
}

/* libarchive's raw format without a filter: it recognised nothing. */
static int
ar_unrecognised(struct archive *a)
{
	return (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) ==
	    ARCHIVE_FORMAT_RAW && archive_filter_count(a) <= 1;
}

static int
ar_loop(struct unpack *u, struct archive *a, const char **error_r)
{
	struct archive_entry *e;
	int r;

	while (!unpack_check(u)) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			ar_fail(u, a);
			break;
		}
		if (ar_unrecognised(a)) {
			if (!u->o->truncated)
				unpack_error(u, "the archive", NULL,
				    "unrecognised archive format");
			break;
		}
		if (unpack_count_entry(u))
			break;
		if (ar_entry(u, a, e, error_r) == -1)
			return -1;
	}
	return 0;
}

int
unpack_ar_walk(struct unpack *u, int zip_stream, const char **error_r)
{
	struct archive *a;
	int rc = 0;

	if (u->o->len == 0)
		return 0;
	(void)pthread_once(&ar_once, ar_probe);
	if ((a = archive_read_new()) == NULL) {
		*error_r = "unpack: archive_read_new failed";
		return -1;
	}
	ar_formats(a, u->disk, zip_stream);
	if (zip_stream)
		archive_read_support_filter_none(a);
	/* Windows shows Joliet names; Rock Ridge ones may differ.  LZH
	 * names are CP932 (Japanese LHA); libarchive 3.6 fails on 8-bit
	 * names unless told their charset. */
	(void)archive_read_set_options(a, "iso9660:!rockridge");
	if (!u->disk)
		(void)archive_read_set_options(a, "lha:hdrcharset=CP932");
	if (archive_read_open_memory(a, u->o->data, u->o->len) != ARCHIVE_OK)
		ar_fail(u, a);
	else
		rc = ar_loop(u, a, error_r);
	archive_read_free(a);
	return rc;
}
