/*
 * urlcheck_hdr: the sender checks (From, Reply-To), the subject regexes
 * and the name regexes.
 *
 * Addresses are parsed leniently, as a mail client shows them (RFC 5322
 * section 3.4, without rejecting anything): mailboxes are split at
 * commas outside quotes, comments and angle brackets; a mailbox is
 * "display name <addr>" (the last '<' outside quotes) or a bare address
 * with comments.  The display name is decoded (RFC 2047, also inside
 * quotes as Japanese clients write it) and NFKC-folded, so a full-width
 * "ｉｎｆｏ＠ｅｘａｍｐｌｅ．ｊｐ" reads as the address it shows.
 *
 * Untrusted input: header values (scan.c keeps at most 2 KiB of each).
 * Limits: URLCHECK_HDR_MAX bytes of a value, URLCHECK_MAILBOXES mailboxes
 * of a header, URLCHECK_SHOWN addresses looked for in a display name.
 * Ownership: temporary buffers are freed before returning.  Thread
 * safety: one message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "mem.h"
#include "msgctx.h"
#include "policy.h"
#include "rx.h"
#include "sbuf.h"
#include "uni.h"
#include "urlcheck.h"
#include "urlcheck_int.h"

#define URLCHECK_HDR_MAX	4096
#define URLCHECK_MAILBOXES	16
#define URLCHECK_SHOWN		8

struct hdr_mailbox {
	const char	*name;		/* raw display name, may be empty */
	size_t		 name_len;
	const char	*addr;		/* raw address, may be empty */
	size_t		 addr_len;
};

/* Where one mailbox ends: a comma outside quotes, comments and <>. */
static size_t
hdr_mailbox_end(const char *s, size_t n)
{
	size_t i;
	int q = 0, depth = 0, angle = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && (q || depth))
			i++;
		else if (s[i] == '"' && depth == 0)
			q = !q;
		else if (!q && s[i] == '(')
			depth += depth < 64;
		else if (!q && s[i] == ')' && depth > 0)
			depth--;
		else if (!q && depth == 0 && s[i] == '<')
			angle = 1;
		else if (!q && depth == 0 && s[i] == '>')
			angle = 0;
		else if (!q && depth == 0 && !angle && s[i] == ',')
			return i;
	}
	return n;
}

/* Split one mailbox into display name and address. */
static void
hdr_mailbox(const char *s, size_t n, struct hdr_mailbox *mb)
{
	const char *lt = NULL, *gt;
	size_t i;
	int q = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && q)
			i++;
		else if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == '<')
			lt = s + i;
	}
	mb->name = s;
	mb->name_len = lt != NULL ? (size_t)(lt - s) : 0;
	mb->addr = lt != NULL ? lt + 1 : s;
	mb->addr_len = lt != NULL ? n - (size_t)(lt + 1 - s) : n;
	if (lt != NULL && (gt = memchr(mb->addr, '>', mb->addr_len)) != NULL)
		mb->addr_len = (size_t)(gt - mb->addr);
}

static size_t
hdr_mailboxes(const char *s, size_t n, struct hdr_mailbox *mb)
{
	size_t k = 0, e;

	while (n > 0 && k < URLCHECK_MAILBOXES) {
		e = hdr_mailbox_end(s, n);
		hdr_mailbox(s, e, &mb[k++]);
		if (e == n)
			break;
		s += e + 1;
		n -= e + 1;
	}
	return k;
}

static int
hdr_domain_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
	    c >= 0x80;
}

/* The domain after the last '@' of an address (comments ignored). */
static int
hdr_addr_domain(const char *s, size_t n, struct urlcheck_host *h)
{
	const char *at = NULL, *end = s + n;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	if (at == NULL)
		return 0;
	s = at + 1;
	while (s < end && (*s == ' ' || *s == '\t' || *s == '['))
		s++;
	while (k < URLCHECK_RAWHOST_MAX && s + k < end &&
	    hdr_domain_char((unsigned char)s[k]))
		k++;
	return k > 0 && urlcheck_host_norm(s, k, h) == 0 && h->ip == 0;
}

/* ---- findings ------------------------------------------------------- */

static void
hdr_lookalike(struct msgctx *msg, const char *hdr,
    const struct urlcheck_host *h)
{
	char d[URLCHECK_HOST_MAX * 3 + 8], p[URLCHECK_HOST_MAX * 3 + 8];
	char looks[128];
	const char *why = "", *prot;

	if ((prot = urlcheck_lookalike(msg->pol, h, &why)) != NULL)
		msgctx_finding(msg, "sender.lookalike", NULL, "%s: the domain %s "
		    "imitates the protected domain %s: it %s", hdr,
		    urlcheck_defang(h->ascii, d, sizeof(d)),
		    urlcheck_defang(prot, p, sizeof(p)), why);
	else if (!urlcheck_is_protected(msg->pol, h) &&
	    urlcheck_homograph(h, &why, looks, sizeof(looks)))
		msgctx_finding(msg, "sender.lookalike", NULL, "%s: the domain "
		    "%s (%.200s) %s", hdr, urlcheck_defang(h->ascii, d,
		    sizeof(d)), h->uni, why);
}

/* The domains of the addresses a display name shows. */
static size_t
hdr_shown(const char *s, size_t n, struct urlcheck_host *hs, size_t max)
{
	size_t i, k, found = 0;

	for (i = 0; i < n && found < max; i++) {
		if (s[i] != '@' || i == 0 || s[i - 1] == ' ')
			continue;
		for (k = i + 1; k < n && hdr_domain_char((unsigned char)s[k]);
		    k++)
			;
		while (k > i + 1 && s[k - 1] == '.')
			k--;
		if (k > i + 1 && memchr(s + i + 1, '.', k - i - 1) != NULL &&
		    urlcheck_host_norm(s + i + 1, k - i - 1, &hs[found]) == 0)
			found++;
	}
	return found;
}

