/*
 * rules: the table of every rule id the scanner can emit.
 *
 * Rule ids are dotted, stable and documented in triage.conf(5).  Each has a
 * default score and a default action; the policy may override both.  A
 * module that emits an id not in this table has a bug: msgctx aborts on it,
 * and tests/check_rules.c checks the table against the man page.
 */
#ifndef TRIAGE_RULES_H
#define TRIAGE_RULES_H

#include <stddef.h>

#include "verdict.h"

struct rule_def {
	const char		*id;
	int			 score;		/* default score */
	enum verdict_action	 action;	/* default explicit action */
	const char		*summary_en;	/* plain words for notices */
	const char		*summary_ja;
};

/* Index of id in the table, or -1. */
int			 rules_index(const char *id);
/* The table and its length; static, never freed. */
const struct rule_def	*rules_table(size_t *n_r);

#endif
