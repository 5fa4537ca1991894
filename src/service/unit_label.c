/*
 * unit_label.c - the label of a recorded unit (see unit_label.h): one read
 * of the unit with its product, collection and center, the refusals, the
 * stored values turned into a label_input, then label_make
 * (domain/label.h) and label_render (documents/label_render.h) as for typed
 * values.
 */
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/local_time.h"
#include "documents/label_render.h"
#include "domain/blood_unit.h"
#include "domain/isbt.h"
#include "service/unit.h"
#include "service/unit_label.h"

/* What the label is made of, copied out of the row. Texts longer than
 * their field are cut by snprintf; label_make then refuses them, which
 * unit_label_render reports as stored data it cannot encode. */
typedef struct {
    char din[ISBT_DIN_LENGTH + 2];
    char product_code[16];
    char donation_type[4];
    char division[8];
    char abo[4], rhd[4]; /* "" when not typed */
    char status[32];
    char expires_at[TIMESTAMP_TEXT_MAX + 1];
    char collected_at[TIMESTAMP_TEXT_MAX + 1];
    char description[1024]; /* products.description: up to 200 characters */
    char facility_name[512]; /* centers.name: up to 120 characters */
    char time_zone[TIME_ZONE_NAME_MAX]; /* the collection center's */
} unit_label_row;

static void column_copy(db_stmt *stmt, int column, char *out, size_t size)
{
    snprintf(out, size, "%s", db_column_is_null(stmt, column) ? "" : db_column_text(stmt, column));
}

/* The unit, its product's description, its collection's time and the
 * collection center's name, in one read snapshot. */
static int row_read(service_context *ctx, int64_t id, unit_label_row *row, err *e)
{
    db_stmt *stmt;
    if (db_begin_read(ctx->db, e))
        return -1;
    if (db_prepare(ctx->db,
                   "SELECT u.din, u.product_code, u.donation_type, u.division, u.abo, u.rhd, "
                   "u.status, u.expires_at, p.description, c.collected_at, f.name, f.time_zone "
                   "FROM units u JOIN products p ON p.code = u.product_code "
                   "JOIN collections c ON c.din = u.din JOIN centers f ON f.code = c.center "
                   "WHERE u.id = ?",
                   &stmt, e)) {
        db_rollback(ctx->db);
        return -1;
    }
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        column_copy(stmt, 0, row->din, sizeof row->din);
        column_copy(stmt, 1, row->product_code, sizeof row->product_code);
        column_copy(stmt, 2, row->donation_type, sizeof row->donation_type);
        column_copy(stmt, 3, row->division, sizeof row->division);
        column_copy(stmt, 4, row->abo, sizeof row->abo);
        column_copy(stmt, 5, row->rhd, sizeof row->rhd);
        column_copy(stmt, 6, row->status, sizeof row->status);
        column_copy(stmt, 7, row->expires_at, sizeof row->expires_at);
        column_copy(stmt, 8, row->description, sizeof row->description);
        column_copy(stmt, 9, row->collected_at, sizeof row->collected_at);
        column_copy(stmt, 10, row->facility_name, sizeof row->facility_name);
        column_copy(stmt, 11, row->time_zone, sizeof row->time_zone);
    }
    db_reset(stmt);
    db_rollback(ctx->db);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "unit", "no unit %lld", (long long)id);
    return step == DB_ROW ? 0 : -1;
}

/* Whether the unit may carry a label: not discarded, not expired (nor past
 * its expiry time, which the sweep has not marked yet). */
static int status_check(int64_t id, const unit_label_row *row, err *e)
{
    int status = blood_unit_status_parse(row->status);
    if (status == UNIT_DISCARDED || status == UNIT_EXPIRED)
        return err_set(e, ERR_CONFLICT, "status",
                       "unit %lld is %s: a unit that is %s is not labelled", (long long)id,
                       row->status, row->status);
    char now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    /* Stored timestamps compare as text, as the sweep compares them. */
    if (strcmp(row->expires_at, now) <= 0)
        return err_set(e, ERR_CONFLICT, "status", "unit %lld expired at %s%s: an outdated unit is "
                                                  "not labelled",
                       (long long)id, row->expires_at,
                       status >= 0 && blood_unit_status_in_inventory((blood_unit_status)status)
                           ? " (the expiry sweep has not marked it yet)"
                           : "");
    return 0;
}

/* The code of data structure 002 ("5100") for the stored typing (ABO "O",
 * "A", "B", "AB"; RhD "POS", "NEG": domain/testing.h), default intended
 * use, no phenotype information. */
