/*
 * triagectl quarantine: the commands that change things (triagectl(8)):
 * release, delete, purge, audit, init-key and import.  Each change is
 * audited by the quar module in the same transaction (who: uid, user
 * name, SUDO_USER; when; why).
 *
 * Untrusted input: the reasons and addresses given by the administrator
 * (bounded, control characters refused), the stored envelope (checked
 * again by quar_release), and for import a message file (scanned by the
 * same engine as the milter, at most the policy's message size).
 * Not thread-safe (a command-line program).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"
#include "msgctx.h"
#include "policy.h"
#include "quar.h"
#include "report.h"
#include "sbuf.h"
#include "scan.h"
#include "token.h"
#include "triagectl_quar.h"

#define CTL_ADDR_MAX	998
#define CTL_HDR_MAX	8192	/* bytes of a header value kept by import */

/* The common end of release and delete: a result code to a status. */
static int
ctl_q_result(int r, int64_t id, const char *verb, const char *err)
{
	switch (r) {
	case QUAR_OK:
		return 0;
	case QUAR_NOT_FOUND:
		return ctl_q_fail(1, "no quarantined message %lld",
		    (long long)id);
	case QUAR_BAD_STATE:
		return ctl_q_fail(1, "cannot %s message %lld: %s", verb,
		    (long long)id, err);
	case QUAR_SEND_FAILED:
		return ctl_q_fail(1, "message %lld was not released: %s; it "
		    "stays quarantined, nothing is lost", (long long)id, err);
	default:
		return ctl_q_fail(2, "%s", err);
	}
}

/* Command arguments: exactly one id, and a valid reason when needed. */
static int
ctl_q_id_reason(struct ctl_q *c, int argc, char **argv,
    const struct ctl_opt *opts, size_t nopts, const char *const *reason,
    int64_t *id_r)
{
	const char *pos[1], *err = NULL;
	size_t np;

	if (ctl_q_args(c, argc, argv, opts, nopts, pos, 1, &np) == -1)
		return 2;
	if (np != 1)
		return ctl_q_fail(2, "which id?");
	if (ctl_q_id(pos[0], id_r) == -1)
		return 2;
	if (reason != NULL && !quar_reason_ok(*reason, &err))
		return ctl_q_fail(2, "%s", err);
	return 0;
}

/* ---- release ---------------------------------------------------- */

static int
ctl_release_to(void *arg, const struct quar_row *r)
{
	struct sbuf *s = arg;
	const char *p;

	for (p = r->release_to; *p != '\0'; p++) {
		if (*p == '\n')
			sbuf_puts(s, ", ");
		else
			sbuf_putc(s, *p);
	}
	return 0;
}

int
ctl_q_release(struct ctl_q *c, int argc, char **argv)
{
	const char *reason = NULL, *to = NULL, *err = NULL;
	struct ctl_opt opts[] = { { "--reason", &reason, NULL },
	    { "--to", &to, NULL }, { "--force", NULL, NULL } };
	struct quar_release o;
	struct quar_actor who;
	struct token_key key;
	struct sbuf s, line;
	int64_t id;
	int r, force = 0;

	opts[2].flag = &force;
	if ((r = ctl_q_id_reason(c, argc, argv, opts, 3, &reason, &id)) != 0)
		return r;
	if (to != NULL && (strlen(to) > CTL_ADDR_MAX || *to == '\0' ||
	    strpbrk(to, ", \t\r\n") != NULL))
		return ctl_q_fail(2, "--to takes one address");
	if (ctl_q_policy(c) == NULL)
		return 2;
	if (token_key_load(c->pol->release_key_file, &key, &err) == -1)
		return ctl_q_fail(2, "cannot read the release key: %s (create "
		    "it with: triagectl quarantine init-key)", err);
	if ((r = ctl_q_open(c, 0)) != 0)
		return r;
	signal(SIGPIPE, SIG_IGN);
	quar_actor_self(&who);
	memset(&o, 0, sizeof(o));
	o.sendmail_path = c->pol->sendmail_path;
	o.key = &key;
	o.to = to;
	o.reason = reason;
	o.force = force;
	o.who = &who;
	r = quar_release(c->q, id, &o, &err);
	memset(&key, 0, sizeof(key));
	if (r != QUAR_OK)
		return ctl_q_result(r, id, "release", err);
	sbuf_init(&s, 4096);
	sbuf_init(&line, 0);
	(void)quar_get(c->q, id, ctl_release_to, &s, &err);
	sbuf_printf(&line, "released message %lld to ", (long long)id);
	ctl_q_cell(&line, sbuf_str(&s), 4000, 0);
	sbuf_putc(&line, '\n');
	ctl_q_flush(&line);
	sbuf_release(&line);
	sbuf_release(&s);
	return 0;
}

