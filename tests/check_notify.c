/*
 * check_notify: notices to the security contact.
 *
 * Rendering of every shipped template in both languages (plain words of
 * findings, defanged URLs, hashes, the exact triagectl commands, RFC 2047
 * subjects, escaping of an RTLO name), template syntax and fallbacks;
 * campaign keys and grouping with an injected clock; the hourly cap; the
 * X-Triage-Notice HMAC over the body digest; the bounded queue and the
 * thread; resends with back-off through the sender hook; and the real
 * posix_spawn path with small shell scripts standing in for sendmail.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "mem.h"
#include "msgctx.h"
#include "notify.h"
#include "../src/notify_int.h"
#include "policy.h"
#include "rules.h"
#include "sbuf.h"
#include "token.h"
#include "verdict.h"

#define RTLO		"\xe2\x80\xae"
#define RTLO_NAME	"invoice" RTLO "fdp.exe"
#define SHA_A	\
    "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4"
#define SHA_B	\
    "1b4f0e9851971998e732078544c96b36c3d01cedf7caa332359d6f1d83567014"
#define SUBJ_B64	"=?UTF-8?B?6KuL5rGC5pu444Gu44GU56K66KqN?="
#define SUBJ_UTF8	"請求書のご確認"

static void	write_script(const char *, const char *);
static char	*slurp(const char *);

static const char *
srcdir(void)
{
	const char *d = getenv("top_srcdir");

	return d != NULL ? d : "..";
}

/* A default policy sending to a contact, templates from the source tree. */
static struct policy *
test_policy(int lang)
{
	struct policy *pol = policy_default();
	char path[4096];

	snprintf(path, sizeof(path), "%s/policy", srcdir());
	free(pol->dir);
	pol->dir = mem_strdup(path);
	free(pol->notify_to);
	pol->notify_to = mem_strdup("security@hospital.example");
	free(pol->notify_from);
	pol->notify_from = mem_strdup("triage@hospital.example");
	pol->notify_lang = lang;
	return pol;
}

static struct msgctx *
test_msgctx(const struct policy *pol, const char *sha)
{
	struct msgctx *m = msgctx_new(pol);
	struct part_report *p;
	struct url_report *u;

	msgctx_finding(m, "attachment.executable", "2", "PE32 executable");
	msgctx_finding(m, "attachment.bidi_control", "2", "name \"%s\"",
	    RTLO_NAME);
	p = msgctx_add_part(m);
	p->where = "2";
	p->name = RTLO_NAME;
	p->declared = "application/pdf";
	p->detected = "application/x-dosexec";
	p->size = 512;
	if (sha != NULL)
		strcpy(p->sha256, sha);
	u = msgctx_add_url(m);
	u->url = "http://evil.example/login.php?id=1";
	u->domain = "evil.example";
	u->where = "1";
	u->rules = mem_alloc(sizeof(char *));	/* freed by the test */
	u->rules[0] = "url.ip_literal";
	u->nrules = 1;
	verdict_compute(m);
	return m;
}

static void
test_msgctx_free(struct msgctx **m)
{
	size_t i;

	for (i = 0; i < (*m)->nurls; i++)
		free((*m)->urls[i].rules);
	msgctx_free(m);
}

static const char *const test_rcpts[] = { "<yamada@hospital.example>",
    "<sato@hospital.example>" };

static void
test_event(struct notify_event *ev, const struct msgctx *mc, int64_t id)
{
	memset(ev, 0, sizeof(*ev));
	ev->quarantine_id = id;
	ev->msgid = "66a1b2c30001";
	ev->qid = "4WxYz1AbC";
	ev->client_addr = "203.0.113.9";
	ev->env_from = "<billing@Supplier.Example>";
	ev->rcpts = test_rcpts;
	ev->nrcpts = 2;
	ev->hdr_from = "=?UTF-8?B?5bGx55SwIOWkqumDjg==?= "
	    "<billing@supplier.example>";
	ev->subject = SUBJ_B64;
	ev->mc = mc;
}

/* Render one notice of kind for a fresh event under pol. */
static struct notify_msg *
render(const struct policy *pol, enum notify_kind kind, int64_t id,
    const struct notify_camp *camp)
{
	struct msgctx *mc = test_msgctx(pol, SHA_A);
	struct notify_event ev;
	struct notify_ev *e;
	struct notify_rctx rc;
	struct notify_msg *m;

	test_event(&ev, mc, id);
	e = notify_ev_copy(pol, &ev);
	test_msgctx_free(&mc);		/* the copy must not need it */
	memset(&rc, 0, sizeof(rc));
	rc.kind = kind;
	rc.pol = pol;
	rc.ev = camp == NULL ? e : NULL;
	rc.camp = camp;
	rc.rcpt = "yamada@hospital.example";
	rc.notice_id = "n1.2.3";
	rc.host = "mx.hospital.example";
	rc.now = 1700000000;
	m = notify_render(&rc);
	notify_ev_free(&e);
	return m;
}

static const char *
body_of(const struct notify_msg *m)
{
	return m->text + m->body_off;
}

/* The Subject header's value, unfolded and RFC 2047 decoded. */
static char *
decoded_subject(const struct notify_msg *m)
{
	const char *s = strstr(m->text, "\nSubject:");
	struct sbuf raw, out;
	unsigned flags = 0;

	ck_assert_ptr_nonnull(s);
	s += 9;
	while (*s == ' ')
		s++;
	sbuf_init(&raw, 0);
	sbuf_init(&out, 0);
	while (*s != '\0' && !(s[0] == '\n' && s[1] != ' ')) {
		if (*s != '\n')
			sbuf_putc(&raw, *s);
		s++;
	}
	ck_assert_int_eq(decode_rfc2047((const char *)raw.data, raw.len,
	    NULL, &out, &flags), 0);
	sbuf_release(&raw);
	return sbuf_steal(&out, NULL);
}

