/*
 * test_apheresis.c - unit tests for the apheresis calculations
 * (domain/apheresis.c; docs/apheresis.md): worked values computed by hand
 * from the formulas in the comments (Nadler for a man and a woman, a child
 * by weight, the 35 kg boundary on both sides, plasma volume and the
 * exchange of 1 and 1.5 volumes, e^-1 left after one plasma volume, the
 * albumin vials and plasma units rounded up, exactly at 250 mL multiples
 * too, a red cell exchange, the anticoagulant flow, adsorptive courses);
 * the edges (hematocrit 0, 1 and near 1, zero volumes, remaining 0 and 1);
 * every refusal naming its field; numbers read strictly; the figures a
 * result lists with their units and rounding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "domain/apheresis.h"

#define NEAR 1e-9

/* cmocka's assert_float_equal compares floats: doubles are compared here. */
#define assert_near(actual, expected, epsilon)                                                   \
    do {                                                                                         \
        double actual_ = (actual), expected_ = (expected);                                       \
        if (!(fabs(actual_ - expected_) <= (epsilon)))                                           \
            fail_msg("%s:%d: %.15g is not %.15g", __FILE__, __LINE__, actual_, expected_);       \
    } while (0)

static apheresis_tbv tbv_of(apheresis_sex sex, double height_m, double weight_kg)
{
    apheresis_tbv r;
    err e;
    assert_int_equal(apheresis_tbv_compute(sex, height_m, weight_kg, &r, &e), 0);
    return r;
}

/* A call that must fail with ERR_INVALID naming `field`. */
#define assert_refused(call, e, expected_field)                                                  \
    do {                                                                                         \
        err_clear(&(e));                                                                         \
        assert_int_equal((call), -1);                                                            \
        assert_int_equal((e).code, ERR_INVALID);                                                 \
        assert_string_equal((e).field, (expected_field));                                        \
        assert_true(strlen((e).message) > 0);                                                    \
    } while (0)

static void test_nadler(void **state)
{
    /* A man of 1.80 m and 80 kg: h^3 = 5.832;
     * 0.3669 x 5.832 + 0.03219 x 80 + 0.6041 = 2.1397608 + 2.5752 + 0.6041 = 5.3190608 L. */
    apheresis_tbv r = tbv_of(APHERESIS_MALE, 1.80, 80);
    assert_int_equal(r.method, APHERESIS_TBV_NADLER);
    assert_near(r.tbv_l, 5.3190608, NEAR);
    assert_near(r.ml_per_kg, 0, 0);
    assert_string_equal(apheresis_tbv_method_name(r.method), "nadler");
    /* A woman of 1.60 m and 60 kg: h^3 = 4.096;
     * 0.3561 x 4.096 + 0.03308 x 60 + 0.1833 = 1.4585856 + 1.9848 + 0.1833 = 3.6266856 L. */
    r = tbv_of(APHERESIS_FEMALE, 1.60, 60);
    assert_int_equal(r.method, APHERESIS_TBV_NADLER);
    assert_near(r.tbv_l, 3.6266856, NEAR);
    /* The inputs are kept beside the result. */
    assert_int_equal(r.sex, APHERESIS_FEMALE);
    assert_near(r.height_m, 1.60, 0);
    assert_near(r.weight_kg, 60, 0);
}

