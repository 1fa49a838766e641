/*
 * office_cfb: a reader of Compound File Binary files ([MS-CFB], the OLE2
 * container of .doc, .xls, .ppt, vbaProject.bin and OLE objects).
 *
 * Header (section 2.2; 512-byte sectors in version 3, 4096 in version 4),
 * DIFAT (the header's 109 entries, then the DIFAT sector chain), FAT,
 * mini FAT, the directory (128-byte entries, UTF-16LE names) walked as
 * the red-black tree of each storage from the root, and the root's mini
 * stream for streams under the cutoff.  Streams are mapped (one file
 * offset per sector) and read at any position without being copied.
 *
 * Untrusted input: all of it.  Every sector number is checked against the
 * sectors the file really has; every chain walk marks the sectors it
 * visits in a bitmap and stops at the first repeat (a loop) or at a
 * number out of range (recorded as "broken"); the FAT covers only the
 * file's sectors, so tables are at most len / 128 entries; reads past the
 * end of the file stop there.  Ownership: the reader borrows the buffer
 * and owns its tables.  Thread-safe: a reader belongs to one caller.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "office_int.h"

#define CFB_HDR		512
#define CFB_DIRENT	128
#define CFB_END		0xfffffffeu
#define CFB_MAXREG	0xfffffffau
#define CFB_HDR_DIFAT	109

static const unsigned char cfb_sig[8] = {
	0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1
};

struct office_cfb {
	const unsigned char		*buf;
	size_t				 len;
	unsigned			 shift, mshift;
	uint32_t			 cutoff;
	uint32_t			 nsec;		/* whole sectors in the file */
	uint32_t			*fat;		/* nsec entries */
	uint32_t			*minifat;
	uint32_t			 nminifat;
	struct office_cfb_stream	 mini;		/* root's mini stream */
	const unsigned char		**ent;		/* 128 bytes each */
	uint32_t			*parent;
	unsigned char			*reached;
	size_t				 nent;
	unsigned char			*seen;		/* chain walk bitmap */
	size_t				 seen_bytes;
	int				 broken;
};

static uint16_t
cfb_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
cfb_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Sector sec's bytes (NULL if it is not wholly in the file). */
static const unsigned char *
cfb_sector(const struct office_cfb *c, uint32_t sec)
{
	uint64_t off = ((uint64_t)sec + 1) << c->shift;

	if (sec >= c->nsec || off + (1u << c->shift) > c->len)
		return NULL;
	return c->buf + off;
}

/*
 * Follow a chain in tab[0..ntab) from start, at most want links.  The
 * sector numbers go to an owned array (*out, *n_r).
 */
static void
cfb_walk(struct office_cfb *c, const uint32_t *tab, uint32_t ntab,
    uint32_t start, size_t want, uint32_t **out, size_t *n_r)
{
	size_t need = ((size_t)ntab + 7) / 8, n = 0, cap = 0;
	uint32_t sec = start, *v = NULL;

	if (need > c->seen_bytes) {
		c->seen = mem_realloc(c->seen, need);
		c->seen_bytes = need;
	}
	memset(c->seen, 0, need);
	while (sec != CFB_END && n < want) {
		if (sec >= ntab || (c->seen[sec / 8] & (1u << (sec % 8)))) {
			c->broken = 1;
			break;
		}
		c->seen[sec / 8] |= 1u << (sec % 8);
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = mem_reallocarray(v, cap, sizeof(*v));
		}
		v[n++] = sec;
		sec = tab[sec];
	}
	*out = v;
	*n_r = n;
}

static int
cfb_header(struct office_cfb *c)
{
	const unsigned char *h = c->buf;
	unsigned shift;

	if (c->len < 2 * CFB_HDR || memcmp(h, cfb_sig, 8) != 0)
		return -1;
	shift = cfb_le16(h + 0x1e);
	if (shift != 9 && shift != 12)
		shift = cfb_le16(h + 0x1a) == 4 ? 12 : 9;
	c->shift = shift;
	c->mshift = cfb_le16(h + 0x20);
	if (c->mshift < 6 || c->mshift > 9)	/* tolerate, but 6 is usual */
		c->mshift = 6;
	c->cutoff = cfb_le32(h + 0x38);
	if (c->len <= (1u << shift))
		return -1;
	c->nsec = (uint32_t)(((c->len - (1u << shift)) >> shift) >
	    CFB_MAXREG ? CFB_MAXREG : (c->len - (1u << shift)) >> shift);
	return c->nsec > 0 ? 0 : -1;
}

