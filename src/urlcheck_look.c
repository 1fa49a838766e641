/*
 * urlcheck_look: lookalikes of the protected domains, homographs and what
 * a link's visible text shows.
 *
 * A host imitates a protected domain P (and is not P or under it) when
 *  - it holds P as a run of its labels: "mhlw.go.jp.evil.example",
 *    "mhlw.go.jp-login.example";
 *  - its name (registrable domain without the public suffix) is P's name
 *    under another suffix: "mhlw.com" for "mhlw.go.jp";
 *  - its name is within a small edit distance of P's name (optimal string
 *    alignment: substitutions, insertions, deletions, transpositions):
 *    1 for names of 4-6 characters, 2 from 7 on, never for shorter names;
 *  - its name has the same UTS 39 confusable skeleton as P's name
 *    ("rnhlw" and "mhlw", Cyrillic "мhlw");
 *  - P's name (4 characters or more) is one of its labels or one of the
 *    '-'-separated words of its name: "mhlw.secure-login.example",
 *    "mhlw-support.example".
 *
 * Untrusted input: hosts and anchor texts from mail.  Limits: names are
 * DNS labels (at most 63 bytes); anchors are looked at up to
 * URLCHECK_ANCHOR_MAX bytes; the protected index holds at most
 * URLCHECK_PROT_MAX domains.  Ownership: the index owns its strings.
 * Thread safety: the index is immutable once built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "lists.h"
#include "mem.h"
#include "policy.h"
#include "sbuf.h"
#include "uni.h"
#include "urlcheck.h"
#include "urlcheck_int.h"
#include "urlx.h"

#define URLCHECK_PROT_MAX	100000
#define URLCHECK_PROT_FILE_MAX	(16u * 1024 * 1024)
#define URLCHECK_ANCHOR_MAX	1024
#define URLCHECK_LABEL_MAX	64

struct urlcheck_prot_ent {
	char	*domain;	/* ASCII (punycode), lowercase */
	char	*reg;		/* registrable domain, or NULL */
	char	*org;		/* reg without its public suffix, or NULL */
	char	*skel;		/* skeleton of the Unicode name, or NULL */
};

struct urlcheck_prot {
	struct urlcheck_prot_ent	*v;
	size_t				 n, cap;
};

/* The name of a registrable domain: its first label (owned), or NULL. */
static char *
look_org(const char *reg)
{
	const char *dot;

	if (reg == NULL || (dot = strchr(reg, '.')) == NULL)
		return NULL;
	return mem_strndup(reg, (size_t)(dot - reg));
}

/* The skeleton of an ASCII (maybe punycode) name (owned), or NULL. */
static char *
look_skeleton(const char *org)
{
	struct sbuf sk;
	char *uni = NULL, *r = NULL;
	const char *s = org;

	if (strncmp(org, "xn--", 4) == 0 &&
	    idn2_to_unicode_8z8z(org, &uni, 0) == IDN2_OK)
		s = uni;
	sbuf_init(&sk, 4 * URLCHECK_UHOST_MAX);
	if (uni_skeleton(s, strlen(s), &sk) == 0)
		r = sbuf_steal(&sk, NULL);
	sbuf_release(&sk);
	idn2_free(uni);
	return r;
}

static void
look_prot_add(struct urlcheck_prot *p, const char *s, size_t n)
{
	struct urlcheck_host h;
	struct urlcheck_prot_ent *e;

	if (n >= 2 && s[0] == '*' && s[1] == '.')
		s += 2, n -= 2;
	else if (n > 0 && s[0] == '.')
		s++, n--;
	if (memchr(s, ' ', n) || memchr(s, '\t', n) || memchr(s, '/', n) ||
	    urlcheck_host_norm(s, n, &h) == -1 || h.ip)
		return;			/* lists_load reported it */
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = mem_reallocarray(p->v, p->cap, sizeof(*p->v));
	}
	e = &p->v[p->n++];
	e->domain = mem_strdup(h.ascii);
	e->reg = h.reg != NULL ? mem_strdup(h.reg) : NULL;
	e->org = look_org(h.reg);
	e->skel = e->org != NULL ? look_skeleton(e->org) : NULL;
}

/* One line: '#' comments at line start or after white space. */
static void
look_prot_line(struct urlcheck_prot *p, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' ||
		    s[i - 1] == '\t'))
			break;
	n = i;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n > 0 && memchr(s, '\0', n) == NULL)
		look_prot_add(p, s, n);
}

