/*
 * check_quar: the spool file and the quarantine store: store, filters,
 * reports, the release state machine (with a fake sendmail made here),
 * the release token, claims, delete, purge, audit, schema upgrades,
 * locking, counters and the small parsers.
 */
#include <check.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "quar.h"
#include "spool.h"
#include "token.h"

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

/* Small messages stay in memory; the file appears only when needed. */
START_TEST(test_spool_small_and_large)
{
	static unsigned char big[300000], back[300001];
	const char *err = NULL;
	struct spool *s;
	ssize_t n;
	size_t got;
	int fd;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 31 + i / 7);
	s = spool_new(tmpdir, sizeof(big), &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(spool_write(s, big, 1000, &err), 0);
	fd = spool_rewind(s, &err);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, back, sizeof(back)), 1000);
	ck_assert_mem_eq(back, big, 1000);
	spool_free(&s);
	/* Past the buffer, in pieces of odd sizes; never a name left. */
	s = spool_new(tmpdir, sizeof(big), &err);
	for (size_t off = 0; off < sizeof(big); off += 7777)
		ck_assert_int_eq(spool_write(s, big + off, sizeof(big) - off <
		    7777 ? sizeof(big) - off : 7777, &err), 0);
	ck_assert_uint_eq(count_files(tmpdir), 0);
	fd = spool_rewind(s, &err);
	ck_assert_int_ge(fd, 0);
	for (got = 0; (n = read(fd, back + got, sizeof(back) - got)) > 0; )
		got += (size_t)n;
	ck_assert_uint_eq(got, sizeof(big));
	ck_assert_mem_eq(back, big, sizeof(big));
	spool_free(&s);
}
END_TEST

/* Read a rewound spool to its end. */
static size_t
spool_slurp(struct spool *s, unsigned char *buf, size_t cap)
{
	const char *err = NULL;
	int fd = spool_rewind(s, &err);
	size_t got = 0;
	ssize_t n;

	ck_assert_msg(fd != -1, "rewind: %s", err);
	while ((n = read(fd, buf + got, cap - got)) > 0)
		got += (size_t)n;
	return got;
}

/*
 * Files are reused: a later, shorter message reads back as itself, never
 * with the end of an earlier one, and no name is left in the directory.
 */
START_TEST(test_spool_reuse)
{
	static unsigned char a[300000], b[100000], back[300001];
	const char *err = NULL;
	struct spool *s;

	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	s = spool_new(tmpdir, 1 << 20, &err);
	ck_assert_int_eq(spool_write(s, a, sizeof(a), &err), 0);
	ck_assert_uint_eq(spool_slurp(s, back, sizeof(back)), sizeof(a));
	spool_free(&s);
	for (int round = 0; round < 3; round++) {
		s = spool_new(tmpdir, 1 << 20, &err);
		ck_assert_int_eq(spool_write(s, "small", 5, &err), 0);
		ck_assert_uint_eq(spool_slurp(s, back, sizeof(back)), 5);
		ck_assert_mem_eq(back, "small", 5);
		spool_free(&s);
		s = spool_new(tmpdir, 1 << 20, &err);
		for (size_t off = 0; off < sizeof(b); off += 1000)
			ck_assert_int_eq(spool_write(s, b + off, 1000, &err), 0);
		ck_assert_uint_eq(spool_slurp(s, back, sizeof(back)),
		    sizeof(b));
		ck_assert_mem_eq(back, b, sizeof(b));
		spool_free(&s);
	}
	ck_assert_uint_eq(count_files(tmpdir), 0);
}
END_TEST

/* The directory a spool's file lives in (its /proc/self/fd link). */
static int
spool_file_in(struct spool *s, const char *dir)
{
	char link[64], target[4096];
	const char *err = NULL;
	ssize_t n;
	int fd = spool_rewind(s, &err);

	ck_assert_msg(fd != -1, "rewind: %s", err);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	ck_assert_int_gt(n, 0);
	target[n] = '\0';
	return strncmp(target, dir, strlen(dir)) == 0 &&
	    target[strlen(dir)] == '/';
}

/*
 * A reload that changes spool_dir: files of the old directory are not
 * reused for the new one (they would live on the old file system).
 */
START_TEST(test_spool_reuse_new_dir)
{
	char other[300];
	const char *err = NULL;
	struct spool *s;

	snprintf(other, sizeof(other), "%s/other", tmpdir);
	ck_assert_int_eq(mkdir(other, 0700), 0);
	s = spool_new(tmpdir, 1 << 20, &err);
	ck_assert_int_eq(spool_write(s, "a", 1, &err), 0);
	ck_assert(spool_file_in(s, tmpdir));
	spool_free(&s);			/* pooled, of tmpdir */
	s = spool_new(other, 1 << 20, &err);
	ck_assert_int_eq(spool_write(s, "b", 1, &err), 0);
	ck_assert(spool_file_in(s, other));
	spool_free(&s);			/* the pool is now other's */
	s = spool_new(tmpdir, 1 << 20, &err);
	ck_assert_int_eq(spool_write(s, "c", 1, &err), 0);
	ck_assert(spool_file_in(s, tmpdir));
	spool_free(&s);
	ck_assert_int_eq(rmdir(other), 0);
}
END_TEST

