/*
 * ftype: real file type, own signatures then libmagic (see ftype.h).
 *
 * Untrusted input: the bytes of a part.  Limits: libmagic sees at most
 * FTYPE_MAGIC_MAX bytes, and only FTYPE_TEXT_PREFIX bytes of data whose
 * start is plainly text (libmagic's text tests cost ~2.8 ms per 64 KiB);
 * MAGIC_COMPRESS is never set (it forks a decompressor).
 *
 * Thread safety: a libmagic cookie must not be used by two threads at
 * once (pitfalls.md): cookies come from a small pool, each used by one
 * caller at a time.  The result string lives in the cookie and is copied
 * before the cookie goes back.  The compiled database is mapped once,
 * read-only, and shared by every cookie (ftype_db_load).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <magic.h>

#include "ftype_int.h"
#include "log.h"

#define FTYPE_HTML_SCAN	(64 * 1024)	/* text searched for late markup */

/*
 * No compressed-file checks, no ELF details (ours).  Encoding checks stay
 * on: MAGIC_NO_CHECK_ENCODING turns HTML into text/plain.
 */
#define FTYPE_FLAGS	(MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF)

/*
 * A pool of cookies instead of one per thread: libmilter runs many worker
 * threads and each cookie costs ~1.3 MiB, while the scans running at once
 * are few (max_concurrent_scans).  A cookie is used by one caller at a
 * time; idle ones wait in the pool (at most FTYPE_POOL, the rest closed).
 */
#define FTYPE_POOL	64

static pthread_mutex_t	ftype_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t		ftype_idle[FTYPE_POOL];
static size_t		ftype_nidle;

/*
 * The compiled database, mapped once and shared by every cookie.
 * magic_load() maps magic.mgc anew for each cookie: with four cookies that
 * was 28 MiB of the daemon's resident set for four copies of one 8 MiB
 * file (bench/README.md).  magic_load_buffers() uses the bytes in place;
 * PROT_READ makes sure no cookie writes to what the others read (a
 * compiled file of the other byte order would need swapping in place:
 * libmagic then refuses the buffer and we load the usual way).
 */
static pthread_once_t	 ftype_db_once = PTHREAD_ONCE_INIT;
static void		*ftype_db;
static size_t		 ftype_db_len;

#define FTYPE_MGC_MAGIC	0xF11E041CU	/* first word of a compiled file */

/* Map `path` if it is a compiled database of our byte order. */
static int
ftype_db_map(const char *path)
{
	struct stat st;
	uint32_t word;
	void *p;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)sizeof(word) ||
	    pread(fd, &word, sizeof(word), 0) != (ssize_t)sizeof(word) ||
	    word != FTYPE_MGC_MAGIC) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	ftype_db = p;
	ftype_db_len = (size_t)st.st_size;
	return 0;
}

/* Does the text magic file `path` hold anything but comments? */
static int
ftype_db_has_text(const char *path)
{
	char line[512];
	FILE *f;
	int found = 0;

	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		const char *c = line + strspn(line, " \t\r\n");

		found = *c != '\0' && *c != '#';
	}
	fclose(f);
	return found;
}

/*
 * libmagic's default path is a colon-separated list (MAGIC, else
 * "/etc/magic:/usr/share/misc/magic"); each entry X is used as X.mgc when
 * that exists.  Debian's /etc/magic holds only comments; a site's text
 * magic there is not loaded in this mode, so say so (once: pthread_once).
 */
static void
ftype_db_load(void)
{
	const char *list = magic_getpath(NULL, 0);
	char path[4096], *p, *sep;

	if (list == NULL || snprintf(path, sizeof(path), "%s", list) >=
	    (int)sizeof(path))
		return;
	for (p = path; p != NULL; p = sep) {
		char mgc[4096 + 8];
		const char *used = NULL;

		if ((sep = strchr(p, ':')) != NULL)
			*sep++ = '\0';
		if (*p == '\0')
			continue;
		(void)snprintf(mgc, sizeof(mgc), "%s.mgc", p);
		if (ftype_db_map(mgc) == 0)
			used = mgc;
		else if (ftype_db_map(p) == 0)
			used = p;
		else if (ftype_db_has_text(p))
			log_msg(LOG_WARNING, "ftype: %s: text magic is not "
			    "used; compile it (file -C -m %s)", p, p);
		if (used != NULL) {
			log_msg(LOG_DEBUG, "ftype: libmagic database %s, "
			    "shared by all cookies", used);
			return;
		}
	}
}

/* Load the shared database into `m`, else libmagic's own way. */
static int
ftype_cookie_load(magic_t m)
{
	void *bufs[1];
	size_t lens[1];

	(void)pthread_once(&ftype_db_once, ftype_db_load);
	if (ftype_db != NULL) {
		bufs[0] = ftype_db;
		lens[0] = ftype_db_len;
		if (magic_load_buffers(m, bufs, lens, 1) == 0)
			return 0;
	}
	return magic_load(m, NULL);
}

