/*
 * names: attachment name checks (see names.h).
 *
 * Untrusted input: name candidates (UTF-8 or not).  Limits: the scan for
 * invisible characters is linear over the name; folding looks at most at
 * the policy's max_name_length last bytes; escaped names in findings are
 * cut at NAMES_SHOW_MAX bytes.  Memory: temporary sbufs freed before
 * returning; finding details are copied by msgctx.  Thread-safe: no state.
 */
#include <stdint.h>
#include <string.h>

#include "lists.h"
#include "log.h"
#include "msgctx.h"
#include "names.h"
#include "policy.h"
#include "sbuf.h"
#include "uni.h"

#define NAMES_SHOW_MAX	400	/* bytes of an escaped name in a detail */
#define NAMES_FOLD_MAX	4096	/* tail bytes folded by names_extension() */
#define NAMES_PAD_MIN	3	/* spaces/underscores that count as padding */

/* Extensions that look like documents or media (inner of a double one). */
static const char *const doc_exts[] = {
	"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf",
	"jpg", "jpeg", "png", "gif", "tif", "tiff", "csv", "zip", "html", "htm",
};

/* Extensions that run code (or mount/launch it) when opened on Windows. */
static const char *const exec_exts[] = {
	"exe", "com", "scr", "pif", "cpl", "dll", "ocx", "sys", "drv", "efi",
	"msi", "msp", "msu", "mst", "appx", "appxbundle", "msix", "msixbundle",
	"appref-ms", "application", "gadget", "bat", "cmd", "vbs", "vbe", "js",
	"jse", "wsf", "wsh", "wsc", "ws", "sct", "hta", "ps1", "psm1", "psd1",
	"ps1xml", "psc1", "jar", "reg", "inf", "scf", "lnk", "url", "chm",
	"hlp", "iso", "img", "vhd", "vhdx", "one", "xll", "settingcontent-ms",
	"library-ms", "searchconnector-ms", "diagcab", "msc", "shs", "xbap",
};

static int
names_in(const char *const *list, size_t n, const char *ext)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], ext) == 0)
			return 1;
	return 0;
}

int
names_is_executable_ext(const char *ext)
{
	return names_in(exec_exts, sizeof(exec_exts) / sizeof(exec_exts[0]),
	    ext);
}

static int
names_is_doc_ext(const char *ext)
{
	return names_in(doc_exts, sizeof(doc_exts) / sizeof(doc_exts[0]), ext);
}

/* Bidi controls: embeddings, overrides, isolates, marks (UAX #9). */
static int
names_is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
	    cp == 0x061c;
}

/* Zero-width and invisible formatting characters. */
static int
names_is_zero_width(uint32_t cp)
{
	return (cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2060 &&
	    cp <= 0x2064) || cp == 0xfeff || cp == 0x180e || cp == 0x00ad;
}

/* Copy s without bidi controls and zero-width characters. */
static void
names_strip(const char *s, size_t len, struct sbuf *out)
{
	size_t off = 0;
	uint32_t cp;

	while (off < len) {
		cp = uni_next(s, len, &off);
		if (!names_is_bidi(cp) && !names_is_zero_width(cp))
			(void)uni_put(out, cp);
	}
}

int
names_fold(const char *name, size_t max_len, struct sbuf *out)
{
	size_t len = strlen(name), start = 0;
	struct sbuf nfkc, clean;
	int rc;

	if (max_len == 0 || max_len > UNI_MAX_INPUT)
		max_len = UNI_MAX_INPUT;
	if (len > max_len) {
		start = len - max_len;
		/* Start on a code point, not in the middle of one. */
		for (int i = 0; i < 3 && start < len &&
		    ((unsigned char)name[start] & 0xc0) == 0x80; i++)
			start++;
	}
	sbuf_init(&nfkc, 0);
	sbuf_init(&clean, 0);
	rc = uni_nfkc(name + start, len - start, &nfkc);
	if (rc != -1) {
		names_strip((const char *)nfkc.data, nfkc.len, &clean);
		/* Windows drops trailing dots and spaces (a.exe. is a.exe). */
		while (clean.len > 0 && (clean.data[clean.len - 1] == '.' ||
		    clean.data[clean.len - 1] == ' '))
			clean.len--;
		if (sbuf_append(out, clean.data, clean.len) != 0 ||
		    start > 0)
			rc = 1;
	}
	sbuf_release(&nfkc);
	sbuf_release(&clean);
	return rc;
}

