/*
 * quar: SQLite quarantine store (see quar.h).
 *
 * Untrusted input: every string and the raw message come from mail; they
 * are bound as parameters, never pasted into SQL.  The raw message is
 * streamed from the spool file into a zeroblob with sqlite3_blob_write, so
 * storing a 64 MiB message does not need 64 MiB of memory.
 * Thread-safe: a mutex serialises our transactions on the shared handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"
#include "quar.h"

#define QUAR_COPY_BUF	65536

struct quar {
	sqlite3		*db;
	pthread_mutex_t	 lock;
};

static _Thread_local char quar_err[512];

static const char *
quar_error(struct quar *q, const char *what)
{
	snprintf(quar_err, sizeof(quar_err), "quarantine: %s: %s", what,
	    q != NULL && q->db != NULL ? sqlite3_errmsg(q->db) : strerror(errno));
	return quar_err;
}

static const char quar_schema[] =
    "CREATE TABLE IF NOT EXISTS messages ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " created INTEGER NOT NULL,"
    " msgid TEXT NOT NULL, qid TEXT, client_addr TEXT, client_name TEXT,"
    " helo TEXT, env_from TEXT, rcpts TEXT, hdr_from TEXT, subject TEXT,"
    " verdict TEXT NOT NULL, score INTEGER NOT NULL, rules TEXT,"
    " report TEXT, size INTEGER NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'held');"
    /* The raw message apart, so listing never walks blob pages. */
    "CREATE TABLE IF NOT EXISTS bodies ("
    " id INTEGER PRIMARY KEY REFERENCES messages(id), raw BLOB NOT NULL);"
    "CREATE INDEX IF NOT EXISTS messages_created ON messages(created);"
    "CREATE TABLE IF NOT EXISTS audit ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL,"
    " action TEXT NOT NULL, message INTEGER, uid INTEGER, user TEXT,"
    " sudo_user TEXT, reason TEXT);"
    "PRAGMA user_version = 1;";

static int
quar_exec(struct quar *q, const char *sql, const char **error_r)
{
	if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		*error_r = quar_error(q, sql);
		return -1;
	}
	return 0;
}

struct quar *
quar_open(const char *dir, int create, int busy_ms, const char **error_r)
{
	struct quar *q = mem_zalloc(sizeof(*q));
	char path[4096];
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;

	pthread_mutex_init(&q->lock, NULL);
	snprintf(path, sizeof(path), "%s/quarantine.db", dir);
	if (create) {
		if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
			*error_r = quar_error(NULL, dir);
			quar_close(&q);
			return NULL;
		}
		flags |= SQLITE_OPEN_CREATE;
	}
	if (create) {
		/* Create the file ourselves so it gets 0640, not 0644. */
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);

		if (fd != -1)
			close(fd);
	}
	if (sqlite3_open_v2(path, &q->db, flags, NULL) != SQLITE_OK) {
		*error_r = quar_error(q, path);
		quar_close(&q);
		return NULL;
	}
	sqlite3_busy_timeout(q->db, busy_ms);
	if (quar_exec(q, "PRAGMA journal_mode=WAL;", error_r) == -1 ||
	    quar_exec(q, "PRAGMA synchronous=FULL;", error_r) == -1 ||
	    (create && quar_exec(q, quar_schema, error_r) == -1)) {
		quar_close(&q);
		return NULL;
	}
	return q;
}

void
quar_close(struct quar **qp)
{
	if (qp == NULL || *qp == NULL)
		return;
	if ((*qp)->db != NULL)
		sqlite3_close((*qp)->db);
	pthread_mutex_destroy(&(*qp)->lock);
	free(*qp);
	*qp = NULL;
}

