/*
 * msgctx: findings, part and URL reports of one message (see msgctx.h).
 *
 * Untrusted input: details and where-paths carry text from the mail; they
 * are stored as given (bounded by the arena) and escaped on output.
 * Not thread-safe: one message, one owner.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "log.h"
#include "mem.h"
#include "msgctx.h"
#include "policy.h"
#include "rules.h"

#define MSGCTX_DETAIL_MAX	1024	/* bytes of a finding's detail */

static unsigned long msgctx_counter;

struct msgctx *
msgctx_new(const struct policy *pol)
{
	struct msgctx *m = mem_zalloc(sizeof(*m));
	size_t nrules;

	rules_table(&nrules);
	m->arena = arena_new();
	m->pol = policy_ref(pol);
	m->rule_fired = arena_alloc(m->arena, nrules);
	clock_gettime(CLOCK_MONOTONIC, &m->started);
	/* time, pid and a counter: unique across restarts within a second */
	snprintf(m->id, sizeof(m->id), "%lx%05lx%04lx", (unsigned long)time(NULL),
	    (unsigned long)getpid() & 0xfffff,
	    __atomic_add_fetch(&msgctx_counter, 1, __ATOMIC_RELAXED) & 0xffff);
	return m;
}

void
msgctx_free(struct msgctx **mp)
{
	struct msgctx *m;

	if (mp == NULL || *mp == NULL)
		return;
	m = *mp;
	policy_unref(&m->pol);
	arena_free(&m->arena);
	free(m->findings);
	free(m->parts);
	free(m->urls);
	free(m);
	*mp = NULL;
}

/* Is an identical finding recorded already?  Linear, bounded by the cap. */
static int
msgctx_seen(const struct msgctx *m, const char *rule, const char *where,
    const char *detail)
{
	size_t i;

	for (i = 0; i < m->nfindings; i++) {
		const struct finding *f = &m->findings[i];

		if (strcmp(f->rule, rule) == 0 &&
		    strcmp(f->where ? f->where : "", where ? where : "") == 0 &&
		    strcmp(f->detail, detail) == 0)
			return 1;
	}
	return 0;
}

void
msgctx_finding(struct msgctx *m, const char *rule, const char *where,
    const char *fmt, ...)
{
	char detail[MSGCTX_DETAIL_MAX];
	struct finding *f;
	va_list ap;
	int idx = rules_index(rule);

	if (idx < 0)
		log_fatal("msgctx: rule id \"%s\" is not in the rules table", rule);
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	m->rule_fired[idx] = 1;
	if (msgctx_seen(m, rule, where, detail))
		return;
	if (m->nfindings >= MSGCTX_MAX_FINDINGS) {
		m->findings_dropped++;
		return;
	}
	if (m->nfindings == m->findings_cap) {
		m->findings_cap = m->findings_cap ? m->findings_cap * 2 : 16;
		m->findings = mem_reallocarray(m->findings, m->findings_cap,
		    sizeof(*m->findings));
	}
	f = &m->findings[m->nfindings++];
	f->rule = rules_table(&(size_t){0})[idx].id;
	policy_rule(m->pol, rule, &f->score, &f->action);
	f->where = where != NULL ? arena_strdup(m->arena, where) : NULL;
	f->detail = arena_strdup(m->arena, detail);
}

int
msgctx_has_rule(const struct msgctx *m, const char *rule)
{
	int idx = rules_index(rule);

	return idx >= 0 && m->rule_fired[idx];
}

/* Grow *arr (elements of size) by one, zeroed; NULL past max. */
static void *
msgctx_push(void **arr, size_t *n, size_t *cap, size_t max, size_t size,
    size_t *dropped)
{
	unsigned char *p;

	if (*n >= max) {
		(*dropped)++;
		return NULL;
	}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*arr = mem_reallocarray(*arr, *cap, size);
	}
	p = (unsigned char *)*arr + (*n)++ * size;
	memset(p, 0, size);
	return p;
}

struct part_report *
msgctx_add_part(struct msgctx *m)
{
	return msgctx_push((void **)&m->parts, &m->nparts, &m->parts_cap,
	    MSGCTX_MAX_PARTS, sizeof(*m->parts), &m->parts_dropped);
}

struct url_report *
msgctx_add_url(struct msgctx *m)
{
	return msgctx_push((void **)&m->urls, &m->nurls, &m->urls_cap,
	    MSGCTX_MAX_URLS, sizeof(*m->urls), &m->urls_dropped);
}

uint64_t
msgctx_elapsed_ms(const struct msgctx *m)
{
	struct timespec now;
	int64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)(now.tv_sec - m->started.tv_sec) * 1000 +
	    (now.tv_nsec - m->started.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (uint64_t)ms;
}

int
msgctx_time_up(struct msgctx *m, const char *where, const char *what)
{
	uint64_t ms, max = m->pol->lim.scan_time_ms;

	if (max == 0 || (ms = msgctx_elapsed_ms(m)) <= max)
		return 0;
	if (!msgctx_has_rule(m, "limit.scan_time"))
		msgctx_finding(m, "limit.scan_time", where, "scanning took %llu "
		    "ms, limit %llu ms; the rest of the %s was not examined",
		    (unsigned long long)ms, (unsigned long long)max, what);
	return 1;
}