/* Extension of the last path component of a folded name (len bytes). */
static int
names_ext_of(const char *s, size_t len, char *ext, size_t cap)
{
	size_t i, base = 0, dot = len, n;

	if (cap > 0)
		ext[0] = '\0';
	for (i = 0; i < len; i++) {
		if (s[i] == '/' || s[i] == '\\')
			base = i + 1, dot = len;
		else if (s[i] == '.')
			dot = i;
	}
	if (dot == len || dot < base)
		return 0;
	n = len - dot - 1;
	if (n == 0 || n > NAMES_EXT_MAX || n + 1 > cap)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[dot + 1 + i];

		ext[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	ext[n] = '\0';
	return 1;
}

int
names_extension(const char *name, char *ext, size_t cap)
{
	struct sbuf f;
	int rc = 0;

	if (cap > 0)
		ext[0] = '\0';
	sbuf_init(&f, 0);
	if (names_fold(name, NAMES_FOLD_MAX, &f) != -1)
		rc = names_ext_of((const char *)f.data, f.len, ext, cap);
	sbuf_release(&f);
	return rc;
}

/* Escaped copy of s for a finding detail (bidi, controls made visible). */
static const char *
names_show(struct sbuf *b, const char *s, size_t len)
{
	sbuf_init(b, NAMES_SHOW_MAX);
	if (log_escape(b, s, len) != 0) {
		/* Make room for the ellipsis, cut on a code point. */
		b->len = b->len > 3 ? b->len - 3 : 0;
		while (b->len > 0 && (b->data[b->len] & 0xc0) == 0x80)
			b->len--;
		(void)sbuf_puts(b, "...");
	}
	return sbuf_str(b);
}

/* What one name holds, gathered once for all the checks. */
struct names_info {
	const char	*raw;
	size_t		 rawlen;
	uint32_t	 bidi;		/* first bidi control, or 0 */
	uint32_t	 zw;		/* first zero-width character, or 0 */
	struct sbuf	 folded;	/* names_fold() */
	char		 ext[NAMES_EXT_MAX + 1];
	int		 has_ext;
};

static void
names_scan(struct names_info *ni)
{
	size_t off = 0;
	uint32_t cp;

	while (off < ni->rawlen) {
		cp = uni_next(ni->raw, ni->rawlen, &off);
		if (ni->bidi == 0 && names_is_bidi(cp))
			ni->bidi = cp;
		if (ni->zw == 0 && names_is_zero_width(cp))
			ni->zw = cp;
	}
}

static void
names_bidi(struct msgctx *msg, const char *where, struct names_info *ni)
{
	struct sbuf show, vis, vshow;

	sbuf_init(&vis, 0);
	if (uni_visual(ni->raw, ni->rawlen, &vis) == -1)
		(void)sbuf_puts(&vis, "?");
	names_show(&show, ni->raw, ni->rawlen);
	names_show(&vshow, (const char *)vis.data, vis.len);
	msgctx_finding(msg, "attachment.bidi_control", where,
	    "name '%s' has bidi control U+%04X: it shows as '%s'; real "
	    "extension %s%s", sbuf_str(&show), (unsigned)ni->bidi,
	    sbuf_str(&vshow), ni->has_ext ? "." : "(none)",
	    ni->has_ext ? ni->ext : "");
	sbuf_release(&show);
	sbuf_release(&vis);
	sbuf_release(&vshow);
}

static void
names_zero_width(struct msgctx *msg, const char *where,
    struct names_info *ni)
{
	struct sbuf show;

	names_show(&show, ni->raw, ni->rawlen);
	msgctx_finding(msg, "attachment.zero_width", where,
	    "name '%s' has invisible character U+%04X; read as '%s'",
	    sbuf_str(&show), (unsigned)ni->zw, sbuf_str(&ni->folded));
	sbuf_release(&show);
}

/* Finding for a blocked extension ext of the name (or its stream part). */
static void
names_blocked(struct msgctx *msg, const char *where, struct names_info *ni,
    const char *ext, const char *how)
{
	struct sbuf show, fshow;
	const char *f = sbuf_str(&ni->folded);

	names_show(&show, ni->raw, ni->rawlen);
	names_show(&fshow, f, ni->folded.len);
	if (strcmp(f, ni->raw) == 0)
		msgctx_finding(msg, "attachment.blocked_extension", where,
		    "%s: extension .%s%s is blocked", sbuf_str(&show), ext,
		    how);
	else
		msgctx_finding(msg, "attachment.blocked_extension", where,
		    "%s (read as '%s'): extension .%s%s is blocked",
		    sbuf_str(&show), sbuf_str(&fshow), ext, how);
	sbuf_release(&show);
	sbuf_release(&fshow);
}

/*
 * Alternate data stream "a.exe:zone" or "a.txt:evil.exe": the file part
 * before the first ':' of the last component has its own extension.
 */
static void
names_stream(struct msgctx *msg, const char *where, struct names_info *ni)
{
	const char *f = sbuf_str(&ni->folded), *base, *colon;
	char ext[NAMES_EXT_MAX + 1];

	base = f;
	for (const char *p = f; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if ((colon = strchr(base, ':')) == NULL)
		return;
	if (names_ext_of(base, (size_t)(colon - base), ext, sizeof(ext)) &&
	    strcmp(ext, ni->ext) != 0 &&
	    lists_has_extension(msg->pol->blocked_extensions, ext))
		names_blocked(msg, where, ni, ext,
		    " (of the file part before ':')");
}

/* The part of a folded name's last component before its final dot. */
struct names_stem {
	const char	*s;
	size_t		 len;		/* stem without padding */
	size_t		 pad;		/* trailing spaces/underscores */
};

static int
names_stem_of(const struct sbuf *folded, struct names_stem *st)
{
	const char *s = (const char *)folded->data;
	size_t base = 0, dot = folded->len;

	for (size_t i = 0; i < folded->len; i++) {
		if (s[i] == '/' || s[i] == '\\')
			base = i + 1, dot = folded->len;
		else if (s[i] == '.')
			dot = i;
	}
	if (dot == folded->len || dot < base)
		return 0;
	st->s = s + base;
	st->len = dot - base;
	st->pad = 0;
	while (st->len > 0 && (st->s[st->len - 1] == ' ' ||
	    st->s[st->len - 1] == '_')) {
		st->len--;
		st->pad++;
	}
	return 1;
}

/*
 * "invoice.pdf.exe", "invoice.pdf      .exe", "scan      .scr": a
 * document-looking inner extension or padding in front of an outer one
 * that runs code (or is blocked), or a document extension padded away
 * from whatever follows it.
 */
static void
names_double(struct msgctx *msg, const char *where, struct names_info *ni)
{
	char inner[NAMES_EXT_MAX + 1];
	struct names_stem st;
	struct sbuf show;
	int risky, doc;

	if (!ni->has_ext || !names_stem_of(&ni->folded, &st))
		return;
	doc = names_ext_of(st.s, st.len, inner, sizeof(inner)) &&
	    names_is_doc_ext(inner);
	risky = names_is_executable_ext(ni->ext) ||
	    lists_has_extension(msg->pol->blocked_extensions, ni->ext);
	if (!(risky && (doc || st.pad >= NAMES_PAD_MIN)) &&
	    !(doc && st.pad >= NAMES_PAD_MIN))
		return;
	names_show(&show, ni->raw, ni->rawlen);
	if (doc)
		msgctx_finding(msg, "attachment.double_extension", where,
		    "name '%s' looks like .%s but its real extension is .%s%s",
		    sbuf_str(&show), inner, ni->ext, st.pad >= NAMES_PAD_MIN ?
		    " (pushed out of sight by padding)" : "");
	else
		msgctx_finding(msg, "attachment.double_extension", where,
		    "name '%s' hides its real extension .%s behind %zu "
		    "padding characters", sbuf_str(&show), ni->ext, st.pad);
	sbuf_release(&show);
}

void
names_check(struct msgctx *msg, const char *where, const char *name)
{
	struct names_info ni;

	memset(&ni, 0, sizeof(ni));
	ni.raw = name;
	ni.rawlen = strlen(name);
	if (ni.rawlen == 0)
		return;
	names_scan(&ni);
	sbuf_init(&ni.folded, 0);
	if (names_fold(name, msg->pol->lim.name_length, &ni.folded) == -1) {
		log_msg(LOG_ERR, "%s: names: cannot fold a name (ICU)",
		    msg->id);
		sbuf_release(&ni.folded);
		return;
	}
	ni.has_ext = names_ext_of((const char *)ni.folded.data, ni.folded.len,
	    ni.ext, sizeof(ni.ext));
	if (ni.bidi != 0)
		names_bidi(msg, where, &ni);
	if (ni.zw != 0)
		names_zero_width(msg, where, &ni);
	if (ni.has_ext &&
	    lists_has_extension(msg->pol->blocked_extensions, ni.ext))
		names_blocked(msg, where, &ni, ni.ext, "");
	names_stream(msg, where, &ni);
	names_double(msg, where, &ni);
	sbuf_release(&ni.folded);
}
