/*
 * check_urlcheck: URL normalisation and every link and sender rule, each
 * with positive and negative cases (tables), including Japanese text, IDN
 * domains and the URL limits; the shipped list files.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lists.h"
#include "msgctx.h"
#include "policy.h"
#include "rx.h"
#include "sbuf.h"
#include "urlcheck.h"
#include "../src/urlcheck_int.h"

/* ---- a test policy -------------------------------------------------- */

static const char BLOCK[] = "evil.example\nhttps://storage.example/phish/\n"
    "bad.mhlw.go.jp\n";
static const char ALLOW[] = "pmda.go.jp\nmhlw.go.jp\n";
static const char PROT[] = "# ours\nexample-hospital.jp\nmhlw.go.jp\n"
    "example-lab.co.jp\n";
static const char SHORT[] = "bit.ly\nt.co\n";
static const char TLDS[] = "zip\ntop\nco.tk\n";
static const char INTRA[] = "intra.example-hospital.local\n10.20.30.40\n";
static const char RX[] = "url /\\/wp-admin\\// # WordPress\n"
    "name /\\.iso$/i # disk image\nsubject /請求書/\nsubject /invoice/\n";

static struct strset *
set(const char *text, enum lists_kind k)
{
	struct policy_errors e = { NULL, 0 };
	struct strset *s = lists_parse("t", text, strlen(text), k, &e);

	ck_assert_uint_eq(e.n, 0);
	return s;
}

static struct policy *
test_policy(void)
{
	struct policy *p = policy_default();
	struct policy_errors e = { NULL, 0 };

	p->url_blocklist = set(BLOCK, LISTS_DOMAINS_URLS);
	p->url_allowlist = set(ALLOW, LISTS_DOMAINS_URLS);
	p->protected_domains = set(PROT, LISTS_DOMAINS);
	p->protected_index = urlcheck_prot_parse(PROT, strlen(PROT));
	p->url_shorteners = set(SHORT, LISTS_DOMAINS);
	p->suspicious_tlds = set(TLDS, LISTS_DOMAINS);
	p->intranet_hosts = set(INTRA, LISTS_DOMAINS);
	p->regex_rules = rx_parse("rx", RX, strlen(RX), &e);
	ck_assert_uint_eq(e.n, 0);
	return p;
}

/* ---- host normalisation --------------------------------------------- */

static const struct {
	const char	*raw;
	const char	*ascii;		/* NULL: bad */
	const char	*uni;
	int		 ip, priv, odd;
	const char	*reg;
} hosts[] = {
	{ "Example.COM", "example.com", "example.com", 0, 0, 0, "example.com" },
	{ "www.example.co.jp..", "www.example.co.jp", NULL, 0, 0, 0,
	    "example.co.jp" },
	{ "ex%61mple.com", "example.com", NULL, 0, 0, 0, "example.com" },
	{ "%65vil%2Eexample", "evil.example", NULL, 0, 0, 0, "evil.example" },
	{ "3232235777", "192.168.1.1", NULL, 4, 1, 1, NULL },
	{ "0xC0A80101", "192.168.1.1", NULL, 4, 1, 1, NULL },
	{ "0300.0250.1.1", "192.168.1.1", NULL, 4, 1, 1, NULL },
	{ "192.168.257", "192.168.1.1", NULL, 4, 1, 1, NULL },
	{ "192.0x00A80001", "192.168.0.1", NULL, 4, 1, 1, NULL },
	{ "203.0.113.9", "203.0.113.9", NULL, 4, 0, 0, NULL },
	{ "3405803785", "203.0.113.9", NULL, 4, 0, 1, NULL },
	{ "203.0.113.9.", "203.0.113.9", NULL, 4, 0, 0, NULL },
	{ "127.1", "127.0.0.1", NULL, 4, 1, 1, NULL },
	{ "172.20.0.1", "172.20.0.1", NULL, 4, 1, 0, NULL },
	{ "172.32.0.1", "172.32.0.1", NULL, 4, 0, 0, NULL },
	{ "1.2.3.4.5", NULL, NULL, 0, 0, 0, NULL },
	{ "999.1.1.1", NULL, NULL, 0, 0, 0, NULL },
	{ "4294967296", NULL, NULL, 0, 0, 0, NULL },
	{ "08.1.1.1", NULL, NULL, 0, 0, 0, NULL },
	{ "evil.123", NULL, NULL, 0, 0, 0, NULL },
	{ "[2001:DB8::1]", "[2001:db8::1]", NULL, 6, 0, 0, NULL },
	{ "[::1]", "[::1]", NULL, 6, 1, 0, NULL },
	{ "[fe80::1%25eth0]", "[fe80::1]", NULL, 6, 1, 0, NULL },
	{ "[::ffff:10.0.0.1]", "[::ffff:10.0.0.1]", NULL, 6, 1, 0, NULL },
	{ "[::ffff:203.0.113.9]", "[::ffff:203.0.113.9]", NULL, 6, 0, 0,
	    NULL },
	{ "[not:v6]", NULL, NULL, 0, 0, 0, NULL },
	{ "ドメイン名例.jp", "xn--eckwd4c7cu47r2wf.jp", "ドメイン名例.jp", 0, 0,
	    0, "xn--eckwd4c7cu47r2wf.jp" },
	{ "xn--eckwd4c7cu47r2wf.JP", "xn--eckwd4c7cu47r2wf.jp",
	    "ドメイン名例.jp", 0, 0, 0, NULL },
	{ "%E3%83%89%E3%83%A1%E3%82%A4%E3%83%B3%E5%90%8D%E4%BE%8B.jp",
	    "xn--eckwd4c7cu47r2wf.jp", NULL, 0, 0, 0, NULL },
	{ "ｅｘａｍｐｌｅ．ｃｏｍ", "example.com", "example.com", 0, 0, 0,
	    "example.com" },
	{ "例え。テスト", "xn--r8jz45g.xn--zckzah", "例え.テスト", 0, 0, 0,
	    NULL },
	{ "MÜNCHEN.de", "xn--mnchen-3ya.de", "münchen.de", 0, 0, 0, NULL },
	{ "exa mple.com", NULL, NULL, 0, 0, 0, NULL },
	{ "a<b.com", NULL, NULL, 0, 0, 0, NULL },
	{ "", NULL, NULL, 0, 0, 0, NULL },
	{ "...", NULL, NULL, 0, 0, 0, NULL },
	{ "\xff\xfe.com", NULL, NULL, 0, 0, 0, NULL },
};

