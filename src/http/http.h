/*
 * http.h - what the HTTP layer shares between the server, the router and the
 * endpoint handlers.
 *
 * A handler receives a parsed request whose session and role were already
 * checked by the router (the route says which capability it needs), calls
 * one service function and answers with JSON (or, for a report asked for as
 * text, CSV or HTML, with that text). Handlers never write SQL.
 */
#ifndef BLOODOPS_HTTP_HTTP_H
#define BLOODOPS_HTTP_HTTP_H

#include <stdio.h>
#include <jansson.h>
#include <microhttpd.h>
#include "base/arena.h"
#include "base/error.h"
#include "service/auth.h"
#include "service/service.h"
#include "domain/area.h"
#include "domain/capability.h"

enum { HTTP_PATH_PARAMS_MAX = 4 };

typedef struct http_request {
    struct MHD_Connection *connection;
    const char *method;
    const char *path;
    arena *arena;
    const char *body; /* raw body (NUL-terminated), "" when none */
    size_t body_length;
    /* A route that takes its body as a file (http_route.upload): the
     * body, streamed into a temporary file, rewound; NULL otherwise. */
    FILE *upload;
    size_t upload_length;
    json_t *json;     /* parsed body for routes that take one, else NULL */
    const char *path_params[HTTP_PATH_PARAMS_MAX]; /* the {name} parts, in order */
    const struct http_route *route; /* the route found, once its checks passed */
    int authenticated;
    int via_cookie;   /* session came from the cookie (so CSRF applies) */
    auth_session session;
    service_context service; /* db + actor, ready for service calls */
    const char *idempotency_key;
    /* Who sent the request, as text ("127.0.0.1", "2001:db8::7"), never
     * NULL: the socket's peer address, or, when the peer is a trusted
     * proxy (http_config.trusted_proxies), the last address of its
     * X-Forwarded-For header (the client the proxy saw). */
    const char *client_address;
} http_request;

typedef struct http_response {
    unsigned status;
    json_t *json;           /* body, sent compact; NULL for none */
    /* A body that is not JSON (a report as text, a PDF, a file of the web
     * application), or NULL: `body_length` bytes of `content_type` (a
     * static string). malloc'd and freed once sent, unless `body_static`
     * (bytes compiled into the binary). */
    const char *body;
    size_t body_length;
    int body_static;
    const char *content_type;
    /* Content-Disposition (arena string or NULL): a download's file name. */
    const char *content_disposition;
    char *set_cookie;       /* arena string or NULL */
    const char *allow;      /* Allow header for 405 */
    int replayed;           /* answer replayed for an Idempotency-Key */
    long retry_after;       /* > 0: a Retry-After header, in seconds (429, 503) */
    /* Caching of the web application's files (web.c). */
    const char *cache_control;    /* NULL: "no-store" */
    const char *content_encoding; /* "gzip" or NULL */
    const char *etag;             /* without quotes, or NULL */
    int vary_encoding;            /* the body depends on Accept-Encoding */
    int page;                     /* a page shell (HTTP_PAGE_*): its own CSP */
} http_response;

/* The page shells web.c serves, each with its Content-Security-Policy
 * (server.c): the application's allows nothing inline; the API reference's
 * allows inline styles and a worker made from a blob, which Redoc needs. */
enum { HTTP_PAGE_NONE, HTTP_PAGE_APPLICATION, HTTP_PAGE_API_REFERENCE };

typedef void (*http_handler)(http_request *request, http_response *response);

/* Answer with data (status 200, or 201 for creations); steals json. */
void http_reply(http_response *response, unsigned status, json_t *json);
/* Answer with a body that is not JSON (a report as text, CSV or HTML):
 * steals `text` (malloc'd, e.g. from buffer_take); content_type is a static
 * string such as "text/csv; charset=utf-8". JSON stays the default: only
 * handlers that call this answer anything else. */
void http_reply_text(http_response *response, unsigned status, const char *content_type,
                     char *text);
