/*
 * triagectl quarantine: list, show and export quarantined mail.
 *
 *   triagectl quarantine [--policy DIR | --dir QDIR] list [--limit N] [--json]
 *   triagectl quarantine [--policy DIR | --dir QDIR] show ID
 *   triagectl quarantine [--policy DIR | --dir QDIR] export ID [-o FILE]
 *
 * Untrusted input: everything stored came from mail; subjects are decoded
 * (RFC 2047) and everything printed goes through the JSON escaper or
 * log_escape, so no stored byte can reach the terminal raw.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "log.h"
#include "policy.h"
#include "quar.h"
#include "report.h"
#include "sbuf.h"
#include "triagectl.h"

struct ctl_list {
	int	json;
	size_t	n;
};

/* Escaped text of at most width display bytes, for the table. */
static void
ctl_cell(const char *s, size_t width)
{
	struct sbuf b;

	sbuf_init(&b, width);
	log_escape(&b, s, strlen(s));
	printf("%-*s ", (int)width, sbuf_str(&b));
	sbuf_release(&b);
}

static void
ctl_subject(struct sbuf *out, const char *raw)
{
	unsigned flags = 0;

	if (decode_rfc2047(raw, strlen(raw), NULL, out, &flags) == -1) {
		sbuf_reset(out);
		sbuf_puts(out, raw);
	}
}

static int
ctl_list_row(void *arg, const struct quar_row *r)
{
	struct ctl_list *l = arg;
	struct sbuf subj, js;
	char when[32];
	time_t t = (time_t)r->created;

	sbuf_init(&subj, 2048);
	ctl_subject(&subj, r->subject);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", localtime(&t));
	if (l->json) {
		sbuf_init(&js, 0);
		sbuf_printf(&js, "{\"id\":%lld,\"created\":%lld,\"msgid\":",
		    (long long)r->id, (long long)r->created);
		report_json_string(&js, r->msgid, strlen(r->msgid));
		sbuf_puts(&js, ",\"qid\":");
		report_json_string(&js, r->qid, strlen(r->qid));
		sbuf_puts(&js, ",\"from\":");
		report_json_string(&js, r->env_from, strlen(r->env_from));
		sbuf_puts(&js, ",\"rcpts\":");
		report_json_string(&js, r->rcpts, strlen(r->rcpts));
		sbuf_puts(&js, ",\"subject\":");
		report_json_string(&js, (const char *)subj.data, subj.len);
		sbuf_printf(&js, ",\"verdict\":\"%s\",\"score\":%d,\"rules\":",
		    r->verdict, r->score);
		report_json_string(&js, r->rules, strlen(r->rules));
		sbuf_printf(&js, ",\"status\":\"%s\",\"size\":%lld}\n",
		    r->status, (long long)r->size);
		fwrite(js.data, 1, js.len, stdout);
		sbuf_release(&js);
	} else {
		if (l->n == 0)
			printf("%-6s %-16s %-28s %-28s %-10s %-40s %s\n", "ID",
			    "TIME", "FROM", "TO", "VERDICT", "RULES", "SUBJECT");
		printf("%-6lld %-16s ", (long long)r->id, when);
		ctl_cell(r->env_from, 28);
		ctl_cell(r->rcpts, 28);
		ctl_cell(r->verdict, 10);
		ctl_cell(r->rules, 40);
		ctl_cell((const char *)subj.data, 60);
		putchar('\n');
	}
	sbuf_release(&subj);
	l->n++;
	return 0;
}

static int
ctl_qlist(struct quar *q, int argc, char **argv)
{
	struct ctl_list l = { 0, 0 };
	const char *err = NULL;
	size_t limit = 0;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			l.json = 1;
		else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
			limit = strtoul(argv[++i], NULL, 10);
		else
			return ctl_usage_error();
	}
	if (quar_list(q, limit, ctl_list_row, &l, &err) == -1) {
		fprintf(stderr, "triagectl: %s\n", err);
		return 2;
	}
	if (!l.json)
		printf("%zu message%s\n", l.n, l.n == 1 ? "" : "s");
	return 0;
}

static int
ctl_id(const char *s, long long *id)
{
	char *end;

	errno = 0;
	*id = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || *id <= 0) {
		fprintf(stderr, "triagectl: %s: not a quarantine id\n", s);
		return -1;
	}
	return 0;
}

static int
ctl_qshow(struct quar *q, int argc, char **argv)
{
	const char *err = NULL;
	char *rep = NULL;
	long long id;
	int r;

	if (argc != 1 || ctl_id(argv[0], &id) == -1)
		return ctl_usage_error();
	r = quar_report(q, id, &rep, &err);
	if (r == 1)
		fprintf(stderr, "triagectl: no quarantined message %lld\n", id);
	else if (r == -1)
		fprintf(stderr, "triagectl: %s\n", err);
	else
		printf("%s\n", rep);
	free(rep);
	return r == 0 ? 0 : 1;
}

static int
ctl_qexport(struct quar *q, int argc, char **argv)
{
	const char *err = NULL, *out = NULL;
	long long id;
	int fd = STDOUT_FILENO, r;

	if (argc == 3 && strcmp(argv[1], "-o") == 0)
		out = argv[2];
	else if (argc != 1)
		return ctl_usage_error();
	if (ctl_id(argv[0], &id) == -1)
		return 2;
	if (out != NULL &&
	    (fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1) {
		fprintf(stderr, "triagectl: %s: %s\n", out, strerror(errno));
		return 2;
	}
	r = quar_export(q, id, fd, &err);
	if (r == 1)
		fprintf(stderr, "triagectl: no quarantined message %lld\n", id);
	else if (r == -1)
		fprintf(stderr, "triagectl: %s\n", err);
	if (out != NULL)
		close(fd);
	return r == 0 ? 0 : 1;
}

int
ctl_quarantine(int argc, char **argv)
{
	const char *dir = NULL, *pdir = CTL_DEFAULT_POLICY, *err = NULL;
	const struct policy *pol = NULL;
	struct quar *q;
	int i = 0, r;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "--dir") == 0)
			dir = argv[i + 1];
		else if (strcmp(argv[i], "--policy") == 0)
			pdir = argv[i + 1];
		else
			return ctl_usage_error();
	}
	if (i >= argc)
		return ctl_usage_error();
	if (dir == NULL) {
		if ((pol = ctl_policy(pdir)) == NULL)
			return 2;
		dir = pol->quarantine_dir;
	}
	if ((q = quar_open(dir, 0, 5000, &err)) == NULL) {
		fprintf(stderr, "triagectl: %s\n", err);
		policy_unref(&pol);
		return 2;
	}
	if (strcmp(argv[i], "list") == 0)
		r = ctl_qlist(q, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "show") == 0)
		r = ctl_qshow(q, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "export") == 0)
		r = ctl_qexport(q, argc - i - 1, argv + i + 1);
	else
		r = ctl_usage_error();
	quar_close(&q);
	policy_unref(&pol);
	return r;
}