/* Headers and body obey RFC 5322 line limits and carry no raw RTLO. */
static void
check_shape(const struct notify_msg *m)
{
	const char *p = m->text, *nl;

	ck_assert_uint_eq(strlen(m->text), m->len);
	ck_assert_ptr_nonnull(strstr(m->text,
	    "From: triage@hospital.example\n"));
	ck_assert_ptr_nonnull(strstr(m->text, "\nDate: "));
	ck_assert_ptr_nonnull(strstr(m->text,
	    "\nMessage-ID: <n1.2.3@mx.hospital.example>\n"));
	ck_assert_ptr_nonnull(strstr(m->text, "\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "Auto-Submitted: auto-generated\n"));
	ck_assert(m->body_off > 2 && m->text[m->body_off - 1] == '\n' &&
	    m->text[m->body_off - 2] == '\n');
	ck_assert(m->text[m->len - 1] == '\n');
	ck_assert_ptr_null(strstr(m->text, RTLO));
	ck_assert_ptr_null(strchr(m->text, '\r'));
	ck_assert_ptr_null(strstr(body_of(m), "{{"));
	for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		ck_assert_uint_lt((size_t)(nl - p), 998);
	/* header lines: every encoded word under 76 characters */
	for (p = m->text; p < m->text + m->body_off;) {
		nl = strchr(p, '\n');
		if (strncmp(p, "Subject:", 8) == 0 || p[0] == ' ')
			ck_assert_uint_le((size_t)(nl - p), 76);
		p = nl + 1;
	}
}

static void
check_has(const char *s, const char *want)
{
	ck_assert_msg(strstr(s, want) != NULL, "missing \"%s\" in:\n%s", want,
	    s);
}

/* ---- rendering ---------------------------------------------------- */

START_TEST(test_alert_ja)
{
	struct policy *pol = test_policy(0);
	const struct policy *cp = pol;
	struct notify_msg *m = render(pol, NOTIFY_ALERT, 42, NULL);
	const char *b = body_of(m);
	const struct rule_def *rt = rules_table(&(size_t){0});
	char *subj = decoded_subject(m);

	check_shape(m);
	check_has(m->text, "\nTo: security@hospital.example\n");
	check_has(m->text, "\nSubject: =?UTF-8?B?");
	check_has(subj, "[triage-milter] 隔離: ");
	check_has(subj, rt[rules_index("attachment.executable")].summary_ja);
	check_has(subj, "(supplier.example)");
	check_has(b, rt[rules_index("attachment.executable")].summary_ja);
	check_has(b, rt[rules_index("attachment.bidi_control")].summary_ja);
	check_has(b, "hxxp://evil[.]example/login.php?id=1");
	ck_assert_ptr_null(strstr(b, "http://evil.example"));
	check_has(b, "sha256 " SHA_A);
	check_has(b, "invoice\\u{202E}fdp.exe");
	check_has(b, "triagectl quarantine show 42\n");
	check_has(b, "triagectl quarantine release 42 --reason \"...\"\n");
	check_has(b, "件名:               " SUBJ_UTF8 "\n");
	check_has(b, "山田 太郎 <billing@supplier.example>");
	check_has(b, "203.0.113.9");
	check_has(b, "4WxYz1AbC");
	check_has(b, "<yamada@hospital.example>, <sato@hospital.example>");
	check_has(b, "隔離ID: 42\n");
	ck_assert_ptr_null(strstr(b, "受信拒否しました"));
	ck_assert_ptr_null(strstr(b, "##"));
	free(subj);
	notify_msg_free(&m);
	policy_unref(&cp);
}
END_TEST

START_TEST(test_alert_en)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct notify_msg *m = render(pol, NOTIFY_ALERT, 7, NULL);
	const char *b = body_of(m);
	char *subj = decoded_subject(m);

	check_shape(m);
	/* plain ASCII subject stays plain (folded at a space) */
	check_has(m->text, "\nSubject: [triage-milter] Quarantined: an "
	    "attachment is an executable program\n (supplier.example)\n");
	ck_assert_str_eq(subj, "[triage-milter] Quarantined: an attachment "
	    "is an executable program (supplier.example)");
	check_has(b, "- an attachment is an executable program\n"
	    "  attachment.executable, score 20, quarantine, at 2: PE32 "
	    "executable");
	check_has(b, "a file name contains bidirectional control characters");
	check_has(b, "- hxxp://evil[.]example/login.php?id=1  "
	    "[url.ip_literal]");
	check_has(b, "- part 2: invoice\\u{202E}fdp.exe\n"
	    "  type application/x-dosexec (declared application/pdf), 512 "
	    "bytes\n  sha256 " SHA_A);
	check_has(b, "    triagectl quarantine show 7\n");
	check_has(b, "    triagectl quarantine release 7 --reason \"...\"\n");
	check_has(b, "subject:          " SUBJ_UTF8 "\n");
	check_has(b, "envelope sender:  <billing@Supplier.Example>\n");
	check_has(b, "within 10 minutes");
	ck_assert_ptr_null(strstr(b, "refused"));
	free(subj);
	notify_msg_free(&m);
	policy_unref(&cp);
}
END_TEST

START_TEST(test_alert_reject)
{
	int lang;

	for (lang = 0; lang <= 1; lang++) {
		struct policy *pol = test_policy(lang);
		const struct policy *cp = pol;
		struct notify_msg *m = render(pol, NOTIFY_ALERT, 0, NULL);
		char *subj = decoded_subject(m);

		check_shape(m);
		check_has(body_of(m), lang ? "The message was refused and "
		    "not kept" : "受信を拒否したため、保存されていません");
		check_has(subj, lang ? "Rejected: " : "受信拒否: ");
		ck_assert_ptr_null(strstr(body_of(m), "triagectl quarantine"));
		free(subj);
		notify_msg_free(&m);
		policy_unref(&cp);
	}
}
END_TEST

/* A campaign of n events (the first is the alert), rcpts cycling mod k. */
static struct notify_camps *
test_campaign(const struct policy *pol, size_t n, size_t k)
{
	struct notify_camps *cs = mem_zalloc(sizeof(*cs));
	struct msgctx *mc = test_msgctx(pol, SHA_A);
	struct notify_event ev;
	char rbuf[64];
	const char *r[1] = { rbuf };
	struct notify_ev *e;
	size_t i;

	for (i = 0; i < n; i++) {
		test_event(&ev, mc, 100 + (int64_t)i);
		snprintf(rbuf, sizeof(rbuf), "<User%zu@hospital.example>",
		    i % k);
		ev.rcpts = r;
		ev.nrcpts = 1;
		e = notify_ev_copy(pol, &ev);
		ck_assert_int_eq(notify_campaign_add(cs, e, 1000 + i),
		    i == 0 ? NOTIFY_ALERT_NOW : NOTIFY_COUNTED);
		notify_ev_free(&e);
	}
	test_msgctx_free(&mc);
	return cs;
}

START_TEST(test_digest)
{
	int lang;

	for (lang = 0; lang <= 1; lang++) {
		struct policy *pol = test_policy(lang);
		const struct policy *cp = pol;
		struct notify_camps *cs = test_campaign(pol, 50, 19);
		struct notify_msg *m = render(pol, NOTIFY_DIGEST, 0, cs->c[0]);
		const char *b = body_of(m);
		char *subj = decoded_subject(m);

		check_shape(m);
		ck_assert_uint_eq(cs->c[0]->count, 49);
		ck_assert_uint_eq(cs->c[0]->nrcpt_set, 19);
		check_has(subj, lang ? "49 more messages of a campaign "
		    "(supplier.example)" : "さらに 49 通 (supplier.example)");
		check_has(b, lang ? "49 more messages of this campaign to 19 "
		    "recipients" : "さらに 49 通、19 名の宛先");
		check_has(b, lang ? "quarantine ID 100" : "最初の隔離ID 100");
		check_has(b, "supplier.example sha256:" SHA_A);
		check_has(b, " ID 101 [quarantine] <billing@Supplier.Example> "
		    "-> <User1@hospital.example>");
		check_has(b, " ID 149 [quarantine]");
		check_has(b, SUBJ_UTF8);
		ck_assert_ptr_null(strstr(b, "ID 150"));
		free(subj);
		notify_msg_free(&m);
		notify_campaigns_free(cs);
		free(cs);
		policy_unref(&cp);
	}
}
END_TEST

START_TEST(test_recipient)
{
	int lang;

	for (lang = 0; lang <= 1; lang++) {
		struct policy *pol = test_policy(lang);
		const struct policy *cp = pol;
		struct notify_msg *m = render(pol, NOTIFY_RECIPIENT, 42, NULL);
		const char *b = body_of(m);

		check_shape(m);
		check_has(m->text, "\nTo: yamada@hospital.example\n");
		check_has(b, "<billing@Supplier.Example>");
		check_has(b, "security@hospital.example");
		check_has(b, "66a1b2c30001");
		/* nothing of the dangerous content */
		ck_assert_ptr_null(strstr(m->text, "evil"));
		ck_assert_ptr_null(strstr(m->text, "invoice"));
		ck_assert_ptr_null(strstr(m->text, SHA_A));
		ck_assert_ptr_null(strstr(m->text, SUBJ_UTF8));
		ck_assert_ptr_null(strstr(m->text, "PE32"));
		ck_assert_ptr_null(strstr(m->text, "triagectl"));
		notify_msg_free(&m);
		policy_unref(&cp);
	}
}
END_TEST

/* Recipient notices show nothing dangerous even if a template asks. */
START_TEST(test_recipient_restricted)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct msgctx *mc = test_msgctx(pol, SHA_A);
	struct notify_event ev;
	struct notify_ev *e;
	struct notify_rctx rc;
	struct sbuf out;
	static const char tpl[] = "[{{findings}}|{{urls}}|{{subject}}|"
	    "{{attachments}}|{{rcpt}}]";

	test_event(&ev, mc, 5);
	e = notify_ev_copy(pol, &ev);
	memset(&rc, 0, sizeof(rc));
	rc.kind = NOTIFY_RECIPIENT;
	rc.pol = pol;
	rc.ev = e;
	rc.rcpt = "a@b.example";
	sbuf_init(&out, 0);
	notify_expand(&rc, tpl, sizeof(tpl) - 1, &out);
	ck_assert_str_eq(sbuf_str(&out), "[||||a@b.example]");
	sbuf_release(&out);
	notify_ev_free(&e);
	test_msgctx_free(&mc);
	policy_unref(&cp);
}
END_TEST

