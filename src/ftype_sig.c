/*
 * ftype_sig: our own file signatures, checked before libmagic.
 *
 * Why our own: libmagic misses OneNote and fixed VHD/VHDX ("data"), is
 * slow on PE, and we want one stable MIME type for executables whatever
 * the libmagic version.  Order matters for polyglots: executables first
 * (a DICOM preamble or an ISO system area may hold an MZ header or a
 * "%PDF-"), then containers, PDF last (and a PDF header after offset 0
 * only when libmagic knows nothing better).
 *
 * Untrusted input: buf[0..len).  Every offset is checked against len
 * before it is read (offsets from the file are compared by subtraction,
 * never added first).  No allocation.  Thread-safe: pure functions.
 */
#define _GNU_SOURCE	/* memmem */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ftype_int.h"

#define MIME_DOSEXEC	"application/x-dosexec"

/* LNK header: size 0x4C, CLSID 00021401-0000-0000-C000-000000000046. */
static const unsigned char lnk_magic[20] = {
	0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46
};
/* OneNote revision store GUID {7B5C52E4-D88C-4DA7-AEB1-5378D02996D3}. */
static const unsigned char one_magic[16] = {
	0xe4, 0x52, 0x5c, 0x7b, 0x8c, 0xd8, 0xa7, 0x4d,
	0xae, 0xb1, 0x53, 0x78, 0xd0, 0x29, 0x96, 0xd3
};

void
ftype_set(struct ftype_result *r, const char *mime, enum ftype_class cls,
    const char *fmt, ...)
{
	va_list ap;

	snprintf(r->mime, sizeof(r->mime), "%s", mime);
	r->cls = cls;
	va_start(ap, fmt);
	vsnprintf(r->desc, sizeof(r->desc), fmt, ap);
	va_end(ap);
}

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Does buf hold the n bytes of magic at offset off? */
static int
at(const unsigned char *buf, size_t len, size_t off, const void *magic,
    size_t n)
{
	return len >= n && off <= len - n && memcmp(buf + off, magic, n) == 0;
}

static const char *
pe_machine(uint16_t m)
{
	switch (m) {
	case 0x014c:
		return "Intel 80386";
	case 0x8664:
		return "x86-64";
	case 0xaa64:
		return "Aarch64";
	case 0x01c0:
	case 0x01c4:
		return "ARM";
	case 0x0200:
		return "Intel Itanium";
	default:
		return "unknown machine";
	}
}

static const char *
pe_subsystem(const unsigned char *opt, size_t avail)
{
	if (avail < 70)
		return "";
	switch (le16(opt + 68)) {
	case 1:
		return " (native)";
	case 2:
		return " (GUI)";
	case 3:
		return " (console)";
	case 10: case 11: case 12: case 13:
		return " (EFI)";
	default:
		return "";
	}
}

/* MZ, e_lfanew at 0x3c pointing inside buf at "PE\0\0" and a COFF header. */
static int
sig_pe(const unsigned char *buf, size_t len, struct ftype_result *r)
{
	const unsigned char *coff, *opt;
	const char *bits = "PE";
	uint32_t lfanew;
	uint16_t chars;
	size_t avail;

	if (len < 0x40 || buf[0] != 'M' || buf[1] != 'Z')
		return 0;
	lfanew = le32(buf + 0x3c);
	/* "PE\0\0" + 20-byte COFF header must be in the buffer. */
	if (lfanew < 4 || lfanew > len || len - lfanew < 24 ||
	    memcmp(buf + lfanew, "PE\0\0", 4) != 0)
		return 0;
	coff = buf + lfanew + 4;
	chars = le16(coff + 18);
	opt = coff + 20;
	avail = len - lfanew - 24;
	if (avail >= 2 && le16(opt) == 0x10b)
		bits = "PE32";
	else if (avail >= 2 && le16(opt) == 0x20b)
		bits = "PE32+";
	ftype_set(r, MIME_DOSEXEC, FTYPE_EXECUTABLE,
	    "%s executable%s%s %s, for MS Windows", bits,
	    (chars & 0x2000) ? " (DLL)" : "", pe_subsystem(opt, avail),
	    pe_machine(le16(coff)));
	return 1;
}

