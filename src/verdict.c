/*
 * verdict: from findings to one action (see verdict.h).
 *
 * Thread-safe (pure functions over a message context).
 */
#include <string.h>

#include "msgctx.h"
#include "policy.h"
#include "rules.h"
#include "verdict.h"

static const char *const verdict_names[] = {
	"accept", "tag", "quarantine", "reject", "tempfail"
};

const char *
verdict_name(enum verdict_action a)
{
	if ((unsigned)a >= sizeof(verdict_names) / sizeof(verdict_names[0]))
		return "tempfail";
	return verdict_names[a];
}

int
verdict_parse(const char *s, enum verdict_action *r)
{
	size_t i;

	if (strcmp(s, "none") == 0) {
		*r = VERDICT_ACCEPT;
		return 0;
	}
	for (i = 0; i < sizeof(verdict_names) / sizeof(verdict_names[0]); i++)
		if (strcmp(s, verdict_names[i]) == 0) {
			*r = (enum verdict_action)i;
			return 0;
		}
	return -1;
}

/* The action the thresholds give a total score. */
static enum verdict_action
verdict_threshold(const struct policy *pol, int score)
{
	if (pol->reject_threshold > 0 && score >= pol->reject_threshold)
		return VERDICT_REJECT;
	if (pol->quarantine_threshold > 0 && score >= pol->quarantine_threshold)
		return VERDICT_QUARANTINE;
	if (pol->tag_threshold > 0 && score >= pol->tag_threshold)
		return VERDICT_TAG;
	return VERDICT_ACCEPT;
}

void
verdict_compute(struct msgctx *msg)
{
	const struct rule_def *tab;
	enum verdict_action act, a;
	size_t n, i;
	long score = 0;
	int s;

	tab = rules_table(&n);
	act = VERDICT_ACCEPT;
	for (i = 0; i < n; i++) {
		if (!msg->rule_fired[i])
			continue;
		if (policy_rule(msg->pol, tab[i].id, &s, &a) == -1)
			continue;
		score += s;
		if (a > act)
			act = a;
	}
	if (score > 1000000)
		score = 1000000;
	if (score < -1000000)
		score = -1000000;
	msg->score = (int)score;
	a = verdict_threshold(msg->pol, msg->score);
	msg->verdict = a > act ? a : act;
}
