/*
 * check_quar: the spool file and the quarantine store.
 */
#include <check.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quar.h"
#include "spool.h"

static char tmpdir[] = "/tmp/check_quar.XXXXXX";

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(tmpdir, "/tmp/check_quar.XXXXXX");
}

static size_t
count_files(const char *dir)
{
	char cmd[256];
	FILE *p;
	size_t n = 0;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fscanf(p, "%zu", &n), 1);
	pclose(p);
	return n;
}

START_TEST(test_spool_bounded_unlinked)
{
	const char *err = NULL;
	struct spool *s = spool_new(tmpdir, 100000, &err);
	char buf[1000], back[200000];
	int fd, i;
	ssize_t n;

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(count_files(tmpdir), 0);	/* unlinked at once */
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 150; i++) {
		buf[0] = (char)('a' + i % 26);
		ck_assert_int_eq(spool_write(s, buf, sizeof(buf), &err), 0);
	}
	ck_assert_uint_eq(spool_size(s), 100000);
	ck_assert_int_eq(spool_truncated(s), 1);
	fd = spool_rewind(s, &err);
	ck_assert_int_ge(fd, 0);
	n = read(fd, back, sizeof(back));
	ck_assert_int_eq(n, 100000);
	ck_assert_int_eq(back[0], 'a');
	ck_assert_int_eq(back[99000], 'a' + 99 % 26);
	spool_free(&s);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_spool_bad_dir)
{
	const char *err = NULL;

	ck_assert_ptr_null(spool_new("/nonexistent/dir", 10, &err));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir"));
}
END_TEST

static int
collect(void *arg, const struct quar_row *r)
{
	char *out = arg;

	snprintf(out + strlen(out), 4096 - strlen(out), "%lld|%s|%s|%s|%s|%s|%d|%s|%lld\n",
	    (long long)r->id, r->msgid, r->qid, r->env_from, r->rcpts,
	    r->verdict, r->score, r->status, (long long)r->size);
	return 0;
}

static void
store_one(struct quar *q, const char *msgid, const char *body, int64_t *id)
{
	const char *rcpts[] = { "a@example.jp", "b@example.jp" };
	const char *err = NULL;
	struct quar_item it;
	struct spool *s = spool_new(tmpdir, 1 << 20, &err);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(spool_write(s, body, strlen(body), &err), 0);
	memset(&it, 0, sizeof(it));
	it.msgid = msgid;
	it.qid = "4ABC";
	it.client_addr = "192.0.2.1";
	it.env_from = "<evil@example.com>";
	it.rcpts = rcpts;
	it.nrcpts = 2;
	it.verdict = "quarantine";
	it.score = 40;
	it.rules = "attachment.executable";
	it.report = "{\"findings\":[]}";
	it.fd = spool_rewind(s, &err);
	it.size = spool_size(s);
	ck_assert_int_eq(quar_store(q, &it, id, &err), 0);
	spool_free(&s);
}

START_TEST(test_quar_store_list_export)
{
	const char *err = NULL;
	char qdir[300], out[4096] = "", path[400], *rep = NULL;
	struct quar *q;
	struct stat st;
	int64_t id1, id2;
	int fd;
	FILE *fp;
	char back[100] = "";

	snprintf(qdir, sizeof(qdir), "%s/q", tmpdir);
	q = quar_open(qdir, 1, 1000, &err);
	ck_assert_msg(q != NULL, "%s", err);
	ck_assert_int_eq(stat(qdir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0750);
	snprintf(path, sizeof(path), "%s/quarantine.db", qdir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	store_one(q, "m1", "Subject: one\r\n\r\nbody\r\n", &id1);
	store_one(q, "m2", "Subject: two\r\n\r\n\0binary", &id2);
	ck_assert_int_gt(id2, id1);
	ck_assert_int_eq(quar_list(q, 0, collect, out, &err), 0);
	ck_assert_str_eq(out, "2|m2|4ABC|<evil@example.com>|a@example.jp\n"
	    "b@example.jp|quarantine|40|held|16\n"
	    "1|m1|4ABC|<evil@example.com>|a@example.jp\nb@example.jp|"
	    "quarantine|40|held|22\n");
	snprintf(path, sizeof(path), "%s/export", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_eq(quar_export(q, id1, fd, &err), 0);
	close(fd);
	fp = fopen(path, "r");
	ck_assert_uint_eq(fread(back, 1, sizeof(back) - 1, fp), 22);
	fclose(fp);
	ck_assert_str_eq(back, "Subject: one\r\n\r\nbody\r\n");
	ck_assert_int_eq(quar_export(q, 999, 1, &err), 1);
	ck_assert_int_eq(quar_report(q, id1, &rep, &err), 0);
	ck_assert_str_eq(rep, "{\"findings\":[]}");
	free(rep);
	quar_close(&q);
	ck_assert_ptr_null(q);
}
END_TEST

START_TEST(test_quar_locked_fails)
{
	const char *err = NULL;
	char qdir[300], path[400];
	struct quar *q;
	struct quar_item it;
	struct spool *s;
	sqlite3 *other;
	int64_t id;

	snprintf(qdir, sizeof(qdir), "%s/q", tmpdir);
	q = quar_open(qdir, 1, 100, &err);
	ck_assert_ptr_nonnull(q);
	/* Another writer holds the database: the store must fail, not hang. */
	snprintf(path, sizeof(path), "%s/quarantine.db", qdir);
	ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN EXCLUSIVE", 0, 0, 0),
	    SQLITE_OK);
	s = spool_new(tmpdir, 100, &err);
	spool_write(s, "x", 1, &err);
	memset(&it, 0, sizeof(it));
	it.msgid = "m";
	it.verdict = "quarantine";
	it.fd = spool_rewind(s, &err);
	it.size = 1;
	ck_assert_int_eq(quar_store(q, &it, &id, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "locked"));
	sqlite3_exec(other, "ROLLBACK", 0, 0, 0);
	sqlite3_close(other);
	/* Once free again, the same store succeeds. */
	it.fd = spool_rewind(s, &err);
	ck_assert_int_eq(quar_store(q, &it, &id, &err), 0);
	spool_free(&s);
	quar_close(&q);
}
END_TEST

START_TEST(test_quar_missing)
{
	const char *err = NULL;

	ck_assert_ptr_null(quar_open("/nonexistent/q", 0, 100, &err));
	ck_assert_ptr_nonnull(strstr(err, "quarantine"));
}
END_TEST

static Suite *
quar_suite(void)
{
	Suite *s = suite_create("quar");
	TCase *tc;

	tc = tcase_create("spool");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_spool_bounded_unlinked);
	tcase_add_test(tc, test_spool_bad_dir);
	suite_add_tcase(s, tc);
	tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_quar_store_list_export);
	tcase_add_test(tc, test_quar_locked_fails);
	tcase_add_test(tc, test_quar_missing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(quar_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
