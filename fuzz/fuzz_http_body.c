/*
 * fuzz_http_body.c - libFuzzer target for JSON request bodies: the
 * router's parsing of a body (http/router.c through http_route_check on
 * POST /api/v1/login, a route that takes a body and needs no session:
 * Content-Type, jansson, the naming of the field at fault in a body
 * jansson refuses, bidirectional controls) and the field checks of
 * http_body_check against tables shaped like the API's (strings, whole
 * numbers, decimal texts, booleans, arrays of objects, required fields),
 * with http_body_string and http_body_number_text after it.
 *
 * The input is the body. What must hold:
 *   - a body is accepted exactly when jansson parses it (duplicate names
 *     refused), no string in it, but under a name holding "password",
 *     holds a Unicode bidirectional control (U+061C, U+200E, U+200F,
 *     U+202A-U+202E, U+2066-U+2069), and it passes the login route's own
 *     fields (the router checks a route's `body` after parsing; refused
 *     naming the field their check names); the body parsed is the one
 *     jansson gives; a bidirectional control is refused naming the path of
 *     a string that holds one ("lines[1].memo");
 *   - http_body_check (run on every body jansson parses without a
 *     bidirectional control, against each table) accepts exactly the
 *     objects whose every member is known and of its type (null for
 *     optional ones) and that hold every required member, a required
 *     string holding more than spaces; a
 *     refusal names a member at fault ("" only for a body that is not an
 *     object, or a member whose name is "");
 *   - every refusal becomes a complete error envelope: {"error": {"code",
 *     "message", "field"}} with the field named (cut before a character
 *     the path was cut inside), status 400;
 *   - after an accepted check, a string member reads back through
 *     http_body_string, a number through http_body_number_text as its
 *     decimal text.
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/utf8.h"
#include "http/dispatch.h"
#include "fuzz_http_fake.h"

static void require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_http_body: %s\n", what);
        abort();
    }
}

/* --- tables shaped like the API's ------------------------------------------ */

static const http_field login_fields[] = {
    {"username", FIELD_STRING, 1}, {"password", FIELD_STRING, 1}, {0}};
static const http_field line_fields[] = {{"account", FIELD_STRING, 1},
                                         {"center", FIELD_STRING, 0},
                                         {"amount", FIELD_DECIMAL_TEXT, 1},
                                         {"memo", FIELD_STRING, 0},
                                         {0}};
static const http_field journal_fields[] = {{"date", FIELD_STRING, 1},
                                            {"description", FIELD_STRING, 1},
                                            {"lines", FIELD_ARRAY, 1, line_fields},
                                            {"reference", FIELD_STRING, 0},
                                            {0}};
static const http_field measurement_fields[] = {{"procedure", FIELD_STRING, 1},
                                                {"weight_lb", FIELD_INTEGER_TEXT, 0},
                                                {"hemoglobin", FIELD_DECIMAL_TEXT, 0},
                                                {"count", FIELD_INTEGER, 0},
                                                {"confirmed", FIELD_BOOLEAN, 0},
                                                {"units", FIELD_ARRAY, 0, NULL},
                                                {0}};
static const http_field *const tables[] = {login_fields, journal_fields, measurement_fields};

/* --- the reference ------------------------------------------------------------ */

