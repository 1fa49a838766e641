/*
 * unpack_rar: our own walk of RAR headers, for encryption libarchive 3.6
 * does not report.
 *
 * RAR5 (RARLAB "RAR 5.0 archive format"): libarchive lists members whose
 * data is encrypted without saying so (it skips the file encryption extra
 * record, type 0x01) and fails on an archive encryption header (type 4)
 * with a generic error.  We read each block header (CRC32, vint size,
 * type, flags, extra and data sizes), list file headers (type 2) with
 * their UTF-8 names, sizes and encryption record, and stop at the archive
 * encryption header (what follows is ciphertext: names are hidden) or the
 * end of archive header.  Header CRCs are not checked (a bad CRC does not
 * make a member less dangerous).
 *
 * RAR4 (RAR 2.9/4.x technote): only the main header's MHD_PASSWORD flag
 * (block headers encrypted) is read here; libarchive reports per-file
 * encryption (LHD_PASSWORD) itself.
 *
 * Untrusted input: the archive.  vints are at most 10 bytes and 64 bits;
 * every size is checked against the buffer by subtraction; at most
 * max_entries + 1 file headers are read; header sizes over 2 MiB stop the
 * walk (the format's own limit).  Thread-safe: no state.
 */
#include <stdint.h>
#include <string.h>

#include "mem.h"
#include "unpack_int.h"

#define RAR5_SIG	"Rar!\x1a\x07\x01\x00"
#define RAR4_SIG	"Rar!\x1a\x07\x00"
#define RAR5_HDR_MAX	(2 * 1024 * 1024)

#define RAR5_MAIN	1
#define RAR5_FILE	2
#define RAR5_CRYPT	4
#define RAR5_END	5

#define RAR5_HF_EXTRA	0x01
#define RAR5_HF_DATA	0x02
#define RAR5_FF_DIR	0x01
#define RAR5_FF_MTIME	0x02
#define RAR5_FF_CRC	0x04
#define RAR5_X_CRYPT	0x01

#define RAR4_MAIN	0x73
#define RAR4_FILE	0x74
#define RAR4_END	0x7b
#define RAR4_MHD_PASSWORD	0x0080
#define RAR4_LONG_BLOCK		0x8000
#define RAR4_LHD_LARGE		0x0100

/* A bounded reader over one header. */
struct rar_rd {
	const unsigned char	*p;
	size_t			 len, at;
	int			 bad;
};

static uint64_t
rar_vint(struct rar_rd *r)
{
	uint64_t v = 0;
	unsigned shift;

	for (shift = 0; shift < 70; shift += 7) {
		if (r->at >= r->len || shift > 63) {
			r->bad = 1;
			return 0;
		}
		v |= (uint64_t)(r->p[r->at] & 0x7f) << shift;
		if ((r->p[r->at++] & 0x80) == 0)
			return v;
	}
	r->bad = 1;
	return 0;
}

static void
rar_skip(struct rar_rd *r, uint64_t n)
{
	if (r->bad || n > r->len - r->at) {
		r->bad = 1;
		return;
	}
	r->at += (size_t)n;
}

/* Does the file header's extra area [at, at+n) hold an encryption record? */
static int
rar5_extra_crypt(const unsigned char *p, size_t n)
{
	struct rar_rd r = { p, n, 0, 0 };
	uint64_t size, type;
	size_t start;

	while (r.at < r.len && !r.bad) {
		size = rar_vint(&r);
		start = r.at;
		type = rar_vint(&r);
		if (r.bad)
			break;
		if (type == RAR5_X_CRYPT)
			return 1;
		r.at = start;
		rar_skip(&r, size);
	}
	return 0;
}

/* File header fields after the common ones (format section "File
 * header and service header"); adds a member. */
static int
rar5_file(struct rar_rd *r, uint64_t extra, uint64_t data,
    struct unpack_list *l, const char **error_r)
{
	struct unpack_member *m;
	uint64_t fflags, usize, nlen;

