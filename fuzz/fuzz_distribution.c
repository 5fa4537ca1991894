/*
 * fuzz_distribution.c - libFuzzer target for what distribution reads from
 * outside (domain/allocation.h, domain/distribution.h): an order line's
 * blood group, a surcharge kind, an order's priority, and the choice of
 * units for a line.
 *
 * The input is read twice: as text (up to its first NUL) for the three
 * parsers, and as bytes describing a line and its candidate units for
 * allocation_choose (byte 0: the line's group and attributes, byte 1: how
 * many it needs, then 4 bytes per unit: group, expiry, attributes, id).
 * What must hold:
 *   - blood_group_parse accepts a group that formats to "ABO POS|NEG" and
 *     parses back to itself; a refusal is ERR_INVALID naming "group";
 *   - surcharge_kind_parse accepts exactly the six names (with '-' for
 *     '_'), and the kind's name is the input so mapped; a refusal names
 *     "kind"; order_priority_parse accepts exactly stat, asap, routine;
 *   - allocation_choose picks at most what is needed, each unit once, none
 *     expired, none lacking an attribute asked, none RhD-positive for an
 *     RhD-negative line, each with the rank allocation_rank gives it,
 *     ordered by rank, then expiry, then id; it picks fewer than needed only
 *     when no other unit qualifies.
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/allocation.h"
#include "domain/catalog.h"
#include "domain/distribution.h"

static void require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_distribution: %s\n", what);
        abort();
    }
}

static void check_parsers(const char *text)
{
    err e = {0};
    blood_group group;
    if (blood_group_parse(text, &group, "group", &e) == 0) {
        char formatted[BLOOD_GROUP_TEXT_MAX];
        blood_group again;
        blood_group_format(group, formatted);
        require(blood_group_parse(formatted, &again, "group", &e) == 0,
                "a formatted group does not parse");
        require(again.abo == group.abo && again.negative == group.negative,
                "a formatted group parses to another");
    } else {
        require(e.code == ERR_INVALID && strcmp(e.field, "group") == 0 && e.message[0],
                "a group's refusal does not name the field");
    }

    surcharge_kind kind;
    char mapped[64];
    size_t length = strlen(text);
    int fits = length < sizeof mapped;
    for (size_t i = 0; fits && i <= length; i++)
        mapped[i] = text[i] == '-' ? '_' : text[i];
    int known = 0;
    for (int k = 0; fits && k < SURCHARGE_KIND_COUNT; k++)
        known |= strcmp(mapped, surcharge_kind_name((surcharge_kind)k)) == 0;
    e = (err){0};
    int accepted = surcharge_kind_parse(text, &kind, "kind", &e) == 0;
    require(accepted == known, "surcharge_kind_parse and the six names disagree");
    if (accepted)
        require(strcmp(surcharge_kind_name(kind), mapped) == 0, "a kind parses to another");
    else
        require(e.code == ERR_INVALID && strcmp(e.field, "kind") == 0,
                "a kind's refusal does not name the field");

    order_priority priority;
    int is_priority = !strcmp(text, "stat") || !strcmp(text, "asap") || !strcmp(text, "routine");
    require((order_priority_parse(text, &priority, "priority", &e) == 0) == is_priority,
            "order_priority_parse and the three names disagree");
}

enum { UNITS_MAX = 64 };

static void check_choice(const uint8_t *data, size_t size)
{
    if (size < 2)
        return;
    abo_substitutes table;
    abo_substitutes_default(data[0] >> 6 & 1 ? CATALOG_PLASMA : CATALOG_RED_CELLS, &table);
    allocation_request request = {
        .group = {(abo_type)(data[0] & 3), data[0] >> 2 & 1},
        .irradiated = data[0] >> 3 & 1,
        .cmv_negative = data[0] >> 4 & 1,
        .needed = data[1] % 12,
    };
    allocation_candidate units[UNITS_MAX];
    size_t count = 0;
    for (size_t at = 2; at + 4 <= size && count < UNITS_MAX; at += 4, count++) {
        units[count] = (allocation_candidate){
            .id = data[at + 3],
            .group = {(abo_type)(data[at] & 3), data[at] >> 2 & 1},
            .expires_at = data[at + 1],
            .irradiated = data[at + 2] & 1,
            .cmv_negative = data[at + 2] >> 1 & 1,
        };
    }
    const int64_t now = 100;
    allocation_pick picks[UNITS_MAX];
    size_t chosen = allocation_choose(&table, &request, units, count, now, picks);
    require(chosen <= (size_t)request.needed && chosen <= count, "more picked than needed");
    int taken[UNITS_MAX] = {0};
    for (size_t i = 0; i < chosen; i++) {
        require(picks[i].index < count, "a pick outside the candidates");
        const allocation_candidate *u = &units[picks[i].index];
        require(!taken[picks[i].index], "a unit picked twice");
        taken[picks[i].index] = 1;
        require(u->expires_at > now, "an expired unit picked");
        require(!request.irradiated || u->irradiated, "an irradiated line got a unit that is not");
        require(!request.cmv_negative || u->cmv_negative, "a CMV-negative line got one that is not");
        require(!(request.group.negative && !u->group.negative),
                "an RhD-positive unit for an RhD-negative line");
        require(picks[i].rank == allocation_rank(&table, request.group, u->group) &&
                    picks[i].rank >= 0,
                "a pick's rank is not the unit's");
        require(picks[i].substitution == (picks[i].rank != 0), "substitution is not rank != 0");
        if (i) {
            const allocation_candidate *p = &units[picks[i - 1].index];
            require(picks[i - 1].rank < picks[i].rank ||
                        (picks[i - 1].rank == picks[i].rank &&
                         (p->expires_at < u->expires_at ||
                          (p->expires_at == u->expires_at && p->id <= u->id))),
                    "picks not by rank, then expiry, then id");
        }
    }
    if (chosen < (size_t)request.needed)
        for (size_t i = 0; i < count; i++) {
            const allocation_candidate *u = &units[i];
            int fits = u->expires_at > now && (!request.irradiated || u->irradiated) &&
                       (!request.cmv_negative || u->cmv_negative) &&
                       allocation_rank(&table, request.group, u->group) >= 0;
            require(!fits || taken[i], "a fitting unit left while the line is short");
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    check_parsers(text);
    free(text);
    check_choice(data, size);
    return 0;
}
