/*
 * testing.c - result values, ABO/RhD agreement, deferral per marker and
 * the release decision (see testing.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "domain/lookback.h"
#include "domain/testing.h"

static const char *const kind_names[TESTING_KIND_COUNT] = {"abo", "rhd", "antibody",
                                                           "infectious"};

int testing_kind_parse(const char *name)
{
    for (int kind = 0; name && kind < TESTING_KIND_COUNT; kind++)
        if (strcmp(name, kind_names[kind]) == 0)
            return kind;
    return -1;
}

const char *testing_kind_name(testing_kind kind)
{
    return (unsigned)kind < TESTING_KIND_COUNT ? kind_names[kind] : "";
}

/* Each spelling a laboratory may send, with the stored one. */
static const struct {
    testing_kind kind;
    const char *reported, *stored;
} spellings[] = {
    {TESTING_ABO, "A", "A"},
    {TESTING_ABO, "B", "B"},
    {TESTING_ABO, "AB", "AB"},
    {TESTING_ABO, "O", "O"},
    {TESTING_RHD, "POS", "POS"},
    {TESTING_RHD, "positive", "POS"},
    {TESTING_RHD, "NEG", "NEG"},
    {TESTING_RHD, "negative", "NEG"},
    {TESTING_ANTIBODY, "negative", "negative"},
    {TESTING_ANTIBODY, "positive", "positive"},
    {TESTING_INFECTIOUS, "nonreactive", "nonreactive"},
    {TESTING_INFECTIOUS, "NR", "nonreactive"},
    {TESTING_INFECTIOUS, "reactive", "reactive"},
    {TESTING_INFECTIOUS, "R", "reactive"},
};

static const char *const allowed_text[TESTING_KIND_COUNT] = {
    "A, B, AB or O", "POS or NEG (positive, negative)", "negative or positive",
    "nonreactive or reactive (NR, R)"};

int testing_result_parse(testing_kind kind, const char *text, const char **canonical,
                         const char *field, err *e)
{
    if ((unsigned)kind >= TESTING_KIND_COUNT)
        return err_set(e, ERR_INVALID, field, "the test has no known kind");
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required: %s", allowed_text[kind]);
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++)
        if (spellings[i].kind == kind && strcasecmp(text, spellings[i].reported) == 0) {
            *canonical = spellings[i].stored;
            return 0;
        }
    return err_set(e, ERR_INVALID, field, "'%.20s' is not a %s result: must be %s", text,
                   kind_names[kind], allowed_text[kind]);
}

size_t testing_result_values(testing_kind kind, const char **out, size_t max)
{
    size_t count = 0;
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++)
        if (spellings[i].kind == kind && strcmp(spellings[i].reported, spellings[i].stored) == 0 &&
            count < max)
            out[count++] = spellings[i].stored;
    return count;
}

int testing_result_blocks(testing_kind kind, const char *result)
{
    if (!result)
        return 0;
    return (kind == TESTING_ANTIBODY && strcmp(result, "positive") == 0) ||
           (kind == TESTING_INFECTIOUS && strcmp(result, "reactive") == 0);
}

/* --- ABO/RhD ----------------------------------------------------------------- */

char *testing_group_text(const char *abo, const char *rhd, char *out, size_t size)
{
    if (abo && rhd)
        snprintf(out, size, "%s %s", abo, rhd);
    else if (abo || rhd)
        snprintf(out, size, "%s", abo ? abo : rhd);
    else
        snprintf(out, size, "untyped");
    return out;
}

static int abo_known(const char *text)
{
    return strcmp(text, "A") == 0 || strcmp(text, "B") == 0 || strcmp(text, "AB") == 0 ||
           strcmp(text, "O") == 0;
}

static int rhd_known(const char *text) { return strcmp(text, "POS") == 0 || strcmp(text, "NEG") == 0; }

