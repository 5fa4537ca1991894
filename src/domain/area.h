/*
 * area.h - the areas of the product, in the order help and navigation show
 * them: every module (its routes, its commands, its pages) belongs to one,
 * so that `bloodops --help` and the web application's navigation stay
 * readable as modules are added.
 */
#ifndef BLOODOPS_DOMAIN_AREA_H
#define BLOODOPS_DOMAIN_AREA_H

typedef enum {
    AREA_DONORS,         /* donors and collections */
    AREA_LABORATORY,
    AREA_DISTRIBUTION,
    AREA_SERVICES,
    AREA_FINANCE,
    AREA_ADMINISTRATION,
    AREA_COUNT
} area;

/* "donors and collections", "laboratory", ...; "" out of range. */
const char *area_title(area a);
/* "donors", "laboratory", ...: the area's key in /api/v1/me and the web
 * application's page declarations; "" out of range. */
const char *area_key(area a);

#endif
