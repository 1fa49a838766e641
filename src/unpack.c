/*
 * unpack: archives and disk images (see unpack.h).
 *
 * For each archive (zip, 7z, RAR4/RAR5, LZH, CAB, tar, cpio, ar, ISO 9660,
 * and single gzip/bzip2/xz/lzma/lzip/zstd/compress streams) a fresh
 * libarchive handle reads it from memory (unpack_ar.c).  Zips and RARs are
 * first listed by our own header parsers (unpack_zip.c, unpack_rar.c):
 * names as Windows shows them, local/central name confusion, encryption
 * libarchive does not report.  Each member's data goes back through
 * analyse_object() at depth + 1 with where = "<part>/<archive name>/
 * <member>", so members get the same judgement as MIME parts (real type,
 * names, hashes, nested archives, macros).  Encrypted members cannot be
 * given their data: their names are checked and listed, and the archive
 * gets one archive.encrypted finding.  Disk images (ISO 9660, UDF, VHD,
 * VHDX, ...) are attachment.disk_image and are listed where libarchive can.
 *
 * Untrusted input: the archive bytes.  Limits (policy): nesting depth
 * (depth + 1 > max_archive_depth: not opened), members per archive,
 * expanded bytes per message (msg->expanded_bytes), expansion ratio (a
 * member's expanded bytes over its stored bytes, and the archive's over
 * its size, judged above UNPACK_RATIO_FLOOR bytes), scan time; all
 * checked as each UNPACK_BLOCK is read, so a bomb is stopped, never
 * expanded in full.  Exceeding one is a limit.* finding with the value and
 * the limit, and ends the walk of that archive.  A member's copy is
 * capped at max_part_size (the rest is counted, and limit.part_size
 * recorded); nested archives hold one copy per level, all counted in the
 * expanded bytes, so memory stays within max_expanded_size plus one part.
 *
 * Ownership: everything is freed before unpack_scan returns; findings and
 * reports are copied into the message's arena.  Thread-safety: one
 * message per thread; libarchive runs under a thread-local C.UTF-8 locale
 * (uselocale) so that it can report UTF-8 names, restored around every
 * call out of the module.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse.h"
#include "arena.h"
#include "content.h"
#include "decode.h"
#include "ftype.h"
#include "mem.h"
#include "msgctx.h"
#include "names.h"
#include "policy.h"
#include "sbuf.h"
#include "unpack.h"
#include "unpack_int.h"
#include "urlcheck.h"

static pthread_once_t unpack_once = PTHREAD_ONCE_INIT;
static locale_t unpack_utf8;

static void
unpack_locale_init(void)
{
	unpack_utf8 = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
	if (unpack_utf8 == (locale_t)0)
		unpack_utf8 = newlocale(LC_ALL_MASK, "en_US.UTF-8",
		    (locale_t)0);
}

struct unpack_member *
unpack_list_add(struct unpack_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->m = mem_reallocarray(l->m, l->cap, sizeof(*l->m));
	}
	memset(&l->m[l->n], 0, sizeof(l->m[0]));
	return &l->m[l->n++];
}

void
unpack_list_free(struct unpack_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->m[i].name);
		free(l->m[i].alt[0]);
		free(l->m[i].alt[1]);
		free(l->m[i].raw);
	}
	free(l->m);
	memset(l, 0, sizeof(*l));
}

int
unpack_name_decode(const unsigned char *raw, size_t len, int utf8,
    char **name_r, const char **error_r)
{
	struct sbuf out, in;
	unsigned flags = 0;
	size_t i;
	int rc;

	sbuf_init(&in, 0);
	for (i = 0; i < len; i++)
		if (raw[i] == '\0')
			sbuf_append(&in, "\xef\xbf\xbd", 3);
		else
			sbuf_putc(&in, raw[i]);
	sbuf_init(&out, 0);
	rc = decode_charset("UTF-8", in.data, in.len, &out, &flags);
	if (rc == 0 && !utf8 && (flags & DECODE_F_BAD_BYTES)) {
		sbuf_reset(&out);
		rc = decode_charset("CP932", in.data, in.len, &out, &flags);
	}
	sbuf_release(&in);
	if (rc == -1) {
		sbuf_release(&out);
		*error_r = "unpack: cannot convert a member name";
		return -1;
	}
	*name_r = mem_strdup(sbuf_str(&out));
	sbuf_release(&out);
	return 0;
}

/* Calls out of the module run in the caller's locale. */
static void
unpack_leave(struct unpack *u)
{
	if (u->loc != (locale_t)0)
		uselocale(u->old);
}

