/*
 * lure_script: is this text a script Windows would run?  (see lure.h)
 *
 * First the markers a format cannot do without (an HTA's
 * <hta:application>, a .wsf's <job> with <script language=...>, a
 * scriptlet's <scriptlet>, "#@~^" of an encoded VBE/JSE, a registry
 * file's header, "@echo off" opening a batch file, an MMC console's root
 * element).  Then keyword scoring: the text is cut into words (letters,
 * digits and the punctuation script names use: . _ - $ @ % ~ /), each
 * word and each pair of adjacent words is looked up in a table of the
 * names the script hosts and their droppers use (WScript.Shell,
 * ActiveXObject, Invoke-Expression, DownloadString, certutil
 * -urlcache, ...), each counted once, weighted strong (10), medium (5)
 * or weak (2, common English words such as "set").  A kind fires at
 * LURE_SCORE_MIN with at least one medium or strong word, so that
 * ordinary prose, CSV and HL7 stay quiet.
 *
 * Untrusted input: t[0..n), at most LURE_TEXT_MAX bytes.  One pass over
 * the words with a binary search each; no allocation.  Thread-safe:
 * static tables only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lure.h"

#define LURE_SCORE_MIN	15
#define LURE_WORD_MAX	40

#define K_JS	0x1
#define K_VBS	0x2
#define K_PS	0x4
#define K_BAT	0x8
#define K_WSH	(K_JS | K_VBS)
#define K_NKIND	4

struct lure_kw {
	const char	*word;		/* lowercase; "a b" for a pair */
	unsigned	 kinds;
	int		 weight;
};

