/*
 * cmd_isbt.c - ISBT 128 label codes from the command line (domain/isbt.h);
 * these commands open no database:
 *   bloodops isbt check DIN      the check character and flag value of a
 *                                13-character DIN; with its check character
 *                                typed after it, whether that matches
 *   bloodops isbt parse SCAN     every data structure in a scan ("-" reads
 *                                the scan from standard input)
 *   bloodops isbt encode KIND    one data structure from its parts: din,
 *                                group, product, expiry, collection,
 *                                production, special-testing
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "domain/isbt.h"

enum { SCAN_INPUT_MAX = 4096 };

static int usage(const char *message, const char *detail)
{
    fprintf(stderr, "bloodops: ");
    fprintf(stderr, message, detail);
    fprintf(stderr, " (see: bloodops isbt encode --help)\n");
    return CLI_USAGE;
}

/* An option's value refused before the domain sees it. */
static int invalid(err *e, const char *field, const char *message)
{
    err_set(e, ERR_INVALID, field, "%s", message);
    return CLI_FAILED;
}

/* --- Structures as JSON: the same object for every format ---------------- */

static void add_din(json_t *object, const isbt_din *din)
{
    char eye_readable[ISBT_EYE_READABLE_MAX];
    char check_character[2] = {din->check_character, 0};
    char check_flags[3] = {(char)('0' + (60 + din->checksum) / 10),
                           (char)('0' + (60 + din->checksum) % 10), 0};
    json_object_set_new(object, "din", json_string(din->din));
    json_object_set_new(object, "facility", json_string(din->facility));
    json_object_set_new(object, "year", json_string(din->year));
    json_object_set_new(object, "sequence", json_string(din->sequence));
    json_object_set_new(object, "flags", json_string(din->flags));
    json_object_set_new(object, "flag_type", json_string(isbt_flag_type_name(din->flag_type)));
    json_object_set_new(object, "flag_meaning", json_string(isbt_flags_meaning(din)));
    json_object_set_new(object, "check_character", json_string(check_character));
    json_object_set_new(object, "checksum", json_integer(din->checksum));
    json_object_set_new(object, "check_flags", json_string(check_flags));
    json_object_set_new(object, "eye_readable",
                        json_string(isbt_din_eye_readable(din, eye_readable, sizeof eye_readable)));
}

static json_t *structure_json(const isbt_structure *s)
{
    char data[ISBT_STRUCTURE_TEXT_MAX], meaning[ISBT_DESCRIPTION_MAX], number[4];
    isbt_structure_encode(s, data, sizeof data);
    isbt_structure_describe(s, meaning, sizeof meaning);
    snprintf(number, sizeof number, "%03d", (int)s->kind);
    json_t *object = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "offset", (json_int_t)s->offset,
                               "identifier", isbt_structure_identifier(s->kind), "structure",
                               number, "name", isbt_structure_name(s->kind), "data", data,
                               "meaning", meaning);
    switch (s->kind) {
    case ISBT_STRUCTURE_DIN:
        add_din(object, &s->din);
        break;
    case ISBT_STRUCTURE_BLOOD_GROUP: {
        const isbt_blood_group *g = &s->blood_group;
        char phenotype[2] = {g->phenotype, 0};
        json_object_set_new(object, "code", json_string(g->code));
        json_object_set_new(object, "special_message", json_boolean(g->special_message));
        json_object_set_new(object, "group", json_string(g->meaning));
        json_object_set_new(object, "abo", g->abo == ISBT_ABO_NONE
                                               ? json_null()
                                               : json_string(isbt_abo_name(g->abo)));
        json_object_set_new(object, "rhd", json_string(isbt_rhd_name(g->rhd)));
        json_object_set_new(object, "intended_use",
                            g->special_message ? json_null()
                                               : json_string(isbt_intended_use_name(g->use)));
        json_object_set_new(object, "phenotype", json_string(phenotype));
        json_object_set_new(object, "phenotype_meaning", json_string(g->phenotype_meaning));
        break;
    }
    case ISBT_STRUCTURE_PRODUCT: {
        const isbt_product *p = &s->product;
        char donation_type[2] = {p->donation_type, 0};
        json_object_set_new(object, "description_code", json_string(p->description_code));
        json_object_set_new(object, "family", json_string(p->family));
        json_object_set_new(object, "donation_type",
                            p->donation_type ? json_string(donation_type) : json_null());
        json_object_set_new(object, "donation_type_meaning",
                            p->donation_type ? json_string(p->donation_type_meaning)
                                             : json_null());
        json_object_set_new(object, "divisions", json_string(p->divisions));
        break;
    }
    case ISBT_STRUCTURE_SPECIAL_TESTING:
        json_object_set_new(object, "code", json_string(s->special_testing.code));
        break;
    default: {
        const isbt_datetime *d = &s->datetime;
        char date[11], time[6];
        snprintf(date, sizeof date, "%04d-%02d-%02d", d->year, d->month, d->day);
        snprintf(time, sizeof time, "%02d:%02d", d->hour, d->minute);
        json_object_set_new(object, "date", json_string(date));
        json_object_set_new(object, "time", json_string(time));
        json_object_set_new(object, "time_given", json_boolean(d->has_time));
        json_object_set_new(object, "day_of_year", json_integer(d->day_of_year));
        break;
    }
    }
    return object;
}

