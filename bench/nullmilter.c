/*
 * nullmilter: the do-nothing milter, the protocol floor of bench/postfix.
 *
 * It asks for headers, body and end of message (the steps the MTA must
 * send for a milter to see the whole message), looks at nothing and
 * answers continue, then accept, so "triage-milter / nullmilter" isolates
 * our own cost from libmilter's and Postfix's.  Two floors:
 *
 *   nullmilter inet:PORT@127.0.0.1      libmilter's default negotiation:
 *                                       an answer to every header and
 *                                       body chunk
 *   nullmilter -n inet:PORT@127.0.0.1   the cheapest the protocol allows:
 *                                       no answers but at end of message
 *                                       (SMFIP_NR_HDR, SMFIP_NR_BODY), as
 *                                       triage-milter negotiates
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>

static sfsistat nm_step = SMFIS_CONTINUE;	/* SMFIS_NOREPLY with -n */

static sfsistat
nm_header(SMFICTX *ctx, char *f, char *v)
{
	(void)ctx;
	(void)f;
	(void)v;
	return nm_step;
}

static sfsistat
nm_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return nm_step;
}

static sfsistat
nm_eom(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_ACCEPT;
}

/* -n: skip the steps we do not use, and no answers to headers or body. */
static sfsistat
nm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	const unsigned long skip = SMFIP_NOCONNECT | SMFIP_NOHELO |
	    SMFIP_NOMAIL | SMFIP_NORCPT | SMFIP_NOEOH | SMFIP_NOUNKNOWN |
	    SMFIP_NODATA;
	const unsigned long nr = SMFIP_NR_HDR | SMFIP_NR_BODY;

	(void)ctx;
	(void)f2;
	(void)f3;
	if ((f1 & nr) != nr)
		return SMFIS_REJECT;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE);
	*pf1 = (f1 & skip) | nr;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

int
main(int argc, char **argv)
{
	struct smfiDesc d;
	int noreply = argc == 3 && strcmp(argv[1], "-n") == 0;

	if (argc != 2 && !noreply) {
		fprintf(stderr, "usage: nullmilter [-n] SOCKET\n");
		return 2;
	}
	memset(&d, 0, sizeof(d));
	d.xxfi_name = "nullmilter";
	d.xxfi_version = SMFI_VERSION;
	d.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE;
	d.xxfi_header = nm_header;
	d.xxfi_body = nm_body;
	d.xxfi_eom = nm_eom;
	if (noreply) {
		d.xxfi_negotiate = nm_negotiate;
		nm_step = SMFIS_NOREPLY;
	}
	if (smfi_setconn(argv[argc - 1]) != MI_SUCCESS || smfi_register(d) !=
	    MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot listen on %s\n",
		    argv[argc - 1]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