/* An idle cookie, or a new one opened and loaded; NULL on error. */
static magic_t
ftype_cookie_get(const char **error_r)
{
	magic_t m = NULL;

	pthread_mutex_lock(&ftype_lock);
	if (ftype_nidle > 0)
		m = ftype_idle[--ftype_nidle];
	pthread_mutex_unlock(&ftype_lock);
	if (m != NULL)
		return m;
	if ((m = magic_open(FTYPE_FLAGS | MAGIC_MIME_TYPE)) == NULL) {
		*error_r = "ftype: magic_open failed";
		return NULL;
	}
	if (ftype_cookie_load(m) != 0) {
		log_msg(LOG_ERR, "ftype: magic_load: %s",
		    magic_error(m) ? magic_error(m) : "unknown error");
		magic_close(m);
		*error_r = "ftype: cannot load the libmagic database";
		return NULL;
	}
	return m;
}

static void
ftype_cookie_put(magic_t m)
{
	pthread_mutex_lock(&ftype_lock);
	if (ftype_nidle < FTYPE_POOL) {
		ftype_idle[ftype_nidle++] = m;
		m = NULL;
	}
	pthread_mutex_unlock(&ftype_lock);
	if (m != NULL)
		magic_close(m);
}

void
ftype_thread_end(void)
{
	pthread_mutex_lock(&ftype_lock);
	while (ftype_nidle > 0)
		magic_close(ftype_idle[--ftype_nidle]);
	pthread_mutex_unlock(&ftype_lock);
}

/*
 * Is the start plainly text?  No NUL, no C0 controls but TAB, LF, VT, FF,
 * CR and ESC (ISO-2022-JP); bytes >= 0x80 pass (UTF-8, Shift_JIS, EUC-JP).
 * UTF-16 with a BOM counts too (its NULs are expected).
 */
static int
ftype_texty(const unsigned char *buf, size_t len)
{
	size_t n = len < FTYPE_TEXT_PREFIX ? len : FTYPE_TEXT_PREFIX;

	if (n >= 2 && ((buf[0] == 0xff && buf[1] == 0xfe) ||
	    (buf[0] == 0xfe && buf[1] == 0xff)))
		return 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = buf[i];

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\v' &&
		    c != '\f' && c != '\r' && c != 0x1b)
			return 0;
		if (c == 0x7f)
			return 0;
	}
	return 1;
}

/*
 * Plain text that libmagic would only call text/plain (or a text variant
 * that every check treats alike): no markup in the prefix and none of the
 * starts that name a text format of their own.  libmagic compiles its
 * regexes on every call and text is its slowest case (pitfalls.md), while
 * plain text is 40% of a hospital's mail.
 */
static int
ftype_plain_text(const unsigned char *buf, size_t len)
{
	static const char *const starts[] = { "BEGIN:", "{\\rtf", "%!", "#!",
	    "From ", "Received:", "Return-Path:", "MIME-Version:", "\xef\xbb\xbf<",
	    "@echo", "@ECHO" };
	size_t n = len < FTYPE_TEXT_PREFIX ? len : FTYPE_TEXT_PREFIX, i;

	if (n < 2 || buf[0] == 0xff || buf[0] == 0xfe || !ftype_texty(buf, len))
		return 0;
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (n >= strlen(starts[i]) &&
		    memcmp(buf, starts[i], strlen(starts[i])) == 0)
			return 0;
	return !ftype_sig_markup(buf, n);
}

/* Copy a libmagic answer, lowercased for the MIME type. */
static void
ftype_copy(char *dst, size_t cap, const char *src, int lower)
{
	size_t i;

	for (i = 0; i + 1 < cap && src[i] != '\0'; i++)
		dst[i] = lower ? (char)tolower((unsigned char)src[i]) : src[i];
	dst[i] = '\0';
}

/*
 * libmagic saw only the first FTYPE_TEXT_PREFIX bytes of text: look for
 * markup further in (HTML smuggling pads the start), case-insensitively,
 * in at most FTYPE_HTML_SCAN bytes.
 */
static int
ftype_late_html(const unsigned char *buf, size_t len)
{
	static const char *const tags[] = { "<html", "<!doctype html",
	    "<script", "<body", "<iframe", "<svg" };
	size_t n = len < FTYPE_HTML_SCAN ? len : FTYPE_HTML_SCAN, i, t, k;
	const unsigned char *p;

	for (i = 0; i < n; i = (size_t)(p - buf) + 1) {
		if ((p = memchr(buf + i, '<', n - i)) == NULL)
			return 0;
		for (t = 0; t < sizeof(tags) / sizeof(tags[0]); t++) {
			for (k = 0; tags[t][k] != '\0' && (size_t)(p - buf) + k <
			    n && tolower(p[k]) == tags[t][k]; k++)
				;
			if (tags[t][k] == '\0')
				return 1;
		}
	}
	return 0;
}

/*
 * A libmagic answer that a PDF header after offset 0 overrides: nothing
 * found, text, or a guess from weak magic (junk bytes read as Targa).
 */
