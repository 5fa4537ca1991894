/*
 * table.c - the table writer (table.h): one table described once by its
 * columns and rows, written as aligned text, CSV or HTML, plain or ruled.
 */
#include "documents/table.h"

#include <string.h>

#include "base/csv.h"
#include "base/text_columns.h"

size_t table_span_width(const char *text, size_t length)
{
    return text_span_width(text, length);
}

size_t table_text_width(const char *text)
{
    return text_width(text);
}

void table_init(table *t, buffer *out, table_format format, int options)
{
    memset(t, 0, sizeof *t);
    t->format = format;
    t->options = options;
    t->out = out;
}

void table_add_column(table *t, const char *head, int width, table_align align)
{
    if (t->count < TABLE_COLUMNS_MAX)
        t->columns[t->count++] = (table_column){head, width < 0 ? 0 : width, align};
}

static int ruled(const table *t)
{
    return (t->options & TABLE_RULED) != 0;
}

static int stub(const table *t)
{
    return (t->options & TABLE_STUB) != 0 && t->count > 0;
}

static int has_heads(const table *t)
{
    for (size_t i = 0; i < t->count; i++)
        if (t->columns[i].head)
            return 1;
    return 0;
}

static const char *text_or_empty(const char *text)
{
    return text ? text : "";
}

/* --- text ------------------------------------------------------------------ */

static void pad(buffer *out, size_t spaces)
{
    for (size_t i = 0; i < spaces; i++)
        buffer_append_char(out, ' ');
}

/* Step through text line by line: sets *line and *length (without the
 * line break) and returns 1, or returns 0 at the end. */
static int next_line(const char **cursor, const char **line, size_t *length)
{
    if (**cursor == '\0')
        return 0;
    *line = *cursor;
    *length = strcspn(*cursor, "\n");
    *cursor += *length + ((*cursor)[*length] == '\n');
    return 1;
}

/* The line ends; a ruled table drops the spaces that padded empty cells. */
static void text_end_line(const table *t)
{
    buffer *out = t->out;
    if (ruled(t))
        while (out->length > 0 && out->data[out->length - 1] == ' ')
            out->data[--out->length] = '\0';
    buffer_append_char(out, '\n');
}

static void text_row(const table *t, const char *const cells[])
{
    const char *first = t->count ? text_or_empty(cells[0]) : "";
    if (ruled(t) && stub(t) && table_text_width(first) > (size_t)t->columns[0].width) {
        buffer_printf(t->out, "%s\n", first);
        first = "";
    }
    for (size_t i = 0; i < t->count; i++) {
        const char *cell = i == 0 ? first : text_or_empty(cells[i]);
        size_t width = table_text_width(cell), column = (size_t)t->columns[i].width;
        size_t room = width < column ? column - width : 0;
        if (i > 0)
            pad(t->out, 1);
        if (t->columns[i].align == TABLE_RIGHT)
            pad(t->out, room);
        buffer_append_text(t->out, cell);
        if (t->columns[i].align == TABLE_LEFT)
            pad(t->out, room);
    }
    text_end_line(t);
}

/* A rule of `c` under every column but the stub, the first character of
 * each left blank. */
static void text_rule(const table *t, char c)
{
    for (size_t i = 0; i < t->count; i++) {
        int width = t->columns[i].width;
        if (i == 0 && stub(t)) {
            pad(t->out, (size_t)width);
            continue;
        }
        pad(t->out, i > 0 ? 2 : 1);
        for (int k = 1; k < width; k++)
            buffer_append_char(t->out, c);
    }
    buffer_append_char(t->out, '\n');
}

/* Each line of `span` centered over the columns after the stub. */
static void text_span(const table *t, const char *span)
{
    size_t from = stub(t) ? 1 : 0;
    int start = from ? t->columns[0].width : 0, width = 0;
    for (size_t i = from; i < t->count; i++)
        width += t->columns[i].width + (i > 0);
    const char *line;
    size_t length;
    while (next_line(&span, &line, &length)) {
        int indent = start + (width - (int)table_span_width(line, length)) / 2;
        pad(t->out, indent > 0 ? (size_t)indent : 0);
        buffer_printf(t->out, "%.*s\n", (int)length, line);
    }
}

static void head_cells(const table *t, const char *cells[])
{
    for (size_t i = 0; i < t->count; i++)
        cells[i] = t->columns[i].head;
}

static void text_begin(table *t, const char *caption, const char *span)
{
    const char *heads[TABLE_COLUMNS_MAX];
    head_cells(t, heads);
    if (!ruled(t)) {
        if (caption)
            buffer_printf(t->out, "%s\n", caption);
        if (has_heads(t))
            text_row(t, heads);
        return;
    }
    if (caption) {
        buffer_printf(t->out, "\n%s\n", caption);
        for (size_t i = table_text_width(caption); i > 0; i--)
            buffer_append_char(t->out, '-');
        buffer_append_text(t->out, "\n\n");
    }
    if (span)
        text_span(t, span);
    text_row(t, heads);
    text_rule(t, '-');
}

/* --- CSV ------------------------------------------------------------------- */

