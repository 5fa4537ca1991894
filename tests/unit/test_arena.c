/*
 * test_arena.c - unit tests for arena.c: alignment, zeroed memory, many
 * small allocations, large allocations and the string helpers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"

static int is_zero(const unsigned char *p, size_t size)
{
    for (size_t i = 0; i < size; i++)
        if (p[i] != 0)
            return 0;
    return 1;
}

static void test_alignment_for_any_size(void **state)
{
    arena *a = arena_new();
    for (size_t size = 0; size < 100; size++) {
        void *p = arena_alloc(a, size);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
    }
    arena_free(a);
}

static void test_many_allocations_are_distinct_zeroed_and_kept(void **state)
{
    enum { COUNT = 20000 };
    arena *a = arena_new();
    static unsigned char *pointers[COUNT];
    for (int i = 0; i < COUNT; i++) {
        size_t size = (size_t)(i % 97) + 1;
        pointers[i] = arena_alloc(a, size);
        assert_true(is_zero(pointers[i], size));
        memset(pointers[i], i % 251 + 1, size); /* would corrupt a neighbour on overlap */
    }
    for (int i = 0; i < COUNT; i++) {
        size_t size = (size_t)(i % 97) + 1;
        for (size_t j = 0; j < size; j++)
            if (pointers[i][j] != i % 251 + 1)
                fail_msg("allocation %d byte %zu was overwritten", i, j);
    }
    arena_free(a);
}

static void test_large_allocations(void **state)
{
    arena *a = arena_new();
    unsigned char *small1 = arena_alloc(a, 10);
    size_t big_size = 1024 * 1024;
    unsigned char *big = arena_alloc(a, big_size);
    unsigned char *small2 = arena_alloc(a, 10);
    unsigned char *huge = arena_alloc(a, 8 * big_size);
    assert_int_equal((uintptr_t)big % 16, 0);
    assert_int_equal((uintptr_t)huge % 16, 0);
    assert_true(is_zero(big, big_size));
    assert_true(is_zero(huge, 8 * big_size));
    memset(big, 0xAB, big_size);
    memset(huge, 0xCD, 8 * big_size);
    memset(small1, 1, 10);
    memset(small2, 2, 10);
    assert_int_equal(big[0], 0xAB);
    assert_int_equal(big[big_size - 1], 0xAB);
    assert_int_equal(small1[9], 1);
    assert_int_equal(small2[0], 2);
    /* a big allocation does not push small ones out of the current block */
    assert_true(small2 > small1 && small2 - small1 < 64);
    assert_true(arena_used(a) >= 9 * big_size + 20);
    arena_free(a);
}

static void test_used_counts_bytes_handed_out(void **state)
{
    arena *a = arena_new();
    assert_int_equal(arena_used(a), 0);
    arena_alloc(a, 100);
    size_t after_one = arena_used(a);
    assert_true(after_one >= 100);
    arena_alloc(a, 50);
    assert_true(arena_used(a) >= after_one + 50);
    arena_free(a);
}

static void test_strings(void **state)
{
    arena *a = arena_new();
    const char *original = "Jane Q. Donor";
    char *copy = arena_strdup(a, original);
    assert_string_equal(copy, original);
    assert_ptr_not_equal(copy, original);
    assert_null(arena_strdup(a, NULL));
    assert_null(arena_strndup(a, NULL, 3));

    assert_string_equal(arena_strndup(a, "W1234000012345", 5), "W1234");
    assert_string_equal(arena_strndup(a, "ab", 10), "ab"); /* stops at the NUL */
    assert_string_equal(arena_strndup(a, "abc", 0), "");

    char *line = arena_printf(a, "%s has %d units of %s", "site 7", 12, "O+");
    assert_string_equal(line, "site 7 has 12 units of O+");
    char long_text[20000];
    memset(long_text, 'q', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    char *long_copy = arena_printf(a, "<%s>", long_text);
    assert_int_equal(strlen(long_copy), sizeof long_text + 1);
    assert_int_equal(long_copy[0], '<');
    assert_int_equal(long_copy[sizeof long_text], '>');
    arena_free(a);
}

static void test_free_null_is_harmless(void **state)
{
    arena_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment_for_any_size),
        cmocka_unit_test(test_many_allocations_are_distinct_zeroed_and_kept),
        cmocka_unit_test(test_large_allocations),
        cmocka_unit_test(test_used_counts_bytes_handed_out),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_free_null_is_harmless),
    };
    return cmocka_run_group_tests_name("arena: region allocation", tests, NULL, NULL);
}
