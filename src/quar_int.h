/*
 * quar_int.h: shared between the files of the quar module (quar.c,
 * quar_admin.c, quar_release.c, quar_json.c).  Not installed, not for
 * other modules.
 */
#ifndef TRIAGE_QUAR_INT_H
#define TRIAGE_QUAR_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct quar_actor;

struct quar {
	sqlite3		*db;
	pthread_mutex_t	 lock;		/* one transaction at a time */
};

/* "quarantine: what: sqlite's message" in a thread-local buffer. */
const char	*quar_error(struct quar *, const char *what);
/* Run SQL without results; 0 or -1 with *error_r. */
int		 quar_exec(struct quar *, const char *sql, const char **error_r);
/* Prepare; NULL with *error_r. */
sqlite3_stmt	*quar_prepare(struct quar *, const char *sql,
		    const char **error_r);
/* Column i as text, "" for NULL. */
const char	*quar_col(sqlite3_stmt *, int i);
/* BEGIN IMMEDIATE under the mutex; quar_end commits (ok) or rolls back;
 * both return 0 or -1 and quar_end always unlocks. */
int		 quar_begin(struct quar *, const char **error_r);
int		 quar_end(struct quar *, int ok, const char **error_r);
/* Insert an audit row inside the caller's transaction; 0 or -1. */
int		 quar_audit_insert(struct quar *, const struct quar_actor *,
		    const char *action, int64_t message, const char *reason,
		    const char *detail, const char **error_r);
/* write(2) all of it; 0 or -1 (errno). */
int		 quar_write_all(int fd, const void *, size_t);
/*
 * Stream the raw message of id in pieces of at most 64 KiB to fn (which
 * returns 0 to go on, -1 to stop with *error_r set).  0, 1 if there is
 * no body, -1.
 */
int		 quar_body_read(struct quar *, int64_t id,
		    int (*fn)(void *, const unsigned char *, size_t,
		    const char **), void *arg, const char **error_r);

/* Release state changes (quar_admin.c), each with its audit row. */
int		 quar_release_begin(struct quar *, int64_t id, int force,
		    char **status_r, char **env_from_r, char **rcpts_r,
		    const char **error_r);
int		 quar_release_finish(struct quar *, int64_t id, int ok,
		    const char *prev_status, const char *to,
		    const struct quar_actor *, const char *reason,
		    const char *detail, const char **error_r);

#endif