static void test_by_weight_and_the_35_kg_boundary(void **state)
{
    /* A child of 20 kg: 20 x 70 mL = 1.4 L (a boy), 20 x 65 mL = 1.3 L (a girl). */
    apheresis_tbv r = tbv_of(APHERESIS_MALE, 1.10, 20);
    assert_int_equal(r.method, APHERESIS_TBV_WEIGHT);
    assert_near(r.ml_per_kg, 70, 0);
    assert_near(r.tbv_l, 1.4, NEAR);
    assert_string_equal(apheresis_tbv_method_name(r.method), "weight");
    r = tbv_of(APHERESIS_FEMALE, 1.10, 20);
    assert_near(r.ml_per_kg, 65, 0);
    assert_near(r.tbv_l, 1.3, NEAR);
    /* Just under 35 kg, by weight: 34.99 x 70 = 2449.3 mL, 34.99 x 65 = 2274.35 mL. */
    r = tbv_of(APHERESIS_MALE, 1.40, 34.99);
    assert_int_equal(r.method, APHERESIS_TBV_WEIGHT);
    assert_near(r.tbv_l, 2.4493, NEAR);
    r = tbv_of(APHERESIS_FEMALE, 1.40, 34.99);
    assert_int_equal(r.method, APHERESIS_TBV_WEIGHT);
    assert_near(r.tbv_l, 2.27435, NEAR);
    /* 35 kg itself is Nadler's: h^3 = 2.744;
     * man 0.3669 x 2.744 + 0.03219 x 35 + 0.6041 = 1.0067736 + 1.12665 + 0.6041 = 2.7375236 L;
     * woman 0.3561 x 2.744 + 0.03308 x 35 + 0.1833 = 0.9771384 + 1.1578 + 0.1833 = 2.3182384 L. */
    r = tbv_of(APHERESIS_MALE, 1.40, 35);
    assert_int_equal(r.method, APHERESIS_TBV_NADLER);
    assert_near(r.tbv_l, 2.7375236, NEAR);
    r = tbv_of(APHERESIS_FEMALE, 1.40, 35);
    assert_int_equal(r.method, APHERESIS_TBV_NADLER);
    assert_near(r.tbv_l, 2.3182384, NEAR);
    /* The ends of the ranges are accepted: 0.5 kg by weight is 0.035 L for a boy. */
    r = tbv_of(APHERESIS_MALE, 0.30, 0.5);
    assert_near(r.tbv_l, 0.035, NEAR);
    r = tbv_of(APHERESIS_MALE, 2.50, 350);
    /* 0.3669 x 15.625 + 0.03219 x 350 + 0.6041 = 5.7328125 + 11.2665 + 0.6041 = 17.6034125 */
    assert_near(r.tbv_l, 17.6034125, NEAR);
}

static void test_tbv_refusals(void **state)
{
    apheresis_tbv r;
    err e;
    assert_refused(apheresis_tbv_compute(APHERESIS_MALE, 0, 80, &r, &e), e, "height_m");
    assert_refused(apheresis_tbv_compute(APHERESIS_MALE, 0.29, 80, &r, &e), e, "height_m");
    assert_refused(apheresis_tbv_compute(APHERESIS_MALE, 3, 80, &r, &e), e, "height_m");
    assert_refused(apheresis_tbv_compute(APHERESIS_MALE, NAN, 80, &r, &e), e, "height_m");
    assert_refused(apheresis_tbv_compute(APHERESIS_MALE, 1.8, -80, &r, &e), e, "weight_kg");
    assert_refused(apheresis_tbv_compute(APHERESIS_MALE, 1.8, 0, &r, &e), e, "weight_kg");
    assert_refused(apheresis_tbv_compute(APHERESIS_FEMALE, 1.8, 350.5, &r, &e), e, "weight_kg");
    assert_refused(apheresis_tbv_compute(APHERESIS_FEMALE, 1.8, INFINITY, &r, &e), e,
                   "weight_kg");
    assert_refused(apheresis_tbv_compute((apheresis_sex)7, 1.8, 80, &r, &e), e, "sex");
    /* The height is checked by weight too, though that method needs none. */
    assert_refused(apheresis_tbv_compute(APHERESIS_MALE, 0, 20, &r, &e), e, "height_m");
}

