/*
 * check_util: mem, sbuf, arena, log_escape and partbuf (part copies
 * within the process's memory budget).
 */
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "log.h"
#include "mem.h"
#include "partbuf.h"
#include "sbuf.h"

START_TEST(test_mem_overflow)
{
	size_t r;

	ck_assert_int_eq(mem_add(SIZE_MAX, 1, &r), -1);
	ck_assert_int_eq(mem_add(2, 3, &r), 0);
	ck_assert_uint_eq(r, 5);
	ck_assert_int_eq(mem_mul(SIZE_MAX / 2 + 1, 2, &r), -1);
	ck_assert_int_eq(mem_mul(0, SIZE_MAX, &r), 0);
	ck_assert_uint_eq(r, 0);
}
END_TEST

START_TEST(test_mem_strndup)
{
	char *s = mem_strndup("abc\0def", 7);

	ck_assert_str_eq(s, "abc");
	free(s);
	s = mem_dup("x\0y", 3);
	ck_assert_int_eq(memcmp(s, "x\0y\0", 4), 0);
	free(s);
}
END_TEST

START_TEST(test_sbuf_bound)
{
	struct sbuf *b = sbuf_new(0, 5);

	ck_assert_int_eq(sbuf_puts(b, "abc"), 0);
	ck_assert_int_eq(sbuf_puts(b, "defg"), 1);
	ck_assert_uint_eq(b->len, 5);
	ck_assert_str_eq(sbuf_str(b), "abcde");
	ck_assert_int_eq(b->truncated, 1);
	ck_assert_int_eq(sbuf_putc(b, 'x'), 1);
	sbuf_reset(b);
	ck_assert_int_eq(b->truncated, 0);
	ck_assert_str_eq(sbuf_str(b), "");
	sbuf_free(&b);
	ck_assert_ptr_null(b);
	sbuf_free(&b);
}
END_TEST

START_TEST(test_sbuf_binary_printf)
{
	struct sbuf b;
	char big[1000];
	size_t len;
	char *s;

	sbuf_init(&b, 0);
	sbuf_append(&b, "a\0b", 3);
	ck_assert_uint_eq(b.len, 3);
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(sbuf_printf(&b, "%s%d", big, 42), 0);
	ck_assert_uint_eq(b.len, 3 + 999 + 2);
	s = sbuf_steal(&b, &len);
	ck_assert_uint_eq(len, 1004);
	ck_assert_int_eq(s[len], '\0');
	ck_assert_uint_eq(b.len, 0);
	free(s);
	sbuf_release(&b);
}
END_TEST

START_TEST(test_arena)
{
	struct arena *a = arena_new();
	char *p, *big;
	int i;

	for (i = 0; i < 10000; i++) {
		p = arena_alloc(a, 13);
		ck_assert_int_eq((uintptr_t)p % 16, 0);
		ck_assert_int_eq(p[12], 0);
	}
	big = arena_alloc(a, 1 << 20);
	ck_assert_int_eq(big[(1 << 20) - 1], 0);
	ck_assert_str_eq(arena_printf(a, "%s-%d", "x", 7), "x-7");
	ck_assert_str_eq(arena_strndup(a, "hello", 3), "hel");
	ck_assert_uint_ge(arena_used(a), 10000 * 16 + (1 << 20));
	arena_free(&a);
	ck_assert_ptr_null(a);
}
END_TEST

static const char *
escaped(const char *in, size_t len)
{
	static struct sbuf b;

	sbuf_release(&b);
	sbuf_init(&b, 0);
	log_escape(&b, in, len);
	return sbuf_str(&b);
}

