/*
 * service.h - what every use case shares: who is acting, on which database,
 * inside which transaction, and how list pages are asked for.
 *
 * A public service function is one use case and one transaction: it
 * validates its input, begins, reads and writes, appends the audit record
 * (audit.h), and commits; on any failure it rolls back everything and
 * returns -1 with an err naming the field at fault. Services never print
 * and never know about HTTP or the command line; they return jansson
 * objects, which the CLI renders as a table, JSON or CSV and the HTTP layer
 * sends as they are, so both always show the same thing.
 */
#ifndef BLOODOPS_SERVICE_SERVICE_H
#define BLOODOPS_SERVICE_SERVICE_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include <sodium.h>
#include "base/date.h"
#include "base/error.h"
#include "base/json_writer.h"
#include "domain/capability.h"
#include "store/db.h"

enum { SERVICE_USERNAME_MAX = 64 };

/* At most this many centers (or markets) are assigned to one user. */
enum { SERVICE_SCOPE_MAX = 64 };

typedef struct {
    int64_t user_id; /* 0 for the local command line and the system itself */
    char username[SERVICE_USERNAME_MAX]; /* the actor recorded in the audit trail */
    role_set roles;
} service_actor;

typedef struct {
    db_conn *db;
    service_actor actor;
} service_context;

/* The actor for commands run on the machine that holds the database: whoever
 * can open the database file is its operator ("cli:<login name>"). */
void service_actor_local(service_actor *actor);

/* Begin a write transaction; service_finish commits when status is 0 and
 * rolls back otherwise, and returns the final status. */
int service_begin(service_context *ctx, err *e);
int service_finish(service_context *ctx, int status, err *e);
/* How a use case that changed a record ends: frees `before`, finishes the
 * transaction with `status` and answers `after` in *out when it committed
 * (freed otherwise). Returns the final status. */
int service_finish_record(service_context *ctx, int status, json_t *before, json_t *after,
                          json_t **out, err *e);

/* A page of a list: at most `limit` items after the key `after` (NULL for
 * the first page). Lists answer {"items": [...], "next_after": key|null}.
 * Lists that sort by a column (service_order_by) also take `sort` (a
 * column's name, "-name" for descending; NULL: the list's own order) and
 * `offset` (rows to skip), and answer "total", the rows that match. */
typedef struct {
    int limit;
    const char *after;
    const char *sort;
    long offset;
    int counted; /* an offset was given (even 0): answer "total" */
} service_page;

/* One column a list can be sorted by: the name clients give and the SQL
 * expression it sorts (a constant of the list, never client text). */
typedef struct {
    const char *name;
    const char *sql;
} service_sort_key;

enum { SERVICE_ORDER_MAX = 1024 };

/* The ORDER BY clause (without the words) for page->sort among `keys`:
 * "expr ASC|DESC, tiebreak", or `default_order` when no sort is asked.
 * Refuses an unknown column naming "sort", and `after` with a sort or an
 * offset naming "after" (keyset pages follow the list's own order only). */
int service_order_by(const service_page *page, const service_sort_key *keys, size_t count,
                     const char *default_order, const char *tiebreak,
                     char out[SERVICE_ORDER_MAX], err *e);

/* 1 when the page is asked sorted or with an offset: its SELECT then ends
 * with SERVICE_TOTAL_COLUMN, the count of every matching row beside each
 * row, which service_collect_page answers as "total". */
int service_page_sorted(const service_page *page);
#define SERVICE_TOTAL_COLUMN "COUNT(*) OVER () AS total_rows"

/* How a list sorts: the columns it sorts by (`keys`, `count` of them), its
 * own order when no sort is asked (the order `after` pages in) and the
 * tie-break that keeps pages from overlapping. */
typedef struct {
    const service_sort_key *keys;
    size_t count;
    const char *default_order, *tiebreak;
} service_sort;
#define SERVICE_SORT(keys, default_order, tiebreak)                                               \
    {keys, sizeof keys / sizeof keys[0], default_order, tiebreak}

/* Prepare a list's SELECT from `sql`, a printf format with two %s: the
 * first right after the last selected column, where ", "
 * SERVICE_TOTAL_COLUMN goes when the page is sorted (nothing otherwise),
 * the second the ORDER BY service_order_by picks. The statement's own
 * parameters are bound by the caller. Errors as service_order_by. */
int service_list_prepare(db_conn *db, const char *sql, const service_page *page,
                         const service_sort *sort, db_stmt **stmt, err *e);

