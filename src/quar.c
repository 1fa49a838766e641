/*
 * quar: SQLite quarantine store (see quar.h): open and schema upgrades,
 * store, list, read back.  The administrative state changes are in
 * quar_admin.c, release in quar_release.c, the report reader in
 * quar_json.c.
 *
 * Untrusted input: every string and the raw message come from mail; they
 * are bound as parameters, never pasted into SQL.  The raw message is
 * streamed from the spool file into a zeroblob with sqlite3_blob_write,
 * and read back in 64 KiB pieces with sqlite3_blob_read, so a 64 MiB
 * message never needs 64 MiB of memory.
 * Thread-safe: a mutex serialises our transactions on the shared handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"
#include "quar.h"
#include "quar_int.h"

#define QUAR_COPY_BUF	65536

static _Thread_local char quar_err[512];

const char *
quar_error(struct quar *q, const char *what)
{
	int busy = q != NULL && q->db != NULL &&
	    (sqlite3_errcode(q->db) == SQLITE_BUSY ||
	    sqlite3_errcode(q->db) == SQLITE_LOCKED);

	if (busy)
		snprintf(quar_err, sizeof(quar_err), "quarantine: %.200s: "
		    "database is locked (another process is writing it; "
		    "try again)", what);
	else if (q != NULL && q->db != NULL &&
	    sqlite3_errcode(q->db) == SQLITE_READONLY)
		snprintf(quar_err, sizeof(quar_err), "quarantine: %.200s: "
		    "permission denied: the database is read-only for this "
		    "user (run as root)", what);
	else
		snprintf(quar_err, sizeof(quar_err), "quarantine: %.200s: %s",
		    what, q != NULL && q->db != NULL ? sqlite3_errmsg(q->db) :
		    strerror(errno));
	return quar_err;
}

/* Version 1, as the first release created it (kept verbatim in effect). */
static const char quar_schema_v1[] =
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
    " sudo_user TEXT, reason TEXT);";

/* Version 1 to 2: release and delete state, audit detail, counters. */
static const char quar_schema_v2[] =
    "ALTER TABLE messages ADD COLUMN released_at INTEGER;"
    "ALTER TABLE messages ADD COLUMN released_by TEXT;"
    "ALTER TABLE messages ADD COLUMN release_to TEXT;"
    "ALTER TABLE messages ADD COLUMN release_used_at INTEGER;"
    "ALTER TABLE messages ADD COLUMN deleted_at INTEGER;"
    "ALTER TABLE audit ADD COLUMN detail TEXT;"
    "CREATE INDEX IF NOT EXISTS audit_message ON audit(message);"
    "CREATE TABLE IF NOT EXISTS counters ("
    " day TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (day, key)) WITHOUT ROWID;"
    "PRAGMA user_version = 2;";

/* Version 2 to 3: items whose answer may not have reached the MTA. */
static const char quar_schema_v3[] =
    "CREATE TABLE IF NOT EXISTS pending ("
    " id INTEGER PRIMARY KEY, dedup TEXT NOT NULL, instance TEXT NOT NULL,"
    " created INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS pending_dedup ON pending(dedup);"
    "PRAGMA user_version = 3;";

int
quar_exec(struct quar *q, const char *sql, const char **error_r)
{
	if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		*error_r = quar_error(q, strncmp(sql, "PRAGMA", 6) == 0 ||
		    strlen(sql) < 40 ? sql : "schema");
		return -1;
	}
	return 0;
}

sqlite3_stmt *
quar_prepare(struct quar *q, const char *sql, const char **error_r)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
		*error_r = quar_error(q, "prepare");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

const char *
quar_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? (const char *)s : "";
}

int
quar_begin(struct quar *q, const char **error_r)
{
	pthread_mutex_lock(&q->lock);
	if (quar_exec(q, "BEGIN IMMEDIATE", error_r) == -1) {
		pthread_mutex_unlock(&q->lock);
		return -1;
	}
	return 0;
}

