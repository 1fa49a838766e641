/*
 * fuzz_unpack: libFuzzer target for the unpack module (archives and disk
 * images, our own zip/RAR header parsers, libarchive, recursion).
 *
 * The first byte chooses the type the input is presented as (zip, 7z,
 * RAR, LZH, CAB, gzip, tar, ISO 9660) so that every path is reached
 * whatever libmagic would say; the rest is the archive.  Members recurse
 * through analyse_object() like in production.  Small limits (depth 3,
 * 64 members, 1 MiB expanded per input, 64 KiB parts) keep each run
 * short.  Invariants (abort() on violation): unpack_scan returns 0 (an
 * internal error on hostile input is a bug), the expanded bytes stay
 * within the limit plus one read block per nesting level, and every
 * finding has a rule id (msgctx aborts on unknown ones).  Built as a
 * libFuzzer binary (--enable-fuzzers) and as a replay runner for
 * `make check` (tests/fuzz/replay.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "ftype.h"
#include "msgctx.h"
#include "policy.h"
#include "unpack.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct {
	const char		*mime;
	enum ftype_class	 cls;
	const char		*name;
} fz_types[8] = {
	{ "application/zip", FTYPE_ARCHIVE, "a.zip" },
	{ "application/x-7z-compressed", FTYPE_ARCHIVE, "a.7z" },
	{ "application/x-rar", FTYPE_ARCHIVE, "a.rar" },
	{ "application/x-lzh-compressed", FTYPE_ARCHIVE, "a.lzh" },
	{ "application/vnd.ms-cab-compressed", FTYPE_ARCHIVE, "a.cab" },
	{ "application/gzip", FTYPE_ARCHIVE, "a.gz" },
	{ "application/x-tar", FTYPE_ARCHIVE, "a.tar" },
	{ "application/x-iso9660-image", FTYPE_DISK_IMAGE, "a.iso" },
};

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
	fz_pol->lim.part_size = 64u * 1024;
	fz_pol->lim.scan_time_ms = 10000;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ftype_result type;
	struct content_obj o;
	struct msgctx *m;
	const char *names[1], *err = NULL;
	unsigned t;

	if (size < 1)
		return 0;
	fz_init();
	t = data[0] & 7;
	memset(&type, 0, sizeof(type));
	strcpy(type.mime, fz_types[t].mime);
	strcpy(type.desc, "fuzz");
	type.cls = fz_types[t].cls;
	names[0] = fz_types[t].name;
	memset(&o, 0, sizeof(o));
	o.where = "1";
	o.names = names;
	o.nnames = 1;
	o.data = data + 1;
	o.len = size - 1;
	o.type = &type;
	m = msgctx_new(fz_pol);
	if (unpack_scan(m, &o, &err) != 0)
		abort();
	if (m->expanded_bytes > fz_pol->lim.expanded_size + 4 * 64 * 1024)
		abort();
	msgctx_free(&m);
	return 0;
}