/* Answer with JSON already written as text (a hot path's
 * base/json_writer output): the buffer's bytes, taken; or, like
 * http_reply_result, the error when rc is not 0 (the text is freed). */
void http_reply_json_text(http_response *response, unsigned status, int rc, buffer *text,
                          const err *e);
/* The same for a binary body (a PDF, an image) of `length` bytes. */
void http_reply_bytes(http_response *response, unsigned status, const char *content_type,
                      char *bytes, size_t length);
/* The same for bytes that live as long as the program (compiled in): sent
 * as they are, never copied or freed. */
void http_reply_static(http_response *response, unsigned status, const char *content_type,
                       const char *bytes, size_t length);
/* How most handlers end: the error envelope when rc is not 0 (e filled by
 * the service), else the result with `status`. */
void http_reply_result(http_response *response, unsigned status, int rc, json_t *result,
                       const err *e);
/* Answer with the error envelope {"error":{"code","message","field"}}. */
void http_reply_error(http_response *response, const err *e);
unsigned http_status_of(err_code code);

/* Query string value or NULL (also NULL, with an error logged, for a name
 * the request's route does not declare in its `query`). */
const char *http_query(http_request *request, const char *name);
/* Read the paging parameters (?limit=&after=) into page; ERR_INVALID names
 * the parameter at fault. */
int http_query_page(http_request *request, service_page *page, err *e);

/* Check the JSON body against the fields a route accepts: it must be an
 * object, every field must be known, of the right type, and the required
 * ones present; a required FIELD_STRING must also hold a visible character
 * ("" or "   " is refused as "is required"). Errors name the field. (What
 * no string of any body may hold, router.c refuses as it parses the body:
 * bytes that are not UTF-8, NUL, bidirectional controls outside
 * passwords.)
 *
 * FIELD_INTEGER_TEXT accepts a whole number as a JSON integer or as a
 * string (the service parses the string and names the field when it is not
 * a number); FIELD_DECIMAL_TEXT the same for a number that may have
 * decimals (13.4 or "13.4"). FIELD_ARRAY is an array of objects, each checked against
 * `items` the same way; errors name the element's field, "lines[1].amount"
 * (or "lines[1]" when the element is not an object), counting from 0. */
typedef enum {
    FIELD_STRING,
    FIELD_INTEGER,
    FIELD_BOOLEAN,
    FIELD_INTEGER_TEXT,
    FIELD_DECIMAL_TEXT,
    FIELD_ARRAY
} http_field_type;
typedef struct http_field {
    const char *name;
    http_field_type type;
    int required;
    const struct http_field *items; /* FIELD_ARRAY: the fields of each element */
} http_field;
int http_body_check(http_request *request, const http_field *fields, err *e);
/* A string field of the body (NULL when absent or null). */
const char *http_body_string(http_request *request, const char *name);
/* A number field as its decimal text in the arena, or a string field as it
 * is (for FIELD_INTEGER_TEXT and FIELD_DECIMAL_TEXT); NULL when absent or
 * null. */
const char *http_body_number_text(http_request *request, const char *name);

/* A route: one method and path pattern ({name} segments match one
 * non-empty segment each; where two patterns match a path, the one with a
 * literal segment where the other has a parameter wins, whatever their
 * order), its handler, and who may call it: the capability it needs (any
 * role holding it, domain/capability.h), or `public_access` for the few
 * routes that need no session (health, login). A route that names neither
 * is refused to everyone (403). Rows are written with named fields:
 *   {.method = "GET", .pattern = "/api/v1/audit", .handler = audit_log,
 *    .capability = CAPABILITY_AUDIT},
 */