struct urlcheck_prot *
urlcheck_prot_parse(const char *buf, size_t len)
{
	struct urlcheck_prot *p = mem_zalloc(sizeof(*p));
	size_t pos = 0, n;
	const char *nl;

	while (pos < len && p->n < URLCHECK_PROT_MAX) {
		nl = memchr(buf + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		look_prot_line(p, buf + pos, n);
		pos += n + 1;
	}
	return p;
}

struct urlcheck_prot *
urlcheck_prot_load(const char *path)
{
	struct policy_errors errs = { NULL, 0 };
	struct urlcheck_prot *p;
	size_t len;
	char *buf;

	/* lists_load() read and reported this file already. */
	buf = lists_read_file(path, URLCHECK_PROT_FILE_MAX, &len, &errs);
	policy_errors_clear(&errs);
	if (buf == NULL)
		return NULL;
	p = urlcheck_prot_parse(buf, len);
	free(buf);
	return p;
}

void
urlcheck_prot_free(struct urlcheck_prot **pp)
{
	struct urlcheck_prot *p;
	size_t i;

	if (pp == NULL || (p = *pp) == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].domain);
		free(p->v[i].reg);
		free(p->v[i].org);
		free(p->v[i].skel);
	}
	free(p->v);
	free(p);
	*pp = NULL;
}

/* ---- distance ------------------------------------------------------- */

static int
look_min3(int a, int b, int c)
{
	int m = a < b ? a : b;

	return m < c ? m : c;
}

int
urlcheck_distance(const char *a, size_t la, const char *b, size_t lb,
    int max)
{
	int r[3][URLCHECK_LABEL_MAX + 1], *pp, *p, *c, best;
	size_t i, j;

	if (la > URLCHECK_LABEL_MAX || lb > URLCHECK_LABEL_MAX ||
	    (la > lb ? la - lb : lb - la) > (size_t)max)
		return max + 1;
	for (j = 0; j <= lb; j++)
		r[0][j] = (int)j;
	for (i = 1; i <= la; i++) {
		c = r[i % 3];
		p = r[(i + 2) % 3];	/* row i - 1 */
		pp = r[(i + 1) % 3];	/* row i - 2 (read only when i > 1) */
		c[0] = (int)i;
		best = c[0];
		for (j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];

			c[j] = look_min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < c[j])
				c[j] = pp[j - 2] + 1;
			if (c[j] < best)
				best = c[j];
		}
		if (best > max)
			return max + 1;
	}
	return r[la % 3][lb] > max ? max + 1 : r[la % 3][lb];
}

/* ---- lookalikes ----------------------------------------------------- */

int
urlcheck_is_protected(const struct policy *pol,
    const struct urlcheck_host *h)
{
	return lists_match_domain(pol->protected_domains, h->ascii) ||
	    (h->idn && lists_match_domain(pol->protected_domains, h->uni));
}

static int
look_boundary(int c)
{
	return c == '.' || c == '-';
}

/* Does host hold dom as a run of labels with more after it? */
static int
look_embedded(const char *host, const char *dom)
{
	size_t n = strlen(dom);
	const char *p = host;

	while ((p = strstr(p, dom)) != NULL) {
		if ((p == host || look_boundary((unsigned char)p[-1])) &&
		    look_boundary((unsigned char)p[n]))
			return 1;
		p++;
	}
	return 0;
}

/* Is word one of the labels of host before its registrable domain, or
 * one of the '-'-separated words of org? */
static int
look_word(const char *host, const char *reg, const char *org,
    const char *word)
{
	size_t n = strlen(word);
	const char *p, *end = reg != NULL ? reg : host + strlen(host);

	for (p = host; p < end; p++)
		if ((p == host || p[-1] == '.') && (size_t)(end - p) > n &&
		    strncmp(p, word, n) == 0 && p[n] == '.')
			return 1;
	for (p = org; p != NULL && *p != '\0'; p++)
		if ((p == org || p[-1] == '-') && strncmp(p, word, n) == 0 &&
		    (p[n] == '-' || (p[n] == '\0' && p != org)))
			return 1;
	return 0;
}

static int
look_maxd(size_t n)
{
	return n <= 3 ? 0 : n <= 6 ? 1 : 2;
}

