/*
 * catalog.c - the product catalog: list, read, import (see catalog.h).
 *
 * The import reads and checks the whole file before it touches the
 * database (a catalog is small: tens of thousands of lines at most), so a
 * file with any problem writes nothing and opens no transaction; a good
 * file is then written in one transaction, each product inserted or, when
 * it differs from what is stored, updated.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/date.h"
#include "domain/catalog.h"
#include "service/audit.h"
#include "service/catalog.h"

static const char IMPORT_HEADER[] =
    "code,description,family,storage_min_c,storage_max_c,shelf_life_value,shelf_life_unit,"
    "nominal_volume_ml,irradiated,leukoreduced,cmv_negative,pathogen_reduced,demo";
enum { IMPORT_COLUMNS = 13 };

/* --- reading -------------------------------------------------------------- */

#define PRODUCT_COLUMNS                                                                          \
    "code, description, family, storage_min_c, storage_max_c, shelf_life_value, "                \
    "shelf_life_unit, nominal_volume_ml, irradiated, leukoreduced, cmv_negative, "               \
    "pathogen_reduced, demo, created_at, updated_at"

static json_t *product_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:I, s:b, s:b, s:b, s:b, s:b, s:s, s:s}",
                     "code", db_column_text(stmt, 0), "description", db_column_text(stmt, 1),
                     "family", db_column_text(stmt, 2), "storage_min_c",
                     (json_int_t)db_column_int64(stmt, 3), "storage_max_c",
                     (json_int_t)db_column_int64(stmt, 4), "shelf_life_value",
                     (json_int_t)db_column_int64(stmt, 5), "shelf_life_unit",
                     db_column_text(stmt, 6), "nominal_volume_ml",
                     (json_int_t)db_column_int64(stmt, 7), "irradiated",
                     (int)db_column_int64(stmt, 8), "leukoreduced", (int)db_column_int64(stmt, 9),
                     "cmv_negative", (int)db_column_int64(stmt, 10), "pathogen_reduced",
                     (int)db_column_int64(stmt, 11), "demo", (int)db_column_int64(stmt, 12),
                     "created_at", db_column_text(stmt, 13), "updated_at",
                     db_column_text(stmt, 14));
}

/* A normalised copy of a product code (trimmed, upper case), checked. */
static int code_take(const char *raw, char out[16], const char *field, err *e)
{
    if (!raw || !*raw)
        return err_set(e, ERR_INVALID, field, "is required");
    if (strlen(raw) > 12)
        return catalog_code_check(raw, field, e);
    snprintf(out, 16, "%s", raw);
    service_normalize_code(out);
    return catalog_code_check(out, field, e);
}

int catalog_product_list(service_context *ctx, catalog_filter *filter, json_t **out, err *e)
{
    char pattern[256] = "";
    if (service_page_check(&filter->page, e) ||
        service_like_pattern(filter->search, pattern, sizeof pattern, "q", e))
        return -1;
    const char *family = filter->family && *filter->family ? filter->family : "";
    if (*family && catalog_family_parse(family) < 0)
        return err_set(e, ERR_INVALID, "family",
                       "must be whole_blood, red_cells, platelets, plasma, cryoprecipitate or "
                       "granulocytes");
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT " PRODUCT_COLUMNS " FROM products WHERE code > ?1 "
                   "AND (?2 = '' OR family = ?2) "
                   "AND (?3 = '' OR UPPER(code) LIKE UPPER(?3) ESCAPE '\\' "
                   "OR UPPER(description) LIKE UPPER(?3) ESCAPE '\\') "
                   "ORDER BY code LIMIT ?4",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, filter->page.after ? filter->page.after : "");
    db_bind_text(stmt, 2, family);
    db_bind_text(stmt, 3, pattern);
    db_bind_int64(stmt, 4, filter->page.limit);
    return service_collect_page(stmt, product_json, &filter->page, "code", out, e);
}

static int product_fetch(db_conn *db, const char *code, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " PRODUCT_COLUMNS " FROM products WHERE code = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    return service_fetch_one(stmt, product_json, out, "code", e, "no product '%s' in the catalog",
                             code);
}

