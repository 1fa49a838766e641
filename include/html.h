/*
 * html: HTML and SVG attachments and HTML mail bodies.
 *
 * A bounded, non-recursive tokenizer (WHATWG HTML section 13.2.5 in
 * outline) reads tags, attributes, comments, raw text (script, style) and
 * SVG CDATA, tolerating any broken input, in time linear in its size.
 * On top of it html_scan():
 *  - extracts the links (href, src, action, formaction, meta refresh,
 *    <base>-resolved relative links; HTML character references decoded;
 *    fragment-only links, relative links without a <base>, cid:, mailto:
 *    and the like skipped; javascript: and data: URLs given on for
 *    urlcheck to judge; protocol-relative "//host" read as https, UNC
 *    "\\host\share" as file://host/share) with the visible anchor
 *    text of <a> (tags stripped, references decoded, white space
 *    collapsed, at most HTML_ANCHOR_MAX bytes) and hands each to
 *    urlcheck_url();
 *  - records html.smuggling (script building a file with Blob/atob/
 *    createObjectURL/msSaveOrOpenBlob or a download attribute; data: URIs
 *    of a binary type; base64 text that decodes to a program, archive,
 *    disk image, shortcut or OLE/OneNote document), html.credential_form,
 *    html.meta_refresh, html.script_attachment, html.obfuscated_script and
 *    svg.script.
 *
 * Mail body or attachment: an object at depth 0 without any name whose
 * declared type is text/html (or absent) is the mail body; anything else
 * (a name, an archive member, an SVG) is an attachment.  In a body a form
 * with a password field is a finding wherever it posts; in an attachment
 * it must post to an absolute http(s) URL or sit beside script that sends
 * data.  Script in a body is not a finding (mail clients do not run it).
 *
 * Text that is not ASCII-compatible (UTF-16 with a BOM, ISO-2022-JP by
 * its charset or its escape sequences) and any declared non-UTF-8 charset
 * is converted to UTF-8 first (bounded: twice the input).
 *
 * Untrusted input: the object's bytes.  Limits: URLs are cut at
 * HTML_URL_MAX bytes, at most HTML_MAX_LINKS links per object go to
 * urlcheck (then a warning is logged), base64 payloads are sniffed on a
 * decoded prefix of HTML_SNIFF_MAX bytes.  Ownership: nothing is kept.
 * Not thread-safe: one message.
 */
#ifndef TRIAGE_HTML_H
#define TRIAGE_HTML_H

#include <stddef.h>

#define HTML_URL_MAX	8192		/* bytes of a URL kept */
#define HTML_ANCHOR_MAX	512		/* bytes of anchor text kept */
#define HTML_MAX_LINKS	5000		/* links per object given on */
#define HTML_SNIFF_MAX	(0x8800 + 64)	/* decoded base64 prefix sniffed */

struct content_obj;
struct msgctx;

/* Inspect one object (see content.h); 0, or -1 on an internal error. */
int	html_scan(struct msgctx *, const struct content_obj *,
	    const char **error_r);

/* One link as html_scan() gives it to urlcheck_url(). */
struct html_link {
	const char	*url;		/* decoded, resolved, NUL-terminated */
	size_t		 len;
	const char	*anchor;	/* visible text of an <a>, or NULL */
	size_t		 anchor_len;
	unsigned	 flags;		/* URLCHECK_HREF, _SRC, _FORM, _REFRESH,
					   _TEXT (a base64-hidden URL) */
};

/*
 * Call cb for every link of the HTML/SVG document data[0..len) (taken as
 * UTF-8 or ASCII-compatible bytes; svg: read as an SVG document), in
 * document order; the link and its strings are valid during the call
 * only.  Returns the number of links given.
 */
size_t	html_links(const unsigned char *data, size_t len, int svg,
	    void (*cb)(void *arg, const struct html_link *), void *arg);

#endif
