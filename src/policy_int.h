/*
 * policy_int.h: private to the policy module (policy.c, policy_conf.c).
 *
 * A struct policy is always allocated inside a struct policy_box, which
 * also holds what only the loader needs (the list file names).
 */
#ifndef TRIAGE_POLICY_INT_H
#define TRIAGE_POLICY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define POLICY_CONF_MAX		(1024u * 1024)	/* triage.conf bytes */
#define POLICY_NAME_MAX		64	/* longer names are surely unknown */

#define KIB	1024ull
#define MIB	(1024ull * KIB)
#define GIB	(1024ull * MIB)

enum policy_list { PL_EXT, PL_HASH, PL_URLBL, PL_URLAL, PL_PROT, PL_SHORT,
    PL_TLD, PL_INTRA, PL_N };

/* The public struct plus what only the loader needs. */
struct policy_box {
	struct policy	 pol;		/* first: a policy * is a box * */
	char		*path[PL_N];	/* list file names; "" = no list */
	char		*regex_path;	/* regex_rules_file; "" = none */
};

/* Store every setting's default into b (policy_conf.c). */
void		 policy_conf_defaults(struct policy_box *b);

/* Decimal digits at *sp (1..19 of them); advances *sp; 0 or -1. */
int		 policy_parse_digits(const char **sp, uint64_t *r);
/* Whole string as an integer with optional sign; 0 or -1. */
int		 policy_parse_int(const char *s, long long *r);
/* 1 if s[0..n) is valid UTF-8, else 0. */
int		 policy_utf8_ok(const unsigned char *s, size_t n);
/* Admin text made safe for an error message, in out; returns out. */
const char	*policy_quote(const char *s, char *out, size_t outsz);
/* Levenshtein distance of two names, or 3 when it is more than 2. */
int		 policy_distance(const char *a, const char *b);

#endif