static const cli_column structure_columns[] = {
    {"offset", "OFFSET"}, {"data", "DATA"}, {"name", "STRUCTURE"}, {"meaning", "MEANING"}, {0}};

/* --- isbt check ---------------------------------------------------------- */

static int run_check(cli_invocation *invocation)
{
    static const cli_column columns[] = {{"din", "DIN"},
                                         {"check_character", "CHECK CHARACTER"},
                                         {"checksum", "CHECKSUM"},
                                         {"check_flags", "CHECK FLAGS"},
                                         {"eye_readable", "EYE-READABLE"},
                                         {0}};
    static const cli_column typed_columns[] = {{"din", "DIN"},
                                               {"check_character", "CHECK CHARACTER"},
                                               {"typed", "TYPED"},
                                               {"eye_readable", "EYE-READABLE"},
                                               {0}};
    const char *text = invocation->positional[0];
    err e;
    isbt_din din;
    /* Thirteen characters (or fewer, refused as such): compute K. More: a
     * DIN typed with K, or scanned, checked. */
    size_t characters = 0;
    for (const char *p = text; *p; p++)
        characters += *p != ' ';
    int typed = characters > ISBT_DIN_LENGTH;
    if (typed ? isbt_din_check(text, &din, "din", &e) : isbt_din_parse(text, &din, "din", &e))
        return cli_fail(&e);
    json_t *object = json_object();
    add_din(object, &din);
    if (typed)
        json_object_set_new(object, "typed", json_string("check character matches"));
    cli_print_object(invocation, object, typed ? typed_columns : columns);
    json_decref(object);
    return CLI_OK;
}

/* --- isbt parse ---------------------------------------------------------- */

static int run_parse(cli_invocation *invocation)
{
    const char *argument = invocation->positional[0];
    static char input[SCAN_INPUT_MAX + 1];
    size_t length;
    if (strcmp(argument, "-") == 0) {
        length = fread(input, 1, sizeof input, stdin);
        if (length > SCAN_INPUT_MAX) {
            fprintf(stderr, "bloodops: scan: more than %d bytes on standard input\n",
                    SCAN_INPUT_MAX);
            return CLI_FAILED;
        }
    } else {
        length = strlen(argument);
        if (length > SCAN_INPUT_MAX) {
            fprintf(stderr, "bloodops: scan: more than %d bytes\n", SCAN_INPUT_MAX);
            return CLI_FAILED;
        }
        memcpy(input, argument, length);
    }
    /* A scanner ends its line with CR, LF or both: not part of the data. */
    while (length && (input[length - 1] == '\n' || input[length - 1] == '\r'))
        length--;
    err e;
    static isbt_scan scan;
    if (isbt_scan_parse(input, length, "scan", &scan, &e))
        return cli_fail(&e);
    json_t *items = json_array();
    for (size_t i = 0; i < scan.count; i++)
        json_array_append_new(items, structure_json(&scan.structures[i]));
    cli_print_list(invocation, items, structure_columns);
    json_decref(items);
    return CLI_OK;
}

/* --- isbt encode --------------------------------------------------------- */

/* The options each kind takes; any other one given is a usage error. */
static const struct {
    const char *kind;
    const char *options[5];
} kind_options[] = {
    {"din", {"facility", "year", "sequence", "flags"}},
    {"group", {"abo", "rhd", "use", "phenotype"}},
    {"product", {"code", "donation-type", "divisions"}},
    {"expiry", {"at"}},
    {"collection", {"at"}},
    {"production", {"at"}},
    {"special-testing", {"code"}},
};