START_TEST(host_norm)
{
	struct urlcheck_host h;
	int rc = urlcheck_host_norm(hosts[_i].raw, strlen(hosts[_i].raw), &h);

	if (hosts[_i].ascii == NULL) {
		ck_assert_msg(rc == -1 && h.bad, "%s: not bad", hosts[_i].raw);
		return;
	}
	ck_assert_msg(rc == 0, "%s: bad", hosts[_i].raw);
	ck_assert_str_eq(h.ascii, hosts[_i].ascii);
	if (hosts[_i].uni != NULL)
		ck_assert_str_eq(h.uni, hosts[_i].uni);
	ck_assert_int_eq(h.ip, hosts[_i].ip);
	ck_assert_int_eq(h.ip_private, hosts[_i].priv);
	ck_assert_int_eq(h.ip_odd, hosts[_i].odd);
	if (hosts[_i].reg != NULL)
		ck_assert_str_eq(h.reg, hosts[_i].reg);
	if (hosts[_i].ip)
		ck_assert_ptr_null(h.reg);
}
END_TEST

START_TEST(host_too_long)
{
	struct urlcheck_host h;
	char buf[4000];

	memset(buf, 'a', sizeof(buf));
	ck_assert_int_eq(urlcheck_host_norm(buf, 300, &h), -1);	/* > 253 */
	ck_assert_int_eq(urlcheck_host_norm(buf, 64, &h), 0);	/* label 64 */
	ck_assert_int_eq(urlcheck_host_norm(buf, sizeof(buf), &h), -1);
	memcpy(buf, "a.", 2);
	ck_assert_int_eq(urlcheck_host_norm(buf, 253, &h), 0);
}
END_TEST

/* ---- parsing and the normalised form -------------------------------- */

static const struct {
	const char	*url;
	int		 kind;
	const char	*norm;		/* UK_HOST only */
	const char	*userinfo;
} parses[] = {
	{ "HTTP://Example.COM", UK_HOST, "http://example.com/", NULL },
	{ "http:\\\\evil.example\\path\\a.exe", UK_HOST,
	    "http://evil.example/path/a.exe", NULL },
	{ "http:/\\evil.example/x", UK_HOST, "http://evil.example/x", NULL },
	{ "http:evil.example", UK_HOST, "http://evil.example/", NULL },
	{ "https://user:pw@host.example:8443/p?q=1#frag", UK_HOST,
	    "https://host.example:8443/p?q=1", "user:pw" },
	{ "https://www.mhlw.go.jp@evil.example/", UK_HOST,
	    "https://evil.example/", "www.mhlw.go.jp" },
	{ "http://a@b@evil.example/", UK_HOST, "http://evil.example/", "a@b" },
	{ "https://example.com:443/", UK_HOST, "https://example.com/", NULL },
	{ "http://[2001:db8::1]:8080/x", UK_HOST, "http://[2001:db8::1]:8080/x",
	    NULL },
	{ "//cdn.example/x.js", UK_HOST, "http://cdn.example/x.js", NULL },
	{ "www.example.jp/a?b#c", UK_HOST, "http://www.example.jp/a?b", NULL },
	{ "https://example.com#x?y", UK_HOST, "https://example.com/", NULL },
	{ "smb://fileserver/share", UK_HOST, "smb://fileserver/share", NULL },
	{ "mailto:a@example.com", UK_OPAQUE, NULL, NULL },
	{ "JavaScript:alert(1)", UK_OPAQUE, NULL, NULL },
	{ "data:text/html,hi", UK_OPAQUE, NULL, NULL },
	{ "file:///C:/x.exe", UK_FILE, NULL, NULL },
	{ "\\\\server\\share\\x.exe", UK_FILE, NULL, NULL },
	{ "C:\\temp\\x.exe", UK_FILE, NULL, NULL },
	{ "/relative/path", UK_RELATIVE, NULL, NULL },
	{ "#top", UK_RELATIVE, NULL, NULL },
	{ "page.html", UK_RELATIVE, NULL, NULL },
	{ "", UK_RELATIVE, NULL, NULL },
};

