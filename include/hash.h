/*
 * hash: sha256, sha1 and md5 of a stream at once, via OpenSSL's EVP API
 * (the only module that includes OpenSSL headers).
 *
 * sha256 identifies parts in reports; sha1 and md5 exist only for looking
 * parts up in IOC hash lists.  Input is any bytes, fed in pieces of any
 * size.  Thread-safe: each struct hash is independent (one owner).
 */
#ifndef TRIAGE_HASH_H
#define TRIAGE_HASH_H

#include <stddef.h>

#define HASH_SHA256_HEX	65	/* 64 hex digits and a NUL */
#define HASH_SHA1_HEX	41
#define HASH_MD5_HEX	33

struct hash;

/* Lowercase hex digests, NUL-terminated. */
struct hash_digests {
	char	sha256[HASH_SHA256_HEX];
	char	sha1[HASH_SHA1_HEX];
	char	md5[HASH_MD5_HEX];
};

/*
 * Returns an owned context, or NULL with *error_r set when the library
 * refused a digest (e.g. md5 in FIPS mode).  Out of memory aborts.
 */
struct hash	*hash_new(const char **error_r);
/*
 * The same for a subset: sha256 alone costs a third of all three, and
 * sha1/md5 are only needed when the hash list holds such entries.  Digests
 * not asked for are left "" by hash_final.
 */
#define HASH_F_SHA256	0x1
#define HASH_F_SHA1	0x2
#define HASH_F_MD5	0x4
#define HASH_F_ALL	0x7
struct hash	*hash_new_set(unsigned which, const char **error_r);
/* Feed more bytes; returns 0 or -1 (library failure, *error_r set). */
int		 hash_update(struct hash *, const void *, size_t,
		    const char **error_r);
/*
 * Finish: fills d; the context may not be fed again (only freed).
 * Returns 0 or -1 (library failure, *error_r set).
 */
int		 hash_final(struct hash *, struct hash_digests *d,
		    const char **error_r);
void		 hash_free(struct hash **);

/* All three digests of one buffer; returns 0 or -1. */
int		 hash_buffer(const void *, size_t, struct hash_digests *d,
		    const char **error_r);
int		 hash_buffer_set(unsigned which, const void *, size_t,
		    struct hash_digests *d, const char **error_r);

/* hex HMAC-SHA256 of msg under key (release tokens); 0 or -1. */
int		 hash_hmac_sha256_hex(const void *key, size_t klen,
		    const void *msg, size_t mlen, char out[HASH_SHA256_HEX],
		    const char **error_r);

/* sha256 alone, streaming (message body digests); owned context. */
struct hash_sha256;
struct hash_sha256	*hash_sha256_new(const char **error_r);
int			 hash_sha256_update(struct hash_sha256 *, const void *,
			    size_t, const char **error_r);
int			 hash_sha256_final(struct hash_sha256 *,
			    char out[HASH_SHA256_HEX], const char **error_r);
void			 hash_sha256_free(struct hash_sha256 **);

#endif
