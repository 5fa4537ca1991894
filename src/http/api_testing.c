/*
 * api_testing.c - placeholder: the testing endpoints are being written.
 */
#include "http/http.h"

const http_route http_routes_testing[] = {
    {0},
};
