/*
 * quar_admin: the administrative state changes of the quarantine store
 * (see quar.h): audit, delete, purge, the release state machine, the
 * milter's release claim and counters; plus the small parsers the
 * command line shares (durations, address patterns).
 *
 * Untrusted input: patterns and reasons come from the administrator
 * (bounded, reasons without control characters); addresses come from
 * mail (bounded copies before matching).  Every state change and its
 * audit row are one transaction.
 * Thread-safe: transactions are serialised by the handle's mutex;
 * quar_actor_self uses getpwuid_r.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"
#include "quar.h"
#include "quar_int.h"

#define QUAR_KEY_MAX		200	/* bytes of a counter key */
#define QUAR_PATTERN_MAX	256	/* bytes of a list pattern */
#define QUAR_SUBJECT_MAX	1024	/* bytes of an address we match */
#define QUAR_DURATION_MAX	(100LL * 366 * 86400)

void
quar_actor_self(struct quar_actor *w)
{
	struct passwd pw, *res = NULL;
	char buf[2048];
	const char *sudo = getenv("SUDO_USER");
	uid_t uid = getuid();

	memset(w, 0, sizeof(*w));
	w->uid = (long)uid;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL)
		snprintf(w->user, sizeof(w->user), "%s", pw.pw_name);
	else
		snprintf(w->user, sizeof(w->user), "uid %ld", w->uid);
	if (sudo != NULL)
		snprintf(w->sudo_user, sizeof(w->sudo_user), "%s", sudo);
}

int
quar_reason_ok(const char *reason, const char **error_r)
{
	const unsigned char *p;
	size_t n = 0;

	if (reason == NULL || *reason == '\0') {
		*error_r = "a reason is required (--reason TEXT)";
		return 0;
	}
	for (p = (const unsigned char *)reason; *p != '\0'; p++, n++) {
		if (*p < 0x20 || *p == 0x7f) {
			*error_r = "the reason contains a control character";
			return 0;
		}
	}
	if (n > QUAR_REASON_MAX) {
		*error_r = "the reason is longer than 1000 bytes";
		return 0;
	}
	return 1;
}