static void test_plasma_exchange(void **state)
{
    /* The man of 1.80 m and 80 kg (5.3190608 L) at a hematocrit of 0.45:
     * PV = 5.3190608 x 0.55 = 2.92548344 L; one volume exchanged is as
     * much, and leaves e^-1 = 0.36788 of a substance. */
    apheresis_tbv tbv = tbv_of(APHERESIS_MALE, 1.80, 80);
    apheresis_plasma_exchange r;
    err e;
    assert_int_equal(apheresis_plasma_exchange_compute(&tbv, 0.45, 1, 1, &r, &e), 0);
    assert_near(r.plasma_volume_l, 2.92548344, NEAR);
    assert_near(r.exchange_l, 2.92548344, NEAR);
    assert_near(r.remaining, 0.36787944117144233, NEAR);
    assert_near(r.tbv.tbv_l, 5.3190608, NEAR);
    /* All albumin: 2925.48 mL = 11.7 vials, so 12 (150 g); no plasma. */
    assert_near(r.replacement.albumin_ml, 2925.48344, 1e-6);
    assert_int_equal(r.replacement.albumin_vials, 12);
    assert_near(r.replacement.albumin_g, 150, 0);
    assert_near(r.replacement.plasma_ml, 0, NEAR);
    assert_int_equal(r.replacement.plasma_units, 0);
    /* 1.5 volumes: 4.38822516 L, e^-1.5 = 0.22313 left. */
    assert_int_equal(apheresis_plasma_exchange_compute(&tbv, 0.45, 1.5, 1, &r, &e), 0);
    assert_near(r.exchange_l, 4.38822516, NEAR);
    assert_near(r.remaining, 0.22313016014842982, NEAR);
    assert_int_equal(r.replacement.albumin_vials, 18); /* 4388.2 mL / 250 = 17.55 */
    /* The woman of 1.60 m and 60 kg (3.6266856 L) at 0.40, 1.5 volumes, half
     * albumin: PV = 2.17601136 L, exchange 3.26401704 L; 1632.0 mL of albumin
     * (6.53 vials: 7, 87.5 g) and 1632.0 mL of plasma (7 units). */
    tbv = tbv_of(APHERESIS_FEMALE, 1.60, 60);
    assert_int_equal(apheresis_plasma_exchange_compute(&tbv, 0.40, 1.5, 0.5, &r, &e), 0);
    assert_near(r.plasma_volume_l, 2.17601136, NEAR);
    assert_near(r.exchange_l, 3.26401704, NEAR);
    assert_int_equal(r.replacement.albumin_vials, 7);
    assert_near(r.replacement.albumin_g, 87.5, 0);
    assert_int_equal(r.replacement.plasma_units, 7);
    assert_near(r.replacement.plasma_fraction, 0.5, 0);
    /* A hematocrit near 1 leaves a small plasma volume, still computed. */
    assert_int_equal(apheresis_plasma_exchange_compute(&tbv, 0.99, 1, 1, &r, &e), 0);
    assert_near(r.plasma_volume_l, 0.036266856, NEAR);
    assert_near(r.remaining, exp(-1), NEAR);
    /* The most volumes accepted, 3: e^-3 left. */
    assert_int_equal(apheresis_plasma_exchange_compute(&tbv, 0.40, 3, 1, &r, &e), 0);
    assert_near(r.remaining, 0.049787068367863944, NEAR);
}

static void test_fraction_remaining(void **state)
{
    double left;
    err e;
    assert_int_equal(apheresis_fraction_remaining(3, 3, &left, &e), 0);
    assert_near(left, 0.36787944117144233, NEAR); /* e^-1 */
    assert_int_equal(apheresis_fraction_remaining(0, 3, &left, &e), 0);
    assert_near(left, 1, 0); /* nothing exchanged, all left */
    assert_int_equal(apheresis_fraction_remaining(1.5, 3, &left, &e), 0);
    assert_near(left, 0.6065306597126334, NEAR); /* e^-0.5 */
    assert_refused(apheresis_fraction_remaining(-1, 3, &left, &e), e, "exchanged_l");
    assert_refused(apheresis_fraction_remaining(1, 0, &left, &e), e, "plasma_volume_l");
}

static void test_plasma_exchange_refusals(void **state)
{
    apheresis_tbv tbv = tbv_of(APHERESIS_MALE, 1.80, 80);
    apheresis_plasma_exchange r;
    err e;
    /* A hematocrit of 0 (no red cells: no living patient) and of 1 (no
     * plasma to exchange: e^(-V/0)) are refused, and beyond them. */
    assert_refused(apheresis_plasma_exchange_compute(&tbv, 0, 1, 1, &r, &e), e, "hct");
    assert_refused(apheresis_plasma_exchange_compute(&tbv, 1, 1, 1, &r, &e), e, "hct");
    assert_refused(apheresis_plasma_exchange_compute(&tbv, 1.2, 1, 1, &r, &e), e, "hct");
    assert_refused(apheresis_plasma_exchange_compute(&tbv, -0.4, 1, 1, &r, &e), e, "hct");
    /* Zero volumes, negative ones, more than 3. */
    assert_refused(apheresis_plasma_exchange_compute(&tbv, 0.45, 0, 1, &r, &e), e, "volumes");
    assert_refused(apheresis_plasma_exchange_compute(&tbv, 0.45, -1, 1, &r, &e), e, "volumes");
    assert_refused(apheresis_plasma_exchange_compute(&tbv, 0.45, 3.01, 1, &r, &e), e,
                   "volumes");
    assert_refused(apheresis_plasma_exchange_compute(&tbv, 0.45, 1, 1.1, &r, &e), e,
                   "albumin_fraction");
    assert_refused(apheresis_plasma_exchange_compute(&tbv, 0.45, 1, -0.1, &r, &e), e,
                   "albumin_fraction");
}