/* A missing directory is an error where the file is first needed. */
START_TEST(test_spool_bad_dir)
{
	static unsigned char big[70000];
	const char *err = NULL;
	struct spool *s = spool_new("/nonexistent/dir", 1 << 20, &err);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(spool_write(s, "small", 5, &err), 0);
	ck_assert_int_eq(spool_rewind(s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir"));
	spool_free(&s);
	s = spool_new("/nonexistent/dir", 1 << 20, &err);
	err = NULL;
	ck_assert_int_eq(spool_write(s, big, sizeof(big), &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir"));
	spool_free(&s);
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

/* ---- helpers for the administration tests ------------------------ */

#define REPORT1 "{\"file\":\"m1\",\"verdict\":\"quarantine\",\"score\":40," \
	"\"findings\":[{\"rule\":\"attachment.executable\",\"score\":20," \
	"\"action\":\"quarantine\",\"where\":\"2\",\"detail\":\"PE32 \\u202e" \
	"x\"},{\"rule\":\"url.ip_literal\",\"score\":20,\"action\":\"none\"," \
	"\"where\":\"1\",\"detail\":null}],\"parts\":[{\"where\":\"1\"," \
	"\"name\":null,\"declared\":\"text/plain\",\"detected\":\"text/plain\"," \
	"\"size\":12,\"sha256\":\"aa\"},{\"where\":\"2\",\"name\":" \
	"\"\\u8acb\\u6c42\\ud83d\\ude00.exe\",\"declared\":\"application/pdf\"," \
	"\"detected\":\"application/x-dosexec\",\"size\":512,\"sha256\":" \
	"\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}]," \
	"\"urls\":[{\"url\":\"http://203.0.113.9/a.exe\",\"where\":\"1\"," \
	"\"normalised\":null,\"domain\":null,\"rules\":[\"url.ip_literal\"," \
	"\"url.blocklisted\"]}],\"extra\":{\"a\":[1,2,{\"b\":true}]}}"

struct msgspec {
	const char	*msgid, *from, *hdr_from, *rules, *verdict, *report;
	const char	*body;
	const char	*rcpts[3];
	size_t		 nrcpts;
};

static int64_t
store_spec(struct quar *q, const struct msgspec *m)
{
	const char *err = NULL;
	struct quar_item it;
	struct spool *s = spool_new(tmpdir, 1 << 20, &err);
	int64_t id = 0;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(spool_write(s, m->body, strlen(m->body), &err), 0);
	memset(&it, 0, sizeof(it));
	it.msgid = m->msgid;
	it.qid = "QID1";
	it.client_addr = "192.0.2.7";
	it.client_name = "mx.example.com";
	it.helo = "mx.example.com";
	it.env_from = m->from;
	it.rcpts = m->rcpts;
	it.nrcpts = m->nrcpts;
	it.hdr_from = m->hdr_from;
	it.subject = "=?UTF-8?B?6KuL5rGC5pu4?=";
	it.verdict = m->verdict;
	it.score = 40;
	it.rules = m->rules;
	it.report = m->report;
	it.fd = spool_rewind(s, &err);
	it.size = spool_size(s);
	ck_assert_msg(quar_store(q, &it, &id, &err) == 0, "%s", err);
	spool_free(&s);
	return id;
}

static const char body1[] = "From: Evil <evil@example.com>\r\n"
    "Subject: =?UTF-8?B?6KuL5rGC5pu4?=\r\n\r\nline one\r\n"
    "line two\r\n\r\nend\r\n";

static int64_t
store_simple(struct quar *q, const char *msgid)
{
	struct msgspec m = { msgid, "<evil@example.com>",
	    "Evil <evil@example.com>", "attachment.executable,url.ip_literal",
	    "quarantine", REPORT1, body1, { "<a@example.jp>",
	    "<b@example.jp>", NULL }, 2 };

	return store_spec(q, &m);
}

static struct quar *
open_q(void)
{
	const char *err = NULL;
	char qdir[300];
	struct quar *q;

	snprintf(qdir, sizeof(qdir), "%s/q", tmpdir);
	q = quar_open(qdir, 1, 1000, &err);
	ck_assert_msg(q != NULL, "%s", err);
	return q;
}

static sqlite3 *
open_raw(void)
{
	char path[400];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/q/quarantine.db", tmpdir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

/* One integer from SQL on a separate connection. */
static long long
sql_int(const char *sql)
{
	sqlite3 *db = open_raw();
	sqlite3_stmt *st;
	long long v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
sql_exec(const char *sql)
{
	sqlite3 *db = open_raw();

	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Store "x" with a dedup digest (or NULL) from an instance; returns
 * quar_store's result. */
static int
store_dedup(struct quar *q, const char *dedup, const char *inst,
    int64_t *id)
{
	const char *err = NULL;
	struct quar_item it;
	struct spool *s = spool_new(tmpdir, 100, &err);
	int r;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(spool_write(s, "x", 1, &err), 0);
	memset(&it, 0, sizeof(it));
	it.msgid = "m";
	it.verdict = "quarantine";
	it.fd = spool_rewind(s, &err);
	it.size = 1;
	it.dedup = dedup;
	it.instance = inst;
	r = quar_store(q, &it, id, &err);
	ck_assert_msg(r != -1, "%s", err);
	spool_free(&s);
	return r;
}

/* A resend after a lost answer is not stored twice (fault tests). */
START_TEST(test_quar_pending_dedup)
{
	const char *err = NULL;
	char qdir[300], sql[200];
	struct quar *q;
	int64_t a, b, c, d, e;

	snprintf(qdir, sizeof(qdir), "%s/q", tmpdir);
	q = quar_open(qdir, 1, 1000, &err);
	ck_assert_msg(q != NULL, "%s", err);
	ck_assert_int_eq(store_dedup(q, "d1", "i1", &a), 0);
	/* The same instance is alive and answered: a second copy. */
	ck_assert_int_eq(store_dedup(q, "d1", "i1", &b), 0);
	ck_assert_int_ne(b, a);
	/* Another instance while pending: the same item, nothing stored. */
	ck_assert_int_eq(store_dedup(q, "d1", "i2", &c), 1);
	ck_assert_int_eq(c, a);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM messages"), 2);
	/* Another digest, or none, is another message. */
	ck_assert_int_eq(store_dedup(q, "d2", "i2", &c), 0);
	ck_assert_int_gt(c, b);
	ck_assert_int_eq(store_dedup(q, NULL, "i2", &d), 0);
	ck_assert_int_eq(store_dedup(q, NULL, "i3", &e), 0);
	ck_assert_int_ne(d, e);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM pending"), 3);
	/* Once the MTA has the answers, the same message again is new. */
	ck_assert_int_eq(quar_confirm(q, a, &err), 0);
	ck_assert_int_eq(quar_confirm(q, b, &err), 0);
	ck_assert_int_eq(store_dedup(q, "d1", "i3", &a), 0);
	ck_assert_int_gt(a, e);
	/* Pending items older than the window are forgotten. */
	snprintf(sql, sizeof(sql), "UPDATE pending SET created = created - %d"
	    " WHERE id = %lld", QUAR_DEDUP_WINDOW + 60, (long long)c);
	sql_exec(sql);
	ck_assert_int_eq(store_dedup(q, "d2", "i3", &d), 0);
	ck_assert_int_gt(d, a);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM pending"), 2);
	/* A pending item whose message was purged is not matched. */
	snprintf(sql, sizeof(sql), "DELETE FROM messages WHERE id = %lld",
	    (long long)d);
	sql_exec(sql);
	ck_assert_int_eq(store_dedup(q, "d2", "i4", &e), 0);
	ck_assert_int_gt(e, d);
	quar_close(&q);
}
END_TEST

/* The fake sendmail: argv and stdin to files, then exit with code. */
static void
fake_sendmail(char *path, size_t cap, int code, int sleep_s)
{
	FILE *fp;

	snprintf(path, cap, "%s/sendmail", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "#!/bin/sh\nprintf '%%s\\n' \"$@\" > '%s/argv'\n"
	    "cat > '%s/stdin'\n%sexit %d\n", tmpdir, tmpdir,
	    sleep_s ? "sleep 5\n" : "", code);
	fclose(fp);
	ck_assert_int_eq(chmod(path, 0755), 0);
}

static char *
slurp(const char *name, size_t *len_r)
{
	char path[400];
	FILE *fp;
	char *buf = calloc(1, 1 << 16);
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "no %s", path);
	n = fread(buf, 1, (1 << 16) - 1, fp);
	fclose(fp);
	if (len_r != NULL)
		*len_r = n;
	return buf;
}

static struct token_key test_key;

static void
make_key(void)
{
	char path[400];
	const char *err = NULL;

	snprintf(path, sizeof(path), "%s/release.key", tmpdir);
	ck_assert_int_eq(token_key_create(path, &err), 0);
	ck_assert_int_eq(token_key_load(path, &test_key, &err), 0);
}

static void
release_opts(struct quar_release *o, struct quar_actor *who,
    const char *sendmail)
{
	memset(o, 0, sizeof(*o));
	quar_actor_self(who);
	o->sendmail_path = sendmail;
	o->key = &test_key;
	o->reason = "checked with the sender by phone";
	o->timeout_ms = 10000;
	o->who = who;
}

struct row_copy {
	char	status[16], released_by[100], release_to[200];
	int64_t	released_at, release_used_at, deleted_at, size;
	char	report[4096], subject[200], client_name[100];
};

static int
copy_row(void *arg, const struct quar_row *r)
{
	struct row_copy *c = arg;

	snprintf(c->status, sizeof(c->status), "%s", r->status);
	snprintf(c->released_by, sizeof(c->released_by), "%s", r->released_by);
	snprintf(c->release_to, sizeof(c->release_to), "%s", r->release_to);
	snprintf(c->report, sizeof(c->report), "%s", r->report);
	snprintf(c->subject, sizeof(c->subject), "%s", r->subject);
	snprintf(c->client_name, sizeof(c->client_name), "%s", r->client_name);
	c->released_at = r->released_at;
	c->release_used_at = r->release_used_at;
	c->deleted_at = r->deleted_at;
	c->size = r->size;
	return 0;
}

static void
get_row(struct quar *q, int64_t id, struct row_copy *c)
{
	const char *err = NULL;

	memset(c, 0, sizeof(*c));
	ck_assert_int_eq(quar_get(q, id, copy_row, c, &err), QUAR_OK);
}

/* Audit rows of one message as "action|user|sudo|reason|detail\n". */
static int
audit_collect(void *arg, const struct quar_audit_row *a)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 8192 - n, "%s|%ld|%s|%s|%s|%s|%lld\n", a->action,
	    a->uid, a->user, a->sudo_user, a->reason, a->detail,
	    (long long)a->message);
	return 0;
}

static void
audit_of(struct quar *q, int64_t id, char out[8192])
{
	const char *err = NULL;

	out[0] = '\0';
	ck_assert_int_eq(quar_audit_list(q, id, 0, audit_collect, out, &err), 0);
}

/* ---- list filters ------------------------------------------------- */

static int
collect_ids(void *arg, const struct quar_row *r)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 1024 - n, "%lld,", (long long)r->id);
	return 0;
}

static void
list_ids(struct quar *q, const struct quar_filter *f, char out[1024])
{
	const char *err = NULL;

	out[0] = '\0';
	ck_assert_int_eq(quar_list_filter(q, f, collect_ids, out, &err), 0);
}

START_TEST(test_quar_list_filters)
{
	struct quar *q = open_q();
	struct msgspec a = { "ma", "<Alice@Partner.example.jp>", "Alice "
	    "<alice@partner.example.jp>", "attachment.executable", "quarantine",
	    "{}", "S: a\r\n\r\nx", { "<dr.sato@hospital.example.jp>", NULL,
	    NULL }, 1 };
	struct msgspec b = { "mb", "", "Mailer <mailer-daemon@bounce.example>",
	    "url.ip_literal,attachment.executable.x", "reject", "{}",
	    "S: b\r\n\r\ny", { "<nurse@hospital.example.jp>",
	    "<dr.sato@hospital.example.jp>", NULL }, 2 };
	struct msgspec c = { "mc", "<spam@evil.example>", NULL,
	    "url.ip_literal", "quarantine", "{}", "S: c\r\n\r\nz",
	    { "<nurse@hospital.example.jp>", NULL, NULL }, 1 };
	struct quar_filter f;
	char out[1024], want[64];
	int64_t ia, ib, ic;

	ia = store_spec(q, &a);
	ib = store_spec(q, &b);
	ic = store_spec(q, &c);
	/* Make a 3 days old. */
	sql_exec("UPDATE messages SET created = created - 3 * 86400 WHERE "
	    "msgid = 'ma'");
	memset(&f, 0, sizeof(f));
	list_ids(q, &f, out);
	snprintf(want, sizeof(want), "%lld,%lld,%lld,", (long long)ic,
	    (long long)ib, (long long)ia);
	ck_assert_str_eq(out, want);			/* newest first */
	f.since = time(NULL) - 2 * 86400;
	list_ids(q, &f, out);
	snprintf(want, sizeof(want), "%lld,%lld,", (long long)ic, (long long)ib);
	ck_assert_str_eq(out, want);
	memset(&f, 0, sizeof(f));
	f.sender = "PARTNER.example";			/* substring, any case */
	list_ids(q, &f, out);
	snprintf(want, sizeof(want), "%lld,", (long long)ia);
	ck_assert_str_eq(out, want);
	f.sender = "*@bounce.example";			/* glob on From header */
	list_ids(q, &f, out);
	snprintf(want, sizeof(want), "%lld,", (long long)ib);
	ck_assert_str_eq(out, want);
	f.sender = "*@evil";				/* glob: whole address */
	list_ids(q, &f, out);
	ck_assert_str_eq(out, "");
	memset(&f, 0, sizeof(f));
	f.rcpt = "dr.sato@*";
	list_ids(q, &f, out);
	snprintf(want, sizeof(want), "%lld,%lld,", (long long)ib, (long long)ia);
	ck_assert_str_eq(out, want);
	memset(&f, 0, sizeof(f));
	f.rule = "attachment.executable";		/* exact id, not prefix */
	list_ids(q, &f, out);
	snprintf(want, sizeof(want), "%lld,", (long long)ia);
	ck_assert_str_eq(out, want);
	memset(&f, 0, sizeof(f));
	f.verdict = "reject";
	list_ids(q, &f, out);
	snprintf(want, sizeof(want), "%lld,", (long long)ib);
	ck_assert_str_eq(out, want);
	memset(&f, 0, sizeof(f));
	f.rcpt = "nurse";
	f.limit = 1;
	list_ids(q, &f, out);
	snprintf(want, sizeof(want), "%lld,", (long long)ic);
	ck_assert_str_eq(out, want);
	quar_close(&q);
}
END_TEST

START_TEST(test_quar_match_and_duration)
{
	int64_t s;
	char longpat[300];

	ck_assert_int_eq(quar_match("example", "<A@EXAMPLE.jp>"), 1);
	ck_assert_int_eq(quar_match("*@example.jp", "<a@EXAMPLE.JP>"), 1);
	ck_assert_int_eq(quar_match("*@example.jp", "Name <a@example.jp>"), 1);
	ck_assert_int_eq(quar_match("a@[xy].jp", "a@x.jp"), 1);
	ck_assert_int_eq(quar_match("*@example.jp", "a@example.jp.evil"), 0);
	ck_assert_int_eq(quar_match("", "a"), 0);
	memset(longpat, 'a', sizeof(longpat) - 1);
	longpat[sizeof(longpat) - 1] = '\0';
	ck_assert_int_eq(quar_match(longpat, longpat), 0);	/* bounded */
	ck_assert_int_eq(quar_parse_duration("30d", &s), 0);
	ck_assert_int_eq(s, 30 * 86400);
	ck_assert_int_eq(quar_parse_duration("12h", &s), 0);
	ck_assert_int_eq(s, 12 * 3600);
	ck_assert_int_eq(quar_parse_duration("90m", &s), 0);
	ck_assert_int_eq(s, 5400);
	ck_assert_int_eq(quar_parse_duration("45s", &s), 0);
	ck_assert_int_eq(s, 45);
	ck_assert_int_eq(quar_parse_duration("2w", &s), 0);
	ck_assert_int_eq(s, 14 * 86400);
	ck_assert_int_eq(quar_parse_duration("", &s), -1);
	ck_assert_int_eq(quar_parse_duration("d", &s), -1);
	ck_assert_int_eq(quar_parse_duration("30", &s), -1);
	ck_assert_int_eq(quar_parse_duration("0d", &s), -1);
	ck_assert_int_eq(quar_parse_duration("3x", &s), -1);
	ck_assert_int_eq(quar_parse_duration("3dd", &s), -1);
	ck_assert_int_eq(quar_parse_duration("-3d", &s), -1);
	ck_assert_int_eq(quar_parse_duration(" 3d", &s), -1);
	ck_assert_int_eq(quar_parse_duration("99999999999d", &s), -1);
	ck_assert_int_eq(quar_parse_duration("30000d", &s), 0);
	ck_assert_int_eq(quar_parse_duration("40000w", &s), -1);
}
END_TEST

/* ---- show data: the stored report ---------------------------------- */

START_TEST(test_quar_show_data)
{
	struct quar *q = open_q();
	struct quar_report *r = NULL;
	struct row_copy c;
	const char *err = NULL;
	int64_t id = store_simple(q, "m1");

	get_row(q, id, &c);
	ck_assert_str_eq(c.status, "held");
	ck_assert_str_eq(c.client_name, "mx.example.com");
	ck_assert_str_eq(c.report, REPORT1);
	ck_assert_int_eq(c.size, (int64_t)strlen(body1));
	ck_assert_int_eq(quar_report_parse(c.report, strlen(c.report), &r,
	    &err), 0);
	ck_assert_str_eq(r->verdict, "quarantine");
	ck_assert_int_eq(r->score, 40);
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert_str_eq(r->findings[0].rule, "attachment.executable");
	ck_assert_str_eq(r->findings[0].where, "2");
	ck_assert_str_eq(r->findings[0].detail, "PE32 \xe2\x80\xae" "x");
	ck_assert_ptr_null(r->findings[1].detail);
	ck_assert_uint_eq(r->nparts, 2);
	ck_assert_ptr_null(r->parts[0].name);
	ck_assert_str_eq(r->parts[1].name,
	    "\xe8\xab\x8b\xe6\xb1\x82\xf0\x9f\x98\x80.exe");
	ck_assert_str_eq(r->parts[1].detected, "application/x-dosexec");
	ck_assert_int_eq(r->parts[1].size, 512);
	ck_assert_uint_eq(strlen(r->parts[1].sha256), 64);
	ck_assert_uint_eq(r->nurls, 1);
	ck_assert_str_eq(r->urls[0].url, "http://203.0.113.9/a.exe");
	ck_assert_str_eq(r->urls[0].rules, "url.ip_literal,url.blocklisted");
	ck_assert_ptr_null(r->urls[0].domain);
	quar_report_free(&r);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(quar_get(q, 9999, copy_row, &c, &err), QUAR_NOT_FOUND);
	quar_close(&q);
}
END_TEST

START_TEST(test_quar_report_malformed)
{
	static const char *const bad[] = {
		"", "{", "[]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
		"{\"findings\":[{\"rule\":\"x}]}", "{\"a\":\"\\x\"}",
		"{\"a\":\"\\u12\"}", "{\"a\":tru}", "{\"a\":1} x",
		"{\"a\":\"\x01\"}", "{\"a\":-}",
	};
	struct quar_report *r = NULL;
	const char *err = NULL;
	char deep[200];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		ck_assert_msg(quar_report_parse(bad[i], strlen(bad[i]), &r,
		    &err) == -1, "accepted %s", bad[i]);
		ck_assert_ptr_null(r);
		ck_assert_ptr_nonnull(err);
	}
	/* Nesting past the limit fails cleanly. */
	memset(deep, '[', sizeof(deep));
	memcpy(deep, "{\"a\":", 5);
	ck_assert_int_eq(quar_report_parse(deep, sizeof(deep), &r, &err), -1);
	/* Lone surrogates become U+FFFD; huge numbers clamp; types skipped. */
	ck_assert_int_eq(quar_report_parse("{\"verdict\":\"\\ud800x\","
	    "\"score\":99999999999999999999999,\"findings\":{\"a\":1},"
	    "\"parts\":[1,\"x\",{\"name\":7,\"size\":\"big\"}]}", 112, &r,
	    &err), 0);
	ck_assert_str_eq(r->verdict, "\xef\xbf\xbdx");
	ck_assert_int_gt(r->score, 1000000000000LL);
	ck_assert_uint_eq(r->nfindings, 0);
	ck_assert_uint_eq(r->nparts, 1);
	ck_assert_ptr_null(r->parts[0].name);
	ck_assert_int_eq(r->parts[0].size, 0);
	quar_report_free(&r);
}
END_TEST

/* ---- release ------------------------------------------------------- */

/* The digest of body1 computed independently: after the header block,
 * CR bytes removed. */
static void
independent_digest(const char *raw, char hex[HASH_SHA256_HEX])
{
	const char *b = strstr(raw, "\r\n\r\n") + 4;
	char buf[1024];
	size_t n = 0;
	struct hash_digests d;
	const char *err = NULL;

	for (; *b != '\0'; b++)
		if (*b != '\r')
			buf[n++] = *b;
	ck_assert_int_eq(hash_buffer(buf, n, &d, &err), 0);
	memcpy(hex, d.sha256, HASH_SHA256_HEX);
}

START_TEST(test_quar_release_ok)
{
	struct quar *q = open_q();
	struct quar_release o;
	struct quar_actor who;
	struct row_copy c;
	char sm[400], hex[HASH_SHA256_HEX], id_s[24], idp[32];
	char tok[TOKEN_HEX], audit[8192], *argv_s, *in;
	const char *err = NULL;
	size_t inlen, hl;
	int64_t id = store_simple(q, "m1");

	signal(SIGPIPE, SIG_IGN);
	setenv("SUDO_USER", "dr.tanaka", 1);
	make_key();
	fake_sendmail(sm, sizeof(sm), 0, 0);
	release_opts(&o, &who, sm);
	ck_assert_msg(quar_release(q, id, &o, &err) == QUAR_OK, "%s", err);
	argv_s = slurp("argv", NULL);
	ck_assert_str_eq(argv_s, "-i\n-f\nevil@example.com\n--\na@example.jp\n"
	    "b@example.jp\n");
	in = slurp("stdin", &inlen);
	ck_assert_int_eq(strncmp(in, "X-Triage-Release: ", 18), 0);
	hl = strcspn(in, "\n") + 1;
	ck_assert_int_eq(in[hl - 2], '\r');		/* CRLF like the message */
	ck_assert_uint_eq(inlen, hl + strlen(body1));
	ck_assert_int_eq(memcmp(in + hl, body1, strlen(body1)), 0);
	/* The token verifies against an independently computed digest. */
	in[hl - 2] = '\0';
	ck_assert_int_eq(token_parse(in + 18, idp, sizeof(idp), tok), 1);
	snprintf(id_s, sizeof(id_s), "%lld", (long long)id);
	ck_assert_str_eq(idp, id_s);
	independent_digest(body1, hex);
	ck_assert_int_eq(token_verify(&test_key, "release", id_s, hex, tok), 1);
	ck_assert_int_eq(token_verify(&test_key, "release", "999", hex, tok), 0);
	get_row(q, id, &c);
	ck_assert_str_eq(c.status, "released");
	ck_assert_int_gt(c.released_at, 0);
	ck_assert_ptr_nonnull(strstr(c.released_by, "(sudo: dr.tanaka)"));
	ck_assert_str_eq(c.release_to, "a@example.jp\nb@example.jp");
	audit_of(q, id, audit);
	ck_assert_msg(strstr(audit, "release|") == audit, "%s", audit);
	ck_assert_ptr_nonnull(strstr(audit, "|dr.tanaka|checked with the "
	    "sender by phone|to a@example.jp, b@example.jp via "));
	free(argv_s);
	free(in);
	quar_close(&q);
}
END_TEST

START_TEST(test_quar_release_failure_keeps)
{
	struct quar *q = open_q();
	struct quar_release o;
	struct quar_actor who;
	struct row_copy c;
	char sm[400], audit[8192];
	const char *err = NULL;
	int64_t id = store_simple(q, "m1");

	signal(SIGPIPE, SIG_IGN);
	make_key();
	fake_sendmail(sm, sizeof(sm), 75, 0);
	release_opts(&o, &who, sm);
	ck_assert_int_eq(quar_release(q, id, &o, &err), QUAR_SEND_FAILED);
	ck_assert_ptr_nonnull(strstr(err, "exit status 75"));
	get_row(q, id, &c);
	ck_assert_str_eq(c.status, "held");
	ck_assert_int_eq(c.released_at, 0);
	audit_of(q, id, audit);
	ck_assert_ptr_nonnull(strstr(audit, "release-failed|"));
	ck_assert_ptr_nonnull(strstr(audit, "exit status 75"));
	/* A missing sendmail is a failure too, and the item stays. */
	o.sendmail_path = "/nonexistent/sendmail";
	ck_assert_int_eq(quar_release(q, id, &o, &err), QUAR_SEND_FAILED);
	ck_assert_ptr_nonnull(strstr(err, "cannot run"));
	/* A hanging sendmail is killed at the deadline. */
	fake_sendmail(sm, sizeof(sm), 0, 1);
	o.sendmail_path = sm;
	o.timeout_ms = 300;
	ck_assert_int_eq(quar_release(q, id, &o, &err), QUAR_SEND_FAILED);
	ck_assert_ptr_nonnull(strstr(err, "timed out"));
	get_row(q, id, &c);
	ck_assert_str_eq(c.status, "held");
	/* Then a working sendmail releases it. */
	fake_sendmail(sm, sizeof(sm), 0, 0);
	o.timeout_ms = 10000;
	ck_assert_int_eq(quar_release(q, id, &o, &err), QUAR_OK);
	get_row(q, id, &c);
	ck_assert_str_eq(c.status, "released");
	quar_close(&q);
}
END_TEST

START_TEST(test_quar_release_states)
{
	struct quar *q = open_q();
	struct quar_release o;
	struct quar_actor who;
	struct msgspec m = { "mnull", "<>", NULL, "", "quarantine", "{}",
	    "Subject: x\n\nbody\n", { "<a@example.jp>", NULL, NULL }, 1 };
	char sm[400], *argv_s, *in;
	const char *err = NULL;
	int64_t id = store_simple(q, "m1"), idn = store_spec(q, &m);

	signal(SIGPIPE, SIG_IGN);
	make_key();
	fake_sendmail(sm, sizeof(sm), 0, 0);
	release_opts(&o, &who, sm);
	ck_assert_int_eq(quar_release(q, 4242, &o, &err), QUAR_NOT_FOUND);
	o.reason = "";
	ck_assert_int_eq(quar_release(q, id, &o, &err), -1);
	o.reason = "bad\x1b[31m";
	ck_assert_int_eq(quar_release(q, id, &o, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "control"));
	o.reason = "ok";
	ck_assert_int_eq(quar_release(q, id, &o, &err), QUAR_OK);
	ck_assert_int_eq(quar_release(q, id, &o, &err), QUAR_BAD_STATE);
	ck_assert_ptr_nonnull(strstr(err, "already released"));
	o.force = 1;
	ck_assert_int_eq(quar_release(q, id, &o, &err), QUAR_OK);
	/* The null sender and --to; LF messages get an LF header line. */
	o.force = 0;
	o.to = "<postmaster@hospital.example.jp>";
	ck_assert_int_eq(quar_release(q, idn, &o, &err), QUAR_OK);
	argv_s = slurp("argv", NULL);
	ck_assert_str_eq(argv_s, "-i\n-f\n<>\n--\npostmaster@hospital."
	    "example.jp\n");
	in = slurp("stdin", NULL);
	ck_assert_ptr_nonnull(strstr(in, "\nSubject: x\n\nbody\n"));
	ck_assert_ptr_null(strchr(in, '\r'));
	free(argv_s);
	free(in);
	/* A deleted item cannot be released, even with force. */
	o.to = NULL;
	ck_assert_int_eq(quar_delete(q, idn, &who, "spam", &err), QUAR_OK);
	o.force = 1;
	ck_assert_int_eq(quar_release(q, idn, &o, &err), QUAR_BAD_STATE);
	/* An unusable stored recipient is refused, and the item stays. */
	sql_exec("UPDATE messages SET rcpts = 'a@x' || char(10) || "
	    "'b' || char(7) || '@x', status = 'held' WHERE msgid = 'm1'");
	o.force = 0;
	ck_assert_int_eq(quar_release(q, id, &o, &err), QUAR_SEND_FAILED);
	ck_assert_int_eq(sql_int("SELECT status = 'held' FROM messages WHERE "
	    "msgid = 'm1'"), 1);
	quar_close(&q);
}
END_TEST

/* Marks already in the stored header block are not sent on: ours only. */
START_TEST(test_quar_release_drops_old_marks)
{
	static const char raw[] = "x-triage-RELEASE: 9; t=abc\r\n"
	    "\tcontinued\r\nSubject: s\r\n folded\r\nX-Triage-Notice : n\r\n"
	    "To: a@example.jp\r\n\r\nbody\r\nX-Triage-Release: in body\r\n";
	static const char sent[] = "Subject: s\r\n folded\r\n"
	    "To: a@example.jp\r\n\r\nbody\r\nX-Triage-Release: in body\r\n";
	struct quar *q = open_q();
	struct quar_release o;
	struct quar_actor who;
	struct msgspec m = { "marks", "<a@b>", NULL, "", "quarantine", "{}",
	    raw, { "<c@d>", NULL, NULL }, 1 };
	char sm[400], hex[65], tok[TOKEN_HEX], idp[32], *in;
	const char *err = NULL;
	size_t hl, len;
	int64_t id = store_spec(q, &m);

	signal(SIGPIPE, SIG_IGN);
	make_key();
	fake_sendmail(sm, sizeof(sm), 0, 0);
	release_opts(&o, &who, sm);
	ck_assert_msg(quar_release(q, id, &o, &err) == QUAR_OK, "%s", err);
	in = slurp("stdin", &len);
	hl = strcspn(in, "\n") + 1;
	ck_assert_uint_eq(len, hl + strlen(sent));
	ck_assert_str_eq(in + hl, sent);
	in[hl - 2] = '\0';
	ck_assert_int_eq(token_parse(in + 18, idp, sizeof(idp), tok), 1);
	ck_assert_int_eq(quar_body_digest(raw, strlen(raw), hex, &err), 0);
	ck_assert_int_eq(token_verify(&test_key, "release", idp, hex, tok), 1);
	free(in);
	quar_close(&q);
}
END_TEST

START_TEST(test_quar_claim_once)
{
	struct quar *q = open_q();
	struct quar_release o;
	struct quar_actor who;
	struct row_copy c;
	char sm[400], audit[8192];
	const char *err = NULL;
	int64_t id = store_simple(q, "m1");

	signal(SIGPIPE, SIG_IGN);
	make_key();
	fake_sendmail(sm, sizeof(sm), 0, 0);
	release_opts(&o, &who, sm);
	ck_assert_int_eq(quar_release_claim(q, id, &err), 0);	/* held */
	ck_assert_int_eq(quar_release_claim(q, 999, &err), 0);	/* unknown */
	ck_assert_int_eq(quar_release(q, id, &o, &err), QUAR_OK);
	ck_assert_int_eq(quar_release_claim(q, id, &err), 1);
	ck_assert_int_eq(quar_release_claim(q, id, &err), 0);	/* replay */
	get_row(q, id, &c);
	ck_assert_int_gt(c.release_used_at, 0);
	audit_of(q, id, audit);
	ck_assert_ptr_nonnull(strstr(audit, "\nrelease-pass|"));
	/* A forced re-release may pass once more. */
	o.force = 1;
	ck_assert_int_eq(quar_release(q, id, &o, &err), QUAR_OK);
	ck_assert_int_eq(quar_release_claim(q, id, &err), 1);
	ck_assert_int_eq(quar_release_claim(q, id, &err), 0);
	/* While triagectl waits for sendmail ('releasing') it is claimable. */
	sql_exec("UPDATE messages SET status = 'releasing', "
	    "release_used_at = NULL");
	ck_assert_int_eq(quar_release_claim(q, id, &err), 1);
	quar_close(&q);
}
END_TEST

START_TEST(test_quar_body_digest)
{
	char a[65], b[65], e[65], want[HASH_SHA256_HEX];
	const char *err = NULL;
	struct hash_digests d;

	ck_assert_int_eq(quar_body_digest("A: b\r\n\r\nx\r\ny\r\n", 14, a,
	    &err), 0);
	ck_assert_int_eq(quar_body_digest("A: b\n\nx\ny\n", 10, b, &err), 0);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(hash_buffer("x\ny\n", 4, &d, &err), 0);
	ck_assert_str_eq(a, d.sha256);
	/* No empty line: empty body; a leading empty line: all is body. */
	ck_assert_int_eq(quar_body_digest("A: b\r\nC: d\r\n", 12, e, &err), 0);
	ck_assert_int_eq(hash_buffer("", 0, &d, &err), 0);
	ck_assert_str_eq(e, d.sha256);
	ck_assert_int_eq(quar_body_digest("\r\nbody\r\n", 8, e, &err), 0);
	ck_assert_int_eq(hash_buffer("body\n", 5, &d, &err), 0);
	ck_assert_str_eq(e, d.sha256);
	independent_digest(body1, want);
	ck_assert_int_eq(quar_body_digest(body1, strlen(body1), e, &err), 0);
	ck_assert_str_eq(e, want);
}
END_TEST

/* ---- delete, purge, audit ------------------------------------------ */

START_TEST(test_quar_delete_keeps_metadata)
{
	struct quar *q = open_q();
	struct quar_actor who;
	struct row_copy c;
	char audit[8192];
	const char *err = NULL;
	int64_t id = store_simple(q, "m1");

	unsetenv("SUDO_USER");
	quar_actor_self(&who);
	ck_assert_int_eq(quar_delete(q, id, &who, "", &err), -1);
	ck_assert_int_eq(quar_delete(q, 777, &who, "spam", &err),
	    QUAR_NOT_FOUND);
	ck_assert_int_eq(quar_delete(q, id, &who, "obvious phishing", &err),
	    QUAR_OK);
	get_row(q, id, &c);
	ck_assert_str_eq(c.status, "deleted");
	ck_assert_int_gt(c.deleted_at, 0);
	ck_assert_str_eq(c.report, REPORT1);		/* evidence stays */
	ck_assert_int_eq(quar_export(q, id, 1, &err), 1);	/* body gone */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM bodies"), 0);
	ck_assert_int_eq(quar_delete(q, id, &who, "again", &err),
	    QUAR_BAD_STATE);
	audit_of(q, id, audit);
	ck_assert_msg(strncmp(audit, "delete|", 7) == 0, "%s", audit);
	ck_assert_ptr_nonnull(strstr(audit, "||obvious phishing|was held|"));
	quar_close(&q);
}
END_TEST

START_TEST(test_quar_purge)
{
	struct quar *q = open_q();
	struct quar_actor who;
	char audit[8192], want[64];
	const char *err = NULL;
	uint64_t n = 99;
	int64_t keep;

	store_simple(q, "old1");
	store_simple(q, "old2");
	keep = store_simple(q, "new");
	sql_exec("UPDATE messages SET created = created - 40 * 86400 WHERE "
	    "msgid LIKE 'old%'");
	quar_actor_self(&who);
	ck_assert_int_eq(quar_purge(q, time(NULL) - 30 * 86400, &who, NULL,
	    "older than 30d", &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM messages"), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM bodies"), 1);
	snprintf(want, sizeof(want), "SELECT id FROM messages");
	ck_assert_int_eq(sql_int(want), keep);
	audit_of(q, 0, audit);
	ck_assert_ptr_nonnull(strstr(audit, "purge|"));
	ck_assert_ptr_nonnull(strstr(audit, "|older than 30d: 2 messages "
	    "removed|0\n"));
	ck_assert_int_eq(quar_purge(q, time(NULL) - 30 * 86400, &who,
	    "bad\n", NULL, &n, &err), -1);
	quar_close(&q);
}
END_TEST

START_TEST(test_quar_audit_who)
{
	struct quar *q = open_q();
	struct quar_actor who;
	char audit[8192], want[200], longr[1100];
	const char *err = NULL;

	setenv("SUDO_USER", "nurse\x1b" "x", 1);
	quar_actor_self(&who);
	ck_assert_int_eq(who.uid, (long)getuid());
	ck_assert_str_eq(who.sudo_user, "nurse\x1b" "x");	/* escaped on output */
	ck_assert_int_eq(quar_audit_add(q, &who, "export", 5, "court order",
	    "to /tmp/x", &err), 0);
	audit_of(q, 5, audit);
	snprintf(want, sizeof(want), "export|%ld|%s|nurse\x1bx|court order|"
	    "to /tmp/x|5\n", (long)getuid(), who.user);
	ck_assert_str_eq(audit, want);
	memset(longr, 'r', sizeof(longr) - 1);
	longr[sizeof(longr) - 1] = '\0';
	ck_assert_int_eq(quar_reason_ok(longr, &err), 0);
	longr[1000] = '\0';
	ck_assert_int_eq(quar_reason_ok(longr, &err), 1);
	ck_assert_int_eq(quar_reason_ok("\xe8\xaa\xa4\xe9\x80\x81", &err), 1);
	ck_assert_int_eq(quar_reason_ok("tab\there", &err), 0);
	quar_close(&q);
}
END_TEST

/* ---- schema, locking, counters ------------------------------------- */

static const char v1_schema[] =
    "CREATE TABLE messages ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, created INTEGER NOT NULL,"
    " msgid TEXT NOT NULL, qid TEXT, client_addr TEXT, client_name TEXT,"
    " helo TEXT, env_from TEXT, rcpts TEXT, hdr_from TEXT, subject TEXT,"
    " verdict TEXT NOT NULL, score INTEGER NOT NULL, rules TEXT,"
    " report TEXT, size INTEGER NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'held');"
    "CREATE TABLE bodies ("
    " id INTEGER PRIMARY KEY REFERENCES messages(id), raw BLOB NOT NULL);"
    "CREATE INDEX messages_created ON messages(created);"
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL,"
    " action TEXT NOT NULL, message INTEGER, uid INTEGER, user TEXT,"
    " sudo_user TEXT, reason TEXT);"
    "PRAGMA user_version = 1;"
    "INSERT INTO messages (created, msgid, env_from, rcpts, verdict, score,"
    " rules, report, size) VALUES (1700000000, 'old', '<o@example.com>',"
    " '<a@example.jp>', 'quarantine', 30, 'x.y', '{}', 11);"
    "INSERT INTO bodies VALUES (1, CAST('A: b\r\n\r\nold\r\n' AS BLOB));"
    "INSERT INTO audit (ts, action, message, uid, user) VALUES"
    " (1700000001, 'export', 1, 0, 'root');";

START_TEST(test_quar_migrate_v1)
{
	struct quar *q;
	struct row_copy c;
	struct quar_actor who;
	char qdir[300], path[400], audit[8192];
	const char *err = NULL;
	const char *keys[] = { "verdict:accept" };
	uint64_t n[] = { 1 };
	sqlite3 *db;

	snprintf(qdir, sizeof(qdir), "%s/q", tmpdir);
	ck_assert_int_eq(mkdir(qdir, 0750), 0);
	snprintf(path, sizeof(path), "%s/quarantine.db", qdir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, v1_schema, 0, 0, 0), SQLITE_OK);
	sqlite3_close(db);
	/* The CLI opens without create: the upgrade happens anyway. */
	q = quar_open(qdir, 0, 1000, &err);
	ck_assert_msg(q != NULL, "%s", err);
	ck_assert_int_eq(sql_int("PRAGMA user_version"), QUAR_SCHEMA_VERSION);
	get_row(q, 1, &c);
	ck_assert_str_eq(c.status, "held");
	ck_assert_int_eq(c.released_at, 0);
	audit_of(q, 1, audit);
	ck_assert_str_eq(audit, "export|0|root||||1\n");
	ck_assert_int_eq(quar_counters_add(q, "2026-01-02", keys, n, 1, &err),
	    0);
	quar_actor_self(&who);
	ck_assert_int_eq(quar_delete(q, 1, &who, "old", &err), QUAR_OK);
	quar_close(&q);
	/* Opening again (milter: create) leaves the version alone. */
	q = quar_open(qdir, 1, 1000, &err);
	ck_assert_msg(q != NULL, "%s", err);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM counters"), 1);
	quar_close(&q);
	/* A database from the future is refused clearly. */
	sql_exec("PRAGMA user_version = 9");
	ck_assert_ptr_null(quar_open(qdir, 0, 1000, &err));
	ck_assert_ptr_nonnull(strstr(err, "newer"));
}
END_TEST

START_TEST(test_quar_locked_admin)
{
	struct quar *q;
	struct quar_actor who;
	const char *err = NULL;
	char qdir[300];
	sqlite3 *other;
	int64_t id;
	time_t t0;

	snprintf(qdir, sizeof(qdir), "%s/q", tmpdir);
	q = quar_open(qdir, 1, 300, &err);
	ck_assert_ptr_nonnull(q);
	id = store_simple(q, "m1");
	other = open_raw();
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN EXCLUSIVE", 0, 0, 0),
	    SQLITE_OK);
	quar_actor_self(&who);
	t0 = time(NULL);
	ck_assert_int_eq(quar_delete(q, id, &who, "x", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "database is locked"));
	ck_assert_int_eq(quar_release_claim(q, id, &err), -1);
	ck_assert_int_le(time(NULL) - t0, 3);
	sqlite3_exec(other, "ROLLBACK", 0, 0, 0);
	sqlite3_close(other);
	ck_assert_int_eq(quar_delete(q, id, &who, "x", &err), QUAR_OK);
	quar_close(&q);
}
END_TEST

