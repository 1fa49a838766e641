/*
 * engine: the scanning engine alone, over a corpus, on one core.
 *
 *   engine [-p POLICYDIR] [-r ROUNDS] FILE...
 *
 * Reads every file once into memory, then scans them ROUNDS times, fed in
 * 64 KiB pieces as the milter feeds them, and prints messages/s, MB/s of
 * mail, the verdict mix and peak RSS.  Linked against libtriage.a, so it
 * measures exactly what triage-milter runs per message, without libmilter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "msgctx.h"
#include "policy.h"
#include "scan.h"

struct file {
	char		*name;
	unsigned char	*data;
	size_t		 len;
};

static int
load(const char *path, struct file *f)
{
	FILE *fp = fopen(path, "rb");
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0) {
		perror(path);
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	rewind(fp);
	f->name = strdup(path);
	f->len = (size_t)n;
	f->data = malloc(f->len ? f->len : 1);
	if (f->data == NULL || fread(f->data, 1, f->len, fp) != f->len) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

static int
scan_one(const struct policy *pol, const struct file *f, int *verdict)
{
	struct msgctx *m = msgctx_new(pol);
	struct scan *s = scan_new(m);
	const char *err = NULL;
	size_t off, n;
	int r = 0;

	for (off = 0; r == 0 && off < f->len; off += n) {
		n = f->len - off < 65535 ? f->len - off : 65535;
		r = scan_feed(s, f->data + off, n, &err);
	}
	if (r == 0)
		r = scan_finish(s, &err);
	if (r != 0)
		fprintf(stderr, "engine: %s: %s\n", f->name, err);
	*verdict = m->verdict;
	scan_free(&s);
	msgctx_free(&m);
	return r;
}

int
main(int argc, char **argv)
{
	const char *dir = "policy";
	struct policy_errors errs = { NULL, 0 };
	const struct policy *pol;
	struct file *files;
	struct timespec t0, t1;
	struct rusage ru;
	size_t nfiles = 0, i, bytes = 0;
	unsigned long counts[5] = { 0 }, msgs = 0;
	int ch, rounds = 3, r, v;
	double secs;

	while ((ch = getopt(argc, argv, "p:r:")) != -1) {
		if (ch == 'p')
			dir = optarg;
		else if (ch == 'r')
			rounds = atoi(optarg);
		else
			return 2;
	}
	files = calloc((size_t)argc, sizeof(*files));
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (load(argv[i], &files[nfiles]) == 0)
			bytes += files[nfiles++].len;
	if ((pol = policy_load(dir, &errs)) == NULL || nfiles == 0) {
		fprintf(stderr, "engine: no policy (%s) or no files\n", dir);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nfiles; i++) {
			if (scan_one(pol, &files[i], &v) != 0)
				return 1;
			counts[v]++;
			msgs++;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	getrusage(RUSAGE_SELF, &ru);
	printf("engine: %lu messages, %.1f MB in %.2f s: %.0f msg/s, "
	    "%.1f MB/s; peak RSS %.1f MiB\n", msgs,
	    (double)bytes * rounds / 1e6, secs, msgs / secs,
	    (double)bytes * rounds / 1e6 / secs, ru.ru_maxrss / 1024.0);
	printf("engine: verdicts accept %lu, tag %lu, quarantine %lu, "
	    "reject %lu, tempfail %lu\n", counts[0], counts[1], counts[2],
	    counts[3], counts[4]);
	policy_unref(&pol);
	return 0;
}