static int
sig_elf(const unsigned char *buf, size_t len, struct ftype_result *r)
{
	static const char *const what[] = { "no file type", "relocatable",
	    "executable", "shared object", "core file" };
	uint16_t type;

	if (len < 20 || !at(buf, len, 0, "\177ELF", 4) ||
	    (buf[4] != 1 && buf[4] != 2) || (buf[5] != 1 && buf[5] != 2) ||
	    buf[6] != 1)
		return 0;
	type = buf[5] == 1 ? le16(buf + 16) :
	    (uint16_t)(buf[16] << 8 | buf[17]);
	if (type == 1 || type == 4) {
		ftype_set(r, type == 1 ? "application/x-object" :
		    "application/x-coredump", FTYPE_OTHER, "ELF %s-bit %s %s",
		    buf[4] == 1 ? "32" : "64", buf[5] == 1 ? "LSB" : "MSB",
		    what[type]);
		return 1;
	}
	ftype_set(r, type == 3 ? "application/x-sharedlib" :
	    "application/x-executable", FTYPE_EXECUTABLE, "ELF %s-bit %s %s",
	    buf[4] == 1 ? "32" : "64", buf[5] == 1 ? "LSB" : "MSB",
	    type < 4 ? what[type] : "executable");
	return 1;
}

/* Is a Mach-O fat header's first cputype a real CPU (not a Java class)? */
static int
macho_fat_cpu(uint32_t cpu)
{
	switch (cpu & 0x00ffffff) {
	case 7:		/* x86 / x86_64 */
	case 12:	/* arm / arm64 */
	case 18:	/* ppc / ppc64 */
		return 1;
	default:
		return 0;
	}
}

static int
sig_macho(const unsigned char *buf, size_t len, struct ftype_result *r)
{
	uint32_t m;

	if (len < 28)
		return 0;
	m = be32(buf);
	if (m == 0xfeedface || m == 0xcefaedfe || m == 0xfeedfacf ||
	    m == 0xcffaedfe) {
		ftype_set(r, "application/x-mach-binary", FTYPE_EXECUTABLE,
		    "Mach-O %s-bit %s", (m == 0xfeedface || m == 0xcefaedfe) ?
		    "32" : "64", m >> 24 == 0xfe ? "big-endian" :
		    "little-endian");
		return 1;
	}
	/* Fat: 0xcafebabe is also a Java class; those have version >= 45. */
	if ((m == 0xcafebabe || m == 0xcafebabf) && be32(buf + 4) >= 1 &&
	    be32(buf + 4) < 20 && macho_fat_cpu(be32(buf + 8))) {
		ftype_set(r, "application/x-mach-binary", FTYPE_EXECUTABLE,
		    "Mach-O universal binary with %u architectures",
		    (unsigned)be32(buf + 4));
		return 1;
	}
	return 0;
}

/*
 * Windows Installer packages and patches are OLE2 (CFB, [MS-CFB]) files
 * whose root storage has the CLSID {000C1084-...} (MSI, MSM) or
 * {000C1086-...} (MSP).  libmagic only names them when it can read the
 * summary information stream; the root entry is enough.
 */
static int
sig_msi(const unsigned char *buf, size_t len, struct ftype_result *r)
{
	static const unsigned char ole[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1,
	    0xb1, 0x1a, 0xe1 };
	static const unsigned char tail[12] = { 0x00, 0x00, 0x00, 0x00, 0xc0,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
	const unsigned char *e;
	uint32_t sect, clsid;
	uint16_t shift;
	uint64_t off;

	if (len < 512 || !at(buf, len, 0, ole, sizeof(ole)))
		return 0;
	shift = le16(buf + 0x1e);
	sect = le32(buf + 0x30);		/* first directory sector */
	if ((shift != 9 && shift != 12) || sect >= 0xfffffffaU)
		return 0;
	off = ((uint64_t)sect + 1) << shift;
	if (off > len || len - off < 128)
		return 0;
	e = buf + off;				/* the root entry */
	clsid = le32(e + 80);
	if (e[66] != 5 || (clsid != 0x000c1084 && clsid != 0x000c1086) ||
	    memcmp(e + 84, tail, sizeof(tail)) != 0)
		return 0;
	ftype_set(r, "application/x-msi", FTYPE_EXECUTABLE, "%s",
	    clsid == 0x000c1086 ? "Windows Installer patch (MSP)" :
	    "Windows Installer package (MSI)");
	return 1;
}

/* ISO 9660 and UDF volume recognition sequences (ECMA-119, ECMA-167). */
static int
sig_optical(const unsigned char *buf, size_t len, struct ftype_result *r)
{
	static const size_t off[] = { 0x8001, 0x8801, 0x9001, 0x9801 };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (at(buf, len, off[i], "CD001", 5)) {
			ftype_set(r, "application/x-iso9660-image",
			    FTYPE_DISK_IMAGE,
			    "ISO 9660 CD-ROM filesystem data");
			return 1;
		}
	}
	for (i = 0; i < 4; i++) {
		if (at(buf, len, off[i], "NSR02", 5) ||
		    at(buf, len, off[i], "NSR03", 5)) {
			ftype_set(r, "application/x-udf-image",
			    FTYPE_DISK_IMAGE, "UDF filesystem data");
			return 1;
		}
	}
	return 0;
}