static const cli_option encode_options[] = {
    {"facility", "FIN", "din: facility identification number, e.g. W1234"},
    {"year", "YY", "din: last two digits of the year, e.g. 26"},
    {"sequence", "N", "din: sequence number within the year, up to 6 digits"},
    {"flags", "FF", "din: flag characters (default 00), or 'check' for 60 + checksum"},
    {"abo", "GROUP", "group: O, A, B or AB"},
    {"rhd", "TYPE", "group: positive (pos), negative (neg) or unspecified"},
    {"use", "USE",
     "group: default, directed, emergency, directed-biohazardous, directed-crossover, "
     "autologous-crossover, autologous, autologous-biohazardous"},
    {"phenotype", "R", "group: Rh/Kell phenotype character of ISBT 128 table 6 (default 0)"},
    {"code", "CODE", "product: product description code (E0791); special-testing: 5 characters"},
    {"donation-type", "T", "product: type of collection of table 7 (V: volunteer homologous)"},
    {"divisions", "DD", "product: divisions (default 00, or 000 for tissues and others)"},
    {"at", "WHEN", "expiry, collection, production: YYYY-MM-DD[THH:MM] (time 23:59 if omitted)"},
    {0}};

/* Digits only, 1 to max_digits of them: the value, or -1. */
static long digits_value(const char *text, size_t min_digits, size_t max_digits)
{
    size_t length = strlen(text);
    if (length < min_digits || length > max_digits)
        return -1;
    long value = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        value = value * 10 + (*p - '0');
    }
    return value;
}

static int required(const char *value, const char *option)
{
    if (!value || !*value) {
        usage("--%s is required", option);
        return -1;
    }
    return 0;
}

static int encode_din(cli_invocation *invocation, isbt_structure *s, err *e)
{
    const char *facility = cli_option_value(invocation, "facility");
    const char *year_text = cli_option_value(invocation, "year");
    const char *sequence_text = cli_option_value(invocation, "sequence");
    const char *flags = cli_option_value(invocation, "flags");
    if (required(facility, "facility") || required(year_text, "year") ||
        required(sequence_text, "sequence"))
        return CLI_USAGE;
    long year = digits_value(year_text, 2, 2);
    long sequence = digits_value(sequence_text, 1, 6);
    if (year < 0)
        return invalid(e, "year", "must be the last two digits of the year, e.g. 26");
    if (sequence < 0)
        return invalid(e, "sequence", "must be a number of 1 to 6 digits");
    int check = flags && strcmp(flags, "check") == 0;
    s->kind = ISBT_STRUCTURE_DIN;
    if (isbt_din_make(facility, (int)year, sequence, check ? NULL : flags, &s->din, e))
        return CLI_FAILED;
    if (check)
        isbt_din_set_check_flags(&s->din);
    return CLI_OK;
}

static int encode_group(cli_invocation *invocation, isbt_structure *s, err *e)
{
    const char *abo_text = cli_option_value(invocation, "abo");
    const char *rhd_text = cli_option_value(invocation, "rhd");
    const char *use_text = cli_option_value(invocation, "use");
    const char *phenotype = cli_option_value(invocation, "phenotype");
    if (required(abo_text, "abo") || required(rhd_text, "rhd"))
        return CLI_USAGE;
    int abo = isbt_abo_parse(abo_text), rhd = isbt_rhd_parse(rhd_text);
    int use = use_text ? isbt_intended_use_parse(use_text) : ISBT_USE_DEFAULT;
    if (abo < 0)
        return invalid(e, "abo", "must be O, A, B or AB");
    if (rhd < 0)
        return invalid(e, "rhd", "must be positive, negative or unspecified");
    if (use < 0)
        return invalid(e, "use",
                       "must be default, directed, emergency, directed-biohazardous, "
                       "directed-crossover, autologous-crossover, autologous or "
                       "autologous-biohazardous");
    if (phenotype && strlen(phenotype) != 1)
        return invalid(e, "phenotype", "must be one character of table 6");
    s->kind = ISBT_STRUCTURE_BLOOD_GROUP;
    if (isbt_blood_group_make(abo, rhd, use, phenotype ? phenotype[0] : '0', &s->blood_group, e))
        return CLI_FAILED;
    return CLI_OK;
}