static void
hdr_display_spoof(struct msgctx *msg, const struct hdr_mailbox *mb,
    const struct urlcheck_host *real)
{
	struct urlcheck_host *shown;
	char d[URLCHECK_HOST_MAX * 3 + 8], r[URLCHECK_HOST_MAX * 3 + 8];
	struct sbuf dec, nf;
	unsigned fl = 0;
	size_t n, i;

	if (mb->name_len == 0 || (real != NULL &&
	    urlcheck_is_protected(msg->pol, real)))
		return;
	sbuf_init(&dec, URLCHECK_HDR_MAX);
	sbuf_init(&nf, URLCHECK_HDR_MAX * 2);
	shown = mem_reallocarray(NULL, URLCHECK_SHOWN, sizeof(*shown));
	if (decode_rfc2047(mb->name, mb->name_len, NULL, &dec,
	    &fl) == 0 && uni_nfkc(sbuf_str(&dec), dec.len, &nf) != -1) {
		n = hdr_shown(sbuf_str(&nf), nf.len, shown, URLCHECK_SHOWN);
		for (i = 0; i < n; i++) {
			if (!urlcheck_is_protected(msg->pol, &shown[i]))
				continue;
			msgctx_finding(msg, "sender.display_spoof", NULL, "From: "
			    "the display name shows an address at %s but the "
			    "address is at %s", urlcheck_defang(shown[i].ascii,
			    d, sizeof(d)), real != NULL ? urlcheck_defang(
			    real->ascii, r, sizeof(r)) : "(none)");
			break;
		}
	}
	free(shown);
	sbuf_release(&nf);
	sbuf_release(&dec);
}

static void
hdr_sender(struct msgctx *msg, const char *hdr, const char *value, int from)
{
	struct hdr_mailbox mb[URLCHECK_MAILBOXES];
	struct urlcheck_host *h;
	size_t n, i, len;
	int ok;

	if (value == NULL)
		return;
	len = strlen(value);
	if (len > URLCHECK_HDR_MAX)
		len = URLCHECK_HDR_MAX;
	n = hdr_mailboxes(value, len, mb);
	h = mem_alloc(sizeof(*h));
	for (i = 0; i < n; i++) {
		ok = hdr_addr_domain(mb[i].addr, mb[i].addr_len, h);
		if (ok)
			hdr_lookalike(msg, hdr, h);
		if (from)
			hdr_display_spoof(msg, &mb[i], ok ? h : NULL);
	}
	free(h);
}

/* ---- regexes -------------------------------------------------------- */

struct hdr_rx {
	struct msgctx	*msg;
	const char	*rule;
	const char	*where;
	const char	*what;		/* "subject", "name \"x\"" */
};

static void
hdr_rx_hit(void *arg, const struct rx_hit *hit)
{
	struct hdr_rx *x = arg;

	msgctx_finding(x->msg, x->rule, x->where, "%.300s matches regex rule at "
	    "line %zu%s%.200s%s%s", x->what, hit->line, hit->comment[0] ?
	    " (" : "", hit->comment, hit->comment[0] ? ")" : "", hit->limit ?
	    " (match limit reached: counted as a match)" : "");
}

static void
hdr_subject(struct msgctx *msg, const char *subject)
{
	struct hdr_rx x = { msg, "regex.subject", NULL, "the subject" };
	const struct rx_set *rx = msg->pol->regex_rules;
	struct sbuf dec, nf;
	unsigned fl = 0;
	size_t len;

	if (subject == NULL || rx_count(rx, RX_SUBJECT) == 0)
		return;
	len = strlen(subject);
	sbuf_init(&dec, URLCHECK_HDR_MAX * 2);
	sbuf_init(&nf, URLCHECK_HDR_MAX * 4);
	if (decode_rfc2047(subject, len > URLCHECK_HDR_MAX ? URLCHECK_HDR_MAX :
	    len, NULL, &dec, &fl) == 0) {
		rx_match(rx, RX_SUBJECT, sbuf_str(&dec), dec.len, hdr_rx_hit, &x);
		if (uni_nfkc(sbuf_str(&dec), dec.len, &nf) != -1 &&
		    nf.len > 0 &&
		    (nf.len != dec.len || memcmp(nf.data, dec.data, nf.len) != 0))
			rx_match(rx, RX_SUBJECT, sbuf_str(&nf), nf.len,
			    hdr_rx_hit, &x);
	}
	sbuf_release(&nf);
	sbuf_release(&dec);
}

void
urlcheck_headers(struct msgctx *msg, const char *from, const char *reply_to,
    const char *subject)
{
	if (msg == NULL)
		return;
	hdr_sender(msg, "From", from, 1);
	hdr_sender(msg, "Reply-To", reply_to, 0);
	hdr_subject(msg, subject);
}

void
urlcheck_names(struct msgctx *msg, const char *where,
    const char *const *names, size_t nnames)
{
	const struct rx_set *rx;
	struct hdr_rx x = { msg, "regex.name", where, NULL };
	char what[300];
	size_t i;

	if (msg == NULL || names == NULL ||
	    rx_count(rx = msg->pol->regex_rules, RX_NAME) == 0)
		return;
	for (i = 0; i < nnames; i++) {
		if (names[i] == NULL)
			continue;
		snprintf(what, sizeof(what), "the name \"%.250s\"", names[i]);
		x.what = what;
		rx_match(rx, RX_NAME, names[i], strnlen(names[i], 8192),
		    hdr_rx_hit, &x);
	}
}