START_TEST(parse_normalise)
{
	struct urlcheck_url u;
	struct urlcheck_host h;
	struct sbuf out;
	const char *s = parses[_i].url;

	urlcheck_parse(s, strlen(s), &u);
	ck_assert_msg((int)u.kind == parses[_i].kind, "%s: kind %d", s, u.kind);
	if (parses[_i].userinfo != NULL) {
		ck_assert_uint_eq(u.userinfo_len, strlen(parses[_i].userinfo));
		ck_assert(memcmp(u.userinfo, parses[_i].userinfo,
		    u.userinfo_len) == 0);
	} else
		ck_assert_ptr_null(u.userinfo);
	if (parses[_i].norm == NULL)
		return;
	ck_assert_int_eq(urlcheck_host_norm(u.rawhost, u.rawhost_len, &h), 0);
	sbuf_init(&out, 4096);
	urlcheck_normalise(&u, &h, &out);
	ck_assert_str_eq(sbuf_str(&out), parses[_i].norm);
	sbuf_release(&out);
}
END_TEST

START_TEST(parse_port)
{
	struct urlcheck_url u;

	urlcheck_parse("https://e.example:99999/", 23, &u);
	ck_assert_int_eq(u.port_bad, 1);
	urlcheck_parse("https://e.example:8x/", 21, &u);
	ck_assert_int_eq(u.port_bad, 1);
	urlcheck_parse("https://e.example:/", 19, &u);
	ck_assert_int_eq(u.port, -1);
	ck_assert_int_eq(u.port_bad, 0);
	urlcheck_parse("https://e.example:08080/", 24, &u);
	ck_assert_int_eq(u.port, 8080);
}
END_TEST

START_TEST(distance)
{
	ck_assert_int_eq(urlcheck_distance("mhlw", 4, "mhlw", 4, 2), 0);
	ck_assert_int_eq(urlcheck_distance("mhlw", 4, "mhiw", 4, 2), 1);
	ck_assert_int_eq(urlcheck_distance("mhlw", 4, "hmlw", 4, 2), 1);
	ck_assert_int_eq(urlcheck_distance("rnhlw", 5, "mhlw", 4, 2), 2);
	ck_assert_int_eq(urlcheck_distance("example", 7, "exmaple", 7, 2), 1);
	ck_assert_int_eq(urlcheck_distance("abc", 3, "xyz", 3, 2), 3);
	ck_assert_int_eq(urlcheck_distance("a", 1, "abcd", 4, 2), 3);
	ck_assert_int_eq(urlcheck_distance("", 0, "ab", 2, 2), 2);
}
END_TEST

/* ---- the rules, through urlcheck_url() ------------------------------ */

#define H	URLCHECK_HREF
#define T	URLCHECK_TEXT
#define S	URLCHECK_SRC