static void csv_row(const table *t, const char *const cells[])
{
    for (size_t i = 0; i < t->count; i++) {
        if (i > 0)
            buffer_append_char(t->out, ',');
        csv_append_field(t->out, cells[i]);
    }
    buffer_append_char(t->out, '\n');
}

/* --- HTML ------------------------------------------------------------------ */

static void html_escape(buffer *out, const char *text)
{
    text = text_or_empty(text);
    buffer_append_markup(out, text, strlen(text));
}

/* The lines of `text` escaped, joined by a space. */
static void html_escape_lines(buffer *out, const char *text)
{
    const char *line;
    size_t length;
    for (int n = 0; next_line(&text, &line, &length); n++) {
        if (n > 0)
            buffer_append_char(out, ' ');
        buffer_append_markup(out, line, length);
    }
}

static void html_begin(table *t, const char *caption, const char *span)
{
    buffer *out = t->out;
    if (!ruled(t)) {
        buffer_append_text(out, "<table>");
        if (caption) {
            buffer_append_text(out, "<caption>");
            html_escape(out, caption);
            buffer_append_text(out, "</caption>");
        }
        if (!has_heads(t)) {
            buffer_append_char(out, '\n');
            return;
        }
        buffer_append_text(out, "<tr>");
        for (size_t i = 0; i < t->count; i++) {
            buffer_append_text(out, "<th>");
            html_escape(out, t->columns[i].head);
            buffer_append_text(out, "</th>");
        }
        buffer_append_text(out, "</tr>\n");
        return;
    }
    buffer_append_text(out, "<table>\n");
    if (caption) {
        buffer_append_text(out, "<caption>");
        html_escape(out, caption);
        buffer_append_text(out, "</caption>\n");
    }
    buffer_append_text(out, "<thead>\n");
    if (span) {
        buffer_printf(out, "<tr>%s<th scope=\"colgroup\" colspan=\"%zu\">",
                      stub(t) ? "<td></td>" : "", t->count - (stub(t) ? 1 : 0));
        html_escape_lines(out, span);
        buffer_append_text(out, "</th></tr>\n");
    }
    buffer_append_text(out, "<tr>");
    for (size_t i = 0; i < t->count; i++) {
        const char *head = text_or_empty(t->columns[i].head);
        if (i == 0 && stub(t) && !*head) {
            buffer_append_text(out, "<td></td>");
            continue;
        }
        buffer_append_text(out, "<th scope=\"col\">");
        html_escape(out, head);
        buffer_append_text(out, "</th>");
    }
    buffer_append_text(out, "</tr>\n</thead>\n<tbody>\n");
}

static void html_row(table *t, const char *const cells[], const char *const classes[], int total)
{
    buffer *out = t->out;
    buffer_append_text(out, total ? "<tr class=\"total\">" : "<tr>");
    for (size_t i = 0; i < t->count; i++) {
        int names_row = i == 0 && stub(t);
        const char *class_name = classes ? classes[i] : NULL;
        buffer_append_text(out, !names_row ? "<td" : ruled(t) ? "<th scope=\"row\"" : "<th");
        if (class_name) {
            buffer_append_text(out, " class=\"");
            html_escape(out, class_name);
            buffer_append_char(out, '"');
        }
        buffer_append_char(out, '>');
        html_escape(out, cells[i]);
        buffer_append_text(out, names_row ? "</th>" : "</td>");
    }
    buffer_append_text(out, "</tr>\n");
}

/* --- the interface --------------------------------------------------------- */

void table_begin(table *t, const char *caption, const char *span)
{
    if (t->format == TABLE_TEXT) {
        text_begin(t, caption, span);
    } else if (t->format == TABLE_HTML) {
        html_begin(t, caption, span);
    } else if (has_heads(t)) {
        const char *heads[TABLE_COLUMNS_MAX];
        head_cells(t, heads);
        csv_row(t, heads);
    }
}

void table_row_marked(table *t, const char *const cells[], const char *const classes[], int total)
{
    if (t->format == TABLE_TEXT) {
        if (total && ruled(t))
            text_rule(t, '-');
        text_row(t, cells);
    } else if (t->format == TABLE_HTML) {
        html_row(t, cells, classes, total);
    } else {
        csv_row(t, cells);
    }
}

void table_row(table *t, const char *const cells[])
{
    table_row_marked(t, cells, NULL, 0);
}

void table_group(table *t, const char *label)
{
    if (t->format == TABLE_TEXT) {
        buffer_printf(t->out, "%s\n", text_or_empty(label));
    } else if (t->format == TABLE_HTML) {
        buffer_printf(t->out,
                      ruled(t) ? "<tr class=\"group\"><th scope=\"rowgroup\" colspan=\"%zu\">"
                               : "<tr class=\"group\"><th colspan=\"%zu\">",
                      t->count);
        html_escape(t->out, label);
        buffer_append_text(t->out, "</th></tr>\n");
    }
}

void table_end(table *t)
{
    if (t->format == TABLE_TEXT) {
        if (ruled(t))
            text_rule(t, '=');
    } else if (t->format == TABLE_HTML) {
        buffer_append_text(t->out, ruled(t) ? "</tbody>\n</table>\n" : "</table>\n");
    }
}
