/*
 * triagectl quarantine: the administrator's view of quarantined mail
 * (triagectl(8)).  This file: option handling, opening the database,
 * list, show and export; triagectl_qadmin.c has the commands that
 * change things (release, delete, purge, audit, init-key, import).
 *
 *   triagectl quarantine [--policy DIR] [--dir QDIR] COMMAND [ARGS]
 *
 * Exit status: 0 done; 1 the item cannot be acted on (unknown id, wrong
 * state, sendmail failed); 2 usage, permission, locked database or any
 * other error.
 *
 * Untrusted input: everything stored came from mail; subjects are decoded
 * (RFC 2047) and everything printed goes through the JSON escaper or
 * log_escape, URLs are defanged, and a raw message is never written to
 * a terminal.  Not thread-safe (a command-line program).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "policy.h"
#include "quar.h"
#include "report.h"
#include "sbuf.h"
#include "triagectl.h"
#include "triagectl_quar.h"

#define CTL_BUSY_MS	5000	/* wait this long for a locked database */

int
ctl_q_fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("triagectl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

/* One option: 1 matched (and *i advanced past a value), 0 no, -1 bad. */
static int
ctl_q_opt(const struct ctl_opt *o, int argc, char **argv, int *i)
{
	size_t n = strlen(o->name);
	const char *a = argv[*i];

	if (strncmp(a, o->name, n) != 0 || (a[n] != '\0' && a[n] != '='))
		return 0;
	if (o->flag != NULL)
		*o->flag = 1;
	if (o->val == NULL)
		return a[n] == '\0' ? 1 : -1;
	if (a[n] == '=')
		*o->val = a + n + 1;
	else if (*i + 1 < argc)
		*o->val = argv[++*i];
	else
		return -1;
	return 1;
}

/* --dir and --policy, accepted before and after the command. */
static int
ctl_q_common(struct ctl_q *c, int argc, char **argv, int *i)
{
	const struct ctl_opt common[] = { { "--dir", &c->dir, NULL },
	    { "--policy", &c->pdir, NULL } };
	int k, m = 0;

	for (k = 0; m == 0 && k < 2; k++)
		m = ctl_q_opt(&common[k], argc, argv, i);
	return m;
}

int
ctl_q_args(struct ctl_q *c, int argc, char **argv, const struct ctl_opt *opts,
    size_t nopts, const char **pos, size_t maxpos, size_t *npos_r)
{
	size_t k, np = 0;
	int i, m, only_pos = 0;

	for (i = 0; i < argc; i++) {
		m = 0;
		if (!only_pos && strcmp(argv[i], "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (!only_pos && argv[i][0] == '-' && argv[i][1] != '\0') {
			for (k = 0; m == 0 && k < nopts; k++)
				m = ctl_q_opt(&opts[k], argc, argv, &i);
			if (m == 0)
				m = ctl_q_common(c, argc, argv, &i);
			if (m != 1)
				return ctl_q_fail(-1, "%s: %s; see triagectl "
				    "--help", argv[i], m == 0 ? "unknown option"
				    : "needs a value");
			continue;
		}
		if (np == maxpos)
			return ctl_q_fail(-1, "%s: unexpected argument; see "
			    "triagectl --help", argv[i]);
		pos[np++] = argv[i];
	}
	*npos_r = np;
	return 0;
}

const struct policy *
ctl_q_policy(struct ctl_q *c)
{
	if (c->pol == NULL)
		c->pol = ctl_policy(c->pdir);
	return c->pol;
}

int
ctl_q_open(struct ctl_q *c, int create)
{
	const char *err = NULL;
	char path[4096];

	if (c->dir == NULL) {
		if (ctl_q_policy(c) == NULL)
			return 2;
		c->dir = c->pol->quarantine_dir;
	}
	snprintf(path, sizeof(path), "%s/quarantine.db", c->dir);
	if (access(path, R_OK) == -1 && errno == EACCES)
		return ctl_q_fail(2, "cannot open %s: permission denied (run "
		    "as root or a member of the quarantine group)", path);
	if (!create && access(path, F_OK) == -1 && errno == ENOENT)
		return ctl_q_fail(2, "cannot open %s: no such database (the "
		    "milter creates it when it starts; see --dir, --policy)",
		    path);
	if ((c->q = quar_open(c->dir, create, CTL_BUSY_MS, &err)) == NULL)
		return ctl_q_fail(2, "%s", err);
	return 0;
}

int
ctl_q_id(const char *s, int64_t *id_r)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0)
		return ctl_q_fail(-1, "%s: not a quarantine id (a number)", s);
	*id_r = v;
	return 0;
}