/* Recipients joined by newlines (addresses cannot contain one). */
static char *
quar_join(const char *const *v, size_t n)
{
	size_t i, len = 1;
	char *r, *p;

	for (i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	p = r = mem_alloc(len);
	for (i = 0; i < n; i++) {
		size_t l = strlen(v[i]);

		memcpy(p, v[i], l);
		p += l;
		if (i + 1 < n)
			*p++ = '\n';
	}
	*p = '\0';
	return r;
}

static int
quar_bind_item(sqlite3_stmt *st, const struct quar_item *it, const char *rcpts)
{
	const char *text[] = { it->msgid, it->qid, it->client_addr,
	    it->client_name, it->helo, it->env_from, rcpts, it->hdr_from,
	    it->subject, it->verdict };
	int i, rc = SQLITE_OK;

	rc |= sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
	for (i = 0; i < 10; i++)
		rc |= sqlite3_bind_text(st, i + 2, text[i], -1, SQLITE_STATIC);
	rc |= sqlite3_bind_int(st, 12, it->score);
	rc |= sqlite3_bind_text(st, 13, it->rules, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_text(st, 14, it->report, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_int64(st, 15, (sqlite3_int64)it->size);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Stream the raw message from fd into the blob of row id. */
static int
quar_fill_blob(struct quar *q, int64_t id, int fd, uint64_t size,
    const char **error_r)
{
	static _Thread_local unsigned char buf[QUAR_COPY_BUF];
	sqlite3_blob *blob;
	uint64_t off = 0;
	ssize_t n;

	if (sqlite3_blob_open(q->db, "main", "bodies", "raw", id, 1,
	    &blob) != SQLITE_OK) {
		*error_r = quar_error(q, "blob open");
		return -1;
	}
	while (off < size) {
		size_t want = size - off < sizeof(buf) ? size - off : sizeof(buf);

		n = read(fd, buf, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0 || sqlite3_blob_write(blob, buf, (int)n,
		    (int)off) != SQLITE_OK) {
			*error_r = n <= 0 ? quar_error(NULL, "spool read") :
			    quar_error(q, "blob write");
			sqlite3_blob_close(blob);
			return -1;
		}
		off += (uint64_t)n;
	}
	if (sqlite3_blob_close(blob) != SQLITE_OK) {
		*error_r = quar_error(q, "blob close");
		return -1;
	}
	return 0;
}

static int
quar_insert_body(struct quar *q, int64_t id, uint64_t size, const char **error_r)
{
	sqlite3_stmt *st = NULL;
	int r = -1;

	if (sqlite3_prepare_v2(q->db, "INSERT INTO bodies (id, raw)"
	    " VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
		*error_r = quar_error(q, "prepare body");
	else if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    sqlite3_bind_zeroblob64(st, 2, size) != SQLITE_OK)
		*error_r = quar_error(q, "bind body");
	else if (sqlite3_step(st) != SQLITE_DONE)
		*error_r = quar_error(q, "insert body");
	else
		r = 0;
	sqlite3_finalize(st);
	return r;
}

static int
quar_insert(struct quar *q, const struct quar_item *it, int64_t *id_r,
    const char **error_r)
{
	static const char sql[] = "INSERT INTO messages (created, msgid, qid,"
	    " client_addr, client_name, helo, env_from, rcpts, hdr_from,"
	    " subject, verdict, score, rules, report, size)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = NULL;
	char *rcpts = quar_join(it->rcpts, it->nrcpts);
	int r = -1;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
		*error_r = quar_error(q, "prepare insert");
	else if (quar_bind_item(st, it, rcpts) == -1)
		*error_r = quar_error(q, "bind");
	else if (sqlite3_step(st) != SQLITE_DONE)
		*error_r = quar_error(q, "insert");
	else {
		*id_r = sqlite3_last_insert_rowid(q->db);
		r = quar_insert_body(q, *id_r, it->size, error_r);
	}
	sqlite3_finalize(st);
	free(rcpts);
	return r;
}

int
quar_store(struct quar *q, const struct quar_item *it, int64_t *id_r,
    const char **error_r)
{
	int r = -1;

	if (it->size > 0x7fffffff) {
		*error_r = "quarantine: message too large for one blob";
		return -1;
	}
	pthread_mutex_lock(&q->lock);
	if (quar_exec(q, "BEGIN IMMEDIATE", error_r) == 0) {
		if (quar_insert(q, it, id_r, error_r) == 0 &&
		    quar_fill_blob(q, *id_r, it->fd, it->size, error_r) == 0 &&
		    quar_exec(q, "COMMIT", error_r) == 0)
			r = 0;
		else
			(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	}
	pthread_mutex_unlock(&q->lock);
	return r;
}

static const char *
quar_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? (const char *)s : "";
}

int
quar_list(struct quar *q, size_t limit,
    int (*fn)(void *, const struct quar_row *), void *arg,
    const char **error_r)
{
	static const char sql[] = "SELECT id, created, msgid, qid,"
	    " client_addr, env_from, rcpts, hdr_from, subject, verdict, rules,"
	    " status, score, size FROM messages ORDER BY id DESC LIMIT ?";
	sqlite3_stmt *st = NULL;
	struct quar_row row;
	int rc, r = 0;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
		*error_r = quar_error(q, "prepare list");
		return -1;
	}
	sqlite3_bind_int64(st, 1, limit ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && r == 0) {
		row.id = sqlite3_column_int64(st, 0);
		row.created = sqlite3_column_int64(st, 1);
		row.msgid = quar_col(st, 2);
		row.qid = quar_col(st, 3);
		row.client_addr = quar_col(st, 4);
		row.env_from = quar_col(st, 5);
		row.rcpts = quar_col(st, 6);
		row.hdr_from = quar_col(st, 7);
		row.subject = quar_col(st, 8);
		row.verdict = quar_col(st, 9);
		row.rules = quar_col(st, 10);
		row.status = quar_col(st, 11);
		row.score = sqlite3_column_int(st, 12);
		row.size = sqlite3_column_int64(st, 13);
		r = fn(arg, &row);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*error_r = quar_error(q, "list");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

static int
quar_write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, b, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int
quar_export(struct quar *q, int64_t id, int fd, const char **error_r)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (sqlite3_prepare_v2(q->db, "SELECT raw FROM bodies WHERE id = ?",
	    -1, &st, NULL) != SQLITE_OK) {
		*error_r = quar_error(q, "prepare export");
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		r = 1;
	else if (rc != SQLITE_ROW) {
		*error_r = quar_error(q, "export");
		r = -1;
	} else if (quar_write_all(fd, sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0)) == -1) {
		*error_r = quar_error(NULL, "write");
		r = -1;
	} else
		r = 0;
	sqlite3_finalize(st);
	return r;
}

int
quar_report(struct quar *q, int64_t id, char **report_r, const char **error_r)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (sqlite3_prepare_v2(q->db, "SELECT report FROM messages WHERE id = ?",
	    -1, &st, NULL) != SQLITE_OK) {
		*error_r = quar_error(q, "prepare report");
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*report_r = mem_strdup(quar_col(st, 0));
		r = 0;
	} else if (rc == SQLITE_DONE)
		r = 1;
	else {
		*error_r = quar_error(q, "report");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}