/* Without templates the built-in text still says everything essential. */
START_TEST(test_fallback)
{
	int lang;

	for (lang = 0; lang <= 1; lang++) {
		struct policy *pol = test_policy(lang);
		const struct policy *cp = pol;
		struct notify_msg *m;
		const char *b;

		free(pol->dir);
		pol->dir = mem_strdup("/nonexistent/triage-policy");
		m = render(pol, NOTIFY_ALERT, 9, NULL);
		b = body_of(m);
		check_shape(m);
		check_has(b, "triagectl quarantine show 9\n");
		check_has(b, "triagectl quarantine release 9 --reason \"...\"");
		check_has(b, "hxxp://evil[.]example/");
		check_has(b, SHA_A);
		check_has(b, "\\u{202E}");
		notify_msg_free(&m);
		m = render(pol, NOTIFY_RECIPIENT, 9, NULL);
		check_shape(m);
		check_has(body_of(m), "security@hospital.example");
		ck_assert_ptr_null(strstr(m->text, "evil"));
		notify_msg_free(&m);
		policy_unref(&cp);
	}
}
END_TEST

/* A template that is broken (no Subject line, bad UTF-8) is not used. */
START_TEST(test_broken_template)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	char dir[] = "/tmp/check_notify.XXXXXX", path[4096];
	struct notify_msg *m;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/templates", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/templates/alert.en.txt", dir);
	f = fopen(path, "w");
	fputs("Hello {{id}}\n", f);
	fclose(f);
	free(pol->dir);
	pol->dir = mem_strdup(dir);
	m = render(pol, NOTIFY_ALERT, 3, NULL);
	ck_assert_ptr_null(strstr(body_of(m), "Hello"));
	check_has(body_of(m), "triagectl quarantine show 3");
	notify_msg_free(&m);
	f = fopen(path, "w");
	fputs("Subject: x \xff\nHello {{id}}\n", f);
	fclose(f);
	m = render(pol, NOTIFY_ALERT, 3, NULL);
	ck_assert_ptr_null(strstr(body_of(m), "Hello"));
	notify_msg_free(&m);
	f = fopen(path, "w");
	fputs("Subject: S {{id}}\n\nHello {{id}} {{nope}} {{#rejected}}R"
	    "{{/rejected}}{{#quarantined}}Q{{/quarantined}}\n", f);
	fclose(f);
	m = render(pol, NOTIFY_ALERT, 3, NULL);
	ck_assert_str_eq(body_of(m), "Hello 3 {{nope}} Q\n");
	check_has(m->text, "\nSubject: S 3\n");
	notify_msg_free(&m);
	unlink(path);
	snprintf(path, sizeof(path), "%s/templates", dir);
	rmdir(path);
	rmdir(dir);
	policy_unref(&cp);
}
END_TEST

static const char *
expand(const struct notify_rctx *rc, const char *tpl)
{
	static struct sbuf b;

	sbuf_release(&b);
	sbuf_init(&b, 0);
	notify_expand(rc, tpl, strlen(tpl), &b);
	return sbuf_str(&b);
}