enum { SERVICE_PAGE_DEFAULT = 50, SERVICE_PAGE_MAX = 500, SERVICE_OFFSET_MAX = 10000000 };

/* Check limit (1..500) and offset (0..10,000,000) and fill defaults. */
int service_page_check(service_page *page, err *e);

/* Build the {"items", "next_after"} envelope: `items` is stolen; when the
 * page is full, next_after is `key_field` of the last item. */
json_t *service_page_result(json_t *items, const service_page *page, const char *key_field);

/* Step `stmt` to the end, turning each row into an item with `build`, into
 * a new array *out. The statement is reset. */
int service_collect_rows(db_stmt *stmt, json_t *(*build)(db_stmt *), json_t **out, err *e);
/* The same for `sql` with one integer parameter, `id` (a record's lines,
 * say). */
int service_collect_rows_of(db_conn *db, const char *sql, int64_t id,
                            json_t *(*build)(db_stmt *), json_t **out, err *e);

/* The id of the one row `sql` (a SELECT of one id column, one parameter)
 * finds for `key`: 0 and *id when found, 1 when there is none (e left
 * alone, for the caller to say what was not found), -1 on a database
 * error. */
int service_id_find(db_conn *db, const char *sql, const char *key, int64_t *id, err *e);

/* Fetch one row or not found: step `stmt` (prepared, its parameters bound)
 * once; *out = build(stmt) when there is a row, else ERR_NOT_FOUND naming
 * `field` with the message `fmt`. Resets the statement. */
