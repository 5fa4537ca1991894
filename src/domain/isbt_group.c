/*
 * isbt_group.c - ISBT 128 blood groups [ABO and RhD] (data structure 002,
 * ST-001 2.4.2): the codes of ABO group, RhD type and intended use (table
 * 4), the special messages that may stand in their place (table 5), and
 * the Rh, Kell and Mia/Mur phenotype character (table 6). A make function
 * for what a user gives, a content parser for the scan parser (isbt.c).
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "domain/isbt_internal.h"

/* --- Blood groups -------------------------------------------------------- */

/* ST-001 table 4: one row per group, one code per intended use column
 * (NULL where the table has none). */
typedef struct {
    const char *meaning;
    isbt_abo abo;
    isbt_rhd rhd;
    const char *codes[ISBT_USE_COUNT];
} blood_group_row;

static const blood_group_row blood_group_rows[] = {
    {"O RhD negative", ISBT_ABO_O, ISBT_RHD_NEGATIVE,
     {"95", "91", "92", "93", "94", "96", "97", "98"}},
    {"O RhD positive", ISBT_ABO_O, ISBT_RHD_POSITIVE,
     {"51", "47", "48", "49", "50", "52", "53", "54"}},
    {"A RhD negative", ISBT_ABO_A, ISBT_RHD_NEGATIVE,
     {"06", "02", "03", "04", "05", "07", "08", "09"}},
    {"A RhD positive", ISBT_ABO_A, ISBT_RHD_POSITIVE,
     {"62", "58", "59", "60", "61", "63", "64", "65"}},
    {"B RhD negative", ISBT_ABO_B, ISBT_RHD_NEGATIVE,
     {"17", "13", "14", "15", "16", "18", "19", "20"}},
    {"B RhD positive", ISBT_ABO_B, ISBT_RHD_POSITIVE,
     {"73", "69", "70", "71", "72", "74", "75", "76"}},
    {"AB RhD negative", ISBT_ABO_AB, ISBT_RHD_NEGATIVE,
     {"28", "24", "25", "26", "27", "29", "30", "31"}},
    {"AB RhD positive", ISBT_ABO_AB, ISBT_RHD_POSITIVE,
     {"84", "80", "81", "82", "83", "85", "86", "87"}},
    {"O, RhD not specified", ISBT_ABO_O, ISBT_RHD_NOT_SPECIFIED,
     {"55", "P2", "P3", "P4", "P5", "P7", "P8", "P9"}},
    {"A, RhD not specified", ISBT_ABO_A, ISBT_RHD_NOT_SPECIFIED,
     {"66", "A2", "A3", "A4", "A5", "A7", "A8", "A9"}},
    {"B, RhD not specified", ISBT_ABO_B, ISBT_RHD_NOT_SPECIFIED,
     {"77", "B2", "B3", "B4", "B5", "B7", "B8", "B9"}},
    {"AB, RhD not specified", ISBT_ABO_AB, ISBT_RHD_NOT_SPECIFIED,
     {"88", "C2", "C3", "C4", "C5", "C7", "C8", "C9"}},
    {"para-Bombay, RhD negative", ISBT_ABO_NONE, ISBT_RHD_NEGATIVE,
     {"D6", "D2", "D3", "D4", "D5", "D7", "D8", "D9"}},
    {"para-Bombay, RhD positive", ISBT_ABO_NONE, ISBT_RHD_POSITIVE,
     {"E6", "E2", "E3", "E4", "E5", "E7", "E8", "E9"}},
    {"Bombay, RhD negative", ISBT_ABO_NONE, ISBT_RHD_NEGATIVE,
     {"G6", "G2", "G3", "G4", "G5", "G7", "G8", "G9"}},
    {"Bombay, RhD positive", ISBT_ABO_NONE, ISBT_RHD_POSITIVE,
     {"H6", "H2", "H3", "H4", "H5", "H7", "H8", "H9"}},
    {"O para-Bombay, RhD negative", ISBT_ABO_NONE, ISBT_RHD_NEGATIVE,
     {"I6", "I2", "I3", "I4", "I5", "I7", "I8", "I9"}},
    {"O para-Bombay, RhD positive", ISBT_ABO_NONE, ISBT_RHD_POSITIVE,
     {"J6", "J2", "J3", "J4", "J5", "J7", "J8", "J9"}},
    {"A para-Bombay, RhD negative", ISBT_ABO_NONE, ISBT_RHD_NEGATIVE,
     {"K6", "K2", "K3", "K4", "K5", "K7", "K8", "K9"}},
    {"B para-Bombay, RhD negative", ISBT_ABO_NONE, ISBT_RHD_NEGATIVE,
     {"L6", "L2", "L3", "L4", "L5", "L7", "L8", "L9"}},
    {"AB para-Bombay, RhD negative", ISBT_ABO_NONE, ISBT_RHD_NEGATIVE,
     {"M6", "M2", "M3", "M4", "M5", "M7", "M8", "M9"}},
    {"A para-Bombay, RhD positive", ISBT_ABO_NONE, ISBT_RHD_POSITIVE,
     {"N6", "N2", "N3", "N4", "N5", "N7", "N8", "N9"}},
    {"B para-Bombay, RhD positive", ISBT_ABO_NONE, ISBT_RHD_POSITIVE,
     {"O6", "O2", "O3", "O4", "O5", "O7", "O8", "O9"}},
    {"AB para-Bombay, RhD positive", ISBT_ABO_NONE, ISBT_RHD_POSITIVE,
     {"Q6", "Q2", "Q3", "Q4", "Q5", "Q7", "Q8", "Q9"}},
    {"group A, pooled RhD", ISBT_ABO_A, ISBT_RHD_POOLED, {"A0"}},
    {"group B, pooled RhD", ISBT_ABO_B, ISBT_RHD_POOLED, {"B0"}},
    {"group AB, pooled RhD", ISBT_ABO_AB, ISBT_RHD_POOLED, {"C0"}},
    {"group O, pooled RhD", ISBT_ABO_O, ISBT_RHD_POOLED, {"D0"}},
    {"pooled ABO, RhD positive", ISBT_ABO_NONE, ISBT_RHD_POSITIVE, {"E0"}},
    {"pooled ABO, RhD negative", ISBT_ABO_NONE, ISBT_RHD_NEGATIVE, {"F0"}},
    {"pooled ABO, pooled RhD", ISBT_ABO_NONE, ISBT_RHD_POOLED, {"G0"}},
    {"pooled ABO, RhD not specified", ISBT_ABO_NONE, ISBT_RHD_NOT_SPECIFIED, {"H0"}},
    {"A1, RhD not specified", ISBT_ABO_A, ISBT_RHD_NOT_SPECIFIED, {"I0"}},
    {"A2, RhD not specified", ISBT_ABO_A, ISBT_RHD_NOT_SPECIFIED, {"J0"}},
    {"A1B, RhD not specified", ISBT_ABO_AB, ISBT_RHD_NOT_SPECIFIED, {"K0"}},
    {"A2B, RhD not specified", ISBT_ABO_AB, ISBT_RHD_NOT_SPECIFIED, {"L0"}},
};
enum { BLOOD_GROUP_ROWS = sizeof blood_group_rows / sizeof blood_group_rows[0] };

