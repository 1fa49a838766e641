/*
 * quar: the quarantine store (design.md section 6).  The only module that
 * includes sqlite3.h.
 *
 * One SQLite database, quarantine.db in quarantine_dir, in WAL mode with
 * synchronous=FULL: quar_store() returns only after the message and its
 * evidence are committed to disk, so the milter may then discard the
 * message from the MTA's flow.  Any failure returns -1 and the caller
 * answers tempfail: nothing is lost.  The directory is created 0750 and
 * the database 0640.  A busy database is retried for `busy_ms`.
 *
 * Thread-safe: one handle may be shared by the milter's workers (SQLite
 * serialized mode plus our own mutex around each transaction).
 */
#ifndef TRIAGE_QUAR_H
#define TRIAGE_QUAR_H

#include <stddef.h>
#include <stdint.h>

struct quar;

struct quar_item {
	const char		*msgid;		/* our message id */
	const char		*qid;		/* MTA queue id, or NULL */
	const char		*client_addr;
	const char		*client_name;
	const char		*helo;
	const char		*env_from;
	const char *const	*rcpts;
	size_t			 nrcpts;
	const char		*hdr_from;	/* raw header values, or NULL */
	const char		*subject;
	const char		*verdict;
	int			 score;
	const char		*rules;		/* distinct rule ids, comma-separated */
	const char		*report;	/* JSON: findings, parts, urls */
	int			 fd;		/* raw message, read from offset 0 */
	uint64_t		 size;		/* bytes to read from fd */
};

/* A stored item as listed (strings owned by the listing). */
struct quar_row {
	int64_t		 id;
	int64_t		 created;	/* unix time */
	const char	*msgid, *qid, *client_addr, *env_from, *rcpts;
	const char	*hdr_from, *subject, *verdict, *rules, *status;
	int		 score;
	int64_t		 size;
};

/* Open (create if asked) DIR/quarantine.db; NULL with *error_r. */
struct quar	*quar_open(const char *dir, int create, int busy_ms,
		    const char **error_r);
void		 quar_close(struct quar **);
/* Store one message; 0 and *id_r, or -1 with *error_r (nothing stored). */
int		 quar_store(struct quar *, const struct quar_item *,
		    int64_t *id_r, const char **error_r);
/* Call fn for each item, newest first, at most limit (0 = all). */
int		 quar_list(struct quar *, size_t limit,
		    int (*fn)(void *, const struct quar_row *), void *arg,
		    const char **error_r);
/* Copy the raw message of id to fd; 0, 1 if no such id, -1 on error. */
int		 quar_export(struct quar *, int64_t id, int fd,
		    const char **error_r);
/* The JSON report of id into *report_r (owned, free()); 0, 1, -1. */
int		 quar_report(struct quar *, int64_t id, char **report_r,
		    const char **error_r);

#endif