int service_fetch_one(db_stmt *stmt, json_t *(*build)(db_stmt *), json_t **out, const char *field,
                      err *e, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* 1 when `stmt` (prepared, bound) finds a row, 0 when not, -1 when it
 * fails; resets the statement. */
int service_row_exists(db_stmt *stmt, err *e);

/* Scope (domain/capability.h, "Scope"): a user whose roles limit them to
 * the centers assigned to them (user_centers) sees and changes only those
 * centers' donors, collections, units and inventory. It is read in SQL, as
 * it stands when the statement runs:
 *   SERVICE_CENTER_SCOPE(column): true when the center code in `column` is
 *     one of the user's, or the user is not limited; two parameters;
 *   SERVICE_DONOR_SCOPE(alias): true when the donor (`alias` of the donors
 *     table) has a home center of the user's or gave at one of them, or the
 *     user is not limited; three parameters.
 * service_bind_scope binds the `count` parameters of either from `index`
 * and answers the index after them. */
#define SERVICE_SCOPE_CENTERS                                                                      \
    "(SELECT scope_center.code FROM user_centers scope_user JOIN centers scope_center "           \
    "ON scope_center.id = scope_user.center_id WHERE scope_user.user_id = ?)"
#define SERVICE_CENTER_SCOPE(column) "(? = 0 OR " column " IN " SERVICE_SCOPE_CENTERS ")"
#define SERVICE_DONOR_SCOPE(donor)                                                                 \
    "(? = 0 OR " donor ".home_center IN " SERVICE_SCOPE_CENTERS " OR EXISTS (SELECT 1 FROM "       \
    "collections scope_given WHERE scope_given.donor_id = " donor ".id AND scope_given.center IN " \
    SERVICE_SCOPE_CENTERS "))"
int service_bind_scope(db_stmt *stmt, int index, int count, const service_context *ctx);

/* The market scope: an apheresis nurse limited to the markets assigned to
 * them (user_markets) sees and changes only the records of those markets'
 * hospitals. SERVICE_MARKET_SCOPE(column, limited, user) is true when the
 * market id in `column` is one of the user's, or the user is not limited:
 * `limited` and `user` are the statement's placeholders ("?6", "?7") that
 * service_limited_to_markets() and the actor's user id are bound to. A
 * hospital without a market is within no limited user's scope. */
#define SERVICE_MARKET_SCOPE(column, limited, user)                                                \
    "(" limited " = 0 OR " column " IN (SELECT scope_market.market_id FROM user_markets "          \
    "scope_market WHERE scope_market.user_id = " user "))"
/* 1 when the acting user is limited to their markets. */
int service_limited_to_markets(const service_context *ctx);
/* Bind the two placeholders of SERVICE_MARKET_SCOPE at `limited` and
 * `user`. */
void service_bind_market_scope(db_stmt *stmt, int limited, int user, const service_context *ctx);

/* The group of the `abo` and `rhd` columns as testing_group_text writes it
 * ("O POS", "AB", "NEG", "untyped"), in SQL: what a group filter
 * (testing_group_take) is compared with, and a list sorts by. */
#define SERVICE_GROUP_TEXT(abo, rhd)                                                               \
    "(CASE WHEN " abo " IS NOT NULL AND " rhd " IS NOT NULL THEN " abo " || ' ' || " rhd          \
    " WHEN " abo " IS NOT NULL THEN " abo " WHEN " rhd " IS NOT NULL THEN " rhd                   \
    " ELSE 'untyped' END)"
/* 1 when the acting user is limited to their centers. */
int service_limited_to_centers(const service_context *ctx);
/* 0 when the acting user may work at the center `code` (or no center has
 * that code: the caller refuses it as invalid); ERR_FORBIDDEN naming
 * `field` otherwise. */
int service_center_allowed(service_context *ctx, const char *code, const char *field, err *e);
/* 1 when a record of the center `code` is within the acting user's scope
 * (always for a user not limited); -1 when the check fails. */
int service_center_visible(service_context *ctx, const char *code, err *e);
/* The same for a donor (SERVICE_DONOR_SCOPE). */
int service_donor_visible(service_context *ctx, int64_t donor_id, err *e);
/* The code of the one center a limited user is assigned to, into `code`
 * (REGISTRY_CODE_MAX + 8 bytes); ERR_INVALID naming `field` ("is
 * required") when they are assigned several or none. */
int service_only_center(service_context *ctx, char *code, const char *field, err *e);
/* 0 when a record of the center `code` is within the acting user's scope;
 * otherwise ERR_NOT_FOUND naming `field` with `message` (the record's own
 * "not found": a record out of scope looks like one that is not there). */
int service_center_found(service_context *ctx, const char *code, const char *field,
                         const char *message, err *e);

/* A result column and the member it becomes: the row's columns 0, 1, ...
 * in the order of a table of these. A NULL text column becomes null. */
typedef enum { SERVICE_COLUMN_TEXT, SERVICE_COLUMN_INTEGER } service_column_kind;
typedef struct {
    const char *key;
    service_column_kind kind;
} service_column;

/* The current row of `stmt` as a new object of `count` columns. */
json_t *service_row_object(db_stmt *stmt, const service_column *columns, size_t count);

/* Step `stmt` to the end and write `"key":[{row}, ...]` into an open JSON
 * object (the rows as service_row_object makes them, as text: the hot read
 * paths answer without building a jansson tree). The statement is reset. */
int service_rows_write(json_writer *w, const char *key, db_stmt *stmt,
                       const service_column *columns, size_t count, err *e);
/* The same, more(w, stmt, data) adding members to each row's object after
 * its columns. */
int service_rows_write_with(json_writer *w, const char *key, db_stmt *stmt,
                            const service_column *columns, size_t count,
                            void (*more)(json_writer *, db_stmt *, void *), void *data, err *e);

/* Step `stmt` to the end, turning each row into an item with `build`, and
 * answer the page envelope keyed by `key_field`. The statement is reset. */
int service_collect_page(db_stmt *stmt, json_t *(*build)(db_stmt *), const service_page *page,
                         const char *key_field, json_t **out, err *e);
/* The same, each row built by build(stmt, data). */
int service_collect_page_with(db_stmt *stmt, json_t *(*build)(db_stmt *, void *), void *data,
                              const service_page *page, const char *key_field, json_t **out,
                              err *e);

/* Turn a search text into a LIKE pattern matching it as a plain substring:
 * '%', '_' and '\\' are escaped (use `LIKE ? ESCAPE '\\'`). ERR_INVALID
 * naming `field` when longer than 100 characters. "" stays "" (no filter). */
int service_like_pattern(const char *search, char *out, size_t size, const char *field, err *e);

/* A whole number from its decimal text (digits, a minus sign before them
 * at most: no spaces, no plus sign) within min..max: ERR_INVALID naming
 * `field` ("must be a whole number from MIN to MAX") when it is not. */
int service_number_take(const char *text, long min, long max, long *out, const char *field,
                        err *e);

/* The record id of a list's `after` cursor (0 when there is none):
 * ERR_INVALID naming "after" when it is not a whole number. */
int service_page_after_id(const service_page *page, int64_t *after, err *e);

/* A required date "YYYY-MM-DD" into *day: ERR_INVALID naming `field` when
 * it is missing ("is required (YYYY-MM-DD)") or not a date of the
 * calendar (base/date.h date_parse). */
int service_date_take(const char *text, civil_day *day, const char *field, err *e);

/* A list's optional range of days, `from` and `to` ("YYYY-MM-DD", either
 * or both NULL or ""): each checked naming its own field, `to` not before
 * `from` (naming "to"). The days given are kept as text ("" for one not
 * given; a filter on a date column binds them as `(?N = '' OR day >= ?N)`),
 * and `window_from`/`window_to` is a UTC window a day wider at
 * each end (`window_to` exclusive; "" for an end not given), which holds
 * every instant of those days at a center of any zone (UTC-12 to UTC+14):
 * a list finds its candidates by the window, through an index on the
 * time, and keeps those whose local date (`local_date()`) is in the
 * range. */
typedef struct {
    char from[DATE_TEXT_MAX], to[DATE_TEXT_MAX];
    char window_from[TIMESTAMP_TEXT_MAX], window_to[TIMESTAMP_TEXT_MAX];
} service_day_range;
int service_day_range_take(const char *from, const char *to, service_day_range *out, err *e);

/* A list's optional filter by a donor center's code: "" when not
 * given, else trimmed, in upper case and checked as a code
 * (registry_code_check), ERR_INVALID naming `field` otherwise. `out` holds
 * REGISTRY_CODE_MAX + 8 bytes. A code no center has is not refused: the
 * list is empty. */
int service_code_filter_take(const char *text, char *out, const char *field, err *e);

/* A record's id from its decimal text (1..2,000,000,000): ERR_INVALID
 * naming `field` ("is required", or not such a number) otherwise. */
int service_id_take(const char *text, int64_t *id, const char *field, err *e);
/* An amount in cents as the services answer it: "1234.56", "-0.05". */
json_t *service_money_json(int64_t cents);
/* The time now as "YYYY-MM-DDTHH:MM:SSZ" in `out` (TIMESTAMP_TEXT_MAX
 * bytes, base/date.h); returns out. */
const char *service_now_text(char *out);

/* Trim surrounding spaces and upper-case a business code in place. */
void service_normalize_code(char *code);

/* json helpers for building results: NULL text becomes JSON null. */
json_t *service_json_text(const char *text);
/* A number kept in tenths as text with one decimal: 135 -> "13.5",
 * -5 -> "-0.5" (measurements, days of sales outstanding). */
enum { SERVICE_TENTHS_TEXT_MAX = 24 };
char *service_tenths_format(int64_t tenths, char out[SERVICE_TENTHS_TEXT_MAX]);

/* --- importing a file (journal and catalog imports) ------------------------ */

/* The problems found in an imported file, {"line", "field", "message"}
 * each: all are counted, the first `max` kept in `items`. */
typedef struct {
    json_t *items;
    long count;
    size_t max;
} service_problems;

/* The lines of a file being imported, numbered from 1, each without its
 * line ending (and line 1 without a UTF-8 byte order mark), while the
 * file's SHA-256 is computed over every byte read. A line holding a NUL
 * byte or invalid UTF-8 is never handed on: it is a problem naming its
 * line and field (the field's name from `header`), and reading goes on. */
typedef struct {
    FILE *file;
    const char *header;          /* the file's header line: names the fields */
    service_problems *problems;  /* where flawed lines are told */
    char *line;
    long number;
    char *text;
    size_t capacity;
    crypto_hash_sha256_state hash;
    int header_seen; /* service_file_data_next met the header */
} service_file_lines;

enum { SERVICE_SHA256_HEX_SIZE = crypto_hash_sha256_BYTES * 2 + 1 };

void service_file_lines_open(service_file_lines *lines, FILE *file, const char *header,
                             service_problems *problems);
/* 1 with the next line in lines->line, 0 at the end of the file. */
int service_file_lines_next(service_file_lines *lines);
/* Free the lines and give the SHA-256 of what was read, in hex; ERR_INVALID
 * naming "file" when it could not be read to its end. */
int service_file_lines_close(service_file_lines *lines, char sha256_hex[SERVICE_SHA256_HEX_SIZE],
                             err *e);

void service_problem(service_problems *problems, long line, const char *field, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));
/* The one problem that says it all (a file imported before: every line
 * would only repeat it): the problems found so far are forgotten. */
void service_problem_alone(service_problems *problems, long line, const char *field,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* ERR_INVALID naming the first problem's field: "line N: MESSAGE (K
 * problems in all; nothing was imported)". Returns -1. */
int service_problems_fail(const service_problems *problems, err *e);

/* The data lines of a CSV import: blank lines and '#' comments are skipped,
 * and the first other line must be exactly the lines' header (a problem
 * naming "header" otherwise, or at the end when the file held none); 1
 * with the next data line in lines->line, 0 at the end of the file. */
int service_file_data_next(service_file_lines *lines);

#endif
