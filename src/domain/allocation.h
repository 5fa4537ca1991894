/*
 * allocation.h - which released units may fill an order line and in what
 * order (docs/distribution.md, "Allocation"), pure functions: blood groups
 * as an order line names them, the ABO substitution table (held as data
 * by the service; its defaults here), the RhD rule (RhD-negative may go to
 * an RhD-positive recipient, never the reverse), and the choice of units:
 * the exact group first, then the table's substitutes in their order, each
 * group first-expiring-first-out, only units with the attributes asked.
 */
#ifndef BLOODOPS_DOMAIN_ALLOCATION_H
#define BLOODOPS_DOMAIN_ALLOCATION_H

#include <stddef.h>
#include <stdint.h>
#include "base/error.h"

typedef enum { ABO_O, ABO_A, ABO_B, ABO_AB, ABO_COUNT } abo_type;

/* "O", "A", "B", "AB"; abo_parse: -1 when unknown. */
const char *abo_name(abo_type abo);
int abo_parse(const char *text);

typedef struct {
    abo_type abo;
    int negative; /* RhD-negative */
} blood_group;

enum { BLOOD_GROUP_TEXT_MAX = 8 };
/* A whole group as an order line gives it: "O POS", "o neg", "AB+", "A-",
 * "B NEG"; ERR_INVALID naming `field` otherwise (a group without its RhD
 * too). */
int blood_group_parse(const char *text, blood_group *out, const char *field, err *e);
/* "O POS", "AB NEG". */
char *blood_group_format(blood_group group, char out[BLOOD_GROUP_TEXT_MAX]);

/* The ABO substitutes of a family: for each recipient's ABO, the donor
 * ABOs allowed besides the exact one, in order of preference. */
typedef struct {
    abo_type donors[ABO_COUNT][ABO_COUNT - 1];
    int count[ABO_COUNT];
} abo_substitutes;

/* The defaults of family `family` (catalog_family): red cells O to every
 * group and A and B to AB (AB takes A, then B, then O); plasma the
 * reverse, AB to every group and A and B to O (O takes A, then B, then
 * AB); platelets as plasma until the medical director's table replaces it;
 * other families the exact group only. */
void abo_substitutes_default(int family, abo_substitutes *out);

/* The rank of a unit of `unit` for a recipient of `want` under `table`: 0
 * the exact group, then 2 x (1 + the ABO substitute's place) with 1 added
 * when the unit is RhD-negative for an RhD-positive recipient; -1 when the
 * unit may not go (an ABO not in the table, or RhD-positive for an
 * RhD-negative recipient). */
int allocation_rank(const abo_substitutes *table, blood_group want, blood_group unit);

/* A released unit offered for a line. */
typedef struct {
    int64_t id;
    blood_group group;
    int64_t expires_at; /* UTC seconds */
    int irradiated, cmv_negative;
} allocation_candidate;

/* What a line asks for. */
typedef struct {
    blood_group group;
    int irradiated, cmv_negative; /* required when 1 */
    long needed;                  /* units still open on the line */
} allocation_request;

typedef struct {
    size_t index;     /* into the candidates */
    int rank;         /* allocation_rank */
    int substitution; /* 1 when not the exact group */
} allocation_pick;

/* Choose up to request->needed candidates for the line at `now`: those
 * not expired by then, with the attributes asked and a rank, ordered by
 * rank, then expiry (first-expiring-first-out), then id. Writes them to
 * `picks` (room for `count`, in that order) and answers how many. Fewer
 * than needed: the rest stays open on the line (a backorder). */
size_t allocation_choose(const abo_substitutes *table, const allocation_request *request,
                         const allocation_candidate *candidates, size_t count, int64_t now,
                         allocation_pick *picks);

#endif