int catalog_product_get(service_context *ctx, const char *code, json_t **out, err *e)
{
    char normal[16];
    if (code_take(code, normal, "code", e))
        return -1;
    return product_fetch(ctx->db, normal, out, e);
}

/* --- import ---------------------------------------------------------------- */

typedef struct {
    char code[CATALOG_CODE_LENGTH + 1];
    char *description; /* owned */
    catalog_product product;
    long line;
} import_row;

typedef struct {
    import_row *rows;
    size_t count, capacity;
    service_problems problems;
} import_state;

static int whole_number(const char *text, long *out)
{
    char *end = NULL;
    errno = 0;
    *out = strtol(text, &end, 10);
    return *text && !*end && !errno ? 0 : -1;
}

static int compare_rows(const void *a, const void *b)
{
    const import_row *x = a, *y = b;
    int order = strcmp(x->code, y->code);
    return order ? order : (x->line > y->line) - (x->line < y->line);
}

/* Check one line; a good one is kept in s->rows. Returns -1 only when out
 * of memory. */
static int import_line(import_state *s, char *text, long number)
{
    char *f[IMPORT_COLUMNS + 1];
    int count = csv_split(text, f, IMPORT_COLUMNS + 1);
    if (count != IMPORT_COLUMNS) {
        if (count < 0)
            service_problem(&s->problems, number, "line",
                            "has an unclosed quote or too many fields (%d expected)",
                            IMPORT_COLUMNS);
        else
            service_problem(&s->problems, number, "line", "must have %d fields: %s (has %d)",
                            IMPORT_COLUMNS, IMPORT_HEADER, count);
        return 0;
    }
    import_row row = {.line = number};
    catalog_product *p = &row.product;
    err e;
    long errors_before = s->problems.count;
    if (catalog_code_check(f[0], "code", &e) == 0)
        snprintf(row.code, sizeof row.code, "%s", f[0]);
    else
        service_problem(&s->problems, number, "code", "%s", e.message);
    if (catalog_description_check(f[1], "description", &e))
        service_problem(&s->problems, number, "description", "%s", e.message);
    int family = catalog_family_parse(f[2]);
    if (family < 0)
        service_problem(&s->problems, number, "family",
                "'%.40s' is not a family: whole_blood, red_cells, platelets, plasma, "
                "cryoprecipitate or granulocytes",
                f[2]);
    p->family = family < 0 ? CATALOG_WHOLE_BLOOD : (catalog_family)family;
    int temperatures_read = 1;
    if (whole_number(f[3], &p->storage_min_c))
        service_problem(&s->problems, number, "storage_min_c", "must be whole degrees Celsius"),
            temperatures_read = 0;
    if (whole_number(f[4], &p->storage_max_c))
        service_problem(&s->problems, number, "storage_max_c", "must be whole degrees Celsius"),
            temperatures_read = 0;
    if (temperatures_read && catalog_storage_check(p->storage_min_c, p->storage_max_c, &e))
        service_problem(&s->problems, number, e.field, "%s", e.message);
    int unit = catalog_shelf_unit_parse(f[6]);
    if (unit < 0)
        service_problem(&s->problems, number, "shelf_life_unit", "must be days or hours");
    p->shelf_life_unit = unit < 0 ? CATALOG_SHELF_DAYS : (catalog_shelf_unit)unit;
    if (whole_number(f[5], &p->shelf_life_value))
        service_problem(&s->problems, number, "shelf_life_value",
                        "must be a whole number of days or hours");
    else if (unit >= 0 && catalog_shelf_life_check(p->shelf_life_value, p->shelf_life_unit, &e))
        service_problem(&s->problems, number, e.field, "%s", e.message);
    if (whole_number(f[7], &p->nominal_volume_ml))
        service_problem(&s->problems, number, "nominal_volume_ml", "must be whole millilitres");
    else if (catalog_volume_check(p->nominal_volume_ml, &e))
        service_problem(&s->problems, number, e.field, "%s", e.message);
    static const char *const flag_names[] = {"irradiated", "leukoreduced", "cmv_negative",
                                             "pathogen_reduced", "demo"};
    int *flags[] = {&p->irradiated, &p->leukoreduced, &p->cmv_negative, &p->pathogen_reduced,
                    &p->demo};
    for (int i = 0; i < 5; i++)
        if (catalog_flag_parse(f[8 + i], flags[i], flag_names[i], &e))
            service_problem(&s->problems, number, flag_names[i],
                            "must be yes or no (or 1 or 0), not '%.20s'", f[8 + i]);
    if (s->problems.count != errors_before)
        return 0;
    if (s->count == CATALOG_IMPORT_PRODUCTS_MAX) {
        service_problem(&s->problems, number, "file", "holds more than %d products",
                        CATALOG_IMPORT_PRODUCTS_MAX);
        return 0;
    }
    if (s->count == s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 64;
        import_row *grown = realloc(s->rows, capacity * sizeof *grown);
        if (!grown)
            return -1;
        s->rows = grown;
        s->capacity = capacity;
    }
    if (!(row.description = strdup(f[1])))
        return -1;
    s->rows[s->count++] = row;
    return 0;
}

