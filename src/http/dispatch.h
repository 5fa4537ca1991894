/*
 * dispatch.h - the two halves of http_dispatch (router.c), for the server's
 * write path: the checks of a request, on the worker that read it, and the
 * handler, on the group commit writer (server.c).
 */
#ifndef BLOODOPS_HTTP_DISPATCH_H
#define BLOODOPS_HTTP_DISPATCH_H

#include "http/http.h"

/* Find the route (404/405), check the session, CSRF and role, parse the
 * body. Returns the route, or NULL with the answer (an error) in response. */
const http_route *http_route_check(http_request *request, http_response *response);

/* The route of `method` and `path` when its body is streamed to a file
 * (http_route.upload), else NULL: the server asks before the body comes. */
const http_route *http_route_streamed(const char *method, const char *path);

/* Run the route's handler (through the Idempotency-Key record for a POST
 * that carries one). */
void http_route_run(const http_route *route, http_request *request, http_response *response);

/* Something was written through this server (a write request or the sweep
 * ended): sessions remembered by the router are checked again. */
void http_writes_done(void);

#endif