static const struct {
	const char	*url;
	const char	*anchor;
	unsigned	 flags;
	const char	*rules;		/* sorted, comma-separated; "" none */
	const char	*norm;		/* NULL: not checked */
	const char	*domain;	/* NULL: not checked; "-": none */
} cases[] = {
	/* url.blocklisted: domains and subdomains, prefixes, normalised */
	{ "http://login.evil.example/", NULL, T, "url.blocklisted", NULL,
	    "evil.example" },
	{ "HTTP://LOGIN.EVIL.EXAMPLE./a", NULL, T, "url.blocklisted",
	    "http://login.evil.example/a", NULL },
	{ "http://%65vil.example/", NULL, T, "url.blocklisted", NULL, NULL },
	{ "https://storage.example/phish/a.html", NULL, T, "url.blocklisted",
	    NULL, NULL },
	{ "https://STORAGE.example:443/phish/x", NULL, T, "url.blocklisted",
	    NULL, NULL },
	{ "https://storage.example/docs/a.html", NULL, T, "", NULL, NULL },
	{ "http://notevil.example/", NULL, T, "", NULL, NULL },
	{ "http://evil.example.org/", NULL, T, "", NULL, NULL },
	/* the allowlist wins over the blocklist */
	{ "https://bad.mhlw.go.jp/x.exe", NULL, T, "", NULL, "mhlw.go.jp" },
	/* url.ip_literal, url.ip_executable; private addresses are intranet */
	{ "http://203.0.113.9/", NULL, T, "url.ip_literal",
	    "http://203.0.113.9/", "-" },
	{ "http://3405803785/login", NULL, T, "url.ip_literal",
	    "http://203.0.113.9/login", "-" },
	{ "http://0xCB.0.113.9/", NULL, T, "url.ip_literal", NULL, NULL },
	{ "http://[2001:db8::5]/", NULL, T, "url.ip_literal", NULL, NULL },
	{ "http://203.0.113.9/a.exe", NULL, T, "url.executable_target,"
	    "url.ip_executable,url.ip_literal", NULL, NULL },
	{ "http://10.0.0.1/a.exe", NULL, T, "", NULL, NULL },
	{ "http://192.168.257/", NULL, T, "", "http://192.168.1.1/", NULL },
	{ "http://[::1]:8080/", NULL, T, "", NULL, NULL },
	/* intranet list, file: links */
	{ "http://ehr.intra.example-hospital.local:8080/a.exe", NULL, T, "",
	    NULL, NULL },
	{ "http://10.20.30.40/x", NULL, T, "", NULL, NULL },
	{ "file:///C:/setup.exe", NULL, H, "", NULL, NULL },
	{ "\\\\fileserver\\share\\a.exe", NULL, H, "", NULL, NULL },
	/* url.userinfo */
	{ "https://www.mhlw.go.jp@evil.example/", NULL, T,
	    "url.blocklisted,url.userinfo", NULL, "evil.example" },
	{ "https://www.example.co.jp@203.0.113.9/", NULL, T,
	    "url.ip_literal,url.userinfo", NULL, NULL },
	{ "https://example.com/@user", NULL, T, "", NULL, NULL },
	{ "https://example.com/?a=b@c", NULL, T, "", NULL, NULL },
	/* url.nonstandard_port */
	{ "http://example.com:8080/", NULL, T, "url.nonstandard_port",
	    "http://example.com:8080/", NULL },
	{ "https://example.com:99999/", NULL, T, "url.nonstandard_port", NULL,
	    NULL },
	{ "https://example.com:443/", NULL, T, "", "https://example.com/",
	    NULL },
	{ "http://example.com:80/", NULL, T, "", NULL, NULL },
	/* url.data_uri, url.javascript; mailto: and inline images are fine */
	{ "data:text/html;base64,PHNjcmlwdD4=", NULL, H, "url.data_uri", NULL,
	    "-" },
	{ "data:image/svg+xml,<svg onload=x>", NULL, S, "url.data_uri", NULL,
	    NULL },
	{ "javascript:alert(1)", NULL, H, "url.javascript", NULL, NULL },
	{ " JavaScript:void(0)", NULL, H, "url.javascript", NULL, NULL },
	{ "java\tscript:alert(1)", NULL, H, "url.javascript", NULL, NULL },
	{ "mailto:info@example.com", NULL, H, "", NULL, NULL },
	{ "tel:+81-3-1234-5678", NULL, H, "", NULL, NULL },
	/* url.executable_target */
	{ "https://example.com/setup.EXE", NULL, T, "url.executable_target",
	    NULL, "example.com" },
	{ "https://example.com/dl?file=invoice.js", NULL, T,
	    "url.executable_target", NULL, NULL },
	{ "https://example.com/a%2Eexe", NULL, T, "url.executable_target",
	    NULL, NULL },
	{ "https://example.com/invoice.iso.", NULL, T, "url.executable_target",
	    NULL, NULL },
	{ "https://example.com/setup.exe.html", NULL, T, "", NULL, NULL },
	{ "https://example.com/report.pdf", NULL, T, "", NULL, NULL },
	{ "https://www.example.com/", NULL, T, "", NULL, NULL },
	/* url.shortener, url.suspicious_tld */
	{ "https://bit.ly/3xYz", NULL, T, "url.shortener", NULL, "bit.ly" },
	{ "https://T.CO/abc", NULL, T, "url.shortener", NULL, NULL },
	{ "https://notbit.ly/x", NULL, T, "", NULL, NULL },
	{ "https://invoice.zip/", NULL, T, "url.suspicious_tld", NULL, NULL },
	{ "https://login.example.top./x", NULL, T, "url.suspicious_tld", NULL,
	    NULL },
	{ "https://example.com/file.zip", NULL, T, "", NULL, NULL },
	{ "https://zip.example.com/", NULL, T, "", NULL, NULL },
	{ "https://free.co.tk/", NULL, T, "url.suspicious_tld", NULL, NULL },
	{ "https://example.tk/", NULL, T, "", NULL, NULL },
	/* url.homograph (IDN), Japanese IDN is fine */
	{ "http://аррӏе.com/", NULL, T, "url.homograph",
	    "http://xn--80ak6aa92e.com/", "xn--80ak6aa92e.com" },
	{ "http://xn--80ak6aa92e.com/", NULL, T, "url.homograph", NULL, NULL },
	{ "http://pаypal.com/", NULL, T, "url.homograph", NULL, NULL },
	{ "http://ドメイン名例.jp/", NULL, T, "",
	    "http://xn--eckwd4c7cu47r2wf.jp/", NULL },
	{ "http://日本語ドメインexample.jp/", NULL, T, "", NULL, NULL },
	{ "http://münchen.de/", NULL, T, "", NULL, NULL },
	{ "http://пример.рф/", NULL, T, "", NULL, NULL },
	/* url.lookalike */
	{ "https://rnhlw.go.jp/notice", NULL, T, "url.lookalike", NULL, NULL },
	{ "https://mhiw.go.jp/", NULL, T, "url.lookalike", NULL, NULL },
	{ "https://mhlw.go.jp.evil-site.example/", NULL, T, "url.lookalike",
	    NULL, NULL },
	{ "https://mhlw.go.jp-login.example/", NULL, T, "url.lookalike", NULL,
	    NULL },
	{ "https://mhlw.com/", NULL, T, "url.lookalike", NULL, NULL },
	{ "https://example-hospita1.jp/", NULL, T, "url.lookalike", NULL,
	    NULL },
	{ "https://exampel-hospital.jp/", NULL, T, "url.lookalike", NULL,
	    NULL },
	{ "https://example-hospital.jp.login.example/", NULL, T,
	    "url.lookalike", NULL, NULL },
	{ "https://example-lab-support.example/", NULL, T, "url.lookalike",
	    NULL, NULL },
	{ "https://ехаmple-hospital.jp/", NULL, T,
	    "url.homograph,url.lookalike", NULL, NULL },
	{ "https://mail.example-hospital.jp/", NULL, T, "", NULL, NULL },
	{ "https://EXAMPLE-HOSPITAL.JP./", NULL, T, "", NULL, NULL },
	{ "https://hospital.example/", NULL, T, "", NULL, NULL },
	{ "https://mlit.go.jp/", NULL, T, "", NULL, NULL },
	{ "https://example.com/mhlw.go.jp/", NULL, T, "", NULL, NULL },
	/* url.text_mismatch */
	{ "https://phish.example/login", "https://www.mhlw.go.jp/", H,
	    "url.text_mismatch", NULL, NULL },
	{ "https://phish.example/login", "www.mhlw.go.jp", H,
	    "url.text_mismatch", NULL, NULL },
	{ "https://phish.example/login", " mhlw.go.jp ", H,
	    "url.text_mismatch", NULL, NULL },
	{ "https://phish.example/login", "「www.mhlw.go.jp」", H,
	    "url.text_mismatch", NULL, NULL },
	{ "https://phish.example/login", "ｗｗｗ．ｍｈｌｗ．ｇｏ．ｊｐ", H,
	    "url.text_mismatch", NULL, NULL },
	{ "https://phish.example/login", "詳しくは https://www.mhlw.go.jp/ "
	    "をご覧ください", H, "url.text_mismatch", NULL, NULL },
	{ "http://203.0.113.9/", "https://www.example.co.jp/", H,
	    "url.ip_literal,url.text_mismatch", NULL, NULL },
	{ "https://phish.example/", "こちらをクリック", H, "", NULL, NULL },
	{ "https://phish.example/", "https://phish.example/", H, "", NULL,
	    NULL },
	{ "https://www.example.co.jp/", "example.co.jp", H, "", NULL, NULL },
	{ "https://click.example.co.jp/track?id=1", "www.example.co.jp", H, "",
	    NULL, NULL },
	{ "https://links.example.com/c/123", "https://www.example.co.jp/news",
	    H, "", NULL, NULL },
	{ "https://drive.example.com/d/1", "data.zip", H, "", NULL, NULL },
	/* Safe Links rewriting (a partner's forward) is judged by its url= */
	{ "https://apc01.safelinks.protection.outlook.com/?url=https%3A%2F%2F"
	    "www.example.co.jp%2Fnews&data=05%7C01", "https://www.example.co.jp/"
	    "news", H, "", NULL, NULL },
	{ "https://apc01.safelinks.protection.outlook.com/?url=https%3A%2F%2F"
	    "phish.example%2F&data=05", "www.example.co.jp", H,
	    "url.text_mismatch", NULL, NULL },
	{ "https://safelinks.phish.example/?url=https%3A%2F%2Fwww.example.co.jp",
	    "www.example.co.jp", H, "url.text_mismatch", NULL, NULL },
	{ "https://phish.example/", "info@example.com", H, "", NULL, NULL },
	{ "https://phish.example/", "Version 1.2.3", H, "", NULL, NULL },
	{ "https://phish.example/", "readme.txt", H, "", NULL, NULL },
	{ "https://www.pmda.go.jp/", "www.mhlw.go.jp", H, "", NULL, NULL },
	{ "https://phish.example/", "www.mhlw.go.jp", T, "", NULL, NULL },
	/* regex.url */
	{ "https://blog.example/wp-admin/x.php", NULL, T, "regex.url", NULL,
	    NULL },
	{ "https://blog.example/wp-content/x.php", NULL, T, "", NULL, NULL },
};

