/*
 * ftype_map: MIME types and extensions to classes, and the three-way check
 * (declared type, extension, real type).
 *
 * The check is deliberately lenient where benign mail differs from the
 * textbook: text-ish types are compatible with each other (text/plain,
 * text/csv, .txt, .log, calendar, vCard, HTML), OOXML/ODF files may be
 * detected as plain zip, office extensions may hold HTML/text exports
 * (".xls" reports from hospital systems are often HTML or TSV), and
 * password-protected OOXML is an OLE2 container.  Generic declared types,
 * unknown extensions and unidentified content never count.
 *
 * Untrusted input: declared types and extensions from mail (compared
 * case-insensitively, never copied beyond the reason buffer's size).
 * Thread-safe: static tables only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ftype_int.h"

#define B(c)		(1u << FTYPE_##c)
#define TEXTISH		(B(TEXT) | B(HTML) | B(SCRIPT) | B(CALENDAR) | B(EMAIL))
#define OFFICEISH	(B(OFFICE) | B(TEXT) | B(HTML) | B(EMAIL))

struct mime_class {
	const char		*mime;
	enum ftype_class	 cls;
};

/* Exact MIME types first (lowercase); prefixes below. */
static const struct mime_class mime_exact[] = {
	{ "application/octet-stream", FTYPE_UNKNOWN },
	{ "binary/octet-stream", FTYPE_UNKNOWN },
	{ "application/x-empty", FTYPE_UNKNOWN },
	{ "inode/x-empty", FTYPE_UNKNOWN },
	{ "text/html", FTYPE_HTML },
	{ "application/xhtml+xml", FTYPE_HTML },
	{ "application/pdf", FTYPE_PDF },
	{ "application/x-pdf", FTYPE_PDF },
	{ "text/rtf", FTYPE_OFFICE },
	{ "application/rtf", FTYPE_OFFICE },
	{ "application/msword", FTYPE_OFFICE },
	{ "application/x-ole-storage", FTYPE_OFFICE },
	{ "application/cdfv2", FTYPE_OFFICE },
	{ "application/onenote", FTYPE_OFFICE },
	{ "application/vnd.visio", FTYPE_OFFICE },
	{ "application/vnd.ms-outlook", FTYPE_EMAIL },
	{ "message/rfc822", FTYPE_EMAIL },
	{ "message/global", FTYPE_EMAIL },
	{ "message/news", FTYPE_EMAIL },
	{ "application/mbox", FTYPE_EMAIL },
	{ "text/calendar", FTYPE_CALENDAR },
	{ "application/ics", FTYPE_CALENDAR },
	{ "application/dicom", FTYPE_MEDICAL },
	{ "application/zip", FTYPE_ARCHIVE },
	{ "application/x-zip-compressed", FTYPE_ARCHIVE },
	{ "application/x-zip", FTYPE_ARCHIVE },
	{ "application/x-7z-compressed", FTYPE_ARCHIVE },
	{ "application/x-rar", FTYPE_ARCHIVE },
	{ "application/x-rar-compressed", FTYPE_ARCHIVE },
	{ "application/vnd.rar", FTYPE_ARCHIVE },
	{ "application/gzip", FTYPE_ARCHIVE },
	{ "application/x-gzip", FTYPE_ARCHIVE },
	{ "application/x-bzip2", FTYPE_ARCHIVE },
	{ "application/x-xz", FTYPE_ARCHIVE },
	{ "application/x-tar", FTYPE_ARCHIVE },
	{ "application/x-lzh-compressed", FTYPE_ARCHIVE },
	{ "application/x-lha", FTYPE_ARCHIVE },
	{ "application/x-lzh", FTYPE_ARCHIVE },
	{ "application/vnd.ms-cab-compressed", FTYPE_ARCHIVE },
	{ "application/zstd", FTYPE_ARCHIVE },
	{ "application/x-lzip", FTYPE_ARCHIVE },
	{ "application/x-lzma", FTYPE_ARCHIVE },
	{ "application/x-arj", FTYPE_ARCHIVE },
	{ "application/x-cpio", FTYPE_ARCHIVE },
	{ "application/x-compress", FTYPE_ARCHIVE },
	{ "application/x-ace-compressed", FTYPE_ARCHIVE },
	{ "application/java-archive", FTYPE_ARCHIVE },
	{ "application/x-archive", FTYPE_ARCHIVE },
	{ "application/x-dosexec", FTYPE_EXECUTABLE },
	{ "application/vnd.microsoft.portable-executable", FTYPE_EXECUTABLE },
	{ "application/x-msdownload", FTYPE_EXECUTABLE },
	{ "application/x-ms-dos-executable", FTYPE_EXECUTABLE },
	{ "application/x-msdos-program", FTYPE_EXECUTABLE },
	{ "application/x-executable", FTYPE_EXECUTABLE },
	{ "application/x-sharedlib", FTYPE_EXECUTABLE },
	{ "application/x-pie-executable", FTYPE_EXECUTABLE },
	{ "application/x-mach-binary", FTYPE_EXECUTABLE },
	{ "application/x-msi", FTYPE_EXECUTABLE },
	{ "application/x-ms-installer", FTYPE_EXECUTABLE },
	{ "text/x-shellscript", FTYPE_SCRIPT },
	{ "application/x-sh", FTYPE_SCRIPT },
	{ "application/x-csh", FTYPE_SCRIPT },
	{ "text/x-msdos-batch", FTYPE_SCRIPT },
	{ "application/x-bat", FTYPE_SCRIPT },
	{ "text/x-script.python", FTYPE_SCRIPT },
	{ "text/x-python", FTYPE_SCRIPT },
	{ "text/x-perl", FTYPE_SCRIPT },
	{ "text/x-ruby", FTYPE_SCRIPT },
	{ "text/x-php", FTYPE_SCRIPT },
	{ "text/x-tcl", FTYPE_SCRIPT },
	{ "text/x-lua", FTYPE_SCRIPT },
	{ "text/x-awk", FTYPE_SCRIPT },
	{ "text/javascript", FTYPE_SCRIPT },
	{ "application/javascript", FTYPE_SCRIPT },
	{ "application/x-javascript", FTYPE_SCRIPT },
	{ "text/vbscript", FTYPE_SCRIPT },
	{ "text/x-vbscript", FTYPE_SCRIPT },
	{ "application/hta", FTYPE_SCRIPT },
	{ "application/x-iso9660-image", FTYPE_DISK_IMAGE },
	{ "application/x-udf-image", FTYPE_DISK_IMAGE },
	{ "application/x-vhd", FTYPE_DISK_IMAGE },
	{ "application/x-vhdx", FTYPE_DISK_IMAGE },
	{ "application/x-vmdk", FTYPE_DISK_IMAGE },
	{ "application/x-apple-diskimage", FTYPE_DISK_IMAGE },
	{ "application/x-ms-wim", FTYPE_DISK_IMAGE },
	{ "application/x-raw-disk-image", FTYPE_DISK_IMAGE },
	{ "application/x-ima", FTYPE_DISK_IMAGE },	/* libmagic: FAT floppy */
	{ "application/x-virtualbox-vdi", FTYPE_DISK_IMAGE },
	{ "application/x-ms-shortcut", FTYPE_SHORTCUT },
	{ "application/x-mswinurl", FTYPE_SHORTCUT },
	{ "application/json", FTYPE_TEXT },
	{ "application/xml", FTYPE_TEXT },
	{ "application/csv", FTYPE_TEXT },
};