START_TEST(test_syntax)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct msgctx *mc = test_msgctx(pol, SHA_A);
	struct notify_event ev;
	struct notify_ev *e;
	struct notify_rctx rc;

	test_event(&ev, mc, 0);
	e = notify_ev_copy(pol, &ev);
	memset(&rc, 0, sizeof(rc));
	rc.kind = NOTIFY_ALERT;
	rc.pol = pol;
	rc.ev = e;
	ck_assert_str_eq(expand(&rc, "a{{unknown_thing}}b"),
	    "a{{unknown_thing}}b");
	ck_assert_str_eq(expand(&rc, "{{ id }}{{ID}}{{"), "{{ id }}{{ID}}{{");
	ck_assert_str_eq(expand(&rc, "{{#rejected}}R{{/rejected}}"
	    "{{#quarantined}}Q{{/quarantined}}"), "R");
	/* a section tag alone on its line takes its line end */
	ck_assert_str_eq(expand(&rc, "a\n{{#rejected}}\nR\n{{/rejected}}\nb"),
	    "a\nR\nb");
	ck_assert_str_eq(expand(&rc, "a\n{{#quarantined}}\nQ\n"
	    "{{/quarantined}}\nb"), "a\nb");
	/* nested, with a false outer section */
	ck_assert_str_eq(expand(&rc, "{{#quarantined}}x{{#rejected}}y"
	    "{{/rejected}}z{{/quarantined}}w"), "w");
	ck_assert_str_eq(expand(&rc, "## comment\nx{{score}}\n## more"),
	    "x40\n");
	ck_assert_str_eq(expand(&rc, "{{#nosuch}}a{{/nosuch}}"),
	    "{{#nosuch}}a{{/nosuch}}");
	ck_assert_str_eq(expand(&rc, "{{/quarantined}}"), "{{/quarantined}}");
	ck_assert_str_eq(expand(&rc, "{{verdict}} {{score}} {{id}} "
	    "{{rcpt_count}} {{rules}}"), "quarantine 40 - 2 "
	    "attachment.executable,attachment.bidi_control");
	ck_assert_str_eq(expand(&rc, "{{release_command}}"),
	    "(the message was refused and not kept)");
	ck_assert_str_eq(expand(&rc, "{{campaign}}|{{sender_domain}}"),
	    "supplier.example sha256:" SHA_A "|supplier.example");
	ck_assert_str_eq(expand(&rc, "{{#suppressed}}S{{/suppressed}}"), "");
	rc.suppressed = 3;
	ck_assert_str_eq(expand(&rc, "{{#suppressed}}S{{suppressed}}"
	    "{{/suppressed}}"), "S3");
	notify_ev_free(&e);
	test_msgctx_free(&mc);
	policy_unref(&cp);
}
END_TEST

/* Subject with a split Japanese word; escaping of control characters. */
START_TEST(test_subject_header)
{
	struct sbuf out, dec;
	const char *s;
	unsigned flags = 0;
	char long_ja[1024] = "";
	size_t i;

	for (i = 0; i < 60; i++)
		strcat(long_ja, "請求書");
	sbuf_init(&out, 0);
	notify_subject_header(&out, long_ja, strlen(long_ja));
	s = sbuf_str(&out);
	ck_assert(strncmp(s, "Subject: =?UTF-8?B?", 19) == 0);
	/* every line under 78, every word under 76 */
	for (const char *p = s, *nl; (nl = strchr(p, '\n')) != NULL;
	    p = nl + 1)
		ck_assert_uint_le((size_t)(nl - p), 76);
	sbuf_init(&dec, 0);
	{
		struct sbuf raw;

		sbuf_init(&raw, 0);
		for (const char *p = s + 8; *p; p++)
			if (*p != '\n')
				sbuf_putc(&raw, *p);
		decode_rfc2047((const char *)raw.data, raw.len, NULL, &dec,
		    &flags);
		sbuf_release(&raw);
	}
	ck_assert_str_eq(sbuf_str(&dec) + (sbuf_str(&dec)[0] == ' '),
	    long_ja);
	sbuf_reset(&out);
	notify_subject_header(&out, "plain =?x?q?y?=", 15);
	ck_assert(strncmp(sbuf_str(&out), "Subject: =?UTF-8?B?", 19) == 0);
	sbuf_reset(&out);
	notify_subject_header(&out, "Plain ASCII", 11);
	ck_assert_str_eq(sbuf_str(&out), "Subject: Plain ASCII\n");
	sbuf_release(&out);
	sbuf_release(&dec);
}
END_TEST

static const char *
defang(const char *url)
{
	static struct sbuf b;

	sbuf_release(&b);
	sbuf_init(&b, 0);
	notify_fmt_defang(&b, url);
	return sbuf_str(&b);
}

START_TEST(test_defang)
{
	ck_assert_str_eq(defang("http://evil.example/a.exe"),
	    "hxxp://evil[.]example/a.exe");
	ck_assert_str_eq(defang("HTTPS://Evil.Example:8443/x?y=a.b"),
	    "HXXPS://Evil[.]Example:8443/x?y=a.b");
	ck_assert_str_eq(defang("hTTp://203.0.113.9/"),
	    "hxxp://203[.]0[.]113[.]9/");
	ck_assert_str_eq(defang("www.example.jp"), "www[.]example[.]jp");
	ck_assert_str_eq(defang("http://a.b/\n\x1b[2J"),
	    "hxxp://a[.]b/\\x0a\\x1b[2J");
	ck_assert_str_eq(defang("http://ev" RTLO "il.example/"),
	    "hxxp://ev\\u{202E}il[.]example/");
	ck_assert_str_eq(defang("http://x.y/\xff"), "hxxp://x[.]y/\\xff");
}
END_TEST

START_TEST(test_escaped_values)
{
	struct sbuf b;

	sbuf_init(&b, 0);
	notify_fmt_subject(&b, "=?UTF-8?B?" "4oCu" "?=abc\r\n\tdef\x07");
	ck_assert_str_eq(sbuf_str(&b), "\\u{202E}abc\\x09def\\x07");
	sbuf_reset(&b);
	notify_fmt_subject(&b, NULL);
	ck_assert_str_eq(sbuf_str(&b), "-");
	sbuf_release(&b);
}
END_TEST

/* ---- campaigns ---------------------------------------------------- */

START_TEST(test_keys)
{
	char out[256];
	struct policy *pol = test_policy(0);
	const struct policy *cp = pol;
	struct msgctx *mc = test_msgctx(pol, NULL);
	struct notify_event ev;
	struct notify_ev *e;
	char key[NOTIFY_KEY_MAX];

	notify_sender_domain("<>", out, sizeof(out));
	ck_assert_str_eq(out, "<>");
	notify_sender_domain("", out, sizeof(out));
	ck_assert_str_eq(out, "<>");
	notify_sender_domain("<A.B@Mail.Foo.EXAMPLE>", out, sizeof(out));
	ck_assert_str_eq(out, "mail.foo.example");
	notify_sender_domain("x@y@Z.jp", out, sizeof(out));
	ck_assert_str_eq(out, "z.jp");
	notify_url_domain("http://user@www.Evil.Example:8080/x", out,
	    sizeof(out));
	ck_assert_str_eq(out, "evil.example");
	notify_url_domain("https://203.0.113.9/a", out, sizeof(out));
	ck_assert_str_eq(out, "203.0.113.9");
	notify_url_domain("http://[2001:db8::1]:80/", out, sizeof(out));
	ck_assert_str_eq(out, "[2001:db8::1]");
	notify_url_domain("http://a.b.c.example./", out, sizeof(out));
	ck_assert_str_eq(out, "c.example");
	notify_url_domain("", out, sizeof(out));
	ck_assert_str_eq(out, "");

	/* no sha256: the URL's registrable domain */
	test_event(&ev, mc, 1);
	e = notify_ev_copy(pol, &ev);
	notify_campaign_key(e, key);
	ck_assert_str_eq(key, "supplier.example|url:evil.example");
	notify_ev_free(&e);
	/* urlcheck gave no domain: last two labels of the host */
	mc->urls[0].domain = NULL;
	mc->urls[0].url = "http://x.y.Phish.example/";
	e = notify_ev_copy(pol, &ev);
	notify_campaign_key(e, key);
	ck_assert_str_eq(key, "supplier.example|url:phish.example");
	notify_ev_free(&e);
	/* neither: the subject */
	mc->nurls = 0;
	e = notify_ev_copy(pol, &ev);
	notify_campaign_key(e, key);
	ck_assert(strncmp(key, "supplier.example|subject:", 25) == 0);
	ck_assert_uint_eq(strlen(key), 25 + 16);
	notify_ev_free(&e);
	mc->nurls = 1;
	test_msgctx_free(&mc);
	policy_unref(&cp);
}
END_TEST

