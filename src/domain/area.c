/*
 * area.c - the titles and keys of the product's areas (see area.h).
 */
#include "domain/area.h"

static const struct {
    const char *key, *title;
} areas[AREA_COUNT] = {
    [AREA_DONORS] = {"donors", "donors and collections"},
    [AREA_LABORATORY] = {"laboratory", "laboratory"},
    [AREA_DISTRIBUTION] = {"distribution", "distribution"},
    [AREA_SERVICES] = {"services", "services"},
    [AREA_FINANCE] = {"finance", "finance"},
    [AREA_ADMINISTRATION] = {"administration", "administration"},
};

const char *area_title(area a)
{
    return (int)a >= 0 && a < AREA_COUNT ? areas[a].title : "";
}

const char *area_key(area a)
{
    return (int)a >= 0 && a < AREA_COUNT ? areas[a].key : "";
}
