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
 * Schema version 3 (PRAGMA user_version): tables messages, bodies, audit,
 * counters and pending.  quar_open() upgrades a version-1 or -2 database
 * in place, in one transaction (any process that can write it: the milter
 * or root).
 *
 * Pending items (version 3): the milter commits an item before it answers
 * the MTA; if it dies in between, the MTA tempfails and the client sends
 * the same message again.  An item stored with a dedup digest stays
 * "pending" until quar_confirm() says the MTA has the answer.  Storing
 * the same digest from another daemon instance while an item of a former
 * one is pending (within QUAR_DEDUP_WINDOW) stores nothing and returns
 * that item's id, so a resend after a lost answer is not quarantined
 * twice.  The same instance is alive and answered: it stores again.
 *
 * Administration (triagectl(8)): list with filters, show, export, release
 * (re-injection through sendmail with an X-Triage-Release HMAC header),
 * delete (the raw message goes, the metadata stays as evidence), purge,
 * and an audit row for every action: who (uid, user name, SUDO_USER),
 * when, why.  Each state change and its audit row commit together.
 *
 * Untrusted input: every stored string and the raw message came from
 * mail; they are bound as SQL parameters, never pasted into SQL, and the
 * JSON report is read by a bounded parser of our own (quar_report_parse).
 *
 * Thread-safe: one handle may be shared by the milter's workers (SQLite
 * serialized mode plus our own mutex around each transaction).
 */
#ifndef TRIAGE_QUAR_H
#define TRIAGE_QUAR_H

#include <stddef.h>
#include <stdint.h>

struct quar;
struct token_key;

#define QUAR_SCHEMA_VERSION	3
#define QUAR_DEDUP_WINDOW	(5 * 86400)	/* seconds a pending item is matched */
#define QUAR_REASON_MAX		1000	/* bytes of an audit reason */

/* Results of the administrative calls (beside -1, an internal error). */
#define QUAR_OK		0
#define QUAR_NOT_FOUND	1	/* no message with that id */
#define QUAR_BAD_STATE	2	/* already released, deleted, ... */
#define QUAR_SEND_FAILED 3	/* sendmail failed: the item stays held */

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
	/*
	 * sha256 hex of what makes a resend the same message (the milter:
	 * envelope, header without trace fields, body), or NULL: no
	 * deduplication, the item is not pending.  instance names the
	 * storing daemon process (unique per start; needed with dedup).
	 */
	const char		*dedup;
	const char		*instance;
};

/*
 * A stored item as listed (strings owned by the listing, valid during
 * the callback; absent values read "").  report is filled only when the
 * filter asks for it (else "").
 */
struct quar_row {
	int64_t		 id;
	int64_t		 created;	/* unix time */
	const char	*msgid, *qid, *client_addr, *env_from, *rcpts;
	const char	*hdr_from, *subject, *verdict, *rules, *status;
	int		 score;
	int64_t		 size;
	/* Schema version 2. */
	const char	*client_name, *helo, *report;
	const char	*released_by;	/* "user" or "user (sudo: who)" */
	const char	*release_to;	/* recipients used, newline-joined */
	int64_t		 released_at;	/* 0 = never */
	int64_t		 release_used_at; /* the milter let it pass; 0 = not yet */
	int64_t		 deleted_at;	/* 0 = not deleted */
};

/*
 * Which items quar_list_filter() returns.  Zero/NULL fields do not
 * filter.  Patterns (sender: envelope sender or From header; rcpt: any
 * recipient) match case-insensitively (ASCII): as a shell glob over the
 * whole address when they contain * ? or [, else as a substring.
 */
struct quar_filter {
	int64_t		 since;		/* created >= since (unix time) */
	int64_t		 before;	/* created < before */
	const char	*sender;
	const char	*rcpt;
	const char	*rule;		/* exact rule id among the item's rules */
	const char	*verdict;	/* exact */
	const char	*status;	/* held, releasing, released, deleted */
	size_t		 limit;		/* 0 = all */
	int		 with_report;	/* fill quar_row.report */
};

/* Who acts, for the audit table (quar_actor_self fills it). */
struct quar_actor {
	long		 uid;
	char		 user[64];	/* getpwuid name, or "uid N" */
	char		 sudo_user[64];	/* SUDO_USER, or "" */
};