/* A sender that records what it is given, failing the first calls. */
struct cap {
	char	*msg[64];
	size_t	 n, calls, fail_first;
	int	 fail_always;
};

static int
cap_send(void *arg, const struct notify_msg *m, const char **error_r)
{
	struct cap *c = arg;

	c->calls++;
	if (c->fail_always || c->calls <= c->fail_first) {
		*error_r = "test failure";
		return -1;
	}
	if (c->n < 64)
		c->msg[c->n++] = mem_strndup(m->text, m->len);
	return 0;
}

static void
cap_free(struct cap *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->msg[i]);
	memset(c, 0, sizeof(*c));
}

/* Feed the core one event of campaign (sha) to rcpt at now. */
static void
feed(struct notify_core *core, const struct policy *pol, const char *sha,
    const char *rcpt, int64_t id, uint64_t now)
{
	struct msgctx *mc = test_msgctx(pol, sha);
	struct notify_event ev;
	const char *r[1] = { rcpt };

	test_event(&ev, mc, id);
	ev.rcpts = r;
	ev.nrcpts = 1;
	notify_core_event(core, notify_ev_copy(pol, &ev), now);
	test_msgctx_free(&mc);
}

/* The wave of the issue: 50 messages, 1 alert now, 1 digest later. */
START_TEST(test_wave)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct notify_core core;
	struct cap cap = { 0 };
	char rcpt[64];
	uint64_t t0 = 5000, end = t0 + 600000;
	size_t i;

	notify_core_init(&core, cap_send, &cap);
	for (i = 0; i < 50; i++) {
		snprintf(rcpt, sizeof(rcpt), "<u%zu@hospital.example>", i % 23);
		feed(&core, pol, SHA_A, rcpt, 1 + (int64_t)i, t0 + i * 100);
	}
	ck_assert_uint_eq(cap.n, 1);
	check_has(cap.msg[0], "Quarantined:");
	check_has(cap.msg[0], "triagectl quarantine show 1\n");
	ck_assert_uint_eq(notify_core_next(&core), end);
	notify_core_tick(&core, end - 1);
	ck_assert_uint_eq(cap.n, 1);
	notify_core_tick(&core, end);
	ck_assert_uint_eq(cap.n, 2);
	/* recipients of the 49 counted messages: u1..u22 and u0 again */
	check_has(cap.msg[1], "49 more messages of this campaign to 23 "
	    "recipients");
	ck_assert_uint_eq(notify_core_next(&core), UINT64_MAX);
	ck_assert_uint_eq(core.alerts, 1);
	ck_assert_uint_eq(core.digests, 1);
	notify_core_free(&core);
	cap_free(&cap);
	policy_unref(&cp);
}
END_TEST

START_TEST(test_two_campaigns)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct notify_core core;
	struct cap cap = { 0 };
	size_t i;

	notify_core_init(&core, cap_send, &cap);
	for (i = 0; i < 10; i++)
		feed(&core, pol, i % 2 ? SHA_B : SHA_A, "<a@hospital.example>",
		    1 + (int64_t)i, 1000 + i);
	ck_assert_uint_eq(cap.n, 2);
	ck_assert_uint_eq(core.camps.n, 2);
	notify_core_flush(&core, 2000);
	ck_assert_uint_eq(cap.n, 4);
	check_has(cap.msg[2], "4 more messages of this campaign to 1 "
	    "recipients");
	check_has(cap.msg[3], "4 more messages");
	check_has(cap.msg[2], SHA_A);
	check_has(cap.msg[3], SHA_B);
	ck_assert_uint_eq(core.camps.n, 0);
	notify_core_free(&core);
	cap_free(&cap);
	policy_unref(&cp);
}
END_TEST

START_TEST(test_window_expiry)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct notify_core core;
	struct cap cap = { 0 };

	pol->notify_window_ms = 5000;
	notify_core_init(&core, cap_send, &cap);
	feed(&core, pol, SHA_A, "<a@hospital.example>", 1, 0);
	feed(&core, pol, SHA_A, "<a@hospital.example>", 2, 4999);
	ck_assert_uint_eq(cap.n, 1);
	/* the window is over: a new campaign and a new alert */
	feed(&core, pol, SHA_A, "<a@hospital.example>", 3, 5000);
	ck_assert_uint_eq(cap.n, 3);
	check_has(cap.msg[1], "1 more messages");
	check_has(cap.msg[2], "triagectl quarantine show 3\n");
	/* a lone alert has no digest */
	notify_core_tick(&core, 10000);
	ck_assert_uint_eq(cap.n, 3);
	ck_assert_uint_eq(core.camps.n, 0);
	notify_core_free(&core);
	cap_free(&cap);
	policy_unref(&cp);
}
END_TEST

START_TEST(test_campaign_limit)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct notify_camps cs = { 0 };
	struct msgctx *mc = test_msgctx(pol, NULL);
	struct notify_event ev;
	struct notify_ev *e;
	char sender[64];
	size_t i;

	mc->nurls = 0;
	test_event(&ev, mc, 1);
	for (i = 0; i < NOTIFY_MAX_CAMPAIGNS + 5; i++) {
		snprintf(sender, sizeof(sender), "<x@d%zu.example>", i);
		ev.env_from = sender;
		e = notify_ev_copy(pol, &ev);
		ck_assert_int_eq(notify_campaign_add(&cs, e, 10),
		    NOTIFY_ALERT_NOW);
		notify_ev_free(&e);
	}
	ck_assert_uint_eq(cs.n, NOTIFY_MAX_CAMPAIGNS);
	ck_assert_uint_eq(cs.untracked, 5);
	notify_campaigns_free(&cs);
	ck_assert_uint_eq(cs.n, 0);
	mc->nurls = 1;
	test_msgctx_free(&mc);
	policy_unref(&cp);
}
END_TEST

/* ---- rate limit --------------------------------------------------- */