typedef struct http_route {
    const char *method;
    const char *pattern;
    http_handler handler;
    capability capability;
    int public_access;
    /* The JSON body the route takes, or NULL for none: the router parses
     * it and checks it against these fields (http_body_check) before the
     * handler runs, so a handler reads only a body of this shape. */
    const http_field *body;
    /* The query parameters the handler reads ("q,status,limit,after"):
     * http_query answers NULL, and logs the mistake, for any other. */
    const char *query;
    /* For the API's description (GET /api/v1/openapi.json, openapi.c):
     * what the route does, the name of the schema of its JSON answer (one
     * of src/http/schemas/), its status when it succeeds (0: 200), and
     * the media types it may answer with instead of JSON, comma-separated
     * ("text/csv,text/html"). */
    const char *summary;
    const char *response;
    unsigned status;
    const char *produces;
    /* 1: the body is not JSON but a file (a results file), streamed into
     * a temporary file as it arrives rather than collected in memory, up
     * to http_config.upload_limit and within upload_timeout
     * (http_request.upload); the route declares no `body`. */
    int upload;
} http_route;

/* A module's HTTP side, declared beside its handlers as
 *   const http_module http_module_NAME = {.name = "NAME", .area = AREA_..,
 *                                         .routes = NAME_routes};
 * and found by tools/gen-modules.sh, which lists every such declaration in
 * src/http/ (build/.../gen/http_modules.c): the router needs no edit when a
 * module is added. `routes` ends with a zeroed row. */
typedef struct {
    const char *name;
    area area;
    const http_route *routes;
} http_module;

/* Every module, ending with NULL (generated). */
extern const http_module *const http_modules[];

/* Serve the web application's files and pages (web.c) when the request is
 * for one (a GET or HEAD outside /api/ and /health): fills response and
 * returns 1; returns 0 for requests that belong to the router. */
int http_web_serve(const char *method, const char *path, const char *accept_encoding,
                   const char *if_none_match, http_response *response);

/* Route a complete request: find the route (404/405), check the session,
 * CSRF and role, parse the body, run the handler. */
void http_dispatch(http_request *request, http_response *response);

/* What `bloodops serve` runs with (defaults in HTTP_DEFAULT_*, set by
 * cli/cmd_system.c from its options and environment variables). */
typedef struct {
    const char *listen;      /* "127.0.0.1:8080" */
    const char *db_location; /* every worker thread opens its own connection */
    size_t body_limit;       /* bytes */
    size_t upload_limit;     /* bytes of a streamed upload (http_route.upload) */
    unsigned upload_timeout; /* seconds to receive an upload's headers and body */
    unsigned threads;
    unsigned max_connections;             /* open at once, all clients together */
    /* Open at once from one address, 0: no limit. A trusted proxy has
     * none: it speaks for many clients. */
    unsigned max_connections_per_address;
    unsigned request_timeout;   /* seconds to receive a request's headers and body */
    unsigned idle_timeout;      /* seconds a connection may stay silent */
    size_t max_uri_length;      /* bytes of path and query string; longer: 414 */
    unsigned max_query_parameters; /* more: 400 */
    /* Addresses whose X-Forwarded-For is believed ("10.0.0.5,10.0.0.6"),
     * or NULL/"" for none. */
    const char *trusted_proxies;
} http_config;

enum {
    HTTP_DEFAULT_MAX_CONNECTIONS = 4096,
    HTTP_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256,
    HTTP_DEFAULT_REQUEST_TIMEOUT = 30,
    HTTP_DEFAULT_IDLE_TIMEOUT = 30,
    HTTP_DEFAULT_MAX_URI_LENGTH = 8192,
    HTTP_DEFAULT_MAX_QUERY_PARAMETERS = 100,
    HTTP_DEFAULT_UPLOAD_TIMEOUT = 600,
};
#define HTTP_DEFAULT_UPLOAD_LIMIT ((size_t)100 * 1024 * 1024)

/* Serve until SIGINT or SIGTERM; returns 0 after a clean shutdown. Prints
 * the URL it listens on to stdout once ready. ERR_INVALID naming the
 * setting ("listen", "trusted-proxy") when the configuration is wrong. */
int http_serve(const http_config *config, err *e);

#endif