static void test_replacement_rounds_up(void **state)
{
    apheresis_replacement r;
    err e;
    /* Exactly 4 vials at 1000 mL, 5 just above. */
    assert_int_equal(apheresis_replacement_compute(1000, 1, &r, &e), 0);
    assert_int_equal(r.albumin_vials, 4);
    assert_near(r.albumin_g, 50, 0);
    assert_int_equal(apheresis_replacement_compute(1001, 1, &r, &e), 0);
    assert_int_equal(r.albumin_vials, 5);
    assert_int_equal(apheresis_replacement_compute(750.5, 1, &r, &e), 0);
    assert_int_equal(r.albumin_vials, 4);
    /* 250 mL is one vial or one unit, 1 mL too. */
    assert_int_equal(apheresis_replacement_compute(250, 1, &r, &e), 0);
    assert_int_equal(r.albumin_vials, 1);
    assert_int_equal(apheresis_replacement_compute(1, 0, &r, &e), 0);
    assert_int_equal(r.albumin_vials, 0);
    assert_int_equal(r.plasma_units, 1);
    /* 2500 mL split 0.3 / 0.7 in doubles: 750 mL (3 vials) and 1750 mL (7
     * units), whatever the last bit of 0.3 x 2500 is. */
    assert_int_equal(apheresis_replacement_compute(2500, 0.3, &r, &e), 0);
    assert_int_equal(r.albumin_vials, 3);
    assert_int_equal(r.plasma_units, 7);
    /* 2.1 L worked out as 0.7 x 3 L (2099.9999999999995 mL in doubles): 9. */
    assert_int_equal(apheresis_replacement_compute(0.7 * 3.0 * 1000, 1, &r, &e), 0);
    assert_int_equal(r.albumin_vials, 9);
    /* 3 x 0.1 L = 0.30000000000000004 L: still 300 mL, 2 vials. */
    assert_int_equal(apheresis_replacement_compute(3 * 0.1 * 1000, 1, &r, &e), 0);
    assert_int_equal(r.albumin_vials, 2);
    assert_int_equal(apheresis_replacement_compute(0.5 * 1000, 1, &r, &e), 0);
    assert_int_equal(r.albumin_vials, 2);
    /* 0.55 x 25 L is 13.750000000000002 L in doubles: 13750 mL, 55 vials. */
    assert_int_equal(apheresis_replacement_compute(0.55 * 25 * 1000, 1, &r, &e), 0);
    assert_int_equal(r.albumin_vials, 55);
    /* Through a plasma exchange: 6.25 L at a hematocrit of 0.44 is a plasma
     * volume of 3.5 L, 3500.0000000000005 mL in doubles: 14 vials, not 15. */
    apheresis_tbv tbv = {.sex = APHERESIS_MALE, .tbv_l = 6.25};
    apheresis_plasma_exchange exchange;
    assert_int_equal(apheresis_plasma_exchange_compute(&tbv, 0.44, 1, 1, &exchange, &e), 0);
    assert_int_equal(exchange.replacement.albumin_vials, 14);
    assert_int_equal(apheresis_plasma_exchange_compute(&tbv, 0.44, 1, 0, &exchange, &e), 0);
    assert_int_equal(exchange.replacement.plasma_units, 14);
    /* Nothing to replace: nothing. */
    assert_int_equal(apheresis_replacement_compute(0, 0.5, &r, &e), 0);
    assert_int_equal(r.albumin_vials, 0);
    assert_int_equal(r.plasma_units, 0);
    assert_refused(apheresis_replacement_compute(-1, 1, &r, &e), e, "exchange_ml");
    assert_refused(apheresis_replacement_compute(1000, 2, &r, &e), e, "albumin_fraction");
}