START_TEST(test_rate)
{
	struct notify_rate r = { 0 };
	size_t i;

	ck_assert_int_eq(notify_rate_allow(&r, 0, 3, 0), 1);
	ck_assert_int_eq(notify_rate_allow(&r, 1, 3, 0), 1);
	ck_assert_int_eq(notify_rate_allow(&r, 2, 3, 0), 1);
	ck_assert_int_eq(notify_rate_allow(&r, 3, 3, 0), 0);
	ck_assert_int_eq(notify_rate_allow(&r, 4, 3, 0), 0);
	ck_assert_uint_eq(notify_rate_take_suppressed(&r), 2);
	ck_assert_uint_eq(notify_rate_take_suppressed(&r), 0);
	/* sliding: the first expires an hour after it was sent */
	ck_assert_int_eq(notify_rate_allow(&r, NOTIFY_HOUR_MS - 1, 3, 0), 0);
	ck_assert_int_eq(notify_rate_allow(&r, NOTIFY_HOUR_MS, 3, 0), 1);
	ck_assert_int_eq(notify_rate_allow(&r, NOTIFY_HOUR_MS, 3, 0), 0);
	ck_assert_uint_eq(r.suppressed_total, 4);
	notify_rate_free(&r);
	/* a reserve leaves part of the cap to others; the ring grows */
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(notify_rate_allow(&r, i, 200, 100), i < 100);
	ck_assert_int_eq(notify_rate_allow(&r, 100, 200, 100), 0);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(notify_rate_allow(&r, 100 + i, 200, 0), 1);
	ck_assert_int_eq(notify_rate_allow(&r, 300, 200, 0), 0);
	notify_rate_free(&r);
}
END_TEST

START_TEST(test_rate_core)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct notify_core core;
	struct cap cap = { 0 };
	char sender[64];
	size_t i;

	pol->notify_max_per_hour = 2;
	notify_core_init(&core, cap_send, &cap);
	for (i = 0; i < 5; i++) {
		/* five campaigns: five alerts wanted, two allowed */
		char sha[65];

		snprintf(sha, sizeof(sha), "%064zx", i + 1);
		snprintf(sender, sizeof(sender), "<a@hospital.example>");
		feed(&core, pol, sha, sender, 1 + (int64_t)i, 1000 + i);
	}
	ck_assert_uint_eq(cap.n, 2);
	ck_assert_ptr_null(strstr(cap.msg[0], "notify_max_per_hour"));
	ck_assert_uint_eq(core.rate.suppressed_total, 3);
	/* an hour later the next notice says how many were suppressed */
	feed(&core, pol, SHA_B, "<a@hospital.example>", 9,
	    1000 + NOTIFY_HOUR_MS);
	ck_assert_uint_eq(cap.n, 3);
	check_has(cap.msg[2], "notify_max_per_hour was reached; 3 notices");
	notify_core_free(&core);
	cap_free(&cap);
	policy_unref(&cp);
}
END_TEST

START_TEST(test_recipient_notices)
{
	struct policy *pol = test_policy(0);
	const struct policy *cp = pol;
	struct notify_core core;
	struct cap cap = { 0 };
	struct msgctx *mc = test_msgctx(pol, SHA_A);
	struct notify_event ev;
	static const char *const r[] = { "<ok@hospital.example>",
	    "<\"a,b\"@hospital.example>", "<x@y.example>, <evil@z.example>",
	    "<two@hospital.example>" };

	pol->notify_recipients = 1;
	notify_core_init(&core, cap_send, &cap);
	test_event(&ev, mc, 11);
	ev.rcpts = r;
	ev.nrcpts = 4;
	notify_core_event(&core, notify_ev_copy(pol, &ev), 100);
	/* the alert and two recipients; the odd addresses get nothing */
	ck_assert_uint_eq(cap.n, 3);
	check_has(cap.msg[1], "\nTo: ok@hospital.example\n");
	check_has(cap.msg[2], "\nTo: two@hospital.example\n");
	ck_assert_uint_eq(core.recipient_notices, 2);
	/* recipient notices may use half of the cap only */
	pol->notify_max_per_hour = 4;
	notify_core_free(&core);
	cap_free(&cap);
	notify_core_init(&core, cap_send, &cap);
	ev.nrcpts = 1;
	for (int i = 0; i < 5; i++)
		notify_core_event(&core, notify_ev_copy(pol, &ev), 100 + i);
	/* alert (1) + recipient notices up to 4 - 2 in total */
	ck_assert_uint_eq(cap.n, 2);
	ck_assert_uint_eq(core.recipient_notices, 1);
	notify_core_free(&core);
	cap_free(&cap);
	test_msgctx_free(&mc);
	policy_unref(&cp);
}
END_TEST

/* ---- HMAC --------------------------------------------------------- */

START_TEST(test_hmac)
{
	struct policy *pol = test_policy(0);
	const struct policy *cp = pol;
	struct notify_core core;
	struct cap cap = { 0 };
	char dir[] = "/tmp/check_notify.XXXXXX", path[4096];
	char id[64], tok[TOKEN_HEX];
	char dig[HASH_SHA256_HEX], dig2[HASH_SHA256_HEX];
	struct token_key key;
	const char *err, *h, *body;
	struct sbuf crlf;
	char *line;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/release.key", dir);
	ck_assert_int_eq(token_key_create(path, &err), 0);
	ck_assert_int_eq(token_key_load(path, &key, &err), 0);
	free(pol->release_key_file);
	pol->release_key_file = mem_strdup(path);
	notify_core_init(&core, cap_send, &cap);
	feed(&core, pol, SHA_A, "<a@hospital.example>", 1, 0);
	ck_assert_uint_eq(cap.n, 1);
	h = strstr(cap.msg[0], "\nX-Triage-Notice: ");
	ck_assert_ptr_nonnull(h);
	h += 18;
	line = mem_strndup(h, strcspn(h, "\n"));
	ck_assert_int_eq(token_parse(line, id, sizeof(id), tok), 1);
	body = strstr(cap.msg[0], "\n\n") + 2;
	/* the milter sees CRLF: the digest is the same */
	sbuf_init(&crlf, 0);
	for (const char *p = body; *p; p++) {
		if (*p == '\n')
			sbuf_putc(&crlf, '\r');
		sbuf_putc(&crlf, *p);
	}
	ck_assert_int_eq(notify_body_sha256(body, strlen(body), dig), 0);
	ck_assert_int_eq(notify_body_sha256(crlf.data, crlf.len, dig2), 0);
	ck_assert_str_eq(dig, dig2);
	ck_assert_int_eq(token_verify(&key, "notice", id, dig, tok), 1);
	ck_assert_int_eq(token_verify(&key, "release", id, dig, tok), 0);
	/* a changed body does not verify */
	crlf.data[crlf.len - 3] ^= 1;
	ck_assert_int_eq(notify_body_sha256(crlf.data, crlf.len, dig2), 0);
	ck_assert_int_eq(token_verify(&key, "notice", id, dig2, tok), 0);
	/* the same id as in Message-ID */
	snprintf(path, sizeof(path), "\nMessage-ID: <%s@", id);
	check_has(cap.msg[0], path);
	free(line);
	sbuf_release(&crlf);
	notify_core_free(&core);
	cap_free(&cap);
	snprintf(path, sizeof(path), "%s/release.key", dir);
	unlink(path);
	rmdir(dir);
	policy_unref(&cp);
}
END_TEST

