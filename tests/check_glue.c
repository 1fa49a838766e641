/*
 * check_glue: the milter transaction logic through a fake MTA (the
 * glue_ops seam), without libmilter: every verdict's answer, headers,
 * quarantine before discard, failures answered with tempfail.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "glue.h"
#include "lists.h"
#include "mem.h"
#include "policy.h"
#include "quar.h"
#include "rules.h"

struct fake {
	void	*priv;
	char	 added[4096];		/* "Name: value\n" lines */
	char	 changed[1024];
	char	 reply[512];
	char	 held[256];
	int	 fail_headers;
	unsigned nr;			/* GLUE_NR_* negotiated */
};

static void *
f_getpriv(void *ctx)
{
	return ((struct fake *)ctx)->priv;
}

static int
f_setpriv(void *ctx, void *p)
{
	((struct fake *)ctx)->priv = p;
	return 0;
}

static const char *
f_getsymval(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "i") == 0 ? "4QID" : NULL;
}

static int
f_addheader(void *ctx, const char *name, const char *value)
{
	struct fake *f = ctx;

	snprintf(f->added + strlen(f->added), sizeof(f->added) -
	    strlen(f->added), "%s:%s\n", name, value);
	return f->fail_headers ? -1 : 0;
}

static int
f_chgheader(void *ctx, const char *name, int idx, const char *value)
{
	struct fake *f = ctx;

	snprintf(f->changed, sizeof(f->changed), "%s[%d]:%s", name, idx, value);
	return f->fail_headers ? -1 : 0;
}

static int
f_setreply(void *ctx, const char *rcode, const char *xcode, const char *text)
{
	struct fake *f = ctx;

	snprintf(f->reply, sizeof(f->reply), "%s %s %s", rcode, xcode, text);
	return 0;
}

static int
f_quarantine(void *ctx, const char *reason)
{
	snprintf(((struct fake *)ctx)->held, 256, "%s", reason);
	return 0;
}

static const struct glue_ops fake_ops = {
	f_getpriv, f_setpriv, f_getsymval, f_addheader, f_chgheader,
	f_setreply, f_quarantine
};

static char tmpdir[] = "/tmp/check_glue.XXXXXX";
static struct policy *pol;
static struct quar *q;

static void
setup(void)
{
	struct policy_errors errs = { NULL, 0 };
	const char *err = NULL;
	char qdir[300];

	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(qdir, sizeof(qdir), "%s/q", tmpdir);
	q = quar_open(qdir, 1, 1000, &err);
	ck_assert_ptr_nonnull(q);
	pol = policy_default();
	free(pol->spool_dir);
	pol->spool_dir = mem_strdup(tmpdir);
	free(pol->quarantine_dir);
	pol->quarantine_dir = mem_strdup(qdir);
	pol->blocked_extensions = lists_parse("t", "exe\n", 4,
	    LISTS_EXTENSIONS, &errs);
	pol->rule_score[rules_index("mime.ambiguous")] = 6;
	glue_init(&fake_ops, pol, 2);
}

static void
teardown(void)
{
	char cmd[300];
	const struct policy *p = pol;

	glue_shutdown();
	policy_unref(&p);
	quar_close(&q);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(tmpdir, "/tmp/check_glue.XXXXXX");
}

/* One whole transaction to rcpt; headers given as "Name: value" lines. */
static enum glue_status
transact_to(struct fake *f, const char *rcpt, const char *const *hdrs,
    const char *body)
{
	/* The answer of a step: none where the MTA agreed to that. */
#define STEP(bit)	((f->nr & (bit)) ? GLUE_NOREPLY : GLUE_CONTINUE)
	size_t i;

	if (f->nr != 0 && f->priv == NULL)
		ck_assert_int_eq(glue_negotiate(f, f->nr), GLUE_CONTINUE);
	ck_assert_int_eq(glue_connect(f, "client.example", "192.0.2.7"),
	    STEP(GLUE_NR_CONNECT));
	ck_assert_int_eq(glue_helo(f, "client.example"), STEP(GLUE_NR_HELO));
	ck_assert_int_eq(glue_envfrom(f, "<sender@example.com>"),
	    STEP(GLUE_NR_MAIL));
	ck_assert_int_eq(glue_envrcpt(f, rcpt), STEP(GLUE_NR_RCPT));
	for (i = 0; hdrs[i] != NULL; i++) {
		char *copy = mem_strdup(hdrs[i]), *colon = strchr(copy, ':');

		*colon = '\0';
		ck_assert_int_eq(glue_header(f, copy, colon + 1),
		    STEP(GLUE_NR_HDR));
		free(copy);
	}
	ck_assert_int_eq(glue_eoh(f), STEP(GLUE_NR_EOH));
	ck_assert_int_eq(glue_body(f, (const unsigned char *)body,
	    strlen(body)), STEP(GLUE_NR_BODY));
#undef STEP
	return glue_eom(f);
}

