/*
 * uni_spoof: confusable and mixed-script checks over ICU's uspoof API
 * (part of the uni module: the only place that includes ICU headers).
 *
 * Untrusted input: domain labels and names from mail (UTF-8, possibly
 * invalid: ICU then fails and we return -1).  Limits: at most
 * UNI_SPOOF_MAX bytes are examined; the skeleton buffer is sized from that
 * bound and grown once to the exact size ICU reports.  Ownership: output
 * is appended to the caller's sbuf.  Thread safety: one USpoofChecker is
 * opened once (pthread_once) and then only used through ICU's const,
 * thread-safe check and skeleton functions; it lives for the process.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include <unicode/uspoof.h>
#include <unicode/utypes.h>

#include "mem.h"
#include "sbuf.h"
#include "uni.h"

static pthread_once_t	 uni_spoof_once = PTHREAD_ONCE_INIT;
static USpoofChecker	*uni_spoof_sc;

static void
uni_spoof_init(void)
{
	UErrorCode err = U_ZERO_ERROR;
	USpoofChecker *sc;

	sc = uspoof_open(&err);
	if (U_FAILURE(err))
		return;
	uspoof_setChecks(sc, USPOOF_RESTRICTION_LEVEL | USPOOF_INVISIBLE |
	    USPOOF_MIXED_NUMBERS, &err);
	uspoof_setRestrictionLevel(sc, USPOOF_HIGHLY_RESTRICTIVE);
	if (U_FAILURE(err)) {
		uspoof_close(sc);
		return;
	}
	uni_spoof_sc = sc;
}

static const USpoofChecker *
uni_spoof_checker(void)
{
	if (pthread_once(&uni_spoof_once, uni_spoof_init) != 0)
		return NULL;
	return uni_spoof_sc;
}

int
uni_spoof_check(const char *utf8, size_t len, unsigned *flags_r)
{
	const USpoofChecker *sc = uni_spoof_checker();
	UErrorCode err = U_ZERO_ERROR;
	int32_t r;

	*flags_r = 0;
	if (sc == NULL)
		return -1;
	if (len > UNI_SPOOF_MAX)
		len = UNI_SPOOF_MAX;
	r = uspoof_check2UTF8(sc, utf8, (int32_t)len, NULL, &err);
	if (U_FAILURE(err))
		return -1;
	if (r & USPOOF_RESTRICTION_LEVEL)
		*flags_r |= UNI_SPOOF_MIXED_SCRIPT;
	if (r & USPOOF_INVISIBLE)
		*flags_r |= UNI_SPOOF_INVISIBLE;
	if (r & USPOOF_MIXED_NUMBERS)
		*flags_r |= UNI_SPOOF_MIXED_NUMBERS;
	return 0;
}

int
uni_skeleton(const char *utf8, size_t len, struct sbuf *out)
{
	const USpoofChecker *sc = uni_spoof_checker();
	UErrorCode err = U_ZERO_ERROR;
	size_t cap;
	int32_t n;
	char *b;
	int rc;

	if (sc == NULL)
		return -1;
	if (len > UNI_SPOOF_MAX)
		len = UNI_SPOOF_MAX;
	cap = len * 4 + 16;	/* bounded: len <= UNI_SPOOF_MAX */
	b = mem_alloc(cap);
	n = uspoof_getSkeletonUTF8(sc, 0, utf8, (int32_t)len, b,
	    (int32_t)cap, &err);
	if (err == U_BUFFER_OVERFLOW_ERROR && n > 0 && n < 1024 * 1024) {
		cap = (size_t)n + 1;
		b = mem_realloc(b, cap);
		err = U_ZERO_ERROR;
		n = uspoof_getSkeletonUTF8(sc, 0, utf8, (int32_t)len, b,
		    (int32_t)cap, &err);
	}
	if (U_FAILURE(err) || n < 0 || (size_t)n > cap) {
		free(b);
		return -1;
	}
	rc = sbuf_append(out, b, (size_t)n);
	free(b);
	return rc;
}
