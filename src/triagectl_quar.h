/*
 * triagectl_quar.h: shared between the quarantine parts of triagectl
 * (triagectl_quar.c, triagectl_qadmin.c, triagectl_qout.c,
 * triagectl_stats.c).  Not used by other programs.
 */
#ifndef TRIAGE_TRIAGECTL_QUAR_H
#define TRIAGE_TRIAGECTL_QUAR_H

#include <stddef.h>
#include <stdint.h>

struct policy;
struct quar;
struct quar_audit_row;
struct quar_row;
struct sbuf;

/* What every quarantine command works on. */
struct ctl_q {
	const char		*dir;		/* --dir, or NULL */
	const char		*pdir;		/* --policy */
	const struct policy	*pol;		/* loaded on demand */
	struct quar		*q;
};

/* One option of a command: a flag (val NULL) or one with a value. */
struct ctl_opt {
	const char	*name;		/* "--json" */
	const char	**val;		/* where the value goes, or NULL */
	int		*flag;		/* set to 1 when given, or NULL */
};

/*
 * Parse a command's arguments: options (also "--name=value"; --dir and
 * --policy are accepted everywhere) and at most maxpos positional
 * arguments into pos.  0, or -1 after printing a usage error.
 */
int	ctl_q_args(struct ctl_q *, int argc, char **argv,
	    const struct ctl_opt *opts, size_t nopts, const char **pos,
	    size_t maxpos, size_t *npos_r);
/* The policy (loaded once); NULL after printing why. */
const struct policy *ctl_q_policy(struct ctl_q *);
/* Open the database (create only for import); 0, or 2 after printing. */
int	ctl_q_open(struct ctl_q *, int create);
/* A quarantine id; 0, or -1 after printing. */
int	ctl_q_id(const char *s, int64_t *id_r);
/* Print "triagectl: msg" and return status. */
int	ctl_q_fail(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Output helpers (triagectl_qout.c). */
/* Escaped text cut/padded to width terminal columns (pad: 1 = yes). */
void	ctl_q_cell(struct sbuf *out, const char *s, size_t width, int pad);
/* The subject decoded from RFC 2047 to UTF-8 (raw when undecodable). */
void	ctl_q_subject(struct sbuf *out, const char *raw);
/* "2026-11-25 14:03" (local time), "-" for 0. */
const char *ctl_q_time(int64_t t, char buf[32]);
/* Terminal width for tables: COLUMNS, the tty, else 80 (80..400). */
size_t	ctl_q_columns(void);
/* ,"key":"escaped" (or null when s is NULL); comma unless first. */
void	ctl_q_jstr(struct sbuf *out, const char *key, const char *s, int first);
/* ,"key":[...] from a string split at sep. */
void	ctl_q_jsplit(struct sbuf *out, const char *key, const char *s,
	    char sep);
/* ,"key":n, or null when n == 0 and zero_null. */
void	ctl_q_jint(struct sbuf *out, const char *key, int64_t n,
	    int zero_null);
/* One audit row: a text line (with the message id column or not), or
 * a JSON object without newline. */
void	ctl_q_audit_text(struct sbuf *out, const struct quar_audit_row *,
	    int with_message);
void	ctl_q_audit_obj(struct sbuf *out, const struct quar_audit_row *);
/* An address without its angle brackets ("<>" when empty). */
void	ctl_q_addr(struct sbuf *out, const char *s, size_t n);
/* The rules of a listed item, highest score first (from its report when
 * readable, else as stored). */
void	ctl_q_rules(struct sbuf *out, const struct quar_row *r);
/* Write the buffer to stdout and empty it. */
void	ctl_q_flush(struct sbuf *out);

/* The commands; each returns the exit status. */
int	ctl_q_list(struct ctl_q *, int argc, char **argv);
int	ctl_q_show(struct ctl_q *, int argc, char **argv);
int	ctl_q_export(struct ctl_q *, int argc, char **argv);
int	ctl_q_release(struct ctl_q *, int argc, char **argv);
int	ctl_q_delete(struct ctl_q *, int argc, char **argv);
int	ctl_q_purge(struct ctl_q *, int argc, char **argv);
int	ctl_q_audit(struct ctl_q *, int argc, char **argv);
int	ctl_q_init_key(struct ctl_q *, int argc, char **argv);
int	ctl_q_import(struct ctl_q *, int argc, char **argv);

#endif