/* ---- delete, purge ---------------------------------------------- */

int
ctl_q_delete(struct ctl_q *c, int argc, char **argv)
{
	const char *reason = NULL, *err = NULL;
	struct ctl_opt opts[] = { { "--reason", &reason, NULL } };
	struct quar_actor who;
	int64_t id;
	int r;

	if ((r = ctl_q_id_reason(c, argc, argv, opts, 1, &reason, &id)) != 0)
		return r;
	if ((r = ctl_q_open(c, 0)) != 0)
		return r;
	quar_actor_self(&who);
	r = quar_delete(c->q, id, &who, reason, &err);
	if (r == QUAR_OK)
		printf("deleted message %lld (its record and audit stay)\n",
		    (long long)id);
	return ctl_q_result(r, id, "delete", err);
}

int
ctl_q_purge(struct ctl_q *c, int argc, char **argv)
{
	const char *older = NULL, *reason = NULL, *err = NULL, *pos[1];
	struct ctl_opt opts[] = { { "--older-than", &older, NULL },
	    { "--reason", &reason, NULL } };
	struct quar_actor who;
	char detail[80];
	uint64_t n;
	int64_t secs;
	size_t np;
	int r;

	if (ctl_q_args(c, argc, argv, opts, 2, pos, 0, &np) == -1)
		return 2;
	if (older == NULL)
		return ctl_q_fail(2, "purge needs --older-than (like 30d)");
	if (quar_parse_duration(older, &secs) == -1)
		return ctl_q_fail(2, "--older-than %s: not a duration (like "
		    "30d, 12h, 90m)", older);
	if (reason != NULL && !quar_reason_ok(reason, &err))
		return ctl_q_fail(2, "%s", err);
	if ((r = ctl_q_open(c, 0)) != 0)
		return r;
	quar_actor_self(&who);
	snprintf(detail, sizeof(detail), "older than %s", older);
	if (quar_purge(c->q, (int64_t)time(NULL) - secs, &who, reason, detail,
	    &n, &err) == -1)
		return ctl_q_fail(2, "%s", err);
	printf("purged %llu message%s older than %s\n", (unsigned long long)n,
	    n == 1 ? "" : "s", older);
	return 0;
}

/* ---- audit ------------------------------------------------------ */

struct ctl_audit {
	int		json;
	struct sbuf	out;
};

static int
ctl_audit_row(void *arg, const struct quar_audit_row *a)
{
	struct ctl_audit *l = arg;

	if (l->json) {
		ctl_q_audit_obj(&l->out, a);
		sbuf_putc(&l->out, '\n');
	} else
		ctl_q_audit_text(&l->out, a, 1);
	ctl_q_flush(&l->out);
	return 0;
}

int
ctl_q_audit(struct ctl_q *c, int argc, char **argv)
{
	const char *ids = NULL, *limit = NULL, *err = NULL, *pos[1];
	struct ctl_audit l;
	struct ctl_opt opts[] = { { "--json", NULL, &l.json },
	    { "--id", &ids, NULL }, { "--limit", &limit, NULL } };
	int64_t id = 0, lim = 0;
	size_t np;
	int r;

	memset(&l, 0, sizeof(l));
	if (ctl_q_args(c, argc, argv, opts, 3, pos, 0, &np) == -1 ||
	    (ids != NULL && ctl_q_id(ids, &id) == -1) ||
	    (limit != NULL && ctl_q_id(limit, &lim) == -1))
		return 2;
	if ((r = ctl_q_open(c, 0)) != 0)
		return r;
	sbuf_init(&l.out, 0);
	if (!l.json)
		printf("  %-16s  %-14s %-7s %s\n", "TIME", "ACTION", "MESSAGE",
		    "WHO: REASON (DETAIL)");
	r = quar_audit_list(c->q, id, (size_t)lim, ctl_audit_row, &l, &err);
	sbuf_release(&l.out);
	return r == 0 ? 0 : ctl_q_fail(2, "%s", err);
}

/* ---- init-key --------------------------------------------------- */