int
quar_end(struct quar *q, int ok, const char **error_r)
{
	int r = -1;

	if (ok && quar_exec(q, "COMMIT", error_r) == 0)
		r = 0;
	if (r == -1)
		(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&q->lock);
	return r;
}

static int
quar_version(struct quar *q, int *v_r, const char **error_r)
{
	sqlite3_stmt *st = quar_prepare(q, "PRAGMA user_version", error_r);
	int r = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*v_r = sqlite3_column_int(st, 0);
		r = 0;
	} else
		*error_r = quar_error(q, "user_version");
	sqlite3_finalize(st);
	return r;
}

/* Inside the upgrade transaction: from version v to the current one. */
static int
quar_migrate(struct quar *q, int v, int create, const char **error_r)
{
	static char err[160];

	if (v == 0 && !create) {
		*error_r = "quarantine: the database is empty (the milter "
		    "creates it on start)";
		return -1;
	}
	if (v > QUAR_SCHEMA_VERSION || v < 0) {
		snprintf(err, sizeof(err), "quarantine: database schema "
		    "version %d is newer than this program's (%d)", v,
		    QUAR_SCHEMA_VERSION);
		*error_r = err;
		return -1;
	}
	if (v == 0 && quar_exec(q, quar_schema_v1, error_r) == -1)
		return -1;
	if (v <= 1 && quar_exec(q, quar_schema_v2, error_r) == -1)
		return -1;
	if (v <= 2 && quar_exec(q, quar_schema_v3, error_r) == -1)
		return -1;
	return 0;
}