int testing_group_take(const char *text, char out[TESTING_GROUP_TEXT_MAX], const char *field,
                       err *e)
{
    /* At most two words, in capitals: "O POS"; "O+" and "O-" are "O POS"
     * and "O NEG". */
    char words[2][8] = {"", ""};
    int count = 0;
    size_t length = 0;
    for (const char *at = text ? text : ""; *at; at++) {
        if (*at == ' ' || *at == '\t') {
            if (length)
                count++;
            length = 0;
            continue;
        }
        if (count > 1 || length + 1 >= sizeof words[0])
            goto invalid;
        if (*at == '+' || *at == '-') {
            if (count || !length || at[1])
                goto invalid;
            words[count][length] = '\0';
            snprintf(words[count + 1], sizeof words[0], "%s", *at == '+' ? "POS" : "NEG");
            count += 2;
            length = 0;
            break;
        }
        words[count][length++] = (char)(*at >= 'a' && *at <= 'z' ? *at - 'a' + 'A' : *at);
        words[count][length] = '\0';
    }
    if (length)
        count++;
    if (count == 1 && strcmp(words[0], "UNTYPED") == 0) {
        snprintf(out, TESTING_GROUP_TEXT_MAX, "untyped");
        return 0;
    }
    if (count == 1 && (abo_known(words[0]) || rhd_known(words[0]))) {
        snprintf(out, TESTING_GROUP_TEXT_MAX, "%s", words[0]);
        return 0;
    }
    if (count == 2 && abo_known(words[0]) && rhd_known(words[1])) {
        snprintf(out, TESTING_GROUP_TEXT_MAX, "%s %s", words[0], words[1]);
        return 0;
    }
invalid:
    return err_set(e, ERR_INVALID, field,
                   "must be an ABO/RhD group such as O POS or AB NEG (A, B, AB or O, then POS or "
                   "NEG), or untyped");
}

static int part_agrees(const char *history, const char *typed)
{
    return !history || !typed || strcmp(history, typed) == 0;
}

int testing_group_agrees(const char *donor_abo, const char *donor_rhd, const char *abo,
                         const char *rhd)
{
    return part_agrees(donor_abo, abo) && part_agrees(donor_rhd, rhd);
}

char *testing_discrepancy_text(const char *donor_abo, const char *donor_rhd, const char *abo,
                               const char *rhd, char *out, size_t size)
{
    char history[TESTING_GROUP_TEXT_MAX], donation[TESTING_GROUP_TEXT_MAX];
    snprintf(out, size, "ABO/RhD discrepancy: donor history %s, donation %s",
             testing_group_text(donor_abo, donor_rhd, history, sizeof history),
             testing_group_text(abo, rhd, donation, sizeof donation));
    return out;
}

/* --- deferral ------------------------------------------------------------------ */

static const struct {
    const char *marker;
    deferral_kind kind;
} deferrals[] = {
    {"HIV", DEFERRAL_PERMANENT},  {"HBV", DEFERRAL_PERMANENT},
    {"HCV", DEFERRAL_PERMANENT},  {"HTLV", DEFERRAL_PERMANENT},
    {"SYPHILIS", DEFERRAL_TEMPORARY},
};

void testing_deferral_for(const char *marker, civil_day on, testing_deferral *out)
{
    *out = (testing_deferral){.kind = DEFERRAL_INDEFINITE, .reason_code = "REACTIVE_TEST"};
    for (size_t i = 0; marker && i < sizeof deferrals / sizeof deferrals[0]; i++)
        if (strcmp(marker, deferrals[i].marker) == 0)
            out->kind = deferrals[i].kind;
    if (out->kind == DEFERRAL_TEMPORARY) {
        out->has_until = 1;
        out->until = date_add_months(on, TESTING_SYPHILIS_DEFERRAL_MONTHS);
    }
}

/* --- holds ------------------------------------------------------------------------ */