/* ---- list ------------------------------------------------------- */

struct ctl_list {
	int		 json;
	size_t		 n, cols;
	struct sbuf	 out;
};

static void
ctl_list_json(struct sbuf *o, const struct quar_row *r)
{
	struct sbuf subj;

	sbuf_init(&subj, 8192);
	ctl_q_subject(&subj, r->subject);
	sbuf_printf(o, "{\"id\":%lld,\"created\":%lld", (long long)r->id,
	    (long long)r->created);
	ctl_q_jstr(o, "msgid", r->msgid, 0);
	ctl_q_jstr(o, "qid", r->qid, 0);
	ctl_q_jstr(o, "client_addr", r->client_addr, 0);
	ctl_q_jstr(o, "from", r->env_from, 0);
	ctl_q_jsplit(o, "rcpts", r->rcpts, '\n');
	ctl_q_jstr(o, "hdr_from", r->hdr_from, 0);
	ctl_q_jstr(o, "subject", sbuf_str(&subj), 0);
	ctl_q_jstr(o, "verdict", r->verdict, 0);
	sbuf_printf(o, ",\"score\":%d", r->score);
	ctl_q_jsplit(o, "rules", r->rules, ',');
	ctl_q_jstr(o, "status", r->status, 0);
	sbuf_printf(o, ",\"size\":%lld}\n", (long long)r->size);
	sbuf_release(&subj);
}

/* Two lines a message, 80 columns at least (see triagectl(8)). */
static void
ctl_list_text(struct ctl_list *l, const struct quar_row *r)
{
	size_t addr = (l->cols - 35) / 2, subj = (l->cols - 17) * 3 / 5;
	size_t nr = 0, tow = l->cols - 36 - addr;
	struct sbuf s;
	char t[32], more[24] = "";
	const char *p;

	if (l->n == 0)
		sbuf_printf(&l->out, "%6s %-16s %-10s %-*s %s\n%6s %-9s "
		    "%-*s %s\n", "ID", "TIME", "VERDICT", (int)addr - 1, "FROM",
		    "TO", "", "STATUS", (int)subj - 1, "SUBJECT", "RULES");
	for (p = r->rcpts; *p != '\0'; p++)
		nr += *p == '\n';
	if (nr > 0)
		snprintf(more, sizeof(more), " +%zu", nr);
	sbuf_init(&s, 8192);
	sbuf_printf(&l->out, "%6lld %-16s ", (long long)r->id,
	    ctl_q_time(r->created, t));
	ctl_q_cell(&l->out, r->verdict, 10, 1);
	sbuf_putc(&l->out, ' ');
	ctl_q_addr(&s, r->env_from, strlen(r->env_from));
	ctl_q_cell(&l->out, sbuf_str(&s), addr - 1, 1);
	sbuf_putc(&l->out, ' ');
	sbuf_reset(&s);
	ctl_q_addr(&s, r->rcpts, strcspn(r->rcpts, "\n"));
	ctl_q_cell(&l->out, sbuf_str(&s), tow - strlen(more), 0);
	sbuf_printf(&l->out, "%s\n%6s ", more, "");
	ctl_q_cell(&l->out, r->status, 9, 1);
	sbuf_putc(&l->out, ' ');
	sbuf_reset(&s);
	ctl_q_subject(&s, r->subject);
	ctl_q_cell(&l->out, sbuf_str(&s), subj - 1, 1);
	sbuf_putc(&l->out, ' ');
	sbuf_reset(&s);
	ctl_q_rules(&s, r);
	ctl_q_cell(&l->out, sbuf_str(&s), l->cols - 17 - subj, 0);
	sbuf_putc(&l->out, '\n');
	sbuf_release(&s);
}