/* Without a key the notice still goes out, unmarked. */
START_TEST(test_no_key)
{
	struct policy *pol = test_policy(0);
	const struct policy *cp = pol;
	struct notify_core core;
	struct cap cap = { 0 };

	free(pol->release_key_file);
	pol->release_key_file = mem_strdup("/nonexistent/release.key");
	notify_core_init(&core, cap_send, &cap);
	feed(&core, pol, SHA_A, "<a@hospital.example>", 1, 0);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_ptr_null(strstr(cap.msg[0], "X-Triage-Notice"));
	ck_assert_int_eq(core.key_warned, 1);
	notify_core_free(&core);
	cap_free(&cap);
	policy_unref(&cp);
}
END_TEST

/* ---- queue and thread --------------------------------------------- */

START_TEST(test_queue_full)
{
	struct policy *pol = test_policy(0);
	const struct policy *cp = pol;
	struct notify_queue q;
	struct notify_event ev;
	struct notify_ev *e, *next;
	size_t i, n = 0;

	test_event(&ev, NULL, 1);
	notify_queue_init(&q, 3);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(notify_queue_push(&q,
		    notify_ev_copy(pol, &ev)), i < 3 ? 0 : -1);
	ck_assert_uint_eq(q.dropped, 2);
	for (e = notify_queue_take(&q); e != NULL; e = next) {
		next = e->next;
		notify_ev_free(&e);
		n++;
	}
	ck_assert_uint_eq(n, 3);
	ck_assert_ptr_null(notify_queue_take(&q));
	notify_queue_destroy(&q);
	policy_unref(&cp);
}
END_TEST

static struct cap thread_cap;

/* The real thread: a full queue drops and counts; stop sends digests. */
START_TEST(test_thread)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct msgctx *mc = test_msgctx(pol, SHA_A);
	struct notify_event ev;
	const char *err;
	size_t i;

	test_event(&ev, mc, 1);
	for (i = 0; i < NOTIFY_QUEUE_MAX + 5; i++)
		notify_submit(pol, &ev);
	ck_assert_uint_eq(notify_dropped(), 5);
	/* no contact: nothing is queued */
	free(pol->notify_to);
	pol->notify_to = mem_strdup("");
	notify_submit(pol, &ev);
	ck_assert_uint_eq(notify_dropped(), 5);
	free(pol->notify_to);
	pol->notify_to = mem_strdup("security@hospital.example");
	notify_set_sender(cap_send, &thread_cap);
	ck_assert_int_eq(notify_start(&err), 0);
	notify_stop();
	ck_assert_uint_eq(thread_cap.n, 2);
	check_has(thread_cap.msg[0], "Quarantined:");
	check_has(thread_cap.msg[1], "999 more messages of this campaign");
	cap_free(&thread_cap);
	/* events submitted while running are handled and flushed at stop */
	ck_assert_int_eq(notify_start(&err), 0);
	for (i = 0; i < 50; i++)
		notify_submit(pol, &ev);
	notify_stop();
	ck_assert_uint_eq(thread_cap.n, 2);
	check_has(thread_cap.msg[1], "49 more messages of this campaign");
	cap_free(&thread_cap);
	test_msgctx_free(&mc);
	policy_unref(&cp);
}
END_TEST

/*
 * The thread with the real sender: a wave of 50 gives the alert at once
 * and the digest when the window closes, before any stop.
 */
START_TEST(test_thread_sendmail)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct msgctx *mc = test_msgctx(pol, SHA_A);
	struct notify_event ev;
	char dir[] = "/tmp/check_notify.XXXXXX", sm[512], out[512];
	char script[8192], *got = NULL;
	const char *err, *p;
	size_t i, n = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sm, sizeof(sm), "%s/sendmail", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(script, sizeof(script), "#!/bin/sh\n"
	    "cat >> '%s'\necho '=====' >> '%s'\n", out, out);
	write_script(sm, script);
	free(pol->sendmail_path);
	pol->sendmail_path = mem_strdup(sm);
	pol->notify_window_ms = 1000;
	test_event(&ev, mc, 1);
	notify_set_sender(NULL, NULL);		/* the real one */
	ck_assert_int_eq(notify_start(&err), 0);
	for (i = 0; i < 50; i++)
		notify_submit(pol, &ev);
	for (i = 0; i < 100 && n < 2; i++) {	/* at most 10 s */
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
		free(got);
		got = access(out, R_OK) == 0 ? slurp(out) : mem_strdup("");
		for (n = 0, p = got; (p = strstr(p, "=====\n")) != NULL; p++)
			n++;
	}
	ck_assert_uint_eq(n, 2);
	check_has(got, "Quarantined:");
	check_has(got, "49 more messages of this campaign to 2 recipients");
	check_has(got, "within 1 second ");
	notify_stop();
	free(got);
	got = slurp(out);
	ck_assert_ptr_null(strstr(strstr(strstr(got, "=====") + 1, "=====") +
	    1, "====="));
	free(got);
	unlink(out);
	unlink(sm);
	rmdir(dir);
	test_msgctx_free(&mc);
	policy_unref(&cp);
}
END_TEST

/* ---- resends ------------------------------------------------------ */

START_TEST(test_retry)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct notify_core core;
	struct cap cap = { 0 };

	cap.fail_first = 2;
	notify_core_init(&core, cap_send, &cap);
	feed(&core, pol, SHA_A, "<a@hospital.example>", 1, 1000);
	ck_assert_uint_eq(cap.calls, 1);
	ck_assert_uint_eq(core.npending, 1);
	ck_assert_uint_eq(notify_core_next(&core), 1000 + 10000);
	notify_core_tick(&core, 1000 + 9999);
	ck_assert_uint_eq(cap.calls, 1);
	notify_core_tick(&core, 1000 + 10000);
	ck_assert_uint_eq(cap.calls, 2);
	ck_assert_uint_eq(notify_core_next(&core), 11000 + 30000);
	notify_core_tick(&core, 41000);
	ck_assert_uint_eq(cap.calls, 3);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_uint_eq(core.npending, 0);
	ck_assert_uint_eq(core.sent, 1);
	ck_assert_uint_eq(core.failed, 2);
	check_has(cap.msg[0], "triagectl quarantine show 1");
	notify_core_free(&core);
	cap_free(&cap);
	policy_unref(&cp);
}
END_TEST

