/*
 * token: HMAC marks of released mail and of our notices (see token.h).
 *
 * Untrusted input: presented header values (token_parse bounds and
 * validates them; token_verify compares in constant time).  Thread-safe:
 * errors go to a thread-local buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "token.h"

static _Thread_local char token_err[512];

static const char *
token_error(const char *path, const char *what)
{
	snprintf(token_err, sizeof(token_err), "%.300s: %s", path, what);
	return token_err;
}

int
token_key_load(const char *path, struct token_key *k, const char **error_r)
{
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*error_r = token_error(path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		*error_r = token_error(path, "not a regular file");
		return -1;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		*error_r = token_error(path, "readable by group or others; "
		    "chmod 0600 it");
		return -1;
	}
	n = read(fd, k->key, sizeof(k->key));
	close(fd);
	if (n < 32) {
		*error_r = token_error(path, n < 0 ? strerror(errno) :
		    "shorter than 32 bytes");
		return -1;
	}
	k->len = (size_t)n;
	return 0;
}

int
token_key_create(const char *path, const char **error_r)
{
	unsigned char key[32];
	int fd;

	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
		*error_r = token_error("getrandom", strerror(errno));
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		*error_r = token_error(path, strerror(errno));
		return -1;
	}
	if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) ||
	    fsync(fd) == -1) {
		*error_r = token_error(path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	memset(key, 0, sizeof(key));
	return close(fd) == 0 ? 0 : -1;
}

int
token_make(const struct token_key *k, const char *kind, const char *id,
    const char *body_sha256_hex, char out[TOKEN_HEX], const char **error_r)
{
	char msg[512];
	int n;

	n = snprintf(msg, sizeof(msg), "%s:%s:%s", kind, id, body_sha256_hex);
	if (n < 0 || (size_t)n >= sizeof(msg)) {
		*error_r = "token: id too long";
		return -1;
	}
	return hash_hmac_sha256_hex(k->key, k->len, msg, (size_t)n, out,
	    error_r);
}

int
token_verify(const struct token_key *k, const char *kind, const char *id,
    const char *body_sha256_hex, const char *presented)
{
	char want[TOKEN_HEX];
	const char *err;
	unsigned char diff = 0;
	size_t i;

	if (strlen(presented) != TOKEN_HEX - 1 ||
	    token_make(k, kind, id, body_sha256_hex, want, &err) == -1)
		return 0;
	for (i = 0; i < TOKEN_HEX - 1; i++)
		diff |= (unsigned char)(want[i] ^ presented[i]);
	return diff == 0;
}

int
token_parse(const char *v, char *id, size_t idcap, char tok[TOKEN_HEX])
{
	size_t n = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	while ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
	    (*v >= '0' && *v <= '9') || *v == '.' || *v == '_' || *v == '-') {
		if (n + 1 >= idcap)
			return 0;
		id[n++] = *v++;
	}
	id[n] = '\0';
	while (*v == ' ' || *v == '\t')
		v++;
	if (n == 0 || *v++ != ';')
		return 0;
	while (*v == ' ' || *v == '\t')
		v++;
	if (strncmp(v, "t=", 2) != 0)
		return 0;
	v += 2;
	for (n = 0; n < TOKEN_HEX - 1; n++, v++) {
		if (!((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'f')))
			return 0;
		tok[n] = *v;
	}
	tok[n] = '\0';
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	return *v == '\0';
}