static int
ctl_list_row(void *arg, const struct quar_row *r)
{
	struct ctl_list *l = arg;

	if (l->json)
		ctl_list_json(&l->out, r);
	else
		ctl_list_text(l, r);
	l->n++;
	ctl_q_flush(&l->out);
	return 0;
}

/* Filters from the options; 0 or -1 after printing. */
static int
ctl_list_filter(struct quar_filter *f, const char *since, const char *limit)
{
	int64_t secs;
	char *end;
	long long v;

	if (since != NULL) {
		if (quar_parse_duration(since, &secs) == -1)
			return ctl_q_fail(-1, "--since %s: not a duration "
			    "(like 2d, 12h, 90m)", since);
		f->since = (int64_t)time(NULL) - secs;
	}
	if (limit != NULL) {
		errno = 0;
		v = strtoll(limit, &end, 10);
		if (errno != 0 || end == limit || *end != '\0' || v <= 0 ||
		    v > 10000000)
			return ctl_q_fail(-1, "--limit %s: not a count", limit);
		f->limit = (size_t)v;
	}
	if ((f->sender != NULL && strlen(f->sender) > 256) ||
	    (f->rcpt != NULL && strlen(f->rcpt) > 256))
		return ctl_q_fail(-1, "a pattern is longer than 256 bytes");
	return 0;
}

int
ctl_q_list(struct ctl_q *c, int argc, char **argv)
{
	struct ctl_list l;
	struct quar_filter f;
	const char *since = NULL, *limit = NULL, *err = NULL, *pos[1];
	struct ctl_opt opts[] = { { "--since", &since, NULL },
	    { "--sender", &f.sender, NULL }, { "--rcpt", &f.rcpt, NULL },
	    { "--rule", &f.rule, NULL }, { "--verdict", &f.verdict, NULL },
	    { "--status", &f.status, NULL }, { "--limit", &limit, NULL },
	    { "--json", NULL, &l.json } };
	size_t np;
	int r;

	memset(&l, 0, sizeof(l));
	memset(&f, 0, sizeof(f));
	if (ctl_q_args(c, argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
	    pos, 0, &np) == -1 || ctl_list_filter(&f, since, limit) == -1)
		return 2;
	if ((r = ctl_q_open(c, 0)) != 0)
		return r;
	l.cols = ctl_q_columns();
	f.with_report = !l.json;	/* rules by score for the table */
	sbuf_init(&l.out, 0);
	r = quar_list_filter(c->q, &f, ctl_list_row, &l, &err);
	sbuf_release(&l.out);
	if (r == -1)
		return ctl_q_fail(2, "%s", err);
	if (!l.json)
		printf("%zu message%s\n", l.n, l.n == 1 ? "" : "s");
	return 0;
}

/* ---- show ------------------------------------------------------- */

struct ctl_show {
	int		 json;
	struct quar	*q;
	struct sbuf	 out;
	const char	*err;
	int		 r;
};

static void
ctl_show_line(struct sbuf *o, const char *label, const char *val)
{
	sbuf_printf(o, "  %-12s ", label);
	ctl_q_cell(o, *val ? val : "-", 4000, 0);
	sbuf_putc(o, '\n');
}

static void
ctl_show_lines(struct sbuf *o, const char *label, const char *list)
{
	const char *p = list, *nl;
	char one[1024];
	size_t n;

	if (*p == '\0')
		ctl_show_line(o, label, "-");
	for (; *p != '\0'; p = *nl ? nl + 1 : nl, label = "") {
		nl = p + strcspn(p, "\n");
		n = (size_t)(nl - p) < sizeof(one) ? (size_t)(nl - p) :
		    sizeof(one) - 1;
		memcpy(one, p, n);
		one[n] = '\0';
		ctl_show_line(o, label, one);
	}
}