/* One audit row (strings valid during the callback). */
struct quar_audit_row {
	int64_t		 id, ts, message;	/* message 0: none */
	long		 uid;
	const char	*action, *user, *sudo_user, *reason, *detail;
};

/* Release options (quar_release). */
struct quar_release {
	const char		*sendmail_path;	/* run without a shell */
	const struct token_key	*key;		/* release_key_file */
	const char		*to;		/* NULL: the original recipients */
	const char		*reason;	/* required, see quar_reason_ok */
	int			 force;		/* also released/releasing items */
	unsigned		 timeout_ms;	/* sendmail's limit; 0 = 300 s */
	const struct quar_actor	*who;
};

/* The parsed JSON report of an item (quar_report_parse). */
struct quar_finding {
	char	*rule, *action, *where, *detail;
	int64_t	 score;
};
struct quar_part {
	char	*where, *name, *declared, *detected, *sha256;	/* NULL: absent */
	int64_t	 size;
};
struct quar_url {
	char	*url, *where, *domain;
	char	*rules;		/* comma-separated */
};
struct quar_report {
	char			*verdict;
	int64_t			 score;
	struct quar_finding	*findings;
	size_t			 nfindings;
	struct quar_part	*parts;
	size_t			 nparts;
	struct quar_url		*urls;
	size_t			 nurls;
};

/* Open (create if asked) DIR/quarantine.db and upgrade its schema; NULL
 * with *error_r. */
struct quar	*quar_open(const char *dir, int create, int busy_ms,
		    const char **error_r);
void		 quar_close(struct quar **);
/*
 * Store one message; 0 and *id_r, or -1 with *error_r (nothing stored).
 * With it->dedup: 1 and the pending item's id in *id_r when an item with
 * that digest, stored by another instance, is still pending (nothing
 * stored); else the new item is pending until quar_confirm().
 */
int		 quar_store(struct quar *, const struct quar_item *,
		    int64_t *id_r, const char **error_r);
/* The MTA got the answer for item id: no longer pending.  0 or -1. */
int		 quar_confirm(struct quar *, int64_t id, const char **error_r);
/* Call fn for each item, newest first, at most limit (0 = all).  fn
 * returns 0 to go on, anything else to stop (returned). */
int		 quar_list(struct quar *, size_t limit,
		    int (*fn)(void *, const struct quar_row *), void *arg,
		    const char **error_r);
/* The same with filters (see struct quar_filter); -1 with *error_r. */
int		 quar_list_filter(struct quar *, const struct quar_filter *,
		    int (*fn)(void *, const struct quar_row *), void *arg,
		    const char **error_r);
/* One item (whatever its status): fn is called once; QUAR_OK,
 * QUAR_NOT_FOUND or -1. */
int		 quar_get(struct quar *, int64_t id,
		    int (*fn)(void *, const struct quar_row *), void *arg,
		    const char **error_r);
/* Copy the raw message of id to fd; 0, 1 if no such id or no longer
 * stored (deleted), -1 on error. */
int		 quar_export(struct quar *, int64_t id, int fd,
		    const char **error_r);
/* The JSON report of id into *report_r (owned, free()); 0, 1, -1. */
int		 quar_report(struct quar *, int64_t id, char **report_r,
		    const char **error_r);

/* Fill *who from getuid(), getpwuid() and the SUDO_USER variable. */
void		 quar_actor_self(struct quar_actor *who);
/* 1 if a reason is acceptable: 1..QUAR_REASON_MAX bytes, no control
 * characters (bytes < 0x20 and 0x7f); else 0 with *error_r. */
int		 quar_reason_ok(const char *reason, const char **error_r);
/* Append one audit row; 0 or -1. */
int		 quar_audit_add(struct quar *, const struct quar_actor *,
		    const char *action, int64_t message, const char *reason,
		    const char *detail, const char **error_r);
/* Audit rows in time order, of one message (or all: message 0); with a
 * limit, the last `limit` rows.  0 or -1 (or what fn returned). */
int		 quar_audit_list(struct quar *, int64_t message, size_t limit,
		    int (*fn)(void *, const struct quar_audit_row *),
		    void *arg, const char **error_r);