/* Read and check the whole file; problems go to s->problems. Returns -1 only
 * on a failure of the machine (memory, reading). */
static int import_read(import_state *s, FILE *csv, char sha256_hex[SERVICE_SHA256_HEX_SIZE],
                       err *e)
{
    service_file_lines lines;
    service_file_lines_open(&lines, csv, IMPORT_HEADER, &s->problems);
    int rc = 0;
    while (rc == 0 && service_file_data_next(&lines))
        if (import_line(s, lines.line, lines.number))
            rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
    long number = lines.number;
    int header_seen = lines.header_seen;
    if (service_file_lines_close(&lines, sha256_hex, e) && rc == 0)
        rc = -1;
    if (rc == 0 && header_seen && s->count == 0 && s->problems.count == 0)
        service_problem(&s->problems, number, "file", "has no products after the header");
    /* The same code twice: named on each later line. */
    if (s->count)
        qsort(s->rows, s->count, sizeof *s->rows, compare_rows);
    for (size_t i = 1; rc == 0 && i < s->count; i++)
        if (strcmp(s->rows[i].code, s->rows[i - 1].code) == 0) {
            size_t first = i - 1;
            while (first > 0 && strcmp(s->rows[first - 1].code, s->rows[i].code) == 0)
                first--;
            service_problem(&s->problems, s->rows[i].line, "code",
                            "product %s is already on line %ld", s->rows[i].code,
                            s->rows[first].line);
        }
    return rc;
}

/* Problems found after sorting come last; list them in line order. */
static int compare_problems(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "line"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "line"));
    return (x > y) - (x < y);
}

static void problems_sort(json_t *errors)
{
    size_t count = json_array_size(errors);
    json_t **items = malloc((count ? count : 1) * sizeof *items);
    if (!items)
        return;
    for (size_t i = 0; i < count; i++)
        items[i] = json_incref(json_array_get(errors, i));
    qsort(items, count, sizeof *items, compare_problems); /* not stable, but lines differ */
    json_array_clear(errors);
    for (size_t i = 0; i < count; i++)
        json_array_append_new(errors, items[i]);
    free(items);
}