static void
ctl_show_head(struct sbuf *o, const struct quar_row *r)
{
	struct sbuf s;
	char t[32];

	sbuf_init(&s, 8192);
	sbuf_printf(o, "Quarantined message %lld\n", (long long)r->id);
	ctl_show_line(o, "status", r->status);
	ctl_show_line(o, "received", ctl_q_time(r->created, t));
	ctl_show_line(o, "message id", r->msgid);
	ctl_show_line(o, "queue id", r->qid);
	sbuf_printf(&s, "%s [%s] helo=%s", *r->client_name ? r->client_name :
	    "unknown", *r->client_addr ? r->client_addr : "-",
	    *r->helo ? r->helo : "-");
	ctl_show_line(o, "client", sbuf_str(&s));
	ctl_show_line(o, "from", *r->env_from ? r->env_from : "<>");
	ctl_show_lines(o, "to", r->rcpts);
	ctl_show_line(o, "header from", r->hdr_from);
	sbuf_reset(&s);
	ctl_q_subject(&s, r->subject);
	ctl_show_line(o, "subject", sbuf_str(&s));
	sbuf_reset(&s);
	sbuf_printf(&s, "%s, score %d", r->verdict, r->score);
	ctl_show_line(o, "verdict", sbuf_str(&s));
	sbuf_reset(&s);
	sbuf_printf(&s, "%lld bytes%s", (long long)r->size,
	    r->deleted_at ? " (deleted: no longer stored)" : "");
	ctl_show_line(o, "size", sbuf_str(&s));
	sbuf_release(&s);
}

static void
ctl_show_release(struct sbuf *o, const struct quar_row *r)
{
	struct sbuf s;
	char t[32];

	if (r->released_at == 0 && r->deleted_at == 0)
		return;
	sbuf_init(&s, 4096);
	if (r->released_at != 0) {
		sbuf_printf(&s, "%s by %s", ctl_q_time(r->released_at, t),
		    r->released_by);
		ctl_show_line(o, "released", sbuf_str(&s));
		ctl_show_lines(o, "released to", r->release_to);
		ctl_show_line(o, "passed milter", r->release_used_at ?
		    ctl_q_time(r->release_used_at, t) : "not yet");
	}
	if (r->deleted_at != 0)
		ctl_show_line(o, "deleted", ctl_q_time(r->deleted_at, t));
	sbuf_release(&s);
}

static void
ctl_show_text_report(struct sbuf *o, const struct quar_report *rep)
{
	size_t i;

	sbuf_printf(o, "Findings (%zu):\n", rep->nfindings);
	for (i = 0; i < rep->nfindings; i++) {
		const struct quar_finding *f = &rep->findings[i];

		sbuf_puts(o, "  ");
		ctl_q_cell(o, f->rule ? f->rule : "?", 200, 0);
		sbuf_printf(o, " [score %lld, ", (long long)f->score);
		ctl_q_cell(o, f->action ? f->action : "?", 20, 0);
		sbuf_puts(o, "] at ");
		ctl_q_cell(o, f->where ? f->where : "message", 500, 0);
		sbuf_puts(o, ": ");
		ctl_q_cell(o, f->detail ? f->detail : "", 2000, 0);
		sbuf_putc(o, '\n');
	}
	sbuf_printf(o, "Parts (%zu):\n", rep->nparts);
	for (i = 0; i < rep->nparts; i++) {
		const struct quar_part *p = &rep->parts[i];

		sbuf_puts(o, "  ");
		ctl_q_cell(o, p->where ? p->where : "?", 200, 0);
		sbuf_puts(o, " name ");
		ctl_q_cell(o, p->name ? p->name : "-", 1000, 0);
		sbuf_puts(o, "\n      declared ");
		ctl_q_cell(o, p->declared ? p->declared : "-", 200, 0);
		sbuf_puts(o, ", detected ");
		ctl_q_cell(o, p->detected ? p->detected : "-", 200, 0);
		sbuf_printf(o, ", %lld bytes\n      sha256 ", (long long)p->size);
		ctl_q_cell(o, p->sha256 && *p->sha256 ? p->sha256 : "-", 64, 0);
		sbuf_putc(o, '\n');
	}
}

