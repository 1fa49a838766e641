/*
 * triagectl stats: what the filter has been doing (triagectl(8)).
 *
 *   triagectl stats [--policy DIR] [--dir QDIR] [--since 1d] [--top N]
 *                   [--json]
 *
 * Two sources: the counters table the milter updates for every message
 * (verdicts, rules, sender domains; per day), and the quarantined
 * messages themselves (status, verdicts, rules, sender domains, and
 * campaigns: two or more messages from one sender domain with the same
 * first attachment SHA-256 or, failing that, the same first link domain).
 *
 * Untrusted input: keys and reports stored from mail; printed through
 * log_escape or the JSON escaper.  Memory: at most CTL_TALLY_MAX keys are
 * counted (more are counted as dropped).  Not thread-safe.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"
#include "policy.h"
#include "quar.h"
#include "report.h"
#include "sbuf.h"
#include "triagectl.h"
#include "triagectl_quar.h"

#define CTL_TALLY_MAX	2000000
#define CTL_KEY_MAX	600

struct ctl_tally_e {
	char		*key;
	uint64_t	 n;
	int64_t		 first, last;
};

struct ctl_tally {
	struct ctl_tally_e	*v;
	size_t			 n, cap;
};

struct ctl_stats {
	struct ctl_tally	 c_verdict, c_rule, c_domain;	/* counters */
	struct ctl_tally	 q_status, q_verdict, q_rule, q_domain;
	struct ctl_tally	 campaign;
	uint64_t		 total, dropped;
	size_t			 top;
	int			 json;
};

static void
ctl_tally_add(struct ctl_stats *s, struct ctl_tally *t, const char *key,
    size_t len, uint64_t n, int64_t when)
{
	struct ctl_tally_e *e;

	if (len > CTL_KEY_MAX)
		len = CTL_KEY_MAX;
	if (t->n >= CTL_TALLY_MAX) {
		s->dropped++;
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = mem_reallocarray(t->v, t->cap, sizeof(*t->v));
	}
	e = &t->v[t->n++];
	e->key = mem_strndup(key, len);
	e->n = n;
	e->first = e->last = when;
}

static int
ctl_by_key(const void *a, const void *b)
{
	return strcmp(((const struct ctl_tally_e *)a)->key,
	    ((const struct ctl_tally_e *)b)->key);
}

static int
ctl_by_count(const void *a, const void *b)
{
	const struct ctl_tally_e *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Merge equal keys (summing), then order by count, most first. */
static void
ctl_tally_finish(struct ctl_tally *t)
{
	size_t i, o = 0;

	if (t->n == 0)
		return;
	qsort(t->v, t->n, sizeof(*t->v), ctl_by_key);
	for (i = 1; i < t->n; i++) {
		struct ctl_tally_e *e = &t->v[o], *x = &t->v[i];

		if (strcmp(e->key, x->key) != 0) {
			t->v[++o] = *x;
			continue;
		}
		e->n += x->n;
		e->first = x->first < e->first ? x->first : e->first;
		e->last = x->last > e->last ? x->last : e->last;
		free(x->key);
	}
	t->n = o + 1;
	qsort(t->v, t->n, sizeof(*t->v), ctl_by_count);
}

static void
ctl_tally_free(struct ctl_tally *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].key);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int
ctl_stats_counter(void *arg, const char *key, uint64_t n)
{
	struct ctl_stats *s = arg;
	static const struct {
		const char	*prefix;
		size_t		 off;
	} kinds[] = {
		{ "verdict:", offsetof(struct ctl_stats, c_verdict) },
		{ "rule:", offsetof(struct ctl_stats, c_rule) },
		{ "sender_domain:", offsetof(struct ctl_stats, c_domain) },
	};
	size_t i, pl;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		pl = strlen(kinds[i].prefix);
		if (strncmp(key, kinds[i].prefix, pl) == 0)
			ctl_tally_add(s, (struct ctl_tally *)(void *)((char *)s +
			    kinds[i].off), key + pl, strlen(key + pl), n, 0);
	}
	return 0;
}

/* Lowercased domain of an address ("<a@x.jp>", "A <a@X.jp>"), or "". */
static void
ctl_domain(const char *addr, char *out, size_t cap)
{
	const char *at = strrchr(addr, '@');
	size_t n = 0;

	if (at != NULL)
		for (at++; *at != '\0' && *at != '>' && *at != ' ' &&
		    n + 1 < cap; at++)
			out[n++] = (char)tolower((unsigned char)*at);
	out[n] = '\0';
}