static int encode_product(cli_invocation *invocation, isbt_structure *s, err *e)
{
    const char *code = cli_option_value(invocation, "code");
    const char *donation_type = cli_option_value(invocation, "donation-type");
    if (required(code, "code"))
        return CLI_USAGE;
    if (donation_type && strlen(donation_type) != 1)
        return invalid(e, "donation_type", "must be one character of table 7");
    s->kind = ISBT_STRUCTURE_PRODUCT;
    if (isbt_product_make(code, donation_type ? donation_type[0] : 0,
                          cli_option_value(invocation, "divisions"), &s->product, e))
        return CLI_FAILED;
    return CLI_OK;
}

static int encode_datetime(cli_invocation *invocation, isbt_structure_kind kind,
                           isbt_structure *s, err *e)
{
    const char *at = cli_option_value(invocation, "at");
    if (required(at, "at"))
        return CLI_USAGE;
    s->kind = kind;
    if (isbt_datetime_parse(at, &s->datetime, "at", e))
        return CLI_FAILED;
    return CLI_OK;
}

static int run_encode(cli_invocation *invocation)
{
    const char *kind = invocation->positional[0];
    size_t k = 0;
    while (k < sizeof kind_options / sizeof kind_options[0] && strcmp(kind_options[k].kind, kind))
        k++;
    if (k == sizeof kind_options / sizeof kind_options[0])
        return usage("unknown kind '%s': din, group, product, expiry, collection, production or "
                     "special-testing",
                     kind);
    for (int o = 0; encode_options[o].name; o++) {
        if (!invocation->values[o])
            continue;
        int allowed = 0;
        for (int a = 0; a < 5 && kind_options[k].options[a]; a++)
            allowed |= strcmp(kind_options[k].options[a], encode_options[o].name) == 0;
        if (!allowed) {
            fprintf(stderr, "bloodops: --%s does not apply to '%s' (see: bloodops isbt encode "
                            "--help)\n",
                    encode_options[o].name, kind);
            return CLI_USAGE;
        }
    }
    err e;
    isbt_structure s;
    memset(&s, 0, sizeof s);
    int status;
    if (!strcmp(kind, "din"))
        status = encode_din(invocation, &s, &e);
    else if (!strcmp(kind, "group"))
        status = encode_group(invocation, &s, &e);
    else if (!strcmp(kind, "product"))
        status = encode_product(invocation, &s, &e);
    else if (!strcmp(kind, "expiry"))
        status = encode_datetime(invocation, ISBT_STRUCTURE_EXPIRATION, &s, &e);
    else if (!strcmp(kind, "collection"))
        status = encode_datetime(invocation, ISBT_STRUCTURE_COLLECTION, &s, &e);
    else if (!strcmp(kind, "production"))
        status = encode_datetime(invocation, ISBT_STRUCTURE_PRODUCTION, &s, &e);
    else {
        const char *code = cli_option_value(invocation, "code");
        status = required(code, "code") ? CLI_USAGE : CLI_OK;
        s.kind = ISBT_STRUCTURE_SPECIAL_TESTING;
        if (status == CLI_OK && isbt_special_testing_make(code, &s.special_testing, "code", &e))
            status = CLI_FAILED;
    }
    if (status == CLI_FAILED)
        return cli_fail(&e);
    if (status != CLI_OK)
        return status;
    static const cli_column columns[] = {
        {"name", "STRUCTURE"}, {"data", "DATA"}, {"meaning", "MEANING"}, {0}};
    json_t *object = structure_json(&s);
    json_object_del(object, "offset");
    cli_print_object(invocation, object, columns);
    json_decref(object);
    return CLI_OK;
}

static const cli_command isbt_commands[] = {
    {.noun = "isbt", .verb = "check", .run = run_check, .arguments = "DIN", .positional_min = 1,
     .positional_max = 1,
     .summary = "print the check character and flag value of a 13-character DIN; with the check character typed after it, check that it matches"},
    {.noun = "isbt", .verb = "parse", .run = run_parse, .arguments = "SCAN", .positional_min = 1,
     .positional_max = 1,
     .summary = "print every ISBT 128 data structure in a scan ('-': read it from standard input)"},
    {.noun = "isbt", .verb = "encode", .run = run_encode, .arguments = "KIND", .positional_min = 1,
     .positional_max = 1, .options = encode_options,
     .summary = "encode one data structure: din, group, product, expiry, collection, production or special-testing"},
    {0},
};

const cli_module cli_module_isbt = {
    .name = "isbt", .area = AREA_LABORATORY, .commands = isbt_commands};
