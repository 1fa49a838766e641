/*
 * unpack_zip: our own reading of a zip's central directory and local
 * headers (PKWARE APPNOTE 6.3.10), for what libarchive does not tell:
 *
 *  - name confusion: each member's local-header name against its
 *    central-directory name (Explorer lists the central one, some tools
 *    extract under the local one; libarchive silently uses the local one);
 *  - names as the user's tool shows them: general purpose bit 11 says
 *    UTF-8, otherwise Japanese Windows wrote CP932 (section 4.4.4,
 *    appendix D); the Info-ZIP Unicode Path extra field (0x7075) is one
 *    more name candidate when its CRC matches the raw name;
 *  - encryption: bit 0 (ZipCrypto, or AES with method 99 and extra field
 *    0x9901), bit 6 (strong encryption), bit 13 (central directory
 *    encrypted: names hidden).
 *
 * Untrusted input: the whole archive.  Every offset and length from the
 * file is checked against the buffer by subtraction before use; ZIP64
 * values are 64-bit and compared the same way.  At most max_entries + 1
 * central entries are read.  Ownership: members and their strings belong
 * to the caller's list.  Thread-safe: no state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "unpack_int.h"

#define ZIP_EOCD_LEN	22
#define ZIP_CEN_LEN	46
#define ZIP_LOC_LEN	30
#define ZIP_Z64LOC_LEN	20
#define ZIP_Z64END_LEN	56
#define ZIP_COMMENT_MAX	65535

#define ZIP_F_ENCRYPTED	0x0001
#define ZIP_F_STRONG	0x0040
#define ZIP_F_UTF8	0x0800
#define ZIP_F_CDENC	0x2000
#define ZIP_M_AES	99

/* What the end of central directory records say (section 4.3.16). */
struct zip_dir {
	uint64_t	entries;
	uint64_t	size;
	uint64_t	offset;		/* as recorded */
	uint64_t	start;		/* where it really is in the buffer */
	uint64_t	shift;		/* bytes prepended (self-extractor) */
};

/* One central directory file header (section 4.3.12). */
struct zip_cen {
	unsigned		 flags, method;
	uint64_t		 csize, usize, offset;
	const unsigned char	*name, *extra;
	size_t			 namelen, extralen, total;
	const unsigned char	*uname;		/* 0x7075, or NULL */
	size_t			 unamelen;
	unsigned		 aes;		/* 0x9901 strength, or 0 */
};

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

/* Is sig at off, with need bytes from off inside the buffer? */
static int
zip_at(const unsigned char *p, size_t len, uint64_t off, size_t need,
    const char *sig)
{
	return off <= len && len - off >= need && need >= 4 &&
	    memcmp(p + off, sig, 4) == 0;
}

/* The last EOCD record whose comment fits the buffer; 1 found, else 0. */
static int
zip_find_eocd(const unsigned char *p, size_t len, size_t *off_r)
{
	size_t off, low;

	if (len < ZIP_EOCD_LEN)
		return 0;
	off = len - ZIP_EOCD_LEN;
	low = off > ZIP_COMMENT_MAX ? off - ZIP_COMMENT_MAX : 0;
	for (;;) {
		if (memcmp(p + off, "PK\5\6", 4) == 0 &&
		    zip_le16(p + off + 20) <= len - off - ZIP_EOCD_LEN) {
			*off_r = off;
			return 1;
		}
		if (off == low)
			return 0;
		off--;
	}
}

/* ZIP64 end of central directory (sections 4.3.14, 4.3.15). */
static int
zip_dir64(const unsigned char *p, size_t len, size_t eocd,
    struct zip_dir *d, uint64_t *end_r)
{
	uint64_t off;

	if (eocd < ZIP_Z64LOC_LEN ||
	    !zip_at(p, len, eocd - ZIP_Z64LOC_LEN, ZIP_Z64LOC_LEN, "PK\6\7"))
		return 0;
	off = zip_le64(p + eocd - ZIP_Z64LOC_LEN + 8);
	if (!zip_at(p, len, off, ZIP_Z64END_LEN, "PK\6\6")) {
		/* Recorded offsets ignore prepended bytes: try just before. */
		if (eocd - ZIP_Z64LOC_LEN < ZIP_Z64END_LEN)
			return 0;
		off = eocd - ZIP_Z64LOC_LEN - ZIP_Z64END_LEN;
		if (!zip_at(p, len, off, ZIP_Z64END_LEN, "PK\6\6"))
			return 0;
	}
	d->entries = zip_le64(p + off + 32);
	d->size = zip_le64(p + off + 40);
	d->offset = zip_le64(p + off + 48);
	*end_r = off;
	return 1;
}

