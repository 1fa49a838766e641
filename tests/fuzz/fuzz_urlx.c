/*
 * fuzz_urlx: libFuzzer target for URL extraction and judgement.
 *
 * The input is read three ways under one policy with every link list, a
 * protected-domain index and regex rules: as a text part (urlx_text, in
 * a charset chosen by the first byte), as one link with anchor text
 * (urlcheck_url, split at the first NUL) and as From / Reply-To / Subject
 * (urlcheck_headers, split at newlines).  Invariants: the URL count stays
 * within the policy's limit, every report has a where, its rules are
 * rule ids that fired, and normalised forms hold no white space.  Built
 * as a libFuzzer binary (--enable-fuzzers) and as a replay runner for
 * `make check` (tests/fuzz/replay.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lists.h"
#include "msgctx.h"
#include "policy.h"
#include "rx.h"
#include "urlcheck.h"
#include "urlx.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char FZ_BLOCK[] = "evil.example\nhttps://storage.example/p/\n";
static const char FZ_PROT[] = "example-hospital.jp\nmhlw.go.jp\n"
    "ドメイン名例.jp\n";
static const char FZ_RX[] = "url /\\/wp-admin\\//i\nname /\\.iso$/i\n"
    "subject /請求書|(a+)+$/\n";

static struct strset *
fz_set(const char *text, enum lists_kind k)
{
	return lists_parse("fz", text, strlen(text), k, NULL);
}

static const struct policy *
fz_policy(void)
{
	static struct policy *p;

	if (p != NULL)
		return p;
	p = policy_default();
	p->url_blocklist = fz_set(FZ_BLOCK, LISTS_DOMAINS_URLS);
	p->url_allowlist = fz_set("pmda.go.jp\n", LISTS_DOMAINS_URLS);
	p->protected_domains = fz_set(FZ_PROT, LISTS_DOMAINS);
	p->protected_index = urlcheck_prot_parse(FZ_PROT, strlen(FZ_PROT));
	p->url_shorteners = fz_set("bit.ly\n", LISTS_DOMAINS);
	p->suspicious_tlds = fz_set("zip\ntop\n", LISTS_DOMAINS);
	p->intranet_hosts = fz_set("intra.example\n", LISTS_DOMAINS);
	p->regex_rules = rx_parse("fz", FZ_RX, strlen(FZ_RX), NULL);
	p->max_urls = 50;
	p->max_url_length = 512;
	return p;
}

/* "scheme://...": a normalised form we built (others are kept as is). */
static int
fz_hierarchical(const char *s)
{
	const char *c;

	return s != NULL && (c = strchr(s, ':')) != NULL &&
	    strncmp(c, "://", 3) == 0;
}

static void
fz_check(const struct msgctx *m)
{
	size_t i, j;

	if (m->nurls > m->pol->max_urls)
		abort();
	for (i = 0; i < m->nurls; i++) {
		const struct url_report *u = &m->urls[i];

		if (u->where == NULL || u->url == NULL ||
		    (u->nrules > 0 && u->rules == NULL))
			abort();
		if (fz_hierarchical(u->normalised) &&
		    strpbrk(u->normalised, " \t\r\n") != NULL)
			abort();
		for (j = 0; j < u->nrules; j++)
			if (!msgctx_has_rule(m, u->rules[j]))
				abort();
	}
}

/* s[0..n) as a NUL-terminated copy (owned). */
static char *
fz_str(const uint8_t *s, size_t n)
{
	char *r = malloc(n + 1);

	if (r == NULL)
		abort();
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

static void
fz_headers(struct msgctx *m, const uint8_t *d, size_t n)
{
	char *h[3] = { NULL, NULL, NULL };
	size_t i, start = 0, k = 0;

	for (i = 0; i <= n && k < 3; i++)
		if (i == n || d[i] == '\n') {
			h[k++] = fz_str(d + start, i - start);
			start = i + 1;
		}
	urlcheck_headers(m, h[0], h[1], h[2]);
	if (h[0] != NULL)
		urlcheck_names(m, "1", (const char *const *)h, k);
	for (i = 0; i < 3; i++)
		free(h[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cs[] = { NULL, "utf-8", "ISO-2022-JP",
	    "Shift_JIS", "EUC-JP", "x-bogus" };
	const struct policy *pol = fz_policy();
	struct msgctx *m;
	const uint8_t *nul;
	size_t ul;

	if (size == 0)
		return 0;
	m = msgctx_new(pol);
	urlx_text(m, data[0] & 1 ? "1/a.zip/b.txt" : "1", data + 1, size - 1,
	    cs[data[0] % (sizeof(cs) / sizeof(cs[0]))]);
	nul = memchr(data, '\0', size);
	ul = nul != NULL ? (size_t)(nul - data) : size;
	urlcheck_url(m, "2", (const char *)data, ul, nul != NULL ?
	    (const char *)nul + 1 : NULL, nul != NULL ? size - ul - 1 : 0,
	    URLCHECK_HREF);
	fz_headers(m, data, size);
	fz_check(m);
	msgctx_free(&m);
	return 0;
}