/* The code point at p (valid UTF-8: jansson checked it) and its length. */
static uint32_t code_point(const unsigned char *p, size_t *length)
{
    if (p[0] < 0x80)
        return *length = 1, p[0];
    if (p[0] < 0xE0)
        return *length = 2, ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    if (p[0] < 0xF0)
        return *length = 3,
               ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    return *length = 4, ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
                        ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

/* Unicode's Bidi_Control property. */
static int has_bidi(json_t *string)
{
    const unsigned char *p = (const unsigned char *)json_string_value(string);
    size_t length = json_string_length(string);
    for (size_t i = 0, step; i < length; i += step) {
        uint32_t c = code_point(p + i, &step);
        if (c == 0x61C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
            (c >= 0x2066 && c <= 0x2069))
            return 1;
    }
    return 0;
}

/* Whether a string shows nothing as far as this reference can tell: only
 * ASCII spaces and controls, no-break and ideographic spaces, zero-width
 * spaces and the byte order mark. */
static int blank(json_t *string)
{
    const unsigned char *p = (const unsigned char *)json_string_value(string);
    size_t length = json_string_length(string);
    for (size_t i = 0, step; i < length; i += step) {
        uint32_t c = code_point(p + i, &step);
        if (!(c <= 0x20 || c == 0x7F || c == 0xA0 || c == 0x3000 || c == 0x200B || c == 0xFEFF))
            return 0;
    }
    return 1;
}

/* Whether a string may be refused as saying nothing: it holds no visible
 * ASCII character. */
static int maybe_blank(json_t *string)
{
    const char *p = json_string_value(string);
    size_t length = json_string_length(string);
    for (size_t i = 0; i < length; i++)
        if (p[i] > 0x20 && p[i] < 0x7F)
            return 0;
    return 1;
}

typedef struct {
    char paths[64][160];
    size_t count;
} path_set;

static void path_add(path_set *set, const char *path)
{
    if (set->count < 64)
        snprintf(set->paths[set->count++], sizeof set->paths[0], "%s", path);
}

/* Whether `field` (as err keeps it: at most ERR_FIELD_MAX - 1 bytes) names
 * a path of the set. */
static int path_named(const path_set *set, const char *field)
{
    size_t length = strlen(field);
    for (size_t i = 0; i < set->count; i++) {
        if (strcmp(set->paths[i], field) == 0)
            return 1;
        if (length >= ERR_FIELD_MAX - 8 && strncmp(set->paths[i], field, length) == 0)
            return 1; /* cut short */
    }
    return 0;
}

/* The strings holding a bidirectional control, by path as the router
 * writes it, names holding "password" left out. */
static void bidi_paths(json_t *value, const char *path, path_set *out)
{
    char inner[200];
    if (json_is_string(value)) {
        if (has_bidi(value))
            path_add(out, path);
    } else if (json_is_object(value)) {
        const char *key;
        json_t *member;
        json_object_foreach(value, key, member)
        {
            if (strstr(key, "password"))
                continue;
            snprintf(inner, sizeof inner, "%s%s%s", path, *path ? "." : "", key);
            bidi_paths(member, inner, out);
        }
    } else if (json_is_array(value)) {
        size_t index;
        json_t *element;
        json_array_foreach(value, index, element)
        {
            snprintf(inner, sizeof inner, "%s[%zu]", path, index);
            bidi_paths(element, inner, out);
        }
    }
}

static int type_ok(http_field_type type, json_t *value)
{
    switch (type) {
    case FIELD_STRING: return json_is_string(value);
    case FIELD_INTEGER: return json_is_integer(value);
    case FIELD_BOOLEAN: return json_is_boolean(value);
    case FIELD_INTEGER_TEXT: return json_is_integer(value) || json_is_string(value);
    case FIELD_DECIMAL_TEXT: return json_is_number(value) || json_is_string(value);
    case FIELD_ARRAY: return json_is_array(value);
    }
    return 0;
}

/* Every member at fault (`faults`), and the required strings that may be
 * refused as blank (`maybe`); `blank_required`: a required string is
 * blank beyond doubt. */
static void check_reference(json_t *object, const http_field *fields, const char *prefix,
                            path_set *faults, path_set *maybe, int *blank_required)
{
    char path[200];
    if (!json_is_object(object)) {
        path_add(faults, prefix);
        return;
    }
    const char *key;
    json_t *value;
    json_object_foreach(object, key, value)
    {
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
        const http_field *field = fields;
        while (field->name && strcmp(field->name, key) != 0)
            field++;
        if (!field->name || !((json_is_null(value) && !field->required) || type_ok(field->type, value))) {
            path_add(faults, path);
            continue;
        }
        if (field->type == FIELD_ARRAY && field->items && json_is_array(value)) {
            size_t index;
            json_t *element;
            json_array_foreach(value, index, element)
            {
                char element_path[220];
                snprintf(element_path, sizeof element_path, "%s[%zu]", path, index);
                check_reference(element, field->items, element_path, faults, maybe,
                                blank_required);
            }
        }
    }
    for (const http_field *field = fields; field->name; field++) {
        if (!field->required)
            continue;
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", field->name);
        json_t *given = json_object_get(object, field->name);
        if (!given) {
            path_add(faults, path);
        } else if (field->type == FIELD_STRING && json_is_string(given)) {
            if (maybe_blank(given))
                path_add(maybe, path);
            if (blank(given))
                *blank_required = 1;
        }
    }
}

/* A refusal as the API answers it: a complete envelope naming the field. */
static void check_envelope(const err *e)
{
    http_response response = {0};
    http_reply_error(&response, e);
    require(response.status == http_status_of(e->code), "an envelope with another status");
    json_t *error = json_object_get(response.json, "error");
    require(json_is_string(json_object_get(error, "code")), "an envelope without its code");
    const char *message = json_string_value(json_object_get(error, "message"));
    require(message && *message, "an envelope without its message");
    const char *field = json_string_value(json_object_get(error, "field"));
    /* The field as the refusal names it; one cut inside a character (a
     * long path) is sent cut before that character. */
    require(e->field[0] ? field != NULL : !field, "an envelope without the field the refusal names");
    if (field && utf8_invalid_at(e->field, strlen(e->field)) < 0)
        require(strcmp(field, e->field) == 0, "an envelope naming another field");
    else if (field)
        require(strncmp(field, e->field, strlen(field)) == 0, "an envelope naming another field");
    json_decref(response.json);
}

static void check_fields(http_request *request, const http_field *fields)
{
    err e = {0};
    path_set faults = {0}, maybe = {0};
    int blank_required = 0;
    check_reference(request->json, fields, "", &faults, &maybe, &blank_required);
    if (http_body_check(request, fields, &e)) {
        require(e.code == ERR_INVALID && e.message[0], "a refusal without a message");
        if (!e.field[0])
            require(!json_is_object(request->json) || path_named(&faults, ""),
                    "a refusal of an object names no field");
        else if (!path_named(&faults, e.field) && !path_named(&maybe, e.field)) {
            fprintf(stderr, "field '%s'\n", e.field);
            require(0, "a refusal names a member that is not at fault");
        }
        check_envelope(&e);
        return;
    }
    require(faults.count == 0, "a body with a member at fault is accepted");
    require(!blank_required, "a required string of spaces is accepted");
    for (const http_field *field = fields; field->name; field++) {
        json_t *value = json_object_get(request->json, field->name);
        if (field->type == FIELD_STRING) {
            const char *text = http_body_string(request, field->name);
            require(json_is_string(value) ? text == json_string_value(value) : !text,
                    "http_body_string reads another value");
        }
        if (field->type != FIELD_INTEGER_TEXT && field->type != FIELD_DECIMAL_TEXT)
            continue;
        const char *text = http_body_number_text(request, field->name);
        if (!value || json_is_null(value)) {
            require(!text, "a number text for a member not given");
        } else if (json_is_string(value)) {
            require(text && strcmp(text, json_string_value(value)) == 0,
                    "a number given as text reads as another text");
        } else if (json_is_integer(value)) {
            require(text && strtoll(text, NULL, 10) == json_integer_value(value),
                    "a whole number reads as another");
        } else {
            double expected = json_real_value(value), read = text ? strtod(text, NULL) : NAN;
            require(fabs(read - expected) <= fabs(expected) * 1e-14,
                    "a decimal number reads as another");
        }
    }
}

/* The route of POST /api/v1/login, found once among the modules. */
static const http_route *login_route(void)
{
    static const http_route *found;
    for (const http_module *const *module = http_modules; *module && !found; module++)
        for (const http_route *route = (*module)->routes; route->method && !found; route++)
            if (!strcmp(route->method, "POST") && !strcmp(route->pattern, "/api/v1/login"))
                found = route;
    require(found && found->body, "no POST /api/v1/login taking a body");
    return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *body = malloc(size + 1);
    memcpy(body, data, size);
    body[size] = '\0';
    fake_reset();
    fake.headers[fake.header_count++] = (fake_value){"Content-Type", "application/json"};

    http_request request = {.method = "POST", .path = "/api/v1/login", .arena = arena_new(),
                            .body = body, .body_length = size, .client_address = "127.0.0.1"};
    http_response response = {0};
    const http_route *route = http_route_check(&request, &response);
    json_t *parsed = json_loadb(body, size, JSON_REJECT_DUPLICATES, NULL);
    path_set bidi = {0};
    if (parsed)
        bidi_paths(parsed, "", &bidi);
    /* The login's own fields, which the router checks after parsing: a
     * body jansson parses without a bidirectional control is a login when
     * it passes them (their check is held to its model below). */
    const http_route *login = login_route();
    http_request as_login = {.json = parsed, .arena = request.arena};
    err login_error = {0};
    int login_ok = parsed && !bidi.count && http_body_check(&as_login, login->body, &login_error) == 0;
    if (route) {
        require(route == login, "another route");
        require(parsed && request.json && json_equal(parsed, request.json),
                "a body accepted that jansson does not parse so");
        require(bidi.count == 0, "a bidirectional control is accepted");
        require(login_ok, "a body that is no login is accepted");
    } else {
        require(response.status == 400, "a body refused with a status other than 400");
        json_t *error = json_object_get(response.json, "error");
        require(error && strcmp(json_string_value(json_object_get(error, "code")),
                                "invalid_input") == 0,
                "a refusal without its envelope");
        const char *message = json_string_value(json_object_get(error, "message"));
        require(message && *message, "a refusal without a message");
        const char *field = json_string_value(json_object_get(error, "field"));
        if (parsed && !bidi.count) {
            require(!login_ok, "a login body jansson parses is refused");
            require(strcmp(field ? field : "", login_error.field) == 0,
                    "a login body refused naming another field than its check");
        } else if (parsed) {
            /* A member named "" at the top has the path "": no field. */
            int named = field ? path_named(&bidi, field) : path_named(&bidi, "");
            if (!named)
                fprintf(stderr, "field '%s'\n", field ? field : "(none)");
            require(named, "a bidirectional control refused without naming its string");
        }
    }
    /* Every body jansson parses without a bidirectional control, through
     * the field checks of tables shaped like the API's. */
    if (parsed && !bidi.count) {
        http_request checked = {.json = parsed, .arena = request.arena};
        for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
            check_fields(&checked, tables[i]);
    }
    json_decref(parsed);
    json_decref(request.json);
    json_decref(response.json);
    arena_free(request.arena);
    free(body);
    return 0;
}