/* Bring the schema to QUAR_SCHEMA_VERSION; a no-op read when current. */
static int
quar_upgrade(struct quar *q, int create, const char **error_r)
{
	int v, ok;

	if (quar_version(q, &v, error_r) == -1)
		return -1;
	if (v == QUAR_SCHEMA_VERSION)
		return 0;
	if (!create && v != 0 && sqlite3_db_readonly(q->db, "main") == 1) {
		*error_r = "quarantine: the database has an old schema and "
		    "is read-only for you; run triagectl as root once";
		return -1;
	}
	if (quar_begin(q, error_r) == -1)
		return -1;
	/* Another process may have upgraded it meanwhile: look again. */
	ok = quar_version(q, &v, error_r) == 0 &&
	    (v == QUAR_SCHEMA_VERSION || quar_migrate(q, v, create,
	    error_r) == 0);
	return quar_end(q, ok, error_r);
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
	if (create && access(path, F_OK) == -1) {
		/*
		 * Create the file ourselves so it gets 0640, not 0644; only
		 * when it does not exist: closing any descriptor of a database
		 * file drops every POSIX lock this process holds on it, and
		 * another thread's connection may hold some.
		 */
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);

		if (fd != -1)
			close(fd);
	}
	if (sqlite3_open_v2(path, &q->db, flags, NULL) != SQLITE_OK) {
		errno = q->db != NULL ? sqlite3_system_errno(q->db) : errno;
		*error_r = quar_error(NULL, path);
		quar_close(&q);
		return NULL;
	}
	sqlite3_busy_timeout(q->db, busy_ms);
	/*
	 * Keep the -wal and -shm files when the last connection closes, so
	 * that members of the quarantine group, who may only read, can
	 * still open the database while the milter is idle.
	 */
	(void)sqlite3_file_control(q->db, "main", SQLITE_FCNTL_PERSIST_WAL,
	    &(int){ 1 });
	if (quar_exec(q, "PRAGMA journal_mode=WAL;", error_r) == -1 ||
	    quar_exec(q, "PRAGMA synchronous=FULL;", error_r) == -1 ||
	    quar_exec(q, "PRAGMA journal_size_limit=1048576;", error_r) == -1 ||
	    quar_upgrade(q, create, error_r) == -1) {
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
		if (mem_add(len, strlen(v[i]) + 1, &len) == -1)
			return mem_strdup("");
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
	sqlite3_stmt *st;
	int r = -1;

	if ((st = quar_prepare(q, "INSERT INTO bodies (id, raw)"
	    " VALUES (?, ?)", error_r)) == NULL)
		return -1;
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
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
	sqlite3_stmt *st;
	char *rcpts;
	int r = -1;

	if ((st = quar_prepare(q, sql, error_r)) == NULL)
		return -1;
	rcpts = quar_join(it->rcpts, it->nrcpts);
	if (quar_bind_item(st, it, rcpts) == -1)
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

/* Run one statement binding n as ?1; 0 or -1. */
static int
quar_run(struct quar *q, const char *sql, int64_t n, const char **error_r)
{
	sqlite3_stmt *st;
	int r = -1;

	if ((st = quar_prepare(q, sql, error_r)) == NULL)
		return -1;
	if (sqlite3_bind_int64(st, 1, n) != SQLITE_OK)
		*error_r = quar_error(q, "bind");
	else if (sqlite3_step(st) != SQLITE_DONE)
		*error_r = quar_error(q, "pending");
	else
		r = 0;
	sqlite3_finalize(st);
	return r;
}

/*
 * Inside the store transaction: forget pending items older than the
 * window, then look for one of another instance with this digest (whose
 * item still exists).  1 and *id_r, 0 (none), or -1.
 */
static int
quar_pending_find(struct quar *q, const struct quar_item *it, int64_t *id_r,
    const char **error_r)
{
	sqlite3_stmt *st;
	int r = -1, rc;

	if (quar_run(q, "DELETE FROM pending WHERE created < ?",
	    (int64_t)time(NULL) - QUAR_DEDUP_WINDOW, error_r) == -1)
		return -1;
	if ((st = quar_prepare(q, "SELECT p.id FROM pending p JOIN messages m"
	    " ON m.id = p.id WHERE p.dedup = ? AND p.instance <> ?"
	    " ORDER BY p.id LIMIT 1", error_r)) == NULL)
		return -1;
	if (sqlite3_bind_text(st, 1, it->dedup, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_text(st, 2, it->instance, -1,
	    SQLITE_STATIC) != SQLITE_OK)
		*error_r = quar_error(q, "bind");
	else if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id_r = sqlite3_column_int64(st, 0);
		r = 1;
	} else if (rc == SQLITE_DONE)
		r = 0;
	else
		*error_r = quar_error(q, "pending");
	sqlite3_finalize(st);
	return r;
}

static int
quar_pending_add(struct quar *q, const struct quar_item *it, int64_t id,
    const char **error_r)
{
	sqlite3_stmt *st;
	int r = -1;

	if ((st = quar_prepare(q, "INSERT INTO pending (id, dedup, instance,"
	    " created) VALUES (?, ?, ?, ?)", error_r)) == NULL)
		return -1;
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, it->dedup, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_text(st, 3, it->instance, -1,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL)) != SQLITE_OK)
		*error_r = quar_error(q, "bind");
	else if (sqlite3_step(st) != SQLITE_DONE)
		*error_r = quar_error(q, "pending");
	else
		r = 0;
	sqlite3_finalize(st);
	return r;
}

int
quar_store(struct quar *q, const struct quar_item *it, int64_t *id_r,
    const char **error_r)
{
	int ok, dup = 0, dedup = it->dedup != NULL && it->instance != NULL;

	if (it->size > 0x7fffffff) {
		*error_r = "quarantine: message too large for one blob";
		return -1;
	}
	if (quar_begin(q, error_r) == -1)
		return -1;
	if (dedup && (dup = quar_pending_find(q, it, id_r, error_r)) == -1)
		return quar_end(q, 0, error_r);
	ok = dup == 1 || (quar_insert(q, it, id_r, error_r) == 0 &&
	    quar_fill_blob(q, *id_r, it->fd, it->size, error_r) == 0 &&
	    (!dedup || quar_pending_add(q, it, *id_r, error_r) == 0));
	if (quar_end(q, ok, error_r) == -1)
		return -1;
	return dup;
}