/* Locate the central directory; 1 found, 0 not a usable zip. */
static int
zip_dir(const unsigned char *p, size_t len, struct zip_dir *d)
{
	size_t eocd;
	uint64_t end;

	memset(d, 0, sizeof(*d));
	if (!zip_find_eocd(p, len, &eocd))
		return 0;
	d->entries = zip_le16(p + eocd + 10);
	d->size = zip_le32(p + eocd + 12);
	d->offset = zip_le32(p + eocd + 16);
	end = eocd;
	if ((d->entries == 0xffff || d->size == 0xffffffff ||
	    d->offset == 0xffffffff) && !zip_dir64(p, len, eocd, d, &end))
		return 0;
	if (d->size > end)
		return 0;
	/* The directory ends where the end record begins: bytes before the
	 * archive (self-extractors) shift every recorded offset. */
	d->start = end - d->size;
	if (d->start >= d->offset)
		d->shift = d->start - d->offset;
	if (d->entries == 0 || zip_at(p, len, d->start, ZIP_CEN_LEN, "PK\1\2"))
		return 1;
	d->shift = 0;
	d->start = d->offset;
	return zip_at(p, len, d->start, ZIP_CEN_LEN, "PK\1\2");
}

/* ZIP64 extended information extra field (section 4.5.3). */
static void
zip_extra64(struct zip_cen *c, const unsigned char *x, size_t n)
{
	size_t at = 0;

	if (c->usize == 0xffffffff && n - at >= 8) {
		c->usize = zip_le64(x + at);
		at += 8;
	}
	if (c->csize == 0xffffffff && n - at >= 8) {
		c->csize = zip_le64(x + at);
		at += 8;
	}
	if (c->offset == 0xffffffff && n - at >= 8)
		c->offset = zip_le64(x + at);
}

/* Walk the extra fields: ZIP64, AES (0x9901), Unicode Path (0x7075). */
static void
zip_extras(struct zip_cen *c)
{
	const unsigned char *x = c->extra;
	size_t n = c->extralen, id, sz;

	while (n >= 4) {
		id = zip_le16(x);
		sz = zip_le16(x + 2);
		if (sz > n - 4)
			break;
		if (id == 0x0001)
			zip_extra64(c, x + 4, sz);
		else if (id == 0x9901 && sz >= 7)
			c->aes = x[4 + 4] != 0 ? x[4 + 4] : 3;
		else if (id == 0x7075 && sz >= 5 && x[4] == 1) {
			c->uname = x + 9;
			c->unamelen = sz - 5;
		}
		x += 4 + sz;
		n -= 4 + sz;
	}
}

/* Parse the central header at off; 1 ok, 0 malformed. */
static int
zip_cen_parse(const unsigned char *p, size_t len, uint64_t off,
    struct zip_cen *c)
{
	const unsigned char *h = p + off;
	size_t clen;

	if (!zip_at(p, len, off, ZIP_CEN_LEN, "PK\1\2"))
		return 0;
	memset(c, 0, sizeof(*c));
	c->flags = zip_le16(h + 8);
	c->method = zip_le16(h + 10);
	c->csize = zip_le32(h + 20);
	c->usize = zip_le32(h + 24);
	c->namelen = zip_le16(h + 28);
	c->extralen = zip_le16(h + 30);
	clen = zip_le16(h + 32);
	c->offset = zip_le32(h + 42);
	c->total = ZIP_CEN_LEN + c->namelen + c->extralen + clen;
	if (c->total > len - off)
		return 0;
	c->name = h + ZIP_CEN_LEN;
	c->extra = c->name + c->namelen;
	zip_extras(c);
	return 1;
}

/* CRC-32 (ISO 3309), for the Unicode Path field's check of the raw name. */
static uint32_t
zip_crc32(const unsigned char *p, size_t n)
{
	uint32_t crc = 0xffffffff;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & (0u - (crc & 1)));
	}
	return ~crc;
}