/* The URL report's rules, sorted, comma-separated, into buf. */
static void
rules_of(const struct url_report *r, char *buf, size_t cap)
{
	const char *v[16];
	size_t i, j, n = r->nrules < 16 ? r->nrules : 16, o = 0;

	for (i = 0; i < n; i++)
		v[i] = r->rules[i];
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			const char *t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? "," : "",
		    v[i]);
}

START_TEST(rules)
{
	const struct policy *pol = test_policy();
	struct msgctx *m = msgctx_new(pol);
	const char *u = cases[_i].url, *a = cases[_i].anchor;
	char got[512];

	urlcheck_url(m, "1", u, strlen(u), a, a ? strlen(a) : 0,
	    cases[_i].flags);
	ck_assert_msg(m->nurls == 1, "%s: %zu reports", u, m->nurls);
	rules_of(&m->urls[0], got, sizeof(got));
	ck_assert_msg(strcmp(got, cases[_i].rules) == 0, "%s [%s]: got \"%s\", "
	    "want \"%s\"", u, a ? a : "", got, cases[_i].rules);
	ck_assert_str_eq(m->urls[0].where, "1");
	if (cases[_i].norm != NULL)
		ck_assert_str_eq(m->urls[0].normalised, cases[_i].norm);
	if (cases[_i].domain != NULL && strcmp(cases[_i].domain, "-") == 0)
		ck_assert_ptr_null(m->urls[0].domain);
	else if (cases[_i].domain != NULL)
		ck_assert_str_eq(m->urls[0].domain, cases[_i].domain);
	/* Every rule of the report is a finding too. */
	for (size_t i = 0; i < m->urls[0].nrules; i++)
		ck_assert(msgctx_has_rule(m, m->urls[0].rules[i]));
	msgctx_free(&m);
	policy_unref(&pol);
}
END_TEST

