/*
 * triage-milter: the daemon (see triage-milter(8)).
 *
 *   triage-milter [-f] [-n] [-c conf] [-p socket] [-u user[:group]]
 *                 [-P pidfile]
 *
 * Start-up order matters: load the policy (fatal errors only here), open
 * the milter socket as root (a stale unix socket is removed), create the
 * spool and quarantine directories for the run-time user, drop
 * privileges, detach, open the quarantine as that user, block SIGUSR1 in
 * every thread and start our own sigwait thread for reloads (libmilter
 * takes SIGHUP, SIGTERM and SIGINT), then hand over to smfi_main.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <malloc.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "glue.h"
#include "glue_smfi.h"
#include "log.h"
#include "partbuf.h"
#include "mem.h"
#include "notify.h"
#include "policy.h"
#include "quar.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

struct opts {
	const char	*conf;		/* triage.conf or its directory */
	const char	*socket;
	const char	*user;
	const char	*pidfile;
	int		 foreground, check;
};

static char *policy_dir;

static void
usage(void)
{
	fprintf(stderr, "usage: triage-milter [-fn] [-c conf] [-p socket] "
	    "[-u user[:group]] [-P pidfile]\n");
	exit(2);
}

/* -c names triage.conf or the policy directory; policy_load takes a dir. */
static char *
main_policy_dir(const char *conf)
{
	struct stat st;
	char *copy, *dir;

	if (stat(conf, &st) == 0 && S_ISDIR(st.st_mode))
		return mem_strdup(conf);
	copy = mem_strdup(conf);
	if (strcmp(basename(copy), "triage.conf") != 0) {
		fprintf(stderr, "triage-milter: %s: the policy file must be "
		    "called triage.conf (its list files are found beside it)\n",
		    conf);
		exit(1);
	}
	free(copy);
	copy = mem_strdup(conf);
	dir = mem_strdup(dirname(copy));
	free(copy);
	return dir;
}

static struct policy *
main_load(const char *dir, int startup)
{
	struct policy_errors errs = { NULL, 0 };
	struct policy *pol;
	size_t i;

	pol = policy_load(dir, &errs);
	for (i = 0; i < errs.n; i++)
		log_msg(LOG_ERR, "policy: %s", errs.msgs[i]);
	if (pol == NULL)
		log_msg(LOG_ERR, "policy %s: %zu error%s; %s", dir, errs.n,
		    errs.n == 1 ? "" : "s", startup ? "not starting" :
		    "keeping the old policy");
	policy_errors_clear(&errs);
	return pol;
}

static void *
main_signals(void *arg)
{
	sigset_t *set = arg;
	struct policy *pol;
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig != SIGUSR1)
			continue;
		log_msg(LOG_NOTICE, "SIGUSR1: reloading policy %s", policy_dir);
		if ((pol = main_load(policy_dir, 0)) == NULL)
			continue;
		glue_set_policy(pol);
		policy_unref(&(const struct policy *){ pol });
		log_msg(LOG_NOTICE, "policy %s reloaded", policy_dir);
	}
	return NULL;
}

/* Write the stats counters every minute (glue_counters_flush). */
static void *
main_counters(void *arg)
{
	const struct policy *pol;

	(void)arg;
	for (;;) {
		sleep(60);
		pol = glue_policy();
		(void)glue_counters_flush(pol->quarantine_dir);
		policy_unref(&pol);
	}
	return NULL;
}

static void
main_parse(int argc, char **argv, struct opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->conf = SYSCONFDIR "/triage-milter/triage.conf";
	while ((ch = getopt(argc, argv, "c:fnp:P:u:")) != -1) {
		switch (ch) {
		case 'c': o->conf = optarg; break;
		case 'f': o->foreground = 1; break;
		case 'n': o->check = 1; break;
		case 'p': o->socket = optarg; break;
		case 'P': o->pidfile = optarg; break;
		case 'u': o->user = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
}

/* Resolve user[:group]; exits on failure (start-up only). */
static void
main_user(const char *spec, uid_t *uid_r, gid_t *gid_r, char **name_r)
{
	char *copy = mem_strdup(spec), *grp = strchr(copy, ':');
	struct passwd *pw;
	struct group *gr;

	if (grp != NULL)
		*grp++ = '\0';
	if ((pw = getpwnam(copy)) == NULL) {
		log_msg(LOG_ERR, "unknown user %s", copy);
		exit(1);
	}
	*uid_r = pw->pw_uid;
	*gid_r = pw->pw_gid;
	if (grp != NULL) {
		if ((gr = getgrnam(grp)) == NULL) {
			log_msg(LOG_ERR, "unknown group %s", grp);
			exit(1);
		}
		*gid_r = gr->gr_gid;
	}
	*name_r = mem_strdup(copy);
	free(copy);
}

/* mkdir -m 0750 and chown to the run-time user; exits on failure. */
static void
main_dir(const char *dir, int drop, uid_t uid, gid_t gid)
{
	if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
		log_msg(LOG_ERR, "mkdir %s: %s", dir, strerror(errno));
		exit(1);
	}
	if (drop && chown(dir, uid, gid) == -1) {
		log_msg(LOG_ERR, "chown %s: %s", dir, strerror(errno));
		exit(1);
	}
}

static void
main_drop(const char *user, uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) == -1 || initgroups(user, gid) == -1 ||
	    setgid(gid) == -1 || setuid(uid) == -1) {
		log_msg(LOG_ERR, "cannot become %s: %s", user, strerror(errno));
		exit(1);
	}
	if (setuid(0) != -1) {
		log_msg(LOG_ERR, "privileges could be regained: refusing to run");
		exit(1);
	}
}

