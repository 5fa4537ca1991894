/*
 * label_render.c - the ISBT 128 base label drawn (label_render.h): its
 * layout in millimetres, and three ways of drawing it: SVG written as text
 * here, PDF and PNG through cairo. Bar codes are Code 128 from libzint,
 * drawn as rectangles by whichever canvas is in use.
 *
 * Text widths: the SVG cannot measure its text, so the layout estimates
 * widths from the fonts' average advances (DejaVu Sans and Sans Mono, which
 * tools/deps.sh installs) and shrinks a line that would overflow its
 * quadrant; cairo measures, and shrinks the same way.
 *
 * No I/O: cairo writes through a callback into the caller's buffer.
 */
#include "documents/label_render.h"

#include <cairo/cairo.h> /* not <cairo.h>: builds without pkg-config flags (fuzz) */
#include <cairo/cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zint.h>
#include "base/utf8.h"

/* --- The canvas: SVG text or a cairo context, in millimetres ----------- */

typedef enum { FONT_SANS, FONT_SANS_BOLD, FONT_MONO_BOLD } font;
typedef enum { ANCHOR_START, ANCHOR_MIDDLE, ANCHOR_END } anchor;

typedef struct {
    buffer *svg;        /* SVG: the document being written, else NULL */
    cairo_t *cr;        /* PDF and PNG */
    double pixels_per_mm; /* PNG: bars land on whole pixels; 0 for vector output */
} canvas;

/* Average advance of a character, in ems, for estimating widths: DejaVu
 * Sans Mono exactly; DejaVu Sans (Bold) for capitals and digits, a little
 * generous. */
static double advance_estimate(font f)
{
    return f == FONT_MONO_BOLD ? 0.602 : f == FONT_SANS_BOLD ? 0.74 : 0.66;
}

static void svg_number(buffer *b, double value)
{
    char text[32];
    snprintf(text, sizeof text, "%.3f", value);
    char *end = text + strlen(text) - 1;
    while (*end == '0')
        *end-- = '\0';
    if (*end == '.')
        *end = '\0';
    buffer_append_text(b, strcmp(text, "-0") == 0 ? "0" : text);
}

/* A filled black rectangle. */
static void draw_bar(canvas *c, double x, double y, double width, double height)
{
    if (c->svg) {
        buffer_append_text(c->svg, "M");
        svg_number(c->svg, x);
        buffer_append_char(c->svg, ' ');
        svg_number(c->svg, y);
        buffer_append_text(c->svg, "h");
        svg_number(c->svg, width);
        buffer_append_text(c->svg, "v");
        svg_number(c->svg, height);
        buffer_append_text(c->svg, "h");
        svg_number(c->svg, -width);
        buffer_append_text(c->svg, "z");
    } else {
        cairo_rectangle(c->cr, x, y, width, height);
    }
}

static void bars_begin(canvas *c)
{
    if (c->svg)
        buffer_append_text(c->svg, "<path fill=\"#000\" d=\"");
    else
        cairo_new_path(c->cr);
}

static void bars_end(canvas *c)
{
    if (c->svg)
        buffer_append_text(c->svg, "\"/>\n");
    else
        cairo_fill(c->cr);
}

/* A rectangle's outline, or a line when width or height is 0. */
static void draw_frame(canvas *c, double x, double y, double width, double height, double stroke)
{
    if (c->svg) {
        if (width == 0 || height == 0) {
            buffer_append_text(c->svg, "<line x1=\"");
            svg_number(c->svg, x);
            buffer_append_text(c->svg, "\" y1=\"");
            svg_number(c->svg, y);
            buffer_append_text(c->svg, "\" x2=\"");
            svg_number(c->svg, x + width);
            buffer_append_text(c->svg, "\" y2=\"");
            svg_number(c->svg, y + height);
        } else {
            buffer_append_text(c->svg, "<rect x=\"");
            svg_number(c->svg, x);
            buffer_append_text(c->svg, "\" y=\"");
            svg_number(c->svg, y);
            buffer_append_text(c->svg, "\" width=\"");
            svg_number(c->svg, width);
            buffer_append_text(c->svg, "\" height=\"");
            svg_number(c->svg, height);
            buffer_append_text(c->svg, "\" fill=\"none");
        }
        buffer_append_text(c->svg, "\" stroke=\"#000\" stroke-width=\"");
        svg_number(c->svg, stroke);
        buffer_append_text(c->svg, "\"/>\n");
    } else {
        cairo_new_path(c->cr);
        if (width == 0 || height == 0) {
            cairo_move_to(c->cr, x, y);
            cairo_line_to(c->cr, x + width, y + height);
        } else {
            cairo_rectangle(c->cr, x, y, width, height);
        }
        cairo_set_line_width(c->cr, stroke);
        cairo_stroke(c->cr);
    }
}

