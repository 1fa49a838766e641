/*
 * glue_int.h: state shared by glue.c and glue_act.c (not exported).
 */
#ifndef TRIAGE_GLUE_INT_H
#define TRIAGE_GLUE_INT_H

#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>

#include "glue.h"

#define GLUE_MAX_ADDR		512	/* bytes kept of an address */
#define GLUE_MAX_HDRCOPY	2048	/* bytes kept of From and Subject */

struct msgctx;
struct scan;
struct spool;

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
	int		 failed;	/* an internal error happened */
	char		 error[256];
};

struct glue_conn {
	char		 client_name[256];
	char		 client_addr[64];
	char		 helo[256];
	struct glue_msg	*msg;
};

struct glue_daemon {
	const struct glue_ops	*ops;
	pthread_mutex_t		 lock;		/* guards pol */
	const struct policy	*pol;
	sem_t			 scans;
	unsigned		 max_scans;
	int			 leadspc;
};

extern struct glue_daemon glue_d;

/* Remember (and log) the first internal error of the message. */
void			glue_fail(struct glue_msg *, const char *what,
			    const char *err);
/* Feed bytes to the spool and the scanner (bounded by the semaphore). */
void			glue_feed(struct glue_msg *, const void *, size_t);
/* End of message: verdict, action, log line. */
enum glue_status	glue_act(void *ctx, struct glue_conn *);

#endif
