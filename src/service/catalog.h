/*
 * catalog.h - the product catalog (docs/isbt.md, "Product catalog and DIN
 * allocation"): the blood component products a center makes, by ISBT 128
 * product description code, with family, storage temperature, shelf life,
 * nominal volume and attributes. Units take their expiry from it
 * (domain/catalog.h, catalog_expiry).
 *
 * The official code table is licensed by ICCBBA, so bloodops ships a demo
 * catalog (data/catalog-demo.csv, every entry flagged demo) and imports a
 * real one from CSV: catalog_import checks the whole file first and lists
 * every problem by line; only a file without any problem is written, in one
 * transaction with one audit record (the file's SHA-256 and the codes added
 * and changed). Products are added or updated, never removed: units refer
 * to them. The CSV format is in docs/isbt.md.
 */
#ifndef BLOODOPS_SERVICE_CATALOG_H
#define BLOODOPS_SERVICE_CATALOG_H

#include <stdio.h>
#include "service/service.h"

enum { CATALOG_IMPORT_ERRORS_MAX = 1000, CATALOG_IMPORT_PRODUCTS_MAX = 100000 };

typedef struct {
    const char *family; /* only this family ("red_cells"...), NULL for all */
    const char *search; /* substring of code or description, case-insensitive */
    service_page page;  /* `after` is a product code */
} catalog_filter;

/* Products in code order: {"items": [...], "next_after"}. Errors name
 * "family", "q" or "limit". */
int catalog_product_list(service_context *ctx, catalog_filter *filter, json_t **out, err *e);
/* One product: {"code", "description", "family", "storage_min_c",
 * "storage_max_c", "shelf_life_value", "shelf_life_unit",
 * "nominal_volume_ml", "irradiated", "leukoreduced", "cmv_negative",
 * "pathogen_reduced", "demo", "created_at", "updated_at"}. */
int catalog_product_get(service_context *ctx, const char *code, json_t **out, err *e);

/* Import a catalog CSV as a whole or not at all. On success *out is
 * {"file", "sha256", "products", "added", "updated", "unchanged"}. When
 * anything is wrong nothing is written, the call returns -1 with
 * ERR_INVALID and *out is {"errors": [{"line", "field", "message"}...],
 * "error_count"} (the first CATALOG_IMPORT_ERRORS_MAX problems). */
int catalog_import(service_context *ctx, FILE *csv, const char *file_name, json_t **out,
                   err *e);

#endif