static void
unpack_enter(struct unpack *u)
{
	if (u->loc != (locale_t)0)
		uselocale(u->loc);
}

/* "<part>/<archive name>/<member>", the member name cut (at its start,
 * on a UTF-8 boundary) to max_name_length bytes.  Owned. */
static char *
unpack_where(const struct unpack *u, const char *name)
{
	size_t len = strlen(name), max = u->lim->name_length;
	const char *cut = "";
	struct sbuf w;

	if (len > max) {
		name += len - max;
		while ((*name & 0xc0) == 0x80)
			name++;
		cut = "...";
	}
	sbuf_init(&w, 0);
	sbuf_printf(&w, "%s/%s%s", u->base, cut, name);
	return sbuf_steal(&w, NULL);
}

static const char *
unpack_base(struct msgctx *msg, const struct content_obj *o)
{
	if (o->depth == 0 && o->nnames > 0 && o->names[0] != NULL &&
	    o->names[0][0] != '\0')
		return arena_printf(msg->arena, "%s/%s", o->where,
		    o->names[0]);
	return o->where;
}

/* Record a limit finding once per message and end this walk. */
static int
unpack_limit(struct unpack *u, const char *rule, const char *where,
    const char *detail)
{
	u->stop = 1;
	if (strcmp(rule, "limit.expansion_ratio") == 0 ||
	    !msgctx_has_rule(u->msg, rule))
		msgctx_finding(u->msg, rule, where, "%s", detail);
	return 1;
}

int
unpack_check(struct unpack *u)
{
	const struct policy_limits *lim = u->lim;
	uint64_t ms = msgctx_elapsed_ms(u->msg);
	char d[200];

	if (u->stop)
		return 1;
	if (lim->scan_time_ms > 0 && ms > lim->scan_time_ms) {
		snprintf(d, sizeof(d), "scanning took %llu ms, limit %u ms; "
		    "the rest of the archive was not examined",
		    (unsigned long long)ms, lim->scan_time_ms);
		return unpack_limit(u, "limit.scan_time", u->o->where, d);
	}
	if (u->msg->expanded_bytes >= lim->expanded_size) {
		snprintf(d, sizeof(d), "archives expanded to %llu bytes, "
		    "limit %llu; the rest was not examined",
		    (unsigned long long)u->msg->expanded_bytes,
		    (unsigned long long)lim->expanded_size);
		return unpack_limit(u, "limit.expanded_size", u->o->where, d);
	}
	return 0;
}

static void
unpack_entries_finding(struct unpack *u)
{
	msgctx_finding(u->msg, "limit.archive_entries", u->o->where,
	    "more than %u members, limit %u; the rest was not examined",
	    u->lim->archive_entries, u->lim->archive_entries);
}

int
unpack_count_entry(struct unpack *u)
{
	if (++u->entries <= u->lim->archive_entries)
		return 0;
	unpack_entries_finding(u);
	u->stop = 1;
	return 1;
}

/* Is a/b (a > FLOOR) over the ratio?  b == 0 counts as 1. */
static int
unpack_over_ratio(uint64_t a, uint64_t b, unsigned ratio)
{
	return a > UNPACK_RATIO_FLOOR && a / (b > 0 ? b : 1) > ratio;
}

