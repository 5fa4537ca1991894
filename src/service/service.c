/*
 * service.c - the shared mechanics of use cases (see service.h).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/csv.h"
#include "base/date.h"
#include "base/money.h"
#include "base/utf8.h"
#include "domain/registry.h"
#include "service/service.h"

void service_actor_local(service_actor *actor)
{
    const char *login = getenv("USER");
    if (!login || !*login) {
        struct passwd *entry = getpwuid(geteuid());
        login = entry ? entry->pw_name : "unknown";
    }
    memset(actor, 0, sizeof *actor);
    snprintf(actor->username, sizeof actor->username, "cli:%s", login);
    actor->roles = ROLES_ALL;
}

int service_begin(service_context *ctx, err *e) { return db_begin(ctx->db, e); }

int service_finish_record(service_context *ctx, int status, json_t *before, json_t *after,
                          json_t **out, err *e)
{
    json_decref(before);
    if (service_finish(ctx, status, e)) {
        json_decref(after);
        return -1;
    }
    *out = after;
    return 0;
}

int service_finish(service_context *ctx, int status, err *e)
{
    if (status != 0) {
        db_rollback(ctx->db);
        return -1;
    }
    return db_commit(ctx->db, e);
}

int service_page_check(service_page *page, err *e)
{
    if (page->limit == 0)
        page->limit = SERVICE_PAGE_DEFAULT;
    if (page->limit < 1 || page->limit > SERVICE_PAGE_MAX)
        return err_set(e, ERR_INVALID, "limit", "must be from 1 to %d", SERVICE_PAGE_MAX);
    if (page->offset < 0 || page->offset > SERVICE_OFFSET_MAX)
        return err_set(e, ERR_INVALID, "offset", "must be from 0 to %d", SERVICE_OFFSET_MAX);
    return 0;
}

json_t *service_page_result(json_t *items, const service_page *page, const char *key_field)
{
    json_t *next = json_null();
    size_t count = json_array_size(items);
    if (page->limit > 0 && count == (size_t)page->limit) {
        json_t *key = json_object_get(json_array_get(items, count - 1), key_field);
        if (key)
            next = json_incref(key);
    }
    return json_pack("{s:o, s:o}", "items", items, "next_after", next);
}

int service_collect_rows(db_stmt *stmt, json_t *(*build)(db_stmt *), json_t **out, err *e)
{
    json_t *items = json_array();
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW)
        json_array_append_new(items, build(stmt));
    db_reset(stmt);
    if (step == DB_FAILED) {
        json_decref(items);
        return -1;
    }
    *out = items;
    return 0;
}

int service_collect_rows_of(db_conn *db, const char *sql, int64_t id,
                            json_t *(*build)(db_stmt *), json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, sql, &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    return service_collect_rows(stmt, build, out, e);
}

int service_id_find(db_conn *db, const char *sql, const char *key, int64_t *id, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, sql, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, key);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        *id = db_column_int64(stmt, 0);
    db_reset(stmt);
    return step == DB_ROW ? 0 : step == DB_DONE ? 1 : -1;
}

json_t *service_row_object(db_stmt *stmt, const service_column *columns, size_t count)
{
    json_t *object = json_object();
    for (size_t i = 0; i < count; i++) {
        int column = (int)i;
        const char *text = db_column_is_null(stmt, column) ? NULL : db_column_text(stmt, column);
        json_t *value;
        if (columns[i].kind == SERVICE_COLUMN_INTEGER)
            value = json_integer((json_int_t)db_column_int64(stmt, column));
        else
            value = text ? json_string(text) : json_null();
        json_object_set_new(object, columns[i].key, value);
    }
    return object;
}

/* The columns of the current row as members of an open object. */
static void row_members_write(json_writer *w, db_stmt *stmt, const service_column *columns,
                              size_t count)
{
    for (size_t i = 0; i < count; i++) {
        int column = (int)i;
        if (columns[i].kind == SERVICE_COLUMN_INTEGER)
            json_write_integer(w, columns[i].key, db_column_int64(stmt, column));
        else
            json_write_string(w, columns[i].key,
                              db_column_is_null(stmt, column) ? NULL
                                                              : db_column_text(stmt, column));
    }
}

int service_rows_write(json_writer *w, const char *key, db_stmt *stmt,
                       const service_column *columns, size_t count, err *e)
{
    return service_rows_write_with(w, key, stmt, columns, count, NULL, NULL, e);
}

