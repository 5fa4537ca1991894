/*
 * api_donors.c - placeholder: the donors endpoints are being written.
 */
#include "http/http.h"

const http_route http_routes_donors[] = {
    {0},
};
