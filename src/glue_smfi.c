/*
 * glue_smfi: the libmilter binding.  The only file that includes
 * libmilter/mfapi.h; every callback converts its arguments and dispatches
 * to glue.c, every MTA call goes through glue_smfi_ops (the seam that
 * tests replace).
 *
 * Untrusted input: the MTA's arguments (client address, names, envelope,
 * headers, body chunks of at most 64 KiB).  Thread-safe: callbacks of one
 * connection never overlap; state lives in smfi_setpriv.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <libmilter/mfapi.h>

#include "glue.h"
#include "glue_smfi.h"

static void *
ops_getpriv(void *ctx)
{
	return smfi_getpriv(ctx);
}

static int
ops_setpriv(void *ctx, void *priv)
{
	return smfi_setpriv(ctx, priv) == MI_SUCCESS ? 0 : -1;
}

static const char *
ops_getsymval(void *ctx, const char *name)
{
	return smfi_getsymval(ctx, (char *)name);
}

static int
ops_addheader(void *ctx, const char *name, const char *value)
{
	return smfi_addheader(ctx, (char *)name, (char *)value) == MI_SUCCESS ?
	    0 : -1;
}

static int
ops_chgheader(void *ctx, const char *name, int idx, const char *value)
{
	return smfi_chgheader(ctx, (char *)name, idx, (char *)value) ==
	    MI_SUCCESS ? 0 : -1;
}

static int
ops_setreply(void *ctx, const char *rcode, const char *xcode, const char *text)
{
	return smfi_setreply(ctx, (char *)rcode, (char *)xcode, (char *)text) ==
	    MI_SUCCESS ? 0 : -1;
}

static int
ops_quarantine(void *ctx, const char *reason)
{
	return smfi_quarantine(ctx, (char *)reason) == MI_SUCCESS ? 0 : -1;
}

const struct glue_ops glue_smfi_ops = {
	ops_getpriv, ops_setpriv, ops_getsymval, ops_addheader, ops_chgheader,
	ops_setreply, ops_quarantine
};

static sfsistat
glue_smfi_status(enum glue_status st)
{
	switch (st) {
	case GLUE_CONTINUE:
		return SMFIS_CONTINUE;
	case GLUE_ACCEPT:
		return SMFIS_ACCEPT;
	case GLUE_REJECT:
		return SMFIS_REJECT;
	case GLUE_DISCARD:
		return SMFIS_DISCARD;
	case GLUE_NOREPLY:
		return SMFIS_NOREPLY;
	default:
		return SMFIS_TEMPFAIL;
	}
}

static sfsistat
cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	char addr[INET6_ADDRSTRLEN + 8] = "unknown";

	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)sa)->sin_addr,
		    addr, sizeof(addr));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)(void *)sa)->sin6_addr, addr,
		    sizeof(addr));
	else if (sa != NULL)
		snprintf(addr, sizeof(addr), "local");
	return glue_smfi_status(glue_connect(ctx, host, addr));
}

static sfsistat
cb_helo(SMFICTX *ctx, char *helo)
{
	return glue_smfi_status(glue_helo(ctx, helo));
}

static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	return glue_smfi_status(glue_envfrom(ctx, argv ? argv[0] : NULL));
}

static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	return glue_smfi_status(glue_envrcpt(ctx, argv ? argv[0] : NULL));
}

static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	return glue_smfi_status(glue_header(ctx, name, value));
}

static sfsistat
cb_eoh(SMFICTX *ctx)
{
	return glue_smfi_status(glue_eoh(ctx));
}

static sfsistat
cb_body(SMFICTX *ctx, unsigned char *p, size_t len)
{
	return glue_smfi_status(glue_body(ctx, p, len));
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
	return glue_smfi_status(glue_eom(ctx));
}

static sfsistat
cb_abort(SMFICTX *ctx)
{
	return glue_smfi_status(glue_abort(ctx));
}

static sfsistat
cb_close(SMFICTX *ctx)
{
	return glue_smfi_status(glue_close(ctx));
}

/* The MTA's no-reply steps and ours (glue.h). */
static const struct {
	unsigned long	smfip;
	unsigned	glue;
} glue_smfi_nr[] = {
	{ SMFIP_NR_CONN, GLUE_NR_CONNECT }, { SMFIP_NR_HELO, GLUE_NR_HELO },
	{ SMFIP_NR_MAIL, GLUE_NR_MAIL }, { SMFIP_NR_RCPT, GLUE_NR_RCPT },
	{ SMFIP_NR_HDR, GLUE_NR_HDR }, { SMFIP_NR_EOH, GLUE_NR_EOH },
	{ SMFIP_NR_BODY, GLUE_NR_BODY },
};

/*
 * Ask only for what we use; keep header values' leading space; and no
 * answers but at end of message where the MTA can do without them.
 */
static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long want = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE;
	unsigned long prot = 0;
	unsigned nr = 0;

	if ((f0 & want) != want)
		return SMFIS_REJECT;	/* libmilter then fails the session */
	if (f1 & SMFIP_HDR_LEADSPC)
		prot |= SMFIP_HDR_LEADSPC;
	prot |= f1 & (SMFIP_NOUNKNOWN | SMFIP_NODATA);
	for (size_t i = 0; i < sizeof(glue_smfi_nr) / sizeof(glue_smfi_nr[0]);
	    i++)
		if (f1 & glue_smfi_nr[i].smfip) {
			prot |= glue_smfi_nr[i].smfip;
			nr |= glue_smfi_nr[i].glue;
		}
	if (glue_negotiate(ctx, nr) != GLUE_CONTINUE)
		return SMFIS_REJECT;
	glue_set_leadspc((prot & SMFIP_HDR_LEADSPC) != 0);
	*pf0 = want;
	*pf1 = prot;
	*pf2 = 0;
	*pf3 = 0;
	(void)f2;
	(void)f3;
	return SMFIS_CONTINUE;
}

int
glue_smfi_register(void)
{
	struct smfiDesc desc;

	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = "triage-milter";
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE;
	desc.xxfi_connect = cb_connect;
	desc.xxfi_helo = cb_helo;
	desc.xxfi_envfrom = cb_envfrom;
	desc.xxfi_envrcpt = cb_envrcpt;
	desc.xxfi_header = cb_header;
	desc.xxfi_eoh = cb_eoh;
	desc.xxfi_body = cb_body;
	desc.xxfi_eom = cb_eom;
	desc.xxfi_abort = cb_abort;
	desc.xxfi_close = cb_close;
	desc.xxfi_negotiate = cb_negotiate;
	return smfi_register(desc) == MI_SUCCESS ? 0 : -1;
}