static int
collect_counters(void *arg, const char *key, uint64_t n)
{
	char *out = arg;
	size_t l = strlen(out);

	snprintf(out + l, 1024 - l, "%s=%llu;", key, (unsigned long long)n);
	return 0;
}

START_TEST(test_quar_counters)
{
	struct quar *q = open_q();
	const char *err = NULL;
	const char *keys[] = { "verdict:accept", "rule:attachment.executable",
	    "sender_domain:example.com" };
	uint64_t n1[] = { 10, 2, 3 }, n2[] = { 5, 1, 0 };
	char out[1024] = "", longkey[300];
	const char *lk[] = { longkey };

	ck_assert_int_eq(quar_counters_add(q, "2026-11-24", keys, n1, 3, &err),
	    0);
	ck_assert_int_eq(quar_counters_add(q, "2026-11-25", keys, n1, 3, &err),
	    0);
	ck_assert_int_eq(quar_counters_add(q, "2026-11-25", keys, n2, 3, &err),
	    0);
	ck_assert_int_eq(sql_int("SELECT n FROM counters WHERE day = "
	    "'2026-11-25' AND key = 'verdict:accept'"), 15);
	ck_assert_int_eq(quar_counters_list(q, NULL, collect_counters, out,
	    &err), 0);
	ck_assert_str_eq(out, "rule:attachment.executable=5;"
	    "sender_domain:example.com=6;verdict:accept=25;");
	out[0] = '\0';
	ck_assert_int_eq(quar_counters_list(q, "2026-11-25", collect_counters,
	    out, &err), 0);
	ck_assert_str_eq(out, "rule:attachment.executable=3;"
	    "sender_domain:example.com=3;verdict:accept=15;");
	ck_assert_int_eq(quar_counters_add(q, "2026-11-2", keys, n1, 3, &err),
	    -1);
	ck_assert_int_eq(quar_counters_add(q, "2026/11/25", keys, n1, 3, &err),
	    -1);
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	ck_assert_int_eq(quar_counters_add(q, "2026-11-25", lk, n1, 1, &err),
	    -1);
	/* Nothing of a refused batch was stored. */
	ck_assert_int_eq(sql_int("SELECT sum(n) FROM counters"), 36);
	quar_close(&q);
}
END_TEST