int service_rows_write_with(json_writer *w, const char *key, db_stmt *stmt,
                            const service_column *columns, size_t count,
                            void (*more)(json_writer *, db_stmt *, void *), void *data, err *e)
{
    json_write_array_begin(w, key);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        json_write_object_begin(w, NULL);
        row_members_write(w, stmt, columns, count);
        if (more)
            more(w, stmt, data);
        json_write_object_end(w);
    }
    db_reset(stmt);
    json_write_array_end(w);
    return step == DB_FAILED ? -1 : 0;
}

/* service_collect_page's `build` (data points to it) called through
 * service_collect_page_with. */
static json_t *build_plain(db_stmt *stmt, void *data)
{
    json_t *(*const *build)(db_stmt *) = data;
    return (*build)(stmt);
}

int service_collect_page(db_stmt *stmt, json_t *(*build)(db_stmt *), const service_page *page,
                         const char *key_field, json_t **out, err *e)
{
    return service_collect_page_with(stmt, build_plain, &build, page, key_field, out, e);
}

int service_collect_page_with(db_stmt *stmt, json_t *(*build)(db_stmt *, void *), void *data,
                              const service_page *page, const char *key_field, json_t **out,
                              err *e)
{
    /* A sorted list's SELECT ends with SERVICE_TOTAL_COLUMN: every row
     * carries the count of all matching rows (the columns are known once a
     * row is there: PostgreSQL runs the query at the first step). */
    int counted = service_page_sorted(page);
    json_int_t total = 0;
    json_t *items = json_array();
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (counted && json_array_size(items) == 0) {
            int last = db_column_count(stmt) - 1;
            if (last < 0 || strcmp(db_column_name(stmt, last), "total_rows") != 0) {
                db_reset(stmt);
                json_decref(items);
                return err_set(e, ERR_INTERNAL, NULL, "a sorted list's query does not count its rows");
            }
            total = (json_int_t)db_column_int64(stmt, last);
        }
        json_array_append_new(items, build(stmt, data));
    }
    db_reset(stmt);
    if (step == DB_FAILED) {
        json_decref(items);
        return -1;
    }
    if (!counted) {
        *out = service_page_result(items, page, key_field);
        return 0;
    }
    /* Past the last page there is no row to carry the count: 0 then. */
    *out = json_pack("{s:o, s:n, s:I}", "items", items, "next_after", "total", total);
    return 0;
}

int service_page_sorted(const service_page *page)
{
    return (page->sort && *page->sort) || page->offset > 0 || page->counted;
}

int service_order_by(const service_page *page, const service_sort_key *keys, size_t count,
                     const char *default_order, const char *tiebreak,
                     char out[SERVICE_ORDER_MAX], err *e)
{
    const char *sort = page->sort && *page->sort ? page->sort : NULL;
    if (page->after && *page->after && (sort || page->offset > 0 || page->counted))
        return err_set(e, ERR_INVALID, "after", "cannot be combined with sort or offset");
    if (!sort) {
        snprintf(out, SERVICE_ORDER_MAX, "%s", default_order);
        return 0;
    }
    int descending = sort[0] == '-';
    const char *name = descending ? sort + 1 : sort;
    for (size_t i = 0; i < count; i++) {
        if (strcmp(keys[i].name, name) == 0) {
            int length = snprintf(out, SERVICE_ORDER_MAX, "%s %s, %s", keys[i].sql,
                                  descending ? "DESC" : "ASC", tiebreak);
            if (length < 0 || length >= SERVICE_ORDER_MAX)
                return err_set(e, ERR_INTERNAL, NULL, "the order of %s is too long", name);
            return 0;
        }
    }
    char known[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < count && used < sizeof known; i++)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                 keys[i].name);
    return err_set(e, ERR_INVALID, "sort", "must be one of %s (with - before it for descending)",
                   known);
}

int service_list_prepare(db_conn *db, const char *sql, const service_page *page,
                         const service_sort *sort, db_stmt **stmt, err *e)
{
    char order[SERVICE_ORDER_MAX], text[8192];
    if (service_order_by(page, sort->keys, sort->count, sort->default_order, sort->tiebreak, order,
                         e))
        return -1;
    int length = snprintf(text, sizeof text, sql,
                          service_page_sorted(page) ? ", " SERVICE_TOTAL_COLUMN : "", order);
    if (length < 0 || (size_t)length >= sizeof text)
        return err_set(e, ERR_INTERNAL, NULL, "a list's query is too long");
    return db_prepare(db, text, stmt, e);
}