int testing_hold_has(const char *hold, const char *reason)
{
    size_t length = reason ? strlen(reason) : 0;
    for (const char *p = hold; length && p && *p;) {
        const char *end = strstr(p, "; ");
        size_t part = end ? (size_t)(end - p) : strlen(p);
        if (part == length && strncmp(p, reason, length) == 0)
            return 1;
        p = end ? end + 2 : p + part;
    }
    return 0;
}

size_t testing_hold_without(const char *hold, const char *reason, int prefix, buffer *out)
{
    size_t length = reason ? strlen(reason) : 0, removed = 0;
    buffer_reset(out);
    buffer_append_text(out, "");
    for (const char *p = hold; p && *p;) {
        const char *end = strstr(p, "; ");
        size_t part = end ? (size_t)(end - p) : strlen(p);
        if (length && (prefix ? part >= length : part == length) &&
            strncmp(p, reason, length) == 0) {
            removed++;
        } else {
            if (out->length)
                buffer_append_text(out, "; ");
            buffer_append(out, p, part);
        }
        p = end ? end + 2 : p + part;
    }
    return removed;
}

/* --- release decision ------------------------------------------------------------ */

const char *testing_release_state_name(testing_release_state state)
{
    switch (state) {
    case TESTING_READY: return "ready";
    case TESTING_WAITING: return "waiting";
    case TESTING_BLOCKED: break;
    }
    return "blocked";
}

static void problem(testing_release_decision *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void problem(testing_release_decision *out, const char *fmt, ...)
{
    if (out->problem_count == TESTING_PROBLEMS_MAX)
        return;
    va_list args;
    va_start(args, fmt);
    vsnprintf(out->problems[out->problem_count++], TESTING_PROBLEM_MAX, fmt, args);
    va_end(args);
}

static void missing(testing_release_decision *out, const char *test)
{
    if (out->missing_count < TESTING_PANEL_MAX)
        out->missing[out->missing_count++] = test;
}

void testing_release_decide(const testing_release_input *in, testing_release_decision *out)
{
    memset(out, 0, sizeof *out);
    if (in->status != UNIT_QUARANTINED)
        problem(out, "unit is %s", blood_unit_status_name(in->status));
    int typed_abo = 0, typed_rhd = 0;
    for (size_t i = 0; i < in->panel_count; i++) {
        const testing_panel_entry *t = &in->panel[i];
        if (t->kind == TESTING_ABO)
            typed_abo = 1;
        if (t->kind == TESTING_RHD)
            typed_rhd = 1;
        if (!t->result) {
            if (t->required || t->kind == TESTING_ABO || t->kind == TESTING_RHD)
                missing(out, t->test);
        } else if (t->kind == TESTING_INFECTIOUS && testing_result_blocks(t->kind, t->result)) {
            problem(out, "%s reactive (%s)", t->marker, t->test);
        } else if (t->kind == TESTING_ANTIBODY && testing_result_blocks(t->kind, t->result)) {
            problem(out, "antibody screen positive (%s)", t->test);
        }
    }
    /* A panel without an ABO or RhD test still never releases an untyped unit. */
    if (!typed_abo && !in->abo)
        missing(out, "ABO");
    if (!typed_rhd && !in->rhd)
        missing(out, "RHD");
    /* The discrepancy, unless the hold put on the units already says it. */
    char text[TESTING_PROBLEM_MAX];
    testing_discrepancy_text(in->donor_abo, in->donor_rhd, in->abo, in->rhd, text, sizeof text);
    if (!testing_group_agrees(in->donor_abo, in->donor_rhd, in->abo, in->rhd) &&
        !testing_hold_has(in->hold, text))
        problem(out, "%s", text);
    if (in->hold && *in->hold)
        problem(out, "held: %s", in->hold);
    if (in->expires_at <= in->now) {
        char at[TIMESTAMP_TEXT_MAX];
        problem(out, "expired at %s", timestamp_format(in->expires_at, at, sizeof at));
    }
    out->state = out->problem_count   ? TESTING_BLOCKED
                 : out->missing_count ? TESTING_WAITING
                                      : TESTING_READY;
}
