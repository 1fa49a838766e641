/*
 * replay: run a libFuzzer target over files without libFuzzer, so that
 * `make check` replays every committed corpus (and every crash input we
 * ever fixed) under the plain and the sanitizer builds.
 *
 * usage: replay_TARGET FILE|DIR ...
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REPLAY_MAX	(16u << 20)	/* corpus files stay small */

static int
replay_file(const char *path, size_t *count)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	size_t n;

	if (fp == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(REPLAY_MAX);
	if (buf == NULL) {
		fclose(fp);
		return -1;
	}
	n = fread(buf, 1, REPLAY_MAX, fp);
	fclose(fp);
	/* Copy to an exact-size buffer so ASan sees reads past the end. */
	{
		unsigned char *exact = malloc(n ? n : 1);

		if (exact == NULL) {
			free(buf);
			return -1;
		}
		memcpy(exact, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	(*count)++;
	return 0;
}

static int
replay_path(const char *path, size_t *count)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	char sub[4096];
	int r = 0;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path, count);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (replay_path(sub, count) == -1)
			r = -1;
	}
	closedir(d);
	return r;
}

int
main(int argc, char **argv)
{
	size_t count = 0;
	int i, r = 0;

	for (i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) == -1)
			r = 1;
	printf("replayed %zu inputs\n", count);
	return r;
}
