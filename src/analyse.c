/*
 * analyse: judging one part or in-memory object (see analyse.h).
 *
 * Untrusted input: the part's decoded bytes, its names and declared type.
 * Limits: the copy kept for type detection is capped at the policy's
 * max_part_size (beyond it the stream is still hashed whole and
 * limit.part_size is recorded with the real size); ftype looks at a
 * bounded prefix of that; names are folded up to max_name_length.
 * Ownership: a struct analyse owns its buffer (a partbuf: in memory
 * within max_part_memory, else in a file) and hash context; strings
 * put in reports and findings are copied into the message's arena.
 * Not thread-safe: belongs to one message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyse.h"
#include "arena.h"
#include "content.h"
#include "ftype.h"
#include "hash.h"
#include "lists.h"
#include "log.h"
#include "mem.h"
#include "mime.h"
#include "msgctx.h"
#include "names.h"
#include "partbuf.h"
#include "policy.h"
#include "sbuf.h"

struct analyse {
	struct msgctx	*msg;
	const char	*where;			/* arena */
	const char	*names[MIME_MAX_NAMES];	/* arena */
	size_t		 nnames;
	const char	*declared[2];		/* arena; ctype, ctype_alt */
	const char	*charset;		/* arena; of a text part */
	int		 leaf;			/* has data */
	struct partbuf	 buf;			/* bounded copy */
	uint64_t	 limit;			/* bytes kept at most */
	uint64_t	 total;			/* bytes seen */
	struct hash	*hash;
	const char	*hash_error;		/* hash_new failed */
};

/* What judging needs about an object, MIME part or archive member. */
struct analyse_obj {
	const char		*where;
	const char *const	*names;
	size_t			 nnames;
	const char		*declared[2];
	const unsigned char	*data;
	size_t			 len;		/* bytes kept */
	uint64_t		 total;		/* bytes in the object */
	uint64_t		 limit;
	const struct hash_digests *dig;
	const char		*charset;
	unsigned		 depth;		/* archive nesting */
};

/* sha256 always (reports); sha1 and md5 only if the hash list has some. */
static unsigned
analyse_digests(const struct msgctx *msg)
{
	return HASH_F_SHA256 | lists_hash_kinds(msg->pol->hash_blocklist);
}

static const char *
analyse_dup(struct msgctx *msg, const char *s)
{
	return s != NULL ? arena_strdup(msg->arena, s) : NULL;
}

static void
analyse_limit_finding(struct msgctx *msg, const struct analyse_obj *o)
{
	msgctx_finding(msg, "limit.part_size", o->where,
	    "part is %llu bytes, limit %llu; examined the first %llu",
	    (unsigned long long)o->total, (unsigned long long)o->limit,
	    (unsigned long long)o->len);
}

/* Declared type and each name's extension against the real type. */
static void
analyse_mismatch(struct msgctx *msg, const struct analyse_obj *o,
    const struct ftype_result *r)
{
	char ext[NAMES_EXT_MAX + 1], reason[512];
	size_t i, n = o->nnames > 0 ? o->nnames : 1;

	for (int d = 0; d < 2; d++) {
		if (d == 1 && o->declared[1] == NULL)
			break;
		for (i = 0; i < n; i++) {
			int has = o->nnames > 0 && o->names[i] != NULL &&
			    names_extension(o->names[i], ext, sizeof(ext));

			if (ftype_compare(o->declared[d], has ? ext : NULL, r,
			    reason, sizeof(reason)))
				msgctx_finding(msg, "attachment.type_mismatch",
				    o->where, "%s", reason);
		}
	}
}

static void
analyse_hashes(struct msgctx *msg, const struct analyse_obj *o)
{
	const struct strset *set = msg->pol->hash_blocklist;
	const char *const alg[3] = { "sha256", "sha1", "md5" };
	const char *const hex[3] = { o->dig->sha256, o->dig->sha1,
	    o->dig->md5 };

	for (int i = 0; i < 3; i++)
		if (hex[i][0] != '\0' && lists_has_hash(set, hex[i]))
			msgctx_finding(msg, "attachment.hash_blocklisted",
			    o->where, "%s %s is on the hash blocklist",
			    alg[i], hex[i]);
}

static void
analyse_report(struct msgctx *msg, const struct analyse_obj *o,
    const struct ftype_result *r)
{
	struct part_report *p = msgctx_add_part(msg);
	struct sbuf name;

	if (p == NULL)
		return;
	p->where = analyse_dup(msg, o->where);
	if (o->nnames > 0 && o->names[0] != NULL) {
		sbuf_init(&name, msg->pol->lim.name_length);
		if (names_fold(o->names[0], msg->pol->lim.name_length,
		    &name) != -1)
			p->name = arena_strdup(msg->arena, sbuf_str(&name));
		else
			p->name = analyse_dup(msg, o->names[0]);
		sbuf_release(&name);
	}
	p->declared = analyse_dup(msg, o->declared[0]);
	p->detected = arena_strdup(msg->arena, r->mime);
	p->size = o->total;
	memcpy(p->sha256, o->dig->sha256, sizeof(p->sha256));
}

/* Deep inspection by the module that knows the real type (content.h). */
static int
analyse_content(struct msgctx *msg, const struct analyse_obj *o,
    const struct ftype_result *r, const char **error_r)
{
	struct content_obj c;

	memset(&c, 0, sizeof(c));
	c.where = o->where;
	c.names = o->names;
	c.nnames = o->nnames;
	c.declared = o->declared[0];
	c.charset = o->charset;
	c.data = o->data;
	c.len = o->len;
	c.truncated = o->total > o->len;
	c.depth = o->depth;
	c.type = r;
	return content_scan(msg, &c, error_r);
}

