/*
 * notify: notices to the security contact (and optionally recipients)
 * about quarantined and rejected mail (design.md section 7).
 *
 * The milter calls notify_submit() at end of message; it copies what it
 * needs into a bounded in-memory queue and returns at once, so mail flow
 * never waits on a notice.  A background thread groups events into
 * campaigns (same sender domain plus the same attachment sha256 or the
 * same URL registrable domain, within notify_window): the first event of
 * a campaign is sent at once as an alert, the others are counted and sent
 * as one digest when the window closes ("23 more messages of this
 * campaign to 19 recipients").  notify_max_per_hour caps all notices.
 * Notices are rendered from policy/templates/ (Japanese default, English)
 * and sent by posix_spawn of "sendmail -t -i" (no shell), retried with
 * back-off on failure and logged; they carry an X-Triage-Notice HMAC
 * header (token.h) so that the milter never quarantines them.
 *
 * Untrusted input: everything in an event came from mail; the rendered
 * notice defangs URLs, escapes control and bidi characters and RFC 2047
 * encodes the subject.  Thread-safe: notify_submit may be called from any
 * milter worker.
 */
#ifndef TRIAGE_NOTIFY_H
#define TRIAGE_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct msgctx;
struct policy;

/* One quarantined or rejected message, as the milter saw it. */
struct notify_event {
	int64_t			 quarantine_id;	/* 0 when rejected */
	const char		*msgid;		/* our message id */
	const char		*qid;		/* MTA queue id */
	const char		*client_addr;
	const char		*env_from;
	const char *const	*rcpts;
	size_t			 nrcpts;
	const char		*hdr_from;	/* raw header values, or NULL */
	const char		*subject;
	const struct msgctx	*mc;		/* verdict, score, findings,
						   parts, urls */
};

/*
 * Start the background thread.  The policy snapshot given to each
 * notify_submit decides recipients, language, window and caps.  Returns
 * 0, or -1 with *error_r.
 */
int	notify_start(const char **error_r);
/* Queue one event (copied); never blocks; drops and logs when full. */
void	notify_submit(const struct policy *, const struct notify_event *);
/* Send what is pending (digests of open windows too) and stop. */
void	notify_stop(void);

#endif
