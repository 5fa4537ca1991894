/*
 * test_registry.c - unit tests for the registry rules (domain/registry.c)
 * and role sets (domain/role.c): what a registry clerk or an administrator
 * would see accepted or refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/registry.h"
#include "domain/role.h"

static void test_codes(void **state)
{
    err e;
    assert_int_equal(registry_code_check("LA", "code", &e), 0);
    assert_int_equal(registry_code_check("NY-01", "code", &e), 0);
    assert_int_equal(registry_code_check("A_1", "code", &e), 0);
    assert_int_equal(registry_code_check("L", "code", &e), -1);
    assert_string_equal(e.field, "code");
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(registry_code_check("ABCDEFGHIJKLMNOPQ", "code", &e), -1); /* 17 */
    assert_int_equal(registry_code_check("ABCDEFGHIJKLMNOP", "code", &e), 0);   /* 16 */
    assert_int_equal(registry_code_check("la", "market", &e), -1);
    assert_string_equal(e.field, "market");
    assert_int_equal(registry_code_check("-LA", "code", &e), -1);
    assert_int_equal(registry_code_check("L A", "code", &e), -1);
    assert_int_equal(registry_code_check(NULL, "code", &e), -1);
}

static void test_names(void **state)
{
    err e;
    assert_int_equal(registry_name_check("Sherman Oaks Donor Center", "name", &e), 0);
    assert_int_equal(registry_name_check("Hôpital Saint-Luc", "name", &e), 0);
    assert_int_equal(registry_name_check("", "name", &e), -1);
    assert_string_equal(e.message, "must not be empty");
    assert_int_equal(registry_name_check(" padded", "name", &e), -1);
    assert_int_equal(registry_name_check("tab\there", "name", &e), -1);
    char long_name[REGISTRY_NAME_MAX + 2];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_int_equal(registry_name_check(long_name, "name", &e), -1);
    long_name[REGISTRY_NAME_MAX] = '\0';
    assert_int_equal(registry_name_check(long_name, "name", &e), 0);
}

static void test_free_text(void **state)
{
    err e;
    assert_int_equal(registry_text_check(NULL, 10, "address", &e), 0);
    assert_int_equal(registry_text_check("1 Main St\nSuite 2", 100, "address", &e), 0);
    assert_int_equal(registry_text_check("bell\a", 100, "address", &e), -1);
    assert_int_equal(registry_text_check("0123456789A", 10, "address", &e), -1);
    assert_string_equal(e.field, "address");
}

static void test_facility_identification_number(void **state)
{
    err e;
    assert_int_equal(registry_fin_check("W1234", "fin", &e), 0);
    assert_int_equal(registry_fin_check("A0000", "fin", &e), 0);
    assert_int_equal(registry_fin_check("12345", "fin", &e), -1);
    assert_string_equal(e.field, "fin");
    assert_non_null(strstr(e.message, "W1234"));
    assert_int_equal(registry_fin_check("w1234", "fin", &e), -1);
    assert_int_equal(registry_fin_check("W123", "fin", &e), -1);
    assert_int_equal(registry_fin_check("W12345", "fin", &e), -1);
    assert_int_equal(registry_fin_check("WA234", "fin", &e), -1);
    assert_int_equal(registry_fin_check("O1234", "fin", &e), -1); /* O reads as a zero */
}

static void test_billing_terms(void **state)
{
    err e;
    assert_int_equal(registry_billing_terms_check(0, "terms", &e), 0);
    assert_int_equal(registry_billing_terms_check(30, "terms", &e), 0);
    assert_int_equal(registry_billing_terms_check(365, "terms", &e), 0);
    assert_int_equal(registry_billing_terms_check(366, "terms", &e), -1);
    assert_int_equal(registry_billing_terms_check(-1, "terms", &e), -1);
}

static void test_center_closed_for_period(void **state)
{
    civil_day close_day, q4_end, q1_end;
    err e;
    assert_int_equal(date_parse("2003-12-31", &close_day, "d", &e), 0);
    assert_int_equal(date_parse("2003-12-31", &q4_end, "d", &e), 0);
    assert_int_equal(date_parse("2003-09-30", &q1_end, "d", &e), 0);
    /* Closed on the last day of the period: closed for that period. */
    assert_true(registry_center_closed_for(1, close_day, q4_end));
    /* Closed after the period ended: still ongoing for that period. */
    assert_false(registry_center_closed_for(1, close_day, q1_end));
    /* Never closed. */
    assert_false(registry_center_closed_for(0, 0, q4_end));
    assert_int_equal(registry_close_date_check(q1_end, close_day, "close_date", &e), 0);
    assert_int_equal(registry_close_date_check(close_day, q1_end, "close_date", &e), -1);
    assert_string_equal(e.field, "close_date");
}

static void test_roles(void **state)
{
    err e;
    role_set roles;
    char text[128];
    assert_int_equal(role_set_parse("finance,executive", &roles, "roles", &e), 0);
    assert_int_equal(roles, ROLE_FINANCE | ROLE_EXECUTIVE);
    assert_string_equal(role_set_format(roles, text, sizeof text), "finance,executive");
    assert_int_equal(role_set_parse("admin", &roles, "roles", &e), 0);
    assert_int_equal(roles, ROLE_ADMIN);
    assert_int_equal(role_set_parse("nurse", &roles, "roles", &e), -1);
    assert_string_equal(e.field, "roles");
    assert_non_null(strstr(e.message, "'nurse'"));
    assert_int_equal(role_set_parse("lab,lab", &roles, "roles", &e), -1);
    assert_int_equal(role_set_parse("", &roles, "roles", &e), -1);
    assert_int_equal(role_set_parse("lab,", &roles, "roles", &e), -1);
    assert_int_equal(role_from_name("auditor"), ROLE_AUDITOR);
    assert_string_equal(role_name(ROLE_APHERESIS_NURSE), "apheresis_nurse");
    assert_false(ROLES_WRITERS & ROLE_AUDITOR);
    assert_true(ROLES_WRITERS & ROLE_ADMIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_free_text),
        cmocka_unit_test(test_facility_identification_number),
        cmocka_unit_test(test_billing_terms),
        cmocka_unit_test(test_center_closed_for_period),
        cmocka_unit_test(test_roles),
    };
    return cmocka_run_group_tests_name("registry and roles", tests, NULL, NULL);
}