static void
ctl_show_text_urls(struct sbuf *o, const struct quar_report *rep)
{
	struct sbuf d;
	size_t i;

	sbuf_printf(o, "URLs (%zu, defanged):\n", rep->nurls);
	sbuf_init(&d, 8192);
	for (i = 0; i < rep->nurls; i++) {
		const struct quar_url *u = &rep->urls[i];

		sbuf_reset(&d);
		report_defang(&d, u->url ? u->url : "");
		sbuf_puts(o, "  ");
		ctl_q_cell(o, sbuf_str(&d), 2000, 0);
		sbuf_puts(o, " at ");
		ctl_q_cell(o, u->where ? u->where : "?", 200, 0);
		if (u->rules != NULL) {
			sbuf_puts(o, ": ");
			ctl_q_cell(o, u->rules, 1000, 0);
		}
		sbuf_putc(o, '\n');
	}
	sbuf_release(&d);
}

static int
ctl_show_audit_text(void *arg, const struct quar_audit_row *a)
{
	ctl_q_audit_text(arg, a, 0);
	return 0;
}

static int
ctl_show_audit_json(void *arg, const struct quar_audit_row *a)
{
	struct sbuf *o = arg;

	if (o->data[o->len - 1] != '[')
		sbuf_putc(o, ',');
	ctl_q_audit_obj(o, a);
	return 0;
}

static void
ctl_show_json_findings(struct sbuf *o, const struct quar_report *rep)
{
	size_t i;

	sbuf_puts(o, ",\"findings\":[");
	for (i = 0; i < rep->nfindings; i++) {
		const struct quar_finding *f = &rep->findings[i];

		sbuf_puts(o, i ? ",{" : "{");
		ctl_q_jstr(o, "rule", f->rule, 1);
		ctl_q_jint(o, "score", f->score, 0);
		ctl_q_jstr(o, "action", f->action, 0);
		ctl_q_jstr(o, "where", f->where, 0);
		ctl_q_jstr(o, "detail", f->detail, 0);
		sbuf_putc(o, '}');
	}
	sbuf_puts(o, "],\"parts\":[");
	for (i = 0; i < rep->nparts; i++) {
		const struct quar_part *p = &rep->parts[i];

		sbuf_puts(o, i ? ",{" : "{");
		ctl_q_jstr(o, "where", p->where, 1);
		ctl_q_jstr(o, "name", p->name, 0);
		ctl_q_jstr(o, "declared", p->declared, 0);
		ctl_q_jstr(o, "detected", p->detected, 0);
		ctl_q_jint(o, "size", p->size, 0);
		ctl_q_jstr(o, "sha256", p->sha256, 0);
		sbuf_putc(o, '}');
	}
	sbuf_putc(o, ']');
}

/* URLs: "url" defanged, "original" as stored (both escaped). */
static void
ctl_show_json_urls(struct sbuf *o, const struct quar_report *rep)
{
	struct sbuf d;
	size_t i;

	sbuf_init(&d, 8192);
	sbuf_puts(o, ",\"urls\":[");
	for (i = 0; i < rep->nurls; i++) {
		const struct quar_url *u = &rep->urls[i];

		sbuf_reset(&d);
		report_defang(&d, u->url ? u->url : "");
		sbuf_puts(o, i ? ",{" : "{");
		ctl_q_jstr(o, "url", sbuf_str(&d), 1);
		ctl_q_jstr(o, "original", u->url, 0);
		ctl_q_jstr(o, "where", u->where, 0);
		ctl_q_jstr(o, "domain", u->domain, 0);
		ctl_q_jsplit(o, "rules", u->rules ? u->rules : "", ',');
		sbuf_putc(o, '}');
	}
	sbuf_putc(o, ']');
	sbuf_release(&d);
}

