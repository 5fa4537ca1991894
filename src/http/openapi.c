/*
 * openapi.c - the API's description as an OpenAPI 3.1 document (see
 * openapi.h), written from what the routes declare:
 *
 *   - a path per pattern, an operation per method, tagged with its module
 *     and grouped by area (x-tagGroups, which Redoc shows as sections);
 *   - who may call it: no security for the public routes, else a session
 *     (bearer token or cookie) and, in its description, the capability it
 *     needs with the roles that hold it (domain/capability.c);
 *   - its path parameters, its query parameters (`query`), its body (the
 *     `body` fields the router checks, as a JSON Schema);
 *   - its answer: the schema `response` names among the files of
 *     src/http/schemas/, and the media types of `produces`, with the
 *     error envelope for the refusals every route may give.
 */
#include <stdio.h>
#include <string.h>
#include "http/http.h"
#include "http/openapi.h"

/* The JSON Schema of one field of a body; items for FIELD_ARRAY. */
static json_t *body_schema(const http_field *fields);

static json_t *field_schema(const http_field *field)
{
    json_t *schema;
    switch (field->type) {
    case FIELD_STRING:
        schema = json_pack("{s:s}", "type", "string");
        if (field->required)
            json_object_set_new(schema, "pattern", json_string("\\S"));
        break;
    case FIELD_INTEGER: schema = json_pack("{s:s}", "type", "integer"); break;
    case FIELD_BOOLEAN: schema = json_pack("{s:s}", "type", "boolean"); break;
    case FIELD_INTEGER_TEXT:
        schema = json_pack("{s:[s,s], s:s}", "type", "integer", "string", "description",
                           "a whole number, or its decimal text");
        break;
    case FIELD_DECIMAL_TEXT:
        schema = json_pack("{s:[s,s], s:s}", "type", "number", "string", "description",
                           "a number, or its decimal text");
        break;
    case FIELD_ARRAY:
    default:
        schema = json_pack("{s:s}", "type", "array");
        if (field->items)
            json_object_set_new(schema, "items", body_schema(field->items));
        break;
    }
    /* An optional field may also be sent as null ("leave as it is"). */
    if (!field->required) {
        json_t *type = json_object_get(schema, "type");
        if (json_is_string(type))
            json_object_set_new(schema, "type", json_pack("[s,s]", json_string_value(type), "null"));
        else
            json_array_append_new(type, json_string("null"));
    }
    return schema;
}

static json_t *body_schema(const http_field *fields)
{
    json_t *properties = json_object(), *required = json_array();
    for (const http_field *field = fields; field->name; field++) {
        json_object_set_new(properties, field->name, field_schema(field));
        if (field->required)
            json_array_append_new(required, json_string(field->name));
    }
    json_t *schema = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", properties,
                               "additionalProperties", 0);
    if (json_array_size(required))
        json_object_set_new(schema, "required", required);
    else
        json_decref(required);
    return schema;
}

/* "get_api_v1_donors_donor_number": unique per method and pattern. */
static json_t *operation_id(const http_route *route)
{
    char id[256];
    size_t used = 0;
    for (const char *c = route->method; *c && used + 1 < sizeof id; c++)
        id[used++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    for (const char *c = route->pattern; *c && used + 1 < sizeof id; c++) {
        if (*c == '{' || *c == '}')
            continue;
        int word = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
        if (word)
            id[used++] = *c;
        else if (used && id[used - 1] != '_')
            id[used++] = '_';
    }
    while (used && id[used - 1] == '_')
        used--;
    id[used] = '\0';
    return json_string(id);
}

static json_t *parameters(const http_route *route)
{
    json_t *list = json_array();
    for (const char *at = strchr(route->pattern, '{'); at; at = strchr(at + 1, '{')) {
        const char *end = strchr(at, '}');
        json_array_append_new(list, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", at + 1,
                                              (size_t)(end - at - 1), "in", "path", "required", 1,
                                              "schema", "type", "string"));
    }
    for (const char *at = route->query; at && *at;) {
        const char *end = strchr(at, ',');
        size_t length = end ? (size_t)(end - at) : strlen(at);
        json_t *schema;
        if (length == 5 && strncmp(at, "limit", 5) == 0)
            schema = json_pack("{s:s, s:i, s:i}", "type", "integer", "minimum", 1, "maximum",
                               SERVICE_PAGE_MAX);
        else if (length == 6 && strncmp(at, "offset", 6) == 0)
            schema = json_pack("{s:s, s:i, s:i}", "type", "integer", "minimum", 0, "maximum",
                               SERVICE_OFFSET_MAX);
        else
            schema = json_pack("{s:s}", "type", "string");
        json_array_append_new(list, json_pack("{s:s%, s:s, s:o}", "name", at, length, "in",
                                              "query", "schema", schema));
        at = end ? end + 1 : NULL;
    }
    return list;
}

