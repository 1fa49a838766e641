/*
 * glue_smfi: the libmilter binding of glue (see glue.h).
 */
#ifndef TRIAGE_GLUE_SMFI_H
#define TRIAGE_GLUE_SMFI_H

#include "glue.h"

/* The real MTA calls, for glue_init(). */
extern const struct glue_ops glue_smfi_ops;
/* Register our callbacks with libmilter; 0 or -1. */
int	glue_smfi_register(void);

#endif