/* Host of a URL, lowercased: after "://" and any userinfo. */
static void
ctl_url_host(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://"), *end, *at;
	size_t n = 0;

	p = p != NULL ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1;
	for (; p < end && *p != ':' && n + 1 < cap; p++)
		out[n++] = (char)tolower((unsigned char)*p);
	out[n] = '\0';
}

/* "domain\tsha256\tHEX" or "domain\tlink\tHOST" for the campaign tally. */
static void
ctl_campaign(struct ctl_stats *s, const char *dom, const struct quar_row *r)
{
	struct quar_report *rep = NULL;
	const char *err = NULL;
	char key[CTL_KEY_MAX], host[256];
	size_t i;
	int n = 0;

	if (quar_report_parse(r->report, strlen(r->report), &rep, &err) == -1)
		return;
	for (i = 0; n == 0 && i < rep->nparts; i++)
		if (rep->parts[i].name != NULL && rep->parts[i].sha256 != NULL &&
		    *rep->parts[i].sha256 != '\0')
			n = snprintf(key, sizeof(key), "%s\tsha256\t%s", dom,
			    rep->parts[i].sha256);
	for (i = 0; n == 0 && i < rep->nurls; i++) {
		if (rep->urls[i].domain != NULL)
			snprintf(host, sizeof(host), "%s", rep->urls[i].domain);
		else
			ctl_url_host(rep->urls[i].url ? rep->urls[i].url : "",
			    host, sizeof(host));
		if (host[0] != '\0')
			n = snprintf(key, sizeof(key), "%s\tlink\t%s", dom,
			    host);
	}
	if (n > 0)
		ctl_tally_add(s, &s->campaign, key, strlen(key), 1, r->created);
	quar_report_free(&rep);
}

static int
ctl_stats_row(void *arg, const struct quar_row *r)
{
	struct ctl_stats *s = arg;
	char dom[256];
	const char *p, *e;

	s->total++;
	ctl_tally_add(s, &s->q_status, r->status, strlen(r->status), 1, 0);
	ctl_tally_add(s, &s->q_verdict, r->verdict, strlen(r->verdict), 1, 0);
	for (p = r->rules; *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ",");
		if (e > p)
			ctl_tally_add(s, &s->q_rule, p, (size_t)(e - p), 1, 0);
	}
	ctl_domain(r->env_from, dom, sizeof(dom));
	if (dom[0] == '\0')
		ctl_domain(r->hdr_from, dom, sizeof(dom));
	if (dom[0] == '\0')
		snprintf(dom, sizeof(dom), "(none)");
	ctl_tally_add(s, &s->q_domain, dom, strlen(dom), 1, 0);
	ctl_campaign(s, dom, r);
	return 0;
}

/* ---- output ----------------------------------------------------- */

static void
ctl_stats_text_list(struct sbuf *o, const char *title,
    const struct ctl_tally *t, size_t top)
{
	size_t i;

	sbuf_printf(o, "%s\n", title);
	if (t->n == 0)
		sbuf_puts(o, "  (none)\n");
	for (i = 0; i < t->n && i < top; i++) {
		sbuf_printf(o, "  %8llu  ", (unsigned long long)t->v[i].n);
		ctl_q_cell(o, t->v[i].key, 200, 0);
		sbuf_putc(o, '\n');
	}
}

static void
ctl_stats_text_campaigns(struct sbuf *o, const struct ctl_stats *s)
{
	char k[CTL_KEY_MAX + 1], a[32], b[32], *kind, *val;
	size_t i, shown = 0;

	sbuf_puts(o, "Campaigns (2 or more quarantined messages from one "
	    "sender domain\nwith the same attachment or link domain):\n");
	for (i = 0; i < s->campaign.n && shown < s->top; i++) {
		if (s->campaign.v[i].n < 2)
			break;
		snprintf(k, sizeof(k), "%s", s->campaign.v[i].key);
		if ((kind = strchr(k, '\t')) == NULL ||
		    (val = strchr(kind + 1, '\t')) == NULL)
			continue;
		*kind++ = '\0';
		*val++ = '\0';
		sbuf_printf(o, "  %8llu  ",
		    (unsigned long long)s->campaign.v[i].n);
		ctl_q_cell(o, k, 100, 0);
		sbuf_puts(o, strcmp(kind, "link") == 0 ? "  link domain " :
		    "  attachment sha256 ");
		ctl_q_cell(o, val, 200, 0);
		sbuf_printf(o, "\n            %s .. %s\n",
		    ctl_q_time(s->campaign.v[i].first, a),
		    ctl_q_time(s->campaign.v[i].last, b));
		shown++;
	}
	if (shown == 0)
		sbuf_puts(o, "  (none)\n");
}

