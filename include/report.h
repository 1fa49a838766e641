/*
 * report: the `triagectl scan` output of design.md section 4.
 *
 * JSON is written by our own escaper: names and details from mail may be
 * invalid UTF-8 (replaced by U+FFFD) or carry control and bidi characters
 * (escaped as \uXXXX), so the output is always valid JSON and never
 * reorders a terminal.  The text form is the same content, readable, with
 * URLs defanged.  Thread-safe (no shared state).
 */
#ifndef TRIAGE_REPORT_H
#define TRIAGE_REPORT_H

#include <stddef.h>

struct msgctx;
struct sbuf;

/* Append a JSON string literal (quotes included) for s[0..len). */
void	report_json_string(struct sbuf *out, const char *s, size_t len);
/* One JSON object (no newline) for a judged message. */
void	report_json(struct sbuf *out, const char *file, const struct msgctx *);
/* Readable text for a judged message. */
void	report_text(struct sbuf *out, const char *file, const struct msgctx *);
/* Defang a URL for people: "http" -> "hxxp", "." in the host -> "[.]". */
void	report_defang(struct sbuf *out, const char *url);

#endif