/* The facts about the host being judged. */
struct look_ctx {
	const struct urlcheck_host	*h;
	const char			*org;	/* name, or NULL */
	const char			*skel;	/* its skeleton, or NULL */
};

static int
look_one(const struct look_ctx *x, const struct urlcheck_prot_ent *e,
    const char **why)
{
	size_t n;
	int d;

	if (look_embedded(x->h->ascii, e->domain))
		return *why = "contains it as a part of its name", 1;
	if (e->org == NULL || (x->h->reg != NULL && e->reg != NULL &&
	    strcmp(x->h->reg, e->reg) == 0))
		return 0;
	n = strlen(e->org);
	if (x->org != NULL && strcmp(x->org, e->org) == 0)
		return *why = "has the same name under another suffix", 1;
	if (x->org != NULL && strncmp(x->org, "xn--", 4) != 0 &&
	    strncmp(e->org, "xn--", 4) != 0 && look_maxd(n) > 0 &&
	    (d = urlcheck_distance(x->org, strlen(x->org), e->org, n,
	    look_maxd(n))) <= look_maxd(n))
		return *why = d == 1 ? "differs by one character" :
		    "differs by two characters", 1;
	if (x->skel != NULL && e->skel != NULL && strcmp(x->skel, e->skel) == 0)
		return *why = "is spelt with confusable characters", 1;
	if (n >= 4 && look_word(x->h->ascii, x->h->reg, x->org, e->org))
		return *why = "uses its name as a word", 1;
	return 0;
}

const char *
urlcheck_lookalike(const struct policy *pol, const struct urlcheck_host *h,
    const char **why_r)
{
	const struct urlcheck_prot *p = pol->protected_index;
	const char *hit = NULL;
	struct look_ctx x;
	char *org;
	size_t i;

	if (p == NULL || p->n == 0 || h->bad || h->ip ||
	    urlcheck_is_protected(pol, h))
		return NULL;
	org = look_org(h->reg);
	x.h = h;
	x.org = org;
	x.skel = org != NULL ? look_skeleton(org) : NULL;
	for (i = 0; i < p->n && hit == NULL; i++)
		if (look_one(&x, &p->v[i], why_r))
			hit = p->v[i].domain;
	free((char *)x.skel);
	free(org);
	return hit;
}

/* ---- homographs ----------------------------------------------------- */

static int
look_ascii_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-'))
			return 0;
	return 1;
}

/* One label with non-ASCII characters. */
static int
look_homograph_label(const char *s, size_t n, const char **why,
    char *looks, size_t cap)
{
	struct sbuf sk;
	unsigned f;
	int hit = 0;

	if (uni_spoof_check(s, n, &f) == 0 && f != 0) {
		*why = (f & UNI_SPOOF_MIXED_SCRIPT) ? "mixes scripts" :
		    (f & UNI_SPOOF_INVISIBLE) ? "has invisible characters" :
		    "mixes digits of several scripts";
		return 1;
	}
	sbuf_init(&sk, 4 * URLCHECK_UHOST_MAX);
	if (uni_skeleton(s, n, &sk) == 0 && look_ascii_name(sbuf_str(&sk))) {
		*why = "is written in letters that look like a Latin name";
		snprintf(looks, cap, "%s", sbuf_str(&sk));
		hit = 1;
	}
	sbuf_release(&sk);
	return hit;
}

int
urlcheck_homograph(const struct urlcheck_host *h, const char **why_r,
    char *looks, size_t lookscap)
{
	const char *s = h->uni, *dot;
	size_t n, i;
	int non;

	looks[0] = '\0';
	if (!h->idn || h->bad || h->ip)
		return 0;
	while (*s != '\0') {
		dot = strchr(s, '.');
		n = dot != NULL ? (size_t)(dot - s) : strlen(s);
		for (non = 0, i = 0; i < n; i++)
			non |= (unsigned char)s[i] >= 0x80;
		if (non && look_homograph_label(s, n, why_r, looks, lookscap))
			return 1;
		s += n + (dot != NULL);
	}
	return 0;
}

/* ---- link text ------------------------------------------------------ */

/* TLDs that are also common file extensions: "data.zip" is a file. */
static int
look_filelike_tld(const char *tld)
{
	static const char *const ext[] = { "zip", "mov", "md", "py", "sh",
	    "pl", "rs", "ps", "cc", "so", "ai", "pm", "rar", "exe" };
	size_t i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strcmp(tld, ext[i]) == 0)
			return 1;
	return 0;
}

