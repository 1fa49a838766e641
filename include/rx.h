/*
 * rx: the admin's regular expression rules (the only module that
 * includes pcre2.h).
 *
 * File format (regex_rules_file, default regex-rules.txt), one rule a
 * line, '#' comments at the start of a line:
 *
 *	TARGET /REGEX/FLAGS	# optional comment, shown in findings
 *
 * TARGET is url (matched against each normalised URL), name (each file
 * name of a part or archive member, NFKC-folded) or subject (the decoded
 * Subject).  The delimiter is '/'; a '/' inside the regex is written
 * "\/".  FLAGS: i (ignore case), s (dot matches newline), x (extended),
 * m (multi-line).  Patterns are UTF-8 with Unicode properties (PCRE2_UTF,
 * PCRE2_UCP); subjects that are not valid UTF-8 are matched safely
 * (PCRE2_MATCH_INVALID_UTF).  Every error is "file:line: message"; a
 * PCRE2 compile error names the offset in the pattern.
 *
 * What a match scores is the rule id regex.url, regex.name or
 * regex.subject (triage.conf overrides); see triage.conf(5).
 *
 * Limits: RX_MAX_RULES rules, RX_MAX_PATTERN bytes a pattern; each match
 * runs under a match limit and a depth limit (JIT when available).  A
 * match that hits a limit counts as a match (fail closed) with hit->limit
 * set.  Ownership: a set owns its compiled patterns.  Thread safety: a set
 * is immutable once built and may be matched from many threads; match
 * data is per thread.
 */
#ifndef TRIAGE_RX_H
#define TRIAGE_RX_H

#include <stddef.h>

struct policy_errors;
struct rx_set;

#define RX_MAX_RULES	10000
#define RX_MAX_PATTERN	4096
#define RX_MATCH_LIMIT	1000000u	/* backtracking steps per match */
#define RX_DEPTH_LIMIT	10000u

enum rx_target { RX_URL, RX_NAME, RX_SUBJECT, RX_NTARGETS };

struct rx_hit {
	size_t		 line;		/* in the rules file */
	const char	*pattern;	/* as written, without delimiters */
	const char	*comment;	/* "" when none */
	int		 limit;		/* 1: a limit was hit */
};

/* Called for every rule that matches; see rx_match(). */
typedef void	rx_hit_fn(void *arg, const struct rx_hit *);

/*
 * Load and compile a rules file.  Errors go to errs (all of them);
 * returns an owned set (possibly empty), or NULL when the file cannot be
 * read (reported too).
 */
struct rx_set	*rx_load(const char *path, struct policy_errors *errs);
/* The same from memory; name is used in error messages. */
struct rx_set	*rx_parse(const char *name, const char *buf, size_t len,
		    struct policy_errors *errs);
void		 rx_free(struct rx_set **);
/* Rules for a target (a NULL set has none). */
size_t		 rx_count(const struct rx_set *, enum rx_target);
/*
 * Match s[0..len) against every rule of target, calling fn for each that
 * matches, in file order.  Returns the number of matches.
 */
size_t		 rx_match(const struct rx_set *, enum rx_target,
		    const char *s, size_t len, rx_hit_fn *fn, void *arg);

#endif