static void
quar_bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL && *s != '\0')
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int
quar_audit_insert(struct quar *q, const struct quar_actor *w,
    const char *action, int64_t message, const char *reason,
    const char *detail, const char **error_r)
{
	sqlite3_stmt *st;
	int r = 0;

	if ((st = quar_prepare(q, "INSERT INTO audit (ts, action, message,"
	    " uid, user, sudo_user, reason, detail)"
	    " VALUES (?,?,?,?,?,?,?,?)", error_r)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
	if (message > 0)
		sqlite3_bind_int64(st, 3, message);
	sqlite3_bind_int64(st, 4, w->uid);
	sqlite3_bind_text(st, 5, w->user, -1, SQLITE_STATIC);
	quar_bind_opt(st, 6, w->sudo_user);
	quar_bind_opt(st, 7, reason);
	quar_bind_opt(st, 8, detail);
	if (sqlite3_step(st) != SQLITE_DONE) {
		*error_r = quar_error(q, "audit");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int
quar_audit_add(struct quar *q, const struct quar_actor *w, const char *action,
    int64_t message, const char *reason, const char *detail,
    const char **error_r)
{
	if (quar_begin(q, error_r) == -1)
		return -1;
	return quar_end(q, quar_audit_insert(q, w, action, message, reason,
	    detail, error_r) == 0, error_r);
}

int
quar_audit_list(struct quar *q, int64_t message, size_t limit,
    int (*fn)(void *, const struct quar_audit_row *), void *arg,
    const char **error_r)
{
	sqlite3_stmt *st;
	struct quar_audit_row a;
	int rc = SQLITE_DONE, r = 0;

	if ((st = quar_prepare(q, "SELECT id, ts, action, IFNULL(message, 0),"
	    " uid, user, sudo_user, reason, detail FROM (SELECT * FROM audit"
	    " WHERE ?1 = 0 OR message = ?1 ORDER BY id DESC LIMIT ?2)"
	    " ORDER BY id", error_r)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, message);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		a.id = sqlite3_column_int64(st, 0);
		a.ts = sqlite3_column_int64(st, 1);
		a.action = quar_col(st, 2);
		a.message = sqlite3_column_int64(st, 3);
		a.uid = (long)sqlite3_column_int64(st, 4);
		a.user = quar_col(st, 5);
		a.sudo_user = quar_col(st, 6);
		a.reason = quar_col(st, 7);
		a.detail = quar_col(st, 8);
		r = fn(arg, &a);
	}
	if (r == 0 && rc != SQLITE_DONE) {
		*error_r = quar_error(q, "audit list");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

/* Run one statement binding id (and optionally an int64 and a text). */
static int
quar_step(struct quar *q, const char *sql, int64_t id, const char **error_r)
{
	sqlite3_stmt *st;
	int r = 0;

	if ((st = quar_prepare(q, sql, error_r)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE) {
		*error_r = quar_error(q, "update");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

/*
 * Status of id (and whether its body is stored) into status (16 bytes):
 * QUAR_OK, QUAR_NOT_FOUND or -1.
 */
static int
quar_status(struct quar *q, int64_t id, char status[16], int *has_body_r,
    const char **error_r)
{
	sqlite3_stmt *st;
	int rc, r;

	if ((st = quar_prepare(q, "SELECT status, EXISTS (SELECT 1 FROM"
	    " bodies WHERE bodies.id = messages.id) FROM messages"
	    " WHERE id = ?", error_r)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(status, 16, "%s", quar_col(st, 0));
		*has_body_r = sqlite3_column_int(st, 1);
		r = QUAR_OK;
	} else if (rc == SQLITE_DONE)
		r = QUAR_NOT_FOUND;
	else {
		*error_r = quar_error(q, "status");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

/* Inside a transaction: the delete itself. */
static int
quar_delete_tx(struct quar *q, int64_t id, const struct quar_actor *w,
    const char *reason, const char **error_r)
{
	static _Thread_local char detail[64];
	char status[16];
	int has_body, r;

	if ((r = quar_status(q, id, status, &has_body, error_r)) != QUAR_OK)
		return r;
	if (strcmp(status, "deleted") == 0 || strcmp(status,
	    "releasing") == 0) {
		*error_r = strcmp(status, "deleted") == 0 ? "already deleted" :
		    "being released right now";
		return QUAR_BAD_STATE;
	}
	snprintf(detail, sizeof(detail), "was %s", status);
	if (quar_step(q, "DELETE FROM bodies WHERE id = ?1", id,
	    error_r) == -1 ||
	    quar_step(q, "UPDATE messages SET status = 'deleted',"
	    " deleted_at = ?2 WHERE id = ?1", id, error_r) == -1 ||
	    quar_audit_insert(q, w, "delete", id, reason, detail,
	    error_r) == -1)
		return -1;
	return QUAR_OK;
}

int
quar_delete(struct quar *q, int64_t id, const struct quar_actor *w,
    const char *reason, const char **error_r)
{
	int r;

	if (!quar_reason_ok(reason, error_r))
		return -1;
	if (quar_begin(q, error_r) == -1)
		return -1;
	r = quar_delete_tx(q, id, w, reason, error_r);
	if (quar_end(q, r == QUAR_OK, error_r) == -1 && r == QUAR_OK)
		return -1;
	return r;
}

static int
quar_purge_tx(struct quar *q, int64_t before, const struct quar_actor *w,
    const char *reason, const char *detail, uint64_t *count_r,
    const char **error_r)
{
	char text[512];

	if (quar_step(q, "DELETE FROM bodies WHERE id IN (SELECT id FROM"
	    " messages WHERE created < ?1)", before, error_r) == -1 ||
	    quar_step(q, "DELETE FROM messages WHERE created < ?1", before,
	    error_r) == -1)
		return -1;
	*count_r = (uint64_t)sqlite3_changes(q->db);
	snprintf(text, sizeof(text), "%.400s%s%llu message%s removed",
	    detail != NULL ? detail : "", detail != NULL ? ": " : "",
	    (unsigned long long)*count_r, *count_r == 1 ? "" : "s");
	return quar_audit_insert(q, w, "purge", 0, reason, text, error_r);
}

int
quar_purge(struct quar *q, int64_t before, const struct quar_actor *w,
    const char *reason, const char *detail, uint64_t *count_r,
    const char **error_r)
{
	int ok;

	*count_r = 0;
	if (reason != NULL && !quar_reason_ok(reason, error_r))
		return -1;
	if (quar_begin(q, error_r) == -1)
		return -1;
	ok = quar_purge_tx(q, before, w, reason, detail, count_r,
	    error_r) == 0;
	if (!ok)
		*count_r = 0;
	return quar_end(q, ok, error_r);
}

/* Owned copies of the envelope of id (inside a transaction). */
static int
quar_envelope(struct quar *q, int64_t id, char **from_r, char **rcpts_r,
    const char **error_r)
{
	sqlite3_stmt *st;
	int r = -1;

	if ((st = quar_prepare(q, "SELECT env_from, rcpts FROM messages"
	    " WHERE id = ?", error_r)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*from_r = mem_strdup(quar_col(st, 0));
		*rcpts_r = mem_strdup(quar_col(st, 1));
		r = 0;
	} else
		*error_r = quar_error(q, "envelope");
	sqlite3_finalize(st);
	return r;
}

static int
quar_release_begin_tx(struct quar *q, int64_t id, int force, char **status_r,
    char **from_r, char **rcpts_r, const char **error_r)
{
	char status[16];
	int has_body, r;

	if ((r = quar_status(q, id, status, &has_body, error_r)) != QUAR_OK)
		return r;
	*status_r = mem_strdup(status);
	if (strcmp(status, "deleted") == 0 || !has_body) {
		*error_r = "deleted: the message is no longer stored";
		return QUAR_BAD_STATE;
	}
	if (strcmp(status, "held") != 0 && !force) {
		*error_r = strcmp(status, "releasing") == 0 ?
		    "a release is in progress (or was interrupted: use --force)"
		    : "already released (use --force to send it again)";
		return QUAR_BAD_STATE;
	}
	if (quar_envelope(q, id, from_r, rcpts_r, error_r) == -1 ||
	    quar_step(q, "UPDATE messages SET status = 'releasing',"
	    " release_used_at = NULL WHERE id = ?1", id, error_r) == -1)
		return -1;
	return QUAR_OK;
}

int
quar_release_begin(struct quar *q, int64_t id, int force, char **status_r,
    char **from_r, char **rcpts_r, const char **error_r)
{
	int r;

	*status_r = *from_r = *rcpts_r = NULL;
	if (quar_begin(q, error_r) == -1)
		return -1;
	r = quar_release_begin_tx(q, id, force, status_r, from_r, rcpts_r,
	    error_r);
	if (quar_end(q, r == QUAR_OK, error_r) == -1 && r == QUAR_OK)
		r = -1;
	if (r != QUAR_OK) {
		free(*from_r);
		free(*rcpts_r);
		*from_r = *rcpts_r = NULL;
	}
	return r;
}

static int
quar_release_mark(struct quar *q, int64_t id, const char *to,
    const struct quar_actor *w, const char **error_r)
{
	sqlite3_stmt *st;
	char by[160];
	int r = 0;

	if (w->sudo_user[0] != '\0')
		snprintf(by, sizeof(by), "%s (sudo: %s)", w->user,
		    w->sudo_user);
	else
		snprintf(by, sizeof(by), "%s", w->user);
	if ((st = quar_prepare(q, "UPDATE messages SET status = 'released',"
	    " released_at = ?2, released_by = ?3, release_to = ?4"
	    " WHERE id = ?1", error_r)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(st, 3, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		*error_r = quar_error(q, "release");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

/* Put a failed release back to its previous status. */
static int
quar_release_undo(struct quar *q, int64_t id, const char *prev,
    const char **error_r)
{
	sqlite3_stmt *st;
	int r = 0;

	if ((st = quar_prepare(q, "UPDATE messages SET status = ?2"
	    " WHERE id = ?1 AND status = 'releasing'", error_r)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, prev, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		*error_r = quar_error(q, "release undo");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int
quar_release_finish(struct quar *q, int64_t id, int ok, const char *prev,
    const char *to, const struct quar_actor *w, const char *reason,
    const char *detail, const char **error_r)
{
	int good;

	if (quar_begin(q, error_r) == -1)
		return -1;
	if (ok)
		good = quar_release_mark(q, id, to, w, error_r) == 0 &&
		    quar_audit_insert(q, w, "release", id, reason, detail,
		    error_r) == 0;
	else
		good = quar_release_undo(q, id, strcmp(prev, "releasing") ==
		    0 ? "held" : prev, error_r) == 0 &&
		    quar_audit_insert(q, w, "release-failed", id, reason,
		    detail, error_r) == 0;
	return quar_end(q, good, error_r);
}

int
quar_release_claim(struct quar *q, int64_t id, const char **error_r)
{
	struct quar_actor w;
	int changed = 0, ok;

	quar_actor_self(&w);
	if (quar_begin(q, error_r) == -1)
		return -1;
	ok = quar_step(q, "UPDATE messages SET release_used_at = ?2"
	    " WHERE id = ?1 AND status IN ('released', 'releasing')"
	    " AND release_used_at IS NULL", id, error_r) == 0;
	if (ok && (changed = sqlite3_changes(q->db)) == 1)
		ok = quar_audit_insert(q, &w, "release-pass", id, NULL,
		    "the milter let the released copy pass", error_r) == 0;
	if (quar_end(q, ok, error_r) == -1)
		return -1;
	return changed == 1 ? 1 : 0;
}

static int
quar_day_ok(const char *d)
{
	int i;

	if (d == NULL || strlen(d) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? d[i] != '-' :
		    !isdigit((unsigned char)d[i]))
			return 0;
	return 1;
}

static int
quar_counter_one(sqlite3_stmt *st, const char *day, const char *key,
    uint64_t n)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, n > INT64_MAX ? INT64_MAX : (int64_t)n);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

int
quar_counters_add(struct quar *q, const char *day, const char *const *keys,
    const uint64_t *counts, size_t n, const char **error_r)
{
	sqlite3_stmt *st;
	size_t i;
	int ok = 1;

	if (!quar_day_ok(day)) {
		*error_r = "quarantine: counters: day is not YYYY-MM-DD";
		return -1;
	}
	for (i = 0; i < n; i++)
		if (keys[i] == NULL || strlen(keys[i]) > QUAR_KEY_MAX) {
			*error_r = "quarantine: counters: key too long";
			return -1;
		}
	if (quar_begin(q, error_r) == -1)
		return -1;
	if ((st = quar_prepare(q, "INSERT INTO counters (day, key, n)"
	    " VALUES (?, ?, ?) ON CONFLICT (day, key)"
	    " DO UPDATE SET n = n + excluded.n", error_r)) == NULL) {
		(void)quar_end(q, 0, error_r);
		return -1;
	}
	for (i = 0; ok && i < n; i++)
		if (quar_counter_one(st, day, keys[i], counts[i]) == -1) {
			*error_r = quar_error(q, "counters");
			ok = 0;
		}
	sqlite3_finalize(st);
	return quar_end(q, ok, error_r);
}

int
quar_counters_list(struct quar *q, const char *since_day,
    int (*fn)(void *, const char *, uint64_t), void *arg,
    const char **error_r)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, r = 0;

	if ((st = quar_prepare(q, "SELECT key, sum(n) FROM counters"
	    " WHERE ?1 IS NULL OR day >= ?1 GROUP BY key ORDER BY key",
	    error_r)) == NULL)
		return -1;
	quar_bind_opt(st, 1, since_day);
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 v = sqlite3_column_int64(st, 1);

		r = fn(arg, quar_col(st, 0), v < 0 ? 0 : (uint64_t)v);
	}
	if (r == 0 && rc != SQLITE_DONE) {
		*error_r = quar_error(q, "counters list");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int
quar_parse_duration(const char *s, int64_t *seconds_r)
{
	static const struct {
		char	unit;
		int64_t	mult;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 },
	    { 'd', 86400 }, { 'w', 604800 } };
	int64_t v = 0;
	size_t i, nd = 0;

	for (; isdigit((unsigned char)s[nd]) && nd < 12; nd++)
		v = v * 10 + (s[nd] - '0');
	if (nd == 0 || nd >= 12 || s[nd] == '\0' || s[nd + 1] != '\0' ||
	    v == 0)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (units[i].unit != s[nd])
			continue;
		if (v > QUAR_DURATION_MAX / units[i].mult)
			return -1;
		*seconds_r = v * units[i].mult;
		return 0;
	}
	return -1;
}

/* Lowercased bounded copy of the address core: inside <>, trimmed. */
static void
quar_addr_core(const char *s, char *out, size_t cap)
{
	const char *lt = strrchr(s, '<'), *end;
	size_t n, i;

	if (lt != NULL) {
		s = lt + 1;
		end = s + strcspn(s, ">");
	} else {
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
	}
	n = (size_t)(end - s) < cap ? (size_t)(end - s) : cap - 1;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
}

int
quar_match(const char *pattern, const char *s)
{
	char pat[QUAR_PATTERN_MAX + 1], sub[QUAR_SUBJECT_MAX];
	size_t i, n = strlen(pattern);

	if (n == 0 || n > QUAR_PATTERN_MAX)
		return 0;
	for (i = 0; i <= n; i++)
		pat[i] = (char)tolower((unsigned char)pattern[i]);
	if (strpbrk(pat, "*?[") == NULL) {
		quar_addr_core(s, sub, sizeof(sub));
		if (strstr(sub, pat) != NULL)
			return 1;
		/* A substring may also name a display name. */
		for (i = 0; s[i] != '\0' && i + 1 < sizeof(sub); i++)
			sub[i] = (char)tolower((unsigned char)s[i]);
		sub[i] = '\0';
		return strstr(sub, pat) != NULL;
	}
	quar_addr_core(s, sub, sizeof(sub));
	return fnmatch(pat, sub, 0) == 0;
}
