/*
 * unpack: archives and disk images.
 *
 * content_scan() hands over every object whose real type is an archive
 * (zip, 7z, RAR4/RAR5, LZH/LHA, CAB, tar, cpio, ar, gzip/bzip2/xz/lzma/
 * lzip/zstd/compress streams) or a disk image (ISO 9660, UDF, VHD, VHDX,
 * VMDK, DMG, WIM, raw).  Members go back through analyse_object() at
 * depth + 1 with where "<part>/<archive name>/<member>", so they get the
 * same checks as MIME parts, nested archives included.
 *
 * Findings: attachment.disk_image (every disk image; ISO 9660 ones are
 * also listed), archive.encrypted (ZipCrypto/AES zip, 7z data or header
 * encryption, RAR4, RAR5 read from its own headers; the member names are
 * still checked and listed), archive.name_mismatch (a zip member whose
 * local-header name differs from its central-directory name),
 * archive.corrupt (an archive that cannot be read), and the limits
 * limit.archive_depth, limit.archive_entries, limit.expanded_size,
 * limit.expansion_ratio, limit.scan_time, limit.part_size (a member
 * bigger than max_part_size).  Zip member names without the UTF-8 flag
 * that are not UTF-8 are read as CP932.
 *
 * Untrusted input: the object's bytes.  Limits: every policy limit is
 * checked while expanding (see unpack.c); a bomb is stopped, not expanded.
 * Thread-safe: one message per thread.
 */
#ifndef TRIAGE_UNPACK_H
#define TRIAGE_UNPACK_H

struct content_obj;
struct msgctx;

/*
 * Inspect one archive or disk image; findings and part reports go to
 * msg.  Returns 0, or -1 on an internal error (*error_r, static).
 */
int	unpack_scan(struct msgctx *, const struct content_obj *,
	    const char **error_r);

#endif
