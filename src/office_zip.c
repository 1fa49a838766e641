/*
 * office_zip: the central directory of a zip (PKWARE APPNOTE 6.3.10), as
 * much as OOXML and ODF packages need: member names, methods (stored,
 * deflated), sizes and local header offsets, ZIP64 included (sections
 * 4.3.14-4.3.16, 4.5.3).  Member data is found through the local header
 * (section 4.3.7) and inflated by flate under the policy's limits.
 *
 * Untrusted input: the whole zip.  The end record is searched for in the
 * last 64 KiB + 22 bytes only; every offset and length is checked against
 * the buffer by subtraction before use; bytes prepended to the zip (a
 * self-extractor stub) are allowed for.  Ownership: entries point into
 * the caller's buffer.  Thread-safe: no state.
 */
#include <string.h>

#include "flate.h"
#include "office_int.h"

#define ZIP_EOCD	22
#define ZIP_CEN		46
#define ZIP_LOC		30
#define ZIP_Z64LOC	20
#define ZIP_Z64END	56
#define ZIP_COMMENT	65535
#define ZIP_UNREADABLE	3

static uint16_t
zip_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
zip_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
zip_le64(const unsigned char *p)
{
	return (uint64_t)zip_le32(p) | (uint64_t)zip_le32(p + 4) << 32;
}

/* The ZIP64 end record, if the locator before the end record names one. */
static void
zip_z64(const unsigned char *buf, size_t len, size_t eocd,
    uint64_t *entries, uint64_t *size, uint64_t *off)
{
	const unsigned char *l, *r;
	uint64_t at;

	if (eocd < ZIP_Z64LOC)
		return;
	l = buf + eocd - ZIP_Z64LOC;
	if (memcmp(l, "PK\6\7", 4) != 0)
		return;
	at = zip_le64(l + 8);
	if (at > len || len - at < ZIP_Z64END)
		return;
	r = buf + at;
	if (memcmp(r, "PK\6\6", 4) != 0)
		return;
	*entries = zip_le64(r + 32);
	*size = zip_le64(r + 40);
	*off = zip_le64(r + 48);
}

int
office_zip_open(const unsigned char *buf, size_t len, struct office_zip *z)
{
	size_t i, low;
	uint64_t size, off, entries;

	memset(z, 0, sizeof(*z));
	if (len < ZIP_EOCD)
		return -1;
	low = len - ZIP_EOCD > ZIP_COMMENT ? len - ZIP_EOCD - ZIP_COMMENT : 0;
	for (i = len - ZIP_EOCD + 1; i-- > low;) {
		if (buf[i] != 'P' || memcmp(buf + i, "PK\5\6", 4) != 0)
			continue;
		entries = zip_le16(buf + i + 10);
		size = zip_le32(buf + i + 12);
		off = zip_le32(buf + i + 16);
		zip_z64(buf, len, i, &entries, &size, &off);
		if (size > i)
			continue;
		z->buf = buf;
		z->len = len;
		z->end = i;
		z->pos = i - size;
		z->entries = entries;
		if (z->pos >= off)
			z->shift = z->pos - off;
		if (size >= 4 && memcmp(buf + z->pos, "PK\1\2", 4) != 0 &&
		    off < i && i - off >= 4 &&
		    memcmp(buf + off, "PK\1\2", 4) == 0) {
			z->pos = off;
			z->shift = 0;
		}
		return 0;
	}
	return -1;
}

/* ZIP64 extended information (0x0001) replaces the saturated fields. */
static void
zip_extra64(struct office_zip_ent *e, const unsigned char *x, size_t n)
{
	size_t at = 0, id, sz, k = 0;

	while (n - at >= 4) {
		id = zip_le16(x + at);
		sz = zip_le16(x + at + 2);
		at += 4;
		if (sz > n - at)
			return;
		if (id == 0x0001) {
			if (e->usize == 0xffffffffu && sz - k >= 8) {
				e->usize = zip_le64(x + at + k);
				k += 8;
			}
			if (e->csize == 0xffffffffu && sz - k >= 8) {
				e->csize = zip_le64(x + at + k);
				k += 8;
			}
			if (e->offset == 0xffffffffu && sz - k >= 8)
				e->offset = zip_le64(x + at + k);
			return;
		}
		at += sz;
	}
}

int
office_zip_next(struct office_zip *z, struct office_zip_ent *e)
{
	const unsigned char *c;
	size_t n, x, m;

	if (z->pos >= z->end)
		return 0;
	if (z->end - z->pos < ZIP_CEN)
		return -1;
	c = z->buf + z->pos;
	if (memcmp(c, "PK\1\2", 4) != 0)
		return -1;
	n = zip_le16(c + 28);
	x = zip_le16(c + 30);
	m = zip_le16(c + 32);
	if (z->end - z->pos - ZIP_CEN < n + x + m)
		return -1;
	memset(e, 0, sizeof(*e));
	e->flags = zip_le16(c + 8);
	e->method = zip_le16(c + 10);
	e->csize = zip_le32(c + 20);
	e->usize = zip_le32(c + 24);
	e->offset = zip_le32(c + 42);
	e->name = c + ZIP_CEN;
	e->namelen = n;
	zip_extra64(e, c + ZIP_CEN + n, x);
	z->pos += ZIP_CEN + n + x + m;
	return 1;
}

int
office_zip_data(struct msgctx *msg, const char *where,
    const struct office_zip *z, const struct office_zip_ent *e,
    struct sbuf *out, const unsigned char **p_r, size_t *n_r,
    const char **error_r)
{
	const unsigned char *l, *d;
	uint64_t at = e->offset, left;
	int rc;

	*p_r = NULL;
	*n_r = 0;
	if ((e->flags & 0x0001) || (e->method != 0 && e->method != 8))
		return ZIP_UNREADABLE;
	if (at > z->len - z->shift || z->len - z->shift - at < ZIP_LOC)
		return ZIP_UNREADABLE;
	at += z->shift;
	l = z->buf + at;
	if (memcmp(l, "PK\3\4", 4) != 0)
		return ZIP_UNREADABLE;
	at += ZIP_LOC;
	if ((uint64_t)zip_le16(l + 26) + zip_le16(l + 28) > z->len - at)
		return ZIP_UNREADABLE;
	at += zip_le16(l + 26) + zip_le16(l + 28);
	d = z->buf + at;
	left = z->len - at;
	rc = e->csize > left ? FLATE_BAD : FLATE_DONE;
	left = e->csize < left ? e->csize : left;
	if (e->method == 0) {
		*p_r = d;
		*n_r = (size_t)left;
		return rc;
	}
	rc = flate_expand(msg, where, d, (size_t)left, FLATE_RAW, out,
	    error_r);
	*p_r = out->data;
	*n_r = out->len;
	return rc;
}