int
quar_confirm(struct quar *q, int64_t id, const char **error_r)
{
	if (quar_begin(q, error_r) == -1)
		return -1;
	return quar_end(q, quar_run(q, "DELETE FROM pending WHERE id = ?",
	    id, error_r) == 0, error_r);
}

#define QUAR_ROW_COLS	"id, created, msgid, qid, client_addr, env_from," \
	" rcpts, hdr_from, subject, verdict, rules, status, score, size," \
	" client_name, helo, released_by, release_to, released_at," \
	" release_used_at, deleted_at"

static void
quar_fill_row(sqlite3_stmt *st, struct quar_row *row, int with_report)
{
	memset(row, 0, sizeof(*row));
	row->id = sqlite3_column_int64(st, 0);
	row->created = sqlite3_column_int64(st, 1);
	row->msgid = quar_col(st, 2);
	row->qid = quar_col(st, 3);
	row->client_addr = quar_col(st, 4);
	row->env_from = quar_col(st, 5);
	row->rcpts = quar_col(st, 6);
	row->hdr_from = quar_col(st, 7);
	row->subject = quar_col(st, 8);
	row->verdict = quar_col(st, 9);
	row->rules = quar_col(st, 10);
	row->status = quar_col(st, 11);
	row->score = sqlite3_column_int(st, 12);
	row->size = sqlite3_column_int64(st, 13);
	row->client_name = quar_col(st, 14);
	row->helo = quar_col(st, 15);
	row->released_by = quar_col(st, 16);
	row->release_to = quar_col(st, 17);
	row->released_at = sqlite3_column_int64(st, 18);
	row->release_used_at = sqlite3_column_int64(st, 19);
	row->deleted_at = sqlite3_column_int64(st, 20);
	row->report = with_report ? quar_col(st, 21) : "";
}

/* The sender and recipient patterns, which SQL cannot do for us. */
static int
quar_row_matches(const struct quar_filter *f, const struct quar_row *row)
{
	char one[1024];
	const char *p, *nl;
	size_t n;

	if (f->sender != NULL && !quar_match(f->sender, row->env_from) &&
	    !quar_match(f->sender, row->hdr_from))
		return 0;
	if (f->rcpt == NULL)
		return 1;
	for (p = row->rcpts; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		n = (size_t)(nl - p) < sizeof(one) ? (size_t)(nl - p) :
		    sizeof(one) - 1;
		memcpy(one, p, n);
		one[n] = '\0';
		if (quar_match(f->rcpt, one))
			return 1;
	}
	return 0;
}