/* Sorted by word (strcmp) for bsearch. */
static const struct lure_kw kw[] = {
	{ "$env", K_PS, 5 },
	{ "$psversiontable", K_PS, 5 },
	{ "%appdata%", K_BAT, 5 },
	{ "%comspec%", K_BAT, 5 },
	{ "%temp%", K_BAT, 5 },
	{ "%userprofile%", K_BAT, 5 },
	{ "%~dp0", K_BAT, 5 },
	{ "-decode", K_BAT, 5 },
	{ "-enc", K_PS | K_BAT, 5 },
	{ "-encodedcommand", K_PS | K_BAT, 10 },
	{ "-executionpolicy", K_PS | K_BAT, 5 },
	{ "-nop", K_PS | K_BAT, 5 },
	{ "-noprofile", K_PS | K_BAT, 5 },
	{ "-urlcache", K_BAT, 10 },
	{ "-windowstyle", K_PS | K_BAT, 5 },
	{ "/c", K_BAT, 2 },
	{ "@echo", K_BAT, 5 },
	{ "@echo off", K_BAT, 10 },
	{ "activexobject", K_JS, 10 },
	{ "add-type", K_PS, 5 },
	{ "adodb.stream", K_WSH, 10 },
	{ "bitsadmin", K_BAT, 10 },
	{ "bypass", K_PS | K_BAT, 5 },
	{ "call", K_BAT, 2 },
	{ "certutil", K_BAT, 5 },
	{ "charcodeat", K_JS, 2 },
	{ "chr", K_VBS, 2 },
	{ "chrw", K_VBS, 2 },
	{ "cmd", K_BAT, 2 },
	{ "cmd.exe", K_BAT | K_WSH, 5 },
	{ "createobject", K_VBS, 5 },
	{ "dim", K_VBS, 2 },
	{ "downloaddata", K_PS, 10 },
	{ "downloadfile", K_PS, 10 },
	{ "downloadstring", K_PS, 10 },
	{ "echo", K_BAT, 2 },
	{ "elseif", K_VBS, 2 },
	{ "enabledelayedexpansion", K_BAT, 5 },
	{ "end function", K_VBS, 5 },
	{ "end if", K_VBS, 2 },
	{ "end sub", K_VBS, 5 },
	{ "endlocal", K_BAT, 5 },
	{ "errorlevel", K_BAT, 5 },
	{ "eval", K_JS, 2 },
	{ "execute", K_VBS, 2 },
	{ "executeglobal", K_VBS, 10 },
	{ "exit", K_BAT, 2 },
	{ "foreach-object", K_PS, 5 },
	{ "frombase64string", K_PS, 5 },
	{ "fromcharcode", K_JS, 5 },
	{ "function", K_JS | K_PS, 2 },
	{ "get-childitem", K_PS, 5 },
	{ "get-wmiobject", K_PS, 5 },
	{ "getobject", K_WSH, 5 },
	{ "goto", K_BAT, 5 },
	{ "hidden", K_PS | K_BAT, 2 },
	{ "iex", K_PS, 5 },
	{ "invoke-command", K_PS, 5 },
	{ "invoke-expression", K_PS, 10 },
	{ "invoke-restmethod", K_PS, 5 },
	{ "invoke-webrequest", K_PS, 5 },
	{ "iwr", K_PS, 2 },
	{ "msgbox", K_VBS, 2 },
	{ "mshta", K_BAT | K_WSH, 10 },
	{ "mshta.exe", K_BAT | K_WSH, 10 },
	{ "msxml2.serverxmlhttp", K_WSH, 5 },
	{ "msxml2.xmlhttp", K_WSH, 5 },
	{ "net.webclient", K_PS, 10 },
	{ "new-itemproperty", K_PS, 5 },
	{ "new-object", K_PS, 5 },
	{ "nul", K_BAT, 2 },
	{ "on error", K_VBS, 2 },
	{ "out-file", K_PS, 5 },
	{ "param", K_PS, 2 },
	{ "powershell", K_PS | K_BAT | K_WSH, 2 },
	{ "powershell.exe", K_PS | K_BAT | K_WSH, 5 },
	{ "reflection.assembly", K_PS, 10 },
	{ "reg", K_BAT, 2 },
	{ "regsvr32", K_BAT | K_WSH, 10 },
	{ "rem", K_BAT, 2 },
	{ "resume next", K_VBS, 5 },
	{ "rundll32", K_BAT | K_WSH, 10 },
	{ "schtasks", K_BAT | K_WSH, 5 },
	{ "scripting.filesystemobject", K_WSH, 10 },
	{ "set", K_VBS | K_BAT, 2 },
	{ "set-executionpolicy", K_PS, 10 },
	{ "set-itemproperty", K_PS, 5 },
	{ "setlocal", K_BAT, 5 },
	{ "shell.application", K_WSH, 10 },
	{ "start", K_BAT, 2 },
	{ "start-bitstransfer", K_PS, 5 },
	{ "start-process", K_PS, 5 },
	{ "system.convert", K_PS, 2 },
	{ "system.net.webclient", K_PS, 10 },
	{ "var", K_JS, 2 },
	{ "vbcrlf", K_VBS, 5 },
	{ "vssadmin", K_BAT | K_PS, 10 },
	{ "wend", K_VBS, 2 },
	{ "winhttp.winhttprequest.5.1", K_WSH, 5 },
	{ "winmgmts", K_WSH | K_PS, 5 },
	{ "wmic", K_BAT, 5 },
	{ "write-host", K_PS, 5 },
	{ "wscript.arguments", K_WSH, 5 },
	{ "wscript.createobject", K_WSH, 10 },
	{ "wscript.echo", K_WSH, 5 },
	{ "wscript.quit", K_WSH, 5 },
	{ "wscript.scriptfullname", K_WSH, 5 },
	{ "wscript.shell", K_WSH, 10 },
	{ "wscript.sleep", K_WSH, 5 },
};

#define NKW	(sizeof(kw) / sizeof(kw[0]))
_Static_assert(NKW < 255, "lure_score indexes kw with unsigned char");

static const char *const kind_names[K_NKIND] = {
	"JScript (Windows Script Host)", "VBScript", "PowerShell",
	"batch file"
};

struct lure_score {
	unsigned char	lo[128], hi[128];	/* kw range by first byte */
	unsigned char	len[NKW];
	unsigned char	seen[NKW];
	int		score[K_NKIND];
	int		strong[K_NKIND];	/* a word of weight >= 5 */
	const char	*first[K_NKIND][3];	/* evidence */
};