static const char *
zip_method(const struct zip_cen *c)
{
	static const char *const aes[] = { "AES", "AES-128", "AES-192",
	    "AES-256" };

	if (c->method == ZIP_M_AES || c->aes != 0)
		return aes[c->aes <= 3 ? c->aes : 0];
	if (c->flags & ZIP_F_STRONG)
		return "PKWARE strong encryption";
	return "ZipCrypto";
}

/* The member's other names: local header (if it differs) and 0x7075. */
static int
zip_alt_names(const unsigned char *p, size_t len, uint64_t shift,
    const struct zip_cen *c, struct unpack_member *m, const char **error_r)
{
	uint64_t loc = c->offset + shift;
	const unsigned char *lname;
	size_t lnlen;
	unsigned lflags;

	m->raw = mem_dup(c->name, c->namelen);
	if (c->uname != NULL && zip_crc32(c->name, c->namelen) ==
	    zip_le32(c->uname - 4) && (c->unamelen != c->namelen ||
	    memcmp(c->uname, c->name, c->namelen) != 0) &&
	    unpack_name_decode(c->uname, c->unamelen, 1, &m->alt[1],
	    error_r) == -1)
		return -1;
	if (loc < c->offset || !zip_at(p, len, loc, ZIP_LOC_LEN, "PK\3\4"))
		return 0;
	lflags = zip_le16(p + loc + 6);
	lnlen = zip_le16(p + loc + 26);
	if (lnlen > len - loc - ZIP_LOC_LEN)
		return 0;
	lname = p + loc + ZIP_LOC_LEN;
	if (lflags & ZIP_F_ENCRYPTED)
		m->flags |= UNPACK_M_ENCRYPTED;
	if (lnlen == c->namelen && memcmp(lname, c->name, lnlen) == 0)
		return 0;
	m->flags |= UNPACK_M_MISMATCH;
	free(m->raw);
	m->raw = mem_dup(lname, lnlen);		/* libarchive reads this one */
	return unpack_name_decode(lname, lnlen, (lflags & ZIP_F_UTF8) != 0,
	    &m->alt[0], error_r);
}

static int
zip_member(const unsigned char *p, size_t len, const struct zip_dir *d,
    const struct zip_cen *c, struct unpack_list *l, const char **error_r)
{
	struct unpack_member *m = unpack_list_add(l);

	m->index = l->n - 1;
	m->csize = c->csize;
	m->usize = c->usize;
	m->offset = c->offset;
	if (c->namelen > 0 && c->name[c->namelen - 1] == '/')
		m->flags |= UNPACK_M_DIR;
	if (unpack_name_decode(c->name, c->namelen,
	    (c->flags & ZIP_F_UTF8) != 0, &m->name, error_r) == -1)
		return -1;
	if (zip_alt_names(p, len, d->shift, c, m, error_r) == -1)
		return -1;
	if (c->flags & ZIP_F_ENCRYPTED)
		m->flags |= UNPACK_M_ENCRYPTED;
	if (c->flags & ZIP_F_CDENC)
		l->names_hidden = 1;
	if (m->flags & UNPACK_M_ENCRYPTED) {
		m->method = zip_method(c);
		if (l->method == NULL)
			l->method = m->method;
	}
	return 0;
}

/* Local header order: the order libarchive's seekable reader walks. */
static int
zip_cmp_offset(const void *a, const void *b)
{
	const struct unpack_member *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

int
unpack_zip_list(const unsigned char *p, size_t len, size_t max_entries,
    struct unpack_list *l, const char **error_r)
{
	struct zip_dir d;
	struct zip_cen c;
	uint64_t off, end;

	if (!zip_dir(p, len, &d))
		return 0;
	l->format = "zip";
	l->declared = d.entries;
	off = d.start;
	end = d.size > len - d.start ? len : d.start + d.size;
	while (off < end && zip_cen_parse(p, len, off, &c)) {
		if (l->n == max_entries) {
			l->truncated = 1;
			break;
		}
		if (zip_member(p, len, &d, &c, l, error_r) == -1)
			return -1;
		off += c.total;
	}
	if (l->n > 1)
		qsort(l->m, l->n, sizeof(*l->m), zip_cmp_offset);
	return 1;
}
