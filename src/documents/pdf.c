/*
 * pdf.c - a document's text set on A4 pages through cairo (pdf.h): the
 * lines are wrapped and paginated first (so that every page knows how many
 * there are), then drawn, one cairo page each.
 */
#include "documents/pdf.h"

#include <cairo/cairo.h> /* not <cairo.h>: builds without pkg-config flags (fuzz) */
#include <cairo/cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"

const char pdf_content_type[] = "application/pdf";

/* A4 in points, and the margins: 15 mm at the sides and the top, 20 mm at
 * the foot, whose footer line sits 10 mm above the edge. */
static const double PAGE_WIDTH = 595.2756, PAGE_HEIGHT = 841.8898;
static const double MARGIN = 42.5197, MARGIN_FOOT = 56.6929, FOOTER_BASELINE = 28.3465;
static const double SIZE_MAX_PT = 9.0, SIZE_MIN_PT = 7.0, FOOTER_PT = 7.0, LEADING = 1.25;
static const char FONT[] = "DejaVu Sans Mono";

/* One line as it is set. */
typedef struct {
    char *text;
    int bold;
    int page_break; /* a form feed: nothing to draw, the next line starts a page */
} set_line;

typedef struct {
    set_line *lines;
    size_t count, capacity;
} line_list;

static void *grow(void *memory, size_t count, size_t size)
{
    void *bigger = realloc(memory, count * size);
    if (!bigger)
        abort(); /* as buffer.c: nothing sensible to do without memory */
    return bigger;
}

static void add_line(line_list *list, const char *text, size_t length, int bold, int page_break)
{
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? 2 * list->capacity : 64;
        list->lines = grow(list->lines, list->capacity, sizeof *list->lines);
    }
    char *copy = grow(NULL, length + 1, 1);
    memcpy(copy, text, length);
    copy[length] = '\0';
    list->lines[list->count++] = (set_line){copy, bold, page_break};
}

static void free_lines(line_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->lines[i].text);
    free(list->lines);
}

/* Characters (code points) of the first `length` bytes. */
static size_t characters(const char *text, size_t length)
{
    size_t n = 0;
    for (size_t i = 0; i < length; i++)
        n += ((unsigned char)text[i] & 0xC0) != 0x80;
    return n;
}

/* The byte offset of character `n` (or the end). */
static size_t offset_of(const char *text, size_t length, size_t n)
{
    size_t i = 0;
    for (size_t seen = 0; i < length; i++) {
        if (((unsigned char)text[i] & 0xC0) != 0x80 && seen++ == n)
            return i;
    }
    return length;
}

static int blank(const char *text)
{
    return text[strspn(text, " ")] == '\0';
}

/* Where a wrapped line's rest is indented: after the first run of two or
 * more spaces past the line's own indentation, when that is in its first
 * half; else nothing. */
static size_t hanging_indent(const char *line, size_t length, size_t columns)
{
    size_t start = strspn(line, " ");
    for (size_t i = start; i + 1 < length; i++) {
        if (line[i] == ' ' && line[i + 1] == ' ') {
            size_t after = i + strspn(line + i, " ");
            size_t column = characters(line, after);
            return after < length && column < columns / 2 ? column : 0;
        }
    }
    return 0;
}

/* Split one line of at most `columns` characters per set line. */
static void wrap_line(line_list *list, const char *line, size_t length, size_t columns, int bold)
{
    if (characters(line, length) <= columns) {
        add_line(list, line, length, bold, 0);
        return;
    }
    size_t indent = hanging_indent(line, length, columns);
    buffer piece = BUFFER_INIT;
    size_t room = columns;
    while (length > 0) {
        size_t take = length;
        if (characters(line, length) > room) {
            size_t cut = offset_of(line, length, room); /* the first character that does not fit */
            size_t space = cut;
            while (space > 0 && line[space] != ' ')
                space--;
            take = space > 0 ? space : cut;
        }
        buffer_reset(&piece);
        for (size_t i = 0; i < columns - room; i++)
            buffer_append_char(&piece, ' ');
        buffer_append(&piece, line, take);
        add_line(list, buffer_text(&piece), piece.length, bold, 0);
        line += take;
        length -= take;
        while (length > 0 && *line == ' ')
            line++, length--;
        room = columns - indent;
    }
    buffer_free(&piece);
}