START_TEST(not_reported)
{
	static const char *const urls[] = { "/relative", "#top", "",
	    "cid:part1@example", "   " };
	const struct policy *pol = test_policy();
	struct msgctx *m = msgctx_new(pol);
	const char *png = "data:image/png;base64,iVBORw0KGgo=";
	size_t i;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		urlcheck_url(m, "1", urls[i], strlen(urls[i]), NULL, 0,
		    URLCHECK_HREF);
	urlcheck_url(m, "1", png, strlen(png), NULL, 0, URLCHECK_SRC);
	ck_assert_uint_eq(m->nurls, 0);
	ck_assert_uint_eq(m->nfindings, 0);
	/* The same image as a link is a data: URI link. */
	urlcheck_url(m, "1", png, strlen(png), NULL, 0, URLCHECK_HREF);
	ck_assert_uint_eq(m->nurls, 1);
	ck_assert(msgctx_has_rule(m, "url.data_uri"));
	msgctx_free(&m);
	policy_unref(&pol);
}
END_TEST

START_TEST(details_defanged)
{
	const struct policy *pol = test_policy();
	struct msgctx *m = msgctx_new(pol);
	const char *u = "https://www.mhlw.go.jp@login.evil.example/";

	urlcheck_url(m, "2", u, strlen(u), NULL, 0, URLCHECK_TEXT);
	ck_assert_uint_ge(m->nfindings, 2);
	for (size_t i = 0; i < m->nfindings; i++) {
		ck_assert_ptr_null(strstr(m->findings[i].detail,
		    "evil.example"));
		ck_assert_ptr_nonnull(strstr(m->findings[i].detail,
		    "evil[.]example"));
		ck_assert_str_eq(m->findings[i].where, "2");
	}
	ck_assert_str_eq(m->urls[0].url, u);
	msgctx_free(&m);
	policy_unref(&pol);
}
END_TEST

/* ---- limits --------------------------------------------------------- */

START_TEST(limit_count)
{
	struct policy *p = test_policy();
	const struct policy *pol = p;
	struct msgctx *m;
	char u[64];
	int i;

	p->max_urls = 10;
	m = msgctx_new(pol);
	for (i = 0; i < 10; i++) {
		snprintf(u, sizeof(u), "https://a%d.example/", i);
		urlcheck_url(m, "1", u, strlen(u), NULL, 0, URLCHECK_TEXT);
	}
	ck_assert(!msgctx_has_rule(m, "limit.url_count"));
	ck_assert_int_eq(urlcheck_full(m), 1);
	urlcheck_url(m, "1", "http://203.0.113.9/", 19, NULL, 0, 0);
	urlcheck_url(m, "1", "http://203.0.113.9/", 19, NULL, 0, 0);
	ck_assert(msgctx_has_rule(m, "limit.url_count"));
	ck_assert(!msgctx_has_rule(m, "url.ip_literal"));
	ck_assert_uint_eq(m->nurls, 10);
	ck_assert_uint_eq(m->urls_dropped, 2);
	ck_assert_uint_eq(m->nfindings, 1);	/* one finding, not two */
	msgctx_free(&m);
	policy_unref(&pol);
}
END_TEST

START_TEST(limit_length)
{
	struct policy *p = test_policy();
	const struct policy *pol = p;
	struct msgctx *m;
	char *u = malloc(200000);
	size_t n;

	p->max_url_length = 256;
	m = msgctx_new(pol);
	n = (size_t)sprintf(u, "http://203.0.113.9/");
	memset(u + n, 'a', 300);
	urlcheck_url(m, "1", u, n + 300, NULL, 0, URLCHECK_TEXT);
	ck_assert(msgctx_has_rule(m, "limit.url_length"));
	ck_assert(msgctx_has_rule(m, "url.ip_literal"));	/* the start */
	ck_assert_uint_le(strlen(m->urls[0].url), 256);
	msgctx_free(&m);
	/* A long inline data: URI is not over the limit. */
	m = msgctx_new(pol);
	n = (size_t)sprintf(u, "data:text/html;base64,");
	memset(u + n, 'A', 199000);
	urlcheck_url(m, "1", u, n + 199000, NULL, 0, URLCHECK_HREF);
	ck_assert(!msgctx_has_rule(m, "limit.url_length"));
	ck_assert(msgctx_has_rule(m, "url.data_uri"));
	ck_assert_uint_lt(strlen(m->urls[0].url), 300);
	msgctx_free(&m);
	free(u);
	policy_unref(&pol);
}
END_TEST