static json_t *ref(const char *kind, const char *name)
{
    char text[128];
    snprintf(text, sizeof text, "#/components/%s/%s", kind, name);
    return json_pack("{s:s}", "$ref", text);
}

/* The success answer: its JSON schema and the other media types. */
static json_t *success(const http_route *route)
{
    json_t *content = json_object();
    if (route->response)
        json_object_set_new(content, "application/json",
                            json_pack("{s:o}", "schema", ref("schemas", route->response)));
    for (const char *at = route->produces; at && *at;) {
        const char *end = strchr(at, ',');
        size_t length = end ? (size_t)(end - at) : strlen(at);
        char type[64];
        snprintf(type, sizeof type, "%.*s", (int)length, at);
        int text = strncmp(type, "text/", 5) == 0 || strcmp(type, "image/svg+xml") == 0;
        json_object_set_new(content, type,
                            text ? json_pack("{s:{s:s}}", "schema", "type", "string")
                                 : json_pack("{s:{s:s, s:s}}", "schema", "type", "string",
                                             "contentMediaType", type));
        at = end ? end + 1 : NULL;
    }
    return json_pack("{s:s, s:o}", "description", route->summary ? route->summary : "done",
                     "content", content);
}

static json_t *operation(const http_module *module, const http_route *route)
{
    json_t *op = json_pack("{s:s, s:o, s:[s]}", "summary", route->summary ? route->summary : "",
                           "operationId", operation_id(route), "tags", module->name);
    char description[512];
    if (route->public_access) {
        snprintf(description, sizeof description, "Public: no session needed.");
        json_object_set_new(op, "security", json_array());
    } else {
        const capability_entry *needed = capability_get(route->capability);
        char roles[256];
        snprintf(description, sizeof description,
                 "Needs the capability `%s` (%s), held by the roles: %s.", needed->name,
                 needed->summary, role_set_format(needed->roles, roles, sizeof roles));
        json_object_set_new(op, "x-capability", json_string(needed->name));
    }
    json_object_set_new(op, "description", json_string(description));
    json_t *list = parameters(route);
    if (json_array_size(list))
        json_object_set_new(op, "parameters", list);
    else
        json_decref(list);
    if (route->body)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
                                      "application/json", "schema", body_schema(route->body)));
    if (route->upload)
        json_object_set_new(
            op, "requestBody",
            json_pack("{s:b, s:s, s:{s:{s:{s:s}}}}", "required", 1, "description",
                      "the file itself as the body, streamed to the server (not JSON); up to "
                      "the upload limit (`bloodops serve --upload-limit`, 100 MiB by default)",
                      "content", "text/csv", "schema", "type", "string"));
    json_t *responses = json_object();
    char status[16];
    snprintf(status, sizeof status, "%u", route->status ? route->status : 200);
    json_object_set_new(responses, status, success(route));
    json_object_set_new(responses, "400", ref("responses", "Invalid"));
    if (!route->public_access) {
        json_object_set_new(responses, "401", ref("responses", "Unauthorized"));
        json_object_set_new(responses, "403", ref("responses", "Forbidden"));
    }
    if (strchr(route->pattern, '{'))
        json_object_set_new(responses, "404", ref("responses", "NotFound"));
    if (strcmp(route->method, "GET") != 0)
        json_object_set_new(responses, "409", ref("responses", "Conflict"));
    if (route->upload)
        json_object_set_new(responses, "413", ref("responses", "TooLarge"));
    json_object_set_new(op, "responses", responses);
    return op;
}