/*
 * Memory goes back to the system after each message: part buffers are
 * large and short-lived.  A fixed mmap threshold stops glibc from raising
 * it after the first big free (then big buffers would stay in the heap),
 * and few arenas keep libmilter's many threads from each holding freed
 * memory of their own.
 */
static void
main_malloc(void)
{
	(void)mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	(void)mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
	(void)mallopt(M_ARENA_MAX, 4);
}

/* libmilter retries EMFILE without back-off: give it room. */
static void
main_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_msg(LOG_WARNING, "setrlimit NOFILE: %s",
			    strerror(errno));
	}
}

static void
main_detach(void)
{
	int fd;

	switch (fork()) {
	case -1:
		log_msg(LOG_ERR, "fork: %s", strerror(errno));
		exit(1);
	case 0:
		break;
	default:
		_exit(0);
	}
	if (setsid() == -1)
		log_msg(LOG_WARNING, "setsid: %s", strerror(errno));
	if (chdir("/") == -1)
		log_msg(LOG_WARNING, "chdir /: %s", strerror(errno));
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

static void
main_pidfile(const char *path)
{
	FILE *fp;

	if (path == NULL)
		return;
	if ((fp = fopen(path, "w")) == NULL) {
		log_msg(LOG_ERR, "pid file %s: %s", path, strerror(errno));
		exit(1);
	}
	fprintf(fp, "%ld\n", (long)getpid());
	fclose(fp);
}

/* Open the milter socket as root; a stale unix socket is removed. */
static void
main_socket(const char *spec, int drop, uid_t uid, gid_t gid)
{
	const char *path = NULL;

	if (strncmp(spec, "unix:", 5) == 0)
		path = spec + 5;
	else if (strncmp(spec, "local:", 6) == 0)
		path = spec + 6;
	else if (spec[0] == '/')
		path = spec;
	if (smfi_setconn((char *)spec) != MI_SUCCESS ||
	    glue_smfi_register() == -1) {
		log_msg(LOG_ERR, "cannot use milter socket %s", spec);
		exit(1);
	}
	umask(007);
	if (smfi_opensocket(1) != MI_SUCCESS) {
		log_msg(LOG_ERR, "cannot open milter socket %s (see syslog "
		    "for libmilter's reason)", spec);
		exit(1);
	}
	umask(027);
	if (path != NULL && drop && chown(path, uid, gid) == -1)
		log_msg(LOG_WARNING, "chown %s: %s", path, strerror(errno));
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct policy *pol;
	struct quar *q;
	const char *err = NULL;
	char *uname = NULL;
	uid_t uid = 0;
	gid_t gid = 0;
	pthread_t tid;
	sigset_t set;
	int r;

	main_parse(argc, argv, &o);
	main_malloc();
	log_open("triage-milter", LOG_TO_SYSLOG |
	    (o.foreground || o.check ? LOG_TO_STDERR : 0), LOG_INFO);
	policy_dir = main_policy_dir(o.conf);
	if ((pol = main_load(policy_dir, 1)) == NULL)
		return 1;
	if (o.check) {
		printf("policy OK\n");
		return 0;
	}
	if (o.user != NULL)
		main_user(o.user, &uid, &gid, &uname);
	main_nofile();
	main_socket(o.socket != NULL ? o.socket : pol->milter_socket,
	    o.user != NULL, uid, gid);
	main_dir(pol->spool_dir, o.user != NULL, uid, gid);
	main_dir(pol->quarantine_dir, o.user != NULL, uid, gid);
	if (!o.foreground)
		main_detach();
	main_pidfile(o.pidfile);	/* as root, in a root-owned directory */
	if (o.user != NULL)
		main_drop(uname, uid, gid);
	/* Opened per store later; a store that cannot open now is fatal. */
	if ((q = quar_open(pol->quarantine_dir, 1, 5000, &err)) == NULL) {
		log_msg(LOG_ERR, "%s", err);
		return 1;
	}
	quar_close(&q);
	/*
	 * Block libmilter's signals too before any thread of ours starts:
	 * threads keep the mask they were born with, and a SIGTERM taken by
	 * one that did not block it killed the daemon on the spot (no clean
	 * stop, counters not written).  smfi_main's own thread waits for
	 * them; ours waits for SIGUSR1 only.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_create(&tid, NULL, main_signals, &set) != 0) {
		log_msg(LOG_ERR, "cannot start the signal thread");
		return 1;
	}
	glue_init(&glue_smfi_ops, pol, pol->max_scans ? pol->max_scans :
	    2 * (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	if (notify_start(&err) == -1)
		log_msg(LOG_ERR, "notices disabled: %s", err);
	else
		glue_set_notify(1);
	if (pthread_create(&tid, NULL, main_counters, NULL) != 0)
		log_msg(LOG_ERR, "cannot start the counters thread");
	log_msg(LOG_NOTICE, "started: policy %s, socket %s, quarantine %s",
	    policy_dir, o.socket != NULL ? o.socket : pol->milter_socket,
	    pol->quarantine_dir);
	policy_unref(&(const struct policy *){ pol });
	r = smfi_main();
	/* How often max_part_memory was reached: for tuning it. */
	log_msg(LOG_NOTICE, "stopping; %llu parts waited in files for "
	    "max_part_memory", (unsigned long long)partbuf_spills());
	glue_set_notify(0);
	notify_stop();
	pol = (struct policy *)glue_policy();
	(void)glue_counters_flush(pol->quarantine_dir);
	policy_unref(&(const struct policy *){ pol });
	glue_shutdown();
	if (o.pidfile != NULL && unlink(o.pidfile) == -1 && errno != ENOENT)
		log_msg(LOG_WARNING, "pid file %s: %s", o.pidfile,
		    strerror(errno));
	free(policy_dir);
	free(uname);
	return r == MI_SUCCESS ? 0 : 1;
}