static void test_red_cell_exchange(void **state)
{
    apheresis_red_cell_exchange r;
    err e;
    /* TBV 5.0 L, patient 0.30, replacement cells 0.60, 30% of the cells left:
     * 5.0 x 0.5 x ln(1/0.3) = 2.5 x 1.2039728 = 3.0099320 L, 3009.9 mL:
     * 10.95 units of 275 mL, so 11. */
    assert_int_equal(apheresis_red_cell_exchange_compute(5.0, 0.30, 0.60, 0.30, 0, &r, &e), 0);
    assert_near(r.exchange_l, 3.00993201081484, NEAR);
    assert_near(r.unit_ml, 275, 0); /* the default */
    assert_int_equal(r.units, 11);
    /* TBV 4.0 L, 0.25, 0.55, 0.30: 4.0 x 0.454545 x 1.2039728 = 2.1890415 L;
     * 7.96 units of 275 mL (8), 7.30 of 300 mL (8), 9.95 of 220 mL (10). */
    assert_int_equal(apheresis_red_cell_exchange_compute(4.0, 0.25, 0.55, 0.30, 275, &r, &e), 0);
    assert_near(r.exchange_l, 2.189041462410793, NEAR);
    assert_int_equal(r.units, 8);
    assert_int_equal(apheresis_red_cell_exchange_compute(4.0, 0.25, 0.55, 0.30, 300, &r, &e), 0);
    assert_int_equal(r.units, 8);
    assert_int_equal(apheresis_red_cell_exchange_compute(4.0, 0.25, 0.55, 0.30, 220, &r, &e), 0);
    assert_int_equal(r.units, 10);
    /* The inputs kept. */
    assert_near(r.tbv_l, 4.0, 0);
    assert_near(r.hct, 0.25, 0);
    assert_near(r.replacement_hct, 0.55, 0);
    assert_near(r.remaining, 0.30, 0);
    assert_near(r.unit_ml, 220, 0);
    /* Exactly 11 units: TBV 5.5 L, hct 0.5 of 0.5 and e^-0.5 left:
     * 5.5 x 1 x 0.5 = 2.75 L = 11 x 250 mL. */
    assert_int_equal(
        apheresis_red_cell_exchange_compute(5.5, 0.5, 0.5, exp(-0.5), 250, &r, &e), 0);
    assert_near(r.exchange_l, 2.75, NEAR);
    assert_int_equal(r.units, 11);
}

static void test_red_cell_exchange_refusals(void **state)
{
    apheresis_red_cell_exchange r;
    err e;
    assert_refused(apheresis_red_cell_exchange_compute(0, 0.3, 0.6, 0.3, 0, &r, &e), e, "tbv_l");
    assert_refused(apheresis_red_cell_exchange_compute(25, 0.3, 0.6, 0.3, 0, &r, &e), e, "tbv_l");
    assert_refused(apheresis_red_cell_exchange_compute(5, 0, 0.6, 0.3, 0, &r, &e), e, "hct");
    assert_refused(apheresis_red_cell_exchange_compute(5, 1, 0.6, 0.3, 0, &r, &e), e, "hct");
    assert_refused(apheresis_red_cell_exchange_compute(5, 0.3, 0, 0.3, 0, &r, &e), e,
                   "replacement_hct");
    assert_refused(apheresis_red_cell_exchange_compute(5, 0.3, 1.2, 0.3, 0, &r, &e), e,
                   "replacement_hct");
    /* None of the cells left needs an endless exchange (ln 1/0); all of
     * them, none. */
    assert_refused(apheresis_red_cell_exchange_compute(5, 0.3, 0.6, 0, 0, &r, &e), e,
                   "remaining");
    assert_refused(apheresis_red_cell_exchange_compute(5, 0.3, 0.6, 1, 0, &r, &e), e,
                   "remaining");
    assert_refused(apheresis_red_cell_exchange_compute(5, 0.3, 0.6, 0.3, 99, &r, &e), e,
                   "unit_ml");
    assert_refused(apheresis_red_cell_exchange_compute(5, 0.3, 0.6, 0.3, -275, &r, &e), e,
                   "unit_ml");
    assert_refused(apheresis_red_cell_exchange_compute(5, 0.3, 0.6, 0.3, 501, &r, &e), e,
                   "unit_ml");
}

static void test_anticoagulant(void **state)
{
    apheresis_anticoagulant r;
    err e;
    /* 1:12 at 60 mL/min: 5 mL/min of anticoagulant (300 mL/h), 55 mL/min of blood. */
    assert_int_equal(apheresis_anticoagulant_compute(60, 12, &r, &e), 0);
    assert_near(r.ac_ml_min, 5, NEAR);
    assert_near(r.ac_ml_h, 300, NEAR);
    assert_near(r.blood_ml_min, 55, NEAR);
    /* 1:13 at 80 mL/min: 6.1538 mL/min. */
    assert_int_equal(apheresis_anticoagulant_compute(80, 13, &r, &e), 0);
    assert_near(r.ac_ml_min, 80.0 / 13.0, NEAR);
    assert_refused(apheresis_anticoagulant_compute(0, 12, &r, &e), e, "inlet_ml_min");
    assert_refused(apheresis_anticoagulant_compute(-60, 12, &r, &e), e, "inlet_ml_min");
    assert_refused(apheresis_anticoagulant_compute(201, 12, &r, &e), e, "inlet_ml_min");
    assert_refused(apheresis_anticoagulant_compute(60, 1, &r, &e), e, "ratio");
    assert_refused(apheresis_anticoagulant_compute(60, 0, &r, &e), e, "ratio");
    assert_refused(apheresis_anticoagulant_compute(60, 51, &r, &e), e, "ratio");
}