int
ctl_q_init_key(struct ctl_q *c, int argc, char **argv)
{
	const char *owner = NULL, *err = NULL, *pos[1], *path;
	struct ctl_opt opts[] = { { "--owner", &owner, NULL } };
	struct token_key key;
	struct passwd *pw = NULL;
	size_t np;

	if (ctl_q_args(c, argc, argv, opts, 1, pos, 0, &np) == -1)
		return 2;
	if (owner != NULL && (pw = getpwnam(owner)) == NULL)
		return ctl_q_fail(2, "--owner %s: no such user", owner);
	if (ctl_q_policy(c) == NULL)
		return 2;
	path = c->pol->release_key_file;
	if (access(path, F_OK) == 0) {
		if (token_key_load(path, &key, &err) == -1)
			return ctl_q_fail(2, "%s exists but is unusable: %s",
			    path, err);
		printf("release key %s exists; left as it is\n", path);
	} else if (token_key_create(path, &err) == -1)
		return ctl_q_fail(2, "cannot create the release key: %s", err);
	else
		printf("created release key %s\n", path);
	memset(&key, 0, sizeof(key));
	if (pw != NULL && chown(path, pw->pw_uid, pw->pw_gid) == -1)
		return ctl_q_fail(2, "%s: chown %s: %s", path, owner,
		    strerror(errno));
	return 0;
}

/* ---- import ----------------------------------------------------- */

/* The first header `name` of a raw message, unfolded (bounded). */
static void
ctl_import_header(const char *buf, size_t len, const char *name,
    struct sbuf *out)
{
	size_t nl = strlen(name), i = 0, e;
	int in = 0;

	while (i < len) {
		e = i;
		while (e < len && buf[e] != '\n')
			e++;
		if (e == i || (e == i + 1 && buf[i] == '\r'))
			return;			/* end of the header block */
		if (in && buf[i] != ' ' && buf[i] != '\t')
			return;
		if (in)
			sbuf_append(out, buf + i, e - i - (buf[e - 1] == '\r'));
		else if (e - i > nl && strncasecmp(buf + i, name, nl) == 0 &&
		    buf[i + nl] == ':') {
			in = 1;
			i += nl + 1;
			while (i < e && (buf[i] == ' ' || buf[i] == '\t'))
				i++;
			sbuf_append(out, buf + i, e - i - (e > i &&
			    buf[e - 1] == '\r'));
		}
		i = e + 1;
	}
}

/* Distinct rule ids of the findings, comma-separated, in order. */
static void
ctl_import_rules(const struct msgctx *m, struct sbuf *out)
{
	size_t i, j;

	for (i = 0; i < m->nfindings; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(m->findings[j].rule, m->findings[i].rule) == 0)
				break;
		if (j == i)
			sbuf_printf(out, "%s%s", out->len ? "," : "",
			    m->findings[i].rule);
	}
}

/*
 * The bare address of an address or a From header value ("" stays "":
 * the null sender), stored as the milter stores envelopes.
 */
static void
ctl_import_addr(const char *s, struct sbuf *out)
{
	const char *lt = strrchr(s, '<');
	size_t n;

	if (lt != NULL)
		s = lt + 1;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strcspn(s, "> \t");
	if (n > 0 && n <= CTL_ADDR_MAX)
		sbuf_append(out, s, n);
}

/* Split "a@x,<b@y>" into "a@x" and "b@y" in v (owned by bufs). */
static size_t
ctl_import_rcpts(char *list, char **v, size_t max, struct sbuf *bufs)
{
	size_t n = 0;
	char *p, *save = NULL;

	for (p = strtok_r(list, ",", &save); p != NULL && n < max;
	    p = strtok_r(NULL, ",", &save)) {
		sbuf_init(&bufs[n], CTL_ADDR_MAX + 3);
		ctl_import_addr(p, &bufs[n]);
		if (bufs[n].len > 0)
			v[n] = (char *)sbuf_str(&bufs[n]), n++;
		else
			sbuf_release(&bufs[n]);
	}
	return n;
}

struct ctl_import {
	const char	*file, *from, *to, *verdict, *reason;
	int		 fd;
	char		*buf;
	size_t		 len;
};

