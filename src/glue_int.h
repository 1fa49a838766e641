/*
 * glue_int.h: state shared by glue.c and glue_act.c (not exported).
 */
#ifndef TRIAGE_GLUE_INT_H
#define TRIAGE_GLUE_INT_H

#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>

#include "glue.h"
#include "hash.h"
#include "sbuf.h"
#include "token.h"

#define GLUE_MAX_ADDR		512	/* bytes kept of an address */
#define GLUE_MAX_HDRCOPY	2048	/* bytes kept of From and Subject */
#define GLUE_HDR_BATCH		16384	/* header bytes fed at once */

struct hash_sha256;
struct msgctx;
struct scan;
struct spool;

/* Marks that let our own mail through (token.h). */
enum glue_mark { GLUE_MARK_NONE = 0, GLUE_MARK_RELEASE, GLUE_MARK_NOTICE,
	GLUE_MARK_BAD };

struct glue_msg {
	struct msgctx	*mc;
	struct scan	*scan;
	struct spool	*spool;
	char		*env_from;
	char		**rcpts;
	size_t		 nrcpts, nrcpts_seen;
	char		*hdr_from;	/* raw value of the first From */
	char		*subject;	/* raw value of the first Subject */
	int		 nsubject;	/* Subject headers seen */
	struct hash_sha256 *body_hash;	/* of the body, CRs left out */
	struct sbuf	 hdrs;		/* header lines not yet fed */
	enum glue_mark	 mark;
	char		 mark_id[64];
	char		 mark_tok[TOKEN_HEX];
	int		 failed;	/* an internal error happened */
	char		 error[256];
};

struct glue_conn {
	unsigned	 noreply;	/* GLUE_NR_* steps (glue_negotiate) */
	int		 swallowed;	/* a failure answered with NOREPLY */
	char		 client_name[256];
	char		 client_addr[64];
	char		 helo[256];
	struct glue_msg	*msg;
	/* A quarantined item whose answer the MTA may not have read yet. */
	char		*pending_dir;	/* its quarantine_dir, or NULL */
	int64_t		 pending_id;
};

struct glue_daemon {
	const struct glue_ops	*ops;
	pthread_mutex_t		 lock;		/* guards pol */
	const struct policy	*pol;
	sem_t			 scans;
	unsigned		 max_scans;
	int			 leadspc;
	int			 notify;	/* notify thread running */
	char			 instance[64];	/* this start (glue_init) */
};

extern struct glue_daemon glue_d;

/* Remember (and log) the first internal error of the message. */
void			glue_fail(struct glue_msg *, const char *what,
			    const char *err);
/* Feed bytes to the spool and the scanner (bounded by the semaphore). */
void			glue_feed(struct glue_msg *, const void *, size_t);
/* The message's mark checked: 1 let it pass, 0 invalid, -1 error. */
int			glue_mark_check(struct glue_msg *);
/* Count a message for `triagectl stats` (flushed by a thread). */
void			glue_count(const struct glue_msg *, const char *verdict);
/* The dedup digest of a message (glue_dedup.c), read from fd (the
 * spool, at offset 0) to its end; 0 or -1 with *error_r. */
int			glue_dedup_key(const struct glue_msg *, int fd,
			    char out[HASH_SHA256_HEX], const char **error_r);
/* Remember item id as answered but not confirmed (confirming an older
 * one first); confirm it once the MTA has shown it read the answer. */
void			glue_pending_set(struct glue_conn *, const char *dir,
			    int64_t id);
void			glue_pending_confirm(struct glue_conn *);
/* End of message: verdict, action, log line. */
enum glue_status	glue_act(void *ctx, struct glue_conn *);

#endif
