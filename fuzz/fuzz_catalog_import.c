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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
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
    return 0;
}
