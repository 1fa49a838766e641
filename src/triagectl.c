/*
 * triagectl: the administrator's command line (see triagectl(8)).
 *
 *   triagectl scan [--policy DIR] [--json] FILE|- ...
 *   triagectl policy check [DIR]
 *
 * Untrusted input: the messages given to scan (judged by the same engine
 * as the daemon, fed in the same 64 KiB pieces the MTA sends) and the
 * policy directory.  Exit status of scan: 0 all accepted, 1 any not
 * accepted, 2 on any error (design.md section 4).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "msgctx.h"
#include "policy.h"
#include "report.h"
#include "sbuf.h"
#include "scan.h"
#include "triagectl.h"

#define CTL_CHUNK	65535	/* the largest body chunk an MTA sends */


static void
ctl_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: triagectl scan [--policy DIR] [--json] FILE|- ...\n"
	    "       triagectl policy check [DIR]\n"
	    "       triagectl quarantine [--policy DIR] [--dir QDIR] COMMAND\n"
	    "         list [--since DUR] [--sender PAT] [--rcpt PAT] "
	    "[--rule ID]\n"
	    "              [--verdict V] [--status S] [--limit N] [--json]\n"
	    "         show ID [--json]\n"
	    "         export ID [-o FILE] [--reason TEXT]\n"
	    "         release ID --reason TEXT [--to ADDR] [--force]\n"
	    "         delete ID --reason TEXT\n"
	    "         purge --older-than DUR [--reason TEXT]\n"
	    "         audit [--id ID] [--limit N] [--json]\n"
	    "         init-key [--owner USER]\n"
	    "         import FILE [--from ADDR] [--to ADDR,...] "
	    "[--verdict V] [--reason TEXT]\n"
	    "       triagectl stats [--policy DIR] [--dir QDIR] [--since DUR] "
	    "[--top N] [--json]\n"
	    "       triagectl --version\n"
	    "The default policy directory is %s.\n", CTL_DEFAULT_POLICY);
}

int
ctl_usage_error(void)
{
	ctl_usage(stderr);
	return 2;
}

/* Load the policy or print every error; NULL on failure. */
struct policy *
ctl_policy(const char *dir)
{
	struct policy_errors errs = { NULL, 0 };
	struct policy *pol;
	size_t i;

	pol = policy_load(dir, &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msgs[i]);
	if (pol == NULL)
		fprintf(stderr, "triagectl: policy %s: %zu error%s\n", dir,
		    errs.n, errs.n == 1 ? "" : "s");
	policy_errors_clear(&errs);
	return pol;
}

static int
ctl_policy_check(int argc, char **argv)
{
	const struct policy *pol;

	if (argc > 1 || (argc == 1 && argv[0][0] == '-')) {
		ctl_usage(stderr);
		return 2;
	}
	pol = ctl_policy(argc == 1 ? argv[0] : CTL_DEFAULT_POLICY);
	if (pol == NULL)
		return 1;
	printf("policy OK\n");
	policy_unref(&pol);
	return 0;
}

/* Feed one file to a scan in MTA-sized pieces; -1 with a message. */
static int
ctl_scan_fd(int fd, const char *name, struct msgctx *msg)
{
	static unsigned char buf[CTL_CHUNK];
	const char *err = NULL;
	struct scan *s = scan_new(msg);
	ssize_t n;
	int r = 0;

	while (r == 0 && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "triagectl: %s: read: %s\n", name,
			    strerror(errno));
			r = -1;
		} else if (scan_feed(s, buf, (size_t)n, &err) == -1)
			r = -2;
	}
	if (r == 0 && scan_finish(s, &err) == -1)
		r = -2;
	if (r == -2)
		fprintf(stderr, "triagectl: %s: internal error: %s\n", name,
		    err ? err : "unknown");
	scan_free(&s);
	return r < 0 ? -1 : 0;
}

/* Scan one named file; returns 0 accepted, 1 not accepted, 2 error. */
static int
ctl_scan_one(const struct policy *pol, const char *path, int json)
{
	struct msgctx *msg;
	struct sbuf out;
	int fd, r;

	fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
	if (fd == -1) {
		fprintf(stderr, "triagectl: %s: cannot open: %s\n", path,
		    strerror(errno));
		return 2;
	}
	msg = msgctx_new(pol);
	r = ctl_scan_fd(fd, path, msg);
	if (fd != STDIN_FILENO)
		close(fd);
	if (r == 0) {
		sbuf_init(&out, 0);
		if (json)
			report_json(&out, path, msg);
		else
			report_text(&out, path, msg);
		fwrite(out.data, 1, out.len, stdout);
		fputs(json ? "\n" : "", stdout);
		sbuf_release(&out);
		r = msg->verdict == VERDICT_ACCEPT ? 0 : 1;
	} else
		r = 2;
	msgctx_free(&msg);
	return r;
}

static int
ctl_scan(int argc, char **argv)
{
	const char *dir = CTL_DEFAULT_POLICY;
	const struct policy *pol;
	int i, json = 0, worst = 0, r;

	for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			ctl_usage(stderr);
			return 2;
		}
	}
	if (i == argc) {
		ctl_usage(stderr);
		return 2;
	}
	if ((pol = ctl_policy(dir)) == NULL)
		return 2;
	for (; i < argc; i++) {
		r = ctl_scan_one(pol, argv[i], json);
		if (r > worst)
			worst = r;
		fflush(stdout);
	}
	policy_unref(&pol);
	return worst;
}

int
main(int argc, char **argv)
{
	log_open("triagectl", LOG_TO_STDERR, LOG_WARNING);
	if (argc >= 2 && strcmp(argv[1], "scan") == 0)
		return ctl_scan(argc - 2, argv + 2);
	if (argc >= 3 && strcmp(argv[1], "policy") == 0 &&
	    strcmp(argv[2], "check") == 0)
		return ctl_policy_check(argc - 3, argv + 3);
	if (argc >= 2 && strcmp(argv[1], "quarantine") == 0)
		return ctl_quarantine(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "stats") == 0)
		return ctl_stats(argc - 2, argv + 2);
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("triagectl %s\n", PACKAGE_VERSION);
		return 0;
	}
	ctl_usage(argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) ? stdout : stderr);
	return 2;
}