/* ST-001 table 5: codes that carry a message instead of a group. */
static const struct {
    const char *code, *meaning;
    isbt_rhd rhd;
} special_messages[] = {
    {"00", "no ABO or RhD information is available", ISBT_RHD_NOT_SPECIFIED},
    {"Ma", "autologous collection", ISBT_RHD_NOT_SPECIFIED},
    {"Mb", "biohazardous", ISBT_RHD_NOT_SPECIFIED},
    {"Md", "discard (to be destroyed)", ISBT_RHD_NOT_SPECIFIED},
    {"Mf", "for fractionation use only", ISBT_RHD_NOT_SPECIFIED},
    {"Mq", "quarantine/hold for further testing or processing", ISBT_RHD_NOT_SPECIFIED},
    {"Mr", "for research use only", ISBT_RHD_NOT_SPECIFIED},
    {"Mx", "not for transfusion based on test results", ISBT_RHD_NOT_SPECIFIED},
    {"T1", "ABO not specified, RhD positive (tissue products)", ISBT_RHD_POSITIVE},
    {"T2", "ABO not specified, RhD negative (tissue products)", ISBT_RHD_NEGATIVE},
    {"T3", "ABO not specified, RhD not specified (tissue products)", ISBT_RHD_NOT_SPECIFIED},
    {"T4", "autologous collection/in quarantine (tissue products)", ISBT_RHD_NOT_SPECIFIED},
    {"T5", "see outer packaging for product status (tissue products)", ISBT_RHD_NOT_SPECIFIED},
    {"T6", "must be sterilized before release (tissue products)", ISBT_RHD_NOT_SPECIFIED},
};
enum { SPECIAL_MESSAGES = sizeof special_messages / sizeof special_messages[0] };