int service_number_take(const char *text, long min, long max, long *out, const char *field,
                        err *e)
{
    char *end = NULL;
    errno = 0;
    /* Digits only, a minus sign before them at most: strtol alone would
     * also take leading spaces and a plus sign. */
    const char *digits = text && *text == '-' ? text + 1 : text;
    int plain = digits && *digits >= '0' && *digits <= '9';
    long value = plain ? strtol(text, &end, 10) : 0;
    if (!plain || *end || errno || value < min || value > max)
        return err_set(e, ERR_INVALID, field, "must be a whole number from %ld to %ld", min, max);
    *out = value;
    return 0;
}

int service_page_after_id(const service_page *page, int64_t *after, err *e)
{
    long value = 0;
    *after = 0;
    if (!page->after || !*page->after)
        return 0;
    if (service_number_take(page->after, 0, LONG_MAX, &value, "after", e))
        return -1;
    *after = value;
    return 0;
}

/* A day filter: "" or a date, copied into `out` as YYYY-MM-DD. */
int service_date_take(const char *text, civil_day *day, const char *field, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required (YYYY-MM-DD)");
    return date_parse(text, day, field, e);
}

int service_day_range_take(const char *from, const char *to, service_day_range *out, err *e)
{
    civil_day from_day = 0, to_day = 0;
    memset(out, 0, sizeof *out);
    if ((from && *from && date_parse(from, &from_day, "from", e)) ||
        (to && *to && date_parse(to, &to_day, "to", e)))
        return -1;
    if (from && *from) {
        date_format(from_day, out->from, sizeof out->from);
        timestamp_format((int64_t)date_add_days(from_day, -1) * 86400, out->window_from,
                         sizeof out->window_from);
    }
    if (to && *to) {
        date_format(to_day, out->to, sizeof out->to);
        timestamp_format((int64_t)date_add_days(to_day, 2) * 86400, out->window_to,
                         sizeof out->window_to);
    }
    if (*out->from && *out->to && to_day < from_day)
        return err_set(e, ERR_INVALID, "to", "must not be before from (%s)", out->from);
    return 0;
}

int service_code_filter_take(const char *text, char *out, const char *field, err *e)
{
    out[0] = '\0';
    if (!text || !*text)
        return 0;
    if (strlen(text) > REGISTRY_CODE_MAX + 4)
        return err_set(e, ERR_INVALID, field, "no donor center '%.20s...'", text);
    snprintf(out, REGISTRY_CODE_MAX + 8, "%s", text);
    service_normalize_code(out);
    return registry_code_check(out, field, e);
}

int service_id_take(const char *text, int64_t *id, const char *field, err *e)
{
    long value;
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required");
    if (service_number_take(text, 1, 2000000000L, &value, field, e))
        return -1;
    *id = value;
    return 0;
}

json_t *service_money_json(int64_t cents)
{
    char text[MONEY_TEXT_MAX];
    return json_string(money_format(cents, MONEY_PLAIN, text, sizeof text));
}

const char *service_now_text(char *out)
{
    return timestamp_format(timestamp_now(), out, TIMESTAMP_TEXT_MAX);
}

int service_like_pattern(const char *search, char *out, size_t size, const char *field, err *e)
{
    out[0] = '\0';
    if (!search || !*search)
        return 0;
    if (strlen(search) > 100)
        return err_set(e, ERR_INVALID, field, "must be at most 100 characters");
    size_t used = 0;
    out[used++] = '%';
    for (const char *p = search; *p && used + 3 < size; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            out[used++] = '\\';
        out[used++] = *p;
    }
    out[used++] = '%';
    out[used] = '\0';
    return 0;
}

void service_normalize_code(char *code)
{
    if (!code)
        return;
    size_t start = 0, length = strlen(code);
    while (start < length && isspace((unsigned char)code[start]))
        start++;
    while (length > start && isspace((unsigned char)code[length - 1]))
        length--;
    memmove(code, code + start, length - start);
    code[length - start] = '\0';
    for (char *p = code; *p; p++)
        *p = (char)toupper((unsigned char)*p);
}

json_t *service_json_text(const char *text) { return text ? json_string(text) : json_null(); }

