/*
 * lure: file formats that run code when a user opens them, whatever they
 * are called: Windows shortcuts (LNK by its header; .url, .scf,
 * .library-ms, .searchConnector-ms, .settingcontent-ms by their content),
 * OneNote sections (by ftype's GUID check), and scripts (VBScript,
 * JScript/WSH, PowerShell, HTML applications, .wsf, scriptlets, batch
 * files, encoded VBE/JSE, registry files, MMC consoles) recognised by
 * content heuristics and by extension when the content is text.
 * Executables (PE, ELF, Mach-O, MSI) are ftype's and analyse's
 * (attachment.executable); disk images are unpack's.
 *
 * lure_scan() runs for every object (content.h).  Rules:
 * attachment.shortcut, attachment.onenote, attachment.script.  The mail
 * body itself (a nameless text part at depth 0) is never a script: mail
 * clients show it, they do not run it.
 *
 * Untrusted input: the object's bytes and names.  Limits: content
 * heuristics read at most LURE_TEXT_MAX bytes of text (UTF-16 with a BOM
 * is narrowed to that many characters); keywords are counted once each.
 * Ownership: nothing is kept.  Not thread-safe: one message.
 */
#ifndef TRIAGE_LURE_H
#define TRIAGE_LURE_H

#include <stddef.h>

#define LURE_TEXT_MAX	(64 * 1024)	/* text read by the heuristics */

struct content_obj;
struct msgctx;

/* Inspect one object (see content.h); 0, or -1 on an internal error. */
int	lure_scan(struct msgctx *, const struct content_obj *,
	    const char **error_r);

/*
 * Content heuristics for scripts over text t[0..n) (ASCII-compatible;
 * the caller narrows UTF-16).  html: the text is an HTML document (only
 * the HTA marker and VBScript/JScript script languages count then).
 * Returns the kind ("VBScript", "JScript (Windows Script Host)",
 * "PowerShell", "batch file", "HTML application", "Windows script file
 * (.wsf)", ...) with the evidence in why[cap], or NULL for none.
 */
const char	*lure_script_kind(const unsigned char *t, size_t n, int html,
		    char *why, size_t cap);

/*
 * Shortcut formats stored as text (.url, .scf, .library-ms,
 * .searchConnector-ms, .settingcontent-ms): the format's name, or NULL.
 */
const char	*lure_shortcut_text(const unsigned char *t, size_t n);

#endif
