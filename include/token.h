/*
 * token: the HMAC marks that let the milter recognise mail it must not
 * quarantine again (design.md sections 6 and 7).
 *
 *   X-Triage-Release: <quarantine id>; t=<hex HMAC-SHA256>
 *   X-Triage-Notice: <notice id>; t=<hex HMAC-SHA256>
 *
 * The HMAC is keyed by the secret in release_key_file and taken over
 * "<kind>:<id>:<sha256 hex of the message body>", where the body is every
 * byte after the header block as the MTA passes it (headers are left out
 * because MTAs add and rewrite them on re-injection).  A token is bound to
 * one id and one body; "used once" is enforced by the quarantine database.
 *
 * Untrusted input: header values from mail (token_parse).  The key file is
 * trusted but checked: 32..1024 bytes, not readable by group or others.
 * Thread-safe.
 */
#ifndef TRIAGE_TOKEN_H
#define TRIAGE_TOKEN_H

#include <stddef.h>

#define TOKEN_KEY_MAX	1024
#define TOKEN_HEX	65	/* 64 hex digits and a NUL */

struct token_key {
	unsigned char	key[TOKEN_KEY_MAX];
	size_t		len;
};

/* Read the key; 0, or -1 with *error_r (thread-local text). */
int	token_key_load(const char *path, struct token_key *, const char **error_r);
/* Create a new random key file (mode 0600, refuses to overwrite). */
int	token_key_create(const char *path, const char **error_r);
/* out = hex HMAC-SHA256(key, kind ":" id ":" body_sha256_hex). */
int	token_make(const struct token_key *, const char *kind, const char *id,
	    const char *body_sha256_hex, char out[TOKEN_HEX],
	    const char **error_r);
/* Constant-time check of a presented hex token; 1 valid, 0 not. */
int	token_verify(const struct token_key *, const char *kind, const char *id,
	    const char *body_sha256_hex, const char *presented);
/*
 * Parse a header value "ID; t=HEX" (white space tolerated); copies the id
 * (at most idcap-1 bytes of [A-Za-z0-9._-]) and the token.  1 if well
 * formed, else 0.
 */
int	token_parse(const char *value, char *id, size_t idcap,
	    char tok[TOKEN_HEX]);

#endif