char *service_tenths_format(int64_t tenths, char out[SERVICE_TENTHS_TEXT_MAX])
{
    uint64_t magnitude = tenths < 0 ? (uint64_t)0 - (uint64_t)tenths : (uint64_t)tenths;
    snprintf(out, SERVICE_TENTHS_TEXT_MAX, "%s%llu.%llu", tenths < 0 ? "-" : "",
             (unsigned long long)(magnitude / 10), (unsigned long long)(magnitude % 10));
    return out;
}

void service_file_lines_open(service_file_lines *lines, FILE *file, const char *header,
                             service_problems *problems)
{
    memset(lines, 0, sizeof *lines);
    lines->file = file;
    lines->header = header;
    lines->problems = problems;
    crypto_hash_sha256_init(&lines->hash);
}

/* The name of field `index` (0-based) of the header "a,b,c": "b". */
static void header_field_name(const char *header, int index, char *out, size_t size)
{
    const char *p = header;
    for (int i = 0; i < index && p; i++) {
        p = strchr(p, ',');
        if (p)
            p++;
    }
    if (!p) {
        snprintf(out, size, "field %d", index + 1);
        return;
    }
    size_t length = strcspn(p, ",");
    snprintf(out, size, "%.*s", (int)(length < size ? length : size - 1), p);
}

int service_file_lines_next(service_file_lines *lines)
{
    for (;;) {
        ssize_t length = getline(&lines->text, &lines->capacity, lines->file);
        if (length < 0)
            return 0;
        crypto_hash_sha256_update(&lines->hash, (const unsigned char *)lines->text,
                                  (unsigned long long)length);
        lines->number++;
        int field;
        const char *flaw = csv_line_flaw(lines->text, (size_t)length, &field);
        if (!flaw)
            break;
        char name[64];
        header_field_name(lines->header ? lines->header : "", field, name, sizeof name);
        service_problem(lines->problems, lines->number, name,
                        "%s (in field %d, %s): the file must be plain UTF-8 text", flaw,
                        field + 1, name);
    }
    csv_chomp(lines->text);
    lines->line = lines->text;
    if (lines->number == 1 && strncmp(lines->text, "\xEF\xBB\xBF", 3) == 0)
        lines->line += 3; /* a byte order mark */
    return 1;
}

int service_file_data_next(service_file_lines *lines)
{
    while (service_file_lines_next(lines)) {
        const char *line = lines->line;
        if (!*line || line[0] == '#')
            continue; /* blank lines and comments */
        if (lines->header_seen)
            return 1;
        lines->header_seen = 1;
        if (strcmp(line, lines->header) != 0)
            service_problem(lines->problems, lines->number, "header",
                            "the first line that is not a comment must be exactly: %s",
                            lines->header);
    }
    if (!lines->header_seen)
        service_problem(lines->problems, lines->number ? lines->number : 1, "header",
                        "the file holds no header; it must be: %s", lines->header);
    return 0;
}

int service_file_lines_close(service_file_lines *lines, char sha256_hex[SERVICE_SHA256_HEX_SIZE],
                             err *e)
{
    int failed = ferror(lines->file);
    free(lines->text);
    lines->text = lines->line = NULL;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&lines->hash, digest);
    sodium_bin2hex(sha256_hex, SERVICE_SHA256_HEX_SIZE, digest, sizeof digest);
    return failed ? err_set(e, ERR_INVALID, "file", "could not be read to its end") : 0;
}

static void problem_add(service_problems *problems, long line, const char *field,
                        const char *fmt, va_list args)
{
    problems->count++;
    if (json_array_size(problems->items) >= problems->max)
        return;
    char message[300];
    vsnprintf(message, sizeof message, fmt, args);
    utf8_repair(message); /* a value quoted by "%.40s" may end mid-character */
    json_array_append_new(problems->items, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)line,
                                                     "field", field, "message", message));
}

void service_problem(service_problems *problems, long line, const char *field, const char *fmt,
                     ...)
{
    va_list args;
    va_start(args, fmt);
    problem_add(problems, line, field, fmt, args);
    va_end(args);
}

void service_problem_alone(service_problems *problems, long line, const char *field,
                           const char *fmt, ...)
{
    json_array_clear(problems->items);
    problems->count = 0;
    va_list args;
    va_start(args, fmt);
    problem_add(problems, line, field, fmt, args);
    va_end(args);
}