/* Everything but the name checks, which the callers do themselves. */
static int
analyse_judge(struct msgctx *msg, const struct analyse_obj *o,
    const char **error_r)
{
	struct ftype_result r;
	int rc;

	if (o->total > o->len)
		analyse_limit_finding(msg, o);
	if (o->total > o->len)
		rc = ftype_detect_prefix(o->data, o->len, &r, error_r);
	else
		rc = ftype_detect(o->data, o->len, &r, error_r);
	if (rc == -1)
		return -1;
	if (r.cls == FTYPE_EXECUTABLE)
		msgctx_finding(msg, "attachment.executable", o->where, "%s",
		    r.desc);
	analyse_mismatch(msg, o, &r);
	analyse_hashes(msg, o);
	analyse_report(msg, o, &r);
	return analyse_content(msg, o, &r, error_r);
}

struct analyse *
analyse_begin(struct msgctx *msg, const struct mime_part *part)
{
	struct analyse *a = mem_zalloc(sizeof(*a));
	size_t i;

	/* Before anything else: analyse_end releases it for every part. */
	partbuf_init(&a->buf, 0, 0, NULL);
	a->msg = msg;
	a->where = arena_strdup(msg->arena, part->where ? part->where : "");
	for (i = 0; i < part->nnames && i < MIME_MAX_NAMES; i++) {
		if (part->names[i] == NULL)
			continue;
		a->names[a->nnames++] = arena_strdup(msg->arena,
		    part->names[i]);
		names_check(msg, a->where, part->names[i]);
	}
	a->leaf = part->kind == MIME_LEAF || part->kind == MIME_EMBEDDED;
	if (!a->leaf)
		return a;
	/* Embedded (uuencode/yEnc) parts inherit the text part's type. */
	if (part->kind == MIME_LEAF) {
		a->declared[0] = analyse_dup(msg, part->ctype);
		a->declared[1] = analyse_dup(msg, part->ctype_alt);
		a->charset = analyse_dup(msg, part->charset);
	}
	a->limit = msg->pol->lim.part_size;
	/* Within the daemon's budget of part memory (max_part_memory). */
	partbuf_init(&a->buf, a->limit > SIZE_MAX - 2 ? SIZE_MAX - 2 :
	    (size_t)a->limit, msg->pol->part_memory, msg->pol->spool_dir);
	a->hash = hash_new_set(analyse_digests(msg), &a->hash_error);
	return a;
}

int
analyse_data(struct analyse *a, const unsigned char *p, size_t len,
    const char **error_r)
{
	if (!a->leaf || len == 0)
		return 0;
	if (a->hash == NULL) {
		*error_r = a->hash_error;
		return -1;
	}
	if (hash_update(a->hash, p, len, error_r) == -1)
		return -1;
	a->total = len > UINT64_MAX - a->total ? UINT64_MAX :
	    a->total + len;
	if (!partbuf_truncated(&a->buf))
		return partbuf_append(&a->buf, p, len, error_r);
	return 0;
}

static int
analyse_finish(struct analyse *a, const char **error_r)
{
	struct hash_digests dig;
	struct analyse_obj o;

	if (a->hash == NULL) {
		*error_r = a->hash_error;
		return -1;
	}
	if (hash_final(a->hash, &dig, error_r) == -1)
		return -1;
	memset(&o, 0, sizeof(o));
	o.where = a->where;
	o.names = a->names;
	o.nnames = a->nnames;
	o.declared[0] = a->declared[0];
	o.declared[1] = a->declared[1];
	if ((o.data = partbuf_data(&a->buf, error_r)) == NULL)
		return -1;
	o.len = partbuf_len(&a->buf);
	o.total = a->total;
	o.limit = a->limit;
	o.dig = &dig;
	o.charset = a->charset;
	return analyse_judge(a->msg, &o, error_r);
}

int
analyse_end(struct analyse **ap, const char **error_r)
{
	struct analyse *a;
	int rc = 0;

	if (ap == NULL || *ap == NULL)
		return 0;
	a = *ap;
	if (a->leaf)
		rc = analyse_finish(a, error_r);
	hash_free(&a->hash);
	partbuf_release(&a->buf);
	free(a);
	*ap = NULL;
	return rc;
}

int
analyse_object(struct msgctx *msg, const char *where,
    const char *const *names, size_t nnames, const char *declared,
    const unsigned char *data, size_t len, unsigned depth,
    const char **error_r)
{
	struct hash_digests dig;
	struct analyse_obj o;
	size_t i;

	where = where != NULL ? where : "";
	for (i = 0; i < nnames; i++)
		if (names[i] != NULL)
			names_check(msg, where, names[i]);
	if (hash_buffer_set(analyse_digests(msg), data, len, &dig,
	    error_r) == -1)
		return -1;
	memset(&o, 0, sizeof(o));
	o.where = where;
	o.names = names;
	o.nnames = nnames;
	o.declared[0] = declared;
	o.data = data;
	o.len = len;
	o.total = len;
	o.limit = msg->pol->lim.part_size;
	o.dig = &dig;
	o.depth = depth;
	return analyse_judge(msg, &o, error_r);
}