/* The FAT's own sector numbers: header DIFAT, then the DIFAT chain. */
static uint32_t *
cfb_fat_sectors(struct office_cfb *c, size_t *n_r)
{
	uint32_t epr = (1u << c->shift) / 4, sec, steps = 0;
	size_t need = ((size_t)c->nsec + epr - 1) / epr, n = 0, i;
	uint32_t *v;
	const unsigned char *s;

	if (cfb_le32(c->buf + 0x2c) < need)
		need = cfb_le32(c->buf + 0x2c);
	v = mem_reallocarray(NULL, need + 1, sizeof(*v));
	for (i = 0; i < CFB_HDR_DIFAT && n < need; i++)
		v[n++] = cfb_le32(c->buf + 0x4c + 4 * i);
	sec = cfb_le32(c->buf + 0x44);
	while (n < need && sec != CFB_END && steps++ < c->nsec) {
		if ((s = cfb_sector(c, sec)) == NULL) {
			c->broken = 1;
			break;
		}
		for (i = 0; i + 1 < epr && n < need; i++)
			v[n++] = cfb_le32(s + 4 * i);
		sec = cfb_le32(s + 4 * (epr - 1));
	}
	*n_r = n;
	return v;
}

static void
cfb_fat(struct office_cfb *c)
{
	uint32_t epr = (1u << c->shift) / 4, j, *fs;
	size_t nfs, k, idx;
	const unsigned char *s;

	c->fat = mem_reallocarray(NULL, c->nsec, sizeof(*c->fat));
	memset(c->fat, 0xff, (size_t)c->nsec * sizeof(*c->fat));
	fs = cfb_fat_sectors(c, &nfs);
	for (k = 0; k < nfs; k++) {
		if ((s = cfb_sector(c, fs[k])) == NULL)
			continue;
		for (j = 0; j < epr; j++) {
			idx = k * epr + j;
			if (idx >= c->nsec)
				break;
			c->fat[idx] = cfb_le32(s + 4 * j);
		}
	}
	free(fs);
}

static void
cfb_directory(struct office_cfb *c)
{
	unsigned per = (1u << c->shift) / CFB_DIRENT, k;
	uint32_t *secs;
	size_t n, i;
	const unsigned char *s;

	cfb_walk(c, c->fat, c->nsec, cfb_le32(c->buf + 0x30), SIZE_MAX,
	    &secs, &n);
	c->ent = mem_reallocarray(NULL, n * per + 1, sizeof(*c->ent));
	for (i = 0; i < n; i++) {
		if ((s = cfb_sector(c, secs[i])) == NULL)
			break;
		for (k = 0; k < per; k++)
			c->ent[c->nent++] = s + (size_t)k * CFB_DIRENT;
	}
	free(secs);
	c->parent = mem_reallocarray(NULL, c->nent + 1, sizeof(*c->parent));
	c->reached = mem_zalloc(c->nent + 1);
}

static void
cfb_minifat(struct office_cfb *c)
{
	uint32_t epr = (1u << c->shift) / 4, *secs, j;
	size_t n, i, want;
	const unsigned char *s;

	want = cfb_le32(c->buf + 0x40);
	cfb_walk(c, c->fat, c->nsec, cfb_le32(c->buf + 0x3c),
	    want > 0 ? want : SIZE_MAX, &secs, &n);
	c->minifat = mem_reallocarray(NULL, n * epr + 1, sizeof(*c->minifat));
	for (i = 0; i < n; i++) {
		if ((s = cfb_sector(c, secs[i])) == NULL)
			break;
		for (j = 0; j < epr; j++)
			c->minifat[c->nminifat++] = cfb_le32(s + 4 * j);
	}
	free(secs);
}

static uint64_t
cfb_entry_size(const struct office_cfb *c, const unsigned char *e)
{
	uint64_t lo = cfb_le32(e + 120), hi = cfb_le32(e + 124);

	return c->shift == 9 ? lo : lo | hi << 32;	/* v3: high is junk */
}

/* Map a regular chain of at most want sectors. */
static void
cfb_map_regular(struct office_cfb *c, uint32_t start, uint64_t size,
    struct office_cfb_stream *s)
{
	uint32_t *secs;
	size_t n, i, want;

