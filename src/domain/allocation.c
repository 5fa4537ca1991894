/*
 * allocation.c - the matching and ordering of units for an order line
 * (see allocation.h; docs/distribution.md, "Allocation").
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/allocation.h"
#include "domain/catalog.h"

static const char *const abo_names[ABO_COUNT] = {"O", "A", "B", "AB"};

const char *abo_name(abo_type abo)
{
    return (unsigned)abo < ABO_COUNT ? abo_names[abo] : "?";
}

int abo_parse(const char *text)
{
    for (int a = 0; text && a < ABO_COUNT; a++)
        if (strcmp(text, abo_names[a]) == 0)
            return a;
    return -1;
}

int blood_group_parse(const char *text, blood_group *out, const char *field, err *e)
{
    char compact[16];
    size_t n = 0;
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == ' ')
            continue;
        if (n + 1 >= sizeof compact)
            goto bad;
        compact[n++] = (char)toupper((unsigned char)*p);
    }
    compact[n] = '\0';
    if (!n)
        return err_set(e, ERR_INVALID, field, "is required: O POS, O NEG, A POS ... AB NEG");
    int negative;
    size_t abo_length;
    if (n > 3 && strcmp(compact + n - 3, "POS") == 0) {
        negative = 0;
        abo_length = n - 3;
    } else if (n > 3 && strcmp(compact + n - 3, "NEG") == 0) {
        negative = 1;
        abo_length = n - 3;
    } else if (n > 1 && (compact[n - 1] == '+' || compact[n - 1] == '-')) {
        negative = compact[n - 1] == '-';
        abo_length = n - 1;
    } else {
        goto bad;
    }
    compact[abo_length] = '\0';
    int abo = abo_parse(compact);
    if (abo < 0)
        goto bad;
    out->abo = (abo_type)abo;
    out->negative = negative;
    return 0;
bad:
    return err_set(e, ERR_INVALID, field,
                   "'%.20s' is not a blood group: O POS, O NEG, A POS, A NEG, B POS, B NEG, "
                   "AB POS or AB NEG",
                   text ? text : "");
}

char *blood_group_format(blood_group group, char out[BLOOD_GROUP_TEXT_MAX])
{
    snprintf(out, BLOOD_GROUP_TEXT_MAX, "%s %s", abo_name(group.abo),
             group.negative ? "NEG" : "POS");
    return out;
}

static void set(abo_substitutes *t, abo_type recipient, int count, abo_type a, abo_type b,
                abo_type c)
{
    abo_type donors[3] = {a, b, c};
    t->count[recipient] = count;
    for (int i = 0; i < count; i++)
        t->donors[recipient][i] = donors[i];
}

void abo_substitutes_default(int family, abo_substitutes *out)
{
    memset(out, 0, sizeof *out);
    if (family == CATALOG_RED_CELLS) {
        set(out, ABO_A, 1, ABO_O, 0, 0);
        set(out, ABO_B, 1, ABO_O, 0, 0);
        set(out, ABO_AB, 3, ABO_A, ABO_B, ABO_O);
    } else if (family == CATALOG_PLASMA || family == CATALOG_PLATELETS) {
        set(out, ABO_O, 3, ABO_A, ABO_B, ABO_AB);
        set(out, ABO_A, 1, ABO_AB, 0, 0);
        set(out, ABO_B, 1, ABO_AB, 0, 0);
    }
}

int allocation_rank(const abo_substitutes *table, blood_group want, blood_group unit)
{
    if (unit.negative == 0 && want.negative)
        return -1; /* RhD-positive never goes to an RhD-negative recipient */
    int rh = unit.negative != want.negative; /* negative for a positive recipient */
    if (unit.abo == want.abo)
        return rh;
    if ((unsigned)want.abo >= ABO_COUNT)
        return -1;
    for (int i = 0; i < table->count[want.abo]; i++)
        if (table->donors[want.abo][i] == unit.abo)
            return 2 * (1 + i) + rh;
    return -1;
}

typedef struct {
    allocation_pick pick;
    const allocation_candidate *candidate;
} ranked;

static int ranked_compare(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->pick.rank != y->pick.rank)
        return x->pick.rank < y->pick.rank ? -1 : 1;
    if (x->candidate->expires_at != y->candidate->expires_at)
        return x->candidate->expires_at < y->candidate->expires_at ? -1 : 1;
    if (x->candidate->id != y->candidate->id)
        return x->candidate->id < y->candidate->id ? -1 : 1;
    return 0;
}

size_t allocation_choose(const abo_substitutes *table, const allocation_request *request,
                         const allocation_candidate *candidates, size_t count, int64_t now,
                         allocation_pick *picks)
{
    if (request->needed <= 0 || count == 0)
        return 0;
    ranked *all = malloc(count * sizeof *all);
    if (!all)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        const allocation_candidate *c = &candidates[i];
        if (c->expires_at <= now || (request->irradiated && !c->irradiated) ||
            (request->cmv_negative && !c->cmv_negative))
            continue;
        int rank = allocation_rank(table, request->group, c->group);
        if (rank < 0)
            continue;
        all[n].pick = (allocation_pick){.index = i, .rank = rank, .substitution = rank != 0};
        all[n].candidate = c;
        n++;
    }
    qsort(all, n, sizeof *all, ranked_compare);
    size_t chosen = n < (size_t)request->needed ? n : (size_t)request->needed;
    for (size_t i = 0; i < chosen; i++)
        picks[i] = all[i].pick;
    free(all);
    return chosen;
}