START_TEST(hostile_bytes)
{
	const struct policy *pol = test_policy();
	struct msgctx *m = msgctx_new(pol);
	unsigned char buf[512];
	unsigned x = 12345;
	size_t i, k;

	for (k = 0; k < 300; k++) {
		for (i = 0; i < sizeof(buf); i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (unsigned char)(x >> 16);
		}
		memcpy(buf, k % 2 ? "http://" : "https://[", k % 2 ? 7 : 9);
		urlcheck_url(m, "1", (const char *)buf, sizeof(buf) - (k % 64),
		    (const char *)buf + 100, 200, URLCHECK_HREF);
	}
	ck_assert_uint_le(m->nurls, 300);
	msgctx_free(&m);
	policy_unref(&pol);
}
END_TEST

/* ---- headers and names ---------------------------------------------- */

static const struct {
	const char	*from;
	const char	*reply_to;
	const char	*rule;		/* expected, or NULL for none */
} senders[] = {
	{ "\"info@mhlw.go.jp\" <attacker@phish.example>", NULL,
	    "sender.display_spoof" },
	{ "info@mhlw.go.jp <attacker@phish.example>", NULL,
	    "sender.display_spoof" },
	/* =?UTF-8?B?...?= of "厚生労働省 ｉｎｆｏ＠ｍｈｌｗ．ｇｏ．ｊｐ" */
	{ "=?UTF-8?B?5Y6a55Sf5Yq05YON55yBIO+9ie+9ju+9hu+9j++8oO+9je+9iO+9jO+9l++8ju+9h++9j++8ju+9iu+9kA==?= <x@phish.example>",
	    NULL, "sender.display_spoof" },
	{ "\"=?ISO-2022-JP?B?GyRCOHxAOBsoQg==?= info@example-hospital.jp\"\r\n"
	    "\t<x@phish.example>", NULL, "sender.display_spoof" },
	{ "\"厚生労働省\" <info@mhlw.go.jp>", NULL, NULL },
	{ "\"info@mhlw.go.jp\" <info@mhlw.go.jp>", NULL, NULL },
	{ "\"info@mhlw.go.jp\" <news@mail.mhlw.go.jp>", NULL, NULL },
	{ "\"someone@gmail.example\" <x@phish.example>", NULL, NULL },
	{ "x@phish.example (info@mhlw.go.jp)", NULL, NULL },
	{ "<x@rnhlw.go.jp>", NULL, "sender.lookalike" },
	{ "Admin <admin@example-hospita1.jp>", NULL, "sender.lookalike" },
	{ "a@b.example, \"c\" <c@mhlw.go.jp.phish.example>", NULL,
	    "sender.lookalike" },
	{ "ok@example.org", "help@mhlw.go.jp.phish.example",
	    "sender.lookalike" },
	{ "ok@example.org", "x@xn--80ak6aa92e.com", "sender.lookalike" },
	{ "ok@example.org", "help@mhlw.go.jp", NULL },
	{ "\"a, b\" <c@example-hospital.jp>", NULL, NULL },
	{ "unterminated \"quote <x@rnhlw.go.jp>", NULL, "sender.lookalike" },
	{ "", "", NULL },
	{ "no address at all", NULL, NULL },
};

START_TEST(headers)
{
	const struct policy *pol = test_policy();
	struct msgctx *m = msgctx_new(pol);

	urlcheck_headers(m, senders[_i].from, senders[_i].reply_to, NULL);
	if (senders[_i].rule == NULL)
		ck_assert_msg(m->nfindings == 0, "%s: %s", senders[_i].from,
		    m->nfindings ? m->findings[0].rule : "");
	else
		ck_assert_msg(msgctx_has_rule(m, senders[_i].rule), "%s: no %s",
		    senders[_i].from, senders[_i].rule);
	msgctx_free(&m);
	policy_unref(&pol);
}
END_TEST

START_TEST(subject_and_names)
{
	const struct policy *pol = test_policy();
	struct msgctx *m = msgctx_new(pol);
	const char *names[] = { "readme.txt", "請求書.ISO" };

	/* ISO-2022-JP "【請求書】" */
	urlcheck_headers(m, NULL, NULL,
	    "=?ISO-2022-JP?B?GyRCIVpAQTVhPXEhWxsoQg==?=");
	ck_assert(msgctx_has_rule(m, "regex.subject"));
	msgctx_free(&m);
	m = msgctx_new(pol);
	urlcheck_headers(m, NULL, NULL, "ｉｎｖｏｉｃｅ 0001");	/* NFKC */
	ck_assert(msgctx_has_rule(m, "regex.subject"));
	msgctx_free(&m);
	m = msgctx_new(pol);
	urlcheck_headers(m, NULL, NULL, "会議のご案内");
	urlcheck_names(m, "2", names, 1);
	ck_assert_uint_eq(m->nfindings, 0);
	urlcheck_names(m, "2", names, 2);
	ck_assert(msgctx_has_rule(m, "regex.name"));
	ck_assert_str_eq(m->findings[0].where, "2");
	ck_assert_ptr_nonnull(strstr(m->findings[0].detail, "disk image"));
	msgctx_free(&m);
	policy_unref(&pol);
}
END_TEST