/*
 * Delete the raw message of id, keeping its metadata with status
 * 'deleted', and audit it, in one transaction.  QUAR_OK, QUAR_NOT_FOUND,
 * QUAR_BAD_STATE (already deleted) or -1.
 */
int		 quar_delete(struct quar *, int64_t id,
		    const struct quar_actor *, const char *reason,
		    const char **error_r);
/*
 * Remove every item (metadata and raw message) created before `before`
 * and write one audit row "purge" with the count; *count_r.  0 or -1.
 */
int		 quar_purge(struct quar *, int64_t before,
		    const struct quar_actor *, const char *reason,
		    const char *detail, uint64_t *count_r,
		    const char **error_r);

/*
 * Release id: re-inject the stored message through sendmail_path (argv
 * "sendmail -i -f SENDER -- RCPT...", SENDER "<>" for the null sender;
 * posix_spawn, no shell, a minimal environment), prefixed by the line
 *   X-Triage-Release: <id>; t=<token_make(key, "release", "<id>",
 *                                          quar_body_digest)>
 * The item is marked 'releasing' first (so that the milter may claim it
 * even if it sees the copy before sendmail returns), then 'released' with
 * the audit row "release" when sendmail exited 0; on any failure it goes
 * back to 'held' with an audit row "release-failed" giving the error, and
 * QUAR_SEND_FAILED is returned.  Releasing a released, releasing or
 * deleted item is QUAR_BAD_STATE unless force (not deleted: no body).
 * The caller must ignore SIGPIPE.  QUAR_OK, QUAR_NOT_FOUND,
 * QUAR_BAD_STATE, QUAR_SEND_FAILED (*error_r says why) or -1.
 */
int		 quar_release(struct quar *, int64_t id,
		    const struct quar_release *, const char **error_r);

/*
 * For the milter, when a message carries a valid X-Triage-Release token
 * for id: returns 1 if item id exists with status 'released' (or
 * 'releasing': triagectl is still waiting for sendmail) and its release
 * was not claimed yet; it is then marked claimed (release_used_at = now)
 * with an audit row "release-pass", in one transaction.  Returns 0 when
 * not claimable (unknown id, never released, deleted, already claimed:
 * a replay), -1 on error with *error_r.
 */
int		 quar_release_claim(struct quar *, int64_t id,
		    const char **error_r);

/*
 * The release digest: lowercase hex SHA-256 over the body of a raw
 * message, i.e. every byte after the first empty line, with every CR
 * byte removed (and before that line CR bytes are ignored too, so
 * "\r\n\r\n" and "\n\n" both end the header block; a message starting
 * with an empty line has an empty header block; no empty line at all
 * means an empty body).  The milter computes the same over the body
 * chunks the MTA passes, minus CR bytes.  0 or -1.
 */
int		 quar_body_digest(const void *raw, size_t len,
		    char out[65], const char **error_r);

/*
 * For the milter's statistics: add counts[i] to counter keys[i] of day
 * ("YYYY-MM-DD", the local date) in one transaction (UPSERT).  Keys are
 * "verdict:accept", "rule:attachment.executable", "sender_domain:x.jp";
 * at most 200 bytes each.  0 or -1.
 */
int		 quar_counters_add(struct quar *, const char *day,
		    const char *const *keys, const uint64_t *counts, size_t n,
		    const char **error_r);
/* Sums per key over the days >= since_day (NULL: all), keys in order;
 * 0 or -1 (or what fn returned). */
int		 quar_counters_list(struct quar *, const char *since_day,
		    int (*fn)(void *, const char *key, uint64_t n), void *arg,
		    const char **error_r);

/*
 * Parse a stored JSON report (design.md section 4) into *r (owned; free
 * with quar_report_free).  Bounded: at most 32 MiB of input, nesting 32,
 * 100000 values; unknown keys are skipped.  0, or -1 with *error_r for
 * malformed input.
 */
int		 quar_report_parse(const char *json, size_t len,
		    struct quar_report **r, const char **error_r);
void		 quar_report_free(struct quar_report **);

/* "30d", "12h", "90m", "45s", "2w" into seconds (1 .. 100 years); 0 or
 * -1 for anything else. */
int		 quar_parse_duration(const char *s, int64_t *seconds_r);
/* Case-insensitive pattern match as in struct quar_filter; 1 or 0. */
int		 quar_match(const char *pattern, const char *s);

#endif
