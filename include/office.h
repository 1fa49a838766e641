/*
 * office: Office documents.
 *
 * content_scan() hands over every object whose real type is an Office
 * document (FTYPE_OFFICE), and zips that are OOXML packages (see
 * office_is_ooxml()).  By the bytes, not the name or ftype's MIME type
 * (libmagic cannot tell docm from docx):
 *
 *  - OLE2/CFB (.doc, .xls, .ppt, vbaProject.bin, OLE objects): VBA
 *    storages (_VBA_PROJECT, _VBA_PROJECT_CUR, VBA with a dir stream,
 *    Word's Macros) -> office.macro; Excel 4 macro sheets (BIFF
 *    BOUNDSHEET of type macro) -> office.xlm_macro; encryption
 *    (EncryptedPackage/EncryptionInfo of a password-protected OOXML file,
 *    Excel FILEPASS, Word's fEncrypted, PowerPoint's EncryptedSummary) ->
 *    office.encrypted; "\x01Ole10Native" packages (the packaged file goes
 *    to analyse_object) and Equation Editor objects -> office.ole_object.
 *  - OOXML zips: word/vbaProject.bin or any macro-enabled content type
 *    (docm, xlsm, pptm, xlam, ...) -> office.macro, reported even when
 *    the VBA part is absent; xl/macrosheets/ or a macrosheet content type
 *    -> office.xlm_macro; relationships with TargetMode="External" to
 *    another machine (a URL or UNC path; templates on the writer's own
 *    disk, file:///C:/..., are common and ignored) other than hyperlinks
 *    and links to other workbooks (attachedTemplate, oleObject, frame,
 *    subDocument, ...) -> office.external_template; every external
 *    target that is a URL goes to urlcheck_url() (URLCHECK_EXTERNAL,
 *    hyperlinks URLCHECK_HREF, mhtml: targets as the page they fetch);
 *    DDE and DDEAUTO field codes in Word parts (also spelt with QUOTE
 *    character codes) and ddeLink in Excel external links -> office.dde;
 *    embedded objects and other binary parts (media, embeddings) go to
 *    analyse_object().
 *    ODF packages: Basic/ modules and Scripts/ -> office.macro.
 *  - RTF: every \object -> office.ole_object; its \objdata is decoded
 *    (hex and \bin), its OLE1 header read, a Package's file or the
 *    native data passed to analyse_object; DDE field instructions ->
 *    office.dde; \*\template links -> office.external_template.
 *
 * What is inside goes to analyse_object() at depth + 1 with where =
 * "<part>/<document name>/<label>".
 *
 * Untrusted input: the document's bytes.  Limits: zip members are
 * inflated through flate (max_part_size, max_expanded_size with
 * msg->expanded_bytes, max_expansion_ratio); members, embedded objects
 * and CFB directory entries count against max_archive_entries, nesting
 * against max_archive_depth; the scan time is checked as the walk goes.
 * Exceeding one is a limit.* finding.  Ownership: nothing is kept after
 * a call; findings go to the message.  Not thread-safe: one message.
 */
#ifndef TRIAGE_OFFICE_H
#define TRIAGE_OFFICE_H

#include <stddef.h>

struct content_obj;
struct msgctx;

/* Inspect one object (see content.h); 0, or -1 on an internal error. */
int	office_scan(struct msgctx *, const struct content_obj *,
	    const char **error_r);

/*
 * Is buf[0..len) a zip whose central directory names [Content_Types].xml
 * (an OOXML package)?  Looks at most at the first 10,000 entries.
 */
int	office_is_ooxml(const unsigned char *buf, size_t len);

#endif
