/*
 * api_collections.c - placeholder: the collections endpoints are being written.
 */
#include "http/http.h"

const http_route http_routes_collections[] = {
    {0},
};