static const char *const use_names[ISBT_USE_COUNT] = {
    "default",            "directed",    "emergency",  "directed-biohazardous",
    "directed-crossover", "autologous-crossover", "autologous", "autologous-biohazardous",
};

int isbt_abo_parse(const char *name)
{
    static const char *const names[] = {"O", "A", "B", "AB"};
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return ISBT_ABO_O + i;
    return -1;
}

int isbt_rhd_parse(const char *name)
{
    if (!name)
        return -1;
    if (!strcmp(name, "positive") || !strcmp(name, "pos"))
        return ISBT_RHD_POSITIVE;
    if (!strcmp(name, "negative") || !strcmp(name, "neg"))
        return ISBT_RHD_NEGATIVE;
    if (!strcmp(name, "unspecified"))
        return ISBT_RHD_NOT_SPECIFIED;
    return -1;
}

int isbt_intended_use_parse(const char *name)
{
    for (int i = 0; name && i < ISBT_USE_COUNT; i++)
        if (strcmp(name, use_names[i]) == 0)
            return i;
    return -1;
}

const char *isbt_abo_name(isbt_abo abo)
{
    static const char *const names[] = {"", "O", "A", "B", "AB"};
    assert(abo >= ISBT_ABO_NONE && abo <= ISBT_ABO_AB);
    return names[abo];
}

const char *isbt_rhd_name(isbt_rhd rhd)
{
    static const char *const names[] = {"unspecified", "positive", "negative", "pooled"};
    assert(rhd >= ISBT_RHD_NOT_SPECIFIED && rhd <= ISBT_RHD_POOLED);
    return names[rhd];
}

const char *isbt_intended_use_name(isbt_intended_use use)
{
    assert(use >= 0 && use < ISBT_USE_COUNT);
    return use_names[use];
}

/* ST-001 table 6. The value r of {0-9, A-T, X-Z} sits in one of ten rows
 * (plus row X) of C, c, E, e results, in the column of its anti-Kell
 * result; U, V and W say something else. '+', '-', or 0 for no information. */
static const char phenotype_rows[11][4] = {
    {0, 0, 0, 0},         {'-', '+', '-', '+'}, {'+', '+', '-', '+'}, {'+', '+', '+', '+'},
    {'+', '+', '+', '-'}, {'-', '+', '+', '+'}, {'-', '+', '+', '-'}, {'+', '-', '-', '+'},
    {'+', '-', '+', '+'}, {'+', '-', '+', '-'}, {'-', 0, '-', 0},
};

static void phenotype_describe(char r, char *out, size_t size)
{
    assert(isbt_is_upper_or_digit(r));
    if (r == 'U') {
        snprintf(out, size, "Mia/Mur negative");
        return;
    }
    if (r == 'V') {
        snprintf(out, size, "Mia/Mur positive");
        return;
    }
    if (r == 'W') {
        snprintf(out, size, "see the special testing bar code");
        return;
    }
    int row;
    char kell = 0;
    if (isbt_is_digit(r))
        row = r - '0';
    else if (r >= 'A' && r <= 'I')
        row = r - 'A' + 1, kell = '-';
    else if (r >= 'J' && r <= 'R')
        row = r - 'J' + 1, kell = '+';
    else if (r == 'S' || r == 'T')
        row = 0, kell = r == 'S' ? '-' : '+';
    else
        row = 10, kell = r == 'Y' ? '-' : r == 'Z' ? '+' : 0;
    static const char antigens[4] = {'C', 'c', 'E', 'e'};
    size_t used = 0;
    out[0] = '\0';
    if (kell)
        used += (size_t)snprintf(out + used, size - used, "K%c", kell);
    for (int i = 0; i < 4 && used < size; i++)
        if (phenotype_rows[row][i])
            used += (size_t)snprintf(out + used, size - used, "%s%c%c", used ? " " : "",
                                     antigens[i], phenotype_rows[row][i]);
    if (!used)
        snprintf(out, size, "no information");
}

