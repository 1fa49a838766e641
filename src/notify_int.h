/*
 * notify_int.h: internals of the notify module, shared by src/notify*.c
 * and tests/check_notify.c (not a public contract).
 *
 * The module is cut so that everything but the thread and the child
 * process is a pure function of its inputs and an injected clock:
 *
 *   notify.c         the bounded queue, the thread, start/submit/stop
 *   notify_core.c    event copies; what the thread does with an event:
 *                    alerts, digests, recipient notices, resends
 *                    (notify_core_*: driven by the thread or by tests)
 *   notify_camp.c    campaign keys and grouping, the hourly cap
 *   notify_render.c  templates, placeholders, headers, the HMAC mark
 *   notify_fmt.c     the placeholder values (lists, defanging, escaping)
 *   notify_send.c    posix_spawn of "sendmail -t -i" (no shell)
 *
 * Times called "now" are milliseconds of CLOCK_MONOTONIC (tests pass any
 * number); wall-clock times (Date:, "first seen") are time_t.
 *
 * Ownership: a struct notify_ev is an owned deep copy of what the milter
 * submitted, bounded by the NOTIFY_MAX_* limits; it holds a reference to
 * the policy snapshot it was submitted with.  Not thread-safe except the
 * queue (notify_queue_*), which has its own lock.
 */
#ifndef TRIAGE_NOTIFY_INT_H
#define TRIAGE_NOTIFY_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "hash.h"
#include "sbuf.h"
#include "verdict.h"

struct notify_event;
struct policy;
struct token_key;

#define NOTIFY_MAX_FINDINGS	50	/* copied per event */
#define NOTIFY_MAX_PARTS	50
#define NOTIFY_MAX_URLS		50
#define NOTIFY_MAX_RCPTS	100
#define NOTIFY_MAX_STR		1024	/* bytes of one copied string */
#define NOTIFY_MAX_URL		2048	/* bytes of one copied URL */
#define NOTIFY_QUEUE_MAX	1000	/* events waiting for the thread */
#define NOTIFY_MAX_CAMPAIGNS	1000	/* open campaigns */
#define NOTIFY_MAX_MEMBERS	50	/* messages listed in one digest */
#define NOTIFY_MAX_RCPT_SET	10000	/* distinct recipients counted */
#define NOTIFY_MAX_RETRIES	5	/* resends of a failed notice */
#define NOTIFY_MAX_PENDING	200	/* notices waiting for a resend */
#define NOTIFY_KEY_MAX		320	/* campaign key */
#define NOTIFY_MAX_TEMPLATE	65536	/* bytes of one template file */
#define NOTIFY_MAX_NOTICE	(256 * 1024)	/* bytes of one notice */
#define NOTIFY_HOUR_MS		3600000ULL

/* ---- events ------------------------------------------------------- */

struct notify_finding {
	char			*rule;
	char			*where;		/* or NULL */
	char			*detail;
	int			 score;
	enum verdict_action	 action;
};

struct notify_part {
	char		*where, *name, *declared, *detected;	/* or NULL */
	uint64_t	 size;
	char		 sha256[HASH_SHA256_HEX];
};

struct notify_url {
	char	*url;
	char	*domain;	/* registrable domain from urlcheck, or NULL */
	char	*rules;		/* rule ids, comma-separated, or NULL */
};

/* An owned, bounded deep copy of one struct notify_event. */
struct notify_ev {
	struct notify_ev	*next;		/* queue link */
	const struct policy	*pol;		/* referenced */
	int64_t			 quarantine_id;	/* 0: rejected */
	char			*msgid, *qid, *client_addr, *env_from;
	char			*hdr_from, *subject;	/* raw, or NULL */
	char			**rcpts;
	size_t			 nrcpts, rcpts_dropped;
	enum verdict_action	 verdict;
	int			 score;
	struct notify_finding	*findings;
	size_t			 nfindings, findings_dropped;
	struct notify_part	*parts;
	size_t			 nparts, parts_dropped;
	struct notify_url	*urls;
	size_t			 nurls, urls_dropped;
	time_t			 received;	/* wall clock */
};

/* Copy ev (and take a reference to pol); never fails (OOM aborts). */
struct notify_ev	*notify_ev_copy(const struct policy *pol,
			    const struct notify_event *ev);
void			 notify_ev_free(struct notify_ev **);

/*
 * The campaign key of an event into key[NOTIFY_KEY_MAX]:
 * "<sender domain>|<kind>:<value>" where the sender domain is the
 * lowercased domain of the envelope sender ("<>" for the null sender) and
 * kind:value is "sha256:<hex>" of the first attachment with a hash, else
 * "url:<domain>" of the first URL (its registrable domain when urlcheck
 * set one, else the last two labels of the host), else "subject:<hex>" (a
 * 64-bit FNV-1a of the raw subject).
 */