int
unpack_account(struct unpack *u, size_t n, uint64_t total, uint64_t csize)
{
	const struct policy_limits *lim = u->lim;
	uint64_t *ex = &u->msg->expanded_bytes;
	char d[200];

	u->expanded += n;
	*ex = n > UINT64_MAX - *ex ? UINT64_MAX : *ex + n;
	if (*ex > lim->expanded_size)
		return unpack_check(u);
	if (csize > u->o->len)
		csize = u->o->len;	/* a directory's claim, not the truth */
	if ((csize > 0 && unpack_over_ratio(total, csize,
	    lim->expansion_ratio)) || unpack_over_ratio(u->expanded,
	    u->o->len, lim->expansion_ratio)) {
		snprintf(d, sizeof(d), "%llu bytes expanded from a %llu-byte "
		    "%s, ratio over %u:1; stopped there",
		    (unsigned long long)(csize > 0 ? total : u->expanded),
		    (unsigned long long)(csize > 0 ? csize : u->o->len),
		    csize > 0 ? "member" : "archive", lim->expansion_ratio);
		return unpack_limit(u, "limit.expansion_ratio", u->o->where,
		    d);
	}
	return unpack_check(u);
}

static void
unpack_names(struct unpack *u, const char *where, const char *const *names,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		names_check(u->msg, where, names[i]);
	urlcheck_names(u->msg, where, names, n);
}

int
unpack_member(struct unpack *u, const char *const *names, size_t n,
    uint64_t total, const char **error_r)
{
	char *where = unpack_where(u, names[0]);
	int rc;

	if (total > u->data.len)
		msgctx_finding(u->msg, "limit.part_size", where,
		    "member is %s%llu bytes, limit %llu; examined the first "
		    "%zu", u->stop ? "at least " : "",
		    (unsigned long long)total,
		    (unsigned long long)u->lim->part_size, u->data.len);
	unpack_leave(u);
	rc = analyse_object(u->msg, where, names, n, NULL,
	    u->data.len > 0 ? u->data.data : (const unsigned char *)"",
	    u->data.len, u->o->depth + 1, error_r);
	unpack_enter(u);
	free(where);
	return rc;
}

/* Add a name to the list shown in the archive.encrypted detail. */
static void
unpack_enc_name(struct unpack *u, const char *name)
{
	struct sbuf *s = &u->enc_names;
	size_t n = strlen(name);

	if (s->truncated)
		return;
	if (s->len + n + 2 > UNPACK_ENC_SHOW) {
		if (s->len == 0) {
			/* Cut a long first name at a character boundary;
			 * n < strlen(name), so name[n] is inside it. */
			if (n > UNPACK_ENC_SHOW - 4)
				n = UNPACK_ENC_SHOW - 4;
			while (n > 0 && (name[n] & 0xc0) == 0x80)
				n--;
			sbuf_append(s, name, n);
		}
		sbuf_puts(s, s->len > 0 ? ", ..." : "...");
		s->truncated = 1;
		return;
	}
	if (s->len > 0)
		sbuf_puts(s, ", ");
	sbuf_puts(s, name);
}

void
unpack_encrypted(struct unpack *u, const char *const *names, size_t n,
    uint64_t usize, const char *method)
{
	char *where = unpack_where(u, names[0]);
	struct part_report *p;
	struct sbuf fold;

	u->nenc++;
	if (u->enc_method == NULL)
		u->enc_method = method;
	unpack_enc_name(u, names[0]);
	unpack_leave(u);
	unpack_names(u, where, names, n);
	if ((p = msgctx_add_part(u->msg)) != NULL) {
		p->where = arena_strdup(u->msg->arena, where);
		sbuf_init(&fold, u->lim->name_length);
		if (names_fold(names[0], u->lim->name_length, &fold) != -1)
			p->name = arena_strdup(u->msg->arena, sbuf_str(&fold));
		sbuf_release(&fold);
		p->detected = "application/octet-stream";
		p->size = usize;
	}
	unpack_enter(u);
	free(where);
}