int service_problems_fail(const service_problems *problems, err *e)
{
    json_t *first = json_array_get(problems->items, 0);
    return err_set(e, ERR_INVALID, json_string_value(json_object_get(first, "field")),
                   "line %" JSON_INTEGER_FORMAT ": %s (%ld problem%s in all; nothing was imported)",
                   json_integer_value(json_object_get(first, "line")),
                   json_string_value(json_object_get(first, "message")), problems->count,
                   problems->count == 1 ? "" : "s");
}

/* --- scope ------------------------------------------------------------------ */

int service_limited_to_centers(const service_context *ctx)
{
    return capability_limits_centers(ctx->actor.roles);
}

int service_bind_scope(db_stmt *stmt, int index, int count, const service_context *ctx)
{
    db_bind_int64(stmt, index++, service_limited_to_centers(ctx));
    for (int i = 1; i < count; i++)
        db_bind_int64(stmt, index++, ctx->actor.user_id);
    return index;
}

int service_limited_to_markets(const service_context *ctx)
{
    return capability_limits_markets(ctx->actor.roles);
}

void service_bind_market_scope(db_stmt *stmt, int limited, int user, const service_context *ctx)
{
    db_bind_int64(stmt, limited, service_limited_to_markets(ctx));
    db_bind_int64(stmt, user, ctx->actor.user_id);
}

int service_fetch_one(db_stmt *stmt, json_t *(*build)(db_stmt *), json_t **out, const char *field,
                      err *e, const char *fmt, ...)
{
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        *out = build(stmt);
    db_reset(stmt);
    if (step == DB_DONE) {
        char message[ERR_MESSAGE_MAX];
        va_list args;
        va_start(args, fmt);
        vsnprintf(message, sizeof message, fmt, args);
        va_end(args);
        return err_set(e, ERR_NOT_FOUND, field, "%s", message);
    }
    return step == DB_ROW ? 0 : -1;
}

int service_row_exists(db_stmt *stmt, err *e)
{
    db_step_result step = db_step(stmt, e);
    db_reset(stmt);
    return step == DB_FAILED ? -1 : step == DB_ROW;
}

int service_center_visible(service_context *ctx, const char *code, err *e)
{
    if (!service_limited_to_centers(ctx))
        return 1;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT 1 FROM user_centers su JOIN centers sc ON sc.id = su.center_id "
                   "WHERE su.user_id = ? AND sc.code = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, ctx->actor.user_id);
    db_bind_text(stmt, 2, code);
    return service_row_exists(stmt, e);
}

int service_donor_visible(service_context *ctx, int64_t donor_id, err *e)
{
    if (!service_limited_to_centers(ctx))
        return 1;
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT 1 FROM donors d WHERE d.id = ? AND " SERVICE_DONOR_SCOPE("d"),
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, donor_id);
    service_bind_scope(stmt, 2, 3, ctx);
    return service_row_exists(stmt, e);
}

int service_center_found(service_context *ctx, const char *code, const char *field,
                         const char *message, err *e)
{
    int visible = service_center_visible(ctx, code, e);
    if (visible < 0)
        return -1;
    return visible ? 0 : err_set(e, ERR_NOT_FOUND, field, "%s", message);
}

int service_only_center(service_context *ctx, char *code, const char *field, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT sc.code FROM user_centers su JOIN centers sc ON sc.id = su.center_id "
                   "WHERE su.user_id = ? ORDER BY sc.code LIMIT 2",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, ctx->actor.user_id);
    int found = 0;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW)
        if (found++ == 0)
            snprintf(code, REGISTRY_CODE_MAX + 8, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (found == 1)
        return 0;
    return err_set(e, ERR_INVALID, field,
                   found ? "is required: the donor center, one of those you are assigned to"
                         : "is required: you are assigned to no donor center yet (an "
                           "administrator assigns centers: bloodops user scope)");
}

int service_center_allowed(service_context *ctx, const char *code, const char *field, err *e)
{
    int visible = service_center_visible(ctx, code, e);
    if (visible < 0)
        return -1;
    if (visible)
        return 0;
    /* A center that does not exist is the caller's to refuse, as invalid. */
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT 1 FROM centers WHERE code = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    int exists = service_row_exists(stmt, e);
    if (exists <= 0)
        return exists;
    return err_set(e, ERR_FORBIDDEN, field,
                   "you are not assigned to the donor center %s: an administrator assigns "
                   "centers (bloodops user scope)",
                   code);
}