	fflags = rar_vint(r);
	usize = rar_vint(r);
	(void)rar_vint(r);			/* attributes */
	rar_skip(r, (fflags & RAR5_FF_MTIME ? 4 : 0) +
	    (fflags & RAR5_FF_CRC ? 4 : 0));
	(void)rar_vint(r);			/* compression information */
	(void)rar_vint(r);			/* host OS */
	nlen = rar_vint(r);
	if (r->bad || nlen > r->len - r->at)
		return 0;
	m = unpack_list_add(l);
	m->index = l->n - 1;
	m->usize = usize;
	m->csize = data;
	if (fflags & RAR5_FF_DIR)
		m->flags |= UNPACK_M_DIR;
	if (unpack_name_decode(r->p + r->at, (size_t)nlen, 1, &m->name,
	    error_r) == -1)
		return -1;
	m->raw = mem_dup(r->p + r->at, (size_t)nlen);
	/* The extra area ends the header, after the name. */
	if (extra <= r->len - r->at - nlen &&
	    rar5_extra_crypt(r->p + r->len - extra, (size_t)extra)) {
		m->flags |= UNPACK_M_ENCRYPTED;
		m->method = l->method = "RAR5 AES-256";
	}
	return 0;
}

/*
 * One block at *pos: 1 go on, 0 stop, -1 internal error.  Layout: CRC32,
 * vint header size, then that many bytes (type, flags, [extra size],
 * [data size], fields, extra area), then the data area.
 */
static int
rar5_block(const unsigned char *p, size_t len, size_t *pos, size_t max,
    struct unpack_list *l, const char **error_r)
{
	struct rar_rd r = { p, len, *pos, 0 };
	uint64_t hsize, type, flags, extra = 0, data = 0;
	size_t hend;

	rar_skip(&r, 4);
	hsize = rar_vint(&r);
	if (r.bad || hsize == 0 || hsize > RAR5_HDR_MAX ||
	    hsize > len - r.at)
		return 0;
	hend = r.at + (size_t)hsize;
	r.len = hend;
	type = rar_vint(&r);
	flags = rar_vint(&r);
	if (flags & RAR5_HF_EXTRA)
		extra = rar_vint(&r);
	if (flags & RAR5_HF_DATA)
		data = rar_vint(&r);
	if (r.bad || type == RAR5_END)
		return 0;
	if (type == RAR5_CRYPT) {
		l->names_hidden = 1;
		l->method = "RAR5 AES-256 (headers encrypted)";
		return 0;
	}
	if (type == RAR5_FILE) {
		if (l->n == max) {
			l->truncated = 1;
			return 0;
		}
		if (rar5_file(&r, extra, data, l, error_r) == -1)
			return -1;
	}
	if (data > len - hend)
		return 0;
	*pos = hend + (size_t)data;
	return 1;
}

static int
rar5_list(const unsigned char *p, size_t len, size_t max,
    struct unpack_list *l, const char **error_r)
{
	size_t pos = sizeof(RAR5_SIG) - 1;
	int rc;

	l->format = "RAR5";
	while ((rc = rar5_block(p, len, &pos, max, l, error_r)) == 1)
		;
	return rc == -1 ? -1 : 1;
}

/* RAR4: the main header's MHD_PASSWORD flag (block headers encrypted). */
static int
rar4_list(const unsigned char *p, size_t len, struct unpack_list *l)
{
	size_t pos = sizeof(RAR4_SIG) - 1;
	unsigned flags, size;

	l->format = "RAR4";
	if (len - pos < 7 || p[pos + 2] != RAR4_MAIN)
		return 1;
	flags = (unsigned)(p[pos + 3] | p[pos + 4] << 8);
	size = (unsigned)(p[pos + 5] | p[pos + 6] << 8);
	if (size >= 7 && (flags & RAR4_MHD_PASSWORD)) {
		l->names_hidden = 1;
		l->method = "RAR4 AES-128 (headers encrypted)";
	}
	return 1;
}

int
unpack_rar_list(const unsigned char *p, size_t len, size_t max_entries,
    struct unpack_list *l, const char **error_r)
{
	if (len >= sizeof(RAR5_SIG) - 1 &&
	    memcmp(p, RAR5_SIG, sizeof(RAR5_SIG) - 1) == 0)
		return rar5_list(p, len, max_entries, l, error_r);
	if (len >= sizeof(RAR4_SIG) - 1 &&
	    memcmp(p, RAR4_SIG, sizeof(RAR4_SIG) - 1) == 0)
		return rar4_list(p, len, l);
	return 0;
}