static int
ftype_weak(const struct ftype_result *r)
{
	return r->cls == FTYPE_UNKNOWN || r->cls == FTYPE_TEXT ||
	    r->cls == FTYPE_OTHER || strcmp(r->mime, "image/x-tga") == 0;
}

/* Second call, only for classes where the details matter to a reader. */
static void
ftype_describe(magic_t m, const unsigned char *buf, size_t n,
    struct ftype_result *r)
{
	const char *d;

	ftype_copy(r->desc, sizeof(r->desc), ftype_class_name(r->cls), 0);
	switch (r->cls) {
	case FTYPE_EXECUTABLE:
	case FTYPE_SCRIPT:
	case FTYPE_DISK_IMAGE:
	case FTYPE_SHORTCUT:
	case FTYPE_OTHER:
		break;
	default:
		return;
	}
	if (magic_setflags(m, FTYPE_FLAGS) == -1)
		return;
	if ((d = magic_buffer(m, buf, n)) != NULL)
		ftype_copy(r->desc, sizeof(r->desc), d, 0);
	(void)magic_setflags(m, FTYPE_FLAGS | MAGIC_MIME_TYPE);
}

static int
ftype_magic_with(magic_t m, const unsigned char *buf, size_t len,
    struct ftype_result *r)
{
	size_t n = len < FTYPE_MAGIC_MAX ? len : FTYPE_MAGIC_MAX;
	const char *t;

	if (ftype_texty(buf, len) && n > FTYPE_TEXT_PREFIX)
		n = FTYPE_TEXT_PREFIX;
	if ((t = magic_buffer(m, buf, n)) == NULL) {
		/* Hostile input may trip libmagic: unidentified, not fatal. */
		log_msg(LOG_WARNING, "ftype: libmagic: %s",
		    magic_error(m) ? magic_error(m) : "unknown error");
		ftype_set(r, "application/octet-stream", FTYPE_UNKNOWN,
		    "unidentified (libmagic failed)");
		return 0;
	}
	ftype_copy(r->mime, sizeof(r->mime), t, 1);
	r->cls = ftype_class_of(r->mime);
	if (ftype_weak(r) &&
	    ftype_sig_pdf_late(buf, len, r->cls == FTYPE_TEXT, r))
		return 0;
	if (n < len && strcmp(r->mime, "text/plain") == 0 &&
	    ftype_late_html(buf, len)) {
		ftype_set(r, "text/html", FTYPE_HTML,
		    "HTML document (markup after the first %d bytes)",
		    FTYPE_TEXT_PREFIX);
		return 0;
	}
	ftype_describe(m, buf, n, r);
	return 0;
}

/*
 * HTML libmagic would surely call text/html (ftype_sig_html), answered as
 * ftype_magic_with() would: the list of tests that could answer first
 * was taken from libmagic 5.44's database, so only with that version.
 */
static int
ftype_html(const unsigned char *buf, size_t len, struct ftype_result *r)
{
	size_t n = len < FTYPE_TEXT_PREFIX ? len : FTYPE_TEXT_PREFIX;

	if (magic_version() != 544 || !ftype_sig_html(buf, n))
		return 0;
	ftype_copy(r->mime, sizeof(r->mime), "text/html", 0);
	r->cls = ftype_class_of(r->mime);
	ftype_copy(r->desc, sizeof(r->desc), ftype_class_name(r->cls), 0);
	return 1;
}

static int
ftype_magic(const unsigned char *buf, size_t len, struct ftype_result *r,
    const char **error_r)
{
	magic_t m = ftype_cookie_get(error_r);
	int rc;

	if (m == NULL)
		return -1;
	rc = ftype_magic_with(m, buf, len, r);
	ftype_cookie_put(m);
	return rc;
}

static int
ftype_run(const unsigned char *buf, size_t len, int whole,
    struct ftype_result *r, const char **error_r)
{
	memset(r, 0, sizeof(*r));
	if (len == 0) {
		ftype_set(r, "application/x-empty", FTYPE_UNKNOWN, "empty");
		return 0;
	}
	if (ftype_sig_match(buf, len, whole, r))
		return 0;
	if (ftype_plain_text(buf, len)) {
		if (ftype_late_html(buf, len))
			ftype_set(r, "text/html", FTYPE_HTML, "HTML document "
			    "(markup after the first %d bytes)", FTYPE_TEXT_PREFIX);
		else
			ftype_set(r, "text/plain", FTYPE_TEXT, "text");
		return 0;
	}
	if (ftype_html(buf, len, r))
		return 0;
	return ftype_magic(buf, len, r, error_r);
}

int
ftype_detect(const unsigned char *buf, size_t len, struct ftype_result *r,
    const char **error_r)
{
	return ftype_run(buf, len, 1, r, error_r);
}

int
ftype_detect_prefix(const unsigned char *buf, size_t len,
    struct ftype_result *r, const char **error_r)
{
	return ftype_run(buf, len, 0, r, error_r);
}