void
unpack_error(struct unpack *u, const char *format, const char *method,
    const char *errstr)
{
	char e[UNPACK_ERR_SHOW];

	snprintf(e, sizeof(e), "%s", errstr != NULL ? errstr : "no reason");
	if (strstr(e, "ncrypt") != NULL || strstr(e, "assphrase") != NULL ||
	    strstr(e, "assword") != NULL) {
		if (u->enc_method == NULL)
			u->enc_method = method;
		if (u->nenc == 0 && u->entries == 0)
			u->names_hidden = 1;
		else if (u->nenc == 0)
			u->enc_other = 1;
		return;
	}
	if (u->o->truncated)
		return;		/* a prefix: limit.part_size says why */
	msgctx_finding(u->msg, "archive.corrupt", u->o->where,
	    "%s cannot be read: %s", format, e);
}

static int
unpack_is_zip(const struct content_obj *o)
{
	static const char *const mimes[] = { "application/zip",
	    "application/x-zip-compressed", "application/x-zip",
	    "application/java-archive" };
	size_t i;

	if (o->len >= 4 && (memcmp(o->data, "PK\3\4", 4) == 0 ||
	    memcmp(o->data, "PK\5\6", 4) == 0))
		return 1;
	for (i = 0; i < sizeof(mimes) / sizeof(mimes[0]); i++)
		if (strcmp(o->type->mime, mimes[i]) == 0)
			return 1;
	return 0;
}

/* Our own listing (zip, RAR); names the tool shows, name confusion. */
static int
unpack_own(struct unpack *u, const char **error_r)
{
	const unsigned char *p = u->o->data;
	size_t i, max = u->lim->archive_entries;
	int rc;

	/* Only a zip's own directory: a tar or 7z may hold a stored zip
	 * whose end record would otherwise be taken for the outer one. */
	if (unpack_is_zip(u->o))
		rc = unpack_zip_list(p, u->o->len, max, &u->own, error_r);
	else
		rc = unpack_rar_list(p, u->o->len, max, &u->own, error_r);
	if (rc <= 0)
		return rc;
	for (i = 0; i < u->own.n; i++) {
		struct unpack_member *m = &u->own.m[i];
		char *where;

		if (!(m->flags & UNPACK_M_MISMATCH))
			continue;
		where = unpack_where(u, m->name);
		msgctx_finding(u->msg, "archive.name_mismatch", where,
		    "central directory says \"%s\", local header says \"%s\"",
		    m->name, m->alt[0] != NULL ? m->alt[0] : "");
		free(where);
	}
	if (u->own.truncated)
		unpack_entries_finding(u);
	if (u->own.names_hidden) {
		u->names_hidden = 1;
		u->enc_method = u->own.method;
	}
	return 0;
}

/* Members our parsers listed that the walk did not reach: names only. */
static void
unpack_unseen(struct unpack *u)
{
	size_t i, n;

	for (i = 0; i < u->own.n; i++) {
		struct unpack_member *m = &u->own.m[i];
		const char *names[3];

		if (m->flags & (UNPACK_M_SEEN | UNPACK_M_DIR))
			continue;
		names[0] = m->name;
		n = 1;
		if (m->alt[0] != NULL)
			names[n++] = m->alt[0];
		if (m->alt[1] != NULL)
			names[n++] = m->alt[1];
		if (m->flags & UNPACK_M_ENCRYPTED) {
			unpack_encrypted(u, names, n, m->usize, m->method);
		} else {
			char *where = unpack_where(u, m->name);

			unpack_leave(u);
			unpack_names(u, where, names, n);
			unpack_enter(u);
			free(where);
		}
	}
}

static void
unpack_encrypted_finding(struct unpack *u)
{
	const char *method = u->enc_method ? u->enc_method : "unknown method";

	if (u->names_hidden)
		msgctx_finding(u->msg, "archive.encrypted", u->o->where,
		    "%s: the member names are encrypted too; nothing inside "
		    "could be inspected", method);
	else if (u->enc_other)
		msgctx_finding(u->msg, "archive.encrypted", u->o->where,
		    "%s: encrypted content could not be inspected", method);
	else if (u->nenc > 0)
		msgctx_finding(u->msg, "archive.encrypted", u->o->where,
		    "%s: %zu encrypted member%s not inspected: %s", method,
		    u->nenc, u->nenc == 1 ? "" : "s", sbuf_str(&u->enc_names));
}