/* Read the whole file (bounded by the policy's message size). */
static int
ctl_import_read(struct ctl_import *im, uint64_t max)
{
	struct stat st;
	ssize_t n;
	size_t off = 0;

	if ((im->fd = open(im->file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(im->fd, &st) == -1)
		return ctl_q_fail(2, "%s: %s", im->file, strerror(errno));
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max ||
	    (uint64_t)st.st_size > 0x7fffffff)
		return ctl_q_fail(2, "%s: not a regular file within the "
		    "policy's max_message_size", im->file);
	im->len = (size_t)st.st_size;
	im->buf = mem_alloc(im->len + 1);
	while (off < im->len && (n = read(im->fd, im->buf + off,
	    im->len - off)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ctl_q_fail(2, "%s: %s", im->file,
			    strerror(errno));
		off += (size_t)n;
	}
	im->len = off;
	return lseek(im->fd, 0, SEEK_SET) == -1 ? ctl_q_fail(2, "%s: %s",
	    im->file, strerror(errno)) : 0;
}

/* Store the judged message; prints the new id. */
static int
ctl_import_store(struct ctl_q *c, struct ctl_import *im, struct msgctx *m)
{
	struct sbuf hfrom, subj, from, rules, rep, rb[100];
	char *rc[100], *tolist = mem_strdup(im->to ? im->to : "");
	struct quar_item it;
	struct quar_actor who;
	enum verdict_action v = m->verdict;
	const char *err = NULL;
	char detail[600];
	int64_t id;
	size_t i, nrc;
	int r = 0;

	sbuf_init(&hfrom, CTL_HDR_MAX);
	sbuf_init(&subj, CTL_HDR_MAX);
	sbuf_init(&from, CTL_ADDR_MAX + 3);
	sbuf_init(&rules, 0);
	sbuf_init(&rep, 0);
	ctl_import_header(im->buf, im->len, "From", &hfrom);
	ctl_import_header(im->buf, im->len, "Subject", &subj);
	ctl_import_addr(im->from ? im->from : sbuf_str(&hfrom), &from);
	ctl_import_rules(m, &rules);
	report_json(&rep, m->id, m);
	nrc = ctl_import_rcpts(tolist, rc, 100, rb);
	if (im->verdict != NULL)
		(void)verdict_parse(im->verdict, &v);
	memset(&it, 0, sizeof(it));
	it.msgid = m->id;
	it.env_from = sbuf_str(&from);
	it.rcpts = (const char *const *)rc;
	it.nrcpts = nrc;
	it.hdr_from = sbuf_str(&hfrom);
	it.subject = sbuf_str(&subj);
	it.verdict = verdict_name(v);
	it.score = m->score;
	it.rules = sbuf_str(&rules);
	it.report = sbuf_str(&rep);
	it.fd = im->fd;
	it.size = im->len;
	quar_actor_self(&who);
	snprintf(detail, sizeof(detail), "from %.500s", im->file);
	if (quar_store(c->q, &it, &id, &err) == -1 ||
	    quar_audit_add(c->q, &who, "import", id, im->reason, detail,
	    &err) == -1)
		r = ctl_q_fail(2, "%s", err);
	else
		printf("%lld\n", (long long)id);
	for (i = 0; i < nrc; i++)
		sbuf_release(&rb[i]);
	sbuf_release(&hfrom);
	sbuf_release(&subj);
	sbuf_release(&from);
	sbuf_release(&rules);
	sbuf_release(&rep);
	free(tolist);
	return r;
}

int
ctl_q_import(struct ctl_q *c, int argc, char **argv)
{
	struct ctl_import im;
	struct ctl_opt opts[] = { { "--from", &im.from, NULL },
	    { "--to", &im.to, NULL }, { "--verdict", &im.verdict, NULL },
	    { "--reason", &im.reason, NULL } };
	const char *pos[1], *err = NULL;
	enum verdict_action v;
	struct msgctx *m;
	size_t np;
	int r;

	memset(&im, 0, sizeof(im));
	im.fd = -1;
	if (ctl_q_args(c, argc, argv, opts, 4, pos, 1, &np) == -1)
		return 2;
	if (np != 1)
		return ctl_q_fail(2, "import: which file?");
	im.file = pos[0];
	if (im.verdict != NULL && verdict_parse(im.verdict, &v) == -1)
		return ctl_q_fail(2, "--verdict %s: not a verdict", im.verdict);
	if ((im.reason != NULL && !quar_reason_ok(im.reason, &err)) ||
	    (im.from != NULL && strlen(im.from) > CTL_ADDR_MAX) ||
	    (im.to != NULL && strlen(im.to) > 100 * CTL_ADDR_MAX))
		return ctl_q_fail(2, "%s", err ? err : "address too long");
	if (ctl_q_policy(c) == NULL)
		return 2;
	if ((r = ctl_import_read(&im, c->pol->lim.message_size)) == 0 &&
	    (r = ctl_q_open(c, 1)) == 0) {
		m = msgctx_new(c->pol);
		if (scan_buffer(m, im.buf, im.len, &err) == -1)
			r = ctl_q_fail(2, "%s: scan failed: %s", im.file, err);
		else
			r = ctl_import_store(c, &im, m);
		msgctx_free(&m);
	}
	if (im.fd != -1)
		close(im.fd);
	free(im.buf);
	return r;
}