void	notify_campaign_key(const struct notify_ev *, char *key);
/* Lowercased sender domain of an envelope sender into out[cap]. */
void	notify_sender_domain(const char *env_from, char *out, size_t cap);
/* Lowercased host of a URL, its last two labels (IP literals whole). */
void	notify_url_domain(const char *url, char *out, size_t cap);

/* ---- campaigns ---------------------------------------------------- */

/* One message of a digest. */
struct notify_member {
	int64_t			 quarantine_id;
	enum verdict_action	 verdict;
	char			*env_from, *rcpt, *subject, *qid;
	size_t			 nrcpts;
	time_t			 received;
};

struct notify_camp {
	char			 key[NOTIFY_KEY_MAX];
	const struct policy	*pol;		/* of the newest event; ref */
	uint64_t		 start_ms, end_ms;
	time_t			 first_seen, last_seen;
	int64_t			 first_id;	/* quarantine id of the alert */
	size_t			 count;		/* messages after the first */
	uint64_t		*rcpt_set;	/* sorted rcpt hashes */
	size_t			 nrcpt_set, rcpt_set_cap;
	int			 rcpt_set_full;
	struct notify_member	 members[NOTIFY_MAX_MEMBERS];
	size_t			 nmembers;
};

struct notify_camps {
	struct notify_camp	**c;
	size_t			  n;
	size_t			  untracked;	/* alerts, table full */
};

enum notify_decision {
	NOTIFY_ALERT_NOW,	/* first of a campaign: alert at once */
	NOTIFY_COUNTED		/* counted into the campaign's digest */
};

/*
 * Add an event at time now (ms).  Call notify_campaign_expire(now) first:
 * a matching campaign whose window is over is not joined.  When the table
 * is full the event is an untracked alert.
 */
enum notify_decision	 notify_campaign_add(struct notify_camps *,
			    const struct notify_ev *, uint64_t now);
/*
 * Close every campaign whose window ended at or before now (all of them
 * when now is UINT64_MAX): cb is called with each that counted messages
 * (the digest to send), then the campaign is freed.
 */
void	notify_campaign_expire(struct notify_camps *, uint64_t now,
	    void (*cb)(void *, const struct notify_camp *), void *arg);
/* Earliest window end, or UINT64_MAX. */
uint64_t	notify_campaign_next(const struct notify_camps *);
void		notify_campaigns_free(struct notify_camps *);

/* ---- rate limit --------------------------------------------------- */

/* Times of the notices sent in the last hour (a ring). */
struct notify_rate {
	uint64_t	*t;
	size_t		 head, n, cap;
	size_t		 suppressed;	/* since the last notice sent */
	uint64_t	 suppressed_total;
};

/*
 * May a notice go out at now under a cap of max an hour?  reserve is the
 * part of the cap this kind of notice may not use (recipient notices
 * leave half for the security contact).  1: allowed and recorded; 0: not
 * allowed, counted as suppressed.
 */
int	notify_rate_allow(struct notify_rate *, uint64_t now, unsigned max,
	    unsigned reserve);
/* Suppressed since the last call, and reset. */
size_t	notify_rate_take_suppressed(struct notify_rate *);
void	notify_rate_free(struct notify_rate *);

/* ---- rendering ---------------------------------------------------- */

enum notify_kind {
	NOTIFY_ALERT,
	NOTIFY_DIGEST,
	NOTIFY_RECIPIENT
};

/* What one notice is about. */
struct notify_rctx {
	enum notify_kind		 kind;
	const struct policy		*pol;
	const struct notify_ev		*ev;	/* alert, recipient */
	const struct notify_camp	*camp;	/* digest */
	const char			*rcpt;	/* recipient notice: To */
	size_t				 suppressed;
	const struct token_key		*key;	/* NULL: no X-Triage-Notice */
	const char			*notice_id;	/* [A-Za-z0-9._-] */
	const char			*host;	/* Message-ID domain */
	time_t				 now;	/* Date: */
};

/* A rendered notice ready for sendmail -t -i. */
struct notify_msg {
	struct notify_msg	*next;		/* pending list */
	char			*id;		/* notice id */
	char			*to;		/* for logs */
	char			*sendmail_path;
	char			*text;		/* headers, LF, body; LF ends */
	size_t			 len, body_off;
	unsigned		 attempts;	/* failed sends so far */
	uint64_t		 due;		/* next resend (ms) */
};