/* Archives, and the disk images libarchive can list (ISO 9660; UDF
 * bridge images carry ISO 9660 too). */
static int
unpack_listable(const struct content_obj *o)
{
	if (o->type->cls == FTYPE_ARCHIVE)
		return 1;
	return o->type->cls == FTYPE_DISK_IMAGE &&
	    (strcmp(o->type->mime, "application/x-iso9660-image") == 0 ||
	    strcmp(o->type->mime, "application/x-udf-image") == 0);
}

static void
unpack_init(struct unpack *u, struct msgctx *msg, const struct content_obj *o)
{
	memset(u, 0, sizeof(*u));
	u->msg = msg;
	u->o = o;
	u->lim = &msg->pol->lim;
	u->base = unpack_base(msg, o);
	u->disk = o->type->cls == FTYPE_DISK_IMAGE;
	sbuf_init(&u->enc_names, 0);
	/* sbuf's max 0 means unlimited: keep one byte at least. */
	sbuf_init(&u->data, u->lim->part_size > 0 ?
	    (size_t)(u->lim->part_size > SIZE_MAX - 2 ? SIZE_MAX - 2 :
	    u->lim->part_size) : 1);
	u->block = mem_alloc(UNPACK_BLOCK);
	(void)pthread_once(&unpack_once, unpack_locale_init);
	u->loc = unpack_utf8;
	if (u->loc != (locale_t)0)
		u->old = uselocale(u->loc);
}

static void
unpack_done(struct unpack *u)
{
	unpack_leave(u);
	unpack_list_free(&u->own);
	sbuf_release(&u->enc_names);
	sbuf_release(&u->data);
	free(u->block);
}

/*
 * A zip without a readable central directory: libarchive's directory
 * reader sees nothing at all (EOF, no error), while streaming unzippers
 * still extract what the local headers hold.  Say so, and read those.
 */
static int
unpack_zip_nodir(const struct unpack *u)
{
	return u->own.format == NULL && u->o->len >= 4 &&
	    memcmp(u->o->data, "PK\3\4", 4) == 0;
}

/* Members in the central directory that the walk never met. */
static void
unpack_missed(struct unpack *u)
{
	size_t i, n = 0;

	if (u->stop || u->own.format == NULL ||
	    strcmp(u->own.format, "zip") != 0)
		return;
	for (i = 0; i < u->own.n; i++)
		if (!(u->own.m[i].flags & UNPACK_M_SEEN))
			n++;
	if (n > 0 && !u->o->truncated)
		msgctx_finding(u->msg, "archive.corrupt", u->o->where,
		    "%zu of %zu members in the central directory could not "
		    "be read", n, u->own.n);
}

static int
unpack_walk(struct unpack *u, const char **error_r)
{
	int stream;

	if (unpack_check(u))
		return 0;
	if (unpack_own(u, error_r) == -1)
		return -1;
	if ((stream = unpack_zip_nodir(u)) && !u->o->truncated)
		msgctx_finding(u->msg, "archive.corrupt", u->o->where,
		    "zip without a readable central directory; members read "
		    "from their local headers");
	if (!u->names_hidden && unpack_ar_walk(u, stream, error_r) == -1)
		return -1;
	unpack_missed(u);
	unpack_unseen(u);
	unpack_encrypted_finding(u);
	return 0;
}

int
unpack_scan(struct msgctx *msg, const struct content_obj *o,
    const char **error_r)
{
	struct unpack u;
	int rc;

	if (o->type->cls == FTYPE_DISK_IMAGE)
		msgctx_finding(msg, "attachment.disk_image", o->where,
		    "%s (%s)", o->type->desc, o->type->mime);
	if (!unpack_listable(o))
		return 0;
	if (o->depth >= msg->pol->lim.archive_depth) {
		msgctx_finding(msg, "limit.archive_depth", o->where,
		    "archive nested %u deep, limit %u; its members were not "
		    "examined", o->depth + 1, msg->pol->lim.archive_depth);
		return 0;
	}
	unpack_init(&u, msg, o);
	rc = unpack_walk(&u, error_r);
	unpack_done(&u);
	return rc;
}