START_TEST(test_log_escape)
{
	ck_assert_str_eq(escaped("plain", 5), "plain");
	ck_assert_str_eq(escaped("a\nb\tc", 5), "a\\x0ab\\x09c");
	/* RTLO U+202E and zero-width space U+200B */
	ck_assert_str_eq(escaped("x\xe2\x80\xaey\xe2\x80\x8b", 8),
	    "x\\u{202E}y\\u{200B}");
	/* invalid UTF-8 and a backslash */
	ck_assert_str_eq(escaped("\xff\\", 2), "\\xff\\\\");
	/* Japanese passes */
	ck_assert_str_eq(escaped("\xe8\xab\x8b\xe6\xb1\x82", 6),
	    "\xe8\xab\x8b\xe6\xb1\x82");
	/* overlong encoding of '/' is invalid */
	ck_assert_str_eq(escaped("\xc0\xaf", 2), "\\xc0\\xaf");
}
END_TEST

START_TEST(test_log_escape_bounded)
{
	struct sbuf *b = sbuf_new(0, 8);

	ck_assert_int_eq(log_escape(b, "\n\n\n\n\n", 5), 1);
	ck_assert_uint_le(b->len, 8);
	sbuf_free(&b);
}
END_TEST

/* Entries of a directory but . and .. */
static int
dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static unsigned char pattern[400000];

static void
fill_pattern(void)
{
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (unsigned char)(i * 131 + (i >> 9));
}

/* Append `len` bytes of the pattern in blocks as the decoder gives them. */
static void
append_blocks(struct partbuf *pb, size_t len)
{
	const char *err = NULL;

	for (size_t off = 0; off < len; off += 65536)
		ck_assert_int_eq(partbuf_append(pb, pattern + off, len - off <
		    65536 ? len - off : 65536, &err), 0);
}

static void
assert_pattern(struct partbuf *pb, size_t len)
{
	const char *err = NULL;
	const unsigned char *d = partbuf_data(pb, &err);

	ck_assert_msg(d != NULL, "partbuf_data: %s", err);
	ck_assert_uint_eq(partbuf_len(pb), len);
	ck_assert_mem_eq(d, pattern, len);
	ck_assert_int_eq(d[len], 0);
}

/* Budget 0: memory only; the bound is kept and the cut remembered. */
START_TEST(test_partbuf_memory_only)
{
	struct partbuf pb;

	fill_pattern();
	partbuf_init(&pb, 300000, 0, "/nonexistent");
	append_blocks(&pb, sizeof(pattern));
	ck_assert_int_eq(partbuf_spilled(&pb), 0);
	ck_assert_int_eq(partbuf_truncated(&pb), 1);
	assert_pattern(&pb, 300000);
	ck_assert_uint_eq(partbuf_memory(), 300000 + 1);	/* and the NUL */
	partbuf_release(&pb);
	partbuf_pool_drain();
	ck_assert_uint_eq(partbuf_memory(), 0);
}
END_TEST

/*
 * A released buffer waits in the pool, still counted, and the next part
 * writes into it without new memory; a budget empties the pool before it
 * moves any part to a file.
 */
