/*
 * glue: one SMTP transaction seen through the milter protocol.
 *
 * glue.c holds the logic (connection and message state, streaming into
 * the spool and the scanner, the verdict turned into an answer, the
 * summary log line) and calls the MTA only through struct glue_ops, so it
 * is tested without libmilter through a fake (tests/check_glue.c).
 * glue_smfi.c is the thin libmilter binding, the only file that includes
 * libmilter/mfapi.h; its callbacks only dispatch here.
 *
 * Untrusted input: everything the MTA passes (client names, envelope,
 * headers, body).  Limits: header and body bytes bounded by the spool
 * maximum and the scanner's limits; recipients stored up to
 * GLUE_MAX_RCPTS (all are counted).
 *
 * Threads: libmilter (Debian's build) runs a worker pool; one connection's
 * callbacks never overlap but may run on different threads, so all
 * connection state hangs off the MTA context (getpriv/setpriv).  Daemon
 * state (policy snapshot, quarantine handle, scan semaphore) is shared and
 * guarded.  Scans are bounded by a counting semaphore (libmilter's workers
 * are not).
 */
#ifndef TRIAGE_GLUE_H
#define TRIAGE_GLUE_H

#include <stddef.h>

#define GLUE_MAX_RCPTS	1000

struct policy;

/* Answers, mapped to SMFIS_* by glue_smfi.c. */
enum glue_status {
	GLUE_CONTINUE = 0,
	GLUE_ACCEPT,
	GLUE_REJECT,
	GLUE_DISCARD,
	GLUE_TEMPFAIL,
	GLUE_NOREPLY	/* a step whose answer the MTA does not wait for */
};

/*
 * Steps the MTA agreed not to wait for an answer to (milter protocol 6
 * SMFIP_NR_*).  Every answer but the one at end of message is "continue"
 * anyway, so a round trip per header, body chunk and envelope step is
 * saved for the MTA and for us.  A failure in such a step cannot be
 * answered there: it is remembered and end of message answers tempfail.
 */
#define GLUE_NR_CONNECT	0x01
#define GLUE_NR_HELO	0x02
#define GLUE_NR_MAIL	0x04
#define GLUE_NR_RCPT	0x08
#define GLUE_NR_HDR	0x10
#define GLUE_NR_EOH	0x20
#define GLUE_NR_BODY	0x40

/* Every call into the MTA; ctx is the MTA's opaque context. */
struct glue_ops {
	void		*(*getpriv)(void *ctx);
	int		 (*setpriv)(void *ctx, void *priv);
	const char	*(*getsymval)(void *ctx, const char *name);
	int		 (*addheader)(void *ctx, const char *name, const char *value);
	int		 (*chgheader)(void *ctx, const char *name, int idx,
			    const char *value);
	int		 (*setreply)(void *ctx, const char *rcode,
			    const char *xcode, const char *text);
	int		 (*quarantine)(void *ctx, const char *reason);
};

/*
 * Daemon-wide set-up, before the first connection: ops, the first policy
 * snapshot (glue takes a reference) and at most max_scans concurrent
 * scans.  The quarantine database (the policy's quarantine_dir) is opened
 * for each store, so a quarantine_dir changed by a reload is used at once
 * (a database whose permissions were repaired needs a restart: SQLite
 * keeps what it learnt of the file within the process).
 */
void	glue_init(const struct glue_ops *, const struct policy *,
	    unsigned max_scans);
void	glue_shutdown(void);
/* Install a new policy snapshot for messages that start from now on. */
void	glue_set_policy(const struct policy *);
/* A referenced snapshot of the current policy (policy_unref when done). */
const struct policy *glue_policy(void);
void	glue_set_leadspc(int);

/* Write the counters to quarantine_dir's database (a thread calls this
 * every minute and once at shutdown); 0 or -1 (logged). */
int	glue_counters_flush(const char *quarantine_dir);
/* Hand quarantines and rejects to the notify thread (notify_start). */
void	glue_set_notify(int on);

/*
 * The transaction, one function per milter step.  glue_negotiate, when
 * the MTA negotiates, comes first and names the GLUE_NR_* steps to be
 * answered GLUE_NOREPLY; GLUE_REJECT if the connection cannot be set up.
 */
enum glue_status glue_negotiate(void *ctx, unsigned noreply);
enum glue_status glue_connect(void *ctx, const char *hostname, const char *addr);
enum glue_status glue_helo(void *ctx, const char *helo);
enum glue_status glue_envfrom(void *ctx, const char *sender);
enum glue_status glue_envrcpt(void *ctx, const char *rcpt);
enum glue_status glue_header(void *ctx, const char *name, const char *value);
enum glue_status glue_eoh(void *ctx);
enum glue_status glue_body(void *ctx, const unsigned char *p, size_t len);
enum glue_status glue_eom(void *ctx);
enum glue_status glue_abort(void *ctx);
enum glue_status glue_close(void *ctx);

#endif
