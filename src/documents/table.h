/*
 * table.h - the one table writer of every document (the quarterly report,
 * the lookback report, and the packing lists, invoices and statements to
 * come): columns with a head, a width and an alignment, then rows of cells,
 * written as aligned plain text, as CSV (RFC 4180 fields, base/csv.h) or as
 * an HTML table with every text escaped.
 *
 * Two looks, chosen when the table is set up:
 *
 *   plain (0)     a head row when any column has a head, then the rows.
 *                 Text: each cell padded to its column's width, one space
 *                 between columns, nothing trimmed (as printf's "%-12s %s"
 *                 would print it). HTML: <table>, a row of <th> heads, rows
 *                 of <td>.
 *   TABLE_RULED   a statement's table. Text: the caption underlined with
 *                 dashes, an optional heading centered over the columns
 *                 after the first ("Three Months Ended\nMarch 31,"), the
 *                 head row, a rule of dashes, the rows (a total set off by
 *                 a rule above it), a closing rule of '='; no line ends in
 *                 spaces. HTML: <caption>, <thead> with scope attributes,
 *                 <tbody>, class="total" on totals.
 *
 * TABLE_STUB makes the first column name each row: <th> in HTML; in a
 * ruled text table a name wider than its column goes on a line of its own.
 *
 * Widths count characters (UTF-8 code points), not bytes. A cell wider than
 * its column pushes the rest of its line to the right; it is never cut. A
 * column of width 0 is not padded (a last column of free text). A rule
 * leaves the first character of each column blank, so that the rules of
 * neighbouring columns stay apart.
 *
 * CSV writes the head row (when any column has a head) and the rows: the
 * data only, without caption, heading or group rows; lines end in "\n", as
 * every CSV bloodops writes.
 *
 * Pure: the writer appends to the caller's buffer and keeps pointers to the
 * heads, which must outlive the table.
 */
#ifndef BLOODOPS_DOCUMENTS_TABLE_H
#define BLOODOPS_DOCUMENTS_TABLE_H

#include <stddef.h>
#include "base/buffer.h"

typedef enum { TABLE_TEXT, TABLE_CSV, TABLE_HTML } table_format;
typedef enum { TABLE_LEFT, TABLE_RIGHT } table_align;

enum {
    TABLE_RULED = 1, /* a statement's table (see above); 0 is plain */
    TABLE_STUB = 2,  /* the first column names each row */
};

enum { TABLE_COLUMNS_MAX = 12 };

typedef struct {
    const char *head; /* NULL: none */
    int width;        /* text: characters; 0: not padded */
    table_align align;
} table_column;

typedef struct {
    table_format format;
    int options; /* TABLE_RULED, TABLE_STUB */
    buffer *out;
    size_t count; /* columns */
    table_column columns[TABLE_COLUMNS_MAX];
} table;

/* Set up a table written to `out`; add its columns, then begin it. */
void table_init(table *t, buffer *out, table_format format, int options);

/* Add a column (at most TABLE_COLUMNS_MAX; more are ignored). */
void table_add_column(table *t, const char *head, int width, table_align align);

/* Write what comes before the rows: the caption (NULL for none; text: a
 * line, underlined when ruled; HTML: <caption>), the heading over the
 * columns after the first (NULL for none; ruled only: in text each of its
 * lines centered, in HTML one cell spanning them, its lines joined by a
 * space), and the head row. */
void table_begin(table *t, const char *caption, const char *span);

/* One row: `cells` holds one text per column (NULL is ""). */
void table_row(table *t, const char *const cells[]);

/* One row with, for HTML, a class for each cell (`classes` may be NULL, and
 * so may any of its entries), and marked as a total when `total` (ruled
 * text: a rule above it; HTML: class="total"). */
void table_row_marked(table *t, const char *const cells[], const char *const classes[], int total);

/* A heading row inside the table ("Assets"): a line of its own in text, a
 * cell across the whole row in HTML, nothing in CSV. */
void table_group(table *t, const char *label);

/* Write what comes after the rows. */
void table_end(table *t);

/* Characters on screen of the first `length` bytes of UTF-8 text
 * (continuation bytes do not count), and of a whole text. */
size_t table_span_width(const char *text, size_t length);
size_t table_text_width(const char *text);

#endif