	want = (size >> c->shift) + 1 > SIZE_MAX / 8 ? SIZE_MAX / 8 :
	    (size_t)(size >> c->shift) + 1;
	cfb_walk(c, c->fat, c->nsec, start, want, &secs, &n);
	s->off = mem_reallocarray(NULL, n + 1, sizeof(*s->off));
	for (i = 0; i < n; i++)
		s->off[i] = ((uint64_t)secs[i] + 1) << c->shift;
	free(secs);
	s->n = n;
	s->shift = c->shift;
	s->size = size < ((uint64_t)n << c->shift) ? size :
	    (uint64_t)n << c->shift;
}

/* Map a mini chain through the root's mini stream. */
static void
cfb_map_mini(struct office_cfb *c, uint32_t start, uint64_t size,
    struct office_cfb_stream *s)
{
	uint32_t *secs;
	size_t n, i, want = (size_t)(size >> c->mshift) + 1;
	uint64_t pos, mask = (1u << c->shift) - 1;

	cfb_walk(c, c->minifat, c->nminifat, start, want, &secs, &n);
	s->off = mem_reallocarray(NULL, n + 1, sizeof(*s->off));
	for (i = 0; i < n; i++) {
		pos = (uint64_t)secs[i] << c->mshift;
		if (pos + (1u << c->mshift) > c->mini.size) {
			c->broken = 1;
			break;
		}
		s->off[i] = c->mini.off[pos >> c->shift] + (pos & mask);
	}
	free(secs);
	s->n = i;
	s->shift = c->mshift;
	s->size = size < ((uint64_t)i << c->mshift) ? size :
	    (uint64_t)i << c->mshift;
}

static uint32_t
cfb_link(const struct office_cfb *c, size_t i, unsigned at)
{
	return cfb_le32(c->ent[i] + at);
}

/* Mark what the root's tree reaches, with each entry's parent. */
static void
cfb_tree(struct office_cfb *c)
{
	uint32_t *stack, *from, e, kids;
	size_t sp = 0;

	if (c->nent == 0 || c->ent[0][66] != OFFICE_CFB_ROOT)
		return;
	stack = mem_reallocarray(NULL, c->nent + 1, sizeof(*stack));
	from = mem_reallocarray(NULL, c->nent + 1, sizeof(*from));
	c->reached[0] = 1;
	c->parent[0] = OFFICE_CFB_NONE;
	kids = cfb_link(c, 0, 76);
	if (kids < c->nent && !c->reached[kids]) {
		c->reached[kids] = 1;
		from[sp] = 0;
		stack[sp++] = kids;
	}
	while (sp > 0) {
		e = stack[--sp];
		c->parent[e] = from[sp];
		for (unsigned at = 68; at <= 76; at += 4) {
			uint32_t x = cfb_link(c, e, at);

			if (x >= c->nent || c->reached[x])
				continue;
			c->reached[x] = 1;
			from[sp] = at == 76 ? e : c->parent[e];
			stack[sp++] = x;
		}
	}
	free(stack);
	free(from);
}

struct office_cfb *
office_cfb_open(const unsigned char *buf, size_t len)
{
	struct office_cfb *c = mem_zalloc(sizeof(*c));

	c->buf = buf;
	c->len = len;
	if (cfb_header(c) == -1) {
		free(c);
		return NULL;
	}
	cfb_fat(c);
	cfb_directory(c);
	cfb_minifat(c);
	if (c->nent > 0 && c->ent[0][66] == OFFICE_CFB_ROOT)
		cfb_map_regular(c, cfb_link(c, 0, 116),
		    cfb_entry_size(c, c->ent[0]), &c->mini);
	cfb_tree(c);
	return c;
}

void
office_cfb_free(struct office_cfb **cp)
{
	struct office_cfb *c = *cp;

	if (c == NULL)
		return;
	free(c->fat);
	free(c->minifat);
	free(c->mini.off);
	free(c->ent);
	free(c->parent);
	free(c->reached);
	free(c->seen);
	free(c);
	*cp = NULL;
}

size_t
office_cfb_count(const struct office_cfb *c)
{
	return c->nent;
}

unsigned
office_cfb_type(const struct office_cfb *c, size_t i)
{
	return i < c->nent && c->reached[i] ? c->ent[i][66] : 0;
}

