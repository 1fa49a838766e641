/*
 * verdict: actions and the scoring that turns findings into one action.
 *
 * The order of enum verdict_action is the order of severity: the final
 * action is the most severe of (the threshold action for the total score,
 * every explicit action of a finding).  Tempfail is most severe because it
 * is what we say when we could not finish judging: nothing is lost.
 *
 * The total score is the sum over the distinct rule ids that fired of each
 * rule's score: a rule counts once per message however often it fires, so
 * that ten scanned images do not add up to a quarantine.
 */
#ifndef TRIAGE_VERDICT_H
#define TRIAGE_VERDICT_H

enum verdict_action {
	VERDICT_ACCEPT = 0,	/* as a rule's action: "none", score only */
	VERDICT_TAG,
	VERDICT_QUARANTINE,
	VERDICT_REJECT,
	VERDICT_TEMPFAIL
};

struct msgctx;

/* Name of an action ("accept", ...); never NULL. */
const char	*verdict_name(enum verdict_action);
/*
 * Parse an action name; "none" parses as VERDICT_ACCEPT.  Returns 0 and
 * sets *r, or -1 for an unknown name.
 */
int		 verdict_parse(const char *, enum verdict_action *r);
/*
 * Compute msg->score and msg->verdict from msg->findings and the policy's
 * thresholds.  Never fails.
 */
void		 verdict_compute(struct msgctx *msg);

#endif