START_TEST(test_quar_export_streams)
{
	struct quar *q = open_q();
	struct msgspec m = { "big", "<a@b>", NULL, "", "quarantine", "{}",
	    NULL, { "<c@d>", NULL, NULL }, 1 };
	char *big = malloc(300001), path[400], *back;
	const char *err = NULL;
	int64_t id;
	int fd;
	FILE *fp;
	size_t i;

	for (i = 0; i < 300000; i++)
		big[i] = (char)('a' + i % 23);
	big[300000] = '\0';
	m.body = big;
	id = store_spec(q, &m);
	snprintf(path, sizeof(path), "%s/out", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_eq(quar_export(q, id, fd, &err), 0);
	close(fd);
	back = malloc(300001);
	fp = fopen(path, "rb");
	ck_assert_uint_eq(fread(back, 1, 300001, fp), 300000);
	fclose(fp);
	ck_assert_int_eq(memcmp(back, big, 300000), 0);
	free(back);
	free(big);
	quar_close(&q);
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
	tcase_add_test(tc, test_spool_small_and_large);
	tcase_add_test(tc, test_spool_reuse);
	tcase_add_test(tc, test_spool_reuse_new_dir);
	tcase_add_test(tc, test_spool_bad_dir);
	suite_add_tcase(s, tc);
	tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_quar_store_list_export);
	tcase_add_test(tc, test_quar_locked_fails);
	tcase_add_test(tc, test_quar_missing);
	tcase_add_test(tc, test_quar_export_streams);
	tcase_add_test(tc, test_quar_pending_dedup);
	suite_add_tcase(s, tc);
	tc = tcase_create("list");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_quar_list_filters);
	tcase_add_test(tc, test_quar_match_and_duration);
	suite_add_tcase(s, tc);
	tc = tcase_create("show");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_quar_show_data);
	tcase_add_test(tc, test_quar_report_malformed);
	suite_add_tcase(s, tc);
	tc = tcase_create("release");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_quar_release_ok);
	tcase_add_test(tc, test_quar_release_failure_keeps);
	tcase_add_test(tc, test_quar_release_states);
	tcase_add_test(tc, test_quar_release_drops_old_marks);
	tcase_add_test(tc, test_quar_body_digest);
	suite_add_tcase(s, tc);
	tc = tcase_create("claim");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_quar_claim_once);
	suite_add_tcase(s, tc);
	tc = tcase_create("delete_purge_audit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_quar_delete_keeps_metadata);
	tcase_add_test(tc, test_quar_purge);
	tcase_add_test(tc, test_quar_audit_who);
	suite_add_tcase(s, tc);
	tc = tcase_create("schema_locking");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_quar_migrate_v1);
	tcase_add_test(tc, test_quar_locked_admin);
	suite_add_tcase(s, tc);
	tc = tcase_create("counters");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_quar_counters);
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