static void
ctl_show_json_head(struct sbuf *o, const struct quar_row *r)
{
	struct sbuf subj;

	sbuf_init(&subj, 8192);
	ctl_q_subject(&subj, r->subject);
	sbuf_printf(o, "{\"id\":%lld,\"created\":%lld", (long long)r->id,
	    (long long)r->created);
	ctl_q_jstr(o, "status", r->status, 0);
	ctl_q_jstr(o, "msgid", r->msgid, 0);
	ctl_q_jstr(o, "qid", r->qid, 0);
	ctl_q_jstr(o, "client_addr", r->client_addr, 0);
	ctl_q_jstr(o, "client_name", r->client_name, 0);
	ctl_q_jstr(o, "helo", r->helo, 0);
	ctl_q_jstr(o, "from", r->env_from, 0);
	ctl_q_jsplit(o, "rcpts", r->rcpts, '\n');
	ctl_q_jstr(o, "hdr_from", r->hdr_from, 0);
	ctl_q_jstr(o, "subject", sbuf_str(&subj), 0);
	ctl_q_jstr(o, "verdict", r->verdict, 0);
	sbuf_printf(o, ",\"score\":%d", r->score);
	ctl_q_jsplit(o, "rules", r->rules, ',');
	ctl_q_jint(o, "size", r->size, 0);
	ctl_q_jint(o, "released_at", r->released_at, 1);
	ctl_q_jstr(o, "released_by", *r->released_by ? r->released_by : NULL,
	    0);
	ctl_q_jsplit(o, "released_to", r->release_to, '\n');
	ctl_q_jint(o, "release_used_at", r->release_used_at, 1);
	ctl_q_jint(o, "deleted_at", r->deleted_at, 1);
	sbuf_release(&subj);
}

static int
ctl_show_row(void *arg, const struct quar_row *r)
{
	static struct quar_report empty;
	struct ctl_show *s = arg;
	struct quar_report *rep = NULL;
	const char *perr = NULL;
	int a;

	if (*r->report != '\0' && quar_report_parse(r->report,
	    strlen(r->report), &rep, &perr) == -1)
		ctl_q_fail(0, "message %lld: the stored report is unreadable: "
		    "%s", (long long)r->id, perr);
	if (s->json) {
		ctl_show_json_head(&s->out, r);
		ctl_show_json_findings(&s->out, rep ? rep : &empty);
		ctl_show_json_urls(&s->out, rep ? rep : &empty);
		sbuf_puts(&s->out, ",\"audit\":[");
		a = quar_audit_list(s->q, r->id, 0, ctl_show_audit_json,
		    &s->out, &s->err);
		sbuf_puts(&s->out, "]}\n");
	} else {
		ctl_show_head(&s->out, r);
		ctl_show_release(&s->out, r);
		ctl_show_text_report(&s->out, rep ? rep : &empty);
		ctl_show_text_urls(&s->out, rep ? rep : &empty);
		sbuf_puts(&s->out, "Audit:\n");
		a = quar_audit_list(s->q, r->id, 0, ctl_show_audit_text,
		    &s->out, &s->err);
	}
	quar_report_free(&rep);
	return a == 0 ? 0 : -1;
}

int
ctl_q_show(struct ctl_q *c, int argc, char **argv)
{
	struct ctl_show s;
	struct ctl_opt opts[] = { { "--json", NULL, &s.json } };
	const char *pos[1];
	size_t np;
	int64_t id;
	int r;

	memset(&s, 0, sizeof(s));
	if (ctl_q_args(c, argc, argv, opts, 1, pos, 1, &np) == -1)
		return 2;
	if (np != 1)
		return ctl_q_fail(2, "show: which id?");
	if (ctl_q_id(pos[0], &id) == -1)
		return 2;
	if ((r = ctl_q_open(c, 0)) != 0)
		return r;
	s.q = c->q;
	sbuf_init(&s.out, 0);
	r = quar_get(c->q, id, ctl_show_row, &s, &s.err);
	if (r == 0)
		ctl_q_flush(&s.out);
	sbuf_release(&s.out);
	if (r == QUAR_NOT_FOUND)
		return ctl_q_fail(1, "no quarantined message %lld",
		    (long long)id);
	return r == 0 ? 0 : ctl_q_fail(2, "%s", s.err);
}

/* ---- export ----------------------------------------------------- */

static int
ctl_exists(void *arg, const struct quar_row *r)
{
	*(int *)arg = r->deleted_at != 0 ? 2 : 1;
	return 0;
}