/* Index the (sorted) table by first byte and length. */
static void
lure_index(struct lure_score *s)
{
	size_t i;

	for (i = NKW; i-- > 0;) {
		unsigned char c = (unsigned char)kw[i].word[0];

		s->len[i] = (unsigned char)strlen(kw[i].word);
		if (s->hi[c] == 0)
			s->hi[c] = (unsigned char)(i + 1);
		s->lo[c] = (unsigned char)i;
	}
}

static void
lure_count(struct lure_score *s, const char *word, size_t n)
{
	const struct lure_kw *e = NULL;
	unsigned char c = (unsigned char)word[0];
	size_t i, k;

	if (c >= 128)
		return;
	for (i = s->lo[c]; i < s->hi[c]; i++) {
		if (s->len[i] == n && memcmp(kw[i].word, word, n) == 0) {
			e = &kw[i];
			break;
		}
	}
	if (e == NULL || s->seen[e - kw])
		return;
	s->seen[e - kw] = 1;
	for (k = 0; k < K_NKIND; k++) {
		if (!(e->kinds & (1u << k)))
			continue;
		s->score[k] += e->weight;
		if (e->weight >= 5)
			s->strong[k] = 1;
		for (i = 0; i < 3; i++) {
			if (s->first[k][i] == NULL) {
				s->first[k][i] = e->word;
				break;
			}
		}
	}
}

static int
lure_wordch(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
	    c == '$' || c == '@' || c == '%' || c == '~' || c == '/';
}

/* One pass over the words and adjacent pairs of t[0..n). */
static void
lure_words(struct lure_score *s, const unsigned char *t, size_t n)
{
	char prev[LURE_WORD_MAX + 1] = "", cur[LURE_WORD_MAX + 1];
	char pair[2 * LURE_WORD_MAX + 2];
	size_t i = 0, j, w;

	while (i < n) {
		if (!lure_wordch(t[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && lure_wordch(t[j]); j++)
			;
		w = j - i;
		while (w > 1 && t[i + w - 1] == '.')
			w--;			/* "... the end." */
		if (w >= 2 && w <= LURE_WORD_MAX && !(t[i] >= '0' &&
		    t[i] <= '9')) {
			for (size_t k = 0; k < w; k++)
				cur[k] = (char)(t[i + k] >= 'A' &&
				    t[i + k] <= 'Z' ? t[i + k] + 32 : t[i + k]);
			cur[w] = '\0';
			lure_count(s, cur, w);
			if (prev[0] != '\0') {
				size_t pl = strlen(prev);

				memcpy(pair, prev, pl);
				pair[pl] = ' ';
				memcpy(pair + pl + 1, cur, w + 1);
				lure_count(s, pair, pl + 1 + w);
			}
			/* Only these begin a pair in the table. */
			if (strcmp(cur, "@echo") == 0 ||
			    strcmp(cur, "end") == 0 || strcmp(cur, "on") == 0 ||
			    strcmp(cur, "resume") == 0)
				memcpy(prev, cur, w + 1);
			else
				prev[0] = '\0';
		} else
			prev[0] = '\0';
		i = j;
	}
}

/* Case-insensitive search for an ASCII needle in t[0..n). */
static const unsigned char *
lure_find(const unsigned char *t, size_t n, const char *needle)
{
	size_t m = strlen(needle), i;
	unsigned char c0 = (unsigned char)needle[0];

	for (i = 0; m <= n && i <= n - m; i++) {
		if (c0 == '<') {
			const unsigned char *q;

			q = memchr(t + i, '<', n - m - i + 1);

			if (q == NULL)
				return NULL;
			i = (size_t)(q - t);
		} else if ((t[i] | 0x20) != c0)
			continue;
		if (strncasecmp((const char *)t + i, needle, m) == 0)
			return t + i;
	}
	return NULL;
}

/* Skip a UTF-8 BOM and white space. */
static const unsigned char *
lure_skip(const unsigned char *t, size_t n, size_t *left_r)
{
	size_t i = 0;

	if (n >= 3 && t[0] == 0xef && t[1] == 0xbb && t[2] == 0xbf)
		i = 3;
	while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' ||
	    t[i] == '\n'))
		i++;
	*left_r = n - i;
	return t + i;
}