static int
sig_disk(const unsigned char *buf, size_t len, int whole,
    struct ftype_result *r)
{
	if (at(buf, len, 0, "vhdxfile", 8)) {
		ftype_set(r, "application/x-vhdx", FTYPE_DISK_IMAGE,
		    "Microsoft Disk Image eXtended (VHDX)");
		return 1;
	}
	if (at(buf, len, 0, "conectix", 8) || (whole && len >= 512 &&
	    at(buf, len, len - 512, "conectix", 8))) {
		ftype_set(r, "application/x-vhd", FTYPE_DISK_IMAGE,
		    "Microsoft Virtual Hard Disk (VHD)");
		return 1;
	}
	if (at(buf, len, 0, "KDMV", 4)) {
		ftype_set(r, "application/x-vmdk", FTYPE_DISK_IMAGE,
		    "VMware VMDK disk image");
		return 1;
	}
	if (at(buf, len, 0, "MSWIM\0\0\0", 8)) {
		ftype_set(r, "application/x-ms-wim", FTYPE_DISK_IMAGE,
		    "Windows imaging (WIM) image");
		return 1;
	}
	if (whole && len >= 512 && at(buf, len, len - 512, "koly", 4) &&
	    be32(buf + len - 508) == 4) {
		ftype_set(r, "application/x-apple-diskimage", FTYPE_DISK_IMAGE,
		    "Apple disk image (DMG)");
		return 1;
	}
	return sig_optical(buf, len, r);
}

/* Set r to PDF for a header at buf + i ("%PDF-1.7"). */
static void
sig_pdf_set(const unsigned char *buf, size_t len, size_t i,
    struct ftype_result *r)
{
	size_t v;

	i += 5;
	for (v = 0; i + v < len && v < 4 && ((buf[i + v] >= '0' &&
	    buf[i + v] <= '9') || buf[i + v] == '.'); v++)
		;
	if (v > 0)
		ftype_set(r, "application/pdf", FTYPE_PDF,
		    "PDF document, version %.*s", (int)v,
		    (const char *)buf + i);
	else
		ftype_set(r, "application/pdf", FTYPE_PDF, "PDF document");
}

/*
 * Readers accept "%PDF-" anywhere in the first 1024 bytes.  Only called
 * when libmagic found nothing better (a stored PDF inside a zip also has
 * "%PDF-" near the start).  In text (strict) the header must begin a line;
 * it must be followed by a digit.
 */
int
ftype_sig_pdf_late(const unsigned char *buf, size_t len, int strict,
    struct ftype_result *r)
{
	size_t n = len < 1024 ? len : 1024;

	for (size_t i = 1; n >= 6 && i <= n - 6; i++) {
		if (buf[i] != '%' || memcmp(buf + i, "%PDF-", 5) != 0)
			continue;
		if ((!strict || buf[i - 1] == '\n' || buf[i - 1] == '\r') &&
		    buf[i + 5] >= '0' && buf[i + 5] <= '9') {
			sig_pdf_set(buf, len, i, r);
			return 1;
		}
	}
	return 0;
}

/*
 * Tag names after '<' that libmagic's text tests search for anywhere in
 * the first 4 KiB (its HTML tests: script, a href, title, style, table,
 * head, html), and those ftype_late_html() looks for.  Every other test
 * of libmagic 5.44 that holds a '<' is anchored in the first 40 bytes
 * (XML, PHP, FrameMaker, "## <summary>", Gnumeric at 39).
 */
static const char *const markup_names[] = { "script", "title", "style",
    "table", "head", "html", "body", "iframe", "svg" };

#define MARKUP_HEAD	64	/* a '<' this early always counts */

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

