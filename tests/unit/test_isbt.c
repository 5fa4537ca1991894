/*
 * test_isbt.c - unit tests for ISBT 128 (domain/isbt.h): the check
 * character against the worked examples ICCBBA and the UK blood services
 * publish, the blood group, product and date codes of ST-001's tables, the
 * refusal of every kind of malformed scan with its offset, and round trips
 * (encode, then parse) over thousands of generated values.
 *
 * Sources of the worked examples:
 *   [ST-001] ICCBBA, ISBT 128 Standard Technical Specification, v6.2.2
 *            (2023): appendix A (the check character), 7.4.1 and 7.5.1.1
 *            (printed DINs), figures 3, 4 and 20-23 (example labels),
 *            tables 4 to 7.
 *   [RED BOOK] Guidelines for the Blood Transfusion Services in the UK,
 *            annex 2 "ISBT 128 check character calculation".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/isbt.h"

/* --- A deterministic generator (splitmix64), so a failure repeats -------- */

static uint64_t generator_state = 0x15B7128ULL;

static uint64_t next_random(void)
{
    uint64_t z = (generator_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int random_below(int bound)
{
    return (int)(next_random() % (uint64_t)bound);
}

static char random_of(const char *characters)
{
    return characters[random_below((int)strlen(characters))];
}

/* The checksum by the letter of ST-001 appendix A: weights 2^n, n counted
 * from the right from 1, summed, then (38 - sum mod 37) mod 37. */
static int reference_checksum(const char *text)
{
    static const char values[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    size_t length = strlen(text);
    uint64_t sum = 0;
    for (size_t i = 0; i < length; i++) {
        uint64_t weight = 1;
        for (size_t n = 0; n < length - i; n++)
            weight = weight * 2 % 37; /* 2^n mod 37: the sum itself is only needed mod 37 */
        sum += (uint64_t)(strchr(values, text[i]) - values) * weight;
    }
    return (int)((38 - sum % 37) % 37);
}

static isbt_din din_of(const char *thirteen)
{
    isbt_din din;
    err e;
    assert_int_equal(isbt_din_parse(thirteen, &din, "din", &e), 0);
    return din;
}

static isbt_scan scan_of(const char *text)
{
    isbt_scan scan;
    err e = {0};
    int rc = isbt_scan_parse(text, strlen(text), "scan", &scan, &e);
    if (rc)
        fail_msg("%s: %s", text, e.message);
    return scan;
}

/* --- The check character -------------------------------------------------- */

static void test_check_character_worked_examples(void **state)
{
    /* [ST-001] appendix A: G1234 17 654321 sums to 146178, 28 mod 37, 38 -
     * 28 = 10: K is A and the type 3 flags are 70. */
    isbt_din din = din_of("G123417654321");
    assert_int_equal(din.checksum, 10);
    assert_int_equal(din.check_character, 'A');
    isbt_din_set_check_flags(&din);
    assert_string_equal(din.flags, "70");
    isbt_structure s = {.kind = ISBT_STRUCTURE_DIN, .din = din};
    char data[ISBT_STRUCTURE_TEXT_MAX];
    isbt_structure_encode(&s, data, sizeof data);
    assert_string_equal(data, "=G12341765432170"); /* [ST-001] A.2 */

    /* [RED BOOK] annex 2: G123 498 654 321 sums to 148354, checksum 17, bar
     * code check characters 77, eye-readable H. */
    din = din_of("G123498654321");
    assert_int_equal(din.checksum, 17);
    assert_int_equal(din.check_character, 'H');

    /* Printed DINs and example labels of [ST-001], with their boxed K. */
    const struct {
        const char *din;
        char check;
    } printed[] = {
        {"A9998 18 123456", 'N'}, /* 7.5.1.1 */
        {"W0000 09 123456", 'G'}, /* 7.4.1, with flags 02 */
        {"A9998 20 123456", 'E'}, /* figure 20, blood label */
        {"A9999 17 123456", '9'}, /* figure 21, tissue labels 1 and 3 */
        {"A9999 17 123654", 'Y'}, /* figure 21, label 4 */
        {"A9999 17 345628", '*'}, /* figure 22, cornea: checksum 36 */
        {"A9999 17 345658", 'O'}, /* figure 22, sclera */
        {"A9999 15 000001", 'M'}, /* figure 23, human milk */
        {"A9999 18 000001", '8'}, /* figure 23 */
    };
    for (size_t i = 0; i < sizeof printed / sizeof printed[0]; i++) {
        din = din_of(printed[i].din);
        assert_int_equal(din.check_character, printed[i].check);
    }
    assert_int_equal(din_of("A9999 17 345628").checksum, 36);
    assert_int_equal(isbt_check_character(36), '*');
    assert_int_equal(isbt_check_character(0), '0');
    assert_int_equal(isbt_check_character(35), 'Z');
}

static void test_checksum_matches_the_definition(void **state)
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (int round = 0; round < 5000; round++) {
        char text[32];
        int length = 1 + random_below(24);
        for (int i = 0; i < length; i++)
            text[i] = random_of(alphabet);
        text[length] = '\0';
        assert_int_equal(isbt_checksum(text, (size_t)length), reference_checksum(text));
    }
    assert_int_equal(isbt_checksum("G12341765432a", 13), -1);
    assert_int_equal(isbt_checksum("G1234*7654321", 13), -1);
    assert_int_equal(isbt_checksum("", 0), 1); /* (38 - 0) mod 37 */
}

/* MOD 37-2 catches every single wrong character and every swap of two
 * neighbours: that is why a typed DIN carries it. */
static void test_check_character_catches_typing_errors(void **state)
{
    static const char digits[] = "0123456789";
    for (int round = 0; round < 300; round++) {
        isbt_din din;
        err e;
        assert_int_equal(isbt_din_make("W1234", random_below(100), random_below(1000000), NULL,
                                       &din, &e),
                         0);
        char text[ISBT_DIN_LENGTH + 1];
        for (int i = 0; i < ISBT_DIN_LENGTH; i++) {
            memcpy(text, din.din, sizeof text);
            for (const char *d = digits; *d; d++) {
                if (*d == din.din[i])
                    continue;
                text[i] = *d;
                assert_int_not_equal(isbt_checksum(text, ISBT_DIN_LENGTH), din.checksum);
            }
            if (i + 1 < ISBT_DIN_LENGTH && din.din[i] != din.din[i + 1]) {
                memcpy(text, din.din, sizeof text);
                text[i] = din.din[i + 1];
                text[i + 1] = din.din[i];
                assert_int_not_equal(isbt_checksum(text, ISBT_DIN_LENGTH), din.checksum);
            }
        }
    }
}

/* --- Donation identification numbers ------------------------------------- */

static void test_facility_numbers(void **state)
{
    err e;
    const char *accepted[] = {"W1234", "A9999", "G1234", "11234", "WA234", "AB012", "Z0000"};
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++)
        assert_int_equal(isbt_fin_check(accepted[i], "fin", &e), 0);
    /* O and 0 cannot lead (they would read as other data identifiers). */
    const char *refused[] = {"O1234", "01234", "w1234", "W123",  "W12345", "W12A4",
                             "WO234", "W-234", "",      "W 234", "WA2B4"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        assert_int_equal(isbt_fin_check(refused[i], "fin", &e), -1);
        assert_string_equal(e.field, "fin");
        assert_int_equal(e.code, ERR_INVALID);
    }
    assert_int_equal(isbt_fin_check(NULL, "fin", &e), -1);
}

static void test_din_make_and_flags(void **state)
{
    err e;
    isbt_din din;
    assert_int_equal(isbt_din_make("W1234", 26, 123456, NULL, &din, &e), 0);
    assert_string_equal(din.din, "W123426123456");
    assert_string_equal(din.facility, "W1234");
    assert_string_equal(din.year, "26");
    assert_string_equal(din.sequence, "123456");
    assert_string_equal(din.flags, "00");
    assert_int_equal(din.flag_type, ISBT_FLAGS_NOT_USED);
    assert_int_equal(isbt_din_make("W1234", 5, 42, "", &din, &e), 0);
    assert_string_equal(din.din, "W123405000042");

    const struct {
        const char *flags;
        isbt_flag_type type;
        const char *meaning;
    } flags[] = {
        {"00", ISBT_FLAGS_NOT_USED, "not used"},
        {"01", ISBT_FLAGS_PROCESS_CONTROL, "container 1 of a set"},
        {"02", ISBT_FLAGS_PROCESS_CONTROL, "container 2 of a set"},
        {"07", ISBT_FLAGS_PROCESS_CONTROL, "test tube label"},
        {"14", ISBT_FLAGS_RESERVED, "reserved for future assignment"},
        {"19", ISBT_FLAGS_PROCESS_CONTROL, "container 9 of a set"},
        {"20", ISBT_FLAGS_LOCAL, "process control defined by the facility"},
        {"59", ISBT_FLAGS_LOCAL, "process control defined by the facility"},
        {"97", ISBT_FLAGS_RESERVED, "reserved for future assignment"},
        {"A1", ISBT_FLAGS_RESERVED, "reserved for future assignment"},
        {"YP", ISBT_FLAGS_RESERVED, "reserved for future assignment"},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        assert_int_equal(isbt_din_make("G1234", 17, 654321, flags[i].flags, &din, &e), 0);
        assert_int_equal(din.flag_type, flags[i].type);
        assert_string_equal(isbt_flags_meaning(&din), flags[i].meaning);
    }
    /* Type 3 flags must carry the checksum. */
    assert_int_equal(isbt_din_make("G1234", 17, 654321, "70", &din, &e), 0);
    assert_int_equal(din.flag_type, ISBT_FLAGS_CHECK);
    assert_string_equal(isbt_flag_type_name(din.flag_type), "check");
    assert_int_equal(isbt_din_make("G1234", 17, 654321, "71", &din, &e), -1);
    assert_string_equal(e.field, "flags");
    assert_non_null(strstr(e.message, "70"));

    const struct {
        const char *facility;
        int year;
        long sequence;
        const char *flags, *field;
    } refused[] = {
        {"O1234", 26, 1, NULL, "facility"}, {"W1234", 100, 1, NULL, "year"},
        {"W1234", -1, 1, NULL, "year"},      {"W1234", 26, 1000000, NULL, "sequence"},
        {"W1234", 26, -1, NULL, "sequence"}, {"W1234", 26, 1, "I0", "flags"},
        {"W1234", 26, 1, "O0", "flags"},     {"W1234", 26, 1, "Z1", "flags"},
        {"W1234", 26, 1, "Q1", "flags"},     {"W1234", 26, 1, "0", "flags"},
        {"W1234", 26, 1, "000", "flags"},    {"W1234", 26, 1, "a0", "flags"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        assert_int_equal(isbt_din_make(refused[i].facility, refused[i].year, refused[i].sequence,
                                       refused[i].flags, &din, &e),
                         -1);
        assert_string_equal(e.field, refused[i].field);
    }
}

static void test_din_typed_entry(void **state)
{
    err e;
    isbt_din din;
    const char *accepted[] = {
        "G123417654321A",   "G1234 17 654321 A",        "g1234 17 654321 a",
        "G1234 17 654321 [A]", " G1234 17 654321 A ",   "=G12341765432170",
        "=G12341765432100", "G123417654321(02)A",       "G1234 17 654321 (02) [A]",
    };
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        if (isbt_din_check(accepted[i], &din, "din", &e))
            fail_msg("refused '%s': %s", accepted[i], e.message);
        assert_string_equal(din.din, "G123417654321");
    }
    assert_int_equal(isbt_din_check("W0000 09 123456 (02) [G]", &din, "din", &e), 0);
    assert_string_equal(din.flags, "02");
    assert_int_equal(isbt_din_check("A9999 17 345628 *", &din, "din", &e), 0);

    /* Every other check character is refused, without saying which is right. */
    static const char checks[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";
    for (const char *c = checks; *c; c++) {
        char typed[32];
        snprintf(typed, sizeof typed, "G1234 17 654321 %c", *c);
        int rc = isbt_din_check(typed, &din, "din", &e);
        if (*c == 'A') {
            assert_int_equal(rc, 0);
            continue;
        }
        assert_int_equal(rc, -1);
        assert_string_equal(e.field, "din");
        assert_int_equal(e.code, ERR_INVALID);
        assert_non_null(strstr(e.message, "does not match"));
        assert_null(strstr(e.message, " A"));
    }
    const char *refused[] = {
        "",                       /* nothing */
        "G123417654321",          /* no check character */
        "G12341765432",           /* too short */
        "G123417654321AA",        /* two check characters */
        "G1234 17 654321 [A",     /* unclosed box */
        "G1234 17 654321 (2) A",  /* one flag character */
        "G1234 17 654321 (71) A", /* a check value that does not fit */
        "G1234 17 65432X A",      /* a letter in the sequence */
        "O1234 17 654321 A",      /* O cannot lead */
        "G1234-17-654321-A",      /* dashes are not spaces */
        "G1234 17 654321 a b c d e f g h i j k l m n o p", /* too long */
        "=G12341765432170=%5100", /* a scan of two structures */
        "=G12341765432171",       /* scanned, flags altered */
        "G1234 17 654321 #",      /* not a check character */
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        if (isbt_din_check(refused[i], &din, "din", &e) == 0)
            fail_msg("accepted '%s'", refused[i]);
        assert_string_equal(e.field, "din");
    }
    assert_int_equal(isbt_din_check(NULL, &din, "din", &e), -1);
}

static void test_din_eye_readable(void **state)
{
    char text[ISBT_EYE_READABLE_MAX];
    isbt_din din = din_of("G123417654321");
    assert_string_equal(isbt_din_eye_readable(&din, text, sizeof text), "G1234 17 654321 [A]");
    assert_false(isbt_din_flags_printed(&din));
    isbt_din_set_check_flags(&din); /* type 3 flags are never printed */
    assert_string_equal(isbt_din_eye_readable(&din, text, sizeof text), "G1234 17 654321 [A]");
    err e;
    assert_int_equal(isbt_din_make("W0000", 9, 123456, "02", &din, &e), 0);
    assert_true(isbt_din_flags_printed(&din));
    assert_string_equal(isbt_din_eye_readable(&din, text, sizeof text),
                        "W0000 09 123456 (02) [G]");
    /* What is printed can be typed back. */
    isbt_din back;
    assert_int_equal(isbt_din_check(text, &back, "din", &e), 0);
    assert_string_equal(back.din, din.din);
    assert_string_equal(back.flags, "02");
}

/* --- Blood groups ---------------------------------------------------------- */

static void test_blood_group_codes(void **state)
{
    /* [ST-001] table 4, the default column and some others. */
    const struct {
        isbt_abo abo;
        isbt_rhd rhd;
        isbt_intended_use use;
        const char *code, *meaning;
    } codes[] = {
        {ISBT_ABO_O, ISBT_RHD_NEGATIVE, ISBT_USE_DEFAULT, "95", "O RhD negative"},
        {ISBT_ABO_O, ISBT_RHD_POSITIVE, ISBT_USE_DEFAULT, "51", "O RhD positive"},
        {ISBT_ABO_A, ISBT_RHD_NEGATIVE, ISBT_USE_DEFAULT, "06", "A RhD negative"},
        {ISBT_ABO_A, ISBT_RHD_POSITIVE, ISBT_USE_DEFAULT, "62", "A RhD positive"},
        {ISBT_ABO_B, ISBT_RHD_NEGATIVE, ISBT_USE_DEFAULT, "17", "B RhD negative"},
        {ISBT_ABO_B, ISBT_RHD_POSITIVE, ISBT_USE_DEFAULT, "73", "B RhD positive"},
        {ISBT_ABO_AB, ISBT_RHD_NEGATIVE, ISBT_USE_DEFAULT, "28", "AB RhD negative"},
        {ISBT_ABO_AB, ISBT_RHD_POSITIVE, ISBT_USE_DEFAULT, "84", "AB RhD positive"},
        {ISBT_ABO_O, ISBT_RHD_NEGATIVE, ISBT_USE_AUTOLOGOUS_BIOHAZARDOUS, "98", "O RhD negative"},
        {ISBT_ABO_O, ISBT_RHD_POSITIVE, ISBT_USE_AUTOLOGOUS, "53", "O RhD positive"},
        {ISBT_ABO_A, ISBT_RHD_NEGATIVE, ISBT_USE_DIRECTED, "02", "A RhD negative"},
        {ISBT_ABO_B, ISBT_RHD_POSITIVE, ISBT_USE_EMERGENCY, "70", "B RhD positive"},
        {ISBT_ABO_AB, ISBT_RHD_POSITIVE, ISBT_USE_DIRECTED_CROSSOVER, "83", "AB RhD positive"},
        {ISBT_ABO_O, ISBT_RHD_NOT_SPECIFIED, ISBT_USE_DEFAULT, "55", "O, RhD not specified"},
        {ISBT_ABO_AB, ISBT_RHD_NOT_SPECIFIED, ISBT_USE_DIRECTED, "C2", "AB, RhD not specified"},
        {ISBT_ABO_A, ISBT_RHD_NOT_SPECIFIED, ISBT_USE_AUTOLOGOUS_CROSSOVER, "A7",
         "A, RhD not specified"},
    };
    err e;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        isbt_blood_group group;
        assert_int_equal(
            isbt_blood_group_make(codes[i].abo, codes[i].rhd, codes[i].use, '0', &group, &e), 0);
        assert_string_equal(group.code, codes[i].code);
        assert_string_equal(group.meaning, codes[i].meaning);
        char text[16];
        snprintf(text, sizeof text, "=%%%s00", codes[i].code);
        isbt_scan scan = scan_of(text);
        assert_int_equal(scan.structures[0].kind, ISBT_STRUCTURE_BLOOD_GROUP);
        assert_int_equal(scan.structures[0].blood_group.abo, codes[i].abo);
        assert_int_equal(scan.structures[0].blood_group.rhd, codes[i].rhd);
        assert_int_equal(scan.structures[0].blood_group.use, codes[i].use);
    }
    /* Table 5 messages, table 4's rarer rows. */
    isbt_scan scan = scan_of("=%Mq00");
    assert_true(scan.structures[0].blood_group.special_message);
    assert_string_equal(scan.structures[0].blood_group.meaning,
                        "quarantine/hold for further testing or processing");
    scan = scan_of("=%G600=%D000=%0000");
    assert_string_equal(scan.structures[0].blood_group.meaning, "Bombay, RhD negative");
    assert_int_equal(scan.structures[0].blood_group.abo, ISBT_ABO_NONE);
    assert_string_equal(scan.structures[1].blood_group.meaning, "group O, pooled RhD");
    assert_int_equal(scan.structures[1].blood_group.rhd, ISBT_RHD_POOLED);
    assert_true(scan.structures[2].blood_group.special_message);

    /* Every code of tables 4 and 5 is read, and nothing else: 8 columns for
     * the 24 full rows, 12 pooled and subgroup rows, 14 messages. No code
     * appears twice, or fewer would be counted. */
    static const char characters[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    int known = 0;
    for (const char *a = characters; *a; a++)
        for (const char *b = characters; *b; b++) {
            char text[8] = {'=', '%', *a, *b, '0', '0', 0};
            isbt_scan any;
            known += isbt_scan_parse(text, 6, "scan", &any, &e) == 0;
        }
    assert_int_equal(known, 24 * 8 + 12 + 14);

    /* Names both ways. */
    assert_int_equal(isbt_abo_parse("AB"), ISBT_ABO_AB);
    assert_int_equal(isbt_abo_parse("ab"), -1);
    assert_int_equal(isbt_rhd_parse("pos"), ISBT_RHD_POSITIVE);
    assert_int_equal(isbt_rhd_parse("negative"), ISBT_RHD_NEGATIVE);
    assert_int_equal(isbt_rhd_parse("+"), -1);
    for (int use = 0; use < ISBT_USE_COUNT; use++)
        assert_int_equal(isbt_intended_use_parse(isbt_intended_use_name(use)), use);
    assert_int_equal(isbt_intended_use_parse("sometimes"), -1);
    isbt_blood_group group;
    assert_int_equal(isbt_blood_group_make(ISBT_ABO_NONE, ISBT_RHD_POSITIVE, 0, '0', &group, &e),
                     -1);
    assert_string_equal(e.field, "abo");
    assert_int_equal(isbt_blood_group_make(ISBT_ABO_O, ISBT_RHD_POOLED, 0, '0', &group, &e), -1);
    assert_string_equal(e.field, "rhd");
    assert_int_equal(isbt_blood_group_make(ISBT_ABO_O, ISBT_RHD_POSITIVE, 0, 'e', &group, &e),
                     -1);
    assert_string_equal(e.field, "phenotype");
}

static void test_blood_group_phenotypes(void **state)
{
    /* [ST-001] table 6: "if the value of r is E, then the red blood cells are
     * K-negative, C-negative, c-positive, E-positive and e-positive". */
    const struct {
        const char *scan, *phenotype;
    } phenotypes[] = {
        {"=%5100", "no information"},  {"=%51E0", "K- C- c+ E+ e+"},
        {"=%5110", "C- c+ E- e+"},     {"=%51J0", "K+ C- c+ E- e+"},
        {"=%51S0", "K-"},              {"=%51T0", "K+"},
        {"=%51I0", "K- C+ c- E+ e-"},  {"=%51R0", "K+ C+ c- E+ e-"},
        {"=%51X0", "C- E-"},           {"=%51Y0", "K- C- E-"},
        {"=%51Z0", "K+ C- E-"},        {"=%51U0", "Mia/Mur negative"},
        {"=%51V0", "Mia/Mur positive"}, {"=%51W0", "see the special testing bar code"},
    };
    for (size_t i = 0; i < sizeof phenotypes / sizeof phenotypes[0]; i++) {
        isbt_scan scan = scan_of(phenotypes[i].scan);
        assert_string_equal(scan.structures[0].blood_group.phenotype_meaning,
                            phenotypes[i].phenotype);
    }
    char meaning[ISBT_DESCRIPTION_MAX];
    isbt_scan scan = scan_of("=%53E0");
    assert_string_equal(isbt_structure_describe(&scan.structures[0], meaning, sizeof meaning),
                        "O RhD positive, for autologous use only; K- C- c+ E+ e+");
}

/* --- Product codes ---------------------------------------------------------- */

static void test_product_codes(void **state)
{
    err e;
    isbt_product product;
    assert_int_equal(isbt_product_make("E0791", 'V', "00", &product, &e), 0);
    assert_string_equal(product.code, "E0791V00");
    assert_string_equal(product.family, "blood component");
    assert_string_equal(product.donation_type_meaning, "volunteer homologous (allogeneic)");
    assert_int_equal(isbt_product_make("E0791", 'V', NULL, &product, &e), 0);
    assert_string_equal(product.divisions, "00");

    /* [ST-001] figure 3: S12954A0 is S1295, collection type 4, division A0;
     * figure 4: T1295003 is T1295 with pack code 003. */
    isbt_scan scan = scan_of("=<S12954A0=<T1295003");
    assert_string_equal(scan.structures[0].product.description_code, "S1295");
    assert_int_equal(scan.structures[0].product.donation_type, '4');
    assert_string_equal(scan.structures[0].product.donation_type_meaning, "designated");
    assert_string_equal(scan.structures[0].product.divisions, "A0");
    assert_string_equal(scan.structures[1].product.description_code, "T1295");
    assert_int_equal(scan.structures[1].product.donation_type, 0);
    assert_string_equal(scan.structures[1].product.divisions, "003");
    assert_int_equal(isbt_product_make("T1295", 0, "003", &product, &e), 0);
    assert_string_equal(product.code, "T1295003");
    assert_int_equal(isbt_product_make("T0326", 0, NULL, &product, &e), 0);
    assert_string_equal(product.code, "T0326000");
    scan = scan_of("=<E4306V00=<X0001V0a=<X1234000=<YA123P00=<DAX12a0b");
    assert_string_equal(scan.structures[1].product.family, "plasma derivative");
    assert_string_equal(scan.structures[2].product.family, "other blood product");
    assert_string_equal(scan.structures[3].product.family, "clinical trials");
    assert_string_equal(scan.structures[4].product.family, "local (facility) code");

    const struct {
        const char *code;
        char donation_type;
        const char *divisions, *field;
    } refused[] = {
        {"E079", 'V', "00", "code"},     {"e0791", 'V', "00", "code"},
        {"G0791", 'V', "00", "code"},    {"E07-1", 'V', "00", "code"},
        {"XA001", 'V', "00", "code"},    {"Y1234", 'V', "00", "code"},
        {"E0791", 0, "00", "donation_type"}, {"E0791", 'Z', "00", "donation_type"},
        {"T1295", 'V', "000", "donation_type"}, {"E0791", 'V', "000", "divisions"},
        {"E0791", 'V', "a0", "divisions"}, {"E0791", 'V', "0A", "divisions"},
        {"T1295", 0, "00A", "divisions"}, {"X1234", 0, "001", "divisions"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        if (isbt_product_make(refused[i].code, refused[i].donation_type, refused[i].divisions,
                              &product, &e) == 0)
            fail_msg("accepted %s %c %s", refused[i].code, refused[i].donation_type,
                     refused[i].divisions);
        assert_string_equal(e.field, refused[i].field);
    }
}

/* --- Dates and times -------------------------------------------------------- */

static void test_dates(void **state)
{
    /* [ST-001] figure 21, label 4: 0180292359 is printed "Expiry Date:
     * 29 JAN 2018": century digit 0, year 18, day 029, 23:59. */
    isbt_scan scan = scan_of("&>0180292359");
    const isbt_datetime *d = &scan.structures[0].datetime;
    assert_int_equal(d->year, 2018);
    assert_int_equal(d->month, 1);
    assert_int_equal(d->day, 29);
    assert_int_equal(d->hour, 23);
    assert_int_equal(d->minute, 59);
    assert_true(d->has_time);

    /* December 1st is day 335 of 2026, day 336 of the leap year 2024. */
    err e;
    isbt_structure s = {.kind = ISBT_STRUCTURE_EXPIRATION};
    char data[ISBT_STRUCTURE_TEXT_MAX];
    assert_int_equal(isbt_datetime_parse("2026-12-01", &s.datetime, "at", &e), 0);
    assert_false(s.datetime.has_time);
    isbt_structure_encode(&s, data, sizeof data);
    assert_string_equal(data, "&>0263352359"); /* no time: 23:59 */
    assert_int_equal(isbt_datetime_parse("2024-12-01T08:05", &s.datetime, "at", &e), 0);
    s.kind = ISBT_STRUCTURE_COLLECTION;
    isbt_structure_encode(&s, data, sizeof data);
    assert_string_equal(data, "&*0243360805");
    s.kind = ISBT_STRUCTURE_PRODUCTION_DATE;
    isbt_structure_encode(&s, data, sizeof data);
    assert_string_equal(data, "=}024336");
    assert_int_equal(isbt_datetime_parse("2026-01-01 00:00", &s.datetime, "at", &e), 0);
    assert_int_equal(s.datetime.day_of_year, 1);

    /* The date-only forms read as the end of their day. */
    scan = scan_of("=>026335=*024366=}999001&}8993652359&*0000010000");
    assert_int_equal(scan.count, 5);
    d = &scan.structures[0].datetime;
    assert_int_equal(d->month, 12);
    assert_int_equal(d->day, 1);
    assert_int_equal(d->hour, 23);
    assert_int_equal(d->minute, 59);
    assert_false(d->has_time);
    assert_int_equal(scan.structures[1].datetime.day, 31); /* 2024-12-31 */
    assert_int_equal(scan.structures[2].datetime.year, 1999);
    assert_int_equal(scan.structures[3].datetime.year, 2899);
    assert_int_equal(scan.structures[4].datetime.year, 2000);
    char meaning[ISBT_DESCRIPTION_MAX];
    assert_string_equal(isbt_structure_describe(&scan.structures[0], meaning, sizeof meaning),
                        "2026-12-01");
    assert_string_equal(isbt_structure_describe(&scan.structures[4], meaning, sizeof meaning),
                        "2000-01-01 00:00");

    const char *refused[] = {"",           "2026-12-1",        "2026-13-01",
                             "2026-02-29", "2026-12-01T24:00", "2026-12-01T23:60",
                             "2026-12-01T8:30", "2026-12-01X08:30", "1899-12-31",
                             "2900-01-01", "2026-12-01T08:30Z"};
    isbt_datetime when;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        if (isbt_datetime_parse(refused[i], &when, "at", &e) == 0)
            fail_msg("accepted '%s'", refused[i]);
        assert_string_equal(e.field, "at");
    }
    assert_int_equal(isbt_datetime_make(2026, 12, 1, 23, 60, &when, "at", &e), -1);
    assert_int_equal(isbt_datetime_make(2026, 12, 1, -2, 0, &when, "at", &e), -1);
}

static void test_special_testing(void **state)
{
    isbt_scan scan = scan_of("&(N0001");
    assert_string_equal(scan.structures[0].special_testing.code, "N0001");
    err e;
    isbt_special_testing code;
    assert_int_equal(isbt_special_testing_make("12345", &code, "code", &e), 0);
    assert_int_equal(isbt_special_testing_make("1234", &code, "code", &e), -1);
    assert_int_equal(isbt_special_testing_make("1234a", &code, "code", &e), -1);
    assert_string_equal(e.field, "code");
}

/* --- Scans: every malformed input refused, with its offset ----------------- */

static void test_scan_errors(void **state)
{
    const struct {
        const char *scan;
        size_t length; /* 0: strlen */
        size_t offset, count;
        const char *says;
    } refused[] = {
        {"", 0, 0, 0, "is empty"},
        {"X", 0, 0, 0, "expected a data identifier"},
        {"=", 0, 1, 0, "ends inside the data identifier"},
        {"&", 0, 1, 0, "ends inside the data identifier"},
        {"=O1234", 0, 0, 0, "unknown data identifier '=O'"},
        {"=0123417654321", 0, 0, 0, "unknown data identifier '=0'"},
        {"=a", 0, 0, 0, "unknown data identifier '=a'"},
        {"&~12345", 0, 0, 0, "unknown data identifier '&~'"},
        {"&a12345", 0, 0, 0, "defined nationally or by a facility"},
        {"=)1FE1234567", 0, 0, 0, "Container Manufacturer and Catalog Number (data structure 017)"},
        {"=G12341765432170&)4R12345678", 0, 16, 1, "Container Lot Number"},
        {"=G12341765432170=;", 0, 16, 1, "Donor Identification Number (data structure 019)"},
        {"&,1000000000000005434RZ", 0, 0, 0, "MPHO Lot Number"},
        {"=G1234176543", 0, 12, 0, "needs 15 characters after its data identifier, 11 remain"},
        {"=G12341765432170=%51", 0, 20, 1, "Blood Groups [ABO and RhD] that starts at offset 16"},
        {"&>02633523", 0, 10, 0, "Expiration Date and Time"},
        {"=%5100\n", 0, 6, 1, "found 0x0A"},
        {"=%5100 ", 0, 6, 1, "found 0x20"},
        {"=%51\0000", 6, 4, 0, "found 0x00"},
        {"=G12341765432171", 0, 14, 0, "flag characters 71 are a check value"},
        {"=G12341765A32170", 0, 10, 0, "sequence number must be six digits"},
        {"=G12A41765432170", 0, 4, 0, "must be digits"},
        {"=GO2341765432170", 0, 2, 0, "other than O"},
        {"=G123417654321I0", 0, 14, 0, "flag characters"},
        {"=%ZZ00", 0, 2, 0, "code ZZ is not in ISBT 128 tables 4 and 5"},
        {"=%51e0", 0, 4, 0, "phenotype"},
        {"=%5101", 0, 5, 0, "reserved and must be 0"},
        {"=<E0791Z00", 0, 7, 0, "table 7"},
        {"=<G0791V00", 0, 2, 0, "names a product family"},
        {"=<E0791V0A", 0, 9, 0, "second division character"},
        {"&>0263672359", 0, 5, 0, "day of the year 367 does not exist in 2026"},
        {"&>0263662359", 0, 5, 0, "day of the year 366 does not exist in 2026 (001 to 365)"},
        {"&>0260002359", 0, 5, 0, "day of the year 000"},
        {"&>0263352459", 0, 8, 0, "hour 24 is out of range"},
        {"&>0263352360", 0, 10, 0, "minute 60 is out of range"},
        {"&>02633523x9", 0, 10, 0, "must be digits"},
        {"=>02633X", 0, 7, 0, "cyyjjj"},
        {"&(1234a", 0, 6, 0, "special testing code"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        size_t length = refused[i].length ? refused[i].length : strlen(refused[i].scan);
        /* An exact-size copy, so that reading past the end is caught by ASan. */
        char *bytes = malloc(length ? length : 1);
        memcpy(bytes, refused[i].scan, length);
        isbt_scan scan;
        err e = {0};
        int rc = isbt_scan_parse(bytes, length, "scan", &scan, &e);
        free(bytes);
        if (rc == 0)
            fail_msg("accepted '%s'", refused[i].scan);
        if (!strstr(e.message, refused[i].says) || scan.error_offset != refused[i].offset ||
            scan.count != refused[i].count)
            fail_msg("'%s': offset %zu, %zu read, \"%s\"", refused[i].scan, scan.error_offset,
                     scan.count, e.message);
        assert_string_equal(e.field, "scan");
        assert_int_equal(e.code, ERR_INVALID);
        char at[32];
        snprintf(at, sizeof at, "at offset %zu", refused[i].offset);
        if (refused[i].offset || refused[i].scan[0])
            assert_non_null(strstr(e.message, at));
    }
    /* At most ISBT_SCAN_MAX structures in one scan. */
    char many[8 * (ISBT_SCAN_MAX + 1) + 1] = "";
    for (int i = 0; i <= ISBT_SCAN_MAX; i++)
        strcat(many, "&(12345");
    isbt_scan scan;
    err e;
    assert_int_equal(isbt_scan_parse(many, strlen(many), "scan", &scan, &e), -1);
    assert_int_equal(scan.count, ISBT_SCAN_MAX);
    assert_non_null(strstr(e.message, "more than 16"));
    many[7 * ISBT_SCAN_MAX] = '\0';
    assert_int_equal(isbt_scan_parse(many, strlen(many), "scan", &scan, &e), 0);
}

static void test_scan_of_a_label(void **state)
{
    /* The pairs ST-001 10.5 names as commonly concatenated. */
    isbt_scan scan = scan_of("=A99982012345600=%5100=<E4306V00&>0201522359");
    assert_int_equal(scan.count, 4);
    const isbt_structure_kind kinds[] = {ISBT_STRUCTURE_DIN, ISBT_STRUCTURE_BLOOD_GROUP,
                                         ISBT_STRUCTURE_PRODUCT, ISBT_STRUCTURE_EXPIRATION};
    const size_t offsets[] = {0, 16, 22, 32};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(scan.structures[i].kind, kinds[i]);
        assert_int_equal(scan.structures[i].offset, offsets[i]);
    }
    char meaning[ISBT_DESCRIPTION_MAX];
    assert_string_equal(isbt_structure_describe(&scan.structures[0], meaning, sizeof meaning),
                        "A9998 20 123456 [E]");
    assert_string_equal(isbt_structure_describe(&scan.structures[1], meaning, sizeof meaning),
                        "O RhD positive");
    assert_string_equal(isbt_structure_describe(&scan.structures[2], meaning, sizeof meaning),
                        "E4306 (blood component), volunteer homologous (allogeneic), divisions "
                        "00");
    /* Figure 20's label expires 31 MAY 2020, day 152 of a leap year. */
    assert_string_equal(isbt_structure_describe(&scan.structures[3], meaning, sizeof meaning),
                        "2020-05-31 23:59");
    scan = scan_of("=W00000912345602");
    assert_string_equal(isbt_structure_describe(&scan.structures[0], meaning, sizeof meaning),
                        "W0000 09 123456 (02) [G], flags 02: container 2 of a set");
    for (int kind = ISBT_STRUCTURE_DIN; kind <= ISBT_STRUCTURE_SPECIAL_TESTING; kind++) {
        assert_true(strlen(isbt_structure_name(kind)) > 5);
        assert_true(strlen(isbt_structure_identifier(kind)) >= 1);
    }
}

/* --- Round trips over generated values ------------------------------------- */

static const char facility_first[] = "ABCDEFGHIJKLMNPQRSTUVWXYZ123456789";
static const char facility_second[] = "ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789";
static const char flag_characters[] = "0123456789ABCDEFGHJKLMNPRSTUVWXY";

static void random_din(isbt_din *din)
{
    char facility[6] = {random_of(facility_first), random_of(facility_second),
                        random_of(facility_second), random_of("0123456789"),
                        random_of("0123456789"), 0};
    char flags[3] = {0};
    int choice = random_below(4);
    if (choice == 1)
        snprintf(flags, sizeof flags, "%02d", random_below(60));
    else if (choice == 2)
        flags[0] = random_of(flag_characters), flags[1] = random_of("ABCDEFGH");
    err e;
    if (isbt_din_make(facility, random_below(100), random_below(ISBT_SEQUENCE_MAX + 1), flags,
                      din, &e))
        fail_msg("%s: %s", facility, e.message);
    if (choice == 3)
        isbt_din_set_check_flags(din);
}

static void random_structure(isbt_structure *s)
{
    err e;
    memset(s, 0, sizeof *s);
    s->kind = (isbt_structure_kind)(1 + random_below(10));
    switch (s->kind) {
    case ISBT_STRUCTURE_DIN:
        random_din(&s->din);
        break;
    case ISBT_STRUCTURE_BLOOD_GROUP:
        assert_int_equal(isbt_blood_group_make(1 + random_below(4), random_below(3),
                                               random_below(ISBT_USE_COUNT),
                                               random_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                                               &s->blood_group, &e),
                         0);
        break;
    case ISBT_STRUCTURE_PRODUCT: {
        char code[6] = {random_of("EFHSPMNRTVWABCD"),
                        random_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                        random_of("0123456789"), random_of("0123456789"),
                        random_of("0123456789"), 0};
        if (strchr("MNRTVWABCD", code[0])) {
            char divisions[4];
            snprintf(divisions, sizeof divisions, "%03d", random_below(1000));
            assert_int_equal(isbt_product_make(code, 0, divisions, &s->product, &e), 0);
        } else {
            char divisions[3] = {random_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                                 random_of("0123456789abcdefghijklmnopqrstuvwxyz"), 0};
            char type = random_of("0VRSTPrsA1XDd2LEQ3456FC78BHJG");
            if (isbt_product_make(code, type, divisions, &s->product, &e))
                fail_msg("%s %c %s: %s", code, type, divisions, e.message);
        }
        break;
    }
    case ISBT_STRUCTURE_SPECIAL_TESTING: {
        char code[6];
        for (int i = 0; i < 5; i++)
            code[i] = random_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        code[5] = 0;
        assert_int_equal(isbt_special_testing_make(code, &s->special_testing, "code", &e), 0);
        break;
    }
    default: {
        int year = 1900 + random_below(1000), month = 1 + random_below(12);
        int day = 1 + random_below(31);
        int hour = random_below(5) ? random_below(24) : -1;
        if (isbt_datetime_make(year, month, day, hour, random_below(60), &s->datetime, "at", &e))
            random_structure(s); /* the 31st of a short month: draw again */
        break;
    }
    }
}

/* The values a structure holds, compared field by field. */
static void assert_same_structure(const isbt_structure *a, const isbt_structure *b)
{
    assert_int_equal(a->kind, b->kind);
    switch (a->kind) {
    case ISBT_STRUCTURE_DIN:
        assert_string_equal(a->din.din, b->din.din);
        assert_string_equal(a->din.flags, b->din.flags);
        assert_int_equal(a->din.flag_type, b->din.flag_type);
        assert_int_equal(a->din.check_character, b->din.check_character);
        break;
    case ISBT_STRUCTURE_BLOOD_GROUP:
        assert_string_equal(a->blood_group.code, b->blood_group.code);
        assert_int_equal(a->blood_group.abo, b->blood_group.abo);
        assert_int_equal(a->blood_group.rhd, b->blood_group.rhd);
        assert_int_equal(a->blood_group.use, b->blood_group.use);
        assert_int_equal(a->blood_group.phenotype, b->blood_group.phenotype);
        assert_string_equal(a->blood_group.phenotype_meaning, b->blood_group.phenotype_meaning);
        break;
    case ISBT_STRUCTURE_PRODUCT:
        assert_string_equal(a->product.code, b->product.code);
        assert_int_equal(a->product.donation_type, b->product.donation_type);
        assert_string_equal(a->product.divisions, b->product.divisions);
        break;
    case ISBT_STRUCTURE_SPECIAL_TESTING:
        assert_string_equal(a->special_testing.code, b->special_testing.code);
        break;
    default:
        assert_int_equal(a->datetime.year, b->datetime.year);
        assert_int_equal(a->datetime.month, b->datetime.month);
        assert_int_equal(a->datetime.day, b->datetime.day);
        assert_int_equal(a->datetime.day_of_year, b->datetime.day_of_year);
        if (a->kind % 2) { /* 005, 007, 009 carry the time */
            assert_int_equal(a->datetime.hour, b->datetime.hour);
            assert_int_equal(a->datetime.minute, b->datetime.minute);
        }
        break;
    }
}

static void test_round_trips(void **state)
{
    for (int round = 0; round < 20000; round++) {
        isbt_structure s;
        random_structure(&s);
        char data[ISBT_STRUCTURE_TEXT_MAX];
        size_t length = isbt_structure_encode(&s, data, sizeof data);
        assert_int_equal(length, strlen(data));
        isbt_scan scan = scan_of(data);
        assert_int_equal(scan.count, 1);
        assert_int_equal(scan.structures[0].length, length);
        assert_same_structure(&s, &scan.structures[0]);
        char again[ISBT_STRUCTURE_TEXT_MAX];
        isbt_structure_encode(&scan.structures[0], again, sizeof again);
        assert_string_equal(again, data);
    }
}

static void test_din_round_trips(void **state)
{
    err e;
    for (int round = 0; round < 5000; round++) {
        isbt_din din, back;
        random_din(&din);
        char eye_readable[ISBT_EYE_READABLE_MAX], typed[32];
        isbt_din_eye_readable(&din, eye_readable, sizeof eye_readable);
        if (isbt_din_check(eye_readable, &back, "din", &e))
            fail_msg("%s: %s", eye_readable, e.message);
        assert_string_equal(back.din, din.din);
        if (isbt_din_flags_printed(&din))
            assert_string_equal(back.flags, din.flags);
        snprintf(typed, sizeof typed, "%s%c", din.din, din.check_character);
        assert_int_equal(isbt_din_check(typed, &back, "din", &e), 0);
        assert_int_equal(back.checksum, reference_checksum(din.din));
        /* One wrong check character, drawn at random, is refused. */
        static const char checks[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";
        char wrong = checks[(din.checksum + 1 + random_below(36)) % 37];
        typed[ISBT_DIN_LENGTH] = wrong;
        assert_int_equal(isbt_din_check(typed, &back, "din", &e), -1);
    }
}

static void test_concatenated_round_trips(void **state)
{
    for (int round = 0; round < 3000; round++) {
        isbt_structure parts[ISBT_SCAN_MAX];
        char text[ISBT_SCAN_MAX * ISBT_STRUCTURE_TEXT_MAX] = "";
        size_t offsets[ISBT_SCAN_MAX], used = 0;
        int count = 1 + random_below(ISBT_SCAN_MAX);
        for (int i = 0; i < count; i++) {
            random_structure(&parts[i]);
            offsets[i] = used;
            used += isbt_structure_encode(&parts[i], text + used, sizeof text - used);
        }
        isbt_scan scan = scan_of(text);
        assert_int_equal(scan.count, (size_t)count);
        for (int i = 0; i < count; i++) {
            assert_int_equal(scan.structures[i].offset, offsets[i]);
            assert_same_structure(&parts[i], &scan.structures[i]);
        }
        /* Every cut of the scan is refused or read, never read past: an
         * exact-size copy lets ASan see an overread. */
        for (size_t cut = 1; cut < used; cut += 1 + (size_t)random_below(4)) {
            char *prefix = malloc(cut);
            memcpy(prefix, text, cut);
            isbt_scan part;
            err e;
            int rc = isbt_scan_parse(prefix, cut, "scan", &part, &e);
            free(prefix);
            int at_boundary = 0;
            for (int i = 1; i < count; i++)
                at_boundary |= offsets[i] == cut;
            assert_int_equal(rc, at_boundary ? 0 : -1);
            if (rc)
                assert_true(part.error_offset <= cut);
        }
    }
}

/* Random bytes, mostly from the characters a scan is made of: whatever is
 * read re-encodes to exactly the input, whatever is refused says where. */
static void test_random_input(void **state)
{
    static const char pieces[] = "=&%<>*}(01234567899GWAOZaz\n";
    for (int round = 0; round < 50000; round++) {
        size_t length = (size_t)random_below(40);
        unsigned char *bytes = malloc(length ? length : 1);
        for (size_t i = 0; i < length; i++)
            bytes[i] = random_below(8) ? (unsigned char)random_of(pieces)
                                       : (unsigned char)random_below(256);
        /* Now and then, a valid structure to build on. */
        if (length >= 16 && random_below(2)) {
            isbt_structure s;
            random_structure(&s);
            char data[ISBT_STRUCTURE_TEXT_MAX];
            size_t n = isbt_structure_encode(&s, data, sizeof data);
            memcpy(bytes, data, n < length ? n : length);
        }
        isbt_scan scan;
        err e = {0};
        if (isbt_scan_parse(bytes, length, "scan", &scan, &e) == 0) {
            char again[ISBT_SCAN_MAX * ISBT_STRUCTURE_TEXT_MAX];
            size_t used = 0;
            for (size_t i = 0; i < scan.count; i++)
                used += isbt_structure_encode(&scan.structures[i], again + used,
                                              sizeof again - used);
            assert_int_equal(used, length);
            assert_memory_equal(again, bytes, length);
        } else {
            assert_true(scan.error_offset <= length);
            assert_true(strlen(e.message) > 10);
        }
        free(bytes);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_character_worked_examples),
        cmocka_unit_test(test_checksum_matches_the_definition),
        cmocka_unit_test(test_check_character_catches_typing_errors),
        cmocka_unit_test(test_facility_numbers),
        cmocka_unit_test(test_din_make_and_flags),
        cmocka_unit_test(test_din_typed_entry),
        cmocka_unit_test(test_din_eye_readable),
        cmocka_unit_test(test_blood_group_codes),
        cmocka_unit_test(test_blood_group_phenotypes),
        cmocka_unit_test(test_product_codes),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_special_testing),
        cmocka_unit_test(test_scan_errors),
        cmocka_unit_test(test_scan_of_a_label),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_din_round_trips),
        cmocka_unit_test(test_concatenated_round_trips),
        cmocka_unit_test(test_random_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
