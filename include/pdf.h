/*
 * pdf: PDF documents.
 *
 * content_scan() hands over every object whose real type is PDF.  The
 * file is read from start to end as a forgiving reader repairing it
 * would ("N G obj" ... "endobj", streams skipped by their length or the
 * next "endstream"), never through the cross-reference table, so broken
 * or lying xref tables change nothing.  Names are decoded (#xx escapes),
 * object streams (/Type /ObjStm) are inflated and read too.
 *
 * Findings: pdf.javascript (/JavaScript or /JS anywhere), pdf.launch (a
 * /Launch action), pdf.auto_action (/OpenAction that is an action, or
 * /AA additional actions that fire by themselves: page open and close,
 * document save, print and close), pdf.embedded_file (embedded files: each
 * /EmbeddedFile stream, or a stream a file specification's /EF names, is
 * decoded and passed to analyse_object() at depth + 1 with its /UF and
 * /F names, where = "<part>/<pdf name>/<file name>"), pdf.encrypted
 * (/Encrypt in a trailer or cross-reference stream: strings and streams
 * cannot be read, links are then not judged).  Every /URI link goes to
 * urlcheck_url() with URLCHECK_PDF.
 *
 * Untrusted input: the whole file.  Limits: see pdf_int.h (value depth
 * and size, string size and scanning budget, remembered streams and
 * references); inflation through flate (max_part_size, max_expanded_size
 * with msg->expanded_bytes, max_expansion_ratio); embedded files count
 * against max_archive_entries, nesting against max_archive_depth; the
 * scan time is checked as the file is read.  Exceeding one is a limit.*
 * finding.  Ownership: nothing is kept after a call.  Not thread-safe:
 * one message.
 */
#ifndef TRIAGE_PDF_H
#define TRIAGE_PDF_H

struct content_obj;
struct msgctx;

/* Inspect one object (see content.h); 0, or -1 on an internal error. */
int	pdf_scan(struct msgctx *, const struct content_obj *,
	    const char **error_r);

#endif
