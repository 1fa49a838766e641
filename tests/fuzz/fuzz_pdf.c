/*
 * fuzz_pdf: libFuzzer target for the pdf module (tokens, values, object
 * streams, filters, embedded files) and the flate module.
 *
 * Each input goes to pdf_scan() as ftype's PDF; embedded files recurse
 * through analyse_object() as in production.  Small limits (depth 3, 64
 * embedded files, 1 MiB expanded per input, 256 KiB parts) keep each run
 * short.  Invariants (abort() on violation): pdf_scan returns 0, the
 * expanded bytes stay within the limit plus one block per nesting level,
 * and every finding has a known rule id (msgctx aborts on unknown ones).
 * Built as a libFuzzer binary (--enable-fuzzers) and as a replay runner
 * for `make check` (tests/fuzz/replay.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "flate.h"
#include "ftype.h"
#include "msgctx.h"
#include "pdf.h"
#include "policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct policy *fz_pol;

static void
fz_init(void)
{
	if (fz_pol != NULL)
		return;
	fz_pol = policy_default();
	fz_pol->lim.archive_depth = 3;
	fz_pol->lim.archive_entries = 64;
	fz_pol->lim.expanded_size = 1u << 20;
	fz_pol->lim.part_size = 256u * 1024;
	fz_pol->lim.scan_time_ms = 10000;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ftype_result type;
	struct content_obj o;
	struct msgctx *m;
	const char *names[1] = { "a.pdf" }, *err = NULL;

	fz_init();
	memset(&type, 0, sizeof(type));
	strcpy(type.mime, "application/pdf");
	strcpy(type.desc, "fuzz");
	type.cls = FTYPE_PDF;
	memset(&o, 0, sizeof(o));
	o.where = "1";
	o.names = names;
	o.nnames = 1;
	o.data = data;
	o.len = size;
	o.type = &type;
	m = msgctx_new(fz_pol);
	if (pdf_scan(m, &o, &err) != 0)
		abort();
	if (m->expanded_bytes > fz_pol->lim.expanded_size + 4 * FLATE_BLOCK)
		abort();
	msgctx_free(&m);
	return 0;
}