/* <script language="vbscript"> or type="text/vbscript" (and JScript). */
static const char *
lure_script_lang(const unsigned char *t, size_t n)
{
	static const char *const pat[] = { "language=\"vbscript",
	    "language='vbscript", "language=vbscript",
	    "type=\"text/vbscript", "language=\"jscript",
	    "language='jscript", "language=jscript" };
	size_t i;

	for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (lure_find(t, n, pat[i]) != NULL)
			return pat[i];
	return NULL;
}

/* Formats a script host recognises by a marker of their own. */
static const char *
lure_markers(const unsigned char *t, size_t n, int html, char *why,
    size_t cap)
{
	size_t left;
	const unsigned char *s = lure_skip(t, n, &left);
	const char *lang;

	if (lure_find(t, n, "<hta:application") != NULL) {
		snprintf(why, cap, "<HTA:APPLICATION> element");
		return "HTML application (HTA)";
	}
	if (html && (lang = lure_script_lang(t, n)) != NULL) {
		snprintf(why, cap, "<script %s\">", lang);
		return "HTML application script";
	}
	if (html)
		return NULL;
	if (lure_find(t, n, "<job") != NULL && (lang = lure_script_lang(t,
	    n)) != NULL) {
		snprintf(why, cap, "<job> with <script %s\">", lang);
		return "Windows script file (.wsf)";
	}
	if (lure_find(t, n, "<scriptlet") != NULL &&
	    lure_find(t, n, "<script") != NULL) {
		snprintf(why, cap, "<scriptlet> element");
		return "Windows scriptlet (.sct/.wsc)";
	}
	if (left >= 12 && memcmp(s, "#@~^", 4) == 0) {
		snprintf(why, cap, "\"#@~^\" encoding marker");
		return "encoded script (VBE/JSE)";
	}
	if ((left >= 36 && strncasecmp((const char *)s,
	    "Windows Registry Editor Version 5", 33) == 0) ||
	    (left >= 8 && strncasecmp((const char *)s, "REGEDIT4", 8) == 0)) {
		snprintf(why, cap, "registry editor header");
		return "registry file (.reg)";
	}
	if (left >= 9 && strncasecmp((const char *)s, "@echo off", 9) == 0) {
		snprintf(why, cap, "begins with @echo off");
		return "batch file";
	}
	if (lure_find(t, n < 1024 ? n : 1024, "<MMC_ConsoleFile") != NULL) {
		snprintf(why, cap, "<MMC_ConsoleFile> element");
		return "MMC console (.msc)";
	}
	return NULL;
}

const char *
lure_script_kind(const unsigned char *t, size_t n, int html, char *why,
    size_t cap)
{
	struct lure_score s;
	const char *k;
	int best = -1;

	if (cap > 0)
		why[0] = '\0';
	if (n > LURE_TEXT_MAX)
		n = LURE_TEXT_MAX;
	if ((k = lure_markers(t, n, html, why, cap)) != NULL || html)
		return k;
	memset(&s, 0, sizeof(s));
	lure_index(&s);
	lure_words(&s, t, n);
	for (int i = 0; i < K_NKIND; i++)
		if (s.strong[i] && s.score[i] >= LURE_SCORE_MIN &&
		    (best == -1 || s.score[i] > s.score[best]))
			best = i;
	if (best == -1)
		return NULL;
	snprintf(why, cap, "score %d: %s%s%s%s%s", s.score[best],
	    s.first[best][0], s.first[best][1] ? ", " : "",
	    s.first[best][1] ? s.first[best][1] : "",
	    s.first[best][2] ? ", " : "",
	    s.first[best][2] ? s.first[best][2] : "");
	return kind_names[best];
}