static int group_code(int64_t id, const unit_label_row *row, char out[5], err *e)
{
    if (!row->abo[0])
        return err_set(e, ERR_CONFLICT, "abo",
                       "unit %lld has no ABO/RhD typing yet: it cannot be labelled until tested",
                       (long long)id);
    if (!row->rhd[0])
        return err_set(e, ERR_CONFLICT, "rhd",
                       "unit %lld has no RhD typing yet (ABO %s): it cannot be labelled until "
                       "tested",
                       (long long)id, row->abo);
    int abo = isbt_abo_parse(row->abo);
    int rhd = strcmp(row->rhd, "POS") == 0   ? ISBT_RHD_POSITIVE
              : strcmp(row->rhd, "NEG") == 0 ? ISBT_RHD_NEGATIVE
                                             : -1;
    isbt_blood_group group;
    if (abo < 0 || rhd < 0 ||
        isbt_blood_group_make((isbt_abo)abo, (isbt_rhd)rhd, ISBT_USE_DEFAULT, '0', &group, e))
        return err_set(e, ERR_INTERNAL, "abo",
                       "unit %lld is typed ABO '%s' RhD '%s', which has no ISBT 128 group code",
                       (long long)id, row->abo, row->rhd);
    snprintf(out, 5, "%c%c%c%c", group.code[0], group.code[1], group.phenotype, group.reserved);
    return 0;
}

/* "YYYY-MM-DDTHH:MM" of a stored UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" on
 * the clock of `zone`: a label shows the facility's local time, to the
 * minute. The text as it is when it is not one, for label_make to
 * refuse. */
static void minutes_of(const char *timestamp, const char *zone, char *out, size_t size)
{
    int64_t at;
    local_time t;
    char date[DATE_TEXT_MAX];
    if (timestamp_parse(timestamp, &at, NULL, NULL) || local_time_of(zone, at, &t, NULL)) {
        snprintf(out, size, "%s", timestamp);
        return;
    }
    snprintf(out, size, "%sT%02d:%02d", date_format(t.date, date, sizeof date), t.hour, t.minute);
}

/* `text` in at most `max` bytes: as it is when it fits, else cut at a
 * character boundary (and a space before it dropped) and ended with an
 * ellipsis. */
static void fit_text(const char *text, size_t max, char *out, size_t size)
{
    static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026, 3 bytes */
    size_t length = strlen(text);
    if (length <= max) {
        snprintf(out, size, "%s", text);
        return;
    }
    size_t cut = max - (sizeof ellipsis - 1);
    while (cut > 0 && ((unsigned char)text[cut] & 0xc0) == 0x80)
        cut--; /* text[cut] starts a character: keep what is before it */
    while (cut > 0 && text[cut - 1] == ' ')
        cut--;
    snprintf(out, size, "%.*s%s", (int)cut, text, ellipsis);
}

int unit_label_render(service_context *ctx, const char *id_text, label_format format, int dpi,
                      buffer *document, json_t **out, err *e)
{
    int64_t id = 0;
    unit_label_row row;
    char group[5];
    if (unit_id_take(id_text, &id, e) || unit_scope_check(ctx, id, e) ||
        row_read(ctx, id, &row, e) || status_check(id, &row, e) || group_code(id, &row, group, e))
        return -1;

    char expires[TIMESTAMP_TEXT_MAX], collected[TIMESTAMP_TEXT_MAX];
    char description[LABEL_DESCRIPTION_MAX + 1], facility_name[LABEL_FACILITY_MAX + 1];
    minutes_of(row.expires_at, row.time_zone, expires, sizeof expires);
    minutes_of(row.collected_at, row.time_zone, collected, sizeof collected);
    fit_text(row.description, LABEL_DESCRIPTION_MAX, description, sizeof description);
    fit_text(row.facility_name, LABEL_FACILITY_MAX, facility_name, sizeof facility_name);
    label_input input = {
        .din = row.din,
        .flags = "00",
        .group = group,
        .product = row.product_code,
        .donation_type = row.donation_type,
        .divisions = row.division,
        .expires = expires,
        .collected = collected,
        .description = description,
        .facility_name = facility_name,
    };
    /* The label is large (its texts): not on a worker thread's stack. */
    label *l = malloc(sizeof *l);
    if (!l)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    if (label_make(&input, l, e)) {
        /* What was stored could not be encoded: a defect, not bad input. */
        err stored = *e;
        free(l);
        return err_set(e, ERR_INTERNAL, stored.field, "unit %lld: the stored %s cannot go on a "
                                                      "label: %s",
                       (long long)id, stored.field, stored.message);
    }
    size_t before = document->length;
    if (label_render(l, format, dpi, document, e)) {
        free(l);
        return -1;
    }
    if (out) {
        static const char *const keys[] = {"din_data", "group_data", "product_data",
                                           "expiry_data"};
        char eye_readable[ISBT_EYE_READABLE_MAX], data[ISBT_STRUCTURE_TEXT_MAX];
        char file_name[ISBT_DIN_LENGTH + sizeof row.product_code + sizeof row.division + 8];
        snprintf(file_name, sizeof file_name, "%s-%s-%s.%s", row.din, row.product_code,
                 row.division, label_format_name(format));
        json_t *result = json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "unit", (json_int_t)id, "din",
            row.din, "eye_readable",
            isbt_din_eye_readable(&l->din.din, eye_readable, sizeof eye_readable), "product_code",
            row.product_code, "division", row.division, "status", row.status, "format",
            label_format_name(format), "content_type", label_format_content_type(format),
            "file_name", file_name, "bytes", (json_int_t)(document->length - before));
        for (int i = 0; i < 4; i++) {
            label_barcode_data(l, i, data, sizeof data);
            json_object_set_new(result, keys[i], json_string(data));
        }
        *out = result;
    }
    free(l);
    return 0;
}