/* The error envelope's answers, one per refusal every route may give. */
static json_t *error_responses(void)
{
    static const struct {
        const char *name, *description;
    } errors[] = {
        {"Invalid", "refused: a parameter or field is missing or wrong (`field` names it)"},
        {"Unauthorized", "no session, or one that has ended"},
        {"Forbidden", "the user's roles do not hold the capability, or the CSRF token is wrong"},
        {"NotFound", "no such record"},
        {"Conflict", "refused: the state of the records does not allow it"},
        {"TooLarge", "refused: the file is larger than the upload limit, which the message names"},
    };
    json_t *responses = json_object();
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        json_object_set_new(responses, errors[i].name,
                            json_pack("{s:s, s:{s:{s:o}}}", "description", errors[i].description,
                                      "content", "application/json", "schema",
                                      ref("schemas", "Error")));
    return responses;
}

/* Every schema of every file of src/http/schemas/, in one object. */
static int schemas(json_t **out, err *e)
{
    json_t *all = json_object();
    for (int i = 0; i < http_schema_file_count; i++) {
        json_error_t problem;
        json_t *file = json_loads(http_schema_files[i].text, 0, &problem);
        if (!json_is_object(file)) {
            json_decref(file);
            json_decref(all);
            return err_set(e, ERR_INTERNAL, NULL, "src/http/schemas/%s.json is not a JSON object: %s",
                           http_schema_files[i].name, problem.text);
        }
        const char *name;
        json_t *schema;
        json_object_foreach(file, name, schema)
        {
            if (json_object_get(all, name)) {
                json_decref(file);
                json_decref(all);
                return err_set(e, ERR_INTERNAL, NULL, "the schema %s is named twice (%s.json)",
                               name, http_schema_files[i].name);
            }
            json_object_set(all, name, schema);
        }
        json_decref(file);
    }
    *out = all;
    return 0;
}

int http_openapi_document(json_t **out, err *e)
{
    json_t *components_schemas;
    if (schemas(&components_schemas, e))
        return -1;
    json_t *paths = json_object(), *tags = json_array(), *groups = json_array();
    for (int a = 0; a < AREA_COUNT; a++) {
        json_t *group_tags = json_array();
        for (const http_module *const *module = http_modules; *module; module++) {
            if ((*module)->area != (area)a)
                continue;
            json_array_append_new(group_tags, json_string((*module)->name));
            json_array_append_new(tags, json_pack("{s:s, s:s}", "name", (*module)->name,
                                                  "description", area_title((area)a)));
            for (const http_route *route = (*module)->routes; route->method; route++) {
                json_t *path = json_object_get(paths, route->pattern);
                if (!path) {
                    path = json_object();
                    json_object_set_new(paths, route->pattern, path);
                }
                char method[16];
                snprintf(method, sizeof method, "%s", route->method);
                for (char *c = method; *c; c++)
                    *c = (char)(*c - 'A' + 'a');
                json_object_set_new(path, method, operation(*module, route));
            }
        }
        if (json_array_size(group_tags))
            json_array_append_new(groups, json_pack("{s:s, s:o}", "name", area_title((area)a),
                                                    "tags", group_tags));
        else
            json_decref(group_tags);
    }
    *out = json_pack(
        "{s:s, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:[{s:s}], s:[{s:[]}, {s:[]}], s:o, s:o, s:o,"
        " s:{s:o, s:o, s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}}}",
        "openapi", "3.1.0", "info", "title", "bloodops API", "version", BLOODOPS_VERSION,
        "description",
        "The HTTP API of bloodops: donor centers, the blood-products chain, the books. Every "
        "endpoint under /api/v1 needs a session (POST /api/v1/login) but the login itself; each "
        "says which capability of the role matrix it needs. Errors are "
        "{\"error\":{\"code\",\"message\",\"field\"}}.",
        "license", "name", "Proprietary", "identifier", "LicenseRef-Proprietary", "servers", "url",
        "/", "security", "bearer", "session_cookie", "tags", tags, "x-tagGroups", groups, "paths",
        paths, "components", "schemas", components_schemas, "responses", error_responses(), "securitySchemes",
        "bearer", "type", "http", "scheme", "bearer", "session_cookie", "type", "apiKey", "in",
        "cookie", "name", "bloodops_session");
    return 0;
}
