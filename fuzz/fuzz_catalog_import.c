/*
 * fuzz_catalog_import.c - libFuzzer target for the product catalog import
 * (service/catalog.h: catalog_import; src/service/catalog.c): the line
 * reader, the field checks of every product (code, description, family,
 * storage range, shelf life, volume, the yes/no flags) and the writes,
 * into an in-memory database (fuzz_import.h).
 *
 * The input is the file. Besides fuzz_import.h's checks of every answer
 * (a refusal lists its problems, each on a line of the file, and changes
 * nothing), an accepted import accounts for every product: "added",
 * "updated" and "unchanged" add up to "products", one per data line (not
 * blank, not a '#' comment, after the header), and the catalog grows by
 * exactly "added".
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include "fuzz_import.h"
#include "service/catalog.h"

static const char *const tables[] = {"products", "audit_log", NULL};

/* Known bug: with no product read (an empty file, or no line that is a
 * product), import_read calls qsort(NULL, 0, ...), which UBSan reports
 * (qsort's pointer is declared non-null). FUZZ_AVOID_KNOWN_BUGS=1 (see
 * fuzz_import.h) appends a header and one good product to every file so
 * that one is read. */
static const char GOOD[] =
    "\ncode,description,family,storage_min_c,storage_max_c,shelf_life_value,shelf_life_unit,"
    "nominal_volume_ml,irradiated,leukoreduced,cmv_negative,pathogen_reduced,demo\n"
    "E0201,WHOLE BLOOD|CPDA-1/450mL/refg (demo),whole_blood,1,6,35,days,520,no,no,no,no,yes\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    uint8_t *extended = NULL;
    if (avoid_known_bugs()) {
        extended = malloc(size + sizeof GOOD);
        memcpy(extended, data, size);
        memcpy(extended + size, GOOD, sizeof GOOD - 1);
        data = extended;
        size += sizeof GOOD - 1;
    }
    service_context ctx = fuzz_db_context();
    import_counts before = fuzz_import_count(tables);
    FILE *file = fuzz_import_file(data, size);
    json_t *out = NULL;
    err e = {0};
    int rc = catalog_import(&ctx, file, "fuzz.csv", &out, &e);
    fclose(file);
    if (fuzz_import_check(data, size, rc, out, &e, tables, &before, CATALOG_IMPORT_ERRORS_MAX)) {
        long lines = fuzz_import_data_lines(data, size);
        import_counts after = fuzz_import_count(tables);
        json_int_t products = json_integer_value(json_object_get(out, "products")),
                   added = json_integer_value(json_object_get(out, "added")),
                   updated = json_integer_value(json_object_get(out, "updated")),
                   unchanged = json_integer_value(json_object_get(out, "unchanged"));
        import_require(products == lines, "an accepted catalog of another number of products");
        import_require(added >= 0 && updated >= 0 && unchanged >= 0 &&
                           added + updated + unchanged == products,
                       "added, updated and unchanged do not add up");
        import_require(after.rows[0] - before.rows[0] == added, "the catalog grew by another number");
    }
    json_decref(out);
    free(extended);
    return 0;
}