/* The text as set lines: control characters other than line breaks and
 * form feeds become spaces, invalid UTF-8 becomes '?'. */
static void set_text(line_list *list, const char *text, size_t columns)
{
    char *copy = grow(NULL, strlen(text) + 1, 1);
    strcpy(copy, text);
    utf8_repair(copy);
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\f')
            *p = ' ';
    int first = 1;
    for (char *p = copy; *p;) {
        size_t length = strcspn(p, "\n\f");
        wrap_line(list, p, length, columns, first);
        first = 0;
        p += length;
        if (*p == '\f')
            add_line(list, "", 0, 0, 1);
        if (*p)
            p++;
    }
    free(copy);
}

/* The lines of the block (lines up to a blank one or a page break) that
 * starts at `i`. */
static size_t block_at(const line_list *list, size_t i)
{
    size_t block = 0;
    while (i + block < list->count && !list->lines[i + block].page_break &&
           !blank(list->lines[i + block].text))
        block++;
    return block;
}

/* The lines a block needs on its page: itself, and for a heading (a block
 * of one or two lines followed by a blank line and another block) the
 * blank and the next block too, so that a heading is not left alone at the
 * foot of a page. */
static size_t room_needed(const line_list *list, size_t i, size_t block, size_t per_page)
{
    size_t next = i + block;
    if (block > 2 || next + 1 >= list->count || list->lines[next].page_break ||
        !blank(list->lines[next].text))
        return block;
    size_t following = block_at(list, next + 1);
    size_t needed = block + 1 + following;
    return needed <= per_page ? needed : block;
}

/* The page of each line: blocks between blank lines stay together when
 * they fit on a page, a heading stays with what follows it, and a page
 * starts with no blank line. Returns the number of pages; page[i] is line
 * i's page (0-based), -1 for a line not drawn. */
static int paginate(const line_list *list, size_t per_page, int *page)
{
    int current = 0;
    size_t used = 0;
    for (size_t i = 0; i < list->count;) {
        if (list->lines[i].page_break) {
            page[i++] = -1;
            if (used > 0)
                current++, used = 0;
            continue;
        }
        if (blank(list->lines[i].text)) {
            page[i++] = used == 0 || used >= per_page ? -1 : current;
            if (page[i - 1] >= 0)
                used++;
            continue;
        }
        size_t block = block_at(list, i), needed = room_needed(list, i, block, per_page);
        if (used > 0 && used + needed > per_page && needed <= per_page)
            current++, used = 0;
        for (size_t k = 0; k < block; k++) {
            if (used == per_page)
                current++, used = 0;
            page[i + k] = current;
            used++;
        }
        i += block;
    }
    return current + (used > 0 || current == 0 ? 1 : 0);
}

