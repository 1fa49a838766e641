/*
 * msgctx: what we know about one message while it is judged.
 *
 * Holds the findings, the part reports and the URL reports, all allocated
 * from the message's arena.  Every finding's rule id must be in the rules
 * table (rules.h); score and action come from the policy snapshot the
 * message was started with.  Findings are deduplicated on (rule, where,
 * detail) and capped at MSGCTX_MAX_FINDINGS (then only counted, and the
 * rule still counts for the score).  Not thread-safe: one message, one
 * owner.
 */
#ifndef TRIAGE_MSGCTX_H
#define TRIAGE_MSGCTX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "verdict.h"

#define MSGCTX_MAX_FINDINGS	500
#define MSGCTX_MAX_PARTS	4000
#define MSGCTX_MAX_URLS		2000

struct arena;
struct policy;

struct finding {
	const char		*rule;
	int			 score;
	enum verdict_action	 action;
	const char		*where;		/* "2/invoice.zip/invoice.exe" */
	const char		*detail;	/* UTF-8 from the mail: escape on output */
};

struct part_report {
	const char	*where;
	const char	*name;		/* first name candidate (NFKC), or NULL */
	const char	*declared;	/* declared Content-Type, lowercased */
	const char	*detected;	/* real type, a MIME type */
	uint64_t	 size;		/* decoded bytes */
	char		 sha256[65];	/* hex, or "" */
};

struct url_report {
	const char	*url;		/* as found (decoded), UTF-8 */
	const char	*normalised;	/* or NULL */
	const char	*domain;	/* registrable domain, or NULL */
	const char	*where;
	const char	**rules;	/* rule ids that fired */
	size_t		 nrules;
};

struct msgctx {
	struct arena		*arena;
	const struct policy	*pol;		/* referenced for the message's life */
	char			 id[24];	/* our message id, for logs */

	struct finding		*findings;
	size_t			 nfindings, findings_cap;
	size_t			 findings_dropped;
	unsigned char		*rule_fired;	/* per rules_table() index */

	struct part_report	*parts;
	size_t			 nparts, parts_cap, parts_dropped;
	struct url_report	*urls;
	size_t			 nurls, urls_cap, urls_dropped;

	int			 score;		/* set by verdict_compute() */
	enum verdict_action	 verdict;
	struct timespec		 started;	/* CLOCK_MONOTONIC */
	uint64_t		 expanded_bytes; /* archive expansion, all parts */
};

/* Returns an owned context that holds a reference to pol. */
struct msgctx	*msgctx_new(const struct policy *pol);
void		 msgctx_free(struct msgctx **);

/*
 * Record a finding.  where may be NULL (the message as a whole); detail
 * is printf-formatted.  Aborts if rule is not in the rules table.
 */
void	msgctx_finding(struct msgctx *, const char *rule, const char *where,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Has rule fired at least once? */
int	msgctx_has_rule(const struct msgctx *, const char *rule);
/* Append a zeroed part report (NULL when over MSGCTX_MAX_PARTS). */
struct part_report	*msgctx_add_part(struct msgctx *);
/* Append a zeroed URL report (NULL when over MSGCTX_MAX_URLS). */
struct url_report	*msgctx_add_url(struct msgctx *);
/* Milliseconds since msgctx_new(). */
uint64_t	msgctx_elapsed_ms(const struct msgctx *);
/*
 * Is the policy's max_scan_time used up?  The first time it is, records
 * limit.scan_time at where ("what was not examined" in the detail).  Every
 * module that loops over mail content asks this between steps.
 */
int	msgctx_time_up(struct msgctx *, const char *where, const char *what);

#endif