/* Does "<" at p[0] start markup a text test could match?  n = bytes left. */
static int
markup_at(const unsigned char *p, size_t n)
{
	size_t i, k, l;

	if (n < 2 || p[1] == '!' || p[1] == '?')
		return 1;		/* cut short, <!doctype, <!--, <?xml */
	if ((p[1] | 0x20) == 'a' && (n < 3 || is_space(p[2]) ||
	    (p[2] | 0x20) == 'h'))
		return 1;		/* "<a href=", white space optional */
	for (i = 0; i < sizeof(markup_names) / sizeof(markup_names[0]); i++) {
		l = strlen(markup_names[i]);
		for (k = 0; k < l && 1 + k < n &&
		    (p[1 + k] | 0x20) == markup_names[i][k]; k++)
			;
		if (k == l || 1 + k == n)
			return 1;	/* a name, or a name cut short */
	}
	return 0;
}

int
ftype_sig_markup(const unsigned char *buf, size_t n)
{
	const unsigned char *p = buf, *end = buf + n;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (p - buf < MARKUP_HEAD || markup_at(p, (size_t)(end - p)))
			return 1;
		p++;
	}
	return 0;
}

/*
 * HTML that libmagic 5.44 (its Debian database) calls text/html, decided
 * here because its text tests cost ~0.3 ms per call.  Only two starts,
 * any case: "<!doctype html" + space (its test of strength 170) and
 * "<html>" (strength 90).  Valid UTF-8 text only (so no BOM, NUL or
 * control but TAB, LF, FF, CR): libmagic then reads the same bytes in its
 * binary and its text passes.  What could answer first was listed from
 * the compiled database (every top-level test and its continuations that
 * could match such text and give a MIME type): the binary pass runs
 * before any text test whatever its strength.  Anything that could match
 * makes us fall back to libmagic:
 * - fixed strings at fixed offsets (html_clash; compared without case,
 *   a superset of what the database compares);
 * - searches: "<!doctype svg" anywhere, "(This file ", " ncells:",
 *   "dryad-bibo/v" (Dryad XML), "SECTION" (DXF), "STOP" at the very end
 *   (Gentoo XPAK);
 * - before libmagic's soft tests: a tar header checksum field that
 *   parses, a first line CSV could count commas in;
 * - for "<html>" only, the text tests stronger than it: "\nmsgid"
 *   (gettext), "--- " (diff), "\nexport " (JavaScript), "%PDF-" early.
 * n is the prefix libmagic would see (FTYPE_TEXT_PREFIX at most).
 */
struct sig_clash {
	uint16_t	 off;
	uint8_t		 len;
	const char	*s;
};

static const struct sig_clash html_clash[] = {
	{ 0, 2, "#!" },
	{ 0, 5, "#VRML" },
	{ 0, 5, "<?xml" },
	{ 0, 4, "<map" },
	{ 6, 11, "%!FontType1" },
	{ 6, 17, "%!PS-AdobeFont-1." },
	{ 6, 16, "%PS-AdobeFont-1." },
	{ 7, 7, "**ACE**" },
	{ 7, 2, "\315!" },
	{ 10, 25, "# This is a shell archive" },
	{ 10, 18, "BY SNK CORPORATION" },
	{ 10, 6, "PLEXON" },
	{ 10, 2, "\315!" },
	{ 12, 4, "DSD " },
	{ 13, 2, "\315!" },
	{ 16, 16, "SEGA SEGAKATANA " },
	{ 16, 16, "SEGA SEGASATURN " },
	{ 16, 16, "SEGABOOTDISC    " },
	{ 16, 16, "SEGADISCSYSTEM  " },
	{ 18, 2, "\315!" },
	{ 20, 4, "GIMP" },
	{ 20, 4, "GPAT" },
	{ 20, 4, "\334\247\304\375" },
	{ 21, 8, "!SCREAM!" },
	{ 21, 8, "BMOD2STM" },
	{ 23, 2, "\315!" },
	{ 24, 6, "FTCOMP" },
	{ 24, 8, "LVM2 001" },
	{ 28, 4, "\3023\237=" },
	{ 30, 2, "\315!" },
	{ 36, 4, "acsp" },
	{ 38, 11, "Spreadsheet" },
	{ 39, 13, "<gmr:Workbook" },
	{ 44, 4, "SCRM" },
	{ 56, 4, "hpux" },
	{ 56, 5, "linux" },
	{ 56, 6, "netbsd" },
	{ 56, 5, "sunos" },
	{ 60, 8, "BOOKMOBI" },
	{ 60, 5, "RINEX" },
	{ 60, 8, "TEXtREAd" },
	{ 70, 2, "\315!" },
	{ 128, 4, "DICM" },
	{ 192, 8, "!\242\232iQ\256\377$" },
	{ 230, 11, "%!FontType1" },
	{ 252, 21, "Must have DOS version" },
	{ 256, 5, " SEGA" },
	{ 256, 3, "IMA" },
	{ 256, 4, "NCCH" },
	{ 256, 13, "Picture Magic" },
	{ 256, 12, "SAMSUNG PICO" },
	{ 256, 4, "SEGA" },
	{ 510, 2, "U\252" },
	{ 536, 8, "LVM2 001" },
	{ 640, 4, "EAGN" },
	{ 640, 4, "EAMG" },
	{ 1024, 2, "H+" },
	{ 1024, 2, "HX" },
	{ 1024, 6, "M7R0\012I" },
	{ 1048, 8, "LVM2 001" },
	{ 1080, 4, "16CN" },
	{ 1080, 4, "32CN" },
	{ 1080, 4, "4CHN" },
	{ 1080, 4, "6CHN" },
	{ 1080, 4, "8CHN" },
	{ 1080, 4, "CD81" },
	{ 1080, 4, "FLT4" },
	{ 1080, 4, "FLT8" },
	{ 1080, 4, "M!K!" },
	{ 1080, 4, "M.K." },
	{ 1080, 4, "OKTA" },
	{ 1560, 8, "LVM2 001" },
	{ 4076, 10, "SWAPSPACE2" },
	{ 4086, 10, "SWAPSPACE2" },
};