static cairo_status_t write_to_buffer(void *closure, const unsigned char *data, unsigned int length)
{
    buffer_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

static void select_font(cairo_t *cr, int bold, double size)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

/* The advance of one character of the font at 1 pt. */
static double advance_per_point(cairo_t *cr)
{
    cairo_text_extents_t extents;
    select_font(cr, 0, 100.0);
    cairo_text_extents(cr, "0", &extents);
    return extents.x_advance > 0 ? extents.x_advance / 100.0 : 0.602;
}

/* The foot of every page: who issues the document and its title on the
 * left; when it was printed (UTC, named) and "page N of M" on the right. */
static void draw_footer(cairo_t *cr, const char *title, const char *printed, int page, int pages)
{
    char count[96];
    snprintf(count, sizeof count, "printed %s - page %d of %d", printed, page, pages);
    cairo_text_extents_t extents;
    select_font(cr, 0, FOOTER_PT);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_text_extents(cr, count, &extents);
    double right = PAGE_WIDTH - MARGIN - extents.x_advance;
    cairo_move_to(cr, MARGIN, PAGE_HEIGHT - FOOTER_BASELINE);
    cairo_show_text(cr, title);
    cairo_move_to(cr, right, PAGE_HEIGHT - FOOTER_BASELINE);
    cairo_show_text(cr, count);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

/* The longest line, in characters. */
static size_t longest_line(const char *text)
{
    size_t longest = 0;
    for (const char *p = text; *p;) {
        size_t length = strcspn(p, "\n\f");
        size_t n = characters(p, length);
        longest = n > longest ? n : longest;
        p += length + (p[length] != '\0');
    }
    return longest;
}

/* The title for the metadata and the footers: `title`, else the text's
 * first line, valid UTF-8 without control characters, at most 200 bytes. */
static void title_of(const char *title, const char *text, char *out, size_t size)
{
    const char *from = title && *title ? title : text;
    size_t length = title && *title ? strlen(title) : strcspn(text, "\n\f");
    snprintf(out, size, "%.*s", (int)(length < 200 ? length : 200), from);
    utf8_repair(out);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
}

int pdf_from_text(const char *title, const char *issuer, const char *text, buffer *out, err *e)
{
    char name[256], foot[520], printed[TIMESTAMP_TEXT_MAX];
    title_of(title, text ? text : "", name, sizeof name);
    /* "Company - Title" at the foot; the metadata keeps the title alone. */
    if (issuer && *issuer) {
        char company[256];
        title_of(issuer, "", company, sizeof company);
        snprintf(foot, sizeof foot, "%s - %s", company, name);
    } else {
        snprintf(foot, sizeof foot, "%s", name);
    }
    /* "2026-12-06 21:40 UTC": the minute the document was made. */
    timestamp_format(timestamp_now(), printed, sizeof printed);
    printed[10] = ' ';
    snprintf(printed + 16, sizeof printed - 16, " UTC");
    buffer document = BUFFER_INIT;
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(write_to_buffer, &document, PAGE_WIDTH, PAGE_HEIGHT);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, name);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "bloodops");
    cairo_t *cr = cairo_create(surface);

    /* The size: 9 pt unless the longest line needs less, 7 pt at least. */
    double width = PAGE_WIDTH - 2 * MARGIN, advance = advance_per_point(cr);
    size_t longest = longest_line(text ? text : "");
    double size = SIZE_MAX_PT;
    if (longest > 0 && longest * advance * size > width)
        size = fmax(SIZE_MIN_PT, width / (longest * advance));
    size_t columns = (size_t)floor(width / (advance * size));
    double leading = size * LEADING;
    size_t per_page = (size_t)floor((PAGE_HEIGHT - MARGIN - MARGIN_FOOT) / leading);

    line_list lines = {0};
    set_text(&lines, text ? text : "", columns > 10 ? columns : 10);
    int *page = grow(NULL, lines.count ? lines.count : 1, sizeof *page);
    int pages = paginate(&lines, per_page, page);

    size_t next = 0;
    for (int p = 0; p < pages; p++) {
        double y = MARGIN + size;
        for (; next < lines.count && page[next] <= p; next++) {
            if (page[next] < p)
                continue;
            select_font(cr, lines.lines[next].bold, size);
            cairo_move_to(cr, MARGIN, y);
            cairo_show_text(cr, lines.lines[next].text);
            y += leading;
        }
        draw_footer(cr, foot, printed, p + 1, pages);
        cairo_show_page(cr);
    }
    free(page);
    free_lines(&lines);

    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        buffer_free(&document);
        return err_set(e, ERR_INTERNAL, NULL, "cairo: %s", cairo_status_to_string(status));
    }
    buffer_append(out, document.data, document.length);
    buffer_free(&document);
    return 0;
}
