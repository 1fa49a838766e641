/*
 * policy: the admin's policy directory, parsed into an immutable snapshot.
 *
 * Untrusted input: triage.conf in Postfix main.cf syntax (name = value,
 * '#' comments, continuation lines begin with white space) and the list
 * files it names.  Every setting is typed with a default and a checked
 * range; unknown names, bad values and bad list lines are errors reported
 * as "file:line: message", all of them.
 *
 * Rule overrides: a name that is a rule id (rules.h) takes a value
 * "SCORE", "ACTION" or "SCORE ACTION", e.g.  "attachment.executable = 20
 * quarantine".  ACTION is one of none, tag, quarantine, reject, tempfail.
 *
 * A loaded policy is immutable and reference counted: readers take a
 * reference (policy_ref) for the time they use it; reload builds a new one
 * and swaps a pointer; the last unref frees.  Thread-safe for readers.
 */
#ifndef TRIAGE_POLICY_H
#define TRIAGE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "verdict.h"

struct rx_set;
struct strset;
struct urlcheck_prot;

/* Every error message of one load, each "file:line: message". */
struct policy_errors {
	char	**msgs;
	size_t	  n;
};
void	policy_errors_add(struct policy_errors *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	policy_errors_clear(struct policy_errors *);

/* Limits of design.md section 9; each a setting with a checked range. */
struct policy_limits {
	uint64_t	message_size;		/* max_message_size, 64M */
	uint64_t	header_size;		/* max_header_size, 1M */
	uint64_t	part_size;		/* max_part_size, 32M */
	uint64_t	expanded_size;		/* max_expanded_size, 256M */
	unsigned	mime_depth;		/* max_mime_depth, 32 */
	unsigned	mime_parts;		/* max_mime_parts, 2000 */
	unsigned	archive_depth;		/* max_archive_depth, 6 */
	unsigned	archive_entries;	/* max_archive_entries, 10000 */
	unsigned	expansion_ratio;	/* max_expansion_ratio, 200 */
	unsigned	scan_time_ms;		/* max_scan_time, 20s */
	unsigned	name_length;		/* max_name_length, 1024 */
};

struct policy {
	char			*dir;		/* policy directory */
	struct policy_limits	 lim;
	int			 tag_threshold;		/* 0 = never */
	int			 quarantine_threshold;	/* 0 = never */
	int			 reject_threshold;	/* 0 = never */
	enum verdict_action	 internal_error_action;	/* on_internal_error */
	size_t			 nrules;	/* = rules table length */
	int			*rule_score;	/* indexed like rules_table() */
	enum verdict_action	*rule_action;

	struct strset		*blocked_extensions;
	struct strset		*hash_blocklist;
	struct strset		*url_blocklist;
	struct strset		*url_allowlist;
	struct strset		*protected_domains;
	/* Links (urlcheck(7)-style checks; see triage.conf(5)). */
	struct strset		*url_shorteners;	/* LISTS_DOMAINS */
	struct strset		*suspicious_tlds;	/* LISTS_DOMAINS */
	struct strset		*intranet_hosts;	/* LISTS_DOMAINS */
	struct urlcheck_prot	*protected_index;	/* lookalike index */
	struct rx_set		*regex_rules;		/* admin regexes */
	unsigned		 max_urls;		/* per message, 2000 */
	unsigned		 max_url_length;	/* bytes, 8192 */

	/* The daemon (triage-milter(8)); owned strings. */
	char			*milter_socket;
	char			*spool_dir;
	char			*quarantine_dir;
	int			 quarantine_hold;	/* quarantine_mode = hold */
	char			*subject_prefix;	/* UTF-8; "" = none */
	char			*reject_text;		/* printable ASCII */
	unsigned		 max_scans;		/* 0 = 2 x CPUs */
	uint64_t		 part_memory;	/* max_part_memory; 0 = none */

	/* Release and notices; owned strings. */
	char			*sendmail_path;
	char			*release_key_file;
	char			*notify_to;		/* "" = no notices */
	char			*notify_from;
	int			 notify_lang;		/* 0 ja, 1 en */
	unsigned		 notify_window_ms;
	unsigned		 notify_max_per_hour;
	int			 notify_recipients;

	int			 refs;		/* atomic; private to policy.c */
};

/*
 * Load DIR/triage.conf and the list files it names (relative names are
 * taken relative to DIR).  Returns an owned policy with one reference, or
 * NULL with every problem in errs (which should be empty on entry; any
 * error in it fails the load; NULL is allowed).  A missing triage.conf is
 * an error.
 */
struct policy	*policy_load(const char *dir, struct policy_errors *errs);
/* A policy with every default and empty lists (tests, fuzzers). */
struct policy	*policy_default(void);
/*
 * Parse one triage.conf from memory into pol, which must come from
 * policy_default() (tests, fuzzers); name is used in error messages.
 * Returns 0, or -1 when it added any error to errs.
 */
int		 policy_parse_conf(struct policy *pol, const char *name,
		    const char *buf, size_t len, struct policy_errors *errs);

const struct policy	*policy_ref(const struct policy *);
void			 policy_unref(const struct policy **);

/* Score and action of a rule id under this policy; -1 if id is unknown. */
int	policy_rule(const struct policy *, const char *id, int *score_r,
	    enum verdict_action *action_r);

/*
 * Parse helpers shared with other config readers, Postfix style:
 * sizes take an optional k/m/g suffix (1024-based), times s/m/h/d
 * (default unit seconds for times).  Return 0 or -1.
 */
/* The i-th name of triage.conf's settings table (static), NULL past it. */
const char	*policy_setting_name(size_t i);
int	policy_parse_size(const char *, uint64_t *r);
int	policy_parse_time_ms(const char *, uint64_t *r);

#endif