static void
ctl_stats_text(struct sbuf *o, const struct ctl_stats *s, int64_t since,
    const char *day)
{
	char t[32];

	sbuf_printf(o, "Since %s\n\nAll mail judged by the milter (daily "
	    "counters from %s):\n", ctl_q_time(since, t), day);
	ctl_stats_text_list(o, "By verdict:", &s->c_verdict, 100);
	ctl_stats_text_list(o, "Top rules:", &s->c_rule, s->top);
	ctl_stats_text_list(o, "Top sender domains:", &s->c_domain, s->top);
	sbuf_printf(o, "\nQuarantine: %llu message%s\n",
	    (unsigned long long)s->total, s->total == 1 ? "" : "s");
	ctl_stats_text_list(o, "By status:", &s->q_status, 100);
	ctl_stats_text_list(o, "By verdict:", &s->q_verdict, 100);
	ctl_stats_text_list(o, "Top rules:", &s->q_rule, s->top);
	ctl_stats_text_list(o, "Top sender domains:", &s->q_domain, s->top);
	sbuf_putc(o, '\n');
	ctl_stats_text_campaigns(o, s);
}

/* "name":{"key":n,...} (as_map) or "name":[{"key":..,"n":..},...]. */
static void
ctl_stats_json_list(struct sbuf *o, const char *name,
    const struct ctl_tally *t, size_t top, int as_map)
{
	size_t i;

	sbuf_printf(o, "\"%s\":%c", name, as_map ? '{' : '[');
	for (i = 0; i < t->n && i < top; i++) {
		sbuf_puts(o, i ? "," : "");
		if (!as_map)
			sbuf_puts(o, "{\"key\":");
		report_json_string(o, t->v[i].key, strlen(t->v[i].key));
		sbuf_printf(o, as_map ? ":%llu" : ",\"n\":%llu}",
		    (unsigned long long)t->v[i].n);
	}
	sbuf_putc(o, as_map ? '}' : ']');
}

static void
ctl_stats_json_campaigns(struct sbuf *o, const struct ctl_stats *s)
{
	char k[CTL_KEY_MAX + 1], *kind, *val;
	size_t i, shown = 0;

	sbuf_puts(o, "\"campaigns\":[");
	for (i = 0; i < s->campaign.n && shown < s->top; i++) {
		if (s->campaign.v[i].n < 2)
			break;
		snprintf(k, sizeof(k), "%s", s->campaign.v[i].key);
		if ((kind = strchr(k, '\t')) == NULL ||
		    (val = strchr(kind + 1, '\t')) == NULL)
			continue;
		*kind++ = '\0';
		*val++ = '\0';
		sbuf_puts(o, shown++ ? ",{" : "{");
		ctl_q_jstr(o, "sender_domain", k, 1);
		ctl_q_jstr(o, "kind", kind, 0);
		ctl_q_jstr(o, "value", val, 0);
		sbuf_printf(o, ",\"n\":%llu,\"first\":%lld,\"last\":%lld}",
		    (unsigned long long)s->campaign.v[i].n,
		    (long long)s->campaign.v[i].first,
		    (long long)s->campaign.v[i].last);
	}
	sbuf_putc(o, ']');
}

