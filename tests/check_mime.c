/*
 * check_mime: the MIME walker.
 *
 * A recording sink serialises every event (begin, end with the length,
 * hash and first bytes of the data, findings, top-level headers) into a
 * string and checks the contract (LIFO ends, data only for leaves).
 * Every message is fed 1 byte, 7 bytes, 4 KiB and whole at a time, and
 * the four recordings must be identical.
 */
#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mime.h"

/* ---- recording sink ---------------------------------------------- */

struct str {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
str_add(struct str *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		ck_assert_ptr_nonnull(b->s);
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
str_printf(struct str *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
str_printf(struct str *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	str_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Printable, with other bytes as \xNN. */
static void
str_esc(struct str *b, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			str_add(b, &p[i], 1);
		else
			str_printf(b, "\\x%02x", p[i]);
	}
}

struct rpart {
	struct mime_part	*part;
	struct str		 data;
	uint64_t		 total;
	uint64_t		 hash;
};

#define REC_STACK	64
#define REC_KEEP	(1u << 20)

struct rec {
	struct str	 ev;
	struct rpart	*open[REC_STACK];
	size_t		 nopen;
	size_t		 depth_seen;	/* open parts at most */
	int		 fail_begin_at;	/* fail the nth part_begin (1-based) */
	int		 nbegin;
	unsigned	 bad;		/* contract violations in part_data */
};

static const char *const kinds[] = { "leaf", "multi", "msg", "emb" };

static int
rec_begin(void *arg, struct mime_part *p)
{
	struct rec *r = arg;
	struct rpart *rp;
	size_t i;

	if (++r->nbegin == r->fail_begin_at)
		return -1;
	str_printf(&r->ev, "B %s %s d%u %s", *p->where ? p->where : "-",
	    kinds[p->kind],
	    p->depth, p->ctype);
	if (p->ctype_alt != NULL)
		str_printf(&r->ev, " alt=%s", p->ctype_alt);
	str_printf(&r->ev, " cs=%s cte=%s disp=%s", p->charset ? p->charset :
	    "-", p->cte, p->disposition ? p->disposition : "-");
	for (i = 0; i < p->nnames; i++)
		str_printf(&r->ev, " name=[%s]", p->names[i]);
	str_add(&r->ev, "\n", 1);
	ck_assert_ptr_null(p->user);
	rp = calloc(1, sizeof(*rp));
	ck_assert_ptr_nonnull(rp);
	rp->part = p;
	rp->hash = 14695981039346656037ULL;
	p->user = rp;
	ck_assert_uint_lt(r->nopen, REC_STACK);
	r->open[r->nopen++] = rp;
	if (r->nopen > r->depth_seen)
		r->depth_seen = r->nopen;
	return 0;
}

static int
rec_data(void *arg, struct mime_part *p, const unsigned char *d, size_t n)
{
	struct rec *r = arg;
	struct rpart *rp = p->user;
	size_t i;

	/* No ck_assert here: each one writes to Check's pipe. */
	if (rp == NULL || rp->part != p || n == 0 ||
	    (p->kind != MIME_LEAF && p->kind != MIME_EMBEDDED)) {
		r->bad++;
		return 0;
	}
	for (i = 0; i < n; i++)
		rp->hash = (rp->hash ^ d[i]) * 1099511628211ULL;
	rp->total += n;
	if (rp->data.len < REC_KEEP)
		str_add(&rp->data, d, n < REC_KEEP ? n : REC_KEEP);
	return 0;
}

static int
rec_end(void *arg, struct mime_part *p)
{
	struct rec *r = arg;
	struct rpart *rp = p->user;

	ck_assert_uint_gt(r->nopen, 0);
	ck_assert_ptr_eq(r->open[r->nopen - 1], rp);	/* LIFO */
	r->nopen--;
	str_printf(&r->ev, "E %s len=%llu h=%016llx [",
	    *p->where ? p->where : "-",
	    (unsigned long long)rp->total, (unsigned long long)rp->hash);
	str_esc(&r->ev, (const unsigned char *)(rp->data.s ? rp->data.s : ""),
	    rp->data.len < 80 ? rp->data.len : 80);
	str_add(&r->ev, "]\n", 2);
	free(rp->data.s);
	free(rp);
	p->user = NULL;
	return 0;
}

static int
rec_header(void *arg, const char *name, const char *value, size_t len)
{
	struct rec *r = arg;

	str_printf(&r->ev, "H %s=", name);
	str_esc(&r->ev, (const unsigned char *)value, len < 80 ? len : 80);
	str_add(&r->ev, "\n", 1);
	return 0;
}

static void
rec_finding(void *arg, const char *rule, const char *where, const char *d)
{
	struct rec *r = arg;

	str_printf(&r->ev, "F %s %s %s\n", rule, where ? where : "-", d);
}

static const struct mime_sink rec_sink = {
	rec_begin, rec_data, rec_end, rec_header, rec_finding
};

static const struct mime_limits def_lim = {
	64u << 20, 1u << 20, 32, 2000, 255
};

/* Feed msg in pieces of chunk bytes (0: whole); returns the recording. */
static char *
run(const void *msg, size_t len, size_t chunk, const struct mime_limits *lim)
{
	struct rec r;
	struct mime *m;
	const char *err = NULL;
	const unsigned char *p = msg;
	size_t off, n;

	memset(&r, 0, sizeof(r));
	str_add(&r.ev, "", 0);
	m = mime_new(lim != NULL ? lim : &def_lim, &rec_sink, &r);
	ck_assert_ptr_nonnull(m);
	if (chunk == 0)
		chunk = len > 0 ? len : 1;
	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		if (mime_feed(m, p + off, n, &err) != 0)
			break;
	}
	ck_assert_uint_ge(off, len);
	ck_assert_int_eq(mime_finish(m, &err), 0);
	ck_assert_uint_eq(mime_bytes(m), len);
	ck_assert_uint_eq(r.nopen, 0);
	ck_assert_uint_eq(r.bad, 0);
	mime_free(&m);
	ck_assert_ptr_null(m);
	return r.ev.s;
}

/* All four splits; they must agree.  Returns the whole-feed recording. */
static char *
run_all(const void *msg, size_t len, const struct mime_limits *lim)
{
	static const size_t chunks[] = { 1, 7, 4096 };
	char *whole, *other;
	size_t i;

	whole = run(msg, len, 0, lim);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		other = run(msg, len, chunks[i], lim);
		if (strcmp(whole, other) != 0)
			fprintf(stderr, "--- whole:\n%s--- chunk %zu:\n%s",
			    whole, chunks[i], other);
		ck_assert_str_eq(whole, other);
		free(other);
	}
	return whole;
}

static char *
run_str(const char *msg)
{
	return run_all(msg, strlen(msg), NULL);
}

static void
has(const char *ev, const char *needle)
{
	if (strstr(ev, needle) == NULL)
		fprintf(stderr, "missing <%s> in:\n%s", needle, ev);
	ck_assert_ptr_nonnull(strstr(ev, needle));
}

static void
hasnt(const char *ev, const char *needle)
{
	if (strstr(ev, needle) != NULL)
		fprintf(stderr, "unexpected <%s> in:\n%s", needle, ev);
	ck_assert_ptr_null(strstr(ev, needle));
}

static size_t
count(const char *ev, const char *needle)
{
	size_t n = 0;

	while ((ev = strstr(ev, needle)) != NULL) {
		n++;
		ev++;
	}
	return n;
}

/* A growable message under construction. */
static void
msg_add(struct str *b, const char *s)
{
	str_add(b, s, strlen(s));
}

/* ---- encoders for test data -------------------------------------- */

static char
uu_chr(unsigned v)
{
	return v == 0 ? '`' : (char)(v + 32);
}

static void
uuencode(struct str *b, const unsigned char *d, size_t n, const char *name)
{
	size_t i, k, len;
	unsigned char q[3];

	str_printf(b, "begin 644 %s\r\n", name);
	for (i = 0; i < n; i += 45) {
		len = n - i < 45 ? n - i : 45;
		str_printf(b, "%c", uu_chr((unsigned)len));
		for (k = 0; k < len; k += 3) {
			q[0] = d[i + k];
			q[1] = k + 1 < len ? d[i + k + 1] : 0;
			q[2] = k + 2 < len ? d[i + k + 2] : 0;
			str_printf(b, "%c%c%c%c", uu_chr(q[0] >> 2),
			    uu_chr(((q[0] & 3) << 4) | (q[1] >> 4)),
			    uu_chr(((q[1] & 15) << 2) | (q[2] >> 6)),
			    uu_chr(q[2] & 63));
		}
		msg_add(b, "\r\n");
	}
	msg_add(b, "`\r\nend\r\n");
}

static void
yencode(struct str *b, const unsigned char *d, size_t n, const char *name)
{
	size_t i, col = 0;
	unsigned char o;

	str_printf(b, "=ybegin line=128 size=%zu name=%s\r\n", n, name);
	for (i = 0; i < n; i++) {
		o = (unsigned char)(d[i] + 42);
		if (o == 0 || o == '\n' || o == '\r' || o == '=') {
			str_printf(b, "=%c", (char)(o + 64));
			col += 2;
		} else {
			str_add(b, &o, 1);
			col++;
		}
		if (col >= 128) {
			msg_add(b, "\r\n");
			col = 0;
		}
	}
	str_printf(b, "\r\n=yend size=%zu\r\n", n);
}

static uint64_t
fnv(const unsigned char *d, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ULL;
	return h;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- basic ------------------------------------------------------- */

START_TEST(simple_text)
{
	char *ev = run_str("From: a@example.org\r\nSubject: hi\r\n"
	    " there\r\n\r\nHello\r\nworld\r\n");

	has(ev, "H From=a@example.org\n");
	has(ev, "H Subject=hi there\n");
	has(ev, "B 1 leaf d0 text/plain cs=us-ascii cte=7bit disp=-\n");
	has(ev, "E 1 len=14 ");
	has(ev, "[Hello\\x0d\\x0aworld\\x0d\\x0a]");
	hasnt(ev, "F ");
	free(ev);
}
END_TEST

START_TEST(empty_and_headers_only)
{
	char *ev = run_str("");

	ck_assert_str_eq(ev, "B 1 leaf d0 text/plain cs=us-ascii cte=7bit"
	    " disp=-\nE 1 len=0 h=cbf29ce484222325 []\n");
	free(ev);
	ev = run_str("Subject: x");
	has(ev, "H Subject=x\n");
	has(ev, "E 1 len=0 ");
	free(ev);
}
END_TEST

static const char mixed_b64[] =
    "From: a@example.org\n"
    "Content-Type: multipart/mixed; boundary=\"XYZ\"\n"
    "\n"
    "preamble\n"
    "--XYZ\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "\n"
    "body text\n"
    "--XYZ\n"
    "Content-Type: application/octet-stream; name=\"a.bin\"\n"
    "Content-Disposition: attachment; filename=\"a.bin\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "SGVsbG8s\n"
    "IHdvcmxkIQ==\n"
    "--XYZ--\n"
    "epilogue\n";

START_TEST(multipart_base64)
{
	char *ev = run_str(mixed_b64);

	has(ev, "B - multi d0 multipart/mixed");
	has(ev, "B 1 leaf d1 text/plain cs=utf-8 cte=7bit");
	/* the LF before a delimiter belongs to the delimiter */
	has(ev, "E 1 len=9 ");
	has(ev, "[body text]");
	has(ev, "B 2 leaf d1 application/octet-stream cs=- cte=base64 "
	    "disp=attachment name=[a.bin]\n");
	has(ev, "[Hello, world!]");
	hasnt(ev, "F ");
	hasnt(ev, "preamble");
	free(ev);
}
END_TEST

START_TEST(nested_multipart)
{
	char *ev = run_str(
	    "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
	    "--outer\r\n"
	    "Content-Type: multipart/alternative; boundary=inner\r\n\r\n"
	    "--inner\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
	    "--inner\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n"
	    "--inner--\r\n"
	    "--outer\r\nContent-Type: application/pdf; name=x.pdf\r\n\r\n"
	    "%PDF-1.4\r\n"
	    "--outer--\r\n");

	has(ev, "B 1 multi d1 multipart/alternative");
	has(ev, "B 1.1 leaf d2 text/plain");
	has(ev, "E 1.1 len=5 ");
	has(ev, "B 1.2 leaf d2 text/html");
	has(ev, "[<p>html</p>]");
	has(ev, "B 2 leaf d1 application/pdf cs=- cte=7bit disp=- "
	    "name=[x.pdf]");
	has(ev, "[%PDF-1.4]");
	hasnt(ev, "F ");
	free(ev);
}
END_TEST

START_TEST(message_rfc822)
{
	char *ev = run_str(
	    "Subject: outer\n"
	    "Content-Type: multipart/mixed; boundary=b1\n\n"
	    "--b1\nContent-Type: text/plain\n\nsee attached\n"
	    "--b1\nContent-Type: message/rfc822\n\n"
	    "Subject: inner\n"
	    "Content-Type: multipart/mixed; boundary=b2\n\n"
	    "--b2\n\ninner text\n"
	    "--b2\nContent-Type: application/x-msdownload; name=inner.exe\n"
	    "Content-Transfer-Encoding: base64\n\nTVqQAAMAAAAEAAAA\n"
	    "--b2--\n"
	    "--b1--\n");

	has(ev, "H Subject=outer\n");
	hasnt(ev, "H Subject=inner");
	has(ev, "B 2 msg d1 message/rfc822");
	has(ev, "B 2 multi d2 multipart/mixed");
	has(ev, "B 2.1 leaf d3 text/plain");
	has(ev, "[inner text]");
	has(ev, "B 2.2 leaf d3 application/x-msdownload cs=- cte=base64 "
	    "disp=- name=[inner.exe]");
	has(ev, "E 2.2 len=12 ");
	has(ev, "[MZ\\x90\\x00\\x03");
	hasnt(ev, "F ");
	free(ev);
}
END_TEST

START_TEST(message_single_and_digest)
{
	char *ev = run_str(
	    "Content-Type: multipart/digest; boundary=d\n\n"
	    "--d\n\nSubject: one\n\nfirst\n"
	    "--d\nContent-Type: text/plain\n\nnot a message\n"
	    "--d--\n");

	has(ev, "B 1 msg d1 message/rfc822");
	has(ev, "B 1.1 leaf d2 text/plain");
	has(ev, "[first]");
	has(ev, "B 2 leaf d1 text/plain");
	free(ev);
}
END_TEST

/* ---- embedded uuencode and yEnc ---------------------------------- */

START_TEST(embedded_uu_yenc)
{
	unsigned char bin[300];
	struct str m = { 0 };
	char want[64];
	char *ev;
	size_t i;

	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(i * 7 + 3);
	msg_add(&m, "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
	    "Here is the file:\r\n\r\n");
	uuencode(&m, bin, sizeof(bin), "tool.exe");
	msg_add(&m, "and a yEnc one:\r\n");
	yencode(&m, bin, 200, "y.bin");
	msg_add(&m, "bye\r\n");
	ev = run_all(m.s, m.len, NULL);
	has(ev, "B 1 leaf d0 text/plain");
	has(ev, "B 1/tool.exe emb d1 application/octet-stream cs=- "
	    "cte=x-uuencode disp=attachment name=[tool.exe]\n");
	snprintf(want, sizeof(want), "E 1/tool.exe len=300 h=%016llx ",
	    (unsigned long long)fnv(bin, 300));
	has(ev, want);
	has(ev, "B 1/y.bin emb d1 application/octet-stream cs=- cte=x-yenc");
	snprintf(want, sizeof(want), "E 1/y.bin len=200 h=%016llx ",
	    (unsigned long long)fnv(bin, 200));
	has(ev, want);
	/* nested inside the text part, which ends last */
	ck_assert_ptr_nonnull(strstr(ev, "E 1 len="));
	ck_assert(strstr(ev, "E 1/y.bin") < strstr(ev, "E 1 len="));
	free(ev);
	free(m.s);
}
END_TEST

START_TEST(embedded_in_base64_text)
{
	/* "begin 644 a.txt\n#86)C\n`\nend\n" base64-encoded */
	char *ev = run_str("Content-Type: text/plain\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "YmVnaW4gNjQ0IGEudHh0CiM4NilDCmAKZW5kCg==\n");

	has(ev, "B 1/a.txt emb d1");
	has(ev, "E 1/a.txt len=3 ");
	has(ev, "[abc]");
	free(ev);
}
END_TEST

START_TEST(embedded_two_readings)
{
	/* both readings see one file; only quoted-printable sees q.txt */
	char *ev = run_str("Content-Type: text/plain\n"
	    "Content-Transfer-Encoding: 7bit\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "begin 644 both.txt\n#86)C\n`\nend\n"
	    "=62egin 644 q.txt\n#86)C\n`\nend\n");

	has(ev, "B 1/both.txt emb d1");
	has(ev, "B 1~2/both.txt emb d1");
	has(ev, "B 1~2/q.txt emb d1");
	hasnt(ev, "B 1/q.txt");
	has(ev, "E 1~2/q.txt len=3 ");
	hasnt(ev, "overlap");
	free(ev);
}
END_TEST

START_TEST(uuencode_cte)
{
	char *ev = run_str("Content-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: x-uuencode\n\n"
	    "begin 644 a.txt\n#86)C\n`\nend\n");

	has(ev, "cte=x-uuencode");
	has(ev, "E 1 len=3 ");
	has(ev, "[abc]");
	free(ev);
}
END_TEST

/* ---- file names -------------------------------------------------- */

START_TEST(names_japanese)
{
	char *ev = run_str(
	    "Content-Type: multipart/mixed; boundary=j\n\n"
	    "--j\n"
	    "Content-Type: application/octet-stream;\n"
	    " name=\"=?ISO-2022-JP?B?GyRCQEE1YT1xGyhCLmV4ZQ==?=\"\n"
	    "Content-Disposition: attachment;\n"
	    " filename=\"=?ISO-2022-JP?B?GyRCQEE1YT1xGyhCLmV4ZQ==?=\"\n"
	    "\nMZ\n"
	    "--j\n"
	    "Content-Type: application/pdf\n"
	    "Content-Disposition: attachment;\n"
	    " filename*2=\".pdf\";\n"
	    " filename*1*=%E6%9B%B8;\n"
	    " filename*0*=UTF-8''%E8%AB%8B%E6%B1%82\n"
	    "\n%PDF\n"
	    "--j--\n");

	/* one candidate: the name and filename agree after decoding */
	has(ev, "B 1 leaf d1 application/octet-stream cs=- cte=7bit "
	    "disp=attachment "
	    "name=[\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8.exe]\n");
	has(ev, "B 2 leaf d1 application/pdf cs=- cte=7bit disp=attachment "
	    "name=[\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8.pdf]\n");
	hasnt(ev, "F ");
	free(ev);
}
END_TEST

START_TEST(names_differ)
{
	char *ev = run_str(
	    "Content-Type: application/octet-stream; name=\"invoice.pdf\"\n"
	    "Content-Disposition: attachment; filename=\"invoice.exe\";\n"
	    "  filename*=UTF-8''invoice.scr\n\nMZ\n");

	has(ev, "name=[invoice.scr] name=[invoice.exe] name=[invoice.pdf]\n");
	has(ev, "F mime.ambiguous 1 file name candidates differ\n");
	free(ev);
}
END_TEST

START_TEST(name_in_8bit_uses_charset)
{
	/* raw Shift_JIS bytes of the name, read as the part's charset */
	char *ev = run_str(
	    "Content-Type: text/plain; charset=Shift_JIS;"
	    " name=\"\x90\xbf\x8b\x81\x8f\x91.txt\"\n\nx\n");

	has(ev, "cs=shift_jis");
	has(ev, "name=[\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8.txt]");
	free(ev);
}
END_TEST

/* ---- ambiguities ------------------------------------------------- */

START_TEST(duplicate_content_type)
{
	char *ev = run_str(
	    "Content-Type: multipart/mixed; boundary=\"AAA\"\n"
	    "Content-Type: multipart/mixed; boundary=\"BBB\"\n\n"
	    "--AAA\nContent-Type: text/plain\n\npart a\n"
	    "--BBB\nContent-Type: application/octet-stream; name=evil.exe\n\n"
	    "MZ\n"
	    "--AAA--\n");

	has(ev, "F mime.ambiguous - duplicate Content-Type\n");
	has(ev, "F mime.ambiguous - several boundaries\n");
	has(ev, "[part a]");
	has(ev, "B 2 leaf d1 application/octet-stream cs=- cte=7bit disp=- "
	    "name=[evil.exe]");
	has(ev, "E 2 len=2 ");
	hasnt(ev, "missing final");
	free(ev);
}
END_TEST

START_TEST(duplicate_types_alt)
{
	char *ev = run_str("Content-Type: text/plain\n"
	    "Content-Type: application/x-msdownload\n\nMZ\n");

	has(ev, "B 1 leaf d0 text/plain alt=application/x-msdownload");
	has(ev, "duplicate Content-Type");
	free(ev);
}
END_TEST

START_TEST(duplicate_cte)
{
	char *ev = run_str("Content-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: base64\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "SGVsbG8=3D\n");

	has(ev, "B 1 leaf d0 application/octet-stream cs=- cte=base64");
	has(ev, "B 1~2 leaf d0 application/octet-stream cs=- "
	    "cte=quoted-printable");
	has(ev, "F mime.ambiguous 1 duplicate Content-Transfer-Encoding\n");
	has(ev, "E 1~2 len=9 ");
	has(ev, "[SGVsbG8=\\x0a]");
	has(ev, "E 1 len=");
	has(ev, "[Hello");
	/* LIFO: the second reading ends first */
	ck_assert(strstr(ev, "E 1~2") < strstr(ev, "E 1 "));
	free(ev);
}
END_TEST

START_TEST(missing_final_boundary)
{
	char *ev = run_str("Content-Type: multipart/mixed; boundary=q\n\n"
	    "--q\n\nfirst\n--q\n\nsecond\n");

	has(ev, "B 2 leaf");
	has(ev, "[second\\x0a]");	/* no delimiter: the LF is content */
	has(ev, "F mime.ambiguous - missing final boundary\n");
	free(ev);
}
END_TEST

START_TEST(outer_boundary_closes_inner)
{
	char *ev = run_str("Content-Type: multipart/mixed; boundary=o\n\n"
	    "--o\nContent-Type: multipart/mixed; boundary=i\n\n"
	    "--i\n\ninner\n"
	    "--o\n\nafter\n--o--\n");

	has(ev, "B 1.1 leaf");
	has(ev, "E 1.1 len=5 ");
	has(ev, "F mime.ambiguous 1 missing final boundary\n");
	has(ev, "B 2 leaf d1");
	has(ev, "[after]");
	free(ev);
}
END_TEST

START_TEST(nul_and_cr_in_headers)
{
	static const char msg[] = "Subject: a\0b\nX-A: a\rb\n"
	    "Content-Type: text/plain\n\nbody\n";
	char *ev = run_all(msg, sizeof(msg) - 1, NULL);

	has(ev, "F mime.ambiguous 1 NUL byte in header\n");
	has(ev, "F mime.ambiguous 1 bare CR in header\n");
	has(ev, "[body\\x0a]");
	free(ev);
}
END_TEST

START_TEST(header_without_colon)
{
	char *ev = run_str("From sender@example.org Mon Jan  1 00:00:00 2024\n"
	    "Subject: x\nthis is no header\nContent-Type: text/html\n\nhi\n");

	has(ev, "F mime.ambiguous 1 header line without colon");
	/* once: the mbox "From " line is no such line */
	ck_assert_uint_eq(count(ev, "without colon"), 1);
	has(ev, "B 1 leaf d0 text/html");
	free(ev);
}
END_TEST

START_TEST(overlong_lines)
{
	struct str m = { 0 };
	char *ev;
	size_t i;

	msg_add(&m, "Content-Type: multipart/mixed; boundary=L\r\n\r\n--L\r\n"
	    "Content-Type: text/plain\r\n\r\n");
	for (i = 0; i < 2000; i++)
		msg_add(&m, "a");
	msg_add(&m, "\r\n");
	for (i = 0; i < 10000; i++)
		msg_add(&m, i % 100 == 99 ? "\r" : "b");
	msg_add(&m, "\r\n--L\r\n\r\n");
	for (i = 0; i < 9000; i++)
		msg_add(&m, "c");
	msg_add(&m, "\r\n--L--\r\n");
	ev = run_all(m.s, m.len, NULL);
	has(ev, "F mime.ambiguous 1 line longer than 998 bytes\n");
	has(ev, "F mime.ambiguous 2 line longer than 998 bytes\n");
	ck_assert_uint_eq(count(ev, "longer than 998"), 2);
	has(ev, "E 1 len=12002 ");		/* CR LF before --L excluded */
	has(ev, "E 2 len=9000 ");
	hasnt(ev, "missing");
	free(ev);
	free(m.s);
}
END_TEST

/*
 * Runs of body lines go to the leaf as one piece: lines of 998 bytes (and
 * CR LF) are ordinary, one of 999 is long, "-" lines and bare LFs stay
 * content, whatever the feed size.
 */
START_TEST(leaf_line_runs)
{
	struct str m = { 0 };
	char *ev;
	size_t i;

	msg_add(&m, "Content-Type: multipart/mixed; boundary=L\r\n\r\n--L\r\n"
	    "Content-Type: text/plain\r\n\r\nL1\r\n");
	for (i = 0; i < 998; i++)
		msg_add(&m, "a");
	msg_add(&m, "\r\n");
	for (i = 0; i < 999; i++)
		msg_add(&m, "b");
	msg_add(&m, "\r\n\n-x\r\n--Lx\r\nlast\r\n--L--\r\n");
	ev = run_all(m.s, m.len, NULL);
	ck_assert_uint_eq(count(ev, "longer than 998"), 1);
	has(ev, "F mime.ambiguous - line starts with a boundary but goes on\n");
	has(ev, "E 1 len=2020 ");
	hasnt(ev, "missing");
	free(ev);
	free(m.s);
}
END_TEST

START_TEST(boundary_prefix)
{
	char *ev = run_str("Content-Type: multipart/mixed; boundary=abc\n\n"
	    "--abc\nContent-Type: multipart/mixed; boundary=abcdef\n\n"
	    "--abcdef\n\none\n"
	    "--abcdefg\n"
	    "--abcdef--\n"
	    "--abc\n\ntwo\n--abc--\n");

	has(ev, "B 1.1 leaf d2");
	has(ev, "E 1.1 len=13 ");
	has(ev, "[one\\x0a--abcdefg]");
	has(ev, "F mime.ambiguous 1 line starts with a boundary but goes on\n");
	has(ev, "B 2 leaf d1");
	hasnt(ev, "missing");
	free(ev);
}
END_TEST

START_TEST(boundary_empty_and_none)
{
	char *ev = run_str("Content-Type: multipart/mixed; boundary=\"\"\n\n"
	    "--\n\nx\n----\n");

	has(ev, "F mime.ambiguous - empty boundary\n");
	has(ev, "B 1 leaf d1");
	free(ev);
	ev = run_str("Content-Type: multipart/mixed\n\n--x\n\ny\n");
	has(ev, "B 1 leaf d0 text/plain alt=multipart/mixed");
	has(ev, "F mime.ambiguous 1 multipart without boundary\n");
	free(ev);
}
END_TEST

START_TEST(boundary_reused_and_after_close)
{
	char *ev = run_str("Content-Type: multipart/mixed; boundary=r\n\n"
	    "--r\nContent-Type: multipart/mixed; boundary=r\n\n"
	    "--r\n\nx\n--r--\n--r\n\nlate\n");

	has(ev, "nested multipart reuses an outer boundary");
	has(ev, "part after the final boundary");
	has(ev, "[late\\x0a]");
	free(ev);
}
END_TEST

START_TEST(base64_junk)
{
	char *ev = run_str("Content-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "SGVs!!bG8=\nQUJD\n");

	has(ev, "F mime.ambiguous 1 base64 with junk bytes\n");
	has(ev, "F mime.ambiguous 1 base64 data after padding\n");
	free(ev);
}
END_TEST

START_TEST(unknown_cte_and_encoded_container)
{
	char *ev = run_str("Content-Transfer-Encoding: x-foo\n\nabc\n");

	has(ev, "unknown Content-Transfer-Encoding");
	has(ev, "cte=unknown");
	has(ev, "[abc\\x0a]");
	free(ev);
	ev = run_str("Content-Type: multipart/mixed; boundary=e\n"
	    "Content-Transfer-Encoding: base64\n\nLS1lCgpoaQotLWUtLQo=\n");
	has(ev, "B 1 leaf d0 multipart/mixed");
	has(ev, "multipart or message with a transfer encoding");
	has(ev, "[--e\\x0a\\x0ahi\\x0a--e--\\x0a]");
	free(ev);
}
END_TEST

START_TEST(bare_lf_crlf_mix)
{
	char *ev = run_str("Content-Type: multipart/mixed; boundary=m\r\n\n"
	    "--m  \r\nContent-Type: text/plain\n\r\nx\r\ny\n--m--\t\n");

	has(ev, "B 1 leaf d1 text/plain");
	has(ev, "[x\\x0d\\x0ay]");
	hasnt(ev, "F ");
	free(ev);
}
END_TEST

/* ---- limits and hostile input ------------------------------------ */

static void
nested(struct str *m, unsigned levels)
{
	unsigned i;

	for (i = 0; i < levels; i++)
		str_printf(m, "Content-Type: multipart/mixed; boundary=b%u\n\n"
		    "--b%u\n", i, i);
	msg_add(m, "Content-Type: text/plain\n\ndeep\n");
	for (i = levels; i-- > 0;)
		str_printf(m, "--b%u--\n", i);
}

START_TEST(depth_limit)
{
	struct str m = { 0 };
	char *ev;
	double t;

	nested(&m, 10000);
	t = now();
	ev = run_all(m.s, m.len, NULL);
	ck_assert(now() - t < 20.0);
	ck_assert_uint_eq(count(ev, "F limit.mime_depth"), 1);
	has(ev, "MIME nesting deeper than 32");
	/* the too-deep multipart is a leaf holding the raw rest */
	has(ev, "leaf d32 multipart/mixed");
	ck_assert_uint_eq(count(ev, " multi d"), 32);
	free(ev);
	free(m.s);
}
END_TEST

START_TEST(depth_small_limit)
{
	struct mime_limits lim = def_lim;
	struct str m = { 0 };
	char *ev;

	lim.depth = 2;
	nested(&m, 3);
	ev = run_all(m.s, m.len, &lim);
	has(ev, "F limit.mime_depth 1.1 MIME nesting deeper than 2\n");
	has(ev, "B 1.1 leaf d2 multipart/mixed");
	has(ev, "[--b2\\x0aContent-Type: text/plain");
	free(ev);
	free(m.s);
}
END_TEST

START_TEST(parts_limit)
{
	struct mime_limits lim = def_lim;
	struct str m = { 0 };
	char *ev;
	unsigned i;

	lim.parts = 10;
	msg_add(&m, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (i = 0; i < 30; i++)
		str_printf(&m, "--p\n\npart %u\n", i);
	msg_add(&m, "--p--\n");
	ev = run_all(m.s, m.len, &lim);
	ck_assert_uint_eq(count(ev, "F limit.mime_parts"), 1);
	ck_assert_uint_eq(count(ev, "\nB "), 10);	/* H line first */
	has(ev, "[part 8]");
	hasnt(ev, "[part 9]");
	free(ev);
	free(m.s);
}
END_TEST

START_TEST(header_size_limit)
{
	struct str m = { 0 };
	char *ev;
	size_t i;

	msg_add(&m, "Subject: x\nX-Long: ");
	for (i = 0; i < (1u << 20) + 5000; i++)
		str_add(&m, "h", 1);
	ev = run_all(m.s, m.len, NULL);
	has(ev, "F limit.header_size 1 header block over 1048576 bytes\n");
	has(ev, "H Subject=x\n");
	has(ev, "H X-Long=hhhh");
	/* the block holds 1 MiB; the rest of the line is body */
	has(ev, "E 1 len=5019 ");
	free(ev);
	free(m.s);
}
END_TEST

START_TEST(header_size_small)
{
	static const char hs_msg[] = "Subject: 0123456789\nX-B: 0123456789\n"
	    "X-C: 0123456789\n\nbody\n";
	struct mime_limits lim = def_lim;
	char *ev;

	lim.header_size = 40;
	ev = run_all(hs_msg, strlen(hs_msg), &lim);
	has(ev, "F limit.header_size 1 header block over 40 bytes\n");
	has(ev, "H X-B=0123456789\n");
	hasnt(ev, "H X-C");
	has(ev, "[X-C: 0123456789\\x0a\\x0abody\\x0a]");
	free(ev);
}
END_TEST

START_TEST(message_size_limit)
{
	struct mime_limits lim = def_lim;
	struct str m = { 0 };
	char *ev;
	size_t i;

	lim.message_size = 1000;
	msg_add(&m, "Subject: s\n\n");
	for (i = 0; i < 500; i++)
		msg_add(&m, "0123456789");
	ev = run_all(m.s, m.len, &lim);
	ck_assert_uint_eq(count(ev, "F limit.message_size"), 1);
	has(ev, "message over 1000 bytes");
	has(ev, "E 1 len=988 ");
	free(ev);
	free(m.s);
}
END_TEST

START_TEST(garbage)
{
	size_t n = (size_t)64 << 20, i;
	unsigned char *g = malloc(n);
	uint64_t x = 88172645463325252ULL;
	char *a, *b;
	double t;

	ck_assert_ptr_nonnull(g);
	for (i = 0; i < n; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(g + i, &x, 8);
	}
	t = now();
	a = run(g, n, 0, NULL);
	fprintf(stderr, "garbage 64 MiB whole: %.2f s\n", now() - t);
	b = run(g, n, 4096, NULL);
	ck_assert_str_eq(a, b);
	free(b);
	b = run(g, n, 7, NULL);
	ck_assert_str_eq(a, b);
	free(b);
	b = run(g, 1 << 20, 1, NULL);		/* 1 MiB byte by byte */
	free(b);
	ck_assert(now() - t < 60.0);
	has(a, "NUL byte in header");
	free(a);
	free(g);
}
END_TEST

START_TEST(nuls_everywhere)
{
	static const char msg[] = "Con\0tent-Type: multipart/mixed; "
	    "boundary=\"a\0b\"\n\n--a\0b\n\0\n\0\0\0\n--a\0b--\n\0";
	char *ev = run_all(msg, sizeof(msg) - 1, NULL);

	has(ev, "NUL byte in header");
	has(ev, "B 1 leaf");
	free(ev);
}
END_TEST

START_TEST(random_structured)
{
	/* random mixes of MIME tokens must agree across splits */
	static const char *const tok[] = {
		"--a\n", "--a--\n", "--b\r\n", "\n", "\r\n",
		"Content-Type: multipart/mixed; boundary=b\n",
		"Content-Type: multipart/mixed; boundary=a\n",
		"Content-Type: message/rfc822\n",
		"Content-Transfer-Encoding: base64\n",
		"Content-Transfer-Encoding: quoted-printable\n",
		"Content-Type: text/plain\n", "begin 644 f\n", "#86)C\n",
		"end\n", "=ybegin name=y\n", "=yend\n", "QUJD\n", "x=\r\n",
		"\r", " folded\n", "\0",
	};
	struct str m;
	const char *t;
	uint64_t x = 1;
	unsigned round, i;
	char *ev;

	for (round = 0; round < 200; round++) {
		memset(&m, 0, sizeof(m));
		for (i = 0; i < 60; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			t = tok[(x >> 33) % (sizeof(tok) / sizeof(*tok))];
			if (t[0] == '\0')
				str_add(&m, "", 1);	/* a NUL byte */
			else
				msg_add(&m, t);
		}
		ev = run_all(m.s, m.len, NULL);
		ck_assert_ptr_nonnull(strstr(ev, "B "));
		free(ev);
		free(m.s);
	}
}
END_TEST

/* ---- sink failure ------------------------------------------------ */

START_TEST(sink_failure)
{
	struct rec r;
	struct mime *m;
	const char *err = NULL;

	memset(&r, 0, sizeof(r));
	r.fail_begin_at = 2;
	m = mime_new(&def_lim, &rec_sink, &r);
	ck_assert_int_eq(mime_feed(m, mixed_b64, 80, &err), 0);
	ck_assert_int_eq(mime_feed(m, mixed_b64 + 80, sizeof(mixed_b64) - 81,
	    &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(mime_feed(m, "x", 1, &err), -1);
	ck_assert_int_eq(mime_finish(m, &err), -1);
	mime_free(&m);
	mime_free(&m);
	/* After a failure open parts are not ended: their state is ours. */
	ck_assert_uint_eq(r.nopen, 1);
	while (r.nopen > 0) {
		free(r.open[r.nopen - 1]->data.s);
		free(r.open[--r.nopen]);
	}
	free(r.ev.s);
}
END_TEST

static Suite *
mime_suite(void)
{
	Suite *s = suite_create("mime");
	TCase *tc;

	tc = tcase_create("basic");
	tcase_add_test(tc, simple_text);
	tcase_add_test(tc, empty_and_headers_only);
	tcase_add_test(tc, multipart_base64);
	tcase_add_test(tc, nested_multipart);
	tcase_add_test(tc, message_rfc822);
	tcase_add_test(tc, message_single_and_digest);
	tcase_add_test(tc, bare_lf_crlf_mix);
	suite_add_tcase(s, tc);

	tc = tcase_create("embedded");
	tcase_add_test(tc, embedded_uu_yenc);
	tcase_add_test(tc, embedded_in_base64_text);
	tcase_add_test(tc, embedded_two_readings);
	tcase_add_test(tc, uuencode_cte);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, names_japanese);
	tcase_add_test(tc, names_differ);
	tcase_add_test(tc, name_in_8bit_uses_charset);
	suite_add_tcase(s, tc);

	tc = tcase_create("ambiguous");
	tcase_add_test(tc, duplicate_content_type);
	tcase_add_test(tc, duplicate_types_alt);
	tcase_add_test(tc, duplicate_cte);
	tcase_add_test(tc, missing_final_boundary);
	tcase_add_test(tc, outer_boundary_closes_inner);
	tcase_add_test(tc, nul_and_cr_in_headers);
	tcase_add_test(tc, header_without_colon);
	tcase_add_test(tc, overlong_lines);
	tcase_add_test(tc, leaf_line_runs);
	tcase_add_test(tc, boundary_prefix);
	tcase_add_test(tc, boundary_empty_and_none);
	tcase_add_test(tc, boundary_reused_and_after_close);
	tcase_add_test(tc, base64_junk);
	tcase_add_test(tc, unknown_cte_and_encoded_container);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, depth_limit);
	tcase_add_test(tc, depth_small_limit);
	tcase_add_test(tc, parts_limit);
	tcase_add_test(tc, header_size_limit);
	tcase_add_test(tc, header_size_small);
	tcase_add_test(tc, message_size_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, garbage);
	tcase_add_test(tc, nuls_everywhere);
	tcase_add_test(tc, random_structured);
	tcase_add_test(tc, sink_failure);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(mime_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