static void test_adsorptive(void **state)
{
    apheresis_adsorptive r;
    err e;
    /* 30 mL/min x 60 min = 1.8 L a session; 5 sessions 9 L, 10 sessions 18 L. */
    assert_int_equal(apheresis_adsorptive_compute(5, &r, &e), 0);
    assert_near(r.per_session_l, 1.8, NEAR);
    assert_near(r.total_l, 9.0, NEAR);
    assert_int_equal(apheresis_adsorptive_compute(10, &r, &e), 0);
    assert_near(r.total_l, 18.0, NEAR);
    assert_int_equal(r.sessions, 10);
    assert_refused(apheresis_adsorptive_compute(0, &r, &e), e, "sessions");
    assert_refused(apheresis_adsorptive_compute(6, &r, &e), e, "sessions");
    assert_refused(apheresis_adsorptive_compute(-5, &r, &e), e, "sessions");
}

static void test_number_parse(void **state)
{
    double value;
    err e;
    assert_int_equal(apheresis_number_parse("1.80", "height_m", &value, &e), 0);
    assert_near(value, 1.8, 0);
    assert_int_equal(apheresis_number_parse("80", "weight_kg", &value, &e), 0);
    assert_near(value, 80, 0);
    assert_int_equal(apheresis_number_parse("0", "hct", &value, &e), 0);
    assert_near(value, 0, 0);
    /* A sign is read, so that the range refuses the value saying what it must be. */
    assert_int_equal(apheresis_number_parse("-5", "weight_kg", &value, &e), 0);
    assert_near(value, -5, 0);
    static const char *const refused[] = {"",   " 1",  "1 ",  "+1",  ".5",   "1.",  "1e3",
                                          "0x10", "inf", "nan", "1,8", "1.8x", "--1", "-",
                                          "1..8", "١"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        assert_refused(apheresis_number_parse(refused[i], "height_m", &value, &e), e, "height_m");
    assert_refused(apheresis_number_parse(NULL, "tbv_l", &value, &e), e, "tbv_l");
    assert_non_null(strstr(e.message, "required"));
}

static void test_sex_parse(void **state)
{
    apheresis_sex sex;
    err e;
    assert_int_equal(apheresis_sex_parse("male", "sex", &sex, &e), 0);
    assert_int_equal(sex, APHERESIS_MALE);
    assert_int_equal(apheresis_sex_parse("F", "sex", &sex, &e), 0);
    assert_int_equal(sex, APHERESIS_FEMALE);
    assert_int_equal(apheresis_sex_parse("Female", "sex", &sex, &e), 0);
    assert_int_equal(sex, APHERESIS_FEMALE);
    assert_string_equal(apheresis_sex_name(APHERESIS_FEMALE), "female");
    assert_refused(apheresis_sex_parse("x", "sex", &sex, &e), e, "sex");
    assert_refused(apheresis_sex_parse("", "sex", &sex, &e), e, "sex");
    assert_refused(apheresis_sex_parse(NULL, "sex", &sex, &e), e, "sex");
}

static const apheresis_figure *figure(const apheresis_figures *figures, const char *key)
{
    for (size_t i = 0; i < figures->count; i++)
        if (strcmp(figures->items[i].key, key) == 0)
            return &figures->items[i];
    fail_msg("no figure %s", key);
    return NULL;
}

static void test_figures(void **state)
{
    apheresis_tbv tbv = tbv_of(APHERESIS_MALE, 1.80, 80);
    apheresis_plasma_exchange r;
    err e;
    assert_int_equal(apheresis_plasma_exchange_compute(&tbv, 0.45, 1, 1, &r, &e), 0);
    apheresis_figures figures = {0};
    apheresis_plasma_exchange_figures(&r, &figures);
    /* The inputs, named as the fields that refuse them, shown as given. */
    const apheresis_figure *f = figure(&figures, "height_m");
    assert_true(f->input);
    assert_string_equal(f->unit, "m");
    assert_int_equal(f->decimals, -1);
    assert_near(apheresis_figure_rounded(f), 1.8, 0);
    assert_string_equal(figure(&figures, "sex")->text, "male");
    assert_true(figure(&figures, "hct")->input);
    assert_true(figure(&figures, "volumes")->input);
    /* The figures, rounded only when shown: litres to 2 decimals, mL whole,
     * fractions to 4. */
    f = figure(&figures, "tbv");
    assert_false(f->input);
    assert_string_equal(f->unit, "L");
    assert_near(f->value, 5.3190608, NEAR);
    assert_near(apheresis_figure_rounded(f), 5.32, NEAR);
    assert_string_equal(figure(&figures, "method")->text, "nadler");
    assert_near(apheresis_figure_rounded(figure(&figures, "plasma_volume")), 2.93, NEAR);
    assert_near(apheresis_figure_rounded(figure(&figures, "remaining")), 0.3679, NEAR);
    f = figure(&figures, "albumin_volume");
    assert_string_equal(f->unit, "mL");
    assert_near(apheresis_figure_rounded(f), 2925, 0);
    assert_near(figure(&figures, "albumin_vials")->value, 12, 0);
    assert_near(figure(&figures, "plasma_units")->value, 0, 0);
    /* A child's lists the mL per kg it was taken by; an adult's has none. */
    figures.count = 0;
    apheresis_tbv child = tbv_of(APHERESIS_FEMALE, 1.1, 20);
    apheresis_tbv_figures(&child, &figures);
    assert_string_equal(figure(&figures, "method")->text, "weight");
    assert_near(figure(&figures, "ml_per_kg")->value, 65, 0);
    assert_near(apheresis_figure_rounded(figure(&figures, "tbv")), 1.3, NEAR);
    figures.count = 0;
    apheresis_tbv_figures(&tbv, &figures);
    for (size_t i = 0; i < figures.count; i++)
        assert_string_not_equal(figures.items[i].key, "ml_per_kg");
    /* Every figure of every calculator has a key, a label and a unit or a text. */
    apheresis_red_cell_exchange rce;
    apheresis_anticoagulant ac;
    apheresis_adsorptive ads;
    assert_int_equal(apheresis_red_cell_exchange_compute(5.0, 0.30, 0.60, 0.30, 0, &rce, &e), 0);
    assert_int_equal(apheresis_anticoagulant_compute(60, 12, &ac, &e), 0);
    assert_int_equal(apheresis_adsorptive_compute(5, &ads, &e), 0);
    for (int calculator = 0; calculator < 4; calculator++) {
        figures.count = 0;
        if (calculator == 0)
            apheresis_plasma_exchange_figures(&r, &figures);
        else if (calculator == 1)
            apheresis_red_cell_exchange_figures(&rce, &figures);
        else if (calculator == 2)
            apheresis_anticoagulant_figures(&ac, &figures);
        else
            apheresis_adsorptive_figures(&ads, &figures);
        assert_true(figures.count > 0);
        for (size_t i = 0; i < figures.count; i++) {
            f = &figures.items[i];
            assert_non_null(f->key);
            assert_non_null(f->label);
            assert_true((f->unit != NULL) != (f->text != NULL));
            for (size_t j = 0; j < i; j++) /* a key once: JSON objects are keyed by it */
                assert_string_not_equal(figures.items[j].key, f->key);
        }
    }
    figures.count = 0;
    apheresis_red_cell_exchange_figures(&rce, &figures);
    assert_near(apheresis_figure_rounded(figure(&figures, "exchange_volume")), 3.01, NEAR);
    assert_near(apheresis_figure_rounded(figure(&figures, "exchange_volume_ml")), 3010, 0);
    assert_near(figure(&figures, "units")->value, 11, 0);
    figures.count = 0;
    apheresis_anticoagulant_figures(&ac, &figures);
    assert_near(apheresis_figure_rounded(figure(&figures, "ac_rate")), 5.0, NEAR);
    figures.count = 0;
    apheresis_adsorptive_figures(&ads, &figures);
    assert_near(apheresis_figure_rounded(figure(&figures, "total")), 9.0, NEAR);
}

/* --- Physicians' orders ---------------------------------------------------- */

static void test_procedure_parse(void **state)
{
    (void)state;
    apheresis_procedure p;
    err e;
    assert_int_equal(apheresis_procedure_parse("plasma_exchange", "procedure_type", &p, &e), 0);
    assert_int_equal(p, APHERESIS_PLASMA_EXCHANGE);
    assert_int_equal(apheresis_procedure_parse("ADSORPTIVE", "procedure_type", &p, &e), 0);
    assert_int_equal(p, APHERESIS_ADSORPTIVE);
    for (int i = 0; i < APHERESIS_PROCEDURE_COUNT; i++) { /* every name reads back */
        assert_int_equal(
            apheresis_procedure_parse(apheresis_procedure_name(i), "procedure_type", &p, &e), 0);
        assert_int_equal(p, i);
        assert_true(strlen(apheresis_procedure_label(i)) > 0);
    }
    assert_string_equal(apheresis_procedure_label(APHERESIS_LDL), "LDL apheresis");
    assert_refused(apheresis_procedure_parse("hemodialysis", "procedure_type", &p, &e), e,
                   "procedure_type");
    assert_refused(apheresis_procedure_parse("", "procedure_type", &p, &e), e, "procedure_type");
    assert_refused(apheresis_procedure_parse(NULL, "procedure_type", &p, &e), e, "procedure_type");
}

static void test_asfa(void **state)
{
    (void)state;
    char out[4];
    err e;
    assert_int_equal(apheresis_asfa_category_parse("iii", "asfa_category", out, sizeof out, &e), 0);
    assert_string_equal(out, "III");
    assert_int_equal(apheresis_asfa_category_parse("IV", "asfa_category", out, sizeof out, &e), 0);
    assert_refused(apheresis_asfa_category_parse("V", "asfa_category", out, sizeof out, &e), e,
                   "asfa_category");
    assert_refused(apheresis_asfa_category_parse("4", "asfa_category", out, sizeof out, &e), e,
                   "asfa_category");
    assert_refused(apheresis_asfa_category_parse("", "asfa_category", out, sizeof out, &e), e,
                   "asfa_category");
    assert_int_equal(apheresis_asfa_grade_parse("2c", "asfa_grade", out, sizeof out, &e), 0);
    assert_string_equal(out, "2C");
    assert_refused(apheresis_asfa_grade_parse("3A", "asfa_grade", out, sizeof out, &e), e,
                   "asfa_grade");
    assert_refused(apheresis_asfa_grade_parse("1D", "asfa_grade", out, sizeof out, &e), e,
                   "asfa_grade");
    const char *name = NULL;
    assert_int_equal(apheresis_anticoagulant_parse("ACD_A", "anticoagulant", &name, &e), 0);
    assert_string_equal(name, "acd_a");
    assert_refused(apheresis_anticoagulant_parse("warfarin", "anticoagulant", &name, &e), e,
                   "anticoagulant");
}

static void test_frequency(void **state)
{
    (void)state;
    apheresis_frequency f;
    char text[32];
    err e;
    static const struct {
        const char *given, *written;
        apheresis_frequency_kind kind;
        long n;
    } good[] = {
        {"daily", "daily", APHERESIS_EVERY_DAYS, 1},
        {"every 1 day", "daily", APHERESIS_EVERY_DAYS, 1},
        {"Every 2 days", "every 2 days", APHERESIS_EVERY_DAYS, 2},
        {"every 28 days", "every 28 days", APHERESIS_EVERY_DAYS, 28},
        {"3 per week", "3 per week", APHERESIS_PER_WEEK, 3},
        {"7 PER WEEK", "7 per week", APHERESIS_PER_WEEK, 7},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(apheresis_frequency_parse(good[i].given, "frequency", &f, &e), 0);
        assert_int_equal(f.kind, good[i].kind);
        assert_int_equal(f.n, good[i].n);
        apheresis_frequency_format(&f, text, sizeof text);
        assert_string_equal(text, good[i].written);
    }
    static const char *const bad[] = {"",           "weekly",        "every 0 days", "every 29 days",
                                      "0 per week", "8 per week",   "every 2 day",  "every  2 days",
                                      "2 a week",   "every -1 days", "every 2 days ", "1000 per week"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_refused(apheresis_frequency_parse(bad[i], "frequency", &f, &e), e, "frequency");
    assert_string_equal(apheresis_frequency_kind_name(APHERESIS_PER_WEEK), "per_week");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nadler),
        cmocka_unit_test(test_by_weight_and_the_35_kg_boundary),
        cmocka_unit_test(test_tbv_refusals),
        cmocka_unit_test(test_plasma_exchange),
        cmocka_unit_test(test_fraction_remaining),
        cmocka_unit_test(test_plasma_exchange_refusals),
        cmocka_unit_test(test_replacement_rounds_up),
        cmocka_unit_test(test_red_cell_exchange),
        cmocka_unit_test(test_red_cell_exchange_refusals),
        cmocka_unit_test(test_anticoagulant),
        cmocka_unit_test(test_adsorptive),
        cmocka_unit_test(test_number_parse),
        cmocka_unit_test(test_sex_parse),
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_procedure_parse),
        cmocka_unit_test(test_asfa),
        cmocka_unit_test(test_frequency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
