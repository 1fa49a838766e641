/*
 * hash: streaming sha256 + sha1 + md5 over OpenSSL EVP (see hash.h).
 *
 * Untrusted input: the bytes of parts, which are only digested.  Limits:
 * none needed (constant memory).  Ownership: a struct hash owns its three
 * EVP_MD_CTX.  Thread-safe: contexts are independent; OpenSSL 3 is
 * thread-safe for separate contexts.
 */
#include <stdlib.h>
#include <string.h>

#include <limits.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hash.h"
#include "log.h"
#include "mem.h"

enum { HASH_SHA256, HASH_SHA1, HASH_MD5, HASH_N };

struct hash {
	EVP_MD_CTX	*ctx[HASH_N];	/* NULL: digest not wanted */
	int		 done;
};

static const EVP_MD *
hash_md(int i)
{
	switch (i) {
	case HASH_SHA256:
		return EVP_sha256();
	case HASH_SHA1:
		return EVP_sha1();
	default:
		return EVP_md5();
	}
}

struct hash *
hash_new(const char **error_r)
{
	return hash_new_set(HASH_F_ALL, error_r);
}

struct hash *
hash_new_set(unsigned which, const char **error_r)
{
	struct hash *h = mem_zalloc(sizeof(*h));

	for (int i = 0; i < HASH_N; i++) {
		if (!(which & (1u << i)))
			continue;
		h->ctx[i] = EVP_MD_CTX_new();
		if (h->ctx[i] == NULL)
			log_fatal("hash: EVP_MD_CTX_new: out of memory");
		if (EVP_DigestInit_ex(h->ctx[i], hash_md(i), NULL) != 1) {
			*error_r = "hash: EVP_DigestInit_ex failed";
			hash_free(&h);
			return NULL;
		}
	}
	return h;
}

int
hash_update(struct hash *h, const void *p, size_t len, const char **error_r)
{
	if (h->done) {
		*error_r = "hash: update after final";
		return -1;
	}
	if (len == 0)
		return 0;
	for (int i = 0; i < HASH_N; i++) {
		if (h->ctx[i] != NULL &&
		    EVP_DigestUpdate(h->ctx[i], p, len) != 1) {
			*error_r = "hash: EVP_DigestUpdate failed";
			return -1;
		}
	}
	return 0;
}

static void
hash_hex(const unsigned char *md, unsigned n, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < n && 2 * i + 2 < cap; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[2 * i] = '\0';
}

int
hash_final(struct hash *h, struct hash_digests *d, const char **error_r)
{
	char *out[HASH_N] = { d->sha256, d->sha1, d->md5 };
	size_t cap[HASH_N] = { sizeof(d->sha256), sizeof(d->sha1),
	    sizeof(d->md5) };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n;

	memset(d, 0, sizeof(*d));
	if (h->done) {
		*error_r = "hash: final called twice";
		return -1;
	}
	h->done = 1;
	for (int i = 0; i < HASH_N; i++) {
		if (h->ctx[i] == NULL)
			continue;	/* not wanted: stays "" */
		if (EVP_DigestFinal_ex(h->ctx[i], md, &n) != 1) {
			*error_r = "hash: EVP_DigestFinal_ex failed";
			return -1;
		}
		hash_hex(md, n, out[i], cap[i]);
	}
	return 0;
}

void
hash_free(struct hash **hp)
{
	if (hp == NULL || *hp == NULL)
		return;
	for (int i = 0; i < HASH_N; i++)
		EVP_MD_CTX_free((*hp)->ctx[i]);
	free(*hp);
	*hp = NULL;
}

int
hash_buffer(const void *p, size_t len, struct hash_digests *d,
    const char **error_r)
{
	return hash_buffer_set(HASH_F_ALL, p, len, d, error_r);
}

int
hash_buffer_set(unsigned which, const void *p, size_t len,
    struct hash_digests *d, const char **error_r)
{
	struct hash *h = hash_new_set(which, error_r);
	int rc;

	if (h == NULL)
		return -1;
	rc = hash_update(h, p, len, error_r);
	if (rc == 0)
		rc = hash_final(h, d, error_r);
	hash_free(&h);
	return rc;
}

/* ---- HMAC and sha256 alone (release tokens, message body digests) ---- */

int
hash_hmac_sha256_hex(const void *key, size_t klen, const void *msg,
    size_t mlen, char out[HASH_SHA256_HEX], const char **error_r)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (klen > INT_MAX || HMAC(EVP_sha256(), key, (int)klen, msg, mlen, md,
	    &n) == NULL || n != 32) {
		*error_r = "hash: HMAC-SHA256 failed";
		return -1;
	}
	hash_hex(md, n, out, HASH_SHA256_HEX);
	return 0;
}

struct hash_sha256 {
	EVP_MD_CTX	*ctx;
};

struct hash_sha256 *
hash_sha256_new(const char **error_r)
{
	struct hash_sha256 *h = mem_zalloc(sizeof(*h));

	if ((h->ctx = EVP_MD_CTX_new()) == NULL)
		log_fatal("hash: EVP_MD_CTX_new: out of memory");
	if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(h->ctx);
		free(h);
		*error_r = "hash: sha256 init failed";
		return NULL;
	}
	return h;
}

int
hash_sha256_update(struct hash_sha256 *h, const void *p, size_t len,
    const char **error_r)
{
	if (EVP_DigestUpdate(h->ctx, p, len) != 1) {
		*error_r = "hash: sha256 update failed";
		return -1;
	}
	return 0;
}

int
hash_sha256_final(struct hash_sha256 *h, char out[HASH_SHA256_HEX],
    const char **error_r)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != 32) {
		*error_r = "hash: sha256 final failed";
		return -1;
	}
	hash_hex(md, n, out, HASH_SHA256_HEX);
	return 0;
}

void
hash_sha256_free(struct hash_sha256 **hp)
{
	if (hp == NULL || *hp == NULL)
		return;
	EVP_MD_CTX_free((*hp)->ctx);
	free(*hp);
	*hp = NULL;
}