/* Text with its baseline at y, shrunk to max_width when it would be wider;
 * rotated -90 degrees (reading upwards from (x, y)) when `upwards`. */
static void draw_text(canvas *c, double x, double y, double size, font f, anchor a, int upwards,
                      double max_width, const char *text)
{
    if (!*text)
        return;
    if (c->svg) {
        double estimate = (double)utf8_characters(text) * advance_estimate(f) * size;
        if (max_width > 0 && estimate > max_width)
            size *= max_width / estimate;
        buffer *b = c->svg;
        buffer_append_text(b, "<text x=\"");
        svg_number(b, x);
        buffer_append_text(b, "\" y=\"");
        svg_number(b, y);
        buffer_append_text(b, "\" font-size=\"");
        svg_number(b, size);
        buffer_append_text(b, f == FONT_MONO_BOLD
                                  ? "\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\""
                                  : "\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\"");
        if (f != FONT_SANS)
            buffer_append_text(b, " font-weight=\"bold\"");
        if (a != ANCHOR_START)
            buffer_append_text(b, a == ANCHOR_MIDDLE ? " text-anchor=\"middle\""
                                                     : " text-anchor=\"end\"");
        if (upwards) {
            buffer_append_text(b, " transform=\"rotate(-90 ");
            svg_number(b, x);
            buffer_append_char(b, ' ');
            svg_number(b, y);
            buffer_append_text(b, ")\"");
        }
        buffer_append_char(b, '>');
        buffer_append_markup(b, text, strlen(text));
        buffer_append_text(b, "</text>\n");
        return;
    }
    cairo_t *cr = c->cr;
    cairo_select_font_face(cr, f == FONT_MONO_BOLD ? "DejaVu Sans Mono" : "DejaVu Sans",
                           CAIRO_FONT_SLANT_NORMAL,
                           f == FONT_SANS ? CAIRO_FONT_WEIGHT_NORMAL : CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t extents;
    cairo_text_extents(cr, text, &extents);
    double width = extents.x_advance;
    if (max_width > 0 && width > max_width) {
        size *= max_width / width;
        cairo_set_font_size(cr, size);
        width = max_width;
    }
    double shift = a == ANCHOR_MIDDLE ? -width / 2 : a == ANCHOR_END ? -width : 0;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    if (upwards)
        cairo_rotate(cr, -M_PI / 2);
    cairo_move_to(cr, shift, 0);
    cairo_show_text(cr, text);
    cairo_restore(cr);
}

/* --- Bar codes ---------------------------------------------------------- */

enum { BARCODE_MAX_WIDTH_MM = 42 }; /* a quadrant less its margins and quiet zones */
static const double NOMINAL_X_MM = 0.25;  /* ST-001: X dimension 0.17 mm to 0.34 mm */
static const double BAR_HEIGHT_MM = 12.0;

/* A Code 128 bar code of `data`, centred on center_x, from `top` down. */
static int draw_barcode(canvas *c, const char *data, double center_x, double top, err *e)
{
    struct zint_symbol *symbol = ZBarcode_Create();
    if (!symbol)
        return err_set(e, ERR_INTERNAL, NULL, "libzint: out of memory");
    symbol->symbology = BARCODE_CODE128;
    symbol->input_mode = DATA_MODE;
    symbol->show_hrt = 0;
    symbol->whitespace_width = 0;
    symbol->border_width = 0;
    symbol->scale = 1.0f;
    if (ZBarcode_Encode(symbol, (const unsigned char *)data, (int)strlen(data)) >= ZINT_ERROR ||
        ZBarcode_Buffer_Vector(symbol, 0) >= ZINT_ERROR || !symbol->vector ||
        symbol->width <= 0) {
        err_set(e, ERR_INTERNAL, NULL, "libzint cannot encode %s: %s", data, symbol->errtxt);
        ZBarcode_Delete(symbol);
        return -1;
    }
    double modules = symbol->width;
    double module = NOMINAL_X_MM;
    if (modules * module > BARCODE_MAX_WIDTH_MM)
        module = BARCODE_MAX_WIDTH_MM / modules;
    double left = center_x - modules * module / 2;
    if (c->pixels_per_mm > 0) {
        /* Whole pixels per module, so that every bar keeps its width. */
        double pixels = floor(module * c->pixels_per_mm + 0.5);
        while (pixels > 1 && pixels * modules > BARCODE_MAX_WIDTH_MM * c->pixels_per_mm)
            pixels--;
        if (pixels < 1)
            pixels = 1;
        module = pixels / c->pixels_per_mm;
        left = floor((center_x - modules * module / 2) * c->pixels_per_mm + 0.5) /
               c->pixels_per_mm;
    }
    /* The vector's units per module (2 at scale 1); its rectangles are the
     * bars, left to right, every one the symbol's full height. */
    double unit = symbol->vector->width / modules;
    bars_begin(c);
    for (struct zint_vector_rect *r = symbol->vector->rectangles; r; r = r->next)
        draw_bar(c, left + floor(r->x / unit + 0.5) * module, top,
                 floor(r->width / unit + 0.5) * module, BAR_HEIGHT_MM);
    bars_end(c);
    ZBarcode_Delete(symbol);
    return 0;
}

/* --- The layout --------------------------------------------------------- */

static const char *const months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

static void human_date(const isbt_datetime *d, char *out, size_t size)
{
    snprintf(out, size, "%02d %s %04d", d->day, months[d->month - 1], d->year);
}

/* Capitals, as labels print their words, but "RhD" stays as it is written. */
static void upper(char *text)
{
    for (char *p = text; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    for (char *p = strstr(text, "RHD"); p; p = strstr(p + 3, "RHD"))
        p[1] = 'h';
}

/* Break `text` into at most max_lines lines of at most `width` characters
 * at spaces (a word longer than a line is cut); the last line takes what
 * remains, shrunk by draw_text. Returns the number of lines. */
enum { WRAP_LINES_MAX = 4, WRAP_LINE_MAX = 200 };
static int wrap(const char *text, size_t width, int max_lines, char lines[][WRAP_LINE_MAX])
{
    int count = 0;
    while (*text == ' ')
        text++;
    while (*text && count < max_lines) {
        size_t length = strlen(text);
        size_t take = length;
        if (count < max_lines - 1 && utf8_characters(text) > (long)width) {
            /* The last space within `width` characters, counted in UTF-8. */
            size_t characters = 0, space = 0, i = 0;
            for (; text[i] && characters <= width; i++) {
                if (((unsigned char)text[i] & 0xc0) != 0x80)
                    characters++;
                if (text[i] == ' ' && characters <= width + 1)
                    space = i;
            }
            take = space ? space : (i ? i - 1 : length);
            while (take > 0 && ((unsigned char)text[take] & 0xc0) == 0x80)
                take--;
            if (take == 0)
                take = length;
        }
        if (take >= WRAP_LINE_MAX)
            take = WRAP_LINE_MAX - 1;
        memcpy(lines[count], text, take);
        lines[count][take] = '\0';
        count++;
        text += take;
        while (*text == ' ')
            text++;
    }
    return count;
}

/* Wrapped lines from baseline y down, `leading` apart; returns the y after. */
static double draw_lines(canvas *c, double center_x, double y, double size, font f,
                         double leading, int max_lines, const char *text)
{
    char lines[WRAP_LINES_MAX][WRAP_LINE_MAX];
    size_t width = (size_t)(44.0 / ((f == FONT_SANS_BOLD ? 0.64 : 0.58) * size));
    int count = wrap(text, width, max_lines, lines);
    for (int i = 0; i < count; i++, y += leading)
        draw_text(c, center_x, y, size, f, ANCHOR_MIDDLE, 0, 44.0, lines[i]);
    return y;
}

static const double Q = LABEL_SIZE_MM / 2.0; /* a quadrant's side */
static const double LEFT = LABEL_SIZE_MM / 4.0, RIGHT = LABEL_SIZE_MM * 3.0 / 4.0;
static const double BARCODE_TOP = 5.0;

/* Upper left: the DIN, "W1234 26 123456", flags rotated, K boxed. */
static int draw_din(canvas *c, const label *l, err *e)
{
    char data[ISBT_STRUCTURE_TEXT_MAX];
    isbt_structure_encode(&l->din, data, sizeof data);
    if (draw_barcode(c, data, LEFT, BARCODE_TOP, e))
        return -1;
    const isbt_din *din = &l->din.din;
    char number[24];
    snprintf(number, sizeof number, "%s %s %s", din->facility, din->year, din->sequence);
    const double size = 3.6, cap = 0.73 * size, box = 4.8, flag_size = 2.2;
    int flags = isbt_din_flags_printed(din);
    double number_width = (double)strlen(number) * 0.602 * size;
    double flags_width = flags ? 1.4 + 0.73 * flag_size : 0;
    double total = number_width + flags_width + 1.2 + box;
    double x = LEFT - total / 2, y = BARCODE_TOP + BAR_HEIGHT_MM + 6.0;
    draw_text(c, x, y, size, FONT_MONO_BOLD, ANCHOR_START, 0, 0, number);
    x += number_width;
    if (flags) {
        /* Reading upwards, centred on the number's height. */
        double flags_length = 2 * 0.602 * flag_size;
        draw_text(c, x + flags_width, y - cap / 2 + flags_length / 2, flag_size, FONT_MONO_BOLD,
                  ANCHOR_START, 1, 0, din->flags);
        x += flags_width;
    }
    x += 1.2;
    double box_top = y - cap / 2 - box / 2;
    draw_frame(c, x, box_top, box, box, 0.3);
    char check[2] = {din->check_character, 0};
    draw_text(c, x + box / 2, y, size, FONT_MONO_BOLD, ANCHOR_MIDDLE, 0, 0, check);
    double below = y + 6.5;
    if (l->facility_name[0])
        below = draw_lines(c, LEFT, below, 3.0, FONT_SANS_BOLD, 3.8, 2, l->facility_name) + 0.8;
    if (l->has_collection) {
        char text[48], date[24];
        human_date(&l->collection.datetime, date, sizeof date);
        snprintf(text, sizeof text, "COLLECTED %s", date);
        draw_text(c, LEFT, below, 2.8, FONT_SANS, ANCHOR_MIDDLE, 0, 44.0, text);
    }
    return 0;
}

/* Upper right: the group, large. */
static int draw_group(canvas *c, const label *l, err *e)
{
    char data[ISBT_STRUCTURE_TEXT_MAX];
    isbt_structure_encode(&l->group, data, sizeof data);
    if (draw_barcode(c, data, RIGHT, BARCODE_TOP, e))
        return -1;
    const isbt_blood_group *g = &l->group.blood_group;
    char description[ISBT_DESCRIPTION_MAX];
    isbt_structure_describe(&l->group, description, sizeof description);
    /* What describe adds to the group's meaning: intended use, phenotype. */
    const char *more = description + strlen(g->meaning);
    while (*more == ',' || *more == ';' || *more == ' ')
        more++;
    char extra[ISBT_DESCRIPTION_MAX];
    snprintf(extra, sizeof extra, "%s", more);
    upper(extra);
    if (g->abo != ISBT_ABO_NONE && !g->special_message) {
        /* "O", or the subgroup the meaning names first: "A1", "A1B". */
        char big[8];
        size_t n = strcspn(g->meaning, " ,");
        if (n == 0 || n >= sizeof big || strncmp(g->meaning, "group", 5) == 0)
            snprintf(big, sizeof big, "%s", isbt_abo_name(g->abo));
        else {
            memcpy(big, g->meaning, n);
            big[n] = '\0';
        }
        const char *rhd = g->rhd == ISBT_RHD_POSITIVE   ? "RhD POSITIVE"
                          : g->rhd == ISBT_RHD_NEGATIVE ? "RhD NEGATIVE"
                          : g->rhd == ISBT_RHD_POOLED   ? "POOLED RhD"
                                                        : "RhD NOT SPECIFIED";
        draw_text(c, RIGHT, 35.0, 17.0, FONT_SANS_BOLD, ANCHOR_MIDDLE, 0, 44.0, big);
        draw_text(c, RIGHT, 41.5, 4.6, FONT_SANS_BOLD, ANCHOR_MIDDLE, 0, 44.0, rhd);
        draw_lines(c, RIGHT, 45.3, 2.3, FONT_SANS, 2.8, 2, extra);
    } else {
        char meaning[ISBT_DESCRIPTION_MAX];
        snprintf(meaning, sizeof meaning, "%s", g->meaning);
        upper(meaning);
        double y = draw_lines(c, RIGHT, 25.0, 4.0, FONT_SANS_BOLD, 5.0, 3, meaning);
        draw_lines(c, RIGHT, y, 2.3, FONT_SANS, 2.8, 2, extra);
    }
    return 0;
}

/* Lower left: the product code and what it is. */
static int draw_product(canvas *c, const label *l, err *e)
{
    char data[ISBT_STRUCTURE_TEXT_MAX];
    isbt_structure_encode(&l->product, data, sizeof data);
    if (draw_barcode(c, data, LEFT, Q + BARCODE_TOP, e))
        return -1;
    const isbt_product *p = &l->product.product;
    double y = Q + BARCODE_TOP + BAR_HEIGHT_MM + 4.0;
    draw_text(c, LEFT, y, 3.0, FONT_MONO_BOLD, ANCHOR_MIDDLE, 0, 0, p->code);
    y += 6.0;
    char text[LABEL_DESCRIPTION_MAX + 64];
    snprintf(text, sizeof text, "%s", l->description[0] ? l->description : p->family);
    if (!l->description[0])
        upper(text);
    y = draw_lines(c, LEFT, y, 3.3, FONT_SANS_BOLD, 4.2, 3, text);
    if (p->donation_type_meaning) {
        snprintf(text, sizeof text, "%s", p->donation_type_meaning);
        upper(text);
        draw_lines(c, LEFT, y + 0.6, 2.4, FONT_SANS, 3.0, 2, text);
    }
    return 0;
}

/* Lower right: EXP and the date and time. */
static int draw_expiry(canvas *c, const label *l, err *e)
{
    char data[ISBT_STRUCTURE_TEXT_MAX];
    isbt_structure_encode(&l->expiry, data, sizeof data);
    if (draw_barcode(c, data, RIGHT, Q + BARCODE_TOP, e))
        return -1;
    const isbt_datetime *d = &l->expiry.datetime;
    char date[24], time[8];
    human_date(d, date, sizeof date);
    snprintf(time, sizeof time, "%02d:%02d", d->hour, d->minute);
    double y = Q + BARCODE_TOP + BAR_HEIGHT_MM + 8.0;
    draw_text(c, RIGHT, y, 4.2, FONT_SANS_BOLD, ANCHOR_MIDDLE, 0, 44.0, "EXP");
    draw_text(c, RIGHT, y + 8.0, 5.6, FONT_SANS_BOLD, ANCHOR_MIDDLE, 0, 44.0, date);
    draw_text(c, RIGHT, y + 15.0, 5.6, FONT_SANS_BOLD, ANCHOR_MIDDLE, 0, 44.0, time);
    return 0;
}

static int draw_label(canvas *c, const label *l, err *e)
{
    /* The label's edge and the quadrants. */
    draw_frame(c, 0.15, 0.15, LABEL_SIZE_MM - 0.3, LABEL_SIZE_MM - 0.3, 0.3);
    draw_frame(c, Q, 0, 0, LABEL_SIZE_MM, 0.2);
    draw_frame(c, 0, Q, LABEL_SIZE_MM, 0, 0.2);
    if (draw_din(c, l, e) || draw_group(c, l, e) || draw_product(c, l, e) ||
        draw_expiry(c, l, e))
        return -1;
    return 0;
}

/* --- The formats -------------------------------------------------------- */

static int render_svg(const label *l, buffer *out, err *e)
{
    char eye_readable[ISBT_EYE_READABLE_MAX];
    isbt_din_eye_readable(&l->din.din, eye_readable, sizeof eye_readable);
    buffer svg = BUFFER_INIT;
    buffer_printf(&svg,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%dmm\" height=\"%dmm\" "
                  "viewBox=\"0 0 %d %d\">\n<title>ISBT 128 label ",
                  LABEL_SIZE_MM, LABEL_SIZE_MM, LABEL_SIZE_MM, LABEL_SIZE_MM);
    buffer_append_markup(&svg, eye_readable, strlen(eye_readable));
    buffer_printf(&svg, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
                  LABEL_SIZE_MM, LABEL_SIZE_MM);
    canvas c = {.svg = &svg};
    if (draw_label(&c, l, e)) {
        buffer_free(&svg);
        return -1;
    }
    buffer_append_text(&svg, "</svg>\n");
    buffer_append(out, svg.data, svg.length);
    buffer_free(&svg);
    return 0;
}

static cairo_status_t write_to_buffer(void *closure, const unsigned char *data,
                                      unsigned int length)
{
    buffer_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

static int cairo_failed(cairo_status_t status, err *e)
{
    return err_set(e, ERR_INTERNAL, NULL, "cairo: %s", cairo_status_to_string(status));
}

static int render_cairo(const label *l, label_format format, int dpi, buffer *out, err *e)
{
    const double points_per_mm = 72.0 / 25.4;
    double pixels_per_mm = dpi / 25.4;
    buffer document = BUFFER_INIT;
    cairo_surface_t *surface;
    if (format == LABEL_PDF) {
        surface = cairo_pdf_surface_create_for_stream(write_to_buffer, &document,
                                                      LABEL_SIZE_MM * points_per_mm,
                                                      LABEL_SIZE_MM * points_per_mm);
        char eye_readable[ISBT_EYE_READABLE_MAX], title[64];
        isbt_din_eye_readable(&l->din.din, eye_readable, sizeof eye_readable);
        snprintf(title, sizeof title, "ISBT 128 label %s", eye_readable);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "bloodops");
    } else {
        int side = (int)floor(LABEL_SIZE_MM * pixels_per_mm + 0.5);
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
    }
    cairo_status_t status = cairo_surface_status(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        buffer_free(&document);
        return cairo_failed(status, e);
    }
    cairo_t *cr = cairo_create(surface);
    if (format == LABEL_PNG) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, pixels_per_mm, pixels_per_mm);
    } else {
        cairo_scale(cr, points_per_mm, points_per_mm);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    canvas c = {.cr = cr, .pixels_per_mm = format == LABEL_PNG ? pixels_per_mm : 0};
    int rc = draw_label(&c, l, e);
    status = cairo_status(cr);
    cairo_destroy(cr);
    if (rc == 0 && status == CAIRO_STATUS_SUCCESS && format == LABEL_PNG)
        status = cairo_surface_write_to_png_stream(surface, write_to_buffer, &document);
    cairo_surface_finish(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (rc == 0 && status != CAIRO_STATUS_SUCCESS)
        rc = cairo_failed(status, e);
    if (rc == 0)
        buffer_append(out, document.data, document.length);
    buffer_free(&document);
    return rc;
}

int label_render(const label *l, label_format format, int dpi, buffer *out, err *e)
{
    if (dpi == 0)
        dpi = LABEL_DPI_DEFAULT;
    if (dpi < LABEL_DPI_MIN || dpi > LABEL_DPI_MAX)
        return err_set(e, ERR_INVALID, "dpi", "must be %d to %d dots per inch", LABEL_DPI_MIN,
                       LABEL_DPI_MAX);
    if (format == LABEL_SVG)
        return render_svg(l, out, e);
    if (format == LABEL_PDF || format == LABEL_PNG)
        return render_cairo(l, format, dpi, out, e);
    return err_set(e, ERR_INVALID, "format", "must be svg, pdf or png");
}