/* ASCII case-insensitive compare of n bytes; other bytes exactly. */
static int
caseeq(const unsigned char *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char a = p[i], b = (unsigned char)s[i];

		if (a >= 'A' && a <= 'Z')
			a |= 0x20;
		if (b >= 'A' && b <= 'Z')
			b |= 0x20;
		if (a != b)
			return 0;
	}
	return 1;
}

/* Does needle start anywhere in buf[0..lim) (and fit in n bytes)? */
static int
has_in(const unsigned char *buf, size_t n, size_t lim, const char *needle)
{
	size_t l = strlen(needle);

	if (lim > n)
		lim = n;
	if (lim + l - 1 < n)
		n = lim + l - 1;
	return memmem(buf, n, needle, l) != NULL;
}

/* Valid UTF-8 without NUL, DEL or controls but TAB, LF, FF and CR. */
static int
html_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0, k, more;

	while (i < n) {
		unsigned char c = p[i++];

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f' &&
			    c != '\r') || c == 0x7f)
				return 0;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			more = 1;
		else if (c >= 0xe0 && c <= 0xef)
			more = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			more = 3;
		else
			return 0;
		if (n - i < more)
			return 0;
		for (k = 0; k < more; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
		i += more;
	}
	return 1;
}

/* libmagic's CSV test counts commas from the first line on: one there
 * (outside its quotes) may make it CSV. */
static int
html_csv_maybe(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i++];

		if (c == ',')
			return 1;
		if (c == '\n')
			return 0;
		if (c != '"')
			continue;
		/* A quoted run: "" inside stays quoted. */
		while (i < n) {
			if (p[i++] != '"')
				continue;
			if (i < n && p[i] == '"')
				i++;
			else
				break;
		}
	}
	return 0;
}

/* Would libmagic's tar test read an octal checksum at 148 (8 bytes)? */
static int
html_tar_maybe(const unsigned char *p, size_t n)
{
	const unsigned char *f = p + 148;
	size_t i = 0;

	if (n < 512)
		return 0;
	while (i < 8 && is_space(f[i]))
		i++;
	if (i == 8)
		return 0;
	while (i < 8 && f[i] >= '0' && f[i] <= '7')
		i++;
	return i == 8 || f[i] == '\0' || is_space(f[i]);
}

/* "<!doctype" + white space + "svg", any case, anywhere. */
static int
html_svg_doctype(const unsigned char *p, size_t n)
{
	const unsigned char *q = p, *end = p + n;
	size_t i;

	while ((q = memchr(q, '<', (size_t)(end - q))) != NULL) {
		i = 1;
		if ((size_t)(end - q) >= 9 && caseeq(q + 1, "!doctype", 8)) {
			for (i = 9; q + i < end && is_space(q[i]); i++)
				;
			if ((size_t)(end - q) - i >= 3 &&
			    caseeq(q + i, "svg", 3))
				return 1;
		}
		q++;
	}
	return 0;
}

