/*
 * notify_camp: campaign grouping and the hourly cap of notices (see
 * notify_int.h).  Pure functions of their input and an injected clock.
 *
 * A campaign is keyed by the sender domain plus the first attachment's
 * sha256, else the first URL's registrable domain, else a hash of the
 * subject.  Its window opens with its first message (the alert) and
 * closes notify_window later; the messages counted meanwhile become one
 * digest.  Windows are fixed, not sliding: a wave that lasts an hour
 * gives one alert and one digest per window, never one notice per mail.
 *
 * Untrusted input: envelope senders, URLs and subjects from mail, only
 * hashed or copied bounded.  Limits: NOTIFY_MAX_CAMPAIGNS open
 * campaigns, NOTIFY_MAX_MEMBERS listed and NOTIFY_MAX_RCPT_SET distinct
 * recipients counted per campaign.  Not thread-safe: the notify thread
 * (or a test) owns the state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"
#include "notify_int.h"
#include "policy.h"

/* 64-bit FNV-1a, optionally ASCII-lowercased. */
static uint64_t
notify_fnv(const char *s, size_t len, int fold)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (fold && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return h;
}

/* Copy s[0..len) lowercased into out[cap], NUL-terminated. */
static void
notify_lower(const char *s, size_t len, char *out, size_t cap)
{
	size_t i;

	if (len >= cap)
		len = cap - 1;
	for (i = 0; i < len; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ?
		    (char)(s[i] - 'A' + 'a') : s[i];
	out[len] = '\0';
}

void
notify_sender_domain(const char *env_from, char *out, size_t cap)
{
	const char *s = env_from != NULL ? env_from : "", *e, *at;

	while (*s == ' ' || *s == '<')
		s++;
	e = s + strcspn(s, ">");
	while (e > s && e[-1] == ' ')
		e--;
	if (e == s) {
		snprintf(out, cap, "<>");
		return;
	}
	at = NULL;
	for (const char *p = s; p < e; p++)
		if (*p == '@')
			at = p;
	if (at != NULL)
		s = at + 1;
	notify_lower(s, (size_t)(e - s), out, cap);
}

/* The host of url: after "scheme://" and any userinfo, before port/path. */
static void
notify_url_host(const char *url, const char **h_r, size_t *len_r)
{
	const char *s = url, *e, *p;

	if ((p = strstr(s, "://")) != NULL && (size_t)(p - s) < 16)
		s = p + 3;
	e = s + strcspn(s, "/?#\\ ");
	for (p = s; p < e; p++)		/* user@host: the last '@' wins */
		if (*p == '@')
			s = p + 1;
	if (*s == '[') {		/* IPv6 literal */
		p = memchr(s, ']', (size_t)(e - s));
		e = p != NULL ? p + 1 : e;
	} else if ((p = memchr(s, ':', (size_t)(e - s))) != NULL)
		e = p;
	while (e > s && e[-1] == '.')
		e--;
	*h_r = s;
	*len_r = (size_t)(e - s);
}

void
notify_url_domain(const char *url, char *out, size_t cap)
{
	const char *h, *p;
	size_t len, dots = 0;
	int numeric = 1;

	notify_url_host(url != NULL ? url : "", &h, &len);
	for (p = h; p < h + len; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			numeric = 0;
	if (!numeric && len > 0 && h[0] != '[') {
		for (p = h + len; p > h; p--) {
			if (p[-1] == '.' && ++dots == 2) {
				len -= (size_t)(p - h);
				h = p;
				break;
			}
		}
	}
	notify_lower(h, len, out, cap);
}

void
notify_campaign_key(const struct notify_ev *ev, char *key)
{
	char dom[256], what[256];
	size_t i;

	notify_sender_domain(ev->env_from, dom, sizeof(dom));
	what[0] = '\0';
	for (i = 0; i < ev->nparts && what[0] == '\0'; i++)
		if (ev->parts[i].sha256[0] != '\0')
			snprintf(what, sizeof(what), "sha256:%s",
			    ev->parts[i].sha256);
	if (what[0] == '\0' && ev->nurls > 0) {
		char ud[200];

		if (ev->urls[0].domain != NULL && ev->urls[0].domain[0] != '\0')
			notify_lower(ev->urls[0].domain,
			    strlen(ev->urls[0].domain), ud, sizeof(ud));
		else
			notify_url_domain(ev->urls[0].url, ud, sizeof(ud));
		snprintf(what, sizeof(what), "url:%s", ud);
	}
	if (what[0] == '\0')
		snprintf(what, sizeof(what), "subject:%016llx",
		    (unsigned long long)notify_fnv(ev->subject ? ev->subject :
		    "", ev->subject ? strlen(ev->subject) : 0, 0));
	snprintf(key, NOTIFY_KEY_MAX, "%s|%s", dom, what);
}

/* ---- campaigns ---------------------------------------------------- */

/* Hash of one recipient address, case-folded, angle brackets removed. */
static uint64_t
notify_rcpt_hash(const char *r)
{
	size_t len;

	while (*r == '<' || *r == ' ')
		r++;
	len = strcspn(r, ">");
	return notify_fnv(r, len, 1);
}

/* Insert h into the sorted set (binary search), bounded. */
static void
notify_rcpt_add(struct notify_camp *c, uint64_t h)
{
	size_t lo = 0, hi = c->nrcpt_set, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->rcpt_set[mid] == h)
			return;
		if (c->rcpt_set[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (c->nrcpt_set >= NOTIFY_MAX_RCPT_SET) {
		c->rcpt_set_full = 1;
		return;
	}
	if (c->nrcpt_set == c->rcpt_set_cap) {
		c->rcpt_set_cap = c->rcpt_set_cap ? c->rcpt_set_cap * 2 : 32;
		c->rcpt_set = mem_reallocarray(c->rcpt_set, c->rcpt_set_cap,
		    sizeof(*c->rcpt_set));
	}
	memmove(c->rcpt_set + lo + 1, c->rcpt_set + lo,
	    (c->nrcpt_set - lo) * sizeof(*c->rcpt_set));
	c->rcpt_set[lo] = h;
	c->nrcpt_set++;
}

static char *
notify_dup_or_null(const char *s)
{
	return s != NULL ? mem_strdup(s) : NULL;
}

/* Count ev into c: recipients, the member list, the newest policy. */
static void
notify_camp_count(struct notify_camp *c, const struct notify_ev *ev)
{
	struct notify_member *m;
	size_t i;

	c->count++;
	c->last_seen = ev->received;
	for (i = 0; i < ev->nrcpts; i++)
		notify_rcpt_add(c, notify_rcpt_hash(ev->rcpts[i]));
	if (ev->rcpts_dropped > 0)
		c->rcpt_set_full = 1;
	if (ev->pol != c->pol) {
		policy_unref(&c->pol);
		c->pol = policy_ref(ev->pol);
	}
	if (c->nmembers >= NOTIFY_MAX_MEMBERS)
		return;
	m = &c->members[c->nmembers++];
	m->quarantine_id = ev->quarantine_id;
	m->verdict = ev->verdict;
	m->env_from = notify_dup_or_null(ev->env_from);
	m->rcpt = ev->nrcpts > 0 ? mem_strdup(ev->rcpts[0]) : NULL;
	m->nrcpts = ev->nrcpts + ev->rcpts_dropped;
	m->subject = notify_dup_or_null(ev->subject);
	m->qid = notify_dup_or_null(ev->qid);
	m->received = ev->received;
}

static struct notify_camp *
notify_camp_new(const char *key, const struct notify_ev *ev, uint64_t now)
{
	struct notify_camp *c = mem_zalloc(sizeof(*c));
	uint64_t win = ev->pol->notify_window_ms;

	snprintf(c->key, sizeof(c->key), "%s", key);
	c->pol = policy_ref(ev->pol);
	c->start_ms = now;
	c->end_ms = now > UINT64_MAX - win ? UINT64_MAX - 1 : now + win;
	c->first_seen = c->last_seen = ev->received;
	c->first_id = ev->quarantine_id;
	return c;
}

static void
notify_camp_free(struct notify_camp **cp)
{
	struct notify_camp *c = *cp;
	size_t i;

	for (i = 0; i < c->nmembers; i++) {
		free(c->members[i].env_from);
		free(c->members[i].rcpt);
		free(c->members[i].subject);
		free(c->members[i].qid);
	}
	free(c->rcpt_set);
	policy_unref(&c->pol);
	free(c);
	*cp = NULL;
}

enum notify_decision
notify_campaign_add(struct notify_camps *cs, const struct notify_ev *ev,
    uint64_t now)
{
	char key[NOTIFY_KEY_MAX];
	size_t i;

	notify_campaign_key(ev, key);
	for (i = 0; i < cs->n; i++) {
		if (cs->c[i]->end_ms > now && strcmp(cs->c[i]->key, key) == 0) {
			notify_camp_count(cs->c[i], ev);
			return NOTIFY_COUNTED;
		}
	}
	if (cs->n >= NOTIFY_MAX_CAMPAIGNS) {
		if (cs->untracked++ == 0)
			log_msg(LOG_WARNING, "notify: more than %d campaigns "
			    "open; further messages are alerted one by one "
			    "(notify_max_per_hour still applies)",
			    NOTIFY_MAX_CAMPAIGNS);
		return NOTIFY_ALERT_NOW;
	}
	if (cs->c == NULL)
		cs->c = mem_reallocarray(NULL, NOTIFY_MAX_CAMPAIGNS,
		    sizeof(*cs->c));
	cs->c[cs->n++] = notify_camp_new(key, ev, now);
	return NOTIFY_ALERT_NOW;
}

void
notify_campaign_expire(struct notify_camps *cs, uint64_t now,
    void (*cb)(void *, const struct notify_camp *), void *arg)
{
	size_t i, j = 0;

	for (i = 0; i < cs->n; i++) {
		struct notify_camp *c = cs->c[i];

		if (now != UINT64_MAX && c->end_ms > now) {
			cs->c[j++] = c;
			continue;
		}
		if (c->count > 0 && cb != NULL)
			cb(arg, c);
		notify_camp_free(&c);
	}
	cs->n = j;
	if (cs->n == 0)
		cs->untracked = 0;
}

uint64_t
notify_campaign_next(const struct notify_camps *cs)
{
	uint64_t t = UINT64_MAX;
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (cs->c[i]->end_ms < t)
			t = cs->c[i]->end_ms;
	return t;
}

void
notify_campaigns_free(struct notify_camps *cs)
{
	notify_campaign_expire(cs, UINT64_MAX, NULL, NULL);
	free(cs->c);
	cs->c = NULL;
	cs->n = 0;
}

/* ---- rate limit --------------------------------------------------- */

/* Make room for one more time stamp (the ring is kept in order). */
static void
notify_rate_grow(struct notify_rate *r)
{
	size_t cap = r->cap ? r->cap * 2 : 16, i;
	uint64_t *t = mem_reallocarray(NULL, cap, sizeof(*t));

	for (i = 0; i < r->n; i++)
		t[i] = r->t[(r->head + i) % r->cap];
	free(r->t);
	r->t = t;
	r->cap = cap;
	r->head = 0;
}

int
notify_rate_allow(struct notify_rate *r, uint64_t now, unsigned max,
    unsigned reserve)
{
	size_t limit = max > reserve ? max - reserve : 0;

	while (r->n > 0 && r->t[r->head] + NOTIFY_HOUR_MS <= now) {
		r->head = (r->head + 1) % r->cap;
		r->n--;
	}
	if (r->n >= limit) {
		if (r->suppressed++ == 0)
			log_msg(LOG_WARNING, "notify: notify_max_per_hour (%u) "
			    "reached; notices are suppressed and counted",
			    max);
		r->suppressed_total++;
		return 0;
	}
	if (r->n == r->cap)
		notify_rate_grow(r);
	r->t[(r->head + r->n) % r->cap] = now;
	r->n++;
	return 1;
}

size_t
notify_rate_take_suppressed(struct notify_rate *r)
{
	size_t n = r->suppressed;

	r->suppressed = 0;
	return n;
}

void
notify_rate_free(struct notify_rate *r)
{
	free(r->t);
	memset(r, 0, sizeof(*r));
}