/* Fill *out from a valid gg, r and e. Returns -1 when gg is in neither table. */
static int blood_group_fill(const char *gg, char r, char reserved, isbt_blood_group *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->code, gg, 2);
    out->phenotype = r;
    out->reserved = reserved;
    phenotype_describe(r, out->phenotype_meaning, sizeof out->phenotype_meaning);
    for (int row = 0; row < BLOOD_GROUP_ROWS; row++)
        for (int use = 0; use < ISBT_USE_COUNT; use++) {
            const char *code = blood_group_rows[row].codes[use];
            if (code && code[0] == gg[0] && code[1] == gg[1]) {
                out->abo = blood_group_rows[row].abo;
                out->rhd = blood_group_rows[row].rhd;
                out->use = (isbt_intended_use)use;
                out->meaning = blood_group_rows[row].meaning;
                return 0;
            }
        }
    for (int i = 0; i < SPECIAL_MESSAGES; i++)
        if (special_messages[i].code[0] == gg[0] && special_messages[i].code[1] == gg[1]) {
            out->special_message = 1;
            out->rhd = special_messages[i].rhd;
            out->meaning = special_messages[i].meaning;
            return 0;
        }
    return -1;
}

int isbt_blood_group_make(isbt_abo abo, isbt_rhd rhd, isbt_intended_use use, char phenotype,
                          isbt_blood_group *out, err *e)
{
    if (abo < ISBT_ABO_O || abo > ISBT_ABO_AB)
        return err_set(e, ERR_INVALID, "abo", "must be O, A, B or AB");
    if (rhd != ISBT_RHD_POSITIVE && rhd != ISBT_RHD_NEGATIVE && rhd != ISBT_RHD_NOT_SPECIFIED)
        return err_set(e, ERR_INVALID, "rhd", "must be positive, negative or unspecified");
    if ((int)use < 0 || use >= ISBT_USE_COUNT)
        return err_set(e, ERR_INVALID, "use", "must be one of the intended uses of table 4");
    if (!isbt_is_upper_or_digit(phenotype))
        return err_set(e, ERR_INVALID, "phenotype",
                       "must be one character of ISBT 128 table 6: a digit or a capital letter "
                       "(0 for no information)");
    for (int row = 0; row < BLOOD_GROUP_ROWS; row++)
        if (blood_group_rows[row].abo == abo && blood_group_rows[row].rhd == rhd) {
            const char *code = blood_group_rows[row].codes[use];
            assert(code); /* the eight first groups and O/A/B/AB fill every column */
            int rc = blood_group_fill(code, phenotype, '0', out);
            assert(rc == 0);
            (void)rc;
            return 0;
        }
    assert(!"every ABO and RhD combination has a row");
    return err_set(e, ERR_INTERNAL, "abo", "no code for this group");
}

int isbt_blood_group_parse_content(const unsigned char *content, size_t offset,
                                   const char *field, isbt_blood_group *out,
                                   size_t *error_offset, err *e)
{
    char shown[8];
    for (int i = 0; i < 2; i++)
        if (!isbt_is_upper_or_digit(content[i]) && !isbt_is_lower(content[i])) {
            *error_offset = offset + (size_t)i;
            return err_set(e, ERR_INVALID, field,
                           "at offset %zu: the blood group code must be letters or digits, "
                           "found %s",
                           offset + (size_t)i, isbt_byte_text(content[i], shown, sizeof shown));
        }
    if (!isbt_is_upper_or_digit(content[2])) {
        *error_offset = offset + 2;
        return err_set(e, ERR_INVALID, field,
                       "at offset %zu: the Rh, Kell and Mia/Mur phenotype must be a digit or a "
                       "capital letter, found %s",
                       offset + 2, isbt_byte_text(content[2], shown, sizeof shown));
    }
    if (content[3] != '0') {
        *error_offset = offset + 3;
        return err_set(e, ERR_INVALID, field,
                       "at offset %zu: the last character of a blood group is reserved and must "
                       "be 0, found %s",
                       offset + 3, isbt_byte_text(content[3], shown, sizeof shown));
    }
    if (blood_group_fill((const char *)content, (char)content[2], '0', out)) {
        *error_offset = offset;
        return err_set(e, ERR_INVALID, field,
                       "at offset %zu: blood group code %c%c is not in ISBT 128 tables 4 and 5",
                       offset, content[0], content[1]);
    }
    return 0;
}