START_TEST(no_lists)
{
	const struct policy *pol = policy_default();
	struct msgctx *m = msgctx_new(pol);
	const char *names[] = { "a.iso" };

	urlcheck_url(m, "1", "https://rnhlw.go.jp/", 20, "www.mhlw.go.jp", 14,
	    URLCHECK_HREF);
	urlcheck_headers(m, "\"info@mhlw.go.jp\" <x@rnhlw.go.jp>", NULL,
	    "請求書");
	urlcheck_names(m, "1", names, 1);
	ck_assert(msgctx_has_rule(m, "url.text_mismatch"));
	ck_assert(!msgctx_has_rule(m, "url.lookalike"));
	ck_assert(!msgctx_has_rule(m, "sender.lookalike"));
	ck_assert(!msgctx_has_rule(m, "regex.name"));
	msgctx_free(&m);
	policy_unref(&pol);
}
END_TEST

/* ---- the shipped policy --------------------------------------------- */

START_TEST(shipped_policy)
{
	struct policy_errors e = { NULL, 0 };
	const char *top = getenv("top_srcdir");
	char dir[4096];
	const struct policy *pol;
	struct msgctx *m;

	snprintf(dir, sizeof(dir), "%s/policy", top != NULL ? top : "..");
	pol = policy_load(dir, &e);
	ck_assert_msg(pol != NULL, "%s", e.n ? e.msgs[0] : "");
	ck_assert_uint_ge(lists_count(pol->url_shorteners), 10);
	ck_assert_uint_ge(lists_count(pol->suspicious_tlds), 10);
	ck_assert_ptr_nonnull(pol->intranet_hosts);
	ck_assert_ptr_nonnull(pol->regex_rules);
	ck_assert_ptr_nonnull(pol->protected_index);
	ck_assert_uint_eq(pol->max_urls, 2000);
	ck_assert_uint_eq(pol->max_url_length, 8192);
	m = msgctx_new(pol);
	urlcheck_url(m, "1", "https://rnhlw.go.jp/", 20, NULL, 0, 0);
	urlcheck_url(m, "1", "https://www.mhlw.go.jp/", 23, NULL, 0, 0);
	urlcheck_url(m, "1", "https://bit.ly/x", 16, NULL, 0, 0);
	ck_assert(msgctx_has_rule(m, "url.lookalike"));
	ck_assert(msgctx_has_rule(m, "url.shortener"));
	ck_assert_uint_eq(m->urls[1].nrules, 0);
	msgctx_free(&m);
	policy_unref(&pol);
}
END_TEST

START_TEST(bad_regex_file)
{
	struct policy_errors e = { NULL, 0 };
	char tmpl[] = "/tmp/check_urlcheck.XXXXXX", path[4200];
	FILE *fp;
	const struct policy *pol;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/triage.conf", tmpl);
	fp = fopen(path, "w");
	fputs("blocked_extensions_file =\nhash_blocklist_file =\n"
	    "url_blocklist_file =\nurl_allowlist_file =\n"
	    "protected_domains_file =\nurl_shorteners_file =\n"
	    "suspicious_tlds_file =\nintranet_hosts_file =\n"
	    "regex_rules_file = rx.txt\nmax_urls = 5000\n", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/rx.txt", tmpl);
	fp = fopen(path, "w");
	fputs("url /ok/\nsubject /(unclosed/\n", fp);
	fclose(fp);
	pol = policy_load(tmpl, &e);
	ck_assert_ptr_null(pol);
	ck_assert_uint_eq(e.n, 2);
	ck_assert_ptr_nonnull(strstr(e.msgs[0], "max_urls"));
	ck_assert_ptr_nonnull(strstr(e.msgs[1], "rx.txt:2: regex error at "
	    "offset"));
	policy_errors_clear(&e);
	unlink(path);
	snprintf(path, sizeof(path), "%s/triage.conf", tmpl);
	unlink(path);
	rmdir(tmpl);
}
END_TEST

static Suite *
urlcheck_suite(void)
{
	Suite *s = suite_create("urlcheck");
	TCase *tc;

	tc = tcase_create("normalise");
	tcase_add_loop_test(tc, host_norm, 0, sizeof(hosts) / sizeof(hosts[0]));
	tcase_add_test(tc, host_too_long);
	tcase_add_loop_test(tc, parse_normalise, 0,
	    sizeof(parses) / sizeof(parses[0]));
	tcase_add_test(tc, parse_port);
	tcase_add_test(tc, distance);
	suite_add_tcase(s, tc);
	tc = tcase_create("rules");
	tcase_add_loop_test(tc, rules, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, not_reported);
	tcase_add_test(tc, details_defanged);
	tcase_add_test(tc, no_lists);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, limit_count);
	tcase_add_test(tc, limit_length);
	tcase_add_test(tc, hostile_bytes);
	suite_add_tcase(s, tc);
	tc = tcase_create("senders");
	tcase_add_loop_test(tc, headers, 0, sizeof(senders) / sizeof(senders[0]));
	tcase_add_test(tc, subject_and_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("policy");
	tcase_add_test(tc, shipped_policy);
	tcase_add_test(tc, bad_regex_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(urlcheck_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