/*
 * Export after auditing it: the raw message never leaves unrecorded (the
 * output file is created first, so that a refused file is not audited).
 */
static int
ctl_export_run(struct ctl_q *c, int64_t id, const char *out,
    const char *reason)
{
	struct quar_actor who;
	const char *err = NULL;
	char detail[600];
	int fd = STDOUT_FILENO, r;

	if (out != NULL && (fd = open(out, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0600)) == -1)
		return ctl_q_fail(2, "%s: %s", out, strerror(errno));
	quar_actor_self(&who);
	snprintf(detail, sizeof(detail), "to %.500s", out ? out : "stdout");
	if ((r = quar_audit_add(c->q, &who, "export", id, reason, detail,
	    &err)) == 0)
		r = quar_export(c->q, id, fd, &err);
	if (out != NULL && (close(fd) == -1 || r != 0)) {
		if (r == 0) {
			err = strerror(errno);
			r = -1;
		}
		unlink(out);
	}
	if (r == 1)
		return ctl_q_fail(1, "message %lld was deleted: the raw "
		    "message is no longer stored", (long long)id);
	return r == 0 ? 0 : ctl_q_fail(2, "%s (nothing exported)", err);
}

int
ctl_q_export(struct ctl_q *c, int argc, char **argv)
{
	const char *out = NULL, *reason = NULL, *err = NULL, *pos[1];
	struct ctl_opt opts[] = { { "-o", &out, NULL },
	    { "--output", &out, NULL }, { "--reason", &reason, NULL } };
	size_t np;
	int64_t id;
	int r, has = 0;

	if (ctl_q_args(c, argc, argv, opts, 3, pos, 1, &np) == -1)
		return 2;
	if (np != 1)
		return ctl_q_fail(2, "export: which id?");
	if (ctl_q_id(pos[0], &id) == -1)
		return 2;
	if (reason != NULL && !quar_reason_ok(reason, &err))
		return ctl_q_fail(2, "%s", err);
	if (out == NULL && isatty(STDOUT_FILENO))
		return ctl_q_fail(2, "refusing to write a raw message to a "
		    "terminal; use -o FILE or a pipe");
	if ((r = ctl_q_open(c, 0)) != 0)
		return r;
	if ((r = quar_get(c->q, id, ctl_exists, &has, &err)) != 0)
		return r == QUAR_NOT_FOUND ? ctl_q_fail(1, "no quarantined "
		    "message %lld", (long long)id) : ctl_q_fail(2, "%s", err);
	if (has == 2)
		return ctl_q_fail(1, "message %lld was deleted: the raw "
		    "message is no longer stored", (long long)id);
	return ctl_export_run(c, id, out, reason);
}

/* ---- dispatch --------------------------------------------------- */

static const struct {
	const char	*name;
	int		(*fn)(struct ctl_q *, int, char **);
} ctl_q_cmds[] = {
	{ "list", ctl_q_list }, { "show", ctl_q_show },
	{ "export", ctl_q_export }, { "release", ctl_q_release },
	{ "delete", ctl_q_delete }, { "purge", ctl_q_purge },
	{ "audit", ctl_q_audit }, { "init-key", ctl_q_init_key },
	{ "import", ctl_q_import },
};

int
ctl_quarantine(int argc, char **argv)
{
	struct ctl_q c;
	size_t k;
	int i, r = -1;

	memset(&c, 0, sizeof(c));
	c.pdir = CTL_DEFAULT_POLICY;
	for (i = 0; i < argc && argv[i][0] == '-'; i++)
		if (ctl_q_common(&c, argc, argv, &i) != 1)
			return ctl_usage_error();
	if (i >= argc)
		return ctl_usage_error();
	for (k = 0; k < sizeof(ctl_q_cmds) / sizeof(ctl_q_cmds[0]); k++)
		if (strcmp(argv[i], ctl_q_cmds[k].name) == 0)
			r = ctl_q_cmds[k].fn(&c, argc - i - 1, argv + i + 1);
	if (r == -1)
		r = ctl_usage_error();
	quar_close(&c.q);
	policy_unref(&c.pol);
	return r;
}