START_TEST(test_retry_give_up)
{
	struct policy *pol = test_policy(1);
	const struct policy *cp = pol;
	struct notify_core core;
	struct cap cap = { 0 };
	uint64_t t = 0, prev = 0;
	unsigned i;

	cap.fail_always = 1;
	notify_core_init(&core, cap_send, &cap);
	feed(&core, pol, SHA_A, "<a@hospital.example>", 1, t);
	for (i = 1; i <= NOTIFY_MAX_RETRIES; i++) {
		t = notify_core_next(&core);
		ck_assert_uint_eq(t - prev, notify_backoff_ms(i));
		notify_core_tick(&core, t);
		ck_assert_uint_eq(cap.calls, 1 + i);
		prev = t;
	}
	ck_assert_uint_eq(core.npending, 0);
	ck_assert_uint_eq(core.dropped, 1);
	/* only the campaign's window end is left */
	ck_assert_uint_eq(notify_core_next(&core), 600000);
	ck_assert_uint_eq(notify_backoff_ms(1), 10000);
	ck_assert_uint_eq(notify_backoff_ms(2), 30000);
	ck_assert_uint_eq(notify_backoff_ms(3), 60000);
	/* at stop a failing notice gets one last try, then is dropped */
	feed(&core, pol, SHA_B, "<a@hospital.example>", 2, t + 1);
	ck_assert_uint_eq(core.npending, 1);
	notify_core_flush(&core, t + 2);
	ck_assert_uint_eq(core.npending, 0);
	ck_assert_uint_eq(core.dropped, 2);
	notify_core_free(&core);
	cap_free(&cap);
	policy_unref(&cp);
}
END_TEST

/* ---- the real sendmail path --------------------------------------- */

static void
write_script(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0700), 0);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	struct sbuf b;
	char buf[4096];
	size_t n;

	ck_assert_ptr_nonnull(f);
	sbuf_init(&b, 0);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_append(&b, buf, n);
	fclose(f);
	return sbuf_steal(&b, NULL);
}

START_TEST(test_sendmail)
{
	char dir[] = "/tmp/check_notify.XXXXXX", sm[4096], out[4096];
	char script[8192];
	struct notify_msg m;
	const char *err = NULL;
	char *got, *big;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sm, sizeof(sm), "%s/sendmail", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(script, sizeof(script), "#!/bin/sh\n"
	    "[ \"$#\" = 2 ] && [ \"$1\" = -t ] && [ \"$2\" = -i ] || exit 64\n"
	    "cat > '%s'\n", out);
	write_script(sm, script);
	memset(&m, 0, sizeof(m));
	m.sendmail_path = sm;
	m.text = "To: a@b\nSubject: x\n\nbody\n.\nmore\n";
	m.len = strlen(m.text);
	m.id = "n1";
	m.to = "a@b";
	ck_assert_int_eq(notify_send_sendmail(NULL, &m, &err), 0);
	got = slurp(out);
	ck_assert_str_eq(got, m.text);
	free(got);

	/* failure: exit status and stderr in the error */
	write_script(sm, "#!/bin/sh\ncat >/dev/null\necho 'fatal: no such "
	    "user' >&2\nexit 75\n");
	ck_assert_int_eq(notify_send_sendmail(NULL, &m, &err), -1);
	check_has(err, "exited 75");
	check_has(err, "no such user");

	/* a sendmail that reads nothing: EPIPE, not SIGPIPE */
	write_script(sm, "#!/bin/sh\nexit 0\n");
	big = mem_alloc(4 * 1024 * 1024 + 1);
	memset(big, 'a', 4 * 1024 * 1024);
	big[4 * 1024 * 1024] = '\0';
	m.text = big;
	m.len = strlen(big);
	ck_assert_int_eq(notify_send_sendmail(NULL, &m, &err), -1);
	check_has(err, "write to sendmail");
	free(big);

	/* missing program, relative path */
	m.text = "x\n";
	m.len = 2;
	snprintf(sm, sizeof(sm), "%s/nonexistent", dir);
	ck_assert_int_eq(notify_send_sendmail(NULL, &m, &err), -1);
	m.sendmail_path = "sendmail";
	ck_assert_int_eq(notify_send_sendmail(NULL, &m, &err), -1);
	check_has(err, "absolute");

	unlink(out);
	snprintf(sm, sizeof(sm), "%s/sendmail", dir);
	unlink(sm);
	rmdir(dir);
}
END_TEST

/* ---- shipped files ------------------------------------------------ */

/*
 * Every shipped template is used (not replaced by the built-in text, which
 * has no signature line) and leaves no placeholder unexpanded.
 */
START_TEST(test_shipped_templates)
{
	int k, lang;

	for (k = 0; k < 3; k++) {
		for (lang = 0; lang <= 1; lang++) {
			struct policy *pol = test_policy(lang);
			const struct policy *cp = pol;
			struct notify_camps *cs = test_campaign(pol, 3, 2);
			struct notify_msg *m = render(pol, (enum notify_kind)k,
			    5, k == NOTIFY_DIGEST ? cs->c[0] : NULL);

			check_shape(m);
			ck_assert_msg(strstr(body_of(m), "\n-- \ntriage-milter "
			    "(mx.hospital.example)\n") != NULL,
			    "template %d.%d not used", k, lang);
			notify_msg_free(&m);
			notify_campaigns_free(cs);
			free(cs);
			policy_unref(&cp);
		}
	}
}
END_TEST

static Suite *
notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc;

	tc = tcase_create("render");
	tcase_add_test(tc, test_alert_ja);
	tcase_add_test(tc, test_alert_en);
	tcase_add_test(tc, test_alert_reject);
	tcase_add_test(tc, test_digest);
	tcase_add_test(tc, test_recipient);
	tcase_add_test(tc, test_recipient_restricted);
	tcase_add_test(tc, test_fallback);
	tcase_add_test(tc, test_broken_template);
	tcase_add_test(tc, test_shipped_templates);
	suite_add_tcase(s, tc);
	tc = tcase_create("syntax");
	tcase_add_test(tc, test_syntax);
	tcase_add_test(tc, test_subject_header);
	suite_add_tcase(s, tc);
	tc = tcase_create("escape");
	tcase_add_test(tc, test_defang);
	tcase_add_test(tc, test_escaped_values);
	suite_add_tcase(s, tc);
	tc = tcase_create("campaign");
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_wave);
	tcase_add_test(tc, test_two_campaigns);
	tcase_add_test(tc, test_window_expiry);
	tcase_add_test(tc, test_campaign_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("rate");
	tcase_add_test(tc, test_rate);
	tcase_add_test(tc, test_rate_core);
	tcase_add_test(tc, test_recipient_notices);
	suite_add_tcase(s, tc);
	tc = tcase_create("hmac");
	tcase_add_test(tc, test_hmac);
	tcase_add_test(tc, test_no_key);
	suite_add_tcase(s, tc);
	tc = tcase_create("queue");
	tcase_add_test(tc, test_queue_full);
	tcase_add_test(tc, test_thread);
	tcase_add_test(tc, test_thread_sendmail);
	suite_add_tcase(s, tc);
	tc = tcase_create("send");
	tcase_add_test(tc, test_retry);
	tcase_add_test(tc, test_retry_give_up);
	tcase_add_test(tc, test_sendmail);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(notify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