static int
html_clashes(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(html_clash) / sizeof(html_clash[0]); i++) {
		const struct sig_clash *c = &html_clash[i];

		if (c->off + (size_t)c->len <= n &&
		    caseeq(p + c->off, c->s, c->len))
			return 1;
	}
	return html_svg_doctype(p, n) || has_in(p, n, n, "(This file ") ||
	    has_in(p, n, 64, " ncells:") || has_in(p, n, n, "dryad-bibo/v") ||
	    has_in(p, n, n, "SECTION") ||
	    (n >= 4 && memcmp(p + n - 4, "STOP", 4) == 0) ||
	    html_tar_maybe(p, n) || html_csv_maybe(p, n);
}

int
ftype_sig_html(const unsigned char *buf, size_t n)
{
	int doctype;

	doctype = n >= 15 && caseeq(buf, "<!doctype html", 14);
	if (!doctype && !(n >= 6 && caseeq(buf, "<html>", 6)))
		return 0;
	if (!html_utf8(buf, n) || html_clashes(buf, n))
		return 0;
	if (doctype)
		return 1;
	return !has_in(buf, n, 1024, "\nmsgid") && !has_in(buf, n, n, "--- ") &&
	    !has_in(buf, n, n, "\nexport ") && !has_in(buf, n, 256, "%PDF-");
}

/*
 * Common benign formats whose magic is unambiguous: answered here because
 * libmagic costs far more per call (it compiles its regexes every time).
 * Zips only when the first member shows an ordinary archive: OOXML, ODF,
 * JAR, APK and EPUB start with tell-tale members and go to libmagic.
 */
static int
sig_common(const unsigned char *buf, size_t len, struct ftype_result *r)
{
	static const char *const special[] = { "[Content_Types].xml", "_rels/",
	    "mimetype", "META-INF/", "AndroidManifest.xml", "classes.dex",
	    "docProps/", "word/", "xl/", "ppt/" };
	size_t i, n;

	if (at(buf, len, 0, "\x89PNG\r\n\x1a\n", 8))
		return ftype_set(r, "image/png", FTYPE_IMAGE, "PNG image"), 1;
	if (at(buf, len, 0, "\xff\xd8\xff", 3))
		return ftype_set(r, "image/jpeg", FTYPE_IMAGE, "JPEG image"), 1;
	if (at(buf, len, 0, "GIF87a", 6) || at(buf, len, 0, "GIF89a", 6))
		return ftype_set(r, "image/gif", FTYPE_IMAGE, "GIF image"), 1;
	if (!at(buf, len, 0, "PK\3\4", 4) || len < 30)
		return 0;
	n = le16(buf + 26);
	if (n == 0 || 30 + n > len)
		return 0;
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (n >= strlen(special[i]) &&
		    memcmp(buf + 30, special[i], strlen(special[i])) == 0)
			return 0;
	ftype_set(r, "application/zip", FTYPE_ARCHIVE, "Zip archive data");
	return 1;
}

int
ftype_sig_match(const unsigned char *buf, size_t len, int whole,
    struct ftype_result *r)
{
	if (sig_pe(buf, len, r) || sig_elf(buf, len, r) ||
	    sig_macho(buf, len, r))
		return 1;
	if (at(buf, len, 0, lnk_magic, sizeof(lnk_magic))) {
		ftype_set(r, "application/x-ms-shortcut", FTYPE_SHORTCUT,
		    "MS Windows shortcut");
		return 1;
	}
	if (sig_msi(buf, len, r))
		return 1;
	if (at(buf, len, 0, one_magic, sizeof(one_magic))) {
		ftype_set(r, "application/onenote", FTYPE_OFFICE,
		    "Microsoft OneNote section");
		return 1;
	}
	if (sig_disk(buf, len, whole, r))
		return 1;
	if (at(buf, len, 128, "DICM", 4)) {
		ftype_set(r, "application/dicom", FTYPE_MEDICAL,
		    "DICOM medical imaging data");
		return 1;
	}
	if (at(buf, len, 0, "%PDF-", 5)) {
		sig_pdf_set(buf, len, 0, r);
		return 1;
	}
	return sig_common(buf, len, r);
}