uint32_t
office_cfb_parent(const struct office_cfb *c, size_t i)
{
	return i < c->nent && c->reached[i] ? c->parent[i] : OFFICE_CFB_NONE;
}

uint64_t
office_cfb_size(const struct office_cfb *c, size_t i)
{
	return i < c->nent ? cfb_entry_size(c, c->ent[i]) : 0;
}

int
office_cfb_broken(const struct office_cfb *c)
{
	return c->broken;
}

/* UTF-16LE code units to UTF-8 (surrogate pairs joined, lone ones U+FFFD). */
static size_t
cfb_utf8(uint32_t u, char *o)
{
	if (u < 0x80) {
		o[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (char)(0xc0 | u >> 6);
		o[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		o[0] = (char)(0xe0 | u >> 12);
		o[1] = (char)(0x80 | (u >> 6 & 0x3f));
		o[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | u >> 18);
	o[1] = (char)(0x80 | (u >> 12 & 0x3f));
	o[2] = (char)(0x80 | (u >> 6 & 0x3f));
	o[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

void
office_cfb_name(const struct office_cfb *c, size_t i, char *name,
    size_t cap)
{
	const unsigned char *e;
	size_t n, k, m, o = 0;
	uint32_t u, lo;
	char tmp[4];

	name[0] = '\0';
	if (i >= c->nent || cap == 0)
		return;
	e = c->ent[i];
	n = cfb_le16(e + 64) / 2;
	n = n > 32 ? 32 : n;
	for (k = 0; k < n; k++) {
		if ((u = cfb_le16(e + 2 * k)) == 0)
			break;
		if (u >= 0xd800 && u < 0xdc00 && k + 1 < n &&
		    (lo = cfb_le16(e + 2 * k + 2)) >= 0xdc00 && lo < 0xe000) {
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			k++;
		} else if (u >= 0xd800 && u < 0xe000)
			u = 0xfffd;
		m = cfb_utf8(u, tmp);
		if (o + m >= cap)
			break;
		memcpy(name + o, tmp, m);
		o += m;
	}
	name[o] = '\0';
}

void
office_cfb_path(const struct office_cfb *c, size_t i, char *buf, size_t cap)
{
	char part[OFFICE_NAME_MAX], tmp[OFFICE_NAME_MAX * 2];
	uint32_t e = (uint32_t)i;
	unsigned depth = 0;
	char *p;

	buf[0] = '\0';
	while (e != OFFICE_CFB_NONE && e != 0 && e < c->nent &&
	    c->reached[e] && depth++ < 32) {
		office_cfb_name(c, e, part, sizeof(part));
		for (p = part; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		snprintf(tmp, sizeof(tmp), "%s%s%s", part, buf[0] ? "/" : "",
		    buf);
		snprintf(buf, cap, "%s", tmp);
		e = c->parent[e];
	}
}

int
office_cfb_stream(struct office_cfb *c, size_t i,
    struct office_cfb_stream *s)
{
	uint64_t size;
	uint32_t start;

	memset(s, 0, sizeof(*s));
	if (office_cfb_type(c, i) != OFFICE_CFB_STREAM)
		return -1;
	size = cfb_entry_size(c, c->ent[i]);
	start = cfb_link(c, i, 116);
	if (size < c->cutoff)
		cfb_map_mini(c, start, size, s);
	else
		cfb_map_regular(c, start, size, s);
	if (s->size > 0)
		return 0;
	office_cfb_stream_free(s);
	return -1;
}

void
office_cfb_stream_free(struct office_cfb_stream *s)
{
	free(s->off);
	memset(s, 0, sizeof(*s));
}

size_t
office_cfb_read(const struct office_cfb *c,
    const struct office_cfb_stream *s, uint64_t pos, void *dst, size_t n)
{
	unsigned char *d = dst;
	uint64_t secsz = (uint64_t)1 << s->shift, off, in;
	size_t done = 0, k;

	while (done < n && pos < s->size) {
		in = pos & (secsz - 1);
		k = secsz - in < n - done ? (size_t)(secsz - in) : n - done;
		if (k > s->size - pos)
			k = (size_t)(s->size - pos);
		off = s->off[pos >> s->shift] + in;
		if (off >= c->len)
			break;
		if (k > c->len - off)
			k = (size_t)(c->len - off);
		if (k == 0)
			break;
		memcpy(d + done, c->buf + off, k);
		done += k;
		pos += k;
	}
	return done;
}
