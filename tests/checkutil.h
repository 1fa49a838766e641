/*
 * checkutil.h: helpers shared by the Check suites of the content modules
 * (office, pdf, unpack): the policy fixture (a few blocked extensions),
 * loading fixtures from tests/data/<module>/, looking findings and URLs up
 * in a message context and printing them when an assertion is about to
 * fail.  Header-only, for tests; include it once per suite.
 */
#ifndef TRIAGE_CHECKUTIL_H
#define TRIAGE_CHECKUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftype.h"
#include "lists.h"
#include "policy.h"

#include "msgctx.h"
#include "verdict.h"

static struct policy *pol;

static void
checkutil_setup(void)
{
	static const char exts[] = "exe\nscr\nlnk\njs\n";
	struct policy_errors errs = { NULL, 0 };

	pol = policy_default();
	pol->blocked_extensions = lists_parse("blocked-extensions.txt", exts,
	    sizeof(exts) - 1, LISTS_EXTENSIONS, &errs);
	ck_assert_uint_eq(errs.n, 0);
}

static void
checkutil_teardown(void)
{
	const struct policy *p = pol;

	policy_unref(&p);
	ftype_thread_end();
}

static inline unsigned char *
checkutil_load(const char *subdir, const char *file, size_t *len_r)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	unsigned char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/data/%s/%s",
	    top != NULL ? top : "..", subdir, file);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len_r = (size_t)n;
	return buf;
}

static inline const struct finding *
find(const struct msgctx *m, const char *rule, const char *where)
{
	size_t i;

	for (i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i].rule, rule) == 0 && (where == NULL ||
		    (m->findings[i].where != NULL &&
		    strcmp(m->findings[i].where, where) == 0)))
			return &m->findings[i];
	return NULL;
}

static inline void
dump(const struct msgctx *m)
{
	size_t i;

	for (i = 0; i < m->nfindings; i++)
		fprintf(stderr, "  %s @ %s: %s\n", m->findings[i].rule,
		    m->findings[i].where ? m->findings[i].where : "-",
		    m->findings[i].detail);
}

static inline int
has_url(const struct msgctx *m, const char *url)
{
	size_t i;

	for (i = 0; i < m->nurls; i++)
		if (strcmp(m->urls[i].url, url) == 0)
			return 1;
	return 0;
}

static inline const char *
show(const char *where)
{
	return where != NULL ? where : "-";
}

#define ck_has(m, rule, where) do {					\
	if (find((m), (rule), (where)) == NULL)				\
		dump(m);						\
	ck_assert_msg(find((m), (rule), (where)) != NULL,		\
	    "no %s at %s", (rule), show(where));			\
} while (0)
#define ck_hasnt(m, rule) do {						\
	if (find((m), (rule), NULL) != NULL)				\
		dump(m);						\
	ck_assert_msg(find((m), (rule), NULL) == NULL, "%s fired", (rule)); \
} while (0)
#define ck_clean(m) do {						\
	if ((m)->nfindings != 0)					\
		dump(m);						\
	ck_assert_uint_eq((m)->nfindings, 0);				\
	ck_assert_int_eq((m)->verdict, VERDICT_ACCEPT);			\
} while (0)

#endif