static int
quar_bind_filter(sqlite3_stmt *st, const struct quar_filter *f)
{
	int rc = SQLITE_OK;

	if (f->since != 0)
		rc |= sqlite3_bind_int64(st, 1, f->since);
	if (f->before != 0)
		rc |= sqlite3_bind_int64(st, 2, f->before);
	rc |= sqlite3_bind_text(st, 3, f->verdict, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_text(st, 4, f->status, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_text(st, 5, f->rule, -1, SQLITE_STATIC);
	return rc == SQLITE_OK ? 0 : -1;
}

int
quar_list_filter(struct quar *q, const struct quar_filter *f,
    int (*fn)(void *, const struct quar_row *), void *arg,
    const char **error_r)
{
	static const char sql[] = "SELECT " QUAR_ROW_COLS ","
	    " CASE WHEN ?6 THEN report END FROM messages"
	    " WHERE (?1 IS NULL OR created >= ?1)"
	    " AND (?2 IS NULL OR created < ?2)"
	    " AND (?3 IS NULL OR verdict = ?3)"
	    " AND (?4 IS NULL OR status = ?4)"
	    " AND (?5 IS NULL OR instr(',' || IFNULL(rules, '') || ',',"
	    " ',' || ?5 || ',') > 0)"
	    " ORDER BY created DESC, id DESC";
	sqlite3_stmt *st;
	struct quar_row row;
	size_t n = 0;
	int rc = SQLITE_DONE, r = 0;

	if ((st = quar_prepare(q, sql, error_r)) == NULL)
		return -1;
	if (quar_bind_filter(st, f) == -1 ||
	    sqlite3_bind_int(st, 6, f->with_report != 0) != SQLITE_OK) {
		*error_r = quar_error(q, "bind list");
		sqlite3_finalize(st);
		return -1;
	}
	while (r == 0 && (f->limit == 0 || n < f->limit) &&
	    (rc = sqlite3_step(st)) == SQLITE_ROW) {
		quar_fill_row(st, &row, f->with_report);
		if (!quar_row_matches(f, &row))
			continue;
		n++;
		r = fn(arg, &row);
	}
	if (r == 0 && (f->limit == 0 || n < f->limit) && rc != SQLITE_DONE) {
		*error_r = quar_error(q, "list");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int
quar_list(struct quar *q, size_t limit,
    int (*fn)(void *, const struct quar_row *), void *arg,
    const char **error_r)
{
	struct quar_filter f;

	memset(&f, 0, sizeof(f));
	f.limit = limit;
	return quar_list_filter(q, &f, fn, arg, error_r);
}

int
quar_get(struct quar *q, int64_t id,
    int (*fn)(void *, const struct quar_row *), void *arg,
    const char **error_r)
{
	sqlite3_stmt *st;
	struct quar_row row;
	int rc, r;

	if ((st = quar_prepare(q, "SELECT " QUAR_ROW_COLS ", report"
	    " FROM messages WHERE id = ?", error_r)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		quar_fill_row(st, &row, 1);
		r = fn(arg, &row);
	} else if (rc == SQLITE_DONE)
		r = QUAR_NOT_FOUND;
	else {
		*error_r = quar_error(q, "get");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int
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

/* Size of the stored body of id: 0 and *size_r, 1 when none, -1. */
static int
quar_body_size(struct quar *q, int64_t id, int *size_r, const char **error_r)
{
	sqlite3_stmt *st;
	int rc, r;

	if ((st = quar_prepare(q, "SELECT length(raw) FROM bodies"
	    " WHERE id = ?", error_r)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*size_r = sqlite3_column_int(st, 0);
		r = 0;
	} else if (rc == SQLITE_DONE)
		r = 1;
	else {
		*error_r = quar_error(q, "body size");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int
quar_body_read(struct quar *q, int64_t id,
    int (*fn)(void *, const unsigned char *, size_t, const char **),
    void *arg, const char **error_r)
{
	unsigned char *buf;
	sqlite3_blob *blob;
	int size, off = 0, n, r;

	if ((r = quar_body_size(q, id, &size, error_r)) != 0)
		return r;
	if (sqlite3_blob_open(q->db, "main", "bodies", "raw", id, 0,
	    &blob) != SQLITE_OK) {
		*error_r = quar_error(q, "blob open");
		return -1;
	}
	buf = mem_alloc(QUAR_COPY_BUF);
	for (r = 0; r == 0 && off < size; off += n) {
		n = size - off < QUAR_COPY_BUF ? size - off : QUAR_COPY_BUF;
		if (sqlite3_blob_read(blob, buf, n, off) != SQLITE_OK) {
			*error_r = quar_error(q, "blob read");
			r = -1;
		} else
			r = fn(arg, buf, (size_t)n, error_r);
	}
	free(buf);
	sqlite3_blob_close(blob);
	return r == 0 ? 0 : -1;
}

static int
quar_export_piece(void *arg, const unsigned char *p, size_t n,
    const char **error_r)
{
	if (quar_write_all(*(int *)arg, p, n) == -1) {
		*error_r = quar_error(NULL, "write");
		return -1;
	}
	return 0;
}

int
quar_export(struct quar *q, int64_t id, int fd, const char **error_r)
{
	return quar_body_read(q, id, quar_export_piece, &fd, error_r);
}

int
quar_report(struct quar *q, int64_t id, char **report_r, const char **error_r)
{
	sqlite3_stmt *st;
	int rc, r;

	if ((st = quar_prepare(q, "SELECT report FROM messages WHERE id = ?",
	    error_r)) == NULL)
		return -1;
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