/*
 * Render a notice from dir/templates/<kind>.<ja|en>.txt (or the
 * built-in text when that is missing or broken).  Returns an owned
 * message, never NULL.
 */
struct notify_msg	*notify_render(const struct notify_rctx *);
void			 notify_msg_free(struct notify_msg **);

/*
 * Expand a template (text after its Subject line, or the Subject line
 * itself) into out.  Exposed for tests.
 */
void	notify_expand(const struct notify_rctx *, const char *tpl, size_t len,
	    struct sbuf *out);
/* Append "Subject: " and s, RFC 2047 B-encoded (UTF-8) when not ASCII. */
void	notify_subject_header(struct sbuf *out, const char *s, size_t len);
/*
 * The digest that X-Triage-Notice covers: sha256 hex of the body (the
 * bytes after the blank line ending the header block) with every CR
 * byte removed, so that CRLF (as the milter sees it) and LF (as we write
 * it) give the same digest.  Returns 0 or -1.
 */
int	notify_body_sha256(const void *body, size_t len,
	    char out[HASH_SHA256_HEX]);

/* Placeholder values (notify_fmt.c); each appends to out. */
int	notify_fmt_value(const struct notify_rctx *, const char *name,
	    size_t nlen, struct sbuf *out);	/* 1 known, 0 unknown */
int	notify_fmt_cond(const struct notify_rctx *, const char *name,
	    size_t nlen, int *known_r);		/* section {{#name}} true? */
void	notify_fmt_escaped(struct sbuf *out, const char *s);
void	notify_fmt_defang(struct sbuf *out, const char *url);
void	notify_fmt_subject(struct sbuf *out, const char *raw);
/* "2024-05-01 09:30:00 +0900" (local time) */
void	notify_fmt_time(struct sbuf *out, time_t);
/* Offset of local time from UTC in minutes at t; fills *lt_r. */
long	notify_utc_offset(time_t t, struct tm *lt_r);

/* ---- sending ------------------------------------------------------ */

/* A sender: 0 sent, -1 failed with *error_r (static or thread-local). */
typedef int (*notify_send_fn)(void *arg, const struct notify_msg *,
    const char **error_r);

/*
 * posix_spawn sendmail_path "-t" "-i" with msg->text on its stdin; waits
 * for it (60 s at most, then kills it).  0 if it exited 0, else -1.
 */
int	notify_send_sendmail(void *arg, const struct notify_msg *,
	    const char **error_r);

/* ---- the worker core ---------------------------------------------- */

struct notify_core {
	struct notify_camps	 camps;
	struct notify_rate	 rate;
	struct notify_msg	*pending;	/* waiting for a resend */
	size_t			 npending;
	notify_send_fn		 send;
	void			*send_arg;
	unsigned long		 seq;		/* notice ids */
	uint64_t		 now_hint;	/* now of the current tick */
	char			 host[256];
	/* counters, for tests and the log */
	uint64_t		 sent, failed, dropped, alerts, digests;
	uint64_t		 recipient_notices;
	int			 key_warned;
};

void	notify_core_init(struct notify_core *, notify_send_fn, void *arg);
void	notify_core_free(struct notify_core *);
/* Handle one event (takes ownership): alert or count, recipient notices. */
void	notify_core_event(struct notify_core *, struct notify_ev *,
	    uint64_t now);
/* Close due campaigns (send their digests) and resend due notices. */
void	notify_core_tick(struct notify_core *, uint64_t now);
/* When tick next has work: ms, or UINT64_MAX. */
uint64_t notify_core_next(const struct notify_core *);
/* At stop: close every campaign and try each pending notice once more. */
void	notify_core_flush(struct notify_core *, uint64_t now);
/* Back-off before resend number n (1-based), ms. */
uint64_t notify_backoff_ms(unsigned n);

/* ---- the queue ---------------------------------------------------- */

struct notify_queue {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct notify_ev	*head, *tail;
	size_t			 n, max;
	uint64_t		 dropped;
	int			 stopping;
};

void	notify_queue_init(struct notify_queue *, size_t max);
void	notify_queue_destroy(struct notify_queue *);
/* Append (takes ownership); -1 when full: the event is freed, counted. */
int	notify_queue_push(struct notify_queue *, struct notify_ev *);
/* Take the whole list (caller owns it), NULL if empty. */
struct notify_ev	*notify_queue_take(struct notify_queue *);

/* Test hooks (notify.c): replace the sender used by the thread. */
void	notify_set_sender(notify_send_fn, void *arg);
/* Events dropped because the queue was full, since start-up. */
uint64_t notify_dropped(void);
/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t notify_now_ms(void);

#endif
