/*
 * nullmilter: the do-nothing milter, the protocol floor of bench/postfix.
 *
 * It negotiates the same steps as triage-milter (headers, body, end of
 * message; no reply skipping) and answers continue/accept without looking
 * at anything, so "triage-milter / nullmilter" isolates our own cost from
 * libmilter's and Postfix's.
 *
 *   nullmilter inet:PORT@127.0.0.1
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>

static sfsistat
nm_header(SMFICTX *ctx, char *f, char *v)
{
	(void)ctx;
	(void)f;
	(void)v;
	return SMFIS_CONTINUE;
}

static sfsistat
nm_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return SMFIS_CONTINUE;
}

static sfsistat
nm_eom(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_ACCEPT;
}

int
main(int argc, char **argv)
{
	struct smfiDesc d;

	if (argc != 2) {
		fprintf(stderr, "usage: nullmilter SOCKET\n");
		return 2;
	}
	memset(&d, 0, sizeof(d));
	d.xxfi_name = "nullmilter";
	d.xxfi_version = SMFI_VERSION;
	d.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE;
	d.xxfi_header = nm_header;
	d.xxfi_body = nm_body;
	d.xxfi_eom = nm_eom;
	if (smfi_setconn(argv[1]) != MI_SUCCESS || smfi_register(d) !=
	    MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot listen on %s\n", argv[1]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