static void
ctl_stats_json(struct sbuf *o, const struct ctl_stats *s, int64_t since,
    const char *day)
{
	sbuf_printf(o, "{\"since\":%lld,\"since_day\":\"%s\",\"counters\":{",
	    (long long)since, day);
	ctl_stats_json_list(o, "verdicts", &s->c_verdict, 100, 1);
	sbuf_putc(o, ',');
	ctl_stats_json_list(o, "rules", &s->c_rule, s->top, 0);
	sbuf_putc(o, ',');
	ctl_stats_json_list(o, "sender_domains", &s->c_domain, s->top, 0);
	sbuf_printf(o, "},\"quarantine\":{\"total\":%llu,",
	    (unsigned long long)s->total);
	ctl_stats_json_list(o, "status", &s->q_status, 100, 1);
	sbuf_putc(o, ',');
	ctl_stats_json_list(o, "verdicts", &s->q_verdict, 100, 1);
	sbuf_putc(o, ',');
	ctl_stats_json_list(o, "rules", &s->q_rule, s->top, 0);
	sbuf_putc(o, ',');
	ctl_stats_json_list(o, "sender_domains", &s->q_domain, s->top, 0);
	sbuf_puts(o, "},");
	ctl_stats_json_campaigns(o, s);
	sbuf_puts(o, "}\n");
}

/* ---- the command ------------------------------------------------ */

static int
ctl_stats_collect(struct ctl_q *c, struct ctl_stats *s, int64_t since,
    const char *day)
{
	struct quar_filter f;
	const char *err = NULL;

	memset(&f, 0, sizeof(f));
	f.since = since;
	f.with_report = 1;
	if (quar_counters_list(c->q, day, ctl_stats_counter, s, &err) == -1 ||
	    quar_list_filter(c->q, &f, ctl_stats_row, s, &err) == -1)
		return ctl_q_fail(2, "%s", err);
	ctl_tally_finish(&s->c_verdict);
	ctl_tally_finish(&s->c_rule);
	ctl_tally_finish(&s->c_domain);
	ctl_tally_finish(&s->q_status);
	ctl_tally_finish(&s->q_verdict);
	ctl_tally_finish(&s->q_rule);
	ctl_tally_finish(&s->q_domain);
	ctl_tally_finish(&s->campaign);
	return 0;
}

static void
ctl_stats_free(struct ctl_stats *s)
{
	ctl_tally_free(&s->c_verdict);
	ctl_tally_free(&s->c_rule);
	ctl_tally_free(&s->c_domain);
	ctl_tally_free(&s->q_status);
	ctl_tally_free(&s->q_verdict);
	ctl_tally_free(&s->q_rule);
	ctl_tally_free(&s->q_domain);
	ctl_tally_free(&s->campaign);
}

static int
ctl_stats_args(struct ctl_q *c, struct ctl_stats *s, int argc, char **argv,
    int64_t *secs_r)
{
	const char *since = "1d", *top = NULL, *pos[1];
	struct ctl_opt opts[] = { { "--since", &since, NULL },
	    { "--top", &top, NULL }, { "--json", NULL, &s->json } };
	int64_t n = 10;
	size_t np;

	if (ctl_q_args(c, argc, argv, opts, 3, pos, 0, &np) == -1)
		return -1;
	if (quar_parse_duration(since, secs_r) == -1)
		return ctl_q_fail(-1, "--since %s: not a duration (like 1d, "
		    "12h, 90m)", since);
	if (top != NULL && (ctl_q_id(top, &n) == -1 || n > 100000))
		return -1;
	s->top = (size_t)n;
	return 0;
}

int
ctl_stats(int argc, char **argv)
{
	struct ctl_q c;
	struct ctl_stats s;
	struct sbuf out;
	int64_t secs, since;
	time_t t;
	struct tm tm;
	char day[16];
	int r;

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	c.pdir = CTL_DEFAULT_POLICY;
	if (ctl_stats_args(&c, &s, argc, argv, &secs) == -1)
		return 2;
	since = (int64_t)time(NULL) - secs;
	t = (time_t)since;
	localtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	if ((r = ctl_q_open(&c, 0)) == 0 &&
	    (r = ctl_stats_collect(&c, &s, since, day)) == 0) {
		sbuf_init(&out, 0);
		if (s.json)
			ctl_stats_json(&out, &s, since, day);
		else
			ctl_stats_text(&out, &s, since, day);
		ctl_q_flush(&out);
		sbuf_release(&out);
		if (s.dropped)
			ctl_q_fail(0, "warning: %llu keys not counted (over "
			    "%d)", (unsigned long long)s.dropped, CTL_TALLY_MAX);
	}
	ctl_stats_free(&s);
	quar_close(&c.q);
	policy_unref(&c.pol);
	return r;
}
