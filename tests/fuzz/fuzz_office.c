/*
 * fuzz_office: libFuzzer target for the office module (the CFB reader and
 * OLE2 documents, OOXML/ODF zips and their XML, RTF) and the flate
 * module.
 *
 * Each input goes to office_scan() twice: as ftype's Office document
 * (members and embedded objects recurse through analyse_object() as in
 * production) and as a zip ftype did not recognise (office reads the
 * package, nothing recurses).  Small limits (depth 3, 64 objects, 1 MiB
 * expanded per input, 256 KiB parts) keep each run short.  Invariants
 * (abort() on violation): office_scan returns 0 (an internal error on
 * hostile input is a bug), the expanded bytes stay within the limit plus
 * one block per nesting level, and every finding has a known rule id
 * (msgctx aborts on unknown ones).  Built as a libFuzzer binary
 * (--enable-fuzzers) and as a replay runner for `make check`
 * (tests/fuzz/replay.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "flate.h"
#include "ftype.h"
#include "msgctx.h"
#include "office.h"
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

static void
fz_scan(const uint8_t *data, size_t size, const char *mime,
    enum ftype_class cls, const char *name)
{
	struct ftype_result type;
	struct content_obj o;
	struct msgctx *m;
	const char *names[1] = { name }, *err = NULL;

	memset(&type, 0, sizeof(type));
	strcpy(type.mime, mime);
	strcpy(type.desc, "fuzz");
	type.cls = cls;
	memset(&o, 0, sizeof(o));
	o.where = "1";
	o.names = names;
	o.nnames = 1;
	o.data = data;
	o.len = size;
	o.type = &type;
	m = msgctx_new(fz_pol);
	if (office_scan(m, &o, &err) != 0)
		abort();
	if (m->expanded_bytes > fz_pol->lim.expanded_size + 4 * FLATE_BLOCK)
		abort();
	msgctx_free(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_init();
	fz_scan(data, size, "application/msword", FTYPE_OFFICE, "a.doc");
	fz_scan(data, size, "application/zip", FTYPE_ARCHIVE, "a.zip");
	(void)office_is_ooxml(data, size);
	return 0;
}