static enum glue_status
transact(struct fake *f, const char *const *hdrs, const char *body)
{
	return transact_to(f, "<staff@hospital.example>", hdrs, body);
}

static int
count_rows(void *arg, const struct quar_row *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int
first_env(void *arg, const struct quar_row *r)
{
	snprintf(arg, 256, "%s|%s|%s|%s", r->env_from, r->rcpts, r->qid,
	    r->client_addr);
	return 1;
}

static int
stored(void)
{
	const char *err = NULL;
	int n = 0;

	ck_assert_int_eq(quar_list(q, 0, count_rows, &n, &err), 0);
	return n;
}

static const char *const clean_hdrs[] = { "From: a@example.jp",
	"Subject: hello", NULL };
static const char *const exe_hdrs[] = { "From: a@example.jp",
	"Subject: invoice", "Content-Type: application/octet-stream; "
	"name=\"invoice.exe\"", NULL };
static const char *const odd_hdrs[] = { "From: a@example.jp",
	"Subject: =?UTF-8?B?5qSc5p+7?=", "Content-Type: application/pdf; "
	"name=\"a.pdf\"", "Content-Disposition: attachment; filename=\"b.pdf\"",
	NULL };

START_TEST(test_accept)
{
	struct fake f;

	memset(&f, 0, sizeof(f));
	glue_set_leadspc(0);
	ck_assert_int_eq(transact(&f, clean_hdrs, "hi\r\n"), GLUE_ACCEPT);
	ck_assert_str_eq(f.added, "");
	ck_assert_str_eq(f.changed, "");
	ck_assert_int_eq(stored(), 0);
	ck_assert_int_eq(glue_close(&f), GLUE_CONTINUE);
	ck_assert_ptr_null(f.priv);
}
END_TEST

START_TEST(test_tag)
{
	struct fake f;

	memset(&f, 0, sizeof(f));
	glue_set_leadspc(1);
	ck_assert_int_eq(transact(&f, odd_hdrs, "%PDF-1.4\r\n"), GLUE_ACCEPT);
	ck_assert_ptr_nonnull(strstr(f.added, "X-Triage-Verdict: tag; score="));
	ck_assert_ptr_nonnull(strstr(f.added, "X-Triage-Findings: "
	    "mime.ambiguous"));
	/* "[要注意] " in UTF-8, B-encoded, then the original encoded word */
	ck_assert_str_eq(f.changed, "Subject[1]: =?UTF-8?B?W+imgeazqOaEj10g?= "
	    "=?UTF-8?B?5qSc5p+7?=");
	ck_assert_int_eq(stored(), 0);
	glue_close(&f);
}
END_TEST

START_TEST(test_tag_header_failure_tempfails)
{
	struct fake f;

	memset(&f, 0, sizeof(f));
	f.fail_headers = 1;
	ck_assert_int_eq(transact(&f, odd_hdrs, "x\r\n"), GLUE_TEMPFAIL);
	ck_assert_str_eq(f.reply, "451 4.7.1 Message could not be scanned "
	    "now; please try again later");
	glue_close(&f);
}
END_TEST

START_TEST(test_quarantine_discard)
{
	struct fake f;
	const char *err = NULL;
	char path[400], back[512] = "", env[256] = "";
	int fd;

	memset(&f, 0, sizeof(f));
	glue_set_leadspc(1);
	ck_assert_int_eq(transact(&f, exe_hdrs, "MZ\r\n"), GLUE_DISCARD);
	ck_assert_int_eq(stored(), 1);
	ck_assert_int_eq(quar_list(q, 1, first_env, env, &err), 1);
	ck_assert_str_eq(env, "sender@example.com|staff@hospital.example|"
	    "4QID|192.0.2.7");
	/* The stored copy is the message as the MTA passed it. */
	snprintf(path, sizeof(path), "%s/export", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_eq(quar_export(q, 1, fd, &err), 0);
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_gt(read(fd, back, sizeof(back) - 1), 0);
	close(fd);
	ck_assert_str_eq(back, "From: a@example.jp\r\nSubject: invoice\r\n"
	    "Content-Type: application/octet-stream; name=\"invoice.exe\"\r\n"
	    "\r\nMZ\r\n");
	glue_close(&f);
}
END_TEST

/*
 * Many headers (fed to the spool and scanner in batches): the stored copy
 * is still every line in order, and a finding in a late header counts.
 */
START_TEST(test_many_headers_stored_whole)
{
	static char want[200000], back[200001];
	const char *hdrs[2004];
	static char lines[2000][48];
	struct fake f;
	const char *err = NULL;
	char path[400];
	size_t n = 0, i;
	ssize_t got;
	int fd;

	hdrs[n++] = "From: a@example.jp";
	for (i = 0; i < 2000; i++) {
		snprintf(lines[i], sizeof(lines[i]), "X-Trace-%04zu: hop %zu",
		    i, i);
		hdrs[n++] = lines[i];
	}
	hdrs[n++] = "Content-Type: application/octet-stream; "
	    "name=\"invoice.exe\"";
	hdrs[n] = NULL;
	memset(&f, 0, sizeof(f));
	glue_set_leadspc(1);
	ck_assert_int_eq(transact(&f, hdrs, "MZ\r\n"), GLUE_DISCARD);
	for (i = 0; hdrs[i] != NULL; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
		    "%s\r\n", hdrs[i]);
	strcat(want, "\r\nMZ\r\n");
	snprintf(path, sizeof(path), "%s/export", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_eq(quar_export(q, 1, fd, &err), 0);
	lseek(fd, 0, SEEK_SET);
	got = read(fd, back, sizeof(back) - 1);
	close(fd);
	ck_assert_int_eq(got, (ssize_t)strlen(want));
	ck_assert_str_eq(back, want);
	glue_close(&f);
}
END_TEST

START_TEST(test_quarantine_hold)
{
	struct fake f;

	pol->quarantine_hold = 1;
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(transact(&f, exe_hdrs, "MZ\r\n"), GLUE_ACCEPT);
	ck_assert_str_eq(f.held, "triage-milter quarantine id 1");
	ck_assert_int_eq(stored(), 1);
	glue_close(&f);
}
END_TEST

START_TEST(test_quarantine_store_failure_tempfails)
{
	struct fake f;

	free(pol->quarantine_dir);
	pol->quarantine_dir = mem_strdup("/nonexistent/quarantine");
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(transact(&f, exe_hdrs, "MZ\r\n"), GLUE_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(f.reply, "451 4.7.1"));
	glue_close(&f);
}
END_TEST

START_TEST(test_reject)
{
	struct fake f;

	free(pol->reject_text);
	pol->reject_text = mem_strdup("Refused: 100% dangerous");
	pol->rule_action[rules_index("attachment.blocked_extension")] =
	    VERDICT_REJECT;
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(transact(&f, exe_hdrs, "MZ\r\n"), GLUE_REJECT);
	ck_assert_str_eq(f.reply, "550 5.7.1 Refused: 100%% dangerous");
	ck_assert_int_eq(stored(), 0);
	glue_close(&f);
}
END_TEST

START_TEST(test_spool_failure_tempfails)
{
	struct fake f;

	free(pol->spool_dir);
	pol->spool_dir = mem_strdup("/nonexistent/spool");
	/*
	 * A small clean message is scanned whole in memory and never needs
	 * the file; one to be quarantined does, and is tempfailed unstored.
	 */
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(transact(&f, clean_hdrs, "hi\r\n"), GLUE_ACCEPT);
	glue_close(&f);
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(transact(&f, exe_hdrs, "MZ\r\n"), GLUE_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(f.reply, "451 4.7.1"));
	ck_assert_int_eq(stored(), 0);
	glue_close(&f);
}
END_TEST

/*
 * With no-reply steps negotiated only end of message answers: verdicts
 * are the same, and a failure in a step without an answer (a header
 * before any MAIL FROM) becomes a tempfail there, once.
 */
START_TEST(test_noreply_steps)
{
	const unsigned all = GLUE_NR_CONNECT | GLUE_NR_HELO | GLUE_NR_MAIL |
	    GLUE_NR_RCPT | GLUE_NR_HDR | GLUE_NR_EOH | GLUE_NR_BODY;
	struct fake f;

	memset(&f, 0, sizeof(f));
	f.nr = all;
	ck_assert_int_eq(transact(&f, clean_hdrs, "hi\r\n"), GLUE_ACCEPT);
	ck_assert_int_eq(transact(&f, exe_hdrs, "MZ\r\n"), GLUE_DISCARD);
	ck_assert_int_eq(stored(), 1);
	/* Only headers without an answer: the rest as before. */
	glue_close(&f);
	memset(&f, 0, sizeof(f));
	f.nr = GLUE_NR_HDR;
	ck_assert_int_eq(transact(&f, clean_hdrs, "hi\r\n"), GLUE_ACCEPT);
	/* A header outside a transaction: swallowed, answered at the end. */
	ck_assert_int_eq(glue_header(&f, "Subject", " x"), GLUE_NOREPLY);
	ck_assert_int_eq(glue_eom(&f), GLUE_TEMPFAIL);
	ck_assert_int_eq(transact(&f, clean_hdrs, "hi\r\n"), GLUE_ACCEPT);
	/* Without no-reply the same mistake is answered at once. */
	glue_close(&f);
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(glue_connect(&f, "h", "192.0.2.1"), GLUE_CONTINUE);
	ck_assert_int_eq(glue_header(&f, "Subject", " x"), GLUE_TEMPFAIL);
	glue_close(&f);
}
END_TEST

START_TEST(test_abort_and_reuse)
{
	struct fake f;

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(glue_connect(&f, "h", "192.0.2.1"), GLUE_CONTINUE);
	ck_assert_int_eq(glue_envfrom(&f, "<a@b>"), GLUE_CONTINUE);
	ck_assert_int_eq(glue_header(&f, "Content-Type",
	    " multipart/mixed; boundary=x"), GLUE_CONTINUE);
	ck_assert_int_eq(glue_eoh(&f), GLUE_CONTINUE);
	ck_assert_int_eq(glue_body(&f, (const unsigned char *)"--x\r\n\r\nAB",
	    10), GLUE_CONTINUE);
	ck_assert_int_eq(glue_abort(&f), GLUE_CONTINUE);
	/* The next transaction on the same connection starts clean. */
	ck_assert_int_eq(glue_envfrom(&f, "<a@b>"), GLUE_CONTINUE);
	ck_assert_int_eq(glue_header(&f, "Subject", " x"), GLUE_CONTINUE);
	ck_assert_int_eq(glue_eoh(&f), GLUE_CONTINUE);
	ck_assert_int_eq(glue_eom(&f), GLUE_ACCEPT);
	/* Calls without a transaction are refused, not crashed on. */
	ck_assert_int_eq(glue_body(&f, (const unsigned char *)"x", 1),
	    GLUE_TEMPFAIL);
	glue_close(&f);
	/* close without connect: priv is NULL */
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(glue_close(&f), GLUE_CONTINUE);
}
END_TEST

/* The same message once more: Received differs, and Postfix added a
 * Date the client did not send. */
static const char *const exe_hdrs_a[] = { "Received: from c.example by mx"
	" id AAA;\n\tWed, 25 Nov 2026 10:00:00 +0000", "From: a@example.jp",
	"Subject: invoice", "Content-Type: application/octet-stream; "
	"name=\"invoice.exe\"", NULL };
static const char *const exe_hdrs_b[] = { "RECEIVED: from c.example by mx"
	" id BBB;\n\tWed, 25 Nov 2026 10:05:00 +0000", "From: a@example.jp",
	"Date: Wed, 25 Nov 2026 10:05:00 +0000 (UTC)",
	"Subject: invoice", "Content-Type: application/octet-stream; "
	"name=\"invoice.exe\"", NULL };

static const char *const exe_hdrs_c[] = { "Received: x", "Dated: y",
	"Received-SPF: pass", "From: a@example.jp", "Subject: invoice",
	"Content-Type: application/octet-stream; name=\"invoice.exe\"",
	NULL };

/* A daemon restart, as far as the pending items are concerned. */
static void
restart(void)
{
	glue_shutdown();
	glue_init(&fake_ops, pol, 2);
}

/*
 * The daemon died after storing and before the MTA read the answer: the
 * MTA tempfailed and the client sends the same message again.  It must
 * not be quarantined twice (fault tests, kill -9 under load).
 */
START_TEST(test_resend_after_lost_answer)
{
	struct fake f1, f2, f3;

	memset(&f1, 0, sizeof(f1));
	memset(&f2, 0, sizeof(f2));
	memset(&f3, 0, sizeof(f3));
	ck_assert_int_eq(transact(&f1, exe_hdrs_a, "MZ\r\n"), GLUE_DISCARD);
	ck_assert_int_eq(stored(), 1);
	/* While this daemon lives, an identical message is another copy. */
	ck_assert_int_eq(transact(&f2, exe_hdrs_b, "MZ\r\n"), GLUE_DISCARD);
	ck_assert_int_eq(stored(), 2);
	glue_close(&f2);
	/* The daemon dies before anything more comes on f1: its answer was
	 * lost.  The restarted daemon gets the resend. */
	restart();
	memset(&f2, 0, sizeof(f2));
	ck_assert_int_eq(transact(&f2, exe_hdrs_b, "MZ\r\n"), GLUE_DISCARD);
	ck_assert_int_eq(stored(), 2);
	/* f2's QUIT shows the MTA read the answer: no longer pending, so the
	 * same message sent once more is a new one. */
	glue_close(&f2);
	restart();
	ck_assert_int_eq(transact(&f3, exe_hdrs_a, "MZ\r\n"), GLUE_DISCARD);
	ck_assert_int_eq(stored(), 3);
	glue_close(&f3);
	glue_close(&f1);
}
END_TEST

START_TEST(test_resend_answer_read)
{
	struct fake f1, f2;

	memset(&f1, 0, sizeof(f1));
	memset(&f2, 0, sizeof(f2));
	ck_assert_int_eq(transact(&f1, exe_hdrs_a, "MZ\r\n"), GLUE_DISCARD);
	/* The next MAIL FROM on the connection: the MTA read the answer. */
	ck_assert_int_eq(glue_envfrom(&f1, "<sender@example.com>"),
	    GLUE_CONTINUE);
	ck_assert_int_eq(glue_abort(&f1), GLUE_CONTINUE);
	restart();
	ck_assert_int_eq(transact(&f2, exe_hdrs_a, "MZ\r\n"), GLUE_DISCARD);
	ck_assert_int_eq(stored(), 2);
	/* f2's item is pending and its daemon gone: other content, other
	 * fields or another envelope are other messages... */
	restart();
	glue_close(&f1);
	memset(&f1, 0, sizeof(f1));
	ck_assert_int_eq(transact(&f1, exe_hdrs_a, "MZ!\r\n"),
	    GLUE_DISCARD);
	ck_assert_int_eq(stored(), 3);
	glue_close(&f1);
	/* (fields whose names only start like a skipped one are kept) */
	memset(&f1, 0, sizeof(f1));
	ck_assert_int_eq(transact(&f1, exe_hdrs_c, "MZ\r\n"), GLUE_DISCARD);
	ck_assert_int_eq(stored(), 4);
	glue_close(&f1);
	memset(&f1, 0, sizeof(f1));
	ck_assert_int_eq(transact_to(&f1, "<other@hospital.example>",
	    exe_hdrs_a, "MZ\r\n"), GLUE_DISCARD);
	ck_assert_int_eq(stored(), 5);
	glue_close(&f1);
	/* ...and the same message is not. */
	memset(&f1, 0, sizeof(f1));
	ck_assert_int_eq(transact(&f1, exe_hdrs_b, "MZ\r\n"), GLUE_DISCARD);
	ck_assert_int_eq(stored(), 5);
	glue_close(&f1);
	glue_close(&f2);
}
END_TEST

static Suite *
glue_suite(void)
{
	Suite *s = suite_create("glue");
	TCase *tc;

	tc = tcase_create("verdicts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_accept);
	tcase_add_test(tc, test_tag);
	tcase_add_test(tc, test_quarantine_discard);
	tcase_add_test(tc, test_quarantine_hold);
	tcase_add_test(tc, test_reject);
	suite_add_tcase(s, tc);
	tc = tcase_create("resend");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_resend_after_lost_answer);
	tcase_add_test(tc, test_resend_answer_read);
	suite_add_tcase(s, tc);
	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tag_header_failure_tempfails);
	tcase_add_test(tc, test_quarantine_store_failure_tempfails);
	tcase_add_test(tc, test_spool_failure_tempfails);
	tcase_add_test(tc, test_noreply_steps);
	tcase_add_test(tc, test_many_headers_stored_whole);
	tcase_add_test(tc, test_abort_and_reuse);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(glue_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