/* Write one checked product: 1 added, 2 updated, 0 unchanged; -1 failed. */
static int product_write(db_conn *db, const import_row *row, const char *now, err *e)
{
    const catalog_product *p = &row->product;
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT description, family, storage_min_c, storage_max_c, shelf_life_value, "
                   "shelf_life_unit, nominal_volume_ml, irradiated, leukoreduced, cmv_negative, "
                   "pathogen_reduced, demo FROM products WHERE code = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, row->code);
    db_step_result step = db_step(stmt, e);
    int same = step == DB_ROW && strcmp(db_column_text(stmt, 0), row->description) == 0 &&
               strcmp(db_column_text(stmt, 1), catalog_family_name(p->family)) == 0 &&
               db_column_int64(stmt, 2) == p->storage_min_c &&
               db_column_int64(stmt, 3) == p->storage_max_c &&
               db_column_int64(stmt, 4) == p->shelf_life_value &&
               strcmp(db_column_text(stmt, 5), catalog_shelf_unit_name(p->shelf_life_unit)) == 0 &&
               db_column_int64(stmt, 6) == p->nominal_volume_ml &&
               db_column_int64(stmt, 7) == p->irradiated &&
               db_column_int64(stmt, 8) == p->leukoreduced &&
               db_column_int64(stmt, 9) == p->cmv_negative &&
               db_column_int64(stmt, 10) == p->pathogen_reduced &&
               db_column_int64(stmt, 11) == p->demo;
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (same)
        return 0;
    int exists = step == DB_ROW;
    if (db_prepare(db,
                   exists ? "UPDATE products SET description = ?, family = ?, storage_min_c = ?, "
                            "storage_max_c = ?, shelf_life_value = ?, shelf_life_unit = ?, "
                            "nominal_volume_ml = ?, irradiated = ?, leukoreduced = ?, "
                            "cmv_negative = ?, pathogen_reduced = ?, demo = ?, updated_at = ? "
                            "WHERE code = ?"
                          : "INSERT INTO products (description, family, storage_min_c, "
                            "storage_max_c, shelf_life_value, shelf_life_unit, nominal_volume_ml, "
                            "irradiated, leukoreduced, cmv_negative, pathogen_reduced, demo, "
                            "updated_at, code, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, row->description);
    db_bind_text(stmt, 2, catalog_family_name(p->family));
    db_bind_int64(stmt, 3, p->storage_min_c);
    db_bind_int64(stmt, 4, p->storage_max_c);
    db_bind_int64(stmt, 5, p->shelf_life_value);
    db_bind_text(stmt, 6, catalog_shelf_unit_name(p->shelf_life_unit));
    db_bind_int64(stmt, 7, p->nominal_volume_ml);
    db_bind_int64(stmt, 8, p->irradiated);
    db_bind_int64(stmt, 9, p->leukoreduced);
    db_bind_int64(stmt, 10, p->cmv_negative);
    db_bind_int64(stmt, 11, p->pathogen_reduced);
    db_bind_int64(stmt, 12, p->demo);
    db_bind_text(stmt, 13, now);
    db_bind_text(stmt, 14, row->code);
    if (!exists)
        db_bind_text(stmt, 15, now);
    if (db_exec_stmt(stmt, e))
        return -1;
    return exists ? 2 : 1;
}

int catalog_import(service_context *ctx, FILE *csv, const char *file_name, json_t **out,
                   err *e)
{
    *out = NULL;
    if (!file_name || !*file_name)
        return err_set(e, ERR_INVALID, "file", "is required");
    import_state s = {.problems = {json_array(), 0, CATALOG_IMPORT_ERRORS_MAX}};
    char sha256[SERVICE_SHA256_HEX_SIZE] = "", now[TIMESTAMP_TEXT_MAX];
    int rc = import_read(&s, csv, sha256, e);
    if (rc == 0 && s.problems.count) {
        problems_sort(s.problems.items);
        rc = service_problems_fail(&s.problems, e);
        *out = json_pack("{s:O, s:I}", "errors", s.problems.items, "error_count",
                         (json_int_t)s.problems.count);
    } else if (rc == 0 && (rc = service_begin(ctx, e)) == 0) {
        timestamp_format(timestamp_now(), now, sizeof now);
        json_t *added = json_array(), *updated = json_array();
        long unchanged = 0;
        for (size_t i = 0; rc == 0 && i < s.count; i++) {
            int written = product_write(ctx->db, &s.rows[i], now, e);
            if (written < 0)
                rc = -1;
            else if (written == 0)
                unchanged++;
            else
                json_array_append_new(written == 1 ? added : updated,
                                      json_string(s.rows[i].code));
        }
        json_t *summary = json_pack(
            "{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o}", "file", file_name, "sha256", sha256,
            "products", (json_int_t)s.count, "added", (json_int_t)json_array_size(added),
            "updated", (json_int_t)json_array_size(updated), "unchanged", (json_int_t)unchanged,
            "added_codes", added, "updated_codes", updated);
        if (rc == 0)
            rc = audit_append(ctx, "catalog_import", sha256, "import", NULL, summary, NULL, e);
        if (service_finish(ctx, rc, e) == 0) {
            json_object_del(summary, "added_codes");
            json_object_del(summary, "updated_codes");
            *out = summary;
        } else {
            json_decref(summary);
            rc = -1;
        }
    }
    for (size_t i = 0; i < s.count; i++)
        free(s.rows[i].description);
    free(s.rows);
    json_decref(s.problems.items);
    return rc;
}