/* A bare "name.tld[/...]" shown as text: a known TLD, a letter TLD. */
static int
look_bare_host(const char *s, size_t n, struct urlcheck_host *h)
{
	size_t k = 0, dots = 0, i;
	const char *tld;

	while (k < n && strchr("/?#:", s[k]) == NULL)
		k++;
	for (i = 0; i < k; i++) {
		if (s[i] == '@' || s[i] == '\\')
			return 0;
		dots += s[i] == '.';
	}
	if (dots == 0 || urlcheck_host_norm(s, k, h) == -1 || h->ip)
		return 0;
	tld = strrchr(h->ascii, '.');
	tld = tld != NULL ? tld + 1 : h->ascii;
	if (!urlcheck_tld_known(tld) || (dots == 1 && look_filelike_tld(tld)))
		return 0;
	for (i = 0; tld[i] != '\0'; i++)
		if (!((tld[i] >= 'a' && tld[i] <= 'z') || tld[i] == '-'))
			return 0;
	return 1;
}

/* Strip white space, quotes and brackets around the text. */
static const char *
look_trim(const char *s, size_t *n)
{
	static const char *const cjk[] = { "\xe3\x80\x8c", "\xe3\x80\x8d",
	    "\xe3\x80\x8e", "\xe3\x80\x8f", "\xe3\x80\x90", "\xe3\x80\x91" };
	size_t i;
	int again = 1;

	while (again && *n > 0) {
		again = 0;
		if (s[0] != '\0' && strchr(" \t\r\n<([{\"'", s[0]) != NULL)
			s++, (*n)--, again = 1;
		else if (s[*n - 1] != '\0' &&
		    strchr(" \t\r\n>)]}\"'.,:;!?", s[*n - 1]) != NULL)
			(*n)--, again = 1;
		for (i = 0; !again && i < 6 && *n >= 3; i++) {
			if (memcmp(s, cjk[i], 3) == 0)
				s += 3, *n -= 3, again = 1;
			else if (memcmp(s + *n - 3, cjk[i], 3) == 0)
				*n -= 3, again = 1;
		}
	}
	return s;
}

static int
look_anchor_candidate(const char *s, size_t n, struct urlcheck_host *h)
{
	struct urlcheck_url u;
	size_t pos = 0, a, b, i;

	for (i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
			break;
	if (i < n) {
		if (!urlx_next(s, n, &pos, &a, &b))
			return 0;
		s += a;
		n = b - a;
	}
	urlcheck_parse(s, n, &u);
	if (u.kind == UK_HOST)
		return u.userinfo == NULL && urlcheck_host_norm(u.rawhost,
		    u.rawhost_len, h) == 0;
	if (u.kind == UK_RELATIVE)
		return look_bare_host(s, n, h);
	return 0;
}

int
urlcheck_anchor_host(const char *anchor, size_t len, struct urlcheck_host *h)
{
	struct sbuf nf;
	const char *s;
	size_t n;
	int r = 0;

	if (anchor == NULL || len == 0)
		return 0;
	sbuf_init(&nf, 4 * URLCHECK_ANCHOR_MAX);
	if (uni_nfkc(anchor, len > URLCHECK_ANCHOR_MAX ? URLCHECK_ANCHOR_MAX :
	    len, &nf) != -1) {
		n = nf.len;
		s = look_trim(sbuf_str(&nf), &n);
		r = n > 0 && look_anchor_candidate(s, n, h);
	}
	sbuf_release(&nf);
	return r;
}

/* Is the shorter host the longer one or a parent of it? */
static int
look_parent(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > lb)
		return look_parent(b, a);
	return strcmp(b + (lb - la), a) == 0 && (la == lb ||
	    b[lb - la - 1] == '.');
}

int
urlcheck_same_org(const struct urlcheck_host *a,
    const struct urlcheck_host *b)
{
	char *oa, *ob;
	int same;

	if (a->ip || b->ip || a->reg == NULL || b->reg == NULL)
		return look_parent(a->ascii, b->ascii);
	if (strcmp(a->reg, b->reg) == 0)
		return 1;
	oa = look_org(a->reg);
	ob = look_org(b->reg);
	same = oa != NULL && ob != NULL && strcmp(oa, ob) == 0;
	free(oa);
	free(ob);
	return same;
}