static const struct mime_class mime_prefix[] = {
	{ "application/vnd.openxmlformats-officedocument.", FTYPE_OFFICE },
	{ "application/vnd.oasis.opendocument.", FTYPE_OFFICE },
	{ "application/vnd.ms-excel", FTYPE_OFFICE },
	{ "application/vnd.ms-powerpoint", FTYPE_OFFICE },
	{ "application/vnd.ms-word", FTYPE_OFFICE },
	{ "application/vnd.ms-office", FTYPE_OFFICE },
	{ "text/", FTYPE_TEXT },
	{ "image/", FTYPE_IMAGE },
	{ "audio/", FTYPE_MEDIA },
	{ "video/", FTYPE_MEDIA },
};

struct ext_expect {
	const char	*ext;
	unsigned	 classes;
	const char	*mime;
};

/* What a user expects from each extension; sorted for bsearch. */
static const struct ext_expect ext_table[] = {
	{ "3gp", B(MEDIA), "video/3gpp" },
	{ "7z", B(ARCHIVE) | B(OFFICE), "application/x-7z-compressed" },
	{ "aac", B(MEDIA), "audio/aac" },
	{ "avi", B(MEDIA), "video/x-msvideo" },
	{ "bash", B(SCRIPT) | TEXTISH, "text/x-shellscript" },
	{ "bat", B(SCRIPT) | TEXTISH, "text/x-msdos-batch" },
	{ "bmp", B(IMAGE), "image/bmp" },
	{ "bz2", B(ARCHIVE), "application/x-bzip2" },
	{ "cab", B(ARCHIVE), "application/vnd.ms-cab-compressed" },
	{ "cmd", B(SCRIPT) | TEXTISH, "text/x-msdos-batch" },
	{ "cpl", B(EXECUTABLE), "application/x-dosexec" },
	{ "csv", TEXTISH, "text/csv" },
	{ "dcm", B(MEDICAL), "application/dicom" },
	{ "dicom", B(MEDICAL), "application/dicom" },
	{ "dll", B(EXECUTABLE), "application/x-dosexec" },
	{ "dmg", B(DISK_IMAGE), "application/x-apple-diskimage" },
	{ "doc", OFFICEISH, "application/msword" },
	{ "docm", OFFICEISH,
	    "application/vnd.ms-word.document.macroenabled.12" },
	{ "docx", OFFICEISH,
	    "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ "dot", OFFICEISH, "application/msword" },
	{ "dotm", OFFICEISH,
	    "application/vnd.ms-word.template.macroenabled.12" },
	{ "dotx", OFFICEISH,
	    "application/vnd.openxmlformats-officedocument.wordprocessingml.template" },
	{ "elf", B(EXECUTABLE), "application/x-executable" },
	{ "eml", B(EMAIL) | TEXTISH, "message/rfc822" },
	{ "exe", B(EXECUTABLE), "application/x-dosexec" },
	{ "flac", B(MEDIA), "audio/flac" },
	{ "gif", B(IMAGE), "image/gif" },
	{ "gz", B(ARCHIVE), "application/gzip" },
	{ "heic", B(IMAGE), "image/heic" },
	{ "heif", B(IMAGE), "image/heif" },
	{ "hta", B(HTML) | B(SCRIPT) | B(TEXT), "application/hta" },
	{ "htm", B(HTML) | B(TEXT), "text/html" },
	{ "html", B(HTML) | B(TEXT), "text/html" },
	{ "ico", B(IMAGE), "image/vnd.microsoft.icon" },
	{ "ics", B(CALENDAR) | B(TEXT), "text/calendar" },
	{ "img", B(DISK_IMAGE), "application/x-raw-disk-image" },
	{ "iso", B(DISK_IMAGE), "application/x-iso9660-image" },
	{ "jar", B(ARCHIVE), "application/java-archive" },
	{ "jfif", B(IMAGE), "image/jpeg" },
	{ "jpe", B(IMAGE), "image/jpeg" },
	{ "jpeg", B(IMAGE), "image/jpeg" },
	{ "jpg", B(IMAGE), "image/jpeg" },
	{ "js", B(SCRIPT) | TEXTISH, "text/javascript" },
	{ "jse", B(SCRIPT) | TEXTISH, "text/javascript" },
	{ "json", TEXTISH, "application/json" },
	{ "lha", B(ARCHIVE), "application/x-lzh-compressed" },
	{ "lnk", B(SHORTCUT), "application/x-ms-shortcut" },
	{ "log", TEXTISH, "text/plain" },
	{ "lzh", B(ARCHIVE), "application/x-lzh-compressed" },
	{ "m4a", B(MEDIA), "audio/mp4" },
	{ "m4v", B(MEDIA), "video/mp4" },
	{ "md", TEXTISH, "text/markdown" },
	{ "mht", B(EMAIL) | TEXTISH, "message/rfc822" },
	{ "mhtml", B(EMAIL) | TEXTISH, "message/rfc822" },
	{ "mkv", B(MEDIA), "video/x-matroska" },
	{ "mov", B(MEDIA), "video/quicktime" },
	{ "mp3", B(MEDIA), "audio/mpeg" },
	{ "mp4", B(MEDIA), "video/mp4" },
	{ "mpeg", B(MEDIA), "video/mpeg" },
	{ "mpg", B(MEDIA), "video/mpeg" },
	{ "msg", B(EMAIL) | OFFICEISH, "application/vnd.ms-outlook" },
	{ "msi", B(EXECUTABLE) | B(OFFICE), "application/x-msi" },
	{ "msp", B(EXECUTABLE) | B(OFFICE), "application/x-msi" },
	{ "odg", OFFICEISH, "application/vnd.oasis.opendocument.graphics" },
	{ "odp", OFFICEISH, "application/vnd.oasis.opendocument.presentation" },
	{ "ods", OFFICEISH, "application/vnd.oasis.opendocument.spreadsheet" },
	{ "odt", OFFICEISH, "application/vnd.oasis.opendocument.text" },
	{ "ogg", B(MEDIA), "audio/ogg" },
	{ "one", B(OFFICE), "application/onenote" },
	{ "pdf", B(PDF), "application/pdf" },
	{ "pl", B(SCRIPT) | TEXTISH, "text/x-perl" },
	{ "png", B(IMAGE), "image/png" },
	{ "pot", OFFICEISH, "application/vnd.ms-powerpoint" },
	{ "potx", OFFICEISH,
	    "application/vnd.openxmlformats-officedocument.presentationml.template" },
	{ "pps", OFFICEISH, "application/vnd.ms-powerpoint" },
	{ "ppsm", OFFICEISH,
	    "application/vnd.ms-powerpoint.slideshow.macroenabled.12" },
	{ "ppsx", OFFICEISH,
	    "application/vnd.openxmlformats-officedocument.presentationml.slideshow" },
	{ "ppt", OFFICEISH, "application/vnd.ms-powerpoint" },
	{ "pptm", OFFICEISH,
	    "application/vnd.ms-powerpoint.presentation.macroenabled.12" },
	{ "pptx", OFFICEISH,
	    "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	{ "ps1", B(SCRIPT) | TEXTISH, "text/plain" },
	{ "psm1", B(SCRIPT) | TEXTISH, "text/plain" },
	{ "py", B(SCRIPT) | TEXTISH, "text/x-script.python" },
	{ "rar", B(ARCHIVE), "application/x-rar" },
	{ "rtf", OFFICEISH, "text/rtf" },
	{ "scr", B(EXECUTABLE), "application/x-dosexec" },
	{ "sh", B(SCRIPT) | TEXTISH, "text/x-shellscript" },
	{ "svg", B(IMAGE) | B(TEXT) | B(HTML), "image/svg+xml" },
	{ "sys", B(EXECUTABLE), "application/x-dosexec" },
	{ "tar", B(ARCHIVE), "application/x-tar" },
	{ "text", TEXTISH, "text/plain" },
	{ "tgz", B(ARCHIVE), "application/gzip" },
	{ "tif", B(IMAGE), "image/tiff" },
	{ "tiff", B(IMAGE), "image/tiff" },
	{ "tsv", TEXTISH, "text/tab-separated-values" },
	{ "txt", TEXTISH, "text/plain" },
	{ "udf", B(DISK_IMAGE), "application/x-udf-image" },
	{ "url", B(SHORTCUT) | B(TEXT), "application/x-mswinurl" },
	{ "vbe", B(SCRIPT) | TEXTISH, "text/vbscript" },
	{ "vbs", B(SCRIPT) | TEXTISH, "text/vbscript" },
	{ "vcf", TEXTISH, "text/vcard" },
	{ "vcs", B(CALENDAR) | B(TEXT), "text/calendar" },
	{ "vhd", B(DISK_IMAGE), "application/x-vhd" },
	{ "vhdx", B(DISK_IMAGE), "application/x-vhdx" },
	{ "vmdk", B(DISK_IMAGE), "application/x-vmdk" },
	{ "wav", B(MEDIA), "audio/x-wav" },
	{ "webm", B(MEDIA), "video/webm" },
	{ "webp", B(IMAGE), "image/webp" },
	{ "wim", B(DISK_IMAGE), "application/x-ms-wim" },
	{ "wma", B(MEDIA), "audio/x-ms-wma" },
	{ "wmv", B(MEDIA), "video/x-ms-wmv" },
	{ "wsf", B(SCRIPT) | TEXTISH, "text/xml" },
	{ "xls", OFFICEISH, "application/vnd.ms-excel" },
	{ "xlsb", OFFICEISH,
	    "application/vnd.ms-excel.sheet.binary.macroenabled.12" },
	{ "xlsm", OFFICEISH, "application/vnd.ms-excel.sheet.macroenabled.12" },
	{ "xlsx", OFFICEISH,
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ "xlt", OFFICEISH, "application/vnd.ms-excel" },
	{ "xltx", OFFICEISH,
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.template" },
	{ "xml", TEXTISH, "text/xml" },
	{ "xz", B(ARCHIVE), "application/x-xz" },
	{ "zip", B(ARCHIVE) | B(OFFICE), "application/zip" },
	{ "zst", B(ARCHIVE), "application/zstd" },
};

static const char *const class_names[] = {
	[FTYPE_UNKNOWN] = "unidentified data",
	[FTYPE_TEXT] = "text",
	[FTYPE_HTML] = "HTML document",
	[FTYPE_PDF] = "PDF document",
	[FTYPE_OFFICE] = "office document",
	[FTYPE_IMAGE] = "image",
	[FTYPE_MEDIA] = "audio or video",
	[FTYPE_ARCHIVE] = "archive",
	[FTYPE_EXECUTABLE] = "executable",
	[FTYPE_SCRIPT] = "script",
	[FTYPE_DISK_IMAGE] = "disk image",
	[FTYPE_SHORTCUT] = "shortcut",
	[FTYPE_EMAIL] = "e-mail message",
	[FTYPE_CALENDAR] = "calendar",
	[FTYPE_MEDICAL] = "DICOM medical image",
	[FTYPE_OTHER] = "other data",
};

const char *
ftype_class_name(enum ftype_class c)
{
	if ((unsigned)c >= sizeof(class_names) / sizeof(class_names[0]))
		return "?";
	return class_names[c];
}

enum ftype_class
ftype_class_of(const char *mime)
{
	size_t i;

	if (mime == NULL || *mime == '\0')
		return FTYPE_UNKNOWN;
	for (i = 0; i < sizeof(mime_exact) / sizeof(mime_exact[0]); i++)
		if (strcasecmp(mime, mime_exact[i].mime) == 0)
			return mime_exact[i].cls;
	for (i = 0; i < sizeof(mime_prefix) / sizeof(mime_prefix[0]); i++)
		if (strncasecmp(mime, mime_prefix[i].mime,
		    strlen(mime_prefix[i].mime)) == 0)
			return mime_prefix[i].cls;
	return FTYPE_OTHER;
}

static int
ext_cmp(const void *key, const void *elem)
{
	return strcasecmp(key, ((const struct ext_expect *)elem)->ext);
}

int
ftype_expect_ext(const char *ext, unsigned *classes_r, const char **mime_r)
{
	const struct ext_expect *e;

	if (ext == NULL || *ext == '\0' || strlen(ext) > 16)
		return 0;
	e = bsearch(ext, ext_table, sizeof(ext_table) / sizeof(ext_table[0]),
	    sizeof(ext_table[0]), ext_cmp);
	if (e == NULL)
		return 0;
	*classes_r = e->classes;
	*mime_r = e->mime;
	return 1;
}

int
ftype_expect_mime(const char *declared, unsigned *classes_r)
{
	static const unsigned compat[] = {
		[FTYPE_TEXT] = TEXTISH,
		[FTYPE_HTML] = B(HTML) | B(TEXT),
		[FTYPE_PDF] = B(PDF),
		[FTYPE_OFFICE] = OFFICEISH,
		[FTYPE_IMAGE] = B(IMAGE),
		[FTYPE_MEDIA] = B(MEDIA),
		[FTYPE_ARCHIVE] = B(ARCHIVE) | B(OFFICE),
		[FTYPE_EXECUTABLE] = B(EXECUTABLE) | B(OFFICE),
		[FTYPE_SCRIPT] = B(SCRIPT) | TEXTISH,
		[FTYPE_DISK_IMAGE] = B(DISK_IMAGE),
		[FTYPE_SHORTCUT] = B(SHORTCUT) | B(TEXT),
		[FTYPE_EMAIL] = B(EMAIL) | OFFICEISH,
		[FTYPE_CALENDAR] = B(CALENDAR) | B(TEXT),
		[FTYPE_MEDICAL] = B(MEDICAL),
	};
	enum ftype_class c = ftype_class_of(declared);

	/* Unknown covers octet-stream; other covers x-download and friends. */
	if (c == FTYPE_UNKNOWN || c == FTYPE_OTHER)
		return 0;
	*classes_r = compat[c];
	/* SVG is XML: libmagic may call it text/xml or text/html. */
	if (strcasecmp(declared, "image/svg+xml") == 0)
		*classes_r |= B(TEXT) | B(HTML);
	return 1;
}

/* Does content r satisfy a claim (a class set)? */
static int
ftype_fits(unsigned classes, const struct ftype_result *r)
{
	if (classes & (1u << r->cls))
		return 1;
	/* OOXML/ODF are zips; libmagic may not look far enough. */
	return (classes & B(OFFICE)) && ftype_class_of(r->mime) ==
	    FTYPE_ARCHIVE && strcasecmp(r->mime, "application/zip") == 0;
}

int
ftype_compare(const char *declared, const char *ext,
    const struct ftype_result *r, char *reason, size_t cap)
{
	unsigned dcl = 0, ecl = 0;
	const char *emime;
	int dbad, ebad;

	if (cap > 0)
		reason[0] = '\0';
	if (r->cls == FTYPE_UNKNOWN)
		return 0;
	dbad = declared != NULL && strcasecmp(declared, r->mime) != 0 &&
	    ftype_expect_mime(declared, &dcl) && !ftype_fits(dcl, r);
	ebad = ext != NULL && ftype_expect_ext(ext, &ecl, &emime) &&
	    strcasecmp(emime, r->mime) != 0 && !ftype_fits(ecl, r);
	if (!dbad && !ebad)
		return 0;
	if (cap > 0)
		snprintf(reason, cap, "%s%.32s%s%s%.80s, but the content is "
		    "%s (%s)", ebad ? "name says ." : "", ebad ? ext : "",
		    ebad && dbad ? " and " : "", dbad ? "header says " : "",
		    dbad ? declared : "", r->mime, r->desc);
	return 1;
}