START_TEST(test_partbuf_pool)
{
	char dir[] = "/tmp/check_partbuf.XXXXXX";
	struct partbuf a, b;
	uint64_t held;

	fill_pattern();
	ck_assert_ptr_nonnull(mkdtemp(dir));
	partbuf_init(&a, sizeof(pattern), 0, NULL);
	append_blocks(&a, 300000);
	partbuf_release(&a);
	held = partbuf_memory();
	ck_assert_uint_eq(held, 300000 + 1);
	partbuf_init(&b, sizeof(pattern), 0, NULL);
	append_blocks(&b, 200000);
	ck_assert_uint_eq(partbuf_memory(), held);
	assert_pattern(&b, 200000);
	partbuf_release(&b);
	/*
	 * 300001 bytes pooled and a budget of 350000: a part of 100000 bytes
	 * would go over, so the pool is freed and the part stays in memory.
	 */
	ck_assert_uint_eq(partbuf_memory(), held);
	partbuf_init(&a, sizeof(pattern), 350000, dir);
	append_blocks(&a, 100000);
	ck_assert_int_eq(partbuf_spilled(&a), 0);
	ck_assert_uint_eq(partbuf_memory(), 100000 + 1);
	assert_pattern(&a, 100000);
	partbuf_release(&a);
	partbuf_pool_drain();
	ck_assert_uint_eq(partbuf_memory(), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/*
 * Over the budget a large part moves to a nameless file and reads back
 * the same; small parts stay in memory; released parts return their bytes.
 */
START_TEST(test_partbuf_spill)
{
	char dir[] = "/tmp/check_partbuf.XXXXXX";
	struct partbuf a, b, c;

	fill_pattern();
	ck_assert_ptr_nonnull(mkdtemp(dir));
	partbuf_init(&a, sizeof(pattern), 200000, dir);
	partbuf_init(&b, sizeof(pattern), 200000, dir);
	partbuf_init(&c, sizeof(pattern), 200000, dir);
	append_blocks(&a, 150000);
	ck_assert_int_eq(partbuf_spilled(&a), 0);
	ck_assert_uint_eq(partbuf_memory(), 150000 + 1);
	append_blocks(&c, 60000);		/* under PARTBUF_SPILL_MIN */
	ck_assert_int_eq(partbuf_spilled(&c), 0);
	append_blocks(&b, 350000);
	ck_assert_int_eq(partbuf_spilled(&b), 1);
	ck_assert_int_eq(partbuf_truncated(&b), 0);
	ck_assert_uint_eq(partbuf_memory(), 210000 + 2);
	ck_assert_int_eq(dir_entries(dir), 0);
	assert_pattern(&b, 350000);
	assert_pattern(&a, 150000);
	assert_pattern(&c, 60000);
	partbuf_release(&b);
	/* b's file is reused: a shorter part reads back as itself. */
	partbuf_init(&b, sizeof(pattern), 200000, dir);
	append_blocks(&b, 100000);
	ck_assert_int_eq(partbuf_spilled(&b), 1);
	assert_pattern(&b, 100000);
	partbuf_release(&a);
	partbuf_release(&b);
	partbuf_release(&c);
	partbuf_pool_drain();
	ck_assert_uint_eq(partbuf_memory(), 0);
	ck_assert_int_eq(dir_entries(dir), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* A file that cannot be made leaves the part in memory, whole. */
START_TEST(test_partbuf_spill_fails)
{
	struct partbuf pb;

	fill_pattern();
	partbuf_init(&pb, sizeof(pattern), 100000, "/nonexistent/spool");
	append_blocks(&pb, sizeof(pattern));
	ck_assert_int_eq(partbuf_spilled(&pb), 0);
	assert_pattern(&pb, sizeof(pattern));
	partbuf_release(&pb);
	partbuf_pool_drain();
	ck_assert_uint_eq(partbuf_memory(), 0);
}
END_TEST

/* An empty spilled-capable part gives "" without a file. */
START_TEST(test_partbuf_empty)
{
	struct partbuf pb;

	partbuf_init(&pb, 10, 1, "/tmp");
	assert_pattern(&pb, 0);
	ck_assert_int_eq(partbuf_spilled(&pb), 0);
	partbuf_release(&pb);
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc;

	tc = tcase_create("mem");
	tcase_add_test(tc, test_mem_overflow);
	tcase_add_test(tc, test_mem_strndup);
	suite_add_tcase(s, tc);
	tc = tcase_create("sbuf");
	tcase_add_test(tc, test_sbuf_bound);
	tcase_add_test(tc, test_sbuf_binary_printf);
	suite_add_tcase(s, tc);
	tc = tcase_create("arena");
	tcase_add_test(tc, test_arena);
	suite_add_tcase(s, tc);
	tc = tcase_create("log_escape");
	tcase_add_test(tc, test_log_escape);
	tcase_add_test(tc, test_log_escape_bounded);
	suite_add_tcase(s, tc);
	tc = tcase_create("partbuf");
	tcase_add_test(tc, test_partbuf_memory_only);
	tcase_add_test(tc, test_partbuf_pool);
	tcase_add_test(tc, test_partbuf_spill);
	tcase_add_test(tc, test_partbuf_spill_fails);
	tcase_add_test(tc, test_partbuf_empty);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
